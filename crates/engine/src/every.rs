//! Reports per interval of log time, for a live stream (`tail -F access.log | axlog report
//! --every 10s`, or `axlog report --every 10s --follow access.log`): lines are parsed as
//! they arrive and counted in the interval ("window") of their own log time; a window is
//! handed out once every input has gone past its end, or is idle. A line older than
//! every window still open (logged late) counts in the first one open, in its first
//! second, so that a window's QPS figures (peak, mean) are over its own seconds.
//! Windows without a request between two handed out are handed out too, with zeros: an
//! outage shows instead of vanishing.
//!
//! The clock: inputs are read on their own threads (feed.rs), so that no line for one
//! interval of wall-clock time is noticed. Then, reading to the end of the inputs, the
//! open windows are handed out, the last one partial: its QPS figures cover its seconds
//! up to its last request's. Following (`--follow`), log time is taken to go on with
//! the wall clock (at the last line's lag), so the windows the clock has passed are
//! handed out, zeros for those without a line, one per interval of silence. The last
//! window is also handed out, partial, when the inputs end and on SIGINT/SIGTERM.

use crate::feed::{Event, Feed, Next};
use crate::sink::{Begin, ChunkPlace, ChunkSink, RecordSink, SourceId};
use crate::sinks::stats::{prepare_record, record_into, stats_fields};
use crate::state::live::{LiveState, OpenWindow};
use crate::{Config, SourceRun, signal};
use axlog_format::{Fields, InputParser, ParseError, Record};
use axlog_input::Source;
use axlog_stats::summary::LayoutInfo;
use axlog_stats::timefmt::format_rfc3339;
use axlog_stats::{Aggregate, Summary};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// More empty intervals in a row than this (a timestamp jump of years) are handed out as
/// one [`Live::NoRequests`] instead of one window each.
pub const MAX_EMPTY_WINDOWS: i64 = 100_000;

/// How often the counting loop looks at the clock and for a signal, when no line comes.
const TICK: Duration = Duration::from_millis(200);

/// How often a followed file is checked for growth and rotation at its end.
pub const FOLLOW_POLL: Duration = Duration::from_millis(250);

/// What [`run_every`] hands out, in log-time order.
#[derive(Debug)]
pub enum Live {
    /// One interval: its start (epoch seconds) and its summary. `partial` when the run
    /// ended (or the input went idle) before the interval did: its QPS figures are then
    /// over its seconds from its first to the last one covered, not the whole interval.
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

/// How a live run reads.
#[derive(Debug, Clone, Copy)]
pub struct Every {
    /// The interval, in seconds (at least 1).
    pub every_s: u64,
    /// Keep reading files as they grow and across rotation (`--follow`): the run ends
    /// on SIGINT/SIGTERM only (or when every input is standard input and it ends).
    pub follow: bool,
}

/// How a live run ended.
#[derive(Debug, Default)]
pub struct Ended {
    /// Lines read, over every input.
    pub lines: u64,
    /// The signal that ended it (SIGINT 2, SIGTERM 15), if one did.
    pub signal: Option<i32>,
    /// Each input that failed, with why (the lines before the failure count).
    pub errors: Vec<String>,
}

/// A window being counted.
struct Open {
    stats: Aggregate,
    /// The latest second a request of it counted in.
    last_second: i64,
}

/// What the windows know of one input.
#[derive(Default)]
struct InputClock {
    /// The latest window a line of it fell in: it has gone past every earlier one.
    watermark: Option<i64>,
    /// When its last chunk came (milliseconds of the run's clock).
    seen_ms: u64,
    /// The window its last request counted in (its lines without a time count there).
    latest: Option<i64>,
    ended: bool,
}

/// Counts the open windows and hands out each finished one.
pub(crate) struct Windows<'e, E: FnMut(Live)> {
    cfg: &'e Config,
    every_us: i64,
    follow: bool,
    open: BTreeMap<i64, Open>,
    /// The latest window handed out: later lines of it, or of earlier ones, are late.
    emitted: Option<i64>,
    /// Lines without a time before any window opened: the first window's.
    pending: Option<Aggregate>,
    inputs: Vec<InputClock>,
    /// The input whose chunk is being counted, and when it came (run clock, ms).
    input: usize,
    now_ms: u64,
    /// The last request's log second and when (run clock, ms) it came: log time is
    /// taken to go on from there with the wall clock (see [`Windows::log_now`]).
    last_arrival: Option<(i64, u64)>,
    emit: E,
    /// The layout the lines are read with, for each summary (the first input's).
    layout: Option<LayoutInfo>,
    /// Lines of the input before the current chunk (malformed samples give their line).
    chunk_start: u64,
}

impl<'e, E: FnMut(Live)> Windows<'e, E> {
    pub(crate) fn new(cfg: &'e Config, every: Every, inputs: usize, emit: E) -> Self {
        Windows {
            cfg,
            every_us: i64::try_from(every.every_s.max(1))
                .unwrap_or(i64::MAX)
                .saturating_mul(1_000_000),
            follow: every.follow,
            open: BTreeMap::new(),
            emitted: None,
            pending: None,
            inputs: (0..inputs).map(|_| InputClock::default()).collect(),
            input: 0,
            now_ms: 0,
            last_arrival: None,
            emit,
            layout: None,
            chunk_start: 0,
        }
    }

    /// What a restarted follower needs to go on (see [`crate::state::live`]): the open
    /// windows, the last one written, the lines waiting for a first window.
    pub(crate) fn snapshot(&self) -> LiveState {
        LiveState {
            every_s: u64::try_from(self.every_s()).unwrap_or(1),
            emitted: self.emitted,
            open: self
                .open
                .iter()
                .map(|(&window, o)| OpenWindow {
                    window,
                    last_second: o.last_second,
                    stats: o.stats.clone(),
                })
                .collect(),
            pending: self.pending.clone(),
        }
    }

    /// Goes on from `saved` (a [`Windows::snapshot`] with the same interval): its open
    /// windows count on, windows up to its last written are handed out no more, and log
    /// time is taken to go on from its latest second (as if a line of it came now).
    pub(crate) fn restore(&mut self, saved: LiveState) {
        self.emitted = saved.emitted;
        self.pending = saved.pending;
        let mut latest = None;
        for o in saved.open {
            latest = latest.max(Some(o.last_second));
            self.open.insert(
                o.window,
                Open {
                    stats: o.stats,
                    last_second: o.last_second,
                },
            );
        }
        self.last_arrival = latest.map(|s| (s, self.now_ms));
    }

    fn every_s(&self) -> i64 {
        self.every_us / 1_000_000
    }

    fn every_ms(&self) -> u64 {
        u64::try_from(self.every_us / 1000).unwrap_or(u64::MAX)
    }

    /// The seconds (first, last) of interval `w`.
    fn bounds(&self, w: i64) -> (i64, i64) {
        let first = w.saturating_mul(self.every_s());
        (first, first.saturating_add(self.every_s() - 1))
    }

    /// The interval second `s` is in.
    fn window_of(&self, s: i64) -> i64 {
        s.div_euclid(self.every_s())
    }

    /// A chunk of input `n` came at `now_ms`: its lines are counted next.
    pub(crate) fn arrive(&mut self, n: usize, now_ms: u64, lines_before: u64) {
        self.input = n;
        self.now_ms = now_ms;
        self.chunk_start = lines_before;
        if let Some(i) = self.inputs.get_mut(n) {
            i.seen_ms = now_ms;
        }
    }

    /// Input `n` has no more lines.
    pub(crate) fn end(&mut self, n: usize) {
        if let Some(i) = self.inputs.get_mut(n) {
            i.ended = true;
        }
    }

    fn all_ended(&self) -> bool {
        self.inputs.iter().all(|i| i.ended)
    }

    /// The log second now, by the wall clock: the last request's second plus the wall
    /// seconds since it came (its lag behind the clock taken to stay the same).
    fn log_now(&self) -> Option<i64> {
        let (s, at) = self.last_arrival?;
        let waited = self.now_ms.saturating_sub(at) / 1000;
        Some(s.saturating_add(i64::try_from(waited).unwrap_or(i64::MAX)))
    }

    /// Windows before the returned one may be handed out: every input still reading
    /// and not idle (a line within one interval of wall time) has gone past them. `None`
    /// when no input holds any back (all idle or ended).
    fn limit(&self) -> Option<i64> {
        let idle_ms = self.every_ms();
        let mut limit = None;
        for i in self.inputs.iter().filter(|i| !i.ended) {
            if self.now_ms.saturating_sub(i.seen_ms) >= idle_ms {
                continue;
            }
            // An input that has given no time yet holds every window back.
            let w = i.watermark.unwrap_or(i64::MIN);
            limit = Some(limit.map_or(w, |l: i64| l.min(w)));
        }
        limit
    }

    /// Whether input `n` is more than one window ahead of the slowest input that holds
    /// windows open: it should wait for it.
    fn ahead(&self, n: usize) -> bool {
        match (self.limit(), self.inputs.get(n).and_then(|i| i.watermark)) {
            (Some(l), Some(w)) => w > l.saturating_add(1),
            _ => false,
        }
    }

    /// Hands out what the inputs and the clock have finished, at `now_ms`: windows every
    /// active input has gone past; when all are idle, the open windows (partial, without
    /// `--follow`) or, following, the windows the clock has passed (zeros for those
    /// without a line).
    pub(crate) fn tick(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
        match self.limit() {
            Some(l) => self.close_before(l),
            None if self.follow && !self.all_ended() => {
                if let Some(now) = self.log_now() {
                    let w = self.window_of(now);
                    self.close_before(w);
                }
            }
            None => self.flush_open(None),
        }
    }

    /// Hands out every open window before `limit`, whole, and the windows without a
    /// line between the last one handed out and `limit`, as zeros.
    fn close_before(&mut self, limit: i64) {
        while let Some(e) = self.open.first_entry() {
            if *e.key() >= limit {
                break;
            }
            let (k, o) = e.remove_entry();
            self.emit_window(k, o.stats, None);
        }
        if let Some(e) = self.emitted
            && e < limit.saturating_sub(1)
        {
            self.empty_between(e, limit);
            self.emitted = Some(limit - 1);
        }
    }

    /// Hands out every open window: the last one partial, its QPS over its seconds up to
    /// `clock` (the log second now, following) or, without one, to its last request's.
    fn flush_open(&mut self, clock: Option<i64>) {
        while let Some((k, o)) = self.open.pop_first() {
            let last = self.open.is_empty();
            let covered = last.then(|| {
                let (_, end) = self.bounds(k);
                match clock {
                    Some(c) => c.clamp(o.last_second, end),
                    None => o.last_second,
                }
            });
            // Without a clock the window ends with the input: partial even when its
            // last request is in its last second (nothing says the second was over).
            let partial = covered.map(|c| clock.is_none() || c < self.bounds(k).1);
            self.emit_window_as(k, o.stats, covered, partial.unwrap_or(false));
        }
    }

    /// The run ends (inputs ended, or a signal): every open window is handed out, the
    /// last partial.
    pub(crate) fn finish(&mut self) {
        let clock = if self.follow && !self.all_ended() {
            self.log_now()
        } else {
            None
        };
        self.flush_open(clock);
    }

    /// [`Windows::finish`] at `now_ms` of the run's clock.
    pub(crate) fn finish_at(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
        self.finish();
    }

    fn emit_window(&mut self, k: i64, stats: Aggregate, covered: Option<i64>) {
        self.emit_window_as(k, stats, covered, false);
    }

    /// Hands out window `k` (after the zeros between it and the last one handed out),
    /// its QPS over its seconds up to `covered` when given.
    fn emit_window_as(
        &mut self,
        k: i64,
        mut stats: Aggregate,
        covered: Option<i64>,
        partial: bool,
    ) {
        if let Some(e) = self.emitted {
            self.empty_between(e, k);
        }
        let (first, _) = self.bounds(k);
        if let Some(c) = covered {
            // Every request counted at or before `c` (late ones at the first second),
            // so narrowing the range now loses none.
            stats.set_window(first, c);
        }
        let summary = self.finish_summary(stats);
        (self.emit)(Live::Window {
            start: first,
            partial,
            summary,
        });
        self.emitted = Some(k);
    }

    fn finish_summary(&self, done: Aggregate) -> Box<Summary> {
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
        let template = self.finish_summary(empty);
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

    /// Window `k`, opened if it is not (with the lines without a time read before any
    /// window, if any).
    fn open_window(&mut self, k: i64) -> &mut Open {
        let (first, last) = self.bounds(k);
        let (cfg, pending) = (self.cfg.stats, &mut self.pending);
        self.open.entry(k).or_insert_with(|| {
            let mut stats = pending.take().unwrap_or_else(|| Aggregate::new(cfg));
            stats.set_window(first, last);
            Open {
                stats,
                last_second: first,
            }
        })
    }

    /// The window a line of log window `w` counts in: its own, or when that one was
    /// handed out already (a late line), the first one open, else the next one.
    fn target(&self, w: i64) -> i64 {
        match self.emitted {
            Some(e) if w <= e => self
                .open
                .keys()
                .next()
                .copied()
                .unwrap_or(e.saturating_add(1)),
            _ => w,
        }
    }

    /// The window a line without a time counts in: the one the input's last request
    /// went to, if still open, else the first one open, else the next one; `None`
    /// before any window (it waits in `pending`).
    fn untimed_target(&self) -> Option<i64> {
        let latest = self.inputs.get(self.input).and_then(|i| i.latest);
        match latest {
            Some(l) if self.open.contains_key(&l) => Some(l),
            _ => match (self.open.keys().next(), self.emitted) {
                (Some(&k), _) => Some(k),
                (None, Some(e)) => Some(e.saturating_add(1)),
                (None, None) => None,
            },
        }
    }

    /// The aggregate a line without a time counts in.
    fn untimed(&mut self) -> &mut Aggregate {
        match self.untimed_target() {
            Some(k) => &mut self.open_window(k).stats,
            None => {
                let cfg = self.cfg.stats;
                self.pending.get_or_insert_with(|| Aggregate::new(cfg))
            }
        }
    }
}

impl<E: FnMut(Live)> RecordSink for Windows<'_, E> {
    fn fields(&self) -> Fields {
        stats_fields()
    }

    #[inline]
    fn prepare(&mut self, r: &Record<'_>) {
        // A hint for the window most lines go to: the input's latest.
        let latest = self.inputs.get(self.input).and_then(|i| i.latest);
        if let Some(o) = latest.and_then(|l| self.open.get_mut(&l)) {
            prepare_record(&mut o.stats, r);
        }
    }

    fn record(&mut self, r: &Record<'_>) {
        let w = r.ts_us.div_euclid(self.every_us);
        let second = r.ts_us.div_euclid(1_000_000);
        self.last_arrival = Some((second, self.now_ms));
        let mut moved = false;
        if let Some(i) = self.inputs.get_mut(self.input)
            && i.watermark.is_none_or(|m| w > m)
        {
            i.watermark = Some(w);
            moved = true;
        }
        if moved {
            // The input went past windows: those every input has passed are done (with
            // one input, a line of a later window hands out the one before at once).
            if let Some(l) = self.limit() {
                self.close_before(l);
            }
        }
        let k = self.target(w);
        let (first, last) = self.bounds(k);
        // The second the request counts in: a late one counts in the first.
        let counted = second.clamp(first, last);
        let open = self.open_window(k);
        open.last_second = open.last_second.max(counted);
        open.stats.add_lines(1);
        record_into(&mut open.stats, r);
        if let Some(i) = self.inputs.get_mut(self.input) {
            i.latest = Some(k);
        }
    }

    fn malformed(&mut self, source: &str, line_no: u64, line: &[u8], err: ParseError) {
        let line_no = self.chunk_start + line_no;
        let stats = self.untimed();
        stats.add_lines(1);
        match err {
            ParseError::NotAccess => stats.other_line(),
            _ => stats.malformed(source, line_no, crate::chunk::without_cr(line)),
        }
    }
}

impl<E: FnMut(Live)> ChunkSink for Windows<'_, E> {
    /// Lines are counted as they come: nothing waits for order.
    type Chunk = ();

    fn begin(&mut self, b: &Begin<'_>) {
        if self.layout.is_none() {
            self.layout = b.layout.map(|(f, detected)| LayoutInfo {
                name: f.label(),
                detected,
            });
        }
    }

    fn end_chunk(&mut self) {}

    fn add_chunk(&mut self, _: (), _: ChunkPlace<'_>) {}
}

/// Reads `sources` as live streams and calls `emit` for every interval of log time from
/// the first line's to the last one's (those without a request as zeros), the last one
/// partial when the run ends: at the end of every input, or on SIGINT/SIGTERM once
/// [`crate::signal::catch_termination`] was called. See the module's documentation.
pub fn run_every(
    sources: &[Source],
    cfg: &Config,
    every: Every,
    emit: impl FnMut(Live),
) -> Result<Ended, String> {
    let names: Vec<String> = sources.iter().map(Source::name).collect();
    let counters = names
        .iter()
        .map(|n| cfg.progress.as_ref().map(|p| p.start(n)))
        .collect();
    let follow = every.follow.then_some(FOLLOW_POLL);
    let feed = Feed::start(sources, follow, counters)?;
    let clock = Instant::now();
    let now_ms = || u64::try_from(clock.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut windows = Windows::new(cfg, every, sources.len(), emit);
    let mut runs: Vec<SourceRun> = names
        .iter()
        .enumerate()
        .map(|(row, name)| {
            SourceRun::new(SourceId {
                label: name.clone(),
                name: name.clone(),
                row,
            })
        })
        .collect();
    let mut parsers: Vec<Option<InputParser>> = (0..sources.len()).map(|_| None).collect();
    let mut ended = Ended::default();
    let mut take = |next: Next, windows: &mut Windows<'_, _>, ended: &mut Ended| match next {
        Next::Got(n, Event::Chunk(chunk)) => {
            if let (Some(run), Some(parser)) = (runs.get_mut(n), parsers.get_mut(n)) {
                windows.arrive(n, now_ms(), run.lines_before());
                let buf = run.read_chunk(cfg, parser, chunk, windows);
                feed.recycle(n, buf);
            }
            true
        }
        Next::Got(_, Event::Failed(e)) => {
            ended.errors.push(e.to_string());
            true
        }
        Next::Got(n, Event::End) => {
            windows.end(n);
            true
        }
        Next::Quiet => false,
        // Every reading thread is gone (each says `End` first, unless it died).
        Next::Gone => {
            (0..sources.len()).for_each(|n| windows.end(n));
            false
        }
    };
    while !windows.all_ended() {
        if let Some(sig) = signal::received() {
            ended.signal = Some(sig);
            // What was read already counts: the chunks waiting in the channel (no more,
            // or a fast input would keep the run from ending).
            for _ in 0..feed.capacity() {
                if !take(feed.next(Duration::ZERO), &mut windows, &mut ended) {
                    break;
                }
            }
            break;
        }
        take(feed.next(TICK), &mut windows, &mut ended);
        windows.tick(now_ms());
        if sources.len() > 1 {
            (0..sources.len()).for_each(|n| feed.hold(n, windows.ahead(n)));
        }
    }
    windows.now_ms = now_ms();
    windows.finish();
    for (run, parser) in runs.iter_mut().zip(&parsers) {
        run.end_reading(parser.as_ref());
        ended.lines += run.lines;
    }
    Ok(ended)
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
        let ten = Every {
            every_s: 10,
            follow: false,
        };
        let lines = run_every(&[Source::Path(path)], &Config::default(), ten, |live| {
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
        .unwrap()
        .lines;
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
        let ten = Every {
            every_s: 10,
            follow: false,
        };
        run_every(&[Source::Path(path)], &Config::default(), ten, |live| {
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

    /// Lines at these seconds after 2026-11-21T10:00:00Z, in the combined layout.
    fn lines_at(seconds: &[i64]) -> Vec<u8> {
        seconds
            .iter()
            .map(|s| {
                format!(
                    "1.2.3.4 - - [21/Nov/2026:10:{:02}:{:02} +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"ua\"\n",
                    s / 60,
                    s % 60
                )
            })
            .collect::<String>()
            .into_bytes()
    }

    /// Drives [`Windows`] with a made-up clock: each input's chunks arrive at the given
    /// milliseconds; what it hands out is (start after T0, requests, QPS seconds, partial).
    struct Driver<'c> {
        cfg: &'c Config,
        runs: Vec<SourceRun>,
        parsers: Vec<Option<InputParser>>,
    }

    type Got = Vec<(i64, u64, u64, bool)>;

    const T0: i64 = 1_795_255_200;

    impl<'c> Driver<'c> {
        fn new(cfg: &'c Config, inputs: usize) -> Self {
            let runs = (0..inputs)
                .map(|row| {
                    SourceRun::new(SourceId {
                        label: format!("in{row}"),
                        name: format!("in{row}"),
                        row,
                    })
                })
                .collect();
            Driver {
                cfg,
                runs,
                parsers: (0..inputs).map(|_| None).collect(),
            }
        }

        fn chunk<E: FnMut(Live)>(
            &mut self,
            w: &mut Windows<'_, E>,
            n: usize,
            at_ms: u64,
            seconds: &[i64],
        ) {
            let mut r =
                axlog_input::ChunkReader::new(std::io::Cursor::new(lines_at(seconds)), "t".into());
            let chunk = r.next_chunk_owned(Vec::new()).unwrap().unwrap();
            w.arrive(n, at_ms, self.runs[n].lines_before());
            self.runs[n].read_chunk(self.cfg, &mut self.parsers[n], chunk, w);
            w.tick(at_ms);
        }
    }

    fn collect(got: &std::cell::RefCell<Got>) -> impl FnMut(Live) + '_ {
        |live| {
            if let Live::Window {
                start,
                partial,
                summary,
            } = live
            {
                let q = summary.qps.map_or(0, |q| q.seconds);
                got.borrow_mut()
                    .push((start - T0, summary.requests, q, partial));
            }
        }
    }

    /// Without `--follow`, one interval of wall time without a line hands the open
    /// window out, partial (QPS up to its last request); a line of it coming later is
    /// late: it counts in the next window, so no request is lost or counted twice.
    #[test]
    fn an_idle_input_hands_its_window_out_partial() {
        let cfg = Config::default();
        let got = std::cell::RefCell::new(Got::new());
        let every = Every {
            every_s: 10,
            follow: false,
        };
        let mut w = Windows::new(&cfg, every, 1, collect(&got));
        let mut d = Driver::new(&cfg, 1);
        d.chunk(&mut w, 0, 0, &[1, 3]);
        w.tick(9_999);
        assert!(got.borrow().is_empty());
        w.tick(10_000);
        // :00 to :03, 4 seconds.
        assert_eq!(*got.borrow(), [(0, 2, 4, true)]);
        w.tick(30_000);
        assert_eq!(got.borrow().len(), 1);
        d.chunk(&mut w, 0, 31_000, &[4]);
        w.end(0);
        w.finish();
        // The late :04 counts in :10's first second.
        assert_eq!(*got.borrow(), [(0, 2, 4, true), (10, 1, 1, true)]);
    }

    /// Following, log time goes on with the wall clock: an idle interval hands the
    /// window out whole, then one zero window per interval of silence; a signal hands
    /// the open one out partial, its QPS up to the log second now.
    #[test]
    fn following_an_idle_input_writes_zero_windows() {
        let cfg = Config::default();
        let got = std::cell::RefCell::new(Got::new());
        let every = Every {
            every_s: 10,
            follow: true,
        };
        let mut w = Windows::new(&cfg, every, 1, collect(&got));
        let mut d = Driver::new(&cfg, 1);
        d.chunk(&mut w, 0, 0, &[1, 3]);
        w.tick(9_999);
        assert!(got.borrow().is_empty());
        // :03 + 10 s = :13, past window :00.
        w.tick(10_000);
        assert_eq!(*got.borrow(), [(0, 2, 10, false)]);
        // :23 and :28: window :10 is over at :20, once.
        w.tick(20_000);
        w.tick(25_000);
        assert_eq!(got.borrow()[1..], [(10, 0, 10, false)]);
        // A line of :31, at wall :31: window :20 (empty) is over.
        d.chunk(&mut w, 0, 31_000, &[31]);
        assert_eq!(got.borrow()[2..], [(20, 0, 10, false)]);
        // A signal 2 s later: :30 to :33.
        w.now_ms = 33_000;
        w.finish();
        assert_eq!(got.borrow()[3..], [(30, 1, 4, true)]);
        let requests: u64 = got.borrow().iter().map(|g| g.1).sum();
        assert_eq!(requests, 3);
    }

    /// A snapshot taken after a window was handed out, stored as a state stores it and
    /// restored into new windows, goes on as the first would: the open window keeps its
    /// lines, no window handed out is handed out again, a late line counts in the first
    /// one open.
    #[test]
    fn restored_windows_go_on_where_the_snapshot_was() {
        let cfg = Config::default();
        let every = Every {
            every_s: 10,
            follow: true,
        };
        let first = std::cell::RefCell::new(Got::new());
        let mut w = Windows::new(&cfg, every, 1, collect(&first));
        let mut d = Driver::new(&cfg, 1);
        d.chunk(&mut w, 0, 0, &[1, 3]);
        d.chunk(&mut w, 0, 100, &[12]);
        assert_eq!(*first.borrow(), [(0, 2, 10, false)]);
        let saved = w.snapshot();
        let json = serde_json::to_string(&saved).unwrap();
        let back: LiveState = serde_json::from_str(&json).unwrap();
        assert_eq!(back, saved);

        let again = std::cell::RefCell::new(Got::new());
        let mut w = Windows::new(&cfg, every, 1, collect(&again));
        w.restore(back);
        let mut d = Driver::new(&cfg, 1);
        // :05 is late (window :00 was handed out): it counts in :10, with :12 and :15.
        d.chunk(&mut w, 0, 0, &[5, 15, 21]);
        assert_eq!(*again.borrow(), [(10, 3, 10, false)]);
        w.end(0);
        w.finish();
        assert_eq!(again.borrow()[1..], [(20, 1, 2, true)]);
    }

    /// Two inputs: a window is handed out once both have gone past it, or the one
    /// behind is idle; each line counts in the window of its own time.
    #[test]
    fn several_inputs_hold_a_window_until_both_passed_it() {
        let cfg = Config::default();
        let got = std::cell::RefCell::new(Got::new());
        let every = Every {
            every_s: 10,
            follow: false,
        };
        let mut w = Windows::new(&cfg, every, 2, collect(&got));
        let mut d = Driver::new(&cfg, 2);
        // A is at :12 already; B at :05: window :00 is held.
        d.chunk(&mut w, 0, 0, &[1, 12]);
        d.chunk(&mut w, 1, 0, &[5]);
        assert!(got.borrow().is_empty());
        // B's :07 counts in :00 (its own window), not in :10.
        d.chunk(&mut w, 1, 500, &[7, 15]);
        assert_eq!(*got.borrow(), [(0, 3, 10, false)]);
        // A idle, B not yet: :10 waits for B.
        w.tick(10_400);
        assert_eq!(got.borrow().len(), 1);
        // Both idle: :10 is handed out, partial (12 and 15: up to :15).
        w.tick(10_500);
        assert_eq!(got.borrow()[1..], [(10, 2, 6, true)]);
    }
}
