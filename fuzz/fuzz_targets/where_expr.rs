//! The `--where` expression parser on any string: an expression or an error message
//! pointing into it, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    match axlog_engine::filter::parse(s) {
        Ok(e) => {
            let _ = e.fields();
            let _ = format!("{e:?}");
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
