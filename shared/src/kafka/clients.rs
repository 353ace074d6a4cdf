//! Kafka clients configured as every stage needs them: the idempotent producer, the
//! transactional producer and the `read_committed` consumer, from [`KafkaSettings`].

use crate::config::KafkaSettings;
use rdkafka::producer::{Producer, ProducerContext, ThreadedProducer};
use rdkafka::ClientConfig;
use std::time::{Duration, Instant};

/// An idempotent producer: the broker acknowledges a record only once all in-sync
/// replicas have it, and retries never duplicate or reorder records of one key.
pub fn producer_config(kafka: &KafkaSettings, client_id: &str) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", &kafka.brokers)
        .set("client.id", client_id)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "2")
        .set("message.max.bytes", kafka.message_max_bytes.to_string())
        .set("message.timeout.ms", kafka.publish_timeout_ms.to_string());
    c
}

/// A transactional producer for consume→produce stages: its output and the consumer
/// offsets it commits become visible together, or not at all.
pub fn transactional_producer_config(
    kafka: &KafkaSettings,
    client_id: &str,
    transactional_id: &str,
) -> ClientConfig {
    let mut c = producer_config(kafka, client_id);
    c.set("transactional.id", transactional_id)
        .set(
            "transaction.timeout.ms",
            kafka.transaction_timeout_ms.to_string(),
        )
        // Within a transaction the record timeout must not outlive the transaction.
        .set(
            "message.timeout.ms",
            kafka.transaction_timeout_ms.to_string(),
        )
        // A transaction begun right after the previous commit finds the coordinator
        // still writing that commit's markers and is told CONCURRENT_TRANSACTIONS;
        // librdkafka retries AddOffsetsToTxn and EndTxn after `retry.backoff.ms`
        // (100 ms by default, doubling up to `retry.backoff.max.ms`), which put 100 ms
        // on every such commit. The Java client waits 20 ms there (KAFKA-5477).
        .set("retry.backoff.ms", "10");
    c
}

/// A group consumer that reads only committed data and never commits on its own:
/// offsets go with the output they produced.
///
/// `instance_id` makes the member static (KIP-345): a restarted instance takes its
/// partitions back at once instead of waiting for the group to notice the old one died.
pub fn consumer_config(
    kafka: &KafkaSettings,
    client_id: &str,
    group_id: &str,
    instance_id: &str,
) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("group.instance.id", instance_id);
    c.set("bootstrap.servers", &kafka.brokers)
        .set("client.id", client_id)
        .set("group.id", group_id)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("isolation.level", "read_committed")
        .set("session.timeout.ms", "10000")
        .set("heartbeat.interval.ms", "1000");
    c
}

/// A consumer that reads partitions it assigns itself, committed data only, and never
/// commits offsets: for replicas that each read a whole topic (feeds, newsml delivery)
/// and for reading a topic back. `group.id` is required by librdkafka but unused.
pub fn reader_config(kafka: &KafkaSettings, client_id: &str) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", &kafka.brokers)
        .set("client.id", client_id)
        .set("group.id", format!("{client_id}-unused"))
        .set("enable.auto.commit", "false")
        // If a position is ever lost, re-reading is harmless (every reader is
        // idempotent) and skipping would lose records.
        .set("auto.offset.reset", "earliest")
        .set("isolation.level", "read_committed");
    c
}

/// How many partitions `topic` has, or `None` while it does not exist (yet).
pub fn partition_count<C: rdkafka::consumer::Consumer<X>, X: rdkafka::consumer::ConsumerContext>(
    consumer: &C,
    topic: &str,
) -> Option<i32> {
    consumer
        .fetch_metadata(Some(topic), std::time::Duration::from_secs(5))
        .ok()
        .and_then(|m| {
            m.topics()
                .first()
                .filter(|t| t.error().is_none())
                .map(|t| t.partitions().len() as i32)
        })
        .filter(|&n| n > 0)
}

/// Waits until the broker acknowledged (or refused) every record `producer` sent, at
/// most `timeout`; call it before `commit_transaction`. rdkafka's `commit_transaction`
/// flushes by polling in 100 ms steps while the `ThreadedProducer`'s own thread takes
/// the acknowledgements, which added ~100 ms to every commit with records in flight;
/// after this wait its flush returns at once.
pub fn wait_delivered<C: ProducerContext + 'static>(
    producer: &ThreadedProducer<C>,
    timeout: Duration,
) {
    let started = Instant::now();
    while producer.in_flight_count() > 0 && started.elapsed() < timeout {
        std::thread::sleep(Duration::from_micros(200));
    }
}
