//! The README's "Running from cron" blocks, run as written: the crontab lines, the
//! systemd service and timer (checked by `systemd-analyze verify` when it is there, and
//! their `ExecStart=` lines run), and the logrotate configuration (run by the real
//! `logrotate` when it is installed: `.ci/run` installs it). Only the directories change:
//! `/var/log/nginx`, `/var/lib/axlog`, `/var/lib/prometheus/node-exporter` and
//! `/srv/parquet` become temporary ones, and `axlog` is the binary under test.

mod common;

use common::generate::generated;
use common::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The fenced block that follows `<!-- tested: NAME -->` in the README.
fn block(readme: &str, name: &str) -> String {
    let marker = format!("<!-- tested: {name} -->");
    let at = readme
        .find(&marker)
        .unwrap_or_else(|| panic!("README has no block {marker}"));
    let rest = &readme[at + marker.len()..];
    let open = rest.find("```").expect("a fenced block follows the marker");
    let body = &rest[open..];
    let body = &body[body.find('\n').unwrap() + 1..];
    let close = body.find("\n```").expect("the block is closed");
    body[..close + 1].to_string()
}

/// Where the README's directories are in this test.
struct Dirs {
    _tmp: tempfile::TempDir,
    logs: PathBuf,
    lib: PathBuf,
    parquet: PathBuf,
    textfile: PathBuf,
    bin: PathBuf,
}

impl Dirs {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let sub = |n: &str| {
            let p = tmp.path().join(n);
            fs::create_dir_all(&p).unwrap();
            p
        };
        // Names that do not contain the README's own, so localizing twice changes nothing.
        let (logs, lib, parquet) = (sub("logs"), sub("state"), sub("rows"));
        let textfile = sub("textfile");
        let bin = assert_cmd::cargo::cargo_bin("axlog");
        Dirs {
            _tmp: tmp,
            logs,
            lib,
            parquet,
            textfile,
            bin,
        }
    }

    /// `text` with the README's directories and binary path replaced by this test's.
    fn localize(&self, text: &str) -> String {
        text.replace("/var/log/nginx", &self.logs.display().to_string())
            .replace("/var/lib/axlog", &self.lib.display().to_string())
            .replace("/srv/parquet", &self.parquet.display().to_string())
            .replace(
                "/var/lib/prometheus/node-exporter",
                &self.textfile.display().to_string(),
            )
            .replace("/usr/local/bin/axlog", &self.bin.display().to_string())
    }

    /// The `PATH` with the directory of the `axlog` under test first.
    fn path_with_axlog(&self) -> String {
        format!(
            "{}:{}",
            self.bin.parent().unwrap().display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    /// Runs `command` with `sh -c`, `axlog` on the PATH; it must succeed.
    fn sh(&self, command: &str) {
        let out = Command::new("sh")
            .arg("-c")
            .arg(self.localize(command))
            .env("PATH", self.path_with_axlog())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "`{command}` failed: {}",
            stderr_of(&out)
        );
    }
}

/// The entries of a crontab block: (schedule, command), comments and blank lines left out.
fn crontab_entries(block: &str) -> Vec<(String, String)> {
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let fields: Vec<&str> = l.splitn(6, ' ').collect();
            assert_eq!(fields.len(), 6, "not a crontab entry: {l}");
            (fields[..5].join(" "), fields[5].to_string())
        })
        .collect()
}

/// The `ExecStart=` commands of a systemd unit.
fn exec_starts(unit: &str) -> Vec<String> {
    unit.lines()
        .filter_map(|l| l.trim().strip_prefix("ExecStart="))
        .map(str::to_string)
        .collect()
}

/// Where `tool` is: on the `PATH`, or in the sbin directories a user's `PATH` may lack.
fn which(tool: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':')
        .chain(["/usr/sbin", "/sbin", "/usr/bin"])
        .map(|d| Path::new(d).join(tool))
        .find(|p| p.is_file())
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

/// Appends `n` generated lines to `log`, and to `written`.
fn write(log: &Path, written: &mut String, n: u64, seed: u64) {
    let text = generated(axlog_testgen::Format::NginxTimed, n, seed);
    append(log, &text);
    written.push_str(&text);
}

/// The requests among `text`'s lines, by a plain `axlog report` over them.
fn requests_of(dirs: &Dirs, text: &str) -> u64 {
    let file = write_file(&dirs.lib, "reference.log", text.as_bytes());
    let out = axlog()
        .args(["report", "--output", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_success(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    fs::remove_file(file).unwrap();
    v["requests"].as_u64().unwrap()
}

/// The cron job's files all hold `requests` requests: the JSON, the Markdown report's
/// headline, the Prometheus textfile's counters by source and status class, the Parquet rows.
fn assert_outputs(dirs: &Dirs, requests: u64) {
    assert_eq!(
        json(&dirs.lib.join("total.json"))["requests"].as_u64(),
        Some(requests)
    );
    let md = fs::read_to_string(dirs.lib.join("report.md")).unwrap();
    assert!(
        md.contains(&format!("**{} requests**", group_digits(requests))),
        "{md}"
    );
    let prom = fs::read_to_string(dirs.textfile.join("axlog.prom")).unwrap();
    let by_class: u64 = prom
        .lines()
        // By source and class: every sample summed is every request.
        .filter(|l| l.starts_with("axlog_requests_total{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(by_class, requests, "{prom}");
    assert_eq!(rows(dirs), requests);
}

/// The rows under the Parquet directory.
fn rows(dirs: &Dirs) -> u64 {
    common::parquet_rows::bytes_sent(&dirs.parquet).len() as u64
}

#[test]
fn the_readmes_cron_systemd_and_logrotate_blocks_work_as_written() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let dirs = Dirs::new();
    let log = dirs.logs.join("access.log");
    let mut written = String::new();

    // The crontab's entries, once: the five-minute ones first, then the morning report.
    let cron = crontab_entries(&block(&readme, "crontab"));
    assert_eq!(cron.len(), 3);
    write(&log, &mut written, 300, 1);
    let (every5, daily): (Vec<_>, Vec<_>) =
        cron.iter().partition(|(when, _)| when == "*/5 * * * *");
    assert_eq!(daily.len(), 1);
    for (_, command) in &every5 {
        dirs.sh(command);
    }
    let want = requests_of(&dirs, &written);
    assert_outputs(&dirs, want);

    // logrotate as nginx ships it rotates twice (the second time the first rotated file
    // is compressed), with lines written before and after each; the paths are this
    // test's and, when not run as root, `create` keeps the owner (chown needs root).
    let conf = dirs.localize(&block(&readme, "logrotate"));
    let conf = if is_root() {
        conf
    } else {
        conf.replace("create 0640 www-data adm", "create 0640")
    };
    let conf_path = dirs.lib.join("nginx.logrotate");
    fs::write(&conf_path, conf).unwrap();
    let logrotate = |dirs: &Dirs| {
        let Some(logrotate) = which("logrotate") else {
            // As logrotate would, by hand: the older file compressed, the live one renamed.
            let one = dirs.logs.join("access.log.1");
            if one.exists() {
                let text = fs::read(&one).unwrap();
                fs::write(dirs.logs.join("access.log.2.gz"), gzip(&text)).unwrap();
                fs::remove_file(&one).unwrap();
            }
            fs::rename(dirs.logs.join("access.log"), &one).unwrap();
            fs::write(dirs.logs.join("access.log"), b"").unwrap();
            return;
        };
        let out = Command::new(logrotate)
            .arg("-f")
            .arg("-s")
            .arg(dirs.lib.join("logrotate.status"))
            .arg(&conf_path)
            .output()
            .unwrap();
        assert!(out.status.success(), "logrotate: {}", stderr_of(&out));
    };
    write(&log, &mut written, 200, 2);
    logrotate(&dirs);
    write(&log, &mut written, 100, 3);
    logrotate(&dirs);
    assert!(dirs.logs.join("access.log.2.gz").exists());
    write(&log, &mut written, 50, 4);

    // The systemd units: valid for systemd, and their commands do the crontab's job.
    let service = dirs.localize(&block(&readme, "axlog.service"));
    let timer = block(&readme, "axlog.timer");
    if let Some(analyze) = which("systemd-analyze") {
        let units = dirs.lib.join("units");
        fs::create_dir_all(&units).unwrap();
        fs::write(units.join("axlog.service"), &service).unwrap();
        fs::write(units.join("axlog.timer"), &timer).unwrap();
        let out = Command::new(analyze)
            .arg("verify")
            .arg(units.join("axlog.service"))
            .arg(units.join("axlog.timer"))
            .output()
            .unwrap();
        assert!(out.status.success(), "systemd-analyze: {}", stderr_of(&out));
    }
    let starts = exec_starts(&service);
    assert_eq!(starts.len(), 2);
    for command in &starts {
        dirs.sh(command);
    }
    let want = requests_of(&dirs, &written);
    assert_outputs(&dirs, want);

    // The morning report: the same totals, as text.
    let (_, morning) = daily[0];
    let out = Command::new("sh")
        .arg("-c")
        .arg(dirs.localize(morning))
        .env("PATH", dirs.path_with_axlog())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    let requests_line = text.lines().find(|l| l.starts_with("Requests")).unwrap();
    assert_eq!(
        requests_line.split_whitespace().nth(1),
        Some(group_digits(want).as_str()),
        "{text}"
    );
}

/// `n` with thousands separators, as the text report writes counts.
fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
