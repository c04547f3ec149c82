//! The alerting parts of a [`crate::Summary`]: the anomalies found in the series and the
//! `--fail-if` thresholds that fired. Plain data; field names are the JSON's
//! (docs/report-json.md, docs/anomalies.md).

use serde::Serialize;

/// `anomalies` in JSON: the method's parameters and what it found.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Anomalies {
    /// How the baselines are computed (docs/anomalies.md).
    pub method: String,
    /// The width of the buckets examined, seconds.
    pub bucket_s: u32,
    /// `--anomaly-window`: the span of buckets around each one its baseline is taken
    /// from, seconds.
    pub window_s: u32,
    /// `--anomaly-threshold`: the modified z-score a bucket must pass.
    pub threshold: f64,
    /// Requests a bucket (or its baseline, for drops) must have to be judged.
    pub min_requests: u64,
    /// An anomaly lasts at least this long, seconds.
    pub min_duration_s: u32,
    /// Whether the same time of the previous day was part of the baselines.
    pub previous_day: bool,
    /// Anomalies found; at most the first 100 are listed.
    pub count: u64,
    pub anomalies: Vec<Anomaly>,
}

/// One anomaly: the buckets `[start, end)` where `metric` left its band.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Anomaly {
    /// `spike`, `drop`, `outage`, `gap`, `errors` or `latency`.
    pub kind: String,
    /// `requests`, `5xx_rate` or `p99_us`.
    pub metric: String,
    pub start: String,
    pub start_epoch: i64,
    pub end: String,
    pub end_epoch: i64,
    pub seconds: u64,
    /// The metric in the anomaly's most departed bucket, its baseline there and the band
    /// around the baseline it left.
    pub observed: f64,
    pub baseline: f64,
    pub band_low: f64,
    pub band_high: f64,
    /// The modified z-score of that bucket (signed: below the baseline is negative).
    pub score: f64,
    /// What explains most of the departure (absent when no key does, as in a gap).
    pub contributor: Option<Contributor>,
}

/// The key whose own change explains most of an anomaly.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Contributor {
    /// `endpoint`, `server` or `source`.
    pub dimension: String,
    pub key: String,
    /// The key's own figure over the anomaly and its baseline (requests per bucket,
    /// 5xx per bucket, or mean request time in µs).
    pub observed: f64,
    pub baseline: f64,
    /// The fraction of the anomaly's departure this key's change accounts for.
    pub share: f64,
}

/// `thresholds` in JSON: each `--fail-if` checked and the ones that fired.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Thresholds {
    /// Every expression, as given.
    pub checked: Vec<String>,
    pub fired: Vec<Fired>,
}

/// One threshold that fired (one per row, for a `by` expression).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Fired {
    /// The expression, as given.
    pub expr: String,
    /// The metric as written (`p99(request_time)`, `5xx_rate`, ...).
    pub metric: String,
    /// `>`, `>=`, `<`, `<=`, `==` or `!=`.
    pub op: String,
    /// The measured value and the limit, in the metric's unit (µs for times, a fraction
    /// for rates, requests per second for QPS); `null` value when the run had none.
    pub value: Option<f64>,
    pub limit: f64,
    /// For `by DIM`: the dimension and the row's key.
    pub dimension: Option<String>,
    pub key: Option<String>,
}
