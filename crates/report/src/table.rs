//! The one table layout of the text report: each column has a header and an alignment
//! (names left, numbers right), its width is the widest of its header and cells in
//! display columns (CJK and emoji take two), the first column holds the row's name,
//! capped at [`NAME_MAX`] and shortened in the middle, sub-rows are indented in it, and
//! columns are two spaces apart. Every table of the text report goes through here, so a
//! header always sits over its column.

use crate::fmt::{display_width, shorten_middle};
use crate::style::{Out, Paint};

/// The widest the name column gets; longer names lose their middle.
pub(crate) const NAME_MAX: usize = 48;

/// Where a column's text sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

pub(crate) use Align::{Left, Right};

/// One row: its cells, how far its name is indented, a note after the last column, and
/// the cells to style.
pub(crate) struct Row {
    indent: usize,
    cells: Vec<String>,
    note: String,
    paints: Vec<(usize, Paint)>,
}

impl Row {
    /// Text after the last column (`(approximate)`, an error): not part of any column.
    pub(crate) fn note(&mut self, note: impl Into<String>) -> &mut Row {
        self.note = note.into();
        self
    }

    /// Styles cell `col` (its text, not its padding).
    pub(crate) fn paint(&mut self, col: usize, p: Paint) -> &mut Row {
        self.paints.push((col, p));
        self
    }

    /// Styles every cell.
    pub(crate) fn paint_all(&mut self, p: Paint) -> &mut Row {
        for col in 0..self.cells.len() {
            self.paints.push((col, p));
        }
        self
    }
}

pub(crate) struct Table {
    heads: Vec<(String, Align)>,
    rows: Vec<Row>,
}

impl Table {
    pub(crate) fn new(heads: &[(&str, Align)]) -> Table {
        Table {
            heads: heads.iter().map(|(h, a)| (h.to_string(), *a)).collect(),
            rows: Vec::new(),
        }
    }

    /// A row; its first cell is its name (already escaped for the terminal).
    pub(crate) fn row(&mut self, cells: Vec<String>) -> &mut Row {
        self.sub_row(0, cells)
    }

    /// A row whose name is indented `indent` columns (a sub-row).
    pub(crate) fn sub_row(&mut self, indent: usize, mut cells: Vec<String>) -> &mut Row {
        cells.resize(self.heads.len(), String::new());
        if let Some(name) = cells.first_mut() {
            let short = shorten_middle(name, NAME_MAX.saturating_sub(indent).max(2));
            *name = format!("{}{short}", " ".repeat(indent));
        }
        self.rows.push(Row {
            indent,
            cells,
            note: String::new(),
            paints: Vec::new(),
        });
        let last = self.rows.len() - 1;
        &mut self.rows[last]
    }

    /// The header line and the rows, each indented two columns.
    pub(crate) fn render(&self, o: &mut Out) {
        let widths: Vec<usize> = (0..self.heads.len())
            .map(|i| {
                let cells = self.rows.iter().map(|r| display_width(&r.cells[i]));
                cells.fold(display_width(&self.heads[i].0), usize::max)
            })
            .collect();
        let heads: Vec<String> = self.heads.iter().map(|h| h.0.clone()).collect();
        self.line(o, &widths, &heads, &[]);
        o.push('\n');
        for r in &self.rows {
            debug_assert!(r.indent <= NAME_MAX);
            self.line(o, &widths, &r.cells, &r.paints);
            if !r.note.is_empty() {
                o.push_str("  ");
                o.push_str(&r.note);
            }
            o.push('\n');
        }
    }

    /// One line of cells, padded to `widths`, without trailing spaces.
    fn line(&self, o: &mut Out, widths: &[usize], cells: &[String], paints: &[(usize, Paint)]) {
        let Some(last) = cells.iter().rposition(|c| !c.is_empty()) else {
            return;
        };
        o.push_str("  ");
        for (i, cell) in cells.iter().enumerate().take(last + 1) {
            if i > 0 {
                o.push_str("  ");
            }
            let pad = " ".repeat(widths[i].saturating_sub(display_width(cell)));
            let paint = paints.iter().rev().find(|p| p.0 == i).map(|p| p.1);
            // A sub-row's indent is padding, not text to style.
            let (lead, text) = match cell.find(|c| c != ' ') {
                Some(at) => cell.split_at(at),
                None => (cell.as_str(), ""),
            };
            if self.heads[i].1 == Right {
                o.push_str(&pad);
            }
            o.push_str(lead);
            match paint {
                Some(p) if !text.is_empty() => o.paint(p, text),
                _ => o.push_str(text),
            }
            if self.heads[i].1 == Left && i < last {
                o.push_str(&pad);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(t: &Table) -> String {
        let mut o = Out::default();
        t.render(&mut o);
        o.plain()
    }

    #[test]
    fn columns_fit_their_widest_cell() {
        let mut t = Table::new(&[("", Left), ("count", Right), ("where", Left)]);
        t.row(vec!["/a".into(), "1,234,567".into(), "x".into()]);
        t.sub_row(2, vec!["日本".into(), "5".into(), "yy".into()]);
        t.row(vec!["/b".into(), "12".into(), String::new()])
            .note("(approximate)");
        // Column widths: 6 (`  日本`: 2 + 4), 9, 5; two spaces between.
        let want = "              count  where\n\
                    \x20 /a      1,234,567  x\n\
                    \x20   日本          5  yy\n\
                    \x20 /b             12  (approximate)\n";
        assert_eq!(render(&t), want);
    }

    #[test]
    fn long_names_lose_their_middle() {
        let mut t = Table::new(&[("source", Left), ("lines", Right)]);
        let long = format!("/var/log/{}/access.log.1", "n".repeat(60));
        t.row(vec![long, "3".into()]);
        let text = render(&t);
        let row = text.lines().nth(1).unwrap_or("");
        // 2 of indent, 48 of name, 2 of gap, `lines`'s 5 (the digit right-aligned).
        assert_eq!(row.chars().count(), 2 + NAME_MAX + 2 + 5);
        assert!(row.starts_with("  /var/log/nnn"), "{row}");
        assert!(
            row.contains("…") && row.ends_with("/access.log.1      3"),
            "{row}"
        );
    }
}
