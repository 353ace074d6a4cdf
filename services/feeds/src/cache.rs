//! Feeds are rendered when their content changes, not per request: each (feed,
//! format) is kept as bytes, precompressed, with its validators. A change in the store
//! or an embargo lifting re-renders every cached feed; a request only copies bytes.

use crate::render::{FeedContent, FeedInfo, Format, Tombstone};
use crate::selector::Selector;
use crate::store::FeedStore;
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

pub struct FeedCache {
    store: Arc<RwLock<FeedStore>>,
    base_url: String,
    title: String,
    hub: Option<String>,
    items_per_feed: usize,
    cached: RwLock<HashMap<(Selector, Format), Arc<Rendered>>>,
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
            items_per_feed,
            cached: RwLock::default(),
        }
    }

    pub fn store(&self) -> Arc<RwLock<FeedStore>> {
        self.store.clone()
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The current bytes of a feed, rendering it now if nobody asked for it before.
    pub fn get(&self, selector: &Selector, format: Format) -> Arc<Rendered> {
        let key = (selector.clone(), format);
        if let Some(hit) = self.cached.read().expect("cache lock").get(&key) {
            return hit.clone();
        }
        // Rendered and cached under the store's read lock: no change can land between
        // the two, so the change's own re-render (which now sees this feed) comes after
        // and a stale rendering can never stay in the cache.
        let store = self.store.read().expect("store lock");
        let rendered = Arc::new(self.render_from(&store, selector, format, Utc::now(), None));
        let mut cached = self.cached.write().expect("cache lock");
        if cached.len() < MAX_CACHED {
            cached.insert(key, rendered.clone());
        }
        rendered
    }

    /// Re-renders every cached feed as of now.
    pub fn refresh(&self) {
        let now = Utc::now();
        let keys: Vec<((Selector, Format), Arc<Rendered>)> = self
            .cached
            .read()
            .expect("cache lock")
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let fresh: Vec<_> = keys
            .into_iter()
            .map(|((selector, format), previous)| {
                let rendered = self.render(&selector, format, now, Some(&previous));
                ((selector, format), Arc::new(rendered))
            })
            .collect();
        let mut cached = self.cached.write().expect("cache lock");
        for (key, rendered) in fresh {
            cached.insert(key, rendered);
        }
    }

    fn info(&self, selector: &Selector) -> FeedInfo {
        let name = selector.name();
        let path_name = name.split('?').next().unwrap_or("all");
        let title = if name == "all" {
            self.title.clone()
        } else {
            format!("{}: {name}", self.title)
        };
        FeedInfo {
            title,
            link: format!("{}/", self.base_url),
            self_base: format!("{}/feeds/{path_name}", self.base_url),
            description: format!("{} — {name}", self.title),
            id: format!("urn:newswire:feed:{name}"),
            hub: self.hub.clone(),
        }
    }

    fn render(
        &self,
        selector: &Selector,
        format: Format,
        now: DateTime<Utc>,
        previous: Option<&Rendered>,
    ) -> Rendered {
        let store = self.store.read().expect("store lock");
        self.render_from(&store, selector, format, now, previous)
    }

    fn render_from(
        &self,
        store: &FeedStore,
        selector: &Selector,
        format: Format,
        now: DateTime<Utc>,
        previous: Option<&Rendered>,
    ) -> Rendered {
        let info = self.info(selector);
        let bytes = {
            let items = store.released_matching(now, self.items_per_feed, |a| selector.matches(a));
            let tombstones: Vec<Tombstone> = if format == Format::Atom {
                store
                    .killed_matching(now, MAX_TOMBSTONES, |a| selector.matches(a))
                    .into_iter()
                    .map(|a| Tombstone {
                        id: a.id.clone(),
                        when: a.version_created,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            format.render(&FeedContent {
                info: &info,
                items: &items,
                tombstones: &tombstones,
            })
        };
        let tag = content_hash(&bytes);
        if let Some(previous) = previous.filter(|p| p.tag == tag) {
            return Rendered {
                identity: previous.identity.clone(),
                gzip: previous.gzip.clone(),
                brotli: previous.brotli.clone(),
                tag,
                last_modified: previous.last_modified,
                headers: previous.headers.clone(),
            };
        }
        let self_url = format!("{}.{}", info.self_base, format.extension());
        let headers = RenderedHeaders::new(&tag, now, &self_url, self.hub.as_deref());
        Rendered {
            gzip: gzip(&bytes).into(),
            brotli: brotli(&bytes).into(),
            identity: bytes.into(),
            tag,
            last_modified: now,
            headers,
        }
    }

    /// Re-renders on every store change and at every embargo's instant, until shutdown.
    pub async fn run(self: Arc<Self>, mut changes: watch::Receiver<u64>, shutdown: Shutdown) {
        let stop = shutdown.wait();
        tokio::pin!(stop);
        loop {
            let next_release = self
                .store
                .read()
                .expect("store lock")
                .next_release_after(Utc::now());
            let release_in = next_release
                .map(|t| (t - Utc::now()).to_std().unwrap_or(Duration::ZERO))
                .unwrap_or(Duration::from_secs(3600));
            tokio::select! {
                _ = &mut stop => return,
                changed = changes.changed() => if changed.is_err() { return },
                // The embargo lifts now: publish it without waiting for the next request.
                _ = tokio::time::sleep(release_in) => {}
            }
            self.store
                .write()
                .expect("store lock")
                .release_due(Utc::now());
            let cache = self.clone();
            let _ = tokio::task::spawn_blocking(move || cache.refresh()).await;
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
