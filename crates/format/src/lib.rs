//! Access-log layouts and their line parsers.
//!
//! A [`Format`] (a [`Preset`], a compiled definition, a JSON mapping) compiles into a
//! [`LineParser`] that turns one line into a [`Record`] borrowing from the line.
//! [`detect()`] picks the preset that fits the first lines of an input.
//!
//! Names, each in one meaning (code, flags and docs):
//! - *layout*: the shape of a server's log lines, which fields in which order with what
//!   text between them (a word, not a type).
//! - *preset* ([`Preset`]): a layout axlog knows by name (`nginx-timed`, `haproxy`); the
//!   `--format` flag picks one, `axlog formats` lists them.
//! - *definition*: a layout written in a server's own syntax, given with `--log-format`
//!   or read from `--nginx-conf`.
//! - *dialect* ([`logformat::Dialect`]): whose syntax a definition is in: nginx
//!   `log_format`, Apache `LogFormat` or HAProxy `log-format`.
//! - *compiled definition* ([`logformat::Definition`]): a definition compiled into fields.
//! - *JSON mapping* ([`json::JsonMapping`]): which JSON key holds which field
//!   (`--json-fields`, the JSON presets).
//! - *format* ([`Format`]): what an input is parsed as: a preset, a compiled definition
//!   or a JSON mapping, perhaps behind a syslog header.
//! - *parser* ([`LineParser`], [`Parse`]): a format made ready to read lines.
//! - *input parser* ([`InputParser`]): what one input is read with: a parser, or for a
//!   detected layout one that switches to another layout where the input does.
//!
//! How a report or a rejects file is written is its *output*, not a format.

pub mod detect;
mod diagnose;
mod error;
mod extended;
pub mod fields;
mod format;
pub mod haproxy;
mod input_parser;
pub mod json;
mod jsonkeys;
pub mod logformat;
pub mod nginx;
pub mod nginxconf;
mod num;
mod parse;
mod parser;
mod preset;
pub mod record;
mod scan;
mod search;
pub mod servermsg;
pub mod switching;
mod syslog;
mod time;
mod tokens;
pub mod traefik;
mod unescape;
pub mod useragent;
mod zone;

pub use detect::{DETECT_LINES, Detection, detect, with_syslog_if_it_fits};
pub use diagnose::{Candidate, Diagnosis, diagnose};
pub use error::ParseError;
pub use fields::Fields;
pub use format::Format;
pub use input_parser::InputParser;
pub use logformat::{HAPROXY_HTTPLOG, HAPROXY_TCPLOG};
pub use parse::Parse;
pub use parser::LineParser;
pub use preset::Preset;
pub use record::{HaproxyFields, Record, RequestParts, split_request};
pub use time::{TimeLocalCache, parse_iso8601};
pub use unescape::Escaping;
pub use zone::Zone;

#[cfg(test)]
mod tests;
