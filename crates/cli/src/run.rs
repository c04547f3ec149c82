//! What `report` and `convert` share around a run: the sources and their labels, the
//! inputs an output must not overwrite, the rejects file, and the exit code a run's
//! failures give.

use crate::args::FormatArgs;
use crate::{exit, paths, term};
use anyhow::Context;
use axlog_input::Source;
use std::io::Write;
use std::process::ExitCode;

/// The sources named by `files` (standard input when none), and each one's label: its
/// argument's `--source-label`, or its path.
pub(crate) fn sources_and_labels(
    files: &[String],
    source_label: &[String],
) -> anyhow::Result<(Vec<Source>, Vec<String>)> {
    // Directories, wildcards the shell left, rotated sets in the order written; each with
    // the argument that named it.
    let (sources, arg_of): (Vec<Source>, Vec<usize>) = if files.is_empty() {
        (vec![Source::Stdin], vec![0])
    } else {
        axlog_input::expand_indexed(files).into_iter().unzip()
    };
    if source_label.len() > files.len().max(1) {
        anyhow::bail!(
            "{} --source-label for {} input argument(s): one label an argument",
            source_label.len(),
            files.len().max(1)
        );
    }
    let labels: Vec<String> = sources
        .iter()
        .zip(&arg_of)
        .map(|(s, &k)| source_label.get(k).cloned().unwrap_or_else(|| s.name()))
        .collect();
    Ok((sources, labels))
}

/// What a run reads, to check that no output is one of them.
pub(crate) fn inputs_of(
    files: &[String],
    sources: &[Source],
    format: &FormatArgs,
) -> paths::Inputs {
    let conf: Vec<&std::path::Path> = format.nginx_conf.iter().map(|p| p.as_path()).collect();
    paths::Inputs::new(files, sources, &conf)
}

/// Opens the rejects file, if asked, before any input is read: a bad path is a usage
/// error.
pub(crate) fn open_rejects(
    path: Option<&std::path::Path>,
) -> anyhow::Result<Option<Box<dyn Write + Send>>> {
    Ok(match path {
        Some(p) => {
            let f = std::fs::File::create(p)
                .with_context(|| format!("cannot create rejects file {}", p.display()))?;
            Some(Box::new(std::io::BufWriter::with_capacity(1 << 16, f)))
        }
        None => None,
    })
}

/// Reports what went wrong in a run on stderr; the exit code that gives.
pub(crate) fn report_failures(
    outcome: &axlog_engine::Outcome,
    rejects: Option<&std::path::Path>,
) -> ExitCode {
    ExitCode::from(failures_code(outcome, rejects))
}

/// [`report_failures`]'s code as a number, for a caller with more to weigh (`--state`'s
/// gaps).
pub(crate) fn failures_code(
    outcome: &axlog_engine::Outcome,
    rejects: Option<&std::path::Path>,
) -> u8 {
    for src in &outcome.summary.sources {
        if let Some(help) = &src.layout_help {
            let name = axlog_report::terminal_safe(&src.name);
            term::warn_lines(format_args!("{name}: {help}"));
        }
        if let Some(m) = exit::long_lines(src) {
            term::warn(m);
        }
    }
    let mut failed = false;
    for e in &outcome.source_errors {
        term::warn(e);
        failed = true;
    }
    for e in &outcome.parquet_errors {
        term::warn(e);
        failed = true;
    }
    if let (Some(e), Some(p)) = (&outcome.rejects_error, rejects) {
        term::warn(format_args!("writing rejects to {}: {e}", p.display()));
        failed = true;
    }
    let unparsed = exit::unparsed_inputs(&outcome.summary.sources);
    for m in &unparsed {
        term::warn(m);
    }
    if failed {
        exit::FAILED
    } else if !unparsed.is_empty() {
        exit::UNPARSED
    } else {
        0
    }
}
