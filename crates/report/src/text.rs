//! The text renderer: the summary as a terminal report, one function a section.
//! Everything that came from a log or a configuration is escaped with [`terminal_safe`].

use crate::fmt::{ellipsize, percent, seconds, thousands};
use crate::series::shown_time;
use crate::terminal_safe;
use axlog_stats::Summary;
use axlog_stats::summary::LatencyStats;
use std::fmt::Write as _;

/// One row of a latency table: count, percentiles, max and mean, in seconds; `-` when
/// the log has no such time.
pub(crate) fn latency_row(out: &mut String, name: &str, l: &Option<LatencyStats>) {
    match l {
        None => {
            let _ = writeln!(out, "  {name:<24} {:>12}", "-");
        }
        Some(l) => {
            let _ = writeln!(
                out,
                "  {name:<24} {:>12} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9.3}{}",
                thousands(l.count),
                seconds(l.p50_us),
                seconds(l.p90_us),
                seconds(l.p99_us),
                seconds(l.p999_us),
                seconds(l.max_us),
                l.mean_us / 1e6,
                if l.approximate { "  (approximate)" } else { "" }
            );
        }
    }
}

/// The terminal summary: each section in the order a reader wants it, a section left
/// out when the summary has nothing for it.
pub fn text(s: &Summary) -> String {
    let mut o = String::new();
    header(&mut o, s);
    window(&mut o, s);
    cumulative(&mut o, s);
    match s.tiers.is_empty() {
        true => body(&mut o, s),
        false => crate::tiers::tiers(&mut o, s, body),
    }
    o
}

/// Everything after the header: the run's, or with tiers, each tier's.
fn body(o: &mut String, s: &Summary) {
    crate::overview::headline(o, s);
    // What fired and what was abnormal, before the figures that explain it.
    crate::thresholds::text(o, s);
    crate::anomalies::text(o, s);
    sources(o, s);
    lines(o, s);
    time(o, s);
    let _ = writeln!(o, "Requests   {}", thousands(s.requests));
    let _ = writeln!(o, "Bytes sent {}", thousands(s.bytes_sent));
    qps(o, s);
    // Top paths are one `--by path` away; endpoints group what IDs split.
    crate::overview::endpoints(o, s);
    crate::overview::servers(o, s);
    crate::series::series(o, s);
    status(o, s);
    latency(o, s);
    haproxy(o, s);
    crate::breakdowns::breakdowns(o, s);
    crate::attempts::attempts(o, s);
    malformed(o, s);
}

/// The version and layout line, each source's layouts when a source mixes them, and the
/// notes detection left.
fn header(o: &mut String, s: &Summary) {
    let layout = match &s.layout {
        // A custom layout's name can come from a server's configuration.
        Some(l) if l.detected => format!("{} (detected)", terminal_safe(&l.name)),
        Some(l) => terminal_safe(&l.name),
        // Nothing to fit: a `--state` run with nothing new, an empty file.
        None if s.lines.read == 0 => "none (no lines read)".to_string(),
        None => "no known layout fits".to_string(),
    };
    // Tiers each have their layouts: the header names them all.
    let layout = match s.tiers.is_empty() {
        true => layout,
        false => {
            let all: Vec<String> = s.tiers.iter().flat_map(|t| t.layouts.clone()).collect();
            terminal_safe(&all.join(", "))
        }
    };
    let _ = writeln!(o, "axlog {} · layout {}", s.axlog_version, layout);
    for src in s.sources.iter().filter(|src| !src.layouts.is_empty()) {
        let each: Vec<String> = src
            .layouts
            .iter()
            .map(|l| format!("{} {} lines", terminal_safe(&l.name), thousands(l.lines)))
            .collect();
        let _ = writeln!(
            o,
            "Layouts: {}: {}",
            terminal_safe(&src.name),
            each.join(", ")
        );
    }
    for src in &s.sources {
        if let Some(note) = &src.layout_note {
            let _ = writeln!(
                o,
                "Note: {}: {}",
                terminal_safe(&src.name),
                terminal_safe(note)
            );
        }
    }
}

/// A `--state` run's window, on one line: the log time it spans, the files (distinct
/// paths) and lines it read, and the gaps it found.
fn window(o: &mut String, s: &Summary) {
    if let Some(w) = &s.window {
        let _ = writeln!(o, "Window     {}", crate::overview::window_words(w));
    }
}

/// A cumulative report's figures, on one line: a total since the state began (or the
/// whole log hours of a window of it) over N runs, not what this run read.
fn cumulative(o: &mut String, s: &Summary) {
    let Some(c) = &s.cumulative else {
        return;
    };
    let runs = format!(
        "{} run{}",
        thousands(c.runs),
        if c.runs == 1 { "" } else { "s" }
    );
    let line = match (&c.from, &c.until, c.hours) {
        (Some(a), Some(b), Some(n)) => {
            format!("Total      {}: {n} log hours {a} – {b} · {runs}", c.window)
        }
        (_, _, Some(_)) => format!("Total      {}: no log hours kept · {runs}", c.window),
        _ => {
            let since = s
                .time
                .as_ref()
                .map_or("the start", |t| t.first.utc.as_str());
            format!("Total      since {since} · {runs}")
        }
    };
    let _ = writeln!(o, "{line} · not this run's window");
}

/// The per-source table: shown for several sources, or for one that failed.
fn sources(o: &mut String, s: &Summary) {
    if s.sources.len() > 1 || s.sources.iter().any(|x| x.error.is_some()) {
        let _ = writeln!(o, "\nSources");
        // The filters' column only when they dropped lines.
        let filtered = s.lines.filtered > 0;
        let _ = writeln!(
            o,
            "  {:<40} {:>12} {:>10}{} {:>12} {:>8} {:>8} {:>10}",
            "",
            "lines",
            "malformed",
            if filtered {
                format!(" {:>12}", "filtered")
            } else {
                String::new()
            },
            "requests",
            "4xx",
            "5xx",
            "p99 (s)"
        );
        for src in &s.sources {
            let _ = write!(
                o,
                "  {:<40} {:>12} {:>10}{} {:>12} {:>8} {:>8} {:>10}",
                ellipsize(&terminal_safe(&src.name), 40),
                thousands(src.lines),
                thousands(src.malformed),
                match filtered {
                    true => format!(" {:>12}", thousands(src.filtered)),
                    false => String::new(),
                },
                thousands(src.requests),
                percent(src.client_error_share),
                percent(src.server_error_share),
                src.p99_us.map(seconds).unwrap_or_else(|| "-".to_string()),
            );
            if let Some(e) = &src.error {
                let _ = write!(o, "  ERROR: {}", terminal_safe(e));
            }
            o.push('\n');
        }
    }
}

/// Lines read, parsed and malformed, and the lines that were not requests.
fn lines(o: &mut String, s: &Summary) {
    let l = &s.lines;
    let malformed_share = if l.read > 0 {
        l.malformed as f64 / l.read as f64
    } else {
        0.0
    };
    let _ = writeln!(
        o,
        "\nLines      read {}  parsed {}  malformed {} ({})",
        thousands(l.read),
        thousands(l.parsed),
        thousands(l.malformed),
        percent(malformed_share)
    );
    if l.filtered > 0 {
        let _ = writeln!(
            o,
            "           filtered {} (parsed, left out by --since/--until/--where/--exclude-bots)",
            thousands(l.filtered)
        );
    }
    if l.other > 0 {
        let _ = writeln!(
            o,
            "           other {} (server messages, not requests)",
            thousands(l.other)
        );
    }
    if l.unread_fields > 0 {
        let _ = writeln!(
            o,
            "           {} with fields after the layout's that are not read (name them with --log-format)",
            thousands(l.unread_fields)
        );
    }
}

/// The first and last times, and the UTC offsets the log was written with.
fn time(o: &mut String, s: &Summary) {
    if let Some(t) = &s.time {
        let (first, last) = (
            shown_time(s, 0, &t.first.utc),
            shown_time(s, 1, &t.last.utc),
        );
        let _ = writeln!(o, "First      {first}  (log time {})", t.first.local);
        let _ = writeln!(o, "Last       {last}  (log time {})", t.last.local);
        let _ = writeln!(o, "Offsets    {}", t.offsets.join(" "));
    }
}

/// Requests a second: mean, peak and percentiles, and the seconds in range.
fn qps(o: &mut String, s: &Summary) {
    if let Some(q) = &s.qps {
        let _ = writeln!(
            o,
            "QPS        mean {:.2}  peak {} at {}  p50 {}  p99 {}",
            q.mean,
            q.peak,
            shown_time(s, 2, &q.peak_second),
            q.p50,
            q.p99
        );
        let _ = writeln!(
            o,
            "Seconds    {} in range, {} without requests",
            thousands(q.seconds),
            thousands(q.empty_seconds)
        );
    }
}

/// Each status code's count and share, then the classes.
fn status(o: &mut String, s: &Summary) {
    if !s.status.codes.is_empty() {
        let _ = writeln!(o, "\nStatus         count    share");
        for c in &s.status.codes {
            let code = if c.code == 0 {
                "-".to_string()
            } else {
                c.code.to_string()
            };
            let _ = writeln!(
                o,
                "  {:<6} {:>12} {:>8}",
                code,
                thousands(c.count),
                percent(c.share)
            );
        }
        let classes: Vec<String> = s
            .status
            .classes
            .iter()
            .filter(|c| c.count > 0)
            .map(|c| format!("{} {} ({})", c.class, thousands(c.count), percent(c.share)))
            .collect();
        let _ = writeln!(o, "Classes    {}", classes.join("  "));
    }
}

/// The percentiles of request_time and upstream_response_time.
fn latency(o: &mut String, s: &Summary) {
    if s.latency.request_time.is_some() || s.latency.upstream_response_time.is_some() {
        let _ = writeln!(
            o,
            "\nLatency (s)                     count       p50       p90       p99     p99.9       max      mean"
        );
        latency_row(o, "request_time", &s.latency.request_time);
        latency_row(
            o,
            "upstream_response_time",
            &s.latency.upstream_response_time,
        );
    }
}

/// HAProxy's timers (its servers and termination states: overview.rs).
fn haproxy(o: &mut String, s: &Summary) {
    if let Some(h) = &s.haproxy {
        let _ = writeln!(
            o,
            "\nHAProxy timers (s)              count       p50       p90       p99     p99.9       max      mean"
        );
        latency_row(o, "TR (request)", &h.tr);
        latency_row(o, "Tw (queue)", &h.tw);
        latency_row(o, "Tc (connect)", &h.tc);
        latency_row(o, "Tr (server response)", &h.tr_server);
        latency_row(o, "Ta (total)", &h.ta);
    }
}

/// The first malformed lines, as samples.
fn malformed(o: &mut String, s: &Summary) {
    if !s.malformed_samples.is_empty() {
        let _ = writeln!(
            o,
            "\nMalformed lines (first {}; --rejects FILE keeps all)",
            s.malformed_samples.len()
        );
        for m in &s.malformed_samples {
            let _ = writeln!(
                o,
                "  {}:{}: {}",
                terminal_safe(&m.source),
                m.line,
                terminal_safe(&m.text)
            );
        }
    }
}
