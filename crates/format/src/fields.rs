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

#[cfg(test)]
mod tests {
    use super::FIELDS;

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
}
