//! Traefik's common log format: Apache's `combined`, then
//! ` <request count> "<router>" "<server URL>" <duration>ms`.
//!
//! Traefik writes a user agent's quotes as the client sent them, unescaped, so where the
//! agent ends cannot be found from its start. It ends at the last `" ` after which the
//! tail reads as the layout says (tried from the line's end); the part before is
//! `combined`, whose user agent runs to that part's last quote.

use crate::error::ParseError;
use crate::logformat::{Definition, Unit};
use crate::parse::Parse;
use crate::record::Record;
use crate::time::TimeLocalCache;

/// The part before the tail.
const HEAD: &str = r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#;

/// The tail's values, kept by name after the head's.
const TAIL_NAMES: [&str; 3] = ["%{request_count}e", "%{router}e", "%{server_url}e"];

/// The most `" ` tried for the user agent's end, from the line's end. A tail holds four
/// quotes (router and URL), so the end is among the first few tried; each try scans the
/// rest of the line, so trying every `" ` of a crafted line (`" x" x...`) would cost time
/// quadratic in its length.
const MAX_TRIES: usize = 32;

#[derive(Debug, Clone)]
pub struct TraefikClfParser {
    head: Definition,
    cache: TimeLocalCache,
}

impl Default for TraefikClfParser {
    fn default() -> Self {
        TraefikClfParser {
            // A constant definition, compiled by a test too: not input.
            head: Definition::compile_apache(HEAD).expect("the combined head compiles"),
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
}

impl TraefikClfParser {
    /// See [`crate::LineParser::set_projection`]: the head's interpreter skips what it
    /// can; the tail's values are slices found while its shape is checked.
    pub fn set_projection(&mut self, fields: crate::Fields) {
        self.head.set_projection(fields);
    }
}

impl Parse for TraefikClfParser {
    fn parse_into<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Result<(), ParseError> {
        if line.is_empty() {
            return Err(ParseError::Empty);
        }
        // The user agent's end: the last `" ` after which the tail reads as the layout
        // says (the one the Apache reading takes, the first, is among those tried).
        let mut before = line.len();
        let mut tries = 0;
        let (end, tail) = loop {
            let q = memchr::memrchr(b'"', &line[..before]).ok_or(ParseError::Layout)?;
            if line.get(q + 1) == Some(&b' ') {
                if tries == MAX_TRIES {
                    return Err(ParseError::Layout);
                }
                tries += 1;
                if let Some(t) = read_tail(&line[q + 2..]) {
                    break (q + 1, t);
                }
            }
            before = q;
        };
        self.head.parse_into(&mut self.cache, &line[..end], rec)?;
        let (values, duration) = tail;
        rec.request_time_us = Some(duration);
        let k = rec.extras_len as usize;
        if let Some(slots) = rec.extras.get_mut(k..k + TAIL_NAMES.len()) {
            slots.copy_from_slice(&values);
            rec.extras_len += TAIL_NAMES.len() as u8;
        }
        Ok(())
    }
}

/// The tail's count, router and URL as written, and its duration in µs.
type Tail<'a> = ([&'a [u8]; 3], u64);

/// `COUNT "ROUTER" "URL" Nms`, read as the Apache reading of the layout reads it: each
/// value up to the first unescaped closing text.
fn read_tail(t: &[u8]) -> Option<Tail<'_>> {
    let c = find_closing(t, b" \"")?;
    let r = &t[c + 2..];
    let e = find_closing(r, b"\" \"")?;
    let u = &r[e + 3..];
    let f = find_closing(u, b"\" ")?;
    let ms = u[f + 2..].strip_suffix(b"ms")?;
    Some(([&t[..c], &r[..e], &u[..f]], Unit::Millis.to_us(ms)?))
}

/// The first `pat` in `s` whose quote (if it starts with one) is not escaped by a
/// backslash, as Apache writes `\"`.
fn find_closing(s: &[u8], pat: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(s, pat).find(|&at| {
        pat[0] != b'"' || s[..at].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 0
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preset::TRAEFIK_CLF as DEFINITION;

    /// Every line the same layout given as an Apache `LogFormat` reads, the preset reads:
    /// lines with `"`, `" "` and spaces put anywhere.
    #[test]
    fn reads_what_the_apache_route_reads() {
        let apache = Definition::compile_apache(DEFINITION).unwrap();
        let mut p = TraefikClfParser::default();
        let base = br#"10.9.8.7 - - [09/Sep/2026:09:09:09 +0000] "GET /a HTTP/1.1" 200 5 "https://r.test/x" "Mozilla/5.0 (X11)" 7 "web@docker" "http://10.0.0.5:80" 12ms"#;
        let inserts: [&[u8]; 4] = [b"\"", b"\" \"", b" ", b"\" "];
        let (mut both, mut checked) = (0, 0);
        for at in 0..=base.len() {
            for ins in inserts {
                let mut line = base.to_vec();
                line.splice(at..at, ins.iter().copied());
                let mut a = Record::default();
                if apache
                    .parse_into(&mut TimeLocalCache::default(), &line, &mut a)
                    .is_err()
                {
                    continue;
                }
                checked += 1;
                let mut b = Record::default();
                let got = p.parse_into(&line, &mut b);
                assert!(got.is_ok(), "{got:?}: {}", line.escape_ascii());
                both += usize::from(a.user_agent == b.user_agent);
            }
        }
        // Both read most of them alike; where a quote lands inside the user agent, the
        // preset keeps it there.
        assert!(checked > 300 && both > 0, "{checked} {both}");
    }

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

    /// A line of many `" ` whose tail never reads is refused after a few tries, not a
    /// scan of the line for each of them (this one took minutes).
    #[test]
    fn many_quotes_cost_a_few_scans() {
        let mut line =
            br#"10.9.8.7 - - [09/Sep/2026:09:09:09 +0000] "GET / HTTP/1.1" 200 1 "-" "u"#.to_vec();
        for _ in 0..300_000 {
            line.extend_from_slice(br#"" x"#);
        }
        line.extend_from_slice(br#"" 1ms"#);
        let started = std::time::Instant::now();
        let got = TraefikClfParser::default().parse_into(&line, &mut Record::default());
        assert_eq!(got, Err(ParseError::Layout));
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
        // Quotes inside the router and the URL are still read past.
        let ok = br#"1.2.3.4 - - [09/Sep/2026:09:09:09 +0000] "GET / HTTP/1.1" 200 1 "-" "u" 7 "a" b" c" "http://h/" 3ms"#;
        let mut rec = Record::default();
        TraefikClfParser::default()
            .parse_into(ok, &mut rec)
            .unwrap();
        assert_eq!(rec.user_agent, b"u");
        assert_eq!(rec.extras[usize::from(rec.extras_len) - 2], br#"a" b" c"#);
    }
}
