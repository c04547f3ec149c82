//! The compiled-definition route with the definition itself fuzzed: up to the first
//! newline is an nginx `log_format`, Apache `LogFormat` or HAProxy `log-format` (the
//! dialect found as `--log-format` finds it) and also a `--json-fields` mapping; after it,
//! lines for the parsers the definition compiled to. A definition may be refused, a line
//! rejected, never a panic.
#![no_main]

use axlog_format::json::JsonMapping;
use axlog_format::logformat::Definition;
use axlog_format::{Format, Parse, TimeLocalCache};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let (def, lines) = match memchr_newline(data) {
        Some(p) => (&data[..p], &data[p + 1..]),
        None => (data, &b""[..]),
    };
    let Ok(def) = std::str::from_utf8(def) else {
        return;
    };
    if let Ok(d) = Definition::compile_any(def) {
        // Display is what `axlog formats` and errors print: it must not panic either.
        let _ = d.to_string();
        let mut routed = Format::Definition(Arc::new(d.clone())).parser();
        let mut compiled = (d, TimeLocalCache::default());
        for line in lines.split(|&b| b == b'\n') {
            let _ = routed.parse(line);
            let _ = compiled.parse(line);
        }
    }
    if let Ok(m) = JsonMapping::compile(def) {
        let mut parser = Format::Json(Arc::new(m)).parser();
        for line in lines.split(|&b| b == b'\n') {
            let _ = parser.parse(line);
        }
    }
});

fn memchr_newline(data: &[u8]) -> Option<usize> {
    data.iter().position(|&b| b == b'\n')
}
