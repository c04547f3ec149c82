//! A sink written outside the engine plugs in as the engine's own do: it sees every line
//! once, its chunk parts come back in input order with each chunk's place in its source,
//! workers and sources are merged, and `finish` gives its result. The expected values are
//! those the test wrote into the input, not the engine's.

use axlog_engine::{ChunkPlace, ChunkSink, Config, Fork, RecordSink, Sink, run_with};
use axlog_format::{ParseError, Record};
use axlog_input::Source;
use std::io::Write;

/// Counts records by status and keeps every malformed line's place.
#[derive(Default)]
struct Tally {
    records: u64,
    /// Sum of the statuses, each line's status encoding its line number.
    status_sum: u64,
    /// This chunk's malformed lines (line number in the chunk, text).
    chunk_bad: Vec<(u64, Vec<u8>)>,
    /// Malformed lines placed in their source: (source, line number, text).
    bad: Vec<(String, u64, Vec<u8>)>,
    /// Sources merged into the run's sink, in the order they were.
    sources: Vec<String>,
    source: String,
    lines: u64,
}

impl RecordSink for Tally {
    fn record(&mut self, r: &Record<'_>) {
        self.records += 1;
        self.status_sum += r.status as u64;
    }

    fn malformed(&mut self, _: &str, line_no: u64, line: &[u8], _: ParseError) {
        self.chunk_bad.push((line_no, line.to_vec()));
    }
}

impl ChunkSink for Tally {
    type Chunk = Vec<(u64, Vec<u8>)>;

    fn end_chunk(&mut self) -> Self::Chunk {
        std::mem::take(&mut self.chunk_bad)
    }

    fn add_chunk(&mut self, chunk: Self::Chunk, at: ChunkPlace<'_>) {
        for (n, text) in chunk {
            self.bad
                .push((at.source.to_string(), at.lines_before + n, text));
        }
    }
}

impl Sink for Tally {
    type Output = Tally;

    fn fork(&self, how: Fork<'_>) -> Self {
        Tally {
            source: match how {
                Fork::Source { id, .. } => id.name.clone(),
                Fork::Worker => self.source.clone(),
            },
            ..Tally::default()
        }
    }

    fn end_source(&mut self, lines: u64) {
        self.lines = lines;
    }

    fn merge(&mut self, other: Self) {
        self.records += other.records;
        self.status_sum += other.status_sum;
        self.bad.extend(other.bad);
        self.lines += other.lines;
        if !other.source.is_empty() && other.source != self.source {
            self.sources.push(other.source);
        }
    }

    fn finish(self) -> Tally {
        self
    }
}

/// `n` lines; line `k` (from 1) has status `100 + k % 400`, every 97th is broken.
fn text(n: u64) -> (Vec<u8>, Vec<u64>, u64) {
    let (mut out, mut bad, mut sum) = (Vec::new(), Vec::new(), 0);
    for k in 1..=n {
        if k % 97 == 0 {
            writeln!(out, "broken {k}").unwrap();
            bad.push(k);
        } else {
            let status = 100 + k % 400;
            sum += status;
            writeln!(
                out,
                "10.0.0.1 - - [21/Nov/2026:10:00:00 +0000] \"GET /p{k} HTTP/1.1\" {status} 5 \"-\" \"{}\"",
                "ua".repeat(k as usize % 150)
            )
            .unwrap();
        }
    }
    (out, bad, sum)
}

#[test]
fn a_sink_from_outside_sees_every_line_once_in_order() {
    let dir = tempfile::tempdir().unwrap();
    // Enough lines for several 1 MiB chunks; a plain file and a gzip archive.
    let n = 20_000;
    let (data, bad, sum) = text(n);
    let plain = dir.path().join("a.log");
    std::fs::write(&plain, &data).unwrap();
    let gz = dir.path().join("b.log.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(&data).unwrap();
    enc.finish().unwrap();
    let sources = [
        Source::Path(gz.clone()),
        Source::Path(plain.clone()),
        Source::Path(gz.clone()),
        Source::Path(gz.clone()),
    ];
    for threads in [1, 2, 3, 4] {
        let cfg = Config {
            threads,
            ..Config::default()
        };
        let run = run_with(&sources, &cfg, Tally::default());
        let t = run.output;
        let label = format!("-j {threads}");
        assert_eq!(t.records, 4 * (n - bad.len() as u64), "{label}");
        assert_eq!(t.status_sum, 4 * sum, "{label}");
        assert_eq!(t.lines, 4 * n, "{label}");
        // Each source's malformed lines, at their line numbers, sources in input order.
        let want: Vec<(String, u64, Vec<u8>)> = sources
            .iter()
            .flat_map(|s| {
                bad.iter()
                    .map(move |&k| (s.name(), k, format!("broken {k}").into_bytes()))
            })
            .collect();
        assert_eq!(t.bad, want, "{label}");
        let names: Vec<String> = sources.iter().map(Source::name).collect();
        assert_eq!(t.sources, names, "{label}");
        assert!(run.sources.iter().all(|r| r.error.is_none()), "{label}");
        assert_eq!(
            run.sources.iter().map(|r| r.lines).collect::<Vec<_>>(),
            [n; 4],
            "{label}"
        );
        assert_eq!(
            run.sources.iter().map(|r| r.malformed).sum::<u64>(),
            4 * bad.len() as u64,
            "{label}"
        );
    }
}

/// Keeps the client address of every record; asks for it, and for nothing else.
#[derive(Default)]
struct Clients(Vec<Vec<u8>>);

impl RecordSink for Clients {
    fn fields(&self) -> axlog_format::Fields {
        axlog_format::Fields::NONE.with(axlog_format::fields::Field::REMOTE_ADDR)
    }

    fn record(&mut self, r: &Record<'_>) {
        self.0.push(r.remote_addr.to_vec());
    }

    fn malformed(&mut self, _: &str, _: u64, _: &[u8], _: ParseError) {}
}

impl ChunkSink for Clients {
    type Chunk = Vec<Vec<u8>>;

    fn end_chunk(&mut self) -> Self::Chunk {
        std::mem::take(&mut self.0)
    }

    fn add_chunk(&mut self, chunk: Self::Chunk, _: ChunkPlace<'_>) {
        self.0.extend(chunk);
    }
}

impl Sink for Clients {
    type Output = Vec<Vec<u8>>;

    fn fork(&self, _: Fork<'_>) -> Self {
        Clients::default()
    }

    fn merge(&mut self, other: Self) {
        self.0.extend(other.0);
    }

    fn finish(self) -> Self::Output {
        self.0
    }
}

#[test]
fn the_parser_fills_what_any_plugged_sink_asks_for() {
    // HAProxy's parser skips the client address unless a sink asks for it; the
    // statistics do not, the second sink does.
    let lines: String = (0..50)
        .map(|i| {
            format!(
                "Nov 21 10:00:01 lb haproxy[1]: 10.0.0.{i}:5{i} [21/Nov/2026:10:00:01.250] web~ api/s1 0/0/1/2/3 200 10 - - ---- 1/1/0/0/0 0/0 \"GET /p HTTP/1.1\"\n"
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ha.log");
    std::fs::write(&path, lines).unwrap();
    for threads in [1, 2] {
        let cfg = Config {
            threads,
            ..Config::default()
        };
        let stats = axlog_engine::StatsSink::new(cfg.stats);
        let run = run_with(
            &[Source::Path(path.clone())],
            &cfg,
            (stats, Clients::default()),
        );
        let (total, clients) = run.output;
        assert_eq!(total.first().map(|a| a.requests()), Some(50));
        let want: Vec<Vec<u8>> = (0..50)
            .map(|i| format!("10.0.0.{i}").into_bytes())
            .collect();
        assert_eq!(clients, want, "-j {threads}");
    }
}
