//! Requests per second, counted in each request's true second whatever the input order.
//!
//! Counts live in pages of [`PAGE_SECS`] consecutive seconds, made when a second in them
//! first occurs. A page starts sparse (its seconds with requests and their counts, 8 bytes
//! each) and turns dense (a count for each of its seconds, 16 KiB) once more than
//! [`SPARSE_MAX`] of its seconds have requests: memory follows the seconds that have
//! requests (at most 64 bytes each, plus a page's bookkeeping), not the time they span, so
//! a line a day for years takes little. Out-of-order lines (nginx logs at request end, so
//! lines run up to minutes back) land in their own second.

use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

pub const PAGE_SECS: i64 = 4096;

/// Seconds with requests a page holds sparse: past this, a dense page (16 KiB) takes at
/// most 64 bytes per such second, and a sparse page's lookups stay short.
pub const SPARSE_MAX: usize = 256;

/// One page's counts.
#[derive(Debug, Clone)]
enum Page {
    /// `(second in the page, count)`, ascending by second, at most [`SPARSE_MAX`] long.
    Sparse(Vec<(u16, u32)>),
    /// A count for each second of the page.
    Dense(Box<[u32]>),
}

impl Page {
    #[inline]
    fn add(&mut self, slot: u16, n: u32) {
        match self {
            Page::Dense(c) => {
                if let Some(c) = c.get_mut(usize::from(slot)) {
                    *c = c.saturating_add(n);
                }
            }
            Page::Sparse(v) => {
                // Lines come mostly in time order: the newest second, or a new one after it.
                match v.last_mut() {
                    Some((s, c)) if *s == slot => *c = c.saturating_add(n),
                    Some((s, _)) if *s > slot => match v.binary_search_by_key(&slot, |e| e.0) {
                        Ok(i) => v[i].1 = v[i].1.saturating_add(n),
                        Err(i) => v.insert(i, (slot, n)),
                    },
                    _ => v.push((slot, n)),
                }
                if v.len() > SPARSE_MAX {
                    self.make_dense();
                }
            }
        }
    }

    fn make_dense(&mut self) {
        if let Page::Sparse(v) = self {
            let mut dense = vec![0u32; PAGE_SECS as usize].into_boxed_slice();
            for &(s, c) in v.iter() {
                if let Some(d) = dense.get_mut(usize::from(s)) {
                    *d = c;
                }
            }
            *self = Page::Dense(dense);
        }
    }

    /// The page's seconds with requests, ascending, with their counts.
    fn nonzero(&self) -> Box<dyn Iterator<Item = (u16, u32)> + '_> {
        match self {
            Page::Sparse(v) => Box::new(v.iter().copied()),
            Page::Dense(c) => Box::new(
                c.iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(s, &c)| (s as u16, c)),
            ),
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Page::Sparse(v) => v.capacity() * std::mem::size_of::<(u16, u32)>(),
            Page::Dense(c) => std::mem::size_of_val::<[u32]>(c),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PerSecond {
    index: FxHashMap<i64, usize>,
    pages: Vec<(i64, Page)>,
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
        let slot = second.rem_euclid(PAGE_SECS) as u16;
        let idx = match self.last {
            Some((p, i)) if p == page => i,
            _ => {
                let i = self.page_index(page);
                self.last = Some((page, i));
                i
            }
        };
        if let Some((_, p)) = self.pages.get_mut(idx) {
            p.add(slot, n);
        }
    }

    fn page_index(&mut self, page: i64) -> usize {
        if let Some(&i) = self.index.get(&page) {
            return i;
        }
        let i = self.pages.len();
        self.pages.push((page, Page::Sparse(Vec::new())));
        self.index.insert(page, i);
        i
    }

    pub fn merge(&mut self, other: &PerSecond) {
        for (page, theirs) in &other.pages {
            let i = self.page_index(*page);
            let Some((_, mine)) = self.pages.get_mut(i) else {
                continue;
            };
            match (&*mine, theirs) {
                // A page new here takes a copy of a dense one rather than its additions.
                (Page::Sparse(v), Page::Dense(_)) if v.is_empty() => *mine = theirs.clone(),
                _ => {
                    for (s, c) in theirs.nonzero() {
                        mine.add(s, c);
                    }
                }
            }
        }
    }

    /// Heap bytes the counts take (pages, their index), for tests of memory use.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let index = self.index.capacity() * (size_of::<(i64, usize)>() + 1);
        let slots = self.pages.capacity() * size_of::<(i64, Page)>();
        let pages: usize = self.pages.iter().map(|(_, p)| p.heap_bytes()).sum();
        index + slots + pages
    }

    /// Seconds with at least one request, ascending, with their counts.
    pub fn nonzero(&self) -> impl Iterator<Item = (i64, u32)> + '_ {
        let mut order: Vec<usize> = (0..self.pages.len()).collect();
        order.sort_unstable_by_key(|&i| self.pages[i].0);
        order.into_iter().flat_map(move |i| {
            let (page, counts) = &self.pages[i];
            counts
                .nonzero()
                .map(move |(s, c)| (page * PAGE_SECS + i64::from(s), c))
        })
    }

    /// `None` when no request was counted.
    pub fn summarize(&self) -> Option<SecondsSummary> {
        self.summarize_within(None)
    }

    /// As [`PerSecond::summarize`], over every second of `[first, last]` (an interval the
    /// counts lie in) rather than only from the first request's second to the last one's.
    pub fn summarize_over(&self, first: i64, last: i64) -> Option<SecondsSummary> {
        self.summarize_within(Some((first, last)))
    }

    fn summarize_within(&self, range: Option<(i64, i64)>) -> Option<SecondsSummary> {
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
        let mut first = first?;
        if let Some((lo, hi)) = range {
            first = first.min(lo);
            last = last.max(hi);
        }
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

    /// One request a day for 55 years: memory follows those 20 089 seconds, not the
    /// 1.7 billion seconds they span (a dense page of 4096 seconds per request took 16 KiB).
    #[test]
    fn sparse_seconds_take_memory_per_request_second() {
        let mut p = PerSecond::default();
        let days = 55 * 365 + 14;
        for d in 0..days {
            p.add(d * 86_400 + 3600, 1);
        }
        let per_second = p.heap_bytes() / days as usize;
        assert!(
            per_second <= 128,
            "{per_second} bytes per second with requests"
        );
        let s = p.summarize().unwrap();
        let span = (days - 1) as u64 * 86_400 + 1;
        assert_eq!((s.seconds, s.empty_seconds), (span, span - days as u64));
        assert_eq!(
            (s.peak, s.quantile(990_000), s.quantile(999_999)),
            (1, 0, 1)
        );
    }

    /// Pages that stay sparse, turn dense in one part, or in the merge only, against a plain
    /// map of the same additions, in a scrambled order.
    #[test]
    fn sparse_and_dense_pages_count_as_a_map() {
        let mut model: BTreeMap<i64, u32> = BTreeMap::new();
        let mut parts = [PerSecond::default(), PerSecond::default()];
        let mut x: u64 = 12345;
        for i in 0..20_000u32 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = (x >> 33) as i64;
            let second = match i % 4 {
                // A busy page (dense), a page with 200 seconds in each part (dense once
                // merged), sparse seconds years apart, and seconds before the epoch.
                0 => 5 * PAGE_SECS + r % PAGE_SECS,
                1 => 9 * PAGE_SECS + (r % 200) * 2 + (i as i64 / 4) % 2,
                2 => (r % 50) * 31_536_000,
                _ => -(r % 3000) - 1,
            };
            let part = if i % 4 == 1 {
                (i as usize / 4) % 2
            } else {
                (x >> 60) as usize % 2
            };
            parts[part].add(second, 1 + i % 3);
            *model.entry(second).or_insert(0) += 1 + i % 3;
        }
        let [mut a, b] = parts;
        a.merge(&b);
        let want: Vec<(i64, u32)> = model.into_iter().collect();
        assert_eq!(a.nonzero().collect::<Vec<_>>(), want);
        let mut c = b.clone();
        c.merge(&PerSecond::default());
        let mut d = PerSecond::default();
        d.merge(&b);
        assert_eq!(
            c.nonzero().collect::<Vec<_>>(),
            d.nonzero().collect::<Vec<_>>()
        );
    }

    /// A request every second takes the 4 bytes of a dense count, plus a little; a page
    /// just past sparse takes at most 64 bytes per second with requests, plus its index.
    #[test]
    fn busy_seconds_take_four_bytes() {
        let mut p = PerSecond::default();
        let span = 40 * PAGE_SECS;
        for s in 0..span {
            p.add(s, 3);
        }
        assert!(p.heap_bytes() <= span as usize * 4 + 4096);
        let mut q = PerSecond::default();
        for s in 0..=SPARSE_MAX as i64 {
            q.add(s * 7, 1);
        }
        assert!(q.heap_bytes() <= (SPARSE_MAX + 1) * 64 + 256);
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
