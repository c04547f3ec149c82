//! `--help`: wrapped to the terminal's width (`COLUMNS`), and ending with examples that
//! work: every example line of `axlog --help` and of each command's is run here, on the
//! bundled sample, with its paths moved into a temporary directory.

mod common;

use common::axlog;
use std::path::Path;
use std::process::Command;

fn help(args: &[&str], columns: Option<&str>) -> String {
    let mut cmd = axlog();
    cmd.args(args);
    if let Some(c) = columns {
        cmd.env("COLUMNS", c);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The example commands of a help text, one a line.
fn examples(text: &str) -> Vec<String> {
    text.lines()
        .skip_while(|l| *l != "Examples:")
        .skip(1)
        .map_while(|l| l.strip_prefix("  "))
        .map(String::from)
        .collect()
}

#[test]
fn help_wraps_to_the_terminal() {
    for columns in ["60", "80"] {
        let width: usize = columns.parse().unwrap();
        let text = help(&["report", "--help"], Some(columns));
        // Words longer than the width (a quoted mapping) are not cut; every other line fits.
        let long: Vec<&str> = text
            .lines()
            .filter(|l| l.chars().count() > width && l.trim().contains(' '))
            .collect();
        assert!(long.is_empty(), "COLUMNS={columns}: {long:#?}");
    }
}

#[test]
fn every_example_runs() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/sample/access.log");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(&sample, d.join("access.log")).unwrap();
    std::fs::copy(&sample, d.join("access.log.1")).unwrap();
    std::fs::write(
        d.join("access.log.2.gz"),
        common::gzip(&std::fs::read(&sample).unwrap()),
    )
    .unwrap();
    std::fs::create_dir(d.join("nginx")).unwrap();
    std::fs::copy(&sample, d.join("nginx/access.log")).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("axlog");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = 0;
    for args in [
        vec!["--help"],
        vec!["report", "--help"],
        vec!["convert", "--help"],
        vec!["explain", "--help"],
    ] {
        let text = help(&args, Some("200"));
        let found = examples(&text);
        for ex in &found {
            assert!(ex.len() + 2 <= 80, "an example wider than 80 columns: {ex}");
        }
        assert!(!found.is_empty(), "{args:?} has no examples");
        for ex in found {
            // A follower runs until stopped: its arguments are checked by the others.
            if ex.contains("tail -F") {
                continue;
            }
            let line = ex
                .replace("/var/log/nginx/access.log", "access.log")
                .replace("/var/log/nginx/", "nginx/")
                .replace("/var/lib/axlog/", "./")
                .replace("/srv/parquet/", "pq/");
            let out = Command::new("bash")
                .args(["-c", &line])
                .current_dir(d)
                .env("PATH", &path)
                .output()
                .unwrap();
            // 3: the example's threshold fired on the sample, as it may.
            assert!(
                matches!(out.status.code(), Some(0 | 3)),
                "{line}: {:?}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            ran += 1;
        }
    }
    assert!(ran >= 10, "{ran} examples ran");
}
