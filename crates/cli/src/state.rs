//! `report --state FILE` and `convert --state FILE`: a run that reads only what earlier
//! runs with the same state did not (issue 18, design §1.2). Lock, load, undo the Parquet
//! files of a run that died before committing (`STATE.pending`), group the inputs into
//! rotated sets, resolve them against the state into byte ranges, read those ranges,
//! commit how far each read got (`settle`), print the report with the window it covered
//! (`window`), publish the Parquet files (journaled first), then write the state. Plain
//! files are advanced to the end of their last complete line; an archive to its decoded
//! end, and is then done; a read that failed part-way to the end of what it parsed
//! without a break.

use crate::args::ReportArgs;
use crate::progress::with_progress;
use crate::run::failures_code;
use crate::{exit, term};
use axlog_engine::state::resolve::{Gap, GapKind, Resolution};
use axlog_engine::state::settle::ReadEnd;
use axlog_engine::state::{self, fault, journal, lock, members};
use axlog_engine::{Config, Outcome, Outputs, SourceError};
use axlog_input::{ByteRange, Compression, InputError, Source};
use axlog_parquet::{Output, Resume, Span};
use axlog_stats::summary::{FileRange, GapInfo, Window};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// What differs between the commands that keep a state: a state belongs to one command
/// (`report` and `convert` follow other outputs and must not share one).
pub(crate) struct Command<'a> {
    pub(crate) name: &'static str,
    pub(crate) quiet: bool,
    /// The rejects file, for the failures' messages.
    pub(crate) rejects: Option<&'a Path>,
    /// `report`'s arguments: its total (`--cumulative`) is kept in the state.
    pub(crate) report: Option<&'a ReportArgs>,
    /// `--state-reset`: the state is removed (under its lock) before the run.
    pub(crate) reset: bool,
}

/// The inputs of one rotated set as named on the command line.
pub(crate) struct Named {
    pub(crate) dir: PathBuf,
    pub(crate) base: String,
    pub(crate) label: String,
    pub(crate) paths: Vec<PathBuf>,
}

/// Runs `report` over what is new since the state at `state_path` was written, then
/// writes the state. `cfg` is the report's configuration without labels or ranges.
pub(crate) fn report_with_state(
    args: &ReportArgs,
    state_path: &Path,
    sources: &[Source],
    labels: &[String],
    cfg: Config,
    outputs: Outputs,
) -> anyhow::Result<ExitCode> {
    let command = Command {
        name: "report",
        quiet: args.quiet,
        rejects: args.rejects.path.as_deref(),
        report: Some(args),
        reset: args.state_reset,
    };
    run_with_state(
        &command,
        state_path,
        sources,
        labels,
        cfg,
        outputs,
        |o, totals, rows| {
            // `--cumulative` prints the total; the run's own summary still decides the
            // exit code of its inputs, and the total shown the thresholds'.
            let Totals {
                shown: mut total,
                prometheus,
            } = totals;
            let shown = match total.as_mut() {
                Some(t) => t,
                None => &mut o.summary,
            };
            let fired = crate::failif::apply(&args.fail_if, shown, rows.as_ref(), &[])
                .map_err(anyhow::Error::msg)?;
            match prometheus {
                // The Prometheus text renders the state's total (cumulative.rs), with the
                // thresholds this run checked.
                Some(mut prom) => {
                    prom.thresholds.clone_from(&shown.thresholds);
                    crate::series::localize(&mut prom, &args.format.tz);
                    crate::series::localize(shown, &args.format.tz);
                    crate::outputs::write_with(shown, Some(&prom), args)?;
                }
                None => crate::report::print_summary(shown, args)?,
            }
            crate::failif::announce(&fired);
            Ok(crate::failif::code(&fired))
        },
    )
}

/// The state's totals a `report --state` run renders besides its own summary.
#[derive(Default)]
pub(crate) struct Totals {
    /// `--cumulative`'s: shown instead of the run's summary.
    pub(crate) shown: Option<axlog_stats::Summary>,
    /// The whole total, for the Prometheus output, when `shown` is not it.
    pub(crate) prometheus: Option<axlog_stats::Summary>,
}

/// Runs `command` over what is new since the state at `state_path` was written, shows
/// its outcome with `render`, then writes the state. `render` gets the outcome, the
/// state's [`Totals`] to show instead of the run's summary, and, for `--fail-if ... by`,
/// what is shown again with every row of its tables; it returns the code of what it
/// found (`--fail-if`'s 3), weighed with the run's own.
pub(crate) fn run_with_state(
    command: &Command<'_>,
    state_path: &Path,
    sources: &[Source],
    labels: &[String],
    mut cfg: Config,
    mut outputs: Outputs,
    render: impl FnOnce(&mut Outcome, Totals, Option<axlog_stats::Summary>) -> anyhow::Result<u8>,
) -> anyhow::Result<ExitCode> {
    let command_name = command.name;
    // The lock is held until this function returns: the state is written under it.
    let (_lock, stored) = match open(state_path, sources, command_name, command.reset) {
        Ok(opened) => opened,
        Err(code) => return Ok(ExitCode::from(code)),
    };
    // `report`'s total (`--cumulative`): checked against the state's settings.
    let keep = match command.report {
        Some(args) => match crate::cumulative::Keep::check(args, state_path, &stored, &mut cfg) {
            Ok(k) => Some(k),
            Err(code) => return Ok(code),
        },
        None => None,
    };
    // `--fail-if ... by DIM` checks every row: the run's aggregate is kept for them.
    let all_rows = command
        .report
        .is_some_and(|a| !crate::failif::dimensions(&a.fail_if).is_empty());
    cfg.keep_aggregate |= all_rows;
    let (stats, rules) = (cfg.stats, cfg.endpoint_rules.clone());
    if let Err(code) = undo_unfinished(state_path, stored.generation) {
        return Ok(ExitCode::from(code));
    }
    let mut sets = Vec::new();
    for named in group(sources, labels) {
        let Some(first) = named.paths.first() else {
            continue;
        };
        match members::members_of(first, named.label, &named.paths) {
            Ok(set) => sets.push(set),
            Err(e) => {
                // Nothing is read and the state is left as it was: the next run retries.
                term::warn(e);
                return Ok(ExitCode::from(exit::FAILED));
            }
        }
    }
    let mut res = state::resolve::resolve(&stored, &sets);
    fault::hit(fault::Point::AfterResolve);
    drop(sets);
    let parquet = match outputs.parquet.take() {
        Some(out) => Some(named_by_reads(&out, &res)?),
        None => None,
    };
    outputs.parquet = parquet.clone();

    let read_sources: Vec<Source> = res
        .reads
        .iter()
        .map(|r| Source::Path(r.path.clone()))
        .collect();
    // Every member of a set under the set's label: one row whatever rotated.
    cfg.labels = res
        .reads
        .iter()
        .map(|r| {
            res.next
                .sets
                .get(r.set)
                .map_or_else(|| r.path.display().to_string(), |s| s.label.clone())
        })
        .collect();
    cfg.ranges = res
        .reads
        .iter()
        .map(|r| {
            Some(ByteRange {
                start: r.start,
                end: r.end,
                lines_before: r.lines_before,
            })
        })
        .collect();
    let show = !command.quiet && std::io::stderr().is_terminal();
    let mut outcome = with_progress(show, &read_sources, cfg, |cfg| {
        axlog_engine::report(&read_sources, cfg, outputs)
    });
    // Every row of the run's tables, before its statistics join the total (which takes
    // them); of the total's, after.
    let prints_total = keep.as_ref().is_some_and(|k| k.prints_total());
    let mut rows = None;
    if all_rows && !prints_total {
        let take = !keep.as_ref().is_some_and(|k| k.keeps_total());
        rows = crate::failif::all_rows(&mut outcome, &stats, &rules, take);
    }
    // The run's statistics join the state's total before the state is written.
    let total = keep
        .as_ref()
        .and_then(|k| k.fold(&mut res.next, &mut outcome));
    if all_rows && prints_total {
        rows = keep.as_ref().and_then(|k| k.total_all_rows(&res.next));
    }
    // Kept for `publish`: a failed read's entry goes back to what it was.
    let before = parquet.as_ref().map(|_| res.next.clone());
    settle(&mut res, &outcome.runs);
    let window = window(&res, &outcome.runs, &outcome.summary);
    outcome.summary.window = Some(window.clone());
    let prometheus = keep.as_ref().and_then(|k| k.prometheus_total(&res.next));
    let with_window = |mut t: axlog_stats::Summary| {
        t.window = Some(window.clone());
        t
    };
    let totals = Totals {
        shown: total.map(with_window),
        prometheus: prometheus.map(with_window),
    };
    let found = render(&mut outcome, totals, rows)?;
    sync_stdout();
    fault::hit(fault::Point::AfterReport);

    res.next.command = command_name.to_string();
    let mut code = exit::worst(&[failures_code(&outcome, command.rejects), found]);
    let published = match (&parquet, &before) {
        (Some(out), Some(before)) => publish(state_path, out, &mut res, before, &outcome),
        _ => Ok(()),
    };
    if let Err(e) = published {
        // The state is not written: the next run undoes what was published and reads
        // the same bytes again.
        term::warn(e);
        return Ok(ExitCode::from(exit::FAILED));
    }
    fault::hit(fault::Point::BeforeStateRename);
    let written = state::write_atomic(state_path, &res.next);
    fault::hit(fault::Point::AfterStateRename);
    match written {
        Ok(()) => {
            // The state accounts for the files now; a journal left (removal failed) is
            // not newer than it, and is removed by the next run without effect.
            if let Err(e) = journal::remove(state_path) {
                term::warn(e);
            }
        }
        Err(e) => {
            term::warn(e);
            code = exit::FAILED;
        }
    }
    // Reported after the report, and once: the state written no longer holds them.
    for g in &res.gaps {
        term::warn(gap_message(g));
    }
    if !res.gaps.is_empty() && code != exit::FAILED {
        code = exit::GAP;
    }
    Ok(ExitCode::from(code))
}

/// Deletes the Parquet files of a run that published them and died before writing the
/// state (its journal is newer than the state), then the journal. `Err`: the exit code.
fn undo_unfinished(state_path: &Path, generation: u64) -> Result<(), u8> {
    match journal::recover(state_path, generation) {
        Ok(deleted) => {
            let parquet = deleted
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
                .count();
            if parquet > 0 {
                let files = if parquet == 1 { "file" } else { "files" };
                term::warn(format_args!(
                    "{}: removed {parquet} Parquet {files} of a run that ended before \
                     saving the state; their lines are read again",
                    state_path.display()
                ));
            }
            Ok(())
        }
        Err(e @ journal::JournalError::Corrupt { .. }) => {
            term::warn(e);
            Err(exit::USAGE)
        }
        Err(e) => {
            term::warn(e);
            Err(exit::FAILED)
        }
    }
}

/// The Parquet output of a `--state` run: as `out`, with each read's files named by its
/// source's fingerprint and range, and published by [`publish`] rather than at the end of
/// the engine's run.
fn named_by_reads(out: &Output, res: &Resolution) -> anyhow::Result<Arc<Output>> {
    let spans = res
        .reads
        .iter()
        .map(|r| {
            let span = Span {
                fp: r.fp.hash,
                start: r.start,
                end: r.end,
            };
            (Source::Path(r.path.clone()).name(), span)
        })
        .collect();
    let mut opts = out.options().clone();
    opts.resume = Some(Resume { spans });
    let dir = opts.dir.clone();
    Output::create(opts)
        .map_err(|e| anyhow::anyhow!("cannot write Parquet to {}: {e}", dir.display()))
}

/// Publishes a `--state` run's Parquet files: a read that failed has its files removed and
/// stays unread in the state (its rows are written by the run that reads it whole); the
/// others' final names are journaled, then given. `Err`: the state must not be written.
fn publish(
    state_path: &Path,
    out: &Output,
    res: &mut Resolution,
    before: &state::State,
    outcome: &Outcome,
) -> anyhow::Result<()> {
    if !outcome.parquet_errors.is_empty() {
        // The engine removed every file of the run; the errors are already said.
        anyhow::bail!("no Parquet file written: the state is left as it was");
    }
    for (k, run) in outcome.runs.iter().enumerate() {
        let Some(read) = res.reads.get(k).cloned() else {
            continue;
        };
        if run.error.is_none() {
            continue;
        }
        let prefix = format!("part-{:016x}-{:012}-", read.fp.hash, read.start);
        out.discard_where(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        });
        // Back to what the resolver made of it: `settle` committed what the read parsed,
        // but its rows are discarded, so the next run reads all of it again.
        if let Some(entry) = res
            .next
            .sets
            .get_mut(read.set)
            .and_then(|s| s.files.get_mut(read.file))
            && let Some(was) = before
                .sets
                .get(read.set)
                .and_then(|s| s.files.get(read.file))
        {
            *entry = was.clone();
            entry.offset = read.start;
            entry.lines = read.lines_before;
            entry.done = false;
        }
    }
    fault::hit(fault::Point::AfterParquetStaged);
    // Absolute: the next run may start in another directory.
    let files: Vec<PathBuf> = out
        .staged()
        .into_iter()
        .map(|p| std::path::absolute(&p).unwrap_or(p))
        .collect();
    if !files.is_empty() {
        let pending = journal::Pending::new(res.next.generation, files.clone());
        journal::write(state_path, &pending)?;
    }
    fault::hit(fault::Point::AfterJournal);
    out.publish()?;
    let read_whole: Vec<String> = res
        .reads
        .iter()
        .zip(&outcome.runs)
        .filter(|(_, run)| run.error.is_none())
        .map(|(r, _)| format!(".part-{:016x}-{:012}-", r.fp.hash, r.start))
        .collect();
    sweep_leftovers(&files, &read_whole);
    fault::hit(fault::Point::AfterParquetPublish);
    Ok(())
}

/// Removes the staging files a run that died before its journal left (hidden, never
/// read, but never removed either): that run read from the same starts as this one (the
/// state was not advanced), so its rows fell in the partitions this run just wrote, under
/// temporary names `prefixes` start. Run after this run's files are published, so none
/// of its own temporary names is left; under the lock, no other run of the state writes.
fn sweep_leftovers(files: &[PathBuf], prefixes: &[String]) {
    let dirs: std::collections::BTreeSet<&Path> = files.iter().filter_map(|f| f.parent()).collect();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".parquet.tmp")
                && prefixes.iter().any(|p| name.starts_with(p.as_str()))
            {
                // Best effort: a leftover is hidden from readers either way.
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Opens the state at `state_path` for a run of `command` over `sources`: refuses standard
/// input, takes the lock (held: exit 4), removes the state first with `reset`, loads it
/// and checks it is `command`'s. `Err`: the exit code, the reason said on stderr.
pub(crate) fn open(
    state_path: &Path,
    sources: &[Source],
    command: &str,
    reset_first: bool,
) -> Result<(lock::StateLock, state::State), u8> {
    if sources.iter().any(|s| matches!(s, Source::Stdin)) {
        term::warn("--state reads files: standard input has no offset to resume from");
        return Err(exit::USAGE);
    }
    let held = match lock::lock(state_path) {
        Ok(l) => l,
        Err(e @ lock::LockError::Held { .. }) => {
            term::warn(e);
            return Err(exit::LOCKED);
        }
        Err(e) => {
            term::warn(e);
            return Err(exit::USAGE);
        }
    };
    fault::hit(fault::Point::AfterLock);
    fault::hit(fault::Point::HoldLock);
    if reset_first && let Err(e) = reset(state_path) {
        term::warn(e);
        return Err(exit::FAILED);
    }
    let stored = match state::load(state_path) {
        Ok(s) => s,
        Err(e) => {
            term::warn(e);
            return Err(exit::USAGE);
        }
    };
    if !stored.command.is_empty() && stored.command != command {
        term::warn(format_args!(
            "{}: the state of `axlog {}`, not of `axlog {command}`",
            state_path.display(),
            stored.command
        ));
        return Err(exit::USAGE);
    }
    Ok((held, stored))
}

/// A report redirected to a file is on disk before the state says its lines were
/// reported (design §1.2): else a power cut could keep the state and lose the report.
/// Pipes and terminals have nothing to sync; errors are left to the write's own checks.
fn sync_stdout() {
    use std::os::fd::AsFd;
    let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() else {
        return;
    };
    let file = std::fs::File::from(fd);
    if file.metadata().is_ok_and(|m| m.is_file()) {
        let _ = file.sync_all();
    }
}

/// `--state-reset`: removes the state (the lock is held), so the run is a first run.
/// Its lock file stays: another run may be waiting on it.
pub(crate) fn reset(state_path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(state_path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(anyhow::anyhow!(
            "{}: cannot remove the state: {e}",
            state_path.display()
        )),
        _ => Ok(()),
    }
}

/// The inputs grouped by rotated set (directory and base name), in the order first
/// named; each set's label is its live file's (the one named as the base), else the
/// first named member's.
pub(crate) fn group(sources: &[Source], labels: &[String]) -> Vec<Named> {
    let mut sets: Vec<Named> = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let Source::Path(p) = src else { continue };
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let base = members::base_of(&name).to_string();
        let label = labels.get(i).cloned().unwrap_or_else(|| src.name());
        match sets.iter_mut().find(|s| s.dir == dir && s.base == base) {
            Some(s) => {
                if name == base {
                    s.label = label;
                }
                s.paths.push(p.clone());
            }
            None => sets.push(Named {
                dir,
                base,
                label,
                paths: vec![p.clone()],
            }),
        }
    }
    sets
}

/// Records what each read did in the state to write, and the gaps it met
/// ([`Resolution::settle`]). A read that went to its end fills its range (an archive to
/// its decoded end: it is then done). A read that failed part-way adds what it parsed: a
/// stream is read in order, so that is exactly what was handed out (design §2.2); a split
/// file's workers may have parsed chunks past the one that failed, which the state keeps
/// as skipped ranges, the next run reading the hole only (§2.3). An archive that could
/// not be decoded further is damaged: done, and the rest of it a gap.
fn settle(res: &mut Resolution, runs: &[axlog_engine::SourceRun]) {
    let ends: Vec<ReadEnd> = res
        .reads
        .iter()
        .zip(runs)
        .map(|(read, run)| match &run.error {
            None => ReadEnd::Whole {
                end: read.end.unwrap_or_else(|| run.end()),
                lines: run.lines,
            },
            Some(e) => ReadEnd::Failed {
                parsed: run.parsed.clone(),
                damaged: read.compression != Compression::None
                    && matches!(e, SourceError::Input(InputError::Read { .. })),
            },
        })
        .collect();
    res.settle(&ends);
}

/// What the run covered, for the report (design §3): each span of a file it parsed,
/// the log time of its requests (UTC; `--tz` shows them in its zone), and its gaps.
fn window(
    res: &Resolution,
    runs: &[axlog_engine::SourceRun],
    summary: &axlog_stats::Summary,
) -> Window {
    let mut files = Vec::new();
    for (read, run) in res.reads.iter().zip(runs) {
        for span in run.parsed.iter().filter(|s| s.end > s.start) {
            files.push(FileRange {
                path: read.path.display().to_string(),
                fingerprint: format!("{:016x}", read.fp.hash),
                compression: read.compression.name().to_string(),
                start: span.start,
                end: span.end,
                lines: span.lines,
            });
        }
    }
    let gaps = res
        .gaps
        .iter()
        .map(|g| GapInfo {
            path: g.path.display().to_string(),
            bytes_at_least: g.bytes_at_least,
            why: gap_name(g.why).to_string(),
        })
        .collect();
    Window {
        generation: res.next.generation,
        partial: false,
        log_first: summary.time.as_ref().map(|t| t.first.utc.clone()),
        log_last: summary.time.as_ref().map(|t| t.last.utc.clone()),
        files,
        gaps,
    }
}

/// A gap's kind as the report's JSON names it.
fn gap_name(why: GapKind) -> &'static str {
    match why {
        GapKind::Gone => "deleted",
        GapKind::Replaced => "replaced",
        GapKind::Shrunk => "shrunk",
        GapKind::Damaged => "damaged",
    }
}

/// One gap's line on stderr.
pub(crate) fn gap_message(g: &Gap) -> String {
    let why = match g.why {
        GapKind::Gone => "deleted before it was read to its end",
        GapKind::Replaced => "replaced by another file before it was read to its end",
        GapKind::Shrunk => "now shorter than what was already read",
        GapKind::Damaged => "a damaged archive, not decodable past its read error",
    };
    format!(
        "{}: gap: at least {} bytes never read: {why}",
        g.path.display(),
        g.bytes_at_least
    )
}
