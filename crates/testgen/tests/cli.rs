//! End-to-end tests of the `axlog-testgen` binary.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use axlog_testgen::{Config, Format, Limit, generate, parse_start};

const BIN: &str = env!("CARGO_BIN_EXE_axlog-testgen");

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("run axlog-testgen")
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("axlog-testgen-{}-{name}", std::process::id()))
}

#[test]
fn stdout_matches_library() {
    let out = run(&["--format", "nginx-timed", "--lines", "1000", "--seed", "7"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
    let cfg = Config {
        seed: 7,
        limit: Limit::Lines(1000),
        ..Config::default()
    };
    assert_eq!(out.stdout, generate(&cfg));
    assert_eq!(out.stdout.iter().filter(|&&b| b == b'\n').count(), 1000);
}

#[test]
fn all_options_and_output_file() {
    let path = temp_path("opts.log");
    let out = run(&[
        "--format",
        "haproxy-http",
        "--mb",
        "1",
        "--start",
        "2026-12-24T18:30:00Z",
        "--tz",
        "-0800",
        "--rate",
        "50",
        "--seed",
        "42",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let file = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let cfg = Config {
        format: Format::HaproxyHttp,
        limit: Limit::Bytes(1_000_000),
        seed: 42,
        start_epoch_s: parse_start("2026-12-24T18:30:00Z").unwrap(),
        tz_offset_min: -480,
        rate: 50.0,
        ..Config::default()
    };
    assert_eq!(file, generate(&cfg));
    assert!(
        file.len() >= 1_000_000 && file.len() < 1_002_000,
        "{}",
        file.len()
    );
    // Local time is UTC-8: 10:30 on the 24th.
    assert!(
        file.starts_with(b"Dec 24 10:30:00 lb1 haproxy["),
        "{}",
        String::from_utf8_lossy(&file[..60])
    );
    // `--tz=-0800` spelling gives the same bytes.
    let out2 = run(&[
        "--format=haproxy-http",
        "--mb=1",
        "--start=2026-12-24T18:30:00Z",
        "--tz=-0800",
        "--rate=50",
        "--seed=42",
    ]);
    assert_eq!(out2.stdout, file);
}

#[test]
fn combined_format_and_defaults() {
    let out = run(&["--format", "nginx-combined", "--lines", "3"]);
    assert!(out.status.success());
    let cfg = Config {
        format: Format::NginxCombined,
        limit: Limit::Lines(3),
        ..Config::default()
    };
    assert_eq!(out.stdout, generate(&cfg));
    assert!(String::from_utf8_lossy(&out.stdout).contains("[21/Nov/2026:00:00:"));
}

#[test]
fn ingress_format_by_name() {
    let out = run(&[
        "--format",
        "ingress-upstreaminfo",
        "--lines",
        "500",
        "--seed",
        "9",
    ]);
    assert!(out.status.success());
    let cfg = Config {
        format: Format::IngressUpstreaminfo,
        limit: Limit::Lines(500),
        seed: 9,
        ..Config::default()
    };
    assert_eq!(out.stdout, generate(&cfg));
    assert!(String::from_utf8_lossy(&out.stdout).contains(" [default-api-80] [] 10.244."));
}

#[test]
fn calm_and_events_match_library() {
    let specs = [
        "spike@2026-11-21T00:01:00Z/1m:server=api/web2",
        "outage@2026-11-21T00:03:00Z/30s",
        "latency@2026-11-21T00:04:00Z/1m",
    ];
    let mut args = vec!["--format", "haproxy-http", "--duration", "10m", "--calm"];
    for s in &specs {
        args.extend(["--event", s]);
    }
    let out = run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cfg = Config {
        format: Format::HaproxyHttp,
        limit: Limit::Seconds(600),
        calm: true,
        events: specs.iter().map(|s| s.parse().unwrap()).collect(),
        ..Config::default()
    };
    assert_eq!(out.stdout, generate(&cfg));
    assert_ne!(
        out.stdout,
        generate(&Config {
            events: Vec::new(),
            ..cfg
        })
    );
}

#[test]
fn bad_events_are_usage_errors() {
    for (spec, says) in [
        ("spike@2026-11-21T00:01:00Z", "KIND@START/DURATION"),
        ("flood@2026-11-21T00:01:00Z/1m", "unknown kind"),
        (
            "spike@2026-11-21T00:01:00Z/1m:endpoint=/nope",
            "endpoints include",
        ),
        (
            "spike@2026-11-21T00:01:00Z/1m:server=app/web1",
            "need haproxy-http",
        ),
    ] {
        let out = run(&["--format", "nginx-timed", "--lines", "5", "--event", spec]);
        assert!(!out.status.success(), "{spec} succeeded");
        assert!(out.stdout.is_empty(), "{spec}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{spec}: {err}");
    }
    let help = run(&["--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("--event <SPEC>") && help.contains("--calm"),
        "{help}"
    );
}

#[test]
fn usage_errors_exit_nonzero() {
    for args in [
        &["--format", "nginx-timed"][..],
        &["--format", "nginx-timed", "--lines", "5", "--mb", "1"],
        &["--format", "apache", "--lines", "5"],
        &["--lines", "5"],
        &["--format", "nginx-timed", "--lines", "5", "--rate", "0"],
        &["--format", "nginx-timed", "--lines", "5", "--tz", "0800"],
        &[
            "--format",
            "nginx-timed",
            "--lines",
            "5",
            "--start",
            "yesterday",
        ],
        &["--format", "nginx-timed", "--mb", "99999999999999999"],
    ] {
        let out = run(args);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn unwritable_output_reports_and_fails() {
    let path = temp_path("no-such-dir").join("x.log");
    let out = run(&[
        "--format",
        "nginx-timed",
        "--lines",
        "10",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("axlog-testgen: ") && err.contains("x.log"),
        "{err}"
    );
}

#[test]
fn closed_pipe_ends_quietly() {
    let mut child = Command::new(BIN)
        .args(["--format", "nginx-timed", "--mb", "500"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut head = vec![0u8; 64 * 1024];
    stdout.read_exact(&mut head).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
