//! `/newsml/items` cursors are positions in `newsml.items`: a cursor one NewsML replica
//! gave works on another replica (its own consumer and store, same topics) and on a
//! replica started after it was given — exactly the remaining items, embargoed ones
//! included once their embargo passes; 410 only once the topic no longer holds the
//! position, 400 naming `since` for text that is no cursor.

use newswire_shared::config::NewsmlSubscriber;
use newswire_shared::health::Health;
use newswire_shared::shutdown;
use newswire_shared::{testing, Settings};
use newswire_tests::common::{article, until_count, Broker, RunningPipeline};
use rdkafka::admin::{AdminClient, AdminOptions};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use std::time::Duration;

const TRUSTED_KEY: &str = "trusted-cursor-key-000001";

/// A NewsML delivery replica of its own: it reads `newsml.items` from the beginning
/// into its own store and answers the pull API.
struct Replica {
    base: String,
    trigger: shutdown::ShutdownTrigger,
    consumer: std::thread::JoinHandle<anyhow::Result<()>>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Replica {
    async fn start(settings: &Settings) -> Self {
        let health = Health::default();
        let delivery = newswire_newsml::Delivery::build(settings).unwrap();
        let app = delivery.router().merge(health.router());
        let (trigger, stop) = shutdown::channel();
        let consumer = delivery.spawn_consumer(settings, &health, stop.clone());
        let (listener, base) = testing::local_listener().await;
        let http = settings.http.clone();
        let server = tokio::spawn(async move {
            newswire_shared::server::serve(listener, app, &http, stop).await
        });
        testing::until_ready(newswire_tests::common::EVENTUALLY, "replica", || {
            std::future::ready(health.is_ready())
        })
        .await;
        Self {
            base,
            trigger,
            consumer,
            server,
        }
    }

    async fn stop(self) {
        self.trigger.trigger();
        let consumer = self.consumer;
        tokio::task::spawn_blocking(move || consumer.join())
            .await
            .unwrap()
            .expect("consumer thread")
            .unwrap();
        tokio::time::timeout(Duration::from_secs(20), self.server)
            .await
            .expect("server stops")
            .unwrap()
            .unwrap();
    }
}

/// One answer of `/newsml/items`: status, the (story, version) of its items in order,
/// the next cursor (header), and the body.
struct Batch {
    status: u16,
    items: Vec<(String, u64)>,
    next: String,
    body: String,
}

async fn batch(base: &str, query: &str, key: Option<&str>) -> Batch {
    let mut request = reqwest::Client::new().get(format!("{base}/newsml/items?{query}"));
    if let Some(key) = key {
        request = request.header("X-API-Key", key);
    }
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    let next = r
        .headers()
        .get("newsml-next-cursor")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = r.text().await.unwrap();
    let items = body
        .split("<newsItem ")
        .skip(1)
        .map(|tag| {
            let attr = |name: &str| {
                let from = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                tag[from..from + tag[from..].find('"').unwrap()].to_string()
            };
            let guid = attr("guid");
            let id = guid
                .strip_prefix("urn:newswire:article:")
                .unwrap()
                .to_string();
            (id, attr("version").parse().unwrap())
        })
        .collect();
    Batch {
        status,
        items,
        next,
        body,
    }
}

/// Everything after `since`, page by page of `limit`.
async fn rest(
    base: &str,
    since: &str,
    key: Option<&str>,
    limit: usize,
) -> (Vec<(String, u64)>, String) {
    let mut cursor = since.to_string();
    let mut all = Vec::new();
    loop {
        let page = batch(base, &format!("since={cursor}&limit={limit}"), key).await;
        assert_eq!(page.status, 200, "{base} since={cursor}: {}", page.body);
        assert!(
            page.body
                .contains(&format!("<transmitId>{}</transmitId>", page.next)),
            "transmitId is the next cursor"
        );
        cursor = page.next;
        if page.items.is_empty() {
            return (all, cursor);
        }
        all.extend(page.items);
    }
}

/// Waits until `base` lists `count` items from the start for `key`.
async fn until_listed(base: &str, key: Option<&str>, count: usize) -> Vec<(String, u64)> {
    until_count(Duration::from_secs(30), base, count, || async {
        rest(base, "0", key, 500).await.0
    })
    .await
}

/// Makes the topic forget partition 0's records so far: on Apache Kafka by
/// DeleteRecords; the embedded broker has no DeleteRecords but keeps at most 5 MB per
/// partition, so records it drops by size do the same.
async fn forget_partition_0(broker: &Broker, settings: &Settings) {
    let topic = &settings.topics.newsml;
    let brokers = broker.bootstrap();
    let probe: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &brokers)
        .create()
        .unwrap();
    let (low, high) = probe
        .fetch_watermarks(topic, 0, Duration::from_secs(10))
        .unwrap();
    assert!(high > low, "partition 0 has records to forget");
    // On the embedded broker enough to push the old records out; on Apache Kafka one
    // record, so the records deleted below it include every offset a cursor gave.
    let (count, size) = if broker.embedded().is_some() {
        (10, 700_000)
    } else {
        (1, 10)
    };
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &brokers)
        .set("message.max.bytes", "2000000")
        .create()
        .unwrap();
    let padding = vec![b'x'; size];
    for _ in 0..count {
        producer
            .send(
                FutureRecord::to(topic)
                    .partition(0)
                    .key("padding")
                    .payload(&padding),
                Duration::from_secs(10),
            )
            .await
            .unwrap();
    }
    if broker.embedded().is_none() {
        let (_, end) = probe
            .fetch_watermarks(topic, 0, Duration::from_secs(10))
            .unwrap();
        let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
            .set("bootstrap.servers", &brokers)
            .create()
            .unwrap();
        let mut upto = TopicPartitionList::new();
        upto.add_partition_offset(topic, 0, Offset::Offset(end))
            .unwrap();
        admin
            .delete_records(&upto, &AdminOptions::new())
            .await
            .unwrap();
    }
    let (now_low, _) = probe
        .fetch_watermarks(topic, 0, Duration::from_secs(10))
        .unwrap();
    assert!(
        now_low > high,
        "partition 0 starts at {now_low}, not past {high}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_newsml_cursor_from_one_replica_works_on_another_and_after_a_restart() {
    let broker = Broker::start();
    let mut settings = broker.settings("newsml-cursors").await;
    settings.newsml.public = Some(vec!["*".into()]);
    settings.newsml.subscribers = vec![NewsmlSubscriber {
        trust_embargo: true,
        ..NewsmlSubscriber::new("trusted", Some(TRUSTED_KEY))
    }];
    let a = RunningPipeline::start(&settings).await;
    let publish = |article: newswire_shared::Article| {
        let a = &a;
        async move { a.publish(&article).await }
    };
    // Ten stories, one with an embargo 6 s ahead.
    let embargo = chrono::Utc::now() + chrono::Duration::seconds(6);
    for i in 0..10 {
        let mut story = article(&format!("nc-{i}"), 1, &format!("Story {i}"));
        if i == 4 {
            story.embargo_until = Some(embargo);
        }
        publish(story).await;
    }
    let public_on_a = until_listed(&a.base, None, 9).await;
    assert!(
        !public_on_a.contains(&("nc-4".into(), 1)),
        "embargoed story public early"
    );
    let trusted_on_a = until_listed(&a.base, Some(TRUSTED_KEY), 10).await;

    // A public subscriber reads three items from A, a trusted one four…
    let first = batch(&a.base, "limit=3", None).await;
    assert_eq!(first.items.len(), 3);
    let cursor = first.next.clone();
    let trusted_first = batch(&a.base, "limit=4", Some(TRUSTED_KEY)).await;
    let trusted_cursor = trusted_first.next.clone();
    let (rest_on_a, end_on_a) = rest(&a.base, &cursor, None, 2).await;

    // …and the load balancer sends both to replica B, which read the topic on its own.
    let b = Replica::start(&settings).await;
    until_listed(&b.base, None, 9).await;
    let (rest_on_b, end_on_b) = rest(&b.base, &cursor, None, 4).await;
    assert_eq!(rest_on_b, rest_on_a, "cursor {cursor} on B");
    let mut seen = first.items.clone();
    seen.extend(rest_on_b.clone());
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "an item twice: {seen:?}");
    let mut expected = public_on_a.clone();
    expected.sort();
    assert_eq!(sorted, expected, "an item missed");
    let (trusted_rest_on_b, _) = rest(&b.base, &trusted_cursor, Some(TRUSTED_KEY), 3).await;
    let mut trusted_seen = trusted_first.items.clone();
    trusted_seen.extend(trusted_rest_on_b);
    assert_eq!(trusted_seen, trusted_on_a, "trusted cursor on B");

    // The embargo passes: the cursors both replicas gave after everything get exactly
    // the embargoed story, on either replica.
    let wait = (embargo - chrono::Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait).await;
    until_listed(&a.base, None, 10).await;
    until_listed(&b.base, None, 10).await;
    for (given, cursor) in [("A", &end_on_a), ("B", &end_on_b)] {
        for (on, base) in [("A", &a.base), ("B", &b.base)] {
            let (items, _) = rest(base, cursor, None, 1).await;
            assert_eq!(
                items,
                [("nc-4".to_string(), 1)],
                "{given}'s end cursor on {on}"
            );
        }
    }
    let (_, end_after_embargo) = rest(&b.base, &end_on_b, None, 100).await;

    // A correction and a kill; then B restarts (it reads the topic again): the cursors
    // given before still mean the same.
    let mut correction = article("nc-2", 2, "Story 2, corrected");
    correction.version_created = chrono::Utc::now();
    publish(correction).await;
    let mut kill = article("nc-7", 2, "Story 7");
    kill.status = newswire_shared::article::Status::Canceled;
    publish(kill).await;
    until_listed(&a.base, None, 12).await;
    let (news_on_a, _) = rest(&a.base, &end_after_embargo, None, 100).await;
    let mut news_sorted = news_on_a.clone();
    news_sorted.sort();
    assert_eq!(news_sorted, [("nc-2".into(), 2), ("nc-7".into(), 2)]);
    b.stop().await;
    let b = Replica::start(&settings).await;
    until_listed(&b.base, None, 12).await;
    assert_eq!(
        rest(&b.base, &end_after_embargo, None, 1).await.0,
        news_on_a,
        "B's cursor on the restarted B"
    );
    let (from_first_on_b, _) = rest(&b.base, &cursor, None, 5).await;
    let (from_first_on_a, _) = rest(&a.base, &cursor, None, 5).await;
    assert_eq!(
        from_first_on_b, from_first_on_a,
        "A's cursor on the restarted B"
    );

    // Text that is no cursor is refused, naming the parameter.
    for bad in ["1-999", "k1.x.0", "k1.1_2"] {
        let r = batch(&b.base, &format!("since={bad}"), None).await;
        assert_eq!(r.status, 400, "since={bad}: {}", r.body);
        assert!(r.body.contains("since"), "{}", r.body);
    }

    // The topic forgets partition 0's records: a replica started afterwards cannot
    // answer a cursor from before (410), and answers one from after.
    let end_before = rest(&a.base, "0", None, 500).await.1;
    forget_partition_0(&broker, &settings).await;
    let c = Replica::start(&settings).await;
    let r = batch(&c.base, &format!("since={cursor}"), None).await;
    assert_eq!(
        r.status, 410,
        "a position the topic no longer holds: {}",
        r.body
    );
    let r = batch(&c.base, &format!("since={end_before}"), None).await;
    assert_eq!(r.status, 410, "{}", r.body);
    let latest = batch(&c.base, "limit=500", None).await;
    assert_eq!(latest.status, 200);
    let (_, end_on_c) = rest(&c.base, "0", None, 500).await;
    // Nothing new was published: C's end is where the topic ends, on A too.
    let r = batch(&a.base, &format!("since={end_on_c}"), None).await;
    assert_eq!((r.status, r.items.len()), (200, 0), "{}", r.body);
    assert_eq!(
        batch(&c.base, &format!("since={end_on_c}"), None)
            .await
            .status,
        200
    );
    c.stop().await;
    b.stop().await;
    a.stop().await;
}
