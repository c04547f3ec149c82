//! Syslog headers before a log message, for any layout: RFC 3164 (`Mmm dd HH:MM:SS host
//! tag[pid]: `, day space-padded, host optional as in HAProxy's `local` format and in
//! `rfc3164` without `log-send-hostname`), the same after a `<PRI>` (`format rfc3164`;
//! `short` and `priority` have the bare `<PRI>`), an ISO 8601 date instead of the 3164 one
//! (rsyslog's high-precision dates, HAProxy's `iso` and `timed` formats, where neither host
//! nor tag follows), and RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`.
//!
//! A layer of its own so that every layout (HAProxy's, a custom `log-format`, nginx's
//! `syslog:` target) reads headers the same way.

use crate::time::{month_from_abbrev, parse_iso8601, rfc3164_time};
use crate::tokens::{Cursor, Tokens};
use crate::zone::Zone;

/// Skips a `<PRI>` (one to three digits) that starts the line; whether there was one.
fn skip_pri(tk: &mut Tokens<'_>) -> bool {
    if let [b'<', rest @ ..] = tk.s {
        let n = rest
            .iter()
            .take(4)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if (1..=3).contains(&n) && rest.get(n) == Some(&b'>') {
            tk.seek(n + 2);
            return true;
        }
    }
    false
}

/// Consumes the syslog header and returns its host (empty when none). `None` when the
/// line starts like a syslog header that is broken or cut (not a message of any kind).
pub(crate) fn syslog_header<'a>(tk: &mut Tokens<'a>) -> Option<&'a [u8]> {
    let pri = skip_pri(tk);
    let start = tk.mark();
    let t1 = tk.next();
    if pri && t1 == b"1" {
        return rfc5424(tk);
    }
    if month_from_abbrev(t1).is_some() {
        // RFC 3164 `Mmm dd HH:MM:SS`; a day padded with a space is one more separator.
        let (day, time) = (tk.next(), tk.next());
        if !(matches!(day.len(), 1 | 2) && day.iter().all(u8::is_ascii_digit) && is_clock(time)) {
            return None;
        }
        return Some(after_date(tk));
    }
    if is_iso_date(t1) {
        return Some(after_date(tk));
    }
    // `short` / `priority` / `raw`: the message at once, maybe after a bare `tag[pid]:`.
    if !t1.ends_with(b"]:") {
        tk.reset(start);
    }
    Some(&[])
}

/// The usual RFC 3164 header, `Mmm dd HH:MM:SS [host] tag: ` with single spaces, read in
/// place: (host, where the message starts). `None` for anything else, which
/// [`syslog_header`] reads token by token; where this returns a header, that reads the same.
#[inline(always)]
pub(crate) fn header_3164(line: &[u8]) -> Option<(&[u8], usize)> {
    // `Mmm dd HH:MM:SS ` or `Mmm  d HH:MM:SS `.
    let h = line.first_chunk::<16>()?;
    month_from_abbrev(&h[..3])?;
    if h[3] != b' '
        || h[6] != b' '
        || h[15] != b' '
        || !(h[4] == b' ' || h[4].is_ascii_digit())
        || !h[5].is_ascii_digit()
        || !is_clock(&h[7..15])
    {
        return None;
    }
    let mut c = Cursor { s: line, i: 16 };
    let t1 = c.token()?;
    let host = if is_tag(t1) {
        &[][..]
    } else if is_tag(c.token()?) {
        t1
    } else {
        return None;
    };
    // The token reader skips runs of spaces; a message that starts with one is its to read.
    match line.get(c.i) {
        Some(&b) if b != b' ' => Some((host, c.i)),
        _ => None,
    }
}

/// After the date of a 3164-style header: `[host] tag: msg`, or the message at once
/// (HAProxy's `iso` / `timed` formats).
fn after_date<'a>(tk: &mut Tokens<'a>) -> &'a [u8] {
    let start = tk.mark();
    let t1 = tk.next();
    if is_tag(t1) {
        return &[];
    }
    if is_tag(tk.next()) {
        return t1;
    }
    tk.reset(start);
    &[]
}

/// A syslog tag, `name:` or `name[pid]:`. An IPv6 client that ends in `:` (`2001:db8::`)
/// has colons before its last byte, a tag none.
#[inline(always)]
fn is_tag(t: &[u8]) -> bool {
    // A plain loop: tags are a few bytes, below what a vector search pays off for.
    matches!(t.split_last(), Some((b':', name)) if !name.is_empty() && name.iter().all(|&b| b != b':'))
}

/// `TIMESTAMP HOST APP PROCID MSGID SD MSG` after `<PRI>1 `.
fn rfc5424<'a>(tk: &mut Tokens<'a>) -> Option<&'a [u8]> {
    let _ts = tk.next();
    let host = tk.next();
    let _app = tk.next();
    let _procid = tk.next();
    let _msgid = tk.next();
    let (at, sd) = tk.rest_at();
    let sd_len = match sd {
        [b'-', ..] => 1,
        [b'[', ..] => {
            // One or more `[id k="v" ...]`; `]` and `"` may be escaped inside values.
            let mut i = 0;
            while sd.get(i) == Some(&b'[') {
                let mut quoted = false;
                i += 1;
                loop {
                    match *sd.get(i)? {
                        b'\\' => i += 1,
                        b'"' => quoted = !quoted,
                        b']' if !quoted => break,
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            i
        }
        _ => return None,
    };
    tk.seek(at + sd_len);
    let (at, msg) = tk.rest_at();
    if msg.starts_with(b"\xEF\xBB\xBF") {
        tk.seek(at + 3);
    }
    Some(if host == b"-" { &[] } else { host })
}

/// `HH:MM:SS` with an optional fraction.
fn is_clock(t: &[u8]) -> bool {
    match t.split_first_chunk::<8>() {
        Some((c, frac)) => {
            c[2] == b':'
                && c[5] == b':'
                && [0, 1, 3, 4, 6, 7].iter().all(|&k| c[k].is_ascii_digit())
                && match frac {
                    [] => true,
                    [b'.', d @ ..] => !d.is_empty() && d.iter().all(u8::is_ascii_digit),
                    _ => false,
                }
        }
        None => false,
    }
}

/// `yyyy-mm-ddT...`: an ISO 8601 date token.
fn is_iso_date(t: &[u8]) -> bool {
    t.first_chunk::<11>().is_some_and(|h| {
        h[4] == b'-'
            && h[7] == b'-'
            && h[10] == b'T'
            && [0, 1, 2, 3, 5, 6, 8, 9]
                .iter()
                .all(|&k| h[k].is_ascii_digit())
    })
}

/// The syslog header's host (empty without one) and the message after the header, for
/// parsers of custom `log-format` layouts; `None` for a damaged header.
pub(crate) fn split_syslog(line: &[u8]) -> Option<(&[u8], &[u8])> {
    if let Some((host, msg)) = header_3164(line) {
        return Some((host, &line[msg..]));
    }
    let mut tk = Tokens::new(line);
    let host = syslog_header(&mut tk)?;
    Some((host, tk.rest()))
}

/// The time of a line's syslog header, for layouts that log no date of their own:
/// RFC 5424 and ISO 8601 headers carry a full time; an RFC 3164 header (`Nov 21
/// 10:00:01`) has no year or zone: the zone is `zone`, and the year the one that puts the
/// date no later than a day after `now_us`, so December's lines read in January fall in
/// the year before.
pub(crate) fn syslog_time(line: &[u8], zone: &Zone, now_us: i64) -> Option<(i64, i16)> {
    let mut tk = Tokens::new(line);
    skip_pri(&mut tk);
    let mut t1 = tk.next();
    if t1 == b"1" {
        t1 = tk.next();
    }
    if let Some(month) = month_from_abbrev(t1) {
        let (day, clock) = (tk.next(), tk.next());
        if !(matches!(day.len(), 1 | 2) && is_clock(clock)) {
            return None;
        }
        return match zone {
            Zone::Fixed(off) => rfc3164_time(month, day, clock, *off, now_us),
            // The year from the offset of now; then the date's own offset.
            Zone::Named(_) => {
                let now_off = zone.offset_at_local(now_us.div_euclid(1_000_000));
                let (utc, off) = rfc3164_time(month, day, clock, now_off, now_us)?;
                Some(zone.local_to_utc(utc + off as i64 * 60_000_000))
            }
        };
    }
    parse_iso8601(t1)
}
