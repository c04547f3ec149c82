//! Hot-stage benchmarks on testgen's nginx-timed lines, one thread:
//! - `split`: finding line ends (the floor any parser pays),
//! - `parse`: split + parse into `Record`s,
//! - `parse_aggregate`: split + parse + statistics (what `axlog report` does per chunk),
//!   and `parse_aggregate_no_paths` without the top-paths table,
//! - `merge_chunk_paths`: each 1 MiB chunk's paths merged into the run's table in order,
//!   `merge_aggregates`: two halves' aggregates merged (a clone of one included): the
//!   parallel engine's last stage (throughput is still bytes of the log they came from).
//!
//! - `haproxy-http/parse` and `haproxy-http/parse_aggregate`: the same two stages on
//!   HAProxy httplog lines (timers and the backend/server breakdown counted too).
//!
//! Run: `cargo bench -p axlog-benches`. Throughput is reported in bytes/s of log text.

use axlog_engine::{RecordSink, StatsSink, process_chunk};
use axlog_format::{ParseError, Preset, Record};
use axlog_stats::{Aggregate, StatsConfig};
use axlog_testgen::{Config, Format, Limit};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// Counts records and touches a field, so parsing cannot be optimised away.
struct CountSink(u64);

impl RecordSink for CountSink {
    fn record(&mut self, r: &Record<'_>) {
        self.0 += r.status as u64;
    }
    fn malformed(&mut self, _: &str, _: u64, _: &[u8], _: ParseError) {}
}

/// Parses every line of `data` as nginx-timed into `sink`, as the engine does per chunk.
fn parse_into<S: RecordSink>(data: &[u8], sink: &mut S) {
    parse_as(Preset::NginxTimed, data, sink)
}

/// Parses every line of `data` as `layout` into `sink`.
fn parse_as<S: RecordSink>(layout: Preset, data: &[u8], sink: &mut S) {
    let mut parser = layout.parser();
    let mut line_no = 0;
    process_chunk(&mut parser, black_box(data), "bench", &mut line_no, sink);
}

fn bench(c: &mut Criterion) {
    let data = axlog_testgen::generate(&Config {
        format: Format::NginxTimed,
        limit: Limit::Bytes(32_000_000),
        seed: 42,
        ..Config::default()
    });
    let mut g = c.benchmark_group("nginx-timed");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(20);

    g.bench_function("split", |b| {
        b.iter(|| black_box(memchr::memchr_iter(b'\n', black_box(&data)).count()))
    });
    g.bench_function("parse", |b| {
        b.iter(|| {
            let mut sink = CountSink(0);
            parse_into(&data, &mut sink);
            black_box(sink.0)
        })
    });
    // The same lines through the parser compiled from the layout's log_format definition,
    // which must keep up with the hand-written one.
    g.bench_function("parse_compiled", |b| {
        let def = axlog_format::logformat::Definition::compile(Preset::NginxTimed.definition())
            .expect("preset compiles");
        // Built directly: through Format, a stock definition gets the hand-written parser.
        b.iter(|| {
            let mut parser = axlog_format::LineParser::Compiled(Box::new((
                def.clone(),
                axlog_format::TimeLocalCache::default(),
            )));
            let mut sink = CountSink(0);
            let mut line_no = 0;
            process_chunk(
                &mut parser,
                black_box(&data),
                "bench",
                &mut line_no,
                &mut sink,
            );
            black_box(sink.0)
        })
    });
    // The same layout written as `combined` + two more fields: the hand-written combined
    // parser for the first part, the compiled rest for the timings.
    g.bench_function("parse_extended", |b| {
        let def = format!(
            "{} $request_time ${{upstream_response_time}}",
            Preset::NginxCombined.definition()
        );
        let f = axlog_format::logformat::Definition::compile(&def).expect("compiles");
        b.iter(|| {
            let mut parser = axlog_format::LineParser::for_log_format(&f);
            let mut sink = CountSink(0);
            let mut line_no = 0;
            process_chunk(
                &mut parser,
                black_box(&data),
                "bench",
                &mut line_no,
                &mut sink,
            );
            black_box(sink.0)
        })
    });
    // With the default path table, and without it (max_paths 0), so the cost of the
    // top-paths table shows on its own.
    for (name, max_paths) in [
        ("parse_aggregate", 100_000),
        ("parse_aggregate_no_paths", 0),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let cfg = StatsConfig {
                    max_paths,
                    ..StatsConfig::default()
                };
                let mut sink = StatsSink::from_aggregate(Aggregate::new(cfg), cfg);
                parse_into(&data, &mut sink);
                black_box(sink.aggregate_mut().requests())
            })
        });
    }
    // Merging, the parallel engine's last stage: each 1 MiB chunk's paths into the run's
    // table, in order (as the calling thread does per chunk), and two workers' aggregates
    // into one (as at the end of a run).
    let chunks: Vec<&[u8]> = {
        let mut out = Vec::new();
        let mut rest = &data[..];
        while !rest.is_empty() {
            let cut = rest.len().min(1 << 20);
            let end = memchr::memchr(b'\n', &rest[cut.saturating_sub(1)..])
                .map_or(rest.len(), |p| cut.saturating_sub(1) + p + 1);
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
        out
    };
    let cfg = StatsConfig::default();
    let mut worker = StatsSink::from_aggregate(Aggregate::for_chunks(cfg), cfg);
    let tables: Vec<_> = chunks
        .iter()
        .map(|c| {
            parse_into(c, &mut worker);
            worker
                .aggregate_mut()
                .take_chunk_tables(Aggregate::chunk_tables())
        })
        .collect();
    g.bench_function("merge_chunk_paths", |b| {
        b.iter(|| {
            let mut run = Aggregate::new(cfg);
            for t in &tables {
                run.merge_chunk_tables(t);
            }
            black_box(run.requests())
        })
    });
    let (a, b_half) = data.split_at(
        memchr::memchr(b'\n', &data[data.len() / 2..])
            .map_or(data.len(), |p| data.len() / 2 + p + 1),
    );
    let whole = |part: &[u8]| {
        let mut s = StatsSink::from_aggregate(Aggregate::new(cfg), cfg);
        parse_into(part, &mut s);
        s.into_aggregate()
    };
    let (left, right) = (whole(a), whole(b_half));
    g.bench_function("merge_aggregates", |b| {
        b.iter(|| {
            let mut l = left.clone();
            l.merge(&right);
            black_box(l.requests())
        })
    });
    g.finish();

    // HAProxy httplog: what a line costs to parse, and to count with its timers and
    // backend/server breakdown on top of what every layout counts.
    let haproxy = axlog_testgen::generate(&Config {
        format: Format::HaproxyHttp,
        limit: Limit::Bytes(32_000_000),
        seed: 42,
        ..Config::default()
    });
    let mut g = c.benchmark_group("haproxy-http");
    g.throughput(Throughput::Bytes(haproxy.len() as u64));
    g.sample_size(20);
    g.bench_function("parse", |b| {
        b.iter(|| {
            let mut sink = CountSink(0);
            parse_as(Preset::Haproxy, &haproxy, &mut sink);
            black_box(sink.0)
        })
    });
    g.bench_function("parse_aggregate", |b| {
        b.iter(|| {
            let mut sink = StatsSink::new(StatsConfig::default());
            parse_as(Preset::Haproxy, &haproxy, &mut sink);
            black_box(sink.aggregate_mut().requests())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
