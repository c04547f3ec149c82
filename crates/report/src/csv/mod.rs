//! The CSV renderer (`report -o out/`): one file a table, every file always written with
//! its header (a script finds the same files and columns whether a table has rows or
//! not), a `tier` last column where the figures are a tier's (empty without tiers).
//! RFC 4180 quoting by the `csv` crate; every text cell neutralised against spreadsheet
//! formulas and terminal control ([`cell`]); `--by` files named safely ([`names`]).
//! docs/outputs.md (`## CSV`) lists the files and their columns.

mod by;
mod cell;
mod figures;
mod lists;
mod names;
mod overall;
mod table;
mod time;

use axlog_stats::Summary;
use table::{Part, Table};

/// One CSV file of the report: its name in the output directory, and its text.
pub struct CsvFile {
    pub name: String,
    pub text: String,
}

/// The report's tables, a file each.
pub fn csv(s: &Summary) -> Vec<CsvFile> {
    // With tiers, each tier's summary is rendered (the front one first); the top-level
    // figures are the front tier's, so rendering them too would count it twice.
    let parts: Vec<Part> = match s.tiers.is_empty() {
        true => vec![Part { tier: "", s }],
        false => s
            .tiers
            .iter()
            .map(|t| Part {
                tier: &t.name,
                s: &t.summary,
            })
            .collect(),
    };
    let tables: [(&str, Table); 14] = [
        ("summary", overall::summary(&parts)),
        ("sources", overall::sources(s, &parts)),
        ("statuses", figures::statuses(&parts)),
        ("classes", figures::classes(&parts)),
        ("latency", figures::latency(&parts)),
        ("endpoints", lists::endpoints(&parts)),
        ("paths", lists::paths(&parts)),
        ("servers", lists::servers(&parts)),
        ("terminations", lists::terminations(&parts)),
        ("series", time::series(&parts)),
        ("series-by", time::series_by(&parts)),
        ("gaps", time::gaps(&parts)),
        ("anomalies", time::anomalies(&parts)),
        ("thresholds", time::thresholds(s)),
    ];
    let mut names = names::Names::default();
    let mut out: Vec<CsvFile> = tables
        .into_iter()
        .map(|(stem, t)| CsvFile {
            name: names.take(stem),
            text: t.render(),
        })
        .collect();
    out.extend(by::files(&parts, &mut names));
    out
}

#[cfg(test)]
mod tests;
