//! The Markdown renderer: the headline and the tables in GitHub-flavoured Markdown, for
//! cron mail, chat and tickets (`report -o report.md`). Every string that came from a log
//! or a configuration is shown as a code span ([`code`]): inside one, Markdown makes no
//! link, no HTML and no emphasis, so a crafted path can only show itself.

use crate::fmt::{percent, seconds, thousands};
use crate::overview::{headline_rest, window_words};
use crate::terminal_safe;
use axlog_stats::Summary;
use axlog_stats::summary::{Breakdown, BreakdownRow, EndpointStat, LatencyStats, NamedLatency};
use std::fmt::Write as _;

/// The summary as a Markdown document: a title, the headline, then one section a table.
pub fn markdown(s: &Summary) -> String {
    let mut o = String::from("# axlog report\n");
    match s.tiers.is_empty() {
        true => body(&mut o, s, "##"),
        false => {
            let _ = writeln!(
                o,
                "\n{} tiers, each summarised on its own: a request that passes through \
                 several is logged in each, so their requests are not added.",
                s.tiers.len()
            );
            sources(&mut o, s, "##");
            for t in &s.tiers {
                let _ = writeln!(
                    o,
                    "\n## Tier: {} ({})",
                    code(&t.name, false),
                    code(&t.layouts.join(", "), false)
                );
                body(&mut o, &t.summary, "###");
            }
        }
    }
    o
}

/// One summary's sections, their headings at level `h`.
fn body(o: &mut String, s: &Summary, h: &str) {
    headline(o, s);
    crate::thresholds::markdown(o, s, h);
    crate::anomalies::markdown(o, s, h);
    if s.tiers.is_empty() {
        sources(o, s, h);
    }
    status(o, s, h);
    latency(o, s, h);
    if let Some(e) = &s.top_endpoints {
        endpoints(o, h, "Top endpoints by requests", &e.by_requests);
        endpoints(o, h, "Slowest endpoints (p99)", &e.by_p99);
        endpoints(o, h, "Endpoints with most 5xx", &e.by_5xx);
    }
    paths(o, s, h);
    for b in &s.by {
        breakdown(o, b, h);
    }
}

/// `text` as a code span that shows it verbatim: control and bidirectional characters
/// escaped as the terminal shows them (`\x0A`: no line break can end the row), the fence
/// longer than any run of backticks inside, and in a table cell `|` escaped (GFM splits
/// cells before it reads code spans). Empty text is an empty cell.
pub(crate) fn code(text: &str, in_table: bool) -> String {
    let mut t = terminal_safe(text);
    if t.is_empty() {
        return String::new();
    }
    if in_table {
        t = t.replace('|', "\\|");
    }
    let mut longest = 0;
    let mut run = 0;
    for c in t.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A span strips one space from each end when both have one, and a backtick at an end
    // would join the fence: a space on each side keeps the text as it is.
    let pad = t.starts_with('`') || t.ends_with('`') || (t.starts_with(' ') && t.ends_with(' '));
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{t}{pad}{fence}")
}

/// A table: the header (`>` marks a right-aligned column) and its rows.
pub(crate) fn table(o: &mut String, header: &[&str], rows: &[Vec<String>]) {
    o.push('\n');
    let names: Vec<&str> = header.iter().map(|h| h.trim_start_matches('>')).collect();
    let _ = writeln!(o, "| {} |", names.join(" | "));
    let align: Vec<&str> = header
        .iter()
        .map(|h| if h.starts_with('>') { "---:" } else { "---" })
        .collect();
    let _ = writeln!(o, "|{}|", align.join("|"));
    for r in rows {
        let _ = writeln!(o, "| {} |", r.join(" | "));
    }
}

fn opt_seconds(us: Option<u64>, approximate: bool) -> String {
    match us {
        Some(us) if approximate => format!("{} (approximate)", seconds(us)),
        Some(us) => seconds(us),
        None => "-".to_string(),
    }
}

/// Requests, QPS mean and peak, 5xx share, p99, malformed share, and the time covered:
/// a `--state` run's window, else the first and last request.
fn headline(o: &mut String, s: &Summary) {
    let _ = write!(
        o,
        "\n**{} requests**{}",
        thousands(s.requests),
        headline_rest(s)
    );
    if let Some(w) = &s.window {
        let _ = writeln!(o, "\nWindow: {}", window_words(w));
    } else if let Some(t) = &s.time {
        let _ = writeln!(o, "\nTime: {} – {}", t.first.utc, t.last.utc);
    }
    let _ = writeln!(
        o,
        "\nLines: read {}, parsed {}, malformed {}, filtered {} · bytes sent {}",
        thousands(s.lines.read),
        thousands(s.lines.parsed),
        thousands(s.lines.malformed),
        thousands(s.lines.filtered),
        thousands(s.bytes_sent)
    );
}

/// Each source's lines, requests, errors and p99 (with its error, if reading failed).
fn sources(o: &mut String, s: &Summary, h: &str) {
    if s.sources.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{h} Sources");
    // The error column only when a source failed.
    let errors = s.sources.iter().any(|src| src.error.is_some());
    let rows: Vec<Vec<String>> = s
        .sources
        .iter()
        .map(|src| {
            let mut row = vec![
                code(&src.name, true),
                thousands(src.lines),
                thousands(src.malformed),
                thousands(src.requests),
                percent(src.client_error_share),
                percent(src.server_error_share),
                opt_seconds(src.p99_us, false),
            ];
            if errors {
                row.push(
                    src.error
                        .as_deref()
                        .map_or(String::new(), |e| code(e, true)),
                );
            }
            row
        })
        .collect();
    let header = [
        "source",
        ">lines",
        ">malformed",
        ">requests",
        ">4xx",
        ">5xx",
        ">p99 (s)",
        "error",
    ];
    table(o, &header[..if errors { 8 } else { 7 }], &rows);
}

/// Each status code and class with its count and share.
fn status(o: &mut String, s: &Summary, h: &str) {
    if s.status.codes.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{h} Status");
    let rows: Vec<Vec<String>> = s
        .status
        .codes
        .iter()
        .map(|c| {
            let code = crate::fmt::status_code(c.code);
            vec![code, thousands(c.count), percent(c.share)]
        })
        .collect();
    table(o, &["status", ">count", ">share"], &rows);
    let classes: Vec<Vec<String>> = s
        .status
        .classes
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| vec![c.class.clone(), thousands(c.count), percent(c.share)])
        .collect();
    table(o, &["class", ">count", ">share"], &classes);
}

fn latency_row(name: &str, l: Option<&LatencyStats>) -> Option<Vec<String>> {
    let l = l?;
    let mark = if l.approximate { " (approximate)" } else { "" };
    Some(vec![
        format!("{name}{mark}"),
        thousands(l.count),
        seconds(l.p50_us),
        seconds(l.p90_us),
        seconds(l.p99_us),
        seconds(l.p999_us),
        seconds(l.max_us),
        format!("{:.3}", l.mean_us / 1e6),
    ])
}

/// The latencies the layout logs, and HAProxy's timers.
fn latency(o: &mut String, s: &Summary, h: &str) {
    let rows: Vec<Vec<String>> = crate::latencies::all(s)
        .into_iter()
        .filter_map(|l| latency_row(l.label, l.stats))
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{h} Latency (s)");
    let header = [
        "", ">count", ">p50", ">p90", ">p99", ">p99.9", ">max", ">mean",
    ];
    table(o, &header, &rows);
}

/// One of the endpoint lists.
fn endpoints(o: &mut String, h: &str, title: &str, list: &[EndpointStat]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{h} {title}");
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|r| {
            vec![
                code(&r.endpoint, true),
                thousands(r.count),
                percent(r.share),
                thousands(r.status_5xx),
                opt_seconds(r.p99_us, r.approximate),
            ]
        })
        .collect();
    let header = ["endpoint", ">count", ">share", ">5xx", ">p99 (s)"];
    table(o, &header, &rows);
}

/// The busiest paths (the JSON's `top_paths`).
fn paths(o: &mut String, s: &Summary, h: &str) {
    if s.top_paths.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{h} Top paths");
    let rows: Vec<Vec<String>> = s
        .top_paths
        .iter()
        .map(|p| {
            vec![
                code(&p.path, true),
                thousands(p.count),
                percent(p.share),
                thousands(p.status_4xx),
                thousands(p.status_5xx),
                opt_seconds(p.p99_us, p.approximate),
            ]
        })
        .collect();
    let header = ["path", ">count", ">share", ">4xx", ">5xx", ">p99 (s)"];
    table(o, &header, &rows);
}

/// A `--by` table: its rows (a two-level table's sub-rows after their row, marked `↳`),
/// then what its caps left out.
fn breakdown(o: &mut String, b: &Breakdown, h: &str) {
    let mut title = format!("{h} By {}", code(&b.dimension, false));
    if b.sort != "requests" {
        let _ = write!(title, " (by {})", code(&b.sort, false));
    }
    let _ = writeln!(o, "\n{title}");
    let mut rows = Vec::new();
    for r in &b.rows {
        rows.push(breakdown_row(r, ""));
        for sub in &r.rows {
            rows.push(breakdown_row(sub, "↳ "));
        }
    }
    let header = [
        "key",
        ">requests",
        ">share",
        ">4xx",
        ">5xx",
        ">QPS mean",
        ">peak",
        ">bytes",
        ">p50 (s)",
        ">p90 (s)",
        ">p99 (s)",
        ">p99.9 (s)",
        ">max (s)",
    ];
    table(o, &header, &rows);
    if b.cap_reached {
        let _ = writeln!(
            o,
            "\nTable full at {} keys: {} requests with later new keys are not ranked.",
            thousands(b.distinct),
            thousands(b.untracked_requests)
        );
    }
    if b.requests_without_key > 0 {
        let _ = writeln!(
            o,
            "\n{} requests have no {}.",
            thousands(b.requests_without_key),
            code(&b.dimension, false)
        );
    }
}

fn breakdown_row(r: &BreakdownRow, mark: &str) -> Vec<String> {
    let peak = r.qps_peak.as_ref().map_or_else(
        || "-".to_string(),
        |p| format!("{}{}", p.requests, if p.approximate { "~" } else { "" }),
    );
    let mut row = vec![
        format!("{mark}{}", code(&r.key, true)),
        thousands(r.requests),
        percent(r.share),
        thousands(r.status_4xx),
        thousands(r.status_5xx),
        format!("{:.2}", r.qps_mean),
        peak,
        thousands(r.bytes_sent),
    ];
    let lat: Option<&NamedLatency> = r.latencies.first().filter(|l| l.name == "latency");
    match lat {
        Some(l) => {
            let mark = if l.approximate { " (approximate)" } else { "" };
            row.extend([
                seconds(l.p50_us),
                seconds(l.p90_us),
                seconds(l.p99_us),
                seconds(l.p999_us),
                format!("{}{mark}", seconds(l.max_us)),
            ]);
        }
        None => row.extend(std::iter::repeat_n("-".to_string(), 5)),
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_show_text_verbatim() {
        assert_eq!(code("/a", true), "`/a`");
        assert_eq!(code("a|b", true), "`a\\|b`");
        assert_eq!(code("a|b", false), "`a|b`");
        assert_eq!(code("x`y", true), "``x`y``");
        assert_eq!(code("`x``", true), "``` `x`` ```");
        assert_eq!(code(" a ", true), "`  a  `");
        assert_eq!(code("a\nb<c>", true), "`a\\x0Ab<c>`");
        assert_eq!(code("", true), "");
    }
}
