//! Generated logs as text (the `axlog_testgen` crate), and nginx-timed lines rewritten
//! as ingress-nginx's upstreaminfo with upstream lists the test chooses.

use axlog_testgen::{Config, Format, Limit};

/// The default generator settings with `format`, `lines` and `seed`.
pub fn config(format: Format, lines: u64, seed: u64) -> Config {
    Config {
        format,
        limit: Limit::Lines(lines),
        seed,
        ..Config::default()
    }
}

/// The log `config` generates, as text.
pub fn generated_with(config: Config) -> String {
    String::from_utf8_lossy(&axlog_testgen::generate(&config)).into_owned()
}

/// `lines` lines of `format` from `seed`, as text.
pub fn generated(format: Format, lines: u64, seed: u64) -> String {
    generated_with(config(format, lines, seed))
}

/// The upstream fields of one upstreaminfo line: addresses, lengths, times, statuses.
pub type Upstreams = (String, String, String, String);

/// nginx-timed lines rewritten as ingress-nginx's upstreaminfo: each well-formed line
/// `i` with status `STATUS` gets the upstream lists `upstreams(i, STATUS)`; other lines
/// stay as they are.
pub fn as_upstreaminfo(text: &str, upstreams: impl Fn(usize, &str) -> Upstreams) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let parts: Vec<&str> = line.split('"').collect();
        let tail: Vec<&str> = parts
            .last()
            .unwrap_or(&"")
            .trim_start()
            .split(' ')
            .collect();
        if parts.len() != 7 || tail.len() != 2 {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let head = &line[..line.len() - parts[6].len()];
        let (rt, status) = (tail[0], parts[2].split(' ').nth(1).unwrap_or("200"));
        let (addr, len, ut, us) = upstreams(i, status);
        out.push_str(&format!(
            "{head} 300 {rt} [default-api-80] [] {addr} {len} {ut} {us} req{i}\n"
        ));
    }
    out
}
