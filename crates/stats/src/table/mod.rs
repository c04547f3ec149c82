//! The one capped breakdown table: requests grouped by a [`Dimension`]'s key (a path,
//! a `backend/server` pair, a source, a syslog host), each key's [`Row`] holding its
//! request count, status classes, bytes sent and latency values.
//!
//! A key is looked up by `&[u8]` and copied only when it is new. Once the table holds
//! `cap` keys, requests for keys not yet in it are counted as untracked instead of growing
//! the table: the keys that came first stay, their rows stay exact, and the table says
//! its cap was reached. The keys' bytes are capped too: once a new key would take them
//! past the byte cap, the table is full likewise (a few long keys would otherwise take
//! memory the count cap was meant to bound).

use crate::dimension::Dimension;
use crate::hist::{Budget, ValueCounts};
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Serialize};
use std::hash::BuildHasher;

mod state;

/// What one key's requests gave.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Row {
    pub requests: u64,
    /// Requests per status class: 1xx, 2xx, 3xx, 4xx, 5xx, and any other code
    /// ([`crate::rollup::status_class`]).
    pub classes: [u64; 6],
    /// The sum of the requests' body sizes (saturating).
    pub bytes_sent: u64,
    /// The latency of the requests that logged one (the table's owner says which).
    pub latency: ValueCounts,
}

/// What one request adds to its key's row.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hit {
    /// Its status class ([`crate::rollup::status_class`]: 0 for 1xx … 5 for other codes).
    pub class: usize,
    pub bytes_sent: u64,
    pub latency_us: Option<u64>,
}

impl Row {
    /// Requests with status 4xx.
    pub fn client_errors(&self) -> u64 {
        self.classes[3]
    }

    /// Requests with status 5xx.
    pub fn server_errors(&self) -> u64 {
        self.classes[4]
    }

    /// The 99th percentile of the row's latency, µs (`None` without latencies).
    pub fn p99_us(&self) -> Option<u64> {
        self.latency
            .quantiles(&[crate::aggregate::P99])
            .and_then(|q| q.first().copied())
    }

    // Always inlined: it is most of the work of a request, and a call would cost as much.
    #[inline(always)]
    fn add(&mut self, hit: Hit, dense_ms: u32, budget: &mut Budget) {
        self.requests += 1;
        if let Some(c) = self.classes.get_mut(hit.class) {
            *c += 1;
        }
        self.bytes_sent = self.bytes_sent.saturating_add(hit.bytes_sent);
        if let Some(l) = hit.latency_us {
            self.latency.insert_within(l, dense_ms, budget);
        }
    }

    /// Adds `other`'s requests, keeping every latency value (for a summary's rows, such
    /// as a source's over the tiers of a run).
    pub fn add_row(&mut self, other: &Row) {
        self.merge(other, GROUP_DENSE_MS, &mut Budget::unlimited());
    }

    fn merge(&mut self, other: &Row, dense_ms: u32, budget: &mut Budget) {
        self.requests += other.requests;
        for (a, b) in self.classes.iter_mut().zip(other.classes) {
            *a += b;
        }
        self.bytes_sent = self.bytes_sent.saturating_add(other.bytes_sent);
        self.latency.merge_within(&other.latency, dense_ms, budget);
    }
}

/// Whole milliseconds below this get a dense slot in a key's bins unless the table says
/// otherwise ([`Table::with_dense_ms`]): most requests are faster, and 256 slots cost only
/// 2 KiB for the keys busy enough to need bins.
pub const GROUP_DENSE_MS: u32 = 256;

/// Keys up to this long live inside their slot, so a lookup reads the key and updates the
/// counts in adjacent cache lines; longer keys go to the arena.
const INLINE_KEY: usize = 40;

/// A table entry: the key (inline or in the arena), its hash, and the key's row.
#[derive(Debug, Clone)]
struct Slot {
    hash: u64,
    key_len: u32,
    /// Start of the key in the arena, for keys longer than [`INLINE_KEY`].
    key_start: u32,
    key_inline: [u8; INLINE_KEY],
    entry: Row,
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

/// A capped table of rows by key (see the module documentation).
#[derive(Debug, Clone)]
pub struct Table {
    dimension: Dimension,
    /// Whole milliseconds below this get a dense slot in a row's latency bins.
    dense_ms: u32,
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
    /// Keys announced by [`Table::prepare`] and not yet added, oldest first.
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

impl Table {
    pub fn new(dimension: Dimension, cap: usize) -> Self {
        // Sized for the cap up front: growing the table would re-read every slot's hash
        // (a cache miss each) at every doubling, and growing the Vec would copy it.
        // Reserved Vec capacity costs no memory until it is used.
        Self::with_presize(dimension, cap, cap.min(PRESIZE))
    }

    /// A table of at most `cap` keys, sized up front for `presize` (a table that holds
    /// one chunk's keys starts small).
    pub fn with_presize(dimension: Dimension, cap: usize, presize: usize) -> Self {
        let presize = presize.min(cap).max(1);
        Table {
            dimension,
            dense_ms: GROUP_DENSE_MS,
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

    /// The table with a dense slot for each whole millisecond below `ms` in its rows'
    /// latency bins (a table of few keys can afford more than [`GROUP_DENSE_MS`]).
    pub fn with_dense_ms(mut self, ms: u32) -> Self {
        self.dense_ms = ms;
        self
    }

    /// What the table's keys are.
    pub fn dimension(&self) -> &Dimension {
        &self.dimension
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

    /// The memory left for latency values, for values a caller keeps beside the rows (a
    /// `--by` row's other latencies draw on the same budget as its request time).
    pub fn latency_budget_mut(&mut self) -> &mut Budget {
        &mut self.latency_budget
    }

    /// Whole milliseconds below this get a dense slot in a row's latency bins.
    pub fn dense_ms(&self) -> u32 {
        self.dense_ms
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

    /// [`Table::entry`] for a key whose hash is known (another table's slot has it).
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
        let mut key_start = 0;
        if key.len() > INLINE_KEY {
            // Arena offsets are u32: a key that would end past 4 GiB is not admitted.
            if self.arena.len() + key.len() > u32::MAX as usize {
                return None;
            }
            key_start = self.arena.len() as u32;
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
        // The slot is written in place, the inline key after it: building it first and
        // moving it in would copy its 176 bytes through memcpy.
        self.slots.push(Slot {
            hash,
            key_len: key.len() as u32,
            key_start,
            key_inline: [0; INLINE_KEY],
            entry: Row::default(),
        });
        if let Some(s) = self.slots.last_mut()
            && key.len() <= INLINE_KEY
        {
            s.key_inline[..key.len()].copy_from_slice(key);
        }
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

    /// Counts a request to `key` in its row, or as untracked when the table is full.
    #[inline(always)]
    pub fn add(&mut self, key: &[u8], hit: Hit) {
        match self.entry(key) {
            Some(i) => self.slots[i]
                .entry
                .add(hit, self.dense_ms, &mut self.latency_budget),
            None => self.untracked += 1,
        }
    }

    /// Counts a request to `key` as [`Table::add`] does, giving its row number (`None`:
    /// counted as untracked), so the caller can keep more per row without hashing again.
    #[inline(always)]
    pub fn add_id(&mut self, key: &[u8], hit: Hit) -> Option<usize> {
        let id = self.entry(key);
        match id {
            Some(i) => self.slots[i]
                .entry
                .add(hit, self.dense_ms, &mut self.latency_budget),
            None => self.untracked += 1,
        }
        id
    }

    /// The row of row number `id`.
    pub fn row_at(&self, id: usize) -> Option<&Row> {
        self.slots.get(id).map(|s| &s.entry)
    }

    /// The row number of `key`, its row made while there is room; `None` once the table
    /// is full (nothing is counted: the caller counts the request elsewhere, and says so
    /// with [`Table::count_untracked`]).
    #[inline]
    pub fn row_id(&mut self, key: &[u8]) -> Option<usize> {
        self.entry(key)
    }

    /// The key of row number `id`.
    #[inline]
    pub fn key_at(&self, id: usize) -> Option<&[u8]> {
        self.slots.get(id).map(|s| Self::key_of(&self.arena, s))
    }

    /// Counts a request in row number `id` (from [`Table::row_id`]).
    #[inline(always)]
    pub fn add_at(&mut self, id: usize, hit: Hit) {
        if let Some(s) = self.slots.get_mut(id) {
            s.entry.add(hit, self.dense_ms, &mut self.latency_budget);
        }
    }

    /// Counts `n` requests whose key found no room, counted elsewhere by the caller.
    pub fn count_untracked(&mut self, n: u64) {
        self.untracked += n;
    }

    /// Adds `row` to row number `id` (from [`Table::row_id`]).
    pub fn merge_row_at(&mut self, id: usize, row: &Row) {
        if let Some(s) = self.slots.get_mut(id) {
            s.entry.merge(row, self.dense_ms, &mut self.latency_budget);
        }
    }

    /// The row of `key`, if the table holds it.
    pub fn get(&self, key: &[u8]) -> Option<&Row> {
        let hash = FxBuildHasher.hash_one(key);
        let (slots, arena) = (&self.slots, &self.arena);
        let i = self.table.find(hash, |i| {
            let s = &slots[i as usize];
            s.hash == hash && Self::key_of(arena, s) == key
        })?;
        self.slots.get(i as usize).map(|s| &s.entry)
    }

    /// Every key with its row, in insertion order.
    pub fn rows(&self) -> impl Iterator<Item = (&[u8], &Row)> {
        self.slots
            .iter()
            .map(|s| (Self::key_of(&self.arena, s), &s.entry))
    }

    /// Adds `other`'s rows (see [`Table::merge_spilling`]); the rows of keys that find no
    /// room count as untracked only.
    pub fn merge(&mut self, other: &Table) {
        self.merge_spilling(other, |_| {});
    }

    /// Adds `other`'s rows, key by key in `other`'s insertion order; the row of a key
    /// that finds no room counts as untracked and goes to `spill` (a syslog host's row
    /// then counts in its file's).
    pub fn merge_spilling(&mut self, other: &Table, mut spill: impl FnMut(&Row)) {
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
                    self.slots[i]
                        .entry
                        .merge(theirs, self.dense_ms, &mut self.latency_budget)
                }
                None => {
                    self.untracked += theirs.requests;
                    spill(theirs);
                }
            }
        }
        self.untracked += other.untracked;
        // `other`'s table took no key after it was full: nor does this one, as a single
        // reader's would not.
        self.bytes_full |= other.bytes_full;
    }

    /// Adds `other`'s rows as [`Table::merge_spilling`] does, calling `each` after each of
    /// them with its row number in `other`, its row number here (`None`: no room) and the
    /// budget, so that a caller keeping more per row (by row number) merges it alike.
    pub fn merge_mapped(
        &mut self,
        other: &Table,
        mut each: impl FnMut(usize, Option<usize>, &mut Budget, u32),
    ) {
        // Each key's bucket fetched a few keys ahead, as `merge_spilling` does.
        const AHEAD: usize = 8;
        for (j, s) in other.slots.iter().enumerate() {
            if let Some(ahead) = other.slots.get(j + AHEAD) {
                self.table.prefetch(ahead.hash);
            }
            let (k, theirs) = (Self::key_of(&other.arena, s), &s.entry);
            let mine = self.entry_hashed(k, s.hash);
            match mine {
                Some(i) => {
                    self.slots[i]
                        .entry
                        .merge(theirs, self.dense_ms, &mut self.latency_budget)
                }
                None => self.untracked += theirs.requests,
            }
            each(j, mine, &mut self.latency_budget, self.dense_ms);
        }
        self.untracked += other.untracked;
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

    /// The cap on [`Table::key_bytes`].
    pub fn key_bytes_cap(&self) -> usize {
        self.key_bytes_cap
    }

    /// Requests whose key arrived after the table was full.
    pub fn untracked(&self) -> u64 {
        self.untracked
    }

    /// Whether the table was full when a new key came: some requests are then untracked
    /// (a table exactly full, whose later requests all had keys in it, lost nothing).
    pub fn cap_reached(&self) -> bool {
        self.untracked > 0
    }

    /// The `n` keys with the highest counts; ties in key byte order, so output is stable.
    pub fn top(&self, n: usize) -> Vec<(&[u8], &Row)> {
        let mut all: Vec<(&[u8], &Row)> = self.rows().collect();
        let by_rank = |a: &(&[u8], &Row), b: &(&[u8], &Row)| {
            b.1.requests.cmp(&a.1.requests).then_with(|| a.0.cmp(b.0))
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

    /// A request of status 200 and no size, with this latency.
    fn lat(latency_us: Option<u64>) -> Hit {
        Hit {
            class: 1,
            bytes_sent: 0,
            latency_us,
        }
    }

    #[test]
    fn counts_top_and_cap() {
        let mut t = Table::new(Dimension::Path, 3);
        for k in ["/a", "/b", "/a", "/c", "/d", "/a", "/b", "/d"] {
            t.add(k.as_bytes(), lat(Some(1000)));
        }
        // /d arrived when the table already held /a, /b, /c.
        assert_eq!(t.len(), 3);
        assert_eq!(t.untracked(), 2);
        let top: Vec<_> = t
            .top(2)
            .into_iter()
            .map(|(k, e)| (k.to_vec(), e.requests))
            .collect();
        assert_eq!(top, vec![(b"/a".to_vec(), 3), (b"/b".to_vec(), 2)]);
        // Ties are broken by key.
        let mut t = Table::new(Dimension::Path, 10);
        for k in ["/z", "/y", "/x"] {
            t.add(k.as_bytes(), lat(None));
        }
        let keys: Vec<_> = t.top(10).into_iter().map(|(k, _)| k.to_vec()).collect();
        assert_eq!(keys, vec![b"/x".to_vec(), b"/y".to_vec(), b"/z".to_vec()]);
    }

    #[test]
    fn long_and_short_keys() {
        let long_a = "/a".repeat(50);
        let long_b = "/b".repeat(50);
        let mut t = Table::new(Dimension::Path, 10);
        for k in [&long_a, "/s", &long_b, &long_a, "/s", &long_a] {
            t.add(k.as_bytes(), lat(None));
        }
        let top: Vec<_> = t
            .top(3)
            .into_iter()
            .map(|(k, e)| (k.to_vec(), e.requests))
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
    }

    #[test]
    fn a_table_grows_past_its_presize() {
        // More keys than the presize, so the index grows.
        let mut t = Table::new(Dimension::Path, usize::MAX);
        let n = PRESIZE + 5000;
        for i in 0..n {
            t.add(format!("/{i}").as_bytes(), lat(None));
        }
        t.add(b"/42", lat(None));
        assert_eq!(t.len(), n);
        let top = t.top(1);
        assert_eq!((top[0].0, top[0].1.requests), (&b"/42"[..], 2));
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
        let summary = |t: &Table| {
            type Row = (Vec<u8>, u64, Option<Vec<u64>>);
            let top: Vec<Row> = t
                .top(usize::MAX)
                .into_iter()
                .map(|(k, e)| {
                    let q = e.latency.quantiles(&[0, 500_000, 990_000, 1_000_000]);
                    (k.to_vec(), e.requests, q)
                })
                .collect();
            (top, t.untracked(), t.len())
        };
        // Whole milliseconds (dense bins) and off-grid values (sparse).
        let latency = |i: usize| Some((i as u64 % 50) * 1000 + i.is_multiple_of(3) as u64);
        let mut plain = Table::new(Dimension::Path, 300);
        for (i, k) in keys.iter().enumerate() {
            plain.add(k, lat(latency(i)));
        }
        for ahead in [0usize, 1, 3, 8, 16, 31, 40] {
            let mut t = Table::new(Dimension::Path, 300);
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
                t.add(k, lat(latency(i)));
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
        let mut t = Table::new(Dimension::Path, DEFAULT_CAP);
        for i in 0..5000 {
            t.add(&key(i), lat(None));
        }
        t.add(b"/short", lat(None));
        t.add(&key(7), lat(None));
        assert_eq!((t.len(), t.untracked()), (4096, 905));
        assert_eq!(t.top(1)[0].1.requests, 2);
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
            let mut t = Table::new(Dimension::Path, 100);
            t.set_key_bytes(Some(100));
            t
        };
        let mut direct = capped();
        for k in &keys {
            direct.add(k, lat(None));
        }
        let mut merged = capped();
        for part in keys.chunks(3) {
            let mut chunk = Table::new(Dimension::Path, usize::MAX);
            chunk.set_key_bytes(None);
            for k in part {
                chunk.add(k, lat(None));
            }
            merged.merge(&chunk);
        }
        for t in [&direct, &merged] {
            assert_eq!((t.len(), t.key_bytes(), t.untracked()), (4, 90, 3));
        }
        let mut a = capped();
        a.add(&keys[0], lat(None));
        a.merge(&direct);
        assert_eq!((a.len(), a.top(1)[0].1.requests), (4, 2));
    }

    /// Each row counts its requests, status classes, bytes and latency; the key that
    /// came after the cap is counted as untracked, and the table says its cap was reached.
    #[test]
    fn rows_hold_classes_bytes_and_latency() {
        let h = |class, bytes_sent, ms: Option<u64>| Hit {
            class,
            bytes_sent,
            latency_us: ms.map(|m| m * 1000),
        };
        let mut t = Table::new(Dimension::Server, 2);
        t.add(b"be/a", h(1, 100, Some(5)));
        t.add(b"be/b", h(4, 20, None));
        assert!(!t.cap_reached(), "full, but nothing lost yet");
        t.add(b"be/a", h(3, 7, Some(9)));
        t.add(b"be/c", h(1, 1000, Some(1)));
        t.add(b"be/a", h(5, u64::MAX, Some(2)));
        assert_eq!(t.dimension(), &Dimension::Server);
        assert!(t.cap_reached());
        assert_eq!((t.len(), t.untracked()), (2, 1));
        let a = t.get(b"be/a").unwrap();
        assert_eq!((a.requests, a.classes), (3, [0, 1, 0, 1, 0, 1]));
        // 100 + 7 + u64::MAX saturates.
        assert_eq!(a.bytes_sent, u64::MAX);
        assert_eq!((a.client_errors(), a.server_errors()), (1, 0));
        // Latencies 5, 9, 2 ms: the p99 is the 3rd of 3.
        assert_eq!((a.latency.len(), a.p99_us()), (3, Some(9000)));
        let b = t.get(b"be/b").unwrap();
        assert_eq!(
            (b.requests, b.classes, b.bytes_sent),
            (1, [0, 0, 0, 0, 1, 0], 20)
        );
        assert_eq!((b.server_errors(), b.p99_us()), (1, None));
        assert!(t.get(b"be/c").is_none());
        let keys: Vec<_> = t.rows().map(|(k, r)| (k.to_vec(), r.requests)).collect();
        assert_eq!(keys, vec![(b"be/a".to_vec(), 3), (b"be/b".to_vec(), 1)]);
    }

    /// Rows of keys that find no room in a merge go to the caller, in the other table's
    /// order, and count as untracked.
    #[test]
    fn merge_spills_rows_without_room() {
        let mut a = Table::new(Dimension::Host, 1);
        a.add(b"x", lat(None));
        let mut b = Table::new(Dimension::Host, 10);
        for k in [b"y", b"x", b"y", b"z"] {
            b.add(k, lat(Some(3000)));
        }
        let mut spilled = Vec::new();
        a.merge_spilling(&b, |r| spilled.push((r.requests, r.latency.len())));
        assert_eq!(spilled, vec![(2, 2), (1, 1)]);
        assert_eq!((a.untracked(), a.get(b"x").unwrap().requests), (3, 2));
        // Row numbers: made while there is room, and rows added to by number.
        let mut c = Table::new(Dimension::Source, 2);
        assert_eq!(
            (c.row_id(b"0"), c.row_id(b"1"), c.row_id(b"0")),
            (Some(0), Some(1), Some(0))
        );
        assert_eq!(c.row_id(b"2"), None);
        c.add_at(1, lat(Some(1000)));
        c.merge_row_at(1, a.get(b"x").unwrap());
        assert_eq!(
            (c.key_at(1), c.get(b"1").unwrap().requests),
            (Some(&b"1"[..]), 3)
        );
        assert_eq!((c.untracked(), c.key_at(2)), (0, None));
    }

    #[test]
    fn merge_respects_cap() {
        let mut a = Table::new(Dimension::Path, 2);
        let mut b = Table::new(Dimension::Path, 2);
        a.add(b"/a", lat(None));
        b.add(b"/a", lat(Some(5000)));
        b.add(b"/b", lat(None));
        b.add(b"/c", lat(None));
        a.merge(&b);
        assert_eq!(a.len(), 2);
        assert_eq!(a.untracked(), 1);
        assert_eq!(a.top(1)[0].1.requests, 2);
        assert_eq!(a.top(1)[0].1.latency.len(), 1);
    }
}
