//! What reaches a terminal, read back: the styling axlog adds taken out.

/// `s` without the SGR sequences axlog writes (`ESC [ digits m`).
pub fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find("\x1b[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if after[digits..].starts_with('m') {
            rest = &after[digits + 1..];
        } else {
            // Not ours: kept, so that the caller sees it.
            out.push_str("\x1b[");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
