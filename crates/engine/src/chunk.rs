//! One chunk into a sink: the step every route takes for each chunk (in order on one
//! thread, on parsing threads, live with `--every`). Each line is read once and parsed
//! once whatever the sinks.

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
    parse_lines(parser, data, source, line_no, sink).0
}

/// [`process_chunk`], which also counts the lines that did not parse (server messages,
/// which are not access lines, aside): (lines, malformed).
#[inline]
fn parse_lines<P: Parse, S: RecordSink>(
    parser: &mut P,
    data: &[u8],
    source: &str,
    line_no: &mut u64,
    sink: &mut S,
) -> (u64, u64) {
    let first = *line_no;
    let mut malformed = 0;
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
    (*line_no - first, malformed)
}

/// What a chunk held.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    pub(crate) lines: u64,
    /// Lines that did not parse (server messages, which are not access lines, aside).
    pub(crate) malformed: u64,
}

/// Parses `chunk` into `sink`, its lines numbered from 1: its whole lines, then the cut
/// overlong line it may end with (malformed, kept cut in rejects). `parser` may be
/// `None` only for a chunk that is just a cut line (no layout is chosen from those).
/// The caller takes the chunk's part with [`ChunkSink::end_chunk`].
#[inline]
pub(crate) fn parse_chunk<S: ChunkSink>(
    parser: Option<&mut InputParser>,
    chunk: &Chunk,
    source: &str,
    sink: &mut S,
) -> Counts {
    sink.begin_chunk();
    let (mut lines, mut malformed) = (0, 0);
    if let Some(p) = parser
        && !chunk.lines().is_empty()
    {
        malformed = parse_lines(p, chunk.lines(), source, &mut lines, sink).1;
    }
    if let Some(cut) = chunk.cut() {
        lines += 1;
        malformed += 1;
        sink.malformed(source, lines, cut, ParseError::TooLong);
    }
    Counts { lines, malformed }
}
