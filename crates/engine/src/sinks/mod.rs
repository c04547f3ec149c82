//! The sinks of `axlog report` and `axlog convert`, one file each.

pub(crate) mod by_rows;
pub(crate) mod hourly;
pub(crate) mod keys;
pub(crate) mod parquet;
pub(crate) mod rejects;
pub(crate) mod stats;
