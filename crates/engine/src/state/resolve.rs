//! From the state and the files there now to the byte ranges a run reads (design §2):
//! each file of a rotated set is found again by its fingerprint, whatever its name,
//! inode or compression is now, and read from where the last run stopped; files the
//! state never saw are read whole when they are newer than what it saw; files it saw and
//! that are gone before being read to their end are gaps. [`resolve`] is pure logic over
//! [`Member`]s (what a look at the directory found);
//! [`members_of`](super::members::members_of) takes that look.
//!
//! The rules, in order:
//! 1. **Match** each stored file to a member whose head has its fingerprint; ties go to
//!    the same `(dev, ino)`, then to a plain file (a `.1` being compressed is still whole,
//!    its `.1.gz` not yet), then to the older. A plain member smaller than the stored
//!    offset is not that file (the same first bytes, other content). A member that
//!    matches a file already matched by another is a copy of known content: not read.
//! 2. **A new set** (not in the state): the members the command line named are read from
//!    0; the others are history, recorded as seen (plain: up to their last complete line;
//!    archives: done) and not read. A set the state knows with no file (all its files were
//!    empty or gone at the last run) is known: whatever it holds now came since.
//! 3. **A known set**: before the first matched member (rotation order, oldest first),
//!    members are history, recorded and not read; from it on, matched members are read
//!    from their offset, unmatched ones from 0 (several rotations since the last run).
//!    A file with skipped ranges (counted by a read that failed part-way, see
//!    [`settle`](super::settle)) gives one read per hole between them.
//!    No member matched: all are newer than what the state saw, and all are read from 0.
//! 4. **Ends**: a plain member is read to its last complete line (a line still being
//!    written is left for the next run); an archive to its decoded end (it is complete,
//!    and done once read).
//! 5. **Gaps**: a stored file matched by no member and not read to its end is a gap of at
//!    least `size - offset` bytes (what was written after the last run is unknowable),
//!    reported once and dropped from the state.

use super::{FileEntry, SetEntry, State};
use crate::Span;
use axlog_input::{Compression, FileStat, Fingerprint, Head};
use std::path::{Path, PathBuf};

/// One file of a rotated set as found now.
#[derive(Debug, Clone)]
pub struct Member {
    pub path: PathBuf,
    /// Its file name (stored as `seen_as`).
    pub name: String,
    /// Its first decoded bytes: matched against stored fingerprints.
    pub head: Head,
    pub stat: FileStat,
    pub compression: Compression,
    /// For a plain file, the byte after its last `\n` (0 when it has none) when it was
    /// looked at: where a read of complete lines ends. `None` for an archive.
    pub line_end: Option<u64>,
    /// The command line named it (not only its set).
    pub named: bool,
}

/// A rotated set as found now: its members in rotation order, oldest first.
#[derive(Debug, Clone)]
pub struct Set {
    pub dir: String,
    pub base: String,
    /// The name its rows are reported under.
    pub label: String,
    pub members: Vec<Member>,
}

/// A range of one file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub path: PathBuf,
    /// Where its entry is in [`Resolution::next`]: `next.sets[set].files[file]`.
    pub set: usize,
    pub file: usize,
    /// The decoded byte the read starts at (lines starting at or after it).
    pub start: u64,
    /// Where it ends (plain files: after the last complete line); `None`: the decoded end
    /// of an archive.
    pub end: Option<u64>,
    /// Lines of the file before `start`, so line numbers stay the file's own.
    pub lines_before: u64,
    pub fp: Fingerprint,
    pub compression: Compression,
    /// Decoded bytes the state saw the file hold (0 when new): what an archive that
    /// cannot be decoded to its end has at least.
    pub seen_size: u64,
    /// What of the file was counted before this run (nothing when new): with the reads'
    /// outcomes, what [`Resolution::settle`] commits.
    pub counted: Counted,
}

/// What of a file earlier runs counted: the lines starting before `offset` (`lines` of
/// them), and the ranges in `skip` past it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counted {
    pub offset: u64,
    pub lines: u64,
    pub skip: Vec<Span>,
}

/// Why a stored file's unread bytes cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapKind {
    /// No file of the set has its first bytes any more: deleted before it was read to its
    /// end.
    Gone,
    /// Another file has its name now, and none its first bytes.
    Replaced,
    /// A file with its first bytes is there, but shorter than what was already read.
    Shrunk,
    /// An archive that cannot be decoded past some byte (cut or corrupt): what follows
    /// that byte is lost (set by the run that met the damage, not by [`resolve`]).
    Damaged,
}

/// Bytes that were written and will never be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// The file as last seen.
    pub path: PathBuf,
    pub fp: Fingerprint,
    /// Its size when last seen minus the offset read: what was written after that is not
    /// known, so this is a lower bound.
    pub bytes_at_least: u64,
    pub why: GapKind,
}

/// What a run reads, the gaps it reports, and the state once the reads are done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// In the order to read them: sets as given, each in rotation order.
    pub reads: Vec<Read>,
    pub gaps: Vec<Gap>,
    /// The state to commit after the reads succeed: plain files' offsets are the reads'
    /// ends, archives are done; [`Resolution::advance`] adds what only the read knows.
    /// Its `generation` is the state's plus one.
    pub next: State,
}

impl Resolution {
    /// Records what read `k` counted: it ended at decoded byte `end` (for an archive,
    /// its decoded size) having read `lines` lines.
    pub fn advance(&mut self, k: usize, end: u64, lines: u64) {
        let Some(read) = self.reads.get(k) else {
            return;
        };
        let Some(entry) = self
            .next
            .sets
            .get_mut(read.set)
            .and_then(|s| s.files.get_mut(read.file))
        else {
            return;
        };
        entry.offset = end;
        entry.size = entry.size.max(end);
        entry.lines = read.lines_before.saturating_add(lines);
    }
}

/// The reads that bring `state` up to date with `sets`, and the state after them.
/// Stored sets not in `sets` are kept as they are.
pub fn resolve(state: &State, sets: &[Set]) -> Resolution {
    let mut next = state.clone();
    next.generation = state.generation.saturating_add(1);
    let mut reads = Vec::new();
    let mut gaps = Vec::new();
    for set in sets {
        let at = next
            .sets
            .iter()
            .position(|s| s.dir == set.dir && s.base == set.base);
        let stored = at.map(|k| next.sets[k].clone());
        let set_index = at.unwrap_or(next.sets.len());
        let mut out = SetOut {
            set: set_index,
            files: Vec::new(),
            reads: Vec::new(),
        };
        match stored.as_ref() {
            None => {
                // Rule 2: a set seen for the first time.
                for m in &set.members {
                    if m.named {
                        out.read_new(m);
                    } else {
                        out.history(m);
                    }
                }
            }
            Some(stored) => {
                let gone = out.known(&set.dir, stored, &set.members);
                gaps.extend(gone);
            }
        }
        let entry = SetEntry {
            dir: set.dir.clone(),
            base: set.base.clone(),
            label: set.label.clone(),
            layout: stored.and_then(|s| s.layout),
            files: out.files,
        };
        match at {
            Some(k) => next.sets[k] = entry,
            None => next.sets.push(entry),
        }
        reads.extend(out.reads);
    }
    Resolution { reads, gaps, next }
}

/// One set's new entries and reads, built member by member.
struct SetOut {
    set: usize,
    files: Vec<FileEntry>,
    reads: Vec<Read>,
}

impl SetOut {
    /// Records `m` as read to its end and reads what `counted` leaves of it: from its
    /// offset, minus the ranges it skips (one read per hole). An empty member has no
    /// fingerprint and nothing to read: not recorded.
    fn read_from(&mut self, m: &Member, counted: Counted, seen: u64) {
        let Some(fp) = m.head.fingerprint() else {
            return;
        };
        let start = counted.offset;
        let file = self.files.len();
        let (offset, size, done) = match m.line_end {
            // Rule 4: plain, to the last complete line.
            Some(end) => (end.max(start), m.stat.size, false),
            // An archive, to its decoded end (the read's outcome sets offset and size).
            None => (start, start, true),
        };
        self.files
            .push(entry(m, fp, offset, size, counted.lines, done));
        let end = m.line_end.map(|e| e.max(start));
        // The holes: from the offset to the first skipped range, between skipped ranges,
        // and from the last to the end. Line numbers past a hole not yet read are those
        // of the lines counted before it (the hole's own are not known yet).
        let mut holes = Vec::new();
        let (mut at, mut lines_before) = (start, counted.lines);
        for s in &counted.skip {
            let to = end.map_or(s.start, |e| s.start.min(e));
            if to > at {
                holes.push((at, Some(to), lines_before));
            }
            at = at.max(s.end);
            lines_before += s.lines;
        }
        match end {
            Some(e) if e > at => holes.push((at, Some(e), lines_before)),
            Some(_) => {}
            // An archive is read to its decoded end, to learn where that is.
            None => holes.push((at, None, lines_before)),
        }
        for (start, end, lines_before) in holes {
            self.reads.push(Read {
                path: m.path.clone(),
                set: self.set,
                file,
                start,
                end,
                lines_before,
                fp,
                compression: m.compression,
                seen_size: seen,
                counted: counted.clone(),
            });
        }
    }

    fn read_new(&mut self, m: &Member) {
        self.read_from(m, Counted::default(), 0);
    }

    /// Records `m` as seen and not to be read: older than anything the state follows.
    fn history(&mut self, m: &Member) {
        let Some(fp) = m.head.fingerprint() else {
            return;
        };
        // A plain file may still grow (a `.1` until the writer reopens): what comes
        // after its last complete line now is new.
        let (offset, done) = match m.line_end {
            Some(end) => (end, false),
            None => (0, true),
        };
        self.files.push(entry(m, fp, offset, offset, 0, done));
    }

    /// Rules 1, 3 and 5 for a set the state knows; returns its gaps.
    fn known(&mut self, dir: &str, stored: &SetEntry, members: &[Member]) -> Vec<Gap> {
        let entries = &stored.files;
        let mut entry_of: Vec<Option<usize>> = vec![None; members.len()];
        let mut member_of: Vec<Option<usize>> = vec![None; entries.len()];
        let mut shrunk = vec![false; entries.len()];
        // Longer fingerprints first: they say more, a short one may be a prefix of two.
        let mut by_len: Vec<usize> = (0..entries.len()).collect();
        by_len.sort_by_key(|&k| std::cmp::Reverse(entries[k].fp.len));
        for k in by_len {
            let e = &entries[k];
            let mut best: Option<(usize, (bool, bool, usize))> = None;
            for (i, m) in members.iter().enumerate() {
                if entry_of[i].is_some() || !e.fp.matches(&m.head) {
                    continue;
                }
                if m.line_end.is_some() && m.stat.size < e.counted_end() {
                    shrunk[k] = true;
                    continue;
                }
                let same_inode = m.stat.dev == e.dev && m.stat.ino == e.ino;
                let key = (!same_inode, m.line_end.is_none(), i);
                if best.is_none_or(|(_, b)| key < b) {
                    best = Some((i, key));
                }
            }
            if let Some((i, _)) = best {
                entry_of[i] = Some(k);
                member_of[k] = Some(i);
            }
        }
        let copy_of_known = |m: &Member| {
            entries
                .iter()
                .zip(&member_of)
                .any(|(e, by)| by.is_some() && e.fp.matches(&m.head))
        };
        let first = entry_of.iter().position(Option::is_some);
        for (i, m) in members.iter().enumerate() {
            match entry_of[i] {
                Some(k) => {
                    let e = &entries[k];
                    if e.done {
                        // Read to its end already; kept while the file is there.
                        let mut kept = e.clone();
                        refresh(&mut kept, m);
                        self.files.push(kept);
                    } else {
                        let counted = Counted {
                            offset: e.offset,
                            lines: e.lines,
                            skip: e.skip.clone(),
                        };
                        self.read_from(m, counted, e.size);
                    }
                }
                None if copy_of_known(m) => {}
                None if first.is_some_and(|f| i < f) => self.history(m),
                None => self.read_new(m),
            }
        }
        // Rule 5.
        let mut gaps = Vec::new();
        for (k, e) in entries.iter().enumerate() {
            let unread = e.size.saturating_sub(e.offset).saturating_sub(e.skipped());
            if member_of[k].is_some() || e.done || unread == 0 {
                continue;
            }
            let why = if shrunk[k] {
                GapKind::Shrunk
            } else if members.iter().any(|m| m.name == e.seen_as) {
                GapKind::Replaced
            } else {
                GapKind::Gone
            };
            gaps.push(Gap {
                path: Path::new(dir).join(&e.seen_as),
                fp: e.fp,
                bytes_at_least: unread,
                why,
            });
        }
        gaps
    }
}

fn entry(m: &Member, fp: Fingerprint, offset: u64, size: u64, lines: u64, done: bool) -> FileEntry {
    FileEntry {
        fp,
        dev: m.stat.dev,
        ino: m.stat.ino,
        seen_as: m.name.clone(),
        compression: m.compression.name().to_string(),
        offset,
        size,
        mtime_ns: m.stat.mtime_ns,
        lines,
        skip: Vec::new(),
        done,
    }
}

/// A stored entry brought up to what its file looks like now (name, inode, a
/// fingerprint over a longer prefix).
fn refresh(e: &mut FileEntry, m: &Member) {
    if let Some(fp) = m.head.fingerprint() {
        e.fp = fp;
    }
    e.dev = m.stat.dev;
    e.ino = m.stat.ino;
    e.seen_as = m.name.clone();
    e.compression = m.compression.name().to_string();
    e.mtime_ns = m.stat.mtime_ns;
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
pub(crate) mod tests;
