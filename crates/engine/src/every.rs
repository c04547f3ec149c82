//! Reports per interval of log time, for a live stream (`tail -F access.log | axlog report
//! --every 10s`): lines are parsed as they arrive, and when a line's time falls in a later
//! interval than the one being counted, that interval's summary is handed out and a new
//! one starts. A line older than the interval being counted (logged late) counts in it,
//! in its first second, so that an interval's QPS figures (peak, mean) are over its own
//! seconds.

use crate::progress::open_source;
use crate::sink::{Begin, ChunkPlace, ChunkSink, RecordSink, SourceId};
use crate::sinks::stats::{prepare_record, record_into, stats_fields};
use crate::{Config, SourceRun};
use axlog_format::{Fields, ParseError, Record};
use axlog_input::{ChunkReader, Source};
use axlog_stats::summary::LayoutInfo;
use axlog_stats::{Aggregate, Summary};

/// Counts the current interval and hands out each finished one.
struct Windows<'e, E: FnMut(i64, Summary)> {
    cfg: &'e Config,
    every_us: i64,
    /// The interval being counted (its number since the epoch) and its statistics.
    current: Option<i64>,
    stats: Aggregate,
    emit: E,
    /// The layout the lines are read with, for each summary.
    layout: Option<LayoutInfo>,
    /// Lines of the source before the current chunk (malformed samples give their line).
    chunk_start: u64,
    lines: u64,
}

impl<E: FnMut(i64, Summary)> Windows<'_, E> {
    /// Hands out the interval being counted, if it has any line.
    fn flush(&mut self) {
        if let Some(w) = self.current.take() {
            let done = std::mem::replace(&mut self.stats, Aggregate::new(self.cfg.stats));
            let mut summary = done.summarize();
            summary.axlog_version = env!("CARGO_PKG_VERSION").to_string();
            summary.layout = self.layout.clone();
            (self.emit)(w * self.every_us / 1_000_000, summary);
        }
    }
}

impl<E: FnMut(i64, Summary)> RecordSink for Windows<'_, E> {
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
                self.flush();
                true
            }
            Some(_) => false,
            None => true,
        };
        if opens {
            self.current = Some(w);
            let every_s = self.every_us / 1_000_000;
            let first = w.saturating_mul(every_s);
            self.stats
                .set_window(first, first.saturating_add(every_s - 1));
        }
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

impl<E: FnMut(i64, Summary)> ChunkSink for Windows<'_, E> {
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

/// Reads `source` as a live stream and calls `emit(interval start, epoch seconds;
/// summary)` for every `every_s`-second interval of log time that has lines, the last one
/// when the stream ends. Returns how the reading went.
pub fn run_every(
    source: &Source,
    cfg: &Config,
    every_s: u64,
    emit: impl FnMut(i64, Summary),
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
    windows.flush();
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
        let lines = run_every(&Source::Path(path), &Config::default(), 10, |start, s| {
            got.push((start, s.requests, s.lines.read, s.lines.malformed))
        })
        .unwrap();
        assert_eq!(lines, 7);
        // 2026-11-21T10:00:00Z = 1795255200 (date -d).
        let t0 = 1_795_255_200;
        assert_eq!(
            got,
            vec![
                (t0, 3, 3, 0),
                // :10 opens the next interval; the late :08 counts there.
                (t0 + 10, 2, 2, 0),
                (t0 + 20, 1, 2, 1),
            ]
        );
    }
}
