//! What the report without flags lists beyond the plain figures, taken from tables the
//! aggregate keeps anyway (no work per request): the top endpoints by requests, by p99
//! and by 5xx, folded from the path table's rows at summary time, and the `<NOSRV>`
//! server rows shown even outside the top ones.

use super::P99;
use crate::escape_bytes;
use crate::hist::ValueCounts;
use crate::summary::{EndpointStat, PathStat, TopEndpoints};
use crate::table::Table;
use rustc_hash::FxHashMap;

/// What a server key ends with when HAProxy reached no server.
const NOSRV: &[u8] = b"/<NOSRV>";

/// How many endpoints each of the default report's lists shows at most (`--top` if less).
const SHORT_LIST: usize = 5;

/// `top` (the table's busiest rows) and after them any `<NOSRV>` row of `servers` not
/// among them, by key: a request no server took is what an operator looks for first.
pub(super) fn with_nosrv(
    mut top: Vec<PathStat>,
    servers: &Table,
    share: impl Fn(u64) -> f64,
) -> Vec<PathStat> {
    let mut missing: Vec<PathStat> = servers
        .rows()
        .filter(|(k, _)| k.ends_with(NOSRV))
        .map(|(k, e)| PathStat {
            path: escape_bytes(k),
            count: e.requests,
            share: share(e.requests),
            p99_us: e.p99_us(),
            approximate: e.latency.is_approximate(),
            status_4xx: e.client_errors(),
            status_5xx: e.server_errors(),
        })
        .filter(|p| !top.iter().any(|t| t.path == p.path))
        .collect();
    missing.sort_by(|a, b| a.path.cmp(&b.path));
    top.extend(missing);
    top
}

/// An endpoint's rows folded together: the latency values of its first path borrowed,
/// merged into a set of its own only when a second path comes (most endpoints have one
/// path, and merging every path's values would cost more than the rest).
#[derive(Default)]
struct Folded<'t> {
    requests: u64,
    classes: [u64; 6],
    first: Option<&'t ValueCounts>,
    merged: Option<ValueCounts>,
}

impl Folded<'_> {
    fn latency(&self) -> Option<&ValueCounts> {
        self.merged.as_ref().or(self.first)
    }
}

/// An endpoint as the lists rank it.
struct Ranked<'k> {
    key: &'k [u8],
    requests: u64,
    classes: [u64; 6],
    p99_us: Option<u64>,
    approximate: bool,
}

impl<'k> Ranked<'k> {
    fn new(key: &'k [u8], requests: u64, classes: [u64; 6], l: Option<&ValueCounts>) -> Self {
        Ranked {
            key,
            requests,
            classes,
            p99_us: l.and_then(|l| l.quantiles(&[P99])).map(|q| q[0]),
            approximate: l.is_some_and(ValueCounts::is_approximate),
        }
    }
}

/// The `n` best of `all` by `value` (highest first, ties by key), leaving out those
/// without one: a pass keeping the few best, not a sort of every endpoint.
fn best<'a, 'k>(
    all: &'a [Ranked<'k>],
    n: usize,
    value: impl Fn(&Ranked<'_>) -> Option<u64>,
) -> Vec<&'a Ranked<'k>> {
    let mut out: Vec<(u64, &Ranked<'k>)> = Vec::with_capacity(n + 1);
    for r in all {
        let Some(v) = value(r) else { continue };
        let before = |o: &(u64, &Ranked<'_>)| o.0 > v || (o.0 == v && o.1.key < r.key);
        let at = out.iter().take_while(|o| before(o)).count();
        if at < n {
            out.insert(at, (v, r));
            out.truncate(n);
        }
    }
    out.into_iter().map(|(_, r)| r).collect()
}

impl super::Aggregate {
    /// The report's endpoint lists: the path table's rows folded by endpoint (`fold`
    /// writes a path's endpoint into its buffer, or says the path is its own endpoint
    /// by returning `false`). Requests to paths the table did not track are in none.
    pub fn top_endpoints(&self, mut fold: impl FnMut(&[u8], &mut Vec<u8>) -> bool) -> TopEndpoints {
        let mut by: FxHashMap<Vec<u8>, Folded<'_>> = FxHashMap::default();
        let mut buf = Vec::new();
        for (path, row) in self.paths.rows() {
            let key = match fold(path, &mut buf) {
                true => &buf[..],
                false => path,
            };
            let e = match by.get_mut(key) {
                Some(e) => e,
                None => by.entry(key.to_vec()).or_default(),
            };
            e.requests += row.requests;
            for (a, b) in e.classes.iter_mut().zip(row.classes) {
                *a += b;
            }
            if e.first.is_none() {
                e.first = Some(&row.latency);
            } else {
                let merged = e
                    .merged
                    .get_or_insert_with(|| e.first.cloned().unwrap_or_default());
                merged.merge(&row.latency, crate::table::GROUP_DENSE_MS);
            }
        }
        let all: Vec<Ranked<'_>> = by
            .iter()
            .map(|(k, e)| Ranked::new(k, e.requests, e.classes, e.latency()))
            .collect();
        self.endpoint_lists(&all, self.paths.untracked())
    }

    /// The report's endpoint lists from the `--by endpoint` table when there is one (a
    /// one-level table keyed by the same rules): exact per request, and no fold of the
    /// path table's rows at the end of the run.
    pub fn top_endpoints_from_by(&self) -> Option<TopEndpoints> {
        let t = self.by.endpoint_table()?;
        let all: Vec<Ranked<'_>> = t
            .rows()
            .map(|(k, r)| Ranked::new(k, r.requests, r.classes, Some(&r.latency)))
            .collect();
        Some(self.endpoint_lists(&all, t.untracked()))
    }

    /// The three short lists of `all`, and how many requests are in none (`untracked`).
    fn endpoint_lists(&self, all: &[Ranked<'_>], untracked: u64) -> TopEndpoints {
        let share = |c: u64, n: u64| match n {
            0 => 0.0,
            n => c as f64 / n as f64,
        };
        let stat = |r: &Ranked<'_>| EndpointStat {
            endpoint: escape_bytes(r.key),
            count: r.requests,
            share: share(r.requests, self.requests),
            status_4xx: r.classes[3],
            status_5xx: r.classes[4],
            share_5xx: share(r.classes[4], r.requests),
            p99_us: r.p99_us,
            approximate: r.approximate,
        };
        let n = self.cfg.top_n.min(SHORT_LIST);
        let list = |value: &dyn Fn(&Ranked<'_>) -> Option<u64>| {
            best(all, n, value)
                .into_iter()
                .map(stat)
                .collect::<Vec<_>>()
        };
        TopEndpoints {
            by_requests: list(&|r| Some(r.requests)),
            by_p99: list(&|r| r.p99_us),
            by_5xx: list(&|r| (r.classes[4] > 0).then_some(r.classes[4])),
            distinct: all.len() as u64,
            untracked_requests: untracked,
        }
    }
}
