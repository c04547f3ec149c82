//! The log formats as the command line names them: the format chosen by the arguments
//! (a preset, a definition, a JSON mapping, or an nginx configuration's `log_format`), and
//! the `formats` command that lists the presets.

use crate::args::FormatArgs;
use crate::term;
use anyhow::Context;
use axlog_format::logformat::Definition;
use axlog_format::{Format, Preset};
use std::io::Write;
use std::process::ExitCode;

impl FormatArgs {
    pub(crate) fn format(&self) -> anyhow::Result<Option<Format>> {
        if let Some(conf) = &self.nginx_conf {
            return format_from_nginx_conf(conf, self.log_format_name.as_deref()).map(Some);
        }
        if let Some(spec) = &self.json_fields {
            let f = axlog_format::json::JsonMapping::compile(spec)
                .map_err(|e| anyhow::anyhow!("--json-fields: {e}"))?;
            return Ok(Some(Format::Json(std::sync::Arc::new(f))));
        }
        if let Some(def) = &self.log_format {
            let f = Definition::compile_any(def).with_context(|| "--log-format".to_string())?;
            return Ok(Some(Format::Definition(std::sync::Arc::new(f))));
        }
        Ok(self.format.0.map(Format::Preset))
    }
}

/// The definition an nginx configuration logs with: `name` if given, else the one its
/// `access_log` directives name, else its only `log_format`.
fn format_from_nginx_conf(path: &std::path::Path, name: Option<&str>) -> anyhow::Result<Format> {
    use axlog_format::nginxconf::{Escape, access_log_formats, log_formats};
    let formats = log_formats(path)?;
    let wanted: String = match name {
        Some(n) => n.to_string(),
        None => {
            let mut used = access_log_formats(path)?;
            used.dedup();
            let mut distinct: Vec<String> = Vec::new();
            for u in used {
                if !distinct.contains(&u) {
                    distinct.push(u);
                }
            }
            match (distinct.as_slice(), formats.as_slice()) {
                ([one], _) => one.clone(),
                ([], [only]) => only.name.clone(),
                _ => {
                    let names: Vec<&str> = formats.iter().map(|f| f.name.as_str()).collect();
                    anyhow::bail!(
                        "{}: several log formats ({}); choose one with --log-format-name",
                        path.display(),
                        if distinct.is_empty() {
                            names.join(", ")
                        } else {
                            distinct.join(", ")
                        }
                    );
                }
            }
        }
    };
    match formats.iter().find(|f| f.name == wanted) {
        Some(f) => {
            let compiled = Definition::compile_nginx(&f.definition, f.escape == Escape::Json)
                .with_context(|| format!("log_format {} at {}", f.name, f.origin))?;
            Ok(Format::Definition(std::sync::Arc::new(compiled)))
        }
        // nginx predefines `combined`.
        None if wanted == "combined" => Ok(Format::Preset(Preset::NginxCombined)),
        None => {
            let names: Vec<&str> = formats.iter().map(|f| f.name.as_str()).collect();
            anyhow::bail!(
                "{}: no log_format named '{wanted}' (defined: {})",
                path.display(),
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )
        }
    }
}

/// `axlog formats`: each preset with its definition and aliases.
pub(crate) fn formats() -> anyhow::Result<ExitCode> {
    let mut out = term::stdout();
    for l in Preset::ALL {
        writeln!(out, "{:<22} {}", l.name(), l.definition())?;
        writeln!(out, "{:<22} (also: {})", "", l.aliases().join(", "))?;
    }
    writeln!(
        out,
        "\nAny other layout: --log-format (nginx, Apache or HAProxy syntax), --nginx-conf, \
         or --json-fields for JSON lines. Lines behind a syslog header are recognised."
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
