//! The newsroom-facing HTTP API: `POST /v1/articles`.

use crate::publisher::{PublishError, Publisher};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use newswire_shared::telemetry::events::RequestRejected;
use newswire_shared::telemetry::Metrics;
use newswire_shared::trace::{TraceParent, TRACEPARENT, TRACESTATE};
use newswire_shared::validate::{decode_article, Stage};
use serde::Serialize;
use std::sync::Arc;

pub struct ApiState {
    pub publisher: Publisher,
    pub max_body_bytes: usize,
    metrics: Metrics,
}

impl ApiState {
    pub fn new(publisher: Publisher, max_body_bytes: usize, metrics: &Metrics) -> Self {
        Self {
            publisher,
            max_body_bytes,
            metrics: metrics.clone(),
        }
    }
}

/// Every error the API returns: machine-readable `error`, and for invalid articles the
/// `field` at fault.
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    pub error: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, error: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            error,
            field: None,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(&self)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
        }
        response
    }
}

pub fn router(state: Arc<ApiState>) -> Router {
    Router::new()
        .route(
            "/v1/articles",
            post(post_article).fallback(|| async {
                ApiError::new(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    "use POST with an article as JSON",
                )
            }),
        )
        .with_state(state)
}

/// JSON 404 for anything else, so every client error is JSON.
pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}

async fn post_article(
    State(state): State<Arc<ApiState>>,
    request: Request,
) -> Result<Response, ApiError> {
    let result = accept(&state, request).await;
    if let Err(e) = &result {
        if e.status.is_client_error() {
            RequestRejected {
                status: e.status.as_u16(),
                error: e.error,
            }
            .emit(&state.metrics);
        }
    }
    result
}

async fn accept(state: &ApiState, request: Request) -> Result<Response, ApiError> {
    check_content_type(request.headers())?;
    let headers = request.headers().clone();
    let bytes = read_body(request.into_body(), state.max_body_bytes).await?;
    let article = decode_article(&bytes, Stage::Published).map_err(|e| {
        let status = if serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_err() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        ApiError {
            status,
            error: if status == StatusCode::BAD_REQUEST {
                "malformed_json"
            } else {
                "invalid_article"
            },
            field: Some(e.field.clone()),
            message: e.to_string(),
        }
    })?;
    // The newsroom's trace, continued; a missing, repeated or invalid `traceparent`
    // starts a new one (W3C Trace Context §3.2: never a reason to refuse).
    let sent = single_header(&headers, TRACEPARENT);
    let trace = TraceParent::continue_or_start(sent);
    // §3.3: a `tracestate` belongs to the `traceparent` it came with (its fields may
    // arrive as several header lines: §3.3.1.1 joins them with commas).
    let trace_state = sent
        .filter(|v| TraceParent::parse(v).is_ok())
        .map(|_| {
            headers
                .get_all(TRACESTATE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(",")
        })
        .filter(|s| !s.is_empty());
    let receipt = state
        .publisher
        .publish_traced(&article, &trace, trace_state.as_deref())
        .await
        .map_err(|e| match e {
            // Permanent for this article: retrying the same bytes can never succeed.
            PublishError::TooLarge { .. } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("{e}: shorten the article or ask the operator to raise the limit"),
            ),
            PublishError::Rejected(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "rejected_by_broker",
                format!("{e}; the article was not stored"),
            ),
            PublishError::Unavailable(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "broker_unavailable",
                "the article was not stored; retry later",
            ),
        })?;
    Ok((StatusCode::ACCEPTED, Json(receipt)).into_response())
}

/// The header's value when it was sent exactly once.
fn single_header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    match values.next() {
        Some(_) => None,
        None => first.to_str().ok(),
    }
}

fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("Content-Type must be application/json, got {content_type:?}"),
        ))
    }
}

/// A body over the limit is refused as soon as the limit is passed, not read whole.
async fn read_body(body: Body, limit: usize) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body exceeds {limit} bytes"),
        )
    })
}
