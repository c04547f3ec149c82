//! `axlog report --by DIM`: every row of every table on generated logs (nginx-timed,
//! ingress-nginx upstreaminfo built from them, HAProxy) against a reference computed here
//! from the raw lines by naive splitting (no axlog parser): requests, 4xx, 5xx, bytes and
//! the nearest-rank p99 of the request time (HAProxy's Ta), rows sorted by requests then
//! key; the same output with one and two threads; and tables capped small.

mod common;

use axlog_stats::aggregate::PEAK_WINDOW;
use axlog_testgen::Format;
use common::generate::{as_upstreaminfo, generated};
use common::reference::{RefRow, Req, haproxy, nearest, nearest_of, nginx, reference};
use common::run::{report_both, report_text};
use common::{axlog, stderr_of, temp_file, texts, thousands, write_file};
use serde_json::Value;
use std::collections::HashMap;

/// The rows of `--by dim` in a JSON report, as [`RefRow`]s.
fn rows_of(v: &Value, dim: &str) -> (Vec<RefRow>, u64) {
    let t = v["by"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["dimension"] == dim)
        .unwrap_or_else(|| panic!("no table {dim}"));
    common::reference::rows_of(t)
}

/// Checks every table of `dims` in `v` against the reference over `reqs`.
fn check_tables(v: &Value, reqs: &[Req], dims: &[&str]) {
    assert_eq!(
        v["requests"],
        reqs.len() as u64,
        "the reference reads every request"
    );
    for dim in dims {
        let (want, none) = reference(reqs, dim);
        assert!(want.len() > 1, "{dim}: a table of one row checks little");
        assert_eq!(rows_of(v, dim), (want, none), "{dim}");
    }
}

#[test]
fn nginx_timed_tables_match_the_reference() {
    let text = generated(Format::NginxTimed, 30_000, 7);
    let reqs: Vec<Req> = text.lines().filter_map(|l| nginx(l, false)).collect();
    let (_dir, file) = temp_file("timed.log", text.as_bytes());
    let dims = ["status", "method", "endpoint", "client"];
    let v = report_both(
        &file,
        &[
            "--by", "status", "--by", "method", "--by", "endpoint", "--by", "client", "--top",
            "1000000",
        ],
    );
    let order: Vec<&str> = texts(&v["by"], "dimension");
    assert_eq!(order, dims);
    check_tables(&v, &reqs, &dims);
    // Without a cap reached, nothing is untracked.
    for t in v["by"].as_array().unwrap() {
        assert_eq!(
            (t["cap_reached"].as_bool(), t["untracked_requests"].as_u64()),
            (Some(false), Some(0))
        );
    }
}

/// nginx-timed lines rewritten as ingress-nginx's upstreaminfo: each request gets an
/// upstream list (one attempt, a retry, or `-` for none) chosen by its line number.
fn upstreaminfo(text: &str) -> String {
    as_upstreaminfo(text, |i, status| match i % 7 {
        0 => ("-".into(), "-".into(), "-".into(), "-".into()),
        3 => (
            format!("10.0.0.{}:8080, 10.0.1.{}:8080", i % 3, i % 4),
            "0, 12".into(),
            "0.001, 0.002".into(),
            format!("502, {status}"),
        ),
        _ => (
            format!("10.0.1.{}:8080", i % 4),
            "12".into(),
            "0.001".into(),
            status.to_string(),
        ),
    })
}

#[test]
fn ingress_upstreams_match_the_reference() {
    let text = upstreaminfo(&generated(Format::NginxTimed, 20_000, 3));
    let reqs: Vec<Req> = text.lines().filter_map(|l| nginx(l, true)).collect();
    // Every seventh line has no upstream.
    assert!(
        reqs.iter()
            .filter(|r| !r.keys.contains_key("upstream"))
            .count()
            > 2000
    );
    let (_dir, file) = temp_file("ingress.log", text.as_bytes());
    let v = report_both(
        &file,
        &[
            "--format",
            "ingress-upstreaminfo",
            "--by",
            "upstream",
            "--by",
            "status",
            "--top",
            "1000",
        ],
    );
    check_tables(&v, &reqs, &["upstream", "status"]);
}

#[test]
fn haproxy_tables_match_the_reference() {
    let text = generated(Format::HaproxyHttp, 30_000, 11);
    let reqs: Vec<Req> = text.lines().filter_map(haproxy).collect();
    let (_dir, file) = temp_file("haproxy.log", text.as_bytes());
    let dims = [
        "server",
        "status",
        "endpoint",
        "client",
        "termination-state",
    ];
    let v = report_both(
        &file,
        &[
            "--by",
            "server",
            "--by",
            "status",
            "--by",
            "endpoint",
            "--by",
            "client",
            "--by",
            "termination-state",
            "--top",
            "1000000",
        ],
    );
    check_tables(&v, &reqs, &dims);
}

/// With a cap of 3 keys, a table keeps the first three clients met in input order, with
/// exact rows, and counts every other client's requests as untracked; `--top` cuts the
/// rows shown, not the counts.
#[test]
fn capped_tables_keep_the_first_keys_on_every_thread_count() {
    let text = generated(Format::NginxTimed, 30_000, 5);
    let reqs: Vec<Req> = text.lines().filter_map(|l| nginx(l, false)).collect();
    let mut first: Vec<&str> = Vec::new();
    for r in &reqs {
        let c = r.keys["client"].as_str();
        if first.len() < 3 && !first.contains(&c) {
            first.push(c);
        }
    }
    let kept: Vec<Req> = reqs
        .iter()
        .filter(|r| first.contains(&r.keys["client"].as_str()))
        .cloned()
        .collect();
    let (_dir, file) = temp_file("timed.log", text.as_bytes());
    let v = report_both(&file, &["--by", "client", "--max-paths", "3", "--top", "2"]);
    let (mut want, _) = reference(&kept, "client");
    assert_eq!(want.len(), 3);
    want.truncate(2);
    assert_eq!(rows_of(&v, "client"), (want, 0));
    let t = &v["by"][0];
    assert_eq!(t["cap_reached"], true);
    assert_eq!(t["distinct"], 3);
    assert_eq!(t["untracked_requests"], (reqs.len() - kept.len()) as u64);
    // The text report says so.
    let text = report_text(&file, &["--by", "client", "--max-paths", "3", "-j", "2"]);
    let note = format!(
        "(table full at 3 distinct keys: {} requests with later new keys are not ranked)",
        thousands((reqs.len() - kept.len()) as u64)
    );
    assert!(text.contains("\nBy client\n"), "{text}");
    assert!(text.contains(&note), "{text}");
}

#[test]
fn an_unknown_dimension_is_a_usage_error_naming_the_valid_ones() {
    let out = axlog()
        .args(["report", "--by", "status,colour", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains("\"colour\""), "{err}");
    assert!(err.contains("path, endpoint, source, host, upstream, frontend, backend, server, status, status-class, method, client, user-agent, termination, cache-status, tls-protocol, user-agent-raw, termination-state, field:NAME"), "{err}");
}

/// Without `--by` the JSON has no `by` field at all (the report is as it was).
#[test]
fn no_by_no_field() {
    let v = common::report_stdin(&[], "");
    assert!(v.get("by").is_none(), "{v}");
}

/// [p50, p90, p99, p99.9, max] and the count of `v`, as the JSON's `latencies` give them.
fn percentiles(mut v: Vec<u64>) -> Option<(u64, [u64; 5])> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let q = [500_000, 900_000, 990_000, 999_000, 1_000_000].map(|p| nearest(&v, p));
    Some((v.len() as u64, q))
}

/// The largest disorder of `seconds` (input order): how many seconds a request came
/// before one ahead of it.
fn disorder(seconds: &[i64]) -> i64 {
    let mut max = i64::MIN;
    let mut d = 0;
    for &s in seconds {
        d = d.max(max.saturating_sub(s));
        max = max.max(s);
    }
    d
}

/// The busiest second of `seconds` counted in full (ties to the earlier second), and
/// whether the peak is documented approximate: a request came `PEAK_WINDOW` or more
/// seconds before one ahead of it.
fn busiest_second(seconds: &[i64]) -> ((i64, u64), bool) {
    let mut per: std::collections::BTreeMap<i64, u64> = Default::default();
    seconds
        .iter()
        .for_each(|&s| *per.entry(s).or_default() += 1);
    let top = per.values().max().copied().unwrap_or(0);
    let first = per.iter().find(|(_, c)| **c == top).map_or(0, |(s, _)| *s);
    ((first, top), disorder(seconds) >= PEAK_WINDOW)
}

/// Checks each row of `rows` (a table's, or a row's sub-rows) against its requests in
/// `reqs` (`key_of` gives a request's key for these rows): 4xx and 5xx shares, QPS
/// mean over the run's seconds, the peak, and every latency's percentiles.
fn check_more(
    rows: &Value,
    reqs: &[&Req],
    run_seconds: u64,
    key_of: &dyn Fn(&Req) -> Option<String>,
) {
    let mut by_key: HashMap<String, Vec<&Req>> = HashMap::new();
    for r in reqs {
        if let Some(k) = key_of(r) {
            by_key.entry(k).or_default().push(r);
        }
    }
    for row in rows.as_array().unwrap() {
        let key = row["key"].as_str().unwrap();
        let mine: Vec<&Req> = by_key.get(key).cloned().unwrap_or_default();
        let n = mine.len() as u64;
        assert_eq!(row["requests"], n, "{key}");
        let c4 = mine.iter().filter(|r| r.status / 100 == 4).count() as f64;
        let c5 = mine.iter().filter(|r| r.status / 100 == 5).count() as f64;
        assert_eq!(row["share_4xx"].as_f64(), Some(c4 / n as f64), "{key}");
        assert_eq!(row["share_5xx"].as_f64(), Some(c5 / n as f64), "{key}");
        assert_eq!(
            row["qps_mean"].as_f64(),
            Some(n as f64 / run_seconds as f64),
            "{key}"
        );
        let seconds: Vec<i64> = mine.iter().map(|r| r.second).collect();
        let ((second, count), approximate) = busiest_second(&seconds);
        let peak = &row["qps_peak"];
        assert_eq!(peak["approximate"].as_bool(), Some(approximate), "{key}");
        if approximate {
            // A lower bound.
            assert!(peak["requests"].as_u64() <= Some(count), "{key}");
        } else {
            assert_eq!(
                (peak["second_epoch"].as_i64(), peak["requests"].as_u64()),
                (Some(second), Some(count)),
                "{key}"
            );
        }
        // Every latency the rows' requests logged, in the documented order.
        let mut want = Vec::new();
        let names = [
            "latency",
            "upstream_response_time",
            "tr",
            "tw",
            "tc",
            "tr_server",
        ];
        for name in names {
            let values: Vec<u64> = mine
                .iter()
                .filter_map(|r| match name {
                    "latency" => r.latency_us,
                    _ => r.other.iter().find(|o| o.0 == name).map(|o| o.1),
                })
                .collect();
            if let Some(p) = percentiles(values) {
                want.push((name.to_string(), p));
            }
        }
        let got: Vec<(String, (u64, [u64; 5]))> = row["latencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                assert_eq!(l["approximate"], false);
                let q = ["p50_us", "p90_us", "p99_us", "p999_us", "max_us"]
                    .map(|f| l[f].as_u64().unwrap());
                (
                    l["name"].as_str().unwrap().to_string(),
                    (l["count"].as_u64().unwrap(), q),
                )
            })
            .collect();
        assert_eq!(got, want, "{key}");
    }
}

/// The run's seconds: first to last, both included.
fn run_seconds(reqs: &[Req]) -> u64 {
    let lo = reqs.iter().map(|r| r.second).min().unwrap();
    let hi = reqs.iter().map(|r| r.second).max().unwrap();
    (hi - lo + 1) as u64
}

/// The table of `dim` in a report.
fn table<'v>(v: &'v Value, dim: &str) -> &'v Value {
    v["by"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["dimension"] == dim)
        .unwrap_or_else(|| panic!("no table {dim}"))
}

/// nginx-timed (request and upstream time) and HAProxy (Ta and TR, Tw, Tc, Tr): every
/// row's shares, QPS mean and peak, and latencies against the reference. Generated lines
/// are out of time order (each written as its request ends), but by less than the peak's
/// window: every peak is the busiest second counted in full, not approximate, as in the
/// same lines sorted by time.
#[test]
fn rows_have_shares_qps_and_every_latency() {
    let dir = tempfile::tempdir().unwrap();
    let timed = generated(Format::NginxTimed, 20_000, 21);
    let mut sorted: Vec<&str> = timed
        .lines()
        .filter(|l| nginx(l, false).is_some())
        .collect();
    sorted.sort_by_key(|l| nginx(l, false).map(|r| r.second));
    let sorted = sorted.join("\n") + "\n";
    let ha = generated(Format::HaproxyHttp, 20_000, 22);
    let cases: [(&str, &str, &[&str]); 3] = [
        ("timed.log", &timed, &["endpoint", "status"]),
        ("sorted.log", &sorted, &["endpoint", "client"]),
        ("haproxy.log", &ha, &["server", "status"]),
    ];
    for (name, text, dims) in cases {
        let reqs: Vec<Req> = text
            .lines()
            .filter_map(|l| nginx(l, false).or_else(|| haproxy(l)))
            .collect();
        let seconds: Vec<i64> = reqs.iter().map(|r| r.second).collect();
        match name {
            "sorted.log" => assert_eq!(disorder(&seconds), 0),
            _ => assert!(
                (1..PEAK_WINDOW).contains(&disorder(&seconds)),
                "{name}: out of order, within the window"
            ),
        }
        let file = write_file(dir.path(), name, text.as_bytes());
        let mut args = vec!["--top", "1000000"];
        dims.iter().for_each(|d| args.extend(["--by", d]));
        let v = report_both(&file, &args);
        assert_eq!(v["requests"], reqs.len() as u64, "{name}");
        let all: Vec<&Req> = reqs.iter().collect();
        for dim in dims {
            let rows = &table(&v, dim)["rows"];
            check_more(rows, &all, run_seconds(&reqs), &|r| {
                r.keys.get(dim).cloned()
            });
            let approximate = rows
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["qps_peak"]["approximate"] == true)
                .count();
            assert_eq!(approximate, 0, "{name} {dim}");
        }
        if name == "sorted.log" {
            // In time order the peak is the busiest second counted in full.
            for row in table(&v, "endpoint")["rows"].as_array().unwrap() {
                let mut per: std::collections::BTreeMap<i64, u64> = Default::default();
                for r in reqs
                    .iter()
                    .filter(|r| r.keys.get("endpoint").map(String::as_str) == row["key"].as_str())
                {
                    *per.entry(r.second).or_default() += 1;
                }
                let top = per.values().max().unwrap();
                let first = per.iter().find(|(_, c)| *c == top).unwrap().0;
                assert_eq!(row["qps_peak"]["requests"], *top);
                assert_eq!(row["qps_peak"]["second_epoch"], *first);
            }
        }
        if name == "haproxy.log" {
            let nosrv = table(&v, "server")["rows"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["key"].as_str().unwrap().ends_with("/<NOSRV>"))
                .count();
            assert!(nosrv > 0, "the generated log has <NOSRV> rows");
        }
    }
}

/// The reference order of `keys` (with their requests) under `--sort sort`: highest
/// first, ties by key.
fn sorted_keys(
    reqs: &[&Req],
    key_of: &dyn Fn(&Req) -> Option<String>,
    sort: &str,
    top: usize,
) -> Vec<String> {
    let mut by: HashMap<String, Vec<&Req>> = HashMap::new();
    for r in reqs {
        if let Some(k) = key_of(r) {
            by.entry(k).or_default().push(r);
        }
    }
    let mut ranked: Vec<(u64, String)> = by
        .into_iter()
        .map(|(k, rs)| {
            let count = |f: &dyn Fn(&Req) -> bool| rs.iter().filter(|r| f(r)).count() as u64;
            let v = match sort {
                "requests" => rs.len() as u64,
                "errors" => count(&|r| r.status / 100 == 4 || r.status / 100 == 5),
                "5xx" => count(&|r| r.status / 100 == 5),
                "bytes" => rs.iter().map(|r| r.bytes).sum(),
                // Rows without latency below a p99 of 0.
                _ => {
                    let l: Vec<u64> = rs.iter().filter_map(|r| r.latency_us).collect();
                    nearest_of(l, 990_000).map_or(0, |p| p + 1)
                }
            };
            (v, k)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    ranked.into_iter().take(top).map(|(_, k)| k).collect()
}

/// `--by endpoint,status-class` with each `--sort`: the top endpoints in that order, each
/// with its top status classes in that order, every value checked; one table, nested.
#[test]
fn two_levels_and_every_sort() {
    let text = generated(Format::NginxTimed, 20_000, 23);
    let reqs: Vec<Req> = text.lines().filter_map(|l| nginx(l, false)).collect();
    let all: Vec<&Req> = reqs.iter().collect();
    let (_dir, file) = temp_file("timed.log", text.as_bytes());
    let class = |r: &Req| format!("{}xx", r.status / 100);
    for sort in ["requests", "errors", "5xx", "p99", "bytes"] {
        let v = report_both(
            &file,
            &[
                "--by",
                "endpoint,status-class",
                "--top",
                "4",
                "--sort",
                sort,
            ],
        );
        let by = v["by"].as_array().unwrap();
        assert_eq!(by.len(), 1, "one table for one --by");
        let t = &by[0];
        assert_eq!(
            (t["dimension"].as_str(), t["sort"].as_str()),
            (Some("endpoint,status-class"), Some(sort))
        );
        assert_eq!(t["sub_rows"]["dimension"], "status-class");
        let endpoint = |r: &Req| r.keys.get("endpoint").cloned();
        let keys: Vec<&str> = texts(&t["rows"], "key");
        assert_eq!(keys, sorted_keys(&all, &endpoint, sort, 4), "{sort}");
        check_more(&t["rows"], &all, run_seconds(&reqs), &endpoint);
        for row in t["rows"].as_array().unwrap() {
            let mine: Vec<&Req> = reqs
                .iter()
                .filter(|r| endpoint(r).as_deref() == row["key"].as_str())
                .collect();
            let subs: Vec<&str> = texts(&row["rows"], "key");
            assert_eq!(
                subs,
                sorted_keys(&mine, &|r| Some(class(r)), sort, 4),
                "{sort}"
            );
            check_more(&row["rows"], &mine, run_seconds(&reqs), &|r| Some(class(r)));
        }
    }
    // The text shows the sub-rows indented under their row.
    let text = report_text(&file, &["--by", "endpoint,status-class", "--top", "2"]);
    assert!(text.contains("\nBy endpoint,status-class\n"), "{text}");
    assert!(text.contains("\n    2xx "), "{text}");
}

/// Two levels with the caps at 3: the rows are the first 3 endpoints met, the sub-rows
/// the first 3 pairs met; the rest counted as untracked, the same on both thread counts.
#[test]
fn two_levels_capped_small() {
    let text = generated(Format::NginxTimed, 20_000, 24);
    let reqs: Vec<Req> = text.lines().filter_map(|l| nginx(l, false)).collect();
    let (_dir, file) = temp_file("timed.log", text.as_bytes());
    let v = report_both(
        &file,
        &["--by", "endpoint,status", "--max-paths", "3", "--top", "10"],
    );
    let (mut firsts, mut pairs): (Vec<String>, Vec<(String, String)>) = (Vec::new(), Vec::new());
    for r in &reqs {
        let Some(e) = r.keys.get("endpoint") else {
            continue;
        };
        if firsts.len() < 3 && !firsts.contains(e) {
            firsts.push(e.clone());
        }
        let p = (e.clone(), r.keys["status"].clone());
        if pairs.len() < 3 && !pairs.contains(&p) {
            pairs.push(p);
        }
    }
    let t = &v["by"][0];
    let mut keys: Vec<String> = t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_string())
        .collect();
    keys.sort();
    firsts.sort();
    assert_eq!(keys, firsts);
    let with_key = reqs
        .iter()
        .filter(|r| r.keys.contains_key("endpoint"))
        .count();
    let in_firsts = reqs
        .iter()
        .filter(|r| r.keys.get("endpoint").is_some_and(|e| firsts.contains(e)))
        .count();
    assert_eq!(t["untracked_requests"], (with_key - in_firsts) as u64);
    let in_pairs = reqs
        .iter()
        .filter(|r| {
            r.keys
                .get("endpoint")
                .is_some_and(|e| pairs.contains(&(e.clone(), r.keys["status"].clone())))
        })
        .count();
    assert_eq!(
        t["sub_rows"]["untracked_requests"],
        (with_key - in_pairs) as u64
    );
    let mut got: Vec<(String, String, u64)> = Vec::new();
    for row in t["rows"].as_array().unwrap() {
        for sub in row["rows"].as_array().unwrap() {
            got.push((
                row["key"].as_str().unwrap().into(),
                sub["key"].as_str().unwrap().into(),
                sub["requests"].as_u64().unwrap(),
            ));
        }
    }
    let mut want: Vec<(String, String, u64)> = pairs
        .iter()
        .filter(|p| firsts.contains(&p.0))
        .map(|p| {
            let n = reqs
                .iter()
                .filter(|r| r.keys.get("endpoint") == Some(&p.0) && r.keys["status"] == p.1)
                .count();
            (p.0.clone(), p.1.clone(), n as u64)
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

/// A request `PEAK_WINDOW` or more seconds before one ahead of it in its row: that row's
/// peak is marked approximate (its second split: 3 of 5 counted), another row's is not.
#[test]
fn a_request_beyond_the_window_marks_its_row_approximate() {
    let dir = tempfile::tempdir().unwrap();
    let line = |t: i64, path: &str| {
        format!(
            "1.2.3.4 - - [21/Nov/2026:00:{:02}:{:02} +0000] \"GET {path} HTTP/1.1\" 200 10 \"-\" \"ua\"\n",
            t / 60,
            t % 60
        )
    };
    let late = PEAK_WINDOW + 72;
    let seq = [
        (0, "/a"),
        (0, "/a"),
        (0, "/a"),
        (1, "/b"),
        (1, "/b"),
        (late, "/a"),
        (late + 1, "/b"),
        (0, "/a"),
        (0, "/a"),
        (late + 2, "/b"),
    ];
    let text: String = seq.iter().map(|(t, p)| line(*t, p)).collect();
    let file = write_file(dir.path(), "late.log", text.as_bytes());
    let v = report_both(&file, &["--by", "path"]);
    let start = 1_795_219_200;
    let peaks: Vec<(String, Value)> = table(&v, "path")["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_string(),
                r["qps_peak"].clone(),
            )
        })
        .map(|(k, p)| {
            (
                k,
                serde_json::json!([p["requests"], p["second_epoch"], p["approximate"]]),
            )
        })
        .collect();
    assert_eq!(
        peaks,
        [
            ("/a".to_string(), serde_json::json!([3, start, true])),
            ("/b".to_string(), serde_json::json!([2, start + 1, false])),
        ]
    );
}
