//! The cumulative part of a state (`report --state FILE --cumulative`, design §1.3): every
//! run's statistics merged into one total since the state began, so a cron job can print
//! the total without reading old logs again, and `report --from-state` can merge several
//! hosts' totals into the report one run over all their logs would give.
//!
//! It keeps the tiers' aggregates (as [`Tiered`]) and the per-source rows keyed by
//! **label**: a run numbers its sources in its own order, so its aggregate's source rows
//! are renumbered to the state's label list ([`Aggregate::renumber_sources`]) before the
//! merge. Its size is bounded by the aggregate's own caps (`--max-paths`, the latency
//! budget); the per-source table grows only with the number of labels.
//!
//! It also keeps the last [`KEPT_HOURS`] hours of log time, each hour's requests with
//! reduced tables (`hour_stats`: 1,000 paths, no `--by`, no series), so `--cumulative=1h`,
//! `=24h` and `=today` merge whole hours ([`Cumulative::window_summary`]) without
//! reading old logs again: hour-aligned, not rolling to the second.

use crate::sinks::hourly::hour_stats;
use crate::summary::{SourceLines, summarize};
use crate::tiers::{Tier, Tiered};
use axlog_stats::summary::CumulativeInfo;
use axlog_stats::timefmt::format_rfc3339;
use axlog_stats::{Aggregate, StatsConfig, Summary};
use serde::{Deserialize, Serialize};

/// Every run's statistics since the state began.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cumulative {
    /// One aggregate per tier, the front one first (as [`Tiered`]).
    pub tiers: Vec<(Option<Tier>, Aggregate)>,
    /// The per-source rows, by label: row `i` is source number `i` of the aggregates.
    pub rows: Vec<SourceLines>,
    /// Runs merged in.
    pub runs: u64,
    /// The last hours of log time with requests, oldest first, at most [`KEPT_HOURS`]:
    /// those more than 24 hours before the newest are dropped. (Absent from the states
    /// of earlier versions: empty.)
    #[serde(default)]
    pub hours: Vec<HourBucket>,
}

/// Hours of log time a total keeps: the newest (the current one, still filling) and the
/// 24 before it, so `--cumulative=24h` always has 24 whole hours.
pub const KEPT_HOURS: i64 = 25;

/// The requests logged in one hour of log time.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HourBucket {
    /// Its start: seconds since the epoch, a multiple of 3600 (UTC hours).
    pub start_s: i64,
    /// One aggregate per tier, as the total's, with reduced tables.
    pub tiers: Vec<(Option<Tier>, Aggregate)>,
}

/// Which part of a total a report shows.
#[derive(Debug, Clone)]
pub enum Span {
    /// Everything since the state began.
    Total,
    /// The newest log hour and the `n` whole hours before it.
    Hours(u32),
    /// The hours since midnight in the zone, of the day of the newest hour.
    Today(axlog_format::Zone),
}

impl Span {
    /// `total`, `1h`, `24h`, `today`: as `--cumulative=` takes it.
    pub fn name(&self) -> String {
        match self {
            Span::Total => "total".into(),
            Span::Hours(n) => format!("{n}h"),
            Span::Today(_) => "today".into(),
        }
    }
}

/// Equal when they are stored alike (the aggregate has no equality of its own).
impl PartialEq for Cumulative {
    fn eq(&self, other: &Cumulative) -> bool {
        match (serde_json::to_value(self), serde_json::to_value(other)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Cumulative {}

impl Cumulative {
    /// Merges a run in: its sources (`SourceLines::of` each of its `SourceRun`s, any
    /// order) and its statistics, after the runs already merged.
    pub fn add_run(&mut self, sources: &[SourceLines], tiered: Tiered) {
        self.add_run_hours(sources, tiered, Vec::new());
    }

    /// [`Cumulative::add_run`] with the run's requests by log hour (`Outcome::hours`).
    pub fn add_run_hours(
        &mut self,
        sources: &[SourceLines],
        tiered: Tiered,
        hours: Vec<(i64, Tiered)>,
    ) {
        let to = self.merge_in(sources, tiered.tiers);
        let hours = hours
            .into_iter()
            .map(|(start_s, t)| HourBucket {
                start_s,
                tiers: t.tiers,
            })
            .collect();
        self.merge_hours(hours, &to);
        self.runs += 1;
    }

    /// Merges another state's total in, after this one's; with `host`, its rows are
    /// named `host:label` (two hosts' `/var/log/nginx/access.log` stay two rows).
    pub fn add_cumulative(&mut self, other: &Cumulative, host: Option<&str>) {
        let rows: Vec<SourceLines> = other
            .rows_numbered()
            .into_iter()
            .map(|mut r| {
                if let Some(h) = host {
                    r.label = format!("{h}:{}", r.label);
                }
                r
            })
            .collect();
        let to = self.merge_in(&rows, other.tiers.clone());
        self.merge_hours(other.hours.clone(), &to);
        self.runs += other.runs;
    }

    /// The report of the total, by the summariser a run's report uses.
    pub fn summary(&self, stats: &StatsConfig, endpoint_rules: &axlog_endpoint::Rules) -> Summary {
        let mut tiered = Tiered {
            tiers: self.tiers.clone(),
        };
        // The total keeps the first run's settings; `--top` and `--sort` are this report's.
        for (_, a) in &mut tiered.tiers {
            a.show_as(stats);
        }
        summarize(&self.rows_numbered(), tiered, stats, endpoint_rules)
    }

    /// The rows with their numbers (their places) and their labels as names.
    fn rows_numbered(&self) -> Vec<SourceLines> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, r)| SourceLines {
                row: i,
                name: r.label.clone(),
                ..r.clone()
            })
            .collect()
    }

    /// Adds `sources` (numbered by `row`) to the rows of their labels, and `tiers`
    /// (whose source numbers are those rows) renumbered to the state's.
    fn merge_in(
        &mut self,
        sources: &[SourceLines],
        tiers: Vec<(Option<Tier>, Aggregate)>,
    ) -> Vec<usize> {
        let mut to: Vec<usize> = Vec::new();
        for s in sources {
            let at = match self.rows.iter().position(|r| r.label == s.label) {
                Some(at) => at,
                None => {
                    self.rows.push(SourceLines {
                        label: s.label.clone(),
                        ..SourceLines::default()
                    });
                    self.rows.len() - 1
                }
            };
            if to.len() <= s.row {
                // Numbers no source has keep their own (there are none in a run's).
                let len = to.len();
                to.extend(len..=s.row);
            }
            to[s.row] = at;
            if let Some(row) = self.rows.get_mut(at) {
                let mut part = s.clone();
                // A run's errors are its own report's, not the total's.
                part.error = None;
                row.add(&part);
            }
        }
        let mut tiered = Tiered {
            tiers: std::mem::take(&mut self.tiers),
        };
        for (tier, mut agg) in tiers {
            agg.renumber_sources(&to);
            tiered.add(tier, agg);
        }
        self.tiers = tiered.finish().tiers;
        to
    }

    /// Adds hour buckets (their source numbers renumbered by `to`, as [`Self::merge_in`]
    /// gave it) to the state's, then drops the hours more than 24 before the newest.
    fn merge_hours(&mut self, hours: Vec<HourBucket>, to: &[usize]) {
        for HourBucket { start_s, tiers } in hours {
            let at = match self.hours.iter().position(|b| b.start_s == start_s) {
                Some(at) => at,
                None => {
                    self.hours.push(HourBucket {
                        start_s,
                        tiers: Vec::new(),
                    });
                    self.hours.len() - 1
                }
            };
            let Some(bucket) = self.hours.get_mut(at) else {
                continue;
            };
            let mut tiered = Tiered {
                tiers: std::mem::take(&mut bucket.tiers),
            };
            for (tier, mut agg) in tiers {
                agg.renumber_sources(to);
                tiered.add(tier, agg);
            }
            bucket.tiers = tiered.finish().tiers;
        }
        self.hours.sort_by_key(|b| b.start_s);
        if let Some(newest) = self.hours.last().map(|b| b.start_s) {
            let oldest = newest - (KEPT_HOURS - 1) * 3600;
            self.hours.retain(|b| b.start_s >= oldest);
        }
    }

    /// The hours `span` takes (all kept hours for [`Span::Total`]).
    fn hours_of(&self, span: &Span) -> Vec<&HourBucket> {
        let Some(newest) = self.hours.last().map(|b| b.start_s) else {
            return Vec::new();
        };
        let first = match span {
            Span::Total => i64::MIN,
            Span::Hours(n) => newest - i64::from(*n) * 3600,
            Span::Today(zone) => {
                // Midnight of the newest hour's local day, back in UTC; the hour holding
                // it (a zone with a half-hour offset starts its day mid-hour).
                let local = newest + i64::from(zone.offset_at_utc(newest)) * 60;
                let midnight = local - local.rem_euclid(86_400);
                let utc = midnight - i64::from(zone.offset_at_local(midnight)) * 60;
                utc - utc.rem_euclid(3600)
            }
        };
        self.hours.iter().filter(|b| b.start_s >= first).collect()
    }

    /// The report of `span`: the total for [`Span::Total`], else the merge of its whole
    /// hours (reduced tables; lines that did not parse have no hour and are left out),
    /// each saying what it covers in `Summary::cumulative`.
    pub fn window_summary(
        &self,
        span: &Span,
        stats: &StatsConfig,
        endpoint_rules: &axlog_endpoint::Rules,
    ) -> Summary {
        let mut info = CumulativeInfo {
            window: span.name(),
            runs: self.runs,
            hours: None,
            from: None,
            until: None,
        };
        if matches!(span, Span::Total) {
            let mut s = self.summary(stats, endpoint_rules);
            s.cumulative = Some(info);
            return s;
        }
        let hours = self.hours_of(span);
        // The window's tables hold every hour's whole (each hour's is capped already):
        // the paths of the window are the union of its hours'.
        let hour = hour_stats(stats);
        let shown = StatsConfig {
            anomalies: stats.anomalies,
            top_n: stats.top_n,
            by_sort: stats.by_sort,
            max_paths: hour.max_paths.saturating_mul(KEPT_HOURS as usize),
            max_path_bytes: hour.max_path_bytes.saturating_mul(KEPT_HOURS as usize),
            path_latency_bytes: hour.path_latency_bytes.saturating_mul(KEPT_HOURS as usize),
            ..hour
        };
        let mut tiered = Tiered { tiers: Vec::new() };
        for b in &hours {
            for (tier, agg) in &b.tiers {
                if !tiered.tiers.iter().any(|(t, _)| t == tier) {
                    tiered.tiers.push((*tier, Aggregate::new(shown)));
                }
                tiered.add(*tier, agg.clone());
            }
        }
        let mut tiered = tiered.finish();
        for (_, a) in &mut tiered.tiers {
            a.show_as(&shown);
        }
        // The rows with this window's requests as their lines: malformed and filtered
        // lines have no hour.
        let rows: Vec<SourceLines> = self
            .rows_numbered()
            .into_iter()
            .map(|r| {
                let requests: u64 = tiered
                    .tiers
                    .iter()
                    .filter_map(|(_, a)| a.source_stats(r.row))
                    .map(|s| s.requests)
                    .sum();
                SourceLines {
                    lines: requests,
                    malformed: 0,
                    filtered: 0,
                    layout_counts: Vec::new(),
                    ..r
                }
            })
            .collect();
        let mut s = summarize(&rows, tiered, &shown, endpoint_rules);
        info.hours = u32::try_from(hours.len()).ok();
        info.from = hours
            .first()
            .map(|b| format_rfc3339(b.start_s * 1_000_000, None));
        info.until = hours
            .last()
            .map(|b| format_rfc3339((b.start_s + 3600) * 1_000_000, None));
        s.cumulative = Some(info);
        s
    }
}

/// This machine's name, for a state's `host` (empty when it cannot be read).
pub fn this_host() -> String {
    // Linux gives it as a file; elsewhere the shell's variable, when exported.
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axlog_stats::Observation;

    /// A run's row `row` under `label`, with `lines` lines.
    fn source(row: usize, label: &str, lines: u64) -> SourceLines {
        SourceLines {
            row,
            name: label.into(),
            label: label.into(),
            layout: Some("nginx-combined".into()),
            tier: Some(Tier::Web),
            lines,
            ..SourceLines::default()
        }
    }

    /// A web tier whose source `row` has `n` requests of `status`, for each pair.
    fn web(parts: &[(usize, u64, u16)]) -> Tiered {
        let mut a = Aggregate::new(StatsConfig::default());
        for &(row, n, status) in parts {
            a.set_source(row);
            for i in 0..n {
                a.observe(&Observation {
                    ts_us: 1_000_000 * (1_800_000_000 + i as i64),
                    status,
                    request_time_us: Some(1000 * (i + 1)),
                    ..Observation::default()
                });
            }
        }
        Tiered {
            tiers: vec![(Some(Tier::Web), a)],
        }
    }

    #[test]
    fn runs_merge_by_label_whatever_their_numbers() {
        let mut c = Cumulative::default();
        // Run 1: a (0), b (1). Run 2 reads b first, then c.
        c.add_run(
            &[source(0, "a", 3), source(1, "b", 5)],
            web(&[(0, 3, 200), (1, 5, 404)]),
        );
        c.add_run(
            &[source(0, "b", 7), source(1, "c", 11)],
            web(&[(0, 7, 503), (1, 11, 200)]),
        );
        let labels: Vec<&str> = c.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["a", "b", "c"]);
        let lines: Vec<u64> = c.rows.iter().map(|r| r.lines).collect();
        assert_eq!(lines, [3, 12, 11]);
        assert_eq!(c.runs, 2);
        let s = c.summary(&StatsConfig::default(), &axlog_endpoint::Rules::default());
        assert_eq!(s.requests, 3 + 5 + 7 + 11);
        let rows: Vec<(String, u64)> = s
            .sources
            .iter()
            .map(|r| (r.name.clone(), r.requests))
            .collect();
        assert_eq!(rows, [("a".into(), 3), ("b".into(), 12), ("c".into(), 11)]);
        let b = &s.sources[1];
        assert_eq!(b.client_error_share, 5.0 / 12.0);
        assert_eq!(b.server_error_share, 7.0 / 12.0);
    }

    /// A run of one source with `n` requests in the hour starting at `start_s`, as the
    /// engine gives it: its total and its hours.
    fn hour_run(start_s: i64, n: u64) -> (Tiered, Vec<(i64, Tiered)>) {
        let mut a = Aggregate::new(StatsConfig::default());
        a.set_source(0);
        for i in 0..n {
            a.observe(&Observation {
                ts_us: 1_000_000 * (start_s + i as i64),
                status: 200,
                ..Observation::default()
            });
        }
        let t = Tiered {
            tiers: vec![(Some(Tier::Web), a)],
        };
        (t.clone(), vec![(start_s, t)])
    }

    #[test]
    fn the_newest_25_hours_are_kept_and_windows_take_whole_hours() {
        // 2026-11-21T00:00:00Z, a midnight; hour h has h + 1 requests, 30 hours.
        let day = 1_795_219_200;
        assert_eq!(day % 86_400, 0);
        let mut c = Cumulative::default();
        for h in 0..30i64 {
            let (t, hours) = hour_run(day + h * 3600, h as u64 + 1);
            c.add_run_hours(&[source(0, "a", h as u64 + 1)], t, hours);
        }
        let starts: Vec<i64> = c.hours.iter().map(|b| b.start_s).collect();
        let want: Vec<i64> = (5..30).map(|h| day + h * 3600).collect();
        assert_eq!(starts, want);
        let requests = |span: Span| {
            let s = c.window_summary(
                &span,
                &StatsConfig::default(),
                &axlog_endpoint::Rules::default(),
            );
            (s.requests, s.cumulative.and_then(|c| c.hours))
        };
        // Hours 28 and 29: 29 + 30 requests.
        assert_eq!(requests(Span::Hours(1)), (59, Some(2)));
        // Hours 5..=29.
        assert_eq!(requests(Span::Hours(24)), ((6..=30).sum(), Some(25)));
        // The second day (hours 24..=29) in UTC; at -02:00 its midnight is hour 26.
        let utc = axlog_format::Zone::Fixed(0);
        assert_eq!(requests(Span::Today(utc)), ((25..=30).sum(), Some(6)));
        let west = axlog_format::Zone::Fixed(-120);
        assert_eq!(requests(Span::Today(west)), ((27..=30).sum(), Some(4)));
        let total = (1..=30).sum::<u64>();
        assert_eq!(requests(Span::Total), (total, None));
    }

    #[test]
    fn another_hosts_rows_are_named_after_it() {
        let mut one = Cumulative::default();
        one.add_run(&[source(0, "/log", 2)], web(&[(0, 2, 200)]));
        let mut two = Cumulative::default();
        two.add_run(&[source(0, "/log", 4)], web(&[(0, 4, 500)]));
        let mut all = Cumulative::default();
        all.add_cumulative(&one, Some("web1"));
        all.add_cumulative(&two, Some("web2"));
        let s = all.summary(&StatsConfig::default(), &axlog_endpoint::Rules::default());
        let rows: Vec<(String, u64)> = s
            .sources
            .iter()
            .map(|r| (r.name.clone(), r.requests))
            .collect();
        assert_eq!(rows, [("web1:/log".into(), 2), ("web2:/log".into(), 4)]);
        assert_eq!(all.runs, 2);
    }

    #[test]
    fn a_state_with_a_cumulative_part_reads_back_as_written() {
        let mut c = Cumulative::default();
        c.add_run(&[source(0, "a", 3)], web(&[(0, 3, 200)]));
        let state = super::super::State {
            host: "web1".into(),
            cumulative: Some(c),
            ..super::super::State::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.state");
        super::super::write_atomic(&path, &state).unwrap();
        let back = super::super::load(&path).unwrap();
        assert_eq!(back, state);
        let s = |st: &super::super::State| {
            st.cumulative
                .as_ref()
                .unwrap()
                .summary(&StatsConfig::default(), &axlog_endpoint::Rules::default())
        };
        assert_eq!(s(&back), s(&state));
    }
}
