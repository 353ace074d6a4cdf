//! The newsml service on Kafka, as subscribers see it: drop folders that get each
//! version once, embargoes held from untrusted subscribers until the instant they pass
//! (released by the clock), kills to everyone who had the story and no one else, the
//! pull API, restarts that deliver nothing twice, and bad events dead-lettered.

use newswire_shared::config::NewsmlSubscriber;
use newswire_shared::kafka::deadletter::headers;
use newswire_shared::testing::xmllint_errors;
use newswire_tests::common::{
    article, header, post_article, produce, read_topic, Broker, RunningPipeline,
};
use rdkafka::Message;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TRUSTED_KEY: &str = "trusted-subscriber-key-0001";
const PLAIN_KEY: &str = "plain-subscriber-key-00002";

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().into_string().unwrap())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

async fn wait_for(dir: &Path, name: &str, within: Duration) -> String {
    let started = Instant::now();
    loop {
        if let Ok(s) = std::fs::read_to_string(dir.join(name)) {
            return s;
        }
        assert!(
            started.elapsed() < within,
            "{name} not delivered to {} within {within:?}; have {:?}",
            dir.display(),
            files(dir)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn get(base: &str, path: &str, key: Option<&str>) -> (u16, String) {
    let mut req = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(k) = key {
        req = req.header("X-API-Key", k);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn xsd_valid(doc: &str) {
    let docs = [doc.as_bytes().to_vec()];
    if let Some(verdict) = xmllint_errors(
        "--schema",
        "newsml-g2/NewsML-G2_2.35-spec-All-Power.xsd",
        &docs,
    ) {
        verdict.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn drop_folders_and_pull_follow_embargoes_kills_and_restarts() {
    let broker = Broker::start();
    let mut settings = broker.settings("newsml").await;
    let root: PathBuf = std::env::temp_dir().join(format!(
        "newsml-drop-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    ));
    let (trusted_dir, plain_dir) = (root.join("trusted"), root.join("plain"));
    // The anonymous requests below read what is public.
    settings.newsml.public = Some(vec!["*".into()]);
    settings.newsml.subscribers = vec![
        NewsmlSubscriber {
            trust_embargo: true,
            drop_folder: Some(trusted_dir.clone()),
            ..NewsmlSubscriber::new("trusted", Some(TRUSTED_KEY))
        },
        NewsmlSubscriber {
            drop_folder: Some(plain_dir.clone()),
            ..NewsmlSubscriber::new("plain", Some(PLAIN_KEY))
        },
    ];
    let p = RunningPipeline::start(&settings).await;
    let within = Duration::from_secs(20);

    // A plain story: both folders, once, however often it is posted.
    let story = serde_json::to_value(article("nm-1", 1, "Plain story")).unwrap();
    for _ in 0..3 {
        post_article(&p.base, &story).await;
    }
    let delivered = wait_for(&trusted_dir, "nm-1_v1.xml", within).await;
    wait_for(&plain_dir, "nm-1_v1.xml", within).await;
    assert!(delivered.contains("<headline>Plain story</headline>"));
    xsd_valid(&delivered);

    // An embargoed story, 4 s ahead: the trusted folder at once (marked), the plain
    // folder and the public API only once the embargo passed, with no new event.
    let embargo = chrono::Utc::now() + chrono::Duration::seconds(4);
    let mut secret = serde_json::to_value(article("nm-2", 1, "Embargoed story")).unwrap();
    secret["embargo_until"] = embargo.to_rfc3339().into();
    post_article(&p.base, &secret).await;
    let early = wait_for(&trusted_dir, "nm-2_v1.xml", within).await;
    assert!(early.contains("<embargoed>"));
    assert_eq!(get(&p.base, "/newsml/items/nm-2", None).await.0, 404);
    assert_eq!(
        get(&p.base, "/newsml/items/nm-2", Some(PLAIN_KEY)).await.0,
        404
    );
    assert_eq!(
        get(&p.base, "/newsml/items/nm-2", Some(TRUSTED_KEY))
            .await
            .0,
        200
    );
    let (status, public_batch) = get(&p.base, "/newsml/items", None).await;
    assert_eq!(status, 200);
    assert!(
        !public_batch.contains("Embargoed story"),
        "embargoed item in the public batch"
    );
    assert!(
        !plain_dir.join("nm-2_v1.xml").exists(),
        "delivered before the embargo"
    );
    let released = wait_for(&plain_dir, "nm-2_v1.xml", within).await;
    assert!(chrono::Utc::now() >= embargo, "released early");
    assert!(released.contains("Embargoed story"));
    assert_eq!(get(&p.base, "/newsml/items/nm-2", None).await.0, 200);

    // An embargoed story killed before its embargo: the kill goes to the trusted
    // subscriber who had it, and nothing ever to anyone else.
    let mut doomed = serde_json::to_value(article("nm-3", 1, "Doomed story")).unwrap();
    let doomed_embargo = chrono::Utc::now() + chrono::Duration::seconds(6);
    doomed["embargo_until"] = doomed_embargo.to_rfc3339().into();
    post_article(&p.base, &doomed).await;
    wait_for(&trusted_dir, "nm-3_v1.xml", within).await;
    let mut kill3 = doomed.clone();
    kill3["version"] = 2.into();
    kill3["status"] = "canceled".into();
    kill3["version_created"] = "2024-11-28T09:30:00Z".into();
    post_article(&p.base, &kill3).await;
    let killed = wait_for(&trusted_dir, "nm-3_v2.xml", within).await;
    assert!(killed.contains("stat:canceled"));

    // A kill of a released story reaches both.
    let mut kill1 = story.clone();
    kill1["version"] = 2.into();
    kill1["status"] = "canceled".into();
    kill1["version_created"] = "2024-11-28T09:30:00Z".into();
    post_article(&p.base, &kill1).await;
    wait_for(&trusted_dir, "nm-1_v2.xml", within).await;
    assert!(wait_for(&plain_dir, "nm-1_v2.xml", within)
        .await
        .contains("stat:canceled"));
    // Past nm-3's embargo: still nothing of it for the plain subscriber or the public.
    let past = (doomed_embargo - chrono::Utc::now())
        .to_std()
        .unwrap_or_default()
        + Duration::from_secs(1);
    tokio::time::sleep(past).await;
    assert_eq!(
        files(&plain_dir),
        ["nm-1_v1.xml", "nm-1_v2.xml", "nm-2_v1.xml"],
        "nm-3 never reached the plain folder"
    );
    assert_eq!(get(&p.base, "/newsml/items/nm-3", None).await.0, 404);

    // The batch endpoint: a valid newsMessage and a cursor that moves on.
    let r = reqwest::Client::new()
        .get(format!("{}/newsml/items?limit=500", p.base))
        .header("X-API-Key", TRUSTED_KEY)
        .send()
        .await
        .unwrap();
    let cursor = r.headers()["newsml-next-cursor"]
        .to_str()
        .unwrap()
        .to_string();
    let message = r.text().await.unwrap();
    // Every change in the order it became visible: nm-1 v1, nm-2 v1, nm-3 v1, nm-3 v2, nm-1 v2.
    assert_eq!(message.matches("<newsItem ").count(), 5, "{message}");
    let (_, public) = get(&p.base, "/newsml/items?limit=500", None).await;
    assert_eq!(
        public.matches("<newsItem ").count(),
        3,
        "public: nm-1 v1, nm-2 v1, nm-1 v2 — never nm-3: {public}"
    );
    xsd_valid(&message);
    let (_, after) = get(
        &p.base,
        &format!("/newsml/items?since={cursor}"),
        Some(TRUSTED_KEY),
    )
    .await;
    assert_eq!(after.matches("<newsItem ").count(), 0);
    // Not a cursor (this one was before cursors became Kafka positions): 400.
    assert_eq!(get(&p.base, "/newsml/items?since=1-999", None).await.0, 400);
    assert_eq!(
        get(
            &p.base,
            "/newsml/items/nm-1",
            Some("not-a-key-of-anyone-at-all")
        )
        .await
        .0,
        401
    );
    assert_eq!(
        get(&p.base, "/newsml/items/nm-1/versions/1", None).await.0,
        200
    );
    p.stop().await;

    // A restart replays newsml.items: nothing is delivered twice, even files already
    // picked up by the subscriber.
    std::fs::remove_file(plain_dir.join("nm-1_v1.xml")).unwrap();
    let before = (files(&trusted_dir), files(&plain_dir));
    let p = RunningPipeline::start(&settings).await;
    post_article(
        &p.base,
        &serde_json::to_value(article("nm-4", 1, "After restart")).unwrap(),
    )
    .await;
    wait_for(&plain_dir, "nm-4_v1.xml", within).await;
    wait_for(&trusted_dir, "nm-4_v1.xml", within).await;
    let mut trusted_after = files(&trusted_dir);
    trusted_after.retain(|f| !f.starts_with("nm-4"));
    let mut plain_after = files(&plain_dir);
    plain_after.retain(|f| !f.starts_with("nm-4"));
    assert_eq!(
        (trusted_after, plain_after),
        before,
        "a restart delivered again"
    );
    let items = read_topic(
        &settings.kafka.brokers,
        &settings.topics.newsml,
        7,
        Duration::from_secs(10),
    );
    assert_eq!(
        items.len(),
        6,
        "one newsml.items record per version: nm-1 v1 v2, nm-2 v1, nm-3 v1 v2, nm-4 v1"
    );
    for m in &items {
        assert_eq!(header(m, "ce_type"), Some("news.newsml.item.v1"));
        assert_eq!(
            header(m, "content-type"),
            Some("application/vnd.iptc.g2.newsitem+xml")
        );
    }
    p.stop().await;
    let _ = std::fs::remove_dir_all(&root);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bad_event_is_dead_lettered_by_the_newsml_stage() {
    let broker = Broker::start();
    let settings = broker.settings("newsml-dlq").await;
    let p = RunningPipeline::start(&settings).await;
    produce(
        &settings.kafka.brokers,
        &settings.topics.enriched,
        "x",
        b"not json",
    )
    .await;
    post_article(
        &p.base,
        &serde_json::to_value(article("nm-good", 1, "Good")).unwrap(),
    )
    .await;
    let items = read_topic(
        &settings.kafka.brokers,
        &settings.topics.newsml,
        1,
        Duration::from_secs(30),
    );
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].key(), Some(&b"nm-good"[..]));
    // The social stage reads articles.enriched too and files its own dead letter.
    let dead = read_topic(
        &settings.kafka.brokers,
        &settings.topics.deadletter,
        2,
        Duration::from_secs(30),
    );
    let newsml_dead: Vec<_> = dead
        .iter()
        .filter(|m| header(m, headers::STAGE) == Some("newsml"))
        .collect();
    assert_eq!(newsml_dead.len(), 1);
    assert_eq!(newsml_dead[0].payload(), Some(&b"not json"[..]));
    p.stop().await;
}
