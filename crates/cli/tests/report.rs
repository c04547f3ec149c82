//! End-to-end tests of `axlog report` on hand-counted fixtures and corpus files.
//! Expected values were counted by hand (testdata/README.md shows the working) or come
//! from the corpus MANIFEST, never from axlog itself.

mod common;

use common::*;
use serde_json::Value;

#[test]
fn timed_fixture_hand_counted() {
    let f = fixture("nginx-timed-small.log");
    let v = report_json(&[f.to_str().unwrap()]);
    assert_eq!(v["layout"]["name"], "nginx-timed");
    assert_eq!(v["layout"]["detected"], true);
    assert_eq!(v["lines"]["read"], 12);
    assert_eq!(v["lines"]["parsed"], 9);
    assert_eq!(v["lines"]["malformed"], 3);
    assert_eq!(v["requests"], 9);
    assert_eq!(v["bytes_sent"], 2820);
    let lines: Vec<u64> = v["malformed_samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![5, 7, 11]);

    assert_eq!(v["time"]["first"]["utc"], "2026-11-21T08:59:58Z");
    assert_eq!(v["time"]["first"]["local"], "2026-11-21T09:59:58+01:00");
    assert_eq!(v["time"]["last"]["utc"], "2026-11-21T09:00:04Z");
    assert_eq!(v["time"]["offsets"], serde_json::json!(["+01:00"]));

    let q = &v["qps"];
    assert_eq!(q["seconds"], 7);
    assert_eq!(q["empty_seconds"], 2);
    assert_eq!(q["peak"], 3);
    assert_eq!(q["peak_second"], "2026-11-21T09:00:03Z");
    assert_eq!(q["p50"], 1);
    assert_eq!(q["p99"], 3);
    assert_eq!(q["mean"].as_f64().unwrap(), 9.0 / 7.0);

    assert_eq!(
        status_counts(&v),
        vec![
            (200, 3),
            (302, 1),
            (304, 1),
            (400, 1),
            (404, 1),
            (499, 1),
            (500, 1)
        ]
    );
    assert_eq!(class_counts(&v), vec![0, 3, 2, 3, 1, 0]);

    let rt = &v["latency"]["request_time"];
    assert_eq!(rt["count"], 9);
    assert_eq!(rt["p50_us"], 20_000);
    assert_eq!(rt["p90_us"], 1_500_000);
    assert_eq!(rt["p99_us"], 1_500_000);
    assert_eq!(rt["p999_us"], 1_500_000);
    assert_eq!(rt["max_us"], 1_500_000);
    assert_eq!(rt["mean_us"].as_f64().unwrap(), 1_853_000.0 / 9.0);
    let up = &v["latency"]["upstream_response_time"];
    assert_eq!(up["count"], 5);
    assert_eq!(up["p50_us"], 25_000);
    assert_eq!(up["p90_us"], 1_200_000);
    assert_eq!(up["max_us"], 1_200_000);
    assert_eq!(up["mean_us"].as_f64().unwrap(), 257_200.0);

    let top: Vec<(String, u64, Option<u64>)> = v["top_paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_string(),
                p["count"].as_u64().unwrap(),
                p["p99_us"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        top,
        vec![
            ("/api/users/1".to_string(), 4, Some(1_500_000)),
            ("/login".to_string(), 2, Some(250_000)),
            ("/".to_string(), 1, Some(1_000)),
            ("/static/app.js".to_string(), 1, Some(2_000)),
        ]
    );
    assert_eq!(v["paths"]["requests_without_path"], 1);
    assert_eq!(v["paths"]["cap_reached"], false);
}

#[test]
fn text_report_shows_the_numbers() {
    let f = fixture("nginx-timed-small.log");
    let out = axlog().arg("report").arg(&f).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("read 12  parsed 9  malformed 3"), "{text}");
    assert!(text.contains("peak 3 at 2026-11-21T09:00:03Z"), "{text}");
    // Top paths became top endpoints: `/api/users/1` is counted as its endpoint.
    assert!(text.contains("/api/users/:id"), "{text}");
    // Line 5's escape sequence is shown escaped, never sent to the terminal.
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("\\x1B[31m"), "{text}");
}

#[test]
fn stdin_and_dash_read_the_same_lines() {
    let f = fixture("nginx-timed-small.log");
    let data = std::fs::read(&f).unwrap();
    let from_file = report_json(&[f.to_str().unwrap()]);
    for args in [&["--output", "json"][..], &["-", "--output", "json"][..]] {
        let out = axlog()
            .arg("report")
            .args(args)
            .write_stdin(data.clone())
            .output()
            .unwrap();
        assert!(out.status.success());
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["sources"][0]["name"], "<stdin>");
        for key in ["lines", "time", "qps", "status", "latency", "top_paths"] {
            assert_eq!(v[key], from_file[key], "{key}");
        }
    }
}

#[test]
fn rejects_keep_every_malformed_line_verbatim() {
    let f = fixture("nginx-timed-small.log");
    let dir = tempfile::tempdir().unwrap();
    let rej = dir.path().join("rejects.log");
    axlog()
        .arg("report")
        .arg(&f)
        .arg("--rejects")
        .arg(&rej)
        .assert()
        .success();
    let data = std::fs::read(&f).unwrap();
    let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    let mut want = Vec::new();
    for i in [4, 6, 10] {
        want.extend_from_slice(lines[i]);
        want.push(b'\n');
    }
    assert_eq!(std::fs::read(&rej).unwrap(), want);
}

#[test]
fn missing_file_is_named_and_others_still_count() {
    let f = fixture("nginx-timed-small.log");
    let out = axlog()
        .args(["report", "/nonexistent/axlog-missing.log"])
        .arg(&f)
        .args(["--output", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/nonexistent/axlog-missing.log: cannot open"),
        "{err}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["requests"], 9);
    assert!(
        v["sources"][0]["error"]
            .as_str()
            .unwrap()
            .contains("axlog-missing.log")
    );
    assert_eq!(v["sources"][1]["lines"], 12);
}

#[test]
fn unreadable_source_is_named_with_its_position() {
    // An empty directory (no log in it) is an input that cannot be read: the error names
    // it and says why.
    // (A damaged archive's error names the byte: see truncated_archive_is_reported.)
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("nginx-timed-small.log");
    let out = axlog()
        .arg("report")
        .arg(&f)
        .arg(dir.path())
        .args(["--output", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let want = format!("{}: a directory with no log files", dir.path().display());
    assert!(err.contains(&want), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["requests"], 9);
    assert_eq!(v["sources"][1]["lines"], 0);
}

#[test]
fn binary_garbage_never_panics() {
    // 1 MB of pseudo-random bytes (with newlines) through the whole binary.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let data: Vec<u8> = (0..1_000_000)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 56) as u8
        })
        .collect();
    let newlines = data.iter().filter(|&&b| b == b'\n').count() as u64;
    let out = axlog()
        .args(["report", "--output", "json"])
        .write_stdin(data.clone())
        .output()
        .unwrap();
    // The report is written; exit 6 says no line parsed.
    assert_eq!(
        out.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let last_unterminated = u64::from(data.last() != Some(&b'\n'));
    assert_eq!(v["lines"]["read"], newlines + last_unterminated);
    assert_eq!(v["lines"]["malformed"], newlines + last_unterminated);
    // The text report of the same input escapes what it shows.
    let out = axlog().arg("report").write_stdin(data).output().unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert!(!out.stdout.contains(&0x1b));
}

#[test]
fn unknown_format_and_unwritable_rejects_are_usage_errors() {
    let f = fixture("nginx-timed-small.log");
    axlog()
        .arg("report")
        .arg(&f)
        .args(["--format", "nope"])
        .assert()
        .code(2);
    let out = axlog()
        .arg("report")
        .arg(&f)
        .args(["--rejects", "/nonexistent/dir/rejects.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot create rejects file"));
    assert!(out.stdout.is_empty());
}

#[test]
fn forced_combined_reads_timed_lines_without_timings() {
    let f = fixture("nginx-timed-small.log");
    let v = report_json(&[f.to_str().unwrap(), "--format", "nginx-combined"]);
    assert_eq!(v["layout"]["detected"], false);
    assert_eq!(v["lines"]["parsed"], 9);
    assert_eq!(v["latency"]["request_time"], Value::Null);
}

#[test]
fn empty_input_gives_an_empty_report() {
    let out = axlog()
        .args(["report", "--output", "json"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lines"]["read"], 0);
    assert_eq!(v["qps"], Value::Null);
    assert_eq!(v["time"], Value::Null);
}

// --- corpus (../shared/corpus, see its MANIFEST.md) ---

#[test]
fn corpus_elastic_apache_logs_status_classes() {
    // MANIFEST: 10000 lines; 2xx 9171 / 3xx 609 / 4xx 217 / 5xx 3. Line 8899 (a 200) is
    // cut inside its user agent (an odd number of quotes: `awk -F'"' 'NF%2==0'` finds
    // it alone): a cut line is malformed, so 2xx has one less.
    let v = report_json(&[corpus("elastic-examples/apache_logs").to_str().unwrap()]);
    assert_eq!(v["lines"]["read"], 10_000);
    assert_eq!(v["lines"]["malformed"], 1);
    assert_eq!(v["malformed_samples"][0]["line"], 8899);
    assert_eq!(class_counts(&v), vec![0, 9170, 609, 217, 3, 0]);
}

#[test]
fn corpus_lnav_access_logs() {
    // lnav's expected table: 3 rows, statuses 200, 404, 200 at 22:59:26 and 22:59:29.
    let v = report_json(&[corpus("lnav/logfile_access_log.0").to_str().unwrap()]);
    assert_eq!(status_counts(&v), vec![(200, 2), (404, 1)]);
    assert_eq!(v["time"]["first"]["utc"], "2009-07-20T22:59:26Z");
    assert_eq!(v["time"]["last"]["utc"], "2009-07-20T22:59:29Z");
    assert_eq!(v["qps"]["seconds"], 4);
    assert_eq!(v["qps"]["peak"], 2);
    // Line 2 lacks the ident and user fields: lnav rejects it, so does axlog.
    let v = report_json(&[corpus("lnav/logfile_bad_access_log.0").to_str().unwrap()]);
    assert_eq!(v["lines"]["malformed"], 1);
    assert_eq!(v["malformed_samples"][0]["line"], 2);
    // A request of "-" with status 400 is a request without a path.
    let v = report_json(&[corpus("lnav/logfile_access_log.1").to_str().unwrap()]);
    assert_eq!(status_counts(&v), vec![(400, 1)]);
    assert_eq!(v["paths"]["requests_without_path"], 1);
}

#[test]
fn corpus_shop_log_offsets() {
    // nginx "main" layout (combined + "$http_x_forwarded_for"), +0330, 1000 lines.
    let v = report_json(&[corpus("lnav/logfile_shop_access_log.0").to_str().unwrap()]);
    assert_eq!(v["lines"]["parsed"], 1000);
    assert_eq!(v["time"]["offsets"], serde_json::json!(["+03:30"]));
    assert_eq!(v["time"]["first"]["local"], "2019-01-22T03:56:14+03:30");
    assert_eq!(v["time"]["first"]["utc"], "2019-01-22T00:26:14Z");
}

/// `-j 1` and `-j 4` write the same JSON report, byte for byte, and the same rejects file,
/// on generated nginx-timed and HAProxy lines (several read chunks each, some malformed);
/// so does `-j 4` reading them from standard input.
#[test]
fn thread_count_does_not_change_the_report() {
    use axlog_testgen::{Config, Format, Limit};
    let dir = tempfile::tempdir().unwrap();
    for format in [Format::NginxTimed, Format::HaproxyHttp] {
        let mut data = axlog_testgen::generate(&Config {
            format,
            limit: Limit::Bytes(4_500_000),
            seed: 3,
            ..Config::default()
        });
        // A broken line in the middle of a read chunk, and one at the very end.
        let mid = data.len() / 2;
        let nl = mid + data[mid..].iter().position(|&b| b == b'\n').unwrap() + 1;
        data.splice(nl..nl, b"not a log line\n".iter().copied());
        data.extend_from_slice(b"\xff\xfe truncated");
        let log = dir.path().join("access.log");
        std::fs::write(&log, &data).unwrap();
        let log_name = log.to_str().unwrap();
        let run = |j: &str| {
            let rejects = dir.path().join(format!("rejects-{j}"));
            report_json_and_rejects(&["-j", j, log_name], &rejects)
        };
        let (one, one_rejects) = run("1");
        let (four, four_rejects) = run("4");
        // With the path table full: the same paths tracked, the same untracked count.
        let capped = |j: &str| report_json_text(&["--max-paths", "50", "-j", j, log_name]);
        let capped_one = capped("1");
        let v: Value = serde_json::from_str(&capped_one).unwrap();
        assert_eq!(v["paths"]["cap_reached"], true, "{}", v["paths"]);
        assert!(v["paths"]["untracked_requests"].as_u64().unwrap() > 0);
        assert_eq!(capped_one, capped("4"), "{format:?} with a full path table");
        // Standard input: one reading thread hands the chunks out.
        let piped = axlog()
            .args(["report", "--output", "json", "-j", "4"])
            .write_stdin(data.clone())
            .output()
            .unwrap();
        assert!(piped.status.success());
        let piped: Value = serde_json::from_slice(&piped.stdout).unwrap();
        let mut from_file: Value = serde_json::from_str(&one).unwrap();
        // The same report but for the source's name.
        from_file["sources"][0]["name"] = piped["sources"][0]["name"].clone();
        for s in from_file["malformed_samples"].as_array_mut().unwrap() {
            s["source"] = piped["sources"][0]["name"].clone();
        }
        assert_eq!(piped, from_file, "{format:?}");
        assert_eq!(one, four, "{format:?}");
        assert_eq!(one_rejects, four_rejects, "{format:?}");
        // The two lines added here are among the rejects, in input order.
        let text = String::from_utf8_lossy(&one_rejects);
        let (a, b) = (
            text.find("not a log line").unwrap(),
            text.find("truncated").unwrap(),
        );
        assert!(a < b, "{text}");
        let v: Value = serde_json::from_str(&one).unwrap();
        assert!(v["lines"]["read"].as_u64().unwrap() > 15_000, "{v}");
    }
}

/// Latencies in microseconds (Apache `%D`) with more distinct values than a histogram keeps
/// exactly: every value is rounded, so `-j 1`, `-j 2` and `-j 4`, whose workers each see
/// a part of the values, give the same report, and its percentiles are the nearest ranks
/// of the rounded values.
#[test]
fn rounded_latencies_do_not_depend_on_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let n: u64 = 140_000;
    let mut text = String::new();
    let mut values = Vec::new();
    for i in 0..n {
        let us = (i * 7_919) % 1_000_003 + 1;
        values.push(us);
        let (m, s) = (i / 60 % 60, i % 60);
        text.push_str(&format!(
            "10.0.0.{} - - [21/Nov/2026:10:{m:02}:{s:02} +0000] \"GET /p/{} HTTP/1.1\" 200 512 {us}\n",
            i % 200,
            i % 50
        ));
    }
    let log = dir.path().join("access.log");
    std::fs::write(&log, &text).unwrap();
    let log = log.to_str().unwrap();
    let run = |j| {
        report_json_text(&[
            "-j",
            j,
            "--log-format",
            r#"%h %l %u %t "%r" %>s %b %D"#,
            log,
        ])
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert_eq!(one, run("4"));
    // Nearest rank over the values rounded to 10 significant bits.
    let mut rounded: Vec<u64> = values
        .iter()
        .map(|&x| {
            let bits = 64 - x.leading_zeros();
            if bits > 10 {
                x & !((1u64 << (bits - 10)) - 1)
            } else {
                x
            }
        })
        .collect();
    rounded.sort_unstable();
    let rank = |q: u64| rounded[((n * q).div_ceil(100) - 1) as usize];
    let v: Value = serde_json::from_str(&one).unwrap();
    let rt = &v["latency"]["request_time"];
    assert_eq!(rt["approximate"], true);
    assert_eq!(
        (rt["p50_us"].as_u64(), rt["p99_us"].as_u64()),
        (Some(rank(50)), Some(rank(99)))
    );
    assert_eq!(rt["max_us"].as_u64(), values.iter().max().copied());
}

/// A rotated set (`access.log.3.zst`, a two-member `access.log.2.gz`, `access.log.1`,
/// `access.log`) given as the shell lists `access.log*`, or as its directory, reads as the
/// one file they were cut from: the same report but for the sources.
#[test]
fn rotated_set_reads_as_the_file_it_was_cut_from() {
    use axlog_testgen::{Config, Format, Limit};
    use std::io::Write;
    let data = axlog_testgen::generate(&Config {
        format: Format::NginxTimed,
        limit: Limit::Lines(12_000),
        seed: 5,
        ..Config::default()
    });
    let lines: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
    let part = |k: usize| lines[k * 3000..(k + 1) * 3000].concat();
    let dir = tempfile::tempdir().unwrap();
    let rot = dir.path().join("rot");
    std::fs::create_dir(&rot).unwrap();
    let whole = dir.path().join("whole.log");
    std::fs::write(&whole, &data).unwrap();
    std::fs::write(
        rot.join("access.log.3.zst"),
        zstd::stream::encode_all(&part(0)[..], 3).unwrap(),
    )
    .unwrap();
    let gz = |d: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(d).unwrap();
        e.finish().unwrap()
    };
    // Two gzip members, as `cat a.gz b.gz` or pigz write.
    let second = part(1);
    let (a, b) = second.split_at(100_000);
    let mut two = gz(a);
    two.extend(gz(b));
    std::fs::write(rot.join("access.log.2.gz"), two).unwrap();
    std::fs::write(rot.join("access.log.1"), part(2)).unwrap();
    std::fs::write(rot.join("access.log"), part(3)).unwrap();

    let whole_report = report_json(&[whole.to_str().unwrap()]);
    for args in [
        // As a shell expands `access.log*`: byte order.
        [
            "access.log",
            "access.log.1",
            "access.log.2.gz",
            "access.log.3.zst",
        ]
        .map(|n| rot.join(n).display().to_string())
        .to_vec(),
        vec![rot.display().to_string()],
        vec![format!("{}/access.log*", rot.display())],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut got = report_json(&args);
        let sources: Vec<(String, u64)> = got["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let name = s["name"].as_str().unwrap();
                (
                    name.rsplit('/').next().unwrap().to_string(),
                    s["lines"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            sources,
            [
                ("access.log.3.zst".to_string(), 3000),
                ("access.log.2.gz".to_string(), 3000),
                ("access.log.1".to_string(), 3000),
                ("access.log".to_string(), 3000)
            ]
        );
        // Malformed samples: the same lines, each named in its own file and line; the
        // whole file's line k is line k - 3000 * part of its part.
        let want_samples: Vec<(String, u64)> = whole_report["malformed_samples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let line = s["line"].as_u64().unwrap();
                let part = ((line - 1) / 3000) as usize;
                (sources[part].0.clone(), line - 3000 * part as u64)
            })
            .collect();
        let got_samples: Vec<(String, u64)> = got["malformed_samples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["source"]
                        .as_str()
                        .unwrap()
                        .rsplit('/')
                        .next()
                        .unwrap()
                        .to_string(),
                    s["line"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(got_samples, want_samples);
        assert!(!got_samples.is_empty());
        // Each file's requests, 4xx and 5xx shares and p99, counted here from its lines:
        // `… "REQUEST" STATUS BYTES "REFERER" "UA" RT UT`, split at the quotes.
        for (k, src) in got["sources"].as_array().unwrap().iter().enumerate() {
            let (mut n, mut c4, mut c5, mut rts) = (0u64, 0u64, 0u64, Vec::new());
            for l in &lines[k * 3000..(k + 1) * 3000] {
                let Ok(l) = std::str::from_utf8(l) else {
                    continue;
                };
                let q: Vec<&str> = l.trim_end().split('"').collect();
                let (Some(mid), Some(tail)) = (q.get(2), q.get(6)) else {
                    continue;
                };
                let (Some(status), Some(rt)) = (
                    mid.split_whitespace()
                        .next()
                        .and_then(|v| v.parse::<u64>().ok()),
                    tail.split_whitespace()
                        .next()
                        .and_then(|v| v.parse::<f64>().ok()),
                ) else {
                    continue;
                };
                if q.len() != 7 || status > 999 {
                    continue;
                }
                n += 1;
                c4 += u64::from((400..500).contains(&status));
                c5 += u64::from((500..600).contains(&status));
                rts.push((rt * 1e6).round() as u64);
            }
            rts.sort_unstable();
            let p99 = rts[((rts.len() as f64 * 0.99).ceil() as usize).max(1) - 1];
            assert_eq!(src["requests"].as_u64(), Some(n), "{src}");
            assert_eq!(
                src["client_error_share"].as_f64(),
                Some(c4 as f64 / n as f64)
            );
            assert_eq!(
                src["server_error_share"].as_f64(),
                Some(c5 as f64 / n as f64)
            );
            assert_eq!(src["p99_us"].as_u64(), Some(p99), "{src}");
        }
        let mut want = whole_report.clone();
        for v in [&mut got, &mut want] {
            v["sources"] = Value::Null;
            v["malformed_samples"] = Value::Null;
        }
        assert_eq!(got, want);
    }
}

/// Archives are read several at once (each by a decoding thread of its own): the report
/// and the rejects file are those of reading them one after the other, with a full path
/// table too, and the rejects are those of the one file the archives were cut from.
#[test]
fn many_archives_read_at_once_give_the_same_report() {
    use axlog_testgen::{Config, Format, Limit};
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    // The five parts as one plain file: read by a single reader, it gives the rejects
    // the archives must give together.
    let mut whole = Vec::new();
    for k in 0..5u64 {
        let mut data = axlog_testgen::generate(&Config {
            format: Format::NginxTimed,
            limit: Limit::Lines(4000 + 500 * k),
            seed: 20 + k,
            ..Config::default()
        });
        data.extend_from_slice(format!("broken line of archive {k}\n").as_bytes());
        whole.extend_from_slice(&data);
        let path = dir.path().join(format!(
            "access.log.{}.{}",
            5 - k,
            ["gz", "zst"][k as usize % 2]
        ));
        let bytes = if k % 2 == 0 {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(&data).unwrap();
            e.finish().unwrap()
        } else {
            zstd::stream::encode_all(&data[..], 1).unwrap()
        };
        std::fs::write(&path, bytes).unwrap();
        names.push(path.display().to_string());
    }
    let run = |j: &str, max_paths: &str| {
        let rejects = dir.path().join(format!("rejects-{j}-{max_paths}"));
        let mut args = vec!["--format", "nginx-timed", "-j", j, "--max-paths", max_paths];
        args.extend(names.iter().map(String::as_str));
        report_json_and_rejects(&args, &rejects)
    };
    let whole_log = dir.path().join("whole.log");
    std::fs::write(&whole_log, &whole).unwrap();
    let (_, want_rejects) = report_json_and_rejects(
        &[
            "--format",
            "nginx-timed",
            "-j",
            "1",
            whole_log.to_str().unwrap(),
        ],
        &dir.path().join("rejects-whole"),
    );
    // The lines added here are among them, once each, in archive order.
    let text = String::from_utf8_lossy(&want_rejects);
    let at: Vec<usize> = (0..5)
        .map(|k| {
            let line = format!("broken line of archive {k}\n");
            assert_eq!(text.matches(&line).count(), 1, "{line}");
            text.find(&line).unwrap()
        })
        .collect();
    assert!(at.is_sorted(), "{at:?}");
    for max_paths in ["100000", "40"] {
        let (one, one_rejects) = run("1", max_paths);
        assert_eq!(
            String::from_utf8_lossy(&one_rejects),
            String::from_utf8_lossy(&want_rejects)
        );
        let v: Value = serde_json::from_str(&one).unwrap();
        assert_eq!(v["sources"].as_array().unwrap().len(), 5);
        assert_eq!(
            v["paths"]["cap_reached"],
            max_paths == "40",
            "{}",
            v["paths"]
        );
        for j in ["2", "3"] {
            let (got, got_rejects) = run(j, max_paths);
            assert_eq!(got, one, "-j {j} --max-paths {max_paths}");
            assert_eq!(got_rejects, one_rejects, "-j {j}");
        }
    }
}

/// A truncated archive: its path and where decoding stopped are reported, the lines
/// before the damage count, the other inputs are read, and the exit code is 1.
#[test]
fn truncated_archive_is_reported_and_the_rest_read() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let text: String = (0..20_000)
        .map(|k| {
            format!(
                "10.0.0.1 - - [21/Nov/2026:10:{:02}:{:02} +0000] \"GET /p{k} HTTP/1.1\" 200 5 \"-\" \"ua\"\n",
                k / 60 % 60,
                k % 60
            )
        })
        .collect();
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    let full = e.finish().unwrap();
    let cut = dir.path().join("old.log.1.gz");
    std::fs::write(&cut, &full[..full.len() / 2]).unwrap();
    let ok = dir.path().join("new.log");
    let first_5000: String = text.split_inclusive('\n').take(5000).collect();
    std::fs::write(&ok, first_5000).unwrap();
    for j in ["1", "2"] {
        let out = axlog()
            .args(["report", "--output", "json", "-j", j])
            .arg(&cut)
            .arg(&ok)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "-j {j}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("old.log.1.gz"), "{stderr}");
        assert!(stderr.contains("gzip archive truncated"), "{stderr}");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let sources = v["sources"].as_array().unwrap();
        // The lines decoded before the damage count (not all 20,000, not none); the other
        // file is read in full.
        let before = sources[0]["lines"].as_u64().unwrap();
        assert!(before > 1000 && before < 20_000, "{before}");
        assert!(sources[0]["error"].as_str().unwrap().contains("byte"));
        assert_eq!(sources[1]["lines"], 5000);
        // The line the damage cut is malformed (kept in rejects): its text is the start
        // of that line.
        assert_eq!(v["lines"]["malformed"].as_u64().unwrap(), 1, "-j {j}: {v}");
        let sample = &v["malformed_samples"][0];
        assert_eq!(sample["line"].as_u64(), Some(before));
        let original = text.lines().nth(before as usize - 1).unwrap();
        assert!(
            original.starts_with(sample["text"].as_str().unwrap()),
            "{sample}"
        );
    }
}

/// With stderr not a terminal (a pipe, a cron job), no progress bar is drawn.
#[test]
fn no_progress_bar_unless_stderr_is_a_terminal() {
    let f = fixture("nginx-timed-small.log");
    let out = axlog().arg("report").arg(&f).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// `--every 10s`: one report a line per 10 s of log time, counted by hand: lines at
/// 10:00:01, :02, :09, :11, :12 (late: :08), :35; :20–:29, without a line, has its line.
#[test]
fn every_interval_of_log_time_a_line() {
    let line = |t: &str, status: u16| {
        format!(
            "1.2.3.4 - - [21/Nov/2026:10:00:{t} +0000] \"GET /a HTTP/1.1\" {status} 5 \"-\" \"ua\" 0.010 0.009\n"
        )
    };
    let text: String = [
        ("01", 200),
        ("02", 500),
        ("09", 200),
        ("11", 404),
        ("12", 200),
        ("08", 200),
        ("35", 200),
    ]
    .iter()
    .map(|(t, s)| line(t, *s))
    .collect();
    let out = axlog()
        .args(["report", "--every", "10s", "--output", "json"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let windows: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(String, u64)> = windows
        .iter()
        .map(|w| {
            (
                w["window"]["start"].as_str().unwrap().to_string(),
                w["report"]["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2026-11-21T10:00:00Z".to_string(), 3),
            // The late :08 line counts in the interval being counted.
            ("2026-11-21T10:00:10Z".to_string(), 3),
            // No request in :20–:29: written, with zeros.
            ("2026-11-21T10:00:20Z".to_string(), 0),
            ("2026-11-21T10:00:30Z".to_string(), 1),
        ]
    );
    assert_eq!(windows[0]["report"]["layout"]["name"], "nginx-timed");
    // The text form: the same intervals, a line each.
    let out = axlog()
        .args(["report", "--every", "10s"])
        .write_stdin(text)
        .output()
        .unwrap();
    let text_out = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text_out.lines().collect();
    assert_eq!(lines.len(), 4, "{text_out}");
    assert!(
        lines[0].starts_with("2026-11-21T10:00:00Z 10s  requests 3"),
        "{text_out}"
    );
    assert!(lines[0].contains("5xx 33.33%"), "{text_out}");
    // Two inputs, a zero interval, and --rejects with --every are usage errors.
    for args in [
        vec!["report", "--every", "10s", "a.log", "b.log"],
        vec!["report", "--every", "0s"],
        vec!["report", "--every", "10s", "--rejects", "r.log"],
    ] {
        let out = axlog().args(&args).write_stdin("").output().unwrap();
        assert!(!out.status.success(), "{args:?}");
    }
}

/// `--source-label`: the files of each argument (a server's directory of rotated logs)
/// are one row of the per-source breakdown, under the label.
#[test]
fn source_labels_name_each_arguments_files() {
    let line = |t: u32, status: u16| {
        format!(
            "1.2.3.4 - - [21/Nov/2026:10:00:{t:02} +0000] \"GET /a HTTP/1.1\" {status} 5 \"-\" \"ua\" 0.010 0.009\n"
        )
    };
    let dir = tempfile::tempdir().unwrap();
    for (server, files) in [
        (
            "web1",
            vec![("access.log.1", 3, 200), ("access.log", 2, 500)],
        ),
        ("web2", vec![("access.log", 4, 404)]),
    ] {
        let d = dir.path().join(server);
        std::fs::create_dir(&d).unwrap();
        for (name, n, status) in files {
            let text: String = (0..n).map(|k| line(k, status)).collect();
            std::fs::write(d.join(name), text).unwrap();
        }
    }
    let (w1, w2) = (dir.path().join("web1"), dir.path().join("web2"));
    let v = report_json(&[
        w1.to_str().unwrap(),
        w2.to_str().unwrap(),
        "--source-label",
        "web1",
        "--source-label",
        "web2",
    ]);
    let rows: Vec<(String, u64, u64, f64, f64)> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["lines"].as_u64().unwrap(),
                s["requests"].as_u64().unwrap(),
                s["client_error_share"].as_f64().unwrap(),
                s["server_error_share"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("web1".to_string(), 5, 5, 0.0, 2.0 / 5.0),
            ("web2".to_string(), 4, 4, 1.0, 0.0)
        ]
    );
    // More labels than arguments is a usage error.
    let out = axlog()
        .args(["report", "--source-label", "a", "--source-label", "b"])
        .arg(&w1)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// HAProxy's timers and backend/server breakdown, counted by hand on four lines (one
/// that never reached a server: its Tw, Tc and Tr are -1, absent).
#[test]
fn haproxy_timers_and_servers_hand_counted() {
    let line = |srv: &str, timers: &str, status: u16| {
        format!(
            "10.0.0.1:5555 [21/Nov/2026:10:00:01.000] fe {srv} {timers} {status} 100 - - ---- 1/1/1/1/0 0/0 \"GET / HTTP/1.1\"\n"
        )
    };
    let text = [
        line("be1/s1", "1/0/2/10/13", 200),
        line("be1/s1", "2/0/1/20/23", 500),
        line("be1/s2", "3/-1/-1/-1/30", 503),
        line("be2/s1", "0/5/1/30/36", 200),
    ]
    .concat();
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("haproxy.log");
    std::fs::write(&f, text).unwrap();
    let v = report_json(&[f.to_str().unwrap()]);
    let h = &v["haproxy"];
    let stat = |t: &str| {
        (
            h[t]["count"].as_u64().unwrap(),
            h[t]["p50_us"].as_u64().unwrap(),
            h[t]["p99_us"].as_u64().unwrap(),
        )
    };
    // TR 0,1,2,3 ms; Tw 0,0,5; Tc 1,1,2; Tr 10,20,30; Ta 13,23,30,36 (nearest rank).
    assert_eq!(stat("tr"), (4, 1_000, 3_000));
    assert_eq!(stat("tw"), (3, 0, 5_000));
    assert_eq!(stat("tc"), (3, 1_000, 2_000));
    assert_eq!(stat("tr_server"), (3, 20_000, 30_000));
    assert_eq!(stat("ta"), (4, 23_000, 36_000));
    let servers: Vec<(String, u64, u64)> = h["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["count"].as_u64().unwrap(),
                s["p99_us"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        servers,
        [
            ("be1/s1".to_string(), 2, 23_000),
            ("be1/s2".to_string(), 1, 30_000),
            ("be2/s1".to_string(), 1, 36_000)
        ]
    );
    assert_eq!(h["distinct_servers"], 3);
    // nginx lines have none.
    let nginx = report_json(&[fixture("nginx-timed-small.log").to_str().unwrap()]);
    assert!(nginx["haproxy"].is_null());
}

/// `--source-by-host`: HAProxy lines of two load balancers in one shared log are two rows
/// of the breakdown, named by their syslog host; the file keeps the line that has none.
#[test]
fn source_by_host_gives_a_row_per_load_balancer() {
    let line = |host: &str, status: u16, ta: u32| {
        format!(
            "Nov 21 10:00:01 {host} haproxy[1]: 10.0.0.1:5555 [21/Nov/2026:10:00:01.000] fe be/s1 0/0/1/2/{ta} {status} 100 - - ---- 1/1/1/1/0 0/0 \"GET / HTTP/1.1\"\n"
        )
    };
    let text = [
        line("lb2", 200, 5),
        line("lb1", 200, 10),
        line("lb1", 404, 20),
        "not a log line\n".to_string(),
        line("lb2", 200, 7),
        line("lb1", 503, 30),
    ]
    .concat();
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("haproxy.log");
    std::fs::write(&f, text).unwrap();
    let f = f.to_str().unwrap();
    let rows = |v: &Value| -> Vec<(String, u64, u64, f64, f64, Option<u64>)> {
        v["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"]
                        .as_str()
                        .unwrap()
                        .rsplit('/')
                        .next()
                        .unwrap()
                        .to_string(),
                    s["requests"].as_u64().unwrap(),
                    s["malformed"].as_u64().unwrap(),
                    s["client_error_share"].as_f64().unwrap(),
                    s["server_error_share"].as_f64().unwrap(),
                    s["p99_us"].as_u64(),
                )
            })
            .collect()
    };
    let by_host = report_json(&["--source-by-host", f]);
    assert_eq!(
        rows(&by_host),
        [
            ("haproxy.log".to_string(), 0, 1, 0.0, 0.0, None),
            ("lb1".to_string(), 3, 0, 1.0 / 3.0, 1.0 / 3.0, Some(30_000)),
            ("lb2".to_string(), 2, 0, 0.0, 0.0, Some(7_000)),
        ]
    );
    assert_eq!(by_host, report_json(&["--source-by-host", "-j", "3", f]));
    // Without it, one row: the file's.
    assert_eq!(
        rows(&report_json(&[f])),
        [("haproxy.log".to_string(), 5, 1, 0.2, 0.2, Some(30_000))]
    );
}
