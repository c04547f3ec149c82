#!/usr/bin/env bash
# Runs, under Miri (the nightly toolchain's interpreter that checks undefined behaviour),
# the unit tests of the modules that hold `unsafe` (issue 21):
#   crates/format/src/scan.rs      SSE2 compares of a line's 16-byte blocks
#   crates/stats/src/table/mod.rs  the prefetch hint of the path table
# crates/engine/src/signal.rs calls libc's signal functions (FFI), which Miri cannot run:
# it is not included. Needs `rustup +nightly component add miri rust-src`.
# `scripts/miri.sh` runs both; extra arguments go to `cargo miri test` (e.g. a test name).
set -euo pipefail
cd "$(dirname "$0")/.."

# Isolation off is not needed: the tests read no files and no clock.
cargo +nightly miri test -p axlog-format --lib scan::tests:: "$@"
# Two tests are left to the normal suite: `default_cap_on_key_bytes` hashes 40 MB of keys
# (5,000 of 8 KiB) to fill the 32 MiB cap, and `a_table_grows_past_its_presize` adds
# 105,000 keys: each takes hours under Miri, for code the other tests run at small sizes
# (`byte_cap_through_chunk_merges` the byte cap, `index_grows_and_resolves_shared_positions`
# the index's growth).
cargo +nightly miri test -p axlog-stats --lib table::tests:: "$@" -- \
    --skip default_cap_on_key_bytes --skip a_table_grows_past_its_presize
