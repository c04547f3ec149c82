//! Exact latency histograms with bounded memory.
//!
//! Access logs write latencies with a fixed resolution (nginx: milliseconds), so the set
//! of distinct values is small even when the number of requests is huge. Counting each
//! distinct value gives exact nearest-rank percentiles without storing every value:
//! whole-millisecond values go to a dense array indexed by millisecond (fast path for
//! nginx), everything else to a map from microseconds to count. Only if a histogram meets
//! more than [`SPARSE_CAP`] distinct off-grid values are they rounded, all of them, to 10
//! significant bits (0.1% relative error), and the histogram says it is approximate.
//! Rounding all of them, rather than the ones that come after the map is full, keeps the
//! result a function of the values alone: not of their order, nor of how threads split
//! them before their histograms were merged.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Deserializer, Serialize};

/// Distinct off-grid values a histogram holds exactly; with more, all are rounded.
pub const SPARSE_CAP: usize = 1 << 16;

/// `us` rounded down to 10 significant bits: at most 1,024 keys per power of two, so a
/// rounded map stays below [`SPARSE_CAP`] keys over the whole u64 range.
#[inline]
fn coarse(us: u64) -> u64 {
    let shift = (64 - us.leading_zeros()).saturating_sub(10);
    (us >> shift) << shift
}

/// Nearest-rank: the smallest recorded value with at least `ceil(count * q)` values at or
/// below it, where `q = ppm / 1_000_000`. Returns the 1-based rank (at least 1).
#[inline]
pub fn nearest_rank(count: u64, ppm: u32) -> u64 {
    let r = (count as u128 * ppm as u128).div_ceil(1_000_000) as u64;
    r.max(1)
}

/// Values kept inline before bins are allocated: most keys of a group-by table (paths
/// with IDs) see only a few requests, and an inline list costs no allocation.
const SMALL: usize = 8;

/// An exact multiset of latency values (µs): the part of a histogram that answers
/// percentiles. Small on purpose (56 bytes), since group-by tables hold one per key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(try_from = "ValueCountsData")]
pub struct ValueCounts {
    /// The first values while there are at most [`SMALL`], no bins, and each fits u32.
    small: [u32; SMALL],
    small_len: u8,
    bins: Option<Box<Bins>>,
    /// Values recorded.
    n: u64,
    /// Some recorded values were not kept (the owner's memory for bins ran out): the
    /// percentiles are those of the values kept, and approximate.
    lossy: bool,
}

/// What a new bins allocation is charged: the boxed struct and every dense slot it may
/// grow to, so that dense values cost nothing more later.
fn bins_cost(dense_cap_ms: u32) -> usize {
    std::mem::size_of::<Bins>() + dense_cap_ms as usize * 8
}
/// What a new sparse value is charged (key, count and the map's overhead).
const SPARSE_COST: usize = 32;

/// The binned form, boxed so value sets that never need it stay small.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Bins {
    /// `dense[ms]` counts values of exactly `ms * 1000` µs, for `ms` below the owner's
    /// dense cap. Stored as its slots that are not zero (most are: a state keeps many).
    #[serde(with = "dense_form")]
    dense: Vec<u64>,
    sparse: FxHashMap<u64, u64>,
    /// The sparse values are rounded ([`coarse`]).
    approximate: bool,
}

/// How a dense array is stored: its length and its slots that are not zero, as
/// `[index, count]` pairs (a 65,536-slot array of a few hundred latencies is a few KB, not
/// hundreds); a plain array, as states written before were, is read too.
mod dense_form {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// More slots than any dense cap: a longer array in a state is damage.
    const MAX_LEN: usize = 1 << 24;

    #[derive(Serialize, Deserialize)]
    struct Sparse {
        len: usize,
        nonzero: Vec<(u32, u64)>,
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Form {
        Plain(Vec<u64>),
        Sparse(Sparse),
    }

    pub(super) fn serialize<S: Serializer>(dense: &[u64], s: S) -> Result<S::Ok, S::Error> {
        let nonzero = (0u32..)
            .zip(dense)
            .filter(|(_, c)| **c != 0)
            .map(|(i, c)| (i, *c))
            .collect();
        Sparse {
            len: dense.len(),
            nonzero,
        }
        .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
        match Form::deserialize(d)? {
            Form::Plain(v) => Ok(v),
            Form::Sparse(Sparse { len, nonzero }) => {
                if len > MAX_LEN {
                    return Err(D::Error::custom(format!("a dense array of {len} slots")));
                }
                let mut v = vec![0; len];
                for (i, c) in nonzero {
                    match v.get_mut(i as usize) {
                        Some(slot) => *slot = c,
                        None => return Err(D::Error::custom("a dense slot past its array's end")),
                    }
                }
                Ok(v)
            }
        }
    }
}

impl ValueCounts {
    /// Adds one value; whole milliseconds below `dense_cap_ms` get a dense slot once binned.
    #[inline]
    pub fn insert(&mut self, us: u64, dense_cap_ms: u32) {
        self.n += 1;
        match &mut self.bins {
            Some(b) => {
                // The usual value: whole milliseconds whose dense slot is there already
                // (the dense slots never outgrow `dense_cap_ms`).
                if us.is_multiple_of(1000)
                    && let Some(c) = b.dense.get_mut((us / 1000) as usize)
                {
                    *c += 1;
                    return;
                }
                b.insert(us, 1, dense_cap_ms)
            }
            None if (self.small_len as usize) < SMALL && us <= u32::MAX as u64 => {
                self.small[self.small_len as usize] = us as u32;
                self.small_len += 1;
            }
            None => self.bins_mut(dense_cap_ms).insert(us, 1, dense_cap_ms),
        }
    }

    fn small(&self) -> impl Iterator<Item = u64> + '_ {
        self.small[..self.small_len as usize]
            .iter()
            .map(|&v| v as u64)
    }

    /// The bins, created on first use from the inline values.
    fn bins_mut(&mut self, dense_cap_ms: u32) -> &mut Bins {
        // With bins present the inline list is already empty, so taking it is a no-op.
        let len = std::mem::take(&mut self.small_len) as usize;
        let small = self.small;
        self.bins.get_or_insert_with(|| {
            let mut b = Box::<Bins>::default();
            for &v in &small[..len] {
                b.insert(v as u64, 1, dense_cap_ms);
            }
            b
        })
    }

    /// [`ValueCounts::insert`] taking the memory it needs from `left`; a value that would
    /// need more than is left is counted but not kept (see `lossy`).
    // Always inlined, the rest not: the two usual cases (a dense slot that is there, a
    // free inline place) are a few instructions, less than a call.
    #[inline(always)]
    pub fn insert_within(&mut self, us: u64, dense_cap_ms: u32, left: &mut Budget) {
        // A dense slot that is there already costs nothing (see `insert`).
        if let Some(b) = &mut self.bins
            && us.is_multiple_of(1000)
            && let Some(c) = b.dense.get_mut((us / 1000) as usize)
        {
            self.n += 1;
            *c += 1;
            return;
        }
        if self.bins.is_none() && (self.small_len as usize) < SMALL && us <= u32::MAX as u64 {
            self.small[self.small_len as usize] = us as u32;
            self.small_len += 1;
            self.n += 1;
            return;
        }
        self.insert_within_slow(us, dense_cap_ms, left);
    }

    /// [`ValueCounts::insert_within`] past its usual cases.
    #[inline(never)]
    fn insert_within_slow(&mut self, us: u64, dense_cap_ms: u32, left: &mut Budget) {
        if self.bins.is_none() && !left.take_new(bins_cost(dense_cap_ms)) {
            self.n += 1;
            self.lossy = true;
            return;
        }
        self.n += 1;
        let b = self.bins_mut(dense_cap_ms);
        match b.cost(us, dense_cap_ms) {
            0 => b.insert(us, 1, dense_cap_ms),
            c if left.take(c) => b.insert(us, 1, dense_cap_ms),
            _ => self.lossy = true,
        }
    }

    /// [`ValueCounts::merge`] taking the memory it needs from `left`, as
    /// [`ValueCounts::insert_within`] does.
    pub fn merge_within(&mut self, other: &ValueCounts, dense_cap_ms: u32, left: &mut Budget) {
        self.lossy |= other.lossy;
        self.n += other.n;
        let fits_inline = self.bins.is_none()
            && other.bins.is_none()
            && (self.small_len + other.small_len) as usize <= SMALL;
        if fits_inline {
            for v in other.small() {
                self.small[self.small_len as usize] = v as u32;
                self.small_len += 1;
            }
            return;
        }
        if self.bins.is_none() && !left.take_new(bins_cost(dense_cap_ms)) {
            self.lossy = true;
            return;
        }
        let b = self.bins_mut(dense_cap_ms);
        let mut dropped = false;
        for v in other.small() {
            match b.cost(v, dense_cap_ms) {
                0 => b.insert(v, 1, dense_cap_ms),
                c if left.take(c) => b.insert(v, 1, dense_cap_ms),
                _ => dropped = true,
            }
        }
        if let Some(o) = &other.bins {
            // Dense slots were paid for with the bins.
            if o.dense.len() > b.dense.len() {
                b.dense.resize(o.dense.len(), 0);
            }
            for (x, y) in b.dense.iter_mut().zip(&o.dense) {
                *x += y;
            }
            // Rounded values merged into exact ones: all are rounded, as one histogram
            // of all the values would be.
            if o.approximate && !b.approximate {
                b.coarsen();
            }
            for (&k, &v) in &o.sparse {
                if b.sparse.contains_key(&b.key(k)) || left.take(SPARSE_COST) {
                    b.insert_sparse(k, v);
                } else {
                    dropped = true;
                }
            }
        }
        self.lossy |= dropped;
    }

    pub fn merge(&mut self, other: &ValueCounts, dense_cap_ms: u32) {
        self.merge_within(other, dense_cap_ms, &mut Budget::unlimited());
    }

    pub fn len(&self) -> u64 {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    pub fn is_approximate(&self) -> bool {
        self.lossy || self.bins.as_ref().is_some_and(|b| b.approximate)
    }

    /// Distinct values with their counts, ascending.
    fn sorted_values(&self) -> Vec<(u64, u64)> {
        let mut sparse: Vec<(u64, u64)> = self.small().map(|v| (v, 1)).collect();
        let Some(b) = &self.bins else {
            sparse.sort_unstable();
            return sparse;
        };
        sparse.extend(b.sparse.iter().map(|(&k, &v)| (k, v)));
        sparse.sort_unstable();
        let dense = b
            .dense
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(ms, &c)| (ms as u64 * 1000, c));
        // Both sides are sorted; dense values are all below the dense cap, but a sparse
        // value (off the millisecond grid) can fall anywhere, so merge.
        let mut out = Vec::with_capacity(sparse.len() + 64);
        let mut s = sparse.into_iter().peekable();
        for d in dense {
            while let Some(&x) = s.peek() {
                if x.0 < d.0 {
                    out.push(x);
                    s.next();
                } else {
                    break;
                }
            }
            out.push(d);
        }
        out.extend(s);
        out
    }

    /// For each of `thresholds_us` (ascending), how many values are at least it: the
    /// anomaly detector's tail counts (values dropped by a lossy set are not counted).
    pub fn counts_at_least(&self, thresholds_us: &[u64]) -> Vec<u64> {
        let mut out = vec![0; thresholds_us.len()];
        if self.n == 0 {
            return out;
        }
        for (v, c) in self.sorted_values() {
            // Thresholds at or below `v`: a prefix of the ascending list.
            let upto = thresholds_us.partition_point(|&t| t <= v);
            for slot in &mut out[..upto] {
                *slot += c;
            }
        }
        out
    }

    /// Values kept: all recorded unless `lossy`.
    pub fn kept(&self) -> u64 {
        if self.lossy {
            self.sorted_values().iter().map(|v| v.1).sum()
        } else {
            self.n
        }
    }

    /// Nearest-rank quantiles for each `ppm` (parts per million). `None` when empty.
    pub fn quantiles(&self, ppms: &[u32]) -> Option<Vec<u64>> {
        if self.n == 0 {
            return None;
        }
        let values = self.sorted_values();
        // Ranks among the values kept (all of them unless `lossy`).
        let kept: u64 = if self.lossy {
            values.iter().map(|v| v.1).sum()
        } else {
            self.n
        };
        if kept == 0 {
            return None;
        }
        Some(
            ppms.iter()
                .map(|&ppm| {
                    let rank = nearest_rank(kept, ppm);
                    let mut seen = 0;
                    for &(v, c) in &values {
                        seen += c;
                        if seen >= rank {
                            return v;
                        }
                    }
                    values.last().map_or(0, |l| l.0)
                })
                .collect(),
        )
    }
}

/// A latency histogram: exact values plus count, sum and max for the mean and maximum.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExactHistogram {
    values: ValueCounts,
    #[serde(deserialize_with = "dense_cap")]
    dense_cap_ms: u32,
    sum: u128,
    max: u64,
}

impl ExactHistogram {
    /// A histogram with a dense millisecond array of up to `dense_cap_ms` slots (grown on
    /// demand; 0 keeps every value in the map).
    pub fn with_dense_ms(dense_cap_ms: u32) -> Self {
        ExactHistogram {
            dense_cap_ms,
            ..Default::default()
        }
    }

    #[inline]
    pub fn record(&mut self, us: u64) {
        self.sum += us as u128;
        self.max = self.max.max(us);
        self.values.insert(us, self.dense_cap_ms);
    }

    pub fn merge(&mut self, other: &ExactHistogram) {
        self.dense_cap_ms = self.dense_cap_ms.max(other.dense_cap_ms);
        self.values.merge(&other.values, self.dense_cap_ms);
        self.sum += other.sum;
        self.max = self.max.max(other.max);
    }

    pub fn count(&self) -> u64 {
        self.values.len()
    }

    pub fn max(&self) -> Option<u64> {
        (self.count() > 0).then_some(self.max)
    }

    pub fn mean(&self) -> Option<f64> {
        (self.count() > 0).then(|| self.sum as f64 / self.count() as f64)
    }

    pub fn is_approximate(&self) -> bool {
        self.values.is_approximate()
    }

    /// Values kept ([`ValueCounts::kept`]).
    pub fn kept(&self) -> u64 {
        self.values.kept()
    }

    /// For each of `thresholds_us` (ascending), how many kept values are at least it.
    pub fn counts_at_least(&self, thresholds_us: &[u64]) -> Vec<u64> {
        self.values.counts_at_least(thresholds_us)
    }

    /// Nearest-rank quantiles for each `ppm` (parts per million, ascending or not).
    /// `None` when the histogram is empty.
    pub fn quantiles(&self, ppms: &[u32]) -> Option<Vec<u64>> {
        self.values.quantiles(ppms)
    }
}

/// Memory a set of value counts may still take (a group-by table's keys share one).
/// New bins may take it down to the reserve; values of existing bins, to nothing. A key
/// busy enough to need bins usually gets them early, so the reserve keeps the busiest
/// keys exact when a long tail of keys has spent the rest.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Budget {
    left: usize,
    reserve: usize,
}

impl Budget {
    /// `bytes` in all, a half kept for the growth of bins already made.
    pub fn new(bytes: usize) -> Self {
        Budget {
            left: bytes,
            reserve: bytes / 2,
        }
    }

    /// No limit.
    pub fn unlimited() -> Self {
        Budget {
            left: usize::MAX,
            reserve: 0,
        }
    }

    /// Takes `n` bytes for values of existing bins, if that much is left.
    #[inline]
    fn take(&mut self, n: usize) -> bool {
        match self.left.checked_sub(n) {
            Some(l) => {
                self.left = l;
                true
            }
            None => false,
        }
    }

    /// Takes `n` bytes for new bins, if that much is left above the reserve.
    #[inline]
    fn take_new(&mut self, n: usize) -> bool {
        match self.left.checked_sub(n) {
            Some(l) if l >= self.reserve => {
                self.left = l;
                true
            }
            _ => false,
        }
    }
}

/// The largest dense cap any owner uses ([`GLOBAL`](crate::haproxy::GLOBAL_DENSE_MS)):
/// a larger one read from a state file could make a dense array take gigabytes.
pub(crate) const MAX_DENSE_MS: u32 = 1 << 16;

/// A dense cap read from a state file, refused past [`MAX_DENSE_MS`].
pub(crate) fn dense_cap<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let ms = u32::deserialize(d)?;
    if ms > MAX_DENSE_MS {
        return Err(serde::de::Error::custom(format!(
            "dense cap of {ms} ms is past {MAX_DENSE_MS}"
        )));
    }
    Ok(ms)
}

/// [`ValueCounts`] as a state file holds it, checked before it is used: the code relies
/// on an empty inline list once there are bins, and on counts that add up to at most `n`
/// (their sums then cannot overflow).
#[derive(Deserialize)]
struct ValueCountsData {
    small: [u32; SMALL],
    small_len: u8,
    bins: Option<Box<Bins>>,
    n: u64,
    lossy: bool,
}

impl TryFrom<ValueCountsData> for ValueCounts {
    type Error = String;

    fn try_from(d: ValueCountsData) -> Result<Self, String> {
        let small_len = d.small_len as usize;
        if small_len > SMALL || (d.bins.is_some() && small_len > 0) {
            return Err(format!("{small_len} inline latency values"));
        }
        let binned = d.bins.as_ref().map_or(Some(0u64), |b| {
            b.dense
                .iter()
                .chain(b.sparse.values())
                .try_fold(0u64, |a, &c| a.checked_add(c))
        });
        let kept = binned.and_then(|b| b.checked_add(small_len as u64));
        match kept {
            Some(k) if k == d.n || (d.lossy && k <= d.n) => Ok(ValueCounts {
                small: d.small,
                small_len: d.small_len,
                bins: d.bins,
                n: d.n,
                lossy: d.lossy,
            }),
            _ => Err(format!("latency counts that do not add up to {}", d.n)),
        }
    }
}

impl Bins {
    /// The memory recording `us` would add: growing the dense slots to reach it, or a new
    /// sparse entry; 0 when it has a place already.
    #[inline]
    fn cost(&self, us: u64, dense_cap_ms: u32) -> usize {
        // Dense slots were paid for with the bins (see `bins_cost`).
        if us.is_multiple_of(1000) && us / 1000 < dense_cap_ms as u64 {
            return 0;
        }
        // (A rounded map keys a new value by its rounding, which may be new too.)
        if self.sparse.contains_key(&self.key(us)) {
            0
        } else {
            SPARSE_COST
        }
    }

    /// Adds `n` occurrences of `us`.
    #[inline]
    fn insert(&mut self, us: u64, n: u64, dense_cap_ms: u32) {
        if us.is_multiple_of(1000) {
            let ms = us / 1000;
            if ms < dense_cap_ms as u64 {
                let ms = ms as usize;
                if ms >= self.dense.len() {
                    // Grow to the next power of two so repeated growth stays amortised.
                    let len = (ms + 1)
                        .next_power_of_two()
                        .clamp(16, dense_cap_ms as usize);
                    self.dense.resize(len, 0);
                }
                self.dense[ms] += n;
                return;
            }
        }
        self.insert_sparse(us, n);
    }

    fn insert_sparse(&mut self, us: u64, n: u64) {
        *self.sparse.entry(self.key(us)).or_insert(0) += n;
        if self.sparse.len() > SPARSE_CAP && !self.approximate {
            self.coarsen();
        }
    }

    /// The sparse key of `us`: itself, or rounded once the bins are.
    #[inline]
    fn key(&self, us: u64) -> u64 {
        if self.approximate { coarse(us) } else { us }
    }

    /// Rounds every sparse value (see the module documentation); values to come are
    /// rounded as they arrive.
    fn coarsen(&mut self) {
        let exact = std::mem::take(&mut self.sparse);
        for (us, n) in exact {
            *self.sparse.entry(coarse(us)).or_insert(0) += n;
        }
        self.approximate = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_counts_count_the_values_at_or_above_each_threshold() {
        let thresholds = [1_000, 2_000, 4_000, 20_000];
        // Few values (kept inline) and many (binned: dense slots and values off the grid).
        let few = [500, 1_000, 1_500, 2_000, 2_000, 2_000, 10_000];
        let many: Vec<u64> = (0..5_000u64).map(|i| (i * 7) % 30_000 + (i % 3)).collect();
        for values in [few.to_vec(), many] {
            let mut v = ValueCounts::default();
            for &x in &values {
                v.insert(x, 256);
            }
            let want: Vec<u64> = thresholds
                .iter()
                .map(|&t| values.iter().filter(|&&x| x >= t).count() as u64)
                .collect();
            assert_eq!(v.counts_at_least(&thresholds), want);
        }
        assert_eq!(ValueCounts::default().counts_at_least(&thresholds), [0; 4]);
    }

    #[test]
    fn a_dense_array_is_stored_by_its_nonzero_slots_and_read_back_either_way() {
        let mut h = ExactHistogram::with_dense_ms(65_536);
        // Past the inline places, so the values are binned: a few dense slots far apart,
        // one value off the millisecond grid.
        let values = [
            1_000, 2_000, 2_000, 3_000, 40_000_000, 1_500, 7_000, 7_000, 9_000, 60_000,
        ];
        for v in values {
            h.record(v);
        }
        let json = serde_json::to_value(&h).unwrap();
        let text = json.to_string();
        assert!(text.len() < 1_000, "{} bytes", text.len());
        let ppms = [1, 500_000, 900_000, 1_000_000];
        let mut sorted = values;
        let want: Vec<u64> = ppms.iter().map(|&p| naive(&mut sorted, p)).collect();
        let back: ExactHistogram = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back.quantiles(&ppms), Some(want.clone()));
        assert_eq!(serde_json::to_value(&back).unwrap(), json);
        // The plain array states were written with before.
        let sparse = &json["values"]["bins"]["dense"];
        let len = sparse["len"].as_u64().unwrap() as usize;
        let mut plain = vec![0u64; len];
        for pair in sparse["nonzero"].as_array().unwrap() {
            plain[pair[0].as_u64().unwrap() as usize] = pair[1].as_u64().unwrap();
        }
        assert_eq!(plain.iter().sum::<u64>(), 9);
        let mut old = json.clone();
        old["values"]["bins"]["dense"] = serde_json::json!(plain);
        let back: ExactHistogram = serde_json::from_value(old).unwrap();
        assert_eq!(back.quantiles(&ppms), Some(want));
        // A slot past the end, or an array longer than any, is an error, not a panic.
        for bad in [
            serde_json::json!({"len": 2, "nonzero": [[5, 1]]}),
            serde_json::json!({"len": 1u64 << 40, "nonzero": []}),
        ] {
            let mut j = json.clone();
            j["values"]["bins"]["dense"] = bad;
            assert!(serde_json::from_value::<ExactHistogram>(j).is_err());
        }
    }

    fn naive(values: &mut [u64], ppm: u32) -> u64 {
        values.sort_unstable();
        let n = values.len() as u64;
        // rank = ceil(n * ppm / 1e6), computed without the function under test.
        let mut rank = (n * ppm as u64) / 1_000_000;
        if !(n * ppm as u64).is_multiple_of(1_000_000) {
            rank += 1;
        }
        values[(rank.max(1) - 1) as usize]
    }

    /// Values past the memory given are counted, not kept: percentiles are those of the
    /// values kept, and marked approximate.
    #[test]
    fn memory_limit() {
        // Eight values stay inline for free; bins for 16 dense slots cost their size.
        let mut v = ValueCounts::default();
        let mut left = Budget::new(0);
        for ms in 1..=8u64 {
            v.insert_within(ms * 1000, 16, &mut left);
        }
        assert!(!v.is_approximate());
        v.insert_within(9000, 16, &mut left);
        assert!(v.is_approximate());
        assert_eq!(v.len(), 9);
        // The 8 kept: p50 is the 4th, p100 the 8th.
        assert_eq!(
            v.quantiles(&[500_000, 1_000_000]).unwrap(),
            vec![4000, 8000]
        );

        // With room for the bins but not for an off-grid value (no reserve).
        let mut left = Budget {
            left: bins_cost(16),
            reserve: 0,
        };
        let mut w = ValueCounts::default();
        for ms in 1..=10u64 {
            w.insert_within(ms * 1000, 16, &mut left);
        }
        assert_eq!((left.left, w.is_approximate()), (0, false));
        w.insert_within(1500, 16, &mut left);
        assert!(w.is_approximate());
        assert_eq!(w.quantiles(&[1_000_000]).unwrap(), vec![10_000]);

        // Merging into full memory: the other's bins are not taken, and it shows.
        let mut left = Budget::new(0);
        let mut x = ValueCounts::default();
        x.insert(1000, 16);
        let mut big = ValueCounts::default();
        for ms in 1..=12u64 {
            big.insert(ms * 1000, 16);
        }
        x.merge_within(&big, 16, &mut left);
        assert_eq!((x.len(), x.is_approximate()), (13, true));
        // With room, a merge is exact.
        let mut left = Budget::unlimited();
        let mut y = ValueCounts::default();
        y.merge_within(&big, 16, &mut left);
        assert_eq!((y.len(), y.is_approximate()), (12, false));
        assert_eq!(y.quantiles(&[1_000_000]).unwrap(), vec![12_000]);

        // Half the memory is kept for bins that exist: a new key's bins cannot take it,
        // an existing key's values can.
        let mut left = Budget::new(2 * bins_cost(16) + 10 * SPARSE_COST);
        let (mut first, mut second) = (ValueCounts::default(), ValueCounts::default());
        for ms in 1..=9u64 {
            first.insert_within(ms * 1000, 16, &mut left);
        }
        for ms in 1..=9u64 {
            second.insert_within(ms * 1000, 16, &mut left);
        }
        assert_eq!(
            (first.is_approximate(), second.is_approximate()),
            (false, true)
        );
        for k in 0..5u64 {
            first.insert_within(1_000_001 + k, 16, &mut left);
        }
        assert!(!first.is_approximate());
    }

    #[test]
    fn nearest_rank_by_hand() {
        // 10 values: p50 -> 5th, p90 -> 9th, p99 -> 10th, p0 -> 1st.
        assert_eq!(nearest_rank(10, 500_000), 5);
        assert_eq!(nearest_rank(10, 900_000), 9);
        assert_eq!(nearest_rank(10, 990_000), 10);
        assert_eq!(nearest_rank(10, 0), 1);
        assert_eq!(nearest_rank(1000, 999_000), 999);
        assert_eq!(nearest_rank(1001, 999_000), 1000);
    }

    #[test]
    fn small_hand_checked() {
        let mut h = ExactHistogram::with_dense_ms(1024);
        for ms in [5u64, 1, 3, 2, 4, 100, 7, 6, 9, 8] {
            h.record(ms * 1000);
        }
        assert_eq!(
            h.quantiles(&[500_000, 900_000, 990_000]).unwrap(),
            vec![5000, 9000, 100_000]
        );
        assert_eq!(h.max(), Some(100_000));
        assert_eq!(h.mean(), Some(14_500.0));
        assert!(ExactHistogram::default().quantiles(&[500_000]).is_none());
    }

    #[test]
    fn mixed_dense_and_sparse_match_sorting() {
        // Values on and off the millisecond grid, below and above the dense cap.
        let mut state = 12345u64;
        let mut vals = Vec::new();
        let mut h = ExactHistogram::with_dense_ms(64);
        for i in 0..20_000u64 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = state >> 33;
            let v = match i % 3 {
                0 => (r % 200) * 1000,
                1 => r % 150_000,
                _ => (r % 5000) * 1000 + 1,
            };
            vals.push(v);
            h.record(v);
        }
        for ppm in [0, 1, 500_000, 900_000, 990_000, 999_000, 1_000_000] {
            assert_eq!(
                h.quantiles(&[ppm]).unwrap()[0],
                naive(&mut vals, ppm),
                "ppm {ppm}"
            );
        }
        assert!(!h.is_approximate());
    }

    #[test]
    fn merge_equals_single() {
        let mut a = ExactHistogram::with_dense_ms(128);
        let mut b = ExactHistogram::with_dense_ms(128);
        let mut all = ExactHistogram::with_dense_ms(128);
        for v in 0..5000u64 {
            let x = (v * 7919) % 300_000;
            if v % 2 == 0 {
                a.record(x)
            } else {
                b.record(x)
            }
            all.record(x);
        }
        a.merge(&b);
        let q = [500_000, 990_000, 999_000];
        assert_eq!(a.quantiles(&q), all.quantiles(&q));
        assert_eq!(
            (a.count(), a.max(), a.mean()),
            (all.count(), all.max(), all.mean())
        );
    }

    #[test]
    fn merge_small_and_binned_in_every_combination() {
        let q = [0, 500_000, 900_000, 1_000_000];
        for (na, nb) in [
            (3, 4),
            (3, 20),
            (20, 3),
            (20, 20),
            (0, 5),
            (5, 0),
            (600, 20),
            (20, 600),
            (700, 800),
        ] {
            let mut a = ExactHistogram::with_dense_ms(16);
            let mut b = ExactHistogram::with_dense_ms(16);
            let mut all = Vec::new();
            for i in 0..na {
                a.record(i * 3000 + 7);
                all.push(i * 3000 + 7);
            }
            for i in 0..nb {
                b.record(i * 1000);
                all.push(i * 1000);
            }
            a.merge(&b);
            assert_eq!(a.count(), na + nb);
            if all.is_empty() {
                continue;
            }
            for ppm in q {
                assert_eq!(
                    a.quantiles(&[ppm]).unwrap()[0],
                    naive(&mut all, ppm),
                    "{na} {nb} {ppm}"
                );
            }
        }
    }

    #[test]
    fn capped_sparse_is_flagged() {
        let mut h = ExactHistogram::default();
        for v in 0..(SPARSE_CAP as u64 + 10) {
            h.record(v * 7 + 1);
        }
        assert!(h.is_approximate());
        assert_eq!(h.count(), SPARSE_CAP as u64 + 10);
    }

    /// Past the cap every off-grid value is rounded, whatever the order the values came in
    /// and however they were split before merging: the same percentiles as one histogram
    /// of them all, which are the nearest ranks of the rounded values.
    #[test]
    fn rounded_values_do_not_depend_on_order_or_split() {
        // 1.5 times the cap of distinct off-grid values, some repeated; halves of them
        // fit under the cap, so only a merge crosses it.
        let n = SPARSE_CAP as u64 * 3 / 2;
        let values: Vec<u64> = (0..n + 20_000).map(|i| (i % n) * 7_919 + 13).collect();
        let ppms = [1, 500_000, 900_000, 990_000, 999_000, 1_000_000];
        // 10 significant bits kept by masking, not by the shifts under test.
        let round = |x: u64| {
            let bits = 64 - x.leading_zeros();
            if bits > 10 {
                x & !((1u64 << (bits - 10)) - 1)
            } else {
                x
            }
        };
        let mut rounded: Vec<u64> = values.iter().map(|&v| round(v)).collect();
        let want: Vec<u64> = ppms.iter().map(|&p| naive(&mut rounded, p)).collect();

        let one = |vals: &mut dyn Iterator<Item = u64>| {
            let mut h = ExactHistogram::with_dense_ms(64);
            for v in vals {
                h.record(v);
            }
            h
        };
        let forward = one(&mut values.iter().copied());
        let backward = one(&mut values.iter().rev().copied());
        let halves = [0, 1].map(|k| one(&mut values.iter().copied().skip(k).step_by(2)));
        assert!(!halves[0].is_approximate() && !halves[1].is_approximate());
        let [mut first, mut second] = halves.clone();
        first.merge(&halves[1]);
        second.merge(&halves[0]);
        // A rounded histogram merged into an exact one, and the other way round.
        let mut small = one(&mut values.iter().copied().take(1000));
        let rest = one(&mut values.iter().copied().skip(1000));
        assert!(rest.is_approximate() && !small.is_approximate());
        let mut rest_first = rest.clone();
        rest_first.merge(&small);
        small.merge(&rest);
        for h in [&forward, &backward, &first, &second, &small, &rest_first] {
            assert_eq!(h.quantiles(&ppms).unwrap(), want);
            assert!(h.is_approximate());
            assert_eq!(h.count(), values.len() as u64);
            assert_eq!(h.max(), values.iter().max().copied());
        }
    }
}
