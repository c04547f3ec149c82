//! ingress-nginx's `upstreaminfo` tail: what follows the user agent,
//! `$request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id`,
//! written from the request's upstream attempts (`Req::up`), with the pods
//! of the Kubernetes service its class is routed to.

use std::collections::HashSet;

use crate::generator::{Req, push_hex};
use crate::math::{self, Normal};
use crate::rng::{Rng, splitmix64};
use crate::tables::{Class, M_PATCH, M_POST, M_PUT};
use crate::text::{push_ms, push_status, push_u64};

/// The services (`$proxy_upstream_name`, `namespace-service-port`), their
/// pod counts and ports.
const SERVICES: [(&[u8], usize, u16); 3] = [
    (b"default-api-80", 6, 8080),
    (b"default-web-80", 4, 8080),
    (b"default-static-80", 3, 80),
];

/// The service a request is routed to (an index into `SERVICES`): by path
/// prefix first, as an Ingress's rules route (so `/api/v1/health` and a
/// scanner's `/api/.env` reach the API), else by the kind of URL.
fn service_of(class: Class, path: &[u8]) -> usize {
    if path.starts_with(b"/api/") {
        return 0;
    }
    if path.starts_with(b"/static/") {
        return 2;
    }
    match class {
        Class::Api => 0,
        Class::Page | Class::Search | Class::Health | Class::Metrics | Class::Scanner => 1,
        Class::Static | Class::Image | Class::Download => 2,
    }
}

/// The pod addresses (`10.244.NODE.HOST:PORT`) of each service.
pub(crate) struct Pods {
    pods: [Vec<Box<[u8]>>; 3],
}

impl Pods {
    /// Pods drawn from their own stream of the seed, so the other formats'
    /// streams (and bytes) do not depend on this format.
    pub(crate) fn new(seed: u64) -> Self {
        let mut rng = Rng::new(splitmix64(seed ^ 0x1e55_9dd5_0000_0003));
        let mut seen = HashSet::new();
        let pods = SERVICES.map(|(_, n, port)| {
            let mut v = Vec::with_capacity(n);
            while v.len() < n {
                // Pods spread over a few nodes' /24s, as a CNI allocates them.
                let ip = (rng.below(6), rng.range(2, 254));
                if seen.insert(ip) {
                    v.push(
                        format!("10.244.{}.{}:{port}", ip.0, ip.1)
                            .into_bytes()
                            .into(),
                    );
                }
            }
            v
        });
        Pods { pods }
    }
}

/// Appends the tail of a request line (without its `\n`) for a request to
/// `path`; `head_len` is the request line's length plus the user agent's,
/// the part of `$request_length` the line shows.
pub(crate) fn write_tail(
    buf: &mut Vec<u8>,
    rng: &mut Rng,
    normal: &Normal,
    pods: &Pods,
    req: &Req,
    path: &[u8],
    head_len: usize,
) {
    buf.push(b' ');
    push_u64(buf, request_length(rng, normal, req.method, head_len));
    buf.push(b' ');
    push_ms(buf, req.rt_ms);
    let svc = service_of(req.class, path);
    buf.extend_from_slice(b" [");
    buf.extend_from_slice(SERVICES[svc].0);
    buf.extend_from_slice(b"] [] ");
    let n = req.n_up;
    if n == 0 {
        buf.extend_from_slice(b"- - - -");
    } else {
        let sep: &[u8] = if req.redirect { b" : " } else { b", " };
        let pool = &pods.pods[svc];
        // The pods tried, each another than the one before (nginx's next
        // upstream). Half the failures hit the service's one sick pod.
        let mut at = [0usize; 3];
        for i in 0..n {
            let failed = i + 1 < n && !req.redirect;
            at[i] = if i == 0 {
                if failed && rng.ppm(500_000) {
                    pool.len() - 1
                } else {
                    rng.below(pool.len() as u64) as usize
                }
            } else {
                (at[i - 1] + 1 + rng.below(pool.len() as u64 - 1) as usize) % pool.len()
            };
        }
        let list = |buf: &mut Vec<u8>, item: &mut dyn FnMut(&mut Vec<u8>, usize)| {
            for i in 0..n {
                if i > 0 {
                    buf.extend_from_slice(sep);
                }
                item(buf, i);
            }
        };
        list(buf, &mut |b, i| b.extend_from_slice(&pool[at[i]]));
        buf.push(b' ');
        // Failed attempts and an X-Accel-Redirect answer have no body.
        list(buf, &mut |b, i| {
            push_u64(b, if i + 1 < n { 0 } else { req.body })
        });
        buf.push(b' ');
        list(buf, &mut |b, i| match req.up[i] {
            a if a < 0 => b.push(b'-'),
            a => push_ms(b, a as u64),
        });
        buf.push(b' ');
        list(buf, &mut |b, i| {
            push_status(b, attempt_status(req, i));
        });
    }
    buf.push(b' ');
    push_req_id(buf, rng);
}

/// The tail of a TLS ClientHello sent to the plain-HTTP port: nginx answered
/// 400 itself, before any routing.
pub(crate) fn write_tls_tail(buf: &mut Vec<u8>, rng: &mut Rng, record_len: u16, ms: u64) {
    buf.push(b' ');
    push_u64(buf, u64::from(record_len) + 5);
    buf.push(b' ');
    push_ms(buf, ms);
    buf.extend_from_slice(b" [] [] - - - - ");
    push_req_id(buf, rng);
}

/// `$upstream_status` of attempt `i`: the last is the request's status; a
/// redirect's first hop answered 200 (with X-Accel-Redirect); a failed
/// attempt 503 when nginx logged no time for it, 502 when refused at once,
/// 504 after a connect timeout.
fn attempt_status(req: &Req, i: usize) -> u16 {
    if i + 1 == req.n_up {
        req.status
    } else if req.redirect {
        200
    } else {
        match req.up[i] {
            a if a < 0 => 503,
            0..1_000 => 502,
            _ => 504,
        }
    }
}

/// `$request_length`: request line, headers (the user agent, the usual
/// others, sometimes cookies) and the body of a write.
fn request_length(rng: &mut Rng, normal: &Normal, method: u8, head_len: usize) -> u64 {
    let mut n = head_len as u64 + rng.range(120, 480);
    if rng.ppm(250_000) {
        n += rng.range(40, 900);
    }
    if matches!(method, M_POST | M_PUT | M_PATCH) {
        n += (600.0 * math::exp(1.2 * normal.sample(rng))).min(50e6) as u64;
    }
    n
}

/// `$req_id`: 32 random hex digits.
fn push_req_id(buf: &mut Vec<u8>, rng: &mut Rng) {
    push_hex(buf, rng.next_u64(), 16);
    push_hex(buf, rng.next_u64(), 16);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_are_distinct_and_seed_dependent() {
        let a = Pods::new(1);
        let all: Vec<&[u8]> = a.pods.iter().flatten().map(|p| &p[..]).collect();
        assert_eq!(all.len(), 13);
        assert_eq!(all.iter().collect::<HashSet<_>>().len(), 13);
        for (pool, (_, n, port)) in a.pods.iter().zip(SERVICES) {
            assert_eq!(pool.len(), n);
            for p in pool {
                let s = std::str::from_utf8(p).unwrap();
                assert!(s.starts_with("10.244."), "{s}");
                assert!(s.ends_with(&format!(":{port}")), "{s}");
            }
        }
        assert_ne!(a.pods, Pods::new(2).pods);
        assert_eq!(a.pods, Pods::new(1).pods);
    }
}
