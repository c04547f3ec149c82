//! A compiled `--where` expression ([`Expr`]): comparisons over a record's fields joined
//! by `and`, `or` and `not`, and its evaluation on a record. The fields it may name are
//! [`field_named`]'s; parse.rs turns the text into this tree.

use crate::dimension::{KeyContext, key_fields, key_of};
use axlog_format::{Fields, Record};
use axlog_stats::Dimension;
use regex_automata::meta::Regex;

/// A `--where` expression.
#[derive(Debug)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp(Cmp),
}

/// One comparison: a field and what its value must be.
#[derive(Debug)]
pub struct Cmp {
    pub(crate) field: FieldRef,
    pub(crate) test: Test,
}

/// What a comparison asks of a value.
#[derive(Debug)]
pub(crate) enum Test {
    Num(Op, u64),
    NumIn(Vec<u64>),
    Eq(Vec<u8>),
    Ne(Vec<u8>),
    Prefix(Vec<u8>),
    Regex(Box<Regex>),
    In(Vec<Vec<u8>>),
}

/// A numeric comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    #[inline]
    fn holds(self, a: u64, b: u64) -> bool {
        match self {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
        }
    }
}

/// How a numeric field's values are written in an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A whole number (`status`, ports, HAProxy's counters).
    Count,
    /// A time, held in µs: `250ms`, `0.5s`, `2m`, `150us`; no unit is seconds.
    Duration,
    /// Bytes: `512`, `10KB` (1000), `1MiB` (1024).
    Size,
}

/// A field an expression names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldRef {
    Num(NumField),
    /// A `--by` dimension's key (the path with escapes undone, the user-agent family,
    /// the last upstream attempt, an extra variable).
    Key(Dimension),
    Text(TextField),
}

/// A numeric field of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumField {
    Status,
    BytesSent,
    RequestLength,
    ResponseBytes,
    ServerPort,
    Connection,
    RequestTime,
    UpstreamTime,
    UpstreamConnect,
    UpstreamHeader,
    HaTr,
    HaTw,
    HaTc,
    HaTresp,
    HaTa,
    HaClientPort,
    HaActconn,
    HaFeconn,
    HaBeconn,
    HaSrvConn,
    HaRetries,
    HaSrvQueue,
    HaBackendQueue,
}

/// A text field read as logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextField {
    RemoteUser,
    Request,
    Uri,
    Referer,
    Protocol,
    Query,
    Scheme,
    XForwardedFor,
    UpstreamAddr,
    UpstreamStatus,
    TlsCipher,
    HaSyslogHost,
    HaServer,
    HaBackendServer,
    HaTermination,
    HaCapturedRequest,
    HaCapturedResponse,
}

/// The field `name` stands for: a numeric field, a text field, a `--by` dimension, or
/// (any other name) a variable of the layout. `None` for a name that cannot be filtered
/// on (`source`: the files are chosen on the command line).
pub(crate) fn field_named(name: &str) -> Option<FieldRef> {
    use NumField as N;
    use TextField as T;
    let num = |f| Some(FieldRef::Num(f));
    let text = |f| Some(FieldRef::Text(f));
    let key = |d| Some(FieldRef::Key(d));
    match name {
        "status" => num(N::Status),
        "bytes" | "bytes_sent" => num(N::BytesSent),
        "request_length" => num(N::RequestLength),
        "response_bytes" => num(N::ResponseBytes),
        "server_port" => num(N::ServerPort),
        "connection" => num(N::Connection),
        "request_time" | "request_time_us" => num(N::RequestTime),
        "upstream_time" | "upstream_time_us" | "upstream_response_time" => num(N::UpstreamTime),
        "upstream_connect_time" | "upstream_connect_us" => num(N::UpstreamConnect),
        "upstream_header_time" | "upstream_header_us" => num(N::UpstreamHeader),
        "TR" | "haproxy.tr" | "haproxy.tr_us" => num(N::HaTr),
        "Tw" | "haproxy.tw" | "haproxy.tw_us" => num(N::HaTw),
        "Tc" | "haproxy.tc" | "haproxy.tc_us" => num(N::HaTc),
        "Tr" | "haproxy.tresp" | "haproxy.tresp_us" => num(N::HaTresp),
        "Ta" | "haproxy.ta" | "haproxy.ta_us" => num(N::HaTa),
        "haproxy.client_port" => num(N::HaClientPort),
        "haproxy.actconn" => num(N::HaActconn),
        "haproxy.feconn" => num(N::HaFeconn),
        "haproxy.beconn" => num(N::HaBeconn),
        "haproxy.srv_conn" => num(N::HaSrvConn),
        "haproxy.retries" => num(N::HaRetries),
        "haproxy.srv_queue" => num(N::HaSrvQueue),
        "haproxy.backend_queue" => num(N::HaBackendQueue),
        "remote_user" => text(T::RemoteUser),
        "request" => text(T::Request),
        "uri" => text(T::Uri),
        "referer" | "referrer" => text(T::Referer),
        "protocol" => text(T::Protocol),
        "query" => text(T::Query),
        "scheme" => text(T::Scheme),
        "x_forwarded_for" => text(T::XForwardedFor),
        "upstream_addr" => text(T::UpstreamAddr),
        "upstream_status" => text(T::UpstreamStatus),
        "tls_cipher" => text(T::TlsCipher),
        "haproxy.syslog_host" => text(T::HaSyslogHost),
        "haproxy.server" => text(T::HaServer),
        "haproxy.backend_server" => text(T::HaBackendServer),
        "haproxy.termination_state" => text(T::HaTermination),
        "haproxy.captured_request_headers" => text(T::HaCapturedRequest),
        "haproxy.captured_response_headers" => text(T::HaCapturedResponse),
        "remote_addr" => key(Dimension::Client),
        "user_agent" => key(Dimension::UserAgentRaw),
        "cache_status" => key(Dimension::CacheStatus),
        "tls_protocol" => key(Dimension::TlsProtocol),
        "haproxy.frontend" => key(Dimension::Frontend),
        "haproxy.backend" => key(Dimension::Backend),
        "method" => key(Dimension::Method),
        "host" => key(Dimension::Host),
        "source" => None,
        // The `--by` names (`path`, `user-agent`, `status-class`, `field:NAME`, ...), and
        // any other name as a variable of the layout (`http_x_tenant`).
        _ => key(name
            .parse()
            .unwrap_or_else(|_| Dimension::Extra(name.to_string()))),
    }
}

impl NumField {
    pub(crate) fn kind(self) -> Kind {
        use NumField as N;
        match self {
            N::BytesSent | N::RequestLength | N::ResponseBytes => Kind::Size,
            N::RequestTime
            | N::UpstreamTime
            | N::UpstreamConnect
            | N::UpstreamHeader
            | N::HaTr
            | N::HaTw
            | N::HaTc
            | N::HaTresp
            | N::HaTa => Kind::Duration,
            _ => Kind::Count,
        }
    }

    /// The value in `r`; `None` when absent (`-`, a status of `-`, an HAProxy field in
    /// an nginx line).
    #[inline]
    fn get(self, r: &Record<'_>) -> Option<u64> {
        use NumField as N;
        let ha = r.haproxy.as_ref();
        match self {
            N::Status => (r.status != 0).then_some(u64::from(r.status)),
            N::BytesSent => r.bytes_sent,
            N::RequestLength => r.request_length,
            N::ResponseBytes => r.response_bytes,
            N::ServerPort => r.server_port.map(u64::from),
            N::Connection => r.connection,
            N::RequestTime => r.request_time_us,
            N::UpstreamTime => r.upstream_time_us,
            N::UpstreamConnect => r.upstream_connect_us,
            N::UpstreamHeader => r.upstream_header_us,
            N::HaTr => ha?.tr_us,
            N::HaTw => ha?.tw_us,
            N::HaTc => ha?.tc_us,
            N::HaTresp => ha?.tresp_us,
            N::HaTa => ha?.ta_us,
            N::HaClientPort => ha?.client_port.map(u64::from),
            N::HaActconn => ha?.actconn.map(u64::from),
            N::HaFeconn => ha?.feconn.map(u64::from),
            N::HaBeconn => ha?.beconn.map(u64::from),
            N::HaSrvConn => ha?.srv_conn.map(u64::from),
            N::HaRetries => ha?.retries.map(u64::from),
            N::HaSrvQueue => ha?.srv_queue.map(u64::from),
            N::HaBackendQueue => ha?.backend_queue.map(u64::from),
        }
    }

    /// The FIELDS names it reads.
    fn field_names(self) -> &'static [&'static str] {
        use NumField as N;
        match self {
            N::Status => &["status"],
            N::BytesSent => &["bytes_sent"],
            N::RequestLength => &["request_length"],
            N::ResponseBytes => &["response_bytes"],
            N::ServerPort => &["server_port"],
            N::Connection => &["connection"],
            N::RequestTime => &["request_time_us"],
            N::UpstreamTime => &["upstream_time_us"],
            N::UpstreamConnect => &["upstream_connect_us"],
            N::UpstreamHeader => &["upstream_header_us"],
            N::HaTr => &["haproxy", "haproxy.tr_us"],
            N::HaTw => &["haproxy", "haproxy.tw_us"],
            N::HaTc => &["haproxy", "haproxy.tc_us"],
            N::HaTresp => &["haproxy", "haproxy.tresp_us"],
            N::HaTa => &["haproxy", "haproxy.ta_us"],
            N::HaClientPort => &["haproxy", "haproxy.client_port"],
            N::HaActconn => &["haproxy", "haproxy.actconn"],
            N::HaFeconn => &["haproxy", "haproxy.feconn"],
            N::HaBeconn => &["haproxy", "haproxy.beconn"],
            N::HaSrvConn => &["haproxy", "haproxy.srv_conn"],
            N::HaRetries => &["haproxy", "haproxy.retries"],
            N::HaSrvQueue => &["haproxy", "haproxy.srv_queue"],
            N::HaBackendQueue => &["haproxy", "haproxy.backend_queue"],
        }
    }
}

impl TextField {
    /// The value in `r`, as logged (empty when the layout has none).
    #[inline]
    fn get<'a>(self, r: &Record<'a>) -> &'a [u8] {
        use TextField as T;
        let ha = r.haproxy.as_ref();
        let h =
            |f: fn(&axlog_format::record::HaproxyFields<'a>) -> &'a [u8]| ha.map_or(&b""[..], f);
        match self {
            T::RemoteUser => r.remote_user,
            T::Request => r.request,
            T::Uri => r.uri,
            T::Referer => r.referer,
            T::Protocol => r.protocol,
            T::Query => r.query,
            T::Scheme => r.scheme,
            T::XForwardedFor => r.x_forwarded_for,
            T::UpstreamAddr => r.upstream_addr,
            T::UpstreamStatus => r.upstream_status,
            T::TlsCipher => r.tls_cipher,
            T::HaSyslogHost => h(|h| h.syslog_host),
            T::HaServer => h(|h| h.server),
            T::HaBackendServer => h(|h| h.backend_server),
            T::HaTermination => h(|h| h.termination_state),
            T::HaCapturedRequest => h(|h| h.captured_request_headers),
            T::HaCapturedResponse => h(|h| h.captured_response_headers),
        }
    }

    /// The FIELDS names it reads.
    fn field_names(self) -> &'static [&'static str] {
        use TextField as T;
        match self {
            T::RemoteUser => &["remote_user"],
            T::Request => &["request"],
            T::Uri => &["uri"],
            T::Referer => &["referer"],
            T::Protocol => &["protocol"],
            T::Query => &["query"],
            T::Scheme => &["scheme"],
            T::XForwardedFor => &["x_forwarded_for"],
            T::UpstreamAddr => &["upstream_addr"],
            T::UpstreamStatus => &["upstream_status"],
            T::TlsCipher => &["tls_cipher"],
            T::HaSyslogHost => &["haproxy", "haproxy.syslog_host"],
            T::HaServer => &["haproxy", "haproxy.server"],
            T::HaBackendServer => &["haproxy", "haproxy.backend_server"],
            T::HaTermination => &["haproxy", "haproxy.termination_state"],
            T::HaCapturedRequest => &["haproxy", "haproxy.captured_request_headers"],
            T::HaCapturedResponse => &["haproxy", "haproxy.captured_response_headers"],
        }
    }
}

impl FieldRef {
    pub(crate) fn kind(&self) -> Option<Kind> {
        match self {
            FieldRef::Num(n) => Some(n.kind()),
            _ => None,
        }
    }

    fn fields(&self) -> Fields {
        match self {
            FieldRef::Num(n) => named(n.field_names()),
            FieldRef::Text(t) => named(t.field_names()),
            FieldRef::Key(d) => key_fields(d),
        }
    }
}

/// The fields named; every field if a name were not one (a test checks each is).
fn named(names: &[&str]) -> Fields {
    Fields::named(names).unwrap_or(Fields::ALL)
}

/// What evaluating an expression needs besides the record: the layout's extra variable
/// names, and where a key built rather than sliced from the line is written.
pub(crate) struct Scratch<'c> {
    pub(crate) extra_names: &'c [String],
    pub(crate) buf: Vec<u8>,
}

impl Expr {
    /// The fields of a record the expression reads (the parser's projection).
    pub fn fields(&self) -> Fields {
        match self {
            Expr::And(a, b) | Expr::Or(a, b) => a.fields().union(b.fields()),
            Expr::Not(a) => a.fields(),
            Expr::Cmp(c) => c.field.fields(),
        }
    }

    /// Whether `r` passes.
    pub(crate) fn eval(&self, r: &Record<'_>, cx: &mut Scratch<'_>) -> bool {
        match self {
            Expr::And(a, b) => a.eval(r, cx) && b.eval(r, cx),
            Expr::Or(a, b) => a.eval(r, cx) || b.eval(r, cx),
            Expr::Not(a) => !a.eval(r, cx),
            Expr::Cmp(c) => c.eval(r, cx),
        }
    }
}

/// `v` unless it is empty or `-` (what logs write for no value).
#[inline]
fn present(v: &[u8]) -> Option<&[u8]> {
    (!v.is_empty() && v != b"-").then_some(v)
}

impl Cmp {
    /// A missing value (`-`, a field the layout lacks) passes no comparison, `!=` and
    /// `in` included.
    fn eval(&self, r: &Record<'_>, cx: &mut Scratch<'_>) -> bool {
        if let FieldRef::Num(n) = &self.field {
            let Some(v) = n.get(r) else {
                return false;
            };
            return match &self.test {
                Test::Num(op, want) => op.holds(v, *want),
                Test::NumIn(set) => set.contains(&v),
                // parse.rs gives a numeric field only numeric tests.
                _ => false,
            };
        }
        let kcx = KeyContext {
            source: "",
            extra_names: cx.extra_names,
        };
        let value = match &self.field {
            FieldRef::Text(t) => present(t.get(r)),
            FieldRef::Key(d) => key_of(d, r, kcx, &mut cx.buf),
            FieldRef::Num(_) => None,
        };
        let Some(v) = value else {
            return false;
        };
        match &self.test {
            Test::Eq(want) => v == &want[..],
            Test::Ne(want) => v != &want[..],
            Test::Prefix(p) => v.starts_with(p),
            Test::Regex(re) => re.is_match(v),
            Test::In(set) => set.iter().any(|w| v == &w[..]),
            Test::Num(..) | Test::NumIn(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axlog_format::{Format, Preset};

    /// Every name of [`field_named`]'s table but the dimensions'.
    const NAMES: &[&str] = &[
        "status",
        "bytes",
        "bytes_sent",
        "request_length",
        "response_bytes",
        "server_port",
        "connection",
        "request_time",
        "request_time_us",
        "upstream_time",
        "upstream_time_us",
        "upstream_response_time",
        "upstream_connect_time",
        "upstream_connect_us",
        "upstream_header_time",
        "upstream_header_us",
        "TR",
        "Tw",
        "Tc",
        "Tr",
        "Ta",
        "haproxy.tr",
        "haproxy.tw_us",
        "haproxy.tc",
        "haproxy.tresp",
        "haproxy.ta_us",
        "haproxy.client_port",
        "haproxy.actconn",
        "haproxy.feconn",
        "haproxy.beconn",
        "haproxy.srv_conn",
        "haproxy.retries",
        "haproxy.srv_queue",
        "haproxy.backend_queue",
        "remote_user",
        "request",
        "uri",
        "referer",
        "protocol",
        "query",
        "scheme",
        "x_forwarded_for",
        "upstream_addr",
        "upstream_status",
        "tls_cipher",
        "haproxy.syslog_host",
        "haproxy.server",
        "haproxy.backend_server",
        "haproxy.termination_state",
        "haproxy.captured_request_headers",
        "haproxy.captured_response_headers",
    ];

    #[test]
    fn every_field_reads_named_fields() {
        for name in NAMES {
            let f = field_named(name).unwrap();
            let names = match &f {
                FieldRef::Num(n) => n.field_names(),
                FieldRef::Text(t) => t.field_names(),
                FieldRef::Key(_) => panic!("{name} is a dimension"),
            };
            assert!(Fields::named(names).is_some(), "{name}: {names:?}");
        }
        assert_eq!(field_named("source"), None);
        assert_eq!(field_named("path"), Some(FieldRef::Key(Dimension::Path)));
        assert_eq!(
            field_named("http_x_tenant"),
            Some(FieldRef::Key(Dimension::Extra("http_x_tenant".into())))
        );
    }

    /// A field's projection is enough: the filter gives what the full parse gives.
    #[test]
    fn projected_records_give_the_full_parse_answer() {
        let line = r#"10.0.0.9:5123 [21/Nov/2026:10:00:01.250] web~ api/s2 0/0/1/20/1500 503 2048 - - SD-- 1/1/0/0/2 0/0 "POST /api/v1/x HTTP/1.1""#;
        let exprs = [
            "Ta>1s and status=503",
            "server^=api/ and termination=SD",
            "haproxy.retries=2 and bytes>2KB",
            "method in (POST) and path~'^/api/v[12]/'",
        ];
        for e in exprs {
            let expr = super::super::parse(e).unwrap();
            let mut full = Format::Preset(Preset::Haproxy).parser();
            let mut cx = Scratch {
                extra_names: &[],
                buf: Vec::new(),
            };
            assert!(
                expr.eval(&full.parse(line.as_bytes()).unwrap(), &mut cx),
                "{e}"
            );
            full.set_projection(expr.fields());
            assert!(
                expr.eval(&full.parse(line.as_bytes()).unwrap(), &mut cx),
                "{e}: projected"
            );
        }
    }
}
