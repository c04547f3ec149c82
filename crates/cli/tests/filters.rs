//! `--where`, `--since`, `--until` and `--exclude-bots` on generated nginx-timed and
//! HAProxy logs, against a reference computed here from the raw lines by naive splitting
//! (no axlog parser): the kept requests, their status counts and p99, and the filtered
//! count; the same report with one and two threads; bad expressions' messages; and
//! `convert` writing only the kept rows.

mod common;

use axlog_testgen::{Config, Format};
use common::generate::{config, generated_with};
use common::reference::{self, nearest_of};
use common::run::report_both;
use common::{axlog, files_under, run_stdin, status_counts, stderr_of, temp_file};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// One request as the reference reads it.
#[derive(Debug, Clone)]
struct Req {
    /// UTC µs (nginx logs whole seconds, HAProxy milliseconds).
    ts: i64,
    status: u64,
    bytes: u64,
    method: Option<String>,
    path: Option<String>,
    /// nginx's request time, or HAProxy's Ta, µs.
    latency_us: Option<u64>,
    upstream_us: Option<u64>,
    ua: String,
    /// HAProxy's `backend/server`.
    server: Option<String>,
}

/// The filters' view of a request the shared reference read (common/reference.rs).
fn req(r: reference::Req) -> Req {
    let upstream_us = r
        .other
        .iter()
        .find(|o| o.0 == "upstream_response_time")
        .map(|o| o.1);
    Req {
        ts: r.ts_us,
        status: r.status,
        bytes: r.bytes,
        method: r.keys.get("method").cloned(),
        path: r.path,
        latency_us: r.latency_us,
        // The upstream list (`0.003, 0.118` after a retry, `0.1 : 0.2` after an internal
        // redirect): each attempt's time summed; none when no attempt has one.
        upstream_us,
        ua: r.ua,
        server: r.keys.get("server").cloned(),
    }
}

/// nginx `combined` followed by `$request_time $upstream_response_time`.
fn nginx(line: &str) -> Option<Req> {
    reference::nginx(line, false).map(req)
}

/// HAProxy's httplog behind a syslog header (its accept date read as UTC).
fn haproxy(line: &str) -> Option<Req> {
    reference::haproxy(line).map(req)
}

/// What a report says of its requests: count, status counts, p99 (µs).
type Seen = (u64, Vec<(u64, u64)>, Option<u64>);

/// The reference's [`Seen`] for `reqs`.
fn reference(reqs: &[&Req]) -> Seen {
    let mut codes: BTreeMap<u64, u64> = BTreeMap::new();
    for r in reqs {
        *codes.entry(r.status).or_default() += 1;
    }
    let lat: Vec<u64> = reqs.iter().filter_map(|r| r.latency_us).collect();
    let p99 = nearest_of(lat, 990_000);
    (reqs.len() as u64, codes.into_iter().collect(), p99)
}

/// The report's [`Seen`] (`latency` names the request-time entry).
fn seen(v: &Value, haproxy: bool) -> Seen {
    let p99 = match haproxy {
        true => v["haproxy"]["ta"]["p99_us"].as_u64(),
        false => v["latency"]["request_time"]["p99_us"].as_u64(),
    };
    (v["requests"].as_u64().unwrap(), status_counts(v), p99)
}

fn generated(format: Format, lines: u64, seed: u64, tz_offset_min: i32) -> String {
    generated_with(Config {
        tz_offset_min,
        ..config(format, lines, seed)
    })
}

/// Checks `args` against the reference's `keep` over `reqs`, and the line counts against
/// the unfiltered report `all`.
fn check(file: &Path, all: &Value, reqs: &[Req], args: &[&str], keep: impl Fn(&Req) -> bool) {
    let kept: Vec<&Req> = reqs.iter().filter(|r| keep(r)).collect();
    // Neither everything nor nothing: the filter is tested, not a no-op.
    assert!(
        !kept.is_empty() && kept.len() < reqs.len(),
        "{args:?}: {} kept",
        kept.len()
    );
    let v = report_both(file, args);
    let haproxy = reqs[0].server.is_some();
    assert_eq!(seen(&v, haproxy), reference(&kept), "{args:?}");
    let lines = &v["lines"];
    assert_eq!(
        lines["filtered"],
        (reqs.len() - kept.len()) as u64,
        "{args:?}"
    );
    assert_eq!(v["sources"][0]["filtered"], lines["filtered"], "{args:?}");
    // Filtered lines parsed; none became malformed.
    assert_eq!(lines["malformed"], all["lines"]["malformed"], "{args:?}");
    assert_eq!(lines["parsed"], all["lines"]["parsed"], "{args:?}");
    assert_eq!(lines["read"], all["lines"]["read"], "{args:?}");
}

/// The generated nginx-timed log (in +01:00), its file and reference, and the report
/// without filters.
struct Case {
    _dir: tempfile::TempDir,
    file: std::path::PathBuf,
    reqs: Vec<Req>,
    all: Value,
    /// The time of the last line that parses, UTC µs.
    last: i64,
}

fn case(format: Format, seed: u64, tz_offset_min: i32) -> Case {
    let text = generated(format, 20_000, seed, tz_offset_min);
    let parse = |l: &str| match format {
        Format::HaproxyHttp => haproxy(l),
        _ => nginx(l),
    };
    let reqs: Vec<Req> = text.lines().filter_map(parse).collect();
    let last = text.lines().rev().find_map(parse).unwrap().ts;
    let (dir, file) = temp_file("access.log", text.as_bytes());
    let all = report_both(&file, &[]);
    assert_eq!(
        all["requests"],
        reqs.len() as u64,
        "the reference reads every request"
    );
    assert_eq!(all["lines"]["filtered"], 0);
    Case {
        _dir: dir,
        file,
        reqs,
        all,
        last,
    }
}

#[test]
fn each_source_counts_its_filtered_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut want = Vec::new();
    for seed in [11, 12] {
        let text = generated(Format::NginxTimed, 3_000 * seed, seed, 0);
        let reqs: Vec<Req> = text.lines().filter_map(nginx).collect();
        let dropped = reqs.iter().filter(|r| r.status < 500).count() as u64;
        want.push((dropped, reqs.len() as u64 - dropped));
        files.push(common::write_file(
            dir.path(),
            &format!("{seed}.log"),
            text.as_bytes(),
        ));
    }
    for j in ["1", "2"] {
        let out = axlog()
            .arg("report")
            .args(&files)
            .args(["--where", "status>=500", "--output", "json", "-j", j])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let got: Vec<(u64, u64)> = v["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["filtered"].as_u64().unwrap(),
                    s["requests"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, want, "-j {j}");
    }
}

fn is(v: &Option<String>, want: &str) -> bool {
    v.as_deref() == Some(want)
}

#[test]
fn nginx_where_comparisons_prefix_regex_and_sets() {
    let c = case(Format::NginxTimed, 21, 60);
    let run = |expr: &str, keep: &dyn Fn(&Req) -> bool| {
        check(&c.file, &c.all, &c.reqs, &["--where", expr], keep)
    };
    run("status>=500", &|r| r.status >= 500);
    run("status=404", &|r| r.status == 404);
    run("upstream_time>0.5s", &|r| {
        r.upstream_us.is_some_and(|u| u > 500_000)
    });
    run("request_time<=200ms", &|r| {
        r.latency_us.is_some_and(|u| u <= 200_000)
    });
    run("bytes>1MB", &|r| r.bytes > 1_000_000);
    run("bytes>=1MiB", &|r| r.bytes >= 1 << 20);
    // A request without a method (a bad request line) matches no comparison, `!=` too.
    run("method!=GET", &|r| {
        r.method.as_ref().is_some_and(|m| m != "GET")
    });
    run("path^=/api/", &|r| {
        r.path.as_ref().is_some_and(|p| p.starts_with("/api/"))
    });
    run("path~'^/api/v[12]/'", &|r| {
        r.path
            .as_ref()
            .is_some_and(|p| p.starts_with("/api/v1/") || p.starts_with("/api/v2/"))
    });
    run("method in (POST,PUT)", &|r| {
        is(&r.method, "POST") || is(&r.method, "PUT")
    });
    run("status in (502, 503,504)", &|r| {
        matches!(r.status, 502..=504)
    });
    run("path=\"/\"", &|r| is(&r.path, "/"));
}

#[test]
fn and_or_not_and_parentheses() {
    let c = case(Format::NginxTimed, 22, 60);
    let run = |expr: &str, keep: &dyn Fn(&Req) -> bool| {
        check(&c.file, &c.all, &c.reqs, &["--where", expr], keep)
    };
    let e5 = |r: &Req| r.status >= 500;
    let post = |r: &Req| is(&r.method, "POST");
    let api = |r: &Req| r.path.as_ref().is_some_and(|p| p.starts_with("/api/"));
    // `and` binds tighter than `or`.
    run("status>=500 or method=POST and path^=/api/", &|r| {
        e5(r) || (post(r) && api(r))
    });
    run("(status>=500 or method=POST) and path^=/api/", &|r| {
        (e5(r) || post(r)) && api(r)
    });
    // `not` binds tighter than `and`.
    run("not status=200 and method=GET", &|r| {
        r.status != 200 && is(&r.method, "GET")
    });
    run("not (status=200 and method=GET)", &|r| {
        !(r.status == 200 && is(&r.method, "GET"))
    });
    run("NOT method=GET OR status>=400", &|r| {
        !is(&r.method, "GET") || r.status >= 400
    });
}

#[test]
fn since_and_until_absolute_and_relative() {
    let c = case(Format::NginxTimed, 23, 60);
    let first = c.reqs.iter().map(|r| r.ts).min().unwrap() / 1_000_000;
    let (a, b) = (first + 20, first + 70);
    // RFC 3339 in UTC and in +01:00, and nginx's form, for the same instants.
    // Day of November 2026 (its first is 1793491200), hour, minute, second of `t`.
    let clock = |t: i64| {
        let s = t % 86_400;
        (
            1 + (t - 1_793_491_200) / 86_400,
            s / 3600,
            s / 60 % 60,
            s % 60,
        )
    };
    let rfc = |t: i64| {
        let (d, h, m, s) = clock(t);
        format!("2026-11-{d:02}T{h:02}:{m:02}:{s:02}Z")
    };
    let local = |t: i64| {
        let (d, h, m, s) = clock(t + 3600);
        format!("{d:02}/Nov/2026:{h:02}:{m:02}:{s:02} +0100")
    };
    let (ra, rb, la) = (rfc(a), rfc(b), local(a));
    let (a, b) = (a * 1_000_000, b * 1_000_000);
    check(&c.file, &c.all, &c.reqs, &["--since", &ra], |r| r.ts >= a);
    check(&c.file, &c.all, &c.reqs, &["--until", &rb], |r| r.ts < b);
    check(
        &c.file,
        &c.all,
        &c.reqs,
        &["--since", &la, "--until", &rb],
        |r| r.ts >= a && r.ts < b,
    );
    // Relative: back from the last line's time.
    let last = c.last;
    let s = 1_000_000;
    check(&c.file, &c.all, &c.reqs, &["--since", "1m"], |r| {
        r.ts >= last - 60 * s
    });
    check(&c.file, &c.all, &c.reqs, &["--until", "30s"], |r| {
        r.ts < last - 30 * s
    });
    check(
        &c.file,
        &c.all,
        &c.reqs,
        &["--since", "1m", "--where", "status>=400"],
        |r| r.ts >= last - 60 * s && r.status >= 400,
    );
}

#[test]
fn exclude_bots_against_a_small_list() {
    let c = case(Format::NginxTimed, 24, 0);
    // Robots by a few words of their names (bots, SEO crawlers, scanners, probes).
    let robot = |ua: &str| {
        let ua = ua.to_ascii_lowercase();
        [
            "bot",
            "facebookexternalhit",
            "zgrab",
            "kube-probe",
            "healthchecker",
            "prometheus",
            "\\x22 and \\x221\\x22",
        ]
        .iter()
        .any(|w| ua.contains(w))
    };
    let robots = c.reqs.iter().filter(|r| robot(&r.ua)).count();
    assert!(robots > 100, "{robots}");
    check(&c.file, &c.all, &c.reqs, &["--exclude-bots"], |r| {
        !robot(&r.ua)
    });
    check(
        &c.file,
        &c.all,
        &c.reqs,
        &["--exclude-bots", "--where", "status>=400"],
        |r| !robot(&r.ua) && r.status >= 400,
    );
    check(
        &c.file,
        &c.all,
        &c.reqs,
        &["--where", "user-agent in (bot, crawler)"],
        |r| robot(&r.ua),
    );
}

#[test]
fn haproxy_filters() {
    let c = case(Format::HaproxyHttp, 25, 0);
    let run =
        |args: &[&str], keep: &dyn Fn(&Req) -> bool| check(&c.file, &c.all, &c.reqs, args, keep);
    run(&["--where", "Ta>1s"], &|r| {
        r.latency_us.is_some_and(|t| t > 1_000_000)
    });
    run(&["--where", "status>=500 or server^='api/'"], &|r| {
        r.status >= 500 || r.server.as_ref().is_some_and(|s| s.starts_with("api/"))
    });
    run(&["--where", "server='api/<NOSRV>' or status=503"], &|r| {
        is(&r.server, "api/<NOSRV>") || r.status == 503
    });
    run(&["--where", "method in (POST) and not path^=/api/"], &|r| {
        is(&r.method, "POST") && !r.path.as_ref().is_some_and(|p| p.starts_with("/api/"))
    });
    let last = c.last;
    run(&["--since", "45s"], &|r| r.ts >= last - 45_000_000);
}

/// `axlog report ARGS` over a small file: exit code and stderr.
fn fails(args: &[&str]) -> (Option<i32>, String) {
    let out = run_stdin(&[&["report"], args, &["-"]].concat(), "");
    (out.status.code(), stderr_of(&out))
}

#[test]
fn bad_expressions_point_at_their_column() {
    let cases = [
        (
            "status>=",
            "axlog: invalid --where expression at column 9: expected a value after >=\n  status>=\n          ^\n",
        ),
        (
            "status>=500 and (method=GET or",
            "axlog: invalid --where expression at column 31: expected a field name, 'not' or '('\n  status>=500 and (method=GET or\n                                ^\n",
        ),
        (
            "path>3",
            "axlog: invalid --where expression at column 5: path is text: expected =, !=, ^=, ~ or in\n  path>3\n      ^\n",
        ),
        (
            "bytes>1XB",
            "axlog: invalid --where expression at column 7: expected a size such as 512, 10KB or 1MiB (units B, KB, MB, GB: 1000; KiB, MiB, GiB: 1024)\n  bytes>1XB\n        ^\n",
        ),
        (
            "method in POST",
            "axlog: invalid --where expression at column 11: expected '(' after method in\n  method in POST\n            ^\n",
        ),
    ];
    for (expr, want) in cases {
        assert_eq!(
            fails(&["--where", expr]),
            (Some(2), want.to_string()),
            "{expr}"
        );
    }
    // Relative times need the newest input's last line: standard input has none.
    let (code, err) = fails(&["--since", "15m"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("standard input does not have"), "{err}");
    let (code, err) = fails(&["--until", "noon"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("'noon' is not a time"), "{err}");
}

#[test]
fn convert_writes_only_the_kept_rows() {
    let c = case(Format::NginxTimed, 26, 0);
    let want = c
        .reqs
        .iter()
        .filter(|r| r.status >= 400 || is(&r.method, "POST"))
        .count();
    for j in ["1", "2"] {
        let out_dir = tempfile::tempdir().unwrap();
        let out = axlog()
            .arg("convert")
            .arg(&c.file)
            .args(["-o"])
            .arg(out_dir.path())
            .args(["--where", "status>=400 or method=POST", "-j", j])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        let filtered = c.reqs.len() - want;
        assert!(
            stderr_of(&out).contains(&format!(", {filtered} filtered")),
            "{}",
            stderr_of(&out)
        );
        assert_eq!(parquet_rows(out_dir.path()), want as u64);
    }
}

/// The rows of every Parquet file under `dir`, from the files' own metadata.
fn parquet_rows(dir: &Path) -> u64 {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    files_under(dir)
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
        .map(|p| {
            let r = SerializedFileReader::new(std::fs::File::open(p).unwrap()).unwrap();
            r.metadata().file_metadata().num_rows() as u64
        })
        .sum()
}
