//! What a run's reads commit to the state (design §2.2, §2.3): each file's counted
//! ranges (the offset's prefix and the skipped ranges past it) with what its reads
//! parsed added, then the offset moved to the end of what is counted without a break
//! from the file's start and the rest kept as skipped ranges. A read that went to its end
//! fills its hole; one that failed part-way adds what it parsed, which for a split file
//! may be chunks past a hole: the next run reads that hole only, so nothing is counted
//! twice and nothing is left out.

use super::resolve::{Gap, GapKind, Resolution};
use crate::Span;
use axlog_input::Compression;
use std::collections::BTreeMap;

/// How a read ended, as the run that made it saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadEnd {
    /// At its end: `end` (for an archive, its decoded end), having read `lines` lines.
    Whole { end: u64, lines: u64 },
    /// Failed part-way, having parsed the lines of `parsed`. `damaged`: an archive that
    /// cannot be decoded further (archives do not change: a retry would fail the same).
    Failed { parsed: Vec<Span>, damaged: bool },
}

impl Resolution {
    /// Commits the reads' outcomes (`ends[k]` is read `k`'s; a read without one counts
    /// as failed having parsed nothing) to [`Resolution::next`], and adds a gap for each
    /// damaged archive.
    pub fn settle(&mut self, ends: &[ReadEnd]) {
        let mut by_file: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
        for (k, r) in self.reads.iter().enumerate() {
            by_file.entry((r.set, r.file)).or_default().push(k);
        }
        for ((set, file), ks) in by_file {
            let first = &self.reads[ks[0]];
            let c = &first.counted;
            let mut pieces = vec![Span {
                start: 0,
                end: c.offset,
                lines: c.lines,
            }];
            pieces.extend(c.skip.iter().copied());
            let (mut whole, mut damaged) = (true, false);
            for &k in &ks {
                match ends.get(k) {
                    Some(ReadEnd::Whole { end, lines }) => pieces.push(Span {
                        start: self.reads[k].start,
                        end: *end,
                        lines: *lines,
                    }),
                    Some(ReadEnd::Failed { parsed, damaged: d }) => {
                        whole = false;
                        damaged |= d;
                        pieces.extend(parsed.iter().copied());
                    }
                    None => whole = false,
                }
            }
            let (prefix, mut rest) = merge(pieces);
            let archive = first.compression != Compression::None;
            if damaged {
                let lost = first
                    .seen_size
                    .saturating_sub(prefix.end)
                    .saturating_sub(rest.iter().map(|s| s.end - s.start).sum());
                self.gaps.push(Gap {
                    path: first.path.clone(),
                    fp: first.fp,
                    bytes_at_least: lost,
                    why: GapKind::Damaged,
                });
                // Nothing more will be read of it.
                rest.clear();
            }
            let Some(entry) = self
                .next
                .sets
                .get_mut(set)
                .and_then(|s| s.files.get_mut(file))
            else {
                continue;
            };
            let counted_end = rest.last().map_or(prefix.end, |s| s.end);
            entry.offset = prefix.end;
            entry.lines = prefix.lines;
            entry.size = entry.size.max(counted_end);
            entry.skip = rest;
            entry.done = archive && (whole || damaged);
        }
    }
}

/// `pieces` (the first from byte 0) merged where they touch: the one from byte 0, and
/// the others in order.
fn merge(mut pieces: Vec<Span>) -> (Span, Vec<Span>) {
    pieces.sort_by_key(|s| (s.start, s.end));
    let mut out: Vec<Span> = Vec::new();
    for p in pieces {
        match out.last_mut() {
            Some(last) if p.start <= last.end => {
                last.end = last.end.max(p.end);
                last.lines += p.lines;
            }
            // Nothing parsed in it: no range to keep.
            Some(_) if p.end <= p.start => {}
            _ => out.push(p),
        }
    }
    let mut out = out.into_iter();
    let prefix = out.next().unwrap_or_default();
    (prefix, out.collect())
}

#[cfg(test)]
#[path = "settle_tests.rs"]
mod tests;
