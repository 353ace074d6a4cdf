//! Feeds are rendered when their content changes, not per request: each document
//! (feed, format, archive page) is kept as bytes, precompressed, with its validators. A
//! change in the store or an embargo lifting re-renders the cached documents it
//! touches; a request only copies bytes.

use crate::render::{FeedContent, FeedInfo, Format, History};
use crate::selector::Selector;
use crate::store::{FeedStore, Touch};
use axum::body::Bytes;
use axum::http::HeaderValue;
use chrono::{DateTime, Utc};
use newswire_shared::shutdown::Shutdown;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::watch;

/// One rendering of one feed in one format.
#[derive(Debug)]
pub struct Rendered {
    pub identity: Bytes,
    pub gzip: Bytes,
    pub brotli: Bytes,
    /// Hash of the uncompressed bytes; the ETag of each encoding derives from it.
    pub tag: String,
    /// When these bytes first appeared; unchanged while re-renders give the same bytes.
    pub last_modified: DateTime<Utc>,
    /// Built once per rendering so a request, 304s above all, only copies them.
    pub headers: RenderedHeaders,
    /// For an archive page, its newest release: later releases never change it.
    pub archive_last: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct RenderedHeaders {
    /// Strong ETags of the identity, gzip and brotli bodies, in that order.
    pub etags: [HeaderValue; 3],
    pub last_modified: HeaderValue,
    pub link: HeaderValue,
}

impl RenderedHeaders {
    fn new(tag: &str, last_modified: DateTime<Utc>, self_url: &str, hub: Option<&str>) -> Self {
        let value =
            |s: String| HeaderValue::from_str(&s).expect("header values we build are ASCII");
        let mut link = format!("<{self_url}>; rel=\"self\"");
        if let Some(hub) = hub {
            link.push_str(&format!(", <{hub}>; rel=\"hub\""));
        }
        Self {
            etags: ["", "-gz", "-br"].map(|suffix| value(format!("\"{tag}{suffix}\""))),
            last_modified: value(httpdate::fmt_http_date(last_modified.into())),
            link: HeaderValue::from_str(&link).unwrap_or(HeaderValue::from_static("")),
        }
    }
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
    hub: Option<String>,
    items_per_feed: usize,
    cached: RwLock<HashMap<FeedKey, Arc<Rendered>>>,
}

impl FeedCache {
    pub fn new(
        store: Arc<RwLock<FeedStore>>,
        base_url: &str,
        title: &str,
        hub: Option<String>,
        items_per_feed: usize,
    ) -> Self {
        Self {
            store,
            base_url: base_url.trim_end_matches('/').to_string(),
            title: title.to_string(),
            hub,
            items_per_feed: items_per_feed.max(1),
            cached: RwLock::default(),
        }
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
        let rendered = Arc::new(self.render_from(&store, key, Utc::now(), None)?);
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
        let mut fresh = Vec::new();
        let mut gone = Vec::new();
        {
            let store = self.store.read().expect("store lock");
            let symbols = store.symbols();
            for (key, previous) in cached {
                let Some(wanted) = key.selector.resolve(symbols) else {
                    continue;
                };
                let touched = touches.iter().any(|t| {
                    if t.everything {
                        return true;
                    }
                    let matches = wanted.matches(&t.after, symbols)
                        || t.before
                            .as_ref()
                            .is_some_and(|f| wanted.matches(f, symbols));
                    // A page changes only for a story on it (or released before its end).
                    let on_page = match previous.archive_last {
                        Some(last) => t.released_at.is_none_or(|r| r <= last),
                        None => true,
                    };
                    matches && on_page
                });
                if !touched {
                    continue;
                }
                match self.render_from(&store, &key, now, Some(&previous)) {
                    Some(rendered) => fresh.push((key, Arc::new(rendered))),
                    None => gone.push(key),
                }
            }
        }
        let mut cached = self.cached.write().expect("cache lock");
        for (key, rendered) in fresh {
            cached.insert(key, rendered);
        }
        for key in gone {
            cached.remove(&key);
        }
    }

    /// `…/feeds/section/economy/archive/3.rss?lang=ru`
    fn url(&self, selector: &Selector, format: Format, page: Option<usize>) -> String {
        let name = selector.name();
        let (path, query) = name.split_once('?').unwrap_or((&name, ""));
        let mut url = format!("{}/feeds/{path}", self.base_url);
        if let Some(page) = page {
            url.push_str(&format!("/archive/{page}"));
        }
        url.push('.');
        url.push_str(format.extension());
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        url
    }

    fn info(&self, key: &FeedKey, archived_pages: usize) -> FeedInfo {
        let name = key.selector.name();
        let title = if name == "all" {
            self.title.clone()
        } else {
            format!("{}: {name}", self.title)
        };
        let page_url = |page| self.url(&key.selector, key.format, Some(page));
        let history = match key.page {
            None => History {
                is_archive: false,
                current: None,
                prev_archive: (archived_pages > 0).then(|| page_url(archived_pages)),
            },
            Some(page) => History {
                is_archive: true,
                current: Some(self.url(&key.selector, key.format, None)),
                prev_archive: (page > 1).then(|| page_url(page - 1)),
            },
        };
        FeedInfo {
            title,
            link: format!("{}/", self.base_url),
            self_url: self.url(&key.selector, key.format, key.page),
            description: format!("{} — {name}", self.title),
            id: format!("urn:newswire:feed:{name}"),
            hub: self.hub.clone(),
            history,
        }
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
        let info = self.info(key, archived_pages);
        let items: Vec<&newswire_shared::Article> = items.iter().map(|a| &**a).collect();
        let bytes = format.render(&FeedContent {
            info: &info,
            items: &items,
            tombstones: &tombstones,
        });
        let tag = content_hash(&bytes);
        if let Some(previous) = previous.filter(|p| p.tag == tag) {
            return Some(Rendered {
                identity: previous.identity.clone(),
                gzip: previous.gzip.clone(),
                brotli: previous.brotli.clone(),
                tag,
                last_modified: previous.last_modified,
                headers: previous.headers.clone(),
                archive_last,
            });
        }
        let headers = RenderedHeaders::new(&tag, now, &info.self_url, self.hub.as_deref());
        Some(Rendered {
            gzip: gzip(&bytes).into(),
            brotli: brotli(&bytes).into(),
            identity: bytes.into(),
            tag,
            last_modified: now,
            headers,
            archive_last,
        })
    }

    /// Re-renders on every store change and at every embargo's instant, until shutdown.
    pub async fn run(self: Arc<Self>, mut changes: watch::Receiver<u64>, shutdown: Shutdown) {
        let stop = shutdown.wait();
        tokio::pin!(stop);
        loop {
            let next_release = self.store.read().expect("store lock").next_release();
            let release_in = next_release
                .map(|t| (t - Utc::now()).to_std().unwrap_or(Duration::ZERO))
                .unwrap_or(Duration::from_secs(3600));
            tokio::select! {
                _ = &mut stop => return,
                changed = changes.changed() => if changed.is_err() { return },
                // The embargo lifts now: publish it without waiting for the next request.
                _ = tokio::time::sleep(release_in) => {}
            }
            let touches = {
                let mut store = self.store.write().expect("store lock");
                store.release_due(Utc::now());
                store.take_touched()
            };
            let cache = self.clone();
            let _ = tokio::task::spawn_blocking(move || cache.refresh(&touches)).await;
        }
    }
}

fn content_hash(bytes: &[u8]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("{:016x}{:08x}", h.finish(), bytes.len())
}

// Every change re-renders and recompresses each cached feed before it is served, so the
// levels trade a few percent of size for freshness: the fast end of each codec's range.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(bytes).expect("writing to a Vec cannot fail");
    e.finish().expect("writing to a Vec cannot fail")
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .expect("compressing to a Vec cannot fail");
    out
}
