//! End-to-end tests of `axlog convert` and `axlog report --parquet`: the files are read
//! back with the `parquet` crate's own reader and compared with hand counts and with
//! axlog's report on the same input.

mod common;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, RecordBatch};
use axlog_testgen::{Config, Format, Limit};
use common::{axlog, files_under, fixture, kill_mid_write, report_json, status_counts};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::{Path, PathBuf};

/// Every `.parquet` file under `dir` (sorted by path), with its batches.
fn read_dir(dir: &Path) -> Vec<(PathBuf, Vec<RecordBatch>)> {
    files_under(dir)
        .into_iter()
        .map(|p| {
            assert!(
                p.extension().is_some_and(|e| e == "parquet"),
                "unexpected file {}",
                p.display()
            );
            let f = std::fs::File::open(&p).unwrap();
            let batches = ParquetRecordBatchReaderBuilder::try_new(f)
                .unwrap()
                .build()
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (p, batches)
        })
        .collect()
}

/// One row, with the columns the tests compare.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    ts: i64,
    client_ip: Option<String>,
    path: Option<String>,
    status: Option<i32>,
    bytes_sent: Option<i64>,
    request_time_us: Option<i64>,
    upstream_attempts: Option<Vec<Option<i64>>>,
    user_agent: Option<String>,
}

fn text(b: &RecordBatch, col: &str, i: usize) -> Option<String> {
    let a = b.column_by_name(col).unwrap().as_string::<i32>();
    a.is_valid(i).then(|| a.value(i).to_string())
}

fn int64(b: &RecordBatch, col: &str, i: usize) -> Option<i64> {
    let a = b.column_by_name(col).unwrap().as_primitive::<Int64Type>();
    a.is_valid(i).then(|| a.value(i))
}

fn rows_of(b: &RecordBatch) -> Vec<Row> {
    let ts = b
        .column_by_name("ts")
        .unwrap()
        .as_primitive::<TimestampMicrosecondType>();
    let status = b
        .column_by_name("status")
        .unwrap()
        .as_primitive::<Int32Type>();
    let attempts = b
        .column_by_name("upstream_attempts")
        .unwrap()
        .as_list::<i32>();
    (0..b.num_rows())
        .map(|i| Row {
            ts: ts.value(i),
            client_ip: text(b, "client_ip", i),
            path: text(b, "path", i),
            status: status.is_valid(i).then(|| status.value(i)),
            bytes_sent: int64(b, "bytes_sent", i),
            request_time_us: int64(b, "request_time_us", i),
            upstream_attempts: attempts.is_valid(i).then(|| {
                let v = attempts.value(i);
                let v = v.as_primitive::<Int64Type>();
                (0..v.len())
                    .map(|k| v.is_valid(k).then(|| v.value(k)))
                    .collect()
            }),
            user_agent: text(b, "user_agent", i),
        })
        .collect()
}

/// Every row under `dir`, file by file in path order, each file's rows in order.
fn all_rows(dir: &Path) -> Vec<Row> {
    read_dir(dir)
        .iter()
        .flat_map(|(_, bs)| bs.iter().flat_map(rows_of))
        .collect()
}

fn convert(args: &[&str]) -> std::process::Output {
    let out = axlog().arg("convert").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn hand_counted_fixture_rows() {
    // testdata/README.md lists the fixture's lines and their values.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pq");
    let f = fixture("nginx-timed-small.log");
    convert(&[f.to_str().unwrap(), "-o", out.to_str().unwrap(), "-j", "1"]);
    let files = read_dir(&out);
    assert_eq!(files.len(), 1);
    let rel = files[0]
        .0
        .strip_prefix(&out)
        .unwrap()
        .to_string_lossy()
        .to_string();
    assert!(rel.starts_with("date=2026-11-21/part-"), "{rel}");
    let rows = all_rows(&out);
    // 12 lines, 3 malformed: 9 rows, in the order of the file.
    assert_eq!(rows.len(), 9);
    let paths: Vec<Option<&str>> = rows.iter().map(|r| r.path.as_deref()).collect();
    assert_eq!(
        paths,
        [
            Some("/api/users/1"),
            Some("/api/users/1"),
            Some("/login"),
            Some("/"),
            Some("/api/users/1"),
            None, // the request `-`
            Some("/login"),
            Some("/api/users/1"),
            Some("/static/app.js"),
        ]
    );
    // 10:00:00 +0100 is 09:00:00Z: `date -u -d 2026-11-21T09:00:00Z +%s` = 1795251600.
    assert_eq!(rows[0].ts, 1_795_251_600_000_000);
    assert_eq!(rows[4].ts, 1_795_251_598_000_000);
    let statuses: Vec<i32> = rows.iter().map(|r| r.status.unwrap()).collect();
    assert_eq!(statuses, [200, 200, 302, 304, 500, 400, 499, 200, 404]);
    let bytes: i64 = rows.iter().map(|r| r.bytes_sent.unwrap()).sum();
    assert_eq!(bytes, 2820);
    assert_eq!(rows[0].request_time_us, Some(10_000));
    assert_eq!(rows[4].request_time_us, Some(1_500_000));
    assert_eq!(
        rows[1].upstream_attempts,
        Some(vec![Some(4_000), Some(10_000)])
    );
    assert_eq!(
        rows[4].upstream_attempts,
        Some(vec![Some(500_000), Some(700_000)])
    );
    // `-` is one attempt without a time.
    assert_eq!(rows[3].upstream_attempts, Some(vec![None]));
    assert_eq!(rows[3].client_ip.as_deref(), Some("2001:db8::1"));
    // nginx's `\x22` is a quote again.
    assert_eq!(
        rows[2].user_agent.as_deref(),
        Some("Mozilla/5.0 \"quoted\"")
    );
    assert_eq!(rows[5].user_agent, None);

    let (_, batches) = &files[0];
    let b = &batches[0];
    assert_eq!(text(b, "remote_user", 2).as_deref(), Some("bob"));
    assert_eq!(text(b, "query", 0).as_deref(), Some("x=1"));
    assert_eq!(text(b, "endpoint", 0).as_deref(), Some("/api/users/:id"));
    assert_eq!(text(b, "method", 2).as_deref(), Some("POST"));
    assert_eq!(text(b, "protocol", 3).as_deref(), Some("HTTP/2.0"));
    assert_eq!(text(b, "source", 0).as_deref(), f.to_str());
    assert_eq!(int64(b, "upstream_time_us", 1), Some(14_000));
    assert_eq!(int64(b, "upstream_time_us", 3), None);
}

/// A generated nginx-timed log with malformed lines in it.
fn generated_log(dir: &Path, lines: u64, seed: u64) -> PathBuf {
    let mut data = axlog_testgen::generate(&Config {
        format: Format::NginxTimed,
        limit: Limit::Lines(lines),
        seed,
        ..Config::default()
    });
    let mid = data.len() / 2;
    let nl = mid + data[mid..].iter().position(|&b| b == b'\n').unwrap() + 1;
    data.splice(nl..nl, b"not a log line\n".iter().copied());
    data.extend_from_slice(b"\xff\xfe truncated");
    let log = dir.join("access.log");
    std::fs::write(&log, &data).unwrap();
    log
}

/// The value at rank ceil(q * n) of the sorted values: the report's percentile.
fn nearest_rank(sorted: &[i64], q: f64) -> i64 {
    let rank = ((q * sorted.len() as f64).ceil() as usize).max(1);
    sorted[rank - 1]
}

#[test]
fn rows_agree_with_the_report_whatever_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    // Over 4 MiB, so that several chunks are read (and split between threads).
    let log = generated_log(dir.path(), 30_000, 11);
    let log = log.to_str().unwrap();
    let report = report_json(&[log]);
    let malformed = report["lines"]["malformed"].as_u64().unwrap();
    let mut tables = Vec::new();
    for j in ["1", "2", "4"] {
        let out = dir.path().join(format!("pq{j}"));
        let rejects = dir.path().join(format!("rejects{j}"));
        convert(&[
            log,
            "-o",
            out.to_str().unwrap(),
            "-j",
            j,
            "--rejects",
            rejects.to_str().unwrap(),
        ]);
        // The generator's own malformed lines and the two added: not rows, but kept.
        let kept = std::fs::read(&rejects).unwrap();
        assert!(kept.ends_with(b"\xff\xfe truncated\n"));
        assert!(kept.windows(15).any(|w| w == b"\nnot a log line"));
        assert_eq!(
            kept.iter().filter(|&&b| b == b'\n').count() as u64,
            malformed
        );
        let mut rows = all_rows(&out);
        rows.sort();
        tables.push(rows);
    }
    assert_eq!(tables[0], tables[1], "-j 1 and -j 2");
    assert_eq!(tables[0], tables[2], "-j 1 and -j 4");
    let rows = &tables[0];
    assert_eq!(
        rows.len() as u64,
        report["lines"]["parsed"].as_u64().unwrap()
    );
    assert_eq!(rows.len() as u64 + malformed, 30_002);

    let mut counts = std::collections::BTreeMap::new();
    for r in rows {
        *counts.entry(r.status.unwrap_or(0) as u64).or_insert(0u64) += 1;
    }
    assert_eq!(
        counts.into_iter().collect::<Vec<_>>(),
        status_counts(&report)
    );
    let bytes: i64 = rows.iter().filter_map(|r| r.bytes_sent).sum();
    assert_eq!(bytes as u64, report["bytes_sent"].as_u64().unwrap());
    let mut rt: Vec<i64> = rows.iter().filter_map(|r| r.request_time_us).collect();
    rt.sort();
    let lat = &report["latency"]["request_time"];
    assert_eq!(rt.len() as u64, lat["count"].as_u64().unwrap());
    for (q, key) in [(0.5, "p50_us"), (0.9, "p90_us"), (0.99, "p99_us")] {
        assert_eq!(nearest_rank(&rt, q), lat[key].as_i64().unwrap(), "{key}");
    }
    assert_eq!(*rt.last().unwrap(), lat["max_us"].as_i64().unwrap());
}

#[test]
fn report_writes_the_same_rows_in_its_own_pass() {
    let dir = tempfile::tempdir().unwrap();
    let log = generated_log(dir.path(), 5_000, 12);
    let log = log.to_str().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    convert(&[log, "-o", a.to_str().unwrap()]);
    let with = report_json(&[log, "--parquet", b.to_str().unwrap()]);
    let without = report_json(&[log]);
    assert_eq!(with, without);
    let (mut ra, mut rb) = (all_rows(&a), all_rows(&b));
    ra.sort();
    rb.sort();
    assert_eq!(
        ra.len() as u64,
        without["lines"]["parsed"].as_u64().unwrap()
    );
    assert!(ra.len() > 4_900);
    assert_eq!(ra, rb);
}

#[test]
fn partitions_by_hour_and_source() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("nginx-timed-small.log");
    let (a, b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    std::fs::copy(&f, &a).unwrap();
    std::fs::copy(&f, &b).unwrap();
    let out = dir.path().join("pq");
    convert(&[
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--partition-by",
        "hour,source",
        "--source-label",
        "web 1",
        "--source-label",
        "web/2",
    ]);
    let dirs: Vec<String> = read_dir(&out)
        .iter()
        .map(|(p, _)| {
            let rel = p.strip_prefix(&out).unwrap().parent().unwrap();
            rel.to_string_lossy().to_string()
        })
        .collect();
    // Local 09:59:58 is 08:59:58Z: one line in hour 08, eight in hour 09, per source.
    assert_eq!(
        dirs,
        [
            "date=2026-11-21/hour=08/source=web%201",
            "date=2026-11-21/hour=08/source=web%2F2",
            "date=2026-11-21/hour=09/source=web%201",
            "date=2026-11-21/hour=09/source=web%2F2",
        ]
    );
    let counts: Vec<usize> = read_dir(&out)
        .iter()
        .map(|(_, bs)| bs.iter().map(RecordBatch::num_rows).sum())
        .collect();
    assert_eq!(counts, [1, 1, 8, 8]);
}

#[test]
fn an_unwritable_output_directory_fails_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, b"").unwrap();
    let out = axlog()
        .args(["convert", "-", "-o"])
        .arg(file.join("pq"))
        .write_stdin("not read\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot write Parquet to"), "{err}");
    assert!(err.contains("file/pq"), "{err}");
}

#[test]
fn haproxy_rows_carry_their_timers_and_servers() {
    let dir = tempfile::tempdir().unwrap();
    let data = axlog_testgen::generate(&Config {
        format: Format::HaproxyHttp,
        limit: Limit::Lines(3_000),
        seed: 4,
        ..Config::default()
    });
    let log = dir.path().join("haproxy.log");
    std::fs::write(&log, &data).unwrap();
    let log = log.to_str().unwrap();
    let out = dir.path().join("pq");
    convert(&[log, "-o", out.to_str().unwrap()]);
    let report = report_json(&[log]);
    let mut ta = Vec::new();
    let mut servers = std::collections::BTreeMap::<String, u64>::new();
    let mut rows = 0;
    for (_, bs) in read_dir(&out) {
        for b in &bs {
            rows += b.num_rows();
            for i in 0..b.num_rows() {
                ta.extend(int64(b, "ta_us", i));
                let key = format!(
                    "{}/{}",
                    text(b, "backend", i).unwrap(),
                    text(b, "server", i).unwrap()
                );
                *servers.entry(key).or_default() += 1;
            }
            // Columns HAProxy lines do not have are null.
            assert_eq!(
                b.column_by_name("upstream_connect_us")
                    .unwrap()
                    .null_count(),
                b.num_rows()
            );
        }
    }
    assert_eq!(rows as u64, report["lines"]["parsed"].as_u64().unwrap());
    ta.sort();
    let h = &report["haproxy"]["ta"];
    assert_eq!(ta.len() as u64, h["count"].as_u64().unwrap());
    assert_eq!(nearest_rank(&ta, 0.99), h["p99_us"].as_i64().unwrap());
    for s in report["haproxy"]["servers"].as_array().unwrap() {
        let name = s["path"].as_str().unwrap();
        assert_eq!(servers[name], s["count"].as_u64().unwrap(), "{name}");
    }
}

#[test]
fn a_custom_layouts_other_variables_are_a_map() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("custom.log");
    // Written by hand: the second line lacks the request id (`-`).
    std::fs::write(
        &log,
        concat!(
            "10.0.0.1 [22/Nov/2026:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 5 abc-123 eu\n",
            "10.0.0.2 [22/Nov/2026:10:00:01 +0000] \"GET /b HTTP/1.1\" 404 0 - us\n",
        ),
    )
    .unwrap();
    let out = dir.path().join("pq");
    convert(&[
        log.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--log-format",
        "$remote_addr [$time_local] \"$request\" $status $body_bytes_sent $http_x_request_id $geo",
    ]);
    let files = read_dir(&out);
    let b = &files[0].1[0];
    let extras = b.column_by_name("extras").unwrap().as_map();
    let entries = |i: usize| -> Vec<(String, String)> {
        let e = extras.value(i);
        let k = e.column(0).as_string::<i32>();
        let v = e.column(1).as_string::<i32>();
        (0..e.len())
            .map(|j| (k.value(j).to_string(), v.value(j).to_string()))
            .collect()
    };
    assert_eq!(
        entries(0),
        [
            ("http_x_request_id".to_string(), "abc-123".to_string()),
            ("geo".to_string(), "eu".to_string())
        ]
    );
    assert_eq!(entries(1), [("geo".to_string(), "us".to_string())]);
}

/// A rollup table's rows: (bucket start µs, requests, classes, bytes, [p50, p90, p99, max]).
type RollupRow = (i64, i64, Vec<i64>, i64, Option<Vec<i64>>);

fn rollup_rows(dir: &Path) -> Vec<RollupRow> {
    let mut out = Vec::new();
    for (_, bs) in read_dir(dir) {
        for b in &bs {
            let ts = b
                .column_by_name("bucket")
                .unwrap()
                .as_primitive::<TimestampMicrosecondType>();
            for i in 0..b.num_rows() {
                let get = |c: &str| int64(b, c, i);
                let classes = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"]
                    .iter()
                    .map(|c| get(&format!("status_{c}")).unwrap())
                    .collect();
                let lat = ["p50_us", "p90_us", "p99_us", "max_us"]
                    .iter()
                    .map(|c| get(c))
                    .collect::<Option<Vec<i64>>>();
                out.push((
                    ts.value(i),
                    get("requests").unwrap(),
                    classes,
                    get("bytes_sent").unwrap(),
                    lat,
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn rollups_add_up_to_the_report_and_to_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let log = generated_log(dir.path(), 30_000, 13);
    let log = log.to_str().unwrap();
    let report = report_json(&[log]);
    let mut runs = Vec::new();
    for j in ["1", "2"] {
        let out = dir.path().join(format!("pq{j}"));
        convert(&[log, "-o", out.to_str().unwrap(), "--rollups", "-j", j]);
        runs.push(out);
    }
    let secs = rollup_rows(&runs[0].join("rollup_1s"));
    let mins = rollup_rows(&runs[0].join("rollup_1m"));
    assert_eq!(
        secs,
        rollup_rows(&runs[1].join("rollup_1s")),
        "-j 1 and -j 2"
    );
    assert_eq!(
        mins,
        rollup_rows(&runs[1].join("rollup_1m")),
        "-j 1 and -j 2"
    );

    // Summed, both tables give the report's totals.
    let classes: Vec<u64> = report["status"]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .collect();
    for table in [&secs, &mins] {
        let requests: i64 = table.iter().map(|r| r.1).sum();
        assert_eq!(requests as u64, report["requests"].as_u64().unwrap());
        let sums: Vec<u64> = (0..6)
            .map(|k| table.iter().map(|r| r.2[k]).sum::<i64>() as u64)
            .collect();
        assert_eq!(sums, classes);
        let bytes: i64 = table.iter().map(|r| r.3).sum();
        assert_eq!(bytes as u64, report["bytes_sent"].as_u64().unwrap());
    }

    // Each bucket, computed again from the rows: its requests, and its percentiles by
    // nearest rank over the request times of its lines.
    let rows = all_rows(&runs[0].join("date=2026-11-21"));
    for (width, table) in [(1_000_000i64, &secs), (60_000_000, &mins)] {
        let mut by_bucket = std::collections::BTreeMap::<i64, (i64, Vec<i64>)>::new();
        for r in &rows {
            let e = by_bucket.entry(r.ts.div_euclid(width) * width).or_default();
            e.0 += 1;
            e.1.extend(r.request_time_us);
        }
        assert_eq!(table.len(), by_bucket.len(), "one row per bucket");
        for (row, (start, (n, mut lat))) in table.iter().zip(by_bucket) {
            assert_eq!((row.0, row.1), (start, n));
            lat.sort();
            let want = (!lat.is_empty()).then(|| {
                vec![
                    nearest_rank(&lat, 0.5),
                    nearest_rank(&lat, 0.9),
                    nearest_rank(&lat, 0.99),
                    *lat.last().unwrap(),
                ]
            });
            assert_eq!(row.4, want, "bucket {start}");
        }
    }
}

#[test]
fn located_rejects_name_each_lines_source_and_number() {
    let dir = tempfile::tempdir().unwrap();
    let log = generated_log(dir.path(), 30_000, 14);
    // A second source, an archive, read beside it.
    let data = std::fs::read(&log).unwrap();
    let gz = dir.path().join("old.log.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, &data[..data.len() / 3]).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let sources = [
        (gz.to_str().unwrap(), &data[..data.len() / 3]),
        (log.to_str().unwrap(), &data[..]),
    ];
    let mut seen = Vec::new();
    for j in ["1", "2", "3"] {
        let rejects = dir.path().join(format!("rejects{j}"));
        let out = dir.path().join(format!("pq{j}"));
        convert(&[
            sources[0].0,
            sources[1].0,
            "-o",
            out.to_str().unwrap(),
            "-j",
            j,
            "--rejects",
            rejects.to_str().unwrap(),
            "--rejects-format",
            "located",
        ]);
        seen.push(std::fs::read(&rejects).unwrap());
    }
    assert_eq!(seen[0], seen[1], "-j 1 and -j 2");
    assert_eq!(seen[0], seen[2], "-j 1 and -j 3");
    // Each entry is `SOURCE:N:LINE`, where LINE is the N-th line of SOURCE, taken apart
    // here by splitting the file at its newlines.
    let mut entries = 0;
    let mut per_source = [0, 0];
    for entry in seen[0].split(|&b| b == b'\n').filter(|e| !e.is_empty()) {
        let (k, (name, data)) = sources
            .iter()
            .enumerate()
            .find(|(_, (name, _))| entry.starts_with(format!("{name}:").as_bytes()))
            .expect("an entry names its source");
        let rest = &entry[name.len() + 1..];
        let colon = rest.iter().position(|&b| b == b':').unwrap();
        let n: usize = std::str::from_utf8(&rest[..colon])
            .unwrap()
            .parse()
            .unwrap();
        let line = data.split(|&b| b == b'\n').nth(n - 1).unwrap();
        assert_eq!(&rest[colon + 1..], line, "{name}:{n}");
        entries += 1;
        per_source[k] += 1;
    }
    let report = report_json(&[sources[0].0, sources[1].0]);
    assert_eq!(entries, report["lines"]["malformed"].as_u64().unwrap());
    assert!(
        per_source[0] > 0 && per_source[1] > per_source[0],
        "{per_source:?}"
    );
}

#[test]
fn standard_input_converts() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("nginx-timed-small.log");
    let out = dir.path().join("pq");
    let run = axlog()
        .args(["convert", "-", "-o", out.to_str().unwrap()])
        .write_stdin(std::fs::read(&f).unwrap())
        .output()
        .unwrap();
    assert!(run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("12 lines read, 9 rows in 1 file under"),
        "{err}"
    );
    let files = read_dir(&out);
    assert_eq!(
        text(&files[0].1[0], "source", 0).as_deref(),
        Some("<stdin>")
    );
    assert_eq!(all_rows(&out).len(), 9);
}

#[test]
fn a_killed_run_leaves_no_parquet_file_where_readers_look() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pq");
    let data = axlog_testgen::generate(&Config {
        format: Format::NginxTimed,
        limit: Limit::Lines(20_000),
        seed: 15,
        ..Config::default()
    });
    // The input stays open: the run is mid-file when it is killed. Only the hidden
    // temporary file is left: no `.parquet` a reader's glob would take.
    let names = kill_mid_write(
        &["convert", "-", "-o", out.to_str().unwrap()],
        &data,
        &out,
        30,
        |names| names.iter().any(|n| n.ends_with(".tmp")),
    );
    assert!(!names.is_empty());
}

#[test]
fn a_write_error_is_named_and_leaves_no_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("two-days.log");
    std::fs::write(
        &log,
        concat!(
            "10.0.0.1 - - [21/Nov/2026:23:59:59 +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"-\"\n",
            "10.0.0.1 - - [22/Nov/2026:00:00:01 +0000] \"GET /b HTTP/1.1\" 200 5 \"-\" \"-\"\n",
        ),
    )
    .unwrap();
    let out = dir.path().join("pq");
    std::fs::create_dir(&out).unwrap();
    // The second day's directory cannot be made: a file has its name.
    std::fs::write(out.join("date=2026-11-22"), b"").unwrap();
    let run = axlog()
        .args([
            "convert",
            log.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("date=2026-11-22"), "{err}");
    // The first day's file was not complete: it is gone, temporary name and all.
    let left: Vec<_> = std::fs::read_dir(out.join("date=2026-11-21"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
