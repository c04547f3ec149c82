//! SIGINT and SIGTERM end a live run (`report --every`) cleanly: the handler only notes
//! the signal, and the counting loop, which looks every 200 ms, writes the open window
//! (partial) and returns. A second signal kills at once (the handler resets itself), as
//! a second Ctrl-C should.
//!
//! `libc::sigaction` (libc is already built for other crates) rather than the
//! `signal-hook` crate: one handler storing one atomic is all that is needed, and rustix
//! has no safe way to install a handler either.

use std::sync::atomic::{AtomicI32, Ordering};

/// The signal received, 0 before any.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

#[cfg(unix)]
extern "C" fn on_signal(sig: libc::c_int) {
    // A lock-free atomic store: async-signal-safe.
    RECEIVED.store(sig, Ordering::SeqCst);
}

/// From now on SIGINT and SIGTERM are noted (see [`received`]) instead of ending the
/// process, once each.
pub fn catch_termination() -> std::io::Result<()> {
    #[cfg(unix)]
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: `sa` is a zeroed `sigaction` (valid: no handler, empty flags) filled
        // with a handler that only stores into a static atomic, which is
        // async-signal-safe and touches no state of the interrupted thread; the pointers
        // passed are to this live local (and null for the old action, allowed).
        // SA_RESTART keeps reads in other threads from failing with EINTR; SA_RESETHAND
        // gives the default action (ending the process) back for a second signal.
        let ok = unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            sa.sa_flags = libc::SA_RESTART | libc::SA_RESETHAND;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut()) == 0
        };
        if !ok {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// The signal (SIGINT 2 or SIGTERM 15) received since [`catch_termination`], if any.
pub fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}
