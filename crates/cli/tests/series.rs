//! `axlog report --bucket`, `--series-by`, `--gap` and `--tz` for display: every bucket of
//! the series on generated logs (nginx-timed, HAProxy) against a zero-filled reference
//! computed from the raw lines by naive splitting and a hand-written date parser
//! (common/reference.rs, no axlog code): requests, status classes, bytes, p50, p99 and
//! max (nearest rank); the same output with one and two threads; `--series-by status`
//! likewise, and capped small; gaps on a log written here with known holes; times shown
//! in a zone.

mod common;

use axlog_testgen::{Config, Format};
use common::generate::{config, generated_with};
use common::reference::{self, nearest_of};
use common::run::{report_both, report_text};
use common::{axlog, stderr_of, temp_file, texts};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// One request as the reference reads it.
struct Req {
    /// UTC seconds.
    ts: i64,
    status: u64,
    bytes: u64,
    latency_us: Option<u64>,
}

/// The series' view of a request the shared reference read (common/reference.rs), whose
/// clock is `off_s` ahead of UTC when the line gives no zone (HAProxy): the request, and
/// its status as `--series-by status` keys it.
fn req(r: reference::Req, off_s: i64) -> (Req, String) {
    let req = Req {
        ts: r.second - off_s,
        status: r.status,
        bytes: r.bytes,
        latency_us: r.latency_us,
    };
    (req, r.status.to_string())
}

/// An nginx-timed line: `... [21/Nov/2026:01:00:01 +0100] "..." 200 123 "..." "..." 0.012 0.010`.
fn nginx(line: &str) -> Option<(Req, String)> {
    reference::nginx(line, false).map(|r| req(r, 0))
}

/// HAProxy's httplog behind a syslog header; the accept date is local time at `off_s`.
fn haproxy(line: &str, off_s: i64) -> Option<(Req, String)> {
    reference::haproxy(line).map(|r| req(r, off_s))
}

/// A bucket's values: requests, 1xx..5xx, bytes, p50, p99, max.
type Values = (u64, [u64; 5], u64, Option<u64>, Option<u64>, Option<u64>);

/// The values of `reqs` (one bucket's).
fn values(reqs: &[&Req]) -> Values {
    let mut classes = [0u64; 5];
    for r in reqs {
        if (1..=5).contains(&(r.status / 100)) {
            classes[(r.status / 100 - 1) as usize] += 1;
        }
    }
    let lat: Vec<u64> = reqs.iter().filter_map(|r| r.latency_us).collect();
    (
        reqs.len() as u64,
        classes,
        reqs.iter().map(|r| r.bytes).sum(),
        nearest_of(lat.clone(), 500_000),
        nearest_of(lat.clone(), 990_000),
        lat.iter().max().copied(),
    )
}

/// The widths, and the default: the finest with at most 120 buckets over the range.
const WIDTHS: [i64; 5] = [1, 10, 60, 300, 3600];

fn default_width(reqs: &[&Req]) -> i64 {
    let lo = reqs.iter().map(|r| r.ts).min().unwrap();
    let hi = reqs.iter().map(|r| r.ts).max().unwrap();
    *WIDTHS
        .iter()
        .find(|&&w| hi.div_euclid(w) - lo.div_euclid(w) < 120)
        .unwrap_or(&3600)
}

/// The zero-filled series of `reqs` at width `w` over `[lo, hi]`: (start, values).
fn reference(reqs: &[&Req], w: i64, lo: i64, hi: i64) -> Vec<(i64, Values)> {
    let mut by: HashMap<i64, Vec<&Req>> = HashMap::new();
    for r in reqs {
        by.entry(r.ts.div_euclid(w)).or_default().push(r);
    }
    (lo.div_euclid(w)..=hi.div_euclid(w))
        .map(|b| (b * w, values(by.get(&b).map_or(&[][..], |v| &v[..]))))
        .collect()
}

/// A JSON bucket's values.
fn values_of(b: &Value) -> Values {
    let n = |k: &str| b[k].as_u64().unwrap();
    (
        n("requests"),
        [
            n("status_1xx"),
            n("status_2xx"),
            n("status_3xx"),
            n("status_4xx"),
            n("status_5xx"),
        ],
        n("bytes_sent"),
        b["p50_us"].as_u64(),
        b["p99_us"].as_u64(),
        b["max_us"].as_u64(),
    )
}

/// The series of a report: its width and (start, values) of each bucket.
fn series_of(v: &Value) -> (i64, Vec<(i64, Values)>) {
    let s = &v["series"];
    let buckets = s["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["start_epoch"].as_i64().unwrap(), values_of(b)))
        .collect();
    (s["bucket_s"].as_i64().unwrap(), buckets)
}

fn generated(format: Format, lines: u64, seed: u64, rate: f64) -> String {
    generated_with(Config {
        tz_offset_min: 60,
        rate,
        ..config(format, lines, seed)
    })
}

/// Every width, and the default, against the reference; then `--series-by status`.
fn check_series(file: &Path, reqs: &[(Req, String)], extra: &[&str]) {
    let all: Vec<&Req> = reqs.iter().map(|r| &r.0).collect();
    let lo = all.iter().map(|r| r.ts).min().unwrap();
    let hi = all.iter().map(|r| r.ts).max().unwrap();
    let empty = |s: &[(i64, Values)]| s.iter().filter(|b| b.1.0 == 0).count();
    for bucket in [Some("1s"), Some("10s"), Some("1m"), None] {
        let mut args = extra.to_vec();
        if let Some(b) = bucket {
            args.extend(["--bucket", b]);
        }
        let v = report_both(file, &args);
        assert_eq!(
            v["requests"],
            all.len() as u64,
            "the reference reads every request"
        );
        let w = match bucket {
            Some("1s") => 1,
            Some("10s") => 10,
            Some(_) => 60,
            None => default_width(&all),
        };
        let want = reference(&all, w, lo, hi);
        let (got_w, got) = series_of(&v);
        assert_eq!(got_w, w, "{bucket:?}");
        assert_eq!(got.len(), want.len(), "{bucket:?}");
        for (g, e) in got.iter().zip(&want) {
            assert_eq!(g, e, "{bucket:?}");
        }
        if bucket == Some("1s") {
            // The per-second counts: empty seconds are there, as zeros.
            assert!(
                empty(&want) > 0,
                "a series without empty buckets checks less"
            );
            assert_eq!(
                v["qps"]["empty_seconds"].as_u64(),
                Some(empty(&want) as u64)
            );
        }
    }
    // `--series-by status`: each status's own series, zero-filled, in the same buckets.
    let mut args = extra.to_vec();
    args.extend(["--series-by", "status", "--bucket", "1m", "--top", "1000"]);
    let v = report_both(file, &args);
    let by = &v["series_by"];
    assert_eq!(by["dimension"], "status");
    let mut keys: HashMap<&str, Vec<&Req>> = HashMap::new();
    for (r, k) in reqs {
        keys.entry(k).or_default().push(r);
    }
    let mut order: Vec<(&str, u64)> = keys.iter().map(|(k, v)| (*k, v.len() as u64)).collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let rows = by["rows"].as_array().unwrap();
    let got: Vec<(&str, u64)> = rows
        .iter()
        .map(|r| (r["key"].as_str().unwrap(), r["requests"].as_u64().unwrap()))
        .collect();
    assert_eq!(got, order);
    assert!(order.len() > 3);
    for r in rows {
        let want = reference(&keys[r["key"].as_str().unwrap()], 60, lo, hi);
        let got: Vec<Values> = r["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .map(values_of)
            .collect();
        let want: Vec<Values> = want.into_iter().map(|w| w.1).collect();
        assert_eq!(got, want, "{}", r["key"]);
    }
    assert_eq!(
        (
            by["cap_reached"].as_bool(),
            by["untracked_requests"].as_u64()
        ),
        (Some(false), Some(0))
    );

    // Capped at 3 keys: the three whose FNV-1a hash (computed here) is smallest are kept.
    let fnv = |k: &str| {
        k.bytes().fold(0xcbf29ce484222325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100000001b3)
        })
    };
    let mut by_hash: Vec<&str> = keys.keys().copied().collect();
    by_hash.sort_by_key(|k| (fnv(k), k.to_string()));
    let kept = &by_hash[..3];
    let mut args = extra.to_vec();
    args.extend([
        "--series-by",
        "status",
        "--max-series-keys",
        "3",
        "--top",
        "1000",
    ]);
    let v = report_both(file, &args);
    let by = &v["series_by"];
    let mut got: Vec<&str> = texts(&by["rows"], "key");
    got.sort();
    let mut want = kept.to_vec();
    want.sort();
    assert_eq!(got, want);
    let untracked: usize = keys
        .iter()
        .filter(|(k, _)| !kept.contains(k))
        .map(|(_, v)| v.len())
        .sum();
    assert_eq!(
        (
            by["cap_reached"].as_bool(),
            by["untracked_requests"].as_u64()
        ),
        (Some(true), Some(untracked as u64))
    );
}

#[test]
fn nginx_timed_series_match_the_reference() {
    // 5 requests a second on average over 40,000 lines: more than an hour, empty seconds.
    let text = generated(Format::NginxTimed, 40_000, 7, 5.0);
    let reqs: Vec<(Req, String)> = text.lines().filter_map(nginx).collect();
    let (_dir, file) = temp_file("timed.log", text.as_bytes());
    check_series(&file, &reqs, &[]);
}

#[test]
fn haproxy_series_match_the_reference() {
    // Logged at +01:00: Paris in November.
    let text = generated(Format::HaproxyHttp, 30_000, 11, 5.0);
    let reqs: Vec<(Req, String)> = text.lines().filter_map(|l| haproxy(l, 3600)).collect();
    let (_dir, file) = temp_file("haproxy.log", text.as_bytes());
    check_series(&file, &reqs, &["--tz", "Europe/Paris"]);
}

/// 2026-11-21T09:00:00Z (`date -u -d @1795251600`).
const T0: i64 = 1_795_251_600;

/// nginx lines, one a second, at `T0 + s` for each `s`.
fn lines_at(seconds: impl Iterator<Item = i64>) -> String {
    let mut out = String::new();
    for s in seconds {
        let t = T0 + s;
        let (h, m, sec) = (9 + s / 3600, s % 3600 / 60, s % 60);
        assert!(t >= T0 && h < 24);
        out.push_str(&format!(
            "10.0.0.1 - - [21/Nov/2026:{h:02}:{m:02}:{sec:02} +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"-\" 0.010 0.010\n"
        ));
    }
    out
}

/// Seconds 0..400 with a request each but three holes (30 s at 120, 10 s at 200, 11 s at
/// 230), then a request every 20 s to 460 (quiet, not steady).
fn holes() -> String {
    let busy = (0..400)
        .filter(|s| !(120..150).contains(s) && !(200..210).contains(s) && !(230..241).contains(s));
    lines_at(busy.chain([420, 440, 460]))
}

/// The gaps of a report: (start epoch, end epoch, seconds).
fn gaps_of(v: &Value) -> Vec<(i64, i64, u64)> {
    v["gaps"]["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["start_epoch"].as_i64().unwrap(),
                g["end_epoch"].as_i64().unwrap(),
                g["seconds"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn gaps_are_the_long_holes_in_steady_traffic() {
    let (_dir, file) = temp_file("holes.log", holes().as_bytes());
    // Longer than 10 s: the 30 s and 11 s holes; not the 10 s one, nor the 19 s runs of
    // the quiet end (the minute after each has 3 busy seconds or fewer).
    let v = report_both(&file, &[]);
    assert_eq!(
        gaps_of(&v),
        vec![(T0 + 120, T0 + 150, 30), (T0 + 230, T0 + 241, 11)]
    );
    assert_eq!(v["gaps"]["count"], 2);
    assert_eq!(v["gaps"]["gaps"][0]["start"], "2026-11-21T09:02:00Z");
    let v = report_both(&file, &["--gap", "20s"]);
    assert_eq!(gaps_of(&v), vec![(T0 + 120, T0 + 150, 30)]);
    // Text lists them too.
    let text = report_text(&file, &[]);
    assert!(
        text.contains("2026-11-21T09:02:00Z  2026-11-21T09:02:30Z  30.0 s"),
        "{text}"
    );
}

#[test]
fn times_shown_in_the_tz_zone() {
    let (_dir, file) = temp_file("holes.log", holes().as_bytes());
    let v = report_both(&file, &["--tz", "Europe/Paris", "--bucket", "1m"]);
    // T0 in Paris (November, +01:00): `TZ=Europe/Paris date -d @1795251600 +%FT%T%:z`.
    assert_eq!(v["display"]["first"], "2026-11-21T10:00:00+01:00");
    assert_eq!(
        v["series"]["buckets"][0]["start"],
        "2026-11-21T10:00:00+01:00"
    );
    assert_eq!(v["gaps"]["gaps"][0]["start"], "2026-11-21T10:02:00+01:00");
    // Existing fields stay UTC.
    assert_eq!(v["time"]["first"]["utc"], "2026-11-21T09:00:00Z");
    let text = report_text(&file, &["--tz", "Europe/Paris"]);
    assert!(
        text.contains("First      2026-11-21T10:00:00+01:00"),
        "{text}"
    );
    // 1 h buckets begin at the zone's local hours: at +05:30, 14:00 local is 08:30Z,
    // T0 - 1,800 (`TZ=Asia/Kolkata date -d @1795251600 +%FT%T%:z` is 14:30+05:30).
    let v = report_both(&file, &["--tz", "Asia/Kolkata", "--bucket", "1h"]);
    let b = &v["series"]["buckets"][0];
    assert_eq!(
        (b["start_epoch"].as_i64(), b["start"].as_str()),
        (Some(T0 - 1800), Some("2026-11-21T14:00:00+05:30"))
    );
    assert_eq!(b["requests"].as_u64(), Some(400 - 30 - 10 - 11 + 3));
    // Without --tz: UTC, and no `display`.
    let v = report_both(&file, &[]);
    assert!(v.get("display").is_none());
}

#[test]
fn bucket_flags_refused_with_every_and_bad_widths() {
    for args in [
        &["--bucket", "1m", "--every", "10s"][..],
        &["--series-by", "status", "--every", "10s"],
        &["--bucket", "2m"],
    ] {
        let out = axlog().arg("report").args(args).arg("-").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
    }
}
