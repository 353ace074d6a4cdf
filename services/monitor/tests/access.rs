//! Who may see the monitor, as a property: generated requests (every route, GET, POST
//! and DELETE, keys in every position — operators' keys as secrets and as digests,
//! a subscriber's key, near misses, the key in the query or as a cookie, live, closed and
//! forged session cookies) run in sequence against the router, and a model written here
//! decides each answer: the status, and that nothing about a story is in an answer to a
//! stranger. Sessions opened and closed by the sequence change the model as they change
//! the service.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use newswire_monitor::store::{Arrival, Role, Step};
use newswire_monitor::Monitor;
use newswire_shared::keys::{ConfiguredKey, KeyDigest};
use newswire_shared::Settings;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use std::collections::HashSet;
use tower_service::Service;

const OPERATOR: &str = "operator-key-5f1c2a9e";
/// Configured by its digest only.
const ROTATED: &str = "operator-rotated-7d3e1b40";
const SUBSCRIBER: &str = "subscriber-key-00aa11bb";
const SECRET_HEADLINE: &str = "Embargoed budget figures";
const STORY: &str = "budget-leak";

#[derive(Debug, Clone)]
enum Credential {
    None,
    Bearer(String),
    ApiKey(String),
    Query(String),
    /// A session this sequence opened earlier (by index; wraps around), if any.
    Session(usize),
    /// A cookie with a value no session ever had (or the key itself).
    ForgedCookie(String),
}

#[derive(Debug, Clone)]
struct Req {
    method: Method,
    path: &'static str,
    credential: Credential,
}

fn key_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(OPERATOR.to_string()),
        2 => Just(ROTATED.to_string()),
        2 => Just(SUBSCRIBER.to_string()),
        1 => Just(OPERATOR.to_uppercase()),
        1 => Just(format!("{OPERATOR}x")),
        1 => Just(OPERATOR[..OPERATOR.len() - 1].to_string()),
        1 => Just(KeyDigest::of(OPERATOR).to_config()),
        1 => "[a-z0-9-]{16,24}",
        1 => Just(String::new()),
    ]
}

fn request() -> impl Strategy<Value = Req> {
    let paths = prop::sample::select(vec![
        "/monitor",
        "/monitor/",
        "/monitor/app.js",
        "/monitor/app.css",
        "/monitor/login.js",
        "/monitor/login.css",
        "/monitor/api/session",
        "/monitor/api/stories",
        "/monitor/api/stories?limit=5",
        "/monitor/api/stories?limit=x",
        "/monitor/api/stories/budget-leak",
        "/monitor/api/stories/budget%2Dleak",
        "/monitor/api/stories/no-such-story",
        "/monitor/api/stories/%ZZ",
        "/monitor/api/deadletters",
        // A locator that names no dead letter: answered before Kafka is asked.
        "/monitor/api/deadletters/x/replay",
        "/monitor/api/events",
        "/monitor/api/nothing",
        "/monitor/elsewhere/deep",
    ]);
    let method =
        prop_oneof![6 => Just(Method::GET), 2 => Just(Method::POST), 1 => Just(Method::DELETE)];
    let credential = prop_oneof![
        3 => Just(Credential::None),
        4 => key_text().prop_map(Credential::Bearer),
        1 => key_text().prop_map(Credential::ApiKey),
        1 => key_text().prop_map(Credential::Query),
        4 => (0usize..8).prop_map(Credential::Session),
        1 => prop_oneof![Just(OPERATOR.to_string()), "[0-9a-f]{64}"].prop_map(Credential::ForgedCookie),
    ];
    (method, paths, credential).prop_map(|(method, path, credential)| Req {
        method,
        path,
        credential,
    })
}

/// What the service should answer, from what the model knows.
fn expected(r: &Req, key_ok: bool, session_live: bool) -> StatusCode {
    let admitted = key_ok || session_live;
    let path = r.path.split('?').next().unwrap();
    let get = r.method == Method::GET;
    match path {
        "/monitor" if get => StatusCode::PERMANENT_REDIRECT,
        "/monitor/login.js" | "/monitor/login.css" if get => StatusCode::OK,
        "/monitor/api/session" if r.method == Method::POST => {
            if key_ok {
                StatusCode::NO_CONTENT
            } else {
                StatusCode::UNAUTHORIZED
            }
        }
        "/monitor/api/session" if r.method == Method::DELETE => {
            if admitted {
                StatusCode::NO_CONTENT
            } else {
                StatusCode::UNAUTHORIZED
            }
        }
        "/monitor/api/deadletters/x/replay" if r.method == Method::POST => {
            if admitted {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::UNAUTHORIZED
            }
        }
        // These routes exist for POST (and DELETE) only, a fact the README states.
        "/monitor/api/session" | "/monitor/api/deadletters/x/replay" => {
            StatusCode::METHOD_NOT_ALLOWED
        }
        _ if !get => StatusCode::METHOD_NOT_ALLOWED,
        _ if !admitted => StatusCode::UNAUTHORIZED,
        "/monitor/"
        | "/monitor/app.js"
        | "/monitor/app.css"
        | "/monitor/api/stories"
        | "/monitor/api/deadletters"
        | "/monitor/api/events" => StatusCode::OK,
        "/monitor/api/stories/budget-leak" | "/monitor/api/stories/budget%2Dleak" => StatusCode::OK,
        _ => StatusCode::NOT_FOUND,
    }
}

fn monitor() -> Monitor {
    let mut settings = Settings::default();
    settings.monitor.operator_keys = vec![
        ConfiguredKey::new(OPERATOR),
        ConfiguredKey::new(KeyDigest::of(ROTATED).to_config()),
    ];
    let monitor = Monitor::build(&settings).unwrap();
    let article: newswire_shared::Article = serde_json::from_value(serde_json::json!({
        "id": STORY, "version": 1, "status": "usable", "headline": SECRET_HEADLINE,
        "body": "<p>Figures.</p>", "embargo_until": "2099-01-01T00:00:00Z",
        "first_created": "2026-11-28T09:00:00Z", "version_created": "2026-11-28T09:00:00Z"
    }))
    .unwrap();
    monitor.state.store.apply(Arrival::Article {
        role: Role::Published,
        article: Box::new(article),
        step: Step {
            role: Role::Published,
            topic: "articles.published".into(),
            writer: None,
            version: Some(1),
            at_ms: 0,
            trace_id: None,
            span_id: None,
            partition: 0,
            offset: 0,
            detail: None,
        },
    });
    monitor
}

#[tokio::test]
async fn only_operators_see_anything() {
    let monitor = monitor();
    let mut router = monitor.router();
    let mut runner = TestRunner::new(Config::default());
    let strategy = proptest::collection::vec(request(), 40);
    // Sessions the sequence opened: (token, still open in the model).
    let mut sessions: Vec<(String, bool)> = Vec::new();
    let mut seen = HashSet::new();
    for _ in 0..60 {
        let requests = strategy.new_tree(&mut runner).unwrap().current();
        for r in requests {
            let mut path = r.path.to_string();
            let mut builder = Request::builder().method(r.method.clone());
            let mut key_ok = false;
            let mut session_live = false;
            let mut session_used = None;
            match &r.credential {
                Credential::None => {}
                Credential::Bearer(k) => {
                    builder = builder.header(header::AUTHORIZATION, format!("Bearer {k}"));
                    key_ok = k == OPERATOR || k == ROTATED;
                }
                Credential::ApiKey(k) => {
                    builder = builder.header("x-api-key", k.as_str());
                    key_ok = k == OPERATOR || k == ROTATED;
                }
                Credential::Query(k) => {
                    let sep = if path.contains('?') { '&' } else { '?' };
                    path = format!("{path}{sep}key={k}");
                }
                Credential::Session(i) => {
                    if !sessions.is_empty() {
                        let i = i % sessions.len();
                        builder = builder.header(
                            header::COOKIE,
                            format!("newswire_monitor={}", sessions[i].0),
                        );
                        session_live = sessions[i].1;
                        session_used = Some(i);
                    }
                }
                Credential::ForgedCookie(v) => {
                    builder = builder.header(header::COOKIE, format!("newswire_monitor={v}"));
                }
            }
            let request = builder.uri(&path).body(Body::empty()).unwrap();
            let response = router.call(request).await.unwrap();
            let status = response.status();
            let want = expected(&r, key_ok, session_live);
            assert_eq!(status, want, "{} {path} with {:?}", r.method, r.credential);
            seen.insert((r.path, status.as_u16()));
            let cookie = response
                .headers()
                .get(header::SET_COOKIE)
                .map(|v| v.to_str().unwrap().to_string());
            if path.starts_with("/monitor/api/events") && status == StatusCode::OK {
                // A live stream never ends; its status is the answer.
                drop(response);
                continue;
            }
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            let text = String::from_utf8_lossy(&body);
            if status == StatusCode::UNAUTHORIZED || !(key_ok || session_live) {
                assert!(
                    !text.contains(SECRET_HEADLINE) && !text.contains(STORY),
                    "{path}: {text}"
                );
            }
            if r.path.contains("budget") && status == StatusCode::OK {
                assert!(text.contains(SECRET_HEADLINE));
            }
            match (r.method.clone(), status) {
                (Method::POST, StatusCode::NO_CONTENT) => {
                    let cookie = cookie.expect("a session cookie");
                    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
                    assert!(!cookie.contains(OPERATOR) && !cookie.contains(ROTATED));
                    let token = cookie["newswire_monitor=".len()..]
                        .split(';')
                        .next()
                        .unwrap();
                    sessions.push((token.to_string(), true));
                }
                (Method::DELETE, StatusCode::NO_CONTENT) => {
                    if let Some(i) = session_used {
                        sessions[i].1 = false;
                    }
                }
                _ => {}
            }
        }
    }
    // The generator reached both sides of every rule.
    for (path, status) in [
        ("/monitor/api/stories/budget-leak", 200),
        ("/monitor/api/stories/budget-leak", 401),
        ("/monitor/", 200),
        ("/monitor/", 401),
        ("/monitor/api/session", 204),
        ("/monitor/api/session", 401),
        ("/monitor/api/events", 200),
        ("/monitor/api/events", 401),
        ("/monitor/api/deadletters/x/replay", 404),
        ("/monitor/api/deadletters/x/replay", 401),
    ] {
        assert!(
            seen.contains(&(path, status)),
            "never saw {path} answer {status}"
        );
    }
    assert!(sessions.iter().any(|s| !s.1), "no session was ever closed");
}

#[test]
fn an_operator_key_may_not_be_a_subscribers() {
    let mut settings = Settings::default();
    settings.feeds.subscribers = vec![newswire_shared::config::Subscriber::new(
        "outlet",
        SUBSCRIBER,
        &["*"],
    )];
    settings.monitor.operator_keys =
        vec![ConfiguredKey::new(KeyDigest::of(SUBSCRIBER).to_config())];
    let error = settings.validated().unwrap_err().to_string();
    assert!(error.contains("monitor.operator_keys"), "{error}");
    assert!(
        !error.contains(SUBSCRIBER),
        "the error shows the key: {error}"
    );
    let mut settings = Settings::default();
    settings.monitor.operator_keys = vec![ConfiguredKey::new("short")];
    assert!(settings
        .validated()
        .unwrap_err()
        .to_string()
        .contains("monitor.operator_keys"));
}
