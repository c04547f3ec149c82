//! The parser of a definition that starts with nginx's `combined` fields and adds more
//! (`nginx-main`, `ingress-upstreaminfo`, most pasted `log_format`s): the hand-written
//! `combined` parser reads the first part, the compiled rest of the definition the others.

use crate::error::ParseError;
use crate::logformat::Definition;
use crate::nginx::NginxParser;
use crate::parse::Parse;
use crate::record::Record;
use crate::time::TimeLocalCache;

/// `combined`'s parser, the compiled rest of the definition and its time cache.
impl Parse for (NginxParser, Definition, TimeLocalCache) {
    #[inline]
    fn parse_into<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Result<(), ParseError> {
        let (head, rest, cache) = self;
        head.parse_into(line, rec)?;
        // The rest of the line starts after the user agent's closing quote; a line
        // that ends there lacks the layout's other fields (not an empty line).
        let ua = rec.user_agent;
        let off = (ua.as_ptr() as usize)
            .checked_sub(line.as_ptr() as usize)
            .map(|o| o + ua.len() + 1)
            .filter(|&o| o < line.len() && line.get(o - 1) == Some(&b'"'))
            .ok_or(ParseError::Layout)?;
        let (ts, off_min) = (rec.ts_us, rec.utc_offset_min);
        rest.parse_into(cache, &line[off..], rec)?;
        (rec.ts_us, rec.utc_offset_min) = (ts, off_min);
        // The suffix read what `combined` left.
        rec.unread_fields = false;
        Ok(())
    }
}
