//! HAProxy `log-format` strings compiled into a [`LogFormat`]: `%` variables, `%[fetch]`
//! samples and the `%{+Q,+X,+E}` flags.

use super::compile::{finish, push_field};
use super::{Dialect, Field, FormatError, HaField, LogFormat, Unit, Var};

/// HAProxy's `option httplog` as a `log-format` string (HAProxy's documentation).
pub const HAPROXY_HTTPLOG: &str = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r";
/// HAProxy's `option tcplog` as a `log-format` string.
pub const HAPROXY_TCPLOG: &str =
    "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq";

/// HAProxy's variable flags: `+Q` quotes, `+X` writes numbers in hexadecimal, `+E`
/// escapes with a backslash; `-F` clears a flag.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct HaFlags {
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

impl LogFormat {
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
}
