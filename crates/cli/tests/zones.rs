//! `--tz` with an IANA zone: times logged without a zone (HAProxy's accept date) are read
//! with the offset their own date has there, daylight saving included. Expected values
//! are hand-computed (`date -u -d ... +%s`).

mod common;

use common::*;

#[test]
fn haproxy_accept_dates_in_paris_across_daylight_saving() {
    // 08:30:15 local on 9 January (CET, +01:00) and 9 July (CEST, +02:00) 2026.
    let line = |date: &str| {
        format!(
            "<134>Jun  9 08:30:15 lb haproxy[7]: 192.0.2.9:4100 [{date}] web be/a 0/0/1/3/4 200 50 - - ---- 1/1/0/0/0 0/0 \"GET /x HTTP/1.1\"\n"
        )
    };
    let text = line("09/Jan/2026:08:30:15.250") + &line("09/Jul/2026:08:30:15.250");
    let dir = tempfile::tempdir().unwrap();
    let log = write_file(dir.path(), "h.log", text.as_bytes());
    for args in [vec!["-j", "1"], vec!["-j", "2"]] {
        let out = axlog()
            .arg("report")
            .arg(&log)
            .args(["--tz", "Europe/Paris", "--output", "json"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["time"]["first"]["utc"], "2026-01-09T07:30:15.250000Z");
        assert_eq!(v["time"]["last"]["utc"], "2026-07-09T06:30:15.250000Z");
    }
}

#[test]
fn an_unknown_zone_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_file(dir.path(), "a.log", b"x\n");
    let out = axlog()
        .arg("report")
        .arg(&log)
        .args(["--tz", "Europe/Nowhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("Europe/Paris"),
        "{}",
        stderr_of(&out)
    );
}
