//! Fills the feed store from `articles.enriched`.
//!
//! Every feeds replica needs every story, so replicas do not share a consumer group:
//! each assigns itself all partitions. Without a data directory a replica reads from
//! the beginning (the store is idempotent on (id, version), so that replay is safe);
//! with one, it restores its stories and resumes from the offsets saved with them.

use crate::store::persist::FeedDb;
use crate::FeedWriter;
use newswire_shared::config::KafkaSettings;
use newswire_shared::health::Readiness;
use newswire_shared::kafka::{partition_count, reader_config, Settling};
use newswire_shared::shutdown::Shutdown;
use newswire_shared::telemetry::{catalog, Metrics};
use newswire_shared::trace::{story_span, TraceParent};
use newswire_shared::validate::{decode_article, Stage};
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{BorrowedMessage, Message};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Most events applied per store transaction.
const BATCH: usize = 500;

pub struct FeedConsumer {
    pub data_dir: Option<PathBuf>,
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
        let count = |outcome| metrics.counter(&catalog::FEEDS_EVENTS, &[outcome]);
        let (applied, ignored, invalid) = (
            count("applied"),
            count("duplicate_or_stale"),
            count("invalid"),
        );
        let stories = metrics.gauge(&catalog::FEEDS_STORIES, &[]);

        let db = match &self.data_dir {
            Some(dir) => Some(Arc::new(FeedDb::open(dir)?)),
            None => None,
        };
        let mut offsets = BTreeMap::new();
        if let Some(db) = &db {
            let started = std::time::Instant::now();
            let loaded = tokio::task::block_in_place(|| self.writer.restore(db.clone()))?;
            tracing::info!(stories = loaded.stories, took = ?started.elapsed(), "feed store restored");
            offsets = loaded.offsets;
        }
        stories.set(self.writer.stories() as u64);

        let consumer: StreamConsumer = reader_config(&self.kafka, "newswire-feeds").create()?;
        let partitions = self.wait_for_partitions(&consumer, &shutdown).await?;
        let mut assignment = TopicPartitionList::new();
        for p in 0..partitions {
            let from = offsets
                .get(&p)
                .map_or(Offset::Beginning, |o| Offset::Offset(*o));
            assignment.add_partition_offset(&self.topic, p, from)?;
            // Where reading starts is where the change log starts: from the beginning,
            // the oldest offset the topic still holds.
            let start = match offsets.get(&p) {
                Some(o) => *o,
                None => tokio::task::block_in_place(|| {
                    consumer.fetch_watermarks(&self.topic, p, Duration::from_secs(10))
                })
                .map(|(low, _)| low)
                .unwrap_or(0),
            };
            self.writer.start_partition(p, start);
        }
        consumer.assign(&assignment)?;
        tracing::info!(topic = %self.topic, partitions, resumed = !offsets.is_empty(), "feeds consumer assigned");

        let mut settling = Settling::new(&self.kafka, "newswire-feeds-watermarks", &self.topic)?;
        let stop = shutdown.wait();
        tokio::pin!(stop);
        loop {
            self.settle(&consumer, &mut settling, partitions);
            let first = tokio::select! {
                _ = &mut stop => break,
                // No message for a moment means we have read what is there: serve.
                _ = tokio::time::sleep(Duration::from_millis(50)) => {
                    readiness.set(true);
                    continue;
                }
                m = consumer.recv() => m,
            };
            // Whatever else is already here joins the same store transaction.
            let mut batch = vec![first];
            while batch.len() < BATCH {
                match tokio::time::timeout(Duration::ZERO, consumer.recv()).await {
                    Ok(m) => batch.push(m),
                    Err(_) => break,
                }
            }
            let mut changed_ids = Vec::new();
            for next in batch {
                let message: BorrowedMessage<'_> = match next {
                    Ok(m) => m,
                    Err(e) => {
                        tracing::warn!(error = %e, "feeds consume error");
                        continue;
                    }
                };
                offsets.insert(message.partition(), message.offset() + 1);
                let Some(payload) = message.payload() else {
                    self.writer
                        .consumed(message.partition(), message.offset() + 1);
                    continue;
                };
                match decode_article(payload, Stage::Enriched) {
                    Ok(article) => {
                        let id = article.id.clone();
                        let received = message.headers().and_then(TraceParent::from_headers);
                        let trace = received.map_or_else(TraceParent::new_root, |t| t.child());
                        let _story = story_span("feeds", &id, &trace).entered();
                        let version = article.version;
                        let at = newswire_shared::kafka::change_log::At {
                            partition: message.partition(),
                            offset: message.offset(),
                            written: message.timestamp().to_millis().map_or_else(
                                || chrono::Utc::now().timestamp_micros(),
                                |ms| ms * 1000,
                            ),
                        };
                        if self.writer.apply_from(article, Some(at)).changed() {
                            applied.inc();
                            tracing::info!(version, "story in the feed store");
                            changed_ids.push(id);
                        } else {
                            ignored.inc();
                            tracing::debug!(version, "story version already held or older");
                        }
                    }
                    Err(e) => {
                        // The enricher validated this; an invalid event here was written
                        // by something else. Each replica reads everything, so a dead
                        // letter from here would be filed once per replica: count and log.
                        invalid.inc();
                        self.writer
                            .consumed(message.partition(), message.offset() + 1);
                        tracing::warn!(partition = message.partition(), offset = message.offset(), reason = %e, "invalid enriched event skipped");
                    }
                }
            }
            stories.set(self.writer.stories() as u64);
            if let Some(db) = &db {
                changed_ids.sort();
                changed_ids.dedup();
                let save = self.writer.to_save(&changed_ids);
                tokio::task::block_in_place(|| db.commit(&save.stories, &save.symbols, &offsets))?;
                self.writer.saved(&save);
            }
        }
        Ok(())
    }

    /// Tells the store how far every partition has been read (at most every
    /// `Settling::EVERY`), so versions held for an embargo enter the change log only once
    /// everything written before their release was read.
    fn settle(&self, consumer: &StreamConsumer, settling: &mut Settling, partitions: i32) {
        let Ok(positions) = consumer.position() else {
            return;
        };
        let positions: Vec<(i32, i64)> = (0..partitions)
            .map(|p| {
                let at = positions
                    .find_partition(&self.topic, p)
                    .and_then(|e| match e.offset() {
                        Offset::Offset(o) => Some(o),
                        _ => None,
                    });
                (p, at.unwrap_or(0))
            })
            .collect();
        let moved = tokio::task::block_in_place(|| settling.update(positions));
        if !moved.is_empty() {
            if let Some(until) = settling.settled_everywhere(0..partitions) {
                self.writer.settled(until);
            }
        }
    }

    async fn wait_for_partitions(
        &self,
        consumer: &StreamConsumer,
        shutdown: &Shutdown,
    ) -> anyhow::Result<i32> {
        loop {
            let found = partition_count(consumer, &self.topic);
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
