//! Creating the pipeline's topics (partitions, replication, per-topic configuration) on
//! start, through the admin API; an existing topic is left as it is.

use crate::config::{KafkaSettings, Topics};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::ClientConfig;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: i32,
    /// Topic configuration set at creation (`max.message.bytes`…); a real broker only —
    /// the embedded one has no topic configuration.
    pub config: Vec<(String, String)>,
}

impl TopicSpec {
    /// Every topic of the pipeline with the same partition count (the delivery ledger
    /// must have as many partitions as `articles.enriched`: it is partitioned alike),
    /// the ledger compacted.
    pub fn all(topics: &Topics, partitions: i32) -> Vec<TopicSpec> {
        let mut all: Vec<TopicSpec> = [
            &topics.published,
            &topics.enriched,
            &topics.newsml,
            &topics.social,
            &topics.deadletter,
        ]
        .into_iter()
        .map(|name| TopicSpec {
            name: name.clone(),
            partitions,
            config: Vec::new(),
        })
        .collect();
        all.push(TopicSpec {
            name: topics.ledger.clone(),
            partitions,
            config: vec![("cleanup.policy".into(), "compact".into())],
        });
        all
    }
}

/// Creates the topics on a real broker; ones that already exist are left as they are.
pub async fn ensure_topics(
    kafka: &KafkaSettings,
    topics: &[TopicSpec],
    replication: i32,
) -> KafkaResult<()> {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", &kafka.brokers)
        .create()?;
    let new: Vec<NewTopic> = topics
        .iter()
        .map(|t| {
            t.config.iter().fold(
                NewTopic::new(&t.name, t.partitions, TopicReplication::Fixed(replication)),
                |topic, (key, value)| topic.set(key, value),
            )
        })
        .collect();
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    for result in admin.create_topics(&new, &options).await? {
        match result {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((name, code)) => {
                tracing::error!(topic = %name, error = %code, "could not create topic");
                return Err(KafkaError::AdminOp(code));
            }
        }
    }
    Ok(())
}
