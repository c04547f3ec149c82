//! `axlog report`'s anomaly flags: the parameters reach the `anomalies` section, bad
//! values are usage errors (exit 2), `--no-anomalies` leaves the section out. On a log
//! written here: two hours at 30 requests a minute, 200 in minute 70.

mod common;

use common::{report_stdin, run_stdin, stderr_of};
use serde_json::Value;

/// 2026-11-21T00:00:00Z.
const T0: i64 = 1_795_219_200;

/// The log: minute `m` holds `per_minute(m)` requests spread over its seconds.
fn log() -> String {
    let mut out = String::new();
    for m in 0..120i64 {
        let n: i64 = if m == 70 { 200 } else { 30 };
        for i in 0..n {
            let s = m * 60 + i * 60 / n;
            let (h, mm, ss) = (s / 3600, s % 3600 / 60, s % 60);
            out.push_str(&format!(
                "10.0.0.1 - - [21/Nov/2026:{h:02}:{mm:02}:{ss:02} +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"curl/8\"\n"
            ));
        }
    }
    out
}

fn anomalies(args: &[&str]) -> Value {
    report_stdin(args, &log())["anomalies"].clone()
}

#[test]
fn the_spike_minute_is_found_with_the_parameters_given() {
    let a = anomalies(&[]);
    assert_eq!(a["threshold"], 3.5);
    assert_eq!(a["window_s"], 3600);
    assert_eq!(a["min_requests"], 20);
    assert_eq!(a["bucket_s"], 60);
    assert_eq!(a["count"], 1, "{a}");
    let x = &a["anomalies"][0];
    assert_eq!(x["kind"], "spike");
    assert_eq!(x["start_epoch"], T0 + 70 * 60);
    assert_eq!(x["end"], "2026-11-21T01:11:00Z");
    // 200 against a median of 30 and a sigma of sqrt(30) (MAD 0): z = 170 / 5.477.
    assert_eq!(x["observed"], 200.0);
    assert_eq!(x["baseline"], 30.0);
    let z = x["score"].as_f64().unwrap();
    assert!((z - 170.0 / 30f64.sqrt()).abs() < 1e-9, "{z}");
}

#[test]
fn the_flags_change_what_is_found() {
    // z is 31.04: a threshold of 32 passes it; a bucket needs 201 requests with 201.
    assert_eq!(anomalies(&["--anomaly-threshold", "32"])["count"], 0);
    assert_eq!(anomalies(&["--anomaly-min-requests", "201"])["count"], 0);
    assert_eq!(anomalies(&["--anomaly-min-duration", "2m"])["count"], 0);
    let a = anomalies(&["--anomaly-window", "20m", "--anomaly-min-duration", "1m"]);
    assert_eq!(
        (
            a["window_s"].clone(),
            a["min_duration_s"].clone(),
            a["count"].clone()
        ),
        (1200.into(), 60.into(), 1.into())
    );
    assert!(
        report_stdin(&["--no-anomalies"], &log())
            .get("anomalies")
            .is_none()
    );
}

#[test]
fn bad_values_are_usage_errors() {
    for args in [
        &["--anomaly-threshold", "0"][..],
        &["--anomaly-threshold", "x"],
        &["--anomaly-window", "5m"],
        &["--anomaly-window", "30m", "--bucket", "5m"],
        &["--no-anomalies", "--anomaly-threshold", "4"],
        &["--every", "1m", "--anomaly-threshold", "4"],
    ] {
        let out = run_stdin(&[&["report"], args, &["-"]].concat(), log());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
    }
    let out = run_stdin(&["report", "--anomaly-window", "5m", "-"], log());
    assert!(
        stderr_of(&out).contains("fewer than 10 buckets"),
        "{}",
        stderr_of(&out)
    );
}
