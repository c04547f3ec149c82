//! nginx-timed / nginx-combined output checked line by line with the
//! independent splitter in `common`.

mod common;

use std::collections::{HashMap, HashSet};

use axlog_testgen::{Config, DEFAULT_START, Format, Limit, generate};
use common::{Bad, classify_bad, lines, parse_nginx};

fn cfg(format: Format, limit: Limit) -> Config {
    Config {
        format,
        limit,
        ..Config::default()
    }
}

#[test]
fn deterministic_and_seed_dependent() {
    for format in [
        Format::NginxCombined,
        Format::NginxTimed,
        Format::HaproxyHttp,
        Format::IngressUpstreaminfo,
    ] {
        let a = generate(&cfg(format, Limit::Lines(20_000)));
        let b = generate(&cfg(format, Limit::Lines(20_000)));
        assert_eq!(a, b, "{format}");
        let c = generate(&Config {
            seed: 2,
            ..cfg(format, Limit::Lines(20_000))
        });
        assert_ne!(a, c, "{format}");
        // Different seeds differ from the very first lines, not just late on.
        assert_ne!(a[..2_000], c[..2_000]);
    }
}

#[test]
fn exact_line_counts() {
    for format in [
        Format::NginxCombined,
        Format::NginxTimed,
        Format::HaproxyHttp,
        Format::IngressUpstreaminfo,
    ] {
        for n in [0u64, 1, 2, 999, 54_321] {
            let out = generate(&cfg(format, Limit::Lines(n)));
            assert_eq!(
                out.iter().filter(|&&b| b == b'\n').count() as u64,
                n,
                "{format} {n}"
            );
            if n > 0 {
                assert_eq!(out.last(), Some(&b'\n'));
            }
        }
    }
}

#[test]
fn byte_limit_stops_at_first_line_end_past_it() {
    for format in [
        Format::NginxCombined,
        Format::NginxTimed,
        Format::HaproxyHttp,
        Format::IngressUpstreaminfo,
    ] {
        for limit in [1u64, 1_000, 3_000_000] {
            let out = generate(&cfg(format, Limit::Bytes(limit)));
            assert!(out.len() as u64 >= limit, "{format} {limit}: {}", out.len());
            assert_eq!(out.last(), Some(&b'\n'));
            // Without its last line the output is still short of the limit.
            let before_last = out[..out.len() - 1]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            assert!(
                (before_last as u64) < limit,
                "{format} {limit}: one line too many"
            );
        }
    }
}

#[test]
fn tz_offset_and_start_are_applied() {
    let start = DEFAULT_START + 3_600 * 5 + 7;
    let out = generate(&Config {
        tz_offset_min: -480,
        start_epoch_s: start,
        ..cfg(Format::NginxCombined, Limit::Lines(50))
    });
    let first = lines(&out)
        .into_iter()
        .find_map(|l| parse_nginx(l, false).ok())
        .unwrap();
    assert_eq!(first.tz, "-0800");
    // 2026-11-21T05:00:07Z is 2026-11-20 21:00:07 at -08:00.
    assert_eq!(first.ts, start - 8 * 3_600);
    let out = generate(&Config {
        tz_offset_min: 330,
        ..cfg(Format::NginxCombined, Limit::Lines(5))
    });
    assert!(String::from_utf8_lossy(&out).contains("[21/Nov/2026:05:30:00 +0530]"));
}

#[test]
fn combined_has_no_times() {
    let out = generate(&cfg(Format::NginxCombined, Limit::Lines(20_000)));
    let mut ok = 0;
    for l in lines(&out) {
        if parse_nginx(l, false).is_ok() {
            ok += 1;
        } else {
            assert!(parse_nginx(l, true).is_err());
        }
    }
    assert!(ok > 19_900, "{ok}");
}

#[derive(Default)]
struct Stats {
    n: usize,
    valid: usize,
    bad: HashMap<Bad, usize>,
    tls: usize,
    ipv6: usize,
    query: usize,
    retry: usize,
    redirect: usize,
    dash_alone: usize,
    dash_in_list: usize,
    three_attempts: usize,
    status: HashMap<u16, usize>,
    methods: HashMap<String, usize>,
    protos: HashMap<String, usize>,
    ua_quote: usize,
    ua_dash: usize,
    ua_utf8: usize,
    users: usize,
    referer_url: usize,
    late: usize,
    very_late: usize,
    max_lag: i64,
    rts: Vec<u64>,
    max_bytes: u64,
    ips: HashMap<String, usize>,
    paths: HashSet<String>,
}

#[test]
fn nginx_timed_200k_lines_layout_and_features() {
    let out = generate(&cfg(Format::NginxTimed, Limit::Lines(200_000)));
    let mut s = Stats::default();
    let mut clock = i64::MIN;
    for l in lines(&out) {
        s.n += 1;
        let r = match parse_nginx(l, true) {
            Ok(r) => r,
            Err(e) => {
                let kind = classify_bad(l);
                match kind {
                    Bad::Garbage => {
                        assert!((20..=200).contains(&l.len()), "garbage length {}", l.len());
                        assert!(!l.contains(&b'['), "garbage with [");
                        assert!(!l.contains(&b'\r'));
                    }
                    Bad::Truncated => {
                        // Cut before the request's closing quote.
                        assert!(
                            l.iter().filter(|&&b| b == b'"').count() <= 1,
                            "{e}: {}",
                            String::from_utf8_lossy(l)
                        );
                        assert!(l[0].is_ascii_hexdigit(), "{}", String::from_utf8_lossy(l));
                        assert!(!l.contains(&b'\r'));
                    }
                    Bad::Empty => {}
                }
                *s.bad.entry(kind).or_default() += 1;
                continue;
            }
        };
        s.valid += 1;
        assert!(r.ts >= DEFAULT_START, "before the start");
        assert_eq!(r.tz, "+0000");
        // The clock is the latest timestamp seen; lines lag it by <= 120 s.
        clock = clock.max(r.ts);
        let lag = clock - r.ts;
        assert!(lag <= 120, "lag {lag}");
        s.max_lag = s.max_lag.max(lag);
        if lag > 0 {
            s.late += 1;
        }
        if lag > 5 {
            s.very_late += 1;
        }
        *s.status.entry(r.status).or_default() += 1;
        if r.method.is_none() {
            s.tls += 1;
            assert_eq!(r.status, 400);
            assert_eq!(r.upstream.as_deref(), Some("-"));
            continue;
        }
        *s.methods.entry(r.method.clone().unwrap()).or_default() += 1;
        *s.protos.entry(r.proto.clone()).or_default() += 1;
        *s.ips.entry(r.ip.clone()).or_default() += 1;
        s.paths.insert(r.uri.split('?').next().unwrap().to_string());
        if r.ip.contains(':') {
            s.ipv6 += 1;
        }
        if r.uri.contains('?') {
            s.query += 1;
        }
        if r.user != "-" {
            s.users += 1;
        }
        if r.referer != "-" {
            s.referer_url += 1;
        }
        if r.ua.contains("\\x22") {
            s.ua_quote += 1;
        }
        if r.ua.contains("\\xC3\\xA9") {
            s.ua_utf8 += 1;
        }
        if r.ua == "-" {
            s.ua_dash += 1;
        }
        if matches!(r.status, 204 | 304) || r.method.as_deref() == Some("HEAD") {
            assert_eq!(r.bytes, 0, "{}", String::from_utf8_lossy(l));
        }
        s.max_bytes = s.max_bytes.max(r.bytes);
        s.rts.push(r.rt_ms.unwrap());
        let up = r.upstream.as_deref().unwrap();
        if up == "-" {
            s.dash_alone += 1;
        } else {
            if r.up_seps.iter().any(|x| x == ", ") {
                s.retry += 1;
                assert!(r.up_seps.iter().all(|x| x == ", "));
            }
            if r.up_seps.iter().any(|x| x == " : ") {
                s.redirect += 1;
            }
            if r.up_attempts.len() > 1 && r.up_attempts.contains(&None) {
                s.dash_in_list += 1;
            }
            if r.up_attempts.len() == 3 {
                s.three_attempts += 1;
            }
            assert!(r.up_attempts.len() == 1 || !r.up_seps.is_empty());
        }
    }
    let n = s.n as f64;
    let share = |x: usize| x as f64 / n;
    let st = |c: u16| s.status.get(&c).copied().unwrap_or(0);
    let bad_total: usize = s.bad.values().sum();
    s.rts.sort_unstable();
    let median_rt = s.rts[s.rts.len() / 2];
    let get = s.methods["GET"];
    let top_ip = s.ips.values().max().copied().unwrap();
    eprintln!(
        "valid {} bad {:?} tls {} ipv6 {:.4} query {:.4} retry {:.4} redirect {:.4} dash {:.4} dash_in_list {} three {} \
         200 {:.4} 304 {:.4} 4xx {:.4} 429+499 {:.4} 5xx {:.4} GET {:.4} late {:.4} very_late {} max_lag {} \
         median_rt {} max_rt {} max_bytes {} ua_quote {} users {} referer {:.3} top_ip {:.4} paths {}",
        s.valid,
        s.bad,
        s.tls,
        share(s.ipv6),
        share(s.query),
        share(s.retry),
        share(s.redirect),
        share(s.dash_alone),
        s.dash_in_list,
        s.three_attempts,
        share(st(200)),
        share(st(304)),
        share(st(400) + st(401) + st(403) + st(404)),
        share(st(429) + st(499)),
        share(st(500) + st(502) + st(503) + st(504)),
        get as f64 / n,
        share(s.late),
        s.very_late,
        s.max_lag,
        median_rt,
        s.rts.last().unwrap(),
        s.max_bytes,
        s.ua_quote,
        s.users,
        share(s.referer_url),
        share(top_ip),
        s.paths.len()
    );
    eprintln!("methods {:?} protos {:?}", s.methods, s.protos);

    assert_eq!(s.n, 200_000);
    // Malformed lines: every kind, rare in total.
    for kind in [Bad::Empty, Bad::Garbage, Bad::Truncated] {
        assert!(
            s.bad.get(&kind).copied().unwrap_or(0) > 0,
            "no {kind:?} line"
        );
    }
    assert!(share(bad_total) < 0.002, "{bad_total}");
    assert!(share(bad_total) > 0.0002, "{bad_total}");
    assert!(s.tls > 0, "no TLS line");
    // Features and their approximate shares.
    assert!((0.07..0.13).contains(&share(s.ipv6)));
    assert!((0.18..0.32).contains(&share(s.query)));
    assert!((0.02..0.045).contains(&share(s.retry)));
    assert!((0.002..0.009).contains(&share(s.redirect)));
    assert!((0.01..0.035).contains(&share(s.dash_alone)));
    assert!(s.dash_in_list > 0 && s.three_attempts > 0);
    assert!(st(499) > 0 && st(429) > 0);
    assert!((0.72..0.84).contains(&share(st(200))));
    assert!((0.04..0.08).contains(&share(st(304))));
    assert!((0.03..0.06).contains(&share(st(400) + st(401) + st(403) + st(404))));
    assert!((0.007..0.015).contains(&share(st(429) + st(499))));
    assert!((0.01..0.025).contains(&share(st(500) + st(502) + st(503) + st(504))));
    for c in [201, 204, 206, 301, 302, 500, 502, 503, 504] {
        assert!(st(c) > 0, "no {c}");
    }
    assert!((0.80..0.90).contains(&(get as f64 / n)));
    for m in common::METHODS {
        assert!(s.methods.contains_key(m), "no {m}");
    }
    for p in ["HTTP/1.0", "HTTP/1.1", "HTTP/2.0"] {
        assert!(s.protos.contains_key(p), "no {p}");
    }
    assert!(s.protos["HTTP/1.1"] > s.protos["HTTP/2.0"]);
    assert!(s.ua_quote > 0 && s.ua_dash > 0 && s.ua_utf8 > 0);
    assert!(s.users > 0 && s.users < s.valid / 20);
    assert!((0.2..0.7).contains(&share(s.referer_url)));
    // Out of order: ~5% late by 1-5 s, a few up to 120 s.
    assert!((0.03..0.08).contains(&share(s.late)));
    assert!(s.very_late > 0 && s.max_lag > 30);
    // Heavy tails.
    assert!((5..200).contains(&median_rt));
    assert!(*s.rts.last().unwrap() > 10_000);
    assert!(s.max_bytes > 10_000_000);
    // Skewed clients: a heavy hitter, and many distinct addresses.
    assert!(share(top_ip) > 0.03);
    assert!(s.ips.len() > 5_000);
    assert!(s.paths.len() > 1_000);
}

/// Lines per second of the simulated clock (by logged timestamp).
fn per_second(out: &[u8], timed: bool) -> (i64, Vec<u32>) {
    let ts: Vec<i64> = lines(out)
        .into_iter()
        .filter_map(|l| parse_nginx(l, timed).ok())
        .map(|r| r.ts)
        .collect();
    let (lo, hi) = (*ts.iter().min().unwrap(), *ts.iter().max().unwrap());
    let mut c = vec![0u32; (hi - lo + 1) as usize];
    for t in ts {
        c[(t - lo) as usize] += 1;
    }
    (lo, c)
}

#[test]
fn rate_follows_the_day() {
    let out = generate(&Config {
        rate: 2.0,
        ..cfg(Format::NginxCombined, Limit::Lines(200_000))
    });
    let (lo, c) = per_second(&out, false);
    // The first simulated seconds may be empty (about 1 request/s at 00:00).
    assert!((DEFAULT_START..DEFAULT_START + 30).contains(&lo), "{lo}");
    assert!(c.len() > 86_400, "{} s simulated", c.len());
    let hour = |h: usize| {
        c[h * 3600..(h + 1) * 3600]
            .iter()
            .map(|&x| u64::from(x))
            .sum::<u64>()
    };
    let (night, peak) = (hour(3), hour(15));
    eprintln!("03:00 {night} 15:00 {peak}");
    // Expected 0.3 x 7200 and 1.7 x 7200 (bursts add a little).
    assert!((1_700..3_200).contains(&night), "{night}");
    assert!((11_000..14_000).contains(&peak), "{peak}");
    // About `rate` on average over the day.
    let day: u64 = c[..86_400].iter().map(|&x| u64::from(x)).sum();
    assert!((160_000..190_000).contains(&day), "{day}");
}

#[test]
fn bursts_and_gaps() {
    let out = generate(&Config {
        rate: 20.0,
        ..cfg(Format::NginxCombined, Limit::Lines(200_000))
    });
    let (_, c) = per_second(&out, false);
    let (mut bursts, mut gaps) = (0, 0);
    let mut i = 60;
    while i + 60 < c.len() {
        let around: u32 = c[i - 60..i - 10].iter().chain(&c[i + 10..i + 60]).sum();
        let mean = f64::from(around) / 100.0;
        if f64::from(c[i]) > 4.0 * mean && mean > 3.0 {
            bursts += 1;
            i += 10;
            continue;
        }
        if mean > 3.0 && c[i] == 0 && c[i + 1] == 0 {
            gaps += 1;
            i += 10;
            continue;
        }
        i += 1;
    }
    eprintln!("{} s, {bursts} bursts, {gaps} gaps", c.len());
    assert!(bursts >= 3, "{bursts}");
    assert!(gaps >= 3, "{gaps}");
}

#[test]
fn short_runs_already_have_gaps_and_tls_lines() {
    // Downstream tests check gap and TLS handling on ~25 simulated minutes.
    for seed in [1, 20_261_122] {
        let out = generate(&Config {
            seed,
            tz_offset_min: 120,
            ..cfg(Format::NginxTimed, Limit::Lines(150_000))
        });
        let (_, c) = per_second(&out, true);
        let empty = c.iter().filter(|&&x| x == 0).count();
        let tls = lines(&out)
            .into_iter()
            .filter_map(|l| parse_nginx(l, true).ok())
            .filter(|r| r.method.is_none())
            .count();
        eprintln!("seed {seed}: {} s, {empty} empty, {tls} TLS", c.len());
        assert!(empty >= 5, "seed {seed}: {empty}");
        assert!(tls > 0);
    }
}
