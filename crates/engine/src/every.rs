//! Reports per interval of log time, for a live stream (`tail -F access.log | axlog report
//! --every 10s`): lines are parsed as they arrive, and when a line's time falls in a later
//! interval than the one being counted, that interval's summary is handed out and a new
//! one starts. A line older than the interval being counted (logged late) counts in it,
//! in its first second, so that an interval's QPS figures (peak, mean) are over its own
//! seconds. Intervals without a request between two with requests are handed out too,
//! with zeros: an outage shows instead of vanishing. The last interval, handed out when
//! the stream ends, is partial: its QPS figures cover its seconds up to its last request's.

use crate::progress::open_source;
use crate::sink::{Begin, ChunkPlace, ChunkSink, RecordSink, SourceId};
use crate::sinks::stats::{prepare_record, record_into, stats_fields};
use crate::{Config, SourceRun};
use axlog_format::{Fields, ParseError, Record};
use axlog_input::{ChunkReader, Source};
use axlog_stats::summary::LayoutInfo;
use axlog_stats::timefmt::format_rfc3339;
use axlog_stats::{Aggregate, Summary};

/// More empty intervals in a row than this (a timestamp jump of years) are handed out as
/// one [`Live::NoRequests`] instead of one window each.
pub const MAX_EMPTY_WINDOWS: i64 = 100_000;

/// What [`run_every`] hands out, in log-time order.
#[derive(Debug)]
pub enum Live {
    /// One interval: its start (epoch seconds) and its summary. `partial` when the stream
    /// ended before the interval did: its QPS figures are then over its seconds from its
    /// first to its last request's, not over the whole interval.
    Window {
        start: i64,
        partial: bool,
        summary: Box<Summary>,
    },
    /// `windows` intervals in a row without a request, more than [`MAX_EMPTY_WINDOWS`]:
    /// from `from` (the first one's start) to `to` (the next window's start), in epoch
    /// seconds.
    NoRequests { from: i64, to: i64, windows: i64 },
}

/// Counts the current interval and hands out each finished one.
struct Windows<'e, E: FnMut(Live)> {
    cfg: &'e Config,
    every_us: i64,
    /// The interval being counted (its number since the epoch) and its statistics.
    current: Option<i64>,
    /// The latest second a request of the current interval counted in (its end, once
    /// the stream ends there).
    last_second: i64,
    stats: Aggregate,
    emit: E,
    /// The layout the lines are read with, for each summary.
    layout: Option<LayoutInfo>,
    /// Lines of the source before the current chunk (malformed samples give their line).
    chunk_start: u64,
    lines: u64,
}

impl<E: FnMut(Live)> Windows<'_, E> {
    fn every_s(&self) -> i64 {
        self.every_us / 1_000_000
    }

    /// The seconds (first, last) of interval `w`.
    fn bounds(&self, w: i64) -> (i64, i64) {
        let first = w.saturating_mul(self.every_s());
        (first, first.saturating_add(self.every_s() - 1))
    }

    /// Hands out the interval being counted, if it has any line; `partial` when the
    /// stream ended in it, so that its QPS figures are over the seconds it covered.
    fn flush(&mut self, partial: bool) {
        if let Some(w) = self.current.take() {
            let mut done = std::mem::replace(&mut self.stats, Aggregate::new(self.cfg.stats));
            let (first, _) = self.bounds(w);
            if partial {
                // Every request counted at or before `last_second` (late ones at the
                // first second), so narrowing the range now loses none.
                done.set_window(first, self.last_second);
            }
            let summary = self.finish(done);
            (self.emit)(Live::Window {
                start: first,
                partial,
                summary,
            });
        }
    }

    fn finish(&self, done: Aggregate) -> Box<Summary> {
        let mut summary = done.summarize();
        summary.axlog_version = env!("CARGO_PKG_VERSION").to_string();
        summary.layout = self.layout.clone();
        Box::new(summary)
    }

    /// Hands out the intervals after `c` and before `w`, which had no request: each as
    /// zeros, or past [`MAX_EMPTY_WINDOWS`] in a row, one [`Live::NoRequests`] (no count
    /// of windows from a timestamp jump decides how much is done).
    fn empty_between(&mut self, c: i64, w: i64) {
        let n = w.saturating_sub(c).saturating_sub(1);
        if n <= 0 {
            return;
        }
        if n > MAX_EMPTY_WINDOWS {
            let (from, _) = self.bounds(c.saturating_add(1));
            let (to, _) = self.bounds(w);
            (self.emit)(Live::NoRequests {
                from,
                to,
                windows: n,
            });
            return;
        }
        // Every empty window's summary is the first one's but for its peak second (its
        // first): copied, not built again (an aggregate is costly to make, 100,000 of
        // them took seconds).
        let mut empty = Aggregate::new(self.cfg.stats);
        let (first, last) = self.bounds(c + 1);
        empty.set_window(first, last);
        let template = self.finish(empty);
        for k in c + 1..w {
            let (first, _) = self.bounds(k);
            let mut summary = template.clone();
            if let Some(q) = summary.qps.as_mut() {
                q.peak_second = format_rfc3339(first.saturating_mul(1_000_000), None);
                q.peak_second_epoch = first;
            }
            (self.emit)(Live::Window {
                start: first,
                partial: false,
                summary,
            });
        }
    }
}

impl<E: FnMut(Live)> RecordSink for Windows<'_, E> {
    fn fields(&self) -> Fields {
        stats_fields()
    }

    #[inline]
    fn prepare(&mut self, r: &Record<'_>) {
        prepare_record(&mut self.stats, r);
    }

    fn record(&mut self, r: &Record<'_>) {
        let w = r.ts_us.div_euclid(self.every_us);
        let opens = match self.current {
            Some(c) if w > c => {
                self.flush(false);
                self.empty_between(c, w);
                true
            }
            Some(_) => false,
            None => true,
        };
        if opens {
            self.current = Some(w);
            let (first, last) = self.bounds(w);
            self.stats.set_window(first, last);
            self.last_second = first;
        }
        // The second the request counts in: a late one counts in the first.
        let (first, last) = self.bounds(self.current.unwrap_or(w));
        let second = r.ts_us.div_euclid(1_000_000).clamp(first, last);
        self.last_second = self.last_second.max(second);
        self.lines += 1;
        self.stats.add_lines(1);
        record_into(&mut self.stats, r);
    }

    fn malformed(&mut self, source: &str, line_no: u64, line: &[u8], err: ParseError) {
        // A line without a time counts in the interval being counted.
        self.lines += 1;
        self.stats.add_lines(1);
        match err {
            ParseError::NotAccess => self.stats.other_line(),
            _ => self.stats.malformed(
                source,
                self.chunk_start + line_no,
                crate::chunk::without_cr(line),
            ),
        }
    }
}

impl<E: FnMut(Live)> ChunkSink for Windows<'_, E> {
    /// Lines are counted as they come: nothing waits for order.
    type Chunk = ();

    fn begin(&mut self, b: &Begin<'_>) {
        self.layout = b.layout.map(|(f, detected)| LayoutInfo {
            name: f.label(),
            detected,
        });
    }

    fn begin_chunk(&mut self) {
        self.chunk_start = self.lines;
    }

    fn end_chunk(&mut self) {}

    fn add_chunk(&mut self, _: (), _: ChunkPlace<'_>) {}
}

/// Reads `source` as a live stream and calls `emit` for every `every_s`-second interval
/// of log time from the first line's to the last one's (those without a request as
/// zeros), the last one, partial, when the stream ends. Returns how the reading went.
pub fn run_every(
    source: &Source,
    cfg: &Config,
    every_s: u64,
    emit: impl FnMut(Live),
) -> Result<u64, String> {
    let name = source.name();
    let counter = cfg.progress.as_ref().map(|p| p.start(&name));
    let reader = open_source(source, counter.as_ref()).map_err(|e| e.to_string())?;
    let mut chunks = ChunkReader::live(reader, name.clone());
    let mut windows = Windows {
        cfg,
        every_us: i64::try_from(every_s.max(1))
            .unwrap_or(i64::MAX)
            .saturating_mul(1_000_000),
        current: None,
        last_second: 0,
        stats: Aggregate::new(cfg.stats),
        emit,
        layout: None,
        chunk_start: 0,
        lines: 0,
    };
    let mut run = SourceRun::new(SourceId {
        label: name.clone(),
        name,
        row: 0,
    });
    // A chunk's buffer comes back for the next one.
    let spare = std::cell::Cell::new(Vec::new());
    let live = std::iter::from_fn(|| chunks.next_chunk_owned(spare.take()).transpose());
    run.read_in_order(cfg, live, |buf| spare.set(buf), &mut windows);
    windows.flush(true);
    match run.error {
        Some(e) => Err(e.to_string()),
        None => Ok(run.lines),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_summary_per_interval_of_log_time() {
        // Lines at 10:00:00, :05, :09, :10, a late one at :08, :25, and a broken one.
        let line = |t: &str| {
            format!(
                "1.2.3.4 - - [21/Nov/2026:10:00:{t} +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"ua\"\n"
            )
        };
        let text: String = ["00", "05", "09", "10", "08", "25"]
            .iter()
            .map(|t| line(t))
            .chain(["not a line\n".to_string()])
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("live.log");
        std::fs::write(&path, text).unwrap();
        let mut got = Vec::new();
        let lines = run_every(&Source::Path(path), &Config::default(), 10, |live| {
            if let Live::Window {
                start,
                partial,
                summary: s,
            } = live
            {
                let q = s.qps.map(|q| q.seconds);
                got.push((
                    start,
                    s.requests,
                    s.lines.read,
                    s.lines.malformed,
                    partial,
                    q,
                ))
            }
        })
        .unwrap();
        assert_eq!(lines, 7);
        // 2026-11-21T10:00:00Z = 1795255200 (date -d).
        let t0 = 1_795_255_200;
        assert_eq!(
            got,
            vec![
                (t0, 3, 3, 0, false, Some(10)),
                // :10 opens the next interval; the late :08 counts there.
                (t0 + 10, 2, 2, 0, false, Some(10)),
                // The last one ends at :25, its last request's second.
                (t0 + 20, 1, 2, 1, true, Some(6)),
            ]
        );
    }

    /// Intervals without a request between two with requests are handed out as zeros;
    /// past [`MAX_EMPTY_WINDOWS`] in a row (a jump of years), as one `NoRequests`.
    #[test]
    fn empty_intervals_are_zeros_and_a_long_run_is_one() {
        let line =
            |ts: &str| format!("1.2.3.4 - - [{ts} +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"ua\"\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("live.log");
        // Windows 0, 3 (two empty between), then 2036 (millions of 10 s windows later).
        let text: String = [
            "21/Nov/2026:10:00:01",
            "21/Nov/2026:10:00:35",
            "21/Nov/2036:10:00:02",
        ]
        .iter()
        .map(|t| line(t))
        .collect();
        std::fs::write(&path, text).unwrap();
        let t0 = 1_795_255_200;
        let mut got = Vec::new();
        let mut empties = Vec::new();
        run_every(&Source::Path(path), &Config::default(), 10, |live| {
            got.push(match live {
                Live::Window {
                    start,
                    partial,
                    summary: s,
                } => {
                    if s.requests == 0 {
                        empties.push((start, s.clone()));
                    }
                    let q = s.qps.unwrap();
                    (start - t0, s.requests, partial, q.seconds, q.empty_seconds)
                }
                Live::NoRequests { from, to, windows } => {
                    assert_eq!((to - from) / 10, windows);
                    (from - t0, 0, false, 0, windows as u64)
                }
            })
        })
        .unwrap();
        // 2036-11-21T10:00:00Z = 2110874400 (date -d); 10:00:02 is 2 s into its window.
        let t1 = 2_110_874_400 - t0;
        assert_eq!(
            got,
            vec![
                (0, 1, false, 10, 9),
                (10, 0, false, 10, 10),
                (20, 0, false, 10, 10),
                (30, 1, false, 10, 9),
                (40, 0, false, 0, (t1 - 40) as u64 / 10),
                (t1, 1, true, 3, 2),
            ]
        );
        // A copied empty window is the one an aggregate of its interval gives.
        for (start, s) in empties {
            let mut a = Aggregate::new(Config::default().stats);
            a.set_window(start, start + 9);
            let mut want = a.summarize();
            want.axlog_version = s.axlog_version.clone();
            want.layout = s.layout.clone();
            assert_eq!(*s, want);
        }
    }
}
