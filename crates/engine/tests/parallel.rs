//! Several parsing threads give what one gives: the same summary, the same rejects file
//! (in input order), and malformed samples whose line numbers point at their lines.

use axlog_engine::{Config, Outcome, run};
use axlog_input::Source;
use axlog_stats::StatsConfig;
use axlog_testgen::{Format, Limit};
use std::io::Write;

/// About 6 MB of generated nginx-timed lines (six read chunks and more), with a broken
/// line every 401 lines, so malformed lines fall in every chunk.
fn input() -> (tempfile::TempDir, std::path::PathBuf, Vec<Vec<u8>>) {
    let data = axlog_testgen::generate(&axlog_testgen::Config {
        format: Format::NginxTimed,
        limit: Limit::Bytes(6_000_000),
        seed: 7,
        ..axlog_testgen::Config::default()
    });
    let mut lines: Vec<Vec<u8>> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    for (k, l) in lines.iter_mut().enumerate() {
        if k % 401 == 400 {
            *l = format!("broken line {k} \"with a quote").into_bytes();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("access.log");
    let mut f = std::fs::File::create(&path).unwrap();
    for l in &lines {
        f.write_all(l).unwrap();
        f.write_all(b"\n").unwrap();
    }
    (dir, path, lines)
}

fn run_with(path: &std::path::Path, threads: usize, rejects: &std::path::Path) -> Outcome {
    let cfg = Config {
        threads,
        stats: StatsConfig {
            // Room for every malformed line, to check each one's number.
            malformed_samples: 1_000,
            ..StatsConfig::default()
        },
        ..Config::default()
    };
    let out = std::fs::File::create(rejects).unwrap();
    run(
        &[Source::Path(path.to_path_buf())],
        &cfg,
        Some(Box::new(std::io::BufWriter::new(out))),
    )
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

#[test]
fn threads_give_the_same_report_rejects_and_line_numbers() {
    let (dir, path, lines) = input();
    // What the file holds, counted here: its lines and the broken ones, in order.
    let broken: Vec<usize> = (0..lines.len()).filter(|k| k % 401 == 400).collect();
    assert!(broken.len() > 50, "{}", broken.len());

    let one_rejects = dir.path().join("rejects-1");
    let one = run_with(&path, 1, &one_rejects);
    assert!(one.rejects_error.is_none());
    assert_eq!(one.summary.lines.read, lines.len() as u64);
    // Every malformed line is a sample (there is room): the rejects file holds their
    // lines, in order, found here by the samples' numbers.
    let samples = &one.summary.malformed_samples;
    assert_eq!(samples.len() as u64, one.summary.lines.malformed);
    let mut want_rejects = Vec::new();
    for s in samples {
        want_rejects.extend_from_slice(&lines[(s.line - 1) as usize]);
        want_rejects.push(b'\n');
    }
    for threads in [2, 3, 4] {
        let rejects = dir.path().join(format!("rejects-{threads}"));
        let many = run_with(&path, threads, &rejects);
        assert!(many.rejects_error.is_none());
        assert_eq!(many.summary, one.summary, "{threads} threads");
        assert_eq!(
            std::fs::read(&rejects).unwrap(),
            want_rejects,
            "{threads} threads"
        );
    }
    assert_eq!(std::fs::read(&one_rejects).unwrap(), want_rejects);

    // Every sample's number is its line (testgen writes a few malformed lines of its own
    // besides the broken ones), and every broken line is among them.
    for s in samples {
        let line = &lines[(s.line - 1) as usize];
        assert_eq!(
            s.text,
            escaped(&line[..line.len().min(300)]),
            "line {}",
            s.line
        );
    }
    for &k in &broken {
        assert!(
            samples.iter().any(|s| s.line == k as u64 + 1),
            "line {}",
            k + 1
        );
    }
}

#[test]
fn an_empty_source_and_a_missing_one_with_threads() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.log");
    std::fs::File::create(&empty).unwrap();
    let missing = dir.path().join("missing.log");
    let cfg = Config {
        threads: 3,
        ..Config::default()
    };
    let out = run(
        &[Source::Path(empty), Source::Path(missing.clone())],
        &cfg,
        None,
    );
    assert_eq!(out.summary.lines.read, 0);
    assert_eq!(out.source_errors.len(), 1);
    assert!(
        out.source_errors[0].contains(&missing.display().to_string()),
        "{:?}",
        out.source_errors
    );
}

/// Progress counts every stored byte of every source once, whichever route reads it.
#[test]
fn progress_counts_each_stored_byte_once() {
    let (dir, path, _) = input();
    let size = std::fs::metadata(&path).unwrap().len();
    for threads in [1, 2, 4] {
        let progress = std::sync::Arc::new(axlog_engine::Progress::default());
        let cfg = Config {
            threads,
            progress: Some(progress.clone()),
            ..Config::default()
        };
        let out = run(
            &[Source::Path(path.clone()), Source::Path(path.clone())],
            &cfg,
            None,
        );
        assert!(out.source_errors.is_empty());
        assert_eq!(progress.bytes(), 2 * size, "{threads} threads");
        assert_eq!(progress.source(), path.display().to_string());
    }
    drop(dir);
}

/// With the path table's latency memory spent early, which paths keep their values is
/// decided by arrival: one thread and several must decide alike, chunk by chunk in input
/// order, so the report is the same, lossy paths and all.
#[test]
fn spent_path_latency_memory_gives_the_same_report() {
    let (_dir, path, _) = input();
    let summary = |threads| {
        let cfg = Config {
            threads,
            stats: StatsConfig {
                // Room for about 150 paths' bins: spent within the first chunk.
                path_latency_bytes: 300_000,
                top_n: 100_000,
                ..StatsConfig::default()
            },
            ..Config::default()
        };
        run(&[Source::Path(path.clone())], &cfg, None).summary
    };
    let one = summary(1);
    let lossy = one.top_paths.iter().filter(|p| p.approximate).count();
    let exact = one.top_paths.iter().filter(|p| !p.approximate).count();
    assert!(lossy > 50 && exact > 100, "{lossy} lossy, {exact} exact");
    for threads in [2, 4] {
        assert!(summary(threads) == one, "-j {threads}");
    }
}

/// With the path table's key bytes spent early, which paths are tracked is decided by
/// arrival: one thread and several decide alike.
#[test]
fn spent_path_key_bytes_give_the_same_report() {
    let (_dir, path, _) = input();
    let summary = |threads| {
        let cfg = Config {
            threads,
            stats: StatsConfig {
                max_path_bytes: 20_000,
                top_n: 100_000,
                ..StatsConfig::default()
            },
            ..Config::default()
        };
        run(&[Source::Path(path.clone())], &cfg, None).summary
    };
    let one = summary(1);
    let p = &one.paths;
    assert!(p.cap_reached && p.distinct < p.cap, "{p:?}");
    assert!(p.bytes <= 20_000 && p.bytes > 19_000, "{p:?}");
    assert_eq!(one.top_paths.len() as u64, p.distinct);
    for threads in [2, 4] {
        assert!(summary(threads) == one, "-j {threads}");
    }
}
