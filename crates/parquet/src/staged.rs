//! A run's complete files, kept under their hidden temporary names until the run ends:
//! then they all get their final names, or, when any write of the run failed, none does
//! and they are removed. A reader never sees part of a run, and a rerun after a failure
//! does not add rows a failed run left behind. Once renamed, every directory that holds
//! one of the files, up to the output's, is fsynced: the names (and the partition
//! directories the run created) survive a power cut.

use crate::writer::Error;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// Complete files waiting for the end of the run: (temporary name, final name).
#[derive(Debug, Default)]
pub(crate) struct Staged(Mutex<Vec<(PathBuf, PathBuf)>>);

impl Staged {
    pub(crate) fn add(&self, tmp: PathBuf, path: PathBuf) {
        self.take_lock().push((tmp, path));
    }

    /// Gives every file its final name, then fsyncs each directory holding one and its
    /// parents up to `root` (the output directory, which may have been created too). If
    /// one cannot be renamed, or a directory cannot be synced, the files renamed before
    /// it and the others are removed: none of the run's files is left.
    pub(crate) fn publish(&self, root: &Path) -> Result<(), Error> {
        let files = std::mem::take(&mut *self.take_lock());
        for (i, (tmp, path)) in files.iter().enumerate() {
            if let Err(source) = std::fs::rename(tmp, path) {
                for (_, done) in &files[..i] {
                    let _ = std::fs::remove_file(done);
                }
                for (rest, _) in &files[i..] {
                    let _ = std::fs::remove_file(rest);
                }
                return Err(Error::Io {
                    path: path.clone(),
                    source,
                });
            }
        }
        let mut dirs = BTreeSet::new();
        for (_, path) in &files {
            let mut dir = path.parent();
            while let Some(d) = dir {
                if !d.starts_with(root) || !dirs.insert(d.to_path_buf()) || d == root {
                    break;
                }
                dir = d.parent();
            }
        }
        // Deepest first: a directory's entries before the entry naming it.
        for dir in dirs.iter().rev() {
            if let Err(source) = sync_dir(dir) {
                for (_, done) in &files {
                    let _ = std::fs::remove_file(done);
                }
                return Err(Error::Io {
                    path: dir.clone(),
                    source,
                });
            }
        }
        Ok(())
    }

    /// The final names of the files staged.
    pub(crate) fn finals(&self) -> Vec<PathBuf> {
        self.take_lock().iter().map(|(_, p)| p.clone()).collect()
    }

    /// Removes the files whose final name `drop` picks.
    pub(crate) fn discard_where(&self, drop: impl Fn(&Path) -> bool) {
        self.take_lock().retain(|(tmp, path)| {
            if drop(path) {
                let _ = std::fs::remove_file(tmp);
                return false;
            }
            true
        });
    }

    /// Removes every file (a write of the run failed).
    pub(crate) fn discard(&self) {
        for (tmp, _) in std::mem::take(&mut *self.take_lock()) {
            let _ = std::fs::remove_file(tmp);
        }
    }

    fn take_lock(&self) -> std::sync::MutexGuard<'_, Vec<(PathBuf, PathBuf)>> {
        // A writer that panicked holding the lock left the list whole.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Makes the entries of `dir` durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        // Directories cannot be opened as files there.
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_files_get_their_names_or_none_does() {
        let dir = tempfile::tempdir().unwrap();
        let p = |n: &str| dir.path().join(n);
        for n in [".a.tmp", ".b.tmp", ".c.tmp"] {
            std::fs::write(p(n), n).unwrap();
        }
        let staged = Staged::default();
        staged.add(p(".a.tmp"), p("a.parquet"));
        staged.add(p(".b.tmp"), p("b.parquet"));
        staged.publish(dir.path()).unwrap();
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, [".c.tmp", "a.parquet", "b.parquet"]);
        assert_eq!(std::fs::read(p("a.parquet")).unwrap(), b".a.tmp");

        // The second cannot be renamed (its directory is gone): the first is removed too.
        std::fs::create_dir(p("sub")).unwrap();
        std::fs::write(p("sub/.d.tmp"), b"d").unwrap();
        staged.add(p(".c.tmp"), p("c.parquet"));
        staged.add(p("sub/.d.tmp"), p("gone/d.parquet"));
        assert!(staged.publish(dir.path()).is_err());
        assert!(!p("c.parquet").exists() && !p(".c.tmp").exists());
        assert!(!p("sub/.d.tmp").exists());

        // Discarded: removed.
        std::fs::write(p(".e.tmp"), b"e").unwrap();
        staged.add(p(".e.tmp"), p("e.parquet"));
        staged.discard();
        assert!(!p(".e.tmp").exists() && !p("e.parquet").exists());
    }
}
