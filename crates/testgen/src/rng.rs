//! The generator's PRNG (wyrand) and the samplers built on it.
//!
//! Everything here is integer or basic IEEE-754 arithmetic, so a given seed
//! yields the same stream on every platform.

/// wyrand: one 64x64->128 multiply per output, passes BigCrush/PractRand,
/// and is several times faster than a cryptographic generator.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        // Scramble the seed so that nearby seeds (1, 2, 3...) start far apart.
        Rng(splitmix64(seed))
    }

    #[inline]
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0xa076_1d64_78bd_642f);
        let t = u128::from(self.0) * u128::from(self.0 ^ 0xe703_7ed1_a0b4_28db);
        ((t >> 64) as u64) ^ (t as u64)
    }

    /// Uniform in `0..n` (Lemire's multiply-high; the bias is below 2^-40 for
    /// every `n` used here, far below anything a log consumer could notice).
    #[inline]
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    #[inline]
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p / 1_000_000`.
    #[inline]
    pub(crate) fn ppm(&mut self, p: u32) -> bool {
        self.below(1_000_000) < u64::from(p)
    }

    /// Uniform in `[0, 1)` with 53 bits.
    #[inline]
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `(0, 1]`, safe to take the logarithm of.
    #[inline]
    pub(crate) fn unit_open0(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// SplitMix64 finaliser, used to derive independent seeds.
pub(crate) fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Walker/Vose alias table: O(1) sampling from a fixed discrete distribution,
/// which keeps Zipf draws over 20k IPs as cheap as a uniform draw.
#[derive(Clone, Debug)]
pub(crate) struct Alias {
    /// Acceptance threshold out of 2^32 for each column.
    prob: Vec<u64>,
    alias: Vec<u32>,
}

impl Alias {
    pub(crate) fn new(weights: &[f64]) -> Self {
        let n = weights.len();
        assert!(
            n > 0 && n < u32::MAX as usize,
            "alias table needs 1..2^32 weights"
        );
        let total: f64 = weights.iter().sum();
        assert!(total > 0.0, "alias table needs a positive total weight");
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let mut prob = vec![1u64 << 32; n];
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..n).partition(|&i| scaled[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            prob[s] = (scaled[s] * 4_294_967_296.0) as u64;
            alias[s] = l as u32;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // Leftovers (rounding) keep probability 1.
        Alias { prob, alias }
    }

    /// Zipf(s) over ranks 1..=n (rank 1 = index 0 is the most frequent).
    pub(crate) fn zipf(n: usize, s: f64) -> Self {
        let w: Vec<f64> = (1..=n)
            .map(|k| crate::math::exp(-s * crate::math::ln(k as f64)))
            .collect();
        Self::new(&w)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.prob.len()
    }

    #[inline]
    pub(crate) fn sample(&self, rng: &mut Rng) -> usize {
        let x = rng.next_u64();
        // The high bits pick the column, the independent low 32 bits the coin.
        let i = ((u128::from(x) * self.prob.len() as u128) >> 64) as usize;
        if (x & 0xffff_ffff) < self.prob[i] {
            i
        } else {
            self.alias[i] as usize
        }
    }
}

/// Deterministic Fisher-Yates shuffle.
pub(crate) fn shuffle<T>(v: &mut [T], rng: &mut Rng) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_is_fixed() {
        let mut a = Rng::new(1);
        let mut b = Rng::new(1);
        let mut c = Rng::new(2);
        let xs: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn below_and_range_stay_in_bounds() {
        let mut r = Rng::new(7);
        for _ in 0..10_000 {
            assert!(r.below(10) < 10);
            let x = r.range(3, 5);
            assert!((3..=5).contains(&x));
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            let v = r.unit_open0();
            assert!(v > 0.0 && v <= 1.0);
        }
    }

    #[test]
    fn alias_matches_weights() {
        let a = Alias::new(&[1.0, 2.0, 7.0]);
        let mut r = Rng::new(3);
        let mut counts = [0u32; 3];
        for _ in 0..100_000 {
            counts[a.sample(&mut r)] += 1;
        }
        assert!((9_000..11_000).contains(&counts[0]), "{counts:?}");
        assert!((19_000..21_000).contains(&counts[1]), "{counts:?}");
        assert!((69_000..71_000).contains(&counts[2]), "{counts:?}");
    }

    #[test]
    fn zipf_is_skewed() {
        let a = Alias::zipf(1000, 1.0);
        assert_eq!(a.len(), 1000);
        let mut r = Rng::new(9);
        let mut first = 0;
        let mut last_half = 0;
        for _ in 0..100_000 {
            let i = a.sample(&mut r);
            if i == 0 {
                first += 1;
            }
            if i >= 500 {
                last_half += 1;
            }
        }
        // H(1000) = 7.485: rank 1 gets 13.4%, ranks 501..1000 get 9.2%.
        assert!((12_500..14_300).contains(&first), "{first}");
        assert!((8_300..10_100).contains(&last_half), "{last_half}");
    }
}
