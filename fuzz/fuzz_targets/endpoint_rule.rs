//! `--endpoint-rule REGEX=REPLACEMENT` and rules files: up to the first newline is one
//! rule, the rest a rules file and, line by line, paths the rules (with the built-in
//! ones) rewrite. A rule may be refused, never a panic.
#![no_main]

use axlog_endpoint::{Rule, Rules};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (spec, rest) = match data.iter().position(|&b| b == b'\n') {
        Some(p) => (&data[..p], &data[p + 1..]),
        None => (data, &b""[..]),
    };
    let Ok(spec) = std::str::from_utf8(spec) else {
        return;
    };
    let mut user = Vec::new();
    if let Ok(rule) = spec.parse::<Rule>() {
        user.push(rule);
    }
    if let Ok(text) = std::str::from_utf8(rest)
        && let Ok(more) = Rules::parse_file("fuzz.rules", text)
    {
        user.extend(more);
    }
    let rules = Rules::new(user, true);
    let mut out = Vec::new();
    let mut scratch = rules.scratch();
    for path in rest.split(|&b| b == b'\n') {
        out.clear();
        let _ = rules.apply_with(path, &mut out, &mut scratch);
    }
});
