//! A probe for `scripts/bench.sh`: the least work that gives what the halog comparison asks
//! of `axlog report` on HAProxy httplog with a syslog header — status counts, TR/Tw/Tc/Tr/Ta
//! percentiles, requests per second, and requests and Ta p99 per `backend/server` — on one
//! thread. No validation beyond the fields it reads, no paths, no sources, no rejects, no
//! report: what is left is the floor under any tool that computes those figures, so the
//! halog ratios can be read against it in the same run.
//!
//! `haproxy-floor FILE` (or standard input) prints the figures it found, for checking
//! against `axlog report` on the same file.

use std::io::{self, Read, Write};

/// Milliseconds counted exactly; larger values go in one overflow count.
const DENSE_MS: usize = 1 << 16;

struct Counts {
    status: [u64; 1000],
    timers: [Vec<u64>; 5],
    over: u64,
    per_second: Vec<u64>,
    first_second: Option<i64>,
    servers: Vec<(Vec<u8>, u64, Vec<u64>)>,
    /// Open addressing over `servers`: index + 1, 0 for free.
    server_slots: Vec<u32>,
    minute: [u8; 17],
    minute_s: i64,
    lines: u64,
    skipped: u64,
}

impl Counts {
    fn new() -> Self {
        Counts {
            status: [0; 1000],
            timers: std::array::from_fn(|_| vec![0; DENSE_MS]),
            over: 0,
            per_second: Vec::new(),
            first_second: None,
            servers: Vec::new(),
            server_slots: vec![0; SERVER_SLOTS],
            minute: [0; 17],
            minute_s: 0,
            lines: 0,
            skipped: 0,
        }
    }

    fn line(&mut self, line: &[u8]) {
        self.lines += 1;
        if self.fields(line).is_none() {
            self.skipped += 1;
        }
    }

    /// `Mon DD HH:MM:SS host proc[pid]: ip:port [DD/Mon/YYYY:HH:MM:SS.mmm] fe be/srv
    /// TR/Tw/Tc/Tr/Ta status ...`
    fn fields(&mut self, line: &[u8]) -> Option<()> {
        let mut i = after_spaces(line, 0, 6)?;
        let d = line.get(i..i + 26)?;
        if d[0] != b'[' || d[25] != b']' {
            return None;
        }
        let two = |k: usize| -> Option<i64> {
            let (a, b) = (d[k].wrapping_sub(b'0'), d[k + 1].wrapping_sub(b'0'));
            (a < 10 && b < 10).then_some(i64::from(a) * 10 + i64::from(b))
        };
        if d[1..18] != self.minute {
            // Day, hour and minute: enough for a per-second index within a month.
            self.minute_s = two(1)? * 86_400 + two(13)? * 3_600 + two(16)? * 60;
            self.minute.copy_from_slice(&d[1..18]);
        }
        let second = self.minute_s + two(19)?;
        i = after_spaces(line, i + 27, 1)?;
        let srv_end = after_spaces(line, i, 1)? - 1;
        let server = &line[i..srv_end];
        i = srv_end + 1;
        let mut t = [None; 5];
        for (k, slot) in t.iter_mut().enumerate() {
            *slot = number(line, &mut i);
            let sep = if k < 4 { b'/' } else { b' ' };
            if *line.get(i)? != sep {
                return None;
            }
            i += 1;
        }
        let status = number(line, &mut i).filter(|&s| s < 1000)? as usize;

        self.status[status] += 1;
        let first = *self.first_second.get_or_insert(second - 86_400);
        let at = usize::try_from(second - first).ok()?;
        if at >= self.per_second.len() {
            self.per_second.resize(at + 1, 0);
        }
        self.per_second[at] += 1;
        // (An indexed loop: a zipped one was not inlined, and ran 50% slower.)
        for (k, v) in t.iter().enumerate() {
            match v.map(|v| v as usize) {
                Some(ms) if ms < DENSE_MS => self.timers[k][ms] += 1,
                Some(_) => self.over += 1,
                None => {}
            }
        }
        let s = self.server(server)?;
        let (_, n, ta) = &mut self.servers[s];
        *n += 1;
        if let Some(ms) = t[4].map(|v| v as usize).filter(|&ms| ms < DENSE_MS) {
            ta[ms] += 1;
        }
        Some(())
    }
}

/// Distinct `backend/server` names the probe keeps (a configuration has few).
const SERVER_SLOTS: usize = 4096;

impl Counts {
    /// The index of `name` in `servers`, added at its first line.
    #[inline]
    fn server(&mut self, name: &[u8]) -> Option<usize> {
        // FNV-1a: the names are short.
        let h = name.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let mut at = (h as usize) & (SERVER_SLOTS - 1);
        for _ in 0..SERVER_SLOTS {
            match self.server_slots[at] {
                0 => {
                    self.servers.push((name.to_vec(), 0, vec![0; DENSE_MS]));
                    self.server_slots[at] = self.servers.len() as u32;
                    return Some(self.servers.len() - 1);
                }
                k if self.servers[k as usize - 1].0 == name => return Some(k as usize - 1),
                _ => at = (at + 1) & (SERVER_SLOTS - 1),
            }
        }
        None
    }
}

/// The position after the `n`-th space at or after `from`, eight bytes at a time.
#[inline(always)]
fn after_spaces(line: &[u8], mut from: usize, mut n: u32) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    while let Some(w) = line.get(from..from + 8) {
        let x = u64::from_le_bytes(w.try_into().ok()?) ^ (ONES * u64::from(b' '));
        // Bytes equal to a space become 0x80; a byte just above one may too (checked).
        let mut m = x.wrapping_sub(ONES) & !x & (ONES << 7);
        while m != 0 {
            let at = from + (m.trailing_zeros() / 8) as usize;
            m &= m - 1;
            if line[at] == b' ' {
                n -= 1;
                if n == 0 {
                    return Some(at + 1);
                }
            }
        }
        from += 8;
    }
    for (k, &b) in line.get(from..)?.iter().enumerate() {
        if b == b' ' {
            n -= 1;
            if n == 0 {
                return Some(from + k + 1);
            }
        }
    }
    None
}

/// Digits at `i` (a `-1` timer is `None`), leaving `i` after them.
#[inline(always)]
fn number(b: &[u8], i: &mut usize) -> Option<u64> {
    if b.get(*i) == Some(&b'-') {
        *i += 1;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        return None;
    }
    let start = *i;
    let mut v = 0u64;
    while let Some(d) = b.get(*i).map(|c| c.wrapping_sub(b'0')).filter(|&d| d < 10) {
        v = v.wrapping_mul(10).wrapping_add(u64::from(d));
        *i += 1;
    }
    (*i > start).then_some(v)
}

/// The value at fraction `q` of a dense millisecond histogram (nearest rank).
fn quantile(h: &[u64], q: f64) -> usize {
    let total: u64 = h.iter().sum();
    let rank = ((total as f64 * q).ceil() as u64).max(1);
    let mut seen = 0;
    for (ms, &c) in h.iter().enumerate() {
        seen += c;
        if seen >= rank {
            return ms;
        }
    }
    0
}

fn main() -> io::Result<()> {
    match run() {
        // `haproxy-floor FILE | head` is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

fn run() -> io::Result<()> {
    let mut input: Box<dyn Read> = match std::env::args_os().nth(1) {
        Some(p) => Box::new(std::fs::File::open(p)?),
        None => Box::new(io::stdin().lock()),
    };
    let mut c = Counts::new();
    // Read in blocks; a line cut at a block's end is carried to the next.
    let mut buf = vec![0u8; 1 << 20];
    let mut kept = 0;
    loop {
        let n = input.read(&mut buf[kept..])?;
        let end = kept + n;
        let data = &buf[..end];
        let whole = match memchr::memrchr(b'\n', data) {
            Some(nl) => nl + 1,
            None if n == 0 => end,
            // A line longer than the buffer: grow it.
            None => {
                kept = end;
                if kept == buf.len() {
                    buf.resize(buf.len() * 2, 0);
                }
                continue;
            }
        };
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', &data[..whole]) {
            c.line(&data[start..nl]);
            start = nl + 1;
        }
        if start < whole {
            c.line(&data[start..whole]);
        }
        buf.copy_within(whole..end, 0);
        kept = end - whole;
        if n == 0 {
            break;
        }
    }
    let mut out = io::stdout().lock();
    writeln!(out, "lines {} skipped {}", c.lines, c.skipped)?;
    let top: Vec<String> = (0..1000)
        .filter(|&s| c.status[s] > 0)
        .map(|s| format!("{s}:{}", c.status[s]))
        .collect();
    writeln!(out, "status {}", top.join(" "))?;
    for (name, h) in ["TR", "Tw", "Tc", "Tr", "Ta"].iter().zip(&c.timers) {
        let q: Vec<String> = [0.5, 0.9, 0.99]
            .iter()
            .map(|&q| quantile(h, q).to_string())
            .collect();
        writeln!(out, "{name} p50/p90/p99 ms {}", q.join("/"))?;
    }
    let busy = c.per_second.iter().filter(|&&n| n > 0).count();
    let peak = c.per_second.iter().max().copied().unwrap_or(0);
    writeln!(
        out,
        "seconds {busy} peak {peak}; {} timers over 65 s",
        c.over
    )?;
    c.servers.sort_by_key(|s| std::cmp::Reverse(s.1));
    for (name, n, ta) in &c.servers {
        let p99 = quantile(ta, 0.99);
        writeln!(out, "{} {n} Ta p99 {p99} ms", String::from_utf8_lossy(name))?;
    }
    Ok(())
}
