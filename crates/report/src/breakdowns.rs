//! The `--by` tables in the text report: one section a dimension, its busiest rows with
//! their errors, QPS, bytes and latencies (a two-level table's sub-rows indented under
//! their row), and what its caps left unranked.

use crate::fmt::{ellipsize, percent, seconds, thousands};
use crate::terminal_safe;
use axlog_stats::Summary;
use axlog_stats::summary::{Breakdown, BreakdownRow, NamedLatency};
use std::fmt::Write as _;

/// Every `--by` table, in the order asked.
pub(crate) fn breakdowns(o: &mut String, s: &Summary) {
    for b in &s.by {
        table(o, b);
    }
}

fn table(o: &mut String, b: &Breakdown) {
    // The dimension's name is the user's (`field:NAME`): escaped as log text is.
    let mut title = format!("By {}", terminal_safe(&b.dimension));
    if b.sort != "requests" {
        title.push_str(&format!(" (by {})", b.sort));
    }
    let title = ellipsize(&title, 34);
    let _ = writeln!(
        o,
        "\n{title:<34} {:>10} {:>8} {:>7} {:>7} {:>9} {:>6} {:>14} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "requests",
        "share",
        "4xx",
        "5xx",
        "qps mean",
        "peak",
        "bytes",
        "p50 (s)",
        "p90 (s)",
        "p99 (s)",
        "p99.9 (s)",
        "max (s)"
    );
    for r in &b.rows {
        row(o, r, 0);
        for sub in &r.rows {
            row(o, sub, 2);
        }
    }
    if let Some(sub) = &b.sub_rows
        && sub.cap_reached
    {
        let _ = writeln!(
            o,
            "  (pair table full at {} pairs: {} requests with later new pairs have no sub-row)",
            thousands(sub.distinct),
            thousands(sub.untracked_requests)
        );
    }
    if b.cap_reached {
        let full = if b.distinct >= b.cap {
            format!("{} distinct keys", thousands(b.cap))
        } else {
            format!(
                "{} bytes of keys ({} distinct)",
                thousands(b.bytes_cap),
                thousands(b.distinct)
            )
        };
        let _ = writeln!(
            o,
            "  (table full at {full}: {} requests with later new keys are not ranked)",
            thousands(b.untracked_requests)
        );
    }
    if b.requests_without_key > 0 {
        let _ = writeln!(
            o,
            "  ({} requests have no {})",
            thousands(b.requests_without_key),
            terminal_safe(&b.dimension)
        );
    }
}

/// One row (a sub-row `indent` further in): its counts, QPS, and its latencies, the
/// request time on its line and each other one (upstream, HAProxy timers) below it.
fn row(o: &mut String, r: &BreakdownRow, indent: usize) {
    let pad = " ".repeat(indent);
    let width = 32 - indent;
    let peak = r.qps_peak.as_ref().map_or_else(
        || "-".to_string(),
        |p| format!("{}{}", p.requests, if p.approximate { "~" } else { "" }),
    );
    let _ = write!(
        o,
        "  {pad}{:<width$} {:>10} {:>8} {:>7} {:>7} {:>9.2} {:>6} {:>14}",
        ellipsize(&terminal_safe(&r.key), width),
        thousands(r.requests),
        percent(r.share),
        percent(r.share_4xx),
        percent(r.share_5xx),
        r.qps_mean,
        peak,
        thousands(r.bytes_sent),
    );
    let mut lat = r.latencies.iter();
    match r.latencies.first().filter(|l| l.name == "latency") {
        Some(l) => {
            lat.next();
            let _ = writeln!(o, " {}", percentiles(l));
        }
        None => {
            let _ = writeln!(o, " {:>9}", "-");
        }
    }
    for l in lat {
        let _ = writeln!(
            o,
            "  {pad}  {:<width$} {:>92}",
            l.name,
            percentiles(l),
            width = width - 2
        );
    }
}

/// p50, p90, p99, p99.9 and max in seconds, marked when values were dropped.
fn percentiles(l: &NamedLatency) -> String {
    let mut cols = format!(
        "{:>9} {:>9} {:>9} {:>9} {:>9}",
        seconds(l.p50_us),
        seconds(l.p90_us),
        seconds(l.p99_us),
        seconds(l.p999_us),
        seconds(l.max_us)
    );
    if l.approximate {
        cols.push_str("  (approximate)");
    }
    cols
}
