//! `axlog`: access-log analytics for Nginx, HAProxy and Apache.

use anyhow::Context;
use axlog_engine::Config;
use axlog_format::logformat::LogFormat;
use axlog_format::{Format, Layout};
use axlog_input::Source;
use axlog_stats::StatsConfig;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod exit;
mod first_lines;
mod paths;
mod sizes;
mod term;
mod threads;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "axlog",
    version,
    about = "Access-log analytics: QPS, status and latency from Nginx logs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Summarise access logs: lines, time range, QPS, statuses, latency percentiles, top paths.
    Report(ReportArgs),
    /// Convert access logs to Parquet, partitioned by date, for DuckDB, Spark, Trino or
    /// pyarrow: `axlog convert /var/log/nginx/ -o logs/`.
    Convert(ConvertArgs),
    /// List the log layouts axlog knows, with their definitions.
    Formats,
    /// Show how the first lines of a log are split into fields and parsed, to check a
    /// format in seconds.
    Explain(ExplainArgs),
}

#[derive(clap::Args)]
struct FormatArgs {
    /// Log layout: a preset (see `axlog formats`); `auto` detects it from each file's
    /// first lines.
    #[arg(long, default_value = "auto", value_parser = parse_layout)]
    format: LayoutArg,
    /// The server's own format definition, verbatim: an nginx `log_format` (the quoted
    /// strings joined), e.g. '$remote_addr [$time_local] "$request" $status $request_time',
    /// an Apache `LogFormat`, e.g. '%h %l %u %t "%r" %>s %b %D', or an HAProxy
    /// `log-format`, e.g. '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %{+Q}r'.
    #[arg(long, value_name = "DEFINITION", conflicts_with = "format")]
    log_format: Option<String>,
    /// JSON lines: which key holds which field, e.g.
    /// 'ts=time,status=status,latency=duration:ms,uri=request.uri' (targets: ts, client,
    /// user, method, uri, request, status, bytes, referer, user_agent, latency,
    /// upstream_latency, upstream_status; units s, ms, us, ns).
    #[arg(long, value_name = "MAPPING", conflicts_with_all = ["format", "log_format"])]
    json_fields: Option<String>,
    /// Read the `log_format` from the server's nginx configuration (includes followed).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["format", "log_format", "json_fields"])]
    nginx_conf: Option<PathBuf>,
    /// Which `log_format` of --nginx-conf to use; without it, the one the configuration's
    /// `access_log` directives use, or the only one defined.
    #[arg(long, value_name = "NAME", requires = "nginx_conf")]
    log_format_name: Option<String>,
    /// UTC offset of times logged without one (HAProxy's accept date): `+01:00`, `-0500`,
    /// `UTC`.
    // `allow_hyphen_values`: `--tz -0500` is a value, not a short option.
    #[arg(long, value_name = "OFFSET", default_value = "UTC", value_parser = parse_tz, allow_hyphen_values = true)]
    tz: i16,
}

/// `UTC`, `Z`, `+HH:MM`, `-HHMM` or `+HH` into minutes east of UTC.
fn parse_tz(s: &str) -> Result<i16, String> {
    if s.eq_ignore_ascii_case("utc") || s == "Z" {
        return Ok(0);
    }
    let bad = || format!("'{s}' is not an offset like +01:00, -0500 or UTC");
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => return Err(bad()),
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let (h, m) = match digits.len() {
        2 => (&digits[..2], "0"),
        4 => (&digits[..2], &digits[2..]),
        _ => return Err(bad()),
    };
    let (h, m): (i16, i16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(sign * (h * 60 + m))
}

/// The format an nginx configuration logs with: `name` if given, else the one its
/// `access_log` directives name, else its only `log_format`.
fn format_from_nginx_conf(path: &std::path::Path, name: Option<&str>) -> anyhow::Result<Format> {
    use axlog_format::nginxconf::{Escape, access_log_formats, log_formats};
    let formats = log_formats(path)?;
    let wanted: String = match name {
        Some(n) => n.to_string(),
        None => {
            let mut used = access_log_formats(path)?;
            used.dedup();
            let mut distinct: Vec<String> = Vec::new();
            for u in used {
                if !distinct.contains(&u) {
                    distinct.push(u);
                }
            }
            match (distinct.as_slice(), formats.as_slice()) {
                ([one], _) => one.clone(),
                ([], [only]) => only.name.clone(),
                _ => {
                    let names: Vec<&str> = formats.iter().map(|f| f.name.as_str()).collect();
                    anyhow::bail!(
                        "{}: several log formats ({}); choose one with --log-format-name",
                        path.display(),
                        if distinct.is_empty() {
                            names.join(", ")
                        } else {
                            distinct.join(", ")
                        }
                    );
                }
            }
        }
    };
    match formats.iter().find(|f| f.name == wanted) {
        Some(f) => {
            let compiled = LogFormat::compile_nginx(&f.definition, f.escape == Escape::Json)
                .with_context(|| format!("log_format {} at {}", f.name, f.origin))?;
            Ok(Format::Custom(std::sync::Arc::new(compiled)))
        }
        // nginx predefines `combined`.
        None if wanted == "combined" => Ok(Format::Preset(Layout::NginxCombined)),
        None => {
            let names: Vec<&str> = formats.iter().map(|f| f.name.as_str()).collect();
            anyhow::bail!(
                "{}: no log_format named '{wanted}' (defined: {})",
                path.display(),
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )
        }
    }
}

impl FormatArgs {
    fn format(&self) -> anyhow::Result<Option<Format>> {
        if let Some(conf) = &self.nginx_conf {
            return format_from_nginx_conf(conf, self.log_format_name.as_deref()).map(Some);
        }
        if let Some(spec) = &self.json_fields {
            let f = axlog_format::json::JsonFormat::compile(spec)
                .map_err(|e| anyhow::anyhow!("--json-fields: {e}"))?;
            return Ok(Some(Format::Json(std::sync::Arc::new(f))));
        }
        if let Some(def) = &self.log_format {
            let f = LogFormat::compile_any(def).with_context(|| "--log-format".to_string())?;
            return Ok(Some(Format::Custom(std::sync::Arc::new(f))));
        }
        Ok(self.format.0.map(Format::Preset))
    }
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// The log to read; `-` or nothing reads standard input.
    file: Option<String>,
    #[command(flatten)]
    format: FormatArgs,
    /// How many lines to show.
    #[arg(short = 'n', long, default_value_t = 5, value_parser = sizes::at_least_one)]
    lines: usize,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// Log files to read; `-` or nothing reads standard input. Directories and rotated
    /// sets (`access.log*`) are read oldest file first; gzip, zstd, bzip2 and xz archives
    /// are recognised by their content.
    files: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    output: Output,
    #[command(flatten)]
    format: FormatArgs,
    #[command(flatten)]
    rejects: RejectsArgs,
    /// How many top paths to list.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Distinct paths tracked for the top-paths table (bounds memory).
    #[arg(long, default_value_t = axlog_stats::groups::DEFAULT_CAP)]
    max_paths: usize,
    /// Bytes the tracked paths may take together (bounds memory with long paths).
    #[arg(long, value_name = "BYTES", default_value_t = axlog_stats::groups::DEFAULT_KEY_BYTES)]
    max_path_bytes: usize,
    /// Parsing threads (0: one per core; at most 4 a core). The report is the same whatever
    /// the number.
    #[arg(short = 'j', long = "threads", value_name = "N", default_value_t = 0)]
    threads: usize,
    /// No progress bar (there is none when stderr is not a terminal either).
    #[arg(short, long)]
    quiet: bool,
    /// Live: a report per interval of log time (`10s`, `1m`, `1h`), one line each (one
    /// JSON document a line with `--output json`), as lines arrive: `tail -F access.log |
    /// axlog report --every 10s`. Reads one input, on one thread.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, conflicts_with = "rejects")]
    every: Option<u64>,
    /// The name of the files of the n-th input argument in the per-source breakdown, once
    /// per argument in order (`--source-label web1 --source-label web2`); files with one
    /// label, such as a rotated set, are one row. Default: each file's path.
    #[arg(long, value_name = "LABEL")]
    source_label: Vec<String>,
    /// In the per-source breakdown, HAProxy lines count under their syslog header's host
    /// (one row per load balancer writing to a shared log) rather than under their file.
    #[arg(long)]
    source_by_host: bool,
    /// Also write every parsed line as a Parquet row under DIR, in the same pass (see
    /// `axlog convert`).
    #[arg(long, value_name = "DIR", conflicts_with = "every")]
    parquet: Option<PathBuf>,
    #[command(flatten)]
    parquet_args: ParquetArgs,
}

#[derive(clap::Args)]
struct ParquetArgs {
    /// Partitions under each `date=YYYY-MM-DD/` directory: `hour`, `source`, or both
    /// (`--partition-by hour,source`).
    #[arg(long, value_name = "KEYS", value_delimiter = ',', value_enum)]
    partition_by: Vec<PartitionKey>,
    /// Rows per Parquet row group (1 to 16,777,216).
    #[arg(long, value_name = "N", default_value_t = 1 << 20, value_parser = sizes::row_group_rows)]
    row_group_rows: usize,
    /// Also write the rollup tables `rollup_1s/` and `rollup_1m/`: per second and per
    /// minute (and source), requests, status classes, bytes and latency percentiles.
    #[arg(long)]
    rollups: bool,
}

#[derive(clap::Args)]
struct RejectsArgs {
    /// Write every malformed line, verbatim, to FILE.
    #[arg(id = "rejects", long = "rejects", value_name = "FILE")]
    path: Option<PathBuf>,
    /// How --rejects writes a line: `lines`, as it was (the file can be fed back to axlog),
    /// or `located`, behind its source and line number as `grep -Hn` does
    /// (`access.log:1305:...`).
    #[arg(id = "rejects_format", long = "rejects-format", value_enum, value_name = "HOW", default_value_t = RejectsFormat::Lines, requires = "rejects")]
    format: RejectsFormat,
}

impl RejectsArgs {
    fn located(&self) -> bool {
        self.format == RejectsFormat::Located
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RejectsFormat {
    Lines,
    Located,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PartitionKey {
    Hour,
    Source,
}

impl ParquetArgs {
    /// Opens the output directory (checking it can be written) before any input is read.
    fn open(&self, dir: &std::path::Path) -> anyhow::Result<std::sync::Arc<axlog_parquet::Output>> {
        let mut opts = axlog_parquet::Options::new(dir);
        opts.by_hour = self.partition_by.contains(&PartitionKey::Hour);
        opts.by_source = self.partition_by.contains(&PartitionKey::Source);
        opts.row_group_rows = self.row_group_rows;
        opts.rollups = self.rollups;
        axlog_parquet::Output::create(opts)
            .with_context(|| format!("cannot write Parquet to {}", dir.display()))
    }
}

#[derive(clap::Args)]
struct ConvertArgs {
    /// Log files to read; `-` or nothing reads standard input. Directories, rotated sets
    /// and archives as `axlog report` reads them.
    files: Vec<String>,
    /// The directory the Parquet files go under (created if missing).
    #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
    dir: PathBuf,
    #[command(flatten)]
    format: FormatArgs,
    #[command(flatten)]
    parquet_args: ParquetArgs,
    #[command(flatten)]
    rejects: RejectsArgs,
    /// Parsing threads (0: one per core; at most 4 a core).
    #[arg(short = 'j', long = "threads", value_name = "N", default_value_t = 0)]
    threads: usize,
    /// No progress bar, and no summary line.
    #[arg(short, long)]
    quiet: bool,
    /// The `source` of the rows of the n-th input argument, once per argument in order.
    /// Default: each file's path.
    #[arg(long, value_name = "LABEL")]
    source_label: Vec<String>,
}

/// `10s`, `5m`, `1h`, or whole seconds, into seconds (at least 1).
/// The longest `--every` interval: a leap year.
const MAX_EVERY_S: u64 = 366 * 86_400;

fn parse_duration(s: &str) -> Result<u64, String> {
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("'{s}': a duration is a whole number and s, m or h (10s, 1m)"))?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        _ => return Err(format!("'{s}': the unit is s, m or h")),
    };
    if secs == 0 {
        return Err("the interval must be at least 1s".into());
    }
    // Windows are placed on the epoch's grid; one longer than a year reports nothing an
    // ordinary report does not, and past i64 seconds it would not be placed at all.
    if secs > MAX_EVERY_S {
        return Err(format!("'{s}': the interval is at most 8784h (a year)"));
    }
    Ok(secs)
}

#[derive(Clone, Copy, ValueEnum)]
enum Output {
    Text,
    Json,
}

#[derive(Clone, Copy)]
struct LayoutArg(Option<Layout>);

fn parse_layout(s: &str) -> Result<LayoutArg, String> {
    if s == "auto" {
        return Ok(LayoutArg(None));
    }
    Layout::from_name(s)
        .map(|l| LayoutArg(Some(l)))
        .ok_or_else(|| {
            let names: Vec<&str> = Layout::ALL.iter().map(|l| l.name()).collect();
            format!("unknown format '{s}'; known: auto, {}", names.join(", "))
        })
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    let result = match cli.command {
        Command::Report(args) => report(args),
        Command::Convert(args) => convert(args),
        Command::Formats => formats(),
        Command::Explain(args) => explain(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => match term::stdout_failure(&e) {
            // A closed stdout (`axlog report | head`) is not an error worth a message.
            Some(std::io::ErrorKind::BrokenPipe) => ExitCode::SUCCESS,
            // The output was not written: a failed run, not a usage error.
            Some(_) => {
                term::warn(format_args!("{e:#}"));
                ExitCode::from(exit::FAILED)
            }
            None => {
                term::warn(format_args!("{e:#}"));
                ExitCode::from(exit::USAGE)
            }
        },
    }
}

/// Help and version on stdout; an argument error on stderr, its quoted arguments escaped
/// (`Cli::parse` would print them raw), exit 2.
fn clap_error(e: &clap::error::Error) -> ExitCode {
    if !e.use_stderr() {
        return match e.print() {
            Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
                term::warn(format_args!("writing to standard output: {err}"));
                ExitCode::from(exit::FAILED)
            }
            _ => ExitCode::SUCCESS,
        };
    }
    term::eprint_lines(&e.render().to_string());
    ExitCode::from(exit::USAGE)
}

fn formats() -> anyhow::Result<ExitCode> {
    let mut out = term::stdout();
    for l in Layout::ALL {
        writeln!(out, "{:<22} {}", l.name(), l.definition())?;
        writeln!(out, "{:<22} (also: {})", "", l.aliases().join(", "))?;
    }
    writeln!(
        out,
        "\nAny other layout: --log-format (nginx, Apache or HAProxy syntax), --nginx-conf, \
         or --json-fields for JSON lines. Lines behind a syslog header are recognised."
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn explain(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    // A bad definition is a usage error whatever the input.
    let given = args.format.format()?;
    let source = Source::from_arg(args.file.as_deref().unwrap_or("-"));
    let name = axlog_report::terminal_safe(&source.name());
    // An input that cannot be read exits 1, as it does for `report`.
    let reader = match source.open() {
        Ok(r) => r,
        Err(e) => {
            term::warn(e);
            return Ok(ExitCode::from(exit::FAILED));
        }
    };
    let want = args.lines.max(axlog_format::DETECT_LINES);
    let (lines, overlong): (Vec<Vec<u8>>, Vec<bool>) =
        match first_lines::read(reader, source.name(), want) {
            Ok(lines) => lines.into_iter().map(|l| (l.bytes, l.overlong)).unzip(),
            Err(e) => {
                term::warn(e);
                return Ok(ExitCode::from(exit::FAILED));
            }
        };
    let mut note = None;
    let (format, how) = match given {
        Some(f) => (f, "given"),
        None => {
            let sample = lines.join(&b'\n');
            match axlog_format::detect(&sample) {
                Some(d) => {
                    note = d.note.clone();
                    (d.format(), "detected")
                }
                // Nothing to show is no failure, as for `report`.
                None if lines.is_empty() => {
                    writeln!(term::stdout(), "{name}: the input is empty")?;
                    return Ok(ExitCode::SUCCESS);
                }
                None => {
                    if let Some(why) = axlog_format::diagnose(&sample) {
                        let why = axlog_report::terminal_safe_lines(&why.to_string());
                        writeln!(term::stdout(), "{name}: {why}")?;
                    }
                    term::warn(format_args!("{name}: no known layout fits its first lines"));
                    return Ok(ExitCode::from(exit::UNPARSED));
                }
            }
        }
    };
    let mut out = term::stdout();
    // A definition and its name can come from a server's configuration.
    writeln!(
        out,
        "layout {} ({how}): {}",
        axlog_report::terminal_safe(format.name()),
        axlog_report::terminal_safe(format.definition())
    )?;
    if let Some(note) = note {
        writeln!(out, "note: {}", axlog_report::terminal_safe(&note))?;
    }
    // Every text preset is a definition too, which names each field; JSON names its own.
    let fields = match &format {
        Format::Json(_) | Format::Syslog(_) => None,
        Format::Preset(l) if !l.is_log_format() => None,
        _ => Some(LogFormat::compile_any(format.definition())?),
    };
    let mut parser = format.parser();
    parser.set_tz(args.format.tz);
    let show = |b: &[u8]| axlog_report::terminal_safe(&String::from_utf8_lossy(b));
    // Lines the layout fits (a server message fits too): none is `report`'s exit 3.
    let mut fitted = 0;
    for (i, line) in lines.iter().take(args.lines).enumerate() {
        writeln!(out, "\n{name}:{}", i + 1)?;
        if overlong[i] {
            // As `report` counts it; its first bytes are enough to recognise it.
            let head = &line[..line.len().min(300)];
            let e = axlog_format::ParseError::TooLong;
            writeln!(out, "  malformed: {e}\n  {}…", show(head))?;
            continue;
        }
        let parsed = parser.parse(line);
        if matches!(parsed, Ok(_) | Err(axlog_format::ParseError::NotAccess)) {
            fitted += 1;
        }
        match parsed {
            Ok(r) => {
                if let Some(Ok(values)) = fields.as_ref().map(|f| f.split(line)) {
                    for (k, v) in values {
                        let k = axlog_report::terminal_safe(k);
                        writeln!(out, "  {k:<28} {}", show(v))?;
                    }
                }
                let time = axlog_stats::timefmt::format_rfc3339(r.ts_us, Some(r.utc_offset_min));
                let opt = |v: Option<u64>| v.map_or("-".to_string(), |v| v.to_string());
                writeln!(
                    out,
                    "  => time {time}  status {}  path {}  bytes {}  request_time_us {}  upstream_time_us {}",
                    r.status,
                    r.path().map_or("-".to_string(), show),
                    opt(r.bytes_sent),
                    opt(r.request_time_us),
                    opt(r.upstream_time_us)
                )?;
                // The typed fields a layout may add beyond the common ones.
                let num = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
                let haproxy = r.haproxy.map_or(String::new(), |h| {
                    format!(
                        "{} {}/{} TR {} Tw {} Tc {} Tr {} Ta {} {}",
                        show(h.frontend),
                        show(h.backend),
                        show(h.server),
                        opt(h.tr_us),
                        opt(h.tw_us),
                        opt(h.tc_us),
                        opt(h.tresp_us),
                        opt(h.ta_us),
                        show(h.termination_state)
                    )
                });
                let extras: [(&str, String); 12] = [
                    ("host", show(r.host)),
                    ("protocol", show(r.protocol)),
                    ("request_length", num(r.request_length)),
                    ("response_bytes", num(r.response_bytes)),
                    ("upstream_addr", show(r.upstream_addr)),
                    ("upstream_status", show(r.upstream_status)),
                    ("upstream_connect_us", num(r.upstream_connect_us)),
                    ("upstream_header_us", num(r.upstream_header_us)),
                    ("cache_status", show(r.cache_status)),
                    ("tls", show(r.tls_protocol)),
                    ("x_forwarded_for", show(r.x_forwarded_for)),
                    ("haproxy", haproxy),
                ];
                let set: Vec<String> = extras
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect();
                if !set.is_empty() {
                    writeln!(out, "     {}", set.join("  "))?;
                }
            }
            Err(e) => writeln!(out, "  malformed: {e}\n  {}", show(line))?,
        }
    }
    out.flush()?;
    if fitted == 0 && !lines.is_empty() {
        term::warn(format_args!(
            "{name}: no line parsed: none of the lines shown fits {}",
            axlog_report::terminal_safe(format.name())
        ));
        return Ok(ExitCode::from(exit::UNPARSED));
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `job` with a progress bar on stderr when `show`: bytes read of the sources' total
/// size, rate, time left, and the file being read.
fn with_progress<T>(
    show: bool,
    sources: &[Source],
    mut cfg: Config,
    job: impl FnOnce(&Config) -> T,
) -> T {
    if !show {
        return job(&cfg);
    }
    let progress = std::sync::Arc::new(axlog_engine::Progress::default());
    cfg.progress = Some(progress.clone());
    // Standard input has no size: then the bar counts bytes without a total.
    let total: Option<u64> = sources.iter().map(Source::size).sum();
    let bar = match total {
        Some(t) => indicatif::ProgressBar::new(t).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {wide_msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        ),
        None => indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec} {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        ),
    };
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        // `Scope::spawn` panics when no thread can start; then the run goes on without a bar.
        let drawing = std::thread::Builder::new().spawn_scoped(s, || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                bar.set_position(progress.bytes());
                bar.set_message(axlog_report::terminal_safe(&progress.source()));
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        if let Err(e) = drawing {
            term::warn(format_args!(
                "no progress bar: cannot start its thread: {e}"
            ));
        }
        let out = job(&cfg);
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        out
    })
}

/// The engine's configuration from `report`'s arguments.
fn config(args: &ReportArgs) -> anyhow::Result<Config> {
    Ok(Config {
        layout: args.format.format()?,
        tz_offset_min: args.format.tz,
        stats: StatsConfig {
            max_paths: args.max_paths,
            max_path_bytes: args.max_path_bytes,
            top_n: args.top,
            source_by_host: args.source_by_host,
            ..StatsConfig::default()
        },
        threads: threads::for_this_machine(args.threads),
        progress: None,
        labels: Vec::new(),
        parquet: None,
        rejects_located: args.rejects.located(),
    })
}

/// The sources named by `files` (standard input when none), and each one's label: its
/// argument's `--source-label`, or its path.
fn sources_and_labels(
    files: &[String],
    source_label: &[String],
) -> anyhow::Result<(Vec<Source>, Vec<String>)> {
    // Directories, wildcards the shell left, rotated sets in the order written; each with
    // the argument that named it.
    let (sources, arg_of): (Vec<Source>, Vec<usize>) = if files.is_empty() {
        (vec![Source::Stdin], vec![0])
    } else {
        axlog_input::expand_indexed(files).into_iter().unzip()
    };
    if source_label.len() > files.len().max(1) {
        anyhow::bail!(
            "{} --source-label for {} input argument(s): one label an argument",
            source_label.len(),
            files.len().max(1)
        );
    }
    let labels: Vec<String> = sources
        .iter()
        .zip(&arg_of)
        .map(|(s, &k)| source_label.get(k).cloned().unwrap_or_else(|| s.name()))
        .collect();
    Ok((sources, labels))
}

/// What a run reads, to check that no output is one of them.
fn inputs_of(files: &[String], sources: &[Source], format: &FormatArgs) -> paths::Inputs {
    let conf: Vec<&std::path::Path> = format.nginx_conf.iter().map(|p| p.as_path()).collect();
    paths::Inputs::new(files, sources, &conf)
}

/// Opens the rejects file, if asked, before any input is read: a bad path is a usage
/// error.
fn open_rejects(path: Option<&std::path::Path>) -> anyhow::Result<Option<Box<dyn Write>>> {
    Ok(match path {
        Some(p) => {
            let f = std::fs::File::create(p)
                .with_context(|| format!("cannot create rejects file {}", p.display()))?;
            Some(Box::new(std::io::BufWriter::with_capacity(1 << 16, f)))
        }
        None => None,
    })
}

/// Reports what went wrong in a run on stderr; the exit code that gives.
fn report_failures(outcome: &axlog_engine::Outcome, rejects: Option<&std::path::Path>) -> ExitCode {
    for src in &outcome.summary.sources {
        if let Some(help) = &src.layout_help {
            let name = axlog_report::terminal_safe(&src.name);
            term::warn_lines(format_args!("{name}: {help}"));
        }
    }
    let mut failed = false;
    for e in outcome.source_errors.iter().chain(&outcome.parquet_errors) {
        term::warn(e);
        failed = true;
    }
    if let (Some(e), Some(p)) = (&outcome.rejects_error, rejects) {
        term::warn(format_args!("writing rejects to {}: {e}", p.display()));
        failed = true;
    }
    let unparsed = exit::unparsed_inputs(&outcome.summary.sources);
    for m in &unparsed {
        term::warn(m);
    }
    if failed {
        ExitCode::from(exit::FAILED)
    } else if !unparsed.is_empty() {
        ExitCode::from(exit::UNPARSED)
    } else {
        ExitCode::SUCCESS
    }
}

fn convert(args: ConvertArgs) -> anyhow::Result<ExitCode> {
    let (sources, labels) = sources_and_labels(&args.files, &args.source_label)?;
    let inputs = inputs_of(&args.files, &sources, &args.format);
    inputs.check_output("the Parquet directory", &args.dir)?;
    if let Some(p) = &args.rejects.path {
        inputs.check_output("--rejects", p)?;
    }
    let out = args.parquet_args.open(&args.dir)?;
    let rejects = open_rejects(args.rejects.path.as_deref())?;
    let cfg = Config {
        layout: args.format.format()?,
        tz_offset_min: args.format.tz,
        threads: threads::for_this_machine(args.threads),
        labels,
        parquet: Some(out),
        rejects_located: args.rejects.located(),
        // No report: the rows are the output.
        stats: StatsConfig {
            requests_only: true,
            ..StatsConfig::default()
        },
        ..Config::default()
    };
    let show = !args.quiet && std::io::stderr().is_terminal();
    let outcome = with_progress(show, &sources, cfg, |cfg| {
        axlog_engine::run(&sources, cfg, rejects)
    });
    let code = report_failures(&outcome, args.rejects.path.as_deref());
    if !args.quiet {
        let lines = &outcome.summary.lines;
        let w = &outcome.written;
        let rollups = match w.rollup_rows {
            0 => String::new(),
            n => format!(" and {n} rollup rows"),
        };
        let files = match w.files.len() {
            1 => "1 file".to_string(),
            n => format!("{n} files"),
        };
        term::warn(format_args!(
            "{} lines read, {} rows{rollups} in {files} under {}, {} malformed",
            lines.read,
            w.rows,
            args.dir.display(),
            lines.malformed
        ));
    }
    Ok(code)
}

/// `report --every`: a line per interval of log time, written as each interval ends.
fn report_every(args: &ReportArgs, sources: &[Source], every: u64) -> anyhow::Result<ExitCode> {
    let [source] = sources else {
        anyhow::bail!(
            "--every reads one input (a file or standard input), not {}",
            sources.len()
        );
    };
    let cfg = config(args)?;
    let mut out = term::stdout();
    let mut write_error = None;
    // Lines that fitted the layout (requests, server messages): none is exit 3.
    let mut fitted = 0u64;
    let res = axlog_engine::run_every(source, &cfg, every, |start, summary| {
        fitted += summary.lines.parsed + summary.lines.other;
        let line = match args.output {
            Output::Text => axlog_report::window_line(start, every, &summary),
            Output::Json => axlog_report::window_json(start, every, &summary),
        };
        // Each interval is written as it ends: a pipe reader sees it at once.
        if write_error.is_none()
            && let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush())
        {
            write_error = Some(e);
        }
    });
    if let Some(e) = write_error {
        return Err(e.into());
    }
    match res {
        Ok(lines) if lines > 0 && fitted == 0 => {
            term::warn(format_args!(
                "{}: no line parsed: no layout fits its {lines} lines",
                source.name()
            ));
            Ok(ExitCode::from(exit::UNPARSED))
        }
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            term::warn(e);
            Ok(ExitCode::from(exit::FAILED))
        }
    }
}

fn report(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let (sources, labels) = sources_and_labels(&args.files, &args.source_label)?;
    let inputs = inputs_of(&args.files, &sources, &args.format);
    inputs.check_stdout()?;
    if let Some(p) = &args.parquet {
        inputs.check_output("--parquet", p)?;
    }
    if let Some(p) = &args.rejects.path {
        inputs.check_output("--rejects", p)?;
    }
    if let Some(every) = args.every {
        return report_every(&args, &sources, every);
    }
    // The outputs are opened before any input is read: a bad path is a usage error.
    let parquet = match &args.parquet {
        Some(dir) => Some(args.parquet_args.open(dir)?),
        None if args.parquet_args.rollups => anyhow::bail!("--rollups needs --parquet DIR"),
        None => None,
    };
    let rejects = open_rejects(args.rejects.path.as_deref())?;
    let mut cfg = config(&args)?;
    cfg.labels = labels;
    cfg.parquet = parquet;
    let show = !args.quiet && std::io::stderr().is_terminal();
    let outcome = with_progress(show, &sources, cfg, |cfg| {
        axlog_engine::run(&sources, cfg, rejects)
    });
    let rendered = match args.output {
        Output::Text => axlog_report::text(&outcome.summary),
        Output::Json => axlog_report::json(&outcome.summary),
    };
    let mut out = term::stdout();
    out.write_all(rendered.as_bytes())?;
    out.flush()?;

    let code = report_failures(&outcome, args.rejects.path.as_deref());
    Ok(code)
}
