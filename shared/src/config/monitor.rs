//! Settings of the `monitor` service: the wire monitor's address and its operators' keys.

use crate::keys::ConfiguredKey;
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MonitorSettings {
    /// Address of the page (`/monitor/`), its APIs and /healthz, /readyz, /metrics.
    #[serde(default = "default_monitor_listen")]
    pub listen: SocketAddr,
    /// Operators' keys (the secret, at least 16 characters, or `sha256:HEX`): one
    /// opens the page and its APIs; none configured, nothing opens them (`newswire dev`
    /// makes one and prints it). Distinct from every subscriber's key.
    #[serde(default)]
    pub operator_keys: Vec<ConfiguredKey>,
    /// Stories kept in memory (the oldest by arrival are forgotten first).
    #[serde(default = "default_monitor_max_stories")]
    pub max_stories: usize,
}

impl Default for MonitorSettings {
    fn default() -> Self {
        Self {
            listen: default_monitor_listen(),
            operator_keys: Vec::new(),
            max_stories: default_monitor_max_stories(),
        }
    }
}

fn default_monitor_listen() -> SocketAddr {
    "0.0.0.0:8086".parse().expect("a socket address")
}

fn default_monitor_max_stories() -> usize {
    20_000
}
