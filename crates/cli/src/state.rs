//! `report --state FILE`: a run that reads only what earlier runs with the same state did
//! not (issue 18, design §1.2). Lock, load, group the inputs into rotated sets, resolve
//! them against the state into byte ranges, read those ranges, print the report, then
//! commit how far each read got (`settle`) and report the window it covered (`window`).
//! Plain files are advanced to the end of their last complete line; an archive to its
//! decoded end, and is then done; a read that failed part-way to the end of what it
//! parsed without a break.

use crate::args::ReportArgs;
use crate::progress::with_progress;
use crate::run::failures_code;
use crate::{exit, term};
use axlog_engine::state::resolve::{Gap, GapKind, Resolution};
use axlog_engine::state::settle::ReadEnd;
use axlog_engine::state::{self, fault, lock, members};
use axlog_engine::{Config, Outputs, SourceError};
use axlog_input::{ByteRange, Compression, InputError, Source};
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
fn gap_message(g: &Gap) -> String {
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
