//! What asks for attention, right after the headline: the `--fail-if` thresholds that
//! fired, and the anomalies found in the series (each with the key that explains most
//! of it). Present only when the run checked them.

use super::table::{Cell, Table, share};
use super::units::count;
use crate::anomalies::{range, value as anomaly_value};
use crate::thresholds::value as threshold_value;
use axlog_stats::Summary;
use std::fmt::Write as _;

/// The thresholds section: how many fired of how many checked, and a row for each.
pub(crate) fn thresholds(o: &mut String, s: &Summary) {
    let Some(t) = &s.thresholds else {
        return;
    };
    let class = if t.fired.is_empty() {
        ""
    } else {
        " class=\"alert\""
    };
    let _ = write!(
        o,
        "<section{class}><h2>Thresholds</h2><p class=\"note\">{} fired of {} checked.</p>",
        count(t.fired.len() as u64),
        count(t.checked.len() as u64)
    );
    if !t.fired.is_empty() {
        let rows = t
            .fired
            .iter()
            .map(|f| {
                let v = f
                    .value
                    .map_or("none".to_string(), |v| threshold_value(&f.metric, v));
                let row = match (&f.dimension, &f.key) {
                    (Some(d), Some(k)) => Cell::Key(format!("{d} {k}")),
                    (Some(d), None) => Cell::Key(d.clone()),
                    _ => Cell::Text(String::new()),
                };
                vec![
                    Cell::Key(f.expr.clone()),
                    row,
                    Cell::Num(f.value, v),
                    Cell::Text(f.op.clone()),
                    Cell::Num(Some(f.limit), threshold_value(&f.metric, f.limit)),
                ]
            })
            .collect();
        Table::flat(&["expression", "row", ">value", "op", ">limit"], rows).write(o);
    }
    o.push_str("</section>\n");
}

/// The anomalies section: the method's parameters, then one row an anomaly.
pub(crate) fn anomalies(o: &mut String, s: &Summary) {
    let Some(a) = &s.anomalies else {
        return;
    };
    let class = if a.anomalies.is_empty() {
        ""
    } else {
        " class=\"alert\""
    };
    let listed = a.anomalies.len() as u64;
    let more = match a.count > listed {
        true => format!(" The first {} are listed.", count(listed)),
        false => String::new(),
    };
    let shaded = match a.anomalies.is_empty() {
        true => "",
        false => "; shaded on the charts",
    };
    let _ = write!(
        o,
        "<section{class}><h2>Anomalies</h2><p class=\"note\">{} found (modified z-score over \
         {} s buckets, threshold {}, baseline window {} s){shaded}.{more}</p>",
        count(a.count),
        a.bucket_s,
        a.threshold,
        a.window_s
    );
    if !a.anomalies.is_empty() {
        let rows = a
            .anomalies
            .iter()
            .map(|x| {
                let (who, part) = match &x.contributor {
                    Some(c) => (
                        Cell::Key(format!("{} {}", c.dimension, c.key)),
                        share(c.share),
                    ),
                    None => (Cell::Text("-".into()), Cell::Num(None, "-".into())),
                };
                vec![
                    Cell::Text(range(x)),
                    Cell::Text(x.kind.clone()),
                    Cell::Text(x.metric.clone()),
                    Cell::Num(Some(x.observed), anomaly_value(&x.metric, x.observed)),
                    Cell::Num(Some(x.baseline), anomaly_value(&x.metric, x.baseline)),
                    Cell::Text(format!(
                        "{} – {}",
                        anomaly_value(&x.metric, x.band_low),
                        anomaly_value(&x.metric, x.band_high)
                    )),
                    Cell::Num(Some(x.score), format!("{:+.1}", x.score)),
                    who,
                    part,
                ]
            })
            .collect();
        let head = [
            "time",
            "kind",
            "metric",
            ">observed",
            ">baseline",
            "band",
            ">score",
            "contributor",
            ">share",
        ];
        Table::flat(&head, rows).write(o);
    }
    o.push_str("</section>\n");
}
