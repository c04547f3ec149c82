//! How far a run is, for a progress bar: the stored bytes read of each source, counted
//! as they are read (compressed bytes for an archive).

use crate::error::SourceError;
use axlog_input::{BackgroundReader, ByteRange, Source};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// How far a run is, read by another thread while it runs (a progress bar).
#[derive(Debug, Default)]
pub struct Progress {
    /// Stored bytes of the sources finished.
    finished: AtomicU64,
    /// The sources being read (several archives may be read at once), each with its
    /// stored bytes read so far (compressed bytes for an archive).
    active: Mutex<Vec<(String, Arc<AtomicU64>)>>,
    /// The name of the last source started, shown once none is being read.
    last: Mutex<String>,
}

impl Progress {
    /// Stored bytes read so far, over every source.
    pub fn bytes(&self) -> u64 {
        let active = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        self.finished.load(Ordering::Relaxed)
            + active
                .iter()
                .map(|(_, n)| n.load(Ordering::Relaxed))
                .sum::<u64>()
    }

    /// The names of the sources being read (the last one read when none is).
    pub fn source(&self) -> String {
        let active = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        if active.is_empty() {
            return self
                .last
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
        }
        active
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A source starts: the counter its bytes are counted in.
    pub(crate) fn start(&self, name: &str) -> Arc<AtomicU64> {
        let counter = Arc::new(AtomicU64::new(0));
        self.active
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((name.to_string(), counter.clone()));
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = name.to_string();
        counter
    }

    /// The source counted in `counter` is done: `size` stored bytes (or what was read,
    /// when unknown).
    pub(crate) fn finish(&self, counter: &Arc<AtomicU64>, size: Option<u64>) {
        let mut active = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        active.retain(|(_, n)| !Arc::ptr_eq(n, counter));
        self.finished.fetch_add(
            size.unwrap_or(counter.load(Ordering::Relaxed)),
            Ordering::Relaxed,
        );
    }
}

/// Opens `source`, counting its stored bytes in `counter` (a source's progress).
pub(crate) fn open_source(
    source: &Source,
    counter: Option<&Arc<AtomicU64>>,
) -> Result<Box<dyn std::io::Read + Send>, axlog_input::InputError> {
    match counter {
        Some(n) => source.open_counted(n.clone()),
        None => source.open(),
    }
}

/// Opens `range` of `source` and starts its reading thread, with `depth` chunks in
/// flight. Only the range's bytes are counted (and, for an archive, the head decoded to
/// reach its start).
pub(crate) fn start_reading(
    source: &Source,
    range: &ByteRange,
    name: &str,
    counter: Option<&Arc<AtomicU64>>,
    depth: usize,
) -> Result<BackgroundReader, SourceError> {
    let (reader, at) = source.open_range(range, counter.cloned().unwrap_or_default())?;
    BackgroundReader::spawn_at(reader, name.to_string(), depth, at).map_err(|e| {
        SourceError::Thread {
            name: name.to_string(),
            what: "reading",
            error: Some(e.to_string()),
        }
    })
}
