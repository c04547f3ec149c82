//! The process's own streams: escaped, and never a panic. `eprintln!`/`println!` panic
//! when a stream is full or gone, which turned a finished run into exit 101; here a stderr
//! that cannot take a message is ignored (there is nowhere else to say it), and a stdout
//! write error is marked so that the run exits 1 rather than with the usage code.

use crate::args::ColorChoice;
use std::io::{self, IsTerminal, Write};

/// `axlog: MSG` on stderr (an error, a warning, convert's summary), on one line: MSG
/// carries file names and arguments, so every control character in it is escaped (a name
/// could retitle the terminal). Nothing if stderr cannot take it.
pub fn warn(msg: impl std::fmt::Display) {
    let text = axlog_report::terminal_safe(&msg.to_string());
    let _ = writeln!(io::stderr().lock(), "axlog: {text}");
}

/// As [`warn`], keeping line breaks: for a message of several lines whose outside parts
/// were escaped already (a layout diagnosis).
pub fn warn_lines(msg: impl std::fmt::Display) {
    let text = axlog_report::terminal_safe_lines(&msg.to_string());
    let _ = writeln!(io::stderr().lock(), "axlog: {text}");
}

/// Text for stderr that is not ours (clap's errors quote the arguments): escaped but for
/// its line breaks, written as it is otherwise.
pub fn eprint_lines(text: &str) {
    let _ = write!(
        io::stderr().lock(),
        "{}",
        axlog_report::terminal_safe_lines(text)
    );
}

/// The cause of a stdout write error, so `main` can tell it from other I/O errors.
#[derive(Debug)]
pub struct StdoutFailed(pub io::Error);

impl std::fmt::Display for StdoutFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "writing to standard output: {}", self.0)
    }
}

impl std::error::Error for StdoutFailed {}

/// Whether `e` is a failed write to stdout, and then whether it was a closed pipe.
pub fn stdout_failure(e: &anyhow::Error) -> Option<io::ErrorKind> {
    let io = e.downcast_ref::<io::Error>()?;
    io.get_ref()?.downcast_ref::<StdoutFailed>()?;
    Some(io.kind())
}

/// Standard output, its write errors marked as [`StdoutFailed`].
pub struct Stdout(io::StdoutLock<'static>);

pub fn stdout() -> Stdout {
    Stdout(io::stdout().lock())
}

fn mark(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), StdoutFailed(e))
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(mark)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(mark)
    }
}

/// Whether standard output is a terminal (a person reads it, not a pipe or a file).
pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

/// Whether the text report gets colour: `always`, `never`, or with `auto` (as ripgrep)
/// when standard output is a terminal, `NO_COLOR` is unset or empty, and `TERM` is not
/// `dumb`.
pub(crate) fn color_wanted(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
            terminal && !no_color && !dumb
        }
    }
}
