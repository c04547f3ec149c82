//! The CSV renderer: one file a table.

use axlog_stats::Summary;

/// One CSV file of the report: its name in the output directory, and its text.
pub struct CsvFile {
    pub name: String,
    pub text: String,
}

/// The report's tables, a file each.
pub fn csv(s: &Summary) -> Vec<CsvFile> {
    vec![CsvFile {
        name: "summary.csv".to_string(),
        text: format!("requests,bytes_sent\n{},{}\n", s.requests, s.bytes_sent),
    }]
}
