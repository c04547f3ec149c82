//! The report's times in the display zone (`--tz`): the series' bucket starts, the gaps,
//! and the first, last and peak times, each in the zone's local time with the offset in
//! force at that instant (RFC 3339). Without `--tz` the summary keeps UTC.

use axlog_format::Zone;
use axlog_stats::Summary;
use axlog_stats::series_summary::DisplayTimes;
use axlog_stats::timefmt::format_rfc3339;

/// Seconds the series' bucket grid is shifted by so that 1 h buckets begin at `zone`'s
/// local hours: its offset past whole hours (1,800 for +05:30, 2,700 for +05:45), as in
/// force now. Daylight saving moves offsets by whole hours (Lord Howe's half hour
/// aside), so this is the same all year.
pub fn hour_shift_s(zone: &Zone) -> u32 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let off_s = i64::from(zone.offset_at_utc(now)) * 60;
    off_s.rem_euclid(3600) as u32
}

/// Writes the summary's times in `zone` (named `name`, as given), each tier's too.
pub fn localize(s: &mut Summary, zone: &Zone, name: &str) {
    for t in &mut s.tiers {
        localize(&mut t.summary, zone, name);
    }
    let at = |epoch_s: i64| {
        format_rfc3339(
            epoch_s.saturating_mul(1_000_000),
            Some(zone.offset_at_utc(epoch_s)),
        )
    };
    let at_us = |us: i64| format_rfc3339(us, Some(zone.offset_at_utc(us.div_euclid(1_000_000))));
    if let Some(series) = &mut s.series.series {
        for b in &mut series.buckets {
            b.start = at(b.start_epoch);
        }
    }
    if let Some(g) = &mut s.series.gaps {
        for gap in &mut g.gaps {
            gap.start = at(gap.start_epoch);
            gap.end = at(gap.end_epoch);
        }
    }
    if let Some(a) = &mut s.anomalies {
        for x in &mut a.anomalies {
            x.start = at(x.start_epoch);
            x.end = at(x.end_epoch);
        }
    }
    // A `--state` window's times are shown as the report's are.
    if let (Some(w), Some(t)) = (&mut s.window, &s.time) {
        w.log_first = Some(at_us(t.first.epoch_us));
        w.log_last = Some(at_us(t.last.epoch_us));
    }
    s.series.display = Some(DisplayTimes {
        zone: name.to_string(),
        first: s.time.as_ref().map(|t| at_us(t.first.epoch_us)),
        last: s.time.as_ref().map(|t| at_us(t.last.epoch_us)),
        peak_second: s.qps.as_ref().map(|q| at(q.peak_second_epoch)),
    });
}
