//! `report --from-state A.state B.state …`: one report from the cumulative totals of
//! several states (each web server runs `report --state … --cumulative` from cron, and
//! one job merges their states), as one run over all their logs in the same order would
//! give it (design §4). No log is read. The states are only read, without their locks: a
//! state is replaced whole by a rename, so a reader sees the old one or the new one.

use crate::args::ReportArgs;
use crate::cumulative::differences;
use crate::report::{config, print_summary};
use crate::{exit, term};
use axlog_engine::state::cumulative::Cumulative;
use axlog_engine::state::{self, State};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Renders the merged totals of `args.from_state`, in the order given.
pub(crate) fn report_from_states(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    if !args.files.is_empty() {
        term::warn("--from-state reads the totals of states, not logs: give no inputs with it");
        return Ok(ExitCode::from(exit::USAGE));
    }
    let ignored = ignored_flags(args);
    if !ignored.is_empty() {
        term::warn(format_args!(
            "--from-state renders totals already made: {} would change nothing; the \
             states' runs decided them",
            ignored.join(", ")
        ));
        return Ok(ExitCode::from(exit::USAGE));
    }
    let mut states: Vec<(&PathBuf, State)> = Vec::new();
    for path in &args.from_state {
        match load(path) {
            Ok(s) => states.push((path, s)),
            Err(msg) => {
                term::warn(msg);
                return Ok(ExitCode::from(exit::USAGE));
            }
        }
    }
    // Totals of other settings hold other tables (or other requests): not addable.
    if let Some((first, rest)) = states.split_first() {
        for (path, s) in rest {
            let diff = differences(&first.1.settings, &s.settings);
            if !diff.is_empty() {
                term::warn(format_args!(
                    "{} and {}: totals made with other settings ({}, {}): {}",
                    first.0.display(),
                    path.display(),
                    first.0.display(),
                    path.display(),
                    diff.join("; ")
                ));
                return Ok(ExitCode::from(exit::USAGE));
            }
        }
    }
    // Two hosts' `/var/log/nginx/access.log` are two rows: named after their host when
    // the states come from more than one.
    let by_host = states.iter().any(|(_, s)| s.host != states[0].1.host);
    let mut total = Cumulative::default();
    for (path, s) in &states {
        // A state that does not know its host is named by its file.
        let host = match s.host.as_str() {
            "" => path.display().to_string(),
            h => h.to_string(),
        };
        if let Some(c) = &s.cumulative {
            total.add_cumulative(c, by_host.then_some(host.as_str()));
        }
    }
    let cfg = config(args)?;
    let span = args
        .cumulative
        .unwrap_or(crate::cumulative::WindowArg::Total)
        .span(&args.format.tz);
    let mut summary = total.window_summary(&span, &cfg.stats, &cfg.endpoint_rules);
    // `--fail-if ... by DIM`: every row of the totals' tables, not only those shown.
    let rows = (!crate::failif::dimensions(&args.fail_if).is_empty()).then(|| {
        let mut stats = cfg.stats;
        stats.top_n = crate::failif::ALL_ROWS;
        total.window_summary(&span, &stats, &cfg.endpoint_rules)
    });
    let fired = match crate::failif::apply(&args.fail_if, &mut summary, rows.as_ref(), &[]) {
        Ok(fired) => fired,
        Err(msg) => {
            term::warn(msg);
            return Ok(ExitCode::from(exit::USAGE));
        }
    };
    print_summary(&mut summary, args)?;
    crate::failif::announce(&fired);
    Ok(ExitCode::from(crate::failif::code(&fired)))
}

/// The flags given that decide what a run reads or counts: a total is already counted,
/// so they would be ignored (`--top`, `--sort`, `--output` and `--tz`, which only change
/// how it is shown, are not among them).
fn ignored_flags(args: &ReportArgs) -> Vec<&'static str> {
    let f = &args.filters;
    let l = &args.format;
    [
        ("--since", f.since.is_some()),
        ("--until", f.until.is_some()),
        ("--where", f.where_.is_some()),
        ("--exclude-bots", f.exclude_bots),
        ("--source-label", !args.source_label.is_empty()),
        ("--by", !args.by.is_empty()),
        ("--format", l.format.0.is_some()),
        ("--log-format", l.log_format.is_some()),
        ("--json-fields", l.json_fields.is_some()),
        ("--nginx-conf", l.nginx_conf.is_some()),
        ("--log-format-name", l.log_format_name.is_some()),
        ("--one-tier", args.one_tier),
        ("--source-by-host", args.source_by_host),
    ]
    .into_iter()
    .filter_map(|(name, given)| given.then_some(name))
    .collect()
}

/// The state at `path`, which must exist and keep a total of `axlog report`.
fn load(path: &Path) -> Result<State, String> {
    // `state::load` takes a missing file for a first run's empty state: here it is a
    // mistake in the arguments.
    if let Err(e) = std::fs::metadata(path) {
        return Err(format!("{}: cannot read the state: {e}", path.display()));
    }
    let s = state::load(path).map_err(|e| e.to_string())?;
    if s.command != "report" || s.cumulative.is_none() {
        return Err(format!(
            "{}: keeps no cumulative total (made by `axlog report --state FILE --cumulative`)",
            path.display()
        ));
    }
    Ok(s)
}
