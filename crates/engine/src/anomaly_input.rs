//! The contributor cells the anomaly detector explains anomalies with, from a run's
//! aggregate: paths folded into endpoints with the run's endpoint rules, sources named
//! by their labels.

use crate::summary::SourceLines;
use axlog_stats::Aggregate;
use axlog_stats::contrib::Contributions;

/// The contributions of `total` (whose sources are `runs`'), paths folded by `rules`.
/// For now no dimension is collected (issue 19 fills them).
#[allow(dead_code)] // called once the detector is wired in (issue 19)
pub(crate) fn contributions(
    total: &Aggregate,
    runs: &[&SourceLines],
    rules: &axlog_endpoint::Rules,
) -> Contributions {
    let _ = (runs, rules);
    Contributions {
        width_s: total.anomaly_series(60).map_or(60, |s| s.bucket_s),
        dimensions: Vec::new(),
    }
}
