//! Subscriber keys never leave the process: not in logs (every level, every target),
//! not in metric labels, not in any response — refusals, bad requests, rate limits,
//! oversized heads — whichever way the key was presented, and not in configuration
//! errors or the settings' debug output.

use newswire_shared::config::{NewsmlSubscriber, Settings, Subscriber};
use newswire_shared::keys::{ConfiguredKey, KeyDigest};
use newswire_tests::captured_logs::Captured;
use newswire_tests::common::{Broker, RunningPipeline};
use newswire_tests::http_client::Client;
use std::net::SocketAddr;

const FEEDS_SECRET: &str = "feeds-secret-key-7c1e0d22";
/// Configured by its digest only; presented as the secret.
const FEEDS_ROTATED: &str = "feeds-rotated-key-91ab44f0";
const NEWSML_SECRET: &str = "newsml-secret-key-5d3f8a19";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn keys_appear_in_no_log_metric_or_response() {
    let logs = Captured::default();
    let sink = logs.clone();
    tracing_subscriber::fmt()
        .with_env_filter("trace")
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .init();

    let broker = Broker::start();
    let mut settings = broker.settings("secrets").await;
    settings.feeds.public = vec!["urgent".into()];
    settings.feeds.rate_limit_per_minute = 5;
    settings.feeds.subscribers = vec![Subscriber {
        key: Some(ConfiguredKey::new(FEEDS_SECRET)),
        keys: vec![ConfiguredKey::new(KeyDigest::of(FEEDS_ROTATED).to_config())],
        ..Subscriber::new("outlet", FEEDS_SECRET, &["section/sport"])
    }];
    settings.newsml.subscribers = vec![NewsmlSubscriber {
        trust_embargo: true,
        ..NewsmlSubscriber::new("wire-client", Some(NEWSML_SECRET))
    }];
    let secrets = [FEEDS_SECRET, FEEDS_ROTATED, NEWSML_SECRET];
    let digests: Vec<String> = secrets
        .iter()
        .map(|s| KeyDigest::of(s).to_config()["sha256:".len()..].to_string())
        .collect();
    let leaked = |text: &str| -> Option<String> {
        secrets
            .iter()
            .map(|s| s.to_string())
            .chain(digests.iter().cloned())
            .find(|s| text.contains(s.as_str()))
    };

    // The settings as a process might print them.
    assert_eq!(leaked(&format!("{settings:?}")), None, "settings' Debug");

    let pipeline = RunningPipeline::start(&settings).await;
    let addr: SocketAddr = pipeline.base.trim_start_matches("http://").parse().unwrap();
    let mut client = Client::new(addr);
    let mut seen = Vec::new();
    for key in secrets {
        let wrong = format!("{key}x");
        let presented: Vec<(String, Vec<(&str, String)>)> = vec![
            (format!("key={key}"), vec![]),
            (format!("key={key}&key={key}"), vec![]),
            (format!("key={wrong}"), vec![]),
            (
                String::new(),
                vec![("Authorization", format!("Bearer {key}"))],
            ),
            (
                String::new(),
                vec![("Authorization", format!("Bearer {wrong}"))],
            ),
            (String::new(), vec![("X-API-Key", key.to_string())]),
            (String::new(), vec![("X-API-Key", wrong.clone())]),
        ];
        for (query, headers) in &presented {
            let sep = |q: &str| {
                if q.is_empty() {
                    String::new()
                } else {
                    format!("&{q}")
                }
            };
            for target in [
                format!("/feeds/section/sport.rss?lang=ru{}", sep(query)),
                format!("/feeds/section/economy.atom?x=1{}", sep(query)),
                format!("/feeds/section/sport.json?section=economy{}", sep(query)),
                format!("/feeds/all.json?urgent=maybe{}", sep(query)),
                format!("/feeds/nonsense/{key}.rss?x=1{}", sep(query)),
                format!("/feeds/section/sport/archive/9.rss?x=1{}", sep(query)),
                format!("/v1/items?since=bogus{}", sep(query)),
                format!("/v1/items?wait=x{}", sep(query)),
                format!("/newsml/items?limit=9999{}", sep(query)),
                format!("/newsml/items?since=1-1{}", sep(query)),
                format!("/newsml/items/{key}?x=1{}", sep(query)),
                format!("/newsml/items/x/versions/{key}?x=1{}", sep(query)),
                format!("/{key}?x=1{}", sep(query)),
            ] {
                let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let r = client.get(&target, &h);
                seen.push((target.clone(), r.status));
                let all = format!("{:?}\n{}", r.headers, r.text());
                // The key the request itself carried may come back only in nothing.
                assert_eq!(leaked(&all), None, "{target}: {} {all}", r.status);
            }
        }
    }
    // Over the rate (5 a minute): 429 too says nothing.
    assert!(
        seen.iter().any(|(_, s)| *s == 429),
        "no request was rate-limited"
    );
    assert!(seen.iter().any(|(_, s)| *s == 200), "no request was served");
    assert!(seen.iter().any(|(_, s)| *s == 401) && seen.iter().any(|(_, s)| *s == 403));
    // A head too large, carrying a key, and a POST with a key in its URL.
    let big = format!("Bearer {FEEDS_SECRET}{}", "x".repeat(20_000));
    let r = client.get("/feeds/section/sport.rss", &[("Authorization", &big)]);
    assert_eq!(r.status, 431);
    assert_eq!(leaked(&r.text()), None);
    let r = reqwest::Client::new()
        .post(format!("{}/v1/articles?key={FEEDS_SECRET}", pipeline.base))
        .header("content-type", "application/json")
        .header("x-api-key", FEEDS_SECRET)
        .body("{not json")
        .send()
        .await
        .unwrap();
    let text = format!("{:?}{}", r.headers().clone(), r.text().await.unwrap());
    assert_eq!(leaked(&text), None, "{text}");

    let metrics = client.get("/metrics", &[]).text();
    assert!(metrics.contains("# TYPE"), "{metrics}");
    assert_eq!(leaked(&metrics), None, "metrics");
    pipeline.stop().await;

    let logs = logs.text();
    assert!(
        logs.lines().count() > 10,
        "the capture holds the process's logs: {logs}"
    );
    assert_eq!(leaked(&logs), None, "logs");
}

/// Configuration errors name the field and the subscriber, never the key.
#[test]
fn configuration_errors_never_quote_a_key() {
    let mut settings = Settings::default();
    settings.feeds.subscribers = vec![Subscriber::new("outlet", "short-secret", &["*"])];
    let err = settings.clone().validated().unwrap_err().to_string();
    assert!(
        err.contains("feeds.subscribers.keys") && !err.contains("short-secret"),
        "{err}"
    );
    settings.feeds.subscribers = vec![
        Subscriber::new("a", FEEDS_SECRET, &["*"]),
        Subscriber::new("b", FEEDS_SECRET, &["*"]),
    ];
    let err = settings.clone().validated().unwrap_err().to_string();
    assert!(
        err.contains("another subscriber") && !err.contains(FEEDS_SECRET),
        "{err}"
    );
    settings.feeds.subscribers = vec![Subscriber::new("a", "sha256:0123", &["*"])];
    let err = settings.validated().unwrap_err().to_string();
    assert!(
        err.contains("64 hex digits") && !err.contains("0123"),
        "{err}"
    );
}
