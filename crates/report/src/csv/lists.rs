//! The report's ranked lists: `endpoints.csv` (the three endpoint rankings, a `ranking`
//! column naming each), `paths.csv` (the top paths), and HAProxy's `servers.csv` and
//! `terminations.csv`.

use super::cell::{flag, float, int, opt_int, text};
use super::table::{Part, Table};
use axlog_stats::summary::{EndpointStat, PathStat, StateCount};

const ENDPOINTS: &[&str] = &[
    "ranking",
    "rank",
    "endpoint",
    "count",
    "share",
    "status_4xx",
    "status_5xx",
    "share_5xx",
    "p99_us",
    "approximate",
];

pub(crate) fn endpoints(parts: &[Part]) -> Table {
    Table::tiered(ENDPOINTS, parts, |t, s| {
        let Some(e) = &s.top_endpoints else { return };
        let lists: [(&str, &[EndpointStat]); 3] = [
            ("requests", &e.by_requests),
            ("p99", &e.by_p99),
            ("5xx", &e.by_5xx),
        ];
        for (ranking, list) in lists {
            for (i, r) in list.iter().enumerate() {
                t.row(vec![
                    ranking.to_string(),
                    int(i as u64 + 1),
                    text(&r.endpoint),
                    int(r.count),
                    float(r.share),
                    int(r.status_4xx),
                    int(r.status_5xx),
                    float(r.share_5xx),
                    opt_int(r.p99_us),
                    flag(r.approximate),
                ]);
            }
        }
    })
}

/// The columns of a path-like row, after `rank` and its name.
const PATH_FIGURES: [&str; 6] = [
    "count",
    "share",
    "status_4xx",
    "status_5xx",
    "p99_us",
    "approximate",
];

fn path_rows(t: &mut Table, list: &[PathStat]) {
    for (i, p) in list.iter().enumerate() {
        t.row(vec![
            int(i as u64 + 1),
            text(&p.path),
            int(p.count),
            float(p.share),
            int(p.status_4xx),
            int(p.status_5xx),
            opt_int(p.p99_us),
            flag(p.approximate),
        ]);
    }
}

fn header(name: &'static str) -> Vec<&'static str> {
    let mut h = vec!["rank", name];
    h.extend(PATH_FIGURES);
    h
}

pub(crate) fn paths(parts: &[Part]) -> Table {
    Table::tiered(&header("path"), parts, |t, s| path_rows(t, &s.top_paths))
}

/// HAProxy's busiest `backend/server` pairs (`p99_us` is Ta's), then any `<NOSRV>`.
pub(crate) fn servers(parts: &[Part]) -> Table {
    Table::tiered(&header("server"), parts, |t, s| {
        if let Some(h) = &s.haproxy {
            path_rows(t, &h.servers);
        }
    })
}

/// HAProxy's termination states (`kind` `state`), then the same by their first two
/// characters (`kind` `phase`).
pub(crate) fn terminations(parts: &[Part]) -> Table {
    Table::tiered(&["kind", "state", "count", "share"], parts, |t, s| {
        let Some(h) = &s.haproxy else { return };
        let lists: [(&str, &[StateCount]); 2] = [
            ("state", &h.termination_states),
            ("phase", &h.termination_phases),
        ];
        for (kind, list) in lists {
            for c in list {
                t.row(vec![
                    kind.to_string(),
                    text(&c.state),
                    int(c.count),
                    float(c.share),
                ]);
            }
        }
    })
}
