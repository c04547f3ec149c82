//! The first lines of an input, for `explain`, read as `report` reads them: a line longer
//! than [`axlog_input::MAX_LINE`] is cut there and the rest of it skipped, so one runaway
//! line (a file with no newline) cannot take memory; and reading stops once
//! [`KEEP_BYTES`] are kept, so 200 lines just under the cap cannot either.

use axlog_input::{ChunkReader, InputError};
use std::io::Read;

/// One line, without its `\n` or `\r\n`.
pub struct Line {
    pub bytes: Vec<u8>,
    /// Cut at [`axlog_input::MAX_LINE`]: malformed, as `report` counts it.
    pub overlong: bool,
}

/// The most bytes of lines kept (reading ends at the line that reaches it).
pub const KEEP_BYTES: usize = 4 * axlog_input::MAX_LINE;

/// Up to `want` lines of `reader`. Lines come as soon as they are read (a pipe that
/// writes a few lines is not waited on for a whole block).
pub fn read(reader: impl Read, name: String, want: usize) -> Result<Vec<Line>, InputError> {
    read_with(ChunkReader::live(reader, name), want, KEEP_BYTES)
}

fn read_with<R: Read>(
    mut chunks: ChunkReader<R>,
    want: usize,
    keep_bytes: usize,
) -> Result<Vec<Line>, InputError> {
    let mut lines = Vec::new();
    let mut kept = 0;
    while lines.len() < want && kept < keep_bytes {
        let Some(chunk) = chunks.next_chunk()? else {
            break;
        };
        if chunk.overlong {
            kept += chunk.data.len();
            lines.push(Line {
                bytes: chunk.data.to_vec(),
                overlong: true,
            });
            continue;
        }
        let data = chunk.data.strip_suffix(b"\n").unwrap_or(chunk.data);
        for line in data.split(|&b| b == b'\n') {
            if lines.len() == want || kept >= keep_bytes {
                break;
            }
            kept += line.len();
            lines.push(Line {
                bytes: line.strip_suffix(b"\r").unwrap_or(line).to_vec(),
                overlong: false,
            });
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line]) -> Vec<(String, bool)> {
        lines
            .iter()
            .map(|l| (String::from_utf8_lossy(&l.bytes).into_owned(), l.overlong))
            .collect()
    }

    #[test]
    fn lines_cut_and_counted() {
        // A cap of 8 bytes and blocks of 4: `0123456789` is cut to its first 8.
        let input: &[u8] = b"ab\r\n0123456789\ncd\n\nlast";
        let r = ChunkReader::with_sizes(input, "t".into(), 4, 8);
        let lines = read_with(r, 10, 100).unwrap();
        assert_eq!(
            texts(&lines),
            [
                ("ab".to_string(), false),
                ("01234567".to_string(), true),
                ("cd".to_string(), false),
                (String::new(), false),
                ("last".to_string(), false),
            ]
        );
        let r = ChunkReader::with_sizes(input, "t".into(), 4, 8);
        assert_eq!(read_with(r, 2, 100).unwrap().len(), 2);
        let r = ChunkReader::with_sizes(&b""[..], "t".into(), 4, 8);
        assert!(read_with(r, 5, 100).unwrap().is_empty());
        // A budget of 10 bytes: `ab` (2) and the cut line (8) reach it.
        let r = ChunkReader::with_sizes(input, "t".into(), 4, 8);
        assert_eq!(read_with(r, 10, 10).unwrap().len(), 2);
    }
}
