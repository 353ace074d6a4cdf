//! The social service on Kafka: newsroom API → enricher → social → `social.posts`,
//! with redelivery, restarts, kills and bad events, as a social desk would see them.

use newswire_shared::kafka::deadletter::headers;
use newswire_tests::common::{
    article, header, post_article, produce, read_topic, Broker, RunningPipeline,
};
use rdkafka::message::OwnedMessage;
use rdkafka::Message;
use serde_json::Value;
use std::time::Duration;

fn posts(messages: &[OwnedMessage]) -> Vec<Value> {
    messages
        .iter()
        .map(|m| serde_json::from_slice(m.payload().unwrap()).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn posts_once_per_account_and_kills_delete_them_even_across_restarts() {
    let broker = Broker::start();
    let settings = broker.settings("social").await;
    let brokers = settings.kafka.brokers.clone();
    let topic = settings.topics.social.clone();
    let p = RunningPipeline::start(&settings).await;

    let mut story = serde_json::to_value(article(
        "social-1",
        1,
        "Lukashenko attends CSTO summit in Astana",
    ))
    .unwrap();
    story["url"] = "https://news.example.by/politics/social-1".into();
    story["keywords"] = serde_json::json!(["CSTO", "Astana"]);
    story["urgency"] = 2.into();
    for _ in 0..3 {
        post_article(&p.base, &story).await;
    }
    let first = read_topic(&brokers, &topic, 6, Duration::from_secs(30));
    assert_eq!(first.len(), 6, "one post per default account");
    let first_posts = posts(&first);
    let mut networks: Vec<&str> = first_posts
        .iter()
        .map(|p| p["network"].as_str().unwrap())
        .collect();
    networks.sort();
    assert_eq!(
        networks,
        ["bluesky", "linkedin", "mastodon", "telegram", "threads", "x"]
    );
    for (m, post) in first.iter().zip(&first_posts) {
        assert_eq!(m.key(), Some(&b"social-1"[..]), "key = article id");
        assert_eq!(header(m, "ce_type"), Some("news.social.post.v1"));
        assert_eq!(post["action"], "publish");
        // Telegram sets the headline in bold.
        let text = post["text"]
            .as_str()
            .unwrap()
            .replace("<b>", "")
            .replace("</b>", "");
        assert!(
            text.starts_with("BREAKING: Lukashenko attends CSTO summit"),
            "{text}"
        );
        assert!(text.contains("CSTO"), "{text}");
    }

    // A kill, then the same kill again: one delete per post, no more.
    let mut kill = story.clone();
    kill["version"] = 2.into();
    kill["status"] = "canceled".into();
    kill["version_created"] = "2024-11-28T10:00:00Z".into();
    post_article(&p.base, &kill).await;
    post_article(&p.base, &kill).await;
    let after_kill = read_topic(&brokers, &topic, 12, Duration::from_secs(30));
    assert_eq!(after_kill.len(), 12);
    let deletes: Vec<Value> = posts(&after_kill)
        .into_iter()
        .filter(|p| p["action"] == "delete")
        .collect();
    assert_eq!(deletes.len(), 6);
    let mut deleted: Vec<&str> = deletes
        .iter()
        .map(|d| d["post_id"].as_str().unwrap())
        .collect();
    let mut posted: Vec<&str> = first_posts
        .iter()
        .map(|p| p["post_id"].as_str().unwrap())
        .collect();
    deleted.sort();
    posted.sort();
    assert_eq!(deleted, posted, "every post produced is deleted");
    p.stop().await;

    // A new process reads what was produced back from social.posts: the same events
    // arriving again (an upstream replay) produce nothing new.
    let p = RunningPipeline::start(&settings).await;
    for version in [&story, &kill] {
        let mut enriched = version.clone();
        enriched["enrichment"] = serde_json::json!({"language": "en", "language_confidence": 1.0});
        let bytes = serde_json::to_vec(&enriched).unwrap();
        produce(&brokers, &settings.topics.enriched, "social-1", &bytes).await;
    }
    // A marker story shows the stage has handled everything before it.
    let marker = article("social-2", 1, "Marker story");
    post_article(&p.base, &serde_json::to_value(&marker).unwrap()).await;
    let all = read_topic(&brokers, &topic, 18, Duration::from_secs(30));
    let all_posts = posts(&all);
    assert_eq!(
        all_posts
            .iter()
            .filter(|p| p["article_id"] == "social-2")
            .count(),
        6
    );
    assert_eq!(
        all_posts
            .iter()
            .filter(|p| p["article_id"] == "social-1")
            .count(),
        12,
        "replay produced posts"
    );
    assert_eq!(all.len(), 18);
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bad_enriched_event_is_dead_lettered_and_the_rest_still_posted() {
    let broker = Broker::start();
    let settings = broker.settings("social-dlq").await;
    let brokers = settings.kafka.brokers.clone();
    let p = RunningPipeline::start(&settings).await;
    produce(
        &brokers,
        &settings.topics.enriched,
        "bad",
        b"{\"id\":\"bad\"}",
    )
    .await;
    post_article(
        &p.base,
        &serde_json::to_value(article("good", 1, "Good story")).unwrap(),
    )
    .await;
    let good = read_topic(
        &brokers,
        &settings.topics.social,
        6,
        Duration::from_secs(30),
    );
    assert_eq!(good.len(), 6);
    // The newsml stage reads articles.enriched too and files its own dead letter.
    let dead = read_topic(
        &brokers,
        &settings.topics.deadletter,
        2,
        Duration::from_secs(30),
    );
    let social_dead: Vec<_> = dead
        .iter()
        .filter(|m| header(m, headers::STAGE) == Some("social"))
        .collect();
    assert_eq!(social_dead.len(), 1);
    assert_eq!(
        social_dead[0].payload(),
        Some(&b"{\"id\":\"bad\"}"[..]),
        "original bytes kept"
    );
    let reason = header(social_dead[0], headers::REASON).unwrap();
    assert!(
        reason.contains("version"),
        "the reason names the field: {reason}"
    );
    p.stop().await;
}
