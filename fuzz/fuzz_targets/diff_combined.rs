//! Differential: the hand-written parser and the compiled definition of the same layout
//! give the same record (or both reject) for any line. Pairs: nginx `combined`, the timed
//! layout (`combined` + `$request_time $upstream_response_time`), and Apache's combined
//! (which `--log-format` routes to the hand-written parser).
#![no_main]

use axlog_format::logformat::Definition;
use axlog_format::{LineParser, Preset, TimeLocalCache};
use libfuzzer_sys::fuzz_target;

const APACHE_COMBINED: &str = r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, line)) = data.split_first() else {
        return;
    };
    let (hand, definition) = match pick % 3 {
        0 => (Preset::NginxCombined, Preset::NginxCombined.definition()),
        1 => (Preset::NginxTimed, Preset::NginxTimed.definition()),
        _ => (Preset::NginxCombined, APACHE_COMBINED),
    };
    let def = Definition::compile_any(definition).expect("a constant definition compiles");
    let mut compiled = LineParser::Compiled(Box::new((def, TimeLocalCache::default())));
    let mut hand = hand.parser();
    let a = hand.parse(line);
    let b = compiled.parse(line);
    match (a, b) {
        (Ok(a), Ok(b)) => assert_eq!(
            a,
            b,
            "records differ for {:?}",
            String::from_utf8_lossy(line)
        ),
        (Err(_), Err(_)) => {}
        (a, b) => panic!(
            "one route rejects {:?}: hand {:?}, compiled {:?}",
            String::from_utf8_lossy(line),
            a.is_ok(),
            b.is_ok()
        ),
    }
});
