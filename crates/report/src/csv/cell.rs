//! The cells of the CSV tables: text that came from a log or a configuration made safe
//! for a spreadsheet and a terminal, and numbers written raw. RFC 4180's quoting (commas,
//! double quotes, line breaks) is left to the `csv` crate's writer.

use crate::escape::acts_on_terminal;
use crate::terminal_safe;

/// The first characters that make a spreadsheet read a cell as a formula or a command
/// (OWASP's list for CSV injection): `=`, `+`, `-`, `@`, tab, carriage return.
fn starts_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A text cell: every control character but tab, CR and LF (which RFC 4180 quoting
/// carries, so a CSV reader gets them back) written as the terminal report writes it
/// (`\x1B`, `\u{202E}`), so `cat out/paths.csv` cannot drive a terminal; then, when the
/// cell would start a formula, a leading `'` (which spreadsheets show as text).
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    for c in s.chars() {
        if acts_on_terminal(c) && !matches!(c, '\t' | '\r' | '\n') {
            // One character's escape, in the terminal report's own spelling.
            let mut one = [0u8; 4];
            out.push_str(&terminal_safe(c.encode_utf8(&mut one)));
        } else {
            out.push(c);
        }
    }
    if starts_formula(&out) {
        out.insert(0, '\'');
    }
    out
}

/// A text cell that may be absent: empty when it is.
pub(crate) fn opt_text(s: Option<&str>) -> String {
    s.map(text).unwrap_or_default()
}

/// A count or a size, as digits.
pub(crate) fn int(n: impl Into<i128>) -> String {
    n.into().to_string()
}

/// A count that may be absent: empty when it is.
pub(crate) fn opt_int<N: Into<i128>>(n: Option<N>) -> String {
    n.map(int).unwrap_or_default()
}

/// A share or a mean: the shortest decimal that reads back as the same `f64` (never an
/// exponent, no thousands separator); empty when not a number.
pub(crate) fn float(x: f64) -> String {
    match x.is_finite() {
        true => format!("{x}"),
        false => String::new(),
    }
}

/// A float that may be absent: empty when it is.
pub(crate) fn opt_float(x: Option<f64>) -> String {
    x.map(float).unwrap_or_default()
}

/// `true` or `false`.
pub(crate) fn flag(b: bool) -> String {
    b.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_a_leading_quote() {
        assert_eq!(
            text("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(text("+1"), "'+1");
        assert_eq!(text("-2"), "'-2");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("\tx"), "'\tx");
        assert_eq!(text("\rx"), "'\rx");
        // Only at the start: inside a cell they are text already.
        assert_eq!(text("/a=b+c-d@e"), "/a=b+c-d@e");
        assert_eq!(text("/api/users"), "/api/users");
        assert_eq!(text(""), "");
    }

    #[test]
    fn control_characters_are_escaped_but_line_breaks_and_tabs_kept() {
        assert_eq!(text("/a\u{1b}[31mred"), "/a\\x1B[31mred");
        assert_eq!(text("/x\u{9b}2J"), "/x\\u{9B}2J");
        assert_eq!(text("/\u{202e}gpj.exe"), "/\\u{202E}gpj.exe");
        assert_eq!(text("/a\nb\tc\rd"), "/a\nb\tc\rd");
        // A leading escape starts with a backslash: no formula, no quote.
        assert_eq!(text("\u{1b}=1"), "\\x1B=1");
        assert_eq!(text("/café/日本"), "/café/日本");
    }

    #[test]
    fn numbers_are_raw() {
        assert_eq!(int(1_234_567u64), "1234567");
        assert_eq!(int(-5i64), "-5");
        assert_eq!(opt_int(None::<u64>), "");
        assert_eq!(float(0.25), "0.25");
        assert_eq!(float(1e-7), "0.0000001");
        assert_eq!(float(-3.5), "-3.5");
        assert_eq!(float(f64::NAN), "");
        assert_eq!(opt_float(None), "");
    }
}
