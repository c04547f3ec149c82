//! `report --every --follow --state`: a follower stopped (SIGTERM, or SIGKILL) and
//! restarted, with the log rotated while it was down, writes every line in exactly one
//! interval: the sum of all intervals written over all its runs is the number of lines
//! the test wrote, and no interval is written twice. Intervals are hours of log time and
//! the lines are hours in the past, so the wall clock hands out no interval of its own
//! within a test; the test waits for a written interval (and for the state saved after
//! it) rather than for a time.

mod common;

use common::live::{T0, line_at, lines_of};
use common::*;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// A follower of `log` keeping `state`, its windows (start after T0, requests) as read.
struct Follower {
    child: Child,
    rx: Receiver<String>,
    got: Vec<(i64, u64)>,
}

impl Follower {
    fn start(log: &Path, state: &Path) -> Follower {
        let mut child = axlog_std()
            .arg("report")
            .arg(log)
            .args(["--every", "1h", "--follow", "--output", "json", "--state"])
            .arg(state)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let rx = lines_of(child.stdout.take().unwrap());
        Follower {
            child,
            rx,
            got: Vec::new(),
        }
    }

    /// Waits for the next window written.
    fn next(&mut self) -> (i64, u64) {
        let l = self
            .rx
            .recv_timeout(Duration::from_secs(120))
            .expect("a window line");
        let v: Value = serde_json::from_str(&l).unwrap();
        let w = (
            v["window"]["start_epoch"].as_i64().unwrap() - T0,
            v["report"]["requests"].as_u64().unwrap(),
        );
        self.got.push(w);
        w
    }

    /// SIGTERM: the open window is written; the windows of this run.
    fn term(mut self) -> Vec<(i64, u64)> {
        let st = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        // Every line left, to the end of its output.
        while let Ok(l) = self.rx.recv_timeout(Duration::from_secs(120)) {
            let v: Value = serde_json::from_str(&l).unwrap();
            self.got.push((
                v["window"]["start_epoch"].as_i64().unwrap() - T0,
                v["report"]["requests"].as_u64().unwrap(),
            ));
        }
        let out = self.child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        self.got
    }

    /// SIGKILL, once the state says window `hour` was written: the open one is not.
    fn kill_after(mut self, state: &Path, hour: i64) -> Vec<(i64, u64)> {
        wait_emitted(state, (T0 + hour * 3600) / 3600);
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.got
    }
}

/// Waits until the state says window `w` (interval number) was the last written.
fn wait_emitted(state: &Path, w: i64) {
    let until = Instant::now() + Duration::from_secs(120);
    loop {
        let v: Option<Value> = std::fs::read(state)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        if v.as_ref().and_then(|v| v["live"]["emitted"].as_i64()) == Some(w) {
            return;
        }
        assert!(Instant::now() < until, "the state never said window {w}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The test's writer: appends lines and counts them.
struct Writer {
    dir: PathBuf,
    written: u64,
}

impl Writer {
    fn log(&self) -> PathBuf {
        self.dir.join("access.log")
    }

    fn append(&mut self, seconds: &[i64]) {
        let text: String = seconds.iter().map(|&s| line_at(s)).collect();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(self.log())
            .unwrap();
        f.write_all(text.as_bytes()).unwrap();
        self.written += seconds.len() as u64;
    }

    /// Rename and create: `access.log` becomes `access.log.1` (an older `.1` is
    /// `.2`), the next append creates a new `access.log`.
    fn rotate(&self) {
        let one = self.dir.join("access.log.1");
        if one.exists() {
            std::fs::rename(&one, self.dir.join("access.log.2")).unwrap();
        }
        std::fs::rename(self.log(), one).unwrap();
    }

    /// `access.log.1` compressed to `access.log.1.gz` (logrotate's `compress`).
    fn compress_one(&self) {
        let one = self.dir.join("access.log.1");
        let text = std::fs::read(&one).unwrap();
        std::fs::write(self.dir.join("access.log.1.gz"), gzip(&text)).unwrap();
        std::fs::remove_file(one).unwrap();
    }
}

/// Every window start once, in order, and every line written in one of them.
fn assert_exactly_once(all: &[(i64, u64)], written: u64) {
    let starts: Vec<i64> = all.iter().map(|w| w.0).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        starts, sorted,
        "a window written twice or out of order: {all:?}"
    );
    let total: u64 = all.iter().map(|w| w.1).sum();
    assert_eq!(total, written, "{all:?}");
}

/// SIGTERM, lines appended and the log rotated (rename and create) while down, restart,
/// SIGTERM: every line in one window.
#[test]
fn a_follower_stopped_and_restarted_across_rotation_counts_each_line_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("follow.state");
    let mut w = Writer {
        dir: dir.path().to_path_buf(),
        written: 0,
    };
    w.append(&[1, 2, 60]);
    let mut f = Follower::start(&w.log(), &state);
    // One write: the follower has read 3700 once it wrote the window 3600 closed.
    w.append(&[3599, 3600, 3700]);
    assert_eq!(f.next(), (0, 4));
    let mut all = f.term();
    // Down: the hour goes on (its window was written, partial: these lines are late and
    // count in the next one), the log rotates.
    w.append(&[3800, 3801]);
    w.rotate();
    w.append(&[7200, 7201]);
    let mut f = Follower::start(&w.log(), &state);
    w.append(&[10_800]);
    assert_eq!(f.next(), (7200, 4));
    all.extend(f.term());
    assert_exactly_once(&all, w.written);
    // The second run goes on where the first stopped: window 1h was written by the first.
    assert_eq!(all.iter().filter(|x| x.0 == 3600).count(), 1, "{all:?}");
}

/// The same with SIGKILL: the open window was not written; its lines are in the state
/// (saved after the last window written) and the restarted follower writes them once,
/// with the lines written while it was down, across a rotation and compression.
#[test]
fn a_follower_killed_and_restarted_writes_no_window_twice() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("follow.state");
    let mut w = Writer {
        dir: dir.path().to_path_buf(),
        written: 0,
    };
    w.append(&[5, 6]);
    let mut f = Follower::start(&w.log(), &state);
    w.append(&[3600, 3601]);
    assert_eq!(f.next(), (0, 2));
    w.append(&[3602, 7200]);
    assert_eq!(f.next(), (3600, 3));
    // Window 2h is open with one line: killed, it is not written.
    let mut all = f.kill_after(&state, 1);
    w.append(&[7300]);
    w.rotate();
    w.compress_one();
    w.append(&[7400, 7401]);
    let mut f = Follower::start(&w.log(), &state);
    w.append(&[10_800, 10_801]);
    // 7200 (read before the kill, restored), 7300 (the compressed tail), 7400, 7401.
    assert_eq!(f.next(), (7200, 4));
    all.extend(f.term());
    assert_exactly_once(&all, w.written);
    assert_eq!(all.last(), Some(&(10_800, 2)), "{all:?}");
}

/// A follower holds its state's lock: a second one, or a cron run, exits 4; a cron run
/// on a follower's state (once free) is refused, as `--every --state` without
/// `--follow` is.
#[test]
fn a_follower_owns_its_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("follow.state");
    let mut w = Writer {
        dir: dir.path().to_path_buf(),
        written: 0,
    };
    w.append(&[1]);
    let mut f = Follower::start(&w.log(), &state);
    w.append(&[3600]);
    f.next();
    let second = axlog_std()
        .arg("report")
        .arg(w.log())
        .args(["--every", "1h", "--follow", "--state"])
        .arg(&state)
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(4), "{}", stderr_of(&second));
    let all = f.term();
    assert_exactly_once(&all, w.written);
    let cron = axlog_std()
        .arg("report")
        .arg(w.log())
        .arg("--state")
        .arg(&state)
        .output()
        .unwrap();
    assert_eq!(cron.status.code(), Some(2), "{}", stderr_of(&cron));
    let no_follow = axlog_std()
        .arg("report")
        .arg(w.log())
        .args(["--every", "1h", "--state"])
        .arg(&state)
        .output()
        .unwrap();
    assert_eq!(
        no_follow.status.code(),
        Some(2),
        "{}",
        stderr_of(&no_follow)
    );
}
