//! Reading back what `convert` and `report --parquet` wrote, for the tests that count rows.

use super::files_under;
use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::{Path, PathBuf};

/// The published files under `out`: `.parquet` files, not the hidden staging names.
pub fn parquet_files(out: &Path) -> Vec<PathBuf> {
    files_under(out)
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            !name.starts_with('.') && name.ends_with(".parquet")
        })
        .collect()
}

/// Every row's `bytes_sent`, over every published file, sorted.
pub fn bytes_sent(out: &Path) -> Vec<i64> {
    let mut all = Vec::new();
    for p in parquet_files(out) {
        let f = std::fs::File::open(&p).unwrap();
        for b in ParquetRecordBatchReaderBuilder::try_new(f)
            .unwrap()
            .build()
            .unwrap()
        {
            let b = b.unwrap();
            let col = b
                .column_by_name("bytes_sent")
                .unwrap()
                .as_primitive::<Int64Type>();
            all.extend((0..col.len()).map(|i| col.value(i)));
        }
    }
    all.sort_unstable();
    all
}
