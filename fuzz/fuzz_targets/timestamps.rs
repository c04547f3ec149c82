//! Timestamps of every form axlog reads: nginx `$time_local` (and Apache `%t`) through
//! the cache and its zoneless fast path, ISO 8601, epoch seconds/ms/µs (`$msec`,
//! `%{sec}t`, `%{msec}t`, `%{usec}t`), Apache strftime times, HAProxy's accept date and
//! hexadecimal `%Ts`, and JSON times, each read from a field holding the fuzzed bytes. A
//! time may be refused, never a panic or an overflow.
#![no_main]

use axlog_format::json::JsonMapping;
use axlog_format::logformat::Definition;
use axlog_format::{Format, LineParser, TimeLocalCache, parse_iso8601};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

/// One-time-field layouts: the field is the whole line (or the line between quotes).
const DEFINITIONS: &[&str] = &[
    "$time_local",
    "[$time_local]",
    "$time_iso8601",
    "$msec",
    "%t",
    "%{sec}t",
    "%{msec}t",
    "%{usec}t",
    "%{%d/%b/%Y:%H:%M:%S %z}t",
    "%{%Y-%m-%dT%H:%M:%S}t",
    "%{begin:%d/%b/%Y %T}t",
    "%ci [%tr] %ST",
    "%ci [%t] %ST",
    "%ci %{+X}Ts %ST",
];

const MAPPINGS: &[&str] = &[
    "ts=time",
    "ts=time:s",
    "ts=time:ms",
    "ts=time:us",
    "ts=time:ns",
];

fn parsers() -> &'static Vec<LineParser> {
    static P: OnceLock<Vec<LineParser>> = OnceLock::new();
    P.get_or_init(|| {
        let mut v: Vec<LineParser> = DEFINITIONS
            .iter()
            // A time form axlog refuses (some strftime layouts) is skipped: refusing a
            // definition is the compiler's job, tested there.
            .filter_map(|d| Definition::compile_any(d).ok())
            .map(|def| Format::Definition(Arc::new(def)).parser())
            .collect();
        v.extend(MAPPINGS.iter().map(|m| {
            let map = JsonMapping::compile(m).expect("a constant mapping compiles");
            Format::Json(Arc::new(map)).parser()
        }));
        v
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, s)) = data.split_first() else {
        return;
    };
    let mut cache = TimeLocalCache::default();
    let _ = cache.parse(s);
    let _ = cache.parse(s);
    if let Ok(fixed) = <&[u8; 20]>::try_from(s) {
        let _ = cache.parse_zoneless(fixed);
    }
    let _ = parse_iso8601(s);
    let all = parsers();
    let i = pick as usize % (all.len() + 1);
    if i == all.len() {
        // JSON: the bytes as a string and as a number.
        let json = all.len() - MAPPINGS.len();
        let mut p = all[json].clone();
        let mut line = b"{\"time\":\"".to_vec();
        line.extend_from_slice(s);
        line.extend_from_slice(b"\"}");
        let _ = p.parse(&line);
        let mut line = b"{\"time\":".to_vec();
        line.extend_from_slice(s);
        line.push(b'}');
        for m in &all[json..] {
            let _ = m.clone().parse(&line);
        }
    } else {
        let _ = all[i].clone().parse(s);
    }
});
