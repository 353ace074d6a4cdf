//! The pull API: the latest version of an item, a given version, and every change
//! after a cursor as one `newsMessage`.
//!
//! Access (`newswire_shared::access`): without a key, the items `newsml.public` grants
//! (401 when it grants none); with a subscriber's key, the items its `items` patterns
//! grant — each story decided by [`Entitlement::admits`], narrowed by the request's
//! filters (`section`, `lang`, `entity`, `urgent`). A story outside them does not
//! exist for the caller (404, absent from batches), so nothing tells it apart from a
//! story that does not exist at all. A key trusted with embargoes sees embargoed items
//! at once; everyone else sees what is released. Keyed answers are `Cache-Control:
//! private`.

use crate::delivery::store::ItemStore;
use crate::g2::content_type;
use crate::g2::{news_message, Provider};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use newswire_shared::access::{
    refusal_response, refuse, selection_error_response, Caller, Entitlement, Gate, Params, Selector,
};
use newswire_shared::kafka::change_log::Since;
use std::sync::{Arc, RwLock};

/// Most items in one `newsMessage`.
pub const MAX_BATCH: usize = 500;

#[derive(Clone)]
pub struct PullApi {
    pub store: Arc<RwLock<ItemStore>>,
    pub gate: Arc<Gate>,
    pub provider: Arc<Provider>,
}

/// An admitted request: what the caller may see and how it narrowed it.
struct Viewer<'a> {
    params: Params,
    filters: Selector,
    entitlement: &'a Entitlement,
    trusted: bool,
}

impl PullApi {
    pub fn router(self) -> Router {
        Router::new()
            .route("/newsml/items", get(batch))
            .route("/newsml/items/{id}", get(latest))
            .route("/newsml/items/{id}/versions/{version}", get(version))
            .with_state(self)
    }

    /// Reads the query (400 when malformed) and who is calling (401, 403, 429).
    #[allow(clippy::result_large_err)] // the error is the answer, as axum handlers return it
    fn viewer(&self, query: Option<&str>, headers: &HeaderMap) -> Result<Viewer<'_>, Response> {
        let params = Params::parse(query).map_err(|e| selection_error_response(&e.into()))?;
        let filters = Selector::parse("all", &params).map_err(|e| selection_error_response(&e))?;
        let (caller, entitlement) = self
            .gate
            .identify(headers, &params)
            .map_err(refusal_response)?;
        Ok(Viewer {
            params,
            filters,
            entitlement,
            trusted: matches!(caller, Caller::Subscriber(g) if g.trust_embargo),
        })
    }
}

fn not_found() -> Response {
    refuse(StatusCode::NOT_FOUND, "not_found", None)
}

fn xml(body: Vec<u8>, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // What a key may see differs from what the public may see, and from key to key.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    r
}

async fn latest(
    State(api): State<PullApi>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let viewer = api.viewer(query.as_deref(), &headers)?;
    let store = api.store.read().expect("store lock");
    let item = store
        .visible_latest(&id, viewer.trusted, Utc::now())
        .filter(|v| store.admitted(v, viewer.entitlement, &viewer.filters))
        .ok_or_else(not_found)?;
    Ok(xml(item.xml.to_vec(), content_type(&item.xml)))
}

async fn version(
    State(api): State<PullApi>,
    Path((id, version)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let viewer = api.viewer(query.as_deref(), &headers)?;
    // A version that is not a number names no version: 404 like any other, and only
    // once the caller is admitted.
    let version: u64 = version.parse().map_err(|_| not_found())?;
    let store = api.store.read().expect("store lock");
    let item = store
        .visible_version(&id, version, viewer.trusted, Utc::now())
        .filter(|v| store.admitted(v, viewer.entitlement, &viewer.filters))
        .ok_or_else(not_found)?;
    Ok(xml(item.xml.to_vec(), content_type(&item.xml)))
}

/// `GET /newsml/items?since=CURSOR&limit=N`: the item versions that became visible to
/// the caller after the cursor, oldest first, as one `newsMessage`; the next cursor is
/// in the `Newsml-Next-Cursor` header and the message's `transmitId`. A cursor is a
/// position in `newsml.items` (`newswire_shared::kafka::change_log`), so any replica
/// answers it, also after a restart: 400 naming `since` for text that is no cursor,
/// 410 when the topic no longer holds what follows it.
async fn batch(
    State(api): State<PullApi>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let viewer = api.viewer(query.as_deref(), &headers)?;
    let limit = match viewer.params.get("limit").map(|l| l.parse::<usize>()) {
        None => 100,
        Some(Ok(l)) if (1..=MAX_BATCH).contains(&l) => l,
        Some(_) => {
            let body =
                serde_json::json!({"error": "bad_request", "message": "limit must be 1 to 500"});
            return Err((StatusCode::BAD_REQUEST, axum::Json(body)).into_response());
        }
    };
    let store = api.store.read().expect("store lock");
    let log = if viewer.trusted {
        &store.trusted_log
    } else {
        &store.public_log
    };
    let since = log
        .parse_cursor(viewer.params.get("since").unwrap_or("0"))
        .map_err(|e| {
            let body =
                serde_json::json!({"error": "bad_request", "message": format!("since: {e}")});
            (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
        })?;
    let Since::Changes { changes, next } = log.after(&since, limit, |c| {
        store
            .get(&c.id, c.version)
            .is_some_and(|v| store.admitted(v, viewer.entitlement, &viewer.filters))
    }) else {
        let body = serde_json::json!({"error": "cursor_expired", "message": "the topic no longer holds what follows this cursor: start again without since"});
        return Err((StatusCode::GONE, axum::Json(body)).into_response());
    };
    let next = next.text();
    let items: Vec<&[u8]> = changes
        .iter()
        .filter_map(|(c, _)| store.get(&c.item.id, c.item.version))
        .map(|i| &*i.xml)
        .collect();
    let body = news_message(&items, Utc::now(), &next, &api.provider);
    let mut r = xml(body, "application/vnd.iptc.g2.newsmessage+xml");
    if let Ok(v) = HeaderValue::from_str(&next) {
        r.headers_mut().insert("newsml-next-cursor", v);
    }
    Ok(r)
}
