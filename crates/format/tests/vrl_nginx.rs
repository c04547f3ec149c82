//! Conformance with VRL's `parse_nginx_log` test cases (combined, main, ingress
//! upstreaminfo), read from the shared corpus: every line VRL parses, axlog parses to the
//! same client, time, request, status, size and user agent; the line VRL rejects, axlog
//! rejects. VRL omits a field whose value is `-`; axlog keeps `-` as text and as `None`
//! for numbers.

use axlog_format::Preset;
use axlog_format::parse_iso8601;
use serde_json::Value;

fn corpus(path: &str) -> Option<String> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(path);
    std::fs::read_to_string(p).ok()
}

#[test]
fn vrl_nginx_vectors() {
    let Some(text) = corpus("vrl/parse_nginx_log.test_vectors.json") else {
        panic!("../shared/corpus/vrl/parse_nginx_log.test_vectors.json is missing");
    };
    let cases: Vec<Value> = serde_json::from_str(&text).expect("corpus JSON");
    let mut checked = 0;
    for case in &cases {
        let layout = match case["args"]["format"].as_str() {
            Some("combined") => Preset::NginxCombined,
            Some("main") => Preset::NginxMain,
            Some("ingress_upstreaminfo") => Preset::IngressUpstreaminfo,
            _ => continue,
        };
        let line = case["args"]["value"].as_str().expect("value");
        let test = case["test"].as_str().unwrap_or("?");
        let got = layout.parser().parse(line.as_bytes());
        let Some(want) = case.get("want_ok") else {
            assert!(got.is_err(), "{test}: VRL rejects, axlog parsed {got:?}");
            checked += 1;
            continue;
        };
        let r = got.unwrap_or_else(|e| panic!("{test}: {e}: {line}"));
        let text = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| want.get(*k).and_then(Value::as_str))
                .unwrap_or("-")
                .to_string()
        };
        let num = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| want.get(*k).and_then(Value::as_u64))
        };
        let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        assert_eq!(s(r.remote_addr), text(&["client", "remote_addr"]), "{test}");
        assert_eq!(s(r.request), text(&["request"]), "{test}");
        assert_eq!(r.status as u64, num(&["status"]).unwrap_or(0), "{test}");
        assert_eq!(r.bytes_sent, num(&["size", "body_bytes_size"]), "{test}");
        assert_eq!(
            s(r.user_agent),
            text(&["agent", "http_user_agent"]),
            "{test}"
        );
        if let Some(ts) = want["timestamp"]["timestamp_rfc3339"].as_str() {
            let (us, _) = parse_iso8601(ts.as_bytes()).expect("rfc3339");
            assert_eq!(r.ts_us, us, "{test}");
        }
        if let Some(rt) = want.get("request_time").and_then(Value::as_f64) {
            assert_eq!(r.request_time_us, Some((rt * 1e6).round() as u64), "{test}");
        }
        checked += 1;
    }
    // 6 combined, 4 upstreaminfo, 5 main (one of them rejected) in the corpus file.
    assert_eq!(checked, 15);
}
