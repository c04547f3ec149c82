//! The pipeline: sources → chunks of whole lines → parse → sinks → summary.
//!
//! The engine pushes each parsed [`Record`] into a [`Sink`] (the pattern of ripgrep's
//! searcher sinks): statistics are one sink, the rejects file another, and later ones
//! (Parquet batches) plug in the same way. Each line is read once and parsed once whatever
//! the sinks.

use axlog_format::{Fields, Format, Layout, LineParser, ParseError, Record, detect};
use axlog_input::{BackgroundReader, DEFAULT_CHUNK, MAX_LINE, Source};
use axlog_stats::aggregate::HaproxyObservation;
use axlog_stats::rollup::{Rollup, RollupStream};
use axlog_stats::summary::{LayoutInfo, SourceSummary};
use axlog_stats::{Aggregate, Observation, StatsConfig, Summary};
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

mod every;
mod parallel;
mod sample;

pub use every::run_every;

/// Receives every line of the input, parsed or not.
pub trait Sink {
    /// Called for every record [`LOOKAHEAD`] records before [`Sink::record`] is called
    /// for it, in the same order: a sink starts here the memory loads `record` will need,
    /// so they overlap with other work instead of stalling it. A speed hint only.
    #[inline]
    fn prepare(&mut self, _rec: &Record<'_>) {}
    fn record(&mut self, rec: &Record<'_>);
    /// A line that did not parse, as it was in the input: with the `\r` of a CRLF line
    /// ending (parsers get the line without it), so a rejects file keeps its bytes.
    fn malformed(&mut self, source: &str, line_no: u64, line: &[u8], err: ParseError);
}

/// `line` without the `\r` of a CRLF ending: the text a sample shows.
pub(crate) fn without_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The fields of a record [`StatsSink`] reads (in `prepare`, `record` and the
/// [`Record::path`] they call): what a parser feeding statistics alone must fill.
pub fn stats_fields() -> Fields {
    use axlog_format::fields::Field as F;
    [
        F::TS_US,
        F::UTC_OFFSET_MIN,
        F::STATUS,
        F::BYTES_SENT,
        F::REQUEST_TIME_US,
        F::UPSTREAM_TIME_US,
        // The path: from the request line, or the target logged on its own.
        F::REQUEST,
        F::URI,
        F::ESCAPING,
        F::UNREAD_FIELDS,
        // Whether the line is HAProxy's, and what the HAProxy tables read.
        F::HAPROXY,
        F::HA_TR_US,
        F::HA_TW_US,
        F::HA_TC_US,
        F::HA_TRESP_US,
        F::HA_TA_US,
        F::HA_BACKEND,
        F::HA_SERVER,
        F::HA_BACKEND_SERVER,
        F::HA_SYSLOG_HOST,
    ]
    .into_iter()
    .fold(Fields::NONE, Fields::with)
}

// PROJECTION WIRING (issue 16 point 5, minimal; the sinks' rewrite replaces it): the
// fields the run's outputs read. Parquet rows (and rollups, which only come with them)
// read every field; statistics and rejects (which keep the line) read `stats_fields`.
pub(crate) fn run_fields(cfg: &Config) -> Fields {
    if cfg.parquet.is_some() {
        Fields::ALL
    } else {
        stats_fields()
    }
}

/// Feeds the statistics aggregate.
pub struct StatsSink(pub Aggregate);

impl Sink for StatsSink {
    #[inline]
    fn prepare(&mut self, r: &Record<'_>) {
        if self.0.requests_only() {
            return;
        }
        // A path with escapes is grouped by its decoded form, found in `record`.
        if let Some(p) = r.path()
            && !r.escaping.may_hold_escape(p)
        {
            self.0.prepare_path(p);
        }
    }

    #[inline]
    fn record(&mut self, r: &Record<'_>) {
        if self.0.requests_only() {
            self.0.count_request();
            return;
        }
        if r.unread_fields {
            self.0.unread_fields_line();
        }
        let decoded;
        let path = match self.0.prepared_path_in(r.request) {
            // `prepare` found the path already, and it holds no escape.
            Some(p) => Some(p),
            None => match r.path() {
                // `/a\x22b` and `/a"b` are one path: escapes are undone before grouping.
                Some(p) if r.escaping.may_hold_escape(p) => {
                    decoded = r.escaping.decode(p);
                    Some(&*decoded)
                }
                p => p,
            },
        };
        self.0.observe(&Observation {
            ts_us: r.ts_us,
            utc_offset_min: r.utc_offset_min,
            status: r.status,
            bytes_sent: r.bytes_sent,
            request_time_us: r.request_time_us,
            upstream_time_us: r.upstream_time_us,
            path,
            haproxy: r.haproxy.as_ref().map(|h| HaproxyObservation {
                timers_us: [h.tr_us, h.tw_us, h.tc_us, h.tresp_us, h.ta_us],
                backend: h.backend,
                server: h.server,
                backend_server: h.backend_server,
                host: h.syslog_host,
            }),
        });
    }

    fn malformed(&mut self, source: &str, line_no: u64, line: &[u8], err: ParseError) {
        match err {
            ParseError::NotAccess => self.0.other_line(),
            _ => self.0.malformed(source, line_no, without_cr(line)),
        }
    }
}

/// Writes every malformed line verbatim, one per line, so nothing is lost and the file can
/// be fed back to axlog once the layout is fixed; or, `located`, each behind its source
/// and line number as `grep -Hn` writes them (`access.log:1305:the line`). The first
/// write error is kept.
pub struct RejectsSink<W: Write> {
    out: W,
    located: bool,
    error: Option<io::Error>,
}

impl<W: Write> RejectsSink<W> {
    pub fn new(out: W, located: bool) -> Self {
        RejectsSink {
            out,
            located,
            error: None,
        }
    }

    /// Writes one malformed line, the `line_no`-th of `source`.
    fn write_line(&mut self, source: &str, line_no: u64, line: &[u8]) {
        if self.error.is_some() {
            return;
        }
        let done = if self.located {
            write!(self.out, "{source}:{line_no}:")
        } else {
            Ok(())
        };
        if let Err(e) = done
            .and_then(|()| self.out.write_all(line))
            .and_then(|()| self.out.write_all(b"\n"))
        {
            self.error = Some(e);
        }
    }

    /// Writes a parallel worker's rejects for one chunk, in input order: `lines` holds them
    /// verbatim, each ending in a newline, and `line_nos` their line numbers in the chunk,
    /// whose first line is line `first + 1` of `source`.
    pub(crate) fn write_chunk(&mut self, source: &str, first: u64, lines: &[u8], line_nos: &[u64]) {
        if !self.located {
            return self.write_formatted(lines);
        }
        // A rejected line holds no newline: lines are cut at them.
        for (line, &n) in lines.split_inclusive(|&b| b == b'\n').zip(line_nos) {
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            self.write_line(source, first + n, line);
        }
    }

    /// Flushes and returns the first error met, if any.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()
    }

    /// Flushes and gives back the writer, or the first error met.
    fn finish_into(mut self) -> io::Result<W> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok(self.out)
    }

    /// Records an error met outside the sink's own writes (the first is kept).
    fn fail(&mut self, e: io::Error) {
        self.error.get_or_insert(e);
    }
}

impl<W: Write> RejectsSink<W> {
    /// Writes lines already formatted as this sink writes them (a parallel worker's, in
    /// input order).
    pub fn write_formatted(&mut self, lines: &[u8]) {
        if self.error.is_none()
            && let Err(e) = self.out.write_all(lines)
        {
            self.error = Some(e);
        }
    }
}

impl<W: Write> Sink for RejectsSink<W> {
    #[inline]
    fn record(&mut self, _: &Record<'_>) {}

    fn malformed(&mut self, source: &str, line_no: u64, line: &[u8], err: ParseError) {
        // Server messages are not malformed: nothing to fix, nothing to keep.
        if err != ParseError::NotAccess {
            self.write_line(source, line_no, line);
        }
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    #[inline]
    fn prepare(&mut self, r: &Record<'_>) {
        (**self).prepare(r)
    }

    #[inline]
    fn record(&mut self, r: &Record<'_>) {
        (**self).record(r)
    }

    fn malformed(&mut self, source: &str, line_no: u64, line: &[u8], err: ParseError) {
        (**self).malformed(source, line_no, line, err)
    }
}

/// Rows for Parquet, when the run writes them: a writer per source and thread, made once
/// the source's layout is known (its extra variables are columns of the rows).
pub(crate) struct Rows {
    out: Option<Arc<axlog_parquet::Output>>,
    label: String,
    writer: Option<axlog_parquet::RowWriter>,
    /// The rollup of the current chunk, when the run writes rollups.
    rollup: Option<Rollup>,
}

impl Rows {
    pub(crate) fn new(cfg: &Config, label: &str) -> Rows {
        Rows {
            rollup: cfg
                .parquet
                .as_ref()
                .filter(|o| o.options().rollups)
                .map(|_| Rollup::default()),
            out: cfg.parquet.clone(),
            label: label.to_string(),
            writer: None,
        }
    }

    /// The rollup of the lines since the last call (a chunk's), if the run writes rollups.
    pub(crate) fn take_rollup(&mut self) -> Option<Rollup> {
        self.rollup.as_mut().map(std::mem::take)
    }

    /// A writer of rows parsed by `parser` (none when the run writes no rows).
    pub(crate) fn start(&mut self, parser: &LineParser) {
        if let (Some(out), None) = (&self.out, &self.writer) {
            self.writer = Some(out.writer(&self.label, parser.extra_names()));
        }
    }

    /// Completes the files written, into `run`.
    pub(crate) fn finish_into(self, run: &mut SourceRun) {
        if let Some(w) = self.writer {
            run.add_written(w.finish());
        }
    }
}

impl Sink for Rows {
    #[inline]
    fn record(&mut self, r: &Record<'_>) {
        if let Some(w) = &mut self.writer {
            w.push(r);
        }
        if let Some(ru) = &mut self.rollup {
            ru.observe(r.ts_us, r.status, r.bytes_sent, r.request_time_us);
        }
    }

    fn malformed(&mut self, _: &str, _: u64, _: &[u8], _: ParseError) {}
}

/// A source's rollup tables: chunks' rollups merged in input order, and written as their
/// buckets close.
pub(crate) struct Rollups {
    stream: RollupStream,
    writer: axlog_parquet::RollupWriter,
}

impl Rollups {
    /// The rollups of the source labelled `label`, when the run writes them.
    pub(crate) fn new(cfg: &Config, label: &str) -> Option<Rollups> {
        let out = cfg.parquet.as_ref().filter(|o| o.options().rollups)?;
        Some(Rollups {
            stream: RollupStream::default(),
            writer: axlog_parquet::RollupWriter::new(out, label),
        })
    }

    /// Adds the next chunk's rollup (chunks come in input order).
    pub(crate) fn add(&mut self, chunk: Rollup) {
        let w = &mut self.writer;
        self.stream.add(chunk, &mut |row| w.push(row));
    }

    /// Writes the buckets left and completes the files, into `run`.
    pub(crate) fn finish_into(mut self, run: &mut SourceRun) {
        let w = &mut self.writer;
        self.stream.finish(&mut |row| w.push(row));
        run.add_written(self.writer.finish());
    }
}

impl<S: Sink> Sink for Option<S> {
    #[inline]
    fn prepare(&mut self, r: &Record<'_>) {
        if let Some(s) = self {
            s.prepare(r)
        }
    }

    #[inline]
    fn record(&mut self, r: &Record<'_>) {
        if let Some(s) = self {
            s.record(r)
        }
    }

    fn malformed(&mut self, source: &str, line_no: u64, line: &[u8], err: ParseError) {
        if let Some(s) = self {
            s.malformed(source, line_no, line, err)
        }
    }
}

impl<A: Sink, B: Sink> Sink for (A, B) {
    #[inline]
    fn prepare(&mut self, r: &Record<'_>) {
        self.0.prepare(r);
        self.1.prepare(r);
    }

    #[inline]
    fn record(&mut self, r: &Record<'_>) {
        self.0.record(r);
        self.1.record(r);
    }

    fn malformed(&mut self, source: &str, line_no: u64, line: &[u8], err: ParseError) {
        self.0.malformed(source, line_no, line, err);
        self.1.malformed(source, line_no, line, err);
    }
}

/// How many records ahead of [`Sink::record`] the engine calls [`Sink::prepare`].
pub const LOOKAHEAD: usize = 16;

/// Parses the lines of `data` (whole lines; the last may lack its `\n`) and pushes them
/// into `sink`. `line_no` is the number of lines of this source before `data`; it is
/// advanced. Returns the number of lines in `data`.
#[inline]
pub fn process_chunk<S: Sink>(
    parser: &mut LineParser,
    data: &[u8],
    source: &str,
    line_no: &mut u64,
    sink: &mut S,
) -> u64 {
    let first = *line_no;
    parser.restart();
    // Records reach `record` LOOKAHEAD records after `prepare`, so the sink's table loads
    // for a line are in flight while the lines before it are handled.
    let mut ring: [Record<'_>; LOOKAHEAD] = [Record::default(); LOOKAHEAD];
    let (mut head, mut queued) = (0usize, 0usize);
    let mut start = 0;
    let mut newlines = memchr::memchr_iter(b'\n', data);
    loop {
        let end = match newlines.next() {
            Some(nl) => nl,
            None if start < data.len() => data.len(),
            None => break,
        };
        let (raw, line_start) = (&data[start..end], start);
        start = end + 1;
        *line_no += 1;
        let line = without_cr(raw);
        let slot = (head + queued) % LOOKAHEAD;
        if queued == LOOKAHEAD {
            // The ring is full: the oldest record leaves through the slot the new one
            // takes.
            sink.record(&ring[head]);
            head = (head + 1) % LOOKAHEAD;
            queued -= 1;
        }
        let mut parsed = parser.parse_into(line, &mut ring[slot]);
        // A line that fails a detected layout may start a block of another layout.
        if matches!(parsed, Err(e) if e != ParseError::NotAccess)
            && parser.switch_layout(&data[line_start..])
        {
            parsed = parser.parse_into(line, &mut ring[slot]);
        }
        match parsed {
            Ok(()) => {
                sink.prepare(&ring[slot]);
                queued += 1;
            }
            Err(e) => {
                // Keep the sink's order: the records before this line go first.
                while queued > 0 {
                    sink.record(&ring[head]);
                    head = (head + 1) % LOOKAHEAD;
                    queued -= 1;
                }
                sink.malformed(source, *line_no, raw, e);
            }
        }
    }
    while queued > 0 {
        sink.record(&ring[head]);
        head = (head + 1) % LOOKAHEAD;
        queued -= 1;
    }
    *line_no - first
}

/// How a run is set up.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `None` detects the layout from each source's first lines.
    pub layout: Option<Format>,
    pub stats: StatsConfig,
    /// UTC offset (minutes east) of times logged without one: HAProxy's accept date.
    pub tz_offset_min: i16,
    /// Parsing threads; 0 is one per core.
    pub threads: usize,
    /// The rejects file gives each line's source and line number (`src:12:line`).
    pub rejects_located: bool,
    /// Where Parquet rows go, when the run writes them.
    pub parquet: Option<Arc<axlog_parquet::Output>>,
    /// Where the run says how far it is (for a progress bar), if anyone looks.
    pub progress: Option<Arc<Progress>>,
    /// The name each source has in the per-source breakdown, by the source's place (its
    /// path or `<stdin>` where none is given). Sources with one label are one row.
    pub labels: Vec<String>,
}

/// How far a run is, read by another thread while it runs (a progress bar).
#[derive(Debug, Default)]
pub struct Progress {
    /// Stored bytes of the sources finished.
    finished: AtomicU64,
    /// The sources being read (several archives may be read at once), each with its
    /// stored bytes read so far (compressed bytes for an archive).
    active: Mutex<Vec<(String, Arc<AtomicU64>)>>,
    /// The name of the last source started, shown once none is being read.
    last: Mutex<String>,
}

impl Progress {
    /// Stored bytes read so far, over every source.
    pub fn bytes(&self) -> u64 {
        let active = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        self.finished.load(Ordering::Relaxed)
            + active
                .iter()
                .map(|(_, n)| n.load(Ordering::Relaxed))
                .sum::<u64>()
    }

    /// The names of the sources being read (the last one read when none is).
    pub fn source(&self) -> String {
        let active = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        if active.is_empty() {
            return self
                .last
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
        }
        active
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A source starts: the counter its bytes are counted in.
    fn start(&self, name: &str) -> Arc<AtomicU64> {
        let counter = Arc::new(AtomicU64::new(0));
        self.active
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((name.to_string(), counter.clone()));
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = name.to_string();
        counter
    }

    /// The source counted in `counter` is done: `size` stored bytes (or what was read,
    /// when unknown).
    fn finish(&self, counter: &Arc<AtomicU64>, size: Option<u64>) {
        let mut active = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        active.retain(|(_, n)| !Arc::ptr_eq(n, counter));
        self.finished.fetch_add(
            size.unwrap_or(counter.load(Ordering::Relaxed)),
            Ordering::Relaxed,
        );
    }
}

/// Opens `source`, counting its stored bytes in `counter` (a source's progress).
pub(crate) fn open_source(
    source: &Source,
    counter: Option<&Arc<AtomicU64>>,
) -> Result<Box<dyn std::io::Read + Send>, axlog_input::InputError> {
    match counter {
        Some(n) => source.open_counted(n.clone()),
        None => source.open(),
    }
}

/// Opens `source` and starts its reading thread, with `depth` chunks in flight; the error
/// as the source's row shows it.
pub(crate) fn start_reading(
    source: &Source,
    name: &str,
    counter: Option<&Arc<AtomicU64>>,
    depth: usize,
) -> Result<BackgroundReader, String> {
    let reader = open_source(source, counter).map_err(|e| e.to_string())?;
    BackgroundReader::spawn_with_depth(reader, name.to_string(), depth)
        .map_err(|e| format!("{name}: cannot start reading: {e}"))
}

impl Config {
    /// The number of parsing threads to use.
    pub fn threads(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
    }
}

/// The result of a run: the summary, and the sources that failed (already in the summary's
/// `sources` with their error).
pub struct Outcome {
    pub summary: Summary,
    pub source_errors: Vec<String>,
    /// Set when writing the rejects file failed.
    pub rejects_error: Option<io::Error>,
    /// The Parquet rows and files written.
    pub written: axlog_parquet::Written,
    /// Errors writing Parquet, one per source that met one.
    pub parquet_errors: Vec<String>,
}

/// What reading one source gave.
pub(crate) struct SourceRun {
    pub(crate) lines: u64,
    /// The layout used, and whether it was detected; `None` when none fitted.
    pub(crate) layout: Option<(Format, bool)>,
    pub(crate) error: Option<String>,
    pub(crate) layout_help: Option<String>,
    /// What detection has to say about the layout it chose.
    pub(crate) layout_note: Option<String>,
    /// The layouts a detected source was read with, each with its lines (summed over
    /// the parsing threads).
    pub(crate) layout_counts: Vec<(String, u64)>,
    /// The Parquet rows and files written, and the first error writing them.
    pub(crate) written: axlog_parquet::Written,
    pub(crate) parquet_error: Option<String>,
}

impl SourceRun {
    pub(crate) fn new() -> Self {
        SourceRun {
            lines: 0,
            layout: None,
            error: None,
            layout_help: None,
            layout_note: None,
            layout_counts: Vec::new(),
            written: axlog_parquet::Written::default(),
            parquet_error: None,
        }
    }

    /// Adds a parser's lines per layout to the source's.
    pub(crate) fn add_layout_counts(&mut self, parser: &LineParser) {
        for (label, n) in parser.layout_counts() {
            match self.layout_counts.iter_mut().find(|(l, _)| *l == label) {
                Some((_, m)) => *m += n,
                None => self.layout_counts.push((label, n)),
            }
        }
    }

    /// Counts Parquet files completed, or keeps the first error writing them.
    fn add_written(&mut self, done: Result<axlog_parquet::Written, axlog_parquet::Error>) {
        match done {
            Ok(written) => self.written.add(written),
            Err(e) => {
                self.parquet_error.get_or_insert(e.to_string());
            }
        }
    }

    /// Chooses the layout from a source's first chunk and makes its parser.
    pub(crate) fn parser_for(&mut self, cfg: &Config, first: &[u8]) -> LineParser {
        (self.layout, self.layout_note) = match choose_layout(cfg, first) {
            Some((f, detected, note)) => (Some((f, detected)), note),
            None => (None, None),
        };
        if self.layout.is_none() {
            self.layout_help = axlog_format::diagnose(first).map(|d| d.to_string());
        }
        // Where no layout fits any of the first lines, parsing as combined reports
        // every line as malformed (and keeps them in rejects).
        let mut p = match &self.layout {
            // A detected layout gives way where the source changes layout part-way.
            Some((f, true)) => {
                LineParser::Switching(Box::new(axlog_format::switching::Switching::new(f)))
            }
            Some((f, false)) => f.parser(),
            None => Layout::NginxCombined.parser(),
        };
        p.set_tz(cfg.tz_offset_min);
        p.set_projection(run_fields(cfg));
        p
    }
}

/// Picks the layout for a source: the configured one, or the one that fits `sample`.
/// Detection may add a note on its choice.
pub(crate) fn choose_layout(cfg: &Config, sample: &[u8]) -> Option<(Format, bool, Option<String>)> {
    match &cfg.layout {
        // A given layout may still come behind a syslog header.
        Some(l) => Some((
            axlog_format::with_syslog_if_it_fits(l.clone(), sample),
            false,
            None,
        )),
        None => detect(sample).map(|d| (d.format(), true, d.note)),
    }
}

/// Reads one source to its end (or its first read error), pushing every line into `sink`
/// (and into Parquet rows labelled `label`, when the run writes them).
fn read_source<W: Write>(
    source: &Source,
    (name, label): (&str, &str),
    cfg: &Config,
    counter: Option<&Arc<AtomicU64>>,
    sink: &mut (StatsSink, Option<RejectsSink<W>>),
) -> SourceRun {
    let mut run = SourceRun::new();
    let (mut rows, mut rollups) = (Rows::new(cfg, label), Rollups::new(cfg, label));
    let mut chunks = match start_reading(source, name, counter, axlog_input::QUEUE_DEPTH) {
        Ok(c) => c,
        Err(e) => {
            run.error = Some(e);
            return run;
        }
    };
    let mut parser: Option<LineParser> = None;
    // Paths go to a table of the chunk's, merged into the run's after each chunk, as the
    // parallel route does: the run's table then fills the same way whatever the route
    // (the same keys once it is full, the same latency values once its memory is spent).
    let mut chunk_table = Aggregate::chunk_table();
    while let Some(chunk) = chunks.next() {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                run.error = Some(e.to_string());
                break;
            }
        };
        let run_table = sink.0.0.take_paths(chunk_table);
        if chunk.overlong {
            // One line cut at MAX_LINE: malformed, kept (cut) in rejects.
            run.lines += 1;
            sink.malformed(name, run.lines, &chunk.data, ParseError::TooLong);
        } else {
            // The layout is chosen from the first chunk that is not an overlong line
            // (see sample.rs).
            let parser = match &mut parser {
                Some(p) => p,
                None => {
                    let p = parser.insert(run.parser_for(cfg, &chunk.data));
                    rows.start(p);
                    p
                }
            };
            process_chunk(
                parser,
                &chunk.data,
                name,
                &mut run.lines,
                &mut (&mut *sink, &mut rows),
            );
        }
        if let (Some(ru), Some(c)) = (&mut rollups, rows.take_rollup()) {
            ru.add(c);
        }
        chunk_table = sink.0.0.take_paths(run_table);
        sink.0.0.merge_paths(&chunk_table);
        chunk_table.clear();
        chunks.recycle(chunk.data);
    }
    rows.finish_into(&mut run);
    if let Some(ru) = rollups {
        ru.finish_into(&mut run);
    }
    if let Some(p) = &parser {
        run.add_layout_counts(p);
    }
    run
}

/// How many archives (or other streams) are read at once, at most. Each holds tables of
/// its own (a path table may take up to its latency budget, 48 MiB, plus its keys), so
/// this bounds the run's memory whatever the thread count: two at once stay within the
/// 256 MiB a run may take. Two decoding threads already double the rate of archives,
/// whose decoding is slower than parsing.
const SOURCES_AT_ONCE: usize = 2;

/// What reading one source into an aggregate of its own gave.
struct SourceDone<W: Write> {
    run: SourceRun,
    stats: Aggregate,
    rejects: Option<RejectsSink<W>>,
}

/// An aggregate for one source, counting its requests in breakdown row `row`.
fn source_aggregate(cfg: &Config, row: usize) -> Aggregate {
    let mut stats = Aggregate::new(cfg.stats);
    stats.set_source(row);
    stats
}

/// Reads `source` into an aggregate of its own (its rows' statistics under `row`), its
/// malformed lines into `rejects`; `threads` parsing threads.
fn read_one<W: Write>(
    source: &Source,
    label: &str,
    row: usize,
    cfg: &Config,
    threads: usize,
    rejects: Option<RejectsSink<W>>,
) -> SourceDone<W> {
    let name = source.name();
    let mut sink = (StatsSink(source_aggregate(cfg, row)), rejects);
    let counter = cfg.progress.as_ref().map(|p| p.start(&name));
    let run = if threads > 1 {
        parallel::read_source(
            source,
            (row, label),
            &name,
            cfg,
            (threads, counter.as_ref()),
            &mut sink,
        )
    } else {
        read_source(source, (&name, label), cfg, counter.as_ref(), &mut sink)
    };
    if let (Some(p), Some(n)) = (&cfg.progress, &counter) {
        p.finish(n, source.size());
    }
    let (mut stats, rejects) = (sink.0.0, sink.1);
    stats.add_lines(run.lines);
    SourceDone {
        run,
        stats,
        rejects,
    }
}

/// Whether `source` is read by one reading thread (an archive, a pipe, standard input)
/// rather than split between parsing threads (a file of text).
fn is_stream(source: &Source) -> bool {
    match source {
        Source::Stdin => true,
        // A pipe is opened by the reader only: opening it here could take its writer's
        // end-of-stream.
        Source::Path(p) => match std::fs::metadata(p) {
            Ok(m) if !m.is_file() => true,
            Ok(_) => matches!(
                axlog_input::FileSplit::open(p, String::new(), DEFAULT_CHUNK, MAX_LINE),
                Ok(None)
            ),
            Err(_) => false,
        },
    }
}

/// Reads `sources` (streams, each with its place in the input and its breakdown row) up
/// to `at_once` at a time, each by its own reading and parsing thread, and hands each
/// one's result and row to `done` in input order, as soon as the ones before it are
/// handed over. Holds at most `at_once` sources' results.
fn read_concurrently(
    sources: &[(&Source, &str, usize)],
    cfg: &Config,
    at_once: usize,
    keep_rejects: bool,
    mut done: impl FnMut(usize, SourceDone<Spill>),
) {
    std::thread::scope(|scope| {
        let mut in_flight = std::collections::VecDeque::new();
        let mut next = 0;
        loop {
            while in_flight.len() < at_once.max(1)
                && let Some(&(source, label, row)) = sources.get(next)
            {
                let handle = std::thread::Builder::new()
                    .name(format!("source {next}"))
                    .spawn_scoped(scope, move || {
                        read_one(
                            source,
                            label,
                            row,
                            cfg,
                            1,
                            keep_rejects
                                .then(|| RejectsSink::new(Spill::default(), cfg.rejects_located)),
                        )
                    });
                in_flight.push_back((source, row, handle));
                next += 1;
            }
            let Some((source, row, handle)) = in_flight.pop_front() else {
                break;
            };
            let result = match handle {
                Ok(h) => h.join().ok(),
                Err(_) => None,
            };
            done(
                row,
                result.unwrap_or_else(|| {
                    // No thread to read it (or one that stopped): the source is named
                    // with the failure, and the others go on.
                    let mut run = SourceRun::new();
                    run.error = Some(format!("{}: cannot start reading", source.name()));
                    SourceDone {
                        run,
                        stats: source_aggregate(cfg, row),
                        rejects: None,
                    }
                }),
            );
        }
    });
}

/// A source's rejects while sources before it are still being read: in memory up to
/// [`Spill::MEMORY`], then in an unnamed temporary file, copied to the rejects file in
/// input order.
#[derive(Default)]
struct Spill {
    mem: Vec<u8>,
    file: Option<std::fs::File>,
}

impl Spill {
    const MEMORY: usize = 4 << 20;

    /// Copies what was kept into `out`.
    fn drain_into<W: Write>(self, out: &mut RejectsSink<W>) {
        use std::io::{Read, Seek};
        let Some(mut file) = self.file else {
            out.write_formatted(&self.mem);
            return;
        };
        let mut buf = vec![0u8; 1 << 20];
        let copied = file.rewind().and_then(|()| {
            loop {
                match file.read(&mut buf)? {
                    0 => break Ok(()),
                    n => out.write_formatted(&buf[..n]),
                }
            }
        });
        if let Err(e) = copied {
            out.fail(e);
        }
    }
}

impl Write for Spill {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.file.is_none() && self.mem.len() + buf.len() > Self::MEMORY {
            let mut f = tempfile::tempfile()?;
            f.write_all(&self.mem)?;
            self.mem = Vec::new();
            self.file = Some(f);
        }
        match &mut self.file {
            Some(f) => f.write(buf),
            None => {
                self.mem.extend_from_slice(buf);
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

/// `n` of `requests` as a share (0 without requests).
fn share_of(n: u64, requests: u64) -> f64 {
    match requests {
        0 => 0.0,
        r => n as f64 / r as f64,
    }
}

/// Reads every source, parses each line once and summarises.
///
/// Each source is read into an aggregate of its own, merged into the run's in input
/// order: the result is the same whichever sources are read at the same time. A run of
/// archives (or other streams) is read several at once, each decoded by a thread of its
/// own, since one decoding thread is slower than the parsers it feeds; a file of text is
/// read by every parsing thread at once.
pub fn run(sources: &[Source], cfg: &Config, rejects: Option<Box<dyn Write>>) -> Outcome {
    let mut rejects = rejects.map(|w| RejectsSink::new(w, cfg.rejects_located));
    let mut total: Option<Aggregate> = None;
    let mut source_errors = Vec::new();
    let mut top_layout: Option<LayoutInfo> = None;
    let threads = cfg.threads();

    // The breakdown row of each source: one per label, in order of first use.
    let mut rows: Vec<SourceSummary> = Vec::new();
    let row_of: Vec<usize> = sources
        .iter()
        .enumerate()
        .map(|(idx, source)| {
            let label = cfg
                .labels
                .get(idx)
                .cloned()
                .unwrap_or_else(|| source.name());
            match rows.iter().position(|r| r.name == label) {
                Some(r) => r,
                None => {
                    rows.push(SourceSummary {
                        name: label,
                        ..SourceSummary::default()
                    });
                    rows.len() - 1
                }
            }
        })
        .collect();
    let streams: Vec<bool> = if threads > 1 && sources.len() > 1 {
        sources.iter().map(is_stream).collect()
    } else {
        vec![false; sources.len()]
    };
    // Each source's label: its row's name, which its Parquet rows carry too.
    let labels: Vec<String> = row_of.iter().map(|&r| rows[r].name.clone()).collect();
    let mut written = axlog_parquet::Written::default();
    let mut parquet_errors = Vec::new();
    // A source's result, in input order, into the run's.
    let mut add = |done_stats: Aggregate, run: SourceRun, row: usize| {
        written.add(run.written);
        parquet_errors.extend(run.parquet_error);
        let r = &mut rows[row];
        r.layout = r.layout.take().or(run.layout.as_ref().map(|l| l.0.label()));
        r.lines += run.lines;
        r.malformed += done_stats.malformed_count();
        r.layout_help = r.layout_help.take().or(run.layout_help);
        r.layout_note = r.layout_note.take().or(run.layout_note);
        for (name, lines) in run.layout_counts.iter().filter(|(_, n)| *n > 0) {
            match r.layouts.iter_mut().find(|l| l.name == *name) {
                Some(l) => l.lines += lines,
                None => r.layouts.push(axlog_stats::summary::LayoutLines {
                    name: name.clone(),
                    lines: *lines,
                }),
            }
        }
        if let Some((layout, detected)) = &run.layout {
            top_layout.get_or_insert(LayoutInfo {
                name: layout.label(),
                detected: *detected,
            });
        }
        if let Some(e) = &run.error {
            source_errors.push(e.clone());
        }
        r.error = match (r.error.take(), run.error) {
            (Some(a), Some(b)) => Some(format!("{a}; {b}")),
            (a, b) => a.or(b),
        };
        match &mut total {
            // The first source's aggregate is the run's: no copy of its tables.
            None => total = Some(done_stats),
            Some(t) => t.merge(&done_stats),
        }
    };
    let mut k = 0;
    while k < sources.len() {
        let streams_from = streams[k..].iter().take_while(|&&s| s).count();
        if streams_from >= 2 {
            let batch: Vec<(&Source, &str, usize)> = (k..k + streams_from)
                .map(|i| (&sources[i], labels[i].as_str(), row_of[i]))
                .collect();
            let at_once = threads.min(SOURCES_AT_ONCE);
            read_concurrently(&batch, cfg, at_once, rejects.is_some(), |row, done| {
                if let (Some(out), Some(spill)) = (rejects.as_mut(), done.rejects) {
                    match spill.finish_into() {
                        Ok(spill) => spill.drain_into(out),
                        Err(e) => out.fail(e),
                    }
                }
                add(done.stats, done.run, row);
            });
            k += streams_from;
        } else {
            let done = read_one(
                &sources[k],
                &labels[k],
                row_of[k],
                cfg,
                threads,
                rejects.take(),
            );
            rejects = done.rejects;
            add(done.stats, done.run, row_of[k]);
            k += 1;
        }
    }
    // The run's Parquet files appear together once every write succeeded, or none does
    // (see the parquet crate's staged.rs): what the summary says was written is there.
    if let Some(out) = &cfg.parquet {
        if !parquet_errors.is_empty() {
            out.discard();
            written = axlog_parquet::Written::default();
        } else if let Err(e) = out.publish() {
            parquet_errors.push(e.to_string());
            written = axlog_parquet::Written::default();
        }
    }
    let total = total.unwrap_or_else(|| Aggregate::new(cfg.stats));
    for (row, r) in rows.iter_mut().enumerate() {
        let stats = total.source_stats(row).cloned().unwrap_or_default();
        r.requests = stats.requests;
        r.client_error_share = share_of(stats.client_errors, stats.requests);
        r.server_error_share = share_of(stats.server_errors, stats.requests);
        r.p99_us = stats.p99_us();
    }
    if cfg.stats.source_by_host {
        // A file whose every line went to its host's row has nothing left to show.
        rows.retain(|r| r.requests > 0 || r.malformed > 0 || r.error.is_some());
        for (host, stats) in total.host_stats() {
            rows.push(SourceSummary {
                name: host,
                lines: stats.requests,
                requests: stats.requests,
                client_error_share: share_of(stats.client_errors, stats.requests),
                server_error_share: share_of(stats.server_errors, stats.requests),
                p99_us: stats.p99_us(),
                ..SourceSummary::default()
            });
        }
    }
    let mut summary = total.summarize();
    summary.axlog_version = env!("CARGO_PKG_VERSION").to_string();
    summary.layout = top_layout;
    // Layouts are listed where a source changed layout part-way.
    for r in &mut rows {
        if r.layouts.len() < 2 {
            r.layouts.clear();
        }
    }
    summary.sources = rows;
    Outcome {
        summary,
        source_errors,
        rejects_error: rejects.and_then(|r| r.finish().err()),
        written,
        parquet_errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Logs what the engine hands a sink, by the status field (which numbers the lines).
    #[derive(Default)]
    struct Log(Vec<(char, u64)>);

    impl Sink for Log {
        fn prepare(&mut self, r: &Record<'_>) {
            self.0.push(('p', r.status as u64));
        }
        fn record(&mut self, r: &Record<'_>) {
            self.0.push(('r', r.status as u64));
        }
        fn malformed(&mut self, _: &str, line_no: u64, _: &[u8], _: ParseError) {
            self.0.push(('m', line_no));
        }
    }

    #[test]
    fn spill_gives_back_what_was_written_in_order() {
        // Past the memory part, into the temporary file; written in odd pieces.
        let data: Vec<u8> = (0..Spill::MEMORY + 300_000)
            .map(|i| (i % 251) as u8)
            .collect();
        for limit in [100, data.len()] {
            let mut spill = Spill::default();
            for piece in data[..limit].chunks(77_777) {
                spill.write_all(piece).unwrap();
            }
            assert_eq!(spill.file.is_some(), limit > Spill::MEMORY);
            let mut out = RejectsSink::new(Vec::new(), false);
            spill.drain_into(&mut out);
            assert_eq!(out.finish_into().unwrap(), &data[..limit]);
        }
    }

    #[test]
    fn every_line_once_in_order_with_prepare_ahead() {
        // Lines 1..=60; every 7th is malformed, the last has no newline, some end in CRLF.
        let mut data = Vec::new();
        for i in 1..=60u64 {
            if i % 7 == 0 {
                data.extend_from_slice(b"garbage");
            } else {
                let status = 100 + i;
                data.extend_from_slice(format!("1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] \"GET /{i} HTTP/1.1\" {status} 1 \"-\" \"-\"").as_bytes());
            }
            if i % 5 == 0 {
                data.push(b'\r');
            }
            if i < 60 {
                data.push(b'\n');
            }
        }
        let mut parser = Layout::NginxCombined.parser();
        let mut line_no = 0;
        let mut log = Log::default();
        let n = process_chunk(&mut parser, &data, "t", &mut line_no, &mut log);
        assert_eq!((n, line_no), (60, 60));
        // Records and malformed lines in line order, each line exactly once.
        let seen: Vec<u64> = log
            .0
            .iter()
            .filter(|e| e.0 != 'p')
            .map(|&(k, v)| if k == 'r' { v - 100 } else { v })
            .collect();
        assert_eq!(seen, (1..=60).collect::<Vec<_>>());
        // Every record is prepared before it is recorded, at most LOOKAHEAD records ahead.
        for (at, &(kind, v)) in log.0.iter().enumerate() {
            if kind == 'r' {
                let prepared = log.0.iter().position(|&e| e == ('p', v));
                let prepared = prepared.expect("record without prepare");
                assert!(prepared < at);
                let between = log.0[prepared..at].iter().filter(|e| e.0 == 'p').count();
                assert!(between <= LOOKAHEAD, "{v}: {between}");
            }
        }
        let prepared = log.0.iter().filter(|e| e.0 == 'p').count();
        assert_eq!(prepared, 60 - 60 / 7);
    }

    /// Keeps each record's user agent.
    #[derive(Default)]
    struct Agents(Vec<Vec<u8>>);

    impl Sink for Agents {
        fn record(&mut self, r: &Record<'_>) {
            self.0.push(r.user_agent.to_vec());
        }
        fn malformed(&mut self, _: &str, _: u64, _: &[u8], _: ParseError) {}
    }

    /// Keeps every record in full.
    #[derive(Default)]
    struct Full(Vec<String>);

    impl Sink for Full {
        fn record(&mut self, r: &Record<'_>) {
            self.0.push(format!("{r:?}"));
        }
        fn malformed(&mut self, _: &str, _: u64, _: &[u8], _: ParseError) {}
    }

    #[test]
    fn reused_record_slots_give_the_records_a_fresh_parse_gives() {
        // Every kind of parser, lines that parse and lines that fail half-way (leaving
        // partial values in their slot), more lines than the ring holds.
        let cases: [(Format, &str); 4] = [
            (
                Format::Preset(Layout::NginxTimed),
                r#"1.2.3.4 - u[i] [21/Nov/2026:10:00:0[s] +0000] "GET /p[i] HTTP/1.1" 200 [i] "-" "ua" 0.00[i] 0.001, 0.00[i]"#,
            ),
            (
                Format::Preset(Layout::IngressUpstreaminfo),
                r#"1.2.3.4 - - [21/Nov/2026:10:00:0[s] +0000] "GET /p[i] HTTP/1.1" 200 [i] "-" "ua" 3[i] 0.00[i] [up] [] 10.0.0.1:80, 10.0.0.[i]:80 5, [i] 0.001, 0.00[i] 502, 20[i] id[i]"#,
            ),
            (
                Format::Preset(Layout::Haproxy),
                r#"Nov 21 10:00:01 lb haproxy[1]: 10.0.0.[i]:5 [21/Nov/2026:10:00:0[s].250] web~ api/s[i] 0/0/1/[i]/2[i] 200 [i] - - ---- 1/1/0/0/[i] 0/0 {h[i]} "GET /p[i] HTTP/1.1""#,
            ),
            (
                Format::Preset(Layout::TraefikJson),
                r#"{"StartUTC":"2026-11-21T09:00:0[s]Z","DownstreamStatus":20[i],"Duration":[i]000,"RequestPath":"/p[i]"}"#,
            ),
        ];
        for (format, template) in cases {
            let mut lines = Vec::new();
            for i in 0..50u32 {
                // Every 7th line is cut short, so it fails after some fields are written.
                let line = template
                    .replace("[i]", &(i % 10).to_string())
                    .replace("[s]", &(i % 6).to_string());
                let line = if i % 7 == 3 {
                    line[..line.len() / 2].to_string()
                } else {
                    line
                };
                lines.push(line);
            }
            let data = lines.join("\n");
            let mut parser = format.parser();
            let mut sink = Full::default();
            process_chunk(&mut parser, data.as_bytes(), "t", &mut 0, &mut sink);
            let mut fresh = format.parser();
            let want: Vec<String> = lines
                .iter()
                .filter_map(|l| fresh.parse(l.as_bytes()).ok().map(|r| format!("{r:?}")))
                .collect();
            assert!(want.len() >= 40, "{}: {} parsed", format.name(), want.len());
            assert_eq!(sink.0, want, "{}", format.name());
        }
    }

    #[test]
    fn a_field_missing_from_a_line_is_not_taken_from_an_earlier_one() {
        // The engine reuses record slots; the second line has no "ua" key.
        let spec = "ts=ts,user_agent=ua";
        let f = axlog_format::json::JsonFormat::compile(spec).unwrap();
        let mut parser = Format::Json(std::sync::Arc::new(f)).parser();
        let mut data = Vec::new();
        for i in 0..40 {
            // Every third line has the key: a ring slot holds lines 16 apart, which differ.
            let line = if i % 3 == 0 {
                format!("{{\"ts\":{i},\"ua\":\"agent{i}\"}}\n")
            } else {
                format!("{{\"ts\":{i}}}\n")
            };
            data.extend_from_slice(line.as_bytes());
        }
        let mut sink = Agents::default();
        process_chunk(&mut parser, &data, "t", &mut 0, &mut sink);
        let want: Vec<Vec<u8>> = (0..40)
            .map(|i| {
                if i % 3 == 0 {
                    format!("agent{i}").into_bytes()
                } else {
                    Vec::new()
                }
            })
            .collect();
        assert_eq!(sink.0, want);
    }
}
