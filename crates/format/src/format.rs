//! [`Format`]: what an input is parsed as (a preset, a definition the user gave, a JSON
//! mapping, or one of those behind a syslog header), and the names reports give it. Which
//! parser reads each is in `parser.rs`.

use crate::preset::Preset;
use crate::{json, logformat};

/// What to parse an input as: a preset, or a definition the user gave.
#[derive(Debug, Clone)]
pub enum Format {
    Preset(Preset),
    /// An nginx `log_format` or Apache `LogFormat` given verbatim.
    Definition(std::sync::Arc<logformat::Definition>),
    /// JSON lines with a `--json-fields` mapping.
    Json(std::sync::Arc<json::JsonMapping>),
    /// A layout behind a syslog header (nginx's `access_log syslog:...`).
    Syslog(Box<Format>),
}

impl Format {
    /// A short name for reports: the preset's name, or `nginx log_format`.
    pub fn name(&self) -> &str {
        match self {
            Format::Preset(l) => l.name(),
            Format::Definition(f) => match f.dialect() {
                logformat::Dialect::Nginx => "nginx log_format",
                logformat::Dialect::Apache => "Apache LogFormat",
                logformat::Dialect::Haproxy => "HAProxy log-format",
            },
            Format::Json(_) => "JSON fields",
            Format::Syslog(inner) => inner.name(),
        }
    }

    pub fn definition(&self) -> &str {
        match self {
            Format::Preset(l) => l.definition(),
            Format::Definition(f) => f.definition(),
            Format::Json(f) => f.definition(),
            Format::Syslog(inner) => inner.definition(),
        }
    }

    /// Whether lines carry a syslog header before the layout.
    pub fn is_syslog(&self) -> bool {
        matches!(self, Format::Syslog(_))
    }

    /// The name reports show: [`Format::name`], saying so when a syslog header comes first.
    pub fn label(&self) -> String {
        match self {
            Format::Syslog(inner) => format!("{} behind syslog", inner.label()),
            f => f.name().to_string(),
        }
    }
}
