//! The row-level schema: one for every log format; a column a format lacks is null.
//! `docs/parquet-schema.md` describes each column; tests check the columns against it and
//! against `axlog_format::fields::FIELDS`, the list of the `Record` fields they come from.

use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use std::sync::Arc;

/// Columns whose values repeat a lot: Parquet's dictionary encoding suits them (the
/// others are written plain, then compressed).
pub const LOW_CARDINALITY: &[&str] = &[
    "source",
    "method",
    "protocol",
    "endpoint",
    "status",
    "host",
    "scheme",
    "upstream_addr",
    "upstream_status",
    "cache_status",
    "tls_protocol",
    "tls_cipher",
    "syslog_host",
    "frontend",
    "backend",
    "server",
    "termination_state",
    "user_agent",
    "referer",
    "client_ip",
    "request_time_us",
    "upstream_time_us",
    "upstream_connect_us",
    "upstream_header_us",
    "tr_us",
    "tw_us",
    "tc_us",
    "tresp_us",
    "ta_us",
];

/// Texts with many distinct values in no useful order: no min/max statistics (they would
/// prune nothing, and cost two comparisons of every value: 2% of `convert`'s
/// instructions for the client address and endpoint alone).
pub const HIGH_CARDINALITY: &[&str] = &[
    "client_ip",
    "endpoint",
    "path",
    "query",
    "user_agent",
    "referer",
    "x_forwarded_for",
    "captured_request_headers",
    "captured_response_headers",
];

fn text(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

fn int32(name: &str) -> Field {
    Field::new(name, DataType::Int32, true)
}

fn int64(name: &str) -> Field {
    Field::new(name, DataType::Int64, true)
}

/// The names of the `extras` map's parts: Arrow's canonical ones (`pyarrow.map_`), so
/// readers see a plain `map<string, string>`.
pub fn extras_names() -> arrow_array::builder::MapFieldNames {
    arrow_array::builder::MapFieldNames {
        entry: "entries".to_string(),
        key: "key".to_string(),
        value: "value".to_string(),
    }
}

/// The type of the `extras` column: the layout's other variables, by name.
pub fn extras_type() -> DataType {
    DataType::Map(
        Arc::new(Field::new(
            "entries",
            DataType::Struct(Fields::from(vec![
                Field::new("key", DataType::Utf8, false),
                Field::new("value", DataType::Utf8, true),
            ])),
            false,
        )),
        false,
    )
}

/// The columns every table starts with: its time in UTC µs, then its source unless that is
/// a partition.
pub(crate) fn leading_fields(time: &str, with_source: bool) -> Vec<Field> {
    let mut fields = vec![Field::new(
        time,
        DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        false,
    )];
    if with_source {
        fields.push(Field::new("source", DataType::Utf8, false));
    }
    fields
}

/// The row-level schema. With `with_source` false (files partitioned by source) the
/// `source` column is left out: its value is in the directory name, as Hive layouts
/// expect (Spark refuses a column that is both in the files and in the path).
pub fn row_schema(with_source: bool) -> SchemaRef {
    let mut fields = leading_fields("ts", with_source);
    fields.extend([
        text("client_ip"),
        int32("client_port"),
        text("remote_user"),
        text("method"),
        text("path"),
        text("query"),
        text("endpoint"),
        text("protocol"),
        int32("status"),
        int64("bytes_sent"),
        int64("response_bytes"),
        int64("request_length"),
        text("referer"),
        text("user_agent"),
        text("host"),
        text("scheme"),
        int32("server_port"),
        text("x_forwarded_for"),
        int64("request_time_us"),
        text("upstream_addr"),
        int32("upstream_status"),
        int64("upstream_time_us"),
        Field::new(
            "upstream_attempts",
            DataType::List(Arc::new(Field::new("item", DataType::Int64, true))),
            true,
        ),
        int64("upstream_connect_us"),
        int64("upstream_header_us"),
        text("cache_status"),
        text("tls_protocol"),
        text("tls_cipher"),
        int64("connection"),
        text("syslog_host"),
        text("frontend"),
        text("backend"),
        text("server"),
        int64("tr_us"),
        int64("tw_us"),
        int64("tc_us"),
        int64("tresp_us"),
        int64("ta_us"),
        text("termination_state"),
        int32("retries"),
        int32("srv_queue"),
        int32("backend_queue"),
        int32("actconn"),
        int32("feconn"),
        int32("beconn"),
        int32("srv_conn"),
        text("captured_request_headers"),
        text("captured_response_headers"),
        Field::new("extras", extras_type(), true),
    ]);
    Arc::new(Schema::new(fields))
}

#[cfg(test)]
mod tests {
    use super::row_schema;
    use axlog_format::fields::FIELDS;
    use std::collections::BTreeSet;

    /// Row columns no `Record` field fills: the input's label.
    const NOT_FROM_RECORD: &[&str] = &["source"];

    fn schema_columns() -> BTreeSet<String> {
        row_schema(true)
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    #[test]
    fn every_column_is_named_by_the_field_list_and_every_listed_column_exists() {
        let columns = schema_columns();
        let listed: BTreeSet<String> = FIELDS
            .iter()
            .flat_map(|f| f.columns.unwrap_or(&[]))
            .map(|c| c.to_string())
            .collect();
        for c in &columns {
            assert!(
                listed.contains(c) || NOT_FROM_RECORD.contains(&c.as_str()),
                "column `{c}` is filled by no field of axlog_format::fields::FIELDS"
            );
        }
        for c in &listed {
            assert!(
                columns.contains(c),
                "FIELDS names `{c}`, not in the row schema"
            );
        }
    }

    #[test]
    fn the_schema_doc_documents_every_column() {
        let doc = include_str!("../../../docs/parquet-schema.md");
        let Some(start) = doc.find("## Columns") else {
            panic!("docs/parquet-schema.md has no Columns section");
        };
        let table = &doc[start..];
        let table = &table[..table.find("\n## ").unwrap_or(table.len())];
        // A row's first cell names one column or several, each in backticks.
        let documented: BTreeSet<String> = table
            .lines()
            .filter_map(|l| l.strip_prefix("| "))
            .filter_map(|l| l.split(" |").next())
            .flat_map(|cell| cell.split('`').skip(1).step_by(2))
            .map(str::to_string)
            .collect();
        assert_eq!(documented, schema_columns());
    }
}
