//! A capped group-by table keyed by borrowed bytes (paths, upstreams, servers).
//!
//! A key is looked up by `&[u8]` and copied only when it is new. Once the table holds
//! `cap` keys, requests for keys not yet in it are counted as untracked instead of growing
//! the table: counts of tracked keys stay exact and the report says the cap was reached.

use crate::hist::ExactHistogram;
use rustc_hash::FxHashMap;

#[derive(Debug, Clone)]
pub struct GroupEntry {
    pub count: u64,
    /// Request latency of this group's requests, where the log has one.
    pub latency: ExactHistogram,
}

/// Whole milliseconds below this get a dense slot in a group's histogram: most requests
/// are faster, and 256 slots cost only 2 KiB for the groups busy enough to need bins.
const GROUP_DENSE_MS: u32 = 256;

impl Default for GroupEntry {
    fn default() -> Self {
        GroupEntry {
            count: 0,
            latency: ExactHistogram::with_dense_ms(GROUP_DENSE_MS),
        }
    }
}

#[derive(Debug, Clone)]
pub struct GroupTable {
    map: FxHashMap<Box<[u8]>, GroupEntry>,
    cap: usize,
    untracked: u64,
}

impl GroupTable {
    pub fn new(cap: usize) -> Self {
        GroupTable {
            map: FxHashMap::default(),
            cap,
            untracked: 0,
        }
    }

    #[inline]
    pub fn add(&mut self, key: &[u8], latency_us: Option<u64>) {
        if let Some(e) = self.map.get_mut(key) {
            Self::count(e, latency_us);
        } else if self.map.len() < self.cap {
            Self::count(self.map.entry(key.into()).or_default(), latency_us);
        } else {
            self.untracked += 1;
        }
    }

    #[inline]
    fn count(entry: &mut GroupEntry, latency_us: Option<u64>) {
        entry.count += 1;
        if let Some(l) = latency_us {
            entry.latency.record(l);
        }
    }

    pub fn merge(&mut self, other: &GroupTable) {
        for (k, e) in &other.map {
            if let Some(mine) = self.map.get_mut(k) {
                mine.count += e.count;
                mine.latency.merge(&e.latency);
            } else if self.map.len() < self.cap {
                self.map.insert(k.clone(), e.clone());
            } else {
                self.untracked += e.count;
            }
        }
        self.untracked += other.untracked;
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Requests whose key arrived after the table was full.
    pub fn untracked(&self) -> u64 {
        self.untracked
    }

    /// The `n` keys with the highest counts; ties in key byte order, so output is stable.
    pub fn top(&self, n: usize) -> Vec<(&[u8], &GroupEntry)> {
        let mut all: Vec<(&[u8], &GroupEntry)> =
            self.map.iter().map(|(k, e)| (&k[..], e)).collect();
        let by_rank = |a: &(&[u8], &GroupEntry), b: &(&[u8], &GroupEntry)| {
            b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0))
        };
        if all.len() > n {
            all.select_nth_unstable_by(n, by_rank);
            all.truncate(n);
        }
        all.sort_unstable_by(by_rank);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_top_and_cap() {
        let mut t = GroupTable::new(3);
        for k in ["/a", "/b", "/a", "/c", "/d", "/a", "/b", "/d"] {
            t.add(k.as_bytes(), Some(1000));
        }
        // /d arrived when the table already held /a, /b, /c.
        assert_eq!(t.len(), 3);
        assert_eq!(t.untracked(), 2);
        let top: Vec<_> = t
            .top(2)
            .into_iter()
            .map(|(k, e)| (k.to_vec(), e.count))
            .collect();
        assert_eq!(top, vec![(b"/a".to_vec(), 3), (b"/b".to_vec(), 2)]);
        // Ties are broken by key.
        let mut t = GroupTable::new(10);
        for k in ["/z", "/y", "/x"] {
            t.add(k.as_bytes(), None);
        }
        let keys: Vec<_> = t.top(10).into_iter().map(|(k, _)| k.to_vec()).collect();
        assert_eq!(keys, vec![b"/x".to_vec(), b"/y".to_vec(), b"/z".to_vec()]);
    }

    #[test]
    fn merge_respects_cap() {
        let mut a = GroupTable::new(2);
        let mut b = GroupTable::new(2);
        a.add(b"/a", None);
        b.add(b"/a", Some(5000));
        b.add(b"/b", None);
        b.add(b"/c", None);
        a.merge(&b);
        assert_eq!(a.len(), 2);
        assert_eq!(a.untracked(), 1);
        assert_eq!(a.top(1)[0].1.count, 2);
        assert_eq!(a.top(1)[0].1.latency.count(), 1);
    }
}
