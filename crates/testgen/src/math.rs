//! Platform-independent `exp`, `ln`, `sin` and a normal-quantile table.
//!
//! `f64::exp` and friends call the C library, whose last-bit results differ
//! between glibc, musl, macOS and Windows; a one-ulp difference can flip a
//! rounded millisecond and break byte-identical output across machines. These
//! use only basic IEEE-754 operations, which Rust never contracts or reorders,
//! so they are bit-reproducible everywhere. Accuracy is a few ulps, plenty for
//! synthetic data.

use std::f64::consts::{FRAC_PI_2, LOG2_E, PI, SQRT_2, TAU};

const LN2_HI: f64 = 6.931_471_803_691_238_e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;

/// e^x, for x clamped to [-700, 700].
pub(crate) fn exp(x: f64) -> f64 {
    let x = x.clamp(-700.0, 700.0);
    let k = (x * LOG2_E).round();
    // |r| <= ln2/2, where the degree-13 Taylor polynomial is exact to ~1e-17.
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let mut p = 1.0 / 6_227_020_800.0;
    for c in [
        479_001_600.0,
        39_916_800.0,
        3_628_800.0,
        362_880.0,
        40_320.0,
        5_040.0,
        720.0,
        120.0,
        24.0,
        6.0,
        2.0,
        1.0,
        1.0,
    ] {
        p = p * r + 1.0 / c;
    }
    let k = k as i64;
    let k1 = k / 2;
    p * pow2(k1) * pow2(k - k1)
}

fn pow2(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// Natural logarithm; `ln(x) = -inf` for `x <= 0`.
pub(crate) fn ln(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let (mut x, mut e) = (x, 0i64);
    if x < f64::MIN_POSITIVE {
        x *= 18_014_398_509_481_984.0; // 2^54
        e = -54;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln m = 2 atanh(f), |f| <= 0.172, so the odd series converges fast.
    let f = (m - 1.0) / (m + 1.0);
    let f2 = f * f;
    let mut s = 1.0 / 23.0;
    for d in [21.0, 19.0, 17.0, 15.0, 13.0, 11.0, 9.0, 7.0, 5.0, 3.0, 1.0] {
        s = s * f2 + 1.0 / d;
    }
    let e = e as f64;
    2.0 * f * s + e * LN2_HI + e * LN2_LO
}

/// sin(x); accurate to ~1e-11 for |x| up to a few thousand.
pub(crate) fn sin(x: f64) -> f64 {
    let mut r = x - TAU * (x / TAU).round();
    if r > FRAC_PI_2 {
        r = PI - r;
    } else if r < -FRAC_PI_2 {
        r = -PI - r;
    }
    let r2 = r * r;
    // Taylor coefficients (-1)^k/(2k+1)! for k = 8 down to 0.
    let mut p = 1.0 / 355_687_428_096_000.0;
    for (c, sign) in [
        (1_307_674_368_000.0, -1.0),
        (6_227_020_800.0, 1.0),
        (39_916_800.0, -1.0),
        (362_880.0, 1.0),
        (5_040.0, -1.0),
        (120.0, 1.0),
        (6.0, -1.0),
        (1.0, 1.0),
    ] {
        p = p * r2 + sign / c;
    }
    r * p
}

/// Inverse of the standard normal CDF (Acklam's rational approximation,
/// relative error < 1.2e-9), for 0 < p < 1.
fn inv_norm(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    const P_LOW: f64 = 0.02425;
    if p < P_LOW {
        tail((-2.0 * ln(p)).sqrt())
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -tail((-2.0 * ln(1.0 - p)).sqrt())
    }
}

const NORM_BITS: u32 = 12;
const NORM_N: usize = 1 << NORM_BITS;

/// Standard-normal sampler by table lookup with linear interpolation between
/// 4097 quantiles: one random draw and no transcendental call per sample.
/// The range is about +-3.5 sigma; callers add explicit Pareto tails where
/// they want extremes.
#[derive(Clone, Debug)]
pub(crate) struct Normal {
    q: Vec<f64>,
}

impl Normal {
    pub(crate) fn new() -> Self {
        let q = (0..=NORM_N)
            .map(|j| inv_norm((j as f64 + 0.5) / (NORM_N as f64 + 1.0)))
            .collect();
        Normal { q }
    }

    #[inline]
    pub(crate) fn sample(&self, rng: &mut crate::rng::Rng) -> f64 {
        let x = rng.next_u64();
        let i = (x >> (64 - NORM_BITS)) as usize;
        let frac = (x & 0xffff_ffff) as f64 * (1.0 / 4_294_967_296.0);
        let a = self.q[i];
        a + (self.q[i + 1] - a) * frac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn exp_ln_sin_match_std() {
        let mut x = -50.0;
        while x < 50.0 {
            assert!(close(exp(x), x.exp(), 1e-14), "exp({x})");
            x += 0.0137;
        }
        for &x in &[
            1e-300, 1e-10, 0.3, 0.999, 1.0, 1.5, 2.0, 10.0, 12345.678, 1e300,
        ] {
            assert!(
                (ln(x) - x.ln()).abs() <= 1e-14 * x.ln().abs().max(1.0),
                "ln({x})"
            );
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        let mut t = -20.0;
        while t < 20.0 {
            assert!((sin(t) - t.sin()).abs() < 1e-11, "sin({t})");
            t += 0.01;
        }
    }

    #[test]
    fn normal_table_is_standard() {
        assert!(inv_norm(0.5).abs() < 1e-9);
        assert!((inv_norm(0.975) - 1.959_963_985).abs() < 1e-6);
        assert!((inv_norm(0.001) + 3.090_232_306).abs() < 1e-6);
        let n = Normal::new();
        let mut r = crate::rng::Rng::new(5);
        let (mut s, mut s2) = (0.0, 0.0);
        let k = 200_000;
        for _ in 0..k {
            let z = n.sample(&mut r);
            s += z;
            s2 += z * z;
        }
        let mean = s / k as f64;
        let var = s2 / k as f64 - mean * mean;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");
    }
}
