//! Publishing validated articles to `articles.published`, acknowledged by the broker.

use newswire_shared::cloudevents::{types, CloudEvent};
use newswire_shared::config::Settings;
use newswire_shared::kafka::producer_config;
use newswire_shared::telemetry::{Counter, Metrics};
use newswire_shared::Article;
use rdkafka::error::KafkaError;
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer};
use rdkafka::types::RDKafkaErrorCode;
use serde::Serialize;
use std::collections::VecDeque;
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
            published: metrics.counter(
                "newswire_ingest_published_total",
                "Articles acknowledged by Kafka.",
                &[],
            ),
            failed: metrics.counter(
                "newswire_ingest_publish_failed_total",
                "Articles Kafka did not acknowledge.",
                &[],
            ),
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

    /// Publishes many articles keeping their order (per key, as Kafka keeps it),
    /// with up to `window` unacknowledged at once. `on_done` sees each outcome in order.
    pub async fn publish_in_order(
        &self,
        articles: impl IntoIterator<Item = Article>,
        window: usize,
        mut on_done: impl FnMut(&Article, Result<Receipt, PublishError>),
    ) {
        let mut in_flight: VecDeque<(Article, String, DeliveryFuture)> = VecDeque::new();
        for article in articles {
            let event = CloudEvent::for_article(&article, &self.source, types::PUBLISHED);
            let payload = serde_json::to_vec(&article).expect("an Article always serialises");
            loop {
                let record = FutureRecord::to(&self.topic)
                    .key(article.id.as_bytes())
                    .payload(&payload)
                    .headers(event.to_headers());
                match self.producer.send_result(record) {
                    Ok(future) => {
                        in_flight.push_back((article, event.id, future));
                        break;
                    }
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _))
                        if !in_flight.is_empty() =>
                    {
                        let (a, id, f) = in_flight.pop_front().expect("not empty");
                        on_done(&a, self.outcome(id, f.await));
                    }
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    Err((e, _)) => {
                        self.failed.inc();
                        on_done(&article, Err(PublishError::NotAcknowledged(e)));
                        break;
                    }
                }
            }
            while in_flight.len() >= window.max(1) {
                let (a, id, f) = in_flight.pop_front().expect("not empty");
                on_done(&a, self.outcome(id, f.await));
            }
        }
        while let Some((a, id, f)) = in_flight.pop_front() {
            on_done(&a, self.outcome(id, f.await));
        }
    }

    fn outcome<Canceled>(
        &self,
        event_id: String,
        delivery: Result<rdkafka::producer::future_producer::OwnedDeliveryResult, Canceled>,
    ) -> Result<Receipt, PublishError> {
        match delivery {
            Ok(Ok(d)) => {
                self.published.inc();
                Ok(Receipt {
                    event_id,
                    partition: d.partition,
                    offset: d.offset,
                })
            }
            Ok(Err((e, _))) => {
                self.failed.inc();
                Err(PublishError::NotAcknowledged(e))
            }
            Err(_) => {
                self.failed.inc();
                Err(PublishError::NotAcknowledged(KafkaError::Canceled))
            }
        }
    }

    /// Whether the broker answers, for /readyz.
    pub fn is_connected(&self) -> bool {
        self.producer
            .client()
            .fetch_metadata(Some(&self.topic), Duration::from_secs(2))
            .is_ok_and(|m| {
                m.topics()
                    .iter()
                    .any(|t| t.error().is_none() && !t.partitions().is_empty())
            })
    }

    /// Waits for everything in flight, on shutdown.
    pub fn flush(&self) {
        let _ = self.producer.flush(self.timeout);
    }
}
