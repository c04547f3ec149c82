//! End-to-end tests of the input defects: archives, truncated files, rejects, splitting.

mod common;

use common::*;
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
        let out = axlog_std()
            .args(["report", "-", "--output", "json", "-j", j])
            .stdin(Stdio::from(stdin))
            .output()
            .unwrap();
        let stderr = stderr_of(&out);
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

#[test]
fn rejects_keep_the_carriage_return_of_crlf_lines() {
    // Lines ending in CRLF (a log copied through Windows), every fourth malformed; the
    // last line has its CR but no LF.
    let dir = tempfile::tempdir().unwrap();
    let good = combined_lines(40);
    let mut text = Vec::new();
    let mut bad = Vec::new();
    for (k, line) in good.lines().enumerate() {
        let line = if k % 4 == 1 {
            format!("broken entry {k} \"quoted\"")
        } else {
            line.to_string()
        };
        if k % 4 == 1 {
            bad.push((k + 1, line.clone()));
        }
        text.extend_from_slice(line.as_bytes());
        text.extend_from_slice(if k == 39 { b"\r" } else { b"\r\n" });
    }
    let path = dir.path().join("crlf.log");
    std::fs::write(&path, &text).unwrap();
    // Each rejected line as it was in the file, CR included, one per line.
    let plain: Vec<u8> = bad
        .iter()
        .flat_map(|(_, l)| format!("{l}\r\n").into_bytes())
        .collect();
    let name = path.display().to_string();
    let located: Vec<u8> = bad
        .iter()
        .flat_map(|(n, l)| format!("{name}:{n}:{l}\r\n").into_bytes())
        .collect();
    for j in ["1", "2", "3"] {
        for (format, want) in [("lines", &plain), ("located", &located)] {
            let rejects = dir.path().join(format!("rejects-{j}-{format}"));
            let out = axlog()
                .args([
                    "report",
                    "--output",
                    "json",
                    "-j",
                    j,
                    "--rejects-format",
                    format,
                ])
                .arg(&path)
                .arg("--rejects")
                .arg(&rejects)
                .output()
                .unwrap();
            assert_success(&out);
            let got = std::fs::read(&rejects).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(want),
                "-j {j} {format}"
            );
            // The report still counts 30 requests and 10 malformed lines.
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(v["requests"], 30, "-j {j}");
            assert_eq!(v["lines"]["malformed"], 10, "-j {j}");
            // A sample shows the text, without the line ending.
            assert_eq!(v["malformed_samples"][0]["text"], bad[0].1, "-j {j}");
        }
    }
}

#[test]
fn a_gzip_file_with_zero_padding_reads_as_gzip_reads_it() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(combined_lines(25).as_bytes()).unwrap();
    let mut data = e.finish().unwrap();
    // Padded to a 512-byte block with zeros, as tar and dd leave it.
    data.resize(data.len().div_ceil(512) * 512 + 512, 0);
    let path = dir.path().join("access.log.3.gz");
    std::fs::write(&path, &data).unwrap();
    for j in ["1", "2"] {
        let out = axlog()
            .args(["report", "--output", "json", "-j", j])
            .arg(&path)
            .output()
            .unwrap();
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(0), "-j {j}: {stderr}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["requests"], 25, "-j {j}");
    }
}

/// `n` lines of nginx `combined` + `$request_time $upstream_response_time`.
fn timed_lines(n: usize) -> String {
    (0..n)
        .map(|k| {
            format!(
                "10.1.0.{} - - [06/Dec/2026:12:{:02}:{:02} +0000] \"GET /t/{} HTTP/1.1\" {} 10 \"-\" \"t\" 0.{:03} 0.{:03}\n",
                k % 250,
                k / 60 % 60,
                k % 60,
                k % 7,
                [200, 503][k % 2],
                k % 1000,
                k % 900
            )
        })
        .collect()
}

#[test]
fn a_very_long_first_line_gives_the_same_report_for_every_thread_count() {
    // A first line longer than a read block (1 MiB), and one longer than the longest
    // line kept (16 MiB), before 300 nginx-timed lines: the layout is found from the
    // lines after it, whatever the route, and every -j gives one report.
    let dir = tempfile::tempdir().unwrap();
    for first_len in [(3 << 20) / 2, 17 << 20] {
        let mut data = vec![b'x'; first_len];
        data.push(b'\n');
        data.extend_from_slice(timed_lines(300).as_bytes());
        let path = dir.path().join("long-first.log");
        std::fs::write(&path, &data).unwrap();
        let run = |j: &str, stdin: bool| {
            let mut cmd = axlog();
            cmd.args(["report", "--output", "json", "-j", j]);
            if stdin {
                cmd.arg("-").write_stdin(data.clone());
            } else {
                cmd.arg(&path);
            }
            let out = cmd.output().unwrap();
            assert_success(&out);
            let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            // The source's name is the only difference standard input may make.
            v["sources"][0]["name"] = "log".into();
            for s in v["malformed_samples"].as_array_mut().unwrap() {
                s["source"] = "log".into();
            }
            v
        };
        let one = run("1", false);
        // Counted by hand: 300 requests, 150 of them 503; the long line is malformed.
        assert_eq!(one["requests"], 300, "{first_len}");
        assert_eq!(one["lines"]["malformed"], 1, "{first_len}");
        assert_eq!(one["layout"]["name"], "nginx-timed", "{first_len}");
        assert_eq!(one["layout"]["detected"], true, "{first_len}");
        for (j, stdin) in [("2", false), ("4", false), ("1", true), ("4", true)] {
            assert_eq!(run(j, stdin), one, "{first_len}: -j {j}, stdin {stdin}");
        }
    }
}

#[test]
fn a_failed_convert_by_hour_leaves_no_partition_file() {
    // Six hours of lines, 40 a hour (more partitions than a writer keeps open, so the
    // first hours' files are complete before the last hour comes), and the last hour's
    // directory cannot be made.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("six-hours.log");
    let text: String = (0..240)
        .map(|k| {
            format!(
                "10.2.0.1 - - [06/Dec/2026:{:02}:{:02}:00 +0000] \"GET /h/{k} HTTP/1.1\" 200 7 \"-\" \"t\"\n",
                k / 40,
                k % 40
            )
        })
        .collect();
    std::fs::write(&log, text).unwrap();
    for j in ["1", "2"] {
        let out = dir.path().join(format!("pq-{j}"));
        std::fs::create_dir_all(out.join("date=2026-12-06")).unwrap();
        std::fs::write(out.join("date=2026-12-06/hour=05"), b"in the way").unwrap();
        let convert = || {
            axlog()
                .args(["convert", "--partition-by", "hour", "-j", j, "-o"])
                .arg(&out)
                .arg(&log)
                .output()
                .unwrap()
        };
        let run = convert();
        let stderr = stderr_of(&run);
        assert_eq!(run.status.code(), Some(1), "-j {j}: {stderr}");
        assert!(stderr.contains("hour=05"), "{stderr}");
        // None of the run's files is left, and the summary says none was written.
        assert_eq!(file_names(&out), ["hour=05"], "-j {j}");
        assert!(stderr.contains(" 0 rows in 0 files"), "-j {j}: {stderr}");

        // Without the obstacle, every hour's rows are written, and said to be.
        std::fs::remove_file(out.join("date=2026-12-06/hour=05")).unwrap();
        let run = convert();
        let stderr = stderr_of(&run);
        assert_eq!(run.status.code(), Some(0), "-j {j}: {stderr}");
        let names = file_names(&out);
        assert!(
            names
                .iter()
                .all(|n| n.ends_with(".parquet") && !n.starts_with('.')),
            "{names:?}"
        );
        assert!(names.len() >= 6, "{names:?}");
        let said = format!(" 240 rows in {} files", names.len());
        assert!(stderr.contains(&said), "-j {j}: {stderr}");
    }
}

#[test]
fn a_killed_convert_by_hour_leaves_no_partition_file() {
    use std::io::Write;
    // Seven hours of lines, about 2 MB each, on an input that stays open: the run is
    // killed once it has files for five hours (a writer keeps four open, so the first
    // hour's file is complete by then).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pq");
    let mut data = Vec::new();
    for k in 0..7 * 20_000u32 {
        let (h, m, s) = (k / 20_000, k % 20_000 / 334, k % 60);
        writeln!(
            data,
            "10.3.0.{} - - [06/Dec/2026:{h:02}:{m:02}:{s:02} +0000] \"GET /k/{k} HTTP/1.1\" 200 9 \"-\" \"t\"",
            k % 250
        )
        .unwrap();
    }
    // Hidden temporary files only: no hour's `.parquet` a reader would take.
    kill_mid_write(
        &[
            "convert",
            "-",
            "--partition-by",
            "hour",
            "-j",
            "1",
            "-o",
            out.to_str().unwrap(),
        ],
        &data,
        &out,
        60,
        |names| names.len() >= 5,
    );
}
