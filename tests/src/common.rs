//! What every end-to-end test needs: a broker (the one named by
//! `NEWSWIRE_TEST_BROKERS`, else the embedded mock cluster), fresh topics per test, a
//! running pipeline, and readers for topics and feeds.

use newswire::pipeline::Pipeline;
use newswire_shared::shutdown::{self, ShutdownTrigger};
use newswire_shared::{testing, Article, Settings};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::OwnedMessage;
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};
use std::time::{Duration, Instant};

/// How long a test waits for a state it claims will come (a story in a feed, a file in
/// a folder) before it fails. Generous because CI runs many pipelines at once on two
/// cores against Apache Kafka; it is never the claim itself — a test that claims a
/// latency measures it and asserts on the figure.
pub const EVENTUALLY: Duration = Duration::from_secs(60);

/// A test's hold on the machine the end-to-end tests share (cargo runs them on as many
/// threads as there are cores): many tests hold it shared, a test that measures
/// wall-clock time holds it alone. Released on drop.
pub struct MachineShare {
    alone: bool,
}

struct Holders {
    shared: usize,
    alone: bool,
}

static MACHINE: std::sync::Mutex<Holders> = std::sync::Mutex::new(Holders {
    shared: 0,
    alone: false,
});
static MACHINE_CHANGED: std::sync::Condvar = std::sync::Condvar::new();

impl MachineShare {
    /// Waits (blocking the thread: a test waits for nothing else then) while a test has
    /// the machine alone. A shared hold never waits for a test that is waiting to be
    /// alone, so a test may hold two shares at once (a pipeline restarted beside a
    /// running one) without deadlock.
    pub fn shared() -> Self {
        let mut h = MACHINE.lock().unwrap_or_else(|e| e.into_inner());
        while h.alone {
            h = MACHINE_CHANGED.wait(h).unwrap_or_else(|e| e.into_inner());
        }
        h.shared += 1;
        Self { alone: false }
    }

    /// Waits until no other test holds the machine, then holds it alone.
    pub fn alone() -> Self {
        let mut h = MACHINE.lock().unwrap_or_else(|e| e.into_inner());
        while h.alone || h.shared > 0 {
            h = MACHINE_CHANGED.wait(h).unwrap_or_else(|e| e.into_inner());
        }
        h.alone = true;
        Self { alone: true }
    }
}

impl Drop for MachineShare {
    fn drop(&mut self) {
        let mut h = MACHINE.lock().unwrap_or_else(|e| e.into_inner());
        if self.alone {
            h.alone = false;
        } else {
            h.shared -= 1;
        }
        MACHINE_CHANGED.notify_all();
    }
}

/// The broker, and settings with topics of a test's own, are every crate's tests' (in
/// `shared::testing`).
pub use newswire_shared::testing::{Broker, TopicOf, PARTITIONS};

pub struct RunningPipeline {
    pub base: String,
    pub pipeline: Pipeline,
    trigger: ShutdownTrigger,
    _machine: MachineShare,
}

impl RunningPipeline {
    /// Starts the whole pipeline in this process, sharing the machine with the other
    /// tests' pipelines.
    pub async fn start(settings: &Settings) -> Self {
        Self::start_with(settings, MachineShare::shared()).await
    }

    /// Starts the whole pipeline once no other test's pipeline runs, and keeps the
    /// machine to itself until stopped: for a test that measures wall-clock time, where
    /// a second pipeline on the same two cores would be measured with it.
    pub async fn start_alone(settings: &Settings) -> Self {
        Self::start_with(settings, MachineShare::alone()).await
    }

    async fn start_with(settings: &Settings, machine: MachineShare) -> Self {
        testing::quiet_tracing();
        let (listener, base) = testing::local_listener().await;
        let mut settings = settings.clone();
        settings.feeds.base_url = base.clone();
        let (trigger, stop) = shutdown::channel();
        let pipeline = Pipeline::start(&settings, listener, stop).expect("pipeline starts");
        testing::until_ready(EVENTUALLY, "pipeline", || {
            std::future::ready(pipeline.health.is_ready())
        })
        .await;
        Self {
            base,
            pipeline,
            trigger,
            _machine: machine,
        }
    }

    pub async fn stop(self) {
        self.trigger.trigger();
        tokio::time::timeout(Duration::from_secs(20), self.pipeline.stopped())
            .await
            .expect("pipeline stops within 20 s")
            .expect("pipeline stops cleanly");
    }

    /// Publishes `article` through the ingest stage's publisher, past the HTTP API, once
    /// Kafka has it.
    pub async fn publish(&self, article: &Article) {
        self.pipeline
            .ingest
            .state
            .publisher
            .publish(article)
            .await
            .unwrap();
    }

    /// POSTs `article` to the newsroom API; its answer, unchecked.
    pub async fn post(&self, article: &serde_json::Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("{}/v1/articles", self.base))
            .json(article)
            .send()
            .await
            .unwrap()
    }

    pub async fn feed(&self) -> String {
        reqwest::get(format!("{}/feeds/all.rss", self.base))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Polls the feed until `check` holds; panics after [`EVENTUALLY`]. Returns the
    /// feed and how long it took: a test that claims a latency asserts on that.
    pub async fn feed_until(&self, check: impl Fn(&str) -> bool) -> (String, Duration) {
        let within = EVENTUALLY;
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

/// Polls `list` every 50 ms until it has `count` entries or more, and returns them;
/// panics after `within`, naming `what` and showing the last list.
pub async fn until_count<T: std::fmt::Debug, F: std::future::Future<Output = Vec<T>>>(
    within: Duration,
    what: &str,
    count: usize,
    mut list: impl FnMut() -> F,
) -> Vec<T> {
    let deadline = Instant::now() + within;
    loop {
        let all = list().await;
        if all.len() >= count {
            return all;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: {} of {count}: {all:?}",
            all.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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

/// Lets an operator watch the pipeline with `key` in the wire monitor, and gives it one
/// subscriber, `desk`, entitled to `items` with a drop folder: its deliveries are steps
/// of the journeys. The folder lasts as long as what this returns.
pub fn watched_with(settings: &mut Settings, key: &str, desk: &str, items: &[&str]) -> Inbox {
    settings.monitor.operator_keys = vec![newswire_shared::keys::ConfiguredKey::new(key)];
    let (subscriber, inbox) = drop_folder_subscriber(desk, items);
    settings.delivery.subscribers = vec![subscriber];
    inbox
}

/// A push-delivery subscriber `name` entitled to `items`, whose one destination is a
/// drop folder of ninjs files: the quickest real delivery a test can watch.
pub fn drop_folder_subscriber(
    name: &str,
    items: &[&str],
) -> (newswire_shared::config::DeliverySubscriber, Inbox) {
    let dir = testing::scratch_dir(&format!("inbox-{name}"));
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

/// The metadata of the `all` feed of a service at `base` (no trailing slash), for tests
/// that render feeds without running one.
pub fn feed_info(base: &str) -> newswire_feeds::FeedInfo {
    newswire_feeds::FeedInfo {
        title: "Newswire".into(),
        link: format!("{base}/"),
        self_url: format!("{base}/feeds/all.rss"),
        description: "Every story".into(),
        id: "urn:newswire:feed:all".into(),
        hub: None,
        history: Default::default(),
        language: None,
        empty_updated: "2024-11-28T12:00:00Z".parse().unwrap(),
    }
}
