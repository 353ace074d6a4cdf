//! Whole-pipeline benchmarks on a real broker, side by side in one run:
//! 1. publish throughput and acknowledgement latency: `POST /v1/articles` through the
//!    ingest process next to a bare rdkafka producer with the same settings;
//! 2. newsroom POST → article visible in the feed, p50/p99, at 100 and 1,000 articles/s.
//!
//! `cargo run --release -p newswire-tests --bin pipeline-bench -- --brokers 127.0.0.1:9092`
//! Prints Markdown for BENCHMARKS.md.

use newswire_bench::{
    article_json, listen_env, post_paced, producer, quantile, service_env, start_run, wait_ready,
    FeedWatcher, Run, Service,
};
use newswire_shared::config::KafkaSettings;
use newswire_shared::kafka::{ensure_topics, TopicSpec};
use rdkafka::producer::FutureRecord;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PARTITIONS: i32 = 6;

struct Figures {
    what: String,
    count: usize,
    per_sec: f64,
    p50: Duration,
    p99: Duration,
}

fn figures(what: &str, mut latencies: Vec<Duration>, elapsed: Duration) -> Figures {
    latencies.sort_unstable();
    Figures {
        what: what.to_string(),
        count: latencies.len(),
        per_sec: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: quantile(&latencies, 0.50),
        p99: quantile(&latencies, 0.99),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

async fn bare_producer(brokers: &str, topic: &str, events: &[Vec<u8>], window: usize) -> Figures {
    let producer = producer(brokers, "bench-bare");
    let started = Instant::now();
    let mut in_flight = std::collections::VecDeque::new();
    let mut latencies = Vec::with_capacity(events.len());
    for (i, payload) in events.iter().enumerate() {
        let key = format!("bare-{i}");
        let sent = Instant::now();
        let future = producer
            .send_result(FutureRecord::to(topic).key(&key).payload(payload))
            .map_err(|(e, _)| e)
            .unwrap();
        in_flight.push_back((sent, future));
        if in_flight.len() >= window {
            let (sent, f) = in_flight.pop_front().unwrap();
            f.await.unwrap().unwrap();
            latencies.push(sent.elapsed());
        }
    }
    for (sent, f) in in_flight {
        f.await.unwrap().unwrap();
        latencies.push(sent.elapsed());
    }
    figures(
        &format!("bare rdkafka producer (idempotent, acks=all, {window} in flight)"),
        latencies,
        started.elapsed(),
    )
}

async fn through_ingest(url: &str, events: Vec<Vec<u8>>, clients: usize) -> Figures {
    let http = reqwest::Client::new();
    let events = Arc::new(events);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, url, events) = (http.clone(), url.to_string(), events.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for i in (c..events.len()).step_by(clients) {
                let sent = Instant::now();
                let r = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(events[i].clone())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status().as_u16(), 202);
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    figures(
        &format!("POST /v1/articles → 202 ({clients} concurrent clients)"),
        latencies,
        started.elapsed(),
    )
}

/// Posts at `rate` for `seconds` and watches the feed; latency = first seen − sent.
async fn post_to_feed(
    ingest: &str,
    feed: &str,
    run: &str,
    rate: u64,
    seconds: u64,
) -> (Figures, usize) {
    let http = reqwest::Client::new();
    let total = (rate * seconds) as usize;
    let watcher = FeedWatcher::start(http.clone(), feed.to_string());
    let started = Instant::now();
    let sent = post_paced(&http, ingest, run, rate, total).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let seen = watcher.stop().await;
    let elapsed = started.elapsed();
    let latencies: Vec<Duration> = sent
        .iter()
        .filter_map(|(id, s)| seen.get(id).map(|t| t.saturating_duration_since(*s)))
        .collect();
    let missed = total - latencies.len();
    (
        figures(
            &format!("POST → visible in /feeds/all.rss at {rate} articles/s"),
            latencies,
            elapsed,
        ),
        missed,
    )
}

#[tokio::main]
async fn main() {
    let (args, Run { name: run, logs }, topics) = start_run("bench", 20_000, 0, PARTITIONS).await;
    let (brokers, bin_dir) = (&args.brokers, &args.bin_dir);
    let bare_topic = format!("{run}.bare");
    let kafka = KafkaSettings {
        brokers: brokers.clone(),
        ..Default::default()
    };
    ensure_topics(
        &kafka,
        &[TopicSpec {
            name: bare_topic.clone(),
            partitions: PARTITIONS,
            config: Vec::new(),
        }],
        1,
    )
    .await
    .unwrap();

    let mut env = service_env(brokers, &run, &topics);
    let ingest_port = listen_env(&mut env, "INGEST");
    let feeds_port = listen_env(&mut env, "FEEDS");
    env.push(("NEWSWIRE__KAFKA__INSTANCE_ID".into(), run.clone()));
    listen_env(&mut env, "ENRICHER");
    let mut ingest = Service::new(
        "ingest",
        bin_dir.join("newswire-ingest"),
        env.clone(),
        &logs,
    );
    ingest.start();
    let http = reqwest::Client::new();
    let ingest_url = format!("http://127.0.0.1:{ingest_port}");
    wait_ready(&http, &format!("{ingest_url}/readyz")).await;

    // 1. Publish path, side by side: ~3 KB articles, the same bytes both ways.
    let events: Vec<Vec<u8>> = (0..args.count)
        .map(|i| serde_json::to_vec(&article_json(&format!("{run}-p{i}"), 1, 3000)).unwrap())
        .collect();
    let bare = bare_producer(brokers, &bare_topic, &events, 64).await;
    let ingested = through_ingest(&format!("{ingest_url}/v1/articles"), events.clone(), 64).await;

    // 2. Freshness: enricher and feeds join; POST → feed at two rates.
    let mut enricher = Service::new(
        "enricher",
        bin_dir.join("newswire-enricher"),
        env.clone(),
        &logs,
    );
    let mut feeds = Service::new("feeds", bin_dir.join("newswire-feeds"), env.clone(), &logs);
    enricher.start();
    feeds.start();
    let feed_url = format!("http://127.0.0.1:{feeds_port}/feeds/all.rss");
    wait_ready(&http, &format!("http://127.0.0.1:{feeds_port}/readyz")).await;
    // Let the feeds replica read the publish-benchmark backlog first.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (slow, slow_missed) = post_to_feed(&ingest_url, &feed_url, &run, 100, 10).await;
    let (fast, fast_missed) = post_to_feed(&ingest_url, &feed_url, &run, 1000, 10).await;

    println!("| measurement | events | events/s | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|");
    for f in [&bare, &ingested, &slow, &fast] {
        println!(
            "| {} | {} | {:.0} | {} | {} |",
            f.what,
            f.count,
            f.per_sec,
            ms(f.p50),
            ms(f.p99)
        );
    }
    println!();
    println!("Ingest throughput is {:.0}% of the bare producer's. Feed watch missed {slow_missed} of 1,000 and {fast_missed} of 10,000 articles (scrolled out of the 50-item feed between two polls).", 100.0 * ingested.per_sec / bare.per_sec);
}
