//! Test material for the criterion benchmarks beside this file (see parse_aggregate.rs and
//! presets.rs): lines of every preset layout, rendered from testgen's nginx-timed traffic
//! so each layout carries the same requests (paths, user agents, latencies, errors).

use axlog_engine::{RecordSink, process_chunk};
use axlog_format::{LineParser, ParseError, Preset, Record};
use std::hint::black_box;

/// The virtual host of `vhost_combined` lines.
const HOST: &[u8] = b"shop.example.com";

/// Lines of `layout` carrying the requests of `timed` (testgen nginx-timed output); its
/// malformed lines are kept as they are. HAProxy is not rendered here: testgen writes it
/// natively.
pub fn render(layout: Preset, timed: &[u8]) -> Vec<u8> {
    let mut parser = Preset::NginxTimed.parser();
    let mut out = Vec::with_capacity(timed.len() * 2);
    let mut rec = Record::default();
    for (n, line) in timed.split(|&b| b == b'\n').enumerate() {
        // Malformed lines stay as they are in every layout: parsers meet them too.
        if parser.parse_into(line, &mut rec).is_err() {
            if !line.is_empty() {
                out.extend_from_slice(line);
                out.push(b'\n');
            }
            continue;
        }
        let time_local = between(line, b'[', b']');
        write_line(layout, &rec, time_local, n as u64, &mut out);
        out.push(b'\n');
    }
    out
}

fn between(line: &[u8], open: u8, close: u8) -> &[u8] {
    let a = memchr::memchr(open, line).map_or(0, |i| i + 1);
    let b = memchr::memchr(close, &line[a..]).map_or(line.len(), |i| a + i);
    &line[a..b]
}

fn write_line(layout: Preset, r: &Record<'_>, time_local: &[u8], n: u64, o: &mut Vec<u8>) {
    // `CLIENT - USER [TIME] "REQUEST" `, common to the CLF family.
    let head = |o: &mut Vec<u8>| {
        for part in [
            r.remote_addr,
            b" - ",
            r.remote_user,
            b" [",
            time_local,
            b"] \"",
            r.request,
            b"\" ",
        ] {
            o.extend_from_slice(part);
        }
    };
    let combined = |o: &mut Vec<u8>| {
        head(o);
        o.extend_from_slice(r.status.to_string().as_bytes());
        o.push(b' ');
        o.extend_from_slice(r.bytes_sent.unwrap_or(0).to_string().as_bytes());
        for part in [b" \"", r.referer, b"\" \"", r.user_agent, b"\""] {
            o.extend_from_slice(part);
        }
    };
    let secs = |us: Option<u64>| match us {
        Some(us) => format!("{}.{:03}", us / 1_000_000, us % 1_000_000 / 1000),
        None => "-".to_string(),
    };
    let upstream = if r.upstream_times_raw.is_empty() {
        b"-".as_slice()
    } else {
        r.upstream_times_raw
    };
    match layout {
        Preset::NginxCombined => combined(o),
        Preset::NginxTimed => {
            combined(o);
            o.extend_from_slice(format!(" {} ", secs(r.request_time_us)).as_bytes());
            o.extend_from_slice(upstream);
        }
        Preset::NginxCombinedRt => {
            combined(o);
            o.extend_from_slice(format!(" {}", secs(r.request_time_us)).as_bytes());
        }
        Preset::NginxMain => {
            combined(o);
            // Behind a proxy one request in four.
            if n.is_multiple_of(4) {
                o.extend_from_slice(format!(" \"203.0.113.{}\"", n % 250).as_bytes());
            } else {
                o.extend_from_slice(b" \"-\"");
            }
        }
        Preset::IngressUpstreaminfo => {
            combined(o);
            let attempts = upstream.split(|&b| b == b',' || b == b':').count();
            let addrs = (0..attempts)
                .map(|i| format!("10.2.{}.{}:8080", i, n % 200))
                .collect::<Vec<_>>()
                .join(", ");
            let statuses = vec![r.status.to_string(); attempts].join(", ");
            o.extend_from_slice(
                format!(
                    " {} {} [shop-web-8080] [] {} {} ",
                    300 + n % 700,
                    secs(r.request_time_us),
                    addrs,
                    r.bytes_sent.unwrap_or(0)
                )
                .as_bytes(),
            );
            o.extend_from_slice(upstream);
            o.extend_from_slice(
                format!(" {statuses} {:032x}", n.wrapping_mul(0x9e37_79b9_7f4a_7c15)).as_bytes(),
            );
        }
        Preset::TraefikClf => {
            combined(o);
            let ms = r.request_time_us.unwrap_or(0) / 1000;
            o.extend_from_slice(
                format!(
                    " {n} \"web@docker\" \"http://10.2.0.{}:80\" {ms}ms",
                    n % 200
                )
                .as_bytes(),
            );
        }
        Preset::ApacheCommon => {
            head(o);
            // %b writes `-` for no body.
            match r.bytes_sent {
                Some(0) | None => o.extend_from_slice(format!("{} -", r.status).as_bytes()),
                Some(b) => o.extend_from_slice(format!("{} {b}", r.status).as_bytes()),
            }
        }
        Preset::ApacheVhostCombined => {
            o.extend_from_slice(HOST);
            o.extend_from_slice(b":443 ");
            combined(o);
        }
        Preset::CaddyJson => {
            let (method, uri, proto) = request_parts(r.request);
            o.extend_from_slice(b"{\"level\":\"info\",\"ts\":");
            o.extend_from_slice(
                format!("{}.{:06}", r.ts_us / 1_000_000, r.ts_us % 1_000_000).as_bytes(),
            );
            o.extend_from_slice(b",\"logger\":\"http.log.access.log0\",\"msg\":\"handled request\",\"request\":{\"remote_ip\":");
            json_str(o, r.remote_addr);
            o.extend_from_slice(b",\"remote_port\":\"41342\",\"client_ip\":");
            json_str(o, r.remote_addr);
            o.extend_from_slice(b",\"proto\":");
            json_str(o, proto);
            o.extend_from_slice(b",\"method\":");
            json_str(o, method);
            o.extend_from_slice(b",\"host\":\"shop.example.com\",\"uri\":");
            json_str(o, uri);
            o.extend_from_slice(b",\"headers\":{\"Accept-Encoding\":[\"gzip\"],\"User-Agent\":[");
            json_str(o, r.user_agent);
            o.extend_from_slice(b"],\"Referer\":[");
            json_str(o, r.referer);
            o.extend_from_slice(b"]},\"tls\":{\"resumed\":false,\"version\":772,\"cipher_suite\":4865,\"proto\":\"h2\",\"server_name\":\"shop.example.com\"}},\"bytes_read\":0,\"user_id\":\"\",\"duration\":");
            let us = r.request_time_us.unwrap_or(0);
            o.extend_from_slice(format!("{}.{:06}", us / 1_000_000, us % 1_000_000).as_bytes());
            o.extend_from_slice(
                format!(
                    ",\"size\":{},\"status\":{},\"resp_headers\":{{\"Server\":[\"Caddy\"],\"Content-Type\":[\"text/html; charset=utf-8\"]}}}}",
                    r.bytes_sent.unwrap_or(0),
                    r.status
                )
                .as_bytes(),
            );
        }
        Preset::TraefikJson => {
            let (method, uri, proto) = request_parts(r.request);
            let ns = r.request_time_us.unwrap_or(0) * 1000;
            let up_ns = r.upstream_time_us.unwrap_or(0) * 1000;
            o.extend_from_slice(b"{\"ClientAddr\":");
            json_str(
                o,
                format!("{}:41342", String::from_utf8_lossy(r.remote_addr)).as_bytes(),
            );
            o.extend_from_slice(b",\"ClientHost\":");
            json_str(o, r.remote_addr);
            o.extend_from_slice(b",\"ClientPort\":\"41342\",\"ClientUsername\":\"-\",");
            o.extend_from_slice(
                format!(
                    "\"DownstreamContentSize\":{},\"DownstreamStatus\":{},\"Duration\":{ns},\"OriginContentSize\":{},\"OriginDuration\":{up_ns},\"OriginStatus\":{},\"Overhead\":{},",
                    r.bytes_sent.unwrap_or(0),
                    r.status,
                    r.bytes_sent.unwrap_or(0),
                    r.status,
                    ns.saturating_sub(up_ns)
                )
                .as_bytes(),
            );
            o.extend_from_slice(
                b"\"RequestAddr\":\"shop.example.com\",\"RequestContentSize\":0,\"RequestCount\":",
            );
            o.extend_from_slice(n.to_string().as_bytes());
            o.extend_from_slice(b",\"RequestHost\":\"shop.example.com\",\"RequestMethod\":");
            json_str(o, method);
            o.extend_from_slice(b",\"RequestPath\":");
            json_str(o, uri);
            o.extend_from_slice(b",\"RequestPort\":\"-\",\"RequestProtocol\":");
            json_str(o, proto);
            o.extend_from_slice(b",\"RequestScheme\":\"https\",\"RetryAttempts\":0,\"RouterName\":\"shop@docker\",\"ServiceName\":\"shop@docker\",\"ServiceURL\":\"http://10.2.0.7:8080\",\"StartUTC\":");
            json_str(o, iso8601(r.ts_us).as_bytes());
            o.extend_from_slice(b",\"entryPointName\":\"websecure\",\"level\":\"info\",\"msg\":\"\",\"request_Referer\":");
            json_str(o, r.referer);
            o.extend_from_slice(b",\"request_User-Agent\":");
            json_str(o, r.user_agent);
            o.extend_from_slice(b",\"time\":");
            json_str(o, iso8601(r.ts_us - r.ts_us % 1_000_000).as_bytes());
            o.push(b'}');
        }
        Preset::NginxJson => {
            // log_format json escape=json '{"time_local":"$time_local",...}': every value a
            // string, as nginx writes it.
            let kv = |o: &mut Vec<u8>, first: bool, k: &str, v: &[u8]| {
                o.extend_from_slice(if first { b"{\"" } else { b",\"" });
                o.extend_from_slice(k.as_bytes());
                o.extend_from_slice(b"\":");
                json_str(o, v);
            };
            kv(o, true, "time_local", time_local);
            kv(o, false, "remote_addr", r.remote_addr);
            kv(o, false, "remote_user", r.remote_user);
            kv(o, false, "request", r.request);
            kv(o, false, "status", r.status.to_string().as_bytes());
            kv(
                o,
                false,
                "body_bytes_sent",
                r.bytes_sent.unwrap_or(0).to_string().as_bytes(),
            );
            kv(o, false, "request_time", secs(r.request_time_us).as_bytes());
            kv(o, false, "http_referer", r.referer);
            kv(o, false, "http_user_agent", r.user_agent);
            kv(o, false, "upstream_response_time", upstream);
            o.push(b'}');
        }
        Preset::Haproxy => {}
    }
}

fn request_parts(req: &[u8]) -> (&[u8], &[u8], &[u8]) {
    let mut it = req.splitn(3, |&b| b == b' ');
    (
        it.next().unwrap_or(b"-"),
        it.next().unwrap_or(b"-"),
        it.next().unwrap_or(b"-"),
    )
}

/// A JSON string of log bytes: nginx's `\xHH` escapes decoded first.
fn json_str(o: &mut Vec<u8>, v: &[u8]) {
    let decoded = axlog_format::Escaping::Backslash.decode(v);
    o.push(b'"');
    for &b in decoded.iter() {
        match b {
            b'"' => o.extend_from_slice(b"\\\""),
            b'\\' => o.extend_from_slice(b"\\\\"),
            0..0x20 => o.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => o.push(b),
        }
    }
    o.push(b'"');
}

fn iso8601(us: i64) -> String {
    let days = us.div_euclid(86_400_000_000);
    let rem = us.rem_euclid(86_400_000_000);
    let (y, m, d) = civil(days);
    let s = rem / 1_000_000;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}Z",
        s / 3600,
        s / 60 % 60,
        s % 60,
        rem % 1_000_000
    )
}

/// Howard Hinnant's civil_from_days.
fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (era * 400 + yoe + i64::from(m <= 2), m, d)
}

/// Counts records and touches fields every report reads, so parsing cannot be optimised
/// away.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CountSink {
    pub ok: u64,
    pub bad: u64,
    pub sum: u64,
}

impl RecordSink for CountSink {
    fn record(&mut self, r: &Record<'_>) {
        self.ok += 1;
        self.sum = self
            .sum
            .wrapping_add(r.status as u64 + r.request_time_us.unwrap_or(0) + r.ts_us as u64);
    }
    fn malformed(&mut self, _: &str, _: u64, _: &[u8], _: ParseError) {
        self.bad += 1;
    }
}

/// Every line of `data` through a copy of `parser`, as the engine reads a chunk.
pub fn run(parser: &LineParser, data: &[u8]) -> CountSink {
    let mut parser = parser.clone();
    let mut sink = CountSink::default();
    let mut line_no = 0;
    process_chunk(
        &mut parser,
        black_box(data),
        "bench",
        &mut line_no,
        &mut sink,
    );
    sink
}
