//! `axlog report`: one summary of the whole input, or with `--every` one line per
//! interval of log time, rendered by `axlog_report`.

use crate::args::{Output, ReportArgs};
use crate::progress::with_progress;
use crate::run::{failures_code, inputs_of, open_rejects, sources_and_labels};
use crate::{exit, term, threads};
use axlog_engine::{Config, Outputs};
use axlog_stats::StatsConfig;
use std::io::IsTerminal;
use std::process::ExitCode;

/// The engine's configuration from `report`'s arguments.
pub(crate) fn config(args: &ReportArgs) -> anyhow::Result<Config> {
    Ok(Config {
        layout: args.format.format()?,
        tz: args.format.tz.clone(),
        stats: StatsConfig {
            anomalies: args.anomalies.config(args.series.bucket)?,
            max_paths: args.max_paths,
            max_path_bytes: args.max_path_bytes,
            top_n: args.top,
            source_by_host: args.source_by_host,
            by_sort: args.sort,
            ..StatsConfig::default()
        },
        threads: threads::for_this_machine(args.threads),
        progress: None,
        labels: Vec::new(),
        rejects_located: args.rejects.located(),
        by: args.by.clone(),
        series: Some(args.series.config(&args.format.tz)),
        series_by: args.series.series_by.clone(),
        filter: None,
        endpoint_rules: args.endpoints.rules()?,
        one_tier: args.one_tier,
        // Every source whole (issue 18's state file will give ranges).
        ranges: Vec::new(),
        // A state with a cumulative part asks for it (cumulative.rs).
        keep_aggregate: false,
        keep_hours: false,
        chunk_bytes: 0,
    })
}

/// The summary of every input, rendered as `--output` asks, then its failures on stderr.
pub(crate) fn report(args: ReportArgs) -> anyhow::Result<ExitCode> {
    if let Some(code) = crate::cumulative::check_flag(&args) {
        return Ok(code);
    }
    if let Err(msg) = crate::failif::check_args(&args) {
        term::warn(msg);
        return Ok(ExitCode::from(exit::USAGE));
    }
    if !args.from_state.is_empty() {
        if let Err(msg) = crate::outputs::check(&args, None) {
            term::warn(msg);
            return Ok(ExitCode::from(exit::USAGE));
        }
        return crate::from_state::report_from_states(&args);
    }
    let (sources, labels) = sources_and_labels(&args.files, &args.source_label)?;
    let inputs = inputs_of(&args.files, &sources, &args.format);
    inputs.check_stdout()?;
    // `-o` files are checked before any input is read: a bad one is a usage error.
    if let Err(msg) = crate::outputs::check(&args, Some(&inputs)) {
        term::warn(msg);
        return Ok(ExitCode::from(exit::USAGE));
    }
    if let Some(p) = &args.parquet {
        inputs.check_output("--parquet", p)?;
    }
    if let Some(p) = &args.rejects.path {
        inputs.check_output("--rejects", p)?;
    }
    // Filters are checked before any output is opened: a bad one is a usage error.
    let filter = match args.filters.build(&sources, &config(&args)?) {
        Ok(f) => f,
        Err(msg) => {
            term::warn_lines(msg);
            return Ok(ExitCode::from(exit::USAGE));
        }
    };
    if let Some(every) = args.every {
        if !matches!(args.output, Output::Text | Output::Json) {
            term::warn("--every writes a line a window: --output text or json");
            return Ok(ExitCode::from(exit::USAGE));
        }
        return crate::every::report_every(&args, &sources, every, filter);
    }
    let mut cfg = config(&args)?;
    // The outputs are opened before any input is read: a bad path is a usage error.
    let parquet = match &args.parquet {
        Some(dir) => Some(args.parquet_args.open(dir, cfg.endpoint_rules.clone())?),
        None if args.parquet_args.rollups => anyhow::bail!("--rollups needs --parquet DIR"),
        None => None,
    };
    let rejects = open_rejects(args.rejects.path.as_deref())?;
    if let Some(state) = &args.state {
        cfg.filter = filter;
        let outputs = Outputs { rejects, parquet };
        return crate::state::report_with_state(&args, state, &sources, &labels, cfg, outputs);
    }
    cfg.labels = labels;
    cfg.filter = filter;
    // `--fail-if ... by DIM`: its table in the run (hidden unless asked), every row kept.
    let hidden = crate::failif::prepare(&args.fail_if, &mut cfg);
    let (stats, rules) = (cfg.stats, cfg.endpoint_rules.clone());
    let show = !args.quiet && std::io::stderr().is_terminal();
    let mut outcome = with_progress(show, &sources, cfg, |cfg| {
        axlog_engine::report(&sources, cfg, Outputs { rejects, parquet })
    });
    let rows = crate::failif::all_rows(&mut outcome, &stats, &rules, true);
    let fired = crate::failif::apply(&args.fail_if, &mut outcome.summary, rows.as_ref(), &hidden)
        .map_err(anyhow::Error::msg)?;
    drop(rows);
    print_summary(&mut outcome.summary, &args)?;

    let code = failures_code(&outcome, args.rejects.path.as_deref());
    crate::failif::announce(&fired);
    Ok(ExitCode::from(exit::worst(&[
        code,
        crate::failif::code(&fired),
    ])))
}

/// Shows `summary`'s times in `--tz` and writes it: to stdout in `--output`'s format,
/// and to each `-o` file in its own (outputs.rs).
pub(crate) fn print_summary(
    summary: &mut axlog_stats::Summary,
    args: &ReportArgs,
) -> std::io::Result<()> {
    crate::series::localize(summary, &args.format.tz);
    crate::outputs::write(summary, args)
}
