//! Social: consumes `articles.enriched` and writes, per configured account, a post
//! ready to send to X, Mastodon, Bluesky, Threads, Telegram or LinkedIn to
//! `social.posts` (key = article id), exactly once through Kafka transactions.
//!
//! The pure part is [`plan`] (article version + what was produced before → post,
//! scheduled post, correction follow-up, delete instructions) built on [`compose`]
//! (one post laid out and shortened until the network's own [`count`] accepts it).
//! [`stage`] and [`ledger`] are the Kafka side; [`offline`] plans without Kafka (`newswire
//! render --format social`).

pub mod compose;
pub mod count;
pub mod cut;
pub mod hashtags;
pub mod ledger;
pub mod markup;
pub mod mastodon;
pub mod offline;
pub mod plan;
pub mod post;
pub mod richtext;
pub mod stage;
pub mod x;

use newswire_shared::health::Health;
use newswire_shared::kafka::StageSpec;
use newswire_shared::service::serve_stage;
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use tokio::net::TcpListener;

pub use offline::Renderer;
pub use plan::{plan, story_post, StoryState};
pub use post::{Action, Kind, PostEvent};
pub use stage::SocialTransform;

pub fn stage_spec(settings: &Settings) -> StageSpec {
    StageSpec::new(
        "social",
        &settings.topics.enriched,
        &[&settings.topics.social],
        &settings.social.group_id,
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
        SocialTransform::new(settings),
        health,
        shutdown,
    )
}

/// Runs the social service alone: the stage plus /healthz, /readyz, /metrics on
/// `social.listen`.
pub async fn run(settings: Settings, shutdown: Shutdown) -> anyhow::Result<()> {
    let listener = TcpListener::bind(settings.social.listen).await?;
    serve(settings, listener, shutdown).await
}

/// As [`run`] on an already-bound listener (tests bind port 0).
pub async fn serve(
    settings: Settings,
    listener: TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let transform = SocialTransform::new(&settings);
    serve_stage(
        &settings,
        stage_spec(&settings),
        transform,
        listener,
        shutdown,
    )
    .await
}
