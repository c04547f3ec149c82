//! Renders a finished [`Summary`] for people (terminal text, Markdown) and programs (JSON,
//! Prometheus textfile), and the live `--every` lines. One file a renderer, as ripgrep's
//! printers are: a new output format is one more module here. Rendering never fails on content: everything that
//! came from a log is escaped.
//!
//! [`Summary`]: axlog_stats::Summary

#[cfg(test)]
mod alerting_tests;
mod anomalies;
mod attempts;
mod breakdowns;
mod csv;
mod escape;
mod fmt;
mod html;
mod json;
mod latencies;
mod live;
mod markdown;
mod overview;
mod prometheus;
mod series;
mod style;
mod table;
mod text;
mod thresholds;
mod tiers;

pub use csv::{CsvFile, csv};
pub use escape::{acts_on_terminal, terminal_safe, terminal_safe_document, terminal_safe_lines};
pub use fmt::{bytes, display_width, duration, ellipsize, seconds, shorten_middle, thousands};
pub use html::html;
pub use json::{json, json_safe};
pub use live::{no_requests_json, no_requests_line, window_json, window_line};
pub use markdown::markdown;
pub use prometheus::prometheus;
pub use style::Style;
pub use text::{text, text_styled};
