//! Each [`Dimension`]'s key in a parsed request: the other half of a breakdown. The stats
//! crate names a dimension and keeps its table; it does not parse lines, so taking the
//! key out of a [`Record`] is here. A new dimension is one variant there and one arm
//! here.

use axlog_format::fields::Field as F;
use axlog_format::useragent::classify;
use axlog_format::{Fields, Record, split_request};
use axlog_stats::Dimension;

/// What a key may come from besides the record: the source it was read from, and the
/// names of its layout's extra variables (`Record::extras`, in slot order).
#[derive(Debug, Clone, Copy)]
pub struct KeyContext<'a> {
    /// The source's label (see [`crate::SourceId`]).
    pub source: &'a str,
    pub extra_names: &'a [String],
}

/// The key of `dim` in `rec`: a slice of the line, or bytes built in `buf` (a path with
/// its escapes undone, a folded endpoint, a status code); `None` when the request has no
/// such value (an HAProxy backend in an nginx line, an empty field, `-`).
pub fn key_of<'a>(
    dim: &Dimension,
    rec: &Record<'a>,
    cx: KeyContext<'a>,
    buf: &'a mut Vec<u8>,
) -> Option<&'a [u8]> {
    let present = |v: &'a [u8]| (!v.is_empty() && v != b"-").then_some(v);
    let ha = rec.haproxy.as_ref();
    match dim {
        Dimension::Path => decoded(rec, rec.path()?, buf),
        Dimension::Endpoint => {
            let path = rec.path()?;
            match rec.escaping.may_hold_escape(path) {
                false => endpoint_of(path, buf),
                true => {
                    let decoded = rec.escaping.decode(path).into_owned();
                    let mut folded = Vec::new();
                    *buf = match axlog_endpoint::builtin::fold_into(&decoded, &mut folded) {
                        false => decoded,
                        true => folded,
                    };
                    Some(&buf[..])
                }
            }
        }
        Dimension::Source => Some(cx.source.as_bytes()),
        // Escapes undone, as in paths, user agents and Parquet's columns: nginx writes a
        // byte of a raw UTF-8 host (or a control byte) as `\xHH`.
        Dimension::Host => decoded(rec, present(rec.host)?, buf),
        // The attempt that answered: the last of the list nginx logs after retries (`, `)
        // and internal redirects (` : `); an address holds no space nor comma
        // (attempts.rs's `tokens`).
        Dimension::Upstream => {
            let last = rec
                .upstream_addr
                .rsplit(|&b| b == b' ' || b == b',')
                .find(|t| !t.is_empty() && *t != b":")?;
            present(last)
        }
        Dimension::Frontend => present(ha?.frontend),
        Dimension::Backend => present(ha?.backend),
        Dimension::Server => present(ha?.backend_server),
        Dimension::Status => {
            decimal(rec.status, buf);
            Some(&buf[..])
        }
        Dimension::StatusClass => Some(match rec.status / 100 {
            1 => b"1xx",
            2 => b"2xx",
            3 => b"3xx",
            4 => b"4xx",
            5 => b"5xx",
            _ => b"other",
        }),
        Dimension::Method => match present(rec.method) {
            Some(m) => Some(m),
            None => split_request(rec.request).map(|p| p.method),
        },
        Dimension::Client => present(rec.remote_addr),
        // The family; an empty or `-` agent is `other`, a family like any.
        Dimension::UserAgent => Some(classify(rec.user_agent).name().as_bytes()),
        Dimension::UserAgentRaw => decoded(rec, present(rec.user_agent)?, buf),
        // What ended the session and in which phase; the cookie characters after them
        // say nothing of a failure.
        Dimension::Termination => {
            let t = ha?.termination_state;
            (!t.is_empty()).then(|| t.get(..2).unwrap_or(t))
        }
        Dimension::TerminationState => present(ha?.termination_state),
        Dimension::CacheStatus => present(rec.cache_status),
        Dimension::TlsProtocol => present(rec.tls_protocol),
        Dimension::Extra(name) => {
            let slot = cx.extra_names.iter().position(|n| n == name)?;
            let kept = rec.extras.get(..usize::from(rec.extras_len))?;
            decoded(rec, present(kept.get(slot)?)?, buf)
        }
        Dimension::Pair(a, b) => pair_of(a, b, rec, None, cx, buf),
    }
}

/// The key of a two-level row ([`axlog_stats::dimension::pair_key`]): none without the
/// first key; `-` for a second that is missing, so that the row's sub-rows count all of
/// its requests.
fn pair_of<'a>(
    a: &Dimension,
    b: &Dimension,
    rec: &Record<'a>,
    path: Option<&'a [u8]>,
    cx: KeyContext<'a>,
    buf: &'a mut Vec<u8>,
) -> Option<&'a [u8]> {
    // The first key is copied out before the second is built in `buf`.
    let first = key_with_path(a, rec, path, cx, &mut *buf)?.to_vec();
    let mut pair = Vec::with_capacity(first.len() + 24);
    let second = key_with_path(b, rec, path, cx, &mut *buf).unwrap_or(b"-");
    axlog_stats::dimension::pair_key(&first, second, &mut pair);
    *buf = pair;
    Some(&buf[..])
}

/// The fields of a record [`key_of`] reads for `dim`: what a projected parser must fill
/// besides the statistics' own (`stats_fields`).
pub fn key_fields(dim: &Dimension) -> Fields {
    let fields: &[F] = match dim {
        Dimension::Path | Dimension::Endpoint => &[F::REQUEST, F::URI, F::ESCAPING],
        Dimension::Source => &[],
        Dimension::Host => &[F::HOST],
        Dimension::Upstream => &[F::UPSTREAM_ADDR],
        Dimension::Frontend => &[F::HAPROXY, F::HA_FRONTEND],
        Dimension::Backend => &[F::HAPROXY, F::HA_BACKEND],
        Dimension::Server => &[F::HAPROXY, F::HA_BACKEND_SERVER],
        Dimension::Status | Dimension::StatusClass => &[F::STATUS],
        Dimension::Termination | Dimension::TerminationState => {
            &[F::HAPROXY, F::HA_TERMINATION_STATE]
        }
        Dimension::CacheStatus => &[F::CACHE_STATUS],
        Dimension::TlsProtocol => &[F::TLS_PROTOCOL],
        Dimension::Method => &[F::METHOD, F::REQUEST],
        Dimension::Client => &[F::REMOTE_ADDR],
        Dimension::UserAgent => &[F::USER_AGENT],
        Dimension::UserAgentRaw => &[F::USER_AGENT, F::ESCAPING],
        Dimension::Extra(_) => &[F::EXTRAS],
        Dimension::Pair(a, b) => return key_fields(a).union(key_fields(b)),
    };
    fields.iter().fold(Fields::NONE, |all, &f| all.with(f))
}

/// `n` in decimal into `buf`, written by hand: formatting machinery and a `String` per
/// request cost more than the rest of a status key.
fn decimal(mut n: u16, buf: &mut Vec<u8>) {
    let mut digits = [0u8; 5];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.clear();
    buf.extend_from_slice(&digits[i..]);
}

/// [`key_of`] for a caller that has the request's path already, its escapes undone (the
/// statistics sink does, for the path table): the path and endpoint keys start from it
/// instead of finding it again.
#[inline]
pub fn key_with_path<'a>(
    dim: &Dimension,
    rec: &Record<'a>,
    path: Option<&'a [u8]>,
    cx: KeyContext<'a>,
    buf: &'a mut Vec<u8>,
) -> Option<&'a [u8]> {
    match dim {
        Dimension::Path => path,
        Dimension::Endpoint => endpoint_of(path?, buf),
        Dimension::Pair(a, b) => pair_of(a, b, rec, path, cx, buf),
        _ => key_of(dim, rec, cx, buf),
    }
}

/// The endpoint of `path`: itself, or its IDs folded into `buf` (whose memory the next
/// request reuses).
#[inline]
fn endpoint_of<'a>(path: &'a [u8], buf: &'a mut Vec<u8>) -> Option<&'a [u8]> {
    match axlog_endpoint::builtin::fold_into(path, buf) {
        false => Some(path),
        true => Some(&buf[..]),
    }
}

/// `v` with the escapes its layout writes undone (`/a\x22b` is `/a"b`), built in `buf`
/// only when it holds one.
fn decoded<'a>(rec: &Record<'a>, v: &'a [u8], buf: &'a mut Vec<u8>) -> Option<&'a [u8]> {
    if !rec.escaping.may_hold_escape(v) {
        return Some(v);
    }
    *buf = rec.escaping.decode(v).into_owned();
    Some(&buf[..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use axlog_format::{Fields, Format, LineParser, Preset};

    /// The key of dimension `name` in `line`, read by `parser` told `fields`, with the
    /// extra variable names `extra`.
    fn key_in(
        parser: &LineParser,
        fields: Fields,
        line: &str,
        name: &str,
        extra: &[String],
    ) -> Option<String> {
        let mut p = parser.clone();
        p.set_projection(fields);
        let rec = p.parse(line.as_bytes()).unwrap();
        let dim: Dimension = name.parse().unwrap();
        let mut buf = Vec::new();
        let cx = KeyContext {
            source: "web1",
            extra_names: extra,
        };
        key_of(&dim, &rec, cx, &mut buf).map(|k| String::from_utf8_lossy(k).into_owned())
    }

    /// The dimensions the first tests name, in the order their expected lists give.
    const DIMS: [&str; 13] = [
        "path",
        "endpoint",
        "source",
        "host",
        "upstream",
        "backend",
        "server",
        "status",
        "method",
        "client",
        "user-agent",
        "user-agent-raw",
        "field:req_id",
    ];

    /// The key of every dimension of [`DIMS`] in `line` read as `format`, with the extra
    /// variable names `extra`.
    fn keys(format: Format, line: &str, extra: &[String]) -> Vec<(String, Option<String>)> {
        let parser = format.parser();
        DIMS.iter()
            .map(|name| {
                let key = key_in(&parser, Fields::ALL, line, name, extra);
                (name.to_string(), key)
            })
            .collect()
    }

    fn want(pairs: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        pairs
            .iter()
            .map(|(n, k)| (n.to_string(), k.map(str::to_string)))
            .collect()
    }

    #[test]
    fn host_and_field_keys_are_decoded_as_paths_are() {
        // nginx writes the bytes of `é` (C3 A9) and ESC as `\xHH`, and a backslash the
        // client sent as `\x5C`: the keys hold the bytes, once.
        let def = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $host $http_x_tag"#;
        let f = Format::Definition(std::sync::Arc::new(
            axlog_format::logformat::Definition::compile(def).unwrap(),
        ));
        let line = r#"10.0.0.1 - - [21/Nov/2026:10:00:01 +0000] "GET /caf\xC3\xA9 HTTP/1.1" 200 5 "-" "ua" caf\xC3\xA9.example \x1B[31m\x5Cx41"#;
        let extra = f.parser().extra_names();
        assert_eq!(
            key_in(&f.parser(), Fields::ALL, line, "host", &extra).as_deref(),
            Some("café.example")
        );
        assert_eq!(
            key_in(&f.parser(), Fields::ALL, line, "field:http_x_tag", &extra).as_deref(),
            Some("\u{1b}[31m\\x41")
        );
        assert_eq!(
            key_in(&f.parser(), Fields::ALL, line, "path", &extra).as_deref(),
            Some("/café")
        );
    }

    #[test]
    fn nginx_upstreaminfo_keys() {
        // ingress-nginx's upstreaminfo: a retried request (two upstream attempts), an
        // escaped quote in the path, a numeric ID, and $req_id as its last variable.
        let line = r#"10.1.2.3 - - [21/Nov/2026:10:00:01 +0000] "GET /api/v1/users/4711/a\x22b?x=1 HTTP/1.1" 502 15 "-" "curl/8.5" 310 0.020 [default-api-80] [] 10.0.0.1:8080, 10.0.0.2:8080 0, 15 0.010, 0.010 502, 502 req77"#;
        let f = Format::Preset(Preset::IngressUpstreaminfo);
        let extra = f.parser().extra_names();
        assert!(extra.contains(&"req_id".to_string()), "{extra:?}");
        assert_eq!(
            keys(f, line, &extra),
            want(&[
                ("path", Some("/api/v1/users/4711/a\"b")),
                ("endpoint", Some("/api/v1/users/:id/a\"b")),
                ("source", Some("web1")),
                ("host", None),
                ("upstream", Some("10.0.0.2:8080")),
                ("backend", None),
                ("server", None),
                ("status", Some("502")),
                ("method", Some("GET")),
                ("client", Some("10.1.2.3")),
                ("user-agent", Some("tool")),
                ("user-agent-raw", Some("curl/8.5")),
                ("field:req_id", Some("req77")),
            ])
        );
        // After an internal redirect the answer came from the last group's last address.
        let redirected = line.replace(
            "10.0.0.1:8080, 10.0.0.2:8080 0, 15 0.010, 0.010 502, 502",
            "10.0.0.1:8080, 10.0.0.2:8080 : unix:/run/b.sock 0, 0 : 15 0.010, 0.010 : 0.001 502, 502 : 502",
        );
        assert_eq!(
            key(
                &Format::Preset(Preset::IngressUpstreaminfo),
                &redirected,
                "upstream"
            )
            .as_deref(),
            Some("unix:/run/b.sock")
        );
    }

    #[test]
    fn haproxy_keys() {
        let line = r#"Nov 21 10:00:01 lb1 haproxy[1]: 10.0.0.9:5123 [21/Nov/2026:10:00:01.250] web~ api/s2 0/0/1/20/21 200 512 - - ---- 1/1/0/0/0 0/0 "POST /orders/9f8e7d6c5b4a39281706f5e4d3c2b1a0 HTTP/1.1""#;
        assert_eq!(
            keys(Format::Preset(Preset::Haproxy), line, &[]),
            want(&[
                ("path", Some("/orders/9f8e7d6c5b4a39281706f5e4d3c2b1a0")),
                ("endpoint", Some("/orders/:hex")),
                ("source", Some("web1")),
                ("host", None),
                ("upstream", None),
                ("backend", Some("api")),
                ("server", Some("api/s2")),
                ("status", Some("200")),
                ("method", Some("POST")),
                ("client", Some("10.0.0.9")),
                ("user-agent", Some("other")),
                ("user-agent-raw", None),
                ("field:req_id", None),
            ])
        );
    }

    /// The key of `name` in `line` read as `format`.
    fn key(format: &Format, line: &str, name: &str) -> Option<String> {
        key_in(&format.parser(), Fields::ALL, line, name, &[])
    }

    #[test]
    fn status_class_frontend_termination_cache_and_tls_keys() {
        let ha = Format::Preset(Preset::Haproxy);
        let line = |status: &str, term: &str| {
            format!(
                "10.0.0.9:5123 [21/Nov/2026:10:00:01.250] web~ api/s2 0/0/1/20/21 {status} 512 - - {term} 1/1/0/0/0 0/0 \"GET /a HTTP/1.1\""
            )
        };
        let sd = line("502", "SD--");
        assert_eq!(key(&ha, &sd, "status-class").as_deref(), Some("5xx"));
        assert_eq!(key(&ha, &sd, "frontend").as_deref(), Some("web~"));
        assert_eq!(key(&ha, &sd, "termination").as_deref(), Some("SD"));
        assert_eq!(key(&ha, &sd, "termination-state").as_deref(), Some("SD--"));
        let ok = line("200", "----");
        assert_eq!(key(&ha, &ok, "status-class").as_deref(), Some("2xx"));
        assert_eq!(key(&ha, &ok, "termination").as_deref(), Some("--"));
        // nginx: the cache status and TLS protocol where the layout logs them.
        let def = r#"$remote_addr [$time_local] "$request" $status $body_bytes_sent $upstream_cache_status $ssl_protocol"#;
        let f = Format::Definition(std::sync::Arc::new(
            axlog_format::logformat::Definition::compile(def).unwrap(),
        ));
        let l = r#"10.0.0.1 [21/Nov/2026:10:00:01 +0000] "GET /a HTTP/1.1" 404 5 HIT TLSv1.3"#;
        assert_eq!(key(&f, l, "cache-status").as_deref(), Some("HIT"));
        assert_eq!(key(&f, l, "tls-protocol").as_deref(), Some("TLSv1.3"));
        assert_eq!(key(&f, l, "status-class").as_deref(), Some("4xx"));
        assert_eq!(key(&f, l, "termination"), None);
        assert_eq!(key(&f, l, "termination-state"), None);
        assert_eq!(key(&f, l, "frontend"), None);
        let l = r#"10.0.0.1 [21/Nov/2026:10:00:01 +0000] "GET /a HTTP/1.1" 200 5 - -"#;
        assert_eq!(key(&f, l, "cache-status"), None);
        assert_eq!(key(&f, l, "tls-protocol"), None);
    }

    #[test]
    fn a_vhost_layout_has_a_host() {
        let line = r#"shop.example:443 10.0.0.5 - - [21/Nov/2026:10:00:01 +0000] "HEAD / HTTP/1.1" 304 - "-" "Mozilla/5.0""#;
        let keys = keys(Format::Preset(Preset::ApacheVhostCombined), line, &[]);
        let get = |n: &str| keys.iter().find(|k| k.0 == n).and_then(|k| k.1.clone());
        assert_eq!(get("host").as_deref(), Some("shop.example"));
        assert_eq!(get("method").as_deref(), Some("HEAD"));
        assert_eq!(get("endpoint").as_deref(), Some("/"));
        // No engine named: not taken for a browser.
        assert_eq!(get("user-agent").as_deref(), Some("other"));
        assert_eq!(get("user-agent-raw").as_deref(), Some("Mozilla/5.0"));
    }
    /// A parser told only the statistics' fields and `key_fields(dim)` (as the stats
    /// sink tells it) gives every dimension the key the full parse gives.
    #[test]
    fn key_fields_are_enough_for_the_key() {
        let nginx = r#"10.1.2.3 - - [21/Nov/2026:10:00:01 +0000] "GET /api/v1/users/4711/a\x22b?x=1 HTTP/1.1" 502 15 "-" "curl/8.5" 310 0.020 [default-api-80] [] 10.0.0.1:8080, 10.0.0.2:8080 0, 15 0.010, 0.010 502, 502 req77"#;
        let ha = r#"Nov 21 10:00:01 lb1 haproxy[1]: 10.0.0.9:5123 [21/Nov/2026:10:00:01.250] web~ api/s2 0/0/1/20/21 200 512 - - ---- 1/1/0/0/0 0/0 "POST /orders/9f8e7d6c5b4a39281706f5e4d3c2b1a0 HTTP/1.1""#;
        let vhost = r#"shop.example:443 10.0.0.5 - - [21/Nov/2026:10:00:01 +0000] "HEAD / HTTP/1.1" 304 - "-" "Mozilla/5.0""#;
        let timed = r#"10.0.0.7 - - [21/Nov/2026:10:00:01 +0000] "PUT /x%20y HTTP/1.1" 201 3 "-" "Wget/1.21" 0.003 0.002"#;
        let cases = [
            (Preset::IngressUpstreaminfo, nginx),
            (Preset::Haproxy, ha),
            (Preset::ApacheVhostCombined, vhost),
            (Preset::NginxTimed, timed),
        ];
        // Those of the first tests, and the ones added since.
        let more = [
            "status-class",
            "frontend",
            "termination",
            "termination-state",
            "cache-status",
            "tls-protocol",
        ];
        for (preset, line) in cases {
            let full = Format::Preset(preset).parser();
            let extra = full.extra_names();
            let mut found = 0;
            for name in DIMS.iter().chain(&more) {
                let dim: Dimension = name.parse().unwrap();
                let asked = crate::stats_fields().union(key_fields(&dim));
                let want = key_in(&full, Fields::ALL, line, name, &extra);
                let got = key_in(&full, asked, line, name, &extra);
                assert_eq!(got, want, "{preset:?} {name}");
                found += usize::from(want.is_some());
            }
            // Most dimensions have a key in each line: the check is not vacuous.
            assert!(found >= 6, "{preset:?}: {found}");
        }
    }
    #[test]
    fn status_keys_are_their_decimal_form() {
        let mut buf = b"stale".to_vec();
        for n in [0u16, 7, 10, 200, 499, 999, 1000, 65535] {
            decimal(n, &mut buf);
            assert_eq!(buf, n.to_string().into_bytes());
        }
    }
}
