//! The HTML renderer (`report -o report.html`, `--output html`): one self-contained page
//! that opens with no network: its style and its one script are inline and nothing is
//! fetched (no font, no image, no library; the charts are SVG drawn here). A strict
//! Content-Security-Policy names that style and script by hash, so even an escaping bug
//! could not run an injected script. Every string from a log or a configuration passes
//! through one escaper ([`escape`]); nothing from a log is ever inside `<script>` or
//! `<style>`.
//!
//! The page: title and headline ([`headline`]), fired thresholds and anomalies
//! ([`alerts`]), the charts over time ([`charts`]), then the tables ([`tables`]), which
//! the script makes sortable (they read the same without it).

mod alerts;
mod axis;
mod charts;
mod csp;
mod escape;
mod headline;
mod table;
mod tables;
mod units;

use axlog_stats::Summary;
use std::fmt::Write as _;

/// The inline style and script, byte for byte as hashed into the policy.
const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("sort.js");

/// The page.
pub fn html(s: &Summary) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let _ = write!(
        o,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"axlog {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body><main>\n",
        csp::policy(SCRIPT, STYLE),
        escape::text(&s.axlog_version),
        escape::text(&headline::title(s))
    );
    headline::header(&mut o, s);
    match s.tiers.is_empty() {
        true => body(&mut o, s, true),
        false => {
            let _ = writeln!(
                o,
                "<p class=\"note\">{} tiers, each summarised on its own: a request that passes \
                 through several is logged in each, so their requests are not added.</p>",
                s.tiers.len()
            );
            tables::sources(&mut o, s);
            for t in &s.tiers {
                let _ = writeln!(
                    o,
                    "<h2 class=\"tier\">Tier: {} <small>({})</small></h2>",
                    escape::text(&t.name),
                    escape::text(&t.layouts.join(", "))
                );
                body(&mut o, &t.summary, false);
            }
            tables::malformed(&mut o, s);
        }
    }
    let _ = write!(
        o,
        "<footer>Written by axlog {}. Times are UTC. Click a column's name to sort its table.</footer>\n\
         </main>\n<script>{SCRIPT}</script>\n</body></html>\n",
        escape::text(&s.axlog_version)
    );
    o
}

/// One summary's sections; `whole` when it is the run's (not a tier's): then the
/// sources and the malformed samples belong to it. A tier's headline is its own.
fn body(o: &mut String, s: &Summary, whole: bool) {
    if !whole {
        headline::headline(o, s);
    }
    alerts::thresholds(o, s);
    alerts::anomalies(o, s);
    charts::charts(o, s);
    if whole {
        tables::sources(o, s);
    }
    tables::status(o, s);
    tables::latency(o, s);
    tables::endpoints(o, s);
    tables::paths(o, s);
    tables::haproxy(o, s);
    for b in &s.by {
        tables::breakdown(o, b);
    }
    tables::gaps(o, s);
    if whole {
        tables::malformed(o, s);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use axlog_stats::summary::*;

    /// A summary of nothing, for tests to fill in.
    pub(crate) fn empty_summary() -> Summary {
        Summary {
            schema_version: axlog_stats::summary::SCHEMA_VERSION,
            axlog_version: "0.0.0-test".into(),
            window: None,
            cumulative: None,
            layout: None,
            sources: Vec::new(),
            lines: LineCounts::default(),
            malformed_samples: Vec::new(),
            time: None,
            requests: 0,
            bytes_sent: 0,
            qps: None,
            status: StatusSummary {
                codes: Vec::new(),
                classes: Vec::new(),
            },
            latency: LatencySummary {
                request_time: None,
                upstream_response_time: None,
            },
            top_paths: Vec::new(),
            paths: GroupTableInfo {
                distinct: 0,
                cap: 0,
                bytes: 0,
                bytes_cap: 0,
                cap_reached: false,
                untracked_requests: 0,
                requests_without_path: 0,
            },
            haproxy: None,
            by: Vec::new(),
            top_endpoints: None,
            series: Default::default(),
            upstream_attempts: None,
            tiers: Vec::new(),
            anomalies: None,
            thresholds: None,
        }
    }

    /// Strings a client or a configuration controls, each aimed at HTML or a terminal.
    const HOSTILE: [&str; 8] = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "'><svg onload=alert(1)>",
        "=HYPERLINK(\"http://e.example\")",
        "a|b`c`",
        "\u{1b}[31mred\u{9b}2J",
        "\u{202e}fdp.exe",
        "line\nfeed</style></script>",
    ];

    /// The page's text outside its own `<style>` and `<script>`.
    fn markup(page: &str) -> String {
        let before_style = page.split("<style>").next().unwrap_or("");
        let after_style = page.split("</style>").nth(1).unwrap_or("");
        let before_script = after_style.split("<script>").next().unwrap_or("");
        format!("{before_style}{before_script}")
    }

    #[test]
    fn hostile_strings_never_become_markup() {
        let mut s = empty_summary();
        s.requests = 8;
        for h in HOSTILE {
            s.sources.push(SourceSummary {
                name: h.to_string(),
                error: Some(h.to_string()),
                ..SourceSummary::default()
            });
            s.top_paths.push(PathStat {
                path: h.to_string(),
                count: 1,
                share: 0.125,
                p99_us: None,
                approximate: false,
                status_4xx: 0,
                status_5xx: 0,
            });
            s.malformed_samples.push(MalformedSample {
                source: h.to_string(),
                line: 1,
                text: h.to_string(),
            });
        }
        s.layout = Some(LayoutInfo {
            name: HOSTILE[1].to_string(),
            detected: false,
        });
        let page = html(&s);
        let m = markup(&page);
        // Exactly the page's own elements: one script, one style, no injected tag.
        assert_eq!(page.matches("<script>").count(), 1);
        assert_eq!(page.matches("</script>").count(), 1);
        assert_eq!(page.matches("<style>").count(), 1);
        for bad in ["<img", "<svg", "\u{1b}", "\u{9b}", "\u{202e}", "line\nfeed"] {
            assert!(!m.contains(bad), "{bad:?} raw in the page");
        }
        // Each shows as text: escaped, control characters visible.
        assert!(m.contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>"));
        assert!(m.contains("<code>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</code>"));
        assert!(m.contains("<code>\\x1B[31mred\\u{9B}2J</code>"));
        assert!(m.contains("<code>\\u{202E}fdp.exe</code>"));
        assert!(m.contains("<code>line\\x0Afeed&lt;/style&gt;&lt;/script&gt;</code>"));
        // Nothing is fetched: no URL but the escaped text of a log string.
        // Nothing is fetched: the one URL is a log string's, shown as text (as a source's
        // name and error, a path, a sample's source and text).
        let shown = m
            .matches("=HYPERLINK(&quot;http://e.example&quot;)")
            .count();
        assert_eq!((shown, page.matches("http://").count()), (5, 5));
        assert!(!page.contains("https://"));
        assert!(!page.contains("src=\"") && !page.contains("href="));
    }

    #[test]
    fn the_policy_names_the_page_script_and_style() {
        let page = html(&empty_summary());
        let policy = page
            .split("http-equiv=\"Content-Security-Policy\" content=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("");
        let script = page
            .split("<script>")
            .nth(1)
            .and_then(|r| r.split("</script>").next())
            .unwrap_or("");
        let style = page
            .split("<style>")
            .nth(1)
            .and_then(|r| r.split("</style>").next())
            .unwrap_or("");
        assert_eq!(script, SCRIPT);
        assert_eq!(style, STYLE);
        assert!(policy.starts_with("default-src 'none'; "), "{policy}");
        assert!(
            policy.contains(&format!("script-src {};", csp::source_hash(script))),
            "{policy}"
        );
        assert!(
            policy.contains(&format!("style-src {};", csp::source_hash(style))),
            "{policy}"
        );
        assert!(!policy.contains("unsafe"), "{policy}");
        // The policy comes before the style and script it governs.
        assert!(page.find("Content-Security-Policy") < page.find("<style>"));
    }

    fn with_series(mut s: Summary, requests: &[u64]) -> Summary {
        use axlog_stats::series_summary::{SeriesBucket, SeriesSummary, SeriesValues};
        let buckets = requests
            .iter()
            .enumerate()
            .map(|(i, &r)| SeriesBucket {
                start: String::new(),
                start_epoch: 1_800_000_000 + 60 * i as i64,
                values: SeriesValues {
                    requests: r,
                    status_2xx: r,
                    ..SeriesValues::default()
                },
            })
            .collect();
        s.requests = requests.iter().sum();
        s.series.series = Some(SeriesSummary {
            bucket_s: 60,
            requested_bucket_s: None,
            zero_filled: true,
            buckets,
        });
        s
    }

    #[test]
    fn an_anomalys_tooltip_and_row_escape_its_contributor() {
        use axlog_stats::anomaly_summary::{Anomalies, Anomaly, Contributor};
        let mut s = with_series(empty_summary(), &[5, 5, 50, 5]);
        let key = "</title><script>alert(1)</script>";
        s.anomalies = Some(Anomalies {
            count: 1,
            anomalies: vec![Anomaly {
                kind: "spike".into(),
                metric: "requests".into(),
                start: "2027-01-15T08:02:00Z".into(),
                start_epoch: 1_800_000_120,
                end: "2027-01-15T08:03:00Z".into(),
                end_epoch: 1_800_000_180,
                seconds: 60,
                contributor: Some(Contributor {
                    dimension: "endpoint".into(),
                    key: key.into(),
                    share: 0.9,
                    ..Contributor::default()
                }),
                ..Anomaly::default()
            }],
            ..Anomalies::default()
        });
        let page = html(&s);
        assert_eq!(page.matches("<script>").count(), 1);
        // The page's title, then on each of the two charts drawn (no request times: no
        // latency chart) 4 buckets' tooltips and the anomaly's band and strip.
        assert_eq!(page.matches("</title>").count(), 1 + 2 * (4 + 2));
        let shown = "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;";
        // In each band's and strip's tooltip, and in the anomalies table.
        assert_eq!(page.matches(shown).count(), 2 * 2 + 1, "{page}");
    }

    #[test]
    fn each_tier_has_its_headline_and_charts() {
        let mut s = empty_summary();
        s.sources.push(SourceSummary {
            name: "lb.log".into(),
            ..SourceSummary::default()
        });
        for name in ["load balancer", "web"] {
            s.tiers.push(TierSummary {
                name: name.into(),
                layouts: vec!["haproxy".into()],
                summary: with_series(empty_summary(), &[1, 2, 3]),
            });
        }
        let page = html(&s);
        assert_eq!(page.matches("<h2 class=\"tier\">Tier: ").count(), 2);
        assert_eq!(page.matches("data-metric=\"requests\"").count(), 3);
        assert_eq!(page.matches("data-series=\"requests\"").count(), 2);
        // The run's sources once, not in each tier.
        assert_eq!(page.matches("<code>lb.log</code>").count(), 1);
    }

    #[test]
    fn gaps_are_listed_with_their_length() {
        use axlog_stats::series_summary::{Gap, Gaps};
        let mut s = empty_summary();
        let gap = |start: i64, seconds: u64| Gap {
            start: format!("s{start}"),
            start_epoch: start,
            end: format!("e{start}"),
            end_epoch: start + seconds as i64,
            seconds,
        };
        s.series.gaps = Some(Gaps {
            min_seconds: 10,
            count: 3,
            gaps: vec![gap(100, 15), gap(400, 125)],
        });
        let page = html(&s);
        assert!(page.contains("<h2>Gaps</h2><p class=\"note\">3 runs of more than 10 s"));
        assert!(page.contains("The first 2 are listed."));
        assert!(
            page.contains("<td>s100</td><td>e100</td><td class=\"num\" data-v=\"15\">15 s</td>")
        );
        assert!(page.contains("<td class=\"num\" data-v=\"125\">2 min 5 s</td>"));
    }
}
