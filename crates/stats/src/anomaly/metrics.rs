//! The per-metric rules: each bucket's requests, 5xx share and ln(p99) against its
//! baseline, with each metric's noise floor and guard, and the previous-day check.

use super::baseline::{Baseline, baseline, window};
use super::tails::{count_z, rung};
use super::{AnomalyConfig, Dense};

/// The metrics judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Metric {
    Requests,
    ErrorRate,
    P99,
}

impl Metric {
    pub(crate) const ALL: [Metric; 3] = [Metric::Requests, Metric::ErrorRate, Metric::P99];

    /// The metric's name in the output.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Metric::Requests => "requests",
            Metric::ErrorRate => "5xx_rate",
            Metric::P99 => "p99_us",
        }
    }

    /// Each bucket's value of the metric, `None` where the bucket does not count (too few
    /// requests for a rate or a p99, no latency logged).
    pub(crate) fn track(self, d: &Dense, min_requests: u64) -> Vec<Option<f64>> {
        (0..d.requests.len())
            .map(|i| {
                let req = d.requests[i];
                match self {
                    Metric::Requests => Some(req as f64),
                    _ if req == 0 || req < min_requests => None,
                    Metric::ErrorRate => Some(d.errors[i].min(req) as f64 / req as f64),
                    // ln of a time in µs; 0 µs is taken as 1 µs (ln 0 is not a number).
                    Metric::P99 => d.p99[i].map(|p| (p.max(1) as f64).ln()),
                }
            })
            .collect()
    }

    /// The noise floor of the metric's spread around `median` for a bucket of `n`
    /// requests: counting noise for requests, binomial noise for a rate, 10% for p99.
    fn sigma(self, b: &Baseline, n: u64) -> f64 {
        let floor = match self {
            Metric::Requests => b.median.max(0.0).sqrt().max(1.0),
            Metric::ErrorRate => {
                let n = n.max(1) as f64;
                let m = b.median.clamp(0.0, 1.0);
                (m * (1.0 - m) / n).sqrt().max(1.0 / n)
            }
            Metric::P99 => 0.1,
        };
        b.spread.max(floor)
    }
}

/// One flagged bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Flag {
    pub(crate) t: usize,
    pub(crate) metric: Metric,
    /// Above the baseline.
    pub(crate) up: bool,
    /// In the output's units: requests, a fraction, µs.
    pub(crate) observed: f64,
    pub(crate) baseline: f64,
    pub(crate) band_low: f64,
    pub(crate) band_high: f64,
    pub(crate) score: f64,
}

/// A metric's values in a series, with where they are in time.
pub(crate) struct Track<'a> {
    pub(crate) start: i64,
    pub(crate) width: i64,
    pub(crate) values: &'a [Option<f64>],
}

impl Track<'_> {
    /// The baseline of the window (`half` buckets each side) around the bucket starting
    /// at `epoch`, that bucket left out; `None` when the track does not hold it or holds
    /// fewer than `MIN_BASELINE` values around it.
    fn baseline_at(&self, epoch: i64, half: usize) -> Option<(usize, Baseline)> {
        let t = self.index(epoch)?;
        let mut v: Vec<f64> = window(t, half, self.values.len())
            .filter_map(|i| self.values[i])
            .collect();
        baseline(&mut v).map(|b| (t, b))
    }

    fn index(&self, epoch: i64) -> Option<usize> {
        let off = epoch.checked_sub(self.start)?;
        if off < 0 || self.width <= 0 || off % self.width != 0 {
            return None;
        }
        usize::try_from(off / self.width)
            .ok()
            .filter(|&i| i < self.values.len())
    }
}

/// What a metric is judged with: the run's track and, for the previous day, the
/// history's (a cumulative total's) when given.
pub(crate) struct Judge<'a> {
    pub(crate) cfg: &'a AnomalyConfig,
    pub(crate) half: usize,
    pub(crate) metric: Metric,
    pub(crate) d: &'a Dense,
    pub(crate) track: Track<'a>,
    pub(crate) history: Option<Track<'a>>,
}

/// One day, seconds.
const DAY_S: i64 = 86_400;

impl Judge<'_> {
    /// The bucket `t`'s baseline and sigma (`None`: not judged).
    pub(crate) fn baseline(&self, t: usize) -> Option<(Baseline, f64)> {
        let epoch = self.track.start + self.track.width * t as i64;
        let (_, b) = self.track.baseline_at(epoch, self.half)?;
        Some((b, self.metric.sigma(&b, self.d.requests[t])))
    }

    /// The flag of bucket `t`, if it departs; and whether the previous day was looked
    /// at (the series or the history held its window).
    pub(crate) fn judge(&self, t: usize) -> (Option<Flag>, bool) {
        let Some(x) = self.track.values.get(t).copied().flatten() else {
            return (None, false);
        };
        let Some((b, sigma)) = self.baseline(t) else {
            return (None, false);
        };
        let k = self.cfg.threshold;
        let mut z = (x - b.median) / sigma;
        // With tail counts, a p99 bucket's score is its tail count's distance from the
        // usual (tails.rs): a minute's p99 spreads too widely for its own z to tell.
        if self.metric == Metric::P99 && self.d.tails.is_some() {
            match self.tail_z(t, b.median.exp()) {
                Some(tz) => z = tz,
                None => return (None, false),
            }
        }
        let req = self.d.requests[t];
        let last = self.d.requests.len().saturating_sub(1);
        let up = z > 0.0;
        // Counts must also pass their counting noise (tails.rs): a spread measured on
        // quiet buckets can be narrower than the noise a count has.
        let departs = match self.metric {
            Metric::Requests if up => {
                z > k && req >= self.cfg.min_requests && count_z(x, b.median) > k
            }
            // The first and last buckets are usually partly covered by the run: their
            // fewer requests are not a drop.
            Metric::Requests => {
                z < -k
                    && b.median >= self.cfg.min_requests as f64
                    && t != 0
                    && t != last
                    && count_z(x, b.median) < -k
            }
            Metric::ErrorRate => {
                let errors = self.d.errors[t];
                z > k
                    && errors >= MIN_ERRORS
                    && count_z(errors as f64, req as f64 * b.median.max(0.0)) > k
            }
            Metric::P99 => z > k && x - b.median >= P99_FACTOR.ln(),
        };
        if !departs {
            return (None, false);
        }
        let epoch = self.track.start + self.track.width * t as i64;
        let (yesterday, looked) = self.yesterday(epoch - DAY_S, x, up, req);
        if looked && !yesterday {
            return (None, true);
        }
        (Some(self.flag(t, x, &b, sigma, z)), looked)
    }

    /// With tail counts: the distance (tails.rs) of bucket `t`'s requests past the rung
    /// above `P99_FACTOR` times the baseline p99 (`base_us`) from what the window's rate
    /// there predicts; `None` (not judged) past the ladder, without counts, or with
    /// fewer than [`MIN_ERRORS`] such requests.
    fn tail_z(&self, t: usize, base_us: f64) -> Option<f64> {
        let tails = self.d.tails.as_ref()?;
        let j = rung(base_us * P99_FACTOR)?;
        let count = |i: usize| tails.get(i)?.as_ref()?.get(j).copied();
        let x = count(t)?;
        let (mut past, mut seen) = (0u64, 0u64);
        for i in window(t, self.half, self.d.requests.len()) {
            let n = self.d.requests[i];
            if n >= self.cfg.min_requests.max(1) {
                past += count(i).unwrap_or(0);
                seen += n;
            }
        }
        if seen == 0 || x < MIN_ERRORS {
            return None;
        }
        let expected = self.d.requests[t] as f64 * past as f64 / seen as f64;
        Some(count_z(x as f64, expected))
    }

    /// The track holding the previous day's window around `epoch` (the run's own, else
    /// the history's), the bucket's place in it and that window's baseline.
    fn previous_day(&self, epoch: i64) -> Option<(&Track<'_>, usize, Baseline)> {
        [Some(&self.track), self.history.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|track| {
                let (t, b) = track.baseline_at(epoch, self.half)?;
                Some((track, t, b))
            })
    }

    /// Whether the bucket starting at `epoch` has a previous day to be compared with.
    pub(crate) fn has_previous_day(&self, epoch: i64) -> bool {
        self.previous_day(epoch - DAY_S).is_some()
    }

    /// Whether `x` (of a bucket of `n` requests) departs from the previous day's figures
    /// around `epoch` too (as today's: the same threshold, against the most extreme of
    /// that window's median and the three buckets at that time, so that a daily
    /// recurring spike is a pattern); and whether there was a previous day to look at.
    fn yesterday(&self, epoch: i64, x: f64, up: bool, n: u64) -> (bool, bool) {
        let Some((track, t, b)) = self.previous_day(epoch) else {
            return (false, false);
        };
        let sigma = self.metric.sigma(&b, n);
        let near =
            (t.saturating_sub(1)..=t + 1).filter_map(|i| track.values.get(i).copied().flatten());
        let reference = near.fold(b.median, |r, v| if up { r.max(v) } else { r.min(v) });
        let z = (x - reference) / sigma;
        let k = self.cfg.threshold;
        (if up { z > k } else { z < -k }, true)
    }

    /// The flag of bucket `t`, in the output's units.
    fn flag(&self, t: usize, x: f64, b: &Baseline, sigma: f64, z: f64) -> Flag {
        let k = self.cfg.threshold;
        let (lo, hi) = (b.median - k * sigma, b.median + k * sigma);
        let (observed, baseline, band_low, band_high) = match self.metric {
            Metric::Requests => (x, b.median, lo.max(0.0), hi),
            Metric::ErrorRate => (x, b.median, lo.max(0.0), hi.min(1.0)),
            // Back from logarithms to µs: the band is a factor around the baseline; the
            // bucket's own p99 as it was (exp(ln x) is not always x exactly).
            Metric::P99 => {
                let own = self.d.p99.get(t).copied().flatten();
                let observed = own.map_or(x.exp(), |p| p.max(1) as f64);
                (observed, b.median.exp(), lo.exp(), hi.exp())
            }
        };
        Flag {
            t,
            metric: self.metric,
            up: z > 0.0,
            observed,
            baseline,
            band_low,
            band_high,
            score: z,
        }
    }
}

/// 5xx responses a bucket must have for an error anomaly.
pub(crate) const MIN_ERRORS: u64 = 5;

/// A latency anomaly's p99 is at least this many times its baseline.
pub(crate) const P99_FACTOR: f64 = 1.5;
