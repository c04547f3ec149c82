//! The `--by` tables: `by.csv`, one row a table (its dimension, the file holding its
//! rows, and what its caps left out), and one `by-<dimension>.csv` a table, a row a key;
//! a two-level table (`--by a,b`) has `level`, `key` and `sub_key` columns, each row's
//! sub-rows after it (level 2, `key` the row's, `sub_key` their own).

use super::CsvFile;
use super::cell::{flag, float, int, opt_int, opt_text, text};
use super::names::{Names, stem};
use super::table::{Part, Table};
use axlog_stats::summary::{Breakdown, BreakdownRow};

const INDEX: &[&str] = &[
    "dimension",
    "file",
    "sort",
    "rows",
    "distinct",
    "cap",
    "bytes_cap",
    "cap_reached",
    "untracked_requests",
    "requests_without_key",
    "sub_dimension",
    "sub_distinct",
    "sub_cap_reached",
    "sub_untracked_requests",
];

/// The figures of a row (and a sub-row), after its key columns.
const ROW: &[&str] = &[
    "requests",
    "share",
    "status_4xx",
    "status_5xx",
    "share_4xx",
    "share_5xx",
    "bytes_sent",
    "qps_mean",
    "qps_peak",
    "qps_peak_second",
    "qps_peak_epoch",
    "qps_peak_approximate",
    "p50_us",
    "p90_us",
    "p99_us",
    "max_us",
    "latency_approximate",
];

/// `by.csv` and a file a `--by` table, named from the front summary's tables (the
/// tiers' tables are the same ones, in the same order). `names` holds the names taken.
pub(crate) fn files(parts: &[Part], names: &mut Names) -> Vec<CsvFile> {
    let front = parts.first().map_or(&[][..], |p| &p.s.by[..]);
    let files: Vec<String> = front
        .iter()
        .map(|b| names.take(&format!("by-{}", stem(&b.dimension))))
        .collect();
    let index = Table::tiered(INDEX, parts, |t, s| {
        for (b, file) in s.by.iter().zip(&files) {
            t.row(index_row(b, file));
        }
    });
    let mut out = vec![CsvFile {
        name: names.take("by"),
        text: index.render(),
    }];
    for (i, (b, file)) in front.iter().zip(files).enumerate() {
        let two = two_level(b);
        let mut header: Vec<&'static str> = match two {
            true => vec!["level", "key", "sub_key"],
            false => vec!["key"],
        };
        header.extend(ROW);
        let table = Table::tiered(&header, parts, |t, s| {
            // A tier's table of the same place and dimension (always, as the tiers are
            // summarised with the same `--by`).
            let Some(b) = s.by.get(i).filter(|x| x.dimension == b.dimension) else {
                return;
            };
            for r in &b.rows {
                t.row(row(two, &r.key, None, r));
                for sub in &r.rows {
                    t.row(row(two, &r.key, Some(&sub.key), sub));
                }
            }
        });
        out.push(CsvFile {
            name: file,
            text: table.render(),
        });
    }
    out
}

fn two_level(b: &Breakdown) -> bool {
    b.sub_rows.is_some() || b.rows.iter().any(|r| !r.rows.is_empty())
}

fn index_row(b: &Breakdown, file: &str) -> Vec<String> {
    let sub = b.sub_rows.as_ref();
    vec![
        text(&b.dimension),
        file.to_string(),
        text(&b.sort),
        int(b.rows.len() as u64),
        int(b.distinct),
        int(b.cap),
        int(b.bytes_cap),
        flag(b.cap_reached),
        int(b.untracked_requests),
        int(b.requests_without_key),
        opt_text(sub.map(|s| s.dimension.as_str())),
        opt_int(sub.map(|s| s.distinct)),
        sub.map(|s| flag(s.cap_reached)).unwrap_or_default(),
        opt_int(sub.map(|s| s.untracked_requests)),
    ]
}

/// A row of a `by-` file: its keys (`sub_key` set for a sub-row), then its figures.
fn row(two: bool, key: &str, sub_key: Option<&str>, r: &BreakdownRow) -> Vec<String> {
    let mut cells = match two {
        true => vec![
            int(if sub_key.is_some() { 2u8 } else { 1u8 }),
            text(key),
            opt_text(sub_key),
        ],
        false => vec![text(key)],
    };
    let peak = r.qps_peak.as_ref();
    let l = r.latency.as_ref();
    cells.extend([
        int(r.requests),
        float(r.share),
        int(r.status_4xx),
        int(r.status_5xx),
        float(r.share_4xx),
        float(r.share_5xx),
        int(r.bytes_sent),
        float(r.qps_mean),
        opt_int(peak.map(|p| p.requests)),
        opt_text(peak.map(|p| p.second.as_str())),
        opt_int(peak.map(|p| p.second_epoch)),
        peak.map(|p| flag(p.approximate)).unwrap_or_default(),
        opt_int(l.map(|l| l.p50_us)),
        opt_int(l.map(|l| l.p90_us)),
        opt_int(l.map(|l| l.p99_us)),
        opt_int(l.map(|l| l.max_us)),
        l.map(|l| flag(l.approximate)).unwrap_or_default(),
    ]);
    cells
}
