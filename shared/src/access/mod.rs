//! Subscriber access, decided in one place for every way a story leaves Newswire:
//! feeds, archive pages, `/v1/items`, the NewsML pull API and drop folders.
//!
//! - [`selection`]: the *effective selection* of a request — the feed its path names,
//!   narrowed by every filter of its query — and the facts of a story it is matched on.
//! - [`entitlement`]: what a key (or the public) may read, and
//!   [`Entitlement::grants`], the one decision.
//! - [`gate`]: who is calling (public, or a subscriber by key digest), rate limits.
//!
//! Refusals and bad requests are answered here too, alike everywhere: a refusal says
//! nothing about what was asked, an error names a parameter but never echoes a value.

pub mod entitlement;
pub mod gate;
pub mod selection;

pub use entitlement::{BadPattern, Entitlement, Pattern};
pub use gate::{Caller, Gate, Grantee, Refusal};
pub use selection::{
    slug, Entity, Params, RequestError, SelectionError, Selector, StoryFacts, URGENT_MAX,
};

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The answer to a refused request: the same body whatever was asked.
pub fn refusal_response(refusal: Refusal) -> Response {
    match refusal {
        Refusal::Unauthorized => refuse(StatusCode::UNAUTHORIZED, "unauthorized", None),
        Refusal::Forbidden => refuse(StatusCode::FORBIDDEN, "forbidden", None),
        Refusal::RateLimited(wait) => {
            refuse(StatusCode::TOO_MANY_REQUESTS, "rate_limited", Some(wait))
        }
    }
}

/// A terse JSON error, never stored by caches; 401 names the scheme (RFC 6750 §3),
/// 429 and 503 say when to come back (`Retry-After`, whole seconds, at least 1).
pub fn refuse(
    status: StatusCode,
    error: &'static str,
    retry_after: Option<std::time::Duration>,
) -> Response {
    let mut r = (status, axum::Json(serde_json::json!({ "error": error }))).into_response();
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if status == StatusCode::UNAUTHORIZED {
        h.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"newswire\""),
        );
    }
    if let Some(wait) = retry_after {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        h.insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    }
    r
}

/// 400 for a malformed request, naming the parameter.
pub fn bad_request(e: &RequestError) -> Response {
    let body = serde_json::json!({"error": "bad_request", "message": e.to_string()});
    let mut r = (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The answer to a selection that cannot be served: 404 for a feed that does not
/// exist, 403 (as [`Refusal::Forbidden`]) for contradicting filters, 400 for a
/// malformed query.
pub fn selection_error_response(e: &SelectionError) -> Response {
    match e {
        SelectionError::UnknownFeed(_) => {
            let body = serde_json::json!({"error": "not_found", "message": e.to_string()});
            (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
        }
        SelectionError::Conflict(_) => refusal_response(Refusal::Forbidden),
        SelectionError::Request(r) => bad_request(r),
    }
}
