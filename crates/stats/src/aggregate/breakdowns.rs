//! The `--by` breakdown tables of an aggregate: one capped [`Table`] per dimension the run
//! asks for, fed with each request's key (the engine takes it out of the record:
//! `engine::key_of`), and their part of the summary ([`Breakdown`] rows).
//!
//! They are capped like the path table (`max_paths` keys, `max_path_bytes` of keys,
//! `path_latency_bytes` of latency values, each table its own) and fill through chunk
//! tables merged in input order (`ChunkTables`), so rows and untracked counts are the
//! same whatever the threads.

use super::rows::{KeyHit, OTHER_LATENCIES, RowMore, row_more};
use super::{P50, P90, P99, P999, StatsConfig};
use crate::SortKey;
use crate::ValueCounts;
use crate::dimension::{Dimension, split_pair};
use crate::escape_bytes;
use crate::summary::{
    Breakdown, BreakdownLatency, BreakdownRow, NamedLatency, RowPeak, SubRowsInfo,
};
use crate::table::{Hit, Row, Table};
use crate::timefmt::format_rfc3339;
use serde::{Deserialize, Serialize};

/// The maximum as a "percentile": nearest rank of the whole count is the largest value.
const MAX: u32 = 1_000_000;

/// Distinct keys a table is sized for up front; it grows past that on demand.
const PRESIZE: usize = 256;

/// One dimension's table and the requests that had no key for it (an nginx line has no
/// HAProxy server; an upstream logged as `-`). Each row's peak and other latencies are
/// kept by row number in `more` (rows.rs). A two-level table (`--by a,b`) has its rows
/// by the first key in `table` and by the pair ([`crate::dimension::pair_key`]) in
/// `pairs`: the sub-rows, grouped under their row when summarized.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ByTable {
    table: Table,
    no_key: u64,
    #[serde(default)]
    more: Vec<RowMore>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pairs: Option<Box<Pairs>>,
    /// The row of the last request's key: a run of requests under one key (a status
    /// class, an upstream) finds it by a comparison rather than a hash and a lookup.
    #[serde(skip)]
    last: Option<usize>,
}

/// A two-level table's rows by pair of keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pairs {
    table: Table,
    more: Vec<RowMore>,
}

/// Counts a request in `key`'s row of `table` (and `more`), or as untracked; `last` is
/// the row of the key before (see [`ByTable::last`]), updated.
#[inline]
fn add_row(
    table: &mut Table,
    more: &mut Vec<RowMore>,
    last: &mut Option<usize>,
    key: &[u8],
    hit: Hit,
    kh: &KeyHit,
) {
    let id = match *last {
        Some(id) if table.key_at(id) == Some(key) => Some(id),
        _ => table.row_id(key),
    };
    match id {
        Some(id) => {
            *last = Some(id);
            table.add_at(id, hit);
            let dense = table.dense_ms();
            row_more(more, id).add(kh, dense, table.latency_budget_mut());
        }
        None => table.count_untracked(1),
    }
}

/// Adds `other`'s rows (and their `more`) to `table`'s, in `other`'s order: the row's
/// latencies and its other ones take from the one budget of the table.
fn merge_rows(table: &mut Table, more: &mut Vec<RowMore>, other: &Table, other_more: &[RowMore]) {
    table.merge_mapped(other, |j, mine, budget, dense| {
        if let (Some(i), Some(o)) = (mine, other_more.get(j)) {
            row_more(more, i).merge(o, dense, budget);
        }
    });
}

impl ByTable {
    fn new(d: &Dimension, table: impl Fn() -> Table) -> ByTable {
        ByTable {
            table: table(),
            no_key: 0,
            more: Vec::new(),
            last: None,
            pairs: matches!(d, Dimension::Pair(..)).then(|| {
                Box::new(Pairs {
                    table: table(),
                    more: Vec::new(),
                })
            }),
        }
    }

    /// Empties the table, keeping its memory (a chunk's, for the next chunk).
    pub(crate) fn clear(&mut self) {
        self.table.clear();
        // Each row's peak and other latencies emptied in place: the next chunk's rows
        // reuse their memory rather than allocate it anew (rows.rs).
        self.more.iter_mut().for_each(RowMore::clear);
        self.no_key = 0;
        self.last = None;
        if let Some(p) = &mut self.pairs {
            p.table.clear();
            p.more.iter_mut().for_each(RowMore::clear);
        }
    }

    #[inline]
    fn add(&mut self, key: Option<&[u8]>, hit: Hit, kh: &KeyHit) {
        let Some(k) = key else {
            self.no_key += 1;
            return;
        };
        match &mut self.pairs {
            None => add_row(&mut self.table, &mut self.more, &mut self.last, k, hit, kh),
            Some(p) => match split_pair(k) {
                Some((first, _)) => {
                    add_row(
                        &mut self.table,
                        &mut self.more,
                        &mut self.last,
                        first,
                        hit,
                        kh,
                    );
                    add_row(&mut p.table, &mut p.more, &mut None, k, hit, kh);
                }
                None => self.no_key += 1,
            },
        }
    }

    /// Adds `other`'s rows (a later chunk's, or another aggregate's), in its order.
    fn merge(&mut self, other: &ByTable) {
        merge_rows(&mut self.table, &mut self.more, &other.table, &other.more);
        self.no_key += other.no_key;
        if let (Some(mine), Some(theirs)) = (&mut self.pairs, &other.pairs) {
            merge_rows(&mut mine.table, &mut mine.more, &theirs.table, &theirs.more);
        }
    }
}

/// The tables of the dimensions asked for, in the order asked.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Breakdowns {
    tables: Vec<ByTable>,
}

/// Tables for one chunk's keys: no cap nor memory limit (see `super::chunk_table`).
pub(super) fn chunk_tables(dims: impl Iterator<Item = Dimension>) -> Vec<ByTable> {
    dims.map(|d| ByTable::new(&d, || super::chunk_table(d.clone(), PRESIZE)))
        .collect()
}

/// A row as the summary ranks it: key, table row, and its `more`.
type Ranked<'t> = (&'t [u8], &'t Row, Option<&'t RowMore>);

/// The `n` first of `rows` by `sort`, highest first, ties by key.
fn rank<'t>(mut rows: Vec<Ranked<'t>>, sort: SortKey, n: usize) -> Vec<Ranked<'t>> {
    // The p99 of every row is found once, not at every comparison.
    let mut keyed: Vec<(u64, Ranked<'t>)> = rows
        .drain(..)
        .map(|r| {
            let v = match sort {
                SortKey::Requests => r.1.requests,
                SortKey::Errors => r.1.client_errors() + r.1.server_errors(),
                SortKey::ServerErrors => r.1.server_errors(),
                // Rows without latency rank below a p99 of 0.
                SortKey::P99 => r.1.p99_us().map_or(0, |p| p.saturating_add(1)),
                SortKey::Bytes => r.1.bytes_sent,
            };
            (v, r)
        })
        .collect();
    let order =
        |a: &(u64, Ranked<'t>), b: &(u64, Ranked<'t>)| b.0.cmp(&a.0).then_with(|| a.1.0.cmp(b.1.0));
    if keyed.len() > n {
        keyed.select_nth_unstable_by(n, order);
        keyed.truncate(n);
    }
    keyed.sort_unstable_by(order);
    keyed.into_iter().map(|(_, r)| r).collect()
}

/// Every row of `table` with its `more`, in row order.
fn all_rows<'t>(table: &'t Table, more: &'t [RowMore]) -> Vec<Ranked<'t>> {
    table
        .rows()
        .enumerate()
        .map(|(i, (k, r))| (k, r, more.get(i)))
        .collect()
}

/// The percentiles of a row's latency `v` named `name`; `None` without values.
fn named(name: &str, v: &ValueCounts) -> Option<NamedLatency> {
    let q = v.quantiles(&[P50, P90, P99, P999, MAX])?;
    Some(NamedLatency {
        name: name.to_string(),
        count: v.len(),
        p50_us: q[0],
        p90_us: q[1],
        p99_us: q[2],
        p999_us: q[3],
        max_us: q[4],
        approximate: v.is_approximate(),
    })
}

/// The summary's row of `key` (its shown key: `key` for a table's row, the second key
/// for a sub-row).
fn summary_row(
    key: &[u8],
    r: &Row,
    more: Option<&RowMore>,
    requests: u64,
    seconds: Option<u64>,
) -> BreakdownRow {
    let of = |c: u64, n: u64| match n {
        0 => 0.0,
        n => c as f64 / n as f64,
    };
    let mut latencies: Vec<NamedLatency> = named("latency", &r.latency).into_iter().collect();
    if let Some(other) = more.and_then(|m| m.other.as_deref()) {
        latencies.extend(
            OTHER_LATENCIES
                .iter()
                .zip(other.iter())
                .filter_map(|(n, v)| named(n, v)),
        );
    }
    BreakdownRow {
        key: escape_bytes(key),
        requests: r.requests,
        share: of(r.requests, requests),
        status_4xx: r.client_errors(),
        status_5xx: r.server_errors(),
        bytes_sent: r.bytes_sent,
        latency: r
            .latency
            .quantiles(&[P50, P90, P99, MAX])
            .map(|q| BreakdownLatency {
                p50_us: q[0],
                p90_us: q[1],
                p99_us: q[2],
                max_us: q[3],
                approximate: r.latency.is_approximate(),
            }),
        share_4xx: of(r.client_errors(), r.requests),
        share_5xx: of(r.server_errors(), r.requests),
        qps_mean: of(r.requests, seconds.unwrap_or(0)),
        qps_peak: more.and_then(|m| {
            let (second, n) = m.peak.busiest()?;
            Some(RowPeak {
                requests: n,
                second: format_rfc3339(second.saturating_mul(1_000_000), None),
                second_epoch: second,
                approximate: m.peak.approximate(),
            })
        }),
        latencies,
        rows: Vec::new(),
    }
}

impl ByTable {
    /// The table's `--top` rows by `cfg.by_sort`, each with its sub-rows when it has
    /// two levels; shares of `requests`, QPS over the run's `seconds`.
    fn summarize(&self, cfg: &StatsConfig, requests: u64, seconds: Option<u64>) -> Breakdown {
        let (sort, n) = (cfg.by_sort, cfg.top_n);
        let top = rank(all_rows(&self.table, &self.more), sort, n);
        // A two-level table's pairs, grouped under the rows shown.
        let mut groups: Vec<Vec<Ranked<'_>>> = vec![Vec::new(); top.len()];
        if let Some(p) = &self.pairs {
            let place: rustc_hash::FxHashMap<&[u8], usize> =
                top.iter().enumerate().map(|(i, r)| (r.0, i)).collect();
            for (k, r, m) in all_rows(&p.table, &p.more) {
                if let Some((first, second)) = split_pair(k)
                    && let Some(&i) = place.get(first)
                {
                    groups[i].push((second, r, m));
                }
            }
        }
        let rows = top
            .into_iter()
            .zip(groups)
            .map(|((k, r, m), group)| {
                let mut row = summary_row(k, r, m, requests, seconds);
                row.rows = rank(group, sort, n)
                    .into_iter()
                    .map(|(k, r, m)| summary_row(k, r, m, requests, seconds))
                    .collect();
                row
            })
            .collect();
        let t = &self.table;
        Breakdown {
            dimension: t.dimension().name(),
            rows,
            distinct: t.len() as u64,
            cap: t.cap() as u64,
            bytes_cap: t.key_bytes_cap() as u64,
            cap_reached: t.cap_reached(),
            untracked_requests: t.untracked(),
            requests_without_key: self.no_key,
            sort: sort.name().to_string(),
            sub_rows: self.pairs.as_ref().map(|p| SubRowsInfo {
                dimension: match t.dimension() {
                    Dimension::Pair(_, b) => b.name(),
                    d => d.name(),
                },
                distinct: p.table.len() as u64,
                cap_reached: p.table.cap_reached(),
                untracked_requests: p.table.untracked(),
            }),
        }
    }
}

impl Breakdowns {
    /// Capped tables for `dims`, with `cfg`'s path-table limits.
    pub(super) fn capped(dims: &[Dimension], cfg: &StatsConfig) -> Breakdowns {
        let table = |d: &Dimension| {
            ByTable::new(d, || {
                let mut t = Table::with_presize(d.clone(), cfg.max_paths, PRESIZE);
                t.set_latency_bytes(Some(cfg.path_latency_bytes));
                t.set_key_bytes(Some(cfg.max_path_bytes));
                t
            })
        };
        Breakdowns {
            tables: dims.iter().map(table).collect(),
        }
    }

    /// Uncapped tables for a parallel worker's chunks (see `Aggregate::for_chunks`).
    pub(super) fn for_chunks(dims: &[Dimension]) -> Breakdowns {
        Breakdowns {
            tables: chunk_tables(dims.iter().cloned()),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    pub(super) fn len(&self) -> usize {
        self.tables.len()
    }

    /// The first one-level `--by endpoint` table, if any.
    pub(super) fn endpoint_table(&self) -> Option<&Table> {
        let t = self
            .tables
            .iter()
            .find(|t| t.pairs.is_none() && matches!(t.table.dimension(), Dimension::Endpoint))?;
        Some(&t.table)
    }

    pub(super) fn dimensions(&self) -> impl Iterator<Item = Dimension> + '_ {
        self.tables.iter().map(|t| t.table.dimension().clone())
    }

    /// Counts a request in table `i`: in `key`'s row, or as having no key.
    #[inline]
    pub(super) fn add(&mut self, i: usize, key: Option<&[u8]>, hit: Hit, kh: &KeyHit) {
        if let Some(t) = self.tables.get_mut(i) {
            t.add(key, hit, kh);
        }
    }

    /// Swaps the tables with `empty`'s (a chunk's, handed over in input order).
    pub(super) fn swap_tables(&mut self, empty: &mut [ByTable]) {
        for (mine, other) in self.tables.iter_mut().zip(empty.iter_mut()) {
            std::mem::swap(mine, other);
        }
    }

    /// Adds a chunk's tables, in input order.
    pub(super) fn merge_tables(&mut self, chunk: &[ByTable]) {
        for (mine, theirs) in self.tables.iter_mut().zip(chunk) {
            mine.merge(theirs);
        }
    }

    /// Adds another aggregate's tables (of the same dimensions; an aggregate without
    /// any takes the other's).
    pub(super) fn merge(&mut self, other: &Breakdowns) {
        if self.tables.is_empty() {
            self.tables = other.tables.clone();
            return;
        }
        for (mine, theirs) in self.tables.iter_mut().zip(&other.tables) {
            mine.merge(theirs);
        }
    }

    /// Every table's rows (see [`ByTable::summarize`]).
    pub(super) fn summarize(
        &self,
        cfg: &StatsConfig,
        requests: u64,
        seconds: Option<u64>,
    ) -> Vec<Breakdown> {
        self.tables
            .iter()
            .map(|t| t.summarize(cfg, requests, seconds))
            .collect()
    }
}

impl super::Aggregate {
    /// Gives the aggregate a capped table for each of `dims` (`--by`), in that order:
    /// [`Aggregate::observe_key`](super::Aggregate::observe_key) takes keys by that place.
    pub fn set_breakdowns(&mut self, dims: &[Dimension]) {
        self.by = Breakdowns::capped(dims, &self.cfg);
    }

    /// [`Self::set_breakdowns`] for a parallel worker's aggregate (`for_chunks`): the
    /// tables are its chunks', uncapped, handed over with the others.
    pub fn set_chunk_breakdowns(&mut self, dims: &[Dimension]) {
        self.by = Breakdowns::for_chunks(dims);
    }

    /// How many `--by` tables the aggregate has.
    #[inline]
    pub fn breakdowns(&self) -> usize {
        self.by.len()
    }

    /// Counts a request (also given to `observe`) in `--by` table `i`: under `key`, or
    /// as a request without one. Its latency is the request time (HAProxy's Ta where
    /// there is none), as the report's overall latency; `more` has its second and other
    /// latencies (rows.rs).
    #[inline]
    pub fn observe_key(
        &mut self,
        i: usize,
        key: Option<&[u8]>,
        status: u16,
        bytes_sent: Option<u64>,
        latency_us: Option<u64>,
        more: &KeyHit,
    ) {
        let code = usize::from(status).min(999);
        let hit = Hit {
            class: usize::from(super::CLASS_OF.get(code).copied().unwrap_or(5)),
            bytes_sent: bytes_sent.unwrap_or(0),
            latency_us,
        };
        self.by.add(i, key, hit, more);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Aggregate, Observation};

    fn hit(status: usize, bytes: u64, ms: u64) -> Hit {
        Hit {
            class: status / 100 - 1,
            bytes_sent: bytes,
            latency_us: Some(ms * 1000),
        }
    }

    /// Hand-counted rows: two keys, one request without a key, sorted by requests and
    /// ties by key.
    #[test]
    fn rows_hand_counted() {
        let cfg = StatsConfig::default();
        let mut b = Breakdowns::capped(&[Dimension::Method], &cfg);
        b.add(0, Some(b"POST"), hit(500, 10, 30), &KeyHit::default());
        b.add(0, Some(b"GET"), hit(200, 5, 10), &KeyHit::default());
        b.add(0, Some(b"GET"), hit(404, 7, 20), &KeyHit::default());
        b.add(0, None, hit(200, 1, 1), &KeyHit::default());
        b.add(0, Some(b"PUT"), hit(200, 1, 5), &KeyHit::default());
        let s = b.summarize(&cfg, 5, None);
        assert_eq!(s.len(), 1);
        let t = &s[0];
        assert_eq!(
            (t.dimension.as_str(), t.requests_without_key),
            ("method", 1)
        );
        let rows: Vec<_> = t
            .rows
            .iter()
            .map(|r| {
                (
                    r.key.as_str(),
                    r.requests,
                    r.status_4xx,
                    r.status_5xx,
                    r.bytes_sent,
                )
            })
            .collect();
        // GET twice; POST and PUT once each, ordered by key.
        assert_eq!(
            rows,
            vec![
                ("GET", 2, 1, 0, 12),
                ("POST", 1, 0, 1, 10),
                ("PUT", 1, 0, 0, 1)
            ]
        );
        let get = t.rows[0].latency.as_ref().unwrap();
        // GET's 10 and 20 ms: p50 is the 1st, p90, p99 and max the 2nd.
        assert_eq!(
            (get.p50_us, get.p90_us, get.p99_us, get.max_us),
            (10_000, 20_000, 20_000, 20_000)
        );
        assert_eq!(t.rows[0].share, 0.4);
    }

    /// Through chunk tables merged in input order, a capped table keeps the keys and
    /// untracked count one reader adding every request keeps.
    #[test]
    fn chunks_cap_as_one_reader() {
        let cfg = StatsConfig {
            max_paths: 3,
            ..StatsConfig::default()
        };
        let dims = [Dimension::Client];
        let keys: Vec<String> = (0..500)
            .map(|i| format!("10.0.0.{}", (i * 7) % 11))
            .collect();
        let mut direct = Aggregate::new(cfg);
        direct.set_breakdowns(&dims);
        let mut run = Aggregate::new(cfg);
        run.set_breakdowns(&dims);
        let mut worker = Aggregate::for_chunks(cfg);
        worker.set_chunk_breakdowns(&dims);
        let mut empty = Aggregate::chunk_tables();
        let o = Observation {
            status: 200,
            ..Observation::default()
        };
        for chunk in keys.chunks(13) {
            for k in chunk {
                worker.observe(&o);
                worker.observe_key(
                    0,
                    Some(k.as_bytes()),
                    200,
                    Some(1),
                    None,
                    &KeyHit::default(),
                );
                direct.observe(&o);
                direct.observe_key(
                    0,
                    Some(k.as_bytes()),
                    200,
                    Some(1),
                    None,
                    &KeyHit::default(),
                );
            }
            let mut t = worker.take_chunk_tables(empty);
            run.merge_chunk_tables(&t);
            t.clear();
            empty = t;
        }
        run.merge(&worker);
        // Keys 0, 7, 3 (i = 0, 1, 2) come first; the other 8 of every 11 are untracked:
        // 500 = 45 rounds of 11 + 5 (0, 7, 3, 10, 6): 45 * 8 + 2.
        for a in [&run, &direct] {
            let s = a.summarize();
            let t = &s.by[0];
            let keys: Vec<_> = t
                .rows
                .iter()
                .map(|r| (r.key.as_str(), r.requests))
                .collect();
            assert_eq!(
                keys,
                vec![("10.0.0.0", 46), ("10.0.0.3", 46), ("10.0.0.7", 46)]
            );
            assert_eq!((t.cap_reached, t.untracked_requests), (true, 45 * 8 + 2));
        }
        assert_eq!(run.summarize(), direct.summarize());
    }
    /// A saved aggregate keeps its `--by` tables (a loaded one summarizes, and merges, as
    /// the original); one without them is saved as before, with no `by` field.
    #[test]
    fn state_keeps_the_tables() {
        let cfg = StatsConfig::default();
        let mut a = Aggregate::new(cfg);
        let plain = {
            let mut out = Vec::new();
            a.save(&mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert!(!plain.contains("\"by\""), "{plain}");
        a.set_breakdowns(&[Dimension::Status, Dimension::Extra("tenant".into())]);
        let o = Observation {
            status: 503,
            ..Observation::default()
        };
        for (i, key) in [Some(&b"503"[..]), None, Some(b"503")]
            .into_iter()
            .enumerate()
        {
            a.observe(&o);
            a.observe_key(
                0,
                key,
                503,
                Some(9),
                Some(i as u64 * 1000),
                &KeyHit::default(),
            );
            a.observe_key(1, Some(b"acme"), 503, None, None, &KeyHit::default());
        }
        let mut out = Vec::new();
        a.save(&mut out).unwrap();
        let b = Aggregate::load(&out[..]).unwrap();
        let s = b.summarize();
        assert_eq!(s, a.summarize());
        let status = &s.by[0];
        assert_eq!(status.requests_without_key, 1);
        let r = &status.rows[0];
        // Two requests of 9 bytes, latencies 0 and 2 ms.
        assert_eq!((r.requests, r.status_5xx, r.bytes_sent), (2, 2, 18));
        assert_eq!(r.latency.as_ref().map(|l| l.max_us), Some(2000));
        assert_eq!(s.by[1].dimension, "field:tenant");
        // And a state saved before `--by` existed (no `by` field) loads with none.
        let old = Aggregate::load(plain.as_bytes()).unwrap();
        assert!(old.summarize().by.is_empty());
    }

    /// Chunk tables emptied and reused (their rows' peaks and other latencies emptied in
    /// place) give the state fresh ones give, and the state of one reader's summary:
    /// rows with and without other latencies, seconds out of order, two levels.
    #[test]
    fn reused_chunk_tables_as_fresh_ones() {
        let cfg = StatsConfig::default();
        let dims = [
            Dimension::Client,
            Dimension::Pair(Box::new(Dimension::Client), Box::new(Dimension::Status)),
        ];
        let requests: Vec<(String, KeyHit)> = (0..600i64)
            .map(|i| {
                let mut kh = KeyHit {
                    second: 1_000 + i / 7 - (i * 5) % 9,
                    ..KeyHit::default()
                };
                // Some keys log an upstream time in some chunks only (two on, two off:
                // a worker's two sets of chunk tables take turns).
                if (i / 100) % 2 == 0 && i % 3 == 0 {
                    kh.other_us[0] = Some((i as u64 % 40) * 1000);
                }
                // New keys come with chunks without upstream times, in rows the chunk
                // before used for keys with them.
                (format!("10.0.{}.{}", (i + 100) / 200, (i * 7) % 13), kh)
            })
            .collect();
        let run = |reuse: bool| {
            let mut run = Aggregate::new(cfg);
            run.set_breakdowns(&dims);
            let mut worker = Aggregate::for_chunks(cfg);
            worker.set_chunk_breakdowns(&dims);
            let mut empty = Aggregate::chunk_tables();
            for chunk in requests.chunks(50) {
                for (k, kh) in chunk {
                    worker.observe(&Observation::default());
                    let mut pair = Vec::new();
                    crate::dimension::pair_key(k.as_bytes(), b"200", &mut pair);
                    worker.observe_key(0, Some(k.as_bytes()), 200, None, Some(1000), kh);
                    worker.observe_key(1, Some(&pair), 200, None, Some(1000), kh);
                }
                let mut t = worker.take_chunk_tables(empty);
                run.merge_chunk_tables(&t);
                t.clear();
                empty = if reuse { t } else { Aggregate::chunk_tables() };
            }
            let mut out = Vec::new();
            run.save(&mut out).unwrap();
            (run.summarize(), out)
        };
        let (fresh, reused) = (run(false), run(true));
        assert_eq!(fresh.0, reused.0);
        assert_eq!(fresh.1, reused.1);
    }
}
