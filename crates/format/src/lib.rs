//! Access-log layouts and their line parsers.
//!
//! A [`Layout`] names a log layout; [`Layout::parser`] compiles it into a [`LineParser`]
//! that turns one line into a [`Record`] borrowing from the line. [`detect`] picks the
//! layout that fits the first lines of an input.

pub mod detect;
mod diagnose;
mod error;
pub mod fields;
mod format;
pub mod haproxy;
pub mod json;
pub mod jsonkeys;
mod layout;
pub mod logformat;
pub mod nginx;
pub mod nginxconf;
pub mod num;
mod parser;
pub mod record;
pub mod scan;
pub mod search;
pub mod servermsg;
pub mod switching;
mod syslog;
pub mod time;
mod tokens;
pub mod traefik;
pub mod unescape;

pub use detect::{DETECT_LINES, Detection, detect, with_syslog_if_it_fits};
pub use diagnose::{Candidate, Diagnosis, diagnose};
pub use error::ParseError;
pub use format::Format;
pub use layout::Layout;
pub use logformat::{HAPROXY_HTTPLOG, HAPROXY_TCPLOG};
pub use parser::LineParser;
pub use record::{Record, RequestParts, split_request};

#[cfg(test)]
mod tests;
