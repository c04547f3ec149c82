//! Renders a finished [`Summary`] for people (terminal text) and programs (JSON).
//! Rendering never fails on content: everything that came from a log is escaped.

use axlog_stats::Summary;
use axlog_stats::summary::LatencyStats;
use std::fmt::Write as _;

mod escape;
pub use escape::{acts_on_terminal, json_safe, terminal_safe, terminal_safe_lines};

/// The JSON document: one object, field names as documented in docs/report-json.md.
pub fn json(summary: &Summary) -> String {
    // Serialising plain data structs with string keys cannot fail.
    let s =
        serde_json::to_string_pretty(summary).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    // serde_json leaves C1 and bidirectional controls raw: escaped, the value is the same.
    let mut s = json_safe(s);
    s.push('\n');
    s
}

/// `1234567` -> `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds as nginx writes them: 3 decimals for whole milliseconds, else 6.
pub fn seconds(us: u64) -> String {
    if us.is_multiple_of(1000) {
        format!("{}.{:03}", us / 1_000_000, us % 1_000_000 / 1000)
    } else {
        format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
    }
}

fn percent(share: f64) -> String {
    format!("{:.2}%", share * 100.0)
}

/// Cuts `s` to at most `max` characters, marking the cut with `…` (JSON keeps it whole).
pub fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn latency_row(out: &mut String, name: &str, l: &Option<LatencyStats>) {
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

/// The terminal summary.
pub fn text(s: &Summary) -> String {
    let mut o = String::new();
    let layout = match &s.layout {
        // A custom layout's name can come from a server's configuration.
        Some(l) if l.detected => format!("{} (detected)", terminal_safe(&l.name)),
        Some(l) => terminal_safe(&l.name),
        None => "no known layout fits".to_string(),
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
    if s.sources.len() > 1 || s.sources.iter().any(|x| x.error.is_some()) {
        let _ = writeln!(o, "\nSources");
        let _ = writeln!(
            o,
            "  {:<40} {:>12} {:>10} {:>12} {:>8} {:>8} {:>10}",
            "", "lines", "malformed", "requests", "4xx", "5xx", "p99 (s)"
        );
        for src in &s.sources {
            let _ = write!(
                o,
                "  {:<40} {:>12} {:>10} {:>12} {:>8} {:>8} {:>10}",
                ellipsize(&terminal_safe(&src.name), 40),
                thousands(src.lines),
                thousands(src.malformed),
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
    if let Some(t) = &s.time {
        let _ = writeln!(
            o,
            "First      {}  (log time {})",
            t.first.utc, t.first.local
        );
        let _ = writeln!(o, "Last       {}  (log time {})", t.last.utc, t.last.local);
        let _ = writeln!(o, "Offsets    {}", t.offsets.join(" "));
    }
    let _ = writeln!(o, "Requests   {}", thousands(s.requests));
    let _ = writeln!(o, "Bytes sent {}", thousands(s.bytes_sent));
    if let Some(q) = &s.qps {
        let _ = writeln!(
            o,
            "QPS        mean {:.2}  peak {} at {}  p50 {}  p99 {}",
            q.mean, q.peak, q.peak_second, q.p50, q.p99
        );
        let _ = writeln!(
            o,
            "Seconds    {} in range, {} without requests",
            thousands(q.seconds),
            thousands(q.empty_seconds)
        );
    }

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

    if s.latency.request_time.is_some() || s.latency.upstream_response_time.is_some() {
        let _ = writeln!(
            o,
            "\nLatency (s)                     count       p50       p90       p99     p99.9       max      mean"
        );
        latency_row(&mut o, "request_time", &s.latency.request_time);
        latency_row(
            &mut o,
            "upstream_response_time",
            &s.latency.upstream_response_time,
        );
    }

    if !s.top_paths.is_empty() {
        let _ = writeln!(
            o,
            "\nTop paths                                        count    share   p99 (s)"
        );
        for p in &s.top_paths {
            let path = ellipsize(&terminal_safe(&p.path), 44);
            let mut p99 = p.p99_us.map(seconds).unwrap_or_else(|| "-".to_string());
            if p.approximate {
                p99.push_str(" (approximate)");
            }
            let _ = writeln!(
                o,
                "  {:<44} {:>10} {:>8} {:>9}",
                path,
                thousands(p.count),
                percent(p.share),
                p99
            );
        }
        if s.paths.cap_reached {
            // Full by count, or else by the paths' bytes.
            let full = if s.paths.distinct >= s.paths.cap {
                format!("{} distinct paths", thousands(s.paths.cap))
            } else {
                format!(
                    "{} bytes of paths ({} distinct)",
                    thousands(s.paths.bytes_cap),
                    thousands(s.paths.distinct)
                )
            };
            let _ = writeln!(
                o,
                "  (path table full at {full}: {} requests to later new paths are not ranked)",
                thousands(s.paths.untracked_requests)
            );
        }
    }

    if let Some(h) = &s.haproxy {
        let _ = writeln!(
            o,
            "\nHAProxy timers (s)              count       p50       p90       p99     p99.9       max      mean"
        );
        latency_row(&mut o, "TR (request)", &h.tr);
        latency_row(&mut o, "Tw (queue)", &h.tw);
        latency_row(&mut o, "Tc (connect)", &h.tc);
        latency_row(&mut o, "Tr (server response)", &h.tr_server);
        latency_row(&mut o, "Ta (total)", &h.ta);
        if !h.servers.is_empty() {
            let _ = writeln!(
                o,
                "\nBackend/server                                   count    share  Ta p99 (s)"
            );
            for p in &h.servers {
                let mut p99 = p.p99_us.map(seconds).unwrap_or_else(|| "-".to_string());
                if p.approximate {
                    p99.push_str(" (approximate)");
                }
                let _ = writeln!(
                    o,
                    "  {:<44} {:>10} {:>8} {:>9}",
                    ellipsize(&terminal_safe(&p.path), 44),
                    thousands(p.count),
                    percent(p.share),
                    p99
                );
            }
        }
    }

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
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(seconds(123_000), "0.123");
        assert_eq!(seconds(12_000_000), "12.000");
        assert_eq!(seconds(1_500_001), "1.500001");
        assert_eq!(ellipsize("/abcdef", 4), "/ab…");
        assert_eq!(ellipsize("/abc", 4), "/abc");
    }
}
