//! The `--by` breakdown tables of an aggregate: one capped [`Table`] per dimension the run
//! asks for, fed with each request's key (the engine takes it out of the record:
//! `engine::key_of`), and their part of the summary ([`Breakdown`] rows).
//!
//! They are capped like the path table (`max_paths` keys, `max_path_bytes` of keys,
//! `path_latency_bytes` of latency values, each table its own) and fill through chunk
//! tables merged in input order (`ChunkTables`), so rows and untracked counts are the
//! same whatever the threads.

use super::{P50, P90, P99, StatsConfig};
use crate::dimension::Dimension;
use crate::escape_bytes;
use crate::summary::{Breakdown, BreakdownLatency, BreakdownRow};
use crate::table::{Hit, Table};
use serde::{Deserialize, Serialize};

/// The maximum as a "percentile": nearest rank of the whole count is the largest value.
const MAX: u32 = 1_000_000;

/// Distinct keys a table is sized for up front; it grows past that on demand.
const PRESIZE: usize = 256;

/// One dimension's table and the requests that had no key for it (an nginx line has no
/// HAProxy server; an upstream logged as `-`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ByTable {
    table: Table,
    no_key: u64,
}

/// The tables of the dimensions asked for, in the order asked.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Breakdowns {
    tables: Vec<ByTable>,
}

/// A table for one chunk's keys: no cap nor memory limit (see `super::chunk_table`).
pub(super) fn chunk_tables(dims: impl Iterator<Item = Dimension>) -> Vec<Table> {
    dims.map(|d| super::chunk_table(d, PRESIZE)).collect()
}

impl Breakdowns {
    /// Capped tables for `dims`, with `cfg`'s path-table limits.
    pub(super) fn capped(dims: &[Dimension], cfg: &StatsConfig) -> Breakdowns {
        let table = |d: &Dimension| {
            let mut t = Table::with_presize(d.clone(), cfg.max_paths, PRESIZE);
            t.set_latency_bytes(Some(cfg.path_latency_bytes));
            t.set_key_bytes(Some(cfg.max_path_bytes));
            ByTable {
                table: t,
                no_key: 0,
            }
        };
        Breakdowns {
            tables: dims.iter().map(table).collect(),
        }
    }

    /// Uncapped tables for a parallel worker's chunks (see `Aggregate::for_chunks`).
    pub(super) fn for_chunks(dims: &[Dimension]) -> Breakdowns {
        Breakdowns {
            tables: chunk_tables(dims.iter().cloned())
                .into_iter()
                .map(|table| ByTable { table, no_key: 0 })
                .collect(),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    pub(super) fn len(&self) -> usize {
        self.tables.len()
    }

    pub(super) fn dimensions(&self) -> impl Iterator<Item = Dimension> + '_ {
        self.tables.iter().map(|t| t.table.dimension().clone())
    }

    /// Counts a request in table `i`: in `key`'s row, or as having no key.
    #[inline]
    pub(super) fn add(&mut self, i: usize, key: Option<&[u8]>, hit: Hit) {
        if let Some(t) = self.tables.get_mut(i) {
            match key {
                Some(k) => t.table.add(k, hit),
                None => t.no_key += 1,
            }
        }
    }

    /// Swaps the tables with `empty`'s (a chunk's, handed over in input order).
    pub(super) fn swap_tables(&mut self, empty: &mut [Table]) {
        for (mine, other) in self.tables.iter_mut().zip(empty.iter_mut()) {
            std::mem::swap(&mut mine.table, other);
        }
    }

    /// Adds a chunk's tables, in input order.
    pub(super) fn merge_tables(&mut self, chunk: &[Table]) {
        for (mine, theirs) in self.tables.iter_mut().zip(chunk) {
            mine.table.merge(theirs);
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
            mine.table.merge(&theirs.table);
            mine.no_key += theirs.no_key;
        }
    }

    /// Every table's `top_n` rows, with shares of `requests`.
    pub(super) fn summarize(&self, top_n: usize, requests: u64) -> Vec<Breakdown> {
        let share = |c: u64| match requests {
            0 => 0.0,
            n => c as f64 / n as f64,
        };
        self.tables
            .iter()
            .map(|t| Breakdown {
                dimension: t.table.dimension().name(),
                rows: t
                    .table
                    .top(top_n)
                    .into_iter()
                    .map(|(k, r)| BreakdownRow {
                        key: escape_bytes(k),
                        requests: r.requests,
                        share: share(r.requests),
                        status_4xx: r.client_errors(),
                        status_5xx: r.server_errors(),
                        bytes_sent: r.bytes_sent,
                        latency: r.latency.quantiles(&[P50, P90, P99, MAX]).map(|q| {
                            BreakdownLatency {
                                p50_us: q[0],
                                p90_us: q[1],
                                p99_us: q[2],
                                max_us: q[3],
                                approximate: r.latency.is_approximate(),
                            }
                        }),
                    })
                    .collect(),
                distinct: t.table.len() as u64,
                cap: t.table.cap() as u64,
                bytes_cap: t.table.key_bytes_cap() as u64,
                cap_reached: t.table.cap_reached(),
                untracked_requests: t.table.untracked(),
                requests_without_key: t.no_key,
            })
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
    /// there is none), as the report's overall latency.
    #[inline]
    pub fn observe_key(
        &mut self,
        i: usize,
        key: Option<&[u8]>,
        status: u16,
        bytes_sent: Option<u64>,
        latency_us: Option<u64>,
    ) {
        let code = usize::from(status).min(999);
        let hit = Hit {
            class: usize::from(super::CLASS_OF.get(code).copied().unwrap_or(5)),
            bytes_sent: bytes_sent.unwrap_or(0),
            latency_us,
        };
        self.by.add(i, key, hit);
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
        b.add(0, Some(b"POST"), hit(500, 10, 30));
        b.add(0, Some(b"GET"), hit(200, 5, 10));
        b.add(0, Some(b"GET"), hit(404, 7, 20));
        b.add(0, None, hit(200, 1, 1));
        b.add(0, Some(b"PUT"), hit(200, 1, 5));
        let s = b.summarize(10, 5);
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
                worker.observe_key(0, Some(k.as_bytes()), 200, Some(1), None);
                direct.observe(&o);
                direct.observe_key(0, Some(k.as_bytes()), 200, Some(1), None);
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
            a.observe_key(0, key, 503, Some(9), Some(i as u64 * 1000));
            a.observe_key(1, Some(b"acme"), 503, None, None);
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
}
