//! `axlog convert`: access logs to partitioned Parquet files, with a summary line.

use crate::args::ConvertArgs;
use crate::progress::with_progress;
use crate::run::{inputs_of, open_rejects, report_failures, sources_and_labels};
use crate::{exit, term, threads};
use axlog_engine::{Config, Outputs};
use axlog_stats::StatsConfig;
use std::io::IsTerminal;
use std::process::ExitCode;

/// Writes every parsed line as a Parquet row; the summary line goes to stderr.
pub(crate) fn convert(args: ConvertArgs) -> anyhow::Result<ExitCode> {
    let (sources, labels) = sources_and_labels(&args.files, &args.source_label)?;
    let inputs = inputs_of(&args.files, &sources, &args.format);
    inputs.check_output("the Parquet directory", &args.dir)?;
    if let Some(p) = &args.rejects.path {
        inputs.check_output("--rejects", p)?;
    }
    let mut cfg = Config {
        layout: args.format.format()?,
        tz: args.format.tz.clone(),
        threads: threads::for_this_machine(args.threads),
        labels,
        rejects_located: args.rejects.located(),
        // No report: the rows are the output.
        stats: StatsConfig {
            requests_only: true,
            ..StatsConfig::default()
        },
        // Rows carry their source; the counts are the run's.
        one_tier: true,
        ..Config::default()
    };
    // Filters are checked before the output is opened: a bad one is a usage error.
    cfg.filter = match args.filters.build(&sources, &cfg) {
        Ok(f) => f,
        Err(msg) => {
            term::warn_lines(msg);
            return Ok(ExitCode::from(exit::USAGE));
        }
    };
    let out = args.parquet_args.open(&args.dir, args.endpoints.rules()?)?;
    let rejects = open_rejects(args.rejects.path.as_deref())?;
    if let Some(state) = &args.state {
        let labels = std::mem::take(&mut cfg.labels);
        let command = crate::state::Command {
            name: "convert",
            quiet: args.quiet,
            rejects: args.rejects.path.as_deref(),
            report: None,
            reset: args.state_reset,
        };
        let parquet = Some(out);
        let outputs = Outputs { rejects, parquet };
        return crate::state::run_with_state(
            &command,
            state,
            &sources,
            &labels,
            cfg,
            outputs,
            |outcome, _, _| {
                summary_line(outcome, &args);
                Ok(0)
            },
        );
    }
    let show = !args.quiet && std::io::stderr().is_terminal();
    let outcome = with_progress(show, &sources, cfg, |cfg| {
        let parquet = Some(out);
        axlog_engine::report(&sources, cfg, Outputs { rejects, parquet })
    });
    let code = report_failures(&outcome, args.rejects.path.as_deref());
    summary_line(&outcome, &args);
    Ok(code)
}

/// `N lines read, N rows in N files under DIR, N malformed` on stderr, unless `--quiet`.
fn summary_line(outcome: &axlog_engine::Outcome, args: &ConvertArgs) {
    if args.quiet {
        return;
    }
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
    let filtered = match lines.filtered {
        0 => String::new(),
        n => format!(", {n} filtered"),
    };
    term::warn(format_args!(
        "{} lines read, {} rows{rollups} in {files} under {}, {} malformed{filtered}",
        lines.read,
        w.rows,
        args.dir.display(),
        lines.malformed
    ));
}
