//! The aggregate a report is built from: one per worker, merged at the end.

use crate::escape_bytes;
use crate::groups::GroupTable;
use crate::hist::ExactHistogram;
use crate::persecond::PerSecond;
use crate::summary::*;
use crate::timefmt::{format_offset, format_rfc3339};
use std::borrow::Cow;

/// Percentiles every latency summary reports, in parts per million.
const P50: u32 = 500_000;
const P90: u32 = 900_000;
const P99: u32 = 990_000;
const P999: u32 = 999_000;

/// Limits that keep memory bounded whatever the input size.
#[derive(Debug, Clone, Copy)]
pub struct StatsConfig {
    /// Distinct paths tracked for the top-paths table.
    pub max_paths: usize,
    /// Bytes the tracked paths may take together.
    pub max_path_bytes: usize,
    /// How many top paths the summary lists.
    pub top_n: usize,
    /// Malformed lines kept as samples (all of them go to `--rejects`).
    pub malformed_samples: usize,
    /// The per-source breakdown takes each HAProxy line's syslog host as its source
    /// (one row per load balancer) rather than the file it came from.
    pub source_by_host: bool,
    /// Memory the path table's latency values may take (the paths' p99).
    pub path_latency_bytes: usize,
    /// Counts requests, and nothing else of them: for a run that writes rows (Parquet)
    /// and no report, where the statistics would only cost time.
    pub requests_only: bool,
}

impl Default for StatsConfig {
    fn default() -> Self {
        StatsConfig {
            max_paths: crate::groups::DEFAULT_CAP,
            max_path_bytes: crate::groups::DEFAULT_KEY_BYTES,
            top_n: 10,
            malformed_samples: 5,
            source_by_host: false,
            path_latency_bytes: crate::groups::DEFAULT_LATENCY_BYTES,
            requests_only: false,
        }
    }
}

/// What the aggregate needs of one parsed request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Observation<'a> {
    pub ts_us: i64,
    pub utc_offset_min: i16,
    pub status: u16,
    /// The response body's size (`None` for `-`).
    pub bytes_sent: Option<u64>,
    pub request_time_us: Option<u64>,
    pub upstream_time_us: Option<u64>,
    pub path: Option<&'a [u8]>,
    /// HAProxy's timers and `backend/server`, on HAProxy lines.
    pub haproxy: Option<HaproxyObservation<'a>>,
}

/// What the aggregate needs of an HAProxy line beyond the common fields.
#[derive(Debug, Clone, Copy, Default)]
pub struct HaproxyObservation<'a> {
    /// TR, Tw, Tc, Tr, Ta in µs; `None` where the step was not reached.
    pub timers_us: [Option<u64>; 5],
    pub backend: &'a [u8],
    pub server: &'a [u8],
    /// `backend/server` as the line wrote it, or empty (the key is then built).
    pub backend_server: &'a [u8],
    /// The syslog header's host (empty without a header).
    pub host: &'a [u8],
}

/// HAProxy's statistics: its five timers and a breakdown by `backend/server`.
#[derive(Debug, Clone)]
struct HaproxyStats {
    /// TR, Tw, Tc, Tr, Ta. Tr and Ta are also the global upstream and request times
    /// (see [`Aggregate::observe`]).
    timers: [ExactHistogram; 5],
    /// Tr and Ta of lines whose upstream or request time was given apart from them (a
    /// parser that broke the rule): in HAProxy's figures, not in the global ones.
    unshared: Option<Box<[ExactHistogram; 2]>>,
    /// `backend/server` keys, with Ta as their latency.
    servers: GroupTable,
    key: Vec<u8>,
}

/// `N` histograms of the run's size (see [`GLOBAL_DENSE_MS`]).
fn global_histograms<const N: usize>() -> [ExactHistogram; N] {
    std::array::from_fn(|_| ExactHistogram::with_dense_ms(GLOBAL_DENSE_MS))
}

/// Distinct `backend/server` pairs tracked (a configuration has few).
const MAX_SERVERS: usize = 10_000;

impl HaproxyStats {
    fn new() -> Self {
        HaproxyStats {
            timers: global_histograms(),
            unshared: None,
            servers: GroupTable::with_presize(MAX_SERVERS, 256),
            key: Vec::new(),
        }
    }

    /// `shared`: Tr and Ta are this line's upstream and request times.
    fn observe(&mut self, h: &HaproxyObservation<'_>, shared: bool) {
        let n = if shared { 5 } else { 3 };
        for (hist, t) in self.timers.iter_mut().zip(h.timers_us).take(n) {
            if let Some(t) = t {
                hist.record(t);
            }
        }
        if !shared {
            let u = self
                .unshared
                .get_or_insert_with(|| Box::new(global_histograms()));
            for (hist, t) in u.iter_mut().zip(&h.timers_us[3..]) {
                if let Some(t) = *t {
                    hist.record(t);
                }
            }
        }
        if h.backend_server.is_empty() {
            self.key.clear();
            self.key.extend_from_slice(h.backend);
            self.key.push(b'/');
            self.key.extend_from_slice(h.server);
            self.servers.add(&self.key, h.timers_us[4]);
        } else {
            self.servers.add(h.backend_server, h.timers_us[4]);
        }
    }

    /// The five timers of every HAProxy line (with those kept apart in `unshared`).
    fn timers_all(&self) -> [Cow<'_, ExactHistogram>; 5] {
        std::array::from_fn(|i| match (&self.unshared, i) {
            (Some(u), 3 | 4) => {
                let mut all = self.timers[i].clone();
                all.merge(&u[i - 3]);
                Cow::Owned(all)
            }
            _ => Cow::Borrowed(&self.timers[i]),
        })
    }

    fn merge(&mut self, other: &HaproxyStats) {
        for (a, b) in self.timers.iter_mut().zip(&other.timers) {
            a.merge(b);
        }
        if let Some(theirs) = &other.unshared {
            let mine = self
                .unshared
                .get_or_insert_with(|| Box::new(global_histograms()));
            for (a, b) in mine.iter_mut().zip(theirs.iter()) {
                a.merge(b);
            }
        }
        self.servers.merge(&other.servers);
    }
}

/// Distinct paths a chunk's table is sized for up front (a 1 MiB chunk holds a few
/// thousand lines).
const CHUNK_PATHS: usize = 4096;

/// Global histograms keep whole milliseconds up to 65.5 s in a dense array (512 KiB).
const GLOBAL_DENSE_MS: u32 = 1 << 16;
const MAX_OFFSETS: usize = 16;

#[derive(Debug, Clone)]
pub struct Aggregate {
    cfg: StatsConfig,
    lines_read: u64,
    malformed: u64,
    other: u64,
    /// Requests whose line had fields the layout does not read.
    unread_fields: u64,
    requests: u64,
    /// The sum of the requests' body sizes.
    bytes_sent: u64,
    /// (utc µs, offset) of the earliest and latest request.
    first: Option<(i64, i16)>,
    last: Option<(i64, i16)>,
    offsets: Vec<i16>,
    per_second: PerSecond,
    /// The seconds (first and last) of the interval an `--every` window counts: a line
    /// logged before it counts in its first second, and the QPS figures cover all of it.
    window: Option<(i64, i64)>,
    status: Box<[u64; 1000]>,
    request_time: ExactHistogram,
    upstream_time: ExactHistogram,
    paths: GroupTable,
    no_path: u64,
    samples: Vec<MalformedSample>,
    /// Requests per source (file), by the source's number in the run.
    sources: Vec<SourceStats>,
    /// The source the requests being observed come from.
    source: usize,
    /// Made at the first HAProxy line.
    haproxy: Option<Box<HaproxyStats>>,
    /// With [`StatsConfig::source_by_host`]: the breakdown by syslog host, in order of
    /// first appearance here (the summary sorts them by name), at most [`MAX_HOSTS`].
    hosts: Vec<(Box<[u8]>, SourceStats)>,
    /// The row of the last host seen: lines of one host come in runs.
    last_host: usize,
}

/// Syslog hosts given a row of their own; the lines of others count in their file's row.
const MAX_HOSTS: usize = 1024;

/// What the per-source breakdown shows of one source.
#[derive(Debug, Clone, Default)]
pub struct SourceStats {
    pub requests: u64,
    /// Requests with status 4xx and 5xx.
    pub client_errors: u64,
    pub server_errors: u64,
    /// Request time, exact (whole milliseconds below 1 s dense, others in a map).
    latency: crate::hist::ValueCounts,
}

/// Whole milliseconds below this get a dense slot in a source's latency bins.
const SOURCE_DENSE_MS: u32 = 1000;

impl SourceStats {
    /// The 99th percentile of request time, µs (`None` without latencies).
    pub fn p99_us(&self) -> Option<u64> {
        self.latency
            .quantiles(&[P99])
            .and_then(|q| q.first().copied())
    }

    #[inline]
    fn observe(&mut self, o: &Observation<'_>) {
        self.requests += 1;
        self.client_errors += u64::from((400..500).contains(&o.status));
        self.server_errors += u64::from((500..600).contains(&o.status));
        if let Some(v) = o.request_time_us {
            self.latency.insert(v, SOURCE_DENSE_MS);
        }
    }

    fn merge(&mut self, other: &SourceStats) {
        self.requests += other.requests;
        self.client_errors += other.client_errors;
        self.server_errors += other.server_errors;
        self.latency.merge(&other.latency, SOURCE_DENSE_MS);
    }
}

impl Aggregate {
    pub fn new(cfg: StatsConfig) -> Self {
        Aggregate {
            cfg,
            lines_read: 0,
            malformed: 0,
            other: 0,
            unread_fields: 0,
            requests: 0,
            bytes_sent: 0,
            first: None,
            last: None,
            offsets: Vec::new(),
            per_second: PerSecond::default(),
            window: None,
            status: Box::new([0; 1000]),
            request_time: ExactHistogram::with_dense_ms(GLOBAL_DENSE_MS),
            upstream_time: ExactHistogram::with_dense_ms(GLOBAL_DENSE_MS),
            paths: {
                let mut t = GroupTable::new(cfg.max_paths);
                t.set_latency_bytes(Some(cfg.path_latency_bytes));
                t.set_key_bytes(Some(cfg.max_path_bytes));
                t
            },
            no_path: 0,
            samples: Vec::new(),
            sources: vec![SourceStats::default()],
            source: 0,
            haproxy: None,
            hosts: Vec::new(),
            last_host: 0,
        }
    }

    /// An aggregate for a parallel worker: its path table is handed over after every
    /// chunk ([`Aggregate::take_paths`]) and merged into the run's in input order
    /// ([`Aggregate::merge_paths`]), so the run's table fills in the order a single
    /// reader would fill it (the same keys tracked once it is full) and only one large
    /// table exists.
    pub fn for_chunks(cfg: StatsConfig) -> Self {
        let mut a = Aggregate::new(cfg);
        a.paths = Aggregate::chunk_table();
        a
    }

    /// The paths observed since the last call (or since creation), leaving `empty` (a
    /// table from [`Aggregate::chunk_table`], perhaps one handed back and cleared) in
    /// their place.
    pub fn take_paths(&mut self, empty: GroupTable) -> GroupTable {
        std::mem::replace(&mut self.paths, empty)
    }

    /// A table for one chunk's paths: without a cap (a chunk's lines bound it), so that
    /// the run's table, which they are merged into in input order, applies its cap
    /// exactly as a single reader would; nor memory limits (latency values, key bytes),
    /// which the run's table applies as chunks are merged into it.
    pub fn chunk_table() -> GroupTable {
        let mut t = GroupTable::with_presize(usize::MAX, CHUNK_PATHS);
        t.set_latency_bytes(None);
        t.set_key_bytes(None);
        t
    }

    /// Adds a chunk's paths (see [`Aggregate::for_chunks`]).
    pub fn merge_paths(&mut self, paths: &GroupTable) {
        self.paths.merge(paths);
    }

    /// The requests observed from now on come from source number `idx` (0 at first).
    pub fn set_source(&mut self, idx: usize) {
        if self.sources.len() <= idx {
            self.sources.resize(idx + 1, SourceStats::default());
        }
        self.source = idx;
    }

    /// The row of syslog host `host`, made at its first line; `None` once
    /// [`MAX_HOSTS`] hosts have rows.
    #[inline]
    fn host_row(&mut self, host: &[u8]) -> Option<usize> {
        if let Some((h, _)) = self.hosts.get(self.last_host)
            && **h == *host
        {
            return Some(self.last_host);
        }
        let k = match self.hosts.iter().position(|(h, _)| **h == *host) {
            Some(k) => k,
            None if self.hosts.len() < MAX_HOSTS => {
                self.hosts.push((host.into(), SourceStats::default()));
                self.hosts.len() - 1
            }
            None => return None,
        };
        self.last_host = k;
        Some(k)
    }

    /// The rows of syslog hosts ([`StatsConfig::source_by_host`]), sorted by name.
    pub fn host_stats(&self) -> Vec<(String, &SourceStats)> {
        let mut rows: Vec<(String, &SourceStats)> = self
            .hosts
            .iter()
            .map(|(h, s)| (escape_bytes(h), s))
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows
    }

    /// What the requests of source number `idx` gave.
    pub fn source_stats(&self, idx: usize) -> Option<&SourceStats> {
        self.sources.get(idx)
    }

    /// Makes this aggregate the one of an interval of log time, seconds `first..=last`
    /// (before any request is observed): a request from before it (logged late) counts in
    /// its first second, so the QPS figures (peak, mean, percentiles) are all over the
    /// interval's seconds.
    pub fn set_window(&mut self, first: i64, last: i64) {
        self.window = Some((first, last.max(first)));
    }

    /// Counts lines read (parsed or not).
    #[inline]
    pub fn add_lines(&mut self, n: u64) {
        self.lines_read += n;
    }

    /// Announces a request to `path` that [`Aggregate::observe`] will get soon, after
    /// those announced before it, so the path table's memory loads start now.
    #[inline]
    pub fn prepare_path(&mut self, path: &[u8]) {
        self.paths.prepare(path);
    }

    /// The path prepared for the next request, if it lies in `request` (see
    /// [`GroupTable::prepared_key_in`]).
    #[inline]
    pub fn prepared_path_in<'r>(&self, request: &'r [u8]) -> Option<&'r [u8]> {
        self.paths.prepared_key_in(request)
    }

    /// Whether requests are only counted (see [`StatsConfig::requests_only`]).
    #[inline]
    pub fn requests_only(&self) -> bool {
        self.cfg.requests_only
    }

    /// Counts a request without looking at it (see [`StatsConfig::requests_only`]).
    #[inline]
    pub fn count_request(&mut self) {
        self.requests += 1;
    }

    #[inline]
    pub fn observe(&mut self, o: &Observation<'_>) {
        self.requests += 1;
        self.bytes_sent = self.bytes_sent.saturating_add(o.bytes_sent.unwrap_or(0));
        // Ties on the time go to the smaller (first) or larger (last) offset, so that
        // the result does not depend on the order lines arrive in (threads).
        let t = (o.ts_us, o.utc_offset_min);
        match self.first {
            Some(f) if f <= t => {}
            _ => self.first = Some(t),
        }
        match self.last {
            Some(l) if l >= t => {}
            _ => self.last = Some(t),
        }
        if !self.offsets.contains(&o.utc_offset_min) && self.offsets.len() < MAX_OFFSETS {
            self.offsets.push(o.utc_offset_min);
        }
        let mut second = o.ts_us.div_euclid(1_000_000);
        if let Some((lo, hi)) = self.window {
            second = second.clamp(lo, hi);
        }
        self.per_second.add(second, 1);
        self.status[(o.status as usize).min(999)] += 1;
        let host = match &o.haproxy {
            Some(h) if self.cfg.source_by_host && !h.host.is_empty() => self.host_row(h.host),
            _ => None,
        };
        // `set_source` keeps `source` within `sources`.
        let row = match host {
            Some(k) => self.hosts.get_mut(k).map(|(_, s)| s),
            None => self.sources.get_mut(self.source),
        };
        if let Some(src) = row {
            src.observe(o);
        }
        // An HAProxy line's request and upstream times are its Ta and Tr (the parsers'
        // rule): counted once, in HAProxy's timers, which the summary adds to the global
        // figures.
        let shared = matches!(&o.haproxy, Some(h)
            if h.timers_us[4] == o.request_time_us && h.timers_us[3] == o.upstream_time_us);
        if !shared {
            if let Some(v) = o.request_time_us {
                self.request_time.record(v);
            }
            if let Some(v) = o.upstream_time_us {
                self.upstream_time.record(v);
            }
        }
        match o.path {
            Some(p) => self.paths.add(p, o.request_time_us),
            None => self.no_path += 1,
        }
        if let Some(h) = &o.haproxy {
            self.haproxy
                .get_or_insert_with(|| Box::new(HaproxyStats::new()))
                .observe(h, shared);
        }
    }

    /// Counts a request whose line had fields after the layout's that are not read.
    #[inline]
    pub fn unread_fields_line(&mut self) {
        self.unread_fields += 1;
    }

    /// Counts a line that is a server message, not a request.
    #[inline]
    pub fn other_line(&mut self) {
        self.other += 1;
    }

    /// Counts a malformed line, keeping it as a sample while there is room.
    pub fn malformed(&mut self, source: &str, line_no: u64, line: &[u8]) {
        self.count_malformed();
        self.add_sample(source, line_no, line);
    }

    /// Counts a malformed line without keeping it: a parallel worker's count, whose
    /// samples are kept in input order by [`Aggregate::add_sample`] instead.
    #[inline]
    pub fn count_malformed(&mut self) {
        self.malformed += 1;
    }

    /// Keeps a malformed line as a sample while there is room, without counting it (see
    /// [`Aggregate::count_malformed`]). Called in input order, it keeps the first ones.
    pub fn add_sample(&mut self, source: &str, line_no: u64, line: &[u8]) {
        if self.samples.len() < self.cfg.malformed_samples {
            let cut = &line[..line.len().min(300)];
            self.samples.push(MalformedSample {
                source: source.to_string(),
                line: line_no,
                text: escape_bytes(cut),
            });
        }
    }

    pub fn merge(&mut self, other: &Aggregate) {
        self.lines_read += other.lines_read;
        self.malformed += other.malformed;
        self.other += other.other;
        self.unread_fields += other.unread_fields;
        self.requests += other.requests;
        self.bytes_sent = self.bytes_sent.saturating_add(other.bytes_sent);
        if let Some(f) = other.first
            && self.first.is_none_or(|s| f < s)
        {
            self.first = Some(f);
        }
        if let Some(l) = other.last
            && self.last.is_none_or(|s| l > s)
        {
            self.last = Some(l);
        }
        for &o in &other.offsets {
            if !self.offsets.contains(&o) && self.offsets.len() < MAX_OFFSETS {
                self.offsets.push(o);
            }
        }
        self.per_second.merge(&other.per_second);
        for (a, b) in self.status.iter_mut().zip(other.status.iter()) {
            *a += b;
        }
        self.request_time.merge(&other.request_time);
        self.upstream_time.merge(&other.upstream_time);
        self.paths.merge(&other.paths);
        self.no_path += other.no_path;
        if self.sources.len() < other.sources.len() {
            self.sources
                .resize(other.sources.len(), SourceStats::default());
        }
        for (mine, theirs) in self.sources.iter_mut().zip(&other.sources) {
            mine.merge(theirs);
        }
        for (host, theirs) in &other.hosts {
            let row = match self.host_row(host) {
                Some(k) => self.hosts.get_mut(k),
                None => None,
            };
            match row {
                Some((_, mine)) => mine.merge(theirs),
                // Past the cap: in the row of their file, as their lines would have
                // counted here (`sources` was made as long as `other`'s above).
                None => {
                    if let Some(mine) = self.sources.get_mut(other.source) {
                        mine.merge(theirs);
                    }
                }
            }
        }
        if let Some(theirs) = &other.haproxy {
            self.haproxy
                .get_or_insert_with(|| Box::new(HaproxyStats::new()))
                .merge(theirs);
        }
        // `other`'s lines come after this aggregate's (the engine keeps samples in input
        // order, in the aggregate it merges into).
        self.samples.extend(other.samples.iter().cloned());
        self.samples.truncate(self.cfg.malformed_samples);
    }

    pub fn requests(&self) -> u64 {
        self.requests
    }

    pub fn lines_read(&self) -> u64 {
        self.lines_read
    }

    pub fn malformed_count(&self) -> u64 {
        self.malformed
    }

    /// Renders the aggregate into a [`Summary`]; the caller fills in version, layout and
    /// sources, which the aggregate does not know.
    /// `global` (the request or upstream times of other lines) with HAProxy's timer `i`
    /// (Ta or Tr), which holds those of HAProxy lines.
    fn with_timer<'s>(&'s self, global: &'s ExactHistogram, i: usize) -> Cow<'s, ExactHistogram> {
        match &self.haproxy {
            Some(h) if global.count() == 0 => Cow::Borrowed(&h.timers[i]),
            Some(h) => {
                let mut all = global.clone();
                all.merge(&h.timers[i]);
                Cow::Owned(all)
            }
            None => Cow::Borrowed(global),
        }
    }

    pub fn summarize(&self) -> Summary {
        let share = |c: u64| {
            if self.requests == 0 {
                0.0
            } else {
                c as f64 / self.requests as f64
            }
        };
        let instant = |(us, off): (i64, i16)| Instant {
            utc: format_rfc3339(us, None),
            local: format_rfc3339(us, Some(off)),
            epoch_us: us,
        };
        let time = match (self.first, self.last) {
            (Some(f), Some(l)) => Some(TimeRange {
                first: instant(f),
                last: instant(l),
                offsets: {
                    let mut o = self.offsets.clone();
                    o.sort_unstable();
                    o.into_iter().map(format_offset).collect()
                },
            }),
            _ => None,
        };
        let seconds = match self.window {
            Some((lo, hi)) => self.per_second.summarize_over(lo, hi),
            None => self.per_second.summarize(),
        };
        let qps = seconds.map(|s| Qps {
            mean: self.requests as f64 / s.seconds as f64,
            peak: s.peak,
            peak_second: format_rfc3339(s.peak_second * 1_000_000, None),
            peak_second_epoch: s.peak_second,
            p50: s.quantile(P50),
            p99: s.quantile(P99),
            seconds: s.seconds,
            empty_seconds: s.empty_seconds,
        });
        let codes = self
            .status
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(code, &count)| StatusCount {
                code: code as u16,
                count,
                share: share(count),
            })
            .collect();
        let mut classes = [0u64; 6];
        for (code, &c) in self.status.iter().enumerate() {
            classes[crate::rollup::status_class(code as u16)] += c;
        }
        let classes = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"]
            .iter()
            .zip(classes)
            .map(|(name, count)| ClassCount {
                class: name.to_string(),
                count,
                share: share(count),
            })
            .collect();
        // A table's busiest keys, with their share of all requests and their p99.
        let top = |t: &GroupTable| -> Vec<PathStat> {
            t.top(self.cfg.top_n)
                .into_iter()
                .map(|(k, e)| PathStat {
                    path: escape_bytes(k),
                    count: e.count,
                    share: share(e.count),
                    p99_us: e.latency.quantiles(&[P99]).map(|q| q[0]),
                    approximate: e.latency.is_approximate(),
                })
                .collect()
        };
        let top_paths = top(&self.paths);
        Summary {
            axlog_version: String::new(),
            layout: None,
            sources: Vec::new(),
            lines: LineCounts {
                read: self.lines_read,
                parsed: self.requests,
                malformed: self.malformed,
                other: self.other,
                unread_fields: self.unread_fields,
            },
            malformed_samples: self.samples.clone(),
            time,
            requests: self.requests,
            bytes_sent: self.bytes_sent,
            qps,
            status: StatusSummary { codes, classes },
            latency: LatencySummary {
                request_time: latency_stats(&self.with_timer(&self.request_time, 4)),
                upstream_response_time: latency_stats(&self.with_timer(&self.upstream_time, 3)),
            },
            top_paths,
            paths: GroupTableInfo {
                distinct: self.paths.len() as u64,
                cap: self.paths.cap() as u64,
                bytes: self.paths.key_bytes() as u64,
                bytes_cap: self.paths.key_bytes_cap() as u64,
                cap_reached: self.paths.untracked() > 0,
                untracked_requests: self.paths.untracked(),
                requests_without_path: self.no_path,
            },
            haproxy: self.haproxy.as_ref().map(|h| {
                let [tr, tw, tc, tresp, ta] = h.timers_all().each_ref().map(|t| latency_stats(t));
                HaproxySummary {
                    tr,
                    tw,
                    tc,
                    tr_server: tresp,
                    ta,
                    servers: top(&h.servers),
                    distinct_servers: h.servers.len() as u64,
                }
            }),
        }
    }
}

fn latency_stats(h: &ExactHistogram) -> Option<LatencyStats> {
    let q = h.quantiles(&[P50, P90, P99, P999])?;
    Some(LatencyStats {
        count: h.count(),
        p50_us: q[0],
        p90_us: q[1],
        p99_us: q[2],
        p999_us: q[3],
        max_us: h.max().unwrap_or(0),
        mean_us: h.mean().unwrap_or(0.0),
        approximate: h.is_approximate(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(ts_s: i64, status: u16, rt_ms: Option<u64>, path: Option<&[u8]>) -> Observation<'_> {
        Observation {
            ts_us: ts_s * 1_000_000,
            utc_offset_min: 60,
            status,
            // Three bytes per millisecond, so each line's size is known from its time.
            bytes_sent: rt_ms.map(|m| m * 3),
            request_time_us: rt_ms.map(|m| m * 1000),
            upstream_time_us: None,
            path,
            haproxy: None,
        }
    }

    #[test]
    fn hand_counted_summary() {
        let mut a = Aggregate::new(StatsConfig::default());
        a.add_lines(6);
        a.observe(&obs(1000, 200, Some(10), Some(b"/a")));
        a.observe(&obs(1002, 404, Some(30), Some(b"/b")));
        a.observe(&obs(1000, 200, Some(20), Some(b"/a")));
        a.observe(&obs(999, 502, None, None));
        a.observe(&obs(1000, 0, Some(40), Some(b"/a")));
        a.malformed("x.log", 6, b"junk\xff");
        let s = a.summarize();
        assert_eq!(
            s.lines,
            LineCounts {
                read: 6,
                parsed: 5,
                malformed: 1,
                other: 0,
                unread_fields: 0
            }
        );
        let t = s.time.unwrap();
        assert_eq!(t.first.utc, "1970-01-01T00:16:39Z");
        assert_eq!(t.last.local, "1970-01-01T01:16:42+01:00");
        assert_eq!(t.offsets, vec!["+01:00"]);
        // 10 + 30 + 20 + 40 ms, the 502 has no size: (10 + 30 + 20 + 40) * 3.
        assert_eq!(s.bytes_sent, 300);
        // Seconds 999..=1002: counts 1, 3, 0, 1.
        let q = s.qps.unwrap();
        assert_eq!(
            (q.seconds, q.empty_seconds, q.peak, q.peak_second_epoch),
            (4, 1, 3, 1000)
        );
        assert_eq!((q.p50, q.p99), (1, 3));
        assert_eq!(q.mean, 1.25);
        let codes: Vec<_> = s.status.codes.iter().map(|c| (c.code, c.count)).collect();
        assert_eq!(codes, vec![(0, 1), (200, 2), (404, 1), (502, 1)]);
        let classes: Vec<_> = s.status.classes.iter().map(|c| c.count).collect();
        assert_eq!(classes, vec![0, 2, 0, 1, 1, 1]);
        let rt = s.latency.request_time.unwrap();
        // Values 10, 20, 30, 40 ms: p50 = 2nd = 20, p90 = 4th = 40.
        assert_eq!(
            (rt.count, rt.p50_us, rt.p90_us, rt.max_us),
            (4, 20_000, 40_000, 40_000)
        );
        assert_eq!(rt.mean_us, 25_000.0);
        assert!(s.latency.upstream_response_time.is_none());
        assert_eq!(s.top_paths[0].path, "/a");
        assert_eq!(
            (s.top_paths[0].count, s.top_paths[0].p99_us),
            (3, Some(40_000))
        );
        assert_eq!(s.paths.requests_without_path, 1);
        assert_eq!(s.malformed_samples[0].text, "junk\\xFF");
    }

    /// A window of seconds 100..=104: a line from second 97 counts at 100; QPS is over
    /// the five seconds (counts 2, 0, 1, 0, 0).
    #[test]
    fn window_counts_late_lines_in_its_first_second() {
        let mut a = Aggregate::new(StatsConfig::default());
        a.set_window(100, 104);
        for s in [102, 97, 100] {
            a.observe(&obs(s, 200, None, None));
        }
        let q = a.summarize().qps.unwrap();
        assert_eq!(
            (q.seconds, q.empty_seconds, q.peak, q.peak_second_epoch),
            (5, 3, 2, 100)
        );
        assert_eq!((q.mean, q.p50, q.p99), (0.6, 0, 2));
        // The request's own time is still the range's first.
        assert_eq!(a.summarize().time.unwrap().first.epoch_us, 97_000_000);
    }

    #[test]
    fn merged_halves_equal_whole() {
        let mut whole = Aggregate::new(StatsConfig::default());
        let mut a = Aggregate::new(StatsConfig::default());
        let mut b = Aggregate::new(StatsConfig::default());
        let paths: [&[u8]; 3] = [b"/x", b"/y", b"/z"];
        for i in 0..3000i64 {
            let o = obs(
                5000 + (i * 37) % 200,
                [200, 304, 500][i as usize % 3],
                Some((i as u64 * 13) % 900),
                Some(paths[i as usize % 3]),
            );
            whole.observe(&o);
            if i % 2 == 0 {
                a.observe(&o)
            } else {
                b.observe(&o)
            }
        }
        a.merge(&b);
        assert_eq!(a.summarize(), whole.summarize());
    }

    /// Request and upstream times of HAProxy lines are counted through its Ta and Tr
    /// timers; the global figures still hold every line's, nginx's and HAProxy's alike,
    /// and a line whose times differ from its timers (no parser writes one) is counted
    /// where it belongs too.
    #[test]
    fn haproxy_times_counted_once_in_both_figures() {
        let ms = |v: u64| Some(v * 1000);
        let ha = |ta: u64, tr: u64| HaproxyObservation {
            timers_us: [ms(1), ms(0), ms(2), ms(tr), ms(ta)],
            backend: b"be",
            server: b"s1",
            backend_server: b"be/s1",
            host: b"",
        };
        let with = |rt: u64, ut: u64, h| Observation {
            upstream_time_us: ms(ut),
            haproxy: Some(h),
            ..obs(100, 200, Some(rt), Some(b"/"))
        };
        let lines = [
            Observation {
                upstream_time_us: ms(4),
                ..obs(100, 200, Some(5), Some(b"/"))
            },
            with(10, 7, ha(10, 7)),
            with(50, 40, ha(50, 40)),
            // Given apart from its timers: 20 and 9 are global, 30 and 8 HAProxy's.
            with(20, 9, ha(30, 8)),
        ];
        let mut whole = Aggregate::new(StatsConfig::default());
        let mut parts = [0, 1].map(|_| Aggregate::new(StatsConfig::default()));
        for (i, o) in lines.iter().enumerate() {
            whole.observe(o);
            parts[i % 2].observe(o);
        }
        let [mut a, b] = parts;
        a.merge(&b);
        let s = whole.summarize();
        assert_eq!(a.summarize(), s);
        let stats = |l: Option<LatencyStats>| {
            let l = l.unwrap();
            (
                l.count,
                l.p50_us / 1000,
                l.max_us / 1000,
                l.mean_us / 1000.0,
            )
        };
        // Request times 5, 10, 50, 20: p50 is the 2nd of 5, 10, 20, 50.
        assert_eq!(stats(s.latency.request_time), (4, 10, 50, 21.25));
        // Upstream times 4, 7, 40, 9.
        assert_eq!(stats(s.latency.upstream_response_time), (4, 7, 40, 15.0));
        let h = s.haproxy.unwrap();
        // Ta 10, 50, 30; Tr 7, 40, 8.
        assert_eq!(stats(h.ta), (3, 30, 50, 30.0));
        assert_eq!(stats(h.tr_server), (3, 8, 40, 55.0 / 3.0));
        assert_eq!((h.servers.len(), h.servers[0].count), (1, 3));
        assert_eq!(h.servers[0].path, "be/s1");
    }
}
