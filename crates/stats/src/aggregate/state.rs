//! The aggregate's state format: [`Aggregate::save`] and [`Aggregate::load`], for a cron
//! run's state and for reports merged from many hosts.
//!
//! An aggregate is written as JSON inside a versioned envelope,
//! `{"format":"axlog-aggregate","version":1,"aggregate":{…}}`. Its tables keep their rows
//! in insertion order, so a loaded aggregate merges (and caps) as the original would;
//! what only speeds up the hot path (indexes, the prepare ring, the last page and host
//! hit) is rebuilt, not stored. What is read is checked before it is used, so a corrupt
//! file is an error, never a panic or a wrong figure later.
//!
//! Version rule: [`VERSION`] changes whenever a stored field's meaning or shape changes;
//! a reader refuses any other version (an older state is then rebuilt from the logs).

use super::{Aggregate, Breakdowns, HaproxyStats, MalformedSample, StatsConfig};
use crate::hist::ExactHistogram;
use crate::persecond::PerSecond;
use crate::table::Table;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

/// What the envelope's `format` says.
pub const FORMAT: &str = "axlog-aggregate";

/// The version of the stored fields this build writes and reads.
pub const VERSION: u64 = 1;

/// Why a state could not be written or read back.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("not an axlog aggregate state (format {found:?}, expected {FORMAT:?})")]
    WrongFormat { found: Option<String> },
    #[error(
        "aggregate state version {found} is not supported (this axlog reads version {VERSION})"
    )]
    UnsupportedVersion { found: u64 },
    #[error("corrupt aggregate state: {0}")]
    Corrupt(String),
    #[error("aggregate state: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Serialize)]
struct Envelope<'a> {
    format: &'static str,
    version: u64,
    aggregate: &'a Aggregate,
}

/// The envelope's header, read first: a state of another version may not parse as this
/// version's aggregate.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u64>,
}

#[derive(Deserialize)]
struct Loaded {
    aggregate: Aggregate,
}

impl Aggregate {
    /// Writes the aggregate, in its versioned envelope, to `w`.
    pub fn save(&self, w: impl Write) -> Result<(), StateError> {
        let env = Envelope {
            format: FORMAT,
            version: VERSION,
            aggregate: self,
        };
        serde_json::to_writer(w, &env).map_err(|e| match e.io_error_kind() {
            Some(kind) => StateError::Io(std::io::Error::new(kind, e.to_string())),
            None => StateError::Corrupt(e.to_string()),
        })
    }

    /// Reads an aggregate written by [`Aggregate::save`].
    pub fn load(mut r: impl Read) -> Result<Aggregate, StateError> {
        let mut text = Vec::new();
        r.read_to_end(&mut text)?;
        let corrupt = |e: serde_json::Error| StateError::Corrupt(e.to_string());
        let header: Header = serde_json::from_slice(&text).map_err(corrupt)?;
        if header.format.as_deref() != Some(FORMAT) {
            return Err(StateError::WrongFormat {
                found: header.format,
            });
        }
        match header.version {
            Some(VERSION) => {}
            Some(found) => return Err(StateError::UnsupportedVersion { found }),
            None => return Err(StateError::Corrupt("no version".into())),
        }
        let loaded: Loaded = serde_json::from_slice(&text).map_err(corrupt)?;
        Ok(loaded.aggregate)
    }
}

/// Times further than this from 1970 (in µs, about 36,000 years) are refused when read
/// back: formatting them, and spans between them, then stay within an i64.
const MAX_US: i64 = 1 << 60;

/// The stored fields of an [`Aggregate`], checked and completed into one.
#[derive(Deserialize)]
pub(super) struct AggregateData {
    cfg: StatsConfig,
    lines_read: u64,
    malformed: u64,
    other: u64,
    unread_fields: u64,
    requests: u64,
    bytes_sent: u64,
    first: Option<(i64, i16)>,
    last: Option<(i64, i16)>,
    offsets: Vec<i16>,
    per_second: PerSecond,
    window: Option<(i64, i64)>,
    status: Vec<u64>,
    request_time: ExactHistogram,
    upstream_time: ExactHistogram,
    paths: Table,
    no_path: u64,
    samples: Vec<MalformedSample>,
    sources: Table,
    source: usize,
    haproxy: Option<Box<HaproxyStats>>,
    servers: Table,
    hosts: Table,
    /// Added in version 1 without a version change: a state without `--by` tables is
    /// written as before, and one written before them reads as having none.
    #[serde(default)]
    by: Breakdowns,
    /// Added likewise: the series over time, absent from a state without one.
    #[serde(default)]
    series: Option<Box<super::series::Series>>,
    /// Added the same way, absent when no layout logged upstream lists.
    #[serde(default)]
    attempts: Option<Box<super::attempts::Attempts>>,
    /// Added likewise: the contributor cells, absent when empty.
    #[serde(default)]
    cells: Option<Box<super::cells::Cells>>,
}

impl TryFrom<AggregateData> for Aggregate {
    type Error = String;

    fn try_from(d: AggregateData) -> Result<Self, String> {
        let status: Box<[u64; 1000]> = d
            .status
            .into_boxed_slice()
            .try_into()
            .map_err(|s: Box<[u64]>| format!("{} status counts, not 1000", s.len()))?;
        let in_range = |t: Option<(i64, i16)>| t.is_none_or(|(us, _)| us.abs() <= MAX_US);
        let window_in_range = d.window.is_none_or(|(lo, hi)| {
            lo.abs() <= MAX_US / 1_000_000 && hi.abs() <= MAX_US / 1_000_000 && lo <= hi
        });
        if !in_range(d.first) || !in_range(d.last) || !window_in_range {
            return Err("a time out of range".into());
        }
        let mut a = Aggregate {
            cfg: d.cfg,
            lines_read: d.lines_read,
            malformed: d.malformed,
            other: d.other,
            unread_fields: d.unread_fields,
            requests: d.requests,
            bytes_sent: d.bytes_sent,
            first: d.first,
            last: d.last,
            offsets: d.offsets,
            per_second: d.per_second,
            window: d.window,
            status,
            request_time: d.request_time,
            upstream_time: d.upstream_time,
            paths: d.paths,
            no_path: d.no_path,
            samples: d.samples,
            sources: d.sources,
            source: d.source,
            source_row: 0,
            haproxy: d.haproxy,
            servers: d.servers,
            hosts: d.hosts,
            last_host: 0,
            by: d.by,
            series: d.series,
            attempts: d.attempts,
            cells: d.cells,
            chunked: false,
        };
        if !a.cells_valid() {
            return Err("the contributor cells do not fit the tables".into());
        }
        // The current source's row: the one its requests go to from now on.
        match a.sources.row_id(&super::source_key(a.source)) {
            Some(row) => a.source_row = row,
            None => return Err(format!("no row for source {}", a.source)),
        }
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Observation;
    use crate::aggregate::HaproxyObservation;

    /// Generated lines: paths (some not UTF-8) past a cap of 40, HAProxy `backend/server`
    /// pairs past none, syslog hosts past none, request times on and off the millisecond
    /// grid, statuses of every class, over about 20 minutes.
    struct Lines {
        paths: Vec<Vec<u8>>,
        servers: Vec<String>,
        hosts: Vec<String>,
    }

    impl Lines {
        fn new(n: usize, seed: u64) -> Lines {
            let mut state = seed;
            let mut next = move || {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                state >> 33
            };
            let mut l = Lines {
                paths: Vec::new(),
                servers: Vec::new(),
                hosts: Vec::new(),
            };
            for _ in 0..n {
                let r = next();
                let mut p = format!("/api/{}", r % 90).into_bytes();
                if r.is_multiple_of(17) {
                    p.push(0xff);
                }
                l.paths.push(p);
                l.servers.push(format!("be{}/s{}", r % 3, r % 7));
                l.hosts.push(format!("lb{}", r % 5));
            }
            l
        }

        fn observation(&self, i: usize) -> Observation<'_> {
            let r = i as u64 * 2654435761 % 1000;
            let ta = if r.is_multiple_of(3) {
                r * 1000 + 7
            } else {
                r * 1000
            };
            Observation {
                ts_us: 1_700_000_000_000_000 + (i as i64 % 1200) * 1_000_000 + (r as i64),
                utc_offset_min: [60, -300][i % 2],
                status: [200, 304, 404, 503, 101, 0][i % 6],
                bytes_sent: (!r.is_multiple_of(4)).then_some(r * 10),
                request_time_us: Some(ta),
                upstream_time_us: r.is_multiple_of(2).then_some(r * 500),
                path: (!i.is_multiple_of(11)).then_some(&self.paths[i][..]),
                haproxy: i.is_multiple_of(3).then(|| HaproxyObservation {
                    timers_us: [Some(1000), Some(0), None, Some(r * 500), Some(ta)],
                    backend_server: self.servers[i].as_bytes(),
                    host: self.hosts[i].as_bytes(),
                    ..HaproxyObservation::default()
                }),
            }
        }
    }

    fn cfg() -> StatsConfig {
        StatsConfig {
            max_paths: 40,
            source_by_host: true,
            ..StatsConfig::default()
        }
    }

    /// An aggregate of lines `range` of `lines`, read from sources 0, 1 and 2 in turn,
    /// with a malformed line among each source's.
    fn aggregate(lines: &Lines, range: std::ops::Range<usize>) -> Aggregate {
        let mut a = Aggregate::new(cfg());
        let len = range.len();
        for (k, i) in range.enumerate() {
            if k % (len / 3).max(1) == 0 {
                a.set_source(k * 3 / len.max(1));
                a.malformed("x.log", i as u64, b"junk \xfe");
            }
            a.add_lines(1);
            a.observe(&lines.observation(i));
        }
        a
    }

    fn round_trip(a: &Aggregate) -> Aggregate {
        let mut buf = Vec::new();
        a.save(&mut buf).unwrap();
        Aggregate::load(&buf[..]).unwrap()
    }

    /// What the summary does not show of an aggregate: its tables' rows (all of them,
    /// with classes, bytes and latency) and states.
    fn tables(a: &Aggregate) -> Vec<String> {
        a.tables()
            .iter()
            .map(|t| {
                let rows: Vec<String> = t
                    .rows()
                    .map(|(k, r)| {
                        let q = r.latency.quantiles(&[0, 500_000, 1_000_000]);
                        format!(
                            "{k:?} {} {:?} {} {q:?}",
                            r.requests, r.classes, r.bytes_sent
                        )
                    })
                    .collect();
                format!(
                    "{} cap {} untracked {} reached {} {rows:?}",
                    t.dimension(),
                    t.cap(),
                    t.untracked(),
                    t.cap_reached()
                )
            })
            .collect()
    }

    #[test]
    fn round_trip_summarizes_the_same() {
        let lines = Lines::new(3000, 7);
        let a = aggregate(&lines, 0..3000);
        // The generated lines reach what the test means to cover.
        let s = a.summarize();
        assert!(s.paths.cap_reached && s.haproxy.is_some());
        assert_eq!((a.tables()[0].len(), a.host_stats().len()), (40, 5));
        assert!(
            a.tables()[0]
                .rows()
                .any(|(k, _)| std::str::from_utf8(k).is_err())
        );
        let b = round_trip(&a);
        assert_eq!(b.summarize(), s);
        assert_eq!(tables(&b), tables(&a));
        for src in 0..3 {
            let req = |x: &Aggregate| x.source_stats(src).map(|r| (r.requests, r.p99_us()));
            assert_eq!(req(&b), req(&a));
        }
        // Loaded, it goes on counting as the original does (rebuilt index, current
        // source, hot-path state).
        let (mut a, mut b) = (a, b);
        for x in [&mut a, &mut b] {
            for i in 0..500 {
                x.observe(&lines.observation(i));
            }
        }
        assert_eq!(b.summarize(), a.summarize());
        assert_eq!(tables(&b), tables(&a));
    }

    #[test]
    fn merged_after_loading_as_before() {
        let lines = Lines::new(4000, 11);
        let (a, b) = (aggregate(&lines, 0..2500), aggregate(&lines, 2500..4000));
        let mut direct = a.clone();
        direct.merge(&b);
        let mut loaded = round_trip(&a);
        loaded.merge(&round_trip(&b));
        assert_eq!(loaded.summarize(), direct.summarize());
        assert_eq!(tables(&loaded), tables(&direct));
    }

    #[test]
    fn other_versions_and_formats_are_refused() {
        let mut buf = Vec::new();
        aggregate(&Lines::new(50, 3), 0..50).save(&mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.starts_with(r#"{"format":"axlog-aggregate","version":1,"aggregate":{"#));
        let v2 = text.replacen(r#""version":1"#, r#""version":2"#, 1);
        assert!(matches!(
            Aggregate::load(v2.as_bytes()),
            Err(StateError::UnsupportedVersion { found: 2 })
        ));
        let other = text.replacen("axlog-aggregate", "axlog-cron", 1);
        match Aggregate::load(other.as_bytes()) {
            Err(StateError::WrongFormat { found }) => {
                assert_eq!(found.as_deref(), Some("axlog-cron"))
            }
            r => panic!("{r:?}"),
        }
        assert!(matches!(
            Aggregate::load(&br#"{"version":1}"#[..]),
            Err(StateError::WrongFormat { found: None })
        ));
    }

    #[test]
    fn truncated_or_garbage_input_is_an_error() {
        let mut buf = Vec::new();
        aggregate(&Lines::new(300, 5), 0..300)
            .save(&mut buf)
            .unwrap();
        for cut in (0..buf.len()).step_by(97).chain([buf.len() - 1]) {
            assert!(
                matches!(Aggregate::load(&buf[..cut]), Err(StateError::Corrupt(_))),
                "cut at {cut}"
            );
        }
        let text = String::from_utf8(buf).unwrap();
        // Parses, but breaks what the code relies on.
        for (from, to) in [
            (r#""small_len":0"#, r#""small_len":9"#),
            (r#""dense_cap_ms":65536"#, r#""dense_cap_ms":65537"#),
            (r#""source":2"#, r#""source":-1"#),
            // 1,001 status counts.
            (r#""status":["#, r#""status":[0,"#),
        ] {
            assert!(text.contains(from), "{from}");
            let bad = text.replacen(from, to, 1);
            assert!(
                matches!(Aggregate::load(bad.as_bytes()), Err(StateError::Corrupt(_))),
                "{to}"
            );
        }
        for garbage in [&b""[..], b"\xff\xfe", b"[1,2", b"null", b"{\"format\":7}"] {
            assert!(Aggregate::load(garbage).is_err(), "{garbage:?}");
        }
    }
}
