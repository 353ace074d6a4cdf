//! Freshness of the feeds service on a real broker: from an event being acknowledged on
//! `articles.enriched` to the updated feed being served over HTTP, p50/p99.
//!
//! `feeds-freshness --brokers 127.0.0.1:9092 [--bin-dir target/release] [--count 1000] [--rate 50]`

use newswire_shared::config::KafkaSettings;
use newswire_shared::kafka::producer_config;
use newswire_tests::{
    create_run_topics, free_port, quantile, service_env, wait_ready, BenchArgs, FeedWatcher, Run,
    Service,
};
use rdkafka::producer::{FutureProducer, FutureRecord};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let BenchArgs {
        brokers,
        bin_dir,
        count,
        rate,
    } = BenchArgs::parse(1000, 50);
    let Run { name: run, logs } = Run::new("fresh");
    let topics = create_run_topics(&brokers, &run, 6).await;
    let port = free_port();
    let mut env = service_env(&brokers, &run, &topics);
    env.push((
        "NEWSWIRE__FEEDS__LISTEN".into(),
        format!("127.0.0.1:{port}"),
    ));
    let mut feeds = Service::new("feeds", bin_dir.join("newswire-feeds"), env, &logs);
    feeds.start();
    let http = reqwest::Client::new();
    wait_ready(&http, &format!("http://127.0.0.1:{port}/readyz")).await;

    let acked: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let watcher = FeedWatcher::start(
        http.clone(),
        format!("http://127.0.0.1:{port}/feeds/all.rss"),
    );
    let kafka = KafkaSettings {
        brokers: brokers.clone(),
        ..Default::default()
    };
    let producer: FutureProducer = producer_config(&kafka, "freshness").create().unwrap();
    let started = Instant::now();
    for i in 0..count {
        tokio::time::sleep_until(
            (started + Duration::from_micros(1_000_000 * i as u64 / rate)).into(),
        )
        .await;
        let id = format!("{run}-{i}");
        let now = chrono::Utc::now().to_rfc3339();
        let event = serde_json::json!({
            "id": id, "version": 1, "status": "usable", "headline": format!("Fresh story {i}"),
            "body": "<p>Fresh.</p>", "first_created": now, "version_created": now,
            "enrichment": {"language": "en", "language_confidence": 1.0}
        })
        .to_string();
        producer
            .send(
                FutureRecord::to(&topics.enriched).key(&id).payload(&event),
                Duration::from_secs(10),
            )
            .await
            .unwrap();
        acked.lock().unwrap().insert(id, Instant::now());
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let seen = watcher.stop().await;
    let acked = acked.lock().unwrap();
    let mut latencies: Vec<Duration> = acked
        .iter()
        .filter_map(|(id, t)| seen.get(id).map(|s| s.saturating_duration_since(*t)))
        .collect();
    latencies.sort_unstable();
    println!(
        "feeds freshness: {} of {count} events at {rate}/s seen; ack on articles.enriched → served: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        quantile(&latencies, 0.5).as_secs_f64() * 1e3,
        quantile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}
