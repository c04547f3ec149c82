//! Helpers the binary's end-to-end tests share: where fixtures are, and reading the JSON
//! report.
#![allow(dead_code)] // Each test file uses its own subset.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file under `testdata/`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("testdata").join(name)
}

/// A file of the shared conformance corpus (`../shared/corpus`).
pub fn corpus(rel: &str) -> PathBuf {
    root().join("../shared/corpus").join(rel)
}

pub fn axlog() -> Command {
    Command::cargo_bin("axlog").unwrap()
}

/// `axlog report ARGS --output json`, which must succeed, parsed.
pub fn report_json(args: &[&str]) -> Value {
    serde_json::from_str(&report_json_text(args)).unwrap()
}

/// `axlog report ARGS --output json --rejects REJECTS`, which must succeed: the JSON as
/// written, and the rejects file.
pub fn report_json_and_rejects(args: &[&str], rejects: &Path) -> (String, Vec<u8>) {
    let mut all = args.to_vec();
    all.extend(["--rejects", rejects.to_str().unwrap()]);
    (report_json_text(&all), std::fs::read(rejects).unwrap())
}

/// `axlog report ARGS --output json`, which must succeed, as written.
pub fn report_json_text(args: &[&str]) -> String {
    let out = axlog()
        .arg("report")
        .args(args)
        .args(["--output", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// (code, count) of every status in a report.
pub fn status_counts(v: &Value) -> Vec<(u64, u64)> {
    v["status"]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_u64().unwrap(), c["count"].as_u64().unwrap()))
        .collect()
}

/// Counts of the classes 1xx, 2xx, 3xx, 4xx, 5xx, other.
pub fn class_counts(v: &Value) -> Vec<u64> {
    v["status"]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .collect()
}
