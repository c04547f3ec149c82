//! `statuses.csv`, `classes.csv` and `latency.csv`: the report's status counts and its
//! latencies (nginx's and HAProxy's timers, in µs).

use super::cell::{flag, float, int, text};
use super::table::{Part, Table};

/// A status code's class, as `status.classes` names them (`0`, a `-` status, is
/// `other`).
fn class_of(code: u16) -> &'static str {
    axlog_stats::summary::CLASS_NAMES[axlog_stats::rollup::status_class(code)]
}

pub(crate) fn statuses(parts: &[Part]) -> Table {
    Table::tiered(&["code", "class", "count", "share"], parts, |t, s| {
        for c in &s.status.codes {
            t.row(vec![
                int(c.code),
                class_of(c.code).to_string(),
                int(c.count),
                float(c.share),
            ]);
        }
    })
}

pub(crate) fn classes(parts: &[Part]) -> Table {
    Table::tiered(&["class", "count", "share"], parts, |t, s| {
        for c in &s.status.classes {
            t.row(vec![text(&c.class), int(c.count), float(c.share)]);
        }
    })
}

const LATENCY: &[&str] = &[
    "latency",
    "count",
    "p50_us",
    "p90_us",
    "p99_us",
    "p999_us",
    "max_us",
    "mean_us",
    "approximate",
];

/// One row a latency the lines logged, named as the Prometheus file names them.
pub(crate) fn latency(parts: &[Part]) -> Table {
    Table::tiered(LATENCY, parts, |t, s| {
        for latency in crate::latencies::all(s) {
            let Some(l) = latency.stats else { continue };
            let name = latency.key;
            t.row(vec![
                name.to_string(),
                int(l.count),
                int(l.p50_us),
                int(l.p90_us),
                int(l.p99_us),
                int(l.p999_us),
                int(l.max_us),
                float(l.mean_us),
                flag(l.approximate),
            ]);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::class_of;

    #[test]
    fn classes_of_codes() {
        assert_eq!(class_of(0), "other");
        assert_eq!(class_of(99), "other");
        assert_eq!(class_of(100), "1xx");
        assert_eq!(class_of(204), "2xx");
        assert_eq!(class_of(399), "3xx");
        assert_eq!(class_of(404), "4xx");
        assert_eq!(class_of(599), "5xx");
        assert_eq!(class_of(600), "other");
    }
}
