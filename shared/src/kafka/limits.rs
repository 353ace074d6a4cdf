//! How large a record each topic takes, known before producing, so that a record that
//! cannot fit is refused (413 at ingest, a dead letter in a stage) instead of failing
//! inside a transaction that would then abort forever.
//!
//! A topic takes a record batch of at most its `max.message.bytes` (Kafka's topic
//! configuration; the broker's `message.max.bytes` when the topic does not override
//! it), and our producers refuse a record larger than their own `message.max.bytes`
//! (`kafka.message_max_bytes`). The limit of a topic is the smaller of the two, compared
//! with an upper bound of the record's size in a batch of its own.

use crate::config::KafkaSettings;
use rdkafka::admin::{AdminClient, AdminOptions, ResourceSpecifier};
use rdkafka::client::DefaultClientContext;
use rdkafka::message::{Headers, OwnedHeaders};
use rdkafka::ClientConfig;
use std::collections::HashMap;
use std::time::Duration;

/// Kafka's default `max.message.bytes` (1 MiB plus the batch header), assumed when the
/// broker cannot say (librdkafka's mock cluster has no DescribeConfigs).
pub const KAFKA_DEFAULT_MAX_MESSAGE_BYTES: usize = 1_048_588;

/// Bytes of a v2 record batch before its first record (KIP-98 message format).
const BATCH_OVERHEAD: usize = 61;
/// The most a record's framing takes: its length, attributes, timestamp and offset
/// deltas, and the key and value lengths, each varint at its widest.
const RECORD_OVERHEAD: usize = 5 + 1 + 10 + 5 + 5 + 5 + 5;
/// The most each header's key and value lengths take (two varints).
const HEADER_OVERHEAD: usize = 10;

/// An upper bound of the bytes `key`, `payload` and `headers` take as the only record of
/// a batch — what the broker compares with `max.message.bytes`.
pub fn record_size(key: Option<&[u8]>, payload: Option<&[u8]>, headers: &OwnedHeaders) -> usize {
    let headers: usize = headers
        .iter()
        .map(|h| HEADER_OVERHEAD + h.key.len() + h.value.map_or(0, <[u8]>::len))
        .sum();
    BATCH_OVERHEAD
        + RECORD_OVERHEAD
        + key.map_or(0, <[u8]>::len)
        + payload.map_or(0, <[u8]>::len)
        + headers
}

/// The largest record each topic takes, as far as it could be learnt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLimits {
    /// Our producers' `message.max.bytes`.
    producer: usize,
    /// `max.message.bytes` of each topic that could be described.
    topics: HashMap<String, usize>,
}

impl RecordLimits {
    /// Limits from the producer setting alone (topics not described).
    pub fn producer_only(kafka: &KafkaSettings) -> Self {
        Self {
            producer: kafka.message_max_bytes,
            topics: HashMap::new(),
        }
    }

    /// The limits of `topics`, read from the broker (Admin DescribeConfigs). A topic the
    /// broker cannot describe (no such API, no permission, not there yet) is assumed to
    /// take Kafka's default, and the failure is logged.
    pub async fn read(kafka: &KafkaSettings, topics: &[&str]) -> Self {
        let mut limits = Self::producer_only(kafka);
        if crate::kafka::embedded::is_embedded(&kafka.brokers) {
            return limits;
        }
        match describe(kafka, topics).await {
            Ok(found) => limits.topics = found,
            Err(e) => {
                tracing::info!(error = %e, "topic limits not described; assuming Kafka's default max.message.bytes")
            }
        }
        limits
    }

    /// As [`RecordLimits::read`], from a thread outside any async runtime.
    pub fn read_blocking(kafka: &KafkaSettings, topics: &[&str]) -> Self {
        match tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
        {
            Ok(rt) => rt.block_on(Self::read(kafka, topics)),
            Err(_) => Self::producer_only(kafka),
        }
    }

    /// The largest record (as [`record_size`] counts it) `topic` takes.
    pub fn limit(&self, topic: &str) -> usize {
        let topic_limit = self
            .topics
            .get(topic)
            .copied()
            .unwrap_or(KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
        topic_limit.min(self.producer)
    }

    /// The smallest limit of the topics named: how large a producer's batches may grow
    /// (`batch.size`) so that a batch of small records never exceeds a topic's limit.
    pub fn smallest(&self, topics: &[&str]) -> usize {
        topics
            .iter()
            .map(|t| self.limit(t))
            .min()
            .unwrap_or(self.producer)
    }
}

async fn describe(
    kafka: &KafkaSettings,
    topics: &[&str],
) -> Result<HashMap<String, usize>, String> {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", &kafka.brokers)
        .create()
        .map_err(|e| e.to_string())?;
    let specifiers: Vec<ResourceSpecifier<'_>> =
        topics.iter().map(|t| ResourceSpecifier::Topic(t)).collect();
    let options = AdminOptions::new().request_timeout(Some(Duration::from_secs(5)));
    let described = tokio::time::timeout(
        Duration::from_secs(10),
        admin.describe_configs(&specifiers, &options),
    )
    .await
    .map_err(|_| "DescribeConfigs timed out".to_string())?
    .map_err(|e| e.to_string())?;
    let mut out = HashMap::new();
    for (topic, result) in topics.iter().zip(described) {
        match result {
            Ok(resource) => {
                if let Some(bytes) = resource
                    .get("max.message.bytes")
                    .and_then(|e| e.value.as_deref())
                    .and_then(|v| v.parse::<usize>().ok())
                {
                    out.insert((*topic).to_string(), bytes);
                }
            }
            Err(code) => tracing::info!(topic, error = %code, "topic configuration not described"),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdkafka::message::Header;

    #[test]
    fn a_record_is_measured_with_its_framing_and_headers() {
        let headers = OwnedHeaders::new().insert(Header {
            key: "ce_id",
            value: Some("a:1"),
        });
        let size = record_size(Some(b"a"), Some(&[0u8; 1000]), &headers);
        assert_eq!(size, 61 + 36 + 1 + 1000 + 10 + 5 + 3);
        assert!(size > 1000 + 1 + 8, "never below the bytes themselves");
    }

    #[test]
    fn the_smaller_of_topic_and_producer_limit_applies() {
        let kafka = KafkaSettings {
            message_max_bytes: 500_000,
            ..Default::default()
        };
        let mut limits = RecordLimits::producer_only(&kafka);
        assert_eq!(limits.limit("unknown"), 500_000);
        limits.topics.insert("small".into(), 20_000);
        limits.topics.insert("large".into(), 5_000_000);
        assert_eq!(limits.limit("small"), 20_000);
        assert_eq!(limits.limit("large"), 500_000);
        assert_eq!(limits.smallest(&["small", "large"]), 20_000);
    }
}
