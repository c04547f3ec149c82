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

use crate::num::millis4;
use crate::num::{parse_u64, sum_upstream_list, trim_spaces};
use crate::time::{
    TIME_LOCAL_LEN, TimeLocalCache, parse_epoch_hex, parse_haproxy_date, parse_iso8601,
};
use crate::{ParseError, Record};
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

/// HAProxy's variable flags: `+Q` quotes, `+X` writes numbers in hexadecimal, `+E`
/// escapes with a backslash; `-F` clears a flag.
#[derive(Debug, Clone, Copy, Default)]
struct HaFlags {
    quote: bool,
    hex: bool,
    esc: bool,
}

impl HaFlags {
    /// These flags changed by a `{...}` list (`+Q`, `+Q,+X`, `+Q+E`, `-Q`).
    fn with(mut self, spec: &[u8]) -> HaFlags {
        let mut on = true;
        for &c in spec {
            match c {
                b'+' => on = true,
                b'-' => on = false,
                b'Q' => self.quote = on,
                b'X' => self.hex = on,
                b'E' => self.esc = on,
                _ => {}
            }
        }
        self
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
pub struct LogFormat {
    dialect: Dialect,
    /// UTC offset of HAProxy dates, which carry none (`--tz`).
    tz_offset_min: i16,
    /// How many variables are kept in `Record::extras`.
    extras: u8,
    /// The part of a layout after the `combined` fields (see [`LogFormat::compile_suffix`]).
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
}

impl LogFormat {
    /// Compiles a definition as nginx's `log_format` writes it (the quoted strings of a
    /// configuration already joined): `$name` or `${name}` variables and literal text.
    pub fn compile(definition: &str) -> Result<LogFormat, FormatError> {
        // A JSON template is written with `escape=json`, which quotes `"` as `\"`.
        Self::compile_nginx(definition, definition.trim_start().starts_with('{'))
    }

    /// [`LogFormat::compile`] for a format whose values nginx escapes as JSON strings
    /// (`log_format name escape=json ...`): a `\"` inside a value does not end it.
    pub fn compile_nginx(definition: &str, escape_json: bool) -> Result<LogFormat, FormatError> {
        let (prefix, fields, text) = nginx_fields(definition, escape_json)?;
        finish(Dialect::Nginx, definition, prefix, fields, text, false)
    }

    /// Compiles an Apache `LogFormat` string: `%h %l %u %t "%r" %>s %b`, as written
    /// inside the configuration's quotes (`\"` is taken as `"`) or the whole
    /// `LogFormat "..." nickname` line.
    pub fn compile_apache(definition: &str) -> Result<LogFormat, FormatError> {
        let def = unquote_apache(definition);
        let b = def.as_bytes();
        let mut prefix = Vec::new();
        let mut fields: Vec<Field> = Vec::new();
        let mut text = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] != b'%' {
                text.push(b[i]);
                i += 1;
                continue;
            }
            let start = i;
            i += 1;
            // Modifiers: `<` / `>` (original or final request), `!` and status lists
            // (conditions that make Apache log `-`).
            while i < b.len() && matches!(b[i], b'<' | b'>' | b'!' | b',' | b'0'..=b'9') {
                i += 1;
            }
            let arg = if b.get(i) == Some(&b'{') {
                let close = b[i..]
                    .iter()
                    .position(|&c| c == b'}')
                    .ok_or(FormatError::Unclosed(i))?;
                let a = &def[i + 1..i + close];
                i += close + 1;
                Some(a)
            } else {
                None
            };
            let Some(&d) = b.get(i) else {
                return Err(FormatError::Dangling);
            };
            i += 1;
            if d == b'%' {
                text.push(b'%');
                continue;
            }
            // Bytes, not a str slice: `d` may be the first byte of a multi-byte character.
            let directive_owned = String::from_utf8_lossy(&b[start..i]).into_owned();
            let directive = directive_owned.as_str();
            if d == b't' {
                match arg {
                    // `%t` is `[time_local]`: its brackets are literal text.
                    None => {
                        text.push(b'[');
                        push_field(
                            &mut prefix,
                            &mut fields,
                            &mut text,
                            "time",
                            Var::TimeLocal,
                            false,
                        )?;
                        text.push(b']');
                        continue;
                    }
                    Some(a) => {
                        let a = a.trim_start_matches("begin:").trim_start_matches("end:");
                        let var = match a {
                            "%d/%b/%Y:%H:%M:%S %z" => Var::TimeLocal,
                            "sec" => Var::Epoch(Unit::Seconds),
                            "msec" => Var::Epoch(Unit::Millis),
                            "usec" => Var::Epoch(Unit::Micros),
                            "%Y-%m-%dT%H:%M:%S%z" => {
                                return Err(FormatError::Unsupported(format!(
                                    "{directive} (use %{{%d/%b/%Y:%H:%M:%S %z}}t, sec, msec or usec)"
                                )));
                            }
                            _ => return Err(FormatError::Unsupported(directive.to_string())),
                        };
                        push_field(&mut prefix, &mut fields, &mut text, directive, var, false)?;
                        continue;
                    }
                }
            }
            let var = match (d, arg) {
                (b'h' | b'a', _) => Var::RemoteAddr,
                (b'u', _) => Var::RemoteUser,
                (b'r', _) => Var::Request,
                (b'm', _) => Var::RequestMethod,
                (b'U', _) => Var::Uri,
                (b's', _) => Var::Status,
                (b'b' | b'B', _) => Var::BodyBytesSent,
                (b'O', _) => Var::BytesSent,
                (b'D', _) => Var::RequestTime(Unit::Micros),
                (b'T', None | Some("s")) => Var::RequestTime(Unit::Seconds),
                (b'T', Some("ms")) => Var::RequestTime(Unit::Millis),
                (b'T', Some("us")) => Var::RequestTime(Unit::Micros),
                (b'i', Some(h)) if h.eq_ignore_ascii_case("referer") => Var::HttpReferer,
                (b'i', Some(h)) if h.eq_ignore_ascii_case("user-agent") => Var::HttpUserAgent,
                (b'i', Some(h)) if h.eq_ignore_ascii_case("host") => Var::Host,
                (b'i', Some(h)) if h.eq_ignore_ascii_case("x-forwarded-for") => Var::XForwardedFor,
                (b'x' | b'e', Some(v)) if v.eq_ignore_ascii_case("ssl_protocol") => {
                    Var::SslProtocol
                }
                (b'x' | b'e', Some(v)) if v.eq_ignore_ascii_case("ssl_cipher") => Var::SslCipher,
                (b'H', _) => Var::ServerProtocol,
                (b'q', _) => Var::Args,
                (b'I', _) => Var::RequestLength,
                (b'v' | b'V', _) => Var::Host,
                (b'p', None | Some("canonical") | Some("local")) => Var::ServerPort,
                (
                    b'l' | b'p' | b'i' | b'o' | b'e' | b'x' | b'n' | b'C' | b'k' | b'X' | b'P'
                    | b'L' | b'R' | b'f' | b'A' | b'c',
                    _,
                ) => Var::Text,
                _ => return Err(FormatError::Unsupported(directive.to_string())),
            };
            push_field(&mut prefix, &mut fields, &mut text, directive, var, true)?;
        }
        finish(Dialect::Apache, &def, prefix, fields, text, false)
    }

    /// Compiles a definition in either syntax: Apache when it holds `%` directives and
    /// no `$variable`, nginx otherwise.
    pub fn compile_any(definition: &str) -> Result<LogFormat, FormatError> {
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

    /// The fields after `combined`'s in a definition that starts with them, compiled on
    /// their own: the hand-written combined parser reads the first part. `None` when the
    /// definition does not start with `combined`'s fields or adds nothing after them.
    pub fn compile_suffix(definition: &str) -> Option<LogFormat> {
        let rest = definition.strip_prefix(crate::Layout::NginxCombined.definition())?;
        // The next text must be literal: `$remote_addr ... "$http_user_agent"$x` would
        // glue a variable to the closing quote.
        if rest.is_empty() || rest.starts_with('$') {
            return None;
        }
        let (prefix, fields, text) = nginx_fields(rest, false).ok()?;
        finish(Dialect::Nginx, definition, prefix, fields, text, true).ok()
    }

    /// Sets the UTC offset of HAProxy dates (which carry none).
    pub fn set_tz(&mut self, tz_offset_min: i16) {
        self.tz_offset_min = tz_offset_min;
    }

    /// Sets the time a year-less syslog date is placed before (now, unless set).
    pub fn set_now(&mut self, now_us: i64) {
        self.now_us = now_us;
    }

    /// Compiles an HAProxy `log-format` string: `%ci:%cp [%tr] %ft %b/%s
    /// %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r`.
    /// `%{+Q}` fields are quoted in the log; `%[fetch]` and unknown variables are kept by
    /// name. Lines may carry any syslog header, as HAProxy's own layouts.
    pub fn compile_haproxy(definition: &str) -> Result<LogFormat, FormatError> {
        let b = definition.trim().as_bytes();
        let def = String::from_utf8_lossy(b).into_owned();
        let mut prefix = Vec::new();
        let mut fields: Vec<Field> = Vec::new();
        let mut text = Vec::new();
        // Flags `%{+Q}o` sets for the variables after it.
        let mut defaults = HaFlags::default();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                // `\ ` is an escaped space, `\"` a quote.
                b'\\' if i + 1 < b.len() => {
                    text.push(b[i + 1]);
                    i += 2;
                    continue;
                }
                b'%' => {}
                c => {
                    text.push(c);
                    i += 1;
                    continue;
                }
            }
            if b.get(i + 1) == Some(&b'%') {
                text.push(b'%');
                i += 2;
                continue;
            }
            let start = i;
            i += 1;
            let mut flags = defaults;
            if b.get(i) == Some(&b'{') {
                let close = b[i..]
                    .iter()
                    .position(|&c| c == b'}')
                    .ok_or(FormatError::Unclosed(i))?;
                flags = flags.with(&b[i + 1..i + close]);
                i += close + 1;
            }
            let name: Vec<u8> = if b.get(i) == Some(&b'[') {
                let close = b[i..]
                    .iter()
                    .position(|&c| c == b']')
                    .ok_or(FormatError::Unclosed(i))?;
                let n = b[i..=i + close].to_vec();
                i += close + 1;
                n
            } else {
                let len = b[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                let n = b[i..i + len].to_vec();
                i += len;
                n
            };
            if name.is_empty() {
                return Err(FormatError::EmptyName(start));
            }
            // `%o` writes nothing: its flags apply to the variables after it.
            if name == b"o" {
                defaults = flags;
                // Writing nothing, it leaves one separator where two meet.
                while b.get(i) == Some(&b' ') && (text.is_empty() || text.ends_with(b" ")) {
                    i += 1;
                }
                continue;
            }
            let var = match name.as_slice() {
                // `+X` writes an address in hexadecimal (`C0000201`): kept as written.
                b"ci" => Var::RemoteAddr,
                // `+X` writes ports and `%Ts` in hexadecimal.
                b"cp" if flags.hex => Var::Ha(HaField::ClientPortHex),
                b"cp" => Var::Ha(HaField::ClientPort),
                b"t" | b"tr" => Var::HaDate,
                b"trg" | b"trl" | b"T" | b"Tl" => Var::TimeLocal,
                b"Ts" if flags.hex => Var::EpochHex,
                b"Ts" => Var::Epoch(Unit::Seconds),
                b"ft" | b"f" => Var::Ha(HaField::Frontend),
                b"b" => Var::Ha(HaField::Backend),
                b"s" => Var::Ha(HaField::Server),
                b"TR" | b"Tq" => Var::Ha(HaField::TReq),
                b"Tw" => Var::Ha(HaField::Tw),
                b"Tc" => Var::Ha(HaField::Tc),
                b"Tr" => Var::Ha(HaField::TResp),
                b"Ta" | b"Tt" => Var::Ha(HaField::Ta),
                b"ST" => Var::Status,
                b"B" => Var::BodyBytesSent,
                b"U" => Var::RequestLength,
                b"tsc" | b"ts" => Var::Ha(HaField::TermState),
                b"ac" => Var::Ha(HaField::Actconn),
                b"fc" => Var::Ha(HaField::Feconn),
                b"bc" => Var::Ha(HaField::Beconn),
                b"sc" => Var::Ha(HaField::SrvConn),
                b"rc" => Var::Ha(HaField::Retries),
                b"sq" => Var::Ha(HaField::SrvQueue),
                b"bq" => Var::Ha(HaField::BackendQueue),
                b"hr" | b"hrl" => Var::Ha(HaField::RequestHeaders),
                b"hs" | b"hsl" => Var::Ha(HaField::ResponseHeaders),
                b"r" => Var::Request,
                b"HM" => Var::RequestMethod,
                b"HU" => Var::RequestUri,
                b"HP" => Var::Uri,
                b"HQ" => Var::Args,
                b"HV" => Var::ServerProtocol,
                b"H" => Var::Host,
                _ => Var::Text,
            };
            let name = format!("%{}", String::from_utf8_lossy(&name));
            // A capture block writes its own quotes, and nothing at all (no quotes) when
            // no capture is declared: its field reads them (see `End::Brace`).
            let capture = matches!(
                var,
                Var::Ha(HaField::RequestHeaders | HaField::ResponseHeaders)
            );
            let quoted = flags.quote && !capture;
            if quoted {
                text.push(b'"');
            }
            // `+E` escapes `"` (and `\`) with a backslash: such a quote does not end it.
            push_field(&mut prefix, &mut fields, &mut text, &name, var, flags.esc)?;
            if quoted {
                text.push(b'"');
            }
        }
        // The separator before capture blocks that end the layout is written, the
        // blocks may write nothing: the line ends after that separator, or without it
        // where a writer trimmed the line. The blocks read their leading spaces.
        if text.is_empty()
            && let Some(k) = fields.iter().rposition(|f| {
                !matches!(
                    f.var,
                    Var::Ha(HaField::RequestHeaders | HaField::ResponseHeaders)
                )
            })
            && k + 1 < fields.len()
        {
            let then = &mut fields[k].then;
            let kept = then.len() - then.iter().rev().take_while(|&&c| c == b' ').count();
            if kept > 0 {
                then.truncate(kept);
            }
        }
        let mut f = finish(Dialect::Haproxy, &def, prefix, fields, text, false)?;
        // The request (`%r`) may hold the closing quote's neighbours: a cut request is
        // kept by HAProxy's own parser, here it must end where the layout says.
        f.json_escape = false;
        Ok(f)
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

    /// [`LogFormat::values`] over `fields` (the definition's, or the parser's).
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

    /// The number of steps a line is read in (as [`LogFormat::progress`] counts them):
    /// the variables, a run of HAProxy numbers counting once.
    pub fn len(&self) -> usize {
        self.parse_fields.len()
    }

    /// Always false: a compiled format has at least one field.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The less common variables of [`LogFormat::parse_counting`]; returns whether the
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
            // Ports and connection numbers are informative: a stray value is dropped.
            Var::ServerPort => rec.server_port = parse_u64(v).and_then(|p| u16::try_from(p).ok()),
            Var::Connection => rec.connection = parse_u64(v),
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

    /// [`LogFormat::parse_counting`] for an HAProxy layout: after a syslog header, with
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
        let tz = self.tz_offset_min;
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
                if crate::haproxy::HaproxyParser::new(tz).parse(full_line)
                    == Err(ParseError::NotAccess)
                {
                    return Err(ParseError::NotAccess);
                }
                return Err(e);
            }
        };
        if !self.has_time_field
            && let Some((us, off)) = crate::syslog::syslog_time(full_line, tz, self.now_us)
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
        let tz = self.tz_offset_min;
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
                rec.ts_us = parse_haproxy_date(cache, v, tz).ok_or(ParseError::BadTime)?;
                rec.utc_offset_min = tz;
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

/// Where [`LogFormat::walk`] puts HAProxy's fields: [`crate::record::HaproxyFields`], or
/// nothing for layouts that have none (their walk never meets an HAProxy field).
trait HaSink<'a> {
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
enum NumberRun {
    /// `%TR/%Tw/%Tc/%Tr/%Ta`.
    Timers,
    /// `%ac/%fc/%bc/%sc/%rc`.
    Conns,
    /// `%sq/%bq`.
    Queues,
    Other,
}

impl NumberRun {
    fn of(members: &[HaField]) -> NumberRun {
        use HaField::*;
        match members {
            [TReq, Tw, Tc, TResp, Ta] => NumberRun::Timers,
            [Actconn, Feconn, Beconn, SrvConn, Retries] => NumberRun::Conns,
            [SrvQueue, BackendQueue] => NumberRun::Queues,
            _ => NumberRun::Other,
        }
    }
}

/// A definition before [`finish`]: its literal prefix, fields and closing text.
type Parts = (Vec<u8>, Vec<Field>, Vec<u8>);

/// An nginx definition's literal prefix, fields (`$name` or `${name}`) and closing text.
fn nginx_fields(definition: &str, escape_json: bool) -> Result<Parts, FormatError> {
    let b = definition.as_bytes();
    let mut prefix = Vec::new();
    let mut fields: Vec<Field> = Vec::new();
    let mut text = Vec::new();
    let mut i = 0;
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
        let var = Var::from_name(name);
        push_field(&mut prefix, &mut fields, &mut text, name, var, escape_json)?;
        i = next;
    }
    Ok((prefix, fields, text))
}

/// Appends a field, giving the text collected since the previous one to that field (or
/// to the prefix when it is the first).
fn push_field(
    prefix: &mut Vec<u8>,
    fields: &mut Vec<Field>,
    text: &mut Vec<u8>,
    name: &str,
    var: Var,
    escaped: bool,
) -> Result<(), FormatError> {
    match fields.last_mut() {
        None => *prefix = std::mem::take(text),
        Some(prev) => {
            if text.is_empty() {
                return Err(FormatError::Adjacent(name.to_string(), prev.name.clone()));
            }
            prev.then = std::mem::take(text);
        }
    }
    fields.push(Field {
        name: name.to_string(),
        list: Var::is_list(name),
        var,
        then: Vec::new(),
        escaped,
        end: End::Text,
        extra: None,
        then_word: None,
        members: Vec::new(),
        sep: 0,
        run: NumberRun::Other,
    });
    Ok(())
}

/// Gives the closing text to the last field and checks the definition can place requests
/// in time.
fn finish(
    dialect: Dialect,
    definition: &str,
    prefix: Vec<u8>,
    mut fields: Vec<Field>,
    text: Vec<u8>,
    after_combined: bool,
) -> Result<LogFormat, FormatError> {
    match fields.last_mut() {
        None => return Err(FormatError::NoVariables),
        Some(last) => last.then = text,
    }
    // Choices between variables, made once: $request_uri (with the query) over $uri,
    // $body_bytes_sent over $bytes_sent for the request's bytes.
    let has_request_uri = fields.iter().any(|f| f.var == Var::RequestUri);
    // After combined's fields, $body_bytes_sent was among them.
    let has_body_bytes = after_combined || fields.iter().any(|f| f.var == Var::BodyBytesSent);
    for f in fields.iter_mut() {
        if f.var == Var::Uri && has_request_uri {
            f.var = Var::Text;
        }
        if f.var == Var::BytesSent && !has_body_bytes {
            f.var = Var::BytesSentAsBody;
        }
    }
    let mut extras = 0u8;
    for f in fields.iter_mut() {
        if f.var == Var::Text && (extras as usize) < crate::record::MAX_EXTRAS {
            f.extra = Some(extras);
            extras += 1;
        }
    }
    for f in fields.iter_mut() {
        if (1..=8).contains(&f.then.len()) {
            let mut w = [0u8; 8];
            w[..f.then.len()].copy_from_slice(&f.then);
            f.then_word = Some((u64::from_le_bytes(w), u64::MAX >> (8 * (8 - f.then.len()))));
        }
    }
    assign_ends(&mut fields);
    let mut parse_fields = fuse_ha_numbers(&fields);
    assign_ends(&mut parse_fields);
    if dialect == Dialect::Nginx && !fields.iter().any(|f| f.escaped) {
        last_quote_end(&mut parse_fields);
    }
    let has_time_field = fields.iter().any(|f| {
        matches!(
            f.var,
            Var::TimeLocal | Var::TimeIso8601 | Var::Epoch(_) | Var::HaDate
        )
    });
    // HAProxy lines have a syslog header, whose time serves when the layout has none; the
    // part after combined's fields has its time in that first part.
    if !has_time_field && dialect != Dialect::Haproxy && !after_combined {
        return Err(FormatError::NoTime);
    }
    let now_us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    Ok(LogFormat {
        suffix: after_combined,
        extras,
        has_time_field,
        now_us,
        tz_offset_min: 0,
        json_escape: dialect == Dialect::Nginx && fields.iter().any(|f| f.escaped),
        ha_backslash: dialect == Dialect::Haproxy && fields.iter().any(|f| f.escaped),
        has_ha_fields: fields.iter().any(|f| matches!(f.var, Var::Ha(_))),
        dialect,
        definition: definition.to_string(),
        prefix,
        fields,
        parse_fields,
    })
}

/// [`End::LastQuote`] for the field whose closing text holds the definition's last `"`
/// (only for nginx's default escaping, where no value holds a `"`).
fn last_quote_end(fields: &mut [Field]) {
    let quotes = |t: &[u8]| t.iter().filter(|&&b| b == b'"').count();
    let Some(k) = fields.iter().rposition(|f| quotes(&f.then) > 0) else {
        return;
    };
    let f = &mut fields[k];
    // The value's own end, not one found by a search through a list or from a fixed
    // length, and not the last field (whose end is already the line's).
    if f.then.first() == Some(&b'"')
        && quotes(&f.then) == 1
        && matches!(f.end, End::Byte(_) | End::Word { .. })
    {
        f.end = End::LastQuote;
    }
}

/// How each field's value ends (see [`End`]), from its closing text and the next field.
fn assign_ends(fields: &mut [Field]) {
    let n = fields.len();
    for k in 0..n {
        let next = fields.get(k + 1);
        // `ADDR:PORT` where the address may be IPv6 (`2001:db8::1:443`, `[::1]:443`): the
        // port follows the last colon before the text after it.
        let host_port = next.is_some_and(|g| {
            fields[k].then == b":" && g.is_port() && g.then.first() != Some(&b':')
        });
        // A value before `[$time_local]` (a user name may hold a space or a `[`) ends
        // where a time of the fixed length closes.
        let before_time = next.is_some_and(|g| g.var == Var::TimeLocal && k + 2 < n);
        let f = &mut fields[k];
        f.end = if matches!(
            f.var,
            Var::Ha(HaField::RequestHeaders | HaField::ResponseHeaders)
        ) {
            End::Brace
        } else if k + 1 == n {
            End::Last
        } else if f.var == Var::TimeLocal {
            End::Fixed(TIME_LOCAL_LEN)
        } else if host_port {
            End::HostPort
        } else if before_time && !f.then.is_empty() && !f.list && !f.then.contains(&b'"') {
            End::BeforeTime
        } else if f.then.len() == 1 && !f.list && !f.escaped {
            End::Byte(f.then[0])
        } else if let (2..=8, Some((word, mask)), false, false) =
            (f.then.len(), f.then_word, f.list, f.escaped)
        {
            End::Word {
                first: f.then[0],
                word,
                mask,
            }
        } else {
            End::Text
        };
    }
}

/// HAProxy's numeric fields (timers, counts, queues).
fn is_ha_number(f: &Field) -> bool {
    use HaField::*;
    matches!(
        f.var,
        Var::Ha(
            TReq | Tw
                | Tc
                | TResp
                | Ta
                | Actconn
                | Feconn
                | Beconn
                | SrvConn
                | Retries
                | SrvQueue
                | BackendQueue
        )
    )
}

/// `fields` with each run of two or more HAProxy numbers joined by the same one-byte
/// literal (`%TR/%Tw/%Tc/%Tr/%Ta`) made one [`Var::HaNumbers`] field, which the parser
/// reads with one search for the run's end instead of one per number.
fn fuse_ha_numbers(fields: &[Field]) -> Vec<Field> {
    let mut out = Vec::with_capacity(fields.len());
    let mut k = 0;
    while k < fields.len() {
        let f = &fields[k];
        let mut j = k;
        if is_ha_number(f) && f.then.len() == 1 {
            let sep = f.then[0];
            while j + 1 < fields.len() && fields[j].then == [sep] && is_ha_number(&fields[j + 1]) {
                j += 1;
            }
            // The run's end is found by its last closing text, which must not start with
            // the separator.
            while j > k && fields[j].then.first() == Some(&sep) {
                j -= 1;
            }
            if j > k {
                let last = &fields[j];
                let members: Vec<HaField> = fields[k..=j]
                    .iter()
                    .filter_map(|f| match f.var {
                        Var::Ha(h) => Some(h),
                        _ => None,
                    })
                    .collect();
                out.push(Field {
                    name: fields[k..=j]
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(&char::from(sep).to_string()),
                    var: Var::HaNumbers,
                    then: last.then.clone(),
                    then_word: last.then_word,
                    list: false,
                    escaped: false,
                    end: End::Text,
                    extra: None,
                    members: members.clone(),
                    sep,
                    run: NumberRun::of(&members),
                });
                k = j + 1;
                continue;
            }
        }
        out.push(f.clone());
        k += 1;
    }
    out
}

/// The format string of `LogFormat "..." name`, of a quoted `"..."` or a bare string,
/// with the configuration's `\"`, `\\` and `\t` escapes undone (a log format has no
/// use for a literal backslash before a quote).
fn unquote_apache(def: &str) -> String {
    let t = def.trim();
    let t = t.strip_prefix("LogFormat").map_or(t, str::trim_start);
    let inner = match t.strip_prefix('"') {
        // Up to the last quote: a nickname may follow it.
        Some(rest) => match rest.rfind('"') {
            Some(end) => &rest[..end],
            None => rest,
        },
        // The bare string, perhaps still with the configuration's escapes.
        None => def,
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('t') => out.push('\t'),
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.definition)
    }
}

/// Walks a line field by field (see [`LogFormat::values`]).
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

/// One HAProxy field of a custom layout into `h`. Timers are milliseconds, `-1` absent;
/// counts and timers may carry a `+`.
#[inline(always)]
fn fill_haproxy<'a>(
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
fn plain_numbers<const N: usize>(v: &[u8], sep: u8) -> Option<[u64; N]> {
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
fn has_prefix(hay: &[u8], lit: &[u8]) -> bool {
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
fn word_eq(w: &[u8], word: u64, mask: u64) -> bool {
    let mut b = [0u8; 8];
    b.copy_from_slice(w);
    u64::from_le_bytes(b) & mask == word
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
        // Every text preset is a valid definition.
        for l in crate::Layout::ALL.into_iter().filter(|l| l.is_log_format()) {
            LogFormat::compile_any(l.definition()).unwrap();
        }
    }

    #[test]
    fn last_quote_found_from_the_end() {
        let def = "[$time_local] \"$request\" \"$http_user_agent\" $request_time $host";
        let ends: Vec<End> = LogFormat::compile(def)
            .unwrap()
            .parse_fields
            .iter()
            .map(|f| f.end)
            .collect();
        assert_eq!(ends[2], End::LastQuote, "{ends:?}");
        // nginx's escaped quote and `" ` inside the user agent do not end it.
        let r = parse(
            def,
            "[21/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" \"a\\x22 b\\x22 \" 0.020 shop",
        )
        .unwrap();
        assert_eq!(r.user_agent, b"a\\x22 b\\x22 ");
        assert_eq!((r.request_time_us, r.host), (Some(20_000), &b"shop"[..]));
        // A stray quote after the user agent: the line does not fit, nothing is misread.
        assert_eq!(
            parse(
                def,
                "[21/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" \"ua\" 0.020 sh\"op"
            )
            .map(|r| r.user_agent),
            Err(ParseError::Layout)
        );
        // A quote in a later literal, or JSON escaping (values hold `\"`): searched
        // forward as before.
        for def in [
            "[$time_local] \"$http_user_agent\" \"$host\" $request_time",
            "[$time_local] \"$http_user_agent\" $request_time",
        ] {
            let json = def.ends_with("$request_time");
            let f = LogFormat::compile_nginx(def, json).unwrap();
            assert!(
                f.parse_fields.iter().all(|f| f.end != End::LastQuote),
                "{def}"
            );
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
    fn apache_log_formats() {
        // As pasted from httpd.conf: the directive, the escaped quotes, the nickname.
        let f = LogFormat::compile_any(
            r#"LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D" timed"#,
        )
        .unwrap();
        assert_eq!(f.dialect(), Dialect::Apache);
        assert_eq!(
            f.names().collect::<Vec<_>>(),
            [
                "%h",
                "%l",
                "%u",
                "time",
                "%r",
                "%>s",
                "%b",
                "%{Referer}i",
                "%{User-Agent}i",
                "%D"
            ]
        );
        let line = r#"10.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /a\"b?c HTTP/1.1" 200 - "-" "UA \"x\" y" 1500"#;
        let mut rec = Record::default();
        f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
            .unwrap();
        // 13:55:36 -0700 is 20:55:36Z = 971211336 (date -d).
        assert_eq!((rec.ts_us, rec.utc_offset_min), (971_211_336_000_000, -420));
        assert_eq!(rec.request, br#"GET /a\"b?c HTTP/1.1"#);
        assert_eq!(rec.user_agent, br#"UA \"x\" y"#);
        assert_eq!(
            (rec.status, rec.bytes_sent, rec.request_time_us),
            (200, None, Some(1500))
        );
        // Units of %T, epoch times, conditions and `%%`.
        for (def, line, want) in [
            (
                "%{sec}t %{ms}T",
                "971211336 250",
                (971_211_336_000_000, Some(250_000)),
            ),
            (
                "%{msec}t %T",
                "971211336250 2",
                (971_211_336_250_000, Some(2_000_000)),
            ),
            (
                "%{usec}t %!200,304{us}T%%",
                "971211336250001 7%",
                (971_211_336_250_001, Some(7)),
            ),
        ] {
            let f = LogFormat::compile_apache(def).unwrap();
            let mut rec = Record::default();
            f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
                .unwrap();
            assert_eq!((rec.ts_us, rec.request_time_us), want, "{def}");
        }
        assert_eq!(
            LogFormat::compile_apache("%t %Z").unwrap_err(),
            FormatError::Unsupported("%Z".into())
        );
        assert_eq!(
            LogFormat::compile_apache("%t %").unwrap_err(),
            FormatError::Dangling
        );
        assert_eq!(
            LogFormat::compile_apache("%h %b").unwrap_err(),
            FormatError::NoTime
        );
        // A multi-byte character after `%` is an unsupported directive, not a panic.
        assert!(LogFormat::compile_apache("%t %é").is_err());
    }

    #[test]
    fn no_definition_panics() {
        // Random definitions from the characters that matter to both syntaxes.
        let alphabet = "%${}<>!,0123456789 \"\\tTbshrxiéLogFormat_";
        let chars: Vec<char> = alphabet.chars().collect();
        let mut state = 0x1234_5678_9abc_def1u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 24) as usize;
            let def: String = (0..len)
                .map(|k| chars[((state >> (k % 50)) as usize + k * 7) % chars.len()])
                .collect();
            if let Ok(f) = LogFormat::compile_any(&def) {
                let mut rec = Record::default();
                let _ = f.parse_into(&mut TimeLocalCache::default(), def.as_bytes(), &mut rec);
            }
        }
    }

    #[test]
    fn typed_variables() {
        // ingress upstreaminfo with two attempts (beats' test.log, line 23).
        let line = "192.168.64.14 - - [07/Feb/2020:12:02:42 +0000] \"GET /v2/some HTTP/1.1\" 200 61 \"-\" \"Mozilla/5.0\" 348 0.001 [default-web2-8080] [] 172.17.0.6:8080, 172.17.0.7:8080 61, 100 0.100, 0.004 200, 203 835136ae24486dbb4156dcbe21f5d402";
        let def = crate::Layout::IngressUpstreaminfo.definition();
        let r = parse(def, line).unwrap();
        assert_eq!(r.request_length, Some(348));
        assert_eq!(r.upstream_addr, b"172.17.0.6:8080, 172.17.0.7:8080");
        assert_eq!(r.upstream_response_length, b"61, 100");
        assert_eq!(r.upstream_status, b"200, 203");
        // The variables axlog has no field for are kept by name, in order.
        let compiled = LogFormat::compile(def).unwrap();
        let names: Vec<&str> = compiled.extra_names().collect();
        assert_eq!(
            names,
            [
                "proxy_upstream_name",
                "proxy_alternative_upstream_name",
                "req_id"
            ]
        );
        let extras: &[&[u8]] = &r.extras[..r.extras_len as usize];
        assert_eq!(
            extras,
            [
                &b"default-web2-8080"[..],
                b"",
                b"835136ae24486dbb4156dcbe21f5d402"
            ]
        );
        assert_eq!(
            (r.upstream_time_us, r.upstream_times_raw),
            (Some(104_000), &b"0.100, 0.004"[..])
        );
        // The other variables the issue lists.
        let def = "$time_local|$host|$server_port|$scheme|$server_protocol|$args|$bytes_sent|$upstream_connect_time|$upstream_header_time|$upstream_cache_status|$ssl_protocol|$ssl_cipher|$connection|$http_x_forwarded_for|$pipe";
        let r = parse(def, "21/Nov/2026:10:00:01 +0000|shop.example|443|https|HTTP/2.0|a=1|5120|0.002 : 0.001|0.010|HIT|TLSv1.3|TLS_AES_128_GCM_SHA256|7781|10.1.1.1, 10.2.2.2|p").unwrap();
        // $pipe is not typed: it is kept by name.
        let f = LogFormat::compile(def).unwrap();
        assert_eq!(f.extra_names().collect::<Vec<_>>(), ["pipe"]);
        assert_eq!(&r.extras[..r.extras_len as usize], [&b"p"[..]]);
        assert_eq!(
            (r.host, r.server_port, r.scheme),
            (&b"shop.example"[..], Some(443), &b"https"[..])
        );
        assert_eq!((r.protocol, r.query), (&b"HTTP/2.0"[..], &b"a=1"[..]));
        // Only $bytes_sent: it is the response size, and the bytes the report counts.
        assert_eq!((r.response_bytes, r.bytes_sent), (Some(5120), Some(5120)));
        assert_eq!(
            (r.upstream_connect_us, r.upstream_header_us),
            (Some(3000), Some(10_000))
        );
        assert_eq!(
            (r.cache_status, r.tls_protocol),
            (&b"HIT"[..], &b"TLSv1.3"[..])
        );
        assert_eq!(
            (r.tls_cipher, r.connection),
            (&b"TLS_AES_128_GCM_SHA256"[..], Some(7781))
        );
        assert_eq!(r.x_forwarded_for, b"10.1.1.1, 10.2.2.2");
        // Apache's counterparts.
        let f =
            LogFormat::compile_apache(r#"%v:%p %t "%r" %H %q %I %O %b %{SSL_PROTOCOL}x %{Host}i"#)
                .unwrap();
        let mut r = Record::default();
        f.parse_into(&mut TimeLocalCache::default(), br#"www:8443 [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" HTTP/1.1 ?x=1 420 900 512 TLSv1.2 www.example"#, &mut r).unwrap();
        assert_eq!(
            (r.server_port, r.protocol, r.query),
            (Some(8443), &b"HTTP/1.1"[..], &b"?x=1"[..])
        );
        assert_eq!(
            (r.request_length, r.response_bytes, r.bytes_sent),
            (Some(420), Some(900), Some(512))
        );
        // %v and then %{Host}i: the last one written wins.
        assert_eq!(
            (r.tls_protocol, r.host),
            (&b"TLSv1.2"[..], &b"www.example"[..])
        );
    }

    #[test]
    fn haproxy_log_formats() {
        // A custom layout behind an RFC 3164 header: SNI fetch, quoted request, captures.
        let def = r#"%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %[ssl_fc_sni] %hr %hs %{+Q}r"#;
        let f = LogFormat::compile_any(def).unwrap();
        assert_eq!(f.dialect(), Dialect::Haproxy);
        let line = "Nov 21 10:00:01 lb1 haproxy[7]: 10.0.0.1:5555 [21/Nov/2026:10:00:01.250] web~ api/srv:1 0/0/1/25/26 200 512 ---- 3/2/1/1/+2 0/0 shop.example {a b|c} {x} \"GET /v1/items?x=1 HTTP/1.1\"";
        let mut rec = Record::default();
        let mut g = f.clone();
        g.set_tz(60);
        g.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
            .unwrap();
        // 10:00:01.250 at +01:00 is 09:00:01.250Z.
        assert_eq!((rec.ts_us, rec.utc_offset_min), (1_795_251_601_250_000, 60));
        assert_eq!(
            (rec.remote_addr, rec.status, rec.bytes_sent),
            (&b"10.0.0.1"[..], 200, Some(512))
        );
        assert_eq!(rec.path(), Some(&b"/v1/items"[..]));
        assert_eq!(
            (rec.request_time_us, rec.upstream_time_us),
            (Some(26_000), Some(25_000))
        );
        let h = rec.haproxy.unwrap();
        assert_eq!((h.syslog_host, h.client_port), (&b"lb1"[..], Some(5555)));
        assert_eq!(
            (h.frontend, h.backend, h.server),
            (&b"web~"[..], &b"api"[..], &b"srv:1"[..])
        );
        assert_eq!((h.tr_us, h.tw_us, h.tc_us), (Some(0), Some(0), Some(1000)));
        assert_eq!((h.retries, h.srv_queue), (Some(2), Some(0)));
        assert_eq!(
            (h.captured_request_headers, h.captured_response_headers),
            (&b"a b|c"[..], &b"x"[..])
        );
        // Without captures HAProxy writes neither block nor its space; -1 timers are
        // absent; status -1 is none.
        let line = "10.0.0.1:5555 [21/Nov/2026:10:00:01.250] web api/<NOSRV> -1/-1/-1/-1/3 -1 0 PR-- 0/0/0/0/0 0/0 - \"<BADREQ>\"";
        let mut rec = Record::default();
        f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
            .unwrap();
        let h = rec.haproxy.unwrap();
        assert_eq!((h.tr_us, h.ta_us, rec.status), (None, Some(3000), 0));
        assert_eq!(h.captured_request_headers, b"");
        // HAProxy's notices are not malformed lines.
        let notice =
            "Nov 21 10:00:01 lb1 haproxy[7]: Server api/srv:1 is DOWN, reason: Layer4 timeout";
        assert_eq!(
            f.parse_into(&mut TimeLocalCache::default(), notice.as_bytes(), &mut rec),
            Err(ParseError::NotAccess)
        );
    }

    /// Parses `line` with the HAProxy `log-format` `def` (raw, no syslog header).
    fn ha(def: &str, line: &'static str) -> Result<Record<'static>, ParseError> {
        let f = LogFormat::compile_haproxy(def).unwrap();
        let mut rec = Record::default();
        f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
            .map(|()| rec)
    }

    /// 04/Apr/2026:04:04:04 UTC in seconds (`date -u -d ... +%s`).
    const APR4: i64 = 1_775_275_444;

    #[test]
    fn haproxy_quoted_captures_empty_or_not() {
        // `%{+Q}hr`/`%{+Q}hs` without captures write nothing, not `""`; with captures
        // `"{...}"`. In the middle of the layout, their separators collapse.
        let def = "%ci [%t] %{+Q}hr %{+Q}hs %ST %{+Q}r";
        for (line, req, resp) in [
            (
                "10.0.0.1 [04/Apr/2026:04:04:04.000] 200 \"GET / HTTP/1.1\"",
                "",
                "",
            ),
            (
                "10.0.0.1 [04/Apr/2026:04:04:04.000] \"{curl/8|a.test}\" \"{x 1}\" 200 \"GET / HTTP/1.1\"",
                "curl/8|a.test",
                "x 1",
            ),
            (
                "10.0.0.1 [04/Apr/2026:04:04:04.000] \"{curl/8}\" 200 \"GET / HTTP/1.1\"",
                "curl/8",
                "",
            ),
        ] {
            let r = ha(def, line).unwrap_or_else(|e| panic!("{e}: {line}"));
            let h = r.haproxy.unwrap();
            assert_eq!(
                (h.captured_request_headers, h.captured_response_headers),
                (req.as_bytes(), resp.as_bytes()),
                "{line}"
            );
            assert_eq!((r.status, r.path()), (200, Some(&b"/"[..])), "{line}");
        }
        // Blocks that end the layout: the separator before them is written (and may be
        // trimmed away), the blocks may be empty.
        let def = "%ci [%t] %ST %{+Q}r %{+Q}hr";
        for (line, req) in [
            (
                "10.0.0.1 [04/Apr/2026:04:04:04.000] 302 \"GET /a HTTP/1.1\" ",
                "",
            ),
            (
                "10.0.0.1 [04/Apr/2026:04:04:04.000] 302 \"GET /a HTTP/1.1\"",
                "",
            ),
            (
                "10.0.0.1 [04/Apr/2026:04:04:04.000] 302 \"GET /a HTTP/1.1\" \"{Mozilla/5.0 (X)}\"",
                "Mozilla/5.0 (X)",
            ),
        ] {
            let r = ha(def, line).unwrap_or_else(|e| panic!("{e}: {line}"));
            assert_eq!(r.request, b"GET /a HTTP/1.1", "{line}");
            assert_eq!(r.haproxy.unwrap().captured_request_headers, req.as_bytes());
        }
        // Unquoted blocks, and the CLF-style lists `%hrl`/`%hsl`, empty.
        let def = "%ci [%t] %hr %hrl %hsl %hs %ST %{+Q}r";
        for line in [
            "10.0.0.1 [04/Apr/2026:04:04:04.000] 404 \"GET /b HTTP/1.1\"",
            "10.0.0.1 [04/Apr/2026:04:04:04.000] {h} {s} 404 \"GET /b HTTP/1.1\"",
        ] {
            let r = ha(def, line).unwrap_or_else(|e| panic!("{e}: {line}"));
            assert_eq!(r.status, 404, "{line}");
        }
    }

    #[test]
    fn haproxy_empty_captures_before_a_quoted_field() {
        // No capture declared: the blocks write nothing, their separators collapse, and
        // the next field's opening quote follows the separator before the blocks.
        let stock = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Tt %ST %B %CC %CS %tsc \
                     %ac/%fc/%bc/%sc/%rc %sq/%bq";
        let empty = "10.0.0.1:51234 [06/Feb/2024:09:00:00.123] fe be/s1 0/0/1/5/6 200 12 - - \
                     ---- 1/1/0/0/0 0/0 \"GET /x HTTP/1.1\"";
        for blocks in [
            "%hr %hs",
            "%hr",
            "%hs",
            "%hsl",
            "%hrl %hsl",
            "%{+Q}hr",
            "%{+Q}hr %{+Q}hs",
        ] {
            let def = format!("{stock} {blocks} %{{+Q}}r");
            let r = ha(&def, empty).unwrap_or_else(|e| panic!("{e}: {def}"));
            assert_eq!(r.request, b"GET /x HTTP/1.1", "{def}");
            let parts = r.request_parts().unwrap();
            assert_eq!((parts.method, parts.path()), (&b"GET"[..], &b"/x"[..]));
            assert_eq!((r.status, r.bytes_sent), (200, Some(12)), "{def}");
            // `explain` splits the line the same way.
            let f = LogFormat::compile_haproxy(&def).unwrap();
            let split = f.split(empty.as_bytes()).unwrap();
            assert_eq!(
                split.last(),
                Some(&("%r", &b"GET /x HTTP/1.1"[..])),
                "{def}"
            );
        }
        // Right after the byte count, with literal text after the block.
        let r = ha(
            "%ci [%tr] %B %hr %{+Q}r",
            "10.0.0.1 [06/Feb/2024:09:00:00.123] 12 \"GET /x HTTP/1.1\"",
        )
        .unwrap();
        assert_eq!(r.request, b"GET /x HTTP/1.1");
        let r = ha(
            "%ci [%tr] %B %hr|%ST",
            "10.0.0.1 [06/Feb/2024:09:00:00.123] 12 |200",
        )
        .unwrap();
        assert_eq!(r.status, 200);
        // After text that ends without a separator, the one after the block is written.
        let r = ha(
            "%ci [%tr] x=%hr %ST",
            "10.0.0.1 [06/Feb/2024:09:00:00.123] x= 200",
        )
        .unwrap();
        assert_eq!(r.status, 200);
        // With captures, the blocks are read as before.
        let def = format!("{stock} %hr %hs %{{+Q}}r");
        let full = "10.0.0.1:51234 [06/Feb/2024:09:00:00.123] fe be/s1 0/0/1/5/6 200 12 - - \
                    ---- 1/1/0/0/0 0/0 {a|b} {c} \"GET /x HTTP/1.1\"";
        let r = ha(&def, full).unwrap();
        assert_eq!(r.request, b"GET /x HTTP/1.1");
        let h = r.haproxy.unwrap();
        assert_eq!(
            (h.captured_request_headers, h.captured_response_headers),
            (&b"a|b"[..], &b"c"[..])
        );
        let def = format!("{stock} %{{+Q}}hr %{{+Q}}hs %{{+Q}}r");
        let full = "10.0.0.1:51234 [06/Feb/2024:09:00:00.123] fe be/s1 0/0/1/5/6 200 12 - - \
                    ---- 1/1/0/0/0 0/0 \"{a|b}\" \"GET /x HTTP/1.1\"";
        let r = ha(&def, full).unwrap();
        assert_eq!(r.request, b"GET /x HTTP/1.1");
        assert_eq!(r.haproxy.unwrap().captured_request_headers, b"a|b");
        // A line that lacks the quote the layout writes does not fit.
        let bad = "10.0.0.1 [06/Feb/2024:09:00:00.123] 12 GET /x HTTP/1.1\"";
        assert!(ha("%ci [%tr] %B %hr %{+Q}r", bad).is_err());
    }

    #[test]
    fn haproxy_logasap_plus_signs() {
        // `option logasap`: Tt and the byte count are written before the end, with `+`.
        let def = "%ci [%t] %TR/%Tw/%Tc/%Tr/%Tt %ST %B %U";
        let r = ha(
            def,
            "10.0.0.1 [04/Apr/2026:04:04:04.500] 1/0/2/30/+34 200 +4096 77",
        )
        .unwrap();
        let h = r.haproxy.unwrap();
        assert_eq!(
            (h.tr_us, h.tresp_us, h.ta_us),
            (Some(1000), Some(30_000), Some(34_000))
        );
        assert_eq!(
            (r.request_time_us, r.bytes_sent),
            (Some(34_000), Some(4096))
        );
        assert_eq!(r.request_length, Some(77));
        assert_eq!(r.ts_us, APR4 * 1_000_000 + 500_000);
    }

    #[test]
    fn haproxy_flag_options() {
        // `+X`: client address and port, and `%Ts`, in hexadecimal (192.0.2.70:40001 at
        // 04:04:04Z).
        let r = ha("%{+X}ci:%{+X}cp %{+X}Ts %ST", "C0000246:9C41 69D08DB4 200").unwrap();
        assert_eq!(r.remote_addr, b"C0000246");
        assert_eq!(r.haproxy.unwrap().client_port, Some(40_001));
        assert_eq!(r.ts_us, APR4 * 1_000_000);
        // A hexadecimal time too large for microseconds is a bad time, not an overflow.
        for line in [
            "C0000246:9C41 FFFFFFFFFFFFFFF 200",
            "C0000246:9C41 -FFFFFFFFFFFFFF 200",
        ] {
            assert_eq!(
                ha("%{+X}ci:%{+X}cp %{+X}Ts %ST", line).err(),
                Some(ParseError::BadTime),
                "{line}"
            );
        }
        // Plain, the same numbers in decimal.
        let r = ha("%ci:%cp %Ts %ST", "192.0.2.70:40001 1775275444 200").unwrap();
        assert_eq!(
            (r.haproxy.unwrap().client_port, r.ts_us),
            (Some(40_001), APR4 * 1_000_000)
        );
        // `+E` escapes a `"` inside a quoted value with a backslash: not its end.
        let r = ha(
            "%Ts %ST %{+Q,+E}r %{+Q}ft",
            r#"1775275444 400 "GET /q\"x HTTP/1.1" "fe~""#,
        )
        .unwrap();
        assert_eq!(r.request, br#"GET /q\"x HTTP/1.1"#);
        assert_eq!(r.haproxy.unwrap().frontend, b"fe~");
        // `+Q+E` written without a comma, and `-Q` after `%{+Q}o` (quote everything
        // after it): the status unquoted, the request and frontend quoted.
        for def in [
            "%Ts %{-Q}ST %{+Q+E}r %{+Q}ft",
            "%{+Q}o %{-Q}Ts %{-Q}ST %{+E}r %ft",
        ] {
            let r = ha(def, r#"1775275444 400 "GET /q\"x HTTP/1.1" "fe~""#)
                .unwrap_or_else(|e| panic!("{e}: {def}"));
            assert_eq!(
                (r.status, r.request),
                (400, &br#"GET /q\"x HTTP/1.1"#[..]),
                "{def}"
            );
        }
        // What `+E` escapes is undone where a value is used: the path and method, with
        // HAProxy's `#HH` as well; a record of a layout without `+E` keeps backslashes.
        let r = ha(
            "%Ts %ST %{+Q,+E}r %{+E}[capture.req.hdr(0)]",
            r#"1775275444 400 "GET /q\"x\\y\]#22z HTTP/1.1" a\]b"#,
        )
        .unwrap();
        let parts = r.request_parts().unwrap();
        assert_eq!(&*r.escaping.decode(parts.path()), br#"/q"x\y]"z"#);
        assert_eq!(&*r.escaping.decode(parts.method), b"GET");
        // A `]` closing text after an escaped `]` is not the value's end.
        let r = ha(
            "%Ts [%{+E}[var(txn.x)]] %ST %{+Q}r",
            r#"1775275444 [a\] b] 200 "GET / HTTP/1.1""#,
        )
        .unwrap();
        assert_eq!((r.extras[0], r.status), (&br"a\] b"[..], 200));
        assert_eq!(&*r.escaping.decode(r.extras[0]), b"a] b");
        let r = ha("%Ts %ST %{+Q}r", r#"1775275444 200 "GET /a\\b HTTP/1.1""#).unwrap();
        assert_eq!(&*r.escaping.decode(r.path().unwrap()), br"/a\\b");
        // Quoted text that is empty is `""`: an empty value.
        let r = ha(
            "%Ts %ST %{+Q}CC %{+Q}r",
            r#"1775275444 200 "" "GET / HTTP/1.1""#,
        )
        .unwrap();
        assert_eq!(r.path(), Some(&b"/"[..]));
    }

    /// Runs of HAProxy numbers are read as one value: the same values, and the same
    /// refusals, as one by one.
    #[test]
    fn plain_numbers_or_none() {
        assert_eq!(
            plain_numbers::<5>(b"0/12/3/456/7890", b'/'),
            Some([0, 12, 3, 456, 7890])
        );
        assert_eq!(plain_numbers::<2>(b"0/0", b'/'), Some([0, 0]));
        for odd in [
            &b"0/12/3/456"[..],
            b"0/12/3/456/7/8",
            b"0/-1/3/456/7",
            b"0/+1/3/456/7",
            b"0//3/456/7",
            b"0/1/3/456/",
            b"/0/1/3/456",
            b"0/1/3/4/1234567890123456",
            b"",
        ] {
            assert_eq!(
                plain_numbers::<5>(odd, b'/'),
                None,
                "{}",
                String::from_utf8_lossy(odd)
            );
        }
    }

    #[test]
    fn haproxy_number_runs() {
        let f = LogFormat::compile_haproxy("%ci [%tr] %TR/%Tw/%Tc/%Tr/%Ta %ST %ac/%fc %rc/%ST")
            .unwrap();
        // The definition's variables stay separate for `explain`; the parser takes two runs
        // (`%rc/%ST` is no run: `%ST` is no HAProxy number).
        assert_eq!(f.names().count(), 12);
        assert_eq!(f.len(), 7);
        let run = |timers: &str, conns: &str| {
            let line = format!("1.2.3.4 [21/Nov/2026:10:00:01.250] {timers} 200 {conns} 3/200");
            let mut rec = Record::default();
            f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
                .map(|()| {
                    let h = rec.haproxy.unwrap();
                    (
                        [h.tr_us, h.tw_us, h.tc_us, h.tresp_us, h.ta_us],
                        [h.actconn, h.feconn, h.retries],
                    )
                })
        };
        let ms = |v: u64| Some(v * 1000);
        assert_eq!(
            run("5/-1/+12/130/1500", "7/0"),
            Ok((
                [ms(5), None, ms(12), ms(130), ms(1500)],
                [Some(7), Some(0), Some(3)]
            ))
        );
        assert_eq!(run("5/0/1/2", "7/0"), Err(ParseError::Layout));
        assert_eq!(run("5/0/1/2/3/4", "7/0"), Err(ParseError::Layout));
        assert_eq!(run("5/0/x/2/3", "7/0"), Err(ParseError::BadTiming));
        assert_eq!(run("5/0/1/2/3", "7/0/1"), Err(ParseError::Layout));
        // Where a line stops fitting is named by the run.
        let line = "1.2.3.4 [21/Nov/2026:10:00:01.250] 5/0/x/2/3 200 7/0 3/200";
        assert_eq!(
            f.progress(line.as_bytes()),
            (2, Some(("%TR/%Tw/%Tc/%Tr/%Ta", ParseError::BadTiming)))
        );
    }

    #[test]
    fn haproxy_layout_without_a_date_takes_the_syslog_time() {
        let mut f = LogFormat::compile_haproxy("%ci:%cp %ft %b/%s %ST %B %{+Q}r").unwrap();
        // Read on 2027-01-02T00:00:00Z (1798848000, date -d): December's lines are 2026's.
        f.set_now(1_798_848_000_000_000);
        let time = |line: &str| {
            let mut rec = Record::default();
            f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
                .map(|()| (rec.ts_us, rec.utc_offset_min))
        };
        let msg = "10.0.0.1:5 web api/s1 200 10 \"GET / HTTP/1.1\"";
        // 2026-12-31T23:59:59Z = 1798761599; 2027-01-01T00:00:01Z = 1798761601.
        assert_eq!(
            time(&format!("Dec 31 23:59:59 lb haproxy[1]: {msg}")),
            Ok((1_798_761_599_000_000, 0))
        );
        assert_eq!(
            time(&format!("<134>Jan  1 00:00:01 lb haproxy[1]: {msg}")),
            Ok((1_798_761_601_000_000, 0))
        );
        // ISO 8601 and RFC 5424 headers carry their own year and zone.
        assert_eq!(
            time(&format!("2026-11-21T10:00:01+01:00 lb haproxy[1]: {msg}")),
            Ok((1_795_251_601_000_000, 60))
        );
        assert_eq!(
            time(&format!(
                "<134>1 2026-11-21T09:00:01Z lb haproxy 1 - - {msg}"
            )),
            Ok((1_795_251_601_000_000, 0))
        );
        // No header, no time.
        assert_eq!(time(msg), Err(ParseError::BadTime));
    }

    #[test]
    fn no_line_panics_any_dialect() {
        // A valid line per dialect, then bytes overwritten, inserted or cut, 20k times.
        let cases = [
            (
                "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r",
                "Nov 21 10:00:01 lb haproxy[1]: 10.0.0.1:5 [21/Nov/2026:10:00:01.250] web~ api/s:1 0/0/1/-1/+26 -1 +512 ---- 3/2/1/1/+2 0/0 {a b|c} {x} \"GET /v1 HTTP/1.1\"",
            ),
            (
                r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D %{ms}T"#,
                r#"10.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /a\"b HTTP/1.1" 200 - "-" "UA \"x\"" 1500 2"#,
            ),
            (
                "${msec} $upstream_addr $upstream_response_time \"$request\" $status $http_x_forwarded_for $pipe",
                "1795251601.250 10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80 0.100, 0.004 : - \"GET /a?b HTTP/1.1\" 200 1.1.1.1, 2.2.2.2 p",
            ),
        ];
        let alphabet = b" \"[]{}|-.,:/+%\\0123456789\xff\x00";
        let mut state = 0x0123_4567_89ab_cdefu64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for (def, valid) in cases {
            let f = LogFormat::compile_any(def).unwrap();
            let mut rec = Record::default();
            assert!(
                f.parse_into(&mut TimeLocalCache::default(), valid.as_bytes(), &mut rec)
                    .is_ok(),
                "{def}"
            );
            if f.dialect() == Dialect::Haproxy {
                // `+512`: logasap's unfinished count, read as 512; status -1 is none.
                assert_eq!((rec.bytes_sent, rec.status), (Some(512), 0));
            }
            for _ in 0..20_000 {
                let mut line = valid.as_bytes().to_vec();
                for _ in 0..1 + next() % 4 {
                    let at = (next() as usize) % (line.len() + 1);
                    let c = alphabet[(next() as usize) % alphabet.len()];
                    match next() % 3 {
                        0 if at < line.len() => line[at] = c,
                        1 => line.insert(at, c),
                        _ => line.truncate(at),
                    }
                }
                let mut scratch = Record::default();
                let _ = f.parse_into(&mut TimeLocalCache::default(), &line, &mut scratch);
            }
        }
    }
}
