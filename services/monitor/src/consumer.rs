//! Reads every topic a story passes through, from the beginning (`read_committed`), and
//! hands each record to the store. Like feeds, every monitor replica reads everything:
//! no consumer group is shared.
//!
//! Deliveries to subscribers come from the delivery ledger ([`newswire_shared::ledger`]):
//! each record — a destination received a version, with delivery's span in the story's
//! trace — is one more step of the story's journey. A deployment without push delivery
//! may have no ledger topic: the monitor then reads the others and says so.

use crate::store::{Arrival, DeadLetter, NewsmlOutput, Role, Step, Store};
use newswire_shared::cloudevents::header_str;
use newswire_shared::health::Readiness;
use newswire_shared::kafka::{partition_count, reader_config};
use newswire_shared::ledger;
use newswire_shared::shutdown::Shutdown;
use newswire_shared::trace::TraceParent;
use newswire_shared::validate::{decode_article, Stage};
use newswire_shared::Settings;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{BorrowedMessage, Message};
use rdkafka::{Offset, TopicPartitionList};
use std::time::Duration;

pub struct MonitorConsumer {
    pub settings: Settings,
    pub store: Store,
    /// Sampled beside the reading, on a thread of its own (a slow broker answer must not
    /// hold the stream of stories).
    pub lag: crate::operations::Lag,
}

impl MonitorConsumer {
    fn role(&self, topic: &str) -> Option<Role> {
        let t = &self.settings.topics;
        [
            (&t.published, Role::Published),
            (&t.enriched, Role::Enriched),
            (&t.newsml, Role::Newsml),
            (&t.social, Role::Social),
            (&t.ledger, Role::Delivery),
            (&t.deadletter, Role::Deadletter),
        ]
        .into_iter()
        .find(|(name, _)| name.as_str() == topic)
        .map(|(_, role)| role)
    }

    /// Blocking: run it on a thread of its own. When it ends, the live streams end.
    pub fn run(self, readiness: Readiness, shutdown: Shutdown) -> anyhow::Result<()> {
        let stages = crate::operations::stage_groups(&self.settings);
        let result = std::thread::scope(|scope| {
            scope.spawn(|| self.lag.sample(&self.settings.kafka, &stages, &shutdown));
            let result = self.read(readiness, &shutdown);
            self.store.close();
            result
        });
        result
    }

    fn read(&self, readiness: Readiness, shutdown: &Shutdown) -> anyhow::Result<()> {
        let consumer: BaseConsumer =
            reader_config(&self.settings.kafka, "newswire-monitor").create()?;
        let t = &self.settings.topics;
        let topics = [
            &t.published,
            &t.enriched,
            &t.newsml,
            &t.social,
            &t.deadletter,
        ];
        let mut assignment = TopicPartitionList::new();
        for topic in topics {
            let partitions = loop {
                if let Some(n) = partition_count(&consumer, topic) {
                    break n;
                }
                if shutdown.is_triggered() {
                    return Ok(());
                }
                tracing::info!(%topic, "monitor waiting for the topic to exist");
                std::thread::sleep(Duration::from_millis(500));
            };
            for p in 0..partitions {
                assignment.add_partition_offset(topic, p, Offset::Beginning)?;
            }
        }
        match partition_count(&consumer, &t.ledger) {
            Some(partitions) => {
                for p in 0..partitions {
                    assignment.add_partition_offset(&t.ledger, p, Offset::Beginning)?;
                }
            }
            None => tracing::warn!(
                topic = %t.ledger,
                "no delivery ledger topic: journeys will not show subscriber deliveries"
            ),
        }
        consumer.assign(&assignment)?;
        tracing::info!("monitor reading every topic");
        while !shutdown.is_triggered() {
            match consumer.poll(Duration::from_millis(100)) {
                None => readiness.set(true),
                Some(Err(e)) => tracing::warn!(error = %e, "monitor consume error"),
                Some(Ok(m)) => {
                    if let Some(arrival) = self.arrival(&m) {
                        self.store.apply(arrival);
                    }
                }
            }
        }
        Ok(())
    }

    fn arrival(&self, m: &BorrowedMessage<'_>) -> Option<Arrival> {
        let role = self.role(m.topic())?;
        let headers = m.headers();
        let get = |name: &str| headers.and_then(|h| header_str(h, name)).map(String::from);
        let trace = headers.and_then(TraceParent::from_headers);
        let key = m.key().map(|k| String::from_utf8_lossy(k).into_owned());
        let mut step = Step {
            role,
            topic: m.topic().to_string(),
            writer: get("ce_source"),
            version: None,
            at_ms: m.timestamp().to_millis().unwrap_or_default(),
            trace_id: trace.map(|t| t.trace_id.to_string()),
            span_id: trace.map(|t| t.parent_id.to_string()),
            partition: m.partition(),
            offset: m.offset(),
            detail: None,
        };
        match role {
            Role::Published | Role::Enriched => {
                let stage = if role == Role::Published {
                    Stage::Published
                } else {
                    Stage::Enriched
                };
                let article = decode_article(m.payload()?, stage).ok()?;
                step.version = Some(article.version);
                Some(Arrival::Article {
                    role,
                    article: Box::new(article),
                    step,
                })
            }
            Role::Newsml => {
                let version = get("newsml_version").and_then(|v| v.parse().ok());
                step.version = version;
                Some(Arrival::Newsml {
                    id: key?,
                    output: NewsmlOutput {
                        version,
                        content_type: get("content-type"),
                        document: String::from_utf8_lossy(m.payload()?).into_owned(),
                    },
                    step,
                })
            }
            Role::Social => {
                let post: serde_json::Value = serde_json::from_slice(m.payload()?).ok()?;
                step.version = post["version"].as_u64();
                step.detail = Some(format!(
                    "{} {} @{}",
                    post["action"].as_str().unwrap_or("?"),
                    post["network"].as_str().unwrap_or("?"),
                    post["account"].as_str().unwrap_or("?")
                ));
                Some(Arrival::Post {
                    id: key?,
                    post,
                    step,
                })
            }
            Role::Delivery => {
                let key = key?;
                let (subscriber, destination, id) = ledger::parse_key(&key)?;
                let entry: ledger::Entry = serde_json::from_slice(m.payload()?).ok()?;
                step.writer = Some("delivery".into());
                step.version = Some(entry.version);
                step.at_ms = entry.delivered_at.timestamp_millis();
                step.detail = Some(format!("{subscriber} · {destination}"));
                Some(Arrival::Delivery {
                    id: id.to_string(),
                    step,
                })
            }
            Role::Deadletter => {
                step.writer = get("dlq_stage");
                let letter = DeadLetter {
                    key,
                    kind: get("dlq_kind"),
                    field: get("dlq_field"),
                    reason: get("dlq_reason"),
                    stage: get("dlq_stage"),
                    origin: get("dlq_topic").map(|t| {
                        format!(
                            "{t}:{}:{}",
                            get("dlq_partition").unwrap_or_default(),
                            get("dlq_offset").unwrap_or_default()
                        )
                    }),
                    partition: m.partition(),
                    offset: m.offset(),
                    at_ms: step.at_ms,
                    trace_id: step.trace_id.clone(),
                    replays: get("dlq_replays").and_then(|r| r.parse().ok()).unwrap_or(0),
                    payload_dropped: get("dlq_payload_dropped").as_deref() == Some("true"),
                };
                step.detail = letter.reason.clone();
                Some(Arrival::Dead { letter, step })
            }
        }
    }
}
