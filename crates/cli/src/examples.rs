//! The examples `--help` ends with: the commands a new user types first, each one real
//! (crates/cli/tests/help.rs runs them), each under 80 columns so that help wrapped to a
//! terminal never splits one.

/// `axlog --help`.
pub(crate) const AXLOG: &str = "Examples:
  axlog report /var/log/nginx/access.log
  axlog report access.log access.log.1 access.log.*.gz --by endpoint
  tail -F access.log | axlog report --every 1m
  axlog convert /var/log/nginx/ -o logs/
  axlog explain access.log
Each command's own --help has more.";

/// `axlog report --help`, before the exit codes.
pub(crate) const REPORT: &str = "Examples:
  axlog report access.log
  axlog report access.log access.log.*.gz --by endpoint --by status --bucket 1m
  axlog report access.log --output json
  axlog report access.log -o report.md -o axlog.prom
  axlog report --state web.state access.log --fail-if 'p99(request_time) > 1s'
  tail -F access.log | axlog report --every 1m";

/// `axlog report --help`'s closing text: the examples, then the exit codes.
pub(crate) fn report_after_help() -> String {
    format!("{REPORT}\n\n{}", crate::exit::HELP)
}

/// `axlog convert --help`.
pub(crate) const CONVERT: &str = "Examples:
  axlog convert /var/log/nginx/ -o logs/
  axlog convert --state parquet.state access.log -o parquet/";

/// `axlog explain --help`.
pub(crate) const EXPLAIN: &str = "Examples:
  axlog explain access.log
  axlog explain --format nginx-timed access.log";
