//! Reading a topic back from its beginning to its current end: how a stage rebuilds
//! state it keeps in its own output topic.

use crate::config::KafkaSettings;
use crate::kafka::reader_config;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaResult;
use rdkafka::message::BorrowedMessage;
use rdkafka::{Message, Offset, TopicPartitionList};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Calls `each` for every committed record of `topic`, partition by partition in
/// offset order, up to the end each partition had when the replay started. Gives up
/// after `timeout` (logging which partitions were not finished) — a partition held by
/// an open transaction cannot be read past it. Returns the number of records read.
pub fn replay_topic(
    kafka: &KafkaSettings,
    topic: &str,
    client_id: &str,
    timeout: Duration,
    each: impl FnMut(&BorrowedMessage<'_>),
) -> KafkaResult<u64> {
    replay_partitions(kafka, topic, None, client_id, timeout, each)
}

/// As [`replay_topic`], for some partitions only (`None`: all): how a consumer-group
/// member reads back the state that goes with the partitions it was given.
pub fn replay_partitions(
    kafka: &KafkaSettings,
    topic: &str,
    only: Option<&[i32]>,
    client_id: &str,
    timeout: Duration,
    mut each: impl FnMut(&BorrowedMessage<'_>),
) -> KafkaResult<u64> {
    let started = Instant::now();
    let consumer: BaseConsumer = reader_config(kafka, client_id).create()?;
    let metadata = consumer.fetch_metadata(Some(topic), Duration::from_secs(10))?;
    let partitions: Vec<i32> = metadata
        .topics()
        .iter()
        .flat_map(|t| t.partitions().iter().map(|p| p.id()))
        .filter(|p| only.is_none_or(|o| o.contains(p)))
        .collect();
    let mut remaining: HashMap<i32, i64> = HashMap::new();
    let mut assignment = TopicPartitionList::new();
    for &p in &partitions {
        let (low, high) = consumer.fetch_watermarks(topic, p, Duration::from_secs(10))?;
        if high > low {
            remaining.insert(p, high);
            assignment.add_partition_offset(topic, p, Offset::Beginning)?;
        }
    }
    if remaining.is_empty() {
        return Ok(0);
    }
    consumer.assign(&assignment)?;
    let mut records = 0u64;
    while !remaining.is_empty() && started.elapsed() < timeout {
        match consumer.poll(Duration::from_millis(100)) {
            Some(Ok(m)) => {
                each(&m);
                records += 1;
                if remaining
                    .get(&m.partition())
                    .is_some_and(|&end| m.offset() + 1 >= end)
                {
                    remaining.remove(&m.partition());
                }
            }
            Some(Err(e)) => tracing::warn!(topic, error = %e, "replaying topic"),
            None => {
                // Transaction markers and aborted records are never delivered, so a
                // partition can be finished without its last offset being seen.
                if let Ok(positions) = consumer.position() {
                    for e in positions.elements() {
                        if let (Offset::Offset(at), Some(&end)) =
                            (e.offset(), remaining.get(&e.partition()))
                        {
                            if at >= end {
                                remaining.remove(&e.partition());
                            }
                        }
                    }
                }
            }
        }
    }
    if !remaining.is_empty() {
        tracing::warn!(topic, partitions = ?remaining.keys().collect::<Vec<_>>(), "not read to its end in time; going on with what was read");
    }
    tracing::info!(
        topic,
        records,
        ms = started.elapsed().as_millis() as u64,
        "topic replayed"
    );
    Ok(records)
}
