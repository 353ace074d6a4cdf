//! The subscriber-facing HTTP endpoints: the feeds and an index page.

use crate::cache::{FeedCache, FeedKey, Rendered};
use crate::render::Format;
use crate::selector::{Params, SelectionError, Selector};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
pub(crate) use newswire_shared::access::refuse;
use newswire_shared::access::{refusal_response, selection_error_response, Gate};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Clone)]
pub struct FeedsState {
    pub cache: Arc<FeedCache>,
    /// Who may read which feed (`feeds.public`, `feeds.subscribers`).
    pub access: Arc<Gate>,
    /// `Cache-Control` of public and of subscriber-only feeds.
    pub cache_public: HeaderValue,
    pub cache_private: HeaderValue,
    pub title: String,
    /// False while a restart is still loading the saved store.
    pub restored: Arc<AtomicBool>,
    /// True once the server is stopping: event streams end, so a graceful shutdown
    /// does not wait for them.
    pub closing: tokio::sync::watch::Receiver<bool>,
}

pub fn router(state: FeedsState) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/feeds/{*path}", get(feed))
        .route("/v1/items", get(crate::items::items))
        .route("/v1/items/stream", get(crate::items::stream))
        .with_state(state)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

/// The best encoding the client accepts (q > 0), brotli first.
fn negotiate(headers: &HeaderMap) -> Encoding {
    let Some(accept) = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return Encoding::Identity;
    };
    let accepted = |name: &str| {
        accept.split(',').any(|part| {
            let mut pieces = part.split(';');
            let coding = pieces.next().unwrap_or("").trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (coding.eq_ignore_ascii_case(name) || coding == "*") && q > 0.0
        })
    };
    if accepted("br") {
        Encoding::Brotli
    } else if accepted("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

fn not_found() -> Response {
    selection_error_response(&SelectionError::UnknownFeed(String::new()))
}

async fn feed(
    State(state): State<FeedsState>,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    feed_response(&state, &path, query.as_deref(), &headers)
}

/// `GET /feeds/{path}` with `path` percent-decoded and the query as sent: shared by
/// the router and by the serving loop's direct path (crate::serve), which skips the
/// router's extractors.
///
/// Order: the selection is read first (400 for a malformed query, 404 for no such
/// feed, 403 for filters that contradict the path — all the same for every caller),
/// then access is decided on that effective selection, and only then is anything
/// about the feed's pages looked at.
pub(crate) fn feed_response(
    state: &FeedsState,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    if !state.restored.load(Ordering::Acquire) {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "starting",
            Some(std::time::Duration::from_secs(1)),
        );
    }
    let Some((name, format)) = path
        .rsplit_once('.')
        .and_then(|(name, ext)| Format::from_extension(ext).map(|f| (name, f)))
    else {
        return not_found();
    };
    // RFC 5005 archive pages: `/feeds/{name}/archive/{page}.{ext}`.
    // One URL per page: `/archive/007` is not page 7.
    let (name, page) = match name.rsplit_once("/archive/") {
        Some((feed, text)) => match text.parse::<usize>() {
            Ok(page) if page > 0 && page.to_string() == text => (feed, Some(page)),
            _ => return not_found(),
        },
        None => (name, None),
    };
    let params = match Params::parse(query) {
        Ok(p) => p,
        Err(e) => return selection_error_response(&e.into()),
    };
    let selector = match Selector::parse(name, &params) {
        Ok(s) => s,
        Err(e) => return selection_error_response(&e),
    };
    let public = match state.access.admit(&selector, headers, &params) {
        Ok(caller) => caller.is_public(),
        Err(refusal) => return refusal_response(refusal),
    };
    let key = FeedKey {
        selector,
        format,
        page,
    };
    match state.cache.get(&key) {
        Some(rendered) => respond(state, format, &rendered, headers, public),
        // Asked only after access was granted: a refusal says nothing of pages.
        None => not_found(),
    }
}

fn respond(
    state: &FeedsState,
    format: Format,
    r: &Rendered,
    request: &HeaderMap,
    public: bool,
) -> Response {
    // Until a fresh rendering is compressed, everyone gets its identity bytes.
    let compressed = r.compressed.get();
    let encoding = match compressed {
        Some(_) => negotiate(request),
        None => Encoding::Identity,
    };
    let mut response = if not_modified(request, &r.tag, r.last_modified) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body = match (encoding, compressed) {
            (Encoding::Gzip, Some(c)) => c.gzip.clone(),
            (Encoding::Brotli, Some(c)) => c.brotli.clone(),
            _ => r.identity.clone(),
        };
        let mut resp = Response::new(Body::from(body));
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        match encoding {
            Encoding::Gzip => h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
            Encoding::Brotli => h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br")),
            Encoding::Identity => None,
        };
        resp
    };
    let h = response.headers_mut();
    let index = match encoding {
        Encoding::Identity => 0,
        Encoding::Gzip => 1,
        Encoding::Brotli => 2,
    };
    h.insert(header::ETAG, r.headers.etags[index].clone());
    h.insert(header::LAST_MODIFIED, r.headers.last_modified.clone());
    // A subscriber's feed must not be served from a shared cache to someone else.
    let cache_control = if public {
        &state.cache_public
    } else {
        &state.cache_private
    };
    h.insert(header::CACHE_CONTROL, cache_control.clone());
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    h.insert(header::LINK, r.headers.link.clone());
    response
}

/// RFC 9110: If-None-Match wins over If-Modified-Since; the tag of any encoding of the
/// same content matches (weak comparison, as 304 allows).
fn not_modified(
    request: &HeaderMap,
    tag: &str,
    last_modified: chrono::DateTime<chrono::Utc>,
) -> bool {
    if let Some(inm) = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        return inm.split(',').any(|t| {
            let t = t.trim().trim_start_matches("W/").trim_matches('"');
            t == "*"
                || t.strip_suffix("-gz")
                    .or_else(|| t.strip_suffix("-br"))
                    .unwrap_or(t)
                    == tag
        });
    }
    if let Some(ims) = request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
    {
        let ims: chrono::DateTime<chrono::Utc> = ims.into();
        return last_modified.timestamp() <= ims.timestamp();
    }
    false
}

async fn index(State(state): State<FeedsState>) -> Html<String> {
    let title = html_escape(&state.title);
    let mut links = String::new();
    let mut list = String::new();
    for (name, label) in [("all", "All stories"), ("urgent", "Urgent")] {
        for format in Format::ALL {
            let mime = format.content_type().split(';').next().unwrap_or("");
            let href = format!("/feeds/{name}.{}", format.extension());
            links.push_str(&format!("<link rel=\"alternate\" type=\"{mime}\" title=\"{title}: {label}\" href=\"{href}\">\n"));
            list.push_str(&format!(
                "<li><a href=\"{href}\">{label} ({})</a></li>\n",
                format.extension()
            ));
        }
    }
    Html(format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title>\n{links}</head>\n<body><h1>{title}</h1>\n\
         <p>Feeds by section, language and entity: <code>/feeds/section/NAME.rss</code>, <code>/feeds/lang/TAG.atom</code>, \
         <code>/feeds/entity/ID-OR-NAME.json</code>; filters combine: <code>/feeds/all.rss?lang=ru&amp;section=economy</code>.</p>\n\
         <ul>\n{list}</ul></body></html>\n"
    ))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
