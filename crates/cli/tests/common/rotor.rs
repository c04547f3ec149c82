//! A log writer that rotates its files the ways logrotate and operators do, for the cron
//! harness (tests/cron.rs). It keeps, outside the files, the decoded text of every file
//! in the directory and how much of it the runs committed so far have read, so the test
//! knows, without asking axlog, which lines must be counted and which were lost on
//! purpose (a file deleted before it was read to its end) and how many bytes the run
//! after a loss must report as a gap.

use super::generate::generated;
use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};

/// A small deterministic generator (xorshift64*): the harness is seeded and replayable.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comp {
    Plain,
    Gzip,
    Zstd,
}

impl Comp {
    fn suffix(self) -> &'static str {
        match self {
            Comp::Plain => "",
            Comp::Gzip => ".gz",
            Comp::Zstd => ".zst",
        }
    }
}

/// How rotated files are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// `access.log.1`, `access.log.2.gz`, …: every rotation shifts the older ones.
    Numbered,
    /// `access.log-20261201[.gz]`: logrotate's `dateext`, one new name per rotation.
    DateExt,
}

/// One way of rotating, as logrotate (or an operator) does it between two runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// `create`: the live file is renamed, a new empty one takes its name.
    RenameCreate,
    /// `compress` without `delaycompress`: renamed, then compressed with gzip.
    RenameGzip,
    /// The same with zstd.
    RenameZstd,
    /// `compress` + `delaycompress`: renamed; the previous rotated file is gzipped now.
    DelayCompress,
    /// `copytruncate`: copied to the rotated name, then truncated in place.
    CopyTruncate,
    /// `copytruncate` + `compress`.
    CopyTruncateGzip,
    /// The live file is deleted with lines the runs have not read, a new one is created.
    DeleteUnread,
    /// Another file is renamed over the live file (its unread lines are lost).
    Replace,
}

pub const ROTATIONS: [Rotation; 8] = [
    Rotation::RenameCreate,
    Rotation::RenameGzip,
    Rotation::RenameZstd,
    Rotation::DelayCompress,
    Rotation::CopyTruncate,
    Rotation::CopyTruncateGzip,
    Rotation::DeleteUnread,
    Rotation::Replace,
];

/// A file of the directory as the writer knows it.
#[derive(Debug, Clone)]
struct File {
    name: String,
    comp: Comp,
    /// Its decoded text.
    text: String,
    /// Bytes of `text` the committed runs have counted (complete lines).
    read: usize,
    /// Its size when the last committed run looked at it (0: not seen).
    seen: usize,
}

/// Rotated files kept: older ones are deleted (always read by then: a run commits
/// between rotations, at most two rotations apart).
const KEEP: usize = 6;

pub struct Rotor {
    dir: PathBuf,
    base: String,
    naming: Naming,
    files: Vec<File>,
    /// The rest of a line written only in part, written first next time.
    pending: String,
    seed: u64,
    day: u32,
    /// Every line a committed run has counted or will count: the reference log's text.
    counted: String,
    /// Lines lost on purpose (deleted unread).
    pub lost_bytes: u64,
    /// The gap bytes the next committed run must report, summed over the test.
    pub expected_gap_bytes: u64,
    /// Gaps to be reported by the next committed run.
    gap_due: u64,
    /// The rotations since the last commit, for a failure's message.
    pub log: Vec<String>,
}

impl Rotor {
    pub fn new(dir: &Path, naming: Naming, seed: u64) -> Self {
        let base = "access.log".to_string();
        fs::write(dir.join(&base), b"").unwrap();
        Rotor {
            dir: dir.to_path_buf(),
            files: vec![File {
                name: base.clone(),
                comp: Comp::Plain,
                text: String::new(),
                read: 0,
                seen: 0,
            }],
            base,
            naming,
            pending: String::new(),
            seed,
            day: 1,
            counted: String::new(),
            lost_bytes: 0,
            expected_gap_bytes: 0,
            gap_due: 0,
            log: Vec::new(),
        }
    }

    /// The live file's path (what the crontab names).
    pub fn live(&self) -> PathBuf {
        self.dir.join(&self.base)
    }

    fn live_index(&self) -> usize {
        self.files
            .iter()
            .position(|f| f.name == self.base)
            .expect("the live file is tracked")
    }

    fn append(&mut self, text: &str) {
        super::append(&self.live(), text);
        let i = self.live_index();
        self.files[i].text.push_str(text);
    }

    /// Appends `n` generated lines, the last one left unfinished when `cut`.
    pub fn write(&mut self, n: u64, cut: bool) {
        let rest = std::mem::take(&mut self.pending);
        self.append(&rest);
        self.seed += 1;
        let text = generated(axlog_testgen::Format::NginxTimed, n, self.seed);
        if cut && text.len() > 2 {
            // Cut inside the last line, never at its start (that would be no cut).
            let last_start = text[..text.len() - 1].rfind('\n').map_or(0, |i| i + 1);
            let at = (last_start + 1 + (text.len() - last_start) / 2).min(text.len() - 1);
            if text.is_char_boundary(at) && at > last_start {
                self.append(&text[..at]);
                self.pending = text[at..].to_string();
                return;
            }
        }
        self.append(&text);
    }

    /// Marks everything there as read by a run that committed: the harness writes
    /// nothing while a run reads, so a committed run read every complete line.
    pub fn commit(&mut self) -> String {
        let mut new = String::new();
        for f in &mut self.files {
            let complete = match f.comp {
                Comp::Plain => f.text.rfind('\n').map_or(0, |i| i + 1),
                // Archives are read whole (the writer ends lines before rotating).
                _ => f.text.len(),
            };
            if complete > f.read {
                new.push_str(&f.text[f.read..complete]);
            }
            f.read = f.read.max(complete);
            f.seen = f.text.len();
        }
        self.expected_gap_bytes += self.gap_due;
        self.gap_due = 0;
        self.counted.push_str(&new);
        new
    }

    /// The files there now: name, decoded size, bytes counted (for a failure's message).
    pub fn describe(&self) -> String {
        self.files
            .iter()
            .map(|f| format!("{} {}/{} ", f.name, f.read, f.text.len()))
            .collect()
    }

    /// What the reference run reads: every line counted, plus the complete lines not read
    /// yet (the final run reads them).
    pub fn reference(&self) -> String {
        self.counted.clone()
    }

    /// Rotates once; the line being written is finished first (nginx writes whole lines).
    pub fn rotate(&mut self, kind: Rotation) {
        self.log.push(format!("{kind:?}"));
        let rest = std::mem::take(&mut self.pending);
        self.append(&rest);
        if self.files[self.live_index()].text.is_empty() {
            return; // `notifempty`
        }
        match kind {
            Rotation::RenameCreate => {
                let to = self.make_room();
                let live = self.live_index();
                self.rename(live, &to);
                self.create_live();
            }
            Rotation::RenameGzip | Rotation::RenameZstd => {
                let to = self.make_room();
                let live = self.live_index();
                let i = self.rename(live, &to);
                self.create_live();
                let comp = if kind == Rotation::RenameGzip {
                    Comp::Gzip
                } else {
                    Comp::Zstd
                };
                self.compress(i, comp);
            }
            Rotation::DelayCompress => {
                let to = self.make_room();
                let live = self.live_index();
                // The previous rotated file, plain until now, is compressed.
                let prev = self
                    .files
                    .iter()
                    .position(|f| f.name != self.base && f.comp == Comp::Plain && f.name != to);
                self.rename(live, &to);
                self.create_live();
                if let Some(p) = prev {
                    self.compress(p, Comp::Gzip);
                }
            }
            Rotation::CopyTruncate | Rotation::CopyTruncateGzip => {
                let to = self.make_room();
                let live = self.live_index();
                fs::copy(self.live(), self.dir.join(&to)).unwrap();
                OpenOptions::new()
                    .write(true)
                    .open(self.live())
                    .unwrap()
                    .set_len(0)
                    .unwrap();
                let mut copy = self.files[live].clone();
                copy.name = to;
                let f = &mut self.files[live];
                f.text.clear();
                f.read = 0;
                f.seen = 0;
                self.files.push(copy);
                if kind == Rotation::CopyTruncateGzip {
                    let i = self.files.len() - 1;
                    self.compress(i, Comp::Gzip);
                }
            }
            Rotation::DeleteUnread => {
                let live = self.live_index();
                fs::remove_file(self.live()).unwrap();
                let gone = self.files.remove(live);
                self.lose(&gone);
                self.create_live();
            }
            Rotation::Replace => {
                self.seed += 1;
                let text = generated(axlog_testgen::Format::NginxTimed, 5, self.seed);
                let tmp = self.dir.join("replacement.tmp");
                fs::write(&tmp, &text).unwrap();
                fs::rename(&tmp, self.live()).unwrap();
                let live = self.live_index();
                let gone = self.files.remove(live);
                self.lose(&gone);
                self.files.push(File {
                    name: self.base.clone(),
                    comp: Comp::Plain,
                    text,
                    read: 0,
                    seen: 0,
                });
            }
        }
    }

    /// A file deleted with `text[read..]` unread: those lines are lost; the run after
    /// reports what it knew was unread (its size when last seen minus what was read).
    fn lose(&mut self, f: &File) {
        self.lost_bytes += (f.text.len() - f.read) as u64;
        self.gap_due += f.seen.saturating_sub(f.read) as u64;
    }

    fn create_live(&mut self) {
        fs::write(self.live(), b"").unwrap();
        self.files.push(File {
            name: self.base.clone(),
            comp: Comp::Plain,
            text: String::new(),
            read: 0,
            seen: 0,
        });
    }

    /// Renames file `i` to `to`: its index.
    fn rename(&mut self, i: usize, to: &str) -> usize {
        fs::rename(self.dir.join(&self.files[i].name), self.dir.join(to)).unwrap();
        self.files[i].name = to.to_string();
        i
    }

    /// Compresses file `i` in place (`name` → `name.gz`), as logrotate does: the
    /// archive is written, then the plain file removed.
    fn compress(&mut self, i: usize, comp: Comp) {
        let f = &self.files[i];
        let to = format!("{}{}", f.name, comp.suffix());
        let bytes = match comp {
            Comp::Gzip => super::gzip(f.text.as_bytes()),
            Comp::Zstd => zstd::encode_all(f.text.as_bytes(), 3).unwrap(),
            Comp::Plain => f.text.clone().into_bytes(),
        };
        fs::write(self.dir.join(&to), bytes).unwrap();
        fs::remove_file(self.dir.join(&f.name)).unwrap();
        let f = &mut self.files[i];
        f.name = to;
        f.comp = comp;
    }

    /// The name the live file rotates to, the older files moved out of its way first.
    fn make_room(&mut self) -> String {
        match self.naming {
            Naming::DateExt => {
                self.day += 1;
                format!("{}-202612{:02}", self.base, self.day)
            }
            Naming::Numbered => {
                let number = |name: &str, base: &str| -> Option<usize> {
                    let rest = name.strip_prefix(base)?.strip_prefix('.')?;
                    let digits = rest.split('.').next()?;
                    digits.parse().ok()
                };
                let mut olders: Vec<(usize, usize)> = self
                    .files
                    .iter()
                    .enumerate()
                    .filter_map(|(i, f)| number(&f.name, &self.base).map(|n| (n, i)))
                    .collect();
                olders.sort_unstable_by(|a, b| b.cmp(a));
                let mut drop = Vec::new();
                for (n, i) in olders {
                    if n >= KEEP {
                        fs::remove_file(self.dir.join(&self.files[i].name)).unwrap();
                        drop.push(i);
                        continue;
                    }
                    let to = format!("{}.{}{}", self.base, n + 1, self.files[i].comp.suffix());
                    self.rename(i, &to);
                }
                drop.sort_unstable_by(|a, b| b.cmp(a));
                for i in drop {
                    let gone = self.files.remove(i);
                    assert_eq!(gone.read, gone.text.len(), "{} deleted unread", gone.name);
                }
                format!("{}.1", self.base)
            }
        }
    }
}
