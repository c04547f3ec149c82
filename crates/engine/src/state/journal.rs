//! The journal of a `--state` run's Parquet files (design §1.2, §5): `STATE.pending`,
//! written before the run gives its staged files their final names and removed once the
//! state is written. A run that dies in between leaves published files the state does
//! not account for (the next run reads the same bytes again); the next run finds the
//! journal, whose generation is then newer than the state's, and deletes those files
//! (and their temporary names) before it writes any, so every row is in Parquet once.
//!
//! JSON: `{"format":"axlog-pending","generation":G,"files":["DIR/date=…/part-….parquet"]}`.

use super::sync_dir;
use crate::replace::dir_of;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

/// The `format` field of every journal.
const FORMAT: &str = "axlog-pending";

/// Why the journal cannot be written, read or acted on. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{}: cannot {what}: {source}", .path.display())]
    Io {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: io::Error,
    },
    #[error(
        "{}: not a journal of Parquet files written by axlog: the files it lists cannot \
         be trusted; remove it (and any Parquet files of the run that wrote it) by hand",
        .path.display()
    )]
    Corrupt { path: PathBuf },
}

fn io_err(path: &Path, what: &'static str) -> impl FnOnce(io::Error) -> JournalError {
    let path = path.to_path_buf();
    move |source| JournalError::Io { path, what, source }
}

/// The files a run is about to publish, and the state generation it would commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pending {
    format: String,
    pub generation: u64,
    /// The files' final names (each is staged as `.NAME.tmp` in the same directory).
    pub files: Vec<PathBuf>,
}

impl Pending {
    pub fn new(generation: u64, files: Vec<PathBuf>) -> Self {
        Pending {
            format: FORMAT.to_string(),
            generation,
            files,
        }
    }
}

/// `STATE.pending`, beside the state.
pub fn path_of(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_os_string();
    name.push(".pending");
    PathBuf::from(name)
}

/// Writes the journal of the state at `state` so that a crash leaves it whole or absent:
/// a temporary file, fsynced, renamed, and the directory fsynced.
pub fn write(state: &Path, pending: &Pending) -> Result<(), JournalError> {
    let path = path_of(state);
    let err = |source: io::Error| JournalError::Io {
        path: path.clone(),
        what: "write the journal of Parquet files",
        source,
    };
    let bytes = serde_json::to_vec(pending).map_err(|e| err(io::Error::other(e)))?;
    crate::replace::replace_file(&path, &bytes).map_err(err)
}

/// Removes the journal of the state at `state` (absent: nothing to do), durably.
pub fn remove(state: &Path) -> Result<(), JournalError> {
    let path = path_of(state);
    let err = io_err(&path, "remove the journal of Parquet files");
    match std::fs::remove_file(&path) {
        Ok(()) => sync_dir(&dir_of(&path)).map_err(err),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(err(e)),
    }
}

/// At the start of a run, under the lock, with the state's `generation`: when the
/// journal is newer, its run published files and died before writing the state; they
/// are deleted (final and temporary names), their directories fsynced. Either way the
/// journal is removed. Returns the files deleted.
pub fn recover(state: &Path, generation: u64) -> Result<Vec<PathBuf>, JournalError> {
    let path = path_of(state);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(&path, "read the journal of Parquet files")(e)),
    };
    // Written atomically: one that does not parse was not written by axlog, and what
    // it lists cannot be trusted to delete.
    let pending: Pending = serde_json::from_slice(&bytes)
        .ok()
        .filter(|p: &Pending| p.format == FORMAT)
        .ok_or_else(|| JournalError::Corrupt { path: path.clone() })?;
    let mut deleted = Vec::new();
    if pending.generation > generation {
        let mut dirs = BTreeSet::new();
        for file in &pending.files {
            let dir = dir_of(file);
            let tmp = file
                .file_name()
                .map(|n| {
                    let mut t = std::ffi::OsString::from(".");
                    t.push(n);
                    t.push(".tmp");
                    dir.join(t)
                })
                .into_iter();
            for f in std::iter::once(file.clone()).chain(tmp) {
                match std::fs::remove_file(&f) {
                    Ok(()) => deleted.push(f),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io_err(&f, "remove a file of a run that died")(e)),
                }
            }
            dirs.insert(dir);
        }
        for d in &dirs {
            // A directory removed by hand since: nothing of it to sync.
            match sync_dir(d) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(io_err(d, "sync the directory")(e));
                }
                _ => {}
            }
        }
    }
    remove(state)?;
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_journal_deletes_its_files_an_older_one_does_not() {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join("web.state");
        let part = tmp.path().join("date=2026-12-06");
        std::fs::create_dir(&part).unwrap();
        let published = part.join("part-a.parquet");
        let staged = part.join("part-b.parquet");
        let other = part.join("part-c.parquet");
        std::fs::write(&published, b"a").unwrap();
        std::fs::write(part.join(".part-b.parquet.tmp"), b"b").unwrap();
        std::fs::write(&other, b"c").unwrap();

        // Committed (the state is at the journal's generation): nothing deleted.
        write(&state, &Pending::new(3, vec![published.clone()])).unwrap();
        assert_eq!(recover(&state, 3).unwrap(), Vec::<PathBuf>::new());
        assert!(published.exists());
        assert!(!path_of(&state).exists());

        // Not committed: the published file and the staged one go, the other stays.
        write(
            &state,
            &Pending::new(4, vec![published.clone(), staged.clone()]),
        )
        .unwrap();
        let deleted = recover(&state, 3).unwrap();
        assert_eq!(
            deleted,
            [published.clone(), part.join(".part-b.parquet.tmp")]
        );
        assert!(!published.exists() && other.exists());
        assert!(!path_of(&state).exists());

        // No journal: nothing to do.
        assert!(recover(&state, 3).unwrap().is_empty());
        remove(&state).unwrap();
    }

    #[test]
    fn a_journal_that_does_not_parse_is_refused_and_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join("s");
        std::fs::write(path_of(&state), b"{\"generation\":1}").unwrap();
        assert!(matches!(
            recover(&state, 0),
            Err(JournalError::Corrupt { .. })
        ));
        assert!(path_of(&state).exists());
    }
}
