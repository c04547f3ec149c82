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

/// An endpoint's rows folded together.
#[derive(Default)]
struct Folded {
    requests: u64,
    classes: [u64; 6],
    latency: ValueCounts,
}

impl super::Aggregate {
    /// The report's endpoint lists: the path table's rows folded by endpoint (`fold`
    /// writes a path's endpoint into its buffer, or says the path is its own endpoint
    /// by returning `false`). Requests to paths the table did not track are in none.
    pub fn top_endpoints(&self, mut fold: impl FnMut(&[u8], &mut Vec<u8>) -> bool) -> TopEndpoints {
        let mut by: FxHashMap<Vec<u8>, Folded> = FxHashMap::default();
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
            e.latency.merge(&row.latency, crate::table::GROUP_DENSE_MS);
        }
        let share = |c: u64, n: u64| match n {
            0 => 0.0,
            n => c as f64 / n as f64,
        };
        let mut all: Vec<EndpointStat> = by
            .into_iter()
            .map(|(k, e)| {
                let p99 = e.latency.quantiles(&[P99]).map(|q| q[0]);
                EndpointStat {
                    endpoint: escape_bytes(&k),
                    count: e.requests,
                    share: share(e.requests, self.requests),
                    status_4xx: e.classes[3],
                    status_5xx: e.classes[4],
                    share_5xx: share(e.classes[4], e.requests),
                    p99_us: p99,
                    approximate: e.latency.is_approximate(),
                }
            })
            .collect();
        let distinct = all.len() as u64;
        // Each list highest first, ties by endpoint.
        let mut list = |value: &dyn Fn(&EndpointStat) -> u64,
                        keep: &dyn Fn(&EndpointStat) -> bool| {
            all.sort_by(|a, b| {
                value(b)
                    .cmp(&value(a))
                    .then_with(|| a.endpoint.cmp(&b.endpoint))
            });
            all.iter()
                .filter(|e| keep(e))
                .take(self.cfg.top_n.min(SHORT_LIST))
                .cloned()
                .collect::<Vec<_>>()
        };
        let by_requests = list(&|e| e.count, &|_| true);
        let by_p99 = list(&|e| e.p99_us.unwrap_or(0), &|e| e.p99_us.is_some());
        let by_5xx = list(&|e| e.status_5xx, &|e| e.status_5xx > 0);
        TopEndpoints {
            by_requests,
            by_p99,
            by_5xx,
            distinct,
            untracked_requests: self.paths.untracked(),
        }
    }
}
