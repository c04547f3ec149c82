//! Log bytes as Parquet text: escapes undone, the result valid UTF-8 without losing a byte.

use axlog_format::unescape::Escaping;
use axlog_stats::escape_bytes;

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
    let mark = match r.escaping {
        Escaping::Hash => b'#',
        _ => b'\\',
    };
    if !r.line.is_empty() && memchr::memchr(mark, r.line).is_none() {
        None
    } else {
        Some(r.escaping)
    }
}

/// `v` as UTF-8 text: a byte that is not part of valid UTF-8 is written `\xHH`.
pub fn lossless_utf8(v: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(v) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(escape_bytes(v)),
    }
}

/// `v` with its escapes undone, as UTF-8 text: a byte that is not part of valid UTF-8 is
/// written `\xHH` (nginx's own notation), so every byte of the log survives and readers
/// that insist on valid strings (Spark, DuckDB) accept the column. `scratch` holds the
/// text when it had to be rewritten.
#[inline]
pub fn to_text<'s>(v: &'s [u8], escaping: Escaping, scratch: &'s mut String) -> &'s str {
    let decoded = escaping.decode(v);
    if let std::borrow::Cow::Borrowed(b) = decoded
        && let Ok(s) = std::str::from_utf8(b)
    {
        return s;
    }
    *scratch = escape_bytes(&decoded);
    scratch
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
        assert_eq!(text(br#"a\"b"#, Escaping::Json), "a\"b");
        assert!(is_absent(b"-") && is_absent(b"") && !is_absent(b"--"));
    }
}
