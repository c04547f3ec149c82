//! The number and text formats every renderer shares: thousands separators, seconds as
//! nginx writes them, percentages, and cutting long names for fixed-width columns.

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
}
