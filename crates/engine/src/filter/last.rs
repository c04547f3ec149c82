//! The time of the last line of the newest input, read before the run: what relative
//! `--since 15m` / `--until 1h` count back from. The newest input is the last source in
//! rotation order; a plain file's tail is read from its end, an archive is decoded to its
//! end. Standard input has no last line before it is read: relative times are refused
//! there (the CLI says so), rather than taken from the clock, which would silently
//! filter out a replayed or older log.

use crate::Config;
use axlog_input::{Compression, Source};
use std::io::{Read, Seek, SeekFrom};

/// How much of the end of the newest input is searched for a line with a time.
const TAIL: u64 = 1 << 20;

/// The last time (UTC µs) in the newest of `sources`, read as `cfg` says; an error that
/// says why there is none.
pub fn last_time(sources: &[Source], cfg: &Config) -> Result<i64, String> {
    let Some(src) = sources.last() else {
        return Err("no input".into());
    };
    let name = src.name();
    if *src == Source::Stdin {
        return Err(
            "a relative --since/--until (15m, 2h, 1d) counts back from the last line \
                    of the newest input, which standard input does not have before it is read: \
                    give a time (2026-11-21T12:00:00Z) or a file"
                .into(),
        );
    }
    let tail = tail_of(src).map_err(|e| format!("{name}: {e}"))?;
    last_in(&tail, cfg).ok_or_else(|| {
        format!(
            "{name}: no line with a time in its last {} KiB, which a relative --since/--until counts back from",
            TAIL >> 10
        )
    })
}

/// The last [`TAIL`] bytes of `src`'s text.
fn tail_of(src: &Source) -> std::io::Result<Vec<u8>> {
    let Source::Path(path) = src else {
        return Ok(Vec::new());
    };
    let mut file = std::fs::File::open(path)?;
    let mut head = [0u8; 8];
    let n = file.read(&mut head)?;
    if Compression::detect(&head[..n]) == Compression::None {
        let len = file.metadata()?.len();
        file.seek(SeekFrom::Start(len.saturating_sub(TAIL)))?;
        let mut buf = Vec::with_capacity(TAIL.min(len) as usize);
        file.take(TAIL).read_to_end(&mut buf)?;
        return Ok(buf);
    }
    // An archive: decoded to its end, keeping the last two blocks.
    let mut reader = src.open().map_err(std::io::Error::other)?;
    let (mut prev, mut cur) = (Vec::new(), Vec::new());
    loop {
        cur.clear();
        let n = (&mut reader).take(TAIL).read_to_end(&mut cur)?;
        if n == 0 {
            break;
        }
        std::mem::swap(&mut prev, &mut cur);
        if n < TAIL as usize {
            // `prev` holds the short last block; `cur` the full one before it.
            let mut all = std::mem::take(&mut cur);
            all.extend_from_slice(&prev);
            return Ok(all);
        }
    }
    Ok(prev)
}

/// The time of the last line of `tail` that parses with a time, with the layout `cfg`
/// gives or the one detected from `tail`.
fn last_in(tail: &[u8], cfg: &Config) -> Option<i64> {
    // The first line may be cut by where the tail starts: detection reads whole ones.
    let whole = match memchr::memchr(b'\n', tail) {
        Some(nl) if tail.len() as u64 >= TAIL => &tail[nl + 1..],
        _ => tail,
    };
    let (format, _, _) = crate::source::choose_layout(cfg, whole)?;
    let mut parser = format.parser();
    parser.set_zone(&cfg.tz);
    whole
        .split(|&b| b == b'\n')
        .rev()
        .map(crate::chunk::without_cr)
        .filter(|l| !l.is_empty())
        .find_map(|l| parser.parse(l).ok().map(|r| r.ts_us).filter(|&t| t != 0))
}
