//! How close layouts compiled from a definition string come to the hand-written parsers,
//! as ratios measured in one run: each round parses the same lines with the hand-written
//! parser and then with the other, and the median of the rounds' ratios is reported
//! (machine load moves both figures of a round alike).
//!
//! For each layout with a hand-written parser (nginx `combined`, the timed layout,
//! HAProxy httplog):
//! - `pasted`: the definition string as `--log-format` takes it. A stock definition gets
//!   the hand-written parser;
//! - `combined+rest` (timed only): the hand-written `combined` and the compiled rest, what
//!   any layout extending `combined` gets (nginx `main`, ingress-nginx);
//! - `interpreter`: the compiled definition alone, what a layout gets that is neither.
//!
//! Run: `cargo bench -p axlog-benches --bench compiled_ratio` (`ROUNDS=N` to change the
//! 101 rounds: with 31, the median still moved by up to 8% between runs here).
//! `PROFILE=haproxy/interpreter` (a layout and a route as printed) runs only that route,
//! `ROUNDS` times, for `perf record`. Lines are testgen's (16 MB each), read as the engine
//! reads a chunk.

use axlog_benches::{CountSink, run};
use axlog_format::logformat::Definition;
use axlog_format::{Format as LineFormat, HAPROXY_HTTPLOG, LineParser, Preset};
use axlog_testgen::{Config, Format, Limit};
use std::sync::Arc;
use std::time::Instant;

fn main() {
    // `cargo bench` passes `--bench`; a test run (`cargo test --benches`) passes nothing
    // and gets one quick round.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(if quick { 1 } else { 101 });
    let bytes = if quick { 1_000_000 } else { 16_000_000 };
    let generate = |format| {
        axlog_testgen::generate(&Config {
            format,
            limit: Limit::Bytes(bytes),
            seed: 42,
            ..Config::default()
        })
    };
    let timed = generate(Format::NginxTimed);
    let haproxy = generate(Format::HaproxyHttp);
    let combined = axlog_benches::render(Preset::NginxCombined, &timed);
    println!(
        "{:<16} {:<14} {:>10} {:>10} {:>8}",
        "layout", "route", "hand MB/s", "route MB/s", "ratio"
    );
    for (layout, data, def) in [
        (
            Preset::NginxCombined,
            &combined,
            Preset::NginxCombined.definition(),
        ),
        (Preset::NginxTimed, &timed, Preset::NginxTimed.definition()),
        (Preset::Haproxy, &haproxy, HAPROXY_HTTPLOG),
    ] {
        let compiled = Definition::compile_any(def).expect("stock definitions compile");
        let hand = layout.parser();
        let pasted = LineFormat::Definition(Arc::new(compiled.clone())).parser();
        // A layout that extends `combined` (nginx `main`, ingress, the timed layout if it
        // were not stock): the hand-written head and the compiled rest.
        let extended =
            (layout == Preset::NginxTimed).then(|| LineParser::for_log_format(&compiled));
        let interpreter = LineParser::Compiled(Box::new((compiled, Default::default())));
        let want = run(&hand, data);
        let routes = [
            Some(("pasted", &pasted)),
            extended.as_ref().map(|p| ("combined+rest", p)),
            Some(("interpreter", &interpreter)),
        ];
        for (route, other) in routes.into_iter().flatten() {
            if let Ok(only) = std::env::var("PROFILE") {
                if only == format!("{layout}/{route}") {
                    for _ in 0..rounds {
                        std::hint::black_box(run(other, data));
                    }
                }
                continue;
            }
            // The same records, or the figures compare different work.
            let got = run(other, data);
            assert_eq!(
                (got.ok, got.sum),
                (want.ok, want.sum),
                "{layout} {route}: other records"
            );
            let (hand_mbs, other_mbs, ratio) = interleaved(&hand, other, data, rounds);
            println!(
                "{:<16} {:<14} {:>10.0} {:>10.0} {:>8.3}",
                layout.name(),
                route,
                hand_mbs,
                other_mbs,
                ratio
            );
        }
    }
}

/// The best throughput of each parser over `rounds` rounds, and the median of the rounds'
/// ratios `b / a`.
fn interleaved(a: &LineParser, b: &LineParser, data: &[u8], rounds: usize) -> (f64, f64, f64) {
    let mbs = |p: &LineParser| {
        let t = Instant::now();
        let s: CountSink = run(p, data);
        std::hint::black_box(s);
        data.len() as f64 / t.elapsed().as_secs_f64() / 1e6
    };
    let (mut best_a, mut best_b, mut ratios) = (0f64, 0f64, Vec::with_capacity(rounds));
    for _ in 0..rounds {
        let (x, y) = (mbs(a), mbs(b));
        best_a = best_a.max(x);
        best_b = best_b.max(y);
        ratios.push(y / x);
    }
    ratios.sort_by(f64::total_cmp);
    (best_a, best_b, ratios[ratios.len() / 2])
}
