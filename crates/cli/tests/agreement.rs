//! One summary, six renderings: one run writes the bundled sample's report as text, JSON,
//! Markdown, CSV, HTML and Prometheus, and the headline figures (requests, QPS mean and
//! peak, 5xx share, p99, malformed share), the status counts and the p99 read back from
//! each agree with each other and with figures this test computes from the log's lines
//! itself.

mod common;

use common::prom::{Samples, prom_samples, sample};
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// What the test itself counts in the sample: each line split at its quotes, the status
/// after the request, the request time after the user agent, the second from the time.
struct Counted {
    lines: u64,
    malformed: u64,
    status: BTreeMap<u64, u64>,
    p99_us: u64,
    peak: u64,
    mean: f64,
}

fn count(log: &str) -> Counted {
    let mut status = BTreeMap::new();
    let mut times = Vec::new();
    let mut per_second: BTreeMap<String, u64> = BTreeMap::new();
    let (mut lines, mut malformed) = (0, 0);
    for line in log.lines() {
        lines += 1;
        let parts: Vec<&str> = line.split('"').collect();
        let code = parts
            .get(2)
            .and_then(|p| p.split_whitespace().next())
            .and_then(|c| c.parse::<u64>().ok());
        let (Some(code), true) = (code, parts.len() >= 7) else {
            malformed += 1;
            continue;
        };
        *status.entry(code).or_insert(0) += 1;
        // After the user agent's closing quote: the request time, then the upstream times
        // (a list when nginx tried several).
        let rt = parts[parts.len() - 1].split_whitespace().next().unwrap();
        let (s, ms) = rt.split_once('.').unwrap();
        times.push(s.parse::<u64>().unwrap() * 1_000_000 + ms.parse::<u64>().unwrap() * 1000);
        // `[21/Nov/2026:01:00:01 +0100]`: one offset in the sample, so the text is the second.
        let second = line.split('[').nth(1).unwrap().split(' ').next().unwrap();
        *per_second.entry(second.to_string()).or_insert(0) += 1;
    }
    times.sort_unstable();
    // Nearest rank: the ceil(0.99 n)-th smallest.
    let rank = (times.len() * 99).div_ceil(100);
    let requests: u64 = status.values().sum();
    let span = |t: &str| {
        // dd/Mon/yyyy:HH:MM:SS within one day of one month: seconds of the day suffice.
        let hms: Vec<u64> = t[12..].split(':').map(|x| x.parse().unwrap()).collect();
        hms[0] * 3600 + hms[1] * 60 + hms[2]
    };
    let first = per_second.keys().map(|k| span(k)).min().unwrap();
    let last = per_second.keys().map(|k| span(k)).max().unwrap();
    Counted {
        lines,
        malformed,
        status,
        p99_us: times[rank - 1],
        peak: *per_second.values().max().unwrap(),
        mean: requests as f64 / (last - first + 1) as f64,
    }
}

/// `1,999` -> 1999.
fn num(s: &str) -> u64 {
    s.trim().replace(',', "").parse().unwrap()
}

/// `1.20%` -> 0.012.
fn share(s: &str) -> f64 {
    s.trim().strip_suffix('%').unwrap().parse::<f64>().unwrap() / 100.0
}

/// A humanised duration (`850 µs`, `16.0 ms`, `1.03 s`, `1.029 s`, `2m05s`) in
/// microseconds, and the half-unit of its last digit: what it may differ by.
fn duration(s: &str) -> (f64, f64) {
    let s = s.trim();
    let (n, unit) = s.split_once(' ').unwrap_or((s, ""));
    let scale = match unit {
        "µs" => 1.0,
        "ms" => 1e3,
        "s" => 1e6,
        _ => panic!("duration {s:?}"),
    };
    let decimals = n.split_once('.').map_or(0, |(_, d)| d.len());
    let half = 0.5 * 10f64.powi(-(decimals as i32)) * scale;
    (n.parse::<f64>().unwrap() * scale, half)
}

/// The headline's parts, `·`-separated: `1,999 requests`, `QPS mean 0.72, peak 11`, …
/// (Markdown's bold stars dropped).
struct Headline {
    requests: u64,
    mean: f64,
    peak: u64,
    share_5xx: f64,
    p99: (f64, f64),
    malformed: f64,
}

fn headline(line: &str) -> Headline {
    let parts: Vec<String> = line
        .split(" · ")
        .map(|p| p.replace("**", "").trim().to_string())
        .collect();
    let find = |prefix: &str| {
        parts
            .iter()
            .find_map(|p| p.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} in {line:?}"))
            .to_string()
    };
    let requests = parts[0].strip_suffix(" requests").unwrap();
    let qps = find("QPS mean ");
    let (mean, peak) = qps.split_once(", peak ").unwrap();
    Headline {
        requests: num(requests),
        mean: mean.parse().unwrap(),
        peak: num(peak),
        share_5xx: share(&find("5xx ")),
        p99: duration(&find("p99 ")),
        malformed: share(&find("malformed ")),
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Each format's headline against the counted figures: counts exact, shares and the mean
/// to the two decimals shown, p99 to its last digit.
fn check_headline(format: &str, h: &Headline, c: &Counted) {
    let requests: u64 = c.status.values().sum();
    let fivexx: u64 = c.status.range(500..600).map(|(_, n)| n).sum();
    assert_eq!(h.requests, requests, "{format}: requests");
    assert_eq!(h.peak, c.peak, "{format}: QPS peak");
    assert!((h.mean - c.mean).abs() <= 0.005, "{format}: QPS mean");
    let want_5xx = fivexx as f64 / requests as f64;
    assert!((h.share_5xx - want_5xx).abs() <= 0.00005, "{format}: 5xx");
    let want_malformed = c.malformed as f64 / c.lines as f64;
    assert!(
        (h.malformed - want_malformed).abs() <= 0.00005,
        "{format}: malformed"
    );
    let (p99, half) = h.p99;
    assert!(
        (p99 - c.p99_us as f64).abs() <= half + 1e-6,
        "{format}: p99 {p99} against {}",
        c.p99_us
    );
}

/// The text report's status table: the rows under `Status`'s header, code and count.
fn text_status(text: &str) -> BTreeMap<u64, u64> {
    let lines: Vec<&str> = text.lines().collect();
    let title = lines.iter().position(|l| l.trim() == "Status").unwrap();
    lines[title + 2..]
        .iter()
        .take_while(|l| l.starts_with("  "))
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            (num(cells[0]), num(cells[1]))
        })
        .collect()
}

/// The Markdown's status table: the rows after the `Status` heading's table header.
fn markdown_status(md: &str) -> BTreeMap<u64, u64> {
    let lines: Vec<&str> = md.lines().collect();
    let heading = lines
        .iter()
        .position(|l| l.trim_start_matches('#').trim() == "Status")
        .unwrap();
    lines[heading + 1..]
        .iter()
        .skip_while(|l| !l.starts_with('|'))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            (num(cells[0]), num(cells[1]))
        })
        .collect()
}

/// A CSV file's records as maps of column name to cell.
fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The HTML page's headline figure `metric`: the raw value it carries (`data-v`) and the
/// text a reader sees (its `value` span).
fn html_figure(page: &str, metric: &str) -> (String, String) {
    let at = format!("data-metric=\"{metric}\" data-v=\"");
    let rest = &page[page.find(&at).unwrap() + at.len()..];
    let raw = rest[..rest.find('"').unwrap()].to_string();
    let shown = rest.split("<span class=\"value\">").nth(1).unwrap();
    (raw, shown[..shown.find('<').unwrap()].to_string())
}

/// The visible text of each cell of each body row of the first table after `heading`.
fn html_rows(page: &str, heading: &str) -> Vec<Vec<String>> {
    let at = page.find(&format!("<h2>{heading}</h2>")).unwrap();
    let body = page[at..].split("<tbody>").nth(1).unwrap();
    let body = &body[..body.find("</tbody>").unwrap()];
    body.split("<tr")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    // The text between the tags: `<td class="num" data-v="200">200</td>`.
                    let mut text = String::new();
                    let mut in_tag = true;
                    for ch in cell.chars() {
                        match ch {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            _ if !in_tag => text.push(ch),
                            _ => {}
                        }
                    }
                    text
                })
                .collect()
        })
        .collect()
}

#[test]
fn one_summary_six_renderings_agree() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let log = fixture("sample/access.log");
    let c = count(&read(&log));
    assert_eq!(c.lines, 2000);
    let out = axlog()
        .args(["report", "-o", "r.txt", "-o", "r.json", "-o", "r.md"])
        .args(["-o", "tables/", "-o", "r.html", "-o", "r.prom"])
        .arg(&log)
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&out);
    let requests: u64 = c.status.values().sum();

    // JSON: the document the others are renderings of.
    let v: Value = serde_json::from_str(&read(&d.join("r.json"))).unwrap();
    let json_status: BTreeMap<u64, u64> = status_counts(&v).into_iter().collect();
    assert_eq!(json_status, c.status, "json: status counts");
    let fivexx = v["status"]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["class"] == "5xx")
        .unwrap();
    let json_head = Headline {
        requests: v["requests"].as_u64().unwrap(),
        mean: v["qps"]["mean"].as_f64().unwrap(),
        peak: v["qps"]["peak"].as_u64().unwrap(),
        share_5xx: fivexx["share"].as_f64().unwrap(),
        p99: (
            v["latency"]["request_time"]["p99_us"].as_f64().unwrap(),
            0.0,
        ),
        malformed: v["lines"]["malformed"].as_f64().unwrap() / v["lines"]["read"].as_f64().unwrap(),
    };
    check_headline("json", &json_head, &c);
    assert_eq!(
        v["latency"]["request_time"]["p99_us"].as_u64(),
        Some(c.p99_us)
    );

    // Text: the headline line and the status table.
    let text = read(&d.join("r.txt"));
    let line = text
        .lines()
        .find(|l| l.contains(" requests · QPS mean "))
        .unwrap();
    check_headline("text", &headline(line), &c);
    assert_eq!(text_status(&text), c.status, "text: status counts");

    // Markdown.
    let md = read(&d.join("r.md"));
    let line = md
        .lines()
        .find(|l| l.contains(" requests** · QPS mean "))
        .unwrap();
    check_headline("markdown", &headline(line), &c);
    assert_eq!(markdown_status(&md), c.status, "markdown: status counts");

    // CSV: summary.csv's one row, statuses.csv and latency.csv.
    let t = d.join("tables");
    let summary = &csv_rows(&t.join("summary.csv"))[0];
    let f = |k: &str| summary[k].parse::<f64>().unwrap();
    let csv_head = Headline {
        requests: num(&summary["requests"]),
        mean: f("qps_mean"),
        peak: num(&summary["qps_peak"]),
        share_5xx: f("share_5xx"),
        p99: (f("p99_us"), 0.0),
        malformed: f("share_malformed"),
    };
    check_headline("csv", &csv_head, &c);
    let csv_status: BTreeMap<u64, u64> = csv_rows(&t.join("statuses.csv"))
        .iter()
        .map(|r| (num(&r["code"]), num(&r["count"])))
        .collect();
    assert_eq!(csv_status, c.status, "csv: status counts");
    let latency = csv_rows(&t.join("latency.csv"));
    let rt = latency
        .iter()
        .find(|r| r["latency"] == "request_time")
        .unwrap();
    assert_eq!(num(&rt["p99_us"]), c.p99_us, "csv: latency p99");
    assert_eq!(num(&rt["count"]), requests);

    // HTML: each headline figure as shown, and its raw value; the status table.
    let page = read(&d.join("r.html"));
    let shown = |m: &str| html_figure(&page, m).1;
    let html_head = Headline {
        requests: num(&shown("requests")),
        mean: shown("qps_mean").parse().unwrap(),
        peak: num(&shown("qps_peak")),
        share_5xx: share(&shown("share_5xx")),
        p99: duration(&shown("p99_us")),
        malformed: share(&shown("share_malformed")),
    };
    check_headline("html", &html_head, &c);
    let raw = |m: &str| html_figure(&page, m).0.parse::<f64>().unwrap();
    let html_raw = Headline {
        requests: raw("requests") as u64,
        mean: raw("qps_mean"),
        peak: raw("qps_peak") as u64,
        share_5xx: raw("share_5xx"),
        p99: (raw("p99_us"), 0.0),
        malformed: raw("share_malformed"),
    };
    check_headline("html data-v", &html_raw, &c);
    let html_status: BTreeMap<u64, u64> = html_rows(&page, "Status")
        .iter()
        .map(|r| (num(&r[0]), num(&r[1])))
        .collect();
    assert_eq!(html_status, c.status, "html: status counts");

    // Prometheus, read by prometheus_client's parser (when scripts/test.sh names it).
    let Some(p) = prom_samples(&d.join("r.prom")) else {
        return;
    };
    check_prometheus(&p, &c);
}

/// The textfile's samples: requests by class (per source; one source here) and by
/// status, lines and malformed lines, QPS, and the request time's p99 gauge and histogram
/// count.
fn check_prometheus(p: &Samples, c: &Counted) {
    let requests: u64 = c.status.values().sum();
    let by_class = |class: &str| {
        let total: f64 = p
            .iter()
            .filter(|(n, l, _)| {
                n == "axlog_requests_total" && l.get("class").map(String::as_str) == Some(class)
            })
            .map(|s| s.2)
            .sum();
        total as u64
    };
    let fivexx: u64 = c.status.range(500..600).map(|(_, n)| n).sum();
    let all: u64 = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"]
        .iter()
        .map(|k| by_class(k))
        .sum();
    let lines = sample(p, "axlog_lines_total", &[]);
    let malformed = sample(p, "axlog_malformed_lines_total", &[]);
    let rt = [("latency", "request_time")];
    let head = Headline {
        requests: all,
        mean: sample(p, "axlog_qps_mean", &[]),
        peak: sample(p, "axlog_qps_peak", &[]) as u64,
        share_5xx: by_class("5xx") as f64 / all as f64,
        p99: (
            sample(
                p,
                "axlog_latency_quantile_seconds",
                &[rt[0], ("quantile", "0.99")],
            ) * 1e6,
            0.5,
        ),
        malformed: malformed / lines,
    };
    check_headline("prometheus", &head, c);
    assert_eq!(by_class("5xx"), fivexx);
    for (code, n) in &c.status {
        let code = code.to_string();
        let got = sample(p, "axlog_requests_by_status_total", &[("status", &code)]);
        assert_eq!(got as u64, *n, "prometheus: status {code}");
    }
    assert_eq!(
        sample(p, "axlog_latency_seconds_count", &rt) as u64,
        requests
    );
}
