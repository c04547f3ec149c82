//! End-to-end tests of exactly-once Parquet (`convert --state`, `report --parquet
//! --state`): runs over a growing, rotated (renamed, then compressed) log, with crashes
//! injected between writing the Parquet files and saving the state, write each line as
//! a row once. Every line the test writes has its own `bytes_sent` (its number), so the
//! rows read back with the `parquet` crate are checked against the numbers written: none
//! missing, none twice.

mod common;

use common::parquet_rows::{bytes_sent, parquet_files};
use common::{append, assert_success, axlog_std, files_under, gzip, write_file};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};

/// Writes numbered nginx lines: line `i` (from 1) sends `i` bytes, one second after
/// line `i - 1`, from 2026-12-06 23:50:00 UTC on (so the rows span two days).
struct Lines {
    written: u64,
}

impl Lines {
    fn next(&mut self, n: u64) -> String {
        let mut text = String::new();
        for _ in 0..n {
            self.written += 1;
            let i = self.written;
            let secs = 23 * 3600 + 50 * 60 + i;
            let (day, s) = (6 + secs / 86_400, secs % 86_400);
            text.push_str(&format!(
                "10.0.{}.{} - - [{day:02}/Dec/2026:{:02}:{:02}:{:02} +0000] \"GET /item/{i} HTTP/1.1\" 200 {i} \"-\" \"test/1.0\"\n",
                i / 250 % 250,
                i % 250,
                s / 3600,
                s / 60 % 60,
                s % 60
            ));
        }
        text
    }
}

/// `axlog ARGS`, with `AXLOG_FAULT=fault` when given.
fn run(args: &[&std::ffi::OsStr], fault: Option<&str>) -> std::process::Output {
    let mut cmd = axlog_std();
    cmd.args(args);
    if let Some(f) = fault {
        cmd.env("AXLOG_FAULT", f);
    }
    cmd.output().unwrap()
}

/// `convert --state STATE -o OUT -j 2 LOG`.
fn convert(state: &Path, out: &Path, log: &Path, fault: Option<&str>) -> std::process::Output {
    let args = [
        "convert".as_ref(),
        "--state".as_ref(),
        state.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "-j".as_ref(),
        "2".as_ref(),
        log.as_os_str(),
    ];
    run(&args, fault)
}

/// The run died of the injected fault (SIGABRT), not of an error.
fn assert_aborted(out: &std::process::Output) {
    assert_eq!(
        out.status.signal(),
        Some(6),
        "expected an abort; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `got` is `want`; else the counts and the first difference (not thousands of values).
fn assert_values(got: &[i64], want: &[i64]) {
    if let Some(i) = (0..got.len().max(want.len())).find(|&i| got.get(i) != want.get(i)) {
        panic!(
            "{} rows for {} lines; first difference at {i}: {:?} for {:?} \
             (a line missing or written twice)",
            got.len(),
            want.len(),
            got.get(i),
            want.get(i)
        );
    }
}

/// The rows are the lines written, each once: `bytes_sent` 1..=written.
fn assert_each_line_once(out: &Path, written: u64) {
    let want: Vec<i64> = (1..=written as i64).collect();
    assert_values(&bytes_sent(out), &want);
}

/// `part-{16 hex}-{12 digits}-{12 digits}-{5 digits}.parquet`: its (fp, start, end).
fn name_parts(p: &Path) -> (String, u64, u64) {
    let name = p.file_name().unwrap().to_str().unwrap();
    let rest = name
        .strip_prefix("part-")
        .and_then(|r| r.strip_suffix(".parquet"))
        .unwrap_or_else(|| panic!("{name}"));
    let parts: Vec<&str> = rest.split('-').collect();
    let widths: Vec<usize> = parts.iter().map(|s| s.len()).collect();
    assert_eq!(widths, [16, 12, 12, 5], "{name}");
    assert!(parts[0].bytes().all(|b| b.is_ascii_hexdigit()), "{name}");
    assert!(
        parts[1..]
            .iter()
            .all(|s| s.bytes().all(|b| b.is_ascii_digit())),
        "{name}"
    );
    let start = parts[1].parse().unwrap();
    let end = parts[2].parse().unwrap();
    assert!(start < end, "{name}");
    (parts[0].to_string(), start, end)
}

/// FNV-1a 64 of the first (at most 1024) bytes: the fingerprint the state keeps.
fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in &bytes[..bytes.len().min(1024)] {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A good run's checks: success, each line once, names by what the files hold, no
/// journal left.
fn assert_good(out: &std::process::Output, dir: &Path, state: &Path, written: u64) {
    assert_success(out);
    assert_each_line_once(&dir.join("out"), written);
    for p in parquet_files(&dir.join("out")) {
        name_parts(&p);
    }
    assert!(!pending(state).exists());
}

fn pending(state: &Path) -> PathBuf {
    let mut p = state.as_os_str().to_os_string();
    p.push(".pending");
    PathBuf::from(p)
}

#[test]
fn convert_with_crashes_and_rotations_writes_each_line_once() {
    let dir = tempfile::tempdir().unwrap();
    let (state, out) = (dir.path().join("web.state"), dir.path().join("out"));
    let log = dir.path().join("access.log");
    let mut lines = Lines { written: 0 };

    // First run: the whole file, named by its fingerprint and [0, its length).
    let first = lines.next(1000);
    append(&log, &first);
    assert_good(&convert(&state, &out, &log, None), dir.path(), &state, 1000);
    let fp = fingerprint(first.as_bytes());
    let names: Vec<_> = parquet_files(&out).iter().map(|p| name_parts(p)).collect();
    assert!(names.len() >= 2, "two days: two partitions at least");
    for n in &names {
        assert_eq!(n, &(fp.clone(), 0, first.len() as u64));
    }

    // Published, then the run dies before saving the state; more lines come before the
    // rerun, which reads a longer range (other names): the journal undoes the files.
    append(&log, lines.next(200));
    assert_aborted(&convert(&state, &out, &log, Some("after-parquet-publish")));
    assert!(pending(&state).exists());
    assert_eq!(bytes_sent(&out).len(), 1200);
    append(&log, lines.next(100));
    assert_good(&convert(&state, &out, &log, None), dir.path(), &state, 1300);

    // Dies just before the state's rename.
    append(&log, lines.next(150));
    assert_aborted(&convert(&state, &out, &log, Some("before-state-rename")));
    append(&log, lines.next(50));
    assert_good(&convert(&state, &out, &log, None), dir.path(), &state, 1500);

    // Rotation (rename + create), and a run that dies with the journal written but no
    // file renamed yet.
    append(&log, lines.next(100));
    std::fs::rename(&log, dir.path().join("access.log.1")).unwrap();
    append(&log, lines.next(200));
    assert_aborted(&convert(&state, &out, &log, Some("after-journal")));
    append(&log, lines.next(10));
    assert_good(&convert(&state, &out, &log, None), dir.path(), &state, 1810);

    // delaycompress: `.1` compressed to `.2.gz`, the live file renamed to `.1`, a new
    // live file; the run dies with its files staged, before any journal.
    append(&log, lines.next(40));
    let one = dir.path().join("access.log.1");
    write_file(
        dir.path(),
        "access.log.2.gz",
        &gzip(&std::fs::read(&one).unwrap()),
    );
    std::fs::remove_file(&one).unwrap();
    std::fs::rename(&log, &one).unwrap();
    append(&log, lines.next(60));
    assert_aborted(&convert(&state, &out, &log, Some("after-parquet-staged")));
    let hidden = |out: &Path| {
        files_under(out)
            .into_iter()
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('.'))
            .count()
    };
    assert!(hidden(&out) > 0, "the dead run's staged files");
    assert_good(&convert(&state, &out, &log, None), dir.path(), &state, 1910);
    assert_eq!(hidden(&out), 0, "staging leftovers removed by the rerun");

    // Nothing new: no file, the same rows.
    let before = parquet_files(&out);
    assert_good(&convert(&state, &out, &log, None), dir.path(), &state, 1910);
    assert_eq!(parquet_files(&out), before);
}

#[test]
fn report_parquet_with_state_writes_each_line_once() {
    let dir = tempfile::tempdir().unwrap();
    let (state, out) = (dir.path().join("web.state"), dir.path().join("out"));
    let log = dir.path().join("access.log");
    let mut lines = Lines { written: 0 };
    let report = |fault: Option<&str>| {
        let args = [
            "report".as_ref(),
            "--state".as_ref(),
            state.as_os_str(),
            "--parquet".as_ref(),
            out.as_os_str(),
            "--output".as_ref(),
            "json".as_ref(),
            log.as_os_str(),
        ];
        run(&args, fault)
    };
    let requests = |o: &std::process::Output| {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["requests"].as_u64().unwrap()
    };

    append(&log, lines.next(300));
    let r1 = report(None);
    assert_good(&r1, dir.path(), &state, 300);
    assert_eq!(requests(&r1), 300);

    append(&log, lines.next(120));
    assert_aborted(&report(Some("after-parquet-publish")));
    append(&log, lines.next(30));
    let r2 = report(None);
    assert_good(&r2, dir.path(), &state, 450);
    // The lines since the last saved state, the crashed run's included.
    assert_eq!(requests(&r2), 150);
}

#[test]
fn report_and_convert_keep_states_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let (state, out) = (dir.path().join("web.state"), dir.path().join("out"));
    let log = dir.path().join("access.log");
    append(&log, Lines { written: 0 }.next(20));
    assert_success(&convert(&state, &out, &log, None));
    let args = [
        "report".as_ref(),
        "--state".as_ref(),
        state.as_os_str(),
        log.as_os_str(),
    ];
    let o = run(&args, None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("the state of `axlog convert`"));
}

#[test]
fn a_read_that_fails_writes_no_row_until_it_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (state, out) = (dir.path().join("web.state"), dir.path().join("out"));
    let log = dir.path().join("access.log");
    let mut lines = Lines { written: 0 };
    append(&log, lines.next(500));
    assert_good(&convert(&state, &out, &log, None), dir.path(), &state, 500);

    // Rotated and compressed, but the archive is cut short: its read fails part-way.
    append(&log, lines.next(2000));
    let whole = gzip(&std::fs::read(&log).unwrap());
    let gz_path = write_file(dir.path(), "access.log.1.gz", &whole[..whole.len() - 200]);
    std::fs::remove_file(&log).unwrap();
    let before = lines.written;
    append(&log, lines.next(100));
    let o = convert(&state, &out, &log, None);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The new live file's rows are there; none of the failed read's.
    let mut want: Vec<i64> = (1..=500).collect();
    want.extend(before as i64 + 1..=lines.written as i64);
    assert_values(&bytes_sent(&out), &want);
    assert!(!pending(&state).exists());

    // The archive whole again: its unread lines are read, once.
    std::fs::write(&gz_path, &whole).unwrap();
    assert_good(&convert(&state, &out, &log, None), dir.path(), &state, 2600);
}
