//! A run's requests split by log hour (`Config::keep_hours`, for a cumulative state's
//! hour buckets): each hour holds the requests logged in it, counted here from the lines'
//! own times, and several parsing threads (chunks parsed apart) give what one gives.

use axlog_engine::{Config, Outcome, summarize};
use axlog_input::Source;
use axlog_stats::StatsConfig;
use axlog_testgen::{Format, Limit};
use std::collections::BTreeMap;

/// About 6 MB of nginx-timed lines at two a second: several read chunks, over hours.
fn input() -> (tempfile::TempDir, std::path::PathBuf, Vec<u8>) {
    let data = axlog_testgen::generate(&axlog_testgen::Config {
        format: Format::NginxTimed,
        limit: Limit::Bytes(6_000_000),
        seed: 11,
        rate: 2.0,
        ..axlog_testgen::Config::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("access.log");
    std::fs::write(&path, &data).unwrap();
    (dir, path, data)
}

fn run(path: &std::path::Path, threads: usize) -> Outcome {
    let cfg = Config {
        threads,
        keep_hours: true,
        ..Config::default()
    };
    axlog_engine::run(&[Source::Path(path.to_path_buf())], &cfg, None)
}

/// Requests by `dd/Mon/yyyy:HH` of the lines' `[dd/Mon/yyyy:HH:MM:SS +0000]` (the
/// generator writes UTC), read without axlog.
fn by_hour(data: &[u8]) -> Vec<u64> {
    let mut hours: BTreeMap<String, u64> = BTreeMap::new();
    for line in String::from_utf8_lossy(data).lines() {
        let Some(at) = line.find('[') else { continue };
        let Some(stamp) = line.get(at + 1..at + 15) else {
            continue;
        };
        // A well-formed line: three quoted fields (request, referer, agent).
        let quoted = line.split('"').count() == 7;
        if quoted && line.contains("+0000]") {
            *hours.entry(stamp.to_string()).or_default() += 1;
        }
    }
    // Keys sort as times within one month, which the input spans.
    hours.into_values().collect()
}

#[test]
fn hours_hold_their_requests_whatever_the_threads() {
    let (_dir, path, data) = input();
    let want = by_hour(&data);
    assert!(want.len() >= 3, "{} hours", want.len());
    let one = run(&path, 1);
    let four = run(&path, 4);
    for out in [&one, &four] {
        let got: Vec<u64> = out
            .hours
            .iter()
            .map(|(_, t)| t.first().map_or(0, |a| a.requests()))
            .collect();
        assert_eq!(got, want);
        let starts: Vec<i64> = out.hours.iter().map(|(h, _)| *h).collect();
        assert!(starts.windows(2).all(|w| w[1] - w[0] == 3600), "{starts:?}");
        assert!(starts.iter().all(|h| h % 3600 == 0));
    }
    // The hours' summaries are the same with four threads as with one.
    let show = |o: &Outcome| -> Vec<String> {
        o.hours
            .iter()
            .map(|(_, t)| {
                let s = summarize(&[], t.clone(), &StatsConfig::default(), &Default::default());
                serde_json::to_string(&s).unwrap()
            })
            .collect()
    };
    assert_eq!(show(&one), show(&four));
}
