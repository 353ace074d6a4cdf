//! NewsML: renders every article version from `articles.enriched` as an IPTC NewsML-G2
//! `newsItem` (and ninjs 3.2), produces it to `newsml.items`, and delivers it to
//! subscribers by drop folder and HTTP pull — embargo- and kill-aware.
//!
//! Formats are pure functions of an article (`newswire_shared::formats`); the
//! Kafka stage is [`stage`]; [`delivery`] reads `newsml.items` back and hands items
//! over.

pub mod delivery;
pub mod stage;

pub use stage::NewsmlTransform;

// The formats moved to `newswire_shared::formats` (push delivery renders them too);
// their old paths stay valid.
pub use newswire_shared::formats::{files, g2, ninjs, vocab, xhtml};
pub use newswire_shared::formats::{news_item, news_message, version_document, Provider};

use anyhow::{Context, Result};
use axum::Router;
use delivery::consumer::DeliveryConsumer;
use delivery::dropfolder::DropFolder;
use delivery::http::PullApi;
use delivery::ItemStore;
use newswire_shared::health::Health;
use newswire_shared::kafka::Stage;
use newswire_shared::service::{serve_until_stopped, spawn_worker, Worker};
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use std::sync::{Arc, RwLock};
use tokio::net::TcpListener;

/// The rendering stage: `articles.enriched` in, `newsml.items` out.
pub const STAGE: Stage<NewsmlTransform> = Stage {
    name: "newsml",
    wiring: |s| [&s.topics.enriched, &s.topics.newsml, &s.newsml.group_id],
    transform: NewsmlTransform::new,
};

/// Delivery: the item store shared by the drop folders and the pull API.
pub struct Delivery {
    pub store: Arc<RwLock<ItemStore>>,
    api: PullApi,
    folders: Vec<DropFolder>,
}

impl Delivery {
    /// Opens every subscriber's drop folder (reading what it already received).
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let store = Arc::new(RwLock::new(ItemStore::new()));
        let mut folders = Vec::new();
        for s in &settings.newsml.subscribers {
            if let Some(dir) = &s.drop_folder {
                folders.push(DropFolder::open(s, dir).with_context(|| {
                    format!("opening drop folder {} of {}", dir.display(), s.name)
                })?);
            }
        }
        let api = PullApi {
            store: store.clone(),
            gate: Arc::new(newswire_shared::access::Gate::for_newsml(&settings.newsml)),
            provider: Arc::new(stage::provider(settings)),
        };
        Ok(Self {
            store,
            api,
            folders,
        })
    }

    /// `/newsml/items…`.
    pub fn router(&self) -> Router {
        self.api.clone().router()
    }

    /// Reads `newsml.items` and feeds the drop folders on its own thread.
    pub fn spawn_consumer(
        self,
        settings: &Settings,
        health: &Health,
        shutdown: Shutdown,
    ) -> Worker {
        let consumer = DeliveryConsumer {
            kafka: settings.kafka.clone(),
            topic: settings.topics.newsml.clone(),
            store: self.store,
            folders: self.folders,
        };
        spawn_worker(health, "newsml.delivery", move |metrics, readiness| {
            consumer.run(metrics, readiness, shutdown)
        })
    }
}

/// Runs the newsml service alone: rendering stage, delivery, and the pull API with
/// /healthz, /readyz, /metrics on `listener` (the binary binds `newsml.listen`; tests bind
/// port 0).
pub async fn serve(settings: Settings, listener: TcpListener, shutdown: Shutdown) -> Result<()> {
    // What can fail (opening the drop folders) first, before any part starts.
    let delivery = Delivery::build(&settings)?;
    let health = Health::default();
    let app = delivery.router().merge(health.router());
    let workers = vec![
        (
            "newsml stage".to_string(),
            STAGE.spawn(&settings, &health, shutdown.clone()),
        ),
        (
            "newsml delivery".to_string(),
            delivery.spawn_consumer(&settings, &health, shutdown.clone()),
        ),
    ];
    serve_until_stopped(listener, app, &settings.http, workers, shutdown).await
}
