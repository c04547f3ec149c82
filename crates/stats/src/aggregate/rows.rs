//! What a `--by` row keeps beyond the table's [`Row`](crate::table::Row): its busiest
//! second ([`Peak`], the row's QPS peak) and the latencies other than its request time
//! ([`OTHER_LATENCIES`]: nginx's upstream time, HAProxy's TR, Tw, Tc, Tr), kept by row
//! number beside the table ([`RowMore`]).
//!
//! The peak counts each second's requests in a row while they come near each other:
//! a count stays open while every request of the row after it is less than [`WINDOW`]
//! seconds from its second, either way; a request that far closes it, and a later one of
//! its second starts another count. The busiest count is the peak (ties to the earlier
//! second). When no request comes [`WINDOW`] or more seconds before one ahead of it, each
//! second is one count and the peak is exact; otherwise it is marked approximate (a
//! second then split in several counts counts only its largest: a lower bound). Open
//! counts lie within [`WINDOW`] seconds of the last request (open to the right) or of
//! the first (open to the left: the requests before, in an earlier chunk, may join
//! them), so a row keeps few. Chunks merged in input order join them by second and give
//! the counts one reader would: the same peak for any `-j`.

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

/// How near two seconds must be for neither to close the other's open count: a request
/// `WINDOW` or more seconds from an open second (older or newer) closes it. Generated
/// and real logs are out of order by a few seconds (a line is written when its request
/// ends); 16 covers nearly all of their lines.
pub const WINDOW: i64 = 128;

/// A run of requests in one second: (second, requests).
type Run = (i64, u64);

/// Open towards the requests before (another chunk's may join it).
const LEFT: u64 = 1;
/// Open towards the requests after (later ones of its second join it).
const RIGHT: u64 = 2;
/// One request in [`Open::word`], above the flags.
const ONE: u64 = 8;

/// An open count of one second: the second, and its requests in units of [`ONE`] above
/// the [`LEFT`] and [`RIGHT`] flags.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct Open {
    second: i64,
    word: u64,
}

impl Open {
    fn new(second: i64, requests: u64, flags: u64) -> Open {
        Open {
            second,
            word: (requests * ONE) | flags,
        }
    }

    fn requests(&self) -> u64 {
        self.word / ONE
    }

    fn is(&self, flag: u64) -> bool {
        self.word & flag != 0
    }

    fn clear(&mut self, flag: u64) {
        self.word &= !flag;
    }

    fn run(&self) -> Run {
        (self.second, self.requests())
    }
}

/// Whether a request of `second` closes an open count of `open`: at least [`WINDOW`]
/// seconds away, either way.
#[inline]
fn far(open: i64, second: i64) -> bool {
    open.abs_diff(second) >= WINDOW as u64
}

/// A row's counts of one second (see the module documentation); empty without requests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Peak {
    /// The counts still open on either side, in order of second: at most one open to
    /// the right per second (those near the last request), and one open to the left
    /// (near the first request).
    open: Vec<Open>,
    /// The busiest closed count.
    best: Run,
    /// The earliest and latest seconds of the requests.
    min: i64,
    max: i64,
    /// Index in `open` of the last request's count.
    last: u32,
    /// A request came [`WINDOW`] or more seconds before one ahead of it.
    out_of_order: bool,
}

impl Peak {
    fn is_empty(&self) -> bool {
        self.open.is_empty() && self.best.1 == 0
    }

    /// Whether a request of `second` is far from some request here (see [`far`]).
    #[inline]
    fn breaks(&self, second: i64) -> bool {
        far(self.min, second) && self.min < second || far(self.max, second) && self.max > second
    }

    /// A request of `second`, after those already counted.
    #[inline]
    pub fn add(&mut self, second: i64) {
        if let Some(o) = self.open.get_mut(self.last as usize)
            && o.second == second
            && o.is(RIGHT)
        {
            o.word += ONE;
            return;
        }
        if self.is_empty() {
            self.open.push(Open::new(second, 1, LEFT | RIGHT));
            (self.min, self.max, self.last) = (second, second, 0);
            return;
        }
        self.add_slow(second);
    }

    /// [`Peak::add`] of a second other than the last request's.
    fn add_slow(&mut self, second: i64) {
        self.out_of_order |= far(self.max, second) && second < self.max;
        let left = if self.breaks(second) { 0 } else { LEFT };
        // One pass: the count of `second` open to the right takes the request, those
        // `second` is far from close, and those closed on both sides leave.
        let mut at = None;
        let mut kept = 0;
        for i in 0..self.open.len() {
            let mut o = self.open[i];
            if o.is(RIGHT) {
                if o.second == second {
                    o.word += ONE;
                    at = Some(kept);
                } else if far(o.second, second) {
                    o.clear(RIGHT);
                }
            }
            if o.is(LEFT | RIGHT) {
                self.open[kept] = o;
                kept += 1;
            } else {
                offer(&mut self.best, o.run());
            }
        }
        self.open.truncate(kept);
        let at = at.unwrap_or_else(|| {
            // In order of second: at the end when the requests come in time order.
            let at = self.open.partition_point(|o| o.second <= second);
            self.open.insert(at, Open::new(second, 1, RIGHT | left));
            at
        });
        self.last = at as u32;
        self.min = self.min.min(second);
        self.max = self.max.max(second);
    }

    /// Adds `later`'s counts, which came after these in input order: a count open to the
    /// right here joins `later`'s of its second open to the left; each side closes the
    /// other's open counts its requests are far from.
    pub fn merge(&mut self, later: &Peak) {
        if later.is_empty() {
            return;
        }
        if self.is_empty() {
            self.clone_from(later);
            return;
        }
        self.out_of_order |= later.out_of_order || far(self.max, later.min) && later.min < self.max;
        let mut best = self.best;
        offer(&mut best, later.best);
        let mine = std::mem::take(&mut self.open);
        let theirs = &later.open;
        let mut open = Vec::with_capacity(mine.len() + theirs.len());
        // Both in order of second: each second's counts (at most two a side) together.
        let (mut i, mut j) = (0, 0);
        loop {
            let second = match (mine.get(i), theirs.get(j)) {
                (Some(a), Some(b)) => a.second.min(b.second),
                (Some(a), None) => a.second,
                (None, Some(b)) => b.second,
                (None, None) => break,
            };
            let (i0, j0) = (i, j);
            while mine.get(i).is_some_and(|o| o.second == second) {
                i += 1;
            }
            while theirs.get(j).is_some_and(|o| o.second == second) {
                j += 1;
            }
            let (ours, later_ones) = (&mine[i0..i], &theirs[j0..j]);
            let left = later_ones.iter().position(|t| t.is(LEFT));
            let mut joined = None;
            for o in ours {
                let mut o = *o;
                if o.is(RIGHT) {
                    if let Some((k, t)) = left.and_then(|k| Some((k, later_ones.get(k)?))) {
                        joined = Some(k);
                        let flags = (o.word & LEFT) | (t.word & RIGHT);
                        o = Open::new(second, o.requests() + t.requests(), flags);
                    } else if later.breaks(second) {
                        o.clear(RIGHT);
                    }
                }
                keep(&mut open, &mut best, o);
            }
            for (k, t) in later_ones.iter().enumerate() {
                if Some(k) == joined {
                    continue;
                }
                let mut t = *t;
                if t.is(LEFT) && self.breaks(second) {
                    t.clear(LEFT);
                }
                keep(&mut open, &mut best, t);
            }
        }
        let last = later.open.get(later.last as usize).map(|o| o.second);
        self.last = open
            .iter()
            .position(|o| Some(o.second) == last && o.is(RIGHT))
            .unwrap_or(0) as u32;
        self.open = open;
        self.best = best;
        self.min = self.min.min(later.min);
        self.max = self.max.max(later.max);
    }

    /// The busiest second and its requests; `None` without requests.
    pub fn busiest(&self) -> Option<(i64, u64)> {
        let mut best = self.best;
        self.open.iter().for_each(|o| offer(&mut best, o.run()));
        (best.1 > 0).then_some(best)
    }

    /// Whether a request came [`WINDOW`] or more seconds before one ahead of it (the
    /// peak is then a lower bound).
    pub fn approximate(&self) -> bool {
        self.out_of_order
    }
}

/// The busier run, or of two as busy the earlier second: the same whatever order the
/// runs are offered in.
#[inline]
fn offer(best: &mut Run, run: Run) {
    if run.1 > best.1 || (run.1 == best.1 && run.0 < best.0) {
        *best = run;
    }
}

/// `o` kept in `open` while open on a side, else offered to `best`.
#[inline]
fn keep(open: &mut Vec<Open>, best: &mut Run, o: Open) {
    if o.is(LEFT | RIGHT) {
        open.push(o);
    } else {
        offer(best, o.run());
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

    /// `p` with its open counts in order: chunked and whole may list them differently.
    fn norm(p: &Peak) -> Peak {
        let mut p = p.clone();
        let last = p.open.get(p.last as usize).map(|o| o.second);
        p.open.sort_by_key(|o| (o.second, o.word & 3));
        p.last = last.map_or(0, |s| {
            p.open
                .iter()
                .position(|o| o.second == s && o.is(RIGHT))
                .unwrap() as u32
        });
        p
    }

    fn whole(seconds: &[i64]) -> Peak {
        let mut p = Peak::default();
        seconds.iter().for_each(|&s| p.add(s));
        p
    }

    /// `seconds` cut at every pair of places (three chunks, some empty), each chunk
    /// counted on its own and merged in order: always the whole's state.
    fn assert_chunks_agree(seconds: &[i64]) -> Peak {
        let whole = whole(seconds);
        for i in 0..=seconds.len() {
            for j in i..=seconds.len() {
                let mut merged = Peak::default();
                for part in [&seconds[..i], &seconds[i..j], &seconds[j..]] {
                    merged.merge(&self::whole(part));
                }
                assert_eq!(
                    norm(&merged),
                    norm(&whole),
                    "cut at {i} and {j}: {seconds:?}"
                );
                // Merged, then added to: as the whole.
                let mut more = merged.clone();
                more.add(seconds[0]);
                let mut w = whole.clone();
                w.add(seconds[0]);
                assert_eq!(norm(&more), norm(&w), "cut at {i} and {j}, then added to");
            }
        }
        whole
    }

    /// The largest disorder: how far a second comes before one ahead of it.
    fn disorder(seconds: &[i64]) -> i64 {
        let mut max = i64::MIN;
        let mut d = 0;
        for &s in seconds {
            d = d.max(max.saturating_sub(s));
            max = max.max(s);
        }
        d
    }

    /// Seconds in time order, cut into chunks at every place (and in threes) and
    /// merged in order: the peak is always the counted one, and exact.
    #[test]
    fn chunks_join_runs() {
        let seconds = [5, 5, 6, 6, 6, 7, 7, 7, 8, 9, 9, 9, 9];
        let whole = assert_chunks_agree(&seconds);
        assert_eq!(whole.busiest(), busiest(&seconds));
        assert_eq!(whole.busiest(), Some((9, 4)));
        assert!(!whole.approximate());
        // Ties go to the earlier second.
        let p = self::whole(&[3, 3, 1, 1]);
        assert_eq!((p.busiest(), p.approximate()), (Some((1, 2)), false));
    }

    /// Out of order by less than the window (lines written as their requests end): each
    /// second counted in full, not approximate, through any chunking.
    #[test]
    fn out_of_order_within_the_window_is_exact() {
        let seconds = [
            4, 4, 2, 4, 4, 4, 2, 2, 2, 2, 2, 7, 3, 5, 6, 7, 6, 1, 8, 9, 7, 7, 12, 10, 8, 12, 7,
        ];
        assert!(disorder(&seconds) < WINDOW);
        let whole = assert_chunks_agree(&seconds);
        assert_eq!(whole.busiest(), busiest(&seconds));
        assert_eq!(whole.busiest(), Some((2, 6)));
        assert!(!whole.approximate());
        // A row with requests far apart in time, in order: exact too.
        let apart = [100, 100, 99 + WINDOW, 300, 300, 300, 500];
        let whole = assert_chunks_agree(&apart);
        assert_eq!(
            (whole.busiest(), whole.approximate()),
            (Some((300, 3)), false)
        );
    }

    /// A request a window or more before one ahead of it marks the peak approximate: a
    /// second then split counts only its largest part, the same through any chunking.
    #[test]
    fn out_of_order_beyond_the_window_is_marked_and_stable() {
        let late = 50 - WINDOW;
        let seconds = [50, 50, late, 50, 50, 50, late, late, 51, late];
        let whole = assert_chunks_agree(&seconds);
        // Second 50 has 5 requests in all, in counts of 2 and 3; `late` has 4, in 1 and 3.
        assert_eq!(
            (whole.busiest(), whole.approximate()),
            (Some((50, 3)), true)
        );
    }

    /// Pseudo-random rows out of order by up to twice the window: any cut agrees with
    /// the whole; within the window the peak is the counted one, else a lower bound.
    #[test]
    fn random_rows_agree_and_are_exact_within_the_window() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for round in 0..300 {
            let spread = [1, 4, WINDOW as u64 - 1, WINDOW as u64, 2 * WINDOW as u64][round % 5];
            let len = 1 + next(24) as usize;
            let mut t = 1_000;
            let seconds: Vec<i64> = (0..len)
                .map(|_| {
                    t += next(3) as i64;
                    t - next(spread + 1) as i64
                })
                .collect();
            let whole = assert_chunks_agree(&seconds);
            let want = busiest(&seconds);
            let got = whole.busiest();
            assert_eq!(
                whole.approximate(),
                disorder(&seconds) >= WINDOW,
                "{seconds:?}"
            );
            if whole.approximate() {
                assert!(got.map(|g| g.1) <= want.map(|w| w.1), "{seconds:?}");
            } else {
                assert_eq!(got, want, "{seconds:?}");
            }
        }
    }
}
