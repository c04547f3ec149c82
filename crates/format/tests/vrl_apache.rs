//! Conformance with VRL's `parse_apache_log` common/combined cases, read from the shared
//! corpus. Where axlog decides differently, the test says so:
//! - VRL accepts lines without a timestamp (`- - - - - - -`); axlog cannot place such a
//!   request in time and counts the line as malformed.
//! - VRL accepts `combined` with unquoted `-` referer and agent; Apache always quotes
//!   them, and axlog rejects the line rather than guess what the fields are.

use axlog_format::Preset;
use axlog_format::parse_iso8601;
use serde_json::Value;

#[test]
fn vrl_apache_vectors() {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/vrl/parse_apache_log.test_vectors.json");
    let text = std::fs::read_to_string(&p).expect("../shared/corpus is missing");
    let cases: Vec<Value> = serde_json::from_str(&text).expect("corpus JSON");
    let mut checked = 0;
    for case in &cases {
        let layout = match case["args"]["format"].as_str() {
            Some("common") => Preset::ApacheCommon,
            Some("combined") => Preset::NginxCombined,
            _ => continue,
        };
        let line = case["args"]["value"].as_str().expect("value");
        let test = case["test"].as_str().unwrap_or("?");
        let got = layout.parser().parse(line.as_bytes());
        checked += 1;
        let want = match case.get("want_ok") {
            // VRL's accepted lines without a time, and its unquoted `- -`: rejected here.
            Some(w) if w.get("timestamp").is_some() && !line.ends_with(" - -") => w,
            _ => {
                assert!(
                    got.is_err(),
                    "{test}: expected a malformed line, got {got:?}"
                );
                continue;
            }
        };
        let r = got.unwrap_or_else(|e| panic!("{test}: {e}: {line}"));
        let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let text = |k: &str| {
            want.get(k)
                .and_then(Value::as_str)
                .unwrap_or("-")
                .to_string()
        };
        assert_eq!(s(r.remote_addr), text("host"), "{test}");
        assert_eq!(s(r.remote_user), text("user"), "{test}");
        assert_eq!(s(r.request), text("message"), "{test}");
        assert_eq!(r.path().map(s), Some(text("path")), "{test}");
        assert_eq!(Some(r.status as u64), want["status"].as_u64(), "{test}");
        assert_eq!(r.bytes_sent, want["size"].as_u64(), "{test}");
        if layout == Preset::NginxCombined {
            assert_eq!(s(r.referer), text("referrer"), "{test}");
            assert_eq!(s(r.user_agent), text("agent"), "{test}");
        }
        let ts = want["timestamp"]["timestamp_rfc3339"]
            .as_str()
            .expect("time");
        assert_eq!(
            Some(r.ts_us),
            parse_iso8601(ts.as_bytes()).map(|t| t.0),
            "{test}"
        );
    }
    assert_eq!(checked, 7);
}
