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

use crate::summary::{SourceLines, summarize};
use crate::tiers::{Tier, Tiered};
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
        self.merge_in(sources, tiered.tiers);
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
        self.merge_in(&rows, other.tiers.clone());
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
    fn merge_in(&mut self, sources: &[SourceLines], tiers: Vec<(Option<Tier>, Aggregate)>) {
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
