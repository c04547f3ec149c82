//! The latencies a summary can hold, named once for every renderer: the times the layout
//! logs (nginx's request and upstream times) and HAProxy's five timers, each with its
//! name for people (tables) and for programs (CSV rows, Prometheus labels).

use axlog_stats::Summary;
use axlog_stats::summary::LatencyStats;

/// One latency of the summary.
pub(crate) struct Latency<'a> {
    /// For people: `request_time`, `Tw (queue)`.
    pub(crate) label: &'static str,
    /// For programs: `request_time`, `haproxy_tw`.
    pub(crate) key: &'static str,
    /// Whether it is one of HAProxy's timers.
    pub(crate) haproxy: bool,
    /// `None` when the log has no such time.
    pub(crate) stats: Option<&'a LatencyStats>,
}

/// The request and upstream times, then HAProxy's timers when the log is HAProxy's: every
/// latency in the order the reports show them, absent ones included.
pub(crate) fn all(s: &Summary) -> Vec<Latency<'_>> {
    let logged = [
        ("request_time", &s.latency.request_time),
        ("upstream_response_time", &s.latency.upstream_response_time),
    ];
    let mut out: Vec<Latency<'_>> = logged
        .into_iter()
        .map(|(label, stats)| Latency {
            label,
            key: label,
            haproxy: false,
            stats: stats.as_ref(),
        })
        .collect();
    if let Some(h) = &s.haproxy {
        let timers = [
            ("TR (request)", "haproxy_tr", &h.tr),
            ("Tw (queue)", "haproxy_tw", &h.tw),
            ("Tc (connect)", "haproxy_tc", &h.tc),
            ("Tr (server response)", "haproxy_tr_server", &h.tr_server),
            ("Ta (total)", "haproxy_ta", &h.ta),
        ];
        out.extend(timers.into_iter().map(|(label, key, stats)| Latency {
            label,
            key,
            haproxy: true,
            stats: stats.as_ref(),
        }));
    }
    out
}
