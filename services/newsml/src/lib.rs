//! NewsML: renders every article version from `articles.enriched` as an IPTC NewsML-G2
//! `newsItem` (and ninjs 3.2), produces it to `newsml.items`, and delivers it to
//! subscribers by drop folder and HTTP pull — embargo- and kill-aware.
//!
//! Formats are pure functions of an article (`newswire_shared::formats`); the
//! Kafka stage is [`stage`]; [`delivery`] reads `newsml.items` back and hands items
//! over.

pub mod delivery;
pub mod stage;

// The formats moved to `newswire_shared::formats` (push delivery renders them too);
// their old paths stay valid.
pub use newswire_shared::formats::{files, g2, ninjs, vocab, xhtml};
pub use newswire_shared::formats::{news_item, news_message, version_document, Provider};

use anyhow::Context;
use axum::Router;
use delivery::consumer::DeliveryConsumer;
use delivery::dropfolder::DropFolder;
use delivery::http::PullApi;
use delivery::ItemStore;
use newswire_shared::health::Health;
use newswire_shared::kafka::StageSpec;
use newswire_shared::service::serve_until_stopped;
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use std::sync::{Arc, RwLock};
use tokio::net::TcpListener;

pub fn stage_spec(settings: &Settings) -> StageSpec {
    StageSpec::new(
        "newsml",
        &settings.topics.enriched,
        &[&settings.topics.newsml],
        &settings.newsml.group_id,
        settings,
    )
}

/// Starts the rendering stage on its own thread; it stops when `shutdown` fires.
pub fn spawn_stage(
    settings: &Settings,
    health: &Health,
    shutdown: Shutdown,
) -> std::thread::JoinHandle<anyhow::Result<()>> {
    newswire_shared::kafka::spawn_stage(
        stage_spec(settings),
        &settings.kafka,
        stage::NewsmlTransform::new(settings),
        health,
        shutdown,
    )
}

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
    ) -> std::thread::JoinHandle<anyhow::Result<()>> {
        let consumer = DeliveryConsumer {
            kafka: settings.kafka.clone(),
            topic: settings.topics.newsml.clone(),
            store: self.store,
            folders: self.folders,
        };
        let metrics = health.metrics.clone();
        let readiness = health.component("newsml.delivery");
        std::thread::Builder::new()
            .name("newsml-delivery".into())
            .spawn(move || consumer.run(metrics, readiness, shutdown))
            .expect("spawning the newsml delivery thread")
    }
}

/// Runs the newsml service alone: rendering stage, delivery, and the pull API with
/// /healthz, /readyz, /metrics on `listener` (the binary binds `newsml.listen`; tests bind
/// port 0).
pub async fn serve(
    settings: Settings,
    listener: TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let health = Health::default();
    let delivery = Delivery::build(&settings)?;
    let app = delivery.router().merge(health.router());
    let stage = spawn_stage(&settings, &health, shutdown.clone());
    let consumer = delivery.spawn_consumer(&settings, &health, shutdown.clone());
    let threads = vec![
        ("newsml stage".to_string(), stage),
        ("newsml delivery".to_string(), consumer),
    ];
    serve_until_stopped(listener, app, &settings.http, threads, shutdown).await
}
