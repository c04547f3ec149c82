//! Text from outside (log content, file names, arguments) made safe where it reaches a
//! terminal: a control character or a bidirectional override in a crafted path could
//! retitle the window, move the cursor, or make a line read backwards.

use std::fmt::Write as _;

/// Whether `c` acts on a terminal rather than showing itself: C0 controls, DEL, C1
/// controls (U+0080–U+009F; U+009B is CSI), and Unicode's bidirectional controls (marks,
/// embeddings, overrides, isolates).
pub fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

fn escape_into(out: &mut String, c: char) {
    // C0 and DEL as `\xHH`; the rest as `\u{HHHH}`, which a raw byte never is (a malformed
    // line's bytes that are not UTF-8 are shown as `\xHH`, and C1's would read the same).
    if (c as u32) < 0x80 {
        let _ = write!(out, "\\x{:02X}", c as u32);
    } else {
        let _ = write!(out, "\\u{{{:X}}}", c as u32);
    }
}

/// `s` with every character that [`acts_on_terminal`] escaped: one line of plain text.
pub fn terminal_safe(s: &str) -> String {
    escape_except(s, None)
}

/// As [`terminal_safe`], keeping line breaks: for messages of several lines whose
/// outside parts were escaped already.
pub fn terminal_safe_lines(s: &str) -> String {
    escape_except(s, Some('\n'))
}

/// A whole document (Markdown, HTML, Prometheus text) made safe for a terminal: as
/// [`terminal_safe`], keeping line feeds and tabs, its layout.
pub fn terminal_safe_document(s: &str) -> String {
    escape_chars(s, |c| c == '\n' || c == '\t')
}

fn escape_except(s: &str, keep: Option<char>) -> String {
    escape_chars(s, |c| Some(c) == keep)
}

fn escape_chars(s: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if acts_on_terminal(c) && !keep(c) {
            escape_into(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes() {
        assert_eq!(terminal_safe("/a\u{1b}[31mred"), "/a\\x1B[31mred");
        assert_eq!(terminal_safe("a\u{7}b\u{7f}"), "a\\x07b\\x7F");
        assert_eq!(terminal_safe("x\u{9b}2J"), "x\\u{9B}2J");
        assert_eq!(
            terminal_safe("\u{202e}gol.exe\u{2066}\u{200f}"),
            "\\u{202E}gol.exe\\u{2066}\\u{200F}"
        );
        assert_eq!(terminal_safe("a\nb"), "a\\x0Ab");
        assert_eq!(terminal_safe_lines("a\nb\u{1b}"), "a\nb\\x1B");
        assert_eq!(
            terminal_safe_document("a\tb\r\n\u{9b}2J\u{202e}x\n"),
            "a\tb\\x0D\n\\u{9B}2J\\u{202E}x\n"
        );
        // Text that merely is not ASCII stays as it is.
        assert_eq!(terminal_safe("/café/日本/ü\u{a0}"), "/café/日本/ü\u{a0}");
    }
}
