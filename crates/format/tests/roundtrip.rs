//! Round trips of every layout: a line written from random field values, the way the
//! server itself writes that layout, parses back to the same values.
//!
//! For each preset of [`Preset::ALL`], for random nginx `log_format` definitions, for
//! Apache `LogFormat`s and for an HAProxy `log-format`, a generator draws the values of
//! one request (IPv6 clients, `-` and empty fields, quotes, backslashes, control bytes and
//! non-ASCII text, query strings, huge counts, status 0 / -1, latencies from 0 to years,
//! dates at month, year and leap-day ends with offsets east and west), a writer renders
//! them with the server's own escaping and number formats, and the parsed [`Record`] must
//! hold the drawn values. Expected times come from this file's own calendar arithmetic;
//! no expected value is computed by axlog.
//!
//! Inputs that axlog once misread are drawn by the loops like any other, and are kept as
//! regression tests near the end. An input on which axlog is found to differ is kept out
//! of the loops (the place says so) and shown by an `#[ignore]`d test named
//! `discrepancy_*` until it is fixed; there is none now.

use axlog_format::logformat::Definition;
use axlog_format::{LineParser, Preset, Record};
use std::fmt::{self, Write as _};

/// Seeds of every round trip, and lines per seed.
const SEEDS: [u64; 4] = [0x5EED, 1, 2, 0xA11CE];
const LINES: usize = 2_000;

// ------------------------------------------------------------------------------------
// Random values
// ------------------------------------------------------------------------------------

/// splitmix64: deterministic, and good enough to draw test values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn upto(&mut self, max: u64) -> u64 {
        match max.checked_add(1) {
            Some(n) => self.below(n),
            None => self.next(),
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }

    /// A number up to `max`: 0, `max`, a digit, or any number of digits equally often.
    fn magnitude(&mut self, max: u64) -> u64 {
        match self.below(8) {
            0 => 0,
            1 => max,
            2 => self.upto(9.min(max)),
            _ => {
                let digits = 1 + self.below(20) as u32;
                let cap = 10u64.checked_pow(digits).map_or(max, |c| (c - 1).min(max));
                self.upto(cap)
            }
        }
    }

    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            xs.swap(i, j);
        }
    }
}

// ------------------------------------------------------------------------------------
// Calendar (independent of axlog's)
// ------------------------------------------------------------------------------------

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn month_len(y: i64, m: u32) -> u32 {
    const LEN: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if m == 2 && is_leap(y) {
        29
    } else {
        LEN[m as usize - 1]
    }
}

fn year_len(y: i64) -> i64 {
    if is_leap(y) { 366 } else { 365 }
}

/// Days from 1970-01-01: whole years with their leap days, whole months, then days.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let leaps_through = |y: i64| y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400);
    let mut days = 365 * (y - 1970) + leaps_through(y - 1) - leaps_through(1969);
    for earlier in 1..m {
        days += month_len(y, earlier) as i64;
    }
    days + d as i64 - 1
}

/// The inverse, by counting 400-year cycles, years and months.
fn civil_from_days(mut days: i64) -> (i64, u32, u32) {
    const CYCLE: i64 = 146_097;
    let mut y = 1970 + 400 * days.div_euclid(CYCLE);
    days = days.rem_euclid(CYCLE);
    while days >= year_len(y) {
        days -= year_len(y);
        y += 1;
    }
    let mut m = 1;
    while days >= month_len(y, m) as i64 {
        days -= month_len(y, m) as i64;
        m += 1;
    }
    (y, m, days as u32 + 1)
}

#[derive(Clone, Copy, Debug)]
struct Civil {
    y: i64,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
}

fn civil_of(secs: i64) -> Civil {
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let r = secs.rem_euclid(86_400) as u32;
    Civil {
        y,
        mo,
        d,
        h: r / 3600,
        mi: r / 60 % 60,
        s: r % 60,
    }
}

/// When a request happened: local wall-clock seconds, the fraction, and the offset the
/// server's zone had.
#[derive(Clone, Copy, Debug)]
struct Stamp {
    local_s: i64,
    nanos: u32,
    off_min: i32,
}

impl Stamp {
    fn local(&self) -> Civil {
        civil_of(self.local_s)
    }

    fn utc_s(&self) -> i64 {
        self.local_s - self.off_min as i64 * 60
    }

    fn utc(&self) -> Civil {
        civil_of(self.utc_s())
    }

    fn ms(&self) -> u32 {
        self.nanos / 1_000_000
    }

    /// The expected `ts_us` of a layout writing whole seconds, milliseconds, microseconds
    /// (or more, truncated).
    fn want_s(&self) -> V {
        V::I(self.utc_s() * 1_000_000)
    }

    fn want_ms(&self) -> V {
        V::I(self.utc_s() * 1_000_000 + self.ms() as i64 * 1000)
    }

    fn want_us(&self) -> V {
        V::I(self.utc_s() * 1_000_000 + (self.nanos / 1000) as i64)
    }

    fn want_off(&self) -> V {
        V::I(self.off_min as i64)
    }
}

fn zone(off: i32, colon: bool) -> String {
    let sign = if off < 0 { '-' } else { '+' };
    let a = off.abs();
    if colon {
        format!("{sign}{:02}:{:02}", a / 60, a % 60)
    } else {
        format!("{sign}{:02}{:02}", a / 60, a % 60)
    }
}

/// nginx `$time_local`, Apache `%t`: `10/Oct/2026:13:55:36 +0200`.
fn time_local(st: &Stamp) -> String {
    let c = st.local();
    format!(
        "{:02}/{}/{}:{:02}:{:02}:{:02} {}",
        c.d,
        MONTHS[c.mo as usize - 1],
        c.y,
        c.h,
        c.mi,
        c.s,
        zone(st.off_min, false)
    )
}

/// nginx `$time_iso8601`: `2026-10-10T13:55:36+02:00`.
fn iso8601(st: &Stamp) -> String {
    let c = st.local();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
        c.y,
        c.mo,
        c.d,
        c.h,
        c.mi,
        c.s,
        zone(st.off_min, true)
    )
}

/// HAProxy's accept date: local time with milliseconds and no zone.
fn haproxy_date(st: &Stamp) -> String {
    let c = st.local();
    format!(
        "{:02}/{}/{}:{:02}:{:02}:{:02}.{:03}",
        c.d,
        MONTHS[c.mo as usize - 1],
        c.y,
        c.h,
        c.mi,
        c.s,
        st.ms()
    )
}

/// Go's `time.RFC3339Nano` (trailing zeros of the fraction dropped, `Z` for UTC).
fn rfc3339_go(c: Civil, nanos: u32, off: i32) -> String {
    let frac = if nanos == 0 {
        String::new()
    } else {
        format!(".{nanos:09}").trim_end_matches('0').to_string()
    };
    let z = if off == 0 {
        "Z".to_string()
    } else {
        zone(off, true)
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{frac}{z}",
        c.y, c.mo, c.d, c.h, c.mi, c.s
    )
}

/// Real offsets, the odd ones included (Nepal +05:45, Chatham +12:45, Marquesas -09:30).
const OFFSETS: [i32; 19] = [
    60, -60, 120, -300, -420, 330, 345, 525, 570, -210, -570, 840, -720, 765, 180, -180, 600, -600,
    780,
];

fn fresh_stamp(rng: &mut Rng, max_year: i64) -> Stamp {
    const YEARS: [i64; 10] = [1970, 1999, 2000, 2024, 2026, 2037, 2038, 2100, 2400, 9998];
    let off = match rng.below(10) {
        0..=2 => 0,
        3..=8 => rng.pick(&OFFSETS),
        _ => rng.below(2 * 1439 + 1) as i32 - 1439,
    };
    let nanos = match rng.below(4) {
        0 => 0,
        1 => 999_999_999,
        _ => rng.below(1_000_000_000) as u32,
    };
    // The last second of a signed 32-bit time_t, and the first after it.
    if rng.chance(2) {
        let utc = 2_147_483_647 + rng.below(2) as i64;
        return Stamp {
            local_s: utc + off as i64 * 60,
            nanos,
            off_min: off,
        };
    }
    let y = loop {
        let y = if rng.chance(50) {
            rng.pick(&YEARS)
        } else {
            1971 + rng.below(300) as i64
        };
        if y <= max_year {
            break y;
        }
    };
    // 1970 starts in February: with an offset east, 1 January would fall before the epoch,
    // which no epoch-seconds writer logs.
    let (mo, d) = if is_leap(y) && rng.chance(10) {
        (2, 29)
    } else {
        let mo = if y == 1970 {
            2 + rng.below(11) as u32
        } else {
            1 + rng.below(12) as u32
        };
        let len = month_len(y, mo);
        let d = match rng.below(6) {
            0 => 1,
            1 | 2 => len,
            _ => 1 + rng.below(len as u64) as u32,
        };
        (mo, d)
    };
    let (h, mi, s) = match rng.below(6) {
        0 => (0, 0, 0),
        1 => (23, 59, 59),
        2 => (23, 59, 55 + rng.below(5) as u32),
        _ => (
            rng.below(24) as u32,
            rng.below(60) as u32,
            rng.below(60) as u32,
        ),
    };
    Stamp {
        local_s: days_from_civil(y, mo, d) * 86_400 + (h * 3600 + mi * 60 + s) as i64,
        nanos,
        off_min: off,
    }
}

/// Times of consecutive lines: often the same second or the next few (as in real logs,
/// which is what the parsers' time caches are for), else anywhere.
struct TimeGen {
    prev: Option<Stamp>,
    max_year: i64,
}

impl TimeGen {
    fn new(max_year: i64) -> Self {
        TimeGen {
            prev: None,
            max_year,
        }
    }

    fn next(&mut self, rng: &mut Rng) -> Stamp {
        let st = match self.prev {
            Some(p) if rng.chance(45) => Stamp {
                local_s: p.local_s + rng.below(3) as i64,
                nanos: rng.below(1_000_000_000) as u32,
                off_min: p.off_min,
            },
            _ => fresh_stamp(rng, self.max_year),
        };
        self.prev = Some(st);
        st
    }
}

// ------------------------------------------------------------------------------------
// Text values
// ------------------------------------------------------------------------------------

/// Which server writes (and so which bytes can reach its log at all).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Srv {
    Nginx,
    Apache,
    Haproxy,
    /// Caddy and Traefik: Go's HTTP server and JSON encoders.
    Go,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Header,
    Uri,
}

/// Pieces of user agents, referers and other header values.
const TEXT_ATOMS: &[&[u8]] = &[
    b"Mozilla/5.0 (X11; Linux x86_64) ",
    b"AppleWebKit/537.36 (KHTML, like Gecko) ",
    b"curl/8.4.0",
    b"Go-http-client/1.1",
    b"\"",
    b"\\",
    b"\\\"",
    b"\\x41",
    b"\\x22",
    b"\\n",
    b" ",
    b"  ",
    b"-",
    b"'",
    b"caf\xc3\xa9",
    "日本語 ".as_bytes(),
    "😀".as_bytes(),
    "\u{2028}".as_bytes(),
    b"\t",
    b"\n",
    b"\r",
    b"\x01",
    b"\x08",
    b"\x0b",
    b"\x0c",
    b"\x1b[0m",
    b"\x7f",
    b"\xff\xfe",
    b"{a|b}",
    b"#23",
    b"%22",
    b"<b>&amp;</b>",
    b"[x]",
    b"\\u0041",
    b"=",
    b",",
    b";",
    b":",
    b"?",
    b"/",
];

/// User names, with spaces and `[` (which neither nginx nor Apache escapes); the empty
/// name is drawn apart (see `gen_w`).
const USER_ATOMS: &[&[u8]] = &[
    b"alice",
    b"bob@example.com",
    b"caf\xc3\xa9",
    b"\"q\"",
    b"back\\slash",
    b"DOMAIN\\user",
    b"x-y_z",
    b"\x01",
    "日本".as_bytes(),
    b"-",
    b"al ice",
    b"a[b]",
    b" ",
    b"[",
];

/// Path segments.
const SEGMENTS: &[&[u8]] = &[
    b"api",
    b"v1",
    b"users",
    b"8812",
    b"index.html",
    b"caf\xc3\xa9",
    "日本".as_bytes(),
    b"%20",
    b"a b",
    b"\"q\"",
    b"back\\slash",
    b"x.php",
    b"..",
    b"",
    b"~user",
    b"\xff",
    b"{id}",
    b"a:b",
    b"@",
    b"+",
    b"#",
    b"\t",
    b"\\x41",
    b"&",
    b"<>",
    b";jsessionid=1",
];

/// Query string parameters.
const QUERY_ATOMS: &[&[u8]] = &[
    b"a=1",
    b"b=two%20words",
    b"q=\"x\"",
    b"x=\\",
    b"empty=",
    b"?",
    b"caf\xc3\xa9=1",
    b"%3F",
    b"=",
    b"a+b",
    b"redirect=/x?y=1",
    b"k=v w",
    b"<&>",
    b"\x02",
];

/// Whether `srv` can log `atom` in `ctx` at all: Go's server rejects control bytes, and
/// spaces in a target; HAProxy rejects spaces in a target; nothing carries CR or LF in a
/// header. Encoders of JSON strings get valid UTF-8 (Go replaces the rest).
fn allowed(srv: Srv, ctx: Ctx, a: &[u8]) -> bool {
    let ctl = a.iter().any(|&b| b < 0x20 || b == 0x7f);
    let space = a.contains(&b' ');
    match (srv, ctx) {
        (Srv::Go, Ctx::Uri) => std::str::from_utf8(a).is_ok() && !ctl && !space,
        (Srv::Go, Ctx::Header) => {
            std::str::from_utf8(a).is_ok()
                && !a.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
        }
        (Srv::Haproxy, Ctx::Uri) => !space,
        (Srv::Haproxy, Ctx::Header) => !a.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)),
        _ => true,
    }
}

fn draw(rng: &mut Rng, srv: Srv, ctx: Ctx, atoms: &[&[u8]], n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < n {
        let a = rng.pick(atoms);
        if allowed(srv, ctx, a) {
            out.extend_from_slice(a);
            k += 1;
        }
    }
    out
}

/// A header value: absent, present and empty, or text.
fn header(rng: &mut Rng, srv: Srv) -> Option<Vec<u8>> {
    match rng.below(20) {
        0..=2 => None,
        3 => Some(Vec::new()),
        _ => {
            let n = 1 + rng.below(5) as usize;
            let mut v = if rng.chance(30) {
                b"https://shop.example.com/cart?from=".to_vec()
            } else {
                Vec::new()
            };
            v.extend(draw(rng, srv, Ctx::Header, TEXT_ATOMS, n));
            Some(v)
        }
    }
}

#[derive(Clone, Debug)]
struct Req {
    method: &'static str,
    target: Vec<u8>,
    proto: Option<&'static str>,
}

impl Req {
    fn line(&self) -> Vec<u8> {
        let mut l = self.method.as_bytes().to_vec();
        l.push(b' ');
        l.extend_from_slice(&self.target);
        if let Some(p) = self.proto {
            l.push(b' ');
            l.extend_from_slice(p.as_bytes());
        }
        l
    }

    fn path(&self) -> &[u8] {
        match self.target.iter().position(|&b| b == b'?') {
            Some(q) => &self.target[..q],
            None => &self.target,
        }
    }

    fn query(&self) -> Option<&[u8]> {
        let q = self.target.iter().position(|&b| b == b'?')?;
        Some(&self.target[q + 1..])
    }

    /// Whether the target names a resource: a path, an absolute URL or `*` (not
    /// CONNECT's `host:port`).
    fn has_path(&self) -> bool {
        self.target.starts_with(b"/") || self.target.starts_with(b"http://") || self.target == b"*"
    }

    /// The path a report counts for this request line.
    fn counted_path(&self) -> Option<Bs> {
        self.has_path().then(|| Bs(self.path().to_vec()))
    }
}

fn gen_req(rng: &mut Rng, srv: Srv) -> Req {
    let method = rng.pick(&[
        "GET", "GET", "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "PROPFIND",
        "CONNECT",
    ]);
    let target = match method {
        "CONNECT" => b"example.com:443".to_vec(),
        "OPTIONS" if rng.chance(50) => b"*".to_vec(),
        _ => {
            let mut t = if rng.chance(10) {
                b"http://example.com".to_vec()
            } else {
                Vec::new()
            };
            for _ in 0..1 + rng.below(4) {
                t.push(b'/');
                t.extend(draw(rng, srv, Ctx::Uri, SEGMENTS, 1));
            }
            if rng.chance(40) {
                t.push(b'?');
                for k in 0..rng.below(4) {
                    if k > 0 {
                        t.push(b'&');
                    }
                    t.extend(draw(rng, srv, Ctx::Uri, QUERY_ATOMS, 1));
                }
            }
            t
        }
    };
    // HTTP/0.9 requests have no protocol; only nginx and Apache still answer them.
    let proto = if matches!(srv, Srv::Nginx | Srv::Apache) && rng.chance(3) {
        None
    } else {
        Some(rng.pick(&["HTTP/1.0", "HTTP/1.1", "HTTP/1.1", "HTTP/2.0", "HTTP/3.0"]))
    };
    Req {
        method,
        target,
        proto,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ClientKind {
    V4,
    V6,
    Unix,
}

#[derive(Clone, Debug)]
struct Client {
    ip: String,
    port: u16,
    kind: ClientKind,
}

fn gen_client(rng: &mut Rng, unix_ok: bool, v6_ok: bool) -> Client {
    let port = match rng.below(4) {
        0 => 1,
        1 => 65535,
        _ => 1024 + rng.below(64_000) as u16,
    };
    let v4 = |rng: &mut Rng| match rng.below(6) {
        0 => "0.0.0.0".to_string(),
        1 => "255.255.255.255".to_string(),
        2 => "127.0.0.1".to_string(),
        _ => format!(
            "{}.{}.{}.{}",
            rng.below(256),
            rng.below(256),
            rng.below(256),
            rng.below(256)
        ),
    };
    let (ip, kind) = match rng.below(10) {
        6..=8 if v6_ok => {
            let ip = match rng.below(7) {
                0 => "::1".to_string(),
                1 => "::".to_string(),
                2 => "2001:db8::1".to_string(),
                3 => "fe80::1ff:fe23:4567:890a".to_string(),
                4 => "::ffff:192.0.2.128".to_string(),
                5 => (0..8)
                    .map(|_| format!("{:x}", rng.below(65536)))
                    .collect::<Vec<_>>()
                    .join(":"),
                _ => format!("2001:db8:{:x}::{:x}", rng.below(65536), rng.below(65536)),
            };
            (ip, ClientKind::V6)
        }
        9 if unix_ok => (String::new(), ClientKind::Unix),
        _ => (v4(rng), ClientKind::V4),
    };
    Client { ip, port, kind }
}

/// One upstream attempt of nginx.
#[derive(Clone, Debug)]
struct Attempt {
    addr: &'static str,
    status: Option<u16>,
    len: u64,
    resp_ms: Option<u64>,
    connect_ms: Option<u64>,
    header_ms: Option<u64>,
}

const STATUSES: [u16; 16] = [
    200, 200, 200, 204, 206, 301, 302, 304, 400, 401, 403, 404, 444, 499, 502, 503,
];

/// nginx's upstream attempts: groups of servers tried in turn (`, `), one group per
/// internal redirect (` : `); none when the request never went upstream.
fn gen_ups(rng: &mut Rng) -> Vec<Vec<Attempt>> {
    if rng.chance(25) {
        return Vec::new();
    }
    let ms = |rng: &mut Rng| {
        if rng.chance(10) {
            None
        } else {
            Some(rng.magnitude(100_000_000))
        }
    };
    let groups = if rng.chance(15) { 2 } else { 1 };
    (0..groups)
        .map(|_| {
            (0..rng.pick(&[1, 1, 1, 2, 3]))
                .map(|_| Attempt {
                    addr: rng.pick(&[
                        "10.0.0.1:8080",
                        "[2001:db8::5]:80",
                        "unix:/run/app.sock",
                        "127.0.0.1:9000",
                        "api_backend",
                    ]),
                    status: if rng.chance(10) {
                        None
                    } else {
                        Some(rng.pick(&STATUSES))
                    },
                    len: rng.magnitude(1 << 40),
                    resp_ms: ms(rng),
                    connect_ms: ms(rng),
                    header_ms: ms(rng),
                })
                .collect()
        })
        .collect()
}

/// Everything one request can put into any layout's line.
#[derive(Clone, Debug)]
struct W {
    st: Stamp,
    client: Client,
    /// Apache `%h` with `HostnameLookups On`.
    rdns: Option<&'static str>,
    user: Option<Vec<u8>>,
    /// `None`: no request line (a timeout or a TLS handshake on a plain port).
    req: Option<Req>,
    /// 0: none (nginx `000`, Apache `-`, HAProxy `-1`).
    status: u16,
    body: u64,
    resp: u64,
    req_len: u64,
    referer: Option<Vec<u8>>,
    ua: Option<Vec<u8>>,
    xff: Option<Vec<u8>>,
    custom: Option<Vec<u8>>,
    cookie: Option<Vec<u8>>,
    dur_ns: u64,
    ups: Vec<Vec<Attempt>>,
    host: &'static str,
    port: u16,
    https: bool,
    conn: u64,
    cache: Option<&'static str>,
    tls: Option<(&'static str, &'static str)>,
    pipe: bool,
    req_id: String,
    pun: &'static str,
    alt: &'static str,
}

fn gen_w(rng: &mut Rng, tg: &mut TimeGen, srv: Srv, need_req: bool) -> W {
    let st = tg.next(rng);
    let client = gen_client(rng, matches!(srv, Srv::Nginx | Srv::Haproxy), true);
    let rdns = (srv == Srv::Apache && rng.chance(10)).then_some("crawl-66-249-66-1.googlebot.com");
    let user = match rng.below(10) {
        0..=6 => None,
        // An empty user name (`Authorization: Basic Og==`): nginx writes it as it is,
        // Apache as `""`.
        7 if matches!(srv, Srv::Nginx | Srv::Apache) => Some(Vec::new()),
        _ => {
            let n = 1 + rng.below(2) as usize;
            Some(draw(rng, srv, Ctx::Header, USER_ATOMS, n))
        }
    };
    let req = if !need_req && srv != Srv::Go && rng.chance(4) {
        None
    } else {
        let mut r = gen_req(rng, srv);
        // Layouts with the method or protocol on their own: a full request.
        if need_req && r.proto.is_none() {
            r.proto = Some("HTTP/1.1");
        }
        Some(r)
    };
    let status = if rng.chance(4) {
        0
    } else {
        rng.pick(&STATUSES)
    };
    let dur_ns = match rng.below(6) {
        0 => 0,
        1 => rng.below(1_000_000),
        2 => rng.below(1_000_000_000),
        3 => rng.below(100_000_000_000),
        4 => rng.below(1_000_000_000_000_000),
        _ => rng.magnitude(1_000_000_000_000_000_000),
    };
    W {
        st,
        client,
        rdns,
        user,
        req,
        status,
        body: rng.magnitude(i64::MAX as u64),
        resp: rng.magnitude(i64::MAX as u64),
        req_len: rng.magnitude(i64::MAX as u64),
        referer: header(rng, srv),
        ua: header(rng, srv),
        xff: match rng.below(6) {
            0 => None,
            1 => Some(b"203.0.113.5, 10.0.0.1".to_vec()),
            2 => Some(b"2001:db8::7, 10.0.0.2".to_vec()),
            _ => header(rng, srv),
        },
        custom: header(rng, srv),
        cookie: header(rng, srv),
        dur_ns,
        ups: gen_ups(rng),
        host: {
            let hosts = [
                "example.com",
                "shop.example.com",
                "localhost",
                "xn--caf-dma.example",
                "10.0.0.1",
                "[2001:db8::1]",
            ];
            rng.pick(&hosts)
        },
        port: rng.pick(&[80, 443, 8080, 1, 65535]),
        https: rng.chance(50),
        conn: rng.magnitude(u64::MAX),
        cache: rng
            .chance(50)
            .then(|| rng.pick(&["HIT", "MISS", "EXPIRED", "BYPASS"])),
        tls: rng.chance(50).then(|| {
            rng.pick(&[
                ("TLSv1.3", "TLS_AES_256_GCM_SHA384"),
                ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"),
            ])
        }),
        pipe: rng.chance(10),
        req_id: format!("{:016x}{:016x}", rng.next(), rng.next()),
        pun: rng.pick(&[
            "default-web2-8080",
            "-",
            "upstream-default-backend",
            "kube-system-dashboard-443",
        ]),
        alt: rng.pick(&["", "", "default-canary-80"]),
    }
}

// ------------------------------------------------------------------------------------
// Expected values and what a record holds
// ------------------------------------------------------------------------------------

/// Bytes, shown escaped.
#[derive(Clone, PartialEq, Eq)]
struct Bs(Vec<u8>);

impl fmt::Debug for Bs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.0.escape_ascii())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Parts {
    method: Bs,
    target: Bs,
    proto: Option<Bs>,
    path: Bs,
    query: Option<Bs>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum V {
    I(i64),
    U(Option<u64>),
    B(Bs),
    OB(Option<Bs>),
    L(Vec<Option<u64>>),
    Parts(Option<Parts>),
    Bool(bool),
    NoHaproxy,
}

/// A record field, read as the engine reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum F {
    Ts,
    Offset,
    Addr,
    User,
    Request,
    /// `Record::request_parts`: method, target, protocol, path and query.
    Parts,
    /// `Record::path`.
    Path,
    Method,
    Uri,
    Protocol,
    Query,
    Status,
    Bytes,
    RespBytes,
    ReqLen,
    Referer,
    Ua,
    Host,
    Port,
    Scheme,
    Xff,
    UpAddr,
    UpStatus,
    UpLen,
    UpConnect,
    UpHeader,
    Cache,
    TlsProto,
    TlsCipher,
    Conn,
    ReqTime,
    UpTime,
    /// `Record::upstream_attempts_us`.
    UpAttempts,
    Extra(usize),
    ExtrasLen,
    Ha(H),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum H {
    Host,
    Port,
    Fe,
    Be,
    Srv,
    Tr,
    Tw,
    Tc,
    Tresp,
    Ta,
    Term,
    Act,
    FeConn,
    BeConn,
    SrvConn,
    Retries,
    Sq,
    Bq,
    ReqHdr,
    RespHdr,
    Tcp,
}

type Want = Vec<(F, V)>;

fn vb(x: impl AsRef<[u8]>) -> V {
    V::B(Bs(x.as_ref().to_vec()))
}

/// What `f` holds in `r`; text decoded with the record's own escaping.
fn get(f: F, r: &Record) -> V {
    let t = |x: &[u8]| Bs(r.escaping.decode(x).into_owned());
    match f {
        F::Ts => V::I(r.ts_us),
        F::Offset => V::I(r.utc_offset_min.into()),
        F::Addr => V::B(t(r.remote_addr)),
        F::User => V::B(t(r.remote_user)),
        F::Request => V::B(t(r.request)),
        F::Parts => V::Parts(r.request_parts().map(|p| Parts {
            method: t(p.method),
            target: t(p.target),
            proto: p.protocol.map(t),
            path: t(p.path()),
            query: p.query().map(t),
        })),
        F::Path => V::OB(r.path().map(t)),
        F::Method => V::B(t(r.method)),
        F::Uri => V::B(t(r.uri)),
        F::Protocol => V::B(t(r.protocol)),
        F::Query => V::B(t(r.query)),
        F::Status => V::I(r.status.into()),
        F::Bytes => V::U(r.bytes_sent),
        F::RespBytes => V::U(r.response_bytes),
        F::ReqLen => V::U(r.request_length),
        F::Referer => V::B(t(r.referer)),
        F::Ua => V::B(t(r.user_agent)),
        F::Host => V::B(t(r.host)),
        F::Port => V::U(r.server_port.map(u64::from)),
        F::Scheme => V::B(t(r.scheme)),
        F::Xff => V::B(t(r.x_forwarded_for)),
        F::UpAddr => V::B(t(r.upstream_addr)),
        F::UpStatus => V::B(t(r.upstream_status)),
        F::UpLen => V::B(t(r.upstream_response_length)),
        F::UpConnect => V::U(r.upstream_connect_us),
        F::UpHeader => V::U(r.upstream_header_us),
        F::Cache => V::B(t(r.cache_status)),
        F::TlsProto => V::B(t(r.tls_protocol)),
        F::TlsCipher => V::B(t(r.tls_cipher)),
        F::Conn => V::U(r.connection),
        F::ReqTime => V::U(r.request_time_us),
        F::UpTime => V::U(r.upstream_time_us),
        F::UpAttempts => V::L(r.upstream_attempts_us().collect()),
        F::Extra(k) => V::B(t(r.extras[k])),
        F::ExtrasLen => V::I(r.extras_len.into()),
        F::Ha(h) => {
            let Some(x) = r.haproxy else {
                return V::NoHaproxy;
            };
            let n = |v: Option<u32>| V::U(v.map(u64::from));
            match h {
                H::Host => V::B(t(x.syslog_host)),
                H::Port => V::U(x.client_port.map(u64::from)),
                H::Fe => V::B(t(x.frontend)),
                H::Be => V::B(t(x.backend)),
                H::Srv => V::B(t(x.server)),
                H::Tr => V::U(x.tr_us),
                H::Tw => V::U(x.tw_us),
                H::Tc => V::U(x.tc_us),
                H::Tresp => V::U(x.tresp_us),
                H::Ta => V::U(x.ta_us),
                H::Term => V::B(t(x.termination_state)),
                H::Act => n(x.actconn),
                H::FeConn => n(x.feconn),
                H::BeConn => n(x.beconn),
                H::SrvConn => n(x.srv_conn),
                H::Retries => n(x.retries),
                H::Sq => n(x.srv_queue),
                H::Bq => n(x.backend_queue),
                H::ReqHdr => V::B(t(x.captured_request_headers)),
                H::RespHdr => V::B(t(x.captured_response_headers)),
                H::Tcp => V::Bool(x.tcp),
            }
        }
    }
}

/// A line and what its record must hold.
struct Case {
    line: Vec<u8>,
    want: Want,
    /// The zone HAProxy's accept dates are read in (they carry none).
    tz: Option<i16>,
}

/// Parses every case into one reused record (as the engine does) and checks each
/// expected field, and that the reused record equals a fresh parse of the line.
fn check(what: &str, parser: &mut LineParser, cases: &[Case]) {
    let mut report: Vec<String> = Vec::new();
    let mut failed = 0;
    let mut rec = Record::default();
    let mut tz = None;
    for (i, c) in cases.iter().enumerate() {
        if let Some(z) = c.tz
            && tz != Some(z)
        {
            parser.set_tz(z);
            tz = Some(z);
        }
        let mut bad: Vec<String> = Vec::new();
        match parser.parse_into(&c.line, &mut rec) {
            Err(e) => bad.push(format!("parse error {e:?}")),
            Ok(()) => {
                for (f, want) in &c.want {
                    let got = get(*f, &rec);
                    if got != *want {
                        bad.push(format!("{f:?}: want {want:?}, got {got:?}"));
                    }
                }
                match parser.parse(&c.line) {
                    Ok(fresh) if fresh == rec => {}
                    other => bad.push(format!(
                        "the reused record differs from a fresh parse ({:?})",
                        other.map(|_| "parsed")
                    )),
                }
            }
        }
        if !bad.is_empty() {
            failed += 1;
            if report.len() < 60 {
                report.push(format!("line {i}: {}", c.line.escape_ascii()));
                report.extend(bad.into_iter().map(|b| format!("    {b}")));
            }
        }
    }
    assert!(
        failed == 0,
        "{what}: {failed} of {} lines do not round-trip\n{}",
        cases.len(),
        report.join("\n")
    );
}

/// Collects a line and its expectations.
#[derive(Default)]
struct Out {
    line: Vec<u8>,
    want: Want,
    extras: usize,
}

impl Out {
    fn put(&mut self, b: impl AsRef<[u8]>) {
        self.line.extend_from_slice(b.as_ref());
    }

    /// Expects `v` in `f`; a field written twice holds the last value.
    fn w(&mut self, f: F, v: V) {
        self.want.retain(|(g, _)| *g != f);
        self.want.push((f, v));
    }

    /// A variable kept in `Record::extras`, in the layout's order.
    fn extra(&mut self, v: impl AsRef<[u8]>) {
        self.want.push((F::Extra(self.extras), vb(v)));
        self.extras += 1;
    }
}

fn parts_of(req: Option<&Req>) -> V {
    // A request line without a protocol is split only when its target is a path.
    let req = req.filter(|r| r.proto.is_some() || r.has_path());
    V::Parts(req.map(|r| Parts {
        method: Bs(r.method.as_bytes().to_vec()),
        target: Bs(r.target.clone()),
        proto: r.proto.map(|p| Bs(p.as_bytes().to_vec())),
        path: Bs(r.path().to_vec()),
        query: r.query().map(|q| Bs(q.to_vec())),
    }))
}

/// `%T.%03M`: seconds with three decimals, as nginx writes every time.
fn secs_ms(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// µs of a non-negative decimal from a float formatter, truncated as a reader keeping
/// microseconds does: `1646861401.5241024` is 1646861401524102.
fn dec_us(s: &str) -> i64 {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut us: i64 = int.parse::<i64>().expect("integer part") * 1_000_000;
    let mut scale = 100_000;
    for c in frac.bytes().take(6) {
        us += (c - b'0') as i64 * scale;
        scale /= 10;
    }
    us
}

// ------------------------------------------------------------------------------------
// Escapes, as each server writes them
// ------------------------------------------------------------------------------------

/// nginx `escape=default`: `"`, `\`, bytes below 32 and above 126 as `\xHH`.
fn nginx_esc(v: &[u8]) -> Vec<u8> {
    let mut o = Vec::with_capacity(v.len());
    for &b in v {
        if b < 0x20 || b == b'"' || b == b'\\' || b >= 0x7f {
            o.extend_from_slice(format!("\\x{b:02X}").as_bytes());
        } else {
            o.push(b);
        }
    }
    o
}

/// nginx `escape=json`: `"` and `\` with a backslash, control bytes as `\n` ... or
/// `\u00XX`; bytes from 0x7f on as they are.
fn nginx_json_esc(v: &[u8]) -> Vec<u8> {
    let mut o = Vec::with_capacity(v.len());
    for &b in v {
        match b {
            b'"' | b'\\' => o.extend_from_slice(&[b'\\', b]),
            b'\n' => o.extend_from_slice(b"\\n"),
            b'\r' => o.extend_from_slice(b"\\r"),
            b'\t' => o.extend_from_slice(b"\\t"),
            0x08 => o.extend_from_slice(b"\\b"),
            0x0c => o.extend_from_slice(b"\\f"),
            b if b < 0x20 => {
                o.extend_from_slice(format!("\\u00{:X}{:X}", b >> 4, b & 0xf).as_bytes())
            }
            b => o.push(b),
        }
    }
    o
}

/// Apache's `ap_escape_logitem`: `\"`, `\\`, `\b \n \r \t \v`, other control bytes and
/// bytes from 0x7f on as `\xhh`.
fn apache_esc(v: &[u8]) -> Vec<u8> {
    let mut o = Vec::with_capacity(v.len());
    for &b in v {
        match b {
            b'"' | b'\\' => o.extend_from_slice(&[b'\\', b]),
            0x08 => o.extend_from_slice(b"\\b"),
            b'\n' => o.extend_from_slice(b"\\n"),
            b'\r' => o.extend_from_slice(b"\\r"),
            b'\t' => o.extend_from_slice(b"\\t"),
            0x0b => o.extend_from_slice(b"\\v"),
            b if !(0x20..0x7f).contains(&b) => {
                o.extend_from_slice(format!("\\x{b:02x}").as_bytes())
            }
            b => o.push(b),
        }
    }
    o
}

/// Apache `%U`: `ap_escape_uri`, percent-encoding all but `[A-Za-z0-9]` and
/// `$-_.+!*'(),:@&=/~`.
fn apache_uri_esc(v: &[u8]) -> Vec<u8> {
    let mut o = Vec::with_capacity(v.len());
    for &b in v {
        if b.is_ascii_alphanumeric() || b"$-_.+!*'(),:@&=/~".contains(&b) {
            o.push(b);
        } else {
            o.extend_from_slice(format!("%{b:02x}").as_bytes());
        }
    }
    o
}

/// HAProxy's `#XX` encoding: control bytes, bytes from 127 on, and `extra`.
fn haproxy_esc(v: &[u8], extra: &[u8]) -> Vec<u8> {
    let mut o = Vec::with_capacity(v.len());
    for &b in v {
        if !(0x20..0x7f).contains(&b) || extra.contains(&b) {
            o.extend_from_slice(format!("#{b:02X}").as_bytes());
        } else {
            o.push(b);
        }
    }
    o
}

/// The request line and URI map: `"` and `#`.
fn ha_url(v: &[u8]) -> Vec<u8> {
    haproxy_esc(v, b"\"#")
}

/// Captured headers: `"`, `#`, `{`, `|`, `}`.
fn ha_hdr(v: &[u8]) -> Vec<u8> {
    haproxy_esc(v, b"\"#{|}")
}

/// A JSON string as Go writes it: zap (Caddy) escapes `"`, `\` and control characters
/// (`\n`, `\r`, `\t`, else `\u00xx`); `encoding/json` (Traefik, through logrus) also
/// writes `\b`, `\f` (Go 1.22 on), `<`, `>`, `&`, U+2028 and U+2029 as escapes.
fn go_json(v: &[u8], encoding_json: bool) -> String {
    let s = std::str::from_utf8(v).expect("Go writers are given UTF-8");
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            '\u{8}' if encoding_json => o.push_str("\\b"),
            '\u{c}' if encoding_json => o.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' if encoding_json => {
                write!(o, "\\u{:04x}", c as u32).unwrap()
            }
            c if (c as u32) < 0x20 => write!(o, "\\u{:04x}", c as u32).unwrap(),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

// ------------------------------------------------------------------------------------
// nginx log_format
// ------------------------------------------------------------------------------------

enum Item {
    Lit(Vec<u8>),
    Var(String),
}

/// A `log_format` string split into literal text and `$name` / `${name}` variables.
fn nginx_items(def: &str) -> Vec<Item> {
    let b = def.as_bytes();
    let mut items = Vec::new();
    let mut lit = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            lit.push(b[i]);
            i += 1;
            continue;
        }
        if !lit.is_empty() {
            items.push(Item::Lit(std::mem::take(&mut lit)));
        }
        let (name, next) = if b.get(i + 1) == Some(&b'{') {
            let close = i + 2 + def[i + 2..].find('}').expect("closing brace");
            (&def[i + 2..close], close + 1)
        } else {
            let len = b[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            (&def[i + 1..i + 1 + len], i + 1 + len)
        };
        items.push(Item::Var(name.to_string()));
        i = next;
    }
    if !lit.is_empty() {
        items.push(Item::Lit(lit));
    }
    items
}

fn flat(ups: &[Vec<Attempt>]) -> impl Iterator<Item = &Attempt> {
    ups.iter().flatten()
}

/// An upstream variable as nginx writes it: `, ` between servers of a group, ` : `
/// between groups, `-` without upstream.
fn ups_list(ups: &[Vec<Attempt>], f: impl Fn(&Attempt) -> String) -> String {
    if ups.is_empty() {
        return "-".to_string();
    }
    ups.iter()
        .map(|g| g.iter().map(&f).collect::<Vec<_>>().join(", "))
        .collect::<Vec<_>>()
        .join(" : ")
}

fn ups_time(v: Option<u64>) -> String {
    v.map_or("-".to_string(), secs_ms)
}

fn ups_sum(ups: &[Vec<Attempt>], f: impl Fn(&Attempt) -> Option<u64>) -> V {
    let times: Vec<u64> = flat(ups).filter_map(f).collect();
    V::U((!times.is_empty()).then(|| times.iter().sum::<u64>() * 1000))
}

/// What `$var` in escape=default writes, and what the record must hold for it.
fn nginx_var(name: &str, w: &W, names: &[&str], o: &mut Out) {
    let has = |n: &str| names.contains(&n);
    let req = || w.req.as_ref().expect("this layout is drawn with a request");
    let opt = |o: &mut Out, v: &Option<Vec<u8>>, f: Option<F>| {
        let (written, value) = match v {
            None => (b"-".to_vec(), b"-".to_vec()),
            Some(v) => (nginx_esc(v), v.clone()),
        };
        o.put(written);
        match f {
            Some(f) => o.w(f, vb(value)),
            None => o.extra(value),
        }
    };
    match name {
        "remote_addr" => {
            let a = match w.client.kind {
                ClientKind::Unix => "unix:".to_string(),
                _ => w.client.ip.clone(),
            };
            o.put(&a);
            o.w(F::Addr, vb(a));
        }
        "remote_user" => opt(o, &w.user, Some(F::User)),
        "time_local" => {
            o.put(time_local(&w.st));
            o.w(F::Ts, w.st.want_s());
            o.w(F::Offset, w.st.want_off());
        }
        "time_iso8601" => {
            o.put(iso8601(&w.st));
            o.w(F::Ts, w.st.want_s());
            o.w(F::Offset, w.st.want_off());
        }
        "msec" => {
            o.put(format!("{}.{:03}", w.st.utc_s(), w.st.ms()));
            o.w(F::Ts, w.st.want_ms());
            o.w(F::Offset, V::I(0));
        }
        "request" => {
            match &w.req {
                Some(r) => {
                    o.put(nginx_esc(&r.line()));
                    o.w(F::Request, vb(r.line()));
                }
                None => {
                    o.put("-");
                    o.w(F::Request, vb("-"));
                }
            }
            o.w(F::Parts, parts_of(w.req.as_ref()));
        }
        "request_method" => {
            o.put(req().method);
            o.w(F::Method, vb(req().method));
        }
        "request_uri" => {
            o.put(nginx_esc(&req().target));
            o.w(F::Uri, vb(&req().target));
        }
        "uri" => {
            o.put(nginx_esc(req().path()));
            // With $request_uri in the layout, $uri is kept by name.
            if has("request_uri") {
                o.extra(req().path());
            } else {
                o.w(F::Uri, vb(req().path()));
            }
        }
        "args" => match req().query() {
            Some(q) => {
                o.put(nginx_esc(q));
                o.w(F::Query, vb(q));
            }
            None => {
                o.put("-");
                o.w(F::Query, vb("-"));
            }
        },
        "server_protocol" => {
            let p = req().proto.expect("a protocol");
            o.put(p);
            o.w(F::Protocol, vb(p));
        }
        "status" => {
            o.put(format!("{:03}", w.status));
            o.w(F::Status, V::I(w.status.into()));
        }
        "body_bytes_sent" => {
            o.put(w.body.to_string());
            o.w(F::Bytes, V::U(Some(w.body)));
        }
        "bytes_sent" => {
            o.put(w.resp.to_string());
            o.w(F::RespBytes, V::U(Some(w.resp)));
            // Without $body_bytes_sent it is also the request's bytes.
            if !has("body_bytes_sent") {
                o.w(F::Bytes, V::U(Some(w.resp)));
            }
        }
        "request_length" => {
            o.put(w.req_len.to_string());
            o.w(F::ReqLen, V::U(Some(w.req_len)));
        }
        "http_referer" => opt(o, &w.referer, Some(F::Referer)),
        "http_user_agent" => opt(o, &w.ua, Some(F::Ua)),
        "http_x_forwarded_for" => opt(o, &w.xff, Some(F::Xff)),
        "http_x_custom" => opt(o, &w.custom, None),
        "cookie_sid" => opt(o, &w.cookie, None),
        "request_time" => {
            let ms = w.dur_ns / 1_000_000;
            o.put(secs_ms(ms));
            o.w(F::ReqTime, V::U(Some(ms * 1000)));
        }
        "upstream_response_time" => {
            o.put(ups_list(&w.ups, |a| ups_time(a.resp_ms)));
            o.w(F::UpTime, ups_sum(&w.ups, |a| a.resp_ms));
            // `-` alone (no upstream) reads as one attempt without a time.
            let attempts: Vec<Option<u64>> = if w.ups.is_empty() {
                vec![None]
            } else {
                flat(&w.ups).map(|a| a.resp_ms.map(|m| m * 1000)).collect()
            };
            o.w(F::UpAttempts, V::L(attempts));
        }
        "upstream_connect_time" => {
            o.put(ups_list(&w.ups, |a| ups_time(a.connect_ms)));
            o.w(F::UpConnect, ups_sum(&w.ups, |a| a.connect_ms));
        }
        "upstream_header_time" => {
            o.put(ups_list(&w.ups, |a| ups_time(a.header_ms)));
            o.w(F::UpHeader, ups_sum(&w.ups, |a| a.header_ms));
        }
        "upstream_addr" => {
            let l = ups_list(&w.ups, |a| a.addr.to_string());
            o.put(&l);
            o.w(F::UpAddr, vb(l));
        }
        "upstream_status" => {
            let l = ups_list(&w.ups, |a| a.status.map_or("-".into(), |s| s.to_string()));
            o.put(&l);
            o.w(F::UpStatus, vb(l));
        }
        "upstream_response_length" => {
            let l = ups_list(&w.ups, |a| a.len.to_string());
            o.put(&l);
            o.w(F::UpLen, vb(l));
        }
        "host" | "server_name" | "http_host" => {
            o.put(w.host);
            o.w(F::Host, vb(w.host));
        }
        "server_port" => {
            o.put(w.port.to_string());
            o.w(F::Port, V::U(Some(w.port.into())));
        }
        "scheme" => {
            let s = if w.https { "https" } else { "http" };
            o.put(s);
            o.w(F::Scheme, vb(s));
        }
        "connection" => {
            o.put(w.conn.to_string());
            o.w(F::Conn, V::U(Some(w.conn)));
        }
        "upstream_cache_status" => {
            let c = w.cache.unwrap_or("-");
            o.put(c);
            o.w(F::Cache, vb(c));
        }
        "ssl_protocol" => {
            let v = w.tls.map_or("-", |t| t.0);
            o.put(v);
            o.w(F::TlsProto, vb(v));
        }
        "ssl_cipher" => {
            let v = w.tls.map_or("-", |t| t.1);
            o.put(v);
            o.w(F::TlsCipher, vb(v));
        }
        "pipe" => {
            let v = if w.pipe { "p" } else { "." };
            o.put(v);
            o.extra(v);
        }
        "request_id" | "req_id" => {
            o.put(&w.req_id);
            o.extra(&w.req_id);
        }
        "proxy_upstream_name" => {
            o.put(w.pun);
            o.extra(w.pun);
        }
        "proxy_alternative_upstream_name" => {
            o.put(w.alt);
            o.extra(w.alt);
        }
        other => panic!("the writer has no value for ${other}"),
    }
}

/// A line of an nginx `log_format` (escape=default) and what its record must hold.
fn nginx_line(items: &[Item], w: &W) -> Out {
    let names: Vec<&str> = items
        .iter()
        .filter_map(|i| match i {
            Item::Var(n) => Some(n.as_str()),
            Item::Lit(_) => None,
        })
        .collect();
    let mut o = Out::default();
    for item in items {
        match item {
            Item::Lit(l) => o.put(l),
            Item::Var(n) => nginx_var(n, w, &names, &mut o),
        }
    }
    if names.contains(&"request") {
        o.w(F::Path, V::OB(w.req.as_ref().and_then(Req::counted_path)));
    } else if names.contains(&"request_uri") || names.contains(&"uri") {
        let r = w.req.as_ref().expect("a request");
        o.w(F::Path, V::OB(Some(Bs(r.path().to_vec()))));
    }
    let extras = o.extras;
    o.w(F::ExtrasLen, V::I(extras as i64));
    o
}

/// After a list and a space, a value that starts with `: ` is the list's next group to
/// any reader: nginx writes `a : b` alike for a list of two groups and for the list `a`
/// followed by `: b`. No header value starts so in random definitions (a value starting
/// with `:` alone, an IPv6 client like `::1`, is drawn).
fn no_colon_space_start(w: &mut W) {
    for v in [
        &mut w.referer,
        &mut w.ua,
        &mut w.xff,
        &mut w.custom,
        &mut w.cookie,
    ]
    .into_iter()
    .flatten()
    {
        if v.starts_with(b": ") {
            v.insert(0, b'x');
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Token,
    List,
    Free,
}

/// Variables a random definition draws from: tokens (no spaces), lists (`, ` and ` : `
/// inside) and free text (anything, so quoted or followed by a tab, which nginx escapes).
const NGINX_POOL: &[(&str, Kind)] = &[
    ("remote_addr", Kind::Token),
    ("status", Kind::Token),
    ("body_bytes_sent", Kind::Token),
    ("bytes_sent", Kind::Token),
    ("request_length", Kind::Token),
    ("request_time", Kind::Token),
    ("server_port", Kind::Token),
    ("scheme", Kind::Token),
    ("connection", Kind::Token),
    ("upstream_cache_status", Kind::Token),
    ("ssl_protocol", Kind::Token),
    ("ssl_cipher", Kind::Token),
    ("request_method", Kind::Token),
    ("server_protocol", Kind::Token),
    ("host", Kind::Token),
    ("pipe", Kind::Token),
    ("request_id", Kind::Token),
    ("upstream_addr", Kind::List),
    ("upstream_status", Kind::List),
    ("upstream_response_length", Kind::List),
    ("upstream_response_time", Kind::List),
    ("upstream_connect_time", Kind::List),
    ("upstream_header_time", Kind::List),
    ("remote_user", Kind::Free),
    ("request", Kind::Free),
    ("request_uri", Kind::Free),
    ("uri", Kind::Free),
    ("args", Kind::Free),
    ("http_referer", Kind::Free),
    ("http_user_agent", Kind::Free),
    ("http_x_forwarded_for", Kind::Free),
    ("http_x_custom", Kind::Free),
    ("cookie_sid", Kind::Free),
];

/// A random `log_format`: one time variable (unless it extends `combined`) and 5-12
/// others in random order, with literal separators no value of the variable before can
/// contain.
fn gen_nginx_def(rng: &mut Rng, after_combined: bool) -> String {
    let mut pool: Vec<(&str, Kind)> = NGINX_POOL.to_vec();
    rng.shuffle(&mut pool);
    let mut vars: Vec<(&str, Kind)> = pool[..5 + rng.below(8) as usize].to_vec();
    let mut def = String::new();
    if after_combined {
        def.push_str(Preset::NginxCombined.definition());
    } else {
        let t = rng.pick(&["time_local", "time_iso8601", "msec"]);
        let at = rng.below(vars.len() as u64 + 1) as usize;
        vars.insert(at, (t, Kind::Token));
        def.push_str(rng.pick(&["", "[", "ts="]));
    }
    let quoting: Vec<bool> = (0..vars.len())
        .map(|k| {
            vars[k].1 == Kind::Free && (k + 1 < vars.len() || rng.chance(50)) && rng.chance(75)
        })
        .collect();
    let mut prev: Option<(Kind, bool)> = None;
    for (k, &(name, kind)) in vars.iter().enumerate() {
        let quoted = quoting[k];
        let sep = match prev {
            None if after_combined => " ",
            None => "",
            // A free value unquoted: nginx escapes tabs inside it.
            Some((Kind::Free, false)) => "\t",
            Some((Kind::List, _)) => rng.pick(&[" ", " | ", "\t", ";"]),
            Some(_) => rng.pick(&[" ", " | ", "\t", ";", " - ", ", ", "|"]),
        };
        def.push_str(sep);
        let var = if rng.chance(20) {
            format!("${{{name}}}")
        } else {
            format!("${name}")
        };
        if quoted {
            write!(def, "\"{var}\"").unwrap();
        } else {
            def.push_str(&var);
        }
        prev = Some((kind, quoted));
    }
    match prev {
        // An unquoted free value ends the line: whatever follows it is the suffix.
        Some((Kind::Free, false)) => def.push_str(rng.pick(&["", " ;", "]"])),
        _ => def.push_str(rng.pick(&["", "]", " end"])),
    }
    def
}

// ------------------------------------------------------------------------------------
// Apache LogFormat
// ------------------------------------------------------------------------------------

enum ATok {
    Lit(Vec<u8>),
    Dir { arg: Option<String>, d: u8 },
}

/// A `LogFormat` string (quotes already unescaped) split into text and `%` directives.
fn apache_tokens(def: &str) -> Vec<ATok> {
    let b = def.as_bytes();
    let mut out = Vec::new();
    let mut lit = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            lit.push(b[i]);
            i += 1;
            continue;
        }
        i += 1;
        while matches!(b[i], b'<' | b'>' | b'!' | b',' | b'0'..=b'9') {
            i += 1;
        }
        let arg = if b[i] == b'{' {
            let close = i + def[i..].find('}').expect("closing brace");
            let a = def[i + 1..close].to_string();
            i = close + 1;
            Some(a)
        } else {
            None
        };
        if !lit.is_empty() {
            out.push(ATok::Lit(std::mem::take(&mut lit)));
        }
        out.push(ATok::Dir { arg, d: b[i] });
        i += 1;
    }
    if !lit.is_empty() {
        out.push(ATok::Lit(lit));
    }
    out
}

/// A line of an Apache `LogFormat` and what its record must hold.
fn apache_line(toks: &[ATok], w: &W) -> Out {
    let has_b = toks
        .iter()
        .any(|t| matches!(t, ATok::Dir { d: b'b' | b'B', .. }));
    let has_r = toks.iter().any(|t| matches!(t, ATok::Dir { d: b'r', .. }));
    let req = || w.req.as_ref().expect("this layout is drawn with a request");
    let header = |o: &mut Out, v: &Option<Vec<u8>>, f: F| match v {
        None => {
            o.put("-");
            o.w(f, vb("-"));
        }
        Some(v) => {
            o.put(apache_esc(v));
            o.w(f, vb(v));
        }
    };
    let mut o = Out::default();
    for t in toks {
        let (arg, d) = match t {
            ATok::Lit(l) => {
                o.put(l);
                continue;
            }
            ATok::Dir { arg, d } => (arg.as_deref(), *d),
        };
        let us = w.dur_ns / 1000;
        match (d, arg) {
            (b'h' | b'a', _) => {
                let a = match (d, w.rdns) {
                    (b'h', Some(name)) => name.to_string(),
                    _ => w.client.ip.clone(),
                };
                o.put(&a);
                o.w(F::Addr, vb(a));
            }
            (b'l', _) => {
                o.put("-");
                o.extra("-");
            }
            (b'u', _) => match &w.user {
                None => {
                    o.put("-");
                    o.w(F::User, vb("-"));
                }
                Some(u) if u.is_empty() => {
                    o.put("\"\"");
                    o.w(F::User, vb("\"\""));
                }
                Some(u) => {
                    o.put(apache_esc(u));
                    o.w(F::User, vb(u));
                }
            },
            (b't', None) => {
                o.put(format!("[{}]", time_local(&w.st)));
                o.w(F::Ts, w.st.want_s());
                o.w(F::Offset, w.st.want_off());
            }
            (b'r', _) => {
                match &w.req {
                    Some(r) => {
                        o.put(apache_esc(&r.line()));
                        o.w(F::Request, vb(r.line()));
                    }
                    None => {
                        o.put("-");
                        o.w(F::Request, vb("-"));
                    }
                }
                o.w(F::Parts, parts_of(w.req.as_ref()));
                o.w(F::Path, V::OB(w.req.as_ref().and_then(Req::counted_path)));
            }
            (b's', _) => {
                if w.status == 0 {
                    o.put("-");
                } else {
                    o.put(w.status.to_string());
                }
                o.w(F::Status, V::I(w.status.into()));
            }
            (b'b', _) => {
                if w.body == 0 {
                    o.put("-");
                    o.w(F::Bytes, V::U(None));
                } else {
                    o.put(w.body.to_string());
                    o.w(F::Bytes, V::U(Some(w.body)));
                }
            }
            (b'O', _) => {
                o.put(w.resp.to_string());
                o.w(F::RespBytes, V::U(Some(w.resp)));
                if !has_b {
                    o.w(F::Bytes, V::U(Some(w.resp)));
                }
            }
            (b'I', _) => {
                o.put(w.req_len.to_string());
                o.w(F::ReqLen, V::U(Some(w.req_len)));
            }
            (b'D', _) | (b'T', Some("us")) => {
                o.put(us.to_string());
                o.w(F::ReqTime, V::U(Some(us)));
            }
            (b'T', None | Some("s")) => {
                o.put((us / 1_000_000).to_string());
                o.w(F::ReqTime, V::U(Some(us / 1_000_000 * 1_000_000)));
            }
            (b'T', Some("ms")) => {
                o.put((us / 1000).to_string());
                o.w(F::ReqTime, V::U(Some(us / 1000 * 1000)));
            }
            (b'v', _) => {
                o.put(apache_esc(w.host.as_bytes()));
                o.w(F::Host, vb(w.host));
            }
            (b'p', _) => {
                o.put(w.port.to_string());
                o.w(F::Port, V::U(Some(w.port.into())));
            }
            (b'H', _) => {
                let p = req().proto.expect("a protocol");
                o.put(p);
                o.w(F::Protocol, vb(p));
            }
            (b'm', _) => {
                o.put(req().method);
                o.w(F::Method, vb(req().method));
            }
            (b'U', _) => {
                let u = apache_uri_esc(req().path());
                o.put(&u);
                o.w(F::Uri, vb(u));
                if !has_r {
                    o.w(F::Path, V::OB(Some(Bs(apache_uri_esc(req().path())))));
                }
            }
            (b'q', _) => match req().query() {
                Some(q) => {
                    o.put("?");
                    o.put(apache_esc(q));
                    o.w(F::Query, vb([b"?", q].concat()));
                }
                None => o.w(F::Query, vb("")),
            },
            (b'i', Some("Referer")) => header(&mut o, &w.referer, F::Referer),
            (b'i', Some("User-Agent")) => header(&mut o, &w.ua, F::Ua),
            (b'i', Some("X-Forwarded-For")) => header(&mut o, &w.xff, F::Xff),
            (b'x', Some("SSL_PROTOCOL")) => {
                let v = w.tls.map_or("-", |t| t.0);
                o.put(v);
                o.w(F::TlsProto, vb(v));
            }
            // Environment variables (Traefik's request count, router and server URL in
            // its CLF): kept by name.
            (b'e', Some(name)) => {
                let v = format!("{name}@{}", w.conn);
                o.put(&v);
                o.extra(v);
            }
            (d, a) => panic!("the writer has no value for %{a:?}{}", d as char),
        }
    }
    let extras = o.extras;
    o.w(F::ExtrasLen, V::I(extras as i64));
    o
}

// ------------------------------------------------------------------------------------
// HAProxy
// ------------------------------------------------------------------------------------

/// HAProxy's own values of a request.
struct Ha {
    fe: &'static str,
    be: &'static str,
    srv: &'static str,
    /// TR, Tw, Tc, Tr, Ta in ms; -1 when the step was not reached (never Ta).
    t: [i64; 5],
    /// Th (handshake) and the bytes uploaded, of `tcplog clf`.
    th: i64,
    uploaded: u64,
    /// `option logasap`: `+` before Ta and the byte count.
    logasap: bool,
    term: String,
    conns: [u32; 4],
    retries: u32,
    redispatched: bool,
    queues: [u32; 2],
    cc: &'static str,
    cs: &'static str,
    req_hdrs: Option<Vec<Vec<u8>>>,
    resp_hdrs: Option<Vec<Vec<u8>>>,
    uid: String,
    sni: &'static str,
}

fn gen_ha(rng: &mut Rng) -> Ha {
    let timer = |rng: &mut Rng| {
        if rng.chance(20) {
            -1
        } else {
            rng.magnitude(10_000_000_000) as i64
        }
    };
    let hdrs = |rng: &mut Rng| -> Vec<Vec<u8>> {
        (0..1 + rng.below(3))
            .map(|_| {
                if rng.chance(20) {
                    Vec::new()
                } else {
                    let n = 1 + rng.below(4) as usize;
                    draw(rng, Srv::Haproxy, Ctx::Header, TEXT_ATOMS, n)
                }
            })
            .collect()
    };
    let pick_char = |rng: &mut Rng, set: &[u8]| set[rng.below(set.len() as u64) as usize] as char;
    let term: String = [
        pick_char(rng, b"CSPLRIDUKcs-"),
        pick_char(rng, b"RQCHDLT-"),
        pick_char(rng, b"NIDVEOUPR-"),
        pick_char(rng, b"NIDVEOUPR-"),
    ]
    .iter()
    .collect();
    // Request captures, request and response captures, or none (a response block alone
    // cannot be told from a request block, as the parser documents).
    let caps = rng.below(3);
    let small = |rng: &mut Rng| rng.magnitude(100_000) as u32;
    Ha {
        fe: rng.pick(&["http-in", "fe~", "public_ssl~", "www", "api-gw"]),
        be: rng.pick(&["static", "be_app", "api", "fe"]),
        srv: rng.pick(&["srv1", "<NOSRV>", "srv:1", "app-02", "web.3"]),
        t: [
            timer(rng),
            timer(rng),
            timer(rng),
            timer(rng),
            rng.magnitude(10_000_000_000) as i64,
        ],
        th: timer(rng),
        uploaded: rng.magnitude(i64::MAX as u64),
        logasap: rng.chance(10),
        term,
        conns: [small(rng), small(rng), small(rng), small(rng)],
        retries: rng.below(4) as u32,
        redispatched: rng.chance(10),
        queues: [small(rng), small(rng)],
        cc: rng.pick(&["-", "SERVERID=s1"]),
        cs: rng.pick(&["-", "SERVERID=s2"]),
        req_hdrs: (caps >= 1).then(|| hdrs(rng)),
        resp_hdrs: (caps == 2).then(|| hdrs(rng)),
        uid: format!(
            "{:08X}:{:04X}_{:08X}",
            rng.next() as u32,
            rng.below(65536),
            rng.next() as u32
        ),
        sni: rng.pick(&["-", "shop.example.com"]),
    }
}

enum HaTok {
    Sep,
    Text(Vec<u8>),
    Var(String, bool),
}

/// A `log-format` string split into separators (runs of spaces), text and `%` variables
/// (`%{+Q}` quotes one).
fn ha_tokens(def: &str) -> Vec<HaTok> {
    let b = def.as_bytes();
    let mut out = Vec::new();
    let mut text = Vec::new();
    let mut i = 0;
    let flush = |text: &mut Vec<u8>, out: &mut Vec<HaTok>| {
        if !text.is_empty() {
            out.push(HaTok::Text(std::mem::take(text)));
        }
    };
    while i < b.len() {
        match b[i] {
            b' ' => {
                flush(&mut text, &mut out);
                while b.get(i) == Some(&b' ') {
                    i += 1;
                }
                out.push(HaTok::Sep);
            }
            b'\\' => {
                text.push(b[i + 1]);
                i += 2;
            }
            b'%' => {
                flush(&mut text, &mut out);
                i += 1;
                let mut quoted = false;
                if b[i] == b'{' {
                    let close = i + def[i..].find('}').expect("closing brace");
                    quoted = def[i + 1..close].split(',').any(|f| f == "+Q");
                    i = close + 1;
                }
                let len = if b[i] == b'[' {
                    def[i..].find(']').expect("closing bracket") + 1
                } else {
                    b[i..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                        .count()
                };
                out.push(HaTok::Var(def[i..i + len].to_string(), quoted));
                i += len;
            }
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    flush(&mut text, &mut out);
    out
}

/// HAProxy's `option httplog` (2.x): `%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B
/// %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r`.
const HTTPLOG: &str = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r";
/// `option httpslog` (2.5+).
const HTTPSLOG: &str = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc";
/// `option tcplog`.
const TCPLOG: &str = "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq";

/// What one HAProxy variable writes (`None`: nothing, like `%hr` without captures), and
/// what the record must hold. `compiled`: the record comes from a compiled `log-format`,
/// which keeps unknown variables in `extras`; else from HAProxy's own parser.
fn ha_var(name: &str, w: &W, ha: &Ha, compiled: bool, o: &mut Out) -> Option<Vec<u8>> {
    let timer = |v: i64| {
        if v < 0 {
            "-1".to_string()
        } else {
            v.to_string()
        }
    };
    let us = |v: i64| V::U((v >= 0).then(|| v as u64 * 1000));
    let plus = if ha.logasap { "+" } else { "" };
    // A capture block as written (`#XX` escapes, `|` between headers), and as the
    // record's block reads decoded (the values joined by `|`).
    let block = |h: &Option<Vec<Vec<u8>>>| {
        h.as_ref().map(|vals| {
            let written = vals.iter().map(|v| ha_hdr(v)).collect::<Vec<_>>();
            (written.join(&b'|'), vals.join(&b'|'))
        })
    };
    let req = || w.req.as_ref().expect("this layout is drawn with a request");
    let kept = |o: &mut Out, v: &str| {
        if compiled {
            o.extra(v);
        }
        v.as_bytes().to_vec()
    };
    let v: Vec<u8> = match name {
        "ci" => {
            let a = match w.client.kind {
                ClientKind::Unix => "unix".to_string(),
                _ => w.client.ip.clone(),
            };
            o.w(F::Addr, vb(&a));
            a.into_bytes()
        }
        "cp" => match w.client.kind {
            // A UNIX socket's listener id stands where the port goes.
            ClientKind::Unix => {
                o.w(F::Ha(H::Port), V::U(None));
                b"1".to_vec()
            }
            _ => {
                o.w(F::Ha(H::Port), V::U(Some(w.client.port.into())));
                w.client.port.to_string().into_bytes()
            }
        },
        "t" | "tr" => {
            o.w(F::Ts, w.st.want_ms());
            o.w(F::Offset, w.st.want_off());
            haproxy_date(&w.st).into_bytes()
        }
        "ft" => {
            o.w(F::Ha(H::Fe), vb(ha.fe));
            ha.fe.into()
        }
        "b" => {
            o.w(F::Ha(H::Be), vb(ha.be));
            ha.be.into()
        }
        "s" => {
            o.w(F::Ha(H::Srv), vb(ha.srv));
            ha.srv.into()
        }
        "TR" => {
            o.w(F::Ha(H::Tr), us(ha.t[0]));
            timer(ha.t[0]).into_bytes()
        }
        "Tw" => {
            o.w(F::Ha(H::Tw), us(ha.t[1]));
            timer(ha.t[1]).into_bytes()
        }
        "Tc" => {
            o.w(F::Ha(H::Tc), us(ha.t[2]));
            timer(ha.t[2]).into_bytes()
        }
        "Tr" => {
            o.w(F::Ha(H::Tresp), us(ha.t[3]));
            o.w(F::UpTime, us(ha.t[3]));
            timer(ha.t[3]).into_bytes()
        }
        "Ta" | "Tt" => {
            o.w(F::Ha(H::Ta), us(ha.t[4]));
            o.w(F::ReqTime, us(ha.t[4]));
            format!("{plus}{}", ha.t[4]).into_bytes()
        }
        "ST" => {
            o.w(F::Status, V::I(w.status.into()));
            if w.status == 0 {
                b"-1".to_vec()
            } else {
                w.status.to_string().into_bytes()
            }
        }
        "B" => {
            o.w(F::Bytes, V::U(Some(w.body)));
            format!("{plus}{}", w.body).into_bytes()
        }
        "CC" => kept(o, ha.cc),
        "CS" => kept(o, ha.cs),
        "tsc" => {
            o.w(F::Ha(H::Term), vb(&ha.term));
            ha.term.clone().into_bytes()
        }
        "ts" => {
            o.w(F::Ha(H::Term), vb(&ha.term[..2]));
            ha.term[..2].into()
        }
        "ac" | "fc" | "bc" | "sc" => {
            let (k, h) = match name {
                "ac" => (0, H::Act),
                "fc" => (1, H::FeConn),
                "bc" => (2, H::BeConn),
                _ => (3, H::SrvConn),
            };
            o.w(F::Ha(h), V::U(Some(ha.conns[k].into())));
            ha.conns[k].to_string().into_bytes()
        }
        "rc" => {
            o.w(F::Ha(H::Retries), V::U(Some(ha.retries.into())));
            let p = if ha.redispatched { "+" } else { "" };
            format!("{p}{}", ha.retries).into_bytes()
        }
        "sq" | "bq" => {
            let (k, h) = if name == "sq" { (0, H::Sq) } else { (1, H::Bq) };
            o.w(F::Ha(h), V::U(Some(ha.queues[k].into())));
            ha.queues[k].to_string().into_bytes()
        }
        "hr" | "hs" => {
            let (b, h) = if name == "hr" {
                (block(&ha.req_hdrs), H::ReqHdr)
            } else {
                (block(&ha.resp_hdrs), H::RespHdr)
            };
            let (written, value) = b.unzip();
            o.w(F::Ha(h), vb(value.unwrap_or_default()));
            [b"{".as_slice(), &written?, b"}"].concat()
        }
        "r" => {
            let (written, value) = match &w.req {
                Some(r) => (ha_url(&r.line()), r.line()),
                None => (b"<BADREQ>".to_vec(), b"<BADREQ>".to_vec()),
            };
            o.w(F::Request, vb(value));
            o.w(F::Parts, parts_of(w.req.as_ref()));
            o.w(F::Path, V::OB(w.req.as_ref().and_then(Req::counted_path)));
            written
        }
        "HM" => {
            o.w(F::Method, vb(req().method));
            req().method.into()
        }
        "HU" => {
            o.w(F::Uri, vb(&req().target));
            ha_url(&req().target)
        }
        "HV" => {
            let p = req().proto.expect("a protocol");
            o.w(F::Protocol, vb(p));
            p.into()
        }
        "ID" => kept(o, &ha.uid),
        "[ssl_fc_sni]" => kept(o, ha.sni),
        "[fc_err]"
        | "[ssl_fc_err,hex]"
        | "[ssl_c_err]"
        | "[ssl_c_ca_err]"
        | "[ssl_fc_is_resumed]" => kept(o, "0"),
        "sslv" => kept(o, "TLSv1.3"),
        "sslc" => kept(o, "TLS_AES_256_GCM_SHA384"),
        other => panic!("the writer has no value for %{other}"),
    };
    Some(v)
}

/// A message of an HAProxy `log-format`, as HAProxy builds it: a separator is written
/// only after a field that wrote something.
fn ha_line(def: &str, w: &W, ha: &Ha, compiled: bool) -> Out {
    let mut o = Out::default();
    let mut last_space = true;
    for tok in ha_tokens(def) {
        match tok {
            HaTok::Sep => {
                if !last_space {
                    o.put(" ");
                    last_space = true;
                }
            }
            HaTok::Text(t) => {
                o.put(t);
                last_space = false;
            }
            HaTok::Var(name, quoted) => {
                let Some(v) = ha_var(&name, w, ha, compiled, &mut o) else {
                    continue;
                };
                if quoted {
                    o.put("\"");
                }
                o.put(v);
                if quoted {
                    o.put("\"");
                }
                last_space = false;
            }
        }
    }
    o
}

/// HAProxy's native layouts: what the record holds besides the fields.
fn ha_native_tail(o: &mut Out, tcp: bool) {
    o.w(F::Ha(H::Tcp), V::Bool(tcp));
    o.w(F::ExtrasLen, V::I(0));
    if tcp {
        o.w(F::Status, V::I(0));
        o.w(F::Request, vb(""));
        o.w(F::Parts, V::Parts(None));
        o.w(F::UpTime, V::U(None));
        o.w(F::Ha(H::Tr), V::U(None));
        o.w(F::Ha(H::Tresp), V::U(None));
        o.w(F::Ha(H::ReqHdr), vb(""));
        o.w(F::Ha(H::RespHdr), vb(""));
    }
}

/// `option httplog clf` / `option tcplog clf`, with the accept date and its zone (`%Tl`).
fn ha_clf(w: &W, ha: &Ha, tcp: bool) -> Out {
    let mut o = Out::default();
    let (client, cp, port) = match w.client.kind {
        ClientKind::Unix => ("unix".to_string(), "1".to_string(), None),
        _ => (
            w.client.ip.clone(),
            w.client.port.to_string(),
            Some(w.client.port as u64),
        ),
    };
    let timer = |v: i64| {
        if v < 0 {
            "-1".to_string()
        } else {
            v.to_string()
        }
    };
    let us = |v: i64| V::U((v >= 0).then(|| v as u64 * 1000));
    let plus = if ha.logasap { "+" } else { "" };
    let c = w.st.local();
    let date = format!(
        "{:02}/{}/{}:{:02}:{:02}:{:02} {}",
        c.d,
        MONTHS[c.mo as usize - 1],
        c.y,
        c.h,
        c.mi,
        c.s,
        zone(w.st.off_min, false)
    );
    let [tr, tw, tc, tresp, ta] = ha.t;
    let [ac, fc, bc, sc] = ha.conns;
    let [sq, bq] = ha.queues;
    let rc = format!("{}{}", if ha.redispatched { "+" } else { "" }, ha.retries);
    let (fe, be, srv, ms) = (ha.fe, ha.be, ha.srv, w.st.ms());
    if tcp {
        let term = &ha.term[..2];
        o.put(format!(
            "{client} - - [{date}] \"TCP \" 000 {plus}{} \"\" \"\" {cp} {ms:03} \"{fe}\" \"{be}\" \"{srv}\" {} {} {} {plus}{ta} {} {term}-- {ac} {fc} {bc} {sc} {rc} {sq} {bq} \"\" \"\"",
            w.body,
            timer(ha.th),
            timer(tw),
            timer(tc),
            ha.uploaded
        ));
        o.w(F::Ha(H::Term), vb(term));
        o.w(F::Ha(H::Tw), us(tw));
        o.w(F::Ha(H::Tc), us(tc));
    } else {
        let (r, value) = match &w.req {
            Some(r) => (ha_url(&r.line()), r.line()),
            None => (b"<BADREQ>".to_vec(), b"<BADREQ>".to_vec()),
        };
        let st = if w.status == 0 {
            "-1".to_string()
        } else {
            w.status.to_string()
        };
        o.put(format!("{client} - - [{date}] \""));
        o.put(&r);
        o.put(format!(
            "\" {st} {plus}{} \"\" \"\" {cp} {ms:03} \"{fe}\" \"{be}\" \"{srv}\" {} {} {} {} {plus}{ta} {} {ac} {fc} {bc} {sc} {rc} {sq} {bq} \"{}\" \"{}\"",
            w.body,
            timer(tr),
            timer(tw),
            timer(tc),
            timer(tresp),
            ha.term,
            ha.cc,
            ha.cs
        ));
        for h in ha.req_hdrs.iter().chain(&ha.resp_hdrs).flatten() {
            o.put(" \"");
            o.put(ha_hdr(h));
            o.put("\"");
        }
        o.w(F::Status, V::I(w.status.into()));
        o.w(F::Request, vb(value));
        o.w(F::Parts, parts_of(w.req.as_ref()));
        o.w(F::Ha(H::Term), vb(&ha.term));
        o.w(F::Ha(H::Tr), us(tr));
        o.w(F::Ha(H::Tw), us(tw));
        o.w(F::Ha(H::Tc), us(tc));
        o.w(F::Ha(H::Tresp), us(tresp));
        o.w(F::UpTime, us(tresp));
        // CLF's captures are not kept: request and response ones cannot be told apart.
        o.w(F::Ha(H::ReqHdr), vb(""));
        o.w(F::Ha(H::RespHdr), vb(""));
    }
    o.w(F::Ts, w.st.want_ms());
    o.w(F::Offset, w.st.want_off());
    o.w(F::Addr, vb(&client));
    o.w(F::Ha(H::Port), V::U(port));
    o.w(F::Bytes, V::U(Some(w.body)));
    o.w(F::Ha(H::Fe), vb(fe));
    o.w(F::Ha(H::Be), vb(be));
    o.w(F::Ha(H::Srv), vb(srv));
    o.w(F::Ha(H::Ta), us(ta));
    o.w(F::ReqTime, us(ta));
    for (h, v) in [
        (H::Act, ac),
        (H::FeConn, fc),
        (H::BeConn, bc),
        (H::SrvConn, sc),
        (H::Retries, ha.retries),
        (H::Sq, sq),
        (H::Bq, bq),
    ] {
        o.w(F::Ha(h), V::U(Some(v.into())));
    }
    ha_native_tail(&mut o, tcp);
    o
}

/// A syslog header HAProxy (or the syslog daemon writing the file) puts before the
/// message, and the host the record must name.
fn syslog_prefix(rng: &mut Rng, st: &Stamp) -> (String, &'static str) {
    let host = rng.pick(&["lb1", "lb1.example.com", "10.0.0.5", "localhost"]);
    let pri = rng.pick(&[134, 6, 190]);
    let pid = 1 + rng.below(99_999);
    let c = st.local();
    let d3164 = format!(
        "{} {:>2} {:02}:{:02}:{:02}",
        MONTHS[c.mo as usize - 1],
        c.d,
        c.h,
        c.mi,
        c.s
    );
    let iso = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}{}",
        c.y,
        c.mo,
        c.d,
        c.h,
        c.mi,
        c.s,
        st.nanos / 1000,
        zone(st.off_min, true)
    );
    match rng.below(8) {
        0 => (String::new(), ""),
        1 => (format!("<{pri}>{d3164} {host} haproxy[{pid}]: "), host),
        2 => (format!("{d3164} {host} haproxy[{pid}]: "), host),
        3 => (format!("<{pri}>{d3164} haproxy[{pid}]: "), ""),
        4 => (format!("<{pri}>1 {iso} {host} haproxy {pid} - - "), host),
        5 => (
            format!("<{pri}>1 {iso} - haproxy {pid} - [timeQuality tzKnown=\"1\" isSynced=\"1\"] "),
            "",
        ),
        6 => (format!("{iso} {host} haproxy[{pid}]: "), host),
        _ => (format!("<{pri}>{iso} "), ""),
    }
}

// ------------------------------------------------------------------------------------
// The presets
// ------------------------------------------------------------------------------------

fn haproxy_case(rng: &mut Rng, tg: &mut TimeGen) -> Case {
    let w = gen_w(rng, tg, Srv::Haproxy, false);
    let ha = gen_ha(rng);
    let (prefix, host) = syslog_prefix(rng, &w.st);
    let mut o = match rng.below(10) {
        0..=5 => {
            let mut o = ha_line(HTTPLOG, &w, &ha, false);
            ha_native_tail(&mut o, false);
            o
        }
        6 => {
            let mut o = ha_line(HTTPSLOG, &w, &ha, false);
            ha_native_tail(&mut o, false);
            o
        }
        7 => {
            let mut o = ha_line(TCPLOG, &w, &ha, false);
            ha_native_tail(&mut o, true);
            o
        }
        k => ha_clf(&w, &ha, k == 9),
    };
    o.w(F::Ha(H::Host), vb(host));
    Case {
        line: [prefix.as_bytes(), &o.line].concat(),
        want: o.want,
        tz: Some(w.st.off_min as i16),
    }
}

/// Caddy's `http.log.access` entry (zap's JSON encoder: `ts` and `duration` in float
/// seconds, header values in arrays, headers in map order).
fn caddy_case(rng: &mut Rng, tg: &mut TimeGen) -> Case {
    let w = gen_w(rng, tg, Srv::Go, true);
    let req = w.req.as_ref().expect("a request");
    let mut o = Out::default();
    let ns = w.st.utc_s() * 1_000_000_000 + w.st.nanos as i64;
    let ts = format!("{}", ns as f64 / 1e9);
    assert!((dec_us(&ts) - ns / 1000).abs() <= 4, "{ts} is {ns} ns");
    let dur = format!("{}", w.dur_ns as f64 / 1e9);
    o.w(F::Ts, V::I(dec_us(&ts)));
    o.w(F::Offset, V::I(0));
    let z = |v: &[u8]| go_json(v, false);
    // Caddy 2.7 on logs the client IP after trusted proxies too, and it wins.
    let remote = w.client.ip.clone();
    let client_ip = rng.chance(70).then(|| {
        if rng.chance(30) {
            "203.0.113.9".to_string()
        } else {
            remote.clone()
        }
    });
    o.w(F::Addr, vb(client_ip.as_ref().unwrap_or(&remote)));
    let mut headers: Vec<String> = vec![
        "\"Accept\":[\"*/*\"]".into(),
        "\"Accept-Encoding\":[\"gzip, deflate, br\"]".into(),
    ];
    for (name, v, f) in [
        ("User-Agent", &w.ua, F::Ua),
        ("Referer", &w.referer, F::Referer),
    ] {
        if let Some(v) = v {
            let mut vals = vec![z(v)];
            if rng.chance(10) {
                vals.push(z(b"second value"));
            }
            headers.push(format!("\"{name}\":[{}]", vals.join(",")));
        }
        o.w(f, vb(v.as_deref().unwrap_or_default()));
    }
    rng.shuffle(&mut headers);
    let mut r = format!(
        "{{\"remote_ip\":{},\"remote_port\":\"{}\",",
        z(remote.as_bytes()),
        w.client.port
    );
    if let Some(c) = &client_ip {
        write!(r, "\"client_ip\":{},", z(c.as_bytes())).unwrap();
    }
    write!(
        r,
        "\"proto\":{},\"method\":{},\"host\":{},\"uri\":{},\"headers\":{{{}}}",
        z(req.proto.unwrap_or("HTTP/1.1").as_bytes()),
        z(req.method.as_bytes()),
        z(w.host.as_bytes()),
        z(&req.target),
        headers.join(",")
    )
    .unwrap();
    if w.https {
        r.push_str(",\"tls\":{\"resumed\":false,\"version\":772,\"cipher_suite\":4865,\"proto\":\"h2\",\"server_name\":\"example.com\"}");
    }
    r.push('}');
    let line = format!(
        "{{\"level\":\"info\",\"ts\":{ts},\"logger\":\"http.log.access.log0\",\"msg\":\"handled request\",\"request\":{r},\"bytes_read\":{},\"user_id\":{},\"duration\":{dur},\"size\":{},\"status\":{},\"resp_headers\":{{\"Server\":[\"Caddy\"],\"Content-Type\":[\"text/html; charset=utf-8\"]}}}}",
        w.req_len,
        z(w.user.as_deref().unwrap_or_default()),
        w.body,
        w.status
    );
    o.w(F::Method, vb(req.method));
    o.w(F::Uri, vb(&req.target));
    o.w(F::Request, vb(""));
    o.w(F::Path, V::OB(Some(Bs(req.path().to_vec()))));
    o.w(F::Status, V::I(w.status.into()));
    o.w(F::Bytes, V::U(Some(w.body)));
    o.w(F::ReqTime, V::U(Some(dec_us(&dur) as u64)));
    Case {
        line: line.into_bytes(),
        want: o.want,
        tz: None,
    }
}

/// Traefik's JSON access log (logrus: keys sorted, `encoding/json` escapes; durations in
/// nanoseconds; `StartUTC` in RFC 3339 with nanoseconds).
fn traefik_case(rng: &mut Rng, tg: &mut TimeGen) -> Case {
    let w = gen_w(rng, tg, Srv::Go, true);
    let req = w.req.as_ref().expect("a request");
    let j = |v: &[u8]| go_json(v, true);
    let mut o = Out::default();
    let origin_ns = if w.ups.is_empty() {
        0
    } else {
        w.dur_ns / (1 + rng.below(4))
    };
    let client_addr = match w.client.kind {
        ClientKind::V6 => format!("[{}]:{}", w.client.ip, w.client.port),
        _ => format!("{}:{}", w.client.ip, w.client.port),
    };
    let user = w.user.clone().unwrap_or_else(|| b"-".to_vec());
    let mut kv: Vec<(String, String)> = vec![
        ("ClientAddr".into(), j(client_addr.as_bytes())),
        ("ClientHost".into(), j(w.client.ip.as_bytes())),
        ("ClientPort".into(), j(w.client.port.to_string().as_bytes())),
        ("ClientUsername".into(), j(&user)),
        ("DownstreamContentSize".into(), w.body.to_string()),
        ("DownstreamStatus".into(), w.status.to_string()),
        ("Duration".into(), w.dur_ns.to_string()),
        ("OriginContentSize".into(), w.resp.to_string()),
        ("OriginDuration".into(), origin_ns.to_string()),
        // Traefik writes 0 when no backend was reached.
        (
            "OriginStatus".into(),
            if w.ups.is_empty() { 0 } else { w.status }.to_string(),
        ),
        ("Overhead".into(), (w.dur_ns - origin_ns).to_string()),
        ("RequestAddr".into(), j(w.host.as_bytes())),
        ("RequestContentSize".into(), w.req_len.to_string()),
        ("RequestCount".into(), w.conn.to_string()),
        ("RequestHost".into(), j(w.host.as_bytes())),
        ("RequestMethod".into(), j(req.method.as_bytes())),
        ("RequestPath".into(), j(&req.target)),
        ("RequestPort".into(), j(b"-")),
        (
            "RequestProtocol".into(),
            j(req.proto.unwrap_or("HTTP/1.1").as_bytes()),
        ),
        (
            "RequestScheme".into(),
            j(if w.https { b"https" } else { b"http" }),
        ),
        ("RetryAttempts".into(), "0".into()),
        ("RouterName".into(), j(b"web@docker")),
        ("ServiceAddr".into(), j(b"10.0.0.2:80")),
        ("ServiceName".into(), j(b"app@docker")),
        ("ServiceURL".into(), "{\"Scheme\":\"http\",\"Opaque\":\"\",\"User\":null,\"Host\":\"10.0.0.2:80\",\"Path\":\"\",\"RawPath\":\"\",\"ForceQuery\":false,\"RawQuery\":\"\",\"Fragment\":\"\",\"RawFragment\":\"\"}".into()),
        ("StartLocal".into(), j(rfc3339_go(w.st.local(), w.st.nanos, w.st.off_min).as_bytes())),
        ("StartUTC".into(), j(rfc3339_go(w.st.utc(), w.st.nanos, 0).as_bytes())),
        ("entryPointName".into(), j(b"web")),
        ("level".into(), j(b"info")),
        ("msg".into(), j(b"")),
        ("time".into(), j(rfc3339_go(w.st.local(), 0, w.st.off_min).as_bytes())),
    ];
    // Headers are logged only when the configuration keeps them.
    let keep_headers = rng.chance(80);
    for (name, v, f) in [
        ("request_User-Agent", &w.ua, F::Ua),
        ("request_Referer", &w.referer, F::Referer),
    ] {
        match v {
            Some(v) if keep_headers => {
                kv.push((name.into(), j(v)));
                o.w(f, vb(v));
            }
            _ => o.w(f, vb("")),
        }
    }
    if let Some((p, c)) = w.tls {
        kv.push(("TLSCipher".into(), j(c.as_bytes())));
        kv.push(("TLSVersion".into(), j(&p.as_bytes()[4..])));
    }
    kv.sort();
    let body: Vec<String> = kv
        .iter()
        .map(|(k, v)| format!("{}:{v}", j(k.as_bytes())))
        .collect();
    let line = format!("{{{}}}", body.join(","));
    o.w(F::Ts, w.st.want_us());
    o.w(F::Offset, V::I(0));
    o.w(F::Addr, vb(&w.client.ip));
    o.w(F::User, vb(&user));
    o.w(F::Method, vb(req.method));
    o.w(F::Uri, vb(&req.target));
    o.w(F::Path, V::OB(Some(Bs(req.path().to_vec()))));
    o.w(F::Status, V::I(w.status.into()));
    o.w(F::Bytes, V::U(Some(w.body)));
    o.w(F::ReqTime, V::U(Some(w.dur_ns / 1000)));
    // No origin status and no time upstream: no backend, so no upstream time (a backend
    // that was reached but gave no status has its time).
    let no_backend = (w.ups.is_empty() || w.status == 0) && origin_ns == 0;
    o.w(F::UpTime, V::U((!no_backend).then_some(origin_ns / 1000)));
    // Not `UpAttempts`: a single nanosecond count has no attempt list (see
    // `traefik_upstream_time_has_no_attempt_list`).
    Case {
        line: line.into_bytes(),
        want: o.want,
        tz: None,
    }
}

/// nginx `escape=json` templates keyed by variable name: keys in any order, numbers
/// quoted or not, absent values as `""`.
fn nginx_json_case(rng: &mut Rng, tg: &mut TimeGen) -> Case {
    let w = gen_w(rng, tg, Srv::Nginx, false);
    let mut o = Out::default();
    let mut kv: Vec<(&str, Vec<u8>)> = Vec::new();
    let s = |v: &[u8]| [b"\"".as_slice(), &nginx_json_esc(v), b"\""].concat();
    let num = |rng: &mut Rng, v: String| {
        if rng.chance(50) {
            v.into_bytes()
        } else {
            format!("\"{v}\"").into_bytes()
        }
    };
    // Time keys in the mapping's order of precedence; the first present wins.
    let mut times = [false; 4];
    times[rng.below(4) as usize] = true;
    if rng.chance(25) {
        times[rng.below(4) as usize] = true;
    }
    let winner = times.iter().position(|&t| t).expect("a time key");
    for (k, &on) in times.iter().enumerate() {
        if !on {
            continue;
        }
        let (key, v) = match k {
            0 => ("time_iso8601", s(iso8601(&w.st).as_bytes())),
            1 => ("time_local", s(time_local(&w.st).as_bytes())),
            2 => (
                "msec",
                num(rng, format!("{}.{:03}", w.st.utc_s(), w.st.ms())),
            ),
            _ => ("@timestamp", s(iso8601(&w.st).as_bytes())),
        };
        kv.push((key, v));
    }
    o.w(
        F::Ts,
        if winner == 2 {
            w.st.want_ms()
        } else {
            w.st.want_s()
        },
    );
    o.w(
        F::Offset,
        if winner == 2 {
            V::I(0)
        } else {
            w.st.want_off()
        },
    );
    let a = match w.client.kind {
        ClientKind::Unix => "unix:".to_string(),
        _ => w.client.ip.clone(),
    };
    kv.push(("remote_addr", s(a.as_bytes())));
    o.w(F::Addr, vb(&a));
    if rng.chance(70) {
        let u = w.user.clone().unwrap_or_default();
        kv.push(("remote_user", s(&u)));
        o.w(F::User, vb(&u));
    }
    // Which of $request, $request_method, $request_uri and $uri the template has.
    let (with_request, with_method, with_request_uri, with_uri) = match rng.below(4) {
        0 => (true, false, false, false),
        1 => (false, true, true, false),
        2 => (true, true, true, true),
        _ => (false, true, false, true),
    };
    let req = w.req.as_ref();
    let line_of = req.map(|r| r.line()).unwrap_or_default();
    if with_request {
        kv.push(("request", s(&line_of)));
    }
    o.w(
        F::Request,
        vb(if with_request { &line_of[..] } else { b"" }),
    );
    if with_method {
        let m = req.map_or("", |r| r.method);
        kv.push(("request_method", s(m.as_bytes())));
        o.w(F::Method, vb(m));
    }
    if with_request_uri {
        kv.push(("request_uri", s(req.map_or(b"".as_slice(), |r| &r.target))));
    }
    if with_uri {
        kv.push(("uri", s(req.map_or(b"".as_slice(), |r| r.path()))));
    }
    let uri: &[u8] = match req {
        None => b"",
        Some(r) if with_request_uri => &r.target,
        Some(r) if with_uri => r.path(),
        Some(_) => b"",
    };
    o.w(F::Uri, vb(uri));
    let path = match req {
        // The request line's path is counted when its target is one.
        Some(r) if with_request => r.counted_path(),
        Some(r) if with_request_uri || with_uri => Some(Bs(r.path().to_vec())),
        _ => None,
    };
    o.w(F::Path, V::OB(path));
    let status = format!("{:03}", w.status);
    kv.push(("status", num(rng, status)));
    o.w(F::Status, V::I(w.status.into()));
    match rng.below(3) {
        0 => {
            kv.push(("body_bytes_sent", num(rng, w.body.to_string())));
            o.w(F::Bytes, V::U(Some(w.body)));
        }
        1 => {
            kv.push(("bytes_sent", num(rng, w.resp.to_string())));
            o.w(F::Bytes, V::U(Some(w.resp)));
        }
        _ => {
            kv.push(("bytes_sent", num(rng, w.resp.to_string())));
            kv.push(("body_bytes_sent", num(rng, w.body.to_string())));
            o.w(F::Bytes, V::U(Some(w.body)));
        }
    }
    for (key, v, f) in [
        ("http_referer", &w.referer, F::Referer),
        ("http_user_agent", &w.ua, F::Ua),
    ] {
        if rng.chance(90) {
            let v = v.clone().unwrap_or_default();
            kv.push((key, s(&v)));
            o.w(f, vb(&v));
        }
    }
    if rng.chance(90) {
        let ms = w.dur_ns / 1_000_000;
        kv.push(("request_time", num(rng, secs_ms(ms))));
        o.w(F::ReqTime, V::U(Some(ms * 1000)));
    } else {
        o.w(F::ReqTime, V::U(None));
    }
    if rng.chance(60) {
        if w.ups.is_empty() {
            kv.push(("upstream_response_time", s(b"")));
        } else {
            let l = ups_list(&w.ups, |a| ups_time(a.resp_ms));
            kv.push(("upstream_response_time", s(l.as_bytes())));
        }
        o.w(F::UpTime, ups_sum(&w.ups, |a| a.resp_ms));
        o.w(
            F::UpAttempts,
            V::L(flat(&w.ups).map(|a| a.resp_ms.map(|m| m * 1000)).collect()),
        );
    } else {
        o.w(F::UpTime, V::U(None));
        o.w(F::UpAttempts, V::L(Vec::new()));
    }
    // Keys the mapping does not read.
    kv.push(("host", s(w.host.as_bytes())));
    kv.push((
        "http_x_forwarded_for",
        s(w.xff.as_deref().unwrap_or_default()),
    ));
    kv.push(("request_id", s(w.req_id.as_bytes())));
    rng.shuffle(&mut kv);
    let sp = rng.pick(&["", " "]);
    let mut line = b"{".to_vec();
    for (k, (key, v)) in kv.iter().enumerate() {
        if k > 0 {
            line.push(b',');
            line.extend_from_slice(sp.as_bytes());
        }
        line.extend_from_slice(format!("\"{key}\":{sp}").as_bytes());
        line.extend_from_slice(v);
    }
    line.push(b'}');
    Case {
        line,
        want: o.want,
        tz: None,
    }
}

fn preset_case(layout: Preset, rng: &mut Rng, tg: &mut TimeGen) -> Case {
    let out = |o: Out| Case {
        line: o.line,
        want: o.want,
        tz: None,
    };
    match layout {
        Preset::NginxCombined | Preset::NginxTimed | Preset::NginxCombinedRt => {
            let w = gen_w(rng, tg, Srv::Nginx, false);
            out(nginx_line(&nginx_items(layout.definition()), &w))
        }
        Preset::NginxMain | Preset::IngressUpstreaminfo => {
            let w = gen_w(rng, tg, Srv::Nginx, false);
            out(nginx_line(&nginx_items(layout.definition()), &w))
        }
        // Traefik's CLF is defined in Apache's syntax.
        Preset::ApacheCommon | Preset::ApacheVhostCombined | Preset::TraefikClf => {
            let w = gen_w(rng, tg, Srv::Apache, false);
            out(apache_line(&apache_tokens(layout.definition()), &w))
        }
        Preset::Haproxy => haproxy_case(rng, tg),
        Preset::CaddyJson => caddy_case(rng, tg),
        Preset::TraefikJson => traefik_case(rng, tg),
        Preset::NginxJson => nginx_json_case(rng, tg),
    }
}

fn round_trip(layout: Preset) {
    for seed in SEEDS {
        let mut rng = Rng(seed ^ layout.name().len() as u64);
        // Caddy's float seconds come from Go's int64 nanoseconds: years up to 2262.
        let mut tg = TimeGen::new(if layout == Preset::CaddyJson {
            2261
        } else {
            9998
        });
        let cases: Vec<Case> = (0..LINES)
            .map(|_| preset_case(layout, &mut rng, &mut tg))
            .collect();
        check(
            &format!("{} (seed {seed:#x})", layout.name()),
            &mut layout.parser(),
            &cases,
        );
    }
}

#[test]
fn nginx_combined() {
    round_trip(Preset::NginxCombined);
}

#[test]
fn nginx_timed() {
    round_trip(Preset::NginxTimed);
}

#[test]
fn nginx_main() {
    round_trip(Preset::NginxMain);
}

#[test]
fn ingress_upstreaminfo() {
    round_trip(Preset::IngressUpstreaminfo);
}

#[test]
fn apache_common() {
    round_trip(Preset::ApacheCommon);
}

#[test]
fn apache_vhost_combined() {
    round_trip(Preset::ApacheVhostCombined);
}

#[test]
fn haproxy() {
    round_trip(Preset::Haproxy);
}

#[test]
fn caddy_json() {
    round_trip(Preset::CaddyJson);
}

#[test]
fn traefik_json() {
    round_trip(Preset::TraefikJson);
}

#[test]
fn nginx_json() {
    round_trip(Preset::NginxJson);
}

/// Every preset has a writer (the match in `preset_case` has no wildcard) and round-trips
/// through the parser that `Format::Preset` gives.
#[test]
fn every_preset() {
    for layout in Preset::ALL {
        let mut rng = Rng(0xE7E7);
        let mut tg = TimeGen::new(2261);
        let cases: Vec<Case> = (0..200)
            .map(|_| preset_case(layout, &mut rng, &mut tg))
            .collect();
        let mut p = axlog_format::Format::Preset(layout).parser();
        check(layout.name(), &mut p, &cases);
    }
}

// ------------------------------------------------------------------------------------
// Custom definitions
// ------------------------------------------------------------------------------------

/// Lists, each followed by a space and a value that may start with `:` (an IPv6 client,
/// free text), which random definitions seldom draw.
const NGINX_LIST_THEN_COLON: &str = "[$time_local] $upstream_response_time $remote_addr $upstream_addr $args\t$upstream_status $http_user_agent";

#[test]
fn nginx_custom_log_formats() {
    for seed in 0..5u64 {
        let mut rng = Rng(0xC0FFEE + seed);
        // The fourth one extends `combined`, which takes the hand-written parser for the
        // first part.
        let after_combined = seed == 3;
        let def = if seed == 4 {
            NGINX_LIST_THEN_COLON.to_string()
        } else {
            gen_nginx_def(&mut rng, after_combined)
        };
        let f = Definition::compile(&def).unwrap_or_else(|e| panic!("{e}: {def}"));
        let mut parser = LineParser::for_log_format(&f);
        assert_eq!(
            matches!(parser, LineParser::Extended(_)),
            after_combined,
            "{def}"
        );
        let items = nginx_items(&def);
        let mut tg = TimeGen::new(9998);
        let cases: Vec<Case> = (0..LINES)
            .map(|_| {
                let mut w = gen_w(&mut rng, &mut tg, Srv::Nginx, true);
                no_colon_space_start(&mut w);
                let o = nginx_line(&items, &w);
                Case {
                    line: o.line,
                    want: o.want,
                    tz: None,
                }
            })
            .collect();
        check(&format!("log_format {def:?}"), &mut parser, &cases);
    }
}

/// Apache `LogFormat`s as httpd.conf writes them.
const APACHE_CUSTOM: [&str; 2] = [
    r#"%v:%p %a %l %u %t "%r" %>s %b %O %I %D "%{Referer}i" "%{User-Agent}i" %m %H "%U" "%q" %{SSL_PROTOCOL}x "%{X-Forwarded-For}i""#,
    r#"%h %l %u %t "%r" %>s %O %{ms}T %T "%{User-Agent}i""#,
];

#[test]
fn apache_custom_log_formats() {
    for (k, def) in APACHE_CUSTOM.iter().enumerate() {
        let conf = format!("LogFormat \"{}\" custom", def.replace('"', "\\\""));
        let f = Definition::compile_apache(&conf).unwrap_or_else(|e| panic!("{e}: {conf}"));
        let mut parser = LineParser::for_log_format(&f);
        let toks = apache_tokens(def);
        let mut rng = Rng(0xA9AC4E + k as u64);
        let mut tg = TimeGen::new(9998);
        let cases: Vec<Case> = (0..LINES)
            .map(|_| {
                let w = gen_w(&mut rng, &mut tg, Srv::Apache, true);
                let o = apache_line(&toks, &w);
                Case {
                    line: o.line,
                    want: o.want,
                    tz: None,
                }
            })
            .collect();
        check(&conf, &mut parser, &cases);
    }
}

/// An HAProxy `log-format` with captures, a unique id, a sample fetch and the request's
/// parts on their own.
const HAPROXY_CUSTOM: &str = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %ID %[ssl_fc_sni] %HM %{+Q}HU %HV %{+Q}r";

#[test]
fn haproxy_custom_log_format() {
    let f = Definition::compile_haproxy(HAPROXY_CUSTOM).expect("compiles");
    let mut parser = LineParser::for_log_format(&f);
    for seed in [7u64, 8] {
        let mut rng = Rng(seed);
        let mut tg = TimeGen::new(9998);
        let cases: Vec<Case> = (0..LINES)
            .map(|_| {
                let mut w = gen_w(&mut rng, &mut tg, Srv::Haproxy, true);
                // IPv4 and IPv6 clients (`%ci:%cp`: the port follows the last colon); no
                // UNIX sockets, whose listener id would read as a port.
                w.client = gen_client(&mut rng, false, true);
                let ha = gen_ha(&mut rng);
                let (prefix, host) = syslog_prefix(&mut rng, &w.st);
                let mut o = ha_line(HAPROXY_CUSTOM, &w, &ha, true);
                o.w(F::Ha(H::Host), vb(host));
                let extras = o.extras;
                o.w(F::ExtrasLen, V::I(extras as i64));
                Case {
                    line: [prefix.as_bytes(), &o.line].concat(),
                    want: o.want,
                    tz: Some(w.st.off_min as i16),
                }
            })
            .collect();
        check(&format!("log-format {HAPROXY_CUSTOM}"), &mut parser, &cases);
    }
}

// ------------------------------------------------------------------------------------
// The test's own arithmetic
// ------------------------------------------------------------------------------------

/// The calendar of this file against `date -u -d DATE +%s`.
#[test]
fn calendar_matches_date() {
    for (y, m, d, secs) in [
        (1970, 1, 1, 0i64),
        (2000, 3, 1, 951_868_800),
        (2024, 2, 29, 1_709_164_800),
        (2100, 3, 1, 4_107_542_400),
        (2400, 2, 29, 13_574_563_200),
        (9998, 12, 31, 253_370_678_400),
    ] {
        assert_eq!(days_from_civil(y, m, d) * 86_400, secs, "{y}-{m}-{d}");
        assert_eq!(civil_from_days(secs / 86_400), (y, m, d));
    }
    // 2038-01-19T03:14:08Z = 2147483648.
    let c = civil_of(2_147_483_648);
    assert_eq!((c.y, c.mo, c.d, c.h, c.mi, c.s), (2038, 1, 19, 3, 14, 8));
    for days in -20_000..20_000 {
        let (y, m, d) = civil_from_days(days * 37 + 3);
        assert_eq!(days_from_civil(y, m, d), days * 37 + 3);
    }
    assert_eq!(dec_us("1646861401.5241024"), 1_646_861_401_524_102);
    assert_eq!(dec_us("0"), 0);
    assert_eq!(dec_us("0.000000001"), 0);
}

// ------------------------------------------------------------------------------------
// Regression tests: lines axlog once misread (the loops above draw such inputs too), and
// cases the loops do not reach. Each test asserts what the server's line means.
// ------------------------------------------------------------------------------------

fn parse_with<'a>(p: &mut LineParser, line: &'a [u8]) -> Record<'a> {
    p.parse(line)
        .unwrap_or_else(|e| panic!("{e:?}: {}", line.escape_ascii()))
}

fn decoded(r: &Record, v: &[u8]) -> Vec<u8> {
    r.escaping.decode(v).into_owned()
}

/// nginx writes `$remote_user` unescaped but for `"`, `\` and control bytes: a name with
/// a space or a `[`, or an empty name (`Authorization: Basic Og==`), reaches the log and
/// is read whole, by the hand-written parser and by a compiled layout.
#[test]
fn nginx_remote_user_with_space_bracket_or_empty() {
    let mut wrong = Vec::new();
    for user in ["al ice", "a[b]", ""] {
        let line = format!(
            r#"192.0.2.1 - {user} [10/Oct/2026:13:55:36 +0200] "GET / HTTP/1.1" 200 5 "-" "ua""#
        );
        for layout in [Preset::NginxCombined, Preset::NginxMain] {
            let line = match layout {
                Preset::NginxMain => format!("{line} \"-\""),
                _ => line.clone(),
            };
            let got = layout
                .parser()
                .parse(line.as_bytes())
                .map(|r| (Bs(r.remote_addr.to_vec()), Bs(r.remote_user.to_vec())));
            let want = Ok((Bs(b"192.0.2.1".to_vec()), Bs(user.as_bytes().to_vec())));
            if got != want {
                wrong.push(format!("{layout}: {line}\n  want {want:?}\n  got  {got:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// After a list variable and a space, a value starting with `:` (an IPv6 client, free
/// text) is the next value: the list's ` : ` has a space on both sides.
#[test]
fn nginx_value_starting_with_colon_after_list() {
    let f = Definition::compile("[$time_local] $upstream_response_time $remote_addr").unwrap();
    let mut p = LineParser::for_log_format(&f);
    let line = b"[10/Oct/2026:13:55:36 +0200] 0.004 ::1";
    let r = parse_with(&mut p, line);
    assert_eq!(
        (r.upstream_time_us, Bs(r.remote_addr.to_vec())),
        (Some(4_000), Bs(b"::1".to_vec()))
    );
}

/// Apache's `ap_escape_logitem` writes backspace and vertical tab as `\b` and `\v`.
#[test]
fn apache_backspace_and_vertical_tab_escapes() {
    let line = br#"www.example.com:443 192.0.2.1 - - [10/Oct/2026:13:55:36 +0200] "GET /a\bb HTTP/1.1" 200 5 "-" "x\by\vz""#;
    let mut p = Preset::ApacheVhostCombined.parser();
    let r = parse_with(&mut p, line);
    assert_eq!(
        (
            Bs(decoded(&r, r.user_agent)),
            r.path().map(|p| Bs(decoded(&r, p)))
        ),
        (Bs(b"x\x08y\x0bz".to_vec()), Some(Bs(b"/a\x08b".to_vec())))
    );
}

/// `%v:%p` with `ServerName [2001:db8::1]`: the port follows the last colon.
#[test]
fn apache_vhost_ipv6_server_name() {
    let line = br#"[2001:db8::1]:443 192.0.2.1 - - [10/Oct/2026:13:55:36 +0200] "GET / HTTP/1.1" 200 5 "-" "ua""#;
    let mut p = Preset::ApacheVhostCombined.parser();
    let r = parse_with(&mut p, line);
    assert_eq!(
        (Bs(r.host.to_vec()), r.server_port),
        (Bs(b"[2001:db8::1]".to_vec()), Some(443))
    );
}

/// HAProxy's byte counts are 64-bit: 19 digits fit.
#[test]
fn haproxy_byte_counts_of_19_digits() {
    let mut p = Preset::Haproxy.parser();
    let mut wrong = Vec::new();
    for (line, bytes) in [
        (
            r#"192.0.2.1:5555 [10/Oct/2026:13:55:36.123] fe be/s1 0/0/1/2/3 200 1000000000000000000 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1""#,
            1_000_000_000_000_000_000u64,
        ),
        (
            "192.0.2.1:5555 [10/Oct/2026:13:55:36.123] fe be/s1 0/1/9 9223372036854775807 -- 1/1/1/1/0 0/0",
            i64::MAX as u64,
        ),
        (
            r#"192.0.2.1 - - [10/Oct/2026:13:55:36 +0200] "GET / HTTP/1.1" 200 1000000000000000000 "" "" 5555 123 "fe" "be" "s1" 0 0 1 2 3 ---- 1 1 1 1 0 0 0 "" """#,
            1_000_000_000_000_000_000u64,
        ),
    ] {
        // 18 digits are read: only the 19th fails.
        let short = line.replace(&bytes.to_string(), &(bytes / 10).to_string());
        assert_eq!(
            p.parse(short.as_bytes()).map(|r| r.bytes_sent),
            Ok(Some(bytes / 10))
        );
        let got = p.parse(line.as_bytes()).map(|r| r.bytes_sent);
        if got != Ok(Some(bytes)) {
            wrong.push(format!("{line}\n  want Ok(Some({bytes}))\n  got  {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// HAProxy writes `"`, `#`, control bytes and bytes from 127 on as `#XX` in the request
/// line (and `{`, `|`, `}` too in captured headers), and a backslash as it is: its records
/// carry `Escaping::Hash`, which undoes `#XX` and leaves `\x41` alone.
#[test]
fn haproxy_hash_escapes_are_decoded() {
    let line = br#"192.0.2.1:5555 [10/Oct/2026:13:55:36.123] fe be/s1 0/0/1/2/3 200 5 - - ---- 1/1/1/1/0 0/0 "GET /caf#C3#A9/#22q#22/a\x41 HTTP/1.1""#;
    let mut p = Preset::Haproxy.parser();
    let r = parse_with(&mut p, line);
    let path = r.path().map(|p| Bs(decoded(&r, p)));
    assert_eq!(path, Some(Bs(b"/caf\xc3\xa9/\"q\"/a\\x41".to_vec())));
}

/// A custom `log-format` with the usual `%ci:%cp`, from an IPv6 client: the port follows
/// the last colon.
#[test]
fn haproxy_log_format_ipv6_client() {
    let f = Definition::compile_haproxy("%ci:%cp [%tr] %ft %b/%s %ST %B %{+Q}r").unwrap();
    let mut p = LineParser::for_log_format(&f);
    let line = br#"2001:db8::1:5555 [10/Oct/2026:13:55:36.123] fe be/s1 200 5 "GET / HTTP/1.1""#;
    let r = parse_with(&mut p, line);
    let port = r.haproxy.and_then(|h| h.client_port);
    assert_eq!(
        (Bs(r.remote_addr.to_vec()), port),
        (Bs(b"2001:db8::1".to_vec()), Some(5555))
    );
}

/// HAProxy's `timed` syslog header (`<PRI>` and an ISO date, no host or tag) before a
/// CLF line whose client address ends in `:`: the client is not a syslog tag.
#[test]
fn haproxy_clf_client_ending_in_colon() {
    let line = br#"<134>2026-10-10T13:55:36.123456+02:00 2001:db8:: - - [10/Oct/2026:13:55:36 +0200] "GET / HTTP/1.1" 200 5 "" "" 5555 123 "fe" "be" "s1" 0 0 1 2 3 ---- 1 1 1 1 0 0 0 "" """#;
    let mut p = Preset::Haproxy.parser();
    let r = parse_with(&mut p, line);
    assert_eq!(r.remote_addr, b"2001:db8::");
}

/// Traefik's `OriginDuration` is nanoseconds; `upstream_attempts_us` reads the value as
/// written in seconds.
#[test]
fn traefik_upstream_time_has_no_attempt_list() {
    let line = br#"{"DownstreamStatus":200,"Duration":2500000,"OriginDuration":1500000,"RequestMethod":"GET","RequestPath":"/","StartUTC":"2026-10-10T11:55:36.123456789Z"}"#;
    let mut p = Preset::TraefikJson.parser();
    let r = parse_with(&mut p, line);
    assert_eq!(r.upstream_time_us, Some(1_500));
    // Attempts are read from nginx's seconds lists only; OriginDuration is one number.
    assert_eq!(r.upstream_attempts_us().count(), 0);
}

/// Apache writes `%u` with `ap_escape_logitem`, which leaves spaces and `[` as they are: a
/// user name holding ` [` reaches the log.
#[test]
fn apache_remote_user_with_space_bracket() {
    let mut wrong = Vec::new();
    for user in ["al [ice", " ["] {
        for (layout, line) in [
            (
                Preset::ApacheCommon,
                format!(
                    r#"192.0.2.1 - {user} [10/Oct/2026:13:55:36 +0200] "GET / HTTP/1.1" 200 5"#
                ),
            ),
            (
                Preset::ApacheVhostCombined,
                format!(
                    r#"www.example.com:443 192.0.2.1 - {user} [10/Oct/2026:13:55:36 +0200] "GET / HTTP/1.1" 200 5 "-" "ua""#
                ),
            ),
        ] {
            let got = layout
                .parser()
                .parse(line.as_bytes())
                .map(|r| (Bs(r.remote_addr.to_vec()), Bs(r.remote_user.to_vec())));
            let want = Ok((Bs(b"192.0.2.1".to_vec()), Bs(user.as_bytes().to_vec())));
            if got != want {
                wrong.push(format!("{layout}: {line}\n  want {want:?}\n  got  {got:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `combined` followed by more fields (nginx `main`, ingress-nginx `upstreaminfo`, any
/// `log_format` that extends `combined`), with a `[` in the user name and `-` as the user
/// agent.
#[test]
fn nginx_extended_user_bracket_dash_agent() {
    let mut wrong = Vec::new();
    for (layout, line, xff) in [
        (
            Preset::NginxMain,
            r#"192.0.2.1 - a[b] [10/Oct/2026:13:55:36 +0200] "GET / HTTP/1.1" 200 5 "-" "-" "203.0.113.5""#,
            "203.0.113.5",
        ),
        (
            Preset::IngressUpstreaminfo,
            r#"192.0.2.1 - a[b] [10/Oct/2026:13:55:36 +0200] "GET / HTTP/1.1" 200 5 "-" "-" 120 0.004 [default-web2-8080] [] - - - - 0123456789abcdef0123456789abcdef"#,
            "",
        ),
    ] {
        let got = layout.parser().parse(line.as_bytes()).map(|r| {
            (
                Bs(r.remote_user.to_vec()),
                Bs(r.user_agent.to_vec()),
                Bs(r.x_forwarded_for.to_vec()),
            )
        });
        let want = Ok((
            Bs(b"a[b]".to_vec()),
            Bs(b"-".to_vec()),
            Bs(xff.as_bytes().to_vec()),
        ));
        if got != want {
            wrong.push(format!("{layout}: {line}\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
