//! An independent, deliberately simple checker for the generated layouts,
//! written from the format definitions rather than from the generator.

#![allow(dead_code)]

pub const METHODS: [&str; 7] = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A parsed nginx line.
#[derive(Debug, Clone)]
pub struct Nginx {
    pub ip: String,
    pub user: String,
    /// Local seconds since the epoch (the offset is not applied).
    pub ts: i64,
    pub tz: String,
    /// `None` for the TLS-handshake request.
    pub method: Option<String>,
    pub uri: String,
    pub proto: String,
    pub status: u16,
    pub bytes: u64,
    pub referer: String,
    pub ua: String,
    /// Timed format only: request_time ms and the raw upstream field.
    pub rt_ms: Option<u64>,
    pub upstream: Option<String>,
    /// Parsed upstream attempts (None = `-`) and the separators used.
    pub up_attempts: Vec<Option<u64>>,
    pub up_seps: Vec<String>,
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Count days the slow, obvious way relative to 1970 (fine for tests).
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mut days = 0;
    for yy in 1970..y {
        days += if leap(yy) { 366 } else { 365 };
    }
    let ml = [
        31,
        if leap(y) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    days += ml[..(m - 1) as usize].iter().sum::<i64>();
    days + d - 1
}

fn num(s: &str, len: usize) -> Result<i64, String> {
    if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.parse().unwrap())
    } else {
        Err(format!("bad number {s:?}"))
    }
}

/// `dd/Mon/yyyy:HH:MM:SS` -> local epoch seconds.
pub fn parse_clf_time(s: &str) -> Result<i64, String> {
    let b = s.as_bytes();
    if b.len() != 20
        || b[2] != b'/'
        || b[6] != b'/'
        || b[11] != b':'
        || b[14] != b':'
        || b[17] != b':'
    {
        return Err(format!("bad time {s:?}"));
    }
    let d = num(&s[0..2], 2)?;
    let m = MONTHS
        .iter()
        .position(|&m| m == &s[3..6])
        .ok_or(format!("bad month in {s:?}"))? as i64
        + 1;
    let y = num(&s[7..11], 4)?;
    let (h, mi, se) = (
        num(&s[12..14], 2)?,
        num(&s[15..17], 2)?,
        num(&s[18..20], 2)?,
    );
    if !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 59 {
        return Err(format!("bad time {s:?}"));
    }
    Ok(days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60 + se)
}

/// `1.234` -> 1234 (exactly three decimals required).
pub fn parse_secs3(s: &str) -> Result<u64, String> {
    let (a, b) = s.split_once('.').ok_or(format!("no decimals in {s:?}"))?;
    if a.is_empty()
        || !a.bytes().all(|c| c.is_ascii_digit())
        || b.len() != 3
        || !b.bytes().all(|c| c.is_ascii_digit())
    {
        return Err(format!("bad time value {s:?}"));
    }
    Ok(a.parse::<u64>().unwrap() * 1000 + b.parse::<u64>().unwrap())
}

fn check_ip(ip: &str) -> Result<(), String> {
    if ip.contains(':') {
        let ok = ip
            .split(':')
            .all(|g| g.len() <= 4 && g.bytes().all(|c| c.is_ascii_hexdigit()))
            && ip.split(':').count() >= 3;
        if ok {
            Ok(())
        } else {
            Err(format!("bad ipv6 {ip:?}"))
        }
    } else {
        let parts: Vec<&str> = ip.split('.').collect();
        let ok = parts.len() == 4
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.len() <= 3
                    && p.bytes().all(|c| c.is_ascii_digit())
                    && p.parse::<u32>().unwrap() <= 255
            });
        if ok {
            Ok(())
        } else {
            Err(format!("bad ipv4 {ip:?}"))
        }
    }
}

/// Every `\` must start an `\xHH` escape, and nothing below 0x20 or above
/// 0x7e may appear raw.
fn check_nginx_escapes(s: &[u8]) -> Result<(), String> {
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if !(0x20..0x7f).contains(&c) {
            return Err(format!("raw byte {c:#x}"));
        }
        if c == b'\\' {
            let ok = s.len() >= i + 4
                && s[i + 1] == b'x'
                && s[i + 2].is_ascii_hexdigit()
                && s[i + 3].is_ascii_hexdigit();
            if !ok {
                return Err("bad escape".into());
            }
            i += 4;
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// Splits a line on `"` and checks every field of the nginx combined (or
/// timed) layout.
pub fn parse_nginx(line: &[u8], timed: bool) -> Result<Nginx, String> {
    check_nginx_escapes(line)?;
    let line = std::str::from_utf8(line).map_err(|e| e.to_string())?;
    let parts: Vec<&str> = line.split('"').collect();
    if parts.len() != 7 {
        return Err(format!("{} quote-separated parts", parts.len()));
    }
    let (head, request, mid, referer, sep, ua, tail) = (
        parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], parts[6],
    );

    // `IP - USER [dd/Mon/yyyy:HH:MM:SS +hhmm] `
    let h: Vec<&str> = head.split(' ').collect();
    if h.len() != 6 || h[1] != "-" || !h[5].is_empty() {
        return Err(format!("bad head {head:?}"));
    }
    check_ip(h[0])?;
    let user = h[2];
    if user.is_empty() || !(user == "-" || user.bytes().all(|c| c.is_ascii_alphanumeric())) {
        return Err(format!("bad user {user:?}"));
    }
    let time = h[3].strip_prefix('[').ok_or("no [")?;
    let tz = h[4].strip_suffix(']').ok_or("no ]")?;
    let ts = parse_clf_time(time)?;
    let tzb = tz.as_bytes();
    if tzb.len() != 5
        || !(tzb[0] == b'+' || tzb[0] == b'-')
        || !tzb[1..].iter().all(u8::is_ascii_digit)
    {
        return Err(format!("bad tz {tz:?}"));
    }

    // `METHOD URI PROTO`, or a TLS handshake.
    let (method, uri, proto) = if request.starts_with("\\x16\\x03") {
        (None, String::new(), String::new())
    } else {
        let r: Vec<&str> = request.split(' ').collect();
        if r.len() != 3 || !METHODS.contains(&r[0]) || !r[1].starts_with('/') {
            return Err(format!("bad request {request:?}"));
        }
        if !["HTTP/1.0", "HTTP/1.1", "HTTP/2.0"].contains(&r[2]) {
            return Err(format!("bad protocol {request:?}"));
        }
        (Some(r[0].to_string()), r[1].to_string(), r[2].to_string())
    };

    // ` STATUS BYTES `
    let m: Vec<&str> = mid.split(' ').collect();
    if m.len() != 4 || !m[0].is_empty() || !m[3].is_empty() {
        return Err(format!("bad status/bytes {mid:?}"));
    }
    let status = num(m[1], 3)? as u16;
    if !(100..=599).contains(&status) {
        return Err(format!("bad status {status}"));
    }
    if m[2].is_empty() || !m[2].bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!("bad bytes {:?}", m[2]));
    }
    let bytes = m[2].parse().unwrap();

    if referer.is_empty() || !(referer == "-" || referer.contains("://")) {
        return Err(format!("bad referer {referer:?}"));
    }
    if sep != " " {
        return Err(format!("bad separator {sep:?}"));
    }
    if ua.is_empty() {
        return Err("empty user agent".into());
    }

    let (mut rt_ms, mut upstream, mut up_attempts, mut up_seps) = (None, None, vec![], vec![]);
    if timed {
        let t = tail.strip_prefix(' ').ok_or(format!("bad tail {tail:?}"))?;
        let (rt, up) = t.split_once(' ').ok_or(format!("bad tail {tail:?}"))?;
        rt_ms = Some(parse_secs3(rt)?);
        upstream = Some(up.to_string());
        // `-` | list of (`-` | s.mmm) joined by ", " or " : "
        let mut rest = up;
        loop {
            let end = [rest.find(", "), rest.find(" : ")]
                .into_iter()
                .flatten()
                .min();
            let (item, next) = match end {
                Some(e) => (
                    &rest[..e],
                    Some((
                        &rest[e..e + if rest[e..].starts_with(", ") { 2 } else { 3 }],
                        &rest[e + if rest[e..].starts_with(", ") { 2 } else { 3 }..],
                    )),
                ),
                None => (rest, None),
            };
            up_attempts.push(if item == "-" {
                None
            } else {
                Some(parse_secs3(item)?)
            });
            match next {
                Some((s, n)) => {
                    up_seps.push(s.to_string());
                    rest = n;
                }
                None => break,
            }
        }
        let sum: u64 = up_attempts.iter().flatten().sum();
        if rt_ms.unwrap() < sum {
            return Err(format!("request_time {rt} < upstream sum in {up:?}"));
        }
    } else if !tail.is_empty() {
        return Err(format!("trailing {tail:?}"));
    }

    Ok(Nginx {
        ip: h[0].to_string(),
        user: user.to_string(),
        ts,
        tz: tz.to_string(),
        method,
        uri,
        proto,
        status,
        bytes,
        referer: referer.to_string(),
        ua: ua.to_string(),
        rt_ms,
        upstream,
        up_attempts,
        up_seps,
    })
}

/// The tail of an ingress-nginx `upstreaminfo` line, after the user agent.
#[derive(Debug, Clone)]
pub struct Upstreaminfo {
    pub request_length: u64,
    pub rt_ms: u64,
    /// `$proxy_upstream_name`, without its brackets.
    pub upstream_name: String,
    /// The attempts, in order: address, response length, time (ms; None for
    /// `-`) and status. Empty when the four lists are `-`.
    pub attempts: Vec<(String, u64, Option<u64>, u16)>,
    /// Between attempts: `, ` (retry) or ` : ` (internal redirect).
    pub seps: Vec<String>,
    pub req_id: String,
}

/// An `upstreaminfo` line: the nginx combined part (checked by
/// [`parse_nginx`]) and its tail, checked against the layout
/// `$request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id`.
pub fn parse_ingress(line: &[u8]) -> Result<(Nginx, Upstreaminfo), String> {
    let cut = line.iter().rposition(|&b| b == b'"').ok_or("no quote")?;
    let head = parse_nginx(&line[..=cut], false)?;
    let tail = std::str::from_utf8(&line[cut + 1..]).map_err(|e| e.to_string())?;
    let rest = tail.strip_prefix(' ').ok_or(format!("bad tail {tail:?}"))?;
    let (len, rest) = rest.split_once(' ').ok_or("no request_length")?;
    if len.is_empty() || !len.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!("bad request_length {len:?}"));
    }
    let (rt, rest) = rest.split_once(' ').ok_or("no request_time")?;
    let rt_ms = parse_secs3(rt)?;
    let rest = rest
        .strip_prefix('[')
        .ok_or("no [ before the upstream name")?;
    let (name, rest) = rest
        .split_once("] ")
        .ok_or("no ] after the upstream name")?;
    if name.contains(' ') {
        return Err(format!("bad upstream name {name:?}"));
    }
    let rest = rest
        .strip_prefix("[] ")
        .ok_or("alternative upstream name not empty")?;
    // Five space-separated values, the first four lists whose items are
    // joined by `, ` or ` : `: split at every ` ` not part of a separator.
    let mut lists: Vec<(Vec<&str>, Vec<&str>)> = vec![(vec![], vec![])];
    let mut item_start = 0;
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let cur = lists.last_mut().unwrap();
        if rest[i..].starts_with(", ") {
            cur.0.push(&rest[item_start..i]);
            cur.1.push(", ");
            i += 2;
            item_start = i;
        } else if rest[i..].starts_with(" : ") {
            cur.0.push(&rest[item_start..i]);
            cur.1.push(" : ");
            i += 3;
            item_start = i;
        } else if b[i] == b' ' {
            cur.0.push(&rest[item_start..i]);
            lists.push((vec![], vec![]));
            i += 1;
            item_start = i;
        } else {
            i += 1;
        }
    }
    lists.last_mut().unwrap().0.push(&rest[item_start..]);
    if lists.len() != 5 {
        return Err(format!(
            "{} values after the names in {rest:?}",
            lists.len()
        ));
    }
    let (id, id_seps) = &lists[4];
    let id = id[0];
    if !id_seps.is_empty()
        || id.len() != 32
        || !id
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
    {
        return Err(format!("bad req_id {id:?}"));
    }
    let seps = &lists[0].1;
    if lists[..4].iter().any(|l| &l.1 != seps) {
        return Err(format!("lists of other shapes in {rest:?}"));
    }
    let mut attempts = vec![];
    // All four `-`: no upstream; a `-` address beside others fails below.
    if !lists[..4].iter().all(|l| l.0 == ["-"]) {
        for k in 0..lists[0].0.len() {
            let addr = lists[0].0[k];
            let (ip, port) = addr
                .rsplit_once(':')
                .ok_or(format!("bad address {addr:?}"))?;
            check_ip(ip)?;
            port.parse::<u16>()
                .map_err(|_| format!("bad port {addr:?}"))?;
            let len: u64 = lists[1].0[k]
                .parse()
                .map_err(|_| format!("bad length {:?}", lists[1].0[k]))?;
            let time = match lists[2].0[k] {
                "-" => None,
                t => Some(parse_secs3(t)?),
            };
            let status = num(lists[3].0[k], 3)? as u16;
            attempts.push((addr.to_string(), len, time, status));
        }
    }
    let sum: u64 = attempts.iter().filter_map(|a| a.2).sum();
    if rt_ms < sum {
        return Err(format!("request_time {rt} < upstream sum in {rest:?}"));
    }
    Ok((
        head,
        Upstreaminfo {
            request_length: len.parse().unwrap(),
            rt_ms,
            upstream_name: name.to_string(),
            attempts,
            seps: seps.iter().map(|s| s.to_string()).collect(),
            req_id: id.to_string(),
        },
    ))
}

/// A parsed HAProxy line.
#[derive(Debug, Clone)]
pub struct Haproxy {
    pub syslog_ts: String,
    pub client: String,
    /// Local epoch ms of the accept date.
    pub accept_ms: i64,
    pub frontend: String,
    pub backend: String,
    pub server: String,
    pub timers: [i64; 5],
    pub status: u16,
    pub bytes: u64,
    pub term: String,
    pub conns: [u64; 5],
    pub queues: [u64; 2],
    pub captures: Vec<String>,
    pub request: String,
}

pub fn parse_haproxy(line: &[u8]) -> Result<Haproxy, String> {
    let line = std::str::from_utf8(line).map_err(|e| e.to_string())?;
    if line.bytes().any(|c| !(0x20..0x7f).contains(&c)) {
        return Err("raw non-printable byte".into());
    }
    // `Mon dd HH:MM:SS host prog[pid]: `
    let b = line.as_bytes();
    if b.len() < 16
        || !MONTHS.contains(&&line[0..3])
        || b[3] != b' '
        || b[6] != b' '
        || b[9] != b':'
        || b[12] != b':'
        || b[15] != b' '
    {
        return Err("bad syslog timestamp".into());
    }
    let day = line[4..6].trim_start();
    if day.is_empty() || !day.bytes().all(|c| c.is_ascii_digit()) || (b[4] == b'0') {
        return Err("bad syslog day (must be space-padded)".into());
    }
    let rest = &line[16..];
    let (host, rest) = rest.split_once(' ').ok_or("no host")?;
    if host.is_empty() {
        return Err("empty host".into());
    }
    let (prog, rest) = rest.split_once(": ").ok_or("no tag")?;
    if !(prog.starts_with("haproxy[") && prog.ends_with(']')) {
        return Err(format!("bad tag {prog:?}"));
    }
    // The request is the last quoted string.
    let q = rest.find('"').ok_or("no request")?;
    if !rest.ends_with('"') || rest[q + 1..rest.len() - 1].contains('"') {
        return Err("bad request quoting".into());
    }
    let request = rest[q + 1..rest.len() - 1].to_string();
    let mut fields_str = &rest[..q];
    // Optional capture blocks `{...} ` right before the request.
    let mut captures = vec![];
    while fields_str.ends_with("} ") {
        let open = fields_str.rfind(" {").ok_or("unopened capture")?;
        captures.insert(0, fields_str[open + 2..fields_str.len() - 2].to_string());
        fields_str = &fields_str[..open + 1];
    }
    let f: Vec<&str> = fields_str.trim_end().split(' ').collect();
    if f.len() != 12 {
        return Err(format!("{} fields before the request", f.len()));
    }
    let client = f[0];
    let (cip, port) = client.rsplit_once(':').ok_or("no port")?;
    check_ip(cip)?;
    port.parse::<u16>().map_err(|_| "bad port")?;
    let acc = f[1]
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .ok_or("bad accept date")?;
    let (acc_s, acc_ms) = acc.split_at(20);
    let ms = acc_ms.strip_prefix('.').ok_or("no ms")?;
    let accept_ms = parse_clf_time(acc_s)? * 1000 + num(ms, 3)?;
    let frontend = f[2];
    let (backend, server) = f[3].split_once('/').ok_or("no backend/server")?;
    let t: Vec<&str> = f[4].split('/').collect();
    if t.len() != 5 {
        return Err(format!("{} timers", t.len()));
    }
    let mut timers = [0i64; 5];
    for (i, v) in t.iter().enumerate() {
        timers[i] = v.parse().map_err(|_| format!("bad timer {v:?}"))?;
        if timers[i] < -1 {
            return Err("timer below -1".into());
        }
    }
    let status = num(f[5], 3)? as u16;
    let bytes = f[6].parse().map_err(|_| "bad bytes")?;
    if f[7] != "-" || f[8] != "-" {
        return Err("cookies".into());
    }
    let term = f[9];
    if term.len() != 4 {
        return Err(format!("bad termination state {term:?}"));
    }
    let c: Vec<u64> = f[10]
        .split('/')
        .map(|x| x.parse().map_err(|_| "bad conn"))
        .collect::<Result<_, _>>()?;
    let qv: Vec<u64> = f[11]
        .split('/')
        .map(|x| x.parse().map_err(|_| "bad queue"))
        .collect::<Result<_, _>>()?;
    if c.len() != 5 || qv.len() != 2 {
        return Err("bad counters".into());
    }
    let r: Vec<&str> = request.split(' ').collect();
    if r.len() != 3
        || !METHODS.contains(&r[0])
        || !r[1].starts_with('/')
        || !r[2].starts_with("HTTP/")
    {
        return Err(format!("bad request {request:?}"));
    }
    Ok(Haproxy {
        syslog_ts: line[..15].to_string(),
        client: client.to_string(),
        accept_ms,
        frontend: frontend.to_string(),
        backend: backend.to_string(),
        server: server.to_string(),
        timers,
        status,
        bytes,
        term: term.to_string(),
        conns: [c[0], c[1], c[2], c[3], c[4]],
        queues: [qv[0], qv[1]],
        captures,
        request,
    })
}

/// Lines without their `\n`; asserts the output ends in one.
pub fn lines(out: &[u8]) -> Vec<&[u8]> {
    assert_eq!(out.last(), Some(&b'\n'));
    out[..out.len() - 1].split(|&b| b == b'\n').collect()
}

/// Kinds of malformed lines as a parser would see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bad {
    Empty,
    /// No `[` at all: random bytes.
    Garbage,
    /// A valid-looking start that stops early.
    Truncated,
}

pub fn classify_bad(line: &[u8]) -> Bad {
    if line.is_empty() {
        Bad::Empty
    } else if line.iter().any(|&c| !(0x20..0x7f).contains(&c)) {
        // Valid and truncated lines are printable ASCII (loggers escape the
        // rest); 20+ random bytes are all printable with p ~ 1e-9.
        Bad::Garbage
    } else {
        Bad::Truncated
    }
}
