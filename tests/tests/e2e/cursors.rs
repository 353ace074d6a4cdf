//! `/v1/items` cursors are positions in Kafka: a cursor one feeds replica gave works on
//! another replica and on a replica started after it was given — nothing missed,
//! nothing twice — and the event stream resumes from one the same way.

use newswire_shared::shutdown;
use newswire_shared::testing::items_listed;
use newswire_tests::common::{article, until_count, Broker, RunningPipeline};
use serde_json::Value;
use std::time::Duration;

/// A feeds replica of its own (every replica reads every partition from the start).
struct Replica {
    base: String,
    trigger: shutdown::ShutdownTrigger,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Replica {
    async fn start(settings: &newswire_shared::Settings) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (trigger, stop) = shutdown::channel();
        let task = tokio::spawn(newswire_feeds::serve(settings.clone(), listener, stop));
        Self {
            base,
            trigger,
            task,
        }
    }

    async fn stop(self) {
        self.trigger.trigger();
        tokio::time::timeout(Duration::from_secs(20), self.task)
            .await
            .expect("replica stops")
            .unwrap()
            .unwrap();
    }
}

async fn items(base: &str, query: &str) -> Value {
    let r = reqwest::get(format!("{base}/v1/items?{query}"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{base}/v1/items?{query}");
    r.json().await.unwrap()
}

/// Waits until `base` lists `count` changes from the start.
async fn until_listed(base: &str, count: usize) -> Vec<(String, u64, String)> {
    until_count(Duration::from_secs(30), base, count, || async {
        items_listed(&items(base, "since=0&limit=1000").await)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cursor_from_one_replica_works_on_another_and_after_a_restart() {
    let broker = Broker::start();
    let settings = broker.settings("cursors").await;
    let a = RunningPipeline::start(&settings).await;
    let publish = |id: String, version: u64, kill: bool| {
        let mut article = article(&id, version, &format!("Story {id} v{version}"));
        if kill {
            article.status = newswire_shared::article::Status::Canceled;
        }
        let a = &a;
        async move { a.publish(&article).await }
    };
    for i in 0..12 {
        publish(format!("cur-{i}"), 1, false).await;
    }
    let all_on_a = until_listed(&a.base, 12).await;

    // A subscriber reads five changes from replica A…
    let first = items(&a.base, "since=0&limit=5").await;
    let cursor = first["next"].as_str().unwrap().to_string();
    let rest_on_a = items_listed(&items(&a.base, &format!("since={cursor}&limit=1000")).await);

    // …and the load balancer sends it to replica B, which read the topic on its own.
    let b = Replica::start(&settings).await;
    until_listed(&b.base, 12).await;
    let rest_on_b = items_listed(&items(&b.base, &format!("since={cursor}&limit=1000")).await);
    assert_eq!(rest_on_b, rest_on_a, "cursor {cursor} on B");
    let mut seen = items_listed(&first);
    seen.extend(rest_on_b.clone());
    assert_eq!(seen.len(), 12);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 12, "a change twice: {seen:?}");
    let mut expected = all_on_a.clone();
    expected.sort();
    assert_eq!(sorted, expected, "a change missed");

    // More news, a correction and a kill; B's cursor after everything, on A.
    let end_on_b = items(&b.base, &format!("since={cursor}&limit=1000")).await["next"]
        .as_str()
        .unwrap()
        .to_string();
    publish("cur-20".into(), 1, false).await;
    publish("cur-3".into(), 2, false).await;
    publish("cur-4".into(), 2, true).await;
    until_listed(&a.base, 15).await;
    let new_on_a = items_listed(&items(&a.base, &format!("since={end_on_b}&limit=1000")).await);
    let mut new_sorted = new_on_a.clone();
    new_sorted.sort();
    assert_eq!(
        new_sorted,
        [
            ("cur-20".to_string(), 1, "usable".to_string()),
            ("cur-3".to_string(), 2, "usable".to_string()),
            ("cur-4".to_string(), 2, "canceled".to_string()),
        ]
    );

    // B restarts (no data directory: it reads the topic again): the cursors it and A
    // gave before still mean the same.
    b.stop().await;
    let b = Replica::start(&settings).await;
    until_listed(&b.base, 15).await;
    assert_eq!(
        items_listed(&items(&b.base, &format!("since={end_on_b}&limit=1000")).await),
        new_on_a,
        "B's own cursor after its restart"
    );
    let mut again = items_listed(&items(&b.base, &format!("since={cursor}&limit=1000")).await);
    let mut on_a = items_listed(&items(&a.base, &format!("since={cursor}&limit=1000")).await);
    again.sort();
    on_a.sort();
    assert_eq!(again, on_a, "A's cursor on the restarted B");

    // The event stream resumes from a cursor of the other replica as well.
    let r = reqwest::Client::new()
        .get(format!("{}/v1/items/stream", b.base))
        .header("last-event-id", end_on_b.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut r = r;
    let mut body = String::new();
    while !body.contains("\n: live\n") && !body.starts_with(": live\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), r.chunk())
            .await
            .expect("the backlog within 10 s")
            .unwrap()
            .expect("the stream stays open");
        body.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    let streamed: Vec<(String, u64, String)> = body
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| {
            let i: Value = serde_json::from_str(d).unwrap();
            (
                i["id"].as_str().unwrap().to_string(),
                i["version"].as_u64().unwrap(),
                i["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(streamed, new_on_a);
    drop(r);
    b.stop().await;
    a.stop().await;
}
