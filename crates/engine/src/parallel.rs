//! One source read by several parsing threads.
//!
//! A reading thread cuts the source into chunks of whole lines; rayon workers take the
//! next chunk as they finish one and parse it into their own statistics (no lock or shared
//! counter per line). What must follow the input's order, the rejects file and the
//! malformed samples with their line numbers, goes back per chunk to the calling thread,
//! which puts the chunks back in order: a chunk's line numbers start after the lines of
//! the chunks before it, known once those are parsed. At the end the workers' statistics
//! are merged into the run's. The merged statistics do not depend on the number of
//! threads or on which worker took which chunk: every aggregate adds up (counts,
//! histograms, per-second series), and ties are broken by value, not by arrival.

use crate::{Config, RejectsSink, Rollups, Rows, Sink, SourceRun, StatsSink, process_chunk};
use axlog_format::{LineParser, ParseError, Record};
use axlog_input::{BackgroundReader, DEFAULT_CHUNK, FileSplit, MAX_LINE, OwnedChunk, Source};
use axlog_stats::Aggregate;
use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};

/// What a worker hands back for one chunk, for the calling thread to apply in order.
struct ChunkDone {
    seq: u64,
    lines: u64,
    /// The chunk's malformed lines, verbatim, each ending in a newline.
    rejects: Vec<u8>,
    /// Their line numbers within the chunk.
    reject_lines: Vec<u64>,
    /// The first malformed lines of the chunk: (line number within the chunk, text).
    samples: Vec<(u64, Vec<u8>)>,
    /// The chunk's capped tables (paths, servers, hosts), merged into the source's in
    /// input order.
    paths: axlog_stats::ChunkTables,
    /// Bytes of the file the chunk covered (for progress, where no reader counts them).
    bytes: u64,
    /// The chunk's rollup, merged into the source's in input order.
    rollup: Option<axlog_stats::rollup::Rollup>,
}

/// A worker's sink: statistics and Parquet rows of its own, and the order-bound parts of
/// the current chunk.
struct WorkerSink {
    stats: StatsSink,
    rows: Rows,
    keep_rejects: bool,
    rejects: Vec<u8>,
    reject_lines: Vec<u64>,
    samples: Vec<(u64, Vec<u8>)>,
    max_samples: usize,
}

impl Sink for WorkerSink {
    #[inline]
    fn prepare(&mut self, r: &Record<'_>) {
        self.stats.prepare(r);
    }

    #[inline]
    fn record(&mut self, r: &Record<'_>) {
        self.stats.record(r);
        self.rows.record(r);
    }

    fn malformed(&mut self, _source: &str, line_no: u64, line: &[u8], err: ParseError) {
        if err == ParseError::NotAccess {
            self.stats.0.other_line();
            return;
        }
        self.stats.0.count_malformed();
        if self.samples.len() < self.max_samples {
            let text = crate::without_cr(line);
            self.samples
                .push((line_no, text[..text.len().min(300)].to_vec()));
        }
        if self.keep_rejects {
            self.rejects.extend_from_slice(line);
            self.rejects.push(b'\n');
            self.reject_lines.push(line_no);
        }
    }
}

/// Where workers take chunks from: a regular file each reads its own chunks of, or one
/// reading thread's stream (standard input, a pipe).
enum Feed {
    File(FileFeed),
    Stream(Mutex<Shared>),
}

/// A chunk as a worker gets it.
struct Job {
    seq: u64,
    /// The chunk's lines are `data[start..end]`.
    data: Vec<u8>,
    start: usize,
    end: usize,
    /// The chunk is the first bytes of one overlong line (a stream's chunk).
    overlong: bool,
    /// After the chunk's lines, an overlong last line, cut (a file's chunk).
    overlong_tail: Option<Vec<u8>>,
}

struct FileFeed {
    split: FileSplit,
    next: AtomicU64,
    /// Set at the first read error: no chunk is started after it.
    failed: AtomicBool,
    /// The read error with the lowest chunk number, and that number.
    error: Mutex<Option<(u64, String)>>,
}

impl Feed {
    /// The next chunk (read into `spare`, a buffer to reuse); `None` when none is left.
    fn next(&self, spare: Vec<u8>) -> Option<Job> {
        match self {
            Feed::Stream(shared) => {
                // A poisoned lock means another worker panicked: its chunk is lost either
                // way, and the others carry on with the reader as it is.
                let (seq, c) = shared
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .next()?;
                Some(Job {
                    seq,
                    start: 0,
                    end: c.data.len(),
                    data: c.data,
                    overlong: c.overlong,
                    overlong_tail: None,
                })
            }
            Feed::File(f) => {
                if f.failed.load(Ordering::Relaxed) {
                    return None;
                }
                let seq = f.next.fetch_add(1, Ordering::Relaxed);
                if seq >= f.split.chunks() {
                    return None;
                }
                match f.split.read(seq, spare) {
                    Ok(c) => Some(Job {
                        seq,
                        data: c.buf,
                        start: c.start,
                        end: c.end,
                        overlong: false,
                        overlong_tail: c.overlong,
                    }),
                    Err(e) => {
                        f.failed.store(true, Ordering::Relaxed);
                        let mut first = f.error.lock().unwrap_or_else(PoisonError::into_inner);
                        if first.as_ref().is_none_or(|(s, _)| seq < *s) {
                            *first = Some((seq, e.to_string()));
                        }
                        // An empty chunk keeps the chunks after it in order.
                        Some(Job {
                            seq,
                            data: Vec::new(),
                            start: 0,
                            end: 0,
                            overlong: false,
                            overlong_tail: None,
                        })
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
    fn error(self) -> Option<String> {
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

/// Chunk tables handed back after their merge, for the workers' next chunks.
#[derive(Default)]
struct Tables(Mutex<Vec<axlog_stats::ChunkTables>>);

impl Tables {
    fn take(&self) -> axlog_stats::ChunkTables {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_else(Aggregate::chunk_tables)
    }

    fn give(&self, mut t: axlog_stats::ChunkTables) {
        t.clear();
        let mut pool = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // As many as can be in flight at once; more would only hold memory.
        if pool.len() < 16 {
            pool.push(t);
        }
    }
}

/// The reader, shared by the workers: the next chunk goes to whoever asks first.
struct Shared {
    reader: BackgroundReader,
    /// The first chunks, read to choose the layout, not yet handed out.
    first: VecDeque<OwnedChunk>,
    /// The read error met while reading them, for after them.
    stop: Option<String>,
    next_seq: u64,
    /// The read error that ended the source, if any.
    error: Option<String>,
}

impl Shared {
    /// The next chunk and its number, or `None` at the end (or after a read error).
    fn next(&mut self) -> Option<(u64, OwnedChunk)> {
        let chunk = match self.first.pop_front() {
            Some(c) => c,
            None if self.stop.is_some() => {
                self.error = self.stop.take();
                return None;
            }
            None => match self.reader.next()? {
                Ok(c) => c,
                Err(e) => {
                    self.error = Some(e.to_string());
                    return None;
                }
            },
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        Some((seq, chunk))
    }
}

/// Reads `source` with `threads` parsing threads into `sink` (the run's statistics and
/// rejects), as [`crate::read_source`] does with one.
pub(crate) fn read_source<W: Write>(
    source: &Source,
    (idx, label): (usize, &str),
    name: &str,
    cfg: &Config,
    (threads, counter): (usize, Option<&Arc<AtomicU64>>),
    sink: &mut (StatsSink, Option<RejectsSink<W>>),
) -> SourceRun {
    let mut run = SourceRun::new();
    // A regular file: each worker reads its own chunks, no reading thread.
    if let Source::Path(path) = source {
        match FileSplit::open(path, name.to_string(), DEFAULT_CHUNK, MAX_LINE) {
            Err(e) => {
                run.error = Some(e.to_string());
                return run;
            }
            Ok(Some(split)) => {
                if split.is_empty() {
                    return run;
                }
                // The layout is chosen from the lines a single reader would choose it
                // from (see sample.rs).
                let sample = match crate::sample::first_lines(source, name) {
                    Ok(s) => s,
                    Err(e) => {
                        run.error = Some(e.to_string());
                        return run;
                    }
                };
                let parser = run.parser_for_sample(cfg, sample.as_deref());
                let feed = Feed::File(FileFeed {
                    split,
                    next: AtomicU64::new(0),
                    failed: AtomicBool::new(false),
                    error: Mutex::new(None),
                });
                return parse_all(
                    feed,
                    parser,
                    (idx, name, label),
                    cfg,
                    (threads, counter),
                    sink,
                    run,
                );
            }
            Ok(None) => {}
        }
    }
    // A stream (standard input, a pipe, an archive) has a thread of its own reading (and
    // decoding) it, which takes a core: one parser fewer. With one left, the single
    // parser's route does the same with less hand-over.
    let threads = threads - 1;
    if threads <= 1 {
        return crate::read_source(source, (name, label), cfg, counter, sink);
    }
    // A chunk ready for each worker, and one being read.
    let mut reader = match crate::start_reading(source, name, counter, threads + 1) {
        Ok(r) => r,
        Err(e) => {
            run.error = Some(e);
            return run;
        }
    };
    // The layout is chosen from the first chunk that is not an overlong line, before
    // any worker starts (see sample.rs); the chunks read to find it go first.
    let mut first = VecDeque::new();
    let mut stop = None;
    while first.back().is_none_or(|c: &OwnedChunk| c.overlong) {
        match reader.next() {
            None => break,
            Some(Err(e)) => {
                stop = Some(e.to_string());
                break;
            }
            Some(Ok(c)) => first.push_back(c),
        }
    }
    if first.is_empty() {
        run.error = stop;
        return run;
    }
    let sample = first.back().filter(|c| !c.overlong).map(|c| &c.data[..]);
    let parser = run.parser_for_sample(cfg, sample);
    let feed = Feed::Stream(Mutex::new(Shared {
        reader,
        first,
        stop,
        next_seq: 0,
        error: None,
    }));
    parse_all(
        feed,
        parser,
        (idx, name, label),
        cfg,
        (threads, counter),
        sink,
        run,
    )
}

/// Parses every chunk of `feed` with `threads` workers into `sink`.
fn parse_all<W: Write>(
    feed: Feed,
    parser: LineParser,
    (idx, name, label): (usize, &str, &str),
    cfg: &Config,
    (threads, counter): (usize, Option<&Arc<AtomicU64>>),
    sink: &mut (StatsSink, Option<RejectsSink<W>>),
    mut run: SourceRun,
) -> SourceRun {
    // A file's chunks are read by the workers: progress counts them as they are done
    // (a stream's reader counts its own bytes).
    let counter = counter.filter(|_| matches!(feed, Feed::File(_)));
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("parse {i}"))
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            run.error = Some(format!("{name}: cannot start parsing threads: {e}"));
            return run;
        }
    };
    let keep_rejects = sink.1.is_some();
    let max_samples = cfg.stats.malformed_samples;
    let (done_tx, done_rx) = mpsc::channel::<ChunkDone>();
    let (stats_tx, stats_rx) = mpsc::channel::<(Aggregate, Rows, LineParser)>();
    let tables = Tables::default();
    let mut rollups = Rollups::new(cfg, label);
    pool.in_place_scope(|scope| {
        for _ in 0..threads {
            let (done_tx, stats_tx) = (done_tx.clone(), stats_tx.clone());
            let (feed, parser, tables) = (&feed, parser.clone(), &tables);
            scope.spawn(move |_| {
                let stats = work(
                    feed,
                    parser,
                    (idx, name, label),
                    cfg,
                    keep_rejects,
                    max_samples,
                    (&done_tx, tables),
                );
                let _ = stats_tx.send(stats);
            });
        }
        drop((done_tx, stats_tx));
        // Chunks come back in any order; they are applied in input order.
        let mut pending: BTreeMap<u64, ChunkDone> = BTreeMap::new();
        let mut next = 0u64;
        for done in done_rx {
            pending.insert(done.seq, done);
            while let Some(d) = pending.remove(&next) {
                for (line, text) in &d.samples {
                    sink.0.0.add_sample(name, run.lines + line, text);
                }
                if let Some(r) = sink.1.as_mut()
                    && !d.rejects.is_empty()
                {
                    r.write_chunk(name, run.lines, &d.rejects, &d.reject_lines);
                }
                sink.0.0.merge_chunk_tables(&d.paths);
                if let (Some(ru), Some(c)) = (&mut rollups, d.rollup) {
                    ru.add(c);
                }
                if let Some(n) = counter {
                    n.fetch_add(d.bytes, Ordering::Relaxed);
                }
                tables.give(d.paths);
                run.lines += d.lines;
                next += 1;
            }
        }
    });
    // Merging adds, and ties are broken by value: the order the workers finish in does
    // not change the result. (Only a table that reached its cap keeps the keys that came
    // first, which depends on arrival; the report says when a cap was reached.)
    for (stats, rows, parser) in stats_rx {
        sink.0.0.merge(&stats);
        rows.finish_into(&mut run);
        run.add_layout_counts(&parser);
    }
    if let Some(ru) = rollups {
        ru.finish_into(&mut run);
    }
    run.error = feed.error();
    run
}

/// One worker: parses chunks until the source ends, and returns its statistics and its
/// parser (which counted the lines of each layout it read).
fn work(
    feed: &Feed,
    mut parser: LineParser,
    (idx, name, label): (usize, &str, &str),
    cfg: &Config,
    keep_rejects: bool,
    max_samples: usize,
    (done, tables): (&mpsc::Sender<ChunkDone>, &Tables),
) -> (Aggregate, Rows, LineParser) {
    let mut rows = Rows::new(cfg, label);
    rows.start(&parser);
    let mut stats = Aggregate::for_chunks(cfg.stats);
    stats.set_source(idx);
    let mut sink = WorkerSink {
        stats: StatsSink(stats),
        rows,
        keep_rejects,
        rejects: Vec::new(),
        reject_lines: Vec::new(),
        samples: Vec::new(),
        max_samples,
    };
    let mut spare = Vec::new();
    while let Some(job) = feed.next(std::mem::take(&mut spare)) {
        let mut lines = 0;
        if job.overlong {
            // One line cut at MAX_LINE: malformed, kept (cut) in rejects.
            lines = 1;
            sink.malformed(name, 1, &job.data[job.start..job.end], ParseError::TooLong);
        } else {
            let data = &job.data[job.start..job.end];
            process_chunk(&mut parser, data, name, &mut lines, &mut sink);
        }
        if let Some(cut) = &job.overlong_tail {
            lines += 1;
            sink.malformed(name, lines, cut, ParseError::TooLong);
        }
        let msg = ChunkDone {
            seq: job.seq,
            lines,
            rejects: std::mem::take(&mut sink.rejects),
            reject_lines: std::mem::take(&mut sink.reject_lines),
            samples: std::mem::take(&mut sink.samples),
            paths: sink.stats.0.take_chunk_tables(tables.take()),
            bytes: (job.end - job.start) as u64,
            rollup: sink.rows.take_rollup(),
        };
        spare = feed.recycle(job.data).unwrap_or_default();
        if done.send(msg).is_err() {
            break;
        }
    }
    (sink.stats.0, sink.rows, parser)
}
