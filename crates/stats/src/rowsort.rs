//! The order of a `--by` table's rows (`--sort`): by requests (the default), errors
//! (4xx and 5xx), 5xx, request-time p99 or bytes; highest first, ties by key.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a `--by` table's rows are ranked by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortKey {
    #[default]
    Requests,
    /// 4xx and 5xx together.
    Errors,
    #[serde(rename = "5xx")]
    ServerErrors,
    /// The request time's (HAProxy's Ta where none) 99th percentile; rows without one last.
    P99,
    Bytes,
}

const NAMES: [(SortKey, &str); 5] = [
    (SortKey::Requests, "requests"),
    (SortKey::Errors, "errors"),
    (SortKey::ServerErrors, "5xx"),
    (SortKey::P99, "p99"),
    (SortKey::Bytes, "bytes"),
];

impl SortKey {
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("requests", |(_, n)| n)
    }
}

impl fmt::Display for SortKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SortKey {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NAMES
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(k, _)| *k)
            .ok_or_else(|| {
                let all: Vec<&str> = NAMES.iter().map(|(_, n)| *n).collect();
                format!("unknown sort {s:?} ({})", all.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back() {
        for (k, n) in NAMES {
            assert_eq!(n.parse::<SortKey>(), Ok(k));
            assert_eq!(k.to_string(), n);
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{n}\""));
        }
        assert!("p50".parse::<SortKey>().is_err());
    }
}
