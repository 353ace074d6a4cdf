//! Enricher: consumes `articles.published`, adds the `enrichment` object, and produces
//! `articles.enriched` (same key), exactly once through Kafka transactions.
//!
//! This first version is a pass-through: it validates the event and records the
//! publisher's language hint unchecked (`language_confidence` 0). Language
//! identification, entities, subjects and datelines come with the enricher issue.

pub mod transform;

use newswire_shared::health::Health;
use newswire_shared::kafka::{run_stage, StageSpec};
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use tokio::net::TcpListener;

pub use transform::{enrich, enrich_json, EnrichTransform};

pub fn stage_spec(settings: &Settings) -> StageSpec {
    StageSpec {
        name: "enricher".into(),
        input_topic: settings.topics.published.clone(),
        group_id: settings.enricher.group_id.clone(),
        deadletter_topic: settings.topics.deadletter.clone(),
        transactional_id: format!("newswire-enricher-{}", settings.instance_id()),
    }
}

/// Starts the Kafka stage on its own thread; it stops when `shutdown` fires.
pub fn spawn_stage(
    settings: &Settings,
    health: &Health,
    shutdown: Shutdown,
) -> std::thread::JoinHandle<anyhow::Result<()>> {
    let spec = stage_spec(settings);
    let kafka = settings.kafka.clone();
    let transform = EnrichTransform::new(settings);
    let metrics = health.metrics.clone();
    let readiness = health.component("enricher.stage");
    std::thread::Builder::new()
        .name("enricher-stage".into())
        .spawn(move || {
            Ok(run_stage(
                &spec, &kafka, transform, &metrics, readiness, shutdown,
            )?)
        })
        .expect("spawning the enricher thread")
}

/// Runs the enricher alone: the stage plus /healthz, /readyz, /metrics on `enricher.listen`.
pub async fn run(settings: Settings, shutdown: Shutdown) -> anyhow::Result<()> {
    let listener = TcpListener::bind(settings.enricher.listen).await?;
    let health = Health::default();
    let stage = spawn_stage(&settings, &health, shutdown.clone());
    let server = axum::serve(listener, health.router()).with_graceful_shutdown(shutdown.wait());
    let served = server.await;
    let staged = tokio::task::spawn_blocking(move || stage.join())
        .await?
        .map_err(|_| anyhow::anyhow!("enricher thread panicked"))?;
    served?;
    staged
}
