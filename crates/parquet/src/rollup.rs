//! Rollup tables: `DIR/rollup_1s/` and `DIR/rollup_1m/`, a row per bucket of time (and
//! source): requests, requests per status class, bytes, request-time percentiles.

use crate::schema::leading_fields;
use crate::writer::{Error, Output, Part, Span, TableFiles, Written};
use arrow_array::builder::{Int64Builder, StringBuilder, TimestampMicrosecondBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use axlog_stats::rollup::BucketRow;
use std::sync::Arc;

/// Rows buffered before they are handed to the encoder.
const BATCH_ROWS: usize = 1 << 16;

/// The rollup tables' columns, after `bucket` and `source`.
pub const COUNTS: &[&str] = &[
    "requests",
    "status_1xx",
    "status_2xx",
    "status_3xx",
    "status_4xx",
    "status_5xx",
    "status_other",
    "bytes_sent",
    "latency_count",
    "p50_us",
    "p90_us",
    "p99_us",
    "max_us",
];

/// Where the latency columns (null in a bucket without request times) start in [`COUNTS`].
const LATENCY_FROM: usize = 9;

/// The schema of both rollup tables (without `source` when it is a partition).
pub fn rollup_schema(with_source: bool) -> SchemaRef {
    let mut fields = leading_fields("bucket", with_source);
    for (i, name) in COUNTS.iter().enumerate() {
        fields.push(Field::new(*name, DataType::Int64, i >= LATENCY_FROM));
    }
    Arc::new(Schema::new(fields))
}

/// One table's buffered rows.
struct Table {
    files: TableFiles,
    with_source: bool,
    source: String,
    rows: Vec<BucketRow>,
    part: Option<Part>,
}

impl Table {
    fn push(&mut self, row: BucketRow) {
        let part = Part::of(row.start_s.saturating_mul(1_000_000), false);
        if self.part != Some(part) || self.rows.len() >= BATCH_ROWS {
            self.flush();
            self.part = Some(part);
        }
        self.rows.push(row);
    }

    fn flush(&mut self) {
        if let Some(part) = self.part
            && !self.rows.is_empty()
        {
            let batch = self.batch();
            self.rows.clear();
            self.files.write(part, batch);
        }
    }

    fn batch(&self) -> Result<RecordBatch, ArrowError> {
        let n = self.rows.len();
        let mut bucket = TimestampMicrosecondBuilder::with_capacity(n).with_timezone("UTC");
        let mut source = StringBuilder::with_capacity(n, n * self.source.len());
        let mut cols: Vec<Int64Builder> = (0..COUNTS.len())
            .map(|_| Int64Builder::with_capacity(n))
            .collect();
        let int = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        for r in &self.rows {
            let b = &r.bucket;
            bucket.append_value(r.start_s.saturating_mul(1_000_000));
            source.append_value(&self.source);
            let [c1, c2, c3, c4, c5, other] = b.classes;
            let counts = [
                b.requests,
                c1,
                c2,
                c3,
                c4,
                c5,
                other,
                b.bytes_sent,
                b.latency_count(),
            ];
            for (c, v) in cols.iter_mut().zip(counts) {
                c.append_value(int(v));
            }
            let lat = b.latency_us();
            for (k, c) in cols[LATENCY_FROM..].iter_mut().enumerate() {
                c.append_option(lat.map(|l| int(l[k])));
            }
        }
        let mut arrays: Vec<ArrayRef> = vec![Arc::new(bucket.finish())];
        if self.with_source {
            arrays.push(Arc::new(source.finish()));
        }
        arrays.extend(cols.iter_mut().map(|c| Arc::new(c.finish()) as ArrayRef));
        RecordBatch::try_new(self.files.schema().clone(), arrays)
    }

    fn finish(mut self) -> Result<Written, Error> {
        self.flush();
        self.files.finish()
    }
}

/// Writes one source's rollup rows (from one thread): seconds and minutes.
pub struct RollupWriter {
    seconds: Table,
    minutes: Table,
}

impl RollupWriter {
    pub fn new(out: &Arc<Output>, source: &str) -> Self {
        Self::of_span(out, source, None)
    }

    /// A writer as [`RollupWriter::new`], whose files are named by `span` when it has one.
    pub fn of_span(out: &Arc<Output>, source: &str, span: Option<Span>) -> Self {
        let with_source = !out.options().by_source;
        let table = |dir| Table {
            files: TableFiles::new(out, Some(dir), source, span, rollup_schema(with_source)),
            with_source,
            source: source.to_string(),
            rows: Vec::new(),
            part: None,
        };
        RollupWriter {
            seconds: table("rollup_1s"),
            minutes: table("rollup_1m"),
        }
    }

    /// Adds a bucket to its table (by its width).
    pub fn push(&mut self, row: BucketRow) {
        if row.width_s == 1 {
            self.seconds.push(row);
        } else {
            self.minutes.push(row);
        }
    }

    /// Completes both tables' files; the rows written are rollup rows.
    pub fn finish(self) -> Result<Written, Error> {
        let mut w = self.seconds.finish()?;
        w.add(self.minutes.finish()?);
        Ok(Written {
            rows: 0,
            rollup_rows: w.rows,
            files: w.files,
        })
    }
}
