//! The README's metrics table and the code's catalog list the same metrics, with the
//! same types and labels: an operator reading one finds what the other exposes.

use newswire_shared::telemetry::catalog::{Kind, ALL};
use std::collections::BTreeMap;

/// `name → (type, labels)` from the README's metrics table.
fn readme_metrics() -> BTreeMap<String, (String, Vec<String>)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let table = readme
        .split("| metric | type | labels | |")
        .nth(1)
        .expect("a metrics table in the README");
    table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let name = cells[1].trim_matches('`').to_string();
            let labels = cells[3]
                .split(',')
                .map(|c| c.trim().trim_matches('`').to_string())
                .filter(|c| !c.is_empty())
                .collect();
            (name, (cells[2].to_string(), labels))
        })
        .collect()
}

#[test]
fn the_readme_lists_every_metric_and_nothing_else() {
    let documented = readme_metrics();
    for def in ALL {
        let (kind, labels) = documented
            .get(def.name)
            .unwrap_or_else(|| panic!("{} is missing from the README's metrics table", def.name));
        let expected = match def.kind {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        };
        assert_eq!(kind, expected, "{}: type", def.name);
        assert_eq!(labels, &def.labels.to_vec(), "{}: labels", def.name);
    }
    for name in documented.keys() {
        assert!(
            ALL.iter().any(|d| d.name == name),
            "the README lists {name}, which no code exposes"
        );
    }
}
