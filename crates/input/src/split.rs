//! A regular file cut into chunks of whole lines that can be read independently, so that
//! several threads each read and parse their own chunks (no reading thread to wait on,
//! and the copying out of the page cache is spread over them too).
//!
//! Chunk `i` holds the lines that start in bytes `[i * size, (i + 1) * size)` of the file
//! (a line starts at byte 0 or after a `\n`): its reader finds the first line start at or
//! after `i * size` and reads on past `(i + 1) * size` to the end of the last line that
//! starts before it. A chunk inside one long line has no line. Together the chunks hold
//! every line once, in order, as [`crate::ChunkReader`] hands them out: a line longer than
//! the longest kept is cut there, the rest of it skipped.
//!
//! A split of a byte range `[start, end)` ([`FileSplit::open_range`]) holds the lines that
//! start in it: chunk `i` covers `[start + i * size, ...)` up to `end`, the line that
//! starts before `end` is read to its end, and a line that starts before `start` (when
//! `start` is not a line start) is left to the range before. Chunk offsets are byte
//! positions in the file.

use crate::{ByteRange, Chunk, InputError};
use std::fs::File;
use std::io;
use std::path::Path;

/// A file read chunk by chunk, by any number of threads at once.
#[derive(Debug)]
pub struct FileSplit {
    file: File,
    name: String,
    /// The file's length when opened: a log still being written is read up to there.
    len: u64,
    /// The range's first byte: chunk 0 starts here.
    base: u64,
    /// The range's end: the last line read is the one that starts before it.
    end: u64,
    size: u64,
    max_line: usize,
}

/// Bytes read at a time past a chunk's end, looking for the end of its last line.
const STEP: usize = 64 << 10;

impl FileSplit {
    /// `path` cut into chunks of about `size` bytes; `None` when it is not a regular file
    /// of text (a pipe, a device, an archive), which only a single reader can read. A
    /// chunk is never larger than `max_line` (the size is lowered to it): only the line
    /// that crosses a chunk's end is measured against the cut.
    pub fn open(
        path: &Path,
        name: String,
        size: usize,
        max_line: usize,
    ) -> Result<Option<FileSplit>, InputError> {
        Self::open_range(path, name, &ByteRange::default(), size, max_line)
    }

    /// [`FileSplit::open`] for the lines that start in `range` (its `end` defaults to
    /// the file's length at opening). A file shorter than the range's start or end is a
    /// read error naming it: it is not the file the range was taken of.
    pub fn open_range(
        path: &Path,
        name: String,
        range: &ByteRange,
        size: usize,
        max_line: usize,
    ) -> Result<Option<FileSplit>, InputError> {
        let open_err = |e| InputError::Open {
            name: name.clone(),
            source: e,
        };
        // Only a regular file is split: anything else (a FIFO) is not opened here, as
        // opening a FIFO pairs with its writer, and closing it drops what the writer
        // left in it; the stream read that follows would then wait for a writer forever.
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            return Ok(None);
        }
        let file = File::open(path).map_err(open_err)?;
        let meta = file.metadata().map_err(open_err)?;
        if !meta.is_file() || !cfg!(unix) {
            return Ok(None);
        }
        let len = meta.len();
        let mut split = FileSplit {
            file,
            name,
            len,
            base: 0,
            end: len,
            size: size.clamp(1, max_line.max(1)) as u64,
            max_line: max_line.max(1),
        };
        // An archive is decoded from its start, by one reader (its range is of the
        // decoded text, not of these bytes).
        let mut head = Vec::new();
        split.read_at(0, &mut head, 0, split.len.min(8) as usize)?;
        if crate::Compression::detect(&head) != crate::Compression::None {
            return Ok(None);
        }
        let end = range.end.unwrap_or(len).max(range.start);
        if end > len {
            return Err(InputError::Read {
                name: split.name,
                offset: len,
                source: io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "the file is shorter ({len} bytes) than the range to read, to byte {end}"
                    ),
                ),
            });
        }
        (split.base, split.end) = (range.start, end);
        Ok(Some(split))
    }

    /// How many chunks there are.
    pub fn chunks(&self) -> u64 {
        (self.end - self.base).div_ceil(self.size)
    }

    /// The bytes of the range, as read: lines start in `base..base + len()`.
    pub fn len(&self) -> u64 {
        self.end - self.base
    }

    /// Where the range ends: lines start before it.
    pub fn end(&self) -> u64 {
        self.end
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.base
    }

    /// Chunk `i`, read into `buf` (a buffer to reuse; its contents are replaced).
    pub fn read(&self, i: u64, buf: Vec<u8>) -> Result<Chunk, InputError> {
        let start = self.base.saturating_add(i.saturating_mul(self.size));
        let end = start.saturating_add(self.size).min(self.end);
        let mut c = Chunk {
            buf,
            start: 0,
            end: 0,
            cut: None,
            offset: self.end,
        };
        if start >= self.end {
            return Ok(c);
        }
        // The byte before the range tells whether a line starts at its first byte. It is
        // read on its own: the range is read from its aligned start into the buffer's
        // start, which copies several times faster out of the page cache than a copy
        // whose source and destination are aligned differently.
        let line_starts_here = start == 0 || {
            let mut prev = Vec::with_capacity(1);
            self.read_at(start - 1, &mut prev, 0, 1)?;
            prev.first() == Some(&b'\n')
        };
        let n = (end - start) as usize;
        self.read_at(start, &mut c.buf, 0, n)?;
        let first = if line_starts_here {
            0
        } else {
            match memchr::memchr(b'\n', &c.buf[..n]) {
                Some(p) => p + 1,
                // No line starts here: the range is inside a line an earlier chunk has.
                None => n,
            }
        };
        (c.start, c.end, c.offset) = (first, n, start + first as u64);
        if first == n {
            return Ok(c);
        }
        // The last line that starts in the range may go on past it (and past the end of
        // a byte range, up to the file's end).
        let last_start = memchr::memrchr(b'\n', &c.buf[first..n]).map_or(first, |p| first + p + 1);
        if last_start == n {
            return Ok(c);
        }
        if end == self.len {
            // The file's last line, without a newline, ends in this chunk: cut when its
            // text reaches `max_line` (a chunk as large as `max_line` can hold it whole).
            if n - last_start >= self.max_line {
                c.cut = Some((last_start, last_start + self.max_line));
                c.end = last_start;
            }
            return Ok(c);
        }
        // Read on to the end of that line, keeping at most `max_line` bytes of it.
        let mut at = end;
        let mut skipping = false;
        loop {
            // No newline yet: every byte of the line so far is its text.
            if !skipping && c.end - last_start >= self.max_line {
                skipping = true;
            }
            if at >= self.len {
                break;
            }
            let want = (self.len - at).min(STEP as u64) as usize;
            // Past the longest line kept, each step is read over the last one: only the
            // line's end is looked for.
            let pos = if skipping {
                last_start + self.max_line
            } else {
                c.end
            };
            self.read_at(at, &mut c.buf, pos, want)?;
            let nl = memchr::memchr(b'\n', &c.buf[pos..pos + want]);
            let took = nl.map_or(want, |p| p + 1);
            at += took as u64;
            if !skipping {
                c.end = pos + took;
            }
            if nl.is_some() {
                break;
            }
        }
        // A line is too long when its text (without the newline) reaches `max_line`, as
        // for the sequential reader, whose buffer then holds no newline.
        let text_len = c.end - last_start - usize::from(c.buf[c.end - 1] == b'\n');
        if skipping || text_len >= self.max_line {
            // Past `max_line`, reads went over the bytes after the cut: the cut itself
            // is intact.
            c.cut = Some((last_start, last_start + self.max_line));
            c.end = last_start;
        }
        Ok(c)
    }

    /// Reads `n` bytes of the file from `at` into `buf[pos..pos + n]` (grown if short).
    fn read_at(&self, at: u64, buf: &mut Vec<u8>, pos: usize, n: usize) -> Result<(), InputError> {
        if buf.len() < pos + n {
            buf.resize(pos + n, 0);
        }
        let mut done = 0;
        while done < n {
            match read_at(&self.file, &mut buf[pos + done..pos + n], at + done as u64) {
                // The file shrank under us (truncated by log rotation).
                Ok(0) => {
                    return Err(InputError::Read {
                        name: self.name.clone(),
                        offset: at + done as u64,
                        source: io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the file became shorter while it was read",
                        ),
                    });
                }
                Ok(k) => done += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(InputError::Read {
                        name: self.name.clone(),
                        offset: at + done as u64,
                        source: e,
                    });
                }
            }
        }
        Ok(())
    }
}

/// Reads `buf.len()` bytes of `file` from `at`; a file that ends first is an
/// `UnexpectedEof` error.
pub(crate) fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    let mut done = 0;
    while done < buf.len() {
        match read_at(file, &mut buf[done..], at + done as u64) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("the file ends before byte {}", at + buf.len() as u64),
                ));
            }
            Ok(k) => done += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(unix)]
pub(crate) fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

#[cfg(not(unix))]
pub(crate) fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<usize> {
    // `FileSplit::open` gives no split off Unix.
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ChunkReader;
    use std::io::Write;

    /// The lines (and overlong flags) a reader hands out, one entry per line.
    fn lines_of(chunks: Vec<(Vec<u8>, bool)>) -> Vec<(Vec<u8>, bool)> {
        let mut out = Vec::new();
        for (data, overlong) in chunks {
            if overlong {
                out.push((data, true));
                continue;
            }
            let mut rest = &data[..];
            while !rest.is_empty() {
                let n = memchr::memchr(b'\n', rest).map_or(rest.len(), |p| p + 1);
                out.push((rest[..n].to_vec(), false));
                rest = &rest[n..];
            }
        }
        out
    }

    #[test]
    fn chunks_hold_every_line_once_as_the_sequential_reader_does() {
        let mut state = 99u64;
        let mut rnd = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        for round in 0..300 {
            // Lines of 0 to 90 bytes, some far longer than the longest kept (40).
            let mut text = Vec::new();
            for _ in 0..rnd(40) {
                let len = if rnd(10) == 0 { 40 + rnd(200) } else { rnd(30) };
                text.extend((0..len).map(|k| b'a' + (k % 26) as u8));
                text.push(b'\n');
            }
            match round % 6 {
                // A last line without its newline.
                0 | 3 => text.extend_from_slice(b"tail"),
                // One of exactly the longest kept (found by the `chunks` fuzz target).
                1 => text.extend(std::iter::repeat_n(b't', 40)),
                _ => {}
            }
            let mut f = tempfile::NamedTempFile::new().unwrap();
            f.write_all(&text).unwrap();
            // Blocks no larger than the longest line kept, as in use (1 MiB and 16 MiB).
            let (size, max_line) = (1 + rnd(40) as usize, 40);
            let size = if round % 6 == 1 { 40 } else { size };

            let mut seq = ChunkReader::with_sizes(&text[..], "t".into(), size, max_line);
            let mut want = Vec::new();
            while let Some(c) = seq.next_chunk().unwrap() {
                want.push((c.data.to_vec(), c.overlong));
            }

            let split = FileSplit::open(f.path(), "t".into(), size, max_line)
                .unwrap()
                .unwrap();
            let mut got = Vec::new();
            let mut offsets = Vec::new();
            for i in 0..split.chunks() {
                // A reused buffer, full of another chunk's bytes.
                let c = split.read(i, vec![b'#'; (i % 3 * 30) as usize]).unwrap();
                offsets.push(c.offset);
                got.push((c.lines().to_vec(), false));
                if let Some(cut) = c.cut() {
                    got.push((cut.to_vec(), true));
                }
            }
            assert_eq!(
                lines_of(got),
                lines_of(want),
                "round {round}, size {size}: {}",
                String::from_utf8_lossy(&text)
            );
            assert!(offsets.windows(2).all(|w| w[0] <= w[1]), "{offsets:?}");
        }
    }

    #[test]
    fn not_a_regular_file_and_a_missing_one() {
        assert!(
            FileSplit::open(Path::new("/dev/null"), "n".into(), 10, 10)
                .unwrap()
                .is_none()
        );
        let e = FileSplit::open(Path::new("/no/such/file"), "missing".into(), 10, 10)
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing"), "{e}");
    }
}
