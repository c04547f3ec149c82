//! The report's summary: the statistics sink's aggregate, with what the engine knows of
//! each source (its lines, layout, errors) in the per-source breakdown. A run's sources
//! and a cumulative state's rows ([`SourceLines`] both) go through the same summariser.

use crate::sink::SourceId;
use crate::source::{LongLines, SourceRun};
use crate::tiers::{Tier, Tiered};
use axlog_stats::summary::{LayoutInfo, LayoutLines, LineCounts, SourceSummary, TierSummary};
use axlog_stats::{Aggregate, Row, StatsConfig, Summary};
use serde::{Deserialize, Serialize};

/// What the summary needs of a source besides the aggregate: a run's [`SourceRun`]
/// ([`SourceLines::of`]), or a row of a cumulative state (the sum of every run's sources
/// under one label).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceLines {
    /// Its row in the per-source breakdown (the aggregates' source number). Not stored:
    /// a stored row's number is its place in the list.
    #[serde(skip)]
    pub row: usize,
    /// Its name in messages (the path read); not stored, a stored row has only its label.
    #[serde(skip)]
    pub name: String,
    /// The name of its row.
    pub label: String,
    /// The layout used (its label) and whether it was detected; `None`: none fitted.
    pub layout: Option<String>,
    pub detected: bool,
    /// The tier of that layout.
    pub tier: Option<Tier>,
    pub lines: u64,
    pub malformed: u64,
    pub filtered: u64,
    pub layout_help: Option<String>,
    pub layout_note: Option<String>,
    /// The layouts a detected source was read with, each with its lines.
    pub layout_counts: Vec<(String, u64)>,
    /// Why it could not be read (fully): a run's only, never stored.
    #[serde(skip)]
    pub error: Option<String>,
    /// Its lines cut at the longest line kept: a run's only, never stored.
    #[serde(skip)]
    pub long_lines: LongLines,
}

impl SourceLines {
    /// What `run` gave.
    pub fn of(run: &SourceRun) -> SourceLines {
        SourceLines {
            row: run.id.row,
            name: run.id.name.clone(),
            label: run.id.label.clone(),
            layout: run.layout.as_ref().map(|(f, _)| f.label()),
            detected: run.layout.as_ref().is_some_and(|(_, d)| *d),
            tier: run.layout.as_ref().map(|(f, _)| Tier::of(f)),
            lines: run.lines,
            malformed: run.malformed,
            filtered: run.filtered,
            layout_help: run.layout_help.clone(),
            layout_note: run.layout_note.clone(),
            layout_counts: run.layout_counts.clone(),
            error: run.error.as_ref().map(|e| e.to_string()),
            long_lines: run.long_lines,
        }
    }

    /// Adds `other`'s lines (a later part of the same row): counts add, the first
    /// layout and notes stay.
    pub fn add(&mut self, other: &SourceLines) {
        self.lines += other.lines;
        self.malformed += other.malformed;
        self.filtered += other.filtered;
        self.long_lines.merge(&other.long_lines);
        if self.layout.is_none() {
            self.layout.clone_from(&other.layout);
            self.detected = other.detected;
            self.tier = other.tier;
        }
        self.layout_help = self.layout_help.take().or(other.layout_help.clone());
        self.layout_note = self.layout_note.take().or(other.layout_note.clone());
        for (name, lines) in &other.layout_counts {
            match self.layout_counts.iter_mut().find(|(l, _)| l == name) {
                Some((_, n)) => *n += lines,
                None => self.layout_counts.push((name.clone(), *lines)),
            }
        }
    }
}

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
/// are `tiered`: with several tiers, each tier's summary under `tiers`, the front one's
/// figures at the top (see [`TierSummary`]).
pub fn summarize(
    runs: &[SourceLines],
    tiered: Tiered,
    stats: &StatsConfig,
    endpoint_rules: &axlog_endpoint::Rules,
) -> Summary {
    let mut tiers = tiered.tiers;
    let all: Vec<&SourceLines> = runs.iter().collect();
    if tiers.len() <= 1 {
        let total = tiers
            .pop()
            .map_or_else(|| Aggregate::new(*stats), |(_, a)| a);
        return summarize_one(&all, &total, stats, endpoint_rules);
    }
    // The tiers' series side by side: each over the run's range, so their buckets match.
    let range = tiers
        .iter()
        .filter_map(|(_, a)| a.series_range())
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
    if let Some(r) = range {
        for (_, a) in &mut tiers {
            a.widen_series_range(r);
        }
    }
    let front = tiers[0].0;
    let parts: Vec<TierSummary> = tiers
        .iter()
        .map(|(tier, agg)| {
            // A source without a layout joined the front tier (tiers.rs).
            let mine: Vec<&SourceLines> =
                runs.iter().filter(|r| r.tier.or(front) == *tier).collect();
            let summary = summarize_one(&mine, agg, stats, endpoint_rules);
            let mut layouts: Vec<String> = Vec::new();
            for name in mine.iter().filter_map(|r| r.layout.as_ref()) {
                if !layouts.contains(name) {
                    layouts.push(name.clone());
                }
            }
            TierSummary {
                name: tier.map_or("", Tier::name).to_string(),
                layouts,
                summary,
            }
        })
        .collect();
    let aggs: Vec<&Aggregate> = tiers.iter().map(|(_, a)| a).collect();
    let mut top = parts[0].summary.clone();
    // The run's own: every source, every line, the first malformed lines in input order.
    top.sources = source_rows(&all, &aggs, stats).0;
    top.lines = LineCounts::default();
    top.malformed_samples.clear();
    for p in &parts {
        let (l, t) = (&mut top.lines, &p.summary.lines);
        l.read += t.read;
        l.parsed += t.parsed;
        l.malformed += t.malformed;
        l.other += t.other;
        l.unread_fields += t.unread_fields;
        l.filtered += t.filtered;
        top.malformed_samples
            .extend(p.summary.malformed_samples.iter().cloned());
    }
    let place = |name: &str| runs.iter().position(|r| r.name == name);
    top.malformed_samples
        .sort_by_key(|m| (place(&m.source), m.line));
    top.malformed_samples.truncate(stats.malformed_samples);
    top.tiers = parts;
    top
}

/// The summary of `runs`, whose statistics are `total`'s.
fn summarize_one(
    runs: &[&SourceLines],
    total: &Aggregate,
    stats: &StatsConfig,
    endpoint_rules: &axlog_endpoint::Rules,
) -> Summary {
    let (rows, top_layout) = source_rows(runs, &[total], stats);
    // The endpoint lists and the anomalies' contributor cells each fold the path
    // table's rows: the two halves of the summary run side by side on the run's threads
    // (one after the other with `-j 1`: see `crate::use_threads`).
    let (mut summary, anomaly_input) = rayon::join(
        || {
            let mut summary = total.summarize();
            // The default report's endpoint lists, from the path table's rows, folded with
            // the rules `--by endpoint` and Parquet use.
            // With `--by endpoint`, from its table: exact, and no fold at the end.
            summary.top_endpoints =
                total.top_endpoints_from_by().or_else(|| {
                    let mut scratch = endpoint_rules.scratch();
                    Some(total.top_endpoints(|path, out| {
                        endpoint_rules.apply_with(path, out, &mut scratch)
                    }))
                });
            summary
        },
        || {
            stats
                .anomalies
                .and_then(|cfg| anomaly_input(cfg, total, runs, endpoint_rules))
        },
    );
    // Filtered requests parsed, and reached no sink.
    let filtered: u64 = runs.iter().map(|r| r.filtered).sum();
    summary.lines.filtered = filtered;
    summary.lines.parsed += filtered;
    summary.axlog_version = env!("CARGO_PKG_VERSION").to_string();
    summary.layout = top_layout;
    summary.sources = rows;
    summary.anomalies = anomaly_input.map(|a| a.detect(&summary));
    summary
}

/// What the anomaly detector reads of `total` (issue 19, docs/anomalies.md): its
/// series, the contributor cells and the latency tails.
struct AnomalyInput {
    cfg: axlog_stats::anomaly::AnomalyConfig,
    series: axlog_stats::series_summary::SeriesSummary,
    contrib: axlog_stats::contrib::Contributions,
    tails: Option<axlog_stats::anomaly::Tails>,
}

/// The anomaly input of `total`; `None` without a series.
fn anomaly_input(
    cfg: axlog_stats::anomaly::AnomalyConfig,
    total: &Aggregate,
    runs: &[&SourceLines],
    endpoint_rules: &axlog_endpoint::Rules,
) -> Option<AnomalyInput> {
    Some(AnomalyInput {
        cfg,
        series: total.anomaly_series(ANOMALY_WIDTH_S)?,
        contrib: crate::anomaly_input::contributions(total, runs, endpoint_rules),
        tails: total.anomaly_tails(ANOMALY_WIDTH_S),
    })
}

impl AnomalyInput {
    /// The anomalies, with the summary's gaps. A cumulative total's series is its whole
    /// span: the previous day is in it, so no history is given.
    fn detect(&self, summary: &Summary) -> axlog_stats::anomaly_summary::Anomalies {
        axlog_stats::anomaly::detect_with_tails(
            &self.cfg,
            &self.series,
            None,
            summary.series.gaps.as_ref(),
            &self.contrib,
            self.tails.as_ref(),
        )
    }
}

/// The anomaly series' finest buckets: a minute (anomaly_input.rs's grid).
const ANOMALY_WIDTH_S: u32 = 60;

/// The per-source rows of `runs` (one per label, in order of first use), with their
/// requests from `aggs` (one aggregate, or each tier's), and the first source's layout.
fn source_rows(
    runs: &[&SourceLines],
    aggs: &[&Aggregate],
    stats: &StatsConfig,
) -> (Vec<SourceSummary>, Option<LayoutInfo>) {
    let mut rows: Vec<Option<SourceSummary>> = Vec::new();
    let mut top_layout: Option<LayoutInfo> = None;
    for run in runs {
        if rows.len() <= run.row {
            rows.resize_with(run.row + 1, || None);
        }
        let r = rows[run.row].get_or_insert_with(SourceSummary::default);
        r.name.clone_from(&run.label);
        r.layout = r.layout.take().or(run.layout.clone());
        r.lines += run.lines;
        r.malformed += run.malformed;
        r.filtered += run.filtered;
        let mut long = LongLines {
            count: r.long_lines,
            first: r.first_long_line,
        };
        long.merge(&run.long_lines);
        (r.long_lines, r.first_long_line) = (long.count, long.first);
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
        if let Some(layout) = &run.layout {
            top_layout.get_or_insert(LayoutInfo {
                name: layout.clone(),
                detected: run.detected,
            });
        }
        r.error = match (r.error.take(), run.error.clone()) {
            (Some(a), Some(b)) => Some(format!("{a}; {b}")),
            (a, b) => a.or(b),
        };
    }
    // Rows are numbered over the run: a tier's sources leave the others' places empty.
    let mut rows: Vec<SourceSummary> = rows
        .into_iter()
        .enumerate()
        .filter_map(|(row, r)| {
            let mut r = r?;
            let mut stats = Row::default();
            for a in aggs {
                if let Some(s) = a.source_stats(row) {
                    stats.add_row(s);
                }
            }
            r.requests = stats.requests;
            r.classes = axlog_stats::summary::class_counts(&stats.classes, stats.requests);
            r.client_error_share = share_of(stats.client_errors(), stats.requests);
            r.server_error_share = share_of(stats.server_errors(), stats.requests);
            r.p99_us = stats.p99_us();
            // The layout chosen for the source first, then the others by lines read: the
            // parsing threads meet them in any order (the `diff_threads` fuzz target).
            let chosen = r.layout.clone();
            let first = |l: &LayoutLines| Some(&l.name) != chosen.as_ref();
            r.layouts
                .sort_by(|a, b| (first(a), b.lines, &a.name).cmp(&(first(b), a.lines, &b.name)));
            // Layouts are listed where a source changed layout part-way.
            if r.layouts.len() < 2 {
                r.layouts.clear();
            }
            Some(r)
        })
        .collect();
    if stats.source_by_host {
        // A file whose every line went to its host's row has nothing left to show.
        rows.retain(|r| r.requests > 0 || r.malformed > 0 || r.error.is_some());
        for a in aggs {
            for (host, stats) in a.host_stats() {
                rows.push(SourceSummary {
                    name: host,
                    lines: stats.requests,
                    requests: stats.requests,
                    classes: axlog_stats::summary::class_counts(&stats.classes, stats.requests),
                    client_error_share: share_of(stats.client_errors(), stats.requests),
                    server_error_share: share_of(stats.server_errors(), stats.requests),
                    p99_us: stats.p99_us(),
                    ..SourceSummary::default()
                });
            }
        }
    }
    (rows, top_layout)
}
