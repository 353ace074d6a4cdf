//! Helpers for the crash-test and benchmark binaries, which run the pipeline as
//! separate processes against a real broker. The end-to-end tests live in `tests/`.

use newswire_shared::config::{KafkaSettings, Topics};
use newswire_shared::kafka::{ensure_topics, replay_topic, TopicSpec};
use rdkafka::message::OwnedMessage;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Topics of one run, named `{run}.{topic}` so runs never meet.
pub async fn create_run_topics(brokers: &str, run: &str, partitions: i32) -> Topics {
    let topic = |name: &str| format!("{run}.{name}");
    let topics = Topics {
        published: topic("articles.published"),
        enriched: topic("articles.enriched"),
        newsml: topic("newsml.items"),
        social: topic("social.posts"),
        deadletter: topic("deadletter"),
        ledger: topic("delivery.ledger"),
    };
    let kafka = KafkaSettings {
        brokers: brokers.to_string(),
        ..Default::default()
    };
    ensure_topics(&kafka, &TopicSpec::all(&topics, partitions), 1)
        .await
        .expect("creating topics");
    topics
}

/// The `NEWSWIRE__…` variables every service process of a run shares.
pub fn service_env(brokers: &str, run: &str, topics: &Topics) -> Vec<(String, String)> {
    [
        ("NEWSWIRE__KAFKA__BROKERS", brokers.to_string()),
        ("NEWSWIRE__TOPICS__PUBLISHED", topics.published.clone()),
        ("NEWSWIRE__TOPICS__ENRICHED", topics.enriched.clone()),
        ("NEWSWIRE__TOPICS__DEADLETTER", topics.deadletter.clone()),
        ("NEWSWIRE__TOPICS__NEWSML", topics.newsml.clone()),
        ("NEWSWIRE__TOPICS__SOCIAL", topics.social.clone()),
        ("NEWSWIRE__ENRICHER__GROUP_ID", format!("{run}.enricher")),
        ("NEWSWIRE__TELEMETRY__LOG_LEVEL", "warn".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// One service process, restartable.
pub struct Service {
    pub name: String,
    pub binary: PathBuf,
    pub env: Vec<(String, String)>,
    pub log: PathBuf,
    child: Option<Child>,
}

impl Service {
    pub fn new(name: &str, binary: PathBuf, env: Vec<(String, String)>, logs: &Path) -> Self {
        Self {
            name: name.to_string(),
            binary,
            env,
            log: logs.join(format!("{name}.log")),
            child: None,
        }
    }

    pub fn start(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let child = Command::new(&self.binary)
            .envs(self.env.iter().cloned())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", self.binary.display()));
        self.child = Some(child);
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// SIGKILL: no chance to commit or flush.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn wait_ready(http: &reqwest::Client, url: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = http.get(url).send().await {
            if r.status().is_success() {
                return;
            }
        }
        assert!(Instant::now() < deadline, "{url} not ready within 60 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every committed record of `topic`, read to the end each partition had when reading
/// started: shared's `replay_topic`, the reader a stage rebuilds its state with.
pub fn read_all(brokers: &str, topic: &str) -> Vec<OwnedMessage> {
    let kafka = KafkaSettings {
        brokers: brokers.to_string(),
        ..Default::default()
    };
    let mut out = Vec::new();
    replay_topic(
        &kafka,
        topic,
        "newswire-harness-reader",
        Duration::from_secs(60),
        |m| out.push(m.detach()),
    )
    .expect("reading the topic back");
    out
}

/// The q-quantile (0–1) of durations, nearest rank.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// From each acknowledged event to when it was first seen, sorted (unseen ones left out).
pub fn latencies(
    acked: &std::collections::HashMap<String, Instant>,
    seen: &std::collections::HashMap<String, Instant>,
) -> Vec<Duration> {
    let mut l: Vec<Duration> = acked
        .iter()
        .filter_map(|(id, t)| seen.get(id).map(|s| s.saturating_duration_since(*t)))
        .collect();
    l.sort_unstable();
    l
}

/// `p50 … ms, p99 … ms, max … ms` of sorted latencies.
pub fn latency_summary(sorted: &[Duration]) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(quantile(sorted, 0.5)),
        ms(quantile(sorted, 0.99)),
        ms(sorted.last().copied().unwrap_or_default())
    )
}

/// Vocabulary of the generated wire copy the feeds benchmarks load.
pub mod copy {
    pub const SECTIONS: [&str; 12] = [
        "world",
        "politics",
        "economy",
        "business",
        "sport",
        "culture",
        "science",
        "health",
        "technology",
        "society",
        "regions",
        "opinion",
    ];
    pub const LANGUAGES: [&str; 6] = ["en", "ru", "be", "zh", "de", "kk"];
    pub const WORDS: [&str; 24] = [
        "delegation",
        "minister",
        "agreement",
        "trade",
        "growth",
        "border",
        "summit",
        "energy",
        "parliament",
        "budget",
        "investment",
        "cooperation",
        "transport",
        "harvest",
        "exports",
        "talks",
        "statement",
        "region",
        "capital",
        "report",
        "percent",
        "billion",
        "week",
        "council",
    ];
}

/// A story event for load: headline `{id} version {v}` and a body of about `body_bytes`.
pub fn article_json(id: &str, version: u64, body_bytes: usize) -> serde_json::Value {
    let sentence = "The delegations met in the capital to discuss trade, transport and security. ";
    let body: String = sentence.repeat(body_bytes / sentence.len() + 1);
    serde_json::json!({
        "id": id, "version": version, "status": "usable",
        "headline": format!("{id} version {version}"),
        "body": format!("<p>{}</p>", &body[..body_bytes.min(body.len())]),
        "first_created": "2024-11-28T08:00:00Z",
        "version_created": format!("2024-11-28T08:{:02}:00Z", version % 60),
    })
}

/// The JSON of story `id` (version 1, a 1,000-byte body) stamped now, so that it sorts to
/// the top of a feed as live news does.
pub fn live_article(id: &str) -> Vec<u8> {
    let mut article = article_json(id, 1, 1000);
    let now = chrono::Utc::now().to_rfc3339();
    article["first_created"] = now.clone().into();
    article["version_created"] = now.into();
    serde_json::to_vec(&article).unwrap()
}

/// A producer with the services' own settings on `brokers`, named `client_id`.
pub fn producer(brokers: &str, client_id: &str) -> rdkafka::producer::FutureProducer {
    let kafka = KafkaSettings {
        brokers: brokers.to_string(),
        ..Default::default()
    };
    newswire_shared::kafka::producer_config(&kafka, client_id)
        .create()
        .expect("a producer")
}

/// Events at a steady rate from the moment it is made.
pub struct Pace {
    started: Instant,
    per_second: u64,
}

impl Pace {
    pub fn new(per_second: u64) -> Self {
        Self {
            started: Instant::now(),
            per_second,
        }
    }

    /// Sleeps until event `i` is due.
    pub async fn wait(&self, i: usize) {
        let due = self.started + Duration::from_micros(1_000_000 * i as u64 / self.per_second);
        tokio::time::sleep_until(due.into()).await;
    }
}

/// POSTs `total` live stories ([`live_article`]) named `{run}-r{rate}-{i}` to the
/// newsroom API at `ingest`, `rate` a second, each from a task of its own so that a slow
/// answer delays no later story; panics unless each is accepted. When each was sent,
/// by id.
pub async fn post_paced(
    http: &reqwest::Client,
    ingest: &str,
    run: &str,
    rate: u64,
    total: usize,
) -> std::collections::HashMap<String, Instant> {
    let sent: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Instant>>> =
        Default::default();
    let url = format!("{ingest}/v1/articles");
    let pace = Pace::new(rate);
    let mut posts = Vec::with_capacity(total);
    for i in 0..total {
        pace.wait(i).await;
        let id = format!("{run}-r{rate}-{i}");
        let body = live_article(&id);
        let (http, url, sent) = (http.clone(), url.clone(), sent.clone());
        posts.push(tokio::spawn(async move {
            sent.lock().unwrap().insert(id, Instant::now());
            let r = http
                .post(&url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 202);
        }));
    }
    for p in posts {
        p.await.unwrap();
    }
    let sent = std::mem::take(&mut *sent.lock().unwrap());
    sent
}

/// Gives `service` (`INGEST`, `FEEDS`…) a free port to listen on among `env`; the port.
pub fn listen_env(env: &mut Vec<(String, String)>, service: &str) -> u16 {
    let port = free_port();
    env.push((
        format!("NEWSWIRE__{service}__LISTEN"),
        format!("127.0.0.1:{port}"),
    ));
    port
}

/// What a benchmark starts with: its arguments (over the defaults `count` and `rate`),
/// a run named after `kind`, and the run's topics of `partitions` partitions each.
pub async fn start_run(
    kind: &str,
    count: usize,
    rate: u64,
    partitions: i32,
) -> (BenchArgs, Run, Topics) {
    let args = BenchArgs::parse(count, rate);
    let run = Run::new(kind);
    let topics = create_run_topics(&args.brokers, &run.name, partitions).await;
    (args, run, topics)
}

/// A benchmark or test run: a unique name (prefix of its topics and groups) and a
/// folder for its processes' logs.
pub struct Run {
    pub name: String,
    pub logs: PathBuf,
}

impl Run {
    pub fn new(kind: &str) -> Self {
        let name = format!("{kind}-{}", chrono::Utc::now().timestamp_millis());
        let logs = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&logs).unwrap();
        Self { name, logs }
    }
}

/// Polls a feed back to back and records when each story id first appears in it.
pub struct FeedWatcher {
    seen: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Instant>>>,
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl FeedWatcher {
    pub fn start(http: reqwest::Client, url: String) -> Self {
        let seen: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Instant>>> =
            Default::default();
        let done: std::sync::Arc<std::sync::atomic::AtomicBool> = Default::default();
        let task = {
            let (seen, done) = (seen.clone(), done.clone());
            tokio::spawn(async move {
                // Conditional GETs: an unchanged feed costs a 304, so polling back to
                // back stays cheap even when the feed is a megabyte.
                let mut etag = String::new();
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let Ok(r) = http.get(&url).header("If-None-Match", &etag).send().await else {
                        continue;
                    };
                    if r.status() == reqwest::StatusCode::NOT_MODIFIED {
                        // A 304 costs the server almost nothing, so polls are paced to
                        // leave it the CPU it serves everyone else with (1 ms resolution).
                        tokio::time::sleep(Duration::from_millis(1)).await;
                        continue;
                    }
                    if let Some(tag) = r.headers().get("etag").and_then(|v| v.to_str().ok()) {
                        etag = tag.to_string();
                    }
                    let body = r.text().await.unwrap_or_default();
                    let now = Instant::now();
                    let mut seen = seen.lock().unwrap();
                    for part in body.split("urn:newswire:article:").skip(1) {
                        seen.entry(part.split('<').next().unwrap_or("").to_string())
                            .or_insert(now);
                    }
                }
            })
        };
        Self { seen, done, task }
    }

    /// Stops polling; returns id → first seen.
    pub async fn stop(self) -> std::collections::HashMap<String, Instant> {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        self.task.await.unwrap();
        std::mem::take(&mut *self.seen.lock().unwrap())
    }
}

/// The arguments every benchmark binary takes: `--brokers`, `--bin-dir`, `--count`,
/// `--rate` (events per second, where the benchmark paces itself).
pub struct BenchArgs {
    pub brokers: String,
    pub bin_dir: PathBuf,
    pub count: usize,
    pub rate: u64,
    /// Body size of generated stories, where the benchmark generates them.
    pub body_bytes: usize,
    /// Feeds held rendered besides `all`, where the benchmark warms them.
    pub feeds: usize,
}

impl BenchArgs {
    /// Parses the command line over the given defaults; an unknown argument panics.
    pub fn parse(count: usize, rate: u64) -> Self {
        let mut a = Self {
            brokers: "127.0.0.1:9092".into(),
            bin_dir: PathBuf::from("target/release"),
            count,
            rate,
            body_bytes: 0,
            feeds: 0,
        };
        let args: Vec<String> = std::env::args().skip(1).collect();
        for pair in args.chunks(2) {
            let value = pair
                .get(1)
                .unwrap_or_else(|| panic!("{} needs a value", pair[0]));
            match pair[0].as_str() {
                "--brokers" => a.brokers = value.clone(),
                "--bin-dir" => a.bin_dir = value.into(),
                "--count" => a.count = value.parse().expect("--count: a number"),
                "--rate" => a.rate = value.parse().expect("--rate: a number"),
                "--body-bytes" => a.body_bytes = value.parse().expect("--body-bytes: a number"),
                "--feeds" => a.feeds = value.parse().expect("--feeds: a number"),
                other => panic!("unknown argument {other}"),
            }
        }
        a
    }
}
