//! Helpers of the live-run tests (`--every`, `--follow`): lines at known log times, and a
//! child's output read line by line from a thread.

use std::io::{BufRead, BufReader};
use std::process::ChildStdout;
use std::sync::mpsc::{self, Receiver};

/// 2026-11-21T10:00:00Z (`date -u -d 2026-11-21T10:00:00Z +%s`), an hour's start.
pub const T0: i64 = 1_795_255_200;

/// A combined-layout line at `s` seconds after T0 (within that day).
pub fn line_at(s: i64) -> String {
    format!(
        "1.2.3.4 - - [21/Nov/2026:{:02}:{:02}:{:02} +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"ua\"\n",
        10 + s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// The child's stdout, line by line, from a thread (a test waits for a line with a
/// limit so that a broken build fails instead of hanging).
pub fn lines_of(out: ChildStdout) -> Receiver<String> {
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
