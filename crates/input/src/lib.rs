//! Log sources and their splitting into chunks of whole lines.
//!
//! A [`Source`] is a path or standard input. [`ChunkReader`] reads it in large blocks and
//! hands out chunks that end on a line boundary, so a parser never sees half a line and
//! memory stays at about one block whatever the input size.

mod compress;
mod follow;
mod gzip;
mod range;
mod resume;
mod rotation;
mod salvage;
mod shrink;
mod split;
pub use compress::{Compression, decoded};
pub use follow::Follow;
pub use resume::{FP_MAX, FileStat, Fingerprint, Head, fingerprint, fnv1a64, last_line_end};
pub use rotation::{expand, expand_indexed, rotation_order};
use shrink::Watched;
pub use split::FileSplit;

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::{self, JoinHandle};

/// Default block size: large enough that per-read overhead vanishes, small enough to stay
/// in cache-friendly territory and keep memory flat.
pub const DEFAULT_CHUNK: usize = 1 << 20;

/// A line longer than this is cut here: the first `MAX_LINE` bytes are handed out as one
/// (overlong) line and the rest of it is skipped, so one runaway line cannot take memory.
pub const MAX_LINE: usize = 16 << 20;

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{name}: cannot open: {source}")]
    Open {
        name: String,
        #[source]
        source: io::Error,
    },
    /// A directory given as an input holds no file axlog reads as a log.
    #[error(
        "{name}: a directory with no log files (hidden files and names containing `error` \
         are left out)"
    )]
    EmptyDir { name: String },
    #[error("{name}: read error at byte {offset}: {source}")]
    Read {
        name: String,
        offset: u64,
        #[source]
        source: io::Error,
    },
}

/// The part of a source to read: the lines that *start* in `[start, end)` (of the
/// decoded text, for an archive). A line that starts before `end` is read to its end; a
/// line that starts before `start` and goes on past it is the previous range's. `end:
/// None` reads to the end of the source; the default range is the whole source. To leave
/// a partial last line (a writer mid-line) for a later read, the caller ends a plain
/// file's range at [`last_line_end`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ByteRange {
    pub start: u64,
    pub end: Option<u64>,
    /// The lines of the source before `start`: the range's first line is line
    /// `lines_before + 1` (malformed samples and located rejects keep the source's line
    /// numbers).
    pub lines_before: u64,
}

impl ByteRange {
    /// Whether this is the whole source.
    pub fn is_whole(&self) -> bool {
        self.start == 0 && self.end.is_none()
    }
}

/// Where log lines come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    Path(PathBuf),
}

impl Source {
    /// `-` is standard input, anything else a path.
    pub fn from_arg(arg: &str) -> Source {
        if arg == "-" {
            Source::Stdin
        } else {
            Source::Path(PathBuf::from(arg))
        }
    }

    /// The name reports use for this source.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_string(),
            Source::Path(p) => p.display().to_string(),
        }
    }

    /// The source's text: decompressed when its first bytes are those of a gzip, zstd,
    /// bzip2 or xz archive (see [`Compression`]).
    pub fn open(&self) -> Result<Box<dyn Read + Send>, InputError> {
        self.open_counted(Arc::default())
    }

    /// [`Source::open`], adding to `read` the bytes read from the source as it is (before
    /// decompression): how far into a file reading is, for a progress bar.
    pub fn open_counted(&self, read: Arc<AtomicU64>) -> Result<Box<dyn Read + Send>, InputError> {
        let open_err = |e| InputError::Open {
            name: self.name(),
            source: e,
        };
        // A file cut while it is read ends early: watched, that is an error.
        let raw: Box<dyn Read + Send> = match self {
            Source::Stdin => Box::new(Watched::new(io::stdin(), shrink::stdin_file())),
            // A directory comes here only when it listed no log file.
            Source::Path(p) if p.is_dir() => {
                return Err(InputError::EmptyDir { name: self.name() });
            }
            Source::Path(p) => {
                let file = File::open(p).map_err(open_err)?;
                let same = file.try_clone().ok();
                Box::new(Watched::new(file, same))
            }
        };
        let counted = compress::Counting { inner: raw, read };
        decoded(counted)
            .map(|(r, _)| r)
            .map_err(|e| match e.kind() {
                // Reading the first bytes found the file cut: a read error at its start.
                io::ErrorKind::UnexpectedEof => InputError::Read {
                    name: self.name(),
                    offset: 0,
                    source: e,
                },
                _ => open_err(e),
            })
    }

    /// The source's size in bytes as stored, when it is a file.
    pub fn size(&self) -> Option<u64> {
        match self {
            Source::Stdin => None,
            Source::Path(p) => std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len()),
        }
    }
}

/// A chunk of whole lines, borrowed from a [`ChunkReader`]'s buffer (for readers of a
/// source's first lines; the engine takes [`Chunk`]s).
#[derive(Debug)]
pub struct ChunkRef<'a> {
    /// Whole lines, each ending in `\n` except possibly the source's last line.
    pub data: &'a [u8],
    /// Byte offset of `data[0]` in the source.
    pub offset: u64,
    /// `data` is the first [`MAX_LINE`] bytes of a single longer line (its rest is skipped).
    pub overlong: bool,
}

/// The one chunk type every route hands the engine: whole lines, then at most one line
/// longer than [`MAX_LINE`], cut there (its rest is skipped). A stream's reader hands an
/// overlong line out as a chunk of its own (no lines, the cut line); a split file's
/// chunk may end in one. The chunk owns its buffer, which the reader may take back
/// ([`Chunk::into_buf`]) for a later chunk.
#[derive(Debug, Default)]
pub struct Chunk {
    buf: Vec<u8>,
    /// The whole lines are `buf[start..end]`.
    start: usize,
    end: usize,
    /// The cut line is `buf[cut.0..cut.1]`.
    cut: Option<(usize, usize)>,
    /// Byte offset of the chunk's first line in the source.
    pub offset: u64,
}

impl Chunk {
    /// Whole lines, each ending in `\n` except possibly the source's last line.
    #[inline]
    pub fn lines(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// After the lines, the first [`MAX_LINE`] bytes of a line longer than that.
    #[inline]
    pub fn cut(&self) -> Option<&[u8]> {
        self.cut.map(|(a, b)| &self.buf[a..b])
    }

    /// A stream's chunk holds lines or one cut line, never both: its bytes, whichever.
    pub fn data(&self) -> &[u8] {
        self.cut().unwrap_or(self.lines())
    }

    /// Whether the chunk is only the cut of an overlong line.
    pub fn is_overlong(&self) -> bool {
        self.start == self.end && self.cut.is_some()
    }

    /// The buffer, for the reader to reuse.
    pub fn into_buf(self) -> Vec<u8> {
        self.buf
    }
}

/// Reads a source block by block and yields chunks ending on line boundaries.
pub struct ChunkReader<R> {
    reader: R,
    name: String,
    buf: Vec<u8>,
    /// `buf[start..end]` holds bytes read but not yet handed out.
    start: usize,
    end: usize,
    /// Source offset of `buf[start]`.
    offset: u64,
    eof: bool,
    /// Skipping the remainder of an overlong line up to its newline.
    skipping: bool,
    /// A read error, reported once the bytes read before it are handed out.
    failed: Option<InputError>,
    chunk_size: usize,
    /// Hand out whole lines as soon as they are read (see [`ChunkReader::live`]).
    live: bool,
    max_line: usize,
}

impl<R: Read> ChunkReader<R> {
    pub fn new(reader: R, name: String) -> Self {
        Self::with_sizes(reader, name, DEFAULT_CHUNK, MAX_LINE)
    }

    /// A reader for a live stream (`tail -F | axlog`): every read's whole lines are
    /// handed out at once instead of when a block is full.
    pub fn live(reader: R, name: String) -> Self {
        let mut r = Self::new(reader, name);
        r.live = true;
        r
    }

    /// The reader of a source's bytes from `offset` on (a [`ByteRange`]'s, as
    /// [`Source::open_range`] opens it): chunk offsets are positions in the source.
    pub fn starting_at(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// A reader handing out blocks of about `chunk_size` bytes and cutting lines whose
    /// text reaches `max_line`. A block is never larger than `max_line` (the size is
    /// lowered to it): a whole line in a larger block would escape the cut.
    pub fn with_sizes(reader: R, name: String, chunk_size: usize, max_line: usize) -> Self {
        let max_line = max_line.max(1);
        let chunk_size = chunk_size.clamp(1, max_line);
        ChunkReader {
            reader,
            name,
            buf: vec![0; chunk_size],
            start: 0,
            end: 0,
            offset: 0,
            eof: false,
            skipping: false,
            failed: None,
            live: false,
            chunk_size,
            max_line,
        }
    }

    /// Bytes of the source consumed so far (handed out or skipped).
    pub fn position(&self) -> u64 {
        self.offset
    }

    /// Reads more input into the buffer after `end`; returns bytes read (0 at EOF).
    fn fill(&mut self) -> Result<usize, InputError> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            // A line longer than the block: grow, up to the longest line we keep. Once the
            // buffer is that large, next_chunk hands it out before calling fill again.
            let new_len = (self.buf.len() * 2).min(self.max_line.max(self.chunk_size));
            self.buf.resize(new_len, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(0);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    // What was read before the error is handed out first, as at the end
                    // of the source (a damaged archive's readable part counts); the
                    // error comes after it.
                    self.failed = Some(InputError::Read {
                        name: self.name.clone(),
                        offset: self.offset + (self.end - self.start) as u64,
                        source: e,
                    });
                    self.eof = true;
                    return Ok(0);
                }
            }
        }
    }

    /// At the end of the source: the read error that ended it early, if any.
    fn end(&mut self) -> Result<Option<Span>, InputError> {
        match self.failed.take() {
            Some(e) => Err(e),
            None => Ok(None),
        }
    }

    /// The next chunk, or `None` at the end of the source. After an error the reader
    /// should not be used again: the chunks before it are all the readable input.
    pub fn next_chunk(&mut self) -> Result<Option<ChunkRef<'_>>, InputError> {
        Ok(self.next_span()?.map(|s| ChunkRef {
            data: &self.buf[s.start..s.start + s.len],
            offset: s.offset,
            overlong: s.overlong,
        }))
    }

    /// Like [`ChunkReader::next_chunk`], but the chunk owns its bytes: the read buffer
    /// itself is handed over and `spare` (a buffer given back by the consumer, or a new
    /// one) becomes the read buffer, so only the bytes after the chunk, the start of the
    /// next line, are copied.
    pub fn next_chunk_owned(&mut self, spare: Vec<u8>) -> Result<Option<Chunk>, InputError> {
        let Some(span) = self.next_span()? else {
            return Ok(None);
        };
        let rest = self.end - self.start;
        let mut next = spare;
        // A returned buffer is usually almost full length already: this zero-fills little.
        next.resize(self.buf.len().max(rest), 0);
        next[..rest].copy_from_slice(&self.buf[self.start..self.end]);
        let mut data = std::mem::replace(&mut self.buf, next);
        self.start = 0;
        self.end = rest;
        if span.start > 0 {
            data.copy_within(span.start..span.start + span.len, 0);
        }
        data.truncate(span.len);
        let (lines, cut) = match span.overlong {
            true => (0, Some((0, span.len))),
            false => (span.len, None),
        };
        Ok(Some(Chunk {
            buf: data,
            start: 0,
            end: lines,
            cut,
            offset: span.offset,
        }))
    }

    /// Where the next chunk lies in `buf`, advancing past it.
    fn next_span(&mut self) -> Result<Option<Span>, InputError> {
        loop {
            if self.skipping {
                match memchr::memchr(b'\n', &self.buf[self.start..self.end]) {
                    Some(p) => {
                        self.offset += (p + 1) as u64;
                        self.start += p + 1;
                        self.skipping = false;
                    }
                    None => {
                        self.offset += (self.end - self.start) as u64;
                        self.start = self.end;
                        if self.eof || self.fill()? == 0 {
                            return self.end();
                        }
                    }
                }
                continue;
            }
            let pending = &self.buf[self.start..self.end];
            // Hand out whole lines once a full block is buffered (or at EOF).
            // A live reader hands out the whole lines it has after every read: a line
            // from `tail -F` is reported without waiting for a block to fill.
            let live_lines = self.live && memchr::memchr(b'\n', pending).is_some();
            if pending.len() >= self.chunk_size || self.eof || live_lines {
                if let Some(p) = memchr::memrchr(b'\n', pending) {
                    return Ok(Some(self.take(p + 1, false)));
                }
                if self.eof {
                    if pending.is_empty() {
                        return self.end();
                    }
                    let n = pending.len();
                    return Ok(Some(self.take(n, false)));
                }
                if pending.len() >= self.max_line {
                    self.skipping = true;
                    let n = self.max_line;
                    return Ok(Some(self.take(n, true)));
                }
            }
            self.fill()?;
        }
    }

    fn take(&mut self, len: usize, overlong: bool) -> Span {
        let span = Span {
            start: self.start,
            len,
            offset: self.offset,
            overlong,
        };
        self.start += len;
        self.offset += len as u64;
        span
    }
}

/// A chunk's place in the read buffer.
struct Span {
    start: usize,
    len: usize,
    offset: u64,
    overlong: bool,
}

/// Chunks in flight between the reading thread and the parser: enough to keep both busy,
/// few enough that memory stays at a handful of chunks.
pub const QUEUE_DEPTH: usize = 2;

/// Reads a source on its own thread, so the kernel's copying in `read` overlaps with
/// parsing.
/// Chunks arrive in order; a read error arrives after every chunk read before it, and ends
/// the stream. Buffers handed back with [`BackgroundReader::recycle`] are reused.
pub struct BackgroundReader {
    rx: Receiver<Result<Chunk, InputError>>,
    recycle: SyncSender<Vec<u8>>,
    handle: Option<JoinHandle<()>>,
}

impl BackgroundReader {
    pub fn spawn(reader: Box<dyn Read + Send>, name: String) -> io::Result<Self> {
        Self::spawn_with_depth(reader, name, QUEUE_DEPTH)
    }

    /// [`BackgroundReader::spawn`] with `depth` chunks in flight (several parsers take
    /// chunks from one reader: each should find one ready).
    pub fn spawn_with_depth(
        reader: Box<dyn Read + Send>,
        name: String,
        depth: usize,
    ) -> io::Result<Self> {
        Self::spawn_at(reader, name, depth, 0)
    }

    /// [`BackgroundReader::spawn_with_depth`] for a reader of the source's bytes from
    /// `offset` on: chunk offsets are positions in the source.
    pub fn spawn_at(
        reader: Box<dyn Read + Send>,
        name: String,
        depth: usize,
        offset: u64,
    ) -> io::Result<Self> {
        let depth = depth.max(1);
        let (tx, rx) = mpsc::sync_channel(depth);
        let (recycle, recycled) = mpsc::sync_channel::<Vec<u8>>(depth + 2);
        let handle = thread::Builder::new()
            .name(format!("read {name}"))
            .spawn(move || {
                let mut chunks = ChunkReader::new(reader, name).starting_at(offset);
                loop {
                    let spare = recycled.try_recv().unwrap_or_default();
                    let msg = match chunks.next_chunk_owned(spare) {
                        Ok(Some(c)) => Ok(c),
                        Ok(None) => return,
                        Err(e) => Err(e),
                    };
                    let last = msg.is_err();
                    // A closed receiver means the consumer stopped: stop reading too.
                    if tx.send(msg).is_err() || last {
                        return;
                    }
                }
            })?;
        Ok(BackgroundReader {
            rx,
            recycle,
            handle: Some(handle),
        })
    }

    /// Hands a chunk's buffer back for reuse.
    pub fn recycle(&self, buf: Vec<u8>) {
        let _ = self.recycle.try_send(buf);
    }
}

impl Iterator for BackgroundReader {
    type Item = Result<Chunk, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.rx.recv() {
            Ok(m) => Some(m),
            Err(_) => {
                // The reader finished (or died): join it so a panic there is not silent.
                if let Some(h) = self.handle.take()
                    && h.join().is_err()
                {
                    return Some(Err(InputError::Read {
                        name: "<reader thread>".into(),
                        offset: 0,
                        source: io::Error::other("the reading thread stopped unexpectedly"),
                    }));
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that returns at most `step` bytes per call, like a pipe.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.data.len().min(self.step).min(buf.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn collect(
        data: &[u8],
        chunk: usize,
        max_line: usize,
        step: usize,
    ) -> Vec<(Vec<u8>, u64, bool)> {
        let mut r = ChunkReader::with_sizes(Trickle { data, step }, "t".into(), chunk, max_line);
        let mut out = Vec::new();
        while let Some(c) = r.next_chunk().unwrap() {
            out.push((c.data.to_vec(), c.offset, c.overlong));
        }
        out
    }

    #[test]
    fn chunks_are_whole_lines_and_cover_everything() {
        let mut data = Vec::new();
        for i in 0..500 {
            data.extend_from_slice(format!("line number {i} {}\n", "x".repeat(i % 37)).as_bytes());
        }
        data.extend_from_slice(b"last line without newline");
        for (chunk, step) in [(16, 7), (64, 1000), (1000, 3), (1 << 20, 1 << 20)] {
            let chunks = collect(&data, chunk, 1 << 20, step);
            let joined: Vec<u8> = chunks.iter().flat_map(|c| c.0.clone()).collect();
            assert_eq!(joined, data);
            let mut off = 0;
            for (i, (c, o, overlong)) in chunks.iter().enumerate() {
                assert_eq!(*o, off);
                assert!(!overlong);
                if i + 1 < chunks.len() {
                    assert_eq!(c.last(), Some(&b'\n'));
                }
                off += c.len() as u64;
            }
        }
    }

    #[test]
    fn a_line_whose_text_reaches_max_line_is_cut_whatever_the_block_size() {
        // Found by the `chunks` fuzz target: a last line (no newline) of exactly
        // `max_line` bytes; and blocks larger than `max_line`, which held whole lines
        // longer than it, uncut, where the file split cuts them.
        let data = b"ab\n0123456789\nxy\n0123456789abc\nz\n0123456789";
        for (chunk, step) in [(4, 3), (8, 4), (10, 10), (64, 64), (1000, 1)] {
            let chunks = collect(data, chunk, 10, step);
            let cut: Vec<&[u8]> = chunks.iter().filter(|c| c.2).map(|c| &c.0[..]).collect();
            assert_eq!(
                cut, [b"0123456789"; 3],
                "blocks of {chunk}, reads of {step}"
            );
            let kept: Vec<u8> = chunks
                .iter()
                .filter(|c| !c.2)
                .flat_map(|c| c.0.clone())
                .collect();
            assert_eq!(kept, b"ab\nxy\nz\n", "blocks of {chunk}, reads of {step}");
        }
    }

    #[test]
    fn owned_chunks_equal_borrowed_ones() {
        // Whole lines, a last line without newline, and an overlong line that is cut.
        let mut data = Vec::new();
        for i in 0..400 {
            data.extend_from_slice(format!("line {i} {}\n", "y".repeat(i % 23)).as_bytes());
        }
        data.extend(std::iter::repeat_n(b'a', 100));
        data.extend_from_slice(b"\nafter\nlast");
        for (chunk, step) in [(16, 7), (64, 1000), (1000, 3)] {
            let borrowed = collect(&data, chunk, 32, step);
            let mut r =
                ChunkReader::with_sizes(Trickle { data: &data, step }, "t".into(), chunk, 32);
            let mut owned = Vec::new();
            let mut spare = Vec::new();
            while let Some(c) = r.next_chunk_owned(spare).unwrap() {
                owned.push((c.data().to_vec(), c.offset, c.is_overlong()));
                spare = c.into_buf();
            }
            assert_eq!(owned, borrowed, "chunk {chunk} step {step}");
        }
    }

    #[test]
    fn overlong_line_is_cut_and_skipped() {
        let mut data = b"short\n".to_vec();
        data.extend(std::iter::repeat_n(b'a', 100));
        data.extend_from_slice(b"\nafter\n");
        let chunks = collect(&data, 8, 32, 5);
        let lines: Vec<(String, bool)> = chunks
            .iter()
            .map(|c| (String::from_utf8(c.0.clone()).unwrap(), c.2))
            .collect();
        assert_eq!(lines[0], ("short\n".to_string(), false));
        assert_eq!(lines[1], ("a".repeat(32), true));
        assert_eq!(lines[2], ("after\n".to_string(), false));
        assert_eq!(chunks[2].1, 6 + 101);
    }

    #[test]
    fn background_reader_delivers_everything_in_order() {
        let mut data = Vec::new();
        for i in 0..300_000 {
            data.extend_from_slice(format!("line {i}\n").as_bytes());
        }
        let mut r =
            BackgroundReader::spawn(Box::new(io::Cursor::new(data.clone())), "c".into()).unwrap();
        let mut joined = Vec::new();
        while let Some(c) = r.next() {
            let c = c.unwrap();
            assert_eq!(c.offset, joined.len() as u64);
            assert_eq!(c.data().last(), Some(&b'\n'));
            joined.extend_from_slice(c.data());
            r.recycle(c.into_buf());
        }
        assert_eq!(joined, data);
    }

    #[test]
    fn empty_input_and_missing_file() {
        assert!(collect(b"", 16, 32, 4).is_empty());
        let err = Source::from_arg("/nonexistent/axlog/x.log")
            .open()
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .starts_with("/nonexistent/axlog/x.log: cannot open")
        );
        assert_eq!(Source::from_arg("-"), Source::Stdin);
    }

    /// A directory that listed no log file says so, not "Is a directory".
    #[test]
    fn a_directory_without_logs_says_so() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("error.log"), b"x\n").unwrap();
        let sources = expand(&[dir.path().to_string_lossy().into_owned()]);
        assert_eq!(sources, vec![Source::Path(dir.path().to_path_buf())]);
        let err = sources[0].open().err().unwrap().to_string();
        assert!(err.ends_with("a directory with no log files (hidden files and names containing `error` are left out)"), "{err}");
    }

    #[test]
    fn read_error_names_source_and_offset() {
        struct Fails(usize);
        impl Read for Fails {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::other("disk on fire"));
                }
                let n = self.0.min(buf.len());
                buf[..n].fill(b'\n');
                self.0 -= n;
                Ok(n)
            }
        }
        let mut r = ChunkReader::with_sizes(Fails(10), "f.log".into(), 4, 64);
        let mut got = 0;
        let err = loop {
            match r.next_chunk() {
                Ok(Some(c)) => got += c.data.len(),
                Ok(None) => panic!("expected an error"),
                Err(e) => break e,
            }
        };
        // Every byte read before the error is handed out, then the error.
        assert_eq!(got, 10);
        assert_eq!(
            err.to_string(),
            "f.log: read error at byte 10: disk on fire"
        );
    }

    #[test]
    fn a_file_cut_while_it_is_read_is_an_error_at_the_position_read() {
        use std::io::Write;
        // 100,000 lines of 16 bytes; cut to 100,000 bytes once reading has begun, as
        // copytruncate does.
        let mut f = tempfile::NamedTempFile::new().unwrap();
        for k in 0..100_000u32 {
            writeln!(f, "line {k:>10}").unwrap();
        }
        f.flush().unwrap();
        let source = Source::Path(f.path().to_path_buf());
        let mut r =
            ChunkReader::with_sizes(source.open().unwrap(), "cut.log".into(), 64 << 10, MAX_LINE);
        let mut got = r.next_chunk().unwrap().unwrap().data.len();
        f.as_file().set_len(100_000).unwrap();
        let err = loop {
            match r.next_chunk() {
                Ok(Some(c)) => got += c.data.len(),
                Ok(None) => panic!("a file cut under the reader read as complete"),
                Err(e) => break e,
            }
        };
        // Everything read before the cut was handed out; the error is at its end.
        assert!(got > 100_000 && got < 1_600_000, "{got}");
        let msg = err.to_string();
        let want = format!("cut.log: read error at byte {got}: the file became shorter");
        assert!(msg.starts_with(&want), "{msg}");
    }
}
