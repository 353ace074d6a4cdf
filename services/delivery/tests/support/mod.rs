//! What the delivery tests share: a broker (the one `NEWSWIRE_TEST_BROKERS` names, else
//! the embedded one), topics of their own, enriched articles written straight to
//! `articles.enriched`, the delivery service run in-process, and webhook receivers
//! that verify every request with the Standard Webhooks reference library.

#![allow(dead_code)]

use newswire_shared::config::{
    DeliverySubscriber, Destination, Format, WebhookDestination, WebhookSecret,
};
use newswire_shared::kafka::{ensure_topics, EmbeddedBroker, TopicSpec};
use newswire_shared::shutdown::{self, ShutdownTrigger};
use newswire_shared::Settings;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

pub const PARTITIONS: i32 = 3;

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

    pub fn is_real(&self) -> bool {
        matches!(self, Broker::External(_))
    }

    /// On the embedded broker (librdkafka's mock cluster, which neither stores
    /// transactional offsets nor enforces read_committed) a claim about restarts
    /// cannot hold: the test says it was skipped.
    pub fn real_or_skip(&self, test: &str) -> bool {
        if !self.is_real() {
            eprintln!("skipped: {test} needs Apache Kafka (set NEWSWIRE_TEST_BROKERS): the embedded broker does not store transactional offsets");
        }
        self.is_real()
    }

    pub fn bootstrap(&self) -> String {
        match self {
            Broker::Embedded(b) => b.bootstrap_servers().to_string(),
            Broker::External(b) => b.clone(),
        }
    }

    /// Settings with topics and groups of their own; fast retries.
    pub async fn settings(&self, test: &str) -> Settings {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let unique = format!(
            "{test}-{}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_micros()
        );
        let mut s = Settings::default();
        s.kafka.brokers = self.bootstrap();
        s.kafka.instance_id = Some(format!("{unique}-a"));
        s.topics.published = format!("{unique}.articles.published");
        s.topics.enriched = format!("{unique}.articles.enriched");
        s.topics.newsml = format!("{unique}.newsml.items");
        s.topics.social = format!("{unique}.social.posts");
        s.topics.deadletter = format!("{unique}.deadletter");
        s.topics.ledger = format!("{unique}.delivery.ledger");
        s.delivery.group_id = format!("{unique}.delivery");
        s.delivery.retry_initial_ms = 100;
        s.delivery.retry_max_ms = 2_000;
        s.delivery.commit_interval_ms = 50;
        s.delivery.request_timeout_ms = 5_000;
        let topics = TopicSpec::all(&s.topics, PARTITIONS);
        match self {
            Broker::Embedded(b) => b.create_topics(&topics).expect("create topics"),
            Broker::External(_) => ensure_topics(&s.kafka, &topics, 1)
                .await
                .expect("create topics"),
        }
        s
    }
}

/// A Standard Webhooks secret made for one test.
pub fn secret(seed: u8) -> String {
    use base64::Engine;
    let bytes: Vec<u8> = (0..32u8)
        .map(|i| i.wrapping_mul(37).wrapping_add(seed))
        .collect();
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

pub fn webhook_subscriber(
    name: &str,
    items: &[&str],
    url: &str,
    format: Format,
    secrets: &[&str],
) -> DeliverySubscriber {
    DeliverySubscriber {
        name: name.into(),
        items: items.iter().map(|s| s.to_string()).collect(),
        trust_embargo: false,
        destinations: vec![Destination::Webhook(WebhookDestination {
            name: None,
            url: url.into(),
            format,
            secret: WebhookSecret::new(secrets[0]),
            secrets: secrets[1..]
                .iter()
                .map(|s| WebhookSecret::new(*s))
                .collect(),
        })],
    }
}

/// One request as the reference receiver logged it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Received {
    pub id: Option<String>,
    pub story: Option<String>,
    pub version: Option<String>,
    pub status: Option<String>,
    pub content_type: Option<String>,
    #[serde(default)]
    pub traceparent: Option<String>,
    pub signatures: usize,
    pub verified: bool,
    pub problem: Option<String>,
    pub answered: u16,
    pub arrived: f64,
    pub body: String,
}

impl Received {
    pub fn accepted(&self) -> bool {
        (200..300).contains(&self.answered)
    }

    pub fn version(&self) -> u64 {
        self.version
            .as_deref()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

/// A webhook receiver under Python with the `standardwebhooks` package, verifying
/// every request it gets.
pub struct Receiver {
    pub url: String,
    log: PathBuf,
    child: Child,
}

impl Receiver {
    /// `None` (the test is skipped, or fails in CI) when Python or the package is missing.
    pub fn start(secret: &str, fail: Option<(f64, f64)>) -> Option<Self> {
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/webhook_receiver.py");
        let ok = Command::new("python3")
            .args(["-c", "import standardwebhooks"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            newswire_shared::testing::skip(
                "python3 with the standardwebhooks package is not installed (deploy/ci/install-deps.sh installs it)",
            );
            return None;
        }
        static N: AtomicU32 = AtomicU32::new(0);
        let log = std::env::temp_dir().join(format!(
            "newswire-webhooks-{}-{}.jsonl",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_file(&log);
        let mut cmd = Command::new("python3");
        cmd.arg(&script).arg(&log).arg(secret);
        if let Some((from, until)) = fail {
            cmd.args([
                "--fail-from",
                &from.to_string(),
                "--fail-until",
                &until.to_string(),
            ]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line.trim().parse().expect("the receiver prints its port");
        Some(Self {
            url: format!("http://127.0.0.1:{port}/hook"),
            log,
            child,
        })
    }

    pub fn requests(&self) -> Vec<Received> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("receiver log line"))
            .collect()
    }

    pub fn accepted(&self) -> Vec<Received> {
        self.requests()
            .into_iter()
            .filter(Received::accepted)
            .collect()
    }

    /// Waits until `check` holds for the accepted requests; panics after `within`.
    pub async fn until(
        &self,
        within: Duration,
        what: &str,
        check: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.accepted();
            if check(&got) {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: not within {within:?}; accepted: {:?}",
                got.iter().map(|r| r.id.clone()).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The delivery service, in this process.
pub struct Running {
    pub base: String,
    trigger: ShutdownTrigger,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    pub async fn start(settings: &Settings) -> Self {
        newswire_shared::telemetry::init_tracing(&newswire_shared::config::TelemetrySettings {
            log_level: "warn".into(),
            ..Default::default()
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (trigger, stop) = shutdown::channel();
        let task = tokio::spawn(newswire_delivery::serve(settings.clone(), listener, stop));
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = http.get(format!("{base}/readyz")).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "delivery not ready within 60 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            base,
            trigger,
            task,
        }
    }

    pub async fn stop(self) {
        self.trigger.trigger();
        tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .expect("delivery stops within 30 s")
            .expect("delivery task")
            .expect("delivery stops cleanly");
    }
}

/// An enriched article event (what the enricher writes).
pub fn enriched(
    id: &str,
    version: u64,
    status: &str,
    section: &str,
    extra: serde_json::Value,
) -> serde_json::Value {
    let mut a = serde_json::json!({
        "id": id, "version": version, "status": status, "section": section,
        "headline": format!("{id} version {version}"),
        "body": format!("<p>{id} version {version}.</p>"),
        "language": "en",
        "first_created": "2024-11-28T08:00:00Z",
        "version_created": format!("2024-11-28T09:00:{:02}Z", version % 60),
        "enrichment": {"language": "en", "language_confidence": 0.9}
    });
    if let serde_json::Value::Object(extra) = extra {
        for (k, v) in extra {
            a[k] = v;
        }
    }
    a
}

pub struct Producer(FutureProducer, String);

impl Producer {
    pub fn new(settings: &Settings) -> Self {
        let p = ClientConfig::new()
            .set("bootstrap.servers", &settings.kafka.brokers)
            .set("enable.idempotence", "true")
            .set("linger.ms", "0")
            .create()
            .unwrap();
        Self(p, settings.topics.enriched.clone())
    }

    pub async fn send(&self, article: &serde_json::Value) {
        self.send_traced(article, None).await;
    }

    /// Sends `article` with `traceparent` as the enricher writes it.
    pub async fn send_traced(&self, article: &serde_json::Value, traceparent: Option<&str>) {
        let key = article["id"].as_str().unwrap().to_string();
        let payload = serde_json::to_vec(article).unwrap();
        let mut record = FutureRecord::to(&self.1).key(&key).payload(&payload);
        if let Some(t) = traceparent {
            record = record.headers(rdkafka::message::OwnedHeaders::new().insert(
                rdkafka::message::Header {
                    key: "traceparent",
                    value: Some(t),
                },
            ));
        }
        self.0
            .send(record, Duration::from_secs(10))
            .await
            .expect("produced");
    }
}
