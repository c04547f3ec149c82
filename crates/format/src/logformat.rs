//! nginx `log_format` definitions, compiled into line parsers.
//!
//! A definition such as
//! `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent`
//! is split into variables and the literal text between them. A line is read left to
//! right: each variable's value runs up to the next occurrence of the literal that
//! follows it (to the end of the line for a last variable, and up to the line's final
//! literal for a variable that a definition ends with). Known variables become typed
//! [`Record`] fields; every other variable (`$http_*`, `$cookie_*`, custom ones) is kept
//! by name and shown by `axlog explain`.

use crate::num::{parse_opt_seconds_us, parse_u64, sum_upstream_list, trim_spaces};
use crate::time::{TIME_LOCAL_LEN, TimeLocalCache, days_from_civil};
use crate::{ParseError, Record};
use std::fmt;

/// A variable nginx writes, as axlog uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Var {
    RemoteAddr,
    RemoteUser,
    TimeLocal,
    TimeIso8601,
    Msec,
    Request,
    RequestMethod,
    RequestUri,
    Uri,
    Args,
    ServerProtocol,
    Status,
    BodyBytesSent,
    BytesSent,
    RequestLength,
    HttpReferer,
    HttpUserAgent,
    RequestTime,
    UpstreamResponseTime,
    /// A variable axlog keeps as text under its name: known ones (`host`, `upstream_addr`,
    /// `ssl_protocol`, ...) and any other (`http_*`, `cookie_*`, custom).
    Text(String),
}

impl Var {
    fn from_name(name: &str) -> Var {
        match name {
            "remote_addr" => Var::RemoteAddr,
            "remote_user" => Var::RemoteUser,
            "time_local" => Var::TimeLocal,
            "time_iso8601" => Var::TimeIso8601,
            "msec" => Var::Msec,
            "request" => Var::Request,
            "request_method" => Var::RequestMethod,
            "request_uri" => Var::RequestUri,
            "uri" | "document_uri" => Var::Uri,
            "args" | "query_string" => Var::Args,
            "server_protocol" => Var::ServerProtocol,
            "status" => Var::Status,
            "body_bytes_sent" => Var::BodyBytesSent,
            "bytes_sent" => Var::BytesSent,
            "request_length" => Var::RequestLength,
            "http_referer" => Var::HttpReferer,
            "http_user_agent" => Var::HttpUserAgent,
            "request_time" => Var::RequestTime,
            "upstream_response_time" => Var::UpstreamResponseTime,
            other => Var::Text(other.to_string()),
        }
    }

    /// Values that are lists (`a, b : c`) contain spaces that do not end the value.
    fn is_list(name: &str) -> bool {
        name.starts_with("upstream_")
    }
}

/// One variable of a compiled definition, with the literal text that follows it.
#[derive(Debug, Clone)]
struct Field {
    name: String,
    var: Var,
    /// Text after the value, up to the next variable; empty for a last variable.
    then: Vec<u8>,
    list: bool,
}

/// A `log_format` definition that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("the log_format has no variables")]
    NoVariables,
    #[error("the log_format has '$' without a variable name at byte {0}")]
    EmptyName(usize),
    #[error("'${{' without a closing '}}' at byte {0}")]
    Unclosed(usize),
    #[error(
        "${0} follows ${1} with no text between them, so where one ends and the other begins cannot be told"
    )]
    Adjacent(String, String),
    #[error(
        "the log_format has no time variable ($time_local, $time_iso8601 or $msec): axlog needs one to place requests in time"
    )]
    NoTime,
}

/// A compiled `log_format`.
#[derive(Debug, Clone)]
pub struct LogFormat {
    definition: String,
    /// Literal text before the first variable.
    prefix: Vec<u8>,
    fields: Vec<Field>,
}

impl LogFormat {
    /// Compiles a definition as nginx's `log_format` writes it (the quoted strings of a
    /// configuration already joined): `$name` or `${name}` variables and literal text.
    pub fn compile(definition: &str) -> Result<LogFormat, FormatError> {
        let b = definition.as_bytes();
        let mut prefix = Vec::new();
        let mut fields: Vec<Field> = Vec::new();
        let mut i = 0;
        let mut text = Vec::new();
        while i < b.len() {
            if b[i] != b'$' {
                text.push(b[i]);
                i += 1;
                continue;
            }
            let (name, next) = if b.get(i + 1) == Some(&b'{') {
                let close = b[i + 2..]
                    .iter()
                    .position(|&c| c == b'}')
                    .ok_or(FormatError::Unclosed(i))?;
                (&definition[i + 2..i + 2 + close], i + 3 + close)
            } else {
                let len = b[i + 1..]
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                    .unwrap_or(b.len() - i - 1);
                (&definition[i + 1..i + 1 + len], i + 1 + len)
            };
            if name.is_empty() {
                return Err(FormatError::EmptyName(i));
            }
            match fields.last_mut() {
                None => prefix = std::mem::take(&mut text),
                Some(prev) => {
                    if text.is_empty() {
                        return Err(FormatError::Adjacent(name.to_string(), prev.name.clone()));
                    }
                    prev.then = std::mem::take(&mut text);
                }
            }
            fields.push(Field {
                name: name.to_string(),
                var: Var::from_name(name),
                then: Vec::new(),
                list: Var::is_list(name),
            });
            i = next;
        }
        match fields.last_mut() {
            None => return Err(FormatError::NoVariables),
            Some(last) => last.then = text,
        }
        if !fields
            .iter()
            .any(|f| matches!(f.var, Var::TimeLocal | Var::TimeIso8601 | Var::Msec))
        {
            return Err(FormatError::NoTime);
        }
        Ok(LogFormat {
            definition: definition.to_string(),
            prefix,
            fields,
        })
    }

    pub fn definition(&self) -> &str {
        &self.definition
    }

    /// The variable names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| f.name.as_str())
    }

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
        if line.is_empty() {
            return Err(ParseError::Empty);
        }
        let mut rest = line
            .strip_prefix(self.prefix.as_slice())
            .ok_or(ParseError::Layout)?;
        let last = self.fields.len() - 1;
        for (k, f) in self.fields.iter().enumerate() {
            let end = if k == last {
                // The definition's closing text ends the line; the value is what is
                // before it, whatever it holds.
                let v = rest
                    .strip_suffix(f.then.as_slice())
                    .ok_or(ParseError::Layout)?;
                v.len()
            } else if f.var == Var::TimeLocal {
                // `10/Oct/2000:13:55:36 -0700` holds a space: it has a fixed length.
                match rest.get(TIME_LOCAL_LEN..) {
                    Some(after) if after.starts_with(&f.then) => TIME_LOCAL_LEN,
                    _ => return Err(ParseError::BadTime),
                }
            } else {
                find_end(rest, &f.then, f.list).ok_or(ParseError::Layout)?
            };
            each(f, &rest[..end])?;
            rest = &rest[(end + f.then.len()).min(rest.len())..];
        }
        Ok(())
    }

    /// Parses a line into `rec`.
    #[inline]
    pub fn parse_into<'a>(
        &self,
        cache: &mut TimeLocalCache,
        line: &'a [u8],
        rec: &mut Record<'a>,
    ) -> Result<(), ParseError> {
        let mut has_time = false;
        self.each_value(line, |f, v| {
            match f.var {
                Var::RemoteAddr => rec.remote_addr = v,
                Var::RemoteUser => rec.remote_user = v,
                Var::TimeLocal => {
                    let t = cache.parse(v).ok_or(ParseError::BadTime)?;
                    (rec.ts_us, rec.utc_offset_min) = (t.utc_us, t.offset_min);
                    has_time = true;
                }
                Var::TimeIso8601 => {
                    (rec.ts_us, rec.utc_offset_min) =
                        parse_iso8601(v).ok_or(ParseError::BadTime)?;
                    has_time = true;
                }
                Var::Msec => {
                    let us = parse_opt_seconds_us(v)
                        .ok()
                        .flatten()
                        .ok_or(ParseError::BadTime)?;
                    (rec.ts_us, rec.utc_offset_min) = (us as i64, 0);
                    has_time = true;
                }
                Var::Request => rec.request = v,
                Var::RequestMethod => rec.method = v,
                Var::RequestUri | Var::Uri => {
                    // $request_uri carries the query; $uri does not. Prefer the former.
                    if rec.uri.is_empty() || f.var == Var::RequestUri {
                        rec.uri = v
                    }
                }
                Var::Status => {
                    rec.status = match v {
                        b"-" => 0,
                        _ => match parse_u64(v) {
                            Some(s) if s <= 999 => s as u16,
                            _ => return Err(ParseError::BadStatus),
                        },
                    }
                }
                Var::BodyBytesSent | Var::BytesSent => {
                    // Body bytes when the log has them (the size of the answer as the
                    // combined layout counts it), otherwise the response bytes.
                    if rec.bytes_sent.is_none() || f.var == Var::BodyBytesSent {
                        rec.bytes_sent = match v {
                            b"-" => None,
                            _ => Some(parse_u64(v).ok_or(ParseError::BadBytes)?),
                        }
                    }
                }
                Var::HttpReferer => rec.referer = v,
                Var::HttpUserAgent => rec.user_agent = v,
                Var::RequestTime => {
                    rec.request_time_us =
                        parse_opt_seconds_us(v).map_err(|_| ParseError::BadTiming)?
                }
                Var::UpstreamResponseTime => {
                    let v = trim_spaces(v);
                    rec.upstream_time_us =
                        sum_upstream_list(v).map_err(|_| ParseError::BadTiming)?;
                    rec.upstream_times_raw = v;
                }
                Var::Args | Var::ServerProtocol | Var::RequestLength | Var::Text(_) => {}
            }
            Ok(())
        })?;
        if !has_time {
            return Err(ParseError::BadTime);
        }
        Ok(())
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.definition)
    }
}

/// Where a value that `then` follows ends in `rest`. In a list value (`0.1, 0.2 : 0.3`)
/// a space next to a `,` or `:` separator belongs to the list.
#[inline]
fn find_end(rest: &[u8], then: &[u8], list: bool) -> Option<usize> {
    let first = *then.first()?;
    let mut from = 0;
    loop {
        let at = from + memchr::memchr(first, &rest[from..])?;
        if rest[at..].starts_with(then) {
            let in_list = list
                && first == b' '
                && (matches!(at.checked_sub(1).map(|p| rest[p]), Some(b',' | b':'))
                    || rest.get(at + 1) == Some(&b':'));
            if !in_list {
                return Some(at);
            }
        }
        from = at + 1;
    }
}

/// `2026-11-21T10:00:01+01:00` (nginx `$time_iso8601`; `Z` accepted) into (UTC µs, offset).
pub fn parse_iso8601(s: &[u8]) -> Option<(i64, i16)> {
    if s.len() < 20
        || s[4] != b'-'
        || s[7] != b'-'
        || s[10] != b'T'
        || s[13] != b':'
        || s[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| parse_u64(&s[r]);
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &s[19..];
    let mut micros = 0;
    if let [b'.', frac @ ..] = rest {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        micros = parse_opt_seconds_us(&[b"0.", &frac[..digits]].concat()).ok()??;
        rest = &frac[digits..];
    }
    let offset_min: i64 = match rest {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let h = parse_u64(&[*h1, *h2])? as i64;
            let m = parse_u64(&[*m1, *m2])? as i64;
            if h > 23 || m > 59 {
                return None;
            }
            if *sign == b'-' {
                -(h * 60 + m)
            } else {
                h * 60 + m
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year as i64, month as u32, day as u32);
    let local_s = days * 86_400 + hour as i64 * 3600 + minute as i64 * 60 + second as i64;
    Some((
        (local_s - offset_min * 60) * 1_000_000 + micros as i64,
        offset_min as i16,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<'a>(def: &str, line: &'a str) -> Result<Record<'a>, ParseError> {
        let f = LogFormat::compile(def).unwrap();
        let mut rec = Record::default();
        f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
            .map(|()| rec)
    }

    #[test]
    fn definitions_that_cannot_work() {
        use FormatError::*;
        assert_eq!(LogFormat::compile("plain text").unwrap_err(), NoVariables);
        assert_eq!(
            LogFormat::compile("$status $body_bytes_sent").unwrap_err(),
            NoTime
        );
        assert_eq!(
            LogFormat::compile("[$time_local] $status$body_bytes_sent").unwrap_err(),
            Adjacent("body_bytes_sent".into(), "status".into())
        );
        assert_eq!(
            LogFormat::compile("[$time_local] ${status").unwrap_err(),
            Unclosed(14)
        );
        assert_eq!(
            LogFormat::compile("[$time_local] $ x").unwrap_err(),
            EmptyName(14)
        );
        // Every preset is a valid definition.
        for l in crate::Layout::ALL {
            LogFormat::compile(l.definition()).unwrap();
        }
    }

    #[test]
    fn lists_braces_and_other_times() {
        // Upstream lists keep their inner spaces; `${var}` is a variable too.
        let def =
            "${msec} $upstream_addr $upstream_response_time $upstream_status \"$request\" $status";
        let r = parse(def, "1795251601.250 10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80 0.100, 0.004 : 0.020 502, 200 : 200 \"GET /a?b HTTP/1.1\" 200").unwrap();
        assert_eq!(r.ts_us, 1_795_251_601_250_000);
        assert_eq!(r.upstream_time_us, Some(124_000));
        assert_eq!(r.upstream_times_raw, b"0.100, 0.004 : 0.020");
        assert_eq!(r.path(), Some(&b"/a"[..]));
        // ISO 8601 time, method and URI logged on their own.
        let def = "$time_iso8601 $request_method $request_uri $status $request_time";
        let r = parse(def, "2026-11-21T10:00:01+01:00 POST /api/x?y=1 201 0.005").unwrap();
        assert_eq!((r.ts_us, r.utc_offset_min), (1_795_251_601_000_000, 60));
        assert_eq!((r.method, r.path()), (&b"POST"[..], Some(&b"/api/x"[..])));
        assert_eq!((r.status, r.request_time_us), (201, Some(5000)));
        // A last quoted field may hold quotes: the line's closing text ends it.
        let r = parse(
            "[$time_local] \"$http_user_agent\"",
            "[21/Nov/2026:10:00:01 +0000] \"a \"b\" c\"",
        )
        .unwrap();
        assert_eq!(r.user_agent, b"a \"b\" c");
        // Literal text out of place, bad numbers, bad times.
        let def = "[$time_local] $status $body_bytes_sent";
        assert_eq!(
            parse(def, "[21/Nov/2026:10:00:01 +0000] 200").unwrap_err(),
            ParseError::Layout
        );
        assert_eq!(
            parse(def, "[21/Nov/2026:10:00:01 +0000] 2x0 5").unwrap_err(),
            ParseError::BadStatus
        );
        assert_eq!(
            parse(def, "[21/Nov/2026:10:00:01 +0000] 200 x").unwrap_err(),
            ParseError::BadBytes
        );
        assert_eq!(
            parse(def, "[21/Nov/2026:10:00:01] 200 5").unwrap_err(),
            ParseError::BadTime
        );
        assert_eq!(parse(def, "").unwrap_err(), ParseError::Empty);
    }

    #[test]
    fn iso8601() {
        assert_eq!(parse_iso8601(b"1970-01-01T00:00:00Z"), Some((0, 0)));
        // 10:00:01 at -02:30 is 12:30:01Z; 2026-11-21T10:00:01Z is 1795255201 (date -d).
        assert_eq!(
            parse_iso8601(b"2026-11-21T10:00:01.5-02:30"),
            Some((1_795_255_201_500_000 + 9_000_000_000, -150))
        );
        assert_eq!(parse_iso8601(b"2026-13-21T10:00:01Z"), None);
        assert_eq!(parse_iso8601(b"2026-11-21 10:00:01Z"), None);
    }
}
