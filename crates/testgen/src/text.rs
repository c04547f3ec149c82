//! Hand-written formatting: integers, milliseconds, civil dates and the two
//! log escapings. `format!` per field would cost more than generating the
//! whole line.

const DIGITS2: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

#[inline]
fn two(n: usize) -> [u8; 2] {
    [DIGITS2[n * 2], DIGITS2[n * 2 + 1]]
}

/// Appends `n` in decimal.
#[inline]
pub(crate) fn push_u64(buf: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    while n >= 100 {
        let d = (n % 100) as usize;
        n /= 100;
        i -= 2;
        tmp[i..i + 2].copy_from_slice(&two(d));
    }
    if n >= 10 {
        i -= 2;
        tmp[i..i + 2].copy_from_slice(&two(n as usize));
    } else {
        i -= 1;
        tmp[i] = b'0' + n as u8;
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Appends `n` in decimal, `-1` style for negatives.
#[inline]
pub(crate) fn push_i64(buf: &mut Vec<u8>, n: i64) {
    if n < 0 {
        buf.push(b'-');
    }
    push_u64(buf, n.unsigned_abs());
}

/// Appends a millisecond count as seconds with exactly three decimals
/// (`1234` -> `1.234`), the way nginx prints `$request_time`.
#[inline]
pub(crate) fn push_ms(buf: &mut Vec<u8>, ms: u64) {
    push_u64(buf, ms / 1000);
    push_frac3(buf, ms % 1000);
}

/// Appends `.mmm`.
#[inline]
pub(crate) fn push_frac3(buf: &mut Vec<u8>, m: u64) {
    let m = m as usize;
    let t = two(m % 100);
    buf.extend_from_slice(&[b'.', b'0' + (m / 100) as u8, t[0], t[1]]);
}

/// Appends a status code (always three digits in our tables).
#[inline]
pub(crate) fn push_status(buf: &mut Vec<u8>, s: u16) {
    let s = s as usize;
    let t = two(s % 100);
    buf.extend_from_slice(&[b'0' + (s / 100) as u8, t[0], t[1]]);
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
pub const fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`]: (year, month 1..=12, day 1..=31).
pub(crate) const fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

struct Civil {
    y: i64,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
}

fn civil(t: i64) -> Civil {
    let (y, mo, d) = civil_from_days(t.div_euclid(86_400));
    let sod = t.rem_euclid(86_400) as u32;
    Civil {
        y,
        mo,
        d,
        h: sod / 3600,
        mi: sod / 60 % 60,
        s: sod % 60,
    }
}

/// `dd/Mon/yyyy:HH:MM:SS` for local epoch seconds `t` (the year is printed
/// modulo 10000, the input parser only accepts 0000..=9999).
pub(crate) fn fmt_clf(t: i64) -> [u8; 20] {
    let c = civil(t);
    let y = c.y.rem_euclid(10_000) as usize;
    let (d, yh, yl, h, mi, s) = (
        two(c.d as usize),
        two(y / 100),
        two(y % 100),
        two(c.h as usize),
        two(c.mi as usize),
        two(c.s as usize),
    );
    let m = MONTHS[c.mo as usize - 1];
    [
        d[0], d[1], b'/', m[0], m[1], m[2], b'/', yh[0], yh[1], yl[0], yl[1], b':', h[0], h[1],
        b':', mi[0], mi[1], b':', s[0], s[1],
    ]
}

/// RFC 3164 timestamp `Mon dd HH:MM:SS`, day space-padded (`Nov  1`).
pub(crate) fn fmt_syslog(t: i64) -> [u8; 15] {
    let c = civil(t);
    let m = MONTHS[c.mo as usize - 1];
    let d = two(c.d as usize);
    let d0 = if c.d < 10 { b' ' } else { d[0] };
    let (h, mi, s) = (two(c.h as usize), two(c.mi as usize), two(c.s as usize));
    [
        m[0], m[1], m[2], b' ', d0, d[1], b' ', h[0], h[1], b':', mi[0], mi[1], b':', s[0], s[1],
    ]
}

/// `+hhmm` / `-hhmm` for an offset in minutes.
pub(crate) fn fmt_tz(min: i32) -> [u8; 5] {
    let sign = if min < 0 { b'-' } else { b'+' };
    let a = min.unsigned_abs() as usize;
    let (h, m) = (two(a / 60 % 100), two(a % 60));
    [sign, h[0], h[1], m[0], m[1]]
}

/// Per-second cache of [`fmt_clf`]: a line's timestamp is at most 120 s
/// behind the clock, so 256 direct-mapped slots always hit after the first
/// line of each second.
pub(crate) struct ClfCache {
    keys: Box<[i64; 256]>,
    vals: Box<[[u8; 20]; 256]>,
}

impl ClfCache {
    pub(crate) fn new() -> Self {
        ClfCache {
            keys: Box::new([i64::MIN; 256]),
            vals: Box::new([[0; 20]; 256]),
        }
    }

    #[inline]
    pub(crate) fn get(&mut self, t: i64) -> &[u8; 20] {
        let i = (t & 255) as usize;
        if self.keys[i] != t {
            self.keys[i] = t;
            self.vals[i] = fmt_clf(t);
        }
        &self.vals[i]
    }
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// nginx's log escaping (`ngx_escape_uri(..., NGX_ESCAPE_LOG)`-like): `"`, `\`,
/// control bytes and bytes >= 0x7f become `\xHH`. Afterwards the only `"` in
/// a line are field delimiters.
pub(crate) fn escape_nginx(raw: &[u8]) -> Vec<u8> {
    escape_with(raw, b'\\', true, |b| {
        b == b'"' || b == b'\\' || !(0x20..0x7f).contains(&b)
    })
}

/// HAProxy's URL logging escape: `"`, `#` and non-printables become `#HH`.
pub(crate) fn escape_haproxy_url(raw: &[u8]) -> Vec<u8> {
    escape_with(raw, b'#', false, |b| {
        b == b'"' || b == b'#' || !(0x20..0x7f).contains(&b)
    })
}

/// HAProxy's captured-header escape: additionally `{`, `|`, `}`, so the only
/// `|` inside a capture block separate headers.
pub(crate) fn escape_haproxy_hdr(raw: &[u8]) -> Vec<u8> {
    escape_with(raw, b'#', false, |b| {
        matches!(b, b'"' | b'#' | b'{' | b'|' | b'}') || !(0x20..0x7f).contains(&b)
    })
}

fn escape_with(raw: &[u8], prefix: u8, x: bool, esc: impl Fn(u8) -> bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    for &b in raw {
        if esc(b) {
            out.push(prefix);
            if x {
                out.push(b'x');
            }
            out.push(HEX_UPPER[usize::from(b >> 4)]);
            out.push(HEX_UPPER[usize::from(b & 15)]);
        } else {
            out.push(b);
        }
    }
    out
}

/// Parses `YYYY-MM-DDTHH:MM:SS` followed by `Z`, `+HH:MM`, `-HHMM`, ... or
/// nothing (UTC); fractional seconds are accepted and dropped. Returns epoch
/// seconds.
pub fn parse_start(s: &str) -> Result<i64, String> {
    let err = || format!("invalid --start {s:?}: expected e.g. 2026-11-21T00:00:00Z");
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return Err(err());
    }
    if b[13] != b':' || b[16] != b':' {
        return Err(err());
    }
    let num = |r: std::ops::Range<usize>| -> Result<i64, String> {
        let p = &s[r];
        if p.bytes().all(|c| c.is_ascii_digit()) {
            p.parse::<i64>().map_err(|_| err())
        } else {
            Err(err())
        }
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mdays = [
        31,
        28 + i64::from(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)),
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo)
        || d < 1
        || d > mdays[mo as usize - 1]
        || h > 23
        || mi > 59
        || sec > 60
    {
        return Err(err());
    }
    let mut rest = &s[19..];
    if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err(err());
        }
        rest = &r[n..];
    }
    let offset_min = match rest {
        "" | "Z" | "z" => 0,
        _ => parse_tz(rest).map_err(|_| err())?,
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    Ok(days * 86_400 + h * 3600 + mi * 60 + sec.min(59) - i64::from(offset_min) * 60)
}

/// Parses a UTC offset `+hhmm`, `-hh:mm`, `+hh` or `Z` into minutes.
pub fn parse_tz(s: &str) -> Result<i32, String> {
    let err = || format!("invalid time zone offset {s:?}: expected e.g. +0000 or -05:30");
    if s == "Z" || s == "z" {
        return Ok(0);
    }
    let (sign, r) = match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => return Err(err()),
    };
    let digits: String = r.chars().filter(|&c| c != ':').collect();
    let colon_ok = !r.contains(':') || (r.len() == 5 && r.as_bytes()[2] == b':');
    if !colon_ok
        || !(digits.len() == 2 || digits.len() == 4)
        || !digits.bytes().all(|c| c.is_ascii_digit())
    {
        return Err(err());
    }
    let h: i32 = digits[..2].parse().map_err(|_| err())?;
    let m: i32 = if digits.len() == 4 {
        digits[2..].parse().map_err(|_| err())?
    } else {
        0
    };
    if h > 23 || m > 59 {
        return Err(err());
    }
    Ok(sign * (h * 60 + m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut v = Vec::new();
        f(&mut v);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn integers() {
        for n in [
            0u64,
            7,
            10,
            99,
            100,
            101,
            999,
            1000,
            12345,
            987_654_321,
            u64::MAX,
        ] {
            assert_eq!(s(|b| push_u64(b, n)), n.to_string());
        }
        assert_eq!(s(|b| push_i64(b, -1)), "-1");
        assert_eq!(s(|b| push_i64(b, 42)), "42");
        assert_eq!(s(|b| push_ms(b, 0)), "0.000");
        assert_eq!(s(|b| push_ms(b, 7)), "0.007");
        assert_eq!(s(|b| push_ms(b, 123)), "0.123");
        assert_eq!(s(|b| push_ms(b, 60_004)), "60.004");
        assert_eq!(s(|b| push_status(b, 499)), "499");
        assert_eq!(s(|b| push_status(b, 200)), "200");
    }

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2026, 11, 21) * 86_400, 1_795_219_200);
        for z in (-800_000..800_000).step_by(97) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn timestamps() {
        let t = days_from_civil(2026, 11, 21) * 86_400 + 1;
        assert_eq!(&fmt_clf(t), b"21/Nov/2026:00:00:01");
        assert_eq!(&fmt_syslog(t), b"Nov 21 00:00:01");
        let t = days_from_civil(2024, 2, 29) * 86_400 + 23 * 3600 + 59 * 60 + 59;
        assert_eq!(&fmt_clf(t), b"29/Feb/2024:23:59:59");
        assert_eq!(&fmt_syslog(t), b"Feb 29 23:59:59");
        let t = days_from_civil(2027, 1, 3) * 86_400 + 3723;
        assert_eq!(&fmt_syslog(t), b"Jan  3 01:02:03");
        assert_eq!(&fmt_tz(0), b"+0000");
        assert_eq!(&fmt_tz(330), b"+0530");
        assert_eq!(&fmt_tz(-480), b"-0800");
        let mut c = ClfCache::new();
        assert_eq!(c.get(t), &fmt_clf(t));
        assert_eq!(c.get(t + 256), &fmt_clf(t + 256));
        assert_eq!(c.get(t), &fmt_clf(t));
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape_nginx(b"a\"b\\c\x16\xfc d"),
            b"a\\x22b\\x5Cc\\x16\\xFC d"
        );
        assert_eq!(escape_nginx("café".as_bytes()), b"caf\\xC3\\xA9");
        assert_eq!(escape_haproxy_url(b"/a#b\"c|{}"), b"/a#23b#22c|{}");
        assert_eq!(escape_haproxy_hdr(b"x|y{z}\"#"), b"x#7Cy#7Bz#7D#22#23");
    }

    #[test]
    fn parsing() {
        let base = days_from_civil(2026, 11, 21) * 86_400;
        assert_eq!(parse_start("2026-11-21T00:00:00Z"), Ok(base));
        assert_eq!(parse_start("2026-11-21T00:00:00"), Ok(base));
        assert_eq!(parse_start("2026-11-21 01:00:00+01:00"), Ok(base));
        assert_eq!(parse_start("2026-11-21T00:00:00.250-0030"), Ok(base + 1800));
        assert!(parse_start("2026-13-01T00:00:00Z").is_err());
        assert!(parse_start("2026-02-29T00:00:00Z").is_err());
        assert!(parse_start("2026-11-21").is_err());
        assert!(parse_start("2026-11-21T00:00:00Q").is_err());
        assert_eq!(parse_tz("+0000"), Ok(0));
        assert_eq!(parse_tz("-0800"), Ok(-480));
        assert_eq!(parse_tz("+05:30"), Ok(330));
        assert_eq!(parse_tz("+02"), Ok(120));
        assert_eq!(parse_tz("Z"), Ok(0));
        assert!(parse_tz("0000").is_err());
        assert!(parse_tz("+2400").is_err());
        assert!(parse_tz("+0:000").is_err());
    }
}
