//! `axlog`: access-log analytics for Nginx, HAProxy and Apache.

use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

mod anomaly_args;
mod args;
mod convert;
mod cumulative;
mod endpoints;
mod every;
mod examples;
mod exit;
mod explain;
mod failif;
mod filters;
mod first_lines;
mod follow_state;
mod formats;
mod from_state;
mod outputs;
mod paths;
mod progress;
mod report;
mod report_dump;
mod run;
mod series;
mod shell;
mod sizes;
mod state;
mod term;
mod threads;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    let result = match cli.command {
        Command::Report(args) => report::report(args),
        Command::Convert(args) => convert::convert(args),
        Command::Formats => formats::formats(),
        Command::Explain(args) => explain::explain(args),
        Command::Completions { shell } => shell::completions(shell),
        Command::Man { command } => shell::man(command.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => match term::stdout_failure(&e) {
            // A closed stdout (`axlog report | head`) is not an error worth a message.
            Some(std::io::ErrorKind::BrokenPipe) => ExitCode::SUCCESS,
            // The output was not written: a failed run, not a usage error.
            Some(_) => {
                term::warn(format_args!("{e:#}"));
                ExitCode::from(exit::FAILED)
            }
            // An `-o` file not written: the run failed, its arguments were checked.
            None if outputs::is_write_failure(&e) => {
                term::warn(format_args!("{e:#}"));
                ExitCode::from(exit::FAILED)
            }
            None => {
                term::warn(format_args!("{e:#}"));
                ExitCode::from(exit::USAGE)
            }
        },
    }
}

/// Help and version on stdout; an argument error on stderr, its quoted arguments escaped
/// (`Cli::parse` would print them raw), exit 2.
fn clap_error(e: &clap::error::Error) -> ExitCode {
    if !e.use_stderr() {
        return match e.print() {
            Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
                term::warn(format_args!("writing to standard output: {err}"));
                ExitCode::from(exit::FAILED)
            }
            _ => ExitCode::SUCCESS,
        };
    }
    term::eprint_lines(&e.render().to_string());
    ExitCode::from(exit::USAGE)
}
