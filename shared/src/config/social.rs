//! Settings of the `social` service: which accounts get posts, and how each is written.

use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SocialSettings {
    /// Address of /healthz, /readyz and /metrics.
    #[serde(default = "default_social_listen")]
    pub listen: SocketAddr,
    /// Consumer group shared by all social replicas.
    #[serde(default = "default_social_group")]
    pub group_id: String,
    /// CloudEvents `source` of the post events.
    #[serde(default = "default_social_source")]
    pub source: String,
    /// One entry per account and network; every usable story becomes one post per account.
    #[serde(default = "default_accounts")]
    pub accounts: Vec<SocialAccount>,
}

impl Default for SocialSettings {
    fn default() -> Self {
        Self {
            listen: default_social_listen(),
            group_id: default_social_group(),
            source: default_social_source(),
            accounts: default_accounts(),
        }
    }
}

/// The networks we write posts for; each has its own counting rules and markup.
#[derive(
    Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq, Hash, PartialOrd, Ord,
)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    X,
    Mastodon,
    Bluesky,
    Threads,
    Telegram,
    Linkedin,
}

impl Network {
    pub const ALL: [Network; 6] = [
        Network::X,
        Network::Mastodon,
        Network::Bluesky,
        Network::Threads,
        Network::Telegram,
        Network::Linkedin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Network::X => "x",
            Network::Mastodon => "mastodon",
            Network::Bluesky => "bluesky",
            Network::Threads => "threads",
            Network::Telegram => "telegram",
            Network::Linkedin => "linkedin",
        }
    }
}

/// What a new version carrying `signals: ["correction"]` produces for a story already posted.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionPolicy {
    /// A separate follow-up post ("CORRECTION: …") with the corrected headline.
    #[default]
    FollowUp,
    /// Nothing: the original post stays as it is.
    None,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SocialAccount {
    /// The account's name as the posting tool knows it (`@belta_en`, a channel id…).
    pub name: String,
    pub network: Network,
    /// Only stories in these languages (BCP 47 primary tags); empty means every language.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Overrides the network's limit (a Mastodon instance's `max_characters`).
    #[serde(default)]
    pub limit: Option<usize>,
    /// Overrides what a URL counts on X or Mastodon (`characters_reserved_per_url`).
    #[serde(default)]
    pub url_length: Option<usize>,
    /// Post text; `{prefix}`, `{text}`, `{link}` and `{hashtags}` are filled in and
    /// `{text}` is shortened to fit. Default: the network's own layout.
    #[serde(default)]
    pub template: Option<String>,
    /// At most this many hashtags (0–3).
    #[serde(default = "default_hashtags")]
    pub hashtags: usize,
    /// Hashtags never used (compared without `#` and case).
    #[serde(default)]
    pub hashtag_blocklist: Vec<String>,
    /// Put before the text of urgent stories (urgency 1–2).
    #[serde(default = "default_breaking_prefix")]
    pub breaking_prefix: String,
    /// Query parameters added to the link (`utm_source = "x"`).
    #[serde(default)]
    pub utm: std::collections::BTreeMap<String, String>,
    /// Write a thread (headline, summary, body) instead of one post, where the network
    /// allows replies to oneself.
    #[serde(default)]
    pub thread: bool,
    /// Marker appended to each post of a thread; `{i}` and `{n}` are replaced.
    #[serde(default = "default_thread_marker")]
    pub thread_marker: String,
    /// Longest thread written; the rest of the story stays behind the link.
    #[serde(default = "default_thread_max_posts")]
    pub thread_max_posts: usize,
    #[serde(default)]
    pub corrections: CorrectionPolicy,
    #[serde(default = "default_correction_prefix")]
    pub correction_prefix: String,
    /// Telegram: send as a photo caption (limit 1024) when the story has an image.
    #[serde(default)]
    pub photo_caption: bool,
}

impl SocialAccount {
    pub fn new(name: &str, network: Network) -> Self {
        Self {
            name: name.into(),
            network,
            languages: Vec::new(),
            limit: None,
            url_length: None,
            template: None,
            hashtags: default_hashtags(),
            hashtag_blocklist: Vec::new(),
            breaking_prefix: default_breaking_prefix(),
            utm: Default::default(),
            thread: false,
            thread_marker: default_thread_marker(),
            thread_max_posts: default_thread_max_posts(),
            corrections: CorrectionPolicy::FollowUp,
            correction_prefix: default_correction_prefix(),
            photo_caption: false,
        }
    }
}

fn default_social_listen() -> SocketAddr {
    ([0, 0, 0, 0], 8084).into()
}
fn default_social_group() -> String {
    "newswire-social".into()
}
fn default_social_source() -> String {
    "urn:newswire:social".into()
}
fn default_accounts() -> Vec<SocialAccount> {
    Network::ALL
        .iter()
        .map(|n| SocialAccount::new("newswire", *n))
        .collect()
}
fn default_hashtags() -> usize {
    2
}
fn default_breaking_prefix() -> String {
    "BREAKING:".into()
}
fn default_thread_marker() -> String {
    "{i}/{n}".into()
}
fn default_thread_max_posts() -> usize {
    5
}
fn default_correction_prefix() -> String {
    "CORRECTION:".into()
}
