//! The HTML report (`-o report.html`, issue 20) opened in a real browser: two hours of
//! generated nginx-timed traffic with an injected 5xx burst, plus lines whose path
//! carries `<script>` and whose user agent carries `"><img src=x onerror=…>`, each of
//! which would set a marker on the root element if it ever ran. Headless Chromium
//! (`AXLOG_CHROMIUM`, set by scripts/test.sh) loads the page; from the DOM it dumps the
//! test checks that the page's own script ran (its ready marker), the injected ones did
//! not, the hostile strings show as text, and each chart drew one point a bucket of the
//! JSON report of the same run. A screenshot is written for review
//! (`target/tmp/html-report.png`).
//!
//! Figures: `--rate 3` over 2 hours from 09:30 UTC is about 27,500 lines (120 buckets
//! of a minute); the hostile lines are 600, one every 12 s.

mod common;

use axlog_testgen::{Config, DEFAULT_START, Format, Limit};
use common::{assert_success, axlog, write_file};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A path and a user agent that would mark the page if their markup ever ran.
const SCRIPT_PATH: &str = "/<script>document.documentElement.dataset.pwned='1'</script>";
const IMG_UA: &str = "\"><img src=x onerror=\"document.documentElement.dataset.pwned='2'\">";
const HOSTILE_LINES: i64 = 600;

/// 09:30 UTC on the generator's day.
const START: i64 = DEFAULT_START + 9 * 3600 + 30 * 60;

/// The log: calm traffic with a 5-minute 5xx burst at 10:30, the hostile lines, and one
/// malformed line holding an escape sequence.
fn log() -> String {
    let config = Config {
        format: Format::NginxTimed,
        limit: Limit::Seconds(2 * 3600),
        start_epoch_s: START,
        rate: 3.0,
        calm: true,
        events: vec![
            "errors@2026-11-21T10:30:00Z/5m:endpoint=/api/v1/cart"
                .parse()
                .unwrap(),
        ],
        ..Config::default()
    };
    // First, so it is among the malformed samples kept.
    let mut log = String::from("not a log line \u{1b}[31m<b>red</b>\n");
    log.push_str(&String::from_utf8_lossy(&axlog_testgen::generate(&config)));
    for i in 0..HOSTILE_LINES {
        let t = 5 + i * 12;
        log.push_str(&format!(
            "10.6.6.6 - - [21/Nov/2026:{:02}:{:02}:{:02} +0000] \"GET {SCRIPT_PATH} HTTP/1.1\" \
             200 5 \"-\" \"{IMG_UA}\" 0.010 0.009\n",
            9 + (30 * 60 + t) / 3600,
            (30 * 60 + t) % 3600 / 60,
            t % 60
        ));
    }
    log
}

/// The report of `log` as HTML and JSON from one run, in `dir`.
fn report(dir: &Path) -> (String, Value) {
    let logp = write_file(dir, "access.log", log().as_bytes());
    let out = axlog()
        .args(["report", "--format", "nginx-timed", "--top", "20"])
        .args(["--by", "user-agent-raw", "--by", "path"])
        .args(["-o", "r.html", "-o", "r.json"])
        .arg(&logp)
        .current_dir(dir)
        .output()
        .unwrap();
    assert_success(&out);
    let html = std::fs::read_to_string(dir.join("r.html")).unwrap();
    let json = std::fs::read_to_string(dir.join("r.json")).unwrap();
    (html, serde_json::from_str(&json).unwrap())
}

/// `s` as an HTML serialiser writes it in text: `&`, `<`, `>` as entities.
fn as_dom_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `s` as axlog's escaper writes it: `& < > " '` as entities.
fn as_page_text(s: &str) -> String {
    as_dom_text(s).replace('"', "&quot;").replace('\'', "&#39;")
}

/// The markup with every `<code>…</code>` (log text) taken out.
fn without_code(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<code>") {
        out.push_str(&rest[..i]);
        rest = rest[i..].split_once("</code>").map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    out
}

/// Each drawn series: its name and the points of its path (`M`/`L` commands, in order).
fn series(dom: &str) -> Vec<(String, Vec<(f64, f64)>)> {
    dom.split("data-series=\"")
        .skip(1)
        .map(|rest| {
            let (name, rest) = rest.split_once('"').unwrap();
            let tag = rest.split('>').next().unwrap();
            let d = tag
                .split_once(" d=\"")
                .unwrap()
                .1
                .split('"')
                .next()
                .unwrap();
            let points = d
                .split(['M', 'L'])
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (x, y) = p.trim().split_once(' ').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect();
            (name.to_string(), points)
        })
        .collect()
}

/// The root element's start tag.
fn root_tag(dom: &str) -> &str {
    let i = dom.find("<html").unwrap();
    dom[i..].split('>').next().unwrap()
}

/// The browser, when the environment names one (scripts/test.sh does).
fn chromium() -> Option<PathBuf> {
    match std::env::var_os("AXLOG_CHROMIUM") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            eprintln!("AXLOG_CHROMIUM is not set: the browser part of this test is skipped");
            None
        }
    }
}

/// `chromium --headless ARGS file://PAGE` with a profile of its own, at most a minute.
fn headless(browser: &Path, profile: &Path, args: &[String], page: &Path) -> Vec<u8> {
    let out = Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--virtual-time-budget=2000")
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn the_page_is_self_contained_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let (html, v) = report(dir.path());
    // The premise: the parser kept both hostile strings as keys.
    let keys = |i: usize| -> Vec<String> {
        v["by"][i]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["key"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(keys(0).contains(&IMG_UA.to_string()), "{:?}", keys(0));
    assert!(keys(1).contains(&SCRIPT_PATH.to_string()), "{:?}", keys(1));
    // Both show as escaped text in a cell; no markup of theirs is left.
    for s in [SCRIPT_PATH, IMG_UA] {
        let cell = format!("<td class=\"key\"><code>{}</code></td>", as_page_text(s));
        assert!(html.contains(&cell), "{cell}");
    }
    assert_eq!(html.matches("<script").count(), 1);
    assert!(!html.contains("<img"));
    // The malformed line's escape character is shown, not sent.
    assert_eq!(v["malformed_samples"][0]["line"].as_u64(), Some(1));
    assert!(!html.contains('\u{1b}'));
    assert!(html.contains("not a log line \\x1B[31m&lt;b&gt;red&lt;/b&gt;"));
    // Offline: outside log text (user agents hold URLs), no URL and nothing to fetch.
    let own = without_code(&html);
    for needle in ["http://", "https://", "src=", "href=", "url(", "@import"] {
        assert!(!own.contains(needle), "{needle} in the page's own markup");
    }
    assert!(own.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'sha256-"));
}

#[test]
fn chromium_runs_the_page_script_and_no_injected_one() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_, v) = report(d);
    let profile = tempfile::tempdir().unwrap();
    let page = d.join("r.html");
    let dom = String::from_utf8(headless(
        &browser,
        profile.path(),
        &["--dump-dom".into()],
        &page,
    ))
    .unwrap();

    // The page's script ran; neither injected one did.
    let root = root_tag(&dom);
    assert!(root.contains("data-ready=\"1\""), "{root}");
    assert!(!root.contains("pwned"), "{root}");
    assert!(!dom.contains("<img"));
    // The hostile strings are text in their cells.
    for s in [SCRIPT_PATH, IMG_UA] {
        let cell = format!("<td class=\"key\"><code>{}</code></td>", as_dom_text(s));
        assert!(dom.contains(&cell), "{cell}");
    }

    // Each chart drew its series with one point a bucket of the JSON report's series.
    let buckets = v["series"]["buckets"].as_array().unwrap();
    let n = buckets.len();
    assert!(n >= 100, "two hours of 1-minute buckets: {n}");
    let with = |field: &str| buckets.iter().filter(|b| !b[field].is_null()).count();
    let has_1xx = buckets.iter().any(|b| b["status_1xx"].as_u64() != Some(0));
    let mut expected: Vec<(&str, usize)> = vec![("requests", n)];
    if has_1xx {
        expected.push(("1xx", n));
    }
    expected.extend([("2xx", n), ("3xx", n), ("4xx", n), ("5xx", n)]);
    expected.extend([("p50", with("p50_us")), ("p99", with("p99_us"))]);
    let drawn = series(&dom);
    let counts: Vec<(&str, usize)> = drawn.iter().map(|(s, p)| (s.as_str(), p.len())).collect();
    assert_eq!(counts, expected);
    // Time runs left to right, and the requests line is highest (least y) at the bucket
    // with most requests.
    let requests = &drawn[0].1;
    assert!(requests.windows(2).all(|w| w[0].0 < w[1].0));
    let busiest = (0..n)
        .max_by_key(|&i| {
            (
                buckets[i]["requests"].as_u64().unwrap(),
                std::cmp::Reverse(i),
            )
        })
        .unwrap();
    let highest = (0..n)
        .min_by(|&a, &b| requests[a].1.total_cmp(&requests[b].1))
        .unwrap();
    assert_eq!(highest, busiest);
    // The injected burst was found, and each chart shades it with a tooltip.
    let anomalies = v["anomalies"]["anomalies"].as_array().unwrap().len();
    assert!(anomalies >= 1, "{}", v["anomalies"]);
    let bands = dom.split("<g class=\"anomaly\">").skip(1);
    let per_chart: Vec<usize> = bands
        .map(|g| g.split("</g>").next().unwrap().matches("<rect").count())
        .collect();
    assert_eq!(per_chart, vec![anomalies; 3]);
    assert!(
        dom.contains("<title>errors (5xx_rate): "),
        "an anomaly's tooltip"
    );

    // A screenshot for review: a PNG of the page.
    let png = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report.png");
    let _ = std::fs::remove_file(&png);
    let args = [
        format!("--screenshot={}", png.display()),
        "--window-size=1280,2400".to_string(),
        "--hide-scrollbars".to_string(),
    ];
    headless(&browser, profile.path(), &args, &page);
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        bytes.len() > 20_000,
        "{} bytes: an empty page?",
        bytes.len()
    );
}

/// Clicks the "requests" header of the page's two-level table twice, recording the rows
/// (`key=requests`, sub-rows indented) after each click into `<pre id="order-N">`.
const CLICKER: &str = r#"<script>
(function () {
  var t = document.querySelector("table.grouped");
  var button = t.tHead.rows[0].cells[1].querySelector("button");
  [1, 2].forEach(function (n) {
    button.click();
    var lines = [];
    Array.prototype.forEach.call(t.tBodies, function (tb) {
      Array.prototype.forEach.call(tb.rows, function (r) {
        var sub = r.className === "sub" ? "  " : "";
        lines.push(sub + r.cells[0].textContent + "=" + r.cells[1].getAttribute("data-v"));
      });
    });
    var pre = document.createElement("pre");
    pre.id = "order-" + n;
    pre.textContent = lines.join("\n");
    document.body.appendChild(pre);
  });
})();
</script>"#;

/// The rows of a two-level table as the clicker records them, sorted by requests
/// (`descending` or not), a row's sub-rows under it; ties keep the report's order.
fn sorted_rows(rows: &[Value], descending: bool) -> Vec<String> {
    let requests = |r: &Value| r["requests"].as_u64().unwrap();
    let order = |list: &[Value]| -> Vec<Value> {
        let mut v = list.to_vec();
        // A stable sort: ties stay in the report's order.
        v.sort_by(|a, b| match descending {
            true => requests(b).cmp(&requests(a)),
            false => requests(a).cmp(&requests(b)),
        });
        v
    };
    let mut out = Vec::new();
    for r in order(rows) {
        out.push(format!("{}={}", r["key"].as_str().unwrap(), requests(&r)));
        for s in order(r["rows"].as_array().unwrap()) {
            out.push(format!("  {}={}", s["key"].as_str().unwrap(), requests(&s)));
        }
    }
    out
}

#[test]
fn clicking_a_header_sorts_rows_with_their_sub_rows() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let logp = write_file(d, "access.log", log().as_bytes());
    let out = axlog()
        .args(["report", "--format", "nginx-timed", "--top", "6"])
        .args(["--by", "endpoint,status", "-o", "r.html", "-o", "r.json"])
        .arg(&logp)
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&out);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("r.json")).unwrap()).unwrap();
    let rows = v["by"][0]["rows"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["rows"].as_array().unwrap().len() > 1));
    // The test's own clicker is a script the page's policy would (rightly) refuse: this
    // copy goes without the policy.
    let html = std::fs::read_to_string(d.join("r.html")).unwrap();
    let (head, rest) = html
        .split_once("<meta http-equiv=\"Content-Security-Policy\"")
        .unwrap();
    let rest = rest.split_once('>').unwrap().1;
    let page = write_file(
        d,
        "clicked.html",
        format!(
            "{head}{}",
            rest.replace("</body>", &format!("{CLICKER}</body>"))
        )
        .as_bytes(),
    );
    let profile = tempfile::tempdir().unwrap();
    let dom = String::from_utf8(headless(
        &browser,
        profile.path(),
        &["--dump-dom".into()],
        &page,
    ))
    .unwrap();
    let recorded = |n: usize| -> Vec<String> {
        let open = format!("<pre id=\"order-{n}\">");
        let text = dom
            .split_once(&open)
            .unwrap()
            .1
            .split("</pre>")
            .next()
            .unwrap();
        text.lines().map(str::to_string).collect()
    };
    // First click: most requests first; second: fewest first (which differ).
    assert_ne!(sorted_rows(rows, true), sorted_rows(rows, false));
    assert_eq!(recorded(1), sorted_rows(rows, true));
    assert_eq!(recorded(2), sorted_rows(rows, false));
}
