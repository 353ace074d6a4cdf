//! What the service has already produced, per story, rebuilt from `social.posts`.
//!
//! The topic is the durable record: each post record is written in the same Kafka
//! transaction as the input offset, so after a crash or a rebalance the ledger read
//! back from it matches the offsets exactly.

use crate::plan::StoryState;
use crate::post::PostRecord;
use newswire_shared::config::KafkaSettings;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaResult;
use rdkafka::message::Message;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Debug, Default, Clone)]
pub struct Ledger {
    stories: HashMap<String, StoryState>,
}

impl Ledger {
    pub fn get(&self, article_id: &str) -> Option<&StoryState> {
        self.stories.get(article_id)
    }

    pub fn set(&mut self, article_id: String, state: StoryState) {
        self.stories.insert(article_id, state);
    }

    pub fn record(&mut self, r: &PostRecord) {
        self.stories
            .entry(r.article_id.clone())
            .or_default()
            .record(r);
    }

    pub fn len(&self) -> usize {
        self.stories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stories.is_empty()
    }

    /// Reads every committed record of `topic` up to its current end.
    pub fn load(kafka: &KafkaSettings, topic: &str, timeout: Duration) -> KafkaResult<Ledger> {
        let started = Instant::now();
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &kafka.brokers)
            .set("client.id", "newswire-social-ledger")
            .set("group.id", "newswire-social-ledger")
            .set("enable.auto.commit", "false")
            .set("isolation.level", "read_committed")
            .create()?;
        let metadata = consumer.fetch_metadata(Some(topic), Duration::from_secs(10))?;
        let partitions: Vec<i32> = metadata
            .topics()
            .iter()
            .flat_map(|t| t.partitions().iter().map(|p| p.id()))
            .collect();
        let mut remaining: HashMap<i32, i64> = HashMap::new();
        let mut assignment = TopicPartitionList::new();
        for &p in &partitions {
            let (low, high) = consumer.fetch_watermarks(topic, p, Duration::from_secs(10))?;
            if high > low {
                remaining.insert(p, high);
                assignment.add_partition_offset(topic, p, Offset::Beginning)?;
            }
        }
        let mut ledger = Ledger::default();
        if remaining.is_empty() {
            return Ok(ledger);
        }
        consumer.assign(&assignment)?;
        let mut records = 0u64;
        while !remaining.is_empty() && started.elapsed() < timeout {
            match consumer.poll(Duration::from_millis(100)) {
                Some(Ok(m)) => {
                    if let Some(r) = m
                        .payload()
                        .and_then(|p| serde_json::from_slice::<PostRecord>(p).ok())
                    {
                        ledger.record(&r);
                        records += 1;
                    }
                    if remaining
                        .get(&m.partition())
                        .is_some_and(|&end| m.offset() + 1 >= end)
                    {
                        remaining.remove(&m.partition());
                    }
                }
                Some(Err(e)) => tracing::warn!(error = %e, "reading social.posts back"),
                None => {
                    // Transaction markers and aborted records are never delivered, so a
                    // partition can be finished without its last offset being seen.
                    if let Ok(positions) = consumer.position() {
                        for e in positions.elements() {
                            if let (Offset::Offset(at), Some(&end)) =
                                (e.offset(), remaining.get(&e.partition()))
                            {
                                if at >= end {
                                    remaining.remove(&e.partition());
                                }
                            }
                        }
                    }
                }
            }
        }
        if !remaining.is_empty() {
            tracing::warn!(partitions = ?remaining.keys().collect::<Vec<_>>(), "social.posts not read to its end in time; going on with what was read");
        }
        tracing::info!(
            records,
            stories = ledger.len(),
            ms = started.elapsed().as_millis() as u64,
            "ledger loaded from social.posts"
        );
        Ok(ledger)
    }
}
