//! `report`'s series arguments (`--bucket`, `--series-by`, `--max-series-keys`, `--gap`)
//! and what they ask of a run; `--tz` for the times shown.

use crate::args::parse_duration;
use axlog_format::Zone;
use axlog_stats::aggregate::series::{DEFAULT_SERIES_KEYS, WIDTHS};
use axlog_stats::{Dimension, SeriesConfig, Summary};

#[derive(clap::Args)]
pub(crate) struct SeriesArgs {
    /// The series over time in buckets of WIDTH (1s, 10s, 1m, 5m, 1h): per bucket,
    /// requests, status classes, bytes and request-time p50/p99/max, empty buckets as
    /// zeros. Default: the finest width giving at most 120 buckets for the run. At most
    /// 100,000 buckets (a day at 1s): a longer run is coarsened, and says so.
    #[arg(long, value_name = "WIDTH", value_parser = parse_bucket, conflicts_with = "every")]
    pub(crate) bucket: Option<u32>,
    /// The series of each of the `--top` busiest keys of DIM (any `--by` dimension), in
    /// the same buckets.
    #[arg(long, value_name = "DIM", conflicts_with = "every")]
    pub(crate) series_by: Option<Dimension>,
    /// Distinct keys `--series-by` keeps (bounds memory); past it, the keys with the
    /// smallest hash are kept (the same whatever -j) and the others' requests are
    /// counted as untracked.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SERIES_KEYS, value_parser = crate::sizes::at_least_one, requires = "series_by")]
    pub(crate) max_series_keys: usize,
    /// Gaps: runs of empty seconds longer than DURATION while the minutes around them
    /// had steady traffic.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration, conflicts_with = "every")]
    pub(crate) gap: u64,
}

/// `1s`, `10s`, `1m`, `5m` or `1h` into seconds.
fn parse_bucket(s: &str) -> Result<u32, String> {
    let bad = || format!("'{s}': a bucket is 1s, 10s, 1m, 5m or 1h");
    let secs = parse_duration(s).map_err(|_| bad())?;
    WIDTHS
        .into_iter()
        .find(|&w| u64::from(w) == secs)
        .ok_or_else(bad)
}

/// Whether times are shown in `zone` rather than UTC: `--tz` other than UTC.
fn displayed(zone: &Zone) -> bool {
    !matches!(zone, Zone::Fixed(0))
}

impl SeriesArgs {
    /// The series a report computes (always one: the text report shows it).
    pub(crate) fn config(&self, zone: &Zone) -> SeriesConfig {
        SeriesConfig {
            width_s: self.bucket,
            shift_s: match displayed(zone) {
                true => axlog_engine::hour_shift_s(zone),
                false => 0,
            },
            gap_s: u32::try_from(self.gap).unwrap_or(u32::MAX),
            by_cap: self.max_series_keys,
        }
    }
}

/// The summary's times in `zone` when `--tz` names one other than UTC.
pub(crate) fn localize(s: &mut Summary, zone: &Zone) {
    if displayed(zone) {
        axlog_engine::localize(s, zone, &zone.name());
    }
}
