//! The rendered-document cache. Feeds are rendered when their content changes, not per
//! request: each document (feed, format, archive page) is kept as bytes, precompressed,
//! with its validators. A change in the store or an embargo lifting re-renders the
//! cached documents it touches (the loop that wakes for both is `renderer.rs`); a
//! request only copies bytes.

use super::compress::{spawn_compressor, Compressed};
use super::format::{CorrectionNotes, FeedContent, FeedInfo, FeedItem, Format, History};
use super::fragments::Fragments;
use super::names::FeedNames;
use crate::store::filters::Resolve;
use crate::store::selector::Selector;
use crate::store::{FeedStore, Touch};
use axum::body::Bytes;
use axum::http::HeaderValue;
use chrono::{DateTime, Utc};
use newswire_shared::server::file_backed;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, OnceLock, RwLock, Weak};
use std::time::Duration;
use tokio::sync::watch;

/// One rendering of one feed in one format.
#[derive(Debug)]
pub struct Rendered {
    pub identity: Bytes,
    /// Compressing a long feed takes far longer than rendering it, so a change is
    /// served at once and its gzip and brotli bodies follow from the compressor thread;
    /// until then every client gets the identity bytes. Shared by renderings of the
    /// same bytes.
    pub compressed: Arc<OnceLock<Compressed>>,
    /// Hash of the uncompressed bytes; the ETag of each encoding derives from it.
    pub tag: String,
    /// The modification date these bytes are validated by: see [`Validator`].
    pub validator: Validator,
    /// Built once per rendering so a request, 304s above all, only copies them.
    pub headers: RenderedHeaders,
    /// For an archive page, its newest release: later releases never change its
    /// stories.
    pub archive_last: Option<DateTime<Utc>>,
    /// An archive page that does not link `next-archive` yet: the next page filling
    /// changes it.
    pub archive_open: bool,
    /// What an empty rendering shows as its last change; kept across re-renders.
    pub empty_updated: DateTime<Utc>,
    /// `/feeds/…` as this document's canonical URL writes it (path and query,
    /// percent-encoded): a request spelt otherwise is told the canonical URL in
    /// `Content-Location`.
    pub canonical_target: String,
}

/// `Last-Modified` of one representation, built so that a date never validates
/// content the client has not seen (RFC 9110 §8.8.2.2, §13.1.3).
///
/// An HTTP date has one-second resolution, so two representations made within one
/// second share a date, and a client holding the first would get `304` for the second.
/// So each representation gets a validator second `E`: the second it was made in, or
/// the one after when a client could already hold that second as the previous
/// representation's date (the previous `E` reached it) — and a first rendering, whose
/// predecessors this process never saw, always takes the second after. A date is sent
/// only once the clock has reached it (RFC 9110 §8.8.2.1: never later than `Date`);
/// before that the current second is sent, which `E` exceeds. `If-Modified-Since: D`
/// is answered `304` only when `D ≥ E`. Hence:
/// - never `304` for unseen content: any date a client got with an earlier
///   representation is below `E` (it was sent while that one was current, so before
///   this one was made, and only if the clock had reached it);
/// - `304` whenever the client holds this representation with a date received once the
///   clock reached `E`, at most a second after the change; `If-None-Match` always
///   gets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validator {
    /// When these bytes were first rendered.
    pub made: DateTime<Utc>,
    /// `E`, in Unix seconds.
    pub second: i64,
}

impl Validator {
    /// The validator of a new representation made at `made`, after `previous`.
    pub fn next(made: DateTime<Utc>, previous: Option<&Validator>) -> Self {
        let s = made.timestamp();
        let second = match previous {
            Some(p) if p.second < s => s,
            _ => s + 1,
        };
        Self { made, second }
    }

    /// `If-Modified-Since: since` (Unix seconds) says the client has this representation.
    pub fn not_modified_since(&self, since: i64) -> bool {
        since >= self.second
    }
}

#[derive(Debug, Clone)]
pub struct RenderedHeaders {
    /// Strong ETags of the identity, gzip and brotli bodies, in that order.
    pub etags: [HeaderValue; 3],
    /// The validator's date, sent once the clock has reached it.
    pub last_modified: HeaderValue,
    pub link: HeaderValue,
    pub content_location: HeaderValue,
}

impl RenderedHeaders {
    fn new(tag: &str, validator: &Validator, self_url: &str, hub: Option<&str>) -> Self {
        let value =
            |s: String| HeaderValue::from_str(&s).expect("header values we build are ASCII");
        let mut link = format!("<{self_url}>; rel=\"self\"");
        if let Some(hub) = hub {
            link.push_str(&format!(", <{hub}>; rel=\"hub\""));
        }
        Self {
            etags: ["", "-gz", "-br"].map(|suffix| value(format!("\"{tag}{suffix}\""))),
            last_modified: http_date(validator.second),
            link: HeaderValue::from_str(&link).unwrap_or(HeaderValue::from_static("")),
            content_location: HeaderValue::from_str(self_url)
                .unwrap_or(HeaderValue::from_static("")),
        }
    }
}

/// An HTTP date (RFC 9110 §5.6.7) of Unix second `second`.
pub fn http_date(second: i64) -> HeaderValue {
    let t = std::time::UNIX_EPOCH + Duration::from_secs(second.max(0) as u64);
    HeaderValue::from_str(&httpdate::fmt_http_date(t)).expect("an HTTP date is ASCII")
}

/// Cached feeds beyond this many are rendered per request instead, so arbitrary
/// query strings cannot grow memory without bound.
const MAX_CACHED: usize = 2_000;
/// Tombstones kept in each Atom feed.
const MAX_TOMBSTONES: usize = 50;

/// One document: a feed in one format, its current document or one archive page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FeedKey {
    pub selector: Selector,
    pub format: Format,
    /// Archive page, from 1 (oldest); `None` for the current document.
    pub page: Option<usize>,
}

pub struct FeedCache {
    store: Arc<RwLock<FeedStore>>,
    base_url: String,
    title: String,
    notes: CorrectionNotes,
    hub: Option<String>,
    items_per_feed: usize,
    cached: RwLock<HashMap<FeedKey, Arc<Rendered>>>,
    /// Renderings waiting for their compressed bodies; superseded ones are skipped.
    to_compress: mpsc::Sender<Weak<Rendered>>,
    fragments: Fragments,
    /// Bumped after every round of re-rendering: the WebSub hub looks then.
    refreshed: watch::Sender<u64>,
    /// Threads a round of re-rendering uses: one per core of the machine.
    render_threads: usize,
}

impl FeedCache {
    pub fn new(
        store: Arc<RwLock<FeedStore>>,
        base_url: &str,
        title: &str,
        hub: Option<String>,
        items_per_feed: usize,
        notes: CorrectionNotes,
    ) -> Self {
        Self {
            store,
            base_url: base_url.trim_end_matches('/').to_string(),
            title: title.to_string(),
            notes,
            hub,
            items_per_feed: items_per_feed.max(1),
            cached: RwLock::default(),
            to_compress: spawn_compressor(),
            fragments: Fragments::default(),
            refreshed: watch::channel(0).0,
            render_threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }

    /// Wakes after every round of re-rendering.
    pub fn subscribe_refreshed(&self) -> watch::Receiver<u64> {
        self.refreshed.subscribe()
    }

    /// A round of re-rendering is done: wakes [`FeedCache::subscribe_refreshed`].
    pub fn mark_refreshed(&self) {
        self.refreshed.send_modify(|round| *round += 1);
    }

    pub fn store(&self) -> Arc<RwLock<FeedStore>> {
        self.store.clone()
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The current bytes of a document, rendering it now if nobody asked for it
    /// before; `None` for an archive page that is not full (or does not exist).
    pub fn get(&self, key: &FeedKey) -> Option<Arc<Rendered>> {
        if let Some(hit) = self.cached.read().expect("cache lock").get(key) {
            return Some(hit.clone());
        }
        // Rendered and cached under the store's read lock: no change can land between
        // the two, so the change's own re-render (which now sees this feed) comes after
        // and a stale rendering can never stay in the cache.
        let store = self.store.read().expect("store lock");
        let rendered = self.render_from(&store, key, Utc::now(), None)?;
        // Nobody has seen this document yet: no freshness to lose by compressing now.
        let _ = rendered.compressed.set(Compressed::of(&rendered.identity));
        let rendered = Arc::new(rendered);
        let mut cached = self.cached.write().expect("cache lock");
        if cached.len() < MAX_CACHED {
            cached.insert(key.clone(), rendered.clone());
        }
        Some(rendered)
    }

    /// Re-renders, as of now, the cached documents these changes touch: feeds a changed
    /// story belongs (or belonged) to, and archive pages it sits on.
    pub fn refresh(&self, touches: &[Touch]) {
        if touches.is_empty() {
            return;
        }
        let now = Utc::now();
        let cached: Vec<(FeedKey, Arc<Rendered>)> = self
            .cached
            .read()
            .expect("cache lock")
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        {
            let store = self.store.read().expect("store lock");
            let symbols = store.symbols();
            let mut touched: Vec<(FeedKey, Arc<Rendered>)> = cached
                .into_iter()
                .filter(|(key, previous)| {
                    let Some(wanted) = key.selector.resolve(symbols) else {
                        return false;
                    };
                    touches.iter().any(|t| {
                        if t.everything {
                            return true;
                        }
                        let matches = wanted.matches(&t.after, symbols)
                            || t.before
                                .as_ref()
                                .is_some_and(|f| wanted.matches(f, symbols));
                        // A page changes only for a story on it (or released before its end),
                        // or, until it links `next-archive`, when a later page may fill.
                        let on_page = match previous.archive_last {
                            Some(last) => {
                                previous.archive_open || t.released_at.is_none_or(|r| r <= last)
                            }
                            None => true,
                        };
                        matches && on_page
                    })
                })
                .collect();
            // The widest feeds first: most subscribers poll them.
            touched
                .sort_by_key(|(key, _)| (key.page.is_some(), key.selector != Selector::default()));
            // Each document is served as soon as it is rendered, not when all are.
            render_all(
                &touched,
                self.render_threads,
                |key, previous| self.render_from(&store, key, now, Some(previous)),
                |key, rendered| self.publish(key, rendered),
            );
        }
    }

    fn publish(&self, key: &FeedKey, rendered: Option<Rendered>) {
        let mut cached = self.cached.write().expect("cache lock");
        let Some(rendered) = rendered else {
            cached.remove(key);
            return;
        };
        let rendered = Arc::new(rendered);
        if rendered.compressed.get().is_none() {
            let _ = self.to_compress.send(Arc::downgrade(&rendered));
        }
        cached.insert(key.clone(), rendered);
    }

    /// `/feeds/section/economy/archive/3.rss?lang=ru`, percent-encoded.
    fn target(names: &FeedNames, format: Format, page: Option<usize>) -> String {
        let mut url = format!("/feeds/{}", names.path);
        if let Some(page) = page {
            url.push_str(&format!("/archive/{page}"));
        }
        url.push('.');
        url.push_str(format.extension());
        if !names.query.is_empty() {
            url.push('?');
            url.push_str(&names.query);
        }
        url
    }

    fn info(
        &self,
        key: &FeedKey,
        archived_pages: usize,
        empty_updated: DateTime<Utc>,
    ) -> (FeedInfo, String) {
        let names = FeedNames::of(&key.selector);
        let url = |page| {
            format!(
                "{}{}",
                self.base_url,
                Self::target(&names, key.format, page)
            )
        };
        let history = match key.page {
            None => History {
                is_archive: false,
                current: None,
                prev_archive: (archived_pages > 0).then(|| url(Some(archived_pages))),
                next_archive: None,
            },
            Some(page) => History {
                is_archive: true,
                current: Some(url(None)),
                prev_archive: (page > 1).then(|| url(Some(page - 1))),
                next_archive: (page < archived_pages).then(|| url(Some(page + 1))),
            },
        };
        let (title, description) = match &names.subject {
            None => (
                self.title.clone(),
                format!("{}: every story, newest first", self.title),
            ),
            Some(subject) => (
                format!("{}: {subject}", self.title),
                format!("{}: stories of {subject}, newest first", self.title),
            ),
        };
        let info = FeedInfo {
            title,
            link: format!("{}/", self.base_url),
            self_url: url(key.page),
            description,
            id: names.urn.clone(),
            hub: self.hub.clone(),
            history,
            language: key.selector.lang.clone(),
            empty_updated,
        };
        (info, Self::target(&names, key.format, key.page))
    }

    fn render_from(
        &self,
        store: &FeedStore,
        key: &FeedKey,
        now: DateTime<Utc>,
        previous: Option<&Rendered>,
    ) -> Option<Rendered> {
        let FeedKey {
            selector, format, ..
        } = key;
        let page_size = self.items_per_feed;
        // Archive pages hold as many stories as the current document, so every story
        // is in one or the other: pages are full, the rest is in the current document.
        let archived_pages = store.archived(selector) / page_size;
        let (items, tombstones, archive_last) = match key.page {
            None => (
                store.current(now, page_size, selector),
                store.tombstones(MAX_TOMBSTONES, selector),
                None,
            ),
            Some(page) => {
                let page = store.archive_page(selector, page, page_size, now)?;
                (page.items, page.tombstones, page.last)
            }
        };
        let tombstones = if *format == Format::Atom {
            tombstones
        } else {
            Vec::new()
        };
        let empty_updated = previous.map_or(now, |p| p.empty_updated);
        let (info, canonical_target) = self.info(key, archived_pages, empty_updated);
        let published: Vec<DateTime<Utc>> = items
            .iter()
            .map(|a| store.published(&a.id).unwrap_or(a.first_created))
            .collect();
        let feed_items: Vec<FeedItem<'_>> = items
            .iter()
            .zip(&published)
            .map(|(a, p)| FeedItem::new(a, *p, &self.notes))
            .collect();
        let fragments: Vec<Bytes> = items
            .iter()
            .zip(&feed_items)
            .map(|(a, item)| self.fragments.get(a, item, *format))
            .collect();
        let fragments: Vec<&[u8]> = fragments.iter().map(|b| &b[..]).collect();
        let bytes = format.assemble(
            &FeedContent {
                info: &info,
                items: &feed_items,
                tombstones: &tombstones,
            },
            &fragments,
        );
        let archive_open = key.page.is_some() && info.history.next_archive.is_none();
        let tag = content_hash(&bytes);
        if let Some(previous) = previous.filter(|p| p.tag == tag) {
            return Some(Rendered {
                identity: previous.identity.clone(),
                compressed: previous.compressed.clone(),
                tag,
                validator: previous.validator,
                headers: previous.headers.clone(),
                archive_last,
                archive_open,
                empty_updated,
                canonical_target,
            });
        }
        let validator = Validator::next(now, previous.map(|p| &p.validator));
        let headers = RenderedHeaders::new(&tag, &validator, &info.self_url, self.hub.as_deref());
        Some(Rendered {
            // Sent again and again: from a file, as nginx sends a static one.
            identity: file_backed(bytes),
            compressed: Arc::default(),
            tag,
            validator,
            headers,
            archive_last,
            archive_open,
            empty_updated,
            canonical_target,
        })
    }
}

/// Renders the touched documents on up to `threads` threads (one per core: a change
/// is served once its documents are rendered, and rendering is CPU-bound), handing
/// each to `publish` when done; `None` for a document that no longer exists (an
/// archive page emptied by a kill before its release).
fn render_all(
    touched: &[(FeedKey, Arc<Rendered>)],
    threads: usize,
    render: impl Fn(&FeedKey, &Rendered) -> Option<Rendered> + Sync,
    publish: impl Fn(&FeedKey, Option<Rendered>) + Sync,
) {
    let next = AtomicUsize::new(0);
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some((key, previous)) = touched.get(i) else {
            return;
        };
        publish(key, render(key, previous));
    };
    let threads = threads.min(touched.len());
    if threads < 2 {
        return work();
    }
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
}

/// The ETag of some bytes: the same across restarts (a fixed seed), so a restart
/// does not make every subscriber download every feed again.
fn content_hash(bytes: &[u8]) -> String {
    use std::hash::BuildHasher;
    let h = foldhash::quality::FixedState::with_seed(0x6e657773).hash_one(bytes);
    format!("{h:016x}{:08x}", bytes.len())
}
