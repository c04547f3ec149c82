//! Timestamp parsing without a date library: access logs repeat the same second on
//! consecutive lines, so the last parsed value is cached and reused when the bytes match.

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
        if let Some(t) = crate::logformat::parse_iso8601(w) {
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
    crate::logformat::parse_iso8601(&buf[..12 + clock.len()])
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
}
