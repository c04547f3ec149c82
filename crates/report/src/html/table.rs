//! One HTML table, as every section of the page writes it: a header of sortable columns
//! and rows of cells, each number cell carrying its raw value in `data-v` (the inline
//! script sorts by it; programs read it) beside its humanised text. A two-level table
//! puts each row and its sub-rows in one `<tbody>`, so sorting moves them together.

use super::escape::text as esc;
use super::units::{bytes, count, duration, percent};
use std::fmt::Write as _;

/// A cell.
pub(crate) enum Cell {
    /// Text from a log or a configuration (a path, a key, a source name): escaped, shown
    /// in a monospace face, wrapped anywhere.
    Key(String),
    /// axlog's own words (escaped all the same).
    Text(String),
    /// A number: its raw value (`None` shows `-` and sorts last) and how it is shown.
    Num(Option<f64>, String),
}

pub(crate) fn n(v: u64) -> Cell {
    Cell::Num(Some(v as f64), count(v))
}

pub(crate) fn share(v: f64) -> Cell {
    Cell::Num(Some(v), percent(v))
}

pub(crate) fn size(v: u64) -> Cell {
    Cell::Num(Some(v as f64), bytes(v))
}

/// A duration in µs; `approximate` marks it `≈` (more distinct values than kept).
pub(crate) fn time(us: Option<u64>, approximate: bool) -> Cell {
    match us {
        Some(us) => {
            let mark = if approximate { "≈ " } else { "" };
            Cell::Num(Some(us as f64), format!("{mark}{}", duration(us as f64)))
        }
        None => Cell::Num(None, "-".to_string()),
    }
}

/// A table: column names (a leading `>` marks a number column) and groups of rows (a
/// group is a row and its sub-rows; a flat table has one row a group).
pub(crate) struct Table<'a> {
    pub head: &'a [&'a str],
    pub groups: Vec<Vec<Vec<Cell>>>,
}

impl Table<'_> {
    /// A flat table's rows.
    pub(crate) fn flat<'a>(head: &'a [&'a str], rows: Vec<Vec<Cell>>) -> Table<'a> {
        Table {
            head,
            groups: rows.into_iter().map(|r| vec![r]).collect(),
        }
    }

    pub(crate) fn write(&self, o: &mut String) {
        let grouped = self.groups.iter().any(|g| g.len() > 1);
        let class = if grouped {
            "sortable grouped"
        } else {
            "sortable"
        };
        let _ = write!(
            o,
            "<div class=\"scroll\"><table class=\"{class}\"><thead><tr>"
        );
        for h in self.head {
            let (kind, name) = match h.strip_prefix('>') {
                Some(name) => ("num", name),
                None => ("text", *h),
            };
            let _ = write!(
                o,
                "<th scope=\"col\" data-type=\"{kind}\"><button type=\"button\">{}</button></th>",
                esc(name)
            );
        }
        o.push_str("</tr></thead>");
        // A flat table is one body (its rows sort among themselves); a two-level table
        // has one body a row, its sub-rows inside.
        if !grouped {
            o.push_str("<tbody>");
        }
        for g in &self.groups {
            if grouped {
                o.push_str("<tbody>");
            }
            for (i, row) in g.iter().enumerate() {
                o.push_str(if i == 0 { "<tr>" } else { "<tr class=\"sub\">" });
                for c in row {
                    cell(o, c);
                }
                o.push_str("</tr>");
            }
            if grouped {
                o.push_str("</tbody>");
            }
        }
        if !grouped {
            o.push_str("</tbody>");
        }
        o.push_str("</table></div>\n");
    }
}

fn cell(o: &mut String, c: &Cell) {
    match c {
        Cell::Key(k) => {
            let _ = write!(o, "<td class=\"key\"><code>{}</code></td>", esc(k));
        }
        Cell::Text(t) => {
            let _ = write!(o, "<td>{}</td>", esc(t));
        }
        Cell::Num(Some(v), shown) if v.is_finite() => {
            let _ = write!(o, "<td class=\"num\" data-v=\"{v}\">{}</td>", esc(shown));
        }
        Cell::Num(_, shown) => {
            let _ = write!(o, "<td class=\"num\">{}</td>", esc(shown));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_carry_raw_values_and_escape_keys() {
        let mut o = String::new();
        Table::flat(
            &["path", ">requests", ">p99"],
            vec![vec![Cell::Key("/<b>".into()), n(1234), time(None, false)]],
        )
        .write(&mut o);
        assert!(
            o.contains("<td class=\"key\"><code>/&lt;b&gt;</code></td>"),
            "{o}"
        );
        assert!(
            o.contains("<td class=\"num\" data-v=\"1234\">1,234</td>"),
            "{o}"
        );
        assert!(o.contains("<td class=\"num\">-</td>"), "{o}");
        assert!(
            o.contains(
                "<th scope=\"col\" data-type=\"num\"><button type=\"button\">requests</button></th>"
            ),
            "{o}"
        );
        assert_eq!(o.matches("<tbody>").count(), 1);
    }

    #[test]
    fn sub_rows_share_their_rows_body() {
        let mut o = String::new();
        let t = Table {
            head: &["key", ">requests"],
            groups: vec![
                vec![
                    vec![Cell::Key("a".into()), n(3)],
                    vec![Cell::Key("a1".into()), n(2)],
                ],
                vec![vec![Cell::Key("b".into()), n(1)]],
            ],
        };
        t.write(&mut o);
        assert!(o.contains("class=\"sortable grouped\""), "{o}");
        assert_eq!(o.matches("<tbody>").count(), 2);
        assert_eq!(o.matches("<tr class=\"sub\">").count(), 1);
    }
}
