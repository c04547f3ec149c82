//! What the anomaly detector needs to name a contributor: per key of a few dimensions
//! (endpoint, server, source), per bucket of the anomaly series, the requests, 5xx and
//! request time. Plain data, built by the aggregate and folded by the engine.

use serde::{Deserialize, Serialize};

/// One key's figures in one bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub requests: u64,
    pub status_5xx: u64,
    /// Requests with a request time (HAProxy's Ta where none is logged), and the sum of
    /// those times in µs: the key's share of the time spent.
    pub latency_count: u64,
    pub latency_sum_us: u64,
}

impl Cell {
    pub fn add(&mut self, other: &Cell) {
        self.requests += other.requests;
        self.status_5xx += other.status_5xx;
        self.latency_count += other.latency_count;
        self.latency_sum_us = self.latency_sum_us.saturating_add(other.latency_sum_us);
    }
}

/// One key and its cells, by bucket start (UTC epoch seconds), ascending, one per bucket
/// that had requests of the key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyCells {
    pub key: String,
    pub cells: Vec<(i64, Cell)>,
}

/// One dimension's keys (`endpoint`, `server`, `source`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContribDimension {
    pub name: String,
    pub keys: Vec<KeyCells>,
    /// Requests of keys that found no room (a cap on keys or cells): counted in the
    /// totals, not attributed.
    pub untracked_requests: u64,
}

/// The cells of every contributor dimension, in buckets `width_s` wide on the anomaly
/// series' grid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contributions {
    pub width_s: u32,
    pub dimensions: Vec<ContribDimension>,
}
