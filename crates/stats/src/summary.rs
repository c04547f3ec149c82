//! The finished summary of a run: plain data that every report format renders.
//! Field names are part of axlog's JSON output (documented in docs/report-json.md).

use serde::{Deserialize, Serialize};

/// The JSON report's `schema_version`.
pub const SCHEMA_VERSION: u32 = 1;

/// The upper bounds (µs) of the latency histograms' buckets ([`LatencyStats::buckets`]):
/// Prometheus's default bounds, 5 ms to 10 s, then 30 s and 60 s. Fixed, so histograms
/// of other runs and servers add up bucket by bucket.
pub const LATENCY_BUCKETS_US: [u64; 13] = [
    5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000,
    10_000_000, 30_000_000, 60_000_000,
];

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Summary {
    /// The version of this document's shape (`SCHEMA_VERSION`, 1; docs/report.schema.json):
    /// raised when a field changes meaning or goes, not when one is added.
    pub schema_version: u32,
    pub axlog_version: String,
    /// What a `--state` run covered (absent without `--state`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// Set when the figures are a state's cumulative total (`--cumulative`,
    /// `--from-state`), not what this run read (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cumulative: Option<CumulativeInfo>,
    /// The layout the lines were parsed with, and how it was chosen.
    pub layout: Option<LayoutInfo>,
    pub sources: Vec<SourceSummary>,
    pub lines: LineCounts,
    pub malformed_samples: Vec<MalformedSample>,
    pub time: Option<TimeRange>,
    pub requests: u64,
    /// The sum of the requests' response body sizes, in bytes (`-` counts 0).
    pub bytes_sent: u64,
    pub qps: Option<Qps>,
    pub status: StatusSummary,
    pub latency: LatencySummary,
    pub top_paths: Vec<PathStat>,
    pub paths: GroupTableInfo,
    /// HAProxy's own figures, when the lines are HAProxy's (`null` otherwise).
    pub haproxy: Option<HaproxySummary>,
    /// The `--by` tables, in the order asked (absent without `--by`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by: Vec<Breakdown>,
    /// The report's endpoint lists, folded from the path table (absent from `--every`
    /// windows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_endpoints: Option<TopEndpoints>,
    /// The series over time, `--series-by`'s rows, gaps and `--tz`'s times, each absent
    /// when not computed (series_summary.rs).
    #[serde(flatten)]
    pub series: crate::series_summary::SeriesParts,
    /// nginx upstream attempts, when a layout logs `$upstream_addr` (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_attempts: Option<UpstreamAttempts>,
    /// When the inputs hold several tiers (a load balancer's logs and web servers'),
    /// each tier's own summary, the front one first; the figures above are then the
    /// front tier's, except `sources`, `lines` and `malformed_samples`, which cover the
    /// run (absent with one tier).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<TierSummary>,
    /// The anomalies found in the series (absent when not looked for: `--every`
    /// windows, `--no-anomalies`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anomalies: Option<crate::anomaly_summary::Anomalies>,
    /// The `--fail-if` thresholds checked and fired (absent without `--fail-if`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<crate::anomaly_summary::Thresholds>,
}

/// What a `--state` run read: the files' byte ranges, the log time they span, and the
/// bytes lost before they could be read (issue 18).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Window {
    /// The state's generation this run commits: an output whose generation the state
    /// never reached came from a run that did not commit.
    pub generation: u64,
    /// Whether the window was cut short (a `--follow` window flushed early).
    pub partial: bool,
    /// The window's first and last request time (RFC 3339, in `--tz`); absent without
    /// requests.
    pub log_first: Option<String>,
    pub log_last: Option<String>,
    /// The ranges read, in the order read.
    pub files: Vec<FileRange>,
    /// Bytes written that will never be read.
    pub gaps: Vec<GapInfo>,
}

/// What a cumulative report's figures cover: a total since the state began, or the
/// whole log hours of a window of it (`--cumulative=1h|24h|today`).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CumulativeInfo {
    /// `total`, `1h`, `24h` or `today`.
    pub window: String,
    /// The runs (and states) merged into the total.
    pub runs: u64,
    /// For a window: the hours it merges (whole log hours, UTC) and the first hour's
    /// start and the last's end (RFC 3339, UTC); absent for `total`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// One byte range of one file a `--state` run read.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FileRange {
    pub path: String,
    /// The fingerprint the state knows the file by (16 hex digits).
    pub fingerprint: String,
    /// `plain`, `gzip`, `zstd`, ...
    pub compression: String,
    /// The decoded bytes read: lines starting in `[start, end)`.
    pub start: u64,
    pub end: u64,
    pub lines: u64,
}

/// Bytes of a file that were never read and never will be.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GapInfo {
    pub path: String,
    /// A lower bound: what was written after the file was last seen is unknown.
    pub bytes_at_least: u64,
    /// `deleted`, `replaced`, `shrunk` or `damaged`.
    pub why: String,
}

/// One tier of a run: a role its sources' layouts play (see docs/stats.md, "Tiers"),
/// and its requests summarised on their own. The tiers' series share their buckets.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TierSummary {
    /// `load balancer` or `web`.
    pub name: String,
    /// The layouts of its sources, in order of first use.
    pub layouts: Vec<String>,
    pub summary: Summary,
}

/// The endpoints with most requests, the slowest and those with most 5xx: three short
/// lists from the path table's rows folded by endpoint.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TopEndpoints {
    pub by_requests: Vec<EndpointStat>,
    /// By request-time p99, highest first (endpoints without request times left out).
    pub by_p99: Vec<EndpointStat>,
    /// By 5xx count, highest first (endpoints without 5xx left out).
    pub by_5xx: Vec<EndpointStat>,
    /// Distinct endpoints of the tracked paths.
    pub distinct: u64,
    /// Requests to paths the path table did not track (its cap was reached): counted in
    /// no endpoint, so the lists cover the other requests only.
    pub untracked_requests: u64,
}

/// One endpoint's requests.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EndpointStat {
    pub endpoint: String,
    pub count: u64,
    pub share: f64,
    pub status_4xx: u64,
    pub status_5xx: u64,
    /// 5xx of the endpoint's requests.
    pub share_5xx: f64,
    pub p99_us: Option<u64>,
    pub approximate: bool,
}

pub use crate::aggregate::attempts::{AttemptCount, AttemptStatus, UpstreamAttempts, UpstreamRow};

/// A `--by` table: its busiest rows and whether its cap was reached.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Breakdown {
    /// The dimension, as `--by` names it.
    pub dimension: String,
    /// The `--top` rows by requests, ties by key.
    pub rows: Vec<BreakdownRow>,
    /// Keys tracked.
    pub distinct: u64,
    /// The cap on keys, and on their bytes.
    pub cap: u64,
    pub bytes_cap: u64,
    /// Whether requests with keys new after the table was full were left unranked, and
    /// how many.
    pub cap_reached: bool,
    pub untracked_requests: u64,
    /// Requests that have no value for the dimension (counted in no row).
    pub requests_without_key: u64,
    /// What the rows are ranked by (`--sort`).
    pub sort: String,
    /// A two-level table's (`--by a,b`) table of pairs, whose rows are the sub-rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_rows: Option<SubRowsInfo>,
}

/// The pairs of a two-level table: how many were tracked, and what its cap left out.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SubRowsInfo {
    /// The second dimension.
    pub dimension: String,
    pub distinct: u64,
    pub cap_reached: bool,
    pub untracked_requests: u64,
}

/// One key's requests.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BreakdownRow {
    pub key: String,
    pub requests: u64,
    /// Of all requests.
    pub share: f64,
    pub status_4xx: u64,
    pub status_5xx: u64,
    pub bytes_sent: u64,
    /// Request time (HAProxy's Ta where none is logged); absent when no request has one.
    pub latency: Option<BreakdownLatency>,
    /// 4xx and 5xx, of the row's requests.
    pub share_4xx: f64,
    pub share_5xx: f64,
    /// The row's requests over the run's seconds (the overall QPS mean's denominator).
    pub qps_mean: f64,
    /// The row's busiest second; absent for a row without requests.
    pub qps_peak: Option<RowPeak>,
    /// Every latency the row's requests logged: `latency` (the field above, with its
    /// p99.9), then `upstream_response_time`, `tr`, `tw`, `tc`, `tr_server`.
    pub latencies: Vec<NamedLatency>,
    /// A two-level table's sub-rows: the `--top` keys of the second dimension.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<BreakdownRow>,
}

/// A row's busiest second.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RowPeak {
    pub requests: u64,
    /// The earliest second with that many (UTC).
    pub second: String,
    pub second_epoch: i64,
    /// The row's requests came out of time order: the peak counts the largest run of
    /// one second, a lower bound.
    pub approximate: bool,
}

/// One of a row's latencies, nearest-rank percentiles in µs.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NamedLatency {
    pub name: String,
    /// Requests that logged it.
    pub count: u64,
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub p999_us: u64,
    pub max_us: u64,
    /// Some values were not kept (the table's latency memory ran out).
    pub approximate: bool,
}

/// A row's latency, nearest-rank percentiles of the logged values, in µs.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BreakdownLatency {
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
    pub approximate: bool,
}

/// HAProxy's timers (each over the requests that reached its step; `-1` is absent) and
/// the busiest `backend/server` pairs, with their Ta p99.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HaproxySummary {
    /// TR (Tq before 1.7): time to receive the full request.
    pub tr: Option<LatencyStats>,
    /// Tw: time waiting in queues.
    pub tw: Option<LatencyStats>,
    /// Tc: time to connect to the server.
    pub tc: Option<LatencyStats>,
    /// Tr: the server's response time (headers).
    pub tr_server: Option<LatencyStats>,
    /// Ta (Tt in tcplog and before 1.7): total time.
    pub ta: Option<LatencyStats>,
    /// The busiest `backend/server` pairs (`path` holds the pair; `p99_us` is Ta's), and
    /// after them any `<NOSRV>` pair (no server was reached) that is not among them.
    pub servers: Vec<PathStat>,
    pub distinct_servers: u64,
    /// Termination states (4 characters, `SD--`), most frequent first, ties by state.
    pub termination_states: Vec<StateCount>,
    /// The same by their first two characters (what ended the session, in which phase).
    pub termination_phases: Vec<StateCount>,
}

/// Requests that ended with one termination state.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StateCount {
    pub state: String,
    pub count: u64,
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LayoutInfo {
    pub name: String,
    /// `true` when detected from the input, `false` when given with `--format`.
    pub detected: bool,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SourceSummary {
    pub name: String,
    /// The layout this source was parsed with; `null` when none fitted its first lines.
    pub layout: Option<String>,
    pub lines: u64,
    pub malformed: u64,
    /// Lines parsed that the filters (`--since`, `--where`, ...) dropped: in `lines`,
    /// not in `requests`.
    pub filtered: u64,
    /// Requests parsed from this source, and the shares of them with status 4xx and 5xx.
    pub requests: u64,
    pub client_error_share: f64,
    pub server_error_share: f64,
    /// This source's requests by status class: `1xx` … `5xx`, then `other`, always all
    /// six (`share` is of the source's requests). Summed over the sources, they are the
    /// run's `status.classes` (with several tiers, each tier's requests are counted).
    pub classes: Vec<ClassCount>,
    /// The 99th percentile of request time of this source's requests (µs), when the
    /// layout logs one.
    pub p99_us: Option<u64>,
    /// Why the source could not be read (fully), with its byte position.
    pub error: Option<String>,
    /// Lines longer than the longest line axlog keeps (16 MiB): each is cut there, counted
    /// in `malformed` and kept cut in the rejects.
    pub long_lines: u64,
    /// The first of them, by its line number in the source.
    pub first_long_line: Option<u64>,
    /// When no layout fitted: the first line and the closest presets with where each
    /// failed.
    pub layout_help: Option<String>,
    /// What detection noticed about the layout it chose: the keys a JSON mapping took
    /// by their names, or fields after the layout's that are not read.
    pub layout_note: Option<String>,
    /// When the source changed layout part-way: each layout detected, with the lines
    /// it read, the one chosen for the source first, then the others by lines read; empty
    /// otherwise.
    pub layouts: Vec<LayoutLines>,
}

/// A layout of a source and the lines read with it.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LayoutLines {
    pub name: String,
    pub lines: u64,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LineCounts {
    pub read: u64,
    pub parsed: u64,
    pub malformed: u64,
    /// The server's own messages in the access stream (HAProxy's `Server x/y is DOWN`,
    /// `Proxy X started`): neither requests nor malformed.
    pub other: u64,
    /// Parsed lines with fields after the layout's last that it does not read
    /// (`nginx-combined` lines with more after the user agent).
    pub unread_fields: u64,
    /// Parsed lines the filters (`--since`, `--until`, `--where`, `--exclude-bots`)
    /// dropped: counted in `parsed`, not in the requests.
    pub filtered: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MalformedSample {
    pub source: String,
    /// 1-based line number within the source.
    pub line: u64,
    /// The line, with bytes that are not UTF-8 written as `\xHH`, cut at 300 bytes.
    pub text: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Instant {
    pub utc: String,
    /// The same instant at the UTC offset the log wrote on that line.
    pub local: String,
    pub epoch_us: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TimeRange {
    pub first: Instant,
    pub last: Instant,
    /// Distinct UTC offsets seen, e.g. `["+01:00"]` (at most 16 are listed).
    pub offsets: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Qps {
    /// Requests divided by `seconds`.
    pub mean: f64,
    pub peak: u32,
    /// The earliest second with `peak` requests (UTC).
    pub peak_second: String,
    pub peak_second_epoch: i64,
    /// Nearest-rank percentiles of the per-second counts over every second in range.
    pub p50: u32,
    pub p99: u32,
    /// Seconds from the first to the last request's second, both included.
    pub seconds: u64,
    /// Seconds in that range with no request.
    pub empty_seconds: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatusSummary {
    /// Every status seen, ascending by code; `0` stands for a `-` status.
    pub codes: Vec<StatusCount>,
    /// `1xx` … `5xx`, then `other` (codes outside 100–599), always all six.
    pub classes: Vec<ClassCount>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatusCount {
    pub code: u16,
    pub count: u64,
    /// `count / requests`.
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ClassCount {
    pub class: String,
    pub count: u64,
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LatencySummary {
    /// nginx `$request_time`; `null` when no line had it.
    pub request_time: Option<LatencyStats>,
    /// nginx `$upstream_response_time`, each request's attempts summed.
    pub upstream_response_time: Option<LatencyStats>,
}

/// Latency percentiles in microseconds (nearest rank over the recorded values).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LatencyStats {
    /// Requests that had a value (`-` is absent, not zero).
    pub count: u64,
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub p999_us: u64,
    pub max_us: u64,
    pub mean_us: f64,
    /// `true` only if more distinct values were seen than the histogram keeps exactly.
    pub approximate: bool,
    /// Cumulative counts of the values at or below each bound (`LATENCY_BUCKETS_US`: 5 ms
    /// to 60 s), exact unless `approximate`; values above the last count in `count` only.
    pub buckets: Vec<LatencyBucket>,
}

/// A latency histogram's bucket: the values at or below `le_us`.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LatencyBucket {
    pub le_us: u64,
    pub count: u64,
}

/// The names of the six status classes, indexed as [`crate::rollup::status_class`] numbers
/// them.
pub const CLASS_NAMES: [&str; 6] = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"];

/// The six status classes of `classes` (counts of 1xx … 5xx, other), each with its share
/// of `total`.
pub fn class_counts(classes: &[u64; 6], total: u64) -> Vec<ClassCount> {
    CLASS_NAMES
        .iter()
        .zip(classes)
        .map(|(name, &count)| ClassCount {
            class: name.to_string(),
            count,
            share: if total == 0 {
                0.0
            } else {
                count as f64 / total as f64
            },
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PathStat {
    /// The request target without its query string.
    pub path: String,
    pub count: u64,
    pub share: f64,
    /// p99 of `request_time` over this path's requests; `null` without request times.
    pub p99_us: Option<u64>,
    /// `true` only if this path met more distinct latency values than are kept exactly.
    pub approximate: bool,
    /// Its requests with status 4xx and 5xx.
    pub status_4xx: u64,
    pub status_5xx: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroupTableInfo {
    /// Distinct paths tracked.
    pub distinct: u64,
    /// The table's cap (`--max-paths`).
    pub cap: u64,
    /// Bytes of the paths tracked, and their cap (`--max-path-bytes`).
    pub bytes: u64,
    pub bytes_cap: u64,
    pub cap_reached: bool,
    /// Requests whose path was first seen after the cap was reached (not ranked).
    pub untracked_requests: u64,
    /// Requests without a path (request line `-`, or not `METHOD TARGET …`).
    pub requests_without_path: u64,
}
