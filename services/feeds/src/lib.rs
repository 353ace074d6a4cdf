//! Feeds: keeps the feed state from `articles.enriched` and serves the feeds
//! subscriber outlets poll — RSS 2.0, Atom 1.0 and JSON Feed 1.1, by name and filter,
//! pre-rendered on change, with conditional GET and compression.

mod consumer;
mod http;
mod render;
mod store;

use anyhow::Result;
use axum::Router;
use newswire_shared::health::Health;
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use http::items::HEARTBEAT;
pub use http::serve::serve_per_core;
pub use http::{negotiate, Encoding};
pub use render::format::{
    feed_urn, CorrectionNotes, FeedContent, FeedInfo, FeedItem, Format, Tombstone,
};
pub use store::persist::FeedDb;
pub use store::FeedStore;

/// The feeds service's parts, built once and mounted by `run` or `newswire dev`.
pub struct Feeds {
    pub state: http::FeedsState,
    pub store: Arc<RwLock<FeedStore>>,
    changed: watch::Sender<u64>,
    closing: Arc<watch::Sender<bool>>,
    /// Our WebSub hub, when `feeds.websub` is on.
    pub hub: Option<Arc<http::websub::Hub>>,
}

impl Feeds {
    pub fn build(settings: &Settings) -> Self {
        let store = Arc::new(RwLock::new(FeedStore::default()));
        let cache = Arc::new(render::cache::FeedCache::new(
            store.clone(),
            &settings.feeds.base_url,
            &settings.feeds.title,
            settings.feeds.hub.clone().or_else(|| {
                settings
                    .feeds
                    .websub
                    .then(|| format!("{}/websub", settings.feeds.base_url.trim_end_matches('/')))
            }),
            settings.feeds.items_per_feed,
            CorrectionNotes::with(&settings.feeds.correction_notes),
        ));
        let closing = watch::channel(false).0;
        let state = http::FeedsState {
            cache,
            access: Arc::new(newswire_shared::access::Gate::for_feeds(&settings.feeds)),
            cache_public: format!("public, max-age={}", settings.feeds.max_age_secs)
                .parse()
                .expect("ASCII"),
            cache_private: format!("private, max-age={}", settings.feeds.max_age_secs)
                .parse()
                .expect("ASCII"),
            title: settings.feeds.title.clone(),
            // With a data directory nothing is served until the saved store is back: an
            // empty feed in between would tell subscribers every story was gone.
            restored: Arc::new(AtomicBool::new(settings.feeds.data_dir.is_none())),
            closing: closing.subscribe(),
        };
        let hub = settings.feeds.websub.then(|| {
            http::websub::Hub::new(
                state.clone(),
                &settings.feeds.base_url,
                std::time::Duration::from_secs(10),
            )
        });
        Self {
            state,
            store,
            changed: watch::channel(0).0,
            closing: Arc::new(closing),
            hub,
        }
    }

    pub fn router(&self) -> Router {
        let router = http::router(self.state.clone());
        match &self.hub {
            Some(hub) => router.merge(hub.router()),
            None => router,
        }
    }

    /// Wakes on every change to the store.
    pub fn subscribe_changes(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Applies one enriched article and wakes the renderer if the store changed.
    pub fn writer(&self) -> FeedWriter {
        FeedWriter {
            store: self.store.clone(),
            changed: self.changed.clone(),
            restored: self.state.restored.clone(),
        }
    }

    /// Re-renders cached feeds on every change and when an embargo lifts.
    /// Also ends the event streams when `shutdown` fires.
    pub fn spawn_renderer(&self, shutdown: Shutdown) -> tokio::task::JoinHandle<()> {
        if let Some(hub) = &self.hub {
            tokio::spawn(
                hub.clone()
                    .run(self.state.cache.subscribe_refreshed(), shutdown.clone()),
            );
        }
        let (closing, stop) = (self.closing.clone(), shutdown.clone());
        tokio::spawn(async move {
            stop.wait().await;
            closing.send_replace(true);
        });
        tokio::spawn(render::renderer::run(
            self.state.cache.clone(),
            self.changed.subscribe(),
            shutdown,
        ))
    }

    pub fn spawn_consumer(
        &self,
        settings: &Settings,
        health: &Health,
        shutdown: Shutdown,
    ) -> tokio::task::JoinHandle<anyhow::Result<()>> {
        let consumer = consumer::FeedConsumer {
            data_dir: settings.feeds.data_dir.clone(),
            kafka: settings.kafka.clone(),
            topic: settings.topics.enriched.clone(),
            writer: self.writer(),
        };
        let readiness = health.component("feeds.consumer");
        self.spawn_renderer(shutdown.clone());
        tokio::spawn(consumer.run(health.metrics.clone(), readiness, shutdown))
    }
}

/// The one way into the feed store: applies an article, then wakes whoever renders.
#[derive(Clone)]
pub struct FeedWriter {
    store: Arc<RwLock<FeedStore>>,
    changed: watch::Sender<u64>,
    restored: Arc<AtomicBool>,
}

impl FeedWriter {
    pub fn apply(&self, article: newswire_shared::Article) -> store::Applied {
        self.apply_from(article, None)
    }

    /// As [`FeedWriter::apply`], for the version read at `at` in `articles.enriched`:
    /// the change log keeps its position, which `/v1/items` cursors are made of.
    pub fn apply_from(
        &self,
        article: newswire_shared::Article,
        at: Option<newswire_shared::kafka::change_log::At>,
    ) -> store::Applied {
        let outcome =
            self.store
                .write()
                .expect("store lock")
                .apply_from(article, at, chrono::Utc::now());
        if outcome.changed() {
            self.changed.send_modify(|generation| *generation += 1);
        }
        outcome
    }

    /// Restores the store saved before a restart; its stories are state, not news, so
    /// they do not enter the change log of `/v1/items`. Texts are read from `db` when
    /// a feed needs them. Entries are read on one thread and taken into the store on
    /// another.
    pub fn restore(
        &self,
        db: Arc<FeedDb>,
    ) -> Result<store::persist::Loaded, store::persist::PersistError> {
        let now = chrono::Utc::now();
        let mut store = self.store.write().expect("store lock");
        store.attach_db(db.clone());
        let (chunks, received) = std::sync::mpsc::sync_channel(4);
        let loaded = std::thread::scope(|s| {
            let reader = s.spawn(move || {
                db.load(|rows| {
                    let _ = chunks.send(rows);
                })
            });
            let mut restoring = store::Restoring::default();
            for rows in received {
                store.restore_rows(rows, now, &mut restoring);
            }
            let mut loaded = reader.join().expect("store reader thread")?;
            store.restore_finish(std::mem::take(&mut loaded.symbols), restoring, now);
            Ok::<_, store::persist::PersistError>(loaded)
        })?;
        drop(store);
        self.restored.store(true, Ordering::Release);
        self.changed.send_modify(|generation| *generation += 1);
        Ok(loaded)
    }

    /// The consumer reads `partition` from `offset` on: the change log holds nothing
    /// before it (a cursor from before it is answered 410).
    pub fn start_partition(&self, partition: i32, offset: i64) {
        self.store
            .write()
            .expect("store lock")
            .changes
            .start_partition(partition, offset);
    }

    /// Every record of every partition written before `until` was read (see
    /// `FeedStore::settle_reads`).
    pub fn settled(&self, until: chrono::DateTime<chrono::Utc>) {
        self.store
            .write()
            .expect("store lock")
            .settle_reads(until, chrono::Utc::now());
    }

    /// Everything of `partition` before `next` was read (a record that was no change,
    /// or could not be read, moves cursors on too).
    pub fn consumed(&self, partition: i32, next: i64) {
        self.store
            .write()
            .expect("store lock")
            .changes
            .consumed(partition, next);
    }

    /// What to write to disk for the stories `ids` (after applying them).
    pub fn to_save(&self, ids: &[String]) -> store::ToSave {
        self.store.read().expect("store lock").to_save(ids)
    }

    /// `saved` is on disk.
    pub fn saved(&self, saved: &store::ToSave) {
        self.store.write().expect("store lock").saved(saved);
    }

    pub fn latest(&self, id: &str) -> Option<Arc<newswire_shared::Article>> {
        self.store.read().expect("store lock").latest(id)
    }

    pub fn stories(&self) -> usize {
        self.store.read().expect("store lock").len()
    }
}

/// Runs feeds alone on `listener` (the binary binds `feeds.listen`; tests bind port 0).
pub async fn serve(settings: Settings, listener: TcpListener, shutdown: Shutdown) -> Result<()> {
    let health = Health::default();
    let feeds = Feeds::build(&settings);
    let consumer = feeds.spawn_consumer(&settings, &health, shutdown.clone());
    let app = feeds.router().merge(health.router());
    tracing::info!(address = %listener.local_addr()?, "feeds listening");
    let listener = listener.into_std()?;
    let state = feeds.state.clone();
    let http = settings.http.clone();
    tokio::task::spawn_blocking(move || serve_per_core(listener, app, state, &http, shutdown))
        .await??;
    consumer.await??;
    Ok(())
}
