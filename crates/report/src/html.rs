//! The HTML renderer: one self-contained page (styles, scripts and data inlined).
//! Everything that came from a log is escaped.

use axlog_stats::Summary;

/// The page.
pub fn html(s: &Summary) -> String {
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;")
    };
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>axlog report</title></head>\n<body><pre>{}</pre></body></html>\n",
        esc(&crate::text(s))
    )
}
