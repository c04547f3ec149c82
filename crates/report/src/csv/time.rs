//! The tables over time: `series.csv` (a row a bucket), `series-by.csv` (a row a
//! `--series-by` key and bucket), `gaps.csv`, `anomalies.csv`, and `thresholds.csv` (the
//! `--fail-if` expressions, fired or not).

use super::cell::{flag, float, int, opt_float, opt_int, opt_text, text};
use super::table::{Part, Table};
use axlog_stats::Summary;
use axlog_stats::series_summary::SeriesValues;

const SERIES: &[&str] = &[
    "start",
    "start_epoch",
    "bucket_s",
    "requests",
    "status_1xx",
    "status_2xx",
    "status_3xx",
    "status_4xx",
    "status_5xx",
    "bytes_sent",
    "p50_us",
    "p99_us",
    "max_us",
    "approximate",
];

/// A bucket's values, after its start and width.
fn values(v: &SeriesValues) -> [String; 11] {
    [
        int(v.requests),
        int(v.status_1xx),
        int(v.status_2xx),
        int(v.status_3xx),
        int(v.status_4xx),
        int(v.status_5xx),
        int(v.bytes_sent),
        opt_int(v.p50_us),
        opt_int(v.p99_us),
        opt_int(v.max_us),
        flag(v.approximate),
    ]
}

pub(crate) fn series(parts: &[Part]) -> Table {
    Table::tiered(SERIES, parts, |t, s| {
        let Some(series) = &s.series.series else {
            return;
        };
        for b in &series.buckets {
            let mut cells = vec![text(&b.start), int(b.start_epoch), int(series.bucket_s)];
            cells.extend(values(&b.values));
            t.row(cells);
        }
    })
}

/// `--series-by`'s keys, each with a row a bucket (the series' buckets, bucket for
/// bucket, their start taken from it).
pub(crate) fn series_by(parts: &[Part]) -> Table {
    let mut header = vec!["dimension", "key"];
    header.extend(SERIES);
    Table::tiered(&header, parts, |t, s| {
        let Some(by) = &s.series.series_by else {
            return;
        };
        let starts = s.series.series.as_ref().map_or(&[][..], |x| &x.buckets[..]);
        for r in &by.rows {
            for (k, v) in r.buckets.iter().enumerate() {
                let start = starts.get(k);
                let mut cells = vec![
                    text(&by.dimension),
                    text(&r.key),
                    opt_text(start.map(|b| b.start.as_str())),
                    opt_int(start.map(|b| b.start_epoch)),
                    int(by.bucket_s),
                ];
                cells.extend(values(v));
                t.row(cells);
            }
        }
    })
}

pub(crate) fn gaps(parts: &[Part]) -> Table {
    let header = ["start", "start_epoch", "end", "end_epoch", "seconds"];
    Table::tiered(&header, parts, |t, s| {
        let Some(g) = &s.series.gaps else { return };
        for g in &g.gaps {
            t.row(vec![
                text(&g.start),
                int(g.start_epoch),
                text(&g.end),
                int(g.end_epoch),
                int(g.seconds),
            ]);
        }
    })
}

const ANOMALIES: &[&str] = &[
    "kind",
    "metric",
    "start",
    "start_epoch",
    "end",
    "end_epoch",
    "seconds",
    "observed",
    "baseline",
    "band_low",
    "band_high",
    "score",
    "contributor_dimension",
    "contributor_key",
    "contributor_observed",
    "contributor_baseline",
    "contributor_share",
];

pub(crate) fn anomalies(parts: &[Part]) -> Table {
    Table::tiered(ANOMALIES, parts, |t, s| {
        let Some(a) = &s.anomalies else { return };
        for a in &a.anomalies {
            let c = a.contributor.as_ref();
            t.row(vec![
                text(&a.kind),
                text(&a.metric),
                text(&a.start),
                int(a.start_epoch),
                text(&a.end),
                int(a.end_epoch),
                int(a.seconds),
                float(a.observed),
                float(a.baseline),
                float(a.band_low),
                float(a.band_high),
                float(a.score),
                opt_text(c.map(|c| c.dimension.as_str())),
                opt_text(c.map(|c| c.key.as_str())),
                opt_float(c.map(|c| c.observed)),
                opt_float(c.map(|c| c.baseline)),
                opt_float(c.map(|c| c.share)),
            ]);
        }
    })
}

const THRESHOLDS: &[&str] = &[
    "expr",
    "fired",
    "metric",
    "op",
    "value",
    "limit",
    "dimension",
    "key",
];

/// The run's `--fail-if` expressions: a row each that fired (one a row for `by DIM`),
/// then a row each that did not, with only `expr` and `fired` set.
pub(crate) fn thresholds(s: &Summary) -> Table {
    let mut t = Table::new(THRESHOLDS);
    let Some(th) = &s.thresholds else { return t };
    for f in &th.fired {
        t.row(vec![
            text(&f.expr),
            flag(true),
            text(&f.metric),
            text(&f.op),
            opt_float(f.value),
            float(f.limit),
            opt_text(f.dimension.as_deref()),
            opt_text(f.key.as_deref()),
        ]);
    }
    for e in th
        .checked
        .iter()
        .filter(|e| !th.fired.iter().any(|f| &f.expr == *e))
    {
        let mut cells = vec![text(e), flag(false)];
        cells.resize(THRESHOLDS.len(), String::new());
        t.row(cells);
    }
    t
}
