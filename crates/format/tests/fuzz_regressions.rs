//! What the fuzz targets of `fuzz/` found in the format crate, replayed in the normal
//! suite, and the `diff_combined` oracle (tests/oracle/combined.rs) run over every line of
//! the corpus and testdata.

#[path = "oracle/combined.rs"]
mod oracle;

use axlog_format::logformat::Definition;
use axlog_format::{LineParser, Preset, TimeLocalCache};
use std::path::Path;

/// The verbatim definition of `preset`'s layout, compiled.
fn compiled(definition: &str) -> LineParser {
    let d = Definition::compile_any(definition).unwrap();
    LineParser::Compiled(Box::new((d, TimeLocalCache::default())))
}

/// `diff_combined`, session 8: a CLF line (no referer, no user agent) under `combined`.
/// nginx's `combined` never writes one, so its definition rejects it; the preset reads it
/// (a file mixing `common` and `combined` keeps every line), as the same line with
/// `"-" "-"` added: that is the documented leniency, not a difference.
#[test]
fn a_clf_line_under_combined() {
    let line = br#"::1 - - [26/Dec/2016:16:16:48 +0200] "-" 408 -"#;
    assert!(
        compiled(Preset::NginxCombined.definition())
            .parse(line)
            .is_err()
    );
    let r = Preset::NginxCombined.parser().parse(line).unwrap();
    // 2016-12-26 16:16:48 +02:00 is 14:16:48 UTC: 17161 days after 1970-01-01.
    assert_eq!(
        r.ts_us,
        (17_161 * 86_400 + 14 * 3600 + 16 * 60 + 48) * 1_000_000
    );
    assert_eq!(r.utc_offset_min, 120);
    assert_eq!(
        (r.remote_addr, r.request, r.status, r.bytes_sent),
        (&b"::1"[..], &b"-"[..], 408, None)
    );
    assert_eq!((r.referer, r.user_agent), (&b""[..], &b""[..]));
    for pick in 0..3 {
        oracle::check(pick, line);
    }
}

/// `diff_combined`, session 9: a user holding a `[` and a time-shaped text that is not a
/// time (two lines glued, the first cut in its time). The hand-written parser reads the
/// time at the first `[` whose time parses; the definition stops at the first with a
/// time's shape. Two readings: the oracle does not compare them.
#[test]
fn a_user_holding_a_broken_time() {
    let line: &[u8] = b"178.253.33.51 - - [22/Jan/201\xc3:03:56:19 +0330] \"GET /a-PR46 [22/Jan/2019:03:56:19 +0330] \"GET /b HTTP/1.1\" 200 20406 \"r\" \"-\"";
    assert!(
        compiled(Preset::NginxCombined.definition())
            .parse(line)
            .is_err()
    );
    let r = Preset::NginxCombined.parser().parse(line).unwrap();
    assert_eq!(r.remote_addr, b"178.253.33.51");
    assert!(r.remote_user.starts_with(b"- [22/Jan/201"));
    assert_eq!((r.request, r.status), (&b"GET /b HTTP/1.1"[..], 200));
    for pick in 0..3 {
        oracle::check(pick, line);
    }
}

/// `diff_combined`, session 9: spaces after the user agent's closing quote, which the
/// hand-written `combined` ignores (the fourth leniency) and a definition rejects; found
/// as this mutated line (pick 2: Apache's combined).
#[test]
fn spaces_after_the_user_agent() {
    let line: &[u8] = b"127.0.0\x01\x00\x00\x00.1 - - [12/Apr/2018:09:48:40 +0200] \"\" 400 0 \"-\x01192.0.2.2 - - [21/Nov/2026:10:0                          \" \"    -                  \"                         ";
    assert!(compiled(oracle::APACHE_COMBINED).parse(line).is_err());
    let r = Preset::NginxCombined.parser().parse(line).unwrap();
    assert_eq!(
        (r.status, r.user_agent),
        (400, &b"    -                  "[..])
    );
    assert!(!r.unread_fields);
    for pick in 0..3 {
        oracle::check(pick, line);
    }
}

/// `diff_combined`, session 9: an empty ident (`ADDR  USER [`), which Apache never writes
/// (`-` for none): its definition read literally takes it, the hand-written parser that
/// reads Apache's combined rejects it (counted malformed, kept in rejects).
#[test]
fn an_empty_ident() {
    let line: &[u8] = b"83.149.9.216  ua-.ser [11/Jan/2020:23:05:27 +0100] \"OPTIONS /HTTP/1.1\" - 7908 \"-\" \"monitoring-client (v2.2)\"";
    let c = compiled(oracle::APACHE_COMBINED).parse(line).unwrap();
    assert_eq!((c.remote_user, c.extras[0]), (&b"ua-.ser"[..], &b""[..]));
    assert!(Preset::NginxCombined.parser().parse(line).is_err());
    assert!(
        compiled(Preset::NginxCombined.definition())
            .parse(line)
            .is_err()
    );
    for pick in 0..3 {
        oracle::check(pick, line);
    }
}

/// `diff_combined`, session 9: a line beginning with a space (` - - 1 [`): the hand-written
/// parser finds no address before the first ` - `, splits the head from the right
/// (address ` -`, user `1`); the definition reads an empty address and the user `- 1`.
/// Two readings, not compared; both keep the request.
#[test]
fn a_line_beginning_with_a_space() {
    let line: &[u8] = b" - - 1 [21/Nov/2026:09:00:04 +0100] \"GET /static/a.js HTTP/1.1\" 404 150 \"-\" \"curl/8.0\" 0.002 -";
    let r = Preset::NginxTimed.parser().parse(line).unwrap();
    assert_eq!((r.remote_addr, r.remote_user), (&b" -"[..], &b"1"[..]));
    let c = compiled(Preset::NginxTimed.definition())
        .parse(line)
        .unwrap();
    assert_eq!((c.remote_addr, c.remote_user), (&b""[..], &b"- 1"[..]));
    assert_eq!((r.request, r.request_time_us), (c.request, Some(2000)));
    for pick in 0..3 {
        oracle::check(pick, line);
    }
}

/// The other two leniencies the oracle allows, each shown against the definition.
#[test]
fn the_leniencies_the_oracle_allows() {
    let t = "[26/Dec/2016:16:16:48 +0200] \"GET /a HTTP/1.1\" 200 5";
    // An ident other than `-`: nginx's definition has a literal `-` there.
    let ident = format!("10.0.0.1 identd bob {t} \"r\" \"ua\"");
    assert!(
        compiled(Preset::NginxCombined.definition())
            .parse(ident.as_bytes())
            .is_err()
    );
    let r = Preset::NginxCombined
        .parser()
        .parse(ident.as_bytes())
        .unwrap();
    assert_eq!(
        (r.remote_addr, r.remote_user, r.user_agent),
        (&b"10.0.0.1"[..], &b"bob"[..], &b"ua"[..])
    );
    // Fields after the user agent: ignored and flagged; the definition reads a quoted
    // one into the user agent (its last quoted field runs to the line's last quote).
    let trailing = format!("10.0.0.1 - - {t} \"r\" \"ua\" \"10.1.1.1\"");
    let c = compiled(Preset::NginxCombined.definition())
        .parse(trailing.as_bytes())
        .unwrap()
        .user_agent
        .to_vec();
    assert_eq!(c, br#"ua" "10.1.1.1"#);
    let r = Preset::NginxCombined
        .parser()
        .parse(trailing.as_bytes())
        .unwrap();
    assert_eq!((r.user_agent, r.unread_fields), (&b"ua"[..], true));
    for line in [
        &ident,
        &trailing,
        &format!("10.0.0.1 - - {t} \"r\" \"ua\" 2.75"),
    ] {
        for pick in 0..3 {
            oracle::check(pick, line.as_bytes());
        }
    }
}

/// Every line of the corpus and testdata, and each with its last quote removed and cut
/// in the middle, through the oracle for each pair.
#[test]
fn the_oracle_holds_on_every_corpus_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in [root.join("testdata"), root.join("../shared/corpus")] {
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if !p.extension().is_some_and(|x| {
                    ["gz", "zst", "bz2", "xz", "parquet"]
                        .iter()
                        .any(|z| x == *z)
                }) {
                    files.push(p);
                }
            }
        }
    }
    let mut checked = 0;
    for f in files {
        let data = std::fs::read(&f).unwrap();
        for line in data.split(|&b| b == b'\n').take(2000) {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let mut variants = vec![line.to_vec(), line[..line.len() / 2].to_vec()];
            if let Some(q) = line.iter().rposition(|&b| b == b'"') {
                variants.push([&line[..q], &line[q + 1..]].concat());
            }
            for v in &variants {
                for pick in 0..3 {
                    oracle::check(pick, v);
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000, "{checked} lines checked");
}
