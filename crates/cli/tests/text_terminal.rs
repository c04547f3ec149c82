//! The report on a terminal: `--color` (as ripgrep: `auto` colours only a terminal
//! without NO_COLOR and with a TERM that is not dumb), styling that strips back to the
//! plain text exactly, files never styled, and no control character from a log reaching a
//! terminal in any format. A terminal is a real pseudo-terminal: util-linux's `script`
//! runs axlog on one and copies what it wrote.

mod common;

use common::terminal::strip_sgr;
use common::{axlog, stdout_of, write_file};
use std::path::Path;

/// nginx lines whose path, user agent and referer carry escape sequences, C1 controls and
/// bidi overrides.
fn hostile_log(dir: &Path) -> std::path::PathBuf {
    let mut text = String::new();
    for i in 0..30 {
        text.push_str(&format!(
            "10.0.0.{i} - - [21/Nov/2026:10:00:{i:02} +0000] \
             \"GET /a\x1b[31mred\u{9b}2J\u{202e}gnp.exe<script>x</script> HTTP/1.1\" {} 512 \
             \"=HYPERLINK(1)\" \"ua\x1b]0;title\x07|`x`\u{2066}\" 0.0{i:02} 0.0{i:02}\n",
            if i % 3 == 0 { 502 } else { 200 }
        ));
    }
    // A file name is shown too (sources, Prometheus labels).
    write_file(dir, "web\x1b[2J\u{202e}.log", text.as_bytes())
}

/// What `axlog ARGS` writes to standard output on a pseudo-terminal, with `env` set:
/// [`common::terminal::on_terminal`], which exits 0 (or 3, a threshold crossed).
fn on_terminal(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let tty = common::terminal::on_terminal(dir, args, env);
    assert!(
        matches!(tty.code, Some(0 | 3)),
        "{args:?}: {}",
        tty.script_stderr
    );
    tty.text
}

#[test]
fn color_always_never_and_auto() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_file(dir.path(), "a.log", common_log().as_bytes());
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = axlog();
        c.arg("report").arg(&log).args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        stdout_of(&c.output().unwrap())
    };
    let plain = run(&["--color", "never"], &[]);
    assert!(!plain.contains('\x1b'), "{plain}");
    // `always`: bold titles, red 5xx; the same text once the codes are stripped.
    let styled = run(&["--color", "always"], &[("NO_COLOR", "1")]);
    assert!(styled.contains("\x1b[1mLatency\x1b[0m\n"), "{styled}");
    assert!(styled.contains("\x1b[31m5xx 25.00%\x1b[0m"), "{styled}");
    assert_eq!(strip_sgr(&styled), plain);
    // `auto` (the default) on a pipe: plain.
    assert_eq!(run(&[], &[]), plain);
    // A file never gets codes, whatever --color says.
    let txt = dir.path().join("r.txt");
    let _ = run(&["--color", "always", "-o", txt.to_str().unwrap()], &[]);
    assert_eq!(std::fs::read_to_string(&txt).unwrap(), plain);

    // On a terminal: `auto` colours, unless NO_COLOR is set and not empty, or TERM=dumb.
    let path = log.to_str().unwrap();
    let tty = on_terminal(dir.path(), &["report", path], &[]);
    assert!(tty.contains("\x1b[1m"), "{tty}");
    assert_eq!(strip_sgr(&tty), plain);
    let tty = on_terminal(dir.path(), &["report", path], &[("NO_COLOR", "")]);
    assert!(tty.contains("\x1b[1m"), "an empty NO_COLOR is unset: {tty}");
    for env in [("NO_COLOR", "1"), ("TERM", "dumb")] {
        let tty = on_terminal(dir.path(), &["report", path], &[env]);
        assert_eq!(tty, plain, "{env:?}");
    }
    let tty = on_terminal(dir.path(), &["report", "--color", "never", path], &[]);
    assert_eq!(tty, plain);
}

/// Four lines, one a 500: 5xx is 25.00% (1 of 4).
fn common_log() -> String {
    [200, 200, 500, 404]
        .iter()
        .enumerate()
        .map(|(i, st)| {
            format!(
                "10.0.0.1 - - [21/Nov/2026:10:00:0{i} +0000] \"GET /p{i} HTTP/1.1\" {st} 10 \"-\" \"curl\" 0.01{i} 0.01{i}\n"
            )
        })
        .collect()
}

/// A character that acts on a terminal: C0 but line feed and tab, DEL, C1, bidi.
fn acts(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[test]
fn no_format_lets_a_control_character_reach_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let log = hostile_log(dir.path());
    let path = log.to_str().unwrap();
    // The hostile strings are in the summary: the JSON report carries them (escaped
    // as JSON does).
    let json = stdout_of(
        &axlog()
            .args([
                "report",
                "--output",
                "json",
                "--by",
                "path,user-agent",
                path,
            ])
            .output()
            .unwrap(),
    );
    assert!(json.contains("\\u001b[31mred"), "{json}");
    for args in [
        vec!["report", path, "--by", "path,user-agent"],
        vec!["report", path, "--by", "path", "--color", "always"],
        vec!["report", path, "--by", "path", "--output", "markdown"],
        vec!["report", path, "--by", "path", "--output", "html"],
        vec!["report", path, "--by", "path", "--output", "prometheus"],
        vec![
            "report", path, "--output", "markdown", "-o", "-", "-o", "r.md",
        ],
    ] {
        let tty = strip_sgr(&on_terminal(dir.path(), &args, &[]));
        assert!(tty.len() > 200, "{args:?}: {tty}");
        let bad: Vec<char> = tty.chars().filter(|c| acts(*c)).collect();
        assert!(bad.is_empty(), "{args:?}: {bad:?} in\n{tty}");
    }
}
