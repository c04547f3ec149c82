//! gzip files: every member of a multi-member file (logrotate with `compress`, pigz,
//! `cat a.gz b.gz`), and zero bytes after the last member ignored as `gzip -d` ignores
//! them (tape and block-copy tools pad a file to their block size with zeros).

use std::io::{self, BufRead, Read};

/// Reads the members of a gzip file one after the other.
pub(crate) struct Members<R: BufRead> {
    /// The member being read; `None` once the file has ended.
    member: Option<flate2::bufread::GzDecoder<R>>,
}

impl<R: BufRead> Members<R> {
    pub(crate) fn new(input: R) -> Self {
        Members {
            member: Some(flate2::bufread::GzDecoder::new(input)),
        }
    }
}

impl<R: BufRead> Read for Members<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(member) = &mut self.member else {
                return Ok(0);
            };
            let n = member.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // The member ended, its trailer read: what follows is another member, the
            // end of the file, or zero padding up to it.
            let Some(member) = self.member.take() else {
                return Ok(0);
            };
            let mut input = member.into_inner();
            let head = input.fill_buf()?;
            // gzip's magic starts another member; other bytes are not gzip data (`gzip -d`
            // warns "trailing garbage ignored"), not a cut archive.
            let foreign = head.get(..2).is_some_and(|m| m != [0x1f, 0x8b]);
            match head.first() {
                None => return Ok(0),
                Some(0) => {
                    skip_zeros(&mut input)?;
                    return Ok(0);
                }
                Some(_) if foreign => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "bytes after the last member that are not gzip data",
                    ));
                }
                Some(_) => self.member = Some(flate2::bufread::GzDecoder::new(input)),
            }
        }
    }
}

/// Reads zero bytes to the end of `input`; anything else is an error.
fn skip_zeros(input: &mut impl BufRead) -> io::Result<()> {
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        if buf.iter().any(|&b| b != 0) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "bytes other than zero padding after the last member",
            ));
        }
        let n = buf.len();
        input.consume(n);
    }
}
