//! Replacing a file whole, so that a crash at any point leaves either the old file or the
//! new one: the state, the journal of Parquet files and the `-o` outputs are all written
//! this way. The new bytes go to a hidden temporary file in the same directory (a rename
//! does not cross file systems), fsynced, renamed over the path, then the directory is
//! fsynced so the rename itself survives a power cut. Readers only ever open the path, so
//! a temporary file left by a crash is never read; the same pid's next write replaces it.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Replaces `path` with `bytes`. On failure the temporary file is removed and `path` is
/// as it was.
pub fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_name(path)?;
    let written = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        // Best effort: the error that matters is the write's.
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(&dir_of(path))
}

/// `.NAME.tmp.PID` beside `path`: hidden, so a directory reader (node_exporter's textfile
/// collector, a web server's listing) does not pick it up.
pub fn temp_name(path: &Path) -> io::Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other(format!("{} names no file", path.display())))?;
    let mut tmp = std::ffi::OsString::from(".");
    tmp.push(name);
    tmp.push(format!(".tmp.{}", std::process::id()));
    Ok(dir_of(path).join(tmp))
}

/// The directory `path` is in (`.` for a bare name).
pub fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Makes the renames and removals in `dir` durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        // Directories cannot be opened as files there; the rename is what it is.
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("axlog.prom");
        replace_file(&path, b"first").unwrap();
        replace_file(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["axlog.prom"]);
        // A directory in the way: an error, and nothing left behind.
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(replace_file(&dir.path().join("sub"), b"x").is_err());
        assert!(!temp_name(&dir.path().join("sub")).unwrap().exists());
    }
}
