//! Layout detection defects: JSON templates named by their keys, odd lines among timed
//! ones, timed variants of `combined`, server diagnostics in an access stream. Every line
//! here is made up for the test; expected values are counted by hand from these lines.

mod common;

use common::*;
use serde_json::Value;

// ---- item 1: JSON templates --------------------------------------------------------

/// An nginx `escape=json` template whose time key is `time`: three requests (200, 404,
/// 200), 7 + 11 + 0 bytes, request times 5, 250 and 40 ms.
#[test]
fn item1_nginx_json_template_with_a_time_key() {
    let input = concat!(
        r#"{"time":"2025-03-04T05:06:07+00:00","remote_addr":"10.9.8.7","request":"GET /a HTTP/1.1","status":"200","body_bytes_sent":"7","request_time":"0.005"}"#,
        "\n",
        r#"{"time":"2025-03-04T05:06:08+00:00","remote_addr":"10.9.8.6","request":"GET /b HTTP/1.1","status":"404","body_bytes_sent":"11","request_time":"0.250"}"#,
        "\n",
        r#"{"time":"2025-03-04T05:06:09+00:00","remote_addr":"10.9.8.7","request":"POST /a HTTP/1.1","status":"200","body_bytes_sent":"0","request_time":"0.040"}"#,
        "\n",
    );
    let v = report_stdin(&[], input);
    assert_eq!(v["layout"]["name"], "nginx-json");
    assert_eq!(v["lines"]["parsed"], 3);
    assert_eq!(status_counts(&v), vec![(200, 2), (404, 1)]);
    assert_eq!(v["bytes_sent"], 18);
    assert_eq!(v["latency"]["request_time"]["count"], 3);
    assert_eq!(v["latency"]["request_time"]["max_us"], 250_000);
    // 2025-03-04T05:06:07Z: 1741064767 s since the epoch.
    assert_eq!(v["time"]["first"]["epoch_us"], 1_741_064_767_000_000i64);
}

/// Every time key the common nginx JSON templates use reads without `--format`.
#[test]
fn item1_every_common_time_key() {
    // 1741064767 = 2025-03-04T05:06:07Z.
    let cases = [
        ("time", r#""2025-03-04T05:06:07+00:00""#),
        ("time_local", r#""04/Mar/2025:06:06:07 +0100""#),
        ("time_iso8601", r#""2025-03-04T05:06:07Z""#),
        ("@timestamp", r#""2025-03-04T05:06:07.000Z""#),
        ("timestamp", r#""2025-03-04T07:06:07+02:00""#),
        ("msec", r#""1741064767.000""#),
    ];
    for (key, value) in cases {
        let line = format!(
            r#"{{"{key}":{value},"remote_addr":"1.1.1.1","request":"GET /t HTTP/1.1","status":"503","body_bytes_sent":"3","request_time":"0.002"}}"#
        );
        let v = report_stdin(&[], &format!("{line}\n{line}\n"));
        assert_eq!(v["lines"]["parsed"], 2, "{key}");
        assert_eq!(status_counts(&v), vec![(503, 2)], "{key}");
        assert_eq!(
            v["time"]["first"]["epoch_us"], 1_741_064_767_000_000i64,
            "{key}"
        );
    }
}

/// ISUCON-style keys match no preset: they are mapped by their names, the mapping is
/// shown, and `--json-fields` overrides it.
#[test]
fn item1_keys_of_no_preset_are_mapped_by_name() {
    let line = |t: &str, status: u32, body: u32, rt: &str, resp: &str| {
        format!(
            r#"{{"time":"{t}","method":"GET","uri":"/items/{body}?x=1","status":{status},"body_bytes":{body},"ua":"bench/1","request_time":{rt},"response_time":"{resp}"}}"#
        )
    };
    let input = [
        line("2025-03-04T05:06:07+00:00", 200, 12, "0.120", "0.100"),
        line("2025-03-04T05:06:07+00:00", 302, 0, "0.003", "0.001"),
        line("2025-03-04T05:06:08+00:00", 200, 30, "0.007", "0.006"),
    ]
    .join("\n");
    let v = report_stdin(&[], &input);
    assert_eq!(v["lines"]["parsed"], 3);
    assert_eq!(v["layout"]["detected"], true);
    assert_eq!(status_counts(&v), vec![(200, 2), (302, 1)]);
    assert_eq!(v["bytes_sent"], 42);
    // request_time is the request's latency (max 120 ms).
    assert_eq!(v["latency"]["request_time"]["max_us"], 120_000);
    let paths = top_paths(&v);
    assert!(paths.iter().any(|(p, _)| p == "/items/12"), "{paths:?}");
    // The report says which key fills which field.
    let note = v["sources"][0]["layout_note"].as_str().unwrap();
    for part in [
        "ts=time",
        "status=status",
        "latency=request_time",
        "bytes=body_bytes",
    ] {
        assert!(note.contains(part), "{note}");
    }
    let text = stdout_of(&run_stdin(&["report"], &input));
    assert!(text.contains("status=status"), "{text}");
    let explained = stdout_of(&run_stdin(&["explain"], &input));
    assert!(explained.contains("ts=time"), "{explained}");
    assert!(explained.contains("uri=uri"), "{explained}");
    // The user's mapping wins: latency from response_time (max 100 ms).
    let v = report_stdin(
        &[
            "--json-fields",
            "ts=time,status=status,latency=response_time:s",
        ],
        &input,
    );
    assert_eq!(v["latency"]["request_time"]["max_us"], 100_000);
}

/// JSON lines without a time or a status key fit no layout; the message says which
/// `--json-fields` to write.
#[test]
fn item1_json_without_time_or_status_fits_nothing() {
    let input = concat!(
        r#"{"when":"2025-03-04T05:06:07Z","code":200,"path":"/a"}"#,
        "\n",
        r#"{"when":"2025-03-04T05:06:08Z","code":500,"path":"/b"}"#,
        "\n",
    );
    // The report is still written; exit 6 says no layout fitted.
    let out = run_stdin(&["report", "--output", "json"], input);
    assert_eq!(out.status.code(), Some(6));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lines"]["parsed"], 0);
    assert_eq!(v["layout"], Value::Null);
    let err = stderr_of(&run_stdin(&["report"], input));
    assert!(err.contains("--json-fields"), "{err}");
    assert!(err.contains("uri=path"), "{err}");
    assert!(err.contains("ts="), "{err}");
    assert!(err.contains("when"), "{err}");
}

/// Traefik's own lines still read as Traefik's.
#[test]
fn item1_traefik_lines_stay_traefik() {
    let line = r#"{"ClientHost":"10.0.0.5","DownstreamContentSize":120,"DownstreamStatus":201,"Duration":3000000,"OriginDuration":2000000,"RequestMethod":"PUT","RequestPath":"/v","StartUTC":"2025-03-04T05:06:07.5Z","time":"2025-03-04T05:06:07Z"}"#;
    let v = report_stdin(&[], &format!("{line}\n{line}\n"));
    assert_eq!(v["layout"]["name"], "traefik-json");
    assert_eq!(status_counts(&v), vec![(201, 2)]);
    assert_eq!(v["latency"]["request_time"]["max_us"], 3000);
}

// ---- item 4: odd lines in a timed file ----------------------------------------------

/// A timed line: `combined` + ` $request_time $upstream_response_time`.
fn timed_line(i: usize) -> String {
    format!(
        r#"192.0.2.{} - - [04/Mar/2025:05:{:02}:{:02} +0000] "GET /p{} HTTP/1.1" 200 {} "-" "t/1" 0.{:03} 0.001"#,
        i % 250,
        (i / 60) % 60,
        i % 60,
        i % 5,
        i,
        i % 1000
    )
}

#[test]
fn item4_one_odd_line_does_not_drop_the_timings() {
    let mut lines: Vec<String> = (0..2000).map(timed_line).collect();
    // Line 38 has one more field after the timings.
    lines[37].push_str(" extra");
    let input = lines.join("\n") + "\n";
    let v = report_stdin(&["--threads", "1"], &input);
    assert_eq!(v["layout"]["name"], "nginx-timed");
    assert_eq!(v["lines"]["read"], 2000);
    assert_eq!(v["lines"]["parsed"], 1999);
    assert_eq!(v["lines"]["malformed"], 1);
    assert_eq!(v["latency"]["request_time"]["count"], 1999);
    // The largest request time: 0.999 s (lines 999 and 1999).
    assert_eq!(v["latency"]["request_time"]["max_us"], 999_000);
}

// ---- item 27: timed variants of combined ---------------------------------------------

#[test]
fn item27_combined_with_a_trailing_request_time() {
    let input: String = (0..50)
        .map(|i| {
            format!(
                r#"198.51.100.1 - - [04/Mar/2025:05:06:{:02} +0000] "GET /r HTTP/1.1" 200 5 "-" "c/2" {}.{:03}"#,
                i,
                i / 10,
                i
            ) + "\n"
        })
        .collect();
    let v = report_stdin(&[], &input);
    assert_eq!(v["layout"]["name"], "nginx-combined-rt");
    assert_eq!(v["lines"]["parsed"], 50);
    assert_eq!(v["latency"]["request_time"]["count"], 50);
    // i = 49: 4.049 s.
    assert_eq!(v["latency"]["request_time"]["max_us"], 4_049_000);
}

/// `main` with `|$request_time|$upstream_response_time` after it: the report says that
/// the lines carry more fields, with one, and the `--log-format` that names them.
#[test]
fn item27_unknown_suffix_is_reported_with_the_log_format_to_give() {
    let input: String = (0..20)
        .map(|i| {
            format!(
                r#"203.0.113.9 - - [04/Mar/2025:05:06:{i:02} +0000] "GET /m HTTP/1.1" 200 9 "-" "m/3" "-"|0.{i:03}|0.002"#
            ) + "\n"
        })
        .collect();
    let v = report_stdin(&[], &input);
    let note = v["sources"][0]["layout_note"].as_str().unwrap();
    assert!(note.contains("20 of the first 20 lines"), "{note}");
    assert!(note.contains(r#""-"|0.000|0.002"#), "{note}");
    assert!(note.contains("--log-format"), "{note}");
    let text = stdout_of(&run_stdin(&["report"], &input));
    assert!(text.contains("20 of the first 20 lines"), "{text}");
    // The suggested definition reads the timings: max request time 19 ms.
    let def = note
        .split("--log-format '")
        .nth(1)
        .and_then(|s| s.rsplit_once('\''))
        .map(|(d, _)| d)
        .unwrap();
    let v = report_stdin(&["--log-format", def], &input);
    assert_eq!(v["lines"]["parsed"], 20);
    assert_eq!(v["latency"]["request_time"]["max_us"], 19_000);
    assert_eq!(v["latency"]["upstream_response_time"]["max_us"], 2_000);
}

/// Lines with fields after `combined`'s are counted over the whole input, not only
/// among the lines detection looks at: here the first 200 lines have none, and 200 of
/// the 800 after them (every fourth) end with ` ratio=2.5`, which no preset reads.
#[test]
fn item27_lines_with_unread_fields_are_counted_over_the_whole_input() {
    let input: String = (0..1000)
        .map(|i| {
            let tail = if i >= 200 && i % 4 == 0 { " ratio=2.5" } else { "" };
            format!(
                r#"192.0.2.4 - - [04/Mar/2025:05:{:02}:{:02} +0000] "GET /u HTTP/1.1" 200 7 "-" "k/1"{tail}"#,
                i / 60,
                i % 60
            ) + "\n"
        })
        .collect();
    for threads in ["1", "2"] {
        let v = report_stdin(&["--threads", threads], &input);
        assert_eq!(v["layout"]["name"], "nginx-combined");
        assert_eq!(v["lines"]["parsed"], 1000);
        assert_eq!(v["lines"]["unread_fields"], 200);
    }
    let text = stdout_of(&run_stdin(&["report"], &input));
    assert!(
        text.contains("200 with fields after the layout's that are not read"),
        "{text}"
    );
    // A layout that reads them leaves none unread.
    let def = concat!(
        r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "#,
        r#""$http_referer" "$http_user_agent""#
    );
    let v = report_stdin(
        &["--log-format", def],
        &input[..input.find('\n').unwrap() + 1],
    );
    assert_eq!(v["lines"]["unread_fields"], 0);
}

// ---- item 28: server diagnostics ---------------------------------------------------

#[test]
fn item28_klog_lines_are_other_not_malformed() {
    let access = |i: usize| {
        format!(
            r#"10.1.2.3 - - [06/Dec/2025:10:20:{i:02} +0000] "GET /k HTTP/2.0" 200 15 "-" "k/1" 120 0.{i:03} [ns-svc-80] [] 10.4.0.9:8080 15 0.{i:03} 200 abc{i}"#
        )
    };
    let mut input = String::new();
    let mut klog = 0;
    for i in 0..30 {
        input.push_str(&access(i));
        input.push('\n');
        if i % 3 == 0 {
            input.push_str(&format!(
                "W1206 10:20:{i:02}.123456       7 controller.go:{}] \"Ingress updated\" ingress=\"ns/x\"\n",
                100 + i
            ));
            input.push_str(&format!(
                "I1206 10:20:{i:02}.223456       7 store.go:{}] \"Found valid IngressClass\"\n",
                400 + i
            ));
            klog += 2;
        }
    }
    let v = report_stdin(&[], &input);
    assert_eq!(v["layout"]["name"], "ingress-upstreaminfo");
    assert_eq!(v["lines"]["read"], 30 + klog);
    assert_eq!(v["lines"]["parsed"], 30);
    assert_eq!(v["lines"]["other"], klog);
    assert_eq!(v["lines"]["malformed"], 0);
}

// ---- item 29: a layout that changes part-way -----------------------------------------

/// A common-log line (status 200 on even `i`, 404 on odd) and an nginx JSON line (503).
fn clf_line(i: usize) -> String {
    format!(
        r#"172.16.{}.{} - - [04/Mar/2025:05:{:02}:{:02} +0000] "GET /old/{} HTTP/1.1" {} {}"#,
        i / 250 % 250,
        i % 250,
        i / 60 % 60,
        i % 60,
        i % 7,
        if i.is_multiple_of(2) { 200 } else { 404 },
        i % 900
    )
}

fn json_line(i: usize) -> String {
    format!(
        r#"{{"time_iso8601":"2025-03-04T06:{:02}:{:02}+00:00","remote_addr":"172.17.0.{}","request":"GET /new/{} HTTP/1.1","status":"503","body_bytes_sent":"{}","request_time":"0.{:03}"}}"#,
        i / 60 % 60,
        i % 60,
        i % 250,
        i % 5,
        i % 700,
        i % 1000
    )
}

/// The layouts a source was read with, as the JSON report lists them.
fn layouts(v: &Value) -> Vec<(String, u64)> {
    named_counts(&v["sources"][0]["layouts"], "name", "lines")
}

#[test]
fn item29_layout_change_part_way_is_read_with_both_layouts() {
    // 60 common-log lines (30 of status 200, 30 of 404), then 40 JSON lines (503).
    let mut input: String = (0..60).map(|i| clf_line(i) + "\n").collect();
    input.extend((0..40).map(|i| json_line(i) + "\n"));
    let v = report_stdin(&[], &input);
    assert_eq!(v["lines"]["parsed"], 100);
    assert_eq!(v["lines"]["malformed"], 0);
    assert_eq!(status_counts(&v), vec![(200, 30), (404, 30), (503, 40)]);
    assert_eq!(
        layouts(&v),
        vec![
            ("apache-common".to_string(), 60),
            ("nginx-json".to_string(), 40)
        ]
    );
    // Only the JSON lines log a request time.
    assert_eq!(v["latency"]["request_time"]["count"], 40);
    let text = stdout_of(&run_stdin(&["report"], &input));
    assert!(text.contains("apache-common 60 lines"), "{text}");
    assert!(text.contains("nginx-json 40 lines"), "{text}");
}

/// The same across many chunks and parsing threads: a file of about 8 MiB (common log,
/// then JSON, then common log again).
#[test]
fn item29_layout_changes_in_a_large_file_with_threads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.log");
    let (a, b, c) = (25_000, 20_000, 5_000);
    let mut text = String::new();
    text.extend((0..a).map(|i| clf_line(i) + "\n"));
    text.extend((0..b).map(|i| json_line(i) + "\n"));
    text.extend((a..a + c).map(|i| clf_line(i) + "\n"));
    std::fs::write(&path, &text).unwrap();
    for threads in ["1", "3"] {
        let v = report_json(&[path.to_str().unwrap(), "--threads", threads]);
        assert_eq!(
            v["lines"]["parsed"],
            (a + b + c) as u64,
            "threads {threads}"
        );
        assert_eq!(v["lines"]["malformed"], 0, "threads {threads}");
        assert_eq!(
            layouts(&v),
            vec![
                ("apache-common".to_string(), (a + c) as u64),
                ("nginx-json".to_string(), b as u64)
            ],
            "threads {threads}"
        );
    }
}

/// A block of another layout leaves nothing in the records of the lines after it: the
/// `combined` lines after a block of nginx JSON lines have no upstream or request time
/// (the engine reuses records, and `combined` fills only its own fields). 250 combined
/// lines, 40 JSON lines with request time 0.100 s and upstream time 0.050 s, 100 more
/// combined lines: 40 of each time, all in one chunk.
#[test]
fn item29_lines_after_a_block_keep_nothing_of_it() {
    let combined = |i: usize| {
        format!(
            r#"192.0.2.9 - - [04/Mar/2025:06:{:02}:{:02} +0000] "GET /c HTTP/1.1" 200 3 "-" "c/1""#,
            i / 60 % 60,
            i % 60
        ) + "\n"
    };
    let json = |i: usize| {
        format!(
            r#"{{"time_iso8601":"2025-03-04T07:00:{:02}+00:00","remote_addr":"192.0.2.10","request":"GET /j HTTP/1.1","status":"201","body_bytes_sent":"4","request_time":"0.100","upstream_response_time":"0.050"}}"#,
            i % 60
        ) + "\n"
    };
    let input: String = (0..250)
        .map(combined)
        .chain((0..40).map(json))
        .chain((250..350).map(combined))
        .collect();
    for threads in ["1", "2"] {
        let v = report_stdin(&["--threads", threads], &input);
        assert_eq!(v["lines"]["parsed"], 390);
        assert_eq!(status_counts(&v), vec![(200, 350), (201, 40)]);
        assert_eq!(v["latency"]["request_time"]["count"], 40);
        assert_eq!(v["latency"]["upstream_response_time"]["count"], 40);
        assert_eq!(v["latency"]["upstream_response_time"]["max_us"], 50_000);
    }
}
