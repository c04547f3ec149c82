//! Which path row a path's contributor cells are kept in when chunks merge with the
//! endpoint rules ([`super::Aggregate::merge_chunk_tables_folding`]): the first row of its
//! endpoint, so a source keeps a cell per endpoint and bucket (cells.rs).

use crate::table::Table;
use rustc_hash::FxHashMap;

/// Path rows to the first path row of the same endpoint: the row their cells are kept in,
/// so that cells are kept per endpoint (hundreds) rather than per path (up to the path
/// table's cap), and the summary's fold, which sums cells by endpoint, gives the same.
#[derive(Debug, Clone, Default)]
pub(crate) struct Canon {
    /// Per path row, its endpoint's first row (`u32::MAX`: not folded yet).
    of_row: Vec<u32>,
    /// Each endpoint met, and its first row.
    first: FxHashMap<Vec<u8>, u32>,
    buf: Vec<u8>,
}

impl Canon {
    /// Before the first fold of an aggregate whose path rows hold cells already (a
    /// loaded state): each endpoint's first row is its lowest row with cells, so that
    /// the cells to come join them rather than start other rows.
    pub(crate) fn seed(
        &mut self,
        table: &Table,
        has_cells: impl Fn(usize) -> bool,
        fold: &mut Fold<'_>,
    ) {
        if !self.of_row.is_empty() {
            return;
        }
        for (row, (key, _)) in table.rows().enumerate() {
            if has_cells(row) {
                self.row_of(row, key, fold);
            }
        }
    }

    /// The row path row `row` (whose key is `key`) keeps its cells in.
    pub(crate) fn row_of(&mut self, row: usize, key: &[u8], fold: &mut Fold<'_>) -> usize {
        if let Some(&c) = self.of_row.get(row)
            && c != u32::MAX
        {
            return c as usize;
        }
        // Table rows are u32 (table.rs), so `row` fits.
        let Ok(r) = u32::try_from(row) else {
            return row;
        };
        let endpoint: &[u8] = match fold(key, &mut self.buf) {
            true => &self.buf,
            false => key,
        };
        let c = match self.first.get(endpoint) {
            Some(&c) => c,
            None => {
                self.first.insert(endpoint.to_vec(), r);
                r
            }
        };
        if self.of_row.len() <= row {
            self.of_row.resize(row + 1, u32::MAX);
        }
        self.of_row[row] = c;
        c as usize
    }
}

/// Names a path's endpoint in the buffer (`true`), or leaves the path its own (`false`):
/// the endpoint rules, as the summary folds paths.
pub type Fold<'f> = dyn FnMut(&[u8], &mut Vec<u8>) -> bool + 'f;
