//! What the service has already produced, per story, rebuilt from `social.posts`.
//!
//! The topic is the durable record: each post record is written in the same Kafka
//! transaction as the input offset, so after a crash or a rebalance the ledger read
//! back from it matches the offsets exactly.

use crate::plan::StoryState;
use crate::post::PostRecord;
use newswire_shared::config::KafkaSettings;
use newswire_shared::kafka::replay_topic;
use rdkafka::error::KafkaResult;
use rdkafka::message::Message;
use std::collections::HashMap;
use std::time::Duration;

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
        let mut ledger = Ledger::default();
        replay_topic(kafka, topic, "newswire-social-ledger", timeout, |m| {
            if let Some(r) = m
                .payload()
                .and_then(|p| serde_json::from_slice::<PostRecord>(p).ok())
            {
                ledger.record(&r);
            }
        })?;
        tracing::info!(stories = ledger.len(), "ledger loaded from social.posts");
        Ok(ledger)
    }
}
