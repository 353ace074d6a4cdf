//! A small Prometheus registry: counters, gauges and duration histograms keyed by
//! (metric, labels), shared by every service of one process, rendered in the text
//! exposition format 0.0.4.

use crate::telemetry::catalog::{Kind, MetricDef};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A counter that only goes up, cheap to bump from any thread.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.add(1);
    }
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A value that goes up and down (items in a store, partitions assigned, seconds).
/// Held as the bits of an `f64`.
#[derive(Debug, Default)]
pub struct Gauge(AtomicU64);

impl Gauge {
    pub fn set(&self, v: u64) {
        self.set_f64(v as f64);
    }
    pub fn set_f64(&self, v: f64) {
        self.0.store(v.to_bits(), Ordering::Relaxed);
    }
    pub fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }
}

/// Upper bounds (seconds) of a [`Histogram`]'s buckets: 5 ms to a minute, the span
/// from a quick commit to a destination that needed retries.
pub const SECONDS_BUCKETS: [f64; 13] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// Durations counted into [`SECONDS_BUCKETS`] (Prometheus histogram: cumulative buckets,
/// `_sum` in seconds, `_count`), cheap to record from any thread.
#[derive(Debug, Default)]
pub struct Histogram {
    /// Observations at or below each bound and above the one before; the last slot is
    /// above every bound.
    buckets: [AtomicU64; SECONDS_BUCKETS.len() + 1],
    sum_nanos: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, d: std::time::Duration) {
        let secs = d.as_secs_f64();
        let slot = SECONDS_BUCKETS
            .iter()
            .position(|&b| secs <= b)
            .unwrap_or(SECONDS_BUCKETS.len());
        self.buckets[slot].fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Observations so far.
    pub fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.load(Ordering::Relaxed)).sum()
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        // `le` joins the series' own labels.
        let with_le = |le: &str| match labels.strip_suffix('}') {
            Some(open) => format!("{open},le=\"{le}\"}}"),
            None => format!("{{le=\"{le}\"}}"),
        };
        let mut cumulative = 0;
        for (bound, bucket) in SECONDS_BUCKETS.iter().zip(&self.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "{name}_bucket{} {cumulative}",
                with_le(&bound.to_string())
            );
        }
        cumulative += self.buckets[SECONDS_BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{} {cumulative}", with_le("+Inf"));
        let sum = self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
        let _ = writeln!(out, "{name}_sum{labels} {sum}");
        let _ = writeln!(out, "{name}_count{labels} {cumulative}");
    }
}

struct Family {
    def: &'static MetricDef,
    series: BTreeMap<String, Series>,
}

enum Series {
    Counter(Arc<Counter>),
    Gauge(Arc<Gauge>),
    Histogram(Arc<Histogram>),
}

/// The process's metrics. Registration hands out a shared handle; the same
/// (metric, label values) always returns the same handle, so services in one
/// `newswire dev` process share one registry without clashing.
#[derive(Clone, Default)]
pub struct Metrics {
    families: Arc<Mutex<BTreeMap<&'static str, Family>>>,
}

impl Metrics {
    /// The counter `def` with these label values, in the order `def.labels` names them.
    ///
    /// # Panics
    /// When `def` is a gauge or the number of values differs from `def.labels`: both
    /// are programming errors a test run finds at once.
    pub fn counter(&self, def: &'static MetricDef, values: &[&str]) -> Arc<Counter> {
        assert!(def.kind == Kind::Counter, "{} is not a counter", def.name);
        match self.register(def, values) {
            Series::Counter(c) => c,
            _ => unreachable!(),
        }
    }

    /// The gauge `def` with these label values; panics as [`Metrics::counter`].
    pub fn gauge(&self, def: &'static MetricDef, values: &[&str]) -> Arc<Gauge> {
        assert!(def.kind == Kind::Gauge, "{} is not a gauge", def.name);
        match self.register(def, values) {
            Series::Gauge(g) => g,
            _ => unreachable!(),
        }
    }

    /// The histogram `def` with these label values; panics as [`Metrics::counter`].
    pub fn histogram(&self, def: &'static MetricDef, values: &[&str]) -> Arc<Histogram> {
        assert!(
            def.kind == Kind::Histogram,
            "{} is not a histogram",
            def.name
        );
        match self.register(def, values) {
            Series::Histogram(h) => h,
            _ => unreachable!(),
        }
    }

    fn register(&self, def: &'static MetricDef, values: &[&str]) -> Series {
        assert_eq!(
            def.labels.len(),
            values.len(),
            "{} takes the labels {:?}",
            def.name,
            def.labels
        );
        let mut families = self.families.lock().expect("metrics lock");
        let family = families.entry(def.name).or_insert_with(|| Family {
            def,
            series: BTreeMap::new(),
        });
        let key = render_labels(def.labels, values);
        let series = family.series.entry(key).or_insert_with(|| match def.kind {
            Kind::Counter => Series::Counter(Arc::default()),
            Kind::Gauge => Series::Gauge(Arc::default()),
            Kind::Histogram => Series::Histogram(Arc::default()),
        });
        match series {
            Series::Counter(c) => Series::Counter(c.clone()),
            Series::Gauge(g) => Series::Gauge(g.clone()),
            Series::Histogram(h) => Series::Histogram(h.clone()),
        }
    }

    /// Prometheus text exposition format 0.0.4.
    pub fn render(&self) -> String {
        let families = self.families.lock().expect("metrics lock");
        let mut out = String::new();
        for (name, family) in families.iter() {
            let kind = match family.def.kind {
                Kind::Counter => "counter",
                Kind::Gauge => "gauge",
                Kind::Histogram => "histogram",
            };
            let _ = writeln!(out, "# HELP {name} {}", family.def.help);
            let _ = writeln!(out, "# TYPE {name} {kind}");
            for (labels, series) in &family.series {
                match series {
                    Series::Counter(c) => {
                        let _ = writeln!(out, "{name}{labels} {}", c.get());
                    }
                    Series::Gauge(g) => {
                        let _ = writeln!(out, "{name}{labels} {}", g.get());
                    }
                    Series::Histogram(h) => h.render(&mut out, name, labels),
                }
            }
        }
        out
    }
}

fn render_labels(names: &[&str], values: &[&str]) -> String {
    if names.is_empty() {
        return String::new();
    }
    let body: Vec<String> = names
        .iter()
        .zip(values)
        .map(|(k, v)| {
            let v = v
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            format!("{k}=\"{v}\"")
        })
        .collect();
    format!("{{{}}}", body.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::catalog;

    #[test]
    fn renders_prometheus_text() {
        let m = Metrics::default();
        let c = m.counter(&catalog::EVENTS_CONSUMED, &["enricher"]);
        c.add(3);
        m.counter(&catalog::EVENTS_CONSUMED, &["enricher"]).inc();
        m.gauge(&catalog::FEEDS_STORIES, &[]).set(7);
        m.gauge(&catalog::STAGE_OLDEST_UNPROCESSED, &["social"])
            .set_f64(1.5);
        let text = m.render();
        assert!(text.contains("# TYPE newswire_events_consumed_total counter\n"));
        assert!(text.contains("newswire_events_consumed_total{stage=\"enricher\"} 4\n"));
        assert!(text.contains("newswire_feeds_stories 7\n"));
        assert!(text.contains("newswire_stage_oldest_unprocessed_seconds{stage=\"social\"} 1.5\n"));
    }

    #[test]
    fn histograms_render_cumulative_buckets_sum_and_count() {
        let m = Metrics::default();
        let h = m.histogram(&catalog::TRANSACTION_SECONDS, &["delivery"]);
        for ms in [3, 20, 20, 700, 120_000] {
            h.observe(std::time::Duration::from_millis(ms));
        }
        let text = m.render();
        assert!(
            text.contains("# TYPE newswire_transaction_seconds histogram\n"),
            "{text}"
        );
        for (le, n) in [
            ("0.005", 1),
            ("0.025", 3),
            ("0.5", 3),
            ("1", 4),
            ("60", 4),
            ("+Inf", 5),
        ] {
            let line = format!(
                "newswire_transaction_seconds_bucket{{stage=\"delivery\",le=\"{le}\"}} {n}\n"
            );
            assert!(text.contains(&line), "{line} in {text}");
        }
        assert!(
            text.contains("newswire_transaction_seconds_sum{stage=\"delivery\"} 120.743\n"),
            "{text}"
        );
        assert!(
            text.contains("newswire_transaction_seconds_count{stage=\"delivery\"} 5\n"),
            "{text}"
        );
        assert_eq!(h.count(), 5);
    }

    #[test]
    #[should_panic(expected = "takes the labels")]
    fn wrong_label_count_is_refused() {
        Metrics::default().counter(&catalog::EVENTS_CONSUMED, &[]);
    }
}
