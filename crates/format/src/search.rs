//! Byte search with the vector routine picked once per parser, not on every call.
//!
//! `memchr::memchr` detects the CPU and builds its search vectors on each call. A log
//! line asks for three or four short searches, where that set-up is a large part of the
//! cost, so parsers keep a ready searcher instead.

/// Finds one byte value, forward or backward.
#[derive(Debug, Clone, Copy)]
pub struct ByteSearch {
    byte: u8,
    #[cfg(target_arch = "x86_64")]
    avx2: Option<memchr::arch::x86_64::avx2::memchr::One>,
}

impl ByteSearch {
    pub fn new(byte: u8) -> Self {
        ByteSearch {
            byte,
            #[cfg(target_arch = "x86_64")]
            avx2: memchr::arch::x86_64::avx2::memchr::One::new(byte),
        }
    }

    #[inline]
    pub fn find(&self, haystack: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(one) = &self.avx2 {
            return one.find(haystack);
        }
        memchr::memchr(self.byte, haystack)
    }

    #[inline]
    pub fn rfind(&self, haystack: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(one) = &self.avx2 {
            return one.rfind(haystack);
        }
        memchr::memrchr(self.byte, haystack)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_memchr_at_every_length() {
        // Lengths around the 16- and 32-byte vector widths, needle at every position.
        let s = ByteSearch::new(b'"');
        for len in 0..100 {
            for at in 0..=len {
                let mut hay = vec![b'a'; len];
                if at < len {
                    hay[at] = b'"';
                }
                assert_eq!(s.find(&hay), memchr::memchr(b'"', &hay), "{len} {at}");
                assert_eq!(s.rfind(&hay), memchr::memrchr(b'"', &hay), "{len} {at}");
            }
        }
    }
}
