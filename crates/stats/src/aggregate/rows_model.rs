//! The QPS peak's counts as first written (rows.rs before its counts open to the right
//! were kept apart): one list of open counts in order of second, passed over whole by
//! every request of another second and by every merge. Kept for tests only, as the
//! reference the faster [`Peak`](super::Peak) must match state for state.

use super::{LEFT, ONE, Open, PeakData, RIGHT, Run, far, keep, offer};

/// The first `Peak`: the same fields, its open counts in one `Vec`.
#[derive(Debug, Clone, Default)]
pub(super) struct OldPeak {
    open: Vec<Open>,
    best: Run,
    min: i64,
    max: i64,
    last: u32,
    out_of_order: bool,
}

impl OldPeak {
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
    pub(super) fn add(&mut self, second: i64) {
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

    /// [`OldPeak::add`] of a second other than the last request's.
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
    pub(super) fn merge(&mut self, later: &OldPeak) {
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
    pub(super) fn busiest(&self) -> Option<(i64, u64)> {
        let mut best = self.best;
        self.open.iter().for_each(|o| offer(&mut best, o.run()));
        (best.1 > 0).then_some(best)
    }

    /// Whether a request came [`WINDOW`] or more seconds before one ahead of it (the
    /// peak is then a lower bound).
    pub(super) fn approximate(&self) -> bool {
        self.out_of_order
    }
}

impl OldPeak {
    /// The state as saved (the new `Peak` saves the same list).
    pub(super) fn data(&self) -> PeakData {
        let mut open = self.open.clone();
        let last = open.get(self.last as usize).map(|o| o.second);
        open.sort_by_key(|o| (o.second, o.is(RIGHT)));
        let last = open
            .iter()
            .position(|o| Some(o.second) == last && o.is(RIGHT))
            .unwrap_or(0) as u32;
        PeakData {
            open,
            best: self.best,
            min: self.min,
            max: self.max,
            last,
            out_of_order: self.out_of_order,
        }
    }
}
