//! Differential: `-j 1` and `-j 4` give the same summary for any input. The engine reads
//! sources by path or stdin only (no in-memory source), so the input is written to a
//! temporary file and read through `axlog_engine::run` twice. The first byte picks the
//! layout (detected, or a preset), the second the size of the chunks `-j 4` splits the
//! file into (16 to 4096 bytes: chunk boundaries fall anywhere, lines span chunks, and
//! the chunks' counts, samples and line numbers are put back in order).
#![no_main]

use axlog_engine::{Config, run};
use axlog_format::{Format, Preset};
use axlog_input::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [pick, size, text @ ..] = data else {
        return;
    };
    let pick = *pick;
    let chunk_bytes = 16 + *size as usize * 16;
    let layout = match pick as usize % (Preset::ALL.len() + 1) {
        0 => None,
        i => Some(Format::Preset(Preset::ALL[i - 1])),
    };
    let path = std::env::temp_dir().join(format!("axlog-fuzz-threads-{}.log", std::process::id()));
    std::fs::write(&path, text).expect("temp file");
    let sources = [Source::Path(path.clone())];
    let summary = |threads| {
        let cfg = Config {
            layout: layout.clone(),
            threads,
            chunk_bytes,
            ..Config::default()
        };
        format!("{:?}", run(&sources, &cfg, None).summary)
    };
    let one = summary(1);
    let four = summary(4);
    let _ = std::fs::remove_file(&path);
    assert_eq!(one, four, "-j 1 and -j 4 differ");
});
