//! The cron harness (issue 18): a writer appends lines and rotates its files every way
//! logrotate and operators do; between rotations, the cron job's two commands run,
//! `axlog report --state` (keeping a cumulative total) and `axlog convert --state`; a
//! third of the runs crash at a chosen step (`AXLOG_FAULT`) or are killed, and are then
//! run again. At the end, against one run over every line written at once (lines
//! deleted unread are the only ones missing): the windows of the report runs that
//! committed add up to its lines, requests, bytes and status counts; the total kept in
//! the state (`report --from-state`) has its counts and nearest-rank percentiles; the
//! Parquet rows are its rows, each once (read back here, and by DuckDB when
//! `AXLOG_DUCKDB_PYTHON` names a Python that has it, as `scripts/test.sh` does); and the
//! runs reported exactly the gaps they could know of. `AXLOG_CRON_CYCLES` raises the
//! number of cycles.

mod common;

use common::parquet_rows::bytes_sent;
use common::rotor::{Naming, ROTATIONS, Rng, Rotation, Rotor};
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// The steps of a report run a crash is injected at (crates/engine/src/state/fault.rs).
const FAULTS: [&str; 6] = [
    "after-lock",
    "after-resolve",
    "mid-read@1",
    "after-report",
    "before-state-rename",
    "after-state-rename",
];

/// The steps of a convert run a crash is injected at: the Parquet files' too.
const CONVERT_FAULTS: [&str; 7] = [
    "after-resolve",
    "mid-read@1",
    "after-parquet-staged",
    "after-journal",
    "after-parquet-publish",
    "before-state-rename",
    "after-state-rename",
];

/// What the committed runs counted, added up.
#[derive(Debug, Default, PartialEq, Eq)]
struct Totals {
    lines: u64,
    requests: u64,
    malformed: u64,
    bytes: u64,
    status: BTreeMap<u64, u64>,
}

impl Totals {
    fn add(&mut self, v: &Value) {
        self.lines += v["lines"]["read"].as_u64().unwrap();
        self.malformed += v["lines"]["malformed"].as_u64().unwrap();
        self.requests += v["requests"].as_u64().unwrap();
        self.bytes += v["bytes_sent"].as_u64().unwrap();
        for c in v["status"]["codes"].as_array().unwrap() {
            *self.status.entry(c["code"].as_u64().unwrap()).or_default() +=
                c["count"].as_u64().unwrap();
        }
    }
}

/// The state's generation: it advances once per committed run (0: no state yet).
fn generation(state: &Path) -> u64 {
    match std::fs::read(state) {
        Ok(b) => serde_json::from_slice::<Value>(&b).unwrap()["generation"]
            .as_u64()
            .unwrap(),
        Err(_) => 0,
    }
}

/// The cron job's report: its window as JSON; the first run that commits starts the
/// state's total (`--cumulative`), which every later run adds to.
fn report_cmd(state: &Path, live: &Path) -> std::process::Command {
    let mut c = axlog_std();
    c.args(["report", "--state"]).arg(state);
    if generation(state) == 0 {
        c.arg("--cumulative");
    }
    c.args(["--output", "json", "-j", "2"])
        .arg(live)
        .env_remove("AXLOG_FAULT");
    c
}

/// The cron job's Parquet: every new line a row under `out`.
fn convert_cmd(state: &Path, live: &Path, out: &Path) -> std::process::Command {
    let mut c = axlog_std();
    c.args(["convert", "--quiet", "--state"])
        .arg(state)
        .args(["-j", "2", "-o"])
        .arg(out)
        .arg(live)
        .env_remove("AXLOG_FAULT");
    c
}

/// Runs `cmd`, or kills it after `kill_after`.
fn output(mut cmd: std::process::Command, kill_after: Option<Duration>) -> Output {
    match kill_after {
        None => cmd.output().unwrap(),
        Some(d) => {
            let mut child = cmd
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            std::thread::sleep(d);
            let _ = child.kill();
            child.wait_with_output().unwrap()
        }
    }
}

/// The gap bytes a run reported: in its JSON window when it has one, else on stderr.
fn gap_bytes(v: &Value, out: &Output) -> u64 {
    if let Some(gaps) = v["window"]["gaps"].as_array() {
        return gaps
            .iter()
            .map(|g| g["bytes_at_least"].as_u64().unwrap())
            .sum();
    }
    stderr_of(out)
        .lines()
        .filter_map(|l| l.split("gap: at least ").nth(1))
        .map(|rest| rest.split(' ').next().unwrap().parse::<u64>().unwrap())
        .sum()
}

struct Harness {
    rotor: Rotor,
    rng: Rng,
    state: std::path::PathBuf,
    convert_state: std::path::PathBuf,
    parquet: std::path::PathBuf,
    totals: Totals,
    gaps: u64,
    crashes: BTreeMap<String, u64>,
}

impl Harness {
    /// Runs one report; keeps its output when the state says it committed.
    fn run(&mut self, fault: Option<&str>, kill_after: Option<Duration>) {
        let before = generation(&self.state);
        let state_before = std::fs::read_to_string(&self.state).unwrap_or_default();
        let mut cmd = report_cmd(&self.state, &self.rotor.live());
        if let Some(f) = fault {
            cmd.env("AXLOG_FAULT", f);
        }
        let out = output(cmd, kill_after);
        let after = generation(&self.state);
        let label = fault.map_or_else(|| "killed".to_string(), str::to_string);
        if after == before {
            assert!(
                fault.is_some() || kill_after.is_some(),
                "a clean run did not commit: {}",
                stderr_of(&out)
            );
            *self.crashes.entry(label).or_default() += 1;
            return;
        }
        assert_eq!(after, before + 1, "one commit per run");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "a run that committed ({label}) printed no whole report: {e}\n{}",
                stderr_of(&out)
            )
        });
        if fault.is_none() && kill_after.is_none() {
            let gap = gap_bytes(&v, &out);
            let code = out.status.code();
            assert!(
                code == Some(0) || (code == Some(5) && gap > 0),
                "exit {code:?}, gap {gap}: {}",
                stderr_of(&out)
            );
        }
        self.gaps += gap_bytes(&v, &out);
        self.totals.add(&v);
        let files = self.rotor.describe();
        let new = self.rotor.commit();
        // Each run that commits reads exactly the lines completed since the last one.
        assert_eq!(
            v["lines"]["read"].as_u64(),
            Some(new.split_terminator('\n').count() as u64),
            "run {label} after {:?}; files before: {files}; window: {}; state before: {state_before}; stderr: {}",
            self.rotor.log,
            v["window"],
            stderr_of(&out)
        );
        self.rotor.log.clear();
    }

    /// Runs one convert; a clean one must commit.
    fn convert(&mut self, fault: Option<&str>, kill_after: Option<Duration>) {
        let before = generation(&self.convert_state);
        let mut cmd = convert_cmd(&self.convert_state, &self.rotor.live(), &self.parquet);
        if let Some(f) = fault {
            cmd.env("AXLOG_FAULT", f);
        }
        let out = output(cmd, kill_after);
        let after = generation(&self.convert_state);
        if fault.is_none() && kill_after.is_none() {
            let code = out.status.code();
            assert!(
                after == before + 1 && (code == Some(0) || code == Some(5)),
                "convert: exit {code:?}: {}",
                stderr_of(&out)
            );
        } else if after == before {
            let label = fault.map_or("killed", |f| f);
            *self.crashes.entry(format!("convert {label}")).or_default() += 1;
        }
    }

    fn cycle(&mut self) {
        // Sometimes the live file is deleted first, with the line the last run saw being
        // written: a gap the next run knows the exact size of.
        if self.rng.chance(1, 12) {
            self.rotor.rotate(Rotation::DeleteUnread);
        }
        let n = 20 + self.rng.below(300);
        let cut = self.rng.chance(1, 4);
        self.rotor.write(n, cut);
        if self.rng.chance(2, 5) {
            let kind = ROTATIONS[self.rng.below(ROTATIONS.len() as u64) as usize];
            self.rotor.rotate(kind);
            // Sometimes a second rotation before the run (a run missed, a busy day).
            if self.rng.chance(1, 5) {
                self.rotor.write(10 + self.rng.below(100), false);
                let kind = ROTATIONS[self.rng.below(ROTATIONS.len() as u64) as usize];
                if kind != Rotation::DeleteUnread && kind != Rotation::Replace {
                    self.rotor.rotate(kind);
                }
            }
        }
        if self.rng.chance(1, 3) {
            let fault = FAULTS[self.rng.below(FAULTS.len() as u64) as usize];
            self.run(Some(fault), None);
        } else if self.rng.chance(1, 6) {
            let ms = self.rng.below(40);
            self.run(None, Some(Duration::from_millis(ms)));
        }
        // Then the cron job's next run, which must commit.
        self.run(None, None);
        if self.rng.chance(1, 3) {
            let fault = CONVERT_FAULTS[self.rng.below(CONVERT_FAULTS.len() as u64) as usize];
            self.convert(Some(fault), None);
        } else if self.rng.chance(1, 6) {
            let ms = self.rng.below(60);
            self.convert(None, Some(Duration::from_millis(ms)));
        }
        self.convert(None, None);
    }
}

fn cycles() -> u64 {
    std::env::var("AXLOG_CRON_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60)
}

/// Drives `cycles()` cycles with `naming`, then checks the union of the committed runs
/// against one run over every line counted.
fn drive(naming: Naming, seed: u64) {
    let logs = tempfile::tempdir().unwrap();
    let lib = tempfile::tempdir().unwrap();
    let mut h = Harness {
        rotor: Rotor::new(logs.path(), naming, seed),
        rng: Rng::new(seed),
        state: lib.path().join("web.state"),
        convert_state: lib.path().join("parquet.state"),
        parquet: lib.path().join("parquet"),
        totals: Totals::default(),
        gaps: 0,
        crashes: BTreeMap::new(),
    };
    for _ in 0..cycles() {
        h.cycle();
    }
    // The last line finished and read.
    h.rotor.write(1, false);
    h.run(None, None);
    h.convert(None, None);

    let reference = h.rotor.reference();
    let whole = write_file(lib.path(), "reference.log", reference.as_bytes());
    let out = axlog()
        .args(["report", "--output", "json"])
        .arg(&whole)
        .output()
        .unwrap();
    assert_success(&out);
    let want: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut expected = Totals::default();
    expected.add(&want);
    assert_eq!(
        expected.lines,
        reference.split_terminator('\n').count() as u64
    );
    assert_eq!(h.totals, expected, "crashes: {:?}", h.crashes);
    assert_eq!(h.gaps, h.rotor.expected_gap_bytes, "gap bytes reported");

    // The total the state kept: the same counts, and the same nearest-rank percentiles.
    let out = axlog()
        .args(["report", "--output", "json", "--from-state"])
        .arg(&h.state)
        .output()
        .unwrap();
    assert_success(&out);
    let total: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got = Totals::default();
    got.add(&total);
    assert_eq!(got, expected);
    for field in ["latency", "time", "qps"] {
        assert_eq!(total[field], want[field], "{field}");
    }

    // The Parquet rows: one per request of the reference, each once. The reference's own
    // rows come from a plain convert of the reference log.
    let whole_rows = lib.path().join("reference-parquet");
    let out = axlog()
        .args(["convert", "--quiet", "-o"])
        .arg(&whole_rows)
        .arg(&whole)
        .output()
        .unwrap();
    assert_success(&out);
    let rows = bytes_sent(&h.parquet);
    assert_eq!(rows.len() as u64, expected.requests);
    assert_eq!(rows, bytes_sent(&whole_rows));
    assert_eq!(rows.iter().sum::<i64>() as u64, expected.bytes);
    duckdb_check(&h.parquet, expected.requests, expected.bytes);
    eprintln!(
        "{naming:?}: {} lines in {} requests, crashes {:?}, {} bytes lost, {} gap bytes",
        h.totals.lines, h.totals.requests, h.crashes, h.rotor.lost_bytes, h.gaps
    );
    // The harness did inject crashes of several kinds, and (over the default number of
    // cycles or more) lost lines on purpose.
    assert!(h.crashes.len() >= 3, "crashes: {:?}", h.crashes);
    if cycles() >= 60 {
        assert!(h.rotor.lost_bytes > 0 && h.gaps > 0);
    }
}

/// DuckDB reads the rows as they are: `count(*)` and `sum(bytes_sent)` over every file.
/// Runs when `AXLOG_DUCKDB_PYTHON` names a Python with `duckdb` (scripts/test.sh sets it).
fn duckdb_check(dir: &Path, rows: u64, bytes: u64) {
    let script = "import duckdb, sys\n\
        q = \"select count(*), sum(bytes_sent) from read_parquet(?, hive_partitioning=true)\"\n\
        print(*duckdb.execute(q, [sys.argv[1] + '/**/*.parquet']).fetchone())";
    let Some(said) = common::python::run_script_in("AXLOG_DUCKDB_PYTHON", script, dir) else {
        eprintln!("AXLOG_DUCKDB_PYTHON not set: the DuckDB check is left to scripts/test.sh");
        return;
    };
    assert_eq!(said.trim(), format!("{rows} {bytes}"));
}

#[test]
fn numbered_rotations_and_crashes_lose_nothing_and_count_nothing_twice() {
    drive(Naming::Numbered, 18);
}

#[test]
fn dateext_rotations_and_crashes_lose_nothing_and_count_nothing_twice() {
    drive(Naming::DateExt, 1806);
}

#[test]
fn a_second_run_while_one_holds_the_state_is_refused_at_once() {
    let logs = tempfile::tempdir().unwrap();
    let lib = tempfile::tempdir().unwrap();
    let mut rotor = Rotor::new(logs.path(), Naming::Numbered, 7);
    rotor.write(200, false);
    let state = lib.path().join("web.state");
    let mut first = report_cmd(&state, &rotor.live());
    let first = first
        .env("AXLOG_FAULT", "hold-lock@3000")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The first run takes the lock as it starts; wait until it has it.
    let lock = lib.path().join("web.state.lock");
    let t0 = Instant::now();
    while std::fs::read_to_string(&lock).map_or(true, |s| s.trim().is_empty()) {
        assert!(t0.elapsed() < Duration::from_secs(20), "no lock taken");
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = report_cmd(&state, &rotor.live()).output().unwrap();
    assert_eq!(second.status.code(), Some(4), "{}", stderr_of(&second));
    let msg = stderr_of(&second);
    assert!(msg.contains("web.state.lock"), "{msg}");
    assert!(second.stdout.is_empty());
    // The first run then finishes, having read everything once.
    let first = first.wait_with_output().unwrap();
    assert_success(&first);
    let v: Value = serde_json::from_slice(&first.stdout).unwrap();
    rotor.commit();
    assert_eq!(
        v["lines"]["read"].as_u64(),
        Some(rotor.reference().split_terminator('\n').count() as u64)
    );
    assert_eq!(generation(&state), 1);
}
