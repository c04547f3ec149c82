//! Differential: the hand-written parser and the compiled definition of the same layout
//! (nginx `combined`, the timed layout, Apache's combined) agree on any line, up to the
//! hand-written parser's documented leniencies. The oracle is shared with the normal suite
//! (crates/format/tests/oracle/combined.rs, run by tests/fuzz_regressions.rs), so what
//! this target finds is replayed there.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/format/tests/oracle/combined.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    if let Some((&pick, line)) = data.split_first() {
        oracle::check(pick, line);
    }
});
