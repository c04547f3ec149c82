//! `axlog completions SHELL` and `axlog man [COMMAND]`: the bash script completes real
//! commands and options when bash runs it, the zsh and fish scripts are their shells'
//! formats, and the man pages are roff that `man` renders with every option.

mod common;

use common::axlog;
use std::process::Command;

fn stdout_of(args: &[&str]) -> String {
    let out = axlog().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// What bash's completion offers for `words` (the last one being completed), with the
/// script axlog printed loaded.
fn bash_completes(script: &str, words: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("axlog.bash");
    std::fs::write(&file, script).unwrap();
    let words_q: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; \
         _axlog axlog '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display(),
        words_q.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len().saturating_sub(2)],
    );
    let out = Command::new("bash")
        .args(["-c", &program])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn bash_completes_commands_and_options() {
    let script = stdout_of(&["completions", "bash"]);
    // The commands, from their first letters.
    assert_eq!(bash_completes(&script, &["axlog", "rep"]), ["report"]);
    let all = bash_completes(&script, &["axlog", ""]);
    for c in [
        "report",
        "convert",
        "formats",
        "explain",
        "completions",
        "man",
    ] {
        assert!(all.iter().any(|w| w == c), "{c} not in {all:?}");
    }
    // The report's options, issue 19's among them.
    let opts = bash_completes(&script, &["axlog", "report", "--fail"]);
    assert_eq!(opts, ["--fail-if"]);
    let opts = bash_completes(&script, &["axlog", "report", "--anomaly-t"]);
    assert_eq!(opts, ["--anomaly-threshold"]);
    // And the shells `completions` takes.
    let shells = bash_completes(&script, &["axlog", "completions", ""]);
    for s in ["bash", "zsh", "fish"] {
        assert!(shells.iter().any(|w| w == s), "{s} not in {shells:?}");
    }
}

#[test]
fn zsh_and_fish_scripts_are_their_shells_formats() {
    let zsh = stdout_of(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef axlog\n"), "{}", &zsh[..40]);
    assert!(zsh.contains("--fail-if"));
    let fish = stdout_of(&["completions", "fish"]);
    assert!(fish.contains("complete -c axlog"));
    assert!(fish.contains("-l fail-if"));
    let bad = axlog().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn man_pages_render_with_every_option() {
    let top = stdout_of(&["man"]);
    assert!(top.contains(".TH axlog 1"), "{}", &top[..200]);
    let report = stdout_of(&["man", "report"]);
    assert!(report.contains(".TH axlog\\-report 1") || report.contains(".TH axlog-report 1"));
    // Rendered by man(1) when the machine has it: the options appear as text.
    if Command::new("man").arg("--version").output().is_ok() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("axlog-report.1");
        std::fs::write(&page, &report).unwrap();
        let out = Command::new("man")
            .arg("-l")
            .arg(&page)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "200")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for want in [
            "SYNOPSIS",
            "--fail-if",
            "--anomaly-threshold",
            "--state",
            "--every",
        ] {
            assert!(text.contains(want), "{want} not in the rendered page");
        }
    }
    let bad = axlog().args(["man", "nope"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("no command 'nope'"), "{err}");
}
