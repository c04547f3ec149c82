//! The rejects sink: every malformed line, verbatim, one per line, so nothing is lost and
//! the file can be fed back to axlog once the layout is fixed; or, `located`, each behind
//! its source and line number as `grep -Hn` writes them (`access.log:1305:the line`).
//! Server messages (not access lines) are not kept: nothing to fix in them.
//!
//! A chunk's rejects are kept with the chunk and written at its turn: in input order,
//! with line numbers in their source, whatever thread parsed them. A source read while
//! those before it still are keeps its rejects in a [`Spill`] until its turn.

use crate::sink::{ChunkPlace, ChunkSink, Fork, RecordSink, Sink};
use axlog_format::{Fields, ParseError, Record};
use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};

/// Writes rejected lines to `out`; keeps the first write error.
pub(crate) struct Writer<W: Write> {
    out: W,
    located: bool,
    error: Option<io::Error>,
}

impl<W: Write> Writer<W> {
    pub(crate) fn new(out: W, located: bool) -> Self {
        Writer {
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

    /// Writes a chunk's rejects: `lines` holds them verbatim, each ending in a newline,
    /// and `line_nos` their line numbers in the chunk, whose first line is line
    /// `first + 1` of `source`.
    fn write_chunk(&mut self, source: &str, first: u64, lines: &[u8], line_nos: &[u64]) {
        if !self.located {
            return self.write_formatted(lines);
        }
        // A rejected line holds no newline: lines are cut at them.
        for (line, &n) in lines.split_inclusive(|&b| b == b'\n').zip(line_nos) {
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            self.write_line(source, first + n, line);
        }
    }

    /// Writes lines already formatted as this writer writes them.
    pub(crate) fn write_formatted(&mut self, lines: &[u8]) {
        if self.error.is_none()
            && let Err(e) = self.out.write_all(lines)
        {
            self.error = Some(e);
        }
    }

    /// Flushes and returns the first error met, if any.
    fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()
    }

    /// Flushes and gives back the writer, or the first error met.
    pub(crate) fn finish_into(mut self) -> io::Result<W> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok(self.out)
    }

    /// Records an error met outside the writer's own writes (the first is kept).
    fn fail(&mut self, e: io::Error) {
        self.error.get_or_insert(e);
    }
}

/// The run's rejects file.
type File = Writer<Box<dyn Write + Send>>;

/// Keeps the malformed lines of a run.
pub struct RejectsSink {
    file: Arc<Mutex<File>>,
    /// A source read while sources before it still are: its rejects until its turn.
    spill: Option<Writer<Spill>>,
    located: bool,
    /// The current chunk's rejects, verbatim, each ending in a newline, and their line
    /// numbers in the chunk.
    lines: Vec<u8>,
    line_nos: Vec<u64>,
}

/// A chunk's rejects (see [`RejectsSink`]).
pub struct RejectsChunk {
    lines: Vec<u8>,
    line_nos: Vec<u64>,
}

impl RejectsSink {
    /// Rejects into `out`; `located` puts each behind its source and line number.
    pub fn new(out: Box<dyn Write + Send>, located: bool) -> RejectsSink {
        RejectsSink {
            file: Arc::new(Mutex::new(Writer::new(out, located))),
            spill: None,
            located,
            lines: Vec::new(),
            line_nos: Vec::new(),
        }
    }
}

impl RecordSink for RejectsSink {
    /// Rejects are lines, kept as they were: no field of a record is read.
    fn fields(&self) -> Fields {
        Fields::NONE
    }

    #[inline]
    fn record(&mut self, _: &Record<'_>) {}

    fn malformed(&mut self, _source: &str, line_no: u64, line: &[u8], err: ParseError) {
        // Server messages are not malformed: nothing to fix, nothing to keep.
        if err != ParseError::NotAccess {
            self.lines.extend_from_slice(line);
            self.lines.push(b'\n');
            self.line_nos.push(line_no);
        }
    }
}

impl ChunkSink for RejectsSink {
    type Chunk = RejectsChunk;

    fn end_chunk(&mut self) -> RejectsChunk {
        RejectsChunk {
            lines: std::mem::take(&mut self.lines),
            line_nos: std::mem::take(&mut self.line_nos),
        }
    }

    fn add_chunk(&mut self, c: RejectsChunk, at: ChunkPlace<'_>) {
        if c.lines.is_empty() {
            return;
        }
        match &mut self.spill {
            Some(s) => s.write_chunk(at.source, at.lines_before, &c.lines, &c.line_nos),
            None => self
                .file
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .write_chunk(at.source, at.lines_before, &c.lines, &c.line_nos),
        }
    }
}

impl Sink for RejectsSink {
    /// The first error writing the file, if any.
    type Output = io::Result<()>;

    fn fork(&self, how: Fork<'_>) -> Self {
        let spill = match how {
            Fork::Source {
                in_order: false, ..
            } => Some(Writer::new(Spill::default(), self.located)),
            _ => None,
        };
        RejectsSink {
            file: self.file.clone(),
            spill,
            located: self.located,
            lines: Vec::new(),
            line_nos: Vec::new(),
        }
    }

    fn merge(&mut self, other: Self) {
        // A source's spill, at its turn; a worker's rejects went by its chunks.
        if let Some(spill) = other.spill {
            let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
            match spill.finish_into() {
                Ok(spill) => spill.drain_into(&mut file),
                Err(e) => file.fail(e),
            }
        }
    }

    fn finish(self) -> io::Result<()> {
        match Arc::try_unwrap(self.file) {
            Ok(file) => file
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .finish(),
            // A fork still alive (none is, once the run is done): flush what is there.
            Err(shared) => shared
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .out
                .flush(),
        }
    }
}

/// A source's rejects while sources before it are still being read: in memory up to
/// [`Spill::MEMORY`], then in an unnamed temporary file, copied to the rejects file in
/// input order.
#[derive(Default)]
pub(crate) struct Spill {
    mem: Vec<u8>,
    file: Option<std::fs::File>,
}

impl Spill {
    const MEMORY: usize = 4 << 20;

    /// Copies what was kept into `out`.
    fn drain_into<W: Write>(self, out: &mut Writer<W>) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
            let mut out = Writer::new(Vec::new(), false);
            spill.drain_into(&mut out);
            assert_eq!(out.finish_into().unwrap(), &data[..limit]);
        }
    }
}
