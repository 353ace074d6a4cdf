//! Push delivery end to end on a real broker: newsroom `POST /v1/articles` → ingest →
//! enricher → delivery → a signed webhook received by each of N subscribers, p50/p99
//! over every (subscriber, story), at the given rates; optionally with some
//! subscribers down (their URL refuses connections), whose figures are left out so the
//! others' can be compared with a run where everyone is up.
//!
//! `delivery-latency --brokers 127.0.0.1:9092 [--bin-dir target/release]
//!  [--subscribers 50] [--down 0] [--rates 100,1000] [--seconds 10]`

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use newswire_bench::{
    create_run_topics, free_port, latency_summary, post_paced, quantile, service_env, wait_ready,
    Run, Service,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PARTITIONS: i32 = 6;
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

struct Args {
    brokers: String,
    bin_dir: PathBuf,
    subscribers: usize,
    down: usize,
    rates: Vec<u64>,
    seconds: u64,
}

fn args() -> Args {
    let mut a = Args {
        brokers: "127.0.0.1:9092".into(),
        bin_dir: "target/release".into(),
        subscribers: 50,
        down: 0,
        rates: vec![100, 1000],
        seconds: 10,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let v = pair
            .get(1)
            .unwrap_or_else(|| panic!("{} needs a value", pair[0]));
        match pair[0].as_str() {
            "--brokers" => a.brokers = v.clone(),
            "--bin-dir" => a.bin_dir = v.into(),
            "--subscribers" => a.subscribers = v.parse().expect("--subscribers: a number"),
            "--down" => a.down = v.parse().expect("--down: a number"),
            "--rates" => {
                a.rates = v
                    .split(',')
                    .map(|r| r.parse().expect("--rates: numbers"))
                    .collect()
            }
            "--seconds" => a.seconds = v.parse().expect("--seconds: a number"),
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

/// When each subscriber first received each `webhook-id`.
type Received = Arc<Mutex<HashMap<(usize, String), Instant>>>;

async fn hook(
    State(received): State<Received>,
    Path(n): Path<usize>,
    headers: HeaderMap,
) -> StatusCode {
    let now = Instant::now();
    if let Some(id) = headers.get("webhook-id").and_then(|v| v.to_str().ok()) {
        received
            .lock()
            .unwrap()
            .entry((n, id.to_string()))
            .or_insert(now);
    }
    StatusCode::NO_CONTENT
}

#[tokio::main]
async fn main() {
    let a = args();
    let Run { name: run, logs } = Run::new("delivery");
    let topics = create_run_topics(&a.brokers, &run, PARTITIONS).await;

    // The receivers: one server, a path per subscriber; the down ones point at a port
    // nobody listens on.
    let received: Received = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let receiver = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/hook/{n}", post(hook))
        .with_state(received.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let dead_port = free_port();
    let mut config = String::new();
    for n in 0..a.subscribers {
        let url = if n < a.down {
            format!("http://127.0.0.1:{dead_port}/hook/{n}")
        } else {
            format!("http://{receiver}/hook/{n}")
        };
        config.push_str(&format!(
            "[[delivery.subscribers]]\nname = \"s{n}\"\n[[delivery.subscribers.destinations]]\ntype = \"webhook\"\nurl = \"{url}\"\nsecret = \"{SECRET}\"\nformat = \"article\"\n\n"
        ));
    }
    let config_path = logs.join("newswire.toml");
    std::fs::write(&config_path, config).unwrap();

    let ingest_port = free_port();
    let delivery_port = free_port();
    let mut env = service_env(&a.brokers, &run, &topics);
    env.extend([
        (
            "NEWSWIRE_CONFIG".to_string(),
            config_path.display().to_string(),
        ),
        ("NEWSWIRE__TOPICS__LEDGER".into(), topics.ledger.clone()),
        ("NEWSWIRE__KAFKA__INSTANCE_ID".into(), run.clone()),
        (
            "NEWSWIRE__INGEST__LISTEN".into(),
            format!("127.0.0.1:{ingest_port}"),
        ),
        (
            "NEWSWIRE__ENRICHER__LISTEN".into(),
            format!("127.0.0.1:{}", free_port()),
        ),
        (
            "NEWSWIRE__DELIVERY__LISTEN".into(),
            format!("127.0.0.1:{delivery_port}"),
        ),
        (
            "NEWSWIRE__DELIVERY__GROUP_ID".into(),
            format!("{run}.delivery"),
        ),
    ]);
    let mut services: Vec<Service> = ["ingest", "enricher", "delivery"]
        .iter()
        .map(|s| {
            Service::new(
                s,
                a.bin_dir.join(format!("newswire-{s}")),
                env.clone(),
                &logs,
            )
        })
        .collect();
    for s in &mut services {
        s.start();
    }
    let http = reqwest::Client::new();
    let ingest = format!("http://127.0.0.1:{ingest_port}");
    wait_ready(&http, &format!("{ingest}/readyz")).await;
    wait_ready(&http, &format!("http://127.0.0.1:{delivery_port}/readyz")).await;

    // Where the time goes: when each story appears on articles.enriched (committed).
    let enriched: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    {
        use rdkafka::consumer::{BaseConsumer, Consumer};
        use rdkafka::Message;
        let consumer: BaseConsumer = rdkafka::ClientConfig::new()
            .set("bootstrap.servers", &a.brokers)
            .set("group.id", format!("{run}.watch"))
            .set("enable.auto.commit", "false")
            .set("isolation.level", "read_committed")
            .set("fetch.wait.max.ms", "5")
            .create()
            .unwrap();
        let mut tpl = rdkafka::TopicPartitionList::new();
        for p in 0..PARTITIONS {
            tpl.add_partition_offset(&topics.enriched, p, rdkafka::Offset::End)
                .unwrap();
        }
        consumer.assign(&tpl).unwrap();
        let enriched = enriched.clone();
        std::thread::spawn(move || loop {
            if let Some(Ok(m)) = consumer.poll(Duration::from_millis(100)) {
                if let Some(Ok(key)) = m.key_view::<str>() {
                    enriched
                        .lock()
                        .unwrap()
                        .entry(format!("{key}:1"))
                        .or_insert_with(Instant::now);
                }
            }
        });
    }
    println!(
        "{} subscribers ({} down), {} s per rate, {PARTITIONS} partitions; logs in {}",
        a.subscribers,
        a.down,
        a.seconds,
        logs.display()
    );
    println!("| rate (stories/s) | webhooks to live subscribers | received | p50 ms | p99 ms | max ms | of which POST → articles.enriched p50 / p99 ms |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for &rate in &a.rates {
        let total = (rate * a.seconds) as usize;
        let sent: HashMap<String, Instant> = post_paced(&http, &ingest, &run, rate, total)
            .await
            .into_iter()
            .map(|(id, at)| (format!("{id}:1"), at))
            .collect();
        // Drain: until nothing new arrives for 3 s (at most 60 s).
        let drain = Instant::now();
        let mut last = 0;
        loop {
            tokio::time::sleep(Duration::from_secs(3)).await;
            let now = received.lock().unwrap().len();
            if now == last || drain.elapsed() > Duration::from_secs(60) {
                break;
            }
            last = now;
        }
        let got = received.lock().unwrap();
        let mut latencies = Vec::new();
        for n in a.down..a.subscribers {
            for (id, at) in sent.iter() {
                if let Some(t) = got.get(&(n, id.clone())) {
                    latencies.push(t.saturating_duration_since(*at));
                }
            }
        }
        latencies.sort_unstable();
        let expected = total * (a.subscribers - a.down);
        let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e3);
        let mut to_enriched: Vec<Duration> = {
            let e = enriched.lock().unwrap();
            sent.iter()
                .filter_map(|(id, at)| e.get(id).map(|t| t.saturating_duration_since(*at)))
                .collect()
        };
        to_enriched.sort_unstable();
        println!(
            "| {rate} | {expected} | {} | {} | {} | {} | {} / {} |",
            latencies.len(),
            ms(quantile(&latencies, 0.5)),
            ms(quantile(&latencies, 0.99)),
            ms(latencies.last().copied().unwrap_or_default()),
            ms(quantile(&to_enriched, 0.5)),
            ms(quantile(&to_enriched, 0.99)),
        );
        eprintln!("rate {rate}: {}", latency_summary(&latencies));
    }
    // Delivery's own account (transaction times, per-destination figures), for
    // finding where the time went.
    if let Ok(r) = http
        .get(format!("http://127.0.0.1:{delivery_port}/metrics"))
        .send()
        .await
    {
        let _ = std::fs::write(
            logs.join("delivery-metrics.txt"),
            r.text().await.unwrap_or_default(),
        );
    }
    for s in &mut services {
        s.kill();
    }
}
