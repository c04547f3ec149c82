//! `report --every` (and `--follow`): a line per interval of log time, written as each
//! interval ends; the run ends at the end of its inputs or on SIGINT/SIGTERM, which
//! write the open interval (partial) and exit 0.

use crate::args::{Output, ReportArgs};
use crate::report::config;
use crate::{exit, term};
use axlog_engine::{Every, Live};
use axlog_input::Source;
use std::io::Write;
use std::process::ExitCode;

/// `report --every`: a line per interval of log time, written as each interval ends.
pub(crate) fn report_every(
    args: &ReportArgs,
    sources: &[Source],
    every: u64,
    filter: Option<std::sync::Arc<axlog_engine::filter::Filter>>,
) -> anyhow::Result<ExitCode> {
    if let Some(state) = &args.state {
        if !args.follow {
            term::warn("--every with --state needs --follow: the state is a follower's");
            return Ok(ExitCode::from(exit::USAGE));
        }
        return crate::follow_state::report_follow_state(args, state, sources, every, filter);
    }
    let mut cfg = config(args)?;
    cfg.filter = filter;
    // A signal ends the run after the open window is written, instead of losing it.
    if let Err(e) = axlog_engine::signal::catch_termination() {
        term::warn(format_args!(
            "cannot catch SIGINT/SIGTERM ({e}): a signal will end the run without its last window"
        ));
    }
    let mut out = term::stdout();
    let mut write_error = None;
    // Lines that fitted the layout (requests, server messages): none is exit 6.
    let mut fitted = 0u64;
    let how = Every {
        every_s: every,
        follow: args.follow,
    };
    let res = axlog_engine::run_every(sources, &cfg, how, |live| {
        let (line, fit) = live_line(live, every, args.output);
        fitted += fit;
        // Each interval is written as it ends: a pipe reader sees it at once.
        if write_error.is_none()
            && let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush())
        {
            write_error = Some(e);
        }
    });
    if let Some(e) = write_error {
        return Err(e.into());
    }
    let ended = match res {
        Ok(ended) => ended,
        Err(e) => {
            term::warn(e);
            return Ok(ExitCode::from(exit::FAILED));
        }
    };
    for e in &ended.errors {
        term::warn(e);
    }
    if !ended.errors.is_empty() {
        return Ok(ExitCode::from(exit::FAILED));
    }
    if ended.lines > 0 && fitted == 0 {
        let names: Vec<String> = sources.iter().map(Source::name).collect();
        term::warn(format_args!(
            "{}: no line parsed: no layout fits its {} lines",
            names.join(", "),
            ended.lines
        ));
        return Ok(ExitCode::from(exit::UNPARSED));
    }
    // Ended by a signal or not, the windows were written: success.
    Ok(ExitCode::SUCCESS)
}

/// A window's line as `--output` asks, and its lines that fitted the layout.
pub(crate) fn live_line(live: Live, every: u64, output: Output) -> (String, u64) {
    match live {
        Live::Window {
            start,
            partial,
            summary,
        } => {
            let fitted = summary.lines.parsed + summary.lines.other;
            let line = match output {
                Output::Json => {
                    let line = axlog_report::window_json(start, every, partial, &summary);
                    crate::report_dump::copy(crate::report_dump::Kind::WindowLine, &line);
                    line
                }
                // Refused before the run (report.rs): a window is a line of text or JSON.
                _ => axlog_report::window_line(start, every, partial, &summary),
            };
            (line, fitted)
        }
        Live::NoRequests { from, to, windows } => {
            let line = match output {
                Output::Json => {
                    let line = axlog_report::no_requests_json(from, to, windows);
                    crate::report_dump::copy(crate::report_dump::Kind::WindowLine, &line);
                    line
                }
                _ => axlog_report::no_requests_line(from, to, windows),
            };
            (line, 0)
        }
    }
}
