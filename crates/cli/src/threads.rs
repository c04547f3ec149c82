//! The bound on `-j`: each parsing thread keeps counts and histograms of its own (a few
//! MiB) and a block in flight, so thousands of threads took gigabytes and minutes for no
//! speed, and `-j 100000` ended in an abort. More than a few threads a core gains nothing.

/// Parsing threads allowed per core.
pub const PER_CORE: usize = 4;

/// `requested` threads (0: one per core), capped at [`PER_CORE`] × `cores`; the warning
/// to give when it was.
pub fn capped(requested: usize, cores: usize) -> (usize, Option<String>) {
    let cap = PER_CORE.saturating_mul(cores.max(1));
    if requested <= cap {
        return (requested, None);
    }
    let warning = format!(
        "-j {requested}: using {cap} threads ({PER_CORE} a core, {} core{}), the most that helps",
        cores.max(1),
        if cores > 1 { "s" } else { "" }
    );
    (cap, Some(warning))
}

/// `requested` capped for this machine, with the warning on stderr.
pub fn for_this_machine(requested: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (n, warning) = capped(requested, cores);
    // Once a process: a run builds its configuration more than once (the filters are
    // checked against it first), and the warning was printed twice.
    static WARNED: std::sync::Once = std::sync::Once::new();
    if let Some(w) = warning {
        WARNED.call_once(|| crate::term::warn(w));
    }
    // The summary's work runs on as many threads as the parsing did.
    axlog_engine::use_threads(n);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_at_four_a_core() {
        assert_eq!(capped(0, 8), (0, None));
        assert_eq!(capped(32, 8), (32, None));
        let (n, w) = capped(33, 8);
        assert_eq!(n, 32);
        assert!(w.unwrap().contains("using 32 threads"));
        assert_eq!(capped(usize::MAX, 2).0, 8);
        // No core count known counts as one.
        assert_eq!(capped(100, 0).0, 4);
    }
}
