//! Outputs that cannot be injected (issue 21): one list of hostile strings, put where a
//! client controls a log line (path, user agent, referer, `Host`, a header logged as a
//! variable: `--by field:NAME`) and where a configuration names a source
//! (`--source-label`), then every output of one run checked for its own property:
//! the terminal report (through a pseudo-terminal, as text_terminal.rs does) shows no
//! control or bidirectional character; the JSON parses and gives every string back;
//! Markdown keeps each string inside one code span of one cell (and cmark-gfm makes no
//! link or tag of it when `AXLOG_OUTPUTS_PYTHON` is set); CSV cells never start a
//! formula and records stay whole; HTML holds no tag from the log (html.rs runs the page
//! in Chromium); every Prometheus line parses and the labels give the strings back; and
//! Parquet's `source=` directories have no `/`, `..`, control byte, trailing dot or
//! name Windows refuses, while the rows keep the values.
//!
//! The lines are written as nginx writes them: `"`, `\`, and bytes below 0x20 or above
//! 0x7E as `\xHH`, which axlog decodes back into the bytes the client sent.

mod common;

use common::markdown::{cells, code_text, gfm_html};
use common::parquet_rows::parquet_files;
use common::prom::{prom_samples, sample};
use common::terminal::strip_sgr;
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The hostile strings, each aimed at one output's reader (the comment says which).
fn hostile() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        // Terminal: CSI, OSC retitling the window, C1 CSI, C1 NEL.
        "\x1b[31mred\x1b[0m",
        "\x1b]0;owned\x07title",
        "\u{9b}2Jclear",
        "c1\u{85}nel",
        // Bidirectional overrides, isolates and marks: a name that reads backwards.
        "\u{202e}gnp.exe",
        "\u{2066}iso\u{2069}late",
        "rlm\u{200f}alm\u{61c}",
        // Other C0, DEL, and the line breaks a field can carry (nginx writes them `\x0A`).
        "nul\0byte",
        "bell\x07bs\x08del\x7f",
        "line\nfeed",
        "carriage\rreturn",
        "tab\tinside",
        // HTML.
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "&amp;entity'apos",
        // CSV formulas (OWASP's leading characters).
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "+1+2",
        "-2+3",
        "@SUM(1)",
        "\tleading-tab",
        "\rleading-cr",
        // Markdown.
        "a|b||c",
        "`code``run",
        "[x](http://evil.example/)",
        "*em*_u_~s~",
        // Prometheus label syntax.
        "quote\"back\\slash}brace{",
        // File names: traversal, separators, names Windows refuses, trailing dot/space.
        "..",
        "../../etc/passwd",
        "a/b\\c:d",
        "CON",
        "NUL.txt",
        "aux",
        // `aux` by case alone: one directory on a case-insensitive file system.
        "AUX",
        "trailing.",
        "trailing ",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    // Very long, with markup at the end (the text report cuts its middle).
    v.push(format!("{}<script>x</script>", "L".repeat(2000)).into_bytes());
    // Not UTF-8.
    v.push(b"bad\xff\xfe\xc3(".to_vec());
    v
}

/// `b` as nginx logs it: `"`, `\`, C0, DEL and every non-ASCII byte as `\xHH`.
fn nginx_escape(b: &[u8]) -> String {
    let mut out = String::new();
    for &c in b {
        if c == b'"' || c == b'\\' || !(0x20..0x7f).contains(&c) {
            out.push_str(&format!("\\x{c:02X}"));
        } else {
            out.push(c as char);
        }
    }
    out
}

/// The text axlog holds for logged bytes (docs/parquet-schema.md, "Columns"): UTF-8 as
/// it is, each byte that is not UTF-8 as `\xHH`.
fn text_of(mut b: &[u8]) -> String {
    let mut out = String::new();
    loop {
        match std::str::from_utf8(b) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (ok, rest) = b.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(ok).unwrap());
                let bad = e.error_len().unwrap_or(rest.len());
                for c in &rest[..bad] {
                    out.push_str(&format!("\\x{c:02X}"));
                }
                b = &rest[bad..];
            }
        }
    }
}

/// A character that acts on a terminal: C0 but line feed and tab, DEL, C1, bidi.
fn acts(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Written as docs/outputs.md says the terminal shows it: C0 and DEL as `\xHH`, C1 and
/// bidi controls as `\u{HHHH}`; `keep` left as they are.
fn shown(s: &str, keep: &[char]) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if !acts(c) && c != '\n' && c != '\t' || keep.contains(&c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            out.push_str(&format!("\\x{:02X}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:X}}}", c as u32));
        }
    }
    out
}

/// The run's input: one file per hostile string `i`, holding `i + 1` lines whose path,
/// user agent, referer, host and `X-Tenant` carry it, labelled with it.
struct Input {
    strings: Vec<Vec<u8>>,
    files: Vec<PathBuf>,
    labels: Vec<String>,
}

const LOG_FORMAT: &str = "$remote_addr [$time_local] \"$request\" $status $body_bytes_sent \
                          \"$http_referer\" \"$http_user_agent\" \"$host\" \"$http_x_tenant\"";

/// A request target as a client sends it: no space (a space would end it), no `?`.
fn path_bytes(s: &[u8]) -> Vec<u8> {
    let mut p = b"/".to_vec();
    p.extend(s.iter().map(|&c| if c == b' ' { b'_' } else { c }));
    p
}

/// A label as an argument can carry it: no NUL (the one string with one gets U+0001),
/// bytes that are not UTF-8 as U+FFFD.
fn label_of(s: &[u8]) -> String {
    String::from_utf8_lossy(s).replace('\0', "\u{1}")
}

fn input(dir: &Path) -> Input {
    let strings = hostile();
    let mut files = Vec::new();
    for (i, s) in strings.iter().enumerate() {
        let mut log = String::new();
        for n in 0..=i {
            log.push_str(&format!(
                "10.0.0.1 [21/Nov/2026:10:{:02}:{:02} +0000] \"GET {} HTTP/1.1\" {} 10 \"{r}\" \"{r}\" \"{r}\" \"{r}\"\n",
                i,
                n % 60,
                nginx_escape(&path_bytes(s)),
                if n % 2 == 0 { 200 } else { 500 },
                r = nginx_escape(s),
            ));
        }
        files.push(write_file(dir, &format!("in{i:02}.log"), log.as_bytes()));
    }
    let labels: Vec<String> = strings.iter().map(|s| label_of(s)).collect();
    // The test's own inputs are distinct, so each row is one string's.
    let mut distinct = labels.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), labels.len());
    Input {
        strings,
        files,
        labels,
    }
}

impl Input {
    /// `--log-format ...`, a `--source-label=` per file, the files.
    fn args(&self) -> Vec<String> {
        let mut a = vec!["--log-format".to_string(), LOG_FORMAT.to_string()];
        a.extend(self.labels.iter().map(|l| format!("--source-label={l}")));
        a.extend(self.files.iter().map(|f| f.display().to_string()));
        a
    }

    /// What each dimension's key for string `i` is: (dimension, key) pairs.
    fn keys(&self, i: usize) -> Vec<(&'static str, String)> {
        let s = &self.strings[i];
        vec![
            ("path", text_of(&path_bytes(s))),
            ("user-agent-raw", text_of(s)),
            // The host and a layout's own variable are decoded as the user agent is.
            ("host", text_of(s)),
            ("field:http_x_tenant", text_of(s)),
        ]
    }
}

const BY: [&str; 8] = [
    "--by",
    "path",
    "--by",
    "user-agent-raw",
    "--by",
    "host",
    "--by",
    "field:http_x_tenant",
];

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

/// One report run writing every file output.
fn report_files(d: &Path, inp: &Input) {
    let out = axlog()
        .args(["report", "--top", "100"])
        .args(BY)
        .args(["-o", "r.json", "-o", "r.md", "-o", "r.txt", "-o", "r.html"])
        .args(["-o", "r.prom", "-o", "csv/"])
        .args(inp.args())
        .current_dir(d)
        .output()
        .unwrap();
    assert_success(&out);
}

#[test]
fn json_is_valid_escaped_and_gives_every_string_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inp = input(d);
    report_files(d, &inp);
    let text = read(&d.join("r.json"));
    // No control character raw: JSON escapes C0 (it must), and axlog DEL, C1 and bidi too.
    let raw: Vec<char> = text.chars().filter(|&c| acts(c)).collect();
    assert!(raw.is_empty(), "{raw:?}");
    let v: Value = serde_json::from_str(&text).unwrap();
    let n = inp.strings.len();
    for (t, dim) in ["path", "user-agent-raw", "host", "field:http_x_tenant"]
        .iter()
        .enumerate()
    {
        let table = &v["by"][t];
        assert_eq!(table["dimension"].as_str(), Some(*dim));
        let got: BTreeMap<String, u64> = named_counts(&table["rows"], "key", "requests")
            .into_iter()
            .collect();
        let want: BTreeMap<String, u64> = (0..n)
            .map(|i| (inp.keys(i)[t].1.clone(), i as u64 + 1))
            .collect();
        assert_eq!(got, want, "{dim}");
    }
    let sources: BTreeMap<String, u64> = named_counts(&v["sources"], "name", "lines")
        .into_iter()
        .collect();
    let want: BTreeMap<String, u64> = (0..n)
        .map(|i| (inp.labels[i].clone(), i as u64 + 1))
        .collect();
    assert_eq!(sources, want);
}

#[test]
fn markdown_keeps_each_string_in_one_code_span_of_one_cell() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inp = input(d);
    report_files(d, &inp);
    let md = read(&d.join("r.md"));
    assert!(!md.chars().any(acts), "a raw control in the Markdown");
    // Each table's rows as wide as its header; the first cells of the `--by` tables.
    let mut firsts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut heading = String::new();
    let mut width = None;
    for line in md.lines() {
        if line.starts_with('#') {
            heading = line.trim_start_matches('#').trim().to_string();
        }
        if !line.starts_with('|') {
            width = None;
            continue;
        }
        let row = cells(line);
        match width {
            None => width = Some(row.len()),
            Some(w) => assert_eq!(row.len(), w, "a broken row under {heading}: {line}"),
        }
        if heading.starts_with("By ") && !row[0].starts_with("---") {
            firsts
                .entry(heading.clone())
                .or_default()
                .push(row[0].clone());
        }
    }
    for (t, dim) in ["path", "user-agent-raw", "host", "field:http_x_tenant"]
        .iter()
        .enumerate()
    {
        let rows = &firsts[&format!("By `{dim}`")];
        // The header, then a code span a key.
        let got: Vec<String> = rows[1..]
            .iter()
            .map(|c| code_text(c).unwrap_or_else(|| panic!("not a code span: {c}")))
            .collect();
        let mut want: Vec<(u64, String)> = (0..inp.strings.len())
            .map(|i| (i as u64 + 1, shown(&inp.keys(i)[t].1, &[])))
            .collect();
        want.sort_by_key(|w| std::cmp::Reverse(w.0));
        let want: Vec<String> = want.into_iter().map(|w| w.1).collect();
        assert_eq!(got, want, "{dim}");
    }
    // As GitHub renders it: no tag, link or emphasis made from a log string.
    let Some(html) = gfm_html(&d.join("r.md")) else {
        return;
    };
    for tag in ["<a ", "<img", "<script", "<em>", "<del>"] {
        assert!(!html.contains(tag), "{tag} in {html}");
    }
}

/// A CSV text cell as docs/outputs.md writes it: controls shown but tab, CR and LF, and a
/// leading `'` before a formula's first character.
fn csv_cell(s: &str) -> String {
    let c = shown(s, &['\t', '\r', '\n']);
    if c.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{c}")
    } else {
        c
    }
}

/// The records of a CSV file by the `csv` crate (which refuses a record of another
/// width): header, rows.
fn csv_records(p: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(p).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn csv_cells_start_no_formula_and_records_stay_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inp = input(d);
    report_files(d, &inp);
    let out = d.join("csv");
    // by.csv names each table's file; the names from `field:NAME` are plain.
    let (h, by) = csv_records(&out.join("by.csv"));
    let (dc, fc) = (
        h.iter().position(|c| c == "dimension").unwrap(),
        h.iter().position(|c| c == "file").unwrap(),
    );
    for (t, dim) in ["path", "user-agent-raw", "host", "field:http_x_tenant"]
        .iter()
        .enumerate()
    {
        let file = &by.iter().find(|r| r[dc] == *dim).unwrap()[fc];
        assert!(
            file.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)),
            "{file}"
        );
        let (h, rows) = csv_records(&out.join(file));
        let (k, r) = (
            h.iter().position(|c| c == "key").unwrap(),
            h.iter().position(|c| c == "requests").unwrap(),
        );
        let got: BTreeMap<String, String> = rows
            .iter()
            .map(|row| (row[k].clone(), row[r].clone()))
            .collect();
        let want: BTreeMap<String, String> = (0..inp.strings.len())
            .map(|i| (csv_cell(&inp.keys(i)[t].1), (i + 1).to_string()))
            .collect();
        assert_eq!(got, want, "{dim}");
    }
    let (h, rows) = csv_records(&out.join("sources.csv"));
    let s = h.iter().position(|c| c == "source").unwrap();
    let mut got: Vec<String> = rows.iter().map(|r| r[s].clone()).collect();
    let mut want: Vec<String> = inp.labels.iter().map(|l| csv_cell(l)).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // No cell of any file starts a formula but a number's sign (`-` then a digit), and
    // nothing but tab, CR and LF is a control.
    for f in files_under(&out) {
        let (_, rows) = csv_records(&f);
        for cell in rows.iter().flatten() {
            let number = cell.parse::<f64>().is_ok();
            assert!(
                number || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{}: {cell:?}",
                f.display()
            );
            assert!(
                !cell.chars().any(|c| acts(c) && !matches!(c, '\t' | '\r')),
                "{}: {cell:?}",
                f.display()
            );
        }
    }
}

/// `s` as HTML text, with the entities html/escape.rs documents.
fn html_text(s: &str) -> String {
    shown(s, &[])
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn html_holds_every_string_as_text_and_no_tag_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inp = input(d);
    report_files(d, &inp);
    let html = read(&d.join("r.html"));
    assert!(!html.chars().any(|c| acts(c) && c != '\n'), "a raw control");
    // The page's one script and nothing the log made: no `<img`, one `<script`.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(!html.contains("<img"));
    assert!(html.contains("default-src 'none'"));
    for i in 0..inp.strings.len() {
        for (dim, key) in inp.keys(i) {
            let shown = html_text(&key);
            assert!(html.contains(&shown), "{dim}: {shown}");
        }
        assert!(
            html.contains(&html_text(&inp.labels[i])),
            "{}",
            inp.labels[i]
        );
    }
}

/// The samples of a Prometheus text file, parsed here by the exposition format's rules
/// (a `# ` comment, or `name{label="value",...} number` with `\\`, `\"`, `\n` the only
/// escapes in a value): name, labels, value. Panics on any other line.
fn parse_prom(text: &str) -> Vec<(String, BTreeMap<String, String>, f64)> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("# HELP ") || line.starts_with("# TYPE ") {
            continue;
        }
        let name_end = line.find(['{', ' ']).unwrap();
        let name = &line[..name_end];
        assert!(
            name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            "{line}"
        );
        let mut labels = BTreeMap::new();
        let mut rest = &line[name_end..];
        if let Some(r) = rest.strip_prefix('{') {
            rest = r;
            loop {
                if let Some(r) = rest.strip_prefix('}') {
                    rest = r;
                    break;
                }
                let eq = rest.find("=\"").unwrap();
                let key = rest[..eq].to_string();
                let mut value = String::new();
                let mut chars = rest[eq + 2..].char_indices();
                let end = loop {
                    let (at, c) = chars.next().expect("an unclosed label value");
                    match c {
                        '"' => break eq + 2 + at + 1,
                        '\\' => match chars.next().unwrap().1 {
                            '\\' => value.push('\\'),
                            '"' => value.push('"'),
                            'n' => value.push('\n'),
                            other => panic!("escape \\{other} in {line}"),
                        },
                        c => value.push(c),
                    }
                };
                labels.insert(key, value);
                rest = &rest[end..];
                rest = rest.strip_prefix(',').unwrap_or(rest);
            }
        }
        let value: f64 = rest.trim().parse().unwrap_or_else(|_| panic!("{line}"));
        out.push((name.to_string(), labels, value));
    }
    out
}

/// A label value as read back: a carriage return, which the format cannot escape, is
/// written as the terminal shows it (docs/outputs.md).
fn label(s: &str) -> String {
    s.replace('\r', "\\x0D")
}

#[test]
fn prometheus_lines_parse_and_labels_give_the_strings_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inp = input(d);
    report_files(d, &inp);
    let text = read(&d.join("r.prom"));
    let ours = parse_prom(&text);
    let count = |s: &[(String, BTreeMap<String, String>, f64)], name: &str, l: &[(&str, &str)]| {
        let want: BTreeMap<String, String> = l
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let found: Vec<f64> = s
            .iter()
            .filter(|(n, ls, _)| n == name && *ls == want)
            .map(|x| x.2)
            .collect();
        assert_eq!(found.len(), 1, "{name} {l:?}");
        found[0]
    };
    for i in 0..inp.strings.len() {
        let n = (i + 1) as f64;
        for (dim, key) in inp.keys(i) {
            let key = label(&key);
            let l = [("dimension", dim), ("key", key.as_str())];
            assert_eq!(count(&ours, "axlog_by_requests_total", &l), n);
        }
        let source = label(&inp.labels[i]);
        let l = [("source", source.as_str())];
        assert_eq!(count(&ours, "axlog_source_lines_total", &l), n);
    }
    // And by prometheus_client's parser, when there is the Python.
    let Some(s) = prom_samples(&d.join("r.prom")) else {
        return;
    };
    assert_eq!(s.len(), ours.len());
    for i in 0..inp.strings.len() {
        let n = (i + 1) as f64;
        for (dim, key) in inp.keys(i) {
            let key = label(&key);
            let l = [("dimension", dim), ("key", key.as_str())];
            assert_eq!(sample(&s, "axlog_by_requests_total", &l), n);
        }
        let source = label(&inp.labels[i]);
        let l = [("source", source.as_str())];
        assert_eq!(sample(&s, "axlog_source_lines_total", &l), n);
    }
}

/// What `axlog ARGS` writes on a pseudo-terminal (standard error left out); it exits 0.
fn on_terminal(dir: &Path, args: &[String]) -> String {
    let tty = common::terminal::on_terminal(dir, args, &[]);
    assert_eq!(tty.code, Some(0), "{args:?}");
    tty.text
}

#[test]
fn nothing_reaches_a_terminal_that_acts_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inp = input(d);
    report_files(d, &inp);
    // The text file: every short key shown escaped (a long one loses its middle).
    let txt = read(&d.join("r.txt"));
    assert!(!txt.chars().any(acts), "a raw control in r.txt");
    for i in 0..inp.strings.len() {
        for (dim, key) in inp.keys(i) {
            let shown = shown(&key, &[]);
            if shown.chars().count() <= 40 {
                assert!(txt.contains(&shown), "{dim}: {shown}");
            }
        }
    }
    for output in ["text", "markdown", "html", "prometheus", "json"] {
        let mut args: Vec<String> = ["report", "--top", "100", "--output", output]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(BY.iter().map(|s| s.to_string()));
        args.extend(inp.args());
        let tty = strip_sgr(&on_terminal(d, &args));
        assert!(tty.len() > 1000, "{output}: {tty}");
        let bad: Vec<char> = tty.chars().filter(|&c| acts(c)).collect();
        assert!(bad.is_empty(), "{output}: {bad:?}");
    }
}

/// A directory name percent-decoded (Hive's escape undone).
fn unescape(name: &str) -> String {
    let b = name.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&name[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Whether Windows refuses `name` as a file or directory name: a device name (before
/// any extension, any case), a character it reserves, a control, or a trailing dot or
/// space.
fn windows_refuses(name: &str) -> bool {
    let base = name.split('.').next().unwrap().to_ascii_uppercase();
    let device = ["CON", "PRN", "AUX", "NUL"].contains(&base.as_str())
        || ((base.starts_with("COM") || base.starts_with("LPT"))
            && base.len() == 4
            && base.as_bytes()[3].is_ascii_digit());
    device
        || name.contains(['<', '>', ':', '"', '/', '\\', '|', '?', '*'])
        || name.chars().any(|c| c.is_control())
        || name.ends_with(['.', ' '])
}

/// Each text column's values over every published file, and each file's `source=`
/// directory.
fn parquet_texts(out: &Path, cols: &[&str]) -> (BTreeMap<String, Vec<String>>, Vec<PathBuf>) {
    use arrow_array::cast::AsArray;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let files = parquet_files(out);
    for p in &files {
        let f = std::fs::File::open(p).unwrap();
        for b in ParquetRecordBatchReaderBuilder::try_new(f)
            .unwrap()
            .build()
            .unwrap()
        {
            let b = b.unwrap();
            for c in cols {
                let a = b.column_by_name(c).unwrap().as_string::<i32>();
                let v = values.entry(c.to_string()).or_default();
                v.extend(a.iter().map(|x| x.unwrap_or("<null>").to_string()));
            }
        }
    }
    for v in values.values_mut() {
        v.sort();
    }
    (values, files)
}

#[test]
fn parquet_directories_are_safe_names_and_rows_keep_the_strings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inp = input(d);
    let out = d.join("pq");
    let run = axlog()
        .args(["convert", "-q", "--partition-by", "hour,source", "-o"])
        .arg(&out)
        .args(inp.args())
        .output()
        .unwrap();
    assert_success(&run);
    let cols = ["path", "user_agent", "referer", "host"];
    let (values, files) = parquet_texts(&out, &cols);
    let n = inp.strings.len();
    let many = |f: &dyn Fn(usize) -> String| {
        let mut v: Vec<String> = (0..n).flat_map(|i| vec![f(i); i + 1]).collect();
        v.sort();
        v
    };
    assert_eq!(
        values["path"],
        many(&|i| text_of(&path_bytes(&inp.strings[i])))
    );
    for c in ["user_agent", "referer", "host"] {
        assert_eq!(values[c], many(&|i| text_of(&inp.strings[i])), "{c}");
    }
    // Every component under the output is one the file systems take as written, and
    // each source's rows are under its own `source=` directory.
    let mut sources: BTreeMap<String, u64> = BTreeMap::new();
    let mut folded = std::collections::BTreeSet::new();
    for f in &files {
        let rel = f.strip_prefix(&out).unwrap();
        for comp in rel.components() {
            let name = comp.as_os_str().to_str().expect("UTF-8 names");
            assert!(name != ".." && name != "." && name.len() <= 255, "{name}");
            assert!(!windows_refuses(name), "{name}");
            assert!(name.is_ascii(), "{name}");
        }
        let src = rel
            .components()
            .find_map(|c| c.as_os_str().to_str().unwrap().strip_prefix("source="))
            .unwrap();
        folded.insert(src.to_lowercase());
        let rows = std::fs::File::open(f).unwrap();
        let rows = parquet::file::reader::SerializedFileReader::new(rows).unwrap();
        use parquet::file::reader::FileReader;
        *sources.entry(unescape(src)).or_default() +=
            rows.metadata().file_metadata().num_rows() as u64;
    }
    // Read back, each label is its source's name; the one past 200 escaped bytes keeps
    // its start and gains a hash.
    let long = inp.labels.iter().position(|l| l.len() > 1000).unwrap();
    for (i, label) in inp.labels.iter().enumerate() {
        if i == long {
            continue;
        }
        assert_eq!(sources.get(label), Some(&(i as u64 + 1)), "{label:?}");
    }
    let cut: Vec<&String> = sources.keys().filter(|k| k.starts_with("LLLL")).collect();
    assert_eq!(cut.len(), 1);
    assert_eq!(sources[cut[0]], long as u64 + 1);
    assert!(inp.labels[long].starts_with(&cut[0][..cut[0].len() - 17]));
    assert_eq!(sources.len(), n);
    // No two directories differ by case alone (macOS's and Windows' file systems would
    // make them one).
    assert_eq!(folded.len(), n);

    // DuckDB, reading the directory as Hive partitions, names each source the same
    // and keeps the user agents (when `AXLOG_DUCKDB_PYTHON` names a Python with it).
    let script = "import duckdb, json, sys\n\
        q = \"select source, count(*), list(user_agent order by user_agent) from \
        read_parquet(?, hive_partitioning=true) group by source\"\n\
        print(json.dumps(duckdb.execute(q, [sys.argv[1] + '/**/*.parquet']).fetchall()))";
    let Some(said) = common::python::run_script_in("AXLOG_DUCKDB_PYTHON", script, &out) else {
        return;
    };
    let rows: Vec<(String, u64, Vec<String>)> = serde_json::from_str(&said).unwrap();
    assert_eq!(rows.len(), n);
    for (source, count, uas) in rows {
        assert_eq!(sources.get(&source), Some(&count), "{source:?}");
        let i = count as usize - 1;
        assert_eq!(uas, vec![text_of(&inp.strings[i]); i + 1]);
    }
}
