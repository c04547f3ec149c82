//! `axlog`: access-log analytics for Nginx, HAProxy and Apache.

use anyhow::Context;
use axlog_engine::Config;
use axlog_format::Layout;
use axlog_input::Source;
use axlog_stats::StatsConfig;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

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
    /// List the log layouts axlog knows, with their definitions.
    Formats,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// Log files to read, in order; `-` or nothing reads standard input.
    files: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    output: Output,
    /// Log layout; `auto` detects it from each file's first lines.
    #[arg(long, default_value = "auto", value_parser = parse_layout)]
    format: LayoutArg,
    /// Write every malformed line, verbatim, to FILE.
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// How many top paths to list.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Distinct paths tracked for the top-paths table (bounds memory).
    #[arg(long, default_value_t = axlog_stats::groups::DEFAULT_CAP)]
    max_paths: usize,
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
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Report(args) => report(args),
        Command::Formats => formats(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // A closed stdout (`axlog report | head`) is not an error worth a message.
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("axlog: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn formats() -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    for l in Layout::ALL {
        writeln!(out, "{:<16} {}", l.name(), l.definition())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn report(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let sources: Vec<Source> = if args.files.is_empty() {
        vec![Source::Stdin]
    } else {
        args.files.iter().map(|f| Source::from_arg(f)).collect()
    };
    // Open the rejects file before reading any input: a bad path is a usage error.
    let rejects: Option<Box<dyn Write>> = match &args.rejects {
        Some(p) => {
            let f = std::fs::File::create(p)
                .with_context(|| format!("cannot create rejects file {}", p.display()))?;
            Some(Box::new(std::io::BufWriter::with_capacity(1 << 16, f)))
        }
        None => None,
    };
    let cfg = Config {
        layout: args.format.0,
        stats: StatsConfig {
            max_paths: args.max_paths,
            top_n: args.top,
            ..StatsConfig::default()
        },
    };
    let outcome = axlog_engine::run(&sources, &cfg, rejects);
    let rendered = match args.output {
        Output::Text => axlog_report::text(&outcome.summary),
        Output::Json => axlog_report::json(&outcome.summary),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(rendered.as_bytes())?;
    out.flush()?;

    let mut failed = false;
    for e in &outcome.source_errors {
        eprintln!("axlog: {e}");
        failed = true;
    }
    if let (Some(e), Some(p)) = (&outcome.rejects_error, &args.rejects) {
        eprintln!("axlog: writing rejects to {}: {e}", p.display());
        failed = true;
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
