#!/usr/bin/env bash
# The whole test suite: formatting, lints, every crate's tests (unit, end-to-end, corpus
# conformance from ../shared/corpus), and the Parquet output read back by DuckDB, pyarrow
# and Spark (in a virtualenv this script makes under target/, from PyPI). Run from anywhere
# inside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

# The readers users query axlog's Parquet with. Spark runs on the JVM. Made before the
# Rust tests: the cron harness (crates/cli/tests/cron.rs) reads its rows with DuckDB too,
# and crates/cli/tests/outputs.rs parses the Prometheus textfile with prometheus_client
# and renders the Markdown with cmark-gfm (cmarkgfm); every JSON report the tests make is
# validated against docs/report.schema.json with jsonschema. The HTML report is opened in
# headless Chromium (crates/cli/tests/html.rs).
command -v java >/dev/null || {
    echo "Spark needs a Java runtime: apt-get install openjdk-17-jre-headless" >&2
    exit 1
}
chromium="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$chromium" ] || {
    echo "the HTML test needs Chromium: apt-get install chromium" >&2
    exit 1
}
venv=target/pyenv
if ! "$venv/bin/python" -c 'import duckdb, pyarrow, pyspark, prometheus_client, cmarkgfm, jsonschema' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        duckdb==2.0.1 pyarrow==26.0.1 pyspark==4.3.0 prometheus-client==0.26.0 cmarkgfm==2025.10.22 \
        jsonschema==4.26.0
fi
# axlog copies every JSON report (and --every line) the tests make into $reports
# (AXLOG_REPORT_DUMP, crates/cli/src/report_dump.rs): all are validated after the tests.
reports="$(mktemp -d)"
trap 'rm -rf "$reports"' EXIT
AXLOG_DUCKDB_PYTHON="$(pwd)/$venv/bin/python" AXLOG_OUTPUTS_PYTHON="$(pwd)/$venv/bin/python" \
    AXLOG_CHROMIUM="$chromium" AXLOG_REPORT_DUMP="$reports" cargo test --workspace --locked
"$venv/bin/python" scripts/validate_reports.py docs/report.schema.json "$reports"
cargo build --locked -p axlog-cli -p axlog-testgen
bin="$(cargo metadata --no-deps --format-version 1 |
    "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/debug"
work="$(mktemp -d)"
trap 'rm -rf "$reports" "$work"' EXIT
"$venv/bin/python" scripts/parquet_readers.py "$bin/axlog" "$bin/axlog-testgen" "$work"
