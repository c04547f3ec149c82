//! Access-log layouts and their line parsers.
//!
//! A [`Layout`] names a log layout; [`Layout::parser`] compiles it into a [`LineParser`]
//! that turns one line into a [`Record`] borrowing from the line. [`detect`] picks the
//! layout that fits the first lines of an input.

pub mod detect;
pub mod fields;
pub mod haproxy;
pub mod json;
pub mod jsonkeys;
pub mod logformat;
pub mod nginx;
pub mod nginxconf;
pub mod num;
pub mod record;
pub mod scan;
pub mod search;
pub mod servermsg;
pub mod switching;
mod syslog;
pub mod time;
mod tokens;
pub mod traefik;
pub mod unescape;

pub use detect::{Detection, detect};
pub use fields::Fields;
pub use record::{Record, RequestParts, split_request};

use std::fmt;

/// Why a line did not parse. Malformed lines are data: they are counted and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty line")]
    Empty,
    #[error("client address, ident and user fields not found before '['")]
    BadClient,
    #[error("no '[' timestamp")]
    NoTime,
    #[error("timestamp is not dd/Mon/yyyy:HH:MM:SS +hhmm")]
    BadTime,
    #[error("no quoted request after the timestamp")]
    NoRequest,
    #[error("a quoted field is not closed")]
    UnclosedQuote,
    #[error("status is not a 3-digit number or '-'")]
    BadStatus,
    #[error("body bytes is not a number or '-'")]
    BadBytes,
    #[error("no quoted referer")]
    NoReferer,
    #[error("no quoted user agent")]
    NoUserAgent,
    #[error("request_time / upstream_response_time missing or not numbers")]
    BadTiming,
    #[error("line longer than the longest line axlog keeps (cut there)")]
    TooLong,
    #[error("the text between fields is not where the log format puts it")]
    Layout,
    /// A line of the server's own log that is not an access (HAProxy's `Connect from`,
    /// `Server x/y is DOWN`, `Proxy X started`): counted apart, not as malformed.
    #[error("not an access-log line (a server message)")]
    NotAccess,
}

/// A log layout axlog knows by name (a preset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// nginx's stock `combined` log_format.
    NginxCombined,
    /// `combined` followed by ` $request_time $upstream_response_time`.
    NginxTimed,
    /// `combined` followed by ` $request_time` (the ISUCON/alp convention).
    NginxCombinedRt,
    /// nginx's `main` from its default configuration: `combined` + `"$http_x_forwarded_for"`.
    NginxMain,
    /// ingress-nginx's `upstreaminfo`.
    IngressUpstreaminfo,
    /// Apache's `common` (CLF): `combined` without referer and user agent.
    ApacheCommon,
    /// Apache's `vhost_combined`: `%v:%p` before `combined`.
    ApacheVhostCombined,
    /// Caddy's JSON access log.
    CaddyJson,
    /// Traefik's JSON access log.
    TraefikJson,
    /// Traefik's common log format: `combined`, then request count, router, server URL
    /// and duration.
    TraefikClf,
    /// nginx `escape=json` layouts whose keys are the variable names.
    NginxJson,
    /// HAProxy's httplog, tcplog, httpslog and their CLF forms, behind any syslog prefix.
    Haproxy,
}

impl Layout {
    /// Every preset, the more specific first: detection breaks ties in this order.
    pub const ALL: [Layout; 12] = [
        Layout::Haproxy,
        Layout::CaddyJson,
        Layout::TraefikJson,
        Layout::NginxJson,
        Layout::NginxTimed,
        Layout::NginxCombinedRt,
        Layout::IngressUpstreaminfo,
        Layout::TraefikClf,
        Layout::ApacheVhostCombined,
        Layout::NginxMain,
        Layout::ApacheCommon,
        Layout::NginxCombined,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Layout::NginxCombined => "nginx-combined",
            Layout::NginxTimed => "nginx-timed",
            Layout::NginxCombinedRt => "nginx-combined-rt",
            Layout::NginxMain => "nginx-main",
            Layout::IngressUpstreaminfo => "ingress-upstreaminfo",
            Layout::ApacheCommon => "apache-common",
            Layout::ApacheVhostCombined => "apache-vhost-combined",
            Layout::CaddyJson => "caddy-json",
            Layout::TraefikJson => "traefik-json",
            Layout::TraefikClf => "traefik-clf",
            Layout::NginxJson => "nginx-json",
            Layout::Haproxy => "haproxy",
        }
    }

    /// Other names a preset answers to: Apache's `combined` is nginx's, field for field.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Layout::NginxCombined => &["combined", "apache-combined"],
            Layout::ApacheCommon => &["common", "clf"],
            Layout::NginxMain => &["main"],
            Layout::NginxTimed => &["timed"],
            Layout::NginxCombinedRt => &["combined-rt"],
            Layout::IngressUpstreaminfo => &["upstreaminfo"],
            Layout::ApacheVhostCombined => &["vhost-combined", "vhost_combined"],
            Layout::CaddyJson => &["caddy"],
            Layout::TraefikJson => &["traefik"],
            Layout::TraefikClf => &["traefik-common"],
            Layout::NginxJson => &["json"],
            Layout::Haproxy => &["haproxy-http", "haproxy-tcp", "httplog", "tcplog"],
        }
    }

    /// The layout's definition, as the server's configuration writes it.
    pub fn definition(self) -> &'static str {
        match self {
            Layout::NginxCombined => {
                r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#
            }
            Layout::NginxTimed => {
                r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_response_time"#
            }
            Layout::NginxMain => {
                r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for""#
            }
            Layout::NginxCombinedRt => {
                r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time"#
            }
            Layout::ApacheCommon => r#"%h %l %u %t "%r" %>s %b"#,
            Layout::CaddyJson => json::CADDY,
            Layout::TraefikJson => json::TRAEFIK,
            Layout::TraefikClf => traefik::DEFINITION,
            Layout::NginxJson => json::NGINX_JSON,
            Layout::Haproxy => {
                "option httplog / tcplog / httpslog (and their clf forms), raw or behind a syslog header (RFC 3164, RFC 5424, ISO 8601)"
            }
            Layout::ApacheVhostCombined => {
                r#"%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i""#
            }
            Layout::IngressUpstreaminfo => {
                r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id"#
            }
        }
    }

    pub fn from_name(name: &str) -> Option<Layout> {
        Layout::ALL
            .into_iter()
            .find(|l| l.name() == name || l.aliases().contains(&name))
    }

    pub fn parser(self) -> LineParser {
        match self {
            Layout::NginxCombined => LineParser::Nginx(nginx::NginxParser::combined()),
            Layout::NginxTimed => LineParser::Nginx(nginx::NginxParser::timed()),
            Layout::NginxMain
            | Layout::NginxCombinedRt
            | Layout::IngressUpstreaminfo
            | Layout::ApacheCommon
            | Layout::ApacheVhostCombined => {
                // Constant definitions, compiled by a test too: not input.
                let f = logformat::LogFormat::compile_any(self.definition())
                    .expect("preset definitions compile");
                LineParser::for_log_format(&f)
            }
            Layout::Haproxy => LineParser::Haproxy(Box::new(haproxy::HaproxyParser::new(0))),
            Layout::TraefikClf => LineParser::Traefik(Box::default()),
            Layout::CaddyJson | Layout::TraefikJson | Layout::NginxJson => {
                // Constant mappings, compiled by a test too: not input.
                let f =
                    json::JsonFormat::compile(self.definition()).expect("preset mappings compile");
                LineParser::Json(Box::new((f, time::TimeLocalCache::default())))
            }
        }
    }

    /// Whether the preset reads JSON lines (its definition is a key mapping).
    pub fn is_json(self) -> bool {
        matches!(
            self,
            Layout::CaddyJson | Layout::TraefikJson | Layout::NginxJson
        )
    }

    /// Whether the preset's definition is a log format string (nginx or Apache syntax)
    /// that [`logformat::LogFormat::compile_any`] takes.
    pub fn is_log_format(self) -> bool {
        !self.is_json() && self != Layout::Haproxy
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What to parse an input as: a preset, or a definition the user gave.
#[derive(Debug, Clone)]
pub enum Format {
    Preset(Layout),
    /// An nginx `log_format` or Apache `LogFormat` given verbatim.
    Custom(std::sync::Arc<logformat::LogFormat>),
    /// JSON lines with a `--json-fields` mapping.
    Json(std::sync::Arc<json::JsonFormat>),
    /// A layout behind a syslog header (nginx's `access_log syslog:...`).
    Syslog(Box<Format>),
}

impl Format {
    /// A short name for reports: the preset's name, or `nginx log_format`.
    pub fn name(&self) -> &str {
        match self {
            Format::Preset(l) => l.name(),
            Format::Custom(f) => match f.dialect() {
                logformat::Dialect::Nginx => "nginx log_format",
                logformat::Dialect::Apache => "Apache LogFormat",
                logformat::Dialect::Haproxy => "HAProxy log-format",
            },
            Format::Json(_) => "JSON fields",
            Format::Syslog(inner) => inner.name(),
        }
    }

    pub fn definition(&self) -> &str {
        match self {
            Format::Preset(l) => l.definition(),
            Format::Custom(f) => f.definition(),
            Format::Json(f) => f.definition(),
            Format::Syslog(inner) => inner.definition(),
        }
    }

    /// A line parser for the format. A custom definition that is a hand-parsed layout
    /// spelled out (nginx `combined`, the timed layout, Apache's combined, HAProxy's
    /// httplog and tcplog) gets the hand-written parser; one that extends nginx's
    /// `combined` gets it for the combined part.
    pub fn parser(&self) -> LineParser {
        match self {
            Format::Preset(l) => l.parser(),
            Format::Custom(f) => {
                // A definition that is one of the hand-parsed presets gets that parser:
                // users often paste the stock layouts.
                let words = |d: &str| d.split_whitespace().collect::<Vec<_>>().join(" ");
                let given = words(f.definition());
                for l in [Layout::NginxCombined, Layout::NginxTimed] {
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
                    return Layout::NginxCombined.parser();
                }
                // HAProxy's `option httplog` and `option tcplog` as their documentation
                // spells them: the native parser reads both (and what else HAProxy writes).
                if f.dialect() == logformat::Dialect::Haproxy
                    && [HAPROXY_HTTPLOG, HAPROXY_TCPLOG].contains(&given.as_str())
                {
                    return Layout::Haproxy.parser();
                }
                LineParser::for_log_format(f)
            }
            Format::Json(f) => {
                LineParser::Json(Box::new(((**f).clone(), time::TimeLocalCache::default())))
            }
            Format::Syslog(inner) => LineParser::Syslog(Box::new(inner.parser())),
        }
    }

    /// Whether lines carry a syslog header before the layout.
    pub fn is_syslog(&self) -> bool {
        matches!(self, Format::Syslog(_))
    }

    /// The name reports show: [`Format::name`], saying so when a syslog header comes first.
    pub fn label(&self) -> String {
        match self {
            Format::Syslog(inner) => format!("{} behind syslog", inner.label()),
            f => f.name().to_string(),
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
    Compiled(Box<(logformat::LogFormat, time::TimeLocalCache)>),
    /// JSON lines.
    Json(Box<(json::JsonFormat, time::TimeLocalCache)>),
    /// HAProxy's log formats.
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
            logformat::LogFormat,
            time::TimeLocalCache,
        )>,
    ),
    /// A detected layout, which gives way to another where the input changes layout.
    Switching(Box<switching::Switching>),
}

impl LineParser {
    /// A parser for a compiled nginx definition: [`LineParser::Extended`] when it starts
    /// with `combined`'s fields, else the compiled parser.
    pub fn for_log_format(f: &logformat::LogFormat) -> LineParser {
        if f.dialect() == logformat::Dialect::Nginx
            && let Some(rest) = logformat::LogFormat::compile_suffix(f.definition())
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
                b.0.set_projection(fields.with(fields::Field::USER_AGENT));
                b.1.set_projection(fields);
            }
            LineParser::Syslog(p) => p.set_projection(fields),
            LineParser::Switching(s) => s.set_projection(fields),
        }
    }

    /// Sets the UTC offset of times logged without one (HAProxy's accept date).
    pub fn set_tz(&mut self, tz_offset_min: i16) {
        match self {
            LineParser::Haproxy(p) => p.set_tz(tz_offset_min),
            LineParser::Compiled(b) => b.0.set_tz(tz_offset_min),
            LineParser::Extended(_) => {}
            LineParser::Syslog(p) => p.set_tz(tz_offset_min),
            LineParser::Switching(s) => s.set_tz(tz_offset_min),
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
            LineParser::Switching(s) => s.current().map_or(Vec::new(), |p| p.extra_names()),
            _ => Vec::new(),
        }
    }

    /// After a line failed, with `block` that line and the ones after it: whether the
    /// parser moved to another layout that fits the block (only a [`LineParser::Switching`]
    /// one does); the line is then to be parsed again.
    pub fn switch_layout(&mut self, block: &[u8]) -> bool {
        match self {
            LineParser::Switching(s) => s.switch_for(block),
            _ => false,
        }
    }

    /// At the start of a chunk: a [`LineParser::Switching`] parser goes back to the
    /// detected layout.
    pub fn restart(&mut self) {
        if let LineParser::Switching(s) = self {
            s.restart();
        }
    }

    /// The layouts a [`LineParser::Switching`] parser read lines with, and how many each
    /// read; empty for the others.
    pub fn layout_counts(&self) -> Vec<(String, u64)> {
        match self {
            LineParser::Switching(s) => s.counts(),
            _ => Vec::new(),
        }
    }

    /// Parses one line (without its line terminator).
    #[inline]
    pub fn parse<'a>(&mut self, line: &'a [u8]) -> Result<Record<'a>, ParseError> {
        let mut rec = Record::default();
        self.parse_into(line, &mut rec).map(|()| rec)
    }

    /// Like [`LineParser::parse`], into a record the caller keeps (no copy of the record
    /// on the hot path). On error `rec` holds partial values.
    #[inline]
    pub fn parse_into<'a>(
        &mut self,
        line: &'a [u8],
        rec: &mut Record<'a>,
    ) -> Result<(), ParseError> {
        // A switching parser calls `parse_plain` of the layout in use, not this: a call
        // cycle through here would keep the layout's parser from being inlined, a
        // function call more on every line.
        if let LineParser::Switching(s) = self {
            return s.parse_into(line, rec);
        }
        self.parse_plain(line, rec)
    }

    /// [`LineParser::parse_into`] of a parser that is not [`LineParser::Switching`].
    #[inline]
    pub(crate) fn parse_plain<'a>(
        &mut self,
        line: &'a [u8],
        rec: &mut Record<'a>,
    ) -> Result<(), ParseError> {
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
            LineParser::Compiled(b) => {
                let (f, cache) = &mut **b;
                f.parse_into(cache, line, rec)
            }
            LineParser::Json(b) => {
                let (f, cache) = &mut **b;
                f.parse_into(cache, line, rec)
            }
            LineParser::Haproxy(p) => p.parse_into(line, rec),
            LineParser::Traefik(p) => p.parse_into(line, rec),
            LineParser::Extended(b) => {
                let (head, rest, cache) = &mut **b;
                head.parse_into(line, rec)?;
                // The rest of the line starts after the user agent's closing quote; a line
                // that ends there lacks the layout's other fields (not an empty line).
                let ua = rec.user_agent;
                let off = (ua.as_ptr() as usize)
                    .checked_sub(line.as_ptr() as usize)
                    .map(|o| o + ua.len() + 1)
                    .filter(|&o| o < line.len() && line.get(o - 1) == Some(&b'"'))
                    .ok_or(ParseError::Layout)?;
                let (ts, off_min) = (rec.ts_us, rec.utc_offset_min);
                rest.parse_into(cache, &line[off..], rec)?;
                (rec.ts_us, rec.utc_offset_min) = (ts, off_min);
                // The suffix read what `combined` left.
                rec.unread_fields = false;
                Ok(())
            }
            // Handled by `parse_into`; a switching parser never holds another one.
            LineParser::Switching(_) => Err(ParseError::Layout),
            LineParser::Syslog(p) => match syslog::split_syslog(line) {
                // A line without a header is one the layout has to take as it is.
                Some((_, msg)) if msg.len() < line.len() => p.parse_into(msg, rec),
                _ => Err(ParseError::Layout),
            },
        }
    }
}

/// HAProxy's `option httplog` as a `log-format` string (HAProxy's documentation).
pub const HAPROXY_HTTPLOG: &str = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r";
/// HAProxy's `option tcplog` as a `log-format` string.
pub const HAPROXY_TCPLOG: &str =
    "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq";

/// How many lines [`detect`] looks at.
pub const DETECT_LINES: usize = 200;

/// The first [`DETECT_LINES`] non-empty lines of `sample`, without line terminators.
pub(crate) fn sample_lines(sample: &[u8]) -> Vec<&[u8]> {
    sample
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.is_empty())
        .take(DETECT_LINES)
        .collect()
}

/// `format`, or `format` behind a syslog header when that parses as many of `sample`'s
/// first lines: a layout the user gives may come through syslog (nginx's `access_log
/// syslog:`).
pub fn with_syslog_if_it_fits(format: Format, sample: &[u8]) -> Format {
    // HAProxy's layouts read their own syslog header.
    let reads_header = match &format {
        Format::Preset(Layout::Haproxy) | Format::Syslog(_) => true,
        Format::Custom(f) => f.dialect() == logformat::Dialect::Haproxy,
        _ => false,
    };
    if reads_header {
        return format;
    }
    let lines = sample_lines(sample);
    let count = |p: &mut LineParser| lines.iter().filter(|l| p.parse(l).is_ok()).count();
    let plain = count(&mut format.parser());
    let wrapped = Format::Syslog(Box::new(format));
    // On a tie the header is real: a layout starting with a loose field (`$remote_addr`)
    // would otherwise swallow it.
    let with_header = count(&mut wrapped.parser());
    if with_header > 0 && with_header >= plain {
        return wrapped;
    }
    match wrapped {
        Format::Syslog(inner) => *inner,
        other => other,
    }
}

/// Why no preset fits an input: its first non-empty line, and each preset with how many of
/// the first lines it parsed and how far it got on that line, closest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub sample: Vec<u8>,
    pub candidates: Vec<Candidate>,
    /// For JSON lines: the `--json-fields` to write (the presets are beside the point).
    pub json_hint: Option<String>,
}

/// One preset's attempt at an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub layout: Layout,
    /// Lines of the sample it parsed.
    pub parsed: usize,
    /// Fields of the first line it read before one did not fit, out of `fields`.
    pub fields_ok: usize,
    pub fields: usize,
    /// The field that did not fit and why (`None` if the first line parsed).
    pub failed_at: Option<(String, ParseError)>,
}

/// Explains why [`detect`] found nothing in `sample`; `None` when the sample has no
/// non-empty line.
pub fn diagnose(sample: &[u8]) -> Option<Diagnosis> {
    let lines = sample_lines(sample);
    let first = *lines.first()?;
    let mut candidates: Vec<Candidate> = Layout::ALL
        .iter()
        .filter_map(|&l| {
            let mut p = l.parser();
            let parsed = lines.iter().filter(|x| p.parse(x).is_ok()).count();
            // Every text preset is also a definition, which can tell how far a line got.
            if !l.is_log_format() {
                return None;
            }
            let f = logformat::LogFormat::compile_any(l.definition()).ok()?;
            let (fields_ok, failed) = f.progress(first);
            Some(Candidate {
                layout: l,
                parsed,
                fields_ok,
                fields: f.len(),
                failed_at: failed.map(|(n, e)| (n.to_string(), e)),
            })
        })
        .collect();
    // Most lines parsed, then furthest into the first line (as a share of its fields);
    // stable, so equally close presets keep their specific-first order.
    candidates.sort_by(|a, b| {
        b.parsed
            .cmp(&a.parsed)
            .then_with(|| (b.fields_ok * a.fields.max(1)).cmp(&(a.fields_ok * b.fields.max(1))))
    });
    Some(Diagnosis {
        sample: first.to_vec(),
        candidates,
        json_hint: jsonkeys::mapping(&lines).and_then(Result::err),
    })
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sample = String::new();
        for c in String::from_utf8_lossy(&self.sample).chars().take(200) {
            // One line of plain text: control bytes from the log are not passed on, but
            // written as everywhere else on a terminal (`\x1B`; C1 as `\u{9B}`).
            if c.is_control() {
                use fmt::Write;
                let _ = match u32::from(c) {
                    n @ 0..0x80 => write!(sample, "\\x{n:02X}"),
                    n => write!(sample, "\\u{{{n:X}}}"),
                };
            } else {
                sample.push(c);
            }
        }
        write!(f, "no known layout fits; first line: {sample}")?;
        if let Some(hint) = &self.json_hint {
            return write!(f, "\n  {hint}");
        }
        write!(f, "\n  closest presets:")?;
        for c in self.candidates.iter().take(3) {
            write!(f, "\n    {} ({} lines parsed", c.layout.name(), c.parsed)?;
            match &c.failed_at {
                Some((field, err)) => write!(
                    f,
                    "; first line: {} of {} fields fit, then {field}: {err})",
                    c.fields_ok, c.fields
                )?,
                None => write!(f, ")")?,
            }
        }
        write!(f, "\n  give the server's own definition with --log-format")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: &str = r#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET /x HTTP/1.1" 200 1 "-" "ua""#;

    #[test]
    fn detects_timed_and_combined() {
        let timed = format!("{C} 0.010 0.009\n{C} 0.020 -\ngarbage\n");
        let d = detect(timed.as_bytes()).unwrap();
        assert_eq!(
            (d.layout(), d.examined, d.parsed),
            (Some(Layout::NginxTimed), 3, 2)
        );
        let combined = format!("{C}\n{C}\n{C} 0.1 0.1\n");
        let d = detect(combined.as_bytes()).unwrap();
        assert_eq!((d.layout(), d.parsed), (Some(Layout::NginxCombined), 3));
        assert_eq!(detect(b"hello\nworld\n"), None);
        assert_eq!(detect(b""), None);
    }

    /// No byte sequence may panic a parser: random bytes, and valid lines with random
    /// bytes overwritten, inserted or cut, all go through every layout.
    #[test]
    fn no_input_panics() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let valid = format!("{C} 0.004 0.001, - : 0.002");
        let alphabet = b" \"[]-.,:0123456789/\\x\xff\x00";
        for _ in 0..20_000 {
            let mut line = valid.as_bytes().to_vec();
            match next() % 4 {
                0 => {
                    let n = (next() % 300) as usize;
                    line = (0..n).map(|_| next() as u8).collect();
                }
                1 => {
                    for _ in 0..(next() % 6) {
                        let i = (next() as usize) % line.len();
                        line[i] = alphabet[(next() as usize) % alphabet.len()];
                    }
                }
                2 => {
                    let i = (next() as usize) % (line.len() + 1);
                    line.truncate(i);
                }
                _ => {
                    let i = (next() as usize) % (line.len() + 1);
                    line.insert(i, alphabet[(next() as usize) % alphabet.len()]);
                }
            }
            for layout in Layout::ALL {
                let _ = layout.parser().parse(&line);
            }
            let _ = detect(&line);
        }
    }

    #[test]
    fn diagnosis_ranks_the_closest_presets() {
        // A combined line whose status is a word: combined-family presets get to the
        // status, timed and the compiled ones fail earlier.
        let d = diagnose(
            b"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" ok 1 \"-\" \"-\"\n",
        )
        .unwrap();
        let text_presets = Layout::ALL.iter().filter(|l| l.is_log_format()).count();
        assert_eq!(d.candidates.len(), text_presets);
        assert!(d.candidates.iter().all(|c| c.parsed == 0));
        // %h %l %u %t %r fit, then %>s: CLF has the largest share of its fields fitting.
        let first = &d.candidates[0];
        assert_eq!(
            first.failed_at,
            Some(("%>s".to_string(), ParseError::BadStatus))
        );
        assert_eq!(
            (first.layout, first.fields_ok, first.fields),
            (Layout::ApacheCommon, 5, 7)
        );
        let text = d.to_string();
        assert!(text.contains("first line: 1.2.3.4 - - [21/Nov"), "{text}");
        assert!(
            text.contains("then %>s: status is not a 3-digit number"),
            "{text}"
        );
        assert_eq!(diagnose(b"\n\n"), None);
    }

    #[test]
    fn stock_definitions_get_the_hand_written_parser() {
        let def = "$remote_addr - $remote_user [$time_local] \"$request\" $status  $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";
        let f = Format::Custom(std::sync::Arc::new(
            logformat::LogFormat::compile(def).unwrap(),
        ));
        assert!(matches!(f.parser(), LineParser::Nginx(_)));
        let other = Format::Custom(std::sync::Arc::new(
            logformat::LogFormat::compile("[$time_local] $status").unwrap(),
        ));
        assert!(matches!(other.parser(), LineParser::Compiled(_)));
        // Apache's combined, as httpd.conf writes it.
        let apache = Format::Custom(std::sync::Arc::new(
            logformat::LogFormat::compile_any(
                r#"LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"" combined"#,
            )
            .unwrap(),
        ));
        assert!(matches!(apache.parser(), LineParser::Nginx(_)));
        // HAProxy's httplog and tcplog strings: the native parser, which reads their lines
        // as the compiled definition does.
        for (def, line) in [
            (
                HAPROXY_HTTPLOG,
                r#"Nov 21 10:00:01 lb haproxy[1]: 10.0.0.1:5555 [21/Nov/2026:10:00:01.250] fe be/s1 1/0/2/30/33 200 512 - - ---- 3/3/1/1/0 0/0 "GET /a HTTP/1.1""#,
            ),
            (
                HAPROXY_TCPLOG,
                "Nov 21 10:00:01 lb haproxy[1]: 10.0.0.1:5555 [21/Nov/2026:10:00:01.250] fe be/s1 0/2/5007 212 -- 3/3/1/1/0 0/0",
            ),
        ] {
            let compiled = logformat::LogFormat::compile_haproxy(def).unwrap();
            let mut interp = LineParser::Compiled(Box::new((
                compiled.clone(),
                time::TimeLocalCache::default(),
            )));
            let mut native = Format::Custom(std::sync::Arc::new(compiled)).parser();
            assert!(matches!(native, LineParser::Haproxy(_)), "{def}");
            let (a, b) = (interp.parse(line.as_bytes()), native.parse(line.as_bytes()));
            let key = |r: &Record| {
                (
                    r.ts_us,
                    r.status,
                    r.bytes_sent,
                    r.request_time_us,
                    r.upstream_time_us,
                    r.remote_addr.to_vec(),
                    r.haproxy
                        .map(|h| (h.tw_us, h.tc_us, h.ta_us, h.server.to_vec())),
                )
            };
            assert_eq!(a.as_ref().map(key), b.as_ref().map(key), "{def}");
            assert!(a.is_ok(), "{def}");
        }
    }

    #[test]
    fn syslog_headers_and_notices() {
        let line = r#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET /a HTTP/1.1" 200 12 "-" "curl/8" 0.010 0.009"#;
        let sample = format!(
            "<190>Nov 21 10:00:01 web1 nginx: {line}\nNov 21 10:00:02 web1 nginx: {line}\n"
        );
        let d = detect(sample.as_bytes()).unwrap();
        assert_eq!(
            (d.layout(), d.syslog(), d.parsed),
            (Some(Layout::NginxTimed), true, 2)
        );
        assert_eq!(d.format().label(), "nginx-timed behind syslog");
        let r = d
            .format()
            .parser()
            .parse(sample.lines().next().unwrap().as_bytes())
            .unwrap();
        assert_eq!(r.remote_addr, b"1.2.3.4");
        // Without the header, the plain layout.
        let d = detect(format!("{line}\n").as_bytes()).unwrap();
        assert_eq!((d.layout(), d.syslog()), (Some(Layout::NginxTimed), false));
        // A stream of HAProxy notices alone is HAProxy's.
        let d = detect(b"Sep 20 15:44:23 lb haproxy[1]: Proxy www started.\n").unwrap();
        assert_eq!((d.layout(), d.parsed), (Some(Layout::Haproxy), 0));
        // Apache's error log and ssl_request_log open with a `[`, as HAProxy's `[NOTICE]`
        // does, but are nobody's access log: nothing is detected, so the user is shown
        // the closest presets instead of a HAProxy report of zero requests.
        let apache = concat!(
            "[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration: /x\n",
            "[Sun Nov 22 10:00:01.123456 2026] [core:error] [pid 35708] [client 72.15.99.187] AH00128: File does not exist: /f\n",
            "[10/Aug/2018:09:45:56 +0200] 172.30.0.119 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 \"GET / HTTP/1.1\" 1375\n",
        );
        assert_eq!(detect(apache.as_bytes()), None);
        assert!(diagnose(apache.as_bytes()).is_some());
    }

    #[test]
    fn haproxy_clf_is_haproxy() {
        // HAProxy's `option httplog clf`: combined's shape with HAProxy's fields after it.
        let clf = concat!(
            r#"192.168.1.1 - - [21/Nov/2026:10:00:01 +0100] "GET / HTTP/1.1" 200 123 "" "" "#,
            r#"41234 250 fe be srv 0 0 1 10 12 ---- 1 1 0 0 0 0 0 "" """#
        );
        let d = detect(format!("{clf}\n").as_bytes()).unwrap();
        assert_eq!((d.layout(), d.syslog()), (Some(Layout::Haproxy), false));
    }

    /// `combined` + more fields: the hand-written first part with the compiled rest gives
    /// what the whole definition compiled gives, on real and generated lines.
    #[test]
    fn extended_parser_agrees_with_the_compiled_one() {
        let corpus =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let read = |f: &str| std::fs::read(corpus.join(f)).unwrap_or_default();
        let generated = axlog_testgen::generate(&axlog_testgen::Config {
            format: axlog_testgen::Format::NginxCombined,
            limit: axlog_testgen::Limit::Lines(5000),
            seed: 9,
            ..axlog_testgen::Config::default()
        });
        let custom = format!(
            "{} $bytes_sent $host \"$http_x_forwarded_for\" $request_time",
            Layout::NginxCombined.definition()
        );
        let mut with_suffix = Vec::new();
        for (i, l) in generated.split(|&b| b == b'\n').enumerate() {
            with_suffix.extend_from_slice(l);
            with_suffix.extend_from_slice(
                format!(
                    " {} h{i} \"10.0.0.{}, 10.0.0.9\" 0.0{}\n",
                    100 + i,
                    i % 7,
                    i % 9
                )
                .as_bytes(),
            );
        }
        let cases: Vec<(String, Vec<u8>)> = vec![
            (
                Layout::NginxMain.definition().to_string(),
                read("lnav/logfile_shop_access_log.0"),
            ),
            (
                Layout::IngressUpstreaminfo.definition().to_string(),
                read("beats/nginx/ingress_controller/test/test.log"),
            ),
            (custom, with_suffix),
        ];
        for (def, text) in cases {
            let f = logformat::LogFormat::compile(&def).unwrap();
            let mut extended = LineParser::for_log_format(&f);
            assert!(matches!(extended, LineParser::Extended(_)), "{def}");
            let mut compiled = LineParser::Compiled(Box::new((f, time::TimeLocalCache::default())));
            let mut parsed = 0;
            for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                // The same records; a malformed line may be reported with another reason.
                let (a, b) = (extended.parse(line), compiled.parse(line));
                assert_eq!(a.ok(), b.ok(), "{}", String::from_utf8_lossy(line));
                parsed += extended.parse(line).is_ok() as usize;
            }
            assert!(parsed > 0, "{def}");
        }
    }

    /// A `combined` line given to a layout that extends it lacks the extra fields: it is
    /// malformed for the layout, not an empty line.
    #[test]
    fn extended_layout_without_its_extra_fields() {
        let mut main = Layout::NginxMain.parser();
        assert!(matches!(main, LineParser::Extended(_)));
        assert_eq!(main.parse(C.as_bytes()), Err(ParseError::Layout));
        let with_xff = format!("{C} \"5.6.7.8\"");
        let r = main.parse(with_xff.as_bytes()).unwrap();
        assert_eq!(r.x_forwarded_for, b"5.6.7.8");
        // CLF, without referer and user agent.
        let clf = r#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET /x HTTP/1.1" 200 1"#;
        assert_eq!(main.parse(clf.as_bytes()), Err(ParseError::Layout));
    }

    #[test]
    fn a_given_layout_behind_syslog() {
        let f = Format::Custom(std::sync::Arc::new(
            logformat::LogFormat::compile("$remote_addr [$time_local] \"$request\" $status")
                .unwrap(),
        ));
        let with = b"<190>Nov 21 10:00:01 web1 nginx: 1.2.3.4 [21/Nov/2026:10:00:01 +0000] \"GET /a HTTP/1.1\" 200\n";
        let chosen = with_syslog_if_it_fits(f.clone(), with);
        assert!(chosen.is_syslog());
        let r = chosen.parser().parse(&with[..with.len() - 1]).unwrap();
        assert_eq!(r.remote_addr, b"1.2.3.4");
        let without = b"1.2.3.4 [21/Nov/2026:10:00:01 +0000] \"GET /a HTTP/1.1\" 200\n";
        assert!(!with_syslog_if_it_fits(f, without).is_syslog());
    }

    #[test]
    fn names_round_trip() {
        for l in Layout::ALL {
            assert_eq!(Layout::from_name(l.name()), Some(l));
        }
        assert_eq!(Layout::from_name("nope"), None);
    }
}
