//! The reading plan: how each source is read, chosen here and nowhere else, from the
//! inputs and the thread count.
//!
//! - A regular file of text is split across every parsing thread, each reading its own
//!   chunks (no reading thread to wait on).
//! - A stream (standard input, a pipe, an archive) has a thread of its own reading and
//!   decoding it, which takes a core: the other threads parse. With one parser left, the
//!   calling thread parses, in order.
//! - A run of two or more streams is read several at once, each by its own reading and
//!   parsing thread, since one decoding thread is slower than the parsers it feeds.
//!
//! Sources are handed to the run's sink in input order whatever the route.

use crate::error::SourceError;
use crate::parallel::{Feed, parse_all};
use crate::progress::start_reading;
use crate::sink::{Fork, Sink, SourceId};
use crate::source::SourceRun;
use crate::{Config, sample};
use axlog_input::{ByteRange, Chunk, DEFAULT_CHUNK, FileSplit, MAX_LINE, Source};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// How many archives (or other streams) are read at once, at most. Each holds tables of
/// its own (a path table may take up to its latency budget, 48 MiB, plus its keys), so
/// this bounds the run's memory whatever the thread count: two at once stay within the
/// 256 MiB a run may take. Two decoding threads already double the rate of archives,
/// whose decoding is slower than parsing.
const SOURCES_AT_ONCE: usize = 2;

/// A step of the run, in input order.
#[derive(Debug, PartialEq)]
enum Step {
    /// Source `idx`, read by every thread.
    One(usize),
    /// Sources `from..to` (streams), read several at once, one thread each.
    Together(usize, usize),
}

/// The steps that read `sources` with `threads` threads.
fn steps(sources: &[Source], threads: usize) -> Vec<Step> {
    let streams: Vec<bool> = if threads > 1 && sources.len() > 1 {
        sources.iter().map(is_stream).collect()
    } else {
        vec![false; sources.len()]
    };
    let mut steps = Vec::new();
    let mut k = 0;
    while k < sources.len() {
        let run = streams[k..].iter().take_while(|&&s| s).count();
        if run >= 2 {
            steps.push(Step::Together(k, k + run));
            k += run;
        } else {
            steps.push(Step::One(k));
            k += 1;
        }
    }
    steps
}

/// Whether `source` is read by one reading thread (an archive, a pipe, standard input)
/// rather than split between parsing threads (a file of text).
fn is_stream(source: &Source) -> bool {
    match source {
        Source::Stdin => true,
        // A pipe is opened by the reader only: opening it here could take its writer's
        // end-of-stream.
        Source::Path(p) => match std::fs::metadata(p) {
            Ok(m) if !m.is_file() => true,
            Ok(_) => matches!(
                FileSplit::open(p, String::new(), DEFAULT_CHUNK, MAX_LINE),
                Ok(None)
            ),
            Err(_) => false,
        },
    }
}

/// How one source is read.
enum Route {
    /// Split across this many parsing threads.
    Split(FileSplit, usize),
    /// A reading thread feeding this many parsing threads.
    Stream(usize),
    /// A reading thread feeding the calling thread.
    InOrder,
}

/// The route for `range` of `source` with `threads` threads, a split one cut in chunks of
/// `chunk_bytes` (0: the default).
fn route(
    source: &Source,
    range: &ByteRange,
    name: &str,
    threads: usize,
    chunk_bytes: usize,
) -> Result<Route, SourceError> {
    let chunk = match chunk_bytes {
        0 => DEFAULT_CHUNK,
        n => n,
    };
    // A file of text is split whatever the thread count, one worker or many: its chunks
    // then lie at the same offsets, and what depends on a chunk's end (a detected layout
    // giving way to another for a block of lines, which looks at the lines after a failing
    // one up to the chunk's end) is decided alike for `-j 1` and `-j 4`.
    if let Source::Path(path) = source
        && let Some(split) = FileSplit::open_range(path, name.to_string(), range, chunk, MAX_LINE)?
    {
        return Ok(Route::Split(split, threads));
    }
    // A stream's reading thread takes a core: one parser fewer. With one left, the
    // in-order route does the same with less hand-over.
    match threads.saturating_sub(1) {
        n if n > 1 => Ok(Route::Stream(n)),
        _ => Ok(Route::InOrder),
    }
}

/// Reads every source into `sink` (the run's), in input order; returns each source's run.
pub(crate) fn read_all<S: Sink>(
    sources: &[Source],
    ids: &[SourceId],
    cfg: &Config,
    sink: &mut S,
) -> Vec<SourceRun> {
    let threads = cfg.threads();
    let ranges: Vec<Option<ByteRange>> = (0..sources.len())
        .map(|i| cfg.ranges.get(i).copied().flatten())
        .collect();
    let mut runs = Vec::with_capacity(sources.len());
    for step in steps(sources, threads) {
        match step {
            Step::One(i) => {
                let mut s = sink.fork(Fork::Source {
                    id: &ids[i],
                    in_order: true,
                });
                let run = read_source(&sources[i], ranges[i], &ids[i], cfg, threads, &mut s);
                sink.merge(s);
                runs.push(run);
            }
            Step::Together(from, to) => {
                let at_once = threads.min(SOURCES_AT_ONCE);
                read_together(
                    &sources[from..to],
                    &ranges[from..to],
                    &ids[from..to],
                    cfg,
                    at_once,
                    sink,
                    |r| runs.push(r),
                );
            }
        }
    }
    runs
}

/// Reads `source` (its `range`, or all of it) to its end (or its first read error) into
/// `sink`, the source's, with `threads` threads.
fn read_source<S: Sink>(
    source: &Source,
    range: Option<ByteRange>,
    id: &SourceId,
    cfg: &Config,
    threads: usize,
    sink: &mut S,
) -> SourceRun {
    let mut run = SourceRun::new(id.clone());
    run.range = range;
    let range = range.unwrap_or_default();
    let counter = cfg.progress.as_ref().map(|p| p.start(&id.name));
    if let Err(e) = read_by_route(
        source,
        &range,
        cfg,
        threads,
        counter.as_ref(),
        &mut run,
        sink,
    ) {
        run.error = Some(e);
    }
    if let (Some(p), Some(n)) = (&cfg.progress, &counter) {
        // A range counts the bytes read for it, whole sources their size.
        p.finish(n, source.size().filter(|_| range.is_whole()));
    }
    sink.end_source(run.lines);
    run
}

fn read_by_route<S: Sink>(
    source: &Source,
    range: &ByteRange,
    cfg: &Config,
    threads: usize,
    counter: Option<&Arc<AtomicU64>>,
    run: &mut SourceRun,
    sink: &mut S,
) -> Result<(), SourceError> {
    let name = run.id.name.clone();
    match route(source, range, &name, threads, cfg.chunk_bytes)? {
        Route::Split(split, threads) => {
            if split.is_empty() {
                return Ok(());
            }
            // The layout is chosen from the lines a single reader would choose it from
            // (see sample.rs).
            let sample = sample::first_lines(source, range, &name)?;
            let parser = run.parser_for_sample(cfg, sample.as_deref(), sink.fields());
            let filter = cfg.filter.as_deref();
            parse_all(
                Feed::file(split),
                parser,
                threads,
                counter,
                run,
                sink,
                filter,
            );
        }
        Route::Stream(threads) => {
            // A chunk ready for each worker, and one being read.
            let mut reader = start_reading(source, range, &name, counter, threads + 1)?;
            // The layout is chosen from the first chunk that is not an overlong line,
            // before any worker starts (see sample.rs); the chunks read to find it go
            // first.
            let mut first = VecDeque::new();
            let mut stop = None;
            while first.back().is_none_or(Chunk::is_overlong) {
                match reader.next() {
                    None => break,
                    Some(Err(e)) => {
                        stop = Some(e);
                        break;
                    }
                    Some(Ok(c)) => first.push_back(c),
                }
            }
            if first.is_empty() {
                return stop.map_or(Ok(()), |e| Err(e.into()));
            }
            let sample = first.back().filter(|c| !c.is_overlong()).map(Chunk::lines);
            let parser = run.parser_for_sample(cfg, sample, sink.fields());
            parse_all(
                Feed::stream(reader, first, stop),
                parser,
                threads,
                counter,
                run,
                sink,
                cfg.filter.as_deref(),
            );
        }
        Route::InOrder => {
            let reader = start_reading(source, range, &name, counter, axlog_input::QUEUE_DEPTH)?;
            let reader = std::cell::RefCell::new(reader);
            let chunks = std::iter::from_fn(|| reader.borrow_mut().next());
            run.read_in_order(cfg, chunks, |buf| reader.borrow().recycle(buf), sink);
        }
    }
    Ok(())
}

/// Reads `sources` (streams) up to `at_once` at a time, each by its own reading and
/// parsing thread into a sink forked from `sink`, and merges each into `sink` and hands
/// its run to `done` in input order, as soon as the ones before it are. Holds at most
/// `at_once` sources' sinks.
fn read_together<S: Sink>(
    sources: &[Source],
    ranges: &[Option<ByteRange>],
    ids: &[SourceId],
    cfg: &Config,
    at_once: usize,
    sink: &mut S,
    mut done: impl FnMut(SourceRun),
) {
    std::thread::scope(|scope| {
        let mut in_flight = VecDeque::new();
        let mut next = 0;
        loop {
            while in_flight.len() < at_once.max(1)
                && let (Some(source), Some(id)) = (sources.get(next), ids.get(next))
            {
                // Its sources before it may still be read: what it writes waits.
                let mut s = sink.fork(Fork::Source {
                    id,
                    in_order: false,
                });
                let handle = std::thread::Builder::new()
                    .name(format!("source {next}"))
                    .spawn_scoped(scope, move || {
                        let range = ranges.get(next).copied().flatten();
                        let run = read_source(source, range, id, cfg, 1, &mut s);
                        (run, s)
                    });
                in_flight.push_back((id, handle));
                next += 1;
            }
            let Some((id, handle)) = in_flight.pop_front() else {
                break;
            };
            match handle.ok().and_then(|h| h.join().ok()) {
                Some((run, s)) => {
                    sink.merge(s);
                    done(run);
                }
                None => {
                    // No thread to read it (or one that stopped): the source is named
                    // with the failure, and the others go on.
                    let mut run = SourceRun::new(id.clone());
                    run.error = Some(SourceError::Thread {
                        name: id.name.clone(),
                        what: "reading",
                        error: None,
                    });
                    done(run);
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_streams_are_read_together_files_alone() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("a.log");
        std::fs::write(&text, "x\n").unwrap();
        let gz = dir.path().join("b.log.gz");
        // A gzip member's magic is enough for the split to refuse the file.
        std::fs::write(&gz, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]).unwrap();
        let (t, z) = (Source::Path(text), Source::Path(gz));
        let sources = [z.clone(), z.clone(), t.clone(), z.clone(), Source::Stdin, t];
        assert_eq!(
            steps(&sources, 4),
            [
                Step::Together(0, 2),
                Step::One(2),
                Step::Together(3, 5),
                Step::One(5)
            ]
        );
        // One thread, or one source: each alone.
        assert_eq!(steps(&sources[..2], 1), [Step::One(0), Step::One(1)]);
        assert_eq!(steps(&sources[..1], 4), [Step::One(0)]);
    }
}
