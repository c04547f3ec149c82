//! The resolver's rules over hand-built states and members: every row of design §2's
//! table, each fingerprint computed here from the test's own bytes.

use super::*;
use crate::state::members::base_of;
use axlog_input::{FP_MAX, fnv1a64};

pub(crate) const DIR: &str = "/logs";

/// `n` lines tagged `tag`: each text distinct from its first byte on.
pub(crate) fn text(tag: &str, n: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|k| {
            format!("{tag} 10.0.0.1 - - [06/Dec/2026:10:00:{k:02}] \"GET /{tag}/{k}\" 200\n")
                .into_bytes()
        })
        .collect()
}

/// The fingerprint of `bytes`, computed here from the bytes themselves.
pub(crate) fn fp(bytes: &[u8]) -> Fingerprint {
    let len = bytes.len().min(FP_MAX);
    Fingerprint {
        len: len as u32,
        hash: fnv1a64(&bytes[..len]),
        nul_skip: 0,
    }
}

/// The byte after the last newline of `bytes` (0 when none).
pub(crate) fn complete(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p as u64 + 1)
}

pub(crate) fn plain(name: &str, bytes: &[u8], ino: u64) -> Member {
    Member {
        path: Path::new(DIR).join(name),
        name: name.into(),
        head: Head {
            nul_skip: 0,
            bytes: bytes[..bytes.len().min(FP_MAX)].to_vec(),
        },
        stat: FileStat {
            dev: 1,
            ino,
            size: bytes.len() as u64,
            mtime_ns: 0,
        },
        compression: Compression::None,
        line_end: Some(complete(bytes)),
        named: name == "access.log",
    }
}

/// An archive of `text`: its head is the decoded text's, its stored size another.
pub(crate) fn archive(name: &str, text: &[u8], ino: u64) -> Member {
    let mut m = plain(name, text, ino);
    m.compression = Compression::Gzip;
    m.stat.size = text.len() as u64 / 5;
    m.line_end = None;
    m
}

pub(crate) fn stored(seen_as: &str, bytes: &[u8], ino: u64, offset: u64, lines: u64) -> FileEntry {
    FileEntry {
        fp: fp(bytes),
        dev: 1,
        ino,
        seen_as: seen_as.into(),
        compression: "plain".into(),
        offset,
        size: bytes.len() as u64,
        mtime_ns: 0,
        lines,
        skip: Vec::new(),
        done: false,
    }
}

pub(crate) fn state(files: Vec<FileEntry>) -> State {
    State {
        generation: 7,
        command: "report".into(),
        settings: "s".into(),
        sets: vec![SetEntry {
            dir: DIR.into(),
            base: "access.log".into(),
            label: "web".into(),
            layout: Some("nginx-combined".into()),
            files,
        }],
        ..State::default()
    }
}

pub(crate) fn set(members: Vec<Member>) -> Vec<Set> {
    vec![Set {
        dir: DIR.into(),
        base: "access.log".into(),
        label: "web".into(),
        members,
    }]
}

/// The reads as (file name, start, end, lines before).
pub(crate) fn reads(r: &Resolution) -> Vec<(String, u64, Option<u64>, u64)> {
    r.reads
        .iter()
        .map(|x| {
            let name = x.path.file_name().unwrap().to_string_lossy().into_owned();
            (name, x.start, x.end, x.lines_before)
        })
        .collect()
}

/// The next state's files as (seen_as, offset, done).
pub(crate) fn kept(r: &Resolution) -> Vec<(String, u64, bool)> {
    r.next.sets[0]
        .files
        .iter()
        .map(|e| (e.seen_as.clone(), e.offset, e.done))
        .collect()
}

pub(crate) fn s(
    name: &str,
    start: u64,
    end: Option<u64>,
    lines: u64,
) -> (String, u64, Option<u64>, u64) {
    (name.to_string(), start, end, lines)
}

/// A: the old live file, read to `o` (a line end in its middle) by the last run.
pub(crate) fn a_and_offset() -> (Vec<u8>, u64) {
    let a = text("A", 40);
    let o = complete(&a[..a.len() / 2]);
    assert!(o > FP_MAX as u64);
    (a, o)
}

#[test]
fn first_run_reads_the_named_files_from_0_and_records_the_rest_as_history() {
    let old = text("Z", 30);
    let a = text("A", 30);
    let mut b = text("B", 30);
    b.extend_from_slice(b"B partial line");
    let members = vec![
        archive("access.log.2.gz", &old, 3),
        plain("access.log.1", &a, 2),
        plain("access.log", &b, 1),
    ];
    let r = resolve(&State::default(), &set(members.clone()));
    let b_end = (b.len() - b"B partial line".len()) as u64;
    assert_eq!(reads(&r), [s("access.log", 0, Some(b_end), 0)]);
    assert_eq!(r.reads[0].fp, fp(&b));
    assert!(r.gaps.is_empty());
    assert_eq!(r.next.generation, 1);
    assert_eq!(
        kept(&r),
        [
            ("access.log.2.gz".into(), 0, true),
            ("access.log.1".into(), a.len() as u64, false),
            ("access.log".into(), b_end, false),
        ]
    );
    assert_eq!(r.next.sets[0].files[2].fp, fp(&b));
    // `access.log*` named: all of it, oldest first.
    let mut all = members;
    for m in &mut all {
        m.named = true;
    }
    let r = resolve(&State::default(), &set(all));
    assert_eq!(
        reads(&r),
        [
            s("access.log.2.gz", 0, None, 0),
            s("access.log.1", 0, Some(a.len() as u64), 0),
            s("access.log", 0, Some(b_end), 0),
        ]
    );
    // A run reading nothing new changes no offset.
    let again = resolve(&r.next, &set(vec![plain("access.log", &b, 1)]));
    assert!(again.reads.is_empty());
    assert_eq!(again.next.generation, 2);
}

#[test]
fn rename_and_create() {
    let (mut a, o) = a_and_offset();
    let st = state(vec![stored("access.log", &a, 10, o, 20)]);
    // The old inode is `.1` now, and got a few more lines before the writer reopened.
    a.extend(text("A2", 3));
    let b = text("B", 10);
    let r = resolve(
        &st,
        &set(vec![
            plain("access.log.1", &a, 10),
            plain("access.log", &b, 11),
        ]),
    );
    assert_eq!(
        reads(&r),
        [
            s("access.log.1", o, Some(a.len() as u64), 20),
            s("access.log", 0, Some(b.len() as u64), 0),
        ]
    );
    assert!(r.gaps.is_empty());
    assert_eq!(
        kept(&r),
        [
            ("access.log.1".into(), a.len() as u64, false),
            ("access.log".into(), b.len() as u64, false),
        ]
    );
    // The layout found by earlier runs stays.
    assert_eq!(r.next.sets[0].layout.as_deref(), Some("nginx-combined"));
}

#[test]
fn a_known_set_with_no_file_reads_every_member_whole() {
    // The last run saw only an empty live file (a file deleted unread was replaced by an
    // empty one); since then lines came and the file rotated twice, into `-20261202` and
    // a compressed copy. All of it is new: read whole, none of it taken for history.
    let st = state(Vec::new());
    let (a, b) = (text("A", 6), text("B", 3));
    let r = resolve(
        &st,
        &set(vec![
            plain("access.log-20261202", &a, 10),
            archive("access.log-20261203.gz", &b, 11),
            plain("access.log", b"", 12),
        ]),
    );
    assert_eq!(
        reads(&r),
        [
            s("access.log-20261202", 0, Some(a.len() as u64), 0),
            s("access.log-20261203.gz", 0, None, 0),
        ]
    );
    assert!(r.gaps.is_empty());
}

#[test]
fn rename_then_compress_resumes_at_the_decoded_offset() {
    let (a, o) = a_and_offset();
    let st = state(vec![stored("access.log", &a, 10, o, 20)]);
    let b = text("B", 10);
    let mut r = resolve(
        &st,
        &set(vec![
            archive("access.log.1.gz", &a, 12),
            plain("access.log", &b, 13),
        ]),
    );
    assert_eq!(
        reads(&r),
        [
            s("access.log.1.gz", o, None, 20),
            s("access.log", 0, Some(b.len() as u64), 0),
        ]
    );
    assert!(r.gaps.is_empty());
    // Once read, the archive is done at its decoded end, with its lines counted.
    r.advance(0, a.len() as u64, 20);
    r.advance(1, b.len() as u64, 10);
    // A read that is not there changes nothing.
    let before = r.next.clone();
    r.advance(2, 1, 1);
    assert_eq!(r.next, before);
    let e = &r.next.sets[0].files[0];
    assert_eq!(
        (e.offset, e.size, e.lines, e.done),
        (a.len() as u64, a.len() as u64, 40, true)
    );
    assert_eq!(
        (e.seen_as.as_str(), e.compression.as_str(), e.ino),
        ("access.log.1.gz", "gzip", 12)
    );
    let e = &r.next.sets[0].files[1];
    assert_eq!((e.offset, e.lines, e.done), (b.len() as u64, 10, false));
}

#[test]
fn delaycompress() {
    // The last run read A' whole (it was `.1`) and A to o (it was live).
    let a1 = text("A1", 30);
    let (a, o) = a_and_offset();
    let st = state(vec![
        stored("access.log.1", &a1, 9, a1.len() as u64, 30),
        stored("access.log", &a, 10, o, 20),
    ]);
    let b = text("B", 10);
    let r = resolve(
        &st,
        &set(vec![
            archive("access.log.2.gz", &a1, 14),
            plain("access.log.1", &a, 10),
            plain("access.log", &b, 15),
        ]),
    );
    assert_eq!(
        reads(&r),
        [
            s("access.log.2.gz", a1.len() as u64, None, 30),
            s("access.log.1", o, Some(a.len() as u64), 20),
            s("access.log", 0, Some(b.len() as u64), 0),
        ]
    );
    assert!(r.gaps.is_empty());
}

#[test]
fn copytruncate_finds_the_tail_in_the_copy() {
    let (a, o) = a_and_offset();
    let st = state(vec![stored("access.log", &a, 10, o, 20)]);
    // The live file keeps its inode, truncated and written again; `.1` is the copy.
    let c = text("C", 5);
    let r = resolve(
        &st,
        &set(vec![
            plain("access.log.1", &a, 20),
            plain("access.log", &c, 10),
        ]),
    );
    assert_eq!(
        reads(&r),
        [
            s("access.log.1", o, Some(a.len() as u64), 20),
            s("access.log", 0, Some(c.len() as u64), 0),
        ]
    );
    assert!(r.gaps.is_empty());
    // Compressed before the run: the same, decoded.
    let r = resolve(
        &st,
        &set(vec![
            archive("access.log.1.gz", &a, 21),
            plain("access.log", &c, 10),
        ]),
    );
    assert_eq!(
        reads(&r),
        [
            s("access.log.1.gz", o, None, 20),
            s("access.log", 0, Some(c.len() as u64), 0),
        ]
    );
    assert!(r.gaps.is_empty());
}

#[test]
fn dateext_names_change_nothing() {
    let (a, o) = a_and_offset();
    let st = state(vec![stored("access.log", &a, 10, o, 20)]);
    let b = text("B", 10);
    let r = resolve(
        &st,
        &set(vec![
            archive("access.log-20261206.gz", &a, 12),
            plain("access.log", &b, 13),
        ]),
    );
    assert_eq!(
        reads(&r),
        [
            s("access.log-20261206.gz", o, None, 20),
            s("access.log", 0, Some(b.len() as u64), 0),
        ]
    );
    assert_eq!(base_of("access.log-20261206.gz"), "access.log");
    assert_eq!(base_of("access.log-20261206"), "access.log");
    assert_eq!(base_of("access.log.12.zst"), "access.log");
    assert_eq!(base_of("access.log"), "access.log");
    assert_eq!(base_of("other.log.1"), "other.log");
}

#[test]
fn several_rotations_read_the_known_tail_then_the_unseen_files_whole() {
    let old = text("Z", 30);
    let (a, o) = a_and_offset();
    let st = state(vec![
        // History the state saw and did not read.
        FileEntry {
            compression: "gzip".into(),
            done: true,
            offset: 0,
            size: 0,
            ..stored("access.log.1.gz", &old, 8, 0, 0)
        },
        stored("access.log", &a, 10, o, 20),
    ]);
    let b = text("B", 12);
    let c = text("C", 7);
    // And an older file it never saw (it appeared, or was not listed): history too.
    let older = text("Y", 5);
    let r = resolve(
        &st,
        &set(vec![
            plain("access.log.4", &older, 7),
            archive("access.log.3.gz", &old, 6),
            archive("access.log.2.gz", &a, 5),
            plain("access.log.1", &b, 4),
            plain("access.log", &c, 3),
        ]),
    );
    assert_eq!(
        reads(&r),
        [
            s("access.log.2.gz", o, None, 20),
            s("access.log.1", 0, Some(b.len() as u64), 0),
            s("access.log", 0, Some(c.len() as u64), 0),
        ]
    );
    assert!(r.gaps.is_empty());
    assert_eq!(
        kept(&r),
        [
            ("access.log.4".into(), older.len() as u64, false),
            ("access.log.3.gz".into(), 0, true),
            ("access.log.2.gz".into(), o, true),
            ("access.log.1".into(), b.len() as u64, false),
            ("access.log".into(), c.len() as u64, false),
        ]
    );
    // No file known any more: all are newer than what the state saw, read whole.
    let d = text("D", 3);
    let r = resolve(
        &st,
        &set(vec![
            plain("access.log.1", &b, 4),
            plain("access.log", &d, 3),
        ]),
    );
    assert_eq!(
        reads(&r),
        [
            s("access.log.1", 0, Some(b.len() as u64), 0),
            s("access.log", 0, Some(d.len() as u64), 0),
        ]
    );
    assert_eq!(r.gaps.len(), 1);
}

#[test]
fn a_file_deleted_before_it_was_read_to_its_end_is_a_gap() {
    let (a, o) = a_and_offset();
    let b = text("B", 10);
    let b_read = complete(&b[..b.len() - 10]);
    let st = state(vec![
        stored("access.log.1", &a, 10, o, 20),
        stored("access.log", &b, 11, b_read, 9),
    ]);
    let r = resolve(&st, &set(vec![plain("access.log", &b, 11)]));
    assert_eq!(
        reads(&r),
        [s("access.log", b_read, Some(b.len() as u64), 9)]
    );
    assert_eq!(
        r.gaps,
        [Gap {
            path: PathBuf::from("/logs/access.log.1"),
            fp: fp(&a),
            bytes_at_least: a.len() as u64 - o,
            why: GapKind::Gone,
        }]
    );
    // Reported once: the next state no longer has it.
    assert_eq!(kept(&r), [("access.log".into(), b.len() as u64, false)]);
    // A file read to its end, or an archive done, goes without a gap.
    let st = state(vec![
        stored("access.log.2", &a, 10, a.len() as u64, 40),
        FileEntry {
            done: true,
            ..stored("access.log.1.gz", &text("A1", 3), 12, 5, 0)
        },
        stored("access.log", &b, 11, b.len() as u64, 10),
    ]);
    let r = resolve(&st, &set(vec![plain("access.log", &b, 11)]));
    assert!(r.reads.is_empty());
    assert!(r.gaps.is_empty());
    assert_eq!(kept(&r), [("access.log".into(), b.len() as u64, false)]);
}

#[test]
fn a_file_replaced_by_another_of_the_same_name() {
    let h = text("H", 20);
    let (a, o) = a_and_offset();
    let st = state(vec![
        stored("access.log.1", &h, 9, h.len() as u64, 20),
        stored("access.log", &a, 10, o, 20),
    ]);
    // Another file has the name (and the reused inode): its own content, from 0; the
    // history `.1` is not read again.
    let d = text("D", 6);
    let r = resolve(
        &st,
        &set(vec![
            plain("access.log.1", &h, 9),
            plain("access.log", &d, 10),
        ]),
    );
    assert_eq!(reads(&r), [s("access.log", 0, Some(d.len() as u64), 0)]);
    assert_eq!(
        r.gaps,
        [Gap {
            path: PathBuf::from("/logs/access.log"),
            fp: fp(&a),
            bytes_at_least: a.len() as u64 - o,
            why: GapKind::Replaced,
        }]
    );
    // Rewritten with the same first bytes but shorter than what was read: not that
    // file either.
    let mut short = a[..FP_MAX + 10].to_vec();
    short.extend_from_slice(b"\n");
    let r = resolve(
        &st,
        &set(vec![
            plain("access.log.1", &h, 9),
            plain("access.log", &short, 10),
        ]),
    );
    assert_eq!(reads(&r), [s("access.log", 0, Some(short.len() as u64), 0)]);
    assert_eq!(r.gaps.len(), 1);
    assert_eq!(r.gaps[0].why, GapKind::Shrunk);
    assert_eq!(r.gaps[0].bytes_at_least, a.len() as u64 - o);
}

#[test]
fn an_archive_read_to_its_end_is_not_read_again() {
    let a = text("A", 30);
    let b = text("B", 40);
    let ob = complete(&b[..b.len() / 2]);
    let st = state(vec![
        FileEntry {
            compression: "gzip".into(),
            done: true,
            ..stored("access.log.1.gz", &a, 12, a.len() as u64, 30)
        },
        stored("access.log", &b[..ob as usize], 13, ob, 20),
    ]);
    let r = resolve(
        &st,
        &set(vec![
            archive("access.log.1.gz", &a, 12),
            plain("access.log", &b, 13),
        ]),
    );
    assert_eq!(reads(&r), [s("access.log", ob, Some(b.len() as u64), 20)]);
    assert_eq!(
        kept(&r),
        [
            ("access.log.1.gz".into(), a.len() as u64, true),
            ("access.log".into(), b.len() as u64, false),
        ]
    );
    // Gone later: dropped, no gap.
    let r = resolve(&r.next, &set(vec![plain("access.log", &b, 13)]));
    assert!(r.reads.is_empty() && r.gaps.is_empty());
    assert_eq!(kept(&r), [("access.log".into(), b.len() as u64, false)]);
}

#[test]
fn a_copy_of_a_known_file_is_not_read_twice() {
    let (a, o) = a_and_offset();
    let st = state(vec![stored("access.log", &a, 10, o, 20)]);
    let b = text("B", 4);
    // gzip at work: `.1` whole (the old inode) and its `.1.gz` being written.
    let r = resolve(
        &st,
        &set(vec![
            archive("access.log.1.gz", &a, 30),
            plain("access.log.1", &a, 10),
            plain("access.log", &b, 31),
        ]),
    );
    assert_eq!(
        reads(&r),
        [
            s("access.log.1", o, Some(a.len() as u64), 20),
            s("access.log", 0, Some(b.len() as u64), 0),
        ]
    );
}

#[test]
fn a_short_file_is_found_again_once_it_has_grown() {
    let first = b"first line\n".to_vec();
    let st = state(vec![stored(
        "access.log",
        &first,
        10,
        first.len() as u64,
        1,
    )]);
    let mut grown = first.clone();
    grown.extend(text("A", 30));
    let r = resolve(&st, &set(vec![plain("access.log", &grown, 10)]));
    assert_eq!(
        reads(&r),
        [s(
            "access.log",
            first.len() as u64,
            Some(grown.len() as u64),
            1
        )]
    );
    // The fingerprint now covers the longer prefix.
    assert_eq!(r.next.sets[0].files[0].fp, fp(&grown));
    assert_eq!(r.next.sets[0].files[0].fp.len as usize, FP_MAX);
    // An empty live file: nothing to read, nothing recorded.
    let r = resolve(&State::default(), &set(vec![plain("access.log", b"", 10)]));
    assert!(r.reads.is_empty());
    assert!(kept(&r).is_empty());
}

#[test]
fn other_sets_are_kept_and_new_ones_added() {
    let (a, o) = a_and_offset();
    let mut st = state(vec![stored("access.log", &a, 10, o, 20)]);
    st.sets[0].base = "other.log".into();
    let b = text("B", 4);
    let r = resolve(&st, &set(vec![plain("access.log", &b, 11)]));
    assert_eq!(r.next.sets.len(), 2);
    assert_eq!(r.next.sets[0], st.sets[0]);
    assert_eq!(r.reads[0].set, 1);
    assert_eq!(r.reads[0].file, 0);
    assert_eq!(reads(&r), [s("access.log", 0, Some(b.len() as u64), 0)]);
}

/// A file of the simulated directory: which text it holds, under which inode, whether
/// compressed.
#[derive(Clone)]
struct SimFile {
    name: String,
    ino: u64,
    text: usize,
    compressed: bool,
}

/// Many cycles of a writer, random rotations of every kind and a run after each: every
/// byte of every text is read exactly once, in order, and no gap is reported (nothing was
/// deleted unread). The bytes read are tracked here from the reads' ranges, not from the
/// resolver's state.
#[test]
fn runs_between_random_rotations_read_every_byte_once() {
    for seed in 1..=20u64 {
        let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut texts: Vec<Vec<u8>> = vec![Vec::new()];
        let mut read_to: Vec<u64> = vec![0];
        let mut inos = 100u64;
        // Rotated files oldest first, the live file last.
        let mut files = vec![SimFile {
            name: "access.log".into(),
            ino: 1,
            text: 0,
            compressed: false,
        }];
        let mut st = State::default();
        let mut line = 0u64;
        let mut write = |texts: &mut Vec<Vec<u8>>, t: usize, n: u64, partial: bool| {
            for _ in 0..n {
                texts[t].extend(format!("t{t} line {line} GET /x/{line} 200\n").into_bytes());
                line += 1;
            }
            if partial {
                texts[t].extend_from_slice(b"half a li");
            }
        };
        let rename = |files: &mut Vec<SimFile>| {
            // `.N` → `.N+1` (names only); the caller adds the new live file.
            let n = files.len();
            for (k, f) in files.iter_mut().enumerate() {
                let age = n - k;
                let ext = if f.compressed { ".gz" } else { "" };
                f.name = format!("access.log.{age}{ext}");
            }
        };
        for cycle in 0..40 {
            let live = files.len() - 1;
            let t = files[live].text;
            // Finish a partial line, then write.
            if texts[t].last().is_some_and(|&b| b != b'\n') {
                texts[t].extend_from_slice(b"ne\n");
            }
            let n = 1 + next() % 30;
            write(&mut texts, t, n, next() % 4 == 0);
            let rotations = match next() % 6 {
                // The first run reads only the live file (what it was named): nothing
                // rotates before it.
                _ if cycle == 0 => 0,
                0 | 1 => 0,
                2..=4 => 1,
                _ => 2,
            };
            for _ in 0..rotations {
                texts.push(Vec::new());
                read_to.push(0);
                let new_text = texts.len() - 1;
                let kind = next() % 4;
                let live = files.len() - 1;
                if kind == 3 {
                    // copytruncate: the copy is a new inode; the live one keeps its own.
                    let old = files[live].clone();
                    files.insert(
                        live,
                        SimFile {
                            ino: inos,
                            ..old.clone()
                        },
                    );
                    inos += 1;
                    rename(&mut files);
                    files.pop();
                    files.push(SimFile {
                        name: "access.log".into(),
                        ino: old.ino,
                        text: new_text,
                        compressed: false,
                    });
                } else {
                    rename(&mut files);
                    files.push(SimFile {
                        name: "access.log".into(),
                        ino: inos,
                        text: new_text,
                        compressed: false,
                    });
                    inos += 1;
                }
                // compress (kind 1: the new `.1`; kind 2: delaycompress, the `.2`).
                let n = files.len();
                let target = match kind {
                    1 | 3 if next() % 2 == 0 => n.checked_sub(2),
                    2 => n.checked_sub(3),
                    _ => None,
                };
                if let Some(k) = target
                    && !files[k].compressed
                {
                    // A compressed file is complete: its writer finished the line.
                    let t = files[k].text;
                    if texts[t].last().is_some_and(|&b| b != b'\n') {
                        texts[t].extend_from_slice(b"ne\n");
                    }
                    files[k].compressed = true;
                    files[k].ino = inos;
                    inos += 1;
                    files[k].name.push_str(".gz");
                }
                // Some writes between two rotations.
                let live = files.len() - 1;
                let t = files[live].text;
                if next() % 2 == 0 {
                    write(&mut texts, t, 1 + next() % 5, false);
                }
            }
            // The oldest go once read to their end (logrotate's `rotate 6`).
            while files.len() > 7 && read_to[files[0].text] == texts[files[0].text].len() as u64 {
                files.remove(0);
            }
            let members: Vec<Member> = files
                .iter()
                .map(|f| {
                    let m = plain(&f.name, &texts[f.text], f.ino);
                    if f.compressed {
                        archive(&f.name, &texts[f.text], f.ino)
                    } else {
                        m
                    }
                })
                .collect();
            let mut r = resolve(&st, &set(members));
            assert!(r.gaps.is_empty(), "seed {seed} cycle {cycle}: {:?}", r.gaps);
            let reads = r.reads.clone();
            for (k, rd) in reads.iter().enumerate() {
                let f = files
                    .iter()
                    .find(|f| Path::new(DIR).join(&f.name) == rd.path)
                    .unwrap();
                let t = f.text;
                assert_eq!(
                    rd.start, read_to[t],
                    "seed {seed} cycle {cycle}: {} starts at {} but text {t} was read to {}",
                    f.name, rd.start, read_to[t]
                );
                let end = rd.end.unwrap_or(texts[t].len() as u64);
                read_to[t] = end;
                r.advance(k, end, 0);
            }
            st = r.next;
        }
        // Every text is read to its last complete line (archives: whole).
        for f in &files {
            let t = f.text;
            let want = if f.compressed {
                texts[t].len() as u64
            } else {
                complete(&texts[t])
            };
            assert_eq!(
                read_to[t],
                want,
                "seed {seed}: {} text {t} len {} compressed {}",
                f.name,
                texts[t].len(),
                f.compressed
            );
        }
        // Texts no longer on disk were read whole.
        for (t, text) in texts.iter().enumerate() {
            if files.iter().all(|f| f.text != t) {
                assert_eq!(read_to[t], text.len() as u64, "seed {seed}: text {t}");
            }
        }
    }
}
