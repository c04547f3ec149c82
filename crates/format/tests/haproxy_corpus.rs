//! Conformance of the HAProxy parser with the shared corpus (`../shared/corpus`):
//! * filebeat's HAProxy module test logs against its expected documents;
//! * logstash-patterns-core's `haproxy_spec.rb` expectations (ECS and legacy);
//! * 17,211 real lines (haproxylogparser) against a naive split of the same lines;
//! * lnav's HAProxy test log, where server messages must be `NotAccess`;
//! * generated lines (axlog-testgen `haproxy-http`) against a naive split.
//!
//! Where upstream and axlog differ by design (documented in `haproxy.rs`): a client logged
//! `-` stays `-` (upstream drops it), `<NOSRV>` stays the server name (ECS drops it), `-1`
//! timers are `None` (filebeat keeps -1), a `+` before a timer is dropped (logstash keeps it).

mod corpus_util;

use std::collections::BTreeMap;

use axlog_format::haproxy::{HaproxyFields, HaproxyParser};
use axlog_format::{Parse, ParseError, Record};
use corpus_util::rspec::{self, Fact};
use corpus_util::{lines, read, s};
use serde_json::Value;

fn hf<'a>(r: &Record<'a>) -> HaproxyFields<'a> {
    r.haproxy.expect("haproxy fields")
}

fn ms(us: Option<u64>) -> Option<i64> {
    us.map(|v| (v / 1000) as i64)
}

/// `dd/Mon/yyyy:HH:MM:SS.mmm` of UTC µs, computed independently of the parser (Hinnant's
/// civil_from_days, the inverse of what the parser uses).
fn fmt_date(us: i64) -> String {
    let secs = us.div_euclid(1_000_000);
    let milli = us.rem_euclid(1_000_000) / 1000;
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{d:02}/{}/{y}:{:02}:{:02}:{:02}.{milli:03}",
        MONTHS[(m - 1) as usize],
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

// ---------------------------------------------------------------------------------------
// filebeat

/// Our value for a filebeat key, as JSON; `None` when axlog does not keep that field.
fn beats_value(r: &Record, key: &str) -> Option<Value> {
    let f = hf(r);
    let t = |v: Option<u64>| Value::from(ms(v).unwrap_or(-1)); // filebeat keeps -1
    let n = |v: Option<u32>| Value::from(v.map_or(-1, i64::from));
    let text = |b: &[u8]| Value::from(s(b));
    let headers = |b: &[u8]| {
        // filebeat splits on `|` and drops empty items.
        Value::from(
            b.split(|&c| c == b'|')
                .filter(|h| !h.is_empty())
                .map(s)
                .collect::<Vec<_>>(),
        )
    };
    Some(match key {
        "source.port" => Value::from(f.client_port?),
        "source.address" | "source.ip" => text(r.remote_addr),
        "haproxy.source" => text(f.syslog_host),
        "haproxy.frontend_name" => text(f.frontend),
        "haproxy.backend_name" => text(f.backend),
        "haproxy.server_name" => text(f.server),
        "haproxy.http.request.time_wait_ms" => t(f.tr_us),
        "haproxy.total_waiting_time_ms" => t(f.tw_us),
        "haproxy.connection_wait_time_ms" => t(f.tc_us),
        "haproxy.http.request.time_wait_without_data_ms" => t(f.tresp_us),
        "event.duration" => Value::from(ms(f.ta_us)? * 1_000_000),
        "http.response.status_code" => Value::from(r.status),
        "http.response.bytes" | "haproxy.bytes_read" => Value::from(r.bytes_sent?),
        "haproxy.connections.active" => n(f.actconn),
        "haproxy.connections.frontend" => n(f.feconn),
        "haproxy.connections.backend" => n(f.beconn),
        "haproxy.connections.server" => n(f.srv_conn),
        "haproxy.connections.retries" => n(f.retries),
        "haproxy.server_queue" => n(f.srv_queue),
        "haproxy.backend_queue" => n(f.backend_queue),
        "haproxy.termination_state" => text(f.termination_state),
        "haproxy.http.request.raw_request_line" => text(r.request),
        "http.request.method" => text(r.request_parts()?.method),
        "http.version" => text(r.request_parts()?.protocol?.strip_prefix(b"HTTP/")?),
        "url.original" => text(r.request_parts()?.target),
        "url.path" => text(r.path()?),
        "haproxy.http.request.captured_headers" => headers(f.captured_request_headers),
        "haproxy.http.response.captured_headers" => headers(f.captured_response_headers),
        _ => return None,
    })
}

#[test]
fn beats_expected() {
    let mut compared = 0;
    for (log, want_entries) in [
        ("beats/haproxy/log/test/haproxy.log", 10),
        ("beats/haproxy/log/test/httplog-no-headers.log", 3),
        ("beats/haproxy/log/test/tcplog.log", 1),
    ] {
        let data = read(log);
        let expected: Value =
            serde_json::from_slice(&read(&format!("{log}-expected.excerpt.json"))).unwrap();
        let entries = expected["expected"].as_array().unwrap();
        assert_eq!(entries.len(), want_entries, "{log}");
        let mut p = HaproxyParser::new(0);
        let mut parsed = BTreeMap::new();
        for (off, line) in lines(&data) {
            let r = p
                .parse(line)
                .unwrap_or_else(|e| panic!("{log}@{off}: {e}: {}", s(line)));
            parsed.insert(off, r);
        }
        for e in entries {
            let off = e["log.offset"].as_u64().unwrap() as usize;
            let r = &parsed[&off];
            for (key, want) in e.as_object().unwrap() {
                let Some(got) = beats_value(r, key) else {
                    continue;
                };
                assert_eq!(&got, want, "{log}@{off} {key}");
                compared += 1;
            }
            for absent in e["_absent"].as_array().into_iter().flatten() {
                match absent.as_str().unwrap() {
                    // A client logged `-`: kept as written.
                    "source.address" | "source.ip" => assert_eq!(r.remote_addr, b"-"),
                    // tcplog: no status.
                    "http.response.status_code" => assert_eq!(r.status, 0),
                    _ => continue,
                }
                compared += 1;
            }
        }
    }
    // Every key of the expected documents but the unkept ones (process, captured cookies,
    // the custom host field, outcome, URL extension), and every `_absent` entry.
    assert_eq!(compared, 363, "values compared");
}

/// Line 11 of filebeat's haproxy.log has no expected document (added upstream later):
/// ISO 8601 syslog date and httpslog-style fields after the request. Values read off the
/// line itself.
#[test]
fn beats_line_without_expected() {
    let data = read("beats/haproxy/log/test/haproxy.log");
    let all = lines(&data);
    assert_eq!(all.len(), 11);
    let r = HaproxyParser::new(0).parse(all[10].1).unwrap();
    let f = hf(&r);
    assert_eq!(f.syslog_host, b"host.example.com");
    assert_eq!(
        (r.remote_addr, f.client_port),
        (&b"1.2.3.4"[..], Some(27368))
    );
    assert_eq!(fmt_date(r.ts_us), "15/Dec/2021:16:55:17.995");
    assert_eq!(
        (f.frontend, f.backend, f.server),
        (&b"frontendname~"[..], &b"backendname"[..], &b"server1"[..])
    );
    assert_eq!(
        [f.tr_us, f.tw_us, f.tc_us, f.tresp_us, f.ta_us].map(ms),
        [Some(24), Some(0), Some(0), Some(3), Some(27)]
    );
    assert_eq!((r.status, r.bytes_sent), (304, Some(453)));
    assert_eq!(f.termination_state, b"----");
    assert_eq!(
        [
            f.actconn,
            f.feconn,
            f.beconn,
            f.srv_conn,
            f.retries,
            f.srv_queue,
            f.backend_queue
        ],
        [27, 1, 1, 0, 0, 0, 0].map(Some)
    );
    assert!(
        f.captured_request_headers
            .starts_with(b"|Mozilla/5.0 (Windows NT 10.0;")
    );
    assert_eq!(f.captured_response_headers, b"");
    assert_eq!(r.request, b"GET /image.png HTTP/1.1");
}

/// filebeat's default.log: the `Connect from` line of HAProxy's default format.
#[test]
fn beats_default_format_is_not_access() {
    let data = read("beats/haproxy/log/test/default.log");
    let all = lines(&data);
    assert_eq!(all.len(), 1);
    assert_eq!(
        HaproxyParser::new(0).parse(all[0].1),
        Err(ParseError::NotAccess)
    );
}

// ---------------------------------------------------------------------------------------
// logstash-patterns-core

/// Our value for a logstash field path (ECS or legacy); outer `None` when axlog does not
/// keep that field, inner `None` when the line has no such value.
fn logstash_value(r: &Record, path: &str) -> Option<Option<String>> {
    let f = hf(r);
    let parts = r.request_parts();
    let num = |v: Option<u32>| v.map(|v| v.to_string());
    // ECS leaves unset timers out; the legacy patterns keep "-1".
    let ecs_t = |v: Option<u64>| ms(v).map(|v| v.to_string());
    let legacy_t = |v: Option<u64>| Some(ms(v).unwrap_or(-1).to_string());
    let text = |b: &[u8]| (!b.is_empty()).then(|| s(b));
    Some(match path {
        "source.port" | "client_port" => f.client_port.map(|p| p.to_string()),
        "source.address" | "client_ip" => text(r.remote_addr),
        "source.bytes" | "bytes_read" => r.bytes_sent.map(|b| b.to_string()),
        "host.hostname" | "syslog_server" => text(f.syslog_host),
        "haproxy.request_date" | "accept_date" => Some(fmt_date(r.ts_us)),
        "haproxy.frontend_name" | "frontend_name" => text(f.frontend),
        "haproxy.backend_name" | "backend_name" => text(f.backend),
        // ECS drops `<NOSRV>`; axlog keeps it as logged.
        "haproxy.server_name" => (f.server != b"<NOSRV>").then(|| s(f.server)),
        "server_name" => text(f.server),
        "haproxy.http.request.time_wait_ms" => ecs_t(f.tr_us),
        "haproxy.total_waiting_time_ms" => ecs_t(f.tw_us),
        "haproxy.connection_wait_time_ms" => ecs_t(f.tc_us),
        "haproxy.http.request.time_wait_without_data_ms" => ecs_t(f.tresp_us),
        "haproxy.total_time_ms" => ecs_t(f.ta_us),
        "time_request" => legacy_t(f.tr_us),
        "time_queue" => legacy_t(f.tw_us),
        "time_backend_connect" => legacy_t(f.tc_us),
        "time_backend_response" => legacy_t(f.tresp_us),
        "time_duration" => legacy_t(f.ta_us),
        "http.response.status_code" | "http_status_code" => {
            (r.status != 0).then(|| r.status.to_string())
        }
        "haproxy.termination_state" | "termination_state" => text(f.termination_state),
        "haproxy.connections.active" | "actconn" => num(f.actconn),
        "haproxy.connections.frontend" | "feconn" => num(f.feconn),
        "haproxy.connections.backend" | "beconn" => num(f.beconn),
        "haproxy.connections.server" | "srvconn" => num(f.srv_conn),
        "haproxy.connections.retries" | "retries" => num(f.retries),
        "haproxy.server_queue" | "srv_queue" => num(f.srv_queue),
        "haproxy.backend_queue" | "backend_queue" => num(f.backend_queue),
        "haproxy.http.request.captured_headers" => text(f.captured_request_headers),
        "haproxy.http.response.captured_headers" => text(f.captured_response_headers),
        "http.request.method" | "http_verb" => parts.map(|p| s(p.method)),
        "http.version" | "http_version" => parts
            .and_then(|p| p.protocol)
            .map(|v| s(v.strip_prefix(b"HTTP/").unwrap_or(v))),
        "url" | "url.original" | "http_request" => parts.map(|p| s(p.target)),
        // ECS splits absolute URIs; axlog's path is the target's up to `?`.
        "url.path" if parts.is_some_and(|p| p.target.starts_with(b"/")) => r.path().map(s),
        "http_host" if parts.is_some_and(|p| p.method == b"CONNECT") => parts.map(|p| s(p.target)),
        _ => return None,
    })
}

#[test]
fn logstash_haproxy_spec() {
    let vectors: Value =
        serde_json::from_slice(&read("logstash-patterns-core/haproxy_spec.vectors.json")).unwrap();
    let vectors = vectors.as_array().unwrap();
    assert_eq!(vectors.len(), 8);
    let messages = read("logstash-patterns-core/haproxy_spec.messages.log");
    let messages: Vec<String> = lines(&messages).into_iter().map(|(_, l)| s(l)).collect();
    let mut p = HaproxyParser::new(0);
    let (mut compared, mut skipped) = (0, BTreeMap::<String, u32>::new());
    for v in vectors {
        let msg = v["message"].as_str().unwrap();
        assert!(
            messages.iter().any(|m| m == msg),
            "not in messages.log: {msg}"
        );
        let r = p
            .parse(msg.as_bytes())
            .unwrap_or_else(|e| panic!("{e}: {msg}"));
        let specs = ["expect_ecs_v1", "expect_legacy"]
            .iter()
            .flat_map(|k| v[k].as_array().unwrap().iter())
            .map(|s| s.as_str().unwrap());
        for spec in specs {
            for (path, fact) in rspec::facts(spec, "subject") {
                let Some(got) = logstash_value(&r, &path) else {
                    *skipped.entry(path).or_default() += 1;
                    continue;
                };
                match fact {
                    // logstash keeps the logasap `+`; axlog drops it.
                    Fact::Is(want) => assert_eq!(
                        got.as_deref(),
                        Some(want.trim_start_matches('+')),
                        "{path}: {msg}"
                    ),
                    Fact::Absent => assert_eq!(got, None, "{path} should be absent: {msg}"),
                }
                compared += 1;
            }
        }
    }
    assert_eq!(messages.len(), vectors.len());
    // Not kept by axlog: syslog timestamp and process, captured cookies, URL parts.
    eprintln!("logstash: {compared} facts compared; skipped {skipped:?}");
    assert_eq!(compared, 146);
}

// ---------------------------------------------------------------------------------------
// haproxylogparser: 17,211 real lines

/// Timers, status, bytes, server and termination state by splitting on spaces: these lines
/// have no header blocks, so every field has a fixed position.
struct Naive<'a> {
    server: &'a str,
    timers: [Option<i64>; 5],
    status: u16,
    bytes: u64,
    term: &'a str,
}

fn naive(line: &str) -> Naive<'_> {
    let w: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
    let t: Vec<i64> = w[9].split('/').map(|x| x.parse().unwrap()).collect();
    Naive {
        server: w[8].split_once('/').unwrap().1,
        timers: [0, 1, 2, 3, 4].map(|i| (t[i] >= 0).then_some(t[i])),
        status: w[10].parse().unwrap(),
        bytes: w[11].parse().unwrap(),
        term: w[14],
    }
}

#[test]
fn haproxylogparser_real_log() {
    let data = read("haproxylogparser/haproxy.log");
    let text = std::str::from_utf8(&data).unwrap();
    let mut p = HaproxyParser::new(0);
    let mut ours = BTreeMap::<u16, u32>::new();
    let mut theirs = BTreeMap::<u16, u32>::new();
    let (mut sum_ta, mut sum_ta_naive, mut n, mut nosrv) = (0u64, 0i64, 0, 0);
    for line in text.lines() {
        let r = p
            .parse(line.as_bytes())
            .unwrap_or_else(|e| panic!("{e}: {line}"));
        let f = hf(&r);
        let w = naive(line);
        *ours.entry(r.status / 100).or_default() += 1;
        *theirs.entry(w.status / 100).or_default() += 1;
        sum_ta += f.ta_us.unwrap() / 1000;
        sum_ta_naive += w.timers[4].unwrap();
        assert_eq!(
            [f.tr_us, f.tw_us, f.tc_us, f.tresp_us, f.ta_us].map(ms),
            w.timers,
            "{line}"
        );
        assert_eq!(
            (r.status, r.bytes_sent),
            (w.status, Some(w.bytes)),
            "{line}"
        );
        assert_eq!(
            (s(f.server), s(f.termination_state)),
            (w.server.to_string(), w.term.to_string())
        );
        assert_eq!(r.request_time_us, f.ta_us);
        assert_eq!(r.upstream_time_us, f.tresp_us);
        assert_eq!(f.syslog_host, b"127.0.0.1");
        nosrv += usize::from(f.server == b"<NOSRV>");
        n += 1;
    }
    assert_eq!(n, 17_211);
    assert_eq!(ours, theirs);
    // The counts the corpus manifest gives for this file.
    assert_eq!(ours, BTreeMap::from([(2, 4861), (4, 12_300), (5, 50)]));
    assert_eq!(nosrv, 7858);
    assert_eq!(sum_ta as i64, sum_ta_naive);
    // First line: `[02/Feb/2012:04:05:24.385]`, UTC since the parser was given offset 0.
    let first = p.parse(text.lines().next().unwrap().as_bytes()).unwrap();
    assert_eq!(fmt_date(first.ts_us), "02/Feb/2012:04:05:24.385");
}

// ---------------------------------------------------------------------------------------
// lnav

#[test]
fn lnav_haproxy_log() {
    let data = read("lnav/logfile_haproxy.0");
    let text = std::str::from_utf8(&data).unwrap();
    let mut p = HaproxyParser::new(0);
    let (mut access, mut not_access) = (0, 0);
    for line in text.lines() {
        let got = p.parse(line.as_bytes());
        if line.contains(": Proxy ") || line.ends_with("SSL handshake failure") {
            assert_eq!(got, Err(ParseError::NotAccess), "{line}");
            not_access += 1;
            continue;
        }
        let r = got.unwrap_or_else(|e| panic!("{e}: {line}"));
        let f = hf(&r);
        // Fixed positions up to the queues; the request between the first and last quote.
        let w: Vec<&str> = line.split(' ').collect();
        let (client, port) = w[5].rsplit_once(':').unwrap();
        assert_eq!(s(r.remote_addr), client);
        assert_eq!(f.client_port, Some(port.parse().unwrap()));
        assert_eq!(format!("[{}]", fmt_date(r.ts_us)), w[6]);
        assert_eq!(s(f.frontend), w[7]);
        assert_eq!(format!("{}/{}", s(f.backend), s(f.server)), w[8]);
        let t: Vec<Option<i64>> = w[9].split('/').map(|x| x.parse().ok()).collect();
        assert_eq!(
            [f.tr_us, f.tw_us, f.tc_us, f.tresp_us, f.ta_us]
                .map(ms)
                .to_vec(),
            t
        );
        assert_eq!(r.status.to_string(), w[10]);
        assert_eq!(r.bytes_sent.unwrap().to_string(), w[11]);
        assert_eq!(s(f.termination_state), w[14]);
        let c =
            [f.actconn, f.feconn, f.beconn, f.srv_conn, f.retries].map(|v| v.unwrap().to_string());
        assert_eq!(c.join("/"), w[15]);
        assert_eq!(
            format!("{}/{}", f.srv_queue.unwrap(), f.backend_queue.unwrap()),
            w[16]
        );
        let (q1, q2) = (line.find('"').unwrap(), line.rfind('"').unwrap());
        assert_eq!(s(r.request), line[q1 + 1..q2]);
        let (b1, b2) = (line.find('{').unwrap(), line.find('}').unwrap());
        assert_eq!(s(f.captured_request_headers), line[b1 + 1..b2]);
        assert_eq!(f.captured_response_headers, b"");
        assert_eq!(f.syslog_host, b"192.168.4.2");
        access += 1;
    }
    assert_eq!((access, not_access), (13, 4));
}

// ---------------------------------------------------------------------------------------
// Generated lines

/// axlog-testgen's `haproxy-http` lines: every complete one (ending with the request's
/// quote) parses to the values a naive split reads; empty, garbage and cut lines do not
/// parse and are not mistaken for server messages.
#[test]
fn generated_lines() {
    use axlog_testgen::{Config, Format, Limit, generate};
    let data = generate(&Config {
        format: Format::HaproxyHttp,
        limit: Limit::Lines(20_000),
        seed: 7,
        tz_offset_min: 60,
        ..Config::default()
    });
    let mut p = HaproxyParser::new(60);
    let (mut ok, mut failed) = (0, 0);
    for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let got = p.parse(line);
        let text = String::from_utf8_lossy(line);
        let complete = text.ends_with('"') && text.contains(" haproxy[2451]: ");
        if !complete {
            assert!(
                matches!(got, Err(e) if e != ParseError::NotAccess),
                "{got:?}: {text}"
            );
            failed += 1;
            continue;
        }
        let r = got.unwrap_or_else(|e| panic!("{e}: {text}"));
        let f = hf(&r);
        let w: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
        let t: Vec<Option<i64>> = w[9]
            .split('/')
            .map(|x| x.parse::<i64>().ok().filter(|&v| v >= 0))
            .collect();
        assert_eq!(
            [f.tr_us, f.tw_us, f.tc_us, f.tresp_us, f.ta_us]
                .map(ms)
                .to_vec(),
            t,
            "{text}"
        );
        assert_eq!(r.status.to_string(), w[10], "{text}");
        assert_eq!(r.bytes_sent.unwrap().to_string(), w[11], "{text}");
        assert_eq!(r.utc_offset_min, 60);
        assert_eq!(format!("[{}]", fmt_date(r.ts_us + 3_600_000_000)), w[6]);
        let q = text.find('"').unwrap();
        assert_eq!(s(r.request), text[q + 1..text.len() - 1]);
        ok += 1;
    }
    assert!(ok > 19_000 && failed > 0, "{ok} parsed, {failed} rejected");
}
