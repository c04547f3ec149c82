//! A capped group-by table keyed by borrowed bytes (paths, upstreams, servers).
//!
//! A key is looked up by `&[u8]` and copied only when it is new. Once the table holds
//! `cap` keys, requests for keys not yet in it are counted as untracked instead of growing
//! the table: counts of tracked keys stay exact and the report says the cap was reached.
//! The keys' bytes are capped too: once a new key would take them past the byte cap, the
//! table is full likewise (a few long keys would otherwise take memory the count cap was
//! meant to bound).

use crate::hist::{Budget, ValueCounts};
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

#[derive(Debug, Clone, Default)]
pub struct GroupEntry {
    pub count: u64,
    /// Request latency of this group's requests, where the log has one.
    pub latency: ValueCounts,
}

/// Whole milliseconds below this get a dense slot in a group's bins: most requests are
/// faster, and 256 slots cost only 2 KiB for the groups busy enough to need bins.
const GROUP_DENSE_MS: u32 = 256;

/// Keys up to this long live inside their slot, so a lookup reads the key and updates the
/// counts in adjacent cache lines; longer keys go to the arena.
const INLINE_KEY: usize = 40;

/// A table entry: the key (inline or in the arena), its hash, and the group's aggregates.
#[derive(Debug, Clone)]
struct Slot {
    hash: u64,
    key_len: u32,
    /// Start of the key in the arena, for keys longer than [`INLINE_KEY`].
    key_start: u32,
    key_inline: [u8; INLINE_KEY],
    entry: GroupEntry,
}

/// Memory a table's latency bins may take unless configured otherwise: with the key cap,
/// it bounds the table whatever the input size. Past it, a key's new latency values are
/// no longer kept, and its percentiles are marked approximate (half of it is kept for the
/// keys that already have bins: the busy ones).
pub const DEFAULT_LATENCY_BYTES: usize = 48 << 20;

/// The cap a table gets unless configured otherwise (`--max-paths`).
pub const DEFAULT_CAP: usize = 100_000;

/// The bytes a table's keys may take together unless configured otherwise
/// (`--max-path-bytes`): 335 bytes for each of [`DEFAULT_CAP`] keys.
pub const DEFAULT_KEY_BYTES: usize = 32 << 20;

/// Tables are sized up front for at most this many keys (262,144 buckets, 2 MiB of
/// index); beyond it they grow as usual.
const PRESIZE: usize = DEFAULT_CAP;

#[derive(Debug, Clone)]
pub struct GroupTable {
    /// Open-addressing index into `slots` (8 bytes a bucket: hash tag and index), so
    /// growing it moves indices, not entries.
    table: Index,
    slots: Vec<Slot>,
    /// Bytes of the long keys, back to back: a new key costs an append, not an allocation.
    arena: Vec<u8>,
    cap: usize,
    /// Bytes of every key held (inline or not), and their cap.
    key_bytes: usize,
    key_bytes_cap: usize,
    /// A new key was refused for its bytes: the table takes no more.
    bytes_full: bool,
    untracked: u64,
    /// Memory the keys' latency bins may still take (see [`ValueCounts::insert_within`]).
    latency_budget: Budget,
    /// Keys announced by [`GroupTable::prepare`] and not yet added, oldest first.
    prepared: Prepared,
}

/// A small FIFO of (key address, key length, hash) for keys whose loads were started, so
/// `add` neither hashes twice nor waits on memory.
#[derive(Debug, Clone, Default)]
struct Prepared {
    items: [(usize, usize, u64); PREPARED],
    head: usize,
    len: usize,
}

/// How many keys after its bucket a key's slot is prefetched: by then the bucket is in.
const SLOT_DISTANCE: usize = 8;

/// More than the engine's lookahead needs.
const PREPARED: usize = 32;

impl Prepared {
    fn push(&mut self, key: &[u8], hash: u64) {
        if self.len == PREPARED {
            // Nobody added the oldest: forget it (`add` then hashes again).
            self.head = (self.head + 1) % PREPARED;
            self.len -= 1;
        }
        self.items[(self.head + self.len) % PREPARED] = (key.as_ptr() as usize, key.len(), hash);
        self.len += 1;
    }

    /// The hash of the entry `back` places before the newest, if any.
    fn before_newest(&self, back: usize) -> Option<u64> {
        (self.len > back).then(|| self.items[(self.head + self.len - 1 - back) % PREPARED].2)
    }

    /// The oldest prepared key if it lies inside `hay`, as a slice of `hay`: it saves the
    /// caller from finding the key in `hay` again.
    #[inline]
    fn oldest_within<'h>(&self, hay: &'h [u8]) -> Option<&'h [u8]> {
        if self.len == 0 {
            return None;
        }
        let (ptr, len, _) = self.items[self.head];
        let off = ptr.checked_sub(hay.as_ptr() as usize)?;
        hay.get(off..off.checked_add(len)?)
    }

    /// The hash prepared for exactly this key (same bytes at the same address), taken off
    /// the queue; `None` when `key` is not the oldest prepared one.
    #[inline]
    fn take(&mut self, key: &[u8]) -> Option<u64> {
        if self.len == 0 {
            return None;
        }
        let (ptr, len, hash) = self.items[self.head];
        if ptr != key.as_ptr() as usize || len != key.len() {
            return None;
        }
        self.head = (self.head + 1) % PREPARED;
        self.len -= 1;
        Some(hash)
    }
}

impl GroupTable {
    pub fn new(cap: usize) -> Self {
        // Sized for the cap up front: growing the table would re-read every slot's hash
        // (a cache miss each) at every doubling, and growing the Vec would copy it.
        // Reserved Vec capacity costs no memory until it is used.
        Self::with_presize(cap, cap.min(PRESIZE))
    }

    /// A table of at most `cap` keys, sized up front for `presize` (a table that holds
    /// one chunk's keys starts small).
    pub fn with_presize(cap: usize, presize: usize) -> Self {
        let presize = presize.min(cap).max(1);
        GroupTable {
            table: Index::with_capacity(presize),
            slots: Vec::with_capacity(presize),
            arena: Vec::new(),
            // Indices are u32; no one tracks four billion groups.
            cap: cap.min(u32::MAX as usize),
            key_bytes: 0,
            key_bytes_cap: DEFAULT_KEY_BYTES,
            bytes_full: false,
            untracked: 0,
            latency_budget: Budget::new(DEFAULT_LATENCY_BYTES),
            prepared: Prepared::default(),
        }
    }

    #[inline]
    fn key_of<'t>(arena: &'t [u8], slot: &'t Slot) -> &'t [u8] {
        let len = slot.key_len as usize;
        if len <= INLINE_KEY {
            &slot.key_inline[..len]
        } else {
            let start = slot.key_start as usize;
            &arena[start..start + len]
        }
    }

    /// The entry for `key`, created while there is room; `None` once the table is full (or
    /// the long-key arena would pass 4 GiB).
    #[inline]
    fn entry(&mut self, key: &[u8]) -> Option<usize> {
        let hash = match self.prepared.take(key) {
            Some(h) => h,
            None => FxBuildHasher.hash_one(key),
        };
        self.entry_hashed(key, hash)
    }

    /// Sets how many bytes the keys may take together (`None`: no limit but the arena's
    /// 4 GiB, for a chunk's table, which its lines bound).
    pub fn set_key_bytes(&mut self, bytes: Option<usize>) {
        self.key_bytes_cap = bytes.unwrap_or(usize::MAX);
    }

    /// Sets how much memory the keys' latency bins may take from now on.
    pub fn set_latency_bytes(&mut self, bytes: Option<usize>) {
        self.latency_budget = bytes.map_or(Budget::unlimited(), Budget::new);
    }

    /// Empties the table, keeping its memory for the keys to come (a chunk's table is
    /// reused for the next chunk rather than allocated, and zeroed by the kernel, anew).
    pub fn clear(&mut self) {
        self.table.buckets.fill(0);
        self.table.len = 0;
        self.slots.clear();
        self.arena.clear();
        self.key_bytes = 0;
        self.bytes_full = false;
        self.untracked = 0;
        self.prepared = Prepared::default();
    }

    /// [`GroupTable::entry`] for a key whose hash is known (another table's slot has it).
    fn entry_hashed(&mut self, key: &[u8], hash: u64) -> Option<usize> {
        let (slots, arena) = (&self.slots, &self.arena);
        let found = self.table.find(hash, |i| {
            let s = &slots[i as usize];
            s.hash == hash && Self::key_of(arena, s) == key
        });
        if let Some(i) = found {
            return Some(i as usize);
        }
        if self.slots.len() >= self.cap || self.bytes_full {
            return None;
        }
        if key.len() > self.key_bytes_cap.saturating_sub(self.key_bytes) {
            self.bytes_full = true;
            return None;
        }
        let mut slot = Slot {
            hash,
            key_len: key.len() as u32,
            key_start: 0,
            key_inline: [0; INLINE_KEY],
            entry: GroupEntry::default(),
        };
        if key.len() <= INLINE_KEY {
            slot.key_inline[..key.len()].copy_from_slice(key);
        } else {
            // Arena offsets are u32: a key that would end past 4 GiB is not admitted.
            if self.arena.len() + key.len() > u32::MAX as usize {
                return None;
            }
            slot.key_start = self.arena.len() as u32;
            let need = self.arena.len() + key.len();
            if need > self.arena.capacity() {
                // Doubling, but never past what the byte cap lets the keys take.
                let want = (self.arena.capacity() * 2).clamp(need, self.key_bytes_cap.max(need));
                self.arena.reserve_exact(want - self.arena.len());
            }
            self.arena.extend_from_slice(key);
        }
        self.key_bytes += key.len();
        let i = self.slots.len();
        let slots = &self.slots;
        self.table
            .insert(hash, i as u32, |j| slots[j as usize].hash);
        self.slots.push(slot);
        Some(i)
    }

    /// Announces that `key` will be added soon, after the keys announced before it.
    /// Starts loading its index bucket, and the slot of the key announced just before
    /// (whose bucket is loaded by now), so that `add` finds both in cache. Purely a speed
    /// hint: `add` gives the same result with or without it.
    #[inline]
    pub fn prepare(&mut self, key: &[u8]) {
        let hash = FxBuildHasher.hash_one(key);
        self.table.prefetch(hash);
        self.prepared.push(key, hash);
        if let Some(prev) = self.prepared.before_newest(SLOT_DISTANCE)
            && let Some(i) = self.table.first_candidate(prev)
            && let Some(slot) = self.slots.get(i as usize)
        {
            // A slot spans two cache lines.
            prefetch(slot);
            prefetch(&slot.entry);
        }
    }

    /// The next key to be added, as prepared, if it is a part of `hay` (the text it was
    /// found in): callers use it instead of finding the key again.
    #[inline]
    pub fn prepared_key_in<'h>(&self, hay: &'h [u8]) -> Option<&'h [u8]> {
        self.prepared.oldest_within(hay)
    }

    #[inline]
    pub fn add(&mut self, key: &[u8], latency_us: Option<u64>) {
        match self.entry(key) {
            Some(i) => {
                let e = &mut self.slots[i].entry;
                e.count += 1;
                if let Some(l) = latency_us {
                    e.latency
                        .insert_within(l, GROUP_DENSE_MS, &mut self.latency_budget);
                }
            }
            None => self.untracked += 1,
        }
    }

    /// Every key with its entry, in insertion order.
    fn iter(&self) -> impl Iterator<Item = (&[u8], &GroupEntry)> {
        self.slots
            .iter()
            .map(|s| (Self::key_of(&self.arena, s), &s.entry))
    }

    pub fn merge(&mut self, other: &GroupTable) {
        // Keys in `other`'s insertion order (a chunk's table merged into the run's keeps
        // the order a single reader meets them in). Each key's bucket is fetched a few
        // keys ahead, and its hash is the one `other` stored.
        const AHEAD: usize = 8;
        for (i, s) in other.slots.iter().enumerate() {
            if let Some(ahead) = other.slots.get(i + AHEAD) {
                self.table.prefetch(ahead.hash);
            }
            let (k, theirs) = (Self::key_of(&other.arena, s), &s.entry);
            match self.entry_hashed(k, s.hash) {
                Some(i) => {
                    let mine = &mut self.slots[i].entry;
                    mine.count += theirs.count;
                    mine.latency.merge_within(
                        &theirs.latency,
                        GROUP_DENSE_MS,
                        &mut self.latency_budget,
                    );
                }
                None => self.untracked += theirs.count,
            }
        }
        self.untracked += other.untracked;
        // `other`'s table took no key after it was full: nor does this one, as a single
        // reader's would not.
        self.bytes_full |= other.bytes_full;
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Bytes of the keys held.
    pub fn key_bytes(&self) -> usize {
        self.key_bytes
    }

    /// The cap on [`GroupTable::key_bytes`].
    pub fn key_bytes_cap(&self) -> usize {
        self.key_bytes_cap
    }

    /// Requests whose key arrived after the table was full.
    pub fn untracked(&self) -> u64 {
        self.untracked
    }

    /// The `n` keys with the highest counts; ties in key byte order, so output is stable.
    pub fn top(&self, n: usize) -> Vec<(&[u8], &GroupEntry)> {
        let mut all: Vec<(&[u8], &GroupEntry)> = self.iter().collect();
        let by_rank = |a: &(&[u8], &GroupEntry), b: &(&[u8], &GroupEntry)| {
            b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0))
        };
        if all.len() > n {
            all.select_nth_unstable_by(n, by_rank);
            all.truncate(n);
        }
        all.sort_unstable_by(by_rank);
        all
    }
}

/// Open addressing with linear probing; a bucket packs the top 32 bits of the key's hash
/// and the slot index + 1 (0 is empty), so one load both filters and locates.
#[derive(Debug, Clone)]
struct Index {
    buckets: Vec<u64>,
    mask: usize,
    len: usize,
}

impl Index {
    fn with_capacity(n: usize) -> Self {
        // At most half full: probes stay short.
        let size = (n.max(8) * 2).next_power_of_two();
        Index {
            buckets: vec![0; size],
            mask: size - 1,
            len: 0,
        }
    }

    #[inline]
    fn prefetch(&self, hash: u64) {
        let i = hash as usize & self.mask;
        if let Some(b) = self.buckets.get(i) {
            prefetch(b);
        }
    }

    /// The slot index in the first bucket `hash` probes, if its tag matches.
    #[inline]
    fn first_candidate(&self, hash: u64) -> Option<u32> {
        let b = *self.buckets.get(hash as usize & self.mask)?;
        (b != 0 && b >> 32 == hash >> 32).then(|| (b as u32) - 1)
    }

    #[inline]
    fn find(&self, hash: u64, mut eq: impl FnMut(u32) -> bool) -> Option<u32> {
        let tag = hash >> 32;
        let mut i = hash as usize & self.mask;
        loop {
            let b = self.buckets[i];
            if b == 0 {
                return None;
            }
            if b >> 32 == tag && eq((b as u32) - 1) {
                return Some((b as u32) - 1);
            }
            i = (i + 1) & self.mask;
        }
    }

    fn insert(&mut self, hash: u64, idx: u32, hash_of: impl Fn(u32) -> u64) {
        if (self.len + 1) * 2 > self.buckets.len() {
            let mut bigger = Index::with_capacity(self.buckets.len());
            for &b in &self.buckets {
                if b != 0 {
                    let j = (b as u32) - 1;
                    bigger.put(hash_of(j), j);
                }
            }
            *self = bigger;
        }
        self.put(hash, idx);
    }

    fn put(&mut self, hash: u64, idx: u32) {
        let mut i = hash as usize & self.mask;
        while self.buckets[i] != 0 {
            i = (i + 1) & self.mask;
        }
        self.buckets[i] = (hash >> 32) << 32 | (idx as u64 + 1);
        self.len += 1;
    }
}

/// Asks the CPU to bring `v`'s cache line closer; no effect on what the program computes.
#[inline(always)]
fn prefetch<T>(v: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it reads nothing into the program, never faults
    // (not even on an invalid address), and `v` is a live reference anyway. SSE, which
    // provides it, is part of every x86_64 CPU.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(v as *const T as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = v;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_top_and_cap() {
        let mut t = GroupTable::new(3);
        for k in ["/a", "/b", "/a", "/c", "/d", "/a", "/b", "/d"] {
            t.add(k.as_bytes(), Some(1000));
        }
        // /d arrived when the table already held /a, /b, /c.
        assert_eq!(t.len(), 3);
        assert_eq!(t.untracked(), 2);
        let top: Vec<_> = t
            .top(2)
            .into_iter()
            .map(|(k, e)| (k.to_vec(), e.count))
            .collect();
        assert_eq!(top, vec![(b"/a".to_vec(), 3), (b"/b".to_vec(), 2)]);
        // Ties are broken by key.
        let mut t = GroupTable::new(10);
        for k in ["/z", "/y", "/x"] {
            t.add(k.as_bytes(), None);
        }
        let keys: Vec<_> = t.top(10).into_iter().map(|(k, _)| k.to_vec()).collect();
        assert_eq!(keys, vec![b"/x".to_vec(), b"/y".to_vec(), b"/z".to_vec()]);
    }

    #[test]
    fn long_and_short_keys() {
        let long_a = "/a".repeat(50);
        let long_b = "/b".repeat(50);
        let mut t = GroupTable::new(10);
        for k in [&long_a, "/s", &long_b, &long_a, "/s", &long_a] {
            t.add(k.as_bytes(), None);
        }
        let top: Vec<_> = t
            .top(3)
            .into_iter()
            .map(|(k, e)| (k.to_vec(), e.count))
            .collect();
        assert_eq!(
            top,
            vec![
                (long_a.into_bytes(), 3),
                (b"/s".to_vec(), 2),
                (long_b.into_bytes(), 1)
            ]
        );
    }

    #[test]
    fn index_grows_and_resolves_shared_positions() {
        // Hashes chosen so many share a bucket position and some share the tag too:
        // every index must still be found, before and after the table grows.
        let hash = |i: u32| ((i as u64 % 3) << 32) | (i as u64 % 5);
        let mut ix = Index::with_capacity(4);
        for i in 0..300u32 {
            ix.insert(hash(i), i, hash);
        }
        assert!(ix.buckets.len() >= 600);
        for i in 0..300u32 {
            assert_eq!(ix.find(hash(i), |j| j == i), Some(i));
        }
        assert_eq!(ix.find(hash(7), |_| false), None);
        // Through the table: more keys than the presize, so the index grows.
        let mut t = GroupTable::new(usize::MAX);
        let n = PRESIZE + 5000;
        for i in 0..n {
            t.add(format!("/{i}").as_bytes(), None);
        }
        t.add(b"/42", None);
        assert_eq!(t.len(), n);
        let top = t.top(1);
        assert_eq!((top[0].0, top[0].1.count), (&b"/42"[..], 2));
    }

    #[test]
    fn preparing_changes_nothing() {
        // Keys from a skewed mix, added with `prepare` called 0..40 keys ahead (past the
        // queue's size too, and with keys prepared but never added), in a table that hits
        // its cap: every count must equal a plain table's.
        let mut state = 99u64;
        let text: Vec<u8> = (0..3000)
            .flat_map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                let k = (state >> 33) % 700;
                format!("/k{}\n", k * k % 701).into_bytes()
            })
            .collect();
        let keys: Vec<&[u8]> = text
            .split(|&b| b == b'\n')
            .filter(|k| !k.is_empty())
            .collect();
        let summary = |t: &GroupTable| {
            type Row = (Vec<u8>, u64, Option<Vec<u64>>);
            let top: Vec<Row> = t
                .top(usize::MAX)
                .into_iter()
                .map(|(k, e)| {
                    let q = e.latency.quantiles(&[0, 500_000, 990_000, 1_000_000]);
                    (k.to_vec(), e.count, q)
                })
                .collect();
            (top, t.untracked(), t.len())
        };
        // Whole milliseconds (dense bins) and off-grid values (sparse).
        let latency = |i: usize| Some((i as u64 % 50) * 1000 + i.is_multiple_of(3) as u64);
        let mut plain = GroupTable::new(300);
        for (i, k) in keys.iter().enumerate() {
            plain.add(k, latency(i));
        }
        for ahead in [0usize, 1, 3, 8, 16, 31, 40] {
            let mut t = GroupTable::new(300);
            for k in keys.iter().take(ahead) {
                t.prepare(k);
            }
            for (i, k) in keys.iter().enumerate() {
                if let Some(next) = keys.get(i + ahead) {
                    t.prepare(next);
                }
                // The prepared key is found inside the text it came from, and only there.
                if ahead > 0 && ahead <= PREPARED {
                    assert_eq!(t.prepared_key_in(k), Some(*k));
                }
                assert_eq!(t.prepared_key_in(b"/elsewhere"), None);
                t.add(k, latency(i));
            }
            assert_eq!(summary(&t), summary(&plain), "ahead {ahead}");
        }
    }

    /// 5000 distinct keys of 8 KiB (40 MiB) into a table with room for 100,000 keys: its
    /// default key-byte cap, 32 MiB, holds 4096 of them; requests to the 904 others are
    /// untracked, even to a short key seen after (the table is full), while requests to
    /// keys already held still count.
    #[test]
    fn default_cap_on_key_bytes() {
        let key = |i: usize| {
            let mut k = format!("/{i:05}/").into_bytes();
            k.resize(8192, b'x');
            k
        };
        let mut t = GroupTable::new(DEFAULT_CAP);
        for i in 0..5000 {
            t.add(&key(i), None);
        }
        t.add(b"/short", None);
        t.add(&key(7), None);
        assert_eq!((t.len(), t.untracked()), (4096, 905));
        assert_eq!(t.top(1)[0].1.count, 2);
        assert_eq!(t.key_bytes(), 32 << 20);
        // The arena grew no further than the cap.
        assert!(t.arena.capacity() <= 32 << 20);
    }

    /// Keys fed through uncapped chunk tables merged in order fill a byte-capped table as
    /// adding them to it directly does: 30 + 3 × 20 = 90 bytes of the cap of 100 held,
    /// then a key of 20 does not fit, and the table takes no more, not even `/b`.
    #[test]
    fn byte_cap_through_chunk_merges() {
        let keys: Vec<Vec<u8>> = [30, 20, 20, 20, 20, 2, 30]
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let mut k = vec![b'/', b'a' + i as u8];
                k.resize(n, b'x');
                k
            })
            .collect();
        let capped = || {
            let mut t = GroupTable::new(100);
            t.set_key_bytes(Some(100));
            t
        };
        let mut direct = capped();
        for k in &keys {
            direct.add(k, None);
        }
        let mut merged = capped();
        for part in keys.chunks(3) {
            let mut chunk = GroupTable::new(usize::MAX);
            chunk.set_key_bytes(None);
            for k in part {
                chunk.add(k, None);
            }
            merged.merge(&chunk);
        }
        for t in [&direct, &merged] {
            assert_eq!((t.len(), t.key_bytes(), t.untracked()), (4, 90, 3));
        }
        let mut a = capped();
        a.add(&keys[0], None);
        a.merge(&direct);
        assert_eq!((a.len(), a.top(1)[0].1.count), (4, 2));
    }

    #[test]
    fn merge_respects_cap() {
        let mut a = GroupTable::new(2);
        let mut b = GroupTable::new(2);
        a.add(b"/a", None);
        b.add(b"/a", Some(5000));
        b.add(b"/b", None);
        b.add(b"/c", None);
        a.merge(&b);
        assert_eq!(a.len(), 2);
        assert_eq!(a.untracked(), 1);
        assert_eq!(a.top(1)[0].1.count, 2);
        assert_eq!(a.top(1)[0].1.latency.len(), 1);
    }
}
