//! The series parts of a [`crate::Summary`]: buckets over time, `--series-by` rows, gaps,
//! and the times shown in a display zone. Plain data; field names are the JSON's
//! (docs/report-json.md).

use serde::Serialize;

/// The series parts of a summary, each absent from JSON when `None`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SeriesParts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<SeriesSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series_by: Option<SeriesBySummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gaps: Option<Gaps>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<DisplayTimes>,
}

/// The values of one bucket (one key's, for `--series-by`).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SeriesValues {
    pub requests: u64,
    pub status_1xx: u64,
    pub status_2xx: u64,
    pub status_3xx: u64,
    pub status_4xx: u64,
    pub status_5xx: u64,
    pub bytes_sent: u64,
    /// Nearest-rank request time (HAProxy's Ta where none is logged), µs; `null` in a
    /// bucket without one.
    pub p50_us: Option<u64>,
    pub p99_us: Option<u64>,
    pub max_us: Option<u64>,
    /// Whether the bucket met more distinct latency values than it keeps exactly.
    pub approximate: bool,
}

/// One bucket: its start and values.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SeriesBucket {
    /// RFC 3339: UTC, or local time with its offset with `--tz`.
    pub start: String,
    pub start_epoch: i64,
    #[serde(flatten)]
    pub values: SeriesValues,
}

/// The series over time (`series` in JSON).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SeriesSummary {
    /// The width of the buckets, seconds.
    pub bucket_s: u32,
    /// `--bucket`, when given (the series is coarser only past its bucket limit).
    pub requested_bucket_s: Option<u32>,
    /// Every bucket of the range is listed, empty ones as zeros (`false` only when the
    /// range holds more than 100,000 buckets: then only those with requests).
    pub zero_filled: bool,
    pub buckets: Vec<SeriesBucket>,
}

/// `--series-by`'s rows (`series_by` in JSON).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SeriesBySummary {
    pub dimension: String,
    pub bucket_s: u32,
    /// The `--top` keys by requests, ties by key, each with its values in the series'
    /// buckets (the same ones, in the same order).
    pub rows: Vec<SeriesByRow>,
    /// Keys kept, their cap, and the requests of keys not kept.
    pub distinct: u64,
    pub cap: u64,
    pub cap_reached: bool,
    pub untracked_requests: u64,
    pub requests_without_key: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SeriesByRow {
    pub key: String,
    pub requests: u64,
    pub buckets: Vec<SeriesValues>,
}

/// Runs of empty seconds (`gaps` in JSON).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Gaps {
    /// `--gap`: runs longer than this many seconds are listed.
    pub min_seconds: u64,
    /// Gaps found; at most the first 1,000 are listed.
    pub count: u64,
    pub gaps: Vec<Gap>,
}

/// One gap: the seconds `[start, end)` had no request.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Gap {
    pub start: String,
    pub start_epoch: i64,
    /// The second of the next request.
    pub end: String,
    pub end_epoch: i64,
    pub seconds: u64,
}

/// The report's times in the `--tz` zone (`display` in JSON; absent without `--tz`).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DisplayTimes {
    /// The zone as given.
    pub zone: String,
    pub first: Option<String>,
    pub last: Option<String>,
    pub peak_second: Option<String>,
}
