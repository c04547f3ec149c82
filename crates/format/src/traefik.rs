//! Traefik's common log format: Apache's `combined`, then
//! ` <request count> "<router>" "<server URL>" <duration>ms`.
//!
//! Traefik writes a user agent's quotes as the client sent them, unescaped, so where the
//! agent ends cannot be found from its start. The tail's router and URL hold no quote:
//! the tail is read from the line's end, and the rest is `combined`, whose user agent runs
//! to that part's last quote.

use crate::logformat::{LogFormat, Unit};
use crate::time::TimeLocalCache;
use crate::{ParseError, Record};

/// The layout in Apache's syntax (what `axlog formats` shows, and what a user would
/// paste as a `--log-format`).
pub const DEFINITION: &str = r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{request_count}e "%{router}e" "%{server_url}e" %{ms}Tms"#;

/// The part before the tail.
const HEAD: &str = r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#;

/// The tail's values, kept by name after the head's.
const TAIL_NAMES: [&str; 3] = ["%{request_count}e", "%{router}e", "%{server_url}e"];

#[derive(Debug, Clone)]
pub struct TraefikClfParser {
    head: LogFormat,
    cache: TimeLocalCache,
}

impl Default for TraefikClfParser {
    fn default() -> Self {
        TraefikClfParser {
            // A constant definition, compiled by a test too: not input.
            head: LogFormat::compile_apache(HEAD).expect("the combined head compiles"),
            cache: TimeLocalCache::default(),
        }
    }
}

impl TraefikClfParser {
    /// The names of the values kept in `Record::extras`, in slot order.
    pub fn extra_names(&self) -> Vec<String> {
        self.head
            .extra_names()
            .chain(TAIL_NAMES)
            .map(str::to_string)
            .collect()
    }

    pub fn parse_into<'a>(
        &mut self,
        line: &'a [u8],
        rec: &mut Record<'a>,
    ) -> Result<(), ParseError> {
        if line.is_empty() {
            return Err(ParseError::Empty);
        }
        let body = line.strip_suffix(b"ms").ok_or(ParseError::BadTiming)?;
        let sp = memchr::memrchr(b' ', body).ok_or(ParseError::Layout)?;
        let duration = Unit::Millis
            .to_us(&body[sp + 1..])
            .ok_or(ParseError::BadTiming)?;
        let (rest, url) = quoted_at_end(&body[..sp])?;
        let (rest, router) = quoted_at_end(rest)?;
        let sp = memchr::memrchr(b' ', rest).ok_or(ParseError::Layout)?;
        let (head, count) = (&rest[..sp], &rest[sp + 1..]);
        self.head.parse_into(&mut self.cache, head, rec)?;
        rec.request_time_us = Some(duration);
        let k = rec.extras_len as usize;
        if let Some(slots) = rec.extras.get_mut(k..k + TAIL_NAMES.len()) {
            slots.copy_from_slice(&[count, router, url]);
            rec.extras_len += TAIL_NAMES.len() as u8;
        }
        Ok(())
    }
}

/// ` "value"` at the end of `s`: (what is before it, the value).
fn quoted_at_end(s: &[u8]) -> Result<(&[u8], &[u8]), ParseError> {
    let inner = s.strip_suffix(b"\"").ok_or(ParseError::Layout)?;
    let open = memchr::memrchr(b'"', inner).ok_or(ParseError::UnclosedQuote)?;
    let before = inner[..open].strip_suffix(b" ").ok_or(ParseError::Layout)?;
    Ok((before, &inner[open + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_inside_the_user_agent() {
        let mut p = TraefikClfParser::default();
        let line = br#"10.9.8.7 - bob [09/Sep/2026:09:09:09 +0200] "GET /a?b=1 HTTP/2.0" 0 12 "https://r.test/" "Agent "quoted" " x" 42 "web@file" "http://10.0.0.5:80" 1.5ms"#;
        let mut rec = Record::default();
        p.parse_into(line, &mut rec).unwrap();
        assert_eq!(rec.user_agent, br#"Agent "quoted" " x"#);
        assert_eq!(rec.referer, b"https://r.test/");
        assert_eq!((rec.status, rec.bytes_sent), (0, Some(12)));
        assert_eq!(rec.request_time_us, Some(1500));
        assert_eq!(rec.remote_user, b"bob");
        let names = p.extra_names();
        let tail: Vec<(&str, &[u8])> = names
            .iter()
            .map(String::as_str)
            .zip(rec.extras[..rec.extras_len as usize].iter().copied())
            .skip(1)
            .collect();
        assert_eq!(
            tail,
            [
                ("%{request_count}e", &b"42"[..]),
                ("%{router}e", b"web@file"),
                ("%{server_url}e", b"http://10.0.0.5:80")
            ]
        );
        for bad in [
            &line[..line.len() - 2],
            &line[..line.len() - 1],
            br#"10.9.8.7 - - [09/Sep/2026:09:09:09 +0200] "GET / HTTP/1.1" 200 1 "-" "-" "web" "u" 1ms"#,
            b"",
            b"ms",
            br#"" "" 1ms"#,
        ] {
            assert!(p.parse_into(bad, &mut rec).is_err(), "{}", bad.escape_ascii());
        }
    }
}
