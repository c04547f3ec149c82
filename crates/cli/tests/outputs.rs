//! End-to-end tests of `report -o PATH`: each format written from one pass, its figures
//! read back independently (Markdown table cells split by GFM's rule, Prometheus samples
//! by `prometheus_client`'s parser) and compared with the JSON report and with lines the
//! test counted; hostile paths and user agents that cannot break either format (the
//! Markdown rendered by cmark-gfm, GitHub's own parser); files
//! replaced whole with no temporary file left; bad paths refused before any input is read.
//! The Python checks run when `AXLOG_OUTPUTS_PYTHON` names a Python with
//! `prometheus_client` and `cmarkgfm` (scripts/test.sh sets it).

mod common;

use common::markdown::{cells, code_text, gfm_html};
use common::prom::*;
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The Markdown's tables, each under the heading before it: heading -> rows of cells,
/// the header row first; every row has as many cells as its header.
fn tables(md: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let mut out: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    let mut heading = String::new();
    let mut in_table = false;
    for line in md.lines() {
        if line.starts_with('#') {
            heading = line.trim_start_matches('#').trim().to_string();
        }
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        let row = cells(line);
        if !in_table {
            out.push((heading.clone(), vec![row]));
            in_table = true;
            continue;
        }
        let rows = &mut out.last_mut().unwrap().1;
        assert_eq!(row.len(), rows[0].len(), "a row of other width: {line}");
        if !row.iter().all(|c| c.starts_with("---")) {
            rows.push(row);
        }
    }
    out
}

fn table<'a>(t: &'a [(String, Vec<Vec<String>>)], heading: &str) -> &'a Vec<Vec<String>> {
    &t.iter()
        .find(|(h, _)| h == heading)
        .unwrap_or_else(|| panic!("no table {heading}"))
        .1
}

fn num(cell: &str) -> u64 {
    cell.replace(',', "").parse().unwrap()
}

/// Seconds as written (`1.029`) in µs.
fn micros(cell: &str) -> u64 {
    (cell.parse::<f64>().unwrap() * 1e6).round() as u64
}

/// `s` as HTML text shows it.
fn html_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn every_format_from_one_pass_agrees_with_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let log = fixture("sample/access.log");
    let lines = read(&log).lines().count() as u64;
    let out = axlog()
        .args(["report", "--by", "endpoint", "--output", "json", "-o", "-"])
        .args(["-o", "r.json", "-o", "r.md", "-o", "r.prom", "-o", "r.txt"])
        .arg(&log)
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(names_in(d), ["r.json", "r.md", "r.prom", "r.txt"]);
    // `-o -` writes standard output too, in `--output`'s format: the same document.
    assert_eq!(stdout_of(&out), read(&d.join("r.json")));
    let v: Value = serde_json::from_str(&read(&d.join("r.json"))).unwrap();
    assert_eq!(v["lines"]["read"].as_u64(), Some(lines));
    let requests = v["requests"].as_u64().unwrap();
    // The text file is the terminal report.
    let text = read(&d.join("r.txt"));
    assert!(text.starts_with("axlog "), "{text}");
    assert!(text.contains(&format!("Requests   {}", thousands(requests))));

    // Markdown: the headline and the tables' cells.
    let md = read(&d.join("r.md"));
    assert!(
        md.contains(&format!("**{} requests**", thousands(requests))),
        "{md}"
    );
    let t = tables(&md);
    let status: BTreeMap<u64, u64> = table(&t, "Status")[1..]
        .iter()
        .map(|r| (num(&r[0]), num(&r[1])))
        .collect();
    let json_status: BTreeMap<u64, u64> = v["status"]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_u64().unwrap(), c["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(status, json_status);
    assert_eq!(status.values().sum::<u64>(), requests);
    let latency = table(&t, "Latency (s)");
    let rt = latency.iter().find(|r| r[0] == "request_time").unwrap();
    assert_eq!(
        num(&rt[1]),
        v["latency"]["request_time"]["count"].as_u64().unwrap()
    );
    assert_eq!(
        micros(&rt[4]),
        v["latency"]["request_time"]["p99_us"].as_u64().unwrap()
    );
    let by = table(&t, "By `endpoint`");
    let json_rows = v["by"][0]["rows"].as_array().unwrap();
    assert_eq!(by.len() - 1, json_rows.len());
    for (row, j) in by[1..].iter().zip(json_rows) {
        assert_eq!(code_text(&row[0]).as_deref(), j["key"].as_str());
        assert_eq!(num(&row[1]), j["requests"].as_u64().unwrap());
        assert_eq!(num(&row[3]), j["status_4xx"].as_u64().unwrap());
        assert_eq!(num(&row[4]), j["status_5xx"].as_u64().unwrap());
    }

    // Prometheus, read by a real parser.
    let Some(s) = prom_samples(&d.join("r.prom")) else {
        return;
    };
    assert_eq!(sample(&s, "axlog_lines_total", &[]), lines as f64);
    assert_eq!(
        sample(&s, "axlog_malformed_lines_total", &[]),
        v["lines"]["malformed"].as_f64().unwrap()
    );
    // Requests by source and class: each source's classes as the JSON has them, and
    // summed over the sources, the run's classes (`sum by (class)`).
    let mut by_class = 0.0;
    for c in v["status"]["classes"].as_array().unwrap() {
        let class = c["class"].as_str().unwrap();
        let mut n = 0.0;
        for src in v["sources"].as_array().unwrap() {
            let name = src["name"].as_str().unwrap();
            n += sample(
                &s,
                "axlog_requests_total",
                &[("source", name), ("class", class)],
            );
        }
        assert_eq!(n, c["count"].as_f64().unwrap(), "{class}");
        by_class += n;
    }
    assert_eq!(by_class, requests as f64);
    for (code, count) in &json_status {
        let code = code.to_string();
        let n = sample(&s, "axlog_requests_by_status_total", &[("status", &code)]);
        assert_eq!(n, *count as f64);
    }
    assert_eq!(
        sample(&s, "axlog_sent_bytes_total", &[]),
        v["bytes_sent"].as_f64().unwrap()
    );
    // Latencies: a histogram whose buckets are the JSON's (the counts against lines the
    // test wrote: latency_histograms_count_the_lines_written), exact quantiles as gauges.
    for name in ["request_time", "upstream_response_time"] {
        let j = &v["latency"][name];
        check_histogram(&s, name, None, j);
        let p99 = sample(
            &s,
            "axlog_latency_quantile_seconds",
            &[("latency", name), ("quantile", "0.99")],
        );
        assert_eq!((p99 * 1e6).round() as u64, j["p99_us"].as_u64().unwrap());
    }
    assert_eq!(
        sample(&s, "axlog_qps_peak", &[]),
        v["qps"]["peak"].as_f64().unwrap()
    );
    for j in json_rows {
        let key = j["key"].as_str().unwrap();
        let l = [("dimension", "endpoint"), ("key", key)];
        assert_eq!(
            sample(&s, "axlog_by_requests_total", &l),
            j["requests"].as_f64().unwrap()
        );
    }
}

/// The Prometheus histogram bounds, µs: Prometheus's defaults, then 30 s and 60 s.
const BOUNDS_US: [u64; 13] = [
    5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000,
    10_000_000, 30_000_000, 60_000_000,
];

/// A latency as a log writes it (`0.020`, seconds) in µs, read as decimal digits (no
/// float rounding); `None` for `-` or anything else.
fn seconds_us(v: &str) -> Option<u64> {
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    if whole.is_empty()
        || frac.len() > 6
        || !(whole.to_string() + frac)
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let frac_us: u64 = format!("{frac:0<6}").parse().ok()?;
    Some(whole.parse::<u64>().ok()? * 1_000_000 + frac_us)
}

/// The histogram `axlog_latency_seconds{latency=name}` has the fixed bounds, its buckets
/// cumulative and monotone, `+Inf` = `_count` = the JSON's `count`, and the JSON's
/// `buckets` hold the same counts; with `values` (µs), the counts are theirs.
fn check_histogram(s: &Samples, name: &str, values: Option<&[u64]>, json: &Value) {
    let mut buckets: Vec<(u64, f64)> = s
        .iter()
        .filter(|(n, l, _)| {
            n == "axlog_latency_seconds_bucket"
                && l.get("latency").map(String::as_str) == Some(name)
                && l["le"] != "+Inf"
        })
        .map(|(_, l, v)| (micros(&l["le"]), *v))
        .collect();
    buckets.sort_by_key(|b| b.0);
    let bounds: Vec<u64> = buckets.iter().map(|b| b.0).collect();
    assert_eq!(bounds, BOUNDS_US, "{name}");
    if let Some(values) = values {
        for (le, n) in &buckets {
            let at_or_below = values.iter().filter(|&&v| v <= *le).count() as f64;
            assert_eq!(*n, at_or_below, "{name} le {le}");
        }
        assert_eq!(json["count"].as_u64(), Some(values.len() as u64));
        let sum_us: u64 = values.iter().sum();
        let sum = sample(s, "axlog_latency_seconds_sum", &[("latency", name)]);
        assert!(
            (sum - sum_us as f64 / 1e6).abs() < 1e-6,
            "{name}: {sum} {sum_us}"
        );
    }
    assert!(
        buckets.windows(2).all(|w| w[0].1 <= w[1].1),
        "{name}: {buckets:?}"
    );
    let count = sample(s, "axlog_latency_seconds_count", &[("latency", name)]);
    let inf = sample(
        s,
        "axlog_latency_seconds_bucket",
        &[("latency", name), ("le", "+Inf")],
    );
    assert_eq!(inf, count);
    assert_eq!(Some(count), json["count"].as_f64());
    let json_buckets: Vec<(u64, f64)> = json["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["le_us"].as_u64().unwrap(), b["count"].as_f64().unwrap()))
        .collect();
    assert_eq!(json_buckets, buckets);
}

/// `1234567` -> `1,234,567`, as the reports write counts.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Paths and user agents a client controls, each aimed at a way to break a Markdown
/// table or a Prometheus line.
const HOSTILE: [&str; 9] = [
    "/a|b||c",
    "/`code`and``two",
    "/<script>alert(1)</script>",
    "/[click](https://evil.example/)",
    "/*bold*_under_~strike~",
    "/https://www.evil.example/x",
    "/back\\slash\\|pipe",
    "/quote\"q",
    "/<img/src=x/onerror=alert(1)>",
];

#[test]
fn hostile_paths_and_user_agents_show_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut log = String::new();
    for (i, p) in HOSTILE.iter().enumerate() {
        // Each path a different number of times, so the rows' order is known.
        for _ in 0..=i {
            log.push_str(&format!(
                "10.0.0.1 - - [21/Nov/2026:10:00:0{} +0000] \"GET {p} HTTP/1.1\" 200 5 \"-\" \"ua{p}\"\n",
                i % 10
            ));
        }
    }
    let logp = write_file(d, "access.log", log.as_bytes());
    let out = axlog()
        .args(["report", "--format", "nginx-combined", "--top", "20"])
        .args(["--by", "path", "--by", "user-agent-raw"])
        .args(["-o", "r.md", "-o", "r.prom", "-o", "r.json"])
        .arg(&logp)
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&out);
    assert!(out.stdout.is_empty(), "-o alone leaves stdout empty");
    let v: Value = serde_json::from_str(&read(&d.join("r.json"))).unwrap();
    let md = read(&d.join("r.md"));
    let t = tables(&md);
    for (k, dim) in ["path", "user-agent-raw"].iter().enumerate() {
        let rows = table(&t, &format!("By `{dim}`"));
        let keys: Vec<String> = rows[1..]
            .iter()
            .map(|r| code_text(&r[0]).expect("a key is a code span"))
            .collect();
        let json_keys: Vec<&str> = v["by"][k]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, json_keys);
        // Every hostile string is a key, busiest (written most) first.
        let expected: Vec<String> = HOSTILE
            .iter()
            .rev()
            .map(|p| match k {
                0 => p.to_string(),
                _ => format!("ua{p}"),
            })
            .collect();
        assert_eq!(keys, expected);
    }
    // Outside code spans, nothing Markdown or HTML would act on.
    for line in md.lines().filter(|l| l.starts_with('|')) {
        for cell in cells(line) {
            if code_text(&cell).is_some() || cell.starts_with("↳ ") {
                continue;
            }
            assert!(
                !cell.contains(['<', '[', ']', '*', '_', '`', '~']) && !cell.contains("http"),
                "a bare cell: {cell}"
            );
        }
    }
    // As GitHub renders it: no link, image, script, emphasis or strike-through made
    // from a log string (the one `<strong>` is the headline's), each shown in a cell.
    let Some(html) = gfm_html(&d.join("r.md")) else {
        return;
    };
    for tag in ["<a ", "<img", "<script", "<em>", "<del>"] {
        assert!(!html.contains(tag), "{tag} in {html}");
    }
    assert_eq!(html.matches("<strong>").count(), 1, "{html}");
    for p in HOSTILE {
        let cell = format!("<td><code>{}</code></td>", html_text(p));
        assert!(html.contains(&cell), "{cell} not in {html}");
    }
    let Some(s) = prom_samples(&d.join("r.prom")) else {
        return;
    };
    for (i, p) in HOSTILE.iter().enumerate() {
        let n = (i + 1) as f64;
        let l = [("dimension", "path"), ("key", *p)];
        assert_eq!(sample(&s, "axlog_by_requests_total", &l), n);
        let ua = format!("ua{p}");
        let l = [("dimension", "user-agent-raw"), ("key", ua.as_str())];
        assert_eq!(sample(&s, "axlog_by_requests_total", &l), n);
    }
}

#[test]
fn a_line_feed_in_a_field_stays_inside_its_cell_and_label() {
    // JSON lines decode `\n`: a real line feed in the path.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let log = "{\"time\":\"2026-11-21T10:00:00Z\",\"status\":200,\"uri\":\"/a\\nb|c\"}\n\
               {\"time\":\"2026-11-21T10:00:01Z\",\"status\":500,\"uri\":\"/ok\"}\n";
    let logp = write_file(d, "app.json", log.as_bytes());
    let out = axlog()
        .args(["report", "--json-fields", "ts=time,status=status,uri=uri"])
        .args(["--by", "path", "-o", "r.md", "-o", "r.prom", "-o", "r.json"])
        .arg(&logp)
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&out);
    let v: Value = serde_json::from_str(&read(&d.join("r.json"))).unwrap();
    let keys: Vec<&str> = v["by"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"/a\nb|c"), "{keys:?}");
    let t = tables(&read(&d.join("r.md")));
    let md_keys: Vec<String> = table(&t, "By `path`")[1..]
        .iter()
        .map(|r| code_text(&r[0]).unwrap())
        .collect();
    // The line feed is shown escaped, as the terminal report shows it.
    assert!(md_keys.contains(&"/a\\x0Ab|c".to_string()), "{md_keys:?}");
    let Some(s) = prom_samples(&d.join("r.prom")) else {
        return;
    };
    let l = [("dimension", "path"), ("key", "/a\nb|c")];
    assert_eq!(sample(&s, "axlog_by_requests_total", &l), 1.0);
    let source = logp.display().to_string();
    let l = [("source", source.as_str()), ("class", "5xx")];
    assert_eq!(sample(&s, "axlog_requests_total", &l), 1.0);
}

#[test]
fn bad_output_paths_are_usage_errors_before_anything_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let log = fixture("sample/access.log");
    let not_a_dir = write_file(d, "plain", b"x");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["-o".into(), "r.xml".into()], ".md"),
        (vec!["-o".into(), "report".into()], ".prom"),
        (
            vec!["-o".into(), d.join("missing/r.md").display().to_string()],
            "cannot write",
        ),
        (
            vec!["-o".into(), not_a_dir.join("r.md").display().to_string()],
            "cannot write",
        ),
        (vec!["-o".into(), log.display().to_string()], ""),
    ];
    for (args, msg) in cases {
        let state = d.join("web.state");
        let out = axlog()
            .args(["report", "--state"])
            .arg(&state)
            .args(["-o", "ok.md"])
            .args(&args)
            .arg(&log)
            .current_dir(d)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        assert!(stderr_of(&out).contains(msg), "{}", stderr_of(&out));
        // Nothing was read or written: no state, no other output, no temporary file.
        assert_eq!(names_in(d), ["plain"], "{args:?}");
        assert!(out.stdout.is_empty());
    }
    // The log itself is untouched.
    assert_eq!(read(&log).lines().count(), 2000);
}

#[test]
fn files_are_replaced_whole_and_counters_grow_with_a_cumulative_state() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let all = read(&fixture("sample/access.log"));
    let lines: Vec<&str> = all.lines().collect();
    let (first, second) = lines.split_at(1200);
    let logp = write_file(d, "access.log", (first.join("\n") + "\n").as_bytes());
    let out_dir = d.join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::write(out_dir.join("r.prom"), "old").unwrap();
    let run = || {
        let out = axlog()
            .args(["report", "--state"])
            .arg(d.join("web.state"))
            .args(["--cumulative", "-o"])
            .arg(out_dir.join("r.prom"))
            .arg("-o")
            .arg(out_dir.join("r.md"))
            .arg(&logp)
            .output()
            .unwrap();
        assert_success(&out);
        assert!(out.stdout.is_empty());
        // Only the files asked for: no temporary file is left.
        assert_eq!(names_in(&out_dir), ["r.md", "r.prom"]);
    };
    run();
    let md = read(&out_dir.join("r.md"));
    assert!(md.contains("Window: "), "{md}");
    let first_prom = read(&out_dir.join("r.prom"));
    assert!(first_prom.starts_with("# HELP"), "replaced: {first_prom}");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&logp)
        .unwrap();
    std::io::Write::write_all(&mut f, (second.join("\n") + "\n").as_bytes()).unwrap();
    run();
    // The total since the state began: every line once.
    let md = read(&out_dir.join("r.md"));
    let t = tables(&md);
    let src = &table(&t, "Sources")[1];
    assert_eq!(num(&src[1]), lines.len() as u64);
    let Some(s1) = prom_samples(&{
        let p = d.join("first.prom");
        std::fs::write(&p, &first_prom).unwrap();
        p
    }) else {
        return;
    };
    let s2 = prom_samples(&out_dir.join("r.prom")).unwrap();
    assert_eq!(sample(&s1, "axlog_lines_total", &[]), first.len() as f64);
    assert_eq!(sample(&s2, "axlog_lines_total", &[]), lines.len() as f64);
    // Counters only grow.
    for (name, labels, v2) in s2.iter().filter(|x| x.0.ends_with("_total")) {
        let v1 = s1
            .iter()
            .find(|(n, l, _)| n == name && l == labels)
            .map_or(0.0, |x| x.2);
        assert!(*v2 >= v1, "{name} {labels:?}: {v1} then {v2}");
    }
    assert_eq!(sample(&s2, "axlog_state_generation", &[]), 2.0);
}

#[test]
fn from_state_writes_files_too() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let log = fixture("sample/access.log");
    let state = d.join("web.state");
    let out = axlog()
        .args(["report", "--state"])
        .arg(&state)
        .args(["--cumulative", "--output", "json"])
        .arg(&log)
        .output()
        .unwrap();
    assert_success(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let out = axlog()
        .args(["report", "--from-state"])
        .arg(&state)
        .args(["-o", "all.md", "-o", "all.prom"])
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&out);
    assert!(out.stdout.is_empty());
    let md = read(&d.join("all.md"));
    let t = tables(&md);
    let codes: u64 = table(&t, "Status")[1..].iter().map(|r| num(&r[1])).sum();
    assert_eq!(codes, v["requests"].as_u64().unwrap());
    let src = &table(&t, "Sources")[1];
    assert_eq!(num(&src[1]), read(&log).lines().count() as u64);
    let prom = read(&d.join("all.prom"));
    let line = format!(
        "axlog_requests_total{{source=\"{}\",class=\"2xx\"}} ",
        log.display()
    );
    assert!(prom.contains(&line), "{prom}");
}

#[test]
fn a_state_runs_prometheus_counters_are_its_total_while_the_other_outputs_show_the_run() {
    // Two cron runs over an appended log, without --cumulative: the second run's text
    // and JSON count its own lines, its .prom counts the lines of both.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let all = read(&fixture("sample/access.log"));
    let lines: Vec<&str> = all.lines().collect();
    let (first, second) = lines.split_at(700);
    let logp = write_file(d, "access.log", (first.join("\n") + "\n").as_bytes());
    let run = || {
        let out = axlog()
            .args(["report", "--state", "web.state"])
            .args(["-o", "r.prom", "-o", "r.json", "-o", "r.txt"])
            .arg(&logp)
            .current_dir(d)
            .output()
            .unwrap();
        assert_success(&out);
        let v: Value = serde_json::from_str(&read(&d.join("r.json"))).unwrap();
        (v, read(&d.join("r.txt")))
    };
    let (v1, _) = run();
    assert_eq!(v1["lines"]["read"].as_u64(), Some(first.len() as u64));
    let first_prom = d.join("first.prom");
    std::fs::copy(d.join("r.prom"), &first_prom).unwrap();
    append(&logp, second.join("\n") + "\n");
    let (v2, text) = run();
    // The window: the second run's lines only, in the JSON and the text.
    assert_eq!(v2["lines"]["read"].as_u64(), Some(second.len() as u64));
    assert!(v2.get("cumulative").is_none());
    assert!(
        text.contains(&format!("read {}", thousands(second.len() as u64))),
        "{text}"
    );
    // A 2xx count the test makes from the lines (the status follows the request line).
    let ok = |ls: &[&str]| {
        ls.iter()
            .filter(|l| l.split("\" ").nth(1).is_some_and(|r| r.starts_with('2')))
            .count() as f64
    };
    let prom = read(&d.join("r.prom"));
    assert!(prom.contains("axlog_state_generation 2\n"), "{prom}");
    let Some(s1) = prom_samples(&first_prom) else {
        return;
    };
    let s2 = prom_samples(&d.join("r.prom")).unwrap();
    let source = logp.display().to_string();
    let two = [("source", source.as_str()), ("class", "2xx")];
    assert_eq!(sample(&s1, "axlog_lines_total", &[]), first.len() as f64);
    assert_eq!(sample(&s1, "axlog_requests_total", &two), ok(first));
    // The second file: the state's total, every line of both runs once.
    assert_eq!(sample(&s2, "axlog_lines_total", &[]), lines.len() as f64);
    assert_eq!(sample(&s2, "axlog_requests_total", &two), ok(&lines));
    let count = |s: &Samples| {
        sample(
            s,
            "axlog_latency_seconds_count",
            &[("latency", "request_time")],
        )
    };
    // Request times: the two windows' JSON counts, added.
    let json_count = |v: &Value| v["latency"]["request_time"]["count"].as_f64().unwrap();
    assert_eq!(count(&s1), json_count(&v1));
    assert_eq!(count(&s2), json_count(&v1) + json_count(&v2));
    // A third run with nothing new, `--output prometheus` on standard output: the same
    // total.
    let out = axlog()
        .args(["report", "--state", "web.state", "--output", "prometheus"])
        .arg(&logp)
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&out);
    let third = write_file(d, "third.prom", &out.stdout);
    let s3 = prom_samples(&third).unwrap();
    assert_eq!(sample(&s3, "axlog_lines_total", &[]), lines.len() as f64);
    assert_eq!(sample(&s3, "axlog_requests_total", &two), ok(&lines));
    // Every counter (and histogram bucket) grew or stayed.
    for (name, labels, v2) in s2
        .iter()
        .filter(|x| x.0.ends_with("_total") || x.0.ends_with("_bucket"))
    {
        let v1 = s1
            .iter()
            .find(|(n, l, _)| n == name && l == labels)
            .map_or(0.0, |x| x.2);
        assert!(*v2 >= v1, "{name} {labels:?}: {v1} then {v2}");
    }
}

#[test]
fn hostile_source_names_are_escaped_labels_and_their_classes_add_up() {
    // File names a user (or a log shipper) chose: quotes, backslashes, a line feed,
    // markup, an escape sequence, a bidi override.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let names = [
        "a\"b.log",
        "back\\slash.log",
        "line\nfeed.log",
        "<img src=x onerror=alert(1)>.log",
        "\u{1b}[31mred.log",
        "rtl\u{202e}gol.log",
    ];
    for (i, name) in names.iter().enumerate() {
        // Source i has i + 1 requests with 200, and i with 503.
        let mut log = String::new();
        for k in 0..(2 * i + 1) {
            let status = if k <= i { 200 } else { 503 };
            log.push_str(&format!(
                "10.0.0.1 - - [21/Nov/2026:10:00:0{} +0000] \"GET /x HTTP/1.1\" {status} 5 \"-\" \"ua\"\n",
                k % 10
            ));
        }
        write_file(d, name, log.as_bytes());
    }
    let out = axlog()
        .args([
            "report",
            "--format",
            "nginx-combined",
            "-o",
            "r.prom",
            "-o",
            "r.json",
        ])
        .args(names)
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&out);
    let prom = read(&d.join("r.prom"));
    // One sample a line: the line feed is escaped, as the format says.
    assert!(
        prom.lines()
            .all(|l| l.starts_with('#') || l.starts_with("axlog_")),
        "{prom}"
    );
    let Some(s) = prom_samples(&d.join("r.prom")) else {
        return;
    };
    let v: Value = serde_json::from_str(&read(&d.join("r.json"))).unwrap();
    let mut sum = [0.0; 2];
    for (i, name) in names.iter().enumerate() {
        let ok = sample(
            &s,
            "axlog_requests_total",
            &[("source", name), ("class", "2xx")],
        );
        let err = sample(
            &s,
            "axlog_requests_total",
            &[("source", name), ("class", "5xx")],
        );
        assert_eq!((ok, err), ((i + 1) as f64, i as f64), "{name:?}");
        sum[0] += ok;
        sum[1] += err;
        let all = sample(&s, "axlog_source_requests_total", &[("source", name)]);
        assert_eq!(all, (2 * i + 1) as f64);
    }
    let classes = class_counts(&v);
    assert_eq!([sum[0], sum[1]], [classes[1] as f64, classes[4] as f64]);
    // And the JSON's per-source classes are the same counts.
    for (i, src) in v["sources"].as_array().unwrap().iter().enumerate() {
        assert_eq!(src["name"].as_str(), Some(names[i]));
        let c = named_counts(&src["classes"], "class", "count");
        assert_eq!(c[1], ("2xx".to_string(), (i + 1) as u64));
        assert_eq!(c[4], ("5xx".to_string(), i as u64));
    }
}

#[test]
fn latency_histograms_count_the_lines_written() {
    // Request and upstream times at the bounds, a millisecond either side, past the last
    // bound, and `-`: each bucket's count made here from the values written.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let request = [
        "0.004", "0.005", "0.006", "0.010", "0.011", "0.025", "0.099", "0.100", "0.101", "0.250",
        "0.500", "0.999", "1.000", "1.001", "2.500", "4.000", "10.000", "29.999", "30.000",
        "60.000", "60.001", "75.250", "0.000", "0.005",
    ];
    let upstream = ["0.003", "-", "0.050", "0.051"];
    let mut log = String::new();
    for (i, rt) in request.iter().enumerate() {
        let up = upstream[i % upstream.len()];
        log.push_str(&format!(
            "10.0.0.{i} - - [21/Nov/2026:10:00:{:02} +0000] \"GET /x{i} HTTP/1.1\" 200 5 \"-\" \"ua\" {rt} {up}\n",
            i % 60
        ));
    }
    let logp = write_file(d, "access.log", log.as_bytes());
    let out = axlog()
        .args(["report", "-o", "r.prom", "-o", "r.json"])
        .arg(&logp)
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&out);
    let v: Value = serde_json::from_str(&read(&d.join("r.json"))).unwrap();
    assert_eq!(v["layout"]["name"].as_str(), Some("nginx-timed"));
    let rt: Vec<u64> = request.iter().filter_map(|t| seconds_us(t)).collect();
    let up: Vec<u64> = (0..request.len())
        .filter_map(|i| seconds_us(upstream[i % upstream.len()]))
        .collect();
    assert_eq!((rt.len(), up.len()), (24, 18));
    // The JSON's buckets, against the values (the Prometheus file's below).
    for (name, values) in [("request_time", &rt), ("upstream_response_time", &up)] {
        let buckets = v["latency"][name]["buckets"].as_array().unwrap();
        assert_eq!(buckets.len(), BOUNDS_US.len());
        for (b, le) in buckets.iter().zip(BOUNDS_US) {
            let n = values.iter().filter(|&&x| x <= le).count() as u64;
            assert_eq!(b["le_us"].as_u64(), Some(le));
            assert_eq!(b["count"].as_u64(), Some(n), "{name} le {le}");
        }
    }
    let Some(s) = prom_samples(&d.join("r.prom")) else {
        return;
    };
    check_histogram(&s, "request_time", Some(&rt), &v["latency"]["request_time"]);
    check_histogram(
        &s,
        "upstream_response_time",
        Some(&up),
        &v["latency"]["upstream_response_time"],
    );
    // By hand: 0.000, 0.004, 0.005 twice are at or below 5 ms; 60.001 and 75.25 only
    // in +Inf.
    let le = |b: &str| {
        sample(
            &s,
            "axlog_latency_seconds_bucket",
            &[("latency", "request_time"), ("le", b)],
        )
    };
    assert_eq!(le("0.005"), 4.0);
    assert_eq!(le("60"), 22.0);
    assert_eq!(le("+Inf"), 24.0);
}

#[test]
fn a_state_whose_prom_keeps_a_total_refuses_other_settings() {
    // The .prom's total adds up runs of the same settings: a run with another `--by`
    // is a usage error naming it, and leaves the files and the state as they were.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let log = fixture("sample/access.log");
    let run = |extra: &[&str]| {
        axlog()
            .args(["report", "--state", "web.state", "-o", "r.prom"])
            .args(extra)
            .arg(&log)
            .current_dir(d)
            .output()
            .unwrap()
    };
    assert_success(&run(&[]));
    let prom = read(&d.join("r.prom"));
    let state = std::fs::read(d.join("web.state")).unwrap();
    let out = run(&["--by", "path"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("--by: none, path"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(read(&d.join("r.prom")), prom);
    assert_eq!(std::fs::read(d.join("web.state")).unwrap(), state);
    // Without a Prometheus output and a total, any settings go on from the state.
    let other = d.join("other.state");
    let plain = axlog()
        .args(["report", "--state"])
        .arg(&other)
        .args(["-o", "r.md"])
        .arg(&log)
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&plain);
    let by = axlog()
        .args(["report", "--state"])
        .arg(&other)
        .args(["--by", "path", "-o", "r.md"])
        .arg(&log)
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&by);
}
