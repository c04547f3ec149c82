//! [`InputParser`]: what one input is read with. An input in a given layout is read by
//! that layout's [`LineParser`]; a detected one by a [`Switching`] parser, which gives way
//! to another layout where the input changes part-way. The engine holds this type; it
//! sits above detection, which uses `LineParser`s, so the modules depend on each other
//! one way (parser ← detect ← switching ← input_parser).

use crate::error::ParseError;
use crate::fields::Fields;
use crate::format::Format;
use crate::parse::Parse;
use crate::parser::LineParser;
use crate::record::Record;
use crate::switching::Switching;

#[derive(Debug, Clone)]
// One parser exists per input and thread, so its size does not matter; boxing the
// layout's parser would add a pointer chase to every line.
#[allow(clippy::large_enum_variant)]
pub enum InputParser {
    /// A layout given (or one nothing else fits): its parser throughout.
    One(LineParser),
    /// A detected layout, which gives way to another where the input changes layout.
    Switching(Box<Switching>),
}

impl InputParser {
    /// The parser of an input detected as `format`.
    pub fn detected(format: &Format) -> InputParser {
        InputParser::Switching(Box::new(Switching::new(format)))
    }

    /// See [`LineParser::set_projection`].
    pub fn set_projection(&mut self, fields: Fields) {
        match self {
            InputParser::One(p) => p.set_projection(fields),
            InputParser::Switching(s) => s.set_projection(fields),
        }
    }

    /// See [`LineParser::set_zone`].
    pub fn set_zone(&mut self, zone: &crate::Zone) {
        match self {
            InputParser::One(p) => p.set_zone(zone),
            InputParser::Switching(s) => s.set_zone(zone),
        }
    }

    /// See [`LineParser::set_tz`].
    pub fn set_tz(&mut self, tz_offset_min: i16) {
        match self {
            InputParser::One(p) => p.set_tz(tz_offset_min),
            InputParser::Switching(s) => s.set_tz(tz_offset_min),
        }
    }

    /// The names of the variables a record keeps in `Record::extras` (the detected
    /// layout's, for a switching parser: see [`Switching`]).
    pub fn extra_names(&self) -> Vec<String> {
        match self {
            InputParser::One(p) => p.extra_names(),
            InputParser::Switching(s) => s.current().map_or(Vec::new(), |p| p.extra_names()),
        }
    }

    /// The layouts a switching parser read lines with, and how many each read; empty
    /// for the others.
    pub fn layout_counts(&self) -> Vec<(String, u64)> {
        match self {
            InputParser::One(_) => Vec::new(),
            InputParser::Switching(s) => s.counts(),
        }
    }

    /// [`Parse::parse_into`], callable without importing the trait.
    #[inline]
    pub fn parse_into<'a>(
        &mut self,
        line: &'a [u8],
        rec: &mut Record<'a>,
    ) -> Result<(), ParseError> {
        Parse::parse_into(self, line, rec)
    }

    /// [`Parse::switch_layout`], callable without importing the trait.
    pub fn switch_layout(&mut self, block: &[u8]) -> bool {
        Parse::switch_layout(self, block)
    }
}

impl From<LineParser> for InputParser {
    fn from(p: LineParser) -> InputParser {
        InputParser::One(p)
    }
}

impl Parse for InputParser {
    #[inline]
    fn parse_into<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Result<(), ParseError> {
        match self {
            InputParser::One(p) => p.parse_into(line, rec),
            InputParser::Switching(s) => s.parse_into(line, rec),
        }
    }

    fn switch_layout(&mut self, block: &[u8]) -> bool {
        match self {
            InputParser::One(_) => false,
            InputParser::Switching(s) => s.switch_for(block),
        }
    }

    #[inline]
    fn restart(&mut self) {
        if let InputParser::Switching(s) = self {
            s.restart();
        }
    }
}
