//! `stats_fields` holds every field the statistics read: parsers projected to it give
//! the summary the full parse gives, on layouts whose parsers skip fields (HAProxy's
//! client, JSON keys, interpreted ports) and on the hand-written nginx one.

use axlog_engine::{ChunkPlace, ChunkSink, RecordSink, StatsSink, stats_fields};
use axlog_format::logformat::Definition;
use axlog_format::{Fields, Format, LineParser, Preset, Record};
use axlog_stats::{StatsConfig, Summary};
use std::sync::Arc;

/// The summary of `lines` read by `parser` told `fields`, records reused as the engine
/// reuses them.
fn summary(parser: &LineParser, fields: Fields, lines: &[Vec<u8>]) -> Summary {
    let mut p = parser.clone();
    p.set_projection(fields);
    let mut sink = StatsSink::new(StatsConfig::default());
    // One chunk, as the engine hands it over: its samples and tables come back at its end.
    sink.begin_chunk();
    let mut rec = Record::default();
    for (i, line) in lines.iter().enumerate() {
        match p.parse_into(line, &mut rec) {
            Ok(()) => {
                sink.prepare(&rec);
                sink.record(&rec);
            }
            Err(e) => sink.malformed("test", i as u64 + 1, line, e),
        }
    }
    let part = sink.end_chunk();
    let at = ChunkPlace {
        source: "test",
        lines_before: 0,
    };
    sink.add_chunk(part, at);
    sink.into_aggregate().summarize()
}

fn generated(format: axlog_testgen::Format, seed: u64) -> Vec<Vec<u8>> {
    let text = axlog_testgen::generate(&axlog_testgen::Config {
        format,
        limit: axlog_testgen::Limit::Lines(3_000),
        seed,
        ..axlog_testgen::Config::default()
    });
    text.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

/// Caddy's JSON lines, written from generated nginx lines (paths, statuses, sizes and
/// durations vary as theirs do).
fn caddy_lines() -> Vec<Vec<u8>> {
    let mut p = Preset::NginxTimed.parser();
    generated(axlog_testgen::Format::NginxTimed, 5)
        .iter()
        .filter_map(|l| {
            let r = p.parse(l).ok()?;
            let parts = r.request_parts()?;
            let text = |b: &[u8]| String::from_utf8_lossy(b).replace(['"', '\\'], "_");
            let us = r.request_time_us.unwrap_or(0);
            Some(
                format!(
                    r#"{{"ts":{}.{:06},"request":{{"client_ip":"{}","method":"{}","uri":"{}","headers":{{"User-Agent":["{}"]}}}},"duration":{}.{:06},"size":{},"status":{}}}"#,
                    r.ts_us / 1_000_000,
                    r.ts_us % 1_000_000,
                    text(r.remote_addr),
                    text(parts.method),
                    text(parts.target),
                    text(r.user_agent),
                    us / 1_000_000,
                    us % 1_000_000,
                    r.bytes_sent.unwrap_or(0),
                    r.status
                )
                .into_bytes(),
            )
        })
        .collect()
}

#[test]
fn statistics_need_only_their_fields() {
    let custom = Definition::compile(
        r#"$remote_addr $server_port [$time_local] "$request" $status $body_bytes_sent $connection "$http_user_agent" $request_time"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut p = Preset::NginxTimed.parser();
    let custom_lines: Vec<Vec<u8>> = generated(axlog_testgen::Format::NginxTimed, 6)
        .iter()
        .filter_map(|l| {
            let r = p.parse(l).ok()?;
            let s = String::from_utf8_lossy(l);
            let t = &s[s.find('[')?..=s.find(']')?];
            Some(
                format!(
                    "{} 443 {t} \"{}\" {} {} 9 \"{}\" 0.{:03}",
                    String::from_utf8_lossy(r.remote_addr),
                    String::from_utf8_lossy(r.request),
                    r.status,
                    r.bytes_sent.unwrap_or(0),
                    String::from_utf8_lossy(r.user_agent),
                    r.status % 1000
                )
                .into_bytes(),
            )
        })
        .collect();
    let caddy = caddy_lines();
    for (label, parser, lines) in [
        (
            "haproxy",
            Preset::Haproxy.parser(),
            generated(axlog_testgen::Format::HaproxyHttp, 3),
        ),
        (
            "nginx timed",
            Preset::NginxTimed.parser(),
            generated(axlog_testgen::Format::NginxTimed, 4),
        ),
        ("caddy", Preset::CaddyJson.parser(), caddy.clone()),
        (
            "custom",
            Format::Definition(Arc::new(custom)).parser(),
            custom_lines,
        ),
    ] {
        assert!(lines.len() > 2_000, "{label}: {}", lines.len());
        let full = summary(&parser, Fields::ALL, &lines);
        assert!(full.requests > 2_000, "{label}: {}", full.requests);
        assert_eq!(summary(&parser, stats_fields(), &lines), full, "{label}");
    }
    // The comparison sees a field left out: Caddy read without its `uri` key has no
    // paths.
    let parser = Preset::CaddyJson.parser();
    let full = summary(&parser, Fields::ALL, &caddy);
    let without_uri = summary(&parser, Fields::NONE, &caddy);
    assert_eq!(without_uri.requests, full.requests);
    assert_ne!(without_uri, full);
}
