//! The CSV files of hand-built summaries, read back with the `csv` crate's reader: the
//! file set, the headers, a two-level `--by` table's rows, tiers, hostile keys.

use super::{CsvFile, csv};
use axlog_stats::summary::{Breakdown, BreakdownRow, StatusCount, SubRowsInfo, TierSummary};
use axlog_stats::{Aggregate, StatsConfig, Summary};

fn empty() -> Summary {
    Aggregate::new(StatsConfig::default()).summarize()
}

/// A file's records, the header first.
fn records(files: &[CsvFile], name: &str) -> Vec<Vec<String>> {
    let f = files
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no {name}"));
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(f.text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The value of `column` in each data row.
fn column(rows: &[Vec<String>], column: &str) -> Vec<String> {
    let at = rows[0].iter().position(|h| h == column).unwrap();
    rows[1..].iter().map(|r| r[at].clone()).collect()
}

fn row(key: &str, requests: u64) -> BreakdownRow {
    BreakdownRow {
        key: key.into(),
        requests,
        share: 0.5,
        status_4xx: 1,
        status_5xx: 0,
        bytes_sent: 10,
        latency: None,
        share_4xx: 0.25,
        share_5xx: 0.0,
        qps_mean: 0.1,
        qps_peak: None,
        latencies: Vec::new(),
        rows: Vec::new(),
    }
}

fn breakdown(dimension: &str, rows: Vec<BreakdownRow>) -> Breakdown {
    Breakdown {
        dimension: dimension.into(),
        rows,
        distinct: 2,
        cap: 100,
        bytes_cap: 1000,
        cap_reached: false,
        untracked_requests: 0,
        requests_without_key: 3,
        sort: "requests".into(),
        sub_rows: None,
    }
}

#[test]
fn every_table_is_written_with_its_header_even_empty() {
    let files = csv(&empty());
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "summary.csv",
            "sources.csv",
            "statuses.csv",
            "classes.csv",
            "latency.csv",
            "endpoints.csv",
            "paths.csv",
            "servers.csv",
            "terminations.csv",
            "series.csv",
            "series-by.csv",
            "gaps.csv",
            "anomalies.csv",
            "thresholds.csv",
            "by.csv",
        ]
    );
    for f in &files {
        assert!(f.text.ends_with('\n'), "{}: {:?}", f.name, f.text);
    }
    let summary = records(&files, "summary.csv");
    assert_eq!(summary.len(), 2);
    assert_eq!(column(&summary, "requests"), ["0"]);
    assert_eq!(column(&summary, "tier"), [""]);
    assert_eq!(records(&files, "paths.csv").len(), 1);
    assert_eq!(
        records(&files, "statuses.csv")[0],
        ["code", "class", "count", "share", "tier"]
    );
}

#[test]
fn statuses_classes_and_by_tables() {
    let mut s = empty();
    s.requests = 5;
    s.status.codes = vec![
        StatusCount {
            code: 0,
            count: 1,
            share: 0.2,
        },
        StatusCount {
            code: 200,
            count: 3,
            share: 0.6,
        },
        StatusCount {
            code: 404,
            count: 1,
            share: 0.2,
        },
    ];
    let mut parent = row("=cmd|' /C calc'!A0", 4);
    parent.rows = vec![row("+1", 3), row("GET", 1)];
    let mut two = breakdown("field:=x,status", vec![parent, row("-2", 1)]);
    two.sub_rows = Some(SubRowsInfo {
        dimension: "status".into(),
        distinct: 3,
        cap_reached: true,
        untracked_requests: 7,
    });
    s.by = vec![
        breakdown("field:../Etc/Passwd", vec![row("@SUM(A1)", 2)]),
        two,
        breakdown("field:..-etc-passwd", vec![row("a\u{1b}[2J\nb", 1)]),
    ];
    let files = csv(&s);

    let st = records(&files, "statuses.csv");
    assert_eq!(column(&st, "code"), ["0", "200", "404"]);
    assert_eq!(column(&st, "class"), ["other", "2xx", "4xx"]);
    assert_eq!(column(&st, "count"), ["1", "3", "1"]);
    assert_eq!(column(&st, "share"), ["0.2", "0.6", "0.2"]);

    let index = records(&files, "by.csv");
    assert_eq!(
        column(&index, "file"),
        [
            "by-field_._etc_passwd.csv",
            "by-field_x_status.csv",
            "by-field_.-etc-passwd.csv"
        ]
    );
    assert_eq!(
        column(&index, "dimension"),
        [
            "field:../Etc/Passwd",
            "field:=x,status",
            "field:..-etc-passwd"
        ]
    );
    assert_eq!(column(&index, "sub_untracked_requests"), ["", "7", ""]);
    assert_eq!(column(&index, "requests_without_key"), ["3", "3", "3"]);

    let one = records(&files, "by-field_._etc_passwd.csv");
    assert_eq!(one[0][0], "key");
    assert_eq!(column(&one, "key"), ["'@SUM(A1)"]);
    let two = records(&files, "by-field_x_status.csv");
    assert_eq!(one[0][1..], two[0][3..]);
    assert_eq!(column(&two, "level"), ["1", "2", "2", "1"]);
    assert_eq!(
        column(&two, "key"),
        [
            "'=cmd|' /C calc'!A0",
            "'=cmd|' /C calc'!A0",
            "'=cmd|' /C calc'!A0",
            "'-2"
        ]
    );
    assert_eq!(column(&two, "sub_key"), ["", "'+1", "GET", ""]);
    assert_eq!(column(&two, "requests"), ["4", "3", "1", "1"]);
    let third = records(&files, "by-field_.-etc-passwd.csv");
    // The line feed read back whole; the escape sequence written as text.
    assert_eq!(column(&third, "key"), ["a\\x1B[2J\nb"]);
}

#[test]
fn tiers_are_a_last_column() {
    let mut lb = empty();
    lb.requests = 7;
    let mut web = empty();
    web.requests = 5;
    let mut s = lb.clone();
    s.tiers = vec![
        TierSummary {
            name: "load balancer".into(),
            layouts: vec!["haproxy-http".into()],
            summary: lb,
        },
        TierSummary {
            name: "web".into(),
            layouts: vec!["nginx-combined".into()],
            summary: web,
        },
    ];
    let files = csv(&s);
    let summary = records(&files, "summary.csv");
    assert_eq!(column(&summary, "requests"), ["7", "5"]);
    assert_eq!(column(&summary, "tier"), ["load balancer", "web"]);
    let classes = records(&files, "classes.csv");
    assert_eq!(classes.len(), 1 + 2 * 6);
    assert_eq!(*classes[0].last().unwrap(), "tier");
}
