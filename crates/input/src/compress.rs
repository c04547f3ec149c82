//! Compressed sources, recognised by their first bytes (not their names): gzip (every
//! member of a multi-member file, as logrotate with `compress` and pigz write them), zstd,
//! bzip2 and xz. A damaged archive is a read error naming the byte of the archive where
//! decoding stopped; the text decoded before it is read as usual.

use crate::salvage::{self, Salvage};
use std::io::{self, BufRead, BufReader, Read};

/// How a source's bytes are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
    Bzip2,
    Xz,
}

impl Compression {
    /// The compression whose magic number `head` (a source's first bytes) starts with.
    pub fn detect(head: &[u8]) -> Compression {
        match head {
            [0x1f, 0x8b, ..] => Compression::Gzip,
            [0x28, 0xb5, 0x2f, 0xfd, ..] => Compression::Zstd,
            [b'B', b'Z', b'h', b'1'..=b'9', ..] => Compression::Bzip2,
            [0xfd, b'7', b'z', b'X', b'Z', 0x00, ..] => Compression::Xz,
            _ => Compression::None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "plain",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Bzip2 => "bzip2",
            Compression::Xz => "xz",
        }
    }
}

/// Adds the bytes read through it to a shared counter: under a decoder, so a decoding
/// error can say where in the archive it happened; under everything, for progress.
pub(crate) struct Counting<R> {
    pub(crate) inner: R,
    pub(crate) read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, n: usize) {
        self.read
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        self.inner.consume(n);
    }
}

/// A decoder whose errors say how far into the archive it got.
struct Decoded<D> {
    decoder: D,
    kind: Compression,
    consumed: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<D: Read> Read for Decoded<D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.decoder.read(buf).map_err(|e| {
            let at = self.consumed.load(std::sync::atomic::Ordering::Relaxed);
            let what = match e.kind() {
                io::ErrorKind::UnexpectedEof => "truncated",
                _ => "damaged",
            };
            io::Error::new(
                e.kind(),
                format!(
                    "{} archive {what} (decoding stopped near byte {at} of the archive): {e}",
                    self.kind.name()
                ),
            )
        })
    }
}

/// `reader` decoded according to its first bytes, and the compression found.
pub fn decoded<R: Read + Send + 'static>(
    reader: R,
) -> io::Result<(Box<dyn Read + Send>, Compression)> {
    let mut buffered = BufReader::with_capacity(256 << 10, reader);
    let kind = Compression::detect(buffered.fill_buf()?);
    if kind == Compression::None {
        return Ok((Box::new(buffered), kind));
    }
    let consumed = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let input = Counting {
        inner: buffered,
        read: consumed.clone(),
    };
    let decoder: Box<dyn Read + Send> = match kind {
        Compression::Gzip => Box::new(crate::gzip::Members::new(input)),
        // These three hand over the text decoded before a damaged block (see salvage.rs).
        Compression::Zstd => Box::new(Salvage::new(input, salvage::Zstd::new()?)),
        Compression::Bzip2 => Box::new(Salvage::new(input, salvage::Bzip2::new())),
        Compression::Xz => Box::new(Salvage::new(input, salvage::Xz::new()?)),
        Compression::None => return Ok((Box::new(input), kind)),
    };
    Ok((
        Box::new(Decoded {
            decoder,
            kind,
            consumed,
        }),
        kind,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const TEXT: &[u8] = b"line one\nline two\n";

    fn read_all(data: Vec<u8>) -> (io::Result<Vec<u8>>, Compression) {
        let (mut r, kind) = decoded(io::Cursor::new(data)).unwrap();
        let mut out = Vec::new();
        let res = r.read_to_end(&mut out).map(|_| out);
        (res, kind)
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn every_format_by_its_magic() {
        let zst = zstd::stream::encode_all(TEXT, 3).unwrap();
        let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        bz.write_all(TEXT).unwrap();
        let bz = bz.finish().unwrap();
        let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 6);
        xz.write_all(TEXT).unwrap();
        let xz = xz.finish().unwrap();
        for (data, want) in [
            (TEXT.to_vec(), Compression::None),
            (gzip(TEXT), Compression::Gzip),
            (zst, Compression::Zstd),
            (bz, Compression::Bzip2),
            (xz, Compression::Xz),
        ] {
            let (got, kind) = read_all(data);
            assert_eq!((got.unwrap(), kind), (TEXT.to_vec(), want));
        }
        // An empty source is plain and empty.
        assert_eq!(read_all(Vec::new()).0.unwrap(), b"");
    }

    #[test]
    fn every_member_of_a_multi_member_gzip() {
        // logrotate's `compress` after `delaycompress`, or `cat a.gz b.gz`, or pigz.
        let mut data = gzip(b"first member\n");
        data.extend(gzip(b"second member\n"));
        data.extend(gzip(b"third\n"));
        assert_eq!(
            read_all(data).0.unwrap(),
            b"first member\nsecond member\nthird\n"
        );
    }

    #[test]
    fn zero_padding_after_the_last_gzip_member_is_ignored() {
        // Tape and block-copy tools pad to a block size with zero bytes; `gzip -t` and
        // `gzip -d` accept them (even past a whole block).
        let mut data = gzip(b"padded\n");
        data.extend(gzip(b"second member\n"));
        data.extend(vec![0u8; 70_000]);
        assert_eq!(read_all(data).0.unwrap(), b"padded\nsecond member\n");
        // Other bytes after the padding are not padding.
        for tail in [&[0u8, 0, 0, 7][..], b"junk"] {
            let mut data = gzip(TEXT);
            data.extend_from_slice(tail);
            let err = read_all(data).0.unwrap_err().to_string();
            assert!(err.contains("gzip archive"), "{err}");
        }
        // Bytes that are not gzip data after the last member are said to be that, not a
        // cut archive.
        let mut data = gzip(TEXT);
        data.extend_from_slice(b"JUNKJUNK");
        let err = read_all(data).0.unwrap_err().to_string();
        assert!(err.contains("not gzip data"), "{err}");
        assert!(!err.contains("truncated"), "{err}");
    }

    #[test]
    fn a_truncated_archive_is_an_error_after_its_readable_text() {
        let text: Vec<u8> = (0..20_000)
            .flat_map(|k| format!("line {k}\n").into_bytes())
            .collect();
        let full = gzip(&text);
        let cut = full[..full.len() / 2].to_vec();
        let (mut r, _) = decoded(io::Cursor::new(cut)).unwrap();
        let mut out = vec![0u8; 1 << 20];
        let mut got = 0;
        let err = loop {
            match r.read(&mut out[got..]) {
                Ok(0) => panic!("a cut archive read to its end"),
                Ok(n) => got += n,
                Err(e) => break e,
            }
        };
        // What was decoded is the text's start, and the error says where it stopped.
        assert!(got > 0 && out[..got] == text[..got], "{got}");
        let msg = err.to_string();
        assert!(msg.contains("gzip archive truncated"), "{msg}");
        assert!(msg.contains("byte"), "{msg}");
    }

    /// Log-like lines `from..to`, varied enough that they do not compress to nothing.
    fn lines(from: u64, to: u64) -> Vec<u8> {
        let mut out = Vec::new();
        for k in from..to {
            let h = k.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40;
            out.extend_from_slice(
                format!(
                    "10.{}.{}.{} - - [06/Dec/2026:10:{:02}:{:02} +0000] \"GET /item/{h} HTTP/1.1\" {} {}\n",
                    h % 200,
                    h % 97,
                    k % 251,
                    k / 60 % 60,
                    k % 60,
                    [200, 404, 500, 301][(h % 4) as usize],
                    h % 50_000
                )
                .as_bytes(),
            );
        }
        out
    }

    /// `first` then `second` compressed as `kind`, with a flush between them (a block
    /// boundary), and where the flush put that boundary in the archive.
    fn flushed(kind: Compression, first: &[u8], second: &[u8]) -> (Vec<u8>, usize) {
        fn both<W: Write>(
            mut w: W,
            first: &[u8],
            second: &[u8],
            len: impl Fn(&W) -> usize,
        ) -> (W, usize) {
            w.write_all(first).unwrap();
            // Twice: xz's encoder keeps the last output of a flush until its next call.
            w.flush().unwrap();
            w.flush().unwrap();
            let at = len(&w);
            w.write_all(second).unwrap();
            (w, at)
        }
        match kind {
            Compression::Gzip => {
                let e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                let (e, at) = both(e, first, second, |e| e.get_ref().len());
                (e.finish().unwrap(), at)
            }
            Compression::Zstd => {
                let e = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
                let (e, at) = both(e, first, second, |e| e.get_ref().len());
                (e.finish().unwrap(), at)
            }
            Compression::Bzip2 => {
                let e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
                let (e, at) = both(e, first, second, |e| e.get_ref().len());
                (e.finish().unwrap(), at)
            }
            Compression::Xz => {
                let e = liblzma::write::XzEncoder::new(Vec::new(), 6);
                let (e, at) = both(e, first, second, |e| e.get_ref().len());
                (e.finish().unwrap(), at)
            }
            Compression::None => unreachable!(),
        }
    }

    #[test]
    fn a_damaged_block_keeps_every_line_decoded_before_it() {
        // 1.6 MB of good text, a block boundary, then text whose first block is damaged:
        // every byte before the boundary is readable, as `zstd -dc` and the like give it.
        let good = lines(0, 16_000);
        let after = lines(16_000, 26_000);
        let mut short = Vec::new();
        for kind in [
            Compression::Gzip,
            Compression::Zstd,
            Compression::Bzip2,
            Compression::Xz,
        ] {
            let (mut data, at) = flushed(kind, &good, &after);
            // Past the next block's header (bzip2's first bytes after a flush may still
            // hold the end of the block before it), inside its compressed data.
            let hit = if kind == Compression::Zstd {
                at
            } else {
                at + 40
            };
            data[hit..hit + 64].fill(0xff);

            let (r, found) = decoded(io::Cursor::new(data)).unwrap();
            assert_eq!(found, kind);
            // Read as the engine reads: a chunk reader over the decoder.
            let mut chunks = crate::ChunkReader::new(r, "t".into());
            let mut got = Vec::new();
            let err = loop {
                match chunks.next_chunk() {
                    Ok(Some(c)) => got.extend_from_slice(c.data),
                    Ok(None) => panic!("{}: a damaged archive read to its end", kind.name()),
                    Err(e) => break e,
                }
            };
            if got.len() < good.len() || got[..good.len()] != good[..] {
                short.push(format!(
                    "{}: {} of {} good bytes",
                    kind.name(),
                    got.len().min(good.len()),
                    good.len()
                ));
            }
            let msg = err.to_string();
            assert!(msg.contains(&format!("{} archive", kind.name())), "{msg}");
        }
        assert!(short.is_empty(), "{short:?}");
    }
}
