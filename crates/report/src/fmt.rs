//! The number and text formats every renderer shares: thousands separators, seconds as
//! nginx writes them, percentages, cutting long names for fixed-width columns, and the
//! text report's humanised bytes and durations.

/// `1234567` -> `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds as nginx writes them: 3 decimals for whole milliseconds, else 6.
pub fn seconds(us: u64) -> String {
    if us.is_multiple_of(1000) {
        format!("{}.{:03}", us / 1_000_000, us % 1_000_000 / 1000)
    } else {
        format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
    }
}

/// A status code as the reports name it: `-` for a status logged as `-` (code 0).
pub(crate) fn status_code(code: u16) -> String {
    match code {
        0 => "-".to_string(),
        n => n.to_string(),
    }
}

pub(crate) fn percent(share: f64) -> String {
    format!("{:.2}%", share * 100.0)
}

/// Cuts `s` to at most `max` characters, marking the cut with `…` (JSON keeps it whole).
pub fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The columns `s` takes on a terminal: CJK and emoji take two, combining marks none.
pub fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

fn char_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Shortens `s` to at most `max` display columns by cutting its middle, marked with `…`:
/// the head and the tail stay, so `/var/log/nginx/access.log.1` and `….log.2` still differ.
/// The tail gets the larger half (a file's name, a path's last segment).
pub fn shorten_middle(s: &str, max: usize) -> String {
    if display_width(s) <= max {
        return s.to_string();
    }
    let budget = max.saturating_sub(1);
    let (head_w, tail_w) = (budget / 2, budget - budget / 2);
    let mut head = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w > head_w {
            break;
        }
        used += w;
        head.push(c);
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = char_width(c);
        if used + w > tail_w {
            break;
        }
        used += w;
        tail.push(c);
    }
    head.push('…');
    head.extend(tail.iter().rev());
    head
}

/// Bytes for people, in IEC units with one decimal (`134.2 MiB`); below 1 KiB whole
/// (`512 B`). A value that would round up to 1024.0 of a unit is shown in the next one.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut unit = 1024u128;
    for (i, name) in UNITS.iter().enumerate() {
        // Tenths of the unit, rounded half up, in integers (no float rounding at edges).
        let tenths = (u128::from(n) * 10 + unit / 2) / unit;
        if tenths < 10_240 || i == UNITS.len() - 1 {
            return format!("{}.{} {name}", tenths / 10, tenths % 10);
        }
        unit *= 1024;
    }
    format!("{n} B")
}

/// `v` (in units of `unit`, v >= unit) to three significant digits: the digits rounded
/// half up, and the decimals (2, 1 or 0) they have.
fn three_digits(v: u64, unit: u64) -> (u128, u32) {
    let (v, unit) = (u128::from(v), u128::from(unit));
    for d in [2u32, 1] {
        let q = (v * 10u128.pow(d) + unit / 2) / unit;
        if q < 1000 {
            return (q, d);
        }
    }
    ((v + unit / 2) / unit, 0)
}

fn decimals(q: u128, d: u32) -> String {
    match d {
        0 => q.to_string(),
        d => {
            let p = 10u128.pow(d);
            format!("{}.{:0w$}", q / p, q % p, w = d as usize)
        }
    }
}

/// A duration (given in µs) for people, to about three significant digits: `850 µs`,
/// `1.25 ms`, `16.0 ms`, `235 ms`, `1.03 s`, `27.8 s`, then minutes and seconds (`2m05s`),
/// hours and minutes (`1h02m`), days and hours (`3d04h`). A value that rounds up to the
/// next unit is shown in it (`999.6 ms` is `1.00 s`).
pub fn duration(us: u64) -> String {
    const MS: u64 = 1_000;
    const S: u64 = 1_000_000;
    if us < MS {
        return format!("{us} µs");
    }
    if us < S {
        let (q, d) = three_digits(us, MS);
        if d > 0 || q < 1000 {
            return format!("{} ms", decimals(q, d));
        }
    }
    if us < 60 * S {
        let (q, d) = three_digits(us.max(S), S);
        // 59.95 s and over round to a minute.
        if !(d == 1 && q >= 600) {
            return format!("{} s", decimals(q, d));
        }
    }
    let secs = (u128::from(us) + u128::from(S) / 2) / u128::from(S);
    if secs < 3600 {
        return format!("{}m{:02}s", secs / 60, secs % 60);
    }
    let mins = (u128::from(us) + u128::from(30 * S)) / u128::from(60 * S);
    if mins < 24 * 60 {
        return format!("{}h{:02}m", mins / 60, mins % 60);
    }
    let hours = (u128::from(us) + u128::from(1800 * S)) / u128::from(3600 * S);
    format!("{}d{:02}h", hours / 24, hours % 24)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(seconds(123_000), "0.123");
        assert_eq!(seconds(12_000_000), "12.000");
        assert_eq!(seconds(1_500_001), "1.500001");
        assert_eq!(ellipsize("/abcdef", 4), "/ab…");
        assert_eq!(ellipsize("/abc", 4), "/abc");
    }

    #[test]
    fn bytes_edges() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1024), "1.0 KiB");
        // 1536 = 1.5 KiB; 140,719,718 / 1,048,576 = 134.199…
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(140_719_718), "134.2 MiB");
        // 1,048,575 B is 1023.999 KiB: it rounds to the next unit.
        assert_eq!(bytes(1_048_575), "1.0 MiB");
        assert_eq!(bytes(1_048_576 - 52), "1023.9 KiB");
        assert_eq!(bytes(1 << 30), "1.0 GiB");
        assert_eq!(bytes(u64::MAX), "16.0 EiB");
    }

    #[test]
    fn duration_edges() {
        assert_eq!(duration(0), "0 µs");
        assert_eq!(duration(850), "850 µs");
        assert_eq!(duration(999), "999 µs");
        assert_eq!(duration(1_000), "1.00 ms");
        assert_eq!(duration(1_254), "1.25 ms");
        assert_eq!(duration(9_994), "9.99 ms");
        assert_eq!(duration(9_995), "10.0 ms");
        assert_eq!(duration(16_000), "16.0 ms");
        assert_eq!(duration(99_950), "100 ms");
        assert_eq!(duration(235_400), "235 ms");
        assert_eq!(duration(999_499), "999 ms");
        assert_eq!(duration(999_500), "1.00 s");
        assert_eq!(duration(1_030_000), "1.03 s");
        assert_eq!(duration(27_840_000), "27.8 s");
        assert_eq!(duration(59_949_999), "59.9 s");
        assert_eq!(duration(59_950_000), "1m00s");
        assert_eq!(duration(125_000_000), "2m05s");
        assert_eq!(duration(3_599_499_999), "59m59s");
        assert_eq!(duration(3_599_500_000), "1h00m");
        assert_eq!(duration(3_720_000_000), "1h02m");
        assert_eq!(duration(86_400_000_000 + 4 * 3_600_000_000), "1d04h");
        // u64::MAX µs / 3.6e9 µs an hour = 5,124,095,576.03 hours = 213,503,982 days 8 h.
        assert_eq!(duration(u64::MAX), "213503982d08h");
    }

    #[test]
    fn shortened_in_the_middle() {
        // 27 columns into 26: 12 of head, `…`, 13 of tail.
        assert_eq!(
            shorten_middle("/var/log/nginx/access.log.1", 26),
            "/var/log/ngi…/access.log.1"
        );
        assert_eq!(shorten_middle("/abc", 4), "/abc");
        assert_eq!(shorten_middle("abcdef", 5), "ab…ef");
        // CJK takes two columns a character: 6 columns of `日本語` kept as 1 + … + 2.
        assert_eq!(shorten_middle("日本語日本語", 6), "日…語");
        assert_eq!(display_width("日本語…"), 7);
    }
}
