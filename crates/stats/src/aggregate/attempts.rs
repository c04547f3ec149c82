//! nginx upstream attempts: the requests whose layout logs `$upstream_addr` lists, with
//! per request the first attempt's time, the last's, their sum and the number of
//! attempts, the requests retried, and per upstream address its attempts, the requests
//! it failed over (an attempt that was not the last), the status of each of its attempts
//! (its place in `$upstream_status`) and its attempt time.
//!
//! The engine splits the lists (crates/engine/src/attempts.rs); this file counts. The
//! per-address tables are capped like the `--by` tables and fill through chunk tables
//! ([`AttemptTables`]) merged in input order, so rows and caps are the same whatever the
//! threads. Two tables: by address (a [`Table`] row per address: attempts as its
//! requests, each attempt's status class, failed-over attempts in its `bytes_sent`,
//! attempt times as its latency) and by address and status (`ADDR STATUS`, counts only).

use super::{P99, StatsConfig};
use crate::dimension::Dimension;
use crate::escape_bytes;
use crate::hist::ExactHistogram;
use crate::summary::LatencyStats;
use crate::table::{Hit, Table};
use serde::{Deserialize, Serialize};

/// Attempt counts kept apart; a request with more counts in the last.
const MAX_COUNTED: usize = 16;

/// Addresses a table is sized for up front (a configuration has few).
const PRESIZE: usize = 64;

/// Whole milliseconds below this get a dense slot in the attempt-time histograms.
const DENSE_MS: u32 = 10_000;

/// One request's upstream list, as the engine split it.
#[derive(Debug, Clone, Copy, Default)]
pub struct UpstreamRequest {
    /// Attempts logged (0: `-`, no upstream was tried).
    pub attempts: usize,
    /// The first and last attempts' times, and the sum of every attempt's.
    pub first_us: Option<u64>,
    pub last_us: Option<u64>,
    pub sum_us: Option<u64>,
}

/// The per-address tables of one chunk (uncapped), or of an aggregate (capped).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttemptTables {
    addrs: Table,
    statuses: Table,
}

impl Default for AttemptTables {
    /// Tables for one chunk's attempts: no cap nor memory limit (see `chunk_table`).
    fn default() -> Self {
        AttemptTables {
            addrs: super::chunk_table(Dimension::Upstream, PRESIZE),
            statuses: super::chunk_table(Dimension::Upstream, PRESIZE),
        }
    }
}

impl AttemptTables {
    /// Capped tables, with `cfg`'s path-table limits; the `ADDR STATUS` table holds four
    /// times as many keys (an address has a few statuses).
    fn capped(cfg: &StatsConfig) -> AttemptTables {
        let table = |times: usize| {
            let cap = cfg.max_paths.saturating_mul(times);
            let mut t = Table::with_presize(Dimension::Upstream, cap, PRESIZE);
            t.set_latency_bytes(Some(cfg.path_latency_bytes));
            t.set_key_bytes(Some(cfg.max_path_bytes.saturating_mul(times)));
            t
        };
        AttemptTables {
            addrs: table(1),
            statuses: table(4),
        }
    }

    /// Counts one attempt at `addr`, whose status token is `status` (`502`, `-`) and
    /// time `time_us`; `failed_over` when another attempt came after it. `key` is a
    /// buffer for the `ADDR STATUS` key.
    #[inline]
    pub fn add(
        &mut self,
        addr: &[u8],
        status: &[u8],
        time_us: Option<u64>,
        failed_over: bool,
        key: &mut Vec<u8>,
    ) {
        let class = status_class(status);
        self.addrs.add(
            addr,
            Hit {
                class,
                bytes_sent: u64::from(failed_over),
                latency_us: time_us,
            },
        );
        key.clear();
        key.extend_from_slice(addr);
        key.push(b' ');
        key.extend_from_slice(status);
        self.statuses.add(
            key,
            Hit {
                class,
                bytes_sent: 0,
                latency_us: None,
            },
        );
    }

    /// Empties the tables, keeping their memory.
    pub fn clear(&mut self) {
        self.addrs.clear();
        self.statuses.clear();
    }

    fn merge(&mut self, other: &AttemptTables) {
        self.addrs.merge(&other.addrs);
        self.statuses.merge(&other.statuses);
    }
}

/// A status token's class for a [`Hit`]: 1xx … 5xx are 0 … 4; anything else (`-`, no
/// status logged for the attempt) is 5, "other".
fn status_class(status: &[u8]) -> usize {
    match status {
        [c @ b'1'..=b'5', b'0'..=b'9', b'0'..=b'9'] => usize::from(c - b'1'),
        _ => 5,
    }
}

/// The upstream attempts of an aggregate's requests.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Attempts {
    /// Requests of a layout with upstream lists, and those with no attempt (`-`).
    requests: u64,
    without_attempt: u64,
    attempts: u64,
    /// Requests by attempt count: index 0 is one attempt; the last, `MAX_COUNTED` or
    /// more.
    counts: Vec<u64>,
    first: ExactHistogram,
    last: ExactHistogram,
    sum: ExactHistogram,
    tables: AttemptTables,
}

impl Attempts {
    fn new(cfg: &StatsConfig) -> Attempts {
        Attempts {
            requests: 0,
            without_attempt: 0,
            attempts: 0,
            counts: vec![0; MAX_COUNTED],
            first: ExactHistogram::with_dense_ms(DENSE_MS),
            last: ExactHistogram::with_dense_ms(DENSE_MS),
            sum: ExactHistogram::with_dense_ms(DENSE_MS),
            tables: AttemptTables::capped(cfg),
        }
    }

    fn merge(&mut self, o: &Attempts) {
        self.requests += o.requests;
        self.without_attempt += o.without_attempt;
        self.attempts += o.attempts;
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        self.first.merge(&o.first);
        self.last.merge(&o.last);
        self.sum.merge(&o.sum);
        self.tables.merge(&o.tables);
    }

    fn summarize(&self, top_n: usize) -> UpstreamAttempts {
        let addrs = &self.tables.addrs;
        let upstreams = addrs
            .top(top_n)
            .into_iter()
            .map(|(addr, row)| {
                let mut statuses: Vec<AttemptStatus> = self
                    .tables
                    .statuses
                    .rows()
                    .filter_map(|(k, r)| {
                        let sp = k.iter().rposition(|&b| b == b' ')?;
                        let (a, status) = (&k[..sp], &k[sp + 1..]);
                        (a == addr).then(|| AttemptStatus {
                            status: escape_bytes(status),
                            attempts: r.requests,
                        })
                    })
                    .collect();
                statuses.sort_by(|a, b| b.attempts.cmp(&a.attempts).then(a.status.cmp(&b.status)));
                UpstreamRow {
                    address: escape_bytes(addr),
                    attempts: row.requests,
                    failed_over: row.bytes_sent,
                    statuses,
                    p99_us: row.latency.quantiles(&[P99]).map(|q| q[0]),
                    approximate: row.latency.is_approximate(),
                }
            })
            .collect();
        let counts = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, &n)| AttemptCount {
                attempts: i as u64 + 1,
                or_more: i + 1 == MAX_COUNTED,
                requests: n,
            })
            .collect();
        UpstreamAttempts {
            requests: self.requests,
            requests_without_attempt: self.without_attempt,
            attempts: self.attempts,
            retried: self.counts.iter().skip(1).sum(),
            attempt_counts: counts,
            first: super::latency_stats(&self.first),
            last: super::latency_stats(&self.last),
            sum: super::latency_stats(&self.sum),
            upstreams,
            distinct_upstreams: addrs.len() as u64,
            cap: addrs.cap() as u64,
            cap_reached: addrs.cap_reached() || self.tables.statuses.cap_reached(),
            untracked_attempts: addrs.untracked(),
        }
    }
}

/// Adds `other`'s attempts to `mine` (an aggregate without any takes the other's).
pub(super) fn merge(mine: &mut Option<Box<Attempts>>, other: &Option<Box<Attempts>>) {
    match (mine.as_mut(), other) {
        (_, None) => {}
        (None, Some(o)) => *mine = Some(o.clone()),
        (Some(m), Some(o)) => m.merge(o),
    }
}

pub(super) fn summarize(a: &Option<Box<Attempts>>, top_n: usize) -> Option<UpstreamAttempts> {
    a.as_ref().map(|a| a.summarize(top_n))
}

impl super::Aggregate {
    fn attempts_mut(&mut self) -> &mut Attempts {
        let cfg = self.cfg;
        self.attempts
            .get_or_insert_with(|| Box::new(Attempts::new(&cfg)))
    }

    /// Counts a request of a layout that logs upstream lists (its per-attempt part goes
    /// to a chunk's [`AttemptTables`]).
    #[inline]
    pub fn observe_upstream(&mut self, u: &UpstreamRequest) {
        let a = self.attempts_mut();
        a.requests += 1;
        if u.attempts == 0 {
            a.without_attempt += 1;
            return;
        }
        a.attempts += u.attempts as u64;
        // A state file read back may hold fewer counts: no panic, the count is lost.
        if let Some(c) = a.counts.get_mut(u.attempts.min(MAX_COUNTED) - 1) {
            *c += 1;
        }
        for (h, v) in [
            (&mut a.first, u.first_us),
            (&mut a.last, u.last_us),
            (&mut a.sum, u.sum_us),
        ] {
            if let Some(v) = v {
                h.record(v);
            }
        }
    }

    /// Adds a chunk's per-address tables, in input order (the capped tables keep the
    /// addresses a single reader would).
    pub fn merge_attempt_tables(&mut self, chunk: &AttemptTables) {
        self.attempts_mut().tables.merge(chunk);
    }
}

/// Upstream attempts, in the summary (JSON `upstream_attempts`): present when a layout
/// logs `$upstream_addr`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpstreamAttempts {
    /// Requests of a layout with upstream lists, and those of them with none (`-`).
    pub requests: u64,
    pub requests_without_attempt: u64,
    /// Attempts in all.
    pub attempts: u64,
    /// Requests with more than one attempt.
    pub retried: u64,
    /// Requests by their number of attempts (`or_more` on the last count kept apart).
    pub attempt_counts: Vec<AttemptCount>,
    /// Per request: the first attempt's time, the last's, and the sum of all.
    pub first: Option<LatencyStats>,
    pub last: Option<LatencyStats>,
    pub sum: Option<LatencyStats>,
    /// The `--top` addresses by attempts, ties by address.
    pub upstreams: Vec<UpstreamRow>,
    pub distinct_upstreams: u64,
    /// The cap on addresses (`--max-paths`), whether it was reached, and the attempts
    /// of later new addresses, which no row counts.
    pub cap: u64,
    pub cap_reached: bool,
    pub untracked_attempts: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AttemptCount {
    pub attempts: u64,
    pub or_more: bool,
    pub requests: u64,
}

/// One upstream address.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpstreamRow {
    pub address: String,
    pub attempts: u64,
    /// Attempts after which another was made: requests it failed over.
    pub failed_over: u64,
    /// Its attempts by their status in `$upstream_status` (`-`: none logged), most
    /// first.
    pub statuses: Vec<AttemptStatus>,
    /// Its attempts' time, nearest-rank p99.
    pub p99_us: Option<u64>,
    pub approximate: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AttemptStatus {
    pub status: String,
    pub attempts: u64,
}
