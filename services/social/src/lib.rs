//! Social: consumes `articles.enriched` and writes, per configured account, a post
//! ready to send to X, Mastodon, Bluesky, Threads, Telegram or LinkedIn to
//! `social.posts` (key = article id), exactly once through Kafka transactions.
//!
//! The pure part is [`plan`] (article version + what was produced before → post,
//! scheduled post, correction follow-up, delete instructions) built on [`compose`]
//! (one post laid out and shortened until the network's own [`count`] accepts it).
//! [`transform`] and [`ledger`] are the Kafka side.

pub mod compose;
pub mod count;
pub mod facets;
pub mod hashtags;
pub mod ledger;
pub mod markup;
pub mod plan;
pub mod post;
pub mod render;
pub mod text;
pub mod transform;

use newswire_shared::health::Health;
use newswire_shared::kafka::{run_stage, StageSpec};
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use tokio::net::TcpListener;

pub use plan::{plan, story_post, StoryState};
pub use post::{Action, Kind, PostEvent};
pub use render::Renderer;
pub use transform::SocialTransform;

pub fn stage_spec(settings: &Settings) -> StageSpec {
    StageSpec {
        name: "social".into(),
        input_topic: settings.topics.enriched.clone(),
        group_id: settings.social.group_id.clone(),
        deadletter_topic: settings.topics.deadletter.clone(),
        transactional_id: format!("newswire-social-{}", settings.instance_id()),
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
    let transform = SocialTransform::new(settings);
    let metrics = health.metrics.clone();
    let readiness = health.component("social.stage");
    std::thread::Builder::new()
        .name("social-stage".into())
        .spawn(move || {
            Ok(run_stage(
                &spec, &kafka, transform, &metrics, readiness, shutdown,
            )?)
        })
        .expect("spawning the social thread")
}

/// Runs the social service alone: the stage plus /healthz, /readyz, /metrics on
/// `social.listen`.
pub async fn run(settings: Settings, shutdown: Shutdown) -> anyhow::Result<()> {
    let listener = TcpListener::bind(settings.social.listen).await?;
    let health = Health::default();
    let stage = spawn_stage(&settings, &health, shutdown.clone());
    let server = axum::serve(listener, health.router()).with_graceful_shutdown(shutdown.wait());
    let served = server.await;
    let staged = tokio::task::spawn_blocking(move || stage.join())
        .await?
        .map_err(|_| anyhow::anyhow!("social thread panicked"))?;
    served?;
    staged
}
