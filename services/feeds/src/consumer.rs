//! Fills the feed store from `articles.enriched`.
//!
//! Every feeds replica needs every story, so replicas do not share a consumer group:
//! each assigns itself all partitions and reads from the beginning. The store is
//! idempotent on (id, version), which makes that replay safe.

use crate::FeedWriter;
use newswire_shared::config::KafkaSettings;
use newswire_shared::health::Readiness;
use newswire_shared::shutdown::Shutdown;
use newswire_shared::telemetry::Metrics;
use newswire_shared::validate::{decode_article, Stage};
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::Message;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use std::time::Duration;

pub struct FeedConsumer {
    pub kafka: KafkaSettings,
    pub topic: String,
    pub writer: FeedWriter,
}

impl FeedConsumer {
    pub async fn run(
        self,
        metrics: Metrics,
        readiness: Readiness,
        shutdown: Shutdown,
    ) -> anyhow::Result<()> {
        let applied = metrics.counter(
            "newswire_feeds_events_total",
            "Enriched events read by feeds.",
            &[("outcome", "applied")],
        );
        let ignored = metrics.counter(
            "newswire_feeds_events_total",
            "Enriched events read by feeds.",
            &[("outcome", "duplicate_or_stale")],
        );
        let invalid = metrics.counter(
            "newswire_feeds_events_total",
            "Enriched events read by feeds.",
            &[("outcome", "invalid")],
        );
        let stories = metrics.gauge("newswire_feeds_stories", "Stories in the feed store.", &[]);

        let consumer: StreamConsumer = ClientConfig::new()
            .set("bootstrap.servers", &self.kafka.brokers)
            .set("client.id", "newswire-feeds")
            .set("group.id", "newswire-feeds-unused")
            .set("enable.auto.commit", "false")
            // If a position is ever lost, re-reading is harmless (the store is
            // idempotent) and skipping would lose stories.
            .set("auto.offset.reset", "earliest")
            .set("isolation.level", "read_committed")
            .create()?;
        let partitions = self.wait_for_partitions(&consumer, &shutdown).await?;
        let mut assignment = TopicPartitionList::new();
        for p in 0..partitions {
            assignment.add_partition_offset(&self.topic, p, Offset::Beginning)?;
        }
        consumer.assign(&assignment)?;
        tracing::info!(topic = %self.topic, partitions, "feeds consumer assigned");

        let stop = shutdown.wait();
        tokio::pin!(stop);
        loop {
            let next = tokio::select! {
                _ = &mut stop => break,
                // No message for a moment means we have read what is there: serve.
                _ = tokio::time::sleep(Duration::from_millis(200)) => {
                    readiness.set(true);
                    continue;
                }
                m = consumer.recv() => m,
            };
            let message = match next {
                Ok(m) => m,
                Err(e) => {
                    tracing::warn!(error = %e, "feeds consume error");
                    continue;
                }
            };
            let Some(payload) = message.payload() else {
                continue;
            };
            match decode_article(payload, Stage::Enriched) {
                Ok(article) => {
                    if self.writer.apply(article).changed() {
                        applied.inc();
                        stories.set(self.writer.stories() as u64);
                    } else {
                        ignored.inc();
                    }
                }
                Err(e) => {
                    // The enricher validated this; an invalid event here was written by
                    // something else. Each replica reads everything, so dead-lettering
                    // here would file one copy per replica: count and log instead.
                    invalid.inc();
                    tracing::warn!(partition = message.partition(), offset = message.offset(), reason = %e, "invalid enriched event skipped");
                }
            }
        }
        Ok(())
    }

    async fn wait_for_partitions(
        &self,
        consumer: &StreamConsumer,
        shutdown: &Shutdown,
    ) -> anyhow::Result<i32> {
        loop {
            let found = consumer
                .fetch_metadata(Some(&self.topic), Duration::from_secs(5))
                .ok()
                .and_then(|m| {
                    m.topics()
                        .first()
                        .filter(|t| t.error().is_none())
                        .map(|t| t.partitions().len() as i32)
                })
                .filter(|&n| n > 0);
            if let Some(n) = found {
                return Ok(n);
            }
            if shutdown.is_triggered() {
                anyhow::bail!("shut down before {} existed", self.topic);
            }
            tracing::info!(topic = %self.topic, "waiting for the topic to exist");
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}
