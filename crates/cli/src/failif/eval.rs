//! Checking `--fail-if` expressions against a finished summary: the run's figures, or
//! each row of a `--by` table for `by DIM`. A metric the run has no value of (a rate over
//! no requests, a latency no line logged) does not fire: `requests == 0` says that.

use super::parse::{Expr, Metric, Op, Quantile, Timer, Unit};
use crate::term;
use axlog_stats::Summary;
use axlog_stats::anomaly_summary::{Fired, Thresholds};
use axlog_stats::summary::{BreakdownRow, LatencyStats, NamedLatency};

/// The rows of one `by` expression said on stderr: a table of thousands of endpoints
/// must not flood it; the report lists them all.
const ROW_MESSAGES: usize = 10;

/// Checks `exprs` against `shown` (the report written); a `by DIM` expression reads
/// the rows of `rows` when given (the same report with every row of its tables listed),
/// else of `shown`. Each fired threshold with its message for stderr. `Err`: a `by`
/// table the report does not hold (a usage error).
pub(crate) fn check(
    exprs: &[Expr],
    shown: &Summary,
    rows: Option<&Summary>,
) -> Result<(Thresholds, Vec<String>), String> {
    let mut out = Thresholds {
        checked: exprs.iter().map(|e| e.text.clone()).collect(),
        fired: Vec::new(),
    };
    let mut messages = Vec::new();
    for e in exprs {
        let Some(dim) = &e.by else {
            let value = run_value(e.metric, shown);
            if fires(e.op, value, e.limit) {
                messages.push(format!(
                    "threshold fired: {}: {}",
                    e.text.trim(),
                    show(value, e.unit)
                ));
                out.fired.push(fired(e, value, None));
            }
            continue;
        };
        let name = dim.name();
        let table = rows
            .unwrap_or(shown)
            .by
            .iter()
            .find(|b| b.dimension == name)
            .ok_or_else(|| {
                format!(
                    "--fail-if '{}': the report has no {name} table (the states' totals were \
                     made without --by {name})",
                    e.text.trim()
                )
            })?;
        let mut rows_fired = 0usize;
        for row in &table.rows {
            let value = row_value(e.metric, row);
            if fires(e.op, value, e.limit) {
                if rows_fired < ROW_MESSAGES {
                    messages.push(format!(
                        "threshold fired: {}: {name} {}: {}",
                        e.text.trim(),
                        row.key,
                        show(value, e.unit)
                    ));
                }
                rows_fired += 1;
                out.fired.push(fired(e, value, Some((&name, &row.key))));
            }
        }
        if rows_fired > ROW_MESSAGES {
            messages.push(format!(
                "threshold fired: {}: {} more {name} rows (every one under the report's \
                 thresholds)",
                e.text.trim(),
                rows_fired - ROW_MESSAGES
            ));
        }
    }
    Ok((out, messages))
}

/// Says each fired threshold on stderr, once the report is written.
pub(crate) fn announce(messages: &[String]) {
    for m in messages {
        term::warn(m);
    }
}

fn fires(op: Op, value: Option<f64>, limit: f64) -> bool {
    value.is_some_and(|v| op.holds(v, limit))
}

fn fired(e: &Expr, value: Option<f64>, row: Option<(&str, &str)>) -> Fired {
    Fired {
        expr: e.text.clone(),
        metric: e.metric_text.clone(),
        op: e.op.symbol().to_string(),
        value,
        limit: e.limit,
        dimension: row.map(|r| r.0.to_string()),
        key: row.map(|r| r.1.to_string()),
    }
}

/// `count / of`, `None` over nothing.
fn rate(count: u64, of: u64) -> Option<f64> {
    (of > 0).then(|| count as f64 / of as f64)
}

/// The run's value of `m`, in the metric's unit.
fn run_value(m: Metric, s: &Summary) -> Option<f64> {
    let class = |name: &str| {
        s.status
            .classes
            .iter()
            .find(|c| c.class == name)
            .map_or(0, |c| c.count)
    };
    match m {
        Metric::Requests => Some(s.requests as f64),
        // A run without requests has no seconds, and no QPS: 0 is what it served.
        Metric::Qps => Some(s.qps.as_ref().map_or(0.0, |q| q.mean)),
        Metric::QpsPeak => Some(s.qps.as_ref().map_or(0.0, |q| f64::from(q.peak))),
        Metric::Latency(q, t) => {
            let l = match t {
                Timer::Request => s.latency.request_time.as_ref(),
                Timer::Upstream => s.latency.upstream_response_time.as_ref(),
            };
            l.map(|l| quantile(q, l) as f64)
        }
        Metric::ClassRate(n) => rate(class(&format!("{n}xx")), s.requests),
        Metric::ErrorRate => rate(class("4xx") + class("5xx"), s.requests),
        Metric::MalformedRate => rate(s.lines.malformed, s.lines.read),
        Metric::Anomalies => Some(s.anomalies.as_ref().map_or(0, |a| a.count) as f64),
    }
}

/// A `--by` row's value of `m` (the parser lets only these through with `by`).
fn row_value(m: Metric, r: &BreakdownRow) -> Option<f64> {
    match m {
        Metric::Requests => Some(r.requests as f64),
        Metric::Qps => Some(r.qps_mean),
        Metric::QpsPeak => Some(r.qps_peak.as_ref().map_or(0, |p| p.requests) as f64),
        Metric::ClassRate(4) => rate(r.status_4xx, r.requests),
        Metric::ClassRate(5) => rate(r.status_5xx, r.requests),
        Metric::ErrorRate => rate(r.status_4xx + r.status_5xx, r.requests),
        Metric::Latency(q, t) => {
            // The row's request time is named `latency` (HAProxy's Ta where none is
            // logged), as the run's `request_time` is.
            let name = match t {
                Timer::Request => "latency",
                Timer::Upstream => "upstream_response_time",
            };
            r.latencies
                .iter()
                .find(|l| l.name == name)
                .map(|l| named_quantile(q, l) as f64)
        }
        _ => None,
    }
}

fn quantile(q: Quantile, l: &LatencyStats) -> u64 {
    pick(q, [l.p50_us, l.p90_us, l.p99_us, l.p999_us, l.max_us])
}

fn named_quantile(q: Quantile, l: &NamedLatency) -> u64 {
    pick(q, [l.p50_us, l.p90_us, l.p99_us, l.p999_us, l.max_us])
}

/// `q` of the figures p50, p90, p99, p99.9 and max.
fn pick(q: Quantile, [p50, p90, p99, p999, max]: [u64; 5]) -> u64 {
    match q {
        Quantile::P50 => p50,
        Quantile::P90 => p90,
        Quantile::P99 => p99,
        Quantile::P999 => p999,
        Quantile::Max => max,
    }
}

/// A value in the unit its limit was written in (`812ms`, `3.2%`); `none` without one.
fn show(value: Option<f64>, unit: Unit) -> String {
    let Some(v) = value else {
        return "none".to_string();
    };
    let num = |x: f64| {
        let s = format!("{x:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    };
    match unit {
        Unit::Plain => num(v),
        Unit::Percent => format!("{}%", num(v * 100.0)),
        Unit::Time(name, us) => format!("{}{name}", num(v / us)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_shown_in_the_limit_unit() {
        assert_eq!(show(Some(812_000.0), Unit::Time("ms", 1e3)), "812ms");
        assert_eq!(show(Some(0.0325), Unit::Percent), "3.25%");
        assert_eq!(show(Some(10.0), Unit::Plain), "10");
        assert_eq!(show(Some(2.5), Unit::Plain), "2.5");
        assert_eq!(show(None, Unit::Plain), "none");
    }
}
