//! The contributor cells the anomaly detector explains anomalies with, from a run's
//! aggregate: paths folded into endpoints with the run's endpoint rules, sources named
//! by their labels.

use crate::summary::SourceLines;
use axlog_stats::Aggregate;
use axlog_stats::contrib::{ContribDimension, Contributions, KeyCells};

/// The contributions of `total` (whose sources are `runs`'), on the grid of
/// `total.anomaly_series` asked for the cells' width (`--bucket`'s, else 1 minute):
/// `endpoint` (paths folded by `rules`, as the report's endpoint lists are), `server`
/// (HAProxy's `backend/server`; absent without HAProxy lines), and `source` (each
/// source's rows under its label, sources of one label together; with
/// `--source-by-host`, syslog hosts by name, the lines without a host's row under
/// their file's label).
#[allow(dead_code)] // called once the detector is wired in (issue 19)
pub(crate) fn contributions(
    total: &Aggregate,
    runs: &[&SourceLines],
    rules: &axlog_endpoint::Rules,
) -> Contributions {
    let mut scratch = rules.scratch();
    let mut c = total.contributions(|path, out| rules.apply_with(path, out, &mut scratch));
    let mut dims = std::mem::take(&mut c.dimensions).into_iter();
    let mut take = |name: &str| {
        dims.find(|d| d.name == name)
            .unwrap_or_else(|| ContribDimension {
                name: name.to_string(),
                ..ContribDimension::default()
            })
    };
    let (endpoint, server, mut source, host) = (
        take("endpoint"),
        take("server"),
        take("source"),
        take("host"),
    );
    // Source numbers (the aggregate's keys) to labels.
    let label = |key: &str| {
        key.parse::<usize>()
            .ok()
            .and_then(|n| runs.iter().find(|r| r.row == n))
            .map_or_else(|| key.to_string(), |r| r.label.clone())
    };
    let mut keys: Vec<KeyCells> = source
        .keys
        .into_iter()
        .map(|k| KeyCells {
            key: label(&k.key),
            cells: k.cells,
        })
        .chain(host.keys)
        .collect();
    source.untracked_requests += host.untracked_requests;
    keys.sort_by(|a, b| a.key.cmp(&b.key));
    source.keys = merge_same_keys(keys);
    c.dimensions.push(endpoint);
    if !server.keys.is_empty() || server.untracked_requests > 0 {
        c.dimensions.push(server);
    }
    c.dimensions.push(source);
    c
}

/// `keys` (sorted by key) with the cells of equal keys added together.
fn merge_same_keys(keys: Vec<KeyCells>) -> Vec<KeyCells> {
    let mut out: Vec<KeyCells> = Vec::with_capacity(keys.len());
    for k in keys {
        match out.last_mut() {
            Some(last) if last.key == k.key => {
                let mut all = std::mem::take(&mut last.cells);
                all.extend(k.cells);
                all.sort_by_key(|c| c.0);
                for (t, cell) in all {
                    match last.cells.last_mut() {
                        Some(prev) if prev.0 == t => prev.1.add(&cell),
                        _ => last.cells.push((t, cell)),
                    }
                }
            }
            _ => out.push(k),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, run};
    use axlog_input::Source;
    use axlog_stats::{SeriesConfig, StatsConfig, Table};
    use axlog_testgen::{Format, Limit};
    use std::collections::BTreeMap;

    /// Generated nginx and HAProxy logs (two sources, `nginx.log` and `haproxy.log` in
    /// `dir`, labelled by their paths), read with `threads` threads.
    fn contributions_with(
        dir: &std::path::Path,
        threads: usize,
        by_host: bool,
    ) -> (Contributions, Aggregate) {
        let mut sources = Vec::new();
        for (name, format, seed) in [
            ("nginx.log", Format::NginxTimed, 3),
            ("haproxy.log", Format::HaproxyHttp, 4),
        ] {
            let path = dir.join(name);
            if !path.exists() {
                let data = axlog_testgen::generate(&axlog_testgen::Config {
                    format,
                    limit: Limit::Bytes(3_000_000),
                    seed,
                    ..axlog_testgen::Config::default()
                });
                std::fs::write(&path, data).unwrap();
            }
            sources.push(Source::Path(path));
        }
        let cfg = Config {
            threads,
            stats: StatsConfig {
                source_by_host: by_host,
                // Cells are kept only when anomalies are looked for.
                anomalies: Some(Default::default()),
                ..StatsConfig::default()
            },
            series: Some(SeriesConfig::default()),
            keep_aggregate: true,
            ..Config::default()
        };
        let out = run(&sources, &cfg, None);
        let runs: Vec<SourceLines> = out.runs.iter().map(SourceLines::of).collect();
        let all: Vec<&SourceLines> = runs.iter().collect();
        let mut total = Aggregate::new(cfg.stats);
        for (_, a) in out.aggregate.unwrap().tiers {
            total.merge(&a);
        }
        let rules = axlog_endpoint::Rules::default();
        (contributions(&total, &all, &rules), total)
    }

    /// Requests per key of `d`, summed over its cells.
    fn sums(d: &ContribDimension) -> BTreeMap<String, u64> {
        d.keys
            .iter()
            .map(|k| (k.key.clone(), k.cells.iter().map(|c| c.1.requests).sum()))
            .collect()
    }

    fn table_rows(t: &Table) -> BTreeMap<String, u64> {
        t.rows()
            .map(|(k, r)| (axlog_stats::escape_bytes(k), r.requests))
            .collect()
    }

    fn dim<'c>(c: &'c Contributions, name: &str) -> &'c ContribDimension {
        c.dimensions.iter().find(|d| d.name == name).unwrap()
    }

    /// On generated logs, the cells summed over buckets are the tables' counts (servers
    /// by key; sources by label; endpoints add up to the tracked paths' requests), the
    /// same with one thread or two, and by syslog host with `--source-by-host`.
    #[test]
    fn cells_match_the_tables_whatever_the_threads() {
        let dir = tempfile::tempdir().unwrap();
        let (one, total) = contributions_with(dir.path(), 1, false);
        let (two, _) = contributions_with(dir.path(), 2, false);
        assert_eq!(one, two);
        assert_eq!(one.width_s, 60);
        let [paths, servers, sources, _] = total.tables();
        assert_eq!(sums(dim(&one, "server")), table_rows(servers));
        assert!(table_rows(servers).len() > 1);
        let by_label: BTreeMap<String, u64> = sums(dim(&one, "source"));
        let label = |name: &str| dir.path().join(name).display().to_string();
        let mut want = BTreeMap::new();
        for (i, name) in ["nginx.log", "haproxy.log"].iter().enumerate() {
            want.insert(label(name), sources.rows().nth(i).unwrap().1.requests);
        }
        assert_eq!(by_label, want);
        let endpoints: u64 = sums(dim(&one, "endpoint")).values().sum();
        let tracked: u64 = paths.rows().map(|r| r.1.requests).sum();
        assert_eq!(endpoints, tracked);
        assert_eq!(dim(&one, "endpoint").untracked_requests, paths.untracked());
        // Every bucket start on the minute grid.
        assert!(
            one.dimensions
                .iter()
                .all(|d| d.keys.iter().all(|k| k.cells.iter().all(|c| c.0 % 60 == 0)))
        );

        let (hosts, total) = contributions_with(dir.path(), 2, true);
        let [_, _, sources, host_table] = total.tables();
        let mut want = table_rows(host_table);
        assert!(!want.is_empty());
        // Lines without a host's row count under their file's label.
        for (i, name) in ["nginx.log", "haproxy.log"].iter().enumerate() {
            let n = sources.rows().nth(i).map_or(0, |r| r.1.requests);
            if n > 0 {
                want.insert(label(name), n);
            }
        }
        assert_eq!(sums(dim(&hosts, "source")), want);
    }
}
