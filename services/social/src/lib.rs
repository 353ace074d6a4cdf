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

use anyhow::Result;
use newswire_shared::kafka::Stage;
use newswire_shared::service::serve_stage;
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use tokio::net::TcpListener;

pub use offline::Planner;
pub use plan::{plan, story_post, StoryState};
pub use post::{Action, Kind, PostEvent};
pub use stage::SocialTransform;

/// The social stage: `articles.enriched` in, `social.posts` out.
pub const STAGE: Stage<SocialTransform> = Stage {
    name: "social",
    wiring: |s| [&s.topics.enriched, &s.topics.social, &s.social.group_id],
    transform: SocialTransform::new,
};

/// Runs the social service alone: the stage plus /healthz, /readyz, /metrics on `listener`
/// (the binary binds `social.listen`; tests bind port 0).
pub async fn serve(settings: Settings, listener: TcpListener, shutdown: Shutdown) -> Result<()> {
    serve_stage(&STAGE, settings, listener, shutdown).await
}
