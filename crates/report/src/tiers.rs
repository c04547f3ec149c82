//! A run with several tiers (a load balancer's logs and web servers'): a line saying
//! their requests are summarised apart, each tier's requests, latency and sources, the
//! tiers' series side by side (requests and p99 per bucket: the balancer's Ta against
//! the servers' request time), then each tier's own report.

use crate::fmt::{percent, seconds, thousands};
use crate::overview::{count_5xx, headline_p99, share};
use crate::series::{LONG_TABLE, SHORT_TABLE, width_name};
use crate::terminal_safe;
use axlog_stats::Summary;
use axlog_stats::summary::TierSummary;
use std::fmt::Write as _;

/// Columns of one tier in the side-by-side table: requests and p99.
const TIER_COLUMNS: usize = 22;

/// The tiers' part of the report; `body` renders a tier's own summary.
pub(crate) fn tiers(o: &mut String, s: &Summary, body: fn(&mut String, &Summary)) {
    let _ = writeln!(
        o,
        "\nTiers      {} tiers, each summarised on its own: a request that passes through \
         several is logged in each, so their requests are not added",
        s.tiers.len()
    );
    for t in &s.tiers {
        let m = &t.summary;
        let _ = writeln!(
            o,
            "  {:<14} {:>12} requests  5xx {:>7}  p99 {:>9}  {} · {}",
            t.name,
            thousands(m.requests),
            percent(share(count_5xx(m), m.requests)),
            headline_p99(m).map_or("-".to_string(), seconds),
            sources_of(t),
            terminal_safe(&t.layouts.join(", ")),
        );
    }
    side_by_side(o, &s.tiers);
    for t in &s.tiers {
        let _ = writeln!(
            o,
            "\n══ Tier: {} ({}) ══",
            t.name,
            terminal_safe(&t.layouts.join(", "))
        );
        body(o, &t.summary);
    }
}

/// `3 sources`.
fn sources_of(t: &TierSummary) -> String {
    match t.summary.sources.len() {
        1 => "1 source".to_string(),
        n => format!("{n} sources"),
    }
}

/// Each bucket's requests and p99 for every tier (their series share their buckets).
fn side_by_side(o: &mut String, tiers: &[TierSummary]) {
    let series: Vec<_> = tiers
        .iter()
        .filter_map(|t| t.summary.series.series.as_ref())
        .collect();
    let Some(first) = series.first() else {
        return;
    };
    if series.len() != tiers.len() || first.buckets.is_empty() {
        return;
    }
    let n = first.buckets.len();
    let rows = match first.requested_bucket_s {
        Some(_) => LONG_TABLE,
        None => SHORT_TABLE,
    };
    let step = n.div_ceil(rows);
    let _ = writeln!(
        o,
        "\nTiers side by side, {} buckets of {} (p99: request time, HAProxy's Ta where none)",
        thousands(n as u64),
        width_name(first.bucket_s)
    );
    let mut head = format!("  {:<25}", "");
    let mut sub = format!("  {:<25}", "start");
    for t in tiers {
        let _ = write!(head, " {:>w$}", t.name, w = TIER_COLUMNS);
        let _ = write!(sub, " {:>12} {:>9}", "requests", "p99 (s)");
    }
    let _ = writeln!(o, "{head}\n{sub}");
    for (i, b) in first.buckets.iter().enumerate().step_by(step) {
        let mut line = format!("  {:<25}", b.start);
        for s in &series {
            // Same buckets in each (summary.rs widens every tier's series to the run's).
            let v = s.buckets.get(i).map(|b| &b.values);
            let req = v.map_or(0, |v| v.requests);
            let p99 = v.and_then(|v| v.p99_us).map_or("-".to_string(), seconds);
            let _ = write!(line, " {:>12} {:>9}", thousands(req), p99);
        }
        let _ = writeln!(o, "{line}");
    }
    if step > 1 {
        let _ = writeln!(
            o,
            "  (1 bucket in {step} of {} shown; --output json lists all)",
            thousands(n as u64)
        );
    }
}
