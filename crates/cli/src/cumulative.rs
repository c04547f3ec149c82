//! `report --state FILE --cumulative`: the state keeps every run's statistics merged (the
//! engine's `state::cumulative`), and the report printed is that total. Here: the settings
//! a total depends on ([`settings`]), the check that a run uses the ones its state's total
//! was made with, and the merge of a run into the state before it is written
//! ([`Keep::fold`]). Called from the `--state` run (state.rs).
//!
//! A run that writes Prometheus text keeps a total too, and renders it there
//! ([`Keep::prometheus_total`]): counters a scraper reads must only grow from one cron
//! run to the next, while the run's other outputs show what it read. The total is the
//! state's merge of each run's aggregate, so this costs no second pass over the input.

use crate::args::{Output, ReportArgs};
use crate::{exit, term};
use axlog_engine::state::State;
use axlog_engine::state::cumulative::{Cumulative, Span, this_host};
use axlog_engine::{Config, Outcome, SourceLines};
use axlog_stats::{StatsConfig, Summary};
use std::fmt::Display;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// `--cumulative[=WINDOW]`: which part of the total a report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum WindowArg {
    /// Everything since the state began.
    Total,
    /// The current log hour and the whole one before it.
    #[value(name = "1h")]
    Hour,
    /// The current log hour and the 24 whole ones before it.
    #[value(name = "24h")]
    Day,
    /// The log hours since midnight in `--tz`.
    Today,
}

impl WindowArg {
    /// The engine's span for this window, midnight taken in `tz`.
    pub(crate) fn span(self, tz: &axlog_format::Zone) -> Span {
        match self {
            WindowArg::Total => Span::Total,
            WindowArg::Hour => Span::Hours(1),
            WindowArg::Day => Span::Hours(24),
            WindowArg::Today => Span::Today(tz.clone()),
        }
    }
}

/// `--cumulative` reads a state's total: it needs `--state` or `--from-state` (exit 2
/// otherwise).
pub(crate) fn check_flag(args: &ReportArgs) -> Option<ExitCode> {
    if args.cumulative.is_some() && args.state.is_none() && args.from_state.is_empty() {
        term::warn("--cumulative reports a state's total: give --state FILE or --from-state");
        return Some(ExitCode::from(exit::USAGE));
    }
    None
}

/// The settings a cumulative total depends on, one `--flag=value` a line: runs (and
/// states merged by `--from-state`) with other settings would add up figures of other
/// tables or other requests. Readable, so a mismatch can say which flag differs. What only
/// changes how a report is shown (`--top`, `--sort`, `--output`, `--gap`) is not in it.
pub(crate) fn settings(args: &ReportArgs) -> String {
    fn opt(v: Option<impl Display>) -> String {
        v.map_or_else(|| "none".to_string(), |v| v.to_string())
    }
    fn list<T>(v: &[T], f: impl Fn(&T) -> String) -> String {
        match v {
            [] => "none".to_string(),
            v => v.iter().map(f).collect::<Vec<_>>().join(" "),
        }
    }
    let f = &args.format;
    let s = &args.series;
    let e = &args.endpoints;
    let w = &args.filters;
    let time = |t: &Option<axlog_engine::filter::TimeArg>| opt(t.map(|t| format!("{t:?}")));
    let lines: [(&str, String); 21] = [
        (
            "format",
            f.format.0.map_or("auto", |p| p.name()).to_string(),
        ),
        (
            "log-format",
            opt(f.log_format.as_ref().map(|v| format!("{v:?}"))),
        ),
        (
            "json-fields",
            opt(f.json_fields.as_ref().map(|v| format!("{v:?}"))),
        ),
        (
            "nginx-conf",
            opt(f.nginx_conf.as_ref().map(|p| p.display())),
        ),
        ("log-format-name", opt(f.log_format_name.as_ref())),
        ("tz", f.tz.name()),
        ("one-tier", args.one_tier.to_string()),
        ("source-by-host", args.source_by_host.to_string()),
        ("by", list(&args.by, ToString::to_string)),
        ("bucket", opt(s.bucket.map(|b| format!("{b}s")))),
        ("series-by", opt(s.series_by.as_ref())),
        ("max-series-keys", s.max_series_keys.to_string()),
        ("max-paths", args.max_paths.to_string()),
        ("max-path-bytes", args.max_path_bytes.to_string()),
        (
            "endpoint-rule",
            list(&e.endpoint_rule, |r| format!("{:?}", r.spec())),
        ),
        (
            "endpoint-rules",
            list(&e.endpoint_rules, |p| {
                format!("{:?}", p.display().to_string())
            }),
        ),
        (
            "no-default-endpoint-rules",
            e.no_default_endpoint_rules.to_string(),
        ),
        ("since", time(&w.since)),
        ("until", time(&w.until)),
        ("where", opt(w.where_.as_ref().map(|v| format!("{v:?}")))),
        ("exclude-bots", w.exclude_bots.to_string()),
    ];
    lines
        .iter()
        .map(|(k, v)| format!("--{k}={v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The flags whose values differ between two [`settings`], each as `--flag: A, B`.
pub(crate) fn differences(a: &str, b: &str) -> Vec<String> {
    let split = |s: &str| -> Vec<(String, String)> {
        s.lines()
            .map(|l| match l.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (l.to_string(), String::new()),
            })
            .collect()
    };
    let (a, b) = (split(a), split(b));
    let mut out = Vec::new();
    for (k, va) in &a {
        match b.iter().find(|(kb, _)| kb == k) {
            Some((_, vb)) if vb == va => {}
            Some((_, vb)) => out.push(format!("{k}: {va}, {vb}")),
            None => out.push(format!("{k}: {va}, not recorded")),
        }
    }
    for (k, vb) in b.iter().filter(|(k, _)| !a.iter().any(|(ka, _)| ka == k)) {
        out.push(format!("{k}: not recorded, {vb}"));
    }
    out
}

/// What a `--state` run does with the state's total.
pub(crate) struct Keep {
    settings: String,
    /// The state has a total, or `--cumulative` starts one: the run's aggregate is kept.
    keep: bool,
    /// `--cumulative[=WINDOW]`: the total (or that window of it) is the report printed.
    print: Option<Span>,
    /// `--parquet`: a failed read is read again whole (its rows were discarded).
    parquet: bool,
    /// The run writes Prometheus text, which renders the total.
    prometheus: bool,
    stats: StatsConfig,
    endpoint_rules: Arc<axlog_parquet::endpoint::Rules>,
}

impl Keep {
    /// Checks the run against `stored` (a total made with other settings cannot take this
    /// run's figures: exit 2, naming what differs), and sets `cfg` to keep the run's
    /// aggregate when there is a total to add it to.
    pub(crate) fn check(
        args: &ReportArgs,
        path: &Path,
        stored: &State,
        cfg: &mut Config,
    ) -> Result<Keep, ExitCode> {
        let settings = settings(args);
        // A state without a total keeps offsets only, which any settings may go on from.
        if stored.cumulative.is_some() && stored.settings != settings {
            let diff = differences(&stored.settings, &settings);
            term::warn(format_args!(
                "{}: its cumulative total was made with other settings (then, now): {}; \
                 run with the same ones, or start a new total: remove the state or use \
                 another one",
                path.display(),
                diff.join("; ")
            ));
            return Err(ExitCode::from(exit::USAGE));
        }
        let prometheus = writes_prometheus(args);
        let keep = args.cumulative.is_some() || stored.cumulative.is_some() || prometheus;
        cfg.keep_aggregate = keep;
        cfg.keep_hours = keep;
        Ok(Keep {
            settings,
            keep,
            print: args.cumulative.map(|w| w.span(&args.format.tz)),
            parquet: args.parquet.is_some(),
            prometheus,
            stats: cfg.stats,
            endpoint_rules: cfg.endpoint_rules.clone(),
        })
    }

    /// Whether the run's statistics join a total (which then takes the run's aggregate).
    pub(crate) fn keeps_total(&self) -> bool {
        self.keep
    }

    /// Whether the report shown is the total (`--cumulative`), not the run's.
    pub(crate) fn prints_total(&self) -> bool {
        self.print.is_some()
    }

    /// The total shown (after [`Keep::fold`]) with every row of its tables listed, for
    /// `--fail-if ... by DIM`.
    pub(crate) fn total_all_rows(&self, next: &State) -> Option<Summary> {
        let span = self.print.as_ref()?;
        let total = next.cumulative.as_ref()?;
        let mut stats = self.stats;
        stats.top_n = crate::failif::ALL_ROWS;
        Some(total.window_summary(span, &stats, &self.endpoint_rules))
    }

    /// The state's whole total (after [`Keep::fold`]), for the Prometheus output of a run
    /// that shows another report (its window, or `--cumulative=1h|24h|today`); `None`
    /// when the run writes no Prometheus text or already shows the total.
    pub(crate) fn prometheus_total(&self, next: &State) -> Option<Summary> {
        if !self.prometheus || matches!(self.print, Some(Span::Total)) {
            return None;
        }
        let total = next.cumulative.as_ref()?;
        Some(total.window_summary(&Span::Total, &self.stats, &self.endpoint_rules))
    }

    /// Records the run's settings and host in the state to write and merges the run's
    /// statistics into its total; with `--cumulative`, the total's report, to print
    /// instead of the run's.
    pub(crate) fn fold(&self, next: &mut State, outcome: &mut Outcome) -> Option<Summary> {
        next.settings.clone_from(&self.settings);
        next.host = this_host();
        if self.keep
            && let Some(tiered) = outcome.aggregate.take()
        {
            let sources: Vec<SourceLines> = outcome.runs.iter().map(SourceLines::of).collect();
            // With Parquet, a failed read's rows are discarded and the state leaves it
            // where it began, so the next run reads it again: what it gave before failing
            // is in this total once more then. Without, the state commits what it parsed.
            let again = outcome
                .runs
                .iter()
                .filter(|r| self.parquet && r.error.is_some());
            for run in again {
                term::warn(format_args!(
                    "{}: read again by the next run, its lines read before the error count \
                     twice in the cumulative total",
                    run.id.name
                ));
            }
            let hours = std::mem::take(&mut outcome.hours);
            next.cumulative
                .get_or_insert_with(Cumulative::default)
                .add_run_hours(&sources, tiered, hours);
        }
        let span = self.print.as_ref()?;
        let total = next.cumulative.as_ref()?;
        Some(total.window_summary(span, &self.stats, &self.endpoint_rules))
    }
}

/// Whether the run writes Prometheus text: a `.prom` file, or standard output in
/// `--output prometheus` (written when `-o` names no file, or names `-`).
pub(crate) fn writes_prometheus(args: &ReportArgs) -> bool {
    let is_stdout = |p: &Path| p.as_os_str() == "-";
    let prom_file = args.output_files.iter().any(|p| {
        !is_stdout(p)
            && p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("prom"))
    });
    let stdout = args.output_files.is_empty() || args.output_files.iter().any(|p| is_stdout(p));
    prom_file || (stdout && matches!(args.output, Output::Prometheus))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_each_flag_that_changed() {
        let a = "--by=none\n--tz=UTC\n--where=none";
        let b = "--by=endpoint\n--tz=UTC\n--where=\"status>=500\"";
        assert_eq!(
            differences(a, b),
            ["--by: none, endpoint", "--where: none, \"status>=500\""]
        );
        assert!(differences(a, a).is_empty());
        assert_eq!(
            differences("--tz=UTC", "--tz=UTC\n--bucket=60s"),
            ["--bucket: not recorded, 60s"]
        );
    }
}
