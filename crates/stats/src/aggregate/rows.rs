//! What a `--by` row keeps beyond the table's [`Row`](crate::table::Row): its busiest
//! second ([`Peak`], the row's QPS peak) and the latencies other than its request time
//! ([`OTHER_LATENCIES`]: nginx's upstream time, HAProxy's TR, Tw, Tc, Tr), kept by row
//! number beside the table ([`RowMore`]).
//!
//! The peak follows the row's requests in input order as runs of one second: a run ends
//! when a request of another second comes. The busiest run is the peak. A chunk keeps its
//! first and last runs open, so chunks merged in input order join the runs a single
//! reader would see: the same peak for any `-j`. It is exact when the row's requests come
//! in time order; a request older than the one before it marks the peak approximate (a
//! second then split in several runs counts only its largest).

use crate::hist::{Budget, ValueCounts};
use serde::{Deserialize, Serialize};

/// The latencies a row keeps beside its request time, by their JSON names.
pub const OTHER_LATENCIES: [&str; 5] = ["upstream_response_time", "tr", "tw", "tc", "tr_server"];

/// What one request adds to a row beyond the table's [`Hit`](crate::table::Hit).
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyHit {
    /// The request's second (UTC epoch).
    pub second: i64,
    /// Its [`OTHER_LATENCIES`], µs.
    pub other_us: [Option<u64>; 5],
}

/// A run of requests in one second: (second, requests).
type Run = (i64, u64);

/// A row's runs of one second (see the module documentation); all zero when it has none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Peak {
    first: Run,
    last: Run,
    best: Run,
    /// All requests so far are one run (`first` and `last` are the same run).
    one_run: bool,
    /// A request came with an earlier second than the one before it.
    out_of_order: bool,
}

impl Peak {
    /// A request of `second`, after those already counted.
    #[inline]
    pub fn add(&mut self, second: i64) {
        if self.first.1 == 0 {
            *self = Peak {
                first: (second, 1),
                last: (second, 1),
                best: (second, 1),
                one_run: true,
                out_of_order: false,
            };
            return;
        }
        if second == self.last.0 {
            self.last.1 += 1;
            if self.one_run {
                self.first.1 += 1;
            }
        } else {
            self.out_of_order |= second < self.last.0;
            self.last = (second, 1);
            self.one_run = false;
        }
        self.offer(self.last);
    }

    /// The busier run, or of two as busy the earlier second: the same whatever order
    /// the runs are offered in.
    #[inline]
    fn offer(&mut self, run: Run) {
        if run.1 > self.best.1 || (run.1 == self.best.1 && run.0 < self.best.0) {
            self.best = run;
        }
    }

    /// Adds `later`'s runs, which came after these in input order: a run open at the
    /// end of these joins `later`'s first when both are of one second.
    pub fn merge(&mut self, later: &Peak) {
        if later.first.1 == 0 {
            return;
        }
        if self.first.1 == 0 {
            *self = *later;
            return;
        }
        self.out_of_order |= later.out_of_order || later.first.0 < self.last.0;
        if later.first.0 == self.last.0 {
            let joined = (self.last.0, self.last.1 + later.first.1);
            if self.one_run {
                self.first.1 = joined.1;
            }
            self.last = if later.one_run { joined } else { later.last };
            self.one_run &= later.one_run;
            self.offer(joined);
        } else {
            self.last = later.last;
            self.one_run = false;
        }
        self.offer(later.best);
    }

    /// The busiest second and its requests; `None` without requests.
    pub fn busiest(&self) -> Option<(i64, u64)> {
        (self.best.1 > 0).then_some(self.best)
    }

    /// Whether requests came out of time order (the peak is then a lower bound).
    pub fn approximate(&self) -> bool {
        self.out_of_order
    }
}

/// A row's peak and other latencies.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RowMore {
    pub peak: Peak,
    /// Made at the row's first such latency: most layouts log none of them.
    pub other: Option<Box<[ValueCounts; 5]>>,
}

impl RowMore {
    #[inline]
    pub fn add(&mut self, hit: &KeyHit, dense_ms: u32, budget: &mut Budget) {
        self.peak.add(hit.second);
        // By reference and index: most of the five are absent, and a copied array
        // zipped with the sets cost more than the one insert that usually follows.
        for (i, v) in hit.other_us.iter().enumerate() {
            if let Some(v) = *v {
                let other = self.other.get_or_insert_with(Default::default);
                if let Some(h) = other.get_mut(i) {
                    h.insert_within(v, dense_ms, budget);
                }
            }
        }
    }

    /// Adds `later`'s (see [`Peak::merge`]).
    pub fn merge(&mut self, later: &RowMore, dense_ms: u32, budget: &mut Budget) {
        self.peak.merge(&later.peak);
        if let Some(theirs) = &later.other {
            let mine = self.other.get_or_insert_with(Default::default);
            for (h, o) in mine.iter_mut().zip(theirs.iter()) {
                h.merge_within(o, dense_ms, budget);
            }
        }
    }
}

/// The [`RowMore`] of row number `id`, made (with those before it) when new.
#[inline]
pub fn row_more(more: &mut Vec<RowMore>, id: usize) -> &mut RowMore {
    if more.len() <= id {
        more.resize_with(id + 1, RowMore::default);
    }
    &mut more[id]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The busiest second of `seconds` by counting each in full (a reference that is
    /// not run-based); ties to the earlier second.
    fn busiest(seconds: &[i64]) -> Option<(i64, u64)> {
        let mut counts = std::collections::BTreeMap::new();
        for &s in seconds {
            *counts.entry(s).or_insert(0u64) += 1;
        }
        counts
            .into_iter()
            .fold(None, |best: Option<(i64, u64)>, (s, c)| match best {
                Some(b) if b.1 >= c => Some(b),
                _ => Some((s, c)),
            })
    }

    /// Seconds in time order, cut into chunks at every place (and in threes) and
    /// merged in order: the peak is always the counted one, and exact.
    #[test]
    fn chunks_join_runs() {
        let seconds = [5, 5, 6, 6, 6, 7, 7, 7, 8, 9, 9, 9, 9];
        let mut whole = Peak::default();
        seconds.iter().for_each(|&s| whole.add(s));
        assert_eq!(whole.busiest(), busiest(&seconds));
        assert_eq!(whole.busiest(), Some((9, 4)));
        assert!(!whole.approximate());
        for size in 1..=seconds.len() {
            let mut merged = Peak::default();
            for part in seconds.chunks(size) {
                let mut p = Peak::default();
                part.iter().for_each(|&s| p.add(s));
                merged.merge(&p);
            }
            assert_eq!(merged, whole, "chunks of {size}");
        }
        // Ties go to the earlier second.
        let mut p = Peak::default();
        [3, 3, 1, 1].iter().for_each(|&s| p.add(s));
        assert_eq!((p.busiest(), p.approximate()), (Some((1, 2)), true));
    }

    /// Out of order, the peak is the largest run, the same through any chunking.
    #[test]
    fn out_of_order_is_marked_and_stable() {
        let seconds = [4, 4, 2, 4, 4, 4, 2, 2, 2, 2, 2];
        let mut whole = Peak::default();
        seconds.iter().for_each(|&s| whole.add(s));
        // Second 2 has 6 requests in all, but in runs of 1 and 5.
        assert_eq!((whole.busiest(), whole.approximate()), (Some((2, 5)), true));
        for size in 1..=seconds.len() {
            let mut merged = Peak::default();
            for part in seconds.chunks(size) {
                let mut p = Peak::default();
                part.iter().for_each(|&s| p.add(s));
                merged.merge(&p);
            }
            assert_eq!(merged, whole, "chunks of {size}");
        }
    }
}
