//! `axlog report --fail-if EXPR` and the exit-code table (docs/exit-codes.md): every form
//! of issue 19 on hand-counted logs, each firing past its limit and not at it; every exit
//! code produced by a real run; which code wins when several apply; bad expressions and
//! their caret; and `--state`, `--cumulative`, `--from-state`, `-o` with thresholds.

mod common;

use common::{append, axlog, stderr_of, write_file};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// One nginx-timed line at 10:00:`sec` UTC.
fn line(sec: u32, path: &str, status: u16, rt_ms: u32) -> String {
    format!(
        "192.0.2.1 - - [21/Nov/2026:10:00:{sec:02} +0000] \"GET {path} HTTP/1.1\" {status} 10 \
         \"-\" \"curl/8.0\" {}.{:03} -\n",
        rt_ms / 1000,
        rt_ms % 1000
    )
}

/// 20 requests over the 10 seconds 10:00:00 to 10:00:09 (3 in the first, 1 in the last,
/// 2 in each other), the n-th (from 1) taking n × 10 ms. Lines 1 to 14 are `/a` (one of
/// them, the 5th, a 404), lines 15 to 20 `/b` (the 16th and 19th 500s). By hand:
/// requests 20; qps 20/10 = 2, peak 3; request time p50 (10th) 100 ms, p90 (18th) 180 ms,
/// p99 and max (20th) 200 ms; 5xx 2/20 = 10%, 4xx 1/20 = 5%, errors 15%. `/a`: 14
/// requests, p99 140 ms, 5xx 0%; `/b`: 6 requests, p99 200 ms, 5xx 2/6.
fn base_log() -> String {
    let secs = [0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9];
    let mut text = String::new();
    for (i, &sec) in secs.iter().enumerate() {
        let n = i as u32 + 1;
        let path = if n <= 14 { "/a" } else { "/b" };
        let status = match n {
            5 => 404,
            16 | 19 => 500,
            _ => 200,
        };
        text.push_str(&line(sec, path, status, n * 10));
    }
    text
}

/// Four HAProxy lines: `be1/s1` 2 requests (one 500: 50%), `be1/s2` 1 (503: 100%),
/// `be2/s1` 1 (0%).
fn haproxy_log() -> String {
    let line = |srv: &str, status: u16| {
        format!(
            "10.0.0.1:5555 [21/Nov/2026:10:00:01.000] fe {srv} 1/0/2/10/13 {status} 100 - - \
             ---- 1/1/1/1/0 0/0 \"GET / HTTP/1.1\"\n"
        )
    };
    [
        line("be1/s1", 200),
        line("be1/s1", 500),
        line("be1/s2", 503),
        line("be2/s1", 200),
    ]
    .concat()
}

struct Fixture {
    dir: tempfile::TempDir,
    log: PathBuf,
}

fn fixture(text: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let log = write_file(dir.path(), "access.log", text.as_bytes());
    Fixture { dir, log }
}

/// `axlog report FILE --output json ARGS`.
fn run(file: &Path, args: &[&str]) -> Output {
    axlog()
        .arg("report")
        .arg(file)
        .args(["--output", "json", "-q"])
        .args(args)
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr_of(out)))
}

/// `--fail-if EXPR` over `file`: its exit code, and the fired entries (dimension key,
/// value) of the report.
fn check(file: &Path, expr: &str, more: &[&str]) -> (i32, Vec<(Option<String>, f64)>) {
    let out = run(file, &[&["--fail-if", expr], more].concat());
    let v = json(&out);
    assert_eq!(v["thresholds"]["checked"][0], expr);
    let fired = v["thresholds"]["fired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["expr"], expr);
            (
                f["key"].as_str().map(String::from),
                f["value"].as_f64().unwrap(),
            )
        })
        .collect();
    (out.status.code().unwrap(), fired)
}

/// `expr` fires once (run-wide) with `value`, exit 3.
fn fires(file: &Path, expr: &str, value: f64) {
    assert_eq!(check(file, expr, &[]), (3, vec![(None, value)]), "{expr}");
}

/// `expr` does not fire: exit 0.
fn holds(file: &Path, expr: &str) {
    assert_eq!(check(file, expr, &[]), (0, vec![]), "{expr}");
}

#[test]
fn run_wide_forms_fire_past_their_limit_only() {
    let f = fixture(&base_log());
    let log = &f.log;
    // p99 is 200 ms: 200 000 µs.
    holds(log, "p99(request_time) > 200ms");
    fires(log, "p99(request_time) >= 200ms", 200_000.0);
    fires(log, "p99(request_time) > 0.199s", 200_000.0);
    holds(log, "p50(request_time) > 100ms");
    fires(log, "p50(request_time) > 99999us", 100_000.0);
    holds(log, "p90(request_time) != 180ms");
    fires(log, "max(request_time) == 200ms", 200_000.0);
    // 5xx 2 of 20.
    holds(log, "5xx_rate > 10%");
    fires(log, "5xx_rate >= 10%", 0.1);
    fires(log, "4xx_rate == 5%", 0.05);
    holds(log, "2xx_rate < 85%");
    fires(log, "error_rate > 14.9%", 0.15);
    // 20 requests over 10 seconds; 3 in the busiest.
    holds(log, "qps < 2");
    fires(log, "qps <= 2", 2.0);
    fires(log, "qps < 2.5", 2.0);
    holds(log, "qps_peak > 3");
    fires(log, "qps_peak >= 3", 3.0);
    holds(log, "requests == 0");
    fires(log, "requests == 20", 20.0);
    // No anomaly in ten seconds (fewer buckets than a baseline needs): 0.
    holds(log, "anomalies > 0");
    fires(log, "anomalies == 0", 0.0);
    // No malformed line.
    holds(log, "malformed_rate > 0%");
    // nginx-timed logs no upstream time here (`-`): no value, nothing fires.
    holds(log, "p99(upstream_time) >= 0ms");
}

#[test]
fn requests_zero_fires_on_an_empty_input() {
    let f = fixture("");
    fires(&f.log, "requests == 0", 0.0);
    fires(&f.log, "qps < 10", 0.0);
    // A rate of no requests has no value: it does not fire.
    holds(&f.log, "5xx_rate >= 0%");
}

#[test]
fn malformed_rate_counts_lines_read() {
    // 20 requests and 5 lines no layout fits: 5 of the 25 lines read, 20%.
    let text = format!("{}{}", base_log(), "not a log line\n".repeat(5));
    let f = fixture(&text);
    let v = json(&run(&f.log, &[]));
    assert_eq!(
        (
            v["lines"]["read"].as_u64(),
            v["lines"]["malformed"].as_u64()
        ),
        (Some(25), Some(5))
    );
    holds(&f.log, "malformed_rate > 20%");
    fires(&f.log, "malformed_rate >= 20%", 0.2);
}

#[test]
fn by_endpoint_checks_every_row_shown_or_not() {
    let f = fixture(&base_log());
    let log = &f.log;
    let key = |k: &str| Some(k.to_string());
    // `/a` p99 140 ms, `/b` 200 ms.
    assert_eq!(
        check(log, "p99(request_time) > 200ms by endpoint", &[]),
        (0, vec![])
    );
    assert_eq!(
        check(log, "p99(request_time) > 199ms by endpoint", &[]),
        (3, vec![(key("/b"), 200_000.0)])
    );
    assert_eq!(
        check(log, "p99(request_time) >= 140ms by endpoint", &[]),
        (3, vec![(key("/a"), 140_000.0), (key("/b"), 200_000.0)])
    );
    // `--top 1` shows `/a` only (most requests): `/b` is still checked.
    let expr = "p99(request_time) > 0.15s by endpoint";
    let out = run(log, &["--fail-if", expr, "--by", "endpoint", "--top", "1"]);
    assert_eq!(out.status.code(), Some(3));
    let v = json(&out);
    assert_eq!(v["by"][0]["rows"].as_array().unwrap().len(), 1);
    assert_eq!(v["by"][0]["rows"][0]["key"], "/a");
    assert_eq!(v["thresholds"]["fired"][0]["key"], "/b");
    assert_eq!(v["thresholds"]["fired"][0]["dimension"], "endpoint");
    assert_eq!(v["thresholds"]["fired"][0]["limit"], 150_000.0);
    // Not asked with --by: the table is checked, not shown.
    let out = run(log, &["--fail-if", expr]);
    assert_eq!(out.status.code(), Some(3));
    assert!(json(&out).get("by").is_none());
    assert!(
        stderr_of(&out)
            .contains("threshold fired: p99(request_time) > 0.15s by endpoint: endpoint /b: 0.2s"),
        "{}",
        stderr_of(&out)
    );
    // `/b`: 2 of 6 are 5xx.
    assert_eq!(check(log, "5xx_rate > 33.4% by endpoint", &[]), (0, vec![]));
    assert_eq!(
        check(log, "5xx_rate > 33.3% by endpoint", &[]),
        (3, vec![(key("/b"), 2.0 / 6.0)])
    );
    assert_eq!(
        check(log, "requests < 14 by endpoint", &[]),
        (3, vec![(key("/b"), 6.0)])
    );
}

#[test]
fn stderr_says_ten_rows_of_a_by_threshold_and_counts_the_rest() {
    // 12 paths, one request each: every row fires.
    let text: String = (0..12)
        .map(|i| line(0, &format!("/p{i:02}"), 200, 10))
        .collect();
    let f = fixture(&text);
    let out = run(&f.log, &["--fail-if", "requests > 0 by path"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        json(&out)["thresholds"]["fired"].as_array().unwrap().len(),
        12
    );
    let err = stderr_of(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 11, "{err}");
    assert_eq!(
        lines[0],
        "axlog: threshold fired: requests > 0 by path: path /p00: 1"
    );
    assert_eq!(
        lines[10],
        "axlog: threshold fired: requests > 0 by path: 2 more path rows (every one under \
         the report's thresholds)"
    );
}

#[test]
fn by_server_is_haproxy_backend_server() {
    let f = fixture(&haproxy_log());
    let key = |k: &str| Some(k.to_string());
    assert_eq!(
        check(&f.log, "5xx_rate > 50% by server", &[]),
        (3, vec![(key("be1/s2"), 1.0)])
    );
    assert_eq!(
        check(&f.log, "5xx_rate >= 50% by server", &[]),
        (3, vec![(key("be1/s1"), 0.5), (key("be1/s2"), 1.0)])
    );
    assert_eq!(check(&f.log, "5xx_rate > 100% by server", &[]), (0, vec![]));
    // Ta is the request time of HAProxy lines: 13 ms each.
    assert_eq!(
        check(&f.log, "p99(request_time) > 12ms by server", &[])
            .1
            .len(),
        3
    );
}

/// The usage error of `expr`: exit 2, nothing on stdout, the message.
fn usage_error(expr: &str) -> String {
    let f = fixture(&base_log());
    let out = run(&f.log, &["--fail-if", expr]);
    assert_eq!(out.status.code(), Some(2), "{expr}");
    assert!(out.stdout.is_empty());
    stderr_of(&out)
}

#[test]
fn a_bad_expression_is_shown_with_a_caret() {
    let err = usage_error("p99(request_time) 500ms");
    assert!(
        err.contains(
            "expected an operator: >, >=, <, <=, == or !=\n  p99(request_time) 500ms\n                    ^^^^^\n"
        ),
        "{err}"
    );
    let err = usage_error("p99(request_time) > 500");
    assert!(
        err.contains("expected a time unit after the number (us, ms, s or m: 500ms)\n  p99(request_time) > 500\n                      ^^^\n"),
        "{err}"
    );
    let err = usage_error("5xx_rate > 5% by nowhere");
    assert!(err.contains("unknown dimension"), "{err}");
    assert!(
        err.contains("\n  5xx_rate > 5% by nowhere\n                   ^^^^^^^\n"),
        "{err}"
    );
    let err = usage_error("anomalies > 0 by endpoint");
    assert!(
        err.contains("\n  anomalies > 0 by endpoint\n                ^^^^^^^^^^^\n"),
        "{err}"
    );
    let err = usage_error("latency > 1s");
    assert!(err.contains("expected a metric"), "{err}");
    assert!(err.contains("\n  latency > 1s\n  ^^^^^^^\n"), "{err}");
}

#[test]
fn every_with_thresholds_is_a_usage_error() {
    let f = fixture(&base_log());
    let out = run(&f.log, &["--fail-if", "qps < 1", "--every", "10s"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("'--fail-if <EXPR>' cannot be used with '--every"));
}

#[test]
fn the_outputs_hold_the_thresholds() {
    let f = fixture(&base_log());
    let file = f.dir.path().join("report.json");
    let out = axlog()
        .arg("report")
        .arg(&f.log)
        .args([
            "-q",
            "--fail-if",
            "requests > 19",
            "--fail-if",
            "qps > 2",
            "-o",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let v: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        v["thresholds"]["checked"],
        serde_json::json!(["requests > 19", "qps > 2"])
    );
    let fired = &v["thresholds"]["fired"];
    assert_eq!(fired.as_array().unwrap().len(), 1);
    assert_eq!(
        fired[0],
        serde_json::json!({"expr": "requests > 19", "metric": "requests", "op": ">",
            "value": 20.0, "limit": 19.0, "dimension": null, "key": null})
    );
    // One line on stderr per threshold fired.
    assert_eq!(
        stderr_of(&out).trim_end(),
        "axlog: threshold fired: requests > 19: 20"
    );
    // Without --fail-if, no `thresholds`.
    assert!(json(&run(&f.log, &[])).get("thresholds").is_none());
}

/// `axlog report --state STATE FILE --output json ARGS`.
fn state_run(state: &Path, file: &Path, args: &[&str]) -> Output {
    axlog()
        .arg("report")
        .arg("--state")
        .arg(state)
        .arg(file)
        .args(["--output", "json", "-q"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn with_state_the_state_commits_when_a_threshold_fires() {
    let f = fixture(&base_log());
    let state = f.dir.path().join("web.state");
    let out = state_run(&state, &f.log, &["--fail-if", "requests > 0"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    assert_eq!(json(&out)["requests"], 20);
    // The lines were recorded as read: the next run has none.
    let out = state_run(&state, &f.log, &["--fail-if", "requests > 0"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(json(&out)["requests"], 0);
    // `by DIM` with --state needs the table among --by's.
    let out = state_run(&state, &f.log, &["--fail-if", "requests > 0 by endpoint"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("needs --by endpoint"),
        "{}",
        stderr_of(&out)
    );
    append(&f.log, line(10, "/b", 200, 500));
    let out = state_run(
        &state,
        &f.log,
        &[
            "--by",
            "endpoint",
            "--fail-if",
            "p99(request_time) >= 500ms by endpoint",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    assert_eq!(json(&out)["thresholds"]["fired"][0]["key"], "/b");
}

#[test]
fn cumulative_checks_the_total_shown_and_from_state_the_merged_totals() {
    let f = fixture(&base_log());
    let state = f.dir.path().join("web.state");
    let args = [
        "--cumulative",
        "--by",
        "endpoint",
        "--fail-if",
        "requests > 25",
    ];
    let out = state_run(&state, &f.log, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    // 10 more `/b` requests at 300 ms: the total has 30, this run 10.
    for _ in 0..10 {
        append(&f.log, line(10, "/b", 200, 300));
    }
    let out = state_run(&state, &f.log, &args);
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let v = json(&out);
    assert_eq!(v["requests"], 30);
    assert_eq!(v["thresholds"]["fired"][0]["value"], 30.0);
    // The total's rows, every one: `/b` has 16 requests (6 + 10), `/a` 14.
    let from = |exprs: &[&str], more: &[&str]| {
        let mut cmd = axlog();
        cmd.args(["report", "--output", "json", "--from-state"])
            .arg(&state);
        for e in exprs {
            cmd.args(["--fail-if", e]);
        }
        cmd.args(more).output().unwrap()
    };
    let out = from(&["requests > 15 by endpoint"], &["--top", "1"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let v = json(&out);
    let fired = v["thresholds"]["fired"].as_array().unwrap();
    assert_eq!(fired.len(), 1);
    assert_eq!(
        (&fired[0]["key"], &fired[0]["value"]),
        (&"/b".into(), &16.0.into())
    );
    let out = from(&["requests < 15 by endpoint"], &["--top", "1"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(json(&out)["thresholds"]["fired"][0]["key"], "/a");
    let out = from(&["requests > 30"], &[]);
    assert_eq!(out.status.code(), Some(0));
    // A table the totals do not keep: a usage error.
    let out = from(&["requests > 0 by method"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("no method table"),
        "{}",
        stderr_of(&out)
    );
}

/// Bytes no layout fits.
const BINARY: &[u8] = b"\x00\x01\x02binary\xff\xfe\n\x00\x00\x00\n";

#[test]
fn each_exit_code_of_the_table_and_their_precedence() {
    let f = fixture(&base_log());
    let dir = f.dir.path();
    let bin = write_file(dir, "blob.log", BINARY);
    let missing = dir.join("absent.log");
    let code = |files: &[&Path], args: &[&str]| {
        let out = axlog()
            .arg("report")
            .args(files)
            .args(["-q"])
            .args(args)
            .output()
            .unwrap();
        out.status.code().unwrap()
    };
    let fire = ["--fail-if", "requests > 0"];
    // 0, 3.
    assert_eq!(code(&[&f.log], &[]), 0);
    assert_eq!(code(&[&f.log], &fire), 3);
    // 1: an input not read; it wins over a threshold fired.
    assert_eq!(code(&[&f.log, &missing], &[]), 1);
    assert_eq!(code(&[&f.log, &missing], &fire), 1);
    // 2.
    assert_eq!(code(&[&f.log], &["--fail-if", "requests >"]), 2);
    // 6: an input no layout fits; over 3, under 1.
    assert_eq!(code(&[&bin], &[]), 6);
    assert_eq!(code(&[&f.log, &bin], &fire), 6);
    assert_eq!(code(&[&missing, &bin], &fire), 1);
    // 4: another run holds the state.
    let state = dir.join("web.state");
    {
        let _held = axlog_engine::state::lock::lock(&state).unwrap();
        assert_eq!(code(&[&f.log], &["--state", state.to_str().unwrap()]), 4);
    }
    // 5: bytes lost before being read (a replaced file whose partial last line was
    // unread); over 3.
    let live = write_file(
        dir,
        "live.log",
        format!("{}192.0.2.1 - - [21/Nov", base_log()).as_bytes(),
    );
    let st = ["--state", state.to_str().unwrap()];
    assert_eq!(code(&[&live], &st), 0);
    std::fs::remove_file(&live).unwrap();
    let other: String = (0..5).map(|s| line(s, "/c", 200, 10)).collect();
    write_file(dir, "live.log", other.as_bytes());
    let out = state_run(&state, &live, &fire);
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    // The report and the thresholds were still written.
    assert_eq!(json(&out)["thresholds"]["fired"][0]["value"], 5.0);
    assert!(stderr_of(&out).contains("threshold fired"));
}

#[test]
fn help_shows_the_exit_codes() {
    let out = axlog().args(["report", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("Exit codes (docs/exit-codes.md):"), "{help}");
    assert!(help.contains("3  a --fail-if threshold fired"));
    assert!(help.contains("6  an input had lines and none parsed"));
    assert!(help.contains("When several apply: 1, then 5, then 6, then 3."));
}
