//! Apache `LogFormat` strings compiled into a [`Definition`]: `%` directives, their
//! `{...}` arguments and modifiers, and the configuration's quoting.

use super::compile::{finish, push_field};
use super::tokenize::{Token, tokenize};
use super::{Definition, Dialect, Field, FormatError, Unit, Var};

impl Definition {
    /// Compiles an Apache `LogFormat` string: `%h %l %u %t "%r" %>s %b`, as written
    /// inside the configuration's quotes (`\"` is taken as `"`) or the whole
    /// `LogFormat "..." nickname` line.
    pub fn compile_apache(definition: &str) -> Result<Definition, FormatError> {
        let def = unquote_apache(definition);
        let mut prefix = Vec::new();
        let mut fields: Vec<Field> = Vec::new();
        let mut text = Vec::new();
        for token in tokenize(Dialect::Apache, &def) {
            let token = token?;
            let (spec, arg, d) = match token {
                Token::Text(t) => {
                    text.extend_from_slice(t);
                    continue;
                }
                Token::Escaped(c) => {
                    text.push(c);
                    continue;
                }
                Token::Var {
                    spec, arg, name, ..
                } => (spec, arg, name.first().copied().unwrap_or(0)),
            };
            // Bytes, not a str slice: `d` may be the first byte of a multi-byte character.
            let directive_owned = String::from_utf8_lossy(spec).into_owned();
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
