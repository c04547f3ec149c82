//! HAProxy's part of an aggregate: what it needs of an HAProxy line, and the five timers
//! (TR, Tw, Tc, Tr, Ta). Its `backend/server` breakdown is a table of the aggregate's.

use crate::hist::ExactHistogram;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Global histograms keep whole milliseconds up to 65.5 s in a dense array (512 KiB).
pub(crate) const GLOBAL_DENSE_MS: u32 = 1 << 16;

/// What the aggregate needs of an HAProxy line beyond the common fields.
#[derive(Debug, Clone, Copy, Default)]
pub struct HaproxyObservation<'a> {
    /// TR, Tw, Tc, Tr, Ta in µs; `None` where the step was not reached.
    pub timers_us: [Option<u64>; 5],
    pub backend: &'a [u8],
    pub server: &'a [u8],
    /// `backend/server` as the line wrote it, or empty (the key is then built).
    pub backend_server: &'a [u8],
    /// The syslog header's host (empty without a header).
    pub host: &'a [u8],
    /// The termination state (`SD--`; empty when not logged).
    pub termination: &'a [u8],
}

/// HAProxy's timers (its `backend/server` table is the aggregate's `servers`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct HaproxyStats {
    /// TR, Tw, Tc, Tr, Ta. Tr and Ta are also the global upstream and request times
    /// (see [`crate::Aggregate::observe`]).
    pub(crate) timers: [ExactHistogram; 5],
    /// Tr and Ta of lines whose upstream or request time was given apart from them (a
    /// parser that broke the rule): in HAProxy's figures, not in the global ones.
    unshared: Option<Box<[ExactHistogram; 2]>>,
    /// Where a `backend/server` key is built when the line did not write it whole.
    #[serde(skip)]
    key: Vec<u8>,
    /// Requests by termination state (absent from a state saved before they were).
    #[serde(default)]
    pub(crate) terminations: crate::termination::Terminations,
}

/// `N` histograms of the run's size (see [`GLOBAL_DENSE_MS`]).
pub(crate) fn global_histograms<const N: usize>() -> [ExactHistogram; N] {
    std::array::from_fn(|_| ExactHistogram::with_dense_ms(GLOBAL_DENSE_MS))
}

impl HaproxyStats {
    pub(crate) fn new() -> Self {
        HaproxyStats {
            timers: global_histograms(),
            unshared: None,
            key: Vec::new(),
            terminations: Default::default(),
        }
    }

    /// `shared`: Tr and Ta are this line's upstream and request times.
    pub(crate) fn observe(&mut self, h: &HaproxyObservation<'_>, shared: bool) {
        self.terminations.add(h.termination);
        let n = if shared { 5 } else { 3 };
        for (hist, t) in self.timers.iter_mut().zip(h.timers_us).take(n) {
            if let Some(t) = t {
                hist.record(t);
            }
        }
        if !shared {
            let u = self
                .unshared
                .get_or_insert_with(|| Box::new(global_histograms()));
            for (hist, t) in u.iter_mut().zip(&h.timers_us[3..]) {
                if let Some(t) = *t {
                    hist.record(t);
                }
            }
        }
    }

    /// The line's `backend/server` key: as written, or built in `key`.
    #[inline]
    pub(crate) fn server_key<'k>(&'k mut self, h: &'k HaproxyObservation<'_>) -> &'k [u8] {
        if h.backend_server.is_empty() {
            self.key.clear();
            self.key.extend_from_slice(h.backend);
            self.key.push(b'/');
            self.key.extend_from_slice(h.server);
            &self.key
        } else {
            h.backend_server
        }
    }

    /// The five timers of every HAProxy line (with those kept apart in `unshared`).
    pub(crate) fn timers_all(&self) -> [Cow<'_, ExactHistogram>; 5] {
        std::array::from_fn(|i| match (&self.unshared, i) {
            (Some(u), 3 | 4) => {
                let mut all = self.timers[i].clone();
                all.merge(&u[i - 3]);
                Cow::Owned(all)
            }
            _ => Cow::Borrowed(&self.timers[i]),
        })
    }

    pub(crate) fn merge(&mut self, other: &HaproxyStats) {
        self.terminations.merge(&other.terminations);
        for (a, b) in self.timers.iter_mut().zip(&other.timers) {
            a.merge(b);
        }
        if let Some(theirs) = &other.unshared {
            let mine = self
                .unshared
                .get_or_insert_with(|| Box::new(global_histograms()));
            for (a, b) in mine.iter_mut().zip(theirs.iter()) {
                a.merge(b);
            }
        }
    }
}
