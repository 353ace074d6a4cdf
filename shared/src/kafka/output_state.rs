//! State a stage keeps in its own output topic: per story, what the stage has already
//! produced (the highest version rendered, the posts made), needed to decide what the next
//! version means.
//!
//! The output topic is the durable record: each output record is committed in the same
//! Kafka transaction as the input offset that caused it, so the records and the offsets
//! never disagree. The state in memory must follow the same transaction, which is what
//! [`OutputState`] enforces instead of a convention in each stage:
//!
//! - a batch's changes are held aside ([`OutputState::set`]) and seen only by that batch
//!   ([`OutputState::get`] looks at them first);
//! - [`OutputState::committed`] merges them once the transaction commits;
//! - [`OutputState::aborted`] drops them (the batch is redone from its first offset);
//! - [`OutputState::reassigned`] reads the state back from the topic (to its end,
//!   `read_committed`), at start and after every rebalance, when another instance may
//!   have handled the partitions meanwhile.
//!
//! A stage's [`Transform`](super::Transform) forwards its `committed`, `aborted` and
//! `reassigned` calls here.

use crate::config::KafkaSettings;
use crate::kafka::replay_topic;
use rdkafka::message::BorrowedMessage;
use std::collections::HashMap;
use std::time::Duration;

/// How one output record changes the state of the stories it is about.
pub type Fold<S> = fn(&mut HashMap<String, S>, &BorrowedMessage<'_>);

/// Per-story state of type `S`, keyed by article id, kept in a stage's output topic.
pub struct OutputState<S> {
    committed: HashMap<String, S>,
    pending: HashMap<String, S>,
    source: Option<Source<S>>,
}

/// Where the state is read back from.
struct Source<S> {
    kafka: KafkaSettings,
    topic: String,
    client_id: String,
    timeout: Duration,
    fold: Fold<S>,
}

impl<S> OutputState<S> {
    /// State read back from `topic` by `fold`, record by record, on every
    /// [`reassigned`](Self::reassigned); `client_id` names the reading client in the
    /// broker's logs; `timeout` bounds one read (a partition held by an open transaction
    /// cannot be read past).
    pub fn kept_in(
        kafka: &KafkaSettings,
        topic: &str,
        client_id: &str,
        timeout: Duration,
        fold: Fold<S>,
    ) -> Self {
        Self {
            committed: HashMap::new(),
            pending: HashMap::new(),
            source: Some(Source {
                kafka: kafka.clone(),
                topic: topic.into(),
                client_id: client_id.into(),
                timeout,
                fold,
            }),
        }
    }

    /// State that starts from `stories` and is never read back (tests, benchmarks).
    pub fn in_memory(stories: HashMap<String, S>) -> Self {
        Self {
            committed: stories,
            pending: HashMap::new(),
            source: None,
        }
    }

    /// The story's state as the batch in progress sees it: its own change, else the
    /// committed state.
    pub fn get(&self, article_id: &str) -> Option<&S> {
        self.pending
            .get(article_id)
            .or_else(|| self.committed.get(article_id))
    }

    /// Changes the story's state for the batch in progress; it becomes the committed state
    /// only with [`committed`](Self::committed).
    pub fn set(&mut self, article_id: String, state: S) {
        self.pending.insert(article_id, state);
    }

    /// The batch's transaction committed: its changes are now the state.
    pub fn committed(&mut self) {
        self.committed.extend(self.pending.drain());
    }

    /// The batch's transaction aborted (or the batch is redone without an event set
    /// aside): its changes never happened.
    pub fn aborted(&mut self) {
        self.pending.clear();
    }

    /// Reads the state back from the output topic, replacing what is in memory. When the
    /// topic cannot be read, the state in memory is kept and the error logged: it is what
    /// this instance committed, and the worst a stale entry does is repeat a version
    /// (which every consumer ignores, being idempotent on id and version).
    pub fn reassigned(&mut self) {
        self.pending.clear();
        let Some(source) = &self.source else { return };
        let mut stories = HashMap::new();
        let fold = source.fold;
        match replay_topic(
            &source.kafka,
            &source.topic,
            &source.client_id,
            source.timeout,
            |m| fold(&mut stories, m),
        ) {
            Ok(records) => {
                tracing::info!(
                    topic = %source.topic,
                    records,
                    stories = stories.len(),
                    "state read back from the output topic"
                );
                self.committed = stories;
            }
            Err(e) => tracing::error!(
                topic = %source.topic,
                error = %e,
                "could not read the output topic back; keeping the state in memory"
            ),
        }
    }

    /// How many stories have committed state.
    pub fn len(&self) -> usize {
        self.committed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.committed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_sees_its_own_changes_and_only_a_commit_keeps_them() {
        let mut s = OutputState::in_memory(HashMap::from([("a".to_string(), 1u64)]));
        s.set("a".into(), 2);
        s.set("b".into(), 1);
        assert_eq!(s.get("a"), Some(&2), "the batch sees its own change");
        s.aborted();
        assert_eq!(s.get("a"), Some(&1), "an aborted batch changed nothing");
        assert_eq!(s.get("b"), None);

        s.set("a".into(), 3);
        s.committed();
        s.aborted();
        assert_eq!(
            s.get("a"),
            Some(&3),
            "a committed change survives a later abort"
        );
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn a_reassignment_drops_the_uncommitted_batch() {
        let mut s = OutputState::in_memory(HashMap::new());
        s.set("a".into(), 1u64);
        s.reassigned();
        assert_eq!(s.get("a"), None);
    }
}
