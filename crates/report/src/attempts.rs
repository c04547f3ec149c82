//! nginx upstream attempts in the text report: requests retried, attempts per request,
//! the first, last and summed attempt times, and each upstream address's attempts,
//! fail-overs, statuses and p99. Shown only when a layout logs upstream lists.

use crate::fmt::{duration, percent, thousands};
use crate::style::Out;
use crate::table::{Left, Right, Table};
use crate::terminal_safe;
use crate::text::latency_table;
use axlog_stats::Summary;
use std::fmt::Write as _;

/// Statuses listed per address; the rest are summed as `…`.
const STATUSES_SHOWN: usize = 4;

pub(crate) fn attempts(o: &mut Out, s: &Summary) {
    let Some(a) = &s.upstream_attempts else {
        return;
    };
    let share = match a.requests {
        0 => 0.0,
        n => a.retried as f64 / n as f64,
    };
    o.title(&format!(
        "Upstream attempts: {} requests, {} attempts, {} retried ({}), {} without an attempt",
        thousands(a.requests),
        thousands(a.attempts),
        thousands(a.retried),
        percent(share),
        thousands(a.requests_without_attempt),
    ));
    if !a.attempt_counts.is_empty() {
        let counts: Vec<String> = a
            .attempt_counts
            .iter()
            .map(|c| {
                let more = if c.or_more { "+" } else { "" };
                format!("{}{more}: {}", c.attempts, thousands(c.requests))
            })
            .collect();
        let _ = writeln!(o, "  Attempts per request   {}", counts.join("   "));
    }
    if a.first.is_some() || a.last.is_some() {
        latency_table(
            o,
            "attempt time",
            &[
                ("first attempt", a.first.as_ref()),
                ("last attempt", a.last.as_ref()),
                ("all attempts (sum)", a.sum.as_ref()),
            ],
        );
    }
    if a.upstreams.is_empty() {
        return;
    }
    let mut t = Table::new(&[
        ("upstream", Left),
        ("attempts", Right),
        ("failed over", Right),
        ("p99", Right),
        ("statuses", Left),
    ]);
    for u in &a.upstreams {
        let mut p99 = u.p99_us.map(duration).unwrap_or_else(|| "-".to_string());
        if u.approximate {
            p99.push('~');
        }
        let mut statuses: Vec<String> = u
            .statuses
            .iter()
            .take(STATUSES_SHOWN)
            .map(|st| format!("{} {}", terminal_safe(&st.status), thousands(st.attempts)))
            .collect();
        let rest: u64 = u
            .statuses
            .iter()
            .skip(STATUSES_SHOWN)
            .map(|st| st.attempts)
            .sum();
        if rest > 0 {
            statuses.push(format!("… {}", thousands(rest)));
        }
        t.row(vec![
            terminal_safe(&u.address),
            thousands(u.attempts),
            thousands(u.failed_over),
            p99,
            statuses.join(", "),
        ]);
    }
    t.render(o);
    if a.cap_reached {
        let _ = writeln!(
            o,
            "  (table full at {} addresses: {} attempts at later new addresses are not ranked)",
            thousands(a.cap),
            thousands(a.untracked_attempts)
        );
    }
}
