//! Anomaly detection over a run's series (issue 19; the method is docs/anomalies.md):
//! each bucket's requests, 5xx share and p99 against a robust baseline of the buckets
//! around it (median and MAD: a modified z-score), checked against the same time of the
//! previous day where the series or a history holds it; flagged buckets merged into
//! anomalies, gaps added, and each explained by its largest contributor. Pure: data in,
//! data out.

mod baseline;
mod contributor;
mod merge;
mod metrics;
mod tails;

pub use tails::{TAIL_THRESHOLDS_US, Tails};

use crate::anomaly_summary::{Anomalies, Anomaly};
use crate::contrib::Contributions;
use crate::series_summary::{Gaps, SeriesSummary};
use contributor::{Measure, Span};
use metrics::{Judge, Metric, Track};
use serde::{Deserialize, Serialize};

/// The detector's parameters (`--anomaly-*`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AnomalyConfig {
    /// The modified z-score a bucket must pass (`--anomaly-threshold`).
    pub threshold: f64,
    /// The span of buckets around each one its baseline is taken from, seconds
    /// (`--anomaly-window`).
    pub window_s: u32,
    /// Requests a bucket (or its baseline, for a drop) must have to be judged
    /// (`--anomaly-min-requests`).
    pub min_requests: u64,
    /// An anomaly lasts at least this long, seconds; 0: one bucket
    /// (`--anomaly-min-duration`).
    pub min_duration_s: u32,
}

impl Default for AnomalyConfig {
    fn default() -> Self {
        AnomalyConfig {
            // Iglewicz and Hoaglin's cut-off for the modified z-score.
            threshold: DEFAULT_THRESHOLD,
            window_s: 3600,
            min_requests: 20,
            min_duration_s: 0,
        }
    }
}

/// `--anomaly-threshold`'s default.
pub const DEFAULT_THRESHOLD: f64 = 3.5;

/// Anomalies listed; `count` counts them all.
pub const MAX_LISTED: usize = 100;

/// Buckets a series may span to be examined (a coarser one is skipped, not truncated).
const MAX_BUCKETS: usize = 1_000_000;

/// The method, as `anomalies.method` names it.
pub const METHOD: &str = "median-mad";

/// A series with every bucket in place (zeros where none was listed).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Dense {
    /// Bucket 0's start and the width, epoch seconds.
    pub(crate) start: i64,
    pub(crate) width: i64,
    pub(crate) requests: Vec<u64>,
    pub(crate) errors: Vec<u64>,
    pub(crate) p99: Vec<Option<u64>>,
    /// Each bucket's tail counts (tails.rs), when given.
    pub(crate) tails: Option<Vec<Option<Vec<u64>>>>,
}

impl Dense {
    /// `s`'s buckets on their grid; `None` when empty, of no width, or too long.
    fn of(s: &SeriesSummary) -> Option<Dense> {
        let width = i64::from(s.bucket_s);
        let start = s.buckets.iter().map(|b| b.start_epoch).min()?;
        let last = s.buckets.iter().map(|b| b.start_epoch).max()?;
        if width <= 0 {
            return None;
        }
        let len = usize::try_from(last.checked_sub(start)? / width + 1).ok()?;
        if len > MAX_BUCKETS {
            return None;
        }
        let mut d = Dense {
            start,
            width,
            requests: vec![0; len],
            errors: vec![0; len],
            p99: vec![None; len],
            tails: None,
        };
        for b in &s.buckets {
            let Ok(i) = usize::try_from((b.start_epoch - start) / width) else {
                continue;
            };
            if let Some(r) = d.requests.get_mut(i) {
                *r = r.saturating_add(b.values.requests);
                d.errors[i] = d.errors[i].saturating_add(b.values.status_5xx);
                d.p99[i] = d.p99[i].max(b.values.p99_us);
            }
        }
        Some(d)
    }

    /// Places `tails` at their buckets (on this grid only).
    fn with_tails(mut self, tails: Option<&Tails>) -> Dense {
        let Some(t) = tails.filter(|t| i64::from(t.bucket_s) == self.width) else {
            return self;
        };
        let mut placed = vec![None; self.requests.len()];
        for (start, counts) in &t.buckets {
            let off = start - self.start;
            if off.rem_euclid(self.width) != 0 {
                continue;
            }
            if let Some(slot) = usize::try_from(off / self.width)
                .ok()
                .and_then(|i| placed.get_mut(i))
            {
                *slot = Some(counts.clone());
            }
        }
        self.tails = Some(placed);
        self
    }

    /// Bucket `i`'s start.
    pub(crate) fn epoch(&self, i: usize) -> i64 {
        self.start.saturating_add(
            self.width
                .saturating_mul(i64::try_from(i).unwrap_or(i64::MAX)),
        )
    }

    /// The bucket holding epoch second `s`.
    fn index_of(&self, s: i64) -> Option<usize> {
        let off = s.checked_sub(self.start)?;
        usize::try_from(off.div_euclid(self.width))
            .ok()
            .filter(|&i| i < self.requests.len())
    }
}

/// The anomalies of `series`: `history` (a cumulative state's total, on the same grid)
/// gives the previous day where the series does not hold it; `gaps` are the run's gaps;
/// `contrib` names contributors. Latency is judged on its p99 alone (see
/// [`detect_with_tails`]).
pub fn detect(
    cfg: &AnomalyConfig,
    series: &SeriesSummary,
    history: Option<&SeriesSummary>,
    gaps: Option<&Gaps>,
    contrib: &Contributions,
) -> Anomalies {
    detect_with_tails(cfg, series, history, gaps, contrib, None)
}

/// [`detect`], with the series' tail counts: a latency anomaly must then also have
/// more requests past a time above the baseline p99 than counting noise explains
/// (tails.rs).
pub fn detect_with_tails(
    cfg: &AnomalyConfig,
    series: &SeriesSummary,
    history: Option<&SeriesSummary>,
    gaps: Option<&Gaps>,
    contrib: &Contributions,
    tails: Option<&Tails>,
) -> Anomalies {
    let mut out = Anomalies {
        method: METHOD.to_string(),
        bucket_s: series.bucket_s,
        window_s: cfg.window_s,
        threshold: cfg.threshold,
        min_requests: cfg.min_requests,
        min_duration_s: cfg.min_duration_s,
        ..Anomalies::default()
    };
    let Some(d) = Dense::of(series).map(|d| d.with_tails(tails)) else {
        return out;
    };
    let hist = history
        .filter(|h| h.bucket_s == series.bucket_s)
        .and_then(Dense::of);
    // Half the window each side, and room for a baseline's 10 buckets at least.
    let half = (cfg.window_s as usize / d.width.max(1) as usize / 2).max(5);
    let mut flags = Vec::new();
    let mut requests_judge = None;
    for metric in Metric::ALL {
        let values = metric.track(&d, cfg.min_requests);
        let hvalues = hist
            .as_ref()
            .map(|h| (h, metric.track(h, cfg.min_requests)));
        let judge = Judge {
            cfg,
            half,
            metric,
            d: &d,
            track: Track {
                start: d.start,
                width: d.width,
                values: &values,
            },
            history: hvalues.as_ref().map(|(h, v)| Track {
                start: h.start,
                width: h.width,
                values: v,
            }),
        };
        for t in 0..d.requests.len() {
            let (flag, _) = judge.judge(t);
            flags.extend(flag);
        }
        let last = d.epoch(d.requests.len().saturating_sub(1));
        out.previous_day |= judge.has_previous_day(d.start) || judge.has_previous_day(last);
        if metric == Metric::Requests {
            // The requests' baselines, for the gaps' expected requests.
            let expected: Vec<Option<(f64, f64)>> = (0..d.requests.len())
                .map(|t| judge.baseline(t).map(|(b, sigma)| (b.median, sigma)))
                .collect();
            requests_judge = Some(expected);
        }
    }
    let runs = merge::runs(flags, &d);
    let min_s = i64::from(cfg.min_duration_s);
    let mut list: Vec<(Anomaly, Option<(Span, Measure)>)> = runs
        .iter()
        .map(|r| {
            let measure = match r.peak.metric {
                Metric::Requests => Measure::Requests,
                Metric::ErrorRate => Measure::Errors,
                Metric::P99 => Measure::Time,
            };
            let span = Span::new(r.first, r.last + 1, half, d.requests.len());
            (merge::of_run(r, &d), Some((span, measure)))
        })
        .filter(|(a, _)| a.end_epoch - a.start_epoch >= min_s)
        .collect();
    if let Some(g) = gaps {
        let expected = requests_judge.unwrap_or_default();
        let width = d.width as f64;
        let per_s = |s: i64| {
            let (m, sigma) = expected.get(d.index_of(s)?).copied().flatten()?;
            Some((m / width, sigma / width))
        };
        let mut plain: Vec<Anomaly> = list.iter().map(|(a, _)| a.clone()).collect();
        merge::add_gaps(&mut plain, g, per_s, cfg.threshold);
        // Widened anomalies keep their buckets' contributor; gaps have none.
        let mut spans: Vec<Option<(Span, Measure)>> = list.into_iter().map(|(_, s)| s).collect();
        spans.resize_with(plain.len(), || None);
        list = plain.into_iter().zip(spans).collect();
    }
    list.sort_by(|(a, _), (b, _)| {
        (a.start_epoch, a.end_epoch, &a.metric, &a.kind).cmp(&(
            b.start_epoch,
            b.end_epoch,
            &b.metric,
            &b.kind,
        ))
    });
    out.count = list.len() as u64;
    list.truncate(MAX_LISTED);
    out.anomalies = list
        .into_iter()
        .map(|(mut a, span)| {
            if let Some((span, m)) = span {
                a.contributor = contributor::contributor(&d, &span, m, contrib);
            }
            a
        })
        .collect();
    out
}

#[cfg(test)]
mod tests;
