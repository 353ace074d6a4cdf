//! What every end-to-end test needs: a broker (the one named by
//! `NEWSWIRE_TEST_BROKERS`, else the embedded mock cluster), fresh topics per test, a
//! running pipeline, and readers for topics and feeds.

use newswire::pipeline::Pipeline;
use newswire_shared::kafka::{ensure_topics, EmbeddedBroker, TopicSpec};
use newswire_shared::shutdown::{self, ShutdownTrigger};
use newswire_shared::{Article, Settings};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::OwnedMessage;
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

pub const PARTITIONS: i32 = 3;

/// Picks one topic's name out of the settings' topics.
pub type TopicOf = fn(&newswire_shared::config::Topics) -> &String;

pub enum Broker {
    Embedded(EmbeddedBroker),
    External(String),
}

impl Broker {
    pub fn start() -> Self {
        match std::env::var("NEWSWIRE_TEST_BROKERS") {
            Ok(b) if !b.trim().is_empty() => Broker::External(b),
            _ => Broker::Embedded(EmbeddedBroker::start(1).expect("embedded broker")),
        }
    }

    pub fn bootstrap(&self) -> String {
        match self {
            Broker::Embedded(b) => b.bootstrap_servers().to_string(),
            Broker::External(b) => b.clone(),
        }
    }

    pub fn embedded(&self) -> Option<&EmbeddedBroker> {
        match self {
            Broker::Embedded(b) => Some(b),
            Broker::External(_) => None,
        }
    }

    /// Settings with topics, group and transactional ids of their own, so tests run in
    /// parallel on one broker without meeting.
    pub async fn settings(&self, test: &str) -> Settings {
        self.settings_with_limits(test, &[]).await
    }

    /// As [`Broker::settings`], with `max.message.bytes` set on some topics (chosen by
    /// a function of the topic names). The embedded broker has no topic configuration:
    /// there the smallest limit becomes every producer's `kafka.message_max_bytes`,
    /// which the stages check in the same way.
    pub async fn settings_with_limits(&self, test: &str, limits: &[(TopicOf, usize)]) -> Settings {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let unique = format!(
            "{test}-{}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_micros()
        );
        let mut s = Settings::default();
        s.kafka.brokers = self.bootstrap();
        s.kafka.instance_id = Some(unique.clone());
        s.kafka.publish_timeout_ms = 60_000;
        s.topics.published = format!("{unique}.articles.published");
        s.topics.enriched = format!("{unique}.articles.enriched");
        s.topics.newsml = format!("{unique}.newsml.items");
        s.topics.social = format!("{unique}.social.posts");
        s.topics.deadletter = format!("{unique}.deadletter");
        s.enricher.group_id = format!("{unique}.enricher");
        s.social.group_id = format!("{unique}.social");
        s.newsml.group_id = format!("{unique}.newsml");
        s.topics.ledger = format!("{unique}.delivery.ledger");
        s.delivery.group_id = format!("{unique}.delivery");
        let mut topics = TopicSpec::all(&s.topics, PARTITIONS);
        for (which, bytes) in limits {
            let name = which(&s.topics).clone();
            for t in topics.iter_mut().filter(|t| t.name == name) {
                t.config
                    .push(("max.message.bytes".into(), bytes.to_string()));
            }
        }
        if let (Broker::Embedded(_), Some(smallest)) = (self, limits.iter().map(|(_, b)| *b).min())
        {
            s.kafka.message_max_bytes = smallest;
        }
        match self {
            Broker::Embedded(b) => b.create_topics(&topics).expect("create topics"),
            Broker::External(_) => ensure_topics(&s.kafka, &topics, 1)
                .await
                .expect("create topics"),
        }
        s
    }
}

pub struct RunningPipeline {
    pub base: String,
    pub pipeline: Pipeline,
    trigger: ShutdownTrigger,
}

impl RunningPipeline {
    pub async fn start(settings: &Settings) -> Self {
        newswire_shared::telemetry::init_tracing(&newswire_shared::config::TelemetrySettings {
            log_level: "warn".into(),
            ..Default::default()
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut settings = settings.clone();
        settings.feeds.base_url = base.clone();
        let (trigger, stop) = shutdown::channel();
        let pipeline = Pipeline::start(&settings, listener, stop).expect("pipeline starts");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !pipeline.health.is_ready() {
            assert!(Instant::now() < deadline, "pipeline not ready within 30 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            base,
            pipeline,
            trigger,
        }
    }

    pub async fn stop(self) {
        self.trigger.trigger();
        tokio::time::timeout(Duration::from_secs(20), self.pipeline.stopped())
            .await
            .expect("pipeline stops within 20 s")
            .expect("pipeline stops cleanly");
    }

    pub async fn feed(&self) -> String {
        reqwest::get(format!("{}/feeds/all.rss", self.base))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Polls the feed until `check` holds; panics after `within`.
    pub async fn feed_until(
        &self,
        within: Duration,
        check: impl Fn(&str) -> bool,
    ) -> (String, Duration) {
        let started = Instant::now();
        loop {
            let feed = self.feed().await;
            if check(&feed) {
                return (feed, started.elapsed());
            }
            assert!(
                started.elapsed() < within,
                "feed did not change as expected within {within:?}:\n{feed}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

pub fn article(id: &str, version: u64, headline: &str) -> Article {
    serde_json::from_value(serde_json::json!({
        "id": id, "version": version, "status": "usable", "headline": headline,
        "body": format!("<p>{headline}</p>"), "language": "en",
        "first_created": "2024-11-28T08:00:00Z",
        "version_created": format!("2024-11-28T09:{:02}:{:02}Z", (version / 60) % 60, version % 60),
    }))
    .unwrap()
}

/// Reads `topic` from the beginning (committed data only) until `count` records
/// arrived or `within` passed; returns what was read.
pub fn read_topic(brokers: &str, topic: &str, count: usize, within: Duration) -> Vec<OwnedMessage> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", "newswire-tests-reader")
        .set("enable.auto.commit", "false")
        .set("isolation.level", "read_committed")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for p in 0..PARTITIONS {
        tpl.add_partition_offset(topic, p, Offset::Beginning)
            .unwrap();
    }
    consumer.assign(&tpl).unwrap();
    let deadline = Instant::now() + within;
    let mut out = Vec::new();
    while out.len() < count && Instant::now() < deadline {
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(100)) {
            out.push(m.detach());
        }
    }
    out
}

pub fn header<'m>(m: &'m OwnedMessage, name: &str) -> Option<&'m str> {
    use rdkafka::message::Headers;
    let headers = m.headers()?;
    headers
        .iter()
        .find(|h| h.key == name)
        .and_then(|h| h.value)
        .and_then(|v| std::str::from_utf8(v).ok())
}

/// POSTs an article to the newsroom API, expects 202, and returns the partition the
/// receipt names.
pub async fn post_article(base: &str, body: &serde_json::Value) -> i32 {
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/articles"))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, 202, "{text}");
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["partition"]
        .as_i64()
        .expect("a receipt names its partition") as i32
}

/// Writes one record straight to `topic`, past the API (for events no API would take).
pub async fn produce(brokers: &str, topic: &str, key: &str, payload: &[u8]) {
    let producer: rdkafka::producer::FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .unwrap();
    producer
        .send(
            rdkafka::producer::FutureRecord::to(topic)
                .key(key)
                .payload(payload),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
}

/// A drop folder in a fresh temporary directory, removed when this is dropped.
pub struct Inbox(pub std::path::PathBuf);

impl Drop for Inbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A push-delivery subscriber `name` entitled to `items`, whose one destination is a
/// drop folder of ninjs files: the quickest real delivery a test can watch.
pub fn drop_folder_subscriber(
    name: &str,
    items: &[&str],
) -> (newswire_shared::config::DeliverySubscriber, Inbox) {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "newswire-inbox-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let subscriber = newswire_shared::config::DeliverySubscriber {
        name: name.into(),
        items: items.iter().map(|i| i.to_string()).collect(),
        trust_embargo: false,
        destinations: vec![newswire_shared::config::Destination::DropFolder(
            newswire_shared::config::DropFolderDestination {
                name: None,
                path: dir.clone(),
                format: newswire_shared::config::Format::Ninjs,
            },
        )],
    };
    (subscriber, Inbox(dir))
}
