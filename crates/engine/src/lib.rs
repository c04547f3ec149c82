//! The pipeline: sources → chunks of whole lines → parse → sinks → summary.
//!
//! The engine pushes each parsed [`Record`] into a [`Sink`] (the pattern of ripgrep's
//! searcher sinks): statistics are one sink, the rejects file another, and later ones
//! (Parquet batches) plug in the same way. Each line is read once and parsed once whatever
//! the sinks.

use axlog_format::{Layout, LineParser, ParseError, Record, detect};
use axlog_input::{BackgroundReader, Source};
use axlog_stats::summary::{LayoutInfo, SourceSummary};
use axlog_stats::{Aggregate, Observation, StatsConfig, Summary};
use std::io::{self, Write};

/// Receives every line of the input, parsed or not.
pub trait Sink {
    fn record(&mut self, rec: &Record<'_>);
    fn malformed(&mut self, source: &str, line_no: u64, line: &[u8], err: ParseError);
}

/// Feeds the statistics aggregate.
pub struct StatsSink(pub Aggregate);

impl Sink for StatsSink {
    #[inline]
    fn record(&mut self, r: &Record<'_>) {
        self.0.observe(&Observation {
            ts_us: r.ts_us,
            utc_offset_min: r.utc_offset_min,
            status: r.status,
            request_time_us: r.request_time_us,
            upstream_time_us: r.upstream_time_us,
            path: r.path(),
        });
    }

    fn malformed(&mut self, source: &str, line_no: u64, line: &[u8], _err: ParseError) {
        self.0.malformed(source, line_no, line);
    }
}

/// Writes every malformed line verbatim, one per line, so nothing is lost and the file can
/// be fed back to axlog once the layout is fixed. The first write error is kept.
pub struct RejectsSink<W: Write> {
    out: W,
    error: Option<io::Error>,
}

impl<W: Write> RejectsSink<W> {
    pub fn new(out: W) -> Self {
        RejectsSink { out, error: None }
    }

    /// Flushes and returns the first error met, if any.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()
    }
}

impl<W: Write> Sink for RejectsSink<W> {
    #[inline]
    fn record(&mut self, _: &Record<'_>) {}

    fn malformed(&mut self, _source: &str, _line_no: u64, line: &[u8], _err: ParseError) {
        if self.error.is_none()
            && let Err(e) = self
                .out
                .write_all(line)
                .and_then(|_| self.out.write_all(b"\n"))
        {
            self.error = Some(e);
        }
    }
}

impl<S: Sink> Sink for Option<S> {
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
    fn record(&mut self, r: &Record<'_>) {
        self.0.record(r);
        self.1.record(r);
    }

    fn malformed(&mut self, source: &str, line_no: u64, line: &[u8], err: ParseError) {
        self.0.malformed(source, line_no, line, err);
        self.1.malformed(source, line_no, line, err);
    }
}

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
    let mut start = 0;
    let mut handle = |line: &[u8], line_no: &mut u64| {
        *line_no += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        match parser.parse(line) {
            Ok(r) => sink.record(&r),
            Err(e) => sink.malformed(source, *line_no, line, e),
        }
    };
    for nl in memchr::memchr_iter(b'\n', data) {
        handle(&data[start..nl], line_no);
        start = nl + 1;
    }
    if start < data.len() {
        handle(&data[start..], line_no);
    }
    *line_no - first
}

/// How a run is set up.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `None` detects the layout from each source's first lines.
    pub layout: Option<Layout>,
    pub stats: StatsConfig,
}

/// The result of a run: the summary, and the sources that failed (already in the summary's
/// `sources` with their error).
pub struct Outcome {
    pub summary: Summary,
    pub source_errors: Vec<String>,
    /// Set when writing the rejects file failed.
    pub rejects_error: Option<io::Error>,
}

/// What reading one source gave.
struct SourceRun {
    lines: u64,
    /// The layout used, and whether it was detected; `None` when none fitted.
    layout: Option<(Layout, bool)>,
    error: Option<String>,
}

/// Picks the layout for a source: the configured one, or the one that fits `sample`.
fn choose_layout(cfg: &Config, sample: &[u8]) -> Option<(Layout, bool)> {
    match cfg.layout {
        Some(l) => Some((l, false)),
        None => detect(sample).map(|d| (d.layout, true)),
    }
}

/// Reads one source to its end (or its first read error), pushing every line into `sink`.
fn read_source<S: Sink>(source: &Source, name: &str, cfg: &Config, sink: &mut S) -> SourceRun {
    let mut run = SourceRun {
        lines: 0,
        layout: None,
        error: None,
    };
    let chunks = source.open().map_err(|e| e.to_string()).and_then(|r| {
        BackgroundReader::spawn(r, name.to_string())
            .map_err(|e| format!("{name}: cannot start reading: {e}"))
    });
    let mut chunks = match chunks {
        Ok(c) => c,
        Err(e) => {
            run.error = Some(e);
            return run;
        }
    };
    let mut parser: Option<LineParser> = None;
    while let Some(chunk) = chunks.next() {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                run.error = Some(e.to_string());
                break;
            }
        };
        let parser = parser.get_or_insert_with(|| {
            run.layout = choose_layout(cfg, &chunk.data);
            // Where no layout fits any of the first lines, parsing as combined reports
            // every line as malformed (and keeps them in rejects).
            run.layout.map_or(Layout::NginxCombined, |l| l.0).parser()
        });
        if chunk.overlong {
            // One line cut at MAX_LINE: malformed, kept (cut) in rejects.
            run.lines += 1;
            sink.malformed(name, run.lines, &chunk.data, ParseError::TooLong);
        } else {
            process_chunk(parser, &chunk.data, name, &mut run.lines, sink);
        }
        chunks.recycle(chunk.data);
    }
    run
}

/// Reads every source in order, parses each line once and summarises.
pub fn run(sources: &[Source], cfg: &Config, rejects: Option<Box<dyn Write>>) -> Outcome {
    let mut sink = (
        StatsSink(Aggregate::new(cfg.stats)),
        rejects.map(RejectsSink::new),
    );
    let mut source_summaries = Vec::new();
    let mut source_errors = Vec::new();
    let mut top_layout: Option<LayoutInfo> = None;

    for source in sources {
        let name = source.name();
        let malformed_before = sink.0.0.malformed_count();
        let run = read_source(source, &name, cfg, &mut sink);
        sink.0.0.add_lines(run.lines);
        if let Some((layout, detected)) = run.layout {
            top_layout.get_or_insert(LayoutInfo {
                name: layout.name().to_string(),
                detected,
            });
        }
        if let Some(e) = &run.error {
            source_errors.push(e.clone());
        }
        source_summaries.push(SourceSummary {
            name,
            layout: run.layout.map(|l| l.0.name().to_string()),
            lines: run.lines,
            malformed: sink.0.0.malformed_count() - malformed_before,
            error: run.error,
        });
    }

    let (stats, rejects) = sink;
    let mut summary = stats.0.summarize();
    summary.axlog_version = env!("CARGO_PKG_VERSION").to_string();
    summary.layout = top_layout;
    summary.sources = source_summaries;
    Outcome {
        summary,
        source_errors,
        rejects_error: rejects.and_then(|r| r.finish().err()),
    }
}
