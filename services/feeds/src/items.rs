//! `GET /v1/items?since=CURSOR&wait=SECONDS`: the changes after a cursor, oldest first,
//! for machines that want every new story, version and kill — long-polled, so a waiting
//! subscriber hears of a change the moment subscribers may see it.

use crate::changes::Since;
use crate::http::FeedsState;
use crate::selector::{Params, Selector};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use newswire_shared::access::{refusal_response, selection_error_response};
use serde::Serialize;
use std::time::Duration;

pub const MAX_WAIT_SECS: u64 = 30;
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

#[derive(Serialize)]
struct Item<'a> {
    cursor: String,
    id: &'a str,
    version: u64,
    status: newswire_shared::article::Status,
    article: &'a newswire_shared::Article,
}

#[derive(Serialize)]
struct Page<'a> {
    items: Vec<Item<'a>>,
    /// Pass as `since` to get what comes after.
    next: String,
}

/// The cursor is too old or from another process (a restart, another replica).
fn gone() -> Response {
    let body = serde_json::json!({"error": "cursor_expired", "message": "this cursor is unknown here (too old, or from before a restart or another replica); read the feeds and start again from since=0"});
    (StatusCode::GONE, Json(body)).into_response()
}

fn bad_request(message: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({"error": "bad_request", "message": message})),
    )
        .into_response()
}

/// The stream's selection is `all` narrowed by the query's filters (`lang`, `section`,
/// `entity`, `urgent`); access is decided on it as for a feed.
pub async fn items(
    State(state): State<FeedsState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = match Params::parse(query.as_deref()) {
        Ok(p) => p,
        Err(e) => return selection_error_response(&e.into()),
    };
    let number = |name: &str, default: u64| -> Result<u64, String> {
        match params.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| format!("{name}: not a non-negative integer")),
        }
    };
    let (wait, limit) = match (number("wait", 0), number("limit", DEFAULT_LIMIT as u64)) {
        (Ok(w), Ok(l)) => (w.min(MAX_WAIT_SECS), (l as usize).clamp(1, MAX_LIMIT)),
        (Err(message), _) | (_, Err(message)) => return bad_request(message),
    };
    let since_text = params.get("since").unwrap_or("0").to_string();
    let selector = match Selector::parse("all", &params) {
        Ok(s) => s,
        Err(e) => return selection_error_response(&e),
    };
    if let Err(refusal) = state.access.admit(&selector, &headers, &params) {
        return refusal_response(refusal);
    }

    let store = state.cache.store();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(wait);
    let mut grown = store.read().expect("store lock").changes.subscribe();
    loop {
        // Subscribed before looking, so a change between the look and the wait wakes us.
        grown.borrow_and_update();
        {
            let store = store.read().expect("store lock");
            let log = &store.changes;
            let Some(since) = log.parse_cursor(&since_text) else {
                return gone();
            };
            match log.after(since, limit, |a| selector.matches_article(a)) {
                Since::Gone => return gone(),
                Since::Changes(changes)
                    if !changes.is_empty() || tokio::time::Instant::now() >= deadline =>
                {
                    let next = if changes.len() < limit {
                        log.last_cursor().max(since)
                    } else {
                        changes.last().map_or(since, |c| c.cursor)
                    };
                    let next = log.cursor_text(next);
                    let items = changes
                        .iter()
                        .map(|c| Item {
                            cursor: log.cursor_text(c.cursor),
                            id: &c.article.id,
                            version: c.article.version,
                            status: c.article.status,
                            article: &c.article,
                        })
                        .collect();
                    return Json(Page { items, next }).into_response();
                }
                Since::Changes(_) => {}
            }
        }
        if tokio::time::timeout_at(deadline, grown.changed())
            .await
            .is_err()
        {
            // Deadline reached: the next round answers with what there is (nothing).
        }
    }
}
