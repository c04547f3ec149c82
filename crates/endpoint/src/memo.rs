//! [`Endpoints`]: a run's rules with a memo from path to endpoint, so that each distinct
//! path is folded once rather than on every line. The memo is bounded (entries and
//! bytes); once full it keeps what it holds and the paths it lacks are folded each time,
//! so memory stays the same whatever the input. (Emptying it when full and filling it
//! again cost 1.4% more instructions on a log where 30% of the requests have a path of
//! their own: the busy paths come early and stay.)

use crate::{Rules, Scratch};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Paths the memo holds at most.
pub const DEFAULT_MAX_ENTRIES: usize = 1 << 16;
/// Bytes of paths and endpoints the memo holds at most.
pub const DEFAULT_MAX_BYTES: usize = 8 << 20;

/// Where a memoized endpoint is: in the arena, or the path itself (most paths).
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

const SAME: u32 = u32::MAX;

/// The endpoint of each path, by one run's [`Rules`], each distinct path folded once
/// while the memo has room. One per thread: it is not shared.
#[derive(Debug, Clone)]
pub struct Endpoints {
    rules: Arc<Rules>,
    memo: FxHashMap<Box<[u8]>, Span>,
    /// The memoized endpoints that differ from their path, end to end.
    arena: Vec<u8>,
    /// Bytes of the memo's paths.
    key_bytes: usize,
    max_entries: usize,
    max_bytes: usize,
    /// Where an endpoint is built, and the rules' buffers.
    buf: Vec<u8>,
    scratch: Scratch,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints::new(Arc::default())
    }
}

impl Endpoints {
    /// Endpoints by `rules`, with the default memo bounds.
    pub fn new(rules: Arc<Rules>) -> Endpoints {
        Endpoints::with_bounds(rules, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES)
    }

    /// Endpoints by `rules`, the memo holding at most `max_entries` paths and
    /// `max_bytes` bytes of paths and endpoints.
    pub fn with_bounds(rules: Arc<Rules>, max_entries: usize, max_bytes: usize) -> Endpoints {
        Endpoints {
            scratch: rules.scratch(),
            rules,
            memo: FxHashMap::default(),
            arena: Vec::new(),
            key_bytes: 0,
            max_entries,
            max_bytes: max_bytes.min(u32::MAX as usize - 1),
            buf: Vec::new(),
        }
    }

    pub fn rules(&self) -> &Arc<Rules> {
        &self.rules
    }

    /// Whether the rules are the built-in folds alone (the default), which a caller may
    /// apply itself ([`crate::builtin`]).
    #[inline]
    pub fn builtin_only(&self) -> bool {
        self.rules.builtin_only()
    }

    /// Paths in the memo now.
    pub fn memoized(&self) -> usize {
        self.memo.len()
    }

    /// Bytes of paths and endpoints in the memo now.
    pub fn memo_bytes(&self) -> usize {
        self.key_bytes + self.arena.len()
    }

    /// The endpoint of `path` (without its query, escapes undone).
    #[inline]
    pub fn endpoint<'s>(&'s mut self, path: &'s [u8]) -> &'s [u8] {
        // The built-in folds alone cost about a lookup: the memo would only add its
        // hashing and copies.
        if !self.rules.has_user_rules() {
            return match self
                .rules
                .apply_with(path, &mut self.buf, &mut self.scratch)
            {
                true => &self.buf,
                false => path,
            };
        }
        let span = match self.memo.get(path) {
            Some(&s) => s,
            None => match self.insert(path) {
                Ok(s) => s,
                // Not memoized: built in `buf`, or the path itself.
                Err(true) => return &self.buf,
                Err(false) => return path,
            },
        };
        match span.len {
            SAME => path,
            len => {
                let start = span.start as usize;
                &self.arena[start..start + len as usize]
            }
        }
    }

    /// Folds `path` and memoizes it while the memo has room; `Err(changed)` when it has
    /// none (then the endpoint is in `buf` when `changed`, or is the path).
    #[cold]
    fn insert(&mut self, path: &[u8]) -> Result<Span, bool> {
        let changed = self
            .rules
            .apply_with(path, &mut self.buf, &mut self.scratch);
        let out_len = if changed { self.buf.len() } else { 0 };
        if self.memo.len() >= self.max_entries
            || self.memo_bytes() + path.len() + out_len > self.max_bytes
        {
            return Err(changed);
        }
        let span = match changed {
            false => Span {
                start: 0,
                len: SAME,
            },
            true => {
                let start = self.arena.len();
                self.arena.extend_from_slice(&self.buf);
                Span {
                    start: start as u32,
                    len: out_len as u32,
                }
            }
        };
        self.key_bytes += path.len();
        self.memo.insert(path.into(), span);
        Ok(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Many distinct paths, some repeated, through a memo bounded small: every endpoint
    /// is the one the rules give without a memo, and the memo never passes its bounds.
    #[test]
    fn memo_is_bounded_and_changes_nothing() {
        let rules = Arc::new(Rules::new(
            vec![
                "^/api/v1/users/[^/]+=/api/v1/users/:user".parse().unwrap(),
                r"^/img/(\w+)\.(png|jpg)$=/img/:name.$2".parse().unwrap(),
            ],
            true,
        ));
        let (max_entries, max_bytes) = (50, 1500);
        let mut memo = Endpoints::with_bounds(rules.clone(), max_entries, max_bytes);
        let mut plain = Vec::new();
        for i in 0..5000u32 {
            let path = match i % 4 {
                0 => format!("/api/v1/users/u{}/orders/{}", i % 300, i),
                1 => format!("/img/pic{}.png", i % 70),
                2 => format!("/static/{}", i % 13),
                _ => format!("/plain/{}", i % 9),
            };
            let want: Vec<u8> = match rules.apply(path.as_bytes(), &mut plain) {
                true => plain.clone(),
                false => path.as_bytes().to_vec(),
            };
            assert_eq!(memo.endpoint(path.as_bytes()), &want[..], "{path}");
            // Asked twice: the memoized answer is the same.
            assert_eq!(memo.endpoint(path.as_bytes()), &want[..], "{path}");
            assert!(memo.memoized() <= max_entries);
            assert!(memo.memo_bytes() <= max_bytes, "{}", memo.memo_bytes());
        }
        assert!(memo.memoized() > 0);
    }

    #[test]
    fn an_endpoint_longer_than_the_memo_is_still_right() {
        let rules = Arc::new(Rules::new(
            vec!["^/a=/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb".parse().unwrap()],
            true,
        ));
        let mut memo = Endpoints::with_bounds(rules, 4, 8);
        assert_eq!(
            memo.endpoint(b"/a/1"),
            b"/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/:id"
        );
        assert_eq!(
            memo.endpoint(b"/a/1"),
            b"/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/:id"
        );
        assert!(memo.memo_bytes() <= 8, "{}", memo.memo_bytes());
    }
}
