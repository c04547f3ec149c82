//! The hourly sink: a run's requests split by the UTC hour of their log time, each hour
//! into statistics of its own, for a cumulative state's hour buckets (state/cumulative.rs:
//! `--cumulative=1h|24h|today` merges whole hours instead of reading old logs again).
//!
//! Each hour is a [`StatsSink`] with reduced tables ([`hour_stats`]: no `--by`, no series,
//! a small path table), made when the first request of that hour arrives, at every level
//! (run, source, worker) alike, so the hours of a run keep input order as the run's own
//! statistics do. A cron run every few minutes meets one or two hours. Lines that do not
//! parse have no time and count in no hour.

use super::stats::{StatsChunk, StatsSink};
use crate::sink::{Begin, ChunkPlace, ChunkSink, Fork, RecordSink, Sink};
use crate::tiers::Tiered;
use axlog_format::{Fields, ParseError, Record};
use axlog_stats::StatsConfig;

/// Microseconds in an hour.
const HOUR_US: i64 = 3_600_000_000;

/// Paths an hour bucket tracks (the run's own table keeps `--max-paths`).
pub const HOUR_MAX_PATHS: usize = 1_000;

/// The settings of an hour's statistics: the run's, with small tables (25 hours are
/// kept in a state, each stored with it).
pub fn hour_stats(run: &StatsConfig) -> StatsConfig {
    StatsConfig {
        max_paths: run.max_paths.min(HOUR_MAX_PATHS),
        max_path_bytes: run.max_path_bytes.min(256 << 10),
        path_latency_bytes: run.path_latency_bytes.min(1 << 20),
        malformed_samples: 0,
        ..*run
    }
}

/// The hour (seconds since the epoch, a multiple of 3600) of a log time in microseconds.
pub fn hour_of(ts_us: i64) -> i64 {
    ts_us.div_euclid(HOUR_US) * 3600
}

/// Splits requests by log hour into statistics of their own.
pub struct HourlySink {
    /// An empty sink of this level: each hour's is made like it.
    base: StatsSink,
    /// The hours met, by start second; few, so a list.
    hours: Vec<(i64, StatsSink)>,
    /// The hour of the last request (where the next one most likely goes).
    last: usize,
    /// Between `begin_chunk` and `end_chunk`: an hour made now starts a chunk too.
    in_chunk: bool,
}

impl HourlySink {
    /// The run's hourly sink, each hour with the run's settings `run` reduced.
    pub fn new(run: &StatsConfig, one_tier: bool) -> HourlySink {
        HourlySink {
            base: StatsSink::new(hour_stats(run)).one_tier(one_tier),
            hours: Vec::new(),
            last: 0,
            in_chunk: false,
        }
    }

    /// The place of `hour`'s sink, made if new.
    fn place(&mut self, hour: i64) -> usize {
        if let Some((h, _)) = self.hours.get(self.last)
            && *h == hour
        {
            return self.last;
        }
        let at = match self.hours.iter().position(|(h, _)| *h == hour) {
            Some(at) => at,
            None => {
                let mut s = self.base.sibling();
                if self.in_chunk {
                    s.begin_chunk();
                }
                self.hours.push((hour, s));
                self.hours.len() - 1
            }
        };
        self.last = at;
        at
    }
}

impl RecordSink for HourlySink {
    fn fields(&self) -> Fields {
        self.base.fields()
    }

    #[inline]
    fn record(&mut self, r: &Record<'_>) {
        let at = self.place(hour_of(r.ts_us));
        if let Some((_, s)) = self.hours.get_mut(at) {
            // An hour's lines are its requests (a line that did not parse has no hour).
            s.aggregate_mut().add_lines(1);
            s.record(r);
        }
    }

    fn malformed(&mut self, _: &str, _: u64, _: &[u8], _: ParseError) {}
}

impl ChunkSink for HourlySink {
    type Chunk = Vec<(i64, StatsChunk)>;

    fn begin(&mut self, b: &Begin<'_>) {
        self.base.begin(b);
        for (_, s) in &mut self.hours {
            s.begin(b);
        }
    }

    fn begin_chunk(&mut self) {
        self.in_chunk = true;
        for (_, s) in &mut self.hours {
            s.begin_chunk();
        }
    }

    fn end_chunk(&mut self) -> Self::Chunk {
        self.in_chunk = false;
        self.hours
            .iter_mut()
            .map(|(h, s)| (*h, s.end_chunk()))
            .collect()
    }

    fn add_chunk(&mut self, chunk: Self::Chunk, at: ChunkPlace<'_>) {
        for (hour, part) in chunk {
            let i = self.place(hour);
            if let Some((_, s)) = self.hours.get_mut(i) {
                s.add_chunk(part, at);
            }
        }
    }
}

impl Sink for HourlySink {
    /// Each hour met, by start second, in time order.
    type Output = Vec<(i64, Tiered)>;

    fn fork(&self, how: Fork<'_>) -> Self {
        HourlySink {
            base: self.base.fork(how),
            hours: Vec::new(),
            last: 0,
            in_chunk: false,
        }
    }

    fn merge(&mut self, other: Self) {
        for (hour, s) in other.hours {
            let i = self.place(hour);
            if let Some((_, mine)) = self.hours.get_mut(i) {
                mine.merge(s);
            }
        }
    }

    fn finish(self) -> Self::Output {
        let mut out: Vec<(i64, Tiered)> = self
            .hours
            .into_iter()
            .map(|(h, s)| (h, s.finish()))
            .collect();
        out.sort_by_key(|(h, _)| *h);
        out
    }
}
