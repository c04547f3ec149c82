//! `axlog-testgen`: writes deterministic synthetic access logs.

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use axlog_testgen::{Config, Event, Format, Limit, parse_duration, parse_start, parse_tz};
use clap::{ArgGroup, Parser, ValueEnum};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum CliFormat {
    NginxCombined,
    NginxTimed,
    HaproxyHttp,
    IngressUpstreaminfo,
}

impl From<CliFormat> for Format {
    fn from(f: CliFormat) -> Self {
        match f {
            CliFormat::NginxCombined => Format::NginxCombined,
            CliFormat::NginxTimed => Format::NginxTimed,
            CliFormat::HaproxyHttp => Format::HaproxyHttp,
            CliFormat::IngressUpstreaminfo => Format::IngressUpstreaminfo,
        }
    }
}

/// Deterministic, realistic access-log generator (same arguments => same bytes).
#[derive(Debug, Parser)]
#[command(name = "axlog-testgen", version, group(ArgGroup::new("limit").required(true).args(["mb", "lines", "duration"])))]
struct Cli {
    /// Log layout.
    #[arg(long, value_enum)]
    format: CliFormat,
    /// Stop at the first line end at or after N * 1,000,000 bytes.
    #[arg(long, value_name = "N")]
    mb: Option<u64>,
    /// Write exactly N lines (malformed ones included).
    #[arg(long, value_name = "N")]
    lines: Option<u64>,
    /// Write every line of this much simulated time from --start: N[s|m|h|d], e.g. 24h.
    #[arg(long, value_name = "DURATION", value_parser = parse_span)]
    duration: Option<u64>,
    /// PRNG seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Simulated start time (RFC 3339).
    #[arg(long, default_value = "2026-11-21T00:00:00Z", value_parser = parse_start)]
    start: i64,
    /// UTC offset of the logged local time, e.g. +0000, -0800, +05:30.
    #[arg(long, default_value = "+0000", value_parser = parse_tz, allow_hyphen_values = true)]
    tz: i32,
    /// Mean requests per second over a day.
    #[arg(long, default_value_t = 200.0, value_parser = parse_rate)]
    rate: f64,
    /// Regular traffic only: the diurnal shape and Poisson noise, without the
    /// random bursts (5-10x for 2-8 s) and gaps (2-6 s of silence). Late-logged
    /// and malformed lines stay.
    #[arg(long)]
    calm: bool,
    /// Inject an incident, repeatable: KIND@START/DURATION[:DIM=KEY], e.g.
    /// spike@2026-11-21T10:00:00Z/2m:endpoint=/search.
    /// KIND: spike (traffic x3, the extra requests all to KEY), outage (no request
    /// at all; no KEY), errors (20% of the requests become 500/502 of KEY),
    /// latency (KEY's request times x10, and at least 10x the traffic's usual p99,
    /// so a KEY with over ~1% of the requests lifts the overall p99 ~x10).
    /// START: RFC 3339; DURATION: N[s|m|h|d].
    /// KEY: endpoint=PATH (a path as axlog folds it: /api/v1/users/:id, /search)
    /// or server=BACKEND/SERVER (haproxy-http: api|app|static / web1..web8).
    /// Without KEY the event applies to all traffic.
    #[arg(long = "event", value_name = "SPEC", value_parser = parse_event)]
    events: Vec<Event>,
    /// Output file (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if r.is_finite() && (0.001..=10_000_000.0).contains(&r) => Ok(r),
        _ => Err(format!(
            "invalid rate {s:?}: expected a number in 0.001..=10000000"
        )),
    }
}

fn parse_span(s: &str) -> Result<u64, String> {
    match parse_duration(s) {
        Some(secs) => Ok(secs as u64),
        None => Err(format!(
            "invalid duration {s:?}: expected N, Ns, Nm, Nh or Nd (1 s to 366 days)"
        )),
    }
}

fn parse_event(s: &str) -> Result<Event, String> {
    s.parse()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let limit = match (cli.mb, cli.lines, cli.duration) {
        (Some(mb), ..) => match mb.checked_mul(1_000_000) {
            Some(b) => Limit::Bytes(b),
            None => return fail(&format!("--mb {mb} is too large")),
        },
        (None, Some(n), _) => Limit::Lines(n),
        (None, None, Some(s)) => Limit::Seconds(s),
        // clap's required group guarantees one of them.
        (None, None, None) => return fail("one of --mb, --lines or --duration is required"),
    };
    let cfg = Config {
        format: cli.format.into(),
        limit,
        seed: cli.seed,
        start_epoch_s: cli.start,
        tz_offset_min: cli.tz,
        rate: cli.rate,
        calm: cli.calm,
        events: cli.events,
    };
    if let Err(e) = axlog_testgen::check(&cfg) {
        return fail(&e);
    }
    let result = match &cli.output {
        Some(path) => match File::create(path) {
            Ok(mut f) => {
                axlog_testgen::write(&cfg, &mut f).map_err(|e| (path.display().to_string(), e))
            }
            Err(e) => Err((path.display().to_string(), e)),
        },
        None => axlog_testgen::write(&cfg, &mut io::stdout().lock())
            .map_err(|e| ("stdout".to_string(), e)),
    };
    match result {
        Ok(_) => ExitCode::SUCCESS,
        // The reader went away (`| head`): that is how pipelines end.
        Err((_, e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err((what, e)) => fail(&format!("{what}: {e}")),
    }
}

fn fail(msg: &str) -> ExitCode {
    // Ignore a failing stderr: there is nowhere left to report to.
    let _ = writeln!(io::stderr(), "axlog-testgen: {msg}");
    ExitCode::FAILURE
}
