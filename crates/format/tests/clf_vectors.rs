//! Conformance with other parsers' CLF / combined test vectors in `../shared/corpus`:
//! * logstash-patterns-core `httpd_spec.rb` (combined: ECS and legacy expectations;
//!   error-log lines: not access lines);
//! * VRL `parse_common_log` test cases and the access-log examples of VRL's generated
//!   docs for `parse_nginx_log`, `parse_apache_log` and `parse_common_log`;
//! * nielsbasjes/logparser: nginx upstream lists (`, ` between servers, ` : ` across
//!   internal redirects), a TLS handshake logged as the request line, bad request URIs.
//!
//! Where axlog decides differently (see docs/conformance.md):
//! * `-` stays `-` in text fields (VRL and logstash ECS omit the field); numbers are `None`
//!   and a status of `-` is 0.
//! * logstash's legacy patterns keep the quotes around referrer and agent; axlog stores
//!   the value inside them.
//! * A line without a timestamp (`- - - - - - -`, `[-]`) is malformed: axlog cannot place
//!   it in time. VRL accepts it as an empty object.
//! * Custom timestamp formats are given as a layout, not as a strftime string: VRL's
//!   `parse_common_log(…, "%+")` is `[$time_iso8601]` in an nginx definition here.
//! * The combined preset tolerates and ignores fields after the user agent (VRL's
//!   `compression`): a definition that names them keeps them.
//! * Upstream lists: logparser numbers the `, ` entries and pairs each with the value
//!   after a ` : ` redirect; axlog keeps the list as written and counts every value as an
//!   attempt (`upstream_attempts_us`), summing all of them (redirects included) into
//!   `upstream_time_us`, `upstream_connect_us` and `upstream_header_us`.
//! * Escaped bytes (`\x16\x03\x01`) are kept as written; `Escaping::decode` undoes them.
//! * The request target is not parsed as a URI: a bad one (`:@bxss.me::80/rpb.png`) is
//!   the path as written (logparser leaves host/port/path unset).
//! * Error-log lines (Apache `[Mon Aug 31 …] [module:level] …`, nginx
//!   `2021/04/01 13:02:31 [error] …`) are rejected by every access-log layout. The HAProxy
//!   parser calls most of them server notices (`NotAccess`): it takes any unparsed text
//!   line for one.

mod corpus_util;

use std::sync::Arc;

use axlog_format::logformat::Definition;
use axlog_format::{Format, LineParser, ParseError, Preset, Record, detect};
use corpus_util::rspec::{self, Fact};
use corpus_util::{json, rfc3339_us, s};
use serde_json::Value;

fn custom(def: &str) -> (LineParser, Vec<String>) {
    let f = Definition::compile_any(def).unwrap_or_else(|e| panic!("{def}: {e}"));
    let names = f.extra_names().map(str::to_string).collect();
    (Format::Definition(Arc::new(f)).parser(), names)
}

fn extra<'a>(r: &Record<'a>, names: &[String], name: &str) -> &'a [u8] {
    let i = names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("{name} not among {names:?}"));
    r.extras[i]
}

/// Every access-log preset rejects `line`; HAProxy's parser may call it a notice, and
/// every parser calls an nginx error-log line a server message.
fn assert_not_access(line: &str) {
    let server_message = axlog_format::servermsg::is_server_message(line.as_bytes());
    for layout in Preset::ALL {
        match layout.parser().parse(line.as_bytes()) {
            Err(ParseError::NotAccess) if layout == Preset::Haproxy || server_message => {}
            Err(e) => assert_ne!(e, ParseError::NotAccess, "{layout}: {line}"),
            Ok(r) => panic!("{layout} parsed {r:?}: {line}"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// logstash-patterns-core httpd_spec.rb

/// Our value for a logstash field path (ECS or legacy); outer `None` when axlog does not
/// keep the field, inner `None` when the line has no value for it.
fn logstash_value(r: &Record, path: &str) -> Option<Option<String>> {
    let parts = r.request_parts();
    // ECS captures nothing for `-`.
    let ecs = |b: &[u8]| (b != b"-" && !b.is_empty()).then(|| s(b));
    Some(match path {
        "source.address" | "clientip" => Some(s(r.remote_addr)),
        "user" | "user.name" => ecs(r.remote_user),
        "auth" => Some(s(r.remote_user)),
        "http.request.method" | "verb" => parts.map(|p| s(p.method)),
        "url.original" | "request" => parts.map(|p| s(p.target)),
        "http.version" | "httpversion" => parts
            .and_then(|p| p.protocol)
            .and_then(|v| v.strip_prefix(b"HTTP/"))
            .map(s),
        "http.response.status_code" | "response" => (r.status != 0).then(|| r.status.to_string()),
        "http.response.body.bytes" | "bytes" => r.bytes_sent.map(|b| b.to_string()),
        "http.request.referrer" => ecs(r.referer),
        "user_agent.original" => ecs(r.user_agent),
        // The legacy patterns capture the quoted string with its quotes.
        "referrer" => Some(format!("\"{}\"", s(r.referer))),
        "agent" => Some(format!("\"{}\"", s(r.user_agent))),
        // The ident field: the combined preset does not keep it.
        "apache" | "ident" => return None,
        _ => panic!("a logstash field this test does not know: {path}"),
    })
}

#[test]
fn logstash_httpd_spec() {
    let vectors = json("logstash-patterns-core/httpd_spec.vectors.json");
    let vectors = vectors.as_array().unwrap();
    assert_eq!(vectors.len(), 11);
    let messages = corpus_util::read("logstash-patterns-core/httpd_spec.combined.messages.log");
    let messages: Vec<String> = corpus_util::lines(&messages)
        .into_iter()
        .map(|(_, l)| s(l))
        .collect();
    let (mut combined, mut error_log, mut compared, mut not_kept) = (0, 0, 0, 0);
    for v in vectors {
        let msg = v["message"].as_str().unwrap();
        match v["pattern"].as_str().unwrap() {
            "HTTPD_COMBINEDLOG" => {}
            "HTTPD_ERRORLOG" => {
                // An error log is not an access log.
                assert_not_access(msg);
                error_log += 1;
                continue;
            }
            p => panic!("unexpected pattern {p}"),
        }
        assert!(messages.iter().any(|m| m == msg), "{msg}");
        // `combined` is what a user names for these lines.
        let layout = Preset::from_name("combined").unwrap();
        let r = layout
            .parser()
            .parse(msg.as_bytes())
            .unwrap_or_else(|e| panic!("{e}: {msg}"));
        let specs = ["expect_ecs_v1", "expect_legacy"]
            .iter()
            .flat_map(|k| v[k].as_array().unwrap().iter())
            .map(|s| s.as_str().unwrap());
        for spec in specs {
            for (path, fact) in rspec::facts(spec, "grok") {
                let Some(got) = logstash_value(&r, &path) else {
                    not_kept += 1;
                    continue;
                };
                match fact {
                    Fact::Is(want) => assert_eq!(got.as_deref(), Some(&*want), "{path}: {msg}"),
                    Fact::Absent => assert_eq!(got, None, "{path} should be absent: {msg}"),
                }
                compared += 1;
            }
        }
        combined += 1;
    }
    assert_eq!((combined, error_log), (3, 8));
    assert_eq!(messages.len(), combined);
    // Line 1: 8 ECS values, `user` absent, 8 legacy values, `auth`; line 2: user name
    // twice; line 3: 5 ECS values, status absent, 4 legacy values, `response` absent.
    // Not kept: the ident field (`apache` absent, `ident => '-'`).
    assert_eq!((compared, not_kept), (31, 2));
    // The error-log lines, taken together, are no access log either.
    let errors: String = vectors
        .iter()
        .filter(|v| v["pattern"] == "HTTPD_ERRORLOG")
        .map(|v| format!("{}\n", v["message"].as_str().unwrap()))
        .collect();
    assert_eq!(detect(errors.as_bytes()).map_or(0, |d| d.parsed), 0);
}

// ---------------------------------------------------------------------------------------
// VRL

/// A `timestamp` as VRL's vectors (`{"timestamp_rfc3339": …}`) or docs (a string) give it.
fn vrl_time(v: &Value) -> i64 {
    let t = v
        .get("timestamp_rfc3339")
        .unwrap_or(v)
        .as_str()
        .expect("RFC 3339 timestamp");
    rfc3339_us(t)
}

/// Compares one key of a VRL result with the record; `false` when axlog does not keep the
/// field (the combined preset's trailing `compression`).
fn vrl_check(r: &Record, names: &[String], key: &str, want: &Value, at: &str) -> bool {
    let text = |got: &[u8]| assert_eq!(s(got), want.as_str().unwrap(), "{at} {key}");
    let num_text =
        |got: &[u8]| assert_eq!(s(got), want.as_u64().unwrap().to_string(), "{at} {key}");
    let us = |got: Option<u64>| {
        assert_eq!(
            got,
            Some((want.as_f64().unwrap() * 1e6).round() as u64),
            "{at} {key}"
        )
    };
    let parts = r.request_parts();
    match key {
        "host" | "client" | "remote_addr" => text(r.remote_addr),
        "identity" => text(extra(r, names, names[0].as_str())),
        "user" | "remote_user" => text(r.remote_user),
        "timestamp" => assert_eq!(r.ts_us, vrl_time(want), "{at}"),
        "message" | "request" => text(r.request),
        "method" => text(parts.expect("request parts").method),
        "path" => text(r.path().expect("path")),
        "protocol" => text(parts.and_then(|p| p.protocol).expect("protocol")),
        "status" => assert_eq!(Some(u64::from(r.status)), want.as_u64(), "{at}"),
        "size" | "body_bytes_size" => assert_eq!(r.bytes_sent, want.as_u64(), "{at}"),
        "referrer" | "referer" | "http_referer" => text(r.referer),
        "agent" | "http_user_agent" => text(r.user_agent),
        "http_x_forwarded_for" => text(r.x_forwarded_for),
        "request_length" => assert_eq!(r.request_length, want.as_u64(), "{at}"),
        "request_time" => us(r.request_time_us),
        "upstream_addr" => text(r.upstream_addr),
        "upstream_response_length" => num_text(r.upstream_response_length),
        "upstream_response_time" => us(r.upstream_time_us),
        "upstream_status" => num_text(r.upstream_status),
        "proxy_upstream_name" | "proxy_alternative_upstream_name" | "req_id" => {
            text(extra(r, names, key))
        }
        "compression" => return false,
        _ => panic!("{at}: a VRL key this test does not know: {key}"),
    }
    true
}

/// The fields VRL leaves out because the line has `-` there: axlog has `-` or no value.
fn vrl_omitted(r: &Record, names: &[String], want: &Value, at: &str) -> usize {
    let mut n = 0;
    let mut dash = |key: &str, got: &[u8]| {
        if want.get(key).is_none() {
            assert_eq!(got, b"-", "{at} {key}");
            n += 1;
        }
    };
    dash("host", r.remote_addr);
    dash("identity", extra(r, names, names[0].as_str()));
    dash("user", r.remote_user);
    dash("message", r.request);
    if want.get("status").is_none() {
        assert_eq!(r.status, 0, "{at}");
        n += 1;
    }
    if want.get("size").is_none() {
        assert_eq!(r.bytes_sent, None, "{at}");
        n += 1;
    }
    n
}

/// VRL's `parse_common_log(value, "%+")`: CLF with an ISO 8601 time, as a definition.
const CLF_ISO8601: &str =
    r#"$remote_addr $ident $remote_user [$time_iso8601] "$request" $status $body_bytes_sent"#;

#[test]
fn vrl_parse_common_log_vectors() {
    let cases = json("vrl/parse_common_log.test_vectors.json");
    let (mut ok, mut rejected, mut compared, mut omitted) = (0, 0, 0, 0);
    for case in cases.as_array().unwrap() {
        let test = case["test"].as_str().unwrap();
        let line = case["args"]["value"].as_str().unwrap();
        let (mut p, names) = match case["args"]["timestamp_format"].as_str() {
            None => custom(Preset::ApacheCommon.definition()),
            Some("%+") => custom(CLF_ISO8601),
            Some(f) => panic!("{test}: timestamp format {f}"),
        };
        let got = p.parse(line.as_bytes());
        let want = match case.get("want_ok") {
            // VRL's lines without a timestamp: no time, no request in time for axlog.
            Some(w) if w.get("timestamp").is_some() => w,
            _ => {
                assert!(got.is_err(), "{test}: VRL {case}, axlog {got:?}");
                rejected += 1;
                continue;
            }
        };
        let r = got.unwrap_or_else(|e| panic!("{test}: {e}: {line}"));
        for (key, v) in want.as_object().unwrap() {
            assert!(vrl_check(&r, &names, key, v, test));
            compared += 1;
        }
        omitted += vrl_omitted(&r, &names, want, test);
        ok += 1;
    }
    // log_line_valid and the `%+` one parse; the two without a time and the two invalid
    // ones do not.
    assert_eq!((ok, rejected), (2, 4));
    // 10 keys of log_line_valid, the timestamp of the `%+` line; its six `-` fields.
    assert_eq!((compared, omitted), (11, 6));
}

#[test]
fn vrl_docs_examples() {
    let (mut access, mut error_examples, mut compared, mut not_kept) = (0, 0, 0, 0);
    for (file, function) in [
        ("vrl/docs_generated_parse_nginx_log.json", "parse_nginx_log"),
        (
            "vrl/docs_generated_parse_apache_log.json",
            "parse_apache_log",
        ),
        (
            "vrl/docs_generated_parse_common_log.json",
            "parse_common_log",
        ),
    ] {
        let doc = json(file);
        assert_eq!(doc["name"], function);
        for ex in doc["examples"].as_array().unwrap() {
            let title = ex["title"].as_str().unwrap();
            let source = ex["source"].as_str().unwrap();
            // `s'LINE'` then the arguments: the format name (or, for parse_common_log, a
            // timestamp format).
            let start = source.find("s'").expect("s'…'") + 2;
            let end = start + source[start..].find('\'').expect("closing '");
            let line = &source[start..end];
            let args: Vec<&str> = source[end..].split('"').skip(1).step_by(2).collect();
            let (mut p, names) = match (function, args.first().copied()) {
                ("parse_nginx_log", Some("combined")) => (Preset::NginxCombined.parser(), vec![]),
                ("parse_nginx_log", Some("main")) => (Preset::NginxMain.parser(), vec![]),
                ("parse_nginx_log", Some("ingress_upstreaminfo")) => {
                    custom(Preset::IngressUpstreaminfo.definition())
                }
                ("parse_apache_log", Some("common")) | ("parse_common_log", None) => {
                    custom(Preset::ApacheCommon.definition())
                }
                ("parse_apache_log", Some("combined")) => {
                    (Preset::from_name("combined").unwrap().parser(), vec![])
                }
                ("parse_common_log", Some("%+")) => custom(CLF_ISO8601),
                (_, Some("error")) => {
                    assert_not_access(line);
                    error_examples += 1;
                    continue;
                }
                other => panic!("{title}: {other:?}"),
            };
            let r = p
                .parse(line.as_bytes())
                .unwrap_or_else(|e| panic!("{title}: {e}: {line}"));
            for (key, want) in ex["return"].as_object().unwrap() {
                // The combined preset reads no ident field.
                if key == "identity" && names.is_empty() {
                    not_kept += 1;
                    continue;
                }
                if vrl_check(&r, &names, key, want, title) {
                    compared += 1;
                } else {
                    not_kept += 1;
                }
            }
            access += 1;
        }
    }
    // nginx: combined, ingress, main (+ error); apache: common, combined (+ error);
    // common log: default and `%+` time.
    assert_eq!((access, error_examples), (7, 2));
    // 9 + 17 + 9 nginx keys, 10 + 12 apache, 10 + 10 CLF; not kept: nginx combined's
    // trailing `compression`, Apache combined's identity.
    assert_eq!((compared, not_kept), (75, 2));
}

// ---------------------------------------------------------------------------------------
// nielsbasjes/logparser

/// logparser's view of an nginx upstream list: the `, ` entries, each with the value
/// after a ` : ` redirect (itself when there is none).
fn logparser_entries(raw: &str) -> Vec<(String, String)> {
    raw.split(", ")
        .map(|e| match e.split_once(" : ") {
            Some((v, r)) => (v.to_string(), r.to_string()),
            None => (e.to_string(), e.to_string()),
        })
        .collect()
}

/// Checks logparser's `[prefix]N.value` / `N.redirected` expectations against the list
/// as axlog keeps it; returns the number of values compared.
fn check_list(raw: &[u8], expect: &Value, prefix: &str) -> usize {
    let entries = logparser_entries(&s(raw));
    let mut n = 0;
    for (key, want) in expect.as_object().unwrap() {
        let Some(rest) = key.strip_prefix(prefix) else {
            continue;
        };
        let (i, what) = rest.split_once('.').unwrap();
        let i: usize = i.parse().unwrap();
        match (what, want.as_str()) {
            // `N.value: null`: there are N entries.
            ("value", None) => assert_eq!(entries.len(), i, "{key}"),
            ("value", Some(v)) => assert_eq!(entries[i].0, v, "{key}"),
            ("redirected", Some(v)) => assert_eq!(entries[i].1, v, "{key}"),
            _ => panic!("{key}"),
        }
        n += 1;
    }
    n
}

/// Every value of logparser's entries in order (a redirect's value after its entry's):
/// what axlog counts as attempts.
fn flattened(expect: &Value) -> Vec<u64> {
    let mut out = Vec::new();
    for i in 0.. {
        let Some(v) = expect[format!("{i}.value")].as_str() else {
            break;
        };
        let secs = |t: &str| (t.parse::<f64>().unwrap() * 1e6).round() as u64;
        out.push(secs(v));
        if let Some(r) = expect[format!("{i}.redirected")].as_str()
            && r != v
        {
            out.push(secs(r));
        }
    }
    out
}

/// A time field first: axlog needs one to place a request. The rest is logparser's line.
const TIME: &str = "[15/Dec/2018:19:27:57 -0500] ";

#[test]
fn logparser_upstream_lists() {
    let v = json("nielsbasjes-logparser/logparser_test.vectors.json");
    let cases = v["nginx_upstream_lists"]["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    let mut compared = 0;
    for case in cases {
        let format = case["log_format"].as_str().unwrap();
        let line = case["line"].as_str().unwrap();
        let expect = &case["expect"];
        // The variable the case is about (its text may say more after the name).
        let var = format.split_whitespace().next().unwrap();
        let full = format!("{TIME}{line}");
        match var {
            r#""$upstream_addr""# => {
                let def = format!("[$time_local] {format}");
                let (mut p, names) = custom(&def);
                let r = p.parse(full.as_bytes()).unwrap();
                compared += check_list(r.upstream_addr, expect, "upstream.addr.");
                compared += check_list(
                    extra(&r, &names, "upstream_bytes_received"),
                    expect,
                    "upstream.bytes.received.",
                );
            }
            "$remote_addr" => {
                let (mut p, names) = custom(format);
                let r = p.parse(line.as_bytes()).unwrap();
                let want: u64 = expect["upstream.response.time.0.value (MICROSECONDS)"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert_eq!(r.upstream_time_us, Some(want));
                let secs = expect["upstream.response.time.0.value (SECOND_MILLIS)"]
                    .as_str()
                    .unwrap();
                assert_eq!(r.upstream_times_raw, secs.as_bytes());
                assert_eq!(r.request_time_us, Some(2_000));
                assert_eq!(r.x_forwarded_for, b"-");
                assert_eq!(extra(&r, &names, "pipe"), b".");
                compared += 2;
            }
            "$upstream_response_time" => {
                // The same list for the three upstream timings axlog keeps.
                for name in [
                    "upstream_response_time",
                    "upstream_connect_time",
                    "upstream_header_time",
                ] {
                    let (mut p, _) = custom(&format!("[$time_local] ${name}"));
                    let r = p.parse(full.as_bytes()).unwrap();
                    let attempts = flattened(expect);
                    let total: u64 = attempts.iter().sum();
                    match name {
                        "upstream_response_time" => {
                            compared += check_list(r.upstream_times_raw, expect, "");
                            let got: Vec<_> = r.upstream_attempts_us().collect();
                            assert_eq!(got, attempts.iter().map(|&a| Some(a)).collect::<Vec<_>>());
                            assert_eq!(r.upstream_time_us, Some(total));
                        }
                        "upstream_connect_time" => assert_eq!(r.upstream_connect_us, Some(total)),
                        _ => assert_eq!(r.upstream_header_us, Some(total)),
                    }
                    compared += 1;
                }
            }
            "$upstream_status" => {
                let (mut p, _) = custom("[$time_local] $upstream_status");
                let r = p.parse(full.as_bytes()).unwrap();
                compared += check_list(r.upstream_status, expect, "");
            }
            "$upstream_response_length" => {
                let (mut p, _) = custom("[$time_local] $upstream_response_length");
                let r = p.parse(full.as_bytes()).unwrap();
                compared += check_list(r.upstream_response_length, expect, "");
            }
            "$upstream_cache_status" => {
                let (mut p, _) = custom("[$time_local] $upstream_cache_status");
                let r = p.parse(full.as_bytes()).unwrap();
                assert_eq!(
                    s(r.cache_status),
                    expect["upstream.cache.status"].as_str().unwrap()
                );
                compared += 1;
            }
            other => panic!("a case this test does not know: {other}"),
        }
    }
    // addr 9 + bytes received 6, request line 2, times 9 + 3, status 6, length 4, cache 1.
    assert_eq!(compared, 40);
}

#[test]
fn logparser_edge_cases() {
    let v = json("nielsbasjes-logparser/logparser_test.vectors.json");
    let cases = v["edge_cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    let mut checked = 0;
    for case in cases {
        let line = case["line"].as_str().unwrap();
        let expect = &case["expect"];
        let def = case["log_format_apache"].as_str().unwrap();
        let (mut p, names) = match def {
            "common" => custom(Preset::from_name("common").unwrap().definition()),
            _ => custom(def),
        };
        let r = p
            .parse(line.as_bytes())
            .unwrap_or_else(|e| panic!("{e}: {line}"));
        let parts = r.request_parts();
        if case["test"] == "EdgeCasesTest.testInvalidFirstLine" {
            let e = |k: &str| expect[k].as_str().unwrap().to_string();
            assert_eq!(s(r.remote_addr), e("connection.client.ip"));
            assert_eq!(s(extra(&r, &names, "%A")), e("connection.server.ip"));
            assert_eq!(
                r.ts_us,
                expect["request.receive.time.last.epoch_ms"]
                    .as_i64()
                    .unwrap()
                    * 1000
            );
            assert_eq!(r.status.to_string(), e("request.status.last"));
            // `%O` is the only size in the layout: it counts as the response's bytes.
            assert_eq!(
                r.bytes_sent.map(|b| b.to_string()),
                Some(e("response.bytes"))
            );
            assert_eq!(
                s(extra(&r, &names, "%P")),
                e("connection.server.child.processid")
            );
            // logparser: null; axlog keeps `-`.
            for (k, got) in [
                ("connection.client.user", r.remote_user),
                ("request.user-agent", r.user_agent),
                ("request.referer", r.referer),
            ] {
                assert!(expect[k].is_null(), "{k}");
                assert_eq!(got, b"-", "{k}");
            }
            // The request line as logged, `\x16\x03\x01` as text; decoded, the TLS bytes.
            let firstline = e("request.firstline");
            let want: Vec<u8> = firstline.split(' ').next().unwrap().bytes().collect();
            assert_eq!(want, [0x16, 0x03, 0x01]);
            assert_eq!(r.request, br"\x16\x03\x01");
            assert_eq!(r.escaping.decode(r.request).as_ref(), want.as_slice());
            for k in ["method", "uri", "protocol"] {
                assert_eq!(expect[format!("request.firstline.{k}")], "ABSENT");
            }
            assert!(parts.is_none());
            assert_eq!(r.path(), None);
            checked += 1;
        } else {
            let uri = expect["request.firstline.uri"].as_str().unwrap();
            let p = parts.expect("request parts");
            assert_eq!(
                (s(p.method), s(p.target)),
                ("GET".to_string(), uri.to_string())
            );
            // A target that is neither a path, an absolute URL nor `*` gives no path
            // (a probe, not a resource to rank), though the request line is split.
            assert_eq!(r.path(), None);
            assert_eq!((r.status, r.bytes_sent), (400, Some(1160)));
            checked += 1;
        }
    }
    assert_eq!(checked, 4);
}
