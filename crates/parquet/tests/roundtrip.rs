//! Rows written by the crate, read back by the `parquet` crate's own reader.

use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, RecordBatch};
use axlog_format::Preset;
use axlog_parquet::{Options, Output};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::Path;

// Hand-written lines of nginx's `combined` layout; the expected values below are read
// off these lines by eye.
const LINES: &[&str] = &[
    r#"10.0.0.1 - alice [21/Nov/2026:23:59:59 +0000] "GET /api/users/42?x=1 HTTP/1.1" 200 512 "https://ref.example/" "curl/8.0""#,
    r#"10.0.0.2 - - [22/Nov/2026:00:00:01 +0100] "POST /caf\xC3\xA9/\x22q HTTP/2.0" 503 0 "-" "-""#,
    r#"10.0.0.3 - - [22/Nov/2026:00:30:00 +0000] "\x16\x03\x01" 400 157 "-" "-""#,
];

fn read_all(dir: &Path) -> Vec<(String, RecordBatch)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
                let f = std::fs::File::open(&p).unwrap();
                let reader = ParquetRecordBatchReaderBuilder::try_new(f)
                    .unwrap()
                    .build()
                    .unwrap();
                for b in reader {
                    out.push((rel.clone(), b.unwrap()));
                }
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn text(b: &RecordBatch, col: &str, row: usize) -> Option<String> {
    let a = b.column_by_name(col).unwrap().as_string::<i32>();
    a.is_valid(row).then(|| a.value(row).to_string())
}

#[test]
fn rows_read_back_with_their_values_and_partitions() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Output::create(Options::new(tmp.path().join("out"))).unwrap();
    let mut parser = Preset::NginxCombined.parser();
    let mut w = out.writer("web-1", Vec::new());
    for line in LINES {
        w.push(&parser.parse(line.as_bytes()).unwrap());
    }
    let written = w.finish().unwrap();
    out.publish().unwrap();
    assert_eq!(written.rows, 3);
    assert_eq!(written.files.len(), 2);

    let got = read_all(&tmp.path().join("out"));
    // The +0100 line is 23:00:01 UTC on the 21st: it belongs with the first.
    let parts: Vec<&str> = got
        .iter()
        .map(|(p, _)| p.split('/').next().unwrap())
        .collect();
    assert_eq!(parts, ["date=2026-11-21", "date=2026-11-22"]);
    let names: Vec<&str> = got
        .iter()
        .map(|(p, _)| p.rsplit('/').next().unwrap())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("part-") && n.ends_with(".parquet"))
    );

    let day1 = &got[0].1;
    assert_eq!(day1.num_rows(), 2);
    let ts = day1
        .column_by_name("ts")
        .unwrap()
        .as_primitive::<TimestampMicrosecondType>();
    // `date -u -d 2026-11-21T23:59:59Z +%s` = 1795305599, and 23:00:01 is 1795302001.
    assert_eq!(ts.value(0), 1_795_305_599_000_000);
    assert_eq!(ts.value(1), 1_795_302_001_000_000);
    assert_eq!(text(day1, "source", 0).as_deref(), Some("web-1"));
    assert_eq!(text(day1, "client_ip", 1).as_deref(), Some("10.0.0.2"));
    assert_eq!(text(day1, "remote_user", 0).as_deref(), Some("alice"));
    assert_eq!(text(day1, "remote_user", 1), None);
    assert_eq!(text(day1, "method", 0).as_deref(), Some("GET"));
    assert_eq!(text(day1, "path", 0).as_deref(), Some("/api/users/42"));
    assert_eq!(text(day1, "query", 0).as_deref(), Some("x=1"));
    assert_eq!(text(day1, "endpoint", 0).as_deref(), Some("/api/users/:id"));
    assert_eq!(text(day1, "protocol", 1).as_deref(), Some("HTTP/2.0"));
    // nginx's escapes are undone: é and a quote.
    assert_eq!(text(day1, "path", 1).as_deref(), Some("/café/\"q"));
    assert_eq!(text(day1, "query", 1), None);
    assert_eq!(
        text(day1, "referer", 0).as_deref(),
        Some("https://ref.example/")
    );
    assert_eq!(text(day1, "user_agent", 1), None);
    let status = day1
        .column_by_name("status")
        .unwrap()
        .as_primitive::<Int32Type>();
    assert_eq!((status.value(0), status.value(1)), (200, 503));
    let bytes = day1
        .column_by_name("bytes_sent")
        .unwrap()
        .as_primitive::<Int64Type>();
    assert_eq!((bytes.value(0), bytes.value(1)), (512, 0));
    // Columns combined lacks are null.
    for col in ["request_time_us", "upstream_time_us", "ta_us"] {
        assert_eq!(day1.column_by_name(col).unwrap().null_count(), 2, "{col}");
    }
    assert_eq!(
        day1.column_by_name("upstream_attempts")
            .unwrap()
            .null_count(),
        2
    );

    // A request line that is not `METHOD TARGET PROTOCOL` is kept whole in `path`.
    let day2 = &got[1].1;
    assert_eq!(day2.num_rows(), 1);
    assert_eq!(text(day2, "method", 0), None);
    assert_eq!(text(day2, "path", 0).as_deref(), Some("\u{16}\u{3}\u{1}"));
}

#[test]
fn partitioned_by_hour_and_source() {
    let tmp = tempfile::tempdir().unwrap();
    let mut opts = Options::new(tmp.path());
    opts.by_hour = true;
    opts.by_source = true;
    let out = Output::create(opts).unwrap();
    let mut parser = Preset::NginxCombined.parser();
    let mut w = out.writer("/var/log/web 1.log", Vec::new());
    for line in LINES {
        w.push(&parser.parse(line.as_bytes()).unwrap());
    }
    assert_eq!(w.finish().unwrap().rows, 3);
    out.publish().unwrap();
    let got = read_all(tmp.path());
    let dirs: Vec<String> = got
        .iter()
        .map(|(p, _)| p.rsplit_once('/').unwrap().0.to_string())
        .collect();
    assert_eq!(
        dirs,
        [
            "date=2026-11-21/hour=23/source=%2Fvar%2Flog%2Fweb%201.log",
            "date=2026-11-22/hour=00/source=%2Fvar%2Flog%2Fweb%201.log",
        ]
    );
    // The source is in the path, not in the files.
    assert!(got[0].1.column_by_name("source").is_none());
    // No temporary file is left.
    assert!(got.iter().all(|(p, _)| !p.contains(".tmp")));
}

#[test]
fn an_unwritable_directory_is_an_error_up_front() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let err = Output::create(Options::new(file.join("out"))).unwrap_err();
    assert!(err.to_string().contains("a-file"), "{err}");
}

#[test]
fn bytes_that_are_not_utf8_are_kept_as_hex() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Output::create(Options::new(tmp.path())).unwrap();
    let mut parser = Preset::NginxCombined.parser();
    let mut w = out.writer("s", Vec::new());
    // A raw 0xFF in the user agent (a server that does not escape), and nginx's escaped
    // form of the same byte in the path of the next line.
    let lines: [&[u8]; 2] = [
        b"1.1.1.1 - - [22/Nov/2026:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 1 \"-\" \"bot\xFF/1\"",
        br#"1.1.1.1 - - [22/Nov/2026:10:00:01 +0000] "GET /b\xFFc HTTP/1.1" 200 1 "-" "ok""#,
    ];
    for line in lines {
        w.push(&parser.parse(line).unwrap());
    }
    assert_eq!(w.finish().unwrap().rows, 2);
    out.publish().unwrap();
    let got = read_all(tmp.path());
    let b = &got[0].1;
    assert_eq!(text(b, "user_agent", 0).as_deref(), Some("bot\\xFF/1"));
    assert_eq!(text(b, "user_agent", 1).as_deref(), Some("ok"));
    assert_eq!(text(b, "path", 1).as_deref(), Some("/b\\xFFc"));
    assert_eq!(text(b, "path", 0).as_deref(), Some("/a"));
}

#[test]
fn long_lines_come_back_whole() {
    // 70 lines with a 1 MiB user agent: past the 64 MiB a batch takes (see the writer's
    // own test), so the rows go in two batches; every row and every byte comes back.
    let tmp = tempfile::tempdir().unwrap();
    let out = Output::create(Options::new(tmp.path())).unwrap();
    let mut parser = Preset::NginxCombined.parser();
    let mut w = out.writer("s", Vec::new());
    let ua = "x".repeat(1 << 20);
    let lines: Vec<String> = (0..70)
        .map(|i| {
            format!(r#"1.1.1.1 - - [22/Nov/2026:10:00:{:02} +0000] "GET /{i} HTTP/1.1" 200 1 "-" "{ua}""#, i % 60)
        })
        .collect();
    for line in &lines {
        w.push(&parser.parse(line.as_bytes()).unwrap());
    }
    assert_eq!(w.finish().unwrap().rows, 70);
    out.publish().unwrap();
    let got = read_all(tmp.path());
    let mut n = 0;
    for (_, b) in &got {
        for i in 0..b.num_rows() {
            assert_eq!(text(b, "user_agent", i).map(|s| s.len()), Some(1 << 20));
            assert_eq!(text(b, "path", i), Some(format!("/{n}")));
            n += 1;
        }
    }
    assert_eq!(n, 70);
}
