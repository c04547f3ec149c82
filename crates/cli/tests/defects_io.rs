//! End-to-end tests of the input defects: archives, truncated files, rejects, splitting.

mod common;

use std::io::{Seek, SeekFrom};
use std::process::Stdio;

/// `n` combined-format lines, numbered.
fn combined_lines(n: usize) -> String {
    (0..n)
        .map(|k| {
            format!(
                "10.0.0.{} - - [06/Dec/2026:11:{:02}:{:02} +0000] \"GET /page/{k} HTTP/1.1\" 200 {} \"-\" \"test\"\n",
                k % 250,
                k / 60 % 60,
                k % 60,
                100 + k
            )
        })
        .collect()
}

#[test]
fn a_file_on_stdin_cut_below_the_position_read_is_reported() {
    // Standard input is a log file read up to byte 20,000 (as a run reading it would
    // be), which is then cut to 5,000 bytes: the file shrank below what was read.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.log");
    let text = combined_lines(1000);
    assert!(text.len() > 20_000);
    for j in ["1", "2", "4"] {
        std::fs::write(&path, &text).unwrap();
        let mut stdin = std::fs::File::open(&path).unwrap();
        stdin.seek(SeekFrom::Start(20_000)).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(5_000)
            .unwrap();
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("axlog"))
            .args(["report", "-", "--output", "json", "-j", j])
            .stdin(Stdio::from(stdin))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "-j {j}: {stderr}");
        assert!(stderr.contains("<stdin>"), "-j {j}: {stderr}");
        assert!(stderr.contains("became shorter"), "-j {j}: {stderr}");
        // The file's position (20,000) and its length now (5,000) are both named.
        assert!(
            stderr.contains("20000") && stderr.contains("5000"),
            "{stderr}"
        );
    }
}
