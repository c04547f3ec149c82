//! Contributor cells: per row of the path, HAProxy server and source (or syslog host)
//! tables, per bucket of the series' grid, the requests, 5xx and request time of that
//! row in that bucket. The anomaly detector names what explains an anomaly with them
//! ([`Aggregate::contributions`]; the engine folds paths into endpoints).
//!
//! Hot path: no hashing of its own. The tables give the request's row number
//! ([`Table::add_id`], [`Table::row_id`]), each row keeps its cells sorted by bucket, and
//! the bucket a request lands in is most often its row's last cell (lines come in time
//! order), so a request costs a bounds check, a comparison and four additions. A chunk's
//! cells are kept by the chunk tables' row numbers and follow them through
//! [`Table::merge_mapped`] into the source's tables (in input order), as aggregates'
//! cells follow their tables when aggregates merge: the same cells whatever the threads.
//! The engine merges a chunk's path cells with its endpoint rules
//! ([`Aggregate::merge_chunk_tables_folding`]): each path's go to the first row of its
//! endpoint, so a source keeps a cell per endpoint and bucket, not per path.
//!
//! Width: `--bucket`'s when given, else [`FINE_WIDTH`] (1 minute), on the series' grid
//! (the same shift); [`Aggregate::contributions`] merges them into the anomaly series'
//! width (wider over runs longer than a week). Memory: at most [`MAX_CELLS`] cells per
//! dimension in an aggregate (32 bytes each); past it, a request that needs a new cell is
//! counted as untracked in its dimension (a chunk's own cells are bounded by its lines).

use super::Aggregate;
use super::canon::{Canon, Fold};
use super::series::FINE_WIDTH;
use crate::contrib::{Cell, ContribDimension, Contributions, KeyCells};
use crate::escape_bytes;
use crate::table::Table;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Cells an aggregate keeps per dimension (64 MiB at most each): a day of 1-minute
/// cells for 1,400 busy keys, and far more keys of rare requests (a cell is made only
/// for a bucket its key had requests in).
pub const MAX_CELLS: usize = 2_000_000;

/// One cell as kept: (bucket number on the cells' grid, requests, 5xx, requests with a
/// latency, their latency sum in µs). A bucket's counts of one key fit 32 bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Slot(i64, u32, u32, u32, u64);

impl Slot {
    /// One request: a 5xx or not, with its latency if any.
    #[inline(always)]
    pub(crate) fn request(status_5xx: bool, latency_us: Option<u64>) -> Slot {
        Slot(
            0,
            1,
            u32::from(status_5xx),
            u32::from(latency_us.is_some()),
            latency_us.unwrap_or(0),
        )
    }

    #[inline(always)]
    fn add(&mut self, o: &Slot) {
        self.1 = self.1.saturating_add(o.1);
        self.2 = self.2.saturating_add(o.2);
        self.3 = self.3.saturating_add(o.3);
        self.4 = self.4.saturating_add(o.4);
    }

    fn cell(&self) -> Cell {
        Cell {
            requests: u64::from(self.1),
            status_5xx: u64::from(self.2),
            latency_count: u64::from(self.3),
            latency_sum_us: self.4,
        }
    }
}

/// The requests of `cells`.
fn requests(cells: &[Slot]) -> u64 {
    cells.iter().map(|c| u64::from(c.1)).sum()
}

/// A key's cells as they are gathered, and how many there were at their last sum.
type Summing = (Vec<(i64, Cell)>, usize);

/// `cells` sorted by bucket, the cells of one bucket summed into one.
fn sum_by_bucket(cells: &mut Vec<(i64, Cell)>) {
    cells.sort_by_key(|e| e.0);
    let mut kept = 0;
    for i in 0..cells.len() {
        let (t, cell) = cells[i];
        if kept > 0 && cells[kept - 1].0 == t {
            cells[kept - 1].1.add(&cell);
        } else {
            cells[kept] = (t, cell);
            kept += 1;
        }
    }
    cells.truncate(kept);
}

/// `cells` (ascending) at a grid `ratio` times coarser: adjacent cells merged.
fn coarsened(cells: &[Slot], ratio: i64) -> Vec<Slot> {
    let mut out: Vec<Slot> = Vec::with_capacity(cells.len());
    for c in cells {
        let b = c.0.div_euclid(ratio);
        match out.last_mut() {
            Some(last) if last.0 == b => last.add(c),
            _ => out.push(Slot(b, c.1, c.2, c.3, c.4)),
        }
    }
    out
}

/// One table's cells, by its row numbers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RowCells {
    /// Each row's cells, ascending by bucket, one per bucket.
    rows: Vec<Vec<Slot>>,
    /// Cells that may still be made (`usize::MAX`: a chunk's, unbounded).
    left: usize,
    /// Requests counted in no cell: their key had no row, or no cell could be made.
    untracked: u64,
}

impl RowCells {
    fn bounded() -> RowCells {
        RowCells {
            rows: Vec::new(),
            left: MAX_CELLS,
            untracked: 0,
        }
    }

    fn unbounded() -> RowCells {
        RowCells {
            left: usize::MAX,
            ..RowCells::bounded()
        }
    }

    fn is_empty(&self) -> bool {
        self.untracked == 0 && self.rows.iter().all(Vec::is_empty)
    }

    /// Empties the cells, keeping each row's memory (a chunk's, for the next chunk).
    fn clear(&mut self) {
        self.rows.iter_mut().for_each(Vec::clear);
        self.untracked = 0;
    }

    /// Counts `one` (its bucket set) in row `row`.
    #[inline(always)]
    fn add(&mut self, row: usize, one: &Slot) {
        if let Some(cells) = self.rows.get_mut(row)
            && let Some(last) = cells.last_mut()
            && last.0 == one.0
        {
            last.add(one);
            return;
        }
        self.add_new(row, one);
    }

    /// [`RowCells::add`] to a bucket other than the row's last: found or made.
    #[inline(never)]
    fn add_new(&mut self, row: usize, one: &Slot) {
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.rows[row];
        match cells.binary_search_by_key(&one.0, |c| c.0) {
            Ok(i) => cells[i].add(one),
            Err(_) if self.left == 0 => self.untracked += u64::from(one.1),
            Err(i) => {
                self.left -= 1;
                cells.insert(i, *one);
            }
        }
    }

    /// Adds `theirs` (another table's row's cells, on the same grid) to row `mine`
    /// (`None`: the key found no room, its requests untracked).
    fn merge_row(&mut self, mine: Option<usize>, theirs: &[Slot]) {
        let Some(i) = mine else {
            self.untracked += requests(theirs);
            return;
        };
        if theirs.is_empty() {
            return;
        }
        if self.rows.len() <= i {
            self.rows.resize_with(i + 1, Vec::new);
        }
        let RowCells {
            rows,
            left,
            untracked,
        } = self;
        let row = &mut rows[i];
        // In place: most of theirs come at or after the row's last cell (a chunk after
        // the one before), a late one is found by binary search. Copying the row instead
        // would cost a busy key's whole row at every chunk.
        for y in theirs {
            let at = match row.last_mut() {
                Some(l) if l.0 == y.0 => {
                    l.add(y);
                    continue;
                }
                Some(l) if l.0 > y.0 => match row.binary_search_by_key(&y.0, |c| c.0) {
                    Ok(k) => {
                        row[k].add(y);
                        continue;
                    }
                    Err(k) => k,
                },
                _ => row.len(),
            };
            if *left == 0 {
                *untracked += u64::from(y.1);
            } else {
                *left -= 1;
                row.insert(at, *y);
            }
        }
    }

    /// Row `j`'s cells.
    fn row(&self, j: usize) -> &[Slot] {
        self.rows.get(j).map_or(&[], Vec::as_slice)
    }

    /// The cells at a grid `ratio` times coarser (the room freed given back).
    fn coarsen(&mut self, ratio: i64) {
        for row in &mut self.rows {
            let before = row.len();
            *row = coarsened(row, ratio);
            if self.left != usize::MAX {
                self.left += before - row.len();
            }
        }
    }

    /// Whether the stored cells are well formed: at most `table_rows` rows, buckets
    /// strictly ascending, and no more cells than the budget lets be.
    fn is_valid(&self, table_rows: usize) -> bool {
        let cells: usize = self.rows.iter().map(Vec::len).sum();
        self.rows.len() <= table_rows
            && self
                .rows
                .iter()
                .all(|r| r.windows(2).all(|w| w[0].0 < w[1].0))
            && (self.left == usize::MAX || cells.saturating_add(self.left) <= MAX_CELLS)
    }
}

/// The cells of the tables a chunk fills (paths, servers, hosts), handed over with them
/// in [`super::ChunkTables`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TableCells {
    paths: RowCells,
    servers: RowCells,
    hosts: RowCells,
}

impl TableCells {
    fn new(row: fn() -> RowCells) -> TableCells {
        TableCells {
            paths: row(),
            servers: row(),
            hosts: row(),
        }
    }

    /// A chunk's: unbounded (its lines bound them).
    pub(crate) fn for_chunk() -> TableCells {
        TableCells::new(RowCells::unbounded)
    }

    pub(crate) fn clear(&mut self) {
        self.paths.clear();
        self.servers.clear();
        self.hosts.clear();
    }
}

/// The cells of an aggregate (see the module documentation).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Cells {
    /// The bucket width (seconds) and the grid's shift (the series').
    width: u32,
    shift: u32,
    tables: TableCells,
    sources: RowCells,
    /// The UTC seconds `[lo, hi)` of the bucket last hit, and its number.
    #[serde(skip, default = "no_bucket")]
    last: (i64, i64, i64),
    /// The row each path row's cells go to when chunks merge with a fold (see
    /// [`Aggregate::merge_chunk_tables_folding`]): rebuilt as chunks come, not stored.
    #[serde(skip)]
    canon: Canon,
}

fn no_bucket() -> (i64, i64, i64) {
    (1, 0, 0)
}

/// Where a request's cells go in one dimension: `None` (no key: not an HAProxy line, no
/// path), `Some(None)` (its key had no row: untracked), or its row.
pub(crate) type Place = Option<Option<usize>>;

impl Cells {
    /// Cells `width` seconds wide on a grid shifted by `shift`; `chunked`: the tables
    /// the aggregate fills first are a chunk's (unbounded cells).
    pub(crate) fn new(width: u32, shift: u32, chunked: bool) -> Cells {
        Cells {
            width: width.max(1),
            shift,
            tables: match chunked {
                true => TableCells::for_chunk(),
                false => TableCells::new(RowCells::bounded),
            },
            sources: RowCells::bounded(),
            last: no_bucket(),
            canon: Canon::default(),
        }
    }

    /// Whether an aggregate's cells are absent or hold nothing (not stored then).
    pub(crate) fn none_or_empty(c: &Option<Box<Cells>>) -> bool {
        c.as_ref().is_none_or(|c| c.is_empty())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.tables.paths.is_empty()
            && self.tables.servers.is_empty()
            && self.tables.hosts.is_empty()
            && self.sources.is_empty()
    }

    /// Counts a request of UTC second `second` in its rows: path, server, and host
    /// (`Some`) or else source row `source`.
    #[inline]
    pub(crate) fn add(
        &mut self,
        second: i64,
        path: Place,
        server: Place,
        host: Option<usize>,
        source: usize,
        mut one: Slot,
    ) {
        let (lo, hi, _) = self.last;
        if second < lo || second >= hi {
            self.switch_to(second);
        }
        one.0 = self.last.2;
        let t = &mut self.tables;
        for (cells, place) in [(&mut t.paths, path), (&mut t.servers, server)] {
            match place {
                Some(Some(row)) => cells.add(row, &one),
                Some(None) => cells.untracked += 1,
                None => {}
            }
        }
        match host {
            Some(row) => t.hosts.add(row, &one),
            None => self.sources.add(source, &one),
        }
    }

    #[inline(never)]
    fn switch_to(&mut self, second: i64) {
        let (w, shift) = (i64::from(self.width), i64::from(self.shift));
        let idx = (second + shift).div_euclid(w);
        let lo = idx * w - shift;
        self.last = (lo, lo + w, idx);
    }

    /// Swaps the table cells with `other` (a chunk's, with its tables).
    pub(crate) fn swap_tables(&mut self, other: &mut TableCells) {
        std::mem::swap(&mut self.tables, other);
    }

    /// Merges the cells into a grid `w` wide (a multiple of the current width).
    fn coarsen_to(&mut self, w: u32) {
        if w <= self.width {
            return;
        }
        let ratio = i64::from(w / self.width);
        for r in [
            &mut self.tables.paths,
            &mut self.tables.servers,
            &mut self.tables.hosts,
            &mut self.sources,
        ] {
            r.coarsen(ratio);
        }
        self.width = w;
        self.last = no_bucket();
    }
}

/// `theirs` on a grid `ratio` times coarser when `ratio > 1`.
fn at_ratio(theirs: &[Slot], ratio: i64) -> std::borrow::Cow<'_, [Slot]> {
    match ratio > 1 {
        true => std::borrow::Cow::Owned(coarsened(theirs, ratio)),
        false => std::borrow::Cow::Borrowed(theirs),
    }
}

/// Where a row without room goes, with its cells (a syslog host's: its file's row).
type Spill<'a> = dyn FnMut(&crate::table::Row, &[Slot]) + 'a;

/// Adds `other`'s rows to `table` and `other_cells`' cells to `cells` by the row map
/// [`Table::merge_mapped`] gives; a row without room here goes to `spill` (with its
/// cells) when given, else counts as untracked.
fn merge_table(
    table: &mut Table,
    cells: &mut RowCells,
    other: &Table,
    other_cells: Option<&RowCells>,
    ratio: i64,
    mut spill: Option<&mut Spill<'_>>,
) {
    table.merge_mapped(other, |j, mine, _, _| {
        let theirs = other_cells.map_or(&[][..], |c| c.row(j));
        let theirs = at_ratio(theirs, ratio);
        match (mine, other.row_at(j), &mut spill) {
            (None, Some(row), Some(spill)) => spill(row, &theirs),
            _ => cells.merge_row(mine, &theirs),
        }
    });
    if let Some(c) = other_cells {
        cells.untracked += c.untracked;
    }
}

impl Aggregate {
    /// Gives the aggregate contributor cells `width` seconds wide on a grid shifted by
    /// `shift` (with its series), when it looks for anomalies (not with
    /// `--no-anomalies`, nor when it only counts requests): they cost time.
    pub(super) fn set_cells(&mut self, width: u32, shift: u32) {
        if !self.cfg.requests_only && self.cfg.anomalies.is_some() {
            self.cells = Some(Box::new(Cells::new(width, shift, self.chunked)));
        }
    }

    /// The cells' width for a series asked `width_s` wide (`None`: the default).
    pub(super) fn cells_width(width_s: Option<u32>) -> u32 {
        width_s.unwrap_or(FINE_WIDTH)
    }

    /// Adds a chunk's tables (and cells) to this aggregate's, a host without room going
    /// to the current source's row (see [`Aggregate::merge_chunk_tables`]).
    /// With `fold`, each path's cells go to the first row of its endpoint (canon.rs).
    pub(super) fn merge_chunk_tables_cells(
        &mut self,
        t: &super::ChunkTables,
        fold: Option<&mut Fold<'_>>,
    ) {
        let Some(c) = &mut self.cells else {
            return;
        };
        let tc = &t.cells;
        let t_ = &mut c.tables;
        match fold {
            None => merge_table(
                &mut self.paths,
                &mut t_.paths,
                &t.paths,
                Some(&tc.paths),
                1,
                None,
            ),
            Some(fold) => {
                let (canon, cells) = (&mut c.canon, &mut t_.paths);
                canon.seed(&self.paths, |row| !cells.row(row).is_empty(), fold);
                self.paths.merge_mapped(&t.paths, |j, mine, _, _| {
                    let key = t.paths.key_at(j).unwrap_or_default();
                    let at = mine.map(|i| canon.row_of(i, key, fold));
                    cells.merge_row(at, tc.paths.row(j));
                });
                cells.untracked += tc.paths.untracked;
            }
        }
        merge_table(
            &mut self.servers,
            &mut t_.servers,
            &t.servers,
            Some(&tc.servers),
            1,
            None,
        );
        let row = self.source_row;
        let (sources, source_cells) = (&mut self.sources, &mut c.sources);
        merge_table(
            &mut self.hosts,
            &mut t_.hosts,
            &t.hosts,
            Some(&tc.hosts),
            1,
            Some(&mut |r, cells| {
                sources.merge_row_at(row, r);
                source_cells.merge_row(Some(row), cells);
            }),
        );
    }

    /// Adds `other`'s path, server, source and host tables with their cells (see
    /// [`Aggregate::merge`]): `other`'s hosts without room here go to its source's row.
    /// An aggregate without cells has its requests untracked in the other's.
    pub(super) fn merge_tables_cells(&mut self, other: &Aggregate) {
        let cells = match (&mut self.cells, &other.cells) {
            (Some(c), _) => c,
            (None, Some(o)) => self
                .cells
                .insert(Box::new(Cells::new(o.width, o.shift, false))),
            (None, None) => return,
        };
        let ratio = match &other.cells {
            Some(o) => {
                let w = cells.width.max(o.width);
                cells.coarsen_to(w);
                i64::from(w / o.width)
            }
            None => {
                // Requests of an aggregate without cells (a state saved before them).
                let all = |t: &Table| t.rows().map(|r| r.1.requests).sum::<u64>() + t.untracked();
                cells.tables.paths.untracked += all(&other.paths);
                cells.tables.servers.untracked += all(&other.servers);
                cells.sources.untracked += other.requests;
                1
            }
        };
        let oc = other.cells.as_deref();
        let t = &mut cells.tables;
        merge_table(
            &mut self.paths,
            &mut t.paths,
            &other.paths,
            oc.map(|c| &c.tables.paths),
            ratio,
            None,
        );
        merge_table(
            &mut self.servers,
            &mut t.servers,
            &other.servers,
            oc.map(|c| &c.tables.servers),
            ratio,
            None,
        );
        merge_table(
            &mut self.sources,
            &mut cells.sources,
            &other.sources,
            oc.map(|c| &c.sources),
            ratio,
            None,
        );
        let spill_row = self.sources.row_id(&super::source_key(other.source));
        let (sources, source_cells) = (&mut self.sources, &mut cells.sources);
        merge_table(
            &mut self.hosts,
            &mut t.hosts,
            &other.hosts,
            oc.map(|c| &c.tables.hosts),
            ratio,
            Some(&mut |r, c| {
                if let Some(row) = spill_row {
                    sources.merge_row_at(row, r);
                }
                source_cells.merge_row(spill_row, c);
            }),
        );
    }

    /// The source cells renumbered as the sources table was: row `j` of `old` is now
    /// row `to[j]`.
    pub(super) fn renumber_source_cells(&mut self, to: &[Option<usize>]) {
        if let Some(c) = &mut self.cells {
            let old = std::mem::replace(&mut c.sources, RowCells::bounded());
            for (j, &mine) in to.iter().enumerate() {
                c.sources.merge_row(mine, old.row(j));
            }
            c.sources.untracked += old.untracked;
        }
    }

    /// Whether the stored cells fit the stored tables (see [`RowCells::is_valid`]).
    pub(super) fn cells_valid(&self) -> bool {
        self.cells.as_ref().is_none_or(|c| {
            crate::aggregate::series::WIDTHS.contains(&c.width)
                && c.shift < 3600
                && c.tables.paths.is_valid(self.paths.len())
                && c.tables.servers.is_valid(self.servers.len())
                && c.tables.hosts.is_valid(self.hosts.len())
                && c.sources.is_valid(self.sources.len())
        })
    }

    /// The contributor cells by dimension, on the anomaly series' grid
    /// ([`Aggregate::anomaly_series`] asked for the cells' width: `--bucket`'s, else
    /// 1 minute): `endpoint` (the path table's rows folded by `fold`, as
    /// [`Aggregate::top_endpoints`] does), `server` (HAProxy's `backend/server`),
    /// `source` (the sources table's keys: source numbers) and `host` (syslog hosts
    /// with `--source-by-host`). Keys in byte order, their cells ascending by bucket.
    /// Empty without a series.
    pub fn contributions(
        &self,
        mut fold: impl FnMut(&[u8], &mut Vec<u8>) -> bool,
    ) -> Contributions {
        let Some(c) = &self.cells else {
            return Contributions {
                width_s: self.anomaly_width(FINE_WIDTH).unwrap_or(FINE_WIDTH),
                dimensions: Vec::new(),
            };
        };
        let w = self.anomaly_width(c.width).unwrap_or(c.width).max(c.width);
        let ratio = i64::from(w / c.width);
        let (wi, shift) = (i64::from(w), i64::from(c.shift));
        let dim =
            |name: &str, table: &Table, cells: &RowCells, key: &mut dyn FnMut(&[u8]) -> Vec<u8>| {
                // Per key, its rows' cells appended, then summed by bucket whenever they
                // have doubled since the last sum: an endpoint that folds thousands of
                // paths holds about as many cells as it has buckets, not one per path and
                // bucket (which doubled a long run's peak memory at its end).
                let mut by: FxHashMap<Vec<u8>, Summing> = FxHashMap::default();
                for (j, (k, _)) in table.rows().enumerate() {
                    let row = cells.row(j);
                    if row.is_empty() {
                        continue;
                    }
                    let (list, summed) = by.entry(key(k)).or_default();
                    list.extend(
                        row.iter()
                            .map(|s| (s.0.div_euclid(ratio) * wi - shift, s.cell())),
                    );
                    if list.len() >= 2 * *summed + 64 {
                        sum_by_bucket(list);
                        *summed = list.len();
                    }
                }
                let mut keys: Vec<KeyCells> = by
                    .into_iter()
                    .map(|(k, (mut cells, _))| {
                        sum_by_bucket(&mut cells);
                        cells.shrink_to_fit();
                        KeyCells {
                            key: escape_bytes(&k),
                            cells,
                        }
                    })
                    .collect();
                keys.sort_by(|a, b| a.key.cmp(&b.key));
                ContribDimension {
                    name: name.to_string(),
                    keys,
                    untracked_requests: cells.untracked,
                }
            };
        let mut buf = Vec::new();
        let mut endpoint = |p: &[u8]| match fold(p, &mut buf) {
            true => buf.clone(),
            false => p.to_vec(),
        };
        let mut same = |k: &[u8]| k.to_vec();
        let t = &c.tables;
        Contributions {
            width_s: w,
            dimensions: vec![
                dim("endpoint", &self.paths, &t.paths, &mut endpoint),
                dim("server", &self.servers, &t.servers, &mut same),
                dim("source", &self.sources, &c.sources, &mut same),
                dim("host", &self.hosts, &t.hosts, &mut same),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::HaproxyObservation;
    use crate::{Observation, SeriesConfig, StatsConfig};

    /// Line `i` of a generated run over 50 minutes: path `/p{i % 60}` (a cap of 40
    /// leaves 20 untracked), server `be/s{i % 5}` on every other line (HAProxy), syslog
    /// host `h{i % 3}`, status 503 on every 7th line, request time `i % 9` ms on lines
    /// not a multiple of 4.
    fn line(i: usize, keys: &(Vec<String>, Vec<String>, Vec<String>)) -> Observation<'_> {
        Observation {
            ts_us: (1_700_000_000 + (i as i64 * 3) % 3000) * 1_000_000,
            status: if i.is_multiple_of(7) { 503 } else { 200 },
            request_time_us: (!i.is_multiple_of(4)).then_some((i as u64 % 9) * 1000),
            path: Some(keys.0[i % 60].as_bytes()),
            haproxy: i.is_multiple_of(2).then(|| HaproxyObservation {
                backend_server: keys.1[i % 5].as_bytes(),
                host: keys.2[i % 3].as_bytes(),
                ..HaproxyObservation::default()
            }),
            ..Observation::default()
        }
    }

    fn keys() -> (Vec<String>, Vec<String>, Vec<String>) {
        (
            (0..60).map(|i| format!("/p{i}")).collect(),
            (0..5).map(|i| format!("be/s{i}")).collect(),
            (0..3).map(|i| format!("h{i}")).collect(),
        )
    }

    fn cfg() -> StatsConfig {
        StatsConfig {
            max_paths: 40,
            source_by_host: true,
            // Cells are kept only when anomalies are looked for.
            anomalies: Some(Default::default()),
            ..StatsConfig::default()
        }
    }

    fn with_series(mut a: Aggregate) -> Aggregate {
        a.set_series(SeriesConfig::default(), None);
        a
    }

    /// The per-key cell requests of `c`'s dimension `name`, summed over buckets.
    fn sums(c: &Contributions, name: &str) -> Vec<(String, u64)> {
        let d = c.dimensions.iter().find(|d| d.name == name).unwrap();
        d.keys
            .iter()
            .map(|k| (k.key.clone(), k.cells.iter().map(|c| c.1.requests).sum()))
            .collect()
    }

    /// A table's rows as (key, requests), in key order.
    fn rows(t: &Table) -> Vec<(String, u64)> {
        let mut r: Vec<(String, u64)> = t
            .rows()
            .map(|(k, r)| (escape_bytes(k), r.requests))
            .collect();
        r.sort();
        r
    }

    /// Cells summed over buckets give each table's rows, whether the lines went in
    /// directly or through chunks (two workers taking turns) merged in input order;
    /// a saved state keeps them.
    #[test]
    fn cells_add_up_to_the_tables_whatever_the_route() {
        let keys = keys();
        let n = 6000;
        let mut direct = with_series(Aggregate::new(cfg()));
        for i in 0..n {
            direct.observe(&line(i, &keys));
        }
        let mut run = with_series(Aggregate::new(cfg()));
        let mut workers = [0, 1].map(|_| with_series(Aggregate::for_chunks(cfg())));
        let mut empty = Aggregate::chunk_tables();
        for (c, chunk) in (0..n).collect::<Vec<_>>().chunks(250).enumerate() {
            let w = &mut workers[c % 2];
            for &i in chunk {
                w.observe(&line(i, &keys));
            }
            let mut t = w.take_chunk_tables(empty);
            run.merge_chunk_tables(&t);
            t.clear();
            empty = t;
        }
        for w in &workers {
            run.merge(w);
        }
        let fold = |_: &[u8], _: &mut Vec<u8>| false;
        let want = direct.contributions(fold);
        assert_eq!(run.contributions(fold), want);
        assert_eq!(want.width_s, 60);
        // Paths: the table keeps /p0 … /p39 (first seen); /p40 … /p59, a third of
        // the lines, are untracked, in the table and in the cells.
        assert_eq!(sums(&want, "endpoint"), rows(&direct.paths));
        assert_eq!(sums(&want, "endpoint").len(), 40);
        let endpoint = &want.dimensions[0];
        assert_eq!(endpoint.untracked_requests, n as u64 / 3);
        assert_eq!(sums(&want, "server"), rows(&direct.servers));
        assert_eq!(sums(&want, "host"), rows(&direct.hosts));
        // Lines without a host (not HAProxy's) count in the source's row.
        assert_eq!(sums(&want, "source"), vec![("0".to_string(), n as u64 / 2)]);
        // Every cell is within the minute it is for: lines at 3 s steps, 20 a minute,
        // each minute's 20 spread over the 60 paths: the cells of /p0 hold 1 request.
        let p0 = endpoint.keys.iter().find(|k| k.key == "/p0").unwrap();
        assert!(p0.cells.windows(2).all(|w| w[0].0 + 60 <= w[1].0));
        assert_eq!(p0.cells.iter().map(|c| c.1.requests).sum::<u64>(), 100);
        let mut out = Vec::new();
        direct.save(&mut out).unwrap();
        let loaded = Aggregate::load(&out[..]).unwrap();
        assert_eq!(loaded.contributions(fold), want);
        // Empty cells are not stored.
        let mut out = Vec::new();
        with_series(Aggregate::new(cfg())).save(&mut out).unwrap();
        assert!(!String::from_utf8_lossy(&out).contains("cells"));
        // A loaded total merged with a run's: the cells add up as the tables do.
        let mut twice = loaded;
        twice.merge(&direct);
        let doubled: Vec<(String, u64)> = sums(&want, "server")
            .into_iter()
            .map(|(k, n)| (k, 2 * n))
            .collect();
        assert_eq!(sums(&twice.contributions(fold), "server"), doubled);
    }

    /// Chunks merged with the endpoint fold keep each path's cells in the first row of
    /// its endpoint: the contributions are those of the direct route (which keeps a
    /// cell per path and minute), from far fewer cells; a saved and loaded total gives
    /// them too, and its later chunks fold alike.
    #[test]
    fn chunks_merged_with_a_fold_keep_cells_per_endpoint() {
        let keys = keys();
        let n = 6000;
        // /p0 … /p59 by the last digit: ten endpoints.
        let fold = |p: &[u8], out: &mut Vec<u8>| {
            out.clear();
            out.extend_from_slice(b"/d");
            out.push(*p.last().unwrap());
            true
        };
        // The second half backwards: after the state is loaded, each endpoint's first
        // path met is another than before (/p39 for /d9, not /p9).
        let order: Vec<usize> = (0..n / 2).chain((n / 2..n).rev()).collect();
        let mut direct = with_series(Aggregate::new(cfg()));
        for &i in &order {
            direct.observe(&line(i, &keys));
        }
        let want = direct.contributions(fold);
        // The first half through chunks, saved and loaded; then the second half.
        let mut run = with_series(Aggregate::new(cfg()));
        let mut worker = with_series(Aggregate::for_chunks(cfg()));
        let mut empty = Aggregate::chunk_tables();
        let mut f = fold;
        for (c, chunk) in order.chunks(250).enumerate() {
            if c == n / 500 {
                let mut out = Vec::new();
                run.save(&mut out).unwrap();
                run = Aggregate::load(&out[..]).unwrap();
            }
            for &i in chunk {
                worker.observe(&line(i, &keys));
            }
            let mut t = worker.take_chunk_tables(empty);
            run.merge_chunk_tables_folding(&t, &mut f);
            t.clear();
            empty = t;
        }
        run.merge(&worker);
        assert_eq!(run.contributions(fold), want);
        let endpoints = &want.dimensions[0];
        assert_eq!(endpoints.keys.len(), 10);
        assert_eq!(endpoints.untracked_requests, n as u64 / 3);
        let cells = |a: &Aggregate| -> usize {
            let c = a.cells.as_ref().unwrap();
            (0..a.paths.len())
                .map(|j| c.tables.paths.row(j).len())
                .sum()
        };
        // A cell per tracked path (/p0 … /p39) and minute it has lines in, and folded,
        // per endpoint and minute: counted here from the lines.
        let mut per_path = std::collections::HashSet::new();
        let mut per_endpoint = std::collections::HashSet::new();
        for i in (0..n).filter(|i| i % 60 < 40) {
            let minute = line(i, &keys).ts_us.div_euclid(60_000_000);
            per_path.insert((i % 60, minute));
            per_endpoint.insert((i % 10, minute));
        }
        assert_eq!(cells(&direct), per_path.len());
        assert_eq!(cells(&run), per_endpoint.len());
        assert!(per_endpoint.len() * 3 < per_path.len());
    }

    /// Hand-counted cells: three requests to /a in minute 0 (one a 503, two with a
    /// time), one in minute 2; a path fold names both /a and /b `/x`.
    #[test]
    fn hand_counted_cells() {
        let mut a = with_series(Aggregate::new(cfg()));
        let at = |s: i64, status: u16, ms: Option<u64>, path: &'static [u8]| Observation {
            ts_us: (6000 + s) * 1_000_000,
            status,
            request_time_us: ms.map(|m| m * 1000),
            path: Some(path),
            ..Observation::default()
        };
        for o in [
            at(0, 200, Some(5), b"/a"),
            at(150, 200, None, b"/b"),
            at(59, 503, Some(7), b"/a"),
            at(30, 200, None, b"/a"),
        ] {
            a.observe(&o);
        }
        let c = a.contributions(|_, out| {
            out.clear();
            out.extend_from_slice(b"/x");
            true
        });
        let e = &c.dimensions[0];
        assert_eq!(e.keys.len(), 1);
        let cell = |requests, status_5xx, latency_count, latency_sum_us| Cell {
            requests,
            status_5xx,
            latency_count,
            latency_sum_us,
        };
        assert_eq!(
            e.keys[0].cells,
            vec![(6000, cell(3, 1, 2, 12_000)), (6120, cell(1, 0, 0, 0))]
        );
    }

    /// 300 paths over 40 minutes folded into two endpoints by their parity, far more
    /// cells per endpoint than the fold sums at once: each endpoint's minute holds what
    /// a plain count of the lines gives, and each minute appears once, in order.
    #[test]
    fn many_paths_fold_into_one_cell_per_bucket() {
        let cfg = StatsConfig {
            max_paths: 1000,
            ..cfg()
        };
        let mut a = with_series(Aggregate::new(cfg));
        let paths: Vec<String> = (0..300).map(|i| format!("/p/{i}")).collect();
        // Expected (endpoint, minute) -> (requests, 5xx), counted here line by line.
        let mut want: std::collections::BTreeMap<(String, i64), (u64, u64)> = Default::default();
        for i in 0..6000usize {
            let p = i * 7 % 300;
            let s = (i * 13 % 2400) as i64;
            let status = if i.is_multiple_of(11) { 500 } else { 200 };
            a.observe(&Observation {
                ts_us: (1_800_000_000 + s) * 1_000_000,
                status,
                path: Some(paths[p].as_bytes()),
                ..Observation::default()
            });
            let e = if p.is_multiple_of(2) { "/even" } else { "/odd" };
            // 1,800,000,000 is a multiple of 60: minutes start there.
            let minute = 1_800_000_000 + s / 60 * 60;
            let w = want.entry((e.to_string(), minute)).or_default();
            w.0 += 1;
            w.1 += u64::from(status == 500);
        }
        let c = a.contributions(|path, out| {
            let n: usize = std::str::from_utf8(&path[3..]).unwrap().parse().unwrap();
            out.clear();
            out.extend_from_slice(if n.is_multiple_of(2) {
                b"/even"
            } else {
                b"/odd"
            });
            true
        });
        assert_eq!(c.width_s, 60);
        let got: std::collections::BTreeMap<(String, i64), (u64, u64)> = c.dimensions[0]
            .keys
            .iter()
            .flat_map(|k| {
                assert!(k.cells.windows(2).all(|w| w[0].0 < w[1].0), "{}", k.key);
                k.cells
                    .iter()
                    .map(|(t, cell)| ((k.key.clone(), *t), (cell.requests, cell.status_5xx)))
            })
            .collect();
        assert_eq!(got.len(), 80);
        assert_eq!(got, want);
    }

    /// Past the budget, a request needing a new cell is untracked; merging keeps the
    /// budget too.
    #[test]
    fn budget_bounds_the_cells() {
        let mut c = RowCells::bounded();
        c.left = 2;
        for b in [5, 1, 9, 5] {
            c.add(0, &Slot(b, 1, 0, 0, 0));
        }
        assert_eq!(c.row(0), &[Slot(1, 1, 0, 0, 0), Slot(5, 2, 0, 0, 0)]);
        assert_eq!(c.untracked, 1);
        c.merge_row(Some(0), &[Slot(0, 4, 0, 0, 0), Slot(5, 3, 0, 0, 0)]);
        assert_eq!(c.row(0), &[Slot(1, 1, 0, 0, 0), Slot(5, 5, 0, 0, 0)]);
        assert_eq!(c.untracked, 5);
    }
}
