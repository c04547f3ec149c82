//! `report --state FILE`: a run that reads only what earlier runs with the same state did
//! not (issue 18, design §1.2). Lock, load, group the inputs into rotated sets, resolve
//! them against the state into byte ranges, read those ranges, print the report, then
//! commit how far each read got. Plain files are advanced to the end of their last
//! complete line; an archive member is read whole and is then done (the resolver marks
//! it so), its decoded size not being known to the run.

use crate::args::ReportArgs;
use crate::progress::with_progress;
use crate::run::failures_code;
use crate::{exit, term};
use axlog_engine::state::resolve::{Gap, GapKind, Resolution};
use axlog_engine::state::{self, fault, lock, members};
use axlog_engine::{Config, Outputs};
use axlog_input::{ByteRange, Source};
use axlog_stats::summary::{FileRange, GapInfo, Window};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The command a state belongs to: a state written by another command (a future
/// `convert --state`) follows other outputs and must not be shared.
const COMMAND: &str = "report";

/// The inputs of one rotated set as named on the command line.
struct Named {
    dir: PathBuf,
    base: String,
    label: String,
    paths: Vec<PathBuf>,
}

/// Runs `report` over what is new since the state at `state_path` was written, then
/// writes the state. `cfg` is the report's configuration without labels or ranges.
pub(crate) fn report_with_state(
    args: &ReportArgs,
    state_path: &Path,
    sources: &[Source],
    labels: &[String],
    mut cfg: Config,
    outputs: Outputs,
) -> anyhow::Result<ExitCode> {
    if sources.iter().any(|s| matches!(s, Source::Stdin)) {
        term::warn("--state reads files: standard input has no offset to resume from");
        return Ok(ExitCode::from(exit::USAGE));
    }
    // Held until this function returns: the state is written under it.
    let _lock = match lock::lock(state_path) {
        Ok(l) => l,
        Err(e @ lock::LockError::Held { .. }) => {
            term::warn(e);
            return Ok(ExitCode::from(exit::LOCKED));
        }
        Err(e) => {
            term::warn(e);
            return Ok(ExitCode::from(exit::USAGE));
        }
    };
    fault::hit(fault::Point::AfterLock);
    fault::hit(fault::Point::HoldLock);
    if args.state_reset
        && let Err(e) = reset(state_path)
    {
        term::warn(e);
        return Ok(ExitCode::from(exit::FAILED));
    }
    let stored = match state::load(state_path) {
        Ok(s) => s,
        Err(e) => {
            term::warn(e);
            return Ok(ExitCode::from(exit::USAGE));
        }
    };
    if !stored.command.is_empty() && stored.command != COMMAND {
        term::warn(format_args!(
            "{}: the state of `axlog {}`, not of `axlog {COMMAND}`",
            state_path.display(),
            stored.command
        ));
        return Ok(ExitCode::from(exit::USAGE));
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
    let show = !args.quiet && std::io::stderr().is_terminal();
    let mut outcome = with_progress(show, &read_sources, cfg, |cfg| {
        axlog_engine::report(&read_sources, cfg, outputs)
    });
    settle(&mut res, &outcome.runs);
    outcome.summary.window = Some(window(&res, &outcome.runs, &outcome.summary));
    crate::report::print_summary(&mut outcome.summary, args)?;
    fault::hit(fault::Point::AfterReport);

    res.next.command = COMMAND.to_string();
    fault::hit(fault::Point::BeforeStateRename);
    let written = state::write_atomic(state_path, &res.next);
    fault::hit(fault::Point::AfterStateRename);

    let mut code = failures_code(&outcome, args.rejects.path.as_deref());
    if let Err(e) = written {
        term::warn(e);
        code = exit::FAILED;
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

/// `--state-reset`: removes the state (the lock is held), so the run is a first run.
/// Its lock file stays: another run may be waiting on it.
fn reset(state_path: &Path) -> anyhow::Result<()> {
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
fn group(sources: &[Source], labels: &[String]) -> Vec<Named> {
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

/// Records what each read did in the state to write: a plain read that succeeded is
/// done up to its end; an archive read keeps the resolver's `done`, with its lines; a
/// read that failed is left where it started, to be read again next run.
fn settle(res: &mut Resolution, runs: &[axlog_engine::SourceRun]) {
    for (k, run) in runs.iter().enumerate() {
        let Some(read) = res.reads.get(k).cloned() else {
            continue;
        };
        if run.error.is_none()
            && let Some(end) = read.end
        {
            res.advance(k, end, run.lines);
            continue;
        }
        let Some(entry) = res
            .next
            .sets
            .get_mut(read.set)
            .and_then(|s| s.files.get_mut(read.file))
        else {
            continue;
        };
        if run.error.is_none() {
            // An archive read to its end: its decoded size is where its lines end.
            res.advance(k, run.end(), run.lines);
        } else {
            entry.offset = read.start;
            entry.lines = read.lines_before;
            entry.done = false;
        }
    }
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
    }
}

/// One gap's line on stderr.
fn gap_message(g: &Gap) -> String {
    let why = match g.why {
        GapKind::Gone => "deleted before it was read to its end",
        GapKind::Replaced => "replaced by another file before it was read to its end",
        GapKind::Shrunk => "now shorter than what was already read",
    };
    format!(
        "{}: gap: at least {} bytes never read: {why}",
        g.path.display(),
        g.bytes_at_least
    )
}
