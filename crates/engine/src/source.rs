//! One source's reading, as the summary reports it ([`SourceRun`]), and the route that
//! reads a source in order on one thread (also `--every`'s).

use crate::Config;
use crate::chunk::parse_chunk;
use crate::error::SourceError;
use crate::sink::{Begin, ChunkPlace, ChunkSink, SourceId};
use crate::spans::{Span, Spans};
use crate::state::fault;
use axlog_format::{Fields, Format, InputParser, Preset, detect};
use axlog_input::{ByteRange, Chunk, InputError};

/// What reading one source gave.
pub struct SourceRun {
    pub id: SourceId,
    /// The part of the source read (`None`: all of it).
    pub range: Option<ByteRange>,
    /// Lines read (of the range, when there is one).
    pub lines: u64,
    /// The decoded bytes whose lines were parsed, in order: one span from the range's
    /// start when the read went to its end; before a read error, what was parsed (a
    /// split file's workers may have parsed chunks past the failing one: spans after a
    /// hole). Their lines add up to `lines`.
    pub parsed: Vec<Span>,
    /// Lines that did not parse (server messages aside).
    pub malformed: u64,
    /// Requests the filters dropped.
    pub filtered: u64,
    /// Lines longer than the longest line kept (cut there, counted in `malformed`).
    pub long_lines: LongLines,
    /// The layout used, and whether it was detected; `None` when none fitted.
    pub layout: Option<(Format, bool)>,
    pub error: Option<SourceError>,
    pub layout_help: Option<String>,
    /// What detection has to say about the layout it chose.
    pub layout_note: Option<String>,
    /// The layouts a detected source was read with, each with its lines (summed over
    /// the parsing threads).
    pub layout_counts: Vec<(String, u64)>,
}

/// A source's lines longer than the longest line axlog keeps (16 MiB): each is cut there,
/// counted malformed and kept cut in rejects; the run says so on stderr.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LongLines {
    pub count: u64,
    /// The first one's line number in the source.
    pub first: Option<u64>,
}

impl LongLines {
    fn add(&mut self, line: u64) {
        self.merge(&LongLines {
            count: 1,
            first: Some(line),
        });
    }

    /// Adds another part's (of the same source, in any order).
    pub fn merge(&mut self, other: &LongLines) {
        self.count += other.count;
        self.first = match (self.first, other.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

impl SourceRun {
    pub(crate) fn new(id: SourceId) -> Self {
        SourceRun {
            id,
            range: None,
            lines: 0,
            parsed: Vec::new(),
            malformed: 0,
            filtered: 0,
            long_lines: LongLines::default(),
            layout: None,
            error: None,
            layout_help: None,
            layout_note: None,
            layout_counts: Vec::new(),
        }
    }

    /// Where the lines parsed without a break from the range's start end: the decoded
    /// byte a read that resumes this one starts at (the range's start when nothing was
    /// parsed from it).
    pub fn end(&self) -> u64 {
        let start = self.range.map_or(0, |r| r.start);
        match self.parsed.first() {
            Some(s) if s.start <= start => s.end.max(start),
            _ => start,
        }
    }

    /// Adds a chunk's counts, the chunk coming next in the source's order.
    pub(crate) fn add_counts(&mut self, counts: &crate::chunk::Counts) {
        if let Some(n) = counts.cut_line {
            self.long_lines.add(self.lines_before() + n);
        }
        self.lines += counts.lines;
        self.malformed += counts.malformed;
        self.filtered += counts.filtered;
    }

    /// The source's lines before the next chunk: those before the range, and those read.
    pub(crate) fn lines_before(&self) -> u64 {
        self.range.map_or(0, |r| r.lines_before) + self.lines
    }

    /// Adds a parser's lines per layout to the source's.
    pub(crate) fn add_layout_counts(&mut self, parser: &InputParser) {
        for (label, n) in parser.layout_counts() {
            match self.layout_counts.iter_mut().find(|(l, _)| *l == label) {
                Some((_, m)) => *m += n,
                None => self.layout_counts.push((label, n)),
            }
        }
    }

    /// Chooses the layout from a source's first chunk and makes its parser, which fills
    /// `fields` (the sinks' projection).
    pub(crate) fn parser_for(&mut self, cfg: &Config, first: &[u8], fields: Fields) -> InputParser {
        (self.layout, self.layout_note) = match choose_layout(cfg, first) {
            Some((f, detected, note)) => (Some((f, detected)), note),
            None => (None, None),
        };
        if self.layout.is_none() {
            self.layout_help = axlog_format::diagnose(first).map(|d| d.to_string());
        }
        // Where no layout fits any of the first lines, parsing as combined reports
        // every line as malformed (and keeps them in rejects).
        let mut p = match &self.layout {
            // A detected layout gives way where the source changes layout part-way.
            Some((f, true)) => InputParser::detected(f),
            Some((f, false)) => f.parser().into(),
            None => Preset::NginxCombined.parser().into(),
        };
        p.set_zone(&cfg.tz);
        p.set_projection(with_filter(cfg, fields));
        p
    }

    /// The parser for a source whose sample is `sample` (see sample.rs); without one
    /// (every line is overlong, so malformed whatever the layout) nothing is detected.
    pub(crate) fn parser_for_sample(
        &mut self,
        cfg: &Config,
        sample: Option<&[u8]>,
        fields: Fields,
    ) -> InputParser {
        if let Some(s) = sample {
            return self.parser_for(cfg, s, fields);
        }
        let mut p: InputParser = match &cfg.layout {
            Some(f) => f.parser().into(),
            None => Preset::NginxCombined.parser().into(),
        };
        p.set_zone(&cfg.tz);
        p.set_projection(with_filter(cfg, fields));
        p
    }

    /// What the source's sink learns once its parser is made.
    pub(crate) fn begin<'a>(&'a self, parser: &'a InputParser) -> Begin<'a> {
        Begin {
            parser,
            layout: self.layout.as_ref().map(|(f, d)| (f, *d)),
        }
    }

    /// Reads `chunks` (a source's, in order) on this thread into `sink`, the source's;
    /// each chunk's buffer goes back through `recycle`. The layout is chosen from the
    /// first chunk that is not an overlong line (see sample.rs). Stops at the first read
    /// error, after the chunks before it.
    pub(crate) fn read_in_order<S: ChunkSink>(
        &mut self,
        cfg: &Config,
        chunks: impl Iterator<Item = Result<Chunk, InputError>>,
        mut recycle: impl FnMut(Vec<u8>),
        sink: &mut S,
    ) {
        let mut parser: Option<InputParser> = None;
        let mut spans = Spans::default();
        for chunk in chunks {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    self.error = Some(e.into());
                    break;
                }
            };
            // What the chunk covered, for the state's parsed spans.
            let (offset, len, cut) = (
                chunk.offset,
                chunk.lines().len() as u64,
                chunk.cut().map(|c| c.len() as u64),
            );
            let lines_before = self.lines;
            recycle(self.read_chunk(cfg, &mut parser, chunk, sink));
            spans.chunk(offset, len, cut, self.lines - lines_before);
            fault::hit(fault::Point::MidRead);
            if sink.stopped() {
                break;
            }
        }
        self.end_reading(parser.as_ref());
        // A stream's end is where its last line ends.
        self.parsed = spans.finish(self.error.is_none(), None);
    }

    /// Reads one chunk of the source (the next in order) into `sink` with `parser`,
    /// made from this chunk when there is none yet; gives back the chunk's buffer.
    pub(crate) fn read_chunk<S: ChunkSink>(
        &mut self,
        cfg: &Config,
        parser: &mut Option<InputParser>,
        chunk: Chunk,
        sink: &mut S,
    ) -> Vec<u8> {
        if parser.is_none() && !chunk.is_overlong() {
            let p = self.parser_for(cfg, chunk.lines(), sink.fields());
            sink.begin(&self.begin(&p));
            *parser = Some(p);
        }
        let name = &self.id.name;
        let counts = parse_chunk(parser.as_mut(), &chunk, name, sink, cfg.filter.as_deref());
        let part = sink.end_chunk();
        sink.add_chunk(
            part,
            ChunkPlace {
                source: name,
                lines_before: self.lines_before(),
            },
        );
        self.add_counts(&counts);
        chunk.into_buf()
    }

    /// The source is read: its parser's counts per layout are added.
    pub(crate) fn end_reading(&mut self, parser: Option<&InputParser>) {
        if let Some(p) = parser {
            self.add_layout_counts(p);
        }
    }
}

/// The sinks' `fields` and the fields the filters read: the parser's projection.
fn with_filter(cfg: &Config, fields: Fields) -> Fields {
    match &cfg.filter {
        Some(f) => fields.union(f.fields()),
        None => fields,
    }
}

/// Picks the layout for a source: the configured one, or the one that fits `sample`.
/// Detection may add a note on its choice.
pub(crate) fn choose_layout(cfg: &Config, sample: &[u8]) -> Option<(Format, bool, Option<String>)> {
    match &cfg.layout {
        // A given layout may still come behind a syslog header.
        Some(l) => Some((
            axlog_format::with_syslog_if_it_fits(l.clone(), sample),
            false,
            None,
        )),
        None => detect(sample).map(|d| (d.format(), true, d.note)),
    }
}
