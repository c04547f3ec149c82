//! Projection (`LineParser::set_projection`): whatever fields are asked for, a parser
//! accepts and rejects the same lines with the same errors, and fills every asked field
//! exactly as the full parse does.
//!
//! For every preset of `Preset::ALL`, a custom definition of each dialect (nginx, Apache,
//! HAProxy), a definition extending `combined`, a layout behind syslog and a switching
//! parser: lines from `axlog-testgen` (rewritten into each layout) and the corpus, and
//! malformed variants of them (cut every few bytes, a letter in place of each of a few
//! digits, the last quote removed, random bytes). Each line is parsed with `Fields::ALL`
//! and with every single field, `Fields::NONE` and the statistics' set; the outcomes are
//! compared line by line.

use axlog_format::fields::FIELDS;
use axlog_format::logformat::Definition;
use axlog_format::{Fields, Format, InputParser, LineParser, ParseError, Preset, Record};
use std::sync::Arc;

/// The value of the field named `name` (an entry of `FIELDS`), printed.
fn value(r: &Record<'_>, name: &str) -> String {
    let h = r.haproxy.unwrap_or_default();
    let v: &dyn std::fmt::Debug = match name {
        "ts_us" => &r.ts_us,
        "utc_offset_min" => &r.utc_offset_min,
        "remote_addr" => &r.remote_addr,
        "remote_user" => &r.remote_user,
        "request" => &r.request,
        "method" => &r.method,
        "uri" => &r.uri,
        "status" => &r.status,
        "bytes_sent" => &r.bytes_sent,
        "referer" => &r.referer,
        "user_agent" => &r.user_agent,
        "protocol" => &r.protocol,
        "query" => &r.query,
        "host" => &r.host,
        "server_port" => &r.server_port,
        "scheme" => &r.scheme,
        "request_length" => &r.request_length,
        "response_bytes" => &r.response_bytes,
        "x_forwarded_for" => &r.x_forwarded_for,
        "upstream_addr" => &r.upstream_addr,
        "upstream_status" => &r.upstream_status,
        "upstream_response_length" => &r.upstream_response_length,
        "upstream_connect_us" => &r.upstream_connect_us,
        "upstream_header_us" => &r.upstream_header_us,
        "cache_status" => &r.cache_status,
        "tls_protocol" => &r.tls_protocol,
        "tls_cipher" => &r.tls_cipher,
        "connection" => &r.connection,
        "request_time_us" => &r.request_time_us,
        "upstream_time_us" => &r.upstream_time_us,
        "upstream_times_raw" => &r.upstream_times_raw,
        // Whether the line has HAProxy's fields (each is listed on its own below).
        "haproxy" => return format!("{}", r.haproxy.is_some()),
        "escaping" => &r.escaping,
        "extras" => return format!("{:?}", &r.extras[..r.extras_len as usize]),
        "extras_len" => &r.extras_len,
        "unread_fields" => &r.unread_fields,
        "line" => &r.line,
        "haproxy.syslog_host" => return format!("{:?}", h.syslog_host),
        "haproxy.client_port" => return format!("{:?}", h.client_port),
        "haproxy.frontend" => return format!("{:?}", h.frontend),
        "haproxy.backend" => return format!("{:?}", h.backend),
        "haproxy.server" => return format!("{:?}", h.server),
        "haproxy.backend_server" => return format!("{:?}", h.backend_server),
        "haproxy.tr_us" => return format!("{:?}", h.tr_us),
        "haproxy.tw_us" => return format!("{:?}", h.tw_us),
        "haproxy.tc_us" => return format!("{:?}", h.tc_us),
        "haproxy.tresp_us" => return format!("{:?}", h.tresp_us),
        "haproxy.ta_us" => return format!("{:?}", h.ta_us),
        "haproxy.termination_state" => return format!("{:?}", h.termination_state),
        "haproxy.actconn" => return format!("{:?}", h.actconn),
        "haproxy.feconn" => return format!("{:?}", h.feconn),
        "haproxy.beconn" => return format!("{:?}", h.beconn),
        "haproxy.srv_conn" => return format!("{:?}", h.srv_conn),
        "haproxy.retries" => return format!("{:?}", h.retries),
        "haproxy.srv_queue" => return format!("{:?}", h.srv_queue),
        "haproxy.backend_queue" => return format!("{:?}", h.backend_queue),
        "haproxy.captured_request_headers" => {
            return format!("{:?}", h.captured_request_headers);
        }
        "haproxy.captured_response_headers" => {
            return format!("{:?}", h.captured_response_headers);
        }
        "haproxy.tcp" => return format!("{:?}", h.tcp),
        other => panic!("FIELDS has `{other}`, which this test does not read"),
    };
    format!("{v:?}")
}

/// What the statistics read (the engine's `stats_fields`, restated: this crate does
/// not see the engine).
fn stats_like() -> Fields {
    Fields::named(&[
        "ts_us",
        "utc_offset_min",
        "status",
        "bytes_sent",
        "request_time_us",
        "upstream_time_us",
        "request",
        "uri",
        "escaping",
        "unread_fields",
        "haproxy",
        "haproxy.syslog_host",
        "haproxy.backend",
        "haproxy.server",
        "haproxy.backend_server",
        "haproxy.tr_us",
        "haproxy.tw_us",
        "haproxy.tc_us",
        "haproxy.tresp_us",
        "haproxy.ta_us",
    ])
    .unwrap_or_else(|| panic!("a name above is not in FIELDS"))
}

/// Every projection compared with `ALL`: none, each field alone, the statistics' set,
/// and every field but one of those some parser skips.
fn projections() -> Vec<(String, Fields)> {
    let mut out = vec![
        ("NONE".to_string(), Fields::NONE),
        ("stats".to_string(), stats_like()),
    ];
    for f in FIELDS {
        let one = Fields::named(&[f.name]).unwrap_or(Fields::NONE);
        out.push((f.name.to_string(), one));
    }
    for skipped in [
        "remote_addr",
        "remote_user",
        "method",
        "uri",
        "request",
        "referer",
        "user_agent",
        "upstream_status",
        "server_port",
        "connection",
        "haproxy.client_port",
    ] {
        let others: Vec<&str> = FIELDS
            .iter()
            .map(|g| g.name)
            .filter(|n| *n != skipped)
            .collect();
        let but = Fields::named(&others).unwrap_or(Fields::NONE);
        out.push((format!("all but {skipped}"), but));
    }
    out
}

/// Line `i` of `lines` into `rec`, as the engine reads it: a line that fails may make a
/// switching parser change layout, and is then read again. The outcome, and whether the
/// parser changed layout.
fn step<'l>(
    p: &mut InputParser,
    rec: &mut Record<'l>,
    lines: &'l [Vec<u8>],
    i: usize,
    switching: bool,
) -> (Result<(), ParseError>, bool) {
    let line = &lines[i];
    let mut o = p.parse_into(line, rec);
    let mut switched = false;
    if o.is_err() && switching {
        let end = lines.len().min(i + 200);
        switched = p.switch_layout(&lines[i..end].join(&b'\n'));
        if switched {
            o = p.parse_into(line, rec);
        }
    }
    (o, switched)
}

/// Parses `lines` in order with `full` (ALL) once, then with every projection, the way
/// the engine does (records reused; a failed line may make a switching parser change
/// layout, then it is read again), and checks the outcomes agree line by line. Returns
/// how many lines parsed.
fn agree(label: &str, full: &InputParser, lines: &[Vec<u8>]) -> usize {
    // Only a switching parser changes layout (it looks at the next lines).
    let switching = matches!(full, InputParser::Switching(_));
    // The full parse: each line's outcome and every field's value.
    let mut a = full.clone();
    let mut ra = Record::default();
    let want: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let (o, switched) = step(&mut a, &mut ra, lines, i, switching);
            let values: Vec<String> = FIELDS.iter().map(|f| value(&ra, f.name)).collect();
            (o, switched, values)
        })
        .collect();
    for (pname, fields) in projections() {
        let mut b = full.clone();
        b.set_projection(fields);
        let mut rb = Record::default();
        // Looked up once: `contains` searches `FIELDS` by name.
        let asked: Vec<usize> = (0..FIELDS.len())
            .filter(|&k| fields.contains(FIELDS[k].name))
            .collect();
        for (i, line) in lines.iter().enumerate() {
            let (o, switched) = step(&mut b, &mut rb, lines, i, switching);
            let (wo, wswitched, values) = &want[i];
            assert_eq!(
                switched,
                *wswitched,
                "{label} / {pname}: switched? {}",
                line.escape_ascii()
            );
            assert_eq!(o, *wo, "{label} / {pname}: {}", line.escape_ascii());
            if o.is_ok() {
                for &k in &asked {
                    let name = FIELDS[k].name;
                    assert_eq!(
                        value(&rb, name),
                        values[k],
                        "{label} / {pname}: field {name} of {}",
                        line.escape_ascii()
                    );
                }
            }
        }
        assert_eq!(a.layout_counts(), b.layout_counts(), "{label} / {pname}");
    }
    want.iter().filter(|w| w.0.is_ok()).count()
}

/// splitmix64, for the random mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// `lines` followed by malformed variants of each: cut every `step` bytes, a letter in
/// place of each of its first digits (numbers the layout requires become non-numbers),
/// the last `"` removed (an unterminated quote), and bytes overwritten, inserted or cut.
fn with_mutations(lines: &[Vec<u8>], step: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut out = lines.to_vec();
    let mut rng = Rng(seed);
    let alphabet = b" \"[]{}/-.,:0123456789\\xz";
    for line in lines {
        for n in (0..line.len()).step_by(step) {
            out.push(line[..n].to_vec());
        }
        let digits: Vec<usize> = (0..line.len())
            .filter(|&i| line[i].is_ascii_digit())
            .collect();
        // Every fifth digit: among them the date's, the status's, the sizes' and the
        // timers'.
        for &at in digits.iter().step_by(5) {
            let mut l = line.clone();
            l[at] = b'x';
            out.push(l);
        }
        if let Some(q) = line.iter().rposition(|&b| b == b'"') {
            let mut l = line.clone();
            l.remove(q);
            out.push(l);
        }
        for _ in 0..2 {
            let mut l = line.clone();
            let at = (rng.next() as usize) % (l.len() + 1);
            let byte = alphabet[(rng.next() as usize) % alphabet.len()];
            match rng.next() % 3 {
                0 if at < l.len() => l[at] = byte,
                1 => l.insert(at, byte),
                _ => l.truncate(at),
            }
            out.push(l);
        }
    }
    out
}

fn testgen(format: axlog_testgen::Format, seed: u64, n: u64) -> Vec<Vec<u8>> {
    let text = axlog_testgen::generate(&axlog_testgen::Config {
        format,
        limit: axlog_testgen::Limit::Lines(n),
        seed,
        ..axlog_testgen::Config::default()
    });
    text.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

/// Where `part` (a slice of `line`) starts in it.
fn offset(line: &[u8], part: &[u8]) -> usize {
    part.as_ptr() as usize - line.as_ptr() as usize
}

/// A JSON string of `b`'s text.
fn js(b: &[u8]) -> String {
    let mut s = String::from("\"");
    for c in String::from_utf8_lossy(b).chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            c if (c as u32) < 0x20 => s.push_str(&format!("\\u{:04x}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// Timed lines and their parsed records: the values the other layouts' lines are
/// written from.
struct Source {
    lines: Vec<Vec<u8>>,
}

impl Source {
    fn new() -> Source {
        Source {
            lines: testgen(axlog_testgen::Format::NginxTimed, 7, 40),
        }
    }

    /// `write(line, record)` for every timed line that parses.
    fn each(&self, mut write: impl FnMut(&[u8], &Record<'_>) -> Option<String>) -> Vec<Vec<u8>> {
        let mut p = Preset::NginxTimed.parser();
        self.lines
            .iter()
            .filter_map(|l| {
                let r = p.parse(l).ok()?;
                write(l, &r).map(String::into_bytes)
            })
            .collect()
    }
}

/// The combined part of a timed line (through the user agent's closing quote).
fn combined_part<'a>(line: &'a [u8], r: &Record<'_>) -> &'a str {
    let end = offset(line, r.user_agent) + r.user_agent.len() + 1;
    std::str::from_utf8(&line[..end]).unwrap_or("")
}

/// The `[time]` text of a combined line.
fn time_local(line: &[u8]) -> String {
    let s = String::from_utf8_lossy(line);
    let a = s.find('[').unwrap_or(0);
    let b = s.find(']').unwrap_or(a);
    s[a + 1..b].to_string()
}

/// Lines of each preset layout, written from the timed lines.
fn preset_lines(layout: Preset, src: &Source) -> Vec<Vec<u8>> {
    use axlog_testgen::Format as G;
    match layout {
        Preset::NginxTimed => src.lines.clone(),
        Preset::NginxCombined => testgen(G::NginxCombined, 8, 40),
        Preset::Haproxy => {
            let mut v = testgen(G::HaproxyHttp, 9, 40);
            for f in [
                "beats/haproxy/log/test/tcplog.log",
                "beats/haproxy/log/test/haproxy.log",
                "beats/haproxy/log/test/default.log",
                "beats/haproxy/log/test/httplog-no-headers.log",
                "haproxylogparser/haproxy.log",
                "lnav/logfile_haproxy.0",
            ] {
                v.extend(corpus(f).into_iter().take(100));
            }
            // CLF forms, HAProxy's documentation's examples.
            v.push(br#"10.0.1.2 - - [06/Feb/2009:12:14:14 +0000] "GET /index.html HTTP/1.1" 200 2750 "" "" 33317 655 "http-in" "static" "srv1" 10 0 30 69 109 ---- 1 1 1 1 0 0 0 "" "" "#.to_vec());
            v.push(br#"10.0.1.2 - - [06/Feb/2009:12:12:51 +0000] "TCP " 000 212 "" "" 33313 443 "fnt" "bck" "srv1" 0 0 5007 5007 0 SC-- 0 0 0 0 3 0 0"#.to_vec());
            v
        }
        Preset::NginxCombinedRt => {
            src.each(|l, r| Some(format!("{} 0.{:03}", combined_part(l, r), r.status % 1000)))
        }
        Preset::NginxMain => src.each(|l, r| {
            let xff = if r.status % 2 == 0 { "10.1.2.3, 10.0.0.1" } else { "-" };
            Some(format!("{} \"{xff}\"", combined_part(l, r)))
        }),
        Preset::ApacheCommon => src.each(|l, r| {
            let end = offset(l, r.referer).checked_sub(2)?;
            Some(String::from_utf8_lossy(&l[..end]).into_owned())
        }),
        Preset::ApacheVhostCombined => src.each(|l, r| {
            Some(format!("shop.example.com:443 {}", combined_part(l, r)))
        }),
        Preset::IngressUpstreaminfo => src.each(|l, r| {
            let raw = String::from_utf8_lossy(r.upstream_times_raw);
            Some(format!(
                "{} 512 0.{:03} [default-web-80] [] 10.0.0.1:8080 1234 {raw} 200 0123abcd",
                combined_part(l, r),
                r.status % 1000
            ))
        }),
        Preset::TraefikClf => src.each(|l, r| {
            Some(format!(
                "{} 17 \"web@docker\" \"http://10.0.0.7:80\" {}ms",
                combined_part(l, r),
                r.request_time_us.unwrap_or(0) / 1000
            ))
        }),
        Preset::CaddyJson => src.each(|_, r| {
            let p = r.request_parts()?;
            Some(format!(
                r#"{{"level":"info","ts":{}.{:06},"logger":"http.log.access","msg":"handled request","request":{{"remote_ip":{},"client_ip":{},"proto":"HTTP/1.1","method":{},"host":"shop.example.com","uri":{},"headers":{{"User-Agent":[{}],"Referer":[{}]}}}},"bytes_read":0,"duration":{}.{:06},"size":{},"status":{}}}"#,
                r.ts_us / 1_000_000,
                r.ts_us % 1_000_000,
                js(r.remote_addr),
                js(r.remote_addr),
                js(p.method),
                js(p.target),
                js(r.user_agent),
                js(r.referer),
                r.request_time_us.unwrap_or(0) / 1_000_000,
                r.request_time_us.unwrap_or(0) % 1_000_000,
                r.bytes_sent.unwrap_or(0),
                r.status
            ))
        }),
        Preset::TraefikJson => src.each(|l, r| {
            let p = r.request_parts()?;
            Some(format!(
                r#"{{"ClientHost":{},"ClientUsername":"-","DownstreamContentSize":{},"DownstreamStatus":{},"Duration":{},"OriginDuration":{},"OriginStatus":{},"RequestMethod":{},"RequestPath":{},"request_Referer":{},"request_User-Agent":{},"time":"{}"}}"#,
                js(r.remote_addr),
                r.bytes_sent.unwrap_or(0),
                r.status,
                r.request_time_us.unwrap_or(0) * 1000,
                r.upstream_time_us.unwrap_or(0) * 1000,
                if r.upstream_time_us.is_some() { r.status } else { 0 },
                js(p.method),
                js(p.target),
                js(r.referer),
                js(r.user_agent),
                time_local(l)
            ))
        }),
        Preset::NginxJson => src.each(|l, r| {
            Some(format!(
                r#"{{"time_local":"{}","remote_addr":{},"remote_user":"","request":{},"status":"{}","body_bytes_sent":"{}","http_referer":{},"http_user_agent":{},"request_time":"{}.{:03}","upstream_response_time":{}}}"#,
                time_local(l),
                js(r.remote_addr),
                js(r.request),
                r.status,
                r.bytes_sent.unwrap_or(0),
                js(r.referer),
                js(r.user_agent),
                r.request_time_us.unwrap_or(0) / 1_000_000,
                r.request_time_us.unwrap_or(0) / 1000 % 1000,
                js(r.upstream_times_raw)
            ))
        }),
    }
}

/// A corpus file's non-empty lines (none when the corpus is not there).
fn corpus(rel: &str) -> Vec<Vec<u8>> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(rel);
    std::fs::read(p)
        .unwrap_or_default()
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

fn custom(definition: &str) -> LineParser {
    let f = Definition::compile_any(definition).unwrap_or_else(|e| panic!("{definition}: {e}"));
    Format::Definition(Arc::new(f)).parser()
}

#[test]
fn every_preset_agrees_with_its_full_parse() {
    let src = Source::new();
    for layout in Preset::ALL {
        let lines = preset_lines(layout, &src);
        assert!(lines.len() >= 30, "{layout}: {} lines", lines.len());
        let all = with_mutations(&lines, 23, layout as u64);
        let parsed = agree(layout.name(), &layout.parser().into(), &all);
        // The lines are the layout's: most unmutated ones parse.
        assert!(parsed * 10 >= lines.len() * 9, "{layout}: {parsed} parsed");
    }
}

#[test]
fn custom_definitions_of_each_dialect_agree() {
    let src = Source::new();
    // nginx, with the rarer variables (ports, connection serials, request lengths,
    // upstream lists, a header kept by name).
    let nginx = r#"$remote_addr $host:$server_port [$time_local] "$request" $status $body_bytes_sent $request_length $connection "$http_user_agent" $upstream_connect_time "$http_x_trace""#;
    let nginx_lines = src.each(|l, r| {
        Some(format!(
            "{} shop.example.com:{} [{}] \"{}\" {} {} {} {} \"{}\" {} \"t-{}\"",
            String::from_utf8_lossy(r.remote_addr),
            if r.status % 3 == 0 { "x80" } else { "443" },
            time_local(l),
            String::from_utf8_lossy(r.request),
            r.status,
            r.bytes_sent.unwrap_or(0),
            r.status as u64 * 3,
            r.ts_us % 100_000,
            String::from_utf8_lossy(r.user_agent),
            String::from_utf8_lossy(r.upstream_times_raw),
            r.status
        ))
    });
    // `combined` and more: the hand-written head and the interpreted rest.
    let extended = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time "$http_x_trace" $connection"#;
    let extended_lines = src.each(|l, r| {
        Some(format!(
            "{} 0.{:03} \"t-{}\" {}",
            combined_part(l, r),
            r.status % 1000,
            r.status,
            r.ts_us % 1000
        ))
    });
    // Apache, with microseconds, a port and a header.
    let apache = r#"%h %l %u %t "%r" %>s %b %D %{Host}i:%p "%{X-Trace}i""#;
    let apache_lines = src.each(|l, r| {
        let end = offset(l, r.referer).checked_sub(2)?;
        Some(format!(
            "{} {} shop.example.com:{} \"t-{}\"",
            String::from_utf8_lossy(&l[..end]),
            r.request_time_us.unwrap_or(0),
            if r.status % 3 == 0 { "x80" } else { "443" },
            r.status
        ))
    });
    // HAProxy, interpreted (not the native parser's layout: no cookies).
    let haproxy = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}r";
    let haproxy_lines: Vec<Vec<u8>> = testgen(axlog_testgen::Format::HaproxyHttp, 10, 40)
        .into_iter()
        .filter_map(|l| {
            let s = String::from_utf8(l).ok()?;
            let at = s.find(" - - ")?;
            Some(format!("{}{}", &s[..at], &s[at + 4..]).into_bytes())
        })
        .collect();
    for (label, def, lines) in [
        ("nginx log_format", nginx, nginx_lines),
        ("extended combined", extended, extended_lines),
        ("Apache LogFormat", apache, apache_lines),
        ("HAProxy log-format", haproxy, haproxy_lines),
    ] {
        let parser = custom(def);
        if label == "extended combined" {
            assert!(matches!(parser, LineParser::Extended(_)), "{label}");
        } else {
            assert!(matches!(parser, LineParser::Compiled(_)), "{label}");
        }
        assert!(lines.len() >= 30, "{label}: {} lines", lines.len());
        let all = with_mutations(&lines, 23, 99);
        let parsed = agree(label, &parser.into(), &all);
        assert!(parsed * 10 >= lines.len() * 9, "{label}: {parsed} parsed");
    }
}

#[test]
fn syslog_and_switching_parsers_pass_it_on() {
    let src = Source::new();
    let combined = testgen(axlog_testgen::Format::NginxCombined, 11, 40);
    // Behind a syslog header.
    let behind: Vec<Vec<u8>> = combined
        .iter()
        .map(|l| [&b"<190>Nov 21 00:00:00 web1 nginx: "[..], l].concat())
        .collect();
    let syslog = Format::Syslog(Box::new(Format::Preset(Preset::NginxCombined))).parser();
    assert!(matches!(syslog, LineParser::Syslog(_)));
    let parsed = agree("syslog", &syslog.into(), &with_mutations(&behind, 23, 5));
    assert!(parsed >= behind.len(), "{parsed}");
    // A detected layout that meets a block of JSON lines, then its own again: the
    // switched-to parser is projected too.
    let mut mixed = combined.clone();
    mixed.extend(preset_lines(Preset::CaddyJson, &src));
    mixed.extend(combined.iter().take(20).cloned());
    assert!(mixed.len() > 90);
    let switching = InputParser::detected(&Format::Preset(Preset::NginxCombined));
    let parsed = agree("switching", &switching, &mixed);
    assert_eq!(parsed, mixed.len());
}

#[test]
fn corpus_logs_agree() {
    // The corpus files the conformance tests read, each with the layout detected for it.
    for f in [
        "elastic-examples/apache_logs",
        "beats/nginx/access/test/test.log",
        "beats/nginx/access/test/access.log",
        "beats/nginx/ingress_controller/test/test.log",
        "beats/apache/access/test/test.log",
        "beats/apache/access/test/darwin-2.4.23.log",
        "beats/apache/access/test/test-vhost.log",
        "goaccess/ci_vcombined_access.log",
        "gonx/access.log",
        "lnav/logfile_access_log.0",
        "lnav/logfile_bad_access_log.0",
        "lnav/logfile_syslog_with_access_log.0",
        "nielsbasjes-logparser/access.log",
        "nielsbasjes-logparser/hackers-access.log",
        "logstash-patterns-core/httpd_spec.combined.messages.log",
        "logstash-patterns-core/haproxy_spec.messages.log",
    ] {
        let mut lines = corpus(f);
        if lines.is_empty() {
            continue;
        }
        // The first 150 lines: the long logs are real traffic, much alike.
        lines.truncate(150);
        let sample = lines.join(&b'\n');
        let Some(d) = axlog_format::detect(&sample) else {
            continue;
        };
        agree(f, &d.format().parser().into(), &lines);
    }
}

/// The work skipped is skipped: fields not asked for are left at their defaults where
/// a parser skips them (HAProxy's client, JSON keys of text fields, interpreted ports).
#[test]
fn fields_not_asked_for_are_left_out() {
    let ha = b"Nov 21 00:00:00 lb1 haproxy[2451]: 10.0.0.25:54248 [21/Nov/2026:00:00:00.000] www app/web7 0/148/0/0/150 200 233 - - ---- 10/9/7/2/0 1/1 \"GET /health HTTP/1.1\"";
    let mut p = Preset::Haproxy.parser();
    let full = p
        .parse(ha)
        .map(|r| (r.remote_addr, r.haproxy.and_then(|h| h.client_port)));
    assert_eq!(full, Ok((&b"10.0.0.25"[..], Some(54248))));
    p.set_projection(stats_like());
    let r = p.parse(ha).map(|r| {
        (
            r.remote_addr,
            r.haproxy.and_then(|h| h.client_port),
            r.status,
        )
    });
    assert_eq!(r, Ok((&b""[..], None, 200)));

    let caddy = br#"{"ts":1795219201.5,"request":{"client_ip":"1.2.3.4","method":"GET","uri":"/a","headers":{"User-Agent":["ua"]}},"duration":0.5,"size":7,"status":204}"#;
    let mut p = Preset::CaddyJson.parser();
    p.set_projection(stats_like());
    let r = p
        .parse(caddy)
        .map(|r| (r.remote_addr, r.user_agent, r.method, r.uri, r.status));
    assert_eq!(r, Ok((&b""[..], &b""[..], &b""[..], &b"/a"[..], 204)));

    let f = Definition::compile(
        r#"$remote_addr [$time_local] "$request" $status $server_port $connection"#,
    );
    let mut p = Format::Definition(Arc::new(f.unwrap_or_else(|e| panic!("{e}")))).parser();
    let line = br#"1.2.3.4 [21/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 443 77"#;
    assert_eq!(
        p.parse(line).map(|r| (r.server_port, r.connection)),
        Ok((Some(443), Some(77)))
    );
    p.set_projection(Fields::NONE);
    assert_eq!(
        p.parse(line).map(|r| (r.server_port, r.connection)),
        Ok((None, None))
    );
}
