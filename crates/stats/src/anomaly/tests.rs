//! The detector on hand-built series whose answers each test works out itself.

use super::*;
use crate::contrib::{Cell, ContribDimension, KeyCells};
use crate::series_summary::{Gap, SeriesBucket, SeriesValues};

/// A bucket start on the minute grid.
const T0: i64 = 1_795_219_200;

/// A 60 s series of `(requests, 5xx, p99 µs)`.
fn series(values: &[(u64, u64, Option<u64>)]) -> SeriesSummary {
    SeriesSummary {
        bucket_s: 60,
        requested_bucket_s: None,
        zero_filled: true,
        buckets: values
            .iter()
            .enumerate()
            .map(|(i, &(requests, status_5xx, p99_us))| SeriesBucket {
                start: String::new(),
                start_epoch: T0 + 60 * i as i64,
                values: SeriesValues {
                    requests,
                    status_5xx,
                    p99_us,
                    ..SeriesValues::default()
                },
            })
            .collect(),
    }
}

fn flat(n: usize) -> Vec<(u64, u64, Option<u64>)> {
    vec![(100, 0, Some(100_000)); n]
}

fn run(s: &SeriesSummary) -> Anomalies {
    detect(
        &AnomalyConfig::default(),
        s,
        None,
        None,
        &Contributions::default(),
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * b.abs().max(1.0)
}

#[test]
fn one_spike_in_a_flat_series() {
    let mut v = flat(120);
    v[60].0 = 300;
    let a = run(&series(&v));
    assert_eq!(a.count, 1);
    let x = &a.anomalies[0];
    assert_eq!((x.kind.as_str(), x.metric.as_str()), ("spike", "requests"));
    assert_eq!(
        (x.start_epoch, x.end_epoch, x.seconds),
        (T0 + 3600, T0 + 3660, 60)
    );
    // Median 100, MAD 0: sigma is the Poisson floor sqrt(100) = 10; z = 200 / 10.
    assert_eq!((x.observed, x.baseline, x.score), (300.0, 100.0, 20.0));
    assert_eq!((x.band_low, x.band_high), (65.0, 135.0));
    assert!(!a.previous_day);
    assert_eq!(x.contributor, None);
}

#[test]
fn bounded_noise_is_no_event() {
    // Requests 100 ± 15 (a fixed pseudo-random sequence): any two differ by at most 30,
    // and the sigma is at least sqrt(85) > 9.2, so |z| < 3.3 < 3.5. The p99 varies by
    // less than 5%: ln differences below 0.1 against a floor of 0.1. No 5xx at all.
    let mut x: u64 = 12345;
    let v: Vec<_> = (0..1440)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = 85 + (x >> 33) % 31;
            let p = 100_000 + (x >> 40) % 4_000;
            (r, 0, Some(p))
        })
        .collect();
    let a = run(&series(&v));
    assert_eq!(a.count, 0, "{:?}", a.anomalies);
}

#[test]
fn a_5xx_burst() {
    let mut v: Vec<_> = vec![(100, 1, Some(100_000)); 120];
    v[50].1 = 20;
    let a = run(&series(&v));
    assert_eq!(a.count, 1);
    let x = &a.anomalies[0];
    assert_eq!((x.kind.as_str(), x.metric.as_str()), ("errors", "5xx_rate"));
    assert_eq!(x.start_epoch, T0 + 50 * 60);
    // Baseline 1%, MAD 0; floors sqrt(0.01 * 0.99 / 100) = 0.00995 and 1/100: sigma
    // 0.01, z = (0.20 - 0.01) / 0.01 = 19.
    assert!(close(x.observed, 0.2) && close(x.baseline, 0.01), "{x:?}");
    assert!(close(x.score, 19.0), "{}", x.score);
}

#[test]
fn five_errors_at_least() {
    // 4 of 20: a 20% rate from 0, but fewer than 5 5xx.
    let mut v: Vec<_> = vec![(20, 0, None); 120];
    v[50].1 = 4;
    assert_eq!(run(&series(&v)).count, 0);
}

#[test]
fn a_p99_jump() {
    let mut v = flat(120);
    v[70].2 = Some(1_000_000);
    let a = run(&series(&v));
    assert_eq!(a.count, 1);
    let x = &a.anomalies[0];
    assert_eq!((x.kind.as_str(), x.metric.as_str()), ("latency", "p99_us"));
    // ln(10) / 0.1 (the floor: MAD 0).
    assert!(close(x.score, 10f64.ln() / 0.1), "{}", x.score);
    assert_eq!(x.observed, 1_000_000.0);
    assert!(close(x.baseline, 100_000.0));
    // The band is e^(±3.5 × 0.1) around 100 ms.
    assert!(close(x.band_high, 100_000.0 * 0.35f64.exp()));
}

/// Tail counts for `flat`-like buckets: `past(i)` requests of bucket `i` at or above
/// every rung up to 256 ms (index 8), none above.
fn tails(n: usize, past: impl Fn(usize) -> u64) -> Tails {
    Tails {
        bucket_s: 60,
        buckets: (0..n)
            .map(|i| {
                let c = (0..TAIL_THRESHOLDS_US.len())
                    .map(|j| if j <= 8 { past(i) } else { 0 })
                    .collect();
                (T0 + 60 * i as i64, c)
            })
            .collect(),
    }
}

#[test]
fn a_p99_jump_is_latency_only_when_its_tail_count_passes_counting_noise() {
    let mut v = flat(120);
    v[70].2 = Some(1_000_000);
    let with = |t: &Tails| {
        detect_with_tails(
            &AnomalyConfig::default(),
            &series(&v),
            None,
            None,
            &Contributions::default(),
            Some(t),
        )
    };
    // The rung above 1.5 x 100 ms is 256 ms. Usually 1 request in 100 passes it; at
    // minute 70, 4 do: 2 (sqrt(4.375) - sqrt(1.375)) = 1.84, noise (and under 5).
    let few = tails(120, |i| if i == 70 { 4 } else { 1 });
    assert_eq!(with(&few).count, 0);
    // 7 where 1 is usual: 2 (sqrt(7.375) - sqrt(1.375)) = 3.09, still noise.
    assert_eq!(with(&tails(120, |i| if i == 70 { 7 } else { 1 })).count, 0);
    // 20: 2 (sqrt(20.375) - sqrt(1.375)) = 6.68, a latency anomaly with that score.
    let a = with(&tails(120, |i| if i == 70 { 20 } else { 1 }));
    assert_eq!(a.count, 1);
    let x = &a.anomalies[0];
    assert_eq!((x.kind.as_str(), x.start_epoch), ("latency", T0 + 60 * 70));
    let want = 2.0 * (20.375f64.sqrt() - 1.375f64.sqrt());
    assert!(close(x.score, want), "{} {want}", x.score);
}

#[test]
fn a_small_p99_rise_is_not_latency() {
    // 1.4 times: ln 1.4 = 0.34, z = 3.4 < 3.5; and under the 1.5x guard anyway.
    let mut v = flat(120);
    v[70].2 = Some(140_000);
    assert_eq!(run(&series(&v)).count, 0);
}

#[test]
fn an_outage_merged_with_its_gap_and_a_gap_of_its_own() {
    let mut v = flat(120);
    v[60].0 = 0;
    v[61].0 = 0;
    let s = series(&v);
    let gap = |start: i64, end: i64| Gap {
        start: String::new(),
        start_epoch: start,
        end: String::new(),
        end_epoch: end,
        seconds: (end - start) as u64,
    };
    let gaps = Gaps {
        min_seconds: 10,
        count: 2,
        gaps: vec![
            // The outage's silence, from 20 s before bucket 60 to 10 s after bucket 61.
            gap(T0 + 3600 - 20, T0 + 3720 + 10),
            // 15 s of silence in bucket 100, otherwise full.
            gap(T0 + 6000 + 30, T0 + 6000 + 45),
        ],
    };
    let a = detect(
        &AnomalyConfig::default(),
        &s,
        None,
        Some(&gaps),
        &Contributions::default(),
    );
    assert_eq!(a.count, 2, "{:?}", a.anomalies);
    let o = &a.anomalies[0];
    assert_eq!(o.kind, "outage");
    assert_eq!((o.start_epoch, o.end_epoch), (T0 + 3580, T0 + 3730));
    // 0 against 100 with sigma 10.
    assert_eq!((o.observed, o.baseline, o.score), (0.0, 100.0, -10.0));
    let g = &a.anomalies[1];
    assert_eq!((g.kind.as_str(), g.seconds), ("gap", 15));
    // 100 a minute over 15 s: 25 expected; sigma max(10/60 * 15, sqrt 25, 1) = 5.
    assert!(close(g.baseline, 25.0) && close(g.score, -5.0), "{g:?}");
}

#[test]
fn a_drop_and_the_partial_first_and_last_buckets() {
    let mut v = flat(120);
    v[0].0 = 30;
    v[119].0 = 30;
    v[40].0 = 40;
    let a = run(&series(&v));
    assert_eq!(a.count, 1);
    assert_eq!(
        (a.anomalies[0].kind.as_str(), a.anomalies[0].start_epoch),
        ("drop", T0 + 2400)
    );
    assert_eq!(a.anomalies[0].score, -6.0);
}

#[test]
fn the_previous_day_makes_a_daily_spike_a_pattern() {
    // Two days of minutes; a spike at 10:00 on both days, and one at 17:40 on day 2.
    let mut v = flat(2880);
    v[600].0 = 300;
    v[1440 + 600].0 = 300;
    v[1440 + 1060].0 = 300;
    let a = run(&series(&v));
    assert!(a.previous_day);
    let starts: Vec<i64> = a.anomalies.iter().map(|x| x.start_epoch).collect();
    // Day 1's spike has no previous day; day 2's at 10:00 repeats it; 17:40 is new.
    assert_eq!(starts, vec![T0 + 600 * 60, T0 + (1440 + 1060) * 60]);
}

#[test]
fn the_history_gives_the_previous_day() {
    let mut today = flat(120);
    today[60].0 = 300;
    let mut yesterday = flat(120);
    yesterday[60].0 = 300;
    let mut h = series(&yesterday);
    for b in &mut h.buckets {
        b.start_epoch -= 86_400;
    }
    let s = series(&today);
    let a = detect(
        &AnomalyConfig::default(),
        &s,
        Some(&h),
        None,
        &Contributions::default(),
    );
    assert!(a.previous_day);
    assert_eq!(a.count, 0);
    // Without it, the spike.
    assert_eq!(run(&s).count, 1);
}

#[test]
fn min_duration_and_threshold() {
    let mut v = flat(120);
    v[60].0 = 300;
    let s = series(&v);
    let long = AnomalyConfig {
        min_duration_s: 120,
        ..AnomalyConfig::default()
    };
    assert_eq!(
        detect(&long, &s, None, None, &Contributions::default()).count,
        0
    );
    // z = 20: a threshold of 25 lets it pass.
    let high = AnomalyConfig {
        threshold: 25.0,
        ..AnomalyConfig::default()
    };
    assert_eq!(
        detect(&high, &s, None, None, &Contributions::default()).count,
        0
    );
    // Under 20 requests a spike is not judged (min 500 here).
    let big = AnomalyConfig {
        min_requests: 500,
        ..AnomalyConfig::default()
    };
    assert_eq!(
        detect(&big, &s, None, None, &Contributions::default()).count,
        0
    );
}

/// A dimension whose keys have `per_bucket(key, bucket)` cells over `n` buckets.
fn dim(
    name: &str,
    keys: &[&str],
    n: usize,
    cell: impl Fn(usize, usize) -> Cell,
) -> ContribDimension {
    ContribDimension {
        name: name.into(),
        keys: keys
            .iter()
            .enumerate()
            .map(|(k, key)| KeyCells {
                key: (*key).into(),
                cells: (0..n)
                    .map(|i| (T0 + 60 * i as i64, cell(k, i)))
                    .filter(|(_, c)| c.requests > 0)
                    .collect(),
            })
            .collect(),
        untracked_requests: 0,
    }
}

fn req(n: u64) -> Cell {
    Cell {
        requests: n,
        ..Cell::default()
    }
}

#[test]
fn the_contributor_with_the_largest_share() {
    // 100 a minute: /a 50 + /b 50, servers s1 60 + s2 40. At minute 60, 300:
    // /a 160, /b 140; s1 240, s2 60.
    let mut v = flat(120);
    v[60].0 = 300;
    let c = Contributions {
        width_s: 60,
        dimensions: vec![
            dim("source", &["web1"], 120, |_, i| {
                req(if i == 60 { 300 } else { 100 })
            }),
            dim("endpoint", &["/a", "/b"], 120, |k, i| {
                req(match (k, i == 60) {
                    (0, true) => 160,
                    (_, true) => 140,
                    _ => 50,
                })
            }),
            dim("server", &["s1", "s2"], 120, |k, i| {
                req(match (k, i == 60) {
                    (0, true) => 240,
                    (0, false) => 60,
                    (_, true) => 60,
                    _ => 40,
                })
            }),
        ],
    };
    let a = detect(&AnomalyConfig::default(), &series(&v), None, None, &c);
    let who = a.anomalies[0].contributor.clone().unwrap();
    // The departure is 300 - 100 = 200: the one source's is all of it (1.0), but a
    // dimension of one key explains every anomaly and names none; s1's is 180 (0.9),
    // /a's 110 (0.55). s1 has it, observed 240 against 60.
    assert_eq!((who.dimension.as_str(), who.key.as_str()), ("server", "s1"));
    assert!(close(who.share, 0.9) && who.observed == 240.0 && who.baseline == 60.0);
    // Two sources, web1 with all of the rise: web1's 1.0 is the largest share.
    let mut c2 = c.clone();
    c2.dimensions[0] = dim("source", &["web1", "web2"], 120, |k, i| {
        req(match (k, i == 60) {
            (0, true) => 250,
            (0, false) => 50,
            _ => 50,
        })
    });
    let a = detect(&AnomalyConfig::default(), &series(&v), None, None, &c2);
    let who = a.anomalies[0].contributor.clone().unwrap();
    assert_eq!(
        (who.dimension.as_str(), who.key.as_str()),
        ("source", "web1")
    );
    assert!(close(who.share, 1.0));
    // Without the sources: s1 again.
    let c2 = Contributions {
        width_s: 60,
        dimensions: c.dimensions[1..].to_vec(),
    };
    let a = detect(&AnomalyConfig::default(), &series(&v), None, None, &c2);
    let who = a.anomalies[0].contributor.clone().unwrap();
    assert_eq!((who.dimension.as_str(), who.key.as_str()), ("server", "s1"));
    assert!(close(who.share, 0.9) && who.observed == 240.0 && who.baseline == 60.0);
    // Endpoints only: /a's 0.55.
    let c3 = Contributions {
        width_s: 60,
        dimensions: c.dimensions[1..2].to_vec(),
    };
    let a = detect(&AnomalyConfig::default(), &series(&v), None, None, &c3);
    let who = a.anomalies[0].contributor.clone().unwrap();
    assert_eq!(who.key, "/a");
    assert!(close(who.share, 0.55));
}

#[test]
fn no_contributor_below_half() {
    // Three endpoints rising alike: each a third of the departure.
    let mut v = flat(120);
    v[60].0 = 400;
    let c = Contributions {
        width_s: 60,
        dimensions: vec![dim("endpoint", &["/a", "/b", "/c"], 120, |k, i| {
            req(match (k, i == 60) {
                (0, _) if i != 60 => 34,
                (_, false) => 33,
                (0, true) => 134,
                _ => 133,
            })
        })],
    };
    let a = detect(&AnomalyConfig::default(), &series(&v), None, None, &c);
    assert_eq!(a.count, 1);
    assert_eq!(a.anomalies[0].contributor, None);
}

#[test]
fn the_errors_contributor() {
    // /a: 50 requests, no 5xx; /b: 50 requests, 1 5xx. Minute 50: /a 15 5xx, /b 5.
    let mut v: Vec<_> = vec![(100, 1, None); 120];
    v[50].1 = 20;
    let cell = |req: u64, e: u64| Cell {
        requests: req,
        status_5xx: e,
        ..Cell::default()
    };
    let c = Contributions {
        width_s: 60,
        dimensions: vec![dim("endpoint", &["/a", "/b"], 120, |k, i| {
            match (k, i == 50) {
                (0, false) => cell(50, 0),
                (0, true) => cell(50, 15),
                (_, false) => cell(50, 1),
                _ => cell(50, 5),
            }
        })],
    };
    let a = detect(&AnomalyConfig::default(), &series(&v), None, None, &c);
    assert_eq!(a.anomalies[0].kind, "errors");
    let who = a.anomalies[0].contributor.clone().unwrap();
    // Expected 5xx at 1%: 1 of 100; departure 19. /a's: 15 against a rate of 0.
    assert_eq!(who.key, "/a");
    assert!(close(who.share, 15.0 / 19.0) && who.observed == 15.0 && who.baseline == 0.0);
}

#[test]
fn the_latency_contributor() {
    // /a: 50 requests at 10 ms; /b: 50 at 10 ms. Minute 70: /b at 1 s.
    let mut v = flat(120);
    v[70].2 = Some(1_000_000);
    let cell = |mean: u64| Cell {
        requests: 50,
        latency_count: 50,
        latency_sum_us: 50 * mean,
        ..Cell::default()
    };
    let c = Contributions {
        width_s: 60,
        dimensions: vec![dim("endpoint", &["/a", "/b"], 120, |k, i| {
            match (k, i == 70) {
                (1, true) => cell(1_000_000),
                _ => cell(10_000),
            }
        })],
    };
    let a = detect(&AnomalyConfig::default(), &series(&v), None, None, &c);
    let who = a.anomalies[0].contributor.clone().unwrap();
    // /b's excess: 50 × (1 s - 10 ms); /a's none: all of it.
    assert_eq!(who.key, "/b");
    assert!(close(who.share, 1.0) && who.observed == 1_000_000.0 && who.baseline == 10_000.0);
}

#[test]
fn no_panic_on_odd_series() {
    let none = Contributions::default();
    let cfg = AnomalyConfig::default();
    for v in [
        vec![],
        vec![(5, 5, Some(0))],
        vec![(0, 0, None); 50],
        vec![(u64::MAX, u64::MAX, Some(u64::MAX)); 30],
    ] {
        let a = detect(&cfg, &series(&v), None, None, &none);
        assert_eq!(a.count, 0);
    }
    let mut zero_width = series(&flat(20));
    zero_width.bucket_s = 0;
    assert_eq!(detect(&cfg, &zero_width, None, None, &none).count, 0);
    // Sparse buckets (not zero-filled) are put on their grid; a silent hour between
    // two busy ones. Every figure stays a number.
    let mut sparse = series(&flat(40));
    for b in sparse.buckets.iter_mut().skip(20) {
        b.start_epoch += 3600;
    }
    let a = detect(&cfg, &sparse, None, None, &none);
    for x in &a.anomalies {
        assert!(x.score.is_finite() && x.baseline.is_finite() && x.observed.is_finite());
    }
}

#[test]
fn at_most_100_listed() {
    // A spike every 3 minutes over a day: 480, all of them listed as count.
    let mut v = flat(1440);
    for i in (1..1440).step_by(3) {
        v[i].0 = 1000;
    }
    let a = run(&series(&v));
    assert_eq!(a.count, 480);
    assert_eq!(a.anomalies.len(), 100);
    assert_eq!(a.anomalies[0].start_epoch, T0 + 60);
}
