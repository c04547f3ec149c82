//! The sections of the text report that answer an operator's first questions: the
//! headline (requests, QPS, 5xx, p99, malformed), the top endpoints by requests, by p99
//! and by 5xx, HAProxy's servers with their errors (`<NOSRV>` always), and its
//! termination states.

use crate::fmt::{duration, percent, seconds, thousands};
use crate::style::{Out, Paint};
use crate::table::{Left, Right, Table};
use crate::terminal_safe;
use axlog_stats::Summary;
use axlog_stats::summary::{EndpointStat, StateCount, Window};
use std::fmt::Write as _;

/// The share `c` is of `n` (0 of none).
pub(crate) fn share(c: u64, n: u64) -> f64 {
    match n {
        0 => 0.0,
        n => c as f64 / n as f64,
    }
}

/// Requests with a 5xx status.
pub(crate) fn count_5xx(s: &Summary) -> u64 {
    let c = s.status.classes.iter().find(|c| c.class == "5xx");
    c.map_or(0, |c| c.count)
}

/// The headline's p99: request time's, HAProxy's Ta where none is logged.
pub(crate) fn headline_p99(s: &Summary) -> Option<u64> {
    s.latency
        .request_time
        .as_ref()
        .or_else(|| s.haproxy.as_ref().and_then(|h| h.ta.as_ref()))
        .map(|l| l.p99_us)
}

/// One line, bold: requests, QPS mean and peak, 5xx share (red when any), request-time
/// p99 (HAProxy's Ta where none), malformed share of the lines read, and the log time it
/// spans.
pub(crate) fn headline(o: &mut Out, s: &Summary) {
    o.push('\n');
    let mut line = format!("{} requests", thousands(s.requests));
    if let Some(q) = &s.qps {
        let _ = write!(line, " · QPS mean {:.2}, peak {}", q.mean, q.peak);
    }
    line.push_str(" · ");
    o.paint(Paint::Bold, &line);
    let n_5xx = count_5xx(s);
    let fives = format!("5xx {}", percent(share(n_5xx, s.requests)));
    o.paint(if n_5xx > 0 { Paint::Red } else { Paint::Bold }, &fives);
    let mut line = String::new();
    if let Some(p) = headline_p99(s) {
        let _ = write!(line, " · p99 {}", duration(p));
    }
    let _ = write!(
        line,
        " · malformed {}",
        percent(share(s.lines.malformed, s.lines.read))
    );
    if let Some(t) = &s.time {
        let span = t.last.epoch_us.saturating_sub(t.first.epoch_us);
        let _ = write!(
            line,
            " · {} of log",
            duration(u64::try_from(span).unwrap_or(0))
        );
    }
    o.paint(Paint::Bold, &line);
    o.push('\n');
}

/// The headline after its request count, with its newline: ` · QPS mean …, peak … · 5xx …
/// · p99 … s · malformed …` (the Markdown report sets the count in bold before it).
pub(crate) fn headline_rest(s: &Summary) -> String {
    let mut line = String::new();
    if let Some(q) = &s.qps {
        let _ = write!(line, " · QPS mean {:.2}, peak {}", q.mean, q.peak);
    }
    let _ = write!(line, " · 5xx {}", percent(share(count_5xx(s), s.requests)));
    if let Some(p) = headline_p99(s) {
        let _ = write!(line, " · p99 {} s", seconds(p));
    }
    let _ = writeln!(
        line,
        " · malformed {}",
        percent(share(s.lines.malformed, s.lines.read))
    );
    line
}

/// A `--state` run's window in words: its log time, how many files and lines it read, its
/// gaps and bytes lost, whether it is partial, and its generation.
pub(crate) fn window_words(w: &Window) -> String {
    let span = match (&w.log_first, &w.log_last) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        _ => "no requests".to_string(),
    };
    let mut paths: Vec<&str> = w.files.iter().map(|f| f.path.as_str()).collect();
    paths.sort_unstable();
    paths.dedup();
    let lines: u64 = w.files.iter().map(|f| f.lines).sum();
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "{span} · {}, {} lines",
        plural(paths.len(), "file"),
        thousands(lines)
    );
    if !w.gaps.is_empty() {
        let lost: u64 = w.gaps.iter().map(|g| g.bytes_at_least).sum();
        let _ = write!(
            line,
            " · {} (at least {} bytes lost)",
            plural(w.gaps.len(), "gap"),
            thousands(lost)
        );
    }
    if w.partial {
        line.push_str(" · partial");
    }
    let _ = write!(line, " · generation {}", w.generation);
    line
}

/// The three endpoint lists, and what the path table's cap left out of them.
pub(crate) fn endpoints(o: &mut Out, s: &Summary) {
    let Some(e) = &s.top_endpoints else {
        return;
    };
    if e.by_requests.is_empty() {
        return;
    }
    list(o, "Top endpoints by requests", &e.by_requests);
    list(o, "Slowest endpoints (p99)", &e.by_p99);
    list(o, "Endpoints with most 5xx", &e.by_5xx);
    if s.paths.cap_reached {
        // Full by count, or else by the paths' bytes; the endpoints are folded from the
        // paths tracked.
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
            thousands(e.untracked_requests)
        );
    }
}

fn list(o: &mut Out, title: &str, rows: &[EndpointStat]) {
    if rows.is_empty() {
        return;
    }
    o.title(title);
    let mut t = Table::new(&[
        ("endpoint", Left),
        ("count", Right),
        ("share", Right),
        ("5xx", Right),
        ("p99", Right),
    ]);
    for r in rows {
        let row = t.row(vec![
            terminal_safe(&r.endpoint),
            thousands(r.count),
            percent(r.share),
            percent(r.share_5xx),
            r.p99_us.map(duration).unwrap_or_else(|| "-".to_string()),
        ]);
        if r.share_5xx > 0.0 {
            row.paint(3, Paint::Red);
        }
        if r.approximate {
            row.note("(approximate)");
        }
    }
    t.render(o);
}

/// HAProxy's busiest `backend/server` pairs with their 4xx and 5xx (and any `<NOSRV>`
/// pair), then the termination states: the full states and by their first two
/// characters.
pub(crate) fn servers(o: &mut Out, s: &Summary) {
    let Some(h) = &s.haproxy else {
        return;
    };
    if !h.servers.is_empty() {
        o.title("HAProxy servers");
        let mut t = Table::new(&[
            ("backend/server", Left),
            ("count", Right),
            ("share", Right),
            ("4xx", Right),
            ("5xx", Right),
            ("Ta p99", Right),
        ]);
        for p in &h.servers {
            let row = t.row(vec![
                terminal_safe(&p.path),
                thousands(p.count),
                percent(p.share),
                thousands(p.status_4xx),
                thousands(p.status_5xx),
                p.p99_us.map(duration).unwrap_or_else(|| "-".to_string()),
            ]);
            if p.status_5xx > 0 {
                row.paint(4, Paint::Red);
            }
            if p.approximate {
                row.note("(approximate)");
            }
        }
        t.render(o);
    }
    if !h.termination_states.is_empty() {
        o.push('\n');
    }
    states(o, "Termination states", &h.termination_states);
    states(o, "By first two characters", &h.termination_phases);
}

/// At most ten states (the rest summed on one line).
fn states(o: &mut Out, title: &str, all: &[StateCount]) {
    if all.is_empty() {
        return;
    }
    let shown: Vec<String> = all
        .iter()
        .take(10)
        .map(|c| {
            format!(
                "{} {} ({})",
                terminal_safe(&c.state),
                thousands(c.count),
                percent(c.share)
            )
        })
        .collect();
    let _ = write!(o, "{title:<24} {}", shown.join("  "));
    let rest: u64 = all.iter().skip(10).map(|c| c.count).sum();
    if rest > 0 {
        let _ = write!(o, "  others {}", thousands(rest));
    }
    o.push('\n');
}
