//! The oracle of the `diff_combined` fuzz target and of `tests/fuzz_regressions.rs`: the
//! hand-written `combined` and `timed` parsers read what the verbatim definition of their
//! layout reads, plus four documented leniencies, and nothing else.
//!
//! The leniencies (docs/formats.md, docs/conformance.md): an ident field other than `-`
//! (nginx always writes `-`, Apache's `%l` may not); in `combined`, a CLF line that ends
//! after the bytes (a file mixing `common` and `combined`); in `combined`, fields after
//! the user agent (`"$http_x_forwarded_for"`, a gzip ratio), ignored and counted; in
//! `combined`, spaces after the user agent, ignored.
//!
//! So for any line: when the hand-written parser rejects it, nginx's definition rejects it
//! too (Apache's may not: see [`check`]);
//! when it accepts it, the line made strict (ident `-`, cut after the user agent's closing
//! quote, ` "-" "-"` added to a CLF line) is read by the definition into the same record.
//! Apache's `%l` is kept as an extra field by the definition; extras are not compared. A
//! line whose head has two readings (see [`ambiguous`]) is not compared.

use axlog_format::logformat::Definition;
use axlog_format::{LineParser, Preset, Record, TimeLocalCache};

/// Apache's combined `LogFormat`, which reads the same fields as nginx's `combined`.
pub const APACHE_COMBINED: &str = r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#;

/// The pairs the oracle checks: a hand-written parser and a definition of its layout.
pub const PAIRS: [(Preset, &str); 3] = [
    (Preset::NginxCombined, ""),
    (Preset::NginxTimed, ""),
    (Preset::NginxCombined, APACHE_COMBINED),
];

/// Offset of `part` (a slice the parser borrowed from `line`) in `line`, or `None` for a
/// value that is not in the line (a field the layout did not have).
fn offset(line: &[u8], part: &[u8]) -> Option<usize> {
    let (start, p) = (line.as_ptr() as usize, part.as_ptr() as usize);
    (p >= start && p + part.len() <= start + line.len()).then(|| p - start)
}

/// The line rewritten into the strict layout, from where `hand` found its fields.
fn strict(line: &[u8], hand: &Record<'_>, timed: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len() + 8);
    // Ident: what lies between the address and the user, replaced by `-`.
    match (
        offset(line, hand.remote_addr),
        offset(line, hand.remote_user),
    ) {
        (Some(a), Some(u)) if a + hand.remote_addr.len() + 1 < u => {
            out.extend_from_slice(&line[..a + hand.remote_addr.len()]);
            out.extend_from_slice(b" - ");
            out.extend_from_slice(&line[u..]);
        }
        _ => out.extend_from_slice(line),
    }
    let shift = out.len() as isize - line.len() as isize;
    match offset(line, hand.user_agent) {
        // Trailing fields or spaces (`combined`): cut after the user agent's quote.
        Some(ua) if !timed => {
            out.truncate((ua as isize + shift) as usize + hand.user_agent.len() + 1);
        }
        // A CLF line: no referer or user agent in it (the space after the bytes, which
        // the field's scan takes, may end it).
        None => {
            if out.ends_with(b" ") {
                out.pop();
            }
            out.extend_from_slice(br#" "-" "-""#);
        }
        Some(_) => {}
    }
    out
}

/// Whether the head of the line (`ADDR IDENT USER`) splits otherwise under the definition:
/// the hand-written parser splits it from the right, so an address may be an
/// X-Forwarded-For list (`10.0.0.2, 10.0.0.1`) or begin with a space; Apache's `%h` is one
/// word, and nginx's `$remote_addr` ends at the first ` - ` of the line (`strict`, the line
/// made strict, has one right after the hand-written parser's address). And a user may hold a `[`: the hand-written
/// parser's time is the first `[` whose time parses, the definition's the first `[` with
/// a time's shape (`[22/Jan/201\xC3:03:56:19 +0330]`, then a bad time). Such a line has
/// two readings.
fn ambiguous(apache: bool, hand: &Record<'_>, strict: &[u8]) -> bool {
    let addr = hand.remote_addr;
    let head = match apache {
        true => addr.contains(&b' '),
        false => strict.windows(3).position(|w| w == b" - ") != Some(addr.len()),
    };
    head || hand.remote_user.contains(&b'[')
}

/// The fields compared: all but the definition's extra fields, the trailing-fields flag
/// and the line itself (the strict line is another).
fn key(mut r: Record<'_>) -> Record<'_> {
    r.line = b"";
    r.extras = Default::default();
    r.extras_len = 0;
    r.unread_fields = false;
    r
}

/// Checks `line` against pair `pick` (an index into [`PAIRS`], taken modulo); panics with
/// the line and both outcomes when the oracle does not hold.
pub fn check(pick: u8, line: &[u8]) {
    let (preset, def) = PAIRS[pick as usize % PAIRS.len()];
    let apache = !def.is_empty();
    let def = if apache { def } else { preset.definition() };
    let def = match Definition::compile_any(def) {
        Ok(d) => d,
        Err(e) => panic!("the definition {def:?} does not compile: {e:?}"),
    };
    let mut compiled = LineParser::Compiled(Box::new((def, TimeLocalCache::default())));
    let mut hand = preset.parser();
    let shown = String::from_utf8_lossy(line);
    match hand.parse(line) {
        Err(e) => {
            if let Ok(c) = compiled.parse(line) {
                // Apache's definition read literally takes lines Apache never writes: an
                // empty `%l` (Apache writes `-`), a raw `"` inside `%r` (Apache writes
                // `\"`). The hand-written parser, which reads Apache's combined for
                // `--log-format`, reads them as nginx's `combined` does, whose definition
                // is its fallback: only that definition's lines must all be read.
                if apache {
                    return;
                }
                panic!("{preset:?} rejects ({e:?}) what the definition reads: {shown:?} -> {c:?}");
            }
        }
        Ok(h) => {
            let s = strict(line, &h, preset == Preset::NginxTimed);
            if ambiguous(apache, &h, &s) {
                return;
            }
            let mut expected = key(h);
            if offset(line, h.user_agent).is_none() {
                (expected.referer, expected.user_agent) = (b"-", b"-");
            }
            match compiled.parse(&s) {
                Ok(c) => assert_eq!(
                    expected,
                    key(c),
                    "{preset:?} and the definition differ on {shown:?} (strict: {:?})",
                    String::from_utf8_lossy(&s)
                ),
                Err(e) => panic!(
                    "{preset:?} reads {shown:?} but the definition rejects it made strict \
                     ({:?}): {e:?}",
                    String::from_utf8_lossy(&s)
                ),
            }
        }
    }
}
