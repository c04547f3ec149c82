//! `AXLOG_REPORT_DUMP=DIR`: a copy of every JSON document axlog writes (a report, on
//! standard output or to a `-o` file, and each `--every` line) is also written to a new
//! file in DIR. The test suite sets it and validates every copy against
//! docs/report.schema.json afterwards (scripts/validate_reports.py): every report any
//! test makes is checked, whatever the test reads of it. A test aid: failures to write
//! the copy are ignored and change nothing of the run.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// What a copy is: named in the file so the validator picks its schema.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// A whole report (the schema's root).
    Report,
    /// A line of `--every` (the schema's `$defs/window_line`).
    WindowLine,
}

/// The directory, read once.
fn dir() -> Option<&'static PathBuf> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        std::env::var_os("AXLOG_REPORT_DUMP")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
    })
    .as_ref()
}

/// Copies `json` into the dump directory, when one is set.
pub(crate) fn copy(kind: Kind, json: &str) {
    let Some(dir) = dir() else {
        return;
    };
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let prefix = match kind {
        Kind::Report => "report",
        Kind::WindowLine => "window",
    };
    // The time too: a process id is reused over a long test run.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!("{prefix}-{}-{nanos}-{n}.json", std::process::id());
    // A test aid: a copy that cannot be written is left out (the count checks it).
    let _ = std::fs::write(dir.join(name), json);
}
