//! The thresholds section (`--fail-if`) in text and Markdown: each expression that
//! fired, the value measured against its limit, and for a `by` expression the row's key.

use crate::fmt::{percent, thousands};
use crate::markdown::{code, table};
use crate::style::{Out, Paint};
use crate::table::{Left, Right, Table};
use crate::terminal_safe;
use axlog_stats::Summary;
use axlog_stats::anomaly_summary::Fired;
use std::fmt::Write as _;

/// A value in the metric's unit: a time (µs) in seconds, a rate as a percentage, QPS
/// with two decimals, counts whole.
pub(crate) fn value(metric: &str, v: f64) -> String {
    if metric.contains('(') {
        format!("{:.3} s", v / 1e6)
    } else if metric.ends_with("_rate") {
        percent(v)
    } else if metric.starts_with("qps") {
        format!("{v:.2}/s")
    } else if v.fract() == 0.0 && v >= 0.0 && v < u64::MAX as f64 {
        thousands(v as u64)
    } else {
        format!("{v}")
    }
}

/// As [`value`], with a time humanised (`16.0 ms`), for the text report.
fn text_value(metric: &str, v: f64) -> String {
    match metric.contains('(') {
        true => crate::fmt::duration(v.round().max(0.0) as u64),
        false => value(metric, v),
    }
}

/// The row a `by` expression fired on: `dimension key` (`""` without one).
fn row(f: &Fired, key: impl Fn(&str) -> String) -> String {
    match (&f.dimension, &f.key) {
        (Some(d), Some(k)) => format!("{d} {}", key(k)),
        (Some(d), None) => d.clone(),
        _ => String::new(),
    }
}

/// The text section: how many fired of how many checked, then a table of what fired,
/// in red.
pub(crate) fn text(o: &mut Out, s: &Summary) {
    let Some(t) = &s.thresholds else {
        return;
    };
    let checked = t.checked.len();
    if t.fired.is_empty() {
        o.title(&format!("Thresholds none fired of {checked} checked"));
        return;
    }
    o.title(&format!(
        "Thresholds {} fired ({checked} checked)",
        thousands(t.fired.len() as u64)
    ));
    let mut table = Table::new(&[
        ("expression", Left),
        ("row", Left),
        ("value", Right),
        ("op", Left),
        ("limit", Right),
    ]);
    for f in &t.fired {
        let v = f
            .value
            .map_or_else(|| "none".to_string(), |v| text_value(&f.metric, v));
        table
            .row(vec![
                terminal_safe(&f.expr),
                terminal_safe(&row(f, |k| k.to_string())),
                v,
                f.op.clone(),
                text_value(&f.metric, f.limit),
            ])
            .paint_all(Paint::Red);
    }
    table.render(o);
}

/// The Markdown section: a table of what fired.
pub(crate) fn markdown(o: &mut String, s: &Summary, h: &str) {
    let Some(t) = &s.thresholds else {
        return;
    };
    let _ = writeln!(o, "\n{h} Thresholds");
    let _ = writeln!(
        o,
        "\n{} fired of {} checked.",
        thousands(t.fired.len() as u64),
        t.checked.len()
    );
    if t.fired.is_empty() {
        return;
    }
    let rows: Vec<Vec<String>> = t
        .fired
        .iter()
        .map(|f| {
            let v = f
                .value
                .map_or_else(|| "none".to_string(), |v| value(&f.metric, v));
            vec![
                code(&f.expr, true),
                row(f, |k| code(k, true)),
                v,
                f.op.clone(),
                value(&f.metric, f.limit),
            ]
        })
        .collect();
    table(o, &["Expression", "Row", ">Value", "Op", ">Limit"], &rows);
}
