//! The line generator: a simulated clock, a per-request model, and the
//! writers (ingress-nginx's upstream fields in `upstreaminfo.rs`).

use crate::events::{
    Armed, Event, EventKey, EventKind, Target, constant_endpoint, fold_endpoint, resolve,
};
use crate::math::{self, Normal};
use crate::rng::{Rng, splitmix64};
use crate::tables::{
    Class, M_GET, M_HEAD, M_OPTIONS, M_POST, M_PUT, METHODS, P_H2, PROTOS, Piece, Tables, UaKind,
    class_info,
};
use crate::text::{
    ClfCache, escape_nginx, fmt_syslog, fmt_tz, push_frac3, push_i64, push_ms, push_status,
    push_u64,
};
use crate::upstreaminfo::{self, Pods};
use crate::{Config, Format};

/// Special lines, in parts per million of all lines.
const P_EMPTY: u64 = 150;
const P_GARBAGE: u64 = 150;
const P_TRUNC: u64 = 200;
/// nginx only; a valid line.
const P_TLS: u64 = 200;

/// Chance per simulated second that a burst / a gap starts.
const BURST_PPM: u32 = 1_700;
const GAP_PPM: u32 = 5_000;

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// An `errors` event turns this share (ppm) of its requests into 5xx.
const ERRORS_PPM: u32 = 200_000;
/// A `spike` event multiplies the traffic by this; a `latency` event the
/// times of its key's requests.
const SPIKE_MULT: f64 = 3.0;
const SLOW_MULT: u64 = 10;

/// A request the current event makes: to its key, perhaps with a status.
#[derive(Clone, Copy)]
struct Force {
    event: usize,
    status: Option<u16>,
}

/// One sampled request, shared by all formats.
pub(crate) struct Req {
    pub(crate) class: Class,
    pub(crate) ctype: &'static [u8],
    pub(crate) method: u8,
    pub(crate) proto: u8,
    pub(crate) status: u16,
    pub(crate) body: u64,
    /// Upstream attempts in ms; -1 is an attempt logged as `-`.
    pub(crate) up: [i64; 3],
    /// 0 means the whole field is `-` (no upstream involved).
    pub(crate) n_up: usize,
    /// Attempts are internal redirects (` : `) rather than retries (`, `).
    pub(crate) redirect: bool,
    /// Sum of the measured attempts.
    pub(crate) up_ms: u64,
    pub(crate) transfer_ms: u64,
    pub(crate) rt_ms: u64,
}

pub(crate) struct Generator {
    format: Format,
    rng: Rng,
    t: Tables,
    normal: Normal,
    tz_s: i64,
    tz_field: [u8; 5],
    rate: f64,
    /// The simulated clock (UTC epoch seconds); no line is later than it.
    now: i64,
    /// Where it started.
    start: i64,
    in_sec: u32,
    left: u32,
    /// Current intensity (requests/s), used for HAProxy connection counts.
    lam: f64,
    burst_left: u32,
    burst_mult: f64,
    gap_left: u32,
    /// Earliest timestamp a late-logged line may carry: the start, or the
    /// end of the last gap (so gaps stay empty).
    floor_s: i64,
    clf: ClfCache,
    syslog: [u8; 15],
    path: Vec<u8>,
    pods: Pods,
    /// No random bursts or gaps.
    calm: bool,
    events: Vec<Armed>,
    /// The events acting in the current second (indices into `events`).
    sec_spike: Option<usize>,
    sec_errors: Option<usize>,
    sec_latency: Option<usize>,
    /// Slots of the current second still to be given to the spike's key.
    forced_left: u32,
    /// The server the next HAProxy line must name, and the latency event
    /// whose server (if it is this line's) makes it slow.
    force_server: Option<u64>,
    slow_server: Option<usize>,
    /// A slowed request takes at least this long (ms): `SLOW_MULT` times the
    /// traffic's usual p99, so that a key with more than ~1% of the requests
    /// lifts the overall p99 about as much (0 without a latency event).
    slow_floor_ms: u64,
    fold: Vec<u8>,
}

impl Generator {
    pub(crate) fn new(cfg: &Config) -> Self {
        // Vocabulary and request stream use independent streams of the seed.
        let mut trng = Rng::new(splitmix64(cfg.seed ^ 0x7ab1_e5ee_d000_0001));
        let t = Tables::new(cfg.format, &mut trng);
        let rate = if cfg.rate.is_nan() {
            200.0
        } else {
            cfg.rate.clamp(1e-3, 1e7)
        };
        let tz = cfg.tz_offset_min.clamp(-(23 * 60 + 59), 23 * 60 + 59);
        let start = cfg.start_epoch_s.clamp(-(1 << 40), 1 << 40);
        let events = cfg
            .events
            .iter()
            .map(|e| Armed {
                ev: e.clone(),
                target: resolve(e, cfg.format, &t),
            })
            .collect();
        Generator {
            format: cfg.format,
            rng: Rng::new(cfg.seed),
            t,
            normal: Normal::new(),
            tz_s: i64::from(tz) * 60,
            tz_field: fmt_tz(tz),
            rate,
            now: start - 1,
            start,
            in_sec: 0,
            left: 0,
            lam: rate,
            burst_left: 0,
            burst_mult: 1.0,
            gap_left: 0,
            floor_s: start,
            clf: ClfCache::new(),
            syslog: [b' '; 15],
            path: Vec::with_capacity(512),
            pods: Pods::new(cfg.seed),
            calm: cfg.calm,
            events,
            sec_spike: None,
            sec_errors: None,
            sec_latency: None,
            forced_left: 0,
            force_server: None,
            slow_server: None,
            slow_floor_ms: 0,
            fold: Vec::new(),
        }
        .with_slow_floor(cfg)
    }

    /// Sets `slow_floor_ms` from 20,000 requests drawn from the mix by a
    /// scratch generator (so this one's stream is untouched).
    fn with_slow_floor(mut self, cfg: &Config) -> Self {
        if !cfg.events.iter().any(|e| e.kind == EventKind::Latency) {
            return self;
        }
        let mut scratch = Generator::new(&Config {
            events: Vec::new(),
            ..cfg.clone()
        });
        let mut rts: Vec<u64> = (0..20_000)
            .map(|_| scratch.request(None, None).rt_ms)
            .collect();
        rts.sort_unstable();
        self.slow_floor_ms = rts[rts.len() * 99 / 100] * SLOW_MULT;
        self
    }

    /// Whether `e`'s key resolves in this run (see [`crate::check`]).
    pub(crate) fn check_key(&self, e: &Event) -> Result<(), String> {
        if resolve(e, self.format, &self.t).is_some() {
            return Ok(());
        }
        let key = e.key.as_ref().map(|k| k.to_string()).unwrap_or_default();
        let hint = match (&e.key, self.format) {
            (Some(EventKey::Server { .. }), Format::HaproxyHttp) => {
                "servers are api|app|static/web1..web8".to_string()
            }
            (Some(EventKey::Server { .. }), _) => "server= keys need haproxy-http".to_string(),
            _ => {
                let mut some: Vec<String> = Vec::new();
                for i in 0..self.t.templates.len() {
                    if let Some(k) = constant_endpoint(&self.t, i) {
                        let k = String::from_utf8_lossy(&k).into_owned();
                        if !some.contains(&k) && some.len() < 8 {
                            some.push(k);
                        }
                    }
                }
                format!("endpoints include {}", some.join(", "))
            }
        };
        Err(format!(
            "event {e}: no generated request has {key} ({hint})"
        ))
    }

    /// Which events act in the second just started; true during an outage.
    fn arm_second(&mut self) -> bool {
        let (mut spike, mut errors, mut latency, mut outage) = (None, None, None, false);
        for (i, a) in self.events.iter().enumerate() {
            if a.target.is_none() || !a.ev.covers(self.now) {
                continue;
            }
            let slot = match a.ev.kind {
                EventKind::Outage => {
                    outage = true;
                    continue;
                }
                EventKind::Spike => &mut spike,
                EventKind::Errors => &mut errors,
                EventKind::Latency => &mut latency,
            };
            slot.get_or_insert(i);
        }
        (self.sec_spike, self.sec_errors, self.sec_latency) = (spike, errors, latency);
        self.forced_left = 0;
        outage
    }

    /// Whether the current second gives the slot just taken to an event.
    fn force(&mut self) -> Option<Force> {
        if self.forced_left > 0 {
            // The spike's extra slots, spread at random over the second.
            if self.rng.below(u64::from(self.left) + 1) < u64::from(self.forced_left) {
                self.forced_left -= 1;
                return self.sec_spike.map(|event| Force {
                    event,
                    status: None,
                });
            }
        }
        let event = self.sec_errors?;
        if !self.rng.ppm(ERRORS_PPM) {
            return None;
        }
        let status = if self.rng.below(2) == 0 { 500 } else { 502 };
        Some(Force {
            event,
            status: Some(status),
        })
    }

    /// A request to the event's key (with its forced status).
    fn forced_request(&mut self, f: Force) -> Req {
        let mut tries = 0;
        loop {
            tries += 1;
            let tmpl = match &self.events[f.event].target {
                Some(Target::Endpoint { tmpls, .. }) => {
                    Some(tmpls[self.rng.below(tmpls.len() as u64) as usize])
                }
                Some(Target::Server { server, tmpls, .. }) => {
                    self.force_server = Some(*server);
                    Some(tmpls[self.rng.below(tmpls.len() as u64) as usize])
                }
                _ => None,
            };
            let req = self.request(tmpl, f.status);
            // A template with a random part may miss the key now and then:
            // draw again (a few times at most).
            if let Some(Target::Endpoint { key, .. }) = &self.events[f.event].target
                && tries < 8
            {
                fold_endpoint(&self.path, &mut self.fold);
                if self.fold != *key {
                    continue;
                }
            }
            return req;
        }
    }

    /// Applies the current latency event to `req` (an endpoint's, or every
    /// request), or leaves it to `write_haproxy` (a server's).
    fn maybe_slow(&mut self, req: &mut Req) {
        let Some(i) = self.sec_latency else { return };
        let hit = match &self.events[i].target {
            Some(Target::Any) => true,
            Some(Target::Endpoint { key, .. }) => {
                fold_endpoint(&self.path, &mut self.fold);
                self.fold == *key
            }
            Some(Target::Server { .. }) => {
                self.slow_server = Some(i);
                false
            }
            None => false,
        };
        if hit {
            // The upstream answers 10x slower; the request as a whole takes
            // at least the floor (the rest is sending it: rt >= upstream).
            for a in req.up[..req.n_up].iter_mut().filter(|a| **a >= 0) {
                *a *= SLOW_MULT as i64;
            }
            req.up_ms *= SLOW_MULT;
            req.rt_ms = (req.rt_ms * SLOW_MULT).max(self.slow_floor_ms);
            req.transfer_ms = req.rt_ms.saturating_sub(req.up_ms);
        }
    }

    /// Appends exactly one `\n`-terminated line.
    pub(crate) fn next_line(&mut self, buf: &mut Vec<u8>) {
        let idx = self.tick();
        let force = if self.events.is_empty() {
            None
        } else {
            self.force()
        };
        if let Some(f) = force {
            // An event's request is always a whole, valid line.
            let mut req = self.forced_request(f);
            self.maybe_slow(&mut req);
            match self.format {
                Format::HaproxyHttp => self.write_haproxy(buf, &req, idx),
                _ => self.write_nginx(buf, &req),
            };
            return;
        }
        let roll = self.rng.below(1_000_000);
        if roll < P_EMPTY {
            buf.push(b'\n');
            return;
        }
        if roll < P_EMPTY + P_GARBAGE {
            self.garbage(buf);
            return;
        }
        let truncate = roll < P_EMPTY + P_GARBAGE + P_TRUNC;
        if !truncate
            && roll < P_EMPTY + P_GARBAGE + P_TRUNC + P_TLS
            && self.format != Format::HaproxyHttp
        {
            self.tls_line(buf);
            return;
        }
        let start = buf.len();
        let mut req = self.request(None, None);
        if !self.events.is_empty() {
            self.maybe_slow(&mut req);
        }
        let cut_max = match self.format {
            Format::HaproxyHttp => self.write_haproxy(buf, &req, idx),
            _ => self.write_nginx(buf, &req),
        };
        if truncate {
            // Keep 1..=min(60% of the line, everything before the request's
            // closing quote / the status), so the result never parses.
            let len = buf.len() - start - 1;
            let max = (len * 6 / 10).min(cut_max).max(1);
            let keep = self.rng.range(1, max as u64) as usize;
            buf.truncate(start + keep);
            buf.push(b'\n');
        }
    }

    /// Whether a line is left in the simulated seconds `[start, start + secs)`:
    /// advances the clock to the next second with a request, unless that
    /// second is past them.
    pub(crate) fn has_line_within(&mut self, secs: u64) -> bool {
        let end = self
            .start
            .saturating_add(i64::try_from(secs).unwrap_or(i64::MAX));
        while self.left == 0 {
            if self.now + 1 >= end {
                return false;
            }
            self.next_second();
        }
        true
    }

    /// Takes one request slot from the current second, advancing the clock
    /// as needed; returns the slot's index within its second.
    #[inline]
    fn tick(&mut self) -> u32 {
        while self.left == 0 {
            self.next_second();
        }
        self.left -= 1;
        self.in_sec - self.left - 1
    }

    fn next_second(&mut self) {
        self.now += 1;
        if !self.events.is_empty() && self.arm_second() {
            // An outage: as a gap, no line may carry a time inside it.
            self.floor_s = self.now + 1;
            self.in_sec = 0;
            self.left = 0;
            return;
        }
        if !self.calm && self.gap_left == 0 && self.burst_left == 0 && self.rng.ppm(GAP_PPM) {
            self.gap_left = self.rng.range(2, 6) as u32;
        }
        if self.gap_left > 0 {
            self.gap_left -= 1;
            self.floor_s = self.now + 1;
            self.in_sec = 0;
            self.left = 0;
            return;
        }
        if !self.calm && self.burst_left == 0 && self.rng.ppm(BURST_PPM) {
            self.burst_left = self.rng.range(2, 8) as u32;
            self.burst_mult = 5.0 + 5.0 * self.rng.unit();
        }
        let mut lam = self.rate * diurnal(self.now + self.tz_s);
        if self.burst_left > 0 {
            self.burst_left -= 1;
            lam *= self.burst_mult;
        }
        let mut n = poisson(&mut self.rng, &self.normal, lam);
        if self.sec_spike.is_some() {
            let extra = poisson(&mut self.rng, &self.normal, lam * (SPIKE_MULT - 1.0));
            n += extra;
            lam *= SPIKE_MULT;
            // Without a key the extra requests are ordinary ones.
            let keyed = self
                .sec_spike
                .is_some_and(|i| !matches!(self.events[i].target, Some(Target::Any)));
            self.forced_left = if keyed { extra } else { 0 };
        }
        self.lam = lam;
        self.in_sec = n;
        self.left = n;
        if self.format == Format::HaproxyHttp && n > 0 {
            self.syslog = fmt_syslog(self.now + self.tz_s);
        }
    }

    /// How late a line is logged: ~5% 1-5 s, ~0.1% 6-120 s.
    fn skew(&mut self) -> i64 {
        let r = self.rng.below(1_000_000);
        if r < 1_000 {
            self.rng.range(6, 120) as i64
        } else if r < 51_000 {
            self.rng.range(1, 5) as i64
        } else {
            0
        }
    }

    /// A request to a template drawn from the mix (or to `tmpl`), with the
    /// status drawn (or `status`).
    fn request(&mut self, tmpl: Option<usize>, status: Option<u16>) -> Req {
        let rng = &mut self.rng;
        let t = &self.t;
        let tmpl = &t.templates[tmpl.unwrap_or_else(|| t.tmpl_alias.sample(rng))];
        let class = tmpl.class;
        let info = class_info(class);
        let method = t.methods[info.methods].sample(rng) as u8;
        let proto = match class {
            Class::Health | Class::Metrics => 0,
            _ => match rng.below(100) {
                0..78 => 0,
                78..97 => 1,
                _ => 2,
            },
        };

        self.path.clear();
        write_pieces(&mut self.path, &tmpl.pieces, rng, t);
        if tmpl.query_ppm > 0 && rng.ppm(tmpl.query_ppm) {
            let qs = &t.queries[class as usize];
            if !qs.is_empty() {
                let q = &qs[rng.below(qs.len() as u64) as usize];
                self.path.push(if tmpl.has_query { b'&' } else { b'?' });
                write_pieces(&mut self.path, q, rng, t);
            }
        }

        let status = match class {
            _ if status.is_some() => status.unwrap_or(500),
            Class::Health | Class::Metrics => {
                if rng.ppm(2_000) {
                    503
                } else {
                    200
                }
            }
            Class::Scanner => match rng.below(100) {
                0..85 => 404,
                85..92 => 403,
                92..95 => 400,
                95..98 => 301,
                _ => 444,
            },
            _ => {
                let mut s = t.status[t.status_alias.sample(rng)];
                let writes = method == M_POST || method == M_PUT;
                s = match s {
                    201 if !writes => 200,
                    304 if method != M_GET => 200,
                    206 if method != M_GET
                        || !matches!(class, Class::Static | Class::Image | Class::Download) =>
                    {
                        200
                    }
                    101 if method != M_GET || class != Class::Api => 200,
                    s => s,
                };
                if s == 200 && writes && rng.ppm(400_000) {
                    s = 201;
                }
                if s == 200 && class == Class::Download && method == M_GET && rng.ppm(300_000) {
                    s = 206;
                }
                if method == M_OPTIONS && s / 100 == 2 {
                    s = 204;
                }
                s
            }
        };

        let full_size = |rng: &mut Rng, normal: &Normal| -> u64 {
            if tmpl.size > 0 {
                return tmpl.size;
            }
            let (m, s) = info.size;
            let mut x = m * math::exp(s * normal.sample(rng));
            if method != M_GET && method != M_HEAD {
                x *= 0.3;
            }
            if rng.ppm(3_000) {
                // Heavy tail: the occasional huge export or report.
                x *= (1.0 / rng.unit_open0()).min(1_000.0);
            }
            (x as u64).max(2)
        };
        let normal = &self.normal;
        let api = class == Class::Api;
        let body = match status {
            _ if method == M_HEAD => 0,
            101 | 204 | 304 | 408 | 444 => 0,
            499 => {
                if rng.ppm(700_000) {
                    0
                } else {
                    let full = full_size(rng, normal);
                    rng.below(full)
                }
            }
            206 => {
                let full = full_size(rng, normal);
                let chunk = if class == Class::Download {
                    rng.range(1 << 20, 16 << 20)
                } else {
                    rng.range(1, full)
                };
                chunk.min(full)
            }
            301 => 162,
            302 => [0, 138, 145][rng.below(3) as usize],
            307 => 0,
            400 => 157,
            401 | 403 | 404 | 409 | 422 | 429 | 500 | 503 if api => {
                (80.0 * math::exp(0.4 * normal.sample(rng))) as u64
            }
            401 => 179,
            403 => 153,
            404 => [153, 548, 548, 1_245][rng.below(4) as usize],
            405 => 157,
            410 => 150,
            413 => 176,
            414 => 177,
            429 => 169,
            500 => 177,
            501 => 181,
            502 => 157,
            503 => 190,
            504 => 167,
            _ => full_size(rng, normal),
        };

        // Time to the response from the (final) upstream.
        let lat = match status {
            502 => rng.below(4),
            504 => 60_000 + rng.below(5),
            _ => {
                let (m, s) = info.lat;
                let mut x = m * math::exp(s * normal.sample(rng));
                match method {
                    M_GET | M_HEAD => {}
                    M_OPTIONS => x *= 0.2,
                    _ => x *= 1.8,
                }
                if rng.ppm(4_000) {
                    x *= (1.0 / rng.unit_open0()).min(2_000.0);
                }
                x.min(59_000.0) as u64
            }
        };

        let mut up = [lat as i64, 0, 0];
        let mut n_up = 1;
        let mut redirect = false;
        let mut abort_ms = 0;
        if status == 499 {
            // The client gave up; nginx logs the upstream time until then.
            abort_ms = (2_500.0 * math::exp(normal.sample(rng))).min(120_000.0) as u64;
            if rng.ppm(500_000) {
                n_up = 0;
            } else {
                up[0] = abort_ms.saturating_sub(rng.below(3)) as i64;
            }
        } else {
            match rng.below(1_000_000) {
                0..17_000 => n_up = 0,
                17_000..47_000 => {
                    // A failed attempt (refused, or a connect timeout), then
                    // the next server answers.
                    let failed = |rng: &mut Rng| -> i64 {
                        if rng.ppm(100_000) {
                            -1
                        } else if rng.ppm(700_000) {
                            rng.below(4) as i64
                        } else {
                            rng.range(1_000, 5_000) as i64
                        }
                    };
                    up[0] = failed(rng);
                    if rng.ppm(100_000) {
                        up[1] = failed(rng);
                        up[2] = lat as i64;
                        n_up = 3;
                    } else {
                        up[1] = lat as i64;
                        n_up = 2;
                    }
                }
                47_000..52_000 => {
                    // X-Accel-Redirect / error_page: a quick auth hop first.
                    up = [rng.range(1, 20) as i64, lat as i64, 0];
                    n_up = 2;
                    redirect = true;
                }
                _ => {}
            }
        }
        let up_ms: u64 = up[..n_up]
            .iter()
            .filter(|&&x| x >= 0)
            .map(|&x| x as u64)
            .sum();
        // Client download time: most clients are fast, some are phones on 3G.
        let ms_per_mib = if rng.ppm(850_000) {
            rng.range(2, 40)
        } else {
            rng.range(40, 1_500)
        };
        let transfer_ms = ((u128::from(body) * u128::from(ms_per_mib)) >> 20).min(3_000_000) as u64;
        let rt_ms = if status == 499 {
            abort_ms.max(up_ms)
        } else {
            up_ms + rng.below(3) + transfer_ms
        };

        Req {
            class,
            ctype: tmpl.ctype,
            method,
            proto,
            status,
            body,
            up,
            n_up,
            redirect,
            up_ms,
            transfer_ms,
            rt_ms,
        }
    }

    fn pick_ip(&mut self, class: Class) -> &[u8] {
        let rng = &mut self.rng;
        match class {
            Class::Health | Class::Metrics => self
                .t
                .internal
                .get(rng.below(self.t.internal.len() as u64) as usize),
            _ if rng.ppm(100_000) => self.t.ipv6.sample(rng),
            _ => self.t.ipv4.sample(rng),
        }
    }

    fn pick_ua(&mut self, class: Class) -> usize {
        let rng = &mut self.rng;
        let t = &self.t;
        match class {
            Class::Health => t.ua_probe[rng.below(t.ua_probe.len() as u64) as usize] as usize,
            Class::Metrics => t.ua_prometheus as usize,
            Class::Scanner => t.ua_scanner.0[t.ua_scanner.1.sample(rng)] as usize,
            _ => t.ua_general.sample(rng),
        }
    }

    fn write_nginx(&mut self, buf: &mut Vec<u8>, req: &Req) -> usize {
        let start = buf.len();
        let ts = (self.now - self.skew()).max(self.floor_s);
        let ip = self.pick_ip(req.class);
        buf.extend_from_slice(ip);
        buf.extend_from_slice(b" - ");
        if self.rng.ppm(15_000) {
            let u = self.rng.below(self.t.users.len() as u64) as usize;
            buf.extend_from_slice(self.t.users.get(u));
        } else {
            buf.push(b'-');
        }
        buf.extend_from_slice(b" [");
        buf.extend_from_slice(self.clf.get(ts + self.tz_s));
        buf.push(b' ');
        buf.extend_from_slice(&self.tz_field);
        buf.extend_from_slice(b"] \"");
        buf.extend_from_slice(METHODS[req.method as usize]);
        buf.push(b' ');
        buf.extend_from_slice(&self.path);
        buf.push(b' ');
        buf.extend_from_slice(PROTOS[req.proto as usize]);
        let close_quote = buf.len() - start;
        buf.extend_from_slice(b"\" ");
        push_status(buf, req.status);
        buf.push(b' ');
        push_u64(buf, req.body);
        buf.extend_from_slice(b" \"");

        let ua = self.pick_ua(req.class);
        let kind = self.t.ua_kind[ua];
        let rng = &mut self.rng;
        let browser = kind == UaKind::Browser || (kind == UaKind::Bot && rng.ppm(100_000));
        let t = &self.t;
        if browser && !matches!(req.class, Class::Health | Class::Metrics | Class::Scanner) {
            let r = t.referer_alias.sample(rng);
            buf.extend_from_slice(t.referers.get(r));
            if t.referer_dynamic[r] {
                push_u64(buf, 1 + rng.below(50_000));
            }
        } else {
            buf.push(b'-');
        }
        buf.extend_from_slice(b"\" \"");
        let ua_bytes = t.uas.get(ua);
        buf.extend_from_slice(ua_bytes);
        buf.push(b'"');
        if self.format == Format::IngressUpstreaminfo {
            let head_len = METHODS[req.method as usize].len()
                + 1
                + self.path.len()
                + 1
                + PROTOS[req.proto as usize].len()
                + ua_bytes.len();
            upstreaminfo::write_tail(
                buf,
                rng,
                &self.normal,
                &self.pods,
                req,
                &self.path,
                head_len,
            );
        } else if self.format == Format::NginxTimed {
            buf.push(b' ');
            push_ms(buf, req.rt_ms);
            buf.push(b' ');
            if req.n_up == 0 {
                buf.push(b'-');
            }
            for (i, &a) in req.up[..req.n_up].iter().enumerate() {
                if i > 0 {
                    buf.extend_from_slice(if req.redirect { b" : " } else { b", " });
                }
                if a < 0 {
                    buf.push(b'-');
                } else {
                    push_ms(buf, a as u64);
                }
            }
        }
        buf.push(b'\n');
        close_quote
    }

    fn write_haproxy(&mut self, buf: &mut Vec<u8>, req: &Req, idx: u32) -> usize {
        let start = buf.len();
        let skew = self.skew();
        buf.extend_from_slice(&self.syslog);
        buf.extend_from_slice(b" lb1 haproxy[2451]: ");
        let ip = self.pick_ip(req.class);
        buf.extend_from_slice(ip);
        let ua = self.pick_ua(req.class);
        let rng = &mut self.rng;
        buf.push(b':');
        push_u64(buf, rng.range(1_024, 65_535));

        // Timers (ms): TR request, Tw queue, Tc connect, Tr response, Ta total.
        let t_req = match rng.below(100) {
            0..80 => 0,
            80..97 => rng.range(1, 3),
            _ => rng.range(4, 400),
        } as i64;
        let (mut t_wait, mut sq, mut bq) = if rng.ppm(20_000) {
            (rng.range(1, 200) as i64, rng.range(1, 5), rng.range(0, 3))
        } else {
            (0, 0, 0)
        };
        let mut t_conn = match rng.below(100) {
            0..60 => 0,
            60..95 => 1,
            _ => rng.range(2, 15),
        } as i64;
        let mut status = req.status;
        let mut server = Some(rng.range(1, 8));
        if let Some(s) = self.force_server.take() {
            server = Some(s);
        }
        let mut term: &[u8] = b"----";
        let mut t_resp = req.up_ms as i64;
        let mut bytes = req.body + rng.range(180, 420);
        let base = t_req + t_wait + t_conn;
        let mut t_all = match status {
            503 if rng.ppm(800_000) => {
                server = None;
                term = b"SC--";
                (t_wait, t_conn, t_resp, sq, bq) = (-1, -1, -1, 0, 0);
                bytes = 217;
                t_req + rng.below(2) as i64
            }
            403 if rng.ppm(300_000) => {
                server = None;
                term = b"PR--";
                (t_wait, t_conn, t_resp, sq, bq) = (-1, -1, -1, 0, 0);
                bytes = 192;
                t_req
            }
            502 => {
                term = b"SH--";
                t_resp = -1;
                bytes = 209;
                base + req.up_ms as i64 + rng.below(3) as i64
            }
            504 => {
                term = b"sH--";
                t_resp = -1;
                bytes = 198;
                base + 30_000 + rng.below(5) as i64
            }
            499 => {
                // HAProxy has no 499: the server answered, the client went away.
                status = 200;
                t_resp = rng.below(req.rt_ms / 2 + 1) as i64;
                let sum = base + t_resp;
                if rng.ppm(600_000) {
                    term = b"CD--";
                    (req.rt_ms as i64).max(sum + 1)
                } else {
                    term = b"cD--";
                    sum + 30_000 + rng.below(5) as i64
                }
            }
            _ => base + t_resp + req.transfer_ms as i64 + rng.below(3) as i64,
        };
        if let Some(i) = self.slow_server.take()
            && let Some(Target::Server {
                backend, server: s, ..
            }) = &self.events[i].target
            && server == Some(*s)
            && *backend == class_info(req.class).backend
        {
            // Ta >= TR+Tw+Tc+Tr holds after both are scaled.
            if t_resp >= 0 {
                t_resp *= SLOW_MULT as i64;
            }
            t_all = (t_all * SLOW_MULT as i64).max(self.slow_floor_ms as i64);
        }
        let clock_ms = self.now * 1_000
            + ((u64::from(idx) * 1_000 + rng.below(1_000)) / u64::from(self.in_sec)) as i64;
        let accept_ms = (clock_ms - skew * 1_000 - t_all).max(self.floor_s * 1_000);

        buf.extend_from_slice(b" [");
        buf.extend_from_slice(self.clf.get(accept_ms.div_euclid(1_000) + self.tz_s));
        push_frac3(buf, accept_ms.rem_euclid(1_000) as u64);
        buf.extend_from_slice(b"] ");
        let rng = &mut self.rng;
        let tls = req.proto == P_H2 || rng.ppm(700_000);
        buf.extend_from_slice(if tls { b"www~ " } else { b"www " });
        buf.extend_from_slice(class_info(req.class).backend);
        match server {
            Some(s) => {
                buf.extend_from_slice(b"/web");
                push_u64(buf, s);
            }
            None => buf.extend_from_slice(b"/<NOSRV>"),
        }
        buf.push(b' ');
        for (i, v) in [t_req, t_wait, t_conn, t_resp, t_all]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                buf.push(b'/');
            }
            push_i64(buf, v);
        }
        buf.push(b' ');
        let status_pos = buf.len() - start;
        push_status(buf, status);
        buf.push(b' ');
        push_u64(buf, bytes);
        buf.extend_from_slice(b" - - ");
        buf.extend_from_slice(term);
        buf.push(b' ');

        // actconn/feconn/beconn/srv_conn/retries: concurrency ~ rate x 50 ms.
        let base = (self.lam * 0.05) as u64 + 1;
        let act = base + rng.below(base / 2 + 4);
        let fe = act - rng.below(act / 10 + 1);
        let be = fe - rng.below(fe / 4 + 1);
        let srv = if server.is_some() {
            (be / 8 + rng.below(3)).clamp(1, be)
        } else {
            0
        };
        let retries = if req.redirect {
            0
        } else {
            req.n_up.saturating_sub(1) as u64
        };
        for (i, v) in [act, fe, be, srv, retries].into_iter().enumerate() {
            if i > 0 {
                buf.push(b'/');
            }
            push_u64(buf, v);
        }
        buf.push(b' ');
        push_u64(buf, sq);
        buf.push(b'/');
        push_u64(buf, bq);
        buf.push(b' ');

        if rng.ppm(150_000) {
            let host: &[u8] = match req.class {
                Class::Api => b"api.example.com",
                _ => match rng.below(100) {
                    0..95 => b"shop.example.com",
                    95..99 => b"www.example.com",
                    _ => b"",
                },
            };
            buf.push(b'{');
            buf.extend_from_slice(host);
            buf.push(b'|');
            buf.extend_from_slice(self.t.uas.get(ua));
            buf.extend_from_slice(b"} ");
            if rng.below(3) == 0 {
                buf.push(b'{');
                buf.extend_from_slice(if server.is_some() {
                    req.ctype
                } else {
                    b"text/html"
                });
                buf.extend_from_slice(b"} ");
            }
        }
        buf.push(b'"');
        buf.extend_from_slice(METHODS[req.method as usize]);
        buf.push(b' ');
        buf.extend_from_slice(&self.path);
        buf.push(b' ');
        buf.extend_from_slice(PROTOS[req.proto as usize]);
        buf.extend_from_slice(b"\"\n");
        status_pos
    }

    /// A TLS ClientHello sent to the plain-HTTP port, as nginx logs it.
    fn tls_line(&mut self, buf: &mut Vec<u8>) {
        let ts = (self.now - self.skew()).max(self.floor_s);
        let ip = self.t.ipv4.sample(&mut self.rng);
        buf.extend_from_slice(ip);
        buf.extend_from_slice(b" - - [");
        buf.extend_from_slice(self.clf.get(ts + self.tz_s));
        buf.push(b' ');
        buf.extend_from_slice(&self.tz_field);
        buf.extend_from_slice(b"] \"");
        // Record length first; the handshake length is 4 less.
        const LENS: [u16; 6] = [0x0200, 0x0200, 0x0200, 0x00f1, 0x0185, 0x0136];
        let rl = LENS[self.rng.below(LENS.len() as u64) as usize];
        let hl = rl - 4;
        let [rh, rlo] = rl.to_be_bytes();
        let [hh, hlo] = hl.to_be_bytes();
        buf.extend_from_slice(&escape_nginx(&[
            0x16, 0x03, 0x01, rh, rlo, 0x01, 0x00, hh, hlo, 0x03, 0x03,
        ]));
        buf.extend_from_slice(b"\" 400 157 \"-\" \"-\"");
        if self.format == Format::NginxTimed {
            buf.push(b' ');
            push_ms(buf, self.rng.below(3));
            buf.extend_from_slice(b" -");
        } else if self.format == Format::IngressUpstreaminfo {
            let ms = self.rng.below(3);
            upstreaminfo::write_tls_tail(buf, &mut self.rng, rl, ms);
        }
        buf.push(b'\n');
    }

    /// 20-200 random bytes without `\n`, `\r` or `[`.
    fn garbage(&mut self, buf: &mut Vec<u8>) {
        let mut n = self.rng.range(20, 200) as usize;
        while n > 0 {
            for b in self.rng.next_u64().to_le_bytes().into_iter().take(n) {
                // Flip bit 6 of the forbidden bytes: \n->J, \r->M, [->ESC.
                buf.push(if matches!(b, b'\n' | b'\r' | b'[') {
                    b ^ 0x40
                } else {
                    b
                });
                n -= 1;
            }
        }
        buf.push(b'\n');
    }
}

pub(crate) fn write_pieces(out: &mut Vec<u8>, pieces: &[Piece], rng: &mut Rng, t: &Tables) {
    for p in pieces {
        match p {
            Piece::Lit(l) => out.extend_from_slice(l),
            Piece::Num(max) => {
                // Low ids are popular (old accounts, best sellers).
                let u = rng.unit();
                push_u64(out, 1 + (u * u * f64::from(*max)) as u64);
            }
            Piece::Uuid => {
                // RFC 4122 version 4 layout.
                let a = (rng.next_u64() & !(0xf << 12)) | (0x4 << 12);
                let b = (rng.next_u64() & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
                push_hex(out, a >> 32, 8);
                out.push(b'-');
                push_hex(out, a >> 16, 4);
                out.push(b'-');
                push_hex(out, a, 4);
                out.push(b'-');
                push_hex(out, b >> 48, 4);
                out.push(b'-');
                push_hex(out, b, 12);
            }
            Piece::Hex(n) => {
                let mut n = usize::from(*n);
                while n > 0 {
                    let k = n.min(16);
                    push_hex(out, rng.next_u64(), k);
                    n -= k;
                }
            }
            Piece::Term => out.extend_from_slice(t.terms.sample(rng)),
            Piece::Page => {
                let p = match rng.below(100) {
                    0..70 => 1,
                    70..85 => 2,
                    _ => rng.range(3, 20),
                };
                push_u64(out, p);
            }
            Piece::Word => {
                out.extend_from_slice(t.words.get(rng.below(t.words.len() as u64) as usize))
            }
        }
    }
}

/// The low `n` hex digits of `x`, lowercase.
#[inline]
pub(crate) fn push_hex(out: &mut Vec<u8>, x: u64, n: usize) {
    for i in (0..n).rev() {
        out.push(HEX_LOWER[((x >> (i * 4)) & 15) as usize]);
    }
}

/// Traffic relative to the mean over a local day: 0.3x at 03:00, 1.7x at 15:00.
fn diurnal(local_s: i64) -> f64 {
    let day_frac = local_s.rem_euclid(86_400) as f64 / 86_400.0;
    1.0 + 0.7 * math::sin(std::f64::consts::TAU * (day_frac - 0.375))
}

/// Requests in one second: exact Poisson for small means (Knuth), normal
/// approximation above.
fn poisson(rng: &mut Rng, normal: &Normal, lam: f64) -> u32 {
    if lam < 30.0 {
        let l = math::exp(-lam);
        let mut k = 0;
        let mut p = rng.unit_open0();
        while p > l {
            k += 1;
            p *= rng.unit_open0();
        }
        k
    } else {
        (lam + lam.sqrt() * normal.sample(rng)).round().max(0.0) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diurnal_shape() {
        assert!((diurnal(3 * 3600) - 0.3).abs() < 1e-9);
        assert!((diurnal(15 * 3600) - 1.7).abs() < 1e-9);
        assert!((diurnal(9 * 3600) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn poisson_mean() {
        let mut r = Rng::new(1);
        let n = Normal::new();
        for lam in [0.5, 5.0, 200.0] {
            let k = 20_000;
            let s: u64 = (0..k).map(|_| u64::from(poisson(&mut r, &n, lam))).sum();
            let mean = s as f64 / k as f64;
            assert!((mean - lam).abs() < 0.05 * lam + 0.02, "{lam}: {mean}");
        }
    }

    #[test]
    fn uuid_and_hex_shape() {
        let mut r = Rng::new(1);
        let t = Tables::new(Format::NginxTimed, &mut Rng::new(2));
        let mut out = Vec::new();
        write_pieces(
            &mut out,
            &[
                Piece::Uuid,
                Piece::Lit(b" ".to_vec().into()),
                Piece::Hex(20),
            ],
            &mut r,
            &t,
        );
        let s = String::from_utf8(out).unwrap();
        let (u, h) = s.split_once(' ').unwrap();
        let parts: Vec<&str> = u.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
        assert_eq!(h.len(), 20);
        assert!(
            h.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }
}
