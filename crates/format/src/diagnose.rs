//! [`diagnose`]: why no preset fits an input, each preset ranked by how far it got.

use crate::detect::sample_lines;
use crate::error::ParseError;
use crate::preset::Preset;
use crate::{jsonkeys, logformat};
use std::fmt;

/// Why no preset fits an input: its first non-empty line, and each preset with how many of
/// the first lines it parsed and how far it got on that line, closest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub sample: Vec<u8>,
    pub candidates: Vec<Candidate>,
    /// For JSON lines: the `--json-fields` to write (the presets are beside the point).
    pub json_hint: Option<String>,
}

/// One preset's attempt at an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub layout: Preset,
    /// Lines of the sample it parsed.
    pub parsed: usize,
    /// Fields of the first line it read before one did not fit, out of `fields`.
    pub fields_ok: usize,
    pub fields: usize,
    /// The field that did not fit and why (`None` if the first line parsed).
    pub failed_at: Option<(String, ParseError)>,
}

/// Explains why [`crate::detect()`] found nothing in `sample`; `None` when the sample has no
/// non-empty line.
pub fn diagnose(sample: &[u8]) -> Option<Diagnosis> {
    let lines = sample_lines(sample);
    let first = *lines.first()?;
    let mut candidates: Vec<Candidate> = Preset::ALL
        .iter()
        .filter_map(|&l| {
            let mut p = l.parser();
            let parsed = lines.iter().filter(|x| p.parse(x).is_ok()).count();
            // Every text preset is also a definition, which can tell how far a line got.
            if !l.is_log_format() {
                return None;
            }
            let f = logformat::Definition::compile_any(l.definition()).ok()?;
            let (fields_ok, failed) = f.progress(first);
            Some(Candidate {
                layout: l,
                parsed,
                fields_ok,
                fields: f.len(),
                failed_at: failed.map(|(n, e)| (n.to_string(), e)),
            })
        })
        .collect();
    // Most lines parsed, then furthest into the first line (as a share of its fields);
    // stable, so equally close presets keep their specific-first order.
    candidates.sort_by(|a, b| {
        b.parsed
            .cmp(&a.parsed)
            .then_with(|| (b.fields_ok * a.fields.max(1)).cmp(&(a.fields_ok * b.fields.max(1))))
    });
    Some(Diagnosis {
        sample: first.to_vec(),
        candidates,
        json_hint: jsonkeys::mapping(&lines).and_then(Result::err),
    })
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sample = String::new();
        for c in String::from_utf8_lossy(&self.sample).chars().take(200) {
            // One line of plain text: control bytes from the log are not passed on, but
            // written as everywhere else on a terminal (`\x1B`; C1 as `\u{9B}`).
            if c.is_control() {
                use fmt::Write;
                let _ = match u32::from(c) {
                    n @ 0..0x80 => write!(sample, "\\x{n:02X}"),
                    n => write!(sample, "\\u{{{n:X}}}"),
                };
            } else {
                sample.push(c);
            }
        }
        write!(f, "no known layout fits; first line: {sample}")?;
        if let Some(hint) = &self.json_hint {
            return write!(f, "\n  {hint}");
        }
        write!(f, "\n  closest presets:")?;
        for c in self.candidates.iter().take(3) {
            write!(f, "\n    {} ({} lines parsed", c.layout.name(), c.parsed)?;
            match &c.failed_at {
                Some((field, err)) => write!(
                    f,
                    "; first line: {} of {} fields fit, then {field}: {err})",
                    c.fields_ok, c.fields
                )?,
                None => write!(f, ")")?,
            }
        }
        write!(f, "\n  give the server's own definition with --log-format")
    }
}
