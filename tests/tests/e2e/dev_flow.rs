//! The newcomer's path: the dev pipeline serves the seed article, a POSTed article
//! appears in the feed within a second, bad requests get JSON 4xx errors naming the
//! problem, and re-posting a version does not duplicate it.

use newswire::samples::{sample_articles, seed_headline};
use newswire_shared::testing::json_as;
use newswire_tests::common::{article, Broker, RunningPipeline, EVENTUALLY};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn seed_article_and_posted_article_reach_the_feed() {
    let broker = Broker::start();
    let settings = broker.settings("dev-flow").await;
    let p = RunningPipeline::start(&settings).await;

    for a in sample_articles(chrono::Utc::now() + chrono::Duration::hours(1)) {
        p.pipeline.ingest.state.publisher.publish(&a).await.unwrap();
    }
    let seed = seed_headline();
    p.feed_until(|f| f.contains(&seed)).await;
    // The sample kill, the correction and the embargo, as a subscriber sees them.
    let (feed, _) = p
        .feed_until(|f| f.contains("до конца месяца") && !f.contains("Factory fire"))
        .await;
    assert!(
        !feed.contains("Central bank to announce"),
        "embargoed story leaked"
    );
    assert_eq!(
        feed.matches("urn:newswire:article:sample-ru-minsk-budget")
            .count(),
        1
    );

    let client = reqwest::Client::new();
    let posted = article("posted-1", 1, "Posted through the newsroom API");
    let response = client
        .post(format!("{}/v1/articles", p.base))
        .json(&posted)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let receipt: Value = response.json().await.unwrap();
    assert_eq!(receipt["event_id"], "posted-1:1");
    let (_, took) = p
        .feed_until(|f| f.contains("Posted through the newsroom API"))
        .await;
    assert!(
        took < Duration::from_secs(1),
        "took {took:?} to reach the feed"
    );

    // The same version again: accepted, harmless.
    for _ in 0..3 {
        let r = client
            .post(format!("{}/v1/articles", p.base))
            .json(&posted)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
    }
    let newer = article("posted-2", 1, "A later story");
    client
        .post(format!("{}/v1/articles", p.base))
        .json(&newer)
        .send()
        .await
        .unwrap();
    let (feed, _) = p.feed_until(|f| f.contains("A later story")).await;
    assert_eq!(
        feed.matches("urn:newswire:article:posted-1<").count(),
        1,
        "{feed}"
    );

    // What an operator checks.
    let get = |path: &str| client.get(format!("{}{path}", p.base)).send();
    assert_eq!(get("/healthz").await.unwrap().status(), StatusCode::OK);
    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let components: Value = ready.json().await.unwrap();
    assert_eq!(components["enricher.stage"]["ready"], true, "{components}");
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    let published = sample_articles(chrono::Utc::now()).len() + 5;
    assert!(
        metrics.contains(&format!("newswire_ingest_published_total {published}\n")),
        "{metrics}"
    );
    assert!(
        metrics.contains("# TYPE newswire_events_consumed_total counter"),
        "{metrics}"
    );
    // Every sample is a valid story: no stage sets any aside (a sample naming a region
    // by its ISO 3166-2 id once was, by NewsML and social, after the enricher). Once
    // each stage has read every event:
    let consumed = |metrics: &str, stage: &str| -> usize {
        let line = format!("newswire_events_consumed_total{{stage=\"{stage}\"}} ");
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(line.as_str()))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let deadline = std::time::Instant::now() + EVENTUALLY;
    let mut metrics = metrics;
    while ["enricher", "newsml", "social"]
        .iter()
        .any(|s| consumed(&metrics, s) < published)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "stages behind: {metrics}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        metrics = get("/metrics").await.unwrap().text().await.unwrap();
    }
    let set_aside: Vec<&str> = metrics
        .lines()
        .filter(|l| l.starts_with("newswire_events_deadlettered_total{") && !l.ends_with(" 0"))
        .collect();
    assert!(set_aside.is_empty(), "{set_aside:?}");
    p.stop().await;
}

/// A malformed request: what it is, its content type, its body, and the status, error
/// code and field the answer must give.
type BadRequest<'a> = (&'a str, &'a str, String, u16, &'a str, Option<&'a str>);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_malformed_request_gets_a_json_4xx_naming_the_problem() {
    let broker = Broker::start();
    let mut settings = broker.settings("bad-requests").await;
    settings.ingest.max_body_bytes = 4096;
    let p = RunningPipeline::start(&settings).await;
    let client = reqwest::Client::new();
    let url = format!("{}/v1/articles", p.base);
    let good = serde_json::to_value(article("ok", 1, "Fine")).unwrap();
    let with = |field: &str, value: Value| {
        let mut v = good.clone();
        v[field] = value;
        v.to_string()
    };
    let without = |field: &str| {
        let mut v = good.clone();
        v.as_object_mut().unwrap().remove(field);
        v.to_string()
    };
    let cases: Vec<BadRequest> = vec![
        (
            "not JSON",
            "application/json",
            "{not json".into(),
            400,
            "malformed_json",
            Some("$"),
        ),
        (
            "missing headline",
            "application/json",
            without("headline"),
            422,
            "invalid_article",
            Some("headline"),
        ),
        (
            "empty headline",
            "application/json",
            with("headline", json!("")),
            422,
            "invalid_article",
            Some("headline"),
        ),
        (
            "version 0",
            "application/json",
            with("version", json!(0)),
            422,
            "invalid_article",
            Some("version"),
        ),
        (
            "bad status",
            "application/json",
            with("status", json!("draft")),
            422,
            "invalid_article",
            Some("status"),
        ),
        (
            "bad date",
            "application/json",
            with("first_created", json!("today")),
            422,
            "invalid_article",
            Some("first_created"),
        ),
        (
            "unknown field",
            "application/json",
            with("headlnie", json!("x")),
            422,
            "invalid_article",
            Some("headlnie"),
        ),
        (
            "bad media",
            "application/json",
            with("media", json!([{"url": "https://e.org/a.jpg"}])),
            422,
            "invalid_article",
            Some("media[0].type"),
        ),
        (
            "enrichment from newsroom",
            "application/json",
            with(
                "enrichment",
                json!({"language": "en", "language_confidence": 1}),
            ),
            422,
            "invalid_article",
            Some("enrichment"),
        ),
        (
            "wrong content type",
            "text/plain",
            good.to_string(),
            415,
            "unsupported_media_type",
            None,
        ),
        (
            "too large",
            "application/json",
            with("body", json!("x".repeat(10_000))),
            413,
            "payload_too_large",
            None,
        ),
    ];
    for (name, content_type, body, status, error, field) in cases {
        let r = client
            .post(&url)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{name}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{name}"
        );
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"], error, "{name}: {v}");
        assert!(!v["message"].as_str().unwrap().is_empty(), "{name}");
        if let Some(field) = field {
            assert_eq!(v["field"], field, "{name}: {v}");
        }
    }
    let r = client.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"],
        "method_not_allowed"
    );
    let r = client
        .get(format!("{}/v1/nothing", p.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "not_found");

    // None of that reached Kafka: the feed has nothing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!p.feed().await.contains("<item>"));
    p.stop().await;
}

/// `newswire dev` runs push delivery beside the other stages: a subscriber configured
/// with a drop folder gets each version it is entitled to (and nothing else), and the
/// admin API on the same port shows what it received.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn push_delivery_runs_in_the_dev_pipeline() {
    use newswire_shared::config::{DeliverySubscriber, Destination, DropFolderDestination, Format};
    let broker = Broker::start();
    let mut settings = broker.settings("dev-push").await;
    let folder = std::env::temp_dir().join(format!(
        "newswire-dev-push-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    ));
    std::fs::create_dir_all(&folder).unwrap();
    const ADMIN: &str = "dev-push-admin-key-0123456789";
    settings.delivery.admin_keys = vec![newswire_shared::keys::ConfiguredKey::new(ADMIN)];
    settings.delivery.subscribers = vec![DeliverySubscriber {
        name: "sport-desk".into(),
        items: vec!["section/sport".into()],
        trust_embargo: false,
        destinations: vec![Destination::DropFolder(DropFolderDestination {
            name: None,
            path: folder.clone(),
            format: Format::Ninjs,
        })],
    }];
    let p = RunningPipeline::start(&settings).await;

    let mut sport =
        serde_json::to_value(article("dev-push-sport", 1, "Cup final tonight")).unwrap();
    sport["section"] = "sport".into();
    let mut economy = serde_json::to_value(article("dev-push-econ", 1, "Rates held")).unwrap();
    economy["section"] = "economy".into();
    newswire_tests::common::post_article(&p.base, &economy).await;
    p.feed_until(|f| f.contains("Rates held")).await;
    newswire_tests::common::post_article(&p.base, &sport).await;

    let expected = folder.join("dev-push-sport_v1.json");
    let deadline = std::time::Instant::now() + EVENTUALLY;
    while !expected.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the sport story never reached the drop folder"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ninjs: Value = serde_json::from_slice(&std::fs::read(&expected).unwrap()).unwrap();
    assert_eq!(
        ninjs["headlines"][0]["value"], "Cup final tonight",
        "{ninjs}"
    );

    let client = reqwest::Client::new();
    let url = format!("{}/v1/subscribers?story=dev-push-sport", p.base);
    assert_eq!(client.get(&url).send().await.unwrap().status(), 401);
    // The file is renamed into place before the delivery is counted: the view may
    // trail the folder by a moment, never the other way round.
    let started = std::time::Instant::now();
    let view = loop {
        let view = json_as(client.get(&url), ADMIN).await;
        if view["subscribers"][0]["destinations"][0]["story"]["received"]["version"] == 1 {
            break view;
        }
        assert!(started.elapsed() < EVENTUALLY, "{view}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(view["subscribers"][0]["name"], "sport-desk", "{view}");

    // The economy story was enriched before the sport one was even posted, and the
    // delivery engine had a further second: it is not there because it is not owed.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(names, vec!["dev-push-sport_v1.json".to_string()]);
    p.stop().await;
    std::fs::remove_dir_all(&folder).ok();
}
