//! The page and its APIs, all under `/monitor/`, all for operators only:
//!
//! | route | |
//! |---|---|
//! | `GET /monitor/` | the page (the sign-in form with 401 when the caller is no operator) |
//! | `GET /monitor/app.js`, `/monitor/app.css` | the page's script and style |
//! | `GET /monitor/login.js`, `/monitor/login.css` | the sign-in form's (public) |
//! | `POST /monitor/api/session` | with an operator's `Authorization: Bearer KEY`: 204 and the session cookie |
//! | `DELETE /monitor/api/session` | signs out |
//! | `GET /monitor/api/stories?limit=N` | the latest N (≤ 2,000, default 500) stories, newest first |
//! | `GET /monitor/api/stories/{id}` | one story: versions, enrichment, outputs, journey |
//! | `GET /monitor/api/deadletters` | dead letters, newest first |
//! | `GET /monitor/api/operations` | each stage's lag and state, lag samples and per-minute stories and end-to-end latency of the last hour |
//! | `POST /monitor/api/deadletters/{partition}:{offset}/replay` | sends it back to its origin topic (`{"replayed": {"topic", "replays"}}` or `{"refused": why}`) |
//! | `GET /monitor/api/events` | server-sent events: `stories`, a JSON array of the latest summary of each story that changed (at most one event per 100 ms); `lagged` when this stream fell behind (reload the list) |
//!
//! Without an operator's key or session every route but the sign-in form answers 401
//! with the same body, whatever exists behind it.

use crate::access::{Operators, COOKIE, SESSION_LIFETIME};
use crate::store::{Change, Store};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use newswire_shared::config::KafkaSettings;
use newswire_shared::kafka::deadletter::operator;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

/// Changes are sent at most this often on each live stream.
const BATCH_GAP: Duration = Duration::from_millis(100);

pub struct MonitorState {
    pub store: Store,
    pub operators: Operators,
    /// For replaying dead letters.
    pub kafka: KafkaSettings,
    pub deadletter_topic: String,
    pub lag: crate::operations::Lag,
}

/// Replays of one dead letter the monitor allows, as `newswire deadletter replay`'s
/// default: an event whose cause is not fixed stops looping after this many.
pub const MAX_REPLAYS: u32 = 3;

const INDEX: &str = include_str!("page/index.html");
const LOGIN: &str = include_str!("page/login.html");
const APP_JS: &str = include_str!("page/app.js");
const APP_CSS: &str = include_str!("page/app.css");
const LOGIN_JS: &str = include_str!("page/login.js");
const LOGIN_CSS: &str = include_str!("page/login.css");

/// The page runs only its own script and style, talks only to its own origin, and is
/// never framed.
const PAGE_CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
     img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub fn router(state: Arc<MonitorState>) -> Router {
    Router::new()
        .route(
            "/monitor",
            get(|| async { Redirect::permanent("/monitor/") }),
        )
        .route("/monitor/", get(page))
        .route("/monitor/app.js", get(script))
        .route("/monitor/app.css", get(style))
        // The sign-in form's script and style: public, they hold nothing.
        .route(
            "/monitor/login.js",
            get(|| async { private(LOGIN_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/monitor/login.css",
            get(|| async { private(LOGIN_CSS, "text/css; charset=utf-8") }),
        )
        .route(
            "/monitor/api/session",
            axum::routing::post(sign_in).delete(sign_out),
        )
        .route("/monitor/api/stories", get(stories))
        .route("/monitor/api/stories/{id}", get(story))
        .route("/monitor/api/deadletters", get(dead_letters))
        .route("/monitor/api/operations", get(operations))
        .route(
            "/monitor/api/deadletters/{locator}/replay",
            axum::routing::post(replay),
        )
        .route("/monitor/api/events", get(events))
        .route("/monitor/{*rest}", get(unknown))
        .with_state(state)
}

/// The one answer to anyone who is not an operator.
fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [
            (
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"newswire-monitor\""),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Json(serde_json::json!({
            "error": "unauthorized",
            "message": "an operator key is required"
        })),
    )
        .into_response()
}

fn private(body: impl IntoResponse, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(PAGE_CSP),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ],
        body,
    )
        .into_response()
}

async fn page(State(s): State<Arc<MonitorState>>, headers: HeaderMap) -> Response {
    if s.operators.admits(&headers) {
        private(INDEX, "text/html; charset=utf-8")
    } else {
        let mut r = private(LOGIN, "text/html; charset=utf-8");
        *r.status_mut() = StatusCode::UNAUTHORIZED;
        r
    }
}

async fn script(State(s): State<Arc<MonitorState>>, headers: HeaderMap) -> Response {
    if !s.operators.admits(&headers) {
        return unauthorized();
    }
    private(APP_JS, "text/javascript; charset=utf-8")
}

async fn style(State(s): State<Arc<MonitorState>>, headers: HeaderMap) -> Response {
    if !s.operators.admits(&headers) {
        return unauthorized();
    }
    private(APP_CSS, "text/css; charset=utf-8")
}

async fn sign_in(State(s): State<Arc<MonitorState>>, headers: HeaderMap) -> Response {
    if !s.operators.key_presented(&headers) {
        return unauthorized();
    }
    let token = s.operators.open_session();
    let cookie = format!(
        "{COOKIE}={token}; Path=/monitor; HttpOnly; SameSite=Strict; Max-Age={}",
        SESSION_LIFETIME.as_secs()
    );
    (
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            HeaderValue::from_str(&cookie).expect("ascii"),
        )],
    )
        .into_response()
}

async fn sign_out(State(s): State<Arc<MonitorState>>, headers: HeaderMap) -> Response {
    if !s.operators.admits(&headers) {
        return unauthorized();
    }
    s.operators.close_session(&headers);
    let cookie = format!("{COOKIE}=; Path=/monitor; HttpOnly; SameSite=Strict; Max-Age=0");
    (
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            HeaderValue::from_str(&cookie).expect("ascii"),
        )],
    )
        .into_response()
}

async fn stories(
    State(s): State<Arc<MonitorState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if !s.operators.admits(&headers) {
        return unauthorized();
    }
    // Read only after access is decided, so a stranger learns nothing from a 400.
    let limit = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "limit")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(500)
        .clamp(1, 2000);
    private(Json(s.store.list(limit)), "application/json")
}

async fn story(State(s): State<Arc<MonitorState>>, headers: HeaderMap, uri: Uri) -> Response {
    if !s.operators.admits(&headers) {
        return unauthorized();
    }
    // Decoded here, after access is decided (axum's `Path` would refuse bad
    // percent-encoding before the handler could answer 401).
    let raw = uri.path().trim_start_matches("/monitor/api/stories/");
    let id = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    match s.store.detail(&id) {
        Some(d) => private(Json(d), "application/json"),
        None => (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"error": "not_found", "message": "no such story"})),
        )
            .into_response(),
    }
}

async fn dead_letters(State(s): State<Arc<MonitorState>>, headers: HeaderMap) -> Response {
    if !s.operators.admits(&headers) {
        return unauthorized();
    }
    private(Json(s.store.dead_letters()), "application/json")
}

/// Sends dead letter `partition:offset` back to its origin topic, as
/// `newswire deadletter replay` does (the same library call): refused beyond
/// [`MAX_REPLAYS`], without its payload, or without its origin.
async fn replay(State(s): State<Arc<MonitorState>>, headers: HeaderMap, uri: Uri) -> Response {
    if !s.operators.admits(&headers) {
        return unauthorized();
    }
    let locator = uri
        .path()
        .trim_start_matches("/monitor/api/deadletters/")
        .trim_end_matches("/replay");
    let Ok(at) = operator::parse_locator(locator) else {
        return (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"error": "not_found", "message": "a dead letter is named PARTITION:OFFSET"})),
        )
            .into_response();
    };
    let (kafka, topic) = (s.kafka.clone(), s.deadletter_topic.clone());
    let selection = operator::Selection {
        only: vec![at],
        ..Default::default()
    };
    let found =
        tokio::task::spawn_blocking(move || operator::list(&kafka, &topic, &selection, || {}))
            .await
            .expect("the dead-letter reader");
    let entries = match found {
        Ok(e) if !e.is_empty() => e,
        Ok(_) => {
            return (
                StatusCode::NOT_FOUND,
                Json(serde_json::json!({"error": "not_found", "message": "no such dead letter"})),
            )
                .into_response()
        }
        Err(e) => return unavailable(&e),
    };
    match operator::replay(&s.kafka, &entries, MAX_REPLAYS, false, |_, _| {}).await {
        Ok(outcomes) => {
            let body = match &outcomes[0] {
                operator::ReplayOutcome::Replayed { topic, replays } => {
                    tracing::info!(dead_letter = locator, %topic, replays, "dead letter replayed from the monitor");
                    serde_json::json!({"replayed": {"topic": topic, "replays": replays}})
                }
                operator::ReplayOutcome::Refused(why) => serde_json::json!({"refused": why}),
            };
            private(Json(body), "application/json")
        }
        Err(e) => unavailable(&e),
    }
}

fn unavailable(e: &dyn std::fmt::Display) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, HeaderValue::from_static("5"))],
        Json(serde_json::json!({"error": "broker_unavailable", "message": e.to_string()})),
    )
        .into_response()
}

/// Stage health and lag, and per minute of the last hour stories and their end-to-end
/// latency, for the operations view's table and charts.
async fn operations(State(s): State<Arc<MonitorState>>, headers: HeaderMap) -> Response {
    if !s.operators.admits(&headers) {
        return unauthorized();
    }
    let now = chrono::Utc::now().timestamp_millis();
    let body = serde_json::json!({
        "stages": s.lag.health(),
        "lag_history": s.lag.history(),
        "minutes": crate::operations::minutes(&s.store, now),
        "now_ms": now,
    });
    private(Json(body), "application/json")
}

async fn events(State(s): State<Arc<MonitorState>>, headers: HeaderMap) -> Response {
    if !s.operators.admits(&headers) {
        return unauthorized();
    }
    let Some(changes) = s.store.subscribe() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n").into_response();
    };
    let start = (changes, tokio::time::Instant::now());
    let stream = futures_util::stream::unfold(start, |(mut changes, last)| async move {
        let first = match changes.recv().await {
            Ok(change) => change,
            Err(RecvError::Lagged(n)) => {
                let event = Event::default().event("lagged").data(n.to_string());
                return Some((Ok::<_, Infallible>(event), (changes, last)));
            }
            Err(RecvError::Closed) => return None,
        };
        // A burst (a thousand stories a second, each changing as every stage writes)
        // goes out as one event per BATCH_GAP with each story's latest summary, so a
        // page handles a few events a second, not thousands.
        tokio::time::sleep_until(last + BATCH_GAP).await;
        let mut order: Vec<Arc<Change>> = vec![first];
        let mut lagged = None;
        loop {
            match changes.try_recv() {
                Ok(change) => order.push(change),
                Err(TryRecvError::Lagged(n)) => lagged = Some(n),
                Err(_) => break,
            }
        }
        if let Some(n) = lagged {
            let event = Event::default().event("lagged").data(n.to_string());
            return Some((Ok(event), (changes, tokio::time::Instant::now())));
        }
        let mut latest: HashMap<&str, usize> = HashMap::new();
        for (i, change) in order.iter().enumerate() {
            latest.insert(&change.id, i);
        }
        let mut data = String::from("[");
        for (i, change) in order.iter().enumerate() {
            if latest[change.id.as_str()] == i {
                if data.len() > 1 {
                    data.push(',');
                }
                data.push_str(&change.json);
            }
        }
        data.push(']');
        let event = Event::default().event("stories").data(data);
        Some((Ok(event), (changes, tokio::time::Instant::now())))
    });
    let mut r = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn unknown(State(s): State<Arc<MonitorState>>, headers: HeaderMap) -> Response {
    if !s.operators.admits(&headers) {
        return unauthorized();
    }
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({"error": "not_found", "message": "no such endpoint"})),
    )
        .into_response()
}
