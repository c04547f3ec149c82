//! Running `axlog report` on a file: with `-j 1` and `-j 2` (which must succeed and agree
//! byte for byte), or once, as JSON or as text.

use super::{axlog, stderr_of};
use serde_json::Value;
use std::path::Path;

/// `axlog report FILE ARGS` with `-j 1` and `-j 2`, which must succeed and agree byte for
/// byte: what they wrote.
pub fn report_both_raw(file: &Path, args: &[&str]) -> Vec<u8> {
    let run = |j: &str| {
        let out = axlog()
            .arg("report")
            .arg(file)
            .args(args)
            .args(["-j", j])
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
        out.stdout
    };
    let one = run("1");
    assert_eq!(
        String::from_utf8_lossy(&one),
        String::from_utf8_lossy(&run("2")),
        "{args:?}"
    );
    one
}

/// `axlog report FILE ARGS --output json` with `-j 1` and `-j 2`, which must succeed and
/// agree byte for byte: the report.
pub fn report_both(file: &Path, args: &[&str]) -> Value {
    let args = [args, &["--output", "json"]].concat();
    serde_json::from_slice(&report_both_raw(file, &args)).unwrap()
}

/// `axlog report FILE ARGS --output json` once, which must succeed: the report.
pub fn report_once(file: &Path, args: &[&str]) -> Value {
    let out = axlog()
        .arg("report")
        .arg(file)
        .args(args)
        .args(["--output", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `axlog report FILE ARGS` once, which must succeed: the text report.
pub fn report_text(file: &Path, args: &[&str]) -> String {
    let out = axlog().arg("report").arg(file).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}
