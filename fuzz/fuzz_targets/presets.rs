//! Every preset's line parser on any line: the first byte picks the preset (and whether
//! the line is parsed once or twice, the second time with a warm timestamp cache), the
//! rest is the line. A parser may reject a line, never panic on it.
#![no_main]

use axlog_format::Preset;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, line)) = data.split_first() else {
        return;
    };
    let preset = Preset::ALL[pick as usize % Preset::ALL.len()];
    let mut parser = preset.parser();
    let first = parser.parse(line).map(|r| format!("{r:?}")).ok();
    // The same line again goes through the parser's per-second cache: same answer.
    let again = parser.parse(line).map(|r| format!("{r:?}")).ok();
    assert_eq!(first, again, "{preset:?} parsed one line two ways");
});
