//! End-to-end latency of the newsml service on a real broker: from an event being
//! acknowledged on `articles.enriched` to its NewsML-G2 file appearing in a
//! subscriber's drop folder (rendered, produced to `newsml.items` in a transaction,
//! read back, written atomically), p50/p99.
//!
//! `newsml-latency --brokers 127.0.0.1:9092 [--bin-dir target/release] [--count 1000] [--rate 50]`

use newswire_bench::{
    article_json, latencies, latency_summary, listen_env, producer, service_env, start_run,
    wait_ready, Pace, Run, Service,
};
use rdkafka::producer::FutureRecord;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let (args, Run { name: run, logs }, topics) = start_run("newsml", 1000, 50, 6).await;
    let (brokers, bin_dir, count, rate) = (&args.brokers, &args.bin_dir, args.count, args.rate);
    let drop = logs.join("drop");
    let config = logs.join("newswire.toml");
    std::fs::write(
        &config,
        format!(
            "[[newsml.subscribers]]\nname = \"bench\"\ndrop_folder = \"{}\"\n",
            drop.display()
        ),
    )
    .unwrap();
    let mut env = service_env(brokers, &run, &topics);
    env.push(("NEWSWIRE_CONFIG".into(), config.display().to_string()));
    let port = listen_env(&mut env, "NEWSML");
    env.push(("NEWSWIRE__NEWSML__GROUP_ID".into(), format!("{run}.newsml")));
    let mut newsml = Service::new("newsml", bin_dir.join("newswire-newsml"), env, &logs);
    newsml.start();
    let http = reqwest::Client::new();
    wait_ready(&http, &format!("http://127.0.0.1:{port}/readyz")).await;

    // Watch the drop folder back to back; note when each file first appears.
    let seen: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (seen, done, drop) = (seen.clone(), done.clone(), drop.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if let Ok(entries) = std::fs::read_dir(&drop) {
                    let now = Instant::now();
                    let mut seen = seen.lock().unwrap();
                    for e in entries.flatten() {
                        let name = e.file_name().into_string().unwrap_or_default();
                        if let Some(id) = name.strip_suffix("_v1.xml") {
                            seen.entry(id.to_string()).or_insert(now);
                        }
                    }
                }
                std::thread::sleep(Duration::from_micros(500));
            }
        })
    };

    let producer = producer(brokers, "newsml-latency");
    let mut acked: HashMap<String, Instant> = HashMap::new();
    let pace = Pace::new(rate);
    for i in 0..count {
        pace.wait(i).await;
        let id = format!("{run}-{i}");
        let mut event = article_json(&id, 1, 3000);
        event["enrichment"] = serde_json::json!({"language": "en", "language_confidence": 1.0});
        let payload = event.to_string();
        producer
            .send(
                FutureRecord::to(&topics.enriched)
                    .key(&id)
                    .payload(&payload),
                Duration::from_secs(10),
            )
            .await
            .unwrap();
        acked.insert(id, Instant::now());
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while seen.lock().unwrap().len() < count && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    done.store(true, Ordering::Relaxed);
    watcher.join().unwrap();
    newsml.kill();
    let seen = seen.lock().unwrap();
    let latencies = latencies(&acked, &seen);
    println!(
        "newsml: {} of {count} events at {rate}/s delivered; ack on articles.enriched → file in drop folder: {}",
        latencies.len(),
        latency_summary(&latencies),
    );
}
