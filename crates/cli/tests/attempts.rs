//! nginx upstream attempts (`upstream_attempts` in the JSON report) on generated
//! ingress-nginx upstreaminfo logs with single attempts, retries, retries across upstream
//! groups (` : `), statuses `-` and requests without an upstream, against a reference
//! that splits the raw lines here: requests, attempts, retried, attempt counts, the
//! first/last/summed attempt times, and per address its attempts, fail-overs, statuses
//! and p99; with `-j 1` and `-j 2`, and with the address table capped small.

mod common;

use axlog_testgen::Format;
use common::generate::{Upstreams, as_upstreaminfo, config, generated};
use common::reference::{lists, nearest, nearest_of, nginx, secs_us};
use common::run::{report_both_raw, report_once};
use common::{named_counts, temp_file};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The upstream lists of line `i` (status `st`) rewritten as ingress-nginx's
/// upstreaminfo: no upstream (`-`), one attempt, a retry (`502` then the request's
/// status), or three attempts in two groups (`504, - : STATUS`).
fn upstreams(i: usize, st: &str) -> Upstreams {
    if i.is_multiple_of(7) {
        ("-".into(), "-".into(), "-".into(), "-".into())
    } else if i % 7 == 3 {
        (
            format!("10.0.0.{}:8080, 10.0.1.{}:8080", i % 3, i % 4),
            "0, 12".into(),
            format!("0.{:03}, 0.002", i % 50),
            format!("502, {st}"),
        )
    } else if i % 11 == 5 {
        (
            format!(
                "10.0.0.{}:8080, 10.0.1.{}:8080 : 10.0.2.1:8080",
                i % 3,
                i % 4
            ),
            "0, 0 : 12".into(),
            format!("0.001, - : 0.{:03}", i % 90),
            format!("504, - : {st}"),
        )
    } else {
        (
            format!("10.0.1.{}:8080", i % 4),
            "12".into(),
            format!("0.{:03}", i % 100),
            st.to_string(),
        )
    }
}

#[derive(Default, Debug)]
struct Addr {
    attempts: u64,
    failed_over: u64,
    statuses: BTreeMap<String, u64>,
    times: Vec<u64>,
}

#[derive(Default, Debug)]
struct Reference {
    requests: u64,
    without: u64,
    attempts: u64,
    counts: BTreeMap<u64, u64>,
    first: Vec<u64>,
    last: Vec<u64>,
    sum: Vec<u64>,
    /// In the order each address was first tried.
    order: Vec<String>,
    addrs: BTreeMap<String, Addr>,
}

/// The reference over every line of `text` the shared reference reads
/// (common/reference.rs).
fn reference(text: &str) -> Reference {
    let mut r = Reference::default();
    for line in text.lines() {
        if nginx(line, true).is_none() {
            continue;
        }
        // The lists follow `[] ` after the last quote.
        let Some((_, tail)) = line.rsplit('"').next().and_then(|t| t.split_once(" [] ")) else {
            continue;
        };
        let l = lists(tail);
        let [addrs, _lens, times, statuses, _id] = &l[..] else {
            panic!("{line}");
        };
        r.requests += 1;
        if addrs == &["-"] {
            r.without += 1;
            continue;
        }
        let n = addrs.len();
        r.attempts += n as u64;
        *r.counts.entry(n as u64).or_default() += 1;
        let t: Vec<Option<u64>> = times.iter().map(|s| secs_us(s)).collect();
        r.first.extend(t[0]);
        r.last.extend(t[n - 1]);
        if t.iter().any(Option::is_some) {
            r.sum.push(t.iter().flatten().sum());
        }
        for (i, a) in addrs.iter().enumerate() {
            if !r.addrs.contains_key(a) {
                r.order.push(a.clone());
            }
            let e = r.addrs.entry(a.clone()).or_default();
            e.attempts += 1;
            e.failed_over += u64::from(i + 1 < n);
            *e.statuses.entry(statuses[i].clone()).or_default() += 1;
            e.times.extend(t[i]);
        }
    }
    r
}

fn upstreaminfo(lines: u64, seed: u64) -> String {
    as_upstreaminfo(&generated(Format::NginxTimed, lines, seed), upstreams)
}

/// `report FILE ARGS --output json` with `-j 1` and `-j 2`, which must agree: the
/// report's `upstream_attempts`, and its text report.
fn attempts_both(file: &Path, args: &[&str]) -> (Value, String) {
    let run = |output: &str| {
        let args = [
            &["--format", "ingress-upstreaminfo"],
            args,
            &["--output", output],
        ]
        .concat();
        report_both_raw(file, &args)
    };
    let v: Value = serde_json::from_slice(&run("json")).unwrap();
    let text = String::from_utf8_lossy(&run("text")).into_owned();
    (v["upstream_attempts"].clone(), text)
}

fn latency(v: &Value) -> (u64, u64, u64, u64) {
    (
        v["count"].as_u64().unwrap(),
        v["p50_us"].as_u64().unwrap(),
        v["p99_us"].as_u64().unwrap(),
        v["max_us"].as_u64().unwrap(),
    )
}

fn want_latency(v: &[u64]) -> (u64, u64, u64, u64) {
    let mut v = v.to_vec();
    v.sort_unstable();
    let (p50, p99) = (nearest(&v, 500_000), nearest(&v, 990_000));
    (v.len() as u64, p50, p99, *v.last().unwrap())
}

/// The statuses of an upstream row, as a map.
fn statuses(row: &Value) -> BTreeMap<String, u64> {
    named_counts(&row["statuses"], "status", "attempts")
        .into_iter()
        .collect()
}

#[test]
fn attempts_match_the_reference() {
    let text = upstreaminfo(20_000, 3);
    let r = reference(&text);
    let (_dir, file) = temp_file("ingress.log", text.as_bytes());
    let (a, shown) = attempts_both(&file, &["--top", "100"]);
    // The log has every case the reference splits.
    assert!(r.without > 1000 && r.counts.len() == 3, "{:?}", r.counts);
    assert_eq!(a["requests"], r.requests);
    assert_eq!(a["requests_without_attempt"], r.without);
    assert_eq!(a["attempts"], r.attempts);
    let retried: u64 = r
        .counts
        .iter()
        .filter(|(n, _)| **n > 1)
        .map(|(_, c)| c)
        .sum();
    assert_eq!(a["retried"], retried);
    let counts: BTreeMap<u64, u64> = a["attempt_counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["attempts"].as_u64().unwrap(),
                c["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts, r.counts);
    assert_eq!(latency(&a["first"]), want_latency(&r.first));
    assert_eq!(latency(&a["last"]), want_latency(&r.last));
    assert_eq!(latency(&a["sum"]), want_latency(&r.sum));
    // Every address, by attempts (ties by address).
    let mut want: Vec<(&String, &Addr)> = r.addrs.iter().collect();
    want.sort_by(|x, y| y.1.attempts.cmp(&x.1.attempts).then(x.0.cmp(y.0)));
    let rows = a["upstreams"].as_array().unwrap();
    assert_eq!(rows.len(), want.len());
    assert_eq!(a["distinct_upstreams"], want.len() as u64);
    for (row, (addr, w)) in rows.iter().zip(&want) {
        assert_eq!(row["address"], addr.as_str());
        assert_eq!(row["attempts"], w.attempts, "{addr}");
        assert_eq!(row["failed_over"], w.failed_over, "{addr}");
        assert_eq!(statuses(row), w.statuses, "{addr}");
        let p99 = nearest_of(w.times.clone(), 990_000);
        assert_eq!(row["p99_us"].as_u64(), p99, "{addr}");
    }
    assert_eq!(a["cap_reached"], false);
    // The text report has the section, with the busiest address.
    assert!(shown.contains("Upstream attempts:"), "{shown}");
    assert!(shown.contains(want[0].0.as_str()));
}

/// With `--max-paths 2`, the address table keeps the first two addresses tried, in input
/// order, whatever the threads, and counts the others' attempts as untracked.
#[test]
fn a_capped_address_table_keeps_the_first_addresses() {
    let text = upstreaminfo(12_000, 9);
    let r = reference(&text);
    let (_dir, file) = temp_file("ingress.log", text.as_bytes());
    let (a, shown) = attempts_both(&file, &["--max-paths", "2"]);
    let kept = &r.order[..2];
    let rows = a["upstreams"].as_array().unwrap();
    let got: BTreeMap<String, (u64, u64)> = rows
        .iter()
        .map(|row| {
            let s = row["address"].as_str().unwrap().to_string();
            (
                s,
                (
                    row["attempts"].as_u64().unwrap(),
                    row["failed_over"].as_u64().unwrap(),
                ),
            )
        })
        .collect();
    let want: BTreeMap<String, (u64, u64)> = kept
        .iter()
        .map(|k| (k.clone(), (r.addrs[k].attempts, r.addrs[k].failed_over)))
        .collect();
    assert_eq!(got, want);
    let others: u64 = r
        .addrs
        .iter()
        .filter(|(k, _)| !kept.contains(k))
        .map(|(_, v)| v.attempts)
        .sum();
    assert_eq!(a["untracked_attempts"], others);
    assert_eq!(a["cap_reached"], true);
    // Statuses are capped too (4 times as many pairs): what is shown is never more than
    // the reference.
    for row in rows {
        let addr = row["address"].as_str().unwrap();
        for (s, n) in statuses(row) {
            assert!(n <= r.addrs[addr].statuses[&s], "{addr} {s}");
        }
    }
    // The totals are not capped.
    assert_eq!(a["attempts"], r.attempts);
    assert!(shown.contains("table full at 2 addresses"), "{shown}");
}

/// A layout without upstream lists has no section.
#[test]
fn no_upstream_lists_no_section() {
    let data = axlog_testgen::generate(&config(Format::NginxTimed, 200, 1));
    let (_dir, file) = temp_file("timed.log", &data);
    let v = report_once(&file, &[]);
    assert!(v.get("upstream_attempts").is_none());
}
