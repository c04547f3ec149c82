//! Flagged buckets into anomalies: adjacent buckets of one metric and direction are one
//! anomaly, shown by its most departed bucket; gaps (seconds of silence) are anomalies
//! of their own, or part of the outage they fall in.

use super::Dense;
use super::metrics::{Flag, Metric};
use crate::anomaly_summary::Anomaly;
use crate::series_summary::Gaps;
use crate::timefmt::format_rfc3339;

/// An anomaly while it is built: its bucket range and most departed bucket.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    /// Buckets `[first, last]`.
    pub(crate) first: usize,
    pub(crate) last: usize,
    pub(crate) peak: Flag,
    /// Every bucket had no request.
    pub(crate) all_zero: bool,
}

/// Runs of adjacent flags of one metric and direction; `flags` in any order.
pub(crate) fn runs(mut flags: Vec<Flag>, d: &Dense) -> Vec<Run> {
    flags.sort_by_key(|f| (f.metric, f.up, f.t));
    let mut out: Vec<Run> = Vec::new();
    for f in flags {
        let zero = d.requests.get(f.t).copied() == Some(0);
        match out.last_mut() {
            Some(r) if r.peak.metric == f.metric && r.peak.up == f.up && r.last + 1 == f.t => {
                r.last = f.t;
                r.all_zero &= zero;
                if f.score.abs() > r.peak.score.abs() {
                    r.peak = f;
                }
            }
            _ => out.push(Run {
                first: f.t,
                last: f.t,
                peak: f,
                all_zero: zero,
            }),
        }
    }
    out
}

/// The kind of a run: by its metric and direction, `outage` when its buckets had no
/// request at all.
fn kind(r: &Run) -> &'static str {
    match (r.peak.metric, r.peak.up) {
        (Metric::Requests, true) => "spike",
        (Metric::Requests, false) if r.all_zero => "outage",
        (Metric::Requests, false) => "drop",
        (Metric::ErrorRate, _) => "errors",
        (Metric::P99, _) => "latency",
    }
}

/// The anomaly of `[start, end)` (epoch seconds), times in UTC.
pub(crate) fn anomaly(kind: &str, metric: &str, start: i64, end: i64) -> Anomaly {
    Anomaly {
        kind: kind.to_string(),
        metric: metric.to_string(),
        start: format_rfc3339(start.saturating_mul(1_000_000), None),
        start_epoch: start,
        end: format_rfc3339(end.saturating_mul(1_000_000), None),
        end_epoch: end,
        seconds: u64::try_from(end.saturating_sub(start)).unwrap_or(0),
        ..Anomaly::default()
    }
}

/// The anomaly of a run.
pub(crate) fn of_run(r: &Run, d: &Dense) -> Anomaly {
    let start = d.epoch(r.first);
    let end = d.epoch(r.last + 1);
    let p = &r.peak;
    Anomaly {
        observed: p.observed,
        baseline: p.baseline,
        band_low: p.band_low,
        band_high: p.band_high,
        score: p.score,
        ..anomaly(kind(r), p.metric.name(), start, end)
    }
}

/// Adds `gaps` to `list`: a gap overlapping a fall of requests (a drop or an outage) is
/// part of it (one event: the anomaly is widened to cover it, and is an outage); any
/// other is an anomaly of kind `gap`, its baseline the requests expected over its
/// seconds from `expected` (requests per second and their sigma at an epoch second).
pub(crate) fn add_gaps(
    list: &mut Vec<Anomaly>,
    gaps: &Gaps,
    expected: impl Fn(i64) -> Option<(f64, f64)>,
    threshold: f64,
) {
    for g in &gaps.gaps {
        let (gs, ge) = (g.start_epoch, g.end_epoch);
        let fall = list.iter_mut().find(|a| {
            a.metric == Metric::Requests.name()
                && matches!(a.kind.as_str(), "drop" | "outage")
                && gs < a.end_epoch
                && ge > a.start_epoch
        });
        if let Some(a) = fall {
            let (s, e) = (a.start_epoch.min(gs), a.end_epoch.max(ge));
            let widened = anomaly("outage", &a.metric, s, e);
            a.kind = widened.kind;
            a.start = widened.start;
            a.start_epoch = s;
            a.end = widened.end;
            a.end_epoch = e;
            a.seconds = widened.seconds;
            continue;
        }
        let mut a = anomaly("gap", Metric::Requests.name(), gs, ge);
        // What the gap's seconds were expected to hold, at the rate around it: the
        // score is how far no request at all is below it in counting noise.
        if let Some((per_s, sigma_per_s)) = expected(gs) {
            let secs = g.seconds as f64;
            let m = per_s * secs;
            let sigma = (sigma_per_s * secs).max(m.sqrt()).max(1.0);
            a.baseline = m;
            a.band_low = (m - threshold * sigma).max(0.0);
            a.band_high = m + threshold * sigma;
            a.score = -m / sigma;
        }
        list.push(a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(t: usize, metric: Metric, up: bool, score: f64) -> Flag {
        Flag {
            t,
            metric,
            up,
            observed: t as f64,
            baseline: 0.0,
            band_low: 0.0,
            band_high: 0.0,
            score,
        }
    }

    #[test]
    fn adjacent_flags_of_one_metric_and_direction_merge() {
        let d = Dense {
            start: 600,
            width: 60,
            requests: vec![1; 10],
            errors: vec![0; 10],
            p99: vec![None; 10],
            tails: None,
        };
        let flags = vec![
            flag(3, Metric::Requests, true, 4.0),
            flag(2, Metric::Requests, true, 5.0),
            flag(4, Metric::Requests, true, 3.6),
            // Not adjacent: a second run.
            flag(6, Metric::Requests, true, 4.0),
            // Same buckets, other metric: its own run.
            flag(3, Metric::P99, true, 9.0),
        ];
        let r = runs(flags, &d);
        assert_eq!(r.len(), 3);
        assert_eq!((r[0].first, r[0].last, r[0].peak.t), (2, 4, 2));
        let a = of_run(&r[0], &d);
        // Buckets 2..=4 of 60 s from 600: [720, 900).
        assert_eq!((a.start_epoch, a.end_epoch, a.seconds), (720, 900, 180));
        assert_eq!((a.kind.as_str(), a.score), ("spike", 5.0));
        assert_eq!((r[1].first, r[1].last), (6, 6));
        assert_eq!(of_run(&r[2], &d).kind, "latency");
    }
}
