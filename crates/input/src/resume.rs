//! What a later run needs to find a file again and to know where its complete lines end:
//! a [`Fingerprint`] of the first bytes of its decoded text (so `access.log.1` and
//! `access.log.1.gz` are recognised as one file), its [`FileStat`] (device, inode, size,
//! modification time: hints, never identity) and [`last_line_end`].
//!
//! The fingerprint's hash is FNV-1a 64 (offset basis `0xcbf29ce484222325`, prime
//! `0x100000001b3`, one byte at a time), written here: its values are stored in state
//! files, so it must never change with a dependency's version.

use crate::{InputError, Source};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The most bytes a fingerprint covers.
pub const FP_MAX: usize = 1024;

/// The first `len` bytes (at most [`FP_MAX`]) of a file's decoded text after its leading
/// NUL bytes, hashed. A file shorter than [`FP_MAX`] gets a shorter fingerprint, which
/// a later run recomputes as the file grows (see [`Fingerprint::matches`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    /// Bytes hashed: `min(FP_MAX, decoded size - nul_skip)`, never 0.
    pub len: u32,
    /// FNV-1a 64 of those bytes.
    pub hash: u64,
    /// Leading NUL bytes skipped before them: a writer without `O_APPEND` goes on at its
    /// old offset after `copytruncate`, leaving a sparse hole that reads as NULs.
    pub nul_skip: u64,
}

/// A file's first decoded bytes after its leading NULs (at most [`FP_MAX`]), to
/// fingerprint or to compare with a stored fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The leading NUL bytes skipped.
    pub nul_skip: u64,
    /// The bytes after them, at most [`FP_MAX`].
    pub bytes: Vec<u8>,
}

impl Head {
    /// The head of `path`'s decoded text (plain or any archive [`Source::open`] decodes).
    pub fn of(path: &Path) -> Result<Head, InputError> {
        let source = Source::Path(path.to_path_buf());
        let name = source.name();
        Head::read(source.open()?).map_err(|e| InputError::Read {
            name,
            offset: 0,
            source: e,
        })
    }

    /// The head of `reader`'s bytes.
    pub fn read(reader: impl Read) -> io::Result<Head> {
        let mut reader = io::BufReader::with_capacity(64 << 10, reader);
        let mut nul_skip = 0u64;
        // Skip the NULs a block at a time: a hole may be large.
        loop {
            let buf = io::BufRead::fill_buf(&mut reader)?;
            if buf.is_empty() {
                return Ok(Head {
                    nul_skip,
                    bytes: Vec::new(),
                });
            }
            let all = buf.len();
            let n = buf.iter().position(|&b| b != 0).unwrap_or(all);
            io::BufRead::consume(&mut reader, n);
            nul_skip += n as u64;
            if n < all {
                break;
            }
        }
        let mut bytes = Vec::with_capacity(FP_MAX);
        reader.take(FP_MAX as u64).read_to_end(&mut bytes)?;
        Ok(Head { nul_skip, bytes })
    }

    /// The fingerprint of this head: `None` when it is empty (an empty file, or NULs
    /// only), which has nothing to resume.
    pub fn fingerprint(&self) -> Option<Fingerprint> {
        if self.bytes.is_empty() {
            return None;
        }
        let len = self.bytes.len().min(FP_MAX);
        Some(Fingerprint {
            len: len as u32,
            hash: fnv1a64(&self.bytes[..len]),
            nul_skip: self.nul_skip,
        })
    }
}

/// The fingerprint of `path`'s decoded text; `None` for an empty file (or NULs only).
pub fn fingerprint(path: &Path) -> Result<Option<Fingerprint>, InputError> {
    Ok(Head::of(path)?.fingerprint())
}

impl Fingerprint {
    /// Whether a file whose head is `head` is the file this fingerprint was taken of:
    /// it has at least `len` bytes and its first `len` hash the same. A file that was
    /// shorter when fingerprinted and has grown since still matches (its prefix is the
    /// same); the count of leading NULs is not compared (the text after them is).
    pub fn matches(&self, head: &Head) -> bool {
        let len = self.len as usize;
        len > 0 && head.bytes.len() >= len && fnv1a64(&head.bytes[..len]) == self.hash
    }
}

/// FNV-1a, 64 bits: a stable format (stored in state files), not a fast hash.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// What `stat` says of a file: device and inode break ties between equal fingerprints
/// (inodes are reused, so never alone), size and modification time hint at change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    pub dev: u64,
    pub ino: u64,
    /// Stored size in bytes (compressed size for an archive).
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
}

impl FileStat {
    /// The stat of an open file (the one whose bytes are then read: no race with a
    /// rename between the stat and the open).
    pub fn of_file(file: &File) -> io::Result<FileStat> {
        Ok(FileStat::from_meta(&file.metadata()?))
    }

    /// `path`'s stat (following symlinks, as opening it does).
    pub fn of(path: &Path) -> io::Result<FileStat> {
        Ok(FileStat::from_meta(&std::fs::metadata(path)?))
    }

    #[cfg(unix)]
    fn from_meta(m: &std::fs::Metadata) -> FileStat {
        use std::os::unix::fs::MetadataExt;
        FileStat {
            dev: m.dev(),
            ino: m.ino(),
            size: m.len(),
            mtime_ns: m
                .mtime()
                .saturating_mul(1_000_000_000)
                .saturating_add(m.mtime_nsec()),
        }
    }

    #[cfg(not(unix))]
    fn from_meta(m: &std::fs::Metadata) -> FileStat {
        let mtime_ns = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        FileStat {
            dev: 0,
            ino: 0,
            size: m.len(),
            mtime_ns,
        }
    }
}

/// Bytes read at a time scanning back for a newline.
const BACK_STEP: u64 = 64 << 10;

/// The byte after the last `\n` in `[start, size)` of `file` (a plain file), or `start`
/// when there is none: where a read of complete lines ends, so a line the writer is still
/// writing is left for the next read. Scans back from `size` in 64 KiB steps. A file
/// shorter than `size` is an `UnexpectedEof` error.
pub fn last_line_end(file: &File, start: u64, size: u64) -> io::Result<u64> {
    let mut buf = vec![0u8; BACK_STEP.min(size.saturating_sub(start)) as usize];
    let mut hi = size;
    while hi > start {
        let lo = hi.saturating_sub(BACK_STEP).max(start);
        let n = (hi - lo) as usize;
        crate::split::read_exact_at(file, &mut buf[..n], lo)?;
        if let Some(p) = memchr::memrchr(b'\n', &buf[..n]) {
            return Ok(lo + p as u64 + 1);
        }
        hi = lo;
    }
    Ok(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, data: &[u8]) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, data).unwrap();
        p
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn text(seed: u64, lines: u64) -> Vec<u8> {
        (0..lines)
            .flat_map(|k| {
                format!("10.0.0.{seed} - - [06/Dec/2026:10:00:{k:02}] \"GET /{k}\" 200\n")
                    .into_bytes()
            })
            .collect()
    }

    #[test]
    fn fnv1a64_known_values() {
        // The published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn plain_gzip_and_zstd_of_one_text_have_one_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let a = text(1, 200);
        assert!(a.len() > FP_MAX);
        let plain = write(dir.path(), "access.log.1", &a);
        let gz = write(dir.path(), "access.log.1.gz", &gzip(&a));
        let zst = write(
            dir.path(),
            "access.log.1.zst",
            &zstd::stream::encode_all(&a[..], 3).unwrap(),
        );
        let want = Fingerprint {
            len: FP_MAX as u32,
            hash: fnv1a64(&a[..FP_MAX]),
            nul_skip: 0,
        };
        for p in [&plain, &gz, &zst] {
            assert_eq!(fingerprint(p).unwrap(), Some(want), "{}", p.display());
        }
        // Another text differs; so does the same text after its first byte changes.
        let b = write(dir.path(), "other.log", &text(2, 200));
        assert_ne!(fingerprint(&b).unwrap(), Some(want));
        let mut c = a.clone();
        c[0] = b'9';
        let c = write(dir.path(), "changed.log", &c);
        assert_ne!(fingerprint(&c).unwrap(), Some(want));
        // Bytes past the first FP_MAX do not count.
        let mut d = a.clone();
        d.extend_from_slice(b"more\n");
        let d = write(dir.path(), "longer.log", &d);
        assert_eq!(fingerprint(&d).unwrap(), Some(want));
    }

    #[test]
    fn a_short_file_matches_once_it_has_grown() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "access.log", b"first line\n");
        let fp = fingerprint(&p).unwrap().unwrap();
        assert_eq!((fp.len, fp.hash), (11, fnv1a64(b"first line\n")));
        assert!(fp.matches(&Head::of(&p).unwrap()));
        // Grown: still the same file, and its fingerprint now covers more.
        let mut grown = b"first line\n".to_vec();
        grown.extend(text(3, 100));
        std::fs::write(&p, &grown).unwrap();
        let head = Head::of(&p).unwrap();
        assert!(fp.matches(&head));
        let again = head.fingerprint().unwrap();
        assert_eq!(again.len as usize, FP_MAX);
        assert_eq!(again.hash, fnv1a64(&grown[..FP_MAX]));
        // Shorter than the fingerprint, or another start: not that file.
        std::fs::write(&p, b"first").unwrap();
        assert!(!fp.matches(&Head::of(&p).unwrap()));
        std::fs::write(&p, b"other line\nfirst line\n").unwrap();
        assert!(!fp.matches(&Head::of(&p).unwrap()));
        // An empty file has no fingerprint.
        std::fs::write(&p, b"").unwrap();
        assert_eq!(fingerprint(&p).unwrap(), None);
    }

    #[test]
    fn leading_nuls_are_skipped_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let a = text(4, 100);
        // A hole larger than one read block.
        let mut holed = vec![0u8; 200_000];
        holed.extend_from_slice(&a);
        let p = write(dir.path(), "access.log", &holed);
        let fp = fingerprint(&p).unwrap().unwrap();
        assert_eq!(fp.nul_skip, 200_000);
        assert_eq!((fp.len as usize, fp.hash), (FP_MAX, fnv1a64(&a[..FP_MAX])));
        // The same text without the hole matches it.
        let q = write(dir.path(), "copy.log", &a);
        assert!(fp.matches(&Head::of(&q).unwrap()));
        // NULs only: nothing to fingerprint.
        let z = write(dir.path(), "zeros.log", &[0u8; 5000]);
        assert_eq!(fingerprint(&z).unwrap(), None);
    }

    #[test]
    fn last_line_end_finds_the_byte_after_the_last_newline() {
        let dir = tempfile::tempdir().unwrap();
        let open = |data: &[u8]| {
            let p = write(dir.path(), "f", data);
            File::open(p).unwrap()
        };
        let f = open(b"one\ntwo\n");
        assert_eq!(last_line_end(&f, 0, 8).unwrap(), 8);
        let f = open(b"one\ntwo\nthr");
        assert_eq!(last_line_end(&f, 0, 11).unwrap(), 8);
        // Only the range counts: no newline in [4, 7) of "one\ntwo\n".
        let f = open(b"one\ntwo\n");
        assert_eq!(last_line_end(&f, 4, 7).unwrap(), 4);
        assert_eq!(last_line_end(&f, 0, 7).unwrap(), 4);
        // An empty range, and a range with no newline at all.
        assert_eq!(last_line_end(&f, 5, 5).unwrap(), 5);
        let f = open(b"no newline");
        assert_eq!(last_line_end(&f, 0, 10).unwrap(), 0);
        // A last line longer than the 64 KiB step: the scan goes back over several steps.
        let mut long = b"short\n".to_vec();
        long.extend(std::iter::repeat_n(b'x', 200_000));
        let f = open(&long);
        assert_eq!(last_line_end(&f, 0, long.len() as u64).unwrap(), 6);
        assert_eq!(last_line_end(&f, 7, long.len() as u64).unwrap(), 7);
        long.push(b'\n');
        let f = open(&long);
        assert_eq!(
            last_line_end(&f, 0, long.len() as u64).unwrap(),
            long.len() as u64
        );
        // A size past the file's end is an error, not a guess.
        let f = open(b"ab\n");
        assert!(last_line_end(&f, 0, 10).is_err());
    }
}
