//! `axlog explain`: how the first lines of a log are split into fields and parsed, to
//! check a format in seconds.

use crate::args::ExplainArgs;
use crate::{exit, first_lines, term};
use axlog_format::Format;
use axlog_format::logformat::Definition;
use axlog_input::Source;
use std::io::Write;
use std::process::ExitCode;

/// Shows the layout (given or detected) and each of the first lines as parsed.
pub(crate) fn explain(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    // A bad definition is a usage error whatever the input.
    let given = args.format.format()?;
    let source = Source::from_arg(args.file.as_deref().unwrap_or("-"));
    let name = axlog_report::terminal_safe(&source.name());
    // An input that cannot be read exits 1, as it does for `report`.
    let reader = match source.open() {
        Ok(r) => r,
        Err(e) => {
            term::warn(e);
            return Ok(ExitCode::from(exit::FAILED));
        }
    };
    let want = args.lines.max(axlog_format::DETECT_LINES);
    let (lines, overlong): (Vec<Vec<u8>>, Vec<bool>) =
        match first_lines::read(reader, source.name(), want) {
            Ok(lines) => lines.into_iter().map(|l| (l.bytes, l.overlong)).unzip(),
            Err(e) => {
                term::warn(e);
                return Ok(ExitCode::from(exit::FAILED));
            }
        };
    let mut note = None;
    let (format, how) = match given {
        Some(f) => (f, "given"),
        None => {
            let sample = lines.join(&b'\n');
            match axlog_format::detect(&sample) {
                Some(d) => {
                    note = d.note.clone();
                    (d.format(), "detected")
                }
                // Nothing to show is no failure, as for `report`.
                None if lines.is_empty() => {
                    writeln!(term::stdout(), "{name}: the input is empty")?;
                    return Ok(ExitCode::SUCCESS);
                }
                None => {
                    if let Some(why) = axlog_format::diagnose(&sample) {
                        let why = axlog_report::terminal_safe_lines(&why.to_string());
                        writeln!(term::stdout(), "{name}: {why}")?;
                    }
                    term::warn(format_args!("{name}: no known layout fits its first lines"));
                    return Ok(ExitCode::from(exit::UNPARSED));
                }
            }
        }
    };
    let mut out = term::stdout();
    // A definition and its name can come from a server's configuration.
    writeln!(
        out,
        "layout {} ({how}): {}",
        axlog_report::terminal_safe(format.name()),
        axlog_report::terminal_safe(format.definition())
    )?;
    if let Some(note) = note {
        writeln!(out, "note: {}", axlog_report::terminal_safe(&note))?;
    }
    // Every text preset is a definition too, which names each field; JSON names its own.
    let fields = match &format {
        Format::Json(_) | Format::Syslog(_) => None,
        Format::Preset(l) if !l.is_log_format() => None,
        _ => Some(Definition::compile_any(format.definition())?),
    };
    let mut parser = format.parser();
    parser.set_zone(&args.format.tz);
    let show = |b: &[u8]| axlog_report::terminal_safe(&String::from_utf8_lossy(b));
    // Lines the layout fits (a server message fits too): none is `report`'s exit 6.
    let mut fitted = 0;
    for (i, line) in lines.iter().take(args.lines).enumerate() {
        writeln!(out, "\n{name}:{}", i + 1)?;
        if overlong[i] {
            // As `report` counts it; its first bytes are enough to recognise it.
            let head = &line[..line.len().min(300)];
            let e = axlog_format::ParseError::TooLong;
            writeln!(out, "  malformed: {e}\n  {}…", show(head))?;
            continue;
        }
        let parsed = parser.parse(line);
        if matches!(parsed, Ok(_) | Err(axlog_format::ParseError::NotAccess)) {
            fitted += 1;
        }
        match parsed {
            Ok(r) => {
                if let Some(Ok(values)) = fields.as_ref().map(|f| f.split(line)) {
                    for (k, v) in values {
                        let k = axlog_report::terminal_safe(k);
                        writeln!(out, "  {k:<28} {}", show(v))?;
                    }
                }
                let time = axlog_stats::timefmt::format_rfc3339(r.ts_us, Some(r.utc_offset_min));
                let opt = |v: Option<u64>| v.map_or("-".to_string(), |v| v.to_string());
                writeln!(
                    out,
                    "  => time {time}  status {}  path {}  bytes {}  request_time_us {}  upstream_time_us {}",
                    r.status,
                    r.path().map_or("-".to_string(), show),
                    opt(r.bytes_sent),
                    opt(r.request_time_us),
                    opt(r.upstream_time_us)
                )?;
                // The typed fields a layout may add beyond the common ones.
                let num = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
                let haproxy = r.haproxy.map_or(String::new(), |h| {
                    format!(
                        "{} {}/{} TR {} Tw {} Tc {} Tr {} Ta {} {}",
                        show(h.frontend),
                        show(h.backend),
                        show(h.server),
                        opt(h.tr_us),
                        opt(h.tw_us),
                        opt(h.tc_us),
                        opt(h.tresp_us),
                        opt(h.ta_us),
                        show(h.termination_state)
                    )
                });
                let extras: [(&str, String); 12] = [
                    ("host", show(r.host)),
                    ("protocol", show(r.protocol)),
                    ("request_length", num(r.request_length)),
                    ("response_bytes", num(r.response_bytes)),
                    ("upstream_addr", show(r.upstream_addr)),
                    ("upstream_status", show(r.upstream_status)),
                    ("upstream_connect_us", num(r.upstream_connect_us)),
                    ("upstream_header_us", num(r.upstream_header_us)),
                    ("cache_status", show(r.cache_status)),
                    ("tls", show(r.tls_protocol)),
                    ("x_forwarded_for", show(r.x_forwarded_for)),
                    ("haproxy", haproxy),
                ];
                let set: Vec<String> = extras
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect();
                if !set.is_empty() {
                    writeln!(out, "     {}", set.join("  "))?;
                }
            }
            Err(e) => writeln!(out, "  malformed: {e}\n  {}", show(line))?,
        }
    }
    out.flush()?;
    if fitted == 0 && !lines.is_empty() {
        term::warn(format_args!(
            "{name}: no line parsed: none of the lines shown fits {}",
            axlog_report::terminal_safe(format.name())
        ));
        return Ok(ExitCode::from(exit::UNPARSED));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use axlog_format::fields::FIELDS;

    /// The labels of the typed fields `explain` prints (`("host", show(r.host))`), read
    /// from this file's source: each must name a `Record` field of the one list, or be
    /// the start of one (`tls` for `tls_protocol`), so a renamed field is renamed here too.
    #[test]
    fn typed_field_labels_come_from_the_field_list() {
        let src = include_str!("explain.rs");
        let Some(start) = src.find("let extras: [(&str, String);") else {
            panic!("explain.rs no longer lists its typed fields");
        };
        let list = &src[start..];
        let list = &list[..list.find("];").unwrap_or(list.len())];
        let labels: Vec<&str> = list
            .lines()
            .filter_map(|l| l.trim().strip_prefix("(\""))
            .filter_map(|l| l.split('"').next())
            .collect();
        assert_eq!(labels.len(), 12, "read {labels:?}");
        for label in labels {
            assert!(
                FIELDS
                    .iter()
                    .any(|f| f.name == label || f.name.starts_with(&format!("{label}_"))),
                "explain prints `{label}`, which names no field of FIELDS"
            );
        }
    }
}
