//! `report --fail-if EXPR`: thresholds on the finished report that fail a run with exit 3
//! (issue 19). An expression is `METRIC OP VALUE [by DIM]` ([`parse`]), parsed when the
//! arguments are, so a bad one is a usage error before any input is read; it is checked
//! against the summary once the report is made ([`eval`]). docs/exit-codes.md and the
//! README describe the language.

mod eval;
mod parse;

pub(crate) use eval::{announce, check};
pub(crate) use parse::Expr;

use axlog_stats::Dimension;

/// clap's value parser of `--fail-if`: the expression, or the message pointing at where
/// it went wrong.
pub(crate) fn parse_arg(s: &str) -> Result<Expr, String> {
    parse::parse(s).map_err(|e| e.render(s))
}

/// The dimensions `exprs` check row by row (each once, in the order first named).
pub(crate) fn dimensions(exprs: &[Expr]) -> Vec<Dimension> {
    let mut dims: Vec<Dimension> = Vec::new();
    for d in exprs.iter().filter_map(|e| e.by.as_ref()) {
        if !dims.contains(d) {
            dims.push(d.clone());
        }
    }
    dims
}

/// The `--top` that lists every row of a table: more than any table holds (each is
/// capped by `--max-paths`; a state's total by the `--max-paths` it was made with), so a
/// `by` threshold checks every row, not only those shown. Not `usize::MAX`: a count past
/// it must not overflow.
pub(crate) const ALL_ROWS: usize = u32::MAX as usize;

/// `--fail-if ... by DIM` with `--state`: the table must be among `--by`'s, since a state's
/// total keeps the tables its settings name (one added for the check would not add up
/// with the total's). `Err`: the usage message.
pub(crate) fn check_args(args: &crate::args::ReportArgs) -> Result<(), String> {
    if args.state.is_none() {
        return Ok(());
    }
    match dimensions(&args.fail_if)
        .into_iter()
        .find(|d| !args.by.contains(d))
    {
        Some(d) => Err(format!(
            "--fail-if '... by {d}' with --state needs --by {d}: a state's runs keep the \
             tables --by names"
        )),
        None => Ok(()),
    }
}

/// A run without a state: adds the tables `by` thresholds check that `--by` did not ask
/// for (returned: they are left out of the report), and keeps the run's aggregate, to
/// list every row of them ([`all_rows`]).
pub(crate) fn prepare(exprs: &[Expr], cfg: &mut axlog_engine::Config) -> Vec<Dimension> {
    let dims = dimensions(exprs);
    let mut hidden = Vec::new();
    for d in &dims {
        if !cfg.by.contains(d) {
            cfg.by.push(d.clone());
            hidden.push(d.clone());
        }
    }
    if !dims.is_empty() {
        cfg.keep_aggregate = true;
    }
    hidden
}

/// The run's summary again, from its kept aggregate (taken, or cloned when it is still
/// needed: a state's total takes it), with every row of its tables listed.
pub(crate) fn all_rows(
    outcome: &mut axlog_engine::Outcome,
    stats: &axlog_stats::StatsConfig,
    rules: &axlog_parquet::endpoint::Rules,
    take: bool,
) -> Option<axlog_stats::Summary> {
    let mut tiered = if take {
        outcome.aggregate.take()?
    } else {
        outcome.aggregate.clone()?
    };
    let mut stats = *stats;
    stats.top_n = ALL_ROWS;
    // An aggregate lists as many rows as its own configuration says.
    for (_, a) in &mut tiered.tiers {
        a.show_as(&stats);
    }
    let lines: Vec<axlog_engine::SourceLines> = outcome
        .runs
        .iter()
        .map(axlog_engine::SourceLines::of)
        .collect();
    Some(axlog_engine::summarize(&lines, tiered, &stats, rules))
}

/// Checks `exprs` against `shown` (its `by` rows from `rows` when given), records them
/// in its `thresholds`, and leaves the `hidden` tables out of it. The messages to say
/// once the report is written; `Err`: a usage error.
pub(crate) fn apply(
    exprs: &[Expr],
    shown: &mut axlog_stats::Summary,
    rows: Option<&axlog_stats::Summary>,
    hidden: &[Dimension],
) -> Result<Vec<String>, String> {
    if exprs.is_empty() {
        return Ok(Vec::new());
    }
    let (thresholds, messages) = check(exprs, shown, rows)?;
    shown.thresholds = Some(thresholds);
    let names: Vec<String> = hidden.iter().map(Dimension::name).collect();
    shown.by.retain(|b| !names.contains(&b.dimension));
    Ok(messages)
}

/// The exit code of the thresholds' messages: 3 when one fired.
pub(crate) fn code(messages: &[String]) -> u8 {
    if messages.is_empty() {
        0
    } else {
        crate::exit::THRESHOLD
    }
}
