//! Anomalies with known answers (issue 19): calm generated traffic with one injected
//! event (`axlog-testgen --calm --event`) in the middle, read by `axlog report --output
//! json`, must list an anomaly overlapping the event with the event's kind, metric and
//! contributor; 24 hours of calm traffic at most one anomaly; `--fail-if 'anomalies > 0'`
//! exits 3 on an event's log and 0 on calm traffic.
//!
//! Each log's premise (the event is where the test says, as strong as it says) is
//! checked first on the lines themselves with the reference splitter
//! (`common/reference.rs`), not axlog.
//!
//! Figures: the event logs are 2 hours (`--duration 2h`, 09:30 to 11:30 UTC) at `--rate
//! 10`, ~95,000 lines, about 13 requests/s around the event at 10:30; the calm days 24
//! hours at `--rate 6` (~518,000 lines, 108 to 612 requests a minute). Each log ends on a
//! whole minute, so its last bucket is a whole one.

mod common;

use axlog_testgen::{Config, DEFAULT_START, Format, Limit};
use common::reference::{self, Req};
use common::{axlog, stderr_of, temp_file};
use serde_json::Value;
use std::path::Path;

/// Every event starts at 10:30 UTC of the generated day.
const AT: i64 = DEFAULT_START + 10 * 3_600 + 30 * 60;

/// One case: the event, the log it is in, and what the report must say of it.
struct Case {
    format: Format,
    /// `--event`'s argument.
    spec: String,
    /// `[AT, AT + seconds)`.
    seconds: i64,
    /// The anomaly kinds that describe it (an outage may be reported as a gap).
    kinds: &'static [&'static str],
    metric: &'static str,
    /// The contributor's dimension and key; `None`: no endpoint or server explains it.
    contributor: Option<(&'static str, &'static str)>,
}

/// `KIND@10:30/DURATION[:KEY]`.
fn case(
    format: Format,
    kind: &str,
    seconds: i64,
    key: Option<(&'static str, &'static str)>,
) -> Case {
    let (kinds, metric): (&'static [&'static str], _) = match kind {
        "spike" => (&["spike"], "requests"),
        "outage" => (&["outage", "gap"], "requests"),
        "errors" => (&["errors"], "5xx_rate"),
        _ => (&["latency"], "p99_us"),
    };
    let key_arg = key.map(|(d, k)| format!(":{d}={k}")).unwrap_or_default();
    Case {
        format,
        spec: format!("{kind}@2026-11-21T10:30:00Z/{seconds}s{key_arg}"),
        seconds,
        kinds,
        metric,
        contributor: key,
    }
}

/// An event's log: two hours, the event in the middle.
const SECONDS: u64 = 2 * 3_600;

/// Calm traffic from 09:30 at `--rate 10`, `seconds` long, with `events`.
fn config(format: Format, seconds: u64, events: &[&str]) -> Config {
    Config {
        format,
        limit: Limit::Seconds(seconds),
        start_epoch_s: DEFAULT_START + 9 * 3_600 + 30 * 60,
        rate: 10.0,
        calm: true,
        events: events.iter().map(|e| e.parse().unwrap()).collect(),
        ..Config::default()
    }
}

/// The time of a line (nginx's, HAProxy's accept date), read quickly: epoch seconds.
fn second_of(line: &str, format: Format) -> Option<i64> {
    let line = match format {
        // After the syslog header and its `haproxy[PID]`.
        Format::HaproxyHttp => line.split_once(": ")?.1,
        _ => line,
    };
    reference::epoch(line.split_once('[')?.1.split_once(']')?.0)
}

/// The log's text, the span of its lines' times, and its requests stamped within
/// `spans` (`[from, to)` each) as the reference reads them (the others are not parsed:
/// the reference is slow in a debug build).
fn log(cfg: &Config, spans: &[(i64, i64)]) -> (Vec<u8>, (i64, i64), Vec<Req>) {
    let text = axlog_testgen::generate(cfg);
    let (reqs, span) = read(&String::from_utf8_lossy(&text), cfg.format, spans);
    (text, span, reqs)
}

/// `log`'s reading of `text`.
fn read(text: &str, format: Format, spans: &[(i64, i64)]) -> (Vec<Req>, (i64, i64)) {
    let (mut reqs, mut first, mut last) = (Vec::new(), i64::MAX, i64::MIN);
    if spans.is_empty() {
        // Only the span: the first and the last times.
        let first = text.lines().find_map(|l| second_of(l, format));
        let last = text.lines().rev().find_map(|l| second_of(l, format));
        return (reqs, (first.unwrap_or(i64::MAX), last.unwrap_or(i64::MIN)));
    }
    for line in text.lines() {
        let Some(t) = second_of(line, format) else {
            continue;
        };
        (first, last) = (first.min(t), last.max(t));
        if !spans.iter().any(|&(from, to)| t >= from && t < to) {
            continue;
        }
        let req = match format {
            Format::HaproxyHttp => reference::haproxy(line),
            _ => reference::nginx(line, false),
        };
        reqs.extend(req);
    }
    (reqs, (first, last))
}

/// The spans `assert_premise` reads: half an hour before the event, and the event with
/// a minute either side.
fn premise_spans(c: &Case) -> [(i64, i64); 2] {
    [
        (AT - 1_800, AT - 1_800 + c.seconds),
        (AT - 60, AT + c.seconds + 60),
    ]
}

fn key_of<'r>(r: &'r Req, dim: &str) -> &'r str {
    r.keys.get(dim).map(String::as_str).unwrap_or("")
}

/// The requests stamped in `[from, from + len)` that `keep` keeps.
fn count(reqs: &[Req], from: i64, len: i64, keep: impl Fn(&Req) -> bool) -> usize {
    reqs.iter()
        .filter(|r| r.second >= from && r.second < from + len && keep(r))
        .count()
}

/// Nearest-rank p99 of the request times stamped in `[from, from + len)`, µs.
fn p99(reqs: &[Req], from: i64, len: i64) -> u64 {
    let v = reqs
        .iter()
        .filter(|r| r.second >= from && r.second < from + len)
        .filter_map(|r| r.latency_us)
        .collect();
    reference::nearest_of(v, 990_000).unwrap()
}

/// The event is in the lines, as strong as the case says: what the report is then
/// expected to find.
fn assert_premise(c: &Case, span: (i64, i64), reqs: &[Req]) {
    let (n, at) = (c.seconds, AT);
    // The baseline window (an hour by default, centred) holds the event.
    assert!(
        span.0 <= at - 1_800 && span.1 > at + n + 1_800,
        "{}: the log spans {span:?}",
        c.spec
    );
    // The same span half an hour before, unaffected.
    let before = count(reqs, at - 1_800, n, |_| true);
    let inside = count(reqs, at, n, |_| true);
    let on_key = |r: &Req| c.contributor.is_some_and(|(d, k)| key_of(r, d) == k);
    match c.kinds[0] {
        "spike" => {
            assert!(
                inside * 10 > before * 25,
                "{}: {inside} vs {before}",
                c.spec
            );
            let key_inside = count(reqs, at, n, on_key);
            let key_before = count(reqs, at - 1_800, n, on_key);
            // Most of the extra requests went to the key.
            assert!(
                (key_inside - key_before) * 10 > (inside - before) * 9,
                "{}: {key_inside} vs {key_before}",
                c.spec
            );
        }
        "outage" => {
            assert_eq!(inside, 0, "{}", c.spec);
            assert!(count(reqs, at - 60, 60, |_| true) > 300, "{}", c.spec);
            assert!(count(reqs, at + n, 60, |_| true) > 300, "{}", c.spec);
        }
        "errors" => {
            let errors = count(reqs, at, n, |r| r.status >= 500);
            assert!(
                errors * 100 > inside * 17,
                "{}: {errors} of {inside}",
                c.spec
            );
            let key_errors = count(reqs, at, n, |r| r.status >= 500 && on_key(r));
            assert!(
                key_errors * 10 > errors * 8,
                "{}: {key_errors} of {errors}",
                c.spec
            );
        }
        _ => {
            // HAProxy stamps the accept date, up to the slowed Ta earlier: the minute
            // before is in the window too.
            let from = if c.format == Format::HaproxyHttp {
                at - 60
            } else {
                at
            };
            let slow = p99(reqs, from, at + n - from);
            let usual = p99(reqs, at - 1_800, n);
            assert!(slow > 5 * usual, "{}: p99 {slow} vs {usual} µs", c.spec);
        }
    }
}

/// `axlog report LOG --output json ARGS`: the exit code and the report.
fn report(path: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let out = axlog()
        .arg("report")
        .arg(path)
        .args(["--output", "json"])
        .args(args)
        .output()
        .unwrap();
    let json =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr_of(&out)));
    (out.status.code(), json)
}

/// The report's anomalies (`anomalies.anomalies`), with its count checked.
fn anomalies(report: &Value) -> Vec<Value> {
    let a = &report["anomalies"];
    let list = a["anomalies"].as_array().expect("anomalies listed").clone();
    assert!(a["count"].as_u64().unwrap() >= list.len() as u64);
    list
}

/// A generated log with the case's event: the report finds it.
fn assert_found(c: &Case) {
    let cfg = config(c.format, SECONDS, &[&c.spec]);
    let (text, span, reqs) = log(&cfg, &premise_spans(c));
    assert_premise(c, span, &reqs);
    let (_dir, path) = temp_file("access.log", &text);
    drop(text);
    let (code, json) = report(&path, &[]);
    assert_eq!(code, Some(0), "{}", c.spec);
    let list = anomalies(&json);
    let (from, to) = (AT, AT + c.seconds);
    let found = list.iter().find(|a| {
        c.kinds.contains(&a["kind"].as_str().unwrap_or(""))
            && a["metric"] == c.metric
            && a["start_epoch"].as_i64().unwrap() < to
            && a["end_epoch"].as_i64().unwrap() > from
    });
    let Some(found) = found else {
        panic!(
            "{}: no {:?} anomaly over [{from}, {to}) in {list:#?}",
            c.spec, c.kinds
        )
    };
    let contributor = &found["contributor"];
    match c.contributor {
        Some((dim, key)) => {
            assert_eq!(contributor["dimension"], dim, "{}: {found:#}", c.spec);
            assert_eq!(contributor["key"], key, "{}: {found:#}", c.spec);
            assert!(contributor["share"].as_f64().unwrap() >= 0.5, "{found:#}");
        }
        // All keys stopped at once: none of the endpoints or servers explains it
        // (one source may: it carried all the traffic).
        None => assert!(
            contributor.is_null() || contributor["dimension"] == "source",
            "{}: {found:#}",
            c.spec
        ),
    }
}

/// The eight cases: each kind on nginx-timed (keyed by endpoint) and on haproxy-http
/// (keyed by server).
fn cases() -> Vec<Case> {
    use Format::{HaproxyHttp, NginxTimed};
    vec![
        case(NginxTimed, "spike", 120, Some(("endpoint", "/search"))),
        case(HaproxyHttp, "spike", 120, Some(("server", "api/web2"))),
        case(NginxTimed, "outage", 60, None),
        case(HaproxyHttp, "outage", 60, None),
        case(NginxTimed, "errors", 60, Some(("endpoint", "/api/v1/cart"))),
        case(HaproxyHttp, "errors", 60, Some(("server", "static/web5"))),
        case(
            NginxTimed,
            "latency",
            60,
            Some(("endpoint", "/api/v1/products/:id")),
        ),
        case(HaproxyHttp, "latency", 60, Some(("server", "app/web3"))),
    ]
}

#[test]
fn the_logs_hold_their_events() {
    for c in cases() {
        let (_, span, reqs) = log(&config(c.format, SECONDS, &[&c.spec]), &premise_spans(&c));
        assert_premise(&c, span, &reqs);
    }
}

#[test]
fn spike_found_with_its_endpoint_and_server() {
    assert_found(&cases()[0]);
    assert_found(&cases()[1]);
}

#[test]
fn outage_found() {
    assert_found(&cases()[2]);
    assert_found(&cases()[3]);
}

#[test]
fn errors_found_with_their_endpoint_and_server() {
    assert_found(&cases()[4]);
    assert_found(&cases()[5]);
}

#[test]
fn latency_found_with_its_endpoint_and_server() {
    assert_found(&cases()[6]);
    assert_found(&cases()[7]);
}

#[test]
fn a_calm_day_has_at_most_one_anomaly() {
    for format in [Format::NginxTimed, Format::HaproxyHttp] {
        let cfg = Config {
            start_epoch_s: DEFAULT_START,
            rate: 6.0,
            ..config(format, 86_400, &[])
        };
        let (text, (first, last), _) = log(&cfg, &[]);
        assert_eq!(
            (first, last),
            (DEFAULT_START, DEFAULT_START + 86_399),
            "{format}"
        );
        let (_dir, path) = temp_file("access.log", &text);
        drop(text);
        let (code, json) = report(&path, &[]);
        assert_eq!(code, Some(0), "{format}");
        let list = anomalies(&json);
        assert!(
            json["anomalies"]["count"].as_u64().unwrap() <= 1,
            "{format}: {list:#?}"
        );
    }
}

#[test]
fn fail_if_anomalies_exits_3_on_an_event_and_0_when_calm() {
    let spike = &cases()[0];
    let (text, ..) = log(&config(spike.format, SECONDS, &[&spike.spec]), &[]);
    let (_dir, path) = temp_file("event.log", &text);
    let (code, json) = report(&path, &["--fail-if", "anomalies > 0"]);
    assert_eq!(code, Some(3), "{json:#}");
    let fired = json["thresholds"]["fired"].as_array().unwrap();
    assert_eq!(fired.len(), 1, "{json:#}");
    assert_eq!(fired[0]["expr"], "anomalies > 0");
    assert!(fired[0]["value"].as_f64().unwrap() >= 1.0);

    // The same hours without the event.
    let (text, ..) = log(&config(spike.format, SECONDS, &[]), &[]);
    let (_dir, path) = temp_file("calm.log", &text);
    let (code, json) = report(&path, &["--fail-if", "anomalies > 0"]);
    assert_eq!(code, Some(0), "{json:#}");
    assert_eq!(json["anomalies"]["count"], 0, "{json:#}");
    assert_eq!(json["thresholds"]["fired"], serde_json::json!([]));
}
