//! Crashes on demand, for the tests of `--state` (design §8): `AXLOG_FAULT=<point>[@n]`
//! makes the n-th (default: first) [`hit`] of that point abort the process at once (no
//! destructors, no flushing: what a power cut or `kill -9` leaves), so a test can check
//! that the next run neither loses nor double counts anything. `hold-lock@ms` sleeps
//! that long holding the lock instead, so a test can start an overlapping run.
//!
//! For tests only, yet always compiled: it costs one environment lookup per process. A
//! value that does not parse is said once on stderr and otherwise ignored.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable read.
pub const VAR: &str = "AXLOG_FAULT";

/// The steps of a `--state` run a fault can stop after (design §1.2's order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    AfterLock,
    AfterResolve,
    /// Hit once per chunk read: `mid-read@n` aborts after n chunks.
    MidRead,
    AfterReport,
    AfterParquetStaged,
    AfterJournal,
    AfterParquetPublish,
    BeforeStateRename,
    AfterStateRename,
    /// Not a crash: `hold-lock@ms` sleeps `ms` milliseconds where it is hit.
    HoldLock,
}

const POINTS: [(Point, &str); 10] = [
    (Point::AfterLock, "after-lock"),
    (Point::AfterResolve, "after-resolve"),
    (Point::MidRead, "mid-read"),
    (Point::AfterReport, "after-report"),
    (Point::AfterParquetStaged, "after-parquet-staged"),
    (Point::AfterJournal, "after-journal"),
    (Point::AfterParquetPublish, "after-parquet-publish"),
    (Point::BeforeStateRename, "before-state-rename"),
    (Point::AfterStateRename, "after-state-rename"),
    (Point::HoldLock, "hold-lock"),
];

impl Point {
    /// Its name in `AXLOG_FAULT`.
    pub fn name(self) -> &'static str {
        POINTS
            .iter()
            .find(|(p, _)| *p == self)
            .map_or("", |(_, n)| n)
    }
}

/// A fault as `AXLOG_FAULT` asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    pub point: Point,
    /// The hit that aborts (1 = the first); for `hold-lock`, milliseconds to sleep.
    pub n: u64,
}

/// `<point>[@n]`, `n` ≥ 1 (`hold-lock` takes any `n`, in milliseconds).
pub fn parse(text: &str) -> Result<Fault, String> {
    let (name, n) = match text.split_once('@') {
        Some((name, n)) => {
            let n: u64 = n
                .parse()
                .map_err(|_| format!("{VAR}={text}: `{n}` is not a count"))?;
            (name, Some(n))
        }
        None => (text, None),
    };
    let point = POINTS
        .iter()
        .find(|(_, p)| *p == name)
        .map(|(p, _)| *p)
        .ok_or_else(|| {
            let names: Vec<&str> = POINTS.iter().map(|(_, n)| *n).collect();
            format!(
                "{VAR}={text}: no fault point `{name}` (one of {})",
                names.join(", ")
            )
        })?;
    let n = match (point, n) {
        (Point::HoldLock, n) => n.unwrap_or(1000),
        (_, None) => 1,
        (_, Some(0)) => return Err(format!("{VAR}={text}: the count starts at 1")),
        (_, Some(n)) => n,
    };
    Ok(Fault { point, n })
}

/// The fault this process was started with, read once.
fn armed() -> Option<Fault> {
    static ARMED: OnceLock<Option<Fault>> = OnceLock::new();
    *ARMED.get_or_init(|| {
        let text = std::env::var(VAR).ok()?;
        parse(&text)
            .map_err(|e| eprintln!("axlog: ignored: {e}"))
            .ok()
    })
}

/// Hits of the armed point so far.
static HITS: AtomicU64 = AtomicU64::new(0);

/// Marks that the run got to `point`: aborts the process if this is the armed point's
/// n-th hit (sleeps, for `hold-lock`). Nothing happens when no fault is armed.
pub fn hit(point: Point) {
    let Some(fault) = armed() else {
        return;
    };
    if fault.point != point {
        return;
    }
    if point == Point::HoldLock {
        std::thread::sleep(std::time::Duration::from_millis(fault.n));
        return;
    }
    if HITS.fetch_add(1, Ordering::Relaxed) + 1 == fault.n {
        eprintln!("axlog: {VAR}: aborting at {}", point.name());
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_values_parse() {
        assert_eq!(
            parse("after-lock"),
            Ok(Fault {
                point: Point::AfterLock,
                n: 1
            })
        );
        assert_eq!(
            parse("mid-read@3"),
            Ok(Fault {
                point: Point::MidRead,
                n: 3
            })
        );
        assert_eq!(
            parse("hold-lock@3000"),
            Ok(Fault {
                point: Point::HoldLock,
                n: 3000
            })
        );
        assert_eq!(
            parse("hold-lock"),
            Ok(Fault {
                point: Point::HoldLock,
                n: 1000
            })
        );
        assert_eq!(
            parse("before-state-rename@1").map(|f| f.point),
            Ok(Point::BeforeStateRename)
        );
        // Every point's name reads back as that point.
        for (p, name) in POINTS {
            assert_eq!(parse(name).map(|f| f.point), Ok(p));
            assert_eq!(p.name(), name);
        }
        for bad in [
            "",
            "after-lok",
            "mid-read@",
            "mid-read@x",
            "mid-read@0",
            "mid-read@-1",
            "@3",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.starts_with("AXLOG_FAULT="), "{bad}: {e}");
        }
    }
}
