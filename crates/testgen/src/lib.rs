//! Deterministic, realistic web-server access-log generator for axlog's tests
//! and benchmarks.
//!
//! The same [`Config`] (seed included) always produces byte-identical output,
//! on every platform: the PRNG (wyrand) and the few transcendental functions
//! are implemented here with plain integer / IEEE-754 arithmetic. Output is
//! written with hand-rolled formatting into large blocks (> 200 MB/s in a
//! release build).
//!
//! # Formats
//!
//! Every line ends in `\n`.
//!
//! * **nginx-combined** (nginx's stock `combined`):
//!   `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`,
//!   e.g. `203.0.113.7 - - [21/Nov/2026:00:00:01 +0000] "GET /api/v1/users/8812?expand=orders HTTP/1.1" 200 5123 "https://shop.example.com/cart" "Mozilla/5.0 ..."`.
//!   `$remote_user` is `-` or a name of letters/digits; `$time_local` is
//!   `dd/Mon/yyyy:HH:MM:SS +hhmm` in the configured offset (local = UTC +
//!   offset); `$request` is `METHOD URI PROTO`. Strings are escaped as nginx
//!   does: `"`, `\`, control bytes and bytes >= 0x7f become `\xHH`, so the
//!   only `"` bytes of a valid line are the six field delimiters.
//! * **nginx-timed**: combined + ` $request_time $upstream_response_time`.
//!   Times are seconds with exactly three decimals. The upstream field is one
//!   time, `a, b` (or `a, b, c`) after retries (~3%; an element may be `-`),
//!   `a : b` after an internal redirect (~0.5%), or `-` alone (~2%: no
//!   upstream, or a 499 before the upstream answered). `$request_time` >= the
//!   sum of the numeric upstream times.
//! * **haproxy-http** (`option httplog` behind an RFC 3164 syslog prefix, day
//!   space-padded):
//!   `Nov 21 00:00:01 lb1 haproxy[2451]: 203.0.113.7:51234 [21/Nov/2026:00:00:01.123] www~ app/web3 0/0/1/118/120 200 5123 - - ---- 12/12/3/1/0 0/0 "GET /api/v1/users/8812 HTTP/1.1"`.
//!   Timers TR/Tw/Tc/Tr/Ta are integer ms, `-1` when a phase never happened,
//!   Ta >= the sum of the others; bytes include response headers. Server
//!   `<NOSRV>` (with 503 `SC--` or 403 `PR--`), termination states `----`,
//!   `CD--`/`cD--` (client aborts, logged with the server's status as HAProxy
//!   has no 499), `SH--` (502), `sH--` (504).
//!   The accept date is the log time minus the lateness below minus Ta.
//!   ~15% of lines carry a captured request-header block
//!   `{host|user-agent}` and, of those, a third also a response block
//!   `{content-type}`, before the quoted request (HAProxy `#HH` escaping, so
//!   `|` only separates headers). Frontends `www`/`www~`, backends `app`,
//!   `static`, `api`, servers `web1`..`web8`.
//! * **ingress-upstreaminfo** (ingress-nginx's `upstreaminfo`): combined +
//!   ` $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id`,
//!   e.g. `... "Mozilla/5.0 ..." 512 0.121 [default-api-80] [] 10.244.3.17:8080, 10.244.1.12:8080 0, 5123 0.002, 0.118 502, 200 5f0c...`.
//!   The request's attempts are nginx-timed's (same shares of retries,
//!   redirects and `-`), each with a pod address, a body length (0 but for
//!   the last), a time and a status: the last is the request's; a failed one
//!   502 (refused), 504 (connect timeout) or 503 (no time logged); a
//!   redirect's first hop 200. The four lists are `-` when no upstream was
//!   involved. Services `default-api-80` (6 pods, port 8080),
//!   `default-web-80` (4, 8080) and `default-static-80` (3, port 80) by path
//!   prefix (`/api/`, `/static/`), else by kind of URL; pods `10.244.N.H:PORT` drawn from the seed; half the failed
//!   attempts hit one sick pod per service; retries go to another pod. The
//!   alternative upstream is always empty (`[]`); `$req_id` is 32 random hex
//!   digits; TLS lines have `[]` as upstream name and `-` lists.
//!
//! # Traffic model
//!
//! * Rate: mean `rate` requests/s times a diurnal sine (0.3x at 03:00 to
//!   1.7x at 15:00 local), Poisson per second, plus bursts (2-8 s at 5-10x,
//!   about every 10 minutes) and gaps (2-6 s with no lines at all, about every
//!   3 minutes, so even a 25-minute run has some).
//! * Timestamps: ~5% of lines are logged 1-5 s late, ~0.1% 6-120 s late (never
//!   before the start or into a gap, never after the simulated clock).
//! * Clients: Zipf over 18,000 IPv4 and 2,000 IPv6 (~10% of lines) addresses,
//!   health checks from a few internal `10.0.x.y` nodes.
//! * URLs: Zipf over ~245 templates (`/api/v1/users/{n}`,
//!   `/api/v1/orders/{uuid}`, `/static/js/app.{hash}.js`, `/search?q=..&page=N`,
//!   `/health`, scanners' `/.env`, ...), ~25% with a query string.
//! * Status: ~78% 200; 201/204/206/301/302/304; 400/401/403/404 (~4%);
//!   429/499 (~1%); 500/502/503/504 (~1.5%); rare others (101, 405, 444, ...).
//! * Sizes and latencies: log-normal per kind of URL with Pareto tails; 0
//!   bytes for 204/304/HEAD and most 499s; 504s take 60 s upstream.
//! * ~30 user agents (browsers, bots, tools, kube-probe, some with an escaped
//!   quote or UTF-8, some `-`); referers `-` or URLs.
//!
//! # Calm traffic and injected events
//!
//! [`Config::calm`] (`--calm`) drops the bursts and gaps: the diurnal shape
//! and Poisson noise only (late-logged and special lines stay).
//! [`Config::events`] (`--event KIND@START/DURATION[:DIM=KEY]`, repeatable;
//! [`Event`]'s `FromStr`) inject incidents over the simulated seconds
//! `[START, START+DURATION)`, with known answers for anomaly detection:
//!
//! * `spike`: traffic x3; the extra requests (a Poisson draw of twice the
//!   second's rate) all go to the key, spread at random over the second.
//! * `outage`: no request; as in a gap, no line carries a time inside it
//!   (late lines after it are clamped to its end). Takes no key.
//! * `errors`: 20% of the requests become 500 or 502 responses of the key, on
//!   top of the usual ~1.5% 5xx.
//! * `latency`: the key's requests take 10x as long (upstream times too), and
//!   at least 10x the traffic's usual p99 request time (measured on 20,000
//!   requests drawn from the mix): the overall p99 then rises ~x10 when the
//!   key has more than ~1% of the requests (x10 alone would not: the p99 is
//!   set by large bodies sent to slow clients). HAProxy logs the accept
//!   date, so these lines are stamped up to Ta earlier.
//!
//! Keys: `endpoint=PATH`, a path as axlog's built-in folds make it
//! (`/api/v1/users/:id`, `/search`, `/`): the templates that always fold to it
//! are drawn from (a template with a random segment, such as `/help/{word}`,
//! is none); `server=BACKEND/SERVER` (haproxy-http: `api`, `app` or `static`,
//! `web1`..`web8`): requests to that backend's ordinary URLs, on that
//! server. Without a key, an event applies to all traffic. [`check`] tells
//! whether a key exists in the traffic; events draw nothing from the random
//! stream outside their windows, so a log is byte-identical to the one
//! without its events up to the first event.
//!
//! # Special lines (all formats, deterministic by seed)
//!
//! Malformed, ~0.05% in total: *truncated* (a valid line cut inside its first
//! 60% and before the request's closing quote, resp. HAProxy's status field),
//! *garbage* (20-200 random bytes without `\n`, `\r` or `[`), and *empty*.
//! nginx formats (ingress included) also get ~0.02% valid status-400 lines whose request is a
//! TLS ClientHello: `"\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03" 400 157 "-" "-"`.

mod events;
mod generator;
mod math;
mod rng;
mod tables;
mod text;
mod upstreaminfo;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;
use std::sync::mpsc;
use std::thread;

pub use events::{EVENT_SYNTAX, Event, EventKey, EventKind, parse_duration};
pub use text::{days_from_civil, parse_start, parse_tz};

/// Output layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    NginxCombined,
    NginxTimed,
    HaproxyHttp,
    IngressUpstreaminfo,
}

impl Format {
    /// The CLI name (`nginx-combined`, `nginx-timed`, `haproxy-http`,
    /// `ingress-upstreaminfo`).
    pub fn name(self) -> &'static str {
        match self {
            Format::NginxCombined => "nginx-combined",
            Format::NginxTimed => "nginx-timed",
            Format::HaproxyHttp => "haproxy-http",
            Format::IngressUpstreaminfo => "ingress-upstreaminfo",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error of [`Format::from_str`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown format {:?} (expected nginx-combined, nginx-timed, haproxy-http or ingress-upstreaminfo)",
            self.0
        )
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "nginx-combined" => Ok(Format::NginxCombined),
            "nginx-timed" => Ok(Format::NginxTimed),
            "haproxy-http" => Ok(Format::HaproxyHttp),
            "ingress-upstreaminfo" => Ok(Format::IngressUpstreaminfo),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

/// When to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Exactly this many lines (malformed and empty ones included).
    Lines(u64),
    /// Stop at the first line end at or after this many bytes.
    Bytes(u64),
    /// Every line of the simulated seconds `[start, start + N)`: the clock
    /// stops there (a late-logged line is stamped inside, as always).
    Seconds(u64),
}

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub format: Format,
    pub limit: Limit,
    pub seed: u64,
    /// Simulated start time, UTC epoch seconds (clamped to +-2^40).
    pub start_epoch_s: i64,
    /// Offset of the logged local time from UTC, minutes (clamped to +-23:59).
    pub tz_offset_min: i32,
    /// Mean requests per second over a day (clamped to 0.001..=1e7; NaN = 200).
    pub rate: f64,
    /// No random bursts or gaps: the diurnal shape and Poisson noise only.
    pub calm: bool,
    /// Incidents to inject (see [`Event`]; [`check`] tells whether their
    /// keys exist in the generated traffic).
    pub events: Vec<Event>,
}

/// 2026-11-21T00:00:00Z.
pub const DEFAULT_START: i64 = days_from_civil(2026, 11, 21) * 86_400;

impl Default for Config {
    fn default() -> Self {
        Config {
            format: Format::NginxTimed,
            limit: Limit::Lines(10_000),
            seed: 1,
            start_epoch_s: DEFAULT_START,
            tz_offset_min: 0,
            rate: 200.0,
            calm: false,
            events: Vec::new(),
        }
    }
}

/// Whether every event's key is one the generated traffic holds: an endpoint
/// some URL template folds into, a `backend/server` of haproxy-http. An event
/// whose key is not is left out by [`generate`] and [`write`].
pub fn check(cfg: &Config) -> Result<(), String> {
    let g = generator::Generator::new(cfg);
    for e in &cfg.events {
        g.check_key(e)?;
    }
    Ok(())
}

/// Generates the whole output in memory.
pub fn generate(cfg: &Config) -> Vec<u8> {
    let hint = match cfg.limit {
        Limit::Lines(n) => n.saturating_mul(256),
        Limit::Bytes(b) => b.saturating_add(4_096),
        Limit::Seconds(s) => s
            .saturating_mul(cfg.rate.min(1e7) as u64 + 1)
            .saturating_mul(400),
    };
    let mut buf = Vec::with_capacity(hint.min(1 << 30) as usize);
    let mut g = generator::Generator::new(cfg);
    let mut lines = 0;
    fill(&mut g, &mut buf, usize::MAX, cfg.limit, &mut lines, 0);
    buf
}

/// Size of the blocks handed to the writer: large enough that syscalls are
/// negligible, small enough to stay in L2/L3 cache.
const BLOCK: usize = 1 << 20;

/// Writes the output to `out` in large blocks and flushes it; returns the
/// number of bytes written.
///
/// A helper thread generates the next blocks while this thread writes, so
/// throughput to a file is the slower of the two, not their sum. The output
/// is the same as [`generate`]'s.
pub fn write(cfg: &Config, out: &mut impl Write) -> io::Result<u64> {
    // Two blocks may wait while one is generated and one written.
    let (full_tx, full_rx) = mpsc::sync_channel::<Vec<u8>>(2);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
    thread::scope(|s| {
        s.spawn(move || {
            let mut g = generator::Generator::new(cfg);
            let (mut lines, mut produced) = (0, 0);
            loop {
                let mut buf = empty_rx
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(BLOCK + 64 * 1024));
                buf.clear();
                let done = fill(&mut g, &mut buf, BLOCK, cfg.limit, &mut lines, produced);
                produced += buf.len() as u64;
                // A send error means the writer gave up; just stop.
                if full_tx.send(buf).is_err() || done {
                    break;
                }
            }
        });
        let mut total = 0u64;
        let mut write_all = || -> io::Result<u64> {
            for buf in full_rx.iter() {
                out.write_all(&buf)?;
                total += buf.len() as u64;
                let _ = empty_tx.send(buf);
            }
            out.flush()?;
            Ok(total)
        };
        let result = write_all();
        // Unblocks the generator if we stopped early, so the scope can end.
        drop(full_rx);
        result
    })
}

/// Appends lines until `buf` holds at least `block` bytes (returns false) or
/// the limit is reached (returns true). `flushed` bytes were already output.
fn fill(
    g: &mut generator::Generator,
    buf: &mut Vec<u8>,
    block: usize,
    limit: Limit,
    lines: &mut u64,
    flushed: u64,
) -> bool {
    match limit {
        Limit::Lines(n) => {
            while *lines < n {
                if buf.len() >= block {
                    return false;
                }
                g.next_line(buf);
                *lines += 1;
            }
        }
        Limit::Bytes(b) => {
            while flushed + (buf.len() as u64) < b {
                if buf.len() >= block {
                    return false;
                }
                g.next_line(buf);
                *lines += 1;
            }
        }
        Limit::Seconds(s) => {
            while g.has_line_within(s) {
                if buf.len() >= block {
                    return false;
                }
                g.next_line(buf);
                *lines += 1;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in [
            Format::NginxCombined,
            Format::NginxTimed,
            Format::HaproxyHttp,
            Format::IngressUpstreaminfo,
        ] {
            assert_eq!(f.name().parse::<Format>(), Ok(f));
            assert_eq!(f.to_string(), f.name());
        }
        assert!("apache".parse::<Format>().is_err());
    }

    #[test]
    fn default_config() {
        let c = Config::default();
        assert_eq!(c.start_epoch_s, 1_795_219_200);
        assert_eq!(c.limit, Limit::Lines(10_000));
        assert_eq!(c.format, Format::NginxTimed);
    }

    #[test]
    fn write_matches_generate_across_blocks() {
        for limit in [
            Limit::Lines(12_345),
            Limit::Bytes(3 * BLOCK as u64 + 17),
            Limit::Seconds(1_000),
        ] {
            let cfg = Config {
                limit,
                format: Format::HaproxyHttp,
                ..Config::default()
            };
            let mut out = Vec::new();
            let n = write(&cfg, &mut out).unwrap();
            assert_eq!(n, out.len() as u64);
            assert_eq!(out, generate(&cfg));
        }
    }

    #[test]
    fn zero_limits_give_nothing() {
        for limit in [Limit::Lines(0), Limit::Bytes(0), Limit::Seconds(0)] {
            assert!(
                generate(&Config {
                    limit,
                    ..Config::default()
                })
                .is_empty()
            );
        }
    }
}
