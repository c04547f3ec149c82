//! The bad-input suite of issue 21: bytes, files and times that no log should hold, each
//! run through `axlog report` with `--output json` and `--rejects`. For each: no panic,
//! `lines.read = parsed + malformed + other`, the rejects file holding exactly the lines
//! the test wrote as bad (byte for byte), a message naming the source where one is due,
//! and the exit code of docs/exit-codes.md. Every expected figure is counted from the
//! lines the test wrote. Classes other tests already cover are named in
//! docs/hardening.md ("Bad input") rather than repeated here.

mod common;

use common::*;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;

/// One nginx `combined` request, distinct by `k` (path and second).
fn req(k: usize) -> String {
    format!(
        "10.0.{}.{} - - [06/Dec/2026:11:{:02}:{:02} +0000] \"GET /p/{k} HTTP/1.1\" 200 {} \"-\" \"ua\"",
        k / 250 % 250,
        k % 250,
        k / 60 % 60,
        k % 60,
        10 + k
    )
}

/// `n` requests, one a line, each ended by `\n`.
fn reqs(n: usize) -> String {
    (0..n).map(|k| req(k) + "\n").collect()
}

/// What one run gave: its exit code, the JSON report, standard error, the rejects file.
struct Run {
    code: i32,
    v: Value,
    stderr: String,
    rejects: Vec<u8>,
}

impl Run {
    fn lines(&self, key: &str) -> u64 {
        self.v["lines"][key].as_u64().unwrap()
    }
}

/// `axlog report INPUT --output json --rejects R -j J EXTRA` with `stdin` on standard
/// input (empty unless given). Checks what holds for every input: no panic, the line
/// counts add up, and the rejects file has one line per malformed line.
fn run_with(input: &Path, j: &str, extra: &[&str], stdin: Option<std::process::Stdio>) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("rejects");
    let mut cmd = axlog_std();
    cmd.arg("report")
        .arg(input)
        .args(["--output", "json", "-j", j, "--rejects"])
        .arg(&rejects)
        .args(extra)
        .stdin(stdin.unwrap_or_else(std::process::Stdio::null));
    let out = cmd.output().unwrap();
    let stderr = stderr_of(&out);
    let code = out.status.code().expect("ended by a signal");
    assert_ne!(code, 101, "{input:?} -j {j}: {stderr}");
    assert!(!stderr.contains("panicked"), "{input:?} -j {j}: {stderr}");
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{input:?} -j {j}: {e}: {stderr}"));
    let rejects = std::fs::read(&rejects).unwrap_or_default();
    let r = Run {
        code,
        v,
        stderr,
        rejects,
    };
    assert_eq!(
        r.lines("read"),
        r.lines("parsed") + r.lines("malformed") + r.lines("other"),
        "{input:?} -j {j}: {}",
        r.v["lines"]
    );
    // A rejected line never holds `\n`: the rejects file has one per malformed line.
    let rejected = r.rejects.iter().filter(|&&b| b == b'\n').count() as u64;
    assert_eq!(rejected, r.lines("malformed"), "{input:?} -j {j}");
    r
}

/// [`run_with`] with `-j 1` and `-j 2`, which must give the same report and rejects.
fn run(input: &Path) -> Run {
    let one = run_with(input, "1", &[], None);
    let two = run_with(input, "2", &[], None);
    assert_eq!(one.code, two.code, "{input:?}");
    assert_eq!(one.v, two.v, "{input:?}");
    assert_eq!(one.rejects, two.rejects, "{input:?}");
    one
}

/// Each line of `bad` ended by `\n`, as the rejects file keeps them.
fn joined(bad: &[Vec<u8>]) -> Vec<u8> {
    bad.iter()
        .flat_map(|l| l.iter().copied().chain([b'\n']))
        .collect()
}

/// The (source, line) of each malformed sample (the source as it was named: the path).
fn sample_places(v: &Value) -> Vec<(String, u64)> {
    v["malformed_samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["source"].as_str().unwrap().to_string(),
                s["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A file of good requests with `bad` lines put after the requests at the given
/// (0-based) places: the file, and the 1-based line numbers of the bad lines.
fn interleaved(n: usize, bad: &[(usize, Vec<u8>)]) -> (Vec<u8>, Vec<u64>) {
    let mut data = Vec::new();
    let mut lines = 0u64;
    let mut places = Vec::new();
    for k in 0..n {
        data.extend_from_slice(req(k).as_bytes());
        data.push(b'\n');
        lines += 1;
        for (at, b) in bad {
            if *at == k {
                data.extend_from_slice(b);
                data.push(b'\n');
                lines += 1;
                places.push(lines);
            }
        }
    }
    (data, places)
}

/// Checks a file of `good` requests and `bad` lines: exit 0, every count, the rejects
/// byte for byte, and the samples naming the file and the bad lines' numbers.
fn check_mixed(name: &str, good: usize, bad: &[(usize, Vec<u8>)]) {
    let (data, places) = interleaved(good, bad);
    let (_dir, path) = temp_file(name, &data);
    let r = run(&path);
    assert_eq!(r.code, 0, "{name}: {}", r.stderr);
    assert_eq!(r.lines("read"), (good + bad.len()) as u64, "{name}");
    assert_eq!(r.lines("parsed"), good as u64, "{name}");
    assert_eq!(r.lines("malformed"), bad.len() as u64, "{name}");
    assert_eq!(r.v["requests"], good as u64, "{name}");
    let bad_lines: Vec<Vec<u8>> = bad.iter().map(|(_, b)| b.clone()).collect();
    assert_eq!(r.rejects, joined(&bad_lines), "{name}");
    let want: Vec<(String, u64)> = places
        .iter()
        .take(r.v["malformed_samples"].as_array().unwrap().len())
        .map(|&l| (path.display().to_string(), l))
        .collect();
    assert!(!want.is_empty(), "{name}");
    assert_eq!(sample_places(&r.v), want, "{name}");
}

/// Deterministic bytes of every value (a 64-bit LCG's high bytes).
fn garbage(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 56) as u8
        })
        .collect()
}

// ---- Bytes ----

#[test]
fn binary_garbage_is_malformed_line_by_line_and_exits_6() {
    // 64 KiB of every byte value, ending in a newline: its lines are the pieces between
    // newlines, empty ones included.
    let mut data = garbage(64 << 10, 7);
    data.push(b'\n');
    let lines = data.iter().filter(|&&b| b == b'\n').count() as u64;
    let (_dir, path) = temp_file("blob.log", &data);
    let r = run(&path);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert_eq!(r.lines("read"), lines);
    assert_eq!(r.lines("parsed"), 0);
    assert_eq!(r.lines("malformed"), lines);
    // Every line rejected as it was: the rejects are the file.
    assert_eq!(r.rejects, data);
    assert!(
        r.stderr.contains("blob.log: no line parsed"),
        "{}",
        r.stderr
    );
}

#[test]
fn nul_bytes_and_invalid_utf8_lines_are_malformed_and_kept_verbatim() {
    let bad: Vec<(usize, Vec<u8>)> = vec![
        (0, b"\0".to_vec()),
        (3, b"a\0b\0\0c".to_vec()),
        (5, req(900).replace("200", "2\x0000").into_bytes()),
        (8, b"\xff\xfe bad \xc3\x28 \xed\xa0\x80".to_vec()),
        (12, vec![0u8; 4000]),
        (13, b"\x1b[31m\x9b\xc2\x9b".to_vec()),
    ];
    check_mixed("nul.log", 20, &bad);
}

#[test]
fn invalid_utf8_inside_a_field_still_parses() {
    // A request whose path and user agent hold bytes that are not UTF-8: it is a
    // request; its path is reported with the bytes escaped, never dropped.
    let line = b"10.0.0.9 - - [06/Dec/2026:11:00:00 +0000] \"GET /x\xff\xc3\x28 HTTP/1.1\" 200 1 \"-\" \"u\xfe\"\n";
    let mut data = reqs(5).into_bytes();
    data.extend_from_slice(line);
    let (_dir, path) = temp_file("utf.log", &data);
    let r = run(&path);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.lines("parsed"), 6);
    assert_eq!(r.lines("malformed"), 0);
    assert!(r.rejects.is_empty());
    let paths = top_paths(&r.v);
    assert_eq!(paths.len(), 6, "{paths:?}");
    assert!(
        paths.iter().any(|(p, n)| p.starts_with("/x") && *n == 1),
        "{paths:?}"
    );
}

#[test]
fn lines_of_only_spaces_or_quotes_or_nothing_are_malformed() {
    let bad: Vec<(usize, Vec<u8>)> = vec![
        (0, b" ".to_vec()),
        (1, b"      ".to_vec()),
        (2, b"\t \t".to_vec()),
        (4, b"\"".to_vec()),
        (5, b"\"\"\"\"".to_vec()),
        (6, b"\" \" \" \"".to_vec()),
        (7, b"''''".to_vec()),
        (9, b"- - [] \"\" - - \"\" \"\"".to_vec()),
    ];
    check_mixed("spaces.log", 12, &bad);
}

#[test]
fn a_file_of_only_malformed_lines_exits_6_naming_it() {
    let data = b"first\nsecond \"quoted\"\n\nfourth\n";
    let (_dir, path) = temp_file("junk.log", data);
    let r = run(&path);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert_eq!(r.lines("read"), 4);
    assert_eq!(r.lines("malformed"), 4);
    assert_eq!(r.rejects, data);
    assert!(
        r.stderr.contains("junk.log: no line parsed"),
        "{}",
        r.stderr
    );
    assert_eq!(
        sample_places(&r.v),
        (1..=4)
            .map(|l| (path.display().to_string(), l))
            .collect::<Vec<_>>()
    );
}

#[test]
fn no_final_newline_keeps_the_last_line() {
    // Good lines whose last has no newline: all parsed.
    let mut data = reqs(9);
    data.push_str(&req(9));
    let (_dir, path) = temp_file("nofinal.log", data.as_bytes());
    let r = run(&path);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!((r.lines("read"), r.lines("parsed")), (10, 10));
    // A malformed last line without newline: rejected with one added.
    let data = format!("{}tail without newline", reqs(3));
    let (_dir, path) = temp_file("badtail.log", data.as_bytes());
    let r = run(&path);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!((r.lines("read"), r.lines("malformed")), (4, 1));
    assert_eq!(r.rejects, b"tail without newline\n");
    assert_eq!(sample_places(&r.v), [(path.display().to_string(), 4)]);
}

#[test]
fn a_file_with_no_newline_at_all_is_one_line() {
    // 300 KiB without a newline: one line, malformed, kept whole.
    let data: Vec<u8> = garbage(300 << 10, 3)
        .into_iter()
        .map(|b| if b == b'\n' { b'.' } else { b })
        .collect();
    let (_dir, path) = temp_file("oneline.log", &data);
    let r = run(&path);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert_eq!((r.lines("read"), r.lines("malformed")), (1, 1));
    let mut want = data.clone();
    want.push(b'\n');
    assert_eq!(r.rejects, want);
    // One good line without a newline is one request.
    let (_dir, path) = temp_file("one.log", req(1).as_bytes());
    let r = run(&path);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!((r.lines("read"), r.lines("parsed")), (1, 1));
}

#[test]
fn a_64_mib_line_is_cut_at_16_mib_and_the_lines_around_it_count() {
    // 3 requests, a 64 MiB line, 2 requests, a 17 MiB line, a request: 8 lines; the long
    // ones malformed, cut at the longest line kept (16 MiB, docs/engine.md), and named
    // on stderr by the first one's line number.
    let mut data = reqs(3).into_bytes();
    data.extend(std::iter::repeat_n(b'y', 64 << 20));
    data.push(b'\n');
    data.extend_from_slice((req(3) + "\n" + &req(4) + "\n").as_bytes());
    data.extend(std::iter::repeat_n(b'z', 17 << 20));
    data.push(b'\n');
    data.extend_from_slice((req(5) + "\n").as_bytes());
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "huge.log", &data);
    drop(data);
    let r = run(&path);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.lines("read"), 8);
    assert_eq!(r.lines("parsed"), 6);
    assert_eq!(r.lines("malformed"), 2);
    let name = path.display().to_string();
    assert_eq!(sample_places(&r.v), [(name.clone(), 4), (name.clone(), 7)]);
    let source = &r.v["sources"][0];
    assert_eq!(
        (&source["long_lines"], &source["first_long_line"]),
        (&json!(2), &json!(4))
    );
    let said = format!(
        "axlog: {name}: line 4 is longer than 16 MiB, the longest line axlog reads (and 1 \
         more): cut there and counted malformed\n"
    );
    assert!(r.stderr.contains(&said), "{}", r.stderr);
    let mut want = vec![b'y'; 16 << 20];
    want.push(b'\n');
    want.extend(std::iter::repeat_n(b'z', 16 << 20));
    want.push(b'\n');
    assert!(r.rejects == want, "rejects of {} bytes", r.rejects.len());
}

#[test]
fn crlf_lines_parse_and_a_lone_cr_line_is_malformed() {
    // (defects_io::rejects_keep_the_carriage_return_of_crlf_lines covers the rejects.)
    let data: String = (0..10).map(|k| req(k) + "\r\n").collect::<String>() + "\r\n";
    let (_dir, path) = temp_file("crlf.log", data.as_bytes());
    let r = run(&path);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        (r.lines("read"), r.lines("parsed"), r.lines("malformed")),
        (11, 10, 1)
    );
    assert_eq!(r.rejects, b"\r\n");
}

// ---- Times ----

/// A `combined` request at the given `[time]` text.
fn at(time: &str) -> String {
    format!("10.0.0.1 - - [{time}] \"GET /t HTTP/1.1\" 200 5 \"-\" \"ua\"")
}

#[test]
fn years_0000_and_9999_are_read() {
    let data = [
        at("06/Dec/2026:11:00:00 +0000"),
        at("01/Jan/0000:00:00:00 +0000"),
        at("31/Dec/9999:23:59:59 +0000"),
    ]
    .join("\n");
    let (_dir, path) = temp_file("years.log", data.as_bytes());
    let r = run(&path);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!((r.lines("parsed"), r.lines("malformed")), (3, 0));
    assert_eq!(r.v["time"]["first"]["utc"], "0000-01-01T00:00:00Z");
    assert_eq!(r.v["time"]["last"]["utc"], "9999-12-31T23:59:59Z");
    // Seconds from the start of year 0 to the end of 9999: 10,000 Gregorian years of
    // 365.2425 days.
    assert_eq!(
        r.v["qps"]["seconds"],
        10_000u64 * 3_652_425 / 10_000 * 86_400
    );
    assert_eq!(r.v["qps"]["peak"], 1);
}

#[test]
fn a_clock_jumping_back_a_day_counts_every_line() {
    let data = [
        at("06/Dec/2026:11:00:00 +0000"),
        at("06/Dec/2026:11:00:01 +0000"),
        at("05/Dec/2026:11:00:02 +0000"),
        at("05/Dec/2026:11:00:03 +0000"),
    ]
    .join("\n");
    let (_dir, path) = temp_file("jump.log", data.as_bytes());
    let r = run(&path);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!((r.lines("parsed"), r.v["requests"].as_u64()), (4, Some(4)));
    assert_eq!(r.v["time"]["first"]["utc"], "2026-12-05T11:00:02Z");
    assert_eq!(r.v["time"]["last"]["utc"], "2026-12-06T11:00:01Z");
    // 05 11:00:02 through 06 11:00:01: one day of seconds, 4 of them busy.
    assert_eq!(r.v["qps"]["seconds"], 86_400);
    assert_eq!(r.v["qps"]["empty_seconds"], 86_396);
}

#[test]
fn impossible_dates_are_malformed_and_second_60_is_a_leap_second() {
    let times = [
        ("06/Dec/2026:11:00:00 +0000", true),
        ("31/Feb/2026:11:00:00 +0000", false),
        ("30/Feb/2024:11:00:00 +0000", false),
        ("06/Foo/2026:11:00:00 +0000", false),
        ("00/Dec/2026:11:00:00 +0000", false),
        ("06/Dec/2026:24:00:00 +0000", false),
        ("06/Dec/2026:11:61:00 +0000", false),
        ("06/Dec/2026:11:00:61 +0000", false),
        ("06/Dec/2026:11:00:00 +9999", false),
        ("29/Feb/2024:11:00:00 +0000", true),
        ("31/Dec/2026:23:59:60 +0000", true),
    ];
    let lines: Vec<String> = times.iter().map(|(t, _)| at(t)).collect();
    let data = lines.join("\n") + "\n";
    let (_dir, path) = temp_file("dates.log", data.as_bytes());
    let r = run(&path);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let good = times.iter().filter(|(_, ok)| *ok).count() as u64;
    assert_eq!(r.lines("parsed"), good);
    assert_eq!(r.lines("malformed"), times.len() as u64 - good);
    let bad: Vec<Vec<u8>> = times
        .iter()
        .zip(&lines)
        .filter(|((_, ok), _)| !ok)
        .map(|(_, l)| l.clone().into_bytes())
        .collect();
    assert_eq!(r.rejects, joined(&bad));
    let places: Vec<(String, u64)> = times
        .iter()
        .enumerate()
        .filter(|(_, (_, ok))| !ok)
        .map(|(i, _)| (path.display().to_string(), i as u64 + 1))
        .take(r.v["malformed_samples"].as_array().unwrap().len())
        .collect();
    assert_eq!(places.len(), 5, "the samples' cap");
    assert_eq!(sample_places(&r.v), places);
    // 23:59:60 (a leap second, as a clock may print it) is read as the next second.
    assert_eq!(r.v["time"]["last"]["utc"], "2027-01-01T00:00:00Z");
}

// ---- Archives ----

/// `text` compressed as `kind` (gz, zst, bz2, xz).
fn compress(kind: &str, text: &[u8]) -> Vec<u8> {
    match kind {
        "gz" => gzip(text),
        "zst" => zstd::encode_all(text, 3).unwrap(),
        "bz2" => {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
            e.write_all(text).unwrap();
            e.finish().unwrap()
        }
        "xz" => {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 6);
            e.write_all(text).unwrap();
            e.finish().unwrap()
        }
        _ => unreachable!(),
    }
}

const KINDS: [&str; 4] = ["gz", "zst", "bz2", "xz"];

/// A damaged archive: exit 1, a message naming it and a byte.
fn assert_damaged(r: &Run, name: &str) {
    assert_eq!(r.code, 1, "{name}: {}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{name}: read error at byte ")),
        "{name}: {}",
        r.stderr
    );
}

#[test]
fn truncated_archives_count_what_was_read_and_exit_1() {
    let text = reqs(3000);
    let lines: Vec<&str> = text.lines().collect();
    for kind in KINDS {
        let whole = compress(kind, text.as_bytes());
        for keep in [whole.len() / 2, whole.len() - 1, 12] {
            let name = format!("cut-{keep}.log.{kind}");
            let (_dir, path) = temp_file(&name, &whole[..keep]);
            let r = run(&path);
            assert_damaged(&r, &name);
            // The lines decoded are the first ones, whole; the last may be cut (then
            // malformed, and rejected as a prefix of the line written there).
            let parsed = r.lines("parsed") as usize;
            assert!(r.lines("malformed") <= 1, "{name}: {}", r.v["lines"]);
            assert!(parsed <= lines.len(), "{name}");
            assert_eq!(r.v["requests"], parsed as u64, "{name}");
            if r.lines("malformed") == 1 {
                let cut = &r.rejects[..r.rejects.len() - 1];
                assert!(lines[parsed].as_bytes().starts_with(cut), "{name}");
            }
        }
    }
}

#[test]
fn corrupt_archives_exit_1_naming_the_byte() {
    let text = reqs(3000);
    for kind in KINDS {
        let mut data = compress(kind, text.as_bytes());
        // Eight bytes overwritten in the middle.
        let mid = data.len() / 2;
        data[mid..mid + 8].copy_from_slice(b"\xde\xad\xbe\xef\x00\xff\x00\xff");
        let name = format!("corrupt.log.{kind}");
        let (_dir, path) = temp_file(&name, &data);
        let r = run(&path);
        assert_damaged(&r, &name);
        assert!(r.lines("parsed") < 3000, "{name}");
    }
}

#[test]
fn an_archive_that_is_only_its_magic_exits_1() {
    for (kind, magic) in [
        ("gz", &b"\x1f\x8b"[..]),
        ("zst", b"\x28\xb5\x2f\xfd"),
        ("bz2", b"BZh9"),
        ("xz", b"\xfd7zXZ\x00"),
    ] {
        let name = format!("magic.log.{kind}");
        let (_dir, path) = temp_file(&name, magic);
        let r = run(&path);
        assert_damaged(&r, &name);
        assert_eq!(r.lines("read"), 0, "{name}");
    }
}

// ---- Files ----

#[test]
fn an_empty_file_and_dev_null_are_empty_runs_exiting_0() {
    let (_dir, empty) = temp_file("empty.log", b"");
    for path in [empty.as_path(), Path::new("/dev/null")] {
        let r = run(path);
        assert_eq!(r.code, 0, "{path:?}: {}", r.stderr);
        assert_eq!(r.lines("read"), 0, "{path:?}");
        assert_eq!(r.v["requests"], 0, "{path:?}");
        assert!(r.rejects.is_empty());
    }
}

#[test]
fn a_directory_without_logs_exits_1_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("emptydir");
    std::fs::create_dir(&empty).unwrap();
    let r = run(&empty);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("emptydir: a directory with no log files"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_fifo_is_read_to_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.log");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (data, _) = interleaved(500, &[(250, b"not a request".to_vec())]);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            // Opening blocks until axlog opens the FIFO to read.
            let mut f = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            f.write_all(&data).unwrap();
        })
    };
    let r = run_with(&fifo, "2", &[], None);
    writer.join().unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        (r.lines("read"), r.lines("parsed"), r.lines("malformed")),
        (501, 500, 1)
    );
    assert_eq!(r.rejects, b"not a request\n");
    assert_eq!(sample_places(&r.v), [(fifo.display().to_string(), 252)]);
}

#[test]
fn an_input_that_cannot_be_opened_exits_1_and_the_others_count() {
    // Root reads any file whatever its mode, so these are paths open() refuses to
    // anyone: through a file that is not a directory, and a symlink loop.
    let dir = tempfile::tempdir().unwrap();
    let good = write_file(dir.path(), "good.log", reqs(7).as_bytes());
    let through_file = good.join("inner.log");
    let a = dir.path().join("loop-a.log");
    let b = dir.path().join("loop-b.log");
    std::os::unix::fs::symlink(&a, &b).unwrap();
    std::os::unix::fs::symlink(&b, &a).unwrap();
    for (bad, name) in [(through_file, "good.log/inner.log"), (a, "loop-a.log")] {
        let r = run_with(&good, "1", &[bad.to_str().unwrap()], None);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!("{name}: cannot open")),
            "{}",
            r.stderr
        );
        // The readable input is still read in full.
        assert_eq!(r.v["requests"], 7);
    }
}

#[test]
fn a_file_that_grows_while_read_counts_whole_lines() {
    // A writer appends 2,000 requests, a line a write, while axlog reads the file: the
    // run reads at least the lines there before it started, none twice, and at most
    // the last one cut (read while it was being written).
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "grow.log", reqs(5000).as_bytes());
    let writer = {
        let path = path.clone();
        std::thread::spawn(move || {
            for k in 5000..7000 {
                append(&path, req(k) + "\n");
            }
        })
    };
    let r = run_with(&path, "2", &[], None);
    writer.join().unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let parsed = r.lines("parsed");
    assert!((5000..=7000).contains(&parsed), "{}", r.v["lines"]);
    assert!(r.lines("malformed") <= 1, "{}", r.v["lines"]);
    // Every request is distinct: no line was counted twice.
    assert_eq!(
        r.v["paths"]["distinct"].as_u64(),
        Some(parsed),
        "{}",
        r.v["paths"]
    );
    if r.lines("malformed") == 1 {
        let cut = &r.rejects[..r.rejects.len() - 1];
        assert!(req(parsed as usize).as_bytes().starts_with(cut));
    }
}

#[test]
fn a_file_that_shrinks_while_read_is_an_error_or_a_shorter_read() {
    // A writer cuts the file to 1,000 lines while axlog reads it. Either the run read
    // past the cut (exit 1, "became shorter", naming the file) or it read what was left
    // (exit 0); either way no line is counted twice or cut unnoticed.
    // (defects_io::a_file_on_stdin_cut_below_the_position_read_is_reported makes the
    // first case certain.)
    let dir = tempfile::tempdir().unwrap();
    let text = reqs(20_000);
    let path = write_file(dir.path(), "shrink.log", text.as_bytes());
    let keep = text.lines().take(1000).map(|l| l.len() + 1).sum::<usize>() as u64;
    let writer = {
        let path = path.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(5));
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(keep)
                .unwrap();
        })
    };
    let r = run_with(&path, "1", &[], None);
    writer.join().unwrap();
    let parsed = r.lines("parsed");
    assert!(parsed <= 20_000, "{}", r.v["lines"]);
    assert_eq!(
        r.v["paths"]["distinct"].as_u64(),
        Some(parsed),
        "{}",
        r.v["paths"]
    );
    match r.code {
        0 => assert!(parsed == 1000 || parsed == 20_000, "{}", r.v["lines"]),
        1 => assert!(
            r.stderr.contains("shrink.log: read error at byte ")
                && r.stderr.contains("became shorter"),
            "{}",
            r.stderr
        ),
        c => panic!("exit {c}: {}", r.stderr),
    }
}
