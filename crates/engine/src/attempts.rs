//! nginx upstream lists split into attempts: `$upstream_addr` (`10.0.0.1:80,
//! 10.0.0.2:80 : 10.0.0.3:80`, `,` between the attempts of a group and ` : ` between
//! groups), with `$upstream_status` and `$upstream_response_time` at the same places.
//! What they count is the stats crate's (`aggregate/attempts.rs`).

use axlog_format::Record;
use axlog_stats::{Aggregate, AttemptTables, UpstreamRequest};

/// The tokens of a list: nginx writes `, ` between attempts and ` : ` between groups,
/// and an address holds no space (`10.0.0.1:80`, `unix:/run/app.sock`), so a split at
/// spaces and commas, without the empty tokens and the lone `:`, gives them. (A byte
/// loop: the lists are short, and a vector search per token cost more.)
#[inline]
fn tokens(list: &[u8]) -> impl Iterator<Item = &[u8]> {
    list.split(|&b| b == b' ' || b == b',')
        .filter(|t| !t.is_empty() && *t != b":")
}

/// Counts `r`'s upstream list (`r.upstream_addr` not empty): the request in `agg`, each
/// attempt in `tables` (the chunk's); `key` is a buffer for the tables' keys. One pass:
/// an attempt failed over when another follows it.
pub(crate) fn record_attempts(
    agg: &mut Aggregate,
    tables: &mut AttemptTables,
    r: &Record<'_>,
    key: &mut Vec<u8>,
) {
    let list = r.upstream_addr;
    let mut u = UpstreamRequest::default();
    if list != b"-" {
        let mut times = r.upstream_attempts_us();
        let mut statuses = tokens(r.upstream_status);
        let mut addrs = tokens(list).peekable();
        while let Some(addr) = addrs.next() {
            let more = addrs.peek().is_some();
            let time = times.next().flatten();
            let status = statuses.next().unwrap_or(b"-");
            if u.attempts == 0 {
                u.first_us = time;
            }
            if !more {
                u.last_us = time;
            }
            if let Some(t) = time {
                u.sum_us = Some(u.sum_us.unwrap_or(0).saturating_add(t));
            }
            u.attempts += 1;
            tables.add(addr, status, time, more, key);
        }
    }
    agg.observe_upstream(&u);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<String> {
        tokens(s.as_bytes())
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .collect()
    }

    #[test]
    fn lists_split_into_attempts() {
        assert_eq!(
            split("10.0.0.1:80, 10.0.0.2:80 : unix:/s"),
            ["10.0.0.1:80", "10.0.0.2:80", "unix:/s"]
        );
        assert_eq!(split("502, 504 : 200"), ["502", "504", "200"]);
        assert_eq!(split("-"), ["-"]);
        assert_eq!(split("a,b, "), ["a", "b"]);
        assert!(split("").is_empty());
    }
}
