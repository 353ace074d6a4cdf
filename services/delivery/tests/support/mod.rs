//! What the delivery tests share: a broker (the one `NEWSWIRE_TEST_BROKERS` names, else
//! the embedded one), topics of their own, enriched articles written straight to
//! `articles.enriched`, the delivery service run in-process, and webhook receivers
//! that verify every request with the Standard Webhooks reference library.

#![allow(dead_code)]

use newswire_shared::config::{
    DeliverySubscriber, Destination, Format, WebhookDestination, WebhookSecret,
};
use newswire_shared::shutdown::{self, ShutdownTrigger};
use newswire_shared::{testing, Settings};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use std::time::{Duration, Instant};

pub use newswire_shared::testing::Broker;

/// Settings with topics and groups of the test's own ([`Broker::settings`]); fast
/// retries.
pub async fn delivery_settings(broker: &Broker, test: &str) -> Settings {
    let mut s = broker.settings(test).await;
    s.delivery.retry_initial_ms = 100;
    s.delivery.retry_max_ms = 2_000;
    s.delivery.commit_interval_ms = 50;
    s.delivery.request_timeout_ms = 5_000;
    s
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

/// A webhook subscriber per `(name, items, format, secrets)`, added to `settings`, each
/// with a receiver of its own that verifies with the newest secret (a rotation lists the
/// old one first). The receivers, in order; `None` (the test is skipped, or fails in CI)
/// when one cannot start.
pub fn webhook_desks<const N: usize>(
    settings: &mut Settings,
    desks: [(&str, &[&str], Format, &[&str]); N],
) -> Option<[Receiver; N]> {
    let mut receivers = Vec::with_capacity(N);
    for (name, items, format, secrets) in desks {
        let newest = secrets.last().expect("a webhook desk has a secret");
        let receiver = Receiver::start(newest, None)?;
        let subscriber = webhook_subscriber(name, items, &receiver.url, format, secrets);
        settings.delivery.subscribers.push(subscriber);
        receivers.push(receiver);
    }
    Some(
        receivers
            .try_into()
            .unwrap_or_else(|_| unreachable!("one receiver per desk")),
    )
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
        let python = testing::venv_python(
            "NEWSWIRE_WEBHOOKS_PYTHON",
            "webhooks-venv",
            "standardwebhooks",
            "the Standard Webhooks reference library",
        )?;
        let log = testing::scratch_dir("webhooks").join("requests.jsonl");
        let mut cmd = Command::new(python);
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
        if let Some(dir) = self.log.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
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
        testing::quiet_tracing();
        let (listener, base) = testing::local_listener().await;
        let (trigger, stop) = shutdown::channel();
        let task = tokio::spawn(newswire_delivery::serve(settings.clone(), listener, stop));
        let (http, readyz) = (reqwest::Client::new(), format!("{base}/readyz"));
        testing::until_ready(Duration::from_secs(60), "delivery", || async {
            let answer = http.get(&readyz).send().await;
            answer.is_ok_and(|r| r.status().is_success())
        })
        .await;
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

    /// Sends version `version` of story `id`, with no fields but the usual ones.
    pub async fn send_version(&self, id: &str, version: u64, status: &str, section: &str) {
        let article = enriched(id, version, status, section, serde_json::json!({}));
        self.send(&article).await;
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
