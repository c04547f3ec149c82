//! A `--json-fields` mapping guessed from the key names of JSON lines that no preset
//! reads (the widely copied ISUCON/alp template: `time`, `method`, `uri`, `status`,
//! `body_bytes`, `ua`, `request_time`, ...). Only top-level keys are matched, by name,
//! ignoring case; units come from the key name or, failing that, from the values.

use crate::json::{self, JsonMapping};
use std::collections::HashMap;

/// For each target, the key names that fill it, the preferred first.
const NAMES: &[(&str, &[&str])] = &[
    (
        "ts",
        &[
            "time",
            "timestamp",
            "@timestamp",
            "ts",
            "time_iso8601",
            "time_local",
            "msec",
        ],
    ),
    ("status", &["status", "status_code"]),
    ("method", &["method", "request_method"]),
    ("uri", &["uri", "path", "request_uri"]),
    ("request", &["request"]),
    (
        "latency",
        &["request_time", "duration", "response_time", "elapsed"],
    ),
    ("upstream_latency", &["upstream_response_time"]),
    (
        "bytes",
        &[
            "bytes",
            "body_bytes",
            "body_bytes_sent",
            "size",
            "bytes_sent",
        ],
    ),
    ("user_agent", &["ua", "user_agent", "http_user_agent"]),
    ("client", &["remote_addr", "client_ip", "host"]),
    ("referer", &["referer", "http_referer", "referrer"]),
    ("user", &["remote_user", "user"]),
];

/// JSON lines examined for their keys.
const LINES: usize = 50;

/// One key seen in the lines: its name as written and its first values.
struct Key {
    name: String,
    values: Vec<(Vec<u8>, bool)>,
}

/// The mapping for `lines` when they are JSON objects: `None` when the first line is not
/// one; `Err` with what to write when no key names the time or the status.
pub fn mapping(lines: &[&[u8]]) -> Option<Result<JsonMapping, String>> {
    json::scalars(lines.first()?)?;
    let mut keys: Vec<Key> = Vec::new();
    // Where each name is in `keys` (which keeps the order met): a line can hold many
    // thousands of keys, and a search of `keys` for each would be quadratic.
    let mut at: HashMap<String, usize> = HashMap::new();
    for line in lines.iter().take(LINES) {
        for (path, value, is_str) in json::scalars(line).unwrap_or_default() {
            // Top-level keys only (a `.` in the path is a nested key or an array item).
            let Ok(name) = std::str::from_utf8(&path) else {
                continue;
            };
            if name.contains('.') || name.contains(',') || name.contains('=') {
                continue;
            }
            let i = match at.get(name) {
                Some(&i) => i,
                None => {
                    keys.push(Key {
                        name: name.to_string(),
                        values: Vec::new(),
                    });
                    at.insert(name.to_string(), keys.len() - 1);
                    keys.len() - 1
                }
            };
            let Some(k) = keys.get_mut(i) else {
                continue;
            };
            if k.values.len() < 8 {
                k.values.push((value.to_vec(), is_str));
            }
        }
    }
    let mut spec: Vec<String> = Vec::new();
    let mut used: Vec<&str> = Vec::new();
    let (mut has_time, mut has_status) = (false, false);
    for &(target, names) in NAMES {
        let found = names.iter().find_map(|want| {
            keys.iter()
                .find(|k| k.name.eq_ignore_ascii_case(want) && !used.contains(&k.name.as_str()))
        });
        let Some(k) = found else {
            continue;
        };
        // `request` holds the request line, or the target alone in some templates.
        let target = match target {
            "request" if !k.values.iter().any(|(v, _)| v.contains(&b' ')) => {
                if spec.iter().any(|s| s.starts_with("uri=")) {
                    continue;
                }
                "uri"
            }
            t => t,
        };
        let unit = match target {
            "ts" => time_unit(k),
            "latency" | "upstream_latency" => duration_unit(k),
            _ => None,
        };
        spec.push(match unit {
            Some(u) => format!("{target}={}:{u}", k.name),
            None => format!("{target}={}", k.name),
        });
        used.push(&k.name);
        has_time |= target == "ts";
        has_status |= target == "status";
    }
    if has_time && has_status {
        return Some(JsonMapping::compile(&spec.join(",")).map_err(|e| e.to_string()));
    }
    // What the user has to write: the keys found, and placeholders for the rest.
    let mut wanted: Vec<String> = Vec::new();
    if !has_time {
        wanted.push("ts=KEY".to_string());
    }
    if !has_status {
        wanted.push("status=KEY".to_string());
    }
    wanted.extend(spec);
    let names: Vec<&str> = keys.iter().take(30).map(|k| k.name.as_str()).collect();
    Some(Err(format!(
        "JSON lines whose keys ({}) name no {}; say which key holds what with --json-fields '{}'",
        names.join(", "),
        match (has_time, has_status) {
            (false, false) => "time and no status",
            (false, true) => "time",
            _ => "status",
        },
        wanted.join(",")
    )))
}

/// A number's value, as written (a string or a number).
fn number(v: &[u8]) -> Option<f64> {
    std::str::from_utf8(v).ok()?.trim().parse().ok()
}

/// The unit of a time written as a number: by its size, for a time near now (seconds
/// since the epoch are about 1.7e9). Text times (ISO 8601, `$time_local`) need none.
fn time_unit(k: &Key) -> Option<&'static str> {
    let n = k.values.iter().find_map(|(v, _)| number(v))?;
    Some(match n.abs() {
        x if x < 1e11 => "s",
        x if x < 1e14 => "ms",
        x if x < 1e17 => "us",
        _ => "ns",
    })
}

/// A duration's unit: from a `_ms`-style suffix, nginx's variables (seconds), else
/// seconds when a value has decimals and milliseconds when none has.
fn duration_unit(k: &Key) -> Option<&'static str> {
    let name = k.name.to_ascii_lowercase();
    for u in ["ms", "us", "ns"] {
        if name.ends_with(&format!("_{u}")) {
            return Some(u);
        }
    }
    if matches!(
        name.as_str(),
        "request_time" | "response_time" | "upstream_response_time"
    ) || k.values.iter().any(|(v, _)| v.contains(&b'.'))
    {
        return Some("s");
    }
    Some("ms")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(lines: &[&str]) -> Option<Result<String, String>> {
        let lines: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
        mapping(&lines).map(|r| r.map(|f| f.definition().to_string()))
    }

    /// A line of very many keys is read in time linear in them (200,000 took minutes when
    /// each was searched for among the others).
    #[test]
    fn many_keys_in_a_line() {
        let mut line = String::from("{");
        for i in 0..200_000 {
            line.push_str(&format!("\"k{i}\":{i},"));
        }
        line.push_str("\"time\":1741064767,\"status\":200}");
        let started = std::time::Instant::now();
        assert_eq!(
            spec(&[&line]),
            Some(Ok("ts=time:s,status=status".to_string()))
        );
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }

    #[test]
    fn keys_by_name_with_units() {
        assert_eq!(
            spec(&[
                r#"{"Time":1741064767123,"code_x":1,"Status":"200","Request":"GET /a HTTP/1.1","elapsed":12,"size":3,"nested":{"status":1}}"#
            ]),
            Some(Ok(
                "ts=Time:ms,status=Status,request=Request,latency=elapsed:ms,bytes=size"
                    .to_string()
            ))
        );
        // `request` without a space is the target; a duration with decimals is seconds.
        assert_eq!(
            spec(&[
                r#"{"ts":"2025-01-01T00:00:00Z","status_code":404,"request":"/x","duration":0.5,"host":"h"}"#
            ]),
            Some(Ok(
                "ts=ts,status=status_code,uri=request,latency=duration:s,client=host".to_string()
            ))
        );
        assert_eq!(spec(&["not json"]), None);
        assert_eq!(spec(&[]), None);
        let err = spec(&[r#"{"t":1,"status":200,"path":"/p"}"#])
            .unwrap()
            .unwrap_err();
        assert!(err.contains("no time;"), "{err}");
        assert!(
            err.contains("--json-fields 'ts=KEY,status=status,uri=path'"),
            "{err}"
        );
    }
}
