//! The admin API, for operators (and the wire monitor to come), behind
//! `delivery.admin_keys` (`Authorization: Bearer KEY` or `X-API-Key: KEY`; never in the
//! query, where keys end up in access logs):
//!
//! - `GET /v1/subscribers[?story=ID]`: per subscriber and destination, its state
//!   (`delivering`, `backing_off`, `suspended`), last success and failure, the last
//!   error, counts, queue depth and lag (age of the oldest version still owed); with
//!   `story`, the version of that story each destination received.
//! - `POST /v1/subscribers/{name}/resend` with `{"story": ID}` (its latest version) or
//!   `{"since": RFC3339, "until": RFC3339}` (every version written in the range): sent
//!   again to the subscriber's destinations under the same `webhook-id`s, entitlement
//!   and embargo applying as ever; a suspended destination delivers again.
//!
//! What a replica shows and resends is what it delivers: the stories of the
//! `articles.enriched` partitions it was given (listed in every answer).

use crate::engine::{Resend, ResendReport};
use crate::target::Target;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use newswire_shared::access::{refusal_response, refuse, Refusal};
use newswire_shared::keys::{presented_key, KeyRing};
use serde::Deserialize;
use std::sync::{mpsc, Arc, Mutex};

#[derive(Clone)]
pub struct Admin {
    pub targets: Arc<Vec<Arc<Target>>>,
    pub keys: Arc<KeyRing>,
    pub resends: Arc<Mutex<mpsc::Sender<Resend>>>,
}

impl Admin {
    pub fn router(self) -> Router {
        Router::new()
            .route("/v1/subscribers", get(subscribers))
            .route("/v1/subscribers/{name}/resend", post(resend))
            .with_state(self)
    }

    #[allow(clippy::result_large_err)] // the error is the answer
    fn authorise(&self, headers: &HeaderMap) -> Result<(), Response> {
        match presented_key(headers, None) {
            Some(k) if self.keys.owner(k).is_some() => Ok(()),
            _ => Err(refusal_response(Refusal::Unauthorized)),
        }
    }
}

#[derive(Deserialize)]
struct StoryQuery {
    story: Option<String>,
}

async fn subscribers(
    State(admin): State<Admin>,
    Query(q): Query<StoryQuery>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    admin.authorise(&headers)?;
    let now = Utc::now();
    let mut out: Vec<serde_json::Value> = Vec::new();
    for t in admin.targets.iter() {
        let queue = t.queue();
        let destination = serde_json::json!({
            "name": t.destination,
            "type": t.kind,
            "state": queue.state(now),
            "suspended_since": queue.suspended_since(),
            "queue_depth": queue.depth(),
            "in_flight": queue.in_flight(),
            "lag_seconds": queue.oldest_owed().map(|w| (now - w).num_milliseconds().max(0) as f64 / 1e3),
            "retry_at": queue.retry_at(),
            "stats": queue.stats,
            "story": q.story.as_ref().map(|id| serde_json::json!({
                "id": id,
                "received": queue.received(id).map(|r| serde_json::json!({"version": r.version, "status": r.status})),
            })),
        });
        match out.iter_mut().find(|s| s["name"] == t.subscriber.as_str()) {
            Some(s) => s["destinations"]
                .as_array_mut()
                .expect("built as an array")
                .push(destination),
            None => out.push(serde_json::json!({
                "name": t.subscriber,
                "trust_embargo": t.trust_embargo,
                "destinations": [destination],
            })),
        }
    }
    let partitions: Vec<i32> = admin
        .targets
        .first()
        .map(|t| t.queue().owned_partitions())
        .unwrap_or_default();
    let mut r =
        Json(serde_json::json!({"subscribers": out, "partitions": partitions})).into_response();
    r.headers_mut().insert(
        "cache-control",
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(r)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResendRequest {
    story: Option<String>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
}

fn bad_request(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({"error": "bad_request", "message": message})),
    )
        .into_response()
}

async fn resend(
    State(admin): State<Admin>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, Response> {
    admin.authorise(&headers)?;
    if !admin.targets.iter().any(|t| t.subscriber == name) {
        return Err(refuse(StatusCode::NOT_FOUND, "not_found", None));
    }
    let request: ResendRequest =
        serde_json::from_slice(&body).map_err(|e| bad_request(&format!("body: {e}")))?;
    match (&request.story, request.since, request.until) {
        (Some(_), None, None) => {}
        (None, Some(since), until) if until.is_none_or(|u| u >= since) => {}
        (None, Some(_), Some(_)) => return Err(bad_request("until: must not be before since")),
        _ => return Err(bad_request("give story, or since (and optionally until)")),
    }
    let (reply, answer) = tokio::sync::oneshot::channel::<ResendReport>();
    let sent = admin
        .resends
        .lock()
        .expect("resend channel lock")
        .send(Resend {
            subscriber: name,
            story: request.story,
            since: request.since,
            until: request.until,
            reply,
        });
    if sent.is_err() {
        return Err(refuse(StatusCode::SERVICE_UNAVAILABLE, "stopping", None));
    }
    match tokio::time::timeout(std::time::Duration::from_secs(60), answer).await {
        Ok(Ok(report)) => Ok((StatusCode::ACCEPTED, Json(report)).into_response()),
        _ => Err(refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            Some(std::time::Duration::from_secs(5)),
        )),
    }
}
