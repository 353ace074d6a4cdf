//! 10,000 events through the ingest API land on `articles.published` exactly once
//! each, in order per key.

use newswire_tests::common::{article, read_topic, Broker, RunningPipeline};
use rdkafka::Message;
use std::collections::HashMap;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_posts_land_exactly_once_in_order_per_key() {
    let broker = Broker::start();
    let settings = broker.settings("volume").await;
    let p = RunningPipeline::start(&settings).await;
    let (stories, versions, clients) = (2_000u64, 5u64, 50u64);
    let client = reqwest::Client::new();
    let url = format!("{}/v1/articles", p.base);

    // Each newsroom client owns some stories and posts their versions one after
    // another, as an editor does: the next version only after the 202.
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, url) = (client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            for v in 1..=versions {
                for s in (c..stories).step_by(clients as usize) {
                    let a = article(&format!("vol-{s}"), v, &format!("Story {s} version {v}"));
                    let r = client.post(&url).json(&a).send().await.unwrap();
                    assert_eq!(r.status().as_u16(), 202, "{}", r.text().await.unwrap());
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }

    let total = (stories * versions) as usize;
    let records = read_topic(
        &broker.bootstrap(),
        &settings.topics.published,
        total + 1,
        Duration::from_secs(30),
    );
    assert_eq!(
        records.len(),
        total,
        "exactly {total} records, no more, no fewer"
    );
    let mut by_key: HashMap<String, Vec<u64>> = HashMap::new();
    for m in &records {
        let a: newswire_shared::Article = serde_json::from_slice(m.payload().unwrap()).unwrap();
        assert_eq!(m.key(), Some(a.id.as_bytes()));
        by_key.entry(a.id).or_default().push(a.version);
    }
    assert_eq!(by_key.len(), stories as usize);
    let expected: Vec<u64> = (1..=versions).collect();
    let wrong: Vec<_> = by_key
        .iter()
        .filter(|(_, v)| **v != expected)
        .take(5)
        .collect();
    assert!(wrong.is_empty(), "out of order or duplicated: {wrong:?}");
    p.stop().await;
}
