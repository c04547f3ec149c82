//! `axlog completions SHELL` and `axlog man [COMMAND]`: a completion script and a man
//! page, generated from the same clap definitions as `--help` (clap_complete,
//! clap_mangen), so they can never disagree with the arguments axlog takes.

use crate::args::Cli;
use crate::term;
use anyhow::bail;
use clap::CommandFactory;
use clap_complete::Shell;
use std::io::Write;
use std::process::ExitCode;

/// The completion script for `shell` on stdout.
pub(crate) fn completions(shell: Shell) -> anyhow::Result<ExitCode> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "axlog", &mut script);
    let mut out = term::stdout();
    out.write_all(&script)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The man page of axlog, or of one of its commands (`axlog-report(1)`), in roff on stdout.
pub(crate) fn man(command: Option<&str>) -> anyhow::Result<ExitCode> {
    let cmd = Cli::command();
    let page = match command {
        None => cmd,
        Some(name) => {
            let Some(sub) = cmd.find_subcommand(name) else {
                let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
                bail!("no command '{name}': one of {}", names.join(", "));
            };
            // The page's name and the usage line it prints: `axlog-report`, `axlog report`.
            let bin = format!("axlog {name}");
            sub.clone()
                .name(format!("axlog-{name}"))
                .bin_name(bin)
                .version(cmd.get_version().unwrap_or_default().to_string())
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page).render(&mut roff)?;
    let mut out = term::stdout();
    out.write_all(&roff)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
