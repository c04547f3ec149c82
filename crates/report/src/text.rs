//! The text renderer: the summary as a terminal report, one function a section.
//! Everything that came from a log or a configuration is escaped with [`terminal_safe`].

use crate::fmt::{bytes, duration, percent, thousands};
use crate::series::shown_time;
use crate::style::{Out, Paint, Style};
use crate::table::{Left, Right, Table};
use crate::terminal_safe;
use axlog_stats::Summary;
use axlog_stats::summary::LatencyStats;
use std::fmt::Write as _;

/// A latency table: each named time's count, percentiles, max and mean; `-` when the
/// log has no such time. `name` heads the names' column.
pub(crate) fn latency_table(o: &mut Out, name: &str, rows: &[(&str, Option<&LatencyStats>)]) {
    let mut t = Table::new(&[
        (name, Left),
        ("count", Right),
        ("p50", Right),
        ("p90", Right),
        ("p99", Right),
        ("p99.9", Right),
        ("max", Right),
        ("mean", Right),
    ]);
    for (n, l) in rows {
        match l {
            None => {
                t.row(vec![n.to_string(), "-".to_string()]);
            }
            Some(l) => {
                let row = t.row(vec![
                    n.to_string(),
                    thousands(l.count),
                    duration(l.p50_us),
                    duration(l.p90_us),
                    duration(l.p99_us),
                    duration(l.p999_us),
                    duration(l.max_us),
                    // The mean is a float of µs; below zero or past u64 it cannot be.
                    duration(l.mean_us.round().max(0.0) as u64),
                ]);
                if l.approximate {
                    row.note("(approximate)");
                }
            }
        }
    }
    t.render(o);
}

/// The terminal summary, plain: each section in the order a reader wants it, a section
/// left out when the summary has nothing for it.
pub fn text(s: &Summary) -> String {
    render(s).plain()
}

/// As [`text`], with bold titles and colours when `style` asks for them; the same text
/// once the escape codes are stripped.
pub fn text_styled(s: &Summary, style: Style) -> String {
    render(s).finish(style)
}

fn render(s: &Summary) -> Out {
    let mut o = Out::default();
    header(&mut o, s);
    window(&mut o, s);
    cumulative(&mut o, s);
    match s.tiers.is_empty() {
        true => body(&mut o, s),
        false => {
            // `--fail-if` is checked on the run's figures, not a tier's: said once, first.
            crate::thresholds::text(&mut o, s);
            crate::tiers::tiers(&mut o, s, body);
        }
    }
    o
}

/// Everything after the header: the run's, or with tiers, each tier's.
fn body(o: &mut Out, s: &Summary) {
    crate::overview::headline(o, s);
    // What fired and what was abnormal, before the figures that explain it.
    crate::thresholds::text(o, s);
    crate::anomalies::text(o, s);
    sources(o, s);
    lines(o, s);
    time(o, s);
    let _ = writeln!(o, "Requests   {}", thousands(s.requests));
    let _ = writeln!(o, "Bytes sent {}", bytes(s.bytes_sent));
    qps(o, s);
    // The times before the status codes: a log has a few dozen codes, two times.
    latency(o, s);
    haproxy(o, s);
    status(o, s);
    // Top paths are one `--by path` away; endpoints group what IDs split.
    crate::overview::endpoints(o, s);
    crate::overview::servers(o, s);
    crate::series::series(o, s);
    crate::breakdowns::breakdowns(o, s);
    crate::attempts::attempts(o, s);
    malformed(o, s);
}

/// The version and layout line, each source's layouts when a source mixes them, and the
/// notes detection left.
fn header(o: &mut Out, s: &Summary) {
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
fn window(o: &mut Out, s: &Summary) {
    if let Some(w) = &s.window {
        let _ = writeln!(o, "Window     {}", crate::overview::window_words(w));
    }
}

/// A cumulative report's figures, on one line: a total since the state began (or the
/// whole log hours of a window of it) over N runs, not what this run read.
fn cumulative(o: &mut Out, s: &Summary) {
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
fn sources(o: &mut Out, s: &Summary) {
    if s.sources.len() > 1 || s.sources.iter().any(|x| x.error.is_some()) {
        o.title("Sources");
        // The filters' column only when they dropped lines.
        let filtered = s.lines.filtered > 0;
        let mut heads = vec![("source", Left), ("lines", Right), ("malformed", Right)];
        if filtered {
            heads.push(("filtered", Right));
        }
        heads.extend([
            ("requests", Right),
            ("4xx", Right),
            ("5xx", Right),
            ("p99", Right),
        ]);
        let mut t = Table::new(&heads);
        for src in &s.sources {
            let mut cells = vec![
                terminal_safe(&src.name),
                thousands(src.lines),
                thousands(src.malformed),
            ];
            if filtered {
                cells.push(thousands(src.filtered));
            }
            let col_5xx = cells.len() + 2;
            cells.extend([
                thousands(src.requests),
                percent(src.client_error_share),
                percent(src.server_error_share),
                src.p99_us.map(duration).unwrap_or_else(|| "-".to_string()),
            ]);
            let row = t.row(cells);
            if src.server_error_share > 0.0 {
                row.paint(col_5xx, Paint::Red);
            }
            if let Some(e) = &src.error {
                row.note(format!("ERROR: {}", terminal_safe(e)));
                row.paint(0, Paint::Red);
            }
        }
        t.render(o);
    }
}

/// Lines read, parsed and malformed, and the lines that were not requests.
fn lines(o: &mut Out, s: &Summary) {
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
fn time(o: &mut Out, s: &Summary) {
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
fn qps(o: &mut Out, s: &Summary) {
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

/// Each status code's count and share (5xx in red), then the classes.
fn status(o: &mut Out, s: &Summary) {
    if !s.status.codes.is_empty() {
        o.title("Status");
        let mut t = Table::new(&[("code", Left), ("count", Right), ("share", Right)]);
        for c in &s.status.codes {
            let code = crate::fmt::status_code(c.code);
            let row = t.row(vec![code, thousands(c.count), percent(c.share)]);
            if (500..600).contains(&c.code) {
                row.paint_all(Paint::Red);
            }
        }
        t.render(o);
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
fn latency(o: &mut Out, s: &Summary) {
    let logged: Vec<_> = crate::latencies::all(s)
        .into_iter()
        .filter(|l| !l.haproxy)
        .map(|l| (l.label, l.stats))
        .collect();
    if logged.iter().any(|(_, l)| l.is_some()) {
        o.title("Latency");
        latency_table(o, "time", &logged);
    }
}

/// HAProxy's timers (its servers and termination states: overview.rs).
fn haproxy(o: &mut Out, s: &Summary) {
    if s.haproxy.is_some() {
        let timers: Vec<_> = crate::latencies::all(s)
            .into_iter()
            .filter(|l| l.haproxy)
            .map(|l| (l.label, l.stats))
            .collect();
        o.title("HAProxy timers");
        latency_table(o, "timer", &timers);
    }
}

/// The first malformed lines, as samples.
fn malformed(o: &mut Out, s: &Summary) {
    if !s.malformed_samples.is_empty() {
        o.title(&format!(
            "Malformed lines (first {}; --rejects FILE keeps all)",
            s.malformed_samples.len()
        ));
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
