//! End-to-end tests of `report --state FILE --cumulative` and `report --from-state`: the
//! total kept in the state over runs between rotations, and the merge of several hosts'
//! states, equal one plain run over every line written, in the same order; and a total is
//! never merged with one of other settings. Expected figures are also computed from the
//! lines the test wrote, by naive splitting (common/reference.rs).

mod common;

use common::generate::config;
use common::reference::{Req, nearest_of, nginx};
use common::*;
use serde_json::Value;
use std::path::Path;

/// `lines` nginx-timed lines from `seed`, starting `hour` hours after the generator's
/// start (so that later writes are later in log time, as a live log's are).
fn lines(n: u64, seed: u64, hour: u32) -> String {
    let mut c = config(axlog_testgen::Format::NginxTimed, n, seed);
    c.start_epoch_s += i64::from(hour) * 3600;
    common::generate::generated_with(c)
}

/// `axlog report ARGS --output json`; the run must succeed.
fn json_run(args: &[&str], paths: &[&Path]) -> Value {
    let out = axlog()
        .args(["report", "--output", "json", "-q"])
        .args(args)
        .args(paths)
        .output()
        .unwrap();
    assert_success(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A `--state STATE --cumulative` run over `log`, its rows named `label`.
fn cumulative_run(state: &Path, log: &Path, label: &str) -> Value {
    cumulative_run_with(state, log, label, &[])
}

/// [`cumulative_run`] with more arguments.
fn cumulative_run_with(state: &Path, log: &Path, label: &str, more: &[&str]) -> Value {
    let state = state.to_str().unwrap();
    let mut args = vec!["--state", state, "--cumulative", "--source-label", label];
    args.extend_from_slice(more);
    json_run(&args, &[log])
}

/// Every top-level field of the two reports is the same.
fn assert_same_report(got: &Value, want: &Value) {
    assert_same_but(got, want, &[]);
}

/// Every top-level field of the two reports but `excused` is the same.
fn assert_same_but(got: &Value, want: &Value, excused: &[&str]) {
    let (Value::Object(g), Value::Object(w)) = (got, want) else {
        panic!("not JSON objects");
    };
    // A `--state` run's report also says what that run read (`window`) and that its
    // figures are a total (`cumulative`): not figures, and absent from a plain run's.
    let keys = |m: &serde_json::Map<String, Value>| {
        let mut k: Vec<String> = m
            .keys()
            .filter(|k| *k != "window" && *k != "cumulative")
            .cloned()
            .collect();
        k.sort();
        k
    };
    assert_eq!(keys(g), keys(w));
    let differ: Vec<&String> = w
        .keys()
        .filter(|k| g[*k] != w[*k] && !excused.contains(&k.as_str()))
        .collect();
    assert!(differ.is_empty(), "fields differ: {differ:?}");
}

/// The requests of `text`'s complete lines, read without axlog.
fn requests_of(text: &str) -> Vec<Req> {
    text.split_terminator('\n')
        .filter_map(|l| nginx(l, false))
        .collect()
}

/// Requests, status counts, bytes and request-time p50/p90/p99 of `report` agree with
/// `reqs`, counted here.
fn assert_counts(v: &Value, reqs: &[Req]) {
    assert_eq!(v["requests"].as_u64(), Some(reqs.len() as u64));
    let mut statuses: Vec<(u64, u64)> = Vec::new();
    for r in reqs {
        match statuses.iter_mut().find(|(s, _)| *s == r.status) {
            Some((_, n)) => *n += 1,
            None => statuses.push((r.status, 1)),
        }
    }
    statuses.sort_unstable();
    assert_eq!(status_counts(v), statuses);
    let bytes: u64 = reqs.iter().map(|r| r.bytes).sum();
    assert_eq!(v["bytes_sent"].as_u64(), Some(bytes));
    let times: Vec<u64> = reqs.iter().filter_map(|r| r.latency_us).collect();
    for (name, ppm) in [
        ("p50_us", 500_000),
        ("p90_us", 900_000),
        ("p99_us", 990_000),
    ] {
        assert_eq!(
            v["latency"]["request_time"][name].as_u64(),
            nearest_of(times.clone(), ppm),
            "{name}"
        );
    }
}

#[test]
fn runs_between_rotations_add_up_to_one_run_over_every_line() {
    rotated_runs(&[], &[]);
}

#[test]
fn full_tables_keep_the_keys_of_one_run() {
    // Path and --by tables full after the first run's lines (first come, first kept);
    // --top and --sort only change how the total is shown, so the last run may change
    // them.
    let settings = ["--max-paths", "25", "--by", "endpoint", "--bucket", "1m"];
    rotated_runs(&settings, &["--top", "3", "--sort", "errors"]);
}

/// The tables a full cap makes depend on where runs (and files) begin: a key the total
/// tracks but a later run met only after its own table was full has that run's requests
/// untracked (docs/engine.md "Cumulative").
const CAPPED: [&str; 4] = ["by", "paths", "top_paths", "top_endpoints"];

/// With full tables, the total tracks the keys one run does, and counts at most what it
/// counts of each (the rest as untracked).
fn assert_capped_alike(got: &Value, want: &Value) {
    for (g, w) in [
        (&got["paths"], &want["paths"]),
        (&got["by"][0], &want["by"][0]),
    ] {
        for field in ["distinct", "cap_reached"] {
            assert_eq!(g[field], w[field], "{field}");
        }
        let untracked = |v: &Value| v.get("untracked_requests").and_then(Value::as_u64);
        assert!(untracked(g) >= untracked(w));
    }
    let counts = |v: &Value| named_counts(&v["top_paths"], "path", "count");
    let want_counts = counts(want);
    for (path, n) in counts(got) {
        if let Some((_, m)) = want_counts.iter().find(|(p, _)| *p == path) {
            assert!(n <= *m, "{path}: {n} > {m}");
        }
    }
}

/// Three `--cumulative` runs with `settings` between rotations, the last with `shown`
/// too, against one plain run over every line written.
fn rotated_runs(settings: &[&str], shown: &[&str]) {
    // Any cap given is meant to be reached.
    let excused: &[&str] = if settings.contains(&"--max-paths") {
        &CAPPED
    } else {
        &[]
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let state = d.join("web.state");
    let log = d.join("access.log");
    let mut written = String::new();

    // Run 1: the log as found.
    let t1 = lines(1_000, 1, 0);
    append(&log, &t1);
    written.push_str(&t1);
    let v1 = cumulative_run_with(&state, &log, "web", settings);
    assert_counts(&v1, &requests_of(&written));

    // Run 2: more lines, a rename-and-create rotation, a new file whose last line is
    // still being written.
    let t2 = lines(500, 2, 2);
    append(&log, &t2);
    std::fs::rename(&log, d.join("access.log.1")).unwrap();
    let t3 = lines(300, 3, 4);
    let (t3_head, t3_tail) = t3.split_at(t3.len() - 40);
    append(&log, t3_head);
    written.push_str(&t2);
    written.push_str(t3_head);
    let v2 = cumulative_run_with(&state, &log, "web", settings);
    // The total so far: every complete line (the cut one waits for its end).
    let complete = &written[..written.rfind('\n').unwrap() + 1];
    assert_counts(&v2, &requests_of(complete));

    // Run 3: the line completed and more, then a delaycompress rotation: access.log.1 is
    // compressed to access.log.2.gz, access.log becomes access.log.1, a new access.log.
    append(&log, t3_tail);
    let t4 = lines(400, 4, 6);
    append(&log, &t4);
    written.push_str(t3_tail);
    written.push_str(&t4);
    let old = std::fs::read(d.join("access.log.1")).unwrap();
    std::fs::write(d.join("access.log.2.gz"), gzip(&old)).unwrap();
    std::fs::remove_file(d.join("access.log.1")).unwrap();
    std::fs::rename(&log, d.join("access.log.1")).unwrap();
    let t5 = lines(200, 5, 8);
    append(&log, &t5);
    written.push_str(&t5);
    let last: Vec<&str> = settings.iter().chain(shown).copied().collect();
    let v3 = cumulative_run_with(&state, &log, "web", &last);

    // One plain run over everything written, in the order written, under the same label.
    let all = write_file(d, "all.log", written.as_bytes());
    let mut args = vec!["--source-label", "web"];
    args.extend_from_slice(&last);
    let want = json_run(&args, &[&all]);
    assert_same_but(&v3, &want, excused);
    if !excused.is_empty() {
        assert_capped_alike(&v3, &want);
    }
    // The total is shown with this run's --top and --sort, not the first run's.
    let top = |v: &Value| v["top_paths"].as_array().map(Vec::len);
    assert_eq!(top(&v3), top(&want));
    assert_eq!(
        v3["by"].get(0).map(|b| &b["sort"]),
        want["by"].get(0).map(|b| &b["sort"])
    );
    assert_counts(&v3, &requests_of(&written));
    assert_eq!(
        v3["lines"]["read"].as_u64(),
        Some(written.split_terminator('\n').count() as u64)
    );

    // Without --cumulative, the same state prints the run's window (nothing new here),
    // and still keeps the total.
    let state_s = state.to_str().unwrap();
    let mut args = vec!["--state", state_s, "--source-label", "web"];
    args.extend_from_slice(settings);
    let window = json_run(&args, &[&log]);
    assert_eq!(window["requests"].as_u64(), Some(0));
    let again = cumulative_run_with(&state, &log, "web", &last);
    assert_same_but(&again, &want, excused);
}

#[test]
fn states_of_two_hosts_merge_into_one_run_over_both_logs() {
    let dir = tempfile::tempdir().unwrap();
    let (h1, h2) = (dir.path().join("web1"), dir.path().join("web2"));
    std::fs::create_dir_all(&h1).unwrap();
    std::fs::create_dir_all(&h2).unwrap();
    let (log1, log2) = (h1.join("access.log"), h2.join("access.log"));
    let (s1, s2) = (h1.join("axlog.state"), h2.join("axlog.state"));

    // Host 1: two runs with a rotation between; host 2: one run.
    let a = lines(700, 11, 0);
    append(&log1, &a);
    cumulative_run(&s1, &log1, "web1");
    let b = lines(600, 12, 3);
    append(&log1, &b);
    std::fs::rename(&log1, h1.join("access.log.1")).unwrap();
    let c = lines(250, 13, 5);
    append(&log1, &c);
    cumulative_run(&s1, &log1, "web1");
    let e = lines(900, 14, 1);
    append(&log2, &e);
    cumulative_run(&s2, &log2, "web2");

    let merged = json_run(
        &["--from-state", s1.to_str().unwrap(), s2.to_str().unwrap()],
        &[],
    );
    // The reference: one run over host 1's lines, then host 2's, rows named alike.
    let host1 = format!("{a}{b}{c}");
    let all1 = write_file(dir.path(), "web1.log", host1.as_bytes());
    let want = json_run(
        &["--source-label", "web1", "--source-label", "web2"],
        &[&all1, &log2],
    );
    assert_same_report(&merged, &want);
    let mut reqs = requests_of(&host1);
    reqs.extend(requests_of(&e));
    assert_counts(&merged, &reqs);
    let (n1, n2) = (
        requests_of(&host1).len() as u64,
        requests_of(&e).len() as u64,
    );
    let rows = named_counts(&merged["sources"], "name", "requests");
    assert_eq!(rows, [("web1".to_string(), n1), ("web2".to_string(), n2)]);

    // States written on two machines (their `host` says which): rows are `host:label`,
    // so two hosts' rows of one label stay apart.
    for (state, host) in [(&s1, "alpha"), (&s2, "beta")] {
        let mut v: Value = serde_json::from_slice(&std::fs::read(state).unwrap()).unwrap();
        v["host"] = Value::from(host);
        std::fs::write(state, serde_json::to_vec(&v).unwrap()).unwrap();
    }
    let merged = json_run(
        &["--from-state", s1.to_str().unwrap(), s2.to_str().unwrap()],
        &[],
    );
    let rows = named_counts(&merged["sources"], "name", "requests");
    assert_eq!(
        rows,
        [
            ("alpha:web1".to_string(), n1),
            ("beta:web2".to_string(), n2)
        ]
    );
    assert_eq!(merged["requests"].as_u64(), Some(n1 + n2));
}

#[test]
fn a_total_is_never_merged_with_one_of_other_settings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let log = write_file(d, "access.log", lines(100, 21, 0).as_bytes());
    let state = d.join("web.state");
    let state_s = state.to_str().unwrap();
    cumulative_run(&state, &log, "web");
    let before = std::fs::read(&state).unwrap();

    // Another --by: refused, naming it, and the state is left as it was.
    let out = axlog()
        .args([
            "report",
            "--state",
            state_s,
            "--cumulative",
            "--by",
            "endpoint",
        ])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("--by: none, endpoint"),
        "{}",
        stderr_of(&out)
    );
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&state).unwrap(), before);

    // A state that keeps no total goes on whatever the settings (offsets stay valid).
    let plain = d.join("plain.state");
    let plain_s = plain.to_str().unwrap();
    json_run(&["--state", plain_s], &[&log]);
    json_run(&["--state", plain_s, "--by", "endpoint"], &[&log]);

    // --from-state: totals of other settings, a state without a total, a log given too.
    let other_dir = d.join("tz");
    std::fs::create_dir_all(&other_dir).unwrap();
    let other_log = write_file(&other_dir, "access.log", lines(50, 22, 0).as_bytes());
    let other = other_dir.join("web.state");
    let other_s = other.to_str().unwrap();
    json_run(
        &["--state", other_s, "--cumulative", "--tz", "+02:00"],
        &[&other_log],
    );
    let from = |args: &[&str]| {
        axlog()
            .args(["report", "--from-state"])
            .args(args)
            .output()
            .unwrap()
    };
    let out = from(&[state_s, other_s]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("--tz: UTC, +02:00"),
        "{}",
        stderr_of(&out)
    );
    let out = from(&[state_s, plain_s]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("no cumulative total"),
        "{}",
        stderr_of(&out)
    );
    let out = from(&[d.join("missing.state").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let out = axlog()
        .args(["report", "--from-state", state_s, "--"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    // --cumulative needs a state.
    let out = axlog()
        .args(["report", "--cumulative"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
