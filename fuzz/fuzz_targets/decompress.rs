//! Each decompressor path: any bytes behind a gzip, zstd, bzip2 or xz magic, and real
//! archives of fuzzed text with fuzzed damage (bytes changed, the end cut), read through
//! `decoded` as a source is. Reading ends in data or an error, never a panic; the output
//! read is capped so a bomb is not a hang.
#![no_main]

use axlog_input::{Compression, decoded};
use libfuzzer_sys::fuzz_target;
use std::io::{Cursor, Read, Write};

/// Decoded bytes read before giving up on an input: a bomb is fine, reading it all is not.
const CAP: usize = 8 << 20;

const MAGICS: [&[u8]; 4] = [
    &[0x1f, 0x8b],
    &[0x28, 0xb5, 0x2f, 0xfd],
    b"BZh9",
    &[0xfd, b'7', b'z', b'X', b'Z', 0x00],
];

fn compress(kind: usize, text: &[u8]) -> Vec<u8> {
    match kind {
        0 => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(text).expect("to a Vec");
            e.finish().expect("to a Vec")
        }
        1 => zstd::stream::encode_all(text, 1).expect("to a Vec"),
        2 => {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
            e.write_all(text).expect("to a Vec");
            e.finish().expect("to a Vec")
        }
        _ => {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 0);
            e.write_all(text).expect("to a Vec");
            e.finish().expect("to a Vec")
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let kind = (mode & 3) as usize;
    let bytes = if mode & 4 == 0 {
        // Raw bytes behind the magic.
        let mut b = MAGICS[kind].to_vec();
        b.extend_from_slice(rest);
        b
    } else {
        // A real archive of the text after a 4-byte damage spec: XOR a byte at a
        // position, then cut the archive to a length (both modulo its size).
        if rest.len() < 4 {
            return;
        }
        let (spec, text) = rest.split_at(4);
        let mut b = compress(kind, text);
        let at = u16::from_le_bytes([spec[0], spec[1]]) as usize % b.len();
        b[at] ^= spec[2];
        if spec[3] != 0 {
            let keep = b.len() * spec[3] as usize / 256;
            b.truncate(keep.max(1));
        }
        if mode & 8 != 0 {
            // Two members back to back, as pigz and logrotate's `compress` write.
            let again = b.clone();
            b.extend_from_slice(&again);
        }
        b
    };
    let Ok((mut r, found)) = decoded(Cursor::new(bytes)) else {
        return;
    };
    // Damage may hit the magic itself: only raw bytes behind it must be recognised.
    if mode & 4 == 0 {
        assert_ne!(found, Compression::None, "a magic was not recognised");
    }
    let mut buf = vec![0u8; 64 << 10];
    let mut total = 0;
    while total < CAP {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
});
