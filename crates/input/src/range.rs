//! Reading a [`ByteRange`] of a source as one stream: the lines that start in
//! `[start, end)` of its (decoded) text, as [`crate::FileSplit::open_range`] splits them.
//! A plain file is read from `start` by seeking; an archive (or a pipe) is decoded from
//! its start and its first `start` bytes skipped, since a compressed stream cannot be
//! entered in the middle.

use crate::compress::{self, Compression};
use crate::shrink::Watched;
use crate::{ByteRange, InputError, Source};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

impl Source {
    /// The lines of `range` of the source's text, and the source position of the
    /// reader's first byte (a line start: give it to [`crate::ChunkReader::starting_at`]
    /// or [`crate::BackgroundReader::spawn_at`]). `read` counts the bytes read from the
    /// source as it is stored, as [`Source::open_counted`]. A source shorter than the
    /// range's start (a plain file also: than its end) is a read error naming it.
    pub fn open_range(
        &self,
        range: &ByteRange,
        read: Arc<AtomicU64>,
    ) -> Result<(Box<dyn Read + Send>, u64), InputError> {
        if range.is_whole() {
            return Ok((self.open_counted(read)?, 0));
        }
        let name = self.name();
        let read_err = |offset, source| InputError::Read {
            name: name.clone(),
            offset,
            source,
        };
        let shorter = |len: u64, what: &str, at: u64| {
            read_err(
                len,
                io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "the source is shorter ({len} bytes) than the range's {what}, byte {at}"
                    ),
                ),
            )
        };
        // The byte before `start` tells whether a line starts at `start`.
        let before = range.start.saturating_sub(1);
        let inner: Box<dyn Read + Send> = match self.plain_file()? {
            Some(mut file) => {
                let len = file.metadata().map_err(|e| read_err(0, e))?.len();
                if let Some(end) = range.end.filter(|&e| e > len) {
                    return Err(shorter(len, "end", end));
                }
                if range.start > len {
                    return Err(shorter(len, "start", range.start));
                }
                file.seek(SeekFrom::Start(before))
                    .map_err(|e| read_err(before, e))?;
                let same = file.try_clone().ok();
                let counted = compress::Counting {
                    inner: Watched::new(file, same),
                    read,
                };
                Box::new(counted)
            }
            None => {
                let mut r = self.open_counted(read)?;
                let skipped = io::copy(&mut (&mut r).take(before), &mut io::sink())
                    .map_err(|e| read_err(0, e))?;
                if skipped < before {
                    return Err(shorter(skipped, "start", range.start));
                }
                r
            }
        };
        let mut r = BufReader::with_capacity(64 << 10, inner);
        let mut at = before;
        if range.start > 0 {
            let mut prev = [0u8; 1];
            let n = read_full(&mut r, &mut prev).map_err(|e| read_err(at, e))?;
            if n == 0 {
                return Err(shorter(at, "start", range.start));
            }
            at += 1;
            if prev[0] != b'\n' {
                // Inside a line that starts before the range: the range before has it.
                at += r.skip_until(b'\n').map_err(|e| read_err(at, e))? as u64;
            }
        }
        let out: Box<dyn Read + Send> = match range.end {
            None => Box::new(r),
            Some(end) => Box::new(UpToLine {
                inner: r,
                left: end.saturating_sub(at),
                last: b'\n',
            }),
        };
        Ok((out, at))
    }

    /// The source as a regular file of plain text, opened; `None` when it is anything
    /// else (standard input, a pipe, an archive), which is read from its start.
    fn plain_file(&self) -> Result<Option<File>, InputError> {
        let Source::Path(p) = self else {
            return Ok(None);
        };
        let open_err = |e| InputError::Open {
            name: self.name(),
            source: e,
        };
        let file = File::open(p).map_err(open_err)?;
        if !file.metadata().map_err(open_err)?.is_file() {
            return Ok(None);
        }
        let mut head = [0u8; 8];
        let n = read_full(&mut &file, &mut head).map_err(open_err)?;
        if Compression::detect(&head[..n]) != Compression::None {
            return Ok(None);
        }
        Ok(Some(file))
    }
}

/// Reads into `buf` until it is full or the reader ends; returns the bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// `inner` up to a range's end: `left` more bytes, then the rest of the line they end
/// in (through its `\n`), then nothing.
struct UpToLine<R> {
    inner: R,
    left: u64,
    /// The last byte handed out (`\n` before any): once `left` is spent, a line is
    /// unfinished unless this is a newline.
    last: u8,
}

impl<R: Read> Read for UpToLine<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let n = if self.left > 0 {
            let k = buf
                .len()
                .min(usize::try_from(self.left).unwrap_or(usize::MAX));
            let n = self.inner.read(&mut buf[..k])?;
            self.left -= n as u64;
            n
        } else if self.last != b'\n' {
            // The range's last line goes on past its end: read through its newline.
            let n = self.inner.read(buf)?;
            match memchr::memchr(b'\n', &buf[..n]) {
                Some(p) => p + 1,
                // The source ends inside it: it ends here.
                None if n == 0 => {
                    self.last = b'\n';
                    0
                }
                None => n,
            }
        } else {
            0
        };
        if n > 0 {
            self.last = buf[n - 1];
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ChunkReader, FileSplit};
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// Each line of `text` with its start offset, found here from the bytes.
    fn lines_with_starts(text: &[u8]) -> Vec<(u64, Vec<u8>)> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let n = text[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(text.len() - at, |p| p + 1);
            out.push((at as u64, text[at..at + n].to_vec()));
            at += n;
        }
        out
    }

    /// Splits chunks (data, first line's offset) into lines with their offsets.
    fn split_lines(chunks: Vec<(Vec<u8>, u64)>) -> Vec<(u64, Vec<u8>)> {
        let mut out = Vec::new();
        for (data, mut at) in chunks {
            for l in lines_with_starts(&data) {
                out.push((at, l.1.clone()));
                at += l.1.len() as u64;
            }
        }
        out
    }

    fn by_stream(source: &Source, range: &ByteRange, chunk: usize) -> Vec<(u64, Vec<u8>)> {
        let (r, at) = source.open_range(range, Arc::default()).unwrap();
        let mut c = ChunkReader::with_sizes(r, "t".into(), chunk, 1 << 20).starting_at(at);
        let mut chunks = Vec::new();
        while let Some(k) = c.next_chunk().unwrap() {
            chunks.push((k.data.to_vec(), k.offset));
        }
        split_lines(chunks)
    }

    fn by_split(path: &std::path::Path, range: &ByteRange, size: usize) -> Vec<(u64, Vec<u8>)> {
        let split = FileSplit::open_range(path, "t".into(), range, size, 1 << 20)
            .unwrap()
            .unwrap();
        let mut chunks = Vec::new();
        for i in 0..split.chunks() {
            let c = split.read(i, Vec::new()).unwrap();
            chunks.push((c.lines().to_vec(), c.offset));
        }
        split_lines(chunks)
    }

    #[test]
    fn consecutive_ranges_give_every_line_once_in_order() {
        let mut state = 17u64;
        let mut rnd = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n.max(1)
        };
        let dir = tempfile::tempdir().unwrap();
        for round in 0..150 {
            let mut text = Vec::new();
            for k in 0..rnd(60) {
                let len = if rnd(12) == 0 {
                    100 + rnd(300)
                } else {
                    rnd(40)
                };
                text.extend((0..len).map(|j| b'a' + ((j + k) % 26) as u8));
                text.push(b'\n');
            }
            if round % 3 == 0 {
                text.extend_from_slice(b"no newline at the end");
            }
            let plain = dir.path().join(format!("r{round}.log"));
            std::fs::write(&plain, &text).unwrap();
            let gz = dir.path().join(format!("r{round}.log.gz"));
            std::fs::write(&gz, gzip(&text)).unwrap();
            let want = lines_with_starts(&text);

            // Random cut points, some equal, some at line starts; the last range is open.
            let len = text.len() as u64;
            let mut cuts: Vec<u64> = (0..rnd(6)).map(|_| rnd(len + 1)).collect();
            cuts.push(0);
            cuts.sort_unstable();
            let mut ranges: Vec<ByteRange> = cuts
                .windows(2)
                .map(|w| ByteRange {
                    start: w[0],
                    end: Some(w[1]),
                    lines_before: 0,
                })
                .collect();
            ranges.push(ByteRange {
                start: *cuts.last().unwrap(),
                end: if round % 2 == 0 { None } else { Some(len) },
                lines_before: 0,
            });
            let (chunk, size) = (1 + rnd(50) as usize, 1 + rnd(50) as usize);
            for (how, read) in [
                ("split", &mut |r: &ByteRange| by_split(&plain, r, size) as _),
                ("plain", &mut |r: &ByteRange| {
                    by_stream(&Source::Path(plain.clone()), r, chunk)
                }),
                ("gzip", &mut |r: &ByteRange| {
                    by_stream(&Source::Path(gz.clone()), r, chunk)
                }),
            ]
                as [(&str, &mut dyn FnMut(&ByteRange) -> Vec<(u64, Vec<u8>)>); 3]
            {
                let mut all = Vec::new();
                for r in &ranges {
                    let got = read(r);
                    // The lines of [a, b) are those that start in it, with their offsets.
                    let end = r.end.unwrap_or(len);
                    let starting: Vec<_> = want
                        .iter()
                        .filter(|(at, _)| *at >= r.start && *at < end)
                        .cloned()
                        .collect();
                    assert_eq!(got, starting, "round {round} {how} {r:?}");
                    all.extend(got);
                }
                assert_eq!(all, want, "round {round} {how} {cuts:?}");
            }
        }
    }

    #[test]
    fn a_source_shorter_than_the_range_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let text = b"one\ntwo\nthree\n";
        let plain = dir.path().join("a.log");
        std::fs::write(&plain, text).unwrap();
        let gz = dir.path().join("a.log.1.gz");
        std::fs::write(&gz, gzip(text)).unwrap();
        for p in [&plain, &gz] {
            let r = ByteRange {
                start: 40,
                end: None,
                lines_before: 3,
            };
            let e = Source::Path(p.clone())
                .open_range(&r, Arc::default())
                .err()
                .unwrap()
                .to_string();
            assert!(e.starts_with(&p.display().to_string()), "{e}");
            assert!(
                e.contains("shorter (14 bytes) than the range's start"),
                "{e}"
            );
        }
        // A plain file shorter than the range's end was cut since: an error, on both routes.
        let r = ByteRange {
            start: 4,
            end: Some(20),
            lines_before: 1,
        };
        let e = Source::Path(plain.clone())
            .open_range(&r, Arc::default())
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("shorter (14 bytes) than the range's end"), "{e}");
        let e = FileSplit::open_range(&plain, "a.log".into(), &r, 4, 64)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("a.log: read error"), "{e}");
        // An archive's range is of its decoded text: the split leaves it to a stream
        // whatever the range, even one past the archive's stored size.
        let past = ByteRange {
            start: 4,
            end: Some(1_000),
            lines_before: 1,
        };
        assert!(
            FileSplit::open_range(&gz, "gz".into(), &past, 4, 64)
                .unwrap()
                .is_none()
        );
        // A range ending at the source's length reads to its end; starting there, nothing.
        let r = ByteRange {
            start: 14,
            end: None,
            lines_before: 3,
        };
        for p in [&plain, &gz] {
            assert_eq!(by_stream(&Source::Path(p.clone()), &r, 8), vec![]);
        }
        assert_eq!(by_split(&plain, &r, 8), vec![]);
    }
}
