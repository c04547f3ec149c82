//! Real access logs from `../shared/corpus`, parsed with the layout a user would use
//! (detection, or the definition the MANIFEST gives), every line compared field by field
//! with a naive split of the same line written here (quotes, brackets and spaces; no
//! escapes occur in these files' quoted fields). Exact line counts are written in each
//! test; every access line parses except the ones explained where they are counted.
//!
//! The CLI tests (`crates/cli/tests/report.rs`, `formats.rs`) already check status counts
//! and offsets of some of these files through `axlog report`; this file checks records.

mod corpus_util;

use std::collections::BTreeSet;
use std::sync::Arc;

use axlog_format::logformat::{Definition, FormatError};
use axlog_format::{Format, LineParser, ParseError, Preset, Record, detect};
use corpus_util::{clf_time, lines, read, s};

/// The fields of a combined-family line, by a naive split.
struct Naive<'a> {
    addr: &'a str,
    user: &'a str,
    time: &'a str,
    request: &'a str,
    status: &'a str,
    bytes: &'a str,
    referer: &'a str,
    /// `None` for a common (CLF) line.
    agent: Option<&'a str>,
    /// The quoted fields after the user agent (`"$http_x_forwarded_for"`).
    after: Vec<&'a str>,
}

/// `ADDR IDENT USER [TIME] "REQUEST" STATUS BYTES "REFERER" "AGENT" ...`.
fn naive(line: &str) -> Naive<'_> {
    let lb = line.find(" [").expect("' ['");
    let mut head = line[..lb].rsplitn(3, ' ');
    let (user, _ident, addr) = (head.next().unwrap(), head.next(), head.next().unwrap());
    let rb = lb + line[lb..].find("] \"").expect("'] \"'");
    let q: Vec<&str> = line[rb + 2..].split('"').collect();
    let mut mid = q[2].split_whitespace();
    Naive {
        addr,
        user,
        time: &line[lb + 2..rb],
        request: q[1],
        status: mid.next().unwrap(),
        bytes: mid.next().unwrap(),
        referer: q.get(3).copied().unwrap_or(""),
        agent: q.get(5).copied(),
        after: q.iter().skip(7).step_by(2).copied().collect(),
    }
}

fn status_of(v: &str) -> u16 {
    if v == "-" { 0 } else { v.parse().unwrap() }
}

fn count_of(v: &str) -> Option<u64> {
    (v != "-").then(|| v.parse().unwrap())
}

/// The record agrees with the naive split on every combined field.
fn assert_combined(r: &Record, w: &Naive, line: &str) {
    assert_eq!(s(r.remote_addr), w.addr, "{line}");
    assert_eq!(s(r.remote_user), w.user, "{line}");
    assert_eq!((r.ts_us, r.utc_offset_min), clf_time(w.time), "{line}");
    assert_eq!(s(r.request), w.request, "{line}");
    assert_eq!(r.status, status_of(w.status), "{line}");
    assert_eq!(r.bytes_sent, count_of(w.bytes), "{line}");
    assert_eq!(s(r.referer), w.referer, "{line}");
    assert_eq!(s(r.user_agent), w.agent.unwrap_or(""), "{line}");
}

/// The detected format's parser; detection must choose `layout`, plainly.
fn detected(data: &[u8], layout: Preset) -> LineParser {
    let d = detect(data).expect("a layout is detected");
    assert_eq!((d.layout(), d.syslog()), (Some(layout), false));
    d.format().parser()
}

#[test]
fn nielsbasjes_hackers_access_log() {
    // A home web server's real log: every visitor of a hidden /join_form URL.
    let data = read("nielsbasjes-logparser/hackers-access.log");
    let text = std::str::from_utf8(&data).unwrap();
    let mut p = detected(&data, Preset::NginxCombined);
    let (mut n, mut join_form, mut offsets) = (0, 0, BTreeSet::new());
    for line in text.lines() {
        let r = p
            .parse(line.as_bytes())
            .unwrap_or_else(|e| panic!("{e}: {line}"));
        let w = naive(line);
        assert_combined(&r, &w, line);
        assert!(w.after.is_empty());
        let target = w.request.split(' ').nth(1).unwrap();
        assert_eq!(r.path(), Some(target.split('?').next().unwrap().as_bytes()));
        join_form += usize::from(r.path() == Some(b"/join_form"));
        offsets.insert(r.utc_offset_min);
        n += 1;
    }
    assert_eq!(n, 3456);
    // The demo's point: how many requests went to the form; counted by grep.
    let grep = text.lines().filter(|l| l.contains(" /join_form ")).count();
    assert_eq!(join_form, grep);
    assert!(join_form > 0);
    // MANIFEST: October 2015, +0100.
    assert_eq!(offsets, BTreeSet::from([60]));
}

#[test]
fn nielsbasjes_access_log() {
    // One line whose referer holds every strftime output: spaces, colons, `+0100`.
    let data = read("nielsbasjes-logparser/access.log");
    let all = lines(&data);
    assert_eq!(all.len(), 1);
    let r = detected(&data, Preset::NginxCombined)
        .parse(all[0].1)
        .unwrap();
    let line = s(all[0].1);
    assert_combined(&r, &naive(&line), &line);
    assert_eq!(
        s(r.referer),
        "01/01/17 2017-01-01 13:01 13:01:21 01:01:21 PM Sun Sunday Jan January 20 01 2016 Jan 13 01 001 13  1 01 01 PM 21 7 2017 +0100"
    );
    assert_eq!(r.ts_us, corpus_util::rfc3339_us("2017-01-01T12:01:21Z"));
}

#[test]
fn lnav_shop_access_log() {
    // nginx `main`: combined + "$http_x_forwarded_for", +0330.
    let data = read("lnav/logfile_shop_access_log.0");
    let text = std::str::from_utf8(&data).unwrap();
    let mut p = detected(&data, Preset::NginxMain);
    let mut n = 0;
    for line in text.lines() {
        let r = p
            .parse(line.as_bytes())
            .unwrap_or_else(|e| panic!("{e}: {line}"));
        let w = naive(line);
        assert_combined(&r, &w, line);
        assert_eq!(w.after.len(), 1);
        assert_eq!(s(r.x_forwarded_for), w.after[0], "{line}");
        assert_eq!(r.utc_offset_min, 210);
        n += 1;
    }
    assert_eq!(n, 1000);
}

/// Two of the five lines look like access lines, but carry no time of their own: a
/// Tomcat-style `%h %l %u "%r" %>s %b %T` whose only time is the year-less syslog header.
/// axlog places a request by the layout's time; a syslog header's time stands in only for
/// HAProxy layouts (docs/formats.md, "Times"). So 0 of these 2 access lines parse, and
/// the other 3 lines (sudo, automount, "last message repeated") are not access lines.
#[test]
fn lnav_syslog_with_access_log() {
    let data = read("lnav/logfile_syslog_with_access_log.0");
    let all = lines(&data);
    assert_eq!(all.len(), 5);
    let access: Vec<&[u8]> = all
        .iter()
        .map(|&(_, l)| l)
        .filter(|l| s(l).contains(" \"GET "))
        .collect();
    assert_eq!(access.len(), 2);
    assert_eq!(detect(&data).map_or(0, |d| d.parsed), 0);
    // The layout these lines have cannot be given: it has no time field.
    let def = r#"%h %l %u "%r" %>s %b %T"#;
    assert_eq!(
        Definition::compile_any(def).err(),
        Some(FormatError::NoTime)
    );
    // Behind their syslog header, the access part lacks combined's `[time]`.
    let mut wrapped = Format::Syslog(Box::new(Format::Preset(Preset::NginxCombined))).parser();
    for l in &access {
        assert_eq!(wrapped.parse(l), Err(ParseError::NoTime), "{}", s(l));
    }
    for layout in Preset::ALL {
        let mut p = layout.parser();
        assert!(all.iter().all(|(_, l)| p.parse(l).is_err()), "{layout}");
    }
}

#[test]
fn goaccess_vcombined() {
    // `%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"`.
    let data = read("goaccess/ci_vcombined_access.log");
    let text = std::str::from_utf8(&data).unwrap();
    let mut p = detected(&data, Preset::ApacheVhostCombined);
    let mut n = 0;
    for line in text.lines() {
        let r = p
            .parse(line.as_bytes())
            .unwrap_or_else(|e| panic!("{e}: {line}"));
        let (vhost, rest) = line.split_once(' ').unwrap();
        let (host, port) = vhost.rsplit_once(':').unwrap();
        assert_eq!(
            (s(r.host), r.server_port),
            (host.to_string(), port.parse().ok())
        );
        assert_combined(&r, &naive(rest), line);
        n += 1;
    }
    assert_eq!(n, 4);
    // `OPTIONS *`, `-` and `HEAD /`: the server-wide target, no request, a request.
    let paths: Vec<Option<String>> = text
        .lines()
        .map(|l| p.parse(l.as_bytes()).unwrap().path().map(s))
        .collect();
    assert_eq!(
        paths,
        [Some("/"), Some("*"), None, Some("/")].map(|p| p.map(str::to_string))
    );
}

#[test]
fn gonx_access_log() {
    // The MANIFEST's log_format of gonx's image resizer.
    let def = r#"$remote_addr [$time_local] "$request" $status $request_length $body_bytes_sent $request_time "$t_size" $read_time $gen_time"#;
    let f = Definition::compile(def).unwrap();
    let names: Vec<String> = f.extra_names().map(str::to_string).collect();
    assert_eq!(names, ["t_size", "read_time", "gen_time"]);
    let mut p = Format::Definition(Arc::new(f)).parser();
    let data = read("gonx/access.log");
    let text = std::str::from_utf8(&data).unwrap();
    assert_eq!(
        detect(&data).map_or(0, |d| d.parsed),
        0,
        "no preset fits gonx"
    );
    let (mut n, mut without_app_times) = (0, 0);
    for line in text.lines() {
        let r = p
            .parse(line.as_bytes())
            .unwrap_or_else(|e| panic!("{e}: {line}"));
        // ADDR [TIME] "REQUEST" STATUS LEN BYTES RT "T_SIZE" READ GEN
        let (addr, rest) = line.split_once(" [").unwrap();
        let (time, rest) = rest.split_once("] \"").unwrap();
        let (request, rest) = rest.split_once("\" ").unwrap();
        let (nums, rest) = rest.split_once(" \"").unwrap();
        let (t_size, rest) = rest.split_once("\" ").unwrap();
        let nums: Vec<&str> = nums.split(' ').collect();
        let app: Vec<&str> = rest.split(' ').collect();
        assert_eq!(s(r.remote_addr), addr);
        assert_eq!((r.ts_us, r.utc_offset_min), clf_time(time));
        assert_eq!(s(r.request), request);
        assert_eq!(r.status, status_of(nums[0]));
        assert_eq!(r.request_length, count_of(nums[1]));
        assert_eq!(r.bytes_sent, count_of(nums[2]));
        let secs: f64 = nums[3].parse().unwrap();
        assert_eq!(
            r.request_time_us,
            Some((secs * 1e6).round() as u64),
            "{line}"
        );
        let extras: Vec<String> = r.extras[..3].iter().map(|v| s(v)).collect();
        assert_eq!(extras, [t_size, app[0], app[1]], "{line}");
        without_app_times += usize::from(app == ["-", "-"]);
        n += 1;
    }
    assert_eq!(n, 1000);
    // Lines whose app timings are `-` (kept as written), counted by grep.
    let grep = text.lines().filter(|l| l.ends_with(" - -")).count();
    assert_eq!(without_app_times, grep);
}

#[test]
fn elastic_apache_logs() {
    let data = read("elastic-examples/apache_logs");
    let text = std::str::from_utf8(&data).unwrap();
    let mut p = detected(&data, Preset::NginxCombined);
    let (mut n, mut no_bytes, mut no_referer_ua, mut cut) = (0, 0, 0, 0);
    for line in text.lines() {
        n += 1;
        // Line 8899's user agent has no closing quote (the writer cut it): a cut line is
        // malformed, as one cut inside any other quoted field is.
        if !line.ends_with('"') {
            assert_eq!(n, 8899);
            assert_eq!(p.parse(line.as_bytes()), Err(ParseError::UnclosedQuote));
            cut += 1;
            continue;
        }
        let r = p
            .parse(line.as_bytes())
            .unwrap_or_else(|e| panic!("{e}: {line}"));
        let w = naive(line);
        assert_combined(&r, &w, line);
        no_bytes += usize::from(r.bytes_sent.is_none());
        no_referer_ua += usize::from(r.referer == b"-" && r.user_agent == b"-");
    }
    assert_eq!((n, cut), (10_000, 1));
    // MANIFEST: 669 lines with bytes "-", 187 with referer and user agent both "-".
    assert_eq!((no_bytes, no_referer_ua), (669, 187));
}
