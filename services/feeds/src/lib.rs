//! Feeds: keeps the feed state from `articles.enriched` and serves the feeds
//! subscriber outlets poll. This first version serves `/feeds/all.rss`.

pub mod consumer;
pub mod http;
pub mod render;
pub mod store;

use axum::Router;
use newswire_shared::health::Health;
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use std::sync::{Arc, RwLock};
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use store::FeedStore;

/// The feeds service's parts, built once and mounted by `run` or `newswire dev`.
pub struct Feeds {
    pub state: http::FeedsState,
    changed: watch::Sender<u64>,
}

impl Feeds {
    pub fn build(settings: &Settings) -> Self {
        let state = http::FeedsState {
            store: Arc::new(RwLock::new(FeedStore::default())),
            base_url: settings.feeds.base_url.trim_end_matches('/').to_string(),
            title: settings.feeds.title.clone(),
            items_per_feed: settings.feeds.items_per_feed,
        };
        Self {
            state,
            changed: watch::channel(0).0,
        }
    }

    pub fn router(&self) -> Router {
        http::router(self.state.clone())
    }

    /// Wakes on every change to the store.
    pub fn subscribe_changes(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    pub fn spawn_consumer(
        &self,
        settings: &Settings,
        health: &Health,
        shutdown: Shutdown,
    ) -> tokio::task::JoinHandle<anyhow::Result<()>> {
        let consumer = consumer::FeedConsumer {
            kafka: settings.kafka.clone(),
            topic: settings.topics.enriched.clone(),
            store: self.state.store.clone(),
            changed: self.changed.clone(),
        };
        let readiness = health.component("feeds.consumer");
        tokio::spawn(consumer.run(health.metrics.clone(), readiness, shutdown))
    }
}

/// Runs feeds alone, on `feeds.listen`.
pub async fn run(settings: Settings, shutdown: Shutdown) -> anyhow::Result<()> {
    let listener = TcpListener::bind(settings.feeds.listen).await?;
    serve(settings, listener, shutdown).await
}

/// As [`run`] on an already-bound listener.
pub async fn serve(
    settings: Settings,
    listener: TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let health = Health::default();
    let feeds = Feeds::build(&settings);
    let consumer = feeds.spawn_consumer(&settings, &health, shutdown.clone());
    let app = feeds.router().merge(health.router());
    tracing::info!(address = %listener.local_addr()?, "feeds listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.wait())
        .await?;
    consumer.await??;
    Ok(())
}
