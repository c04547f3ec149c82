//! Every timestamp form axlog reads, parsed without a date library: nginx `$time_local`
//! (Apache `%t`, CLF dates), ISO 8601, HAProxy's accept date, epoch numbers, RFC 3164
//! syslog dates and the times in text prefixes. Access logs repeat the same second on
//! consecutive lines, so the last parsed value is cached and reused when the bytes match.

use crate::num::{millis4, parse_u64};

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The time in a text prefix before a log entry, the last one when there are several
/// (kubectl's receipt time before the entry's own): RFC 3339 / ISO 8601 (`kubectl logs
/// --timestamps`, `2024-01-23T23:27:57.060123456Z`), or Go's wall clock as Caddy's console
/// encoder writes it (`2024/01/23 23:27:57.060`, no zone: taken as UTC). UTC microseconds
/// and the offset in minutes.
pub fn parse_prefix_time(prefix: &[u8]) -> Option<(i64, i16)> {
    // Called for each line of such a layout: the words are walked, not collected.
    let mut words = prefix
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|w| !w.is_empty())
        .take(16)
        .peekable();
    let mut found = None;
    while let Some(w) = words.next() {
        if let Some(t) = parse_iso8601(w) {
            found = Some(t);
        } else if let Some(t) = words.peek().and_then(|clock| wall_clock(w, clock)) {
            found = Some(t);
        }
    }
    found
}

/// `YYYY/MM/DD` and `HH:MM:SS[.fff]`, rewritten as ISO 8601 (UTC) in a small buffer.
fn wall_clock(date: &[u8], clock: &[u8]) -> Option<(i64, i16)> {
    if date.len() != 10 || date[4] != b'/' || date[7] != b'/' || clock.len() > 30 {
        return None;
    }
    let mut buf = [0u8; 42];
    buf[..10].copy_from_slice(date);
    (buf[4], buf[7], buf[10]) = (b'-', b'-', b'T');
    buf[11..11 + clock.len()].copy_from_slice(clock);
    buf[11 + clock.len()] = b'Z';
    parse_iso8601(&buf[..12 + clock.len()])
}

/// `Jan`..`Dec` (any case) into 1..=12; `None` for anything else, including other lengths.
pub(crate) fn month_from_abbrev(m: &[u8]) -> Option<u32> {
    // Folded to lower case to accept "nov" too.
    let [a, b, c] = *m else { return None };
    Some(match &[a | 0x20, b | 0x20, c | 0x20] {
        b"jan" => 1,
        b"feb" => 2,
        b"mar" => 3,
        b"apr" => 4,
        b"may" => 5,
        b"jun" => 6,
        b"jul" => 7,
        b"aug" => 8,
        b"sep" => 9,
        b"oct" => 10,
        b"nov" => 11,
        b"dec" => 12,
        _ => return None,
    })
}

#[inline]
fn digits2(b: &[u8]) -> Option<u32> {
    let (a, c) = (b[0].wrapping_sub(b'0'), b[1].wrapping_sub(b'0'));
    if a < 10 && c < 10 {
        Some(a as u32 * 10 + c as u32)
    } else {
        None
    }
}

/// Two ASCII digits as a number, `None` if either is not a digit.
#[inline]
pub(crate) fn digit_pair(a: u8, b: u8) -> Option<i64> {
    let (a, b) = (a.wrapping_sub(b'0'), b.wrapping_sub(b'0'));
    (a < 10 && b < 10).then_some(a as i64 * 10 + b as i64)
}

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A parsed timestamp: UTC microseconds since the epoch and the offset the log wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Timestamp {
    pub utc_us: i64,
    /// Offset east of UTC in minutes, as written in the log (`+0200` -> 120).
    pub offset_min: i16,
}

/// Length of nginx `$time_local` / Apache `%t` content: `10/Oct/2000:13:55:36 -0700`.
pub const TIME_LOCAL_LEN: usize = 26;

/// Parses `dd/Mon/yyyy:HH:MM:SS +hhmm` (nginx `$time_local`, Apache `%t` without brackets).
pub fn parse_time_local(s: &[u8]) -> Option<Timestamp> {
    if s.len() != TIME_LOCAL_LEN
        || s[2] != b'/'
        || s[6] != b'/'
        || s[11] != b':'
        || s[14] != b':'
        || s[17] != b':'
        || s[20] != b' '
    {
        return None;
    }
    let day = digits2(&s[0..2])?;
    let month = month_from_abbrev(&s[3..6])?;
    let year = (digits2(&s[7..9])? * 100 + digits2(&s[9..11])?) as i64;
    let hour = digits2(&s[12..14])?;
    let minute = digits2(&s[15..17])?;
    let second = digits2(&s[18..20])?;
    // 60 is a leap second; it is counted in the following second like most tools do.
    if day == 0 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let sign: i64 = match s[21] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let oh = digits2(&s[22..24])?;
    let om = digits2(&s[24..26])?;
    if oh > 23 || om > 59 {
        return None;
    }
    let offset_min = sign * (oh as i64 * 60 + om as i64);
    let days = days_from_civil(year, month, day);
    let local_s = days * 86_400 + hour as i64 * 3600 + minute as i64 * 60 + second as i64;
    let utc_s = local_s - offset_min * 60;
    Some(Timestamp {
        utc_us: utc_s * 1_000_000,
        offset_min: offset_min as i16,
    })
}

/// Caches the minute of the last `$time_local`: lines of the same minute (nearly all of
/// them, even when a log is slightly out of order) only parse their seconds.
#[derive(Debug, Clone, Default)]
pub struct TimeLocalCache {
    /// `dd/Mon/yyyy:HH:MM:` and ` +hhmm` of the cached minute.
    minute: [u8; 18],
    zone: [u8; 6],
    /// UTC µs at second 0 of that minute, and its offset.
    value: Option<Timestamp>,
}

impl TimeLocalCache {
    #[inline]
    pub fn parse(&mut self, s: &[u8]) -> Option<Timestamp> {
        let s: &[u8; TIME_LOCAL_LEN] = s.try_into().ok()?;
        if let Some(t) = self.cached(&s[..20], &s[20..]) {
            return t;
        }
        self.parse_miss(s)
    }

    /// `dd/Mon/yyyy:HH:MM:SS` without a zone (HAProxy's accept date), as UTC µs: the
    /// same cache, read without first copying the time into a zoned one.
    #[inline]
    pub fn parse_zoneless(&mut self, s: &[u8; 20]) -> Option<i64> {
        const UTC: &[u8; 6] = b" +0000";
        if let Some(t) = self.cached(s, UTC) {
            return t.map(|t| t.utc_us);
        }
        let mut t = [0u8; TIME_LOCAL_LEN];
        t[..20].copy_from_slice(s);
        t[20..].copy_from_slice(UTC);
        self.parse_miss(&t).map(|t| t.utc_us)
    }

    /// `head` (`dd/Mon/yyyy:HH:MM:SS`) and `zone` (` +hhmm`) in the cached minute: the
    /// time, or `None` for seconds parse_time_local refuses too. `None` (the outer one)
    /// for another minute or zone.
    #[inline(always)]
    fn cached(&self, head: &[u8], zone: &[u8]) -> Option<Option<Timestamp>> {
        // Fixed-size comparisons compile to a few wide loads, no memcmp call.
        let v = self
            .value
            .filter(|_| head[..18] == self.minute && *zone == self.zone)?;
        Some(
            digits2(&head[18..20])
                .filter(|&sec| sec <= 60)
                .map(|sec| Timestamp {
                    utc_us: v.utc_us + sec as i64 * 1_000_000,
                    offset_min: v.offset_min,
                }),
        )
    }

    /// A time of another minute (or zone): parsed in full, and its minute cached.
    #[inline(never)]
    fn parse_miss(&mut self, s: &[u8; TIME_LOCAL_LEN]) -> Option<Timestamp> {
        let v = parse_time_local(s)?;
        // parse_time_local accepted the seconds, so they are two digits.
        let sec = digits2(&s[18..20])?;
        self.minute.copy_from_slice(&s[..18]);
        self.zone.copy_from_slice(&s[20..]);
        self.value = Some(Timestamp {
            utc_us: v.utc_us - sec as i64 * 1_000_000,
            offset_min: v.offset_min,
        });
        Some(v)
    }
}

/// `2026-11-21T10:00:01+01:00` (nginx `$time_iso8601`; `Z` accepted) into (UTC µs, offset).
pub fn parse_iso8601(s: &[u8]) -> Option<(i64, i16)> {
    if s.len() < 20
        || s[4] != b'-'
        || s[7] != b'-'
        || s[10] != b'T'
        || s[13] != b':'
        || s[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| parse_u64(&s[r]);
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &s[19..];
    let mut micros = 0;
    if let [b'.', frac @ ..] = rest {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        // The first six digits are the microseconds; later ones are truncated, as
        // `parse_seconds_us` does. Read in place: no buffer per timestamp.
        let mut scale = 100_000;
        for &d in &frac[..digits] {
            micros += (d - b'0') as u64 * scale;
            scale /= 10;
        }
        rest = &frac[digits..];
    }
    let offset_min: i64 = match rest {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let h = parse_u64(&[*h1, *h2])? as i64;
            let m = parse_u64(&[*m1, *m2])? as i64;
            if h > 23 || m > 59 {
                return None;
            }
            if *sign == b'-' {
                -(h * 60 + m)
            } else {
                h * 60 + m
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year as i64, month as u32, day as u32);
    let local_s = days * 86_400 + hour as i64 * 3600 + minute as i64 * 60 + second as i64;
    Some((
        (local_s - offset_min * 60) * 1_000_000 + micros as i64,
        offset_min as i16,
    ))
}

/// HAProxy's accept date (and its CLF date), with a cache of the last minute: lines of
/// the same minute only parse their seconds.
#[derive(Debug, Clone, Default)]
pub(crate) struct AcceptDateCache {
    /// `dd/Mon/yyyy:HH:MM` of the last date, and its local seconds since the epoch at
    /// second 0 (`None` until a date parsed).
    minute: [u8; 17],
    minute_local_s: Option<i64>,
}

impl AcceptDateCache {
    /// Forgets the cached minute.
    pub(crate) fn clear(&mut self) {
        self.minute_local_s = None;
    }

    /// `dd/Mon/yyyy:HH:MM:SS[.fff]` and an optional `+zzzz` into local µs since the epoch
    /// and the zone. HAProxy writes 3 fraction digits; up to 9 are read, 6 kept.
    pub(crate) fn parse(&mut self, s: &[u8], zone: Option<&[u8]>) -> Option<(i64, Option<i16>)> {
        let (head, frac) = s.split_first_chunk::<20>()?;
        let minute_s = match self.minute_local_s {
            Some(v) if head[..17] == self.minute => v,
            _ => {
                let v = minute_local_s(head)?;
                self.minute.copy_from_slice(&head[..17]);
                self.minute_local_s = Some(v);
                v
            }
        };
        let sec = digit_pair(head[18], head[19])?;
        if head[17] != b':' || sec > 60 {
            return None;
        }
        let mut us = (minute_s + sec) * 1_000_000;
        match frac {
            [] => {}
            [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
                let mut scale = 100_000;
                for &d in digits {
                    let d = d.wrapping_sub(b'0');
                    if d > 9 {
                        return None;
                    }
                    us += d as i64 * scale;
                    scale /= 10;
                }
            }
            _ => return None,
        }
        let zone = match zone {
            None => None,
            Some(&[sign @ (b'+' | b'-'), h1, h2, m1, m2]) => {
                let (h, m) = (digit_pair(h1, h2)?, digit_pair(m1, m2)?);
                if h > 23 || m > 59 {
                    return None;
                }
                let z = (h * 60 + m) as i16;
                Some(if sign == b'-' { -z } else { z })
            }
            Some(_) => return None,
        };
        Some((us, zone))
    }
}

/// Local seconds since the epoch at second 0 of `dd/Mon/yyyy:HH:MM`.
fn minute_local_s(h: &[u8; 20]) -> Option<i64> {
    if h[2] != b'/' || h[6] != b'/' || h[11] != b':' || h[14] != b':' {
        return None;
    }
    let day = digit_pair(h[0], h[1])?;
    let month = month_from_abbrev(&h[3..6])?;
    let year = digit_pair(h[7], h[8])? * 100 + digit_pair(h[9], h[10])?;
    let hour = digit_pair(h[12], h[13])?;
    let minute = digit_pair(h[15], h[16])?;
    if day == 0 || day > days_in_month(year, month) as i64 || hour > 23 || minute > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day as u32);
    Some(days * 86_400 + hour * 3600 + minute * 60)
}

/// HAProxy's `dd/Mon/yyyy:HH:MM:SS.mmm` (local time without a zone) into UTC µs, for
/// custom `log-format` layouts (`%t`, `%tr`).
#[inline]
pub(crate) fn parse_haproxy_date(
    cache: &mut TimeLocalCache,
    v: &[u8],
    tz_offset_min: i16,
) -> Option<i64> {
    let (secs, frac) = v.split_first_chunk::<20>()?;
    let frac = match frac {
        [] => frac,
        [b'.', f @ ..] if f.len() == 3 => f,
        _ => return None,
    };
    // Through the minute cache, as `$time_local` is: lines of a minute parse seconds.
    let utc_us = cache.parse_zoneless(secs)?;
    let ms = match *frac {
        [] => 0,
        [a, b, c] if let Some(us) = millis4(b'0', a, b, c) => us as i64 / 1000,
        _ => parse_u64(frac)? as i64,
    };
    Some(utc_us + ms * 1000 - tz_offset_min as i64 * 60_000_000)
}

/// HAProxy's `%Ts` with `+X`: seconds since the epoch in hexadecimal, into UTC µs.
pub(crate) fn parse_epoch_hex(v: &[u8]) -> Option<i64> {
    std::str::from_utf8(v)
        .ok()
        .filter(|s| (1..=15).contains(&s.len()))
        .and_then(|s| i64::from_str_radix(s, 16).ok())
        // Fifteen hex digits are more seconds than microseconds fit in i64.
        .and_then(|s| s.checked_mul(1_000_000))
}

/// An RFC 3164 syslog date (`Nov 21 10:00:01`: `month` already read, `day` one or two
/// digits, `clock` `HH:MM:SS` with an optional fraction, which is dropped). It has no year
/// or zone: the zone is `tz_offset_min`, and the year the one that puts the date no later
/// than a day after `now_us`, so December's lines read in January fall in the year before.
pub(crate) fn rfc3164_time(
    month: u32,
    day: &[u8],
    clock: &[u8],
    tz_offset_min: i16,
    now_us: i64,
) -> Option<(i64, i16)> {
    let day = crate::num::parse_u64(day)? as u32;
    let (h, m, sec) = (
        digit_pair(clock[0], clock[1])?,
        digit_pair(clock[3], clock[4])?,
        digit_pair(clock[6], clock[7])?,
    );
    if !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let offset_us = tz_offset_min as i64 * 60_000_000;
    let local_now_days = (now_us + offset_us).div_euclid(86_400_000_000);
    // The year of `now` in the log's zone (days_from_civil inverted by search: years
    // are few).
    let mut year = 1970 + local_now_days.div_euclid(366);
    while days_from_civil(year + 1, 1, 1) <= local_now_days {
        year += 1;
    }
    let utc = |year: i64| {
        let days = days_from_civil(year, month, day);
        (days * 86_400 + h * 3600 + m * 60 + sec) * 1_000_000 - offset_us
    };
    let mut t = utc(year);
    if t > now_us + 86_400_000_000 {
        t = utc(year - 1);
    }
    Some((t, tz_offset_min))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }

    #[test]
    fn time_local_with_offset() {
        // 10/Oct/2000:13:55:36 -0700 is 2000-10-10T20:55:36Z = 971211336 (date -d).
        let t = parse_time_local(b"10/Oct/2000:13:55:36 -0700").unwrap();
        assert_eq!(t.utc_us, 971_211_336_000_000);
        assert_eq!(t.offset_min, -420);
        // +0330 (Tehran), from the lnav shop log: 22/Jan/2019:03:56:14 +0330 = 00:26:14Z.
        let t = parse_time_local(b"22/Jan/2019:03:56:14 +0330").unwrap();
        assert_eq!(t.utc_us, 1_548_116_774_000_000);
        assert_eq!(t.offset_min, 210);
    }

    #[test]
    fn rejects_bad_dates() {
        for bad in [
            &b"31/Nov/2026:00:00:00 +0000"[..],
            b"29/Feb/2026:00:00:00 +0000",
            b"10/Foo/2000:13:55:36 -0700",
            b"10/Oct/2000:24:55:36 -0700",
            b"10/Oct/2000:13:55:36 0700x",
            b"10/Oct/2000:13:55:36",
            b"",
        ] {
            assert_eq!(
                parse_time_local(bad),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(parse_time_local(b"29/Feb/2024:00:00:00 +0000").is_some());
    }

    #[test]
    fn cache_returns_same_values() {
        let mut c = TimeLocalCache::default();
        let a = c.parse(b"10/Oct/2000:13:55:36 -0700");
        let b = c.parse(b"10/Oct/2000:13:55:36 -0700");
        assert_eq!(a, b);
        assert_eq!(
            c.parse(b"10/Oct/2000:13:55:37 -0700").unwrap().utc_us,
            971_211_337_000_000
        );
        assert_eq!(c.parse(b"garbage-garbage-garbage-xx"), None);
        // Every second of a minute, in and out of order, with the minute cached, and
        // the same minute with another offset: all as parse_time_local gives them.
        let mut c = TimeLocalCache::default();
        for s in [59u32, 0, 30, 60, 7, 61, 99] {
            for zone in ["+0000", "-0700", "+0000"] {
                let t = format!("31/Dec/2026:23:59:{s:02} {zone}");
                assert_eq!(c.parse(t.as_bytes()), parse_time_local(t.as_bytes()), "{t}");
            }
        }
        assert_eq!(c.parse(b"31/Dec/2026:23:59:x1 +0000"), None);
    }

    #[test]
    fn iso8601() {
        assert_eq!(parse_iso8601(b"1970-01-01T00:00:00Z"), Some((0, 0)));
        // 10:00:01 at -02:30 is 12:30:01Z; 2026-11-21T10:00:01Z is 1795255201 (date -d).
        assert_eq!(
            parse_iso8601(b"2026-11-21T10:00:01.5-02:30"),
            Some((1_795_255_201_500_000 + 9_000_000_000, -150))
        );
        assert_eq!(parse_iso8601(b"2026-13-21T10:00:01Z"), None);
        assert_eq!(parse_iso8601(b"2026-11-21 10:00:01Z"), None);
    }

    #[test]
    fn iso8601_fractions_read_in_place() {
        // Six digits are microseconds; the seventh on is truncated, not rounded.
        assert_eq!(
            parse_iso8601(b"1970-01-01T00:00:00.1234567Z"),
            Some((123_456, 0))
        );
        assert_eq!(
            parse_iso8601(b"1970-01-01T00:00:00.000001+00:00"),
            Some((1, 0))
        );
        // 2009-02-06T12:14:14Z is 1233922454 (date -d).
        assert_eq!(
            parse_iso8601(b"2009-02-06T12:14:14.655Z"),
            Some((1_233_922_454_655_000, 0))
        );
        assert_eq!(parse_iso8601(b"1970-01-01T00:00:00.Z"), None);
        assert_eq!(parse_iso8601(b"1970-01-01T00:00:00.5x"), None);
    }

    #[test]
    fn haproxy_dates() {
        // 06/Feb/2009:12:14:14 is 1233922454 at UTC (date -d).
        let mut c = TimeLocalCache::default();
        let at = |c: &mut TimeLocalCache, v: &str, tz| parse_haproxy_date(c, v.as_bytes(), tz);
        assert_eq!(
            at(&mut c, "06/Feb/2009:12:14:14.655", 0),
            Some(1_233_922_454_655_000)
        );
        assert_eq!(
            at(&mut c, "06/Feb/2009:12:14:14", 60),
            Some(1_233_922_454_000_000 - 3_600_000_000)
        );
        assert_eq!(at(&mut c, "06/Feb/2009:12:14:14.65", 0), None);
        assert_eq!(at(&mut c, "06/Feb/2009:12:14:14.6x5", 0), None);

        let mut a = AcceptDateCache::default();
        assert_eq!(
            a.parse(b"06/Feb/2009:12:14:14.655", None),
            Some((1_233_922_454_655_000, None))
        );
        assert_eq!(
            a.parse(b"06/Feb/2009:12:14:15", Some(b"-0100")),
            Some((1_233_922_455_000_000, Some(-60)))
        );
        assert_eq!(a.parse(b"06/Feb/2009:12:14:15", Some(b"+2400")), None);
        a.clear();
        assert_eq!(
            a.parse(b"06/Feb/2009:12:15:00.123456789", None),
            Some((1_233_922_500_123_456, None))
        );
    }

    #[test]
    fn hexadecimal_epochs() {
        assert_eq!(parse_epoch_hex(b"4d2"), Some(1_234_000_000));
        assert_eq!(parse_epoch_hex(b"0"), Some(0));
        assert_eq!(parse_epoch_hex(b""), None);
        assert_eq!(parse_epoch_hex(b"xyz"), None);
        // Fifteen digits fit an i64 of seconds, not of microseconds; sixteen are refused.
        assert_eq!(parse_epoch_hex(b"fffffffffffffff"), None);
        assert_eq!(parse_epoch_hex(b"0000000000000001"), None);
    }

    #[test]
    fn rfc3164_years_and_zones() {
        // now 2026-11-21T12:00:00Z = 1795262400; Nov 21 10:00:01 UTC = 1795255201 (date -d).
        let now = 1_795_262_400_000_000;
        assert_eq!(
            rfc3164_time(11, b"21", b"10:00:01", 0, now),
            Some((1_795_255_201_000_000, 0))
        );
        // The fraction is dropped; at +01:00 the same clock is an hour earlier in UTC.
        assert_eq!(
            rfc3164_time(11, b"21", b"10:00:01.250", 60, now),
            Some((1_795_255_201_000_000 - 3_600_000_000, 60))
        );
        // December's last second read on 2027-01-01T00:10:00Z (1798762200) is 2026's
        // (1798761599).
        assert_eq!(
            rfc3164_time(12, b"31", b"23:59:59", 0, 1_798_762_200_000_000),
            Some((1_798_761_599_000_000, 0))
        );
        // More than a day after now (2026-11-20T12:00:00Z = 1795176000): the year before,
        // 2025-11-22T10:00:01Z = 1763805601.
        let now = 1_795_176_000_000_000;
        assert_eq!(
            rfc3164_time(11, b"21", b"10:00:01", 0, now),
            Some((1_795_255_201_000_000, 0))
        );
        assert_eq!(
            rfc3164_time(11, b"22", b"10:00:01", 0, now),
            Some((1_763_805_601_000_000, 0))
        );
        assert_eq!(rfc3164_time(11, b"0", b"10:00:01", 0, now), None);
        assert_eq!(rfc3164_time(11, b"21", b"24:00:01", 0, now), None);
    }
}
