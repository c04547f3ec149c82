//! Styling the text report for a terminal: bold titles and headline, red for what failed
//! (a 5xx share, a threshold that fired), yellow for anomalies. The renderer writes plain
//! text into [`Out`] and records where each style goes; the escape codes are put in only
//! at the end, so the plain text and the styled one have the same columns (widths are
//! measured on the plain text) and stripping the codes gives the plain text exactly.

use std::fmt;

/// A style for a run of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Paint {
    Bold,
    Red,
    Yellow,
}

impl Paint {
    /// The SGR sequence that turns it on.
    fn on(self) -> &'static str {
        match self {
            Paint::Bold => "\x1b[1m",
            Paint::Red => "\x1b[31m",
            Paint::Yellow => "\x1b[33m",
        }
    }
}

/// Whether the text report is written with colour and bold (`--color`), or plain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

/// The text report being written: its plain text and the runs to style.
#[derive(Default)]
pub(crate) struct Out {
    text: String,
    marks: Vec<(usize, usize, Paint)>,
}

impl fmt::Write for Out {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.text.push_str(s);
        Ok(())
    }
}

impl Out {
    pub(crate) fn push(&mut self, c: char) {
        self.text.push(c);
    }

    pub(crate) fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// Writes `s` styled with `p` (plain where styles are off).
    pub(crate) fn paint(&mut self, p: Paint, s: &str) {
        let start = self.text.len();
        self.text.push_str(s);
        // A run never spans a line break: a pager or `less -R` resets at each line.
        self.marks.push((start, self.text.len(), p));
    }

    /// `\n` and a section's title, bold, on its own line.
    pub(crate) fn title(&mut self, s: &str) {
        self.push('\n');
        self.paint(Paint::Bold, s);
        self.push('\n');
    }

    /// The plain text.
    pub(crate) fn plain(self) -> String {
        self.text
    }

    /// The text with each run between its SGR code and a reset (`ESC[0m`), or plain.
    pub(crate) fn finish(self, style: Style) -> String {
        if !style.color {
            return self.text;
        }
        let mut marks = self.marks;
        marks.sort_by_key(|m| m.0);
        let mut out = String::with_capacity(self.text.len() + marks.len() * 8);
        let mut at = 0;
        for (start, end, p) in marks {
            // Runs do not nest (each is one cell or one title); one that overlaps an
            // earlier one is left plain rather than mangled.
            if start < at || end <= start {
                continue;
            }
            out.push_str(&self.text[at..start]);
            out.push_str(p.on());
            out.push_str(&self.text[start..end]);
            out.push_str("\x1b[0m");
            at = end;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_wrap_runs_and_strip_to_plain() {
        let mut o = Out::default();
        o.push_str("a ");
        o.paint(Paint::Red, "5xx");
        o.title("Title");
        let plain = "a 5xx\nTitle\n";
        let mut o2 = Out::default();
        o2.push_str("a ");
        o2.paint(Paint::Red, "5xx");
        o2.title("Title");
        assert_eq!(o2.plain(), plain);
        assert_eq!(
            o.finish(Style { color: true }),
            "a \x1b[31m5xx\x1b[0m\n\x1b[1mTitle\x1b[0m\n"
        );
    }
}
