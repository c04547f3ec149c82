//! Tests of the crate's front door: detection, the parsers each layout and format get,
//! syslog wrapping and the diagnosis when nothing fits.

use super::*;

const C: &str = r#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET /x HTTP/1.1" 200 1 "-" "ua""#;

#[test]
fn detects_timed_and_combined() {
    let timed = format!("{C} 0.010 0.009\n{C} 0.020 -\ngarbage\n");
    let d = detect(timed.as_bytes()).unwrap();
    assert_eq!(
        (d.layout(), d.examined, d.parsed),
        (Some(Preset::NginxTimed), 3, 2)
    );
    let combined = format!("{C}\n{C}\n{C} 0.1 0.1\n");
    let d = detect(combined.as_bytes()).unwrap();
    assert_eq!((d.layout(), d.parsed), (Some(Preset::NginxCombined), 3));
    assert_eq!(detect(b"hello\nworld\n"), None);
    assert_eq!(detect(b""), None);
}

/// No byte sequence may panic a parser: random bytes, and valid lines with random
/// bytes overwritten, inserted or cut, all go through every layout.
#[test]
fn no_input_panics() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let valid = format!("{C} 0.004 0.001, - : 0.002");
    let alphabet = b" \"[]-.,:0123456789/\\x\xff\x00";
    for _ in 0..20_000 {
        let mut line = valid.as_bytes().to_vec();
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
        for layout in Preset::ALL {
            let _ = layout.parser().parse(&line);
        }
        let _ = detect(&line);
    }
}

#[test]
fn diagnosis_ranks_the_closest_presets() {
    // A combined line whose status is a word: combined-family presets get to the
    // status, timed and the compiled ones fail earlier.
    let d =
        diagnose(b"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" ok 1 \"-\" \"-\"\n")
            .unwrap();
    let text_presets = Preset::ALL.iter().filter(|l| l.is_log_format()).count();
    assert_eq!(d.candidates.len(), text_presets);
    assert!(d.candidates.iter().all(|c| c.parsed == 0));
    // %h %l %u %t %r fit, then %>s: CLF has the largest share of its fields fitting.
    let first = &d.candidates[0];
    assert_eq!(
        first.failed_at,
        Some(("%>s".to_string(), ParseError::BadStatus))
    );
    assert_eq!(
        (first.layout, first.fields_ok, first.fields),
        (Preset::ApacheCommon, 5, 7)
    );
    let text = d.to_string();
    assert!(text.contains("first line: 1.2.3.4 - - [21/Nov"), "{text}");
    assert!(
        text.contains("then %>s: status is not a 3-digit number"),
        "{text}"
    );
    assert_eq!(diagnose(b"\n\n"), None);
}

#[test]
fn stock_definitions_get_the_hand_written_parser() {
    let def = "$remote_addr - $remote_user [$time_local] \"$request\" $status  $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";
    let f = Format::Definition(std::sync::Arc::new(
        logformat::Definition::compile(def).unwrap(),
    ));
    assert!(matches!(f.parser(), LineParser::Nginx(_)));
    let other = Format::Definition(std::sync::Arc::new(
        logformat::Definition::compile("[$time_local] $status").unwrap(),
    ));
    assert!(matches!(other.parser(), LineParser::Compiled(_)));
    // Apache's combined, as httpd.conf writes it.
    let apache = Format::Definition(std::sync::Arc::new(
        logformat::Definition::compile_any(
            r#"LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"" combined"#,
        )
        .unwrap(),
    ));
    assert!(matches!(apache.parser(), LineParser::Nginx(_)));
    // HAProxy's httplog and tcplog strings: the native parser, which reads their lines
    // as the compiled definition does.
    for (def, line) in [
        (
            HAPROXY_HTTPLOG,
            r#"Nov 21 10:00:01 lb haproxy[1]: 10.0.0.1:5555 [21/Nov/2026:10:00:01.250] fe be/s1 1/0/2/30/33 200 512 - - ---- 3/3/1/1/0 0/0 "GET /a HTTP/1.1""#,
        ),
        (
            HAPROXY_TCPLOG,
            "Nov 21 10:00:01 lb haproxy[1]: 10.0.0.1:5555 [21/Nov/2026:10:00:01.250] fe be/s1 0/2/5007 212 -- 3/3/1/1/0 0/0",
        ),
    ] {
        let compiled = logformat::Definition::compile_haproxy(def).unwrap();
        let mut interp = LineParser::Compiled(Box::new((
            compiled.clone(),
            time::TimeLocalCache::default(),
        )));
        let mut native = Format::Definition(std::sync::Arc::new(compiled)).parser();
        assert!(matches!(native, LineParser::Haproxy(_)), "{def}");
        let (a, b) = (interp.parse(line.as_bytes()), native.parse(line.as_bytes()));
        let key = |r: &Record| {
            (
                r.ts_us,
                r.status,
                r.bytes_sent,
                r.request_time_us,
                r.upstream_time_us,
                r.remote_addr.to_vec(),
                r.haproxy
                    .map(|h| (h.tw_us, h.tc_us, h.ta_us, h.server.to_vec())),
            )
        };
        assert_eq!(a.as_ref().map(key), b.as_ref().map(key), "{def}");
        assert!(a.is_ok(), "{def}");
    }
}

#[test]
fn syslog_headers_and_notices() {
    let line = r#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET /a HTTP/1.1" 200 12 "-" "curl/8" 0.010 0.009"#;
    let sample =
        format!("<190>Nov 21 10:00:01 web1 nginx: {line}\nNov 21 10:00:02 web1 nginx: {line}\n");
    let d = detect(sample.as_bytes()).unwrap();
    assert_eq!(
        (d.layout(), d.syslog(), d.parsed),
        (Some(Preset::NginxTimed), true, 2)
    );
    assert_eq!(d.format().label(), "nginx-timed behind syslog");
    let r = d
        .format()
        .parser()
        .parse(sample.lines().next().unwrap().as_bytes())
        .unwrap();
    assert_eq!(r.remote_addr, b"1.2.3.4");
    // Without the header, the plain layout.
    let d = detect(format!("{line}\n").as_bytes()).unwrap();
    assert_eq!((d.layout(), d.syslog()), (Some(Preset::NginxTimed), false));
    // A stream of HAProxy notices alone is HAProxy's.
    let d = detect(b"Sep 20 15:44:23 lb haproxy[1]: Proxy www started.\n").unwrap();
    assert_eq!((d.layout(), d.parsed), (Some(Preset::Haproxy), 0));
    // Apache's error log and ssl_request_log open with a `[`, as HAProxy's `[NOTICE]`
    // does, but are nobody's access log: nothing is detected, so the user is shown
    // the closest presets instead of a HAProxy report of zero requests.
    let apache = concat!(
        "[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration: /x\n",
        "[Sun Nov 22 10:00:01.123456 2026] [core:error] [pid 35708] [client 72.15.99.187] AH00128: File does not exist: /f\n",
        "[10/Aug/2018:09:45:56 +0200] 172.30.0.119 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 \"GET / HTTP/1.1\" 1375\n",
    );
    assert_eq!(detect(apache.as_bytes()), None);
    assert!(diagnose(apache.as_bytes()).is_some());
}

#[test]
fn haproxy_clf_is_haproxy() {
    // HAProxy's `option httplog clf`: combined's shape with HAProxy's fields after it.
    let clf = concat!(
        r#"192.168.1.1 - - [21/Nov/2026:10:00:01 +0100] "GET / HTTP/1.1" 200 123 "" "" "#,
        r#"41234 250 fe be srv 0 0 1 10 12 ---- 1 1 0 0 0 0 0 "" """#
    );
    let d = detect(format!("{clf}\n").as_bytes()).unwrap();
    assert_eq!((d.layout(), d.syslog()), (Some(Preset::Haproxy), false));
}

/// `combined` + more fields: the hand-written first part with the compiled rest gives
/// what the whole definition compiled gives, on real and generated lines.
#[test]
fn extended_parser_agrees_with_the_compiled_one() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let read = |f: &str| std::fs::read(corpus.join(f)).unwrap_or_default();
    let generated = axlog_testgen::generate(&axlog_testgen::Config {
        format: axlog_testgen::Format::NginxCombined,
        limit: axlog_testgen::Limit::Lines(5000),
        seed: 9,
        ..axlog_testgen::Config::default()
    });
    let custom = format!(
        "{} $bytes_sent $host \"$http_x_forwarded_for\" $request_time",
        Preset::NginxCombined.definition()
    );
    let mut with_suffix = Vec::new();
    for (i, l) in generated.split(|&b| b == b'\n').enumerate() {
        with_suffix.extend_from_slice(l);
        with_suffix.extend_from_slice(
            format!(
                " {} h{i} \"10.0.0.{}, 10.0.0.9\" 0.0{}\n",
                100 + i,
                i % 7,
                i % 9
            )
            .as_bytes(),
        );
    }
    let cases: Vec<(String, Vec<u8>)> = vec![
        (
            Preset::NginxMain.definition().to_string(),
            read("lnav/logfile_shop_access_log.0"),
        ),
        (
            Preset::IngressUpstreaminfo.definition().to_string(),
            read("beats/nginx/ingress_controller/test/test.log"),
        ),
        (custom, with_suffix),
    ];
    for (def, text) in cases {
        let f = logformat::Definition::compile(&def).unwrap();
        let mut extended = LineParser::for_log_format(&f);
        assert!(matches!(extended, LineParser::Extended(_)), "{def}");
        let mut compiled = LineParser::Compiled(Box::new((f, time::TimeLocalCache::default())));
        let mut parsed = 0;
        for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            // The same records; a malformed line may be reported with another reason.
            let (a, b) = (extended.parse(line), compiled.parse(line));
            assert_eq!(a.ok(), b.ok(), "{}", String::from_utf8_lossy(line));
            parsed += extended.parse(line).is_ok() as usize;
        }
        assert!(parsed > 0, "{def}");
    }
}

/// A `combined` line given to a layout that extends it lacks the extra fields: it is
/// malformed for the layout, not an empty line.
#[test]
fn extended_layout_without_its_extra_fields() {
    let mut main = Preset::NginxMain.parser();
    assert!(matches!(main, LineParser::Extended(_)));
    assert_eq!(main.parse(C.as_bytes()), Err(ParseError::Layout));
    let with_xff = format!("{C} \"5.6.7.8\"");
    let r = main.parse(with_xff.as_bytes()).unwrap();
    assert_eq!(r.x_forwarded_for, b"5.6.7.8");
    // CLF, without referer and user agent.
    let clf = r#"1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET /x HTTP/1.1" 200 1"#;
    assert_eq!(main.parse(clf.as_bytes()), Err(ParseError::Layout));
}

#[test]
fn a_given_layout_behind_syslog() {
    let f = Format::Definition(std::sync::Arc::new(
        logformat::Definition::compile("$remote_addr [$time_local] \"$request\" $status").unwrap(),
    ));
    let with = b"<190>Nov 21 10:00:01 web1 nginx: 1.2.3.4 [21/Nov/2026:10:00:01 +0000] \"GET /a HTTP/1.1\" 200\n";
    let chosen = with_syslog_if_it_fits(f.clone(), with);
    assert!(chosen.is_syslog());
    let r = chosen.parser().parse(&with[..with.len() - 1]).unwrap();
    assert_eq!(r.remote_addr, b"1.2.3.4");
    let without = b"1.2.3.4 [21/Nov/2026:10:00:01 +0000] \"GET /a HTTP/1.1\" 200\n";
    assert!(!with_syslog_if_it_fits(f, without).is_syslog());
}

#[test]
fn names_round_trip() {
    for l in Preset::ALL {
        assert_eq!(Preset::from_name(l.name()), Some(l));
    }
    assert_eq!(Preset::from_name("nope"), None);
}
