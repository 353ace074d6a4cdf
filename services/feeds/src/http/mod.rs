//! The subscriber-facing HTTP endpoints: the feeds and an index page.

pub mod items;
pub mod serve;
pub mod websub;

use crate::render::cache::{http_date, FeedCache, FeedKey, Rendered};
use crate::render::compress::Compressed;
use crate::render::format::Format;
use crate::store::selector::{Params, SelectionError, Selector};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
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
        .route("/v1/items", get(crate::http::items::items))
        .route("/v1/items/stream", get(crate::http::items::stream))
        .with_state(state)
}

/// A body's content coding (RFC 9110 §8.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    /// gzip, labelled `x-gzip` for a client that named it so (RFC 9110 §8.4.1.3).
    XGzip,
    Brotli,
}

impl Encoding {
    /// The codings we can send, in the order we prefer them when a client likes several
    /// equally: brotli is smallest.
    const OFFERED: [&'static str; 4] = ["br", "gzip", "x-gzip", "identity"];

    fn label(self) -> Option<&'static str> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some("gzip"),
            Encoding::XGzip => Some("x-gzip"),
            Encoding::Brotli => Some("br"),
        }
    }
}

/// What a client's `Accept-Encoding` lets us send, by RFC 9110 §12.5.3: the coding
/// with the highest quality among those we have (`q=0` refuses one, `*` stands for
/// any not named, `identity` is acceptable unless refused by `identity;q=0` or
/// `*;q=0`; no field or an empty one means identity). `None` when nothing we have is
/// acceptable (406). Parsing and ranking are the `negotiator` crate's; the few distinct
/// values clients send are remembered per thread, so a poll pays for a lookup only.
pub fn negotiate(accept_encoding: Option<&str>) -> Option<Encoding> {
    let Some(value) = accept_encoding else {
        return Some(Encoding::Identity);
    };
    const REMEMBERED: usize = 32;
    thread_local! {
        static SEEN: std::cell::RefCell<Vec<(Box<str>, Option<Encoding>)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    if let Some(known) = SEEN.with_borrow(|seen| {
        seen.iter()
            .find(|(v, _)| &**v == value)
            .map(|(_, encoding)| *encoding)
    }) {
        return known;
    }
    let chosen = negotiator::preferred_encodings(
        Some(value),
        Some(&Encoding::OFFERED),
        Some(&Encoding::OFFERED),
    )
    .into_iter()
    .next()
    .map(|coding| match coding.as_str() {
        "br" => Encoding::Brotli,
        "gzip" => Encoding::Gzip,
        "x-gzip" => Encoding::XGzip,
        _ => Encoding::Identity,
    });
    SEEN.with_borrow_mut(|seen| {
        if seen.len() == REMEMBERED {
            seen.remove(0);
        }
        seen.push((value.into(), chosen));
    });
    chosen
}

fn not_found() -> Response {
    selection_error_response(&SelectionError::UnknownFeed(String::new()))
}

async fn feed(
    State(state): State<FeedsState>,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    let target = uri.path_and_query().map_or("", |t| t.as_str());
    feed_response(&state, &path, query.as_deref(), target, &headers)
}

/// `GET /feeds/{path}` with `path` percent-decoded, the query and the whole request
/// target (path and query) as sent: shared by the router and by the serving loop's
/// direct path (crate::http::serve), which skips the router's extractors.
///
/// Order: the selection is read first (400 for a malformed query, 404 for no such
/// feed, 403 for filters that contradict the path — all the same for every caller),
/// then access is decided on that effective selection, and only then is anything
/// about the feed's pages looked at.
pub(crate) fn feed_response(
    state: &FeedsState,
    path: &str,
    query: Option<&str>,
    target: &str,
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
    // A response to a request that presents a key is private even when the public may
    // read it: a shared cache would otherwise answer a later request with a key nobody
    // has, which must be refused.
    let public = match state.access.admit(&selector, headers, &params) {
        Ok(caller) => {
            caller.is_public()
                && newswire_shared::keys::presented_key(headers, params.get("key")).is_none()
        }
        Err(refusal) => return refusal_response(refusal),
    };
    let key = FeedKey {
        selector,
        format,
        page,
    };
    match state.cache.get(&key) {
        Some(rendered) => respond(state, format, &rendered, target, headers, public),
        // Asked only after access was granted: a refusal says nothing of pages.
        None => not_found(),
    }
}

fn respond(
    state: &FeedsState,
    format: Format,
    r: &Rendered,
    target: &str,
    request: &HeaderMap,
    public: bool,
) -> Response {
    let accept = request
        .get(header::ACCEPT_ENCODING)
        .map(|v| v.to_str().unwrap_or("identity;q=0"));
    let Some(wanted) = negotiate(accept) else {
        return refuse(
            StatusCode::NOT_ACCEPTABLE,
            "no acceptable content coding",
            None,
        );
    };
    // Until a fresh rendering is compressed, everyone gets its identity bytes — unless
    // identity is what the client refused: then it is compressed now.
    let compressed = match (wanted, r.compressed.get()) {
        (_, Some(c)) => Some(c),
        (Encoding::Identity, None) => None,
        (_, None) if negotiate_identity_refused(accept) => {
            let _ = r.compressed.set(Compressed::of(&r.identity));
            r.compressed.get()
        }
        (_, None) => None,
    };
    let encoding = if compressed.is_some() {
        wanted
    } else {
        Encoding::Identity
    };
    let now = Utc::now().timestamp();
    let mut response = if not_modified(request, &r.tag, &r.validator) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body = match (encoding, compressed) {
            (Encoding::Gzip | Encoding::XGzip, Some(c)) => c.gzip.clone(),
            (Encoding::Brotli, Some(c)) => c.brotli.clone(),
            _ => r.identity.clone(),
        };
        let mut resp = Response::new(Body::from(body));
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        if let Some(label) = encoding.label() {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(label));
        }
        resp
    };
    let h = response.headers_mut();
    let index = match encoding {
        Encoding::Identity => 0,
        Encoding::Gzip | Encoding::XGzip => 1,
        Encoding::Brotli => 2,
    };
    h.insert(header::ETAG, r.headers.etags[index].clone());
    // Never a date the clock has not reached (RFC 9110 §8.8.2.1); see `Validator`.
    if now > r.validator.second {
        h.insert(header::LAST_MODIFIED, r.headers.last_modified.clone());
    } else {
        // This very second: `Date` is written from the same reading of the clock, since
        // the server's cached `Date` may still show the second before.
        let date = http_date(now);
        let last_modified = if now == r.validator.second {
            r.headers.last_modified.clone()
        } else {
            date.clone()
        };
        h.insert(header::LAST_MODIFIED, last_modified);
        h.insert(header::DATE, date);
    }
    // A subscriber's feed must not be served from a shared cache to someone else.
    let cache_control = if public {
        &state.cache_public
    } else {
        &state.cache_private
    };
    h.insert(header::CACHE_CONTROL, cache_control.clone());
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    h.insert(header::LINK, r.headers.link.clone());
    // Asked by another spelling (`entity/Aleksandr%20Lukashenko`, filters in another
    // order, a key or cache-buster in the query): the document's own URL, which its self
    // link gives too (RFC 9110 §8.7).
    if target != r.canonical_target {
        h.insert(header::CONTENT_LOCATION, r.headers.content_location.clone());
    }
    response
}

/// Whether the client refused identity (`identity;q=0`, `*;q=0` without naming it).
fn negotiate_identity_refused(accept: Option<&str>) -> bool {
    negotiator::preferred_encodings(accept, Some(&["identity"]), None).is_empty()
}

/// RFC 9110 §13.1.2–3: If-None-Match wins over If-Modified-Since; the tag of any
/// encoding of the same content matches (weak comparison, as 304 allows); a date
/// matches only as [`crate::render::cache::Validator`] allows.
fn not_modified(
    request: &HeaderMap,
    tag: &str,
    validator: &crate::render::cache::Validator,
) -> bool {
    if let Some(inm) = request.get(header::IF_NONE_MATCH) {
        let Ok(inm) = inm.to_str() else {
            return false;
        };
        return inm.split(',').any(|t| {
            let t = t.trim().trim_start_matches("W/").trim_matches('"');
            t == "*"
                || t.strip_suffix("-gz")
                    .or_else(|| t.strip_suffix("-br"))
                    .unwrap_or(t)
                    == tag
        });
    }
    let mut dates = request.get_all(header::IF_MODIFIED_SINCE).iter();
    // More than one value, or one that is not an HTTP date: ignored (§13.1.3).
    match (dates.next(), dates.next()) {
        (Some(ims), None) => ims
            .to_str()
            .ok()
            .and_then(|v| httpdate::parse_http_date(v).ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .is_some_and(|since| validator.not_modified_since(since.as_secs() as i64)),
        _ => false,
    }
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
