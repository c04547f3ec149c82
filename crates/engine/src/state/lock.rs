//! Keeps two runs with one state apart: an exclusive, non-blocking `flock` on a sidecar
//! `STATE.lock`, never on the state itself. The state is replaced by rename, so a lock on
//! its inode would not stop a run that opens the new inode after the rename (design §10.1);
//! the sidecar is never renamed. The holder writes its pid into it, for the refusal's
//! message. The lock goes with the open file: a crashed run holds nothing.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another run holds it: this one must stop before reading anything.
    #[error("another axlog run holds {} ({}); nothing read", .path.display(), pid_text(*.pid))]
    Held { path: PathBuf, pid: Option<u32> },
    #[error("{}: cannot lock: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn pid_text(pid: Option<u32>) -> String {
    // The holder may have the lock and not yet have written its pid.
    pid.map_or_else(|| "pid unknown".into(), |p| format!("pid {p}"))
}

/// The lock of the state at `state`: held until dropped (or the process ends).
#[derive(Debug)]
pub struct StateLock {
    /// Kept open: closing it releases the lock.
    _file: File,
    path: PathBuf,
}

impl StateLock {
    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The sidecar lock file of the state at `state`: `STATE.lock`.
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes the lock of the state at `state` at once, or says who holds it.
pub fn lock(state: &Path) -> Result<StateLock, LockError> {
    let path = lock_path(state);
    let io_err = |source: io::Error| LockError::Io {
        path: path.clone(),
        source,
    };
    // Not truncated on open: the holder's pid must stay readable to a refused run.
    let mut file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io_err)?;
    match try_lock(&file) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
            return Err(LockError::Held {
                pid: holder(&mut file),
                path,
            });
        }
        Err(e) => return Err(io_err(e)),
    }
    let written = (|| {
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())
    })();
    written.map_err(io_err)?;
    Ok(StateLock { _file: file, path })
}

/// The pid written in the lock file by its holder, if it has written one.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    // A pid and a newline: anything longer is not ours.
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(unix)]
fn try_lock(file: &File) -> io::Result<()> {
    use rustix::fs::{FlockOperation, flock};
    flock(file, FlockOperation::NonBlockingLockExclusive).map_err(io::Error::from)
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> io::Result<()> {
    // No flock there: runs are not kept apart (documented in docs/engine.md).
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_while_the_first_is_held() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("web.state");
        let first = lock(&state).unwrap();
        assert_eq!(first.path(), dir.path().join("web.state.lock"));
        // flock locks belong to the open file description: a second open in this same
        // process is refused as another process would be.
        let e = lock(&state).unwrap_err();
        match &e {
            LockError::Held { path, pid } => {
                assert_eq!(path, &dir.path().join("web.state.lock"));
                assert_eq!(*pid, Some(std::process::id()));
            }
            other => panic!("{other}"),
        }
        let msg = e.to_string();
        assert!(
            msg.starts_with(&format!(
                "another axlog run holds {}/web.state.lock (pid {})",
                dir.path().display(),
                std::process::id()
            )),
            "{msg}"
        );
        // The state file itself is not created or touched by locking.
        assert!(!state.exists());
        drop(first);
        let again = lock(&state).unwrap();
        drop(again);
    }

    #[test]
    fn a_held_lock_without_a_pid_yet_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("s");
        let path = lock_path(&state);
        // Another holder that has locked but written nothing.
        let other = File::create(&path).unwrap();
        try_lock(&other).unwrap();
        let e = lock(&state).unwrap_err();
        assert!(matches!(e, LockError::Held { pid: None, .. }), "{e}");
        assert!(e.to_string().contains("(pid unknown)"), "{e}");
    }

    #[test]
    fn a_lock_in_a_missing_directory_is_an_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = lock(&dir.path().join("no/such/dir/s")).unwrap_err();
        assert!(matches!(e, LockError::Io { .. }), "{e}");
    }
}
