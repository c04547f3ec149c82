//! The live part of a state (`report --every --follow --state FILE`): what a follower had
//! counted but not yet written when it saved the state. The state's file offsets say how
//! far every file was read; each line read before them is either in a window already
//! written (up to `emitted`) or in one of the `open` windows kept here, so a restarted
//! follower restores these windows and reads on from the offsets: no line is counted
//! twice or lost, and no window is written twice.

use axlog_stats::Aggregate;
use serde::{Deserialize, Serialize};

/// The windows a follower had open, and the last one it wrote.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveState {
    /// The interval (`--every`), in seconds: a restart with another one is refused.
    pub every_s: u64,
    /// The interval number (start / `every_s`) of the last window written, if any.
    pub emitted: Option<i64>,
    /// The windows counted but not written, in log-time order.
    pub open: Vec<OpenWindow>,
    /// Lines without a time read before any window opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Aggregate>,
}

/// One window counted but not written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenWindow {
    /// Its interval number.
    pub window: i64,
    /// The latest second a request of it counted in.
    pub last_second: i64,
    pub stats: Aggregate,
}

/// Equal when they are stored alike (the aggregate has no equality of its own).
impl PartialEq for LiveState {
    fn eq(&self, other: &LiveState) -> bool {
        match (serde_json::to_value(self), serde_json::to_value(other)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for LiveState {}
