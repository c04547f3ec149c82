//! ingress-upstreaminfo output checked line by line with the independent
//! splitter in `common` (written from ingress-nginx's `upstreaminfo`
//! definition, the one axlog's `ingress-upstreaminfo` preset reads).

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use axlog_testgen::{Config, Format, Limit, generate};
use common::{Bad, classify_bad, lines, parse_ingress};

fn ingress(lines: u64, seed: u64) -> Vec<u8> {
    generate(&Config {
        format: Format::IngressUpstreaminfo,
        limit: Limit::Lines(lines),
        seed,
        ..Config::default()
    })
}

#[test]
fn ingress_100k_lines_layout_and_features() {
    let out = ingress(100_000, 1);
    let (mut n, mut valid, mut tls, mut none) = (0usize, 0usize, 0, 0);
    let (mut retried, mut redirected, mut three) = (0usize, 0usize, 0);
    let mut bad: HashMap<Bad, usize> = HashMap::new();
    let mut ids = HashSet::new();
    // Address -> the upstream names it served; name -> its addresses.
    let mut names_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pods_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Failed attempts per address, and their statuses.
    let mut failed_at: BTreeMap<String, usize> = BTreeMap::new();
    let mut failed_status: BTreeMap<u16, usize> = BTreeMap::new();
    let (mut get_len, mut write_len) = (vec![], vec![]);
    for l in lines(&out) {
        n += 1;
        let (h, u) = match parse_ingress(l) {
            Ok(x) => x,
            Err(e) => {
                let kind = classify_bad(l);
                if kind == Bad::Truncated {
                    // Cut before the request's closing quote.
                    assert!(
                        l.iter().filter(|&&b| b == b'"').count() <= 1,
                        "{e}: {}",
                        String::from_utf8_lossy(l)
                    );
                }
                *bad.entry(kind).or_default() += 1;
                continue;
            }
        };
        valid += 1;
        let show = String::from_utf8_lossy(l);
        assert!(ids.insert(u.req_id.clone()), "repeated req_id: {show}");
        assert!(u.rt_ms >= u.attempts.iter().filter_map(|a| a.2).sum::<u64>());
        let Some(method) = h.method.as_deref() else {
            // The TLS handshake nginx answered itself.
            tls += 1;
            assert_eq!((h.status, u.upstream_name.as_str()), (400, ""), "{show}");
            assert!(u.attempts.is_empty(), "{show}");
            continue;
        };
        assert!(
            ["default-api-80", "default-web-80", "default-static-80"]
                .contains(&u.upstream_name.as_str()),
            "{show}"
        );
        if h.uri.starts_with("/api/") {
            assert_eq!(u.upstream_name, "default-api-80", "{show}");
        }
        if h.uri.starts_with("/static/") {
            assert_eq!(u.upstream_name, "default-static-80", "{show}");
        }
        // The request line and user agent are part of what the client sent.
        let shown = method.len() + 1 + h.uri.len() + 1 + h.proto.len() + h.ua.len();
        assert!(u.request_length as usize >= shown, "{show}");
        match method {
            "GET" => get_len.push(u.request_length),
            "POST" | "PUT" | "PATCH" => write_len.push(u.request_length),
            _ => {}
        }
        let k = u.attempts.len();
        if k == 0 {
            none += 1;
            continue;
        }
        assert_eq!(u.seps.len(), k - 1);
        let redirect = u.seps.iter().any(|s| s == " : ");
        if redirect {
            redirected += 1;
            assert!(u.seps.iter().all(|s| s == " : "), "{show}");
        } else if k > 1 {
            retried += 1;
        }
        three += usize::from(k == 3);
        for (i, (addr, len, time, status)) in u.attempts.iter().enumerate() {
            assert!(addr.starts_with("10.244."), "{show}");
            names_of
                .entry(addr.clone())
                .or_default()
                .insert(u.upstream_name.clone());
            pods_of
                .entry(u.upstream_name.clone())
                .or_default()
                .insert(addr.clone());
            if i > 0 {
                assert_ne!(addr, &u.attempts[i - 1].0, "tried the same pod: {show}");
            }
            if i + 1 == k {
                // The last attempt answered the request.
                assert_eq!((*status, *len), (h.status, h.bytes), "{show}");
                assert!(time.is_some(), "{show}");
                continue;
            }
            assert_eq!(*len, 0, "{show}");
            if redirect {
                assert_eq!(*status, 200, "{show}");
                continue;
            }
            // A failed attempt: 503 without a time, 502 refused at once,
            // 504 after a connect timeout.
            let want = match time {
                None => 503,
                Some(t) if *t < 1_000 => 502,
                Some(_) => 504,
            };
            assert_eq!(*status, want, "{show}");
            *failed_at.entry(addr.clone()).or_default() += 1;
            *failed_status.entry(*status).or_default() += 1;
        }
    }
    let share = |x: usize| x as f64 / n as f64;
    eprintln!(
        "valid {valid} bad {bad:?} tls {tls} none {:.4} retried {:.4} redirected {:.4} three {three} \
         failed {failed_status:?} pods {pods_of:?}",
        share(none),
        share(retried),
        share(redirected)
    );
    assert_eq!(n, 100_000);
    for kind in [Bad::Empty, Bad::Garbage, Bad::Truncated] {
        assert!(bad.get(&kind).copied().unwrap_or(0) > 0, "no {kind:?} line");
    }
    assert!(share(bad.values().sum()) < 0.002);
    assert!(tls > 0);
    // nginx-timed's shares of retries, redirects and requests without upstream.
    assert!((0.02..0.045).contains(&share(retried)), "{retried}");
    assert!((0.002..0.009).contains(&share(redirected)), "{redirected}");
    assert!((0.01..0.035).contains(&share(none)), "{none}");
    assert!(three > 0);
    for s in [502, 503, 504] {
        assert!(failed_status.get(&s).copied().unwrap_or(0) > 0, "no {s}");
    }
    // Each pod serves one service: 6 api pods, 4 web, 3 static.
    assert!(names_of.values().all(|s| s.len() == 1), "{names_of:?}");
    let counts: Vec<(&str, usize)> = pods_of.iter().map(|(k, v)| (k.as_str(), v.len())).collect();
    assert_eq!(
        counts,
        [
            ("default-api-80", 6),
            ("default-static-80", 3),
            ("default-web-80", 4)
        ]
    );
    // Failures cluster on one sick pod per service.
    for pods in pods_of.values() {
        let mut f: Vec<usize> = pods
            .iter()
            .map(|p| failed_at.get(p).copied().unwrap_or(0))
            .collect();
        f.sort_unstable();
        let (top, rest) = f.split_last().unwrap();
        assert!(*top > 2 * rest.iter().max().unwrap(), "{f:?}");
    }
    // Writes carry a body.
    get_len.sort_unstable();
    write_len.sort_unstable();
    let median = |v: &[u64]| v[v.len() / 2];
    assert!(
        median(&write_len) > median(&get_len) + 200,
        "{} {}",
        median(&write_len),
        median(&get_len)
    );
}

#[test]
fn pods_depend_on_the_seed() {
    let pods = |seed| -> BTreeSet<String> {
        lines(&ingress(5_000, seed))
            .into_iter()
            .filter_map(|l| parse_ingress(l).ok())
            .flat_map(|(_, u)| u.attempts.into_iter().map(|a| a.0))
            .collect()
    };
    let (a, b) = (pods(1), pods(2));
    assert!(a.len() > 8 && b.len() > 8, "{a:?} {b:?}");
    assert_ne!(a, b);
}
