//! The exactly-once consume→transform→produce loop every Kafka-to-Kafka stage runs.
//!
//! A batch of input events is read, transformed, and its outputs, dead letters and the
//! consumer offsets are committed in one Kafka transaction. A crash anywhere before the
//! commit aborts the whole batch (readers with `read_committed` never see it) and the
//! batch is read again; after the commit nothing is read again.
//!
//! No event can stall its partition, whatever makes it fail (`failure.rs` tells the
//! kinds apart):
//! - an event the transform refuses, or that makes it panic, or whose output is larger
//!   than its topic takes (checked before producing, `limits.rs`), or whose output the
//!   broker refuses as such, is set aside to the dead-letter topic and the batch is
//!   redone without it, in the same transaction as the rest;
//! - a transient failure (broker down, coordinator moving, rebalance) keeps the events
//!   and retries with backoff, forever if need be — nothing is dead-lettered for it;
//! - a batch that aborts `kafka.isolate_after_aborts` times in a row for a reason not
//!   known to be either is processed one event per transaction; an event whose own
//!   transaction keeps failing that way, while the broker answers, is set aside — one
//!   at a time: if the next event fails alone the same way before anything commits,
//!   the failure is the broker's, and it is retried instead.
//!
//! A dead letter too large for its topic is written without its payload; if even that
//! cannot be written the batch is retried (and the stage reports not ready): an event is
//! never skipped without a trace.

use crate::config::KafkaSettings;
use crate::health::Readiness;
use crate::kafka::deadletter::{dead_letter_record, dead_letter_stub, DeadLetterKind, Rejection};
use crate::kafka::failure::{classify, FailureClass};
use crate::kafka::limits::{record_size, RecordLimits};
use crate::kafka::progress::{spawn_watchdog, StageProgress};
use crate::kafka::{consumer_config, transactional_producer_config, wait_delivered, KeptState};
use crate::shutdown::Shutdown;
use crate::telemetry::events::{
    BatchIsolated, BatchRead, DeadLetterPayloadDropped, EventDeadLettered, PartitionsAssigned,
    TransactionAborted, TransactionCommitted,
};
use crate::telemetry::Metrics;
use crate::trace::{state_from_headers, story_span, TraceParent};
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::message::{BorrowedMessage, Message, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One record a transform wants written.
#[derive(Debug, Clone)]
pub struct OutputRecord {
    pub topic: String,
    pub key: Option<Vec<u8>>,
    pub payload: Option<Vec<u8>>,
    pub headers: OwnedHeaders,
}

/// The pure part of a stage: one input event to zero or more output records.
///
/// A transform that keeps state between events (what it has already produced) keeps it
/// in an [`OutputState`](super::OutputState) and returns it from
/// [`kept_state`](Self::kept_state): the stage then commits, drops and reloads it with
/// each batch's transaction (an aborted batch is redone and must find the state as it
/// was before it), without the transform having to remember to.
pub trait Transform: Send {
    fn apply(&mut self, message: &BorrowedMessage<'_>) -> Result<Vec<OutputRecord>, Rejection>;

    /// The state this transform keeps in its own output topic, if any.
    fn kept_state(&mut self) -> Option<&mut dyn KeptState> {
        None
    }

    /// The batch's outputs and offsets are committed.
    fn committed(&mut self) {
        if let Some(state) = self.kept_state() {
            state.committed();
        }
    }

    /// The batch's transaction was aborted (or is redone without an event set aside).
    fn aborted(&mut self) {
        if let Some(state) = self.kept_state() {
            state.aborted();
        }
    }

    /// The group gave this instance a new set of partitions; state another instance
    /// may have changed meanwhile must be reloaded before the next batch.
    fn reassigned(&mut self) {
        if let Some(state) = self.kept_state() {
            state.reassigned();
        }
    }
}

/// The article an input event carries, checked against the contract of `stage` and
/// against its Kafka key (which must be the article id); the rejection names why not.
pub fn decode_keyed_article(
    message: &BorrowedMessage<'_>,
    stage: crate::validate::Stage,
) -> Result<crate::Article, Rejection> {
    let payload = message
        .payload()
        .ok_or_else(|| Rejection::new(DeadLetterKind::Undecodable, "empty payload (tombstone)"))?;
    let article =
        crate::validate::decode_article(payload, stage).map_err(|e| Rejection::contract(&e))?;
    if message.key() != Some(article.id.as_bytes()) {
        return Err(Rejection {
            kind: DeadLetterKind::Invalid,
            field: Some("id".into()),
            message: format!(
                "key: Kafka key {:?} is not the article id {:?}",
                message.key().map(String::from_utf8_lossy),
                article.id
            ),
        });
    }
    Ok(article)
}

/// Runs `transform` as a stage on a thread of its own, with a watchdog that keeps its
/// readiness under `health` truthful; both end when `shutdown` fires (the stage also
/// when it cannot go on).
pub fn spawn_stage<T: Transform + 'static>(
    spec: StageSpec,
    kafka: &KafkaSettings,
    transform: T,
    health: &crate::health::Health,
    shutdown: Shutdown,
) -> crate::service::Worker {
    let kafka = kafka.clone();
    let component = format!("{}.stage", spec.name);
    crate::service::spawn_worker(health, &component, move |metrics, readiness| {
        Ok(run_stage(
            &spec, &kafka, transform, &metrics, readiness, shutdown,
        )?)
    })
}

/// One Kafka-to-Kafka stage of the pipeline as its service declares it: its name, what
/// it reads and writes under the settings, and how its transform is built. The one
/// description both `newswire dev` and the service alone start the stage from.
pub struct Stage<T> {
    /// Short name for logs, metrics and the transactional id (`enricher`).
    pub name: &'static str,
    /// The input topic, the output topic and the consumer group.
    pub wiring: fn(&crate::Settings) -> [&str; 3],
    pub transform: fn(&crate::Settings) -> T,
}

impl<T: Transform + 'static> Stage<T> {
    /// The stage under `settings`: its topics, group, dead-letter topic and
    /// transactional id.
    pub fn spec(&self, settings: &crate::Settings) -> StageSpec {
        let [input, output, group] = (self.wiring)(settings);
        StageSpec::new(self.name, input, &[output], group, settings)
    }

    /// Starts the stage on its own thread (see [`spawn_stage`]); it stops when
    /// `shutdown` fires.
    pub fn spawn(
        &self,
        settings: &crate::Settings,
        health: &crate::health::Health,
        shutdown: Shutdown,
    ) -> crate::service::Worker {
        let transform = (self.transform)(settings);
        spawn_stage(
            self.spec(settings),
            &settings.kafka,
            transform,
            health,
            shutdown,
        )
    }
}

/// What distinguishes one stage from another.
#[derive(Debug, Clone)]
pub struct StageSpec {
    /// Short name for logs, metrics and the transactional id (`enricher`).
    pub name: String,
    pub input_topic: String,
    /// Topics the transform writes to (the dead-letter topic is added): their record
    /// limits are read before producing.
    pub output_topics: Vec<String>,
    pub group_id: String,
    pub deadletter_topic: String,
    /// Stable per instance, distinct between instances.
    pub transactional_id: String,
}

impl StageSpec {
    /// The stage `name` of this instance, reading `input_topic` and writing
    /// `output_topics`: its group, its transactional id (`newswire-{name}-{instance}`),
    /// and the configured dead-letter topic.
    pub fn new(
        name: &str,
        input_topic: &str,
        output_topics: &[&str],
        group_id: &str,
        settings: &crate::Settings,
    ) -> Self {
        Self {
            name: name.into(),
            input_topic: input_topic.into(),
            output_topics: output_topics.iter().map(|t| t.to_string()).collect(),
            group_id: group_id.into(),
            deadletter_topic: settings.topics.deadletter.clone(),
            transactional_id: format!("newswire-{name}-{}", settings.instance_id()),
        }
    }

    fn produced_topics(&self) -> Vec<&str> {
        self.output_topics
            .iter()
            .map(String::as_str)
            .chain([self.deadletter_topic.as_str()])
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error("stage {stage}: could not create Kafka client: {source}")]
    Client { stage: String, source: KafkaError },
    #[error("stage {stage}: fatal Kafka error, the instance must restart: {source}")]
    Fatal { stage: String, source: KafkaError },
}

/// Keeps the assignment in step with the progress record (and so with readiness).
struct StageContext {
    stage: String,
    metrics: Metrics,
    progress: StageProgress,
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
                PartitionsAssigned {
                    stage: &self.stage,
                    partitions: tpl.count(),
                }
                .emit(&self.metrics);
                self.reassigned.store(true, Ordering::SeqCst);
                // Even an empty assignment: a replica beyond the partition count is
                // healthy, just idle.
                self.progress.assigned(true);
            }
            Rebalance::Revoke(_) => {
                PartitionsAssigned {
                    stage: &self.stage,
                    partitions: 0,
                }
                .emit(&self.metrics);
            }
            Rebalance::Error(e) => {
                tracing::warn!(stage = %self.stage, error = %e, "rebalance error")
            }
        }
    }
}

/// Delivery failures of the current attempt, by the index of the output record.
#[derive(Default)]
struct Deliveries {
    /// Attempt number in the high 32 bits of each record's opaque: reports of an
    /// earlier (aborted) attempt are ignored.
    attempt: AtomicU64,
    failures: Mutex<Vec<(usize, KafkaError)>>,
}

struct DeliveryContext(Arc<Deliveries>);

impl ClientContext for DeliveryContext {}

impl ProducerContext for DeliveryContext {
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, opaque: usize) {
        if let Err((error, _)) = result {
            let attempt = (opaque >> 32) as u64;
            if attempt == self.0.attempt.load(Ordering::SeqCst) {
                self.0
                    .failures
                    .lock()
                    .expect("deliveries lock")
                    .push((opaque & 0xFFFF_FFFF, error.clone()));
            }
        }
    }
}

type StageProducer = ThreadedProducer<DeliveryContext>;

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
    let progress = StageProgress::new();
    let watchdog = spawn_watchdog(
        spec.name.clone(),
        progress.clone(),
        readiness,
        metrics.clone(),
        Duration::from_millis(kafka.stall_timeout_ms),
        kafka.isolate_after_aborts,
        shutdown.clone(),
    );
    let mut carried = Carried::default();
    let result = loop {
        let session = Session::start(spec, kafka, metrics, &progress, &shutdown);
        let end = match session {
            Ok(mut session) => session.run(&mut transform, &mut carried),
            Err(e) => Err(e),
        };
        match end {
            Ok(SessionEnd::Shutdown) => break Ok(()),
            Ok(SessionEnd::Reconnect(why)) => {
                // Seen after a broker restart (the coordinator takes our own rejoin for
                // another member with our static id) and when a topic's limit changed:
                // nothing is lost (the uncommitted batch is read again); start over
                // with fresh clients.
                transform.aborted();
                progress.assigned(false);
                tracing::warn!(stage = %spec.name, reason = %why, "starting again with new Kafka clients");
                if sleep_unless_shutdown(&shutdown, Duration::from_secs(1)) {
                    break Ok(());
                }
            }
            Err(e) => {
                transform.aborted();
                progress.failed(e.to_string());
                break Err(e);
            }
        }
    };
    if result.is_ok() {
        let _ = watchdog.join();
    }
    result
}

/// Why a session with one consumer and one producer ended.
enum SessionEnd {
    Shutdown,
    /// The clients must be replaced (consumer fenced, limits changed); a new session
    /// can go on.
    Reconnect(String),
}

/// What outlives a session: events known to be poison, failure counts.
#[derive(Default)]
struct Carried {
    /// Events to set aside when they are read again, until the dead letter commits.
    poisoned: HashMap<EventKey, Rejection>,
    /// Events whose full dead letter the broker refused: write the stub.
    stub_only: HashSet<EventKey>,
    /// Unclassified failures of an event processed alone.
    alone_failures: HashMap<EventKey, u32>,
    /// Aborts in a row of the batch starting at these offsets.
    consecutive: u32,
    batch_start: Vec<(String, i32, i64)>,
    /// Process one event per transaction until every partition is past these offsets.
    isolate_until: HashMap<(String, i32), i64>,
    /// An event was set aside for an unclassified failure and nothing has committed
    /// since: if the next event fails the same way the failure is not the events' but
    /// the broker's, and nothing more is set aside for it.
    unclassified_set_aside: bool,
}

type EventKey = (String, i32, i64);

fn event_key(m: &BorrowedMessage<'_>) -> EventKey {
    (m.topic().to_string(), m.partition(), m.offset())
}

/// How an attempt at a transaction ended, when it did not commit.
enum AttemptError {
    /// The event at this index of the attempted events must be set aside; redo.
    Poison(usize, Rejection),
    /// Nothing to blame on an event.
    Kafka(KafkaError),
    /// Limits changed under us: new clients, which read them again.
    LimitsChanged(String),
    /// The broker refused the dead letter of the event at this index: write its stub.
    DeadLetterRefused(usize),
    /// Not the event's fault and not Kafka's: an operator must act (the dead-letter
    /// topic cannot hold even a stub). Retried, and reported.
    Stuck(String),
}

/// What the events of an attempt give: the records to produce (with the index of the
/// event each comes from) and the dead letters among them.
struct Plan<'r> {
    outputs: Vec<(usize, OutputRecord)>,
    /// The stage's span of each event, in the event's trace (`traceparent` of its
    /// outputs, `trace_id` of its log lines).
    traces: Vec<TraceParent>,
    /// Event index, why, and whether the payload had to be left out.
    dead: Vec<(usize, std::borrow::Cow<'r, Rejection>, bool)>,
}

/// How a batch ended.
enum BatchEnd {
    Committed,
    /// Not committed; the events from these offsets on are read again.
    Retry {
        error: String,
        class: FailureClass,
        rewind_from: usize,
    },
    Fatal(KafkaError),
    Reconnect(String),
    Shutdown,
}

/// What a failed attempt over events from `first` on leaves to do.
enum Settled {
    /// An event was set aside (or its dead letter must be a stub): redo at once.
    Redo,
    End(BatchEnd),
    /// A Kafka failure no event is blamed for, and its class.
    Kafka(KafkaError, FailureClass),
}

/// Records what `error` says about the events (`index` counts from `first` in `batch`).
fn settle(
    error: AttemptError,
    batch: &[BorrowedMessage<'_>],
    first: usize,
    carried: &mut Carried,
) -> Settled {
    match error {
        AttemptError::Poison(i, rejection) => {
            carried
                .poisoned
                .insert(event_key(&batch[first + i]), rejection);
            Settled::Redo
        }
        AttemptError::DeadLetterRefused(i) => {
            carried.stub_only.insert(event_key(&batch[first + i]));
            Settled::Redo
        }
        AttemptError::LimitsChanged(why) => Settled::End(BatchEnd::Reconnect(why)),
        AttemptError::Stuck(error) => Settled::End(BatchEnd::Retry {
            error,
            class: FailureClass::Transient,
            rewind_from: first,
        }),
        AttemptError::Kafka(e) => match classify(&e) {
            FailureClass::Fatal => Settled::End(BatchEnd::Fatal(e)),
            class => Settled::Kafka(e, class),
        },
    }
}

struct Session<'a> {
    spec: &'a StageSpec,
    kafka: &'a KafkaSettings,
    metrics: &'a Metrics,
    progress: &'a StageProgress,
    shutdown: &'a Shutdown,
    consumer: BaseConsumer<StageContext>,
    producer: StageProducer,
    deliveries: Arc<Deliveries>,
    limits: RecordLimits,
    /// The producer's `batch.size`, made for the limits read at the session's start.
    batch_size: usize,
    reassigned: Arc<AtomicBool>,
    txn_timeout: Duration,
    last_lag_sample: Instant,
    /// Per input partition, the offset this session last committed for the group (see
    /// [`Session::commit_past_markers`]).
    committed_to: HashMap<(String, i32), i64>,
    /// Since when polls have found nothing; `None` while events come.
    idle_since: Option<Instant>,
    /// A rewind failed since the last committed batch: the position may be past events
    /// not committed, so it is not committed on its own.
    rewind_failed: bool,
}

impl<'a> Session<'a> {
    fn start(
        spec: &'a StageSpec,
        kafka: &'a KafkaSettings,
        metrics: &'a Metrics,
        progress: &'a StageProgress,
        shutdown: &'a Shutdown,
    ) -> Result<Self, StageError> {
        let client_err = |source| StageError::Client {
            stage: spec.name.clone(),
            source,
        };
        let reassigned = Arc::new(AtomicBool::new(false));
        let context = StageContext {
            stage: spec.name.clone(),
            metrics: metrics.clone(),
            progress: progress.clone(),
            reassigned: reassigned.clone(),
        };
        let client_id = format!("newswire-{}", spec.name);
        let consumer: BaseConsumer<StageContext> =
            consumer_config(kafka, &client_id, &spec.group_id, &spec.transactional_id)
                .create_with_context(context)
                .map_err(client_err)?;
        let limits = RecordLimits::read_blocking(kafka, &spec.produced_topics());
        let deliveries = Arc::new(Deliveries::default());
        let batch_size = batch_size_for(&limits, &spec.produced_topics());
        let producer: StageProducer =
            transactional_producer_config(kafka, &client_id, &spec.transactional_id)
                .set("batch.size", batch_size.to_string())
                .create_with_context(DeliveryContext(deliveries.clone()))
                .map_err(client_err)?;
        let txn_timeout = Duration::from_millis(u64::from(kafka.transaction_timeout_ms));
        let session = Self {
            spec,
            kafka,
            metrics,
            progress,
            shutdown,
            consumer,
            producer,
            deliveries,
            limits,
            batch_size,
            reassigned,
            txn_timeout,
            last_lag_sample: Instant::now(),
            committed_to: HashMap::new(),
            idle_since: None,
            rewind_failed: false,
        };
        // Also aborts whatever a previous incarnation of this instance left open.
        session
            .retry_until_shutdown("init_transactions", || {
                session.producer.init_transactions(txn_timeout)
            })
            .map_err(|source| StageError::Fatal {
                stage: spec.name.clone(),
                source,
            })?;
        session
            .consumer
            .subscribe(&[&spec.input_topic])
            .map_err(client_err)?;
        tracing::info!(stage = %spec.name, input = %spec.input_topic, transactional_id = %spec.transactional_id, "stage started");
        Ok(session)
    }

    fn run<T: Transform>(
        &mut self,
        transform: &mut T,
        carried: &mut Carried,
    ) -> Result<SessionEnd, StageError> {
        let fatal = |source| StageError::Fatal {
            stage: self.spec.name.clone(),
            source,
        };
        let batch_wait = Duration::from_millis(self.kafka.batch_max_wait_ms);
        while !self.shutdown.is_triggered() {
            let batch = match read_batch(
                &self.consumer,
                self.kafka.batch_max_events,
                batch_wait,
                &self.spec.name,
            ) {
                Ok(batch) => batch,
                Err(e) => return Ok(SessionEnd::Reconnect(format!("consumer: {e}"))),
            };
            // Polling is what runs the rebalance callback, so the flag is checked after it.
            if self.reassigned.swap(false, Ordering::SeqCst) {
                transform.reassigned();
                // A topic's limit may have changed while another instance had the
                // partitions. (A batch whose records need a larger batch size than
                // the producer was made with is refused by the broker, and that
                // starts a new session, with a new producer.)
                self.limits = RecordLimits::read_blocking(self.kafka, &self.spec.produced_topics());
            }
            if batch.is_empty() {
                self.progress.idle(self.lags(&[]));
                let idle_since = *self.idle_since.get_or_insert_with(Instant::now);
                if idle_since.elapsed() >= IDLE_BEFORE_MARKER_COMMIT {
                    if let Err(e) = self.commit_past_markers() {
                        if classify(&e) == FailureClass::Fatal {
                            return Err(fatal(e));
                        }
                        // The producer may be left mid-commit: new clients, as after
                        // any session's failure.
                        return Ok(SessionEnd::Reconnect(format!(
                            "committing past transaction markers: {e}"
                        )));
                    }
                }
                continue;
            }
            self.idle_since = None;
            BatchRead {
                stage: &self.spec.name,
                events: batch.len(),
            }
            .emit(self.metrics);
            self.progress.holding(
                batch.len(),
                batch.iter().filter_map(|m| m.timestamp().to_millis()).min(),
            );
            if self.last_lag_sample.elapsed() > Duration::from_millis(500) {
                self.progress.lags(self.lags(&batch));
                self.last_lag_sample = Instant::now();
            }
            let isolating = batch.iter().any(|m| {
                carried
                    .isolate_until
                    .get(&(m.topic().to_string(), m.partition()))
                    .is_some_and(|&end| m.offset() < end)
            });
            let end = if isolating {
                self.process_alone(&batch, transform, carried)
            } else {
                self.process_batch(&batch, transform, carried)
            };
            match end {
                BatchEnd::Committed => {
                    self.committed_to.extend(next_offsets_by_partition(&batch));
                    self.rewind_failed = false;
                    carried.consecutive = 0;
                    carried.batch_start.clear();
                    carried.isolate_until.retain(|(topic, partition), end| {
                        !batch.iter().any(|m| {
                            m.topic() == topic
                                && m.partition() == *partition
                                && m.offset() + 1 >= *end
                        })
                    });
                    self.progress.committed();
                }
                BatchEnd::Retry {
                    error,
                    class,
                    rewind_from,
                } => {
                    let start = batch_start(&batch[rewind_from..]);
                    if start == carried.batch_start {
                        carried.consecutive += 1;
                    } else {
                        carried.consecutive = 1;
                        carried.batch_start = start;
                    }
                    self.progress.aborted(carried.consecutive, error.clone());
                    if class == FailureClass::Unclassified
                        && carried.consecutive >= self.kafka.isolate_after_aborts
                        && carried.isolate_until.is_empty()
                    {
                        BatchIsolated {
                            stage: &self.spec.name,
                            events: batch.len() - rewind_from,
                            error: &error,
                        }
                        .emit(self.metrics);
                        carried.isolate_until = next_offsets_by_partition(&batch[rewind_from..]);
                    }
                    // Partitions lost in a rebalance cannot be rewound; their new owner
                    // starts from the last committed offset, which is the same place.
                    self.rewind_failed |= !rewind(&self.consumer, &batch[rewind_from..]);
                    if sleep_unless_shutdown(self.shutdown, backoff(carried.consecutive)) {
                        break;
                    }
                }
                BatchEnd::Fatal(e) => return Err(fatal(e)),
                BatchEnd::Reconnect(why) => {
                    rewind(&self.consumer, &batch);
                    return Ok(SessionEnd::Reconnect(why));
                }
                BatchEnd::Shutdown => {
                    rewind(&self.consumer, &batch);
                    break;
                }
            }
        }
        tracing::info!(stage = %self.spec.name, "stage stopped");
        Ok(SessionEnd::Shutdown)
    }

    /// The whole batch in one transaction, redone without each event found poison.
    fn process_batch<T: Transform>(
        &self,
        batch: &[BorrowedMessage<'_>],
        transform: &mut T,
        carried: &mut Carried,
    ) -> BatchEnd {
        loop {
            let error = match self.attempt(batch, transform, carried) {
                Ok(()) => {
                    self.forget_committed(batch, carried);
                    return BatchEnd::Committed;
                }
                Err(e) => e,
            };
            match settle(error, batch, 0, carried) {
                Settled::Redo => {}
                Settled::End(end) => return end,
                Settled::Kafka(e, class) => {
                    return BatchEnd::Retry {
                        error: e.to_string(),
                        class,
                        rewind_from: 0,
                    }
                }
            }
        }
    }

    /// One event per transaction, to find the event a batch keeps failing on.
    fn process_alone<T: Transform>(
        &self,
        batch: &[BorrowedMessage<'_>],
        transform: &mut T,
        carried: &mut Carried,
    ) -> BatchEnd {
        for i in 0..batch.len() {
            let one = &batch[i..=i];
            loop {
                if self.shutdown.is_triggered() {
                    return BatchEnd::Shutdown;
                }
                let error = match self.attempt(one, transform, carried) {
                    Ok(()) => {
                        self.forget_committed(one, carried);
                        break;
                    }
                    Err(e) => e,
                };
                let (e, class) = match settle(error, batch, i, carried) {
                    Settled::Redo => continue,
                    Settled::End(end) => return end,
                    Settled::Kafka(e, class) => (e, class),
                };
                if class == FailureClass::Unclassified {
                    let key = event_key(&batch[i]);
                    let failures = carried.alone_failures.entry(key.clone()).or_default();
                    *failures += 1;
                    if *failures >= self.kafka.isolate_after_aborts
                        && !carried.unclassified_set_aside
                        && self.broker_answers()
                    {
                        let message = format!(
                            "its transaction failed {failures} times with only this event in it, while the broker answered: {e}"
                        );
                        carried.unclassified_set_aside = true;
                        carried
                            .poisoned
                            .insert(key, Rejection::new(DeadLetterKind::Unclassified, message));
                        continue;
                    }
                }
                return BatchEnd::Retry {
                    error: e.to_string(),
                    class,
                    rewind_from: i,
                };
            }
            self.progress.committed();
        }
        BatchEnd::Committed
    }

    fn forget_committed(&self, events: &[BorrowedMessage<'_>], carried: &mut Carried) {
        let set_aside_now = events.iter().any(|m| {
            carried
                .poisoned
                .get(&event_key(m))
                .is_some_and(|r| r.kind == DeadLetterKind::Unclassified)
        });
        // A commit of other events shows the broker takes records again.
        if events.len() > 1 || !set_aside_now {
            carried.unclassified_set_aside = false;
        }
        for m in events {
            let key = event_key(m);
            carried.poisoned.remove(&key);
            carried.stub_only.remove(&key);
            carried.alone_failures.remove(&key);
        }
    }

    /// One transaction over `events`: transform (or set aside) each, check every
    /// record's size, produce, send the offsets, commit.
    fn attempt<T: Transform>(
        &self,
        events: &[BorrowedMessage<'_>],
        transform: &mut T,
        carried: &Carried,
    ) -> Result<(), AttemptError> {
        let started = Instant::now();
        let plan = match self.plan(events, transform, carried) {
            Ok(plan) => plan,
            Err(e) => {
                transform.aborted();
                return Err(e);
            }
        };
        if let Err(e) = self.transact(events, &plan.outputs) {
            transform.aborted();
            let (class, error) = match &e {
                AttemptError::Poison(n, r) => (
                    "poison",
                    format!("event at offset {} set aside: {r}", events[plan.outputs[*n].0].offset()),
                ),
                AttemptError::DeadLetterRefused(n) => (
                    "poison",
                    format!(
                        "the dead letter of the event at offset {} was refused; writing it without its payload",
                        events[plan.outputs[*n].0].offset()
                    ),
                ),
                AttemptError::LimitsChanged(why) => ("limits_changed", why.clone()),
                AttemptError::Stuck(why) => ("stuck", why.clone()),
                AttemptError::Kafka(k) => (classify(k).as_str(), k.to_string()),
            };
            if let Err(abort) = self.producer.abort_transaction(self.txn_timeout) {
                if classify(&abort) == FailureClass::Fatal {
                    return Err(AttemptError::Kafka(abort));
                }
            }
            TransactionAborted {
                stage: &self.spec.name,
                error,
                class,
                events: events.len(),
                consecutive: carried.consecutive + 1,
            }
            .emit(self.metrics);
            // Output indices become event indices.
            return Err(match e {
                AttemptError::Poison(n, r) => AttemptError::Poison(plan.outputs[n].0, r),
                AttemptError::DeadLetterRefused(n) => {
                    AttemptError::DeadLetterRefused(plan.outputs[n].0)
                }
                other => other,
            });
        }
        transform.committed();
        for (i, m) in events.iter().enumerate() {
            let _story = self.story_span(m, &plan.traces[i]).entered();
            tracing::info!(
                outputs = plan.outputs.iter().filter(|(e, _)| *e == i).count(),
                "story passed the stage"
            );
        }
        // Told only now: these dead letters are committed.
        for (i, why, stub) in &plan.dead {
            let m = &events[*i];
            let _story = self.story_span(m, &plan.traces[*i]).entered();
            EventDeadLettered {
                stage: &self.spec.name,
                kind: why.kind.as_str(),
                field: why.field.as_deref(),
                reason: &why.message,
                topic: m.topic(),
                partition: m.partition(),
                offset: m.offset(),
            }
            .emit(self.metrics);
            if *stub {
                DeadLetterPayloadDropped {
                    stage: &self.spec.name,
                    topic: m.topic(),
                    partition: m.partition(),
                    offset: m.offset(),
                    size: m.payload().map_or(0, <[u8]>::len),
                    limit: self.limits.limit(&self.spec.deadletter_topic),
                }
                .emit(self.metrics);
            }
        }
        TransactionCommitted {
            stage: &self.spec.name,
            events: events.len(),
            produced: (plan.outputs.len() - plan.dead.len()) as u64,
            elapsed: started.elapsed(),
        }
        .emit(self.metrics);
        Ok(())
    }

    /// Everything `events` give, before anything is produced: each event's records, or
    /// its dead letter. An event that makes the transform panic, or whose record is
    /// larger than its topic takes, comes back as `Poison` (the transform's state for
    /// the batch is then dropped, and the batch redone without it).
    fn plan<'r, T: Transform>(
        &self,
        events: &[BorrowedMessage<'_>],
        transform: &mut T,
        carried: &'r Carried,
    ) -> Result<Plan<'r>, AttemptError> {
        let mut plan = Plan {
            outputs: Vec::with_capacity(events.len()),
            traces: Vec::with_capacity(events.len()),
            dead: Vec::new(),
        };
        for (i, m) in events.iter().enumerate() {
            // The story's trace goes on through this stage: a child span of the
            // event's `traceparent` (a new trace for an event that has none, say one
            // written before traces existed).
            let received = m.headers().and_then(TraceParent::from_headers);
            let trace = received.map_or_else(TraceParent::new_root, |t| t.child());
            let state = received
                .and(m.headers())
                .and_then(state_from_headers)
                .map(str::to_owned);
            plan.traces.push(trace);
            let _story = self.story_span(m, &trace).entered();
            let key = event_key(m);
            if let Some(why) = carried.poisoned.get(&key) {
                let (record, stub) = self.dead_letter(m, why, carried.stub_only.contains(&key))?;
                plan.outputs
                    .push((i, traced(record, &trace, state.as_deref())));
                plan.dead.push((i, std::borrow::Cow::Borrowed(why), stub));
                continue;
            }
            match catch_unwind(AssertUnwindSafe(|| transform.apply(m))) {
                Err(panic) => {
                    return Err(AttemptError::Poison(
                        i,
                        Rejection::new(
                            DeadLetterKind::TransformPanic,
                            format!(
                                "the {} stage panicked: {}",
                                self.spec.name,
                                panic_message(&panic)
                            ),
                        ),
                    ))
                }
                Ok(Err(rejection)) => {
                    let (record, stub) =
                        self.dead_letter(m, &rejection, carried.stub_only.contains(&key))?;
                    plan.outputs
                        .push((i, traced(record, &trace, state.as_deref())));
                    plan.dead
                        .push((i, std::borrow::Cow::Owned(rejection), stub));
                }
                Ok(Ok(records)) => {
                    for record in records {
                        let record = traced(record, &trace, state.as_deref());
                        let size = record_size(
                            record.key.as_deref(),
                            record.payload.as_deref(),
                            &record.headers,
                        );
                        if size > self.limits.limit(&record.topic) {
                            // Before an event is set aside for its size, the limits are
                            // asked again: an operator may have raised them (to let a
                            // replayed event through).
                            let fresh = RecordLimits::read_blocking(
                                self.kafka,
                                &self.spec.produced_topics(),
                            );
                            let limit = fresh.limit(&record.topic);
                            if size <= limit {
                                return Err(AttemptError::LimitsChanged(format!(
                                    "the record limits changed ({} now takes {limit} bytes, enough for a {size}-byte record)",
                                    record.topic
                                )));
                            }
                            return Err(AttemptError::Poison(
                                i,
                                too_large(size, &record.topic, limit),
                            ));
                        }
                        plan.outputs.push((i, record));
                    }
                }
            }
        }
        Ok(plan)
    }

    /// Produces `outputs` and commits them with the offsets after `events`. A record the
    /// broker refuses for itself comes back as `Poison` with the index into `outputs`.
    fn transact(
        &self,
        events: &[BorrowedMessage<'_>],
        outputs: &[(usize, OutputRecord)],
    ) -> Result<(), AttemptError> {
        let attempt = self.deliveries.attempt.fetch_add(1, Ordering::SeqCst) + 1;
        self.deliveries
            .failures
            .lock()
            .expect("deliveries lock")
            .clear();
        self.producer
            .begin_transaction()
            .map_err(AttemptError::Kafka)?;
        for (n, (_, record)) in outputs.iter().enumerate() {
            let opaque = ((attempt as usize) << 32) | n;
            if let Err(e) = send(&self.producer, record, opaque, self.txn_timeout) {
                return Err(self.blame(n, record, e));
            }
        }
        let offsets = next_offsets(events).map_err(AttemptError::Kafka)?;
        let group = self.consumer.group_metadata().ok_or(AttemptError::Kafka(
            KafkaError::ConsumerCommit(RDKafkaErrorCode::State),
        ))?;
        let offsets_result =
            self.producer
                .send_offsets_to_transaction(&offsets, &group, self.txn_timeout);
        wait_delivered(&self.producer, self.txn_timeout);
        if let Some(e) = self.delivery_failure(outputs) {
            return Err(e);
        }
        offsets_result.map_err(AttemptError::Kafka)?;
        match commit_with_retry(&self.producer, self.txn_timeout, self.shutdown) {
            Ok(()) => Ok(()),
            Err(e) => Err(self
                .delivery_failure(outputs)
                .unwrap_or(AttemptError::Kafka(e))),
        }
    }

    /// The first delivery failure of this attempt that is a record's own, blamed.
    fn delivery_failure(&self, outputs: &[(usize, OutputRecord)]) -> Option<AttemptError> {
        let failures = self
            .deliveries
            .failures
            .lock()
            .expect("deliveries lock")
            .clone();
        let mut first_transient = None;
        for (n, error) in failures {
            let Some((_, record)) = outputs.get(n) else {
                continue;
            };
            if matches!(
                error.rdkafka_error_code(),
                Some(RDKafkaErrorCode::PurgeQueue | RDKafkaErrorCode::PurgeInflight)
            ) {
                // Records purged because the transaction failed for another reason:
                // that reason, not the purge, is what happened.
                continue;
            }
            match self.blame(n, record, error) {
                e @ (AttemptError::Poison(..)
                | AttemptError::LimitsChanged(_)
                | AttemptError::DeadLetterRefused(_)
                | AttemptError::Stuck(_)) => return Some(e),
                e => {
                    first_transient.get_or_insert(e);
                }
            }
        }
        first_transient
    }

    /// What a failure to produce `record` (output number `n`) means.
    fn blame(&self, n: usize, record: &OutputRecord, error: KafkaError) -> AttemptError {
        let class = classify(&error);
        if !class.is_permanent() {
            return AttemptError::Kafka(error);
        }
        if record.topic == self.spec.deadletter_topic {
            // A dead letter refused: write the stub instead, or if it was the stub,
            // keep the events and retry (not ready until an operator fixes the topic).
            return if record.payload.is_some() {
                AttemptError::DeadLetterRefused(n)
            } else {
                AttemptError::Stuck(format!(
                    "{} refused even a dead letter without payload: {error}",
                    record.topic
                ))
            };
        }
        let size = record_size(
            record.key.as_deref(),
            record.payload.as_deref(),
            &record.headers,
        );
        if class == FailureClass::TooLarge {
            // We measured the record as fitting: the limits may have been lowered, or
            // the producer's batches made for the old limits are now too large.
            let topics = self.spec.produced_topics();
            let fresh = RecordLimits::read_blocking(self.kafka, &topics);
            if fresh.limit(&record.topic) != self.limits.limit(&record.topic)
                || self.batch_size > batch_size_for(&fresh, &topics)
            {
                return AttemptError::LimitsChanged(format!(
                    "{} refused a {size}-byte record as too large; its limits changed",
                    record.topic
                ));
            }
            return AttemptError::Poison(
                n,
                Rejection::new(
                    DeadLetterKind::TooLarge,
                    format!(
                        "output too large: the broker refused {size} bytes for {} (known limit {}): {error}",
                        record.topic,
                        self.limits.limit(&record.topic)
                    ),
                ),
            );
        }
        AttemptError::Poison(
            n,
            Rejection::new(
                DeadLetterKind::RejectedByBroker,
                format!("{} refused the output record: {error}", record.topic),
            ),
        )
    }

    /// The dead letter of `m`: whole if it fits the dead-letter topic (and the broker did
    /// not refuse it before), else without its payload; `true` with the stub.
    fn dead_letter(
        &self,
        m: &BorrowedMessage<'_>,
        why: &Rejection,
        stub_only: bool,
    ) -> Result<(OutputRecord, bool), AttemptError> {
        let topic = &self.spec.deadletter_topic;
        let limit = self.limits.limit(topic);
        let fits = |r: &OutputRecord| {
            record_size(r.key.as_deref(), r.payload.as_deref(), &r.headers) <= limit
        };
        if !stub_only {
            let whole = dead_letter_record(m, topic, &self.spec.name, why);
            if fits(&whole) {
                return Ok((whole, false));
            }
        }
        let stub = dead_letter_stub(m, topic, &self.spec.name, why);
        if fits(&stub) {
            return Ok((stub, true));
        }
        Err(AttemptError::Stuck(format!(
            "{topic} takes at most {limit} bytes, too few for even a dead letter without payload"
        )))
    }

    /// Log lines about event `m` go in this span (see [`crate::trace`]).
    fn story_span(&self, m: &BorrowedMessage<'_>, trace: &TraceParent) -> tracing::Span {
        let id = m.key().map(String::from_utf8_lossy).unwrap_or_default();
        story_span(&self.spec.name, &id, trace)
    }

    /// Lag per assigned partition: the high watermark minus where the stage stands (the
    /// first event in hand, else the consumer's position, which is past transaction
    /// markers). Local calls only: what the last fetch told.
    fn lags(&self, in_hand: &[BorrowedMessage<'_>]) -> Vec<(String, i32, i64)> {
        let Ok(position) = self.consumer.position() else {
            return Vec::new();
        };
        let first = batch_start(in_hand);
        let mut out = Vec::new();
        for e in position.elements() {
            let (topic, partition) = (e.topic(), e.partition());
            let Some(high) = cached_high_watermark(&self.consumer, topic, partition) else {
                continue;
            };
            let at = first
                .iter()
                .find(|(t, p, _)| t == topic && *p == partition)
                .map(|(_, _, o)| *o)
                .or(match e.offset() {
                    Offset::Offset(o) => Some(o),
                    _ => None,
                });
            if let Some(at) = at {
                out.push((topic.to_string(), partition, (high - at).max(0)));
            }
        }
        out
    }

    /// Commits the group's offsets up to the consumer's position where it has passed
    /// records that no event stands for: transaction markers (one after every
    /// transaction that wrote a partition, at an offset of its own) and aborted records,
    /// which a `read_committed` consumer skips. A batch commits the offset after its last
    /// event, so without this the group stays one offset short of the high watermark
    /// after a partition's last transaction, and lag read from the group (the wire
    /// monitor's operations view, `kafka-consumer-groups.sh`) calls an idle stage behind,
    /// then stalled. Called once polls have found nothing for
    /// [`IDLE_BEFORE_MARKER_COMMIT`]: every event read before was committed or rewound
    /// (a rewind sets the position back; after a failed one nothing is committed here
    /// until a batch commits). An offsets-only transaction, which writes no marker to any
    /// topic we read. An error leaves the producer in a state only new clients undo: the
    /// caller ends the session.
    fn commit_past_markers(&mut self) -> KafkaResult<()> {
        if self.rewind_failed {
            return Ok(());
        }
        let Ok(position) = self.consumer.position() else {
            return Ok(());
        };
        let mut ahead = TopicPartitionList::new();
        let mut moved = Vec::new();
        for e in position.elements() {
            let Offset::Offset(at) = e.offset() else {
                continue;
            };
            let key = (e.topic().to_string(), e.partition());
            if self.committed_to.get(&key).is_some_and(|&c| c >= at) {
                continue;
            }
            ahead.add_partition_offset(e.topic(), e.partition(), Offset::Offset(at))?;
            moved.push((key, at));
        }
        if moved.is_empty() {
            return Ok(());
        }
        let group = self
            .consumer
            .group_metadata()
            .ok_or(KafkaError::ConsumerCommit(RDKafkaErrorCode::State))?;
        self.producer.begin_transaction()?;
        self.producer
            .send_offsets_to_transaction(&ahead, &group, self.txn_timeout)?;
        commit_with_retry(&self.producer, self.txn_timeout, self.shutdown)?;
        self.committed_to.extend(moved);
        Ok(())
    }

    /// Whether the broker answers a metadata request for our output: before an event is
    /// blamed for an unclassified failure, the broker must be shown not to be the cause.
    fn broker_answers(&self) -> bool {
        self.producer
            .client()
            .fetch_metadata(Some(&self.spec.deadletter_topic), Duration::from_secs(5))
            .is_ok_and(|m| m.topics().iter().all(|t| t.error().is_none()))
    }

    fn retry_until_shutdown(
        &self,
        what: &str,
        mut op: impl FnMut() -> KafkaResult<()>,
    ) -> KafkaResult<()> {
        let mut tries = 0;
        loop {
            match op() {
                Ok(()) => return Ok(()),
                Err(e) if classify(&e) == FailureClass::Fatal || self.shutdown.is_triggered() => {
                    return Err(e)
                }
                Err(e) => {
                    tries += 1;
                    tracing::warn!(stage = %self.spec.name, error = %e, "{what} failed; retrying");
                    if sleep_unless_shutdown(self.shutdown, backoff(tries)) {
                        return Err(e);
                    }
                }
            }
        }
    }
}

/// The producer's `batch.size`: a batch of small records must not outgrow the smallest
/// limit of the topics it writes to (the broker compares whole batches with it).
/// `record` in the story's trace: with the stage's `traceparent` unless it carries one
/// (a whole dead letter keeps the event's own headers, and so its trace).
fn traced(mut record: OutputRecord, trace: &TraceParent, state: Option<&str>) -> OutputRecord {
    if TraceParent::from_headers(&record.headers).is_none() {
        record.headers = trace.add_to(record.headers, state);
    }
    record
}

fn batch_size_for(limits: &RecordLimits, topics: &[&str]) -> usize {
    limits.smallest(topics).saturating_sub(512).max(1_000)
}

fn too_large(size: usize, topic: &str, limit: usize) -> Rejection {
    Rejection::new(
        DeadLetterKind::TooLarge,
        format!(
            "output too large: {} bytes for {topic}, limit {}",
            thousands(size),
            thousands(limit)
        ),
    )
}

/// `1183204` → `1,183,204`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// 200 ms doubling to 10 s, with a little jitter so replicas do not retry in step.
fn backoff(attempt: u32) -> Duration {
    let base = 200u64
        .saturating_mul(1 << attempt.min(6).saturating_sub(1))
        .min(10_000);
    let jitter = u64::from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos()),
    ) % (base / 5 + 1);
    Duration::from_millis(base + jitter)
}

/// Sleeps `pause` in small steps; `true` when shutdown came meanwhile.
fn sleep_unless_shutdown(shutdown: &Shutdown, pause: Duration) -> bool {
    let until = Instant::now() + pause;
    while Instant::now() < until {
        if shutdown.is_triggered() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20).min(pause));
    }
    shutdown.is_triggered()
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

fn send(
    producer: &StageProducer,
    record: &OutputRecord,
    opaque: usize,
    timeout: Duration,
) -> KafkaResult<()> {
    let started = Instant::now();
    let mut base: BaseRecord<'_, [u8], [u8], usize> =
        BaseRecord::with_opaque_to(&record.topic, opaque).headers(record.headers.clone());
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

/// How long a stage's polls find nothing before it commits past transaction markers
/// (see `Session::commit_past_markers`): once a burst is over, not between its batches.
const IDLE_BEFORE_MARKER_COMMIT: Duration = Duration::from_secs(1);

fn commit_with_retry(
    producer: &StageProducer,
    timeout: Duration,
    shutdown: &Shutdown,
) -> KafkaResult<()> {
    let mut tries = 0;
    loop {
        match producer.commit_transaction(timeout) {
            Err(KafkaError::Transaction(e)) if e.is_retriable() && !shutdown.is_triggered() => {
                tries += 1;
                tracing::warn!(error = %e, "commit_transaction: retrying");
                std::thread::sleep(backoff(tries));
            }
            other => return other,
        }
    }
}

/// The offset after the last event of each partition in the batch.
fn next_offsets(batch: &[BorrowedMessage<'_>]) -> KafkaResult<TopicPartitionList> {
    let mut tpl = TopicPartitionList::new();
    for ((topic, partition), next) in next_offsets_by_partition(batch) {
        tpl.add_partition_offset(&topic, partition, Offset::Offset(next))?;
    }
    Ok(tpl)
}

fn next_offsets_by_partition(batch: &[BorrowedMessage<'_>]) -> HashMap<(String, i32), i64> {
    let mut last: BTreeMap<(&str, i32), i64> = BTreeMap::new();
    for m in batch {
        last.insert((m.topic(), m.partition()), m.offset());
    }
    last.into_iter()
        .map(|((t, p), o)| ((t.to_string(), p), o + 1))
        .collect()
}

/// The first offset of each partition in `batch`, sorted.
fn batch_start(batch: &[BorrowedMessage<'_>]) -> Vec<(String, i32, i64)> {
    let mut first: BTreeMap<(&str, i32), i64> = BTreeMap::new();
    for m in batch {
        first
            .entry((m.topic(), m.partition()))
            .or_insert(m.offset());
    }
    first
        .into_iter()
        .map(|((t, p), o)| (t.to_string(), p, o))
        .collect()
}

/// The high watermark of a partition as the consumer's last fetch reported it (no
/// request to the broker: `rd_kafka_get_watermark_offsets`, which rdkafka does not wrap).
fn cached_high_watermark(
    consumer: &BaseConsumer<StageContext>,
    topic: &str,
    partition: i32,
) -> Option<i64> {
    let topic = std::ffi::CString::new(topic).ok()?;
    let (mut low, mut high) = (-1i64, -1i64);
    // SAFETY: the client handle lives as long as `consumer`; the call only reads the
    // partition's cached offsets into the two integers.
    let err = unsafe {
        rdkafka::bindings::rd_kafka_get_watermark_offsets(
            consumer.client().native_ptr(),
            topic.as_ptr(),
            partition,
            &mut low,
            &mut high,
        )
    };
    (err == rdkafka::bindings::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0)
        .then_some(high)
}

/// Seeks each partition back to the batch's first event so it is read again.
/// Sets each partition of `batch` back to its first event; false when a seek failed.
fn rewind(consumer: &BaseConsumer<StageContext>, batch: &[BorrowedMessage<'_>]) -> bool {
    let mut all = true;
    for (topic, partition, offset) in batch_start(batch) {
        if let Err(e) = consumer.seek(
            &topic,
            partition,
            Offset::Offset(offset),
            Duration::from_secs(5),
        ) {
            tracing::warn!(topic, partition, error = %e, "could not rewind partition");
            all = false;
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_written_with_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_183_204), "1,183,204");
        let r = too_large(1_183_204, "articles.enriched", 1_048_588);
        assert_eq!(
            r.message,
            "output too large: 1,183,204 bytes for articles.enriched, limit 1,048,588"
        );
        assert_eq!(r.kind, DeadLetterKind::TooLarge);
    }

    #[test]
    fn backoff_grows_and_is_bounded() {
        assert!(backoff(1) >= Duration::from_millis(200));
        assert!(backoff(1) < Duration::from_millis(300));
        assert!(backoff(3) >= Duration::from_millis(800));
        assert!(backoff(50) <= Duration::from_millis(12_000));
    }
}
