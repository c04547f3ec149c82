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

/// Where the first segment of `path` to fold starts, if `path` has one (most paths have
/// none: then the path is the endpoint, with no copy).
pub fn first_id(path: &[u8]) -> Option<usize> {
    let mut start = 0;
    for seg in path.split(|&b| b == b'/') {
        if placeholder(seg).is_some() {
            return Some(start);
        }
        start += seg.len() + 1;
    }
    None
}

/// Writes the endpoint of `path` (a path without its query) into `out`, given the start
/// of its first segment to fold ([`first_id`]): what comes before it is copied as it is.
pub fn fold(path: &[u8], first: usize, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&path[..first]);
    for (i, seg) in path[first..].split(|&b| b == b'/').enumerate() {
        if i > 0 {
            out.push(b'/');
        }
        out.extend_from_slice(placeholder(seg).unwrap_or(seg));
    }
}

/// [`first_id`] and [`fold`] in one pass: writes `path`'s endpoint into `out` and says
/// `true`, or says `false` when `path` is its own endpoint. One scan of the path rather
/// than two: the default report folds every distinct path at the end of the run, and
/// most distinct paths hold an ID.
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
        let p = p.as_bytes();
        let Some(at) = first_id(p) else {
            return String::from_utf8(p.to_vec()).unwrap();
        };
        let mut s = Vec::new();
        fold(p, at, &mut s);
        let s = String::from_utf8(s).unwrap();
        assert_ne!(s.as_bytes(), p);
        s
    }

    #[test]
    fn one_pass_agrees_with_first_id_and_fold() {
        let paths = [
            "",
            "/",
            "//",
            "/a",
            "/7",
            "/api/users/7",
            "/api/users/7/",
            "/7/8/9",
            "/a/b/c",
            "/x/550e8400-e29b-41d4-a716-446655440000/y",
            "/blob/0123456789abcdef0123",
            "/deadbeefdeadbeefdeadbeef",
            "/v1/12a",
            "a/1",
            "1",
            "/a//2//b",
        ];
        for p in paths {
            let p = p.as_bytes();
            let mut two = Vec::new();
            let want = first_id(p).map(|at| {
                fold(p, at, &mut two);
                two.clone()
            });
            let mut one = b"stale".to_vec();
            let got = fold_into(p, &mut one).then_some(one);
            assert_eq!(got, want, "{}", String::from_utf8_lossy(p));
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
