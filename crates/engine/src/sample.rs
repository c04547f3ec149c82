//! The lines a source's layout is chosen from, the same on every route: the first chunk
//! of whole lines a single reader hands out, after any overlong first lines (cut at
//! [`axlog_input::MAX_LINE`], they show no layout). A first line longer than a read block
//! makes that chunk longer than a block; a split file's first chunk would hold that line
//! alone, so the split route reads its sample as a single reader does instead, and the
//! report does not depend on the thread count. A byte range's sample is its own first
//! lines (the layout of the lines read).

use axlog_input::{ByteRange, ChunkReader, InputError, Source};

/// The sample of `range` of `source` (a file read by several threads): `None` when it
/// has no line that is not overlong.
pub(crate) fn first_lines(
    source: &Source,
    range: &ByteRange,
    name: &str,
) -> Result<Option<Vec<u8>>, InputError> {
    let (reader, _) = source.open_range(range, Default::default())?;
    let mut chunks = ChunkReader::new(reader, name.to_string());
    while let Some(c) = chunks.next_chunk()? {
        if !c.overlong {
            return Ok(Some(c.data.to_vec()));
        }
    }
    Ok(None)
}
