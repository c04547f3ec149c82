//! Where the charts' axes put their ticks: a few round values (1, 2 or 5 times a power of
//! ten) from zero past the largest value, and round UTC times (a minute, 5 minutes, an
//! hour, a day...) across the time range.

/// Ticks from 0 to at least `max`, about `want` of them, at a round step. The last tick
/// is the axis' top.
pub(crate) fn value_ticks(max: f64, want: usize) -> Vec<f64> {
    if !max.is_finite() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let raw = max / want.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let n = (max / step).ceil().max(1.0) as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// Ticks of a logarithmic axis from the power of ten at or below `min` (> 0) to the one
/// at or above `max`, with 2 and 5 times each between them when that spans at most two
/// powers. The first and last ticks are the axis' ends.
pub(crate) fn log_ticks(min: f64, max: f64) -> Vec<f64> {
    let min = if min.is_finite() && min > 0.0 {
        min
    } else {
        1.0
    };
    let max = if max.is_finite() { max.max(min) } else { min };
    let lo = min.log10().floor() as i32;
    let hi = (max.log10().ceil() as i32).max(lo + 1);
    let mut ticks = Vec::new();
    for e in lo..hi {
        let p = 10f64.powi(e);
        ticks.push(p);
        if hi - lo <= 2 {
            ticks.extend([2.0 * p, 5.0 * p]);
        }
    }
    ticks.push(10f64.powi(hi));
    ticks
}

/// Round steps of time, seconds.
const TIME_STEPS: [i64; 20] = [
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
    172_800, 604_800,
];

/// Ticks in `[t0, t1]` (epoch seconds) at the smallest round step that gives at most
/// `max_ticks`; each a multiple of the step (days start at midnight UTC).
pub(crate) fn time_ticks(t0: i64, t1: i64, max_ticks: usize) -> (i64, Vec<i64>) {
    let range = (t1 - t0).max(1);
    let limit = max_ticks.max(2) as i64;
    let step = TIME_STEPS
        .iter()
        .copied()
        .find(|s| range / s < limit)
        .unwrap_or_else(|| (range / limit / 604_800 + 1) * 604_800);
    let first = t0.div_euclid(step) * step + if t0.rem_euclid(step) == 0 { 0 } else { step };
    let ticks = (0..)
        .map(|i| first + i * step)
        .take_while(|t| *t <= t1)
        .collect();
    (step, ticks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_ticks_are_round_and_cover_the_max() {
        assert_eq!(value_ticks(0.0, 4), vec![0.0, 1.0]);
        assert_eq!(value_ticks(97.0, 4), vec![0.0, 25.0, 50.0, 75.0, 100.0]);
        assert_eq!(value_ticks(100.0, 4), vec![0.0, 25.0, 50.0, 75.0, 100.0]);
        assert_eq!(value_ticks(7.0, 4), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(
            value_ticks(1_234_000.0, 4),
            vec![0.0, 500_000.0, 1_000_000.0, 1_500_000.0]
        );
        assert_eq!(value_ticks(f64::NAN, 4), vec![0.0, 1.0]);
    }

    #[test]
    fn log_ticks_are_powers_of_ten() {
        // 15 ms to 60 s in µs: 10 ms .. 100 s.
        assert_eq!(
            log_ticks(15_000.0, 60_000_000.0),
            vec![1e4, 1e5, 1e6, 1e7, 1e8]
        );
        // Within one power: 2 and 5 between.
        assert_eq!(log_ticks(300.0, 700.0), vec![100.0, 200.0, 500.0, 1000.0]);
        // A power of ten exactly: its own tick, and one more above.
        assert_eq!(
            log_ticks(1000.0, 1000.0),
            vec![1000.0, 2000.0, 5000.0, 10_000.0]
        );
    }

    #[test]
    fn time_ticks_fall_on_round_utc_times() {
        // 10:03:20 to 11:58:20 (epoch 36,200 .. 43,100): 15 min steps give 8 ticks,
        // 10:15 .. 11:45.
        let (step, t) = time_ticks(36_200, 43_100, 8);
        assert_eq!(step, 900);
        assert_eq!(t.first(), Some(&36_900));
        assert_eq!(t.last(), Some(&42_300));
        assert_eq!(t.len(), 7);
        // A tick exactly at the start is kept.
        let (step, t) = time_ticks(3600, 7200, 8);
        assert_eq!(step, 600);
        assert_eq!(t, vec![3600, 4200, 4800, 5400, 6000, 6600, 7200]);
        // Three weeks: a week a tick.
        let (step, _) = time_ticks(0, 21 * 86_400, 8);
        assert_eq!(step, 604_800);
    }
}
