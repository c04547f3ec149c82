//! HAProxy logs: `option httplog`, `option tcplog`, `option httpslog` and their CLF
//! variants, behind any syslog prefix or none.
//!
//! # Prefixes
//! The message may stand alone (`log stdout format raw`) or follow any syslog header the
//! syslog layer (`syslog.rs`) reads: RFC 3164 with or without `<PRI>`, ISO 8601 dates,
//! RFC 5424.
//!
//! The host goes to [`HaproxyFields::syslog_host`]. The syslog date is not used: the record's
//! time is HAProxy's own accept (or request) date, which is when the request arrived.
//!
//! # Messages
//! * httplog: `CLIENT:PORT [dd/Mon/yyyy:HH:MM:SS.mmm] FRONTEND BACKEND/SERVER
//!   TR/Tw/Tc/Tr/Ta STATUS BYTES REQ_COOKIE RESP_COOKIE TERM ACT/FE/BE/SRV/RETRIES SQ/BQ
//!   [{req headers}] [{resp headers}] "REQUEST"` (and `Tq/Tw/Tc/Tr/Tt` before 1.7, same
//!   positions). Fields between `BACKEND/SERVER` and the timers (custom formats, e.g. `%HU`
//!   or a host) are skipped, text after the request's closing quote (httpslog's SSL fields)
//!   is ignored, and a request cut without its closing quote is kept as cut.
//! * tcplog: the same up to the counters with three timers `Tw/Tc/Tt`, no status,
//!   a two-letter termination state and no request.
//! * CLF (`option httplog clf`, `option tcplog clf`): `CLIENT - - [dd/Mon/yyyy:HH:MM:SS
//!   +zzzz] "REQUEST" STATUS BYTES "" "" CLIENT_PORT ACCEPT_MS "FE" "BE" "SRV" TR Tw Tc Tr
//!   Ta TERM ACT FE BE SRV RETRIES SQ BQ ...`; for TCP the request is `"TCP "`, the status
//!   `000` and the timers `Th Tw Tc Tt` followed by the bytes uploaded.
//! * Server messages (`Proxy X started.`, `Server be/srv is DOWN`, `Connect from ...`,
//!   `fe/bind: SSL handshake failure`, startup notices) are [`ParseError::NotAccess`].
//!
//! # Decisions
//! * A client logged as `-` is kept as `-` (like nginx's `-` fields); `unix` clients (UNIX
//!   socket listeners) have no port, since HAProxy logs the listener id in its place.
//! * `-1` timers are `None`; a `+` (logasap) is dropped and the value kept. Status `-1` is 0.
//! * One `{...}` block is the request headers: HAProxy prints the request block first and
//!   a lone response block cannot be told apart without the configuration.
//! * CLF lines: the captured headers (one quoted field each) are not kept, since request and
//!   response captures cannot be told apart; the `--` HAProxy appends to the TCP termination
//!   state is dropped, so it reads like tcplog's.

use memchr::memchr;

use crate::fields::{Field, Fields};
use crate::parse::Parse;
use crate::scan::find;
use crate::syslog::{header_3164, syslog_header};
use crate::time::AcceptDateCache;
use crate::tokens::{Cursor, Tokens, skip_spaces};
use crate::zone::{Zone, ZoneCache};
use crate::{ParseError, Record};

// The fields live with the record that carries them (record.rs); named here too, where
// users of HAProxy's parser look for them.
pub use crate::record::HaproxyFields;

/// Parses HAProxy log lines (every layout of the module documentation, mixed freely).
/// Keeps the minute of the last date, so lines of the same minute only parse seconds.
#[derive(Debug, Clone)]
pub struct HaproxyParser {
    /// The zone of accept dates, which have none.
    zone: ZoneCache,
    /// The accept (or CLF) date's minute cache.
    date: AcceptDateCache,
    /// The fields asked for (see [`crate::LineParser::set_projection`]).
    projection: Fields,
    /// Whether the client's address or port is asked for: splitting the client token
    /// (which never rejects a line) is skipped otherwise.
    client: bool,
}

impl HaproxyParser {
    /// `tz_offset_min`: the offset (minutes east of UTC) of HAProxy's accept date, which has
    /// no zone; 0 = UTC. CLF dates carry their own zone and ignore it.
    /// Sets the offset applied to accept dates from now on.
    pub fn set_tz(&mut self, tz_offset_min: i16) {
        self.set_zone(&Zone::Fixed(tz_offset_min));
    }

    /// Sets the zone of accept dates from now on (an IANA zone: each date's offset).
    pub fn set_zone(&mut self, zone: &Zone) {
        self.zone = ZoneCache::new(zone.clone());
        self.date.clear();
    }

    pub fn new(tz_offset_min: i16) -> Self {
        HaproxyParser {
            zone: ZoneCache::new(Zone::Fixed(tz_offset_min)),
            date: AcceptDateCache::default(),
            projection: Fields::ALL,
            client: true,
        }
    }

    /// See [`crate::LineParser::set_projection`]. Every other field is a slice or number
    /// read anyway while the line's shape is checked.
    pub fn set_projection(&mut self, fields: Fields) {
        self.projection = fields;
        self.client = fields.has(Field::REMOTE_ADDR) || fields.has(Field::HA_CLIENT_PORT);
    }

    /// The client's address and port, when asked for.
    #[inline(always)]
    fn client<'a>(&self, client: &'a [u8]) -> (&'a [u8], Option<u16>) {
        if self.client {
            split_client(client)
        } else {
            (&[], None)
        }
    }
}

impl Parse for HaproxyParser {
    /// Whatever `rec` held is replaced.
    fn parse_into<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Result<(), ParseError> {
        // The engine reuses records: start from a clean one.
        *rec = Record::default();
        let line = trim_end(line);
        if line.is_empty() {
            return Err(ParseError::Empty);
        }
        // Most lines are plain httplog behind an RFC 3164 header: read those in one
        // straight pass; anything unusual takes the general route below, which gives
        // the same record (a differential test holds them together).
        if self.httplog_fast(line, rec).is_none() {
            *rec = Record::default();
            self.parse_general(line, rec)?;
        }
        rec.escaping = crate::unescape::Escaping::Hash;
        Ok(())
    }
}

impl HaproxyParser {
    /// Every layout of the module documentation, token by token: `line` is trimmed and not
    /// empty, `rec` is clear.
    fn parse_general<'a>(
        &mut self,
        line: &'a [u8],
        rec: &mut Record<'a>,
    ) -> Result<(), ParseError> {
        let mut tk = Tokens::new(line);
        let host = syslog_header(&mut tk).ok_or(ParseError::Layout)?;
        let msg = tk.rest();
        let client = tk.next();
        if client.is_empty() {
            return Err(ParseError::BadClient);
        }
        let second = tk.next();
        match second {
            // `[` and a digit: the accept date of httplog / tcplog.
            [b'[', d, ..] if d.is_ascii_digit() => {
                return self.native(client, second, &mut tk, host, rec);
            }
            [] => return Err(ParseError::NoTime),
            _ => {}
        }
        // CLF: `CLIENT - - [date zone]`.
        if second == b"-" && tk.next() == b"-" {
            let date = tk.next();
            if let [b'[', d, ..] = date
                && d.is_ascii_digit()
            {
                return self.clf(client, date, &mut tk, host, rec);
            }
        }
        if is_server_message(msg) {
            Err(ParseError::NotAccess)
        } else {
            Err(ParseError::NoTime)
        }
    }

    /// `Mmm dd HH:MM:SS [host] tag: CLIENT:PORT [date] FE BE/SRV TR/Tw/Tc/Tr/Ta STATUS
    /// BYTES CC CS TERM A/F/B/S/R SQ/BQ [{..}] [{..}] "REQUEST"...` with single spaces and
    /// sane values, into `rec` (cleared by the caller). `None` for anything else, and
    /// then `rec` holds partial values.
    #[inline]
    fn httplog_fast<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Option<()> {
        let (host, msg) = header_3164(line)?;
        let mut c = Cursor { s: line, i: msg };
        let client = c.token()?;
        // `[dd/Mon/yyyy:HH:MM:SS.mmm] `
        let date = c.s.get(c.i..c.i + 27)?;
        if date[0] != b'[' || date[25] != b']' || date[26] != b' ' || !date[1].is_ascii_digit() {
            return None;
        }
        let (local_us, _) = self.date.parse(&date[1..25], None)?;
        c.i += 27;
        let off = self.zone.offset_at_local_us(local_us);
        rec.ts_us = local_us - off as i64 * 60_000_000;
        rec.utc_offset_min = off;
        if client.is_empty() {
            return None;
        }
        let (addr, client_port) = self.client(client);
        rec.remote_addr = addr;
        let fe = c.token()?;
        if fe.ends_with(b":") {
            return None;
        }
        let be_srv = c.token()?;
        let slash = find(be_srv, b'/')?;
        // Filled where the record keeps it: no copy of the fields per line.
        let f = rec.haproxy.insert(HaproxyFields {
            syslog_host: host,
            client_port,
            frontend: fe,
            backend: &be_srv[..slash],
            server: &be_srv[slash + 1..],
            backend_server: be_srv,
            ..HaproxyFields::default()
        });
        let [tr, tw, tc, tresp, ta] = c.numbers::<5>(b' ')?;
        (f.tr_us, f.tw_us, f.tc_us, f.tresp_us, f.ta_us) = (
            timer_us(tr),
            timer_us(tw),
            timer_us(tc),
            timer_us(tresp),
            timer_us(ta),
        );
        let status = parse_status(c.token()?)?;
        let [bytes] = c.numbers::<1>(b' ')?;
        let bytes = u64::try_from(bytes).ok()?;
        // Captured cookies (`-` when none): not kept.
        c.token()?;
        c.token()?;
        let term = c.token()?;
        if !term_ok(term) {
            return None;
        }
        f.termination_state = term;
        let conns = c.numbers::<5>(b' ')?;
        let [act, fe, be, srv, retries] = conns.map(|v| u32::try_from(v).ok());
        (f.actconn, f.feconn, f.beconn, f.srv_conn, f.retries) =
            (Some(act?), Some(fe?), Some(be?), Some(srv?), Some(retries?));
        let queues = c.numbers::<2>(b' ')?;
        let [sq, bq] = queues.map(|v| u32::try_from(v).ok());
        (f.srv_queue, f.backend_queue) = (Some(sq?), Some(bq?));
        // A line this path cannot finish goes the general way, which meets the same error.
        let request = blocks_and_request(&line[c.i..], f).ok()?;
        let (ta, tresp) = (f.ta_us, f.tresp_us);
        rec.status = status;
        rec.bytes_sent = Some(bytes);
        rec.request = request;
        rec.request_time_us = ta;
        rec.upstream_time_us = tresp;
        Some(())
    }

    /// httplog / tcplog / httpslog, from the accept date token on.
    fn native<'a>(
        &mut self,
        client: &'a [u8],
        date: &'a [u8],
        tk: &mut Tokens<'a>,
        host: &'a [u8],
        rec: &mut Record<'a>,
    ) -> Result<(), ParseError> {
        self.bracket_date(date, tk, rec)?;
        let (addr, client_port) = self.client(client);
        rec.remote_addr = addr;
        let mut f = HaproxyFields {
            syslog_host: host,
            client_port,
            ..HaproxyFields::default()
        };

        let fe = tk.next();
        if fe.is_empty() {
            return Err(ParseError::Layout);
        }
        // `CLIENT [date] fe/bind: SSL handshake failure` and other connection errors.
        if fe.ends_with(b":") {
            return Err(ParseError::NotAccess);
        }
        let be_srv = tk.next();
        let slash = find(be_srv, b'/').ok_or(ParseError::Layout)?;
        f.frontend = fe;
        f.backend = &be_srv[..slash];
        f.server = &be_srv[slash + 1..];
        f.backend_server = be_srv;

        // Custom formats put fields (a host, an id) before the timers: skip to them.
        let (t, n) = loop {
            let tok = tk.next();
            if tok.is_empty() {
                return Err(ParseError::BadTiming);
            }
            if let Some((v, n @ (3 | 5))) = slashed::<5>(tok) {
                break (v.map(timer_us), n);
            }
            // Numbers and slashes that are not 3 or 5 timers: the timers, damaged (skipping
            // on would take the counters for them).
            let slashes = tok.iter().filter(|&&b| b == b'/').count();
            if slashes >= 2
                && tok
                    .iter()
                    .all(|&b| b.is_ascii_digit() || b"/+-".contains(&b))
            {
                return Err(ParseError::BadTiming);
            }
        };

        if n == 3 {
            // tcplog: Tw/Tc/Tt BYTES TERM CONNS QUEUES; what a custom format adds is ignored.
            f.tcp = true;
            (f.tw_us, f.tc_us, f.ta_us) = (t[0], t[1], t[2]);
            rec.bytes_sent = Some(parse_bytes(tk.next()).ok_or(ParseError::BadBytes)?);
            native_tail(tk, &mut f)?;
            rec.request_time_us = f.ta_us;
            rec.haproxy = Some(f);
            return Ok(());
        }

        (f.tr_us, f.tw_us, f.tc_us, f.tresp_us, f.ta_us) = (t[0], t[1], t[2], t[3], t[4]);
        rec.status = parse_status(tk.next()).ok_or(ParseError::BadStatus)?;
        rec.bytes_sent = Some(parse_bytes(tk.next()).ok_or(ParseError::BadBytes)?);
        // Captured cookies (`-` when none): not kept.
        if tk.next().is_empty() || tk.next().is_empty() {
            return Err(ParseError::Layout);
        }
        native_tail(tk, &mut f)?;

        rec.request = blocks_and_request(tk.rest(), &mut f)?;
        rec.request_time_us = f.ta_us;
        rec.upstream_time_us = f.tresp_us;
        rec.haproxy = Some(f);
        Ok(())
    }

    /// CLF variants, from the date token on.
    fn clf<'a>(
        &mut self,
        client: &'a [u8],
        date: &'a [u8],
        tk: &mut Tokens<'a>,
        host: &'a [u8],
        rec: &mut Record<'a>,
    ) -> Result<(), ParseError> {
        self.bracket_date(date, tk, rec)?;
        rec.remote_addr = unquote(client);
        let (at, rest) = tk.rest_at();
        let [b'"', req @ ..] = rest else {
            return Err(ParseError::NoRequest);
        };
        // The request is followed by every other field: a cut one leaves nothing to keep.
        let q = memchr(b'"', req).ok_or(ParseError::UnclosedQuote)?;
        let request = &req[..q];
        tk.seek(at + q + 2);
        let tcp = request == b"TCP " || request == b"TCP";
        rec.status = parse_status(tk.field()?).ok_or(ParseError::BadStatus)?;
        rec.bytes_sent = Some(parse_bytes(tk.field()?).ok_or(ParseError::BadBytes)?);
        // `"" ""`: referer and user agent of CLF, never filled by HAProxy's presets.
        tk.field()?;
        tk.field()?;
        let cp = tk.field()?;
        let ms = match slashed::<1>(tk.field()?) {
            Some(([m @ 0..=999], 1)) => m,
            _ => return Err(ParseError::Layout),
        };
        // The date has seconds only; ACCEPT_MS is its fraction (with %trg, the request date,
        // it still lands in the same second as the request, which the date already rounds).
        rec.ts_us += ms * 1000;
        let mut f = HaproxyFields {
            syslog_host: host,
            client_port: if rec.remote_addr == b"unix"
                || !self.projection.has(Field::HA_CLIENT_PORT)
            {
                None
            } else {
                parse_port(cp)
            },
            frontend: tk.field()?,
            backend: tk.field()?,
            server: tk.field()?,
            tcp,
            ..HaproxyFields::default()
        };
        let mut t = [None; 5];
        for slot in t.iter_mut().take(if tcp { 4 } else { 5 }) {
            *slot = match tk.field().ok().and_then(slashed::<1>) {
                Some(([v], 1)) => timer_us(v),
                _ => return Err(ParseError::BadTiming),
            };
        }
        let mut term;
        if tcp {
            // Th Tw Tc Tt, then the bytes uploaded (not kept).
            (f.tw_us, f.tc_us, f.ta_us) = (t[1], t[2], t[3]);
            tk.field()?;
            term = tk.field()?;
            term = term.strip_suffix(b"--").unwrap_or(term);
        } else {
            (f.tr_us, f.tw_us, f.tc_us, f.tresp_us, f.ta_us) = (t[0], t[1], t[2], t[3], t[4]);
            term = tk.field()?;
            rec.request = request;
            rec.upstream_time_us = f.tresp_us;
        }
        if !term_ok(term) {
            return Err(ParseError::Layout);
        }
        f.termination_state = term;
        let mut c = [None; 7];
        for slot in c.iter_mut() {
            let [v] = counts::<1>(tk.field()?).ok_or(ParseError::Layout)?;
            *slot = Some(v);
        }
        [
            f.actconn,
            f.feconn,
            f.beconn,
            f.srv_conn,
            f.retries,
            f.srv_queue,
            f.backend_queue,
        ] = c;
        rec.request_time_us = f.ta_us;
        rec.haproxy = Some(f);
        Ok(())
    }

    /// The `[date]` token (and its `+zzzz]` token when the date has a zone), into `rec`.
    fn bracket_date<'a>(
        &mut self,
        first: &'a [u8],
        tk: &mut Tokens<'a>,
        rec: &mut Record<'a>,
    ) -> Result<(), ParseError> {
        let inner = first.get(1..).unwrap_or_default();
        let (date, zone) = match inner.strip_suffix(b"]") {
            Some(d) => (d, None),
            None => (
                inner,
                Some(tk.next().strip_suffix(b"]").ok_or(ParseError::BadTime)?),
            ),
        };
        let (local_us, zone) = self.date.parse(date, zone).ok_or(ParseError::BadTime)?;
        let off = match zone {
            Some(z) => z,
            None => self.zone.offset_at_local_us(local_us),
        };
        rec.ts_us = local_us - off as i64 * 60_000_000;
        rec.utc_offset_min = off;
        Ok(())
    }
}

/// httplog's end, from after the queues: up to two header blocks, kept in `f`, and the
/// quoted request, returned.
fn blocks_and_request<'a>(
    mut rest: &'a [u8],
    f: &mut HaproxyFields<'a>,
) -> Result<&'a [u8], ParseError> {
    // HAProxy escapes `{`, `|`, `}` inside the blocks as `#XX`.
    for i in 0..2 {
        let [b'{', body @ ..] = rest else { break };
        let close = memchr(b'}', body).ok_or(ParseError::UnclosedQuote)?;
        if i == 0 {
            f.captured_request_headers = &body[..close];
        } else {
            f.captured_response_headers = &body[..close];
        }
        rest = skip_spaces(&body[close + 1..]);
    }
    let [b'"', req @ ..] = rest else {
        return Err(ParseError::NoRequest);
    };
    // HAProxy escapes `"` in the request as `#22`, so the first quote closes it; a line
    // cut by HAProxy's length limit has none and keeps what was written.
    Ok(match memchr(b'"', req) {
        Some(q) => &req[..q],
        None => req,
    })
}

/// `TERM ACT/FE/BE/SRV/RETRIES SQ/BQ`, shared by httplog and tcplog.
fn native_tail<'a>(tk: &mut Tokens<'a>, f: &mut HaproxyFields<'a>) -> Result<(), ParseError> {
    let term = tk.next();
    if !term_ok(term) {
        return Err(ParseError::Layout);
    }
    f.termination_state = term;
    let [act, fe, be, srv, retries] = counts::<5>(tk.next()).ok_or(ParseError::Layout)?;
    [f.actconn, f.feconn, f.beconn, f.srv_conn, f.retries] =
        [Some(act), Some(fe), Some(be), Some(srv), Some(retries)];
    let [sq, bq] = counts::<2>(tk.next()).ok_or(ParseError::Layout)?;
    (f.srv_queue, f.backend_queue) = (Some(sq), Some(bq));
    Ok(())
}

fn trim_end(mut s: &[u8]) -> &[u8] {
    while let [head @ .., b' ' | b'\t' | b'\r' | b'\n'] = s {
        s = head;
    }
    s
}

fn unquote(s: &[u8]) -> &[u8] {
    match s {
        [b'"', inner @ .., b'"'] => inner,
        _ => s,
    }
}

/// The first words of HAProxy's own notices (proxy and server state, health checks, the
/// master process), as its sources write them.
const NOTICE_WORDS: &[&[u8]] = &[
    b"Proxy",
    b"Proxies",
    b"Server",
    b"Backup",
    b"backend",
    b"Backend",
    b"frontend",
    b"Frontend",
    b"Health",
    b"Agent",
    b"Connect",
    b"Starting",
    b"Stopping",
    b"Stopped",
    b"Pausing",
    b"Resuming",
    b"Enabling",
    b"Disabling",
    b"Loading",
    b"Exiting",
    b"Reexecuting",
    b"Ignoring",
    b"haproxy",
    b"HA-Proxy",
    b"HAProxy",
    b"SSL",
];

/// A line's message that reads like one of HAProxy's own notices: it starts with one of
/// [`NOTICE_WORDS`] or a `[LEVEL]` tag (`[NOTICE]`, `[WARNING]`, `[ALERT]`), and holds
/// no control bytes (random bytes almost always do). Other servers' lines that open with
/// a word or a `[` (Apache's error log, `ssl_request_log`) are not taken for HAProxy's.
fn is_server_message(msg: &[u8]) -> bool {
    if msg.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return false;
    }
    if let [b'[', rest @ ..] = msg {
        let n = rest.iter().take_while(|b| b.is_ascii_uppercase()).count();
        return n >= 3 && rest.get(n) == Some(&b']');
    }
    let word = msg.split(|&b| b == b' ').next().unwrap_or_default();
    NOTICE_WORDS.contains(&word)
}

/// `ADDR:PORT`, `[V6]:PORT` or `V6:PORT` (port after the last `:`), `-:PORT`, `unix:ID`.
fn split_client(c: &[u8]) -> (&[u8], Option<u16>) {
    if let [b'[', inner @ ..] = c
        && let Some(e) = find(inner, b']')
    {
        let port = match &inner[e + 1..] {
            [b':', p @ ..] => parse_port(p),
            _ => None,
        };
        return (&inner[..e], port);
    }
    match c.iter().rposition(|&b| b == b':') {
        Some(i) => match parse_port(&c[i + 1..]) {
            // A UNIX socket listener logs its id where the port goes.
            Some(_) if &c[..i] == b"unix" => (&c[..i], None),
            Some(p) => (&c[..i], Some(p)),
            None => (c, None),
        },
        None => (c, None),
    }
}

fn parse_port(s: &[u8]) -> Option<u16> {
    match slashed::<1>(s) {
        Some(([p], 1)) if s.first().is_some_and(u8::is_ascii_digit) => u16::try_from(p).ok(),
        _ => None,
    }
}

/// Up to `N` integers separated by `/`, each with an optional `+` or `-` sign: the values
/// and how many there were. `None` for anything else, or more than `N`. One pass, as the
/// timers and counters of every line go through here.
#[inline]
fn slashed<const N: usize>(tok: &[u8]) -> Option<([i64; N], usize)> {
    let mut out = [0; N];
    let mut n = 0;
    let (mut v, mut digits, mut neg, mut signed) = (0i64, 0, false, false);
    for &b in tok {
        match b {
            b'0'..=b'9' => {
                v = v.checked_mul(10)?.checked_add((b - b'0') as i64)?;
                digits += 1;
            }
            b'/' if digits > 0 => {
                *out.get_mut(n)? = if neg { -v } else { v };
                n += 1;
                (v, digits, neg, signed) = (0, 0, false, false);
            }
            b'+' | b'-' if digits == 0 && !signed => {
                signed = true;
                neg = b == b'-';
            }
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    *out.get_mut(n)? = if neg { -v } else { v };
    Some((out, n + 1))
}

/// A timer in ms as µs: `-1` (never reached) is `None`; a `+` (logasap) was dropped.
#[inline]
fn timer_us(ms: i64) -> Option<u64> {
    u64::try_from(ms).ok().map(|v| v.saturating_mul(1000))
}

/// Exactly `N` counters separated by `/`; retries carry a `+` after a redispatch.
fn counts<const N: usize>(tok: &[u8]) -> Option<[u32; N]> {
    let (v, n) = slashed::<N>(tok)?;
    let mut out = [0; N];
    for (o, x) in out.iter_mut().zip(v) {
        *o = u32::try_from(x).ok()?;
    }
    (n == N).then_some(out)
}

fn parse_status(s: &[u8]) -> Option<u16> {
    if s == b"-1" {
        return Some(0);
    }
    match s {
        [_] | [_, _] | [_, _, _] if s.iter().all(u8::is_ascii_digit) => {
            Some(s.iter().fold(0, |v, &d| v * 10 + (d - b'0') as u16))
        }
        _ => None,
    }
}

/// Bytes read; `+` when logged before the end (logasap).
fn parse_bytes(s: &[u8]) -> Option<u64> {
    match slashed::<1>(s) {
        Some(([b], 1)) => u64::try_from(b).ok(),
        _ => None,
    }
}

/// `----`, `CD--` (httplog) or `SC`, `--` (tcplog).
fn term_ok(t: &[u8]) -> bool {
    matches!(t.len(), 2 | 4) && t.iter().all(|&b| b.is_ascii_alphabetic() || b == b'-')
}

#[cfg(test)]
mod tests;
