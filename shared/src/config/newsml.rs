//! Settings of the `newsml` service: who we are in NewsML-G2, and who receives items.

use crate::keys::ConfiguredKey;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NewsmlSettings {
    /// Address of the pull API (/newsml/…) and /healthz, /readyz, /metrics.
    #[serde(default = "default_newsml_listen")]
    pub listen: SocketAddr,
    /// Consumer group shared by the replicas that render into `newsml.items`.
    #[serde(default = "default_newsml_group")]
    pub group_id: String,
    /// CloudEvents `source` of `newsml.items` records.
    #[serde(default = "default_newsml_source")]
    pub source: String,
    /// `provider` of every item: the agency's name…
    #[serde(default = "default_provider_name")]
    pub provider_name: String,
    /// …and a URI that identifies it (`provider uri=…`).
    #[serde(default = "default_provider_uri")]
    pub provider_uri: String,
    /// Items anyone may pull without a key, as entitlement patterns (`*` for all,
    /// `section/*`, …). Unset means none: the pull API is what an agency sells, so it
    /// is private unless the operator opens it (`newswire dev` opens it when unset).
    #[serde(default)]
    pub public: Option<Vec<String>>,
    /// Who receives items: by drop folder, by pull with their key, or both.
    #[serde(default)]
    pub subscribers: Vec<NewsmlSubscriber>,
    /// Pull requests per minute allowed to each subscriber; 429 beyond it.
    #[serde(default = "default_rate_limit_per_minute")]
    pub rate_limit_per_minute: u32,
}

impl NewsmlSettings {
    /// The public patterns in force (none when unset).
    pub fn public_patterns(&self) -> &[String] {
        self.public.as_deref().unwrap_or_default()
    }
}

impl Default for NewsmlSettings {
    fn default() -> Self {
        Self {
            listen: default_newsml_listen(),
            group_id: default_newsml_group(),
            source: default_newsml_source(),
            provider_name: default_provider_name(),
            provider_uri: default_provider_uri(),
            public: None,
            subscribers: Vec::new(),
            rate_limit_per_minute: default_rate_limit_per_minute(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NewsmlSubscriber {
    /// For logs, metrics and file names; never shown to other subscribers.
    pub name: String,
    /// Key for the pull API (`Authorization: Bearer KEY`, `X-API-Key`, `?key=`): the
    /// secret (≥ 16 characters) or `sha256:` and its digest in hex. Without any key
    /// the subscriber only gets drop-folder delivery.
    #[serde(default)]
    pub key: Option<ConfiguredKey>,
    /// A second way to give keys: one or two (two while a key is being rotated).
    #[serde(default)]
    pub keys: Vec<ConfiguredKey>,
    /// Entitlement patterns: the items this subscriber receives, by pull and drop
    /// folder alike (`*`, `section/sport`, `lang/ru`, `section/sport?lang=ru`).
    #[serde(default = "default_items")]
    pub items: Vec<String>,
    /// Receives embargoed items at once, marked `embargoed`, trusting the subscriber
    /// to hold them; everyone else gets them when the embargo passes.
    #[serde(default)]
    pub trust_embargo: bool,
    /// Where each item version is written as `{id}_v{version}.xml` (written under a
    /// temporary name, synced, then renamed: a reader never sees half a file).
    #[serde(default)]
    pub drop_folder: Option<PathBuf>,
}

impl NewsmlSubscriber {
    /// A subscriber to everything, with its key (if any), as tests write them.
    pub fn new(name: &str, key: Option<&str>) -> Self {
        Self {
            name: name.into(),
            key: key.map(ConfiguredKey::new),
            keys: Vec::new(),
            items: default_items(),
            trust_embargo: false,
            drop_folder: None,
        }
    }

    /// Every key of this subscriber: `key`, then `keys`.
    pub fn all_keys(&self) -> impl Iterator<Item = &ConfiguredKey> {
        self.key.iter().chain(&self.keys)
    }
}

fn default_items() -> Vec<String> {
    vec!["*".into()]
}
fn default_rate_limit_per_minute() -> u32 {
    600
}
fn default_newsml_listen() -> SocketAddr {
    ([0, 0, 0, 0], 8083).into()
}
fn default_newsml_group() -> String {
    "newswire-newsml".into()
}
fn default_newsml_source() -> String {
    "urn:newswire:newsml".into()
}
fn default_provider_name() -> String {
    "Newswire".into()
}
fn default_provider_uri() -> String {
    "https://newswire.example/".into()
}
