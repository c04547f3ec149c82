//! End-to-end tests of the binary for the defect issue's CLI items: output paths that are
//! inputs, writes to closed or full streams, exit codes, `--tz` values, escaping of
//! outside strings, `-j` and size bounds, `explain`'s line cap. Every log here is written
//! inline, and every expected value counted by hand from it.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Three nginx `combined` requests (statuses 200, 404, 200) and one line that is not a
/// request: 4 lines read, 3 parsed, 1 malformed.
const LOG: &str = "\
10.1.1.1 - - [03/Mar/2025:07:15:00 +0000] \"GET /a HTTP/1.1\" 200 11 \"-\" \"t/1\"
10.1.1.2 - - [03/Mar/2025:07:15:01 +0000] \"GET /b HTTP/1.1\" 404 22 \"-\" \"t/1\"
not a request at all
10.1.1.3 - - [03/Mar/2025:07:15:02 +0000] \"GET /a HTTP/1.1\" 200 33 \"-\" \"t/1\"
";

/// A temporary directory holding [`LOG`] as `in.log`, and that file's path.
fn dir_with_log() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let log = write_file(dir.path(), "in.log", LOG.as_bytes());
    (dir, log)
}

// ---- Item 7: an output path that is one of the inputs is a usage error ----

#[test]
fn rejects_file_that_is_the_input_is_refused_and_input_kept() {
    let (_dir, log) = dir_with_log();
    let out = axlog()
        .args([
            "report",
            log.to_str().unwrap(),
            "--rejects",
            log.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr_of(&out));
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&log).unwrap(), LOG.as_bytes());
}

#[test]
fn rejects_file_that_is_the_input_by_another_name_is_refused() {
    // A hard link and a `..` detour: other names, same device and inode.
    let (dir, log) = dir_with_log();
    let link = dir.path().join("other-name.log");
    std::fs::hard_link(&log, &link).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let detour = dir.path().join("sub/../in.log");
    for rejects in [&link, &detour] {
        let out = axlog()
            .args(["convert", log.to_str().unwrap(), "-q", "-o"])
            .arg(dir.path().join("pq"))
            .arg("--rejects")
            .arg(rejects)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr_of(&out));
        assert_eq!(std::fs::read(&log).unwrap(), LOG.as_bytes());
        // Refused before anything was opened for writing.
        assert!(!dir.path().join("pq").exists());
    }
}

#[test]
fn rejects_file_that_is_standard_input_is_refused() {
    let (_dir, log) = dir_with_log();
    // `axlog report --rejects in.log < in.log`: standard input is the file itself.
    let out = axlog_std()
        .args(["report", "--rejects", log.to_str().unwrap()])
        .stdin(Stdio::from(std::fs::File::open(&log).unwrap()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr_of(&out));
    assert_eq!(std::fs::read(&log).unwrap(), LOG.as_bytes());
}

/// `cat x.log | axlog report --rejects /dev/stdin`: the rejects file is the pipe axlog
/// reads; writing to it would hold the pipe open and the run would wait for its own input
/// forever. Refused as a file is (the timeout only ends a hang; it is no assertion).
#[test]
fn rejects_file_that_is_the_piped_standard_input_is_refused() {
    let out = axlog()
        .args(["report", "-", "--rejects", "/dev/stdin"])
        .write_stdin(LOG)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("standard input"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn parquet_dir_that_is_an_input_dir_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    write_file(&logs, "access.log", LOG.as_bytes());
    let via_link = dir.path().join("same-dir");
    std::os::unix::fs::symlink(&logs, &via_link).unwrap();
    for args in [
        vec![
            "convert",
            logs.to_str().unwrap(),
            "-o",
            via_link.to_str().unwrap(),
        ],
        vec![
            "report",
            logs.to_str().unwrap(),
            "--parquet",
            via_link.to_str().unwrap(),
        ],
    ] {
        let out = axlog().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr_of(&out));
        let names: Vec<_> = std::fs::read_dir(&logs).unwrap().collect();
        assert_eq!(
            names.len(),
            1,
            "nothing was written into the input directory"
        );
    }
}

#[test]
fn report_appended_to_its_own_input_is_refused() {
    let (_dir, log) = dir_with_log();
    let stdout = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let out = axlog_std()
        .args(["report", log.to_str().unwrap()])
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr_of(&out));
    assert_eq!(std::fs::read(&log).unwrap(), LOG.as_bytes());
}

#[test]
fn distinct_output_paths_still_work() {
    let (dir, log) = dir_with_log();
    let rejects = dir.path().join("bad.log");
    let out = axlog()
        .args([
            "report",
            log.to_str().unwrap(),
            "--rejects",
            rejects.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr_of(&out));
    assert_eq!(std::fs::read(&rejects).unwrap(), b"not a request at all\n");
}

// ---- Item 12: no write to stdout or stderr panics; a failed report write exits 1 ----

fn dev_full() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap(),
    )
}

#[test]
fn full_stderr_after_a_good_convert_exits_0() {
    let (dir, log) = dir_with_log();
    // The summary line goes to stderr, which cannot take it.
    let out = axlog_std()
        .args(["convert", log.to_str().unwrap(), "-o"])
        .arg(dir.path().join("pq"))
        .stderr(dev_full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn full_stderr_with_errors_to_tell_keeps_the_exit_code() {
    // A missing input: exit 1 whether or not stderr takes the message.
    let (dir, log) = dir_with_log();
    let out = axlog_std()
        .args(["report", log.to_str().unwrap()])
        .arg(dir.path().join("missing.log"))
        .stderr(dev_full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // A usage error: exit 2.
    let out = axlog_std()
        .args(["report", "--top", "many"])
        .stderr(dev_full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn full_stdout_exits_1_for_every_command() {
    let (_dir, log) = dir_with_log();
    let l = log.to_str().unwrap();
    for args in [
        vec!["report", l],
        vec!["report", l, "--output", "json"],
        vec!["report", l, "--every", "1m"],
        vec!["explain", l],
        vec!["formats"],
        vec!["--help"],
        vec!["report", "--help"],
        vec!["--version"],
    ] {
        let out = axlog_std()
            .args(&args)
            .stdout(dev_full())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr_of(&out));
    }
}

#[test]
fn full_stdout_and_stderr_exit_1_without_panic() {
    let (_dir, log) = dir_with_log();
    for args in [
        vec!["report", log.to_str().unwrap()],
        vec!["report", "/nonexistent/x.log"],
    ] {
        let out = axlog_std()
            .args(&args)
            .stdout(dev_full())
            .stderr(dev_full())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
    }
}

// ---- Item 18: a run where an input fitted no layout exits 6 and says so ----

/// Bytes of no text layout: NULs, high bytes, a few newlines (3 lines).
const BINARY: &[u8] =
    b"\x7fBIN\x00\x01\x02\xfe\xff\x00\n\x00\x00\x10\x20\x30\xc3\x28\n\x89PNG\x0d\x0a\x1a\x0a\n";

#[test]
fn binary_input_exits_3_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_file(dir.path(), "blob.log", BINARY);
    let pq = dir.path().join("pq");
    for args in [
        vec!["report", bin.to_str().unwrap()],
        vec!["report", bin.to_str().unwrap(), "--output", "json"],
        vec!["convert", bin.to_str().unwrap(), "-o", pq.to_str().unwrap()],
    ] {
        let out = axlog().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(6), "{args:?}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        assert!(err.contains("blob.log"), "{err}");
        assert!(err.contains("no line"), "{err}");
    }
}

#[test]
fn given_layout_that_fits_no_line_exits_3() {
    // Apache `common` lines read as HAProxy: no line parses.
    let (_dir, log) = dir_with_log();
    let out = axlog()
        .args([
            "report",
            log.to_str().unwrap(),
            "--format",
            "haproxy",
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr_of(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lines"]["read"], 4);
    assert_eq!(v["lines"]["parsed"], 0);
    assert!(stderr_of(&out).contains("in.log"));
}

#[test]
fn one_input_of_two_fitting_no_layout_exits_3_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_file(dir.path(), "good.log", LOG.as_bytes());
    let bad = write_file(
        dir.path(),
        "words.log",
        b"just some words\nand more words\n",
    );
    let out = axlog()
        .args(["report", good.to_str().unwrap(), bad.to_str().unwrap()])
        .args(["--output", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr_of(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The good file's 3 requests are still counted.
    assert_eq!(v["requests"], 3);
    let err = stderr_of(&out);
    assert!(err.contains("words.log"), "{err}");
    assert!(!err.contains("good.log"), "{err}");
}

#[test]
fn live_run_of_unparsable_input_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write_file(
        dir.path(),
        "words.log",
        b"just some words\nand more words\n",
    );
    let good = write_file(dir.path(), "in.log", LOG.as_bytes());
    for (f, code) in [(&bad, 6), (&good, 0)] {
        let out = axlog()
            .arg("report")
            .arg(f)
            .args(["--every", "1m"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{}", stderr_of(&out));
    }
}

#[test]
fn empty_input_and_partly_malformed_input_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write_file(dir.path(), "empty.log", b"");
    let log = write_file(dir.path(), "in.log", LOG.as_bytes());
    for f in [&empty, &log] {
        let out = axlog().arg("report").arg(f).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    }
}

#[test]
fn unreadable_input_keeps_exit_1_over_3() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_file(dir.path(), "blob.log", BINARY);
    let out = axlog()
        .arg("report")
        .arg(&bin)
        .arg(dir.path().join("missing.log"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
}

// ---- Item 19: `explain` and `report` give the same code for the same case ----

#[test]
fn explain_and_report_agree_on_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.log");
    let bin = write_file(dir.path(), "blob.log", BINARY);
    let good = write_file(dir.path(), "in.log", LOG.as_bytes());
    for (file, code) in [(&missing, 1), (&bin, 6), (&good, 0)] {
        for cmd in ["report", "explain"] {
            let out = axlog().arg(cmd).arg(file).output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(code),
                "{cmd} {}: {}",
                file.display(),
                stderr_of(&out)
            );
            if code != 0 {
                assert!(stderr_of(&out).contains(file.file_name().unwrap().to_str().unwrap()));
            }
        }
    } // A given layout that fits none of the lines: 3 from both.
    for cmd in ["report", "explain"] {
        let out = axlog()
            .arg(cmd)
            .arg(&good)
            .args(["--format", "haproxy"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(6), "{cmd}: {}", stderr_of(&out));
    }
}

// ---- Item 21: `--tz -HHMM` as written, a separate argument ----

#[test]
fn negative_tz_as_a_separate_argument() {
    // HAProxy's accept date has no zone: 08:30:15 local.
    let line = "<134>Jun  9 08:30:15 lb haproxy[7]: 192.0.2.9:4100 [09/Jun/2025:08:30:15.250] \
                web be/a 0/0/1/3/4 200 50 - - ---- 1/1/0/0/0 0/0 \"GET /x HTTP/1.1\"\n";
    let dir = tempfile::tempdir().unwrap();
    let log = write_file(dir.path(), "h.log", line.as_bytes());
    // 08:30:15 at -05:00 is 13:30:15Z; at -01:45, 10:15:15Z; at +02:00, 06:30:15Z.
    for (tz, utc) in [
        ("-0500", "2025-06-09T13:30:15.250000Z"),
        ("-05:00", "2025-06-09T13:30:15.250000Z"),
        ("-0145", "2025-06-09T10:15:15.250000Z"),
        ("+0200", "2025-06-09T06:30:15.250000Z"),
    ] {
        for cmd in ["report", "convert"] {
            let mut c = axlog();
            c.arg(cmd).arg(&log).args(["--tz", tz]);
            if cmd == "convert" {
                c.arg("-o").arg(dir.path().join("pq")).arg("-q");
                let out = c.output().unwrap();
                assert_eq!(out.status.code(), Some(0), "{tz}: {}", stderr_of(&out));
                continue;
            }
            let out = c.args(["--output", "json"]).output().unwrap();
            assert_eq!(out.status.code(), Some(0), "{tz}: {}", stderr_of(&out));
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(v["time"]["first"]["utc"], utc, "{tz}");
        }
    }
    let out = axlog()
        .arg("explain")
        .arg(&log)
        .args(["--tz", "-0500"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    // A value that is no offset is still refused, as is a missing one.
    for bad in [vec!["--tz", "-5h"], vec!["--tz"]] {
        let out = axlog().arg("report").arg(&log).args(&bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
}

// ---- Item 22: control characters from outside never reach the terminal raw ----

/// Whether `c` would act on a terminal: C0 (but the line break), DEL, C1, and the
/// bidirectional marks, embeddings, overrides and isolates (Unicode's Bidi_Control).
fn acts_on_terminal(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn assert_terminal_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad: Vec<char> = text.chars().filter(|&c| acts_on_terminal(c)).collect();
    assert!(bad.is_empty(), "{what} carries {bad:?}: {text}");
}

/// A name with an OSC title sequence (ESC ] ... BEL), a C1 CSI and a right-to-left
/// override.
const HOSTILE: &str = "\u{1b}]2;owned\u{7}x\u{9b}31m\u{202e}gol.log";

/// One `combined` request whose path carries a C1 CSI and a right-to-left override
/// (as UTF-8), and one malformed line that does too.
fn hostile_log() -> String {
    "10.9.9.9 - - [04/Apr/2025:01:02:03 +0000] \"GET /p\u{9b}1m\u{202e}txt HTTP/1.1\" 200 5 \"-\" \"u\"\n\
     junk \u{1b}[2J\u{9b}2J\u{202e}\u{2066}\n"
        .to_string()
}

#[test]
fn stderr_escapes_outside_names() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join(HOSTILE);
    // A missing file, by report, convert and explain.
    for cmd in [vec!["report"], vec!["explain"]] {
        let out = axlog().args(&cmd).arg(&missing).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert_terminal_clean("stderr", &out.stderr);
        assert!(
            stderr_of(&out).contains("owned"),
            "the name is shown, escaped"
        );
    }
    // An input that fits no layout (its name in the help and the exit-6 message), and a
    // Parquet directory named in convert's summary line.
    let bin = write_file(dir.path(), HOSTILE, BINARY);
    let out = axlog()
        .arg("convert")
        .arg(&bin)
        .arg("-o")
        .arg(dir.path().join(format!("pq{HOSTILE}")))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert_terminal_clean("stderr", &out.stderr);
    // Arguments clap or axlog refuses.
    for bad in [
        vec!["report", "--format", HOSTILE],
        vec!["report", "--tz", HOSTILE],
        vec!["report", "--every", HOSTILE],
        vec!["report", HOSTILE, "--no-such-option"],
        vec!["report", "--log-format", HOSTILE],
    ] {
        let out = axlog().args(&bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert_terminal_clean("stderr", &out.stderr);
    }
}

#[test]
fn text_report_and_explain_escape_bidi_and_c1() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_file(dir.path(), HOSTILE, hostile_log().as_bytes());
    let other = write_file(dir.path(), "plain.log", LOG.as_bytes());
    // Two sources, so the per-source table (with the hostile name) is shown.
    let out = axlog()
        .arg("report")
        .arg(&log)
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_terminal_clean("stdout", &out.stdout);
    assert_terminal_clean("stderr", &out.stderr);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("/p"), "{text}");
    let out = axlog().arg("explain").arg(&log).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_terminal_clean("stdout", &out.stdout);
    let out = axlog()
        .arg("report")
        .arg(&log)
        .args(["--every", "1m"])
        .output()
        .unwrap();
    assert_terminal_clean("stdout", &out.stdout);
}

#[test]
fn json_escapes_c1_and_keeps_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_file(dir.path(), "in.log", hostile_log().as_bytes());
    for extra in [vec![], vec!["--every", "1h"]] {
        let out = axlog()
            .arg("report")
            .arg(&log)
            .args(["--output", "json"])
            .args(&extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        // No raw C1 or bidi: only its escape.
        assert_terminal_clean("json", &out.stdout);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("\\u009b"), "{text}");
        // The value read back is the path as logged.
        let v: serde_json::Value = serde_json::from_str(text.lines().next_back().unwrap())
            .or_else(|_| serde_json::from_str(&text))
            .unwrap();
        let report = if extra.is_empty() { &v } else { &v["report"] };
        assert_eq!(report["top_paths"][0]["path"], "/p\u{9b}1m\u{202e}txt");
    }
}

// ---- Item 13: `-j` is capped at 4 threads a core, with a warning ----

#[test]
fn huge_thread_counts_are_capped_with_a_warning() {
    let (dir, log) = dir_with_log();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = 4 * cores;
    let one = axlog()
        .args(["report", "--output", "json", "-j", "1"])
        .arg(&log)
        .output()
        .unwrap();
    for j in ["100000", "4294967296", &(cap + 1).to_string()] {
        let out = axlog()
            .args(["report", "--output", "json", "-j", j])
            .arg(&log)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "-j {j}: {}", stderr_of(&out));
        assert_eq!(out.stdout, one.stdout, "-j {j}: the report does not change");
        let err = stderr_of(&out);
        assert!(
            err.contains(&format!("-j {j}")) && err.contains(&format!("{cap} threads")),
            "-j {j}: {err}"
        );
        let out = axlog()
            .args(["convert", "-q", "-j", j, "-o"])
            .arg(dir.path().join(format!("pq{j}")))
            .arg(&log)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "-j {j}: {}", stderr_of(&out));
        assert!(stderr_of(&out).contains(&format!("{cap} threads")));
    }
    // At the cap: no warning.
    let out = axlog()
        .args(["report", "-j", &cap.to_string()])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", stderr_of(&out));
}

// ---- Item 14: sizes that make no sense are usage errors ----

/// Row groups of each Parquet file under `dir`, found by walking it.
fn row_groups(dir: &Path) -> Vec<usize> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(row_groups(&p));
        } else if p.extension().is_some_and(|x| x == "parquet") {
            let f = std::fs::File::open(&p).unwrap();
            let b =
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
            out.push(b.metadata().num_row_groups());
        }
    }
    out
}

#[test]
fn nonsensical_sizes_are_usage_errors() {
    let (dir, log) = dir_with_log();
    let pq = dir.path().join("pq");
    let l = log.to_str().unwrap();
    let p = pq.to_str().unwrap();
    for args in [
        vec!["convert", l, "-o", p, "--row-group-rows", "0"],
        vec!["convert", l, "-o", p, "--row-group-rows", "16777217"],
        vec![
            "convert",
            l,
            "-o",
            p,
            "--row-group-rows",
            "18446744073709551615",
        ],
        vec!["report", l, "--parquet", p, "--row-group-rows", "0"],
        vec!["explain", l, "-n", "0"],
    ] {
        let out = axlog().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        assert!(out.stdout.is_empty());
        assert!(!pq.exists(), "{args:?}: nothing written");
    }
    // The smallest and largest accepted: 3 requests in groups of 2 are 2 row groups;
    // groups of 16,777,216, one.
    for (n, groups) in [("2", 2), ("16777216", 1)] {
        let out_dir = dir.path().join(format!("rg{n}"));
        let out = axlog()
            .args(["convert", "-q", l, "--row-group-rows", n, "-o"])
            .arg(&out_dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        assert_eq!(row_groups(&out_dir), vec![groups]);
    }
}

// ---- Item 17: `explain` keeps `report`'s line length cap ----

#[test]
fn explain_cuts_an_overlong_line_as_report_does() {
    // A first line of 20 MiB (past the 16 MiB cap) with no request in it, then a request.
    let dir = tempfile::tempdir().unwrap();
    let mut data = vec![b'z'; 20 << 20];
    data.push(b'\n');
    data.extend_from_slice(LOG.lines().nth(1).unwrap().as_bytes());
    data.push(b'\n');
    let log = write_file(dir.path(), "long.log", &data);
    let out = axlog()
        .args(["explain", "--format", "nginx-combined", "-n", "2"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    // The long line is named as cut, and not printed whole.
    assert!(text.len() < 64 << 10, "{} bytes of output", text.len());
    assert!(
        text.contains("longer than"),
        "{}",
        &text[..text.len().min(2000)]
    );
    // The next line is read as the request it is: status 404, path /b.
    assert!(
        text.contains("status 404") && text.contains("path /b"),
        "{text}"
    );
    // `report` counts the same: one malformed, one request.
    let v = report_json(&["--format", "nginx-combined", log.to_str().unwrap()]);
    assert_eq!(v["lines"]["malformed"], 1);
    assert_eq!(v["requests"], 1);
}

/// An `--every` interval longer than a year is a usage error (one of 2^64 seconds used to
/// start its window in 1970); a year is accepted.
#[test]
fn every_interval_past_a_year_is_a_usage_error() {
    for (every, code) in [("8785h", 2), ("99999999999999h", 2), ("8784h", 0)] {
        let out = axlog()
            .args(["report", "--every", every])
            .write_stdin(LOG)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{every}: {}",
            stderr_of(&out)
        );
    }
}

/// The message for an input no layout fits shows its first line's control bytes as every
/// other message does (`\x06`, `\x7F`), and says "its one line" of a one-line input.
#[test]
fn no_layout_message_escapes_as_the_others_do() {
    let out = axlog()
        .args(["report", "-"])
        .write_stdin(&b"\x06ack \x7f del\n"[..])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    let err = stderr_of(&out);
    assert!(err.contains(r"first line: \x06ack \x7F del"), "{err}");
    assert!(!err.contains(r"\u{6}"), "{err}");
    assert!(err.contains("its one line does not fit"), "{err}");
}
