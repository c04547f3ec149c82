//! One thread and four give the same summary wherever the chunks end (the `diff_threads`
//! fuzz target's property, replayed here). Found by it: a detected layout gives way to
//! another for a block of lines, judged from the lines after a failing one up to its
//! chunk's end; `-j 1` read a file in blocks as read and `-j 4` in chunks at fixed
//! offsets, so a failing line at a chunk's end was decided apart. A file is now split
//! the same way for every thread count.

use axlog_engine::{Config, run};
use axlog_input::Source;

/// `n` nginx-timed requests, each fourth line of another shape: a `combined` line (no
/// timings, which `combined` reads and `timed` does not), a `combined` line with a
/// broken timing, or garbage.
fn mixed(n: usize) -> Vec<u8> {
    let mut out = String::new();
    for i in 0..n {
        let t = format!("21/Nov/2026:10:{:02}:{:02} +0100", i / 60 % 60, i % 60);
        let req = format!(
            "\"GET /api/{} HTTP/1.1\" {} {}",
            i % 7,
            200 + i % 5 * 100,
            i
        );
        match i % 4 {
            3 => match i / 4 % 3 {
                0 => out += &format!("10.0.0.{} - - [{t}] {req} \"-\" \"curl/8\"\n", i % 250),
                1 => {
                    out += &format!(
                        "10.0.0.{} - - [{t}] {req} \"-\" \"curl/8\" 0.020x0.004\n",
                        i % 250
                    )
                }
                _ => out += "\u{1b}[31m garbage \u{0}\n",
            },
            _ => {
                out += &format!(
                    "10.0.0.{} - - [{t}] {req} \"-\" \"curl/8\" 0.{:03} 0.{:03}\n",
                    i % 250,
                    i % 900,
                    i % 800
                )
            }
        }
    }
    out.into_bytes()
}

#[test]
fn one_thread_and_four_agree_wherever_chunks_end() {
    let data = mixed(120);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.log");
    std::fs::write(&path, &data).unwrap();
    let sources = [Source::Path(path)];
    // From chunks of a line or less to the whole file in one.
    for chunk_bytes in (16..600).step_by(23).chain([data.len()]) {
        let summary = |threads| {
            let cfg = Config {
                threads,
                chunk_bytes,
                ..Config::default()
            };
            let s = run(&sources, &cfg, None).summary;
            assert_eq!(s.lines.read, 120, "chunks of {chunk_bytes} bytes");
            assert_eq!(s.lines.parsed + s.lines.malformed, 120);
            // The 90 timed lines parse whatever the chunks; of the 30 others, the 10
            // of garbage never do.
            assert!((90..=110).contains(&s.lines.parsed), "{:?}", s.lines);
            format!("{s:?}")
        };
        assert_eq!(summary(1), summary(4), "chunks of {chunk_bytes} bytes");
    }
}

/// The `diff_threads` input that found the layouts of a source listed in the order the
/// parsing threads met them: a detected source holding blocks of several layouts (nginx,
/// Apache, HAProxy behind syslog), cut in chunks of 16 bytes as found, and of others
/// (read whole, no block of it is long enough to take another layout).
#[test]
fn layouts_met_by_several_threads_are_listed_alike() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/layouts-in-blocks.log");
    let sources = [Source::Path(path)];
    for chunk_bytes in [16, 100, 700] {
        let summary = |threads| {
            let cfg = Config {
                threads,
                chunk_bytes,
                ..Config::default()
            };
            run(&sources, &cfg, None).summary
        };
        let one = summary(1);
        let layouts = &one.sources[0].layouts;
        assert!(layouts.len() >= 2, "chunks of {chunk_bytes}: {layouts:?}");
        // The chosen layout first, then by lines, most first.
        assert_eq!(Some(&layouts[0].name), one.sources[0].layout.as_ref());
        assert!(
            layouts[1..].windows(2).all(|w| w[0].lines >= w[1].lines),
            "{layouts:?}"
        );
        assert_eq!(
            format!("{one:?}"),
            format!("{:?}", summary(4)),
            "chunks of {chunk_bytes}"
        );
    }
}
