//! HAProxy `log-format` strings compiled into a [`Definition`]: `%` variables, `%[fetch]`
//! samples and the `%{+Q,+X,+E}` flags.

use super::compile::{finish, push_field};
use super::tokenize::{Token, tokenize};
use super::{Definition, Dialect, Field, FormatError, HaField, Unit, Var};

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

impl Definition {
    /// Compiles an HAProxy `log-format` string: `%ci:%cp [%tr] %ft %b/%s
    /// %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r`.
    /// `%{+Q}` fields are quoted in the log; `%[fetch]` and unknown variables are kept by
    /// name. Lines may carry any syslog header, as HAProxy's own layouts.
    pub fn compile_haproxy(definition: &str) -> Result<Definition, FormatError> {
        let def = definition.trim();
        let mut prefix = Vec::new();
        let mut fields: Vec<Field> = Vec::new();
        let mut text = Vec::new();
        // Flags `%{+Q}o` sets for the variables after it.
        let mut defaults = HaFlags::default();
        // Right after a `%o`: the literal text's leading spaces may go (see below).
        let mut after_o = false;
        for token in tokenize(Dialect::Haproxy, def) {
            let token = token?;
            let (arg, name) = match token {
                Token::Text(mut t) => {
                    // `%o` writes nothing, so it leaves one separator where two meet.
                    if std::mem::take(&mut after_o) && (text.is_empty() || text.ends_with(b" ")) {
                        while let [b' ', rest @ ..] = t {
                            t = rest;
                        }
                    }
                    text.extend_from_slice(t);
                    continue;
                }
                Token::Escaped(c) => {
                    after_o = false;
                    text.push(c);
                    continue;
                }
                Token::Var { arg, name, .. } => (arg, name),
            };
            after_o = false;
            let flags = arg.map_or(defaults, |a| defaults.with(a.as_bytes()));
            // `%o` writes nothing: its flags apply to the variables after it.
            if name == b"o" {
                defaults = flags;
                after_o = true;
                continue;
            }
            let var = match name {
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
            let name = format!("%{}", String::from_utf8_lossy(name));
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
        let mut f = finish(Dialect::Haproxy, def, prefix, fields, text, false)?;
        // The request (`%r`) may hold the closing quote's neighbours: a cut request is
        // kept by HAProxy's own parser, here it must end where the layout says.
        f.json_escape = false;
        Ok(f)
    }
}
