//! The top of the page: the title (sources and time covered) and the headline figures an
//! operator reads first: requests, QPS mean and peak, 5xx share, p99, malformed share, and
//! the window. Each figure carries its raw value (`data-metric`, `data-v`).

use super::escape::text as esc;
use super::units::{count, duration, percent, span, utc_parts};
use axlog_stats::Summary;
use std::fmt::Write as _;

/// The sources in a few words: every name up to three, else the first two and a count.
pub(crate) fn sources_words(s: &Summary) -> String {
    let names: Vec<&str> = s.sources.iter().map(|x| x.name.as_str()).collect();
    match names.len() {
        0 => "no sources".to_string(),
        1..=3 => names.join(", "),
        n => format!("{}, {} and {} more", names[0], names[1], n - 2),
    }
}

/// The time covered: a `--state` run's window, else the first and last request
/// (in `--tz` when given, else UTC).
pub(crate) fn window_words(s: &Summary) -> String {
    if let Some(w) = &s.window {
        let span = match (&w.log_first, &w.log_last) {
            (Some(a), Some(b)) => format!("{a} – {b}"),
            _ => "no requests".to_string(),
        };
        let partial = if w.partial { ", partial" } else { "" };
        return format!("window {span} (state generation {}{partial})", w.generation);
    }
    let Some(t) = &s.time else {
        return "no request times".to_string();
    };
    let d = s.series.display.as_ref();
    let first = d
        .and_then(|d| d.first.clone())
        .unwrap_or_else(|| t.first.utc.clone());
    let last = d
        .and_then(|d| d.last.clone())
        .unwrap_or_else(|| t.last.utc.clone());
    format!("{first} – {last}")
}

/// The `<title>`: plain text, escaped by the caller.
pub(crate) fn title(s: &Summary) -> String {
    match &s.time {
        Some(t) => {
            let (d0, hm0, _) = utc_parts(t.first.epoch_us.div_euclid(1_000_000));
            let (d1, hm1, _) = utc_parts(t.last.epoch_us.div_euclid(1_000_000));
            let end = if d0 == d1 { hm1 } else { format!("{d1} {hm1}") };
            format!("axlog · {} · {d0} {hm0} – {end} UTC", sources_words(s))
        }
        None => format!("axlog · {}", sources_words(s)),
    }
}

/// A 5xx or malformed share from which its figure is shown in red: 1%.
const NOTABLE: f64 = 0.01;

/// One figure: a label, the value shown, a line under it; `bad` colours it.
fn figure(
    o: &mut String,
    metric: &str,
    raw: Option<f64>,
    label: &str,
    value: &str,
    sub: &str,
    bad: bool,
) {
    let class = if bad { "fig bad" } else { "fig" };
    let raw = raw
        .filter(|v| v.is_finite())
        .map_or(String::new(), |v| format!(" data-v=\"{v}\""));
    let _ = write!(
        o,
        "<div class=\"{class}\" data-metric=\"{metric}\"{raw}><span class=\"label\">{label}</span>\
         <span class=\"value\">{value}</span><span class=\"sub\">{sub}</span></div>"
    );
}

/// The page's header and headline figures.
pub(crate) fn header(o: &mut String, s: &Summary) {
    let layout = s.layout.as_ref().map_or(String::new(), |l| {
        let how = if l.detected { "detected" } else { "given" };
        format!(" · layout {} ({how})", esc(&l.name))
    });
    let _ = writeln!(
        o,
        "<header><h1>axlog report</h1><p class=\"meta\"><span class=\"sources\">{}</span> · \
         {}{layout}</p></header>",
        esc(&sources_words(s)),
        esc(&window_words(s))
    );
    headline(o, s);
}

/// The headline figures of one summary.
pub(crate) fn headline(o: &mut String, s: &Summary) {
    o.push_str("<section class=\"figures\">");
    let seconds = s.qps.as_ref().map_or(0, |q| q.seconds);
    let covered = match seconds {
        0 => String::new(),
        n => format!("over {}", span(n)),
    };
    figure(
        o,
        "requests",
        Some(s.requests as f64),
        "Requests",
        &count(s.requests),
        &esc(&covered),
        false,
    );
    match &s.qps {
        Some(q) => {
            figure(
                o,
                "qps_mean",
                Some(q.mean),
                "QPS mean",
                &format!("{:.2}", q.mean),
                "requests a second",
                false,
            );
            let (_, _, at) = utc_parts(q.peak_second_epoch);
            figure(
                o,
                "qps_peak",
                Some(f64::from(q.peak)),
                "QPS peak",
                &count(u64::from(q.peak)),
                &format!("at {at} UTC"),
                false,
            );
        }
        None => figure(o, "qps_mean", None, "QPS", "-", "no request times", false),
    }
    let n5 = s
        .status
        .classes
        .iter()
        .find(|c| c.class == "5xx")
        .map_or(0, |c| c.count);
    let share5 = if s.requests > 0 {
        n5 as f64 / s.requests as f64
    } else {
        0.0
    };
    figure(
        o,
        "share_5xx",
        Some(share5),
        "5xx",
        &percent(share5),
        &format!("{} requests", count(n5)),
        share5 >= NOTABLE,
    );
    let (p99, which) = match (
        &s.latency.request_time,
        s.haproxy.as_ref().and_then(|h| h.ta.as_ref()),
    ) {
        (Some(l), _) => (Some(l), "request time"),
        (None, Some(ta)) => (Some(ta), "HAProxy Ta"),
        _ => (None, ""),
    };
    match p99 {
        Some(l) => {
            let mark = if l.approximate { "≈ " } else { "" };
            figure(
                o,
                "p99_us",
                Some(l.p99_us as f64),
                "p99",
                &format!("{mark}{}", duration(l.p99_us as f64)),
                &format!("{which}, p50 {}", duration(l.p50_us as f64)),
                false,
            );
        }
        None => figure(
            o,
            "p99_us",
            None,
            "p99",
            "-",
            "no request times logged",
            false,
        ),
    }
    let mal = s.lines.malformed;
    let share_mal = if s.lines.read > 0 {
        mal as f64 / s.lines.read as f64
    } else {
        0.0
    };
    figure(
        o,
        "share_malformed",
        Some(share_mal),
        "Malformed",
        &percent(share_mal),
        &format!("{} of {} lines", count(mal), count(s.lines.read)),
        share_mal >= NOTABLE,
    );
    o.push_str("</section>\n");
}
