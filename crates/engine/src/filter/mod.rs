//! The filter stage: `--since`, `--until`, `--where EXPR`, `--exclude-bots`. A
//! [`Filter`] decides for each parsed record whether it reaches the sinks; chunk.rs asks
//! it once per record, before any sink sees the record, and counts the ones it drops
//! (`filtered`, never malformed). A run without filters takes a path with no filter code
//! in it (the choice is made once per chunk).
//!
//! The expression's tree and fields: expr.rs; its grammar: parse.rs; the last time of
//! the newest input, which relative times count back from: last.rs.

mod expr;
mod last;
mod parse;

pub use expr::Expr;
pub use last::last_time;
pub use parse::{ExprError, parse};

use crate::chunk::Keep;
use axlog_format::fields::Field as F;
use axlog_format::useragent::classify;
use axlog_format::{Fields, Record};

/// What a record must be to reach the sinks.
#[derive(Debug, Default)]
pub struct Filter {
    /// UTC µs: the first time kept (inclusive) and the first time no longer kept.
    pub since_us: Option<i64>,
    pub until_us: Option<i64>,
    /// Drops user agents of the `bot` and `crawler` families.
    pub exclude_bots: bool,
    pub expr: Option<Expr>,
}

impl Filter {
    /// Whether it keeps every record (then the run takes no filter at all).
    pub fn is_empty(&self) -> bool {
        self.since_us.is_none()
            && self.until_us.is_none()
            && !self.exclude_bots
            && self.expr.is_none()
    }

    /// The fields of a record it reads: they join the parser's projection.
    pub fn fields(&self) -> Fields {
        let mut f = Fields::NONE;
        if self.since_us.is_some() || self.until_us.is_some() {
            f = f.with(F::TS_US);
        }
        if self.exclude_bots {
            f = f.with(F::USER_AGENT);
        }
        if let Some(e) = &self.expr {
            f = f.union(e.fields());
        }
        f
    }

    /// Whether `r` reaches the sinks: cheapest tests first.
    #[inline]
    fn pass(&self, r: &Record<'_>, cx: &mut expr::Scratch<'_>) -> bool {
        // A request without a time (0: the layout logs none) is in no range.
        let t = r.ts_us;
        if self.since_us.is_some_and(|s| t < s || t == 0)
            || self.until_us.is_some_and(|u| t >= u || t == 0)
        {
            return false;
        }
        if self.exclude_bots && classify(r.user_agent).is_robot() {
            return false;
        }
        self.expr.as_ref().is_none_or(|e| e.eval(r, cx))
    }
}

/// A [`Filter`] at work on one chunk: with the names of its layout's extra variables.
pub(crate) struct Pass<'f> {
    filter: &'f Filter,
    extra_names: Vec<String>,
    buf: Vec<u8>,
}

impl<'f> Pass<'f> {
    pub(crate) fn new(filter: &'f Filter, extra_names: Vec<String>) -> Self {
        Pass {
            filter,
            extra_names,
            buf: Vec::new(),
        }
    }
}

impl Keep for Pass<'_> {
    #[inline]
    fn keep(&mut self, r: &Record<'_>) -> bool {
        let mut cx = expr::Scratch {
            extra_names: &self.extra_names,
            buf: std::mem::take(&mut self.buf),
        };
        let keep = self.filter.pass(r, &mut cx);
        self.buf = cx.buf;
        keep
    }
}

/// A `--since` or `--until` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeArg {
    /// A time, UTC µs.
    At(i64),
    /// So long before the last line of the newest input, µs (`15m`).
    BeforeLast(i64),
}

impl TimeArg {
    /// The time, given the newest input's last time (`None`: it is not needed or not
    /// known).
    pub fn resolve(self, last_us: Option<i64>) -> Option<i64> {
        match self {
            TimeArg::At(t) => Some(t),
            TimeArg::BeforeLast(d) => last_us.map(|l| l.saturating_sub(d)),
        }
    }
}

/// A `--since`/`--until` value: RFC 3339 (`2026-11-21T12:00:00Z`, `...+01:00`), nginx's
/// `$time_local` (`21/Nov/2026:12:00:00 +0100`), or a span back from the last line
/// (`90s`, `15m`, `2h`, `1d`).
pub fn parse_time(s: &str) -> Result<TimeArg, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    if digits > 0 {
        let unit = match &t[digits..] {
            "s" => Some(1),
            "m" => Some(60),
            "h" => Some(3600),
            "d" => Some(86_400),
            _ => None,
        };
        if let (Some(unit), Ok(n)) = (unit, t[..digits].parse::<i64>()) {
            return n
                .checked_mul(unit * 1_000_000)
                .map(TimeArg::BeforeLast)
                .ok_or_else(|| format!("'{s}': too long a span"));
        }
    }
    if let Some((us, _)) = axlog_format::parse_iso8601(t.as_bytes()) {
        return Ok(TimeArg::At(us));
    }
    if let Some(ts) = axlog_format::TimeLocalCache::default().parse(t.as_bytes()) {
        return Ok(TimeArg::At(ts.utc_us));
    }
    Err(format!(
        "'{s}' is not a time: give RFC 3339 (2026-11-21T12:00:00Z, 2026-11-21T13:00:00+01:00), \
         nginx's form (21/Nov/2026:13:00:00 +0100) or a span back from the last line (15m, 2h, 1d)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        // 2026-11-21T12:00:00Z is 1795262400 s (date -u -d 2026-11-21T12:00:00Z +%s).
        let noon = 1_795_262_400_000_000;
        assert_eq!(parse_time("2026-11-21T12:00:00Z"), Ok(TimeArg::At(noon)));
        assert_eq!(
            parse_time("2026-11-21T13:00:00+01:00"),
            Ok(TimeArg::At(noon))
        );
        assert_eq!(
            parse_time("21/Nov/2026:13:00:00 +0100"),
            Ok(TimeArg::At(noon))
        );
        assert_eq!(parse_time("15m"), Ok(TimeArg::BeforeLast(900_000_000)));
        assert_eq!(parse_time("1d"), Ok(TimeArg::BeforeLast(86_400_000_000)));
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("15").is_err());
        assert!(parse_time("99999999999999999999d").is_err());
        assert_eq!(TimeArg::BeforeLast(5).resolve(Some(20)), Some(15));
    }
}
