//! The page's tables, one function a section: sources, statuses (codes and classes),
//! latency (with HAProxy's timers), the top endpoints (by requests, p99 and 5xx), the top
//! paths, HAProxy's servers and termination states, every `--by` table with its sub-rows,
//! the gaps in the traffic, and the malformed lines' samples.

use super::escape::text as esc;
use super::table::{Cell, Table, n, share, size, time};
use axlog_stats::Summary;
use axlog_stats::summary::{
    Breakdown, BreakdownRow, EndpointStat, LatencyStats, PathStat, StateCount,
};
use std::fmt::Write as _;

/// A section's opening: its heading, and a line of explanation when given. Both are
/// markup: any log or configuration text in them is escaped by the caller.
fn heading(o: &mut String, title: &str, note: &str) {
    let _ = write!(o, "<section><h2>{title}</h2>");
    if !note.is_empty() {
        let _ = write!(o, "<p class=\"note\">{note}</p>");
    }
}

/// Every source: its layout, lines, malformed, requests, 4xx and 5xx shares, p99, error.
pub(crate) fn sources(o: &mut String, s: &Summary) {
    if s.sources.is_empty() {
        return;
    }
    heading(o, "Sources", "");
    let rows = s
        .sources
        .iter()
        .map(|src| {
            vec![
                Cell::Key(src.name.clone()),
                Cell::Text(src.layout.clone().unwrap_or_else(|| "-".into())),
                n(src.lines),
                n(src.malformed),
                n(src.requests),
                share(src.client_error_share),
                share(src.server_error_share),
                time(src.p99_us, false),
                src.error
                    .clone()
                    .map_or(Cell::Text(String::new()), Cell::Key),
            ]
        })
        .collect();
    let head = [
        "source",
        "layout",
        ">lines",
        ">malformed",
        ">requests",
        ">4xx",
        ">5xx",
        ">p99",
        "error",
    ];
    Table::flat(&head, rows).write(o);
    o.push_str("</section>\n");
}

/// Status codes and classes, side by side.
pub(crate) fn status(o: &mut String, s: &Summary) {
    if s.status.codes.is_empty() {
        return;
    }
    heading(o, "Status", "");
    o.push_str("<div class=\"pair\">");
    let codes = s
        .status
        .codes
        .iter()
        .map(|c| {
            let code = crate::fmt::status_code(c.code);
            // A code names a row, as a class does: left-aligned under its header (three
            // digits sort as text the way they do as numbers).
            vec![Cell::Text(code), n(c.count), share(c.share)]
        })
        .collect();
    Table::flat(&["status", ">requests", ">share"], codes).write(o);
    let classes = s
        .status
        .classes
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| vec![Cell::Text(c.class.clone()), n(c.count), share(c.share)])
        .collect();
    Table::flat(&["class", ">requests", ">share"], classes).write(o);
    o.push_str("</div></section>\n");
}

fn latency_row(name: &str, l: Option<&LatencyStats>) -> Option<Vec<Cell>> {
    let l = l?;
    let a = l.approximate;
    Some(vec![
        Cell::Text(name.to_string()),
        n(l.count),
        time(Some(l.p50_us), a),
        time(Some(l.p90_us), a),
        time(Some(l.p99_us), a),
        time(Some(l.p999_us), a),
        time(Some(l.max_us), a),
        Cell::Num(Some(l.mean_us), super::units::duration(l.mean_us)),
    ])
}

/// The latencies the layout logs, then HAProxy's timers.
pub(crate) fn latency(o: &mut String, s: &Summary) {
    let rows: Vec<Vec<Cell>> = crate::latencies::all(s)
        .into_iter()
        .filter_map(|l| latency_row(l.label, l.stats))
        .collect();
    if rows.is_empty() {
        return;
    }
    heading(
        o,
        "Latency",
        "Nearest-rank percentiles over the requests that logged each time; ≈ marks a \
         histogram that met more distinct values than it keeps exactly.",
    );
    let head = [
        "",
        ">requests",
        ">p50",
        ">p90",
        ">p99",
        ">p99.9",
        ">max",
        ">mean",
    ];
    Table::flat(&head, rows).write(o);
    o.push_str("</section>\n");
}

fn endpoint_rows(list: &[EndpointStat]) -> Vec<Vec<Cell>> {
    list.iter()
        .map(|e| {
            vec![
                Cell::Key(e.endpoint.clone()),
                n(e.count),
                share(e.share),
                n(e.status_4xx),
                n(e.status_5xx),
                share(e.share_5xx),
                time(e.p99_us, e.approximate),
            ]
        })
        .collect()
}

/// The three endpoint lists, as tabs would be: side by side is too wide, so one after
/// the other, each short.
pub(crate) fn endpoints(o: &mut String, s: &Summary) {
    let Some(e) = &s.top_endpoints else {
        return;
    };
    if e.by_requests.is_empty() {
        return;
    }
    let head = [
        "endpoint",
        ">requests",
        ">share",
        ">4xx",
        ">5xx",
        ">5xx share",
        ">p99",
    ];
    let lists = [
        ("Top endpoints by requests", &e.by_requests),
        ("Slowest endpoints (p99)", &e.by_p99),
        ("Endpoints with most 5xx", &e.by_5xx),
    ];
    for (title, list) in lists {
        if list.is_empty() {
            continue;
        }
        heading(o, title, "");
        Table::flat(&head, endpoint_rows(list)).write(o);
        o.push_str("</section>\n");
    }
}

fn path_rows(list: &[PathStat]) -> Vec<Vec<Cell>> {
    list.iter()
        .map(|p| {
            vec![
                Cell::Key(p.path.clone()),
                n(p.count),
                share(p.share),
                n(p.status_4xx),
                n(p.status_5xx),
                time(p.p99_us, p.approximate),
            ]
        })
        .collect()
}

/// The busiest paths, and what the path table's cap left out.
pub(crate) fn paths(o: &mut String, s: &Summary) {
    if s.top_paths.is_empty() {
        return;
    }
    let note = match s.paths.cap_reached {
        true => format!(
            "The path table was full ({} paths tracked): {} requests to later new paths are not ranked.",
            n_text(s.paths.distinct),
            n_text(s.paths.untracked_requests)
        ),
        false => String::new(),
    };
    heading(o, "Top paths", &note);
    let head = ["path", ">requests", ">share", ">4xx", ">5xx", ">p99"];
    Table::flat(&head, path_rows(&s.top_paths)).write(o);
    o.push_str("</section>\n");
}

fn n_text(v: u64) -> String {
    super::units::count(v)
}

fn state_rows(list: &[StateCount]) -> Vec<Vec<Cell>> {
    list.iter()
        .map(|c| vec![Cell::Key(c.state.clone()), n(c.count), share(c.share)])
        .collect()
}

/// HAProxy's busiest `backend/server` pairs (Ta's p99), and its termination states.
pub(crate) fn haproxy(o: &mut String, s: &Summary) {
    let Some(h) = &s.haproxy else {
        return;
    };
    if !h.servers.is_empty() {
        let note = format!(
            "{} distinct backend/server pairs; p99 is Ta's (total time).",
            n_text(h.distinct_servers)
        );
        heading(o, "HAProxy servers", &note);
        let head = [
            "backend/server",
            ">requests",
            ">share",
            ">4xx",
            ">5xx",
            ">p99",
        ];
        Table::flat(&head, path_rows(&h.servers)).write(o);
        o.push_str("</section>\n");
    }
    if !h.termination_states.is_empty() {
        heading(o, "HAProxy termination states", "");
        o.push_str("<div class=\"pair\">");
        Table::flat(
            &["state", ">requests", ">share"],
            state_rows(&h.termination_states),
        )
        .write(o);
        Table::flat(
            &["phase", ">requests", ">share"],
            state_rows(&h.termination_phases),
        )
        .write(o);
        o.push_str("</div></section>\n");
    }
}

fn breakdown_row(r: &BreakdownRow) -> Vec<Cell> {
    let peak = match &r.qps_peak {
        Some(p) => Cell::Num(
            Some(p.requests as f64),
            format!(
                "{}{}",
                n_text(p.requests),
                if p.approximate { "~" } else { "" }
            ),
        ),
        None => Cell::Num(None, "-".into()),
    };
    let mut row = vec![
        Cell::Key(r.key.clone()),
        n(r.requests),
        share(r.share),
        n(r.status_4xx),
        n(r.status_5xx),
        Cell::Num(Some(r.qps_mean), format!("{:.2}", r.qps_mean)),
        peak,
        size(r.bytes_sent),
    ];
    match r.latencies.first().filter(|l| l.name == "latency") {
        Some(l) => {
            let a = l.approximate;
            row.extend([
                time(Some(l.p50_us), a),
                time(Some(l.p90_us), a),
                time(Some(l.p99_us), a),
                time(Some(l.max_us), a),
            ]);
        }
        None => row.extend((0..4).map(|_| time(None, false))),
    }
    row
}

/// A `--by` table: each row with its sub-rows (a two-level `--by a,b`), then what its
/// caps left out.
pub(crate) fn breakdown(o: &mut String, b: &Breakdown) {
    let mut title = format!("By <code>{}</code>", esc(&b.dimension));
    if b.sort != "requests" {
        let _ = write!(title, " (top by {})", esc(&b.sort));
    }
    let mut notes = Vec::new();
    if b.cap_reached {
        notes.push(format!(
            "Table full at {} keys: {} requests with later new keys are not ranked.",
            n_text(b.distinct),
            n_text(b.untracked_requests)
        ));
    }
    if b.requests_without_key > 0 {
        notes.push(format!(
            "{} requests have no {}.",
            n_text(b.requests_without_key),
            esc(&b.dimension)
        ));
    }
    heading(o, &title, &notes.join(" "));
    let groups = b
        .rows
        .iter()
        .map(|r| {
            std::iter::once(breakdown_row(r))
                .chain(r.rows.iter().map(breakdown_row))
                .collect()
        })
        .collect();
    let head = [
        "key",
        ">requests",
        ">share",
        ">4xx",
        ">5xx",
        ">QPS mean",
        ">QPS peak",
        ">bytes",
        ">p50",
        ">p90",
        ">p99",
        ">max",
    ];
    Table {
        head: &head,
        groups,
    }
    .write(o);
    o.push_str("</section>\n");
}

/// The runs of empty seconds in steady traffic (`--gap`), when there were any.
pub(crate) fn gaps(o: &mut String, s: &Summary) {
    let Some(g) = &s.series.gaps else {
        return;
    };
    if g.gaps.is_empty() {
        return;
    }
    let mut note = format!(
        "{} runs of more than {} s without a request, between minutes with steady traffic.",
        n_text(g.count),
        g.min_seconds
    );
    if g.count > g.gaps.len() as u64 {
        let _ = write!(
            note,
            " The first {} are listed.",
            n_text(g.gaps.len() as u64)
        );
    }
    heading(o, "Gaps", &note);
    let rows = g
        .gaps
        .iter()
        .map(|x| {
            vec![
                Cell::Text(x.start.clone()),
                Cell::Text(x.end.clone()),
                Cell::Num(Some(x.seconds as f64), super::units::span(x.seconds)),
            ]
        })
        .collect();
    Table::flat(&["from", "to (next request)", ">length"], rows).write(o);
    o.push_str("</section>\n");
}

/// The malformed lines kept as samples, with their source and line number.
pub(crate) fn malformed(o: &mut String, s: &Summary) {
    if s.malformed_samples.is_empty() {
        return;
    }
    let note = format!(
        "{} malformed lines; the first kept are shown (`--rejects FILE` writes them all).",
        n_text(s.lines.malformed)
    );
    heading(o, "Malformed lines", &esc(&note));
    let rows = s
        .malformed_samples
        .iter()
        .map(|m| {
            vec![
                Cell::Key(m.source.clone()),
                n(m.line),
                Cell::Key(m.text.clone()),
            ]
        })
        .collect();
    Table::flat(&["source", ">line", "text"], rows).write(o);
    o.push_str("</section>\n");
}
