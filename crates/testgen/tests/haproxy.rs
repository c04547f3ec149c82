//! haproxy-http output checked with the independent parser in `common`.

mod common;

use std::collections::{HashMap, HashSet};

use axlog_testgen::{Config, DEFAULT_START, Format, Limit, generate};
use common::{Bad, classify_bad, lines, parse_clf_time, parse_haproxy};

fn syslog_secs(ts: &str, year: i64) -> i64 {
    // "Nov 21 00:00:01" -> local epoch seconds in `year`.
    let day = ts[4..6].trim_start();
    let clf = format!("{:0>2}/{}/{year}:{}", day, &ts[0..3], &ts[7..15]);
    parse_clf_time(&clf).unwrap()
}

#[test]
fn haproxy_100k_lines_layout_and_features() {
    let out = generate(&Config {
        format: Format::HaproxyHttp,
        limit: Limit::Lines(100_000),
        ..Config::default()
    });
    let mut bad: HashMap<Bad, usize> = HashMap::new();
    let (mut n, mut valid) = (0, 0);
    let mut terms: HashMap<String, usize> = HashMap::new();
    let mut status: HashMap<u16, usize> = HashMap::new();
    let (mut fronts, mut backs, mut servers) = (HashSet::new(), HashSet::new(), HashSet::new());
    let (mut nosrv, mut one_block, mut two_blocks, mut minus1, mut ipv6, mut retries, mut queued) =
        (0, 0, 0, 0, 0, 0, 0);
    let (mut esc_req, mut esc_cap, mut late) = (0, 0, 0);
    let mut prev_syslog = i64::MIN;
    for l in lines(&out) {
        n += 1;
        let h = match parse_haproxy(l) {
            Ok(h) => h,
            Err(e) => {
                let kind = classify_bad(l);
                if kind == Bad::Truncated {
                    // A prefix of a line, cut before the status code.
                    let s = String::from_utf8_lossy(l);
                    assert!("Nov 21 0".starts_with(&s[..s.len().min(8)]), "{e}: {s}");
                    assert!(!l.contains(&b'"'), "{s}");
                    assert!(s.split(' ').count() <= 10, "{s}");
                }
                if kind == Bad::Garbage {
                    assert!(
                        (20..=200).contains(&l.len()) && !l.contains(&b'[') && !l.contains(&b'\r')
                    );
                }
                *bad.entry(kind).or_default() += 1;
                continue;
            }
        };
        valid += 1;
        // Syslog time is the (monotonic) clock; the accept date precedes it.
        let sys = syslog_secs(&h.syslog_ts, 2026);
        assert!(sys >= prev_syslog, "syslog time went back");
        prev_syslog = sys;
        assert!(sys >= DEFAULT_START);
        assert!(h.accept_ms >= DEFAULT_START * 1000);
        assert!(
            h.accept_ms < (sys + 1) * 1000,
            "accept after log: {}",
            String::from_utf8_lossy(l)
        );
        let ta = h.timers[4];
        assert!(ta >= 0);
        assert!(
            h.accept_ms >= (sys - 121) * 1000 - ta,
            "{}",
            String::from_utf8_lossy(l)
        );
        if h.accept_ms < sys * 1000 - ta - 1000 {
            late += 1;
        }
        let sum: i64 = h.timers[..4].iter().filter(|&&t| t >= 0).sum();
        assert!(ta >= sum, "Ta < sum: {}", String::from_utf8_lossy(l));
        if h.timers.contains(&-1) {
            minus1 += 1;
        }
        assert!(h.conns[0] >= h.conns[1] && h.conns[1] >= h.conns[2] && h.conns[2] >= h.conns[3]);
        if h.conns[4] > 0 {
            retries += 1;
        }
        if h.queues != [0, 0] {
            queued += 1;
            assert!(h.timers[1] > 0);
        }
        if h.server == "<NOSRV>" {
            nosrv += 1;
            assert!(matches!(h.status, 503 | 403), "{}", h.status);
            assert!(matches!(h.term.as_str(), "SC--" | "PR--"));
            assert_eq!(h.conns[3], 0);
        } else {
            servers.insert(h.server.clone());
        }
        fronts.insert(h.frontend.clone());
        backs.insert(h.backend.clone());
        *terms.entry(h.term.clone()).or_default() += 1;
        *status.entry(h.status).or_default() += 1;
        match h.captures.len() {
            0 => {}
            1 => one_block += 1,
            2 => two_blocks += 1,
            k => panic!("{k} capture blocks"),
        }
        if let Some(c) = h.captures.first() {
            assert_eq!(c.matches('|').count(), 1, "{c}");
            if c.contains("#22") {
                esc_cap += 1;
            }
        }
        if h.request.contains("#22") {
            esc_req += 1;
        }
        if h.client.matches(':').count() > 1 {
            ipv6 += 1;
        }
    }
    let bad_total: usize = bad.values().sum();
    eprintln!(
        "valid {valid} bad {bad:?} terms {terms:?} nosrv {nosrv} blocks {one_block}/{two_blocks} minus1 {minus1} \
         ipv6 {ipv6} retries {retries} queued {queued} late {late} esc {esc_req}/{esc_cap} 200 {}",
        status[&200]
    );
    assert_eq!(n, 100_000);
    for kind in [Bad::Empty, Bad::Garbage, Bad::Truncated] {
        assert!(bad.get(&kind).copied().unwrap_or(0) > 0, "no {kind:?} line");
    }
    assert!(bad_total < 200);
    for t in ["----", "CD--", "cD--", "SH--", "sH--", "SC--", "PR--"] {
        assert!(terms.contains_key(t), "no {t}");
    }
    assert!(terms["----"] > 95_000);
    assert!(nosrv > 0 && minus1 > nosrv);
    assert!(one_block > 5_000 && two_blocks > 2_000 && one_block > two_blocks);
    assert_eq!(
        fronts,
        HashSet::from(["www".to_string(), "www~".to_string()])
    );
    assert_eq!(
        backs,
        HashSet::from(["app", "static", "api"].map(String::from))
    );
    assert_eq!(
        servers,
        (1..=8).map(|i| format!("web{i}")).collect::<HashSet<_>>()
    );
    assert!((7_000..13_000).contains(&ipv6));
    assert!(retries > 1_000 && queued > 500);
    assert!(late > 1_000);
    assert!(esc_req > 0 && esc_cap > 0);
    let s200 = status[&200];
    assert!((74_000..86_000).contains(&s200), "{s200}");
}

#[test]
fn syslog_day_is_space_padded() {
    let start = axlog_testgen::days_from_civil(2026, 12, 5) * 86_400;
    let out = generate(&Config {
        format: Format::HaproxyHttp,
        limit: Limit::Lines(100),
        start_epoch_s: start,
        ..Config::default()
    });
    let first = lines(&out)
        .into_iter()
        .find_map(|l| parse_haproxy(l).ok())
        .unwrap();
    assert!(
        first.syslog_ts.starts_with("Dec  5 00:00:"),
        "{}",
        first.syslog_ts
    );
    assert!(String::from_utf8_lossy(&out).contains(" [05/Dec/2026:00:00:"));
}
