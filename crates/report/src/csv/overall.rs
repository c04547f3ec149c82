//! `summary.csv` (one row a summary: the headline figures, line counts, the time covered
//! and the window) and `sources.csv` (one row an input).

use super::cell::{flag, float, int, opt_float, opt_int, opt_text, text};
use super::table::{Part, Table};
use axlog_stats::Summary;

const SUMMARY: &[&str] = &[
    "requests",
    "bytes_sent",
    "qps_mean",
    "qps_peak",
    "qps_peak_second",
    "qps_peak_epoch",
    "qps_p50",
    "qps_p99",
    "qps_seconds",
    "qps_empty_seconds",
    "status_4xx",
    "status_5xx",
    "share_5xx",
    "p99_us",
    "lines_read",
    "lines_parsed",
    "lines_malformed",
    "lines_other",
    "lines_filtered",
    "lines_unread_fields",
    "share_malformed",
    "first",
    "first_epoch_us",
    "last",
    "last_epoch_us",
    "window_generation",
    "window_partial",
    "window_first",
    "window_last",
    "cumulative",
    "cumulative_runs",
    "cumulative_from",
    "cumulative_until",
    "layout",
    "axlog_version",
];

/// Requests of one status class.
fn class_count(s: &Summary, class: &str) -> u64 {
    s.status
        .classes
        .iter()
        .find(|c| c.class == class)
        .map_or(0, |c| c.count)
}

/// `part / whole`, 0 of nothing.
fn share(part: u64, whole: u64) -> f64 {
    match whole {
        0 => 0.0,
        _ => part as f64 / whole as f64,
    }
}

/// The headline's p99: the request time's, HAProxy's Ta where none is logged.
fn headline_p99(s: &Summary) -> Option<u64> {
    let ta = s.haproxy.as_ref().and_then(|h| h.ta.as_ref());
    s.latency.request_time.as_ref().or(ta).map(|l| l.p99_us)
}

pub(crate) fn summary(parts: &[Part]) -> Table {
    Table::tiered(SUMMARY, parts, |t, s| {
        let q = s.qps.as_ref();
        let w = s.window.as_ref();
        let c = s.cumulative.as_ref();
        let x5 = class_count(s, "5xx");
        t.row(vec![
            int(s.requests),
            int(s.bytes_sent),
            opt_float(q.map(|q| q.mean)),
            opt_int(q.map(|q| q.peak)),
            opt_text(q.map(|q| q.peak_second.as_str())),
            opt_int(q.map(|q| q.peak_second_epoch)),
            opt_int(q.map(|q| q.p50)),
            opt_int(q.map(|q| q.p99)),
            opt_int(q.map(|q| q.seconds)),
            opt_int(q.map(|q| q.empty_seconds)),
            int(class_count(s, "4xx")),
            int(x5),
            float(share(x5, s.requests)),
            opt_int(headline_p99(s)),
            int(s.lines.read),
            int(s.lines.parsed),
            int(s.lines.malformed),
            int(s.lines.other),
            int(s.lines.filtered),
            int(s.lines.unread_fields),
            float(share(s.lines.malformed, s.lines.read)),
            opt_text(s.time.as_ref().map(|t| t.first.utc.as_str())),
            opt_int(s.time.as_ref().map(|t| t.first.epoch_us)),
            opt_text(s.time.as_ref().map(|t| t.last.utc.as_str())),
            opt_int(s.time.as_ref().map(|t| t.last.epoch_us)),
            opt_int(w.map(|w| w.generation)),
            w.map(|w| flag(w.partial)).unwrap_or_default(),
            opt_text(w.and_then(|w| w.log_first.as_deref())),
            opt_text(w.and_then(|w| w.log_last.as_deref())),
            opt_text(c.map(|c| c.window.as_str())),
            opt_int(c.map(|c| c.runs)),
            opt_text(c.and_then(|c| c.from.as_deref())),
            opt_text(c.and_then(|c| c.until.as_deref())),
            opt_text(s.layout.as_ref().map(|l| l.name.as_str())),
            text(&s.axlog_version),
        ]);
    })
}

const SOURCES: &[&str] = &[
    "source",
    "layout",
    "lines",
    "malformed",
    "filtered",
    "requests",
    "client_error_share",
    "server_error_share",
    "p99_us",
    "error",
    "tier",
];

/// The run's inputs (with tiers too: they cover the run), each with the tier whose
/// sources hold it.
pub(crate) fn sources(s: &Summary, parts: &[Part]) -> Table {
    let mut t = Table::new(SOURCES);
    for src in &s.sources {
        let tier = parts
            .iter()
            .find(|p| !p.tier.is_empty() && p.s.sources.iter().any(|x| x.name == src.name))
            .map_or("", |p| p.tier);
        t.row(vec![
            text(&src.name),
            opt_text(src.layout.as_deref()),
            int(src.lines),
            int(src.malformed),
            int(src.filtered),
            int(src.requests),
            float(src.client_error_share),
            float(src.server_error_share),
            opt_int(src.p99_us),
            opt_text(src.error.as_deref()),
            text(tier),
        ]);
    }
    t
}
