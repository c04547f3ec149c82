//! docs/report.schema.json: the file is the schema derived from the summary's types
//! (`AXLOG_BLESS=1` rewrites it after a change), it is JSON Schema draft 2020-12, and the
//! bundled sample's report, a report with tables and series, and `--every`'s lines validate against it
//! with a real validator (jsonschema, when `AXLOG_OUTPUTS_PYTHON` names a Python with
//! it; scripts/test.sh validates every report the tests made the same way).

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn schema_path() -> std::path::PathBuf {
    root().join("docs/report.schema.json")
}

#[test]
fn the_schema_file_is_the_summary_types_schema() {
    let derived =
        serde_json::to_string_pretty(&axlog_stats::schema::report_schema()).unwrap() + "\n";
    if std::env::var_os("AXLOG_BLESS").is_some() {
        std::fs::write(schema_path(), &derived).unwrap();
    }
    let file = std::fs::read_to_string(schema_path()).unwrap();
    assert!(
        file == derived,
        "docs/report.schema.json is not the summary's schema: run \
         AXLOG_BLESS=1 cargo test -p axlog-cli --test report_schema, and review the diff"
    );
    let v: Value = serde_json::from_str(&file).unwrap();
    assert_eq!(
        v["$schema"].as_str(),
        Some("https://json-schema.org/draft/2020-12/schema")
    );
    // Strict where the shape is fixed: the top level is closed, its fields required.
    assert_eq!(v["additionalProperties"], Value::Bool(false));
    let required: Vec<&str> = v["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for field in [
        "schema_version",
        "axlog_version",
        "requests",
        "status",
        "latency",
    ] {
        assert!(required.contains(&field), "{field} not required");
    }
    assert!(v["$defs"]["window_line"]["oneOf"].is_array());
}

/// Runs scripts/validate_reports.py over `dir`; `None` without the Python.
fn validate(dir: &Path) -> Option<String> {
    let python = std::env::var_os("AXLOG_OUTPUTS_PYTHON")?;
    let out = std::process::Command::new(python)
        .arg(root().join("scripts/validate_reports.py"))
        .arg(schema_path())
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        stdout_of(&out),
        stderr_of(&out)
    );
    Some(stdout_of(&out))
}

#[test]
fn reports_validate_against_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sample = fixture("sample/access.log");
    let runs: Vec<Vec<String>> = vec![
        vec!["report".into(), sample.display().to_string()],
        vec![
            "report".into(),
            "--by".into(),
            "endpoint,status".into(),
            "--series-by".into(),
            "endpoint".into(),
            sample.display().to_string(),
        ],
        vec![
            "report".into(),
            "--every".into(),
            "60".into(),
            sample.display().to_string(),
        ],
    ];
    for args in &runs {
        let out = axlog()
            .args(args)
            .args(["--output", "json"])
            .env("AXLOG_REPORT_DUMP", d)
            .output()
            .unwrap();
        assert_success(&out);
        // The first field says the document's version.
        let first = stdout_of(&out);
        let head = &first[..first.len().min(200)];
        match args[1].as_str() {
            "--every" => assert!(first.contains("\"schema_version\":1,"), "{head}"),
            _ => assert!(first.starts_with("{\n  \"schema_version\": 1,"), "{head}"),
        }
    }
    let names = file_names(d);
    assert!(
        names.iter().filter(|n| n.starts_with("report-")).count() >= 2,
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.starts_with("window-")), "{names:?}");
    let Some(said) = validate(d) else {
        eprintln!("AXLOG_OUTPUTS_PYTHON not set: the validation is left to scripts/test.sh");
        return;
    };
    assert!(said.contains(": 0 invalid"), "{said}");
    // A report that breaks the schema is caught: the validator does validate.
    let bad = std::fs::read_to_string(d.join(&names[0])).unwrap();
    let mut v: Value = serde_json::from_str(&bad).unwrap();
    v["requests"] = Value::String("many".into());
    let bad_dir = tempfile::tempdir().unwrap();
    write_file(bad_dir.path(), "report-bad.json", v.to_string().as_bytes());
    let python = std::env::var_os("AXLOG_OUTPUTS_PYTHON").unwrap();
    let out = std::process::Command::new(python)
        .arg(root().join("scripts/validate_reports.py"))
        .arg(schema_path())
        .arg(bad_dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout_of(&out));
    assert!(stderr_of(&out).contains("requests"), "{}", stderr_of(&out));
}
