//! The JSON renderer: the summary as one document, field names as documented in
//! docs/report-json.md, with the characters a terminal would act on escaped.

use crate::escape::acts_on_terminal;
use axlog_stats::Summary;
use std::fmt::Write as _;

/// The JSON document: one object, field names as documented in docs/report-json.md.
pub fn json(summary: &Summary) -> String {
    // Serialising plain data structs with string keys cannot fail.
    let s =
        serde_json::to_string_pretty(summary).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    // serde_json leaves C1 and bidirectional controls raw: escaped, the value is the same.
    let mut s = json_safe(s);
    s.push('\n');
    s
}

/// Serialised JSON with the characters serde_json leaves raw but a terminal would act on
/// (DEL, C1, bidirectional controls) written as `\uXXXX`: the same JSON value, safe to
/// print. Outside strings JSON has only ASCII, so every such character is inside one.
pub fn json_safe(json: String) -> String {
    if !json.chars().any(acts_on_terminal_raw) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if acts_on_terminal_raw(c) {
            // Every such character is in the Basic Multilingual Plane: one `\uXXXX`.
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// The characters of [`acts_on_terminal`] that serde_json writes raw (it escapes C0, and
/// the line breaks of pretty output are its own).
fn acts_on_terminal_raw(c: char) -> bool {
    (c as u32) >= 0x7F && acts_on_terminal(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_keep_the_value() {
        let value = serde_json::json!({
            "path": "/p\u{9b}1m\u{202e}x\u{7f}\u{85}é",
            "c0": "\u{1b}[0m",
        });
        let text = json_safe(serde_json::to_string_pretty(&value).unwrap());
        assert!(
            text.contains("\\u009b") && text.contains("\\u202e"),
            "{text}"
        );
        assert!(
            text.contains("\\u007f") && text.contains("\\u0085"),
            "{text}"
        );
        assert!(
            !text.chars().any(|c| c != '\n' && acts_on_terminal(c)),
            "{text}"
        );
        assert!(text.contains('é'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
