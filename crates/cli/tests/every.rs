//! `report --every`: windows without a request are written as zeros, and the last window
//! (the input ended in it) is partial, its QPS over the seconds it covered. Expected values
//! are computed from the lines each test writes, never taken from axlog.

mod common;

use common::*;
use serde_json::Value;

/// 2026-11-21T10:00:00Z (`date -u -d 2026-11-21T10:00:00Z +%s`).
const T0: i64 = 1_795_255_200;

/// A log of one request at each of `seconds` after T0, in that order, with status 500 on
/// every third line.
fn log_at(seconds: &[i64]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.log");
    let text: String = seconds
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let status = if i % 3 == 2 { 500 } else { 200 };
            // Seconds of November 2026 from the 21st's midnight.
            let t = 10 * 3600 + s;
            let (day, t) = (21 + t / 86_400, t % 86_400);
            format!(
                "1.2.3.4 - - [{day}/Nov/2026:{:02}:{:02}:{:02} +0000] \"GET /a HTTP/1.1\" {status} 5 \"-\" \"ua\" 0.010 0.009\n",
                t / 3600,
                t / 60 % 60,
                t % 60
            )
        })
        .collect();
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// What a window should show, from the seconds written: (start after T0, requests,
/// seconds its QPS is over, partial).
fn expected(seconds: &[i64], every: i64) -> Vec<(i64, u64, u64, bool)> {
    let first = seconds.iter().min().unwrap() / every;
    let last = seconds.iter().max().unwrap() / every;
    (first..=last)
        .map(|w| {
            let mine: Vec<i64> = seconds.iter().copied().filter(|s| s / every == w).collect();
            let start = w * every;
            if w == last {
                // The last one ends at its last request's second, inclusive.
                let end = mine.iter().max().unwrap();
                (start, mine.len() as u64, (end - start + 1) as u64, true)
            } else {
                (start, mine.len() as u64, every as u64, false)
            }
        })
        .collect()
}

fn run(path: &std::path::Path, every: &str, json: bool) -> String {
    let mut cmd = axlog();
    cmd.arg("report").arg(path).args(["--every", every]);
    if json {
        cmd.args(["--output", "json"]);
    }
    let out = cmd.output().unwrap();
    assert_success(&out);
    String::from_utf8(out.stdout).unwrap()
}

/// Requests in 10 s windows 0, 1 and 4: windows 2 and 3 are written with 0 requests; the
/// last window's QPS is its requests over :40 to its last request's second, and it alone
/// is marked partial. JSON and text.
#[test]
fn empty_windows_are_written_and_the_last_is_partial() {
    let seconds = [1, 4, 9, 9, 12, 15, 41, 43, 47];
    let want = expected(&seconds, 10);
    assert_eq!(want.len(), 5);
    let (_dir, path) = log_at(&seconds);

    let text = run(&path, "10s", true);
    let got: Vec<(i64, u64, u64, bool)> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let q = &v["report"]["qps"];
            let (requests, secs) = (
                v["report"]["requests"].as_u64().unwrap(),
                q["seconds"].as_u64().unwrap(),
            );
            assert_eq!(v["window"]["seconds"], 10, "{l}");
            assert_eq!(q["mean"].as_f64().unwrap(), requests as f64 / secs as f64);
            if requests == 0 {
                assert_eq!(q["peak"], 0, "{l}");
                assert_eq!(q["empty_seconds"].as_u64(), Some(secs), "{l}");
                assert_eq!(v["report"]["status"]["codes"], serde_json::json!([]), "{l}");
            }
            (
                v["window"]["start_epoch"].as_i64().unwrap() - T0,
                requests,
                secs,
                v["window"]["partial"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, want, "{text}");
    // The last window: 3 requests over :40..=:47, 8 seconds.
    assert_eq!(want[4], (40, 3, 8, true));

    let text = run(&path, "10s", false);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), want.len(), "{text}");
    for (line, (start, requests, secs, partial)) in lines.iter().zip(&want) {
        let head = format!(
            "2026-11-21T10:00:{start:02}Z 10s  requests {requests}  qps {:.1} ",
            *requests as f64 / *secs as f64
        );
        assert!(line.starts_with(&head), "{line} / {head}");
        assert_eq!(
            line.ends_with(&format!("  partial (qps over {secs}s)")),
            *partial,
            "{line}"
        );
    }
}

/// A log within one window: that window is both the first and the last, so partial, its
/// QPS from the window's first second to the last request's.
#[test]
fn a_first_window_is_partial_only_when_it_is_the_last() {
    let seconds = [2, 3, 3, 6];
    let want = expected(&seconds, 10);
    assert_eq!(want, [(0, 4, 7, true)]);
    let (_dir, path) = log_at(&seconds);
    let v: Value = serde_json::from_str(run(&path, "10s", true).trim()).unwrap();
    assert_eq!(v["window"]["partial"], true);
    assert_eq!(v["report"]["qps"]["seconds"], 7);
    assert_eq!(v["report"]["qps"]["mean"].as_f64(), Some(4.0 / 7.0));
    let text = run(&path, "10s", false);
    assert!(
        text.trim_end().ends_with("  partial (qps over 7s)"),
        "{text}"
    );
    // With a second window, the first is whole.
    let seconds = [2, 3, 3, 6, 14];
    let (_dir, path) = log_at(&seconds);
    let text = run(&path, "10s", true);
    let partial: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["window"]["partial"].clone())
        .collect();
    assert_eq!(partial, [false, true], "{text}");
}

/// More than 100,000 empty windows in a row (here 1 s windows across a day): one line
/// saying there were no requests from the first one's start to the next window's.
#[test]
fn a_long_run_of_empty_windows_is_one_line() {
    // :05 and the next day's 10:00:07 (86,402 s later): 86,401 empty 1 s windows, fewer
    // than the cap; with 100,002 s between, 100,001, past it.
    for (gap, one_line) in [(86_402i64, false), (100_002, true)] {
        let seconds = [5, 5 + gap];
        let (_dir, path) = log_at(&seconds);
        let text = run(&path, "1s", false);
        let lines: Vec<&str> = text.lines().collect();
        if !one_line {
            assert_eq!(lines.len() as i64, gap + 1);
            assert!(
                lines[1].contains("  requests 0  qps 0.0 (peak 0)"),
                "{}",
                lines[1]
            );
            continue;
        }
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(
            lines[1],
            format!(
                "no requests from 2026-11-21T10:00:06Z to 2026-11-22T13:46:47Z ({} intervals)",
                gap - 1
            )
        );
        let text = run(&path, "1s", true);
        let v: Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
        let n = &v["no_requests"];
        assert_eq!(n["from_epoch"].as_i64(), Some(T0 + 6));
        assert_eq!(n["to_epoch"].as_i64(), Some(T0 + 5 + gap));
        assert_eq!(n["windows"].as_i64(), Some(gap - 1));
    }
}
