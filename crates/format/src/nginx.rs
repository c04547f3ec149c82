//! Parser for nginx's stock `combined` layout and the common timed layout
//! `combined` + ` $request_time $upstream_response_time`.
//!
//! ```text
//! $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"
//! ```
//!
//! Delimiters are found with `memchr`; no byte-at-a-time loops over the long fields.

use crate::num::{parse_opt_seconds_us, parse_u64, sum_upstream_list};
use crate::parse::Parse;
use crate::search::ByteSearch;
use crate::time::{TIME_LOCAL_LEN, TimeLocalCache};
use crate::{Fields, ParseError, Record};

/// Finds the closing `"` of a quoted field starting at `s[0]` (just after the opening
/// quote). nginx escapes `"` as `\x22`, Apache as `\"`: a quote preceded by an odd number
/// of backslashes is part of the value.
#[inline]
pub fn find_closing_quote(quote: &ByteSearch, s: &[u8]) -> Option<usize> {
    let mut from = 0;
    loop {
        let q = from + quote.find(&s[from..])?;
        let mut backslashes = 0;
        while backslashes < q && s[q - 1 - backslashes] == b'\\' {
            backslashes += 1;
        }
        if backslashes % 2 == 0 {
            return Some(q);
        }
        from = q + 1;
    }
}

/// Reads `"value"` at the start of `s`; returns the value and the rest after the quote.
#[inline]
fn quoted<'a>(
    quote: &ByteSearch,
    s: &'a [u8],
    missing: ParseError,
) -> Result<(&'a [u8], &'a [u8]), ParseError> {
    // `"-"` (no referer, no user agent) is common enough to skip the search for.
    // The value is a slice of the line, not a constant: callers locate what follows a
    // value by its position.
    if let Some(rest) = s.strip_prefix(b"\"-\"") {
        return Ok((&s[1..2], rest));
    }
    match s.first() {
        Some(b'"') => {}
        _ => return Err(missing),
    }
    let end = find_closing_quote(quote, &s[1..]).ok_or(ParseError::UnclosedQuote)?;
    Ok((&s[1..1 + end], &s[end + 2..]))
}

/// Splits `s` at the first space: (token, rest after the space). The tokens this is used
/// for (byte counts, times) are a few bytes long, where a plain loop beats a SIMD search.
#[inline]
fn token(s: &[u8]) -> (&[u8], &[u8]) {
    match s.iter().position(|&b| b == b' ') {
        Some(p) => (&s[..p], &s[p + 1..]),
        None => (s, &[]),
    }
}

/// `ADDR IDENT USER ` (with the trailing space) into (addr, user).
#[inline]
fn split_head(head: &[u8]) -> Result<(&[u8], &[u8]), ParseError> {
    // Nearly every line has `-` for both ident and user.
    if let Some(addr) = head.strip_suffix(b" - - ")
        && !addr.is_empty()
    {
        return Ok((addr, b"-"));
    }
    let head = head.strip_suffix(b" ").ok_or(ParseError::BadClient)?;
    // nginx writes `$remote_addr - $remote_user`: the address has no space (an
    // X-Forwarded-For list has no ` - `), while the user may hold spaces or be empty
    // (`ADDR -  [`).
    if let Some(dash) = memchr::memmem::find(head, b" - ")
        && dash > 0
    {
        return Ok((&head[..dash], &head[dash + 3..]));
    }
    let user_sp = memchr::memrchr(b' ', head).ok_or(ParseError::BadClient)?;
    let ident_sp = memchr::memrchr(b' ', &head[..user_sp]).ok_or(ParseError::BadClient)?;
    let remote_addr = &head[..ident_sp];
    let remote_user = &head[user_sp + 1..];
    if remote_addr.is_empty() || remote_user.is_empty() || ident_sp + 1 == user_sp {
        return Err(ParseError::BadClient);
    }
    Ok((remote_addr, remote_user))
}

/// A parser for the nginx combined family. `timed` requires the two timing fields.
#[derive(Debug, Clone)]
pub struct NginxParser {
    timed: bool,
    time_cache: TimeLocalCache,
    quote: ByteSearch,
    lbracket: ByteSearch,
    /// The layout's definition run by the interpreter, made at the first line this
    /// parser rejects (see [`NginxParser::parse_into`]).
    fallback: Option<Box<(crate::logformat::Definition, TimeLocalCache)>>,
    /// The fields asked for. Every field of this layout is a slice found anyway while the
    /// line's shape is checked (the time and timings are checked by parsing them), so all
    /// are filled whatever is asked; the projection goes to the fallback.
    projection: Fields,
}

impl NginxParser {
    fn new(timed: bool) -> Self {
        NginxParser {
            timed,
            time_cache: TimeLocalCache::default(),
            quote: ByteSearch::new(b'"'),
            lbracket: ByteSearch::new(b'['),
            fallback: None,
            projection: Fields::ALL,
        }
    }

    /// See [`crate::LineParser::set_projection`].
    pub fn set_projection(&mut self, fields: Fields) {
        self.projection = fields;
        if let Some(b) = &mut self.fallback {
            b.0.set_projection(fields);
        }
    }

    pub fn combined() -> Self {
        Self::new(false)
    }

    pub fn timed() -> Self {
        Self::new(true)
    }
}

impl Parse for NginxParser {
    #[inline]
    fn parse_into<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Result<(), ParseError> {
        if self.parse_fast(line, rec).is_some() {
            return Ok(());
        }
        match self.parse_general(line) {
            Ok(r) => {
                *rec = r;
                Ok(())
            }
            Err(e) => self.parse_by_definition(line, rec).map_err(|_| e),
        }
    }
}

impl NginxParser {
    /// A line this parser rejects, read by the layout's definition as the interpreter
    /// runs a pasted `log_format` or `LogFormat`: it splits quoted fields at the text
    /// between them (`" "`), so a referer or user agent holding a raw `"` (`"x"y"`) is
    /// read there, and the preset rejects no line the same layout given as a definition
    /// reads. Only rejected lines come here; the error stays this parser's.
    #[cold]
    fn parse_by_definition<'a>(
        &mut self,
        line: &'a [u8],
        rec: &mut Record<'a>,
    ) -> Result<(), ParseError> {
        if self.fallback.is_none() {
            let layout = if self.timed {
                crate::Preset::NginxTimed
            } else {
                crate::Preset::NginxCombined
            };
            let mut f = crate::logformat::Definition::compile(layout.definition())
                .map_err(|_| ParseError::Layout)?;
            f.set_projection(self.projection);
            self.fallback = Some(Box::new((f, TimeLocalCache::default())));
        }
        let Some(b) = &mut self.fallback else {
            return Err(ParseError::Layout);
        };
        let (f, cache) = &mut **b;
        *rec = Record::default();
        f.parse_into(cache, line, rec)
    }

    /// The usual line, from the positions of its quotes: one vector pass over the line
    /// finds all of them, and the fields sit between them at known offsets. `None` hands
    /// the line to [`NginxParser::parse_general`], the definition of the layout, which
    /// also gives the error for a malformed line; whenever this returns a record, the
    /// general parser returns the same one (a test checks it on mutated lines).
    #[inline]
    fn parse_fast<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Option<()> {
        let mut q = [0u32; 8];
        let n = crate::scan::positions(line, b'"', &mut q);
        // Three quoted fields; `combined` tolerates quoted fields after them, while in
        // `timed` the last quote of the line closes the user agent.
        if n < 6 || (self.timed && n != 6) {
            return None;
        }
        let [q0, q1, q2, q3, q4, q5, ..] = q.map(|p| p as usize);
        // `ADDR IDENT USER [TIME] "`: the time sits just before the request's quote, and
        // its `[` must be the line's first.
        let lb = q0.checked_sub(TIME_LOCAL_LEN + 3)?;
        let t_end = lb + 1 + TIME_LOCAL_LEN;
        if line[lb] != b'[' || line[t_end] != b']' || line[t_end + 1] != b' ' {
            return None;
        }
        if crate::scan::find(&line[..lb], b'[').is_some() {
            return None;
        }
        let (remote_addr, remote_user) = split_head(&line[..lb]).ok()?;
        // A closing quote after a backslash may be escaped: the general parser decides.
        if line[q1 - 1] == b'\\' || line[q3 - 1] == b'\\' {
            return None;
        }
        // ` STATUS BYTES ` between the request and the referer.
        let mid = line.get(q1 + 1..q2)?;
        let (status, bytes_s) = match mid {
            [b' ', a, b, c, b' ', bytes @ .., b' ']
                if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() =>
            {
                (
                    ((a - b'0') as u16) * 100 + ((b - b'0') as u16) * 10 + (c - b'0') as u16,
                    bytes,
                )
            }
            [b' ', b'-', b' ', bytes @ .., b' '] => (0, bytes),
            _ => return None,
        };
        // parse_u64 takes digits only, so a space inside (which the general parser would
        // split at) falls through to it.
        let bytes_sent = if bytes_s == b"-" {
            None
        } else {
            Some(parse_u64(bytes_s)?)
        };
        // `" "` between the referer and the user agent.
        if q4 != q3 + 2 || line[q3 + 1] != b' ' {
            return None;
        }
        if !self.timed && line[q5 - 1] == b'\\' {
            return None;
        }
        let ts = self.time_cache.parse(&line[lb + 1..t_end])?;
        if self.timed {
            Self::timings(rec, &line[q5 + 1..]).ok()?;
        }
        rec.ts_us = ts.utc_us;
        rec.utc_offset_min = ts.offset_min;
        rec.remote_addr = remote_addr;
        rec.remote_user = remote_user;
        rec.request = &line[q0 + 1..q1];
        rec.status = status;
        rec.bytes_sent = bytes_sent;
        rec.referer = &line[q2 + 1..q3];
        rec.user_agent = &line[q4 + 1..q5];
        // Set on every line: the caller's record may hold an earlier line's values.
        rec.unread_fields = !self.timed && !line[q5 + 1..].trim_ascii().is_empty();
        Some(())
    }

    /// ` $request_time $upstream_response_time` after the user agent; the upstream list
    /// is the rest of the line because it contains spaces (`0.004, 0.118`).
    #[inline]
    fn timings<'a>(rec: &mut Record<'a>, rest: &'a [u8]) -> Result<(), ParseError> {
        // The usual ` D.DDD D.DDD`, parsed in place; the same values as the general route.
        if let [b' ', a, b'.', b, c, d, b' ', e, b'.', f, g, h] = *rest {
            let d = [a, b, c, d, e, f, g, h].map(|x| x.wrapping_sub(b'0'));
            if d[0] < 10
                && d[1] < 10
                && d[2] < 10
                && d[3] < 10
                && d[4] < 10
                && d[5] < 10
                && d[6] < 10
                && d[7] < 10
            {
                let us = |x: &[u8]| {
                    x[0] as u64 * 1_000_000
                        + x[1] as u64 * 100_000
                        + x[2] as u64 * 10_000
                        + x[3] as u64 * 1000
                };
                rec.request_time_us = Some(us(&d[..4]));
                rec.upstream_time_us = Some(us(&d[4..]));
                rec.upstream_times_raw = &rest[7..];
                return Ok(());
            }
        }
        let rest = match rest {
            [b' ', r @ ..] => r,
            _ => return Err(ParseError::BadTiming),
        };
        let (rt, upstream) = token(rest);
        rec.request_time_us = parse_opt_seconds_us(rt).map_err(|_| ParseError::BadTiming)?;
        let upstream = crate::num::trim_spaces(upstream);
        rec.upstream_time_us = sum_upstream_list(upstream).map_err(|_| ParseError::BadTiming)?;
        rec.upstream_times_raw = upstream;
        Ok(())
    }

    /// The layout's definition: any line, field by field.
    pub fn parse_general<'a>(&mut self, line: &'a [u8]) -> Result<Record<'a>, ParseError> {
        if line.is_empty() {
            return Err(ParseError::Empty);
        }
        // `$remote_addr - $remote_user [`: split the head from the right, so an address
        // field holding an X-Forwarded-For list (`10.0.0.2, 10.0.0.1`) stays whole.
        let mut lb = self.lbracket.find(line).ok_or(ParseError::NoTime)?;
        // The time is the first `[` that opens one: a user name may hold a `[`.
        let ts = loop {
            let t_end = lb + 1 + TIME_LOCAL_LEN;
            let ts = match (line.get(lb + 1..t_end), line.get(t_end)) {
                (Some(t), Some(b']')) => self.time_cache.parse(t),
                _ => None,
            };
            if let Some(ts) = ts {
                break ts;
            }
            match self.lbracket.find(&line[lb + 1..]) {
                Some(next) => lb += 1 + next,
                None => return Err(ParseError::BadTime),
            }
        };
        let (remote_addr, remote_user) = split_head(&line[..lb])?;
        let t_end = lb + 1 + TIME_LOCAL_LEN;

        let rest = match line.get(t_end + 1..) {
            Some([b' ', r @ ..]) => r,
            _ => return Err(ParseError::NoRequest),
        };
        let (request, rest) = quoted(&self.quote, rest, ParseError::NoRequest)?;
        let rest = match rest {
            [b' ', r @ ..] => r,
            _ => return Err(ParseError::BadStatus),
        };
        // Status: three digits (or `-`) and a space; checked in place, it is that short.
        let (status, rest) = match rest {
            [a, b, c, b' ', r @ ..]
                if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() =>
            {
                (
                    ((a - b'0') as u16) * 100 + ((b - b'0') as u16) * 10 + (c - b'0') as u16,
                    r,
                )
            }
            // `-`, or `0`: a request the server or proxy closed before answering (a
            // websocket, a cancelled request), a status of its own (class `other`).
            [b'-' | b'0', b' ', r @ ..] => (0, r),
            _ => return Err(ParseError::BadStatus),
        };
        let (bytes_s, rest) = token(rest);
        let bytes_sent = if bytes_s == b"-" {
            None
        } else {
            Some(parse_u64(bytes_s).ok_or(ParseError::BadBytes)?)
        };
        let mut rec = Record {
            ts_us: ts.utc_us,
            utc_offset_min: ts.offset_min,
            remote_addr,
            remote_user,
            request,
            status,
            bytes_sent,
            ..Record::default()
        };
        // A `common` (CLF) line ends here; in `combined` it is accepted without referer
        // and user agent, so a file that mixes the two layouts keeps every line.
        if rest.is_empty() && !self.timed {
            return Ok(rec);
        }
        let (referer, rest) = quoted(&self.quote, rest, ParseError::NoReferer)?;
        let rest = match rest {
            [b' ', r @ ..] => r,
            _ => return Err(ParseError::NoUserAgent),
        };
        let (user_agent, rest) = if self.timed {
            // The timings after the user agent hold no quote, so the line's last `"`
            // closes the user agent: found from the end, without scanning the agent.
            match (rest.first(), self.quote.rfind(rest)) {
                (Some(b'"'), Some(close)) if close > 0 => (&rest[1..close], &rest[close + 1..]),
                (Some(b'"'), _) => return Err(ParseError::UnclosedQuote),
                _ => return Err(ParseError::NoUserAgent),
            }
        } else {
            // A user agent without its closing quote is a cut line, malformed as a cut
            // referer is: what else was cut cannot be told.
            quoted(&self.quote, rest, ParseError::NoUserAgent)?
        };
        (rec.referer, rec.user_agent) = (referer, user_agent);
        if self.timed {
            Self::timings(&mut rec, rest)?;
        }
        // In `combined`, trailing fields after the user agent (a `"$http_x_forwarded_for"`,
        // a gzip ratio) are tolerated: many deployments append one. They are counted.
        rec.unread_fields = !self.timed && !rest.trim_ascii().is_empty();
        Ok(rec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMBINED: &[u8] = br#"203.0.113.7 - alice [21/Nov/2026:10:00:01 +0100] "GET /api/v1/users/8812?expand=1 HTTP/1.1" 200 5123 "https://shop.example.com/cart" "Mozilla/5.0 (X11; Linux x86_64)""#;

    #[test]
    fn combined_line() {
        let r = NginxParser::combined().parse(COMBINED).unwrap();
        assert_eq!(r.remote_addr, b"203.0.113.7");
        assert_eq!(r.remote_user, b"alice");
        // 2026-11-21T09:00:01Z
        assert_eq!(r.ts_us, 1_795_251_601_000_000);
        assert_eq!(r.utc_offset_min, 60);
        assert_eq!(r.request, b"GET /api/v1/users/8812?expand=1 HTTP/1.1");
        assert_eq!(r.path(), Some(&b"/api/v1/users/8812"[..]));
        assert_eq!(r.status, 200);
        assert_eq!(r.bytes_sent, Some(5123));
        assert_eq!(r.referer, b"https://shop.example.com/cart");
        assert_eq!(r.user_agent, b"Mozilla/5.0 (X11; Linux x86_64)");
        assert_eq!(r.request_time_us, None);
    }

    #[test]
    fn timed_lines() {
        let mut p = NginxParser::timed();
        let base = String::from_utf8(COMBINED.to_vec()).unwrap();
        let r = p
            .parse(format!("{base} 0.250 0.004, 0.118").as_bytes())
            .map(|r| (r.request_time_us, r.upstream_time_us));
        assert_eq!(r, Ok((Some(250_000), Some(122_000))));
        let r = p
            .parse(format!("{base} 0.031 0.010 : 0.020").as_bytes())
            .map(|r| (r.request_time_us, r.upstream_time_us));
        assert_eq!(r, Ok((Some(31_000), Some(30_000))));
        let r = p
            .parse(format!("{base} 0.000 -").as_bytes())
            .map(|r| (r.request_time_us, r.upstream_time_us));
        assert_eq!(r, Ok((Some(0), None)));
        assert_eq!(p.parse(COMBINED), Err(ParseError::BadTiming));
        assert_eq!(
            p.parse(format!("{base} 0.1").as_bytes()),
            Err(ParseError::BadTiming)
        );
        assert_eq!(
            p.parse(format!("{base} abc 0.1").as_bytes()),
            Err(ParseError::BadTiming)
        );
    }

    #[test]
    fn escaped_quotes_and_odd_fields() {
        let mut p = NginxParser::combined();
        // nginx writes `"` inside a value as \x22; Apache as \".
        let r = p.parse(br#"::1 - - [21/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 304 - "-" "Bot \"quoted\" \x22x\x22""#).unwrap();
        assert_eq!(r.user_agent, br#"Bot \"quoted\" \x22x\x22"#);
        assert_eq!(r.bytes_sent, None);
        assert_eq!(r.remote_addr, b"::1");
        let r = p
            .parse(br#"10.0.0.2, 10.0.0.1 - - [21/Nov/2026:10:00:01 +0000] "-" 400 0 "-" "-""#)
            .unwrap();
        assert_eq!(r.remote_addr, b"10.0.0.2, 10.0.0.1");
        assert_eq!(r.path(), None);
        let r = p.parse(br#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03" 400 157 "-" "-""#).unwrap();
        assert_eq!((r.status, r.path()), (400, None));
        // Trailing "$http_x_forwarded_for" (nginx `main`) is tolerated in combined.
        let r = p.parse(br#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET /x HTTP/1.1" 200 1 "-" "ua" "5.6.7.8""#).unwrap();
        assert_eq!(r.user_agent, b"ua");
        // Backslash at the end of a value, Apache style: `\\` then the closing quote.
        let r = p
            .parse(
                br#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET /x HTTP/1.1" 200 1 "a\\" "ua""#,
            )
            .unwrap();
        assert_eq!(r.referer, br"a\\");
    }

    /// Lines of every kind the fast path must agree on: generated logs of both layouts
    /// (with their rare malformed lines), the corpus's nginx/Apache logs, and all of
    /// them with bytes overwritten, inserted or cut.
    /// Returns the lines and how many of them (at the front) are unmutated.
    fn differential_lines() -> (Vec<Vec<u8>>, usize) {
        use axlog_testgen::{Config, Format, Limit};
        let mut lines: Vec<Vec<u8>> = Vec::new();
        for (format, seed) in [(Format::NginxTimed, 3), (Format::NginxCombined, 4)] {
            let text = axlog_testgen::generate(&Config {
                format,
                limit: Limit::Lines(20_000),
                seed,
                ..Config::default()
            });
            lines.extend(text.split(|&b| b == b'\n').map(<[u8]>::to_vec));
        }
        let corpus =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        for f in [
            "elastic-examples/apache_logs",
            "lnav/logfile_access_log.0",
            "lnav/logfile_access_log.1",
        ] {
            if let Ok(text) = std::fs::read(corpus.join(f)) {
                lines.extend(text.split(|&b| b == b'\n').map(<[u8]>::to_vec));
            }
        }
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b" \"[]-.,:0123456789/\\x\xff\x00?";
        let originals = lines.len();
        for k in 0..60_000 {
            let mut line = lines[k % originals].clone();
            for _ in 0..1 + next() % 3 {
                let at = (next() as usize) % (line.len() + 1);
                let byte = alphabet[(next() as usize) % alphabet.len()];
                match next() % 3 {
                    0 if at < line.len() => line[at] = byte,
                    1 => line.insert(at, byte),
                    _ => line.truncate(at),
                }
            }
            lines.push(line);
        }
        (lines, originals)
    }

    #[test]
    fn fast_path_agrees_with_the_general_parser() {
        let (lines, originals) = differential_lines();
        for (timed, name) in [(true, "timed"), (false, "combined")] {
            let (mut fast, mut general) = (NginxParser::new(timed), NginxParser::new(timed));
            // What the public entry point adds for a line the general parser rejects: the
            // layout's definition, run by the interpreter.
            let layout = if timed {
                crate::Preset::NginxTimed
            } else {
                crate::Preset::NginxCombined
            };
            let definition = crate::logformat::Definition::compile(layout.definition()).unwrap();
            let mut cache = TimeLocalCache::default();
            let mut fast_hits = 0;
            let mut parsed = 0;
            for (i, line) in lines.iter().enumerate() {
                let mut rec = Record::default();
                let took_fast = fast.parse_fast(line, &mut rec).is_some();
                let want = general.parse_general(line);
                if took_fast {
                    fast_hits += (i < originals) as usize;
                    assert_eq!(Ok(rec), want, "{name}: {}", String::from_utf8_lossy(line));
                }
                // And through the public entry point, fast or not: the general parser's
                // record, or for a line it rejects, the definition's (with its error).
                let public = want.or_else(|e| {
                    let mut r = Record::default();
                    definition
                        .parse_into(&mut cache, line, &mut r)
                        .map(|()| r)
                        .map_err(|_| e)
                });
                assert_eq!(
                    fast.parse(line),
                    public,
                    "{name}: {}",
                    String::from_utf8_lossy(line)
                );
                parsed += (i < originals && want.is_ok()) as usize;
            }
            // The fast path carries nearly every unmutated line that parses, or it is not
            // worth having.
            assert!(
                fast_hits * 100 >= parsed * 95,
                "{name}: {fast_hits} of {parsed}"
            );
        }
    }

    #[test]
    fn malformed_lines() {
        let mut p = NginxParser::combined();
        let cases: &[(&[u8], ParseError)] = &[
            (b"", ParseError::Empty),
            (b"\x00\xff\xfegarbage", ParseError::NoTime),
            (
                br#"1.2.3.4 - [21/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 1 "-" "-""#,
                ParseError::BadClient,
            ),
            (
                br#"1.2.3.4 - - [21/Nov/2026:10:00:01] "GET / HTTP/1.1" 200 1 "-" "-""#,
                ParseError::BadTime,
            ),
            (
                br#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1"#,
                ParseError::UnclosedQuote,
            ),
            (
                br#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 2000 1 "-" "-""#,
                ParseError::BadStatus,
            ),
            (
                br#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 x "-" "-""#,
                ParseError::BadBytes,
            ),
            (
                br#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 1 "-""#,
                ParseError::NoUserAgent,
            ),
            (
                br#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 1 x"#,
                ParseError::NoReferer,
            ),
        ];
        // A `common` line is accepted by `combined` (files mix the two), not by `timed`.
        let common = br#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 1"#;
        let r = p.parse(common).unwrap();
        assert_eq!(
            (r.status, r.bytes_sent, r.referer, r.user_agent),
            (200, Some(1), &b""[..], &b""[..])
        );
        assert!(NginxParser::timed().parse(common).is_err());
        for (line, want) in cases {
            assert_eq!(
                p.parse(line),
                Err(*want),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn unterminated_user_agent_at_end_of_line() {
        // From elastic-examples/apache_logs: the UA's closing quote is missing. The line is
        // cut, as one cut inside the referer is: malformed in both layouts.
        let line = br#"46.118.127.106 - - [20/May/2015:12:05:17 +0000] "GET /x.py HTTP/1.1" 200 235 "-" "Mozilla/5.0 (compatible; Googlebot/2.1""#;
        let line = &line[..line.len() - 1];
        for mut p in [NginxParser::combined(), NginxParser::timed()] {
            assert_eq!(p.parse(line), Err(ParseError::UnclosedQuote));
        }
    }

    #[test]
    fn every_prefix_of_a_line_is_handled() {
        // No prefix of a valid line may panic; all shorter than the UA's end are malformed.
        let mut p = NginxParser::timed();
        let line = br#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET /x?y HTTP/1.1" 200 1 "-" "ua" 0.004 0.001, 0.002"#;
        let ua_end = line.iter().rposition(|&b| b == b'"').unwrap();
        for n in 0..line.len() {
            let r = p.parse(&line[..n]);
            if n <= ua_end {
                assert!(r.is_err(), "prefix {n}");
            }
        }
    }
}
