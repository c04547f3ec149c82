//! The Parquet sink: every record as a row, and per-minute rollups when asked.
//!
//! Each parsing thread writes rows into files of its own, made once the source's layout
//! is known (its extra variables are columns of the rows). Rollups follow input order:
//! each chunk's is merged into its source's stream at the chunk's turn, and a bucket is
//! written once it closes. The run's files appear together once every write succeeded,
//! or none does (see the parquet crate's staged.rs). Under `--state` the files are named
//! by the span their source was read over ([`Output::span_of`]) and the run leaves them
//! staged: the CLI journals their names before it publishes them.

use crate::sink::{Begin, ChunkPlace, ChunkSink, Fork, RecordSink, Sink};
use axlog_format::{Fields, ParseError, Record};
use axlog_parquet::{Error, Output, RollupWriter, RowWriter, Span, Written};
use axlog_stats::rollup::{Rollup, RollupStream};
use std::sync::Arc;

/// Writes the rows of a run.
pub struct ParquetSink {
    out: Arc<Output>,
    /// The source's label (its rows carry it), and its layout's extra variables.
    label: String,
    extra: Option<Vec<String>>,
    /// What the source's files hold, under `--state`.
    span: Option<Span>,
    writer: Option<RowWriter>,
    /// The current chunk's rollup, when the run writes rollups.
    rollup: Option<Rollup>,
    /// A source's rollup stream.
    rollups: Option<Rollups>,
    written: Written,
    /// The first error of a source; on the run's sink, one per source that met one.
    errors: Vec<Error>,
    run: bool,
}

/// A source's rollup tables: chunks' rollups merged in input order, and written as their
/// buckets close.
struct Rollups {
    stream: RollupStream,
    writer: RollupWriter,
}

impl ParquetSink {
    /// Rows into `out`.
    pub fn new(out: Arc<Output>) -> ParquetSink {
        ParquetSink {
            out,
            label: String::new(),
            extra: None,
            span: None,
            writer: None,
            rollup: None,
            rollups: None,
            written: Written::default(),
            errors: Vec::new(),
            run: true,
        }
    }

    fn rollups_on(&self) -> bool {
        self.out.options().rollups
    }

    /// Counts files completed, or keeps the first error writing them.
    fn add_written(&mut self, done: Result<Written, Error>) {
        match done {
            Ok(w) => self.written.add(w),
            Err(e) if self.errors.is_empty() => self.errors.push(e),
            Err(_) => {}
        }
    }
}

impl RecordSink for ParquetSink {
    /// A row holds every field.
    fn fields(&self) -> Fields {
        Fields::ALL
    }

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

impl ChunkSink for ParquetSink {
    type Chunk = Option<Rollup>;

    fn begin(&mut self, b: &Begin<'_>) {
        let extra = b.parser.extra_names();
        self.writer = Some(
            self.out
                .writer_of_span(&self.label, self.span, extra.clone()),
        );
        self.extra = Some(extra);
    }

    fn end_chunk(&mut self) -> Option<Rollup> {
        self.rollup.as_mut().map(std::mem::take)
    }

    fn add_chunk(&mut self, chunk: Option<Rollup>, _: ChunkPlace<'_>) {
        if let (Some(ru), Some(c)) = (&mut self.rollups, chunk) {
            let w = &mut ru.writer;
            ru.stream.add(c, &mut |row| w.push(row));
        }
    }
}

impl Sink for ParquetSink {
    /// The rows and files written; or the errors, one per source that met one (then no
    /// file appears).
    type Output = Result<Written, Vec<Error>>;

    fn fork(&self, how: Fork<'_>) -> Self {
        let mut s = ParquetSink::new(self.out.clone());
        s.run = false;
        s.rollup = self.rollups_on().then(Rollup::default);
        match how {
            Fork::Source { id, .. } => {
                s.label = id.label.clone();
                s.span = self.out.span_of(&id.name);
                s.rollups = self.rollups_on().then(|| Rollups {
                    stream: RollupStream::default(),
                    writer: RollupWriter::of_span(&self.out, &id.label, s.span),
                });
            }
            Fork::Worker => {
                s.label = self.label.clone();
                s.extra = self.extra.clone();
                s.span = self.span;
                s.writer = self
                    .extra
                    .clone()
                    .map(|extra| self.out.writer_of_span(&self.label, self.span, extra));
            }
        }
        s
    }

    fn end_source(&mut self, _lines: u64) {
        if let Some(mut ru) = self.rollups.take() {
            let w = &mut ru.writer;
            ru.stream.finish(&mut |row| w.push(row));
            self.add_written(ru.writer.finish());
        }
        if let Some(w) = self.writer.take() {
            self.add_written(w.finish());
        }
    }

    fn merge(&mut self, mut other: Self) {
        // A worker's files are completed here; a source's were at its end.
        if let Some(w) = other.writer.take() {
            other.add_written(w.finish());
        }
        self.written.add(other.written);
        if self.run {
            self.errors.extend(other.errors);
        } else if let Some(e) = other.errors.into_iter().next() {
            self.add_written(Err(e));
        }
    }

    fn finish(mut self) -> Result<Written, Vec<Error>> {
        if !self.errors.is_empty() {
            self.out.discard();
            return Err(self.errors);
        }
        if self.out.deferred() {
            // Published by the caller once it has journaled the names.
            return Ok(self.written);
        }
        match self.out.publish() {
            Ok(()) => Ok(self.written),
            Err(e) => {
                self.errors.push(e);
                Err(self.errors)
            }
        }
    }
}
