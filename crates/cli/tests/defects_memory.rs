//! End-to-end checks of the memory items: per-second counts over long sparse spans, the
//! path table's byte cap, and `--every` windows' peak and mean.

mod common;

use common::*;

/// A combined-format line at `time` (nginx's `$time_local`).
fn line(time: &str, path: &str) -> String {
    format!("10.0.0.1 - - [{time}] \"GET {path} HTTP/1.1\" 200 12 \"-\" \"t\"\n")
}

/// Four requests over 29 years: the QPS figures count every second of the span, the empty
/// ones included. Epoch seconds by `date -u -d ... +%s`: 2001-03-04T05:06:07Z = 983682367,
/// 2009-12-31T23:59:59Z = 1262303999, 2030-07-01T00:00:00Z = 1909094400.
#[test]
fn qps_figures_over_decades_of_sparse_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparse.log");
    let text = [
        line("04/Mar/2001:05:06:07 +0000", "/a"),
        line("04/Mar/2001:05:06:07 +0000", "/b"),
        line("01/Jan/2010:00:59:59 +0100", "/a"),
        line("01/Jul/2030:00:00:00 +0000", "/a"),
    ]
    .concat();
    std::fs::write(&path, text).unwrap();
    for j in ["1", "4"] {
        let v = report_json(&[path.to_str().unwrap(), "-j", j]);
        let q = &v["qps"];
        let span: u64 = 1909094400 - 983682367 + 1;
        assert_eq!(q["seconds"], span);
        assert_eq!(q["empty_seconds"], span - 3);
        assert_eq!(q["peak"], 2);
        assert_eq!(q["peak_second_epoch"], 983682367);
        // Sorted counts: span - 3 zeros, then 1, 1, 2.
        assert_eq!((q["p50"].as_u64(), q["p99"].as_u64()), (Some(0), Some(0)));
        let mean = q["mean"].as_f64().unwrap();
        assert!((mean - 4.0 / span as f64).abs() < 1e-18, "{mean}");
    }
}
