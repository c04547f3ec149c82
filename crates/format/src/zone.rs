//! [`Zone`]: the time zone of times logged without one (HAProxy's accept date, an RFC 3164
//! syslog stamp, a definition's zoneless time). A fixed offset, or an IANA zone whose
//! offset changes with daylight saving time, looked up for each time.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Where zoneless local times are.
#[derive(Debug, Clone)]
pub enum Zone {
    /// Minutes east of UTC, all year.
    Fixed(i16),
    /// An IANA zone (`Europe/Paris`): the offset of each local time.
    Named(TimeZone),
}

impl Default for Zone {
    fn default() -> Zone {
        Zone::Fixed(0)
    }
}

impl Zone {
    /// The IANA zone `name` (`Europe/Paris`, `America/New_York`), from the bundled
    /// database.
    pub fn named(name: &str) -> Option<Zone> {
        TimeZone::get(name).ok().map(Zone::Named)
    }

    /// The offset (minutes east of UTC) of local time `local_s` (seconds since the epoch
    /// as if the local clock were UTC). A local time that a change to daylight saving
    /// time skips is read with the offset before the change, and one that the change
    /// back repeats with the earlier (daylight) offset, as RFC 5545 and `jiff`'s
    /// "compatible" rule have it.
    #[inline]
    pub fn offset_at_local(&self, local_s: i64) -> i16 {
        match self {
            Zone::Fixed(o) => *o,
            Zone::Named(tz) => named_offset(tz, local_s),
        }
    }
}

impl Zone {
    /// The zone's name: its IANA name, or the offset as `+05:30` (`UTC` for zero).
    pub fn name(&self) -> String {
        match self {
            Zone::Fixed(0) => "UTC".to_string(),
            Zone::Fixed(o) => {
                let a = o.unsigned_abs();
                let sign = if *o < 0 { '-' } else { '+' };
                format!("{sign}{:02}:{:02}", a / 60, a % 60)
            }
            Zone::Named(tz) => tz.iana_name().unwrap_or("?").to_string(),
        }
    }

    /// The offset (minutes east of UTC) in force at UTC second `utc_s`: what a time is
    /// shown with in this zone (`--tz` for display).
    pub fn offset_at_utc(&self, utc_s: i64) -> i16 {
        match self {
            Zone::Fixed(o) => *o,
            Zone::Named(tz) => {
                Timestamp::from_second(utc_s).map_or(0, |t| (tz.to_offset(t).seconds() / 60) as i16)
            }
        }
    }

    /// Local µs since the epoch (as if the local clock were UTC) into UTC µs, and the
    /// offset applied.
    #[inline]
    pub(crate) fn local_to_utc(&self, local_us: i64) -> (i64, i16) {
        let off = self.offset_at_local(local_us.div_euclid(1_000_000));
        (local_us - off as i64 * 60_000_000, off)
    }
}

#[cold]
fn named_offset(tz: &TimeZone, local_s: i64) -> i16 {
    let Ok(as_utc) = Timestamp::from_second(local_s) else {
        return 0;
    };
    let civil = TimeZone::UTC.to_datetime(as_utc);
    match tz.to_ambiguous_timestamp(civil).compatible() {
        Ok(t) => ((local_s - t.as_second()) / 60) as i16,
        Err(_) => 0,
    }
}

/// A [`Zone`] with the offset of the last quarter hour of local time it was asked about:
/// zones change offset on quarter hours, so a parser of a log's lines looks the database
/// up once per quarter hour of log time, not per line.
#[derive(Debug, Clone, Default)]
pub(crate) struct ZoneCache {
    zone: Zone,
    quarter: Option<(i64, i16)>,
}

impl ZoneCache {
    pub(crate) fn new(zone: Zone) -> ZoneCache {
        ZoneCache {
            zone,
            quarter: None,
        }
    }

    /// The offset of local time `local_us` (µs, see [`Zone::offset_at_local`]).
    #[inline]
    pub(crate) fn offset_at_local_us(&mut self, local_us: i64) -> i16 {
        match &self.zone {
            Zone::Fixed(o) => *o,
            Zone::Named(tz) => {
                let local_s = local_us.div_euclid(1_000_000);
                let q = local_s.div_euclid(900);
                match self.quarter {
                    Some((at, off)) if at == q => off,
                    _ => {
                        let off = named_offset(tz, local_s);
                        self.quarter = Some((q, off));
                        off
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Local seconds of `y-m-d h:mi` (the proleptic Gregorian calendar, as if UTC).
    fn local(y: i64, m: i64, d: i64, h: i64, mi: i64) -> i64 {
        // Days from civil (Howard Hinnant's algorithm), written out here so the test does
        // not lean on the code under test.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        days * 86_400 + h * 3600 + mi * 60
    }

    #[test]
    fn paris_in_winter_summer_and_at_the_changes() {
        let paris = Zone::named("Europe/Paris").unwrap();
        let mut cached = ZoneCache::new(paris.clone());
        // CET +01:00 in January, CEST +02:00 in July.
        for (t, want) in [
            (local(2026, 1, 15, 12, 0), 60),
            (local(2026, 7, 15, 12, 0), 120),
            // 2026-03-29: 02:00 -> 03:00. 01:59 is CET; 03:00 is CEST; 02:30 does not
            // exist and is read with the offset before the change.
            (local(2026, 3, 29, 1, 59), 60),
            (local(2026, 3, 29, 3, 0), 120),
            (local(2026, 3, 29, 2, 30), 60),
            // 2026-10-25: 03:00 -> 02:00. 02:30 happens twice: the first, CEST, is taken.
            (local(2026, 10, 25, 2, 30), 120),
            (local(2026, 10, 25, 3, 0), 60),
        ] {
            assert_eq!(paris.offset_at_local(t), want, "{t}");
            assert_eq!(
                cached.offset_at_local_us(t * 1_000_000),
                want,
                "{t} (cached)"
            );
        }
        // New York: -05:00 in January, -04:00 in July.
        let ny = Zone::named("America/New_York").unwrap();
        assert_eq!(ny.offset_at_local(local(2026, 1, 15, 12, 0)), -300);
        assert_eq!(ny.offset_at_local(local(2026, 7, 15, 12, 0)), -240);
        assert!(Zone::named("Europe/Nowhere").is_none());
        assert_eq!(Zone::Fixed(-300).offset_at_local(0), -300);
    }
}

#[cfg(test)]
mod syslog_tests {
    use super::Zone;

    #[test]
    fn an_rfc3164_stamp_in_an_iana_zone() {
        // `Jan 15 12:00:00` and `Jul 15 12:00:00` in New York, read on 2026-08-01
        // (1785542400): 17:00Z (EST, -05:00) and 16:00Z (EDT, -04:00) that year.
        // 2026-01-15T17:00:00Z = 1768496400, 2026-07-15T16:00:00Z = 1784131200.
        let ny = Zone::named("America/New_York").unwrap();
        let now = 1_785_542_400_000_000;
        for (line, utc_s, off) in [
            ("<134>Jan 15 12:00:00 lb app: x", 1_768_496_400, -300),
            ("<134>Jul 15 12:00:00 lb app: x", 1_784_131_200, -240),
        ] {
            let got = crate::syslog::syslog_time(line.as_bytes(), &ny, now);
            assert_eq!(got, Some((utc_s * 1_000_000, off)), "{line}");
        }
    }
}
