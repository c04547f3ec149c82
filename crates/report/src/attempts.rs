//! nginx upstream attempts in the text report: requests retried, attempts per request,
//! the first, last and summed attempt times, and each upstream address's attempts,
//! fail-overs, statuses and p99. Shown only when a layout logs upstream lists.

use crate::fmt::{ellipsize, percent, seconds, thousands};
use crate::terminal_safe;
use crate::text::latency_row;
use axlog_stats::Summary;
use std::fmt::Write as _;

/// Statuses listed per address; the rest are summed as `…`.
const STATUSES_SHOWN: usize = 4;

pub(crate) fn attempts(o: &mut String, s: &Summary) {
    let Some(a) = &s.upstream_attempts else {
        return;
    };
    let share = match a.requests {
        0 => 0.0,
        n => a.retried as f64 / n as f64,
    };
    let _ = writeln!(
        o,
        "\nUpstream attempts: {} requests, {} attempts, {} retried ({}), {} without an attempt",
        thousands(a.requests),
        thousands(a.attempts),
        thousands(a.retried),
        percent(share),
        thousands(a.requests_without_attempt),
    );
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
        let _ = writeln!(
            o,
            "  Attempt time (s)                count       p50       p90       p99     p99.9       max      mean"
        );
        latency_row(o, "first attempt", &a.first);
        latency_row(o, "last attempt", &a.last);
        latency_row(o, "all attempts (sum)", &a.sum);
    }
    if a.upstreams.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "  {:<30} {:>10} {:>11} {:>9}   statuses",
        "Upstream", "attempts", "failed over", "p99 (s)"
    );
    for u in &a.upstreams {
        let mut p99 = u.p99_us.map(seconds).unwrap_or_else(|| "-".to_string());
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
        let _ = writeln!(
            o,
            "  {:<30} {:>10} {:>11} {:>9}   {}",
            ellipsize(&terminal_safe(&u.address), 30),
            thousands(u.attempts),
            thousands(u.failed_over),
            p99,
            statuses.join(", ")
        );
    }
    if a.cap_reached {
        let _ = writeln!(
            o,
            "  (table full at {} addresses: {} attempts at later new addresses are not ranked)",
            thousands(a.cap),
            thousands(a.untracked_attempts)
        );
    }
}
