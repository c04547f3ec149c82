//! The vocabularies lines are drawn from: URL templates, user agents,
//! referers, client-IP pools, status and method mixes. Built once per run
//! (from the seed) and pre-escaped for the output format, so the hot path
//! only copies bytes.

use std::collections::HashSet;

use crate::Format;
use crate::math;
use crate::rng::{Alias, Rng, shuffle};
use crate::text::{escape_haproxy_hdr, escape_haproxy_url, escape_nginx};

/// What kind of resource a URL is; drives method, status, size and latency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    Api,
    Page,
    Search,
    Static,
    Image,
    Download,
    Health,
    Metrics,
    Scanner,
}

pub(crate) const N_CLASSES: usize = 9;

/// Per-class distributions.
pub(crate) struct ClassInfo {
    /// Upstream latency log-normal: median ms and sigma.
    pub lat: (f64, f64),
    /// Body size log-normal: median bytes and sigma (unless fixed per template).
    pub size: (f64, f64),
    /// HAProxy backend.
    pub backend: &'static [u8],
    /// Index into `Tables::methods`.
    pub methods: usize,
    /// Content type captured by HAProxy.
    pub ctype: &'static [u8],
}

pub(crate) fn class_info(c: Class) -> &'static ClassInfo {
    const INFO: [ClassInfo; N_CLASSES] = [
        ClassInfo {
            lat: (22.0, 1.0),
            size: (900.0, 1.1),
            backend: b"api",
            methods: 0,
            ctype: b"application/json",
        },
        ClassInfo {
            lat: (45.0, 0.7),
            size: (24_000.0, 0.5),
            backend: b"app",
            methods: 1,
            ctype: b"text/html; charset=utf-8",
        },
        ClassInfo {
            lat: (140.0, 0.8),
            size: (30_000.0, 0.6),
            backend: b"app",
            methods: 2,
            ctype: b"text/html; charset=utf-8",
        },
        ClassInfo {
            lat: (1.2, 1.0),
            size: (20_000.0, 1.0),
            backend: b"static",
            methods: 3,
            ctype: b"application/javascript",
        },
        ClassInfo {
            lat: (4.0, 1.0),
            size: (70_000.0, 0.8),
            backend: b"static",
            methods: 3,
            ctype: b"image/jpeg",
        },
        ClassInfo {
            lat: (8.0, 0.6),
            size: (50_000_000.0, 1.0),
            backend: b"static",
            methods: 4,
            ctype: b"application/octet-stream",
        },
        ClassInfo {
            lat: (1.0, 0.4),
            size: (15.0, 0.0),
            backend: b"app",
            methods: 5,
            ctype: b"application/json",
        },
        ClassInfo {
            lat: (15.0, 0.4),
            size: (48_000.0, 0.05),
            backend: b"app",
            methods: 5,
            ctype: b"text/plain; version=0.0.4",
        },
        ClassInfo {
            lat: (2.0, 0.8),
            size: (153.0, 0.0),
            backend: b"app",
            methods: 6,
            ctype: b"text/html",
        },
    ];
    &INFO[c as usize]
}

pub(crate) const METHODS: [&[u8]; 7] = [
    b"GET", b"POST", b"HEAD", b"PUT", b"DELETE", b"OPTIONS", b"PATCH",
];
pub(crate) const M_GET: u8 = 0;
pub(crate) const M_POST: u8 = 1;
pub(crate) const M_HEAD: u8 = 2;
pub(crate) const M_PUT: u8 = 3;
pub(crate) const M_OPTIONS: u8 = 5;
pub(crate) const M_PATCH: u8 = 6;

pub(crate) const PROTOS: [&[u8]; 3] = [b"HTTP/1.1", b"HTTP/2.0", b"HTTP/1.0"];
pub(crate) const P_H2: u8 = 1;

/// One piece of a URL template.
#[derive(Clone, Debug)]
pub(crate) enum Piece {
    Lit(Box<[u8]>),
    /// 1..=max, skewed towards small ids (popular users/products).
    Num(u32),
    Uuid,
    Hex(u8),
    /// A search term (pre-escaped).
    Term,
    /// A result page number, mostly 1.
    Page,
    /// A slug word.
    Word,
}

#[derive(Clone, Debug)]
pub(crate) struct Template {
    /// The template text, e.g. `/api/v1/users/{n:99999}` (for tests and debugging).
    #[cfg_attr(not(test), allow(dead_code))]
    pub src: String,
    pub pieces: Vec<Piece>,
    pub class: Class,
    /// Chance (ppm) of appending one of the class's query strings.
    pub query_ppm: u32,
    /// Fixed body size (a static file is always the same size); 0 = sample.
    pub size: u64,
    pub ctype: &'static [u8],
    /// Whether the template already carries a query string.
    pub has_query: bool,
}

/// Many short strings in one buffer.
#[derive(Clone, Debug, Default)]
pub(crate) struct Strs {
    bytes: Vec<u8>,
    spans: Vec<(u32, u32)>,
}

impl Strs {
    fn push(&mut self, s: &[u8]) {
        let a = self.bytes.len() as u32;
        self.bytes.extend_from_slice(s);
        self.spans.push((a, self.bytes.len() as u32));
    }

    #[inline]
    pub(crate) fn get(&self, i: usize) -> &[u8] {
        let (a, b) = self.spans[i];
        &self.bytes[a as usize..b as usize]
    }

    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }
}

/// A Zipf-weighted pool of strings.
pub(crate) struct Pool {
    pub strs: Strs,
    pub alias: Alias,
}

impl Pool {
    #[inline]
    pub(crate) fn sample(&self, rng: &mut Rng) -> &[u8] {
        self.strs.get(self.alias.sample(rng))
    }
}

/// User agents: (raw text, weight in the general mix, kind).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum UaKind {
    Browser,
    Bot,
    Tool,
    Scanner,
    Probe,
    Prometheus,
}

const UAS: &[(&str, f64, UaKind)] = &[
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        180.0,
        UaKind::Browser,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        120.0,
        UaKind::Browser,
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        110.0,
        UaKind::Browser,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        90.0,
        UaKind::Browser,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        50.0,
        UaKind::Browser,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        45.0,
        UaKind::Browser,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        40.0,
        UaKind::Browser,
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        20.0,
        UaKind::Browser,
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
        20.0,
        UaKind::Browser,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
        20.0,
        UaKind::Browser,
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
        15.0,
        UaKind::Browser,
    ),
    (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        25.0,
        UaKind::Bot,
    ),
    (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        10.0,
        UaKind::Bot,
    ),
    (
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        12.0,
        UaKind::Bot,
    ),
    (
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        8.0,
        UaKind::Bot,
    ),
    (
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
        5.0,
        UaKind::Bot,
    ),
    (
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        5.0,
        UaKind::Bot,
    ),
    (
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        3.0,
        UaKind::Bot,
    ),
    (
        "Mozilla/5.0 (compatible; \"Nimbostratus-Bot\"/v1.3.2; +http://cloudsystemnetworks.com)",
        2.0,
        UaKind::Bot,
    ),
    ("curl/8.5.0", 25.0, UaKind::Tool),
    ("python-requests/2.32.3", 20.0, UaKind::Tool),
    ("okhttp/4.12.0", 20.0, UaKind::Tool),
    ("Go-http-client/1.1", 15.0, UaKind::Tool),
    ("axios/1.7.7", 10.0, UaKind::Tool),
    ("Apache-HttpClient/4.5.14 (Java/17.0.12)", 5.0, UaKind::Tool),
    ("PostmanRuntime/7.42.0", 4.0, UaKind::Tool),
    ("Wget/1.21.4", 3.0, UaKind::Tool),
    (
        "Dalvik/2.1.0 (Linux; U; Android 12; Caf\u{e9} Build/SP1A.210812.016)",
        3.0,
        UaKind::Tool,
    ),
    ("-", 8.0, UaKind::Tool),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.124 Safari/537.36\" and \"1\"=\"1",
        3.0,
        UaKind::Scanner,
    ),
    ("Mozilla/5.0 zgrab/0.x", 3.0, UaKind::Scanner),
    ("kube-probe/1.31", 0.0, UaKind::Probe),
    ("ELB-HealthChecker/2.0", 0.0, UaKind::Probe),
    ("Prometheus/2.55.1", 0.0, UaKind::Prometheus),
];

/// Referers: (raw text, weight, whether a product id is appended).
const REFERERS: &[(&str, f64, bool)] = &[
    ("-", 450.0, false),
    ("https://shop.example.com/products/", 120.0, true),
    ("https://www.google.com/", 110.0, false),
    ("https://shop.example.com/", 90.0, false),
    ("https://shop.example.com/cart", 30.0, false),
    (
        "https://shop.example.com/search?q=running+shoes",
        20.0,
        false,
    ),
    ("https://shop.example.com/account/orders", 20.0, false),
    ("https://shop.example.com/checkout", 15.0, false),
    ("https://www.bing.com/", 15.0, false),
    ("https://www.facebook.com/", 12.0, false),
    ("https://duckduckgo.com/", 10.0, false),
    (
        "https://shop.example.com/blog/black-friday-deals-2026",
        10.0,
        false,
    ),
    ("https://l.instagram.com/", 6.0, false),
    ("https://t.co/", 5.0, false),
    ("https://news.ycombinator.com/", 4.0, false),
    ("android-app://com.google.android.gm/", 3.0, false),
    ("https://www.google.com/search?q=caf\u{e9}+shop", 2.0, false),
];

const USERS: &[&str] = &[
    "alice", "bob", "admin", "jdoe", "svc42", "deploy", "monitor1", "carol", "api2",
];

/// Search terms, already URL-encoded the way browsers send them, except a
/// few raw ones that bots send (UTF-8 and a quote), which loggers escape.
const TERMS: &[&str] = &[
    "shoes",
    "running+shoes",
    "laptop",
    "usb-c+cable",
    "coffee+maker",
    "headphones",
    "winter+jacket",
    "gift+ideas",
    "t-shirt",
    "iphone+16+case",
    "desk+lamp",
    "backpack",
    "yoga+mat",
    "4k+tv",
    "sneakers",
    "dress",
    "water+bottle",
    "kids+toys",
    "m%C3%BCsli",
    "%22black+friday%22",
    "air+fryer",
    "gaming+chair",
    "wireless+mouse",
    "socks",
    "sunglasses",
    "caf\u{e9}",
    "\"sale\"",
];

const WORDS: &[&str] = &[
    "shoes",
    "electronics",
    "kitchen",
    "garden",
    "toys",
    "books",
    "sports",
    "outdoor",
    "fashion",
    "beauty",
    "health",
    "office",
    "music",
    "games",
    "pets",
    "baby",
    "tools",
    "auto",
    "deals",
    "new",
    "winter",
    "summer",
    "gifts",
    "home",
    "black-friday",
    "cyber-monday",
    "returns",
    "shipping",
    "privacy",
    "faq",
];

const STATUS: &[(u16, f64)] = &[
    (201, 18_000.0),
    (204, 15_000.0),
    (206, 5_000.0),
    (301, 8_000.0),
    (302, 22_000.0),
    (304, 70_000.0),
    (307, 500.0),
    (101, 300.0),
    (400, 8_000.0),
    (401, 7_000.0),
    (403, 5_000.0),
    (404, 15_000.0),
    (405, 600.0),
    (408, 400.0),
    (410, 200.0),
    (413, 200.0),
    (414, 100.0),
    (429, 4_500.0),
    (499, 6_000.0),
    (500, 5_000.0),
    (502, 4_500.0),
    (503, 4_000.0),
    (504, 1_500.0),
    (501, 100.0),
];

/// Method weights (GET, POST, HEAD, PUT, DELETE, OPTIONS, PATCH) per group.
const METHOD_MIX: [[f64; 7]; 7] = [
    [70.0, 14.0, 1.5, 4.5, 3.0, 5.0, 2.0], // api
    [95.0, 3.0, 2.0, 0.0, 0.0, 0.0, 0.0],  // page
    [99.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0],  // search
    [96.0, 0.0, 4.0, 0.0, 0.0, 0.0, 0.0],  // static, image
    [90.0, 0.0, 10.0, 0.0, 0.0, 0.0, 0.0], // download
    [100.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], // health, metrics
    [80.0, 15.0, 5.0, 0.0, 0.0, 0.0, 0.0], // scanner
];

pub(crate) struct Tables {
    pub templates: Vec<Template>,
    pub tmpl_alias: Alias,
    /// Query strings per class (index = class as usize).
    pub queries: Vec<Vec<Vec<Piece>>>,
    pub terms: Pool,
    pub words: Strs,
    pub ipv4: Pool,
    pub ipv6: Pool,
    /// Node addresses kube-probe and Prometheus come from.
    pub internal: Strs,
    /// User agents escaped for the format (nginx field, or HAProxy capture).
    pub uas: Strs,
    pub ua_kind: Vec<UaKind>,
    pub ua_general: Alias,
    pub ua_scanner: (Vec<u32>, Alias),
    pub ua_probe: Vec<u32>,
    pub ua_prometheus: u32,
    pub referers: Strs,
    pub referer_dynamic: Vec<bool>,
    pub referer_alias: Alias,
    pub users: Strs,
    pub status: Vec<u16>,
    pub status_alias: Alias,
    pub methods: Vec<Alias>,
}

impl Tables {
    pub(crate) fn new(format: Format, rng: &mut Rng) -> Self {
        let esc_req: fn(&[u8]) -> Vec<u8> = match format {
            Format::HaproxyHttp => escape_haproxy_url,
            _ => escape_nginx,
        };
        let esc_ua: fn(&[u8]) -> Vec<u8> = match format {
            Format::HaproxyHttp => escape_haproxy_hdr,
            _ => escape_nginx,
        };

        let templates = build_templates(rng, esc_req);
        let tmpl_alias = Alias::zipf(templates.len(), 1.0);
        let queries = build_queries(esc_req);

        let mut terms = Strs::default();
        for t in TERMS {
            terms.push(&esc_req(t.as_bytes()));
        }
        let terms = Pool {
            alias: Alias::zipf(terms.len(), 0.9),
            strs: terms,
        };
        let mut words = Strs::default();
        for w in WORDS {
            words.push(w.as_bytes());
        }

        let ipv4 = ip_pool(rng, 18_000, false);
        let ipv6 = ip_pool(rng, 2_000, true);
        let mut internal = Strs::default();
        for i in 0..6 {
            internal.push(format!("10.0.{}.{}", i / 3, 11 + i * 7).as_bytes());
        }

        let mut uas = Strs::default();
        let mut ua_kind = Vec::new();
        let (mut scanner_idx, mut scanner_w, mut ua_probe, mut ua_prometheus) =
            (vec![], vec![], vec![], 0);
        for (i, &(ua, _, kind)) in UAS.iter().enumerate() {
            // An absent header is logged as `-` by nginx but as nothing in a capture.
            let raw: &[u8] = if ua == "-" && format == Format::HaproxyHttp {
                b""
            } else {
                ua.as_bytes()
            };
            uas.push(&esc_ua(raw));
            ua_kind.push(kind);
            match kind {
                UaKind::Scanner | UaKind::Tool => {
                    scanner_idx.push(i as u32);
                    scanner_w.push(if kind == UaKind::Scanner { 10.0 } else { 2.0 });
                }
                UaKind::Probe => ua_probe.push(i as u32),
                UaKind::Prometheus => ua_prometheus = i as u32,
                _ => {}
            }
        }
        let ua_general = Alias::new(&UAS.iter().map(|u| u.1).collect::<Vec<_>>());
        let ua_scanner = (scanner_idx, Alias::new(&scanner_w));

        let mut referers = Strs::default();
        for r in REFERERS {
            referers.push(&escape_nginx(r.0.as_bytes()));
        }
        let referer_dynamic = REFERERS.iter().map(|r| r.2).collect();
        let referer_alias = Alias::new(&REFERERS.iter().map(|r| r.1).collect::<Vec<_>>());

        let mut users = Strs::default();
        for u in USERS {
            users.push(u.as_bytes());
        }

        let status = STATUS.iter().map(|s| s.0).chain([200]).collect();
        let rest: f64 = STATUS.iter().map(|s| s.1).sum();
        let status_alias = Alias::new(
            &STATUS
                .iter()
                .map(|s| s.1)
                .chain([1_000_000.0 - rest])
                .collect::<Vec<_>>(),
        );
        let methods = METHOD_MIX.iter().map(|w| Alias::new(w)).collect();

        Tables {
            templates,
            tmpl_alias,
            queries,
            terms,
            words,
            ipv4,
            ipv6,
            internal,
            uas,
            ua_kind,
            ua_general,
            ua_scanner,
            ua_probe,
            ua_prometheus,
            referers,
            referer_dynamic,
            referer_alias,
            users,
            status,
            status_alias,
            methods,
        }
    }
}

/// Parses the small template language: literal text with `{n:MAX}`, `{uuid}`,
/// `{hex:N}`, `{term}`, `{page}`, `{word}`, and `{hash}` (an 8-hex-digit
/// build hash fixed per template, like bundlers emit).
fn parse_template(src: &str, rng: &mut Rng, esc: fn(&[u8]) -> Vec<u8>) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut lit: Vec<u8> = Vec::new();
    let mut rest = src;
    while let Some(open) = rest.find('{') {
        lit.extend_from_slice(&rest.as_bytes()[..open]);
        let close = rest[open..].find('}').expect("unclosed { in template") + open;
        let tok = &rest[open + 1..close];
        let mut piece = None;
        match tok.split_once(':') {
            Some(("n", max)) => piece = Some(Piece::Num(max.parse().expect("bad {n:MAX}"))),
            Some(("hex", n)) => piece = Some(Piece::Hex(n.parse().expect("bad {hex:N}"))),
            _ => match tok {
                "uuid" => piece = Some(Piece::Uuid),
                "term" => piece = Some(Piece::Term),
                "page" => piece = Some(Piece::Page),
                "word" => piece = Some(Piece::Word),
                "hash" => {
                    let h = rng.next_u64() as u32;
                    lit.extend_from_slice(format!("{h:08x}").as_bytes());
                }
                _ => panic!("unknown template token {{{tok}}}"),
            },
        }
        if let Some(p) = piece {
            if !lit.is_empty() {
                pieces.push(Piece::Lit(esc(&lit).into()));
                lit.clear();
            }
            pieces.push(p);
        }
        rest = &rest[close + 1..];
    }
    lit.extend_from_slice(rest.as_bytes());
    if !lit.is_empty() {
        pieces.push(Piece::Lit(esc(&lit).into()));
    }
    pieces
}

fn lognormal(rng: &mut Rng, median: f64, sigma: f64) -> f64 {
    // Construction time only, so an exact Box-Muller draw is fine here.
    let u = rng.unit_open0();
    let v = rng.unit();
    let z = (-2.0 * math::ln(u)).sqrt() * math::sin(std::f64::consts::TAU * v);
    median * math::exp(sigma * z)
}

fn build_templates(rng: &mut Rng, esc: fn(&[u8]) -> Vec<u8>) -> Vec<Template> {
    use Class::*;
    // (template, class, query ppm, fixed size: 0 = sampled per request)
    let mut defs: Vec<(String, Class, u32, u64)> = Vec::new();
    let mut add = |s: &str, c: Class, q: u32, size: u64| defs.push((s.to_string(), c, q, size));
    // The most popular URLs, in rank order (the first HEAD entries).

    add("/api/v1/users/{n:99999}", Api, 350_000, 0);
    add("/", Page, 250_000, 0);
    add("/static/js/app.{hash}.js", Static, 200_000, 0);
    add("/health", Health, 0, 0);
    add("/api/v1/products/{n:50000}", Api, 350_000, 0);
    add("/static/css/main.{hash}.css", Static, 200_000, 0);
    add("/favicon.ico", Static, 0, 15_086);
    add("/api/v1/orders/{uuid}", Api, 300_000, 0);
    add("/search?q={term}&page={page}", Search, 0, 0);
    add("/products/{n:50000}", Page, 350_000, 0);
    add("/static/js/vendor.{hash}.js", Static, 200_000, 0);
    add("/api/v1/cart", Api, 300_000, 0);
    add("/images/products/{n:50000}.jpg", Image, 400_000, 0);
    add("/products/{n:50000}/reviews", Page, 300_000, 0);
    add("/metrics", Metrics, 0, 0);
    add("/api/v1/session", Api, 0, 0);
    add("/cart", Page, 200_000, 0);
    add("/login", Page, 250_000, 0);
    add("/robots.txt", Static, 0, 0);
    add("/api/v1/products", Api, 600_000, 0);
    const HEAD: usize = 20;

    let resources = [
        "users",
        "orders",
        "products",
        "carts",
        "sessions",
        "payments",
        "invoices",
        "accounts",
        "items",
        "categories",
        "reviews",
        "addresses",
        "shipments",
        "coupons",
        "notifications",
        "messages",
        "subscriptions",
        "inventory",
        "wishlists",
        "returns",
    ];
    let subs = ["history", "items", "status", "events", "notes", "summary"];
    for (i, r) in resources.iter().enumerate() {
        add(&format!("/api/v1/{r}"), Api, 450_000, 0);
        add(&format!("/api/v1/{r}/{{n:999999}}"), Api, 300_000, 0);
        add(
            &format!("/api/v1/{r}/{{n:999999}}/{}", subs[i % subs.len()]),
            Api,
            250_000,
            0,
        );
        add(&format!("/api/v2/{r}/{{uuid}}"), Api, 200_000, 0);
    }
    for s in [
        "/api/v1/auth/token",
        "/api/v1/auth/refresh",
        "/api/v1/cart/items",
        "/api/v1/config",
        "/api/v1/me",
        "/api/v1/events",
        "/graphql",
    ] {
        add(s, Api, 150_000, 0);
    }
    add("/api/v1/search?q={term}&limit=20", Api, 0, 0);
    add("/api/v1/recommendations/{n:99999}", Api, 200_000, 0);

    for p in [
        "/checkout",
        "/checkout/payment",
        "/checkout/confirm",
        "/logout",
        "/register",
        "/account",
        "/account/orders",
        "/account/orders/{uuid}",
        "/about",
        "/contact",
        "/help",
        "/help/{word}",
        "/category/{word}",
        "/category/{word}/{word}",
        "/blog",
        "/blog/{word}-{word}-{n:2026}",
        "/deals",
        "/brands/{word}",
        "/compare",
        "/wishlist",
        "/stores/{n:400}",
        "/gift-cards",
        "/sale/{word}",
    ] {
        add(p, Page, 250_000, 0);
    }
    add("/search?q={term}", Search, 0, 0);

    let js = [
        "runtime",
        "polyfills",
        "main",
        "checkout",
        "product",
        "search",
        "account",
        "analytics",
        "cart",
        "i18n",
        "sentry",
    ];
    for n in js {
        add(&format!("/static/js/{n}.{{hash}}.js"), Static, 200_000, 0);
    }
    for i in 1..=24 {
        add(
            &format!("/static/js/chunk-{i}.{{hash}}.js"),
            Static,
            200_000,
            0,
        );
    }
    for n in ["vendor", "checkout", "product", "print", "theme"] {
        add(&format!("/static/css/{n}.{{hash}}.css"), Static, 200_000, 0);
    }
    for n in [
        "logo",
        "logo-dark",
        "icon-cart",
        "icon-user",
        "icon-search",
        "hero-bg",
        "banner-bf2026",
        "payment-visa",
        "payment-mc",
        "payment-paypal",
        "spinner",
        "arrow-left",
        "arrow-right",
        "star",
        "star-half",
        "close",
        "menu",
    ] {
        add(&format!("/static/img/{n}.svg"), Static, 200_000, 0);
        add(&format!("/static/img/{n}.png"), Static, 200_000, 0);
    }
    for n in ["inter-regular", "inter-bold", "inter-italic", "roboto-mono"] {
        add(&format!("/static/fonts/{n}.woff2"), Static, 0, 0);
    }
    for s in [
        "/sitemap.xml",
        "/manifest.json",
        "/apple-touch-icon.png",
        "/service-worker.js",
        "/.well-known/security.txt",
        "/ads.txt",
    ] {
        add(s, Static, 0, 0);
    }
    add("/images/products/{n:50000}/thumb.webp", Image, 300_000, 0);
    add("/images/banners/{word}.jpg", Image, 200_000, 0);
    add("/images/brands/{word}.png", Image, 100_000, 0);
    for s in ["/healthz", "/ready", "/api/v1/health"] {
        add(s, Health, 0, 0);
    }

    let mut seen = HashSet::new();
    defs.retain(|d| seen.insert(d.0.clone()));
    // The tail's popularity order differs per seed; the head is fixed so the
    // URLs benchmarks care about stay the heavy hitters.
    let mut tail = defs.split_off(HEAD);
    shuffle(&mut tail, rng);
    defs.extend(tail);
    // Vulnerability scanners and big downloads stay rare whatever the seed.
    for s in [
        "/wp-login.php",
        "/wp-admin/",
        "/xmlrpc.php",
        "/.env",
        "/.git/config",
        "/.aws/credentials",
        "/phpmyadmin/",
        "/admin/",
        "/config.json",
        "/server-status",
        "/actuator/env",
        "/cgi-bin/luci/;stok=/locale",
        "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
        "/boaform/admin/formLogin",
        "/owa/auth/logon.aspx",
        "/HNAP1/",
        "/.DS_Store",
        "/backup.zip",
        "/index.php",
    ] {
        defs.push((s.to_string(), Scanner, 100_000, 0));
    }

    for (s, size) in [
        ("/downloads/catalog-2026.pdf", 18_874_368),
        ("/downloads/price-list.csv", 2_411_724),
        ("/downloads/shop-app-2.4.1.dmg", 94_371_840),
        ("/downloads/shop-app-2.4.1.exe", 81_264_112),
        ("/downloads/shop-app_2.4.1_amd64.deb", 62_914_560),
    ] {
        defs.push((s.to_string(), Download, 0, size));
    }

    defs.into_iter()
        .map(|(src, class, query_ppm, size)| {
            let pieces = parse_template(&src, rng, esc);
            let (size, ctype) = static_size(&src, size, rng);
            let ctype = ctype.unwrap_or(class_info(class).ctype);
            let has_query = src.contains('?');
            Template {
                src,
                pieces,
                class,
                query_ppm,
                size,
                ctype,
                has_query,
            }
        })
        .collect()
}

/// Static files have one size each; returns (size, content type override).
fn static_size(src: &str, fixed: u64, rng: &mut Rng) -> (u64, Option<&'static [u8]>) {
    let ext = src.rsplit('.').next().unwrap_or("");
    let (median, sigma, ctype): (f64, f64, &'static [u8]) = match ext {
        "js" if src.starts_with("/static/") || src == "/service-worker.js" => {
            (60_000.0, 1.0, b"application/javascript")
        }
        "css" => (20_000.0, 0.8, b"text/css"),
        "svg" => (2_000.0, 0.7, b"image/svg+xml"),
        "png" if src.starts_with("/static/") || src == "/apple-touch-icon.png" => {
            (15_000.0, 1.0, b"image/png")
        }
        "woff2" => (40_000.0, 0.3, b"font/woff2"),
        "ico" => (15_086.0, 0.0, b"image/x-icon"),
        "txt" => (180.0, 0.5, b"text/plain"),
        "xml" => (40_000.0, 0.5, b"application/xml"),
        "json" if src == "/manifest.json" => (600.0, 0.2, b"application/manifest+json"),
        _ => return (fixed, None),
    };
    if fixed > 0 {
        return (fixed, Some(ctype));
    }
    (lognormal(rng, median, sigma).max(40.0) as u64, Some(ctype))
}

fn build_queries(esc: fn(&[u8]) -> Vec<u8>) -> Vec<Vec<Vec<Piece>>> {
    let mut dummy = Rng::new(0);
    let mut q = |list: &[&str]| -> Vec<Vec<Piece>> {
        list.iter()
            .map(|s| parse_template(s, &mut dummy, esc))
            .collect()
    };
    let api = q(&[
        "page={page}&per_page=50",
        "expand=orders",
        "include=items,customer",
        "sort=-created_at&limit=20",
        "fields=id,name,price",
        "limit=100&offset={n:5000}",
        "status=open",
        "locale=en-US&currency=USD",
    ]);
    let page = q(&[
        "utm_source=google&utm_medium=cpc&utm_campaign=bf2026",
        "utm_source=newsletter&utm_medium=email",
        "ref=homepage",
        "gclid={hex:24}",
        "fbclid={hex:32}",
        "color=black&size={n:46}",
        "sort=price_asc",
    ]);
    let stat = q(&["v={hex:8}", "ver=3.{n:20}.{n:9}"]);
    let image = q(&["w=400&h=400", "w=1200&q=80", "format=webp&w={n:2000}"]);
    let download = q(&["mirror=eu"]);
    let scanner = q(&[
        "XDEBUG_SESSION_START=phpstorm",
        "s=/Index/\\think\\app/invokefunction&function=call_user_func_array&vars[0]=md5&vars[1][]=Hello",
        "a=fetch&content=<php>die(@md5(HelloThinkCMF))</php>",
    ]);
    // Order must match `Class`.
    vec![
        api,
        page,
        vec![],
        stat,
        image,
        download,
        vec![],
        vec![],
        scanner,
    ]
}

fn ip_pool(rng: &mut Rng, n: usize, v6: bool) -> Pool {
    let mut strs = Strs::default();
    let mut seen = HashSet::new();
    while strs.len() < n {
        let s = if v6 { ipv6(rng) } else { ipv4(rng) };
        if seen.insert(s.clone()) {
            strs.push(s.as_bytes());
        }
    }
    Pool {
        alias: Alias::zipf(n, 1.0),
        strs,
    }
}

fn ipv4(rng: &mut Rng) -> String {
    // Public-looking unicast: skip 0/8, 10/8, 100/8, 127/8, 169/8, 172/8, 192/8, multicast.
    let a = loop {
        let a = rng.range(1, 223);
        if ![10, 100, 127, 169, 172, 192].contains(&a) {
            break a;
        }
    };
    format!(
        "{a}.{}.{}.{}",
        rng.below(256),
        rng.below(256),
        rng.range(1, 254)
    )
}

fn ipv6(rng: &mut Rng) -> String {
    const PREFIXES: [&str; 5] = ["2001:db8", "2a02:6b8", "2600:1700", "2a01:4f8", "2406:da18"];
    let p = PREFIXES[rng.below(PREFIXES.len() as u64) as usize];
    let short = rng.below(2) == 0;
    let mut g = || format!("{:x}", rng.below(0x10000));
    if short {
        format!("{p}:{}:{}::{}", g(), g(), g())
    } else {
        format!("{p}:{}:{}:{}:{}:{}:{}", g(), g(), g(), g(), g(), g())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_and_are_many() {
        let mut rng = Rng::new(1);
        let t = Tables::new(Format::NginxTimed, &mut rng);
        assert!(
            (230..260).contains(&t.templates.len()),
            "{}",
            t.templates.len()
        );
        assert_eq!(t.templates[0].src, "/api/v1/users/{n:99999}");
        assert!(t.templates.iter().all(|t| t.src.starts_with('/')));
        let fav = t
            .templates
            .iter()
            .find(|t| t.src == "/favicon.ico")
            .unwrap();
        assert_eq!(fav.size, 15_086);
        assert_eq!(t.queries.len(), N_CLASSES);
        assert_eq!(t.ipv4.strs.len(), 18_000);
        assert_eq!(t.ipv6.strs.len(), 2_000);
        assert_eq!(t.uas.len(), t.ua_kind.len());
        // The quoted UA is escaped for nginx.
        assert!((0..t.uas.len()).any(|i| t.uas.get(i).windows(4).any(|w| w == b"\\x22")));
        assert!((0..t.uas.len()).all(|i| !t.uas.get(i).contains(&b'"')));
    }

    #[test]
    fn template_language() {
        let mut rng = Rng::new(1);
        let p = parse_template("/a/{n:10}/b{uuid}?q={term}", &mut rng, escape_nginx);
        assert!(matches!(&p[0], Piece::Lit(l) if &**l == b"/a/"));
        assert!(matches!(p[1], Piece::Num(10)));
        assert!(matches!(&p[2], Piece::Lit(l) if &**l == b"/b"));
        assert!(matches!(p[3], Piece::Uuid));
        assert!(matches!(&p[4], Piece::Lit(l) if &**l == b"?q="));
        assert!(matches!(p[5], Piece::Term));
        let h = parse_template("/x.{hash}.js", &mut rng, escape_nginx);
        assert!(matches!(&h[0], Piece::Lit(l) if l.len() == "/x.12345678.js".len()));
    }
}
