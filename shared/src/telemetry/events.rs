//! Typed internal events: each struct is one thing that happens in a service; its
//! `emit` writes the log line and bumps the metric, so both are decided here, once.
//! Call sites build the struct and call `emit(&metrics)`.

use crate::telemetry::{catalog, Metrics};
use std::fmt::Display;
use std::time::Duration;

/// A stage read a batch of input events.
pub struct BatchRead<'a> {
    pub stage: &'a str,
    pub events: usize,
}

impl BatchRead<'_> {
    pub fn emit(self, metrics: &Metrics) {
        metrics
            .counter(&catalog::EVENTS_CONSUMED, &[self.stage])
            .add(self.events as u64);
    }
}

/// A stage committed a transaction: its outputs, dead letters and input offsets.
pub struct TransactionCommitted<'a> {
    pub stage: &'a str,
    pub events: usize,
    pub produced: u64,
    pub elapsed: Duration,
}

impl TransactionCommitted<'_> {
    pub fn emit(self, metrics: &Metrics) {
        tracing::debug!(
            stage = self.stage,
            events = self.events,
            produced = self.produced,
            ms = self.elapsed.as_secs_f64() * 1e3,
            "transaction committed"
        );
        metrics
            .counter(&catalog::TRANSACTIONS_COMMITTED, &[self.stage])
            .inc();
        metrics
            .histogram(&catalog::TRANSACTION_SECONDS, &[self.stage])
            .observe(self.elapsed);
        metrics
            .counter(&catalog::EVENTS_PRODUCED, &[self.stage])
            .add(self.produced);
    }
}

/// A stage aborted a transaction; the batch is retried.
pub struct TransactionAborted<'a, E: Display> {
    pub stage: &'a str,
    pub error: E,
    /// What kind of failure: `transient`, `unclassified`, `poison` (an event is set
    /// aside and the batch redone without it), `limits_changed`.
    pub class: &'a str,
    pub events: usize,
    /// Aborts of this batch in a row, this one included.
    pub consecutive: u32,
}

impl<E: Display> TransactionAborted<'_, E> {
    pub fn emit(self, metrics: &Metrics) {
        tracing::warn!(
            stage = self.stage,
            error = %self.error,
            class = self.class,
            events = self.events,
            consecutive = self.consecutive,
            "transaction aborted; the batch will be retried"
        );
        metrics
            .counter(&catalog::TRANSACTIONS_ABORTED, &[self.stage])
            .inc();
    }
}

/// One input event was set aside to the dead-letter topic.
pub struct EventDeadLettered<'a> {
    pub stage: &'a str,
    pub kind: &'a str,
    pub field: Option<&'a str>,
    pub reason: &'a str,
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
}

impl EventDeadLettered<'_> {
    pub fn emit(self, metrics: &Metrics) {
        tracing::warn!(
            stage = self.stage,
            kind = self.kind,
            field = self.field,
            reason = self.reason,
            topic = self.topic,
            partition = self.partition,
            offset = self.offset,
            "event dead-lettered"
        );
        metrics
            .counter(&catalog::EVENTS_DEADLETTERED, &[self.stage, self.kind])
            .inc();
    }
}

/// A dead letter was written without its payload (the dead-letter topic could not hold
/// it); the record still names the origin, the size and the reason.
pub struct DeadLetterPayloadDropped<'a> {
    pub stage: &'a str,
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
    pub size: usize,
    pub limit: usize,
}

impl DeadLetterPayloadDropped<'_> {
    pub fn emit(self, metrics: &Metrics) {
        tracing::error!(
            stage = self.stage,
            topic = self.topic,
            partition = self.partition,
            offset = self.offset,
            size = self.size,
            limit = self.limit,
            "dead letter too large for its topic; written without the payload"
        );
        metrics
            .counter(&catalog::DEADLETTER_PAYLOAD_DROPPED, &[self.stage])
            .inc();
    }
}

/// A batch that aborted repeatedly for an unclassified reason is processed one event
/// per transaction to find the event at fault.
pub struct BatchIsolated<'a, E: Display> {
    pub stage: &'a str,
    pub events: usize,
    pub error: E,
}

impl<E: Display> BatchIsolated<'_, E> {
    pub fn emit(self, metrics: &Metrics) {
        tracing::warn!(
            stage = self.stage,
            events = self.events,
            error = %self.error,
            "batch keeps aborting; processing it one event per transaction"
        );
        metrics
            .counter(&catalog::BATCHES_ISOLATED, &[self.stage])
            .inc();
    }
}

/// The group gave the stage a new assignment.
pub struct PartitionsAssigned<'a> {
    pub stage: &'a str,
    pub partitions: usize,
}

impl PartitionsAssigned<'_> {
    pub fn emit(self, metrics: &Metrics) {
        tracing::info!(
            stage = self.stage,
            partitions = self.partitions,
            "partitions assigned"
        );
        metrics
            .gauge(&catalog::PARTITIONS_ASSIGNED, &[self.stage])
            .set(self.partitions as u64);
    }
}

/// Where a stage stands on its input, sampled by its watchdog.
pub struct StageProgressSampled<'a> {
    pub stage: &'a str,
    /// `(topic, partition, lag)` for each assigned partition whose end is known.
    pub lags: &'a [(String, i32, i64)],
    pub oldest_unprocessed: Duration,
}

impl StageProgressSampled<'_> {
    pub fn emit(self, metrics: &Metrics) {
        for (topic, partition, lag) in self.lags {
            metrics
                .gauge(
                    &catalog::CONSUMER_LAG,
                    &[self.stage, topic, &partition.to_string()],
                )
                .set((*lag).max(0) as u64);
        }
        metrics
            .gauge(&catalog::STAGE_OLDEST_UNPROCESSED, &[self.stage])
            .set_f64(self.oldest_unprocessed.as_secs_f64());
    }
}

/// A stage became ready or not ready; logged on change only.
pub struct StageReadinessChanged<'a> {
    pub stage: &'a str,
    /// `None` when ready, else why not.
    pub problem: Option<&'a str>,
    /// The first report, as the stage starts: not being ready yet is no warning.
    pub starting: bool,
}

impl StageReadinessChanged<'_> {
    pub fn emit(self, metrics: &Metrics) {
        match self.problem {
            None => tracing::info!(stage = self.stage, "stage ready"),
            Some(reason) if self.starting => {
                tracing::info!(stage = self.stage, reason, "stage starting")
            }
            Some(reason) => tracing::warn!(stage = self.stage, reason, "stage not ready"),
        }
        metrics
            .gauge(&catalog::STAGE_READY, &[self.stage])
            .set(u64::from(self.problem.is_none()));
    }
}

/// Ingest: Kafka acknowledged an article.
pub struct ArticlePublished<'a> {
    pub id: &'a str,
    pub version: u64,
    pub partition: i32,
    pub offset: i64,
}

impl ArticlePublished<'_> {
    pub fn emit(self, metrics: &Metrics) {
        // Info: with the story's span (its trace id), the first line of its journey.
        tracing::info!(
            id = self.id,
            version = self.version,
            partition = self.partition,
            offset = self.offset,
            "article published"
        );
        metrics.counter(&catalog::INGEST_PUBLISHED, &[]).inc();
    }
}

/// Ingest: Kafka did not take an article.
pub struct ArticlePublishFailed<'a, E: Display> {
    pub id: &'a str,
    pub version: u64,
    /// `transient`, `too_large` or `rejected_by_broker`.
    pub kind: &'a str,
    pub error: E,
}

impl<E: Display> ArticlePublishFailed<'_, E> {
    pub fn emit(self, metrics: &Metrics) {
        if self.kind == "transient" {
            tracing::error!(id = self.id, version = self.version, error = %self.error, "publish failed; the newsroom is told to retry");
        } else {
            tracing::warn!(id = self.id, version = self.version, kind = self.kind, error = %self.error, "article refused by Kafka");
        }
        metrics
            .counter(&catalog::INGEST_PUBLISH_FAILED, &[self.kind])
            .inc();
    }
}

/// Ingest: a request was refused with a 4xx.
pub struct RequestRejected<'a> {
    pub status: u16,
    pub error: &'a str,
}

impl RequestRejected<'_> {
    pub fn emit(self, metrics: &Metrics) {
        tracing::debug!(status = self.status, error = self.error, "request rejected");
        metrics.counter(&catalog::INGEST_REJECTED, &[]).inc();
    }
}

/// Delivery: a destination accepted a story version.
pub struct VersionDelivered<'a> {
    pub subscriber: &'a str,
    pub destination: &'a str,
    pub id: &'a str,
    pub version: u64,
    /// From the version's record in Kafka to the destination's answer.
    pub latency: Duration,
}

impl VersionDelivered<'_> {
    pub fn emit(self, metrics: &Metrics) {
        tracing::debug!(
            subscriber = self.subscriber,
            destination = self.destination,
            id = self.id,
            version = self.version,
            ms = self.latency.as_secs_f64() * 1e3,
            "delivered"
        );
        let labels = [self.subscriber, self.destination];
        metrics.counter(&catalog::DELIVERY_DELIVERED, &labels).inc();
        metrics
            .histogram(&catalog::DELIVERY_LATENCY, &labels)
            .observe(self.latency);
    }
}

/// Delivery: an attempt failed; the destination backs off and tries again.
pub struct DeliveryFailed<'a, E: Display> {
    pub subscriber: &'a str,
    pub destination: &'a str,
    pub id: &'a str,
    pub version: u64,
    pub error: E,
    /// Failures in a row of this destination.
    pub in_row: u32,
}

impl<E: Display> DeliveryFailed<'_, E> {
    pub fn emit(self, metrics: &Metrics) {
        // The first failure of a run is worth a warning; the rest are counted.
        if self.in_row <= 1 {
            tracing::warn!(subscriber = self.subscriber, destination = self.destination, id = self.id, version = self.version, error = %self.error, "delivery failed; backing off");
        } else {
            tracing::debug!(subscriber = self.subscriber, destination = self.destination, id = self.id, version = self.version, error = %self.error, in_row = self.in_row, "delivery failed again");
        }
        metrics
            .counter(
                &catalog::DELIVERY_FAILED_ATTEMPTS,
                &[self.subscriber, self.destination],
            )
            .inc();
    }
}

/// Delivery: a destination failed for too long and is suspended; what it was owed is
/// given up.
pub struct DestinationSuspended<'a> {
    pub subscriber: &'a str,
    pub destination: &'a str,
    pub given_up: usize,
    pub failing_for: Duration,
}

impl DestinationSuspended<'_> {
    pub fn emit(self, metrics: &Metrics) {
        tracing::error!(
            subscriber = self.subscriber,
            destination = self.destination,
            given_up = self.given_up,
            failing_for_secs = self.failing_for.as_secs(),
            "destination suspended: resend what it missed once it is fixed"
        );
        let labels = [self.subscriber, self.destination];
        metrics
            .counter(&catalog::DELIVERY_GIVEN_UP, &labels)
            .add(self.given_up as u64);
        metrics.gauge(&catalog::DELIVERY_SUSPENDED, &labels).set(1);
    }
}

/// Delivery: a suspended destination takes deliveries again (a resend asked for it).
pub struct DestinationResumed<'a> {
    pub subscriber: &'a str,
    pub destination: &'a str,
}

impl DestinationResumed<'_> {
    pub fn emit(self, metrics: &Metrics) {
        tracing::info!(
            subscriber = self.subscriber,
            destination = self.destination,
            "destination resumed"
        );
        metrics
            .gauge(
                &catalog::DELIVERY_SUSPENDED,
                &[self.subscriber, self.destination],
            )
            .set(0);
    }
}
