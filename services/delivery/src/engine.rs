//! The Kafka side of delivery, on a thread of its own: reads `articles.enriched` as a
//! member of the delivery group, decides each version for every destination
//! ([`crate::policy::decide`]), queues it, and commits what was delivered to the
//! ledger together with the input offsets, in one Kafka transaction.
//!
//! End-to-end acknowledgement, as Vector's Kafka source does it: the offset committed
//! for a partition never passes a version some destination is still owed (waiting,
//! held for its embargo, in flight, or backing off), so after a crash or a rebalance
//! whoever takes the partition reads again from there; the ledger, read back for the
//! partitions it was given before anything else, says what each destination already
//! has, so nothing is sent twice and a kill still finds everyone who had the story.
//! The only repeats are deliveries that completed after the last commit (at most
//! `delivery.commit_interval_ms` of them): they go again under the same `webhook-id`.

use crate::ledger::{self, Entry, Record};
use crate::policy::{decide, StoryVersion};
use crate::queue::{Item, Received, TargetQueue};
use crate::render::{render, Rendered};
use crate::target::{Ack, Target};
use chrono::{DateTime, Utc};
use newswire_shared::article::{Signal, Status};
use newswire_shared::config::Format;
use newswire_shared::formats::Provider;
use newswire_shared::health::Readiness;
use newswire_shared::kafka::failure::{classify, FailureClass};
use newswire_shared::kafka::{
    consumer_config, decode_keyed_article, partition_count, reader_config, replay_partitions,
    transactional_producer_config, wait_delivered, Settling,
};
use newswire_shared::shutdown::Shutdown;
use newswire_shared::telemetry::events::{TransactionAborted, TransactionCommitted};
use newswire_shared::telemetry::{catalog, Metrics};
use newswire_shared::trace::TraceParent;
use newswire_shared::validate::Stage;
use newswire_shared::Settings;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, Message, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use std::collections::{BTreeMap, HashMap};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// A resend an operator asked for.
#[derive(Debug)]
pub struct Resend {
    pub subscriber: String,
    /// One story (its latest version)…
    pub story: Option<String>,
    /// …or every version written in this range.
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub reply: tokio::sync::oneshot::Sender<ResendReport>,
}

/// What a resend did, on this replica.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ResendReport {
    /// Versions queued again, over the subscriber's destinations.
    pub queued: usize,
    /// The `articles.enriched` partitions this replica delivers (a resend covers the
    /// stories of these partitions; with several replicas, each covers its own).
    pub partitions: Vec<i32>,
    /// Destinations that were suspended and deliver again.
    pub resumed: Vec<String>,
}

/// What the rebalance callback shares with the engine.
struct Assignment {
    owned: Vec<i32>,
    /// Partitions given up since the engine last looked.
    revoked: Vec<i32>,
    /// The ledger of every owned partition has been read.
    loaded: bool,
}

struct EngineContext {
    targets: Arc<Vec<Arc<Target>>>,
    settings: Settings,
    assignment: Arc<Mutex<Assignment>>,
    metrics: Metrics,
}

impl ClientContext for EngineContext {
    fn error(&self, error: KafkaError, reason: &str) {
        tracing::warn!(stage = "delivery", %error, reason, "kafka client error");
    }
}

impl ConsumerContext for EngineContext {
    fn post_rebalance(&self, _: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let input = &self.settings.topics.enriched;
        match rebalance {
            Rebalance::Assign(tpl) => {
                let partitions = self.to_queues(tpl, input, TargetQueue::assign);
                // Before any record of these partitions is decided: what each
                // destination already received.
                let loaded = self.load_ledger(&partitions);
                let mut a = self.assignment.lock().expect("assignment lock");
                a.owned = partitions;
                a.loaded = loaded;
            }
            Rebalance::Revoke(tpl) => {
                let partitions = self.to_queues(tpl, input, TargetQueue::revoke);
                let mut a = self.assignment.lock().expect("assignment lock");
                a.owned.retain(|p| !partitions.contains(p));
                a.revoked.extend(partitions);
            }
            Rebalance::Error(e) => {
                tracing::warn!(stage = "delivery", error = %e, "rebalance error")
            }
        }
    }
}

impl EngineContext {
    /// The partitions of `input` in `tpl`, each handed to every destination's queue by
    /// `change` (assigned or revoked), so the queues own what the consumer owns.
    fn to_queues(
        &self,
        tpl: &TopicPartitionList,
        input: &str,
        change: fn(&mut TargetQueue, i32),
    ) -> Vec<i32> {
        let partitions: Vec<i32> = tpl
            .elements_for_topic(input)
            .iter()
            .map(|e| e.partition())
            .collect();
        for t in self.targets.iter() {
            let mut q = t.queue();
            for &p in &partitions {
                change(&mut q, p);
            }
        }
        partitions
    }

    fn load_ledger(&self, partitions: &[i32]) -> bool {
        if partitions.is_empty() {
            return true;
        }
        let started = Instant::now();
        let by_name: HashMap<(&str, &str), &Arc<Target>> = self
            .targets
            .iter()
            .map(|t| ((t.subscriber.as_str(), t.destination.as_str()), t))
            .collect();
        let invalid = self
            .metrics
            .counter(&catalog::DELIVERY_INVALID_RECORDS, &[]);
        let mut entries = 0u64;
        let result = replay_partitions(
            &self.settings.kafka,
            &self.settings.topics.ledger,
            Some(partitions),
            "newswire-delivery-ledger",
            Duration::from_secs(60),
            |m| {
                let Some((subscriber, destination, story)) = m
                    .key()
                    .and_then(|k| std::str::from_utf8(k).ok())
                    .and_then(ledger::parse_key)
                else {
                    invalid.inc();
                    return;
                };
                // A destination no longer configured: its history is kept, unused.
                let Some(target) = by_name.get(&(subscriber, destination)) else {
                    return;
                };
                match m.payload() {
                    None => target.queue().forget(story),
                    Some(bytes) => match serde_json::from_slice::<Entry>(bytes) {
                        Ok(e) => {
                            entries += 1;
                            target.queue().record_received(
                                story,
                                Received {
                                    version: e.version,
                                    status: e.status,
                                    partition: m.partition(),
                                },
                            )
                        }
                        Err(_) => invalid.inc(),
                    },
                }
            },
        );
        match result {
            Ok(_) => {
                tracing::info!(partitions = ?partitions, entries, ms = started.elapsed().as_millis() as u64, "delivery ledger read");
                true
            }
            Err(e) => {
                tracing::error!(error = %e, "could not read the delivery ledger");
                false
            }
        }
    }
}

pub struct Engine {
    pub settings: Settings,
    pub targets: Arc<Vec<Arc<Target>>>,
    pub acks: mpsc::Receiver<Ack>,
    pub resends: mpsc::Receiver<Resend>,
    pub provider: Provider,
}

/// The engine's own state while it runs.
struct Run<'a> {
    engine: &'a Engine,
    consumer: Arc<BaseConsumer<EngineContext>>,
    producer: ThreadedProducer<DefaultProducerContext>,
    assignment: Arc<Mutex<Assignment>>,
    /// Next offset to read per owned partition.
    read_to: HashMap<i32, i64>,
    /// Latest version read per story: (partition, offset, version), for resends.
    index: HashMap<String, (i32, i64, u64)>,
    /// Ledger records not yet committed.
    unsent: Vec<Record>,
    last_committed: BTreeMap<i32, i64>,
    settling: Settling,
    metrics: Metrics,
    invalid: Arc<newswire_shared::telemetry::Counter>,
}

impl Engine {
    /// Runs on the calling thread until `shutdown`.
    pub fn run(
        self,
        metrics: Metrics,
        readiness: Readiness,
        shutdown: Shutdown,
    ) -> anyhow::Result<()> {
        let s = &self.settings;
        let transactional_id = format!("newswire-delivery-{}", s.instance_id());
        let assignment = Arc::new(Mutex::new(Assignment {
            owned: Vec::new(),
            revoked: Vec::new(),
            loaded: false,
        }));
        let context = EngineContext {
            targets: self.targets.clone(),
            settings: s.clone(),
            assignment: assignment.clone(),
            metrics: metrics.clone(),
        };
        let consumer: BaseConsumer<EngineContext> = consumer_config(
            &s.kafka,
            "newswire-delivery",
            &s.delivery.group_id,
            &transactional_id,
        )
        .create_with_context(context)?;
        // The ledger is partitioned as the input: it needs at least as many partitions.
        loop {
            let input = partition_count(&consumer, &s.topics.enriched);
            let ledger = partition_count(&consumer, &s.topics.ledger);
            match (input, ledger) {
                (Some(i), Some(l)) if l >= i => break,
                (Some(i), Some(l)) => anyhow::bail!(
                    "topics.ledger ({}) has {l} partitions, fewer than topics.enriched ({i}): it must have at least as many",
                    s.topics.ledger
                ),
                _ => {
                    readiness.set_problem(Some("waiting for the input and ledger topics"));
                    if shutdown.is_triggered() {
                        return Ok(());
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
            }
        }
        let producer: ThreadedProducer<DefaultProducerContext> =
            transactional_producer_config(&s.kafka, "newswire-delivery", &transactional_id)
                .create()?;
        let txn_timeout = Duration::from_millis(u64::from(s.kafka.transaction_timeout_ms));
        // Also aborts whatever an earlier run of this instance left open.
        let mut wait = Duration::from_millis(200);
        loop {
            match producer.init_transactions(txn_timeout) {
                Ok(()) => break,
                Err(e) if classify(&e) == FailureClass::Fatal => return Err(e.into()),
                Err(e) => {
                    tracing::warn!(error = %e, "delivery: init_transactions failed; retrying");
                    if shutdown.is_triggered() {
                        return Ok(());
                    }
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(Duration::from_secs(10));
                }
            }
        }
        consumer.subscribe(&[&s.topics.enriched])?;
        let settling = Settling::new(&s.kafka, "newswire-delivery-watermarks", &s.topics.enriched)?;
        tracing::info!(input = %s.topics.enriched, ledger = %s.topics.ledger, destinations = self.targets.len(), %transactional_id, "delivery started");
        let mut run = Run {
            engine: &self,
            consumer: Arc::new(consumer),
            producer,
            assignment,
            read_to: HashMap::new(),
            index: HashMap::new(),
            unsent: Vec::new(),
            last_committed: BTreeMap::new(),
            settling,
            invalid: metrics.counter(&catalog::DELIVERY_INVALID_RECORDS, &[]),
            metrics,
        };
        run.go(&readiness, &shutdown, txn_timeout)
    }
}

impl Run<'_> {
    /// The partitions this instance owns now.
    fn owned(&self) -> Vec<i32> {
        self.assignment
            .lock()
            .expect("assignment lock")
            .owned
            .clone()
    }

    fn go(
        &mut self,
        readiness: &Readiness,
        shutdown: &Shutdown,
        txn_timeout: Duration,
    ) -> anyhow::Result<()> {
        let commit_every = Duration::from_millis(self.engine.settings.delivery.commit_interval_ms);
        let mut last_commit = Instant::now();
        let mut last_gauges = Instant::now();
        let mut failing_since: Option<Instant> = None;
        while !shutdown.is_triggered() {
            // Everything already fetched is decided before the housekeeping below (a
            // commit waits for the broker): one record per turn would cap throughput
            // at one record per commit.
            let consumer = self.consumer.clone();
            let mut wait = Duration::from_millis(10);
            for _ in 0..self.engine.settings.kafka.batch_max_events {
                match consumer.poll(wait) {
                    Some(Ok(m)) => self.handle(&m),
                    Some(Err(e)) => {
                        tracing::warn!(error = %e, "delivery consume error");
                        break;
                    }
                    None => {
                        self.read_past_markers();
                        break;
                    }
                }
                wait = Duration::ZERO;
            }
            self.take_revocations();
            let loaded = {
                let a = self.assignment.lock().expect("assignment lock");
                a.loaded
            };
            self.release_held();
            while let Ok(r) = self.engine.resends.try_recv() {
                self.resend(r);
            }
            if last_commit.elapsed() >= commit_every {
                last_commit = Instant::now();
                match self.commit(txn_timeout) {
                    Ok(()) => failing_since = None,
                    Err(e) if classify(&e) == FailureClass::Fatal => {
                        readiness.set_problem(Some(&format!("fenced: {e}")));
                        return Err(e.into());
                    }
                    Err(_) => {
                        failing_since.get_or_insert_with(Instant::now);
                    }
                }
            }
            let stalled = failing_since.is_some_and(|s| {
                s.elapsed() > Duration::from_millis(self.engine.settings.kafka.stall_timeout_ms)
            });
            match (loaded, stalled) {
                (_, true) => readiness.set_problem(Some("the delivery ledger cannot be committed")),
                (false, _) => {
                    readiness.set_problem(Some("waiting for partitions and their ledger"))
                }
                (true, false) => readiness.set(true),
            }
            if last_gauges.elapsed() > Duration::from_millis(500) {
                last_gauges = Instant::now();
                self.sample_gauges();
            }
        }
        // What was delivered up to now goes to the ledger before we stop.
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline
            && self
                .engine
                .targets
                .iter()
                .any(|t| t.queue().in_flight() > 0)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.commit(txn_timeout);
        tracing::info!("delivery stopped");
        Ok(())
    }

    fn take_revocations(&mut self) {
        let revoked: Vec<i32> =
            std::mem::take(&mut self.assignment.lock().expect("assignment lock").revoked);
        for p in revoked {
            self.read_to.remove(&p);
            self.last_committed.remove(&p);
            self.index.retain(|_, (part, _, _)| *part != p);
            self.unsent.retain(|r| r.partition != p);
            self.settling.forget(p);
        }
    }

    /// Moves each partition's `read_to` up to the consumer's position where the
    /// consumer passed records that no version stands for: transaction markers (one
    /// after every transaction that wrote the partition, at an offset of its own) and
    /// aborted records, which a `read_committed` consumer skips. Without it the group
    /// commits one short of the high watermark after the enricher's last transaction on
    /// a partition, and lag read from the group shows an idle delivery as behind. Called
    /// when a poll found nothing, so every record before the position has been handled.
    /// Partitions not read yet in this assignment are left as they are.
    fn read_past_markers(&mut self) {
        let Ok(position) = self.consumer.position() else {
            return;
        };
        for e in position.elements() {
            if let (Offset::Offset(at), Some(read)) =
                (e.offset(), self.read_to.get_mut(&e.partition()))
            {
                *read = (*read).max(at);
            }
        }
    }

    fn handle(&mut self, m: &BorrowedMessage<'_>) {
        let p = m.partition();
        self.read_to.insert(p, m.offset() + 1);
        let article = match decode_keyed_article(m, Stage::Enriched) {
            Ok(a) => a,
            Err(r) => {
                self.invalid.inc();
                tracing::warn!(partition = p, offset = m.offset(), reason = %r.message, "articles.enriched record skipped by delivery");
                return;
            }
        };
        let written = m
            .timestamp()
            .to_millis()
            .and_then(DateTime::<Utc>::from_timestamp_millis)
            .unwrap_or_else(Utc::now);
        let newest = self
            .index
            .get(&article.id)
            .is_none_or(|(_, _, v)| *v < article.version);
        if newest {
            self.index
                .insert(article.id.clone(), (p, m.offset(), article.version));
        }
        self.queue_version(&article, m, written, None);
    }

    /// Decides and queues one version (`article`, read from record `m`) for every
    /// destination (or, for a resend, for those of one subscriber, even if they have it).
    fn queue_version(
        &self,
        article: &newswire_shared::Article,
        m: &BorrowedMessage<'_>,
        written: DateTime<Utc>,
        resend_to: Option<&str>,
    ) -> usize {
        let (raw, partition, offset) = (m.payload().unwrap_or_default(), m.partition(), m.offset());
        let trace = m.headers().and_then(TraceParent::from_headers);
        let v = StoryVersion {
            id: article.id.clone(),
            version: article.version,
            status: article.status,
            embargo: article.embargo_until,
            correction: article.signals.contains(&Signal::Correction),
            written,
            facts: newswire_shared::access::StoryFacts::of(article),
        };
        let mut rendered: HashMap<Format, Rendered> = HashMap::new();
        let mut queued = 0;
        for t in self.engine.targets.iter() {
            if resend_to.is_some_and(|s| s != t.subscriber) {
                continue;
            }
            let mut q = t.queue();
            let received = q.received(&v.id).map(|r| r.version);
            // A resend asks again for what the ledger says was received.
            let considered = match (resend_to, v.status) {
                (Some(_), Status::Usable) => None,
                _ => received,
            };
            let decision = decide(&t.entitlement, t.trust_embargo, &v, considered);
            let r = rendered
                .entry(t.format)
                .or_insert_with(|| render(article, raw, t.format, &self.engine.provider));
            let item = Item {
                id: v.id.clone(),
                version: v.version,
                status: v.status,
                partition,
                offset: if resend_to.is_some() { -1 } else { offset },
                body: r.body.clone(),
                content_type: r.content_type,
                extension: r.extension,
                only_if_received: false,
                due: None,
                owed_since: written,
                forced: resend_to.is_some(),
                // Each destination's delivery is a span of its own in the story's trace.
                trace: trace.map(|t| t.child()),
            };
            if let Some(item) = item.decided(decision) {
                if q.put(item) {
                    queued += 1;
                    drop(q);
                    t.wake.notify_one();
                }
            }
        }
        queued
    }

    fn release_held(&mut self) {
        let now = Utc::now();
        let due = self
            .engine
            .targets
            .iter()
            .any(|t| t.queue().next_release().is_some_and(|r| r <= now));
        if !due {
            return;
        }
        if let Ok(positions) = self.consumer.position() {
            let positions: Vec<(i32, i64)> = positions
                .elements_for_topic(&self.engine.settings.topics.enriched)
                .iter()
                .filter_map(|e| match e.offset() {
                    Offset::Offset(o) => Some((e.partition(), o)),
                    _ => None,
                })
                .collect();
            self.settling.update(positions);
        }
        let settling = &self.settling;
        for t in self.engine.targets.iter() {
            t.queue().release(now, |p| settling.settled(p));
            t.wake.notify_one();
        }
    }

    /// Commits the ledger records of what was delivered and, for each partition, the
    /// offset before which no destination is owed anything.
    fn commit(&mut self, timeout: Duration) -> Result<(), KafkaError> {
        let owned = self.owned();
        let mut offsets = BTreeMap::new();
        for &p in &owned {
            let Some(&read) = self.read_to.get(&p) else {
                continue;
            };
            let owed = self
                .engine
                .targets
                .iter()
                .filter_map(|t| t.queue().min_pending(p))
                .min();
            offsets.insert(p, owed.map_or(read, |o| o.min(read)));
        }
        // After the offsets: an ack sent before a queue was looked at is in the channel
        // now (see `Target::send`).
        while let Ok(ack) = self.engine.acks.try_recv() {
            if !owned.contains(&ack.partition) {
                continue;
            }
            let t = &self.engine.targets[ack.target];
            self.unsent.push(Record {
                partition: ack.partition,
                key: ledger::key(&t.subscriber, &t.destination, &ack.id),
                entry: Entry {
                    version: ack.version,
                    status: ack.status,
                    delivered_at: ack.at,
                },
                trace: ack.trace,
            });
        }
        if self.unsent.is_empty() && offsets == self.last_committed {
            return Ok(());
        }
        let started = Instant::now();
        let result = self.transaction(&offsets, timeout);
        match &result {
            Ok(()) => {
                TransactionCommitted {
                    stage: "delivery",
                    events: offsets.len(),
                    produced: self.unsent.len() as u64,
                    elapsed: started.elapsed(),
                }
                .emit(&self.metrics);
                self.unsent.clear();
                self.last_committed = offsets;
            }
            Err(e) => {
                let _ = self.producer.abort_transaction(timeout);
                TransactionAborted {
                    stage: "delivery",
                    error: e,
                    class: match classify(e) {
                        FailureClass::Transient => "transient",
                        FailureClass::Fatal => "fatal",
                        _ => "unclassified",
                    },
                    events: self.unsent.len(),
                    consecutive: 1,
                }
                .emit(&self.metrics);
            }
        }
        result
    }

    fn transaction(
        &self,
        offsets: &BTreeMap<i32, i64>,
        timeout: Duration,
    ) -> Result<(), KafkaError> {
        self.producer.begin_transaction()?;
        let ledger_topic = &self.engine.settings.topics.ledger;
        for r in &self.unsent {
            let value = serde_json::to_vec(&r.entry).expect("ledger entries serialise");
            let mut record = BaseRecord::<String, Vec<u8>>::to(ledger_topic)
                .partition(r.partition)
                .key(&r.key)
                .payload(&value);
            if let Some(trace) = &r.trace {
                record = record.headers(trace.add_to(OwnedHeaders::new(), None));
            }
            loop {
                match self.producer.send(record) {
                    Ok(()) => break,
                    Err((
                        KafkaError::MessageProduction(rdkafka::types::RDKafkaErrorCode::QueueFull),
                        back,
                    )) => {
                        record = back;
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err((e, _)) => return Err(e),
                }
            }
        }
        let mut tpl = TopicPartitionList::new();
        for (&p, &o) in offsets {
            tpl.add_partition_offset(&self.engine.settings.topics.enriched, p, Offset::Offset(o))?;
        }
        let group = self
            .consumer
            .group_metadata()
            .ok_or(KafkaError::MessageProduction(
                rdkafka::types::RDKafkaErrorCode::State,
            ))?;
        self.producer
            .send_offsets_to_transaction(&tpl, &group, timeout)?;
        wait_delivered(&self.producer, timeout);
        self.producer.commit_transaction(timeout)
    }

    fn sample_gauges(&self) {
        let now = Utc::now();
        for t in self.engine.targets.iter() {
            let q = t.queue();
            let labels = [t.subscriber.as_str(), t.destination.as_str()];
            self.metrics
                .gauge(&catalog::DELIVERY_QUEUE_DEPTH, &labels)
                .set(q.depth() as u64);
            let owed = q
                .oldest_owed()
                .map_or(0.0, |w| (now - w).num_milliseconds().max(0) as f64 / 1e3);
            self.metrics
                .gauge(&catalog::DELIVERY_OLDEST_OWED, &labels)
                .set_f64(owed);
            self.metrics
                .gauge(&catalog::DELIVERY_SUSPENDED, &labels)
                .set(u64::from(q.suspended_since().is_some()));
        }
    }

    fn resend(&mut self, r: Resend) {
        let owned = self.owned();
        let mut report = ResendReport {
            partitions: owned.clone(),
            ..ResendReport::default()
        };
        for t in self
            .engine
            .targets
            .iter()
            .filter(|t| t.subscriber == r.subscriber)
        {
            let mut q = t.queue();
            if q.suspended_since().is_some() {
                q.resume();
                newswire_shared::telemetry::events::DestinationResumed {
                    subscriber: &t.subscriber,
                    destination: &t.destination,
                }
                .emit(&self.metrics);
                report.resumed.push(t.destination.clone());
            }
        }
        let topic = self.engine.settings.topics.enriched.clone();
        let mut starts: Vec<(i32, i64, Option<i64>)> = Vec::new();
        if let Some(story) = &r.story {
            if let Some(&(p, o, _)) = self.index.get(story) {
                starts.push((p, o, Some(o + 1)));
            }
        } else if let Some(since) = r.since {
            let mut tpl = TopicPartitionList::new();
            for &p in &owned {
                let _ =
                    tpl.add_partition_offset(&topic, p, Offset::Offset(since.timestamp_millis()));
            }
            if let Ok(found) = self
                .consumer
                .offsets_for_times(tpl, Duration::from_secs(10))
            {
                for e in found.elements() {
                    if let Offset::Offset(o) = e.offset() {
                        let end = self.read_to.get(&e.partition()).copied();
                        starts.push((e.partition(), o, end));
                    }
                }
            }
        }
        let until = r.until;
        let mut queued = 0;
        for (p, from, end) in starts {
            let Some(end) = end else { continue };
            read_range(&self.engine.settings, &topic, p, from, end, |m| {
                let written = m
                    .timestamp()
                    .to_millis()
                    .and_then(DateTime::<Utc>::from_timestamp_millis);
                if until.is_some_and(|u| written.is_some_and(|w| w > u)) {
                    return;
                }
                if let Ok(article) = decode_keyed_article(m, Stage::Enriched) {
                    queued += self.queue_version(
                        &article,
                        m,
                        written.unwrap_or_else(Utc::now),
                        Some(&r.subscriber),
                    );
                }
            });
        }
        report.queued = queued;
        tracing::info!(subscriber = %r.subscriber, queued, "resend queued");
        let _ = r.reply.send(report);
    }
}

/// Reads `topic`'s partition `p` from offset `from` up to (not including) `end`.
fn read_range(
    settings: &Settings,
    topic: &str,
    p: i32,
    from: i64,
    end: i64,
    mut each: impl FnMut(&BorrowedMessage<'_>),
) {
    if from >= end {
        return;
    }
    let Ok(reader) =
        reader_config(&settings.kafka, "newswire-delivery-resend").create::<BaseConsumer>()
    else {
        return;
    };
    let mut tpl = TopicPartitionList::new();
    if tpl
        .add_partition_offset(topic, p, Offset::Offset(from))
        .is_err()
        || reader.assign(&tpl).is_err()
    {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        match reader.poll(Duration::from_millis(100)) {
            Some(Ok(m)) => {
                if m.offset() >= end {
                    return;
                }
                each(&m);
                if m.offset() + 1 >= end {
                    return;
                }
            }
            Some(Err(e)) => tracing::warn!(error = %e, "reading for a resend"),
            None => {
                if reader
                    .position()
                    .ok()
                    .and_then(|tpl| tpl.find_partition(topic, p).map(|e| e.offset()))
                    .is_some_and(|o| matches!(o, Offset::Offset(o) if o >= end))
                {
                    return;
                }
            }
        }
    }
}
