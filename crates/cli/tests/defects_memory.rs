//! End-to-end checks of the memory items: per-second counts over long sparse spans, the
//! path table's byte cap, and `--every` windows' peak and mean.

mod common;

use common::*;

/// A combined-format line at `time` (nginx's `$time_local`).
fn line(time: &str, path: &str) -> String {
    format!("10.0.0.1 - - [{time}] \"GET {path} HTTP/1.1\" 200 12 \"-\" \"t\"\n")
}

/// Four requests over 29 years: the QPS figures count every second of the span, the empty
/// ones included. Epoch seconds by `date -u -d ... +%s`: 2001-03-04T05:06:07Z = 983682367,
/// 2009-12-31T23:59:59Z = 1262303999, 2030-07-01T00:00:00Z = 1909094400.
#[test]
fn qps_figures_over_decades_of_sparse_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparse.log");
    let text = [
        line("04/Mar/2001:05:06:07 +0000", "/a"),
        line("04/Mar/2001:05:06:07 +0000", "/b"),
        line("01/Jan/2010:00:59:59 +0100", "/a"),
        line("01/Jul/2030:00:00:00 +0000", "/a"),
    ]
    .concat();
    std::fs::write(&path, text).unwrap();
    for j in ["1", "4"] {
        let v = report_json(&[path.to_str().unwrap(), "-j", j]);
        let q = &v["qps"];
        let span: u64 = 1909094400 - 983682367 + 1;
        assert_eq!(q["seconds"], span);
        assert_eq!(q["empty_seconds"], span - 3);
        assert_eq!(q["peak"], 2);
        assert_eq!(q["peak_second_epoch"], 983682367);
        // Sorted counts: span - 3 zeros, then 1, 1, 2.
        assert_eq!((q["p50"].as_u64(), q["p99"].as_u64()), (Some(0), Some(0)));
        let mean = q["mean"].as_f64().unwrap();
        assert!((mean - 4.0 / span as f64).abs() < 1e-18, "{mean}");
    }
}

/// 1500 distinct paths of 1000 bytes, each requested twice (two rounds), then ten requests
/// to a short path; with `--max-path-bytes 200000` the table holds the first 200 paths
/// (200 × 1000 bytes) and is then full: the 1300 others' 2600 requests and the short
/// path's 10 are untracked. The same with one parsing thread and four (3.3 MB: several
/// chunks).
#[test]
fn path_table_caps_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long-paths.log");
    let long = |i: usize| {
        let mut p = format!("/p{i:04}/");
        p.push_str(&"a".repeat(1000 - p.len()));
        p
    };
    let mut text = String::new();
    for round in 0..2 {
        for i in 0..1500 {
            let time = format!(
                "21/Nov/2026:10:{:02}:{:02} +0000",
                round * 30 + i / 60,
                i % 60
            );
            text.push_str(&line(&time, &long(i)));
        }
    }
    for _ in 0..10 {
        text.push_str(&line("21/Nov/2026:11:00:00 +0000", "/s"));
    }
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap();
    let one = report_json_text(&[p, "-j", "1", "--max-path-bytes", "200000", "--top", "300"]);
    let four = report_json_text(&[p, "-j", "4", "--max-path-bytes", "200000", "--top", "300"]);
    assert_eq!(one, four);
    let v: serde_json::Value = serde_json::from_str(&one).unwrap();
    let t = &v["paths"];
    assert_eq!(t["distinct"], 200);
    assert_eq!(
        (t["bytes"].as_u64(), t["bytes_cap"].as_u64()),
        (Some(200_000), Some(200_000))
    );
    assert_eq!(t["cap_reached"], true);
    assert_eq!(t["untracked_requests"], 2610);
    let top = v["top_paths"].as_array().unwrap();
    assert_eq!(top.len(), 200);
    assert!(top.iter().all(|r| r["count"] == 2));
    assert_eq!(top[0]["path"], long(0));
    assert_eq!(top[199]["path"], long(199));

    let out = axlog()
        .args(["report", p, "--max-path-bytes", "200000"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("path table full at 200,000 bytes of paths (200 distinct): 2,610 requests"),
        "{text}"
    );

    // The default cap, 32 MiB, is reported as such, and these paths fit in it.
    let v = report_json(&[p]);
    assert_eq!(v["paths"]["bytes_cap"], 32 << 20);
    assert_eq!(v["paths"]["bytes"], 1500 * 1000 + 2);
    assert_eq!(v["paths"]["cap_reached"], false);
}

/// The lines of `--every` tests, in arrival order: (second after 10:00:00, path).
/// 2026-11-21T10:00:00Z = 1795255200 (`date -u -d ... +%s`).
fn live_log(seconds: &[u32]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.log");
    let text: String = seconds
        .iter()
        .map(|s| {
            line(
                &format!("21/Nov/2026:10:{:02}:{:02} +0000", s / 60, s % 60),
                "/w",
            )
        })
        .collect();
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// With 1-second windows, lines logged late (nginx writes a line when its request ends)
/// count in the window being read: a window's peak second is over the window's seconds,
/// as its mean is, so it is never below it.
#[test]
fn every_window_peak_and_mean_over_the_same_seconds() {
    // :00 ×3; :01 ×2 with two late :00s; :02 ×1 with a late :00 and a late :01.
    let (_dir, path) = live_log(&[0, 0, 0, 1, 0, 1, 0, 2, 0, 1]);
    let out = axlog()
        .args(["report", path.to_str().unwrap(), "--every", "1s"])
        .output()
        .unwrap();
    assert_success(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    let got: Vec<(&str, &str)> = text
        .lines()
        .map(|l| {
            let qps = l.split("qps ").nth(1).unwrap();
            let (mean, rest) = qps.split_once(" (peak ").unwrap();
            (mean, rest.split(')').next().unwrap())
        })
        .collect();
    assert_eq!(got, [("3.0", "3"), ("4.0", "4"), ("3.0", "3")], "{text}");
}

/// With 10-second windows, each window's QPS figures cover its ten seconds: late lines
/// count in its first second, and the seconds without requests are the window's (the
/// last window's, the input ending in it, up to its last request's second).
#[test]
fn every_window_qps_covers_the_window() {
    // Window :00–:09: :00 ×2, :03, :09. Window :10–:19: :10, two late :08s (counted at
    // :10, making 3), :12 ×3. Window :20–:29: :25.
    let (_dir, path) = live_log(&[0, 0, 3, 9, 10, 8, 8, 12, 12, 12, 25]);
    let out = axlog()
        .args([
            "report",
            path.to_str().unwrap(),
            "--every",
            "10s",
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    let t0 = 1_795_255_200i64;
    let got: Vec<_> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let q = &v["report"]["qps"];
            (
                v["window"]["start_epoch"].as_i64().unwrap() - t0,
                q["seconds"].as_u64().unwrap(),
                q["empty_seconds"].as_u64().unwrap(),
                q["mean"].as_f64().unwrap(),
                q["peak"].as_u64().unwrap(),
                q["peak_second_epoch"].as_i64().unwrap() - t0,
                q["p99"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (0, 10, 7, 0.4, 2, 0, 2),
            (10, 10, 8, 0.6, 3, 10, 3),
            // The last window, partial: over :20..=:25, its last request's second.
            (20, 6, 5, 1.0 / 6.0, 1, 25, 1),
        ]
    );
}
