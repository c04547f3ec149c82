//! The generator's own ingress-nginx upstreaminfo logs (`axlog-testgen --format
//! ingress-upstreaminfo`: retries, redirects across upstream groups, `-` times, requests
//! without upstream, TLS lines, malformed lines) read by axlog's `ingress-upstreaminfo`
//! preset, given and detected: exactly the lines a naive split rejects are malformed,
//! and the `--by upstream` rows and the attempts per address match a reference that
//! splits the raw lines here; with `-j 1` and `-j 2`.

mod common;

use axlog_testgen::Format;
use common::generate::generated;
use common::named_counts;
use common::reference::{Req, lists, nginx, reference as table_reference, rows_of};
use common::run::report_both;
use common::temp_file;
use serde_json::Value;
use std::collections::BTreeMap;

const ARGS: [&str; 4] = ["--by", "upstream", "--top", "1000"];

/// Per address: attempts, attempts after which another was made, and the statuses.
#[derive(Default, Debug, PartialEq)]
struct Addr {
    attempts: u64,
    failed_over: u64,
    statuses: BTreeMap<String, u64>,
}

#[derive(Default)]
struct Reference {
    malformed: u64,
    /// Every request the split reads.
    reqs: Vec<Req>,
    without: u64,
    attempts: u64,
    retried: u64,
    redirected: u64,
    addrs: BTreeMap<String, Addr>,
}

fn reference(text: &str) -> Reference {
    let mut r = Reference::default();
    for line in text.lines() {
        let Some(req) = nginx(line, true) else {
            r.malformed += 1;
            continue;
        };
        r.reqs.push(req);
        // The lists follow the last ` [] ` (the upstream name may be `[]` too):
        // addresses, lengths, times, statuses, the request id.
        let tail = line.rsplit('"').next().and_then(|t| t.rsplit_once(" [] "));
        let l = lists(tail.unwrap_or_else(|| panic!("{line}")).1);
        let [addrs, _lens, _times, statuses, _id] = &l[..] else {
            panic!("{line}");
        };
        if addrs == &["-"] {
            r.without += 1;
            continue;
        }
        let n = addrs.len();
        assert_eq!(statuses.len(), n, "{line}");
        r.attempts += n as u64;
        r.retried += u64::from(n > 1);
        r.redirected += u64::from(line.contains(" : "));
        for (i, a) in addrs.iter().enumerate() {
            let e = r.addrs.entry(a.clone()).or_default();
            e.attempts += 1;
            e.failed_over += u64::from(i + 1 < n);
            *e.statuses.entry(statuses[i].clone()).or_default() += 1;
        }
    }
    r
}

fn addrs_of(attempts: &Value) -> BTreeMap<String, Addr> {
    attempts["upstreams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let statuses = named_counts(&u["statuses"], "status", "attempts");
            (
                u["address"].as_str().unwrap().to_string(),
                Addr {
                    attempts: u["attempts"].as_u64().unwrap(),
                    failed_over: u["failed_over"].as_u64().unwrap(),
                    statuses: statuses.into_iter().collect(),
                },
            )
        })
        .collect()
}

#[test]
fn generated_upstreaminfo_matches_the_reference_given_and_detected() {
    let text = generated(Format::IngressUpstreaminfo, 30_000, 17);
    let r = reference(&text);
    // The log has every case the reference splits.
    let counts = (r.malformed, r.without, r.retried, r.redirected);
    assert!(r.malformed > 0 && r.without > 200, "{counts:?}");
    assert!(r.retried > 500 && r.redirected > 50, "{counts:?}");
    let (_dir, file) = temp_file("ingress.log", text.as_bytes());
    let given = report_both(
        &file,
        &[&["--format", "ingress-upstreaminfo"][..], &ARGS].concat(),
    );
    let detected = report_both(&file, &ARGS);
    assert_eq!(
        detected["layout"],
        serde_json::json!({"name": "ingress-upstreaminfo", "detected": true})
    );
    for v in [&given, &detected] {
        assert_eq!(v["lines"]["malformed"], r.malformed);
        assert_eq!(v["lines"]["read"], text.lines().count() as u64);
        assert_eq!(v["requests"], r.reqs.len() as u64);

        let (want, none) = table_reference(&r.reqs, "upstream");
        assert!(want.len() > 10, "{want:?}");
        assert_eq!(rows_of(&v["by"][0]), (want, none));

        let a = &v["upstream_attempts"];
        assert_eq!(a["requests"], r.reqs.len() as u64);
        assert_eq!(a["requests_without_attempt"], r.without);
        assert_eq!(a["attempts"], r.attempts);
        assert_eq!(a["retried"], r.retried);
        assert_eq!(a["distinct_upstreams"], r.addrs.len() as u64);
        assert_eq!(addrs_of(a), r.addrs);
    }
}
