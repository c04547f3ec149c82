//! HAProxy's termination states (`----`, `SD--`, `CD--`, ...), counted for the default
//! report: by the full four characters, and summarized by their first two too (what
//! ended the session, in which phase).
//!
//! A configuration meets a few dozen states at most, so they are a short list searched
//! from its start: the usual state (`----`) is met first and found at once, with no
//! hashing. The list is capped; states after the cap count as `other`.

use crate::summary::StateCount;
use serde::{Deserialize, Serialize};

/// Distinct states kept (HAProxy documents fewer than 200 combinations of the first two
/// characters with the cookie ones).
const MAX_STATES: usize = 256;

/// The key of states past the cap, and of a state that is not 4 characters.
const OTHER: [u8; 4] = *b"????";

/// Requests by termination state, in the order states were first met.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Terminations {
    states: Vec<([u8; 4], u64)>,
}

impl Terminations {
    /// Counts a request that ended with `state` (empty: the layout does not log it).
    #[inline]
    pub(crate) fn add(&mut self, state: &[u8]) {
        if state.is_empty() {
            return;
        }
        let key: [u8; 4] = state.try_into().unwrap_or(OTHER);
        self.add_n(key, 1);
    }

    fn add_n(&mut self, key: [u8; 4], n: u64) {
        if let Some(e) = self.states.iter_mut().find(|e| e.0 == key) {
            e.1 += n;
            return;
        }
        let key = if self.states.len() < MAX_STATES {
            key
        } else {
            OTHER
        };
        match self.states.iter_mut().find(|e| e.0 == key) {
            Some(e) => e.1 += n,
            None => self.states.push((key, n)),
        }
    }

    pub(crate) fn merge(&mut self, other: &Terminations) {
        for &(k, n) in &other.states {
            self.add_n(k, n);
        }
    }

    /// (every state, by their first two characters): most frequent first, ties by
    /// state, shares of `requests`.
    pub(crate) fn summarize(&self, requests: u64) -> (Vec<StateCount>, Vec<StateCount>) {
        let list = |pairs: Vec<(Vec<u8>, u64)>| {
            let mut out: Vec<StateCount> = pairs
                .into_iter()
                .map(|(k, count)| StateCount {
                    state: crate::escape_bytes(&k),
                    count,
                    share: match requests {
                        0 => 0.0,
                        r => count as f64 / r as f64,
                    },
                })
                .collect();
            out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.state.cmp(&b.state)));
            out
        };
        let full = self.states.iter().map(|(k, n)| (k.to_vec(), *n)).collect();
        let mut two: Vec<(Vec<u8>, u64)> = Vec::new();
        for (k, n) in &self.states {
            match two.iter_mut().find(|e| e.0 == k[..2]) {
                Some(e) => e.1 += n,
                None => two.push((k[..2].to_vec(), *n)),
            }
        }
        (list(full), list(two))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_full_states_and_phases() {
        let mut a = Terminations::default();
        for s in ["----", "SD--", "----", "CD--", "SDNI", "", "x"] {
            a.add(s.as_bytes());
        }
        let mut b = Terminations::default();
        b.add(b"SD--");
        a.merge(&b);
        let (full, two) = a.summarize(10);
        let f: Vec<_> = full.iter().map(|s| (s.state.as_str(), s.count)).collect();
        assert_eq!(
            f,
            vec![
                ("----", 2),
                ("SD--", 2),
                ("????", 1),
                ("CD--", 1),
                ("SDNI", 1)
            ]
        );
        let t: Vec<_> = two.iter().map(|s| (s.state.as_str(), s.count)).collect();
        assert_eq!(t, vec![("SD", 3), ("--", 2), ("??", 1), ("CD", 1)]);
        assert_eq!(full[0].share, 0.2);
    }
}
