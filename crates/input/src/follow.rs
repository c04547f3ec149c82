//! `--follow`: a file read as it grows and across its rotation, as `tail -F` does, but
//! telling files apart by their first bytes as well as by inode (inodes are reused).
//!
//! [`Follow`] is a reader that never ends (until told to stop): at the end of the file it
//! waits a poll interval and looks at what the name holds now.
//! - The same file (device and inode), longer: the new bytes are read.
//! - The same file, shorter, or its first bytes changed (`copytruncate`, then maybe new
//!   lines): it is read again from its start, after the lines the cut took before they
//!   were read, from logrotate's copy when it is beside the file as plain text.
//! - Another file (rename and create): the old file is read to its end once more (the
//!   writer may have added lines since), then the new one from its start; unless the new
//!   one starts with the same bytes (the same text copied over), which goes on where the
//!   old one was.
//! - No file: the old one is still read as it grows (a writer keeps it open until it
//!   reopens its log).

use crate::{Compression, FP_MAX, FileStat, InputError};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A file followed as it grows and across rotation (see the module's documentation).
pub struct Follow {
    path: PathBuf,
    file: File,
    /// The open file's device and inode (size and time are not kept up to date).
    stat: FileStat,
    /// Bytes of the open file read so far.
    pos: u64,
    /// Its first bytes (at most [`FP_MAX`]), as read: what the file at the name must
    /// start with to be this one.
    head: Vec<u8>,
    /// The file the name holds now, once the open one is read to its end.
    next: Option<(File, FileStat, u64)>,
    /// The last byte handed out was not a newline: a newline is owed before the next
    /// file's bytes, so that two files' lines are never joined.
    mid_line: bool,
    nl_owed: bool,
    /// The last read ended at the end of the file (told to stop).
    stopped_at_end: bool,
    poll: Duration,
    stop: Arc<AtomicBool>,
}

/// What the name holds, at the end of the open file.
enum Change {
    /// Nothing new yet.
    Same,
    /// The open file has more bytes.
    Grown,
    /// The open file was cut (or rewritten from its start): read it from 0.
    Truncated,
    /// Another file, to read from the given offset once the open one is done.
    Replaced(File, FileStat, u64),
}

impl Follow {
    /// Opens `path` to follow, polling every `poll` at its end until `stop` is set (then
    /// the reader ends). `None` for an archive (it does not grow) and for what is not a
    /// regular file (a named pipe): they are read once, as streams.
    pub fn open(
        path: &Path,
        poll: Duration,
        stop: Arc<AtomicBool>,
    ) -> Result<Option<Follow>, InputError> {
        let name = path.display().to_string();
        let open_err = |e| InputError::Open {
            name: name.clone(),
            source: e,
        };
        let file = File::open(path).map_err(open_err)?;
        let meta = file.metadata().map_err(open_err)?;
        // A pipe or a device has no size to watch or start to go back to: read as a
        // stream.
        if !meta.is_file() || Compression::detect(&head_of(&file)) != Compression::None {
            return Ok(None);
        }
        let stat = FileStat::of_file(&file).map_err(open_err)?;
        Ok(Some(Follow {
            path: path.to_path_buf(),
            file,
            stat,
            pos: 0,
            head: Vec::new(),
            next: None,
            mid_line: false,
            nl_owed: false,
            stopped_at_end: false,
            poll,
            stop,
        }))
    }

    /// Notes bytes handed out from the open file.
    fn note(&mut self, bytes: &[u8]) {
        self.pos += bytes.len() as u64;
        if self.head.len() < FP_MAX {
            let take = (FP_MAX - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
        }
        if let Some(&b) = bytes.last() {
            self.mid_line = b != b'\n';
        }
    }

    /// From now on, `file` is read from `at` (0: a new file, whose head is not known).
    fn switch(&mut self, file: File, stat: FileStat, at: u64) -> io::Result<()> {
        self.file = file;
        self.file.seek(SeekFrom::Start(at))?;
        self.stat = stat;
        self.restart(at);
        Ok(())
    }

    fn restart(&mut self, at: u64) {
        if at == 0 {
            self.head.clear();
        }
        self.pos = at;
        self.nl_owed = self.mid_line;
        self.mid_line = false;
    }

    /// Whether `head` (a file's first bytes now) is not the start of the text read.
    fn head_differs(&self, head: &[u8]) -> bool {
        !self.head.is_empty() && head.get(..self.head.len()) != Some(&self.head[..])
    }

    /// At the end of the open file: what the name holds now.
    fn check(&mut self) -> io::Result<Change> {
        let now = match FileStat::of(&self.path) {
            Ok(s) => s,
            // Renamed away, not created again yet: the writer may still add to the old.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let len = self.file.metadata()?.len();
                return Ok(if len > self.pos {
                    Change::Grown
                } else {
                    Change::Same
                });
            }
            Err(e) => return Err(e),
        };
        if (now.dev, now.ino) == (self.stat.dev, self.stat.ino) {
            if now.size < self.pos || self.head_differs(&head_of(&self.file)) {
                return Ok(Change::Truncated);
            }
            return Ok(if now.size > self.pos {
                Change::Grown
            } else {
                Change::Same
            });
        }
        let file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Change::Same),
            Err(e) => return Err(e),
        };
        let stat = FileStat::of_file(&file)?;
        // The same text under another inode (copied over the old one): go on from here.
        let head = head_of(&file);
        let at = match self.head.is_empty() || self.head_differs(&head) || stat.size < self.pos {
            true => 0,
            false => self.pos,
        };
        Ok(Change::Replaced(file, stat, at))
    }
}

impl Follow {
    /// After a cut (`copytruncate`), the copy logrotate made, if it is beside the file
    /// as plain text: named after it (`access.log.1`, `access.log-20261206`), starting
    /// with the bytes read first and longer than what was read. Its bytes from there are
    /// the lines the cut took before they were read. The newest such file.
    fn copy_of_cut(&self) -> Option<File> {
        if self.head.is_empty() {
            return None;
        }
        let name = self.path.file_name()?.as_encoded_bytes();
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut best: Option<(File, i64)> = None;
        for entry in std::fs::read_dir(dir).ok()?.flatten() {
            let other = entry.file_name();
            let other = other.as_encoded_bytes();
            let named_after = other.len() > name.len()
                && other.starts_with(name)
                && matches!(other[name.len()], b'.' | b'-');
            if !named_after {
                continue;
            }
            let Ok(file) = File::open(entry.path()) else {
                continue;
            };
            let Ok(meta) = file.metadata() else { continue };
            if !meta.is_file() || meta.len() <= self.pos {
                continue;
            }
            let head = head_of(&file);
            if self.head_differs(&head) || Compression::detect(&head) != Compression::None {
                continue;
            }
            let Ok(stat) = FileStat::of_file(&file) else {
                continue;
            };
            if best.as_ref().is_none_or(|(_, t)| stat.mtime_ns > *t) {
                best = Some((file, stat.mtime_ns));
            }
        }
        best.map(|(f, _)| f)
    }

    /// At the end of the open file: waits for more bytes, a cut or another file; `false`
    /// when told to stop first.
    fn wait(&mut self) -> io::Result<bool> {
        loop {
            match self.check()? {
                Change::Grown => return Ok(true),
                Change::Same => {
                    if self.stop.load(Ordering::Relaxed) {
                        return Ok(false);
                    }
                    std::thread::sleep(self.poll);
                }
                Change::Truncated => {
                    match self.copy_of_cut() {
                        // Its bytes from where reading was, then the cut file from 0.
                        Some(copy) => {
                            let live = std::mem::replace(&mut self.file, copy);
                            self.file.seek(SeekFrom::Start(self.pos))?;
                            self.next = Some((live, self.stat, 0));
                        }
                        None => {
                            self.file.seek(SeekFrom::Start(0))?;
                            self.restart(0);
                        }
                    }
                    return Ok(true);
                }
                Change::Replaced(file, stat, at) => {
                    // The old file once more to its end first.
                    self.next = Some((file, stat, at));
                    return Ok(true);
                }
            }
        }
    }
}

impl Read for Follow {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // A read that ended at the end of the file looks at the name before reading
        // again: bytes at the old position of a file cut and rewritten are not its.
        if self.stopped_at_end {
            self.stopped_at_end = false;
            if !self.wait()? {
                self.stopped_at_end = true;
                return Ok(0);
            }
        }
        loop {
            if self.nl_owed {
                self.nl_owed = false;
                buf[0] = b'\n';
                return Ok(1);
            }
            let n = match self.file.read(buf) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n > 0 {
                self.note(&buf[..n]);
                return Ok(n);
            }
            // The end of the open file: the next one, once this one is read to its end.
            if let Some((file, stat, at)) = self.next.take() {
                self.switch(file, stat, at)?;
                continue;
            }
            if !self.wait()? {
                self.stopped_at_end = true;
                return Ok(0);
            }
        }
    }
}

/// The first bytes of `file` (at most [`FP_MAX`]), read without moving its position;
/// none when they cannot be read.
fn head_of(file: &File) -> Vec<u8> {
    let mut buf = vec![0u8; FP_MAX];
    let mut got = 0;
    while got < buf.len() {
        match crate::split::read_at(file, &mut buf[got..], got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    buf.truncate(got);
    buf
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn follow(path: &Path) -> (Follow, Arc<AtomicBool>) {
        let stop = Arc::new(AtomicBool::new(false));
        let f = Follow::open(path, Duration::from_millis(1), stop.clone())
            .unwrap()
            .unwrap();
        (f, stop)
    }

    /// Reads what `f` has until it would wait (stop is set first: the end of what is
    /// there ends the read).
    fn drain(f: &mut Follow, stop: &AtomicBool) -> String {
        stop.store(true, Ordering::Relaxed);
        let mut out = Vec::new();
        f.read_to_end(&mut out).unwrap();
        stop.store(false, Ordering::Relaxed);
        String::from_utf8(out).unwrap()
    }

    fn append(path: &Path, text: &str) {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }

    #[test]
    fn growth_rename_and_copytruncate() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("access.log");
        append(&log, "a1\na2\n");
        let (mut f, stop) = follow(&log);
        assert_eq!(drain(&mut f, &stop), "a1\na2\n");
        append(&log, "a3\n");
        assert_eq!(drain(&mut f, &stop), "a3\n");
        // Rename and create: the old file's last line (written after the rename, by a
        // writer that has not reopened yet), then the new file from its start.
        std::fs::rename(&log, dir.path().join("access.log.1")).unwrap();
        append(&dir.path().join("access.log.1"), "a4\n");
        append(&log, "b1\n");
        assert_eq!(drain(&mut f, &stop), "a4\nb1\n");
        append(&log, "b2\nb3\n");
        assert_eq!(drain(&mut f, &stop), "b2\nb3\n");
        // copytruncate: the copy is not read again; the cut file from its start.
        std::fs::copy(&log, dir.path().join("access.log.2")).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&log)
            .unwrap()
            .set_len(0)
            .unwrap();
        append(&log, "c1\n");
        assert_eq!(drain(&mut f, &stop), "c1\n");
        // Cut and written again past where reading was, before a poll: the first bytes
        // changed, so it is read from its start.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&log)
            .unwrap()
            .set_len(0)
            .unwrap();
        append(&log, "d1 longer than before\n");
        assert_eq!(drain(&mut f, &stop), "d1 longer than before\n");
        // The same text copied over under another inode: nothing read twice.
        let copy = dir.path().join("copy");
        std::fs::copy(&log, &copy).unwrap();
        append(&copy, "d2\n");
        std::fs::rename(&copy, &log).unwrap();
        assert_eq!(drain(&mut f, &stop), "d2\n");
    }

    /// copytruncate before the last lines were read: they are read from the copy, then
    /// the cut file from its start.
    #[test]
    fn lines_cut_before_they_were_read_come_from_the_copy() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("access.log");
        append(&log, "a1\na2\n");
        // An older rotation, with other text: not the copy.
        append(&dir.path().join("access.log.2"), "z1\nz2\nz3\nz4\nz5\n");
        let (mut f, stop) = follow(&log);
        assert_eq!(drain(&mut f, &stop), "a1\na2\n");
        append(&log, "a3\na4\n");
        std::fs::copy(&log, dir.path().join("access.log.1")).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&log)
            .unwrap()
            .set_len(0)
            .unwrap();
        append(&log, "c1\n");
        assert_eq!(drain(&mut f, &stop), "a3\na4\nc1\n");
        append(&log, "c2\n");
        assert_eq!(drain(&mut f, &stop), "c2\n");
    }

    /// A file that ends mid-line and is replaced: a newline keeps its last bytes from
    /// joining the next file's first line.
    #[test]
    fn a_line_cut_by_rotation_is_not_joined_to_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("access.log");
        append(&log, "a1\npart");
        let (mut f, stop) = follow(&log);
        assert_eq!(drain(&mut f, &stop), "a1\npart");
        std::fs::remove_file(&log).unwrap();
        append(&log, "b1\n");
        assert_eq!(drain(&mut f, &stop), "\nb1\n");
    }

    #[test]
    fn an_archive_or_a_device_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("a.gz");
        std::fs::write(&gz, [0x1f, 0x8b, 8, 0]).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        assert!(
            Follow::open(&gz, Duration::from_millis(1), stop)
                .unwrap()
                .is_none()
        );
    }
}
