//! Injected incidents (`--event KIND@START/DURATION[:DIM=KEY]`): their syntax,
//! the keys they aim at, and how a key is recognised in the generated traffic
//! (an endpoint as axlog folds a path, a HAProxy `backend/server`). The
//! generator applies them (`generator.rs`).

use std::fmt;
use std::str::FromStr;

use crate::Format;
use crate::generator::write_pieces;
use crate::rng::{Rng, splitmix64};
use crate::tables::{Class, Tables, class_info};
use crate::text::parse_start;

/// What happens during an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// Traffic x3; the extra requests all go to the key (to the usual mix
    /// without a key).
    Spike,
    /// No request at all (no line is logged with a time inside it).
    Outage,
    /// 20% of the requests become 5xx (500 or 502) responses of the key (of
    /// any URL without a key), on top of the usual ~1.5%.
    Errors,
    /// The key's requests (every request without a key) take 10 times as long.
    Latency,
}

impl EventKind {
    /// The name in the syntax (`spike`, `outage`, `errors`, `latency`).
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Spike => "spike",
            EventKind::Outage => "outage",
            EventKind::Errors => "errors",
            EventKind::Latency => "latency",
        }
    }
}

/// What an event aims at.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EventKey {
    /// An endpoint as axlog folds a path (`/api/v1/users/:id`, `/search`).
    Endpoint(String),
    /// A HAProxy `backend/server` pair (`app/web3`); haproxy-http only.
    Server { backend: String, server: u64 },
}

impl fmt::Display for EventKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventKey::Endpoint(e) => write!(f, "endpoint={e}"),
            EventKey::Server { backend, server } => write!(f, "server={backend}/web{server}"),
        }
    }
}

/// One injected incident over the simulated seconds `[start, start + duration)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Event {
    pub kind: EventKind,
    /// UTC epoch seconds.
    pub start_epoch_s: i64,
    pub duration_s: i64,
    pub key: Option<EventKey>,
}

impl Event {
    /// Whether the simulated second `t` is inside the event.
    pub fn covers(&self, t: i64) -> bool {
        t >= self.start_epoch_s && t - self.start_epoch_s < self.duration_s
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}@{}/{}s",
            self.kind.name(),
            self.start_epoch_s,
            self.duration_s
        )?;
        if let Some(k) = &self.key {
            write!(f, ":{k}")?;
        }
        Ok(())
    }
}

/// The syntax, for error messages and `--help`.
pub const EVENT_SYNTAX: &str = "KIND@START/DURATION[:DIM=KEY], e.g. spike@2026-11-21T10:00:00Z/2m:endpoint=/search; \
KIND spike|outage|errors|latency, START RFC 3339, DURATION N[s|m|h|d], DIM=KEY endpoint=/folded/path or \
server=BACKEND/SERVER (haproxy-http); outage takes no key";

impl FromStr for Event {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |why: &str| format!("invalid event {s:?}: {why} (expected {EVENT_SYNTAX})");
        let (kind, rest) = s.split_once('@').ok_or_else(|| err("no '@'"))?;
        let kind = match kind {
            "spike" => EventKind::Spike,
            "outage" => EventKind::Outage,
            "errors" => EventKind::Errors,
            "latency" => EventKind::Latency,
            _ => return Err(err(&format!("unknown kind {kind:?}"))),
        };
        // RFC 3339 times hold no '/', so the first '/' ends START; the
        // duration holds no ':', so the first ':' after it starts the key.
        let (start, rest) = rest.split_once('/').ok_or_else(|| err("no '/DURATION'"))?;
        let start_epoch_s = parse_start(start).map_err(|e| err(&e))?;
        let (dur, key) = match rest.split_once(':') {
            Some((d, k)) => (d, Some(k)),
            None => (rest, None),
        };
        let duration_s =
            parse_duration(dur).ok_or_else(|| err(&format!("bad duration {dur:?}")))?;
        let key = match key {
            None => None,
            Some(k) => Some(parse_key(k).ok_or_else(|| err(&format!("bad key {k:?}")))?),
        };
        if kind == EventKind::Outage && key.is_some() {
            return Err(err("an outage stops all traffic and takes no key"));
        }
        Ok(Event {
            kind,
            start_epoch_s,
            duration_s,
            key,
        })
    }
}

/// `90`, `90s`, `2m`, `1h`, `1d` -> seconds (1 s to 366 days).
pub fn parse_duration(s: &str) -> Option<i64> {
    let (num, unit) = match s.as_bytes().last()? {
        b's' => (&s[..s.len() - 1], 1),
        b'm' => (&s[..s.len() - 1], 60),
        b'h' => (&s[..s.len() - 1], 3_600),
        b'd' => (&s[..s.len() - 1], 86_400),
        _ => (s, 1),
    };
    let n: i64 = num.parse().ok()?;
    let secs = n.checked_mul(unit)?;
    (1..=366 * 86_400).contains(&secs).then_some(secs)
}

/// `endpoint=/a/:id` or `server=app/web3`.
fn parse_key(s: &str) -> Option<EventKey> {
    let (dim, key) = s.split_once('=')?;
    match dim {
        "endpoint" if key.starts_with('/') => Some(EventKey::Endpoint(key.to_string())),
        "server" => {
            let (backend, server) = key.split_once('/')?;
            let server = server.strip_prefix("web")?.parse().ok()?;
            (!backend.is_empty()).then(|| EventKey::Server {
                backend: backend.to_string(),
                server,
            })
        }
        _ => None,
    }
}

/// A path's endpoint as axlog's built-in folds make it (docs/endpoints.md):
/// the query dropped, an all-digit segment `:id`, a UUID `:uuid`, 16 hex
/// digits or more with a digit among them `:hex`.
pub(crate) fn fold_endpoint(path: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let path = path.split(|&b| b == b'?').next().unwrap_or(path);
    for (i, seg) in path.split(|&b| b == b'/').enumerate() {
        if i > 0 {
            out.push(b'/');
        }
        let uuid = seg.len() == 36
            && seg.iter().enumerate().all(|(i, &c)| match i {
                8 | 13 | 18 | 23 => c == b'-',
                _ => c.is_ascii_hexdigit(),
            });
        if !seg.is_empty() && seg.iter().all(u8::is_ascii_digit) {
            out.extend_from_slice(b":id");
        } else if uuid {
            out.extend_from_slice(b":uuid");
        } else if seg.len() >= 16
            && seg.iter().all(u8::is_ascii_hexdigit)
            && seg.iter().any(u8::is_ascii_digit)
        {
            out.extend_from_slice(b":hex");
        } else {
            out.extend_from_slice(seg);
        }
    }
}

/// What an event's key resolved to in this run's vocabulary.
pub(crate) enum Target {
    /// No key: all traffic.
    Any,
    /// Requests whose path folds to `key`; `tmpls` always do.
    Endpoint { key: Vec<u8>, tmpls: Vec<usize> },
    /// HAProxy requests to `backend`/web`server`; `tmpls` go to that backend.
    Server {
        backend: &'static [u8],
        server: u64,
        tmpls: Vec<usize>,
    },
}

/// An event with its key resolved (`None`: the key matches nothing, the
/// event is left out).
pub(crate) struct Armed {
    pub(crate) ev: Event,
    pub(crate) target: Option<Target>,
}

/// What `e`'s key is in this run's vocabulary; `None` when nothing matches.
pub(crate) fn resolve(e: &Event, format: Format, t: &Tables) -> Option<Target> {
    match &e.key {
        None => Some(Target::Any),
        Some(EventKey::Endpoint(key)) => {
            let key = key.as_bytes().to_vec();
            let tmpls: Vec<usize> = (0..t.templates.len())
                .filter(|&i| constant_endpoint(t, i).is_some_and(|k| k == key))
                .collect();
            (!tmpls.is_empty()).then_some(Target::Endpoint { key, tmpls })
        }
        Some(EventKey::Server { backend, server }) => {
            if format != Format::HaproxyHttp || !(1..=8).contains(server) {
                return None;
            }
            let backend = [b"api".as_slice(), b"app", b"static"]
                .into_iter()
                .find(|b| *b == backend.as_bytes())?;
            // Ordinary traffic only: no probes or scanners in a spike.
            let tmpls: Vec<usize> = (0..t.templates.len())
                .filter(|&i| {
                    let c = t.templates[i].class;
                    class_info(c).backend == backend
                        && !matches!(c, Class::Health | Class::Metrics | Class::Scanner)
                })
                .collect();
            (!tmpls.is_empty()).then_some(Target::Server {
                backend,
                server: *server,
                tmpls,
            })
        }
    }
}

/// The endpoint template `i` folds into when every draw of it folds the same
/// (a few draws tried), else `None`.
pub(crate) fn constant_endpoint(t: &Tables, i: usize) -> Option<Vec<u8>> {
    let (mut path, mut first, mut other) = (Vec::new(), Vec::new(), Vec::new());
    let mut rng = Rng::new(splitmix64(i as u64 ^ 0xe7e7_0000_0000_0005));
    for draw in 0..6 {
        path.clear();
        write_pieces(&mut path, &t.templates[i].pieces, &mut rng, t);
        fold_endpoint(&path, if draw == 0 { &mut first } else { &mut other });
        if draw > 0 && other != first {
            return None;
        }
    }
    Some(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_START;

    #[test]
    fn parses_the_syntax() {
        let e: Event = "spike@2026-11-21T10:00:00Z/2m:endpoint=/search"
            .parse()
            .unwrap();
        assert_eq!(e.kind, EventKind::Spike);
        assert_eq!(e.start_epoch_s, DEFAULT_START + 10 * 3_600);
        assert_eq!(e.duration_s, 120);
        assert_eq!(e.key, Some(EventKey::Endpoint("/search".into())));
        assert!(e.covers(DEFAULT_START + 36_000 + 119));
        assert!(!e.covers(DEFAULT_START + 36_000 + 120));
        assert!(!e.covers(DEFAULT_START + 36_000 - 1));

        let e: Event = "latency@2026-11-21T10:00:00+01:00/60:server=app/web3"
            .parse()
            .unwrap();
        assert_eq!(e.start_epoch_s, DEFAULT_START + 9 * 3_600);
        assert_eq!(e.duration_s, 60);
        assert_eq!(
            e.key,
            Some(EventKey::Server {
                backend: "app".into(),
                server: 3
            })
        );
        let e: Event = "outage@2026-11-21T00:30:00Z/1h".parse().unwrap();
        assert_eq!(
            (e.kind, e.duration_s, e.key),
            (EventKind::Outage, 3_600, None)
        );
        let e: Event = "errors@2026-11-21T00:30:00Z/90s".parse().unwrap();
        assert_eq!((e.kind, e.duration_s), (EventKind::Errors, 90));
    }

    #[test]
    fn rejects_bad_specs() {
        for bad in [
            "spike",
            "burst@2026-11-21T10:00:00Z/2m",
            "spike@2026-11-21/2m",
            "spike@2026-11-21T10:00:00Z",
            "spike@2026-11-21T10:00:00Z/0s",
            "spike@2026-11-21T10:00:00Z/367d",
            "spike@2026-11-21T10:00:00Z/2m:path=/x",
            "spike@2026-11-21T10:00:00Z/2m:endpoint=x",
            "spike@2026-11-21T10:00:00Z/2m:server=web3",
            "spike@2026-11-21T10:00:00Z/2m:server=app/3",
            "outage@2026-11-21T10:00:00Z/2m:endpoint=/x",
        ] {
            let e = bad.parse::<Event>().unwrap_err();
            assert!(e.contains("KIND@START/DURATION"), "{bad}: {e}");
        }
    }

    #[test]
    fn folds_as_axlog_does() {
        let mut out = Vec::new();
        for (path, want) in [
            ("/api/v1/users/8812?expand=1", "/api/v1/users/:id"),
            (
                "/api/v2/orders/0b7c6a2e-1f3d-4c5e-9a8b-7c6d5e4f3a2b",
                "/api/v2/orders/:uuid",
            ),
            ("/x/0123456789abcdef", "/x/:hex"),
            ("/x/abcdefabcdefabcdef", "/x/abcdefabcdefabcdef"),
            ("/search?q=a&page=2", "/search"),
            ("/", "/"),
            ("/images/products/12.jpg", "/images/products/12.jpg"),
        ] {
            fold_endpoint(path.as_bytes(), &mut out);
            assert_eq!(String::from_utf8_lossy(&out), want, "{path}");
        }
    }
}
