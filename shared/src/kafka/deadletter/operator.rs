//! What an operator does with dead letters (`newswire deadletter list|show|replay`):
//! read them with their origin, kind and reason, and send chosen ones back to the topic
//! they came from once the cause is fixed.
//!
//! A replayed event is the original key, bytes and headers (without the `dlq_*` ones),
//! with `dlq_replays` one higher. Replay refuses an event already replayed
//! `max_replays` times, so a poison event cannot loop between a stage and the
//! dead-letter topic. Consumers are idempotent on (id, version), so replaying a story a
//! stage did handle meanwhile is harmless.

use super::headers;
use crate::config::KafkaSettings;
use crate::kafka::{producer_config, replay_topic};
use chrono::{DateTime, TimeZone, Utc};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use std::time::Duration;

/// One record of the dead-letter topic.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetterEntry {
    /// Where the dead letter itself is (`partition:offset` names it to `replay --only`).
    pub partition: i32,
    pub offset: i64,
    /// When it was dead-lettered.
    pub time: Option<DateTime<Utc>>,
    pub key: Option<Vec<u8>>,
    pub payload: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

impl DeadLetterEntry {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref())
            .and_then(|v| std::str::from_utf8(v).ok())
    }

    /// `partition:offset` of the dead letter.
    pub fn locator(&self) -> String {
        format!("{}:{}", self.partition, self.offset)
    }

    pub fn stage(&self) -> &str {
        self.header(headers::STAGE).unwrap_or("?")
    }

    /// The kind; dead letters written before kinds existed count as `unclassified`.
    pub fn kind(&self) -> &str {
        self.header(headers::KIND).unwrap_or("unclassified")
    }

    pub fn reason(&self) -> &str {
        self.header(headers::REASON).unwrap_or("")
    }

    /// `topic/partition@offset` of the original event.
    pub fn origin(&self) -> String {
        format!(
            "{}/{}@{}",
            self.header(headers::TOPIC).unwrap_or("?"),
            self.header(headers::PARTITION).unwrap_or("?"),
            self.header(headers::OFFSET).unwrap_or("?")
        )
    }

    pub fn replays(&self) -> u32 {
        self.header(headers::REPLAYS)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// Whether the payload was dropped (the dead letter was too large for its topic).
    pub fn payload_dropped(&self) -> bool {
        self.header(headers::PAYLOAD_DROPPED) == Some("true")
    }
}

/// Which dead letters a command applies to; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub stage: Option<String>,
    pub kind: Option<String>,
    /// The article id (the record key).
    pub article: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Dead letters named by `partition:offset`; empty means every one.
    pub only: Vec<(i32, i64)>,
}

impl Selection {
    pub fn matches(&self, e: &DeadLetterEntry) -> bool {
        self.stage.as_deref().is_none_or(|s| e.stage() == s)
            && self.kind.as_deref().is_none_or(|k| e.kind() == k)
            && self
                .article
                .as_deref()
                .is_none_or(|a| e.key.as_deref() == Some(a.as_bytes()))
            && self.since.is_none_or(|t| e.time.is_some_and(|at| at >= t))
            && self.until.is_none_or(|t| e.time.is_some_and(|at| at < t))
            && (self.only.is_empty() || self.only.contains(&(e.partition, e.offset)))
    }
}

/// Parses `partition:offset`.
pub fn parse_locator(s: &str) -> Result<(i32, i64), String> {
    let (p, o) = s
        .split_once(':')
        .ok_or_else(|| format!("{s:?}: expected PARTITION:OFFSET"))?;
    Ok((
        p.parse().map_err(|_| format!("{s:?}: bad partition"))?,
        o.parse().map_err(|_| format!("{s:?}: bad offset"))?,
    ))
}

/// Records in `topic` now (the sum over partitions of high minus low watermark), for a
/// progress bar.
pub fn topic_records(kafka: &KafkaSettings, topic: &str) -> Result<u64, KafkaError> {
    let consumer: BaseConsumer =
        crate::kafka::reader_config(kafka, "newswire-deadletter-size").create()?;
    let metadata = consumer.fetch_metadata(Some(topic), Duration::from_secs(10))?;
    let mut total = 0;
    for t in metadata.topics() {
        for p in t.partitions() {
            let (low, high) = consumer.fetch_watermarks(topic, p.id(), Duration::from_secs(10))?;
            total += (high - low).max(0) as u64;
        }
    }
    Ok(total)
}

/// The dead letters of `topic` that `selection` picks, oldest first per partition.
/// `progress` is called after each record read.
pub fn list(
    kafka: &KafkaSettings,
    topic: &str,
    selection: &Selection,
    mut progress: impl FnMut(),
) -> Result<Vec<DeadLetterEntry>, KafkaError> {
    let mut out = Vec::new();
    replay_topic(
        kafka,
        topic,
        "newswire-deadletter-list",
        Duration::from_secs(120),
        |m| {
            progress();
            let entry = DeadLetterEntry {
                partition: m.partition(),
                offset: m.offset(),
                time: m
                    .timestamp()
                    .to_millis()
                    .and_then(|ms| Utc.timestamp_millis_opt(ms).single()),
                key: m.key().map(<[u8]>::to_vec),
                payload: m.payload().map(<[u8]>::to_vec),
                headers: m
                    .headers()
                    .map(|h| {
                        h.iter()
                            .map(|h| (h.key.to_string(), h.value.map(<[u8]>::to_vec)))
                            .collect()
                    })
                    .unwrap_or_default(),
            };
            if selection.matches(&entry) {
                out.push(entry);
            }
        },
    )?;
    Ok(out)
}

/// What replay did with one dead letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayOutcome {
    /// Sent back to its origin (or would be, on a dry run).
    Replayed { topic: String, replays: u32 },
    /// Not sent, and why.
    Refused(String),
}

/// Sends `entries` back to their origin topics, in order, each once Kafka acknowledged
/// the one before (order per key is kept). Refuses an entry already replayed
/// `max_replays` times, one without its payload, and one that does not name its origin.
/// With `dry_run` nothing is sent. `progress` is called after each entry.
pub async fn replay(
    kafka: &KafkaSettings,
    entries: &[DeadLetterEntry],
    max_replays: u32,
    dry_run: bool,
    mut progress: impl FnMut(&DeadLetterEntry, &ReplayOutcome),
) -> Result<Vec<ReplayOutcome>, KafkaError> {
    let producer: FutureProducer = producer_config(kafka, "newswire-deadletter-replay").create()?;
    let timeout = Duration::from_millis(kafka.publish_timeout_ms);
    let mut outcomes = Vec::with_capacity(entries.len());
    for entry in entries {
        let outcome = replay_one(&producer, entry, max_replays, dry_run, timeout).await?;
        progress(entry, &outcome);
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

async fn replay_one(
    producer: &FutureProducer,
    entry: &DeadLetterEntry,
    max_replays: u32,
    dry_run: bool,
    timeout: Duration,
) -> Result<ReplayOutcome, KafkaError> {
    let Some(topic) = entry.header(headers::TOPIC) else {
        return Ok(ReplayOutcome::Refused(
            "the dead letter does not name its origin topic".into(),
        ));
    };
    if entry.payload_dropped() {
        return Ok(ReplayOutcome::Refused(format!(
            "written without its payload ({} bytes); replay it from {} while that topic still holds it",
            entry.header(headers::PAYLOAD_BYTES).unwrap_or("?"),
            entry.origin()
        )));
    }
    let replays = entry.replays();
    if replays >= max_replays {
        return Ok(ReplayOutcome::Refused(format!(
            "already replayed {replays} times (limit {max_replays}): fix its cause first"
        )));
    }
    let count = (replays + 1).to_string();
    if !dry_run {
        let mut out = OwnedHeaders::new();
        for (key, value) in &entry.headers {
            if headers::ADDED.contains(&key.as_str()) || key == headers::REPLAYS {
                continue;
            }
            out = out.insert(Header {
                key,
                value: value.as_deref(),
            });
        }
        out = out.insert(Header {
            key: headers::REPLAYS,
            value: Some(&count),
        });
        let mut record: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(topic).headers(out);
        if let Some(k) = entry.key.as_deref() {
            record = record.key(k);
        }
        if let Some(p) = entry.payload.as_deref() {
            record = record.payload(p);
        }
        producer.send(record, timeout).await.map_err(|(e, _)| e)?;
    }
    Ok(ReplayOutcome::Replayed {
        topic: topic.to_string(),
        replays: replays + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(stage: &str, kind: &str, secs: i64) -> DeadLetterEntry {
        DeadLetterEntry {
            partition: 0,
            offset: secs,
            time: Utc.timestamp_opt(secs, 0).single(),
            key: Some(b"story".to_vec()),
            payload: Some(b"{}".to_vec()),
            headers: vec![
                (headers::STAGE.into(), Some(stage.as_bytes().to_vec())),
                (headers::KIND.into(), Some(kind.as_bytes().to_vec())),
            ],
        }
    }

    #[test]
    fn a_selection_applies_every_condition_it_names() {
        let e = entry("enricher", "too_large", 100);
        assert!(Selection::default().matches(&e));
        let by = |f: &dyn Fn(&mut Selection)| {
            let mut s = Selection::default();
            f(&mut s);
            s.matches(&e)
        };
        assert!(by(&|s| s.stage = Some("enricher".into())));
        assert!(!by(&|s| s.stage = Some("social".into())));
        assert!(by(&|s| s.kind = Some("too_large".into())));
        assert!(!by(&|s| s.kind = Some("invalid".into())));
        assert!(by(&|s| s.article = Some("story".into())));
        assert!(!by(&|s| s.article = Some("other".into())));
        assert!(by(&|s| s.since = Utc.timestamp_opt(100, 0).single()));
        assert!(!by(&|s| s.since = Utc.timestamp_opt(101, 0).single()));
        assert!(!by(&|s| s.until = Utc.timestamp_opt(100, 0).single()));
        assert!(by(&|s| s.only = vec![(0, 100)]));
        assert!(!by(&|s| s.only = vec![(1, 100)]));
    }

    #[test]
    fn locators_parse_and_bad_ones_say_why() {
        assert_eq!(parse_locator("2:41"), Ok((2, 41)));
        assert!(parse_locator("2").unwrap_err().contains("PARTITION:OFFSET"));
        assert!(parse_locator("x:1").unwrap_err().contains("partition"));
    }
}
