//! Our WebSub hub (W3C Recommendation, 23 January 2018) for the public feeds, at
//! `POST {base_url}/websub`:
//!
//! - §5.1 Subscriber sends a form (`application/x-www-form-urlencoded`) with
//!   `hub.mode` (`subscribe`, `unsubscribe`), `hub.callback`, `hub.topic`, and optionally
//!   `hub.lease_seconds` and `hub.secret` (under 200 bytes). Other parameters are
//!   ignored. A topic must be a feed of this server that the public may read (a
//!   subscriber-only feed is never pushed: the hub cannot check a key at delivery time);
//!   otherwise 400 naming the parameter. A valid request is answered 202 at once.
//! - §5.3 Verification of intent: the hub GETs the callback (its own query kept) with
//!   `hub.mode`, `hub.topic`, `hub.challenge` and, to subscribe, `hub.lease_seconds`;
//!   only a 2xx whose body is the challenge confirms. A confirmed subscription replaces
//!   the one of the same topic and callback (renewal); a confirmed unsubscription ends
//!   it. Leases run from confirmation, [`MIN_LEASE_SECS`]..=[`MAX_LEASE_SECS`],
//!   [`DEFAULT_LEASE_SECS`] when not asked; an expired subscription gets nothing.
//! - §7 Content distribution: whenever a subscribed feed's document changes (a new
//!   story, a correction, a kill — whatever changes its bytes), the whole document is
//!   POSTed to each callback with the feed's `Content-Type`, `Link: <hub>; rel="hub",
//!   <topic>; rel="self"`, and with a secret `X-Hub-Signature: sha256=` and the hex
//!   HMAC-SHA256 of the body (§8). A 2xx is success; `410 Gone` ends the
//!   subscription; anything else is retried after [`RETRY_DELAYS`].

use crate::http::{feed_response, FeedsState};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use hmac::{Hmac, KeyInit, Mac};
use newswire_shared::shutdown::Shutdown;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const DEFAULT_LEASE_SECS: u64 = 10 * 24 * 3600;
pub const MIN_LEASE_SECS: u64 = 60;
pub const MAX_LEASE_SECS: u64 = 30 * 24 * 3600;
/// Waits before the second, third… attempt to deliver one change to one callback.
pub const RETRY_DELAYS: [Duration; 5] = [
    Duration::from_secs(1),
    Duration::from_secs(4),
    Duration::from_secs(15),
    Duration::from_secs(60),
    Duration::from_secs(300),
];

struct Subscription {
    secret: Option<Vec<u8>>,
    expires: Instant,
}

#[derive(Default)]
struct Subscriptions {
    /// By topic, then callback.
    by_topic: HashMap<String, HashMap<String, Subscription>>,
    /// Per topic, the ETag of the document last distributed (or current when the
    /// first subscription was confirmed).
    sent: HashMap<String, String>,
}

pub struct Hub {
    feeds: FeedsState,
    /// `{base_url}/websub`.
    url: String,
    base_url: String,
    client: reqwest::Client,
    subscriptions: Mutex<Subscriptions>,
}

/// A topic's current document: ETag, content type, bytes.
struct Document {
    tag: String,
    content_type: String,
    body: axum::body::Bytes,
}

fn bad_request(field: &str, message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({"error": "bad_request", "field": field, "message": message})),
    )
        .into_response()
}

/// 128 unguessable bits for `hub.challenge`, from the operating system.
fn challenge() -> String {
    newswire_shared::random::hex::<16>()
}

/// `sha256=` and the hex HMAC-SHA256 of `body` with `secret` (WebSub §8).
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC takes any key");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256=");
    for b in digest.iter() {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

/// The bytes of a rendered feed's body (already in memory: one frame).
fn bytes_of(
    body: axum::body::Body,
) -> impl std::future::Future<Output = Option<axum::body::Bytes>> + Send {
    let collected = axum::body::to_bytes(body, usize::MAX);
    async move { collected.await.ok() }
}

/// `url` with `params` appended to its query (kept as the subscriber wrote it).
fn with_query(url: &str, params: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        query.append_pair(k, v);
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{}", query.finish())
}

impl Hub {
    pub fn new(feeds: FeedsState, base_url: &str, request_timeout: Duration) -> Arc<Self> {
        let base_url = base_url.trim_end_matches('/').to_string();
        Arc::new(Self {
            feeds,
            url: format!("{base_url}/websub"),
            base_url,
            client: reqwest::Client::builder()
                .timeout(request_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client"),
            subscriptions: Mutex::default(),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/websub", post(request))
            .with_state(self.clone())
    }

    /// The topic's document as the public gets it, if the topic is a public feed of
    /// this server.
    async fn document(&self, topic: &str) -> Option<Document> {
        let rest = topic
            .strip_prefix(&self.base_url)?
            .strip_prefix("/feeds/")?;
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let path = percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .ok()?;
        // The request target as a client polling the topic would send it.
        let target = &topic[self.base_url.len()..];
        let response = feed_response(&self.feeds, &path, query, target, &HeaderMap::new());
        if response.status() != StatusCode::OK {
            return None;
        }
        let (parts, body) = response.into_parts();
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let (tag, content_type) = (header("etag")?, header("content-type")?);
        // The body is moved into the future (a borrowed response would not be Send).
        let body = bytes_of(body).await?;
        Some(Document {
            tag,
            content_type,
            body,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Subscriptions> {
        self.subscriptions.lock().expect("subscriptions lock")
    }

    /// §5.3: asks the callback to confirm, then applies the request.
    async fn verify(
        self: Arc<Self>,
        mode: String,
        topic: String,
        callback: String,
        lease: u64,
        secret: Option<Vec<u8>>,
    ) {
        let challenge = challenge();
        let lease_text = lease.to_string();
        let mut params = vec![
            ("hub.mode", mode.as_str()),
            ("hub.topic", topic.as_str()),
            ("hub.challenge", challenge.as_str()),
        ];
        if mode == "subscribe" {
            params.push(("hub.lease_seconds", lease_text.as_str()));
        }
        let confirmed = match self.client.get(with_query(&callback, &params)).send().await {
            Ok(r) if r.status().is_success() => r.text().await.is_ok_and(|b| b == challenge),
            _ => false,
        };
        if !confirmed {
            tracing::info!(%topic, %mode, "websub: the subscriber did not confirm");
            return;
        }
        let current = match mode.as_str() {
            "subscribe" => self.document(&topic).await.map(|d| d.tag),
            _ => None,
        };
        let mut subs = self.lock();
        if mode == "subscribe" {
            if let Some(tag) = current {
                subs.sent.entry(topic.clone()).or_insert(tag);
            }
            subs.by_topic.entry(topic.clone()).or_default().insert(
                callback,
                Subscription {
                    secret,
                    expires: Instant::now() + Duration::from_secs(lease),
                },
            );
            tracing::info!(%topic, lease, "websub: subscription confirmed");
        } else if let Some(callbacks) = subs.by_topic.get_mut(&topic) {
            callbacks.remove(&callback);
            tracing::info!(%topic, "websub: unsubscribed");
        }
    }

    /// Active subscriptions of `topic`: (callback, secret).
    pub fn subscribers(&self, topic: &str) -> Vec<(String, Option<Vec<u8>>)> {
        let now = Instant::now();
        self.lock()
            .by_topic
            .get(topic)
            .map(|callbacks| {
                callbacks
                    .iter()
                    .filter(|(_, s)| s.expires > now)
                    .map(|(c, s)| (c.clone(), s.secret.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// §7: after every re-rendering, pushes each subscribed feed whose document changed.
    pub async fn run(
        self: Arc<Self>,
        mut refreshed: tokio::sync::watch::Receiver<u64>,
        shutdown: Shutdown,
    ) {
        let stop = shutdown.wait();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = &mut stop => return,
                changed = refreshed.changed() => if changed.is_err() { return },
            }
            let topics: Vec<String> = {
                let mut subs = self.lock();
                let now = Instant::now();
                for callbacks in subs.by_topic.values_mut() {
                    callbacks.retain(|_, s| s.expires > now);
                }
                subs.by_topic.retain(|_, c| !c.is_empty());
                let active: Vec<String> = subs.by_topic.keys().cloned().collect();
                subs.sent.retain(|t, _| active.contains(t));
                active
            };
            for topic in topics {
                let Some(doc) = self.document(&topic).await else {
                    continue;
                };
                {
                    let mut subs = self.lock();
                    if subs.sent.get(&topic) == Some(&doc.tag) {
                        continue;
                    }
                    subs.sent.insert(topic.clone(), doc.tag.clone());
                }
                let doc = Arc::new(doc);
                for (callback, secret) in self.subscribers(&topic) {
                    tokio::spawn(self.clone().distribute(
                        topic.clone(),
                        callback,
                        secret,
                        doc.clone(),
                    ));
                }
            }
        }
    }

    async fn distribute(
        self: Arc<Self>,
        topic: String,
        callback: String,
        secret: Option<Vec<u8>>,
        doc: Arc<Document>,
    ) {
        let link = format!("<{}>; rel=\"hub\", <{topic}>; rel=\"self\"", self.url);
        for attempt in 0..=RETRY_DELAYS.len() {
            let mut request = self
                .client
                .post(&callback)
                .header("content-type", &doc.content_type)
                .header("link", &link)
                .body(doc.body.clone());
            if let Some(secret) = &secret {
                request = request.header("x-hub-signature", signature(secret, &doc.body));
            }
            match request.send().await {
                Ok(r) if r.status().is_success() => return,
                Ok(r) if r.status() == StatusCode::GONE => {
                    if let Some(callbacks) = self.lock().by_topic.get_mut(&topic) {
                        callbacks.remove(&callback);
                    }
                    tracing::info!(%topic, "websub: the subscriber answered 410, subscription ended");
                    return;
                }
                Ok(r) => {
                    tracing::warn!(%topic, status = r.status().as_u16(), attempt, "websub: distribution refused")
                }
                Err(e) => {
                    tracing::warn!(%topic, error = %e, attempt, "websub: distribution failed")
                }
            }
            let Some(wait) = RETRY_DELAYS.get(attempt) else {
                break;
            };
            tokio::time::sleep(*wait).await;
            // A newer document replaces this one: its own distribution carries it.
            if self.lock().sent.get(&topic) != Some(&doc.tag) {
                return;
            }
        }
        tracing::error!(%topic, "websub: distribution given up after every retry");
    }
}

/// `POST /websub`: a subscription request (§5.1).
async fn request(State(hub): State<Arc<Hub>>, body: axum::body::Bytes) -> Response {
    let mut params: HashMap<String, String> = HashMap::new();
    for (k, v) in form_urlencoded::parse(&body) {
        if k.starts_with("hub.") && params.insert(k.to_string(), v.to_string()).is_some() {
            return bad_request(&k, "given twice");
        }
    }
    let mode = match params.get("hub.mode").map(String::as_str) {
        Some(m @ ("subscribe" | "unsubscribe")) => m.to_string(),
        _ => return bad_request("hub.mode", "must be subscribe or unsubscribe"),
    };
    let Some(callback) = params
        .get("hub.callback")
        .filter(|c| {
            url::Url::parse(c)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        })
        .cloned()
    else {
        return bad_request("hub.callback", "must be an absolute http(s) URL");
    };
    let Some(topic) = params.get("hub.topic").cloned() else {
        return bad_request("hub.topic", "is required");
    };
    if hub.document(&topic).await.is_none() {
        return bad_request("hub.topic", "is not a public feed of this server");
    }
    let lease = match params.get("hub.lease_seconds") {
        None => DEFAULT_LEASE_SECS,
        Some(l) => match l.parse::<u64>() {
            Ok(l) => l.clamp(MIN_LEASE_SECS, MAX_LEASE_SECS),
            Err(_) => return bad_request("hub.lease_seconds", "must be a number of seconds"),
        },
    };
    let secret = match params.get("hub.secret") {
        Some(s) if s.len() >= 200 => {
            return bad_request("hub.secret", "must be shorter than 200 bytes")
        }
        Some(s) if s.is_empty() => return bad_request("hub.secret", "must not be empty"),
        Some(s) => Some(s.as_bytes().to_vec()),
        None => None,
    };
    tokio::spawn(hub.verify(mode, topic, callback, lease, secret));
    StatusCode::ACCEPTED.into_response()
}
