//! What reaches a terminal: axlog run on a pseudo-terminal, and its output read back with
//! the styling axlog adds taken out.

use std::path::Path;
use std::process::{Command, Stdio};

/// A run of axlog on a pseudo-terminal.
pub struct Tty {
    /// The exit code (`script -e` passes axlog's on).
    pub code: Option<i32>,
    /// Standard output, line feeds as written (the terminal turns each into CR LF).
    pub text: String,
    /// What `script` itself wrote to standard error.
    pub script_stderr: String,
}

/// What `axlog ARGS` writes to standard output on a pseudo-terminal (util-linux
/// `script`), run in `dir` with `env` set (NO_COLOR removed and TERM set first).
/// Standard error (the progress bar, escaped already, with its own cursor codes) is left
/// out: standard output is what is checked.
pub fn on_terminal<S: AsRef<str>>(dir: &Path, args: &[S], env: &[(&str, &str)]) -> Tty {
    let quote = |a: &str| format!("'{}'", a.replace('\'', "'\\''"));
    let mut cmd = quote(env!("CARGO_BIN_EXE_axlog"));
    for a in args {
        cmd.push(' ');
        cmd.push_str(&quote(a.as_ref()));
    }
    cmd.push_str(" 2>/dev/null");
    let mut c = Command::new("script");
    c.args(["-qec", &cmd, "/dev/null"])
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("util-linux `script` runs");
    Tty {
        code: out.status.code(),
        text: String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n"),
        script_stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `s` without the SGR sequences axlog writes (`ESC [ digits m`).
pub fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find("\x1b[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if after[digits..].starts_with('m') {
            rest = &after[digits + 1..];
        } else {
            // Not ours: kept, so that the caller sees it.
            out.push_str("\x1b[");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
