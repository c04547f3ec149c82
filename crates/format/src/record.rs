//! `Record<'a>`: one parsed request, borrowing its text from the chunk it came from, and
//! [`HaproxyFields`], what an HAProxy line adds to it (filled by HAProxy's own parser and
//! by custom `log-format` layouts alike).

/// One access-log line, parsed. Text fields borrow bytes from the input (logs are not
/// always UTF-8); numeric fields are already parsed. Absent values are `None`, not zero.
/// A field added here goes into [`crate::fields::FIELDS`] too (a test reads this struct).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Record<'a> {
    /// Request time in UTC microseconds since the epoch.
    pub ts_us: i64,
    /// The UTC offset the log wrote for this line, in minutes east.
    pub utc_offset_min: i16,
    pub remote_addr: &'a [u8],
    pub remote_user: &'a [u8],
    /// The request line as logged: `GET /a?b=1 HTTP/1.1`, `-`, or anything a client sent.
    /// Empty when the layout logs the method and target separately.
    pub request: &'a [u8],
    /// `$request_method`, where a layout logs it on its own.
    pub method: &'a [u8],
    /// `$request_uri` (or `$uri`), where a layout logs the target on its own.
    pub uri: &'a [u8],
    /// HTTP status; `0` when the log wrote `-`.
    pub status: u16,
    pub bytes_sent: Option<u64>,
    pub referer: &'a [u8],
    pub user_agent: &'a [u8],
    /// `$server_protocol` / `%H`, where logged on its own (else it is in `request`).
    pub protocol: &'a [u8],
    /// `$args` / `%q`, where logged on its own.
    pub query: &'a [u8],
    /// `$host`, `$server_name`, `$http_host` / `%v`, `%V`, `%{Host}i`.
    pub host: &'a [u8],
    pub server_port: Option<u16>,
    pub scheme: &'a [u8],
    /// Request size with headers (`$request_length`, `%I`).
    pub request_length: Option<u64>,
    /// Response size with headers (`$bytes_sent`, `%O`); `bytes_sent` is the body.
    pub response_bytes: Option<u64>,
    pub x_forwarded_for: &'a [u8],
    /// Upstream lists as written, one entry per attempt (`10.0.0.1:80, 10.0.0.2:80`).
    pub upstream_addr: &'a [u8],
    pub upstream_status: &'a [u8],
    pub upstream_response_length: &'a [u8],
    /// `$upstream_connect_time` and `$upstream_header_time`, summed over attempts.
    pub upstream_connect_us: Option<u64>,
    pub upstream_header_us: Option<u64>,
    pub cache_status: &'a [u8],
    pub tls_protocol: &'a [u8],
    pub tls_cipher: &'a [u8],
    /// nginx `$connection` serial number.
    pub connection: Option<u64>,
    /// nginx `$request_time` in microseconds.
    pub request_time_us: Option<u64>,
    /// nginx `$upstream_response_time`, the sum over every attempt, in microseconds.
    pub upstream_time_us: Option<u64>,
    /// nginx `$upstream_response_time` as written (`0.004, 0.118`), for per-attempt use.
    pub upstream_times_raw: &'a [u8],
    /// HAProxy's own fields, for HAProxy lines.
    pub haproxy: Option<HaproxyFields<'a>>,
    /// How the text fields are escaped, for [`crate::unescape::Escaping::decode`].
    pub escaping: crate::unescape::Escaping,
    /// Values of the layout's other variables (`$http_*`, `$cookie_*`, custom ones), in
    /// the order of `LogFormat::extra_names`; the first [`MAX_EXTRAS`] of them.
    pub extras: [&'a [u8]; MAX_EXTRAS],
    pub extras_len: u8,
    /// The line carries fields after the layout's last that the layout does not read
    /// (`combined` followed by more than its user agent): counted, so the report can say
    /// how many lines lose what.
    pub unread_fields: bool,
    /// The line the record was parsed from (empty when not known). Every text field is a
    /// part of it (or an empty constant), so a line without an escape has no field with one.
    pub line: &'a [u8],
}

/// What an HAProxy log line carries beyond the common [`Record`] fields.
/// Timers are in microseconds (HAProxy logs milliseconds); `-1` (not reached) is `None`.
/// Its fields are in [`crate::fields::FIELDS`] too, as `haproxy.NAME`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HaproxyFields<'a> {
    /// The host of the syslog header, when the line has one.
    pub syslog_host: &'a [u8],
    pub client_port: Option<u16>,
    /// Frontend name as logged (a trailing `~` marks an SSL frontend and is kept).
    pub frontend: &'a [u8],
    pub backend: &'a [u8],
    /// Server name (may contain `:`), or `<NOSRV>`.
    pub server: &'a [u8],
    /// `backend/server` as logged, when the line writes the two together (empty when a
    /// custom layout logs them apart): a key for the per-server breakdown without a copy.
    pub backend_server: &'a [u8],
    /// TR (Tq in logs before 1.7): time to receive the full request.
    pub tr_us: Option<u64>,
    /// Tw: time waiting in queues.
    pub tw_us: Option<u64>,
    /// Tc: time to connect to the server.
    pub tc_us: Option<u64>,
    /// Tr: server response time (headers).
    pub tresp_us: Option<u64>,
    /// Ta (Tt in logs before 1.7, and in tcplog): total time.
    pub ta_us: Option<u64>,
    /// Termination state, e.g. `----`, `CD--`, `SC`.
    pub termination_state: &'a [u8],
    pub actconn: Option<u32>,
    pub feconn: Option<u32>,
    pub beconn: Option<u32>,
    pub srv_conn: Option<u32>,
    pub retries: Option<u32>,
    pub srv_queue: Option<u32>,
    pub backend_queue: Option<u32>,
    /// Captured request / response headers: the text inside `{...}`, `|`-separated.
    pub captured_request_headers: &'a [u8],
    pub captured_response_headers: &'a [u8],
    /// `true` for tcplog lines (no HTTP request).
    pub tcp: bool,
}

/// Extra variables a record keeps.
pub const MAX_EXTRAS: usize = 8;

impl<'a> Record<'a> {
    /// The request line split into method, target and protocol. `None` when the request
    /// is not of the form `METHOD TARGET [PROTOCOL]` (`-`, an empty string, or bytes such
    /// as a TLS handshake sent to a plain-HTTP port).
    pub fn request_parts(&self) -> Option<RequestParts<'a>> {
        split_request(self.request)
    }

    /// Each upstream attempt's response time, in order (`0.004, 0.118 : -` gives
    /// 4 ms, 118 ms and none). Empty when the log has no upstream time, or gives it as
    /// one number in another unit than seconds (JSON `upstream_latency=key:ns`), which
    /// only `upstream_time_us` holds.
    pub fn upstream_attempts_us(&self) -> impl Iterator<Item = Option<u64>> + 'a {
        let raw = self.upstream_times_raw;
        raw.split(|&b| b == b',' || b == b':')
            .map(crate::num::trim_spaces)
            .filter(move |_| !raw.is_empty())
            .map(crate::num::parse_seconds_us)
    }

    /// The status of the last attempt in `$upstream_status` (`502, 200` gives 200: the
    /// response the client got). `None` when that is not a number of 1 to 3 digits (`-`).
    pub fn last_upstream_status(&self) -> Option<u16> {
        let last = self
            .upstream_status
            .rsplit(|&b| b == b',' || b == b':')
            .next()?;
        let last = crate::num::trim_spaces(last);
        if last.is_empty() || last.len() > 3 || !last.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(last.iter().fold(0, |n, d| n * 10 + u16::from(d - b'0')))
    }

    /// The request target without its query string, e.g. `/api/users/7`.
    #[inline]
    pub fn path(&self) -> Option<&'a [u8]> {
        if self.request.is_empty() && !self.uri.is_empty() && self.uri != b"-" {
            let uri = self.uri;
            return Some(match memchr::memchr(b'?', uri) {
                Some(q) => &uri[..q],
                None => uri,
            });
        }
        request_path(self.request)
    }
}

/// The three parts of an HTTP request line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestParts<'a> {
    pub method: &'a [u8],
    pub target: &'a [u8],
    pub protocol: Option<&'a [u8]>,
}

impl<'a> RequestParts<'a> {
    /// The target up to (not including) the first `?`.
    #[inline]
    pub fn path(&self) -> &'a [u8] {
        match memchr::memchr(b'?', self.target) {
            Some(q) => &self.target[..q],
            None => self.target,
        }
    }

    /// The query string after the first `?`, if any.
    pub fn query(&self) -> Option<&'a [u8]> {
        memchr::memchr(b'?', self.target).map(|q| &self.target[q + 1..])
    }
}

/// Splits `METHOD SP TARGET SP PROTOCOL`: the method an HTTP token, the protocol
/// `HTTP/...`. The target is everything between the first and the last space, so one that
/// itself contains spaces (sent raw by a broken client) is kept whole. Without a protocol
/// (HTTP/0.9, or a request HAProxy cut at its length limit) the rest is the target, when
/// it is a path. Anything else (`-`, words, a TLS handshake's bytes) has no parts. Only a
/// target that [`request_path`] takes has a path.
#[inline]
pub fn split_request(req: &[u8]) -> Option<RequestParts<'_>> {
    let sp = memchr::memchr(b' ', req)?;
    let method = &req[..sp];
    let rest = &req[sp + 1..];
    if !is_method(method) {
        return None;
    }
    let (target, protocol) = match memchr::memrchr(b' ', rest) {
        Some(l) if rest[l + 1..].starts_with(b"HTTP/") => (&rest[..l], Some(&rest[l + 1..])),
        _ if is_target(rest) => (rest, None),
        _ => return None,
    };
    if target.is_empty() {
        return None;
    }
    Some(RequestParts {
        method,
        target,
        protocol,
    })
}

/// RFC 9110's `tchar`s (the bytes of a token, such as a method), as a lookup table: a
/// chain of comparisons per byte cost more than the rest of the path scan.
static TCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        c += 1;
    }
    t
};

/// An HTTP method: a non-empty token.
#[inline]
fn is_method(m: &[u8]) -> bool {
    !m.is_empty() && m.iter().all(|&c| TCHAR[usize::from(c)])
}

/// A request target with a path: origin form (`/a`), absolute form (`http://h/a`: a
/// scheme, a letter then letters, digits, `+`, `-` or `.`, before `://`), or `*`.
#[inline]
fn is_target(t: &[u8]) -> bool {
    match t.first() {
        Some(b'/') => true,
        Some(b'*') => t.len() == 1,
        Some(c) if c.is_ascii_alphabetic() => {
            let n = t
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
                .count();
            t[n..].starts_with(b"://")
        }
        _ => false,
    }
}

/// The path of a request line: its target before any `?`, when [`split_request`] splits
/// it and the target is a path, an absolute URL or `*` (not `index.html`, not
/// `:@host::80/x`). One short scan for the usual line (`METHOD /path[?query] HTTP/x`);
/// unusual ones take the general route.
#[inline]
pub fn request_path(req: &[u8]) -> Option<&[u8]> {
    // `METHOD /TARGET HTTP/x`: exactly two spaces, found in one vector pass.
    let mut sp = [0u32; 2];
    if crate::scan::positions(req, b' ', &mut sp) == 2 {
        let (a, b) = (sp[0] as usize, sp[1] as usize);
        if b > a + 1
            && req[a + 1] == b'/'
            && req[b + 1..].starts_with(b"HTTP/")
            && is_method(&req[..a])
        {
            let target = &req[a + 1..b];
            return Some(match crate::scan::find(target, b'?') {
                Some(q) => &target[..q],
                None => target,
            });
        }
    }
    split_request(req)
        .filter(|p| is_target(p.target))
        .map(|p| p.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_upstream_status_is_the_last_attempts() {
        let status = |v: &'static [u8]| {
            Record {
                upstream_status: v,
                ..Record::default()
            }
            .last_upstream_status()
        };
        assert_eq!(status(b"200"), Some(200));
        assert_eq!(status(b"502, 200"), Some(200));
        assert_eq!(status(b"502, 504 : 404"), Some(404));
        assert_eq!(status(b" 503 "), Some(503));
        assert_eq!(status(b"502, -"), None);
        assert_eq!(status(b"1000"), None);
        assert_eq!(status(b"20x"), None);
        assert_eq!(status(b""), None);
        assert_eq!(status(b"200,"), None);
    }

    #[test]
    fn fast_path_agrees_with_the_general_route() {
        let words: [&[u8]; 12] = [
            b"GET",
            b"/a",
            b"/a?b=1",
            b"?x",
            b"HTTP/1.1",
            b"HTTP/",
            b"",
            b"x y",
            b"/p?q r",
            b"-",
            b"*",
            b"http://h/p?q",
        ];
        // Every request line of up to four words (and extra spaces) from the list above.
        for a in words {
            for b in words {
                for c in words {
                    for d in [&b""[..], b"HTTP/1.0", b"z"] {
                        let mut req = [a, b, c].join(&b' ');
                        if !d.is_empty() {
                            req.push(b' ');
                            req.extend_from_slice(d);
                        }
                        assert_eq!(
                            request_path(&req),
                            split_request(&req)
                                .filter(|p| is_target(p.target))
                                .map(|p| p.path()),
                            "{}",
                            String::from_utf8_lossy(&req)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn upstream_attempts() {
        let r = Record {
            upstream_times_raw: b"0.004, 0.118 : -",
            ..Record::default()
        };
        let got: Vec<_> = r.upstream_attempts_us().collect();
        assert_eq!(got, [Some(4000), Some(118_000), None]);
        assert_eq!(Record::default().upstream_attempts_us().count(), 0);
    }

    #[test]
    fn request_lines() {
        let p = split_request(b"GET /a/b?x=1&y=2 HTTP/1.1").unwrap();
        assert_eq!(p.method, b"GET");
        assert_eq!(p.target, b"/a/b?x=1&y=2");
        assert_eq!(p.path(), b"/a/b");
        assert_eq!(p.query(), Some(&b"x=1&y=2"[..]));
        assert_eq!(p.protocol, Some(&b"HTTP/1.1"[..]));

        let p = split_request(b"OPTIONS * HTTP/1.0").unwrap();
        assert_eq!(p.path(), b"*");
        // HTTP/0.9, or cut by HAProxy before its protocol: a path all the same.
        let p = split_request(b"GET /index.html").unwrap();
        assert_eq!((p.path(), p.protocol), (&b"/index.html"[..], None));
        assert_eq!(request_path(b"GET /a HTTP"), Some(&b"/a HTTP"[..]));
        let p = split_request(b"GET https://h.test:8443/a?b HTTP/2.0").unwrap();
        assert_eq!(p.path(), b"https://h.test:8443/a");
        let p = split_request(b"GET /a b HTTP/1.1").unwrap();
        assert_eq!(p.target, b"/a b");
        let p = split_request(b"get /lower HTTP/1.1").unwrap();
        assert_eq!(p.method, b"get");

        assert_eq!(split_request(b"-"), None);
        assert_eq!(split_request(b""), None);
        assert_eq!(
            split_request(br"\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03"),
            None
        );
        assert_eq!(split_request(b"GET "), None);
        assert_eq!(split_request(b" /x"), None);
        // Not METHOD TARGET PROTOCOL with a method token and HTTP/: no parts, no path.
        for bad in [
            &b"once upon a time"[..],
            b"GET index.html",
            b"GE\\x16T /a HTTP/1.1",
            b"G\xC3\xA9T /a HTTP/1.1",
            br"\x16\x03\x01 \x00 \x03",
        ] {
            assert_eq!(split_request(bad), None, "{}", bad.escape_ascii());
            assert_eq!(request_path(bad), None, "{}", bad.escape_ascii());
        }
        // A request line whose target is not a path, an absolute URL or `*`: its parts,
        // but no path.
        for (req, target) in [
            (
                &b"CONNECT example.com:443 HTTP/1.1"[..],
                &b"example.com:443"[..],
            ),
            (b"GET index.html HTTP/1.1", b"index.html"),
            (b"GET ** HTTP/1.1", b"**"),
            (b"GET 1http://h/ HTTP/1.1", b"1http://h/"),
            (b"GET http:/h HTTP/1.1", b"http:/h"),
        ] {
            assert_eq!(split_request(req).map(|p| p.target), Some(target));
            assert_eq!(request_path(req), None, "{}", req.escape_ascii());
        }
    }
}
