//! End-to-end regressions of the parser defects (one test or more per item of the defect
//! issue, named after it). Every input is written here, small and hand-made; expected
//! values are counted by hand from these lines.

mod common;

use common::*;
use serde_json::Value;

fn parsed_malformed(v: &Value) -> (u64, u64) {
    (
        v["lines"]["parsed"].as_u64().unwrap(),
        v["lines"]["malformed"].as_u64().unwrap(),
    )
}

// Item 2: an empty string in an nginx `escape=json` template is an absent value.

const JSON_TEMPLATE: &str = r#"{"t":"$time_iso8601","ip":"$remote_addr","req":"$request","st":"$status","rt":"$request_time","urt":"$upstream_response_time","uct":"$upstream_connect_time","rl":"$request_length","ua":"$http_user_agent"}"#;

/// Four requests: two proxied (upstream 0.050 and 0.250 s), two served by nginx itself
/// (a static file and a cache hit), for which nginx writes `""` for every upstream
/// variable; the last one has no request length either.
const JSON_TEMPLATE_LINES: &str = concat!(
    r#"{"t":"2026-03-01T08:00:00+00:00","ip":"10.1.1.1","req":"GET /api/a HTTP/1.1","st":"200","rt":"0.051","urt":"0.050","uct":"0.001","rl":"310","ua":"curl/8"}"#,
    "\n",
    r#"{"t":"2026-03-01T08:00:01+00:00","ip":"10.1.1.2","req":"GET /logo.png HTTP/1.1","st":"200","rt":"0.000","urt":"","uct":"","rl":"290","ua":"curl/8"}"#,
    "\n",
    r#"{"t":"2026-03-01T08:00:02+00:00","ip":"10.1.1.3","req":"GET /api/b HTTP/1.1","st":"502","rt":"0.252","urt":"0.250","uct":"0.002","rl":"301","ua":"curl/8"}"#,
    "\n",
    r#"{"t":"2026-03-01T08:00:03+00:00","ip":"10.1.1.4","req":"GET /cached HTTP/1.1","st":"304","rt":"0.000","urt":"","uct":"","rl":"","ua":""}"#,
    "\n",
);

fn check_json_template_report(v: &Value) {
    assert_eq!(parsed_malformed(v), (4, 0), "{v}");
    assert_eq!(status_counts(v), [(200, 2), (304, 1), (502, 1)]);
    // Only the two proxied requests have an upstream time.
    let up = &v["latency"]["upstream_response_time"];
    assert_eq!(up["count"], 2, "{up}");
    assert_eq!(up["max_us"], 250_000);
    assert_eq!(v["latency"]["request_time"]["count"], 4);
}

#[test]
fn item2_json_template_empty_string_is_absent_with_log_format() {
    let v = report_stdin(&["--log-format", JSON_TEMPLATE], JSON_TEMPLATE_LINES);
    check_json_template_report(&v);
}

#[test]
fn item2_json_template_empty_string_is_absent_with_nginx_conf() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("nginx.conf");
    let def = JSON_TEMPLATE.replace('\'', "\\'");
    std::fs::write(
        &conf,
        format!(
            "http {{\n  log_format edge escape=json '{def}';\n  access_log /var/log/nginx/a.log edge;\n}}\n"
        ),
    )
    .unwrap();
    let v = report_stdin(
        &["--nginx-conf", conf.to_str().unwrap()],
        JSON_TEMPLATE_LINES,
    );
    check_json_template_report(&v);
}

// Item 6: `--json-fields` units take fractions; an unknown unit is a usage error.

#[test]
fn item6_json_fields_fractional_durations_in_every_unit() {
    // Three requests timed in milliseconds, one of them (7.25 ms) with a fraction, and
    // their upstream times in microseconds (one fractional: 1500.5 us).
    let lines = concat!(
        r#"{"at":"2026-03-01T08:00:00Z","code":200,"took":3,"up":"1200"}"#,
        "\n",
        r#"{"at":"2026-03-01T08:00:01Z","code":200,"took":7.25,"up":1500.5}"#,
        "\n",
        r#"{"at":"2026-03-01T08:00:02Z","code":404,"took":"0.5","up":900}"#,
        "\n",
    );
    let v = report_stdin(
        &[
            "--json-fields",
            "ts=at,status=code,latency=took:ms,upstream_latency=up:us",
        ],
        lines,
    );
    assert_eq!(parsed_malformed(&v), (3, 0), "{v}");
    let rt = &v["latency"]["request_time"];
    // 3 ms, 7.25 ms, 0.5 ms.
    assert_eq!(
        (rt["count"].as_u64(), rt["max_us"].as_u64()),
        (Some(3), Some(7250))
    );
    assert_eq!(
        rt["mean_us"].as_f64(),
        Some((3000.0 + 7250.0 + 500.0) / 3.0)
    );
    let up = &v["latency"]["upstream_response_time"];
    // 1200, 1500 (the half microsecond truncated), 900.
    assert_eq!(
        (up["count"].as_u64(), up["max_us"].as_u64()),
        (Some(3), Some(1500))
    );
}

#[test]
fn item6_json_fields_unknown_unit_is_a_usage_error() {
    for spec in ["ts=at,latency=took:parsecs", "ts=at:fortnights,status=code"] {
        let out = run_stdin(
            &["report", "--json-fields", spec, "-"],
            "{\"at\":\"2026-03-01T08:00:00Z\",\"took\":1}\n",
        );
        assert_eq!(out.status.code(), Some(2), "{spec}");
        let err = stderr_of(&out);
        assert!(err.contains("unknown unit"), "{spec}: {err}");
    }
}

// Item 25: a Traefik request that never reached a backend has no upstream time.

#[test]
fn item25_traefik_request_without_backend_has_no_upstream_time() {
    // Two requests served by a backend (2 ms and 4 ms upstream), two answered by Traefik
    // itself (no router matched; a rate limit), which it logs with OriginStatus 0 and
    // OriginDuration 0.
    let lines = concat!(
        r#"{"StartUTC":"2026-04-02T12:00:00.1Z","DownstreamStatus":200,"Duration":2500000,"OriginDuration":2000000,"OriginStatus":200,"RequestMethod":"GET","RequestPath":"/a"}"#,
        "\n",
        r#"{"StartUTC":"2026-04-02T12:00:00.2Z","DownstreamStatus":404,"Duration":90000,"OriginDuration":0,"OriginStatus":0,"RequestMethod":"GET","RequestPath":"/nope"}"#,
        "\n",
        r#"{"StartUTC":"2026-04-02T12:00:01.3Z","DownstreamStatus":201,"Duration":4600000,"OriginDuration":4000000,"OriginStatus":201,"RequestMethod":"POST","RequestPath":"/b"}"#,
        "\n",
        r#"{"OriginStatus":0,"OriginDuration":0,"StartUTC":"2026-04-02T12:00:01.4Z","DownstreamStatus":429,"Duration":70000,"RequestMethod":"GET","RequestPath":"/a"}"#,
        "\n",
    );
    let v = report_stdin(&["--format", "traefik-json"], lines);
    assert_eq!(parsed_malformed(&v), (4, 0), "{v}");
    let up = &v["latency"]["upstream_response_time"];
    assert_eq!(up["count"], 2, "{up}");
    assert_eq!(up["max_us"], 4000);
    assert_eq!(up["mean_us"].as_f64(), Some(3000.0));
    // Every request has its own duration.
    assert_eq!(v["latency"]["request_time"]["count"], 4);
}

// Item 31: JSON access lines behind a text prefix.

#[test]
fn item31_caddy_console_encoder_lines_are_read() {
    // Caddy's console encoder: wall time, level, logger, message, then the entry without
    // its `ts` (the prefix holds the time).
    let lines = concat!(
        "2025/06/14 09:10:11.250\tinfo\thttp.log.access.log0\thandled request\t",
        r#"{"request":{"remote_ip":"10.2.0.5","client_ip":"10.2.0.5","method":"GET","host":"x.test","uri":"/home"},"bytes_read":0,"duration":0.004,"size":100,"status":200}"#,
        "\n",
        "2025/06/14 09:10:12.500\tinfo\thttp.log.access.log0\thandled request\t",
        r#"{"request":{"remote_ip":"10.2.0.6","client_ip":"10.2.0.6","method":"GET","host":"x.test","uri":"/missing"},"bytes_read":0,"duration":0.002,"size":9,"status":404}"#,
        "\n",
        "2025/06/14 09:10:14.000\terror\thttp.log.access.log0\thandled request\t",
        r#"{"request":{"remote_ip":"10.2.0.7","client_ip":"10.2.0.7","method":"POST","host":"x.test","uri":"/pay"},"bytes_read":50,"duration":0.5,"size":0,"status":502}"#,
        "\n",
    );
    // Detected as Caddy's (nothing fitted them before), and given explicitly.
    for args in [&[][..], &["--format", "caddy-json"][..]] {
        let v = report_stdin(args, lines);
        assert_eq!(v["layout"]["name"], "caddy-json", "{v}");
        assert_eq!(parsed_malformed(&v), (3, 0), "{v}");
        assert_eq!(status_counts(&v), [(200, 1), (404, 1), (502, 1)]);
        // 2025-06-14 is day 20253 since the epoch; 09:10:11.250 and 09:10:14.000.
        let day_us = 20_253i64 * 86_400 * 1_000_000;
        let first = day_us + (9 * 3600 + 10 * 60 + 11) * 1_000_000 + 250_000;
        assert_eq!(v["time"]["first"]["epoch_us"].as_i64(), Some(first));
        assert_eq!(
            v["time"]["last"]["epoch_us"].as_i64(),
            Some(first + 2_750_000)
        );
        assert_eq!(v["latency"]["request_time"]["max_us"], 500_000);
    }
}

#[test]
fn item31_kubectl_timestamps_prefix_is_skipped() {
    // `kubectl logs --timestamps`: an RFC 3339 time with nanoseconds, a space, the line.
    // The objects carry their own times (an hour later than the prefixes here, so which
    // one is used shows): the object's time wins.
    let lines = concat!(
        "2025-06-14T08:00:00.000000001Z ",
        r#"{"time_iso8601":"2025-06-14T09:00:00+00:00","remote_addr":"10.3.0.1","request":"GET /a HTTP/1.1","status":"200","request_time":"0.010","upstream_response_time":"0.008"}"#,
        "\n",
        "2025-06-14T08:00:01.500000000Z ",
        r#"{"time_iso8601":"2025-06-14T09:00:01+00:00","remote_addr":"10.3.0.2","request":"GET /b HTTP/1.1","status":"503","request_time":"0.030","upstream_response_time":"0.029"}"#,
        "\n",
    );
    let v = report_stdin(&["--format", "nginx-json"], lines);
    assert_eq!(parsed_malformed(&v), (2, 0), "{v}");
    assert_eq!(status_counts(&v), [(200, 1), (503, 1)]);
    let nine = 20_253i64 * 86_400 * 1_000_000 + 9 * 3600 * 1_000_000;
    assert_eq!(v["time"]["first"]["epoch_us"].as_i64(), Some(nine));
    assert_eq!(v["latency"]["upstream_response_time"]["max_us"], 29_000);
}

#[test]
fn item31_prefix_time_serves_an_object_without_one() {
    // `kubectl logs --timestamps` of an app whose JSON lines carry no time: the prefix's.
    let lines = concat!(
        "2025-06-14T08:00:00.250000000Z {\"code\":200,\"ms\":12}\n",
        "2025-06-14T08:00:03.000000000Z {\"code\":500,\"ms\":40.5}\n",
    );
    let v = report_stdin(&["--json-fields", "ts=t,status=code,latency=ms:ms"], lines);
    assert_eq!(parsed_malformed(&v), (2, 0), "{v}");
    let eight = 20_253i64 * 86_400 * 1_000_000 + 8 * 3600 * 1_000_000;
    assert_eq!(
        v["time"]["first"]["epoch_us"].as_i64(),
        Some(eight + 250_000)
    );
    assert_eq!(
        v["time"]["last"]["epoch_us"].as_i64(),
        Some(eight + 3_000_000)
    );
    assert_eq!(v["latency"]["request_time"]["max_us"], 40_500);
    // Caddy's console lines as kubectl prints them: the entry's own time is Caddy's, the
    // last of the prefix (kubectl's is when it received the line).
    let caddy = concat!(
        "2025-06-14T08:00:05.000000000Z 2025/06/14 08:00:04.999\tinfo\thttp.log.access\thandled request\t",
        r#"{"request":{"client_ip":"10.2.0.5","method":"GET","uri":"/k"},"duration":0.25,"size":3,"status":201}"#,
        "\n",
    );
    let v = report_stdin(&["--format", "caddy"], caddy);
    assert_eq!(parsed_malformed(&v), (1, 0), "{v}");
    assert_eq!(
        v["time"]["first"]["epoch_us"].as_i64(),
        Some(eight + 4_999_000)
    );
    assert_eq!(status_counts(&v), [(201, 1)]);
}

// Item 3: a line whose last quoted field is not closed is malformed in every nginx and
// Apache layout.

#[test]
fn item3_a_line_cut_inside_its_last_quoted_field_is_malformed() {
    let head = r#"192.0.2.44 - - [05/May/2026:17:30:00 +0000] "GET /page HTTP/1.1" 200 812"#;
    let whole = format!(r#"{head} "https://from.test/p" "Opera/9.80 (X11)""#);
    let cut_ua = format!(r#"{head} "https://from.test/p" "Opera/9.80 (X1"#);
    let cut_referer = format!(r#"{head} "https://from.te"#);
    let input = format!("{whole}\n{cut_ua}\n{cut_referer}\n");
    let combined = combined_definitions();
    for args in [
        vec!["--format", "combined"],
        vec!["--format", "apache-combined"],
        vec!["--log-format", combined[0]],
        vec!["--log-format", combined[1]],
    ] {
        let v = report_stdin(&args, &input);
        // The whole line parses; both cut ones are malformed, whichever field is cut.
        assert_eq!(parsed_malformed(&v), (1, 2), "{args:?}: {v}");
        let samples: Vec<&str> = texts(&v["malformed_samples"], "text");
        assert_eq!(samples, [cut_ua.as_str(), cut_referer.as_str()], "{args:?}");
    }
    // The other layouts: a whole line, then one cut inside its last quoted field.
    let ua = r#""https://from.test/p" "Opera/9.80 (X1"#;
    let whole_ua = r#""https://from.test/p" "Opera/9.80 (X11)""#;
    for (args, whole, cut) in [
        (
            vec!["--format", "timed"],
            format!("{head} {whole_ua} 0.010 0.009"),
            format!("{head} {ua}"),
        ),
        (
            vec!["--format", "main"],
            format!(r#"{head} "-" "Opera" "198.51.100.1""#),
            format!(r#"{head} "-" "Opera" "198.51.100.1, 198.5"#),
        ),
        (
            vec!["--format", "vhost_combined"],
            format!("v.test:80 {head} {whole_ua}"),
            format!("v.test:80 {head} {ua}"),
        ),
        (
            vec!["--format", "common"],
            head.to_string(),
            head.replace("HTTP/1.1\" 200 812", "HTT"),
        ),
    ] {
        let v = report_stdin(&args, &format!("{whole}\n{cut}\n"));
        assert_eq!(parsed_malformed(&v), (1, 1), "{args:?}: {v}");
    }
}

/// nginx's `combined` and Apache's, as their configurations write them.
fn combined_definitions() -> [&'static str; 2] {
    [
        r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#,
        r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#,
    ]
}

// Item 5: a path only from `METHOD TARGET PROTOCOL` with a method token and a target
// that is `/...`, `scheme://...` or `*`.

#[test]
fn item5_only_request_lines_give_paths() {
    let line = |req: &str| {
        format!(r#"198.51.100.9 - - [07/Jul/2026:07:07:07 +0000] "{req}" 400 0 "-" "-""#)
    };
    let reqs = [
        // Paths: /ok (twice, one absolute-form), * .
        "GET /ok HTTP/1.1",
        "GET http://h.test/ok?x=1 HTTP/1.1",
        "OPTIONS * HTTP/1.1",
        // No path: words, a TLS handshake as nginx escapes it with a space inside, a
        // target that is not a path, a method that is not a token.
        "pigs might fly tomorrow",
        r"\x16\x03\x01\x00\xF4\x01 \x00\x00\xF0\x03\x03",
        "GET index.html HTTP/1.1",
        "G(E)T /x HTTP/1.1",
        "-",
    ];
    let input: String = reqs.iter().map(|r| line(r) + "\n").collect();
    let v = report_stdin(&["--format", "combined"], &input);
    assert_eq!(parsed_malformed(&v), (8, 0), "{v}");
    let mut paths = top_paths(&v);
    paths.sort();
    assert_eq!(
        paths,
        [
            ("*".to_string(), 1),
            ("/ok".to_string(), 1),
            ("http://h.test/ok".to_string(), 1)
        ]
    );
    assert_eq!(v["paths"]["requests_without_path"], 5);
}

// Item 26: status 0 is a status; Traefik's common log format is a preset with its
// duration.

/// Traefik's CLF: combined, then the request count, router, server URL and duration.
fn traefik_clf(status: &str, ua: &str, count: u32, ms: u32) -> String {
    format!(
        r#"172.19.0.1 - - [09/Sep/2026:09:09:09 +0000] "GET /ws HTTP/1.1" {status} 0 "-" "{ua}" {count} "api@docker" "http://172.19.0.4:5001" {ms}ms"#
    )
}

#[test]
fn item26_traefik_clf_is_a_preset_with_its_duration() {
    let lines = [
        traefik_clf("200", "curl/8", 1, 7),
        // A websocket Traefik closed before answering: status 0.
        traefik_clf("0", "Mozilla/5.0", 2, 30_000),
        // An unescaped quote inside the user agent, as Traefik writes it.
        traefik_clf("404", r#"Bot "quoted" x"#, 3, 2),
    ];
    let input: String = lines.iter().map(|l| l.clone() + "\n").collect();
    for args in [&[][..], &["--format", "traefik-clf"][..]] {
        let v = report_stdin(args, &input);
        assert_eq!(v["layout"]["name"], "traefik-clf", "{v}");
        assert_eq!(parsed_malformed(&v), (3, 0), "{v}");
        assert_eq!(status_counts(&v), [(0, 1), (200, 1), (404, 1)]);
        // Classes 1xx..5xx, other: status 0 is `other`.
        assert_eq!(class_counts(&v), [0, 1, 0, 1, 0, 1]);
        let rt = &v["latency"]["request_time"];
        assert_eq!(
            (rt["count"].as_u64(), rt["max_us"].as_u64()),
            (Some(3), Some(30_000_000))
        );
        assert_eq!(
            rt["mean_us"].as_f64(),
            Some((7_000.0 + 30_000_000.0 + 2_000.0) / 3.0)
        );
    }
    // The same lines through Traefik's layout written as an Apache LogFormat: the same.
    let def = r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{count}e "%{router}e" "%{server}e" %{ms}Tms"#;
    let v = report_stdin(&["--log-format", def], &input);
    assert_eq!(parsed_malformed(&v), (3, 0), "{v}");
    assert_eq!(status_counts(&v), [(0, 1), (200, 1), (404, 1)]);
}

#[test]
fn item26_status_zero_is_a_status_in_combined() {
    let head = r#"203.0.113.8 - - [09/Sep/2026:09:09:09 +0000] "GET /live HTTP/1.1""#;
    let input = format!("{head} 0 0 \"-\" \"ws-client\"\n{head} 101 0 \"-\" \"ws-client\"\n");
    for args in [&["--format", "combined"][..], &["--format", "timed"][..]] {
        let input = if args[1] == "timed" {
            input.replace("client\"\n", "client\" 12.000 -\n")
        } else {
            input.clone()
        };
        let v = report_stdin(args, &input);
        assert_eq!(parsed_malformed(&v), (2, 0), "{args:?} {v}");
        assert_eq!(class_counts(&v), [1, 0, 0, 0, 0, 1], "{args:?}");
    }
}

// Item 30: an HAProxy `log-format` pasted from a real configuration reads its own lines.

#[test]
fn item30_haproxy_log_format_with_logasap_and_no_captures() {
    // The configuration declares no captures, so `%hrl %hsl %hs` and `%{+Q}hr` write
    // nothing (and their separators collapse, as HAProxy's log builder does), and with
    // `option logasap` Tt and the byte count carry a `+`.
    let def = "%ci:%cp [%t] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Tt %ST %B %CC/%CS %hrl %hsl %hs %tsc %ac %fc %bc %sc %rc %sq %bq %{+Q}r %{+Q}hr";
    let lines = concat!(
        "Apr  4 04:04:04 lb2 haproxy[90]: 192.0.2.70:40001 [04/Apr/2026:04:04:04.120] www app/a1 3/0/1/20/+24 200 +5120 -/- ---- 5 4 2 1 0 0 0 \"GET /one HTTP/1.1\"\n",
        "Apr  4 04:04:05 lb2 haproxy[90]: 192.0.2.71:40002 [04/Apr/2026:04:04:05.500] www app/a2 2/0/0/80/+82 503 +310 -/- ---- 5 4 2 1 1 0 0 \"POST /two HTTP/1.1\"\n",
    );
    let v = report_stdin(&["--log-format", def], lines);
    assert_eq!(parsed_malformed(&v), (2, 0), "{v}");
    assert_eq!(status_counts(&v), [(200, 1), (503, 1)]);
    // request_time is Tt (24 and 82 ms), upstream Tr (20 and 80 ms); bytes 5120 + 310.
    assert_eq!(v["latency"]["request_time"]["max_us"], 82_000);
    assert_eq!(v["latency"]["upstream_response_time"]["max_us"], 80_000);
    assert_eq!(v["bytes_sent"], 5430);
}

/// Raw quotes inside the referer or the user agent (a client's header logged as sent):
/// Apache's `combined` given as a `LogFormat` reads these lines, so the preset, detected
/// or named, reads them too, with the same values. Four lines, each with a raw `"`; the
/// referer of the first is `x"y` and the user agent of the second `a "b" c`.
#[test]
fn item26_the_preset_reads_what_the_logformat_route_reads() {
    let head = |i: u32| {
        format!(
            r#"198.51.100.{i} - - [09/Sep/2026:09:09:0{i} +0000] "GET /q{i} HTTP/1.1" 200 1{i}"#
        )
    };
    let input = [
        format!(r#"{} "x"y" "ua""#, head(1)),
        format!(r#"{} "-" "a "b" c""#, head(2)),
        format!(r#"{} "http://r/"" "z/1""#, head(3)),
        format!(r#"{} "-" "q"""#, head(4)),
    ]
    .join("\n")
        + "\n";
    let by_definition = report_stdin(
        &[
            "--log-format",
            r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#,
        ],
        &input,
    );
    assert_eq!(parsed_malformed(&by_definition), (4, 0));
    for args in [&[][..], &["--format", "combined"][..]] {
        let v = report_stdin(args, &input);
        assert_eq!(parsed_malformed(&v), (4, 0), "{args:?}");
        assert_eq!(v["bytes_sent"], 11 + 12 + 13 + 14);
        assert_eq!(v["top_paths"], by_definition["top_paths"]);
    }
    // The rows keep the values the definition gives.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("q.log");
    std::fs::write(&log, &input).unwrap();
    let out = axlog()
        .args(["explain", "--format", "combined"])
        .arg(&log)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(!text.contains("malformed"), "{text}");
}

// An HAProxy `log-format` whose capture blocks write nothing (no capture declared),
// directly before the quoted request.

/// The stock `httplog` with `%Tt` for `%Ta` (so the definition is not the stock one and
/// runs through the compiled interpreter), up to the queues.
const HTTPLOG_TT: &str =
    "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Tt %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq";

#[test]
fn haproxy_empty_captures_before_the_quoted_request() {
    // No capture declared: the blocks write nothing (nor their separators).
    let line = "<134>Feb  6 09:00:00 lb haproxy[1]: 10.0.0.1:51234 [06/Feb/2024:09:00:00.123] fe be/s1 0/0/1/5/6 200 12 - - ---- 1/1/0/0/0 0/0 \"GET /x HTTP/1.1\"\n";
    for blocks in ["%hr %hs", "%hs", "%hsl", "%hrl %hsl", "%{+Q}hr"] {
        let def = format!("{HTTPLOG_TT} {blocks} %{{+Q}}r");
        let v = report_stdin(&["--log-format", &def], line);
        assert_eq!(parsed_malformed(&v), (1, 0), "{def}: {v}");
        assert_eq!(top_paths(&v), [("/x".to_string(), 1)], "{def}");
        assert_eq!(v["paths"]["requests_without_path"], 0, "{def}");
    }
    // Right after the byte count: `%B %hr %{+Q}r`.
    let def = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Tt %ST %B %hr %{+Q}r";
    let v = report_stdin(
        &["--log-format", def],
        "<134>Feb  6 09:00:00 lb haproxy[1]: 10.0.0.1:51234 [06/Feb/2024:09:00:00.123] fe be/s1 0/0/1/5/6 200 12 \"GET /x HTTP/1.1\"\n",
    );
    assert_eq!(parsed_malformed(&v), (1, 0), "{v}");
    assert_eq!(top_paths(&v), [("/x".to_string(), 1)]);
    // With captures: two lines, `/y` twice.
    let def = format!("{HTTPLOG_TT} %hr %hs %{{+Q}}r");
    let lines = concat!(
        "<134>Feb  6 09:00:00 lb haproxy[1]: 10.0.0.1:51234 [06/Feb/2024:09:00:00.123] fe be/s1 0/0/1/5/6 200 12 - - ---- 1/1/0/0/0 0/0 {a|b} {c} \"GET /y HTTP/1.1\"\n",
        "<134>Feb  6 09:00:01 lb haproxy[1]: 10.0.0.1:51235 [06/Feb/2024:09:00:01.123] fe be/s1 0/0/1/5/6 404 3 - - ---- 1/1/0/0/0 0/0 {a|b} {c} \"POST /y HTTP/1.1\"\n",
    );
    let v = report_stdin(&["--log-format", &def], lines);
    assert_eq!(parsed_malformed(&v), (2, 0), "{v}");
    assert_eq!(top_paths(&v), [("/y".to_string(), 2)]);
    assert_eq!(status_counts(&v), [(200, 1), (404, 1)]);
}

#[test]
fn haproxy_empty_captures_explain_shows_the_request_unquoted() {
    let def = format!("{HTTPLOG_TT} %hr %hs %{{+Q}}r");
    let line = "<134>Feb  6 09:00:00 lb haproxy[1]: 10.0.0.1:51234 [06/Feb/2024:09:00:00.123] fe be/s1 0/0/1/5/6 200 12 - - ---- 1/1/0/0/0 0/0 \"GET /x HTTP/1.1\"\n";
    let out = axlog()
        .args(["explain", "--log-format", &def, "-"])
        .write_stdin(line)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("path /x"), "{text}");
}

#[test]
fn haproxy_plus_e_escapes_are_undone_in_paths() {
    // `+E` writes `\` before `"`, `\` and `]`; `#HH` stays HAProxy's escape. Three lines,
    // two of one path (`/q"x\y]z`, written with `\"` once and `#22` once), one of `/a#b`.
    let def = format!("{HTTPLOG_TT} %{{+Q,+E}}r");
    let head = "<134>Feb  6 09:00:00 lb haproxy[1]: 10.0.0.1:51234 [06/Feb/2024:09:00:00.123] fe be/s1 0/0/1/5/6 200 12 - - ---- 1/1/0/0/0 0/0";
    let lines = format!(
        "{head} \"GET /q\\\"x\\\\y\\]z HTTP/1.1\"\n{head} \"GET /q#22x\\\\y\\]z HTTP/1.1\"\n{head} \"GET /a#23b HTTP/1.1\"\n"
    );
    let v = report_stdin(&["--log-format", &def], &lines);
    assert_eq!(parsed_malformed(&v), (3, 0), "{v}");
    assert_eq!(
        top_paths(&v),
        [(r#"/q"x\y]z"#.to_string(), 2), ("/a#b".to_string(), 1)]
    );
}
