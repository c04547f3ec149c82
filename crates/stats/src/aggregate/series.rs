//! The series over time of an aggregate (`--bucket`, and the report's default series):
//! per bucket of log time, requests, status classes, bytes and latency values, exact and
//! the same whatever the threads; and the gaps found in the per-second counts.
//!
//! Buckets are 1 s, 10 s, 1 m, 5 m or 1 h wide ([`WIDTHS`], each a multiple of the one
//! before), placed on a grid shifted by `shift_s` seconds (the display zone's offset past
//! whole hours, so 1 h buckets begin at its local hours). Without a width asked for, the
//! series keeps the finest width whose buckets over the range seen so far number at most
//! [`DEFAULT_BUCKETS`]; when the range grows past that, adjacent buckets are merged into
//! the next width (counts added, latency values merged: exact). Two series merge at the
//! coarser of their widths, then coarsen again if the union needs it, so the final width
//! is the finest that fits the whole range, whatever the order of the merges. With a
//! width asked for, it is kept up to [`MAX_BUCKETS`] buckets over the range, and coarsened
//! the same way past that (the summary says so).

use super::Aggregate;
pub use super::series_by::DEFAULT_SERIES_KEYS;
use super::series_by::SeriesBy;
use crate::dimension::Dimension;
use crate::persecond::PerSecond;
use crate::series_summary::{
    Gap, Gaps, SeriesBucket, SeriesBySummary, SeriesParts, SeriesSummary, SeriesValues,
};
use crate::table::{Hit, Row};
use crate::timefmt::format_rfc3339;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// The bucket widths, in seconds: each a multiple of the one before.
pub const WIDTHS: [u32; 5] = [1, 10, 60, 300, 3600];

/// Widths past 1 h (1 d, 10 d, 100 d; multiples of 1 h), never asked for: taken only
/// when the range holds more than [`MAX_BUCKETS`] hours (a run over 11 years), so that a
/// log with a line an hour over decades, or times from year 1 to 9999, keeps at most
/// [`MAX_BUCKETS`] buckets (100 d buckets over 10,000 years: 36,525) rather than memory
/// for a bucket an hour.
pub const LONG_WIDTHS: [u32; 3] = [86_400, 864_000, 8_640_000];

/// At most this many buckets over the run's range when no width is asked for.
pub const DEFAULT_BUCKETS: i64 = 120;

/// Without a width asked for, the series is kept at most this wide ([`FINE_WIDTH`])
/// while its range fits [`ANOMALY_BUCKETS`] buckets at that width, however few it
/// shows: the anomaly detector examines 1-minute buckets over a day (a week at most).
pub const FINE_WIDTH: u32 = 60;

/// At most this many buckets in the anomaly series ([`Aggregate::anomaly_series`]), and
/// in the series kept (not shown) at [`FINE_WIDTH`] or wider without a width asked for.
pub const ANOMALY_BUCKETS: i64 = 10_000;

/// At most this many buckets over the range with a width asked for (a day at 1 s fits);
/// past it the series is coarsened, as the summary says.
pub const MAX_BUCKETS: i64 = 100_000;

/// Whole milliseconds below this get a dense slot in a bucket's latency bins (2 KiB).
pub(crate) const BUCKET_DENSE_MS: u32 = 256;

/// Gaps listed at most (the first ones in time); the summary counts them all.
const MAX_GAPS: usize = 1000;

/// Seconds with requests that each minute around a gap must have (see [`gaps`]).
const BUSY_SECONDS: usize = 30;

/// What a series is asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesConfig {
    /// `--bucket`: the width in seconds (one of [`WIDTHS`]); `None` for the default.
    pub width_s: Option<u32>,
    /// Seconds the bucket grid is shifted by (below 3,600): the display zone's offset
    /// past whole hours (1,800 for +05:30), so 1 h buckets begin at its local hours.
    pub shift_s: u32,
    /// `--gap`: gaps are runs of empty seconds longer than this.
    pub gap_s: u32,
    /// `--series-by`'s cap on distinct keys (see series_by.rs).
    pub by_cap: usize,
}

/// The buckets of one series (see the module documentation).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(into = "SeriesData", try_from = "SeriesData")]
pub(crate) struct Series {
    cfg: SeriesConfig,
    /// The current width, seconds.
    width: u32,
    /// (bucket number on the shifted grid, its row), in the order made.
    buckets: Vec<(i64, Row)>,
    /// The earliest and latest shifted second seen.
    range: Option<(i64, i64)>,
    by: Option<Box<SeriesBy>>,
    index: FxHashMap<i64, usize>,
    /// The UTC seconds `[lo, hi)` of the bucket last hit, and its place in `buckets`.
    last: Option<(i64, i64, usize)>,
    /// That bucket's row, taken out of `buckets` (whose place holds an empty row) while
    /// it is hit, so that a request adds to it without an index (see [`Series::park`]).
    cur: Row,
}

/// A [`Series`] as stored (its rows all in `buckets`), checked before use.
#[derive(Serialize, Deserialize)]
struct SeriesData {
    cfg: SeriesConfig,
    width: u32,
    buckets: Vec<(i64, Row)>,
    range: Option<(i64, i64)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    by: Option<Box<SeriesBy>>,
}

impl From<Series> for SeriesData {
    fn from(mut s: Series) -> SeriesData {
        s.park();
        SeriesData {
            cfg: s.cfg,
            width: s.width,
            buckets: s.buckets,
            range: s.range,
            by: s.by,
        }
    }
}

impl TryFrom<SeriesData> for Series {
    type Error = String;

    fn try_from(d: SeriesData) -> Result<Series, String> {
        let ok_width = |w: u32| WIDTHS.contains(&w);
        if !(ok_width(d.width) || LONG_WIDTHS.contains(&d.width))
            || d.cfg.width_s.is_some_and(|w| !ok_width(w))
            || d.cfg.shift_s >= 3600
            || d.range
                .is_some_and(|(lo, hi)| lo > hi || lo.abs() > 1 << 40 || hi.abs() > 1 << 40)
        {
            return Err("a series' width or range is corrupt".into());
        }
        let mut s = Series {
            cfg: d.cfg,
            width: d.width,
            buckets: Vec::with_capacity(d.buckets.len()),
            range: d.range,
            by: d.by,
            index: FxHashMap::default(),
            last: None,
            cur: Row::default(),
        };
        for (idx, row) in d.buckets {
            let in_range = s
                .range
                .is_some_and(|(lo, hi)| idx >= s.grid(lo) && idx <= s.grid(hi));
            if !in_range || s.index.insert(idx, s.buckets.len()).is_some() {
                return Err(format!("a series bucket ({idx}) is corrupt"));
            }
            s.buckets.push((idx, row));
        }
        if s.by.as_ref().is_some_and(|b| b.width() != s.width) {
            return Err("a series by key has another width".into());
        }
        Ok(s)
    }
}

/// Adds `hit` to `row`.
#[inline(always)]
pub(crate) fn add_hit(row: &mut Row, hit: Hit) {
    row.requests += 1;
    // Classes are 0..=5: `min` keeps the index in range without a branch.
    row.classes[hit.class.min(5)] += 1;
    row.bytes_sent = row.bytes_sent.saturating_add(hit.bytes_sent);
    if let Some(l) = hit.latency_us {
        row.latency.insert(l, BUCKET_DENSE_MS);
    }
}

/// Adds `other` to `row`.
pub(crate) fn merge_row(row: &mut Row, other: &Row) {
    row.requests += other.requests;
    for (a, b) in row.classes.iter_mut().zip(other.classes) {
        *a += b;
    }
    row.bytes_sent = row.bytes_sent.saturating_add(other.bytes_sent);
    row.latency.merge(&other.latency, BUCKET_DENSE_MS);
}

/// `rows` (bucket number, row) at a width `ratio` times coarser: adjacent rows merged.
pub(crate) fn coarsen_rows(rows: Vec<(i64, Row)>, ratio: i64) -> Vec<(i64, Row)> {
    let mut index: FxHashMap<i64, usize> = FxHashMap::default();
    let mut out: Vec<(i64, Row)> = Vec::new();
    for (idx, row) in rows {
        let to = idx.div_euclid(ratio);
        match index.get(&to) {
            Some(&i) => {
                if let Some((_, r)) = out.get_mut(i) {
                    merge_row(r, &row);
                }
            }
            None => {
                index.insert(to, out.len());
                out.push((to, row));
            }
        }
    }
    out
}

/// The values of a bucket's row.
pub(crate) fn values_of(row: Option<&Row>) -> SeriesValues {
    let Some(r) = row else {
        return SeriesValues::default();
    };
    let q = r.latency.quantiles(&[super::P50, super::P99, 1_000_000]);
    let [c1, c2, c3, c4, c5, _] = r.classes;
    SeriesValues {
        requests: r.requests,
        status_1xx: c1,
        status_2xx: c2,
        status_3xx: c3,
        status_4xx: c4,
        status_5xx: c5,
        bytes_sent: r.bytes_sent,
        p50_us: q.as_ref().map(|q| q[0]),
        p99_us: q.as_ref().map(|q| q[1]),
        max_us: q.as_ref().map(|q| q[2]),
        approximate: r.latency.is_approximate(),
    }
}

impl Series {
    pub(super) fn new(cfg: SeriesConfig, by: Option<Dimension>) -> Series {
        let width = cfg.width_s.filter(|w| WIDTHS.contains(w)).unwrap_or(1);
        Series {
            cfg,
            width,
            buckets: Vec::new(),
            range: None,
            by: by.map(|d| Box::new(SeriesBy::new(d, cfg.by_cap, width))),
            index: FxHashMap::default(),
            last: None,
            cur: Row::default(),
        }
    }

    /// Puts the row of the bucket last hit back in its place (before `buckets` is read).
    fn park(&mut self) {
        if let Some((_, _, slot)) = self.last.take()
            && let Some((_, row)) = self.buckets.get_mut(slot)
        {
            std::mem::swap(row, &mut self.cur);
        }
    }

    /// The series with every row in `buckets`: itself, or a copy with the row parked.
    fn parked(&self) -> std::borrow::Cow<'_, Series> {
        let mut s = std::borrow::Cow::Borrowed(self);
        if self.last.is_some() {
            s.to_mut().park();
        }
        s
    }

    /// The bucket number of shifted second `s`.
    #[inline]
    fn grid(&self, s: i64) -> i64 {
        s.div_euclid(i64::from(self.width))
    }

    /// The most buckets the range may take at width `w`: a width asked for keeps
    /// [`MAX_BUCKETS`]; the default series is kept at the finest width showing at most
    /// [`DEFAULT_BUCKETS`], or at [`FINE_WIDTH`] and wider up to [`ANOMALY_BUCKETS`]
    /// (what the detector reads; shown coarsened). With `--series-by` rows, whose keys
    /// each hold a row per bucket, the default series stays at the width it shows.
    fn limit_at(&self, w: u32) -> i64 {
        match self.cfg.width_s {
            Some(_) => MAX_BUCKETS,
            None if w >= FINE_WIDTH && self.by.is_none() => ANOMALY_BUCKETS,
            None => DEFAULT_BUCKETS,
        }
    }

    /// The width the series is kept at over its range: the finest, not finer than the
    /// current one, within [`Series::limit_at`] (the widest if none is). It grows with
    /// the range alone, so merges in any order end at the same width.
    fn kept_width(&self) -> u32 {
        WIDTHS
            .into_iter()
            .filter(|&w| w >= self.width)
            .find(|&w| self.span_at(w) <= self.limit_at(w))
            .unwrap_or_else(|| self.widest())
    }

    /// The width when none of [`WIDTHS`] fits its limit: 1 h, or past [`MAX_BUCKETS`]
    /// hours the first of [`LONG_WIDTHS`] (not finer than the current one) within
    /// [`MAX_BUCKETS`]. It depends on the range alone, as every width choice here.
    fn widest(&self) -> u32 {
        let hour = WIDTHS[WIDTHS.len() - 1];
        if self.span_at(hour) <= MAX_BUCKETS {
            return hour.max(self.width);
        }
        LONG_WIDTHS
            .into_iter()
            .filter(|&w| w >= self.width)
            .find(|&w| self.span_at(w) <= MAX_BUCKETS)
            .unwrap_or(LONG_WIDTHS[LONG_WIDTHS.len() - 1])
    }

    /// Buckets of width `w` over the range.
    fn span_at(&self, w: u32) -> i64 {
        let w = i64::from(w);
        self.range
            .map_or(0, |(lo, hi)| hi.div_euclid(w) - lo.div_euclid(w) + 1)
    }

    /// The finest width, not finer than the current one, whose buckets over the range
    /// number at most `limit` (the widest if none does).
    fn fitting(&self, limit: i64) -> u32 {
        WIDTHS
            .into_iter()
            .filter(|&w| w >= self.width)
            .find(|&w| self.span_at(w) <= limit)
            .unwrap_or_else(|| self.widest())
    }

    /// Counts a request of UTC second `second`.
    #[inline]
    pub(super) fn add(&mut self, second: i64, hit: Hit) {
        match self.last {
            Some((lo, hi, _)) if second >= lo && second < hi => {}
            _ => self.switch_to(second),
        }
        add_hit(&mut self.cur, hit);
    }

    /// Makes `second`'s bucket the one hit (made if new, coarsening first if the range
    /// needs it): its row goes to `cur`, the one hit before back to its place.
    #[inline(never)]
    fn switch_to(&mut self, second: i64) {
        self.park();
        let s = second + i64::from(self.cfg.shift_s);
        // The width depends on the range alone: checked only when the range grows (most
        // switches are late lines going back to a bucket already made).
        if !matches!(self.range, Some((lo, hi)) if s >= lo && s <= hi) {
            self.range = Some(match self.range {
                None => (s, s),
                Some((lo, hi)) => (lo.min(s), hi.max(s)),
            });
            let fit = self.kept_width();
            if fit != self.width {
                self.coarsen_to(fit);
            }
        }
        let idx = self.grid(s);
        let slot = self.slot_at(idx);
        if let Some((_, row)) = self.buckets.get_mut(slot) {
            std::mem::swap(row, &mut self.cur);
        }
        let w = i64::from(self.width);
        let lo = idx * w - i64::from(self.cfg.shift_s);
        self.last = Some((lo, lo + w, slot));
    }

    /// The place of bucket `idx`, made if new.
    fn slot_at(&mut self, idx: i64) -> usize {
        if let Some(&i) = self.index.get(&idx) {
            return i;
        }
        let i = self.buckets.len();
        self.buckets.push((idx, Row::default()));
        self.index.insert(idx, i);
        i
    }

    /// Merges adjacent buckets into width `w` (a multiple of the current one).
    fn coarsen_to(&mut self, w: u32) {
        if w <= self.width {
            return;
        }
        self.park();
        let ratio = i64::from(w / self.width);
        self.buckets = coarsen_rows(std::mem::take(&mut self.buckets), ratio);
        self.index = self
            .buckets
            .iter()
            .enumerate()
            .map(|(i, (idx, _))| (*idx, i))
            .collect();
        self.width = w;
        if let Some(by) = &mut self.by {
            by.coarsen_to(w);
        }
    }

    /// Adds `other`'s buckets (see the module documentation).
    pub(super) fn merge(&mut self, other: &Series) {
        let w = self.width.max(other.width);
        self.park();
        self.coarsen_to(w);
        let mut theirs = other.parked();
        if other.width < w {
            theirs.to_mut().coarsen_to(w);
        }
        for (idx, row) in &theirs.buckets {
            let slot = self.slot_at(*idx);
            if let Some((_, mine)) = self.buckets.get_mut(slot) {
                merge_row(mine, row);
            }
        }
        self.range = match (self.range, theirs.range) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (a, b) => a.or(b),
        };
        match (&mut self.by, &theirs.by) {
            (Some(mine), Some(other)) => mine.merge(other),
            (None, Some(other)) => self.by = Some(other.clone()),
            _ => {}
        }
        let fit = self.kept_width();
        self.coarsen_to(fit);
    }

    /// Counts a request of UTC second `second` under `key` in the `--series-by` rows.
    #[inline]
    pub(super) fn add_key(&mut self, second: i64, key: Option<&[u8]>, hit: Hit) {
        // The series' own bucket for the second first: it may coarsen both.
        let s = second + i64::from(self.cfg.shift_s);
        let idx = self.grid(s);
        if let Some(by) = &mut self.by {
            by.add(key, idx, hit);
        }
    }

    /// The zero-filled buckets at the width to show, and `--series-by`'s rows.
    pub(super) fn summarize(&self, top_n: usize) -> (SeriesSummary, Option<SeriesBySummary>) {
        let mut s = self.parked();
        let show = match self.cfg.width_s {
            Some(_) => self.width,
            None => self.fitting(DEFAULT_BUCKETS),
        };
        if show != self.width {
            s.to_mut().coarsen_to(show);
        }
        let (numbers, buckets, zero_filled) = bucket_list(
            s.range,
            show,
            self.cfg.shift_s,
            s.buckets.iter().map(|b| b.0),
            |idx| {
                s.index
                    .get(&idx)
                    .and_then(|&i| s.buckets.get(i))
                    .map(|b| &b.1)
            },
        );
        let by = s.by.as_ref().map(|b| b.summarize(&numbers, top_n));
        let series = SeriesSummary {
            bucket_s: show,
            requested_bucket_s: self.cfg.width_s,
            zero_filled,
            buckets,
        };
        (series, by)
    }

    /// The anomaly series' width: the finest not finer than the kept one nor
    /// `min_width_s` whose buckets over the range number at most [`ANOMALY_BUCKETS`].
    fn anomaly_width(&self, min_width_s: u32) -> u32 {
        let floor = self.width.max(min_width_s);
        WIDTHS
            .into_iter()
            .filter(|&w| w >= floor)
            .find(|&w| self.span_at(w) <= ANOMALY_BUCKETS)
            .unwrap_or_else(|| self.widest().max(floor))
    }

    /// The kept rows at [`Series::anomaly_width`] for `min_width_s`, merged (exactly)
    /// when that width is coarser, with the width: what the anomaly series and its tail
    /// counts are both read from.
    fn anomaly_rows(&self, min_width_s: u32) -> (u32, std::borrow::Cow<'_, [(i64, Row)]>) {
        let w = self.anomaly_width(min_width_s);
        let rows = match (w / self.width, self.parked()) {
            (ratio, s) if ratio > 1 => {
                std::borrow::Cow::Owned(coarsen_rows(s.into_owned().buckets, i64::from(ratio)))
            }
            (_, std::borrow::Cow::Borrowed(s)) => std::borrow::Cow::Borrowed(&s.buckets[..]),
            (_, std::borrow::Cow::Owned(s)) => std::borrow::Cow::Owned(s.buckets),
        };
        (w, rows)
    }

    /// The zero-filled buckets at [`Series::anomaly_width`]: the kept rows, merged
    /// (exactly) when that width is coarser.
    fn anomaly_summary(&self, min_width_s: u32) -> SeriesSummary {
        let (w, rows) = self.anomaly_rows(min_width_s);
        let index: FxHashMap<i64, usize> = rows
            .iter()
            .enumerate()
            .map(|(i, (idx, _))| (*idx, i))
            .collect();
        let (_, buckets, zero_filled) = bucket_list(
            self.range,
            w,
            self.cfg.shift_s,
            rows.iter().map(|b| b.0),
            |idx| index.get(&idx).and_then(|&i| rows.get(i)).map(|b| &b.1),
        );
        SeriesSummary {
            bucket_s: w,
            requested_bucket_s: self.cfg.width_s,
            zero_filled,
            buckets,
        }
    }

    /// Each bucket's tail counts (`anomaly::TAIL_THRESHOLDS_US`) at the anomaly width:
    /// the requests at or above each threshold, by bucket start (UTC), ascending.
    fn anomaly_tails(&self, min_width_s: u32) -> crate::anomaly::Tails {
        let (w, rows) = self.anomaly_rows(min_width_s);
        let shift = i64::from(self.cfg.shift_s);
        let mut buckets: Vec<(i64, Vec<u64>)> = rows
            .iter()
            .filter(|(_, r)| r.requests > 0)
            .map(|(idx, r)| {
                let start = idx * i64::from(w) - shift;
                let counts = r
                    .latency
                    .counts_at_least(&crate::anomaly::TAIL_THRESHOLDS_US);
                (start, counts)
            })
            .collect();
        buckets.sort_unstable_by_key(|b| b.0);
        crate::anomaly::Tails {
            bucket_s: w,
            buckets,
        }
    }

    pub(super) fn gap_s(&self) -> u32 {
        self.cfg.gap_s
    }

    /// Widens the range to cover `range` too (coarsening if it then needs to): series
    /// with the same range show the same buckets.
    fn widen(&mut self, range: (i64, i64)) {
        self.park();
        self.range = Some(match self.range {
            None => range,
            Some((lo, hi)) => (lo.min(range.0), hi.max(range.1)),
        });
        let fit = self.kept_width();
        self.coarsen_to(fit);
    }
}

/// The bucket numbers to show at width `w` over the shifted `range` (every one from the
/// first to the last while fewer than [`MAX_BUCKETS`]: zero-filled; else those of
/// `numbers`, the rows held), their buckets (`row_of` gives a number's row), and
/// whether they are zero-filled.
fn bucket_list<'r>(
    range: Option<(i64, i64)>,
    w: u32,
    shift_s: u32,
    numbers: impl Iterator<Item = i64>,
    row_of: impl Fn(i64) -> Option<&'r Row>,
) -> (Vec<i64>, Vec<SeriesBucket>, bool) {
    let w = i64::from(w);
    let shift = i64::from(shift_s);
    let (first, last) = range.map_or((0, -1), |(lo, hi)| (lo.div_euclid(w), hi.div_euclid(w)));
    let zero_filled = last - first < MAX_BUCKETS;
    let numbers: Vec<i64> = match zero_filled {
        true => (first..=last).collect(),
        false => {
            let mut n: Vec<i64> = numbers.collect();
            n.sort_unstable();
            n
        }
    };
    let buckets = numbers
        .iter()
        .map(|&idx| {
            let start = idx * w - shift;
            SeriesBucket {
                start: format_rfc3339(start.saturating_mul(1_000_000), None),
                start_epoch: start,
                values: values_of(row_of(idx)),
            }
        })
        .collect();
    (numbers, buckets, zero_filled)
}

/// The gaps of `per_second`: runs of empty seconds longer than `gap_s` inside the range,
/// where the minute before the run (its 60 seconds just before the first empty one) and
/// the minute after (the 60 seconds from the next request's) each had requests in at
/// least [`BUSY_SECONDS`] of their seconds. A run at a page of rare requests is not a gap:
/// the traffic around it must have been steady.
pub(crate) fn gaps(per_second: &PerSecond, gap_s: u32) -> Gaps {
    let busy: Vec<i64> = per_second.nonzero().map(|(s, _)| s).collect();
    // Seconds with requests in `[from, to)`.
    let busy_in = |from: i64, to: i64| {
        busy.partition_point(|&s| s < to) - busy.partition_point(|&s| s < from)
    };
    let mut list = Vec::new();
    let mut count = 0u64;
    for pair in busy.windows(2) {
        let (before, next) = (pair[0], pair[1]);
        let (start, end) = (before + 1, next);
        let len = end - start;
        if len <= i64::from(gap_s)
            || busy_in(start - 60, start) < BUSY_SECONDS
            || busy_in(end, end + 60) < BUSY_SECONDS
        {
            continue;
        }
        count += 1;
        if list.len() < MAX_GAPS {
            list.push(Gap {
                start: format_rfc3339(start.saturating_mul(1_000_000), None),
                start_epoch: start,
                end: format_rfc3339(end.saturating_mul(1_000_000), None),
                end_epoch: end,
                seconds: len as u64,
            });
        }
    }
    Gaps {
        min_seconds: u64::from(gap_s),
        count,
        gaps: list,
    }
}

impl Aggregate {
    /// Gives the aggregate a series over time (`--bucket`; the report's default series),
    /// with `--series-by` rows by `by` if given.
    pub fn set_series(&mut self, cfg: SeriesConfig, by: Option<Dimension>) {
        self.series = Some(Box::new(Series::new(cfg, by)));
        self.set_cells(Aggregate::cells_width(cfg.width_s), cfg.shift_s);
    }

    /// The series the anomaly detector examines (`None` without a series): zero-filled
    /// buckets of the series as kept (1 minute wide over a day by default), merged into
    /// wider ones to be at least `min_width_s` wide (60 by default; `--bucket`'s width
    /// when given) and at most [`ANOMALY_BUCKETS`] over the range. Exact, as the shown
    /// series is.
    pub fn anomaly_series(&self, min_width_s: u32) -> Option<SeriesSummary> {
        self.series.as_ref().map(|s| s.anomaly_summary(min_width_s))
    }

    /// The tail counts of [`Aggregate::anomaly_series`]'s buckets (`None` without a
    /// series): how many requests took at least each of the detector's thresholds.
    pub fn anomaly_tails(&self, min_width_s: u32) -> Option<crate::anomaly::Tails> {
        self.series.as_ref().map(|s| s.anomaly_tails(min_width_s))
    }

    /// The width of [`Aggregate::anomaly_series`] for `min_width_s`.
    pub fn anomaly_width(&self, min_width_s: u32) -> Option<u32> {
        self.series.as_ref().map(|s| s.anomaly_width(min_width_s))
    }

    /// Whether the aggregate has `--series-by` rows.
    #[inline]
    pub fn series_by(&self) -> bool {
        self.series.as_ref().is_some_and(|s| s.by.is_some())
    }

    /// Counts a request (also given to `observe`) under `key` in the `--series-by` rows:
    /// its latency is the request time (HAProxy's Ta where there is none).
    #[inline]
    pub fn observe_series_key(
        &mut self,
        ts_us: i64,
        key: Option<&[u8]>,
        status: u16,
        bytes_sent: Option<u64>,
        latency_us: Option<u64>,
    ) {
        let code = usize::from(status).min(999);
        let hit = Hit {
            class: usize::from(super::CLASS_OF.get(code).copied().unwrap_or(5)),
            bytes_sent: bytes_sent.unwrap_or(0),
            latency_us,
        };
        if let Some(s) = &mut self.series {
            s.add_key(ts_us.div_euclid(1_000_000), key, hit);
        }
    }

    /// Counts an observed request in the series, if any: its latency is the request
    /// time, HAProxy's Ta where there is none (as the overall latency).
    #[inline]
    pub(super) fn observe_series(&mut self, second: i64, o: &super::Observation<'_>, hit: Hit) {
        if let Some(s) = &mut self.series {
            let ta = || o.haproxy.as_ref().and_then(|h| h.timers_us[4]);
            let latency_us = hit.latency_us.or_else(ta);
            s.add(second, Hit { latency_us, ..hit });
        }
    }

    /// Adds `other`'s series (an aggregate without one takes the other's).
    pub(super) fn merge_series(&mut self, other: &Aggregate) {
        match (&mut self.series, &other.series) {
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (None, Some(theirs)) => self.series = Some(theirs.clone()),
            _ => {}
        }
    }

    /// The log time the series covers, in seconds on its grid (`None` without a series
    /// or before a request).
    pub fn series_range(&self) -> Option<(i64, i64)> {
        self.series.as_ref().and_then(|s| s.range)
    }

    /// Widens the series' range to cover `range` (from [`Aggregate::series_range`] of
    /// an aggregate with the same series configuration): aggregates widened to the
    /// union of their ranges show the same buckets, side by side (the tiers of a run).
    pub fn widen_series_range(&mut self, range: (i64, i64)) {
        if let Some(s) = &mut self.series {
            s.widen(range);
        }
    }

    /// The series parts of the summary (all `None` without a series).
    pub(super) fn summarize_series(&self) -> SeriesParts {
        match &self.series {
            None => SeriesParts::default(),
            Some(s) => {
                let (series, series_by) = s.summarize(self.cfg.top_n);
                SeriesParts {
                    series: Some(series),
                    series_by,
                    gaps: Some(gaps(&self.per_second, s.gap_s())),
                    display: None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Observation, StatsConfig};

    fn obs(ts_s: i64, status: u16, ms: u64) -> Observation<'static> {
        Observation {
            ts_us: ts_s * 1_000_000,
            status,
            bytes_sent: Some(ms),
            request_time_us: Some(ms * 1000),
            ..Observation::default()
        }
    }

    fn with_series(cfg: SeriesConfig) -> Aggregate {
        let mut a = Aggregate::new(StatsConfig::default());
        a.set_series(cfg, Some(Dimension::Status));
        a
    }

    /// Requests over 3 hours (every 7 s), split in three parts merged in two orders and
    /// at two moments: every way gives the whole's series, at 5 m (36 buckets: 1 m would
    /// be 180), and the hand-counted first bucket.
    #[test]
    fn merges_in_any_order_give_the_whole() {
        let cfg = SeriesConfig {
            gap_s: 10,
            by_cap: 10,
            ..SeriesConfig::default()
        };
        let lines: Vec<Observation<'_>> = (0..1543)
            .map(|i| obs(3600 + i * 7, [200, 404, 503][i as usize % 3], i as u64 % 50))
            .collect();
        let mut whole = with_series(cfg);
        let mut parts = [0, 1, 2].map(|_| with_series(cfg));
        for (i, o) in lines.iter().enumerate() {
            whole.observe(o);
            whole.observe_series_key(
                o.ts_us,
                Some(o.status.to_string().as_bytes()),
                o.status,
                o.bytes_sent,
                o.request_time_us,
            );
            // Parts: interleaved, so each spans the whole range and coarsens on its own.
            let p = &mut parts[i % 3];
            p.observe(o);
            p.observe_series_key(
                o.ts_us,
                Some(o.status.to_string().as_bytes()),
                o.status,
                o.bytes_sent,
                o.request_time_us,
            );
        }
        let [a, b, c] = parts;
        let mut abc = a.clone();
        abc.merge(&b);
        abc.merge(&c);
        let mut cba = c.clone();
        cba.merge(&b);
        cba.merge(&a);
        let want = whole.summarize();
        assert_eq!(abc.summarize(), want);
        assert_eq!(cba.summarize(), want);
        let s = want.series.series.unwrap();
        // 1543 requests at 7 s: 10,794 s, from 3,600 to 14,394: 5 m buckets 12 … 47.
        assert_eq!((s.bucket_s, s.buckets.len()), (300, 36));
        // The first bucket: seconds 3,600..3,900, requests i = 0..=42 (7 i < 300).
        let b0 = &s.buckets[0];
        assert_eq!((b0.start_epoch, b0.values.requests), (3600, 43));
        assert_eq!(
            (
                b0.values.status_2xx,
                b0.values.status_4xx,
                b0.values.status_5xx
            ),
            (15, 14, 14)
        );
        // Latencies i % 50 ms for i = 0..=42: the max is 42 ms, p50 the 22nd smallest (21 ms).
        assert_eq!(
            (b0.values.max_us, b0.values.p50_us),
            (Some(42_000), Some(21_000))
        );
        let by = want.series.series_by.unwrap();
        assert_eq!(by.rows.len(), 3);
        assert_eq!(by.rows[0].buckets.len(), 36);
    }

    /// `--bucket 1m` stays at 1 m; past 100,000 buckets it coarsens to the next width.
    #[test]
    fn fixed_width_coarsens_only_past_its_limit() {
        let cfg = SeriesConfig {
            width_s: Some(60),
            ..SeriesConfig::default()
        };
        let mut a = with_series(cfg);
        a.observe(&obs(0, 200, 1));
        a.observe(&obs(60 * 99_999, 200, 1));
        assert_eq!(
            a.summarize()
                .series
                .series
                .map(|s| (s.bucket_s, s.buckets.len())),
            Some((60, 100_000))
        );
        a.observe(&obs(60 * 100_000, 200, 1));
        let s = a.summarize().series.series.unwrap();
        // 6,000,060 s at 5 m: 20,001 buckets.
        assert_eq!(
            (s.bucket_s, s.requested_bucket_s, s.buckets.len()),
            (300, Some(60), 20_001)
        );
    }

    /// A saved series loads back and summarizes as the original; a state saved without
    /// one (before series existed) loads with none.
    #[test]
    fn state_keeps_the_series() {
        let mut a = with_series(SeriesConfig {
            width_s: Some(10),
            shift_s: 1800,
            gap_s: 10,
            by_cap: 5,
        });
        for i in 0..300 {
            let o = obs(1000 + i * 3, 200 + (i % 2) as u16 * 300, i as u64);
            a.observe(&o);
            a.observe_series_key(
                o.ts_us,
                Some(b"k"),
                o.status,
                o.bytes_sent,
                o.request_time_us,
            );
        }
        let mut out = Vec::new();
        a.save(&mut out).unwrap();
        let b = Aggregate::load(&out[..]).unwrap();
        assert_eq!(b.summarize(), a.summarize());
        let plain = Aggregate::new(StatsConfig::default());
        let mut out = Vec::new();
        plain.save(&mut out).unwrap();
        assert!(!String::from_utf8_lossy(&out).contains("series"));
        let old = Aggregate::load(&out[..]).unwrap();
        assert!(old.summarize().series.series.is_none());
    }

    /// A day of hand-built requests (minute `m` has `1 + m % 7` of them, minute 500
    /// 50 more), in no time order: the anomaly series holds the 1,440 minutes with
    /// exactly those counts (and 5-minute sums when asked for 300 s), while the shown
    /// series is still 24 hours (the finest width with at most 120 buckets).
    #[test]
    fn anomaly_series_is_by_the_minute_over_a_day() {
        let day = 19_675 * 86_400;
        let per_minute = |m: i64| 1 + m % 7 + if m == 500 { 50 } else { 0 };
        let mut a = Aggregate::new(StatsConfig::default());
        a.set_series(SeriesConfig::default(), None);
        // Minutes visited 0, 577, 1154, … (577 is prime to 1,440): every one, out of order.
        for m in (0..1440).map(|i| i * 577 % 1440) {
            for k in 0..per_minute(m) {
                a.observe(&obs(day + m * 60 + (k * 13) % 60, 200, 1));
            }
        }
        let s = a.anomaly_series(60).unwrap();
        assert_eq!((s.bucket_s, s.buckets.len()), (60, 1440));
        for (m, b) in s.buckets.iter().enumerate() {
            let m = m as i64;
            assert_eq!(b.start_epoch, day + m * 60);
            assert_eq!(b.values.requests as i64, per_minute(m), "minute {m}");
        }
        let five = a.anomaly_series(300).unwrap();
        assert_eq!((five.bucket_s, five.buckets.len()), (300, 288));
        for (i, b) in five.buckets.iter().enumerate() {
            let want: i64 = (0..5).map(|j| per_minute(i as i64 * 5 + j)).sum();
            assert_eq!(b.values.requests as i64, want);
        }
        let shown = a.summarize().series.series.unwrap();
        assert_eq!((shown.bucket_s, shown.buckets.len()), (3600, 24));
        for (h, b) in shown.buckets.iter().enumerate() {
            let want: i64 = (0..60).map(|j| per_minute(h as i64 * 60 + j)).sum();
            assert_eq!(
                (b.start_epoch, b.values.requests as i64),
                (day + h as i64 * 3600, want)
            );
        }
    }

    /// Over more than 10,000 minutes (8 days), the anomaly series is at 5 minutes.
    #[test]
    fn anomaly_series_coarsens_past_ten_thousand_buckets() {
        let mut a = Aggregate::new(StatsConfig::default());
        a.set_series(SeriesConfig::default(), None);
        a.observe(&obs(0, 200, 1));
        a.observe(&obs(8 * 86_400 - 1, 200, 1));
        let s = a.anomaly_series(60).unwrap();
        assert_eq!((s.bucket_s, s.buckets.len()), (300, 8 * 288));
        assert_eq!(a.summarize().series.series.unwrap().bucket_s, 3600);
    }

    /// Gaps: the runs longer than `gap_s` with steady minutes around them.
    #[test]
    fn gaps_need_steady_minutes_around() {
        let mut p = PerSecond::default();
        // Busy 0..100, a 20 s hole, busy 120..200, then one request at 230 (a 29 s hole
        // with a quiet minute after it).
        for s in (0..100).chain(120..200).chain([230]) {
            p.add(s, 1);
        }
        let g = gaps(&p, 10);
        let found: Vec<_> = g
            .gaps
            .iter()
            .map(|g| (g.start_epoch, g.end_epoch, g.seconds))
            .collect();
        assert_eq!(found, vec![(100, 120, 20)]);
        assert_eq!(gaps(&p, 20).count, 0);
    }
}
