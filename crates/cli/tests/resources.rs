//! Resources under hostile input (issue 21): with the address space limited to 1 GiB
//! (`ulimit -v 1048576`), `axlog report` and `axlog convert` finish on generated hostile
//! inputs streamed into their standard input, with capped tables that say so, and every
//! size option is bounded (a usage error or clamped, never an abort). These are the
//! scaled-down shapes; `scripts/hostile.sh` runs the full sizes (docs/hardening.md).

mod common;

use common::*;
use std::io::{BufWriter, Write};
use std::process::{Output, Stdio};

/// The address-space limit of every run here, in KiB (`ulimit -v`): 1 GiB.
const LIMIT_KIB: u64 = 1 << 20;

/// `axlog ARGS` under the 1 GiB address-space limit, `feed` writing its standard input
/// (from another thread, while its outputs are read). A run that stops reading early
/// (a usage error) makes `feed`'s writes fail: they are ignored.
fn limited(args: &[&str], feed: impl FnOnce(&mut dyn Write) + Send + 'static) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("axlog");
    let mut child = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v {LIMIT_KIB} && exec \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let mut w = BufWriter::with_capacity(1 << 20, stdin);
        feed(&mut w);
        let _ = w.flush();
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// The run ended by itself with `code` (not by a signal: an abort or an OOM kill has no
/// code), its stderr shown otherwise.
fn assert_code(out: &Output, code: i32) {
    assert_eq!(out.status.code(), Some(code), "stderr: {}", stderr_of(out));
}

/// A combined-format line.
fn line(client: &str, time: &str, path: &str) -> String {
    format!("{client} - - [{time}] \"GET {path} HTTP/1.1\" 200 12 \"-\" \"t\"\n")
}

/// The `i`-th distinct path of `len` bytes: `/p<i>/` padded with `a`.
fn long_path(i: usize, len: usize) -> String {
    let mut p = format!("/p{i:07}/");
    p.push_str(&"a".repeat(len - p.len()));
    p
}

/// Writes `n` lines of distinct 2,000-byte paths (a reader that stops is not an error).
fn long_paths(n: usize) -> impl Fn(&mut dyn Write) + Copy + Send + 'static {
    move |w: &mut dyn Write| {
        for i in 0..n {
            let l = line(
                "10.0.0.1",
                "21/Nov/2026:10:00:00 +0000",
                &long_path(i, 2000),
            );
            if w.write_all(l.as_bytes()).is_err() {
                return;
            }
        }
    }
}

/// 60,000 distinct paths of 2,000 bytes (120 MB, never on disk; the full 5,000,000 of
/// 2 KiB are in scripts/hostile.sh): the path table stops
/// at its default byte cap, 32 MiB = 33,554,432 bytes, which holds 16,777 of them
/// (16,777 × 2,000 = 33,554,000; one more would be 33,556,000); the other 43,223
/// requests are untracked, and the text report says so.
#[test]
fn distinct_long_paths_fill_the_byte_cap() {
    const N: usize = 60_000;
    let feed = long_paths(N);
    let out = limited(&["report", "-", "--output", "json"], feed);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lines"]["read"], N);
    let t = &v["paths"];
    assert_eq!(t["bytes_cap"], 32 << 20);
    assert_eq!(t["distinct"], 16_777);
    assert_eq!(t["bytes"], 16_777 * 2000);
    assert_eq!(t["cap_reached"], true);
    assert_eq!(t["untracked_requests"], N - 16_777);

    let out = limited(&["report", "-"], feed);
    assert_code(&out, 0);
    let text = stdout_of(&out);
    assert!(
        text.contains(
            "path table full at 33,554,432 bytes of paths (16,777 distinct): 43,223 requests"
        ),
        "{text}"
    );
}

/// `convert` of the same shape (50,000 paths of 2,000 bytes, 100 MB) under the limit: each
/// line a row (the Parquet file holds every path; no table to cap).
#[test]
fn convert_of_distinct_long_paths() {
    const N: usize = 50_000;
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("pq");
    let feed = long_paths(N);
    let out = limited(&["convert", "-", "-o", out_dir.to_str().unwrap()], feed);
    assert_code(&out, 0);
    let rows = common::parquet_rows::bytes_sent(&out_dir).len();
    assert_eq!(rows, N);
}

/// The `i`-th distinct IPv4 client.
fn client(i: usize) -> String {
    format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255)
}

/// 300,000 distinct clients, one request each, with `--by client` and `--series-by
/// client`: the `--by` table keeps the first 100,000 (`--max-paths`' default), the series
/// 1,000 (`--max-series-keys`' default); the others are untracked, the same at `-j 1` and
/// `-j 4`.
#[test]
fn distinct_clients_are_capped() {
    const N: usize = 300_000;
    let feed = |w: &mut dyn Write| {
        for i in 0..N {
            let time = format!(
                "21/Nov/2026:10:{:02}:{:02} +0000",
                (i / 6000) % 60,
                (i / 100) % 60
            );
            if w.write_all(line(&client(i), &time, "/x").as_bytes())
                .is_err()
            {
                return;
            }
        }
    };
    let mut reports = Vec::new();
    for j in ["1", "4"] {
        let args = [
            "report",
            "-",
            "-j",
            j,
            "--by",
            "client",
            "--series-by",
            "client",
            "--output",
            "json",
        ];
        let out = limited(&args, feed);
        assert_code(&out, 0);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let by = &v["by"][0];
        assert_eq!(by["dimension"], "client");
        assert_eq!(by["distinct"], 100_000);
        assert_eq!(by["cap_reached"], true);
        assert_eq!(by["untracked_requests"], N - 100_000);
        // The first 100,000 clients are kept: each row a request; the busiest are ties,
        // ranked by key: "10.0.0.0", "10.0.0.1", "10.0.0.10", ...
        assert_eq!(by["rows"][0]["key"], "10.0.0.0");
        assert_eq!(by["rows"][0]["requests"], 1);
        let s = &v["series_by"];
        assert_eq!(s["distinct"], 1_000);
        assert_eq!(s["cap_reached"], true);
        assert_eq!(s["untracked_requests"], N - 1_000);
        reports.push(v);
    }
    assert_eq!(reports[0]["by"], reports[1]["by"]);
    assert_eq!(reports[0]["series_by"], reports[1]["series_by"]);
}

/// The civil date of a day counted from 1970-01-01 (H. Hinnant's `civil_from_days`), to
/// write the times of the long-span test independently of axlog's own date code.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// nginx's `$time_local` of an epoch second, in UTC.
fn time_local(epoch: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = civil_from_days(epoch.div_euclid(86_400));
    let s = epoch.rem_euclid(86_400);
    let month = MONTHS[m as usize - 1];
    format!(
        "{d:02}/{month}/{y}:{:02}:{:02}:{:02} +0000",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// One line an hour over 12 years (2000-01-01 to 2011-12-31 23:00 UTC: 4,383 days, 3 of
/// them leap days, so 105,192 lines; the full 50 years are in scripts/hostile.sh): the
/// run's seconds are all counted, and the series, past 100,000 buckets even at 1 h, is
/// kept a day a bucket (it held a bucket an hour, 1.2 KB each: 50 years took 570 MB and
/// aborted under the limit), `--bucket 1h` saying it was coarsened.
#[test]
fn one_line_an_hour_over_twelve_years() {
    // 2000-01-01T00:00:00Z (`date -u -d 2000-01-01 +%s`).
    const START: i64 = 946_684_800;
    const HOURS: i64 = 105_192;
    assert_eq!(
        civil_from_days((START + HOURS * 3600) / 86_400),
        (2012, 1, 1)
    );
    let feed = |w: &mut dyn Write| {
        for h in 0..HOURS {
            let l = line("10.0.0.1", &time_local(START + h * 3600), "/h");
            if w.write_all(l.as_bytes()).is_err() {
                return;
            }
        }
    };
    for bucket in [None, Some("1h")] {
        let mut args = vec!["report", "-", "--output", "json"];
        args.extend(bucket.iter().flat_map(|b| ["--bucket", b]));
        let out = limited(&args, feed);
        assert_code(&out, 0);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["lines"]["read"], HOURS);
        let q = &v["qps"];
        let span = (HOURS - 1) * 3600 + 1;
        assert_eq!(q["seconds"], span);
        assert_eq!(q["empty_seconds"], span - HOURS);
        assert_eq!(q["peak"], 1);
        let s = &v["series"];
        assert_eq!(s["bucket_s"], 86_400);
        assert_eq!(s["requested_bucket_s"].as_u64(), bucket.map(|_| 3600));
        let buckets = s["buckets"].as_array().unwrap();
        assert_eq!(buckets.len(), 4383);
        assert!(buckets.iter().all(|b| b["requests"] == 24));
        assert_eq!(buckets[0]["start"], "2000-01-01T00:00:00Z");
    }
    let out = limited(&["report", "-"], feed);
    assert_code(&out, 0);
}

/// Two lines, years 1 and 9999: past 100,000 days too, the series is kept 100 days a
/// bucket: the zero-filled list of the buckets from the first line's to the last's.
#[test]
fn ten_thousand_years_keep_a_bounded_series() {
    let text = [
        line("10.0.0.1", "01/Jan/0001:00:00:00 +0000", "/a"),
        line("10.0.0.1", "31/Dec/9999:23:59:59 +0000", "/a"),
    ]
    .concat();
    let out = limited(&["report", "-", "--output", "json"], move |w| {
        let _ = w.write_all(text.as_bytes());
    });
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["series"];
    assert_eq!(s["bucket_s"], 8_640_000);
    // Epochs by `date -u -d ... +%s`: 0001-01-01 = -62135596800, 9999-12-31T23:59:59 =
    // 253402300799; their buckets of 8,640,000 s (floor division).
    let (lo, hi) = (
        (-62_135_596_800i64).div_euclid(8_640_000),
        253_402_300_799i64.div_euclid(8_640_000),
    );
    assert_eq!(s["buckets"].as_array().unwrap().len() as i64, hi - lo + 1);
    assert_eq!(v["requests"], 2);
}

/// `convert` of a line an hour over 100 days (2,400 lines): a partition a day, each
/// with its 24 rows (the full 50 years, 18,262 partitions, in scripts/hostile.sh).
#[test]
fn convert_of_a_line_an_hour_over_a_hundred_days() {
    const START: i64 = 946_684_800;
    const HOURS: i64 = 2400;
    let feed = |w: &mut dyn Write| {
        for h in 0..HOURS {
            let l = line("10.0.0.1", &time_local(START + h * 3600), "/h");
            if w.write_all(l.as_bytes()).is_err() {
                return;
            }
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("pq");
    let out = limited(&["convert", "-", "-o", out_dir.to_str().unwrap()], feed);
    assert_code(&out, 0);
    assert_eq!(
        common::parquet_rows::bytes_sent(&out_dir).len(),
        HOURS as usize
    );
    assert_eq!(common::parquet_rows::parquet_files(&out_dir).len(), 100);
}

/// 1 GiB of one line without a newline through standard input: read as one line cut at
/// 16 MiB (the rest skipped), malformed; no line parsed, so the documented exit 6.
#[test]
fn a_gigabyte_line_without_newline() {
    let feed = |w: &mut dyn Write| {
        let block = vec![b'a'; 1 << 20];
        for _ in 0..1024 {
            if w.write_all(&block).is_err() {
                return;
            }
        }
    };
    let out = limited(&["report", "-", "--output", "json"], feed);
    assert_code(&out, 6);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lines"]["read"], 1);
    assert_eq!(v["lines"]["malformed"], 1);

    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("pq");
    let out = limited(&["convert", "-", "-o", out_dir.to_str().unwrap()], feed);
    assert_code(&out, 6);
}

/// A few lines, for the option bounds.
fn few_lines(w: &mut dyn Write) {
    for s in 0..10 {
        let l = line("10.0.0.1", &format!("21/Nov/2026:10:00:{s:02} +0000"), "/a");
        let _ = w.write_all(l.as_bytes());
    }
}

/// Every size option at its extremes, under the limit: clamped (the run succeeds) or a
/// usage error (2), never an abort.
#[test]
fn size_options_at_their_extremes() {
    const MAX: &str = "18446744073709551615"; // u64::MAX
    const OVER: &str = "18446744073709551616"; // u64::MAX + 1
    let clamped: &[&[&str]] = &[
        &["-j", "100000"],
        &["-j", MAX],
        &["--top", "1000000000000"],
        &["--top", MAX],
        &["--max-paths", MAX],
        &["--max-path-bytes", MAX],
        &["--max-paths", "0"],
        &["--max-path-bytes", "0"],
        &[
            "--by",
            "client",
            "--max-paths",
            MAX,
            "--max-path-bytes",
            MAX,
        ],
        &["--series-by", "path", "--max-series-keys", MAX],
        &["--bucket", "1s"],
        // Durations are at most a year (8,784 h).
        &["--gap", "8784h"],
        &["--anomaly-window", "8784h"],
        &["--anomaly-min-requests", MAX],
        &["--anomaly-min-duration", "8784h"],
    ];
    for args in clamped {
        let mut all = vec!["report", "-", "--output", "json"];
        all.extend_from_slice(args);
        let out = limited(&all, few_lines);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr_of(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["requests"], 10, "{args:?}");
    }
    // `-j` past 4 a core is clamped with one warning (it was printed twice).
    let out = limited(&["report", "-", "-j", "100000"], few_lines);
    assert_code(&out, 0);
    let err = stderr_of(&out);
    assert_eq!(err.matches("-j 100000: using ").count(), 1, "{err}");
    let usage: &[&[&str]] = &[
        &["-j", OVER],
        &["--top", OVER],
        &["--max-paths", OVER],
        &["--bucket", "1000000h"],
        &["--bucket", "2h"],
        &["--every", "100000000000000s"],
        &["--every", "8785h"],
        &["--gap", "100000000000000s"],
        &["--anomaly-window", "8785h"],
        &["--anomaly-min-duration", "100000000000000s"],
        &["--series-by", "path", "--max-series-keys", "0"],
        &["--row-group-rows", MAX],
    ];
    for args in usage {
        let mut all = vec!["report", "-"];
        all.extend_from_slice(args);
        let out = limited(&all, few_lines);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    // `convert`'s own: threads and row groups.
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("pq");
    let out = limited(
        &["convert", "-", "-o", pq.to_str().unwrap(), "-j", MAX],
        few_lines,
    );
    assert_code(&out, 0);
    let out = limited(
        &[
            "convert",
            "-",
            "-o",
            pq.to_str().unwrap(),
            "--row-group-rows",
            "0",
        ],
        few_lines,
    );
    assert_code(&out, 2);
}
