//! What a breakdown table is keyed by: a [`Dimension`], named as a `--by` value spells it.
//!
//! A dimension is only a label here: the stats crate does not parse lines, so taking a
//! dimension's key out of a request is the engine's part (it hands the aggregate the key
//! of each dimension the run asks for: `key_of` in crates/engine/src/dimension.rs).
//! Adding a dimension is one variant here, its name, and its arm there.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A request attribute a table groups requests by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// The request target without its query string.
    Path,
    /// The path with IDs folded into `:id` (as Parquet's `endpoint` column has it).
    Endpoint,
    /// The input (file or stream) a request was read from, by its number in the run.
    Source,
    /// The virtual host (nginx `$host`, Apache `%v`). The syslog header's host, which
    /// tells load balancers sharing a log apart, is the per-source rows' concern
    /// (`StatsConfig::source_by_host`).
    Host,
    /// nginx's upstream address.
    Upstream,
    /// HAProxy's frontend (with the `~` of an SSL listener, as logged).
    Frontend,
    /// HAProxy's backend.
    Backend,
    /// HAProxy's `backend/server` pair.
    Server,
    /// The status code.
    Status,
    /// The status class: `1xx` to `5xx` (`other` for `-` and codes outside 100-599).
    StatusClass,
    /// The request method.
    Method,
    /// The client address.
    Client,
    /// The `User-Agent` header's family: `bot`, `crawler`, `tool`, `browser`, `other`
    /// (the rules: docs/stats.md, crates/format/src/useragent.rs).
    UserAgent,
    /// HAProxy's termination state: its first two characters, what ended the session and
    /// in which phase (`SD`: the server aborted during the data phase; `--`: normal).
    Termination,
    /// HAProxy's whole termination state as logged (`SD--`, `CD--`, `----`; four
    /// characters, the last two about cookies and persistence).
    TerminationState,
    /// nginx's `$upstream_cache_status` (`HIT`, `MISS`, `BYPASS`, ...).
    CacheStatus,
    /// The TLS protocol (`$ssl_protocol`, Apache `%{SSL_PROTOCOL}x`): `TLSv1.3`, ...
    TlsProtocol,
    /// A field the layout names beyond the common ones (`field:NAME`).
    Extra(String),
    /// The `User-Agent` header as logged.
    UserAgentRaw,
    /// Two levels (`--by endpoint,status-class`): rows of the first, each with sub-rows of
    /// the second. Its key is the pair's ([`pair_key`]); neither half is itself a pair.
    Pair(Box<Dimension>, Box<Dimension>),
}

/// The key of a two-level row: the first key's length (4 bytes, little-endian), the first
/// key, then the second. The length, not a separator, says where the first key ends: a
/// key may hold any byte.
pub fn pair_key(first: &[u8], second: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&(first.len() as u32).to_le_bytes());
    out.extend_from_slice(first);
    out.extend_from_slice(second);
}

/// The two keys of a [`pair_key`]; `None` for bytes that are not one.
pub fn split_pair(key: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, rest) = key.split_first_chunk::<4>()?;
    let n = usize::try_from(u32::from_le_bytes(*len)).ok()?;
    (n <= rest.len()).then(|| rest.split_at(n))
}

/// The names of the dimensions without a parameter, in declaration order.
const NAMED: [(Dimension, &str); 18] = [
    (Dimension::Path, "path"),
    (Dimension::Endpoint, "endpoint"),
    (Dimension::Source, "source"),
    (Dimension::Host, "host"),
    (Dimension::Upstream, "upstream"),
    (Dimension::Frontend, "frontend"),
    (Dimension::Backend, "backend"),
    (Dimension::Server, "server"),
    (Dimension::Status, "status"),
    (Dimension::StatusClass, "status-class"),
    (Dimension::Method, "method"),
    (Dimension::Client, "client"),
    (Dimension::UserAgent, "user-agent"),
    (Dimension::Termination, "termination"),
    (Dimension::CacheStatus, "cache-status"),
    (Dimension::TlsProtocol, "tls-protocol"),
    (Dimension::UserAgentRaw, "user-agent-raw"),
    (Dimension::TerminationState, "termination-state"),
];

/// What a named extra field's name starts with.
const EXTRA_PREFIX: &str = "field:";

/// A name that is no dimension.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown dimension {0:?} ({names})", names = valid_names())]
pub struct UnknownDimension(pub String);

/// Every dimension's name, as an unknown one's message lists them.
fn valid_names() -> String {
    let mut names: Vec<&str> = NAMED.iter().map(|(_, n)| *n).collect();
    names.push("field:NAME");
    names.join(", ")
}

impl Dimension {
    /// The name a `--by` flag would take (`path`, `user-agent`, `field:NAME`).
    pub fn name(&self) -> String {
        match self {
            Dimension::Extra(f) => format!("{EXTRA_PREFIX}{f}"),
            Dimension::Pair(a, b) => format!("{a},{b}"),
            d => NAMED
                .iter()
                .find(|(n, _)| n == d)
                .map_or_else(String::new, |(_, s)| (*s).to_string()),
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl FromStr for Dimension {
    type Err = UnknownDimension;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // `a,b`: two levels; each half one dimension (a third level is refused).
        if let Some((a, b)) = s.split_once(',') {
            let one = |x: &str| match x.parse::<Dimension>() {
                Ok(Dimension::Pair(..)) | Err(_) => Err(UnknownDimension(x.to_string())),
                Ok(d) => Ok(d),
            };
            return Ok(Dimension::Pair(Box::new(one(a)?), Box::new(one(b)?)));
        }
        if let Some(field) = s.strip_prefix(EXTRA_PREFIX)
            && !field.is_empty()
        {
            return Ok(Dimension::Extra(field.to_string()));
        }
        NAMED
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(d, _)| d.clone())
            .ok_or_else(|| UnknownDimension(s.to_string()))
    }
}

/// Written as its name, so a state file reads as the command line would.
impl Serialize for Dimension {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Dimension {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back() {
        let all = [
            (Dimension::Path, "path"),
            (Dimension::Endpoint, "endpoint"),
            (Dimension::Source, "source"),
            (Dimension::Host, "host"),
            (Dimension::Upstream, "upstream"),
            (Dimension::Frontend, "frontend"),
            (Dimension::Backend, "backend"),
            (Dimension::Server, "server"),
            (Dimension::Status, "status"),
            (Dimension::StatusClass, "status-class"),
            (Dimension::Method, "method"),
            (Dimension::Client, "client"),
            (Dimension::UserAgent, "user-agent"),
            (Dimension::Termination, "termination"),
            (Dimension::TerminationState, "termination-state"),
            (Dimension::CacheStatus, "cache-status"),
            (Dimension::TlsProtocol, "tls-protocol"),
            (Dimension::Extra("tenant".into()), "field:tenant"),
        ];
        for (d, name) in all {
            assert_eq!(d.name(), name);
            assert_eq!(d.to_string(), name);
            assert_eq!(name.parse::<Dimension>(), Ok(d));
        }
    }

    #[test]
    fn pairs_parse_and_split() {
        let d: Dimension = "endpoint,status-class".parse().unwrap();
        assert_eq!(
            d,
            Dimension::Pair(
                Box::new(Dimension::Endpoint),
                Box::new(Dimension::StatusClass)
            )
        );
        assert_eq!(d.name(), "endpoint,status-class");
        for bad in ["a,b,c", "path,", ",path", "path,nope", "path,status,method"] {
            assert!(bad.parse::<Dimension>().is_err(), "{bad}");
        }
        let mut k = Vec::new();
        pair_key(b"/a\0b", b"\0x", &mut k);
        assert_eq!(split_pair(&k), Some((&b"/a\0b"[..], &b"\0x"[..])));
        assert_eq!(split_pair(b"\x09\0\0\0abc"), None);
        assert_eq!(split_pair(b"ab"), None);
    }

    #[test]
    fn unknown_names_are_refused() {
        for bad in ["", "Path", "user_agent", "field:", "paths", " path"] {
            assert_eq!(
                bad.parse::<Dimension>(),
                Err(UnknownDimension(bad.to_string())),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn serialized_as_its_name() {
        let d = Dimension::Extra("x-tenant".into());
        let json = serde_json::to_string(&[Dimension::UserAgent, d.clone()]).unwrap();
        assert_eq!(json, r#"["user-agent","field:x-tenant"]"#);
        let back: Vec<Dimension> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, vec![Dimension::UserAgent, d]);
        assert!(serde_json::from_str::<Dimension>(r#""nope""#).is_err());
    }
}
