//! The `--fail-if` expression parser on any string: an expression or the message that
//! points at the failing column, never a panic. The parser lives in the binary crate
//! (crates/cli/src/failif/parse.rs, which needs only axlog-stats): it is compiled in here
//! from its source file rather than moved to a library for the fuzzer's sake.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code, unused_imports)]
#[path = "../../crates/cli/src/failif/parse.rs"]
mod parse;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    match parse::parse(s) {
        Ok(e) => {
            let _ = format!("{e:?}");
        }
        Err(e) => {
            let _ = e.render(s);
        }
    }
});
