//! The anomalies and thresholds sections in text, Markdown and Prometheus, on a
//! hand-built summary whose expected lines are written out here.

use axlog_stats::anomaly_summary::{Anomalies, Anomaly, Contributor, Fired, Thresholds};
use axlog_stats::{Aggregate, StatsConfig, Summary};

fn anomaly(kind: &str, metric: &str, start: &str, end: &str) -> Anomaly {
    Anomaly {
        kind: kind.into(),
        metric: metric.into(),
        start: start.into(),
        end: end.into(),
        ..Anomaly::default()
    }
}

fn summary() -> Summary {
    let mut s = Aggregate::new(StatsConfig::default()).summarize();
    let spike = Anomaly {
        observed: 300.0,
        baseline: 100.0,
        band_low: 65.0,
        band_high: 135.0,
        score: 20.0,
        contributor: Some(Contributor {
            dimension: "endpoint".into(),
            key: "/api|x\u{1b}".into(),
            observed: 280.0,
            baseline: 90.0,
            share: 0.9,
        }),
        ..anomaly(
            "spike",
            "requests",
            "2026-11-21T10:00:00Z",
            "2026-11-21T10:02:00Z",
        )
    };
    let slow = Anomaly {
        observed: 1_000_000.0,
        baseline: 100_000.0,
        band_low: 70_000.0,
        band_high: 142_000.0,
        score: 23.0,
        ..anomaly(
            "latency",
            "p99_us",
            "2026-11-21T23:59:00Z",
            "2026-11-22T00:00:00Z",
        )
    };
    s.anomalies = Some(Anomalies {
        method: "median-mad".into(),
        bucket_s: 60,
        window_s: 3600,
        threshold: 3.5,
        min_requests: 20,
        count: 3,
        anomalies: vec![spike, slow],
        ..Anomalies::default()
    });
    s.thresholds = Some(Thresholds {
        checked: vec![
            "p99(request_time) > 500ms".into(),
            "5xx_rate > 5% by server".into(),
            "qps < 10".into(),
        ],
        fired: vec![
            Fired {
                expr: "p99(request_time) > 500ms".into(),
                metric: "p99(request_time)".into(),
                op: ">".into(),
                value: Some(734_000.0),
                limit: 500_000.0,
                dimension: None,
                key: None,
            },
            Fired {
                expr: "5xx_rate > 5% by server".into(),
                metric: "5xx_rate".into(),
                op: ">".into(),
                value: Some(0.0712),
                limit: 0.05,
                dimension: Some("server".into()),
                key: Some("be/s1".into()),
            },
        ],
    });
    s
}

#[test]
fn text_sections() {
    let t = crate::text(&summary());
    // 734,000 µs is 734 ms; the band 70,000–142,000 µs is 70.0 ms–142 ms.
    let want = [
        "",
        "Thresholds 2 fired (3 checked)",
        "  expression                 row            value  op   limit",
        "  p99(request_time) > 500ms                734 ms  >   500 ms",
        "  5xx_rate > 5% by server    server be/s1   7.12%  >    5.00%",
        "",
        "Anomalies  3 (threshold 3.5 · window 1h · 60 s buckets · at least 20 requests)",
        "  time                                         kind     metric    observed  baseline            band      z  explained most by",
        "  2026-11-21T10:00:00Z – 10:02:00Z             spike    requests       300       100          65–135  +20.0  endpoint /api|x\\x1B 90.00% of it (280.0 a bucket vs 90.0)",
        "  2026-11-21T23:59:00Z – 2026-11-22T00:00:00Z  latency  p99_us      1.00 s    100 ms  70.0 ms–142 ms  +23.0",
        "  … and 1 more (the first 2 are listed)",
        "",
    ]
    .join("\n");
    let want = want.as_str();
    assert!(t.contains(want), "{t}");
    // After the headline, before the sources and lines.
    let at = t.find("\nThresholds").unwrap();
    assert!(at < t.find("\nLines").unwrap());
}

#[test]
fn counts_are_whole_or_one_decimal() {
    use crate::anomalies::value;
    assert_eq!(value("requests", 4525.5), "4,525.5");
    assert_eq!(value("requests", 6388.0), "6,388");
    assert_eq!(value("requests", 3728.0693), "3,728.1");
    assert_eq!(value("requests", -1.0), "-1.0");
    assert_eq!(value("5xx_rate", 0.0712), "7.12%");
    assert_eq!(value("p99_us", 1_234_567.0), "1.235 s");
}

#[test]
fn nothing_found_or_fired() {
    let mut s = summary();
    if let Some(a) = &mut s.anomalies {
        a.count = 0;
        a.anomalies.clear();
        a.previous_day = true;
    }
    if let Some(t) = &mut s.thresholds {
        t.fired.clear();
    }
    let t = crate::text(&s);
    assert!(t.contains("\nThresholds none fired of 3 checked\n"), "{t}");
    assert!(
        t.contains("\nAnomalies  none (threshold 3.5 · window 1h · 60 s buckets · at least 20 requests · previous day compared)\n"),
        "{t}"
    );
    s.anomalies = None;
    s.thresholds = None;
    let t = crate::text(&s);
    assert!(!t.contains("Anomalies") && !t.contains("Thresholds"));
}

#[test]
fn markdown_tables() {
    let m = crate::markdown(&summary());
    for want in [
        "\n## Thresholds\n\n2 fired of 3 checked.\n",
        "| `p99(request_time) > 500ms` |  | 0.734 s | > | 0.500 s |",
        "| `5xx_rate > 5% by server` | server `be/s1` | 7.12% | > | 5.00% |",
        "\n## Anomalies\n\n3 found (threshold 3.5 · window 1h · 60 s buckets · at least 20 requests).\n",
        "| 2026-11-21T10:00:00Z – 10:02:00Z | spike | requests | 300 | 100 (65–135) | +20.0 | endpoint `/api\\|x\\x1B` | 90.00% |",
        "| 2026-11-21T23:59:00Z – 2026-11-22T00:00:00Z | latency | p99_us | 1.000 s | 0.100 s (0.070 s–0.142 s) | +23.0 | - | - |",
        "\nThe first 2 of 3 are listed.\n",
    ] {
        assert!(m.contains(want), "{want}\n---\n{m}");
    }
}

#[test]
fn prometheus_gauges() {
    let p = crate::prometheus(&summary(), 0.0);
    for want in [
        "# TYPE axlog_anomalies gauge\naxlog_anomalies 3\n",
        "axlog_anomalies_listed{kind=\"latency\"} 1\n",
        "axlog_anomalies_listed{kind=\"spike\"} 1\n",
        "axlog_thresholds_checked 3\n",
        "axlog_thresholds_fired 2\n",
    ] {
        assert!(p.contains(want), "{want}\n---\n{p}");
    }
    let mut s = summary();
    s.anomalies = None;
    s.thresholds = None;
    let p = crate::prometheus(&s, 0.0);
    assert!(!p.contains("anomalies") && !p.contains("thresholds"));
}
