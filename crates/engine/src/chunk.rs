//! One chunk into a sink: the step every route takes for each chunk (in order on one
//! thread, on parsing threads, live with `--every`). Each line is read once and parsed
//! once whatever the sinks.

use crate::filter::{Filter, Pass};
use crate::sink::{ChunkSink, RecordSink};
use axlog_format::{InputParser, Parse, ParseError, Record};
use axlog_input::Chunk;

/// `line` without the `\r` of a CRLF ending: the text parsers get.
#[inline]
pub(crate) fn without_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// How many records ahead of [`RecordSink::record`] the engine calls
/// [`RecordSink::prepare`].
pub const LOOKAHEAD: usize = 16;

/// Parses the lines of `data` (whole lines; the last may lack its `\n`) and pushes them
/// into `sink`. `line_no` is the number of lines of this source before `data`; it is
/// advanced. Returns the number of lines in `data`.
#[inline]
pub fn process_chunk<P: Parse, S: RecordSink>(
    parser: &mut P,
    data: &[u8],
    source: &str,
    line_no: &mut u64,
    sink: &mut S,
) -> u64 {
    parse_lines(parser, data, source, line_no, sink, &mut KeepAll).0
}

/// Which parsed records reach the sinks: a type parameter of [`parse_lines`], so a run
/// without filters ([`KeepAll`]) has no filter code on its path.
pub(crate) trait Keep {
    fn keep(&mut self, rec: &Record<'_>) -> bool;
}

/// Every record.
pub(crate) struct KeepAll;

impl Keep for KeepAll {
    #[inline(always)]
    fn keep(&mut self, _: &Record<'_>) -> bool {
        true
    }
}

/// [`process_chunk`], which also counts the lines that did not parse (server messages,
/// which are not access lines, aside) and the records `keep` dropped: (lines, malformed,
/// filtered).
#[inline]
fn parse_lines<P: Parse, S: RecordSink, K: Keep>(
    parser: &mut P,
    data: &[u8],
    source: &str,
    line_no: &mut u64,
    sink: &mut S,
    keep: &mut K,
) -> (u64, u64, u64) {
    let first = *line_no;
    let (mut malformed, mut filtered) = (0, 0);
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
            Ok(()) if keep.keep(&ring[slot]) => {
                sink.prepare(&ring[slot]);
                queued += 1;
            }
            // Dropped by the filters: its slot is taken by the next line.
            Ok(()) => filtered += 1,
            Err(e) => {
                // Keep the sink's order: the records before this line go first.
                while queued > 0 {
                    sink.record(&ring[head]);
                    head = (head + 1) % LOOKAHEAD;
                    queued -= 1;
                }
                malformed += u64::from(e != ParseError::NotAccess);
                sink.malformed(source, *line_no, raw, e);
            }
        }
    }
    while queued > 0 {
        sink.record(&ring[head]);
        head = (head + 1) % LOOKAHEAD;
        queued -= 1;
    }
    (*line_no - first, malformed, filtered)
}

/// [`parse_lines`] through `filter`, out of line, and without the sinks' `prepare`: a
/// second call of it made the compiler stop inlining it into the unfiltered loop (a call
/// per record there, +0.7% instructions on the plain report). A filtered run forgoes the
/// prefetch; the plain one keeps all of it.
#[inline(never)]
fn parse_filtered<S: RecordSink>(
    parser: &mut InputParser,
    data: &[u8],
    source: &str,
    line_no: &mut u64,
    sink: &mut S,
    filter: &Filter,
) -> (u64, u64, u64) {
    let mut pass = Pass::new(filter, parser.extra_names());
    let mut sink = NoPrepare(sink);
    parse_lines(parser, data, source, line_no, &mut sink, &mut pass)
}

/// A sink whose `prepare` hint is dropped (see [`parse_filtered`]).
struct NoPrepare<'s, S>(&'s mut S);

impl<S: RecordSink> RecordSink for NoPrepare<'_, S> {
    fn fields(&self) -> axlog_format::Fields {
        self.0.fields()
    }

    #[inline]
    fn record(&mut self, rec: &Record<'_>) {
        self.0.record(rec)
    }

    fn malformed(&mut self, source: &str, line_no: u64, line: &[u8], err: ParseError) {
        self.0.malformed(source, line_no, line, err)
    }
}

/// What a chunk held.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    pub(crate) lines: u64,
    /// Lines that did not parse (server messages, which are not access lines, aside).
    pub(crate) malformed: u64,
    /// Requests the filters dropped.
    pub(crate) filtered: u64,
    /// The overlong line the chunk ends with, cut at the longest line kept: its number
    /// in the chunk (from 1).
    pub(crate) cut_line: Option<u64>,
}

/// Parses `chunk` into `sink`, its lines numbered from 1: its whole lines, then the cut
/// overlong line it may end with (malformed, kept cut in rejects). `parser` may be
/// `None` only for a chunk that is just a cut line (no layout is chosen from those).
/// The caller takes the chunk's part with [`ChunkSink::end_chunk`]. Records `filter`
/// drops reach no sink.
#[inline]
pub(crate) fn parse_chunk<S: ChunkSink>(
    parser: Option<&mut InputParser>,
    chunk: &Chunk,
    source: &str,
    sink: &mut S,
    filter: Option<&Filter>,
) -> Counts {
    sink.begin_chunk();
    let (mut lines, mut malformed, mut filtered, mut cut_line) = (0, 0, 0, None);
    if let Some(p) = parser
        && !chunk.lines().is_empty()
    {
        let data = chunk.lines();
        (_, malformed, filtered) = match filter {
            None => parse_lines(p, data, source, &mut lines, sink, &mut KeepAll),
            Some(f) => parse_filtered(p, data, source, &mut lines, sink, f),
        };
    }
    if let Some(cut) = chunk.cut() {
        lines += 1;
        malformed += 1;
        sink.malformed(source, lines, cut, ParseError::TooLong);
        cut_line = Some(lines);
    }
    Counts {
        lines,
        malformed,
        filtered,
        cut_line,
    }
}
