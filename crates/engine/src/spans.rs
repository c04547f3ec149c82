//! Which bytes of a source a read parsed ([`Span`]s), built chunk by chunk in input
//! order. A `--state` run commits them (design §2.2, §2.3): a stream's read is in order,
//! so what it parsed before an error is one span from the range's start; a split file's
//! workers may have parsed chunks past the one that failed, which are spans after a hole,
//! so the next run reads the hole only.
//!
//! Consecutive chunks are contiguous (a split's chunk takes the lines that start in its
//! bytes, to their end; a stream hands out whole lines), so spans only break where a chunk
//! could not be read. A chunk may end with an overlong line cut at `MAX_LINE`, whose end
//! is only known from the chunk after it: when none comes (the read failed there), the
//! span ends where that line starts, and the line is read again by the next run.

/// Decoded bytes of a source whose lines were all parsed: the lines that start in
/// `[start, end)`, `lines` of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    pub start: u64,
    pub end: u64,
    pub lines: u64,
}

/// Spans being built from chunks applied in input order.
#[derive(Debug, Default)]
pub(crate) struct Spans {
    done: Vec<Span>,
    current: Option<Span>,
    /// The current span is followed by a cut overlong line of this many bytes (at least):
    /// it was parsed (one line), its end is not known yet.
    cut: Option<u64>,
}

impl Spans {
    /// The next chunk in order was read and parsed: its first line at `offset`, `whole`
    /// bytes of whole lines, then maybe a cut line of `cut` bytes; `lines` lines in all
    /// (the cut one included).
    pub(crate) fn chunk(&mut self, offset: u64, whole: u64, cut: Option<u64>, lines: u64) {
        if whole == 0 && cut.is_none() {
            // No line starts in it: a line before it runs through it.
            return;
        }
        let whole_lines = lines.saturating_sub(u64::from(cut.is_some()));
        let end = offset.saturating_add(whole);
        match &mut self.current {
            Some(s) => {
                // A cut line before this chunk ends where it starts.
                s.lines += u64::from(self.cut.is_some()) + whole_lines;
                s.end = end;
            }
            None => {
                self.current = Some(Span {
                    start: offset,
                    end,
                    lines: whole_lines,
                })
            }
        }
        self.cut = cut;
    }

    /// The next chunk in order could not be read: the span before it ends.
    pub(crate) fn failed(&mut self) {
        self.done.extend(self.current.take());
        self.cut = None;
    }

    /// The spans, once every chunk is in. `end`: where the read ended when it went to
    /// its end (a cut last line runs to it; `None` for a stream read to its end, whose
    /// cut last line counts at least its cut bytes); `None` with `ok` false: it failed.
    pub(crate) fn finish(mut self, ok: bool, end: Option<u64>) -> Vec<Span> {
        if ok && let (Some(s), Some(cut)) = (&mut self.current, self.cut) {
            s.lines += 1;
            s.end = end.unwrap_or(s.end.saturating_add(cut)).max(s.end);
        }
        self.done.extend(self.current.take());
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: u64, end: u64, lines: u64) -> Span {
        Span { start, end, lines }
    }

    #[test]
    fn contiguous_chunks_are_one_span() {
        let mut s = Spans::default();
        s.chunk(10, 20, None, 2);
        s.chunk(30, 0, None, 0);
        s.chunk(30, 5, None, 1);
        assert_eq!(s.finish(true, Some(35)), [span(10, 35, 3)]);
    }

    #[test]
    fn a_failed_chunk_leaves_a_hole() {
        let mut s = Spans::default();
        s.chunk(0, 10, None, 1);
        s.failed();
        s.chunk(25, 5, None, 1);
        assert_eq!(s.finish(false, None), [span(0, 10, 1), span(25, 30, 1)]);
        // A failure first: nothing from the start.
        let mut s = Spans::default();
        s.failed();
        s.chunk(25, 5, None, 1);
        assert_eq!(s.finish(false, None), [span(25, 30, 1)]);
    }

    #[test]
    fn a_cut_line_ends_where_the_next_chunk_starts() {
        let mut s = Spans::default();
        // Two whole lines, then an overlong line cut after 8 bytes, which ends at 100.
        s.chunk(0, 10, Some(8), 3);
        s.chunk(100, 10, None, 1);
        assert_eq!(s.finish(true, Some(110)), [span(0, 110, 4)]);
        // Read to the end: the cut line runs to it.
        let mut s = Spans::default();
        s.chunk(0, 10, Some(8), 3);
        assert_eq!(s.finish(true, Some(50)), [span(0, 50, 3)]);
        // A stream's end is not known: at least the cut bytes.
        let mut s = Spans::default();
        s.chunk(0, 0, Some(8), 1);
        assert_eq!(s.finish(true, None), [span(0, 8, 1)]);
        // A failure after it: the span stops where the cut line starts.
        let mut s = Spans::default();
        s.chunk(0, 10, Some(8), 3);
        s.failed();
        assert_eq!(s.finish(false, None), [span(0, 10, 2)]);
    }
}
