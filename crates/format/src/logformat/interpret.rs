//! Reading a line with a compiled [`Definition`]: finding each value's end and filling
//! the [`Record`] (and, through [`HaSink`], HAProxy's fields).

use super::ha_fields::HaSink;
use super::{Definition, Dialect, End, Field, Unit, Var};
use crate::fields::Field as F;
use crate::num::{millis4, parse_u64, sum_upstream_list, trim_spaces};
use crate::parse::Parse;
use crate::time::{
    TIME_LOCAL_LEN, TimeLocalCache, parse_epoch_hex, parse_haproxy_date, parse_iso8601,
};
use crate::{ParseError, Record};

impl Definition {
    /// Splits `line` into the values of the definition's variables, in order.
    pub fn split<'a>(&self, line: &'a [u8]) -> Result<Vec<(&str, &'a [u8])>, ParseError> {
        let mut out = Vec::with_capacity(self.fields.len());
        self.each_value(line, |f, v| {
            out.push((f.name.as_str(), v));
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `each` with every variable and its value.
    #[inline]
    fn each_value<'s, 'a>(
        &'s self,
        line: &'a [u8],
        mut each: impl FnMut(&'s Field, &'a [u8]) -> Result<(), ParseError>,
    ) -> Result<(), ParseError> {
        let mut it = self.values(line)?;
        while let Some(fv) = it.next_value() {
            let (f, v) = fv?;
            each(f, v)?;
        }
        Ok(())
    }

    /// The variables of `line` with their values, in order.
    #[inline(always)]
    fn values<'s, 'a>(&'s self, line: &'a [u8]) -> Result<Values<'s, 'a>, ParseError> {
        self.values_of(&self.fields, line)
    }

    /// [`Definition::values`] over `fields` (the definition's, or the parser's).
    #[inline(always)]
    fn values_of<'s, 'a>(
        &self,
        fields: &'s [Field],
        line: &'a [u8],
    ) -> Result<Values<'s, 'a>, ParseError> {
        if line.is_empty() {
            return Err(ParseError::Empty);
        }
        if !has_prefix(line, &self.prefix) {
            return Err(ParseError::Layout);
        }
        Ok(Values {
            fields: fields.iter(),
            rest: &line[self.prefix.len()..],
        })
    }

    /// Parses a line into `rec`.
    #[inline]
    pub fn parse_into<'a>(
        &self,
        cache: &mut TimeLocalCache,
        line: &'a [u8],
        rec: &mut Record<'a>,
    ) -> Result<(), ParseError> {
        self.parse_counting(cache, line, rec, &mut 0)
    }

    /// How far `line` gets: the number of fields read and checked before the first that
    /// does not fit, that field's name and the error (`None` when the line parses).
    pub fn progress(&self, line: &[u8]) -> (usize, Option<(&str, ParseError)>) {
        let mut done = 0;
        let mut rec = Record::default();
        match self.parse_counting(&mut TimeLocalCache::default(), line, &mut rec, &mut done) {
            Ok(()) => (done, None),
            Err(e) => {
                let name = self.parse_fields.get(done).map_or("", |f| f.name.as_str());
                (done, Some((name, e)))
            }
        }
    }

    /// The less common variables of [`Definition::parse_counting`]; returns whether the
    /// value was the request's time.
    #[inline(never)]
    fn fill_rare<'a>(
        &self,
        f: &Field,
        v: &'a [u8],
        rec: &mut Record<'a>,
    ) -> Result<bool, ParseError> {
        let mut has_time = false;
        match f.var {
            Var::TimeIso8601 => {
                (rec.ts_us, rec.utc_offset_min) = parse_iso8601(v).ok_or(ParseError::BadTime)?;
                has_time = true;
            }
            Var::Epoch(unit) => {
                let us = unit.to_us(v).ok_or(ParseError::BadTime)?;
                (rec.ts_us, rec.utc_offset_min) = (us as i64, 0);
                has_time = true;
            }
            Var::EpochHex => {
                let s = parse_epoch_hex(v).ok_or(ParseError::BadTime)?;
                (rec.ts_us, rec.utc_offset_min) = (s, 0);
                has_time = true;
            }
            Var::Args => rec.query = v,
            Var::ServerProtocol => rec.protocol = v,
            Var::RequestLength => rec.request_length = opt_u64(v).ok_or(ParseError::BadBytes)?,
            Var::Host => rec.host = v,
            // Ports and connection numbers are informative: a stray value is dropped, so
            // one not asked for need not be parsed.
            Var::ServerPort if self.projection.has(F::SERVER_PORT) => {
                rec.server_port = parse_u64(v).and_then(|p| u16::try_from(p).ok())
            }
            Var::Connection if self.projection.has(F::CONNECTION) => rec.connection = parse_u64(v),
            Var::ServerPort | Var::Connection => {}
            Var::Scheme => rec.scheme = v,
            Var::XForwardedFor => rec.x_forwarded_for = v,
            Var::UpstreamAddr => rec.upstream_addr = trim_spaces(v),
            Var::UpstreamStatus => rec.upstream_status = trim_spaces(v),
            Var::UpstreamResponseLength => rec.upstream_response_length = trim_spaces(v),
            Var::UpstreamConnectTime => {
                rec.upstream_connect_us =
                    sum_upstream_list(trim_spaces(v)).map_err(|_| ParseError::BadTiming)?
            }
            Var::UpstreamHeaderTime => {
                rec.upstream_header_us =
                    sum_upstream_list(trim_spaces(v)).map_err(|_| ParseError::BadTiming)?
            }
            Var::CacheStatus => rec.cache_status = v,
            Var::SslProtocol => rec.tls_protocol = v,
            Var::SslCipher => rec.tls_cipher = v,
            _ => {
                if let Some(k) = f.extra {
                    rec.extras[k as usize] = v;
                }
            }
        }
        Ok(has_time)
    }

    #[inline]
    fn parse_counting<'a>(
        &self,
        cache: &mut TimeLocalCache,
        line: &'a [u8],
        rec: &mut Record<'a>,
        done: &mut usize,
    ) -> Result<(), ParseError> {
        // The engine reuses records without clearing them: every field a layout has is
        // written on every line, the others are never written, and no arm reads what
        // the record held before (choices between variables are made at compile time).
        rec.extras_len = self.extras;
        if self.json_escape {
            rec.escaping = crate::unescape::Escaping::Json;
        }
        if self.dialect != Dialect::Haproxy {
            // No HAProxy fields to gather: the walk gets a sink that holds nothing, so a
            // line of an nginx or Apache layout sets up nothing beyond its own fields.
            let mut values = self.values_of(&self.parse_fields, line);
            let result = match &mut values {
                Err(e) => Err(*e),
                Ok(it) => self.walk(cache, it, rec, &mut ()),
            };
            *done = Self::fields_read(&self.parse_fields, &values, result.is_err());
            let has_time = result?;
            // A suffix layout's time is in the part before it.
            if !has_time && !self.suffix {
                return Err(ParseError::BadTime);
            }
            return Ok(());
        }
        self.parse_haproxy(cache, line, rec, done)
    }

    /// [`Definition::parse_counting`] for an HAProxy layout: after a syslog header, with
    /// HAProxy's fields gathered and stored once (a layout that has any of them writes
    /// them all on every line, as the native parser does).
    #[inline(never)]
    fn parse_haproxy<'a>(
        &self,
        cache: &mut TimeLocalCache,
        full_line: &'a [u8],
        rec: &mut Record<'a>,
        done: &mut usize,
    ) -> Result<(), ParseError> {
        if !self.json_escape {
            // The escaping is the record's: in a layout with a `+E` field, every value
            // is read as `+E` writes it (HAProxy writes a backslash elsewhere as it is,
            // so a `\\`, `\"` or `\]` in a field without `+E` would be taken as one
            // escaped character).
            rec.escaping = if self.ha_backslash {
                crate::unescape::Escaping::HashBackslash
            } else {
                crate::unescape::Escaping::Hash
            };
        }
        let zone = &self.zone;
        let (syslog_host, line) =
            crate::syslog::split_syslog(full_line).ok_or(ParseError::Layout)?;
        let mut ha = crate::record::HaproxyFields::default();
        let mut values = self.values_of(&self.parse_fields, line);
        let result = match &mut values {
            Err(e) => Err(*e),
            Ok(it) => self.walk(cache, it, rec, &mut ha),
        };
        *done = Self::fields_read(&self.parse_fields, &values, result.is_err());
        let mut has_time = match result {
            Ok(t) => t,
            Err(e) => {
                // HAProxy's own notices share the stream: not malformed access lines.
                // The native parser knows them (only lines that fail pay for asking it).
                let mut native = crate::haproxy::HaproxyParser::new(0);
                native.set_zone(zone);
                if native.parse(full_line) == Err(ParseError::NotAccess) {
                    return Err(ParseError::NotAccess);
                }
                return Err(e);
            }
        };
        if !self.has_time_field
            && let Some((us, off)) = crate::syslog::syslog_time(full_line, zone, self.now_us)
        {
            (rec.ts_us, rec.utc_offset_min) = (us, off);
            has_time = true;
        }
        if self.has_ha_fields {
            rec.haproxy = Some(ha);
        }
        if let Some(h) = rec.haproxy.as_mut() {
            h.syslog_host = syslog_host;
            // As for HAProxy's own layouts: the report's request time is Ta, upstream Tr.
            rec.request_time_us = h.ta_us;
            rec.upstream_time_us = h.tresp_us;
        }
        if !has_time && !self.suffix {
            return Err(ParseError::BadTime);
        }
        Ok(())
    }

    /// Fields read: those the walk passed, less the one it stopped at. Counted once per
    /// line, not per field.
    #[inline(always)]
    fn fields_read(
        fields: &[Field],
        values: &Result<Values<'_, '_>, ParseError>,
        failed: bool,
    ) -> usize {
        match values {
            Ok(it) => fields.len() - it.fields.len() - failed as usize,
            Err(_) => 0,
        }
    }

    /// Reads each value of `it` into `rec` (HAProxy's into `ha`); returns whether the line
    /// had its time.
    #[inline(always)]
    fn walk<'a, H: HaSink<'a>>(
        &self,
        cache: &mut TimeLocalCache,
        it: &mut Values<'_, 'a>,
        rec: &mut Record<'a>,
        ha: &mut H,
    ) -> Result<bool, ParseError> {
        let mut has_time = false;
        while let Some(fv) = it.next_value() {
            let (f, v) = fv?;
            has_time |= self.step(cache, f, v, rec, ha)?;
        }
        Ok(has_time)
    }

    /// One field's value `v` into `rec` (or `ha`); returns whether it was the time.
    #[inline(always)]
    fn step<'a, H: HaSink<'a>>(
        &self,
        cache: &mut TimeLocalCache,
        f: &Field,
        v: &'a [u8],
        rec: &mut Record<'a>,
        ha: &mut H,
    ) -> Result<bool, ParseError> {
        let mut has_time = false;
        // In an `escape=json` template nginx writes an absent value as `""` where its
        // default escaping writes `-` (an upstream time of a request served from disk or
        // cache): read it as `-`.
        let v: &'a [u8] = if self.json_escape && v.is_empty() && f.var.may_be_absent() {
            b"-"
        } else {
            v
        };
        match f.var {
            Var::RemoteAddr => rec.remote_addr = v,
            Var::RemoteUser => rec.remote_user = v,
            Var::TimeLocal => {
                let t = cache.parse(v).ok_or(ParseError::BadTime)?;
                (rec.ts_us, rec.utc_offset_min) = (t.utc_us, t.offset_min);
                has_time = true;
            }
            Var::Request => rec.request = v,
            Var::RequestMethod => rec.method = v,
            Var::RequestUri | Var::Uri => rec.uri = v,
            Var::Status => {
                rec.status = match *v {
                    // Three digits, checked in place.
                    [a, b, c] if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() => {
                        (a - b'0') as u16 * 100 + (b - b'0') as u16 * 10 + (c - b'0') as u16
                    }
                    _ => match v {
                        b"-" | b"-1" => 0,
                        _ => match parse_u64(v) {
                            Some(s) if s <= 999 => s as u16,
                            _ => return Err(ParseError::BadStatus),
                        },
                    },
                }
            }
            Var::BodyBytesSent => {
                rec.bytes_sent = match v {
                    b"-" => None,
                    // HAProxy writes `+` before a count it had not finished
                    // (`option logasap`).
                    [b'+', n @ ..] => Some(parse_u64(n).ok_or(ParseError::BadBytes)?),
                    _ => Some(parse_u64(v).ok_or(ParseError::BadBytes)?),
                }
            }
            Var::BytesSent => rec.response_bytes = opt_u64(v).ok_or(ParseError::BadBytes)?,
            Var::BytesSentAsBody => {
                rec.response_bytes = opt_u64(v).ok_or(ParseError::BadBytes)?;
                rec.bytes_sent = rec.response_bytes;
            }
            Var::HttpReferer => rec.referer = v,
            Var::HttpUserAgent => rec.user_agent = v,
            Var::RequestTime(unit) => {
                rec.request_time_us = match (v, unit) {
                    // nginx's usual `D.DDD`, in place.
                    (&[a, b'.', b, c, d], Unit::Seconds) if let Some(us) = millis4(a, b, c, d) => {
                        Some(us)
                    }
                    (b"-", _) => None,
                    _ => Some(unit.to_us(v).ok_or(ParseError::BadTiming)?),
                }
            }
            Var::UpstreamResponseTime => {
                rec.upstream_time_us = match *v {
                    // One attempt, `D.DDD`: no list to walk.
                    [a, b'.', b, c, d] if let Some(us) = millis4(a, b, c, d) => Some(us),
                    _ => sum_upstream_list(trim_spaces(v)).map_err(|_| ParseError::BadTiming)?,
                };
                rec.upstream_times_raw = trim_spaces(v);
            }
            Var::HaDate => {
                let local = parse_haproxy_date(cache, v, 0).ok_or(ParseError::BadTime)?;
                (rec.ts_us, rec.utc_offset_min) = self.zone.local_to_utc(local);
                has_time = true;
            }
            Var::Ha(h) => ha.fill(h, v)?,
            Var::HaNumbers => ha.numbers(f, v)?,
            // Variables kept by name (`$http_*`, cookies, HAProxy's captures).
            Var::Text => {
                if let Some(k) = f.extra {
                    rec.extras[k as usize] = v;
                }
            }
            // Variables most layouts lack, out of line so this loop stays small.
            _ => has_time |= self.fill_rare(f, v, rec)?,
        }
        Ok(has_time)
    }
}

/// Walks a line field by field (see [`Definition::values`]).
struct Values<'s, 'a> {
    fields: std::slice::Iter<'s, Field>,
    rest: &'a [u8],
}

impl<'s, 'a> Values<'s, 'a> {
    /// The next field and its value; an error where the line stops fitting the layout.
    #[inline(always)]
    fn next_value(&mut self) -> Option<Result<(&'s Field, &'a [u8]), ParseError>> {
        let f = self.fields.next()?;
        let rest = self.rest;
        // The usual end first, by a plain test: a jump table here is one indirect jump
        // per field, and its target changes from field to field, which CPUs mispredict.
        let (end, next) = if let End::Byte(b) = f.end {
            match crate::scan::find(rest, b) {
                Some(e) => (e, e + 1),
                None => return Some(Err(ParseError::Layout)),
            }
        } else if let End::Word { first, word, mask } = f.end {
            match find_word(rest, &f.then, first, word, mask) {
                Some(e) => (e, e + f.then.len()),
                None => return Some(Err(ParseError::Layout)),
            }
        } else {
            match self.end_other(f, rest) {
                Ok(en) => en,
                Err(e) => return Some(Err(e)),
            }
        };
        self.rest = &rest[next..];
        Some(Ok((f, &rest[..end])))
    }

    /// Where the value of `f` ends in `rest` and where the next one starts.
    #[inline(always)]
    fn end_other(&self, f: &Field, rest: &[u8]) -> Result<(usize, usize), ParseError> {
        let end = match f.end {
            // The definition's closing text ends the line; the value is what is before
            // it, whatever it holds.
            End::Last => match rest
                .len()
                .checked_sub(f.then.len())
                .filter(|&e| has_prefix(&rest[e..], &f.then))
            {
                Some(e) => e,
                None => return Err(ParseError::Layout),
            },
            // `10/Oct/2000:13:55:36 -0700` holds a space: it has a fixed length.
            End::Fixed(len) => match rest.get(len..) {
                Some(after) if f.then_at(after) => len,
                _ => return Err(ParseError::BadTime),
            },
            End::Byte(b) => match crate::scan::find(rest, b) {
                Some(e) => e,
                None => return Err(ParseError::Layout),
            },
            End::Word { first, word, mask } => match find_word(rest, &f.then, first, word, mask) {
                Some(e) => e,
                None => return Err(ParseError::Layout),
            },
            End::Text => match find_end(rest, &f.then, f.list, f.escaped) {
                Some(e) => e,
                None => return Err(ParseError::Layout),
            },
            End::HostPort => {
                let port_end = self
                    .fields
                    .as_slice()
                    .first()
                    .and_then(|g| g.then.first())
                    .map_or(Some(rest.len()), |&stop| crate::scan::find(rest, stop));
                // An address is a few bytes: a plain loop from its end.
                match port_end.and_then(|p| rest[..p].iter().rposition(|&b| b == b':')) {
                    Some(e) => e,
                    None => return Err(ParseError::Layout),
                }
            }
            End::LastQuote => match crate::scan::rfind(rest, b'"') {
                Some(e) if f.then_at(&rest[e..]) => e,
                _ => return Err(ParseError::Layout),
            },
            End::BeforeTime => {
                let Some(time) = self.fields.as_slice().first() else {
                    return Err(ParseError::Layout);
                };
                match find_before_time(rest, &f.then, time) {
                    Some(e) => e,
                    None => return Err(ParseError::Layout),
                }
            }
            End::Brace => {
                // Spaces first: a separator before blocks that end the layout.
                let lead = rest.iter().take_while(|&&b| b == b' ').count();
                let r = &rest[lead..];
                // `+Q` quotes the block: `"{...}"`.
                let quoted = r.starts_with(b"\"{");
                let body = &r[quoted as usize..];
                match body.first() {
                    Some(b'{') => {
                        let Some(close) = crate::scan::find(body, b'}') else {
                            return Err(ParseError::UnclosedQuote);
                        };
                        let mut end = lead + quoted as usize + close + 1;
                        if quoted {
                            if rest.get(end) != Some(&b'"') {
                                return Err(ParseError::UnclosedQuote);
                            }
                            end += 1;
                        }
                        if !has_prefix(&rest[end..], &f.then) {
                            return Err(ParseError::Layout);
                        }
                        end
                    }
                    // Only the separator was left: the line's end.
                    None => return Ok((rest.len(), rest.len())),
                    // Nothing captured: HAProxy writes neither a block (nor quotes) nor
                    // the separator after it, so the field takes nothing. What its
                    // closing text holds after that separator is written all the same
                    // (the next field's opening quote with `+Q`, literal text), and is
                    // passed over; so is a separator the line has here because the text
                    // before the block did not end with one.
                    _ => {
                        let sep = f.then.iter().take_while(|&&b| b == b' ').count();
                        let skip = lead.min(sep);
                        let text = &f.then[sep..];
                        if !has_prefix(&rest[skip..], text) {
                            return Err(ParseError::Layout);
                        }
                        return Ok((0, skip + text.len()));
                    }
                }
            }
        };
        Ok((end, (end + f.then.len()).min(rest.len())))
    }
}

/// A count that may be `-`: `Some(None)` for `-`, `None` when it is not a number.
fn opt_u64(v: &[u8]) -> Option<Option<u64>> {
    match v {
        b"-" => Some(None),
        _ => parse_u64(v).map(Some),
    }
}

/// `hay.starts_with(lit)` for the few bytes between fields, compared in place rather
/// than through a `memcmp` call.
#[inline(always)]
pub(super) fn has_prefix(hay: &[u8], lit: &[u8]) -> bool {
    match hay.get(..lit.len()) {
        Some(h) => {
            let mut eq = true;
            for k in 0..lit.len() {
                eq &= h[k] == lit[k];
            }
            eq
        }
        None => false,
    }
}

/// Where a value that `then` follows ends in `rest` (with `escaped`, a `"` or `]` after an
/// odd number of backslashes is part of the value: Apache, JSON and HAProxy's `+E` write
/// `\\` for a backslash, and `+E` writes `\]` for a `]`). In a list value (`0.1, 0.2 : 0.3`)
/// a space next to a `,` or `:` separator belongs to the list.
#[inline]
fn find_end(rest: &[u8], then: &[u8], list: bool, escaped: bool) -> Option<usize> {
    let first = *then.first()?;
    let mut from = 0;
    loop {
        // An inline vector search: fields are short, and a call's set-up would cost more.
        let at = from + crate::scan::find(&rest[from..], first)?;
        let is_escaped = escaped
            && matches!(first, b'"' | b']')
            && rest[..at].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 1;
        if !is_escaped && has_prefix(&rest[at..], then) {
            // nginx joins attempts with `, ` and redirects with ` : `.
            let in_list = list
                && first == b' '
                && (matches!(at.checked_sub(1).map(|p| rest[p]), Some(b','))
                    || (at >= 2 && &rest[at - 2..at] == b" :")
                    || rest.get(at + 1..at + 3) == Some(b": "));
            if !in_list {
                return Some(at);
            }
        }
        from = at + 1;
    }
}

/// The first `then` in `rest` that `time`'s fixed-length value and closing text follow.
#[inline(always)]
fn find_before_time(rest: &[u8], then: &[u8], time: &Field) -> Option<usize> {
    let mut from = 0;
    loop {
        let at = from + crate::scan::find(&rest[from..], then[0])?;
        if has_prefix(&rest[at..], then)
            && rest
                .get(at + then.len() + TIME_LOCAL_LEN..)
                .is_some_and(|after| time.then_at(after))
        {
            return Some(at);
        }
        from = at + 1;
    }
}

/// The first occurrence of `then` (2 to 8 bytes, `word` under `mask`) in `rest`.
#[inline(always)]
fn find_word(rest: &[u8], then: &[u8], first: u8, word: u64, mask: u64) -> Option<usize> {
    let mut from = 0;
    loop {
        let at = from + crate::scan::find(&rest[from..], first)?;
        let hit = match rest.get(at..at + 8) {
            Some(w) => word_eq(w, word, mask),
            None => has_prefix(&rest[at..], then),
        };
        if hit {
            return Some(at);
        }
        from = at + 1;
    }
}

/// Whether eight bytes `w` start with the literal `word` under `mask`: one compare instead
/// of a byte loop.
#[inline(always)]
pub(super) fn word_eq(w: &[u8], word: u64, mask: u64) -> bool {
    let mut b = [0u8; 8];
    b.copy_from_slice(w);
    u64::from_le_bytes(b) & mask == word
}
