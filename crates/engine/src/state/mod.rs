//! The state a `--state FILE` run keeps between runs (issue 18): for each rotated set it
//! read, each file's [`Fingerprint`], device and inode, and the decoded byte where the
//! next run starts ([`FileEntry`]). [`load`] reads it (a missing file is an empty state;
//! a file it cannot read is an error naming it, never overwritten); [`write_atomic`]
//! replaces it whole (temporary file, fsync, rename, directory fsync), so a crash leaves
//! the old state or the new one, never a mix. [`lock`] keeps two runs apart,
//! [`resolve`] turns the state and the files found now ([`members`]) into the byte
//! ranges to read, and [`fault`] crashes a run on demand for the tests.
//!
//! The format is JSON, versioned like the aggregate's (`format`, `version`): any change of
//! shape bumps [`VERSION`], and another version is refused rather than guessed at.

pub mod cumulative;
pub mod fault;
pub mod journal;
pub mod live;
pub mod lock;
pub mod members;
pub mod resolve;
pub mod settle;

use crate::Span;
use axlog_input::Fingerprint;
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};

/// The `format` field of every state file.
pub const FORMAT: &str = "axlog-state";
/// The version of the state's shape.
pub const VERSION: u32 = 1;

/// What a run keeps for the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`] once loaded.
    pub version: u32,
    /// Runs committed so far: each commit writes `generation + 1`, so an output stamped
    /// with a generation the state never reached came from a run that did not commit.
    pub generation: u64,
    /// `report` or `convert`: each needs its own state (what one counted, the other did
    /// not write). Empty in a state not yet written.
    pub command: String,
    /// A hash of the settings that must not change between runs (the caller's).
    pub settings: String,
    /// The rotated sets read so far.
    pub sets: Vec<SetEntry>,
    /// The machine that wrote it: `--from-state` over states of several hosts names
    /// their rows `host:label`. Empty in a state written before it was kept.
    #[serde(default)]
    pub host: String,
    /// Every run's statistics since the state began (`--cumulative`); absent in a state
    /// that does not keep them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cumulative: Option<cumulative::Cumulative>,
    /// A follower's open windows (`report --every --follow --state`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<live::LiveState>,
}

impl Default for State {
    fn default() -> State {
        State {
            format: FORMAT.to_string(),
            version: VERSION,
            generation: 0,
            command: String::new(),
            settings: String::new(),
            sets: Vec::new(),
            host: String::new(),
            cumulative: None,
            live: None,
        }
    }
}

/// One rotated set: a directory and a base name (`/var/log/nginx`, `access.log`), whose
/// members (`access.log`, `access.log.1`, `access.log.2.gz`, `access.log-20261206`) are
/// one stream of lines over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetEntry {
    pub dir: String,
    pub base: String,
    /// The name its rows are reported under (the live path, or `--source-label`).
    pub label: String,
    /// The layout its lines were read with, once known.
    pub layout: Option<String>,
    /// Its files read so far, in rotation order (oldest first) as last seen.
    pub files: Vec<FileEntry>,
}

/// One file of a set, found again by its fingerprint whatever its name is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Of its first decoded bytes: what identifies it (names and inodes change or are
    /// reused).
    #[serde(with = "FingerprintDef")]
    pub fp: Fingerprint,
    /// Device and inode as last seen: they only break ties between equal fingerprints.
    pub dev: u64,
    pub ino: u64,
    /// Its file name when last seen (for messages).
    pub seen_as: String,
    /// Its compression when last seen (`plain`, `gzip`, …).
    pub compression: String,
    /// The decoded byte the next read starts at: lines starting at or after it are new.
    pub offset: u64,
    /// Decoded bytes seen at the last run (for an archive: its decoded size once read).
    pub size: u64,
    /// Modification time when last seen, nanoseconds since the epoch: a hint only.
    pub mtime_ns: i64,
    /// Lines before `offset`, so line numbers stay those of the whole file.
    pub lines: u64,
    /// Ranges past `offset` already counted, in order, each with its lines: a read that
    /// failed part-way had parsed them (design §2.3). The next run reads only the holes
    /// between them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skip: Vec<Span>,
    /// An archive read to its end: nothing more will come of it. Kept until the file is
    /// gone, so it is not read again from 0 as a new file.
    pub done: bool,
}

impl FileEntry {
    /// Where what was counted of it ends: its offset, or past it the last skipped range.
    pub fn counted_end(&self) -> u64 {
        self.skip.iter().map(|s| s.end).fold(self.offset, u64::max)
    }

    /// Bytes past the offset already counted.
    pub fn skipped(&self) -> u64 {
        self.skip
            .iter()
            .map(|s| s.end.saturating_sub(s.start))
            .sum()
    }
}

/// [`Fingerprint`]'s stored form (the input crate has no serde): the hash as 16 hex
/// digits, named for its algorithm, so a reader outside Rust loses no bits of it.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Fingerprint", deny_unknown_fields)]
struct FingerprintDef {
    len: u32,
    #[serde(rename = "fnv1a64", with = "hex64")]
    hash: u64,
    nul_skip: u64,
}

/// A `u64` as exactly 16 lowercase hex digits.
mod hex64 {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{v:016x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let s = String::deserialize(d)?;
        // `from_str_radix` alone would take a sign and fewer digits.
        if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(D::Error::custom(format!(
                "fnv1a64 `{s}` is not 16 hex digits"
            )));
        }
        u64::from_str_radix(&s, 16).map_err(D::Error::custom)
    }
}

/// Why a state file cannot be used. Each names the file; none is ever overwritten.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{}: cannot read the state: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "{}: not a readable axlog state ({reason}): remove it or use `--state-reset`",
        .path.display()
    )]
    Corrupt { path: PathBuf, reason: String },
    #[error(
        "{}: state written by another axlog version (state version {found}, this axlog \
         reads {VERSION}): remove it or use `--state-reset`",
        .path.display()
    )]
    Version { path: PathBuf, found: u64 },
    #[error("{}: cannot write the state: {source}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// The first fields of a state, read before the rest so that another version is
/// refused as such rather than as a shape that does not parse.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u64>,
}

/// The state in `path`; a missing file is an empty state (the first run).
pub fn load(path: &Path) -> Result<State, StateError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(State::default()),
        Err(source) => {
            return Err(StateError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let corrupt = |reason: String| StateError::Corrupt {
        path: path.to_path_buf(),
        reason,
    };
    let header: Header = serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(corrupt(format!("no \"format\": \"{FORMAT}\"")));
    }
    match header.version {
        Some(v) if v == u64::from(VERSION) => {}
        Some(found) => {
            return Err(StateError::Version {
                path: path.to_path_buf(),
                found,
            });
        }
        None => return Err(corrupt("no \"version\"".into())),
    }
    serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))
}

/// Replaces `path` with `state` so that a crash at any point leaves either the old file
/// or the new one whole ([`replace_file`](crate::replace::replace_file)). A temporary file
/// left by a crash is never read ([`load`] reads `path` only) and is replaced by the same
/// pid's next write.
pub fn write_atomic(path: &Path, state: &State) -> Result<(), StateError> {
    let err = |source: io::Error| StateError::Write {
        path: path.to_path_buf(),
        source,
    };
    let bytes = serde_json::to_vec(state).map_err(|e| err(io::Error::other(e)))?;
    crate::replace::replace_file(path, &bytes).map_err(err)
}

pub(crate) use crate::replace::sync_dir;

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> State {
        State {
            format: FORMAT.into(),
            version: VERSION,
            generation: 42,
            command: "report".into(),
            settings: "s-1".into(),
            sets: vec![SetEntry {
                dir: "/var/log/nginx".into(),
                base: "access.log".into(),
                label: "web1:/var/log/nginx/access.log".into(),
                layout: Some("nginx-combined".into()),
                files: vec![
                    FileEntry {
                        fp: Fingerprint {
                            len: 1024,
                            hash: 0x9f3c_5e00_0000_0001,
                            nul_skip: 0,
                        },
                        dev: 2049,
                        ino: 131,
                        seen_as: "access.log.1".into(),
                        compression: "plain".into(),
                        offset: 1_048_576,
                        size: 1_048_600,
                        mtime_ns: 1_796_000_000_000_000_000,
                        lines: 12_345,
                        skip: vec![Span {
                            start: 1_048_700,
                            end: 1_048_800,
                            lines: 2,
                        }],
                        done: false,
                    },
                    FileEntry {
                        // A hash above 2^63: stored as hex, it keeps every bit.
                        fp: Fingerprint {
                            len: 7,
                            hash: u64::MAX - 5,
                            nul_skip: 4096,
                        },
                        dev: 1,
                        ino: 2,
                        seen_as: "access.log".into(),
                        compression: "gzip".into(),
                        offset: 0,
                        size: 7,
                        mtime_ns: -1,
                        lines: 0,
                        skip: Vec::new(),
                        done: true,
                    },
                ],
            }],
            host: "web1".into(),
            cumulative: None,
            live: None,
        }
    }

    #[test]
    fn a_state_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("web.state");
        let state = sample();
        write_atomic(&path, &state).unwrap();
        assert_eq!(load(&path).unwrap(), state);
        // The hash is stored as 16 hex digits under its algorithm's name.
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(r#""fnv1a64":"9f3c5e0000000001""#), "{text}");
        assert!(text.contains(r#""fnv1a64":"fffffffffffffffa""#), "{text}");
        // Written again: replaced whole, no temporary file left.
        let mut next = state.clone();
        next.generation = 43;
        next.sets.clear();
        write_atomic(&path, &next).unwrap();
        assert_eq!(load(&path).unwrap(), next);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["web.state"]);
    }

    #[test]
    fn a_missing_state_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let state = load(&dir.path().join("none.state")).unwrap();
        assert_eq!(state.format, "axlog-state");
        assert_eq!(state.version, 1);
        assert_eq!(state.generation, 0);
        assert!(state.sets.is_empty());
    }

    #[test]
    fn a_temporary_file_left_by_a_crash_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("web.state");
        write_atomic(&path, &sample()).unwrap();
        // A crash mid-write leaves a half temporary file beside the state.
        let tmp = dir.path().join(".web.state.tmp.999999");
        std::fs::write(&tmp, br#"{"format":"axlog-state","version":1,"gen"#).unwrap();
        assert_eq!(load(&path).unwrap(), sample());
        // With no state yet, the leftover does not stand in for one either.
        let other = dir.path().join("other.state");
        std::fs::write(dir.path().join(".other.state.tmp.7"), b"{}").unwrap();
        assert_eq!(load(&other).unwrap(), State::default());
        // A write from the same pid replaces its own leftover.
        let own = dir
            .path()
            .join(format!(".web.state.tmp.{}", std::process::id()));
        std::fs::write(&own, b"garbage").unwrap();
        write_atomic(&path, &State::default()).unwrap();
        assert!(!own.exists());
        assert_eq!(load(&path).unwrap(), State::default());
    }

    #[test]
    fn a_corrupt_state_is_an_error_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("web.state");
        let full = serde_json::to_vec(&sample()).unwrap();
        let cases: Vec<Vec<u8>> = vec![
            full[..full.len() / 2].to_vec(),
            b"".to_vec(),
            b"\xff\xfe\x00garbage".to_vec(),
            b"[1,2,3]".to_vec(),
            br#"{"format":"other","version":1}"#.to_vec(),
            br#"{"format":"axlog-state"}"#.to_vec(),
            // The right header over the wrong shape.
            br#"{"format":"axlog-state","version":1,"generation":"x"}"#.to_vec(),
            String::from_utf8(full.clone())
                .unwrap()
                .replace("9f3c5e0000000001", "9f3c5e00000001")
                .into_bytes(),
            String::from_utf8(full.clone())
                .unwrap()
                .replace("\"done\":true", "\"done\":true,\"extra\":1")
                .into_bytes(),
        ];
        for bytes in cases {
            std::fs::write(&path, &bytes).unwrap();
            let e = load(&path).unwrap_err();
            assert!(matches!(e, StateError::Corrupt { .. }), "{e}");
            assert!(e.to_string().contains("web.state"), "{e}");
            assert_eq!(std::fs::read(&path).unwrap(), bytes);
        }
    }

    #[test]
    fn another_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("web.state");
        let bytes = br#"{"format":"axlog-state","version":2,"shape":"new"}"#;
        std::fs::write(&path, bytes).unwrap();
        let e = load(&path).unwrap_err();
        assert!(matches!(e, StateError::Version { found: 2, .. }), "{e}");
        let msg = e.to_string();
        assert!(msg.contains("another axlog version"), "{msg}");
        assert!(msg.contains("web.state"), "{msg}");
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }

    #[test]
    fn no_bytes_make_load_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("web.state");
        let full = serde_json::to_vec(&sample()).unwrap();
        // Every prefix, and every byte replaced by a quote or a byte that is not UTF-8:
        // a state or an error naming the file, never a panic.
        let mut cases: Vec<Vec<u8>> = (0..full.len()).map(|n| full[..n].to_vec()).collect();
        for k in 0..full.len() {
            for b in [b'"', 0xff] {
                let mut c = full.clone();
                c[k] = b;
                cases.push(c);
            }
        }
        for bytes in cases {
            std::fs::write(&path, &bytes).unwrap();
            match load(&path) {
                Ok(s) => assert_eq!((s.format.as_str(), s.version), (FORMAT, VERSION)),
                Err(e) => assert!(e.to_string().contains("web.state"), "{e}"),
            }
        }
    }

    #[test]
    fn an_unreadable_state_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should be.
        let e = load(dir.path()).unwrap_err();
        assert!(matches!(e, StateError::Read { .. }), "{e}");
    }
}
