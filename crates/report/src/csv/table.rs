//! One CSV table: a header and rows of cells already made safe ([`super::cell`]),
//! written with the `csv` crate (RFC 4180: a cell holding a comma, a double quote, CR or
//! LF is quoted, its quotes doubled; records end in LF).

use axlog_stats::Summary;

/// A table being filled.
pub(crate) struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

/// One summary of the report, and the tier it is (empty without tiers).
pub(crate) struct Part<'a> {
    pub(crate) tier: &'a str,
    pub(crate) s: &'a Summary,
}

impl Table {
    pub(crate) fn new(header: &[&'static str]) -> Table {
        Table {
            header: header.to_vec(),
            rows: Vec::new(),
        }
    }

    /// A table whose rows `fill` writes for each part, each row ending in its part's
    /// tier (a last `tier` column, empty without tiers).
    pub(crate) fn tiered(
        header: &[&'static str],
        parts: &[Part],
        mut fill: impl FnMut(&mut Table, &Summary),
    ) -> Table {
        let mut t = Table::new(header);
        t.header.push("tier");
        for p in parts {
            let from = t.rows.len();
            fill(&mut t, p.s);
            for r in &mut t.rows[from..] {
                r.push(super::cell::text(p.tier));
            }
        }
        t
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table as CSV text, the header first.
    pub(crate) fn render(&self) -> String {
        let mut w = csv::WriterBuilder::new()
            // Every record as long as the header: a short one is a bug, not a table.
            .flexible(false)
            .from_writer(Vec::new());
        let mut ok = w.write_record(&self.header).is_ok();
        for r in &self.rows {
            ok &= w.write_record(r).is_ok();
        }
        // Writing to memory fails only on a record of another length (a bug): the
        // table is then left out whole rather than half written.
        match (ok, w.into_inner()) {
            (true, Ok(bytes)) => String::from_utf8(bytes).unwrap_or_default(),
            _ => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_as_rfc_4180() {
        let mut t = Table::new(&["key", "n"]);
        t.row(vec!["a,b".into(), "1".into()]);
        t.row(vec!["say \"hi\"".into(), "2".into()]);
        t.row(vec!["two\nlines".into(), "3".into()]);
        t.row(vec!["cr\rhere".into(), "4".into()]);
        t.row(vec!["plain".into(), "5".into()]);
        assert_eq!(
            t.render(),
            "key,n\n\"a,b\",1\n\"say \"\"hi\"\"\",2\n\"two\nlines\",3\n\"cr\rhere\",4\nplain,5\n"
        );
    }

    #[test]
    fn a_row_of_another_length_leaves_the_table_out() {
        let mut t = Table::new(&["a", "b"]);
        t.row(vec!["1".into()]);
        assert_eq!(t.render(), "");
    }
}
