//! `report`'s anomaly arguments (`--anomaly-threshold`, `--anomaly-window`,
//! `--anomaly-min-requests`, `--anomaly-min-duration`, `--no-anomalies`) and the
//! detector's parameters they give (docs/anomalies.md).

use crate::args::parse_duration;
use axlog_stats::anomaly::{AnomalyConfig, DEFAULT_THRESHOLD};

/// The anomaly series' buckets are at least this wide (a minute).
const ANOMALY_BUCKET_S: u64 = 60;

/// `--anomaly-window`'s default: an hour.
const DEFAULT_WINDOW_S: u64 = 3600;

/// Buckets an anomaly window spans at least: a baseline needs 10.
const MIN_WINDOW_BUCKETS: u64 = 10;

#[derive(clap::Args)]
pub(crate) struct AnomalyArgs {
    /// Anomalies: the modified z-score (median and MAD of the buckets around) a bucket's
    /// requests, 5xx share or p99 must pass to be flagged; higher flags fewer. See
    /// docs/anomalies.md.
    #[arg(long, value_name = "Z", default_value_t = DEFAULT_THRESHOLD, value_parser = parse_threshold, conflicts_with = "every")]
    pub(crate) anomaly_threshold: f64,
    /// Anomalies: the span of buckets around each one its baseline is taken from
    /// (centred; at least 10 buckets: 10m with 1-minute buckets). Default: 1h, or 10
    /// buckets of a coarser `--bucket`.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, conflicts_with = "every")]
    pub(crate) anomaly_window: Option<u64>,
    /// Anomalies: requests a bucket must have for a spike, its 5xx share or its p99 to
    /// be judged (and its baseline for a drop), so that three requests make no alarm.
    #[arg(long, value_name = "N", default_value_t = 20, conflicts_with = "every")]
    pub(crate) anomaly_min_requests: u64,
    /// Anomalies: the shortest listed (default: one bucket).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, conflicts_with = "every")]
    pub(crate) anomaly_min_duration: Option<u64>,
    /// Look for no anomalies (the report has no `anomalies` section).
    #[arg(long, conflicts_with_all = ["anomaly_threshold", "anomaly_window", "anomaly_min_requests", "anomaly_min_duration"])]
    pub(crate) no_anomalies: bool,
}

/// A positive, finite number.
fn parse_threshold(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(z) if z.is_finite() && z > 0.0 => Ok(z),
        _ => Err(format!(
            "'{s}': the threshold is a number above 0 (default 3.5)"
        )),
    }
}

impl AnomalyArgs {
    /// The detector's parameters (`None` with `--no-anomalies`), for a series whose
    /// buckets are `bucket_s` wide when `--bucket` is given; an error when the window
    /// holds fewer than 10 buckets.
    pub(crate) fn config(&self, bucket_s: Option<u32>) -> anyhow::Result<Option<AnomalyConfig>> {
        if self.no_anomalies {
            return Ok(None);
        }
        let width = bucket_s
            .map_or(ANOMALY_BUCKET_S, u64::from)
            .max(ANOMALY_BUCKET_S);
        let least = MIN_WINDOW_BUCKETS * width;
        let window = match self.anomaly_window {
            Some(w) if w < least => anyhow::bail!(
                "--anomaly-window {w}s holds fewer than {MIN_WINDOW_BUCKETS} buckets of {width}s: give at least {least}s"
            ),
            Some(w) => w,
            None => DEFAULT_WINDOW_S.max(least),
        };
        let secs = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        Ok(Some(AnomalyConfig {
            threshold: self.anomaly_threshold,
            window_s: secs(window),
            min_requests: self.anomaly_min_requests,
            min_duration_s: self.anomaly_min_duration.map_or(0, secs),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        assert_eq!(parse_threshold("3.5"), Ok(3.5));
        assert!(parse_threshold("0").is_err());
        assert!(parse_threshold("-1").is_err());
        assert!(parse_threshold("NaN").is_err());
        assert!(parse_threshold("inf").is_err());
    }

    fn args(window: u64) -> AnomalyArgs {
        AnomalyArgs {
            anomaly_threshold: 3.5,
            anomaly_window: Some(window),
            anomaly_min_requests: 20,
            anomaly_min_duration: Some(120),
            no_anomalies: false,
        }
    }

    #[test]
    fn the_window_holds_ten_buckets() {
        assert!(args(600).config(None).is_ok());
        assert!(args(599).config(None).is_err());
        // 5-minute buckets: 50 minutes at least; 10-second ones are a minute's.
        assert!(args(2999).config(Some(300)).is_err());
        assert!(args(600).config(Some(10)).is_ok());
        let c = args(3600).config(None).unwrap().unwrap();
        assert_eq!((c.window_s, c.min_duration_s), (3600, 120));
        // Not given: an hour, or 10 buckets of 1h.
        let default = AnomalyArgs {
            anomaly_window: None,
            ..args(0)
        };
        assert_eq!(default.config(None).unwrap().unwrap().window_s, 3600);
        assert_eq!(
            default.config(Some(3600)).unwrap().unwrap().window_s,
            36_000
        );
        let off = AnomalyArgs {
            no_anomalies: true,
            ..args(3600)
        };
        assert_eq!(off.config(None).unwrap(), None);
    }
}
