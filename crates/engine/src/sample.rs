//! The lines a source's layout is chosen from, the same on every route: the first chunk
//! of whole lines a single reader hands out, after any overlong first lines (cut at
//! [`axlog_input::MAX_LINE`], they show no layout). A first line longer than a read block
//! makes that chunk longer than a block; a split file's first chunk would hold that line
//! alone, so the split route reads its sample as a single reader does instead, and the
//! report does not depend on the thread count.

use crate::{Config, SourceRun};
use axlog_format::{Layout, LineParser};
use axlog_input::{ChunkReader, InputError, Source};

/// The sample of `source` (a file read by several threads): `None` when it has no line
/// that is not overlong.
pub(crate) fn first_lines(source: &Source, name: &str) -> Result<Option<Vec<u8>>, InputError> {
    let mut chunks = ChunkReader::new(source.open()?, name.to_string());
    while let Some(c) = chunks.next_chunk()? {
        if !c.overlong {
            return Ok(Some(c.data.to_vec()));
        }
    }
    Ok(None)
}

impl SourceRun {
    /// The parser for a source whose sample is `sample`; without one (every line is
    /// overlong, so malformed whatever the layout) nothing is detected.
    pub(crate) fn parser_for_sample(&mut self, cfg: &Config, sample: Option<&[u8]>) -> LineParser {
        if let Some(s) = sample {
            return self.parser_for(cfg, s);
        }
        let mut p = match &cfg.layout {
            Some(f) => f.parser(),
            None => Layout::NginxCombined.parser(),
        };
        p.set_tz(cfg.tz_offset_min);
        p.set_projection(crate::run_fields(cfg));
        p
    }
}
