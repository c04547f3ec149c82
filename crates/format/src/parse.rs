//! [`Parse`]: what every line parser does. A parser writes one `parse_into`; `parse` (a
//! fresh record per line) is derived from it, and a parser that does not switch layouts
//! keeps the defaults of `switch_layout` and `restart`.

use crate::error::ParseError;
use crate::record::Record;

/// A line parser: turns one line (without its terminator) into a [`Record`] borrowing
/// from the line. Parsers keep small per-input state (the last timestamp), hence `&mut`.
pub trait Parse {
    /// Parses `line` into a record the caller keeps (no copy of the record on the hot
    /// path). On error `rec` holds partial values.
    fn parse_into<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Result<(), ParseError>;

    /// After a line failed, with `block` that line and the ones after it: whether the
    /// parser moved to another layout that fits the block (only a parser that switches
    /// layouts does, see [`crate::InputParser`]); the line is then to be parsed again.
    #[inline]
    fn switch_layout(&mut self, _block: &[u8]) -> bool {
        false
    }

    /// At the start of a chunk: a parser that switches layouts goes back to the
    /// detected one.
    #[inline]
    fn restart(&mut self) {}

    /// Parses `line` into a new record.
    #[inline]
    fn parse<'a>(&mut self, line: &'a [u8]) -> Result<Record<'a>, ParseError> {
        let mut rec = Record::default();
        self.parse_into(line, &mut rec).map(|()| rec)
    }
}
