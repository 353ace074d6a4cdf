//! Freshness of the feeds service on a real broker: from an event being acknowledged on
//! `articles.enriched` to the updated feed being served over HTTP, p50/p99.
//!
//! `feeds-freshness --brokers 127.0.0.1:9092 [--bin-dir target/release] [--count 1000] [--rate 50]
//!  [--body-bytes 20000] [--feeds 300]`
//!
//! `--body-bytes` makes long stories (a 50-item feed of 20 KB stories is about a
//! megabyte); `--feeds` holds that many more feeds rendered (sections, languages and
//! entities in three formats, each requested once first), as a busy service would.

use newswire_bench::copy::{LANGUAGES, SECTIONS, WORDS};
use newswire_bench::{
    latencies, latency_summary, listen_env, producer, service_env, start_run, wait_ready,
    FeedWatcher, Pace, Run, Service,
};
use rdkafka::producer::FutureRecord;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let (args, Run { name: run, logs }, topics) = start_run("fresh", 1000, 50, 6).await;
    let (brokers, count, rate) = (&args.brokers, args.count, args.rate);
    let (body_bytes, warm_feeds) = (args.body_bytes, args.feeds);
    let mut env = service_env(brokers, &run, &topics);
    let port = listen_env(&mut env, "FEEDS");
    let mut feeds = Service::new("feeds", args.bin_dir.join("newswire-feeds"), env, &logs);
    feeds.start();
    let http = reqwest::Client::new();
    wait_ready(&http, &format!("http://127.0.0.1:{port}/readyz")).await;

    let feed_names = feed_names(warm_feeds);
    for name in &feed_names {
        let r = http
            .get(format!("http://127.0.0.1:{port}/feeds/{name}"))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{name}: {}", r.status());
    }

    let acked: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let watcher = FeedWatcher::start(
        http.clone(),
        format!("http://127.0.0.1:{port}/feeds/all.rss"),
    );
    // With many feeds held, one of the narrower ones too: rendered after `all`.
    let narrow = (warm_feeds > 0).then(|| {
        FeedWatcher::start(
            http.clone(),
            format!("http://127.0.0.1:{port}/feeds/section/{}.rss", SECTIONS[0]),
        )
    });
    let producer = producer(brokers, "freshness");
    let pace = Pace::new(rate);
    for i in 0..count {
        pace.wait(i).await;
        let id = format!("{run}-{i}");
        let now = chrono::Utc::now().to_rfc3339();
        let event = serde_json::json!({
            "id": id, "version": 1, "status": "usable", "headline": format!("Fresh story {i}"),
            "body": body(i, body_bytes), "first_created": now, "version_created": now,
            "section": SECTIONS[i % SECTIONS.len()],
            "enrichment": {"language": LANGUAGES[i % LANGUAGES.len()], "language_confidence": 1.0,
                "entities": (0..5).map(|k| serde_json::json!({
                    "name": format!("Entity {}", (i * 7 + k * 13) % ENTITIES), "type": "organization",
                    "id": format!("wikidata:Q{}", 100 + (i * 7 + k * 13) % ENTITIES),
                    "mentions": [], "count": 1, "salience": 0.5})).collect::<Vec<_>>()}
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
    let acked = acked.lock().unwrap().clone();
    let report = |feed: &str, seen: HashMap<String, Instant>, expected: usize| {
        let latencies = latencies(&acked, &seen);
        println!(
            "feeds freshness ({} feeds held, stories of {body_bytes} bytes) on {feed}: {} of {expected} events at {rate}/s seen; ack on articles.enriched → served: {}",
            feed_names.len() + 1,
            latencies.len(),
            latency_summary(&latencies),
        );
    };
    report("all.rss", watcher.stop().await, count);
    if let Some(narrow) = narrow {
        let in_section = count.div_ceil(SECTIONS.len());
        report(
            &format!("section/{}.rss", SECTIONS[0]),
            narrow.stop().await,
            in_section,
        );
    }
}

const ENTITIES: usize = 80;

/// The first `n` of: every section, language and entity feed, in each format.
fn feed_names(n: usize) -> Vec<String> {
    let mut names: Vec<String> = SECTIONS
        .iter()
        .map(|s| format!("section/{s}"))
        .chain(LANGUAGES.iter().map(|l| format!("lang/{l}")))
        .chain((0..ENTITIES).map(|e| format!("entity/wikidata:Q{}", 100 + e)))
        .flat_map(|name| ["rss", "atom", "json"].map(|ext| format!("{name}.{ext}")))
        .collect();
    names.truncate(n);
    names
}

/// Paragraphs of varied words, about `bytes` long (at least one short paragraph).
fn body(i: usize, bytes: usize) -> String {
    let mut out = String::from("<p>Fresh.</p>");
    let mut k = i;
    while out.len() < bytes {
        out.push_str("<p>The");
        for _ in 0..40 {
            k = k.wrapping_mul(2862933555777941757).wrapping_add(3037000493);
            out.push(' ');
            out.push_str(WORDS[(k >> 33) % WORDS.len()]);
        }
        out.push_str(&format!(" {}.</p>", k % 10_000));
    }
    out
}
