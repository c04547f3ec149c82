//! The anomalies section (issue 19, docs/anomalies.md) in text and Markdown: one line or
//! row per anomaly: its time range, kind, the metric observed against its baseline and
//! band, its score, and the key that explains most of it with its share.

use crate::fmt::{percent, thousands};
use crate::markdown::{code, table};
use crate::style::{Out, Paint};
use crate::table::{Left, Right, Table};
use crate::terminal_safe;
use axlog_stats::Summary;
use axlog_stats::anomaly_summary::{Anomalies, Anomaly, Contributor};
use std::fmt::Write as _;

/// A metric's value as shown: requests as a count, a 5xx share as a percentage, a time
/// (µs) in seconds.
pub(crate) fn value(metric: &str, v: f64) -> String {
    match metric {
        "5xx_rate" => percent(v),
        "p99_us" => format!("{:.3} s", v / 1e6),
        _ => count(v),
    }
}

/// As [`value`], with a time humanised (`16.0 ms`), for the text report.
fn text_value(metric: &str, v: f64) -> String {
    match metric {
        "p99_us" => crate::fmt::duration(v.round().max(0.0) as u64),
        _ => value(metric, v),
    }
}

/// A count (or a median of counts) with thousands separators and, when not whole, one
/// decimal: `4,525.5`.
fn count(v: f64) -> String {
    if !(0.0..1e18).contains(&v) {
        return format!("{v:.1}");
    }
    let tenths = (v * 10.0).round() as u64;
    match tenths % 10 {
        0 => thousands(tenths / 10),
        d => format!("{}.{d}", thousands(tenths / 10)),
    }
}

/// `start – end`, the end's date left out when it is the start's.
pub(crate) fn range(a: &Anomaly) -> String {
    let same_day = a.start.get(..11).is_some() && a.start.get(..11) == a.end.get(..11);
    let end = match same_day {
        true => a.end.get(11..).unwrap_or(&a.end),
        false => &a.end,
    };
    format!("{} – {end}", a.start)
}

/// The band around the baseline, as `low–high`.
fn band(a: &Anomaly) -> String {
    format!(
        "{}–{}",
        value(&a.metric, a.band_low),
        value(&a.metric, a.band_high)
    )
}

/// A contributor's own figures: per bucket for requests and 5xx, a mean time for
/// latency.
fn contributor_figures(metric: &str, c: &Contributor) -> String {
    match metric {
        "p99_us" => format!(
            "mean {:.3} s vs {:.3} s",
            c.observed / 1e6,
            c.baseline / 1e6
        ),
        "5xx_rate" => format!("{:.1} 5xx a bucket vs {:.1}", c.observed, c.baseline),
        _ => format!("{:.1} a bucket vs {:.1}", c.observed, c.baseline),
    }
}

/// The parameters, in words: `threshold 3.5 · window 1h · 60 s buckets · previous day`.
fn parameters(a: &Anomalies) -> String {
    let window = match a.window_s {
        w if w % 3600 == 0 => format!("{}h", w / 3600),
        w if w % 60 == 0 => format!("{}m", w / 60),
        w => format!("{w}s"),
    };
    let mut p = format!(
        "threshold {} · window {window} · {} s buckets · at least {} requests",
        a.threshold, a.bucket_s, a.min_requests
    );
    if a.previous_day {
        p.push_str(" · previous day compared");
    }
    p
}

/// The text section: a heading line with the count and parameters, then a table of
/// the anomalies, in yellow.
pub(crate) fn text(o: &mut Out, s: &Summary) {
    let Some(a) = &s.anomalies else {
        return;
    };
    let found = match a.count {
        0 => "none".to_string(),
        n => thousands(n),
    };
    o.title(&format!("Anomalies  {found} ({})", parameters(a)));
    if a.anomalies.is_empty() {
        return;
    }
    let mut t = Table::new(&[
        ("time", Left),
        ("kind", Left),
        ("metric", Left),
        ("observed", Right),
        ("baseline", Right),
        ("band", Right),
        ("z", Right),
        ("explained most by", Left),
    ]);
    for x in &a.anomalies {
        let v = |v: f64| text_value(&x.metric, v);
        let who = x.contributor.as_ref().map_or(String::new(), |c| {
            let figures = match x.metric.as_str() {
                "p99_us" => format!(
                    "mean {} vs {}",
                    text_value("p99_us", c.observed),
                    text_value("p99_us", c.baseline)
                ),
                m => contributor_figures(m, c),
            };
            format!(
                "{} {} {} of it ({figures})",
                terminal_safe(&c.dimension),
                terminal_safe(&c.key),
                percent(c.share),
            )
        });
        t.row(vec![
            range(x),
            x.kind.clone(),
            x.metric.clone(),
            v(x.observed),
            v(x.baseline),
            format!("{}–{}", v(x.band_low), v(x.band_high)),
            format!("{:+.1}", x.score),
            who,
        ])
        .paint_all(Paint::Yellow);
    }
    t.render(o);
    let listed = a.anomalies.len() as u64;
    if a.count > listed {
        let _ = writeln!(
            o,
            "  … and {} more (the first {listed} are listed)",
            thousands(a.count - listed)
        );
    }
}

/// The Markdown section: the parameters, then a table (keys as code spans).
pub(crate) fn markdown(o: &mut String, s: &Summary, h: &str) {
    let Some(a) = &s.anomalies else {
        return;
    };
    let _ = writeln!(o, "\n{h} Anomalies");
    let _ = writeln!(o, "\n{} found ({}).", thousands(a.count), parameters(a));
    if a.anomalies.is_empty() {
        return;
    }
    let rows: Vec<Vec<String>> = a
        .anomalies
        .iter()
        .map(|x| {
            let (who, share) = match &x.contributor {
                Some(c) => (
                    format!("{} {}", c.dimension, code(&c.key, true)),
                    percent(c.share),
                ),
                None => ("-".to_string(), "-".to_string()),
            };
            vec![
                range(x),
                x.kind.clone(),
                x.metric.clone(),
                value(&x.metric, x.observed),
                format!("{} ({})", value(&x.metric, x.baseline), band(x)),
                format!("{:+.1}", x.score),
                who,
                share,
            ]
        })
        .collect();
    table(
        o,
        &[
            "Time",
            "Kind",
            "Metric",
            ">Observed",
            ">Baseline (band)",
            ">Score",
            "Contributor",
            ">Share",
        ],
        &rows,
    );
    let listed = a.anomalies.len() as u64;
    if a.count > listed {
        let _ = writeln!(
            o,
            "\nThe first {listed} of {} are listed.",
            thousands(a.count)
        );
    }
}
