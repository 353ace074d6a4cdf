//! `GET /v1/items?since=CURSOR&wait=SECONDS`: the changes after a cursor, oldest first,
//! for machines that want every new story, version and kill — long-polled, so a waiting
//! subscriber hears of a change the moment subscribers may see it — and
//! `GET /v1/items/stream`, the same changes as server-sent events.

use crate::http::FeedsState;
use crate::store::selector::{Params, Selector};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use newswire_shared::access::{refusal_response, selection_error_response};
use newswire_shared::kafka::change_log::{Change, Cursor, Since};
use newswire_shared::Article;
use serde::Serialize;
use std::sync::Arc;
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

impl<'a> Item<'a> {
    fn of(c: &'a Change<Arc<Article>>, after: &Cursor) -> Self {
        Item {
            cursor: after.text(),
            id: &c.item.id,
            version: c.item.version,
            status: c.item.status,
            article: &c.item,
        }
    }
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

/// The selection of `/v1/items` and `/v1/items/stream` — `all` narrowed by the query's
/// filters (`lang`, `section`, `entity`, `urgent`) — once access to it was decided, as
/// for a feed, by the shared gate: the one access path of both, taken as an extractor so
/// a refused request never reaches either handler.
pub struct Admitted {
    params: Params,
    selector: Selector,
}

impl FromRequestParts<FeedsState> for Admitted {
    /// The answer to a bad selection or a refused caller.
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &FeedsState) -> Result<Self, Response> {
        let query = parts.uri.query();
        let params = Params::parse(query).map_err(|e| selection_error_response(&e.into()))?;
        let selector = Selector::parse("all", &params).map_err(|e| selection_error_response(&e))?;
        state
            .access
            .admit(&selector, &parts.headers, &params)
            .map_err(refusal_response)?;
        Ok(Self { params, selector })
    }
}

/// `GET /v1/items`: a page of the changes after `since`, long-polled for `wait` seconds.
pub async fn items(State(state): State<FeedsState>, admitted: Admitted) -> Response {
    let Admitted { params, selector } = admitted;
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

    let store = state.cache.store();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(wait);
    let mut grown = store.read().expect("store lock").changes.subscribe();
    loop {
        // Subscribed before looking, so a change between the look and the wait wakes us.
        grown.borrow_and_update();
        {
            let store = store.read().expect("store lock");
            let log = &store.changes;
            let since = match log.parse_cursor(&since_text) {
                Ok(since) => since,
                Err(e) => return bad_request(format!("since: {e}")),
            };
            match log.after(&since, limit, |a| selector.matches_article(a)) {
                Since::Gone => return gone(),
                Since::Changes { changes, next }
                    if !changes.is_empty() || tokio::time::Instant::now() >= deadline =>
                {
                    let items = changes.iter().map(|(c, at)| Item::of(c, at)).collect();
                    return Json(Page {
                        items,
                        next: next.text(),
                    })
                    .into_response();
                }
                Since::Changes { .. } => {}
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

/// Heartbeat of an idle event stream: a comment line, so proxies and load balancers
/// keep the connection and the client can tell a quiet wire from a dead one.
pub const HEARTBEAT: Duration = Duration::from_secs(15);
/// Changes read from the log at once by an event stream.
const STREAM_BATCH: usize = 500;

/// `GET /v1/items/stream`: the changes of `/v1/items` as server-sent events (WHATWG
/// HTML, "Server-sent events"), same filters and keys, decided by the same gate.
///
/// - Each change is one event: `id` its cursor, `event` `version` (a usable version),
///   `withhold` or `kill`, `data` the JSON item `/v1/items` gives
///   (`{"cursor","id","version","status","article"}`).
/// - Starts after `Last-Event-ID` (what an `EventSource` sends when it reconnects),
///   else after `since`, else at the present; a position the log no longer holds (or
///   from another process) is answered 410, as by `/v1/items`.
/// - `: live` (a comment) once the backlog is sent; `: heartbeat` every
///   [`HEARTBEAT`] without events.
/// - A client so slow that the log dropped its position gets an `event: gone` and the
///   stream ends (resync from the feeds); the stream also ends when the server stops.
pub async fn stream(
    State(state): State<FeedsState>,
    headers: HeaderMap,
    admitted: Admitted,
) -> Response {
    let Admitted { params, selector } = admitted;
    let resume = match headers.get_all("last-event-id").iter().count() {
        0 => None,
        1 => match headers["last-event-id"].to_str() {
            Ok(v) => Some(v.trim().to_string()),
            Err(_) => return bad_request("Last-Event-ID: not a cursor".into()),
        },
        _ => return bad_request("Last-Event-ID: given twice".into()),
    };
    let store = state.cache.store();
    let (cursor, grown) = {
        let store = store.read().expect("store lock");
        let log = &store.changes;
        let cursor = match resume.as_deref().or(params.get("since")) {
            None => log.end(),
            Some(text) => match log.parse_cursor(text) {
                Ok(c) if log.holds(&c) => c,
                Ok(_) => return gone(),
                Err(e) => {
                    let field = if resume.is_some() {
                        "Last-Event-ID"
                    } else {
                        "since"
                    };
                    return bad_request(format!("{field}: {e}"));
                }
            },
        };
        (cursor, log.subscribe())
    };
    let tail = Tail {
        store,
        selector,
        cursor,
        grown,
        closing: state.closing.clone(),
        buffered: std::collections::VecDeque::new(),
        live: false,
        ending: false,
    };
    let events = futures_util::stream::unfold(tail, Tail::next);
    let mut response = axum::response::sse::Sse::new(events)
        .keep_alive(
            axum::response::sse::KeepAlive::new()
                .interval(HEARTBEAT)
                .text("heartbeat"),
        )
        .into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// An event stream's position in the change log and what it still has to send.
struct Tail {
    store: std::sync::Arc<std::sync::RwLock<crate::FeedStore>>,
    selector: Selector,
    /// Every change up to here was sent or was not the client's.
    cursor: Cursor,
    grown: tokio::sync::watch::Receiver<u64>,
    closing: tokio::sync::watch::Receiver<bool>,
    buffered: std::collections::VecDeque<axum::response::sse::Event>,
    /// `: live` was sent.
    live: bool,
    /// Send what is buffered, then end.
    ending: bool,
}

impl Tail {
    async fn next(
        mut self,
    ) -> Option<(
        Result<axum::response::sse::Event, std::convert::Infallible>,
        Self,
    )> {
        use axum::response::sse::Event;
        loop {
            if let Some(event) = self.buffered.pop_front() {
                return Some((Ok(event), self));
            }
            if self.ending || *self.closing.borrow() {
                return None;
            }
            // Marked seen before looking, so a change between the look and the wait wakes us.
            self.grown.borrow_and_update();
            {
                let store = self.store.read().expect("store lock");
                let log = &store.changes;
                match log.after(&self.cursor, STREAM_BATCH, |a| {
                    self.selector.matches_article(a)
                }) {
                    Since::Gone => {
                        self.buffered.push_back(
                            Event::default()
                                .event("gone")
                                .data(r#"{"error":"cursor_expired","message":"the stream fell too far behind; read the feeds and start again"}"#),
                        );
                        self.ending = true;
                    }
                    Since::Changes { changes, next } => {
                        for (c, after) in &changes {
                            let kind = match c.item.status {
                                newswire_shared::article::Status::Usable => "version",
                                newswire_shared::article::Status::Withheld => "withhold",
                                newswire_shared::article::Status::Canceled => "kill",
                            };
                            let event = Event::default()
                                .id(after.text())
                                .event(kind)
                                .json_data(Item::of(c, after))
                                .expect("an item serialises");
                            self.buffered.push_back(event);
                        }
                        self.cursor = next;
                    }
                }
            }
            if !self.buffered.is_empty() {
                continue;
            }
            if !self.live {
                self.live = true;
                return Some((Ok(Event::default().comment("live")), self));
            }
            tokio::select! {
                changed = self.grown.changed() => if changed.is_err() { return None },
                _ = self.closing.changed() => {}
            }
        }
    }
}
