//! A run with several tiers (a load balancer's logs and web servers'): a line saying
//! their requests are summarised apart, each tier's requests, latency and sources, the
//! tiers' series side by side (requests and p99 per bucket: the balancer's Ta against
//! the servers' request time), then each tier's own report.

use crate::fmt::{duration, percent, thousands};
use crate::overview::{count_5xx, headline_p99, share};
use crate::series::{LONG_TABLE, SHORT_TABLE, width_name};
use crate::style::{Out, Paint};
use crate::table::{Left, Right, Table};
use crate::terminal_safe;
use axlog_stats::Summary;
use axlog_stats::summary::TierSummary;
use std::fmt::Write as _;

/// The tiers' part of the report; `body` renders a tier's own summary.
pub(crate) fn tiers(o: &mut Out, s: &Summary, body: fn(&mut Out, &Summary)) {
    o.title(&format!(
        "Tiers      {} tiers, each summarised on its own: a request that passes through \
         several is logged in each, so their requests are not added",
        s.tiers.len()
    ));
    let mut table = Table::new(&[
        ("tier", Left),
        ("requests", Right),
        ("5xx", Right),
        ("p99", Right),
        ("sources · layouts", Left),
    ]);
    for t in &s.tiers {
        let m = &t.summary;
        let n_5xx = count_5xx(m);
        let row = table.row(vec![
            terminal_safe(&t.name),
            thousands(m.requests),
            percent(share(n_5xx, m.requests)),
            headline_p99(m).map_or("-".to_string(), duration),
            format!(
                "{} · {}",
                sources_of(t),
                terminal_safe(&t.layouts.join(", "))
            ),
        ]);
        if n_5xx > 0 {
            row.paint(2, Paint::Red);
        }
    }
    table.render(o);
    side_by_side(o, &s.tiers);
    for t in &s.tiers {
        o.title(&format!(
            "══ Tier: {} ({}) ══",
            terminal_safe(&t.name),
            terminal_safe(&t.layouts.join(", "))
        ));
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
fn side_by_side(o: &mut Out, tiers: &[TierSummary]) {
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
    o.title(&format!(
        "Tiers side by side, {} buckets of {} (p99: request time, HAProxy's Ta where none)",
        thousands(n as u64),
        width_name(first.bucket_s)
    ));
    // Each tier's two columns are headed by its name: `lb requests`, `lb p99`.
    let heads: Vec<String> = tiers
        .iter()
        .flat_map(|t| {
            let name = terminal_safe(&t.name);
            [format!("{name} requests"), format!("{name} p99")]
        })
        .collect();
    let mut cols = vec![("start", Left)];
    cols.extend(heads.iter().map(|h| (h.as_str(), Right)));
    let mut table = Table::new(&cols);
    for (i, b) in first.buckets.iter().enumerate().step_by(step) {
        let mut cells = vec![b.start.clone()];
        for s in &series {
            // Same buckets in each (summary.rs widens every tier's series to the run's).
            let v = s.buckets.get(i).map(|b| &b.values);
            let req = v.map_or(0, |v| v.requests);
            let p99 = v.and_then(|v| v.p99_us).map_or("-".to_string(), duration);
            cells.extend([thousands(req), p99]);
        }
        table.row(cells);
    }
    table.render(o);
    if step > 1 {
        let _ = writeln!(
            o,
            "  (1 bucket in {step} of {} shown; --output json lists all)",
            thousands(n as u64)
        );
    }
}
