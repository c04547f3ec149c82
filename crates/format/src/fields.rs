//! [`FIELDS`]: the one list of [`Record`](crate::Record)'s fields (and those of its
//! [`HaproxyFields`](crate::record::HaproxyFields), as `haproxy.NAME`), with the Parquet
//! columns each fills and what it means. Other places that name the fields (the Parquet
//! schema, `docs/parquet-schema.md`, `axlog explain`) are checked against it by tests, so
//! a field added to `Record` and forgotten there fails a test rather than a reader.

/// One field of [`Record`](crate::Record) or of its HAProxy part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldInfo {
    /// The field's name in the struct; `haproxy.NAME` for a field of `HaproxyFields`.
    pub name: &'static str,
    /// The row-schema columns the field fills, `None` for a field no column holds.
    pub columns: Option<&'static [&'static str]>,
    /// What it holds, in one line.
    pub meaning: &'static str,
}

const fn field(
    name: &'static str,
    columns: Option<&'static [&'static str]>,
    meaning: &'static str,
) -> FieldInfo {
    FieldInfo {
        name,
        columns,
        meaning,
    }
}

/// Every field of `Record`, then of `HaproxyFields`, in the structs' order.
pub const FIELDS: &[FieldInfo] = &[
    field(
        "ts_us",
        Some(&["ts"]),
        "request time, UTC µs since the epoch",
    ),
    field(
        "utc_offset_min",
        None,
        "the UTC offset the log wrote, minutes east",
    ),
    field("remote_addr", Some(&["client_ip"]), "client address"),
    field("remote_user", Some(&["remote_user"]), "authenticated user"),
    field(
        "request",
        Some(&["method", "path", "query", "endpoint", "protocol"]),
        "the request line as logged",
    ),
    field(
        "method",
        Some(&["method"]),
        "request method, where logged on its own",
    ),
    field(
        "uri",
        Some(&["path", "query", "endpoint"]),
        "request target, where logged on its own",
    ),
    field("status", Some(&["status"]), "HTTP status; 0 for `-`"),
    field("bytes_sent", Some(&["bytes_sent"]), "response body bytes"),
    field("referer", Some(&["referer"]), "Referer header"),
    field("user_agent", Some(&["user_agent"]), "User-Agent header"),
    field(
        "protocol",
        Some(&["protocol"]),
        "request protocol, where logged on its own",
    ),
    field(
        "query",
        Some(&["query"]),
        "query string, where logged on its own",
    ),
    field("host", Some(&["host"]), "virtual host or Host header"),
    field("server_port", Some(&["server_port"]), "server port"),
    field("scheme", Some(&["scheme"]), "request scheme"),
    field(
        "request_length",
        Some(&["request_length"]),
        "request bytes with headers",
    ),
    field(
        "response_bytes",
        Some(&["response_bytes"]),
        "response bytes with headers",
    ),
    field(
        "x_forwarded_for",
        Some(&["x_forwarded_for"]),
        "X-Forwarded-For header",
    ),
    field(
        "upstream_addr",
        Some(&["upstream_addr"]),
        "upstream addresses, one per attempt",
    ),
    field(
        "upstream_status",
        Some(&["upstream_status"]),
        "upstream statuses, one per attempt",
    ),
    field(
        "upstream_response_length",
        None,
        "upstream response lengths, one per attempt",
    ),
    field(
        "upstream_connect_us",
        Some(&["upstream_connect_us"]),
        "upstream connect time, µs, summed over attempts",
    ),
    field(
        "upstream_header_us",
        Some(&["upstream_header_us"]),
        "upstream header time, µs, summed over attempts",
    ),
    field("cache_status", Some(&["cache_status"]), "cache status"),
    field("tls_protocol", Some(&["tls_protocol"]), "TLS protocol"),
    field("tls_cipher", Some(&["tls_cipher"]), "TLS cipher"),
    field(
        "connection",
        Some(&["connection"]),
        "nginx connection serial number",
    ),
    field(
        "request_time_us",
        Some(&["request_time_us"]),
        "request time, µs",
    ),
    field(
        "upstream_time_us",
        Some(&["upstream_time_us"]),
        "upstream response time, µs, summed over attempts",
    ),
    field(
        "upstream_times_raw",
        Some(&["upstream_attempts"]),
        "upstream response times as written, one per attempt",
    ),
    field(
        "haproxy",
        None,
        "HAProxy's own fields (listed below as haproxy.NAME)",
    ),
    field("escaping", None, "how the text fields are escaped"),
    field(
        "extras",
        Some(&["extras"]),
        "values of the layout's other variables",
    ),
    field("extras_len", None, "how many of `extras` are set"),
    field(
        "unread_fields",
        None,
        "the line has fields after the layout's last",
    ),
    field("line", None, "the line the record was parsed from"),
    field(
        "haproxy.syslog_host",
        Some(&["syslog_host"]),
        "host of the syslog header",
    ),
    field("haproxy.client_port", Some(&["client_port"]), "client port"),
    field("haproxy.frontend", Some(&["frontend"]), "frontend name"),
    field("haproxy.backend", Some(&["backend"]), "backend name"),
    field(
        "haproxy.server",
        Some(&["server"]),
        "server name, or `<NOSRV>`",
    ),
    field("haproxy.backend_server", None, "`backend/server` as logged"),
    field(
        "haproxy.tr_us",
        Some(&["tr_us"]),
        "TR (Tq): time to receive the request, µs",
    ),
    field(
        "haproxy.tw_us",
        Some(&["tw_us"]),
        "Tw: time waiting in queues, µs",
    ),
    field(
        "haproxy.tc_us",
        Some(&["tc_us"]),
        "Tc: time to connect to the server, µs",
    ),
    field(
        "haproxy.tresp_us",
        Some(&["tresp_us"]),
        "Tr: server response time, µs",
    ),
    field("haproxy.ta_us", Some(&["ta_us"]), "Ta (Tt): total time, µs"),
    field(
        "haproxy.termination_state",
        Some(&["termination_state"]),
        "termination state",
    ),
    field("haproxy.actconn", Some(&["actconn"]), "active connections"),
    field("haproxy.feconn", Some(&["feconn"]), "frontend connections"),
    field("haproxy.beconn", Some(&["beconn"]), "backend connections"),
    field(
        "haproxy.srv_conn",
        Some(&["srv_conn"]),
        "server connections",
    ),
    field("haproxy.retries", Some(&["retries"]), "retries"),
    field(
        "haproxy.srv_queue",
        Some(&["srv_queue"]),
        "server queue length",
    ),
    field(
        "haproxy.backend_queue",
        Some(&["backend_queue"]),
        "backend queue length",
    ),
    field(
        "haproxy.captured_request_headers",
        Some(&["captured_request_headers"]),
        "captured request headers, `|`-separated",
    ),
    field(
        "haproxy.captured_response_headers",
        Some(&["captured_response_headers"]),
        "captured response headers, `|`-separated",
    ),
    field("haproxy.tcp", None, "a tcplog line (no HTTP request)"),
];

/// One entry of [`FIELDS`], by its index: what a parser checks to know whether a field
/// is asked for. Made from a name by [`Field::named`], which fails to compile for a name
/// `FIELDS` lacks, so the constants below cannot drift from the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field(u8);

// One bit per entry of `FIELDS` in a `u64`.
const _: () = assert!(FIELDS.len() <= 64);

/// `a == b` in a `const fn` (`str`'s `==` is not `const`).
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The index of `name` in [`FIELDS`].
const fn index_of(name: &str) -> Option<usize> {
    let mut i = 0;
    while i < FIELDS.len() {
        if same(FIELDS[i].name, name) {
            return Some(i);
        }
        i += 1;
    }
    None
}

impl Field {
    /// The field of `FIELDS` named `name`. For constants only: evaluated at compile time,
    /// an unknown name stops the build.
    const fn named(name: &str) -> Field {
        match index_of(name) {
            Some(i) => Field(i as u8),
            None => panic!("not a name of FIELDS"),
        }
    }

    /// The field's entry in [`FIELDS`].
    pub fn info(self) -> &'static FieldInfo {
        &FIELDS[self.0 as usize]
    }

    pub const TS_US: Field = Field::named("ts_us");
    pub const UTC_OFFSET_MIN: Field = Field::named("utc_offset_min");
    pub const REMOTE_ADDR: Field = Field::named("remote_addr");
    pub const REMOTE_USER: Field = Field::named("remote_user");
    pub const REQUEST: Field = Field::named("request");
    pub const METHOD: Field = Field::named("method");
    pub const URI: Field = Field::named("uri");
    pub const STATUS: Field = Field::named("status");
    pub const BYTES_SENT: Field = Field::named("bytes_sent");
    pub const REFERER: Field = Field::named("referer");
    pub const USER_AGENT: Field = Field::named("user_agent");
    pub const HOST: Field = Field::named("host");
    pub const SERVER_PORT: Field = Field::named("server_port");
    pub const REQUEST_LENGTH: Field = Field::named("request_length");
    pub const RESPONSE_BYTES: Field = Field::named("response_bytes");
    pub const UPSTREAM_ADDR: Field = Field::named("upstream_addr");
    pub const UPSTREAM_STATUS: Field = Field::named("upstream_status");
    pub const UPSTREAM_RESPONSE_LENGTH: Field = Field::named("upstream_response_length");
    pub const UPSTREAM_CONNECT_US: Field = Field::named("upstream_connect_us");
    pub const UPSTREAM_HEADER_US: Field = Field::named("upstream_header_us");
    pub const CACHE_STATUS: Field = Field::named("cache_status");
    pub const TLS_PROTOCOL: Field = Field::named("tls_protocol");
    pub const CONNECTION: Field = Field::named("connection");
    pub const REQUEST_TIME_US: Field = Field::named("request_time_us");
    pub const UPSTREAM_TIME_US: Field = Field::named("upstream_time_us");
    pub const UPSTREAM_TIMES_RAW: Field = Field::named("upstream_times_raw");
    pub const HAPROXY: Field = Field::named("haproxy");
    pub const ESCAPING: Field = Field::named("escaping");
    pub const EXTRAS: Field = Field::named("extras");
    pub const UNREAD_FIELDS: Field = Field::named("unread_fields");
    pub const HA_SYSLOG_HOST: Field = Field::named("haproxy.syslog_host");
    pub const HA_CLIENT_PORT: Field = Field::named("haproxy.client_port");
    pub const HA_FRONTEND: Field = Field::named("haproxy.frontend");
    pub const HA_BACKEND: Field = Field::named("haproxy.backend");
    pub const HA_SERVER: Field = Field::named("haproxy.server");
    pub const HA_BACKEND_SERVER: Field = Field::named("haproxy.backend_server");
    pub const HA_TR_US: Field = Field::named("haproxy.tr_us");
    pub const HA_TW_US: Field = Field::named("haproxy.tw_us");
    pub const HA_TC_US: Field = Field::named("haproxy.tc_us");
    pub const HA_TRESP_US: Field = Field::named("haproxy.tresp_us");
    pub const HA_TA_US: Field = Field::named("haproxy.ta_us");
    pub const HA_TERMINATION_STATE: Field = Field::named("haproxy.termination_state");
    pub const HA_CAPTURED_REQUEST_HEADERS: Field = Field::named("haproxy.captured_request_headers");
    pub const HA_CAPTURED_RESPONSE_HEADERS: Field =
        Field::named("haproxy.captured_response_headers");
}

/// A projection: a set of entries of [`FIELDS`] (one bit per entry, in its order), the
/// fields a run's outputs read. A parser fills every field of the set exactly as it
/// would fill it for [`Fields::ALL`], and may leave the others at their defaults; which
/// lines it accepts, and the error of those it rejects, do not depend on the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fields(u64);

impl Fields {
    /// Every field: what a parser fills unless told otherwise.
    pub const ALL: Fields = Fields(if FIELDS.len() == 64 {
        u64::MAX
    } else {
        (1u64 << FIELDS.len()) - 1
    });
    /// No field: lines are only checked (and counted).
    pub const NONE: Fields = Fields(0);

    /// The fields of both sets.
    #[must_use]
    pub const fn union(self, other: Fields) -> Fields {
        Fields(self.0 | other.0)
    }

    /// The set of one field.
    pub const fn of(f: Field) -> Fields {
        Fields(1 << f.0)
    }

    /// The set with `f` added.
    #[must_use]
    pub const fn with(self, f: Field) -> Fields {
        self.union(Fields::of(f))
    }

    /// Whether `f` is in the set: the check parsers make on their hot paths.
    #[inline(always)]
    pub const fn has(self, f: Field) -> bool {
        self.0 & (1 << f.0) != 0
    }

    /// Whether the field named `name` (as in [`FIELDS`]) is in the set; `false` for a
    /// name `FIELDS` lacks.
    pub const fn contains(self, name: &str) -> bool {
        match index_of(name) {
            Some(i) => self.0 & (1 << i) != 0,
            None => false,
        }
    }

    /// The fields named (as in [`FIELDS`]); `None` when a name is not one of them.
    pub const fn named(names: &[&str]) -> Option<Fields> {
        let mut bits = 0u64;
        let mut i = 0;
        while i < names.len() {
            match index_of(names[i]) {
                Some(k) => bits |= 1 << k,
                None => return None,
            }
            i += 1;
        }
        Some(Fields(bits))
    }

    /// The entries of [`FIELDS`] in the set, in its order.
    pub fn iter(self) -> impl Iterator<Item = &'static FieldInfo> {
        FIELDS
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, f)| f)
    }
}

impl Default for Fields {
    fn default() -> Fields {
        Fields::ALL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `pub` field names of `pub struct NAME<'a> { ... }` in record.rs, read from its
    /// source: a field added to the struct without a line in `FIELDS` fails the test.
    fn struct_fields(name: &str, prefix: &str) -> Vec<String> {
        let src = include_str!("record.rs");
        let head = format!("pub struct {name}<'a> {{");
        let start = src.find(&head).map(|i| i + head.len());
        let Some(start) = start else {
            panic!("record.rs has no `{head}`");
        };
        let body = &src[start..];
        let body = &body[..body.find("\n}").unwrap_or(body.len())];
        body.lines()
            .filter_map(|l| l.trim().strip_prefix("pub "))
            .filter_map(|l| l.split_once(':'))
            .map(|(n, _)| format!("{prefix}{}", n.trim()))
            .collect()
    }

    #[test]
    fn lists_every_record_field_in_order() {
        let mut want = struct_fields("Record", "");
        want.extend(struct_fields("HaproxyFields", "haproxy."));
        assert!(want.len() > 50, "read too few fields: {want:?}");
        let listed: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(listed, want);
    }

    #[test]
    fn every_field_has_a_meaning_and_no_empty_column_list() {
        for f in FIELDS {
            assert!(!f.meaning.is_empty(), "{}", f.name);
            assert_ne!(f.columns, Some(&[][..]), "{}: use None", f.name);
        }
    }

    #[test]
    fn every_name_is_one_bit_in_order() {
        for (i, f) in FIELDS.iter().enumerate() {
            let one = Fields::named(&[f.name]);
            assert_eq!(one.map(|s| s.0), Some(1u64 << i), "{}", f.name);
            assert!(Fields::ALL.contains(f.name), "{}", f.name);
            assert!(!Fields::NONE.contains(f.name), "{}", f.name);
            assert_eq!(
                one.map(|s| s.iter().map(|g| g.name).collect::<Vec<_>>()),
                Some(vec![f.name])
            );
        }
        assert_eq!(Fields::ALL.iter().count(), FIELDS.len());
        assert_eq!(Fields::NONE.iter().count(), 0);
        assert_eq!(Fields::named(&["no_such_field"]), None);
        assert_eq!(Fields::named(&["status", "haproxy.nope"]), None);
        assert!(!Fields::ALL.contains("haproxy.nope"));
        assert_eq!(Fields::named(&[]), Some(Fields::NONE));
    }

    #[test]
    fn field_constants_name_their_entries() {
        let pairs = [
            (Field::TS_US, "ts_us"),
            (Field::REMOTE_ADDR, "remote_addr"),
            (Field::USER_AGENT, "user_agent"),
            (Field::UPSTREAM_RESPONSE_LENGTH, "upstream_response_length"),
            (Field::UNREAD_FIELDS, "unread_fields"),
            (Field::HA_SYSLOG_HOST, "haproxy.syslog_host"),
            (Field::HA_CLIENT_PORT, "haproxy.client_port"),
            (
                Field::HA_CAPTURED_RESPONSE_HEADERS,
                "haproxy.captured_response_headers",
            ),
        ];
        for (f, name) in pairs {
            assert_eq!(f.info().name, name);
            assert_eq!(
                Fields::of(f),
                Fields::named(&[name]).unwrap_or(Fields::NONE)
            );
            assert!(Fields::of(f).has(f) && Fields::ALL.has(f) && !Fields::NONE.has(f));
        }
    }

    #[test]
    fn sets_combine() {
        let a = Fields::named(&["status", "ts_us"]).unwrap_or(Fields::NONE);
        let b = Fields::of(Field::USER_AGENT);
        let u = a.union(b);
        let names: Vec<&str> = u.iter().map(|f| f.name).collect();
        // FIELDS' order, not the order given.
        assert_eq!(names, ["ts_us", "status", "user_agent"]);
        assert_eq!(a.with(Field::USER_AGENT), u);
        assert_eq!(u.union(Fields::ALL), Fields::ALL);
        assert_eq!(u.union(Fields::NONE), u);
        assert!(u.has(Field::STATUS) && !u.has(Field::REFERER));
        assert_eq!(Fields::default(), Fields::ALL);
    }
}
