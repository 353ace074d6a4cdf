//! Poison events: nothing an event carries can stall a partition. An output too large
//! for its topic, a transform that panics, a batch that keeps aborting — each sets aside
//! the one event at fault (with a reason an operator can act on) and the rest flow, in
//! order per key; `/readyz` tells the truth throughout; dead letters can be replayed once
//! their cause is fixed, and a poison event cannot loop.

use newswire_shared::health::Health;
use newswire_shared::kafka::deadletter::headers;
use newswire_shared::kafka::deadletter::operator::{self, ReplayOutcome, Selection};
use newswire_shared::kafka::{
    decode_keyed_article, spawn_stage, DeadLetterKind, OutputRecord, Rejection, StageSpec,
    Transform,
};
use newswire_shared::shutdown;
use newswire_shared::validate::Stage;
use newswire_shared::Settings;
use newswire_tests::common::{
    article, header, post_article as post, read_topic, Broker, RunningPipeline,
};
use rdkafka::message::{BorrowedMessage, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A story whose enrichment (64 people) is three times its own size: about 4 KB in,
/// 12.5 KB out.
fn name_dense_story(id: &str, version: u64) -> Value {
    let given = [
        "Ivan", "Anna", "Pavel", "Olga", "Sergei", "Maria", "Dmitri", "Elena",
    ];
    let surnames = [
        "Petrov",
        "Sidorov",
        "Kuznetsov",
        "Smirnov",
        "Volkov",
        "Popov",
        "Lebedev",
        "Kozlov",
    ];
    let body: String = given
        .iter()
        .flat_map(|g| {
            surnames
                .iter()
                .map(move |s| format!("<p>Minister {g} {s} said the talks would continue.</p>"))
        })
        .collect();
    json!({
        "id": id, "version": version, "status": "usable", "headline": "Ministers meet",
        "body": body, "language": "en",
        "first_created": "2024-11-28T08:00:00Z", "version_created": format!("2024-11-28T08:00:{version:02}Z"),
    })
}

fn small_story(id: &str, version: u64, headline: &str) -> Value {
    serde_json::to_value(article(id, version, headline)).unwrap()
}

/// Polls `/readyz` every 50 ms until stopped; the answers that were not 200.
fn watch_readiness(base: String) -> (Arc<AtomicBool>, tokio::task::JoinHandle<Vec<String>>) {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let task = tokio::spawn(async move {
        let client = reqwest::Client::new();
        let mut bad = Vec::new();
        while !flag.load(Ordering::SeqCst) {
            if let Ok(r) = client.get(format!("{base}/readyz")).send().await {
                if r.status() != 200 {
                    bad.push(r.text().await.unwrap_or_default());
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bad
    });
    (stop, task)
}

/// Stories posted after a poison one, on its partition and on others, until there are
/// two of each; returns their headlines.
async fn post_later_stories(base: &str, poison_partition: i32, prefix: &str) -> Vec<String> {
    let (mut same, mut other) = (0, 0);
    let mut headlines = Vec::new();
    for i in 0..60 {
        if same >= 2 && other >= 2 {
            break;
        }
        let headline = format!("{prefix} later story {i}");
        let partition = post(
            base,
            &small_story(&format!("{prefix}-later-{i}"), 1, &headline),
        )
        .await;
        if partition == poison_partition {
            same += 1;
        } else {
            other += 1;
        }
        headlines.push(headline);
    }
    assert!(
        same >= 2 && other >= 2,
        "stories on the poison partition and on others"
    );
    headlines
}

fn dead_letters(
    broker: &Broker,
    settings: &Settings,
    stage: &str,
    at_least: usize,
) -> Vec<rdkafka::message::OwnedMessage> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let all = read_topic(
            &broker.bootstrap(),
            &settings.topics.deadletter,
            1000,
            Duration::from_secs(2),
        );
        let found: Vec<_> = all
            .into_iter()
            .filter(|m| header(m, headers::STAGE) == Some(stage))
            .collect();
        if found.len() >= at_least || Instant::now() > deadline {
            return found;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_enriched_event_too_large_for_its_topic_is_dead_lettered_and_every_later_story_flows() {
    let broker = Broker::start();
    let mut settings = broker
        .settings_with_limits("oversize-enriched", &[(|t| &t.enriched, 8_000)])
        .await;
    settings.kafka.stall_timeout_ms = 2_000;
    let p = RunningPipeline::start(&settings).await;
    let (stop, readiness) = watch_readiness(p.base.clone());

    let poison_partition = post(&p.base, &name_dense_story("crowded", 1)).await;
    let later = post_later_stories(&p.base, poison_partition, "enriched").await;
    // A later, smaller version of the poison story itself: order per key is kept, so
    // it arrives after the first was set aside.
    post(
        &p.base,
        &small_story("crowded", 2, "Ministers meet, shorter"),
    )
    .await;

    let started = Instant::now();
    let (feed, _) = p
        .feed_until(|f| {
            later
                .iter()
                .all(|h| f.contains(&format!("<title>{h}</title>")))
                && f.contains("Ministers meet, shorter")
        })
        .await;
    eprintln!(
        "later stories in the feed {:?} after the last post",
        started.elapsed()
    );
    assert!(
        !feed.contains("<title>Ministers meet</title>"),
        "version 1 never arrived"
    );

    let dead = dead_letters(&broker, &settings, "enricher", 1);
    assert_eq!(dead.len(), 1, "exactly the poison event is set aside");
    let d = &dead[0];
    assert_eq!(header(d, headers::KIND), Some("too_large"));
    let reason = header(d, headers::REASON).unwrap();
    assert!(
        reason.starts_with("output too large: ")
            && reason.contains(&format!("bytes for {}, limit ", settings.topics.enriched)),
        "{reason}"
    );
    assert_eq!(d.key(), Some(&b"crowded"[..]));
    assert!(d.payload().is_some(), "the original event is kept");

    stop.store(true, Ordering::SeqCst);
    let not_ready = readiness.await.unwrap();
    assert!(
        not_ready.is_empty(),
        "/readyz stayed 200 (the stage never stalled): {not_ready:?}"
    );
    let metrics = p.pipeline.health.metrics.render();
    assert!(
        metrics.contains(
            "newswire_events_deadlettered_total{stage=\"enricher\",kind=\"too_large\"} 1\n"
        ),
        "{metrics}"
    );
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_newsml_item_or_social_record_too_large_for_its_topic_is_dead_lettered() {
    let broker = Broker::start();
    if broker.embedded().is_some() {
        eprintln!("skipped on the embedded broker: it has no per-topic limits (the enricher test covers the producer's own limit there)");
        return;
    }
    let mut settings = broker
        .settings_with_limits(
            "oversize-outputs",
            &[(|t| &t.newsml, 5_000), (|t| &t.social, 1_500)],
        )
        .await;
    settings.kafka.stall_timeout_ms = 2_000;
    let p = RunningPipeline::start(&settings).await;
    let (stop, readiness) = watch_readiness(p.base.clone());

    // 10.7 KB as a NewsML item; small as posts.
    let item_partition = post(&p.base, &name_dense_story("crowded", 1)).await;
    // A LinkedIn and a Telegram post of 2.8 KB each; a NewsML item of 5 KB.
    let long = json!({
        "id": "long", "version": 1, "status": "usable", "language": "en",
        "headline": "Long story about the harbour",
        "summary": "The harbour inquiry heard evidence. ".repeat(70),
        "body": "<p>The inquiry heard witnesses.</p>",
        "first_created": "2024-11-28T08:00:00Z", "version_created": "2024-11-28T08:00:00Z",
    });
    post(&p.base, &long).await;
    let later = post_later_stories(&p.base, item_partition, "outputs").await;

    let newsml_dead = dead_letters(&broker, &settings, "newsml", 1);
    let social_dead = dead_letters(&broker, &settings, "social", 1);
    assert_eq!(newsml_dead.len(), 1, "one NewsML item too large");
    assert_eq!(newsml_dead[0].key(), Some(&b"crowded"[..]));
    assert_eq!(header(&newsml_dead[0], headers::KIND), Some("too_large"));
    assert!(header(&newsml_dead[0], headers::REASON)
        .unwrap()
        .contains(&format!(
            "bytes for {}, limit 5,000",
            settings.topics.newsml
        )));
    assert_eq!(social_dead.len(), 1, "one story's posts too large");
    assert_eq!(social_dead[0].key(), Some(&b"long"[..]));
    assert!(header(&social_dead[0], headers::REASON)
        .unwrap()
        .contains(&format!(
            "bytes for {}, limit 1,500",
            settings.topics.social
        )));

    // Everything else went through both stages.
    let items = read_topic(
        &broker.bootstrap(),
        &settings.topics.newsml,
        1000,
        Duration::from_secs(5),
    );
    let posts = read_topic(
        &broker.bootstrap(),
        &settings.topics.social,
        1000,
        Duration::from_secs(5),
    );
    for i in 0..later.len() {
        let id = format!("outputs-later-{i}");
        assert!(
            items.iter().any(|m| m.key() == Some(id.as_bytes())),
            "{id} rendered"
        );
        assert!(
            posts.iter().any(|m| m.key() == Some(id.as_bytes())),
            "{id} posted"
        );
    }
    assert!(
        items.iter().any(|m| m.key() == Some(&b"long"[..])),
        "the long story's item fits"
    );
    assert!(
        posts.iter().any(|m| m.key() == Some(&b"crowded"[..])),
        "the crowded story's posts fit"
    );

    stop.store(true, Ordering::SeqCst);
    let not_ready = readiness.await.unwrap();
    assert!(not_ready.is_empty(), "/readyz stayed 200: {not_ready:?}");
    p.stop().await;
}

/// Copies article events to the output topic; panics on a story whose headline says
/// PANIC, sleeps on one that says SLOW. Keeps the ids it has committed, as a stage with
/// state must (held aside until `committed`).
struct Faulty {
    output: String,
    pending: Vec<String>,
    committed: Arc<Mutex<Vec<String>>>,
}

impl Transform for Faulty {
    fn apply(&mut self, m: &BorrowedMessage<'_>) -> Result<Vec<OutputRecord>, Rejection> {
        let article = decode_keyed_article(m, Stage::Published)?;
        self.pending.push(article.id.clone());
        if article.headline.contains("PANIC") {
            panic!("cannot handle {}", article.id);
        }
        if article.headline.contains("SLOW") {
            std::thread::sleep(Duration::from_secs(4));
        }
        Ok(vec![OutputRecord {
            topic: self.output.clone(),
            key: m.key().map(<[u8]>::to_vec),
            payload: m.payload().map(<[u8]>::to_vec),
            headers: OwnedHeaders::new(),
        }])
    }

    fn committed(&mut self) {
        self.committed.lock().unwrap().append(&mut self.pending);
    }

    fn aborted(&mut self) {
        self.pending.clear();
    }
}

async fn produce_articles(broker: &Broker, topic: &str, articles: &[(String, String)]) {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", broker.bootstrap())
        .create()
        .unwrap();
    for (id, headline) in articles {
        let payload = serde_json::to_vec(&article(id, 1, headline)).unwrap();
        producer
            .send(
                FutureRecord::to(topic)
                    .partition(0)
                    .key(id)
                    .payload(&payload),
                Duration::from_secs(10),
            )
            .await
            .unwrap();
    }
}

/// A running faulty stage, and what it committed.
struct FaultyStage {
    trigger: shutdown::ShutdownTrigger,
    thread: std::thread::JoinHandle<anyhow::Result<()>>,
    committed: Arc<Mutex<Vec<String>>>,
}

impl FaultyStage {
    /// Stops the stage and expects it to end cleanly.
    async fn stop(self) {
        self.trigger.trigger();
        tokio::task::spawn_blocking(move || self.thread.join().unwrap().unwrap())
            .await
            .unwrap();
    }
}

fn faulty_stage(settings: &Settings, health: &Health) -> FaultyStage {
    newswire_shared::telemetry::init_tracing(&newswire_shared::config::TelemetrySettings {
        log_level: "warn".into(),
        ..Default::default()
    });
    let committed = Arc::new(Mutex::new(Vec::new()));
    let spec = StageSpec::new(
        "faulty",
        &settings.topics.published,
        &[&settings.topics.enriched],
        &settings.enricher.group_id,
        settings,
    );
    let (trigger, stop) = shutdown::channel();
    let stage = spawn_stage(
        spec,
        &settings.kafka,
        Faulty {
            output: settings.topics.enriched.clone(),
            pending: Vec::new(),
            committed: committed.clone(),
        },
        health,
        stop,
    );
    FaultyStage {
        trigger,
        thread: stage,
        committed,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_transform_that_panics_on_one_event_sets_it_aside_and_goes_on() {
    let broker = Broker::start();
    let settings = broker.settings("panic").await;
    let ids: Vec<(String, String)> = (0..6)
        .map(|i| {
            (
                format!("s{i}"),
                if i == 2 {
                    "PANIC please".to_string()
                } else {
                    format!("Story {i}")
                },
            )
        })
        .collect();
    produce_articles(&broker, &settings.topics.published, &ids).await;
    let health = Health::default();
    let stage = faulty_stage(&settings, &health);

    let out = read_topic(
        &broker.bootstrap(),
        &settings.topics.enriched,
        5,
        Duration::from_secs(30),
    );
    let mut keys: Vec<&str> = out
        .iter()
        .map(|m| std::str::from_utf8(m.key().unwrap()).unwrap())
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["s0", "s1", "s3", "s4", "s5"], "the rest, once each");
    let dead = read_topic(
        &broker.bootstrap(),
        &settings.topics.deadletter,
        1,
        Duration::from_secs(10),
    );
    assert_eq!(dead.len(), 1);
    assert_eq!(header(&dead[0], headers::KIND), Some("transform_panic"));
    assert_eq!(dead[0].key(), Some(&b"s2"[..]));
    let reason = header(&dead[0], headers::REASON).unwrap();
    assert!(
        reason.contains("panicked") && reason.contains("cannot handle s2"),
        "{reason}"
    );
    // The batch was redone without the event: the transform's committed state holds
    // each other event once, and not the panicking one.
    let state = stage.committed.lock().unwrap().clone();
    assert_eq!(state, ["s0", "s1", "s3", "s4", "s5"]);
    stage.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stage_that_makes_no_progress_on_waiting_input_is_not_ready_and_says_why() {
    let broker = Broker::start();
    let mut settings = broker.settings("stall").await;
    settings.kafka.stall_timeout_ms = 1_000;
    let health = Health::default();
    let stage = faulty_stage(&settings, &health);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !health.is_ready() {
        assert!(Instant::now() < deadline, "stage ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The stage thread is stuck for 4 s inside one event.
    produce_articles(
        &broker,
        &settings.topics.published,
        &[("slow".into(), "SLOW one".into())],
    )
    .await;
    let mut reasons = Vec::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(8) {
        if let Some(status) = health.report().get("faulty.stage") {
            if let Some(reason) = &status.reason {
                reasons.push(reason.clone());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        if !reasons.is_empty() && health.is_ready() {
            break;
        }
    }
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("no progress for") && r.contains("input events waiting")),
        "{reasons:?}"
    );
    assert!(health.is_ready(), "ready again once the event is committed");
    let metrics = health.metrics.render();
    assert!(
        metrics.contains("newswire_stage_ready{stage=\"faulty\"} 1\n"),
        "{metrics}"
    );
    stage.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_batch_that_keeps_aborting_is_taken_apart_and_only_the_failing_event_set_aside() {
    let broker = Broker::start();
    let Some(embedded) = broker.embedded() else {
        eprintln!("skipped: injecting broker errors needs the embedded mock cluster");
        return;
    };
    let settings = broker.settings("isolate").await;
    let ids: Vec<(String, String)> = (0..5)
        .map(|i| (format!("s{i}"), format!("Story {i}")))
        .collect();
    produce_articles(&broker, &settings.topics.published, &ids).await;
    // Produce requests fail with an error nobody classified, as long as these last: the
    // batch aborts (up to three requests each time, one per output partition), its
    // first event fails alone and is set aside, and the next event failing alone the
    // same way shows the failure is not the events': it is retried, not set aside.
    let unknown = rdkafka::types::RDKafkaRespErr::RD_KAFKA_RESP_ERR_UNKNOWN;
    embedded.request_errors(rdkafka::types::RDKafkaApiKey::Produce, &[unknown; 12]);
    let health = Health::default();
    let stage = faulty_stage(&settings, &health);

    // Every event ends up either out or set aside, once.
    let deadline = Instant::now() + Duration::from_secs(60);
    let (out, dead) = loop {
        let out = read_topic(
            &broker.bootstrap(),
            &settings.topics.enriched,
            5,
            Duration::from_secs(2),
        );
        let dead = read_topic(
            &broker.bootstrap(),
            &settings.topics.deadletter,
            5,
            Duration::from_secs(1),
        );
        if out.len() + dead.len() >= 5 || Instant::now() > deadline {
            break (out, dead);
        }
    };
    let key =
        |m: &rdkafka::message::OwnedMessage| String::from_utf8(m.key().unwrap().to_vec()).unwrap();
    assert_eq!(dead.len(), 1, "the one event that fails alone is set aside");
    assert_eq!(header(&dead[0], headers::KIND), Some("unclassified"));
    let reason = header(&dead[0], headers::REASON).unwrap();
    assert!(
        reason.contains("only this event") && reason.contains("broker answered"),
        "{reason}"
    );
    let mut all: Vec<String> = out.iter().chain(&dead).map(key).collect();
    all.sort_unstable();
    assert_eq!(
        all,
        ["s0", "s1", "s2", "s3", "s4"],
        "every event is either out or set aside, once"
    );
    assert_eq!(stage.committed.lock().unwrap().len(), out.len());
    let metrics = health.metrics.render();
    assert!(
        metrics.contains("newswire_batches_isolated_total{stage=\"faulty\"} 1\n"),
        "{metrics}"
    );
    stage.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dead_letter_replayed_after_its_cause_is_fixed_flows_once_and_a_poison_one_stops_looping()
{
    let broker = Broker::start();
    let settings = broker
        .settings_with_limits("replay", &[(|t| &t.enriched, 8_000)])
        .await;
    let p = RunningPipeline::start(&settings).await;
    post(&p.base, &name_dense_story("stubborn", 1)).await;
    post(&p.base, &name_dense_story("crowded", 1)).await;
    assert_eq!(dead_letters(&broker, &settings, "enricher", 2).len(), 2);

    // A poison event: its cause is not fixed, so each replay comes back; the third
    // replay of the same event is refused when the limit is two.
    let stubborn = Selection {
        article: Some("stubborn".into()),
        ..Default::default()
    };
    for round in 1..=3u32 {
        let latest = latest_dead_letter(&settings, &stubborn, round as usize);
        assert_eq!(latest.replays(), round - 1);
        let outcome = operator::replay(&settings.kafka, &[latest], 2, false, |_, _| {})
            .await
            .unwrap();
        if round <= 2 {
            assert_eq!(
                outcome,
                [ReplayOutcome::Replayed {
                    topic: settings.topics.published.clone(),
                    replays: round
                }]
            );
        } else {
            assert!(
                matches!(&outcome[0], ReplayOutcome::Refused(why) if why.contains("already replayed 2 times")),
                "{outcome:?}"
            );
        }
    }

    // The cause fixed: a larger limit. On Apache Kafka the topic's, while the stage
    // runs (it asks for the limits again before setting an event aside); the embedded
    // broker has none, so there the pipeline restarts with a larger producer limit.
    let (p, fixed) = match &broker {
        Broker::External(_) => {
            set_topic_limit(&settings, &settings.topics.enriched, 1_048_588).await;
            (p, settings.clone())
        }
        Broker::Embedded(_) => {
            p.stop().await;
            let mut fixed = settings.clone();
            fixed.kafka.message_max_bytes = 1_000_000;
            (RunningPipeline::start(&fixed).await, fixed)
        }
    };
    let only_crowded = Selection {
        article: Some("crowded".into()),
        ..Default::default()
    };
    let entries =
        operator::list(&fixed.kafka, &fixed.topics.deadletter, &only_crowded, || {}).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].kind(), DeadLetterKind::TooLarge.as_str());
    let dry = operator::replay(&fixed.kafka, &entries, 3, true, |_, _| {})
        .await
        .unwrap();
    assert!(matches!(
        &dry[0],
        ReplayOutcome::Replayed { replays: 1, .. }
    ));
    let outcome = operator::replay(&fixed.kafka, &entries, 3, false, |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        outcome,
        [ReplayOutcome::Replayed {
            topic: fixed.topics.published.clone(),
            replays: 1
        }]
    );
    let (feed, _) = p
        .feed_until(|f| f.contains("urn:newswire:article:crowded<"))
        .await;
    assert_eq!(feed.matches("urn:newswire:article:crowded<").count(), 1);
    if let Broker::External(_) = &broker {
        // The embedded broker keeps no transactional offsets, so a restarted pipeline
        // reads everything again there; on Kafka the replayed event is the only copy.
        let enriched = read_topic(
            &broker.bootstrap(),
            &fixed.topics.enriched,
            100,
            Duration::from_secs(3),
        );
        assert_eq!(
            enriched
                .iter()
                .filter(|m| m.key() == Some(&b"crowded"[..]))
                .count(),
            1,
            "the replayed event flows through once"
        );
    }
    p.stop().await;
}

/// The newest dead letter of a selection, once there are `count` of them.
fn latest_dead_letter(
    settings: &Settings,
    selection: &Selection,
    count: usize,
) -> operator::DeadLetterEntry {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut found = operator::list(
            &settings.kafka,
            &settings.topics.deadletter,
            selection,
            || {},
        )
        .unwrap();
        if found.len() >= count {
            found.sort_by_key(|e| e.replays());
            return found.pop().unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "{count} dead letters expected, {} found",
            found.len()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

async fn set_topic_limit(settings: &Settings, topic: &str, bytes: usize) {
    use rdkafka::admin::{AdminClient, AdminOptions, AlterConfig, ResourceSpecifier};
    let admin: AdminClient<_> = ClientConfig::new()
        .set("bootstrap.servers", &settings.kafka.brokers)
        .create()
        .unwrap();
    let value = bytes.to_string();
    let alter = AlterConfig::new(ResourceSpecifier::Topic(topic)).set("max.message.bytes", &value);
    for r in admin
        .alter_configs(&[alter], &AdminOptions::new())
        .await
        .unwrap()
    {
        r.unwrap();
    }
}

/// `../shared/cases/15-oversize.sh`, kept as a test: an article over the record limit is
/// refused with 413 naming the limit (not a 503 that would make the newsroom retry
/// forever); a near-limit article whose entities repeat a hundred thousand times is
/// enriched within bounds; every story after them arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn articles_near_kafkas_record_limit_are_refused_or_bounded_and_nothing_stalls() {
    let broker = Broker::start();
    let mut settings = broker.settings("near-limit").await;
    settings.kafka.stall_timeout_ms = 5_000;
    let p = RunningPipeline::start(&settings).await;
    let (stop, readiness) = watch_readiness(p.base.clone());
    let event = |id: &str, body: String, headline: &str| {
        json!({"id": id, "version": 1, "status": "usable", "headline": headline, "body": body,
               "first_created": "2026-11-28T09:00:00Z", "version_created": "2026-11-28T09:00:00Z",
               "language": "en"})
    };
    let para = format!(
        "<p>{}</p>",
        "The committee heard evidence from many witnesses about the harbour project. ".repeat(40)
    );
    let mut big = para.repeat(400);
    big.truncate(1_030_000 - 200);
    big.push_str("</p>");
    let a = event(
        "field-15-big",
        big,
        "Harbour inquiry publishes full transcript",
    );
    let r = reqwest::Client::new()
        .post(format!("{}/v1/articles", p.base))
        .json(&a)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.headers().get("retry-after").is_none(), "nothing to retry");
    let error: Value = r.json().await.unwrap();
    assert_eq!(error["error"], "payload_too_large");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(&format!(
            "{} takes at most 1000000",
            settings.topics.published
        )),
        "{message}"
    );

    let b = event(
        "field-15-mentions",
        format!(
            "<p>{}</p>",
            "Lukashenko met Putin in Minsk and Astana. ".repeat(22_000)
        ),
        "Leaders meet again",
    );
    post(&p.base, &b).await;
    for i in 1..=3 {
        post(
            &p.base,
            &event(
                &format!("field-15-after-{i}"),
                format!("<p>Small story {i}.</p>"),
                &format!("After {i}"),
            ),
        )
        .await;
    }
    p.feed_until(|f| (1..=3).all(|i| f.contains(&format!("<title>After {i}</title>"))))
        .await;
    let enriched = read_topic(
        &broker.bootstrap(),
        &settings.topics.enriched,
        4,
        Duration::from_secs(10),
    );
    let b_out = enriched
        .iter()
        .find(|m| m.key() == Some(&b"field-15-mentions"[..]))
        .expect("the repetitive story is enriched within bounds");
    let article: Value = serde_json::from_slice(b_out.payload().unwrap()).unwrap();
    let entities = article["enrichment"]["entities"].as_array().unwrap();
    assert!(entities
        .iter()
        .all(|e| e["mentions"].as_array().unwrap().len() <= 20));
    assert!(
        entities.iter().any(|e| e["count"].as_u64() == Some(22_000)),
        "counts stay true"
    );
    stop.store(true, Ordering::SeqCst);
    let not_ready = readiness.await.unwrap();
    assert!(not_ready.is_empty(), "/readyz stayed 200: {not_ready:?}");
    p.stop().await;
}
