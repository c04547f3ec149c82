//! The names of the CSV files: fixed ones for the report's own tables, and for each
//! `--by` table one made from its dimension, which can come from the user or a log
//! (`--by field:NAME`): only `[a-z0-9._-]`, no `..`, never empty or hidden, at most 64
//! characters before `.csv`, and distinct from every other name of the set.

use std::collections::HashSet;

/// The longest stem a dimension gives (the file system's limit is 255 bytes).
const MAX_STEM: usize = 64;

/// `dimension` as a safe file stem: ASCII letters lowered, digits, `.`, `_` and `-`
/// kept, every run of other characters one `_`, no two dots in a row, no dot at either
/// end; `dimension` when no letter or digit is left.
pub(crate) fn stem(dimension: &str) -> String {
    let mut out = String::new();
    for c in dimension.chars() {
        let c = c.to_ascii_lowercase();
        let c = match c {
            'a'..='z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '_',
        };
        // `..` is never written, nor a run of replaced characters.
        if matches!(c, '.' | '_') && out.ends_with(c) {
            continue;
        }
        if out.len() == MAX_STEM {
            break;
        }
        out.push(c);
    }
    let out = out.trim_matches('.');
    match !out.chars().any(|c| c.is_ascii_alphanumeric()) {
        true => "dimension".to_string(),
        false => out.to_string(),
    }
}

/// The names given so far, so each new one is distinct.
#[derive(Default)]
pub(crate) struct Names {
    taken: HashSet<String>,
}

impl Names {
    /// `STEM.csv`, or the first free `STEM-2.csv`, `STEM-3.csv`, … when taken.
    pub(crate) fn take(&mut self, stem: &str) -> String {
        let mut name = format!("{stem}.csv");
        let mut n = 2u64;
        while self.taken.contains(&name) {
            name = format!("{stem}-{n}.csv");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules every name keeps.
    fn safe(name: &str) -> bool {
        !name.is_empty()
            && !name.contains("..")
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| matches!(c, 'a'..='z' | '0'..='9' | '.' | '_' | '-'))
    }

    #[test]
    fn dimensions_become_safe_stems() {
        assert_eq!(stem("endpoint"), "endpoint");
        assert_eq!(stem("user-agent-raw"), "user-agent-raw");
        assert_eq!(stem("field:X-Request_ID"), "field_x-request_id");
        assert_eq!(stem("server,status"), "server_status");
        assert_eq!(stem("field:../../etc/passwd"), "field_._._etc_passwd");
        assert_eq!(stem("field:a...b"), "field_a.b");
        assert_eq!(stem(".."), "dimension");
        assert_eq!(stem(""), "dimension");
        assert_eq!(stem("日本"), "dimension");
        assert_eq!(stem("field:<script>\u{1b}[31m\n"), "field_script_31m_");
        let long = "x".repeat(300);
        assert_eq!(stem(&long).len(), MAX_STEM);
        for d in [
            "a/b",
            "..",
            "./.",
            "a\0b",
            "\u{202e}",
            "=HYPERLINK(1)",
            " ",
            ".",
        ] {
            let s = stem(d);
            assert!(safe(&format!("by-{s}.csv")), "{d:?} -> {s:?}");
            assert!(safe(&s), "{d:?} -> {s:?}");
        }
    }

    #[test]
    fn names_are_distinct() {
        let mut n = Names::default();
        assert_eq!(n.take("by-a"), "by-a.csv");
        assert_eq!(n.take("by-a"), "by-a-2.csv");
        // A stem that is itself a suffixed name does not take another's.
        assert_eq!(n.take("by-a-2"), "by-a-2-2.csv");
        assert_eq!(n.take("by-a"), "by-a-3.csv");
    }
}
