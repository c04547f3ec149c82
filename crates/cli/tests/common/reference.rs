//! What the end-to-end tests of the breakdowns and the default report read from the
//! raw lines themselves, by naive splitting (no axlog parser), as their reference: one
//! [`Req`] per line of the generated nginx and HAProxy logs; and nearest-rank
//! percentiles.

use std::collections::HashMap;

/// One request as the reference reads it.
#[derive(Clone)]
pub struct Req {
    pub status: u64,
    pub bytes: u64,
    pub latency_us: Option<u64>,
    /// Dimension name -> key (absent: the request has none).
    pub keys: HashMap<&'static str, String>,
    /// The request's second (UTC epoch).
    pub second: i64,
    /// Its time in UTC µs (HAProxy logs milliseconds, nginx whole seconds).
    pub ts_us: i64,
    /// The path of a request line `METHOD /target ...`, without query (not folded).
    pub path: Option<String>,
    /// The user agent (nginx's last quoted field; none in HAProxy's httplog).
    pub ua: String,
    /// Its other latencies by their JSON names (`upstream_response_time`, `tr`, ...), µs.
    pub other: Vec<(&'static str, u64)>,
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
pub fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `21/Nov/2026:00:00:02` (perhaps `.915` after, or ` +0100`) -> epoch seconds, UTC
/// unless an offset follows.
pub fn epoch(t: &str) -> Option<i64> {
    let (date, rest) = t.split_once(':')?;
    let d: Vec<&str> = date.split('/').collect();
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == d[1])? as i64
        + 1;
    let (clock, zone) = rest.split_once(' ').unwrap_or((rest, "+0000"));
    let hms: Vec<i64> = clock
        .split('.')
        .next()?
        .split(':')
        .map(|v| v.parse().ok())
        .collect::<Option<_>>()?;
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let off =
        sign * (zone[1..3].parse::<i64>().ok()? * 3600 + zone[3..5].parse::<i64>().ok()? * 60);
    Some(
        days(d[2].parse().ok()?, month, d[0].parse().ok()?) * 86_400
            + hms[0] * 3600
            + hms[1] * 60
            + hms[2]
            - off,
    )
}

/// `0.123` -> 123000 (generated times have three decimals).
pub fn secs_us(s: &str) -> Option<u64> {
    let (a, b) = s.split_once('.')?;
    if b.len() != 3 {
        return None;
    }
    Some(a.parse::<u64>().ok()? * 1_000_000 + b.parse::<u64>().ok()? * 1000)
}

/// A path with IDs folded: digits `:id`, a UUID `:uuid`, 16+ hex digits with a digit
/// among them `:hex` (docs/parquet-schema.md's `endpoint`).
pub fn endpoint(path: &str) -> String {
    let hex = |c: char| c.is_ascii_hexdigit();
    path.split('/')
        .map(|seg| {
            let uuid = seg.len() == 36
                && seg.char_indices().all(|(i, c)| match i {
                    8 | 13 | 18 | 23 => c == '-',
                    _ => hex(c),
                });
            if !seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit()) {
                ":id"
            } else if uuid {
                ":uuid"
            } else if seg.len() >= 16
                && seg.chars().all(hex)
                && seg.chars().any(|c| c.is_ascii_digit())
            {
                ":hex"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The request line's method and path (without query), when it is `METHOD /target ...`:
/// the path.
pub fn method_path(request: &str, keys: &mut HashMap<&'static str, String>) -> Option<String> {
    let words: Vec<&str> = request.split(' ').collect();
    if words.len() >= 2 && !words[0].is_empty() && words[1].starts_with('/') {
        let path = words[1].split('?').next().unwrap_or("");
        keys.insert("method", words[0].to_string());
        keys.insert("endpoint", endpoint(path));
        return Some(path.to_string());
    }
    None
}

/// An nginx `combined` line followed by `$request_time $upstream_response_time`, or by
/// ingress-nginx's upstreaminfo tail (`tail_is_ingress`).
pub fn nginx(line: &str, ingress: bool) -> Option<Req> {
    let parts: Vec<&str> = line.split('"').collect();
    if parts.len() != 7 || parts[4] != " " {
        return None;
    }
    let client = parts[0].split(' ').next()?;
    if !parts[0].contains('[') || parts[0].split(' ').filter(|t| !t.is_empty()).count() < 5 {
        return None;
    }
    let mid: Vec<&str> = parts[2].split(' ').collect();
    if mid.len() != 4 || mid[1].len() != 3 {
        return None;
    }
    let status: u64 = mid[1].parse().ok()?;
    let bytes = match mid[2] {
        "-" => 0,
        b => b.parse().ok()?,
    };
    let tail: Vec<&str> = parts[6].trim_start().split(' ').collect();
    let mut keys = HashMap::new();
    let rt = match ingress {
        // length rt [name] [] addr[, addr] len[, len] time[, time] status[, status] id
        true => {
            // The address that answered: the last of the first list (across `, ` and
            // ` : `).
            // ` [] ` ends the (empty) alternative upstream name, after a name perhaps
            // empty as well.
            let after = parts[6].rsplit_once(" [] ")?.1;
            let last = lists(after).into_iter().next()?.pop()?;
            if last != "-" {
                keys.insert("upstream", last);
            }
            tail.get(1)?
        }
        false => tail.first()?,
    };
    let latency_us = match *rt {
        "-" => None,
        t => Some(secs_us(t)?),
    };
    keys.insert("status", status.to_string());
    keys.insert("client", client.to_string());
    let path = method_path(parts[1], &mut keys);
    let second = epoch(parts[0].split_once('[')?.1.split_once(']')?.0)?;
    // nginx-timed's upstream times: `0.012`, or a list `0.001, 0.002` (` : ` after an
    // internal redirect), summed; `-` entries are none.
    let mut other = Vec::new();
    if !ingress {
        let ut: Vec<u64> = tail[1..]
            .join(" ")
            .replace(" : ", ", ")
            .split(", ")
            .filter(|v| *v != "-")
            .map(secs_us)
            .collect::<Option<_>>()?;
        if !ut.is_empty() {
            other.push(("upstream_response_time", ut.iter().sum()));
        }
    }
    Some(Req {
        status,
        bytes,
        latency_us,
        keys,
        second,
        ts_us: second * 1_000_000,
        path,
        ua: parts[5].to_string(),
        other,
    })
}

/// The space-separated lists after `[] ` of an ingress-nginx upstreaminfo line: a list
/// goes on after a token ending with `,` and across a lone `:` (between upstream groups).
pub fn lists(tail: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut more = false;
    for t in tail.split(' ') {
        if t == ":" {
            more = true;
            continue;
        }
        let item = t.trim_end_matches(',').to_string();
        match out.last_mut() {
            Some(l) if more => l.push(item),
            _ => out.push(vec![item]),
        }
        more = t.ends_with(',');
    }
    out
}

/// HAProxy's httplog behind a syslog header.
pub fn haproxy(line: &str) -> Option<Req> {
    let (head, rest) = line.split_once(": ")?;
    if !head.contains("haproxy[") {
        return None;
    }
    // Twelve fields, perhaps captured headers (`{...}`), then the quoted request.
    let (fields, request) = rest.rsplit_once(" \"")?;
    let t: Vec<&str> = fields.split(' ').collect();
    if t.len() < 12 || (t.len() > 12 && !t[12].starts_with('{')) {
        return None;
    }
    let timers: Vec<i64> = t[4]
        .split('/')
        .map(|v| v.parse().ok())
        .collect::<Option<_>>()?;
    if timers.len() != 5 {
        return None;
    }
    let status: u64 = t[5].parse().ok()?;
    let bytes: u64 = t[6].parse().ok()?;
    let mut keys = HashMap::new();
    keys.insert("server", t[3].to_string());
    keys.insert("termination_state", t[9].to_string());
    keys.insert("termination-state", t[9].to_string());
    keys.insert("status", status.to_string());
    keys.insert("client", t[0].rsplit_once(':')?.0.to_string());
    let path = method_path(request.strip_suffix('"')?, &mut keys);
    let stamp = t[1].strip_prefix('[')?.strip_suffix(']')?;
    let second = epoch(stamp)?;
    // `21/Nov/2026:00:00:00.250`: the milliseconds after the second.
    let ms = match stamp.split_once('.') {
        Some((_, ms)) => ms.parse::<i64>().ok()?,
        None => 0,
    };
    let other = ["tr", "tw", "tc", "tr_server"]
        .into_iter()
        .zip(&timers)
        .filter(|(_, v)| **v >= 0)
        .map(|(n, v)| (n, *v as u64 * 1000))
        .collect();
    Some(Req {
        status,
        bytes,
        latency_us: (timers[4] >= 0).then(|| timers[4] as u64 * 1000),
        keys,
        second,
        ts_us: second * 1_000_000 + ms * 1000,
        path,
        ua: String::new(),
        other,
    })
}

/// The nearest-rank value at `ppm` parts per million of sorted `v`.
pub fn nearest(v: &[u64], ppm: u64) -> u64 {
    let rank = ((v.len() as u64 * ppm).div_ceil(1_000_000)).max(1);
    v[rank as usize - 1]
}

/// The nearest-rank value at `ppm` parts per million of `v` (sorted here), if any.
pub fn nearest_of(mut v: Vec<u64>, ppm: u64) -> Option<u64> {
    v.sort_unstable();
    (!v.is_empty()).then(|| nearest(&v, ppm))
}

/// A reference row: key, requests, 4xx, 5xx, bytes, p99.
pub type RefRow = (String, u64, u64, u64, u64, Option<u64>);

/// The table of `dim` over `reqs`, every key (sorted by requests, ties by key), and the
/// requests without one.
pub fn reference(reqs: &[Req], dim: &str) -> (Vec<RefRow>, u64) {
    let mut rows: HashMap<&str, (u64, u64, u64, u64, Vec<u64>)> = HashMap::new();
    let mut none = 0;
    for r in reqs {
        let Some(k) = r.keys.get(dim) else {
            none += 1;
            continue;
        };
        let e = rows.entry(k).or_default();
        e.0 += 1;
        e.1 += u64::from(r.status / 100 == 4);
        e.2 += u64::from(r.status / 100 == 5);
        e.3 += r.bytes;
        e.4.extend(r.latency_us);
    }
    let mut out: Vec<RefRow> = rows
        .into_iter()
        .map(|(k, (n, c4, c5, b, lat))| (k.to_string(), n, c4, c5, b, nearest_of(lat, 990_000)))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    (out, none)
}

/// A JSON `--by` table's rows as [`RefRow`]s, and its requests without a key.
pub fn rows_of(table: &serde_json::Value) -> (Vec<RefRow>, u64) {
    let rows = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_string(),
                r["requests"].as_u64().unwrap(),
                r["status_4xx"].as_u64().unwrap(),
                r["status_5xx"].as_u64().unwrap(),
                r["bytes_sent"].as_u64().unwrap(),
                r["latency"]["p99_us"].as_u64(),
            )
        })
        .collect();
    (rows, table["requests_without_key"].as_u64().unwrap())
}
