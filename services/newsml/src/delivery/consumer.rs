//! Reads `newsml.items` into the item store and hands every version to the drop
//! folders as soon as each subscriber may have it; embargoes are released by the
//! clock, not by the next item.
//!
//! Every replica reads every partition from the beginning (the store is in memory and
//! idempotent on (id, version)); the drop folders remember what they received, so the
//! replay after a restart delivers nothing twice.

use crate::delivery::dropfolder::DropFolder;
use crate::delivery::store::{ItemStore, ItemVersion};
use crate::stage::{facts_from_headers, EMBARGO_HEADER, STATUS_HEADER, VERSION_HEADER};
use chrono::{DateTime, Utc};
use newswire_shared::article::Status;
use newswire_shared::cloudevents::header_str;
use newswire_shared::config::KafkaSettings;
use newswire_shared::health::Readiness;
use newswire_shared::kafka::{partition_count, reader_config, Settling};
use newswire_shared::shutdown::Shutdown;
use newswire_shared::telemetry::{catalog, Metrics};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{BorrowedMessage, Message};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

pub struct DeliveryConsumer {
    pub kafka: KafkaSettings,
    pub topic: String,
    pub store: Arc<RwLock<ItemStore>>,
    pub folders: Vec<DropFolder>,
}

/// The item version a `newsml.items` record carries, or why it cannot be read.
pub fn item_from_record(m: &BorrowedMessage<'_>) -> Result<ItemVersion, String> {
    let id = m
        .key()
        .and_then(|k| std::str::from_utf8(k).ok())
        .ok_or("key: missing or not UTF-8")?;
    let headers = m.headers().ok_or("headers: missing")?;
    let version = header_str(headers, VERSION_HEADER)
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or("newsml_version: missing or not a number")?;
    let status = match header_str(headers, STATUS_HEADER) {
        Some("usable") => Status::Usable,
        Some("withheld") => Status::Withheld,
        Some("canceled") => Status::Canceled,
        _ => return Err("newsml_status: missing or unknown".into()),
    };
    let embargo = match header_str(headers, EMBARGO_HEADER) {
        Some(e) => Some(
            e.parse::<DateTime<Utc>>()
                .map_err(|e| format!("newsml_embargo_until: {e}"))?,
        ),
        None => None,
    };
    let partition = m.partition();
    let received = m
        .timestamp()
        .to_millis()
        .and_then(DateTime::<Utc>::from_timestamp_millis)
        .unwrap_or_else(Utc::now);
    let xml = m.payload().ok_or("payload: empty")?;
    Ok(ItemVersion {
        id: id.to_string(),
        version,
        status,
        embargo,
        received,
        partition,
        offset: m.offset(),
        xml: Arc::from(xml),
        facts: Arc::new(facts_from_headers(headers)),
    })
}

/// Settles the store's partitions as far as the consumer has read (the rule and its
/// reasons: [`Settling`]). Returns whether every partition has been settled at least
/// once (the initial catch-up is done).
fn settle(
    settling: &mut Settling,
    consumer: &BaseConsumer,
    topic: &str,
    partitions: i32,
    store: &RwLock<ItemStore>,
) -> bool {
    let positions = consumer.position().ok();
    let positions: Vec<(i32, i64)> = (0..partitions)
        .map(|p| {
            let position = positions
                .as_ref()
                .and_then(|tpl| tpl.find_partition(topic, p))
                .and_then(|e| match e.offset() {
                    Offset::Offset(o) => Some(o),
                    _ => None,
                })
                .unwrap_or(0);
            (p, position)
        })
        .collect();
    let moved = settling.update(positions);
    if !moved.is_empty() {
        let mut store = store.write().expect("store lock");
        for (p, until) in moved {
            store.settle(p, until);
        }
    }
    settling.settled_everywhere(0..partitions).is_some()
}

impl DeliveryConsumer {
    /// Runs on the calling thread until `shutdown`.
    pub fn run(
        mut self,
        metrics: Metrics,
        readiness: Readiness,
        shutdown: Shutdown,
    ) -> anyhow::Result<()> {
        let delivered: Vec<_> = self
            .folders
            .iter()
            .map(|f| metrics.counter(&catalog::NEWSML_DELIVERED, &[&f.name]))
            .collect();
        let invalid = metrics.counter(&catalog::NEWSML_INVALID_RECORDS, &[]);
        let consumer: BaseConsumer =
            reader_config(&self.kafka, "newswire-newsml-delivery").create()?;
        let partitions = loop {
            let n = partition_count(&consumer, &self.topic).unwrap_or(0);
            if n > 0 {
                break n;
            }
            if shutdown.is_triggered() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(500));
        };
        let mut assignment = TopicPartitionList::new();
        for p in 0..partitions {
            assignment.add_partition_offset(&self.topic, p, Offset::Beginning)?;
            // Reading starts at the oldest offset the topic holds, and so does what
            // cursors can be answered from.
            let low = consumer
                .fetch_watermarks(&self.topic, p, Duration::from_secs(10))
                .map_or(0, |(low, _)| low);
            self.store
                .write()
                .expect("store lock")
                .start_partition(p, low);
        }
        consumer.assign(&assignment)?;
        tracing::info!(topic = %self.topic, partitions, folders = self.folders.len(), "newsml delivery assigned");
        // Stories whose delivery failed (a full disk, say) and must be tried again.
        let mut retry: BTreeSet<String> = BTreeSet::new();
        let mut last_retry = Instant::now();
        let mut settling = Settling::new(&self.kafka, "newswire-newsml-watermarks", &self.topic)?;
        while !shutdown.is_triggered() {
            let wait = self.until_next_release().min(Duration::from_millis(50));
            let mut touched = BTreeSet::new();
            match consumer.poll(wait) {
                Some(Ok(m)) => match item_from_record(&m) {
                    Ok(item) => {
                        let id = item.id.clone();
                        if self.store.write().expect("store lock").insert(item) {
                            touched.insert(id);
                        }
                    }
                    Err(reason) => {
                        invalid.inc();
                        self.store
                            .write()
                            .expect("store lock")
                            .skip(m.partition(), m.offset());
                        tracing::warn!(partition = m.partition(), offset = m.offset(), %reason, "newsml.items record skipped");
                    }
                },
                Some(Err(e)) => tracing::warn!(error = %e, "newsml delivery consume error"),
                None => {}
            }
            if settle(
                &mut settling,
                &consumer,
                &self.topic,
                partitions,
                &self.store,
            ) {
                readiness.set(true);
            }
            let now = Utc::now();
            // The write lock (which holds off pull requests) only when a release is due.
            if self.store.read().expect("store lock").has_due(now) {
                touched.extend(self.store.write().expect("store lock").release_due(now));
            }
            if last_retry.elapsed() > Duration::from_secs(5) {
                touched.append(&mut retry);
                last_retry = Instant::now();
            }
            for id in touched {
                self.deliver_story(&id, now, &delivered, &mut retry);
            }
        }
        Ok(())
    }

    fn until_next_release(&self) -> Duration {
        let now = Utc::now();
        let store = self.store.read().expect("store lock");
        if store.has_due(now) {
            // Due, waiting only for its partition to settle: look again shortly.
            return Duration::from_millis(5);
        }
        store.next_release(now).map_or(Duration::from_secs(1), |e| {
            (e - now).to_std().unwrap_or(Duration::ZERO)
        })
    }

    fn deliver_story(
        &mut self,
        id: &str,
        now: DateTime<Utc>,
        counters: &[Arc<newswire_shared::telemetry::Counter>],
        retry: &mut BTreeSet<String>,
    ) {
        let store = self.store.read().expect("store lock");
        for (folder, counter) in self.folders.iter_mut().zip(counters) {
            let Some(item) = folder.due(&store, id, now).cloned() else {
                continue;
            };
            match folder.deliver(&item) {
                Ok(written) => {
                    if written {
                        counter.inc();
                    }
                }
                Err(e) => {
                    tracing::error!(subscriber = %folder.name, id, version = item.version, error = %e, "drop folder delivery failed; will retry");
                    retry.insert(id.to_string());
                }
            }
        }
    }
}
