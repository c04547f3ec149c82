//! The `--by` tables in the text report: one section a dimension, its busiest rows with
//! their errors, bytes and latency, and what its cap left unranked.

use crate::fmt::{ellipsize, percent, seconds, thousands};
use crate::terminal_safe;
use axlog_stats::Summary;
use axlog_stats::summary::Breakdown;
use std::fmt::Write as _;

/// Every `--by` table, in the order asked.
pub(crate) fn breakdowns(o: &mut String, s: &Summary) {
    for b in &s.by {
        table(o, b);
    }
}

fn table(o: &mut String, b: &Breakdown) {
    // The dimension's name is the user's (`field:NAME`): escaped as log text is.
    let title = ellipsize(&format!("By {}", terminal_safe(&b.dimension)), 34);
    let _ = writeln!(
        o,
        "\n{title:<34} {:>10} {:>8} {:>9} {:>9} {:>14} {:>9} {:>9} {:>9} {:>9}",
        "requests", "share", "4xx", "5xx", "bytes", "p50 (s)", "p90 (s)", "p99 (s)", "max (s)"
    );
    for r in &b.rows {
        let lat = match &r.latency {
            Some(l) => {
                let mut cols = format!(
                    "{:>9} {:>9} {:>9} {:>9}",
                    seconds(l.p50_us),
                    seconds(l.p90_us),
                    seconds(l.p99_us),
                    seconds(l.max_us)
                );
                if l.approximate {
                    cols.push_str("  (approximate)");
                }
                cols
            }
            None => format!("{:>9}", "-"),
        };
        let _ = writeln!(
            o,
            "  {:<32} {:>10} {:>8} {:>9} {:>9} {:>14} {lat}",
            ellipsize(&terminal_safe(&r.key), 32),
            thousands(r.requests),
            percent(r.share),
            thousands(r.status_4xx),
            thousands(r.status_5xx),
            thousands(r.bytes_sent),
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
