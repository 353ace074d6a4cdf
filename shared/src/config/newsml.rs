//! Settings of the `newsml` service: who we are in NewsML-G2, and who receives items.

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
    /// Who receives items: by drop folder, by pull with their key, or both.
    #[serde(default)]
    pub subscribers: Vec<NewsmlSubscriber>,
}

impl Default for NewsmlSettings {
    fn default() -> Self {
        Self {
            listen: default_newsml_listen(),
            group_id: default_newsml_group(),
            source: default_newsml_source(),
            provider_name: default_provider_name(),
            provider_uri: default_provider_uri(),
            subscribers: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NewsmlSubscriber {
    /// For logs, metrics and file names; never shown to other subscribers.
    pub name: String,
    /// Key for the pull API (`Authorization: Bearer KEY`, `X-API-Key`, `?key=`); at
    /// least 16 characters. Without one the subscriber only gets drop-folder delivery.
    #[serde(default)]
    pub key: Option<String>,
    /// Receives embargoed items at once, marked `embargoed`, trusting the subscriber
    /// to hold them; everyone else gets them when the embargo passes.
    #[serde(default)]
    pub trust_embargo: bool,
    /// Where each item version is written as `{id}_v{version}.xml` (written under a
    /// temporary name, synced, then renamed: a reader never sees half a file).
    #[serde(default)]
    pub drop_folder: Option<PathBuf>,
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
