//! Publishing validated articles to `articles.published`, acknowledged by the broker.

use newswire_shared::cloudevents::{types, CloudEvent};
use newswire_shared::config::{KafkaSettings, Settings};
use newswire_shared::kafka::failure::{classify, FailureClass};
use newswire_shared::kafka::limits::{record_size, RecordLimits};
use newswire_shared::kafka::producer_config;
use newswire_shared::telemetry::events::{ArticlePublishFailed, ArticlePublished};
use newswire_shared::telemetry::Metrics;
use newswire_shared::trace::{story_span, TraceParent};
use newswire_shared::Article;
use rdkafka::error::KafkaError;
use rdkafka::message::OwnedHeaders;
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer};
use rdkafka::types::RDKafkaErrorCode;
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// What the newsroom gets back once the broker has the event.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Receipt {
    /// The CloudEvents id, `{id}:{version}`.
    pub event_id: String,
    pub partition: i32,
    pub offset: i64,
    /// The story's W3C trace id (32 hex digits): what to look for in every service's
    /// logs and on the wire monitor.
    pub trace_id: String,
}

/// Why Kafka does not have the article. Only `Unavailable` is worth retrying as is.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The event is larger than `topic` takes (the smaller of its `max.message.bytes`
    /// and our producer's `message.max.bytes`): permanent for this article.
    #[error("the article's record is {size} bytes; {topic} takes at most {limit}")]
    TooLarge {
        size: usize,
        limit: usize,
        topic: String,
    },
    /// The broker refused the record itself: permanent for this article.
    #[error("Kafka refused the article: {0}")]
    Rejected(KafkaError),
    /// The broker is unavailable or slow: transient, retry later.
    #[error("Kafka did not acknowledge the article: {0}")]
    Unavailable(KafkaError),
}

impl PublishError {
    fn from_kafka(e: KafkaError, size: usize, limit: usize, topic: &str) -> Self {
        match classify(&e) {
            FailureClass::TooLarge => Self::TooLarge {
                size,
                // The broker said no to a record we measured as fitting: its limit is
                // lower than we knew; say at least that this one did not fit.
                limit: limit.min(size.saturating_sub(1)),
                topic: topic.to_string(),
            },
            FailureClass::RejectedByBroker => Self::Rejected(e),
            _ => Self::Unavailable(e),
        }
    }

    /// `transient`, `too_large` or `rejected_by_broker`, as the metrics count them.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "too_large",
            Self::Rejected(_) => "rejected_by_broker",
            Self::Unavailable(_) => "transient",
        }
    }
}

/// A record in flight, awaiting its acknowledgement.
struct Sent {
    event_id: String,
    size: usize,
    trace: TraceParent,
}

pub struct Publisher {
    producer: FutureProducer,
    kafka: KafkaSettings,
    topic: String,
    source: String,
    timeout: Duration,
    /// The largest record `topic` takes, refreshed by [`Publisher::refresh_limit`].
    limit: AtomicUsize,
    metrics: Metrics,
}

impl Publisher {
    pub fn new(settings: &Settings, metrics: &Metrics) -> Result<Self, KafkaError> {
        let producer = producer_config(&settings.kafka, "newswire-ingest").create()?;
        Ok(Self {
            producer,
            kafka: settings.kafka.clone(),
            topic: settings.topics.published.clone(),
            source: settings.ingest.source.clone(),
            timeout: Duration::from_millis(settings.kafka.publish_timeout_ms),
            limit: AtomicUsize::new(
                RecordLimits::producer_only(&settings.kafka).limit(&settings.topics.published),
            ),
            metrics: metrics.clone(),
        })
    }

    /// Reads the topic's `max.message.bytes` again (at start, and now and then: an
    /// operator may change it).
    pub async fn refresh_limit(&self) {
        let limits = RecordLimits::read(&self.kafka, &[&self.topic]).await;
        self.limit
            .store(limits.limit(&self.topic), Ordering::Relaxed);
    }

    /// The largest record the topic takes, as far as we know.
    pub fn limit(&self) -> usize {
        self.limit.load(Ordering::Relaxed)
    }

    /// The event's record, checked against the topic's limit before it is produced.
    fn encode(
        &self,
        article: &Article,
        trace: &TraceParent,
        state: Option<&str>,
    ) -> Result<(CloudEvent, Vec<u8>, OwnedHeaders), PublishError> {
        let event = CloudEvent::for_article(article, &self.source, types::PUBLISHED);
        let payload = serde_json::to_vec(article).expect("an Article always serialises");
        let headers = trace.add_to(event.to_headers(), state);
        let size = record_size(Some(article.id.as_bytes()), Some(&payload), &headers);
        let limit = self.limit();
        if size > limit {
            return Err(PublishError::TooLarge {
                size,
                limit,
                topic: self.topic.clone(),
            });
        }
        Ok((event, payload, headers))
    }

    /// Produces the article keyed by its id and resolves once the broker has
    /// acknowledged it (acks=all), so a `Receipt` means the event is durable.
    pub async fn publish(&self, article: &Article) -> Result<Receipt, PublishError> {
        self.publish_traced(article, &TraceParent::new_root(), None)
            .await
    }

    /// As [`Publisher::publish`], in the span `trace` of the story's trace (ingest's
    /// own span: a child of the newsroom's `traceparent`, or a new trace), with the
    /// newsroom's `tracestate` passed on.
    pub async fn publish_traced(
        &self,
        article: &Article,
        trace: &TraceParent,
        state: Option<&str>,
    ) -> Result<Receipt, PublishError> {
        let span = story_span("ingest", &article.id, trace);
        let result = match self.encode(article, trace, state) {
            Err(e) => Err(e),
            Ok((event, payload, headers)) => {
                let size = record_size(Some(article.id.as_bytes()), Some(&payload), &headers);
                let record = FutureRecord::to(&self.topic)
                    .key(article.id.as_bytes())
                    .payload(&payload)
                    .headers(headers);
                match self.producer.send(record, self.timeout).await {
                    Ok(delivery) => Ok(Receipt {
                        event_id: event.id,
                        partition: delivery.partition,
                        offset: delivery.offset,
                        trace_id: trace.trace_id.to_string(),
                    }),
                    Err((e, _)) => {
                        Err(PublishError::from_kafka(e, size, self.limit(), &self.topic))
                    }
                }
            }
        };
        span.in_scope(|| self.report(article, &result));
        result
    }

    fn report(&self, article: &Article, result: &Result<Receipt, PublishError>) {
        match result {
            Ok(r) => ArticlePublished {
                id: &article.id,
                version: article.version,
                partition: r.partition,
                offset: r.offset,
            }
            .emit(&self.metrics),
            Err(e) => ArticlePublishFailed {
                id: &article.id,
                version: article.version,
                kind: e.kind(),
                error: e,
            }
            .emit(&self.metrics),
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
        let mut in_flight: VecDeque<(Article, Sent, DeliveryFuture)> = VecDeque::new();
        let mut finish =
            |a: &Article, trace: &TraceParent, result: Result<Receipt, PublishError>| {
                story_span("ingest", &a.id, trace).in_scope(|| self.report(a, &result));
                on_done(a, result);
            };
        for article in articles {
            let trace = TraceParent::new_root();
            let (event, payload, headers) = match self.encode(&article, &trace, None) {
                Ok(encoded) => encoded,
                Err(e) => {
                    finish(&article, &trace, Err(e));
                    continue;
                }
            };
            let size = record_size(Some(article.id.as_bytes()), Some(&payload), &headers);
            loop {
                let record = FutureRecord::to(&self.topic)
                    .key(article.id.as_bytes())
                    .payload(&payload)
                    .headers(headers.clone());
                match self.producer.send_result(record) {
                    Ok(future) => {
                        let sent = Sent {
                            event_id: event.id,
                            size,
                            trace,
                        };
                        in_flight.push_back((article, sent, future));
                        break;
                    }
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _))
                        if !in_flight.is_empty() =>
                    {
                        let (a, sent, f) = in_flight.pop_front().expect("not empty");
                        let trace = sent.trace;
                        finish(&a, &trace, self.outcome(sent, f.await));
                    }
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    Err((e, _)) => {
                        let e = PublishError::from_kafka(e, size, self.limit(), &self.topic);
                        finish(&article, &trace, Err(e));
                        break;
                    }
                }
            }
            while in_flight.len() >= window.max(1) {
                let (a, sent, f) = in_flight.pop_front().expect("not empty");
                let trace = sent.trace;
                finish(&a, &trace, self.outcome(sent, f.await));
            }
        }
        while let Some((a, sent, f)) = in_flight.pop_front() {
            let trace = sent.trace;
            finish(&a, &trace, self.outcome(sent, f.await));
        }
    }

    fn outcome<Canceled>(
        &self,
        sent: Sent,
        delivery: Result<rdkafka::producer::future_producer::OwnedDeliveryResult, Canceled>,
    ) -> Result<Receipt, PublishError> {
        let size = sent.size;
        match delivery {
            Ok(Ok(d)) => Ok(Receipt {
                event_id: sent.event_id,
                partition: d.partition,
                offset: d.offset,
                trace_id: sent.trace.trace_id.to_string(),
            }),
            Ok(Err((e, _))) => Err(PublishError::from_kafka(e, size, self.limit(), &self.topic)),
            Err(_) => Err(PublishError::Unavailable(KafkaError::Canceled)),
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
