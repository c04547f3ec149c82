//! The JSON report's schema (docs/report.schema.json, JSON Schema draft 2020-12), derived
//! from the types serde writes the report from, so it cannot drift from them: every
//! object of a fixed shape closed (`additionalProperties: false`), every field it always
//! writes required. `$defs/window_line` describes `--every`'s lines, each a window's
//! report or a stretch without requests. Built only with the `schema` feature: a test
//! compares it with the file.

use crate::Summary;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

/// Where the schema says it lives.
const ID: &str = "https://example.invalid/axlog/docs/report.schema.json";

/// The report's schema as a JSON value (pretty-print it to get the file).
pub fn report_schema() -> Value {
    let generator = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let root = generator.into_root_schema_for::<Summary>();
    let mut v = root.to_value();
    close(&mut v);
    // The version this build writes, not any integer: a report of another shape fails.
    if let Some(p) = v.pointer_mut("/properties/schema_version") {
        p["const"] = json!(crate::summary::SCHEMA_VERSION);
    }
    if let Value::Object(m) = &mut v {
        m.insert("$id".into(), ID.into());
        m.insert("title".into(), "axlog JSON report".into());
        m.insert(
            "description".into(),
            "What `axlog report --output json` writes (docs/report-json.md).".into(),
        );
        let defs = m
            .entry("$defs")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(defs) = defs {
            defs.insert("window_line".into(), window_line());
        }
    }
    v
}

/// One line of `report --every N --output json`: a window's report, or the stretch of
/// windows without a request written as one line.
fn window_line() -> Value {
    let int = json!({"type": "integer"});
    let text = json!({"type": "string"});
    json!({
        "description": "A line of `report --every N --output json`.",
        "oneOf": [
            {
                "type": "object",
                "additionalProperties": false,
                "required": ["window", "report"],
                "properties": {
                    "window": {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["start", "start_epoch", "seconds", "partial"],
                        "properties": {
                            "start": text,
                            "start_epoch": int,
                            "seconds": {"type": "integer", "minimum": 1},
                            "partial": {"type": "boolean"}
                        }
                    },
                    "report": {"$ref": "#"}
                }
            },
            {
                "type": "object",
                "additionalProperties": false,
                "required": ["no_requests"],
                "properties": {
                    "no_requests": {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["from", "from_epoch", "to", "to_epoch", "windows"],
                        "properties": {
                            "from": text,
                            "from_epoch": int,
                            "to": text,
                            "to_epoch": int,
                            "windows": {"type": "integer", "minimum": 1}
                        }
                    }
                }
            }
        ]
    })
}

/// Every object schema with properties closed: `additionalProperties: false`.
fn close(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.contains_key("properties") && !m.contains_key("additionalProperties") {
                m.insert("additionalProperties".into(), Value::Bool(false));
            }
            for x in m.values_mut() {
                close(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(close),
        _ => {}
    }
}
