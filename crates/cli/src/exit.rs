//! Exit codes, and the run-level check that every input was understood: a wrong layout or
//! a binary file gives a report of zero requests, which must not look like success.
//!
//! A live run (`report --every`, `--follow`) ended by SIGINT or SIGTERM exits 0 (or as
//! any run, by its inputs): a signal is how a followed run ends, and the open window is
//! written first, so nothing failed (`systemctl stop` records a clean stop without a
//! `SuccessExitStatus=`). A second signal kills at once, by the signal.

use axlog_stats::summary::SourceSummary;

/// The report (or the Parquet rows) was written, but an input, an output file or stdout
/// failed.
pub const FAILED: u8 = 1;
/// Bad arguments, or an output that cannot be opened.
pub const USAGE: u8 = 2;
/// An input had lines, and no layout fitted them: none of its lines parsed.
pub const UNPARSED: u8 = 3;
/// `--state`: another run holds the state's lock; nothing was read.
pub const LOCKED: u8 = 4;
/// `--state`: bytes of a followed file were lost before being read (deleted, replaced
/// or truncated); the report and the state were still written. Precedence: 1, then 5,
/// then 3.
pub const GAP: u8 = 5;

/// A message for each input (breakdown row) that had lines and fitted no layout: none of
/// its lines parsed with the layout used, or detection found none for it. Server messages
/// (HAProxy's notices) are not malformed lines, so a file of them fits.
pub fn unparsed_inputs(sources: &[SourceSummary]) -> Vec<String> {
    sources
        .iter()
        .filter(|s| s.lines > 0)
        .filter_map(|s| {
            let layout = s.layout.as_deref().unwrap_or("any known layout");
            if s.malformed == s.lines {
                let what = match s.lines {
                    1 => "its one line does not fit".to_string(),
                    n => format!("none of its {n} lines fits"),
                };
                Some(format!("{}: no line parsed: {what} {layout}", s.name))
            } else if s.layout.is_none() && s.layout_help.is_some() {
                Some(format!("{}: no known layout fits its first lines", s.name))
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, layout: Option<&str>, lines: u64, malformed: u64) -> SourceSummary {
        SourceSummary {
            name: name.into(),
            layout: layout.map(String::from),
            lines,
            malformed,
            // As the engine sets it: when detection found no layout.
            layout_help: layout.is_none().then(|| "help".to_string()),
            ..SourceSummary::default()
        }
    }

    #[test]
    fn which_inputs_fit_no_layout() {
        let sources = [
            row("good", Some("nginx-combined"), 4, 1),
            row("empty", None, 0, 0),
            row("binary", None, 3, 3),
            row("wrong", Some("haproxy"), 2, 2),
            // Notices only: lines that are neither requests nor malformed.
            row("notices", Some("haproxy"), 2, 0),
            // `--source-by-host`'s rows: no layout of their own, no detection.
            SourceSummary {
                name: "lb1".into(),
                lines: 2,
                requests: 2,
                ..SourceSummary::default()
            },
            // Detection failed, yet a later line parsed as the fallback layout.
            row("undetected", None, 5, 4),
        ];
        assert_eq!(
            unparsed_inputs(&sources),
            vec![
                "binary: no line parsed: none of its 3 lines fits any known layout",
                "wrong: no line parsed: none of its 2 lines fits haproxy",
                "undetected: no known layout fits its first lines",
            ]
        );
    }
}
