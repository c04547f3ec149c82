//! The Parquet stages on testgen's nginx-timed lines, one thread:
//! - `columns`: parse, then build Arrow columns, a batch every 4,096 rows (no encoding),
//! - `encode`: the batches of `columns` encoded into one Parquet file in memory (zstd,
//!   dictionaries, statistics, as `axlog convert` writes them),
//! - `convert`: parse and write partitioned files, as `axlog convert -j 1` does after
//!   reading.
//!
//! Run: `cargo bench -p axlog-benches --bench parquet`. Throughput is in bytes/s of log
//! text.

use axlog_format::Preset;
use axlog_parquet::{Columns, Options, Output};
use axlog_testgen::{Config, Format, Limit};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use parquet::arrow::ArrowWriter;
use std::hint::black_box;

/// Parses every line of `data`, handing each record to `each`.
fn each_record(data: &[u8], mut each: impl FnMut(&axlog_format::Record<'_>)) {
    let mut parser = Preset::NginxTimed.parser();
    for line in data.split(|&b| b == b'\n') {
        if let Ok(r) = parser.parse(line) {
            each(&r);
        }
    }
}

fn batches(data: &[u8]) -> Vec<arrow_array::RecordBatch> {
    let mut cols = Columns::new(Some("bench"), Vec::new());
    let mut out = Vec::new();
    each_record(data, |r| {
        cols.push(r);
        if cols.len() == 4096 {
            out.push(cols.finish().expect("a batch of the schema"));
        }
    });
    out.push(cols.finish().expect("a batch of the schema"));
    out
}

fn bench(c: &mut Criterion) {
    let data = axlog_testgen::generate(&Config {
        format: Format::NginxTimed,
        limit: Limit::Bytes(16_000_000),
        seed: 42,
        ..Config::default()
    });
    let mut g = c.benchmark_group("parquet");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(10);

    g.bench_function("columns", |b| {
        b.iter(|| black_box(batches(black_box(&data)).len()))
    });
    let built = batches(&data);
    g.bench_function("encode", |b| {
        b.iter(|| {
            let props = axlog_parquet::writer::writer_properties(1 << 20);
            let mut w =
                ArrowWriter::try_new(Vec::new(), built[0].schema(), Some(props)).expect("a writer");
            for batch in &built {
                w.write(batch).expect("encoded");
            }
            black_box(w.into_inner().expect("a file").len())
        })
    });
    let dir = std::env::temp_dir().join(format!("axlog-bench-parquet-{}", std::process::id()));
    g.bench_function("convert", |b| {
        b.iter(|| {
            let _ = std::fs::remove_dir_all(&dir);
            let out = Output::create(Options::new(&dir)).expect("a writable directory");
            let mut w = out.writer("bench", Vec::new());
            each_record(black_box(&data), |r| w.push(r));
            black_box(w.finish().expect("written").rows)
        })
    });
    let _ = std::fs::remove_dir_all(&dir);
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
