//! The pull API: the latest version of an item, a given version, and every change
//! after a cursor as one `newsMessage`. A subscriber key trusted with embargoes sees
//! embargoed items at once; everyone else (no key, or an untrusted key) sees what is
//! released.

use crate::delivery::store::ItemStore;
use crate::g2::content_type;
use crate::g2::{news_message, Provider};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use newswire_shared::config::NewsmlSubscriber;
use newswire_shared::keys::{constant_time_eq, presented_key};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

/// Most items in one `newsMessage`.
pub const MAX_BATCH: usize = 500;

#[derive(Clone)]
pub struct PullApi {
    pub store: Arc<RwLock<ItemStore>>,
    pub subscribers: Arc<Vec<NewsmlSubscriber>>,
    pub provider: Arc<Provider>,
}

impl PullApi {
    pub fn router(self) -> Router {
        Router::new()
            .route("/newsml/items", get(batch))
            .route("/newsml/items/{id}", get(latest))
            .route("/newsml/items/{id}/versions/{version}", get(version))
            .with_state(self)
    }

    /// Whether the caller is trusted with embargoes; `Err` for a key we do not know.
    fn trusted(
        &self,
        headers: &HeaderMap,
        query: &BTreeMap<String, String>,
    ) -> Result<bool, Response> {
        let Some(key) = presented_key(headers, query) else {
            return Ok(false);
        };
        let mut found = None;
        for s in self.subscribers.iter() {
            if let Some(k) = &s.key {
                if constant_time_eq(key.as_bytes(), k.as_bytes()) {
                    found = Some(s.trust_embargo);
                }
            }
        }
        found.ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "unknown key"))
    }
}

fn refuse(status: StatusCode, error: &'static str) -> Response {
    let mut r = (status, axum::Json(serde_json::json!({ "error": error }))).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn xml(body: Vec<u8>, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // What a key may see differs from what the public may see.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    r
}

async fn latest(
    State(api): State<PullApi>,
    Path(id): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let trusted = api.trusted(&headers, &query)?;
    let store = api.store.read().expect("store lock");
    let item = store
        .visible_latest(&id, trusted, Utc::now())
        .ok_or_else(|| refuse(StatusCode::NOT_FOUND, "no such item"))?;
    Ok(xml(item.xml.to_vec(), content_type(&item.xml)))
}

async fn version(
    State(api): State<PullApi>,
    Path((id, version)): Path<(String, u64)>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let trusted = api.trusted(&headers, &query)?;
    let store = api.store.read().expect("store lock");
    let item = store
        .visible_version(&id, version, trusted, Utc::now())
        .ok_or_else(|| refuse(StatusCode::NOT_FOUND, "no such item version"))?;
    Ok(xml(item.xml.to_vec(), content_type(&item.xml)))
}

/// `GET /newsml/items?since=CURSOR&limit=N`: the item versions that became visible to
/// the caller after the cursor, oldest first, as one `newsMessage`; the next cursor is
/// in the `Newsml-Next-Cursor` header and the message's `transmitId`.
async fn batch(
    State(api): State<PullApi>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let trusted = api.trusted(&headers, &query)?;
    let limit = match query.get("limit").map(|l| l.parse::<usize>()) {
        None => 100,
        Some(Ok(l)) if (1..=MAX_BATCH).contains(&l) => l,
        Some(_) => return Err(refuse(StatusCode::BAD_REQUEST, "limit must be 1 to 500")),
    };
    let store = api.store.read().expect("store lock");
    let log = if trusted {
        &store.trusted_log
    } else {
        &store.public_log
    };
    let (changes, next) = log
        .since(query.get("since").map(String::as_str), limit)
        .map_err(|()| {
            refuse(
                StatusCode::GONE,
                "cursor unknown to this server: start again without since",
            )
        })?;
    let items: Vec<&[u8]> = changes
        .iter()
        .filter_map(|c| store.get(&c.id, c.version))
        .map(|i| &*i.xml)
        .collect();
    let body = news_message(&items, Utc::now(), &next, &api.provider);
    let mut r = xml(body, "application/vnd.iptc.g2.newsmessage+xml");
    if let Ok(v) = HeaderValue::from_str(&next) {
        r.headers_mut().insert("newsml-next-cursor", v);
    }
    Ok(r)
}
