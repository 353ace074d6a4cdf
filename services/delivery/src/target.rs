//! A destination at run time: its subscriber's entitlement, its queue, its sink, and
//! the task that works the queue. Each destination has its own task and queue, so one
//! that is slow or down never holds up another; the only thing they share is the
//! consumer, which never waits for a destination.

use crate::queue::{Backoff, Item, TargetQueue};
use crate::sinks::Sink;
use chrono::{DateTime, Utc};
use newswire_shared::access::Entitlement;
use newswire_shared::article::Status;
use newswire_shared::config::{DeliverySettings, DeliverySubscriber, Destination, Format};
use newswire_shared::shutdown::Shutdown;
use newswire_shared::telemetry::events::{DeliveryFailed, DestinationSuspended, VersionDelivered};
use newswire_shared::telemetry::Metrics;
use newswire_shared::trace::{story_span, TraceParent};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;
use tracing::Instrument;

/// What a delivered version adds to the ledger, sent to the consumer thread.
#[derive(Debug, Clone)]
pub struct Ack {
    pub target: usize,
    pub id: String,
    pub version: u64,
    pub status: Status,
    pub partition: i32,
    pub at: DateTime<Utc>,
    pub trace: Option<TraceParent>,
}

pub struct Target {
    pub index: usize,
    pub subscriber: String,
    pub destination: String,
    pub kind: &'static str,
    pub format: Format,
    pub entitlement: Entitlement,
    pub trust_embargo: bool,
    pub queue: Mutex<TargetQueue>,
    pub wake: tokio::sync::Notify,
    sink: Sink,
}

impl Target {
    pub fn new(
        index: usize,
        subscriber: &DeliverySubscriber,
        destination: &Destination,
        settings: &DeliverySettings,
    ) -> anyhow::Result<Self> {
        let entitlement = Entitlement::parse(&subscriber.items)?;
        let backoff = Backoff {
            initial: chrono::Duration::milliseconds(settings.retry_initial_ms as i64),
            max: chrono::Duration::milliseconds(settings.retry_max_ms as i64),
            suspend_after: chrono::Duration::seconds(settings.suspend_after_secs as i64),
            max_in_flight: settings.max_in_flight,
        };
        Ok(Self {
            index,
            subscriber: subscriber.name.clone(),
            destination: destination.name().to_string(),
            kind: destination.kind(),
            format: destination.format(),
            entitlement,
            trust_embargo: subscriber.trust_embargo,
            queue: Mutex::new(TargetQueue::new(backoff)),
            wake: tokio::sync::Notify::new(),
            sink: Sink::new(destination, settings)?,
        })
    }

    pub fn queue(&self) -> std::sync::MutexGuard<'_, TargetQueue> {
        self.queue.lock().expect("target queue lock")
    }

    /// Works the queue until `shutdown`: sends what may go, waits for more, for the
    /// end of a backoff, or for a held version's instant.
    pub async fn run(
        self: Arc<Self>,
        acks: mpsc::Sender<Ack>,
        metrics: Metrics,
        shutdown: Shutdown,
    ) {
        loop {
            if shutdown.is_triggered() {
                return;
            }
            while let Some(item) = self.queue().take(Utc::now()) {
                let target = self.clone();
                let acks = acks.clone();
                let metrics = metrics.clone();
                // Every line about the attempt carries the story's trace id.
                let span = item.trace.map_or_else(tracing::Span::none, |t| {
                    story_span("delivery", &item.id, &t)
                });
                tokio::spawn(
                    async move { target.send(item, &acks, &metrics).await }.instrument(span),
                );
            }
            let wait = self
                .queue()
                .retry_at()
                .and_then(|r| (r - Utc::now()).to_std().ok())
                .unwrap_or(Duration::from_millis(200))
                .min(Duration::from_millis(200));
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.clone().wait() => return,
            }
        }
    }

    async fn send(&self, item: Item, acks: &mpsc::Sender<Ack>, metrics: &Metrics) {
        let result = self.sink.send(&item).await;
        let now = Utc::now();
        {
            let mut queue = self.queue();
            match result {
                Ok(()) => {
                    // The ack is sent under the queue's lock: the consumer reads the
                    // offsets it may commit under the same lock and the acks after, so
                    // no offset is committed past a delivery the ledger has not got.
                    if queue.succeeded(&item, now) {
                        let _ = acks.send(Ack {
                            target: self.index,
                            id: item.id.clone(),
                            version: item.version,
                            status: item.status,
                            partition: item.partition,
                            at: now,
                            trace: item.trace,
                        });
                    }
                    VersionDelivered {
                        subscriber: &self.subscriber,
                        destination: &self.destination,
                        id: &item.id,
                        version: item.version,
                        latency: (now - item.owed_since).to_std().unwrap_or_default(),
                    }
                    .emit(metrics);
                }
                Err(e) => {
                    let (id, version) = (item.id.clone(), item.version);
                    let failing_since = queue.failing_since().unwrap_or(now);
                    let given_up = queue.failed(
                        item,
                        now,
                        e.message.clone(),
                        newswire_shared::random::unit(),
                    );
                    if let Some(wait) = e.retry_after {
                        queue.hold_off_until(
                            now + chrono::Duration::from_std(wait).unwrap_or_default(),
                        );
                    }
                    DeliveryFailed {
                        subscriber: &self.subscriber,
                        destination: &self.destination,
                        id: &id,
                        version,
                        error: &e,
                        in_row: queue.failures_in_row(),
                    }
                    .emit(metrics);
                    if queue.suspended_since() == Some(now) {
                        DestinationSuspended {
                            subscriber: &self.subscriber,
                            destination: &self.destination,
                            given_up,
                            failing_for: (now - failing_since).to_std().unwrap_or_default(),
                        }
                        .emit(metrics);
                    }
                }
            }
        }
        self.wake.notify_one();
    }
}
