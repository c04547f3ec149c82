//! Access-log layouts and their line parsers.
//!
//! A [`Layout`] names a log layout; [`Layout::parser`] compiles it into a [`LineParser`]
//! that turns one line into a [`Record`] borrowing from the line. [`detect`] picks the
//! layout that fits the first lines of an input.

pub mod detect;
mod diagnose;
mod error;
mod extended;
pub mod fields;
mod format;
pub mod haproxy;
pub mod json;
mod jsonkeys;
mod layout;
pub mod logformat;
pub mod nginx;
pub mod nginxconf;
mod num;
mod parse;
mod parser;
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

pub use detect::{DETECT_LINES, Detection, detect, with_syslog_if_it_fits};
pub use diagnose::{Candidate, Diagnosis, diagnose};
pub use error::ParseError;
pub use format::Format;
pub use layout::Layout;
pub use logformat::{HAPROXY_HTTPLOG, HAPROXY_TCPLOG};
pub use parse::Parse;
pub use parser::LineParser;
pub use record::{HaproxyFields, Record, RequestParts, split_request};
pub use time::{TimeLocalCache, parse_iso8601};
pub use unescape::Escaping;

#[cfg(test)]
mod tests;
