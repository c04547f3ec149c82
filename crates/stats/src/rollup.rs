//! Rollups: per-bucket totals (requests, status classes, bytes, latency percentiles) for
//! the rollup tables written beside the rows.
//!
//! A chunk's records go into a [`Rollup`] of their own; chunks are merged into a
//! [`RollupStream`] in input order, which hands out a bucket once the input has moved
//! [`LATENESS_S`] past it (nginx logs a request when it ends, HAProxy when it started, so
//! lines come a little out of time order). A line later than that starts another row for
//! its bucket: every count still sums to the report's totals, only that bucket's
//! percentiles are split between its rows.

use crate::hist::ValueCounts;
use std::collections::BTreeMap;

/// How far behind the newest second a bucket is kept open, in seconds.
pub const LATENESS_S: i64 = 600;

/// Whole milliseconds below this get a dense slot in a bucket's latencies.
const BUCKET_DENSE_MS: u32 = 1000;

/// The class of a status code: 0 for 1xx … 4 for 5xx, 5 for anything else (`-`, 600+),
/// as the report's `status.classes` counts them.
#[inline]
pub fn status_class(code: u16) -> usize {
    if (100..600).contains(&code) {
        usize::from(code / 100 - 1)
    } else {
        5
    }
}

/// The totals of one bucket of time.
#[derive(Debug, Clone, Default)]
pub struct Bucket {
    pub requests: u64,
    /// Requests per status class (see [`status_class`]).
    pub classes: [u64; 6],
    pub bytes_sent: u64,
    /// Request times, µs.
    latency: ValueCounts,
    max_us: u64,
}

impl Bucket {
    #[inline]
    fn observe(&mut self, status: u16, bytes_sent: Option<u64>, latency_us: Option<u64>) {
        self.requests += 1;
        self.classes[status_class(status)] += 1;
        self.bytes_sent = self.bytes_sent.saturating_add(bytes_sent.unwrap_or(0));
        if let Some(l) = latency_us {
            self.latency.insert(l, BUCKET_DENSE_MS);
            self.max_us = self.max_us.max(l);
        }
    }

    pub fn merge(&mut self, other: &Bucket) {
        self.requests += other.requests;
        for (a, b) in self.classes.iter_mut().zip(other.classes) {
            *a += b;
        }
        self.bytes_sent = self.bytes_sent.saturating_add(other.bytes_sent);
        self.latency.merge(&other.latency, BUCKET_DENSE_MS);
        self.max_us = self.max_us.max(other.max_us);
    }

    /// Requests with a request time.
    pub fn latency_count(&self) -> u64 {
        self.latency.len()
    }

    /// p50, p90, p99 and max of the request times (nearest rank); `None` without any.
    pub fn latency_us(&self) -> Option<[u64; 4]> {
        let q = self.latency.quantiles(&[500_000, 900_000, 990_000])?;
        Some([q[0], q[1], q[2], self.max_us])
    }
}

/// The buckets of one chunk of lines (one second each), in the order first met: a chunk
/// spans a few seconds, so the bucket of a line is almost always the last one.
#[derive(Debug, Clone, Default)]
pub struct Rollup {
    buckets: Vec<(i64, Bucket)>,
}

impl Rollup {
    #[inline]
    pub fn observe(
        &mut self,
        ts_us: i64,
        status: u16,
        bytes_sent: Option<u64>,
        latency_us: Option<u64>,
    ) {
        let s = ts_us.div_euclid(1_000_000);
        let i = match self.buckets.iter().rposition(|(k, _)| *k == s) {
            Some(i) => i,
            None => {
                self.buckets.push((s, Bucket::default()));
                self.buckets.len() - 1
            }
        };
        self.buckets[i].1.observe(status, bytes_sent, latency_us);
    }

    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }
}

/// A bucket handed out: its start (UTC seconds), width (seconds) and totals.
#[derive(Debug, Clone)]
pub struct BucketRow {
    pub start_s: i64,
    pub width_s: i64,
    pub bucket: Bucket,
}

/// The rollups of one source, fed chunk by chunk in input order: seconds and minutes.
#[derive(Debug, Default)]
pub struct RollupStream {
    seconds: BTreeMap<i64, Bucket>,
    minutes: BTreeMap<i64, Bucket>,
    /// The newest second seen.
    newest: Option<i64>,
}

impl RollupStream {
    /// Adds a chunk's buckets; `out` gets every bucket the input has moved past.
    pub fn add(&mut self, chunk: Rollup, out: &mut impl FnMut(BucketRow)) {
        for (s, b) in chunk.buckets {
            self.newest = Some(self.newest.map_or(s, |n| n.max(s)));
            match self.seconds.get_mut(&s) {
                Some(have) => have.merge(&b),
                None => {
                    self.seconds.insert(s, b);
                }
            }
        }
        if let Some(n) = self.newest {
            self.emit_before(n - LATENESS_S, out);
        }
    }

    /// Hands out every bucket left (the source has ended).
    pub fn finish(&mut self, out: &mut impl FnMut(BucketRow)) {
        self.emit_before(i64::MAX, out);
    }

    /// Hands out the seconds before `limit`, and the minutes all of whose seconds are.
    fn emit_before(&mut self, limit: i64, out: &mut impl FnMut(BucketRow)) {
        while let Some(entry) = self.seconds.first_entry() {
            if *entry.key() >= limit {
                break;
            }
            let (s, b) = entry.remove_entry();
            let m = s.div_euclid(60) * 60;
            self.minutes.entry(m).or_default().merge(&b);
            out(BucketRow {
                start_s: s,
                width_s: 1,
                bucket: b,
            });
        }
        while let Some(entry) = self.minutes.first_entry() {
            // A minute is complete once its last second is handed out.
            if entry.key().saturating_add(60) > limit {
                break;
            }
            let (m, b) = entry.remove_entry();
            out(BucketRow {
                start_s: m,
                width_s: 60,
                bucket: b,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(stream: &mut RollupStream, chunk: Rollup, rows: &mut Vec<BucketRow>) {
        stream.add(chunk, &mut |r| rows.push(r));
    }

    #[test]
    fn hand_counted_buckets() {
        // Seconds 100 and 101 (minute 60..120), then a line 700 s later, then one for
        // second 100 again, too late for its bucket.
        let mut a = Rollup::default();
        a.observe(100_000_000, 200, Some(10), Some(5_000));
        a.observe(100_500_000, 404, None, Some(1_000));
        a.observe(101_000_000, 503, Some(7), None);
        a.observe(100_900_000, 0, Some(1), Some(3_000));
        let mut s = RollupStream::default();
        let mut rows = Vec::new();
        collect(&mut s, a, &mut rows);
        assert!(rows.is_empty(), "nothing is past the lateness window yet");

        let mut b = Rollup::default();
        b.observe(801_000_000, 200, Some(2), Some(2_000));
        collect(&mut s, b, &mut rows);
        // 801 - 600 = 201: seconds 100 and 101 and minute 60 are out.
        let got: Vec<(i64, i64, u64)> = rows
            .iter()
            .map(|r| (r.start_s, r.width_s, r.bucket.requests))
            .collect();
        assert_eq!(got, [(100, 1, 3), (101, 1, 1), (60, 60, 4)]);
        let sec100 = &rows[0].bucket;
        assert_eq!(sec100.classes, [0, 1, 0, 1, 0, 1]);
        assert_eq!(sec100.bytes_sent, 11);
        // 1, 3, 5 ms: p50 = 2nd = 3 ms, p90 = p99 = 3rd = 5 ms.
        assert_eq!(sec100.latency_us(), Some([3_000, 5_000, 5_000, 5_000]));
        assert_eq!(rows[1].bucket.latency_us(), None);
        assert_eq!(rows[2].bucket.classes, [0, 1, 0, 1, 1, 1]);
        assert_eq!(rows[2].bucket.latency_count(), 3);

        let mut late = Rollup::default();
        late.observe(100_200_000, 200, Some(4), None);
        collect(&mut s, late, &mut rows);
        assert_eq!(
            rows.len(),
            5,
            "a late line is a row of its own, and its minute's"
        );
        assert_eq!((rows[3].start_s, rows[3].bucket.requests), (100, 1));
        assert_eq!((rows[4].start_s, rows[4].width_s), (60, 60));

        s.finish(&mut |r| rows.push(r));
        let got: Vec<(i64, i64)> = rows[5..].iter().map(|r| (r.start_s, r.width_s)).collect();
        assert_eq!(got, [(801, 1), (780, 60)]);
        // Every request is in one second row and one minute row.
        let (secs, mins): (Vec<_>, Vec<_>) = rows.iter().partition(|r| r.width_s == 1);
        let sum = |v: &[&BucketRow]| v.iter().map(|r| r.bucket.requests).sum::<u64>();
        assert_eq!((sum(&secs), sum(&mins)), (6, 6));
    }

    #[test]
    fn classes_match_the_report() {
        assert_eq!(status_class(100), 0);
        assert_eq!(status_class(599), 4);
        assert_eq!(status_class(0), 5);
        assert_eq!(status_class(600), 5);
        assert_eq!(status_class(99), 5);
    }
}
