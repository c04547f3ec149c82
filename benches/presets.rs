//! Parsing throughput of every preset layout, one thread, on the same traffic (testgen's
//! nginx-timed requests rendered in each layout; HAProxy from testgen's haproxy-http):
//! - `<preset>/preset`: the parser the preset gets (hand-written or compiled),
//! - `<preset>/compiled`: where the preset has a hand-written parser, the same lines
//!   through the interpreter of compiled definitions, run on the layout's definition
//!   string (what a pasted layout gets when it is neither a stock definition, which gets
//!   the hand-written parser, nor nginx's `combined` plus fields).
//!
//! Run: `cargo bench -p axlog-benches --bench presets`. Throughput is bytes/s of log text.
//! The ratio of the two is measured by `compiled_ratio`, which interleaves them: on a
//! shared machine, figures taken minutes apart do not compare.

use axlog_benches::run;
use axlog_format::logformat::Definition;
use axlog_format::{HAPROXY_HTTPLOG, LineParser, Preset};
use axlog_testgen::{Config, Format, Limit};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

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
    let requests = run(&Preset::NginxTimed.parser(), &timed).ok;
    for layout in Preset::ALL {
        let data = match layout {
            Preset::Haproxy => haproxy.clone(),
            Preset::NginxTimed => timed.clone(),
            l => axlog_benches::render(l, &timed),
        };
        let preset = layout.parser();
        // The compiled alternative to a hand-written parser: the definition as a user
        // pastes it. Built directly, since through `Format` a stock definition gets the
        // hand-written parser back.
        let compiled = match layout {
            Preset::NginxCombined | Preset::NginxTimed => {
                Some(Definition::compile(layout.definition()).expect("preset definitions compile"))
            }
            Preset::Haproxy => {
                Some(Definition::compile_haproxy(HAPROXY_HTTPLOG).expect("httplog compiles"))
            }
            _ => None,
        }
        .map(|f| LineParser::Compiled(Box::new((f, axlog_format::TimeLocalCache::default()))));
        // Every rendered request must parse, in every parser, or the figures compare
        // different work.
        let base = run(&preset, &data);
        if layout != Preset::Haproxy {
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
