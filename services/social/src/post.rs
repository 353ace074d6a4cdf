//! The records the social service writes to `social.posts` (key = article id).

use crate::richtext::Facet;
use chrono::{DateTime, Utc};
use newswire_shared::config::Network;
use serde::{Deserialize, Serialize};

/// What the posting tool is asked to do with `post_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Post now (`publish_at` is the release time).
    Publish,
    /// Post at `publish_at` (the embargo), not before. A later `schedule` or `delete`
    /// for the same `post_id` replaces it.
    Schedule,
    /// Remove the post (and its thread) if it was posted; cancel it if it was scheduled.
    Delete,
}

/// Why the post exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Story,
    Correction,
}

/// One instruction for one account. Posts are identified by `post_id`, stable across
/// versions of the story, so a posting tool can act on it idempotently.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostEvent {
    pub post_id: String,
    pub action: Action,
    pub kind: Kind,
    pub article_id: String,
    pub version: u64,
    pub network: Network,
    pub account: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Further posts, each a reply to the one before (thread mode).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub thread: Vec<ThreadPost>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Bluesky: `app.bsky.richtext.facet`s of `text`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facets: Vec<Facet>,
    /// Bluesky: the `app.bsky.embed.external` link card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embed: Option<ExternalEmbed>,
    /// Telegram: `HTML`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse_mode: Option<&'static str>,
    /// Images to attach, with alt text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<PostMedia>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<Length>,
    /// Why a post is deleted (`canceled`, `withheld`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreadPost {
    pub text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facets: Vec<Facet>,
    pub length: Length,
}

/// The network's count of the text and the limit it was held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Length {
    pub counted: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExternalEmbed {
    #[serde(rename = "$type")]
    pub kind: &'static str,
    pub uri: String,
    pub title: String,
    pub description: String,
    /// The image the posting tool uploads as the card's `thumb` blob.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumb_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostMedia {
    pub url: String,
    pub media_type: String,
    pub alt: String,
}

/// The part of a `social.posts` record the service reads back to know what it has
/// already produced.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PostRecord {
    pub post_id: String,
    pub action: Action,
    pub kind: Kind,
    pub article_id: String,
    pub version: u64,
    pub network: Network,
    pub account: String,
    #[serde(default)]
    pub publish_at: Option<DateTime<Utc>>,
}

impl From<&PostEvent> for PostRecord {
    fn from(p: &PostEvent) -> Self {
        Self {
            post_id: p.post_id.clone(),
            action: p.action,
            kind: p.kind,
            article_id: p.article_id.clone(),
            version: p.version,
            network: p.network,
            account: p.account.clone(),
            publish_at: p.publish_at,
        }
    }
}
