//! Parsers of the size arguments, refusing values that make no sense: `--row-group-rows 0`
//! never completed a row group and ran on while memory grew.

/// The most rows a Parquet row group may be given: a row group is closed at 128 MiB in
/// any case, which rows of at least 8 bytes (the timestamp alone) reach before this count.
pub const MAX_ROW_GROUP_ROWS: usize = 1 << 24;

/// `--row-group-rows`: 1 to [`MAX_ROW_GROUP_ROWS`].
pub fn row_group_rows(s: &str) -> Result<usize, String> {
    let n: usize = s
        .parse()
        .map_err(|_| format!("'{s}' is not a whole number of rows"))?;
    if n == 0 || n > MAX_ROW_GROUP_ROWS {
        return Err(format!(
            "a row group holds 1 to {MAX_ROW_GROUP_ROWS} rows, not {n}"
        ));
    }
    Ok(n)
}

/// A count that must be at least 1 (`explain -n`).
pub fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("'{s}' is not a whole number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert!(row_group_rows("0").is_err());
        assert_eq!(row_group_rows("1"), Ok(1));
        assert_eq!(row_group_rows("16777216"), Ok(16_777_216));
        assert!(row_group_rows("16777217").is_err());
        assert!(row_group_rows("-1").is_err());
        assert!(row_group_rows("99999999999999999999999").is_err());
        assert!(at_least_one("0").is_err());
        assert_eq!(at_least_one("7"), Ok(7));
    }
}
