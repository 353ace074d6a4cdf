//! The exactly-once consume→transform→produce loop every Kafka-to-Kafka stage runs.
//!
//! A batch of input events is read, transformed, and its outputs, dead letters and the
//! consumer offsets are committed in one Kafka transaction. A crash anywhere before the
//! commit aborts the whole batch (readers with `read_committed` never see it) and the
//! batch is read again; after the commit nothing is read again. One bad event becomes a
//! dead letter inside the same transaction, so it never stalls its partition.

use crate::config::KafkaSettings;
use crate::health::Readiness;
use crate::kafka::{
    consumer_config, dead_letter_record, transactional_producer_config, DeadLetter,
};
use crate::shutdown::Shutdown;
use crate::telemetry::{Counter, Gauge, Metrics};
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::message::{BorrowedMessage, Message, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One record a transform wants written.
#[derive(Debug, Clone)]
pub struct OutputRecord {
    pub topic: String,
    pub key: Option<Vec<u8>>,
    pub payload: Option<Vec<u8>>,
    pub headers: OwnedHeaders,
}

/// The reason an input event cannot be processed; it goes to the dead-letter topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection(pub String);

/// The pure part of a stage: one input event to zero or more output records.
///
/// A transform that keeps state between events (what it has already produced) must
/// hold the changes of a batch aside until `committed`, and drop them on `aborted`:
/// an aborted batch is read again and must find the state as it was before it.
pub trait Transform: Send {
    fn apply(&mut self, message: &BorrowedMessage<'_>) -> Result<Vec<OutputRecord>, Rejection>;

    /// The batch's outputs and offsets are committed.
    fn committed(&mut self) {}

    /// The batch's transaction was aborted; it will be read again.
    fn aborted(&mut self) {}

    /// The group gave this instance a new set of partitions; state another instance
    /// may have changed meanwhile must be reloaded before the next batch.
    fn reassigned(&mut self) {}
}

/// The article an input event carries, checked against the contract of `stage` and
/// against its Kafka key (which must be the article id); the rejection names why not.
pub fn decode_keyed_article(
    message: &BorrowedMessage<'_>,
    stage: crate::validate::Stage,
) -> Result<crate::Article, Rejection> {
    let payload = message
        .payload()
        .ok_or_else(|| Rejection("empty payload (tombstone)".into()))?;
    let article = crate::validate::decode_article(payload, stage)
        .map_err(|e| Rejection(format!("invalid article: {e}")))?;
    if message.key() != Some(article.id.as_bytes()) {
        return Err(Rejection(format!(
            "key: Kafka key {:?} is not the article id {:?}",
            message.key().map(String::from_utf8_lossy),
            article.id
        )));
    }
    Ok(article)
}

/// Runs `transform` as a stage on a thread of its own, ready and counted under
/// `health`; the thread ends when `shutdown` fires (or the stage cannot go on).
pub fn spawn_stage<T: Transform + 'static>(
    spec: StageSpec,
    kafka: &KafkaSettings,
    transform: T,
    health: &crate::health::Health,
    shutdown: Shutdown,
) -> std::thread::JoinHandle<anyhow::Result<()>> {
    let kafka = kafka.clone();
    let metrics = health.metrics.clone();
    let readiness = health.component(&format!("{}.stage", spec.name));
    std::thread::Builder::new()
        .name(format!("{}-stage", spec.name))
        .spawn(move || {
            Ok(run_stage(
                &spec, &kafka, transform, &metrics, readiness, shutdown,
            )?)
        })
        .expect("spawning a stage thread")
}

/// What distinguishes one stage from another.
#[derive(Debug, Clone)]
pub struct StageSpec {
    /// Short name for logs, metrics and the transactional id (`enricher`).
    pub name: String,
    pub input_topic: String,
    pub group_id: String,
    pub deadletter_topic: String,
    /// Stable per instance, distinct between instances.
    pub transactional_id: String,
}

impl StageSpec {
    /// The stage `name` of this instance: its group, its transactional id
    /// (`newswire-{name}-{instance}`), and the configured dead-letter topic.
    pub fn new(name: &str, input_topic: &str, group_id: &str, settings: &crate::Settings) -> Self {
        Self {
            name: name.into(),
            input_topic: input_topic.into(),
            group_id: group_id.into(),
            deadletter_topic: settings.topics.deadletter.clone(),
            transactional_id: format!("newswire-{name}-{}", settings.instance_id()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error("stage {stage}: could not create Kafka client: {source}")]
    Client { stage: String, source: KafkaError },
    #[error("stage {stage}: fatal Kafka error, the instance must restart: {source}")]
    Fatal { stage: String, source: KafkaError },
}

struct StageMetrics {
    consumed: Arc<Counter>,
    produced: Arc<Counter>,
    dead_lettered: Arc<Counter>,
    aborted: Arc<Counter>,
    committed: Arc<Counter>,
}

impl StageMetrics {
    fn new(metrics: &Metrics, stage: &str) -> Self {
        let labels = [("stage", stage)];
        Self {
            consumed: metrics.counter(
                "newswire_events_consumed_total",
                "Input events read by a stage.",
                &labels,
            ),
            produced: metrics.counter(
                "newswire_events_produced_total",
                "Output records committed by a stage.",
                &labels,
            ),
            dead_lettered: metrics.counter(
                "newswire_events_deadlettered_total",
                "Input events sent to the dead-letter topic.",
                &labels,
            ),
            aborted: metrics.counter(
                "newswire_transactions_aborted_total",
                "Transactions aborted and retried.",
                &labels,
            ),
            committed: metrics.counter(
                "newswire_transactions_committed_total",
                "Transactions committed.",
                &labels,
            ),
        }
    }
}

/// Marks the stage ready once the group has given it an assignment (even an empty one:
/// a replica beyond the partition count is healthy, just idle).
struct StageContext {
    stage: String,
    readiness: Readiness,
    assigned: Arc<Gauge>,
    reassigned: Arc<AtomicBool>,
}

impl ClientContext for StageContext {
    fn error(&self, error: KafkaError, reason: &str) {
        tracing::warn!(stage = %self.stage, %error, reason, "kafka client error");
    }
}

impl ConsumerContext for StageContext {
    fn post_rebalance(&self, _: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(tpl) => {
                tracing::info!(stage = %self.stage, partitions = tpl.count(), "partitions assigned");
                self.assigned.set(tpl.count() as u64);
                self.reassigned.store(true, Ordering::SeqCst);
                self.readiness.set(true);
            }
            Rebalance::Revoke(_) => self.assigned.set(0),
            Rebalance::Error(e) => {
                tracing::warn!(stage = %self.stage, error = %e, "rebalance error")
            }
        }
    }
}

/// Runs the stage on the calling thread until `shutdown`; blocking, so call it from a
/// dedicated thread. Returns an error only when the instance cannot go on (fenced by a
/// newer instance with the same transactional id, or a fatal client error).
pub fn run_stage<T: Transform>(
    spec: &StageSpec,
    kafka: &KafkaSettings,
    mut transform: T,
    metrics: &Metrics,
    readiness: Readiness,
    shutdown: Shutdown,
) -> Result<(), StageError> {
    let m = StageMetrics::new(metrics, &spec.name);
    loop {
        match run_session(
            spec,
            kafka,
            &mut transform,
            metrics,
            &m,
            &readiness,
            &shutdown,
        )? {
            SessionEnd::Shutdown => return Ok(()),
            SessionEnd::ConsumerFenced(e) => {
                // Seen after a broker restart: the group coordinator takes our own
                // rejoin for another member with our static id. Nothing is lost (the
                // uncommitted batch is read again); start over with fresh clients.
                readiness.set(false);
                transform.aborted();
                tracing::warn!(stage = %spec.name, error = %e, "consumer fenced; reconnecting with new clients");
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

/// Why a session with one consumer and one producer ended.
enum SessionEnd {
    Shutdown,
    /// The consumer hit a fatal error (fenced static member): a new session can go on.
    ConsumerFenced(KafkaError),
}

fn run_session<T: Transform>(
    spec: &StageSpec,
    kafka: &KafkaSettings,
    transform: &mut T,
    metrics: &Metrics,
    m: &StageMetrics,
    readiness: &Readiness,
    shutdown: &Shutdown,
) -> Result<SessionEnd, StageError> {
    let client_err = |source| StageError::Client {
        stage: spec.name.clone(),
        source,
    };
    let fatal = |source| StageError::Fatal {
        stage: spec.name.clone(),
        source,
    };
    let reassigned = Arc::new(AtomicBool::new(false));
    let context = StageContext {
        reassigned: reassigned.clone(),
        stage: spec.name.clone(),
        readiness: readiness.clone(),
        assigned: metrics.gauge(
            "newswire_partitions_assigned",
            "Input partitions assigned to a stage.",
            &[("stage", &spec.name)],
        ),
    };
    let client_id = format!("newswire-{}", spec.name);
    let consumer: BaseConsumer<StageContext> =
        consumer_config(kafka, &client_id, &spec.group_id, &spec.transactional_id)
            .create_with_context(context)
            .map_err(client_err)?;
    let producer: ThreadedProducer<DefaultProducerContext> =
        transactional_producer_config(kafka, &client_id, &spec.transactional_id)
            .create()
            .map_err(client_err)?;
    let txn_timeout = Duration::from_millis(u64::from(kafka.transaction_timeout_ms));

    // Also aborts whatever a previous incarnation of this instance left open.
    retry_until_shutdown(shutdown, &spec.name, "init_transactions", || {
        producer.init_transactions(txn_timeout)
    })
    .map_err(fatal)?;
    consumer
        .subscribe(&[&spec.input_topic])
        .map_err(client_err)?;
    tracing::info!(stage = %spec.name, input = %spec.input_topic, transactional_id = %spec.transactional_id, "stage started");

    let batch_wait = Duration::from_millis(kafka.batch_max_wait_ms);
    while !shutdown.is_triggered() {
        let batch = match read_batch(&consumer, kafka.batch_max_events, batch_wait, &spec.name) {
            Ok(batch) => batch,
            Err(e) => return Ok(SessionEnd::ConsumerFenced(e)),
        };
        // Polling is what runs the rebalance callback, so the flag is checked after it.
        if reassigned.swap(false, Ordering::SeqCst) {
            transform.reassigned();
        }
        if batch.is_empty() {
            continue;
        }
        m.consumed.add(batch.len() as u64);
        match process_batch(
            &batch,
            spec,
            transform,
            &consumer,
            &producer,
            txn_timeout,
            m,
        ) {
            Ok(()) => {
                transform.committed();
                m.committed.inc();
            }
            Err(e) if is_fatal(&e) => {
                transform.aborted();
                readiness.set(false);
                return Err(fatal(e));
            }
            Err(e) => {
                m.aborted.inc();
                transform.aborted();
                tracing::warn!(stage = %spec.name, error = %e, events = batch.len(), "transaction aborted; the batch will be read again");
                if let Err(e) = producer.abort_transaction(txn_timeout) {
                    if is_fatal(&e) {
                        readiness.set(false);
                        return Err(fatal(e));
                    }
                }
                // Partitions lost in a rebalance cannot be rewound; their new owner
                // starts from the last committed offset, which is the same place.
                rewind(&consumer, &batch);
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
    tracing::info!(stage = %spec.name, "stage stopped");
    Ok(SessionEnd::Shutdown)
}

/// Up to `max` events; `Err` only for a fatal consumer error, after which this
/// consumer is useless.
fn read_batch<'c>(
    consumer: &'c BaseConsumer<StageContext>,
    max: usize,
    wait: Duration,
    stage: &str,
) -> KafkaResult<Vec<BorrowedMessage<'c>>> {
    let mut batch = Vec::new();
    let first_wait = Duration::from_millis(100);
    let mut deadline: Option<Instant> = None;
    while batch.len() < max {
        let timeout = match deadline {
            None => first_wait,
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) => left,
                None => break,
            },
        };
        match consumer.poll(timeout) {
            Some(Ok(message)) => {
                deadline.get_or_insert_with(|| Instant::now() + wait);
                batch.push(message);
            }
            Some(Err(e @ KafkaError::MessageConsumptionFatal(_))) => {
                tracing::error!(stage, error = %e, "fatal consumer error");
                return Err(e);
            }
            Some(Err(e)) => {
                tracing::warn!(stage, error = %e, "consume error");
                break;
            }
            None => break,
        }
    }
    Ok(batch)
}

fn process_batch<T: Transform>(
    batch: &[BorrowedMessage<'_>],
    spec: &StageSpec,
    transform: &mut T,
    consumer: &BaseConsumer<StageContext>,
    producer: &ThreadedProducer<DefaultProducerContext>,
    txn_timeout: Duration,
    m: &StageMetrics,
) -> KafkaResult<()> {
    producer.begin_transaction()?;
    let mut produced = 0u64;
    let mut dead = 0u64;
    for message in batch {
        let records = match transform.apply(message) {
            Ok(records) => records,
            Err(Rejection(reason)) => {
                tracing::warn!(
                    stage = %spec.name, topic = message.topic(), partition = message.partition(),
                    offset = message.offset(), %reason, "event dead-lettered"
                );
                dead += 1;
                vec![dead_letter_record(
                    message,
                    &spec.deadletter_topic,
                    &DeadLetter {
                        stage: &spec.name,
                        reason: &reason,
                    },
                )]
            }
        };
        for record in records {
            send(producer, record, txn_timeout)?;
            produced += 1;
        }
    }
    let offsets = next_offsets(batch)?;
    let group = consumer
        .group_metadata()
        .ok_or(KafkaError::ConsumerCommit(RDKafkaErrorCode::State))?;
    let sent = Instant::now();
    producer.send_offsets_to_transaction(&offsets, &group, txn_timeout)?;
    let offsets_sent = Instant::now();
    wait_delivered(producer, txn_timeout);
    commit_with_retry(producer, txn_timeout)?;
    tracing::debug!(
        events = batch.len(),
        offsets_ms = (offsets_sent - sent).as_secs_f64() * 1e3,
        commit_ms = offsets_sent.elapsed().as_secs_f64() * 1e3,
        "transaction committed"
    );
    m.produced.add(produced - dead);
    m.dead_lettered.add(dead);
    Ok(())
}

fn send(
    producer: &ThreadedProducer<DefaultProducerContext>,
    record: OutputRecord,
    timeout: Duration,
) -> KafkaResult<()> {
    let started = Instant::now();
    let mut base: BaseRecord<'_, [u8], [u8]> =
        BaseRecord::to(&record.topic).headers(record.headers.clone());
    if let Some(k) = record.key.as_deref() {
        base = base.key(k);
    }
    if let Some(p) = record.payload.as_deref() {
        base = base.payload(p);
    }
    loop {
        match producer.send(base) {
            Ok(()) => return Ok(()),
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back))
                if started.elapsed() < timeout =>
            {
                base = back;
                std::thread::sleep(Duration::from_millis(5));
            }
            Err((e, _)) => return Err(e),
        }
    }
}

/// Waits until the broker acknowledged every record of the transaction. rdkafka's
/// `commit_transaction` flushes by polling in 100 ms steps while our producer's own
/// thread takes the acknowledgements, which would add ~100 ms to every commit; after
/// this wait its flush returns at once.
fn wait_delivered(producer: &ThreadedProducer<DefaultProducerContext>, timeout: Duration) {
    let started = Instant::now();
    while producer.in_flight_count() > 0 && started.elapsed() < timeout {
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn commit_with_retry(
    producer: &ThreadedProducer<DefaultProducerContext>,
    timeout: Duration,
) -> KafkaResult<()> {
    loop {
        match producer.commit_transaction(timeout) {
            Err(KafkaError::Transaction(e)) if e.is_retriable() => {
                tracing::warn!(error = %e, "commit_transaction: retrying");
            }
            other => return other,
        }
    }
}

/// The offset after the last event of each partition in the batch.
fn next_offsets(batch: &[BorrowedMessage<'_>]) -> KafkaResult<TopicPartitionList> {
    let mut last: BTreeMap<(&str, i32), i64> = BTreeMap::new();
    for m in batch {
        last.insert((m.topic(), m.partition()), m.offset());
    }
    let mut tpl = TopicPartitionList::new();
    for ((topic, partition), offset) in last {
        tpl.add_partition_offset(topic, partition, Offset::Offset(offset + 1))?;
    }
    Ok(tpl)
}

/// Seeks each partition back to the batch's first event so it is read again.
fn rewind(consumer: &BaseConsumer<StageContext>, batch: &[BorrowedMessage<'_>]) {
    let mut first: BTreeMap<(&str, i32), i64> = BTreeMap::new();
    for m in batch {
        first
            .entry((m.topic(), m.partition()))
            .or_insert(m.offset());
    }
    for ((topic, partition), offset) in first {
        if let Err(e) = consumer.seek(
            topic,
            partition,
            Offset::Offset(offset),
            Duration::from_secs(5),
        ) {
            tracing::warn!(topic, partition, error = %e, "could not rewind partition");
        }
    }
}

fn is_fatal(e: &KafkaError) -> bool {
    match e {
        KafkaError::Transaction(t) => t.is_fatal(),
        _ => false,
    }
}

fn retry_until_shutdown(
    shutdown: &Shutdown,
    stage: &str,
    what: &str,
    mut op: impl FnMut() -> KafkaResult<()>,
) -> KafkaResult<()> {
    loop {
        match op() {
            Ok(()) => return Ok(()),
            Err(e) if is_fatal(&e) || shutdown.is_triggered() => return Err(e),
            Err(e) => {
                tracing::warn!(stage, error = %e, "{what} failed; retrying");
                std::thread::sleep(Duration::from_millis(500));
            }
        }
    }
}
