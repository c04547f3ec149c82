//! Robust baselines: the median and the median absolute deviation (MAD) of the values
//! in a window of buckets centred on the one judged, that bucket left out.

/// The factor that makes 1.4826 × MAD estimate a normal distribution's standard
/// deviation (Iglewicz and Hoaglin's modified z-score).
pub(crate) const MAD_SCALE: f64 = 1.4826;

/// Buckets a baseline needs; with fewer, the bucket is not judged.
pub(crate) const MIN_BASELINE: usize = 10;

/// The median of `v` (reordered), `None` when empty. NaNs are never given (the callers
/// take finite values only); `total_cmp` orders them anyway.
pub(crate) fn median(v: &mut [f64]) -> Option<f64> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    let mid = n / 2;
    let (lo, m, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    let upper = *m;
    if n % 2 == 1 {
        return Some(upper);
    }
    // Even: the mean of the two middle values; the lower one is the largest below.
    let lower = lo.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some((lower + upper) / 2.0)
}

/// A baseline: the median of a window and its scaled MAD (1.4826 × MAD).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Baseline {
    pub(crate) median: f64,
    pub(crate) spread: f64,
}

/// The baseline of `values` (reordered); `None` below [`MIN_BASELINE`] values.
pub(crate) fn baseline(values: &mut [f64]) -> Option<Baseline> {
    let n = values.len();
    if n < MIN_BASELINE {
        return None;
    }
    let m = median(values)?;
    for v in values.iter_mut() {
        *v = (*v - m).abs();
    }
    let mad = median(values)?;
    Some(Baseline {
        median: m,
        spread: MAD_SCALE * mad,
    })
}

/// The indices of the window around bucket `t` of `len` buckets: `half` on each side,
/// `t` left out, clipped to the series.
pub(crate) fn window(t: usize, half: usize, len: usize) -> impl Iterator<Item = usize> {
    let lo = t.saturating_sub(half);
    let hi = t.saturating_add(half).min(len.saturating_sub(1));
    (lo..=hi).filter(move |&i| i != t && i < len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn baseline_of_a_window() {
        // 1..=11: median 6, deviations 5,4,3,2,1,0,1,2,3,4,5: MAD 3.
        let mut v: Vec<f64> = (1..=11).map(f64::from).collect();
        let b = baseline(&mut v).unwrap();
        assert_eq!(b.median, 6.0);
        assert!((b.spread - 3.0 * 1.4826).abs() < 1e-12);
        let mut few: Vec<f64> = vec![1.0; 9];
        assert_eq!(baseline(&mut few), None);
    }

    #[test]
    fn window_is_clipped_and_skips_t() {
        assert_eq!(window(0, 2, 10).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(window(5, 2, 10).collect::<Vec<_>>(), vec![3, 4, 6, 7]);
        assert_eq!(window(9, 2, 10).collect::<Vec<_>>(), vec![7, 8]);
        assert_eq!(window(0, 2, 1).count(), 0);
    }
}
