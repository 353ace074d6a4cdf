//! The broker tests run on, and settings whose topics, groups and transactional ids are
//! a test's own.

use crate::config::Topics;
use crate::kafka::{ensure_topics, EmbeddedBroker, TopicSpec};
use crate::Settings;
use std::sync::atomic::{AtomicU32, Ordering};

/// Partitions of every topic a test creates.
pub const PARTITIONS: i32 = 3;

/// Picks one topic's name out of the settings' topics.
pub type TopicOf = fn(&Topics) -> &String;

/// The broker tests run on: the one `NEWSWIRE_TEST_BROKERS` names, else librdkafka's
/// embedded mock cluster.
pub enum Broker {
    Embedded(EmbeddedBroker),
    External(String),
}

impl Broker {
    pub fn start() -> Self {
        match std::env::var("NEWSWIRE_TEST_BROKERS") {
            Ok(b) if !b.trim().is_empty() => Broker::External(b),
            _ => Broker::Embedded(EmbeddedBroker::start(1).expect("embedded broker")),
        }
    }

    pub fn bootstrap(&self) -> String {
        match self {
            Broker::Embedded(b) => b.bootstrap_servers().to_string(),
            Broker::External(b) => b.clone(),
        }
    }

    pub fn embedded(&self) -> Option<&EmbeddedBroker> {
        match self {
            Broker::Embedded(b) => Some(b),
            Broker::External(_) => None,
        }
    }

    pub fn is_real(&self) -> bool {
        matches!(self, Broker::External(_))
    }

    /// On the embedded broker (librdkafka's mock cluster, which neither stores
    /// transactional offsets nor enforces read_committed) a claim about restarts
    /// cannot hold: the test says it was skipped.
    pub fn real_or_skip(&self, test: &str) -> bool {
        if !self.is_real() {
            eprintln!("skipped: {test} needs Apache Kafka (set NEWSWIRE_TEST_BROKERS): the embedded broker does not store transactional offsets");
        }
        self.is_real()
    }

    /// Settings with topics, group and transactional ids of their own, so tests run in
    /// parallel on one broker without meeting.
    pub async fn settings(&self, test: &str) -> Settings {
        self.settings_with_limits(test, &[]).await
    }

    /// As [`Broker::settings`], with `max.message.bytes` set on some topics (chosen by
    /// a function of the topic names). The embedded broker has no topic configuration:
    /// there the smallest limit becomes every producer's `kafka.message_max_bytes`,
    /// which the stages check in the same way.
    pub async fn settings_with_limits(&self, test: &str, limits: &[(TopicOf, usize)]) -> Settings {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let unique = format!(
            "{test}-{}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_micros()
        );
        let mut s = Settings::default();
        s.kafka.brokers = self.bootstrap();
        s.kafka.instance_id = Some(unique.clone());
        // Every test of a binary runs at once: a loaded broker may take its time.
        s.kafka.publish_timeout_ms = 60_000;
        s.topics.published = format!("{unique}.articles.published");
        s.topics.enriched = format!("{unique}.articles.enriched");
        s.topics.newsml = format!("{unique}.newsml.items");
        s.topics.social = format!("{unique}.social.posts");
        s.topics.deadletter = format!("{unique}.deadletter");
        s.enricher.group_id = format!("{unique}.enricher");
        s.social.group_id = format!("{unique}.social");
        s.newsml.group_id = format!("{unique}.newsml");
        s.topics.ledger = format!("{unique}.delivery.ledger");
        s.delivery.group_id = format!("{unique}.delivery");
        let mut topics = TopicSpec::all(&s.topics, PARTITIONS);
        for (which, bytes) in limits {
            let name = which(&s.topics).clone();
            for t in topics.iter_mut().filter(|t| t.name == name) {
                t.config
                    .push(("max.message.bytes".into(), bytes.to_string()));
            }
        }
        if let (Broker::Embedded(_), Some(smallest)) = (self, limits.iter().map(|(_, b)| *b).min())
        {
            s.kafka.message_max_bytes = smallest;
        }
        match self {
            Broker::Embedded(b) => b.create_topics(&topics).expect("create topics"),
            Broker::External(_) => ensure_topics(&s.kafka, &topics, 1)
                .await
                .expect("create topics"),
        }
        s
    }
}
