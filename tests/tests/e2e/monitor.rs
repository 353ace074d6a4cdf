//! The wire monitor on the dev pipeline, as an operator uses it through its APIs: a
//! POSTed story reaches the live stream within a second; an embargoed story carries its
//! release instant; a kill and a correction show as marks; a story's view holds its
//! versions, its NewsML item, its posts and a journey through every topic in one trace;
//! a dead letter appears with its kind, reason and origin. (What the page makes of this
//! in a browser is tests/browser.)

use newswire_shared::testing::json_as;
use newswire_tests::common::{article, watched_with, Broker, RunningPipeline, EVENTUALLY};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const KEY: &str = "operator-key-for-the-e2e-test";

/// Reads the server-sent events stream; each `story` event's summary, with when it came.
async fn stream(base: &str) -> mpsc::UnboundedReceiver<(Instant, Value)> {
    let mut response = reqwest::Client::new()
        .get(format!("{base}/monitor/api/events"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut buffer = String::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let event: String = buffer.drain(..end + 2).collect();
                if event.lines().any(|l| l == "event: stories") {
                    let data: String = event
                        .lines()
                        .filter_map(|l| l.strip_prefix("data: "))
                        .collect();
                    let batch: Vec<Value> = serde_json::from_str(&data).unwrap();
                    for summary in batch {
                        let _ = tx.send((Instant::now(), summary));
                    }
                }
            }
        }
    });
    rx
}

/// The next summary of story `id` that satisfies `check`, within `within`.
async fn next_of(
    rx: &mut mpsc::UnboundedReceiver<(Instant, Value)>,
    id: &str,
    within: Duration,
    check: impl Fn(&Value) -> bool,
) -> (Instant, Value) {
    tokio::time::timeout(within, async {
        loop {
            let (at, s) = rx.recv().await.expect("stream open");
            if s["id"] == id && check(&s) {
                return (at, s);
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no summary of {id} as expected within {within:?}"))
}

async fn get(base: &str, path: &str) -> Value {
    let r = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_operator_watches_stories_travel() {
    let broker = Broker::start();
    let mut settings = broker.settings("monitor").await;
    // One subscriber to everything: its deliveries are steps of the journeys.
    let _inbox = watched_with(&mut settings, KEY, "archive-desk", &["*"]);
    let p = RunningPipeline::start(&settings).await;
    let client = reqwest::Client::new();
    let mut rx = stream(&p.base).await;

    // A flash story appears within a second of its POST, enriched moments later.
    let mut flash =
        serde_json::to_value(article("flash-1", 1, "Earthquake hits the capital")).unwrap();
    flash["urgency"] = json!(1);
    flash["section"] = json!("world");
    let sent = Instant::now();
    assert_eq!(p.post(&flash).await.status(), StatusCode::ACCEPTED);
    let (at, first) = next_of(&mut rx, "flash-1", EVENTUALLY, |_| true).await;
    assert!(at - sent < Duration::from_secs(1), "took {:?}", at - sent);
    assert_eq!(first["urgency"], 1);
    assert_eq!(first["headline"], "Earthquake hits the capital");
    next_of(&mut rx, "flash-1", EVENTUALLY, |s| {
        s["enriched"] == true && s["language"] == "en"
    })
    .await;

    // An embargoed story carries its release instant.
    let release = chrono::Utc::now() + chrono::Duration::seconds(30);
    let mut embargoed = serde_json::to_value(article("embargoed-1", 1, "Rates decision")).unwrap();
    embargoed["embargo_until"] = json!(release.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    p.post(&embargoed).await;
    let (_, e) = next_of(&mut rx, "embargoed-1", EVENTUALLY, |_| true).await;
    assert_eq!(
        e["embargo_until"].as_str().unwrap(),
        release.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );

    // A correction names what changed; a kill marks the story.
    let mut corrected = flash.clone();
    corrected["version"] = json!(2);
    corrected["headline"] = json!("Earthquake hits the capital, dozens hurt");
    corrected["version_created"] = json!("2024-11-28T09:00:02Z");
    p.post(&corrected).await;
    let (_, c) = next_of(&mut rx, "flash-1", EVENTUALLY, |s| s["version"] == 2).await;
    assert_eq!(
        c["correction"],
        json!({"from_version": 1, "changed": ["headline"]})
    );
    let mut killed = flash.clone();
    killed["version"] = json!(3);
    killed["status"] = json!("canceled");
    killed["version_created"] = json!("2024-11-28T09:00:03Z");
    p.post(&killed).await;
    next_of(&mut rx, "flash-1", EVENTUALLY, |s| {
        s["status"] == "canceled"
    })
    .await;

    // The story's own view: versions, its NewsML items, its posts, and the journey of
    // each version through every topic in one trace.
    let deadline = Instant::now() + EVENTUALLY;
    let detail = loop {
        let d = get(&p.base, "/monitor/api/stories/flash-1").await;
        let roles: Vec<&str> = d["journey"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["role"].as_str().unwrap())
            .collect();
        let versions_rendered = d["newsml"].as_array().unwrap().len();
        let deleted = d["posts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["action"] == "delete");
        if versions_rendered == 3
            && deleted
            && ["published", "enriched", "newsml", "social", "delivery"]
                .iter()
                .all(|r| roles.contains(r))
        {
            break d;
        }
        assert!(Instant::now() < deadline, "story view incomplete: {d:#}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(detail["versions"].as_array().unwrap().len(), 3);
    assert!(detail["newsml"][0]["document"]
        .as_str()
        .unwrap()
        .contains("Earthquake hits the capital"));
    let posts = detail["posts"].as_array().unwrap();
    assert!(
        posts
            .iter()
            .any(|p| p["network"] == "x" && p["action"] == "publish"),
        "{posts:#?}"
    );
    assert!(
        posts.iter().any(|p| p["action"] == "delete"),
        "the kill deletes the posts"
    );
    let journey = detail["journey"].as_array().unwrap();
    for version in 1..=3u64 {
        let steps: Vec<&Value> = journey.iter().filter(|s| s["version"] == version).collect();
        let trace = steps[0]["trace_id"].as_str().unwrap();
        assert_eq!(trace.len(), 32);
        for s in &steps {
            assert_eq!(s["trace_id"], trace, "version {version}: {s}");
        }
        let roles: Vec<&str> = steps.iter().map(|s| s["role"].as_str().unwrap()).collect();
        for role in ["published", "enriched", "newsml"] {
            assert!(
                roles.contains(&role),
                "version {version} lacks {role}: {roles:?}"
            );
        }
        // In the order of the pipeline.
        let at = |role: &str| {
            steps.iter().find(|s| s["role"] == role).unwrap()["at_ms"]
                .as_i64()
                .unwrap()
        };
        assert!(at("published") <= at("enriched") && at("enriched") <= at("newsml"));
    }
    // The subscriber's deliveries are in the journey, in the trace of the version they
    // delivered (checked above), named by subscriber and destination, after enrichment.
    let deliveries: Vec<&Value> = journey.iter().filter(|s| s["role"] == "delivery").collect();
    assert!(!deliveries.is_empty());
    for d in &deliveries {
        assert_eq!(d["detail"], "archive-desk · drop_folder", "{d}");
        let enriched = journey
            .iter()
            .find(|s| s["role"] == "enriched" && s["version"] == d["version"])
            .unwrap();
        assert!(d["at_ms"].as_i64() >= enriched["at_ms"].as_i64(), "{d}");
    }

    // A dead letter: bytes that are no article, written straight to the input topic.
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &settings.kafka.brokers)
        .create()
        .unwrap();
    producer
        .send(
            FutureRecord::to(&settings.topics.published)
                .key("broken-1")
                .payload("not json"),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    let deadline = Instant::now() + EVENTUALLY;
    loop {
        let letters = get(&p.base, "/monitor/api/deadletters").await;
        if let Some(l) = letters
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["key"] == "broken-1")
        {
            assert_eq!(l["kind"], "undecodable");
            assert_eq!(l["stage"], "enricher");
            assert!(l["origin"]
                .as_str()
                .unwrap()
                .starts_with(&settings.topics.published));
            assert!(!l["reason"].as_str().unwrap().is_empty());
            assert_eq!(l["replays"], 0);
            // Replayed: back to its origin, and (still no article) set aside again, once replayed.
            let locator = format!("{}:{}", l["partition"], l["offset"]);
            let replay = format!("{}/monitor/api/deadletters/{locator}/replay", p.base);
            let r = json_as(client.post(replay), KEY).await;
            assert_eq!(
                r,
                json!({"replayed": {"topic": settings.topics.published, "replays": 1}})
            );
            let deadline = Instant::now() + EVENTUALLY;
            while !get(&p.base, "/monitor/api/deadletters")
                .await
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["key"] == "broken-1" && l["replays"] == 1)
            {
                assert!(
                    Instant::now() < deadline,
                    "the replayed event was not set aside again"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let stranger = client
                .post(format!(
                    "{}/monitor/api/deadletters/{locator}/replay",
                    p.base
                ))
                .send()
                .await
                .unwrap();
            assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "dead letter not shown: {letters:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Operations: every stage's lag, sampled (caught up: no input left waiting; the
    // embedded broker keeps no transactional offsets, so there it may be unknown), and
    // this minute's stories with their end-to-end latency.
    let real_kafka = std::env::var("NEWSWIRE_TEST_BROKERS").is_ok_and(|b| !b.trim().is_empty());
    let deadline = Instant::now() + EVENTUALLY;
    loop {
        let ops = get(&p.base, "/monitor/api/operations").await;
        let stages = ops["stages"].as_array().unwrap();
        let caught_up = stages.len() == 3
            && stages.iter().all(|s| {
                (s["lag"] == 0 && s["state"] == "ok") || (!real_kafka && s["state"] == "unknown")
            });
        let minutes = ops["minutes"].as_array().unwrap();
        let stories: u64 = minutes.iter().map(|m| m["stories"].as_u64().unwrap()).sum();
        // flash-1 in three versions and embargoed-1.
        if caught_up && stories >= 4 {
            let latency = minutes
                .iter()
                .filter_map(|m| m["p50_ms"].as_i64())
                .max()
                .unwrap();
            assert!((0..10_000).contains(&latency), "{ops:#}");
            let names: Vec<&str> = stages
                .iter()
                .map(|s| s["stage"].as_str().unwrap())
                .collect();
            assert_eq!(names, ["enricher", "newsml", "social"]);
            if real_kafka {
                assert!(!ops["lag_history"]["enricher"]
                    .as_array()
                    .unwrap()
                    .is_empty());
            }
            break;
        }
        assert!(Instant::now() < deadline, "operations incomplete: {ops:#}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // The list holds every story, newest first.
    let list = get(&p.base, "/monitor/api/stories").await;
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids[..2], ["embargoed-1", "flash-1"]);
    p.stop().await;
}
