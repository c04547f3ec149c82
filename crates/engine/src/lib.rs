//! The pipeline: sources → chunks of whole lines → parse → sinks → summary.
//!
//! [`run_with`] reads every source and pushes each parsed [`Record`] into a [`Sink`] the
//! caller chooses (the pattern of ripgrep's searcher sinks): statistics, the rejects file
//! and Parquet rows are sinks (sinks/), and a pair or an `Option` of sinks is a sink.
//! The engine picks each source's route (plan.rs), parses each chunk once whatever the
//! sinks (chunk.rs), and applies what depends on input order itself (sink.rs).
//! [`report`] runs the sinks of `axlog report` and `axlog convert` and builds the
//! summary.

use axlog_format::Format;
use axlog_input::{ByteRange, Source};
use axlog_stats::{Dimension, StatsConfig, Summary};
use std::io::{self, Write};
use std::sync::Arc;

mod anomaly_input;
mod attempts;
mod chunk;
mod dimension;
mod display;
mod error;
mod every;
mod feed;
pub mod filter;
pub mod live_count;
mod parallel;
mod plan;
mod progress;
pub mod replace;
mod sample;
pub mod signal;
mod sink;
mod sinks;
mod source;
mod spans;
pub mod state;
mod summary;
pub mod tiers;

pub use chunk::{LOOKAHEAD, process_chunk};
pub use dimension::{KeyContext, key_of};
pub use display::{hour_shift_s, localize};
pub use error::SourceError;
pub use every::{Ended, Every, FOLLOW_POLL, Live, MAX_EMPTY_WINDOWS, run_every};
pub use progress::Progress;
pub use sink::{ChunkPlace, ChunkSink, Fork, RecordSink, Sink, SourceId};
pub use sinks::hourly::{HOUR_MAX_PATHS, hour_of, hour_stats};
pub use sinks::parquet::ParquetSink;
pub use sinks::rejects::RejectsSink;
pub use sinks::stats::{StatsSink, stats_fields};
pub use source::{LongLines, SourceRun};
pub use spans::Span;
pub use summary::{SourceLines, summarize};

/// How a run is set up.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `None` detects the layout from each source's first lines.
    pub layout: Option<Format>,
    pub stats: StatsConfig,
    /// The zone of times logged without one (HAProxy's accept date, RFC 3164 syslog
    /// stamps): a fixed offset or an IANA zone.
    pub tz: axlog_format::Zone,
    /// Parsing threads; 0 is one per core.
    pub threads: usize,
    /// The rejects file gives each line's source and line number (`src:12:line`).
    pub rejects_located: bool,
    /// Where the run says how far it is (for a progress bar), if anyone looks.
    pub progress: Option<Arc<Progress>>,
    /// The name each source has in the per-source breakdown, by the source's place (its
    /// path or `<stdin>` where none is given). Sources with one label are one row.
    pub labels: Vec<String>,
    /// The `--by` tables the report adds, in this order.
    pub by: Vec<Dimension>,
    /// The report's series over time (`None`: none), and `--series-by`'s dimension.
    pub series: Option<axlog_stats::SeriesConfig>,
    pub series_by: Option<Dimension>,
    /// What a record must be to reach the sinks (`--since`, `--until`, `--where`,
    /// `--exclude-bots`); `None` keeps every record.
    pub filter: Option<Arc<filter::Filter>>,
    /// The rules endpoints are folded with (`--endpoint-rule`), for the `--by endpoint`
    /// tables; Parquet's `endpoint` column has them in its `Options`.
    pub endpoint_rules: Arc<axlog_endpoint::Rules>,
    /// Every source's requests in one summary, whatever its layout's tier (tiers.rs).
    pub one_tier: bool,
    /// The part of each source to read, by the source's place (as `labels`): `None`, or
    /// no entry, reads it whole. A range's line numbers start after its `lines_before`.
    pub ranges: Vec<Option<ByteRange>>,
    /// [`report`] hands back the run's aggregate ([`Outcome::aggregate`]), for a state
    /// that keeps a cumulative one.
    pub keep_aggregate: bool,
    /// [`report`] also splits the run's requests by log hour ([`Outcome::hours`]), for a
    /// cumulative state's hour buckets.
    pub keep_hours: bool,
    /// The size of the chunks a file is split into between parsing threads; 0 is
    /// `axlog_input::DEFAULT_CHUNK` (1 MiB). Smaller only where chunk boundaries are the
    /// point (the `diff_threads` fuzz target, tests).
    pub chunk_bytes: usize,
}

impl Config {
    /// The number of parsing threads to use.
    pub fn threads(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
    }
}

/// What a run gave: each source's reading, in input order, and the sink's output.
pub struct Run<O> {
    pub sources: Vec<SourceRun>,
    pub output: O,
}

/// Reads every source into `sink`, parsing each line once.
///
/// Each source is read into a sink of its own ([`Fork::Source`]), merged into `sink` in
/// input order: the result is the same whichever sources are read at the same time and
/// whatever the thread count.
pub fn run_with<S: Sink>(sources: &[Source], cfg: &Config, mut sink: S) -> Run<S::Output> {
    let ids = summary::source_ids(sources.iter().map(Source::name).collect(), &cfg.labels);
    let runs = plan::read_all(sources, &ids, cfg, &mut sink);
    Run {
        sources: runs,
        output: sink.finish(),
    }
}

/// Where a report's records go besides its statistics.
#[derive(Default)]
pub struct Outputs {
    /// The rejects file.
    pub rejects: Option<Box<dyn Write + Send>>,
    /// Where Parquet rows go.
    pub parquet: Option<Arc<axlog_parquet::Output>>,
}

/// The result of a report: the summary, and what failed (sources already in the
/// summary's `sources` with their error).
pub struct Outcome {
    pub summary: Summary,
    /// The sources that failed, as their rows show it.
    pub source_errors: Vec<String>,
    /// Set when writing the rejects file failed.
    pub rejects_error: Option<io::Error>,
    /// The Parquet rows and files written.
    pub written: axlog_parquet::Written,
    /// Errors writing Parquet, one per source that met one (then no file appears).
    pub parquet_errors: Vec<axlog_parquet::Error>,
    /// Each source's reading, in input order: a state file advances each range by what
    /// its own read did, which the summary's rows (merged by label) no longer tell.
    pub runs: Vec<SourceRun>,
    /// The run's statistics before they were summarised, when [`Config::keep_aggregate`]
    /// asks: merged into a cumulative state, and summarised again with [`summarize`].
    pub aggregate: Option<tiers::Tiered>,
    /// The run's requests by log hour (start second, statistics with reduced tables),
    /// when [`Config::keep_hours`] asks.
    pub hours: Vec<(i64, tiers::Tiered)>,
}

/// Sizes rayon's global pool, where the summary's two halves run side by side
/// (summary.rs): `threads` of them, so that `-j 1` stays one thread (0: one per core,
/// rayon's default). Later calls change nothing: the first run's pool is kept.
pub fn use_threads(threads: usize) {
    if threads > 0 {
        // An error means the pool exists already (a run before this one started it).
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global();
    }
}

/// Reads every source into the statistics, the rejects file and Parquet rows as
/// `outputs` asks, and summarises.
pub fn report(sources: &[Source], cfg: &Config, outputs: Outputs) -> Outcome {
    let sink = (
        StatsSink::new(cfg.stats)
            .with_breakdowns(&cfg.by)
            .with_series(cfg.series, cfg.series_by.clone())
            .with_endpoint_rules(cfg.endpoint_rules.clone())
            .one_tier(cfg.one_tier),
        (
            cfg.keep_hours
                .then(|| sinks::hourly::HourlySink::new(&cfg.stats, cfg.one_tier)),
            (
                outputs
                    .rejects
                    .map(|w| RejectsSink::new(w, cfg.rejects_located)),
                outputs.parquet.map(ParquetSink::new),
            ),
        ),
    );
    let run = run_with(sources, cfg, sink);
    let (total, (hours, (rejects, parquet))) = run.output;
    let (written, parquet_errors) = match parquet {
        Some(Err(errors)) => (axlog_parquet::Written::default(), errors),
        Some(Ok(written)) => (written, Vec::new()),
        None => (axlog_parquet::Written::default(), Vec::new()),
    };
    // A copy, as the summary takes the aggregate apart (a state merges it untouched).
    let aggregate = cfg.keep_aggregate.then(|| total.clone());
    let lines: Vec<SourceLines> = run.sources.iter().map(SourceLines::of).collect();
    Outcome {
        summary: summarize(&lines, total, &cfg.stats, &cfg.endpoint_rules),
        source_errors: run
            .sources
            .iter()
            .filter_map(|r| r.error.as_ref().map(|e| e.to_string()))
            .collect(),
        rejects_error: rejects.and_then(Result::err),
        written,
        parquet_errors,
        runs: run.sources,
        aggregate,
        hours: hours.unwrap_or_default(),
    }
}

/// [`report`] with statistics and rejects only.
pub fn run(sources: &[Source], cfg: &Config, rejects: Option<Box<dyn Write + Send>>) -> Outcome {
    report(
        sources,
        cfg,
        Outputs {
            rejects,
            parquet: None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axlog_format::{Format, ParseError, Preset, Record};

    /// Logs what the engine hands a sink, by the status field (which numbers the lines).
    #[derive(Default)]
    struct Log(Vec<(char, u64)>);

    impl RecordSink for Log {
        fn prepare(&mut self, r: &Record<'_>) {
            self.0.push(('p', r.status as u64));
        }
        fn record(&mut self, r: &Record<'_>) {
            self.0.push(('r', r.status as u64));
        }
        fn malformed(&mut self, _: &str, line_no: u64, _: &[u8], _: ParseError) {
            self.0.push(('m', line_no));
        }
    }

    #[test]
    fn every_line_once_in_order_with_prepare_ahead() {
        // Lines 1..=60; every 7th is malformed, the last has no newline, some end in CRLF.
        let mut data = Vec::new();
        for i in 1..=60u64 {
            if i % 7 == 0 {
                data.extend_from_slice(b"garbage");
            } else {
                let status = 100 + i;
                data.extend_from_slice(format!("1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] \"GET /{i} HTTP/1.1\" {status} 1 \"-\" \"-\"").as_bytes());
            }
            if i % 5 == 0 {
                data.push(b'\r');
            }
            if i < 60 {
                data.push(b'\n');
            }
        }
        let mut parser = Preset::NginxCombined.parser();
        let mut line_no = 0;
        let mut log = Log::default();
        let n = process_chunk(&mut parser, &data, "t", &mut line_no, &mut log);
        assert_eq!((n, line_no), (60, 60));
        // Records and malformed lines in line order, each line exactly once.
        let seen: Vec<u64> = log
            .0
            .iter()
            .filter(|e| e.0 != 'p')
            .map(|&(k, v)| if k == 'r' { v - 100 } else { v })
            .collect();
        assert_eq!(seen, (1..=60).collect::<Vec<_>>());
        // Every record is prepared before it is recorded, at most LOOKAHEAD records ahead.
        for (at, &(kind, v)) in log.0.iter().enumerate() {
            if kind == 'r' {
                let prepared = log.0.iter().position(|&e| e == ('p', v));
                let prepared = prepared.expect("record without prepare");
                assert!(prepared < at);
                let between = log.0[prepared..at].iter().filter(|e| e.0 == 'p').count();
                assert!(between <= LOOKAHEAD, "{v}: {between}");
            }
        }
        let prepared = log.0.iter().filter(|e| e.0 == 'p').count();
        assert_eq!(prepared, 60 - 60 / 7);
    }

    /// Keeps each record's user agent.
    #[derive(Default)]
    struct Agents(Vec<Vec<u8>>);

    impl RecordSink for Agents {
        fn record(&mut self, r: &Record<'_>) {
            self.0.push(r.user_agent.to_vec());
        }
        fn malformed(&mut self, _: &str, _: u64, _: &[u8], _: ParseError) {}
    }

    /// Keeps every record in full.
    #[derive(Default)]
    struct Full(Vec<String>);

    impl RecordSink for Full {
        fn record(&mut self, r: &Record<'_>) {
            self.0.push(format!("{r:?}"));
        }
        fn malformed(&mut self, _: &str, _: u64, _: &[u8], _: ParseError) {}
    }

    #[test]
    fn reused_record_slots_give_the_records_a_fresh_parse_gives() {
        // Every kind of parser, lines that parse and lines that fail half-way (leaving
        // partial values in their slot), more lines than the ring holds.
        let cases: [(Format, &str); 4] = [
            (
                Format::Preset(Preset::NginxTimed),
                r#"1.2.3.4 - u[i] [21/Nov/2026:10:00:0[s] +0000] "GET /p[i] HTTP/1.1" 200 [i] "-" "ua" 0.00[i] 0.001, 0.00[i]"#,
            ),
            (
                Format::Preset(Preset::IngressUpstreaminfo),
                r#"1.2.3.4 - - [21/Nov/2026:10:00:0[s] +0000] "GET /p[i] HTTP/1.1" 200 [i] "-" "ua" 3[i] 0.00[i] [up] [] 10.0.0.1:80, 10.0.0.[i]:80 5, [i] 0.001, 0.00[i] 502, 20[i] id[i]"#,
            ),
            (
                Format::Preset(Preset::Haproxy),
                r#"Nov 21 10:00:01 lb haproxy[1]: 10.0.0.[i]:5 [21/Nov/2026:10:00:0[s].250] web~ api/s[i] 0/0/1/[i]/2[i] 200 [i] - - ---- 1/1/0/0/[i] 0/0 {h[i]} "GET /p[i] HTTP/1.1""#,
            ),
            (
                Format::Preset(Preset::TraefikJson),
                r#"{"StartUTC":"2026-11-21T09:00:0[s]Z","DownstreamStatus":20[i],"Duration":[i]000,"RequestPath":"/p[i]"}"#,
            ),
        ];
        for (format, template) in cases {
            let mut lines = Vec::new();
            for i in 0..50u32 {
                // Every 7th line is cut short, so it fails after some fields are written.
                let line = template
                    .replace("[i]", &(i % 10).to_string())
                    .replace("[s]", &(i % 6).to_string());
                let line = if i % 7 == 3 {
                    line[..line.len() / 2].to_string()
                } else {
                    line
                };
                lines.push(line);
            }
            let data = lines.join("\n");
            let mut parser = format.parser();
            let mut sink = Full::default();
            process_chunk(&mut parser, data.as_bytes(), "t", &mut 0, &mut sink);
            let mut fresh = format.parser();
            let want: Vec<String> = lines
                .iter()
                .filter_map(|l| fresh.parse(l.as_bytes()).ok().map(|r| format!("{r:?}")))
                .collect();
            assert!(want.len() >= 40, "{}: {} parsed", format.name(), want.len());
            assert_eq!(sink.0, want, "{}", format.name());
        }
    }

    #[test]
    fn a_field_missing_from_a_line_is_not_taken_from_an_earlier_one() {
        // The engine reuses record slots; the second line has no "ua" key.
        let spec = "ts=ts,user_agent=ua";
        let f = axlog_format::json::JsonMapping::compile(spec).unwrap();
        let mut parser = Format::Json(std::sync::Arc::new(f)).parser();
        let mut data = Vec::new();
        for i in 0..40 {
            // Every third line has the key: a ring slot holds lines 16 apart, which differ.
            let line = if i % 3 == 0 {
                format!("{{\"ts\":{i},\"ua\":\"agent{i}\"}}\n")
            } else {
                format!("{{\"ts\":{i}}}\n")
            };
            data.extend_from_slice(line.as_bytes());
        }
        let mut sink = Agents::default();
        process_chunk(&mut parser, &data, "t", &mut 0, &mut sink);
        let want: Vec<Vec<u8>> = (0..40)
            .map(|i| {
                if i % 3 == 0 {
                    format!("agent{i}").into_bytes()
                } else {
                    Vec::new()
                }
            })
            .collect();
        assert_eq!(sink.0, want);
    }
}
