//! The report's summary: the statistics sink's aggregate, with what the engine knows of
//! each source (its lines, layout, errors) in the per-source breakdown.

use crate::sink::SourceId;
use crate::source::SourceRun;
use axlog_stats::summary::{LayoutInfo, LayoutLines, SourceSummary};
use axlog_stats::{Aggregate, StatsConfig, Summary};

/// Each source's id: its label (`labels`, by the source's place, or its name) and its
/// row, one per label in order of first use.
pub(crate) fn source_ids(names: Vec<String>, labels: &[String]) -> Vec<SourceId> {
    let mut rows: Vec<String> = Vec::new();
    names
        .into_iter()
        .enumerate()
        .map(|(idx, name)| {
            let label = labels.get(idx).cloned().unwrap_or_else(|| name.clone());
            let row = match rows.iter().position(|r| *r == label) {
                Some(r) => r,
                None => {
                    rows.push(label.clone());
                    rows.len() - 1
                }
            };
            SourceId { name, label, row }
        })
        .collect()
}

/// `n` of `requests` as a share (0 without requests).
fn share_of(n: u64, requests: u64) -> f64 {
    match requests {
        0 => 0.0,
        r => n as f64 / r as f64,
    }
}

/// The summary of a run whose sources gave `runs` (in input order) and whose statistics
/// are `total`.
pub(crate) fn summarize(
    runs: &[SourceRun],
    total: &Aggregate,
    stats: &StatsConfig,
    endpoint_rules: &axlog_endpoint::Rules,
) -> Summary {
    let mut rows: Vec<SourceSummary> = Vec::new();
    let mut top_layout: Option<LayoutInfo> = None;
    for run in runs {
        if rows.len() <= run.id.row {
            rows.resize_with(run.id.row + 1, SourceSummary::default);
        }
        let r = &mut rows[run.id.row];
        r.name.clone_from(&run.id.label);
        r.layout = r.layout.take().or(run.layout.as_ref().map(|l| l.0.label()));
        r.lines += run.lines;
        r.malformed += run.malformed;
        r.layout_help = r.layout_help.take().or(run.layout_help.clone());
        r.layout_note = r.layout_note.take().or(run.layout_note.clone());
        for (name, lines) in run.layout_counts.iter().filter(|(_, n)| *n > 0) {
            match r.layouts.iter_mut().find(|l| l.name == *name) {
                Some(l) => l.lines += lines,
                None => r.layouts.push(LayoutLines {
                    name: name.clone(),
                    lines: *lines,
                }),
            }
        }
        if let Some((layout, detected)) = &run.layout {
            top_layout.get_or_insert(LayoutInfo {
                name: layout.label(),
                detected: *detected,
            });
        }
        r.error = match (r.error.take(), run.error.as_ref().map(|e| e.to_string())) {
            (Some(a), Some(b)) => Some(format!("{a}; {b}")),
            (a, b) => a.or(b),
        };
    }
    for (row, r) in rows.iter_mut().enumerate() {
        let stats = total.source_stats(row).cloned().unwrap_or_default();
        r.requests = stats.requests;
        r.client_error_share = share_of(stats.client_errors(), stats.requests);
        r.server_error_share = share_of(stats.server_errors(), stats.requests);
        r.p99_us = stats.p99_us();
    }
    if stats.source_by_host {
        // A file whose every line went to its host's row has nothing left to show.
        rows.retain(|r| r.requests > 0 || r.malformed > 0 || r.error.is_some());
        for (host, stats) in total.host_stats() {
            rows.push(SourceSummary {
                name: host,
                lines: stats.requests,
                requests: stats.requests,
                client_error_share: share_of(stats.client_errors(), stats.requests),
                server_error_share: share_of(stats.server_errors(), stats.requests),
                p99_us: stats.p99_us(),
                ..SourceSummary::default()
            });
        }
    }
    let mut summary = total.summarize();
    // The default report's endpoint lists, from the path table's rows, folded with the
    // rules `--by endpoint` and Parquet use.
    let mut scratch = endpoint_rules.scratch();
    summary.top_endpoints =
        Some(total.top_endpoints(|path, out| endpoint_rules.apply_with(path, out, &mut scratch)));
    // Filtered requests parsed, and reached no sink.
    let filtered: u64 = runs.iter().map(|r| r.filtered).sum();
    summary.lines.filtered = filtered;
    summary.lines.parsed += filtered;
    summary.axlog_version = env!("CARGO_PKG_VERSION").to_string();
    summary.layout = top_layout;
    // Layouts are listed where a source changed layout part-way.
    for r in &mut rows {
        if r.layouts.len() < 2 {
            r.layouts.clear();
        }
    }
    summary.sources = rows;
    summary
}
