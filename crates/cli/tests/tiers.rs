//! Tiers: an HAProxy load balancer's log and two nginx web servers' logs in one run are
//! summarised apart, checked against a reference computed from the raw lines by naive
//! splitting (common/reference.rs, no axlog code): each tier's requests, 5xx and p99
//! (HAProxy's Ta, nginx's request time), its series bucket by bucket (zero-filled over
//! the run's range, so the tiers' buckets match), the side-by-side text table, the run's
//! lines and sources; the same output with one and two threads; `--one-tier` adds them.

mod common;

use axlog_testgen::{DEFAULT_START, Format};
use common::generate::{config, generated_with};
use common::reference::{self, Req, nearest_of};
use common::{axlog, human, stderr_of, thousands, write_file};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

/// The three logs: the balancer's starts 30 s before the servers' (so the run's range is
/// wider than either tier's); each holds a few malformed lines.
fn logs(dir: &std::path::Path) -> (Vec<PathBuf>, Vec<String>) {
    let mut lb = config(Format::HaproxyHttp, 12_000, 3);
    lb.start_epoch_s = DEFAULT_START - 30;
    let texts = vec![
        generated_with(lb),
        generated_with(config(Format::NginxTimed, 6_000, 4)),
        generated_with(config(Format::NginxTimed, 5_000, 5)),
    ];
    let paths = ["lb.log", "web1.log", "web2.log"]
        .iter()
        .zip(&texts)
        .map(|(n, t)| write_file(dir, n, t.as_bytes()))
        .collect();
    (paths, texts)
}

/// The requests of the balancer's log and of the servers' logs, as the reference reads them.
fn requests(texts: &[String]) -> (Vec<Req>, Vec<Req>) {
    let lb = texts[0].lines().filter_map(reference::haproxy).collect();
    let web = texts[1..]
        .iter()
        .flat_map(|t| t.lines())
        .filter_map(|l| reference::nginx(l, false))
        .collect();
    (lb, web)
}

/// `axlog report FILES ARGS` with `-j 1` and `-j 2`, which must succeed and agree byte
/// for byte: what they wrote.
fn report(files: &[PathBuf], args: &[&str]) -> String {
    let run = |j: &str| {
        let out = axlog()
            .arg("report")
            .args(files)
            .args(args)
            .args(["-j", j])
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let one = run("1");
    assert_eq!(one, run("2"), "{args:?}");
    one
}

/// One bucket's requests and p99 (nearest rank).
fn bucket(reqs: &[&Req]) -> (u64, Option<u64>) {
    let lat: Vec<u64> = reqs.iter().filter_map(|r| r.latency_us).collect();
    (reqs.len() as u64, nearest_of(lat, 990_000))
}

/// A series: (bucket start, (requests, p99)) of each bucket.
type Series = Vec<(i64, (u64, Option<u64>))>;

/// The zero-filled series of `reqs` at width `w` over `[lo, hi]`.
fn series(reqs: &[Req], w: i64, lo: i64, hi: i64) -> Series {
    let mut by: HashMap<i64, Vec<&Req>> = HashMap::new();
    for r in reqs {
        by.entry(r.second.div_euclid(w)).or_default().push(r);
    }
    (lo.div_euclid(w)..=hi.div_euclid(w))
        .map(|b| (b * w, bucket(by.get(&b).map_or(&[][..], |v| &v[..]))))
        .collect()
}

/// The series of a summary as (start, (requests, p99)).
fn series_of(s: &Value) -> (i64, Series) {
    let buckets = s["series"]["buckets"].as_array().unwrap();
    let rows = buckets
        .iter()
        .map(|b| {
            (
                b["start_epoch"].as_i64().unwrap(),
                (b["requests"].as_u64().unwrap(), b["p99_us"].as_u64()),
            )
        })
        .collect();
    (s["series"]["bucket_s"].as_i64().unwrap(), rows)
}

/// A summary's requests, 5xx and p99 (request time, Ta where none).
fn totals(s: &Value) -> (u64, u64, Option<u64>) {
    let c5 = s["status"]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["class"] == "5xx")
        .unwrap()["count"]
        .as_u64()
        .unwrap();
    let p99 = match &s["latency"]["request_time"] {
        Value::Null => s["haproxy"]["ta"]["p99_us"].as_u64(),
        l => l["p99_us"].as_u64(),
    };
    (s["requests"].as_u64().unwrap(), c5, p99)
}

fn reference_totals(reqs: &[Req]) -> (u64, u64, Option<u64>) {
    let lat: Vec<u64> = reqs.iter().filter_map(|r| r.latency_us).collect();
    let c5 = reqs.iter().filter(|r| r.status / 100 == 5).count() as u64;
    (reqs.len() as u64, c5, nearest_of(lat, 990_000))
}

#[test]
fn tiers_are_summarised_apart_with_matching_buckets() {
    let dir = tempfile::tempdir().unwrap();
    let (files, texts) = logs(dir.path());
    let (lb, web) = requests(&texts);
    let lines: u64 = texts.iter().map(|t| t.lines().count() as u64).sum();
    assert!(
        lb.len() > 11_000 && web.len() > 10_000,
        "generated logs parse"
    );

    let v: Value =
        serde_json::from_str(&report(&files, &["--output", "json", "--bucket", "10s"])).unwrap();
    let tiers = v["tiers"].as_array().expect("two tiers");
    assert_eq!(tiers.len(), 2);
    assert_eq!(tiers[0]["name"], "load balancer");
    assert_eq!(tiers[1]["name"], "web");
    assert_eq!(tiers[0]["layouts"], serde_json::json!(["haproxy"]));
    assert_eq!(tiers[1]["layouts"], serde_json::json!(["nginx-timed"]));
    let (lb_s, web_s) = (&tiers[0]["summary"], &tiers[1]["summary"]);
    assert_eq!(totals(lb_s), reference_totals(&lb));
    assert_eq!(totals(web_s), reference_totals(&web));
    // The top level is the front tier's, with the run's lines and every source.
    assert_eq!(totals(&v), reference_totals(&lb));
    assert_eq!(v["lines"]["read"].as_u64(), Some(lines));
    let parsed = (lb.len() + web.len()) as u64;
    assert_eq!(v["lines"]["parsed"].as_u64(), Some(parsed));
    assert_eq!(v["lines"]["malformed"].as_u64(), Some(lines - parsed));
    let sources: Vec<(String, u64)> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let name = s["name"].as_str().unwrap();
            let file = name.rsplit('/').next().unwrap().to_string();
            (file, s["requests"].as_u64().unwrap())
        })
        .collect();
    let count = |t: &str| {
        t.lines()
            .filter(|l| reference::nginx(l, false).is_some())
            .count()
    };
    let want = vec![
        ("lb.log".to_string(), lb.len() as u64),
        ("web1.log".to_string(), count(&texts[1]) as u64),
        ("web2.log".to_string(), count(&texts[2]) as u64),
    ];
    assert_eq!(sources, want);
    // Each tier lists its own sources.
    assert_eq!(lb_s["sources"].as_array().unwrap().len(), 1);
    assert_eq!(web_s["sources"].as_array().unwrap().len(), 2);

    // The series: 10 s buckets over the run's range in both tiers.
    let all = lb.iter().chain(&web);
    let lo = all.clone().map(|r| r.second).min().unwrap();
    let hi = all.map(|r| r.second).max().unwrap();
    let (w, lb_series) = series_of(lb_s);
    assert_eq!(w, 10);
    assert_eq!(lb_series, series(&lb, 10, lo, hi));
    let (w, web_series) = series_of(web_s);
    assert_eq!(w, 10);
    assert_eq!(web_series, series(&web, 10, lo, hi));
    // The web servers' first buckets are empty: their logs start 30 s later.
    assert_eq!(web_series[0].1, (0, None));
}

#[test]
fn text_says_so_and_shows_the_tiers_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let (files, texts) = logs(dir.path());
    let (lb, web) = requests(&texts);
    let text = report(&files, &["--bucket", "1m"]);
    assert!(
        text.contains("2 tiers, each summarised on its own"),
        "{text}"
    );
    let tier_line = |name: &str, n: usize| {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("{name}: {text}"));
        let cells: Vec<&str> = line
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(cells.get(1), Some(&thousands(n as u64).as_str()), "{line}");
    };
    tier_line("load balancer", lb.len());
    tier_line("web ", web.len());
    // Side by side: each minute's requests and p99 (seconds, 3 decimals) of each tier.
    let all = lb.iter().chain(&web);
    let lo = all.clone().map(|r| r.second).min().unwrap();
    let hi = all.map(|r| r.second).max().unwrap();
    let (a, b) = (series(&lb, 60, lo, hi), series(&web, 60, lo, hi));
    let start = text.find("Tiers side by side").expect("side-by-side table");
    // The title, the header, then a row a bucket.
    let table: Vec<&str> = text[start..].lines().skip(2).take(a.len()).collect();
    assert_eq!(table.len(), a.len());
    let secs = |us: Option<u64>| us.map_or("-".to_string(), human);
    for ((row, (_, (ra, pa))), (_, (rb, pb))) in table.iter().zip(&a).zip(&b) {
        // Cells are two spaces apart or more; a time has one space (`2.57 s`).
        let cols: Vec<&str> = row
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(
            cols[1..],
            [thousands(*ra), secs(*pa), thousands(*rb), secs(*pb)],
            "{row}"
        );
    }
    // Each tier has its own section.
    assert!(
        text.contains("══ Tier: load balancer (haproxy) ══"),
        "{text}"
    );
    assert!(text.contains("══ Tier: web (nginx-timed) ══"), "{text}");
}

#[test]
fn one_tier_adds_every_input() {
    let dir = tempfile::tempdir().unwrap();
    let (files, texts) = logs(dir.path());
    let (lb, web) = requests(&texts);
    let v: Value =
        serde_json::from_str(&report(&files, &["--output", "json", "--one-tier"])).unwrap();
    assert!(v.get("tiers").is_none());
    assert_eq!(v["requests"].as_u64(), Some((lb.len() + web.len()) as u64));
}

#[test]
fn one_tier_of_inputs_has_no_tiers() {
    let dir = tempfile::tempdir().unwrap();
    let (files, _) = logs(dir.path());
    let v: Value = serde_json::from_str(&report(&files[1..], &["--output", "json"])).unwrap();
    assert!(v.get("tiers").is_none());
    let text = report(&files[1..], &[]);
    assert!(!text.contains("tiers"), "{text}");
}

#[test]
fn each_tier_shows_its_times_in_the_zone() {
    let dir = tempfile::tempdir().unwrap();
    let (files, texts) = logs(dir.path());
    // The balancer's accept dates carry no zone: read in +01:00, its times move an hour.
    let (lb, web) = requests(&texts);
    let v: Value =
        serde_json::from_str(&report(&files, &["--output", "json", "--tz", "+01:00"])).unwrap();
    for (t, reqs, shift) in [(&v["tiers"][0], &lb, 3600), (&v["tiers"][1], &web, 0)] {
        let s = &t["summary"];
        assert_eq!(s["display"]["zone"], "+01:00", "{}", t["name"]);
        let first = reqs.iter().map(|r| r.second).min().unwrap() - shift;
        let start = s["series"]["buckets"][0]["start"].as_str().unwrap();
        assert!(start.ends_with("+01:00"), "{start}");
        // The run's first bucket starts at or before the tier's first request.
        let epoch = s["series"]["buckets"][0]["start_epoch"].as_i64().unwrap();
        assert!(epoch <= first, "{epoch} {first}");
    }
}
