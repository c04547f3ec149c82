//! Layouts beyond the foundation's two: nginx `log_format` given verbatim, the `main` and
//! ingress `upstreaminfo` presets found by detection, and `axlog explain`. Expected values
//! are counted from the corpus files here, independently of axlog's parsers.

mod common;

use common::*;
use serde_json::Value;

/// Status counts from the word after the request's closing quote (`" 200 `), the way a
/// shell one-liner would count them.
fn naive_status_counts(text: &str) -> Vec<(u64, u64)> {
    let mut counts = std::collections::BTreeMap::new();
    for line in text.lines() {
        let after = line.splitn(3, '"').nth(2).unwrap();
        let status: u64 = after.split_whitespace().next().unwrap().parse().unwrap();
        *counts.entry(status).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}

#[test]
fn log_format_given_verbatim() {
    // gonx's image resizer log: the definition is in the corpus MANIFEST.
    let file = corpus("gonx/access.log");
    let text = std::fs::read_to_string(&file).unwrap();
    let def = r#"$remote_addr [$time_local] "$request" $status $request_length $body_bytes_sent $request_time "$t_size" $read_time $gen_time"#;
    let v = report_json(&[file.to_str().unwrap(), "--log-format", def]);
    assert_eq!(v["layout"]["name"], "nginx log_format");
    assert_eq!(v["layout"]["detected"], false);
    assert_eq!(v["lines"]["parsed"], 1000);
    assert_eq!(v["lines"]["malformed"], 0);
    assert_eq!(status_counts(&v), naive_status_counts(&text));
    // request_time is the 7th field of the definition; the slowest request, by a sort.
    let max_ms = text
        .lines()
        .map(|l| {
            let after = l.splitn(3, '"').nth(2).unwrap();
            let t: f64 = after.split_whitespace().nth(3).unwrap().parse().unwrap();
            (t * 1000.0).round() as u64
        })
        .max()
        .unwrap();
    assert_eq!(v["latency"]["request_time"]["max_us"], max_ms * 1000);
}

#[test]
fn presets_are_detected() {
    // nginx `main` (combined + "$http_x_forwarded_for"), 1000 lines.
    let file = corpus("lnav/logfile_shop_access_log.0");
    let text = std::fs::read_to_string(&file).unwrap();
    let v = report_json(&[file.to_str().unwrap()]);
    assert_eq!(v["layout"]["name"], "nginx-main");
    assert_eq!(v["lines"]["parsed"], 1000);
    assert_eq!(status_counts(&v), naive_status_counts(&text));
    // ingress-nginx upstreaminfo, 29 lines, some with upstream lists.
    let file = corpus("beats/nginx/ingress_controller/test/test.log");
    let text = std::fs::read_to_string(&file).unwrap();
    let v = report_json(&[file.to_str().unwrap()]);
    assert_eq!(v["layout"]["name"], "ingress-upstreaminfo");
    assert_eq!(v["lines"]["parsed"], 29);
    assert_eq!(status_counts(&v), naive_status_counts(&text));
    // Line 23's upstream list `0.100, 0.004` counts as 104 ms, the file's largest.
    assert_eq!(v["latency"]["upstream_response_time"]["max_us"], 104_000);
}

#[test]
fn bad_definitions_are_usage_errors() {
    let out = axlog()
        .args(["report", "--log-format", "$status $body_bytes_sent", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no time field"));
}

#[test]
fn explain_shows_fields() {
    let file = corpus("beats/nginx/ingress_controller/test/test.log");
    let out = axlog()
        .args(["explain", "-n", "1", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("layout ingress-upstreaminfo (detected)"), "{s}");
    assert!(
        s.contains("upstream_addr                172.17.0.5:8080"),
        "{s}"
    );
    assert!(
        s.contains("req_id                       529a007902362a5f51385a5fa7049884"),
        "{s}"
    );
    assert!(s.contains("status 200  path /products"), "{s}");
}

#[test]
fn apache_layouts() {
    // common, combined and combined + "-" lines in one file: every line parses.
    let file = corpus("beats/apache/access/test/test.log");
    let text = std::fs::read_to_string(&file).unwrap();
    let v = report_json(&[file.to_str().unwrap()]);
    assert_eq!(v["layout"]["name"], "nginx-combined");
    assert_eq!(v["lines"]["parsed"], 6);
    assert_eq!(status_counts(&v), naive_status_counts(&text));
    // Pure CLF is named as such; vhost_combined (`%v:%p` first) too.
    let v = report_json(&[corpus("beats/apache/access/test/darwin-2.4.23.log")
        .to_str()
        .unwrap()]);
    assert_eq!(
        (v["layout"]["name"].as_str(), v["lines"]["parsed"].as_u64()),
        (Some("apache-common"), Some(6))
    );
    let v = report_json(&[corpus("goaccess/ci_vcombined_access.log").to_str().unwrap()]);
    assert_eq!(
        (v["layout"]["name"].as_str(), v["lines"]["parsed"].as_u64()),
        (Some("apache-vhost-combined"), Some(4))
    );
    // mod_ssl's ssl_request_log, given as Apache writes it in ssl.conf.
    let file = corpus("beats/apache/access/test/ssl-request.log");
    let def = r#"%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x \"%r\" %b"#;
    let v = report_json(&[file.to_str().unwrap(), "--log-format", def]);
    assert_eq!(v["layout"]["name"], "Apache LogFormat");
    assert_eq!(v["lines"]["parsed"], 2);
    // The two requests are to /nagiosxi/ajaxhelper.php and /appl/ajaxhelper.php.
    let paths: Vec<&str> = texts(&v["top_paths"], "path");
    assert_eq!(paths, ["/appl/ajaxhelper.php", "/nagiosxi/ajaxhelper.php"]);
}

#[test]
fn unknown_layout_is_explained() {
    // gonx's custom layout without its definition: every line is malformed, and stderr
    // says what the first line looks like and how far the closest presets got.
    let file = corpus("gonx/access.log");
    let out = axlog()
        .args(["report", "--output", "json", file.to_str().unwrap()])
        .output()
        .unwrap();
    // The report is written; the exit code says no line of the input parsed.
    assert_eq!(out.status.code(), Some(6));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lines"]["malformed"], 1000);
    assert_eq!(v["lines"]["other"], 0);
    let help = v["sources"][0]["layout_help"].as_str().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(help), "{err}");
    assert!(
        help.starts_with("no known layout fits; first line: 112.162.114.78 [10/Sep/2015"),
        "{help}"
    );
    assert!(
        help.contains("closest presets:") && help.contains("--log-format"),
        "{help}"
    );
}

fn testdata(name: &str) -> String {
    fixture(name).to_string_lossy().into_owned()
}

fn codes(v: &Value) -> Vec<(u64, u64)> {
    status_counts(v)
}

#[test]
fn json_lines() {
    // Values worked out by hand in testdata/README.md.
    let v = report_json(&[&testdata("json/caddy.log")]);
    assert_eq!(v["layout"]["name"], "caddy-json");
    assert_eq!(codes(&v), [(200, 2), (502, 1)]);
    let rt = &v["latency"]["request_time"];
    assert_eq!(
        (rt["p50_us"].as_u64(), rt["max_us"].as_u64()),
        (Some(12_345), Some(1_500_000))
    );
    assert_eq!(v["top_paths"][0]["path"], "/api/items");
    assert_eq!(v["top_paths"][0]["count"], 2);
    assert_eq!(v["time"]["first"]["epoch_us"], 1_795_255_201_500_000u64);

    let v = report_json(&[&testdata("json/traefik.log")]);
    assert_eq!(v["layout"]["name"], "traefik-json");
    assert_eq!(codes(&v), [(200, 1), (404, 1)]);
    assert_eq!(v["latency"]["request_time"]["max_us"], 2361);
    assert_eq!(v["latency"]["upstream_response_time"]["max_us"], 2159);
    assert_eq!(v["time"]["first"]["epoch_us"], 1_795_251_601_123_456u64);

    let v = report_json(&[&testdata("json/nginx-json.log")]);
    assert_eq!(v["layout"]["name"], "nginx-json");
    assert_eq!(codes(&v), [(200, 2), (302, 1)]);
    assert_eq!(v["latency"]["request_time"]["p50_us"], 42_000);
    assert_eq!(v["latency"]["upstream_response_time"]["count"], 2);
    assert_eq!(v["latency"]["upstream_response_time"]["max_us"], 105_000);

    // The same nginx lines through their escape=json template, and Traefik's through a
    // hand-written mapping.
    let def = r#"{"time_iso8601":"$time_iso8601","remote_addr":"$remote_addr","request":"$request","status":"$status","body_bytes_sent":"$body_bytes_sent","request_time":"$request_time","upstream_response_time":"$upstream_response_time","http_referer":"$http_referer","http_user_agent":"$http_user_agent"}"#;
    let w = report_json(&[&testdata("json/nginx-json.log"), "--log-format", def]);
    assert_eq!((codes(&w), &w["latency"]), (codes(&v), &v["latency"]));
    let spec = "ts=StartUTC,status=DownstreamStatus,latency=Duration:ns,uri=RequestPath";
    let w = report_json(&[&testdata("json/traefik.log"), "--json-fields", spec]);
    assert_eq!(w["layout"]["name"], "JSON fields");
    assert_eq!(w["latency"]["request_time"]["max_us"], 2361);
}

#[test]
fn nginx_conf_gives_the_format() {
    let conf = testdata("nginx/nginx.conf");
    // The configuration's access_log writes `timing`, the gonx layout.
    let v = report_json(&[
        corpus("gonx/access.log").to_str().unwrap(),
        "--nginx-conf",
        &conf,
    ]);
    assert_eq!(v["layout"]["name"], "nginx log_format");
    assert_eq!(v["lines"]["parsed"], 1000);
    // `main` by name, on lnav's main-format log.
    let shop = corpus("lnav/logfile_shop_access_log.0");
    let v = report_json(&[
        shop.to_str().unwrap(),
        "--nginx-conf",
        &conf,
        "--log-format-name",
        "main",
    ]);
    assert_eq!(v["lines"]["parsed"], 1000);
    // An unknown name lists the defined ones.
    let out = axlog()
        .args([
            "report",
            "--nginx-conf",
            &conf,
            "--log-format-name",
            "nope",
            "-",
        ])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no log_format named 'nope' (defined: main, json, timing)"),
        "{err}"
    );
}

#[test]
fn escaped_paths_are_grouped_decoded() {
    // nginx writes `"` as \x22, Apache as \"; JSON logs as \" too: one path, `/a"b`.
    let lines = concat!(
        r#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET /a\x22b HTTP/1.1" 200 1 "-" "-""#,
        "\n",
        r#"1.2.3.4 - - [21/Nov/2026:10:00:02 +0000] "GET /a\"b?q HTTP/1.1" 200 1 "-" "-""#,
        "\n",
        r#"1.2.3.4 - - [21/Nov/2026:10:00:03 +0000] "GET /plain HTTP/1.1" 200 1 "-" "-""#,
        "\n",
    );
    let out = axlog()
        .args(["report", "--output", "json"])
        .write_stdin(lines)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["top_paths"][0]["path"], "/a\"b");
    assert_eq!(v["top_paths"][0]["count"], 2);
    assert_eq!(v["top_paths"][1]["path"], "/plain");
    let json = r#"{"ts":1795255201,"request":{"uri":"/caf\u00e9\/x"},"status":200}"#;
    let out = axlog()
        .args(["report", "--output", "json", "--format", "caddy-json"])
        .write_stdin(format!("{json}\n"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["top_paths"][0]["path"], "/café/x");
}

#[test]
fn haproxy_logs() {
    // 15 days of a real HAProxy behind syslog: the MANIFEST's class counts.
    let v = report_json(&[corpus("haproxylogparser/haproxy.log").to_str().unwrap()]);
    assert_eq!(v["layout"]["name"], "haproxy");
    assert_eq!(v["lines"]["parsed"], 17_211);
    assert_eq!(class_counts(&v), [0, 4861, 0, 12_300, 50, 0]);
    // Accept dates have no zone: UTC unless --tz says otherwise. The first line was
    // accepted at 02/Feb/2012:04:05:24.385 (local).
    assert_eq!(v["time"]["first"]["utc"], "2012-02-02T04:05:24.385000Z");
    let v = report_json(&[
        corpus("haproxylogparser/haproxy.log").to_str().unwrap(),
        "--tz",
        "+01:00",
    ]);
    assert_eq!(v["time"]["first"]["utc"], "2012-02-02T03:05:24.385000Z");
    assert_eq!(
        v["time"]["first"]["local"],
        "2012-02-02T04:05:24.385000+01:00"
    );
    // lnav's stream: 13 requests and 4 server messages (3 "Proxy started", 1 SSL
    // handshake failure), which are neither requests nor malformed.
    let v = report_json(&[corpus("lnav/logfile_haproxy.0").to_str().unwrap()]);
    let lines = &v["lines"];
    assert_eq!(
        (
            lines["parsed"].as_u64(),
            lines["malformed"].as_u64(),
            lines["other"].as_u64()
        ),
        (Some(13), Some(0), Some(4))
    );
    // A bad offset is a usage error.
    let out = axlog()
        .args(["report", "--tz", "+25:00", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn haproxy_log_format_string() {
    // HAProxy's own httplog layout written as a log-format string reads the real log
    // exactly as the built-in parser does.
    let file = corpus("haproxylogparser/haproxy.log");
    let def = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r";
    let custom = report_json(&[file.to_str().unwrap(), "--log-format", def]);
    let native = report_json(&[file.to_str().unwrap()]);
    assert_eq!(custom["layout"]["name"], "HAProxy log-format");
    for key in [
        "lines",
        "requests",
        "status",
        "latency",
        "qps",
        "top_paths",
        "paths",
        "time",
    ] {
        assert!(!native[key].is_null(), "{key}");
        assert_eq!(custom[key], native[key], "{key}");
    }
}

#[test]
fn nginx_through_syslog() {
    // nginx's `access_log syslog:server=...` as rsyslog files it, with and without <PRI>.
    let line = r#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET /a HTTP/1.1" 200 12 "-" "curl/8" 0.010 0.009"#;
    let input = format!(
        "<190>Nov 21 10:00:01 web1 nginx: {line}\nNov 21 10:00:01 web1 nginx: {line}\nNov 21 10:00:05 web1 kernel: eth0 link up\n"
    );
    let out = axlog()
        .args(["report", "--output", "json"])
        .write_stdin(input)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["layout"]["name"], "nginx-timed behind syslog");
    assert_eq!(
        (
            v["lines"]["parsed"].as_u64(),
            v["lines"]["malformed"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(v["top_paths"][0]["path"], "/a");
}

#[test]
fn formats_lists_every_preset() {
    let out = axlog().arg("formats").output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    for name in [
        "nginx-combined",
        "nginx-timed",
        "nginx-main",
        "ingress-upstreaminfo",
        "apache-common",
        "apache-vhost-combined",
        "haproxy",
        "caddy-json",
        "traefik-json",
        "nginx-json",
    ] {
        assert!(
            s.lines().any(|l| l.starts_with(name)),
            "{name} missing:\n{s}"
        );
    }
    // Aliases are accepted by --format.
    let v = report_json(&[
        corpus("beats/apache/access/test/darwin-2.4.23.log")
            .to_str()
            .unwrap(),
        "--format",
        "common",
    ]);
    assert_eq!(
        (v["layout"]["name"].as_str(), v["lines"]["parsed"].as_u64()),
        (Some("apache-common"), Some(6))
    );
}
