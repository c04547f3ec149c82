//! The `--by` tables in the text report: one section a dimension, its busiest rows with
//! their errors, QPS, bytes and latencies (a two-level table's sub-rows indented under
//! their row), and what its caps left unranked.

use crate::fmt::{bytes, duration, percent, thousands};
use crate::style::{Out, Paint};
use crate::table::{Left, Right, Table};
use crate::terminal_safe;
use axlog_stats::Summary;
use axlog_stats::summary::{Breakdown, BreakdownRow, NamedLatency};
use std::fmt::Write as _;

/// Every `--by` table, in the order asked.
pub(crate) fn breakdowns(o: &mut Out, s: &Summary) {
    for b in &s.by {
        table(o, b);
    }
}

/// The columns of a `--by` table.
const COLUMNS: [(&str, crate::table::Align); 13] = [
    ("key", Left),
    ("requests", Right),
    ("share", Right),
    ("4xx", Right),
    ("5xx", Right),
    ("qps mean", Right),
    ("peak", Right),
    ("bytes", Right),
    ("p50", Right),
    ("p90", Right),
    ("p99", Right),
    ("p99.9", Right),
    ("max", Right),
];

/// Where the percentiles start among [`COLUMNS`].
const FIRST_PERCENTILE: usize = 8;

fn table(o: &mut Out, b: &Breakdown) {
    // The dimension's name is the user's (`field:NAME`): escaped as log text is.
    let mut title = format!("By {}", terminal_safe(&b.dimension));
    if b.sort != "requests" {
        title.push_str(&format!(" (by {})", b.sort));
    }
    o.title(&title);
    let mut t = Table::new(&COLUMNS);
    for r in &b.rows {
        row(&mut t, r, 0);
        for sub in &r.rows {
            row(&mut t, sub, 2);
        }
    }
    t.render(o);
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
/// request time on its line and each other one (upstream, HAProxy timers) on a line of
/// its own below it, indented further, with only the percentiles' columns.
fn row(t: &mut Table, r: &BreakdownRow, indent: usize) {
    let peak = r.qps_peak.as_ref().map_or_else(
        || "-".to_string(),
        |p| format!("{}{}", p.requests, if p.approximate { "~" } else { "" }),
    );
    let mut cells = vec![
        terminal_safe(&r.key),
        thousands(r.requests),
        percent(r.share),
        percent(r.share_4xx),
        percent(r.share_5xx),
        format!("{:.2}", r.qps_mean),
        peak,
        bytes(r.bytes_sent),
    ];
    let mut lat = r.latencies.iter();
    let mut approximate = false;
    match r.latencies.first().filter(|l| l.name == "latency") {
        Some(l) => {
            lat.next();
            cells.extend(percentiles(l));
            approximate = l.approximate;
        }
        None => cells.push("-".to_string()),
    }
    let line = t.sub_row(indent, cells);
    if r.share_5xx > 0.0 {
        line.paint(4, Paint::Red);
    }
    if approximate {
        line.note("(approximate)");
    }
    for l in lat {
        let mut cells = vec![String::new(); FIRST_PERCENTILE];
        cells[0] = terminal_safe(&l.name);
        cells.extend(percentiles(l));
        let line = t.sub_row(indent + 2, cells);
        if l.approximate {
            line.note("(approximate)");
        }
    }
}

/// p50, p90, p99, p99.9 and max.
fn percentiles(l: &NamedLatency) -> [String; 5] {
    [l.p50_us, l.p90_us, l.p99_us, l.p999_us, l.max_us].map(duration)
}
