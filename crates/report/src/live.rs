//! The live renderer of `report --every`: one interval of log time on one line, as text
//! or as one JSON document, written as each interval ends; and the line standing for a
//! run of intervals without a request too long to write one by one.

use crate::fmt::seconds;
use crate::json::json_safe;
use axlog_stats::Summary;
use axlog_stats::timefmt::format_rfc3339;

/// One interval's report on one line. A `partial` interval (the input ended in it) says
/// so, with the seconds its QPS is over.
pub fn window_line(start_s: i64, every_s: u64, partial: bool, s: &Summary) -> String {
    let share = |class: &str| {
        s.status
            .classes
            .iter()
            .find(|c| c.class == class)
            .map_or(0.0, |c| c.share)
    };
    let rt = s
        .latency
        .request_time
        .as_ref()
        .map_or("-".to_string(), |l| {
            format!("p50 {} p99 {}", seconds(l.p50_us), seconds(l.p99_us))
        });
    // The mean is over the seconds the window covered: all of them but in a partial one.
    let covered = s.qps.as_ref().map_or(every_s, |q| q.seconds).max(1);
    let tail = if partial {
        format!("  partial (qps over {covered}s)")
    } else {
        String::new()
    };
    format!(
        "{} {}s  requests {}  qps {:.1} (peak {})  4xx {:.2}%  5xx {:.2}%  request_time {}  malformed {}{}",
        format_rfc3339(start_s * 1_000_000, None),
        every_s,
        s.requests,
        s.requests as f64 / covered as f64,
        s.qps.as_ref().map_or(0, |q| q.peak),
        share("4xx") * 100.0,
        share("5xx") * 100.0,
        rt,
        s.lines.malformed,
        tail
    )
}

/// One interval's report as one JSON document on one line: the window's start and
/// length, whether it is partial, and its summary as [`crate::json`] writes it.
pub fn window_json(start_s: i64, every_s: u64, partial: bool, s: &Summary) -> String {
    json_safe(
        serde_json::json!({
            "window": {
                "start": format_rfc3339(start_s * 1_000_000, None),
                "start_epoch": start_s,
                "seconds": every_s,
                "partial": partial,
            },
            "report": s,
        })
        .to_string(),
    )
}

/// The line standing for `windows` intervals in a row without a request, from `from_s` to
/// `to_s` (the next window's start), written instead of one line each.
pub fn no_requests_line(from_s: i64, to_s: i64, windows: i64) -> String {
    format!(
        "no requests from {} to {} ({windows} intervals)",
        format_rfc3339(from_s.saturating_mul(1_000_000), None),
        format_rfc3339(to_s.saturating_mul(1_000_000), None),
    )
}

/// [`no_requests_line`] as one JSON document on one line.
pub fn no_requests_json(from_s: i64, to_s: i64, windows: i64) -> String {
    serde_json::json!({
        "no_requests": {
            "from": format_rfc3339(from_s.saturating_mul(1_000_000), None),
            "from_epoch": from_s,
            "to": format_rfc3339(to_s.saturating_mul(1_000_000), None),
            "to_epoch": to_s,
            "windows": windows,
        },
    })
    .to_string()
}
