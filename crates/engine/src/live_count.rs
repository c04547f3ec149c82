//! Counting live windows from chunks the caller reads (`report --every --follow --state`,
//! whose reads come from the state's resolver rather than from [`crate::run_every`]'s
//! reading threads): the same windows ([`crate::every`]), fed one chunk at a time, with
//! their open part saved ([`LiveCounter::snapshot`]) and restored after a restart.

use crate::every::Windows;
use crate::sink::SourceId;
use crate::state::live::LiveState;
use crate::{Config, Every, Live, SourceRun};
use axlog_format::InputParser;
use axlog_input::Chunk;
use std::time::Instant;

/// Live windows over several inputs, fed by the caller.
pub struct LiveCounter<'c, E: FnMut(Live)> {
    cfg: &'c Config,
    windows: Windows<'c, E>,
    runs: Vec<SourceRun>,
    parsers: Vec<Option<InputParser>>,
    clock: Instant,
}

impl<'c, E: FnMut(Live)> LiveCounter<'c, E> {
    /// Windows over one input per label, handed to `emit` as they end; with `resume`,
    /// going on from a saved [`LiveCounter::snapshot`] (of the same interval).
    pub fn new(
        cfg: &'c Config,
        every: Every,
        labels: &[String],
        resume: Option<LiveState>,
        emit: E,
    ) -> Self {
        let mut windows = Windows::new(cfg, every, labels.len(), emit);
        if let Some(saved) = resume {
            windows.restore(saved);
        }
        let runs = labels
            .iter()
            .enumerate()
            .map(|(row, label)| {
                SourceRun::new(SourceId {
                    label: label.clone(),
                    name: label.clone(),
                    row,
                })
            })
            .collect();
        LiveCounter {
            cfg,
            windows,
            runs,
            parsers: labels.iter().map(|_| None).collect(),
            clock: Instant::now(),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.clock.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Counts a chunk of input `n`; gives back its buffer and the lines it held.
    pub fn chunk(&mut self, n: usize, chunk: Chunk) -> (Vec<u8>, u64) {
        let now = self.now_ms();
        let (Some(run), Some(parser)) = (self.runs.get_mut(n), self.parsers.get_mut(n)) else {
            return (Vec::new(), 0);
        };
        let before = run.lines;
        self.windows.arrive(n, now, run.lines_before());
        let buf = run.read_chunk(self.cfg, parser, chunk, &mut self.windows);
        (buf, run.lines - before)
    }

    /// Hands out what the inputs and the clock have finished (see `Windows::tick`).
    pub fn tick(&mut self) {
        let now = self.now_ms();
        self.windows.tick(now);
    }

    /// The open windows and the last written: with the offsets of every line counted so
    /// far, what a restart needs.
    pub fn snapshot(&self) -> LiveState {
        self.windows.snapshot()
    }

    /// The run ends: every open window is handed out, the last partial. Gives the lines
    /// read over every input.
    pub fn finish(&mut self) -> u64 {
        let now = self.now_ms();
        self.windows.finish_at(now);
        let mut lines = 0;
        for (run, parser) in self.runs.iter_mut().zip(&self.parsers) {
            run.end_reading(parser.as_ref());
            lines += run.lines;
        }
        lines
    }
}
