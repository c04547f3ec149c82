//! Undoing the escapes servers write into log values, where a value is used (a path in
//! a report), not while parsing: most values hold no escape, and parsing borrows them as
//! written.

use std::borrow::Cow;

/// How a record's text values are escaped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Escaping {
    /// nginx's `\xHH` and Apache's `\"`, `\\`, `\xhh`, `\n`, `\t`, `\r` (the two never
    /// clash: nginx writes a backslash itself as `\x5C`).
    #[default]
    Backslash,
    /// JSON string escapes (`escape=json`, JSON-lines logs).
    Json,
    /// HAProxy's `#HH` (for `"`, `#`, control bytes and bytes from 127 on in the request
    /// line and captured headers); a backslash is written as it is.
    Hash,
    /// HAProxy's `#HH` and, for a `log-format` with the `+E` option, a backslash before
    /// `"`, `\` and `]` (the characters RFC 5424 structured data escapes). Any other
    /// backslash is text.
    HashBackslash,
}

impl Escaping {
    /// `v` with its escapes undone; borrowed when it has none. A malformed escape is kept
    /// as written.
    pub fn decode(self, v: &[u8]) -> Cow<'_, [u8]> {
        if !self.may_hold_escape(v) {
            return Cow::Borrowed(v);
        }
        Cow::Owned(match self {
            Escaping::Backslash => backslash(v),
            Escaping::Json => json(v),
            Escaping::Hash => hash(v),
            Escaping::HashBackslash => hash_backslash(v),
        })
    }

    /// Whether `v` holds the byte an escape of this kind starts with (`false`: `v` is
    /// its own decoded form).
    #[inline]
    pub fn may_hold_escape(self, v: &[u8]) -> bool {
        match self {
            Escaping::Hash => crate::scan::find(v, b'#').is_some(),
            Escaping::HashBackslash => memchr::memchr2(b'#', b'\\', v).is_some(),
            Escaping::Backslash | Escaping::Json => crate::scan::find(v, b'\\').is_some(),
        }
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn backslash(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] != b'\\' {
            out.push(v[i]);
            i += 1;
            continue;
        }
        match v.get(i + 1..) {
            Some([b'x', h, l, ..]) if hex(*h).is_some() && hex(*l).is_some() => {
                out.push(hex(*h).unwrap_or(0) << 4 | hex(*l).unwrap_or(0));
                i += 4;
            }
            Some([c @ (b'"' | b'\\'), ..]) => {
                out.push(*c);
                i += 2;
            }
            Some([b'n', ..]) => {
                out.push(b'\n');
                i += 2;
            }
            Some([b't', ..]) => {
                out.push(b'\t');
                i += 2;
            }
            Some([b'r', ..]) => {
                out.push(b'\r');
                i += 2;
            }
            // Apache writes backspace and vertical tab so.
            Some([b'b', ..]) => {
                out.push(0x08);
                i += 2;
            }
            Some([b'v', ..]) => {
                out.push(0x0b);
                i += 2;
            }
            _ => {
                out.push(b'\\');
                i += 1;
            }
        }
    }
    out
}

fn hash(v: &[u8]) -> Vec<u8> {
    hash_escapes(v, false)
}

fn hash_backslash(v: &[u8]) -> Vec<u8> {
    hash_escapes(v, true)
}

/// HAProxy's `#XX`, and with `backslash` its `+E` escapes (`\"`, `\\`, `\]`) too.
fn hash_escapes(v: &[u8], backslash: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'#'
            && let Some(&[h, l]) = v.get(i + 1..i + 3)
            && let (Some(h), Some(l)) = (hex(h), hex(l))
        {
            out.push(h << 4 | l);
            i += 3;
        } else if backslash
            && v[i] == b'\\'
            && let Some(&c @ (b'"' | b'\\' | b']')) = v.get(i + 1)
        {
            out.push(c);
            i += 2;
        } else {
            out.push(v[i]);
            i += 1;
        }
    }
    out
}

fn json(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    let hex4 = |s: &[u8]| -> Option<u32> {
        let s = s.get(..4)?;
        s.iter()
            .try_fold(0u32, |acc, &b| Some(acc << 4 | hex(b)? as u32))
    };
    while i < v.len() {
        if v[i] != b'\\' {
            out.push(v[i]);
            i += 1;
            continue;
        }
        let simple = match v.get(i + 1) {
            Some(b'"') => Some(b'"'),
            Some(b'\\') => Some(b'\\'),
            Some(b'/') => Some(b'/'),
            Some(b'b') => Some(8),
            Some(b'f') => Some(12),
            Some(b'n') => Some(b'\n'),
            Some(b'r') => Some(b'\r'),
            Some(b't') => Some(b'\t'),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            i += 2;
            continue;
        }
        if v.get(i + 1) == Some(&b'u')
            && let Some(hi) = hex4(&v[i + 2..])
        {
            let mut len = 6;
            let mut cp = hi;
            // A surrogate pair spells one character outside the basic plane.
            if (0xD800..0xDC00).contains(&hi)
                && v.get(i + 6..i + 8) == Some(b"\\u")
                && let Some(lo) = hex4(v.get(i + 8..).unwrap_or(&[]))
                && (0xDC00..0xE000).contains(&lo)
            {
                cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                len = 12;
            }
            let ch = char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER);
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            i += len;
            continue;
        }
        out.push(b'\\');
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backslash_escapes() {
        let d = |s: &[u8]| Escaping::Backslash.decode(s).into_owned();
        assert!(matches!(
            Escaping::Backslash.decode(b"/plain"),
            Cow::Borrowed(_)
        ));
        assert_eq!(d(br"/a\x22b\x5Cc"), b"/a\"b\\c");
        assert_eq!(d(br#"Bot \"q\" \\ \t\n"#), b"Bot \"q\" \\ \t\n");
        // Malformed escapes stay as written.
        assert_eq!(d(br"\xZZ \q \"), br"\xZZ \q \");
        assert_eq!(d(br"\x4"), br"\x4");
    }

    #[test]
    fn hash_escapes() {
        let d = |s: &[u8]| Escaping::Hash.decode(s).into_owned();
        assert!(matches!(
            Escaping::Hash.decode(br"/a\x41"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            d(b"/caf#C3#A9/#22q#22#23f"),
            "/caf\u{e9}/\"q\"#f".as_bytes()
        );
        // A `#` without two hex digits after it is kept, as HAProxy never writes one.
        assert_eq!(d(b"#zz #4 #"), b"#zz #4 #");
        assert_eq!(d(b"#7b#7C#7d"), b"{|}");
    }

    #[test]
    fn haproxy_plus_e_escapes() {
        let e = Escaping::HashBackslash;
        let d = |s: &[u8]| e.decode(s).into_owned();
        assert!(matches!(e.decode(b"/plain"), Cow::Borrowed(_)));
        // `+E` puts a backslash before `"`, `\` and `]`; `#HH` as without it.
        assert_eq!(d(br#"/q\"x\\y\]z#22w#23"#), b"/q\"x\\y]z\"w#");
        // Any other backslash is HAProxy's own text, kept (as a `#` without hex digits).
        assert_eq!(d(br"\x41 \n #zz \"), br"\x41 \n #zz \");
        // Either mark makes a value one to decode; neither, one to borrow.
        assert!(e.may_hold_escape(b"a#22") && e.may_hold_escape(br"a\]"));
        assert!(!e.may_hold_escape(b"/a/b"));
        assert!(Escaping::Hash.may_hold_escape(b"a#22") && !Escaping::Hash.may_hold_escape(br"a\"));
        assert!(
            Escaping::Backslash.may_hold_escape(br"a\")
                && !Escaping::Backslash.may_hold_escape(b"#22")
        );
    }

    #[test]
    fn json_escapes() {
        let d = |s: &[u8]| Escaping::Json.decode(s).into_owned();
        assert_eq!(d(br#"a\"b\\c\/d\n"#), b"a\"b\\c/d\n");
        assert_eq!(d(br"caf\u00e9 \ud83d\ude00"), "café 😀".as_bytes());
        // A lone surrogate becomes U+FFFD; a short \u stays as written.
        assert_eq!(d(br"\ud83d!"), "\u{FFFD}!".as_bytes());
        assert_eq!(d(br"\u12"), br"\u12");
    }
}
