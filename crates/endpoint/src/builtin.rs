//! The built-in folds: a path's identifier segments folded into placeholders, so that
//! `/api/users/7` and `/api/users/8` count as one endpoint, `/api/users/:id`. They run
//! after the user rules (rules.rs), on what those left.

/// What a segment is folded into, if anything: a number becomes `:id`, a UUID `:uuid`,
/// and a hex token (16 hex digits or more, with a digit among them, as hashes and object
/// ids are) `:hex`. Other segments are kept.
fn placeholder(seg: &[u8]) -> Option<&'static [u8]> {
    // Only a segment that starts with a hex digit can fold: most are rejected here.
    if !seg.first().is_some_and(u8::is_ascii_hexdigit) {
        return None;
    }
    if seg.iter().all(u8::is_ascii_digit) {
        return Some(b":id");
    }
    if is_uuid(seg) {
        return Some(b":uuid");
    }
    if seg.len() >= 16
        && seg.iter().all(u8::is_ascii_hexdigit)
        && seg.iter().any(u8::is_ascii_digit)
    {
        return Some(b":hex");
    }
    None
}

fn is_uuid(b: &[u8]) -> bool {
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Writes the endpoint of `path` (a path without its query) into `out` and says `true`,
/// or says `false` when `path` is its own endpoint (then `out` holds nothing of use: most
/// paths need no copy). One scan of the path, copying from the first segment to fold on:
/// the default report folds every distinct path at the end of the run, and most
/// distinct paths hold an ID.
pub fn fold_into(path: &[u8], out: &mut Vec<u8>) -> bool {
    let mut folding = false;
    let mut start = 0;
    loop {
        let rest = &path[start..];
        let len = rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
        let seg = &rest[..len];
        match placeholder(seg) {
            Some(p) => {
                if !folding {
                    out.clear();
                    out.extend_from_slice(&path[..start]);
                    folding = true;
                }
                out.extend_from_slice(p);
            }
            None if folding => out.extend_from_slice(seg),
            None => {}
        }
        if len == rest.len() {
            return folding;
        }
        if folding {
            out.push(b'/');
        }
        start += len + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(p: &str) -> String {
        let mut s = b"stale".to_vec();
        if !fold_into(p.as_bytes(), &mut s) {
            return p.to_string();
        }
        let s = String::from_utf8(s).unwrap();
        assert_ne!(s, p);
        s
    }

    #[test]
    fn edge_cases_fold_as_written() {
        let cases = [
            ("", ""),
            ("/", "/"),
            ("//", "//"),
            ("/a", "/a"),
            ("/7", "/:id"),
            ("1", ":id"),
            ("a/1", "a/:id"),
            ("/api/users/7/", "/api/users/:id/"),
            ("/7/8/9", "/:id/:id/:id"),
            ("/a//2//b", "/a//:id//b"),
            ("/x/550e8400-e29b-41d4-a716-446655440000/y", "/x/:uuid/y"),
            ("/blob/0123456789abcdef0123", "/blob/:hex"),
            // Hex without a digit, and short hex, stay.
            ("/deadbeefdeadbeefdeadbeef", "/deadbeefdeadbeefdeadbeef"),
            ("/v1/12a", "/v1/12a"),
        ];
        for (path, want) in cases {
            assert_eq!(ep(path), want, "{path}");
        }
    }

    #[test]
    fn identifiers_fold_into_placeholders() {
        assert_eq!(ep("/api/users/7"), "/api/users/:id");
        assert_eq!(ep("/api/users/7/orders/1234"), "/api/users/:id/orders/:id");
        assert_eq!(
            ep("/o/123e4567-e89b-12d3-a456-426614174000/x"),
            "/o/:uuid/x"
        );
        assert_eq!(ep("/blob/9f86d081884c7d659a2feaa0c55ad015"), "/blob/:hex");
        // Words, versions and short hex-looking names stay.
        assert_eq!(ep("/api/v2/users/"), "/api/v2/users/");
        assert_eq!(ep("/deadbeef"), "/deadbeef");
        assert_eq!(ep("/abcdefabcdefabcdef"), "/abcdefabcdefabcdef");
        assert_eq!(ep("/static/app.123.js"), "/static/app.123.js");
        assert_eq!(ep("/"), "/");
        assert_eq!(ep("*"), "*");
        assert_eq!(ep("12"), ":id");
    }
}
