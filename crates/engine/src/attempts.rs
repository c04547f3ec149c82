//! nginx upstream lists split into attempts: `$upstream_addr` (`10.0.0.1:80,
//! 10.0.0.2:80 : 10.0.0.3:80`, `,` between the attempts of a group and ` : ` between
//! groups), with `$upstream_status` and `$upstream_response_time` at the same places.
//! What they count is the stats crate's (`aggregate/attempts.rs`).

use axlog_format::Record;
use axlog_stats::{Aggregate, AttemptTables, UpstreamRequest};

/// The tokens of a list: split at `,` and at `:` (only at ` : ` when `spaced`: an
/// address holds `:` before its port), spaces trimmed.
struct Tokens<'a> {
    rest: Option<&'a [u8]>,
    spaced: bool,
}

impl<'a> Tokens<'a> {
    fn new(list: &'a [u8], spaced: bool) -> Tokens<'a> {
        Tokens {
            rest: Some(list),
            spaced,
        }
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        let mut from = 0;
        while let Some(k) = memchr::memchr2(b',', b':', &rest[from..]) {
            let i = from + k;
            let spaced_colon = i > 0 && rest[i - 1] == b' ' && rest.get(i + 1) == Some(&b' ');
            if rest[i] == b',' || !self.spaced || spaced_colon {
                self.rest = Some(&rest[i + 1..]);
                return Some(rest[..i].trim_ascii());
            }
            from = i + 1;
        }
        self.rest = None;
        Some(rest.trim_ascii())
    }
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
        let mut statuses = Tokens::new(r.upstream_status, false);
        let mut addrs = Tokens::new(list, true).peekable();
        while let Some(addr) = addrs.next() {
            let more = addrs.peek().is_some();
            let time = times.next().flatten();
            let status = match statuses.next() {
                Some(s) if !s.is_empty() => s,
                _ => b"-",
            };
            let addr = if addr.is_empty() { b"-" } else { addr };
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

    fn tokens(s: &str, spaced: bool) -> Vec<String> {
        Tokens::new(s.as_bytes(), spaced)
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .collect()
    }

    #[test]
    fn lists_split_into_attempts() {
        assert_eq!(
            tokens("10.0.0.1:80, 10.0.0.2:80 : unix:/s", true),
            ["10.0.0.1:80", "10.0.0.2:80", "unix:/s"]
        );
        assert_eq!(tokens("502, 504 : 200", false), ["502", "504", "200"]);
        assert_eq!(tokens("-", true), ["-"]);
        assert_eq!(tokens("a,", true), ["a", ""]);
    }
}
