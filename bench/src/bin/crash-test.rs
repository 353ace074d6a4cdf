//! Crash test on a real broker: the pipeline runs as separate processes while articles
//! flow through the ingest API; the consuming services are SIGKILLed at random moments
//! and restarted (and optionally the broker is restarted); afterwards every article must
//! be in every output exactly once, at its latest version.
//!
//! Usually run through `deploy/e2e/crash-test.sh`. Ends with one summary line:
//! `crash-test seed=… published=… delivered=… lost=… duplicated=… regressed=…`.

use newswire_bench::{
    article_json, create_run_topics, listen_env, read_all, service_env, wait_ready, Run, Service,
};
use newswire_shared::validate::{decode_article, Stage};
use rdkafka::Message;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

const PARTITIONS: i32 = 6;

struct Options {
    brokers: String,
    bin_dir: PathBuf,
    seed: u64,
    stories: u64,
    updates: u64,
    rate_per_sec: u64,
    restart_broker: Option<String>,
    /// How long the broker stays stopped when it is restarted.
    broker_down_secs: u64,
}

fn options() -> Options {
    let mut o = Options {
        brokers: "127.0.0.1:9092".into(),
        bin_dir: PathBuf::from("target/release"),
        seed: 1,
        stories: 8_000,
        updates: 2_000,
        rate_per_sec: 500,
        restart_broker: None,
        broker_down_secs: 0,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--brokers" => o.brokers = value,
            "--bin-dir" => o.bin_dir = value.into(),
            "--seed" => o.seed = value.parse().expect("--seed N"),
            "--stories" => o.stories = value.parse().expect("--stories N"),
            "--updates" => o.updates = value.parse().expect("--updates N"),
            "--rate" => o.rate_per_sec = value.parse().expect("--rate N"),
            "--restart-broker" => o.restart_broker = Some(value),
            "--broker-down-secs" => {
                o.broker_down_secs = value.parse().expect("--broker-down-secs N")
            }
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    o
}

/// xorshift64*: reproducible from the seed, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn millis(&mut self, min: u64, max: u64) -> Duration {
        Duration::from_millis(min + self.next() % (max - min + 1))
    }
}

#[derive(Default, Debug)]
struct Tally {
    delivered: usize,
    lost: usize,
    duplicated: usize,
    regressed: usize,
}

/// Compares what an output holds (id → versions in the order seen) with what was
/// published (id → latest version). A topic must hold every version once, in order; a
/// feed must show every story once, at its latest version.
fn tally(
    expected: &HashMap<String, u64>,
    seen: &BTreeMap<String, Vec<u64>>,
    all_versions: bool,
) -> Tally {
    let mut t = Tally::default();
    for (id, &latest) in expected {
        let versions = seen.get(id).map(Vec::as_slice).unwrap_or_default();
        if all_versions {
            let mut distinct = versions.to_vec();
            distinct.sort_unstable();
            distinct.dedup();
            t.duplicated += versions.len() - distinct.len();
            let present = (1..=latest).filter(|v| distinct.contains(v)).count();
            t.delivered += present;
            t.lost += latest as usize - present;
            t.regressed += usize::from(versions.windows(2).any(|w| w[1] < w[0]));
        } else {
            if versions.contains(&latest) {
                t.delivered += 1;
            } else {
                t.lost += 1;
            }
            t.duplicated += versions.len().saturating_sub(1);
            t.regressed += usize::from(versions.iter().any(|&v| v < latest));
        }
    }
    t.duplicated += seen.keys().filter(|k| !expected.contains_key(*k)).count();
    t
}

#[tokio::main]
async fn main() {
    let o = options();
    let mut rng = Rng(o.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let Run { name: run, logs } = Run::new(&format!("crash-{}", o.seed));
    let topics = create_run_topics(&o.brokers, &run, PARTITIONS).await;

    let mut env = service_env(&o.brokers, &run, &topics);
    let ingest_port = listen_env(&mut env, "INGEST");
    let feeds_port = listen_env(&mut env, "FEEDS");
    env.push((
        "NEWSWIRE__FEEDS__ITEMS_PER_FEED".into(),
        (o.stories + 100).to_string(),
    ));
    let enricher_env = |n: u32| {
        let mut e = env.clone();
        e.push(("NEWSWIRE__KAFKA__INSTANCE_ID".into(), format!("{run}-{n}")));
        listen_env(&mut e, "ENRICHER");
        e
    };
    let bin = |name: &str| o.bin_dir.join(name);
    let mut services = [
        Service::new("ingest", bin("newswire-ingest"), env.clone(), &logs),
        Service::new(
            "enricher-1",
            bin("newswire-enricher"),
            enricher_env(1),
            &logs,
        ),
        Service::new(
            "enricher-2",
            bin("newswire-enricher"),
            enricher_env(2),
            &logs,
        ),
        Service::new("feeds", bin("newswire-feeds"), env.clone(), &logs),
    ];
    for s in services.iter_mut() {
        s.start();
    }
    let http = reqwest::Client::new();
    let ingest_url = format!("http://127.0.0.1:{ingest_port}");
    wait_ready(&http, &format!("{ingest_url}/readyz")).await;

    // The newsroom: stories, then updates to the first `updates` of them, at a steady rate.
    let mut events: Vec<serde_json::Value> = (0..o.stories)
        .map(|s| article_json(&format!("{run}-s{s}"), 1, 200))
        .collect();
    events.extend((0..o.updates).map(|s| article_json(&format!("{run}-s{s}"), 2, 200)));
    let total = events.len();
    let publish_for = Duration::from_millis(1000 * total as u64 / o.rate_per_sec.max(1));
    let newsroom = {
        let http = http.clone();
        let url = format!("{ingest_url}/v1/articles");
        let rate = o.rate_per_sec;
        tokio::spawn(async move {
            let started = Instant::now();
            let mut retries = 0usize;
            let mut retried = 0usize;
            for (i, e) in events.into_iter().enumerate() {
                let mut this_one = false;
                let due = started + Duration::from_micros(1_000_000 * i as u64 / rate.max(1));
                tokio::time::sleep_until(due.into()).await;
                // A newsroom retries until the 202, as the API asks it to.
                loop {
                    match http.post(&url).json(&e).send().await {
                        Ok(r) if r.status().as_u16() == 202 => break,
                        _ => {
                            retries += 1;
                            this_one = true;
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                    }
                }
                retried += usize::from(this_one);
            }
            (retries, retried)
        })
    };

    // The chaos: each consuming service in turn, killed at a random moment, restarted.
    let chaos_until = Instant::now() + publish_for;
    let mut kills = Vec::new();
    let mut broker_restarted = false;
    let mut turn = 0;
    while Instant::now() < chaos_until {
        tokio::time::sleep(rng.millis(500, 3000)).await;
        if let Some(script) = &o.restart_broker {
            if !broker_restarted && Instant::now() > chaos_until - publish_for / 2 {
                eprintln!(
                    "crash-test: stopping the broker for {} s",
                    o.broker_down_secs
                );
                let run = |verb: &str| {
                    let status = Command::new(script)
                        .arg(verb)
                        .status()
                        .expect("broker script");
                    assert!(status.success(), "broker {verb} failed");
                };
                run("stop");
                tokio::time::sleep(Duration::from_secs(o.broker_down_secs)).await;
                run("start");
                broker_restarted = true;
                continue;
            }
        }
        let victim = 1 + turn % 3; // enricher-1, enricher-2, feeds
        turn += 1;
        services[victim].kill();
        kills.push(services[victim].name.clone());
        tokio::time::sleep(rng.millis(0, 1500)).await;
        services[victim].start();
    }
    // Attempts that failed, and the events that needed any: each retried event may be
    // in Kafka twice (its first attempt's outcome was never learnt), no event more.
    let (retries, retried) = newsroom.await.unwrap();

    // Let the pipeline settle: the feed must reach the full count.
    let feeds_url = format!("http://127.0.0.1:{feeds_port}/feeds/all.rss");
    let settle_deadline = Instant::now() + Duration::from_secs(180);
    let mut feed = String::new();
    while Instant::now() < settle_deadline {
        feed = match http.get(&feeds_url).send().await {
            Ok(r) => r.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        let updated = feed.matches(" version 2</title>").count() as u64;
        let items = feed.matches("<item>").count() as u64;
        if items >= o.stories && updated >= o.updates {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    for s in services.iter_mut() {
        s.kill();
    }

    let mut expected: HashMap<String, u64> = HashMap::new();
    for s in 0..o.stories {
        expected.insert(format!("{run}-s{s}"), if s < o.updates { 2 } else { 1 });
    }
    let versions_by_id = |topic: &str, stage: Stage| {
        let mut seen: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for m in read_all(&o.brokers, topic) {
            let a = decode_article(m.payload().unwrap_or_default(), stage).expect("valid event");
            seen.entry(a.id).or_default().push(a.version);
        }
        seen
    };
    let published = tally(
        &expected,
        &versions_by_id(&topics.published, Stage::Published),
        true,
    );
    let enriched = tally(
        &expected,
        &versions_by_id(&topics.enriched, Stage::Enriched),
        true,
    );
    let mut in_feed: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for title in feed.split("<title>").skip(2) {
        let title = title.split("</title>").next().unwrap_or("");
        if let Some((id, v)) = title.rsplit_once(" version ") {
            in_feed
                .entry(id.to_string())
                .or_default()
                .push(v.parse().unwrap_or(0));
        }
    }
    let feed_tally = tally(&expected, &in_feed, false);

    // Nothing is dead-lettered because a broker was down or a process was killed: those
    // failures are transient.
    let deadlettered = read_all(&o.brokers, &topics.deadletter).len();
    let lost = published.lost + enriched.lost + feed_tally.lost;
    // A newsroom that retries a POST whose outcome it did not learn (the broker went
    // away with the record in flight: Kafka may have it) can write that version to
    // `articles.published` twice, and the enricher then enriches both; the contract
    // says re-posting a version is harmless, because every consumer takes a version
    // once (the feed is checked for that below). So each topic may hold at most one repeat
    // per event the newsroom retried; any beyond those are duplicates.
    // The enricher must not add repeats of its own: it may hold no more than it read.
    let repeats = |t: &Tally| t.duplicated.saturating_sub(retried);
    let duplicated = repeats(&published)
        + repeats(&enriched)
        + enriched.duplicated.saturating_sub(published.duplicated)
        + feed_tally.duplicated;
    let regressed = published.regressed + enriched.regressed + feed_tally.regressed;
    eprintln!("crash-test: kills: {kills:?}; broker restarted: {broker_restarted}; newsroom retries: {retries} (of {retried} events); logs in {}", logs.display());
    eprintln!("crash-test: articles.published {published:?}");
    eprintln!("crash-test: articles.enriched  {enriched:?}");
    eprintln!("crash-test: feed               {feed_tally:?}");
    println!(
        "crash-test seed={} published={} delivered={} lost={} duplicated={} regressed={} deadlettered={} kills={} broker_restarts={} broker_down_secs={}",
        o.seed,
        total,
        enriched.delivered,
        lost,
        duplicated,
        regressed,
        deadlettered,
        kills.len(),
        u8::from(broker_restarted),
        if broker_restarted { o.broker_down_secs } else { 0 }
    );
    if lost + duplicated + regressed + deadlettered > 0
        || enriched.delivered != total
        || feed_tally.delivered != o.stories as usize
    {
        std::process::exit(1);
    }
}
