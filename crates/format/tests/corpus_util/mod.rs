//! Helpers shared by the corpus conformance tests (`beats_nginx_apache.rs`,
//! `clf_vectors.rs`, `haproxy_corpus.rs`, `real_logs.rs`): reading `../shared/corpus`, splitting lines with
//! their byte offsets, and turning the corpus's own time notations into UTC microseconds.
//! The date arithmetic here is deliberately naive (a loop over years and months), so it
//! shares no code or method with the parser's.

#![allow(dead_code)]

use std::path::Path;

pub mod rspec;

/// A corpus file's bytes; panics with the path when it is missing.
pub fn read(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A corpus JSON file.
pub fn json(rel: &str) -> serde_json::Value {
    serde_json::from_slice(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Non-empty lines with their byte offsets (filebeat's `log.offset`), without `\r\n`.
pub fn lines(data: &[u8]) -> Vec<(usize, &[u8])> {
    let mut out = Vec::new();
    let mut off = 0;
    for l in data.split(|&b| b == b'\n') {
        let t = l.strip_suffix(b"\r").unwrap_or(l);
        if !t.is_empty() {
            out.push((off, t));
        }
        off += l.len() + 1;
    }
    out
}

pub fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Seconds since the epoch of a UTC civil time, by counting days year by year.
pub fn civil_secs(y: i64, mo: u32, d: u32, h: u32, mi: u32, se: u32) -> i64 {
    assert!(y >= 1970 && (1..=12).contains(&mo) && (1..=31).contains(&d));
    let mut days: i64 = 0;
    for year in 1970..y {
        days += if leap(year) { 366 } else { 365 };
    }
    const LEN: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for m in 1..mo {
        days += LEN[m as usize - 1] + i64::from(m == 2 && leap(y));
    }
    days += i64::from(d) - 1;
    days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(se)
}

fn num(s: &str) -> u32 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

/// RFC 3339 (`2016-12-07T10:05:07.000Z`, `2000-10-10T20:55:36Z`, `...+02:00`) into
/// UTC microseconds.
pub fn rfc3339_us(t: &str) -> i64 {
    let (date, rest) = t.split_once('T').expect("RFC 3339 'T'");
    let d: Vec<&str> = date.split('-').collect();
    let (clock, zone_min) = if let Some(c) = rest.strip_suffix('Z') {
        (c, 0i64)
    } else {
        let i = rest.rfind(['+', '-']).expect("RFC 3339 zone");
        let (c, z) = rest.split_at(i);
        let (zh, zm) = z[1..].split_once(':').expect("zone hh:mm");
        let m = i64::from(num(zh) * 60 + num(zm));
        (c, if z.starts_with('-') { -m } else { m })
    };
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
    let c: Vec<&str> = hms.split(':').collect();
    let secs = civil_secs(
        i64::from(num(d[0])),
        num(d[1]),
        num(d[2]),
        num(c[0]),
        num(c[1]),
        num(c[2]),
    ) - zone_min * 60;
    let micros = if frac.is_empty() {
        0
    } else {
        let mut f = frac.to_string();
        f.truncate(6);
        while f.len() < 6 {
            f.push('0');
        }
        i64::from(num(&f))
    };
    secs * 1_000_000 + micros
}

/// `10/Oct/2000:13:55:36 -0700` (CLF, nginx `$time_local`) into (UTC µs, offset minutes).
pub fn clf_time(t: &str) -> (i64, i16) {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (local, zone) = t.split_once(' ').expect("CLF time and zone");
    let p: Vec<&str> = local.split(['/', ':']).collect();
    let month = MONTHS.iter().position(|m| *m == p[1]).expect("month") as u32 + 1;
    let sign: i64 = if zone.starts_with('-') { -1 } else { 1 };
    let off = sign * i64::from(num(&zone[1..3]) * 60 + num(&zone[3..5]));
    let secs = civil_secs(
        i64::from(num(p[2])),
        month,
        num(p[0]),
        num(p[3]),
        num(p[4]),
        num(p[5]),
    ) - off * 60;
    (secs * 1_000_000, off as i16)
}

/// Undoes `%XX` escapes (the way filebeat decodes `url.query`).
pub fn percent_decode(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = v.get(i + 1..i + 3)
            && let Ok(x) = u8::from_str_radix(h, 16)
        {
            out.push(x);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn time_helpers() {
    // Known epoch values (date -u -d ... +%s).
    assert_eq!(rfc3339_us("1970-01-01T00:00:00Z"), 0);
    assert_eq!(rfc3339_us("2000-10-10T20:55:36Z"), 971_211_336_000_000);
    assert_eq!(
        rfc3339_us("2016-12-07T10:05:07.000Z"),
        1_481_105_107_000_000
    );
    assert_eq!(
        rfc3339_us("2016-12-07T11:05:07.25+01:00"),
        1_481_105_107_250_000
    );
    assert_eq!(
        clf_time("10/Oct/2000:13:55:36 -0700"),
        (971_211_336_000_000, -420)
    );
    assert_eq!(
        clf_time("29/Feb/2016:00:00:00 +0330"),
        (1_456_691_400_000_000, 210)
    );
    assert_eq!(percent_decode("a%7B%22b%22%7D&c"), "a{\"b\"}&c");
}
