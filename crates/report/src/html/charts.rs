//! The charts, drawn as inline SVG by axlog itself: requests per bucket, status classes
//! over time (stacked), request time p50 and p99 over time, each with the anomalies as
//! shaded bands. No chart library: the page stays small, needs no script to draw, and the
//! geometry is tested here in Rust. Each drawn series is one `<path data-series=…>` with
//! one point per bucket (per group of buckets past [`MAX_POINTS`]), so a test can count
//! them; a chart with nothing to draw says so.

use super::axis::{log_ticks, time_ticks, value_ticks};
use super::escape::text as esc;
use super::units::{count, duration, percent, short_count, utc_parts};
use crate::anomalies::{range as anomaly_range, value as anomaly_value};
use axlog_stats::Summary;
use axlog_stats::anomaly_summary::Anomaly;
use axlog_stats::series_summary::{SeriesBucket, SeriesBySummary, SeriesSummary};
use std::fmt::Write as _;

/// The drawing's size (the SVG scales to the page's width) and the plot's margins.
const W: f64 = 960.0;
const H: f64 = 220.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 40.0;

/// Points a series has at most: more buckets are drawn a group a point (a 960-unit wide
/// plot shows no more), and the caption says so.
pub(crate) const MAX_POINTS: usize = 1200;

/// One point of the charts: a bucket, or a group of consecutive buckets.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Point {
    /// Start and end (exclusive) of the bucket(s), epoch seconds.
    pub start: i64,
    pub end: i64,
    pub requests: u64,
    /// 1xx … 5xx.
    pub classes: [u64; 5],
    /// The request time's p50 and p99 (the highest bucket's, for a group), µs.
    pub p50: Option<u64>,
    pub p99: Option<u64>,
}

/// The series' buckets as points, `k` buckets a point (1 up to [`MAX_POINTS`]).
pub(crate) fn points(series: &SeriesSummary) -> (usize, Vec<Point>) {
    let k = series.buckets.len().div_ceil(MAX_POINTS).max(1);
    let width = i64::from(series.bucket_s.max(1));
    let pts = series.buckets.chunks(k).map(|g| group(g, width)).collect();
    (k, pts)
}

fn group(g: &[SeriesBucket], width: i64) -> Point {
    let mut p = Point {
        start: g.first().map_or(0, |b| b.start_epoch),
        end: g.last().map_or(0, |b| b.start_epoch) + width,
        ..Point::default()
    };
    for b in g {
        let v = &b.values;
        p.requests += v.requests;
        let c = [
            v.status_1xx,
            v.status_2xx,
            v.status_3xx,
            v.status_4xx,
            v.status_5xx,
        ];
        for (sum, n) in p.classes.iter_mut().zip(c) {
            *sum += n;
        }
        p.p50 = p.p50.max(v.p50_us);
        p.p99 = p.p99.max(v.p99_us);
    }
    p
}

/// The plot's mapping from time and value to drawing units.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub t0: i64,
    pub t1: i64,
    pub top: f64,
    /// A logarithmic value axis from this value (> 0) up; linear from 0 when `None`.
    pub low: Option<f64>,
}

impl Frame {
    pub(crate) fn x(&self, t: f64) -> f64 {
        let span = (self.t1 - self.t0).max(1) as f64;
        LEFT + (t - self.t0 as f64) / span * (W - LEFT - RIGHT)
    }

    pub(crate) fn y(&self, v: f64) -> f64 {
        let top = if self.top > 0.0 { self.top } else { 1.0 };
        let frac = match self.low {
            Some(low) if low > 0.0 && top > low => {
                (v.max(low).log10() - low.log10()) / (top.log10() - low.log10())
            }
            _ => v / top,
        };
        TOP + (1.0 - frac.clamp(0.0, 1.0)) * (H - TOP - BOTTOM)
    }

    /// The middle of a point's time.
    fn mid(p: &Point) -> f64 {
        (p.start + p.end) as f64 / 2.0
    }
}

/// A path through `(time, value)` pairs, broken where a value is missing: `M x y L x y …`.
pub(crate) fn path_d(f: &Frame, pts: &[(f64, Option<f64>)]) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for &(t, v) in pts {
        match v {
            Some(v) => {
                let cmd = if pen_down { 'L' } else { 'M' };
                let _ = write!(d, "{cmd}{:.1} {:.1}", f.x(t), f.y(v));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d
}

/// The closed area between two edges (values at the same times): the upper one forward,
/// the lower one back.
fn area_d(f: &Frame, times: &[f64], upper: &[f64], lower: &[f64]) -> String {
    let mut d = String::new();
    for (i, (&t, &v)) in times.iter().zip(upper).enumerate() {
        let cmd = if i == 0 { 'M' } else { 'L' };
        let _ = write!(d, "{cmd}{:.1} {:.1}", f.x(t), f.y(v));
    }
    for (&t, &v) in times.iter().zip(lower).rev() {
        let _ = write!(d, "L{:.1} {:.1}", f.x(t), f.y(v));
    }
    d.push('Z');
    d
}

/// One chart's series: its name (the legend's and `data-series`), CSS class and values.
struct Line {
    /// Its name: axlog's (`requests`, `2xx`, `p99`), or a `--series-by` key (log text,
    /// escaped where written).
    name: String,
    class: String,
    values: Vec<Option<f64>>,
}

/// What a chart draws.
struct Chart<'a> {
    kind: &'static str,
    title: String,
    lines: Vec<Line>,
    /// Stacked: each line is drawn on the sum of those before it, with a filled area.
    stacked: bool,
    /// Shaded area under a single line.
    area: bool,
    label: fn(f64) -> String,
    /// A logarithmic value axis (latencies: a p99 far above the p50 still leaves the
    /// p50's line readable).
    log: bool,
    /// Each point's hover text.
    hover: &'a dyn Fn(&Point) -> String,
}

/// The charts section: the three charts of `s.series`, or why there are none.
pub(crate) fn charts(o: &mut String, s: &Summary) {
    o.push_str("<section class=\"charts\"><h2>Over time</h2>\n");
    let Some(series) = s.series.series.as_ref().filter(|x| !x.buckets.is_empty()) else {
        o.push_str("<p class=\"empty\">No series: no request had a time, nothing to draw.</p>\n</section>\n");
        return;
    };
    let (k, pts) = points(series);
    let width = super::units::span(u64::from(series.bucket_s) * k as u64);
    let note = match k {
        1 => String::new(),
        k => format!(
            " ({k} buckets of {} a point; latency: the highest bucket's)",
            super::units::span(u64::from(series.bucket_s))
        ),
    };
    let anomalies: &[Anomaly] = s.anomalies.as_ref().map_or(&[], |a| &a.anomalies);
    let time = |p: &Point| {
        let (day, _, clock) = utc_parts(p.start);
        format!("{day} {clock} UTC")
    };
    let req_hover = |p: &Point| format!("{} · {} requests", time(p), count(p.requests));
    let requests = Chart {
        kind: "requests",
        title: format!("Requests per {width}{note}"),
        lines: vec![Line {
            name: "requests".into(),
            class: "s-req".into(),
            values: pts.iter().map(|p| Some(p.requests as f64)).collect(),
        }],
        stacked: false,
        area: true,
        label: short_count,
        log: false,
        hover: &req_hover,
    };
    draw(o, &requests, &pts, anomalies, "");

    let show_1xx = pts.iter().any(|p| p.classes[0] > 0);
    let names = ["1xx", "2xx", "3xx", "4xx", "5xx"];
    let classes = ["s-1xx", "s-2xx", "s-3xx", "s-4xx", "s-5xx"];
    let status_hover = |p: &Point| {
        let mut t = time(p);
        for (i, n) in p.classes.iter().enumerate().skip(usize::from(!show_1xx)) {
            let share = if p.requests > 0 {
                *n as f64 / p.requests as f64
            } else {
                0.0
            };
            let _ = write!(t, " · {} {} ({})", names[i], count(*n), percent(share));
        }
        t
    };
    let status = Chart {
        kind: "status",
        title: format!("Status classes per {width} (stacked){note}"),
        lines: (usize::from(!show_1xx)..5)
            .map(|i| Line {
                name: names[i].into(),
                class: classes[i].into(),
                values: pts.iter().map(|p| Some(p.classes[i] as f64)).collect(),
            })
            .collect(),
        stacked: true,
        area: false,
        label: short_count,
        log: false,
        hover: &status_hover,
    };
    draw(o, &status, &pts, anomalies, "");

    let lat_hover = |p: &Point| {
        let d = |v: Option<u64>| v.map_or("-".to_string(), |v| duration(v as f64));
        format!("{} · p50 {} · p99 {}", time(p), d(p.p50), d(p.p99))
    };
    let latency = Chart {
        kind: "latency",
        title: format!("Request time p50 and p99 per {width}, log scale{note}"),
        lines: vec![
            Line {
                name: "p50".into(),
                class: "s-p50".into(),
                values: pts.iter().map(|p| p.p50.map(|v| v as f64)).collect(),
            },
            Line {
                name: "p99".into(),
                class: "s-p99".into(),
                values: pts.iter().map(|p| p.p99.map(|v| v as f64)).collect(),
            },
        ],
        stacked: false,
        area: false,
        label: duration,
        log: true,
        hover: &lat_hover,
    };
    let none = "No request times: the log's layout records none, nothing to draw.";
    draw(o, &latency, &pts, anomalies, none);
    if let Some(by) = &s.series.series_by {
        series_by(o, by, k, &pts, anomalies, &width, &note);
    }
    o.push_str("</section>\n");
}

/// Colours for `--series-by`'s keys (`--top` is 10 by default; past 10 they repeat).
const KEY_COLOURS: usize = 10;

/// `--series-by`: each kept key's requests a bucket, a line each.
fn series_by(
    o: &mut String,
    by: &SeriesBySummary,
    k: usize,
    pts: &[Point],
    anomalies: &[Anomaly],
    width: &str,
    note: &str,
) {
    let lines: Vec<Line> = by
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| Line {
            name: r.key.clone(),
            class: format!("s-k{}", i % KEY_COLOURS),
            values: r
                .buckets
                .chunks(k.max(1))
                .map(|g| Some(g.iter().map(|b| b.requests).sum::<u64>() as f64))
                .collect(),
        })
        .collect();
    let hover = |p: &Point| {
        let (day, _, clock) = utc_parts(p.start);
        format!("{day} {clock} UTC · {} requests in all", count(p.requests))
    };
    let chart = Chart {
        kind: "series-by",
        title: format!("Requests per {width} by {}{note}", by.dimension),
        lines,
        stacked: false,
        area: false,
        label: short_count,
        log: false,
        hover: &hover,
    };
    draw(o, &chart, pts, anomalies, "No keys to draw.");
}

/// One chart as a `<figure>`: caption, legend, then the SVG (or `empty` when no line has
/// a value).
fn draw(o: &mut String, c: &Chart, pts: &[Point], anomalies: &[Anomaly], empty: &str) {
    let _ = write!(
        o,
        "<figure class=\"chart\" data-chart=\"{}\"><figcaption>{}</figcaption>",
        c.kind,
        esc(&c.title)
    );
    o.push_str("<ul class=\"legend\">");
    for l in &c.lines {
        let _ = write!(
            o,
            "<li><i class=\"sw {}\"></i>{}</li>",
            l.class,
            esc(&l.name)
        );
    }
    if !anomalies.is_empty() {
        o.push_str("<li><i class=\"sw s-anomaly\"></i>anomaly</li>");
    }
    o.push_str("</ul>\n");
    let has_value = c.lines.iter().any(|l| l.values.iter().any(Option::is_some));
    if !has_value || pts.is_empty() {
        let _ = writeln!(o, "<p class=\"empty\">{empty}</p></figure>");
        return;
    }
    // The stacked edges: each line's values on the sum of those before it.
    let mut base = vec![0.0; pts.len()];
    let mut edges: Vec<(Vec<f64>, Vec<f64>)> = Vec::new();
    for l in &c.lines {
        let lower = base.clone();
        if c.stacked {
            for (b, v) in base.iter_mut().zip(&l.values) {
                *b += v.unwrap_or(0.0);
            }
        }
        let upper = match c.stacked {
            true => base.clone(),
            false => l.values.iter().map(|v| v.unwrap_or(0.0)).collect(),
        };
        edges.push((upper, lower));
    }
    let max = edges
        .iter()
        .flat_map(|(u, _)| u.iter().copied())
        .fold(0.0, f64::max);
    let min_positive = edges
        .iter()
        .flat_map(|(u, _)| u.iter().copied())
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    let log = c.log && min_positive.is_finite();
    let ticks = match log {
        true => log_ticks(min_positive, max),
        false => value_ticks(max, 4),
    };
    let f = Frame {
        t0: pts[0].start,
        t1: pts[pts.len() - 1].end,
        top: ticks.last().copied().unwrap_or(1.0),
        low: if log { ticks.first().copied() } else { None },
    };
    let _ = write!(
        o,
        "<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\">",
        esc(&c.title)
    );
    grid(o, &f, &ticks, c.label);
    bands(o, &f, anomalies, false);
    let times: Vec<f64> = pts.iter().map(Frame::mid).collect();
    for (l, (upper, lower)) in c.lines.iter().zip(&edges) {
        if c.stacked || c.area {
            let _ = write!(
                o,
                "<path class=\"area {}\" d=\"{}\"/>",
                l.class,
                area_d(&f, &times, upper, lower)
            );
        }
        let values: Vec<(f64, Option<f64>)> = match c.stacked {
            true => times
                .iter()
                .copied()
                .zip(upper.iter().map(|v| Some(*v)))
                .collect(),
            false => times
                .iter()
                .copied()
                .zip(l.values.iter().copied())
                .collect(),
        };
        let _ = write!(
            o,
            "<path class=\"line {}\" data-series=\"{}\" d=\"{}\"/>",
            l.class,
            esc(&l.name),
            path_d(&f, &values)
        );
    }
    time_axis(o, &f);
    hover(o, &f, pts, c.hover);
    bands(o, &f, anomalies, true);
    o.push_str("</svg></figure>\n");
}

/// Horizontal grid lines at the value ticks, labelled on the left.
fn grid(o: &mut String, f: &Frame, ticks: &[f64], label: fn(f64) -> String) {
    o.push_str("<g class=\"grid\">");
    for &v in ticks {
        let y = f.y(v);
        let _ = write!(
            o,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            esc(&label(v))
        );
    }
    o.push_str("</g>");
}

/// The time axis: round UTC times, the date under the first tick and wherever it changes.
fn time_axis(o: &mut String, f: &Frame) {
    let (step, ticks) = time_ticks(f.t0, f.t1, 8);
    let y = H - BOTTOM;
    let _ = write!(
        o,
        "<g class=\"xaxis\"><line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>",
        W - RIGHT
    );
    let mut last_day = String::new();
    for t in ticks {
        let x = f.x(t as f64);
        let (day, hm, hms) = utc_parts(t);
        let clock = match step {
            s if s < 60 => hms,
            s if s >= 86_400 => day.get(5..).unwrap_or(&day).to_string(),
            _ => hm,
        };
        // A label at the plot's right end would be cut: it ends at its tick instead.
        let anchor = if x > W - RIGHT - 24.0 {
            "end"
        } else {
            "middle"
        };
        let _ = write!(
            o,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{y}\" y2=\"{}\"/><text x=\"{x:.1}\" y=\"{}\" text-anchor=\"{anchor}\">{clock}</text>",
            y + 4.0,
            y + 16.0
        );
        if day != last_day && step < 86_400 {
            let _ = write!(
                o,
                "<text class=\"day\" x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{day}</text>",
                y + 30.0
            );
            last_day = day;
        }
    }
    let _ = write!(
        o,
        "<text class=\"unit\" x=\"{}\" y=\"{}\" text-anchor=\"end\">UTC</text></g>",
        W - RIGHT,
        y + 30.0
    );
}

/// The anomalies: a shaded band over the plot (under the series), or a strip on the
/// time axis (on top, so its tooltip is always reachable). Each says what it was.
fn bands(o: &mut String, f: &Frame, anomalies: &[Anomaly], strip: bool) {
    if anomalies.is_empty() {
        return;
    }
    let class = if strip { "anomaly-strip" } else { "anomaly" };
    let _ = write!(o, "<g class=\"{class}\">");
    for a in anomalies {
        let (s, e) = (a.start_epoch.max(f.t0), a.end_epoch.min(f.t1));
        if e <= s {
            continue;
        }
        let (x0, x1) = (f.x(s as f64), f.x(e as f64));
        let (y, h) = match strip {
            true => (H - BOTTOM - 3.0, 6.0),
            false => (TOP, H - TOP - BOTTOM),
        };
        let _ = write!(
            o,
            "<rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{}</title></rect>",
            (x1 - x0).max(2.0),
            esc(&anomaly_title(a))
        );
    }
    o.push_str("</g>");
}

/// An anomaly in words: kind, time, the metric against its baseline, the contributor.
pub(crate) fn anomaly_title(a: &Anomaly) -> String {
    let mut t = format!(
        "{} ({}): {} · {} vs baseline {}",
        a.kind,
        a.metric,
        anomaly_range(a),
        anomaly_value(&a.metric, a.observed),
        anomaly_value(&a.metric, a.baseline)
    );
    if let Some(c) = &a.contributor {
        let _ = write!(
            t,
            " · mostly {} {} ({})",
            c.dimension,
            c.key,
            percent(c.share)
        );
    }
    t
}

/// Invisible columns over each point whose tooltip gives its values.
fn hover(o: &mut String, f: &Frame, pts: &[Point], text: &dyn Fn(&Point) -> String) {
    o.push_str("<g class=\"hover\">");
    for p in pts {
        let (x0, x1) = (f.x(p.start as f64), f.x(p.end as f64));
        let _ = write!(
            o,
            "<rect x=\"{x0:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{}\"><title>{}</title></rect>",
            (x1 - x0).max(0.5),
            H - TOP - BOTTOM,
            esc(&text(p))
        );
    }
    o.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use axlog_stats::series_summary::SeriesValues;

    fn bucket(start: i64, requests: u64, p99: Option<u64>) -> SeriesBucket {
        SeriesBucket {
            start: String::new(),
            start_epoch: start,
            values: SeriesValues {
                requests,
                status_2xx: requests,
                p50_us: p99.map(|v| v / 2),
                p99_us: p99,
                ..SeriesValues::default()
            },
        }
    }

    #[test]
    fn frame_maps_the_range_onto_the_plot() {
        let f = Frame {
            t0: 1000,
            t1: 2000,
            top: 50.0,
            low: None,
        };
        assert_eq!(f.x(1000.0), LEFT);
        assert_eq!(f.x(2000.0), W - RIGHT);
        assert_eq!(f.x(1500.0), LEFT + (W - LEFT - RIGHT) / 2.0);
        assert_eq!(f.y(0.0), H - BOTTOM);
        assert_eq!(f.y(50.0), TOP);
        assert_eq!(f.y(25.0), TOP + (H - TOP - BOTTOM) / 2.0);
        // Out of range values stay inside the plot.
        assert_eq!(f.y(80.0), TOP);
        assert_eq!(f.y(-1.0), H - BOTTOM);
        // Logarithmic from 10 to 1,000: 100 halfway; 0 (below the axis) at the bottom.
        let f = Frame {
            low: Some(10.0),
            top: 1000.0,
            ..f
        };
        assert_eq!(f.y(10.0), H - BOTTOM);
        assert_eq!(f.y(1000.0), TOP);
        assert!((f.y(100.0) - (TOP + (H - TOP - BOTTOM) / 2.0)).abs() < 1e-9);
        assert_eq!(f.y(0.0), H - BOTTOM);
    }

    #[test]
    fn paths_break_where_a_value_is_missing() {
        let f = Frame {
            t0: 0,
            t1: 884,
            top: 10.0,
            low: None,
        };
        // x = 64 + t: W - LEFT - RIGHT is 884. y = 10 + (1 - v/10) * 170.
        let d = path_d(
            &f,
            &[
                (0.0, Some(10.0)),
                (10.0, None),
                (20.0, Some(0.0)),
                (30.0, Some(5.0)),
            ],
        );
        assert_eq!(d, "M64.0 10.0M84.0 180.0L94.0 95.0");
    }

    #[test]
    fn one_point_a_bucket_until_the_limit_then_groups() {
        let buckets: Vec<SeriesBucket> = (0..3)
            .map(|i| bucket(i * 60, i as u64 + 1, Some(1000 * (i as u64 + 1))))
            .collect();
        let s = SeriesSummary {
            bucket_s: 60,
            requested_bucket_s: None,
            zero_filled: true,
            buckets,
        };
        let (k, pts) = points(&s);
        assert_eq!((k, pts.len()), (1, 3));
        assert_eq!((pts[2].start, pts[2].end, pts[2].requests), (120, 180, 3));
        // 2,500 buckets: 3 a point (ceil(2500 / 1200)), 834 points; the last holds one.
        let buckets: Vec<SeriesBucket> = (0..2500)
            .map(|i| bucket(i * 60, 1, (i % 7 == 0).then_some(i as u64)))
            .collect();
        let s = SeriesSummary { buckets, ..s };
        let (k, pts) = points(&s);
        assert_eq!((k, pts.len()), (3, 834));
        assert_eq!(pts[0].requests, 3);
        assert_eq!(pts[0].p99, Some(0));
        // Buckets 21, 22, 23: only 21 has a p99.
        assert_eq!(pts[7].p99, Some(21));
        assert_eq!(pts[833].requests, 1);
        assert_eq!((pts[833].start, pts[833].end), (2499 * 60, 2500 * 60));
    }

    fn summary_with(buckets: Vec<SeriesBucket>) -> Summary {
        let mut s: Summary = crate::html::tests::empty_summary();
        s.series.series = Some(SeriesSummary {
            bucket_s: 60,
            requested_bucket_s: None,
            zero_filled: true,
            buckets,
        });
        s
    }

    #[test]
    fn every_series_has_a_point_a_bucket() {
        let b: Vec<SeriesBucket> = (0..5)
            .map(|i| bucket(i * 60, 10 * (i as u64 + 1), (i != 2).then_some(5000)))
            .collect();
        let mut o = String::new();
        charts(&mut o, &summary_with(b));
        let paths = |name: &str| -> Vec<usize> {
            o.split(&format!("data-series=\"{name}\" d=\""))
                .skip(1)
                .map(|rest| {
                    rest.split('"')
                        .next()
                        .unwrap_or("")
                        .matches(['M', 'L'])
                        .count()
                })
                .collect()
        };
        assert_eq!(paths("requests"), vec![5]);
        for c in ["2xx", "3xx", "4xx", "5xx"] {
            assert_eq!(paths(c), vec![5], "{c}");
        }
        assert_eq!(paths("1xx"), Vec::<usize>::new());
        // Bucket 2 has no request time: 4 points, in two pieces.
        assert_eq!(paths("p99"), vec![4]);
        assert!(!o.contains("class=\"empty\""), "{o}");
    }

    #[test]
    fn charts_without_data_say_so() {
        let mut o = String::new();
        charts(&mut o, &crate::html::tests::empty_summary());
        assert!(o.contains("class=\"empty\""), "{o}");
        assert!(!o.contains("<svg"), "{o}");
        let mut o = String::new();
        charts(&mut o, &summary_with(vec![bucket(0, 3, None)]));
        assert_eq!(o.matches("<svg").count(), 2, "{o}");
        assert!(o.contains("No request times"), "{o}");
    }

    #[test]
    fn series_by_draws_a_line_a_key_escaped() {
        use axlog_stats::series_summary::{SeriesByRow, SeriesBySummary, SeriesValues};
        let b: Vec<SeriesBucket> = (0..4).map(|i| bucket(i * 60, 3, None)).collect();
        let mut s = summary_with(b);
        let row = |key: &str, n: u64| SeriesByRow {
            key: key.into(),
            requests: 4 * n,
            buckets: vec![
                SeriesValues {
                    requests: n,
                    ..SeriesValues::default()
                };
                4
            ],
        };
        s.series.series_by = Some(SeriesBySummary {
            dimension: "endpoint".into(),
            bucket_s: 60,
            rows: vec![row("/a\"><b>", 2), row("/b", 1)],
            distinct: 2,
            cap: 100,
            cap_reached: false,
            untracked_requests: 0,
            requests_without_key: 0,
        });
        let mut o = String::new();
        charts(&mut o, &s);
        let chart = o.split("data-chart=\"series-by\"").nth(1).unwrap_or("");
        assert!(
            chart.contains("data-series=\"/a&quot;&gt;&lt;b&gt;\""),
            "{chart}"
        );
        assert!(!chart.contains("<b>"), "{chart}");
        let points: Vec<usize> = chart
            .split(" d=\"")
            .skip(1)
            .map(|r| {
                r.split('"')
                    .next()
                    .unwrap_or("")
                    .matches(['M', 'L'])
                    .count()
            })
            .collect();
        assert_eq!(points, vec![4, 4]);
    }
}
