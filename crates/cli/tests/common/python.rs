//! The checks made with real readers in Python: a script run by the Python that
//! `AXLOG_OUTPUTS_PYTHON` names (scripts/test.sh sets it, in a virtualenv with the
//! packages the scripts import).

use super::{stderr_of, stdout_of};
use std::path::Path;

/// What `script` writes to standard output, run with `arg` as its `sys.argv[1]`; `None`
/// when no Python is named. A failing script fails the test with its error.
pub fn run_script(script: &str, arg: &Path) -> Option<String> {
    run_script_in("AXLOG_OUTPUTS_PYTHON", script, arg)
}

/// [`run_script`] by the Python the variable `var` names (`AXLOG_DUCKDB_PYTHON`: one
/// with `duckdb`).
pub fn run_script_in(var: &str, script: &str, arg: &Path) -> Option<String> {
    let python = std::env::var_os(var)?;
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .arg(arg)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    Some(stdout_of(&out))
}
