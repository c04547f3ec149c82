//! The contributor of an anomaly: the key (an endpoint, a server, a source) whose own
//! departure from its baseline accounts for most of the anomaly's departure.
//!
//! The baseline of a key, as of the whole, is taken over the same window: the buckets
//! within half the anomaly window before the anomaly and after it.

use super::Dense;
use super::baseline::median;
use crate::anomaly_summary::Contributor;
use crate::contrib::{Cell, Contributions, KeyCells};

/// Below this share no key explains the anomaly.
pub(crate) const MIN_SHARE: f64 = 0.5;

/// What a departure is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measure {
    /// Requests (spike, drop, outage).
    Requests,
    /// 5xx beyond the baseline rate (errors).
    Errors,
    /// Request time beyond the baseline mean (latency).
    Time,
}

/// The buckets of an anomaly and of its baseline window, as indices of the series.
pub(crate) struct Span {
    /// The anomaly's buckets `[first, end)`.
    pub(crate) first: usize,
    pub(crate) end: usize,
    /// The window's buckets around it.
    pub(crate) around: Vec<usize>,
}

impl Span {
    /// The anomaly `[first, end)` with `half` buckets each side, within `len` buckets.
    pub(crate) fn new(first: usize, end: usize, half: usize, len: usize) -> Span {
        let lo = first.saturating_sub(half);
        let hi = end.saturating_add(half).min(len);
        let around = (lo..first).chain(end.min(hi)..hi).collect();
        Span { first, end, around }
    }
}

/// One key's figures: per bucket of the anomaly and per bucket of the window (buffers
/// reused from key to key: a run has many keys, most of them rare).
#[derive(Default)]
struct KeyFigures {
    inside: Vec<Cell>,
    around: Vec<Cell>,
    /// Scratch for a median.
    scratch: Vec<f64>,
}

/// Fills `f` with `k`'s cells at the span's buckets (zeros where it had none); false when
/// it had none in the window at all.
fn figures(k: &KeyCells, span: &Span, d: &Dense, f: &mut KeyFigures) -> bool {
    let lo = d.epoch(
        span.around
            .first()
            .copied()
            .unwrap_or(span.first)
            .min(span.first),
    );
    let hi = d.epoch(
        span.around
            .last()
            .map_or(span.end, |&l| (l + 1).max(span.end)),
    );
    let from = k.cells.partition_point(|(e, _)| *e < lo);
    let to = k.cells.partition_point(|(e, _)| *e < hi);
    let Some(cells) = k.cells.get(from..to).filter(|c| !c.is_empty()) else {
        return false;
    };
    let at = |i: usize| {
        let e = d.epoch(i);
        cells
            .binary_search_by_key(&e, |(ce, _)| *ce)
            .map_or(Cell::default(), |p| cells[p].1)
    };
    f.inside.clear();
    f.inside.extend((span.first..span.end).map(at));
    f.around.clear();
    f.around.extend(span.around.iter().map(|&i| at(i)));
    true
}

/// A departure and the figures shown with it (the key's own over the anomaly and its
/// baseline, per bucket or as a mean time).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Departure {
    amount: f64,
    observed: f64,
    baseline: f64,
}

fn sum(cells: &[Cell], f: impl Fn(&Cell) -> u64) -> f64 {
    cells.iter().map(|c| f(c) as f64).sum()
}

/// `n / d`, 0 when `d` is 0.
fn ratio(n: f64, d: f64) -> f64 {
    if d > 0.0 { n / d } else { 0.0 }
}

/// The departure of `f` by `m`; for time, `fallback_mean` is the baseline of a key
/// without requests in the window.
fn departure(f: &mut KeyFigures, m: Measure, fallback_mean: f64) -> Departure {
    let n = f.inside.len().max(1) as f64;
    match m {
        Measure::Requests => {
            f.scratch.clear();
            f.scratch.extend(f.around.iter().map(|c| c.requests as f64));
            let base = median(&mut f.scratch).unwrap_or(0.0);
            let seen = sum(&f.inside, |c| c.requests);
            Departure {
                amount: seen - base * f.inside.len() as f64,
                observed: seen / n,
                baseline: base,
            }
        }
        Measure::Errors => {
            let rate = ratio(
                sum(&f.around, |c| c.status_5xx),
                sum(&f.around, |c| c.requests),
            );
            let errors = sum(&f.inside, |c| c.status_5xx);
            let expected = rate * sum(&f.inside, |c| c.requests);
            Departure {
                amount: errors - expected,
                observed: errors / n,
                baseline: expected / n,
            }
        }
        Measure::Time => {
            let count = sum(&f.around, |c| c.latency_count);
            let mean = match count > 0.0 {
                true => sum(&f.around, |c| c.latency_sum_us) / count,
                false => fallback_mean,
            };
            let spent = sum(&f.inside, |c| c.latency_sum_us);
            let timed = sum(&f.inside, |c| c.latency_count);
            Departure {
                amount: spent - timed * mean,
                observed: ratio(spent, timed),
                baseline: mean,
            }
        }
    }
}

/// The anomaly's own departure by `m`, from the series (requests and errors); `None` for
/// time, whose total is the sum of a dimension's keys (the series has no time sums).
fn total_departure(d: &Dense, span: &Span, m: Measure) -> Option<f64> {
    let inside = span.first..span.end;
    match m {
        Measure::Requests => {
            let mut around: Vec<f64> = span.around.iter().map(|&i| d.requests[i] as f64).collect();
            let base = median(&mut around)?;
            Some(inside.map(|i| d.requests[i] as f64 - base).sum())
        }
        Measure::Errors => {
            let req = |i: &usize| d.requests[*i] as f64;
            let err = |i: &usize| d.errors[*i] as f64;
            let rate = ratio(
                span.around.iter().map(err).sum(),
                span.around.iter().map(req).sum(),
            );
            Some(inside.map(|i| err(&i) - rate * req(&i)).sum())
        }
        Measure::Time => None,
    }
}

/// Where a dimension ranks in ties: endpoint, server, source, then any other.
fn rank(name: &str) -> usize {
    match name {
        "endpoint" => 0,
        "server" => 1,
        "source" => 2,
        _ => 3,
    }
}

/// The contributor of the anomaly over `span`, measured by `m`: the key with the largest
/// share of the departure across the dimensions, if that share is at least
/// [`MIN_SHARE`].
pub(crate) fn contributor(
    d: &Dense,
    span: &Span,
    m: Measure,
    contrib: &Contributions,
) -> Option<Contributor> {
    if i64::from(contrib.width_s) != d.width || span.first >= span.end {
        return None;
    }
    let total = total_departure(d, span, m);
    let mut dims: Vec<_> = contrib.dimensions.iter().collect();
    dims.sort_by_key(|dim| rank(&dim.name));
    let mut best: Option<Contributor> = None;
    // A dimension with one key (one file, one server) explains every anomaly in full
    // and so names none.
    let mut f = KeyFigures::default();
    for dim in dims.into_iter().filter(|dim| dim.keys.len() > 1) {
        // A key without timed requests around the anomaly is measured against the
        // dimension's mean time there (a first pass sums it).
        let fallback = match m {
            Measure::Time => {
                let (mut spent, mut timed) = (0.0, 0.0);
                for k in &dim.keys {
                    if figures(k, span, d, &mut f) {
                        spent += sum(&f.around, |c| c.latency_sum_us);
                        timed += sum(&f.around, |c| c.latency_count);
                    }
                }
                ratio(spent, timed)
            }
            _ => 0.0,
        };
        let mut deps: Vec<(&KeyCells, Departure)> = Vec::new();
        for k in &dim.keys {
            if figures(k, span, d, &mut f) {
                deps.push((k, departure(&mut f, m, fallback)));
            }
        }
        let total = total.unwrap_or_else(|| deps.iter().map(|(_, dep)| dep.amount).sum());
        if total.abs() < f64::EPSILON || !total.is_finite() {
            continue;
        }
        for (k, dep) in deps {
            let share = dep.amount / total;
            if !share.is_finite() {
                continue;
            }
            let better = match &best {
                None => true,
                // Ties keep the earlier dimension, then the smaller key.
                Some(b) => {
                    share > b.share
                        || (share == b.share
                            && rank(&dim.name) == rank(&b.dimension)
                            && k.key < b.key)
                }
            };
            if better {
                best = Some(Contributor {
                    dimension: dim.name.clone(),
                    key: k.key.clone(),
                    observed: dep.observed,
                    baseline: dep.baseline,
                    share,
                });
            }
        }
    }
    best.filter(|b| b.share >= MIN_SHARE)
}
