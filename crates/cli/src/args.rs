//! The command line: clap's structs for each command and the value parsers of its
//! arguments (offsets, durations, layout names). What the arguments mean to a run is in
//! the command modules.

use crate::sizes;
use anyhow::Context;
use axlog_format::Preset;
use axlog_format::Zone;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "axlog",
    version,
    about = "Access-log analytics: QPS, status and latency from Nginx logs",
    after_help = crate::examples::AXLOG
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Summarise access logs: lines, time range, QPS, statuses, latency percentiles, top paths.
    #[command(after_help = crate::examples::report_after_help())]
    Report(ReportArgs),
    /// Convert access logs to Parquet, partitioned by date, for DuckDB, Spark, Trino or
    /// pyarrow: `axlog convert /var/log/nginx/ -o logs/`.
    #[command(after_help = crate::examples::CONVERT)]
    Convert(ConvertArgs),
    /// List the log layouts axlog knows, with their definitions.
    Formats,
    /// Show how the first lines of a log are split into fields and parsed, to check a
    /// format in seconds.
    #[command(after_help = crate::examples::EXPLAIN)]
    Explain(ExplainArgs),
    /// Print a shell completion script: `axlog completions bash >
    /// /etc/bash_completion.d/axlog` (zsh: a `_axlog` file in `$fpath`; fish:
    /// `~/.config/fish/completions/axlog.fish`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page in roff: `axlog man > axlog.1`, `axlog man report >
    /// axlog-report.1` (then `man -l axlog.1`, or install them under
    /// /usr/local/share/man/man1/).
    Man {
        /// A command's own page (report, convert, formats, explain).
        command: Option<String>,
    },
}

#[derive(clap::Args)]
pub(crate) struct FormatArgs {
    /// Log layout: a preset (see `axlog formats`); `auto` detects it from each file's
    /// first lines.
    #[arg(long, default_value = "auto", value_parser = parse_layout)]
    pub(crate) format: PresetArg,
    /// The layout's definition in the server's own syntax, verbatim: an nginx `log_format`
    /// (the quoted strings joined), e.g. '$remote_addr [$time_local] "$request" $status
    /// $request_time', an Apache `LogFormat`, e.g. '%h %l %u %t "%r" %>s %b %D', or an
    /// HAProxy `log-format`, e.g. '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %{+Q}r'.
    #[arg(long, value_name = "DEFINITION", conflicts_with = "format")]
    pub(crate) log_format: Option<String>,
    /// JSON lines: which key holds which field, e.g.
    /// 'ts=time,status=status,latency=duration:ms,uri=request.uri' (targets: ts, client,
    /// user, method, uri, request, status, bytes, referer, user_agent, latency,
    /// upstream_latency, upstream_status; units s, ms, us, ns).
    #[arg(long, value_name = "MAPPING", conflicts_with_all = ["format", "log_format"])]
    pub(crate) json_fields: Option<String>,
    /// Read the `log_format` from the server's nginx configuration (includes followed).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["format", "log_format", "json_fields"])]
    pub(crate) nginx_conf: Option<PathBuf>,
    /// Which `log_format` of --nginx-conf to use; without it, the one the configuration's
    /// `access_log` directives use, or the only one defined.
    #[arg(long, value_name = "NAME", requires = "nginx_conf")]
    pub(crate) log_format_name: Option<String>,
    /// Zone of times logged without one (HAProxy's accept date, syslog's `Nov 21 10:00:01`):
    /// an offset, `+01:00`, `-0500`, `UTC`, or an IANA zone, `Europe/Paris`, whose daylight
    /// saving time applies to each time.
    // `allow_hyphen_values`: `--tz -0500` is a value, not a short option.
    #[arg(long, value_name = "ZONE", default_value = "UTC", value_parser = parse_zone, allow_hyphen_values = true)]
    pub(crate) tz: Zone,
}

/// An offset ([`parse_tz`]) or an IANA zone name.
pub(crate) fn parse_zone(s: &str) -> Result<Zone, String> {
    parse_tz(s).map(Zone::Fixed).or_else(|_| {
        Zone::named(s).ok_or_else(|| {
            format!(
                "'{s}' is neither an offset like +01:00, -0500 or UTC nor a zone like Europe/Paris"
            )
        })
    })
}

/// `UTC`, `Z`, `+HH:MM`, `-HHMM` or `+HH` into minutes east of UTC.
pub(crate) fn parse_tz(s: &str) -> Result<i16, String> {
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

#[derive(clap::Args)]
pub(crate) struct ExplainArgs {
    /// The log to read; `-` or nothing reads standard input.
    pub(crate) file: Option<String>,
    #[command(flatten)]
    pub(crate) format: FormatArgs,
    /// How many lines to show.
    #[arg(short = 'n', long, default_value_t = 5, value_parser = sizes::at_least_one)]
    pub(crate) lines: usize,
}

#[derive(clap::Args)]
pub(crate) struct ReportArgs {
    /// Log files to read; `-` or nothing reads standard input. Directories and rotated
    /// sets (`access.log*`) are read oldest file first; gzip, zstd, bzip2 and xz archives
    /// are recognised by their content.
    pub(crate) files: Vec<String>,
    /// How the report is written to standard output.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub(crate) output: Output,
    /// Write the report to PATH instead of standard output, in the format its extension
    /// names: `.txt`, `.json`, `.md` (Markdown), `.html` (a page with charts), `.prom`
    /// (Prometheus textfile), or a directory (`out/`, `tables.csv`) of CSV files. Repeatable,
    /// every file from the same pass; `-o -` also writes standard output (in `--output`'s
    /// format). Each file is replaced atomically (written beside it, then renamed).
    #[arg(
        short = 'o',
        long = "output-file",
        value_name = "PATH",
        conflicts_with = "every"
    )]
    pub(crate) output_files: Vec<PathBuf>,
    /// Bold titles and colours in the text report on standard output: `auto` when it is a
    /// terminal and NO_COLOR is unset or empty (and TERM is not dumb), `always`, `never`.
    /// Files (`-o x.txt`) never get them.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    #[command(flatten)]
    pub(crate) format: FormatArgs,
    #[command(flatten)]
    pub(crate) rejects: RejectsArgs,
    /// How many top paths to list.
    #[arg(long, default_value_t = 10)]
    pub(crate) top: usize,
    /// Distinct paths tracked for the top-paths table (bounds memory).
    #[arg(long, default_value_t = axlog_stats::table::DEFAULT_CAP)]
    pub(crate) max_paths: usize,
    /// Bytes the tracked paths may take together (bounds memory with long paths).
    #[arg(long, value_name = "BYTES", default_value_t = axlog_stats::table::DEFAULT_KEY_BYTES)]
    pub(crate) max_path_bytes: usize,
    /// A breakdown table by DIM: each key's requests, share, 4xx and 5xx (counts and
    /// shares), bytes, QPS mean and peak, and p50/p90/p99/p99.9/max of each latency the
    /// layout logs, the `--top` keys by `--sort`. Repeatable, one table each; `--by
    /// endpoint,status-class` is one table of two levels (each endpoint with its status
    /// classes). DIM: path, endpoint, source, host, upstream, frontend, backend, server,
    /// status, status-class, method, client, user-agent (its family: bot, crawler, tool,
    /// browser, other), user-agent-raw (as logged), termination (2 characters), termination-state (4), cache-status, tls-protocol,
    /// field:NAME (a variable of the layout). Each table is capped like the
    /// path table (`--max-paths` keys, `--max-path-bytes` of keys).
    #[arg(long, value_name = "DIM[,DIM]", conflicts_with = "every")]
    pub(crate) by: Vec<axlog_stats::Dimension>,
    /// What the `--by` tables' rows are ranked by: requests, errors (4xx and 5xx), 5xx,
    /// p99 (request time) or bytes; highest first, ties by key.
    #[arg(long, value_name = "KEY", default_value = "requests")]
    pub(crate) sort: axlog_stats::SortKey,
    /// Parsing threads (0: one per core; at most 4 a core). The report is the same whatever
    /// the number.
    #[arg(short = 'j', long = "threads", value_name = "N", default_value_t = 0)]
    pub(crate) threads: usize,
    /// No progress bar (there is none when stderr is not a terminal either).
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// Live: a report per interval of log time (`10s`, `1m`, `1h`), one line each (one
    /// JSON document a line with `--output json`), as lines arrive: `tail -F access.log |
    /// axlog report --every 10s`. An interval is written when the input has gone past
    /// it, or has been idle for one interval of wall time (then, without `--follow`,
    /// partial: its QPS over the seconds up to its last request); SIGINT/SIGTERM write the
    /// open one (partial)
    /// and exit 0. Several inputs are read at once, each line counted in the interval of
    /// its own time; an interval is written once every input has gone past it or is
    /// idle.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, conflicts_with = "rejects")]
    pub(crate) every: Option<u64>,
    /// With `--every`: keep reading the files as they grow, across rotation (as `tail -F`:
    /// a file renamed away is read to its end, then the new one from its start; a file
    /// truncated in place is read again from its start, after the lines it lost unread,
    /// from logrotate's uncompressed copy), writing an interval of zeros
    /// for each interval of wall time without a line. Archives and standard input are
    /// read to their end (with standard input, only the clock is kept: zero intervals
    /// while it is quiet). Ends on SIGINT/SIGTERM. With `--state FILE`, a restart goes on
    /// where it stopped (see `--state`).
    #[arg(long, requires = "every")]
    pub(crate) follow: bool,
    /// The name of the files of the n-th input argument in the per-source breakdown, once
    /// per argument in order (`--source-label web1 --source-label web2`); files with one
    /// label, such as a rotated set, are one row. Default: each file's path.
    #[arg(long, value_name = "LABEL")]
    pub(crate) source_label: Vec<String>,
    /// In the per-source breakdown, HAProxy lines count under their syslog header's host
    /// (one row per load balancer writing to a shared log) rather than under their file.
    #[arg(long)]
    pub(crate) source_by_host: bool,
    /// Add every input's requests together even when they come from several tiers. By
    /// default a load balancer's logs (HAProxy, Traefik, ingress-nginx) and web servers'
    /// logs (nginx, Apache, ...) in one run are summarised apart, since a request passing
    /// through both is logged in each.
    #[arg(long)]
    pub(crate) one_tier: bool,
    /// Also write every parsed line as a Parquet row under DIR, in the same pass (see
    /// `axlog convert`).
    #[arg(long, value_name = "DIR", conflicts_with = "every")]
    pub(crate) parquet: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) parquet_args: ParquetArgs,
    /// Read only what is new since the last run with this state file, and record how far
    /// each file was read: for cron (`axlog report --state /var/lib/axlog/web.state
    /// /var/log/nginx/access.log`). Rotated files are followed by their content; a line
    /// still being written is left for the next run. Another run holding the state exits
    /// 4; bytes lost before being read (a file deleted or truncated) exit 5. Plain files
    /// and archives; not standard input. With `--parquet`, each line is a row once, across
    /// crashes (see `axlog convert --state`). With `--every --follow`: a follower that
    /// saves the state after each interval written (offsets and the open intervals), so
    /// that once restarted it goes on where it stopped, each line in one interval written.
    #[arg(long, value_name = "FILE")]
    pub(crate) state: Option<PathBuf>,
    /// Start the `--state` file afresh (under its lock): the run reads as a first run
    /// would. For a state another axlog version wrote, or one that cannot be read.
    #[arg(long, requires = "state")]
    pub(crate) state_reset: bool,
    /// With --state: the state also keeps every run's statistics merged (bounded by
    /// --max-paths), and the report printed is that total since the state began instead
    /// of this run's window. Once a state keeps a total, every run adds to it, and it must
    /// be run with the same settings (layout, --tz, --by, filters, ...). `=1h`, `=24h`,
    /// `=today`: only the last log hours of the total (whole hours: `1h` is the current
    /// log hour and the one before, `24h` the current and the 24 before, `today` the
    /// hours since midnight in --tz), kept in the state with smaller tables. Also with
    /// --from-state.
    #[arg(
        long,
        value_name = "WINDOW",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "total"
    )]
    pub(crate) cumulative: Option<crate::cumulative::WindowArg>,
    /// One report from the totals of the states of several runs or hosts (each made with
    /// --state --cumulative), merged in the order given, as one run over all their logs
    /// would give it: `axlog report --from-state web1.state web2.state`. No logs are read;
    /// rows are named `host:label` when the states come from different hosts.
    #[arg(long, value_name = "STATE", num_args = 1.., conflicts_with_all = ["state", "every", "parquet", "rejects"])]
    pub(crate) from_state: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) series: crate::series::SeriesArgs,
    #[command(flatten)]
    // Boxed: the arguments of `report` are the largest of the commands already.
    pub(crate) anomalies: Box<crate::anomaly_args::AnomalyArgs>,
    #[command(flatten)]
    pub(crate) filters: crate::filters::FilterArgs,
    #[command(flatten)]
    pub(crate) endpoints: crate::endpoints::EndpointArgs,
    /// Exit 3 when EXPR holds on the report (written first, with its outputs and state):
    /// `METRIC OP VALUE [by DIM]`, e.g. 'p99(request_time) > 500ms', '5xx_rate > 1%',
    /// 'qps < 10', 'requests == 0', 'anomalies > 0', 'malformed_rate > 5%',
    /// 'p99(request_time) > 1s by endpoint' (every row of that `--by` table, shown or
    /// not). METRIC: requests, qps, qps_peak, p50, p90, p99, p999 or max of request_time
    /// or upstream_time, 1xx_rate..5xx_rate, error_rate (4xx and 5xx), malformed_rate,
    /// anomalies; OP: > >= < <= == !=; times take us, ms, s or m, rates %. Repeatable;
    /// fired ones are listed under `thresholds` and on stderr. Not with --every.
    #[arg(long, value_name = "EXPR", value_parser = crate::failif::parse_arg, conflicts_with = "every")]
    pub(crate) fail_if: Vec<crate::failif::Expr>,
}

#[derive(clap::Args)]
pub(crate) struct ParquetArgs {
    /// Partitions under each `date=YYYY-MM-DD/` directory: `hour`, `source`, or both
    /// (`--partition-by hour,source`).
    #[arg(long, value_name = "KEYS", value_delimiter = ',', value_enum)]
    pub(crate) partition_by: Vec<PartitionKey>,
    /// Rows per Parquet row group (1 to 16,777,216).
    #[arg(long, value_name = "N", default_value_t = 1 << 20, value_parser = sizes::row_group_rows)]
    pub(crate) row_group_rows: usize,
    /// Also write the rollup tables `rollup_1s/` and `rollup_1m/`: per second and per
    /// minute (and source), requests, status classes, bytes and latency percentiles.
    #[arg(long)]
    pub(crate) rollups: bool,
}

#[derive(clap::Args)]
pub(crate) struct RejectsArgs {
    /// Write every malformed line, verbatim, to FILE.
    #[arg(id = "rejects", long = "rejects", value_name = "FILE")]
    pub(crate) path: Option<PathBuf>,
    /// How --rejects writes a line: `lines`, as it was (the file can be fed back to axlog),
    /// or `located`, behind its source and line number as `grep -Hn` does
    /// (`access.log:1305:...`).
    #[arg(id = "rejects_format", long = "rejects-format", value_enum, value_name = "HOW", default_value_t = RejectsFormat::Lines, requires = "rejects")]
    pub(crate) format: RejectsFormat,
}

impl RejectsArgs {
    pub(crate) fn located(&self) -> bool {
        self.format == RejectsFormat::Located
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RejectsFormat {
    Lines,
    Located,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PartitionKey {
    Hour,
    Source,
}

impl ParquetArgs {
    /// Opens the output directory (checking it can be written) before any input is read.
    pub(crate) fn open(
        &self,
        dir: &std::path::Path,
        endpoint_rules: std::sync::Arc<axlog_parquet::endpoint::Rules>,
    ) -> anyhow::Result<std::sync::Arc<axlog_parquet::Output>> {
        let mut opts = axlog_parquet::Options::new(dir);
        opts.endpoint_rules = endpoint_rules;
        opts.by_hour = self.partition_by.contains(&PartitionKey::Hour);
        opts.by_source = self.partition_by.contains(&PartitionKey::Source);
        opts.row_group_rows = self.row_group_rows;
        opts.rollups = self.rollups;
        axlog_parquet::Output::create(opts)
            .with_context(|| format!("cannot write Parquet to {}", dir.display()))
    }
}

#[derive(clap::Args)]
pub(crate) struct ConvertArgs {
    /// Log files to read; `-` or nothing reads standard input. Directories, rotated sets
    /// and archives as `axlog report` reads them.
    pub(crate) files: Vec<String>,
    /// The directory the Parquet files go under (created if missing).
    #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
    pub(crate) dir: PathBuf,
    #[command(flatten)]
    pub(crate) format: FormatArgs,
    #[command(flatten)]
    pub(crate) parquet_args: ParquetArgs,
    #[command(flatten)]
    pub(crate) rejects: RejectsArgs,
    /// Parsing threads (0: one per core; at most 4 a core).
    #[arg(short = 'j', long = "threads", value_name = "N", default_value_t = 0)]
    pub(crate) threads: usize,
    /// No progress bar, and no summary line.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// The `source` of the rows of the n-th input argument, once per argument in order.
    /// Default: each file's path.
    #[arg(long, value_name = "LABEL")]
    pub(crate) source_label: Vec<String>,
    #[command(flatten)]
    pub(crate) filters: crate::filters::FilterArgs,
    #[command(flatten)]
    pub(crate) endpoints: crate::endpoints::EndpointArgs,
    /// Write only the rows of lines new since the last run with this state file, each
    /// line once even across crashes and rotations (see `axlog report --state`). Files are
    /// named by what they hold; `FILE.pending` lists a run's files until its state is
    /// saved. Not with `axlog report`'s state file: each command keeps its own.
    #[arg(long, value_name = "FILE")]
    pub(crate) state: Option<PathBuf>,
    /// Start the `--state` file afresh (under its lock): the run converts as a first run
    /// would. For a state another axlog version wrote, or one that cannot be read.
    #[arg(long, requires = "state")]
    pub(crate) state_reset: bool,
}

/// The longest `--every` interval: a leap year.
pub(crate) const MAX_EVERY_S: u64 = 366 * 86_400;

/// `10s`, `5m`, `1h`, or whole seconds, into seconds (at least 1).
pub(crate) fn parse_duration(s: &str) -> Result<u64, String> {
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
pub(crate) enum Output {
    Text,
    Json,
    Markdown,
    Html,
    Prometheus,
}

/// `--color`: as ripgrep's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy)]
pub(crate) struct PresetArg(pub(crate) Option<Preset>);

pub(crate) fn parse_layout(s: &str) -> Result<PresetArg, String> {
    if s == "auto" {
        return Ok(PresetArg(None));
    }
    Preset::from_name(s)
        .map(|l| PresetArg(Some(l)))
        .ok_or_else(|| {
            let names: Vec<&str> = Preset::ALL.iter().map(|l| l.name()).collect();
            format!("unknown format '{s}'; known: auto, {}", names.join(", "))
        })
}
