//! Mergeable aggregates of access-log requests.
//!
//! Every aggregate here can be built per worker and merged at the end (`merge`), with the
//! same result as one pass over all input: counts are exact and latency percentiles are
//! exact nearest-rank values (see [`hist`]). Nothing here knows about parsing or I/O.

pub mod aggregate;
pub mod anomaly;
pub mod anomaly_summary;
pub mod contrib;
pub mod dimension;
mod haproxy;
pub mod hist;
pub mod persecond;
pub mod rollup;
pub mod rowsort;
#[cfg(feature = "schema")]
pub mod schema;
pub mod series_summary;
pub mod summary;
pub mod table;
mod termination;
pub mod timefmt;

pub use aggregate::attempts::{AttemptTables, UpstreamRequest};
pub use aggregate::series::SeriesConfig;
pub use aggregate::{Aggregate, ChunkTables, Observation, StateError, StatsConfig};
pub use dimension::Dimension;
pub use hist::{ExactHistogram, ValueCounts};
pub use rowsort::SortKey;
pub use summary::Summary;
pub use table::{Row, Table};

/// Bytes from a log as text: valid UTF-8 as is, other bytes as `\xHH`.
pub fn escape_bytes(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len());
    for chunk in b.utf8_chunks() {
        s.push_str(chunk.valid());
        for byte in chunk.invalid() {
            s.push_str(&format!("\\x{byte:02X}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_invalid_utf8_only() {
        assert_eq!(super::escape_bytes(b"/caf\xc3\xa9"), "/café");
        assert_eq!(super::escape_bytes(b"a\xffb\x80"), "a\\xFFb\\x80");
    }
}
