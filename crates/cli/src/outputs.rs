//! `report -o PATH` (repeatable): the report written to files, each in the format its
//! extension names (`.txt`, `.json`, `.md`, `.html`, `.prom`; a directory, a path ending
//! in `/` or `.csv`, for CSV's one file a table), all rendered from the run's one
//! summary. The paths are checked before any input is read (a bad extension or a
//! directory that cannot be written is a usage error), and each file is replaced
//! atomically (a temporary file in its directory, fsynced, renamed over it, the
//! directory fsynced), so node_exporter or a mailer never reads half a file.
//!
//! With `-o`, standard output gets no report (as `sort -o` and `curl -o`: a cron job that
//! writes files mails nothing when all went well) unless `-o -` asks for it, in
//! `--output`'s format.

use crate::args::{Output, ReportArgs};
use crate::paths::Inputs;
use crate::term;
use axlog_engine::replace::{dir_of, replace_file, temp_name};
use axlog_stats::Summary;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// What a file is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Text,
    Json,
    Markdown,
    Html,
    Prometheus,
    /// A directory of CSV files, one a table.
    Csv,
}

/// The extensions `-o` knows, for messages.
const KNOWN: &str = ".txt, .json, .md, .html, .prom, or a directory ending in / or .csv";

impl Format {
    /// The format `path`'s extension names.
    fn of(path: &Path) -> Option<Format> {
        if is_dir_path(path) {
            return Some(Format::Csv);
        }
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" => Format::Text,
            "json" => Format::Json,
            "md" => Format::Markdown,
            "html" | "htm" => Format::Html,
            "prom" => Format::Prometheus,
            "csv" => Format::Csv,
            _ => return None,
        })
    }

    fn of_output(o: Output) -> Format {
        match o {
            Output::Text => Format::Text,
            Output::Json => Format::Json,
            Output::Markdown => Format::Markdown,
            Output::Html => Format::Html,
            Output::Prometheus => Format::Prometheus,
        }
    }

    /// The summary rendered in this format; `now_s` is the run's end, for Prometheus.
    fn render(self, s: &Summary, now_s: f64) -> Rendered {
        Rendered::One(match self {
            Format::Text => axlog_report::text(s),
            Format::Json => {
                let json = axlog_report::json(s);
                crate::report_dump::copy(crate::report_dump::Kind::Report, &json);
                json
            }
            Format::Markdown => axlog_report::markdown(s),
            Format::Html => axlog_report::html(s),
            Format::Prometheus => axlog_report::prometheus(s, now_s),
            Format::Csv => return Rendered::Tables(axlog_report::csv(s)),
        })
    }
}

/// A rendering: one document, or CSV's named files.
enum Rendered {
    One(String),
    Tables(Vec<axlog_report::CsvFile>),
}

/// Whether `-o PATH` names a directory (CSV's): it ends in `/` or `.csv`.
fn is_dir_path(path: &Path) -> bool {
    let s = path.as_os_str().to_string_lossy();
    s.ends_with('/') || s.ends_with(std::path::MAIN_SEPARATOR)
}

/// A file output failed to be written (inside an `io::Error`, as a stdout failure is):
/// the run failed (exit 1), not its arguments.
#[derive(Debug)]
pub(crate) struct WriteFailed(pub(crate) String);

impl std::fmt::Display for WriteFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteFailed {}

/// Whether `e` is an `-o` file's failure.
pub(crate) fn is_write_failure(e: &anyhow::Error) -> bool {
    e.downcast_ref::<io::Error>()
        .and_then(|io| io.get_ref())
        .is_some_and(|inner| inner.is::<WriteFailed>())
}

/// Checks every `-o` path before anything is read: a known extension, not one of the
/// inputs, a directory that exists and takes a new file. `Err`: the message of a usage
/// error.
pub(crate) fn check(args: &ReportArgs, inputs: Option<&Inputs>) -> Result<(), String> {
    for path in args.output_files.iter().filter(|p| !is_stdout(p)) {
        if Format::of(path).is_none() {
            return Err(format!(
                "-o {}: the extension names the format: one of {KNOWN} (or - for standard output)",
                path.display()
            ));
        }
        if let Some(inputs) = inputs {
            inputs.check_output("-o", path).map_err(|e| e.to_string())?;
        }
        let csv = Format::of(path) == Some(Format::Csv);
        if path.is_dir() && !csv {
            return Err(format!("-o {}: is a directory", path.display()));
        }
        // `stat("file/")` fails: the name is looked at without its trailing slash.
        let bare = Path::new(path.to_str().map_or("", |p| p.trim_end_matches('/')));
        if csv && bare.exists() && !bare.is_dir() {
            return Err(format!(
                "-o {}: is a file; CSV is written as a directory of files, one a table",
                path.display()
            ));
        }
        // CSV's directory is made when missing: its parent must take it.
        let probe_for = match csv {
            true if path.is_dir() => path.join("summary.csv"),
            true => path.to_path_buf(),
            false => path.to_path_buf(),
        };
        let dir = dir_of(&probe_for);
        // The temporary file goes in the same directory: it must take one.
        let probe = temp_name(&probe_for).map_err(|e| format!("-o {}: {e}", path.display()))?;
        match File::create_new(&probe) {
            Ok(_) => {
                let _ = std::fs::remove_file(&probe);
            }
            Err(e) => {
                return Err(format!(
                    "-o {}: cannot write in {}: {e}",
                    path.display(),
                    dir.display()
                ));
            }
        }
    }
    Ok(())
}

fn is_stdout(p: &Path) -> bool {
    p.as_os_str() == "-"
}

/// Writes the report: to standard output in `--output`'s format unless `-o` names only
/// files, then each `-o` file, the files before standard output (a closed pipe must not
/// keep the files from being written).
pub(crate) fn write(summary: &Summary, args: &ReportArgs) -> io::Result<()> {
    write_with(summary, None, args)
}

/// [`write`], with the Prometheus text rendered from `prometheus` when given (a `--state`
/// run's total, whose counters only grow: cumulative.rs).
pub(crate) fn write_with(
    summary: &Summary,
    prometheus: Option<&Summary>,
    args: &ReportArgs,
) -> io::Result<()> {
    let of = |f: Format| match (f, prometheus) {
        (Format::Prometheus, Some(p)) => p,
        _ => summary,
    };
    let now_s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    for path in args.output_files.iter().filter(|p| !is_stdout(p)) {
        // Checked before the run; a name changed since is said, not guessed at.
        let Some(format) = Format::of(path) else {
            let msg = format!("-o {}: unknown extension", path.display());
            return Err(io::Error::other(WriteFailed(msg)));
        };
        let failed = |e: io::Error, file: &Path| {
            let msg = format!("writing the report to {}: {e}", file.display());
            io::Error::new(e.kind(), WriteFailed(msg))
        };
        match format.render(of(format), now_s) {
            Rendered::One(text) => {
                replace_file(path, text.as_bytes()).map_err(|e| failed(e, path))?;
            }
            Rendered::Tables(files) => {
                // Each table's file is replaced atomically; the set is not (a reader sees
                // each file whole, old or new).
                std::fs::create_dir_all(path).map_err(|e| failed(e, path))?;
                for f in &files {
                    let file = path.join(&f.name);
                    replace_file(&file, f.text.as_bytes()).map_err(|e| failed(e, &file))?;
                }
            }
        }
    }
    let to_stdout = args.output_files.is_empty() || args.output_files.iter().any(|p| is_stdout(p));
    if to_stdout {
        let doc = of(Format::of_output(args.output));
        let text = stdout_document(doc, args, now_s, term::stdout_is_terminal());
        let mut out = term::stdout();
        out.write_all(text.as_bytes())?;
        out.flush()?;
    }
    Ok(())
}

/// The report as standard output gets it: `--output`'s format, styled when `--color`
/// says so (text only), and, on a terminal, with every control character but line feed
/// and tab escaped: Markdown, HTML and Prometheus carry log strings escaped for their own
/// readers, not for a terminal (`\x1b` is valid in a Prometheus label).
fn stdout_document(summary: &Summary, args: &ReportArgs, now_s: f64, terminal: bool) -> String {
    let format = Format::of_output(args.output);
    if format == Format::Text {
        let style = axlog_report::Style {
            color: term::color_wanted(args.color, terminal),
        };
        // The text report escapes what it shows already.
        return axlog_report::text_styled(summary, style);
    }
    // `--output` has no CSV: its tables are files.
    let text = match format.render(summary, now_s) {
        Rendered::One(text) => text,
        Rendered::Tables(_) => String::new(),
    };
    match terminal {
        true => axlog_report::terminal_safe_document(&text),
        false => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of(Path::new("a/r.md")), Some(Format::Markdown));
        assert_eq!(Format::of(Path::new("r.PROM")), Some(Format::Prometheus));
        assert_eq!(Format::of(Path::new("r.txt")), Some(Format::Text));
        assert_eq!(Format::of(Path::new("r.json")), Some(Format::Json));
        assert_eq!(Format::of(Path::new("r.html")), Some(Format::Html));
        assert_eq!(Format::of(Path::new("tables.csv")), Some(Format::Csv));
        assert_eq!(Format::of(Path::new("out/")), Some(Format::Csv));
        assert_eq!(Format::of(Path::new("r.xml")), None);
        assert_eq!(Format::of(Path::new("report")), None);
    }
}
