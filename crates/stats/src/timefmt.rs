//! RFC 3339 formatting of UTC microseconds, and of local time at a given offset.

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `+01:00` for 60, `-07:00` for -420.
pub fn format_offset(offset_min: i16) -> String {
    let sign = if offset_min < 0 { '-' } else { '+' };
    let a = offset_min.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 60, a % 60)
}

/// `2026-11-21T09:00:01Z` (with `.ffffff` when there are sub-second digits) for UTC, or
/// `2026-11-21T10:00:01+01:00` at `offset_min`.
pub fn format_rfc3339(utc_us: i64, offset_min: Option<i16>) -> String {
    let off_s = offset_min.unwrap_or(0) as i64 * 60;
    let local_us = utc_us + off_s * 1_000_000;
    let secs = local_us.div_euclid(1_000_000);
    let micros = local_us.rem_euclid(1_000_000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    let mut s = format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    );
    if micros != 0 {
        s.push_str(&format!(".{micros:06}"));
    }
    match offset_min {
        None => s.push('Z'),
        Some(o) => s.push_str(&format_offset(o)),
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_rfc3339(0, None), "1970-01-01T00:00:00Z");
        assert_eq!(
            format_rfc3339(1_795_251_601_000_000, None),
            "2026-11-21T09:00:01Z"
        );
        assert_eq!(
            format_rfc3339(1_795_251_601_000_000, Some(60)),
            "2026-11-21T10:00:01+01:00"
        );
        assert_eq!(
            format_rfc3339(971_211_336_000_000, Some(-420)),
            "2000-10-10T13:55:36-07:00"
        );
        assert_eq!(format_rfc3339(-1, None), "1969-12-31T23:59:59.999999Z");
        assert_eq!(format_offset(210), "+03:30");
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_017), (2000, 3, 1));
    }
}
