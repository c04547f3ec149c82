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
///
/// The counts open to the right are kept apart, in order of second ([`Ring`]): each lies within
/// [`WINDOW`] seconds of the last request, so a request closes them from the ends (those
/// it is far from are the oldest or the newest), and finds its second's count by a binary
/// search, both without passing over the others. The counts closed to the right but open
/// to the left (near a chunk's first request) wait apart: nothing but an earlier chunk's
/// merge changes them. Saved as one list in order of second ([`PeakData`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "PeakData", into = "PeakData")]
pub struct Peak {
    /// The counts open to the right (perhaps to the left too), one per second, in order.
    right: Ring,
    /// The counts open to the left only, at most one per second, in no order.
    left: Vec<Open>,
    /// The busiest closed count.
    best: Run,
    /// The earliest and latest seconds of the requests.
    min: i64,
    max: i64,
    /// Index in `right` of the last request's count.
    last: u32,
    /// A request came [`WINDOW`] or more seconds before one ahead of it.
    out_of_order: bool,
}

/// [`Peak`] as saved: its open counts in one list, in order of second (the form of the
/// state files written before the counts open to the right were kept apart).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct PeakData {
    open: Vec<Open>,
    best: Run,
    min: i64,
    max: i64,
    /// Index in `open` of the last request's count.
    last: u32,
    out_of_order: bool,
}

impl From<Peak> for PeakData {
    fn from(p: Peak) -> PeakData {
        let last = p.right.get(p.last as usize).map(|o| o.second);
        let mut open: Vec<Open> = p.left.iter().chain(p.right.iter()).copied().collect();
        // A second's count open to the left only was closed before its count open to the
        // right began: it comes first.
        open.sort_by_key(|o| (o.second, o.is(RIGHT)));
        let last = open
            .iter()
            .position(|o| Some(o.second) == last && o.is(RIGHT))
            .unwrap_or(0) as u32;
        PeakData {
            open,
            best: p.best,
            min: p.min,
            max: p.max,
            last,
            out_of_order: p.out_of_order,
        }
    }
}

impl From<PeakData> for Peak {
    fn from(d: PeakData) -> Peak {
        let last = d.open.get(d.last as usize).map(|o| o.second);
        let (mut right, mut left) = (Vec::new(), Vec::new());
        for o in d.open {
            match (o.is(RIGHT), o.is(LEFT)) {
                (true, _) => right.push(o),
                (false, true) => left.push(o),
                // A count closed on both sides is no longer open (a hand-made state).
                (false, false) => {}
            }
        }
        // A state holds any bytes: in order of second, one a second, as `add` expects.
        right.sort_by_key(|o| o.second);
        right.dedup_by_key(|o| o.second);
        let last = last
            .and_then(|s| right.binary_search_by_key(&s, |o| o.second).ok())
            .unwrap_or(0) as u32;
        Peak {
            right: Ring::from(right),
            left,
            best: d.best,
            min: d.min,
            max: d.max,
            last,
            out_of_order: d.out_of_order,
        }
    }
}

/// The counts open to the right, in order of second: a `Vec` read from `head` on. The
/// oldest leave by moving `head` (the room before it is given back once it is half the
/// `Vec`), so that every other access is a slice's, without a `VecDeque`'s wrapping.
#[derive(Debug, Clone, Default)]
struct Ring {
    v: Vec<Open>,
    head: usize,
}

impl PartialEq for Ring {
    fn eq(&self, other: &Ring) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl From<Vec<Open>> for Ring {
    fn from(v: Vec<Open>) -> Ring {
        Ring { v, head: 0 }
    }
}

impl Ring {
    #[inline]
    fn as_slice(&self) -> &[Open] {
        self.v.get(self.head..).unwrap_or_default()
    }

    #[inline]
    fn as_mut_slice(&mut self) -> &mut [Open] {
        self.v.get_mut(self.head..).unwrap_or_default()
    }

    #[inline]
    fn len(&self) -> usize {
        self.v.len() - self.head
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    fn get(&self, i: usize) -> Option<&Open> {
        self.as_slice().get(i)
    }

    #[inline]
    fn get_mut(&mut self, i: usize) -> Option<&mut Open> {
        self.as_mut_slice().get_mut(i)
    }

    #[inline]
    fn front(&self) -> Option<&Open> {
        self.as_slice().first()
    }

    #[inline]
    fn back(&self) -> Option<&Open> {
        self.as_slice().last()
    }

    #[inline]
    fn pop_front(&mut self) {
        if self.head < self.v.len() {
            self.head += 1;
        }
        if self.head == self.v.len() {
            self.clear();
        } else if self.head >= 16 && self.head * 2 >= self.v.len() {
            self.v.drain(..self.head);
            self.head = 0;
        }
    }

    #[inline]
    fn pop_back(&mut self) {
        if !self.is_empty() {
            self.v.pop();
        }
    }

    #[inline]
    fn push_back(&mut self, o: Open) {
        self.v.push(o);
    }

    #[inline]
    fn insert(&mut self, i: usize, o: Open) {
        self.v.insert(self.head + i.min(self.len()), o);
    }

    #[inline]
    fn partition_point(&self, pred: impl FnMut(&Open) -> bool) -> usize {
        self.as_slice().partition_point(pred)
    }

    #[inline]
    fn binary_search_by_key(
        &self,
        second: &i64,
        f: impl FnMut(&Open) -> i64,
    ) -> Result<usize, usize> {
        self.as_slice().binary_search_by_key(second, f)
    }

    fn retain(&mut self, keep: impl FnMut(&Open) -> bool) {
        self.v.drain(..self.head);
        self.head = 0;
        self.v.retain(keep);
    }

    fn iter(&self) -> std::slice::Iter<'_, Open> {
        self.as_slice().iter()
    }

    fn clear(&mut self) {
        self.v.clear();
        self.head = 0;
    }
}

impl std::ops::Index<usize> for Ring {
    type Output = Open;
    fn index(&self, i: usize) -> &Open {
        &self.as_slice()[i]
    }
}

impl std::ops::IndexMut<usize> for Ring {
    fn index_mut(&mut self, i: usize) -> &mut Open {
        &mut self.as_mut_slice()[i]
    }
}

impl Peak {
    fn is_empty(&self) -> bool {
        self.right.is_empty() && self.left.is_empty() && self.best.1 == 0
    }

    /// Whether a request of `second` is far from some request here (see [`far`]).
    #[inline]
    fn breaks(&self, second: i64) -> bool {
        far(self.min, second) && self.min < second || far(self.max, second) && self.max > second
    }

    /// `o`, just closed to the right: kept while open to the left, else a closed count.
    #[inline]
    fn close_right(left: &mut Vec<Open>, best: &mut Run, mut o: Open) {
        // A count spent in a join (see `merge`) counts nowhere.
        if o.word == 0 {
            return;
        }
        o.clear(RIGHT);
        if o.is(LEFT) {
            left.push(o);
        } else {
            offer(best, o.run());
        }
    }

    /// Closes the counts open to the right that a request of `second` is far from: the
    /// oldest and the newest, as they are in order of second.
    #[inline]
    fn close_far_from(&mut self, lo: i64, hi: i64) {
        while let Some(&o) = self.right.front()
            && far(o.second, hi)
            && o.second < hi
        {
            self.right.pop_front();
            Self::close_right(&mut self.left, &mut self.best, o);
        }
        while let Some(&o) = self.right.back()
            && far(o.second, lo)
            && o.second > lo
        {
            self.right.pop_back();
            Self::close_right(&mut self.left, &mut self.best, o);
        }
    }

    /// A request of `second`, after those already counted.
    #[inline]
    pub fn add(&mut self, second: i64) {
        if let Some(o) = self.right.get_mut(self.last as usize)
            && o.second == second
        {
            o.word += ONE;
            return;
        }
        if self.is_empty() {
            self.right.push_back(Open::new(second, 1, LEFT | RIGHT));
            (self.min, self.max, self.last) = (second, second, 0);
            return;
        }
        self.add_slow(second);
    }

    /// [`Peak::add`] of a second other than the last request's.
    fn add_slow(&mut self, second: i64) {
        self.out_of_order |= far(self.max, second) && second < self.max;
        let left = if self.breaks(second) { 0 } else { LEFT };
        self.close_far_from(second, second);
        // The place of `second`: among the newest few counts when the requests come
        // nearly in time order (they usually do), found by a binary search otherwise.
        let mut at = self.right.len();
        for _ in 0..4 {
            match at.checked_sub(1).and_then(|i| self.right.get(i)) {
                Some(o) if o.second >= second => at -= 1,
                _ => break,
            }
        }
        if at
            .checked_sub(1)
            .and_then(|i| self.right.get(i))
            .is_some_and(|o| o.second >= second)
        {
            at = self.right.partition_point(|o| o.second < second);
        }
        match self.right.get_mut(at) {
            Some(o) if o.second == second => o.word += ONE,
            // At the end when the requests come in time order.
            _ => self.right.insert(at, Open::new(second, 1, RIGHT | left)),
        }
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
        offer(&mut self.best, later.best);
        // `later`'s counts open to the left only: each joins ours open to the right of its
        // second (which then closes to the right, as `later`'s did), or stays open to the
        // left unless a request here is far from it. A joined count of ours is marked
        // spent (no requests, no flags) and leaves below.
        let mut spent = false;
        for t in &later.left {
            match self.right.binary_search_by_key(&t.second, |o| o.second) {
                Ok(k) => {
                    let o = self.right[k];
                    self.right[k].word = 0;
                    spent = true;
                    let joined = Open::new(t.second, o.requests() + t.requests(), o.word & LEFT);
                    keep(&mut self.left, &mut self.best, joined);
                }
                Err(_) if self.breaks(t.second) => offer(&mut self.best, t.run()),
                Err(_) => self.left.push(*t),
            }
        }
        // Ours open to the right that `later`'s requests are far from close (none of them
        // joins a count of `later`'s open on both sides: its requests are all near it).
        self.close_far_from(later.min, later.max);
        if spent {
            self.right.retain(|o| o.word != 0);
        }
        // `later`'s counts open to the right: each joins ours of its second when open to
        // the left, else takes its place in order, closed to the left when a request
        // here is far from it.
        for t in later.right.iter() {
            let at = self.right.partition_point(|o| o.second < t.second);
            match self.right.get_mut(at) {
                Some(o) if o.second == t.second && t.is(LEFT) => {
                    let flags = (o.word & LEFT) | RIGHT;
                    *o = Open::new(t.second, o.requests() + t.requests(), flags);
                }
                _ => {
                    let mut t = *t;
                    if self.breaks(t.second) {
                        t.clear(LEFT);
                    }
                    self.right.insert(at, t);
                }
            }
        }
        let last = later.right.get(later.last as usize).map(|o| o.second);
        self.last = last
            .and_then(|s| self.right.binary_search_by_key(&s, |o| o.second).ok())
            .unwrap_or(0) as u32;
        self.min = self.min.min(later.min);
        self.max = self.max.max(later.max);
    }

    /// The busiest second and its requests; `None` without requests.
    pub fn busiest(&self) -> Option<(i64, u64)> {
        let mut best = self.best;
        self.right
            .iter()
            .chain(&self.left)
            .for_each(|o| offer(&mut best, o.run()));
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

    /// Empties the row, keeping its memory (a chunk table's row number is reused by the
    /// next chunk): as [`RowMore::default`] but for the memory, and for other latencies
    /// kept empty, which [`RowMore::merge`] skips as it skips none.
    pub fn clear(&mut self) {
        let p = &mut self.peak;
        p.right.clear();
        p.left.clear();
        (p.best, p.min, p.max, p.last, p.out_of_order) = ((0, 0), 0, 0, 0, false);
        if let Some(other) = &mut self.other {
            other.iter_mut().for_each(|v| *v = ValueCounts::default());
        }
    }

    /// Adds `later`'s (see [`Peak::merge`]).
    pub fn merge(&mut self, later: &RowMore, dense_ms: u32, budget: &mut Budget) {
        self.peak.merge(&later.peak);
        let others = later.other.as_deref();
        if let Some(theirs) = others.filter(|o| o.iter().any(|v| !v.is_empty())) {
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
#[path = "rows_model.rs"]
mod model;

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

    /// `p` with its open counts in one list in order (as saved): chunked and whole may
    /// keep them differently.
    fn norm(p: &Peak) -> PeakData {
        PeakData::from(p.clone())
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

    /// Long pseudo-random rows out of order by up to three windows, cut into three
    /// chunks at random places: every state, whole and merged, is the first design's
    /// (`model::OldPeak`, one list passed over whole), the peak is a per-second count's
    /// while the disorder stays within the window, and a saved state reads back the same.
    #[test]
    fn state_for_state_as_the_first_design() {
        use std::collections::HashMap;
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let old = |seconds: &[i64]| {
            let mut p = model::OldPeak::default();
            seconds.iter().for_each(|&s| p.add(s));
            p
        };
        for round in 0..2000 {
            let w = WINDOW as u64;
            let spread = [0, 3, 20, w - 1, w, w + 1, 3 * w][round % 7];
            let len = 1 + next(300) as usize;
            let mut t = -500 + next(1000) as i64;
            let seconds: Vec<i64> = (0..len)
                .map(|_| {
                    t += next(4) as i64 * (next(3) as i64);
                    t - next(spread + 1) as i64
                })
                .collect();
            let new = whole(&seconds);
            assert_eq!(norm(&new), old(&seconds).data(), "{seconds:?}");
            let mut counts: HashMap<i64, u64> = HashMap::new();
            seconds
                .iter()
                .for_each(|&s| *counts.entry(s).or_default() += 1);
            let top = counts
                .iter()
                .map(|(&s, &c)| (s, c))
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
            let exact = disorder(&seconds) < WINDOW;
            assert_eq!(new.approximate(), !exact, "{seconds:?}");
            if exact {
                assert_eq!(new.busiest(), top, "{seconds:?}");
            }
            let i = next(len as u64 + 1) as usize;
            let j = i + next((len - i) as u64 + 1) as usize;
            let (mut merged, mut merged_old) = (Peak::default(), model::OldPeak::default());
            for part in [&seconds[..i], &seconds[i..j], &seconds[j..]] {
                merged.merge(&whole(part));
                merged_old.merge(&old(part));
                assert_eq!(
                    norm(&merged),
                    merged_old.data(),
                    "cut at {i}, {j}: {seconds:?}"
                );
            }
            assert_eq!(norm(&merged), norm(&new), "cut at {i}, {j}: {seconds:?}");
            assert_eq!(merged.busiest(), merged_old.busiest());
            assert_eq!(merged.approximate(), merged_old.approximate());
            // Saved and read back, then added to: as if never saved.
            let json = serde_json::to_string(&merged).unwrap();
            let mut back: Peak = serde_json::from_str(&json).unwrap();
            assert_eq!(norm(&back), norm(&merged));
            back.add(seconds[len / 2]);
            merged.add(seconds[len / 2]);
            assert_eq!(norm(&back), norm(&merged));
        }
    }
}
