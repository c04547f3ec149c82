//! The series over time in the text report: a sparkline of requests, a compact table
//! (every bucket, or every k-th when there are many, saying so), `--series-by`'s
//! sparklines, and the gaps.

use crate::fmt::{bytes, duration, thousands};
use crate::style::{Out, Paint};
use crate::table::{Left, Right, Table};
use crate::terminal_safe;
use axlog_stats::Summary;
use axlog_stats::series_summary::SeriesBySummary;
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
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
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
pub(crate) fn series(o: &mut Out, s: &Summary) {
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
        "Series     {} buckets of {}",
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
    o.title(&head);
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
    let mut t = Table::new(&[
        ("start", Left),
        ("requests", Right),
        ("2xx", Right),
        ("3xx", Right),
        ("4xx", Right),
        ("5xx", Right),
        ("bytes", Right),
        ("p50", Right),
        ("p99", Right),
        ("max", Right),
    ]);
    for b in series.buckets.iter().step_by(step) {
        let v = &b.values;
        let d = |us: Option<u64>| us.map_or("-".to_string(), duration);
        let row = t.row(vec![
            b.start.clone(),
            thousands(v.requests),
            thousands(v.status_2xx),
            thousands(v.status_3xx),
            thousands(v.status_4xx),
            thousands(v.status_5xx),
            bytes(v.bytes_sent),
            d(v.p50_us),
            d(v.p99_us),
            d(v.max_us),
        ]);
        if v.status_5xx > 0 {
            row.paint(5, Paint::Red);
        }
        if v.approximate {
            row.note("(approximate)");
        }
    }
    t.render(o);
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

/// `--series-by`: each top key's requests and sparkline (the series' marks).
fn series_by(o: &mut Out, by: &SeriesBySummary, group: usize) {
    // The dimension's name may be the user's (`field:NAME`): escaped as log text is.
    o.title(&format!(
        "Series by {} (requests per bucket, the busiest {} keys)",
        terminal_safe(&by.dimension),
        by.rows.len()
    ));
    let mut t = Table::new(&[("key", Left), ("requests", Right), ("per bucket", Left)]);
    for r in &by.rows {
        let counts: Vec<u64> = r.buckets.iter().map(|b| b.requests).collect();
        t.row(vec![
            terminal_safe(&r.key),
            thousands(r.requests),
            format!("|{}|", sparkline(&counts, group)),
        ]);
    }
    t.render(o);
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
fn gaps(o: &mut Out, s: &Summary) {
    let Some(g) = &s.series.gaps else {
        return;
    };
    if g.count == 0 {
        return;
    }
    o.title(&format!(
        "Gaps       {} runs of more than {}s without requests",
        thousands(g.count),
        g.min_seconds
    ));
    let mut t = Table::new(&[("start", Left), ("end", Left), ("length", Right)]);
    for gap in &g.gaps {
        t.row(vec![
            gap.start.clone(),
            gap.end.clone(),
            duration(gap.seconds.saturating_mul(1_000_000)),
        ]);
    }
    t.render(o);
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
        assert_eq!(width_name(86_400), "1d");
        assert_eq!(width_name(8_640_000), "100d");
        assert_eq!(width_name(10), "10s");
    }
}
