//! Every number of `axlog report --output json` on 150,000 generated nginx-timed lines,
//! checked against a deliberately naive computation written here: split-based parsing,
//! a loop-based calendar, and percentiles by sorting every value. Exact equality.

use assert_cmd::Command;
use axlog_testgen::{Config, Format, Limit};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

const LINES: u64 = 150_000;

struct Req {
    sec: i64,
    offset_min: i64,
    status: u64,
    rt_us: Option<u64>,
    up_us: Option<u64>,
    path: Option<Vec<u8>>,
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Seconds since the epoch of `dd/Mon/yyyy:HH:MM:SS +hhmm`, by counting days year by year.
fn naive_time(s: &str) -> Option<(i64, i64)> {
    let (date, zone) = s.split_once(' ')?;
    let parts: Vec<&str> = date.split(['/', ':']).collect();
    if parts.len() != 6 || zone.len() != 5 {
        return None;
    }
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = months.iter().position(|m| *m == parts[1])? as i64;
    let day: i64 = parts[0].parse().ok()?;
    let year: i64 = parts[2].parse().ok()?;
    let (h, m, sec): (i64, i64, i64) = (
        parts[3].parse().ok()?,
        parts[4].parse().ok()?,
        parts[5].parse().ok()?,
    );
    let mut days = 0;
    for y in 1970..year {
        days += if is_leap(y) { 366 } else { 365 };
    }
    let lens = [
        31,
        if is_leap(year) { 29 } else { 28 },
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
    days += lens[..month as usize].iter().sum::<i64>() + day - 1;
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let off = sign * (zone[1..3].parse::<i64>().ok()? * 60 + zone[3..5].parse::<i64>().ok()?);
    Some((days * 86400 + h * 3600 + m * 60 + sec - off * 60, off))
}

/// `0.123` -> 123000 (every generated time has exactly three decimals).
fn naive_secs(s: &str) -> Option<u64> {
    let (a, b) = s.split_once('.')?;
    if b.len() != 3 {
        return None;
    }
    Some(a.parse::<u64>().ok()? * 1_000_000 + b.parse::<u64>().ok()? * 1000)
}

fn naive_parse(line: &[u8]) -> Option<Req> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let parts: Vec<&[u8]> = line.split(|&b| b == b'"').collect();
    if parts.len() != 7 {
        return None;
    }
    let head = std::str::from_utf8(parts[0]).ok()?;
    let (who, rest) = head.split_once('[')?;
    if who.split(' ').filter(|t| !t.is_empty()).count() < 3 {
        return None;
    }
    let ts = rest.strip_suffix("] ")?;
    let (sec, offset_min) = naive_time(ts)?;
    let mid: Vec<&str> = std::str::from_utf8(parts[2]).ok()?.split(' ').collect();
    if mid.len() != 4 || !mid[0].is_empty() || !mid[3].is_empty() || mid[1].len() != 3 {
        return None;
    }
    let status: u64 = mid[1].parse().ok()?;
    if mid[2] != "-" {
        mid[2].parse::<u64>().ok()?;
    }
    if parts[4] != b" " {
        return None;
    }
    let tail = std::str::from_utf8(parts[6]).ok()?.strip_prefix(' ')?;
    let (rt, up) = tail.split_once(' ')?;
    let rt_us = if rt == "-" {
        None
    } else {
        Some(naive_secs(rt)?)
    };
    let mut up_us = None;
    for item in up.split([',', ':']) {
        let item = item.trim();
        if item != "-" {
            *up_us.get_or_insert(0) += naive_secs(item)?;
        }
    }
    let words: Vec<&[u8]> = parts[1].split(|&b| b == b' ').collect();
    let path = if words.len() >= 2 && !words[0].is_empty() && !words[1].is_empty() {
        Some(words[1].split(|&b| b == b'?').next().unwrap().to_vec())
    } else {
        None
    };
    Some(Req {
        sec,
        offset_min,
        status,
        rt_us,
        up_us,
        path,
    })
}

fn rank_value<T: Copy + Ord>(sorted: &[T], pct_num: u64, pct_den: u64) -> T {
    let n = sorted.len() as u64;
    let rank = (n * pct_num).div_ceil(pct_den).max(1);
    sorted[(rank - 1) as usize]
}

fn check_latency(v: &Value, values: &mut [u64]) {
    values.sort();
    assert_eq!(v["count"], values.len() as u64);
    assert_eq!(v["p50_us"], rank_value(values, 50, 100));
    assert_eq!(v["p90_us"], rank_value(values, 90, 100));
    assert_eq!(v["p99_us"], rank_value(values, 99, 100));
    assert_eq!(v["p999_us"], rank_value(values, 999, 1000));
    assert_eq!(v["max_us"], *values.last().unwrap());
    let sum: u64 = values.iter().sum();
    assert_eq!(
        v["mean_us"].as_f64().unwrap(),
        sum as f64 / values.len() as f64
    );
    assert_eq!(v["approximate"], false);
}

#[test]
fn report_matches_naive_computation() {
    let data = axlog_testgen::generate(&Config {
        format: Format::NginxTimed,
        limit: Limit::Lines(LINES),
        seed: 20261122,
        tz_offset_min: 120,
        ..Config::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gen.log");
    std::fs::write(&file, &data).unwrap();
    let out = Command::cargo_bin("axlog")
        .unwrap()
        .arg("report")
        .arg(&file)
        .args(["--output", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();

    // --- the naive side ---
    let mut lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if lines.last() == Some(&&b""[..]) {
        lines.pop();
    }
    let reqs: Vec<Req> = lines.iter().filter_map(|l| naive_parse(l)).collect();
    let n = reqs.len() as u64;
    assert_eq!(lines.len() as u64, LINES);
    assert_eq!(v["lines"]["read"], LINES);
    assert_eq!(v["lines"]["parsed"], n);
    assert_eq!(v["lines"]["malformed"], LINES - n);
    assert!(
        LINES - n > 0,
        "the generator should have written some malformed lines"
    );

    let first = reqs.iter().map(|r| r.sec).min().unwrap();
    let last = reqs.iter().map(|r| r.sec).max().unwrap();
    assert_eq!(v["time"]["first"]["epoch_us"], first * 1_000_000);
    assert_eq!(v["time"]["last"]["epoch_us"], last * 1_000_000);
    assert_eq!(v["time"]["offsets"], serde_json::json!(["+02:00"]));
    assert!(reqs.iter().all(|r| r.offset_min == 120));

    // Per-second counts over every second of the range, empty ones included.
    let mut per_sec: HashMap<i64, u64> = HashMap::new();
    for r in &reqs {
        *per_sec.entry(r.sec).or_default() += 1;
    }
    let mut counts: Vec<u64> = (first..=last)
        .map(|s| per_sec.get(&s).copied().unwrap_or(0))
        .collect();
    let seconds = counts.len() as u64;
    let peak = *counts.iter().max().unwrap();
    let peak_second = (first..=last)
        .find(|s| per_sec.get(s) == Some(&peak))
        .unwrap();
    let empty = counts.iter().filter(|&&c| c == 0).count() as u64;
    counts.sort();
    let q = &v["qps"];
    assert_eq!(q["seconds"], seconds);
    assert_eq!(q["empty_seconds"], empty);
    assert!(empty > 0, "the generator should leave gaps");
    assert_eq!(q["peak"], peak);
    assert_eq!(q["peak_second_epoch"], peak_second);
    assert_eq!(q["p50"], rank_value(&counts, 50, 100));
    assert_eq!(q["p99"], rank_value(&counts, 99, 100));
    assert_eq!(q["mean"].as_f64().unwrap(), n as f64 / seconds as f64);

    let mut status: BTreeMap<u64, u64> = BTreeMap::new();
    for r in &reqs {
        *status.entry(r.status).or_default() += 1;
    }
    let got: BTreeMap<u64, u64> = v["status"]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_u64().unwrap(), c["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(got, status);
    for c in v["status"]["codes"].as_array().unwrap() {
        assert_eq!(
            c["share"].as_f64().unwrap(),
            c["count"].as_u64().unwrap() as f64 / n as f64
        );
    }
    let classes: Vec<u64> = v["status"]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .collect();
    let class_of = |lo: u64| status.range(lo..lo + 100).map(|(_, c)| c).sum::<u64>();
    assert_eq!(
        classes[..5],
        [
            class_of(100),
            class_of(200),
            class_of(300),
            class_of(400),
            class_of(500)
        ]
    );

    let mut rts: Vec<u64> = reqs.iter().filter_map(|r| r.rt_us).collect();
    check_latency(&v["latency"]["request_time"], &mut rts);
    let mut ups: Vec<u64> = reqs.iter().filter_map(|r| r.up_us).collect();
    assert!(ups.len() < reqs.len(), "some upstream times should be '-'");
    check_latency(&v["latency"]["upstream_response_time"], &mut ups);

    // Top paths: sort every path by (count desc, path asc); p99 by sorting its times.
    let mut by_path: HashMap<&[u8], Vec<u64>> = HashMap::new();
    let mut no_path = 0;
    for r in &reqs {
        match &r.path {
            Some(p) => by_path.entry(p).or_default().extend(r.rt_us),
            None => no_path += 1,
        }
    }
    let path_counts: HashMap<&[u8], u64> = {
        let mut m = HashMap::new();
        for r in &reqs {
            if let Some(p) = &r.path {
                *m.entry(&p[..]).or_insert(0u64) += 1;
            }
        }
        m
    };
    let mut ranked: Vec<(&[u8], u64)> = path_counts.iter().map(|(k, c)| (*k, *c)).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let top = v["top_paths"].as_array().unwrap();
    assert_eq!(top.len(), 10);
    for (got, (path, count)) in top.iter().zip(&ranked) {
        assert_eq!(got["path"].as_str().unwrap().as_bytes(), *path);
        assert_eq!(got["count"], *count);
        let mut times = by_path[path].clone();
        times.sort();
        assert_eq!(got["p99_us"], rank_value(&times, 99, 100));
        assert_eq!(got["approximate"], false);
    }
    assert_eq!(v["paths"]["distinct"], path_counts.len() as u64);
    assert_eq!(v["paths"]["requests_without_path"], no_path);
    assert!(
        no_path > 0,
        "the generator should log TLS handshakes as requests"
    );
}
