//! Tail counts: per bucket, how many requests took at least each of a ladder of times.
//! A latency anomaly is judged on them: a minute's p99 is the 2nd or 3rd largest of a few
//! hundred requests, so two more timeouts make it jump tenfold; the number of requests
//! past a time well above the usual p99, against how many usually pass it, is a count
//! with a known noise (Poisson), and a regression moves it far past that noise.

/// The ladder: 1 ms doubling to about 35 minutes (µs). A bucket's threshold is the first
/// rung at or above its baseline p99 times the guard factor (within 2x of it).
pub const TAIL_THRESHOLDS_US: [u64; 22] = {
    let mut t = [0u64; 22];
    let mut i = 0;
    while i < 22 {
        t[i] = 1000 << i;
        i += 1;
    }
    t
};

/// The tail counts of a series' buckets (from `Aggregate::anomaly_tails`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tails {
    pub bucket_s: u32,
    /// (bucket start, UTC epoch seconds; the counts at or above each rung of
    /// [`TAIL_THRESHOLDS_US`]), ascending by start; buckets without requests left out.
    pub buckets: Vec<(i64, Vec<u64>)>,
}

/// The rung at or above `us` (`None` past the ladder).
pub(crate) fn rung(us: f64) -> Option<usize> {
    TAIL_THRESHOLDS_US.iter().position(|&t| t as f64 >= us)
}

/// Anscombe's variance-stabilised distance of a count `x` from its expectation `m`:
/// about a standard normal for Poisson counts, even small ones, where (x - m)/sqrt(m)
/// is not (10 where 4 were expected is common; 4 standard deviations are not).
pub(crate) fn count_z(x: f64, m: f64) -> f64 {
    2.0 * ((x.max(0.0) + 0.375).sqrt() - (m.max(0.0) + 0.375).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ladder_and_its_rungs() {
        assert_eq!(TAIL_THRESHOLDS_US[0], 1_000);
        assert_eq!(TAIL_THRESHOLDS_US[12], 4_096_000);
        // 1.5 x a 2.5 s p99 = 3.75 s: the 4.096 s rung.
        assert_eq!(rung(3_750_000.0), Some(12));
        assert_eq!(rung(1_000.0), Some(0));
        assert_eq!(rung(1e13), None);
    }

    #[test]
    fn count_distances() {
        // 2 (sqrt(10.375) - sqrt(4.375)) = 2.26: ten where four are expected is noise.
        assert!((count_z(10.0, 4.0) - 2.2587).abs() < 1e-3);
        // Thirty where one is: far out.
        assert!(count_z(30.0, 1.0) > 8.0);
        assert_eq!(count_z(5.0, 5.0), 0.0);
        assert!(count_z(0.0, 36.0) < -10.0);
    }
}
