//! Consumer groups at rest, on Apache Kafka: once the pipeline has handled every story
//! and nothing new comes, each stage's group has committed up to its input topic's high
//! watermark — lag 0, as an operator reads it from the group (the wire monitor's
//! operations view, `kafka-consumer-groups.sh`). Every topic a transactional stage
//! writes ends each transaction with a marker at an offset of its own, which no event
//! stands for; a group that commits only "after the last event" stays one short of the
//! watermark on each such partition, and an idle stage looks behind, then stalled.

use newswire_shared::Settings;
use newswire_tests::common::{article, watched_with, Broker, RunningPipeline, EVENTUALLY};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use std::time::{Duration, Instant};

/// Per partition of `topic`: (the group's committed offset, the high watermark).
fn standing(brokers: &str, group: &str, topic: &str) -> Vec<(Option<i64>, i64)> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let partitions = newswire_tests::common::PARTITIONS;
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition(topic, p);
    }
    // While a transaction's offsets are pending the broker may refuse to tell: not yet.
    let Ok(committed) = consumer.committed_offsets(tpl, Duration::from_secs(5)) else {
        return Vec::new();
    };
    (0..partitions)
        .map(|p| {
            let Ok((_, high)) = consumer.fetch_watermarks(topic, p, Duration::from_secs(5)) else {
                return (None, -1);
            };
            let at = match committed.find_partition(topic, p).map(|e| e.offset()) {
                Some(Offset::Offset(o)) => Some(o),
                _ => None,
            };
            (at, high)
        })
        .collect()
}

/// (stage, group, the topic it reads) of every consumer that commits in a transaction.
fn groups(s: &Settings) -> [(&'static str, &str, &str); 4] {
    let (published, enriched) = (s.topics.published.as_str(), s.topics.enriched.as_str());
    [
        ("enricher", &s.enricher.group_id, published),
        ("newsml", &s.newsml.group_id, enriched),
        ("social", &s.social.group_id, enriched),
        ("delivery", &s.delivery.group_id, enriched),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_idle_pipelines_groups_stand_at_the_high_watermark() {
    let broker = Broker::start();
    if !broker.real_or_skip("an_idle_pipelines_groups_stand_at_the_high_watermark") {
        return;
    }
    let mut settings = broker.settings("groups-at-rest").await;
    let inbox = watched_with(
        &mut settings,
        "operator-key-for-groups-at-rest",
        "desk",
        &["section/politics"],
    );
    let p = RunningPipeline::start(&settings).await;
    // Stories on every partition, in several transactions (a kill among them).
    for i in 0..12u64 {
        let mut a = article(&format!("rest-{i}"), 1, &format!("Story {i} at rest"));
        a.section = Some("politics".into());
        p.publish(&a).await;
        if i % 4 == 3 {
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
    let mut killed = article("rest-0", 2, "Story 0 at rest");
    killed.section = Some("politics".into());
    killed.status = newswire_shared::article::Status::Canceled;
    p.publish(&killed).await;

    let brokers = broker.bootstrap();
    // Each group catches up (the delivery's once the drop folder has every version),
    // then must stand at the watermark: with nothing left to read it never would if it
    // stayed short.
    let deadline = Instant::now() + EVENTUALLY;
    loop {
        let all: Vec<_> = groups(&settings)
            .into_iter()
            .map(|(stage, group, topic)| (stage, standing(&brokers, group, topic)))
            .collect();
        let behind: Vec<_> = all
            .iter()
            .filter(|(_, parts)| {
                parts.is_empty()
                    || parts
                        .iter()
                        .any(|(at, high)| *at != Some(*high) && *high > 0)
            })
            .collect();
        if behind.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "groups short of the high watermark with nothing left to read \
             (stage, [(committed, high watermark)] per partition): {behind:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Standing at the watermark is no claim unless what stood for it was handled: the
    // drop folder has every version, the kill included.
    let mut versions: Vec<String> = (0..12).map(|i| format!("rest-{i}_v1.json")).collect();
    versions.push("rest-0_v2.json".into());
    for v in &versions {
        assert!(inbox.0.join(v).exists(), "{v} not delivered");
    }
    p.stop().await;
}
