//! [`Sink`]: what consumes the records of a run. Statistics, the rejects file and Parquet
//! rows are sinks (sinks/), plugged in the same way; a new output is a new sink.
//!
//! A sink lives at three levels: the run's, one per source (made with [`Fork::Source`])
//! and one per parsing thread of a source ([`Fork::Worker`]). Records go to the sink of
//! the thread that parsed them. What must follow input order (line numbers of rejects
//! and samples, tables whose cap keeps the first keys, rollups) is handed back per chunk
//! ([`ChunkSink::end_chunk`]) and applied by the engine, in input order, to the source's
//! sink ([`ChunkSink::add_chunk`]); the rest is merged ([`Sink::merge`]): a worker's into its
//! source's in any order, a source's into the run's in input order. The engine does the
//! ordering once, for every sink: a sink only says what its chunk part is. On the single
//! thread route the source's sink parses too, and gets its own chunks back.

use axlog_format::{Fields, Format, InputParser, ParseError, Record};

/// Which sink [`Sink::fork`] makes.
#[derive(Debug, Clone, Copy)]
pub enum Fork<'a> {
    /// The sink of one source. `in_order`: the sources before it are done, so what it
    /// writes may go straight to the run's outputs (otherwise it is kept until its
    /// source's turn, at [`Sink::merge`]).
    Source { id: &'a SourceId, in_order: bool },
    /// The sink of one parsing thread of a source, made from the source's sink.
    Worker,
}

/// A source as the sinks know it.
#[derive(Debug, Clone)]
pub struct SourceId {
    /// Its name in messages: its path, or `<stdin>`.
    pub name: String,
    /// The name of its row in the per-source breakdown (and of its Parquet rows).
    pub label: String,
    /// Its row in the per-source breakdown (sources with one label share one).
    pub row: usize,
}

/// What a source's sink learns once the layout of its lines is known.
#[derive(Clone, Copy)]
pub struct Begin<'a> {
    /// The parser its lines are read with.
    pub parser: &'a InputParser,
    /// Its layout, and whether it was detected; `None` when none fitted.
    pub layout: Option<(&'a Format, bool)>,
}

/// Where a chunk's lines are in their source: the engine numbers a chunk's lines from 1
/// ([`RecordSink::malformed`]); line `n` of the chunk is line `lines_before + n` of
/// `source`.
#[derive(Debug, Clone, Copy)]
pub struct ChunkPlace<'a> {
    pub source: &'a str,
    pub lines_before: u64,
}

/// Receives every line of the input, parsed or not: the part of a sink on the hot path.
pub trait RecordSink {
    /// The fields of a record the sink reads: the parser may skip the others (a
    /// projection). Every field unless a sink says less.
    fn fields(&self) -> Fields {
        Fields::ALL
    }

    /// Called for every record [`LOOKAHEAD`](crate::LOOKAHEAD) records before
    /// [`RecordSink::record`] is called for it, in the same order: a sink starts here the
    /// memory loads `record` will need, so they overlap with other work instead of
    /// stalling it. A speed hint only.
    #[inline]
    fn prepare(&mut self, _rec: &Record<'_>) {}

    fn record(&mut self, rec: &Record<'_>);

    /// A line that did not parse, the `line_no`-th of its chunk (of `source`), as it was
    /// in the input: with the `\r` of a CRLF line ending (parsers get the line without
    /// it), so a rejects file keeps its bytes.
    fn malformed(&mut self, source: &str, line_no: u64, line: &[u8], err: ParseError);
}

/// A sink fed chunk by chunk, in input order: what the one chunk loop needs.
pub trait ChunkSink: RecordSink {
    /// What a chunk leaves that must be applied in input order.
    type Chunk: Send;

    /// The source's layout is known (a worker's sink is forked after this call on its
    /// source's sink).
    fn begin(&mut self, _b: &Begin<'_>) {}

    /// A chunk starts (the sink may set up what its chunk part collects).
    #[inline]
    fn begin_chunk(&mut self) {}

    /// The chunk's lines are all in: what must follow input order.
    fn end_chunk(&mut self) -> Self::Chunk;

    /// A chunk's part, on its source's sink, in input order.
    fn add_chunk(&mut self, chunk: Self::Chunk, at: ChunkPlace<'_>);

    /// Whether the sink wants no more records: the engine stops reading the source at
    /// the next chunk.
    #[inline]
    fn stopped(&self) -> bool {
        false
    }
}

/// A sink the engine runs over many sources and threads.
pub trait Sink: ChunkSink + Send + Sized {
    /// What the sink gives at the end of the run: its result, or its error.
    type Output;

    /// A sink for one source or one parsing thread, made from this one (the run's or a
    /// source's), sharing its settings and outputs.
    fn fork(&self, how: Fork<'_>) -> Self;

    /// The source's sink, once every chunk is added and every worker merged: the source
    /// had `lines` lines.
    fn end_source(&mut self, _lines: u64) {}

    /// Adds a worker's sink into its source's (any order), or a source's into the run's
    /// (input order).
    fn merge(&mut self, other: Self);

    /// The run's sink, at the end: its result or its error.
    fn finish(self) -> Self::Output;
}

impl<S: RecordSink + ?Sized> RecordSink for &mut S {
    fn fields(&self) -> Fields {
        (**self).fields()
    }

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

impl<S: RecordSink> RecordSink for Option<S> {
    fn fields(&self) -> Fields {
        self.as_ref().map_or(Fields::NONE, |s| s.fields())
    }

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

impl<S: ChunkSink> ChunkSink for Option<S> {
    type Chunk = Option<S::Chunk>;

    fn begin(&mut self, p: &Begin<'_>) {
        if let Some(s) = self {
            s.begin(p)
        }
    }

    #[inline]
    fn begin_chunk(&mut self) {
        if let Some(s) = self {
            s.begin_chunk()
        }
    }

    fn end_chunk(&mut self) -> Self::Chunk {
        self.as_mut().map(|s| s.end_chunk())
    }

    fn add_chunk(&mut self, chunk: Self::Chunk, at: ChunkPlace<'_>) {
        if let (Some(s), Some(c)) = (self, chunk) {
            s.add_chunk(c, at)
        }
    }

    fn stopped(&self) -> bool {
        self.as_ref().is_some_and(|s| s.stopped())
    }
}

impl<S: Sink> Sink for Option<S> {
    type Output = Option<S::Output>;

    fn fork(&self, how: Fork<'_>) -> Self {
        self.as_ref().map(|s| s.fork(how))
    }

    fn end_source(&mut self, lines: u64) {
        if let Some(s) = self {
            s.end_source(lines)
        }
    }

    fn merge(&mut self, other: Self) {
        if let (Some(s), Some(o)) = (self, other) {
            s.merge(o)
        }
    }

    fn finish(self) -> Self::Output {
        self.map(|s| s.finish())
    }
}

impl<A: RecordSink, B: RecordSink> RecordSink for (A, B) {
    fn fields(&self) -> Fields {
        self.0.fields().union(self.1.fields())
    }

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

impl<A: ChunkSink, B: ChunkSink> ChunkSink for (A, B) {
    type Chunk = (A::Chunk, B::Chunk);

    fn begin(&mut self, p: &Begin<'_>) {
        self.0.begin(p);
        self.1.begin(p);
    }

    #[inline]
    fn begin_chunk(&mut self) {
        self.0.begin_chunk();
        self.1.begin_chunk();
    }

    fn end_chunk(&mut self) -> Self::Chunk {
        (self.0.end_chunk(), self.1.end_chunk())
    }

    fn add_chunk(&mut self, chunk: Self::Chunk, at: ChunkPlace<'_>) {
        self.0.add_chunk(chunk.0, at);
        self.1.add_chunk(chunk.1, at);
    }

    fn stopped(&self) -> bool {
        self.0.stopped() || self.1.stopped()
    }
}

impl<A: Sink, B: Sink> Sink for (A, B) {
    type Output = (A::Output, B::Output);

    fn fork(&self, how: Fork<'_>) -> Self {
        (self.0.fork(how), self.1.fork(how))
    }

    fn end_source(&mut self, lines: u64) {
        self.0.end_source(lines);
        self.1.end_source(lines);
    }

    fn merge(&mut self, other: Self) {
        self.0.merge(other.0);
        self.1.merge(other.1);
    }

    fn finish(self) -> Self::Output {
        (self.0.finish(), self.1.finish())
    }
}
