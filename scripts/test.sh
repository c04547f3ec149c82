#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every crate's tests (unit, end-to-end,
# corpus conformance from ../shared/corpus). Run from anywhere inside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
