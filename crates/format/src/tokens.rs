//! Readers of space-separated tokens, shared by the syslog header parser and HAProxy's
//! line parser (both walk the same line: the header first, then the message).

use memchr::memchr;

use crate::error::ParseError;
use crate::scan::{find, positions};

/// A position in a line for HAProxy's fast httplog path and the RFC 3164 header: tokens
/// end at exactly one space.
pub(crate) struct Cursor<'a> {
    pub(crate) s: &'a [u8],
    pub(crate) i: usize,
}

impl<'a> Cursor<'a> {
    /// The non-empty text up to the next space, and the cursor after that space.
    #[inline(always)]
    pub(crate) fn token(&mut self) -> Option<&'a [u8]> {
        let rest = self.s.get(self.i..)?;
        let e = find(rest, b' ')?;
        if e == 0 {
            return None;
        }
        self.i += e + 1;
        Some(&rest[..e])
    }

    /// Exactly `N` integers separated by `/` and followed by `end`, each fitting an i64
    /// and with an optional `+` or `-`; the cursor after `end`.
    #[inline(always)]
    pub(crate) fn numbers<const N: usize>(&mut self, end: u8) -> Option<[i64; N]> {
        let s = self.s;
        let mut i = self.i;
        let mut out = [0i64; N];
        for (k, o) in out.iter_mut().enumerate() {
            let neg = match *s.get(i)? {
                b'-' => {
                    i += 1;
                    true
                }
                b'+' => {
                    i += 1;
                    false
                }
                _ => false,
            };
            let start = i;
            let mut v = 0i64;
            while let Some(d) = s.get(i).map(|b| b.wrapping_sub(b'0')).filter(|&d| d < 10) {
                v = v.checked_mul(10)?.checked_add(d as i64)?;
                i += 1;
            }
            if i == start {
                return None;
            }
            *o = if neg { -v } else { v };
            let sep = if k + 1 == N { end } else { b'/' };
            if *s.get(i)? != sep {
                return None;
            }
            i += 1;
        }
        self.i = i;
        Some(out)
    }
}

/// The space-separated tokens of a line. One vector pass finds the first 40 spaces, which
/// costs less than a search per token; header blocks full of spaces (user agents) may push
/// the last tokens past them, and those are searched for.
pub(crate) struct Tokens<'a> {
    pub(crate) s: &'a [u8],
    sp: [u32; 40],
    /// Spaces recorded in `sp`, and whether there are more.
    n: usize,
    more: bool,
    /// Next entry of `sp`, and where the next token starts.
    i: usize,
    pos: usize,
}

impl<'a> Tokens<'a> {
    #[inline]
    pub(crate) fn new(s: &'a [u8]) -> Self {
        let mut sp = [0; 40];
        let total = positions(s, b' ', &mut sp);
        Tokens {
            s,
            sp,
            n: total.min(sp.len()),
            more: total > sp.len(),
            i: 0,
            pos: 0,
        }
    }

    /// The next token, empty at the end; a run of spaces separates like one.
    #[inline]
    pub(crate) fn next(&mut self) -> &'a [u8] {
        let s = self.s;
        loop {
            let start = self.pos;
            // `sp[i]` is at or after `pos` (`seek` skips the entries before it), and every
            // recorded space is inside the line: `start..end` is in bounds when `end > start`.
            let end = match self.sp.get(self.i) {
                Some(&e) if self.i < self.n => {
                    self.i += 1;
                    e as usize
                }
                _ if start >= s.len() => return &[],
                _ if self.more => find(&s[start..], b' ').map_or(s.len(), |k| start + k),
                _ => s.len(),
            };
            self.pos = end + 1;
            if end > start {
                return s.get(start..end).unwrap_or_default();
            }
        }
    }

    /// A CLF field: a token, or a quoted string (quotes removed) that may hold spaces.
    pub(crate) fn field(&mut self) -> Result<&'a [u8], ParseError> {
        match self.rest_at() {
            (_, []) => Err(ParseError::Layout),
            (at, [b'"', body @ ..]) => {
                let q = memchr(b'"', body).ok_or(ParseError::UnclosedQuote)?;
                self.seek(at + q + 2);
                Ok(&body[..q])
            }
            _ => Ok(self.next()),
        }
    }

    /// Where the untaken text starts (spaces skipped), and that text.
    #[inline]
    pub(crate) fn rest_at(&self) -> (usize, &'a [u8]) {
        let rest = self.s.get(self.pos..).unwrap_or_default();
        let trimmed = skip_spaces(rest);
        (self.pos + (rest.len() - trimmed.len()), trimmed)
    }

    #[inline]
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.rest_at().1
    }

    /// Continues from byte `pos` (text taken by hand, like a quoted string).
    pub(crate) fn seek(&mut self, pos: usize) {
        self.pos = pos;
        while self.i < self.n && self.sp.get(self.i).is_some_and(|&e| (e as usize) < pos) {
            self.i += 1;
        }
    }

    pub(crate) fn mark(&self) -> (usize, usize) {
        (self.i, self.pos)
    }

    pub(crate) fn reset(&mut self, (i, pos): (usize, usize)) {
        (self.i, self.pos) = (i, pos);
    }
}

#[inline]
pub(crate) fn skip_spaces(mut s: &[u8]) -> &[u8] {
    while let [b' ', tail @ ..] = s {
        s = tail;
    }
    s
}
