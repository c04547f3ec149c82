//! The aggregate's tests: hand-counted summaries, merges, chunk tables, HAProxy times.

use super::*;
use crate::rollup::status_class;

fn obs(ts_s: i64, status: u16, rt_ms: Option<u64>, path: Option<&[u8]>) -> Observation<'_> {
    Observation {
        ts_us: ts_s * 1_000_000,
        utc_offset_min: 60,
        status,
        // Three bytes per millisecond, so each line's size is known from its time.
        bytes_sent: rt_ms.map(|m| m * 3),
        request_time_us: rt_ms.map(|m| m * 1000),
        upstream_time_us: None,
        path,
        haproxy: None,
    }
}

#[test]
fn hand_counted_summary() {
    let mut a = Aggregate::new(StatsConfig::default());
    a.add_lines(6);
    a.observe(&obs(1000, 200, Some(10), Some(b"/a")));
    a.observe(&obs(1002, 404, Some(30), Some(b"/b")));
    a.observe(&obs(1000, 200, Some(20), Some(b"/a")));
    a.observe(&obs(999, 502, None, None));
    a.observe(&obs(1000, 0, Some(40), Some(b"/a")));
    a.malformed("x.log", 6, b"junk\xff");
    let s = a.summarize();
    assert_eq!(
        s.lines,
        LineCounts {
            read: 6,
            parsed: 5,
            malformed: 1,
            other: 0,
            unread_fields: 0,
            filtered: 0
        }
    );
    let t = s.time.unwrap();
    assert_eq!(t.first.utc, "1970-01-01T00:16:39Z");
    assert_eq!(t.last.local, "1970-01-01T01:16:42+01:00");
    assert_eq!(t.offsets, vec!["+01:00"]);
    // 10 + 30 + 20 + 40 ms, the 502 has no size: (10 + 30 + 20 + 40) * 3.
    assert_eq!(s.bytes_sent, 300);
    // Seconds 999..=1002: counts 1, 3, 0, 1.
    let q = s.qps.unwrap();
    assert_eq!(
        (q.seconds, q.empty_seconds, q.peak, q.peak_second_epoch),
        (4, 1, 3, 1000)
    );
    assert_eq!((q.p50, q.p99), (1, 3));
    assert_eq!(q.mean, 1.25);
    let codes: Vec<_> = s.status.codes.iter().map(|c| (c.code, c.count)).collect();
    assert_eq!(codes, vec![(0, 1), (200, 2), (404, 1), (502, 1)]);
    let classes: Vec<_> = s.status.classes.iter().map(|c| c.count).collect();
    assert_eq!(classes, vec![0, 2, 0, 1, 1, 1]);
    let rt = s.latency.request_time.unwrap();
    // Values 10, 20, 30, 40 ms: p50 = 2nd = 20, p90 = 4th = 40.
    assert_eq!(
        (rt.count, rt.p50_us, rt.p90_us, rt.max_us),
        (4, 20_000, 40_000, 40_000)
    );
    assert_eq!(rt.mean_us, 25_000.0);
    assert!(s.latency.upstream_response_time.is_none());
    assert_eq!(s.top_paths[0].path, "/a");
    assert_eq!(
        (s.top_paths[0].count, s.top_paths[0].p99_us),
        (3, Some(40_000))
    );
    assert_eq!(s.paths.requests_without_path, 1);
    assert_eq!(s.malformed_samples[0].text, "junk\\xFF");
}

/// A window of seconds 100..=104: a line from second 97 counts at 100; QPS is over
/// the five seconds (counts 2, 0, 1, 0, 0).
#[test]
fn window_counts_late_lines_in_its_first_second() {
    let mut a = Aggregate::new(StatsConfig::default());
    a.set_window(100, 104);
    for s in [102, 97, 100] {
        a.observe(&obs(s, 200, None, None));
    }
    let q = a.summarize().qps.unwrap();
    assert_eq!(
        (q.seconds, q.empty_seconds, q.peak, q.peak_second_epoch),
        (5, 3, 2, 100)
    );
    assert_eq!((q.mean, q.p50, q.p99), (0.6, 0, 2));
    // The request's own time is still the range's first.
    assert_eq!(a.summarize().time.unwrap().first.epoch_us, 97_000_000);
}

#[test]
fn class_table_is_status_class() {
    for code in 0..=u16::MAX {
        let i = (code as usize).min(999);
        assert_eq!(usize::from(CLASS_OF[i]), status_class(code), "{code}");
    }
}

#[test]
fn merged_halves_equal_whole() {
    let mut whole = Aggregate::new(StatsConfig::default());
    let mut a = Aggregate::new(StatsConfig::default());
    let mut b = Aggregate::new(StatsConfig::default());
    let paths: [&[u8]; 3] = [b"/x", b"/y", b"/z"];
    for i in 0..3000i64 {
        let o = obs(
            5000 + (i * 37) % 200,
            [200, 304, 500][i as usize % 3],
            Some((i as u64 * 13) % 900),
            Some(paths[i as usize % 3]),
        );
        whole.observe(&o);
        if i % 2 == 0 {
            a.observe(&o)
        } else {
            b.observe(&o)
        }
    }
    a.merge(&b);
    assert_eq!(a.summarize(), whole.summarize());
}

/// Paths, `backend/server` pairs and syslog hosts counted through chunk tables merged
/// in input order fill the capped tables as one reader adding every line does: the
/// same keys kept, the same untracked counts (hand-counted below), and hosts past
/// their cap counted in their file's row.
#[test]
fn chunk_tables_fill_as_one_reader() {
    let cfg = StatsConfig {
        max_paths: 50,
        source_by_host: true,
        ..StatsConfig::default()
    };
    let n = 12_000usize;
    let keys: Vec<(String, String, String)> = (0..n)
        .map(|i| {
            (
                format!("/p{}", i % 80),
                format!("be/s{}", i % (MAX_SERVERS + 50)),
                format!("h{}", i % (MAX_HOSTS + 76)),
            )
        })
        .collect();
    let lines: Vec<Observation<'_>> = keys
        .iter()
        .enumerate()
        .map(|(i, (p, s, h))| Observation {
            haproxy: Some(HaproxyObservation {
                timers_us: [None, None, None, None, Some((i as u64 % 7) * 1000)],
                backend_server: s.as_bytes(),
                host: h.as_bytes(),
                ..HaproxyObservation::default()
            }),
            ..obs(
                100 + i as i64 / 50,
                [200, 404, 503][i % 3],
                Some(i as u64 % 9),
                Some(p.as_bytes()),
            )
        })
        .collect();
    let mut direct = Aggregate::new(cfg);
    direct.set_source(2);
    for o in &lines {
        direct.observe(o);
    }
    let mut run = Aggregate::new(cfg);
    run.set_source(2);
    let mut worker = Aggregate::for_chunks(cfg);
    worker.set_source(2);
    let mut empty = Aggregate::chunk_tables();
    for chunk in lines.chunks(97) {
        for o in chunk {
            worker.observe(o);
        }
        let mut t = worker.take_chunk_tables(empty);
        run.merge_chunk_tables(&t);
        t.clear();
        empty = t;
    }
    run.merge(&worker);
    for a in [&direct, &run] {
        let untracked = a.tables().map(|t| (t.untracked(), t.cap_reached()));
        // Paths: /p50 … /p79 are 30 of every 80 lines. Servers: be/s10000 …
        // be/s10049, the lines 10,000 … 10,049. Hosts: h1024 … h1099 are 76 of
        // every 1,100 lines, in 10 full rounds (12,000 lines), and those count in
        // source 2's row. Sources have no cap.
        assert_eq!(
            untracked,
            [(150 * 30, true), (50, true), (0, false), (760, true)]
        );
        assert_eq!(a.source_stats(2).map(|r| r.requests), Some(760));
        let hosts = a.host_stats();
        assert_eq!(hosts.len(), MAX_HOSTS);
        // h0 … h999 are in 11 rounds, h1000 … h1023 in 10.
        let h0 = hosts
            .iter()
            .find(|(h, _)| h == "h0")
            .map(|(_, r)| r.requests);
        assert_eq!(h0, Some(11));
    }
    assert_eq!(run.summarize(), direct.summarize());
    type HostRow = (String, u64, [u64; 6], u64, Option<u64>);
    let rows = |a: &Aggregate| -> Vec<HostRow> {
        a.host_stats()
            .into_iter()
            .map(|(h, r)| (h, r.requests, r.classes, r.bytes_sent, r.p99_us()))
            .collect()
    };
    assert_eq!(rows(&run), rows(&direct));
}

/// Request and upstream times of HAProxy lines are counted through its Ta and Tr
/// timers; the global figures still hold every line's, nginx's and HAProxy's alike,
/// and a line whose times differ from its timers (no parser writes one) is counted
/// where it belongs too.
#[test]
fn haproxy_times_counted_once_in_both_figures() {
    let ms = |v: u64| Some(v * 1000);
    let ha = |ta: u64, tr: u64| HaproxyObservation {
        timers_us: [ms(1), ms(0), ms(2), ms(tr), ms(ta)],
        backend: b"be",
        server: b"s1",
        backend_server: b"be/s1",
        host: b"",
        termination: b"----",
    };
    let with = |rt: u64, ut: u64, h| Observation {
        upstream_time_us: ms(ut),
        haproxy: Some(h),
        ..obs(100, 200, Some(rt), Some(b"/"))
    };
    let lines = [
        Observation {
            upstream_time_us: ms(4),
            ..obs(100, 200, Some(5), Some(b"/"))
        },
        with(10, 7, ha(10, 7)),
        with(50, 40, ha(50, 40)),
        // Given apart from its timers: 20 and 9 are global, 30 and 8 HAProxy's.
        with(20, 9, ha(30, 8)),
    ];
    let mut whole = Aggregate::new(StatsConfig::default());
    let mut parts = [0, 1].map(|_| Aggregate::new(StatsConfig::default()));
    for (i, o) in lines.iter().enumerate() {
        whole.observe(o);
        parts[i % 2].observe(o);
    }
    let [mut a, b] = parts;
    a.merge(&b);
    let s = whole.summarize();
    assert_eq!(a.summarize(), s);
    let stats = |l: Option<LatencyStats>| {
        let l = l.unwrap();
        (
            l.count,
            l.p50_us / 1000,
            l.max_us / 1000,
            l.mean_us / 1000.0,
        )
    };
    // Request times 5, 10, 50, 20: p50 is the 2nd of 5, 10, 20, 50.
    assert_eq!(stats(s.latency.request_time), (4, 10, 50, 21.25));
    // Upstream times 4, 7, 40, 9.
    assert_eq!(stats(s.latency.upstream_response_time), (4, 7, 40, 15.0));
    let h = s.haproxy.unwrap();
    // Ta 10, 50, 30; Tr 7, 40, 8.
    assert_eq!(stats(h.ta), (3, 30, 50, 30.0));
    assert_eq!(stats(h.tr_server), (3, 8, 40, 55.0 / 3.0));
    assert_eq!((h.servers.len(), h.servers[0].count), (1, 3));
    assert_eq!(h.servers[0].path, "be/s1");
}

#[test]
fn renumbered_sources_merge_row_by_row() {
    // Run 1 reads sources 0 (a) and 1 (b); run 2 reads b as its 0 and a new c as its 1.
    // The state numbers a, b, c as 0, 1, 2: run 2's numbers map through [1, 2].
    let feed = |a: &mut Aggregate, src: usize, n: u64, status: u16| {
        a.set_source(src);
        for i in 0..n {
            a.observe(&obs(1000 + i as i64, status, Some(i % 5), Some(b"/x")));
        }
    };
    let mut run1 = Aggregate::new(StatsConfig::default());
    feed(&mut run1, 0, 3, 200);
    feed(&mut run1, 1, 5, 404);
    let mut run2 = Aggregate::new(StatsConfig::default());
    feed(&mut run2, 0, 7, 404);
    feed(&mut run2, 1, 11, 503);
    run2.renumber_sources(&[1, 2]);
    // What it is now observing is renumbered too: c's later requests go to 2.
    feed(&mut run2, 2, 2, 503);
    run1.merge(&run2);
    let req = |k: usize| {
        run1.source_stats(k)
            .map(|r| (r.requests, r.client_errors(), r.server_errors()))
    };
    assert_eq!(req(0), Some((3, 0, 0)));
    assert_eq!(req(1), Some((5 + 7, 12, 0)));
    assert_eq!(req(2), Some((11 + 2, 0, 13)));
    assert_eq!(req(3), None);
    // Two numbers mapped to one add up.
    let mut both = Aggregate::new(StatsConfig::default());
    feed(&mut both, 0, 4, 200);
    feed(&mut both, 1, 6, 200);
    both.renumber_sources(&[5, 5]);
    assert_eq!(both.source_stats(5).map(|r| r.requests), Some(10));
    assert_eq!(both.source_stats(0).map(|r| r.requests), None);
}

#[test]
fn latency_buckets_count_values_at_or_below_each_bound() {
    // Values at a bound, a microsecond above it, off the millisecond grid, and past the
    // last bound: counted by hand.
    let mut h = ExactHistogram::with_dense_ms(65_536);
    for us in [
        5_000, 5_001, 4_999, 10_000, 250_000, 250_001, 60_000_000, 60_000_001, 0,
    ] {
        h.record(us);
    }
    let got: Vec<(u64, u64)> = latency_buckets(&h)
        .iter()
        .map(|b| (b.le_us, b.count))
        .collect();
    let want = [
        (5_000, 3),  // 0, 4_999, 5_000
        (10_000, 5), // + 5_001, 10_000
        (25_000, 5),
        (50_000, 5),
        (100_000, 5),
        (250_000, 6), // + 250_000
        (500_000, 7), // + 250_001
        (1_000_000, 7),
        (2_500_000, 7),
        (5_000_000, 7),
        (10_000_000, 7),
        (30_000_000, 7),
        (60_000_000, 8), // + 60_000_000; 60_000_001 is in the count only
    ];
    assert_eq!(got, want);
    let s = latency_stats(&h).unwrap();
    assert_eq!(s.count, 9);
    assert!(
        latency_buckets(&ExactHistogram::default())
            .iter()
            .all(|b| b.count == 0)
    );
}

#[test]
fn class_counts_are_the_summary_classes() {
    // Every class once, and 5xx twice: hand-counted against the overall classes.
    let mut a = Aggregate::new(StatsConfig::default());
    for status in [101, 200, 301, 404, 500, 503, 0] {
        a.observe(&obs(1000, status, Some(1), Some(b"/a")));
    }
    let s = a.summarize();
    let classes: Vec<u64> = s.status.classes.iter().map(|c| c.count).collect();
    assert_eq!(classes, [1, 1, 1, 1, 2, 1]);
    let c = crate::summary::class_counts(&[1, 1, 1, 1, 2, 1], 7);
    assert_eq!(c, s.status.classes);
    assert_eq!(c[4].share, 2.0 / 7.0);
}
