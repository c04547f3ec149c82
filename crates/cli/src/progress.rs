//! The progress bar of a run on stderr, drawn by its own thread from the engine's
//! counters so the workers never wait on the terminal.

use crate::term;
use axlog_engine::Config;
use axlog_input::{ByteRange, Source};

/// Runs `job` with a progress bar on stderr when `show`: bytes read of the sources' total
/// size, rate, time left, and the file being read.
pub(crate) fn with_progress<T>(
    show: bool,
    sources: &[Source],
    mut cfg: Config,
    job: impl FnOnce(&Config) -> T,
) -> T {
    if !show {
        return job(&cfg);
    }
    let progress = std::sync::Arc::new(axlog_engine::Progress::default());
    cfg.progress = Some(progress.clone());
    // Standard input has no size: then the bar counts bytes without a total.
    let total: Option<u64> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| to_read(s, cfg.ranges.get(i).copied().flatten()))
        .sum();
    let bar = match total {
        Some(t) => indicatif::ProgressBar::new(t).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {wide_msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        ),
        None => indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec} {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        ),
    };
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        // `Scope::spawn` panics when no thread can start; then the run goes on without a bar.
        let drawing = std::thread::Builder::new().spawn_scoped(s, || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                bar.set_position(progress.bytes());
                bar.set_message(axlog_report::terminal_safe(&progress.source()));
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        if let Err(e) = drawing {
            term::warn(format_args!(
                "no progress bar: cannot start its thread: {e}"
            ));
        }
        let out = job(&cfg);
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        out
    })
}

/// The bytes the run counts for `source` read over `range`: a plain range's own bytes;
/// an archive is decoded from its start, so all of it (as stored).
fn to_read(source: &Source, range: Option<ByteRange>) -> Option<u64> {
    match range {
        Some(r) if !r.is_whole() => match r.end {
            Some(end) => Some(end.saturating_sub(r.start)),
            None => source.size(),
        },
        _ => source.size(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_counts_its_own_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.log");
        std::fs::write(&path, vec![b'x'; 1000]).unwrap();
        let src = Source::Path(path);
        let range = |start, end| {
            Some(ByteRange {
                start,
                end,
                lines_before: 0,
            })
        };
        assert_eq!(to_read(&src, None), Some(1000));
        assert_eq!(to_read(&src, range(0, None)), Some(1000));
        assert_eq!(to_read(&src, range(200, Some(700))), Some(500));
        // An archive is decoded from its start: all of it.
        assert_eq!(to_read(&src, range(200, None)), Some(1000));
    }
}
