//! One source read by several parsing threads.
//!
//! Workers take the next chunk as they finish one (from a split file each reads its own
//! chunks of, or from one reading thread's stream) and parse it into a sink of their own
//! (no lock or shared counter per line). What must follow the input's order, each
//! chunk's part ([`ChunkSink::end_chunk`]), goes back to the calling thread, which
//! applies the parts in input order to the source's sink: a chunk's line numbers start
//! after the lines of the chunks before it, known once those are parsed. At the end the
//! workers' sinks are merged into the source's. The merged statistics do not depend on
//! the number of threads or on which worker took which chunk: every aggregate adds up
//! (counts, histograms, per-second series), and ties are broken by value, not by arrival.

use crate::chunk::{Counts, parse_chunk};
use crate::error::SourceError;
use crate::filter::Filter;
use crate::sink::{ChunkPlace, Fork, Sink};
use crate::source::SourceRun;
use crate::spans::Spans;
use crate::state::fault;
use axlog_format::InputParser;
use axlog_input::{BackgroundReader, Chunk, FileSplit, InputError};
use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};

/// What a worker hands back for one chunk, for the calling thread to apply in order.
struct ChunkDone<C> {
    seq: u64,
    counts: Counts,
    part: C,
    /// Bytes of the file the chunk covered (for progress, where no reader counts them).
    bytes: u64,
    /// Where its first line starts, and the bytes of the overlong line it ends with
    /// (cut), if any: the parsed spans (spans.rs).
    offset: u64,
    cut: Option<u64>,
    /// The chunk could not be read (a split file's): it holds nothing.
    failed: bool,
}

/// Where workers take chunks from: a regular file each reads its own chunks of, or one
/// reading thread's stream (standard input, a pipe, an archive).
pub(crate) enum Feed {
    File(FileFeed),
    Stream(Mutex<Shared>),
}

pub(crate) struct FileFeed {
    split: FileSplit,
    next: AtomicU64,
    /// Set at the first read error: no chunk is started after it.
    failed: AtomicBool,
    /// The read error with the lowest chunk number, and that number.
    error: Mutex<Option<(u64, InputError)>>,
}

impl Feed {
    /// Workers reading `split`'s chunks themselves.
    pub(crate) fn file(split: FileSplit) -> Feed {
        Feed::File(FileFeed {
            split,
            next: AtomicU64::new(0),
            failed: AtomicBool::new(false),
            error: Mutex::new(None),
        })
    }

    /// Workers taking `reader`'s chunks, `first` (read already) first, then the read
    /// error `stop` met after them, if any.
    pub(crate) fn stream(
        reader: BackgroundReader,
        first: VecDeque<Chunk>,
        stop: Option<InputError>,
    ) -> Feed {
        Feed::Stream(Mutex::new(Shared {
            reader,
            first,
            stop,
            next_seq: 0,
            error: None,
        }))
    }

    /// The next chunk and its number (read into `spare`, a buffer to reuse), and whether
    /// it could be read; `None` when none is left.
    fn next(&self, spare: Vec<u8>) -> Option<(u64, Chunk, bool)> {
        match self {
            // A poisoned lock means another worker panicked: its chunk is lost either
            // way, and the others carry on with the reader as it is.
            Feed::Stream(shared) => shared
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .next()
                .map(|(seq, c)| (seq, c, true)),
            Feed::File(f) => {
                if f.failed.load(Ordering::Relaxed) {
                    return None;
                }
                let seq = f.next.fetch_add(1, Ordering::Relaxed);
                if seq >= f.split.chunks() {
                    return None;
                }
                match f.split.read(seq, spare) {
                    Ok(c) => Some((seq, c, true)),
                    Err(e) => {
                        f.failed.store(true, Ordering::Relaxed);
                        let mut first = f.error.lock().unwrap_or_else(PoisonError::into_inner);
                        if first.as_ref().is_none_or(|(s, _)| seq < *s) {
                            *first = Some((seq, e));
                        }
                        // An empty chunk keeps the chunks after it in order.
                        Some((seq, Chunk::default(), false))
                    }
                }
            }
        }
    }

    /// Gives a chunk's buffer back; returns it when the worker keeps it for its next read.
    fn recycle(&self, buf: Vec<u8>) -> Option<Vec<u8>> {
        match self {
            Feed::Stream(shared) => {
                shared
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .reader
                    .recycle(buf);
                None
            }
            Feed::File(_) => Some(buf),
        }
    }

    /// The read error that ended the source, if any.
    fn error(self) -> Option<InputError> {
        match self {
            Feed::Stream(shared) => {
                shared
                    .into_inner()
                    .unwrap_or_else(PoisonError::into_inner)
                    .error
            }
            Feed::File(f) => f
                .error
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .map(|(_, e)| e),
        }
    }
}

/// The reader, shared by the workers: the next chunk goes to whoever asks first.
pub(crate) struct Shared {
    reader: BackgroundReader,
    /// The first chunks, read to choose the layout, not yet handed out.
    first: VecDeque<Chunk>,
    /// The read error met while reading them, for after them.
    stop: Option<InputError>,
    next_seq: u64,
    /// The read error that ended the source, if any.
    error: Option<InputError>,
}

impl Shared {
    /// The next chunk and its number, or `None` at the end (or after a read error).
    fn next(&mut self) -> Option<(u64, Chunk)> {
        let chunk = match self.first.pop_front() {
            Some(c) => c,
            None if self.stop.is_some() => {
                self.error = self.stop.take();
                return None;
            }
            None => match self.reader.next()? {
                Ok(c) => c,
                Err(e) => {
                    self.error = Some(e);
                    return None;
                }
            },
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        Some((seq, chunk))
    }
}

/// Parses every chunk of `feed` with `threads` workers, each with a sink forked from
/// `sink` (the source's), into `run` and `sink`. `counter` counts a split file's bytes
/// as its chunks are done (a stream's reader counts its own).
pub(crate) fn parse_all<S: Sink>(
    feed: Feed,
    parser: InputParser,
    threads: usize,
    counter: Option<&Arc<AtomicU64>>,
    run: &mut SourceRun,
    sink: &mut S,
    filter: Option<&Filter>,
) {
    let counter = counter.filter(|_| matches!(feed, Feed::File(_)));
    // A split file's read ends at its range's end; a stream's where its lines end.
    let range_end = match &feed {
        Feed::File(f) => Some(f.split.end()),
        Feed::Stream(_) => None,
    };
    let mut spans = Spans::default();
    let name = run.id.name.clone();
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("parse {i}"))
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            run.error = Some(SourceError::Thread {
                name,
                what: "parsing threads",
                error: Some(e.to_string()),
            });
            return;
        }
    };
    sink.begin(&run.begin(&parser));
    let (done_tx, done_rx) = mpsc::channel::<ChunkDone<S::Chunk>>();
    let (sinks_tx, sinks_rx) = mpsc::channel::<(S, InputParser)>();
    pool.in_place_scope(|scope| {
        for _ in 0..threads {
            let (done_tx, sinks_tx) = (done_tx.clone(), sinks_tx.clone());
            let (feed, parser, name) = (&feed, parser.clone(), name.as_str());
            let worker = sink.fork(Fork::Worker);
            scope.spawn(move |_| {
                let _ = sinks_tx.send(work(feed, parser, name, worker, &done_tx, filter));
            });
        }
        drop((done_tx, sinks_tx));
        // Chunks come back in any order; they are applied in input order.
        let mut pending: BTreeMap<u64, ChunkDone<S::Chunk>> = BTreeMap::new();
        let mut next = 0u64;
        for done in done_rx {
            pending.insert(done.seq, done);
            while let Some(d) = pending.remove(&next) {
                let at = ChunkPlace {
                    source: &name,
                    lines_before: run.lines_before(),
                };
                sink.add_chunk(d.part, at);
                if let Some(n) = counter {
                    n.fetch_add(d.bytes, Ordering::Relaxed);
                }
                run.add_counts(&d.counts);
                match d.failed {
                    true => spans.failed(),
                    false => spans.chunk(d.offset, d.bytes, d.cut, d.counts.lines),
                }
                next += 1;
                fault::hit(fault::Point::MidRead);
            }
        }
    });
    // Merging adds, and ties are broken by value: the order the workers finish in does
    // not change the result. (Only a table that reached its cap keeps the keys that came
    // first, which depends on arrival; the report says when a cap was reached.)
    for (worker, parser) in sinks_rx {
        sink.merge(worker);
        run.add_layout_counts(&parser);
    }
    run.error = feed.error().map(SourceError::from);
    run.parsed = spans.finish(run.error.is_none(), range_end);
}

/// One worker: parses chunks until the source ends (or its sink stops), and returns its
/// sink and its parser (which counted the lines of each layout it read).
fn work<S: Sink>(
    feed: &Feed,
    mut parser: InputParser,
    name: &str,
    mut sink: S,
    done: &mpsc::Sender<ChunkDone<S::Chunk>>,
    filter: Option<&Filter>,
) -> (S, InputParser) {
    let mut spare = Vec::new();
    while let Some((seq, chunk, read)) = feed.next(std::mem::take(&mut spare)) {
        let counts = parse_chunk(Some(&mut parser), &chunk, name, &mut sink, filter);
        let msg = ChunkDone {
            seq,
            counts,
            part: sink.end_chunk(),
            bytes: chunk.lines().len() as u64,
            offset: chunk.offset,
            cut: chunk.cut().map(|c| c.len() as u64),
            failed: !read,
        };
        spare = feed.recycle(chunk.into_buf()).unwrap_or_default();
        if done.send(msg).is_err() || sink.stopped() {
            break;
        }
    }
    (sink, parser)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::{ChunkSink, RecordSink, SourceId};
    use axlog_format::{ParseError, Preset, Record};
    use axlog_input::{ByteRange, MAX_LINE};

    /// Counts what it is given: records and malformed lines.
    #[derive(Default)]
    struct Count(u64);

    impl RecordSink for Count {
        fn record(&mut self, _: &Record<'_>) {
            self.0 += 1;
        }
        fn malformed(&mut self, _: &str, _: u64, _: &[u8], _: ParseError) {
            self.0 += 1;
        }
    }

    impl ChunkSink for Count {
        type Chunk = ();
        fn end_chunk(&mut self) {}
        fn add_chunk(&mut self, _: (), _: ChunkPlace<'_>) {}
    }

    impl Sink for Count {
        type Output = u64;
        fn fork(&self, _: Fork<'_>) -> Self {
            Count(0)
        }
        fn merge(&mut self, other: Self) {
            self.0 += other.0;
        }
        fn finish(self) -> u64 {
            self.0
        }
    }

    /// A range of a file that shrinks after the split is made (a copytruncate while it
    /// is read): the read fails part-way, and the spans it reports parsed hold exactly
    /// the lines it counted, each line of them once, counted here from the file's text.
    #[test]
    fn a_failed_split_read_reports_the_spans_it_parsed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("access.log");
        // Past the chunk's bytes a split reads on to the end of its last line 64 KiB at a
        // time: chunks well before the cut read whole.
        let text: String = (0..3000)
            .map(|k| {
                format!(
                    "10.0.0.{} - - [06/Dec/2026:10:{:02}:{:02} +0000] \"GET /p/{k} HTTP/1.1\" 200 {k} \"-\" \"t\"\n",
                    k % 250,
                    k / 60 % 60,
                    k % 60
                )
            })
            .collect();
        let text = text.as_bytes();
        for (threads, chunk, start_line, cut_at) in
            [(2, 700, 17, 0.6), (3, 3333, 0, 0.5), (2, 20_000, 100, 0.9)]
        {
            std::fs::write(&path, text).unwrap();
            let line_start = |n: usize| -> u64 {
                text.split_inclusive(|&b| b == b'\n')
                    .take(n)
                    .map(|l| l.len() as u64)
                    .sum()
            };
            let start = line_start(start_line);
            let range = ByteRange {
                start,
                end: Some(text.len() as u64),
                lines_before: start_line as u64,
            };
            let split = FileSplit::open_range(&path, "access.log".into(), &range, chunk, MAX_LINE)
                .unwrap()
                .unwrap();
            let cut = (text.len() as f64 * cut_at) as u64;
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(cut)
                .unwrap();
            let id = SourceId {
                name: "access.log".into(),
                label: "access.log".into(),
                row: 0,
            };
            let mut run = SourceRun::new(id);
            run.range = Some(range);
            let mut sink = Count(0);
            let parser = Preset::NginxCombined.parser().into();
            parse_all(
                Feed::file(split),
                parser,
                threads,
                None,
                &mut run,
                &mut sink,
                None,
            );
            assert!(run.error.is_some(), "the read must fail at {cut}");
            assert_eq!(sink.0, run.lines);
            let mut seen = 0;
            let mut at = start;
            for s in &run.parsed {
                // Spans are in order, apart, of whole lines of the text before the cut.
                assert!(s.start >= at && s.end > s.start && s.end <= cut, "{s:?}");
                let bytes = &text[s.start as usize..s.end as usize];
                assert!(s.start == 0 || text[s.start as usize - 1] == b'\n');
                assert_eq!(bytes.last(), Some(&b'\n'));
                let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
                assert_eq!(s.lines, lines, "{s:?}");
                seen += lines;
                at = s.end + 1;
            }
            assert_eq!(seen, run.lines);
            // What the next run starts at: the end of the lines parsed from the start.
            let end = run.end();
            // Every chunk before the one that failed was taken before it and read whole:
            // the lines parsed are one span from the range's start.
            assert!(
                run.lines > 0,
                "{threads} {chunk} {cut} {:?} {:?}",
                run.error,
                run.parsed
            );
            assert_eq!(run.parsed.len(), 1);
            assert_eq!((run.parsed[0].start, run.parsed[0].end), (start, end));
            assert!(end <= cut);
        }
    }
}
