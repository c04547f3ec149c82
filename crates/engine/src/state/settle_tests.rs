//! What a run's reads commit ([`Resolution::settle`]) when a split read fails part-way:
//! the chunks it parsed are kept as skipped ranges, the next run reads only the holes,
//! across the file's compression, and every line is counted once. States and members are
//! built by hand as in the resolver's tests, whose helpers these use.

use super::ReadEnd;
use crate::spans::Span;
use crate::state::resolve::tests::*;
use crate::state::resolve::*;
use crate::state::*;
use axlog_input::FP_MAX;
use std::path::Path;

/// The byte after each line of `bytes` (its line ends), in order.
fn line_ends(bytes: &[u8]) -> Vec<u64> {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i as u64 + 1)
        .collect()
}

/// The span of lines `from..to` (0-based, `to` excluded) of a text with `ends`.
fn lines_span(ends: &[u64], from: usize, to: usize) -> Span {
    Span {
        start: if from == 0 { 0 } else { ends[from - 1] },
        end: ends[to - 1],
        lines: (to - from) as u64,
    }
}

#[test]
fn a_failed_split_read_keeps_its_parsed_chunks_and_the_next_run_reads_the_holes() {
    let a = text("A", 40);
    let ends = line_ends(&a);
    // The last run read lines 0..10.
    let st = state(vec![stored("access.log", &a, 10, ends[9], 10)]);
    let r0 = resolve(&st, &set(vec![plain("access.log", &a, 10)]));
    assert_eq!(
        reads(&r0),
        [s("access.log", ends[9], Some(a.len() as u64), 10)]
    );
    // This run's read failed: it parsed lines 10..15, then 20..28 and 33..36 (chunks past
    // the failing one), not the others.
    let mut r = r0.clone();
    let parsed = vec![
        lines_span(&ends, 10, 15),
        lines_span(&ends, 20, 28),
        lines_span(&ends, 33, 36),
    ];
    r.settle(&[ReadEnd::Failed {
        parsed: parsed.clone(),
        damaged: false,
    }]);
    assert!(r.gaps.is_empty());
    let e = &r.next.sets[0].files[0];
    assert_eq!((e.offset, e.lines, e.done), (ends[14], 15, false));
    assert_eq!(e.skip, parsed[1..]);
    // The state reads back with its skipped ranges.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("web.state");
    crate::state::write_atomic(&path, &r.next).unwrap();
    let st2 = crate::state::load(&path).unwrap();
    assert_eq!(st2, r.next);

    // Next run: only the holes, each numbered after the lines counted before it.
    let r2 = resolve(&st2, &set(vec![plain("access.log", &a, 10)]));
    assert_eq!(
        reads(&r2),
        [
            s("access.log", ends[14], Some(ends[19]), 15),
            s("access.log", ends[27], Some(ends[32]), 23),
            s("access.log", ends[35], Some(a.len() as u64), 26),
        ]
    );
    // Read whole: every line once, offset at the end, nothing skipped any more.
    let mut r3 = r2.clone();
    r3.settle(&[
        ReadEnd::Whole {
            end: ends[19],
            lines: 5,
        },
        ReadEnd::Whole {
            end: ends[32],
            lines: 5,
        },
        ReadEnd::Whole {
            end: a.len() as u64,
            lines: 4,
        },
    ]);
    let e = &r3.next.sets[0].files[0];
    assert_eq!((e.offset, e.lines), (a.len() as u64, 40));
    assert!(e.skip.is_empty());
    // The holes' reads failing in turn: the first parsed half of it, the others whole.
    let mut r4 = r2;
    r4.settle(&[
        ReadEnd::Failed {
            parsed: vec![lines_span(&ends, 15, 17)],
            damaged: false,
        },
        ReadEnd::Whole {
            end: ends[32],
            lines: 5,
        },
        ReadEnd::Whole {
            end: a.len() as u64,
            lines: 4,
        },
    ]);
    let e = &r4.next.sets[0].files[0];
    assert_eq!((e.offset, e.lines), (ends[16], 17));
    assert_eq!(e.skip, [lines_span(&ends, 20, 40)]);
}

#[test]
fn skipped_ranges_follow_the_file_into_its_archive() {
    let a = text("A", 30);
    let ends = line_ends(&a);
    let mut e = stored("access.log", &a, 10, ends[4], 5);
    e.skip = vec![lines_span(&ends, 10, 20)];
    let st = state(vec![e.clone()]);
    // Rotated and compressed: the holes are read from the decoded text, the last to its
    // decoded end.
    let r = resolve(
        &st,
        &set(vec![
            archive("access.log.1.gz", &a, 20),
            plain("access.log", &text("B", 3), 21),
        ]),
    );
    assert_eq!(
        reads(&r),
        [
            s("access.log.1.gz", ends[4], Some(ends[9]), 5),
            s("access.log.1.gz", ends[19], None, 15),
            s("access.log", 0, Some(text("B", 3).len() as u64), 0),
        ]
    );
    let mut done = r.clone();
    done.settle(&[
        ReadEnd::Whole {
            end: ends[9],
            lines: 5,
        },
        ReadEnd::Whole {
            end: a.len() as u64,
            lines: 10,
        },
        ReadEnd::Whole {
            end: text("B", 3).len() as u64,
            lines: 3,
        },
    ]);
    let f = &done.next.sets[0].files[0];
    assert_eq!((f.offset, f.lines, f.done), (a.len() as u64, 30, true));
    assert!(f.skip.is_empty() && done.gaps.is_empty());

    // Damaged in the first hole: done, and what the state saw past it, less what was
    // counted, is lost.
    let mut bad = r;
    bad.settle(&[
        ReadEnd::Failed {
            parsed: vec![lines_span(&ends, 5, 7)],
            damaged: true,
        },
        ReadEnd::Failed {
            parsed: vec![],
            damaged: true,
        },
        ReadEnd::Whole {
            end: text("B", 3).len() as u64,
            lines: 3,
        },
    ]);
    let f = &bad.next.sets[0].files[0];
    assert_eq!((f.offset, f.lines, f.done), (ends[6], 7, true));
    assert!(f.skip.is_empty());
    let skipped = ends[19] - ends[9];
    assert_eq!(
        bad.gaps,
        [Gap {
            path: Path::new(DIR).join("access.log.1.gz"),
            fp: fp(&a),
            bytes_at_least: a.len() as u64 - ends[6] - skipped,
            why: GapKind::Damaged,
        }]
    );
}

#[test]
fn skipped_ranges_count_in_matches_and_gaps() {
    let a = text("A", 60);
    let ends = line_ends(&a);
    let mut e = stored("access.log", &a, 10, ends[4], 5);
    e.skip = vec![lines_span(&ends, 30, 40)];
    let st = state(vec![e]);
    // A file with A's first bytes but shorter than the skipped range's end is not A:
    // A is gone, and its unread bytes (not the skipped ones) are the gap.
    let short = a[..ends[34] as usize].to_vec();
    assert!(short.len() > FP_MAX);
    let r = resolve(&st, &set(vec![plain("access.log", &short, 10)]));
    assert_eq!(r.gaps.len(), 1);
    assert_eq!(r.gaps[0].why, GapKind::Shrunk);
    let skipped = ends[39] - ends[29];
    assert_eq!(r.gaps[0].bytes_at_least, a.len() as u64 - ends[4] - skipped);
}

/// Random failures of split reads (random chunks parsed, the others not), then runs
/// that read the holes: every line is counted once, and the state's line count is
/// exact at the end.
#[test]
fn random_failed_reads_count_every_line_once() {
    let a = text("A", 60);
    let ends = line_ends(&a);
    for seed in 1..=50u64 {
        let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut counted = vec![0u32; ends.len()];
        let mut st = State::default();
        for run in 0..30 {
            let r = resolve(&st, &set(vec![plain("access.log", &a, 1)]));
            if r.reads.is_empty() {
                break;
            }
            let mut out = Vec::new();
            for rd in &r.reads {
                let first = ends.iter().position(|&e| e > rd.start).unwrap();
                let last = ends.iter().position(|&e| Some(e) == rd.end).unwrap();
                // Lines first..=last in "chunks" of 1 to 4 lines, each parsed or not.
                let fail = run < 20 && next() % 2 == 0;
                let mut parsed = Vec::new();
                let mut k = first;
                while k <= last {
                    let to = (k + 1 + (next() % 4) as usize).min(last + 1);
                    if !fail || next() % 3 != 0 {
                        parsed.push(lines_span(&ends, k, to));
                        for c in &mut counted[k..to] {
                            *c += 1;
                        }
                    }
                    k = to;
                }
                out.push(match fail {
                    true => ReadEnd::Failed {
                        parsed: merge_touching(parsed),
                        damaged: false,
                    },
                    false => ReadEnd::Whole {
                        end: rd.end.unwrap(),
                        lines: (last + 1 - first) as u64,
                    },
                });
            }
            let mut r = r;
            r.settle(&out);
            st = r.next;
        }
        assert!(counted.iter().all(|&c| c == 1), "seed {seed}: {counted:?}");
        let e = &st.sets[0].files[0];
        assert_eq!((e.offset, e.lines), (a.len() as u64, 60), "seed {seed}");
        assert!(e.skip.is_empty());
    }
}

/// Spans as the engine hands them out: touching ones are one.
fn merge_touching(spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for s in spans {
        match out.last_mut() {
            Some(l) if l.end == s.start => {
                l.end = s.end;
                l.lines += s.lines;
            }
            _ => out.push(s),
        }
    }
    out
}
