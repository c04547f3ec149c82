//! Log bytes as Parquet text: escapes undone, the result valid UTF-8 without losing a byte.

use axlog_format::Escaping;
use axlog_stats::escape_bytes;
use std::borrow::Cow;

/// Whether a logged value stands for "no value": nginx and Apache write `-`, and a field a
/// layout lacks is empty.
#[inline]
pub fn is_absent(v: &[u8]) -> bool {
    v.is_empty() || v == b"-"
}

/// The escaping of `r`'s fields, or `None` when its line holds no escape (then no field
/// does: each is a part of the line).
#[inline]
pub fn escapes_in(r: &axlog_format::Record<'_>) -> Option<Escaping> {
    if !r.line.is_empty() && !r.escaping.may_hold_escape(r.line) {
        None
    } else {
        Some(r.escaping)
    }
}

/// `v` as UTF-8 text: a byte that is not part of valid UTF-8 is written `\xHH`.
pub fn lossless_utf8(v: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(v) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(escape_bytes(v)),
    }
}

/// Bytes made by undoing escapes, as UTF-8 text (`\xHH` for a byte that is not part of
/// valid UTF-8): the one place both [`decoded`] and [`to_text`] make them valid.
fn undone_text(d: Vec<u8>) -> String {
    String::from_utf8(d).unwrap_or_else(|e| escape_bytes(e.as_bytes()))
}

/// `v` with its escapes undone. Bytes that undoing escapes made and that are not UTF-8
/// are written `\xHH` here, value by value, since such lines are common (nginx writes
/// every byte past 127 as `\xHH`); a value with no escape is returned as it is, left to
/// the batch's single UTF-8 check.
#[inline]
pub fn decoded(v: &[u8], escaping: Escaping) -> Cow<'_, [u8]> {
    match escaping.decode(v) {
        Cow::Borrowed(b) => Cow::Borrowed(b),
        Cow::Owned(d) => Cow::Owned(undone_text(d).into_bytes()),
    }
}

/// `v` with its escapes undone, as UTF-8 text: a byte that is not part of valid UTF-8 is
/// written `\xHH` (nginx's own notation), so every byte of the log survives and readers
/// that insist on valid strings (Spark, DuckDB) accept the column. `scratch` holds the
/// text when it had to be rewritten.
#[inline]
pub fn to_text<'s>(v: &'s [u8], escaping: Escaping, scratch: &'s mut String) -> &'s str {
    let text = match escaping.decode(v) {
        Cow::Borrowed(b) => lossless_utf8(b),
        Cow::Owned(d) => Cow::Owned(undone_text(d)),
    };
    match text {
        Cow::Borrowed(s) => s,
        Cow::Owned(s) => {
            *scratch = s;
            scratch
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: &[u8], e: Escaping) -> String {
        let mut s = String::new();
        to_text(v, e, &mut s).to_string()
    }

    #[test]
    fn escapes_are_undone_and_invalid_bytes_kept_as_hex() {
        assert_eq!(text(b"/plain", Escaping::Backslash), "/plain");
        // nginx escapes `"` and bytes past 127: é arrives as two escaped UTF-8 bytes.
        assert_eq!(text(br"/a\x22b", Escaping::Backslash), "/a\"b");
        assert_eq!(text(br"/caf\xC3\xA9", Escaping::Backslash), "/café");
        // A lone byte that is not UTF-8 stays visible, not replaced.
        assert_eq!(text(br"/x\xFFy", Escaping::Backslash), "/x\\xFFy");
        assert_eq!(text(b"/x\xFFy", Escaping::Backslash), "/x\\xFFy");
        assert_eq!(text(b"a#22b", Escaping::Hash), "a\"b");
        assert_eq!(text(br#"a\"b#22\]"#, Escaping::HashBackslash), "a\"b\"]");
        assert_eq!(text(br#"a\"b"#, Escaping::Json), "a\"b");
        assert!(is_absent(b"-") && is_absent(b"") && !is_absent(b"--"));
    }

    #[test]
    fn decoded_values_are_utf8_and_plain_ones_untouched() {
        let e = Escaping::Backslash;
        assert!(matches!(decoded(b"/plain", e), Cow::Borrowed(b"/plain")));
        assert_eq!(&*decoded(br"/caf\xC3\xA9", e), "/café".as_bytes());
        assert_eq!(&*decoded(br"/x\xFFy", e), br"/x\xFFy");
        assert_eq!(&*decoded(br"/\x22\xC3", e), br#"/"\xC3"#);
        // A value without escapes is left to the batch's check, even if not UTF-8.
        assert_eq!(&*decoded(b"/x\xFFy", e), b"/x\xFFy");
    }
}
