//! Every table of the text report lines up with its header, read from the output text
//! alone: reports that hold every section (several sources with a long rotated set's
//! names, tiers, HAProxy timers and servers, a two-level `--by`, thresholds that fired,
//! anomalies, upstream attempts, the series, `--series-by`, gaps) are split into tables
//! (a header line: an indented line whose cells are all words; its rows: the indented
//! lines after it), and each header cell must sit over its column: a right-aligned
//! column's cells end where its header ends, a left-aligned one's start where it starts,
//! or the cell is blank. Long names are shortened in the middle, so the rotated files
//! stay distinct.

mod common;

use axlog_testgen::{Config, DEFAULT_START, Format, Limit};
use common::generate::{Upstreams, as_upstreaminfo, config, generated, generated_with};
use common::{axlog, stdout_of, write_file};
use std::collections::BTreeSet;
use std::path::Path;

/// A header word: letters (and `/`, `_`, `(`, `)`, `·`), a status class (`5xx`), or a
/// percentile (`p99.9`).
fn header_word(w: &str) -> bool {
    let class = w.len() == 3 && w.ends_with("xx");
    let percentile = w
        .strip_prefix('p')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.'));
    let letters = w.chars().all(|c| c.is_alphabetic() || "/_()·".contains(c));
    class || percentile || letters
}

/// The cells of a line: (first column, last column + 1, text), cells being two spaces
/// apart or more.
fn cells(line: &[char]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        if line[i] == ' ' {
            i += 1;
            continue;
        }
        let start = i;
        // A cell ends at two spaces or the line's end.
        while i < line.len() && !(line[i] == ' ' && line.get(i + 1).is_none_or(|c| *c == ' ')) {
            i += 1;
        }
        out.push((start, i, line[start..i].iter().collect()));
    }
    out
}

fn is_header(line: &str) -> bool {
    let chars: Vec<char> = line.chars().collect();
    line.starts_with("  ")
        && !line.trim().is_empty()
        && cells(&chars)
            .iter()
            .all(|(_, _, c)| c.split(' ').all(header_word))
}

/// A row of the table started by the header before it: indented, not a note.
fn is_row(line: &str) -> bool {
    line.starts_with("  ")
        && !line.starts_with("  (")
        && !line.starts_with("  …")
        && !is_header(line)
}

fn blank(row: &[char], from: usize, to: usize) -> bool {
    (from..to).all(|i| row.get(i).is_none_or(|c| *c == ' '))
}

/// Checks every table of `text`; returns the headers' first cells, to say which tables
/// were seen.
fn check_tables(text: &str) -> BTreeSet<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut seen = BTreeSet::new();
    let mut i = 0;
    while i < lines.len() {
        if !is_header(lines[i]) {
            i += 1;
            continue;
        }
        let head: Vec<char> = lines[i].chars().collect();
        let heads = cells(&head);
        seen.insert(heads[0].2.clone());
        let rows: Vec<Vec<char>> = lines[i + 1..]
            .iter()
            .take_while(|l| is_row(l))
            .map(|l| l.chars().collect())
            .collect();
        assert!(!rows.is_empty(), "a header without rows: {}", lines[i]);
        for (k, &(start, end, ref name)) in heads.iter().enumerate() {
            let next_start = heads.get(k + 1).map_or(usize::MAX, |h| h.0);
            // Left: the cell starts at the header's first column (after two spaces).
            let left = |r: &Vec<char>| {
                let starts = r.get(start).is_some_and(|c| *c != ' ')
                    && blank(r, start.saturating_sub(2), start);
                starts || blank(r, start, next_start.min(r.len()))
            };
            // Right: the cell ends at the header's last column (two spaces or the end
            // after it).
            let right = |r: &Vec<char>| {
                let ends = r.get(end - 1).is_some_and(|c| *c != ' ') && blank(r, end, end + 2);
                ends || blank(r, start, end)
            };
            // The names' column: a sub-row's name starts an even number of columns in.
            let names = |r: &Vec<char>| {
                let j = (start..r.len()).find(|&j| r[j] != ' ');
                j.is_none_or(|j| j < next_start && (j - start) % 2 == 0)
                    && blank(r, start.saturating_sub(2), start)
            };
            let ok = match k {
                0 => rows.iter().all(names),
                _ => rows.iter().all(left) || rows.iter().all(right),
            };
            assert!(
                ok,
                "column `{name}` ({start}..{end}) is off:\n{}\n{}",
                lines[i],
                rows.iter()
                    .map(|r| r.iter().collect::<String>())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
        i += 1 + rows.len();
    }
    seen
}

fn report(dir: &Path, args: &[&str]) -> String {
    let out = axlog()
        .arg("report")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    // `--fail-if` exits 3 when it fires; the report is written first.
    assert!(matches!(out.status.code(), Some(0 | 3)), "{out:?}");
    stdout_of(&out)
}

#[test]
fn tiers_sources_haproxy_and_two_levels_line_up() {
    let dir = tempfile::tempdir().unwrap();
    let long = "var/log/nginx-frontend-cluster-eu-west-1-production-blue";
    std::fs::create_dir_all(dir.path().join(long)).unwrap();
    let mut lb = config(Format::HaproxyHttp, 3_000, 3);
    lb.start_epoch_s = DEFAULT_START - 30;
    write_file(dir.path(), "lb.log", generated_with(lb).as_bytes());
    for (name, seed) in [("access.log.1", 4), ("access.log.2", 5)] {
        let text = generated(Format::NginxTimed, 2_000, seed);
        write_file(&dir.path().join(long), name, text.as_bytes());
    }
    let a = format!("{long}/access.log.1");
    let b = format!("{long}/access.log.2");
    let text = report(
        dir.path(),
        &[
            "lb.log",
            &a,
            &b,
            "--by",
            "endpoint,status-class",
            "--top",
            "3",
            "--bucket",
            "1m",
            "--fail-if",
            "p99(request_time) > 1ms",
        ],
    );
    let seen = check_tables(&text);
    for want in [
        "tier",
        "start",
        "source",
        "time",
        "timer",
        "code",
        "endpoint",
        "backend/server",
        "key",
        "expression",
    ] {
        assert!(seen.contains(want), "no `{want}` table: {seen:?}\n{text}");
    }
    // The two rotated files are two rows, told apart by their ends; their names are
    // longer than the 48 columns of the name column, so their middles are cut.
    for file in [".log.1", ".log.2"] {
        let row = text
            .lines()
            .find(|l| l.contains("…") && l.contains(&format!("{file} ")))
            .unwrap_or_else(|| panic!("{file}: {text}"));
        assert!(row.starts_with("  var/log/nginx"), "{row}");
        let name = row.trim_start().split("  ").next().unwrap();
        assert_eq!(name.chars().count(), 48, "{row}");
    }
}

/// The upstream lists of line `i`: one attempt, or a retry on another address.
fn upstreams(i: usize, st: &str) -> Upstreams {
    match i % 5 {
        0 => (
            format!("10.0.0.{}:8080, 10.0.1.1:8080", i % 3),
            "0, 12".into(),
            "0.010, 0.002".into(),
            format!("502, {st}"),
        ),
        _ => (
            format!("10.0.0.{}:8080", i % 3),
            "12".into(),
            format!("0.{:03}", i % 90),
            st.to_string(),
        ),
    }
}

#[test]
fn attempts_series_by_anomalies_and_gaps_line_up() {
    let dir = tempfile::tempdir().unwrap();
    let text = as_upstreaminfo(&generated(Format::NginxTimed, 3_000, 7), upstreams);
    write_file(dir.path(), "ingress.log", text.as_bytes());
    let shown = report(dir.path(), &["ingress.log", "--series-by", "endpoint"]);
    let seen = check_tables(&shown);
    for want in ["attempt time", "upstream", "key", "start"] {
        assert!(seen.contains(want), "no `{want}` table: {seen:?}\n{shown}");
    }

    // Calm traffic with a spike and an outage: anomalies and gaps.
    let cfg = Config {
        format: Format::NginxTimed,
        limit: Limit::Seconds(2 * 3_600),
        start_epoch_s: DEFAULT_START + 9 * 3_600 + 30 * 60,
        rate: 2.0,
        calm: true,
        events: [
            "spike@2026-11-21T10:30:00Z/120s",
            "outage@2026-11-21T11:00:00Z/60s",
        ]
        .iter()
        .map(|e| e.parse().unwrap())
        .collect(),
        ..Config::default()
    };
    write_file(dir.path(), "calm.log", &axlog_testgen::generate(&cfg));
    let shown = report(dir.path(), &["calm.log"]);
    let seen = check_tables(&shown);
    for want in ["time", "start"] {
        assert!(seen.contains(want), "no `{want}` table: {seen:?}\n{shown}");
    }
    assert!(
        shown.contains("\nAnomalies  ") && shown.contains("  spike "),
        "{shown}"
    );
    assert!(shown.contains("\nGaps "), "{shown}");
}

#[test]
fn a_misplaced_header_is_caught() {
    // The checker itself: the old layout's `Latency (s)` header was 2 columns off.
    let old = "Latency\n  time          count\n  request_time    1,999\n";
    let caught = std::panic::catch_unwind(|| check_tables(old));
    assert!(caught.is_err());
    let good = "Latency\n  time          count\n  request_time  1,999\n";
    assert!(check_tables(good).contains("time"));
}
