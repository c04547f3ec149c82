//! `axlog report --by DIM`: every row of every table on generated logs (nginx-timed,
//! ingress-nginx upstreaminfo built from them, HAProxy) against a reference computed here
//! from the raw lines by naive splitting (no axlog parser): requests, 4xx, 5xx, bytes and
//! the nearest-rank p99 of the request time (HAProxy's Ta), rows sorted by requests then
//! key; the same output with one and two threads; and tables capped small.

mod common;

use axlog_testgen::{Config, Format, Limit};
use common::{axlog, stderr_of, write_file};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// One request as the reference reads it.
struct Req {
    status: u64,
    bytes: u64,
    latency_us: Option<u64>,
    /// Dimension name -> key (absent: the request has none).
    keys: HashMap<&'static str, String>,
}

/// `0.123` -> 123000 (generated times have three decimals).
fn secs_us(s: &str) -> Option<u64> {
    let (a, b) = s.split_once('.')?;
    if b.len() != 3 {
        return None;
    }
    Some(a.parse::<u64>().ok()? * 1_000_000 + b.parse::<u64>().ok()? * 1000)
}

/// A path with IDs folded: digits `:id`, a UUID `:uuid`, 16+ hex digits with a digit
/// among them `:hex` (docs/parquet-schema.md's `endpoint`).
fn endpoint(path: &str) -> String {
    let hex = |c: char| c.is_ascii_hexdigit();
    path.split('/')
        .map(|seg| {
            let uuid = seg.len() == 36
                && seg.char_indices().all(|(i, c)| match i {
                    8 | 13 | 18 | 23 => c == '-',
                    _ => hex(c),
                });
            if !seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit()) {
                ":id"
            } else if uuid {
                ":uuid"
            } else if seg.len() >= 16
                && seg.chars().all(hex)
                && seg.chars().any(|c| c.is_ascii_digit())
            {
                ":hex"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The request line's method and path (without query), when it is `METHOD /target ...`.
fn method_path(request: &str, keys: &mut HashMap<&'static str, String>) {
    let words: Vec<&str> = request.split(' ').collect();
    if words.len() >= 2 && !words[0].is_empty() && words[1].starts_with('/') {
        let path = words[1].split('?').next().unwrap_or("");
        keys.insert("method", words[0].to_string());
        keys.insert("endpoint", endpoint(path));
    }
}

/// An nginx `combined` line followed by `$request_time $upstream_response_time`, or by
/// ingress-nginx's upstreaminfo tail (`tail_is_ingress`).
fn nginx(line: &str, ingress: bool) -> Option<Req> {
    let parts: Vec<&str> = line.split('"').collect();
    if parts.len() != 7 || parts[4] != " " {
        return None;
    }
    let client = parts[0].split(' ').next()?;
    if !parts[0].contains('[') || parts[0].split(' ').filter(|t| !t.is_empty()).count() < 5 {
        return None;
    }
    let mid: Vec<&str> = parts[2].split(' ').collect();
    if mid.len() != 4 || mid[1].len() != 3 {
        return None;
    }
    let status: u64 = mid[1].parse().ok()?;
    let bytes = match mid[2] {
        "-" => 0,
        b => b.parse().ok()?,
    };
    let tail: Vec<&str> = parts[6].trim_start().split(' ').collect();
    let mut keys = HashMap::new();
    let rt = match ingress {
        // length rt [name] [] addr[, addr] len[, len] time[, time] status[, status] id
        true => {
            // The addresses: tokens up to the first that does not end with a comma.
            let after = parts[6].split(" [] ").nth(1)?;
            let last = after.split(' ').find(|t| !t.ends_with(','))?;
            if last != "-" {
                keys.insert("upstream", last.to_string());
            }
            tail.get(1)?
        }
        false => tail.first()?,
    };
    let latency_us = match *rt {
        "-" => None,
        t => Some(secs_us(t)?),
    };
    keys.insert("status", status.to_string());
    keys.insert("client", client.to_string());
    method_path(parts[1], &mut keys);
    Some(Req {
        status,
        bytes,
        latency_us,
        keys,
    })
}

/// HAProxy's httplog behind a syslog header.
fn haproxy(line: &str) -> Option<Req> {
    let (head, rest) = line.split_once(": ")?;
    if !head.contains("haproxy[") {
        return None;
    }
    // Twelve fields, perhaps captured headers (`{...}`), then the quoted request.
    let (fields, request) = rest.rsplit_once(" \"")?;
    let t: Vec<&str> = fields.split(' ').collect();
    if t.len() < 12 || (t.len() > 12 && !t[12].starts_with('{')) {
        return None;
    }
    let timers: Vec<i64> = t[4]
        .split('/')
        .map(|v| v.parse().ok())
        .collect::<Option<_>>()?;
    if timers.len() != 5 {
        return None;
    }
    let status: u64 = t[5].parse().ok()?;
    let bytes: u64 = t[6].parse().ok()?;
    let mut keys = HashMap::new();
    keys.insert("server", t[3].to_string());
    keys.insert("status", status.to_string());
    keys.insert("client", t[0].rsplit_once(':')?.0.to_string());
    method_path(request.strip_suffix('"')?, &mut keys);
    Some(Req {
        status,
        bytes,
        latency_us: (timers[4] >= 0).then(|| timers[4] as u64 * 1000),
        keys,
    })
}

/// A reference row: key, requests, 4xx, 5xx, bytes, p99.
type RefRow = (String, u64, u64, u64, u64, Option<u64>);

/// The table of `dim` over `reqs`, every key (sorted by requests, ties by key), and the
/// requests without one.
fn reference(reqs: &[Req], dim: &str) -> (Vec<RefRow>, u64) {
    let mut rows: HashMap<&str, (u64, u64, u64, u64, Vec<u64>)> = HashMap::new();
    let mut none = 0;
    for r in reqs {
        let Some(k) = r.keys.get(dim) else {
            none += 1;
            continue;
        };
        let e = rows.entry(k).or_default();
        e.0 += 1;
        e.1 += u64::from(r.status / 100 == 4);
        e.2 += u64::from(r.status / 100 == 5);
        e.3 += r.bytes;
        e.4.extend(r.latency_us);
    }
    let mut out: Vec<RefRow> = rows
        .into_iter()
        .map(|(k, (n, c4, c5, b, mut lat))| {
            lat.sort_unstable();
            // Nearest rank: the ceil(0.99 n)-th smallest value.
            let p99 = (!lat.is_empty()).then(|| lat[(lat.len() * 99).div_ceil(100) - 1]);
            (k.to_string(), n, c4, c5, b, p99)
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    (out, none)
}

/// The rows of `--by dim` in a JSON report, as [`RefRow`]s.
fn rows_of(v: &Value, dim: &str) -> (Vec<RefRow>, u64) {
    let t = v["by"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["dimension"] == dim)
        .unwrap_or_else(|| panic!("no table {dim}"));
    let rows = t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_string(),
                r["requests"].as_u64().unwrap(),
                r["status_4xx"].as_u64().unwrap(),
                r["status_5xx"].as_u64().unwrap(),
                r["bytes_sent"].as_u64().unwrap(),
                r["latency"]["p99_us"].as_u64(),
            )
        })
        .collect();
    (rows, t["requests_without_key"].as_u64().unwrap())
}

/// `axlog report FILE ARGS --output json` with `-j 1` and `-j 2`, which must succeed and
/// agree byte for byte: the report.
fn report_both(file: &Path, args: &[&str]) -> Value {
    let run = |j: &str| {
        let out = axlog()
            .arg("report")
            .arg(file)
            .args(args)
            .args(["--output", "json", "-j", j])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        out.stdout
    };
    let one = run("1");
    assert_eq!(
        String::from_utf8_lossy(&one),
        String::from_utf8_lossy(&run("2"))
    );
    serde_json::from_slice(&one).unwrap()
}

fn generated(format: Format, lines: u64, seed: u64) -> String {
    let data = axlog_testgen::generate(&Config {
        format,
        limit: Limit::Lines(lines),
        seed,
        ..Config::default()
    });
    String::from_utf8_lossy(&data).into_owned()
}

/// Checks every table of `dims` in `v` against the reference over `reqs`.
fn check_tables(v: &Value, reqs: &[Req], dims: &[&str]) {
    assert_eq!(
        v["requests"],
        reqs.len() as u64,
        "the reference reads every request"
    );
    for dim in dims {
        let (want, none) = reference(reqs, dim);
        assert!(want.len() > 1, "{dim}: a table of one row checks little");
        assert_eq!(rows_of(v, dim), (want, none), "{dim}");
    }
}

#[test]
fn nginx_timed_tables_match_the_reference() {
    let text = generated(Format::NginxTimed, 30_000, 7);
    let reqs: Vec<Req> = text.lines().filter_map(|l| nginx(l, false)).collect();
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "timed.log", text.as_bytes());
    let dims = ["status", "method", "endpoint", "client"];
    let v = report_both(
        &file,
        &[
            "--by",
            "status,method",
            "--by",
            "endpoint",
            "--by",
            "client",
            "--top",
            "1000000",
        ],
    );
    let order: Vec<&str> = v["by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["dimension"].as_str().unwrap())
        .collect();
    assert_eq!(order, dims);
    check_tables(&v, &reqs, &dims);
    // Without a cap reached, nothing is untracked.
    for t in v["by"].as_array().unwrap() {
        assert_eq!(
            (t["cap_reached"].as_bool(), t["untracked_requests"].as_u64()),
            (Some(false), Some(0))
        );
    }
}

/// nginx-timed lines rewritten as ingress-nginx's upstreaminfo: each request gets an
/// upstream list (one attempt, a retry, or `-` for none) chosen by its line number.
fn as_upstreaminfo(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let parts: Vec<&str> = line.split('"').collect();
        let tail: Vec<&str> = parts
            .last()
            .unwrap_or(&"")
            .trim_start()
            .split(' ')
            .collect();
        if parts.len() != 7 || tail.len() != 2 {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let head = &line[..line.len() - parts[6].len()];
        let (rt, status) = (tail[0], parts[2].split(' ').nth(1).unwrap_or("200"));
        let (addr, len, ut, us) = match i % 7 {
            0 => ("-".to_string(), "-", "-".to_string(), "-".to_string()),
            3 => (
                format!("10.0.0.{}:8080, 10.0.1.{}:8080", i % 3, i % 4),
                "0, 12",
                "0.001, 0.002".to_string(),
                format!("502, {status}"),
            ),
            _ => (
                format!("10.0.1.{}:8080", i % 4),
                "12",
                "0.001".to_string(),
                status.to_string(),
            ),
        };
        out.push_str(&format!(
            "{head} 300 {rt} [default-api-80] [] {addr} {len} {ut} {us} req{i}\n"
        ));
    }
    out
}

#[test]
fn ingress_upstreams_match_the_reference() {
    let text = as_upstreaminfo(&generated(Format::NginxTimed, 20_000, 3));
    let reqs: Vec<Req> = text.lines().filter_map(|l| nginx(l, true)).collect();
    // Every seventh line has no upstream.
    assert!(
        reqs.iter()
            .filter(|r| !r.keys.contains_key("upstream"))
            .count()
            > 2000
    );
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "ingress.log", text.as_bytes());
    let v = report_both(
        &file,
        &[
            "--format",
            "ingress-upstreaminfo",
            "--by",
            "upstream,status",
            "--top",
            "1000",
        ],
    );
    check_tables(&v, &reqs, &["upstream", "status"]);
}

#[test]
fn haproxy_tables_match_the_reference() {
    let text = generated(Format::HaproxyHttp, 30_000, 11);
    let reqs: Vec<Req> = text.lines().filter_map(haproxy).collect();
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "haproxy.log", text.as_bytes());
    let dims = ["server", "status", "endpoint", "client"];
    let v = report_both(
        &file,
        &["--by", "server,status,endpoint,client", "--top", "1000000"],
    );
    check_tables(&v, &reqs, &dims);
}

/// With a cap of 3 keys, a table keeps the first three clients met in input order, with
/// exact rows, and counts every other client's requests as untracked; `--top` cuts the
/// rows shown, not the counts.
#[test]
fn capped_tables_keep_the_first_keys_on_every_thread_count() {
    let text = generated(Format::NginxTimed, 30_000, 5);
    let reqs: Vec<Req> = text.lines().filter_map(|l| nginx(l, false)).collect();
    let mut first: Vec<&str> = Vec::new();
    for r in &reqs {
        let c = r.keys["client"].as_str();
        if first.len() < 3 && !first.contains(&c) {
            first.push(c);
        }
    }
    let kept: Vec<Req> = reqs
        .iter()
        .filter(|r| first.contains(&r.keys["client"].as_str()))
        .map(|r| Req {
            keys: r.keys.clone(),
            ..*r
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "timed.log", text.as_bytes());
    let v = report_both(&file, &["--by", "client", "--max-paths", "3", "--top", "2"]);
    let (mut want, _) = reference(&kept, "client");
    assert_eq!(want.len(), 3);
    want.truncate(2);
    assert_eq!(rows_of(&v, "client"), (want, 0));
    let t = &v["by"][0];
    assert_eq!(t["cap_reached"], true);
    assert_eq!(t["distinct"], 3);
    assert_eq!(t["untracked_requests"], (reqs.len() - kept.len()) as u64);
    // The text report says so.
    let out = axlog()
        .arg("report")
        .arg(&file)
        .args(["--by", "client", "--max-paths", "3", "-j", "2"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let note = format!(
        "(table full at 3 distinct keys: {} requests with later new keys are not ranked)",
        thousands(reqs.len() - kept.len())
    );
    assert!(text.contains("\nBy client "), "{text}");
    assert!(text.contains(&note), "{text}");
}

/// `12345` -> `12,345`.
fn thousands(n: usize) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn an_unknown_dimension_is_a_usage_error_naming_the_valid_ones() {
    let out = axlog()
        .args(["report", "--by", "status,colour", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains("\"colour\""), "{err}");
    assert!(err.contains("path, endpoint, source, host, upstream, frontend, backend, server, status, status-class, method, client, user-agent, termination, cache-status, tls-protocol, user-agent-raw, field:NAME"), "{err}");
}

/// Without `--by` the JSON has no `by` field at all (the report is as it was).
#[test]
fn no_by_no_field() {
    let v = common::report_stdin(&[], "");
    assert!(v.get("by").is_none(), "{v}");
}
