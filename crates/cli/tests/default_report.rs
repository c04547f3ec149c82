//! The report without flags: its headline, the top endpoints by requests, by p99 and by
//! 5xx, HAProxy's servers with their errors (`<NOSRV>` rows always) and termination
//! states, against a reference computed here from the raw lines (common/reference.rs),
//! with `-j 1` and `-j 2` giving the same report.

mod common;

use axlog_testgen::Format;
use common::generate::generated;
use common::reference::{Req, haproxy, nearest, nearest_of, nginx};
use common::run::{report_both, report_text};
use common::{human, named_counts, temp_file, thousands};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// An endpoint's reference figures: requests, 5xx, p99.
#[derive(Default)]
struct Ep {
    count: u64,
    c5: u64,
    latencies: Vec<u64>,
}

/// (endpoint, count, 5xx, p99) of a JSON list.
fn listed(v: &Value) -> List {
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["endpoint"].as_str().unwrap().to_string(),
                e["count"].as_u64().unwrap(),
                e["status_5xx"].as_u64().unwrap(),
                e["p99_us"].as_u64(),
            )
        })
        .collect()
}

/// An endpoint as the lists give it: endpoint, count, 5xx, p99.
type Listed = (String, u64, u64, Option<u64>);
type List = Vec<Listed>;

/// The three lists the reference expects: `n` each, highest first, ties by endpoint.
fn lists(reqs: &[Req], n: usize) -> [List; 3] {
    let mut by: HashMap<String, Ep> = HashMap::new();
    for r in reqs {
        if let Some(e) = r.keys.get("endpoint") {
            let x = by.entry(e.clone()).or_default();
            x.count += 1;
            x.c5 += u64::from(r.status / 100 == 5);
            x.latencies.extend(r.latency_us);
        }
    }
    let all: List = by
        .into_iter()
        .map(|(k, e)| (k, e.count, e.c5, nearest_of(e.latencies, 990_000)))
        .collect();
    let ranked = |key: &dyn Fn(&Listed) -> Option<u64>| {
        let mut l: Vec<_> = all.iter().filter(|e| key(e).is_some()).cloned().collect();
        l.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.0.cmp(&b.0)));
        l.truncate(n);
        l
    };
    [
        ranked(&|e| Some(e.1)),
        ranked(&|e| e.3),
        ranked(&|e| (e.2 > 0).then_some(e.2)),
    ]
}

#[test]
fn nginx_headline_and_top_endpoints() {
    let text = generated(Format::NginxTimed, 20_000, 31);
    let reqs: Vec<Req> = text.lines().filter_map(|l| nginx(l, false)).collect();
    let (_dir, file) = temp_file("timed.log", text.as_bytes());
    let v = report_both(&file, &[]);
    assert_eq!(v["requests"], reqs.len() as u64);
    let e = &v["top_endpoints"];
    let [by_requests, by_p99, by_5xx] = lists(&reqs, 5);
    assert_eq!(listed(&e["by_requests"]), by_requests);
    assert_eq!(listed(&e["by_p99"]), by_p99);
    assert_eq!(listed(&e["by_5xx"]), by_5xx);
    assert!(by_5xx.len() == 5 && by_p99.len() == 5);
    // `--top 3` shortens them.
    let v3 = report_both(&file, &["--top", "3"]);
    assert_eq!(
        listed(&v3["top_endpoints"]["by_requests"]),
        lists(&reqs, 3)[0]
    );

    // The headline, from the reference's own counts.
    let n = reqs.len() as u64;
    let mut per: BTreeMap<i64, u64> = BTreeMap::new();
    reqs.iter()
        .for_each(|r| *per.entry(r.second).or_default() += 1);
    let seconds = (per.keys().last().unwrap() - per.keys().next().unwrap() + 1) as f64;
    let peak = per.values().max().unwrap();
    let c5 = reqs.iter().filter(|r| r.status / 100 == 5).count() as f64;
    let mut lat: Vec<u64> = reqs.iter().filter_map(|r| r.latency_us).collect();
    lat.sort_unstable();
    let read = text.lines().count() as f64;
    // The log's span from its first to its last second, as minutes and seconds.
    let span = (per.keys().last().unwrap() - per.keys().next().unwrap()) as u64;
    assert!(span < 3600);
    let want = format!(
        "\n{} requests · QPS mean {:.2}, peak {peak} · 5xx {:.2}% · p99 {} · malformed {:.2}% · {}m{:02}s of log\n",
        thousands(n),
        n as f64 / seconds,
        c5 / n as f64 * 100.0,
        human(nearest(&lat, 990_000)),
        (read - n as f64) / read * 100.0,
        span / 60,
        span % 60,
    );
    let shown = report_text(&file, &[]);
    assert!(shown.contains(&want), "{want}\n{shown}");
    for title in [
        "Top endpoints by requests",
        "Slowest endpoints (p99)",
        "Endpoints with most 5xx",
    ] {
        assert!(shown.contains(&format!("\n{title}\n")), "{title}\n{shown}");
    }
    assert!(!shown.contains("Top paths"), "{shown}");
}

/// With `--by endpoint`, the lists come from its table: exact even where the path table
/// is capped (`--max-paths` at the log's endpoint count tracks few of its paths), and the same
/// lists as the path table's fold gives where it is not.
#[test]
fn top_endpoints_from_the_by_endpoint_table() {
    let text = generated(Format::NginxTimed, 20_000, 32);
    let reqs: Vec<Req> = text.lines().filter_map(|l| nginx(l, false)).collect();
    let (_dir, file) = temp_file("timed.log", text.as_bytes());
    let want = lists(&reqs, 5);
    let folded = report_both(&file, &[]);
    let by = report_both(&file, &["--by", "endpoint"]);
    // A cap that holds every endpoint but few of the paths.
    let distinct = |key: &dyn Fn(&Req) -> Option<&String>| {
        let set: std::collections::HashSet<&String> = reqs.iter().filter_map(key).collect();
        set.len()
    };
    let endpoints = distinct(&|r| r.keys.get("endpoint"));
    let paths = distinct(&|r| r.path.as_ref());
    assert!(
        paths > 2 * endpoints,
        "{paths} paths, {endpoints} endpoints"
    );
    let cap = endpoints.to_string();
    let capped = report_both(&file, &["--by", "endpoint", "--max-paths", &cap]);
    let paths_capped = report_both(&file, &["--max-paths", &cap]);
    for v in [&folded, &by] {
        let e = &v["top_endpoints"];
        assert_eq!(listed(&e["by_requests"]), want[0]);
        assert_eq!(listed(&e["by_p99"]), want[1]);
        assert_eq!(listed(&e["by_5xx"]), want[2]);
    }
    assert_eq!(by["top_endpoints"], folded["top_endpoints"]);
    assert_eq!(capped["top_endpoints"]["untracked_requests"], 0);
    assert_eq!(listed(&capped["top_endpoints"]["by_requests"]), want[0]);
    assert_eq!(capped["top_endpoints"]["distinct"], endpoints as u64);
    // Without the table, the capped path table leaves requests out of every endpoint.
    assert!(paths_capped["top_endpoints"]["untracked_requests"].as_u64() > Some(0));
}

/// HAProxy with `--top 3`: the three busiest servers, then every `<NOSRV>` server (none
/// of them busy enough to be among the three), each with its 4xx and 5xx; the
/// termination states, full and by two characters.
#[test]
fn haproxy_servers_nosrv_and_termination_states() {
    let text = generated(Format::HaproxyHttp, 20_000, 32);
    let reqs: Vec<Req> = text.lines().filter_map(haproxy).collect();
    let (_dir, file) = temp_file("haproxy.log", text.as_bytes());
    let v = report_both(&file, &["--top", "3"]);
    let mut servers: HashMap<&str, (u64, u64, u64)> = HashMap::new();
    for r in &reqs {
        let s = servers.entry(r.keys["server"].as_str()).or_default();
        s.0 += 1;
        s.1 += u64::from(r.status / 100 == 4);
        s.2 += u64::from(r.status / 100 == 5);
    }
    let mut top: Vec<(&str, (u64, u64, u64))> = servers.iter().map(|(k, v)| (*k, *v)).collect();
    top.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(b.0)));
    let mut want: Vec<(&str, (u64, u64, u64))> = top[..3].to_vec();
    let mut nosrv: Vec<_> = top[3..]
        .iter()
        .filter(|s| s.0.ends_with("/<NOSRV>"))
        .copied()
        .collect();
    assert!(!nosrv.is_empty(), "the generated log has <NOSRV> lines");
    nosrv.sort_by(|a, b| a.0.cmp(b.0));
    want.extend(nosrv);
    let got: Vec<(&str, (u64, u64, u64))> = v["haproxy"]["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let n = |f: &str| s[f].as_u64().unwrap();
            (
                s["path"].as_str().unwrap(),
                (n("count"), n("status_4xx"), n("status_5xx")),
            )
        })
        .collect();
    assert_eq!(got, want);

    // Termination states: most frequent first, ties by state.
    let count = |key: &dyn Fn(&str) -> String| {
        let mut m: HashMap<String, u64> = HashMap::new();
        for r in &reqs {
            *m.entry(key(&r.keys["termination_state"])).or_default() += 1;
        }
        let mut l: Vec<(String, u64)> = m.into_iter().collect();
        l.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        l
    };
    let states =
        |f: &str| -> Vec<(String, u64)> { named_counts(&v["haproxy"][f], "state", "count") };
    let full = count(&|s| s.to_string());
    assert!(full.len() > 3, "{full:?}");
    assert_eq!(states("termination_states"), full);
    assert_eq!(states("termination_phases"), count(&|s| s[..2].to_string()));
    let shown = report_text(&file, &["--top", "3"]);
    for (s, _) in want.iter().skip(3) {
        assert!(shown.contains(&format!("\n  {s} ")), "{s}\n{shown}");
    }
    assert!(
        shown.contains(&format!(
            "\nTermination states       {} {}",
            full[0].0,
            thousands(full[0].1)
        )),
        "{shown}"
    );
}
