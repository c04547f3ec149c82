//! The inputs of a live run (`report --every`), each read on its own thread into one
//! channel, so that the thread counting windows waits on the channel with a timeout and
//! keeps its clock (an idle pipe or a quiet log does not block it), and several inputs
//! are read at once. With `--follow`, a file is read as it grows and across its rotation
//! (`axlog_input::Follow`); standard input and archives are read to their end.

use crate::progress::open_source;
use axlog_input::{Chunk, ChunkReader, Follow, InputError, Source};
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::thread;
use std::time::Duration;

/// What an input's thread sends, with the input's number.
pub(crate) enum Event {
    /// The next chunk of whole lines, as soon as it was read.
    Chunk(Chunk),
    /// Opening or reading failed; `End` follows.
    Failed(InputError),
    /// The input has no more lines (end of a pipe or of a file not followed).
    End,
}

/// What [`Feed::next`] found.
pub(crate) enum Next {
    /// An event of input `n`.
    Got(usize, Event),
    /// Nothing within the time waited.
    Quiet,
    /// Every input's thread is gone (each sends [`Event::End`] first, unless it died).
    Gone,
}

/// Chunks in flight per input: a fast input waits for the counting thread instead of
/// filling memory.
const DEPTH: usize = 2;

/// How often a held input looks whether it may read on.
const HOLD_POLL: Duration = Duration::from_millis(20);

/// The inputs' threads and their channel. Dropping it tells followers to stop.
pub(crate) struct Feed {
    rx: Receiver<(usize, Event)>,
    /// Per input, where a chunk's buffer goes back to be read into again (a live read is
    /// often one line: a new buffer per chunk would cost a block each time).
    recycle: Vec<SyncSender<Vec<u8>>>,
    /// Per input, set while it is ahead of the others (see [`Feed::hold`]).
    holds: Vec<Arc<AtomicBool>>,
    stop: Arc<AtomicBool>,
}

impl Feed {
    /// Starts one thread per source. `follow`: the poll interval of followed files
    /// (`None`: every input is read to its end). `counters`: per source, where its bytes
    /// read are counted (a progress bar), if anywhere.
    pub(crate) fn start(
        sources: &[Source],
        follow: Option<Duration>,
        counters: Vec<Option<Arc<AtomicU64>>>,
    ) -> Result<Feed, String> {
        let (tx, rx) = mpsc::sync_channel(DEPTH * sources.len().max(1));
        let stop = Arc::new(AtomicBool::new(false));
        let mut recycle = Vec::with_capacity(sources.len());
        let mut holds = Vec::with_capacity(sources.len());
        let mut counters = counters.into_iter();
        for (i, source) in sources.iter().enumerate() {
            let (back, recycled) = mpsc::sync_channel::<Vec<u8>>(DEPTH + 2);
            recycle.push(back);
            let hold = Arc::new(AtomicBool::new(false));
            holds.push(hold.clone());
            let input = Input {
                hold,
                n: i,
                source: source.clone(),
                follow,
                counter: counters.next().flatten(),
                stop: stop.clone(),
                tx: tx.clone(),
                recycled,
            };
            thread::Builder::new()
                .name(format!("read {}", source.name()))
                .spawn(move || input.run())
                .map_err(|e| format!("{}: cannot start reading: {e}", source.name()))?;
        }
        Ok(Feed {
            rx,
            recycle,
            holds,
            stop,
        })
    }

    /// The next event of any input, within `wait`.
    pub(crate) fn next(&self, wait: Duration) -> Next {
        match self.rx.recv_timeout(wait) {
            Ok((n, e)) => Next::Got(n, e),
            Err(RecvTimeoutError::Timeout) => Next::Quiet,
            Err(RecvTimeoutError::Disconnected) => Next::Gone,
        }
    }

    /// The most events that can be waiting: the channel's, and one per input thread
    /// blocked sending.
    pub(crate) fn capacity(&self) -> usize {
        (DEPTH + 1) * self.recycle.len().max(1)
    }

    /// Input `n` waits (`true`) or reads on: an input far ahead of the others in log
    /// time would fill the windows they hold open (a replay of a rotated set read all at
    /// once), so it waits for them.
    pub(crate) fn hold(&self, n: usize, wait: bool) {
        if let Some(h) = self.holds.get(n) {
            h.store(wait, Ordering::Relaxed);
        }
    }

    /// Hands a chunk's buffer back to input `n`'s reader.
    pub(crate) fn recycle(&self, n: usize, buf: Vec<u8>) {
        if let Some(r) = self.recycle.get(n) {
            let _ = r.try_send(buf);
        }
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        // Followers sleeping between polls end at their next one; a thread blocked on a
        // pipe ends with the process (or when its next chunk finds the channel closed).
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// One input's reading thread.
struct Input {
    n: usize,
    hold: Arc<AtomicBool>,
    source: Source,
    follow: Option<Duration>,
    counter: Option<Arc<AtomicU64>>,
    stop: Arc<AtomicBool>,
    tx: SyncSender<(usize, Event)>,
    recycled: Receiver<Vec<u8>>,
}

impl Input {
    fn run(self) {
        let name = self.source.name();
        let reader = match self.open() {
            Ok(r) => r,
            Err(e) => {
                let _ = self.tx.send((self.n, Event::Failed(e)));
                let _ = self.tx.send((self.n, Event::End));
                return;
            }
        };
        let mut chunks = ChunkReader::live(reader, name);
        loop {
            while self.hold.load(Ordering::Relaxed) && !self.stop.load(Ordering::Relaxed) {
                thread::sleep(HOLD_POLL);
            }
            let spare = self.recycled.try_recv().unwrap_or_default();
            let (event, last) = match chunks.next_chunk_owned(spare) {
                Ok(Some(c)) => (Event::Chunk(c), false),
                Ok(None) => (Event::End, true),
                Err(e) => (Event::Failed(e), true),
            };
            let failed = matches!(event, Event::Failed(_));
            // A closed channel: the run is over, stop reading.
            if self.tx.send((self.n, event)).is_err() {
                return;
            }
            if failed {
                let _ = self.tx.send((self.n, Event::End));
            }
            if last {
                return;
            }
        }
    }

    /// The input's text: a followed file as it grows (an archive or standard input is
    /// read once, to its end).
    fn open(&self) -> Result<Box<dyn Read + Send>, InputError> {
        if let (Source::Path(p), Some(poll)) = (&self.source, self.follow)
            && !p.is_dir()
            && let Some(f) = Follow::open(p, poll, self.stop.clone())?
        {
            return Ok(Box::new(f));
        }
        open_source(&self.source, self.counter.as_ref())
    }
}
