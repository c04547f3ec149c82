//! nginx `log_format` definitions, compiled into line parsers.
//!
//! A definition such as
//! `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent`
//! is split into variables and the literal text between them. A line is read left to
//! right: each variable's value runs up to the next occurrence of the literal that
//! follows it (to the end of the line for a last variable, and up to the line's final
//! literal for a variable that a definition ends with). Known variables become typed
//! [`Record`](crate::Record) fields; every other variable (`$http_*`, `$cookie_*`, custom ones) is kept
//! by name and shown by `axlog explain`.
//!
//! The module is split by concern: `tokenize.rs` walks a definition of any dialect into
//! literal text and variables; `nginx.rs`, `apache.rs` and `haproxy.rs` compile each
//! dialect's tokens; `compile.rs` holds what they share (placing literal text,
//! choosing how each value ends); `interpret.rs` reads lines with a compiled definition;
//! `ha_fields.rs` fills [`crate::haproxy::HaproxyFields`] from a custom HAProxy layout's
//! values. This file holds the types they all use.

mod apache;
mod compile;
mod ha_fields;
mod haproxy;
mod interpret;
mod nginx;
mod tokenize;

pub use self::haproxy::{HAPROXY_HTTPLOG, HAPROXY_TCPLOG};

use self::ha_fields::NumberRun;
use self::interpret::{has_prefix, word_eq};
use crate::num::parse_u64;
use std::fmt;

/// A variable nginx writes, as axlog uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Var {
    RemoteAddr,
    RemoteUser,
    TimeLocal,
    TimeIso8601,
    /// Seconds (or milli-, microseconds) since the epoch: nginx `$msec`, Apache `%{sec}t`.
    Epoch(Unit),
    /// HAProxy's `%{+X}Ts`: seconds since the epoch in hexadecimal.
    EpochHex,
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
    /// nginx `$request_time` (seconds), Apache `%D` (µs), `%T`, `%{ms}T`.
    RequestTime(Unit),
    UpstreamResponseTime,
    Host,
    ServerPort,
    Scheme,
    XForwardedFor,
    UpstreamAddr,
    UpstreamStatus,
    UpstreamResponseLength,
    UpstreamConnectTime,
    UpstreamHeaderTime,
    CacheStatus,
    SslProtocol,
    SslCipher,
    Connection,
    /// `$bytes_sent` in a layout without `$body_bytes_sent`: the response size, also
    /// counted as the request's bytes (decided at compile time).
    BytesSentAsBody,
    /// HAProxy's accept or request date, `dd/Mon/yyyy:HH:MM:SS.mmm`, zone from `--tz`.
    HaDate,
    /// One of HAProxy's own fields.
    Ha(HaField),
    /// HAProxy numbers written with one separator between them (`%TR/%Tw/%Tc/%Tr/%Ta`,
    /// `%ac/%fc/%bc/%sc/%rc`), read as one value (the field's `members`), split in place.
    HaNumbers,
    /// A variable axlog keeps as text under its name: known ones (`host`, `upstream_addr`,
    /// `ssl_protocol`, ...) and any other (`http_*`, `cookie_*`, custom).
    Text,
}

impl Var {
    fn from_name(name: &str) -> Var {
        match name {
            "remote_addr" => Var::RemoteAddr,
            "remote_user" => Var::RemoteUser,
            "time_local" => Var::TimeLocal,
            "time_iso8601" => Var::TimeIso8601,
            "msec" => Var::Epoch(Unit::Seconds),
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
            "request_time" => Var::RequestTime(Unit::Seconds),
            "upstream_response_time" => Var::UpstreamResponseTime,
            "host" | "server_name" | "http_host" => Var::Host,
            "server_port" => Var::ServerPort,
            "scheme" => Var::Scheme,
            "http_x_forwarded_for" => Var::XForwardedFor,
            "upstream_addr" => Var::UpstreamAddr,
            "upstream_status" => Var::UpstreamStatus,
            "upstream_response_length" => Var::UpstreamResponseLength,
            "upstream_connect_time" => Var::UpstreamConnectTime,
            "upstream_header_time" => Var::UpstreamHeaderTime,
            "upstream_cache_status" => Var::CacheStatus,
            "ssl_protocol" => Var::SslProtocol,
            "ssl_cipher" => Var::SslCipher,
            "connection" => Var::Connection,
            _ => Var::Text,
        }
    }

    /// Numbers that nginx writes as `-` when the request has none: a status (a request
    /// closed before one was chosen), sizes, durations, upstream values.
    fn may_be_absent(self) -> bool {
        matches!(
            self,
            Var::Status
                | Var::BodyBytesSent
                | Var::BytesSent
                | Var::BytesSentAsBody
                | Var::RequestLength
                | Var::RequestTime(_)
                | Var::UpstreamResponseTime
                | Var::UpstreamConnectTime
                | Var::UpstreamHeaderTime
                | Var::UpstreamStatus
                | Var::UpstreamAddr
                | Var::UpstreamResponseLength
                | Var::ServerPort
                | Var::Connection
        )
    }

    /// Values that are lists (`a, b : c`) contain spaces that do not end the value.
    fn is_list(name: &str) -> bool {
        name.starts_with("upstream_")
    }
}

/// HAProxy fields a custom `log-format` can hold (see [`crate::record::HaproxyFields`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HaField {
    ClientPort,
    /// `%{+X}cp`: the port in hexadecimal.
    ClientPortHex,
    Frontend,
    Backend,
    Server,
    /// TR (or Tq).
    TReq,
    Tw,
    Tc,
    /// Tr: server response time.
    TResp,
    /// Ta (or Tt).
    Ta,
    TermState,
    Actconn,
    Feconn,
    Beconn,
    SrvConn,
    Retries,
    SrvQueue,
    BackendQueue,
    RequestHeaders,
    ResponseHeaders,
}

/// The unit a duration or epoch time is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Decimal seconds (`0.123`, `12`).
    Seconds,
    Millis,
    Micros,
    Nanos,
}

impl Unit {
    /// The value in microseconds; `None` for anything that is not a number in this unit.
    /// Any unit takes a fraction (`12.5` ms); what is below a microsecond is truncated.
    pub(crate) fn to_us(self, v: &[u8]) -> Option<u64> {
        use crate::num::parse_decimal_us;
        // Whole numbers first: the common case, without the general arithmetic.
        match self {
            Unit::Seconds => crate::num::parse_seconds_us(v),
            Unit::Millis => parse_u64(v)
                .and_then(|n| n.checked_mul(1000))
                .or_else(|| parse_decimal_us(v, 1000, 1)),
            Unit::Micros => parse_u64(v).or_else(|| parse_decimal_us(v, 1, 1)),
            Unit::Nanos => parse_u64(v)
                .map(|n| n / 1000)
                .or_else(|| parse_decimal_us(v, 1, 1000)),
        }
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
    /// Apache writes `"` inside a value as `\"`: such a quote does not end the value.
    escaped: bool,
    /// How the value's end is found, decided once at compile time.
    end: End,
    /// The `Record::extras` slot of a variable kept by name.
    extra: Option<u8>,
    /// `then` as a little-endian word and its mask, when it is 1 to 8 bytes long.
    then_word: Option<(u64, u64)>,
    /// For [`Var::HaNumbers`]: the numbers in order, and the byte between them.
    members: Vec<HaField>,
    sep: u8,
    run: NumberRun,
}

impl Field {
    /// A port number (`$server_port`, `$remote_port`, Apache `%p`, HAProxy `%cp`, `%fp`,
    /// `%bp`, `%sp`).
    fn is_port(&self) -> bool {
        matches!(
            self.var,
            Var::ServerPort | Var::Ha(HaField::ClientPort | HaField::ClientPortHex)
        ) || self.name.ends_with("_port")
            || matches!(self.name.as_str(), "%fp" | "%bp" | "%sp")
    }

    /// Whether `s` starts with this field's closing text.
    #[inline(always)]
    fn then_at(&self, s: &[u8]) -> bool {
        match (self.then_word, s.get(..8)) {
            (Some((word, mask)), Some(w)) => word_eq(w, word, mask),
            _ => has_prefix(s, &self.then),
        }
    }
}

/// How a field's value ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The last field: the line ends with `then`.
    Last,
    /// A fixed number of bytes (`$time_local`).
    Fixed(usize),
    /// At the first occurrence of a single byte (the common ` ` and `"`).
    Byte(u8),
    /// At the first occurrence of a literal of 2 to 8 bytes (`" "`, `" - `), compared as
    /// one word (the field's `then_word`, copied here so the search reads it without an
    /// `Option`).
    Word { first: u8, word: u64, mask: u64 },
    /// At the first occurrence of `then` that is not inside a list or escaped.
    Text,
    /// A `{...}` block (HAProxy captured headers, which may hold spaces): after its `}`.
    Brace,
    /// An address before `:` and a port: at the last `:` before the port's closing
    /// text (or the line's end).
    HostPort,
    /// Before a `$time_local`: at the first `then` that a time of the fixed length and
    /// the time's own closing text follow.
    BeforeTime,
    /// A quoted nginx value whose closing `"` is the line's last (no text after it holds
    /// a `"`, and nginx writes a `"` inside any value as `\x22`): found from the line's
    /// end, without reading the value (a user agent is the longest field of a line).
    LastQuote,
}

/// A `log_format` definition that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("the format has no fields (no $variable or %directive)")]
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
        "the format has no time field (nginx $time_local, $time_iso8601 or $msec; Apache %t or %{{sec}}t): axlog needs one to place requests in time"
    )]
    NoTime,
    #[error("Apache directive {0} is not supported here")]
    Unsupported(String),
    #[error("'%' at the end of the format")]
    Dangling,
}

/// Whose syntax a definition is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// nginx `log_format`: `$variables`.
    Nginx,
    /// Apache `LogFormat`: `%directives`.
    Apache,
    /// HAProxy `log-format`: `%ci`, `%TR`, `%{+Q}r`, ...; lines may carry a syslog header.
    Haproxy,
}

/// A compiled `log_format`.
#[derive(Debug, Clone)]
pub struct Definition {
    dialect: Dialect,
    /// The zone of HAProxy dates and syslog stamps, which carry none (`--tz`).
    zone: crate::Zone,
    /// How many variables are kept in `Record::extras`.
    extras: u8,
    /// The part of a layout after the `combined` fields (see [`Definition::compile_suffix`]).
    suffix: bool,
    /// Whether the layout has a time field; an HAProxy layout without one takes the
    /// syslog header's time, whose year is inferred relative to `now_us`.
    has_time_field: bool,
    now_us: i64,
    /// Values are JSON-escaped (`escape=json`).
    json_escape: bool,
    /// An HAProxy layout with a `+E` field: values may hold `\"`, `\\` and `\]`.
    ha_backslash: bool,
    /// The definition has HAProxy fields (`rec.haproxy` is written on every line).
    has_ha_fields: bool,
    definition: String,
    /// Literal text before the first variable.
    prefix: Vec<u8>,
    /// The definition's variables, as `axlog explain` shows them.
    fields: Vec<Field>,
    /// The same, with runs of HAProxy numbers read as one value each: fewer steps per
    /// line for the parser.
    parse_fields: Vec<Field>,
    /// The fields asked for (see [`crate::LineParser::set_projection`]).
    projection: crate::Fields,
}

impl Definition {
    /// Compiles a definition in either syntax: Apache when it holds `%` directives and
    /// no `$variable`, nginx otherwise.
    pub fn compile_any(definition: &str) -> Result<Definition, FormatError> {
        let has_dollar_var = definition
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b'$' && (w[1].is_ascii_alphabetic() || w[1] == b'{' || w[1] == b'_'));
        // HAProxy's variables have names of two or more letters Apache does not use.
        let haproxy = [
            "%ci", "%ST", "%TR", "%Ta", "%tr", "%ft", "%tsc", "%{+Q}", "%[", "%hr",
        ]
        .iter()
        .any(|v| definition.contains(v));
        if !has_dollar_var && haproxy {
            Self::compile_haproxy(definition)
        } else if !has_dollar_var && definition.contains('%') {
            Self::compile_apache(definition)
        } else {
            Self::compile(definition)
        }
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Sets the UTC offset of HAProxy dates (which carry none).
    pub fn set_tz(&mut self, tz_offset_min: i16) {
        self.zone = crate::Zone::Fixed(tz_offset_min);
    }

    /// Sets the zone of HAProxy dates and syslog stamps (an IANA zone: each one's offset).
    pub fn set_zone(&mut self, zone: &crate::Zone) {
        self.zone = zone.clone();
    }

    /// Sets the fields asked for (see [`crate::LineParser::set_projection`]).
    pub fn set_projection(&mut self, fields: crate::Fields) {
        self.projection = fields;
    }

    /// Sets the time a year-less syslog date is placed before (now, unless set).
    pub fn set_now(&mut self, now_us: i64) {
        self.now_us = now_us;
    }

    pub fn definition(&self) -> &str {
        &self.definition
    }

    /// The variable names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| f.name.as_str())
    }

    /// The names of the variables kept in `Record::extras`, in slot order.
    pub fn extra_names(&self) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(|f| f.extra.is_some())
            .map(|f| f.name.as_str())
    }

    /// The number of steps a line is read in (as [`Definition::progress`] counts them):
    /// the variables, a run of HAProxy numbers counting once.
    pub fn len(&self) -> usize {
        self.parse_fields.len()
    }

    /// Always false: a compiled format has at least one field.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

impl fmt::Display for Definition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.definition)
    }
}

#[cfg(test)]
mod tests;
