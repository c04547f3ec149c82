//! What a `--by` row takes from a record beyond its key, status, bytes and request time:
//! the second it counts in for the row's QPS peak, and its other latencies (nginx's
//! upstream time, HAProxy's TR, Tw, Tc, Tr), in `axlog_stats`' `OTHER_LATENCIES` order.

use axlog_format::Record;
use axlog_stats::aggregate::KeyHit;

/// `r`'s [`KeyHit`]: read once per request, shared by all its `--by` tables.
#[inline]
pub(crate) fn key_hit(r: &Record<'_>) -> KeyHit {
    let ha = r.haproxy.as_ref();
    KeyHit {
        second: r.ts_us.div_euclid(1_000_000),
        other_us: [
            // HAProxy's parser gives its Tr as the upstream time too: shown once, as Tr.
            match ha {
                None => r.upstream_time_us,
                Some(_) => None,
            },
            ha.and_then(|h| h.tr_us),
            ha.and_then(|h| h.tw_us),
            ha.and_then(|h| h.tc_us),
            ha.and_then(|h| h.tresp_us),
        ],
    }
}
