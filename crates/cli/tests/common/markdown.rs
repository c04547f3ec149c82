//! Markdown read as GitHub reads it: a GFM table row's cells, the text of a code span, and
//! the whole file rendered by cmark-gfm (GitHub's renderer).

/// The Markdown file as GitHub renders it (cmark-gfm), or `None` without the Python.
pub fn gfm_html(path: &std::path::Path) -> Option<String> {
    let script = "import cmarkgfm, sys\n\
        sys.stdout.write(cmarkgfm.github_flavored_markdown_to_html(open(sys.argv[1], encoding='utf-8').read()))";
    super::python::run_script(script, path)
}

/// The cells of a GFM table row: split at each `|` that no backslash escapes (the rule
/// GFM splits rows by, before it reads code spans), the outer pipes dropped.
pub fn cells(row: &str) -> Vec<String> {
    let inner = row
        .trim()
        .strip_prefix('|')
        .unwrap()
        .strip_suffix('|')
        .unwrap();
    let mut out = vec![String::new()];
    let mut prev = None;
    for c in inner.chars() {
        if c == '|' && prev != Some('\\') {
            out.push(String::new());
        } else {
            out.last_mut().unwrap().push(c);
        }
        prev = Some(c);
    }
    out.into_iter().map(|c| c.trim().to_string()).collect()
}

/// The text a code span cell shows: the fence and one pad space on each side removed,
/// `\|` back to `|`; `None` when the cell is not one code span.
pub fn code_text(cell: &str) -> Option<String> {
    let n = cell.chars().take_while(|&c| c == '`').count();
    if n == 0 || cell.len() < 2 * n {
        return None;
    }
    let fence = "`".repeat(n);
    let inner = cell.strip_prefix(&fence)?.strip_suffix(&fence)?;
    // No run of exactly `n` backticks inside: it would close the span early.
    let runs_ok = inner
        .split(|c| c != '`')
        .all(|run| run.is_empty() || run.len() != n);
    assert!(runs_ok, "a backtick run closes the span early: {cell}");
    let inner = match inner.strip_prefix(' ').and_then(|i| i.strip_suffix(' ')) {
        Some(i) if !i.trim().is_empty() => i,
        _ => inner,
    };
    Some(inner.replace("\\|", "|"))
}
