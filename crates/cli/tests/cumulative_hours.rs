//! End-to-end tests of `--cumulative=1h|24h|today`: runs with a state over a log whose
//! lines span 30 hours of log time; each window's report equals one plain run over the
//! lines of its whole hours, picked here by their timestamps (read without axlog); and
//! the report says its figures are a total. Also: `--from-state` refuses the flags it
//! would ignore.

mod common;

use common::generate::config;
use common::reference::nginx;
use common::*;
use serde_json::Value;

/// `n` nginx-timed lines from `seed`, at 0.5 a second, starting 50 s before the end of hour `hour` after
/// the generator's start (a midnight, UTC), so that some cross into the next hour.
fn lines(n: u64, seed: u64, hour: i64) -> String {
    let mut c = config(axlog_testgen::Format::NginxTimed, n, seed);
    c.start_epoch_s += hour * 3600 + 3550;
    c.rate = 0.5;
    common::generate::generated_with(c)
}

/// `axlog report ARGS --output json -q`; the run must succeed.
fn json_run(args: &[&str]) -> Value {
    let out = axlog()
        .args(["report", "--output", "json", "-q"])
        .args(args)
        .output()
        .unwrap();
    assert_success(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The complete lines of `text` whose request time (UTC µs) passes `keep`.
fn lines_where(text: &str, keep: impl Fn(i64) -> bool) -> String {
    let mut out = String::new();
    for l in text.split_terminator('\n') {
        if nginx(l, false).is_some_and(|r| keep(r.ts_us)) {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

/// The UTC hour (seconds) of a time in µs.
fn hour_of(ts_us: i64) -> i64 {
    ts_us.div_euclid(3_600_000_000) * 3600
}

/// The report's figures of requests (the time they span, counts, latencies, paths) are
/// those of `want`; the source rows and line counts are left out (a window keeps no
/// malformed lines: they have no time).
fn assert_same_figures(got: &Value, want: &Value) {
    assert!(want["requests"].as_u64().unwrap() > 0);
    for field in [
        "requests",
        "bytes_sent",
        "time",
        "qps",
        "status",
        "latency",
        "top_paths",
        "top_endpoints",
    ] {
        assert_eq!(got[field], want[field], "{field}");
    }
    // The path table's caps are the window's own (its hours' tables, each capped).
    for field in [
        "distinct",
        "bytes",
        "cap_reached",
        "untracked_requests",
        "requests_without_path",
    ] {
        assert_eq!(got["paths"][field], want["paths"][field], "paths.{field}");
    }
}

const TZ: &str = "+05:00";

#[test]
fn windows_of_whole_hours_equal_one_run_over_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let state = d.join("web.state");
    let log = d.join("access.log");
    let state_s = state.to_str().unwrap();
    let log_s = log.to_str().unwrap();
    let mut written = String::new();
    // Three runs, ten hours of lines each, the second after a rotation.
    for part in 0..3i64 {
        if part == 1 {
            std::fs::rename(&log, d.join("access.log.1")).unwrap();
        }
        for hour in part * 10..part * 10 + 10 {
            let t = lines(40, 100 + hour as u64, hour);
            append(&log, &t);
            written.push_str(&t);
        }
        json_run(&["--state", state_s, "--cumulative", "--tz", TZ, log_s]);
    }
    let newest = written
        .split_terminator('\n')
        .filter_map(|l| nginx(l, false))
        .map(|r| hour_of(r.ts_us))
        .max()
        .unwrap();
    let plain = |name: &str, text: &str| {
        let path = d.join(name);
        std::fs::write(&path, text).unwrap();
        json_run(&["--tz", TZ, path.to_str().unwrap()])
    };

    // 24h: the newest log hour and the 24 whole ones before it; through a run that reads
    // nothing new.
    let day = lines_where(&written, |t| hour_of(t) >= newest - 24 * 3600);
    let got = json_run(&["--state", state_s, "--cumulative=24h", "--tz", TZ, log_s]);
    assert_same_figures(&got, &plain("day.log", &day));
    let c = &got["cumulative"];
    assert_eq!(c["window"], "24h");
    assert_eq!(c["hours"].as_u64(), Some(25));
    assert_eq!(c["runs"].as_u64(), Some(4));
    // Fewer lines than all: the window is not the total.
    let all = json_run(&["--from-state", state_s, "--tz", TZ]);
    assert!(all["requests"].as_u64() > got["requests"].as_u64());
    assert_eq!(all["cumulative"]["window"], "total");

    // 1h: the newest hour and the one before.
    let hour = lines_where(&written, |t| hour_of(t) >= newest - 3600);
    let got = json_run(&["--from-state", state_s, "--cumulative=1h", "--tz", TZ]);
    assert_same_figures(&got, &plain("hour.log", &hour));
    assert_eq!(got["cumulative"]["hours"].as_u64(), Some(2));

    // today: since midnight at +05:00 of the newest hour's day.
    let local = newest + 5 * 3600;
    let midnight = local - local.rem_euclid(86_400) - 5 * 3600;
    let today = lines_where(&written, |t| t >= midnight * 1_000_000);
    let got = json_run(&["--from-state", state_s, "--cumulative=today", "--tz", TZ]);
    assert_same_figures(&got, &plain("today.log", &today));
    assert_eq!(got["cumulative"]["window"], "today");
}

#[test]
fn the_text_report_says_it_is_a_total() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("web.state");
    let log = dir.path().join("access.log");
    append(&log, lines(50, 7, 0));
    let out = axlog()
        .args(["report", "-q", "--cumulative", "--state"])
        .args([&state, &log])
        .output()
        .unwrap();
    assert_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Total      since"), "{text}");
    assert!(text.contains("1 run"), "{text}");
    let out = axlog()
        .args(["report", "-q", "--cumulative=24h", "--from-state"])
        .arg(&state)
        .output()
        .unwrap();
    assert_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Total      24h: "), "{text}");
}

#[test]
fn from_state_refuses_flags_it_would_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("web.state");
    let log = dir.path().join("access.log");
    append(&log, lines(20, 9, 0));
    json_run(&[
        "--state",
        state.to_str().unwrap(),
        "--cumulative",
        log.to_str().unwrap(),
    ]);
    for flags in [
        &["--where", "status>=500"][..],
        &["--since", "2026-11-21T00:00:00Z"],
        &["--exclude-bots"],
        &["--source-label", "web"],
        &["--by", "endpoint"],
    ] {
        let out = axlog()
            .args(["report", "--from-state"])
            .arg(&state)
            .args(flags)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flags[0]), "{flags:?}: {err}");
    }
    // --cumulative without a state is a usage error too.
    let out = axlog()
        .args(["report", "--cumulative=1h"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
