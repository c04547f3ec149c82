//! A regular file read to its end is checked for having become shorter than the position
//! read: a log cut while it is read (logrotate's `copytruncate`) is an error with the
//! position, not a quiet end that reports fewer lines as if they were all.

use std::fs::File;
use std::io::{self, Read, Seek};

/// `inner` read to its end, where `file` (the same open file, sharing its position) tells
/// whether that end came from the file being cut.
pub(crate) struct Watched<R> {
    pub(crate) inner: R,
    /// `None` for what has no length to check (a pipe, a terminal).
    pub(crate) file: Option<File>,
}

impl<R> Watched<R> {
    /// `inner`, watched through `file` when that is a regular file.
    pub(crate) fn new(inner: R, file: Option<File>) -> Self {
        let file = file.filter(|f| f.metadata().is_ok_and(|m| m.is_file()));
        Watched { inner, file }
    }
}

impl<R: Read> Read for Watched<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0
            && !buf.is_empty()
            && let Some(f) = &self.file
        {
            let mut f = f;
            // Where reading got to, and how long the file is now.
            let at = f.stream_position()?;
            let len = f.metadata()?.len();
            if len < at {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "the file became shorter while it was read: {len} bytes now, \
                         read up to byte {at}"
                    ),
                ));
            }
        }
        Ok(n)
    }
}

/// The file standard input is, if it is one (`axlog report - < access.log`): a handle
/// sharing its position.
pub(crate) fn stdin_file() -> Option<File> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .ok()
            .map(File::from)
    }
    #[cfg(not(unix))]
    {
        None
    }
}
