//! A Prometheus textfile read by a real parser (`prometheus_client`'s, in the Python that
//! `AXLOG_OUTPUTS_PYTHON` names; scripts/test.sh sets it), and its samples looked up.

use super::python::run_script;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// A Prometheus file's samples: name, labels, value.
pub type Samples = Vec<(String, BTreeMap<String, String>, f64)>;

/// The samples of a Prometheus file, parsed by `prometheus_client`: (name, labels,
/// value). `None` when no Python with it is named.
pub fn prom_samples(path: &Path) -> Option<Samples> {
    let script = "import json, sys\n\
        from prometheus_client.parser import text_string_to_metric_families\n\
        out = []\n\
        for f in text_string_to_metric_families(open(sys.argv[1], encoding='utf-8').read()):\n\
        \x20   for s in f.samples:\n\
        \x20       out.append([s.name, s.labels, s.value, f.type])\n\
        print(json.dumps(out))";
    let Some(json) = run_script(script, path) else {
        eprintln!("AXLOG_OUTPUTS_PYTHON not set: the Prometheus parse is left to scripts/test.sh");
        return None;
    };
    let v: Vec<Value> = serde_json::from_str(&json).unwrap();
    Some(
        v.iter()
            .map(|s| {
                let labels = s[1]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                    .collect();
                (
                    s[0].as_str().unwrap().to_string(),
                    labels,
                    s[2].as_f64().unwrap(),
                )
            })
            .collect(),
    )
}

/// The value of the sample `name` with exactly `labels`.
pub fn sample(samples: &Samples, name: &str, labels: &[(&str, &str)]) -> f64 {
    let want: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let found: Vec<f64> = samples
        .iter()
        .filter(|(n, l, _)| n == name && *l == want)
        .map(|s| s.2)
        .collect();
    assert_eq!(found.len(), 1, "{name} {labels:?}: {found:?}");
    found[0]
}
