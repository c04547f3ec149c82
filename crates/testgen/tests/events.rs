//! `--calm` and injected events (`Config::events`), checked on the generated
//! lines with the independent splitter in `common` and a fold of paths into
//! endpoints written here: counts, 5xx and times inside an event's window
//! against windows of the same length around it.

mod common;

use axlog_testgen::{Config, DEFAULT_START, Event, Format, Limit, check, generate};
use common::{lines, parse_haproxy, parse_nginx};

/// 12:00 UTC on the default day: near the diurnal peak, where traffic is flat.
const NOON: i64 = DEFAULT_START + 12 * 3_600;
/// The events below start at 12:20.
const AT: i64 = NOON + 20 * 60;

/// One request as the test reads it.
struct Rec {
    /// The simulated second it was logged at: nginx's time (perhaps a few
    /// seconds late), HAProxy's syslog time (HAProxy's accept date is earlier
    /// by the request's duration).
    t: i64,
    endpoint: String,
    /// `backend/server` (HAProxy), else empty.
    server: String,
    status: u16,
    /// Request time (nginx) or Ta (HAProxy), ms.
    ms: i64,
}

/// `/a/12/b?x` -> `/a/:id/b`; a UUID `:uuid`; 16+ hex digits with a digit `:hex`.
fn fold(path: &str) -> String {
    let path = path.split('?').next().unwrap_or("");
    path.split('/')
        .map(|seg| {
            let hex = |c: char| c.is_ascii_hexdigit();
            let dashes = [8, 13, 18, 23];
            if !seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit()) {
                ":id".to_string()
            } else if seg.len() == 36
                && seg.char_indices().all(|(i, c)| {
                    if dashes.contains(&i) {
                        c == '-'
                    } else {
                        hex(c)
                    }
                })
            {
                ":uuid".to_string()
            } else if seg.len() >= 16
                && seg.chars().all(hex)
                && seg.chars().any(|c| c.is_ascii_digit())
            {
                ":hex".to_string()
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `Nov 21 12:20:05` -> epoch seconds (November 2026, UTC).
fn syslog_time(s: &str) -> i64 {
    let day: i64 = s[4..6].trim().parse().unwrap();
    let hms: Vec<i64> = s[7..].split(':').map(|v| v.parse().unwrap()).collect();
    DEFAULT_START + (day - 21) * 86_400 + hms[0] * 3_600 + hms[1] * 60 + hms[2]
}

/// The requests of a generated log (malformed and TLS lines skipped).
fn records(format: Format, out: &[u8]) -> Vec<Rec> {
    let mut recs = Vec::new();
    for line in lines(out) {
        if format == Format::HaproxyHttp {
            let Ok(h) = parse_haproxy(line) else { continue };
            let path = h.request.split(' ').nth(1).unwrap_or("");
            recs.push(Rec {
                t: syslog_time(&h.syslog_ts),
                endpoint: fold(path),
                server: format!("{}/{}", h.backend, h.server),
                status: h.status,
                ms: h.timers[4],
            });
        } else {
            let Ok(n) = parse_nginx(line, true) else {
                continue;
            };
            if n.method.is_none() {
                continue;
            }
            recs.push(Rec {
                t: n.ts,
                endpoint: fold(&n.uri),
                server: String::new(),
                status: n.status,
                ms: n.rt_ms.unwrap() as i64,
            });
        }
    }
    recs
}

/// Calm traffic from 12:00 at 20 requests/s (about 32/s then), 45 minutes of it.
fn calm(format: Format, events: &[&str]) -> Config {
    Config {
        format,
        limit: Limit::Lines(86_000),
        start_epoch_s: NOON,
        rate: 20.0,
        calm: true,
        events: events.iter().map(|e| e.parse().unwrap()).collect(),
        ..Config::default()
    }
}

/// The requests logged in `[from, from + len)` that `keep` keeps.
fn count(recs: &[Rec], from: i64, len: i64, keep: impl Fn(&Rec) -> bool) -> u64 {
    recs.iter()
        .filter(|r| r.t >= from && r.t < from + len && keep(r))
        .count() as u64
}

/// The mean over the windows of length `len` 4 minutes before and after `at`.
fn around(recs: &[Rec], at: i64, len: i64, keep: impl Fn(&Rec) -> bool) -> f64 {
    (count(recs, at - 240, len, &keep) + count(recs, at + 240, len, &keep)) as f64 / 2.0
}

/// Nearest-rank 99th percentile.
fn p99(mut v: Vec<i64>) -> i64 {
    v.sort_unstable();
    v[(v.len() * 99).div_ceil(100) - 1]
}

fn times(recs: &[Rec], from: i64, len: i64, keep: impl Fn(&Rec) -> bool) -> Vec<i64> {
    recs.iter()
        .filter(|r| r.t >= from && r.t < from + len && keep(r))
        .map(|r| r.ms)
        .collect()
}

fn assert_spike(format: Format, spec: &str, on_key: impl Fn(&Rec) -> bool) {
    let out = generate(&calm(format, &[spec]));
    let recs = records(format, &out);
    let all = |_: &Rec| true;
    let (inside, outside) = (count(&recs, AT, 120, all), around(&recs, AT, 120, all));
    let ratio = inside as f64 / outside;
    assert!((2.7..3.3).contains(&ratio), "{spec}: {inside} vs {outside}");
    // The extra requests all went to the key.
    let extra = inside as f64 - outside;
    let key_extra = count(&recs, AT, 120, &on_key) as f64 - around(&recs, AT, 120, &on_key);
    assert!(
        (key_extra / extra - 1.0).abs() < 0.05,
        "{spec}: {key_extra} of {extra}"
    );
}

#[test]
fn spike_on_an_endpoint_and_on_a_server() {
    assert_spike(
        Format::NginxTimed,
        "spike@2026-11-21T12:20:00Z/2m:endpoint=/search",
        |r| r.endpoint == "/search",
    );
    assert_spike(
        Format::HaproxyHttp,
        "spike@2026-11-21T12:20:00Z/2m:server=api/web2",
        |r| r.server == "api/web2",
    );
}

#[test]
fn outage_leaves_no_line_inside() {
    for format in [Format::NginxTimed, Format::HaproxyHttp] {
        let out = generate(&calm(format, &["outage@2026-11-21T12:20:00Z/60s"]));
        let recs = records(format, &out);
        let all = |_: &Rec| true;
        assert_eq!(count(&recs, AT, 60, all), 0, "{format}");
        assert!(count(&recs, AT - 10, 10, all) > 100, "{format}");
        assert!(count(&recs, AT + 60, 10, all) > 100, "{format}");
        if format == Format::HaproxyHttp {
            // Nor does any accept date fall inside.
            let text = String::from_utf8_lossy(&out);
            assert!(!text.contains("/2026:12:20:"), "{format}");
        }
    }
}

fn assert_errors(format: Format, spec: &str, on_key: impl Fn(&Rec) -> bool) {
    let out = generate(&calm(format, &[spec]));
    let recs = records(format, &out);
    let all = count(&recs, AT, 60, |_| true);
    let errors = count(&recs, AT, 60, |r| r.status >= 500);
    let share = errors as f64 / all as f64;
    assert!((0.18..0.245).contains(&share), "{spec}: {errors} of {all}");
    let on_key = count(&recs, AT, 60, |r| r.status >= 500 && on_key(r));
    assert!(
        on_key as f64 >= 0.88 * errors as f64,
        "{spec}: {on_key} of {errors}"
    );
    let before = count(&recs, AT - 300, 240, |r| r.status >= 500) as f64
        / count(&recs, AT - 300, 240, |_| true) as f64;
    assert!(before < 0.04, "{spec}: {before}");
}

#[test]
fn errors_on_an_endpoint_and_on_a_server() {
    assert_errors(
        Format::NginxTimed,
        "errors@2026-11-21T12:20:00Z/1m:endpoint=/api/v1/cart",
        |r| r.endpoint == "/api/v1/cart",
    );
    assert_errors(
        Format::HaproxyHttp,
        "errors@2026-11-21T12:20:00Z/1m:server=static/web5",
        |r| r.server == "static/web5",
    );
}

fn assert_latency(format: Format, spec: &str, on_key: impl Fn(&Rec) -> bool + Copy) {
    let out = generate(&calm(format, &[spec]));
    let recs = records(format, &out);
    let before = p99(times(&recs, AT - 600, 540, |_| true));
    let inside = p99(times(&recs, AT, 60, |_| true));
    assert!(
        inside >= 6 * before,
        "{spec}: p99 {inside} ms vs {before} ms"
    );
    // The key's requests, not the others, slowed down.
    let others_before = p99(times(&recs, AT - 600, 540, |r| !on_key(r)));
    let others = p99(times(&recs, AT, 60, |r| !on_key(r)));
    assert!(
        others < 3 * others_before,
        "{spec}: {others} vs {others_before}"
    );
    let median = |mut v: Vec<i64>| {
        v.sort_unstable();
        v[v.len() / 2]
    };
    let key_before = median(times(&recs, AT - 600, 540, on_key));
    let key_inside = median(times(&recs, AT, 60, on_key));
    assert!(
        key_inside >= 8 * key_before,
        "{spec}: {key_inside} vs {key_before}"
    );
}

#[test]
fn latency_on_an_endpoint_and_on_a_server() {
    assert_latency(
        Format::NginxTimed,
        "latency@2026-11-21T12:20:00Z/1m:endpoint=/api/v1/products/:id",
        |r| r.endpoint == "/api/v1/products/:id",
    );
    assert_latency(
        Format::HaproxyHttp,
        "latency@2026-11-21T12:20:00Z/1m:server=app/web3",
        |r| r.server == "app/web3",
    );
}

/// Requests per second over `[from, to)`.
fn per_second(recs: &[Rec], from: i64, to: i64) -> Vec<u64> {
    let mut v = vec![0; (to - from) as usize];
    for r in recs {
        if r.t >= from && r.t < to {
            v[(r.t - from) as usize] += 1;
        }
    }
    v
}

#[test]
fn calm_has_no_bursts_or_gaps() {
    let (from, to) = (NOON + 10, NOON + 40 * 60);
    let calm_cfg = calm(Format::NginxTimed, &[]);
    let stormy = Config {
        calm: false,
        ..calm_cfg.clone()
    };
    let calm_secs = per_second(&records(Format::NginxTimed, &generate(&calm_cfg)), from, to);
    let stormy_secs = per_second(&records(Format::NginxTimed, &generate(&stormy)), from, to);
    let mean = calm_secs.iter().sum::<u64>() as f64 / calm_secs.len() as f64;
    assert!(calm_secs.iter().all(|&n| n > 0), "a gap in calm traffic");
    let peak = *calm_secs.iter().max().unwrap() as f64;
    assert!(peak < 2.5 * mean, "calm peak {peak}, mean {mean}");
    // The same settings without --calm have both.
    assert!(stormy_secs.contains(&0));
    assert!(*stormy_secs.iter().max().unwrap() as f64 > 4.0 * mean);
}

#[test]
fn a_duration_ends_on_its_last_second() {
    for format in [Format::NginxTimed, Format::HaproxyHttp] {
        let cfg = Config {
            limit: Limit::Seconds(600),
            ..calm(format, &["outage@2026-11-21T12:09:00Z/30s"])
        };
        let recs = records(format, &generate(&cfg));
        let first = recs.iter().map(|r| r.t).min().unwrap();
        let last = recs.iter().map(|r| r.t).max().unwrap();
        assert_eq!((first, last), (NOON, NOON + 599), "{format}");
        // The outage's 30 s are empty, the next 30 s of the duration are not.
        assert_eq!(count(&recs, NOON + 540, 30, |_| true), 0, "{format}");
        assert!(count(&recs, NOON + 570, 30, |_| true) > 500, "{format}");
    }
}

#[test]
fn same_arguments_same_bytes_and_untouched_before_the_event() {
    let specs = [
        "spike@2026-11-21T12:20:00Z/2m:endpoint=/search",
        "errors@2026-11-21T12:25:00Z/1m",
        "latency@2026-11-21T12:30:00Z/1m:endpoint=/",
    ];
    let a = generate(&calm(Format::NginxTimed, &specs));
    assert_eq!(a, generate(&calm(Format::NginxTimed, &specs)));
    let plain = generate(&calm(Format::NginxTimed, &[]));
    assert_ne!(a, plain);
    // Events draw nothing outside their windows: the log is the same up to the first.
    let first = b"[21/Nov/2026:12:19:5";
    let cut = plain.windows(first.len()).position(|w| w == first).unwrap();
    assert_eq!(a[..cut], plain[..cut]);
}

#[test]
fn keys_are_checked_against_the_traffic() {
    let cfg = |format, spec: &str| Config {
        format,
        events: vec![spec.parse::<Event>().unwrap()],
        ..Config::default()
    };
    for (format, spec) in [
        (
            Format::NginxTimed,
            "spike@2026-11-21T12:20:00Z/2m:endpoint=/search",
        ),
        (
            Format::NginxTimed,
            "errors@2026-11-21T12:20:00Z/2m:endpoint=/api/v1/users/:id",
        ),
        (
            Format::HaproxyHttp,
            "latency@2026-11-21T12:20:00Z/2m:server=static/web8",
        ),
        (
            Format::IngressUpstreaminfo,
            "outage@2026-11-21T12:20:00Z/2m",
        ),
    ] {
        assert_eq!(check(&cfg(format, spec)), Ok(()), "{spec}");
    }
    for (format, spec, why) in [
        (
            Format::NginxTimed,
            "spike@2026-11-21T12:20:00Z/2m:endpoint=/nope",
            "endpoints include",
        ),
        // A path the generator writes, but whose template is not one endpoint.
        (
            Format::NginxTimed,
            "spike@2026-11-21T12:20:00Z/2m:endpoint=/images/products/1.jpg",
            "endpoints include",
        ),
        (
            Format::NginxTimed,
            "spike@2026-11-21T12:20:00Z/2m:server=app/web3",
            "need haproxy-http",
        ),
        (
            Format::HaproxyHttp,
            "spike@2026-11-21T12:20:00Z/2m:server=app/web9",
            "web1..web8",
        ),
        (
            Format::HaproxyHttp,
            "spike@2026-11-21T12:20:00Z/2m:server=db/web1",
            "web1..web8",
        ),
    ] {
        let e = check(&cfg(format, spec)).unwrap_err();
        assert!(e.contains(why), "{spec}: {e}");
    }
}
