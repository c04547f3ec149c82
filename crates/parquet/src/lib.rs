//! Parquet output: the Arrow schema of a log record, batches built from records, files
//! written partitioned the way Hive, Spark, Trino and DuckDB read a table, and rollup
//! tables.
//!
//! One schema serves every log format (a column a format lacks is null), so logs of
//! nginx, Apache and HAProxy land in one table. See `docs/parquet-schema.md`.

pub mod columns;
pub mod endpoint;
pub mod rollup;
pub mod schema;
mod staged;
pub mod text;
pub mod writer;

pub use columns::Columns;
pub use rollup::RollupWriter;
pub use writer::{Error, Options, Output, Resume, RowWriter, Span, Written};
