//! `report --every D --follow --state FILE`: a follower that a restart (systemd, a reboot,
//! a crash) resumes where it stopped, each line in exactly one interval written.
//!
//! The follower reads as a cron run does, every poll: the inputs' rotated sets are
//! resolved against the state kept in memory (`state::resolve`: rename and create,
//! compression, copytruncate, several rotations, while running or while down), and the
//! byte ranges found are read (plain files up to their last complete line) into the live
//! windows (`axlog_engine::live_count`). After each chunk that made an interval be
//! written, the state is saved (`write_atomic`, under the lock held for the follower's
//! life): each file's offset after that chunk, and the open intervals' aggregates with
//! the last interval written (`State.live`). Every line before the offsets is then in an
//! interval written or in one saved open: a restart restores the open ones and reads on
//! from the offsets. SIGTERM/SIGINT write the open intervals (the last partial) and save
//! the state with none open; a later line of an interval written counts in the next one
//! (as a late line does). A kill between writing an interval and saving the state (the
//! time of one fsync) writes that interval again after the restart.

use crate::args::ReportArgs;
use crate::every::live_line;
use crate::report::config;
use crate::state::{gap_message, group, open};
use crate::{exit, term};
use axlog_engine::live_count::LiveCounter;
use axlog_engine::state::resolve::Read;
use axlog_engine::state::settle::ReadEnd;
use axlog_engine::state::{self, State, members};
use axlog_engine::{Every, FOLLOW_POLL, Span, filter::Filter};
use axlog_input::{ByteRange, ChunkReader, InputError, Source};
use std::cell::{Cell, RefCell};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// The command a follower's state belongs to: a cron `report --state` run must not read
/// it (it would count the open intervals' lines again).
const COMMAND: &str = "report --follow";

/// Runs the follower until SIGINT/SIGTERM.
pub(crate) fn report_follow_state(
    args: &ReportArgs,
    state_path: &Path,
    sources: &[Source],
    every: u64,
    filter: Option<Arc<Filter>>,
) -> anyhow::Result<ExitCode> {
    if args.cumulative.is_some() {
        term::warn("--cumulative is not kept by a follower (--every --follow --state)");
        return Ok(ExitCode::from(exit::USAGE));
    }
    let mut cfg = config(args)?;
    cfg.filter = filter;
    // The lock is held for the follower's life: a second follower or a cron run on it
    // exits 4.
    let (_lock, mut cur) = match open(state_path, sources, COMMAND, args.state_reset) {
        Ok(opened) => opened,
        Err(code) => return Ok(ExitCode::from(code)),
    };
    let resume = cur.live.take();
    if let Some(l) = &resume
        && l.every_s != every
    {
        term::warn(format_args!(
            "{}: kept by a follower with --every {}s, not {every}s (--state-reset starts afresh)",
            state_path.display(),
            l.every_s
        ));
        return Ok(ExitCode::from(exit::USAGE));
    }
    cur.command = COMMAND.to_string();
    if let Err(e) = axlog_engine::signal::catch_termination() {
        term::warn(format_args!(
            "cannot catch SIGINT/SIGTERM ({e}): a signal will end the run without its last window"
        ));
    }

    let labels: Vec<String> = sources.iter().map(Source::name).collect();
    let named = group(sources, &labels);
    let set_labels: Vec<String> = named.iter().map(|n| n.label.clone()).collect();
    let written = Written::default();
    let mut out = term::stdout();
    let how = Every {
        every_s: every,
        follow: true,
    };
    let mut counter = LiveCounter::new(&cfg, how, &set_labels, resume, |live| {
        let (line, fit) = live_line(live, every, args.output);
        written.fitted.set(written.fitted.get() + fit);
        written.count.set(written.count.get() + 1);
        if written.error.borrow().is_none()
            && let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush())
        {
            *written.error.borrow_mut() = Some(e);
        }
    });
    let mut follower = Follower {
        state_path,
        named,
        inputs: Vec::new(),
        saved_at: 0,
        gaps: false,
    };
    let mut lines = 0u64;
    let mut ok = true;
    while axlog_engine::signal::received().is_none() && ok {
        ok = follower.poll(&mut cur, &mut counter, &written, &mut lines);
        counter.tick();
        if ok && written.count.get() != follower.saved_at {
            ok = follower.save(&cur, &counter, &written);
        }
        if ok {
            std::thread::sleep(FOLLOW_POLL);
        }
    }
    // Stopped by a signal: the open intervals are written and the state says so. Stopped
    // by a failure: the state stays at the last save, so a restart reads on from there.
    let saved = ok && {
        counter.finish();
        follower.save(&cur, &counter, &written)
    };
    drop(counter);
    if let Some(e) = written.error.take() {
        return Err(e.into());
    }
    if !saved {
        return Ok(ExitCode::from(exit::FAILED));
    }
    if lines > 0 && written.fitted.get() == 0 {
        term::warn(format_args!(
            "{}: no line parsed: no layout fits its {lines} lines",
            labels.join(", ")
        ));
        return Ok(ExitCode::from(exit::UNPARSED));
    }
    if follower.gaps {
        return Ok(ExitCode::from(exit::GAP));
    }
    Ok(ExitCode::SUCCESS)
}

/// What was written to stdout: a state is saved only after its intervals were.
#[derive(Default)]
struct Written {
    /// Intervals written.
    count: Cell<u64>,
    /// Lines of them that fitted the layout (none over every line read is exit 6).
    fitted: Cell<u64>,
    /// Writing failed: no state is saved from then on.
    error: RefCell<Option<std::io::Error>>,
}

/// What the poll loop keeps between polls.
struct Follower<'p> {
    state_path: &'p Path,
    named: Vec<crate::state::Named>,
    /// The live input of each state set read so far, by the set's number.
    inputs: Vec<usize>,
    /// How many intervals were written when the state was last saved.
    saved_at: u64,
    gaps: bool,
}

impl Follower<'_> {
    /// Reads what the sets hold past `cur`'s offsets into `counter`, saving the state
    /// after each chunk that made an interval be written; `cur` is then past them.
    /// `false`: the state cannot be saved (the follower stops).
    fn poll<E: FnMut(axlog_engine::Live)>(
        &mut self,
        cur: &mut State,
        counter: &mut LiveCounter<'_, E>,
        written: &Written,
        lines: &mut u64,
    ) -> bool {
        let mut sets = Vec::new();
        for n in &self.named {
            let Some(first) = n.paths.first() else {
                continue;
            };
            match members::members_of(first, n.label.clone(), &n.paths) {
                Ok(set) => sets.push(set),
                // Looked at again next poll (a directory being rotated).
                Err(e) => term::warn(e),
            }
        }
        let mut res = state::resolve::resolve(cur, &sets);
        for g in &res.gaps {
            term::warn(gap_message(g));
            self.gaps = true;
        }
        let mut ends = Vec::with_capacity(res.reads.len());
        for k in 0..res.reads.len() {
            // A signal stops a long read (a catch-up) at a chunk: the reads not done are
            // settled as not read.
            if axlog_engine::signal::received().is_some() {
                break;
            }
            let read = res.reads[k].clone();
            let input = self.input_of(read.set);
            let (state_path, saved_at) = (self.state_path, &mut self.saved_at);
            let got = read_one(&read, input, counter, |done, counter| {
                if written.count.get() == *saved_at {
                    return true;
                }
                // Saved as if this read failed after what it counted so far.
                let mut partial = ends.clone();
                partial.push(ReadEnd::Failed {
                    parsed: vec![done],
                    damaged: false,
                });
                let mut now = res.clone();
                now.settle(&partial);
                now.next.generation = cur.generation;
                save_state(state_path, &now.next, counter, written, saved_at)
            });
            match got {
                Some((end, n)) => {
                    *lines += n;
                    ends.push(end);
                }
                None => return false,
            }
        }
        res.settle(&ends);
        let generation = cur.generation;
        *cur = std::mem::take(&mut res.next);
        cur.generation = generation;
        true
    }

    /// The live input of state set `set`: each set gets the next one when first read.
    fn input_of(&mut self, set: usize) -> usize {
        if let Some(i) = self.inputs.iter().position(|&s| s == set) {
            return i;
        }
        self.inputs.push(set);
        // More sets than named (a state kept for other inputs too) share the last.
        (self.inputs.len() - 1).min(self.named.len().saturating_sub(1))
    }
}

/// Reads `read` into `counter` as input `input`, calling `checkpoint` with what was
/// counted after each chunk: how the read ended and its lines, or `None` when
/// `checkpoint` failed (the state could not be saved).
fn read_one<E: FnMut(axlog_engine::Live)>(
    read: &Read,
    input: usize,
    counter: &mut LiveCounter<'_, E>,
    mut checkpoint: impl FnMut(Span, &LiveCounter<'_, E>) -> bool,
) -> Option<(ReadEnd, u64)> {
    let mut done = Span {
        start: read.start,
        end: read.start,
        lines: 0,
    };
    if read.end == Some(read.start) {
        return Some((
            ReadEnd::Whole {
                end: read.start,
                lines: 0,
            },
            0,
        ));
    }
    let failed = |done: Span, e: InputError| {
        term::warn(e);
        let parsed = if done.end > done.start {
            vec![done]
        } else {
            Vec::new()
        };
        ReadEnd::Failed {
            parsed,
            damaged: false,
        }
    };
    let range = ByteRange {
        start: read.start,
        end: read.end,
        lines_before: read.lines_before,
    };
    let source = Source::Path(read.path.clone());
    let (reader, at) = match source.open_range(&range, Arc::new(AtomicU64::new(0))) {
        Ok(r) => r,
        // Gone between the listing and the read: looked at again next poll.
        Err(e) => return Some((failed(done, e), 0)),
    };
    let mut chunks = ChunkReader::new(reader, source.name()).starting_at(at);
    let mut spare = Vec::new();
    loop {
        match chunks.next_chunk_owned(std::mem::take(&mut spare)) {
            Ok(Some(chunk)) => {
                let end = chunk.offset + chunk.data().len() as u64;
                let (buf, n) = counter.chunk(input, chunk);
                spare = buf;
                done.end = end.max(done.end);
                done.lines += n;
                if !checkpoint(done, counter) {
                    return None;
                }
                if axlog_engine::signal::received().is_some() {
                    let stopped = ReadEnd::Failed {
                        parsed: vec![done],
                        damaged: false,
                    };
                    return Some((stopped, done.lines));
                }
            }
            Ok(None) => break,
            Err(e) => return Some((failed(done, e), done.lines)),
        }
    }
    // A plain file ends after its last complete line; an archive at its decoded end.
    let end = read.end.unwrap_or(done.end);
    Some((
        ReadEnd::Whole {
            end,
            lines: done.lines,
        },
        done.lines,
    ))
}

impl Follower<'_> {
    /// Saves `cur` with the counter's open intervals (see [`save_state`]).
    fn save<E: FnMut(axlog_engine::Live)>(
        &mut self,
        cur: &State,
        counter: &LiveCounter<'_, E>,
        written: &Written,
    ) -> bool {
        save_state(self.state_path, cur, counter, written, &mut self.saved_at)
    }
}

/// Writes `at` (each file's offset) with `counter`'s open intervals, as the next
/// generation; `saved_at` becomes the intervals written so far. `false` when it cannot
/// be written (said on stderr).
fn save_state<E: FnMut(axlog_engine::Live)>(
    path: &Path,
    at: &State,
    counter: &LiveCounter<'_, E>,
    written: &Written,
    saved_at: &mut u64,
) -> bool {
    let mut s = at.clone();
    s.command = COMMAND.to_string();
    s.generation = at.generation.saturating_add(1);
    if written.error.borrow().is_some() {
        return false;
    }
    s.live = Some(counter.snapshot());
    match state::write_atomic(path, &s) {
        Ok(()) => {
            *saved_at = written.count.get();
            true
        }
        Err(e) => {
            term::warn(e);
            false
        }
    }
}
