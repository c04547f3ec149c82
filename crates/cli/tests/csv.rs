//! End-to-end tests of `report -o out/`, CSV's one file a table: every file read back
//! with the `csv` crate (and Python's `csv` module when `AXLOG_OUTPUTS_PYTHON` names a
//! Python, as scripts/test.sh does), its figures checked against the lines the test
//! wrote and counted and against the JSON report of the same pass; hostile keys (formula
//! starts, quotes, commas, line feeds, terminal escapes) neutralised and read back
//! whole; a hostile `--by field:NAME` given a safe file name.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The files every CSV output holds, whatever the run (docs/outputs.md, `## CSV`).
const ALWAYS: [&str; 15] = [
    "anomalies.csv",
    "by.csv",
    "classes.csv",
    "endpoints.csv",
    "gaps.csv",
    "latency.csv",
    "paths.csv",
    "series-by.csv",
    "series.csv",
    "servers.csv",
    "sources.csv",
    "statuses.csv",
    "summary.csv",
    "terminations.csv",
    "thresholds.csv",
];

/// A CSV file as read by the `csv` crate: the header, then the records as maps.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(path: &Path) -> Csv {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(path)
            .unwrap();
        let mut all: Vec<Vec<String>> = r
            .records()
            .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert!(!all.is_empty(), "{} has no header", path.display());
        let header = all.remove(0);
        Csv { header, rows: all }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    /// Every row's cell of `name`.
    fn column(&self, name: &str) -> Vec<&str> {
        let at = self.col(name);
        self.rows.iter().map(|r| r[at].as_str()).collect()
    }

    /// Every row's cell of `name`, as a number.
    fn numbers(&self, name: &str) -> Vec<u64> {
        self.column(name)
            .iter()
            .map(|c| c.parse().unwrap())
            .collect()
    }

    /// The only row's cell of `name`.
    fn one(&self, name: &str) -> &str {
        assert_eq!(self.rows.len(), 1, "{:?}", self.rows);
        &self.rows[0][self.col(name)]
    }
}

/// The files of a CSV directory, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Every file of `dir` read by Python's `csv` module, compared with the `csv` crate's
/// reading (header and rows, cell for cell). Skipped without `AXLOG_OUTPUTS_PYTHON`.
fn python_agrees(dir: &Path) {
    let script = "import csv, json, os, sys\n\
        d = sys.argv[1]\n\
        out = {}\n\
        for n in sorted(os.listdir(d)):\n\
        \x20   with open(os.path.join(d, n), newline='', encoding='utf-8') as f:\n\
        \x20       out[n] = list(csv.reader(f, strict=True))\n\
        print(json.dumps(out))";
    let Some(json) = common::python::run_script(script, dir) else {
        eprintln!("AXLOG_OUTPUTS_PYTHON not set: Python's csv reading is left to scripts/test.sh");
        return;
    };
    let v: BTreeMap<String, Vec<Vec<String>>> = serde_json::from_str(&json).unwrap();
    assert_eq!(v.keys().cloned().collect::<Vec<_>>(), names_in(dir));
    for (name, rows) in v {
        let c = Csv::read(&dir.join(&name));
        assert_eq!(rows[0], c.header, "{name}");
        assert_eq!(rows[1..], c.rows[..], "{name}");
    }
}

/// What the CSV holds for a key a log wrote: a formula start gets a leading `'`.
fn neutralised(key: &str) -> String {
    match key.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{key}"),
        false => key.to_string(),
    }
}

/// User agents aimed at spreadsheets (formula starts), at CSV (quote, comma, line feed)
/// and at terminals (ESC, C1's CSI, a bidi override), each with the cell the CSV must
/// hold: neutralised, and control characters other than tab, CR and LF written as the
/// terminal report writes them.
const HOSTILE_UA: [(&str, &str); 12] = [
    (
        "=HYPERLINK(\"http://x\",\"y\")",
        "'=HYPERLINK(\"http://x\",\"y\")",
    ),
    ("+1", "'+1"),
    ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+2", "'\t=1+2"),
    ("\r=1", "'\r=1"),
    ("say \"hi\"", "say \"hi\""),
    ("a,b,c", "a,b,c"),
    ("two\nlines", "two\nlines"),
    ("red\u{1b}[31mtext", "red\\x1B[31mtext"),
    ("csi\u{9b}2J", "csi\\u{9B}2J"),
    ("\u{202e}txt.exe", "\\u{202E}txt.exe"),
];

/// Paths with a comma and a quote (the request line carries them as they are).
const PATHS: [&str; 3] = ["/a,b", "/q\"x", "/plain"];

/// One request of the fixture.
struct Req {
    second: u64,
    path: &'static str,
    status: u16,
    bytes: u64,
    rt_ms: u64,
    ua: &'static str,
}

/// The hand-counted fixture: user agent `i` on `i + 1` requests, so the `--by` table's
/// order is known; statuses, sizes and times in a fixed cycle.
fn fixture_requests() -> Vec<Req> {
    const STATUSES: [u16; 6] = [200, 200, 404, 500, 301, 200];
    let mut out = Vec::new();
    for (i, (ua, _)) in HOSTILE_UA.iter().enumerate() {
        for _ in 0..=i {
            let n = out.len() as u64;
            out.push(Req {
                second: n / 3,
                path: PATHS[(n % 3) as usize],
                status: STATUSES[(n % 6) as usize],
                bytes: (n * 37) % 1000,
                rt_ms: (n * 7) % 50 + 1,
                ua,
            });
        }
    }
    out
}

/// The fixture as nginx-json lines (JSON escapes carry any character).
fn fixture_log(reqs: &[Req]) -> String {
    let mut log = String::new();
    for r in reqs {
        let line = serde_json::json!({
            "time_iso8601": format!("2026-11-21T10:{:02}:{:02}+00:00", r.second / 60, r.second % 60),
            "remote_addr": "198.51.100.4",
            "request": format!("GET {} HTTP/1.1", r.path),
            "status": r.status.to_string(),
            "body_bytes_sent": r.bytes.to_string(),
            "request_time": format!("0.{:03}", r.rt_ms),
            "http_referer": "",
            "http_user_agent": r.ua,
        });
        log.push_str(&line.to_string());
        log.push('\n');
    }
    log
}

/// The nearest-rank percentile `p` (in thousandths) of `v`.
fn nearest(v: &[u64], per_mille: u64) -> u64 {
    let mut v = v.to_vec();
    v.sort_unstable();
    let rank = (per_mille * v.len() as u64).div_ceil(1000).max(1);
    v[rank as usize - 1]
}

#[test]
fn hand_counted_fixture_reads_back_neutralised_and_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let reqs = fixture_requests();
    let n = reqs.len() as u64;
    let logp = write_file(d, "access.log", fixture_log(&reqs).as_bytes());
    let hostile_dim = "field:../../Etc/<script>=X\u{1b}";
    let out = axlog()
        .args(["report", "--format", "nginx-json", "--top", "50"])
        .args(["--by", "user-agent-raw", "--by", hostile_dim])
        .args(["-o", "out/", "-o", "r.json"])
        .arg(&logp)
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&out);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("r.json")).unwrap()).unwrap();
    let o = d.join("out");

    // The file set: the fixed files, and a `by-` file a `--by`, the hostile dimension's
    // name made safe (counted by hand from the rules in docs/outputs.md).
    let hostile_file = "by-field_._._etc_script_x_.csv";
    let mut want: Vec<&str> = ALWAYS.to_vec();
    want.extend(["by-user-agent-raw.csv", hostile_file]);
    want.sort();
    assert_eq!(names_in(&o), want);
    let index = Csv::read(&o.join("by.csv"));
    assert_eq!(
        index.column("file"),
        ["by-user-agent-raw.csv", hostile_file]
    );
    // The dimension itself is a cell: its escape written as text.
    assert_eq!(
        index.column("dimension"),
        ["user-agent-raw", "field:../../Etc/<script>=X\\x1B"]
    );

    // summary.csv: the figures the test counted.
    let s = Csv::read(&o.join("summary.csv"));
    assert_eq!(s.one("requests"), n.to_string());
    assert_eq!(s.one("lines_read"), n.to_string());
    assert_eq!(s.one("lines_malformed"), "0");
    let bytes: u64 = reqs.iter().map(|r| r.bytes).sum();
    assert_eq!(s.one("bytes_sent"), bytes.to_string());
    let n5 = reqs.iter().filter(|r| r.status >= 500).count() as u64;
    assert_eq!(s.one("status_5xx"), n5.to_string());
    assert_eq!(s.one("first"), "2026-11-21T10:00:00Z");
    let last = reqs.last().unwrap().second;
    assert_eq!(
        s.one("last"),
        format!("2026-11-21T10:{:02}:{:02}Z", last / 60, last % 60)
    );
    assert_eq!(s.one("qps_peak"), "3");
    assert_eq!(s.one("layout"), "nginx-json");
    assert_eq!(s.one("tier"), "");

    // statuses.csv and classes.csv.
    let mut counted: BTreeMap<u64, u64> = BTreeMap::new();
    for r in &reqs {
        *counted.entry(r.status as u64).or_default() += 1;
    }
    let st = Csv::read(&o.join("statuses.csv"));
    let got: BTreeMap<u64, u64> = st
        .numbers("code")
        .into_iter()
        .zip(st.numbers("count"))
        .collect();
    assert_eq!(got, counted);
    assert_eq!(got, status_counts(&v).into_iter().collect());
    assert_eq!(st.column("class"), ["2xx", "3xx", "4xx", "5xx"]);
    let cl = Csv::read(&o.join("classes.csv"));
    assert_eq!(
        cl.column("class"),
        ["1xx", "2xx", "3xx", "4xx", "5xx", "other"]
    );
    assert_eq!(cl.numbers("count"), class_counts(&v));
    assert_eq!(cl.numbers("count").iter().sum::<u64>(), n);

    // latency.csv: nearest-rank percentiles of the times the test wrote, in µs.
    let lat = Csv::read(&o.join("latency.csv"));
    assert_eq!(lat.column("latency"), ["request_time"]);
    let us: Vec<u64> = reqs.iter().map(|r| r.rt_ms * 1000).collect();
    assert_eq!(lat.one("count"), n.to_string());
    assert_eq!(lat.one("p50_us"), nearest(&us, 500).to_string());
    assert_eq!(lat.one("p99_us"), nearest(&us, 990).to_string());
    assert_eq!(lat.one("max_us"), us.iter().max().unwrap().to_string());
    assert_eq!(
        lat.one("p99_us"),
        v["latency"]["request_time"]["p99_us"].to_string()
    );

    // The `--by user-agent-raw` table: every hostile key, busiest (written most) first,
    // neutralised and whole; the JSON's keys are the exact ones.
    let by = Csv::read(&o.join("by-user-agent-raw.csv"));
    let want_keys: Vec<&str> = HOSTILE_UA.iter().rev().map(|(_, cell)| *cell).collect();
    assert_eq!(by.column("key"), want_keys);
    let want_counts: Vec<u64> = (1..=HOSTILE_UA.len() as u64).rev().collect();
    assert_eq!(by.numbers("requests"), want_counts);
    let json_keys = texts(&v["by"][0]["rows"], "key");
    let raw: Vec<&str> = HOSTILE_UA.iter().rev().map(|(ua, _)| *ua).collect();
    assert_eq!(json_keys, raw);
    for (cell, ua) in by.column("key").iter().zip(&raw) {
        if !ua
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
            && !ua.contains('\u{202e}')
        {
            assert_eq!(*cell, neutralised(ua));
        }
    }
    // The hostile dimension names no field the layout has: its table has no row.
    let h = Csv::read(&o.join(hostile_file));
    assert!(h.rows.is_empty(), "{:?}", h.rows);
    assert_eq!(h.header, by.header);

    // paths.csv: a comma and a quote read back whole.
    let paths = Csv::read(&o.join("paths.csv"));
    let mut by_path: BTreeMap<&str, u64> = BTreeMap::new();
    for r in &reqs {
        *by_path.entry(r.path).or_default() += 1;
    }
    let got: BTreeMap<&str, u64> = paths
        .column("path")
        .into_iter()
        .zip(paths.numbers("count"))
        .collect();
    assert_eq!(got, by_path);

    // series.csv: its buckets add up to the requests, a bucket for each of the JSON's.
    let series = Csv::read(&o.join("series.csv"));
    assert_eq!(
        series.rows.len(),
        v["series"]["buckets"].as_array().unwrap().len()
    );
    assert_eq!(series.numbers("requests").iter().sum::<u64>(), n);
    assert_eq!(series.numbers("status_5xx").iter().sum::<u64>(), n5);
    assert_eq!(series.numbers("bytes_sent").iter().sum::<u64>(), bytes);
    let epochs = series.numbers("start_epoch");
    assert!(epochs.windows(2).all(|w| w[0] < w[1]), "{epochs:?}");

    // sources.csv: the one input.
    let src = Csv::read(&o.join("sources.csv"));
    assert_eq!(src.one("lines"), n.to_string());
    assert_eq!(src.one("source"), logp.to_str().unwrap());

    // Nothing a terminal acts on, in any file, but the tabs, CRs and LFs of the keys.
    for name in names_in(&o) {
        let text = std::fs::read_to_string(o.join(&name)).unwrap();
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| {
                (c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
                    || ('\u{202a}'..='\u{202e}').contains(&c)
            })
            .collect();
        assert!(bad.is_empty(), "{name}: {bad:?}");
    }
    python_agrees(&o);
}

#[test]
fn bundled_sample_agrees_with_the_json_of_the_same_pass() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let log = fixture("sample/access.log");
    let lines = std::fs::read_to_string(&log).unwrap().lines().count() as u64;
    let out = axlog()
        .args(["report", "--by", "endpoint", "--by", "status-class,method"])
        .args(["--series-by", "endpoint"])
        .args(["-o", "tables.csv", "-o", "r.json"])
        .arg(&log)
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&out);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("r.json")).unwrap()).unwrap();
    let o = d.join("tables.csv");
    assert!(o.is_dir());
    let requests = v["requests"].as_u64().unwrap();

    let s = Csv::read(&o.join("summary.csv"));
    assert_eq!(s.one("lines_read"), lines.to_string());
    assert_eq!(s.one("requests"), requests.to_string());
    assert_eq!(s.one("bytes_sent"), v["bytes_sent"].to_string());
    assert_eq!(s.one("qps_peak"), v["qps"]["peak"].to_string());
    assert_eq!(
        s.one("first_epoch_us"),
        v["time"]["first"]["epoch_us"].to_string()
    );
    assert_eq!(
        s.one("p99_us"),
        v["latency"]["request_time"]["p99_us"].to_string()
    );

    let st = Csv::read(&o.join("statuses.csv"));
    let got: Vec<(u64, u64)> = st
        .numbers("code")
        .into_iter()
        .zip(st.numbers("count"))
        .collect();
    assert_eq!(got, status_counts(&v));
    assert_eq!(st.numbers("count").iter().sum::<u64>(), requests);

    // Both latencies the sample logs, each as the JSON's.
    let lat = Csv::read(&o.join("latency.csv"));
    assert_eq!(
        lat.column("latency"),
        ["request_time", "upstream_response_time"]
    );
    for (row, name) in lat
        .rows
        .iter()
        .zip(["request_time", "upstream_response_time"])
    {
        let j = &v["latency"][name];
        for (i, col) in lat.header.iter().enumerate() {
            if col != "latency" && col != "tier" {
                assert_eq!(row[i], j[col].to_string(), "{name} {col}");
            }
        }
    }

    // The endpoint rankings, each list in the JSON's order.
    let e = Csv::read(&o.join("endpoints.csv"));
    for (ranking, list) in [
        ("requests", "by_requests"),
        ("p99", "by_p99"),
        ("5xx", "by_5xx"),
    ] {
        let rows: Vec<&Vec<String>> = e
            .rows
            .iter()
            .filter(|r| r[e.col("ranking")] == ranking)
            .collect();
        let j = v["top_endpoints"][list].as_array().unwrap();
        assert_eq!(rows.len(), j.len(), "{ranking}");
        for (k, (r, j)) in rows.iter().zip(j).enumerate() {
            assert_eq!(r[e.col("rank")], (k + 1).to_string());
            assert_eq!(r[e.col("endpoint")], j["endpoint"].as_str().unwrap());
            assert_eq!(r[e.col("count")], j["count"].to_string());
            assert_eq!(r[e.col("status_5xx")], j["status_5xx"].to_string());
        }
    }

    let p = Csv::read(&o.join("paths.csv"));
    assert_eq!(
        p.column("path")
            .into_iter()
            .zip(p.numbers("count"))
            .map(|(a, b)| (a.to_string(), b))
            .collect::<Vec<_>>(),
        top_paths(&v)
    );

    // `--by endpoint`: its rows as the JSON's.
    let by = Csv::read(&o.join("by-endpoint.csv"));
    let rows = v["by"][0]["rows"].as_array().unwrap();
    assert_eq!(by.rows.len(), rows.len());
    for (r, j) in by.rows.iter().zip(rows) {
        assert_eq!(r[by.col("key")], j["key"].as_str().unwrap());
        for col in ["requests", "status_4xx", "status_5xx", "bytes_sent"] {
            assert_eq!(r[by.col(col)], j[col].to_string(), "{col}");
        }
        assert_eq!(r[by.col("p99_us")], j["latency"]["p99_us"].to_string());
    }

    // The two-level table: each row, then its sub-rows, as the JSON nests them.
    let two = Csv::read(&o.join("by-status-class_method.csv"));
    let mut want: Vec<(String, String, String, String)> = Vec::new();
    for j in v["by"][1]["rows"].as_array().unwrap() {
        let key = j["key"].as_str().unwrap().to_string();
        want.push((
            "1".into(),
            key.clone(),
            String::new(),
            j["requests"].to_string(),
        ));
        for sub in j["rows"].as_array().unwrap() {
            let sk = sub["key"].as_str().unwrap().to_string();
            want.push(("2".into(), key.clone(), sk, sub["requests"].to_string()));
        }
    }
    let got: Vec<(String, String, String, String)> = two
        .rows
        .iter()
        .map(|r| {
            (
                r[two.col("level")].clone(),
                r[two.col("key")].clone(),
                r[two.col("sub_key")].clone(),
                r[two.col("requests")].clone(),
            )
        })
        .collect();
    assert_eq!(got, want);
    // The first level's rows add up to every request with a status.
    let level1: u64 = got
        .iter()
        .filter(|g| g.0 == "1")
        .map(|g| g.3.parse::<u64>().unwrap())
        .sum();
    assert_eq!(level1, requests);

    // series.csv, bucket for bucket.
    let series = Csv::read(&o.join("series.csv"));
    let buckets = v["series"]["buckets"].as_array().unwrap();
    assert_eq!(series.rows.len(), buckets.len());
    for (r, b) in series.rows.iter().zip(buckets) {
        for col in ["start", "start_epoch", "requests", "status_5xx", "p99_us"] {
            let j = match &b[col] {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                x => x.to_string(),
            };
            assert_eq!(r[series.col(col)], j, "{col}");
        }
    }
    assert_eq!(series.numbers("requests").iter().sum::<u64>(), requests);

    // series-by.csv: each key's buckets, at the series' starts, adding up to its
    // requests as the JSON's rows have them.
    let sb = Csv::read(&o.join("series-by.csv"));
    let json_rows = v["series_by"]["rows"].as_array().unwrap();
    assert!(!json_rows.is_empty());
    assert_eq!(sb.rows.len(), json_rows.len() * buckets.len());
    for (j, chunk) in json_rows.iter().zip(sb.rows.chunks(buckets.len())) {
        let mut sum = 0;
        for (r, b) in chunk.iter().zip(buckets) {
            assert_eq!(r[sb.col("dimension")], "endpoint");
            assert_eq!(r[sb.col("key")], j["key"].as_str().unwrap());
            assert_eq!(r[sb.col("start_epoch")], b["start_epoch"].to_string());
            sum += r[sb.col("requests")].parse::<u64>().unwrap();
        }
        assert_eq!(sum, j["requests"].as_u64().unwrap());
    }

    // The anomalies the JSON lists, row for row.
    let an = Csv::read(&o.join("anomalies.csv"));
    let list = v["anomalies"]["anomalies"].as_array().unwrap();
    assert_eq!(an.rows.len(), list.len());
    for (r, a) in an.rows.iter().zip(list) {
        assert_eq!(r[an.col("kind")], a["kind"].as_str().unwrap());
        assert_eq!(r[an.col("start_epoch")], a["start_epoch"].to_string());
    }
    python_agrees(&o);
}

#[test]
fn fired_thresholds_are_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let log = fixture("sample/access.log");
    let out = axlog()
        .args([
            "report",
            "--fail-if",
            "requests > 10",
            "--fail-if",
            "qps > 1000000",
        ])
        .args(["-o", "out/", "-o", "r.json"])
        .arg(&log)
        .current_dir(d)
        .output()
        .unwrap();
    // A threshold fired (exit 3): the files are written all the same.
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("r.json")).unwrap()).unwrap();
    let t = Csv::read(&d.join("out/thresholds.csv"));
    assert_eq!(t.column("expr"), ["requests > 10", "qps > 1000000"]);
    assert_eq!(t.column("fired"), ["true", "false"]);
    let fired = &v["thresholds"]["fired"][0];
    let value: f64 = t.rows[0][t.col("value")].parse().unwrap();
    assert_eq!(Some(value), fired["value"].as_f64());
    assert_eq!(t.rows[1][t.col("value")], "");
}

#[test]
fn tiers_are_a_last_column_and_haproxy_has_its_tables() {
    use axlog_testgen::{DEFAULT_START, Format};
    use common::generate::{config, generated_with};
    use common::reference::{self, nearest_of};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut lb = config(Format::HaproxyHttp, 1_500, 3);
    lb.start_epoch_s = DEFAULT_START - 30;
    let lb_text = generated_with(lb);
    let web_text = generated_with(config(Format::NginxTimed, 800, 4));
    let lb_log = write_file(d, "lb.log", lb_text.as_bytes());
    let web_log = write_file(d, "web.log", web_text.as_bytes());
    let out = axlog()
        .args(["report", "--by", "server", "-o", "out/", "-o", "r.json"])
        .args([&lb_log, &web_log])
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&out);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("r.json")).unwrap()).unwrap();
    let o = d.join("out");
    let lb_reqs: Vec<reference::Req> = lb_text.lines().filter_map(reference::haproxy).collect();
    let web_reqs: Vec<reference::Req> = web_text
        .lines()
        .filter_map(|l| reference::nginx(l, false))
        .collect();

    // A row a tier, the balancer first, each with the reference's requests, 5xx and p99
    // (HAProxy's Ta, nginx's request time).
    let s = Csv::read(&o.join("summary.csv"));
    assert_eq!(s.column("tier"), ["load balancer", "web"]);
    let tiers = [&lb_reqs, &web_reqs];
    let want: Vec<u64> = tiers.iter().map(|r| r.len() as u64).collect();
    assert_eq!(s.numbers("requests"), want);
    let want: Vec<u64> = tiers
        .iter()
        .map(|r| r.iter().filter(|q| (500..600).contains(&q.status)).count() as u64)
        .collect();
    assert_eq!(s.numbers("status_5xx"), want);
    let want: Vec<u64> = tiers
        .iter()
        .map(|r| nearest_of(r.iter().filter_map(|q| q.latency_us).collect(), 990_000).unwrap())
        .collect();
    assert_eq!(s.numbers("p99_us"), want);

    // sources.csv: the run's inputs, each with its tier.
    let src = Csv::read(&o.join("sources.csv"));
    assert_eq!(src.column("tier"), ["load balancer", "web"]);
    assert_eq!(
        src.numbers("lines"),
        [
            lb_text.lines().count() as u64,
            web_text.lines().count() as u64
        ]
    );

    // HAProxy's timers are the balancer's rows of latency.csv, Ta as the reference.
    let lat = Csv::read(&o.join("latency.csv"));
    let lb_rows: Vec<&str> = lat
        .rows
        .iter()
        .filter(|r| r[lat.col("tier")] == "load balancer")
        .map(|r| r[lat.col("latency")].as_str())
        .collect();
    assert!(lb_rows.contains(&"haproxy_ta"), "{lb_rows:?}");
    let ta = lat
        .rows
        .iter()
        .find(|r| r[lat.col("latency")] == "haproxy_ta")
        .unwrap();
    let ta_us: Vec<u64> = lb_reqs.iter().filter_map(|q| q.latency_us).collect();
    assert_eq!(ta[lat.col("count")], ta_us.len().to_string());
    assert_eq!(
        ta[lat.col("max_us")],
        ta_us.iter().max().unwrap().to_string()
    );

    // servers.csv: each pair's requests as the reference counts them, all the balancer's.
    let mut by_server: BTreeMap<String, u64> = BTreeMap::new();
    for q in &lb_reqs {
        *by_server.entry(q.keys["server"].clone()).or_default() += 1;
    }
    let sv = Csv::read(&o.join("servers.csv"));
    assert!(!sv.rows.is_empty());
    for r in &sv.rows {
        assert_eq!(r[sv.col("tier")], "load balancer");
        let server = &r[sv.col("server")];
        assert_eq!(
            r[sv.col("count")],
            by_server[server].to_string(),
            "{server}"
        );
    }

    // terminations.csv: every state as the reference counts it (a state starting with
    // `-` neutralised), then the phases; each list adds up to the balancer's requests.
    let mut states: BTreeMap<String, u64> = BTreeMap::new();
    let mut phases: BTreeMap<String, u64> = BTreeMap::new();
    for q in &lb_reqs {
        let st = &q.keys["termination_state"];
        *states.entry(neutralised(st)).or_default() += 1;
        *phases.entry(neutralised(&st[..2])).or_default() += 1;
    }
    // HAProxy's normal end, `----`, is one of them.
    assert!(states.contains_key("'----"), "{states:?}");
    let t = Csv::read(&o.join("terminations.csv"));
    for (kind, want) in [("state", &states), ("phase", &phases)] {
        let got: BTreeMap<String, u64> = t
            .rows
            .iter()
            .filter(|r| r[t.col("kind")] == kind)
            .map(|r| {
                (
                    r[t.col("state")].clone(),
                    r[t.col("count")].parse().unwrap(),
                )
            })
            .collect();
        assert_eq!(&got, want, "{kind}");
    }

    // The `--by server` table: the balancer's rows as the JSON's; the web tier's lines
    // have no server (its index row says so).
    let index = Csv::read(&o.join("by.csv"));
    assert_eq!(index.column("tier"), ["load balancer", "web"]);
    assert_eq!(index.column("file"), ["by-server.csv", "by-server.csv"]);
    assert_eq!(
        index.column("requests_without_key")[1],
        web_reqs.len().to_string()
    );
    let by = Csv::read(&o.join("by-server.csv"));
    let json_rows = v["tiers"][0]["summary"]["by"][0]["rows"]
        .as_array()
        .unwrap();
    assert_eq!(by.rows.len(), json_rows.len());
    for (r, j) in by.rows.iter().zip(json_rows) {
        assert_eq!(r[by.col("key")], j["key"].as_str().unwrap());
        assert_eq!(
            r[by.col("requests")],
            by_server[&r[by.col("key")]].to_string()
        );
    }
    python_agrees(&o);
}
