//! One trace per story, on the dev pipeline: the newsroom's `traceparent` is continued
//! (an invalid one replaced, never refused), every record of the story in every topic
//! carries the story's trace id in its `traceparent` header, each stage its own span,
//! and the logs of ingest, enricher, feeds, newsml, social and delivery each hold a line about the
//! story with that trace id.

use newswire_shared::trace::TraceParent;
use newswire_tests::captured_logs::Captured;
use newswire_tests::common::{article, read_topic, Broker, RunningPipeline};
use rdkafka::message::{Headers, Message};
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::Duration;

/// The `stage` of every JSON log line whose span carries `trace_id`.
fn stages_logging(logs: &Captured, trace_id: &str) -> BTreeSet<String> {
    logs.text()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["span"]["trace_id"] == trace_id)
        .filter_map(|l| l["span"]["stage"].as_str().map(String::from))
        .collect()
}

const NEWSROOM: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

fn trace_of(m: &rdkafka::message::OwnedMessage) -> TraceParent {
    let headers = m.headers().expect("headers");
    let value = headers
        .iter()
        .find(|h| h.key == "traceparent")
        .and_then(|h| h.value)
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .unwrap_or_else(|| panic!("{} record without traceparent", m.topic()));
    TraceParent::parse(&value).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_trace_follows_a_story_through_every_service() {
    let logs = Captured::default();
    let sink = logs.clone();
    tracing_subscriber::fmt()
        .json()
        // Deliveries are logged at debug (one line per destination and version).
        .with_env_filter("info,newswire_shared::telemetry::events=debug")
        .with_writer(move || sink.clone())
        .init();

    let broker = Broker::start();
    let mut settings = broker.settings("trace").await;
    // A subscriber with a drop folder: delivery is one more service on the trace.
    let (subscriber, _inbox) =
        newswire_tests::common::drop_folder_subscriber("archive-desk", &["*"]);
    settings.delivery.subscribers = vec![subscriber];
    let p = RunningPipeline::start(&settings).await;
    let client = reqwest::Client::new();
    let post = |id: &str, headline: &str, traceparent: Option<&str>| {
        let mut request = client
            .post(format!("{}/v1/articles", p.base))
            .json(&article(id, 1, headline));
        if let Some(t) = traceparent {
            request = request
                .header("traceparent", t)
                .header("tracestate", "newsroom=cms7");
        }
        request.send()
    };

    // The newsroom's own trace is continued.
    let r = post("traced-1", "Traced through the wire", Some(NEWSROOM))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let receipt: Value = r.json().await.unwrap();
    let newsroom = TraceParent::parse(NEWSROOM).unwrap();
    assert_eq!(receipt["trace_id"], newsroom.trace_id.to_string());
    // An invalid one (upper-case hex) is replaced by a new trace, not refused.
    let r = post(
        "traced-2",
        "Second traced story",
        Some("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let second: Value = r.json().await.unwrap();
    let second_trace = second["trace_id"].as_str().unwrap().to_string();
    assert_eq!(second_trace.len(), 32);
    assert_ne!(second_trace, newsroom.trace_id.to_string());
    // None at all: a new trace.
    let r = post("traced-3", "Untraced story", None).await.unwrap();
    let third: Value = r.json().await.unwrap();
    assert_ne!(third["trace_id"], second["trace_id"]);

    p.feed_until(|f| f.contains("Untraced story") && f.contains("Traced through the wire"))
        .await;

    // Every record of the story carries its trace; each stage writes its own span,
    // whose parent is the span that wrote the record it read.
    let brokers = &settings.kafka.brokers;
    let records = |topic: &str| {
        read_topic(brokers, topic, 3, Duration::from_secs(10))
            .into_iter()
            .filter(|m| m.key() == Some(b"traced-1".as_slice()))
            .collect::<Vec<_>>()
    };
    let published = records(&settings.topics.published);
    let enriched = records(&settings.topics.enriched);
    let items = records(&settings.topics.newsml);
    let posts = read_topic(
        brokers,
        &settings.topics.social,
        usize::MAX,
        Duration::from_secs(3),
    )
    .into_iter()
    .filter(|m| m.key() == Some(b"traced-1".as_slice()))
    .collect::<Vec<_>>();
    assert_eq!((published.len(), enriched.len(), items.len()), (1, 1, 1));
    assert!(!posts.is_empty(), "no social post for the story");
    let ingest_span = trace_of(&published[0]);
    let enricher_span = trace_of(&enriched[0]);
    assert_eq!(ingest_span.trace_id, newsroom.trace_id);
    assert_ne!(ingest_span.parent_id, newsroom.parent_id);
    assert_eq!(enricher_span.trace_id, newsroom.trace_id);
    assert_ne!(enricher_span.parent_id, ingest_span.parent_id);
    for m in items.iter().chain(&posts) {
        let t = trace_of(m);
        assert_eq!(t.trace_id, newsroom.trace_id, "{}", m.topic());
        assert_ne!(t.parent_id, enricher_span.parent_id, "{}", m.topic());
    }
    // The newsroom's vendor state travels with its trace.
    let state = enriched[0]
        .headers()
        .unwrap()
        .iter()
        .find(|h| h.key == "tracestate")
        .and_then(|h| h.value);
    assert_eq!(state, Some(b"newsroom=cms7".as_slice()));

    // The logs: every service wrote a line about the story with its trace id. Social
    // and newsml commit on their own; give them the moment their records took.
    let want: BTreeSet<String> = [
        "ingest", "enricher", "feeds", "newsml", "social", "delivery",
    ]
    .map(String::from)
    .into();
    let trace_id = newsroom.trace_id.to_string();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let found = stages_logging(&logs, &trace_id);
        if found.is_superset(&want) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "log lines with trace id {trace_id} only from {found:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // And the other stories' lines carry their own traces, not this one.
    assert!(stages_logging(&logs, &second_trace).is_superset(&want));
    p.stop().await;
}
