//! What the service has already produced, per story, kept in `social.posts`.
//!
//! The topic is the durable record: each post record is written in the same Kafka
//! transaction as the input offset, so after a crash or a rebalance the ledger read
//! back from it matches the offsets exactly ([`OutputState`] holds a batch's changes
//! until its transaction commits).

use crate::plan::StoryState;
use crate::post::PostRecord;
use newswire_shared::config::KafkaSettings;
use newswire_shared::kafka::OutputState;
use rdkafka::message::{BorrowedMessage, Message};
use std::collections::HashMap;
use std::time::Duration;

/// How long a (re)start may spend reading `social.posts` back.
const LOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// Each story's state (the posts made for it), kept in `social.posts`.
pub type Ledger = OutputState<StoryState>;

/// The ledger read back from `topic` at start and after every rebalance.
pub fn kept_in(kafka: &KafkaSettings, topic: &str) -> Ledger {
    OutputState::kept_in(kafka, topic, "newswire-social-ledger", LOAD_TIMEOUT, fold)
}

/// A `social.posts` record adds its post to its story's state; a record that is not a
/// post record (written by someone else) changes nothing.
fn fold(stories: &mut HashMap<String, StoryState>, m: &BorrowedMessage<'_>) {
    if let Some(r) = m
        .payload()
        .and_then(|p| serde_json::from_slice::<PostRecord>(p).ok())
    {
        stories.entry(r.article_id.clone()).or_default().record(&r);
    }
}
