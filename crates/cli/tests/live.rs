//! `report --every` as a live run: a window is written when the input has been idle for
//! one interval of wall time (before the input ends), SIGTERM writes the open window and
//! exits 0, and `--follow` reads files as they grow and across rotation. Every expected
//! count is the number of lines the test wrote; no assertion is on timing (a line must
//! only arrive before the test closes the input or signals).

mod common;

use common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdout, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

/// 2026-11-21T10:00:00Z (`date -u -d 2026-11-21T10:00:00Z +%s`).
const T0: i64 = 1_795_255_200;

/// A combined-layout line at `s` seconds after T0 (within that day).
fn line_at(s: i64) -> String {
    format!(
        "1.2.3.4 - - [21/Nov/2026:{:02}:{:02}:{:02} +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"ua\"\n",
        10 + s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// The child's stdout, line by line, from a thread (a test waits for a line with a
/// limit so that a broken build fails instead of hanging).
fn lines_of(out: ChildStdout) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines() {
            let Ok(l) = l else { return };
            if tx.send(l).is_err() {
                return;
            }
        }
    });
    rx
}

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
