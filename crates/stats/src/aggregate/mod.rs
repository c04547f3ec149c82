//! The aggregate a report is built from: one per worker, merged at the end.

use crate::dimension::Dimension;
use crate::escape_bytes;
pub use crate::haproxy::HaproxyObservation;
use crate::haproxy::{GLOBAL_DENSE_MS, HaproxyStats};
use crate::hist::ExactHistogram;
use crate::persecond::PerSecond;
use crate::summary::*;
use crate::table::{Hit, Row, Table};
use crate::timefmt::{format_offset, format_rfc3339};
use serde::{Serialize, Serializer};
use std::borrow::Cow;

pub(crate) mod attempts;
mod breakdowns;
pub mod canon;
pub mod cells;
mod overview;
mod rows;
pub use rows::{KeyHit, WINDOW as PEAK_WINDOW};
pub mod series;
mod series_by;
mod state;
use breakdowns::Breakdowns;
pub use state::StateError;

/// Percentiles every latency summary reports, in parts per million.
const P50: u32 = 500_000;
const P90: u32 = 900_000;
pub(crate) const P99: u32 = 990_000;
const P999: u32 = 999_000;

/// Limits that keep memory bounded whatever the input size.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize)]
pub struct StatsConfig {
    /// The anomaly detector's parameters; `None`: no anomalies looked for (issue 19).
    /// Read by the summary from the report's own settings, not a stored total's.
    #[serde(default)]
    pub anomalies: Option<crate::anomaly::AnomalyConfig>,
    /// Distinct paths tracked for the top-paths table.
    pub max_paths: usize,
    /// Bytes the tracked paths may take together.
    pub max_path_bytes: usize,
    /// How many top paths the summary lists.
    pub top_n: usize,
    /// Malformed lines kept as samples (all of them go to `--rejects`).
    pub malformed_samples: usize,
    /// The per-source breakdown takes each HAProxy line's syslog host as its source
    /// (one row per load balancer) rather than the file it came from.
    pub source_by_host: bool,
    /// Memory the path table's latency values may take (the paths' p99).
    pub path_latency_bytes: usize,
    /// Counts requests, and nothing else of them: for a run that writes rows (Parquet)
    /// and no report, where the statistics would only cost time.
    pub requests_only: bool,
    /// How the `--by` tables' rows are ranked (`--sort`).
    #[serde(default)]
    pub by_sort: crate::SortKey,
}

impl Default for StatsConfig {
    fn default() -> Self {
        StatsConfig {
            anomalies: None,
            max_paths: crate::table::DEFAULT_CAP,
            max_path_bytes: crate::table::DEFAULT_KEY_BYTES,
            top_n: 10,
            malformed_samples: 5,
            source_by_host: false,
            path_latency_bytes: crate::table::DEFAULT_LATENCY_BYTES,
            requests_only: false,
            by_sort: crate::SortKey::Requests,
        }
    }
}

/// What the aggregate needs of one parsed request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Observation<'a> {
    pub ts_us: i64,
    pub utc_offset_min: i16,
    pub status: u16,
    /// The response body's size (`None` for `-`).
    pub bytes_sent: Option<u64>,
    pub request_time_us: Option<u64>,
    pub upstream_time_us: Option<u64>,
    pub path: Option<&'a [u8]>,
    /// HAProxy's timers and `backend/server`, on HAProxy lines.
    pub haproxy: Option<HaproxyObservation<'a>>,
}

/// Distinct `backend/server` pairs tracked (a configuration has few).
const MAX_SERVERS: usize = 10_000;

/// Distinct paths a chunk's table is sized for up front (a 1 MiB chunk holds a few
/// thousand lines).
const CHUNK_PATHS: usize = 4096;

/// Distinct `backend/server` pairs and syslog hosts a table is sized for up front.
const FEW_KEYS: usize = 256;

/// The capped tables of an aggregate as one chunk filled them, uncapped: handed over
/// after the chunk ([`Aggregate::take_chunk_tables`]) and merged into the source's
/// tables in input order ([`Aggregate::merge_chunk_tables`]), so that a capped table
/// keeps the keys a single reader would keep, whatever the threads.
#[derive(Debug, Clone)]
pub struct ChunkTables {
    paths: Table,
    servers: Table,
    hosts: Table,
    /// The `--by` tables, in the aggregate's order.
    by: Vec<breakdowns::ByTable>,
    /// The contributor cells of `paths`, `servers` and `hosts` (cells.rs).
    cells: cells::TableCells,
}

impl ChunkTables {
    /// Empties the tables, keeping their memory for the next chunk.
    pub fn clear(&mut self) {
        self.paths.clear();
        self.servers.clear();
        self.hosts.clear();
        self.by.iter_mut().for_each(breakdowns::ByTable::clear);
        self.cells.clear();
    }
}

/// A table for one chunk's keys: without a cap (a chunk's lines bound it), so that the
/// table it is merged into in input order applies its cap exactly as a single reader
/// would; nor memory limits (latency values, key bytes), which that table applies as
/// chunks are merged into it.
fn chunk_table(dimension: Dimension, presize: usize) -> Table {
    let mut t = Table::with_presize(dimension, usize::MAX, presize);
    t.set_latency_bytes(None);
    t.set_key_bytes(None);
    t
}

const MAX_OFFSETS: usize = 16;

/// Serializable (see state.rs: [`Aggregate::save`], [`Aggregate::load`]); what is rebuilt
/// rather than stored is skipped.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(try_from = "state::AggregateData")]
pub struct Aggregate {
    cfg: StatsConfig,
    lines_read: u64,
    malformed: u64,
    other: u64,
    /// Requests whose line had fields the layout does not read.
    unread_fields: u64,
    requests: u64,
    /// The sum of the requests' body sizes.
    bytes_sent: u64,
    /// (utc µs, offset) of the earliest and latest request.
    first: Option<(i64, i16)>,
    last: Option<(i64, i16)>,
    offsets: Vec<i16>,
    per_second: PerSecond,
    /// The seconds (first and last) of the interval an `--every` window counts: a line
    /// logged before it counts in its first second, and the QPS figures cover all of it.
    window: Option<(i64, i64)>,
    #[serde(serialize_with = "codes")]
    status: Box<[u64; 1000]>,
    request_time: ExactHistogram,
    upstream_time: ExactHistogram,
    /// Requests by path, with their request time.
    paths: Table,
    no_path: u64,
    samples: Vec<MalformedSample>,
    /// Requests per source (file), keyed by the source's number in the run (in decimal).
    sources: Table,
    /// The source the requests being observed come from, and its row in `sources`.
    source: usize,
    #[serde(skip)]
    source_row: usize,
    /// Made at the first HAProxy line.
    haproxy: Option<Box<HaproxyStats>>,
    /// HAProxy's requests by `backend/server`, with Ta as their latency.
    servers: Table,
    /// With [`StatsConfig::source_by_host`]: the breakdown by syslog host, at most
    /// [`MAX_HOSTS`] (the summary sorts them by name); the lines of later hosts count in
    /// their file's row (and as the table's untracked).
    hosts: Table,
    /// The row of the last host seen: lines of one host come in runs.
    #[serde(skip)]
    last_host: usize,
    /// The `--by` tables (breakdowns.rs); absent from a state that has none.
    #[serde(skip_serializing_if = "Breakdowns::is_empty")]
    by: Breakdowns,
    /// The series over time (series.rs); absent from a state that has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    series: Option<Box<series::Series>>,
    /// nginx upstream attempts (attempts.rs), from the first line with upstream lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    attempts: Option<Box<attempts::Attempts>>,
    /// The contributor cells (cells.rs), with the series; absent from a state when empty.
    #[serde(skip_serializing_if = "cells::Cells::none_or_empty")]
    cells: Option<Box<cells::Cells>>,
    /// Made by [`Aggregate::for_chunks`]: the tables it fills first are a chunk's.
    #[serde(skip)]
    chunked: bool,
}

/// The status counts as a list (serde writes arrays of at most 32).
fn codes<S: Serializer>(status: &[u64; 1000], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(status.iter())
}

/// Syslog hosts given a row of their own; the lines of others count in their file's row.
const MAX_HOSTS: usize = 1024;

/// [`crate::rollup::status_class`] of each code below 1,000 (codes above count as 999 does): a load per
/// request rather than a range test and a division.
const CLASS_OF: [u8; 1000] = {
    let mut t = [5u8; 1000];
    let mut code = 100;
    while code < 600 {
        t[code] = (code / 100 - 1) as u8;
        code += 1;
    }
    t
};

/// Whole milliseconds below this get a dense slot in a source's or host's latency bins.
const SOURCE_DENSE_MS: u32 = 1000;

/// A table of sources or hosts: whole milliseconds below 1 s dense, latency values
/// without a memory limit (there are few rows), at most `cap` keys.
fn row_table(dimension: Dimension, cap: usize) -> Table {
    let mut t = Table::with_presize(dimension, cap, FEW_KEYS).with_dense_ms(SOURCE_DENSE_MS);
    t.set_latency_bytes(None);
    t
}

/// The key of source number `idx` in the sources table.
fn source_key(idx: usize) -> Vec<u8> {
    idx.to_string().into_bytes()
}

impl Aggregate {
    pub fn new(cfg: StatsConfig) -> Self {
        let mut a = Aggregate {
            cfg,
            lines_read: 0,
            malformed: 0,
            other: 0,
            unread_fields: 0,
            requests: 0,
            bytes_sent: 0,
            first: None,
            last: None,
            offsets: Vec::new(),
            per_second: PerSecond::default(),
            window: None,
            status: Box::new([0; 1000]),
            request_time: ExactHistogram::with_dense_ms(GLOBAL_DENSE_MS),
            upstream_time: ExactHistogram::with_dense_ms(GLOBAL_DENSE_MS),
            paths: {
                let mut t = Table::new(Dimension::Path, cfg.max_paths);
                t.set_latency_bytes(Some(cfg.path_latency_bytes));
                t.set_key_bytes(Some(cfg.max_path_bytes));
                t
            },
            no_path: 0,
            samples: Vec::new(),
            sources: row_table(Dimension::Source, usize::MAX),
            source: 0,
            source_row: 0,
            haproxy: None,
            servers: Table::with_presize(Dimension::Server, MAX_SERVERS, FEW_KEYS),
            hosts: row_table(Dimension::Host, MAX_HOSTS),
            last_host: 0,
            by: Breakdowns::default(),
            series: None,
            attempts: None,
            cells: None,
            chunked: false,
        };
        a.set_source(0);
        a
    }

    /// An aggregate for a parallel worker: its capped tables are handed over after every
    /// chunk ([`Aggregate::take_chunk_tables`]) and merged into the source's in input
    /// order ([`Aggregate::merge_chunk_tables`]), so the source's tables fill in the order
    /// a single reader would fill them (the same keys tracked once one is full) and only
    /// one large path table exists.
    pub fn for_chunks(cfg: StatsConfig) -> Self {
        let mut a = Aggregate::new(cfg);
        let t = Aggregate::chunk_tables();
        (a.paths, a.servers, a.hosts) = (t.paths, t.servers, t.hosts);
        a.chunked = true;
        a
    }

    /// The tables filled since the last call (or since creation), leaving `empty` (from
    /// [`Aggregate::chunk_tables`], perhaps handed back and cleared) in their place.
    pub fn take_chunk_tables(&mut self, empty: ChunkTables) -> ChunkTables {
        let mut by = empty.by;
        if by.len() != self.by.len() {
            by = breakdowns::chunk_tables(self.by.dimensions());
        }
        self.by.swap_tables(&mut by);
        let mut cells = empty.cells;
        if let Some(c) = &mut self.cells {
            c.swap_tables(&mut cells);
        }
        ChunkTables {
            cells,
            paths: std::mem::replace(&mut self.paths, empty.paths),
            servers: std::mem::replace(&mut self.servers, empty.servers),
            hosts: std::mem::replace(&mut self.hosts, empty.hosts),
            by,
        }
    }

    /// Tables for one chunk's keys (see [`chunk_table`]).
    pub fn chunk_tables() -> ChunkTables {
        ChunkTables {
            paths: chunk_table(Dimension::Path, CHUNK_PATHS),
            servers: chunk_table(Dimension::Server, FEW_KEYS),
            hosts: chunk_table(Dimension::Host, FEW_KEYS).with_dense_ms(SOURCE_DENSE_MS),
            by: Vec::new(),
            cells: cells::TableCells::for_chunk(),
        }
    }

    /// Adds a chunk's tables (see [`Aggregate::for_chunks`]); a host that finds no room
    /// counts in this aggregate's source.
    pub fn merge_chunk_tables(&mut self, t: &ChunkTables) {
        self.merge_chunk_tables_with(t, None)
    }

    /// [`Aggregate::merge_chunk_tables`], each path's contributor cells kept in the row of
    /// the first path of its endpoint, which `fold` names as the summary's
    /// [`Aggregate::contributions`] will: the contributions are the same, and the cells
    /// take memory per endpoint rather than per path. Every chunk of an aggregate merges
    /// with the same `fold`, or none.
    pub fn merge_chunk_tables_folding(&mut self, t: &ChunkTables, fold: &mut canon::Fold<'_>) {
        self.merge_chunk_tables_with(t, Some(fold))
    }

    fn merge_chunk_tables_with(&mut self, t: &ChunkTables, fold: Option<&mut canon::Fold<'_>>) {
        self.by.merge_tables(&t.by);
        if self.cells.is_some() {
            // The same merges, the cells following their rows.
            return self.merge_chunk_tables_cells(t, fold);
        }
        self.paths.merge(&t.paths);
        self.servers.merge(&t.servers);
        let (hosts, sources, row) = (&mut self.hosts, &mut self.sources, self.source_row);
        hosts.merge_spilling(&t.hosts, |r| sources.merge_row_at(row, r));
    }

    /// The requests observed from now on come from source number `idx` (0 at first).
    pub fn set_source(&mut self, idx: usize) {
        // The sources table has no cap: every source has a row.
        if let Some(row) = self.sources.row_id(&source_key(idx)) {
            self.source_row = row;
        }
        self.source = idx;
    }

    /// Shows the aggregate with `cfg`'s `--top` and `--sort` (what only changes how it is
    /// shown): a total kept over many runs is shown as the run asking for it says.
    pub fn show_as(&mut self, cfg: &StatsConfig) {
        self.cfg.top_n = cfg.top_n;
        self.cfg.by_sort = cfg.by_sort;
    }

    /// Renumbers the sources: source number `i` becomes `to[i]` (a number past `to`'s
    /// end keeps its own), so that aggregates of runs that numbered their sources apart
    /// merge row by row (a cron state keys its rows by label, not by a run's numbers).
    /// Rows mapped to one number are added together; rows keep their first-seen order.
    pub fn renumber_sources(&mut self, to: &[usize]) {
        let map = |idx: usize| to.get(idx).copied().unwrap_or(idx);
        let mut sources = row_table(Dimension::Source, usize::MAX);
        let mut cell_rows = Vec::with_capacity(self.sources.len());
        for (key, row) in self.sources.rows() {
            // Keys are the engine's decimal numbers; any other key stays as it is.
            let key = match std::str::from_utf8(key).ok().and_then(|k| k.parse().ok()) {
                Some(idx) => source_key(map(idx)),
                None => key.to_vec(),
            };
            let id = sources.row_id(&key);
            if let Some(id) = id {
                sources.merge_row_at(id, row);
            }
            cell_rows.push(id);
        }
        self.sources = sources;
        self.renumber_source_cells(&cell_rows);
        let source = map(self.source);
        self.source_row = 0;
        self.set_source(source);
    }

    /// The row of syslog host `host`, made at its first line; `None` once
    /// [`MAX_HOSTS`] hosts have rows.
    #[inline]
    fn host_row(&mut self, host: &[u8]) -> Option<usize> {
        if self.hosts.key_at(self.last_host) == Some(host) {
            return Some(self.last_host);
        }
        let k = self.hosts.row_id(host)?;
        self.last_host = k;
        Some(k)
    }

    /// The rows of syslog hosts ([`StatsConfig::source_by_host`]), sorted by name.
    pub fn host_stats(&self) -> Vec<(String, &Row)> {
        let mut rows: Vec<(String, &Row)> = self
            .hosts
            .rows()
            .map(|(h, s)| (escape_bytes(h), s))
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows
    }

    /// What the requests of source number `idx` gave.
    pub fn source_stats(&self, idx: usize) -> Option<&Row> {
        self.sources.get(&source_key(idx))
    }

    /// The breakdown tables: paths, HAProxy's `backend/server` pairs, sources, and
    /// syslog hosts (each says whether its cap was reached: [`Table::cap_reached`]).
    pub fn tables(&self) -> [&Table; 4] {
        [&self.paths, &self.servers, &self.sources, &self.hosts]
    }

    /// Makes this aggregate the one of an interval of log time, seconds `first..=last`
    /// (before any request is observed): a request from before it (logged late) counts in
    /// its first second, so the QPS figures (peak, mean, percentiles) are all over the
    /// interval's seconds.
    pub fn set_window(&mut self, first: i64, last: i64) {
        self.window = Some((first, last.max(first)));
    }

    /// Counts lines read (parsed or not).
    #[inline]
    pub fn add_lines(&mut self, n: u64) {
        self.lines_read += n;
    }

    /// Announces a request to `path` that [`Aggregate::observe`] will get soon, after
    /// those announced before it, so the path table's memory loads start now.
    #[inline]
    pub fn prepare_path(&mut self, path: &[u8]) {
        self.paths.prepare(path);
    }

    /// The path prepared for the next request, if it lies in `request` (see
    /// [`GroupTable::prepared_key_in`]).
    #[inline]
    pub fn prepared_path_in<'r>(&self, request: &'r [u8]) -> Option<&'r [u8]> {
        self.paths.prepared_key_in(request)
    }

    /// Whether requests are only counted (see [`StatsConfig::requests_only`]).
    #[inline]
    pub fn requests_only(&self) -> bool {
        self.cfg.requests_only
    }

    /// Counts a request without looking at it (see [`StatsConfig::requests_only`]).
    #[inline]
    pub fn count_request(&mut self) {
        self.requests += 1;
    }

    #[inline]
    pub fn observe(&mut self, o: &Observation<'_>) {
        self.requests += 1;
        self.bytes_sent = self.bytes_sent.saturating_add(o.bytes_sent.unwrap_or(0));
        // Ties on the time go to the smaller (first) or larger (last) offset, so that
        // the result does not depend on the order lines arrive in (threads).
        let t = (o.ts_us, o.utc_offset_min);
        match self.first {
            Some(f) if f <= t => {}
            _ => self.first = Some(t),
        }
        match self.last {
            Some(l) if l >= t => {}
            _ => self.last = Some(t),
        }
        if !self.offsets.contains(&o.utc_offset_min) && self.offsets.len() < MAX_OFFSETS {
            self.offsets.push(o.utc_offset_min);
        }
        let mut second = o.ts_us.div_euclid(1_000_000);
        if let Some((lo, hi)) = self.window {
            second = second.clamp(lo, hi);
        }
        self.per_second.add(second, 1);
        let code = (o.status as usize).min(999);
        self.status[code] += 1;
        let hit = Hit {
            class: usize::from(CLASS_OF.get(code).copied().unwrap_or(5)),
            bytes_sent: o.bytes_sent.unwrap_or(0),
            latency_us: o.request_time_us,
        };
        self.observe_series(second, o, hit);
        let host = match &o.haproxy {
            Some(h) if self.cfg.source_by_host && !h.host.is_empty() => {
                let row = self.host_row(h.host);
                if row.is_none() {
                    self.hosts.count_untracked(1);
                }
                row
            }
            _ => None,
        };
        match host {
            Some(k) => self.hosts.add_at(k, hit),
            None => self.sources.add_at(self.source_row, hit),
        }
        // An HAProxy line's request and upstream times are its Ta and Tr (the parsers'
        // rule): counted once, in HAProxy's timers, which the summary adds to the global
        // figures.
        let shared = matches!(&o.haproxy, Some(h)
            if h.timers_us[4] == o.request_time_us && h.timers_us[3] == o.upstream_time_us);
        if !shared {
            if let Some(v) = o.request_time_us {
                self.request_time.record(v);
            }
            if let Some(v) = o.upstream_time_us {
                self.upstream_time.record(v);
            }
        }
        let path = match o.path {
            Some(p) => Some(self.paths.add_id(p, hit)),
            None => {
                self.no_path += 1;
                None
            }
        };
        let mut server = None;
        if let Some(h) = &o.haproxy {
            let ha = self
                .haproxy
                .get_or_insert_with(|| Box::new(HaproxyStats::new()));
            ha.observe(h, shared);
            let hit = Hit {
                latency_us: h.timers_us[4],
                ..hit
            };
            server = Some(self.servers.add_id(ha.server_key(h), hit));
        }
        if let Some(c) = &mut self.cells {
            // The series' latency: the request time, HAProxy's Ta where there is none.
            let ta = || o.haproxy.as_ref().and_then(|h| h.timers_us[4]);
            let one = cells::Slot::request(hit.class == 4, hit.latency_us.or_else(ta));
            c.add(second, path, server, host, self.source_row, one);
        }
    }

    /// Counts a request whose line had fields after the layout's that are not read.
    #[inline]
    pub fn unread_fields_line(&mut self) {
        self.unread_fields += 1;
    }

    /// Counts a line that is a server message, not a request.
    #[inline]
    pub fn other_line(&mut self) {
        self.other += 1;
    }

    /// Counts a malformed line, keeping it as a sample while there is room.
    pub fn malformed(&mut self, source: &str, line_no: u64, line: &[u8]) {
        self.count_malformed();
        self.add_sample(source, line_no, line);
    }

    /// Counts a malformed line without keeping it: a parallel worker's count, whose
    /// samples are kept in input order by [`Aggregate::add_sample`] instead.
    #[inline]
    pub fn count_malformed(&mut self) {
        self.malformed += 1;
    }

    /// Keeps a malformed line as a sample while there is room, without counting it (see
    /// [`Aggregate::count_malformed`]). Called in input order, it keeps the first ones.
    pub fn add_sample(&mut self, source: &str, line_no: u64, line: &[u8]) {
        if self.samples.len() < self.cfg.malformed_samples {
            let cut = &line[..line.len().min(300)];
            self.samples.push(MalformedSample {
                source: source.to_string(),
                line: line_no,
                text: escape_bytes(cut),
            });
        }
    }

    pub fn merge(&mut self, other: &Aggregate) {
        self.lines_read += other.lines_read;
        self.malformed += other.malformed;
        self.other += other.other;
        self.unread_fields += other.unread_fields;
        self.requests += other.requests;
        self.bytes_sent = self.bytes_sent.saturating_add(other.bytes_sent);
        if let Some(f) = other.first
            && self.first.is_none_or(|s| f < s)
        {
            self.first = Some(f);
        }
        if let Some(l) = other.last
            && self.last.is_none_or(|s| l > s)
        {
            self.last = Some(l);
        }
        for &o in &other.offsets {
            if !self.offsets.contains(&o) && self.offsets.len() < MAX_OFFSETS {
                self.offsets.push(o);
            }
        }
        self.per_second.merge(&other.per_second);
        for (a, b) in self.status.iter_mut().zip(other.status.iter()) {
            *a += b;
        }
        self.request_time.merge(&other.request_time);
        self.upstream_time.merge(&other.upstream_time);
        self.no_path += other.no_path;
        if self.cells.is_some() || other.cells.is_some() {
            // The same merges, the cells following their rows.
            self.merge_tables_cells(other);
        } else {
            self.paths.merge(&other.paths);
            self.sources.merge(&other.sources);
            // Hosts past the cap: in the row of their file, as their lines would have
            // counted here.
            let spill_row = self.sources.row_id(&source_key(other.source));
            let (hosts, sources) = (&mut self.hosts, &mut self.sources);
            hosts.merge_spilling(&other.hosts, |r| {
                if let Some(row) = spill_row {
                    sources.merge_row_at(row, r);
                }
            });
            self.servers.merge(&other.servers);
        }
        self.by.merge(&other.by);
        self.merge_series(other);
        attempts::merge(&mut self.attempts, &other.attempts);
        if let Some(theirs) = &other.haproxy {
            self.haproxy
                .get_or_insert_with(|| Box::new(HaproxyStats::new()))
                .merge(theirs);
        }
        // `other`'s lines come after this aggregate's (the engine keeps samples in input
        // order, in the aggregate it merges into).
        self.samples.extend(other.samples.iter().cloned());
        self.samples.truncate(self.cfg.malformed_samples);
    }

    pub fn requests(&self) -> u64 {
        self.requests
    }

    pub fn lines_read(&self) -> u64 {
        self.lines_read
    }

    pub fn malformed_count(&self) -> u64 {
        self.malformed
    }

    /// Renders the aggregate into a [`Summary`]; the caller fills in version, layout and
    /// sources, which the aggregate does not know.
    /// `global` (the request or upstream times of other lines) with HAProxy's timer `i`
    /// (Ta or Tr), which holds those of HAProxy lines.
    fn with_timer<'s>(&'s self, global: &'s ExactHistogram, i: usize) -> Cow<'s, ExactHistogram> {
        match &self.haproxy {
            Some(h) if global.count() == 0 => Cow::Borrowed(&h.timers[i]),
            Some(h) => {
                let mut all = global.clone();
                all.merge(&h.timers[i]);
                Cow::Owned(all)
            }
            None => Cow::Borrowed(global),
        }
    }

    pub fn summarize(&self) -> Summary {
        let share = |c: u64| {
            if self.requests == 0 {
                0.0
            } else {
                c as f64 / self.requests as f64
            }
        };
        let instant = |(us, off): (i64, i16)| Instant {
            utc: format_rfc3339(us, None),
            local: format_rfc3339(us, Some(off)),
            epoch_us: us,
        };
        let time = match (self.first, self.last) {
            (Some(f), Some(l)) => Some(TimeRange {
                first: instant(f),
                last: instant(l),
                offsets: {
                    let mut o = self.offsets.clone();
                    o.sort_unstable();
                    o.into_iter().map(format_offset).collect()
                },
            }),
            _ => None,
        };
        let seconds = match self.window {
            Some((lo, hi)) => self.per_second.summarize_over(lo, hi),
            None => self.per_second.summarize(),
        };
        let qps = seconds.map(|s| Qps {
            mean: self.requests as f64 / s.seconds as f64,
            peak: s.peak,
            peak_second: format_rfc3339(s.peak_second * 1_000_000, None),
            peak_second_epoch: s.peak_second,
            p50: s.quantile(P50),
            p99: s.quantile(P99),
            seconds: s.seconds,
            empty_seconds: s.empty_seconds,
        });
        let run_seconds = qps.as_ref().map(|q| q.seconds);
        let codes = self
            .status
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(code, &count)| StatusCount {
                code: code as u16,
                count,
                share: share(count),
            })
            .collect();
        let mut classes = [0u64; 6];
        for (code, &c) in self.status.iter().enumerate() {
            classes[crate::rollup::status_class(code as u16)] += c;
        }
        let classes = class_counts(&classes, self.requests);
        // A table's busiest keys, with their share of all requests and their p99.
        let top = |t: &Table| -> Vec<PathStat> {
            t.top(self.cfg.top_n)
                .into_iter()
                .map(|(k, e)| PathStat {
                    path: escape_bytes(k),
                    count: e.requests,
                    share: share(e.requests),
                    p99_us: e.latency.quantiles(&[P99]).map(|q| q[0]),
                    approximate: e.latency.is_approximate(),
                    status_4xx: e.client_errors(),
                    status_5xx: e.server_errors(),
                })
                .collect()
        };
        let top_paths = top(&self.paths);
        Summary {
            schema_version: SCHEMA_VERSION,
            axlog_version: String::new(),
            window: None,
            cumulative: None,
            layout: None,
            sources: Vec::new(),
            lines: LineCounts {
                read: self.lines_read,
                parsed: self.requests,
                malformed: self.malformed,
                other: self.other,
                unread_fields: self.unread_fields,
                filtered: 0,
            },
            malformed_samples: self.samples.clone(),
            time,
            requests: self.requests,
            bytes_sent: self.bytes_sent,
            qps,
            status: StatusSummary { codes, classes },
            latency: LatencySummary {
                request_time: latency_stats(&self.with_timer(&self.request_time, 4)),
                upstream_response_time: latency_stats(&self.with_timer(&self.upstream_time, 3)),
            },
            top_paths,
            paths: GroupTableInfo {
                distinct: self.paths.len() as u64,
                cap: self.paths.cap() as u64,
                bytes: self.paths.key_bytes() as u64,
                bytes_cap: self.paths.key_bytes_cap() as u64,
                cap_reached: self.paths.cap_reached(),
                untracked_requests: self.paths.untracked(),
                requests_without_path: self.no_path,
            },
            haproxy: self.haproxy.as_ref().map(|h| {
                let [tr, tw, tc, tresp, ta] = h.timers_all().each_ref().map(|t| latency_stats(t));
                let (termination_states, termination_phases) =
                    h.terminations.summarize(self.requests);
                HaproxySummary {
                    tr,
                    tw,
                    tc,
                    tr_server: tresp,
                    ta,
                    servers: overview::with_nosrv(top(&self.servers), &self.servers, share),
                    distinct_servers: self.servers.len() as u64,
                    termination_states,
                    termination_phases,
                }
            }),
            by: self.by.summarize(&self.cfg, self.requests, run_seconds),
            top_endpoints: None,
            series: self.summarize_series(),
            upstream_attempts: attempts::summarize(&self.attempts, self.cfg.top_n),
            tiers: Vec::new(),
            anomalies: None,
            thresholds: None,
        }
    }
}

fn latency_stats(h: &ExactHistogram) -> Option<LatencyStats> {
    let q = h.quantiles(&[P50, P90, P99, P999])?;
    Some(LatencyStats {
        count: h.count(),
        p50_us: q[0],
        p90_us: q[1],
        p99_us: q[2],
        p999_us: q[3],
        max_us: h.max().unwrap_or(0),
        mean_us: h.mean().unwrap_or(0.0),
        approximate: h.is_approximate(),
        buckets: latency_buckets(h),
    })
}

/// The histogram's cumulative counts at [`LATENCY_BUCKETS_US`]: values are whole µs, so
/// "at or below `le`" is "not at least `le + 1`": exact, as the histogram is. One that
/// rounds (`approximate`: 10 significant bits, down) may count a value just above a bound
/// in its bucket.
pub(crate) fn latency_buckets(h: &ExactHistogram) -> Vec<LatencyBucket> {
    let above: Vec<u64> = LATENCY_BUCKETS_US.iter().map(|le| le + 1).collect();
    let at_least = h.counts_at_least(&above);
    // A lossy set's dropped values are in no bucket: the kept ones are counted.
    let kept = h.kept();
    LATENCY_BUCKETS_US
        .iter()
        .zip(at_least)
        .map(|(&le_us, over)| LatencyBucket {
            le_us,
            count: kept.saturating_sub(over),
        })
        .collect()
}

#[cfg(test)]
mod tests;
