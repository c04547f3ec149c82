//! The Prometheus renderer: the summary in the text exposition format that
//! node_exporter's textfile collector reads (`report -o /var/lib/node_exporter/axlog.prom`).
//! Counts are counters (`_total`), rates, percentiles and times are gauges, each latency
//! a histogram over fixed buckets with its exact quantiles as gauges beside it. Label values are escaped as the format says (`\`, `"`,
//! newline); metric names and help texts are axlog's own. docs/outputs.md lists them.
//!
//! A counter is monotonic across runs when the summary is a total that only grows: a
//! `report --state FILE` run renders its state's total here (cumulative.rs in the CLI);
//! otherwise it counts the run.

use axlog_stats::Summary;
use axlog_stats::summary::LatencyStats;
use std::fmt::Write as _;

/// Where a latency's quantile is in its summary.
type Field = fn(&LatencyStats) -> u64;

/// The quantiles written for each latency, with the summary field that holds each.
const QUANTILES: [(&str, Field); 4] = [
    ("0.5", |l| l.p50_us),
    ("0.9", |l| l.p90_us),
    ("0.99", |l| l.p99_us),
    ("0.999", |l| l.p999_us),
];

/// One metric family: its name, help, type and samples (labels already rendered).
struct Family<'a> {
    name: &'a str,
    help: &'a str,
    kind: &'a str,
    samples: Vec<(String, String, String)>,
}

impl<'a> Family<'a> {
    fn new(name: &'a str, kind: &'a str, help: &'a str) -> Family<'a> {
        Family {
            name,
            help,
            kind,
            samples: Vec::new(),
        }
    }

    /// A sample of the family's own name, with `labels` (`(name, value)` pairs).
    fn add(&mut self, labels: &[(&str, &str)], value: impl ToString) {
        self.add_suffixed("", labels, value);
    }

    /// A sample named with `suffix` after the family's name (a summary's `_sum`).
    fn add_suffixed(&mut self, suffix: &str, labels: &[(&str, &str)], value: impl ToString) {
        self.samples
            .push((suffix.to_string(), render_labels(labels), value.to_string()));
    }

    /// Written only when it has samples: an empty family tells a scraper nothing.
    fn write(&self, o: &mut String) {
        if self.samples.is_empty() {
            return;
        }
        let _ = writeln!(o, "# HELP {} {}", self.name, self.help);
        let _ = writeln!(o, "# TYPE {} {}", self.name, self.kind);
        for (suffix, labels, value) in &self.samples {
            let _ = writeln!(o, "{}{suffix}{labels} {value}", self.name);
        }
    }
}

/// A label value as the exposition format writes it: `\`, `"` and line feeds escaped.
/// A carriage return, which the format cannot escape, is written as the terminal report
/// shows it (`\x0D`, its `\` escaped): a reader that opens the file as text (Python's universal
/// newlines, prometheus_client's parser behind it) would end the line there.
pub(crate) fn escape_label(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\\\x0D"),
            c => out.push(c),
        }
    }
    out
}

fn render_labels(labels: &[(&str, &str)]) -> String {
    if labels.is_empty() {
        return String::new();
    }
    let each: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape_label(v)))
        .collect();
    format!("{{{}}}", each.join(","))
}

fn secs(us: u64) -> f64 {
    us as f64 / 1e6
}

/// The summary as a textfile-collector file; `run_time_s` (seconds since the epoch) is
/// when the run ended, the `axlog_last_run_timestamp_seconds` gauge. With tiers, the
/// figures are the front tier's, as the JSON's top level is.
pub fn prometheus(s: &Summary, run_time_s: f64) -> String {
    let mut o = String::new();
    for f in families(s, run_time_s) {
        f.write(&mut o);
    }
    o
}

fn families(s: &Summary, run_time_s: f64) -> Vec<Family<'static>> {
    let mut info = Family::new(
        "axlog_info",
        "gauge",
        "The axlog version that wrote this file.",
    );
    info.add(&[("version", &s.axlog_version)], 1);
    let mut run = Family::new(
        "axlog_last_run_timestamp_seconds",
        "gauge",
        "When the run that wrote this file ended (seconds since the epoch).",
    );
    run.add(&[], run_time_s);
    let mut times = vec![run];
    if let Some(t) = &s.time {
        let mut first = Family::new(
            "axlog_first_request_timestamp_seconds",
            "gauge",
            "Log time of the earliest request counted (seconds since the epoch).",
        );
        first.add(&[], t.first.epoch_us as f64 / 1e6);
        let mut last = Family::new(
            "axlog_last_request_timestamp_seconds",
            "gauge",
            "Log time of the latest request counted (seconds since the epoch).",
        );
        last.add(&[], t.last.epoch_us as f64 / 1e6);
        times.extend([first, last]);
    }

    let mut out = vec![info];
    out.extend(times);
    out.extend(lines(s));
    out.extend(requests(s));
    out.extend(qps(s));
    out.extend(latency(s));
    out.extend(sources(s));
    out.extend(breakdowns(s));
    out.extend(window(s));
    out.extend(alerting(s));
    out
}

/// The anomalies found (all, and those listed by kind) and the `--fail-if` thresholds
/// checked and fired.
fn alerting(s: &Summary) -> Vec<Family<'static>> {
    let mut out = Vec::new();
    if let Some(a) = &s.anomalies {
        let mut count = Family::new(
            "axlog_anomalies",
            "gauge",
            "Anomalies found in the series (docs/anomalies.md).",
        );
        count.add(&[], a.count);
        let mut kinds: Vec<(&str, u64)> = Vec::new();
        for x in &a.anomalies {
            match kinds.iter_mut().find(|(k, _)| *k == x.kind) {
                Some((_, n)) => *n += 1,
                None => kinds.push((&x.kind, 1)),
            }
        }
        kinds.sort();
        let mut by_kind = Family::new(
            "axlog_anomalies_listed",
            "gauge",
            "Anomalies listed (the first 100), by kind.",
        );
        for (kind, n) in kinds {
            by_kind.add(&[("kind", kind)], n);
        }
        out.extend([count, by_kind]);
    }
    if let Some(t) = &s.thresholds {
        let mut checked = Family::new(
            "axlog_thresholds_checked",
            "gauge",
            "--fail-if expressions checked.",
        );
        checked.add(&[], t.checked.len());
        let mut fired = Family::new(
            "axlog_thresholds_fired",
            "gauge",
            "--fail-if expressions fired (one per row for a by expression).",
        );
        fired.add(&[], t.fired.len());
        out.extend([checked, fired]);
    }
    out
}

/// Lines read, malformed and filtered.
fn lines(s: &Summary) -> Vec<Family<'static>> {
    let mut read = Family::new("axlog_lines_total", "counter", "Log lines read.");
    read.add(&[], s.lines.read);
    let mut malformed = Family::new(
        "axlog_malformed_lines_total",
        "counter",
        "Lines that fitted no layout.",
    );
    malformed.add(&[], s.lines.malformed);
    let mut filtered = Family::new(
        "axlog_filtered_lines_total",
        "counter",
        "Lines parsed and left out by the filters (--since, --until, --where, --exclude-bots).",
    );
    filtered.add(&[], s.lines.filtered);
    vec![read, malformed, filtered]
}

/// Requests by source and status class, by code, and bytes sent.
fn requests(s: &Summary) -> Vec<Family<'static>> {
    let mut by_class = Family::new(
        "axlog_requests_total",
        "counter",
        "Requests, by source (file or --source-label) and status class (1xx to 5xx, other).",
    );
    for src in &s.sources {
        for c in &src.classes {
            by_class.add(&[("source", &src.name), ("class", &c.class)], c.count);
        }
    }
    let mut by_code = Family::new(
        "axlog_requests_by_status_total",
        "counter",
        "Requests, by status code (\"-\" for a status logged as -).",
    );
    for c in &s.status.codes {
        let code = crate::fmt::status_code(c.code);
        by_code.add(&[("status", &code)], c.count);
    }
    let mut bytes = Family::new(
        "axlog_sent_bytes_total",
        "counter",
        "Response body bytes sent.",
    );
    bytes.add(&[], s.bytes_sent);
    vec![by_class, by_code, bytes]
}

/// Requests a second: mean, peak and the percentiles of the per-second counts.
fn qps(s: &Summary) -> Vec<Family<'static>> {
    let Some(q) = &s.qps else {
        return Vec::new();
    };
    let mut mean = Family::new(
        "axlog_qps_mean",
        "gauge",
        "Requests a second, over the seconds from the first request to the last.",
    );
    mean.add(&[], q.mean);
    let mut peak = Family::new("axlog_qps_peak", "gauge", "Requests in the busiest second.");
    peak.add(&[], q.peak);
    let mut pct = Family::new(
        "axlog_qps",
        "gauge",
        "Nearest-rank percentiles of the requests a second, over every second in range.",
    );
    pct.add(&[("quantile", "0.5")], q.p50);
    pct.add(&[("quantile", "0.99")], q.p99);
    vec![mean, peak, pct]
}

/// Each latency the layout logs as a histogram over fixed bounds (the summary's
/// `buckets`, the same for every run and server, so `sum by (le)` adds servers up), its
/// exact nearest-rank quantiles as gauges (a family is a histogram or a gauge, not both),
/// and its maximum.
fn latency(s: &Summary) -> Vec<Family<'static>> {
    let all: Vec<(&str, Option<&LatencyStats>)> = crate::latencies::all(s)
        .into_iter()
        .map(|l| (l.key, l.stats))
        .collect();
    let mut hist = Family::new(
        "axlog_latency_seconds",
        "histogram",
        "Latencies logged (request_time, upstream_response_time, HAProxy's timers), counted \
         in fixed buckets (le, seconds).",
    );
    let mut quantiles = Family::new(
        "axlog_latency_quantile_seconds",
        "gauge",
        "Exact nearest-rank quantiles of each latency, over the requests that logged it.",
    );
    let mut max = Family::new(
        "axlog_latency_max_seconds",
        "gauge",
        "The largest value of each latency.",
    );
    for (name, l) in all {
        let Some(l) = l else { continue };
        for b in &l.buckets {
            let le = secs(b.le_us).to_string();
            hist.add_suffixed("_bucket", &[("latency", name), ("le", &le)], b.count);
        }
        hist.add_suffixed("_bucket", &[("latency", name), ("le", "+Inf")], l.count);
        hist.add_suffixed(
            "_sum",
            &[("latency", name)],
            l.mean_us * l.count as f64 / 1e6,
        );
        hist.add_suffixed("_count", &[("latency", name)], l.count);
        for (q, of) in QUANTILES {
            quantiles.add(&[("latency", name), ("quantile", q)], secs(of(l)));
        }
        max.add(&[("latency", name)], secs(l.max_us));
    }
    vec![hist, quantiles, max]
}

/// Each source's (or `--source-label`'s) lines, malformed lines, requests and p99.
fn sources(s: &Summary) -> Vec<Family<'static>> {
    let mut lines = Family::new(
        "axlog_source_lines_total",
        "counter",
        "Lines read, by source (file or --source-label).",
    );
    let mut malformed = Family::new(
        "axlog_source_malformed_lines_total",
        "counter",
        "Lines that fitted no layout, by source.",
    );
    let mut requests = Family::new(
        "axlog_source_requests_total",
        "counter",
        "Requests, by source.",
    );
    let mut p99 = Family::new(
        "axlog_source_request_time_p99_seconds",
        "gauge",
        "Request time p99, by source.",
    );
    for src in &s.sources {
        let l = [("source", src.name.as_str())];
        lines.add(&l, src.lines);
        malformed.add(&l, src.malformed);
        requests.add(&l, src.requests);
        if let Some(p) = src.p99_us {
            p99.add(&l, secs(p));
        }
    }
    vec![lines, malformed, requests, p99]
}

/// The `--by` tables' rows (not a two-level table's sub-rows): requests, 4xx, 5xx,
/// bytes, QPS and request-time quantiles, labelled with the dimension and the key.
fn breakdowns(s: &Summary) -> Vec<Family<'static>> {
    let mut requests = Family::new(
        "axlog_by_requests_total",
        "counter",
        "Requests of each --by row shown (the --top keys by --sort).",
    );
    let mut e4 = Family::new(
        "axlog_by_4xx_total",
        "counter",
        "Requests with a 4xx status, by --by row.",
    );
    let mut e5 = Family::new(
        "axlog_by_5xx_total",
        "counter",
        "Requests with a 5xx status, by --by row.",
    );
    let mut bytes = Family::new(
        "axlog_by_sent_bytes_total",
        "counter",
        "Response body bytes sent, by --by row.",
    );
    let mut qps_mean = Family::new(
        "axlog_by_qps_mean",
        "gauge",
        "A --by row's requests over the run's seconds.",
    );
    let mut qps_peak = Family::new(
        "axlog_by_qps_peak",
        "gauge",
        "A --by row's requests in its busiest second.",
    );
    let mut lat = Family::new(
        "axlog_by_latency_seconds",
        "gauge",
        "A --by row's request time (HAProxy's Ta where none is logged): nearest-rank quantiles.",
    );
    for b in &s.by {
        for r in &b.rows {
            let l = [("dimension", b.dimension.as_str()), ("key", r.key.as_str())];
            requests.add(&l, r.requests);
            e4.add(&l, r.status_4xx);
            e5.add(&l, r.status_5xx);
            bytes.add(&l, r.bytes_sent);
            qps_mean.add(&l, r.qps_mean);
            if let Some(p) = &r.qps_peak {
                qps_peak.add(&l, p.requests);
            }
            if let Some(n) = r.latencies.first().filter(|n| n.name == "latency") {
                for (q, v) in [
                    ("0.5", n.p50_us),
                    ("0.9", n.p90_us),
                    ("0.99", n.p99_us),
                    ("0.999", n.p999_us),
                ] {
                    let ql = [l[0], l[1], ("quantile", q)];
                    lat.add(&ql, secs(v));
                }
            }
        }
    }
    vec![requests, e4, e5, bytes, qps_mean, qps_peak, lat]
}

/// A `--state` run's generation and the bytes its gaps lost.
fn window(s: &Summary) -> Vec<Family<'static>> {
    let Some(w) = &s.window else {
        return Vec::new();
    };
    let mut generation = Family::new(
        "axlog_state_generation",
        "gauge",
        "The --state generation the run committed.",
    );
    generation.add(&[], w.generation);
    let mut gaps = Family::new(
        "axlog_window_gap_bytes",
        "gauge",
        "Bytes this run found lost before they were read (at least).",
    );
    gaps.add(&[], w.gaps.iter().map(|g| g.bytes_at_least).sum::<u64>());
    vec![generation, gaps]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape_label(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(escape_label("a\nb"), "a\\nb");
        // No escape for CR in the format: shown as text, so no reader splits the line.
        assert_eq!(escape_label("a\rb"), r"a\\x0Db");
        assert_eq!(
            render_labels(&[("k", "x\"y"), ("q", "0.5")]),
            r#"{k="x\"y",q="0.5"}"#
        );
        assert_eq!(render_labels(&[]), "");
    }

    #[test]
    fn a_latency_is_a_histogram_with_its_quantiles_beside_it() {
        use axlog_stats::summary::{LATENCY_BUCKETS_US, LatencyBucket};
        // 4 values: 3 ms, 3 ms, 40 ms, 70 s (past the last bound).
        let buckets: Vec<LatencyBucket> = LATENCY_BUCKETS_US
            .iter()
            .map(|&le_us| LatencyBucket {
                le_us,
                count: match le_us {
                    ..=25_000 => 2,
                    _ => 3,
                },
            })
            .collect();
        let l = LatencyStats {
            count: 4,
            p50_us: 3_000,
            p90_us: 70_000_000,
            p99_us: 70_000_000,
            p999_us: 70_000_000,
            max_us: 70_000_000,
            mean_us: 70_046_000.0 / 4.0,
            approximate: false,
            buckets,
        };
        let mut s = axlog_stats::Aggregate::new(axlog_stats::StatsConfig::default()).summarize();
        s.latency.request_time = Some(l);
        let fams = latency(&s);
        let mut o = String::new();
        for f in fams {
            f.write(&mut o);
        }
        for line in [
            "# TYPE axlog_latency_seconds histogram",
            "axlog_latency_seconds_bucket{latency=\"request_time\",le=\"0.005\"} 2",
            "axlog_latency_seconds_bucket{latency=\"request_time\",le=\"0.05\"} 3",
            "axlog_latency_seconds_bucket{latency=\"request_time\",le=\"1\"} 3",
            "axlog_latency_seconds_bucket{latency=\"request_time\",le=\"60\"} 3",
            "axlog_latency_seconds_bucket{latency=\"request_time\",le=\"+Inf\"} 4",
            "axlog_latency_seconds_sum{latency=\"request_time\"} 70.046",
            "axlog_latency_seconds_count{latency=\"request_time\"} 4",
            "# TYPE axlog_latency_quantile_seconds gauge",
            "axlog_latency_quantile_seconds{latency=\"request_time\",quantile=\"0.5\"} 0.003",
            "axlog_latency_max_seconds{latency=\"request_time\"} 70",
        ] {
            assert!(o.lines().any(|l| l == line), "{line} not in\n{o}");
        }
        assert_eq!(o.matches("_bucket{").count(), 14);
    }
}
