//! The statistics sink: every record into an [`Aggregate`].
//!
//! Paths (and servers, hosts) go to tables of the chunk's (no cap), merged into the
//! source's capped tables in input order ([`ChunkSink::add_chunk`]), whatever the route:
//! the source's tables then fill the same way on every route (the same keys once one is
//! full, the same latency values once its memory is spent), and only one large table of
//! each exists per source. The first
//! malformed lines are kept as samples, with their line numbers, in input order too.
//! The `--by` tables get each asked dimension's key ([`key_of`]) and fill the same way.

use super::keys::Keys;
use crate::attempts::record_attempts;
use crate::dimension::key_fields;
use crate::sink::{Begin, ChunkPlace, ChunkSink, Fork, RecordSink, Sink};
use crate::tiers::{Tier, Tiered};
use axlog_endpoint::Rules;
use axlog_format::fields::Field as F;
use axlog_format::{Fields, ParseError, Record};
use axlog_stats::ChunkTables;
use axlog_stats::aggregate::HaproxyObservation;
use axlog_stats::{Aggregate, AttemptTables, Dimension, Observation, SeriesConfig, StatsConfig};
use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};

/// `line` without the `\r` of a CRLF ending: the text a sample shows.
pub(crate) fn without_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Feeds the statistics aggregate.
pub struct StatsSink {
    agg: Aggregate,
    cfg: StatsConfig,
    /// The per-source breakdown row the requests count in.
    row: usize,
    level: Level,
    /// On a source's sink, while a chunk is parsed by it: its capped path table, whose
    /// place the chunk's table takes.
    held: Option<ChunkTables>,
    /// The first malformed lines of the current chunk: (line number in the chunk, text).
    samples: Vec<(u64, Vec<u8>)>,
    /// Chunk tables handed back after their merge, for the next chunks.
    pool: Arc<Tables>,
    /// The run's sink: the sources' aggregates merged by tier (tiers.rs). A source's
    /// sink: its tier, from its layout (`None` without one, or with `--one-tier`).
    tiered: Tiered,
    tier: Option<Tier>,
    one_tier: bool,
    /// The `--by` dimensions, and what their keys may come from besides the record.
    by: Arc<[Dimension]>,
    keys: Keys,
    /// The series over time and `--series-by`'s dimension (series.rs in the stats crate).
    series: Option<SeriesConfig>,
    series_by: Option<Dimension>,
    /// The current chunk's upstream attempts by address (made at its first line with
    /// an upstream list), and a buffer for their keys.
    attempts: Option<AttemptTables>,
    attempt_key: Vec<u8>,
    /// Where the endpoint rules (`keys`') fold paths when chunks merge, once rules were
    /// given: contributor cells are then kept per endpoint (canon.rs in the stats crate).
    fold_scratch: Option<axlog_endpoint::Scratch>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Level {
    Run,
    Source,
    Worker,
}

/// What a chunk leaves for its source's statistics, in input order.
pub struct StatsChunk {
    tables: ChunkTables,
    samples: Vec<(u64, Vec<u8>)>,
    attempts: Option<AttemptTables>,
}

impl StatsSink {
    /// The run's statistics.
    pub fn new(cfg: StatsConfig) -> StatsSink {
        StatsSink::from_aggregate(Aggregate::new(cfg), cfg)
    }

    /// The run's statistics, into `agg` (made with `cfg`).
    pub fn from_aggregate(agg: Aggregate, cfg: StatsConfig) -> StatsSink {
        StatsSink {
            agg,
            cfg,
            row: 0,
            level: Level::Run,
            held: None,
            samples: Vec::new(),
            pool: Arc::default(),
            tiered: Tiered { tiers: Vec::new() },
            tier: None,
            one_tier: false,
            by: Arc::new([]),
            keys: Keys::default(),
            series: None,
            series_by: None,
            attempts: None,
            attempt_key: Vec::new(),
            fold_scratch: None,
        }
    }

    /// With a series over time (`None`: without), and `--series-by` rows by `by`.
    pub fn with_series(mut self, cfg: Option<SeriesConfig>, by: Option<Dimension>) -> StatsSink {
        if let Some(c) = cfg {
            self.agg.set_series(c, by.clone());
            self.series = cfg;
            self.series_by = by;
        }
        self
    }

    /// With endpoints folded by `rules` (`--endpoint-rule`; the built-in folds alone by
    /// default).
    pub fn with_endpoint_rules(mut self, rules: Arc<Rules>) -> StatsSink {
        self.fold_scratch = Some(rules.scratch());
        self.keys = Keys::with_rules(rules);
        self
    }

    /// With every source's requests in one aggregate whatever its layout's tier
    /// (`--one-tier`).
    pub fn one_tier(mut self, yes: bool) -> StatsSink {
        self.one_tier = yes;
        self
    }

    /// With a `--by` table for each of `dims`, in that order.
    pub fn with_breakdowns(mut self, dims: &[Dimension]) -> StatsSink {
        self.agg.set_breakdowns(dims);
        self.by = dims.into();
        self
    }

    /// Counts `r` in each `--by` table, under its key there.
    #[inline(never)]
    fn record_keys(&mut self, r: &Record<'_>, path: Option<&[u8]>) {
        let latency = r
            .request_time_us
            .or_else(|| r.haproxy.as_ref().and_then(|h| h.ta_us));
        let more = crate::sinks::by_rows::key_hit(r);
        for (i, dim) in self.by.iter().enumerate() {
            let key = self.keys.key(dim, r, path);
            self.agg
                .observe_key(i, key, r.status, r.bytes_sent, latency, &more);
        }
        if let Some(dim) = &self.series_by {
            let key = self.keys.key(dim, r, path);
            self.agg
                .observe_series_key(r.ts_us, key, r.status, r.bytes_sent, latency);
        }
    }

    /// Counts `r`'s upstream attempts (attempts.rs).
    #[inline(never)]
    fn record_attempts(&mut self, r: &Record<'_>) {
        let tables = self.attempts.get_or_insert_with(AttemptTables::default);
        record_attempts(&mut self.agg, tables, r, &mut self.attempt_key);
    }

    /// An empty sink like this one (its level, source row, tier and settings): the
    /// hourly sink (hourly.rs) makes one per log hour with it, at each level.
    pub(crate) fn sibling(&self) -> StatsSink {
        let cfg = self.cfg;
        let mut agg = match self.level {
            Level::Worker => {
                let mut a = Aggregate::for_chunks(cfg);
                a.set_chunk_breakdowns(&self.by);
                a
            }
            Level::Source | Level::Run => {
                let mut a = Aggregate::new(cfg);
                a.set_breakdowns(&self.by);
                a
            }
        };
        agg.set_source(self.row);
        if let Some(c) = self.series {
            agg.set_series(c, self.series_by.clone());
        }
        StatsSink {
            agg,
            cfg,
            row: self.row,
            level: self.level,
            held: None,
            samples: Vec::new(),
            pool: self.pool.clone(),
            tiered: Tiered { tiers: Vec::new() },
            tier: self.tier,
            one_tier: self.one_tier,
            by: self.by.clone(),
            keys: self.keys.fork(None),
            series: self.series,
            series_by: self.series_by.clone(),
            attempts: None,
            attempt_key: Vec::new(),
            fold_scratch: self
                .fold_scratch
                .as_ref()
                .map(|_| self.keys.rules().scratch()),
        }
    }

    /// The aggregate records go to.
    pub fn aggregate_mut(&mut self) -> &mut Aggregate {
        &mut self.agg
    }

    pub fn into_aggregate(self) -> Aggregate {
        self.agg
    }
}

/// The fields of a record [`StatsSink`] reads (in `prepare`, `record` and the
/// [`Record::path`] they call): what a parser feeding statistics alone must fill.
pub fn stats_fields() -> Fields {
    [
        F::TS_US,
        F::UTC_OFFSET_MIN,
        F::STATUS,
        F::BYTES_SENT,
        F::REQUEST_TIME_US,
        F::UPSTREAM_TIME_US,
        // The path: from the request line, or the target logged on its own.
        F::REQUEST,
        F::URI,
        F::ESCAPING,
        F::UNREAD_FIELDS,
        // Whether the line is HAProxy's, and what the HAProxy tables read.
        F::HAPROXY,
        F::HA_TR_US,
        F::HA_TW_US,
        F::HA_TC_US,
        F::HA_TRESP_US,
        F::HA_TA_US,
        F::HA_BACKEND,
        F::HA_SERVER,
        F::HA_BACKEND_SERVER,
        F::HA_SYSLOG_HOST,
        // The default report's termination states.
        F::HA_TERMINATION_STATE,
        // nginx upstream lists, split into attempts.
        F::UPSTREAM_ADDR,
        F::UPSTREAM_STATUS,
        F::UPSTREAM_TIMES_RAW,
    ]
    .into_iter()
    .fold(Fields::NONE, Fields::with)
}

/// Records `r` into `agg` (see [`StatsSink`]); `prepare_record` must have been called for
/// it, `LOOKAHEAD` records before or fewer.
#[inline]
pub(crate) fn record_into(agg: &mut Aggregate, r: &Record<'_>) {
    if agg.requests_only() {
        agg.count_request();
        return;
    }
    let path = path_of(agg, r);
    observe(agg, r, path.as_deref());
}

/// The path `r` is grouped under: escapes undone (`/a\x22b` and `/a"b` are one path).
#[inline(always)]
fn path_of<'r>(agg: &Aggregate, r: &Record<'r>) -> Option<Cow<'r, [u8]>> {
    match agg.prepared_path_in(r.request) {
        // `prepare` found the path already, and it holds no escape.
        Some(p) => Some(Cow::Borrowed(p)),
        None => match r.path() {
            Some(p) if r.escaping.may_hold_escape(p) => Some(r.escaping.decode(p)),
            p => p.map(Cow::Borrowed),
        },
    }
}

/// Records `r`, whose path is `path` ([`path_of`]), into `agg`.
#[inline(always)]
fn observe(agg: &mut Aggregate, r: &Record<'_>, path: Option<&[u8]>) {
    if r.unread_fields {
        agg.unread_fields_line();
    }
    agg.observe(&Observation {
        ts_us: r.ts_us,
        utc_offset_min: r.utc_offset_min,
        status: r.status,
        bytes_sent: r.bytes_sent,
        request_time_us: r.request_time_us,
        upstream_time_us: r.upstream_time_us,
        path,
        haproxy: r.haproxy.as_ref().map(|h| HaproxyObservation {
            timers_us: [h.tr_us, h.tw_us, h.tc_us, h.tresp_us, h.ta_us],
            backend: h.backend,
            server: h.server,
            backend_server: h.backend_server,
            host: h.syslog_host,
            termination: h.termination_state,
        }),
    });
}

/// Starts the path table's loads for `r` (see [`Sink::prepare`]).
#[inline]
pub(crate) fn prepare_record(agg: &mut Aggregate, r: &Record<'_>) {
    if agg.requests_only() {
        return;
    }
    // A path with escapes is grouped by its decoded form, found in `record`.
    if let Some(p) = r.path()
        && !r.escaping.may_hold_escape(p)
    {
        agg.prepare_path(p);
    }
}

impl RecordSink for StatsSink {
    fn fields(&self) -> Fields {
        // Counting requests reads nothing of them.
        match self.cfg.requests_only {
            true => Fields::NONE,
            false => self
                .by
                .iter()
                .chain(&self.series_by)
                .map(key_fields)
                .fold(stats_fields(), Fields::union),
        }
    }

    #[inline]
    fn prepare(&mut self, r: &Record<'_>) {
        prepare_record(&mut self.agg, r);
    }

    #[inline]
    fn record(&mut self, r: &Record<'_>) {
        // Only a layout that logs upstream lists has one (`-` for none).
        if !r.upstream_addr.is_empty() && !self.cfg.requests_only {
            self.record_attempts(r);
        }
        if (self.by.is_empty() && self.series_by.is_none()) || self.cfg.requests_only {
            return record_into(&mut self.agg, r);
        }
        // The path is found once, for the path table and the path and endpoint keys.
        let path = path_of(&self.agg, r);
        observe(&mut self.agg, r, path.as_deref());
        self.record_keys(r, path.as_deref());
    }

    fn malformed(&mut self, _source: &str, line_no: u64, line: &[u8], err: ParseError) {
        if err == ParseError::NotAccess {
            self.agg.other_line();
            return;
        }
        self.agg.count_malformed();
        if self.samples.len() < self.cfg.malformed_samples {
            let text = without_cr(line);
            self.samples
                .push((line_no, text[..text.len().min(300)].to_vec()));
        }
    }
}

impl ChunkSink for StatsSink {
    type Chunk = StatsChunk;

    fn begin(&mut self, b: &Begin<'_>) {
        if !self.one_tier {
            self.tier = b.layout.map(|(f, _)| Tier::of(f));
        }
        // The names `field:NAME` keys are looked up by (a worker is forked after this).
        if !self.by.is_empty() || self.series_by.is_some() {
            self.keys.set_extra_names(b.parser.extra_names());
        }
    }

    fn begin_chunk(&mut self) {
        // A source's sink parsing its own chunks: the chunk's keys go to chunk tables,
        // as a worker's do.
        if self.level != Level::Worker && self.held.is_none() {
            self.held = Some(self.agg.take_chunk_tables(self.pool.take()));
        }
    }

    fn end_chunk(&mut self) -> StatsChunk {
        let back = match self.held.take() {
            Some(own) => own,
            None => self.pool.take(),
        };
        StatsChunk {
            tables: self.agg.take_chunk_tables(back),
            samples: std::mem::take(&mut self.samples),
            attempts: self.attempts.take(),
        }
    }

    fn add_chunk(&mut self, chunk: StatsChunk, at: ChunkPlace<'_>) {
        for (line, text) in &chunk.samples {
            self.agg.add_sample(at.source, at.lines_before + line, text);
        }
        match &mut self.fold_scratch {
            Some(scratch) => {
                let rules = self.keys.rules();
                self.agg
                    .merge_chunk_tables_folding(&chunk.tables, &mut |path, out| {
                        rules.apply_with(path, out, scratch)
                    })
            }
            None => self.agg.merge_chunk_tables(&chunk.tables),
        }
        self.pool.give(chunk.tables);
        if let Some(t) = &chunk.attempts {
            self.agg.merge_attempt_tables(t);
        }
    }
}

impl Sink for StatsSink {
    type Output = Tiered;

    fn fork(&self, how: Fork<'_>) -> Self {
        let cfg = self.cfg;
        let (mut agg, level, row, keys) = match how {
            Fork::Source { id, .. } => {
                let mut agg = Aggregate::new(cfg);
                agg.set_breakdowns(&self.by);
                (agg, Level::Source, id.row, self.keys.fork(Some(&id.label)))
            }
            Fork::Worker => {
                let mut agg = Aggregate::for_chunks(cfg);
                agg.set_chunk_breakdowns(&self.by);
                (agg, Level::Worker, self.row, self.keys.fork(None))
            }
        };
        agg.set_source(row);
        if let Some(c) = self.series {
            agg.set_series(c, self.series_by.clone());
        }
        StatsSink {
            agg,
            cfg,
            row,
            level,
            held: None,
            samples: Vec::new(),
            pool: self.pool.clone(),
            tiered: Tiered { tiers: Vec::new() },
            tier: self.tier,
            one_tier: self.one_tier,
            by: self.by.clone(),
            keys,
            series: self.series,
            series_by: self.series_by.clone(),
            attempts: None,
            attempt_key: Vec::new(),
            fold_scratch: self
                .fold_scratch
                .as_ref()
                .map(|_| self.keys.rules().scratch()),
        }
    }

    fn end_source(&mut self, lines: u64) {
        self.agg.add_lines(lines);
    }

    fn merge(&mut self, other: Self) {
        match self.level {
            Level::Run => self.tiered.add(other.tier, other.agg),
            _ => self.agg.merge(&other.agg),
        }
    }

    fn finish(mut self) -> Tiered {
        if self.tiered.tiers.is_empty() {
            self.tiered.tiers.push((None, self.agg));
        }
        self.tiered.finish()
    }
}

/// Chunk tables handed back after their merge, for the next chunks.
#[derive(Default)]
pub(crate) struct Tables(Mutex<Vec<ChunkTables>>);

impl Tables {
    fn take(&self) -> ChunkTables {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_else(Aggregate::chunk_tables)
    }

    fn give(&self, mut t: ChunkTables) {
        t.clear();
        let mut pool = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // As many as can be in flight at once; more would only hold memory.
        if pool.len() < 16 {
            pool.push(t);
        }
    }
}
