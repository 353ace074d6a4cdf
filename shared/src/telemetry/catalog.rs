//! Every metric a Newswire process can expose, in one list ([`ALL`]).
//!
//! Registering a metric takes one of these definitions, so a name, its type, its help
//! text and its label names are written once. The README's metrics table lists the
//! same names; `shared/tests/metrics_catalog.rs` fails when the two disagree.

/// Prometheus metric type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    /// Durations, in seconds, over `registry::SECONDS_BUCKETS`.
    Histogram,
}

/// One metric: its name, type, help text and label names (in the order values are
/// given at registration).
#[derive(Debug)]
pub struct MetricDef {
    pub name: &'static str,
    pub kind: Kind,
    pub help: &'static str,
    pub labels: &'static [&'static str],
}

/// Label names, in the order values are given at registration.
type Labels = &'static [&'static str];

const fn def(kind: Kind, name: &'static str, labels: Labels, help: &'static str) -> MetricDef {
    MetricDef {
        name,
        kind,
        help,
        labels,
    }
}

const fn counter(name: &'static str, labels: Labels, help: &'static str) -> MetricDef {
    def(Kind::Counter, name, labels, help)
}

const fn gauge(name: &'static str, labels: Labels, help: &'static str) -> MetricDef {
    def(Kind::Gauge, name, labels, help)
}

const fn histogram(name: &'static str, labels: Labels, help: &'static str) -> MetricDef {
    def(Kind::Histogram, name, labels, help)
}

// Kafka-to-Kafka stages (enricher, newsml, social).
pub const EVENTS_CONSUMED: MetricDef = counter(
    "newswire_events_consumed_total",
    &["stage"],
    "Input events read by a stage (re-reads after an abort included).",
);
pub const EVENTS_PRODUCED: MetricDef = counter(
    "newswire_events_produced_total",
    &["stage"],
    "Output records committed by a stage (dead letters not included).",
);
pub const EVENTS_DEADLETTERED: MetricDef = counter(
    "newswire_events_deadlettered_total",
    &["stage", "kind"],
    "Input events set aside to the dead-letter topic, by kind (invalid, undecodable, too_large, transform_panic, rejected_by_broker, unclassified).",
);
pub const DEADLETTER_PAYLOAD_DROPPED: MetricDef = counter(
    "newswire_deadletter_payload_dropped_total",
    &["stage"],
    "Dead letters written without the original payload because the dead-letter topic could not hold it.",
);
pub const TRANSACTIONS_COMMITTED: MetricDef = counter(
    "newswire_transactions_committed_total",
    &["stage"],
    "Transactions committed.",
);
pub const TRANSACTION_SECONDS: MetricDef = histogram(
    "newswire_transaction_seconds",
    &["stage"],
    "Time to commit a transaction (records acknowledged, offsets sent, commit), seconds.",
);
pub const TRANSACTIONS_ABORTED: MetricDef = counter(
    "newswire_transactions_aborted_total",
    &["stage"],
    "Transactions aborted (the batch is retried).",
);
pub const BATCHES_ISOLATED: MetricDef = counter(
    "newswire_batches_isolated_total",
    &["stage"],
    "Batches processed one event per transaction after aborting repeatedly for an unclassified reason.",
);
pub const PARTITIONS_ASSIGNED: MetricDef = gauge(
    "newswire_partitions_assigned",
    &["stage"],
    "Input partitions assigned to a stage.",
);
pub const CONSUMER_LAG: MetricDef = gauge(
    "newswire_consumer_lag",
    &["stage", "topic", "partition"],
    "Input records not yet committed by the stage: high watermark minus the stage's position.",
);
pub const STAGE_OLDEST_UNPROCESSED: MetricDef = gauge(
    "newswire_stage_oldest_unprocessed_seconds",
    &["stage"],
    "Age (by record timestamp) of the oldest input event the stage has read but not yet committed; 0 when none.",
);
pub const STAGE_READY: MetricDef = gauge(
    "newswire_stage_ready",
    &["stage"],
    "1 while the stage is assigned and making progress, 0 otherwise (see /readyz for the reason).",
);

// Ingest.
pub const INGEST_PUBLISHED: MetricDef = counter(
    "newswire_ingest_published_total",
    &[],
    "Articles acknowledged by Kafka.",
);
pub const INGEST_PUBLISH_FAILED: MetricDef = counter(
    "newswire_ingest_publish_failed_total",
    &["kind"],
    "Articles Kafka did not take, by kind: transient (retry later), too_large, rejected_by_broker.",
);
pub const INGEST_REJECTED: MetricDef = counter(
    "newswire_ingest_rejected_total",
    &[],
    "Requests refused with a 4xx.",
);

// Feeds.
pub const FEEDS_EVENTS: MetricDef = counter(
    "newswire_feeds_events_total",
    &["outcome"],
    "Enriched events read by feeds, by outcome (applied, duplicate_or_stale, invalid).",
);
pub const FEEDS_STORIES: MetricDef =
    gauge("newswire_feeds_stories", &[], "Stories in the feed store.");

// NewsML delivery.
pub const NEWSML_DELIVERED: MetricDef = counter(
    "newswire_newsml_delivered_total",
    &["subscriber"],
    "Item files written to a subscriber's drop folder.",
);
pub const NEWSML_INVALID_RECORDS: MetricDef = counter(
    "newswire_newsml_invalid_records_total",
    &[],
    "newsml.items records that could not be read.",
);

// Push delivery (per subscriber and destination).
pub const DELIVERY_DELIVERED: MetricDef = counter(
    "newswire_delivery_delivered_total",
    &["subscriber", "destination"],
    "Story versions a destination accepted (webhook 2xx, file renamed into place).",
);
pub const DELIVERY_LATENCY: MetricDef = histogram(
    "newswire_delivery_latency_seconds",
    &["subscriber", "destination"],
    "From when a destination is owed a version (its record on articles.enriched, or its embargo's release) to the destination accepting it, seconds; retries included.",
);
pub const DELIVERY_FAILED_ATTEMPTS: MetricDef = counter(
    "newswire_delivery_failed_attempts_total",
    &["subscriber", "destination"],
    "Delivery attempts that failed (non-2xx, timeout, connection or file error); each is retried after a backoff.",
);
pub const DELIVERY_GIVEN_UP: MetricDef = counter(
    "newswire_delivery_given_up_total",
    &["subscriber", "destination"],
    "Story versions not delivered because their destination was suspended (resend them once it is fixed).",
);
pub const DELIVERY_SUSPENDED: MetricDef = gauge(
    "newswire_delivery_suspended",
    &["subscriber", "destination"],
    "1 while a destination is suspended after failing for delivery.suspend_after_secs, else 0.",
);
pub const DELIVERY_QUEUE_DEPTH: MetricDef = gauge(
    "newswire_delivery_queue_depth",
    &["subscriber", "destination"],
    "Story versions waiting for a destination (at most one per story).",
);
pub const DELIVERY_OLDEST_OWED: MetricDef = gauge(
    "newswire_delivery_oldest_owed_seconds",
    &["subscriber", "destination"],
    "Age (since it was written to Kafka) of the oldest version a destination is still owed; 0 when none.",
);
pub const DELIVERY_INVALID_RECORDS: MetricDef = counter(
    "newswire_delivery_invalid_records_total",
    &[],
    "articles.enriched or ledger records delivery could not read (skipped).",
);

/// Every metric, for the README check and for anyone listing them.
pub const ALL: &[&MetricDef] = &[
    &EVENTS_CONSUMED,
    &EVENTS_PRODUCED,
    &EVENTS_DEADLETTERED,
    &DEADLETTER_PAYLOAD_DROPPED,
    &TRANSACTIONS_COMMITTED,
    &TRANSACTION_SECONDS,
    &TRANSACTIONS_ABORTED,
    &BATCHES_ISOLATED,
    &PARTITIONS_ASSIGNED,
    &CONSUMER_LAG,
    &STAGE_OLDEST_UNPROCESSED,
    &STAGE_READY,
    &INGEST_PUBLISHED,
    &INGEST_PUBLISH_FAILED,
    &INGEST_REJECTED,
    &FEEDS_EVENTS,
    &FEEDS_STORIES,
    &NEWSML_DELIVERED,
    &NEWSML_INVALID_RECORDS,
    &DELIVERY_DELIVERED,
    &DELIVERY_LATENCY,
    &DELIVERY_FAILED_ATTEMPTS,
    &DELIVERY_GIVEN_UP,
    &DELIVERY_SUSPENDED,
    &DELIVERY_QUEUE_DEPTH,
    &DELIVERY_OLDEST_OWED,
    &DELIVERY_INVALID_RECORDS,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_follow_prometheus_conventions() {
        let mut names: Vec<&str> = ALL.iter().map(|d| d.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "a metric is listed twice");
        for d in ALL {
            assert!(d.name.starts_with("newswire_"), "{}", d.name);
            assert_eq!(
                d.kind == Kind::Counter,
                d.name.ends_with("_total"),
                "{}: counters and only counters end in _total",
                d.name
            );
        }
    }
}
