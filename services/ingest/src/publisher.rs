//! Publishing validated articles to `articles.published`, acknowledged by the broker.

use newswire_shared::cloudevents::{types, CloudEvent};
use newswire_shared::config::Settings;
use newswire_shared::kafka::producer_config;
use newswire_shared::telemetry::{Counter, Metrics};
use newswire_shared::Article;
use rdkafka::error::KafkaError;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

/// What the newsroom gets back once the broker has the event.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Receipt {
    /// The CloudEvents id, `{id}:{version}`.
    pub event_id: String,
    pub partition: i32,
    pub offset: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("Kafka did not acknowledge the event: {0}")]
    NotAcknowledged(#[from] KafkaError),
}

pub struct Publisher {
    producer: FutureProducer,
    topic: String,
    source: String,
    timeout: Duration,
    published: Arc<Counter>,
    failed: Arc<Counter>,
}

impl Publisher {
    pub fn new(settings: &Settings, metrics: &Metrics) -> Result<Self, KafkaError> {
        let producer = producer_config(&settings.kafka, "newswire-ingest").create()?;
        Ok(Self {
            producer,
            topic: settings.topics.published.clone(),
            source: settings.ingest.source.clone(),
            timeout: Duration::from_millis(settings.kafka.publish_timeout_ms),
            published: metrics.counter("newswire_ingest_published_total", "Articles acknowledged by Kafka.", &[]),
            failed: metrics.counter("newswire_ingest_publish_failed_total", "Articles Kafka did not acknowledge.", &[]),
        })
    }

    /// Produces the article keyed by its id and resolves once the broker has
    /// acknowledged it (acks=all), so a `Receipt` means the event is durable.
    pub async fn publish(&self, article: &Article) -> Result<Receipt, PublishError> {
        let event = CloudEvent::for_article(article, &self.source, types::PUBLISHED);
        let payload = serde_json::to_vec(article).expect("an Article always serialises");
        let record = FutureRecord::to(&self.topic)
            .key(article.id.as_bytes())
            .payload(&payload)
            .headers(event.to_headers());
        match self.producer.send(record, self.timeout).await {
            Ok(delivery) => {
                self.published.inc();
                Ok(Receipt {
                    event_id: event.id,
                    partition: delivery.partition,
                    offset: delivery.offset,
                })
            }
            Err((e, _)) => {
                self.failed.inc();
                Err(PublishError::NotAcknowledged(e))
            }
        }
    }

    /// Whether the broker answers, for /readyz.
    pub fn is_connected(&self) -> bool {
        self.producer
            .client()
            .fetch_metadata(Some(&self.topic), Duration::from_secs(2))
            .is_ok_and(|m| m.topics().iter().any(|t| t.error().is_none() && !t.partitions().is_empty()))
    }

    /// Waits for everything in flight, on shutdown.
    pub fn flush(&self) {
        let _ = self.producer.flush(self.timeout);
    }
}
