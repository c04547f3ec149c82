//! HAProxy's fields of a custom `log-format` layout (timers, counts, queues, names,
//! captures) written into [`crate::haproxy::HaproxyFields`] as the interpreter meets them.

use super::{Field, HaField};
use crate::error::ParseError;
use crate::num::parse_u64;

/// Where [`Definition::walk`] puts HAProxy's fields: [`crate::record::HaproxyFields`], or
/// nothing for layouts that have none (their walk never meets an HAProxy field).
pub(super) trait HaSink<'a> {
    fn fill(&mut self, field: HaField, v: &'a [u8]) -> Result<(), ParseError>;
    /// A [`Var::HaNumbers`] run's value.
    fn numbers(&mut self, f: &Field, v: &'a [u8]) -> Result<(), ParseError>;
}

impl<'a> HaSink<'a> for () {
    #[inline(always)]
    fn fill(&mut self, _: HaField, _: &'a [u8]) -> Result<(), ParseError> {
        Ok(())
    }
    #[inline(always)]
    fn numbers(&mut self, _: &Field, _: &'a [u8]) -> Result<(), ParseError> {
        Ok(())
    }
}

impl<'a> HaSink<'a> for crate::record::HaproxyFields<'a> {
    #[inline(always)]
    fn fill(&mut self, field: HaField, v: &'a [u8]) -> Result<(), ParseError> {
        fill_haproxy(self, field, v)
    }

    #[inline(always)]
    fn numbers(&mut self, f: &Field, v: &'a [u8]) -> Result<(), ParseError> {
        // The usual run, plain digits only, in one pass; signs, `-1` and anything odd
        // take the general way below.
        match f.run {
            NumberRun::Timers => {
                if let Some(t) = plain_numbers::<5>(v, f.sep) {
                    let [tr, tw, tc, tresp, ta] = t.map(|ms| Some(ms * 1000));
                    (
                        self.tr_us,
                        self.tw_us,
                        self.tc_us,
                        self.tresp_us,
                        self.ta_us,
                    ) = (tr, tw, tc, tresp, ta);
                    return Ok(());
                }
            }
            NumberRun::Conns => {
                if let Some(c) = plain_numbers::<5>(v, f.sep) {
                    let [ac, fc, bc, sc, rc] = c.map(|n| u32::try_from(n).ok());
                    (
                        self.actconn,
                        self.feconn,
                        self.beconn,
                        self.srv_conn,
                        self.retries,
                    ) = (ac, fc, bc, sc, rc);
                    return Ok(());
                }
            }
            NumberRun::Queues => {
                if let Some([sq, bq]) = plain_numbers::<2>(v, f.sep) {
                    self.srv_queue = u32::try_from(sq).ok();
                    self.backend_queue = u32::try_from(bq).ok();
                    return Ok(());
                }
            }
            NumberRun::Other => {}
        }
        let mut parts = v.split(|&b| b == f.sep);
        let mut next = || parts.next().ok_or(ParseError::Layout);
        // HAProxy's own runs are written out: each member straight into its field, with
        // no dispatch per member.
        match f.run {
            NumberRun::Timers => {
                self.tr_us = ha_timer(next()?)?;
                self.tw_us = ha_timer(next()?)?;
                self.tc_us = ha_timer(next()?)?;
                self.tresp_us = ha_timer(next()?)?;
                self.ta_us = ha_timer(next()?)?;
            }
            NumberRun::Conns => {
                self.actconn = ha_count(next()?);
                self.feconn = ha_count(next()?);
                self.beconn = ha_count(next()?);
                self.srv_conn = ha_count(next()?);
                self.retries = ha_count(next()?);
            }
            NumberRun::Queues => {
                self.srv_queue = ha_count(next()?);
                self.backend_queue = ha_count(next()?);
            }
            NumberRun::Other => {
                for &m in &f.members {
                    fill_haproxy(self, m, next()?)?;
                }
            }
        }
        if parts.next().is_some() {
            return Err(ParseError::Layout);
        }
        Ok(())
    }
}

/// A run of HAProxy numbers that HAProxy's own layouts have, read by code of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumberRun {
    /// `%TR/%Tw/%Tc/%Tr/%Ta`.
    Timers,
    /// `%ac/%fc/%bc/%sc/%rc`.
    Conns,
    /// `%sq/%bq`.
    Queues,
    Other,
}

impl NumberRun {
    pub(super) fn of(members: &[HaField]) -> NumberRun {
        use HaField::*;
        match members {
            [TReq, Tw, Tc, TResp, Ta] => NumberRun::Timers,
            [Actconn, Feconn, Beconn, SrvConn, Retries] => NumberRun::Conns,
            [SrvQueue, BackendQueue] => NumberRun::Queues,
            _ => NumberRun::Other,
        }
    }
}

/// One HAProxy field of a custom layout into `h`. Timers are milliseconds, `-1` absent;
/// counts and timers may carry a `+`.
#[inline(always)]
pub(super) fn fill_haproxy<'a>(
    h: &mut crate::record::HaproxyFields<'a>,
    field: HaField,
    v: &'a [u8],
) -> Result<(), ParseError> {
    // A capture block: `{a|b}`, `"{a|b}"` with `+Q`, after the spaces a collapsed
    // separator may leave.
    let braces = |v: &'a [u8]| -> &'a [u8] {
        let v = v.trim_ascii_start();
        let v = match v {
            [b'"', inner @ .., b'"'] => inner,
            _ => v,
        };
        match v {
            [b'{', inner @ .., b'}'] => inner,
            _ => v,
        }
    };
    match field {
        HaField::ClientPort => h.client_port = parse_u64(v).and_then(|p| u16::try_from(p).ok()),
        HaField::ClientPortHex => {
            h.client_port = std::str::from_utf8(v)
                .ok()
                .and_then(|s| u16::from_str_radix(s, 16).ok())
        }
        HaField::Frontend => h.frontend = v,
        HaField::Backend => h.backend = v,
        HaField::Server => h.server = v,
        HaField::TReq => h.tr_us = ha_timer(v)?,
        HaField::Tw => h.tw_us = ha_timer(v)?,
        HaField::Tc => h.tc_us = ha_timer(v)?,
        HaField::TResp => h.tresp_us = ha_timer(v)?,
        HaField::Ta => h.ta_us = ha_timer(v)?,
        HaField::TermState => h.termination_state = v,
        HaField::Actconn => h.actconn = ha_count(v),
        HaField::Feconn => h.feconn = ha_count(v),
        HaField::Beconn => h.beconn = ha_count(v),
        HaField::SrvConn => h.srv_conn = ha_count(v),
        HaField::Retries => h.retries = ha_count(v),
        HaField::SrvQueue => h.srv_queue = ha_count(v),
        HaField::BackendQueue => h.backend_queue = ha_count(v),
        HaField::RequestHeaders => h.captured_request_headers = braces(v),
        HaField::ResponseHeaders => h.captured_response_headers = braces(v),
    }
    Ok(())
}

/// Exactly `N` numbers of plain digits (1 to 15 each) joined by `sep`, read in one pass;
/// `None` for anything else (a sign, `-1`, an empty or longer number).
#[inline(always)]
pub(super) fn plain_numbers<const N: usize>(v: &[u8], sep: u8) -> Option<[u64; N]> {
    let mut out = [0u64; N];
    let (mut k, mut cur, mut len) = (0, 0u64, 0);
    for &b in v {
        let d = b.wrapping_sub(b'0');
        if d < 10 && len < 15 {
            cur = cur * 10 + d as u64;
            len += 1;
        } else if b == sep && len > 0 && k + 1 < N {
            out[k] = cur;
            (k, cur, len) = (k + 1, 0, 0);
        } else {
            return None;
        }
    }
    if len == 0 || k + 1 != N {
        return None;
    }
    out[k] = cur;
    Some(out)
}

/// A timer in ms (maybe after a `+`) into µs; `-1` (step not reached) is `None`.
#[inline(always)]
fn ha_timer(v: &[u8]) -> Result<Option<u64>, ParseError> {
    let v = v.strip_prefix(b"+").unwrap_or(v);
    match *v {
        // Most timers are a digit or two.
        [a] if a.is_ascii_digit() => Ok(Some((a - b'0') as u64 * 1000)),
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Ok(Some(((a - b'0') as u64 * 10 + (b - b'0') as u64) * 1000))
        }
        [b'-', b'1'] | [b'-'] => Ok(None),
        _ => parse_u64(v)
            .and_then(|ms| ms.checked_mul(1000))
            .map(Some)
            .ok_or(ParseError::BadTiming),
    }
}

/// A count (maybe after a `+`); a stray value is dropped, counts are informative.
#[inline(always)]
fn ha_count(v: &[u8]) -> Option<u32> {
    let v = v.strip_prefix(b"+").unwrap_or(v);
    match *v {
        [a] if a.is_ascii_digit() => Some((a - b'0') as u32),
        _ => parse_u64(v).and_then(|c| u32::try_from(c).ok()),
    }
}
