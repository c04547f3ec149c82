//! `report --every` as a live run: a window is written when the input has been idle for
//! one interval of wall time (before the input ends), SIGTERM writes the open window and
//! exits 0, and `--follow` reads files as they grow and across rotation. Every expected
//! count is the number of lines the test wrote; no assertion is on timing (a line must
//! only arrive before the test closes the input or signals).

mod common;

use common::live::{T0, line_at, lines_of};
use common::*;
use serde_json::Value;
use std::io::Write;
use std::process::{Child, Stdio};
use std::sync::mpsc::Receiver;
use std::time::Duration;

/// The next window written, as JSON.
fn next_window(rx: &Receiver<String>) -> Value {
    let l = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("a window line");
    serde_json::from_str(&l).unwrap()
}

fn spawn(args: &[&str]) -> Child {
    axlog_std()
        .arg("report")
        .args(args)
        .args(["--output", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn term(child: &Child) {
    let st = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
}

/// (start after T0, requests, partial) of a window line.
fn fields(v: &Value) -> (i64, u64, bool) {
    (
        v["window"]["start_epoch"].as_i64().unwrap() - T0,
        v["report"]["requests"].as_u64().unwrap(),
        v["window"]["partial"].as_bool().unwrap(),
    )
}

/// A pipe that stays open but quiet: after one interval (1 s) of wall time the open
/// window is written, partial, its QPS over the seconds up to its last request, before
/// the input ends. A line of it coming later counts in the next window.
#[test]
fn an_idle_pipe_writes_its_window_partial() {
    let mut child = spawn(&["--every", "2s", "-"]);
    let rx = lines_of(child.stdout.take().unwrap());
    let mut stdin = child.stdin.take().unwrap();
    // Window :00-:01, two requests at :00: QPS over 1 second.
    let written = [0, 0];
    let text: String = written.iter().map(|&s| line_at(s)).collect();
    stdin.write_all(text.as_bytes()).unwrap();
    stdin.flush().unwrap();
    let v = next_window(&rx);
    assert_eq!(fields(&v), (0, 2, true), "{v}");
    assert_eq!(v["report"]["qps"]["seconds"], 1, "{v}");
    assert_eq!(v["report"]["qps"]["mean"].as_f64(), Some(2.0));
    // Still open: one more line (of the same window, so late), then the end.
    stdin.write_all(line_at(1).as_bytes()).unwrap();
    drop(stdin);
    let v = next_window(&rx);
    assert_eq!(fields(&v), (2, 1, true), "{v}");
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
}

/// SIGTERM: the open window is written, partial, and the run exits 0. The first window
/// (written when the next hour's line came) says the handler is in place.
#[test]
fn sigterm_writes_the_open_window_and_exits_0() {
    let mut child = spawn(&["--every", "1h", "-"]);
    let rx = lines_of(child.stdout.take().unwrap());
    let mut stdin = child.stdin.take().unwrap();
    let written = [5, 70, 1800, 3600 + 12, 3600 + 13, 3600 + 600];
    let text: String = written.iter().map(|&s| line_at(s)).collect();
    stdin.write_all(text.as_bytes()).unwrap();
    stdin.flush().unwrap();
    let first = next_window(&rx);
    let in_first = written.iter().filter(|&&s| s < 3600).count() as u64;
    assert_eq!(fields(&first), (0, in_first, false), "{first}");
    term(&child);
    let last = next_window(&rx);
    let in_last = written.len() as u64 - in_first;
    assert_eq!(fields(&last), (3600, in_last, true), "{last}");
    // Its QPS is over 11:00:00 to its last request, 11:10:00.
    assert_eq!(last["report"]["qps"]["seconds"], 601, "{last}");
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

fn append(path: &std::path::Path, seconds: &[i64]) {
    let text: String = seconds.iter().map(|&s| line_at(s)).collect();
    common::append(path, text);
}

/// `--follow` over a file a writer appends to, rotates by rename and create (without
/// waiting for axlog to finish the old file), then by copytruncate; SIGTERM ends it. Each
/// hour's window holds the lines the test wrote in that hour, and their sum is every line
/// written. A line of the next hour, once written, makes axlog write the hour before:
/// reading that window says every line before it was read.
#[test]
fn follow_reads_growth_and_both_rotations() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("access.log");
    append(&log, &[1, 2]);
    let mut child = axlog_std()
        .arg("report")
        .arg(&log)
        .args(["--every", "1h", "--follow", "--output", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = lines_of(child.stdout.take().unwrap());
    let mut written: Vec<i64> = vec![1, 2];
    let mut write = |path: &std::path::Path, s: &[i64]| {
        append(path, s);
        written.extend_from_slice(s);
    };
    // Growth, then the next hour's first line.
    write(&log, &[60, 61, 3599]);
    write(&log, &[3600]);
    let w10 = next_window(&rx);
    // Rename and create at once: the old file's unread lines must still be read.
    write(&log, &[3700, 3701]);
    std::fs::rename(&log, dir.path().join("access.log.1")).unwrap();
    write(&log, &[3800, 3801, 3802, 3803, 3804]);
    write(&log, &[7200]);
    let w11 = next_window(&rx);
    // copytruncate, with lines written just before it (axlog may not have read them):
    // those come from the copy, then the cut file from its start. Fewer bytes than were
    // read are written after the cut, so the cut shows whenever axlog looks.
    write(&log, &[7250, 7251]);
    std::fs::copy(&log, dir.path().join("access.log.2")).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&log)
        .unwrap()
        .set_len(0)
        .unwrap();
    write(&log, &[7300, 7301]);
    write(&log, &[10_800]);
    let w12 = next_window(&rx);
    term(&child);
    let w13 = next_window(&rx);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));

    let in_hour = |h: i64| written.iter().filter(|&&s| s / 3600 == h).count() as u64;
    let got: Vec<(i64, u64, bool)> = [&w10, &w11, &w12, &w13].iter().map(|v| fields(v)).collect();
    assert_eq!(
        got,
        [
            (0, in_hour(0), false),
            (3600, in_hour(1), false),
            (7200, in_hour(2), false),
            (10_800, in_hour(3), true),
        ]
    );
    let total: u64 = got.iter().map(|g| g.1).sum();
    assert_eq!(total, written.len() as u64);
}

/// `--follow` needs `--every`.
#[test]
fn follow_needs_every() {
    let out = axlog_std()
        .args(["report", "--follow", "x.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--every"), "{}", stderr_of(&out));
}

/// Several inputs: each line counts in the window of its own time, whichever input it
/// is read from and however the inputs' reading interleaves; a window is written once
/// both inputs have gone past it.
#[test]
fn several_inputs_count_each_line_in_its_own_window() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.log");
    let b = dir.path().join("b.log");
    // Many lines, so that each file is several chunks and the two interleave.
    let sa: Vec<i64> = (0..40_000).map(|i| i * 10_800 / 40_000).collect();
    let sb: Vec<i64> = (0..25_000).map(|i| 1800 + i * 9_000 / 25_000).collect();
    append(&a, &sa);
    append(&b, &sb);
    let out = axlog_std()
        .arg("report")
        .args([&a, &b])
        .args(["--every", "1h", "--output", "json"])
        .output()
        .unwrap();
    assert_success(&out);
    let got: Vec<(i64, u64, bool)> = stdout_of(&out)
        .lines()
        .map(|l| fields(&serde_json::from_str(l).unwrap()))
        .collect();
    let all: Vec<i64> = sa.iter().chain(&sb).copied().collect();
    let last = all.iter().max().unwrap() / 3600;
    let want: Vec<(i64, u64, bool)> = (0..=last)
        .map(|h| {
            let n = all.iter().filter(|&&s| s / 3600 == h).count() as u64;
            (h * 3600, n, h == last)
        })
        .collect();
    assert_eq!(got, want);
}

/// Following a file that goes quiet: once the clock has passed its interval, the window
/// is written whole (not partial: the quiet seconds were real), then one window of zeros
/// per interval of silence (an outage shows while it lasts).
#[test]
fn following_a_quiet_file_writes_zero_windows() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("access.log");
    append(&log, &[0, 0]);
    let mut child = axlog_std()
        .arg("report")
        .arg(&log)
        .args(["--every", "1s", "--follow", "--output", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = lines_of(child.stdout.take().unwrap());
    let first = next_window(&rx);
    assert_eq!(fields(&first), (0, 2, false), "{first}");
    assert_eq!(first["report"]["qps"]["seconds"], 1);
    for k in 1..3 {
        let v = next_window(&rx);
        assert_eq!(fields(&v), (k, 0, false), "{v}");
        assert_eq!(v["report"]["qps"]["empty_seconds"], 1, "{v}");
    }
    term(&child);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    // Whatever came after: more zero windows, in order.
    let mut next = 3;
    while let Ok(l) = rx.recv_timeout(Duration::from_secs(10)) {
        let v: Value = serde_json::from_str(&l).unwrap();
        assert_eq!(fields(&v), (next, 0, false), "{v}");
        next += 1;
    }
}

/// Two files followed at once: an hour is written once both have gone past it (here
/// neither is idle for an hour), with the lines of both.
#[test]
fn following_two_files_writes_an_hour_once_both_passed_it() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    append(&a, &[1, 2, 3]);
    append(&b, &[5]);
    let mut child = axlog_std()
        .arg("report")
        .args([&a, &b])
        .args(["--every", "1h", "--follow", "--output", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = lines_of(child.stdout.take().unwrap());
    // A goes past 10:00; B still writes lines of it, then goes past too.
    append(&a, &[3600]);
    append(&b, &[6, 7]);
    append(&b, &[3601, 3602]);
    let first = next_window(&rx);
    assert_eq!(fields(&first), (0, 6, false), "{first}");
    // B's lines after its 10:00 ones are read before the hour is written (file order);
    // A's 11:00 line before, as it is what let the hour be written.
    term(&child);
    let last = next_window(&rx);
    assert_eq!(fields(&last), (3600, 3, true), "{last}");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}
