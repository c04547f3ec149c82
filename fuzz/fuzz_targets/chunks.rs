//! The chunk splitters against the invariant: whatever the bytes, the chunk size,
//! the sizes reads return and the longest line kept, the lines handed out are exactly
//! `split(b'\n')`'s, in order, none lost or split differently; a line whose text reaches
//! the longest kept (`max_line`) comes out once, as its first `max_line` bytes, flagged,
//! and no other is flagged. Checked for the streaming reader (borrowed and owned chunks)
//! and for the file split `-j` reads.
#![no_main]

use axlog_input::{ChunkReader, FileSplit};
use libfuzzer_sys::fuzz_target;
use std::io::{self, Read};

/// A reader that returns at most `step` bytes a read, as pipes and decoders do.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.data.len().min(buf.len()).min(self.step);
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// The input's lines as `split(b'\n')` gives them, each with its `\n` (the last may have
/// none); no empty line after a final `\n`.
fn expected(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |p| p + 1);
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

/// What the reader should hand out for `line`: itself, or, when its text (without the
/// newline) reaches `max_line` bytes, its first `max_line` bytes flagged overlong.
fn check_lines(got: &[(Vec<u8>, bool)], want: &[&[u8]], max_line: usize, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: line count");
    for (i, ((g, over), w)) in got.iter().zip(want).enumerate() {
        let text = w.len() - usize::from(w.last() == Some(&b'\n'));
        assert_eq!(
            *over,
            text >= max_line,
            "{what}: line {i} of {text} bytes of text, cut: {over}"
        );
        if *over {
            assert_eq!(&g[..], &w[..max_line], "{what}: line {i} cut wrong");
        } else {
            assert_eq!(&g[..], *w, "{what}: line {i} differs");
        }
    }
}

/// Splits a chunk's whole lines and appends them.
fn push_lines(out: &mut Vec<(Vec<u8>, bool)>, lines: &[u8]) {
    for l in expected(lines) {
        out.push((l.to_vec(), false));
    }
}

fuzz_target!(|input: &[u8]| {
    if input.len() < 3 {
        return;
    }
    let chunk_size = 1 + input[0] as usize % 64;
    let step = 1 + input[1] as usize % 32;
    // Most runs keep every line; some cut lines longer than a small maximum.
    let max_line = match input[2] {
        0..=191 => 1 << 20,
        b => 1 + b as usize % 64,
    };
    let data = &input[3..];
    let want = expected(data);

    // Borrowed chunks.
    let mut r =
        ChunkReader::with_sizes(Trickle { data, step }, "fuzz".into(), chunk_size, max_line);
    let mut got = Vec::new();
    let mut offset = 0u64;
    while let Some(c) = r.next_chunk().expect("a slice does not fail") {
        assert!(!c.data.is_empty(), "empty chunk");
        assert!(c.offset >= offset, "chunk offsets go back");
        offset = c.offset;
        if c.overlong {
            got.push((c.data.to_vec(), true));
        } else {
            push_lines(&mut got, c.data);
        }
    }
    assert_eq!(r.position(), data.len() as u64, "position at the end");
    check_lines(&got, &want, max_line, "next_chunk");

    // Owned chunks, recycling buffers as the engine does.
    let mut r =
        ChunkReader::with_sizes(Trickle { data, step }, "fuzz".into(), chunk_size, max_line);
    let mut got = Vec::new();
    let mut spare = Vec::new();
    while let Some(c) = r.next_chunk_owned(spare).expect("a slice does not fail") {
        push_lines(&mut got, c.lines());
        if let Some(cut) = c.cut() {
            got.push((cut.to_vec(), true));
        }
        spare = c.into_buf();
    }
    check_lines(&got, &want, max_line, "next_chunk_owned");

    // The file split `-j` reads: every chunk independently, in order.
    let path = std::env::temp_dir().join(format!("axlog-fuzz-chunks-{}", std::process::id()));
    std::fs::write(&path, data).expect("temp file");
    let split = FileSplit::open(&path, "fuzz".into(), chunk_size, max_line).expect("open");
    let mut got = Vec::new();
    if let Some(split) = split {
        for i in 0..split.chunks() {
            let c = split.read(i, Vec::new()).expect("read");
            push_lines(&mut got, c.lines());
            if let Some(cut) = c.cut() {
                got.push((cut.to_vec(), true));
            }
        }
    }
    let _ = std::fs::remove_file(&path);
    check_lines(&got, &want, max_line, "FileSplit");
});
