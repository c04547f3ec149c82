//! Number parsing for log fields: integers, decimal seconds, nginx upstream lists.

/// A field that should be a number (or `-`) is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a number")]
pub struct BadNumber;

/// Parses an unsigned decimal integer (no sign, no spaces); `None` on anything else or overflow.
#[inline(always)]
pub fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    // Up to 19 digits cannot overflow: no checked arithmetic on the common path.
    if s.len() <= 19 {
        let mut v: u64 = 0;
        for &b in s {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            v = v * 10 + d as u64;
        }
        return Some(v);
    }
    let mut v: u64 = 0;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(d as u64)?;
    }
    Some(v)
}

/// Parses decimal seconds (`0.123`, `12`, `1.5`) into microseconds. Digits beyond the
/// sixth decimal are truncated (no log writes them); `None` for anything that is not a
/// non-negative decimal.
#[inline]
pub fn parse_seconds_us(s: &[u8]) -> Option<u64> {
    // nginx writes `D.DDD` for nearly every request: parse that shape directly.
    if let [a, b'.', b, c, d] = *s {
        let (a, b, c, d) = (
            a.wrapping_sub(b'0'),
            b.wrapping_sub(b'0'),
            c.wrapping_sub(b'0'),
            d.wrapping_sub(b'0'),
        );
        if a < 10 && b < 10 && c < 10 && d < 10 {
            return Some(
                a as u64 * 1_000_000 + b as u64 * 100_000 + c as u64 * 10_000 + d as u64 * 1000,
            );
        }
    }
    let (int, frac) = match s.iter().position(|&b| b == b'.') {
        Some(p) => (&s[..p], &s[p + 1..]),
        None => (s, &b""[..]),
    };
    if int.is_empty() || int.len() > 12 {
        return None;
    }
    let whole = parse_u64(int)?;
    let mut micros: u64 = 0;
    let mut scale: u64 = 100_000;
    for &b in frac {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        micros += d as u64 * scale;
        scale /= 10;
    }
    Some(whole * 1_000_000 + micros)
}

/// A non-negative decimal (`12`, `12.5`, `12.`) of a unit worth `num / den` microseconds,
/// in microseconds, truncated; `None` for anything else or a value beyond `u64`. Decimals
/// past the ninth are checked but do not count.
pub fn parse_decimal_us(s: &[u8], num: u64, den: u64) -> Option<u64> {
    let (int, frac) = match s.iter().position(|&b| b == b'.') {
        Some(p) => (&s[..p], &s[p + 1..]),
        None => (s, &b""[..]),
    };
    let whole = parse_u64(int)?;
    let (mut f, mut scale) = (0u128, 1u128);
    for (k, &b) in frac.iter().enumerate() {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        if k < 9 {
            f = f * 10 + d as u128;
            scale *= 10;
        }
    }
    let us = ((whole as u128 * scale + f) * num as u128) / (scale * den.max(1) as u128);
    u64::try_from(us).ok()
}

/// A duration field that may be `-` (absent): `Ok(None)` for `-`, `Err(BadNumber)` if unparseable.
#[inline]
pub fn parse_opt_seconds_us(s: &[u8]) -> Result<Option<u64>, BadNumber> {
    if s == b"-" {
        return Ok(None);
    }
    parse_seconds_us(s).map(Some).ok_or(BadNumber)
}

/// Sums an nginx upstream time list: `0.004, 0.118` (servers tried in turn) or `0.1 : 0.2`
/// (internal redirect to another group). Every attempt's time counts toward what the request
/// spent upstream; `-` entries (no response from that attempt) add nothing. `Ok(None)` when
/// no entry carries a number, `Err(BadNumber)` when an entry is not a number or `-`.
pub fn sum_upstream_list(s: &[u8]) -> Result<Option<u64>, BadNumber> {
    // One attempt written `D.DDD` is by far the most common value.
    if s.len() == 5
        && let Some(v) = parse_seconds_us(s)
    {
        return Ok(Some(v));
    }
    // One upstream attempt is the common case: no separator to look for.
    if !s.iter().any(|&b| b == b',' || b == b':') {
        return parse_opt_seconds_us(trim_spaces(s));
    }
    let mut sum: Option<u64> = None;
    // One pass over a short field: entries separated by `,` or `:` with optional spaces.
    for item in s.split(|&b| b == b',' || b == b':') {
        let item = trim_spaces(item);
        match item {
            [] => return Err(BadNumber),
            b"-" => {}
            _ => {
                let v = parse_seconds_us(item).ok_or(BadNumber)?;
                sum = Some(sum.unwrap_or(0).saturating_add(v));
            }
        }
    }
    Ok(sum)
}

#[inline]
pub fn trim_spaces(mut s: &[u8]) -> &[u8] {
    while let [b' ', tail @ ..] = s {
        s = tail;
    }
    while let [head @ .., b' '] = s {
        s = head;
    }
    s
}

/// `a.bcd` seconds (four digit bytes) in microseconds, if they are digits.
#[inline(always)]
pub(crate) fn millis4(a: u8, b: u8, c: u8, d: u8) -> Option<u64> {
    let (a, b, c, d) = (
        a.wrapping_sub(b'0'),
        b.wrapping_sub(b'0'),
        c.wrapping_sub(b'0'),
        d.wrapping_sub(b'0'),
    );
    (a < 10 && b < 10 && c < 10 && d < 10)
        .then(|| a as u64 * 1_000_000 + b as u64 * 100_000 + c as u64 * 10_000 + d as u64 * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse_u64(b"0"), Some(0));
        assert_eq!(parse_u64(b"5123"), Some(5123));
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_u64(b"-"), None);
        assert_eq!(parse_u64(b"12a"), None);
    }

    #[test]
    fn seconds() {
        assert_eq!(parse_seconds_us(b"0.123"), Some(123_000));
        assert_eq!(parse_seconds_us(b"12"), Some(12_000_000));
        assert_eq!(parse_seconds_us(b"1.5"), Some(1_500_000));
        assert_eq!(parse_seconds_us(b"0.000001"), Some(1));
        assert_eq!(parse_seconds_us(b"0.0000019"), Some(1));
        assert_eq!(parse_seconds_us(b"3."), Some(3_000_000));
        assert_eq!(parse_seconds_us(b".5"), None);
        assert_eq!(parse_seconds_us(b"-1"), None);
        assert_eq!(parse_seconds_us(b"1.2.3"), None);
        assert_eq!(parse_opt_seconds_us(b"-"), Ok(None));
        assert_eq!(parse_opt_seconds_us(b"x"), Err(BadNumber));
    }

    #[test]
    fn decimals_in_any_unit() {
        // 12.5 ms, 1500.5 us, 2500.9 ns, 3 ms written `3.`.
        assert_eq!(parse_decimal_us(b"12.5", 1000, 1), Some(12_500));
        assert_eq!(parse_decimal_us(b"1500.5", 1, 1), Some(1500));
        assert_eq!(parse_decimal_us(b"2500.9", 1, 1000), Some(2));
        assert_eq!(parse_decimal_us(b"3.", 1000, 1), Some(3000));
        assert_eq!(parse_decimal_us(b"0.0001", 1000, 1), Some(0));
        // Digits past the ninth decimal are read, not counted.
        assert_eq!(
            parse_decimal_us(b"1.0000000019", 1_000_000, 1),
            Some(1_000_000)
        );
        for bad in [&b""[..], b".5", b"-1", b"1.2.3", b"1e3", b"x"] {
            assert_eq!(parse_decimal_us(bad, 1000, 1), None);
        }
        assert_eq!(parse_decimal_us(b"18446744073709551615.5", 1000, 1), None);
    }

    #[test]
    fn upstream_lists() {
        assert_eq!(sum_upstream_list(b"0.118"), Ok(Some(118_000)));
        assert_eq!(sum_upstream_list(b"0.004, 0.118"), Ok(Some(122_000)));
        assert_eq!(sum_upstream_list(b"0.1 : 0.2"), Ok(Some(300_000)));
        assert_eq!(sum_upstream_list(b"0.100, -"), Ok(Some(100_000)));
        assert_eq!(sum_upstream_list(b"-, 0.118"), Ok(Some(118_000)));
        assert_eq!(sum_upstream_list(b"0.001, 0.002 : 0.004"), Ok(Some(7_000)));
        assert_eq!(sum_upstream_list(b"-"), Ok(None));
        assert_eq!(sum_upstream_list(b"- : -"), Ok(None));
        assert_eq!(sum_upstream_list(b""), Err(BadNumber));
        assert_eq!(sum_upstream_list(b"0.1,"), Err(BadNumber));
        assert_eq!(sum_upstream_list(b"abc"), Err(BadNumber));
    }
}
