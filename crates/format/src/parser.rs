//! [`LineParser`]: the compiled parser of one layout, and which parser reads each
//! [`Preset`] and [`Format`]. A line goes through one match on the parser's kind to the
//! layout's own parser; the server's diagnostics between access lines become
//! [`ParseError::NotAccess`] here, for every layout.
//!
//! A parser that switches layouts where the input does (`switching.rs`) holds
//! `LineParser`s and runs detection, which uses `LineParser`s too: it is not one of them
//! but wraps them ([`crate::InputParser`]), so modules depend on each other one way.

use crate::error::ParseError;
use crate::fields::{Field, Fields};
use crate::format::Format;
use crate::logformat::{HAPROXY_HTTPLOG, HAPROXY_TCPLOG};
use crate::parse::Parse;
use crate::preset::Preset;
use crate::record::Record;
use crate::zone::Zone;
use crate::{haproxy, json, logformat, nginx, servermsg, syslog, time, traefik};

impl Preset {
    /// The parser that reads the preset's lines.
    pub fn parser(self) -> LineParser {
        match self {
            Preset::NginxCombined => LineParser::Nginx(nginx::NginxParser::combined()),
            Preset::NginxTimed => LineParser::Nginx(nginx::NginxParser::timed()),
            Preset::NginxMain
            | Preset::NginxCombinedRt
            | Preset::IngressUpstreaminfo
            | Preset::ApacheCommon
            | Preset::ApacheVhostCombined => {
                // Constant definitions, compiled by a test too: not input.
                let f = logformat::Definition::compile_any(self.definition())
                    .expect("preset definitions compile");
                LineParser::for_log_format(&f)
            }
            Preset::Haproxy => LineParser::Haproxy(Box::new(haproxy::HaproxyParser::new(0))),
            Preset::TraefikClf => LineParser::Traefik(Box::default()),
            Preset::CaddyJson | Preset::TraefikJson | Preset::NginxJson => {
                // Constant mappings, compiled by a test too: not input.
                let f =
                    json::JsonMapping::compile(self.definition()).expect("preset mappings compile");
                LineParser::Json(Box::new((f, time::TimeLocalCache::default())))
            }
        }
    }
}

impl Format {
    /// A line parser for the format. A custom definition that is a hand-parsed layout
    /// spelled out (nginx `combined`, the timed layout, Apache's combined, HAProxy's
    /// httplog and tcplog) gets the hand-written parser; one that extends nginx's
    /// `combined` gets it for the combined part.
    pub fn parser(&self) -> LineParser {
        match self {
            Format::Preset(l) => l.parser(),
            Format::Definition(f) => {
                // A definition that is one of the hand-parsed presets gets that parser:
                // users often paste the stock layouts.
                let words = |d: &str| d.split_whitespace().collect::<Vec<_>>().join(" ");
                let given = words(f.definition());
                for l in [Preset::NginxCombined, Preset::NginxTimed] {
                    if f.dialect() == logformat::Dialect::Nginx && given == words(l.definition()) {
                        return l.parser();
                    }
                }
                // Apache's combined is nginx's, field for field (the hand-written parser
                // also reads Apache's `\"`).
                if f.dialect() == logformat::Dialect::Apache
                    && [
                        r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i""#,
                        r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#,
                    ]
                    .contains(&given.as_str())
                {
                    return Preset::NginxCombined.parser();
                }
                // HAProxy's `option httplog` and `option tcplog` as their documentation
                // spells them: the native parser reads both (and what else HAProxy writes).
                if f.dialect() == logformat::Dialect::Haproxy
                    && [HAPROXY_HTTPLOG, HAPROXY_TCPLOG].contains(&given.as_str())
                {
                    return Preset::Haproxy.parser();
                }
                LineParser::for_log_format(f)
            }
            Format::Json(f) => {
                LineParser::Json(Box::new(((**f).clone(), time::TimeLocalCache::default())))
            }
            Format::Syslog(inner) => LineParser::Syslog(Box::new(inner.parser())),
        }
    }
}

/// A compiled parser for one layout. It keeps small per-input state (the last timestamp),
/// so each worker owns its own.
#[derive(Debug, Clone)]
// One parser exists per source, so its size does not matter; boxing the hand-tuned one
// would add a pointer chase to every line.
#[allow(clippy::large_enum_variant)]
pub enum LineParser {
    /// The hand-tuned parser of the combined family.
    Nginx(nginx::NginxParser),
    /// Any nginx `log_format` or Apache `LogFormat`.
    Compiled(Box<(logformat::Definition, time::TimeLocalCache)>),
    /// JSON lines.
    Json(Box<(json::JsonMapping, time::TimeLocalCache)>),
    /// HAProxy's own layouts (httplog, tcplog, httpslog and their CLF forms).
    Haproxy(Box<haproxy::HaproxyParser>),
    /// Traefik's common log format.
    Traefik(Box<traefik::TraefikClfParser>),
    /// Another parser, after a syslog header.
    Syslog(Box<LineParser>),
    /// `combined` followed by more fields: the hand-written combined parser for the first
    /// part, the compiled rest for the others.
    Extended(
        Box<(
            nginx::NginxParser,
            logformat::Definition,
            time::TimeLocalCache,
        )>,
    ),
}

impl LineParser {
    /// A parser for a compiled nginx definition: [`LineParser::Extended`] when it starts
    /// with `combined`'s fields, else the compiled parser.
    pub fn for_log_format(f: &logformat::Definition) -> LineParser {
        if f.dialect() == logformat::Dialect::Nginx
            && let Some(rest) = logformat::Definition::compile_suffix(f.definition())
        {
            return LineParser::Extended(Box::new((
                nginx::NginxParser::combined(),
                rest,
                time::TimeLocalCache::default(),
            )));
        }
        LineParser::Compiled(Box::new((f.clone(), time::TimeLocalCache::default())))
    }
}

impl LineParser {
    /// Tells the parser which fields its records' readers need (the default is
    /// [`Fields::ALL`]): it may skip the work of the others and leave them at their
    /// defaults. Which lines parse, and the error of those that do not, stay the same.
    /// A clone keeps the projection.
    pub fn set_projection(&mut self, fields: Fields) {
        match self {
            LineParser::Nginx(p) => p.set_projection(fields),
            LineParser::Compiled(b) => b.0.set_projection(fields),
            LineParser::Json(b) => b.0.set_projection(fields),
            LineParser::Haproxy(p) => p.set_projection(fields),
            LineParser::Traefik(p) => p.set_projection(fields),
            LineParser::Extended(b) => {
                // The rest of the line is found after the user agent's closing quote.
                b.0.set_projection(fields.with(Field::USER_AGENT));
                b.1.set_projection(fields);
            }
            LineParser::Syslog(p) => p.set_projection(fields),
        }
    }

    /// Sets the UTC offset of times logged without one (HAProxy's accept date).
    pub fn set_tz(&mut self, tz_offset_min: i16) {
        self.set_zone(&Zone::Fixed(tz_offset_min));
    }

    /// Sets the zone of times logged without one (HAProxy's accept date, RFC 3164 syslog
    /// stamps): an IANA zone gives each time its own offset.
    pub fn set_zone(&mut self, zone: &Zone) {
        match self {
            LineParser::Haproxy(p) => p.set_zone(zone),
            LineParser::Compiled(b) => b.0.set_zone(zone),
            LineParser::Extended(_) => {}
            LineParser::Syslog(p) => p.set_zone(zone),
            _ => {}
        }
    }

    /// The names of the variables a record of this parser keeps in `Record::extras`, in
    /// slot order.
    pub fn extra_names(&self) -> Vec<String> {
        match self {
            LineParser::Compiled(b) => b.0.extra_names().map(str::to_string).collect(),
            LineParser::Extended(b) => b.1.extra_names().map(str::to_string).collect(),
            LineParser::Traefik(p) => p.extra_names(),
            LineParser::Syslog(p) => p.extra_names(),
            _ => Vec::new(),
        }
    }

    /// [`Parse::parse`], callable without importing the trait: `LineParser` is the type
    /// other crates parse with.
    #[inline]
    pub fn parse<'a>(&mut self, line: &'a [u8]) -> Result<Record<'a>, ParseError> {
        Parse::parse(self, line)
    }

    /// [`Parse::parse_into`], callable without importing the trait.
    #[inline]
    pub fn parse_into<'a>(
        &mut self,
        line: &'a [u8],
        rec: &mut Record<'a>,
    ) -> Result<(), ParseError> {
        Parse::parse_into(self, line, rec)
    }

    /// The layout's own parse, with the server's messages told apart.
    #[inline]
    fn parse_plain<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Result<(), ParseError> {
        let parsed = match self.parse_fields(line, rec) {
            // The server's own diagnostics between access lines are not malformed.
            Err(e) if e != ParseError::NotAccess && servermsg::is_server_message(line) => {
                Err(ParseError::NotAccess)
            }
            p => p,
        };
        rec.line = line;
        parsed
    }

    #[inline]
    fn parse_fields<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Result<(), ParseError> {
        match self {
            LineParser::Nginx(p) => p.parse_into(line, rec),
            LineParser::Compiled(b) => b.parse_into(line, rec),
            LineParser::Json(b) => b.parse_into(line, rec),
            LineParser::Haproxy(p) => p.parse_into(line, rec),
            LineParser::Traefik(p) => p.parse_into(line, rec),
            LineParser::Extended(b) => b.parse_into(line, rec),
            LineParser::Syslog(p) => match syslog::split_syslog(line) {
                // A line without a header is one the layout has to take as it is.
                Some((_, msg)) if msg.len() < line.len() => p.parse_into(msg, rec),
                _ => Err(ParseError::Layout),
            },
        }
    }
}

impl Parse for LineParser {
    /// One match on the parser's kind, to the layout's own `parse_into`.
    #[inline]
    fn parse_into<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Result<(), ParseError> {
        self.parse_plain(line, rec)
    }
}

/// A compiled definition with the time cache of the input it reads.
impl Parse for (logformat::Definition, time::TimeLocalCache) {
    #[inline]
    fn parse_into<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Result<(), ParseError> {
        let (f, cache) = self;
        f.parse_into(cache, line, rec)
    }
}

/// A JSON mapping with the time cache of the input it reads.
impl Parse for (json::JsonMapping, time::TimeLocalCache) {
    #[inline]
    fn parse_into<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Result<(), ParseError> {
        let (f, cache) = self;
        f.parse_into(cache, line, rec)
    }
}
