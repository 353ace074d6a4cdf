//! A feeds replica with a data directory survives a restart: it serves its stories at
//! once and resumes from the saved offsets — no replay of the topic, nothing lost or
//! doubled.

use newswire_tests::common::{article, Broker, RunningPipeline};
use std::time::Duration;

fn counter(metrics: &str, outcome: &str) -> u64 {
    let prefix = format!("newswire_feeds_events_total{{outcome=\"{outcome}\"}} ");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map_or(0, |v| v.parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn restart_resumes_from_the_store_without_replaying() {
    let broker = Broker::start();
    let mut settings = broker.settings("feeds-restart").await;
    let dir = std::env::temp_dir().join(format!("newswire-feeds-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    settings.feeds.data_dir = Some(dir.clone());

    let p = RunningPipeline::start(&settings).await;
    for i in 0..20 {
        p.pipeline
            .ingest
            .state
            .publisher
            .publish(&article(
                &format!("keep-{i}"),
                1,
                &format!("Kept story {i}."),
            ))
            .await
            .unwrap();
    }
    p.pipeline
        .ingest
        .state
        .publisher
        .publish(&article("keep-0", 2, "Kept story 0, updated."))
        .await
        .unwrap();
    p.feed_until(|f| f.matches("<item>").count() == 20 && f.contains("Kept story 0, updated."))
        .await;
    p.stop().await;

    let p = RunningPipeline::start(&settings).await;
    let feed = p.feed().await;
    assert_eq!(
        feed.matches("<item>").count(),
        20,
        "restored stories are served at once"
    );
    assert!(feed.contains("Kept story 0, updated.") && !feed.contains("Kept story 0.<"));
    p.pipeline
        .ingest
        .state
        .publisher
        .publish(&article("after-restart", 1, "After the restart."))
        .await
        .unwrap();
    p.feed_until(|f| f.contains("After the restart.")).await;
    let metrics = p.pipeline.health.metrics.render();
    assert_eq!(
        counter(&metrics, "applied"),
        1,
        "only the new story changed the store:\n{metrics}"
    );
    // Feeds read only what was appended to the topic after the restart. (On Apache
    // Kafka that is the one new story; the embedded broker does not keep the enricher's
    // transactional offsets, so its enricher re-enriches, and feeds skips those copies.)
    let enriched = newswire_tests::common::read_topic(
        &broker.bootstrap(),
        &settings.topics.enriched,
        1000,
        Duration::from_secs(3),
    )
    .len() as u64;
    let read_after_restart = counter(&metrics, "applied") + counter(&metrics, "duplicate_or_stale");
    assert_eq!(
        read_after_restart,
        enriched - 21,
        "feeds re-read the topic:\n{metrics}"
    );
    if broker.embedded().is_none() {
        assert_eq!(
            enriched, 22,
            "each story enriched exactly once on Apache Kafka"
        );
    }
    p.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
