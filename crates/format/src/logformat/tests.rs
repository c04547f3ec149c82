//! Tests of compiling definitions in every dialect and reading lines with them.

use super::ha_fields::plain_numbers;
use super::*;
use crate::error::ParseError;
use crate::record::Record;
use crate::time::TimeLocalCache;

fn parse<'a>(def: &str, line: &'a str) -> Result<Record<'a>, ParseError> {
    let f = Definition::compile(def).unwrap();
    let mut rec = Record::default();
    f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
        .map(|()| rec)
}

#[test]
fn definitions_that_cannot_work() {
    use FormatError::*;
    assert_eq!(Definition::compile("plain text").unwrap_err(), NoVariables);
    assert_eq!(
        Definition::compile("$status $body_bytes_sent").unwrap_err(),
        NoTime
    );
    assert_eq!(
        Definition::compile("[$time_local] $status$body_bytes_sent").unwrap_err(),
        Adjacent("body_bytes_sent".into(), "status".into())
    );
    assert_eq!(
        Definition::compile("[$time_local] ${status").unwrap_err(),
        Unclosed(14)
    );
    assert_eq!(
        Definition::compile("[$time_local] $ x").unwrap_err(),
        EmptyName(14)
    );
    // Every text preset is a valid definition.
    for l in crate::preset::Preset::ALL
        .into_iter()
        .filter(|l| l.is_log_format())
    {
        Definition::compile_any(l.definition()).unwrap();
    }
}

#[test]
fn last_quote_found_from_the_end() {
    let def = "[$time_local] \"$request\" \"$http_user_agent\" $request_time $host";
    let ends: Vec<End> = Definition::compile(def)
        .unwrap()
        .parse_fields
        .iter()
        .map(|f| f.end)
        .collect();
    assert_eq!(ends[2], End::LastQuote, "{ends:?}");
    // nginx's escaped quote and `" ` inside the user agent do not end it.
    let r = parse(
        def,
        "[21/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" \"a\\x22 b\\x22 \" 0.020 shop",
    )
    .unwrap();
    assert_eq!(r.user_agent, b"a\\x22 b\\x22 ");
    assert_eq!((r.request_time_us, r.host), (Some(20_000), &b"shop"[..]));
    // A stray quote after the user agent: the line does not fit, nothing is misread.
    assert_eq!(
        parse(
            def,
            "[21/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" \"ua\" 0.020 sh\"op"
        )
        .map(|r| r.user_agent),
        Err(ParseError::Layout)
    );
    // A quote in a later literal, or JSON escaping (values hold `\"`): searched
    // forward as before.
    for def in [
        "[$time_local] \"$http_user_agent\" \"$host\" $request_time",
        "[$time_local] \"$http_user_agent\" $request_time",
    ] {
        let json = def.ends_with("$request_time");
        let f = Definition::compile_nginx(def, json).unwrap();
        assert!(
            f.parse_fields.iter().all(|f| f.end != End::LastQuote),
            "{def}"
        );
    }
}

#[test]
fn lists_braces_and_other_times() {
    // Upstream lists keep their inner spaces; `${var}` is a variable too.
    let def =
        "${msec} $upstream_addr $upstream_response_time $upstream_status \"$request\" $status";
    let r = parse(def, "1795251601.250 10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80 0.100, 0.004 : 0.020 502, 200 : 200 \"GET /a?b HTTP/1.1\" 200").unwrap();
    assert_eq!(r.ts_us, 1_795_251_601_250_000);
    assert_eq!(r.upstream_time_us, Some(124_000));
    assert_eq!(r.upstream_times_raw, b"0.100, 0.004 : 0.020");
    assert_eq!(r.path(), Some(&b"/a"[..]));
    // ISO 8601 time, method and URI logged on their own.
    let def = "$time_iso8601 $request_method $request_uri $status $request_time";
    let r = parse(def, "2026-11-21T10:00:01+01:00 POST /api/x?y=1 201 0.005").unwrap();
    assert_eq!((r.ts_us, r.utc_offset_min), (1_795_251_601_000_000, 60));
    assert_eq!((r.method, r.path()), (&b"POST"[..], Some(&b"/api/x"[..])));
    assert_eq!((r.status, r.request_time_us), (201, Some(5000)));
    // A last quoted field may hold quotes: the line's closing text ends it.
    let r = parse(
        "[$time_local] \"$http_user_agent\"",
        "[21/Nov/2026:10:00:01 +0000] \"a \"b\" c\"",
    )
    .unwrap();
    assert_eq!(r.user_agent, b"a \"b\" c");
    // Literal text out of place, bad numbers, bad times.
    let def = "[$time_local] $status $body_bytes_sent";
    assert_eq!(
        parse(def, "[21/Nov/2026:10:00:01 +0000] 200").unwrap_err(),
        ParseError::Layout
    );
    assert_eq!(
        parse(def, "[21/Nov/2026:10:00:01 +0000] 2x0 5").unwrap_err(),
        ParseError::BadStatus
    );
    assert_eq!(
        parse(def, "[21/Nov/2026:10:00:01 +0000] 200 x").unwrap_err(),
        ParseError::BadBytes
    );
    assert_eq!(
        parse(def, "[21/Nov/2026:10:00:01] 200 5").unwrap_err(),
        ParseError::BadTime
    );
    assert_eq!(parse(def, "").unwrap_err(), ParseError::Empty);
}

#[test]
fn apache_log_formats() {
    // As pasted from httpd.conf: the directive, the escaped quotes, the nickname.
    let f = Definition::compile_any(
        r#"LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D" timed"#,
    )
    .unwrap();
    assert_eq!(f.dialect(), Dialect::Apache);
    assert_eq!(
        f.names().collect::<Vec<_>>(),
        [
            "%h",
            "%l",
            "%u",
            "time",
            "%r",
            "%>s",
            "%b",
            "%{Referer}i",
            "%{User-Agent}i",
            "%D"
        ]
    );
    let line = r#"10.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /a\"b?c HTTP/1.1" 200 - "-" "UA \"x\" y" 1500"#;
    let mut rec = Record::default();
    f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
        .unwrap();
    // 13:55:36 -0700 is 20:55:36Z = 971211336 (date -d).
    assert_eq!((rec.ts_us, rec.utc_offset_min), (971_211_336_000_000, -420));
    assert_eq!(rec.request, br#"GET /a\"b?c HTTP/1.1"#);
    assert_eq!(rec.user_agent, br#"UA \"x\" y"#);
    assert_eq!(
        (rec.status, rec.bytes_sent, rec.request_time_us),
        (200, None, Some(1500))
    );
    // Units of %T, epoch times, conditions and `%%`.
    for (def, line, want) in [
        (
            "%{sec}t %{ms}T",
            "971211336 250",
            (971_211_336_000_000, Some(250_000)),
        ),
        (
            "%{msec}t %T",
            "971211336250 2",
            (971_211_336_250_000, Some(2_000_000)),
        ),
        (
            "%{usec}t %!200,304{us}T%%",
            "971211336250001 7%",
            (971_211_336_250_001, Some(7)),
        ),
    ] {
        let f = Definition::compile_apache(def).unwrap();
        let mut rec = Record::default();
        f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
            .unwrap();
        assert_eq!((rec.ts_us, rec.request_time_us), want, "{def}");
    }
    assert_eq!(
        Definition::compile_apache("%t %Z").unwrap_err(),
        FormatError::Unsupported("%Z".into())
    );
    assert_eq!(
        Definition::compile_apache("%t %").unwrap_err(),
        FormatError::Dangling
    );
    assert_eq!(
        Definition::compile_apache("%h %b").unwrap_err(),
        FormatError::NoTime
    );
    // A multi-byte character after `%` is an unsupported directive, not a panic.
    assert!(Definition::compile_apache("%t %é").is_err());
}

#[test]
fn no_definition_panics() {
    // Random definitions from the characters that matter to both syntaxes.
    let alphabet = "%${}<>!,0123456789 \"\\tTbshrxiéLogFormat_";
    let chars: Vec<char> = alphabet.chars().collect();
    let mut state = 0x1234_5678_9abc_def1u64;
    for _ in 0..20_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 24) as usize;
        let def: String = (0..len)
            .map(|k| chars[((state >> (k % 50)) as usize + k * 7) % chars.len()])
            .collect();
        if let Ok(f) = Definition::compile_any(&def) {
            let mut rec = Record::default();
            let _ = f.parse_into(&mut TimeLocalCache::default(), def.as_bytes(), &mut rec);
        }
    }
}

#[test]
fn typed_variables() {
    // ingress upstreaminfo with two attempts (beats' test.log, line 23).
    let line = "192.168.64.14 - - [07/Feb/2020:12:02:42 +0000] \"GET /v2/some HTTP/1.1\" 200 61 \"-\" \"Mozilla/5.0\" 348 0.001 [default-web2-8080] [] 172.17.0.6:8080, 172.17.0.7:8080 61, 100 0.100, 0.004 200, 203 835136ae24486dbb4156dcbe21f5d402";
    let def = crate::preset::Preset::IngressUpstreaminfo.definition();
    let r = parse(def, line).unwrap();
    assert_eq!(r.request_length, Some(348));
    assert_eq!(r.upstream_addr, b"172.17.0.6:8080, 172.17.0.7:8080");
    assert_eq!(r.upstream_response_length, b"61, 100");
    assert_eq!(r.upstream_status, b"200, 203");
    // The variables axlog has no field for are kept by name, in order.
    let compiled = Definition::compile(def).unwrap();
    let names: Vec<&str> = compiled.extra_names().collect();
    assert_eq!(
        names,
        [
            "proxy_upstream_name",
            "proxy_alternative_upstream_name",
            "req_id"
        ]
    );
    let extras: &[&[u8]] = &r.extras[..r.extras_len as usize];
    assert_eq!(
        extras,
        [
            &b"default-web2-8080"[..],
            b"",
            b"835136ae24486dbb4156dcbe21f5d402"
        ]
    );
    assert_eq!(
        (r.upstream_time_us, r.upstream_times_raw),
        (Some(104_000), &b"0.100, 0.004"[..])
    );
    // The other variables the issue lists.
    let def = "$time_local|$host|$server_port|$scheme|$server_protocol|$args|$bytes_sent|$upstream_connect_time|$upstream_header_time|$upstream_cache_status|$ssl_protocol|$ssl_cipher|$connection|$http_x_forwarded_for|$pipe";
    let r = parse(def, "21/Nov/2026:10:00:01 +0000|shop.example|443|https|HTTP/2.0|a=1|5120|0.002 : 0.001|0.010|HIT|TLSv1.3|TLS_AES_128_GCM_SHA256|7781|10.1.1.1, 10.2.2.2|p").unwrap();
    // $pipe is not typed: it is kept by name.
    let f = Definition::compile(def).unwrap();
    assert_eq!(f.extra_names().collect::<Vec<_>>(), ["pipe"]);
    assert_eq!(&r.extras[..r.extras_len as usize], [&b"p"[..]]);
    assert_eq!(
        (r.host, r.server_port, r.scheme),
        (&b"shop.example"[..], Some(443), &b"https"[..])
    );
    assert_eq!((r.protocol, r.query), (&b"HTTP/2.0"[..], &b"a=1"[..]));
    // Only $bytes_sent: it is the response size, and the bytes the report counts.
    assert_eq!((r.response_bytes, r.bytes_sent), (Some(5120), Some(5120)));
    assert_eq!(
        (r.upstream_connect_us, r.upstream_header_us),
        (Some(3000), Some(10_000))
    );
    assert_eq!(
        (r.cache_status, r.tls_protocol),
        (&b"HIT"[..], &b"TLSv1.3"[..])
    );
    assert_eq!(
        (r.tls_cipher, r.connection),
        (&b"TLS_AES_128_GCM_SHA256"[..], Some(7781))
    );
    assert_eq!(r.x_forwarded_for, b"10.1.1.1, 10.2.2.2");
    // Apache's counterparts.
    let f = Definition::compile_apache(r#"%v:%p %t "%r" %H %q %I %O %b %{SSL_PROTOCOL}x %{Host}i"#)
        .unwrap();
    let mut r = Record::default();
    f.parse_into(&mut TimeLocalCache::default(), br#"www:8443 [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" HTTP/1.1 ?x=1 420 900 512 TLSv1.2 www.example"#, &mut r).unwrap();
    assert_eq!(
        (r.server_port, r.protocol, r.query),
        (Some(8443), &b"HTTP/1.1"[..], &b"?x=1"[..])
    );
    assert_eq!(
        (r.request_length, r.response_bytes, r.bytes_sent),
        (Some(420), Some(900), Some(512))
    );
    // %v and then %{Host}i: the last one written wins.
    assert_eq!(
        (r.tls_protocol, r.host),
        (&b"TLSv1.2"[..], &b"www.example"[..])
    );
}

#[test]
fn haproxy_log_formats() {
    // A custom layout behind an RFC 3164 header: SNI fetch, quoted request, captures.
    let def = r#"%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %[ssl_fc_sni] %hr %hs %{+Q}r"#;
    let f = Definition::compile_any(def).unwrap();
    assert_eq!(f.dialect(), Dialect::Haproxy);
    let line = "Nov 21 10:00:01 lb1 haproxy[7]: 10.0.0.1:5555 [21/Nov/2026:10:00:01.250] web~ api/srv:1 0/0/1/25/26 200 512 ---- 3/2/1/1/+2 0/0 shop.example {a b|c} {x} \"GET /v1/items?x=1 HTTP/1.1\"";
    let mut rec = Record::default();
    let mut g = f.clone();
    g.set_tz(60);
    g.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
        .unwrap();
    // 10:00:01.250 at +01:00 is 09:00:01.250Z.
    assert_eq!((rec.ts_us, rec.utc_offset_min), (1_795_251_601_250_000, 60));
    assert_eq!(
        (rec.remote_addr, rec.status, rec.bytes_sent),
        (&b"10.0.0.1"[..], 200, Some(512))
    );
    assert_eq!(rec.path(), Some(&b"/v1/items"[..]));
    assert_eq!(
        (rec.request_time_us, rec.upstream_time_us),
        (Some(26_000), Some(25_000))
    );
    let h = rec.haproxy.unwrap();
    assert_eq!((h.syslog_host, h.client_port), (&b"lb1"[..], Some(5555)));
    assert_eq!(
        (h.frontend, h.backend, h.server),
        (&b"web~"[..], &b"api"[..], &b"srv:1"[..])
    );
    assert_eq!((h.tr_us, h.tw_us, h.tc_us), (Some(0), Some(0), Some(1000)));
    assert_eq!((h.retries, h.srv_queue), (Some(2), Some(0)));
    assert_eq!(
        (h.captured_request_headers, h.captured_response_headers),
        (&b"a b|c"[..], &b"x"[..])
    );
    // Without captures HAProxy writes neither block nor its space; -1 timers are
    // absent; status -1 is none.
    let line = "10.0.0.1:5555 [21/Nov/2026:10:00:01.250] web api/<NOSRV> -1/-1/-1/-1/3 -1 0 PR-- 0/0/0/0/0 0/0 - \"<BADREQ>\"";
    let mut rec = Record::default();
    f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
        .unwrap();
    let h = rec.haproxy.unwrap();
    assert_eq!((h.tr_us, h.ta_us, rec.status), (None, Some(3000), 0));
    assert_eq!(h.captured_request_headers, b"");
    // HAProxy's notices are not malformed lines.
    let notice = "Nov 21 10:00:01 lb1 haproxy[7]: Server api/srv:1 is DOWN, reason: Layer4 timeout";
    assert_eq!(
        f.parse_into(&mut TimeLocalCache::default(), notice.as_bytes(), &mut rec),
        Err(ParseError::NotAccess)
    );
}

/// Parses `line` with the HAProxy `log-format` `def` (raw, no syslog header).
fn ha(def: &str, line: &'static str) -> Result<Record<'static>, ParseError> {
    let f = Definition::compile_haproxy(def).unwrap();
    let mut rec = Record::default();
    f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
        .map(|()| rec)
}

/// 04/Apr/2026:04:04:04 UTC in seconds (`date -u -d ... +%s`).
const APR4: i64 = 1_775_275_444;

#[test]
fn haproxy_quoted_captures_empty_or_not() {
    // `%{+Q}hr`/`%{+Q}hs` without captures write nothing, not `""`; with captures
    // `"{...}"`. In the middle of the layout, their separators collapse.
    let def = "%ci [%t] %{+Q}hr %{+Q}hs %ST %{+Q}r";
    for (line, req, resp) in [
        (
            "10.0.0.1 [04/Apr/2026:04:04:04.000] 200 \"GET / HTTP/1.1\"",
            "",
            "",
        ),
        (
            "10.0.0.1 [04/Apr/2026:04:04:04.000] \"{curl/8|a.test}\" \"{x 1}\" 200 \"GET / HTTP/1.1\"",
            "curl/8|a.test",
            "x 1",
        ),
        (
            "10.0.0.1 [04/Apr/2026:04:04:04.000] \"{curl/8}\" 200 \"GET / HTTP/1.1\"",
            "curl/8",
            "",
        ),
    ] {
        let r = ha(def, line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let h = r.haproxy.unwrap();
        assert_eq!(
            (h.captured_request_headers, h.captured_response_headers),
            (req.as_bytes(), resp.as_bytes()),
            "{line}"
        );
        assert_eq!((r.status, r.path()), (200, Some(&b"/"[..])), "{line}");
    }
    // Blocks that end the layout: the separator before them is written (and may be
    // trimmed away), the blocks may be empty.
    let def = "%ci [%t] %ST %{+Q}r %{+Q}hr";
    for (line, req) in [
        (
            "10.0.0.1 [04/Apr/2026:04:04:04.000] 302 \"GET /a HTTP/1.1\" ",
            "",
        ),
        (
            "10.0.0.1 [04/Apr/2026:04:04:04.000] 302 \"GET /a HTTP/1.1\"",
            "",
        ),
        (
            "10.0.0.1 [04/Apr/2026:04:04:04.000] 302 \"GET /a HTTP/1.1\" \"{Mozilla/5.0 (X)}\"",
            "Mozilla/5.0 (X)",
        ),
    ] {
        let r = ha(def, line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(r.request, b"GET /a HTTP/1.1", "{line}");
        assert_eq!(r.haproxy.unwrap().captured_request_headers, req.as_bytes());
    }
    // Unquoted blocks, and the CLF-style lists `%hrl`/`%hsl`, empty.
    let def = "%ci [%t] %hr %hrl %hsl %hs %ST %{+Q}r";
    for line in [
        "10.0.0.1 [04/Apr/2026:04:04:04.000] 404 \"GET /b HTTP/1.1\"",
        "10.0.0.1 [04/Apr/2026:04:04:04.000] {h} {s} 404 \"GET /b HTTP/1.1\"",
    ] {
        let r = ha(def, line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(r.status, 404, "{line}");
    }
}

#[test]
fn haproxy_empty_captures_before_a_quoted_field() {
    // No capture declared: the blocks write nothing, their separators collapse, and
    // the next field's opening quote follows the separator before the blocks.
    let stock = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Tt %ST %B %CC %CS %tsc \
                 %ac/%fc/%bc/%sc/%rc %sq/%bq";
    let empty = "10.0.0.1:51234 [06/Feb/2024:09:00:00.123] fe be/s1 0/0/1/5/6 200 12 - - \
                 ---- 1/1/0/0/0 0/0 \"GET /x HTTP/1.1\"";
    for blocks in [
        "%hr %hs",
        "%hr",
        "%hs",
        "%hsl",
        "%hrl %hsl",
        "%{+Q}hr",
        "%{+Q}hr %{+Q}hs",
    ] {
        let def = format!("{stock} {blocks} %{{+Q}}r");
        let r = ha(&def, empty).unwrap_or_else(|e| panic!("{e}: {def}"));
        assert_eq!(r.request, b"GET /x HTTP/1.1", "{def}");
        let parts = r.request_parts().unwrap();
        assert_eq!((parts.method, parts.path()), (&b"GET"[..], &b"/x"[..]));
        assert_eq!((r.status, r.bytes_sent), (200, Some(12)), "{def}");
        // `explain` splits the line the same way.
        let f = Definition::compile_haproxy(&def).unwrap();
        let split = f.split(empty.as_bytes()).unwrap();
        assert_eq!(
            split.last(),
            Some(&("%r", &b"GET /x HTTP/1.1"[..])),
            "{def}"
        );
    }
    // Right after the byte count, with literal text after the block.
    let r = ha(
        "%ci [%tr] %B %hr %{+Q}r",
        "10.0.0.1 [06/Feb/2024:09:00:00.123] 12 \"GET /x HTTP/1.1\"",
    )
    .unwrap();
    assert_eq!(r.request, b"GET /x HTTP/1.1");
    let r = ha(
        "%ci [%tr] %B %hr|%ST",
        "10.0.0.1 [06/Feb/2024:09:00:00.123] 12 |200",
    )
    .unwrap();
    assert_eq!(r.status, 200);
    // After text that ends without a separator, the one after the block is written.
    let r = ha(
        "%ci [%tr] x=%hr %ST",
        "10.0.0.1 [06/Feb/2024:09:00:00.123] x= 200",
    )
    .unwrap();
    assert_eq!(r.status, 200);
    // With captures, the blocks are read as before.
    let def = format!("{stock} %hr %hs %{{+Q}}r");
    let full = "10.0.0.1:51234 [06/Feb/2024:09:00:00.123] fe be/s1 0/0/1/5/6 200 12 - - \
                ---- 1/1/0/0/0 0/0 {a|b} {c} \"GET /x HTTP/1.1\"";
    let r = ha(&def, full).unwrap();
    assert_eq!(r.request, b"GET /x HTTP/1.1");
    let h = r.haproxy.unwrap();
    assert_eq!(
        (h.captured_request_headers, h.captured_response_headers),
        (&b"a|b"[..], &b"c"[..])
    );
    let def = format!("{stock} %{{+Q}}hr %{{+Q}}hs %{{+Q}}r");
    let full = "10.0.0.1:51234 [06/Feb/2024:09:00:00.123] fe be/s1 0/0/1/5/6 200 12 - - \
                ---- 1/1/0/0/0 0/0 \"{a|b}\" \"GET /x HTTP/1.1\"";
    let r = ha(&def, full).unwrap();
    assert_eq!(r.request, b"GET /x HTTP/1.1");
    assert_eq!(r.haproxy.unwrap().captured_request_headers, b"a|b");
    // A line that lacks the quote the layout writes does not fit.
    let bad = "10.0.0.1 [06/Feb/2024:09:00:00.123] 12 GET /x HTTP/1.1\"";
    assert!(ha("%ci [%tr] %B %hr %{+Q}r", bad).is_err());
}

#[test]
fn haproxy_logasap_plus_signs() {
    // `option logasap`: Tt and the byte count are written before the end, with `+`.
    let def = "%ci [%t] %TR/%Tw/%Tc/%Tr/%Tt %ST %B %U";
    let r = ha(
        def,
        "10.0.0.1 [04/Apr/2026:04:04:04.500] 1/0/2/30/+34 200 +4096 77",
    )
    .unwrap();
    let h = r.haproxy.unwrap();
    assert_eq!(
        (h.tr_us, h.tresp_us, h.ta_us),
        (Some(1000), Some(30_000), Some(34_000))
    );
    assert_eq!(
        (r.request_time_us, r.bytes_sent),
        (Some(34_000), Some(4096))
    );
    assert_eq!(r.request_length, Some(77));
    assert_eq!(r.ts_us, APR4 * 1_000_000 + 500_000);
}

#[test]
fn haproxy_flag_options() {
    // `+X`: client address and port, and `%Ts`, in hexadecimal (192.0.2.70:40001 at
    // 04:04:04Z).
    let r = ha("%{+X}ci:%{+X}cp %{+X}Ts %ST", "C0000246:9C41 69D08DB4 200").unwrap();
    assert_eq!(r.remote_addr, b"C0000246");
    assert_eq!(r.haproxy.unwrap().client_port, Some(40_001));
    assert_eq!(r.ts_us, APR4 * 1_000_000);
    // A hexadecimal time too large for microseconds is a bad time, not an overflow.
    for line in [
        "C0000246:9C41 FFFFFFFFFFFFFFF 200",
        "C0000246:9C41 -FFFFFFFFFFFFFF 200",
    ] {
        assert_eq!(
            ha("%{+X}ci:%{+X}cp %{+X}Ts %ST", line).err(),
            Some(ParseError::BadTime),
            "{line}"
        );
    }
    // Plain, the same numbers in decimal.
    let r = ha("%ci:%cp %Ts %ST", "192.0.2.70:40001 1775275444 200").unwrap();
    assert_eq!(
        (r.haproxy.unwrap().client_port, r.ts_us),
        (Some(40_001), APR4 * 1_000_000)
    );
    // `+E` escapes a `"` inside a quoted value with a backslash: not its end.
    let r = ha(
        "%Ts %ST %{+Q,+E}r %{+Q}ft",
        r#"1775275444 400 "GET /q\"x HTTP/1.1" "fe~""#,
    )
    .unwrap();
    assert_eq!(r.request, br#"GET /q\"x HTTP/1.1"#);
    assert_eq!(r.haproxy.unwrap().frontend, b"fe~");
    // `+Q+E` written without a comma, and `-Q` after `%{+Q}o` (quote everything
    // after it): the status unquoted, the request and frontend quoted.
    for def in [
        "%Ts %{-Q}ST %{+Q+E}r %{+Q}ft",
        "%{+Q}o %{-Q}Ts %{-Q}ST %{+E}r %ft",
    ] {
        let r = ha(def, r#"1775275444 400 "GET /q\"x HTTP/1.1" "fe~""#)
            .unwrap_or_else(|e| panic!("{e}: {def}"));
        assert_eq!(
            (r.status, r.request),
            (400, &br#"GET /q\"x HTTP/1.1"#[..]),
            "{def}"
        );
    }
    // What `+E` escapes is undone where a value is used: the path and method, with
    // HAProxy's `#HH` as well; a record of a layout without `+E` keeps backslashes.
    let r = ha(
        "%Ts %ST %{+Q,+E}r %{+E}[capture.req.hdr(0)]",
        r#"1775275444 400 "GET /q\"x\\y\]#22z HTTP/1.1" a\]b"#,
    )
    .unwrap();
    let parts = r.request_parts().unwrap();
    assert_eq!(&*r.escaping.decode(parts.path()), br#"/q"x\y]"z"#);
    assert_eq!(&*r.escaping.decode(parts.method), b"GET");
    // A `]` closing text after an escaped `]` is not the value's end.
    let r = ha(
        "%Ts [%{+E}[var(txn.x)]] %ST %{+Q}r",
        r#"1775275444 [a\] b] 200 "GET / HTTP/1.1""#,
    )
    .unwrap();
    assert_eq!((r.extras[0], r.status), (&br"a\] b"[..], 200));
    assert_eq!(&*r.escaping.decode(r.extras[0]), b"a] b");
    let r = ha("%Ts %ST %{+Q}r", r#"1775275444 200 "GET /a\\b HTTP/1.1""#).unwrap();
    assert_eq!(&*r.escaping.decode(r.path().unwrap()), br"/a\\b");
    // Quoted text that is empty is `""`: an empty value.
    let r = ha(
        "%Ts %ST %{+Q}CC %{+Q}r",
        r#"1775275444 200 "" "GET / HTTP/1.1""#,
    )
    .unwrap();
    assert_eq!(r.path(), Some(&b"/"[..]));
}

/// Runs of HAProxy numbers are read as one value: the same values, and the same
/// refusals, as one by one.
#[test]
fn plain_numbers_or_none() {
    assert_eq!(
        plain_numbers::<5>(b"0/12/3/456/7890", b'/'),
        Some([0, 12, 3, 456, 7890])
    );
    assert_eq!(plain_numbers::<2>(b"0/0", b'/'), Some([0, 0]));
    for odd in [
        &b"0/12/3/456"[..],
        b"0/12/3/456/7/8",
        b"0/-1/3/456/7",
        b"0/+1/3/456/7",
        b"0//3/456/7",
        b"0/1/3/456/",
        b"/0/1/3/456",
        b"0/1/3/4/1234567890123456",
        b"",
    ] {
        assert_eq!(
            plain_numbers::<5>(odd, b'/'),
            None,
            "{}",
            String::from_utf8_lossy(odd)
        );
    }
}

#[test]
fn haproxy_number_runs() {
    let f =
        Definition::compile_haproxy("%ci [%tr] %TR/%Tw/%Tc/%Tr/%Ta %ST %ac/%fc %rc/%ST").unwrap();
    // The definition's variables stay separate for `explain`; the parser takes two runs
    // (`%rc/%ST` is no run: `%ST` is no HAProxy number).
    assert_eq!(f.names().count(), 12);
    assert_eq!(f.len(), 7);
    let run = |timers: &str, conns: &str| {
        let line = format!("1.2.3.4 [21/Nov/2026:10:00:01.250] {timers} 200 {conns} 3/200");
        let mut rec = Record::default();
        f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
            .map(|()| {
                let h = rec.haproxy.unwrap();
                (
                    [h.tr_us, h.tw_us, h.tc_us, h.tresp_us, h.ta_us],
                    [h.actconn, h.feconn, h.retries],
                )
            })
    };
    let ms = |v: u64| Some(v * 1000);
    assert_eq!(
        run("5/-1/+12/130/1500", "7/0"),
        Ok((
            [ms(5), None, ms(12), ms(130), ms(1500)],
            [Some(7), Some(0), Some(3)]
        ))
    );
    assert_eq!(run("5/0/1/2", "7/0"), Err(ParseError::Layout));
    assert_eq!(run("5/0/1/2/3/4", "7/0"), Err(ParseError::Layout));
    assert_eq!(run("5/0/x/2/3", "7/0"), Err(ParseError::BadTiming));
    assert_eq!(run("5/0/1/2/3", "7/0/1"), Err(ParseError::Layout));
    // Where a line stops fitting is named by the run.
    let line = "1.2.3.4 [21/Nov/2026:10:00:01.250] 5/0/x/2/3 200 7/0 3/200";
    assert_eq!(
        f.progress(line.as_bytes()),
        (2, Some(("%TR/%Tw/%Tc/%Tr/%Ta", ParseError::BadTiming)))
    );
}

#[test]
fn haproxy_layout_without_a_date_takes_the_syslog_time() {
    let mut f = Definition::compile_haproxy("%ci:%cp %ft %b/%s %ST %B %{+Q}r").unwrap();
    // Read on 2027-01-02T00:00:00Z (1798848000, date -d): December's lines are 2026's.
    f.set_now(1_798_848_000_000_000);
    let time = |line: &str| {
        let mut rec = Record::default();
        f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
            .map(|()| (rec.ts_us, rec.utc_offset_min))
    };
    let msg = "10.0.0.1:5 web api/s1 200 10 \"GET / HTTP/1.1\"";
    // 2026-12-31T23:59:59Z = 1798761599; 2027-01-01T00:00:01Z = 1798761601.
    assert_eq!(
        time(&format!("Dec 31 23:59:59 lb haproxy[1]: {msg}")),
        Ok((1_798_761_599_000_000, 0))
    );
    assert_eq!(
        time(&format!("<134>Jan  1 00:00:01 lb haproxy[1]: {msg}")),
        Ok((1_798_761_601_000_000, 0))
    );
    // ISO 8601 and RFC 5424 headers carry their own year and zone.
    assert_eq!(
        time(&format!("2026-11-21T10:00:01+01:00 lb haproxy[1]: {msg}")),
        Ok((1_795_251_601_000_000, 60))
    );
    assert_eq!(
        time(&format!(
            "<134>1 2026-11-21T09:00:01Z lb haproxy 1 - - {msg}"
        )),
        Ok((1_795_251_601_000_000, 0))
    );
    // No header, no time.
    assert_eq!(time(msg), Err(ParseError::BadTime));
}

#[test]
fn no_line_panics_any_dialect() {
    // A valid line per dialect, then bytes overwritten, inserted or cut, 20k times.
    let cases = [
        (
            "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r",
            "Nov 21 10:00:01 lb haproxy[1]: 10.0.0.1:5 [21/Nov/2026:10:00:01.250] web~ api/s:1 0/0/1/-1/+26 -1 +512 ---- 3/2/1/1/+2 0/0 {a b|c} {x} \"GET /v1 HTTP/1.1\"",
        ),
        (
            r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D %{ms}T"#,
            r#"10.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /a\"b HTTP/1.1" 200 - "-" "UA \"x\"" 1500 2"#,
        ),
        (
            "${msec} $upstream_addr $upstream_response_time \"$request\" $status $http_x_forwarded_for $pipe",
            "1795251601.250 10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80 0.100, 0.004 : - \"GET /a?b HTTP/1.1\" 200 1.1.1.1, 2.2.2.2 p",
        ),
    ];
    let alphabet = b" \"[]{}|-.,:/+%\\0123456789\xff\x00";
    let mut state = 0x0123_4567_89ab_cdefu64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (def, valid) in cases {
        let f = Definition::compile_any(def).unwrap();
        let mut rec = Record::default();
        assert!(
            f.parse_into(&mut TimeLocalCache::default(), valid.as_bytes(), &mut rec)
                .is_ok(),
            "{def}"
        );
        if f.dialect() == Dialect::Haproxy {
            // `+512`: logasap's unfinished count, read as 512; status -1 is none.
            assert_eq!((rec.bytes_sent, rec.status), (Some(512), 0));
        }
        for _ in 0..20_000 {
            let mut line = valid.as_bytes().to_vec();
            for _ in 0..1 + next() % 4 {
                let at = (next() as usize) % (line.len() + 1);
                let c = alphabet[(next() as usize) % alphabet.len()];
                match next() % 3 {
                    0 if at < line.len() => line[at] = c,
                    1 => line.insert(at, c),
                    _ => line.truncate(at),
                }
            }
            let mut scratch = Record::default();
            let _ = f.parse_into(&mut TimeLocalCache::default(), &line, &mut scratch);
        }
    }
}
