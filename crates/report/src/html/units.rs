//! Numbers and times as the page shows them: counts with separators or short (`12.3k`
//! on an axis), bytes in binary units, durations in µs, ms or s, shares as percentages,
//! and UTC clock labels for the charts' time axis. The raw value stays beside each
//! shown one (`data-v`), for sorting and for programs.

use crate::thousands;
use axlog_stats::timefmt::civil_from_days;

/// `v` with at most `decimals` decimals, trailing zeros dropped: `1.50` -> `1.5`.
fn trimmed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    match s.contains('.') {
        true => s.trim_end_matches('0').trim_end_matches('.').to_string(),
        false => s,
    }
}

/// A count for an axis: `950`, `12.5k`, `3.2M`, `1.1G`.
pub(crate) fn short_count(v: f64) -> String {
    let a = v.abs();
    match a {
        a if a < 1e3 => trimmed(v, 1),
        a if a < 1e6 => format!("{}k", trimmed(v / 1e3, 1)),
        a if a < 1e9 => format!("{}M", trimmed(v / 1e6, 1)),
        _ => format!("{}G", trimmed(v / 1e9, 1)),
    }
}

/// A duration in µs: `850 µs`, `12.5 ms`, `1.25 s`.
pub(crate) fn duration(us: f64) -> String {
    match us.abs() {
        0.0 => "0".to_string(),
        a if a < 1e3 => format!("{} µs", trimmed(us, 0)),
        a if a < 1e6 => format!("{} ms", trimmed(us / 1e3, if a < 1e4 { 2 } else { 1 })),
        _ => format!("{} s", trimmed(us / 1e6, 2)),
    }
}

/// Bytes in binary units: `512 B`, `1.5 KiB`, `3.2 GiB`.
pub(crate) fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{} {}", trimmed(v, 1), UNITS[unit])
}

/// A share (0..1) as a percentage with two decimals, a tiny non-zero share as `<0.01%`.
pub(crate) fn percent(share: f64) -> String {
    match share {
        s if s > 0.0 && s < 0.00005 => "<0.01%".to_string(),
        s => format!("{:.2}%", s * 100.0),
    }
}

/// A count with separators.
pub(crate) fn count(n: u64) -> String {
    thousands(n)
}

/// The UTC date and clock of `epoch` seconds: (`2026-11-21`, `10:05`, `10:05:30`).
pub(crate) fn utc_parts(epoch: i64) -> (String, String, String) {
    let (y, m, d) = civil_from_days(epoch.div_euclid(86_400));
    let sod = epoch.rem_euclid(86_400);
    let (h, mi, s) = (sod / 3600, sod % 3600 / 60, sod % 60);
    (
        format!("{y:04}-{m:02}-{d:02}"),
        format!("{h:02}:{mi:02}"),
        format!("{h:02}:{mi:02}:{s:02}"),
    )
}

/// A span of seconds in words: `45 s`, `12 min`, `2 h 5 min`, `3 d 4 h`.
pub(crate) fn span(seconds: u64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
        seconds % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, m) if s == 0 => format!("{m} min"),
        (0, 0, m) => format!("{m} min {s} s"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanised_values() {
        assert_eq!(short_count(0.0), "0");
        assert_eq!(short_count(950.0), "950");
        assert_eq!(short_count(12_500.0), "12.5k");
        assert_eq!(short_count(3_000_000.0), "3M");
        assert_eq!(duration(0.0), "0");
        assert_eq!(duration(850.0), "850 µs");
        assert_eq!(duration(2_500.0), "2.5 ms");
        assert_eq!(duration(125_000.0), "125 ms");
        assert_eq!(duration(1_250_000.0), "1.25 s");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024), "3 GiB");
        assert_eq!(bytes(u64::MAX), "16 EiB");
        assert_eq!(percent(0.0123), "1.23%");
        assert_eq!(percent(0.0), "0.00%");
        assert_eq!(percent(0.000001), "<0.01%");
        assert_eq!(span(45), "45 s");
        assert_eq!(span(3600 + 300), "1 h 5 min");
        assert_eq!(span(86_400 * 3 + 7200), "3 d 2 h");
    }

    #[test]
    fn utc_labels() {
        // 2026-11-21T10:05:30Z: 20,778 days after 1970-01-01, plus 36,330 s.
        let t = 20_778 * 86_400 + 10 * 3600 + 5 * 60 + 30;
        assert_eq!(
            utc_parts(t),
            ("2026-11-21".into(), "10:05".into(), "10:05:30".into())
        );
    }
}
