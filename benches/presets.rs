//! Parsing throughput of every preset layout, one thread, on the same traffic (testgen's
//! nginx-timed requests rendered in each layout; HAProxy from testgen's haproxy-http):
//! - `<preset>/preset`: the parser the preset gets (hand-written or compiled),
//! - `<preset>/compiled`: where the preset has a hand-written parser, the same lines
//!   through the parser compiled from the layout's definition string, as a user who pastes
//!   the definition gets it; the two must stay within 15% of each other.
//!
//! Run: `cargo bench -p axlog-benches --bench presets`. Throughput is bytes/s of log text.

use axlog_engine::{Sink, process_chunk};
use axlog_format::logformat::LogFormat;
use axlog_format::{Layout, LineParser, ParseError, Record};
use axlog_testgen::{Config, Format, Limit};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// Counts records and touches fields every report reads, so parsing cannot be optimised
/// away.
struct CountSink {
    ok: u64,
    bad: u64,
    sum: u64,
}

impl Sink for CountSink {
    fn record(&mut self, r: &Record<'_>) {
        self.ok += 1;
        self.sum = self
            .sum
            .wrapping_add(r.status as u64 + r.request_time_us.unwrap_or(0) + r.ts_us as u64);
    }
    fn malformed(&mut self, _: &str, _: u64, _: &[u8], _: ParseError) {
        self.bad += 1;
    }
}

fn run(parser: &LineParser, data: &[u8]) -> CountSink {
    let mut parser = parser.clone();
    let mut sink = CountSink {
        ok: 0,
        bad: 0,
        sum: 0,
    };
    let mut line_no = 0;
    process_chunk(
        &mut parser,
        black_box(data),
        "bench",
        &mut line_no,
        &mut sink,
    );
    sink
}

/// HAProxy's `option httplog` as a log-format string (HAProxy's documentation).
const HAPROXY_HTTPLOG: &str = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r";

fn bench(c: &mut Criterion) {
    const BYTES: u64 = 16_000_000;
    let timed = axlog_testgen::generate(&Config {
        format: Format::NginxTimed,
        limit: Limit::Bytes(BYTES),
        seed: 42,
        ..Config::default()
    });
    let haproxy = axlog_testgen::generate(&Config {
        format: Format::HaproxyHttp,
        limit: Limit::Bytes(BYTES),
        seed: 42,
        ..Config::default()
    });
    let requests = run(&Layout::NginxTimed.parser(), &timed).ok;
    for layout in Layout::ALL {
        let data = match layout {
            Layout::Haproxy => haproxy.clone(),
            Layout::NginxTimed => timed.clone(),
            l => axlog_benches::render(l, &timed),
        };
        let preset = layout.parser();
        // The compiled alternative to a hand-written parser: the definition as a user
        // pastes it. Built directly, since through `Format` a stock definition gets the
        // hand-written parser back.
        let compiled = match layout {
            Layout::NginxCombined | Layout::NginxTimed => {
                Some(LogFormat::compile(layout.definition()).expect("preset definitions compile"))
            }
            Layout::Haproxy => {
                Some(LogFormat::compile_haproxy(HAPROXY_HTTPLOG).expect("httplog compiles"))
            }
            _ => None,
        }
        .map(|f| {
            LineParser::Compiled(Box::new((f, axlog_format::time::TimeLocalCache::default())))
        });
        // Every rendered request must parse, in every parser, or the figures compare
        // different work.
        let base = run(&preset, &data);
        if layout != Layout::Haproxy {
            assert_eq!(
                base.ok, requests,
                "{layout}: rendered lines that do not parse"
            );
        }
        if let Some(p) = &compiled {
            let other = run(p, &data);
            assert_eq!(
                (other.ok, other.sum),
                (base.ok, base.sum),
                "{layout}: compiled differs"
            );
        }

        let mut g = c.benchmark_group(layout.name());
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.sample_size(15);
        g.bench_function("preset", |b| b.iter(|| black_box(run(&preset, &data).sum)));
        if let Some(p) = &compiled {
            g.bench_function("compiled", |b| b.iter(|| black_box(run(p, &data).sum)));
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
