//! End-to-end tests of `axlog report --state FILE`: runs between rotations read each line
//! once, a partial last line waits for its end, a held lock refuses the run. Expected
//! counts are the lines each test wrote, counted by splitting what it wrote.

mod common;

use common::generate::generated;
use common::*;
use serde_json::Value;
use std::path::Path;

/// Complete lines of `text`.
fn line_count(text: &str) -> u64 {
    text.split_terminator('\n').count() as u64
}

/// The requests among `text`'s complete lines, counted without axlog: the generator
/// also writes empty lines, random bytes without `[`, and lines cut before the request's
/// closing quote; a request line has `] "`, then the closing quote, a space and a
/// three-digit status.
fn request_count(text: &str) -> u64 {
    let is_request = |line: &str| {
        let Some((_, after)) = line.split_once("] \"") else {
            return false;
        };
        after.match_indices("\" ").any(|(i, _)| {
            let status = after.as_bytes().get(i + 2..i + 6);
            matches!(status, Some([a, b, c, b' ']) if [a, b, c].iter().all(|d| d.is_ascii_digit()))
        })
    };
    text.split_terminator('\n')
        .filter(|l| is_request(l))
        .count() as u64
}

/// The run read exactly the complete lines of `text`, and its requests.
fn assert_read(v: &Value, text: &str) {
    assert_eq!(v["lines"]["read"].as_u64(), Some(line_count(text)));
    assert_eq!(requests(v), request_count(text));
}

/// `report --state STATE --output json LOG`: its JSON report; the run must succeed.
fn state_run(state: &Path, log: &Path) -> Value {
    let out = axlog()
        .args(["report", "--state"])
        .arg(state)
        .args(["--output", "json"])
        .arg(log)
        .output()
        .unwrap();
    assert_success(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn requests(v: &Value) -> u64 {
    v["requests"].as_u64().unwrap()
}

#[test]
fn runs_between_rotations_read_each_line_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("web.state");
    let first = generated(axlog_testgen::Format::NginxTimed, 1_000, 1);
    let log = write_file(dir.path(), "access.log", first.as_bytes());
    let v1 = state_run(&state, &log);
    assert_read(&v1, &first);

    // 500 more lines, then rotation: access.log -> access.log.1, a new access.log.
    let appended = generated(axlog_testgen::Format::NginxTimed, 500, 2);
    append(&log, &appended);
    std::fs::rename(&log, dir.path().join("access.log.1")).unwrap();
    let fresh = generated(axlog_testgen::Format::NginxTimed, 300, 3);
    write_file(dir.path(), "access.log", fresh.as_bytes());
    let v2 = state_run(&state, &log);
    let new_text = format!("{appended}{fresh}");
    assert_eq!(line_count(&new_text), 800);
    assert_read(&v2, &new_text);
    let all = format!("{first}{new_text}");
    assert_eq!(requests(&v1) + requests(&v2), request_count(&all));
    assert_eq!(
        v1["lines"]["read"].as_u64().unwrap() + v2["lines"]["read"].as_u64().unwrap(),
        line_count(&all)
    );
    // One row for the set, under the live file's label.
    assert_eq!(v2["sources"].as_array().map(Vec::len), Some(1));

    // Nothing new: nothing read.
    let v3 = state_run(&state, &log);
    assert_read(&v3, "");

    // A line being written (no newline yet) waits for its end.
    let next = generated(axlog_testgen::Format::NginxTimed, 1, 4);
    let (head, tail) = next.split_at(next.len() / 2);
    append(&log, head);
    let v4 = state_run(&state, &log);
    assert_read(&v4, "");
    append(&log, tail);
    let v5 = state_run(&state, &log);
    assert_read(&v5, &next);
    assert_eq!((line_count(&next), request_count(&next)), (1, 1));
}

#[test]
fn a_held_lock_refuses_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("web.state");
    let text = generated(axlog_testgen::Format::NginxTimed, 10, 1);
    let log = write_file(dir.path(), "access.log", text.as_bytes());
    let held = axlog_engine::state::lock::lock(&state).unwrap();
    let out = axlog()
        .args(["report", "--state"])
        .arg(&state)
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "stderr: {}", stderr_of(&out));
    assert!(stderr_of(&out).contains("another axlog run holds"));
    assert!(out.stdout.is_empty());
    // Nothing was read, so nothing was recorded: the next run reads everything.
    drop(held);
    let v = state_run(&state, &log);
    assert_read(&v, &text);
}

#[test]
fn standard_input_and_every_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("web.state");
    let state = state.to_str().unwrap();
    let out = run_stdin(&["report", "--state", state], "x\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("standard input"));
    let (_d, log) = temp_file("access.log", b"");
    let out = axlog()
        .args(["report", "--state", state, "--every", "10s"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!Path::new(state).exists());
}

#[test]
fn lost_bytes_are_a_gap_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("web.state");
    let text = generated(axlog_testgen::Format::NginxTimed, 20, 1);
    let partial = "10.0.0.1 - - [21/Nov";
    let log = write_file(
        dir.path(),
        "access.log",
        format!("{text}{partial}").as_bytes(),
    );
    state_run(&state, &log);
    // The file with its unread partial line is replaced by one with other content.
    let other = generated(axlog_testgen::Format::NginxTimed, 5, 2);
    std::fs::remove_file(&log).unwrap();
    write_file(dir.path(), "access.log", other.as_bytes());
    let run = || {
        axlog()
            .args(["report", "--state"])
            .arg(&state)
            .args(["--output", "json"])
            .arg(&log)
            .output()
            .unwrap()
    };
    let out = run();
    assert_eq!(out.status.code(), Some(5), "stderr: {}", stderr_of(&out));
    let wanted = format!("at least {} bytes never read", partial.len());
    assert!(stderr_of(&out).contains(&wanted), "{}", stderr_of(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_read(&v, &other);
    // The state was written: the gap is not reported again.
    let out = run();
    assert_success(&out);
}

/// The window's `files[]` of a run's JSON report: (path, fingerprint, start, end, lines).
fn window_files(v: &Value) -> Vec<(String, String, u64, u64, u64)> {
    v["window"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["fingerprint"].as_str().unwrap().to_string(),
                f["start"].as_u64().unwrap(),
                f["end"].as_u64().unwrap(),
                f["lines"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn each_window_starts_where_the_last_one_ended() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("web.state");
    let first = generated(axlog_testgen::Format::NginxTimed, 400, 1);
    let log = write_file(dir.path(), "access.log", first.as_bytes());
    let v1 = state_run(&state, &log);
    let w1 = window_files(&v1);
    let path = log.display().to_string();
    assert_eq!(w1.len(), 1);
    let fp = w1[0].1.clone();
    assert_eq!(fp.len(), 16);
    assert_eq!(
        w1[0],
        (
            path.clone(),
            fp.clone(),
            0,
            first.len() as u64,
            line_count(&first)
        )
    );
    assert_eq!(v1["window"]["generation"].as_u64(), Some(1));
    assert_eq!(v1["window"]["partial"].as_bool(), Some(false));
    assert_eq!(v1["window"]["gaps"].as_array().map(Vec::len), Some(0));
    assert_eq!(v1["window"]["log_first"], v1["time"]["first"]["utc"]);
    assert_eq!(v1["window"]["log_last"], v1["time"]["last"]["utc"]);

    // More lines, then a rotation: the rest of the old file, then the new one from 0.
    let more = generated(axlog_testgen::Format::NginxTimed, 250, 2);
    append(&log, &more);
    let rotated = dir.path().join("access.log.1");
    std::fs::rename(&log, &rotated).unwrap();
    let fresh = generated(axlog_testgen::Format::NginxTimed, 120, 3);
    write_file(dir.path(), "access.log", fresh.as_bytes());
    let v2 = state_run(&state, &log);
    let w2 = window_files(&v2);
    assert_eq!(w2.len(), 2);
    let end1 = first.len() as u64;
    assert_eq!(
        w2[0],
        (
            rotated.display().to_string(),
            fp.clone(),
            end1,
            end1 + more.len() as u64,
            line_count(&more)
        )
    );
    assert_eq!((w2[1].0.as_str(), w2[1].2), (path.as_str(), 0));
    assert_eq!((w2[1].3, w2[1].4), (fresh.len() as u64, line_count(&fresh)));
    assert_ne!(w2[1].1, fp);
    assert_eq!(v2["window"]["generation"].as_u64(), Some(2));

    // The text report says it in one line; a report without --state has no window.
    let out = axlog()
        .args(["report", "--state"])
        .arg(&state)
        .arg(&log)
        .output()
        .unwrap();
    assert_success(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\nWindow     no requests · 0 files, 0 lines"),
        "{text}"
    );
    let out = axlog()
        .args(["report", "--output", "json"])
        .arg(&log)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("window").is_none());
}

#[test]
fn state_reset_starts_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("web.state");
    let text = generated(axlog_testgen::Format::NginxTimed, 50, 1);
    let log = write_file(dir.path(), "access.log", text.as_bytes());
    let reset_run = || {
        axlog()
            .args(["report", "--state-reset", "--output", "json", "--state"])
            .arg(&state)
            .arg(&log)
            .output()
            .unwrap()
    };
    // On a state that reads: everything again, as a first run, and a new generation 1.
    state_run(&state, &log);
    assert_read(&state_run(&state, &log), "");
    let out = reset_run();
    assert_success(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_read(&v, &text);
    assert_eq!(v["window"]["generation"].as_u64(), Some(1));
    assert_read(&state_run(&state, &log), "");

    // On a state that does not read (another version): refused without, read with it.
    std::fs::write(&state, br#"{"format":"axlog-state","version":99}"#).unwrap();
    let out = axlog()
        .args(["report", "--state"])
        .arg(&state)
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("--state-reset"),
        "{}",
        stderr_of(&out)
    );
    let out = reset_run();
    assert_success(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_read(&v, &text);

    // Without --state it means nothing: a usage error.
    let out = axlog()
        .args(["report", "--state-reset"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_damaged_archive_commits_what_it_decoded_and_the_rest_is_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("web.state");
    let first = generated(axlog_testgen::Format::NginxTimed, 300, 1);
    let log = write_file(dir.path(), "access.log", first.as_bytes());
    state_run(&state, &log);

    // 200 more lines, then rotation and compression: `.1.gz` holds the whole old file,
    // but gzip was cut short: after the member of those bytes, a second member holding
    // another 100 lines has only its 10-byte header (nothing of it decodes).
    let more = generated(axlog_testgen::Format::NginxTimed, 200, 2);
    let lost = generated(axlog_testgen::Format::NginxTimed, 100, 3);
    let mut gz = gzip(format!("{first}{more}").as_bytes());
    gz.extend_from_slice(&gzip(lost.as_bytes())[..10]);
    // What the state saw of the file: its size then, at least what comes after it.
    append(&log, &more);
    append(&log, &lost);
    std::fs::remove_file(&log).unwrap();
    std::fs::write(dir.path().join("access.log.1.gz"), &gz).unwrap();
    let fresh = generated(axlog_testgen::Format::NginxTimed, 50, 4);
    write_file(dir.path(), "access.log", fresh.as_bytes());

    let out = axlog()
        .args(["report", "--output", "json", "--state"])
        .arg(&state)
        .arg(&log)
        .output()
        .unwrap();
    // The archive's read error fails the run; the gap is reported with it.
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("damaged archive"), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_read(&v, &format!("{more}{fresh}"));
    let files = window_files(&v);
    let decoded = (first.len() + more.len()) as u64;
    assert_eq!(
        (files[0].2, files[0].3, files[0].4),
        (first.len() as u64, decoded, line_count(&more))
    );
    let gaps = v["window"]["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0]["why"], "damaged");
    // The state saw the plain file only up to the first run: nothing known past it.
    assert_eq!(gaps[0]["bytes_at_least"].as_u64(), Some(0));

    // The archive is done: not read again, its gap not reported again.
    let v = state_run(&state, &log);
    assert_read(&v, "");

    // Damage before bytes the state saw (a partial line at the last run): those are the
    // gap's lower bound.
    let other_state = dir.path().join("other.state");
    let partial = "10.0.0.9 - - [21/Nov/2026:10:00:00 +0000] \"GET /cut";
    let other = write_file(
        dir.path(),
        "other.log",
        format!("{first}{partial}").as_bytes(),
    );
    assert_read(&state_run(&other_state, &other), &first);
    std::fs::remove_file(&other).unwrap();
    let mut gz = gzip(first.as_bytes());
    gz.extend_from_slice(&gzip(partial.as_bytes())[..10]);
    std::fs::write(dir.path().join("other.log.1.gz"), &gz).unwrap();
    write_file(dir.path(), "other.log", fresh.as_bytes());
    let out = axlog()
        .args(["report", "--output", "json", "--state"])
        .arg(&other_state)
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr_of(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_read(&v, &fresh);
    let gaps = v["window"]["gaps"].as_array().unwrap();
    assert_eq!(gaps[0]["why"], "damaged");
    assert_eq!(
        gaps[0]["bytes_at_least"].as_u64(),
        Some(partial.len() as u64)
    );
}

#[test]
fn a_run_killed_mid_read_commits_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("web.state");
    let first = generated(axlog_testgen::Format::NginxTimed, 100, 1);
    let log = write_file(dir.path(), "access.log", first.as_bytes());
    state_run(&state, &log);
    let more = generated(axlog_testgen::Format::NginxTimed, 80, 2);
    append(&log, &more);
    // Aborted after its first chunk (as a kill -9 would): no report, the state as it was.
    let before = std::fs::read(&state).unwrap();
    let out = axlog()
        .env("AXLOG_FAULT", "mid-read@1")
        .args(["report", "--output", "json", "--state"])
        .arg(&state)
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), None, "stderr: {}", stderr_of(&out));
    assert!(stderr_of(&out).contains("aborting at mid-read"));
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&state).unwrap(), before);
    // The next run reads what the killed one did not commit.
    assert_read(&state_run(&state, &log), &more);
}

#[test]
fn a_state_with_skipped_ranges_reads_only_the_holes() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("web.state");
    let text = generated(axlog_testgen::Format::NginxTimed, 300, 1);
    let log = write_file(dir.path(), "access.log", text.as_bytes());
    state_run(&state, &log);
    // As a run whose read failed part-way would leave it: lines 0..40 counted from the
    // start, 100..180 counted past a hole, the rest not.
    let ends: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
    let mut st: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    let file = &mut st["sets"][0]["files"][0];
    file["offset"] = ends[39].into();
    file["lines"] = 40.into();
    file["skip"] = serde_json::json!([{"start": ends[99], "end": ends[179], "lines": 80}]);
    std::fs::write(&state, serde_json::to_vec(&st).unwrap()).unwrap();

    let v = state_run(&state, &log);
    let holes = format!("{}{}", &text[ends[39]..ends[99]], &text[ends[179]..]);
    assert_read(&v, &holes);
    let path = log.display().to_string();
    let files = window_files(&v);
    assert_eq!(files.len(), 2);
    assert_eq!(
        (files[0].0.as_str(), files[0].2, files[0].3, files[0].4),
        (path.as_str(), ends[39] as u64, ends[99] as u64, 60)
    );
    assert_eq!(
        (files[1].2, files[1].3, files[1].4),
        (ends[179] as u64, text.len() as u64, 120)
    );
    // Committed: the whole file counted, its lines exact, nothing skipped any more.
    let st: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    let file = &st["sets"][0]["files"][0];
    assert_eq!(file["offset"].as_u64(), Some(text.len() as u64));
    assert_eq!(file["lines"].as_u64(), Some(line_count(&text)));
    assert!(file.get("skip").is_none());
    assert_read(&state_run(&state, &log), "");
}

#[test]
fn a_set_named_by_an_absolute_or_a_relative_path_is_one_set() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("web.state");
    let first = generated(axlog_testgen::Format::NginxTimed, 200, 1);
    let log = write_file(dir.path(), "access.log", first.as_bytes());
    assert_read(&state_run(&state, &log), &first);
    // The same file as `access.log` from its directory: nothing new to read.
    let more = generated(axlog_testgen::Format::NginxTimed, 50, 2);
    append(&log, &more);
    let out = axlog()
        .current_dir(dir.path())
        .args(["report", "--state"])
        .arg(&state)
        .args(["--output", "json", "access.log"])
        .output()
        .unwrap();
    assert_success(&out);
    assert_read(&serde_json::from_slice(&out.stdout).unwrap(), &more);
}
