//! Enricher: consumes `articles.published`, adds the `enrichment` object, and produces
//! `articles.enriched` (same key), exactly once through Kafka transactions.
//!
//! It identifies the language of the body (and of the headline when it differs),
//! checking the publisher's hint rather than trusting it; parses the dateline the story
//! opens with; finds the people, organisations and places it names (linked to Wikidata
//! or GeoNames where known); assigns IPTC Media Topics; and turns the newsroom's
//! keywords into hashtag-ready ones.

mod common_words;
pub mod dateline;
pub mod enrich;
pub mod entities;
pub mod hanzi;
pub mod language;
mod letters;
pub mod mediatopics;
pub mod stage;
pub mod subjects;

use newswire_shared::health::Health;
use newswire_shared::kafka::StageSpec;
use newswire_shared::service::serve_stage;
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use tokio::net::TcpListener;

pub use enrich::{enrich, enrich_json};
pub use stage::EnrichTransform;

pub fn stage_spec(settings: &Settings) -> StageSpec {
    StageSpec::new(
        "enricher",
        &settings.topics.published,
        &[&settings.topics.enriched],
        &settings.enricher.group_id,
        settings,
    )
}

/// Starts the Kafka stage on its own thread; it stops when `shutdown` fires.
pub fn spawn_stage(
    settings: &Settings,
    health: &Health,
    shutdown: Shutdown,
) -> std::thread::JoinHandle<anyhow::Result<()>> {
    newswire_shared::kafka::spawn_stage(
        stage_spec(settings),
        &settings.kafka,
        EnrichTransform::new(settings),
        health,
        shutdown,
    )
}

/// Runs the enricher alone: the stage plus /healthz, /readyz, /metrics on `listener` (the
/// binary binds `enricher.listen`; tests bind port 0).
pub async fn serve(
    settings: Settings,
    listener: TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let transform = EnrichTransform::new(&settings);
    serve_stage(
        &settings,
        stage_spec(&settings),
        transform,
        listener,
        shutdown,
    )
    .await
}
