//! A file read as consecutive byte ranges in separate runs (as a cron job with a state
//! file reads a growing log) gives what one run over the whole file gives: the runs'
//! lines, requests, status counts, malformed samples (with the file's line numbers) and
//! located rejects add up to the whole run's, on every route and for an archive.

use axlog_engine::{Config, Outcome, run};
use axlog_input::{ByteRange, Source};
use axlog_stats::StatsConfig;
use axlog_testgen::{Format, Limit};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// About 3 MB of generated nginx-timed lines (three read chunks), with a broken line
/// every 301 lines; the file and its lines.
fn input(dir: &Path) -> (PathBuf, Vec<Vec<u8>>) {
    let data = axlog_testgen::generate(&axlog_testgen::Config {
        format: Format::NginxTimed,
        limit: Limit::Bytes(3_000_000),
        seed: 11,
        ..axlog_testgen::Config::default()
    });
    let mut lines: Vec<Vec<u8>> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    for (k, l) in lines.iter_mut().enumerate() {
        if k % 301 == 300 {
            *l = format!("broken line {k} \"with a quote").into_bytes();
        }
    }
    let path = dir.join("access.log");
    let mut f = std::fs::File::create(&path).unwrap();
    for l in &lines {
        f.write_all(l).unwrap();
        f.write_all(b"\n").unwrap();
    }
    (path, lines)
}

fn gzip(path: &Path) -> PathBuf {
    let gz = path.with_extension("log.1.gz");
    let mut e = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    e.write_all(&std::fs::read(path).unwrap()).unwrap();
    e.finish().unwrap();
    gz
}

/// A run over `path` (its `range`, or all of it) with located rejects written to
/// `rejects`.
fn run_range(path: &Path, range: Option<ByteRange>, threads: usize, rejects: &Path) -> Outcome {
    let cfg = Config {
        threads,
        rejects_located: true,
        stats: StatsConfig {
            malformed_samples: 1_000,
            ..StatsConfig::default()
        },
        ranges: vec![range],
        ..Config::default()
    };
    let out = std::fs::File::create(rejects).unwrap();
    let o = run(
        &[Source::Path(path.to_path_buf())],
        &cfg,
        Some(Box::new(std::io::BufWriter::new(out))),
    );
    assert!(o.source_errors.is_empty(), "{:?}", o.source_errors);
    assert!(o.rejects_error.is_none());
    o
}

/// How a report writes a line that may not be UTF-8: invalid bytes as `\xHH`.
fn escaped(b: &[u8]) -> String {
    let mut s = String::new();
    for chunk in b.utf8_chunks() {
        s.push_str(chunk.valid());
        for byte in chunk.invalid() {
            s.push_str(&format!("\\x{byte:02X}"));
        }
    }
    s
}

fn statuses(o: &Outcome) -> BTreeMap<u16, u64> {
    o.summary
        .status
        .codes
        .iter()
        .map(|c| (c.code, c.count))
        .collect()
}

#[test]
fn two_ranges_in_two_runs_add_up_to_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, lines) = input(dir.path());
    let gz = gzip(&path);
    // Where each line starts, counted here from the lines written.
    let mut starts = Vec::with_capacity(lines.len());
    let mut at = 0u64;
    for l in &lines {
        starts.push(at);
        at += l.len() as u64 + 1;
    }
    let size = at;
    let broken = (0..lines.len()).filter(|k| k % 301 == 300).count() as u64;

    // A cut at a line start (as a state's offset is) and one inside a line (that line
    // is the first range's).
    let k = lines.len() * 4 / 7;
    for (cut, first_lines) in [(starts[k], k as u64), (starts[k] + 7, k as u64 + 1)] {
        for source in [&path, &gz] {
            for threads in [1, 2, 3] {
                let what = format!("{} cut {cut} -j {threads}", source.display());
                let file = |name: &str| dir.path().join(format!("{name}-{threads}"));
                let whole = run_range(source, None, threads, &file("whole"));
                let a = run_range(
                    source,
                    Some(ByteRange {
                        start: 0,
                        end: Some(cut),
                        lines_before: 0,
                    }),
                    threads,
                    &file("a"),
                );
                let b = run_range(
                    source,
                    Some(ByteRange {
                        start: cut,
                        end: None,
                        lines_before: first_lines,
                    }),
                    threads,
                    &file("b"),
                );
                let (w, a_s, b_s) = (&whole.summary, &a.summary, &b.summary);
                // The lines of each range, counted from the bytes written.
                assert_eq!(w.lines.read, lines.len() as u64, "{what}");
                assert_eq!(a_s.lines.read, first_lines, "{what}");
                assert_eq!(b_s.lines.read, lines.len() as u64 - first_lines, "{what}");
                // testgen writes a few malformed lines of its own besides the broken ones.
                assert!(w.lines.malformed >= broken, "{what}");
                assert_eq!(
                    a_s.lines.malformed + b_s.lines.malformed,
                    w.lines.malformed,
                    "{what}"
                );
                assert_eq!(
                    a_s.lines.parsed + b_s.lines.parsed,
                    w.lines.parsed,
                    "{what}"
                );
                assert_eq!(a_s.requests + b_s.requests, w.requests, "{what}");
                assert_eq!(a_s.bytes_sent + b_s.bytes_sent, w.bytes_sent, "{what}");
                let mut sum = statuses(&a);
                for (code, n) in statuses(&b) {
                    *sum.entry(code).or_default() += n;
                }
                assert_eq!(sum, statuses(&whole), "{what}");
                // Malformed samples keep the file's line numbers: each names its line.
                let samples: Vec<_> = a_s
                    .malformed_samples
                    .iter()
                    .chain(&b_s.malformed_samples)
                    .cloned()
                    .collect();
                assert_eq!(samples, w.malformed_samples, "{what}");
                assert_eq!(samples.len() as u64, w.lines.malformed, "{what}");
                for s in &samples {
                    let line = &lines[(s.line - 1) as usize];
                    let line = escaped(&line[..line.len().min(300)]);
                    assert_eq!(s.text, line, "{what} line {}", s.line);
                }
                for k in (0..lines.len()).filter(|k| k % 301 == 300) {
                    let n = k as u64 + 1;
                    assert!(samples.iter().any(|s| s.line == n), "{what} line {n}");
                }
                // Located rejects: the two runs' files, one after the other, are the
                // whole run's, and each names its line as the file numbers it.
                let mut both = std::fs::read(file("a")).unwrap();
                both.extend(std::fs::read(file("b")).unwrap());
                let whole_rejects = std::fs::read(file("whole")).unwrap();
                assert_eq!(both, whole_rejects, "{what}");
                let mut want = Vec::new();
                for s in &samples {
                    want.extend(format!("{}:{}:", source.display(), s.line).into_bytes());
                    want.extend_from_slice(&lines[(s.line - 1) as usize]);
                    want.push(b'\n');
                }
                assert_eq!(
                    String::from_utf8_lossy(&whole_rejects),
                    String::from_utf8_lossy(&want),
                    "{what}"
                );
            }
        }
    }
    assert!(size > 2 << 20, "{size}");
}

/// A writer caught mid-line: a range ended at `last_line_end` leaves the partial line
/// for the next run, which reads it whole once it is finished, so no line is counted
/// broken or twice.
#[test]
fn a_partial_last_line_is_left_for_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("access.log");
    let line = |k: u32| {
        format!(
            "10.0.0.{} - - [06/Dec/2026:10:00:{:02} +0000] \"GET /p{k} HTTP/1.1\" {} {k} \"-\" \"ua\"\n",
            k % 200,
            k % 60,
            [200, 404, 500][(k % 3) as usize]
        )
    };
    let mut first: String = (0..50).map(line).collect();
    let cut = line(50);
    let (head, tail) = cut.split_at(30);
    first.push_str(head);
    std::fs::write(&path, &first).unwrap();

    let ranged = |start: u64, lines_before: u64, threads: usize| {
        let file = std::fs::File::open(&path).unwrap();
        let size = file.metadata().unwrap().len();
        let end = axlog_input::last_line_end(&file, start, size).unwrap();
        let cfg = Config {
            threads,
            ranges: vec![Some(ByteRange {
                start,
                end: Some(end),
                lines_before,
            })],
            ..Config::default()
        };
        (run(&[Source::Path(path.clone())], &cfg, None), end)
    };
    for threads in [1, 2] {
        std::fs::write(&path, &first).unwrap();
        let (a, end) = ranged(0, 0, threads);
        // The 50 complete lines, not the 51st's first 30 bytes.
        assert_eq!(end as usize, first.len() - 30);
        assert_eq!((a.summary.lines.read, a.summary.requests), (50, 50));
        assert_eq!(a.summary.lines.malformed, 0);

        // The writer finishes the line and writes more, the last one partial again.
        let mut rest = String::from(tail);
        rest.extend((51..80).map(line));
        rest.push_str("10.0.0.1 - -");
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(rest.as_bytes()).unwrap();
        drop(f);
        let (b, end2) = ranged(end, 50, threads);
        assert_eq!(
            end2 as usize,
            first.len() + rest.len() - "10.0.0.1 - -".len()
        );
        assert_eq!((b.summary.lines.read, b.summary.requests), (30, 30));
        assert_eq!(b.summary.lines.malformed, 0, "-j {threads}");
        let bytes: u64 = (0..80).sum();
        assert_eq!(
            a.summary.bytes_sent + b.summary.bytes_sent,
            bytes,
            "-j {threads}"
        );
    }
}
