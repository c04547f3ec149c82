//! The live renderer of `report --every`: one interval of log time on one line, as text
//! or as one JSON document, written as each interval ends.

use crate::fmt::seconds;
use crate::json::json_safe;
use axlog_stats::Summary;
use axlog_stats::timefmt::format_rfc3339;

/// One interval's report on one line.
pub fn window_line(start_s: i64, every_s: u64, s: &Summary) -> String {
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
    format!(
        "{} {}s  requests {}  qps {:.1} (peak {})  4xx {:.2}%  5xx {:.2}%  request_time {}  malformed {}",
        format_rfc3339(start_s * 1_000_000, None),
        every_s,
        s.requests,
        s.requests as f64 / every_s as f64,
        s.qps.as_ref().map_or(0, |q| q.peak),
        share("4xx") * 100.0,
        share("5xx") * 100.0,
        rt,
        s.lines.malformed
    )
}

/// One interval's report as one JSON document on one line: the window's start and
/// length, and its summary as [`crate::json`] writes it.
pub fn window_json(start_s: i64, every_s: u64, s: &Summary) -> String {
    json_safe(
        serde_json::json!({
            "window": {
                "start": format_rfc3339(start_s * 1_000_000, None),
                "start_epoch": start_s,
                "seconds": every_s,
            },
            "report": s,
        })
        .to_string(),
    )
}
