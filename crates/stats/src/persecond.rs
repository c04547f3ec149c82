//! Requests per second, counted in each request's true second whatever the input order.
//!
//! Counts live in pages of [`PAGE_SECS`] consecutive seconds, allocated when a second in
//! them first occurs: memory follows the time span covered (16 KiB per 68 minutes), not the
//! number of lines, and out-of-order lines (nginx logs at request end, so lines run up to
//! minutes back) land in their own second.

use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

pub const PAGE_SECS: i64 = 4096;

#[derive(Debug, Clone, Default)]
pub struct PerSecond {
    index: FxHashMap<i64, usize>,
    pages: Vec<(i64, Box<[u32]>)>,
    /// The page the previous line hit: consecutive lines almost always share it.
    last: Option<(i64, usize)>,
}

/// Per-second counts over the whole covered range `[first, last]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SecondsSummary {
    pub first: i64,
    pub last: i64,
    /// Seconds in `[first, last]`.
    pub seconds: u64,
    /// Seconds in `[first, last]` with no request.
    pub empty_seconds: u64,
    pub peak: u32,
    /// The earliest second with `peak` requests.
    pub peak_second: i64,
    /// For each per-second count value, how many seconds had it (zero seconds included).
    pub count_histogram: BTreeMap<u32, u64>,
}

impl PerSecond {
    #[inline]
    pub fn add(&mut self, second: i64, n: u32) {
        let page = second.div_euclid(PAGE_SECS);
        let slot = second.rem_euclid(PAGE_SECS) as usize;
        let idx = match self.last {
            Some((p, i)) if p == page => i,
            _ => {
                let i = self.page_index(page);
                self.last = Some((page, i));
                i
            }
        };
        let c = &mut self.pages[idx].1[slot];
        *c = c.saturating_add(n);
    }

    fn page_index(&mut self, page: i64) -> usize {
        if let Some(&i) = self.index.get(&page) {
            return i;
        }
        let i = self.pages.len();
        self.pages
            .push((page, vec![0u32; PAGE_SECS as usize].into_boxed_slice()));
        self.index.insert(page, i);
        i
    }

    pub fn merge(&mut self, other: &PerSecond) {
        for (page, counts) in &other.pages {
            let i = self.page_index(*page);
            for (a, b) in self.pages[i].1.iter_mut().zip(counts.iter()) {
                *a = a.saturating_add(*b);
            }
        }
    }

    /// Seconds with at least one request, ascending, with their counts.
    pub fn nonzero(&self) -> impl Iterator<Item = (i64, u32)> + '_ {
        let mut order: Vec<usize> = (0..self.pages.len()).collect();
        order.sort_unstable_by_key(|&i| self.pages[i].0);
        order.into_iter().flat_map(move |i| {
            let (page, counts) = &self.pages[i];
            counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(move |(s, &c)| (page * PAGE_SECS + s as i64, c))
        })
    }

    /// `None` when no request was counted.
    pub fn summarize(&self) -> Option<SecondsSummary> {
        let mut first = None;
        let mut last = 0;
        let mut peak = 0;
        let mut peak_second = 0;
        let mut nonzero = 0u64;
        let mut hist = BTreeMap::new();
        for (s, c) in self.nonzero() {
            first.get_or_insert(s);
            last = s;
            nonzero += 1;
            if c > peak {
                peak = c;
                peak_second = s;
            }
            *hist.entry(c).or_insert(0u64) += 1;
        }
        let first = first?;
        let seconds = (last - first + 1) as u64;
        let empty_seconds = seconds - nonzero;
        if empty_seconds > 0 {
            hist.insert(0, empty_seconds);
        }
        Some(SecondsSummary {
            first,
            last,
            seconds,
            empty_seconds,
            peak,
            peak_second,
            count_histogram: hist,
        })
    }
}

impl SecondsSummary {
    /// Nearest-rank quantile of the per-second counts over every second in the range.
    pub fn quantile(&self, ppm: u32) -> u32 {
        let rank = crate::hist::nearest_rank(self.seconds, ppm);
        let mut seen = 0;
        for (&v, &n) in &self.count_histogram {
            seen += n;
            if seen >= rank {
                return v;
            }
        }
        self.peak
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_order_and_gaps() {
        let mut p = PerSecond::default();
        // Seconds 100..=105: counts 3, 0, 1, 0, 0, 3 (given out of order).
        for s in [100, 105, 102, 100, 105, 100, 105] {
            p.add(s, 1);
        }
        let s = p.summarize().unwrap();
        assert_eq!(
            (s.first, s.last, s.seconds, s.empty_seconds),
            (100, 105, 6, 3)
        );
        assert_eq!((s.peak, s.peak_second), (3, 100));
        // Sorted counts: 0 0 0 1 3 3 -> p50 = 3rd = 0, p99 = 6th = 3.
        assert_eq!(s.quantile(500_000), 0);
        assert_eq!(s.quantile(990_000), 3);
        assert_eq!(s.quantile(600_000), 1);
    }

    #[test]
    fn negative_seconds_and_page_boundaries() {
        let mut p = PerSecond::default();
        for s in [-1, 0, PAGE_SECS - 1, PAGE_SECS, -PAGE_SECS - 1] {
            p.add(s, 2);
        }
        let got: Vec<_> = p.nonzero().collect();
        assert_eq!(
            got,
            vec![
                (-PAGE_SECS - 1, 2),
                (-1, 2),
                (0, 2),
                (PAGE_SECS - 1, 2),
                (PAGE_SECS, 2)
            ]
        );
        let s = p.summarize().unwrap();
        assert_eq!(s.seconds, (2 * PAGE_SECS + 2) as u64);
        assert!(PerSecond::default().summarize().is_none());
    }

    #[test]
    fn merge_adds() {
        let mut a = PerSecond::default();
        let mut b = PerSecond::default();
        a.add(10, 1);
        b.add(10, 2);
        b.add(9000, 1);
        a.merge(&b);
        assert_eq!(a.nonzero().collect::<Vec<_>>(), vec![(10, 3), (9000, 1)]);
    }
}
