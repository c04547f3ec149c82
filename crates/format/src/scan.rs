//! Finding every occurrence of a delimiter in one line with 16-byte vector compares.
//!
//! A log line is a couple of hundred bytes with a handful of delimiters. Calling a search
//! routine per delimiter pays its set-up each time; one pass that turns the line into a
//! bit mask per 16 bytes and reads the positions off the mask costs a few instructions
//! per 16 bytes plus a few per delimiter found.

/// Bit `i` is set where `block[i] == needle`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn eq_mask(block: &[u8; 16], needle: u8) -> u32 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    // SAFETY: `block` is a reference to 16 initialised bytes, exactly what the unaligned
    // load reads (`loadu` has no alignment requirement). SSE2 is part of the x86_64
    // baseline, so every CPU this code is compiled for has these instructions.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr() as *const __m128i);
        _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(needle as i8))) as u32
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn eq_mask(block: &[u8; 16], needle: u8) -> u32 {
    let mut m = 0;
    for (i, &b) in block.iter().enumerate() {
        m |= ((b == needle) as u32) << i;
    }
    m
}

/// Calls `each(offset, mask)` for every 16-byte block of `hay` until it returns `false`:
/// bit `i` of `mask` stands for `hay[offset + i]`. A last partial block is read as the
/// last 16 bytes of `hay`, its already seen bytes shifted out, so nothing is copied.
#[inline(always)]
fn for_each_mask(hay: &[u8], needle: u8, mut each: impl FnMut(usize, u32) -> bool) {
    let mut blocks = hay.chunks_exact(16);
    let mut base = 0;
    for block in &mut blocks {
        // `chunks_exact(16)` yields 16-byte slices, so the conversion cannot fail.
        let Ok(block) = <&[u8; 16]>::try_from(block) else {
            return;
        };
        if !each(base, eq_mask(block, needle)) {
            return;
        }
        base += 16;
    }
    let tail = blocks.remainder().len();
    if tail == 0 {
        return;
    }
    if let Some(last) = hay.len().checked_sub(16).and_then(|s| hay.get(s..)) {
        if let Ok(last) = <&[u8; 16]>::try_from(last) {
            each(base, eq_mask(last, needle) >> (16 - tail));
        }
    } else {
        // The whole haystack is shorter than a block.
        let mut m = 0;
        for (i, &b) in hay.iter().enumerate() {
            m |= ((b == needle) as u32) << i;
        }
        each(0, m);
    }
}

/// Stores the positions of the first `N` occurrences of `needle` in `hay` into `out` and
/// returns how many occurrences there are in all (which may exceed `N`).
#[inline]
pub fn positions<const N: usize>(hay: &[u8], needle: u8, out: &mut [u32; N]) -> usize {
    let mut n = 0;
    for_each_mask(hay, needle, |base, mut m| {
        while m != 0 {
            if let Some(slot) = out.get_mut(n) {
                *slot = (base + m.trailing_zeros() as usize) as u32;
            }
            n += 1;
            m &= m - 1;
        }
        true
    });
    n
}

/// The position of the first `needle` in `hay`: for the short fields of a line, where a
/// general search's set-up costs more than the search.
#[inline]
pub fn find(hay: &[u8], needle: u8) -> Option<usize> {
    let mut i = 0;
    // `chunks_exact` rather than `get(i..i + 16)`: one bound per block, not two.
    let mut blocks = hay.chunks_exact(16);
    for block in &mut blocks {
        // `chunks_exact(16)` yields 16-byte slices, so the conversion cannot fail.
        if let Ok(block) = <&[u8; 16]>::try_from(block) {
            let m = eq_mask(block, needle);
            if m != 0 {
                return Some(i + m.trailing_zeros() as usize);
            }
        }
        i += 16;
    }
    // The last partial block: the last 16 bytes, their already seen part shifted out.
    let tail = hay.len() - i;
    if tail == 0 {
        return None;
    }
    if let Some(last) = hay.len().checked_sub(16).and_then(|s| hay.get(s..))
        && let Ok(last) = <&[u8; 16]>::try_from(last)
    {
        let m = eq_mask(last, needle) >> (16 - tail);
        return (m != 0).then(|| i + m.trailing_zeros() as usize);
    }
    hay.iter().position(|&b| b == needle)
}

/// The position of the last `needle` in `hay`: for the few bytes after a line's last
/// quoted field.
#[inline]
pub fn rfind(hay: &[u8], needle: u8) -> Option<usize> {
    let mut end = hay.len();
    while end >= 16 {
        if let Ok(block) = <&[u8; 16]>::try_from(&hay[end - 16..end]) {
            let m = eq_mask(block, needle);
            if m != 0 {
                return Some(end - 16 + 31 - m.leading_zeros() as usize);
            }
        }
        end -= 16;
    }
    hay[..end].iter().rposition(|&b| b == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_a_plain_loop() {
        // Lengths around the block size, needles at varied positions and densities.
        let mut state = 7u64;
        for len in 0..70 {
            for round in 0..40 {
                let hay: Vec<u8> = (0..len)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                        let r = (state >> 33) as u32;
                        if r.is_multiple_of(1 + round % 7) {
                            b'"'
                        } else {
                            (r % 251) as u8
                        }
                    })
                    .collect();
                let want: Vec<u32> = hay
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'"')
                    .map(|(i, _)| i as u32)
                    .collect();
                let mut out = [u32::MAX; 4];
                let n = positions(&hay, b'"', &mut out);
                assert_eq!(n, want.len());
                let k = n.min(4);
                assert_eq!(&out[..k], &want[..k]);
                assert_eq!(find(&hay, b'"'), want.first().map(|&p| p as usize));
                assert_eq!(rfind(&hay, b'"'), want.last().map(|&p| p as usize));
            }
        }
        // Whatever the needle, only its own bytes match.
        for needle in [0u8, 0xff, b'"'] {
            assert_eq!(find(&[1, 2, 3], needle), None);
            assert_eq!(rfind(&[1, 2, 3], needle), None);
            let mut out = [0u32; 2];
            assert_eq!(positions(&[needle; 17], needle, &mut out), 17);
            assert_eq!(out, [0, 1]);
        }
    }
}
