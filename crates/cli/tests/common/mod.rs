//! Helpers the binary's end-to-end tests share: where fixtures are, and reading the JSON
//! report.
#![allow(dead_code)] // Each test file uses its own subset.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

pub mod generate;
pub mod live;
pub mod markdown;
pub mod parquet_rows;
pub mod prom;
pub mod python;
pub mod reference;
pub mod rotor;
pub mod run;
pub mod terminal;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file under `testdata/`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("testdata").join(name)
}

/// A file of the shared conformance corpus (`../shared/corpus`).
pub fn corpus(rel: &str) -> PathBuf {
    root().join("../shared/corpus").join(rel)
}

pub fn axlog() -> Command {
    Command::cargo_bin("axlog").unwrap()
}

/// The binary as a plain `std::process::Command`, for tests that hand it their own
/// standard streams (a file, `/dev/full`, a pipe kept open).
pub fn axlog_std() -> std::process::Command {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("axlog"))
}

/// `text` appended to `path` (created if missing), as a log writer does.
pub fn append(path: &Path, text: impl AsRef<[u8]>) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .unwrap();
    f.write_all(text.as_ref()).unwrap();
}

/// `bytes` as one gzip member.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// `content` written to `dir/name`: its path.
pub fn write_file(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// `content` written to `name` in a new temporary directory: the directory (which
/// removes itself when dropped, so keep it) and the file's path.
pub fn temp_file(name: &str, content: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), name, content);
    (dir, path)
}

/// What a run wrote to standard output, as text.
pub fn stdout_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What a run wrote to standard error, as text.
pub fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The run succeeded; if not, its standard error is shown.
pub fn assert_success(out: &Output) {
    assert!(out.status.success(), "stderr: {}", stderr_of(out));
}

/// `axlog ARGS` with `input` on standard input: its exit and what it wrote.
pub fn run_stdin(args: &[&str], input: impl AsRef<[u8]>) -> Output {
    axlog()
        .args(args)
        .write_stdin(input.as_ref().to_vec())
        .output()
        .unwrap()
}

/// `axlog report ARGS --output json -` over `input` on standard input, which must
/// succeed, parsed.
pub fn report_stdin(args: &[&str], input: &str) -> Value {
    let out = run_stdin(
        &[&["report"], args, &["--output", "json", "-"]].concat(),
        input,
    );
    assert_success(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `axlog report ARGS --output json`, which must succeed, parsed.
pub fn report_json(args: &[&str]) -> Value {
    serde_json::from_str(&report_json_text(args)).unwrap()
}

/// `axlog report ARGS --output json --rejects REJECTS`, which must succeed: the JSON as
/// written, and the rejects file.
pub fn report_json_and_rejects(args: &[&str], rejects: &Path) -> (String, Vec<u8>) {
    let mut all = args.to_vec();
    all.extend(["--rejects", rejects.to_str().unwrap()]);
    (report_json_text(&all), std::fs::read(rejects).unwrap())
}

/// `axlog report ARGS --output json`, which must succeed, as written.
pub fn report_json_text(args: &[&str]) -> String {
    let out = axlog()
        .arg("report")
        .args(args)
        .args(["--output", "json"])
        .output()
        .unwrap();
    assert_success(&out);
    String::from_utf8(out.stdout).unwrap()
}

/// (code, count) of every status in a report.
pub fn status_counts(v: &Value) -> Vec<(u64, u64)> {
    v["status"]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_u64().unwrap(), c["count"].as_u64().unwrap()))
        .collect()
}

/// Counts of the classes 1xx, 2xx, 3xx, 4xx, 5xx, other.
pub fn class_counts(v: &Value) -> Vec<u64> {
    v["status"]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .collect()
}

/// (`name`, `count`) of each element of the JSON array `list`, in its order: a text
/// and a count (a row's key and requests, a state and its count, ...).
pub fn named_counts(list: &Value, name: &str, count: &str) -> Vec<(String, u64)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e[name].as_str().unwrap().to_string(),
                e[count].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The text `field` of each element of the JSON array `list`, in its order.
pub fn texts<'v>(list: &'v Value, field: &str) -> Vec<&'v str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e[field].as_str().unwrap())
        .collect()
}

/// (path, count) of every row of the report's top paths, in its order.
pub fn top_paths(v: &Value) -> Vec<(String, u64)> {
    named_counts(&v["top_paths"], "path", "count")
}

/// Every file under `dir`, recursively, sorted by path; `dir` must be readable.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// Every file under `dir`, by name, recursively, sorted (none while `dir` is not there
/// yet).
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                names.push(e.file_name().to_string_lossy().to_string());
            }
        }
    }
    names.sort();
    names
}

/// `12345` -> `12,345`, as the text report writes counts.
pub fn thousands(n: u64) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs `axlog ARGS` with `data` on an input that stays open, waits (at most `secs`)
/// until `started` holds for the file names under `out`, kills the run and returns the
/// names left, after checking that they are only hidden temporary files: no `.parquet`
/// that a reader's glob would take.
pub fn kill_mid_write(
    args: &[&str],
    data: &[u8],
    out: &Path,
    secs: u64,
    started: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("axlog"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(data).unwrap();
    stdin.flush().unwrap();
    let begun = std::time::Instant::now();
    while !started(&file_names(out)) {
        assert!(begun.elapsed().as_secs() < secs, "{:?}", file_names(out));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    let names = file_names(out);
    assert!(
        names
            .iter()
            .all(|n| n.starts_with(".part-") && n.ends_with(".parquet.tmp")),
        "{names:?}"
    );
    names
}

/// A time under a minute as the text report writes it (docs/outputs.md, "Text"): µs
/// whole below 1 ms, then three significant digits in ms or s, rounded half up (in
/// integers: nginx's times are whole ms, so halves are common).
pub fn human(us: u64) -> String {
    assert!(us < 59_950_000, "{us}: past this helper's range");
    if us < 1000 {
        return format!("{us} µs");
    }
    let (unit, name) = if us < 999_500 {
        (1000, "ms")
    } else {
        (1_000_000, "s")
    };
    let whole = us / unit;
    let decimals = if whole < 10 && (us * 100 + unit / 2) / unit < 1000 {
        2
    } else if (us * 10 + unit / 2) / unit < 1000 {
        1
    } else {
        0
    };
    let p = 10u64.pow(decimals);
    let q = (us * p + unit / 2) / unit;
    match decimals {
        0 => format!("{q} {name}"),
        d => format!("{}.{:0w$} {name}", q / p, q % p, w = d as usize),
    }
}
