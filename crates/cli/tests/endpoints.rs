//! Endpoint rules (`--endpoint-rule`, `--endpoint-rules FILE`, `--no-default-endpoint-rules`)
//! on generated nginx-timed logs: the `--by endpoint` rows (with `-j 1` and `-j 2`) and
//! Parquet's `endpoint` column (read back) against a reference that applies the same
//! rewrites here with plain string code (no regex), then the built-in folds; and a bad
//! rule's message.

mod common;

use arrow_array::Array;
use arrow_array::cast::AsArray;
use axlog_testgen::Format;
use common::reference::{endpoint as builtin, nginx};
use common::run::{report_both, report_once};
use common::{axlog, files_under, named_counts, stderr_of, temp_file, write_file};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::BTreeMap;
use std::path::Path;

/// The rule given with `--endpoint-rule`, and what [`users_rule`] does by hand.
const USERS: &str = "^/api/v1/users/[^/]+=/api/v1/users/:user";
/// The rules file: a comment, a blank line, and a rule with a group.
const FILE_RULES: &str = "# static assets by kind\n\n^/static/(css|js)/[^/]+$=/static/$1/:asset\n";

/// `USERS`, by hand: the segment after `/api/v1/users/` (one character or more) becomes
/// `:user`.
fn users_rule(path: &str) -> String {
    match path.strip_prefix("/api/v1/users/") {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') => {
            let tail = rest.find('/').map_or("", |i| &rest[i..]);
            format!("/api/v1/users/:user{tail}")
        }
        _ => path.to_string(),
    }
}

/// The rule of `FILE_RULES`, by hand: `/static/css/NAME` or `/static/js/NAME` (NAME
/// without `/`, not empty) becomes `/static/css/:asset`.
fn static_rule(path: &str) -> String {
    for kind in ["css", "js"] {
        if let Some(name) = path.strip_prefix(&format!("/static/{kind}/"))
            && !name.is_empty()
            && !name.contains('/')
        {
            return format!("/static/{kind}/:asset");
        }
    }
    path.to_string()
}

/// The path (without query) of each request line `METHOD /target ...` of a well-formed
/// nginx-timed line in `text`, as the shared reference reads it (common/reference.rs).
fn paths(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| nginx(line, false)?.path)
        .collect()
}

/// Requests per endpoint, `fold` giving each path's.
fn reference(paths: &[String], fold: impl Fn(&str) -> String) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for p in paths {
        *counts.entry(fold(p)).or_insert(0) += 1;
    }
    counts
}

fn generated(lines: u64, seed: u64) -> String {
    common::generate::generated(Format::NginxTimed, lines, seed)
}

/// `--by endpoint`'s rows with `args`, with `-j 1` and `-j 2` (which must agree).
fn by_endpoint(file: &Path, args: &[&str]) -> BTreeMap<String, u64> {
    let by = [
        "--format",
        "nginx-timed",
        "--by",
        "endpoint",
        "--top",
        "1000000",
    ];
    let v = report_both(file, &[&by[..], args].concat());
    named_counts(&v["by"][0]["rows"], "key", "requests")
        .into_iter()
        .collect()
}

/// The default report's busiest endpoints (`top_endpoints.by_requests`) with `args`.
fn default_top(file: &Path, args: &[&str]) -> Vec<(String, u64)> {
    let v = report_once(file, &[&["--format", "nginx-timed"], args].concat());
    named_counts(&v["top_endpoints"]["by_requests"], "endpoint", "count")
}

/// The `n` busiest of `counts`, ties by endpoint.
fn busiest(counts: &BTreeMap<String, u64>, n: usize) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = counts.iter().map(|(k, c)| (k.clone(), *c)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

/// Rows per value of Parquet's `endpoint` column after `axlog convert FILE ARGS`.
fn parquet_endpoints(file: &Path, args: &[&str]) -> BTreeMap<String, u64> {
    let dir = tempfile::tempdir().unwrap();
    let out = axlog()
        .arg("convert")
        .arg(file)
        .args(["--format", "nginx-timed", "-q", "-o"])
        .arg(dir.path())
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let mut counts = BTreeMap::new();
    for p in files_under(dir.path()) {
        let f = std::fs::File::open(&p).unwrap();
        for b in ParquetRecordBatchReaderBuilder::try_new(f)
            .unwrap()
            .build()
            .unwrap()
        {
            let b = b.unwrap();
            let col = |name| b.column_by_name(name).unwrap().as_string::<i32>().clone();
            let (col, method, path) = (col("endpoint"), col("method"), col("path"));
            for i in 0..col.len() {
                // Rows of a request line `METHOD /target ...`, as the reference reads (a
                // request logged otherwise is its own path in Parquet).
                let request_line = method.is_valid(i)
                    && !method.value(i).is_empty()
                    && path.is_valid(i)
                    && path.value(i).starts_with('/');
                if request_line && col.is_valid(i) {
                    *counts.entry(col.value(i).to_string()).or_insert(0) += 1;
                }
            }
        }
    }
    counts
}

#[test]
fn rules_from_flag_and_file_fold_the_report_and_parquet_alike() {
    let text = generated(20_000, 17);
    let (dir, file) = temp_file("timed.log", text.as_bytes());
    let rules = write_file(dir.path(), "rules.txt", FILE_RULES.as_bytes());
    let paths = paths(&text);
    // Rules apply in order (the file's, then the flag's), then the built-in folds.
    let want = reference(&paths, |p| builtin(&users_rule(&static_rule(p))));
    // The rules change what the folds alone give.
    let folds_alone = reference(&paths, builtin);
    assert!(want.contains_key("/api/v1/users/:user"), "{want:?}");
    assert!(want.keys().any(|k| k.ends_with("/:asset")), "{want:?}");
    assert_ne!(want, folds_alone);
    let args = [
        "--endpoint-rules",
        rules.to_str().unwrap(),
        "--endpoint-rule",
        USERS,
    ];
    assert_eq!(by_endpoint(&file, &args), want);
    assert_eq!(parquet_endpoints(&file, &args), want);
    // The default report's endpoint lists fold with the same rules (which change them).
    assert_ne!(busiest(&want, 5), busiest(&folds_alone, 5));
    assert_eq!(default_top(&file, &args), busiest(&want, 5));
    assert_eq!(default_top(&file, &[]), busiest(&folds_alone, 5));
    // Without rules, the built-in folds alone, in both.
    assert_eq!(by_endpoint(&file, &[]), folds_alone);
    assert_eq!(parquet_endpoints(&file, &[]), folds_alone);
}

#[test]
fn default_rules_can_be_turned_off() {
    let text = generated(8_000, 5);
    let (_dir, file) = temp_file("timed.log", text.as_bytes());
    let paths = paths(&text);
    let want = reference(&paths, users_rule);
    // Numeric IDs stay where the rule does not reach.
    assert!(
        want.keys()
            .any(|k| k.starts_with("/api/v1/products/") && !k.ends_with(":id"))
    );
    let args = ["--endpoint-rule", USERS, "--no-default-endpoint-rules"];
    assert_eq!(by_endpoint(&file, &args), want);
    assert_eq!(parquet_endpoints(&file, &args), want);
    // No rule at all: the endpoints are the paths.
    let raw = reference(&paths, str::to_string);
    assert_eq!(by_endpoint(&file, &["--no-default-endpoint-rules"]), raw);
}

#[test]
fn a_bad_rule_is_a_usage_error_that_says_why() {
    let (dir, file) = temp_file("a.log", generated(10, 1).as_bytes());
    let run = |cmd: &str, args: &[&str]| {
        let mut c = axlog();
        c.arg(cmd).arg(&file).args(args);
        if cmd == "convert" {
            c.arg("-o").arg(dir.path().join("out"));
        }
        c.output().unwrap()
    };
    for cmd in ["report", "convert"] {
        let out = run(cmd, &["--endpoint-rule", "^/a(b=/c"]);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr_of(&out);
        assert!(
            err.contains("'^/a(b': the rule's regex does not compile"),
            "{err}"
        );
        assert!(err.contains("unclosed group"), "{err}");
        let out = run(cmd, &["--endpoint-rule", "no-equals-sign"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr_of(&out).contains("an endpoint rule is REGEX=REPLACEMENT"));
    }
    let rules = write_file(dir.path(), "r.txt", b"# fine\n^/a=/b\n\n[z-a]=x\n");
    let out = run("report", &["--endpoint-rules", rules.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains(&format!("{}:4: '[z-a]'", rules.display())),
        "{err}"
    );
    let out = run("report", &["--endpoint-rules", "/nonexistent/rules.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("/nonexistent/rules.txt"));
}
