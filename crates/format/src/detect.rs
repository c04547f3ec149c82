//! Layout detection: which layout reads the first lines of an input best.
//!
//! Every candidate (each preset, behind a syslog header or not, and JSON keys mapped by
//! name) parses the sample; the one that reads the most fields over all lines wins, so a
//! few odd lines do not make a poorer layout win (a timed file stays timed), and a layout
//! that reads fewer fields of every line (combined on timed lines) loses. A layout under
//! which no line has a status is no fit (JSON lines read with another server's keys).

use crate::error::ParseError;
use crate::format::Format;
use crate::parser::LineParser;
use crate::preset::Preset;
use crate::record::Record;
use crate::{jsonkeys, logformat, servermsg};
use std::sync::Arc;

/// The outcome of layout detection.
#[derive(Debug, Clone)]
pub struct Detection {
    format: Format,
    /// Lines examined (non-empty) and how many of them the chosen layout parsed.
    pub examined: usize,
    pub parsed: usize,
    /// What the report should say about the choice: the keys a JSON mapping took, or
    /// fields found after the layout's.
    pub note: Option<String>,
}

impl PartialEq for Detection {
    fn eq(&self, other: &Self) -> bool {
        (self.format.label(), self.format.definition(), self.examined)
            == (
                other.format.label(),
                other.format.definition(),
                other.examined,
            )
            && (self.parsed, &self.note) == (other.parsed, &other.note)
    }
}

impl Eq for Detection {}

impl Detection {
    /// The format to parse with.
    pub fn format(&self) -> Format {
        self.format.clone()
    }

    /// The preset chosen; `None` for JSON keys mapped by name.
    pub fn layout(&self) -> Option<Preset> {
        match &self.format {
            Format::Preset(l) => Some(*l),
            Format::Syslog(inner) => match **inner {
                Format::Preset(l) => Some(l),
                _ => None,
            },
            _ => None,
        }
    }

    /// The lines carry a syslog header before the layout (nginx's `access_log syslog:`).
    pub fn syslog(&self) -> bool {
        self.format.is_syslog()
    }
}

/// What a candidate made of the sample.
#[derive(Default, Clone, Copy)]
struct Tally {
    parsed: usize,
    /// Server notices the layout itself recognises (HAProxy's), not klog lines.
    notices: usize,
    /// Fields read, summed over the parsed lines.
    fields: usize,
    with_status: usize,
}

/// The fields a record holds: each text field present and each number logged.
fn fields_of(r: &Record) -> usize {
    let text = [
        r.remote_addr,
        r.remote_user,
        r.request,
        r.method,
        r.uri,
        r.referer,
        r.user_agent,
        r.protocol,
        r.query,
        r.host,
        r.scheme,
        r.x_forwarded_for,
        r.upstream_addr,
        r.upstream_status,
        r.upstream_response_length,
        r.cache_status,
        r.tls_protocol,
        r.tls_cipher,
    ];
    let numbers = [
        r.bytes_sent,
        r.request_length,
        r.response_bytes,
        r.upstream_connect_us,
        r.upstream_header_us,
        r.connection,
        r.request_time_us,
        r.upstream_time_us,
    ];
    // The time, always; HAProxy's own fields (frontend, backend/server, timers) as five.
    1 + text.iter().filter(|t| !t.is_empty()).count()
        + numbers.iter().filter(|n| n.is_some()).count()
        + usize::from(r.status != 0)
        + usize::from(r.server_port.is_some())
        + usize::from(r.extras_len)
        + if r.haproxy.is_some() { 5 } else { 0 }
}

fn tally(p: &mut LineParser, lines: &[&[u8]]) -> Tally {
    let mut t = Tally::default();
    for l in lines {
        match p.parse(l) {
            Ok(r) => {
                t.parsed += 1;
                t.fields += fields_of(&r);
                t.with_status += usize::from(r.status != 0);
            }
            Err(ParseError::NotAccess) if !servermsg::is_server_message(l) => t.notices += 1,
            Err(_) => {}
        }
    }
    t
}

/// Picks the layout that reads the most fields of the first [`DETECT_LINES`]
/// non-empty lines of `sample` (whole lines, `\n`-separated). Ties go to the more
/// specific layout (timed before combined). `None` when no layout reads any line.
pub fn detect(sample: &[u8]) -> Option<Detection> {
    let lines = sample_lines(sample);
    // HAProxy (which reads its own syslog header), each other layout behind a syslog
    // header, then as written. The order breaks ties: the combined family parses a line
    // with a syslog header too, taking the header for part of the client address, and
    // parses HAProxy's CLF lines too, losing HAProxy's fields.
    let presets = Preset::ALL.into_iter().filter(|&l| l != Preset::Haproxy);
    let mut candidates: Vec<Format> = std::iter::once(Format::Preset(Preset::Haproxy))
        .chain(
            presets
                .clone()
                .map(|l| Format::Syslog(Box::new(Format::Preset(l)))),
        )
        .chain(presets.map(Format::Preset))
        .collect();
    // JSON lines whose keys no preset knows: mapped by their names, after the presets.
    let mut json_spec = None;
    if let Some(Ok(f)) = jsonkeys::mapping(&lines) {
        json_spec = Some(f.definition().to_string());
        candidates.push(Format::Json(Arc::new(f)));
    }
    let mut best: Option<(Format, Tally)> = None;
    for format in candidates {
        let t = tally(&mut format.parser(), &lines);
        // HAProxy's tcplog has no status; a stream of HAProxy notices alone still names
        // its server.
        let haproxy = matches!(format, Format::Preset(Preset::Haproxy));
        let fits = (t.parsed > 0 && (t.with_status > 0 || haproxy)) || t.notices > 0;
        let score = |t: &Tally| (t.fields, t.parsed, t.notices);
        if fits && best.as_ref().is_none_or(|b| score(&t) > score(&b.1)) {
            best = Some((format, t));
        }
    }
    let (format, t) = best?;
    let note = match &format {
        Format::Json(f) if Some(f.definition()) == json_spec.as_deref() => Some(format!(
            "JSON keys mapped by their names: {}; give --json-fields to map them otherwise",
            f.definition()
        )),
        _ => trailing_note(&format, &lines),
    };
    Some(Detection {
        format,
        examined: lines.len(),
        parsed: t.parsed,
        note,
    })
}

/// For `combined`, which reads a line whatever follows its user agent: how many lines
/// carry more fields after it, with one, and a `--log-format` that names them.
fn trailing_note(format: &Format, lines: &[&[u8]]) -> Option<String> {
    let base = match format {
        Format::Syslog(inner) => inner,
        f => f,
    };
    if !matches!(base, Format::Preset(Preset::NginxCombined)) {
        return None;
    }
    let mut p = format.parser();
    let mut count = 0;
    let mut example: Option<(&[u8], &[u8])> = None;
    for line in lines {
        let Ok(r) = p.parse(line) else { continue };
        let Some(rest) = after_user_agent(&r, line) else {
            continue;
        };
        count += 1;
        example.get_or_insert((line, rest));
    }
    let (line, rest) = example?;
    let shown = String::from_utf8_lossy(rest.trim_ascii());
    let how = match suggest_suffix(rest).filter(|def| reads(def, line)) {
        Some(def) => format!("name them with --log-format '{def}' (the names are guesses)"),
        None => "name them with --log-format and the server's whole log_format".to_string(),
    };
    Some(format!(
        "{count} of the first {} lines have fields after nginx-combined's, e.g. `{shown}`, \
         which are not read: {how}",
        lines.len()
    ))
}

/// The text after the user agent's closing quote, when there is any.
fn after_user_agent<'a>(r: &Record<'a>, line: &'a [u8]) -> Option<&'a [u8]> {
    let ua = r.user_agent;
    let end = (ua.as_ptr() as usize).checked_sub(line.as_ptr() as usize)? + ua.len() + 1;
    let rest = line.get(end..)?;
    (line.get(end - 1) == Some(&b'"') && !rest.trim_ascii().is_empty()).then_some(rest)
}

/// Whether `combined` followed by `suffix` reads `line`.
fn reads(suffix: &str, line: &[u8]) -> bool {
    logformat::Definition::compile(suffix)
        .map(|f| LineParser::for_log_format(&f).parse(line).is_ok())
        .unwrap_or(false)
}

/// A whole nginx definition for a `combined` line followed by `rest`: quoted values and
/// bare words become variables, named after the usual ones (`"$http_x_forwarded_for"`,
/// `$request_time`, `$upstream_response_time`), the text between them kept.
fn suggest_suffix(rest: &[u8]) -> Option<String> {
    let rest = std::str::from_utf8(rest).ok()?;
    if rest.contains(['\'', '$', '\\']) {
        return None;
    }
    let mut def = Preset::NginxCombined.definition().to_string();
    let (mut quoted, mut timings, mut others) = (0, 0, 0);
    let mut s = rest;
    while let Some(c) = s.chars().next() {
        if c == '"' {
            let close = s[1..].find('"')? + 1;
            quoted += 1;
            match quoted {
                1 => def.push_str("\"$http_x_forwarded_for\""),
                n => def.push_str(&format!("\"$quoted_{n}\"")),
            }
            s = &s[close + 1..];
        } else if " \t|,;[]:".contains(c) {
            def.push(c);
            s = &s[c.len_utf8()..];
        } else {
            let end = s
                .find([' ', '\t', '|', ',', ';', '[', ']', '"'])
                .unwrap_or(s.len());
            let word = &s[..end];
            let timing = word == "-"
                || (word.contains('.') && word.chars().all(|c| c.is_ascii_digit() || c == '.'));
            if timing && timings < 2 {
                timings += 1;
                def.push_str(match timings {
                    1 => "$request_time",
                    _ => "$upstream_response_time",
                });
            } else {
                others += 1;
                def.push_str(&format!("$field_{others}"));
            }
            s = &s[end..];
        }
    }
    Some(def)
}

/// How many lines [`detect`] looks at.
pub const DETECT_LINES: usize = 200;

/// The first [`DETECT_LINES`] non-empty lines of `sample`, without line terminators.
pub(crate) fn sample_lines(sample: &[u8]) -> Vec<&[u8]> {
    sample
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.is_empty())
        .take(DETECT_LINES)
        .collect()
}

/// `format`, or `format` behind a syslog header when that parses as many of `sample`'s
/// first lines: a layout the user gives may come through syslog (nginx's `access_log
/// syslog:`).
pub fn with_syslog_if_it_fits(format: Format, sample: &[u8]) -> Format {
    // HAProxy's layouts read their own syslog header.
    let reads_header = match &format {
        Format::Preset(Preset::Haproxy) | Format::Syslog(_) => true,
        Format::Definition(f) => f.dialect() == logformat::Dialect::Haproxy,
        _ => false,
    };
    if reads_header {
        return format;
    }
    let lines = sample_lines(sample);
    let count = |p: &mut LineParser| lines.iter().filter(|l| p.parse(l).is_ok()).count();
    let plain = count(&mut format.parser());
    let wrapped = Format::Syslog(Box::new(format));
    // On a tie the header is real: a layout starting with a loose field (`$remote_addr`)
    // would otherwise swallow it.
    let with_header = count(&mut wrapped.parser());
    if with_header > 0 && with_header >= plain {
        return wrapped;
    }
    match wrapped {
        Format::Syslog(inner) => *inner,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: &str = r#"9.8.7.6 - - [01/Feb/2025:01:02:03 +0000] "GET /q HTTP/1.1" 404 0 "-" "x""#;

    #[test]
    fn fields_decide_over_a_few_odd_lines() {
        // Ten timed lines, one of them with one more field: timed reads nine of them with
        // two more fields each than combined reads of all ten.
        let mut s = String::new();
        for i in 0..10 {
            s.push_str(&format!("{C} 0.00{i} 0.001"));
            if i == 4 {
                s.push_str(" more");
            }
            s.push('\n');
        }
        let d = detect(s.as_bytes()).unwrap();
        assert_eq!((d.layout(), d.parsed), (Some(Preset::NginxTimed), 9));
        // One timed line among combined ones does not make the file timed.
        let s = format!("{C}\n{C}\n{C}\n{C} 0.1 0.1\n");
        let d = detect(s.as_bytes()).unwrap();
        assert_eq!((d.layout(), d.parsed), (Some(Preset::NginxCombined), 4));
    }

    #[test]
    fn trailing_fields_are_noted_with_a_definition() {
        let s = format!("{C} 7 0.5|-\n{C}\n");
        let d = detect(s.as_bytes()).unwrap();
        assert_eq!(d.layout(), Some(Preset::NginxCombined));
        let note = d.note.unwrap();
        assert!(note.starts_with("1 of the first 2 lines"), "{note}");
        assert!(note.contains("`7 0.5|-`"), "{note}");
        assert!(
            note.contains(r#""$http_user_agent" $field_1 $request_time|$upstream_response_time'"#),
            "{note}"
        );
        // Nothing after the user agent: nothing to say.
        assert_eq!(detect(format!("{C}\n").as_bytes()).unwrap().note, None);
    }

    #[test]
    fn a_layout_without_any_status_is_no_fit() {
        // Traefik's mapping reads `time` but no status of these lines.
        let d =
            detect(br#"{"time":"2025-02-01T01:02:03Z","status":"201","request":"GET / HTTP/1.1"}"#);
        assert_eq!(d.unwrap().layout(), Some(Preset::NginxJson));
        assert_eq!(detect(br#"{"time":"2025-02-01T01:02:03Z","x":1}"#), None);
    }
}
