//! Exit codes, and the run-level check that every input was understood: a wrong layout or
//! a binary file gives a report of zero requests, which must not look like success.
//! docs/exit-codes.md is the one table of them.
//!
//! When several apply, the code is the first of 1 (failed), 5 (gap), 6 (unparsed),
//! 3 (threshold): what makes the report incomplete or wrong comes before what the report
//! says. A threshold fired on figures that miss an input (1), lost bytes (5) or parsed
//! nothing (6) is not the news: the missing data is, and a cron job's handler of 3
//! ("the service is unwell") must not be paged for a broken pipeline.
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
/// A `--fail-if` threshold fired; the report and its outputs were written.
pub const THRESHOLD: u8 = 3;
/// `--state`: another run holds the state's lock; nothing was read.
pub const LOCKED: u8 = 4;
/// `--state`: bytes of a followed file were lost before being read (deleted, replaced
/// or truncated); the report and the state were still written.
pub const GAP: u8 = 5;
/// An input had lines, and no layout fitted them: none of its lines parsed (was 3 before
/// `--fail-if` took 3).
pub const UNPARSED: u8 = 6;

/// `axlog report --help`'s table of exit codes (docs/exit-codes.md says more).
pub const HELP: &str = "Exit codes (docs/exit-codes.md):
  0  success
  1  an input not read in full, or an output (stdout, -o, rejects, Parquet, state) not written
  2  usage error, before any input is read
  3  a --fail-if threshold fired (the report and its outputs written)
  4  --state: another run holds the state; nothing read
  5  --state: bytes of a followed file lost before being read (report and state written)
  6  an input had lines and none parsed: no layout fits it (report written)
When several apply: 1, then 5, then 6, then 3.";

/// The code of a run where each of `codes` applies (0 for none): [`FAILED`], then
/// [`GAP`], then [`UNPARSED`], then [`THRESHOLD`], then any other.
pub fn worst(codes: &[u8]) -> u8 {
    const ORDER: [u8; 4] = [FAILED, GAP, UNPARSED, THRESHOLD];
    ORDER
        .into_iter()
        .find(|c| codes.contains(c))
        .or_else(|| codes.iter().copied().find(|&c| c != 0))
        .unwrap_or(0)
}

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

/// The message for an input with lines longer than the longest line axlog keeps.
pub fn long_lines(s: &SourceSummary) -> Option<String> {
    let first = s.first_long_line?;
    let mib = axlog_input::MAX_LINE >> 20;
    let more = match s.long_lines {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    Some(format!(
        "{}: line {first} is longer than {mib} MiB, the longest line axlog reads{more}: \
         cut there and counted malformed",
        s.name
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_is_failed_gap_unparsed_threshold() {
        assert_eq!(worst(&[]), 0);
        assert_eq!(worst(&[0, 0]), 0);
        assert_eq!(worst(&[3, 6]), 6);
        assert_eq!(worst(&[3, 6, 5]), 5);
        assert_eq!(worst(&[3, 1, 5, 6]), 1);
        assert_eq!(worst(&[0, 3]), 3);
    }

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
