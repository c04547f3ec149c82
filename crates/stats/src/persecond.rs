//! Requests per second, counted in each request's true second whatever the input order.
//!
//! Counts live in pages of [`PAGE_SECS`] consecutive seconds, made when a second in them
//! first occurs. A page starts sparse (its seconds with requests and their counts, 8 bytes
//! each) and turns dense (a count for each of its seconds, 16 KiB) when it would take more
//! sparse: memory follows the seconds that have requests (at most 16 bytes each, with a
//! growing list's spare room, plus about 100 bytes for each page that has any), not the
//! time they span, so a line a day for years takes little. Out-of-order lines (nginx logs
//! at request end, so lines run up to minutes back) land in their own second.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

pub const PAGE_SECS: i64 = 4096;

/// Seconds with requests a page holds sparse: as many bytes as a dense page.
pub const SPARSE_MAX: usize = PAGE_SECS as usize / 2;

/// One page's counts.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Page {
    /// `(second in the page, count)`, ascending by second, at most [`SPARSE_MAX`] long.
    Sparse(Vec<(u16, u32)>),
    /// A count for each second of the page.
    Dense(Box<[u32]>),
}

impl Page {
    #[inline]
    fn add(&mut self, slot: u16, n: u32) {
        if let Page::Sparse(v) = self {
            // Lines come mostly in time order: the newest second, or a new one after it;
            // a late line's second is near the end.
            let at = match v.last() {
                Some((s, _)) if *s == slot => Ok(v.len() - 1),
                Some((s, _)) if *s > slot => v.binary_search_by_key(&slot, |e| e.0),
                _ => Err(v.len()),
            };
            match at {
                Ok(i) => {
                    if let Some((_, c)) = v.get_mut(i) {
                        *c = c.saturating_add(n);
                    }
                    return;
                }
                Err(i) if v.len() < SPARSE_MAX => {
                    v.insert(i, (slot, n));
                    return;
                }
                Err(_) => self.make_dense(),
            }
        }
        if let Page::Dense(c) = self
            && let Some(c) = c.get_mut(usize::from(slot))
        {
            *c = c.saturating_add(n);
        }
    }

    /// Adds `theirs`' counts.
    fn merge(&mut self, theirs: &Page) {
        match (&mut *self, theirs) {
            (Page::Sparse(mine), Page::Sparse(other)) => {
                // Both ascending: one pass, not an insertion per second.
                let mut all = Vec::with_capacity(mine.len() + other.len());
                let (mut i, mut j) = (0, 0);
                while let (Some(&x), Some(&y)) = (mine.get(i), other.get(j)) {
                    match x.0.cmp(&y.0) {
                        Ordering::Less => {
                            all.push(x);
                            i += 1;
                        }
                        Ordering::Greater => {
                            all.push(y);
                            j += 1;
                        }
                        Ordering::Equal => {
                            all.push((x.0, x.1.saturating_add(y.1)));
                            i += 1;
                            j += 1;
                        }
                    }
                }
                all.extend_from_slice(mine.get(i..).unwrap_or_default());
                all.extend_from_slice(other.get(j..).unwrap_or_default());
                // Overlapping seconds leave spare room a dense page would not take.
                all.shrink_to_fit();
                *mine = all;
                if mine.len() > SPARSE_MAX {
                    self.make_dense();
                }
            }
            (Page::Sparse(mine), Page::Dense(_)) if mine.is_empty() => *self = theirs.clone(),
            _ => {
                self.make_dense();
                for (s, c) in theirs.nonzero() {
                    self.add(s, c);
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

/// Stored as its pages (`index` and `last` are rebuilt when read back).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(try_from = "PagesData")]
pub struct PerSecond {
    #[serde(skip)]
    index: FxHashMap<i64, usize>,
    pages: Vec<(i64, Page)>,
    /// The page the previous line hit: consecutive lines almost always share it.
    #[serde(skip)]
    last: Option<(i64, usize)>,
}

/// Pages further than this from 1970 are refused when read back: seconds then stay below
/// 2^40 (35,000 years) either way, so that µs of them and spans between them fit an i64.
const MAX_PAGE: i64 = 1 << 28;

/// [`PerSecond`] as a state file holds it, checked before it is used: the summary counts
/// on distinct pages, sparse seconds ascending and distinct, dense pages whole.
#[derive(Deserialize)]
struct PagesData {
    pages: Vec<(i64, Page)>,
}

impl TryFrom<PagesData> for PerSecond {
    type Error = String;

    fn try_from(d: PagesData) -> Result<Self, String> {
        let mut p = PerSecond::default();
        for (page, counts) in d.pages {
            let fits = match &counts {
                Page::Sparse(v) => {
                    v.len() <= SPARSE_MAX
                        && v.windows(2).all(|w| w[0].0 < w[1].0)
                        && v.last().is_none_or(|l| i64::from(l.0) < PAGE_SECS)
                }
                Page::Dense(c) => c.len() == PAGE_SECS as usize,
            };
            if !fits || page.abs() > MAX_PAGE || p.index.contains_key(&page) {
                return Err(format!(
                    "a page of per-second counts (page {page}) is corrupt"
                ));
            }
            p.index.insert(page, p.pages.len());
            p.pages.push((page, counts));
        }
        Ok(p)
    }
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
            if let Some((_, mine)) = self.pages.get_mut(i) {
                mine.merge(theirs);
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
        let mut first = match first {
            Some(f) => f,
            // An interval without a request: every second of it is empty (an `--every`
            // window of an outage shows as zeros, not as nothing).
            None => match range {
                Some((lo, _)) => {
                    last = lo;
                    peak_second = lo;
                    lo
                }
                None => return None,
            },
        };
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

    /// An interval without a request is all empty seconds over it, not `None`; without an
    /// interval, no request is `None`.
    #[test]
    fn empty_interval_is_all_empty_seconds() {
        let p = PerSecond::default();
        assert!(p.summarize().is_none());
        let s = p.summarize_over(100, 109).unwrap();
        assert_eq!(
            (
                s.first,
                s.last,
                s.seconds,
                s.empty_seconds,
                s.peak,
                s.peak_second
            ),
            (100, 109, 10, 10, 0, 100)
        );
        assert_eq!((s.quantile(500_000), s.quantile(990_000)), (0, 0));
    }

    impl PerSecond {
        /// The numbers of the dense pages, ascending.
        fn dense_pages(&self) -> Vec<i64> {
            let mut d: Vec<i64> = self
                .pages
                .iter()
                .filter(|(_, p)| matches!(p, Page::Dense(_)))
                .map(|(n, _)| *n)
                .collect();
            d.sort_unstable();
            d
        }
    }

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

    /// Two parts' counts, added in a scrambled order and merged either way, against a plain
    /// map of the same additions: a page dense in one part and sparse in the other, a page
    /// full sparse in one part (every even second) that turns dense in the merge (odd
    /// seconds from the other), sparse seconds years apart in both, and seconds before
    /// the epoch.
    #[test]
    fn sparse_and_dense_pages_count_as_a_map() {
        let mut adds: Vec<(i64, u32, usize)> = Vec::new();
        let mut x: u64 = 12345;
        let mut rand = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        for s in 0..PAGE_SECS {
            adds.push((5 * PAGE_SECS + s, 1, 0));
            adds.push((9 * PAGE_SECS + s, 2, (s % 2) as usize));
        }
        for i in 0..3000u32 {
            let r = rand(1 << 30) as i64;
            if i < 1000 {
                adds.push((5 * PAGE_SECS + r % PAGE_SECS, 3, 1));
            }
            adds.push(((r % 50) * 31_536_000, 1 + i % 3, (i % 2) as usize));
            adds.push((-(r % 3000) - 1, 1, (i % 2) as usize));
        }
        // Keep the odd seconds of page 9 few enough that part 1 holds it sparse.
        adds.retain(|&(s, _, p)| p == 0 || !(9 * PAGE_SECS + 600..10 * PAGE_SECS).contains(&s));
        for i in (1..adds.len()).rev() {
            adds.swap(i, rand(i as u64 + 1) as usize);
        }
        let mut model: BTreeMap<i64, u32> = BTreeMap::new();
        let mut parts = [PerSecond::default(), PerSecond::default()];
        for &(s, n, p) in &adds {
            parts[p].add(s, n);
            *model.entry(s).or_insert(0) += n;
        }
        let want: Vec<(i64, u32)> = model.into_iter().collect();
        let [a, b] = parts;
        assert_eq!(a.dense_pages(), vec![5]);
        assert!(b.dense_pages().is_empty());
        for (x, y) in [(&a, &b), (&b, &a)] {
            let mut m = x.clone();
            m.merge(y);
            assert_eq!(m.nonzero().collect::<Vec<_>>(), want);
            assert_eq!(m.dense_pages(), vec![5, 9]);
        }
        let mut c = PerSecond::default();
        c.merge(&a);
        assert_eq!(
            c.nonzero().collect::<Vec<_>>(),
            a.nonzero().collect::<Vec<_>>()
        );
    }

    /// A request every second takes the 4 bytes of a dense count, plus a little; a page
    /// just past sparse takes 8 bytes per second with requests, plus its index.
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
            q.add(s * 2, 1);
        }
        assert!(q.heap_bytes() <= (SPARSE_MAX + 1) * 8 + 256);
        // Just before, sparse: no more (the list's doubling stops at the dense size).
        let mut r = PerSecond::default();
        for s in 0..SPARSE_MAX as i64 {
            r.add(s * 2, 1);
        }
        assert!(r.heap_bytes() <= SPARSE_MAX * 8 + 256);
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
