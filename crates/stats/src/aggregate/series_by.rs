//! `--series-by DIM`: the series of each key of a dimension, bucket by bucket, for the
//! busiest keys of the run.
//!
//! The top keys are known only at the end, so every key's buckets are kept until then,
//! for at most `cap` distinct keys. Which keys a capped table keeps must not depend on
//! the order requests arrive in (threads), and these rows are not handed over in input
//! order as the `--by` tables are: so the keys kept are the `cap` keys with the smallest
//! stable hash (FNV-1a, ties by key). A newcomer with a smaller hash than the largest
//! kept one takes its place (whose requests become untracked); one with a larger hash is
//! untracked. Every key seen in any part of the run that is among the `cap` smallest of
//! all of them was never evicted anywhere, so its buckets are whole, and merges in any
//! order keep the same keys. Memory: at most `cap` keys, each with a row for each bucket
//! it has requests in.

use super::series::{add_hit, coarsen_rows, merge_row, values_of};
use crate::dimension::Dimension;
use crate::escape_bytes;
use crate::series_summary::{SeriesByRow, SeriesBySummary};
use crate::table::{Hit, Row};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// `--series-by`'s cap on distinct keys unless set otherwise.
pub const DEFAULT_SERIES_KEYS: usize = 1000;

/// One key's requests and buckets.
#[derive(Debug, Clone, Default)]
struct KeyRows {
    requests: u64,
    rows: FxHashMap<i64, Row>,
}

/// The rows by key (see the module documentation).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(into = "SeriesByData", try_from = "SeriesByData")]
pub(crate) struct SeriesBy {
    dimension: Dimension,
    cap: usize,
    /// The width of the buckets (the series' own).
    width: u32,
    keys: FxHashMap<Box<[u8]>, KeyRows>,
    /// (hash, key) of the keys kept: the largest goes first.
    order: BTreeSet<(u64, Box<[u8]>)>,
    untracked: u64,
    no_key: u64,
}

/// A key as stored: its bytes, requests, and buckets (number, row) ascending.
type StoredKey = (Vec<u8>, u64, Vec<(i64, Row)>);

/// [`SeriesBy`] as stored: keys as bytes, their buckets as (number, row) pairs.
#[derive(Serialize, Deserialize)]
struct SeriesByData {
    dimension: Dimension,
    cap: usize,
    width: u32,
    keys: Vec<StoredKey>,
    untracked: u64,
    no_key: u64,
}

impl From<SeriesBy> for SeriesByData {
    fn from(s: SeriesBy) -> SeriesByData {
        let mut keys: Vec<StoredKey> = s
            .keys
            .into_iter()
            .map(|(k, r)| {
                let mut rows: Vec<(i64, Row)> = r.rows.into_iter().collect();
                rows.sort_unstable_by_key(|r| r.0);
                (k.into_vec(), r.requests, rows)
            })
            .collect();
        keys.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        SeriesByData {
            dimension: s.dimension,
            cap: s.cap,
            width: s.width,
            keys,
            untracked: s.untracked,
            no_key: s.no_key,
        }
    }
}

impl TryFrom<SeriesByData> for SeriesBy {
    type Error = String;

    fn try_from(d: SeriesByData) -> Result<SeriesBy, String> {
        let mut s = SeriesBy::new(d.dimension, d.cap, d.width);
        (s.untracked, s.no_key) = (d.untracked, d.no_key);
        if d.keys.len() > d.cap.max(1) {
            return Err("more series keys than their cap".into());
        }
        for (k, requests, rows) in d.keys {
            let sum: u64 = rows.iter().map(|r| r.1.requests).sum();
            let n = rows.len();
            let rows: FxHashMap<i64, Row> = rows.into_iter().collect();
            if sum != requests || rows.len() != n {
                return Err("a series key's buckets do not add up".into());
            }
            let key: Box<[u8]> = k.into();
            s.order.insert((fnv1a(&key), key.clone()));
            if s.keys.insert(key, KeyRows { requests, rows }).is_some() {
                return Err("a repeated series key".into());
            }
        }
        Ok(s)
    }
}

/// FNV-1a, 64 bits: a hash that is the same on every platform and in every version.
fn fnv1a(key: &[u8]) -> u64 {
    key.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl SeriesBy {
    pub(super) fn new(dimension: Dimension, cap: usize, width: u32) -> SeriesBy {
        SeriesBy {
            dimension,
            cap: cap.max(1),
            width,
            keys: FxHashMap::default(),
            order: BTreeSet::new(),
            untracked: 0,
            no_key: 0,
        }
    }

    pub(super) fn width(&self) -> u32 {
        self.width
    }

    /// Counts a request in bucket `idx` under `key` (or as one without a key).
    pub(super) fn add(&mut self, key: Option<&[u8]>, idx: i64, hit: Hit) {
        let Some(key) = key else {
            self.no_key += 1;
            return;
        };
        if let Some(k) = self.keys.get_mut(key) {
            k.requests += 1;
            add_hit(k.rows.entry(idx).or_default(), hit);
            return;
        }
        let entry = (fnv1a(key), Box::<[u8]>::from(key));
        if self.keys.len() >= self.cap {
            match self.order.last() {
                Some(max) if entry < *max => self.evict_largest(),
                _ => {
                    self.untracked += 1;
                    return;
                }
            }
        }
        let mut rows = KeyRows {
            requests: 1,
            rows: FxHashMap::default(),
        };
        add_hit(rows.rows.entry(idx).or_default(), hit);
        self.keys.insert(entry.1.clone(), rows);
        self.order.insert(entry);
    }

    /// Drops the key with the largest hash: its requests become untracked.
    fn evict_largest(&mut self) {
        if let Some((_, key)) = self.order.pop_last()
            && let Some(k) = self.keys.remove(&key)
        {
            self.untracked += k.requests;
        }
    }

    /// Merges adjacent buckets into width `w` (a multiple of the current one).
    pub(super) fn coarsen_to(&mut self, w: u32) {
        if w <= self.width {
            return;
        }
        let ratio = i64::from(w / self.width);
        for k in self.keys.values_mut() {
            let rows = std::mem::take(&mut k.rows).into_iter().collect();
            k.rows = coarsen_rows(rows, ratio).into_iter().collect();
        }
        self.width = w;
    }

    /// Adds `other`'s keys (at the same width), keeping the `cap` smallest hashes.
    pub(super) fn merge(&mut self, other: &SeriesBy) {
        for (key, theirs) in &other.keys {
            match self.keys.get_mut(key) {
                Some(mine) => {
                    mine.requests += theirs.requests;
                    for (idx, row) in &theirs.rows {
                        merge_row(mine.rows.entry(*idx).or_default(), row);
                    }
                }
                None => {
                    self.keys.insert(key.clone(), theirs.clone());
                    self.order.insert((fnv1a(key), key.clone()));
                }
            }
        }
        while self.keys.len() > self.cap {
            self.evict_largest();
        }
        self.untracked += other.untracked;
        self.no_key += other.no_key;
    }

    /// The `top_n` keys by requests (ties by key), each over the buckets `numbers`.
    pub(super) fn summarize(&self, numbers: &[i64], top_n: usize) -> SeriesBySummary {
        let mut keys: Vec<(&[u8], &KeyRows)> = self.keys.iter().map(|(k, r)| (&k[..], r)).collect();
        keys.sort_unstable_by(|a, b| b.1.requests.cmp(&a.1.requests).then(a.0.cmp(b.0)));
        let rows = keys
            .into_iter()
            .take(top_n)
            .map(|(k, r)| SeriesByRow {
                key: escape_bytes(k),
                requests: r.requests,
                buckets: numbers.iter().map(|i| values_of(r.rows.get(i))).collect(),
            })
            .collect();
        SeriesBySummary {
            dimension: self.dimension.name(),
            bucket_s: self.width,
            rows,
            distinct: self.keys.len() as u64,
            cap: self.cap as u64,
            cap_reached: self.untracked > 0,
            untracked_requests: self.untracked,
            requests_without_key: self.no_key,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit() -> Hit {
        Hit {
            class: 1,
            bytes_sent: 1,
            latency_us: Some(1000),
        }
    }

    /// With a cap of 3, the keys kept are the 3 smallest hashes, whatever the order and
    /// split of the requests; the others' requests are untracked.
    #[test]
    fn cap_keeps_smallest_hashes_in_any_order() {
        let keys: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
        let mut by_hash: Vec<(u64, &String)> =
            keys.iter().map(|k| (fnv1a(k.as_bytes()), k)).collect();
        by_hash.sort();
        let want: Vec<&String> = by_hash.iter().take(3).map(|p| p.1).collect();
        let reqs: Vec<&String> = (0..400).map(|i| &keys[(i * 7) % 40]).collect();
        let run = |order: &[&String], parts: usize| {
            let mut all: Vec<SeriesBy> = (0..parts)
                .map(|_| SeriesBy::new(Dimension::Client, 3, 1))
                .collect();
            for (i, k) in order.iter().enumerate() {
                all[i % parts].add(Some(k.as_bytes()), i as i64 % 5, hit());
            }
            let mut it = all.into_iter();
            let mut first = it.next().unwrap();
            for o in it {
                first.merge(&o);
            }
            first
        };
        let mut rev = reqs.clone();
        rev.reverse();
        for s in [run(&reqs, 1), run(&rev, 1), run(&reqs, 3)] {
            let mut kept: Vec<&[u8]> = s.keys.keys().map(|k| &k[..]).collect();
            kept.sort();
            let mut w: Vec<&[u8]> = want.iter().map(|k| k.as_bytes()).collect();
            w.sort();
            assert_eq!(kept, w);
            // Each key has 10 requests: 37 keys untracked.
            assert_eq!(s.untracked, 370);
            assert!(s.keys.values().all(|k| k.requests == 10));
        }
    }
}
