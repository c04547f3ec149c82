//! The one escaper of the HTML page: every string that came from a log or a
//! configuration goes through [`text`], in element text and in attribute values alike.
//! Control and bidirectional characters are first written visibly (`\x1B`), as the
//! terminal report shows them, so a crafted key can neither hide itself nor reorder the
//! page's text.

use crate::terminal_safe;

/// `s` safe anywhere in HTML text or a quoted attribute value: `& < > " '` as
/// entities, control characters shown as `\xHH` / `\u{HHHH}`.
pub(crate) fn text(s: &str) -> String {
    let visible = terminal_safe(s);
    let mut out = String::with_capacity(visible.len() + visible.len() / 8);
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_become_entities() {
        assert_eq!(
            text("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(
            text("\"><img src=x onerror=\"a()\">"),
            "&quot;&gt;&lt;img src=x onerror=&quot;a()&quot;&gt;"
        );
        // `&` first: an entity in the log shows as written, not as its character.
        assert_eq!(text("&lt;&amp;"), "&amp;lt;&amp;amp;");
        assert_eq!(
            text("=HYPERLINK(\"http://e\")|`x`"),
            "=HYPERLINK(&quot;http://e&quot;)|`x`"
        );
    }

    #[test]
    fn control_characters_show_visibly() {
        assert_eq!(text("a\u{1b}[31mb"), "a\\x1B[31mb");
        assert_eq!(text("a\nb\r"), "a\\x0Ab\\x0D");
        assert_eq!(text("x\u{9b}2J"), "x\\u{9B}2J");
        assert_eq!(text("\u{202e}fdp.exe"), "\\u{202E}fdp.exe");
        // Other text that is not ASCII stays itself.
        assert_eq!(text("/café/日本"), "/café/日本");
    }
}
