//! Enricher throughput on a real broker, next to a plain consume → produce pass-through
//! in the same run, and the enricher's memory with all its data loaded.
//!
//! cargo build --release -p newswire-enricher -p newswire-tests --bins
//! deploy/kafka/kafka.sh start
//! target/release/enricher-throughput [--count 20000] [--brokers 127.0.0.1:9092]
//!
//! Both read the same `count` article events (the sample articles, ids made unique)
//! from a 6-partition topic. The pass-through copies each record as it is to another
//! topic with an idempotent producer, committing its offsets; the enricher is the real
//! `newswire-enricher` process (Kafka transactions, read_committed). Rates are taken from
//! the first output record to the last, so start-up (the enricher builds its gazetteer)
//! is left out and reported on its own.

use newswire_bench::{create_run_topics, free_port, service_env, BenchArgs, Run, Service};
use newswire_shared::config::KafkaSettings;
use newswire_shared::kafka::{ensure_topics, TopicSpec};
use newswire_shared::testing::samples;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::{ClientConfig, Message};
use std::time::{Duration, Instant};

const PARTITIONS: i32 = 6;

fn consumer(brokers: &str, group: &str, topic: &str) -> BaseConsumer {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", group)
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .set("isolation.level", "read_committed")
        .create()
        .expect("consumer");
    c.subscribe(&[topic]).expect("subscribe");
    c
}

fn producer(brokers: &str) -> BaseProducer {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("enable.idempotence", "true")
        .set("linger.ms", "5")
        .create()
        .expect("producer")
}

/// Reads `topic` until `count` records have arrived; (first arrival, last arrival).
fn watch(brokers: &str, group: &str, topic: &str, count: usize) -> (Instant, Instant) {
    let c = consumer(brokers, group, topic);
    let mut first = None;
    let mut n = 0;
    let deadline = Instant::now() + Duration::from_secs(600);
    while n < count {
        assert!(
            Instant::now() < deadline,
            "only {n} of {count} records in {topic}"
        );
        if let Some(m) = c.poll(Duration::from_millis(100)) {
            m.expect("consuming");
            first.get_or_insert_with(Instant::now);
            n += 1;
        }
    }
    (first.unwrap(), Instant::now())
}

fn rate(count: usize, (first, last): (Instant, Instant)) -> f64 {
    count as f64 / (last - first).as_secs_f64()
}

fn memory_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let args = BenchArgs::parse(20_000, 0);
    let Run { name: run, logs } = Run::new("enricher-throughput");
    let topics = create_run_topics(&args.brokers, &run, PARTITIONS).await;
    let copied = format!("{run}.passthrough");
    let kafka = KafkaSettings {
        brokers: args.brokers.clone(),
        ..Default::default()
    };
    ensure_topics(
        &kafka,
        &[TopicSpec {
            name: copied.clone(),
            partitions: PARTITIONS,
            config: Vec::new(),
        }],
        1,
    )
    .await
    .unwrap();

    // The input: sample articles in every language we carry, ids made unique.
    let articles: Vec<_> = samples()
        .into_iter()
        .filter(|a| a.enrichment.is_none())
        .collect();
    let p = producer(&args.brokers);
    let mut bytes = 0usize;
    for i in 0..args.count {
        let mut a = articles[i % articles.len()].clone();
        a.id = format!("{run}-{i}");
        let payload = serde_json::to_vec(&a).unwrap();
        bytes += payload.len();
        loop {
            match p.send(
                BaseRecord::to(&topics.published)
                    .key(&a.id)
                    .payload(&payload),
            ) {
                Ok(()) => break,
                Err(_) => {
                    p.poll(Duration::from_millis(10));
                }
            }
        }
        p.poll(Duration::ZERO);
    }
    p.flush(Duration::from_secs(60)).expect("input flushed");
    println!(
        "input: {} events, {:.1} KB average",
        args.count,
        bytes as f64 / args.count as f64 / 1024.0
    );

    // 1. Plain pass-through: consume, produce the same bytes, commit.
    let (brokers, input, output, count) = (
        args.brokers.clone(),
        topics.published.clone(),
        copied.clone(),
        args.count,
    );
    let group = format!("{run}.passthrough");
    let copier = std::thread::spawn(move || {
        let c = consumer(&brokers, &group, &input);
        let p = producer(&brokers);
        let mut n = 0;
        while n < count {
            if let Some(m) = c.poll(Duration::from_millis(100)) {
                let m = m.expect("consuming");
                let mut record = BaseRecord::to(&output).payload(m.payload().unwrap_or_default());
                if let Some(k) = m.key() {
                    record = record.key(k);
                }
                while let Err((_, r)) = p.send(record) {
                    p.poll(Duration::from_millis(1));
                    record = r;
                }
                p.poll(Duration::ZERO);
                n += 1;
                if n % 500 == 0 {
                    p.flush(Duration::from_secs(30)).expect("flush");
                    c.commit_consumer_state(CommitMode::Async).ok();
                }
            }
        }
        p.flush(Duration::from_secs(30)).expect("flush");
        c.commit_consumer_state(CommitMode::Sync).ok();
    });
    let passthrough = watch(&args.brokers, &format!("{run}.w1"), &copied, args.count);
    copier.join().unwrap();

    // 2. The enricher process.
    let mut env = service_env(&args.brokers, &run, &topics);
    env.push((
        "NEWSWIRE__ENRICHER__LISTEN".into(),
        format!("127.0.0.1:{}", free_port()),
    ));
    env.push(("NEWSWIRE__KAFKA__INSTANCE_ID".into(), run.clone()));
    let mut enricher = Service::new(
        "enricher",
        args.bin_dir.join("newswire-enricher"),
        env,
        &logs,
    );
    let started = Instant::now();
    enricher.start();
    let pid = enricher.pid().unwrap();
    let enriched = watch(
        &args.brokers,
        &format!("{run}.w2"),
        &topics.enriched,
        args.count,
    );
    let rss = memory_kib(pid, "VmRSS:");
    let peak = memory_kib(pid, "VmHWM:");
    enricher.kill();

    let (pt, en) = (rate(args.count, passthrough), rate(args.count, enriched));
    println!("| run | events/s | first output after |");
    println!("|---|---:|---:|");
    println!("| plain consume → produce pass-through | {pt:.0} | — |");
    println!(
        "| newswire-enricher (transactions, read_committed) | {en:.0} | {:.2} s after start |",
        (enriched.0 - started).as_secs_f64()
    );
    println!("enricher / pass-through: {:.0}%", 100.0 * en / pt);
    println!(
        "enricher memory after the run: RSS {:.0} MB (peak {:.0} MB)",
        rss as f64 / 1024.0,
        peak as f64 / 1024.0
    );
}
