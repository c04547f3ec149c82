//! The HAProxy parser's tests: HAProxy's documented examples of each layout, header
//! blocks, client addresses, syslog prefixes, dates, server messages, malformed lines.

use super::*;

/// Epoch µs of a UTC date, from `date -u -d ... +%s` (written out by hand).
const FEB_6_2009_12_14_14: i64 = 1_233_922_454_000_000;

fn p(line: &str) -> Result<Record<'_>, ParseError> {
    HaproxyParser::new(0).parse(line.as_bytes())
}

fn hf<'a>(r: &Record<'a>) -> HaproxyFields<'a> {
    r.haproxy.expect("haproxy fields")
}

fn ms(v: u64) -> Option<u64> {
    Some(v * 1000)
}

/// The httplog example of the HAProxy documentation (8.2.3), every field.
#[test]
fn httplog_doc_example() {
    let r = p(r#"Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1""#).unwrap();
    assert_eq!(r.ts_us, FEB_6_2009_12_14_14 + 655_000);
    assert_eq!(r.utc_offset_min, 0);
    assert_eq!(r.remote_addr, b"10.0.1.2");
    assert_eq!(r.request, b"GET /index.html HTTP/1.1");
    assert_eq!(r.path(), Some(&b"/index.html"[..]));
    assert_eq!((r.method, r.uri), (&b""[..], &b""[..]));
    assert_eq!(r.status, 200);
    assert_eq!(r.bytes_sent, Some(2750));
    assert_eq!(r.request_time_us, ms(109));
    assert_eq!(r.upstream_time_us, ms(69));
    assert_eq!(
        hf(&r),
        HaproxyFields {
            syslog_host: b"localhost",
            client_port: Some(33317),
            frontend: b"http-in",
            backend: b"static",
            server: b"srv1",
            backend_server: b"static/srv1",
            tr_us: ms(10),
            tw_us: ms(0),
            tc_us: ms(30),
            tresp_us: ms(69),
            ta_us: ms(109),
            termination_state: b"----",
            actconn: Some(1),
            feconn: Some(1),
            beconn: Some(1),
            srv_conn: Some(1),
            retries: Some(0),
            srv_queue: Some(0),
            backend_queue: Some(0),
            captured_request_headers: b"1wt.eu",
            captured_response_headers: b"",
            tcp: false,
        }
    );
}

/// The tcplog example of the HAProxy documentation (8.2.2).
#[test]
fn tcplog_doc_example() {
    let r = p("Feb  6 12:12:56 localhost haproxy[14387]: 10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0").unwrap();
    assert_eq!(r.ts_us, 1_233_922_371_443_000);
    assert_eq!(r.remote_addr, b"10.0.1.2");
    assert_eq!((r.status, r.request), (0, &b""[..]));
    assert_eq!(r.bytes_sent, Some(212));
    assert_eq!(r.request_time_us, ms(5007));
    assert_eq!(r.upstream_time_us, None);
    assert_eq!(
        hf(&r),
        HaproxyFields {
            syslog_host: b"localhost",
            client_port: Some(33313),
            frontend: b"fnt",
            backend: b"bck",
            server: b"srv1",
            backend_server: b"bck/srv1",
            tr_us: None,
            tw_us: ms(0),
            tc_us: ms(0),
            tresp_us: None,
            ta_us: ms(5007),
            termination_state: b"--",
            actconn: Some(0),
            feconn: Some(0),
            beconn: Some(0),
            srv_conn: Some(0),
            retries: Some(3),
            srv_queue: Some(0),
            backend_queue: Some(0),
            captured_request_headers: b"",
            captured_response_headers: b"",
            tcp: true,
        }
    );
}

#[test]
fn badreq_nosrv_and_unset_timers() {
    let r = p(r#"Jul 18 17:05:30 localhost haproxy[8247]: 188.223.50.7:51940 [18/Jul/2011:17:05:24.339] http_proxy_ads http_proxy_ads/<NOSRV> -1/-1/-1/-1/6001 408 212 - - cR-- 100/89/0/0/0 0/0 "<BADREQ>""#).unwrap();
    assert_eq!(r.ts_us, 1_311_008_724_339_000);
    assert_eq!(r.request, b"<BADREQ>");
    assert_eq!(r.path(), None);
    assert_eq!((r.status, r.bytes_sent), (408, Some(212)));
    assert_eq!((r.request_time_us, r.upstream_time_us), (ms(6001), None));
    let f = hf(&r);
    assert_eq!(f.server, b"<NOSRV>");
    assert_eq!(
        (f.tr_us, f.tw_us, f.tc_us, f.tresp_us),
        (None, None, None, None)
    );
    assert_eq!(f.termination_state, b"cR--");
    assert_eq!((f.actconn, f.feconn), (Some(100), Some(89)));

    let r = p(r#"1.2.3.4:5 [18/Jul/2011:17:05:24.339] fe be/<NOSRV> 0/-1/-1/-1/0 -1 0 - - CR-- 1/1/0/0/0 0/0 "GET / HTTP/1.1""#).unwrap();
    assert_eq!(r.status, 0);

    // The longest numbers read: 18 digits; their µs saturate.
    let big = "999999999999999999";
    let line = format!(
        r#"1.2.3.4:5 [18/Jul/2011:17:05:24.339] fe be/s 0/0/0/0/{big} 200 {big} - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1""#
    );
    let r = p(&line).unwrap();
    assert_eq!(
        (r.request_time_us, r.bytes_sent),
        (Some(u64::MAX), Some(999_999_999_999_999_999))
    );
    assert_eq!(
        p(&line.replace("/999", "/9999")),
        Err(ParseError::BadTiming)
    );
}

/// `option logasap`: `+` before Ta and the bytes; `+` before retries after a redispatch.
#[test]
fn logasap_and_redispatch() {
    let r = p(r#"10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/+109 200 +2750 - - ---- 1/1/1/1/+3 0/0 "GET / HTTP/1.1""#).unwrap();
    assert_eq!(r.request_time_us, ms(109));
    assert_eq!(r.bytes_sent, Some(2750));
    let f = hf(&r);
    assert_eq!(f.retries, Some(3));
    assert_eq!(f.syslog_host, b"");
}

/// httpslog (2.x): the SSL fields after the request are ignored; custom fields between
/// the server and the timers are skipped.
#[test]
fn httpslog_and_extra_fields() {
    let r = p(r#"Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] https-in~ static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1" 0/0/0/0/0 1wt.eu/TLSv1.3/TLS_AES_256_GCM_SHA384"#).unwrap();
    assert_eq!(r.request, b"GET /index.html HTTP/1.1");
    assert_eq!(hf(&r).frontend, b"https-in~");
    assert_eq!(r.request_time_us, ms(109));

    let r = p(r#"Jun 22 12:02:53 node2 haproxy[23034]: -:47625 [22/Jun/2021:12:02:53.473] www-https~ app/app-node2 app.domain.com extra 0/0/1/17/18 302 291 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1""#).unwrap();
    assert_eq!(r.remote_addr, b"-");
    let f = hf(&r);
    assert_eq!(f.client_port, Some(47625));
    assert_eq!((f.backend, f.server), (&b"app"[..], &b"app-node2"[..]));
    assert_eq!((f.tc_us, f.tresp_us, f.ta_us), (ms(1), ms(17), ms(18)));
    assert_eq!((r.status, r.bytes_sent), (302, Some(291)));
}

#[test]
fn header_blocks() {
    let base =
        "1.2.3.4:5 [06/Feb/2009:12:14:14.655] fe be/s 1/2/3/4/5 200 1 - - ---- 1/1/1/1/0 0/0";
    let line = format!(r#"{base} {{a b|c d}} {{|x|}} "GET /a HTTP/1.1""#);
    let f = hf(&p(&line).unwrap());
    assert_eq!(f.captured_request_headers, b"a b|c d");
    assert_eq!(f.captured_response_headers, b"|x|");
    let line = format!(r#"{base} {{one}} "GET /a HTTP/1.1""#);
    let f = hf(&p(&line).unwrap());
    assert_eq!(
        (f.captured_request_headers, f.captured_response_headers),
        (&b"one"[..], &b""[..])
    );
    let line = format!(r#"{base} {{unclosed "GET /a HTTP/1.1""#);
    assert_eq!(p(&line), Err(ParseError::UnclosedQuote));
    assert_eq!(p(base), Err(ParseError::NoRequest));
    let line = format!(r#"{base} GET"#);
    assert_eq!(p(&line), Err(ParseError::NoRequest));
    // Cut by HAProxy's line length: the request is kept as cut.
    let line = format!(r#"{base} "GET /very/long/pa"#);
    assert_eq!(p(&line).unwrap().request, b"GET /very/long/pa");
}

#[test]
fn client_addresses() {
    let tail = "[06/Feb/2009:12:14:14.655] fe be/srv:8080 1/2/3/4/5 200 1 - - ---- 1/1/1/1/0 0/0 \"GET / HTTP/1.1\"";
    let cases: [(&str, &str, Option<u16>); 6] = [
        ("[::1]:1234", "::1", Some(1234)),
        ("::1:1234", "::1", Some(1234)),
        ("2001:db8::7:65535", "2001:db8::7", Some(65535)),
        ("unix:1", "unix", None),
        ("-:22222", "-", Some(22222)),
        ("-", "-", None),
    ];
    for (client, addr, port) in cases {
        let line = format!("{client} {tail}");
        let r = p(&line).unwrap();
        assert_eq!(r.remote_addr, addr.as_bytes(), "{client}");
        let f = hf(&r);
        assert_eq!(f.client_port, port, "{client}");
        assert_eq!(f.server, b"srv:8080");
    }
}

/// Every prefix: host, time (from the accept date, not the syslog one) and fields.
#[test]
fn prefixes() {
    let msg = r#"10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 "GET /x HTTP/1.1""#;
    let cases: [(&str, &str); 11] = [
        ("", ""),
        ("Feb  6 12:14:14 lb1 haproxy[14389]: ", "lb1"),
        ("Feb 16 12:14:14 lb1 haproxy[14389]: ", "lb1"),
        ("Feb 6 12:14:14.123456 lb1 haproxy: ", "lb1"),
        ("<134>Feb  6 12:14:14 lb1 haproxy[14389]: ", "lb1"),
        // HAProxy's rfc3164 without log-send-hostname, and its `local` format.
        ("<134>Feb  6 12:14:14 haproxy[14389]: ", ""),
        (
            "<134>1 2009-02-06T12:14:14.655+01:00 lb1 haproxy 14389 - - ",
            "lb1",
        ),
        (
            r#"<134>1 2009-02-06T12:14:14Z - haproxy - - [ex@1 a="x]y" b="\"]"][ex@2 c="d"] "#,
            "",
        ),
        (
            "2009-02-06T12:14:14+01:00 lb1.example.com haproxy[123]: ",
            "lb1.example.com",
        ),
        // HAProxy's `iso`, `timed` and `short` formats, and a bare tag.
        ("2009-02-06T12:14:14.655000+01:00 ", ""),
        ("<134>2009-02-06T12:14:14+01:00 ", ""),
    ];
    for (prefix, host) in cases {
        let line = format!("{prefix}{msg}");
        let r = p(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(r.ts_us, FEB_6_2009_12_14_14 + 655_000, "{prefix}");
        let f = hf(&r);
        assert_eq!(f.syslog_host, host.as_bytes(), "{prefix}");
        assert_eq!(f.client_port, Some(33317), "{prefix}");
        assert_eq!(r.request, b"GET /x HTTP/1.1", "{prefix}");
    }
    for prefix in ["<6>", "haproxy[123]: ", "<6>haproxy[1]: "] {
        let line = format!("{prefix}{msg}");
        assert_eq!(p(&line).unwrap().status, 200, "{prefix}");
    }
}

#[test]
fn accept_date_zone() {
    let line = r#"10.0.1.2:33317 [06/Feb/2009:12:14:14.655] fe be/s 1/0/1/1/3 200 1 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1""#;
    let mut p = HaproxyParser::new(120);
    let r = p.parse(line.as_bytes()).unwrap();
    assert_eq!(r.ts_us, FEB_6_2009_12_14_14 + 655_000 - 7_200_000_000);
    assert_eq!(r.utc_offset_min, 120);
    let mut p = HaproxyParser::new(-330);
    let r = p.parse(line.as_bytes()).unwrap();
    assert_eq!(r.ts_us, FEB_6_2009_12_14_14 + 655_000 + 19_800_000_000);
    assert_eq!(r.utc_offset_min, -330);
    // A date with its own zone (`%trl`) uses that zone.
    let zoned = line.replace(".655]", ".655 -0100]");
    let r = p.parse(zoned.as_bytes()).unwrap();
    assert_eq!(r.ts_us, FEB_6_2009_12_14_14 + 655_000 + 3_600_000_000);
    assert_eq!(r.utc_offset_min, -60);
}

/// The minute cache: other minutes, and back, give the right times.
#[test]
fn date_cache() {
    let mut p = HaproxyParser::new(0);
    let at = |p: &mut HaproxyParser, d: &str| {
        let line = format!(
            r#"1.2.3.4:5 [{d}] fe be/s 1/0/1/1/3 200 1 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1""#
        );
        p.parse(line.as_bytes()).map(|r| r.ts_us)
    };
    let base = FEB_6_2009_12_14_14;
    assert_eq!(at(&mut p, "06/Feb/2009:12:14:14.655"), Ok(base + 655_000));
    assert_eq!(
        at(&mut p, "06/Feb/2009:12:14:59.000"),
        Ok(base + 45_000_000)
    );
    assert_eq!(
        at(&mut p, "06/Feb/2009:12:15:00.001"),
        Ok(base + 46_001_000)
    );
    assert_eq!(at(&mut p, "06/Feb/2009:12:14:14.000"), Ok(base));
    assert_eq!(
        at(&mut p, "07/Feb/2009:12:14:14.000"),
        Ok(base + 86_400_000_000)
    );
    assert_eq!(
        at(&mut p, "29/Feb/2009:12:14:14.000"),
        Err(ParseError::BadTime)
    );
    assert_eq!(
        at(&mut p, "29/Feb/2012:00:00:00.000"),
        Ok(1_330_473_600_000_000)
    );
    assert_eq!(
        at(&mut p, "06/Feb/2009:24:14:14.000"),
        Err(ParseError::BadTime)
    );
    assert_eq!(
        at(&mut p, "06/Feb/2009:12:14:61.000"),
        Err(ParseError::BadTime)
    );
    assert_eq!(
        at(&mut p, "06/Fxb/2009:12:14:14.000"),
        Err(ParseError::BadTime)
    );
    assert_eq!(
        at(&mut p, "06/Feb/2009:12:14:14."),
        Err(ParseError::BadTime)
    );
    assert_eq!(at(&mut p, "06/Feb/2009:12:14:14.655"), Ok(base + 655_000));
}

/// `option httplog clf`, with the examples of two users' logs (goaccess issues #36 and
/// ngxtop #104): client unquoted, names quoted, server names with `:`.
#[test]
fn clf_http() {
    let r = p(r#"Mar  8 19:02:49 1.2.3.4 haproxy[8]: 127.0.0.1 - - [08/Mar/2022:19:02:49 +0000] "GET https://example.com/test HTTP/2.0" 200 7473 "" "" 40054 325 "frontend~" "backend" "server" 0 0 0 62 63 ---- 1 1 0 0 0 0 0 "" "" "#).unwrap();
    assert_eq!(r.ts_us, 1_646_766_169_325_000);
    assert_eq!(r.utc_offset_min, 0);
    assert_eq!(r.remote_addr, b"127.0.0.1");
    assert_eq!(r.request, b"GET https://example.com/test HTTP/2.0");
    assert_eq!((r.status, r.bytes_sent), (200, Some(7473)));
    assert_eq!((r.request_time_us, r.upstream_time_us), (ms(63), ms(62)));
    assert_eq!(
        hf(&r),
        HaproxyFields {
            syslog_host: b"1.2.3.4",
            client_port: Some(40054),
            frontend: b"frontend~",
            backend: b"backend",
            server: b"server",
            backend_server: b"",
            tr_us: ms(0),
            tw_us: ms(0),
            tc_us: ms(0),
            tresp_us: ms(62),
            ta_us: ms(63),
            termination_state: b"----",
            actconn: Some(1),
            feconn: Some(1),
            beconn: Some(0),
            srv_conn: Some(0),
            retries: Some(0),
            srv_queue: Some(0),
            backend_queue: Some(0),
            captured_request_headers: b"",
            captured_response_headers: b"",
            tcp: false,
        }
    );

    let r = p(r#"70.74.14.133 - - [18/Sep/2013:17:53:19 +0200] "GET /account/logmein?email=dasd@example.com HTTP/1.1" 302 480 "" "" 50535 265 "cloud1" "recipes:t5engine::engine" "recipes:t5engine::engine_domU-12-22-39-13-40-4" 0 0 0 191 191 ---- 45 45 3 1 0 0 0 "" "" "www.domain.com""#).unwrap();
    assert_eq!(r.ts_us, 1_379_526_799_265_000 - 7_200_000_000);
    assert_eq!(r.utc_offset_min, 120);
    let f = hf(&r);
    assert_eq!(f.backend, b"recipes:t5engine::engine");
    assert_eq!(f.server, b"recipes:t5engine::engine_domU-12-22-39-13-40-4");
    assert_eq!(
        (f.actconn, f.feconn, f.beconn),
        (Some(45), Some(45), Some(3))
    );
    assert_eq!(
        (f.srv_conn, f.retries, f.srv_queue),
        (Some(1), Some(0), Some(0))
    );
    assert_eq!(f.ta_us, ms(191));

    // A quoted client and -1 timers.
    let r = p(r#""::1" - - [18/Sep/2013:17:53:19 +0000] "<BADREQ>" 408 212 "" "" 1234 007 "fe" "fe" "<NOSRV>" -1 -1 -1 -1 6001 cR-- 1 1 0 0 0 0 0 "" """#).unwrap();
    assert_eq!(r.remote_addr, b"::1");
    assert_eq!(r.ts_us, 1_379_526_799_007_000);
    let f = hf(&r);
    assert_eq!((f.tr_us, f.tresp_us, f.ta_us), (None, None, ms(6001)));
    assert_eq!(f.server, b"<NOSRV>");
}

/// `option tcplog clf` (HAProxy 3.x): `"TCP "`, status 000, timers Th/Tw/Tc/Tt and
/// the bytes uploaded.
#[test]
fn clf_tcp() {
    let r = p(r#"10.0.1.2 - - [06/Feb/2009:12:12:51 +0000] "TCP " 000 212 "" "" 33313 443 "fnt" "bck" "srv1" 2 0 0 5007 180 SC-- 0 0 0 0 3 0 0 "" "" "#).unwrap();
    assert_eq!(r.ts_us, 1_233_922_371_443_000);
    assert_eq!((r.status, r.request), (0, &b""[..]));
    assert_eq!(r.bytes_sent, Some(212));
    assert_eq!((r.request_time_us, r.upstream_time_us), (ms(5007), None));
    let f = hf(&r);
    assert!(f.tcp);
    assert_eq!(
        (f.tr_us, f.tw_us, f.tc_us, f.tresp_us, f.ta_us),
        (None, ms(0), ms(0), None, ms(5007))
    );
    assert_eq!(f.termination_state, b"SC");
    assert_eq!((f.retries, f.client_port), (Some(3), Some(33313)));
}

/// HAProxy's own messages, with any prefix, are not access lines.
#[test]
fn server_messages() {
    let msgs = [
        "Connect from 1.2.3.4:40780 to 5.6.7.8:5000 (main/HTTP)",
        "Server be/srv is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", check duration: 0ms. 0 active and 0 backup servers left.",
        "Server x/y is UP, reason: Layer7 check passed, code: 200, check duration: 3ms.",
        "Proxy prod_http_in started.",
        "Proxy X stopped (cumulated conns: FE: 1, BE: 0).",
        "Stopping frontend GLOBAL in 0 ms.",
        "backend X has no server available!",
        "Health check for server be/srv succeeded, reason: Layer7 check passed",
        "[NOTICE]   (1) : haproxy version is 2.6.6",
        "[WARNING]  (7) : Server be/s1 is DOWN",
        "95.216.197.33:56224 [25/Feb/2019:16:20:10.111] prod_http_in/sktst2: SSL handshake failure",
    ];
    for m in msgs {
        for prefix in [
            "",
            "Feb 25 16:20:15 192.168.4.2 haproxy[7]: ",
            "<133>1 2019-02-25T16:20:15Z lb haproxy 7 - - ",
            "2019-02-25T16:20:15+01:00 lb haproxy[7]: ",
        ] {
            let line = format!("{prefix}{m}");
            assert_eq!(p(&line), Err(ParseError::NotAccess), "{line}");
        }
    }
}

/// Lines of other servers that open with a word or a `[` are not HAProxy's notices.
#[test]
fn other_servers_lines_are_not_notices() {
    for line in [
        "[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration: /export/home/live/ap/htdocs/test",
        "[Sun Nov 22 10:00:01.123456 2026] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187] File does not exist: /usr/local/apache2/htdocs/favicon.ico",
        r#"[10/Aug/2018:09:45:56 +0200] 172.30.0.119 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 "GET / HTTP/1.1" 1375"#,
        "Nov 22 10:00:01 host sshd[12]: Accepted publickey for root from 10.0.0.1 port 22 ssh2",
        "2026/11/22 10:00:01 [error] 1234#0: *5 open() failed (2: No such file or directory)",
    ] {
        assert!(
            matches!(p(line), Err(e) if e != ParseError::NotAccess),
            "{line}"
        );
    }
}

#[test]
fn malformed_lines() {
    let ok = r#"1.2.3.4:5 [06/Feb/2009:12:14:14.655] fe be/s 1/2/3/4/5 200 1 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1""#;
    assert!(p(ok).is_ok());
    let bad = |from: &str, to: &str| p(&ok.replacen(from, to, 1)).err();
    assert_eq!(p(""), Err(ParseError::Empty));
    assert_eq!(p(" \r"), Err(ParseError::Empty));
    assert_eq!(bad(".655]", ".655"), Some(ParseError::BadTime));
    assert_eq!(bad("Feb", "Fob"), Some(ParseError::BadTime));
    assert_eq!(bad("1/2/3/4/5", "1/2/3/4"), Some(ParseError::BadTiming));
    assert_eq!(bad("1/2/3/4/5", "1/2/3/4/5/6"), Some(ParseError::BadTiming));
    // A timer field with a letter is skipped like a custom field; what follows does not fit.
    assert!(bad("1/2/3/4/5", "1/2/x/4/5").is_some());
    assert_eq!(bad(" 200 ", " 2000 "), Some(ParseError::BadStatus));
    assert_eq!(bad(" 200 ", " OK "), Some(ParseError::BadStatus));
    assert_eq!(bad(" 1 - -", " x - -"), Some(ParseError::BadBytes));
    assert_eq!(bad("----", "-----"), Some(ParseError::Layout));
    assert_eq!(bad("1/1/1/1/0", "1/1/1/1"), Some(ParseError::Layout));
    assert_eq!(bad("0/0", "0/0/0"), Some(ParseError::Layout));
    assert_eq!(bad("be/s", "bes"), Some(ParseError::Layout));
    assert_eq!(bad("] fe", "]fe"), Some(ParseError::BadTime));
    // Cut lines.
    for n in [9, 20, 37, 40, 52, 60, 62, 64, 66, 73] {
        let cut = ok.get(..n).unwrap();
        assert!(
            matches!(p(cut), Err(e) if e != ParseError::NotAccess),
            "{cut}"
        );
    }
    assert_eq!(p("Nov 21 00:0"), Err(ParseError::Layout));
    assert_eq!(
        p("Nov 21 00:00:00 lb1 haproxy[1]:"),
        Err(ParseError::BadClient)
    );
    assert_eq!(
        p("Nov 21 00:00:00 lb1 haproxy[1]: 1.2.3.4:5"),
        Err(ParseError::NoTime)
    );
    assert_eq!(p("\x01\x02 \x7f abc"), Err(ParseError::NoTime));
    assert_eq!(p("1.2.3.4:5 hello"), Err(ParseError::NoTime));
    // CLF
    let clf = r#"1.2.3.4 - - [18/Sep/2013:17:53:19 +0000] "GET / HTTP/1.1" 200 1 "" "" 1 2 "f" "b" "s" 0 0 0 1 1 ---- 1 1 0 0 0 0 0 "" """#;
    assert!(p(clf).is_ok());
    let bad = |from: &str, to: &str| p(&clf.replacen(from, to, 1)).err();
    assert_eq!(
        bad(r#""GET / HTTP/1.1""#, "GET"),
        Some(ParseError::NoRequest)
    );
    assert_eq!(
        bad(
            r#"HTTP/1.1" 200 1 "" "" 1 2 "f" "b" "s" 0 0 0 1 1 ---- 1 1 0 0 0 0 0 "" """#,
            "HTTP"
        ),
        Some(ParseError::UnclosedQuote)
    );
    assert_eq!(bad(" 200 ", " 20x "), Some(ParseError::BadStatus));
    assert_eq!(
        bad(" 0 1 1 ----", " 0 x 1 ----"),
        Some(ParseError::BadTiming)
    );
    assert_eq!(bad(" 1 2 ", " 1 2000 "), Some(ParseError::Layout));
    assert_eq!(
        bad("1 1 0 0 0 0 0", "1 1 0 0 0 0"),
        Some(ParseError::Layout)
    );
    assert_eq!(bad("+0000", "0000"), Some(ParseError::BadTime));
}

/// No byte sequence may panic the parser: random bytes, and valid lines of every layout
/// with random bytes overwritten, inserted or cut.
#[test]
fn fast_path_agrees_with_the_general_one() {
    // Generated httplog, the corpus's HAProxy logs, and each of them damaged: whatever
    // the fast path accepts, the general path must read the same way.
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for seed in [1, 2] {
        let text = axlog_testgen::generate(&axlog_testgen::Config {
            format: axlog_testgen::Format::HaproxyHttp,
            limit: axlog_testgen::Limit::Lines(10_000),
            seed,
            ..axlog_testgen::Config::default()
        });
        lines.extend(text.split(|&b| b == b'\n').map(<[u8]>::to_vec));
    }
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    for f in [
        "haproxylogparser/haproxy.log",
        "lnav/logfile_haproxy.0",
        "beats/haproxy/log/test/haproxy.log",
        "beats/haproxy/log/test/httplog-no-headers.log",
        "logstash-patterns-core/haproxy_spec.messages.log",
    ] {
        let text = std::fs::read(corpus.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        lines.extend(text.split(|&b| b == b'\n').map(<[u8]>::to_vec));
    }
    let mut state = 0x1234_5678_9abc_def1u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet = b" \"[]{}-+/:.0123456789aZ\t";
    let originals = lines.len();
    for k in 0..originals {
        for _ in 0..3 {
            let mut l = lines[k].clone();
            if l.is_empty() {
                continue;
            }
            let at = (next() as usize) % l.len();
            match next() % 3 {
                0 => l[at] = alphabet[(next() as usize) % alphabet.len()],
                1 => {
                    l.remove(at);
                }
                _ => l.insert(at, alphabet[(next() as usize) % alphabet.len()]),
            }
            lines.push(l);
        }
    }
    let (mut fast, mut general) = (HaproxyParser::new(-90), HaproxyParser::new(-90));
    let mut took_fast = 0;
    for l in &lines {
        let line = trim_end(l);
        let mut a = Record::default();
        let got = fast.parse_into(l, &mut a);
        let mut b = Record::default();
        let want = if line.is_empty() {
            Err(ParseError::Empty)
        } else {
            general.parse_general(line, &mut b)
        };
        assert_eq!(got, want, "{}", String::from_utf8_lossy(l));
        if want.is_ok() {
            // `parse_into` marks the record's escaping, whichever path read it.
            b.escaping = crate::unescape::Escaping::Hash;
            assert_eq!(a, b, "{}", String::from_utf8_lossy(l));
        }
        let mut c = Record::default();
        if !line.is_empty() && HaproxyParser::new(-90).httplog_fast(line, &mut c).is_some() {
            took_fast += 1;
        }
    }
    // Most lines are plain httplog: the fast path is taken, not only agreed with.
    assert!(
        took_fast > lines.len() / 2,
        "{took_fast} of {}",
        lines.len()
    );
}

#[test]
fn no_input_panics() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let valid: [&str; 6] = [
        r#"Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/+109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1" x"#,
        "<134>1 2009-02-06T12:14:14Z lb haproxy 1 - [a b=\"]\"] [::1]:2 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/-1/5007 212 -- 0/0/0/0/+3 0/0",
        r#"Mar  8 19:02:49 h haproxy[8]: "127.0.0.1" - - [08/Mar/2022:19:02:49 +0000] "GET / HTTP/2.0" 200 7473 "" "" 40054 325 "fe~" "be" "s" 0 0 0 62 63 ---- 1 1 0 0 0 0 0 "" """#,
        r#"10.0.1.2 - - [06/Feb/2009:12:12:51 +0000] "TCP " 000 212 "" "" 33313 443 "fnt" "bck" "srv1" 2 0 0 5007 180 SC-- 0 0 0 0 3 0 0 "" """#,
        "2019-02-25T16:20:15+01:00 lb haproxy[7]: 95.216.197.33:56224 [25/Feb/2019:16:20:10.111] prod_http_in/sktst2: SSL handshake failure",
        "<6>2009-02-06T12:14:14+01:00 -:1 [06/Feb/2009:12:14:14.655 +0100] fe be/s host 1/2/3/4/5 -1 +1 - - CD-- 1/1/1/1/0 0/0 {a|b}",
    ];
    let alphabet = b" \"[]{}-+./:<>0123456789Tx\xff\x00";
    let mut parser = HaproxyParser::new(60);
    let mut parsed = 0;
    for i in 0..20_000 {
        let mut line = valid[i % valid.len()].as_bytes().to_vec();
        match next() % 4 {
            0 => {
                let n = (next() % 300) as usize;
                line = (0..n).map(|_| next() as u8).collect();
            }
            1 => {
                for _ in 0..(next() % 6) {
                    let i = (next() as usize) % line.len();
                    line[i] = alphabet[(next() as usize) % alphabet.len()];
                }
            }
            2 => {
                let i = (next() as usize) % (line.len() + 1);
                line.truncate(i);
            }
            _ => {
                let i = (next() as usize) % (line.len() + 1);
                line.insert(i, alphabet[(next() as usize) % alphabet.len()]);
            }
        }
        parsed += parser.parse(&line).is_ok() as u32;
    }
    // The mutations leave many lines valid: the parser was exercised past its prefix.
    assert!(parsed > 2_000, "{parsed}");
}

#[test]
fn accept_date_in_an_iana_zone() {
    // 08:30:15 in Paris is 07:30:15Z in January (CET, +01:00) and 06:30:15Z in July
    // (CEST, +02:00): 2026-01-09T07:30:15Z = 1767943815, 2026-07-09T06:30:15Z =
    // 1783578615 (`date -u -d ... +%s`).
    let mut parser = HaproxyParser::new(0);
    parser.set_zone(&crate::Zone::named("Europe/Paris").unwrap());
    for (date, utc_s, off) in [
        ("09/Jan/2026:08:30:15.250", 1_767_943_815, 60),
        ("09/Jul/2026:08:30:15.250", 1_783_578_615, 120),
    ] {
        let line = format!(
            "10.0.0.1:4100 [{date}] web be/a 0/0/1/3/4 200 50 - - ---- 1/1/0/0/0 0/0 \"GET /x HTTP/1.1\""
        );
        let r = parser.parse(line.as_bytes()).unwrap();
        assert_eq!(r.ts_us, utc_s * 1_000_000 + 250_000, "{date}");
        assert_eq!(r.utc_offset_min, off, "{date}");
    }
}
