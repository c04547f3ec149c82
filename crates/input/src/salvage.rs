//! zstd, bzip2 and xz decoding that hands over every byte decoded before an error.
//!
//! The crates' own readers decode as much as fits the caller's buffer in one call and,
//! when that call meets a damaged block, return the error alone: the text decoded from
//! the good blocks before it in the same call (up to a whole read buffer, a megabyte) is
//! lost. Here each step's output is handed over first and its error comes on the next
//! read, as `zstd -dc`, `bzip2 -dc` and `xz -dc` write what they decoded before stopping.

use std::io::{self, BufRead, Read};

/// One step of a streaming decoder.
pub(crate) trait Step {
    /// Decodes from `input` (empty at the end of the archive, `eof`) into `output`:
    /// the bytes of `input` used, the bytes of `output` written (also when it fails:
    /// they were decoded before the failure), and whether a stream ended.
    fn step(
        &mut self,
        input: &[u8],
        output: &mut [u8],
        eof: bool,
    ) -> (usize, usize, io::Result<bool>);

    /// Starts on another stream after one ended (concatenated archives, `pbzip2`).
    fn restart(&mut self) -> io::Result<()>;
}

/// A decoder reading from `input`, step by step.
pub(crate) struct Salvage<R, D> {
    input: R,
    decoder: D,
    /// A stream ended and no other has started.
    ended: bool,
    /// An error met after bytes handed over, for the next read.
    failed: Option<io::Error>,
    /// An error was returned: the archive ends there.
    done: bool,
}

impl<R: BufRead, D: Step> Salvage<R, D> {
    pub(crate) fn new(input: R, decoder: D) -> Self {
        Salvage {
            input,
            decoder,
            ended: false,
            failed: None,
            done: false,
        }
    }

    fn fail(&mut self, e: io::Error) -> io::Result<usize> {
        self.done = true;
        Err(e)
    }
}

impl<R: BufRead, D: Step> Read for Salvage<R, D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = self.failed.take() {
            return self.fail(e);
        }
        if buf.is_empty() || self.done {
            return Ok(0);
        }
        loop {
            let input = match self.input.fill_buf() {
                Ok(i) => i,
                Err(e) => return self.fail(e),
            };
            let eof = input.is_empty();
            if self.ended {
                if eof {
                    self.done = true;
                    return Ok(0);
                }
                self.decoder.restart()?;
                self.ended = false;
            }
            let (used, made, res) = self.decoder.step(input, buf, eof);
            self.input.consume(used);
            match res {
                Err(e) if made > 0 => {
                    self.failed = Some(e);
                    return Ok(made);
                }
                Err(e) => return self.fail(e),
                Ok(end) => {
                    self.ended = end;
                    if made > 0 {
                        return Ok(made);
                    }
                    if eof && !end {
                        return self.fail(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the archive ends inside a stream",
                        ));
                    }
                    if used == 0 && !end && !eof {
                        // Input left and nothing done with it: stop rather than spin.
                        return self.fail(io::Error::new(
                            io::ErrorKind::InvalidData,
                            "the decoder made no progress",
                        ));
                    }
                }
            }
        }
    }
}

/// Runs `call` on a decoder that keeps running totals of the bytes it has read and
/// written (`totals`): the bytes of input the call used, those of output it wrote, and
/// its result.
fn counted<D>(
    decoder: &mut D,
    totals: fn(&D) -> (u64, u64),
    call: impl FnOnce(&mut D) -> io::Result<bool>,
) -> (usize, usize, io::Result<bool>) {
    let (in0, out0) = totals(decoder);
    let res = call(decoder);
    let (in1, out1) = totals(decoder);
    ((in1 - in0) as usize, (out1 - out0) as usize, res)
}

pub(crate) struct Zstd(zstd::stream::raw::Decoder<'static>);

impl Zstd {
    pub(crate) fn new() -> io::Result<Self> {
        zstd::stream::raw::Decoder::new().map(Zstd)
    }
}

impl Step for Zstd {
    fn step(
        &mut self,
        input: &[u8],
        output: &mut [u8],
        _eof: bool,
    ) -> (usize, usize, io::Result<bool>) {
        use zstd::stream::raw::{InBuffer, Operation, OutBuffer};
        // Output decoded earlier and not yet handed over goes first, with no input: a
        // damaged block then cannot fail the call that carries it.
        {
            let mut out = OutBuffer::around(&mut *output);
            match self.0.run(&mut InBuffer::around(&[]), &mut out) {
                Err(e) => return (0, 0, Err(e)),
                // A frame is complete (and flushed) when the hint is 0.
                Ok(hint) if out.pos() > 0 => return (0, out.pos(), Ok(hint == 0)),
                Ok(_) => {}
            }
        }
        // zstd decodes every block complete in its input in one call, and a failing call
        // gives back none of its output. With room for one byte, a call stops after the
        // first block with any text: each block is decoded by a call of its own, and
        // its text is handed over (from the calls above) before the next is decoded.
        let mut src = InBuffer::around(input);
        let room = output.len().min(1);
        let mut one = OutBuffer::around(&mut output[..room]);
        let res = self.0.run(&mut src, &mut one).map(|hint| hint == 0);
        (src.pos(), one.pos(), res)
    }

    fn restart(&mut self) -> io::Result<()> {
        use zstd::stream::raw::Operation;
        self.0.reinit()
    }
}

pub(crate) struct Bzip2(bzip2::Decompress);

impl Bzip2 {
    pub(crate) fn new() -> Self {
        Bzip2(bzip2::Decompress::new(false))
    }
}

impl Step for Bzip2 {
    fn step(
        &mut self,
        input: &[u8],
        output: &mut [u8],
        _eof: bool,
    ) -> (usize, usize, io::Result<bool>) {
        counted(
            &mut self.0,
            |d| (d.total_in(), d.total_out()),
            |d| {
                d.decompress(input, output)
                    .map(|s| s == bzip2::Status::StreamEnd)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
            },
        )
    }

    fn restart(&mut self) -> io::Result<()> {
        *self = Bzip2::new();
        Ok(())
    }
}

pub(crate) struct Xz(liblzma::stream::Stream);

impl Xz {
    /// Every stream of a concatenated file, as `xz -dc` reads it.
    pub(crate) fn new() -> io::Result<Self> {
        liblzma::stream::Stream::new_stream_decoder(u64::MAX, liblzma::stream::CONCATENATED)
            .map(Xz)
            .map_err(io::Error::from)
    }
}

impl Step for Xz {
    fn step(
        &mut self,
        input: &[u8],
        output: &mut [u8],
        eof: bool,
    ) -> (usize, usize, io::Result<bool>) {
        use liblzma::stream::{Action, Status};
        // Concatenated streams end only when told the input has.
        let action = if eof { Action::Finish } else { Action::Run };
        counted(
            &mut self.0,
            |d| (d.total_in(), d.total_out()),
            |d| {
                d.process(input, output, action)
                    .map(|s| s == Status::StreamEnd)
                    .map_err(io::Error::from)
            },
        )
    }

    fn restart(&mut self) -> io::Result<()> {
        *self = Xz::new()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zst(t: &[u8]) -> Vec<u8> {
        zstd::stream::encode_all(t, 3).unwrap()
    }
    fn bz(t: &[u8]) -> Vec<u8> {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        e.write_all(t).unwrap();
        e.finish().unwrap()
    }
    fn xz(t: &[u8]) -> Vec<u8> {
        let mut e = liblzma::write::XzEncoder::new(Vec::new(), 6);
        e.write_all(t).unwrap();
        e.finish().unwrap()
    }

    /// Reads `data` with `decoder` in reads of `step` bytes: the text, and the error.
    fn read<D: Step>(data: &[u8], decoder: D, step: usize) -> (Vec<u8>, Option<io::Error>) {
        let mut r = Salvage::new(io::BufReader::with_capacity(1000, data), decoder);
        let (mut out, mut buf) = (Vec::new(), vec![0; step]);
        loop {
            match r.read(&mut buf) {
                Ok(0) => return (out, None),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    #[test]
    fn concatenated_streams_and_cut_ones() {
        let one: Vec<u8> = (0..3000)
            .flat_map(|k| format!("first {k}\n").into_bytes())
            .collect();
        let two = b"second stream\n".to_vec();
        let whole = [one.clone(), two.clone()].concat();
        type Enc = fn(&[u8]) -> Vec<u8>;
        for (name, enc) in [("zstd", zst as Enc), ("bzip2", bz), ("xz", xz)] {
            let data = [enc(&one), enc(&two)].concat();
            let cut = &data[..data.len() - 5];
            for step in [1, 7, 1 << 16] {
                let dec = |d: &[u8]| match name {
                    "zstd" => read(d, Zstd::new().unwrap(), step),
                    "bzip2" => read(d, Bzip2::new(), step),
                    _ => read(d, Xz::new().unwrap(), step),
                };
                let (text, err) = dec(&data);
                assert!(err.is_none(), "{name} {step}: {err:?}");
                assert_eq!(text, whole, "{name} {step}");
                // A cut archive: the first stream whole, then an error saying it is cut.
                let (text, err) = dec(cut);
                assert!(text.starts_with(&one) && whole.starts_with(&text), "{name}");
                let err = err.unwrap_or_else(|| panic!("{name} {step}: no error"));
                assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{name}: {err}");
            }
        }
    }

    #[test]
    fn damaged_bytes_anywhere_end_in_text_or_an_error() {
        // Bytes changed at many places of each kind of archive: every read ends, with the
        // text or with an error, and nothing panics.
        let text: Vec<u8> = (0..5000)
            .flat_map(|k| format!("row {k}\n").into_bytes())
            .collect();
        type Enc = fn(&[u8]) -> Vec<u8>;
        let mut state = 7u64;
        for enc in [zst as Enc, bz, xz] {
            let good = enc(&text);
            for _ in 0..40 {
                let mut data = good.clone();
                for _ in 0..4 {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                    let at = 6 + (state >> 33) as usize % (data.len() - 6);
                    data[at] ^= (state >> 20) as u8 | 1;
                }
                let (got, err) = match data[0] {
                    0x28 => read(&data, Zstd::new().unwrap(), 4096),
                    b'B' => read(&data, Bzip2::new(), 4096),
                    _ => read(&data, Xz::new().unwrap(), 4096),
                };
                assert!(err.is_some() || got.len() <= 10 * text.len());
            }
        }
    }
}
