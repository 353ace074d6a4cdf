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

use anyhow::Result;
use newswire_shared::kafka::Stage;
use newswire_shared::service::serve_stage;
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use tokio::net::TcpListener;

pub use enrich::{enrich, enrich_json};
pub use stage::EnrichTransform;

/// The enricher's stage: `articles.published` in, `articles.enriched` out.
pub const STAGE: Stage<EnrichTransform> = Stage {
    name: "enricher",
    wiring: |s| {
        [
            &s.topics.published,
            &s.topics.enriched,
            &s.enricher.group_id,
        ]
    },
    transform: EnrichTransform::new,
};

/// Runs the enricher alone: the stage plus /healthz, /readyz, /metrics on `listener` (the
/// binary binds `enricher.listen`; tests bind port 0).
pub async fn serve(settings: Settings, listener: TcpListener, shutdown: Shutdown) -> Result<()> {
    serve_stage(&STAGE, settings, listener, shutdown).await
}
