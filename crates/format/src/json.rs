//! JSON-lines access logs: one object per line, fields mapped to [`Record`] by key.
//!
//! A mapping names, for each record field, the key that holds it (`request.uri` for a key
//! inside an object; `.0` for the first element of an array) and, for times and
//! durations, the unit. Presets cover Caddy's and Traefik's default JSON access logs and
//! nginx `escape=json` layouts whose keys are nginx variable names; `--json-fields`
//! gives any other mapping. Values are borrowed as written (JSON escapes included);
//! numbers may be written as numbers or as strings, as nginx templates often do.

use crate::error::ParseError;
use crate::logformat::Unit;
use crate::num::{parse_u64, sum_upstream_list, trim_spaces};
use crate::record::Record;
use crate::time::{TimeLocalCache, parse_iso8601};

/// A record field a JSON key can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The request time: ISO 8601 text, nginx `$time_local` text, or a number of `Unit`s
    /// since the epoch (seconds may have decimals).
    Time(Unit),
    Client,
    User,
    Method,
    Uri,
    Request,
    Status,
    Bytes,
    Referer,
    UserAgent,
    /// Request duration in `Unit`s.
    Latency(Unit),
    /// Upstream duration: nginx's list form (`0.1, 0.2`) in seconds, or a number of `Unit`s.
    UpstreamLatency(Unit),
    /// The backend's status; `0` with an upstream time of 0 says no backend was reached,
    /// so there is no upstream time.
    UpstreamStatus,
}

impl Target {
    /// Parses `name[:unit]` as `--json-fields` writes a target.
    fn from_spec(name: &str) -> Result<Target, String> {
        let (name, unit) = match name.split_once(':') {
            Some((n, u)) => (n, Some(u)),
            None => (name, None),
        };
        let unit = match unit {
            None | Some("s") => Unit::Seconds,
            Some("ms") => Unit::Millis,
            Some("us") => Unit::Micros,
            Some("ns") => Unit::Nanos,
            Some(u) => return Err(format!("unknown unit '{u}' (s, ms, us, ns)")),
        };
        Ok(match name {
            "ts" | "time" => Target::Time(unit),
            "client" => Target::Client,
            "user" => Target::User,
            "method" => Target::Method,
            "uri" | "path" => Target::Uri,
            "request" => Target::Request,
            "status" => Target::Status,
            "bytes" => Target::Bytes,
            "referer" => Target::Referer,
            "user_agent" => Target::UserAgent,
            "latency" => Target::Latency(unit),
            "upstream_latency" => Target::UpstreamLatency(unit),
            "upstream_status" => Target::UpstreamStatus,
            _ => {
                return Err(format!(
                    "unknown field '{name}' (ts, client, user, method, uri, request, status, bytes, referer, user_agent, latency, upstream_latency, upstream_status)"
                ));
            }
        })
    }
}

/// Keys to record fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonMapping {
    definition: String,
    /// (key path, target); a target may be listed under several keys (the first found in
    /// a line wins).
    map: Vec<(Vec<u8>, Target)>,
    /// The entries of `map` a line is read with: those whose target is asked for (see
    /// [`JsonMapping::set_projection`]), in `map`'s order.
    active: Vec<(Vec<u8>, Target)>,
}

impl JsonMapping {
    /// Compiles `target=key,target=key:unit,...`.
    pub fn compile(spec: &str) -> Result<JsonMapping, String> {
        let mut map = Vec::new();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (target, key) = item
                .split_once('=')
                .ok_or_else(|| format!("'{item}' is not target=key"))?;
            // The unit is written after the key: `latency=duration:ms`. For a time or a
            // duration any word there is a unit, so a misspelt one is an error rather than
            // part of a key that no line has.
            let timed = matches!(
                target.trim(),
                "ts" | "time" | "latency" | "upstream_latency"
            );
            let (key, unit) = match key.rsplit_once(':') {
                Some((_, "")) if timed => {
                    return Err(format!("'{item}' has no unit after ':' (s, ms, us, ns)"));
                }
                Some((k, u))
                    if timed && !u.is_empty() && u.bytes().all(|b| b.is_ascii_alphabetic()) =>
                {
                    (k, Some(u))
                }
                Some((k, u)) if matches!(u, "s" | "ms" | "us" | "ns") => (k, Some(u)),
                _ => (key, None),
            };
            let spec_target = match unit {
                Some(u) => format!("{}:{u}", target.trim()),
                None => target.trim().to_string(),
            };
            let target = Target::from_spec(&spec_target)?;
            let key = key.trim().trim_start_matches('$');
            if key.is_empty() {
                return Err(format!("'{item}' has no key"));
            }
            map.push((key.as_bytes().to_vec(), target));
        }
        if !map.iter().any(|(_, t)| matches!(t, Target::Time(_))) {
            return Err("the mapping has no time field (ts=KEY)".to_string());
        }
        Ok(JsonMapping {
            definition: spec.to_string(),
            active: map.clone(),
            map,
        })
    }

    /// See [`crate::LineParser::set_projection`]. A key whose target is not asked for
    /// is not looked up, unless reading it may reject the line (times and numbers): a
    /// shorter list to search for every key of every line.
    pub fn set_projection(&mut self, fields: crate::Fields) {
        use crate::fields::Field as F;
        let asked = |t: Target| match t {
            Target::Time(_)
            | Target::Status
            | Target::Bytes
            | Target::Latency(_)
            | Target::UpstreamLatency(_) => true,
            Target::Client => fields.has(F::REMOTE_ADDR),
            Target::User => fields.has(F::REMOTE_USER),
            Target::Method => fields.has(F::METHOD),
            Target::Uri => fields.has(F::URI),
            Target::Request => fields.has(F::REQUEST),
            Target::Referer => fields.has(F::REFERER),
            Target::UserAgent => fields.has(F::USER_AGENT),
            // A status of 0 also says there is no upstream time.
            Target::UpstreamStatus => {
                fields.has(F::UPSTREAM_STATUS)
                    || fields.has(F::UPSTREAM_TIME_US)
                    || fields.has(F::UPSTREAM_TIMES_RAW)
            }
        };
        self.active = self
            .map
            .iter()
            .filter(|(_, t)| asked(*t))
            .cloned()
            .collect();
    }

    pub fn definition(&self) -> &str {
        &self.definition
    }

    /// Parses one JSON object line into `rec`.
    pub fn parse_into<'a>(
        &self,
        cache: &mut TimeLocalCache,
        line: &'a [u8],
        rec: &mut Record<'a>,
    ) -> Result<(), ParseError> {
        // The engine reuses records: start from a clean one, since a line may lack
        // fields the previous one had.
        *rec = Record::default();
        let line = trim_spaces(line);
        if line.is_empty() {
            return Err(ParseError::Empty);
        }
        let (prefix, line) = split_prefix(line).ok_or(ParseError::Layout)?;
        rec.escaping = crate::unescape::Escaping::Json;
        // Which targets are filled, so the first key listed for a target wins.
        let mut filled: u64 = 0;
        let mut first_rank = [usize::MAX; 16];
        let mut has_time = false;
        let mut path = Vec::with_capacity(64);
        let mut err = None;
        // The upstream time as written is zero (`0`, `0.000`), not merely under a µs.
        let mut upstream_zero = false;
        let mut on_value = |path: &[u8], v: Value<'a>| {
            if err.is_some() {
                return;
            }
            // Ranks are positions in `active`, which keeps `map`'s order.
            let Some(rank) = self.active.iter().position(|(k, _)| k == path) else {
                return;
            };
            let target = self.active[rank].1;
            let slot = target_slot(target);
            // A key listed earlier for the same target takes precedence.
            if filled & (1 << slot) != 0 && first_rank[slot] < rank {
                return;
            }
            match fill(cache, rec, target, v) {
                Ok(()) => {
                    filled |= 1 << slot;
                    first_rank[slot] = rank;
                    has_time |= matches!(target, Target::Time(_));
                    if matches!(target, Target::UpstreamLatency(_)) {
                        let b = v.bytes();
                        upstream_zero = !b.is_empty() && b.iter().all(|&c| c == b'0' || c == b'.');
                    }
                }
                Err(e) => err = Some(e),
            }
        };
        let mut p = Parser { s: line, i: 0 };
        p.object(&mut path, 0, &mut on_value)
            .ok_or(ParseError::Layout)?;
        p.ws();
        if p.i != line.len() {
            return Err(ParseError::Layout);
        }
        if let Some(e) = err {
            return Err(e);
        }
        if !has_time {
            // A prefix's time (Caddy's console encoder moves the entry's there) serves
            // an object that has none of its own.
            (rec.ts_us, rec.utc_offset_min) =
                crate::time::parse_prefix_time(prefix).ok_or(ParseError::NoTime)?;
        }
        // A request that reached no backend (Traefik's OriginStatus 0 with an
        // OriginDuration of 0) has no upstream time, whichever key came first. A status of
        // 0 after some time upstream is a backend that did not answer: its time counts.
        if rec.upstream_status == b"0" && upstream_zero {
            rec.upstream_time_us = None;
            rec.upstream_times_raw = &[];
        }
        Ok(())
    }
}

/// A scalar of a JSON line: its key path (as mappings write it), its bytes as written,
/// and whether it is a string.
pub type Scalar<'a> = (Vec<u8>, &'a [u8], bool);

/// Each scalar of a line that is one JSON object; `None` when the line is not one JSON
/// object. For detection, which maps keys by their names.
pub fn scalars(line: &[u8]) -> Option<Vec<Scalar<'_>>> {
    let line = trim_spaces(line);
    let mut out = Vec::new();
    let mut path = Vec::new();
    let mut p = Parser { s: line, i: 0 };
    p.object(&mut path, 0, &mut |k: &[u8], v: Value<'_>| {
        out.push((k.to_vec(), v.bytes(), matches!(v, Value::Str(_))))
    })?;
    p.ws();
    (p.i == line.len()).then_some(out)
}

/// The text before the object (empty for a plain JSON line) and the object: a line such
/// as Caddy's console encoder writes (`2024/01/23 23:27:57.060<TAB>info<TAB>logger<TAB>
/// message<TAB>{...}`) or `kubectl logs --timestamps` prints (`<RFC 3339> {...}`). The
/// object starts at the first `{` that opens the line or follows a space or a tab.
fn split_prefix(line: &[u8]) -> Option<(&[u8], &[u8])> {
    if line.first() == Some(&b'{') {
        return Some((&[], line));
    }
    let at =
        memchr::memchr_iter(b'{', line).find(|&i| i > 0 && matches!(line[i - 1], b' ' | b'\t'))?;
    Some((&line[..at], &line[at..]))
}

fn target_slot(t: Target) -> usize {
    match t {
        Target::Time(_) => 0,
        Target::Client => 1,
        Target::User => 2,
        Target::Method => 3,
        Target::Uri => 4,
        Target::Request => 5,
        Target::Status => 6,
        Target::Bytes => 7,
        Target::Referer => 8,
        Target::UserAgent => 9,
        Target::Latency(_) => 10,
        Target::UpstreamLatency(_) => 11,
        Target::UpstreamStatus => 12,
    }
}

/// A scalar JSON value as written: a string's contents (escapes kept) or a number,
/// `true`, `false`, `null`.
#[derive(Debug, Clone, Copy)]
enum Value<'a> {
    Str(&'a [u8]),
    Raw(&'a [u8]),
}

impl<'a> Value<'a> {
    fn bytes(self) -> &'a [u8] {
        match self {
            Value::Str(s) | Value::Raw(s) => s,
        }
    }

    /// Absent: `null`, or the `-` and empty strings loggers write for "none".
    fn is_absent(self) -> bool {
        matches!(
            self,
            Value::Raw(b"null") | Value::Str(b"-") | Value::Str(b"")
        )
    }
}

fn fill<'a>(
    cache: &mut TimeLocalCache,
    rec: &mut Record<'a>,
    target: Target,
    v: Value<'a>,
) -> Result<(), ParseError> {
    let b = v.bytes();
    match target {
        Target::Time(unit) => {
            let (us, off) = match v {
                Value::Str(s)
                    if s.len() == crate::time::TIME_LOCAL_LEN && s.get(2) == Some(&b'/') =>
                {
                    let t = cache.parse(s).ok_or(ParseError::BadTime)?;
                    (t.utc_us, t.offset_min)
                }
                Value::Str(s) if s.contains(&b'T') => {
                    parse_iso8601(s).ok_or(ParseError::BadTime)?
                }
                _ => (unit.to_us(b).ok_or(ParseError::BadTime)? as i64, 0),
            };
            rec.ts_us = us;
            rec.utc_offset_min = off;
        }
        Target::Client => rec.remote_addr = b,
        Target::User => rec.remote_user = b,
        Target::Method => rec.method = b,
        Target::Uri => rec.uri = b,
        Target::Request => rec.request = b,
        Target::Status => {
            rec.status = if v.is_absent() {
                0
            } else {
                match parse_u64(b) {
                    Some(s) if s <= 999 => s as u16,
                    _ => return Err(ParseError::BadStatus),
                }
            }
        }
        Target::Bytes => {
            rec.bytes_sent = if v.is_absent() {
                None
            } else {
                Some(parse_u64(b).ok_or(ParseError::BadBytes)?)
            }
        }
        Target::Referer => rec.referer = b,
        Target::UserAgent => rec.user_agent = b,
        Target::Latency(unit) => {
            rec.request_time_us = if v.is_absent() {
                None
            } else {
                Some(unit.to_us(b).ok_or(ParseError::BadTiming)?)
            }
        }
        Target::UpstreamLatency(unit) => {
            rec.upstream_time_us = if v.is_absent() {
                None
            } else if unit == Unit::Seconds {
                // nginx's list form: `0.004, 0.118`.
                sum_upstream_list(trim_spaces(b)).map_err(|_| ParseError::BadTiming)?
            } else {
                Some(unit.to_us(b).ok_or(ParseError::BadTiming)?)
            };
            // Only nginx's seconds list can be read attempt by attempt; a single number
            // in another unit is in `upstream_time_us` alone.
            rec.upstream_times_raw = if unit == Unit::Seconds { b } else { &[] };
        }
        Target::UpstreamStatus => rec.upstream_status = if v.is_absent() { &[] } else { b },
    }
    Ok(())
}

/// Objects nest at most this deep: deeper values are skipped, not mapped.
const MAX_DEPTH: usize = 8;

/// A minimal JSON reader over one line: it finds each scalar's key path and bytes, and
/// checks the structure as far as that needs.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.s.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    /// A string's contents, escapes kept; `self.i` is at the opening quote.
    fn string(&mut self) -> Option<&'a [u8]> {
        if self.s.get(self.i) != Some(&b'"') {
            return None;
        }
        let start = self.i + 1;
        let mut j = start;
        loop {
            match *self.s.get(j)? {
                b'"' => break,
                b'\\' => j += 2,
                _ => j += 1,
            }
        }
        self.i = j + 1;
        self.s.get(start..j)
    }

    fn object(
        &mut self,
        path: &mut Vec<u8>,
        depth: usize,
        on: &mut impl FnMut(&[u8], Value<'a>),
    ) -> Option<()> {
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.eat(b':')?;
            let base = path.len();
            if !path.is_empty() {
                path.push(b'.');
            }
            path.extend_from_slice(key);
            self.value(path, depth + 1, on)?;
            path.truncate(base);
            self.ws();
            match self.s.get(self.i)? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn value(
        &mut self,
        path: &mut Vec<u8>,
        depth: usize,
        on: &mut impl FnMut(&[u8], Value<'a>),
    ) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.s.get(self.i)? {
            b'"' => {
                let s = self.string()?;
                on(path, Value::Str(s));
            }
            b'{' => self.object(path, depth, on)?,
            b'[' => {
                self.i += 1;
                if self.eat(b']').is_some() {
                    return Some(());
                }
                let mut k = 0usize;
                loop {
                    let base = path.len();
                    path.push(b'.');
                    path.extend_from_slice(k.to_string().as_bytes());
                    self.value(path, depth + 1, on)?;
                    path.truncate(base);
                    k += 1;
                    self.ws();
                    match self.s.get(self.i)? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
            }
            _ => {
                let start = self.i;
                while let Some(c) = self.s.get(self.i) {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                        break;
                    }
                    self.i += 1;
                }
                let raw = self.s.get(start..self.i)?;
                if raw.is_empty() {
                    return None;
                }
                on(path, Value::Raw(raw));
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preset::{CADDY, TRAEFIK};

    fn parse<'a>(spec: &str, line: &'a str) -> Result<Record<'a>, ParseError> {
        let f = JsonMapping::compile(spec).unwrap();
        let mut rec = Record::default();
        f.parse_into(&mut TimeLocalCache::default(), line.as_bytes(), &mut rec)
            .map(|()| rec)
    }

    #[test]
    fn mappings() {
        assert!(
            JsonMapping::compile("status=s")
                .unwrap_err()
                .contains("no time field")
        );
        assert!(
            JsonMapping::compile("ts=t,nope=x")
                .unwrap_err()
                .contains("unknown field 'nope'")
        );
        assert!(
            JsonMapping::compile("ts=t,latency")
                .unwrap_err()
                .contains("not target=key")
        );
        for l in crate::Preset::ALL.into_iter().filter(|l| l.is_json()) {
            JsonMapping::compile(l.definition()).unwrap();
        }
    }

    #[test]
    fn fractions_in_every_unit_and_unknown_units() {
        let line = r#"{"t":"2026-11-21T10:00:01Z","d":12.5,"u":"2500.5"}"#;
        // (unit of d, of u) -> (d, u) in microseconds, truncated.
        for (du, uu, want) in [
            ("ms", "ns", (12_500, 2)),
            ("us", "ms", (12, 2_500_500)),
            ("s", "us", (12_500_000, 2_500)),
            ("ns", "s", (0, 2_500_500_000)),
        ] {
            let spec = format!("ts=t,latency=d:{du},upstream_latency=u:{uu}");
            let r = parse(&spec, line).unwrap();
            assert_eq!(
                (r.request_time_us, r.upstream_time_us),
                (Some(want.0), Some(want.1)),
                "{spec}"
            );
        }
        for spec in [
            "ts=t,latency=d:parsecs",
            "ts=t:minutes",
            "ts=t,upstream_latency=u:MS",
        ] {
            let e = JsonMapping::compile(spec).unwrap_err();
            assert!(e.contains("unknown unit"), "{spec}: {e}");
        }
        // A colon with no unit after it is no unit either.
        let e = JsonMapping::compile("ts=t,latency=d:").unwrap_err();
        assert!(e.contains("no unit"), "{e}");
        // Outside times and durations a colon is part of the key.
        let r = parse(
            "ts=t,status=a:b",
            r#"{"t":"2026-11-21T10:00:01Z","a:b":404}"#,
        )
        .unwrap();
        assert_eq!(r.status, 404);
    }

    #[test]
    fn objects_behind_a_text_prefix() {
        // Console-encoder shape: no time in the object, the prefix's (as UTC) serves.
        let r = parse(
            CADDY,
            "2024/02/29 23:59:59.5\tinfo\taccess\thandled request\t{\"status\":301}",
        )
        .unwrap();
        // 2024-02-29 is day 19782 since 1970-01-01.
        assert_eq!(r.ts_us, (19_782 * 86_400 + 86_399) * 1_000_000 + 500_000);
        assert_eq!(r.status, 301);
        // The object's own time wins over the prefix's; an offset in the prefix is kept.
        let own = parse(
            "ts=t,status=s",
            r#"2024-03-01T00:00:00+02:00 {"t":"2024-03-01T10:00:00Z","s":200}"#,
        )
        .unwrap();
        assert_eq!(own.ts_us, (19_783 * 86_400 + 36_000) * 1_000_000);
        let theirs = parse("ts=t,status=s", r#"2024-03-01T00:00:00+02:00 {"s":200}"#).unwrap();
        assert_eq!(
            (theirs.ts_us, theirs.utc_offset_min),
            ((19_783 * 86_400 - 7_200) * 1_000_000, 120)
        );
        // No time anywhere, a `{` glued to the text, text after the object: not a fit.
        for bad in [
            r#"info {"s":200}"#,
            r#"2024-03-01T00:00:00Z x{"s":200}"#,
            r#"2024-03-01T00:00:00Z {"s":200} trailing"#,
        ] {
            assert!(parse("ts=t,status=s", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn no_backend_means_no_upstream_time() {
        let t = |rest: &str| format!(r#"{{"StartUTC":"2026-11-21T10:00:01Z",{rest}}}"#);
        let up = |rest: &str| parse(TRAEFIK, &t(rest)).unwrap().upstream_time_us;
        // Status 0 and no time upstream, in either key order: no backend.
        assert_eq!(up(r#""OriginStatus":0,"OriginDuration":0"#), None);
        assert_eq!(up(r#""OriginDuration":0,"OriginStatus":0"#), None);
        // A backend reached that gave no status (the client left): 3 ms, and 800 ns that
        // read as 0 µs, still count.
        assert_eq!(
            up(r#""OriginStatus":0,"OriginDuration":3000000"#),
            Some(3000)
        );
        assert_eq!(up(r#""OriginStatus":0,"OriginDuration":800"#), Some(0));
        // A backend's answer in under a microsecond is still a time.
        assert_eq!(up(r#""OriginStatus":200,"OriginDuration":0"#), Some(0));
        let line = t(r#""OriginStatus":502,"OriginDuration":10000"#);
        let r = parse(TRAEFIK, &line).unwrap();
        assert_eq!(r.upstream_status, b"502");
    }

    #[test]
    fn keys_paths_units_and_precedence() {
        let spec =
            "ts=start:ms,ts=t,latency=d:us,upstream_latency=u:ns,status=r.s,uri=r.h.0,bytes=b";
        // Nested objects, arrays, numbers as strings, spaces, unknown keys of every type.
        let r = parse(
            spec,
            r#" { "t": "2026-11-21T10:00:01Z", "x": [1, {"a": null}, true], "start" : 1795255201250,
                "r": {"s": "404", "h": ["/a?b", "/c"]}, "d": 1500, "u": 2000000, "b": null } "#,
        )
        .unwrap();
        // `start` is listed first for ts, so it wins over `t` seen earlier in the line.
        assert_eq!(r.ts_us, 1_795_255_201_250_000);
        assert_eq!((r.status, r.path()), (404, Some(&b"/a"[..])));
        assert_eq!(
            (r.request_time_us, r.upstream_time_us, r.bytes_sent),
            (Some(1500), Some(2000), None)
        );
        // A string value keeps its escapes; the line must be one whole object.
        let r = parse(
            "ts=t,user_agent=ua",
            r#"{"t":"2026-11-21T10:00:01Z","ua":"a \"b\" \\"}"#,
        )
        .unwrap();
        assert_eq!(r.user_agent, br#"a \"b\" \\"#);
        for bad in [
            r#"{"t":"2026-11-21T10:00:01Z""#,
            r#"{"t":"2026-11-21T10:00:01Z"} x"#,
            r#"{"t":"2026-11-21T10:00:01Z",}"#,
            r#"["t"]"#,
            "",
        ] {
            assert!(parse("ts=t", bad).is_err(), "{bad}");
        }
        assert_eq!(parse("ts=t", r#"{"u":1}"#).unwrap_err(), ParseError::NoTime);
        assert_eq!(
            parse("ts=t,status=s", r#"{"t":"2026-11-21T10:00:01Z","s":"x"}"#).unwrap_err(),
            ParseError::BadStatus
        );
        assert_eq!(
            parse("ts=t", r#"{"t":"yesterday"}"#).unwrap_err(),
            ParseError::BadTime
        );
    }

    #[test]
    fn no_input_panics() {
        let base = br#"{"ts":1795255201.5,"request":{"uri":"/a","headers":{"User-Agent":["x"]}},"status":200,"duration":0.1}"#;
        let f = JsonMapping::compile(CADDY).unwrap();
        let mut state = 0xdead_beef_cafe_f00du64;
        let alphabet = b"{}[]\":,\\ 0123456789.-eEtrufalsn";
        for _ in 0..30_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut line = base.to_vec();
            for k in 0..(state % 5) {
                let at = ((state >> (8 * k)) as usize) % (line.len() + 1);
                let c = alphabet[((state >> (4 * k + 3)) as usize) % alphabet.len()];
                if k % 2 == 0 && at < line.len() {
                    line[at] = c;
                } else {
                    line.insert(at, c);
                }
            }
            // Deep nesting must not overflow the stack either.
            if state.is_multiple_of(97) {
                line = b"{\"a\":".repeat(10_000);
            }
            let mut rec = Record::default();
            let _ = f.parse_into(&mut TimeLocalCache::default(), &line, &mut rec);
        }
    }
}
