//! The grammar of a `--fail-if` expression: `METRIC OP VALUE [by DIM]`. A mistake is
//! located (the bytes it spans) and says what was expected there, so the message can show
//! the expression with a caret under the place, as rustc does.

use axlog_stats::Dimension;
use std::str::FromStr;

/// One parsed `--fail-if`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expr {
    /// The expression as given.
    pub(crate) text: String,
    pub(crate) metric: Metric,
    /// The metric as written (`p99(request_time)`).
    pub(crate) metric_text: String,
    pub(crate) op: Op,
    /// In the metric's unit: µs for times, a fraction for rates, plain otherwise.
    pub(crate) limit: f64,
    /// How the limit was written, to show values the same way.
    pub(crate) unit: Unit,
    /// `by DIM`: checked on every row of that breakdown.
    pub(crate) by: Option<Dimension>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Metric {
    Requests,
    /// Requests per second over the run's seconds (the report's QPS mean).
    Qps,
    /// The busiest second's requests.
    QpsPeak,
    Latency(Quantile, Timer),
    /// The share of requests of status class `n`xx (1 to 5).
    ClassRate(u8),
    /// The share of 4xx and 5xx (as `--sort errors` counts errors).
    ErrorRate,
    /// The share of the lines read that were malformed.
    MalformedRate,
    /// `anomalies.count` (0 when none were looked for).
    Anomalies,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quantile {
    P50,
    P90,
    P99,
    P999,
    Max,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timer {
    /// `request_time` (HAProxy's Ta when the layout logs no request time).
    Request,
    /// `upstream_time`: nginx `$upstream_response_time`.
    Upstream,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

impl Op {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }

    /// Whether `value OP limit` holds.
    pub(crate) fn holds(self, value: f64, limit: f64) -> bool {
        match self {
            Op::Gt => value > limit,
            Op::Ge => value >= limit,
            Op::Lt => value < limit,
            Op::Le => value <= limit,
            Op::Eq => value == limit,
            Op::Ne => value != limit,
        }
    }
}

/// How a limit was written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Unit {
    Plain,
    Percent,
    /// A time unit and its microseconds.
    Time(&'static str, f64),
}

/// A mistake in an expression: the bytes `start..end` and what was expected there.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParseError {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) expected: String,
}

impl ParseError {
    /// `expected ...`, then the expression and a caret line under the mistake.
    pub(crate) fn render(&self, text: &str) -> String {
        // Control characters shown as `?`, so the caret stays under its character.
        let shown: String = text
            .chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect();
        let col = text.get(..self.start).map_or(0, |s| s.chars().count());
        let len = text
            .get(self.start..self.end)
            .map_or(0, |s| s.chars().count())
            .max(1);
        format!(
            "expected {}\n  {shown}\n  {}{}",
            self.expected,
            " ".repeat(col),
            "^".repeat(len)
        )
    }
}

const METRICS: &str = "a metric: requests, qps, qps_peak, p50/p90/p99/p999/max(request_time), \
                       the same of upstream_time, 1xx_rate to 5xx_rate, error_rate, \
                       malformed_rate or anomalies";
const OPS: &str = "an operator: >, >=, <, <=, == or !=";
const TIME_UNITS: &str = "us, ms, s or m";

/// Parses `text` as `METRIC OP VALUE [by DIM]`.
pub(crate) fn parse(text: &str) -> Result<Expr, ParseError> {
    let mut c = Cursor { s: text, pos: 0 };
    c.skip_ws();
    let (ms, me) = c.word();
    let name = &text[ms..me];
    let err = |start: usize, end: usize, what: &str| ParseError {
        start,
        end,
        expected: what.to_string(),
    };
    let metric = match name {
        "requests" => Metric::Requests,
        "qps" => Metric::Qps,
        "qps_peak" => Metric::QpsPeak,
        "error_rate" => Metric::ErrorRate,
        "malformed_rate" => Metric::MalformedRate,
        "anomalies" => Metric::Anomalies,
        "1xx_rate" => Metric::ClassRate(1),
        "2xx_rate" => Metric::ClassRate(2),
        "3xx_rate" => Metric::ClassRate(3),
        "4xx_rate" => Metric::ClassRate(4),
        "5xx_rate" => Metric::ClassRate(5),
        "p50" | "p90" | "p99" | "p999" | "max" => {
            let q = match name {
                "p50" => Quantile::P50,
                "p90" => Quantile::P90,
                "p99" => Quantile::P99,
                "p999" => Quantile::P999,
                _ => Quantile::Max,
            };
            c.skip_ws();
            if !c.eat("(") {
                let (s, e) = c.token();
                return Err(err(s, e, "( and a time: p99(request_time)"));
            }
            c.skip_ws();
            let (fs, fe) = c.word();
            let timer = match &text[fs..fe] {
                "request_time" => Timer::Request,
                "upstream_time" | "upstream_response_time" => Timer::Upstream,
                _ => {
                    let (s, e) = if fs == fe { c.token() } else { (fs, fe) };
                    return Err(err(s, e, "a time: request_time or upstream_time"));
                }
            };
            c.skip_ws();
            if !c.eat(")") {
                let (s, e) = c.token();
                return Err(err(s, e, ")"));
            }
            Metric::Latency(q, timer)
        }
        _ => {
            let (s, e) = if ms == me { c.token() } else { (ms, me) };
            return Err(err(s, e, METRICS));
        }
    };
    let metric_text = text[ms..c.pos].to_string();
    c.skip_ws();
    let op = if c.eat(">=") {
        Op::Ge
    } else if c.eat("<=") {
        Op::Le
    } else if c.eat("==") {
        Op::Eq
    } else if c.eat("!=") {
        Op::Ne
    } else if c.eat(">") {
        Op::Gt
    } else if c.eat("<") {
        Op::Lt
    } else if c.rest().starts_with('=') {
        return Err(err(c.pos, c.pos + 1, "== (a single = is not a comparison)"));
    } else {
        let (s, e) = c.token();
        return Err(err(s, e, OPS));
    };
    c.skip_ws();
    let (ns, ne) = c.number();
    if ns == ne {
        let (s, e) = c.token();
        return Err(err(s, e, "a number"));
    }
    let number: f64 = match text[ns..ne].parse() {
        Ok(n) => n,
        Err(_) => return Err(err(ns, ne, "a number")),
    };
    let (us, ue) = c.unit();
    let unit_text = &text[us..ue];
    let (limit, unit) = match metric {
        Metric::Latency(..) => match time_unit(unit_text) {
            Some(u @ Unit::Time(_, f)) => (number * f, u),
            _ if us == ue => {
                return Err(err(
                    ns,
                    ne,
                    &format!("a time unit after the number ({TIME_UNITS}: 500ms)"),
                ));
            }
            _ => return Err(err(us, ue, &format!("a time unit: {TIME_UNITS}"))),
        },
        Metric::ClassRate(_) | Metric::ErrorRate | Metric::MalformedRate => {
            if unit_text != "%" {
                let (s, e) = if us == ue { (ns, ne) } else { (us, ue) };
                return Err(err(s, e, "a rate in percent: 1%, 0.5%"));
            }
            if number > 100.0 {
                return Err(err(ns, ue, "a rate of at most 100%"));
            }
            (number / 100.0, Unit::Percent)
        }
        Metric::Requests | Metric::Qps | Metric::QpsPeak | Metric::Anomalies => {
            if us != ue {
                return Err(err(
                    us,
                    ue,
                    &format!("no unit: {metric_text} is a plain number"),
                ));
            }
            (number, Unit::Plain)
        }
    };
    c.skip_ws();
    let mut by = None;
    if !c.rest().is_empty() {
        let (ws, we) = c.word();
        if &text[ws..we] != "by" {
            let (s, e) = if ws == we { c.token() } else { (ws, we) };
            return Err(err(s, e, "`by DIM` or the end of the expression"));
        }
        c.skip_ws();
        let (ds, de) = c.token();
        c.pos = de;
        if ds == de {
            return Err(err(ds, de, "a dimension after by (endpoint, server, ...)"));
        }
        let dim = match Dimension::from_str(&text[ds..de]) {
            Ok(Dimension::Pair(..)) => {
                return Err(err(ds, de, "one dimension, not a two-level pair"));
            }
            Ok(d) => d,
            Err(e) => return Err(err(ds, de, &format!("a dimension: {e}"))),
        };
        if !per_row(metric) {
            return Err(err(
                ws,
                de,
                &format!(
                    "a metric each row has before `by`: {metric_text} is the run's only \
                     (by rows: requests, qps, qps_peak, 4xx_rate, 5xx_rate, error_rate, \
                     latencies)"
                ),
            ));
        }
        by = Some(dim);
        c.skip_ws();
        if !c.rest().is_empty() {
            let (s, e) = c.token();
            return Err(err(s, e, "the end of the expression"));
        }
    }
    Ok(Expr {
        text: text.to_string(),
        metric,
        metric_text,
        op,
        limit,
        unit,
        by,
    })
}

/// Whether a `--by` table's rows have `m`.
fn per_row(m: Metric) -> bool {
    matches!(
        m,
        Metric::Requests
            | Metric::Qps
            | Metric::QpsPeak
            | Metric::ClassRate(4 | 5)
            | Metric::ErrorRate
            | Metric::Latency(..)
    )
}

fn time_unit(u: &str) -> Option<Unit> {
    Some(match u {
        "us" | "µs" => Unit::Time("us", 1.0),
        "ms" => Unit::Time("ms", 1e3),
        "s" => Unit::Time("s", 1e6),
        "m" => Unit::Time("m", 60e6),
        _ => return None,
    })
}

/// A position in the expression; every step returns byte offsets on char boundaries.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        self.s.get(self.pos..).unwrap_or("")
    }

    fn skip_ws(&mut self) {
        let r = self.rest();
        self.pos += r.len() - r.trim_start().len();
    }

    fn eat(&mut self, t: &str) -> bool {
        let ok = self.rest().starts_with(t);
        if ok {
            self.pos += t.len();
        }
        ok
    }

    /// Takes the longest run of characters matching `f`; its span.
    fn take(&mut self, f: impl Fn(char) -> bool) -> (usize, usize) {
        let start = self.pos;
        let r = self.rest();
        let n = r.find(|c: char| !f(c)).unwrap_or(r.len());
        self.pos += n;
        (start, self.pos)
    }

    fn word(&mut self) -> (usize, usize) {
        self.take(|c| c.is_ascii_alphanumeric() || c == '_')
    }

    fn number(&mut self) -> (usize, usize) {
        self.take(|c| c.is_ascii_digit() || c == '.')
    }

    fn unit(&mut self) -> (usize, usize) {
        self.take(|c| c.is_alphabetic() || c == '%')
    }

    /// The span of what comes next up to a blank (one character at least, none at the
    /// end), without taking it: where a mistake is shown.
    fn token(&self) -> (usize, usize) {
        let r = self.rest();
        let n = r.find(char::is_whitespace).unwrap_or(r.len());
        let n = match n {
            0 => r.chars().next().map_or(0, char::len_utf8),
            n => n,
        };
        (self.pos, self.pos + n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Expr {
        parse(s).unwrap_or_else(|e| panic!("{s}: {}", e.render(s)))
    }

    #[test]
    fn every_form_of_the_issue() {
        let e = ok("p99(request_time) > 500ms");
        assert_eq!(e.metric, Metric::Latency(Quantile::P99, Timer::Request));
        assert_eq!((e.op, e.limit), (Op::Gt, 500_000.0));
        assert_eq!(e.metric_text, "p99(request_time)");
        let e = ok("5xx_rate > 1%");
        assert_eq!((e.metric, e.limit), (Metric::ClassRate(5), 0.01));
        let e = ok("qps < 10");
        assert_eq!((e.metric, e.op, e.limit), (Metric::Qps, Op::Lt, 10.0));
        let e = ok("requests == 0");
        assert_eq!((e.metric, e.op, e.limit), (Metric::Requests, Op::Eq, 0.0));
        assert_eq!(ok("anomalies > 0").metric, Metric::Anomalies);
        assert_eq!(ok("malformed_rate > 5%").limit, 0.05);
        let e = ok("p99(request_time) > 1s by endpoint");
        assert_eq!((e.limit, e.by), (1e6, Some(Dimension::Endpoint)));
        let e = ok("5xx_rate > 5% by server");
        assert_eq!(e.by, Some(Dimension::Server));
        let e = ok("  max( upstream_time )>=1.5m ");
        assert_eq!(e.metric, Metric::Latency(Quantile::Max, Timer::Upstream));
        assert_eq!((e.op, e.limit), (Op::Ge, 90e6));
        assert_eq!(ok("qps_peak != 3").op, Op::Ne);
        assert_eq!(ok("p50(request_time) <= 250us").limit, 250.0);
    }

    fn bad(s: &str) -> String {
        match parse(s) {
            Ok(e) => panic!("{s} parsed: {e:?}"),
            Err(e) => e.render(s),
        }
    }

    #[test]
    fn mistakes_are_pointed_at() {
        assert_eq!(
            bad("p99(request_time) 500ms"),
            format!("expected {OPS}\n  p99(request_time) 500ms\n                    ^^^^^")
        );
        assert_eq!(
            bad("p99(request_time) > 500"),
            "expected a time unit after the number (us, ms, s or m: 500ms)\n  \
             p99(request_time) > 500\n                      ^^^"
        );
        assert_eq!(
            bad("5xx_rate > 1"),
            "expected a rate in percent: 1%, 0.5%\n  5xx_rate > 1\n             ^"
        );
        assert_eq!(
            bad("p98(request_time) > 1s"),
            format!("expected {METRICS}\n  p98(request_time) > 1s\n  ^^^")
        );
        assert_eq!(
            bad("qps = 3"),
            "expected == (a single = is not a comparison)\n  qps = 3\n      ^"
        );
        assert_eq!(
            bad("qps < 10 per endpoint"),
            "expected `by DIM` or the end of the expression\n  qps < 10 per endpoint\n           ^^^"
        );
        assert!(bad("qps < 10 by nowhere").starts_with("expected a dimension: unknown dimension"));
        assert!(bad("p99(latency) > 1s").contains("\n      ^^^^^^^"));
        assert!(bad("requests > 5ms").contains("\n              ^^"));
        assert!(
            bad("malformed_rate > 5% by endpoint").contains("\n                      ^^^^^^^^^^^")
        );
        assert!(bad("").contains("\n  \n  ^"));
        assert!(bad("qps >").ends_with("\n       ^"));
        assert!(bad("5xx_rate > 101%").starts_with("expected a rate of at most 100%"));
        assert!(bad("qps < 1.2.3").starts_with("expected a number"));
        assert!(bad("requests > 3 by endpoint,status").contains("not a two-level pair"));
    }
}
