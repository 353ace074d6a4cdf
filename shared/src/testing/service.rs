//! A service under test: its logs kept quiet, a port of its own, waiting until it is
//! ready, and reading what it answers.

use std::future::Future;
use std::time::{Duration, Instant};

/// Polls `ready` every 20 ms; panics naming `what` if it has not held within `within`.
pub async fn until_ready<F: Future<Output = bool>>(
    within: Duration,
    what: &str,
    mut ready: impl FnMut() -> F,
) {
    let deadline = Instant::now() + within;
    while !ready().await {
        assert!(
            Instant::now() < deadline,
            "{what} not ready within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Logs at `warn` unless `RUST_LOG` says otherwise (the first call in a process
/// decides), so that a failing test's output is not buried.
pub fn quiet_tracing() {
    crate::telemetry::init_tracing(&crate::config::TelemetrySettings {
        log_level: "warn".into(),
        ..Default::default()
    });
}

/// A listener on a free local port, and its `http://` base URL.
pub async fn local_listener() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    (listener, base)
}

/// (id, version, status) of each item of a `/v1/items` page, in order.
pub fn items_listed(page: &serde_json::Value) -> Vec<(String, u64, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["version"].as_u64().unwrap(),
                i["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Sends `request` with `key` as its bearer token and reads the answer as JSON (an
/// operator's view of a service).
#[cfg(feature = "testing")]
pub async fn json_as(request: reqwest::RequestBuilder, key: &str) -> serde_json::Value {
    request
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
