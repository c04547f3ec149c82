//! The series over time in the text report: a sparkline of requests, a compact table
//! (every bucket, or every k-th when there are many, saying so), `--series-by`'s
//! sparklines, and the gaps.

use crate::fmt::{ellipsize, seconds, thousands};
use crate::terminal_safe;
use axlog_stats::Summary;
use axlog_stats::series_summary::{SeriesBySummary, SeriesValues};
use std::fmt::Write as _;

/// Marks a sparkline has at most: more buckets share a mark (their requests summed).
const SPARK_WIDTH: usize = 120;

/// Table lines without `--bucket` (the default series), and with it.
pub(crate) const SHORT_TABLE: usize = 24;
pub(crate) const LONG_TABLE: usize = 1000;

/// The eight levels of a mark; an empty bucket is a space.
const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// `1m` for 60 seconds.
pub(crate) fn width_name(s: u32) -> String {
    match s {
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// The sparkline of `counts`, `group` buckets a mark, scaled to the largest mark.
pub(crate) fn sparkline(counts: &[u64], group: usize) -> String {
    let marks: Vec<u64> = counts
        .chunks(group.max(1))
        .map(|c| c.iter().sum())
        .collect();
    let max = marks.iter().copied().max().unwrap_or(0);
    marks
        .iter()
        .map(|&v| match v {
            0 => ' ',
            v => {
                // 1..=8 eighths of the largest, rounded up: any request shows.
                let level = (u128::from(v) * 8).div_ceil(u128::from(max.max(1))) as usize;
                BLOCKS[level.clamp(1, 8) - 1]
            }
        })
        .collect()
}

/// The first, last and peak times as shown: in the `--tz` zone when given, else UTC.
pub(crate) fn shown_time<'s>(s: &'s Summary, which: usize, utc: &'s str) -> &'s str {
    let d = s.series.display.as_ref();
    let t = d.and_then(|d| [&d.first, &d.last, &d.peak_second][which].as_deref());
    t.unwrap_or(utc)
}

/// The series section: sparkline, table, `--series-by` and gaps.
pub(crate) fn series(o: &mut String, s: &Summary) {
    let Some(series) = &s.series.series else {
        return;
    };
    let n = series.buckets.len();
    if n == 0 {
        return;
    }
    let group = n.div_ceil(SPARK_WIDTH);
    let counts: Vec<u64> = series.buckets.iter().map(|b| b.values.requests).collect();
    let mut head = format!(
        "\nSeries     {} buckets of {}",
        thousands(n as u64),
        width_name(series.bucket_s)
    );
    if let Some(asked) = series.requested_bucket_s
        && asked != series.bucket_s
    {
        let _ = write!(
            head,
            " (coarsened from {}: the range holds more than 100,000 of those)",
            width_name(asked)
        );
    }
    if !series.zero_filled {
        head.push_str(" (only buckets with requests: the range holds more than 100,000)");
    }
    if let Some(d) = &s.series.display {
        let _ = write!(head, ", times in {}", terminal_safe(&d.zone));
    }
    let _ = writeln!(o, "{head}");
    let per_mark = match group {
        1 => String::new(),
        g => format!("  ({g} buckets a mark)"),
    };
    let _ = writeln!(o, "  requests |{}|{per_mark}", sparkline(&counts, group));
    let rows = match series.requested_bucket_s.is_some() || s.series.series_by.is_some() {
        true => LONG_TABLE,
        false => SHORT_TABLE,
    };
    let step = n.div_ceil(rows);
    let _ = writeln!(
        o,
        "  {:<25} {:>10} {:>8} {:>8} {:>8} {:>8} {:>14} {:>9} {:>9} {:>9}",
        "start", "requests", "2xx", "3xx", "4xx", "5xx", "bytes", "p50 (s)", "p99 (s)", "max (s)"
    );
    for b in series.buckets.iter().step_by(step) {
        let _ = writeln!(o, "  {:<25} {}", b.start, values(&b.values));
    }
    if step > 1 {
        let _ = writeln!(
            o,
            "  (1 bucket in {step} of {} shown; --output json lists all)",
            thousands(n as u64)
        );
    }
    if let Some(by) = &s.series.series_by {
        series_by(o, by, group);
    }
    gaps(o, s);
}

/// A bucket's values as table columns.
fn values(v: &SeriesValues) -> String {
    let t = |us: Option<u64>| us.map_or("-".to_string(), seconds);
    let mut cols = format!(
        "{:>10} {:>8} {:>8} {:>8} {:>8} {:>14} {:>9} {:>9} {:>9}",
        thousands(v.requests),
        thousands(v.status_2xx),
        thousands(v.status_3xx),
        thousands(v.status_4xx),
        thousands(v.status_5xx),
        thousands(v.bytes_sent),
        t(v.p50_us),
        t(v.p99_us),
        t(v.max_us)
    );
    if v.approximate {
        cols.push_str("  (approximate)");
    }
    cols
}

/// `--series-by`: each top key's requests and sparkline (the series' marks).
fn series_by(o: &mut String, by: &SeriesBySummary, group: usize) {
    // The dimension's name may be the user's (`field:NAME`): escaped as log text is.
    let _ = writeln!(
        o,
        "\nSeries by {} (requests per bucket, the busiest {} keys)",
        terminal_safe(&by.dimension),
        by.rows.len()
    );
    for r in &by.rows {
        let counts: Vec<u64> = r.buckets.iter().map(|b| b.requests).collect();
        let _ = writeln!(
            o,
            "  {:<32} {:>10} |{}|",
            ellipsize(&terminal_safe(&r.key), 32),
            thousands(r.requests),
            sparkline(&counts, group)
        );
    }
    if by.cap_reached {
        let _ = writeln!(
            o,
            "  (more than {} distinct keys: {} requests of keys not kept are not ranked)",
            thousands(by.cap),
            thousands(by.untracked_requests)
        );
    }
    if by.requests_without_key > 0 {
        let _ = writeln!(
            o,
            "  ({} requests have no {})",
            thousands(by.requests_without_key),
            terminal_safe(&by.dimension)
        );
    }
}

/// The gaps: runs of empty seconds in steady traffic.
fn gaps(o: &mut String, s: &Summary) {
    let Some(g) = &s.series.gaps else {
        return;
    };
    if g.count == 0 {
        return;
    }
    let _ = writeln!(
        o,
        "\nGaps       {} runs of more than {}s without requests",
        thousands(g.count),
        g.min_seconds
    );
    for gap in &g.gaps {
        let _ = writeln!(
            o,
            "  {:<25} to {:<25} {:>8}s",
            gap.start,
            gap.end,
            thousands(gap.seconds)
        );
    }
    if g.count > g.gaps.len() as u64 {
        let _ = writeln!(o, "  (the first {} listed)", g.gaps.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_levels() {
        // The largest is 8 eighths; 1 of 8 is the lowest block; 0 is a space.
        assert_eq!(sparkline(&[0, 1, 4, 8], 1), " ▁▄█");
        // Two buckets a mark: sums 1, 12.
        assert_eq!(sparkline(&[0, 1, 4, 8], 2), "▁█");
        assert_eq!(width_name(300), "5m");
        assert_eq!(width_name(3600), "1h");
        assert_eq!(width_name(10), "10s");
    }
}
