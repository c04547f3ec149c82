//! A [`Table`] as a state file holds it: its settings and its rows, keys in insertion
//! order (the order a merge walks them in). The index, the arena and the prepare ring
//! are not stored: they are rebuilt as the rows are added back.

use super::{Row, Table};
use crate::dimension::Dimension;
use crate::hist::Budget;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A key as a state file holds it: text when it is UTF-8 (most are), else its bytes.
#[derive(Serialize)]
#[serde(untagged)]
enum KeyRef<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum KeyData {
    Text(String),
    Bytes(Vec<u8>),
}

/// A table's settings and rows, borrowed for writing.
#[derive(Serialize)]
struct TableRef<'a> {
    dimension: &'a Dimension,
    dense_ms: u32,
    cap: usize,
    key_bytes_cap: usize,
    bytes_full: bool,
    untracked: u64,
    latency_budget: Budget,
    rows: RowsRef<'a>,
}

struct RowsRef<'a>(&'a Table);

impl Serialize for RowsRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.rows().map(|(k, r)| {
            let key = std::str::from_utf8(k).map_or(KeyRef::Bytes(k), KeyRef::Text);
            (key, r)
        }))
    }
}

impl Serialize for Table {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        TableRef {
            dimension: &self.dimension,
            dense_ms: self.dense_ms,
            cap: self.cap,
            key_bytes_cap: self.key_bytes_cap,
            bytes_full: self.bytes_full,
            untracked: self.untracked,
            latency_budget: self.latency_budget,
            rows: RowsRef(self),
        }
        .serialize(s)
    }
}

#[derive(Deserialize)]
struct TableData {
    dimension: Dimension,
    #[serde(deserialize_with = "crate::hist::dense_cap")]
    dense_ms: u32,
    cap: usize,
    key_bytes_cap: usize,
    bytes_full: bool,
    untracked: u64,
    latency_budget: Budget,
    rows: Vec<(KeyData, Row)>,
}

impl<'de> Deserialize<'de> for Table {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Table::try_from(TableData::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<TableData> for Table {
    type Error = String;

    /// Adds the rows back in their order, refusing a repeated key or one past the caps
    /// (a table never holds those).
    fn try_from(d: TableData) -> Result<Self, String> {
        let mut t = Table::with_presize(d.dimension, d.cap, d.rows.len()).with_dense_ms(d.dense_ms);
        t.key_bytes_cap = d.key_bytes_cap;
        for (key, row) in d.rows {
            let key = match &key {
                KeyData::Text(k) => k.as_bytes(),
                KeyData::Bytes(k) => k,
            };
            let n = t.slots.len();
            match t.entry(key) {
                Some(i) if i == n => t.slots[i].entry = row,
                _ => {
                    return Err(format!(
                        "row {n} of the {} table repeats a key or is past its caps",
                        t.dimension
                    ));
                }
            }
        }
        t.bytes_full = d.bytes_full;
        t.untracked = d.untracked;
        t.latency_budget = d.latency_budget;
        Ok(t)
    }
}
