//! Logging setup, the Prometheus registry every service exposes on `/metrics`, the
//! catalog of every metric ([`catalog`]) and the typed internal events that both log
//! and count ([`events`]).
//!
//! As in Vector's `internal_events`: a call site says `StageEvent::…emit()` or
//! `EventDeadLettered { .. }.emit(&metrics)`; the event decides its log line and its
//! metric, so the two never disagree and a metric cannot be named twice.

pub mod catalog;
pub mod events;
mod registry;

pub use catalog::MetricDef;
pub use registry::{Counter, Gauge, Metrics};

use crate::config::{LogFormat, TelemetrySettings};
use tracing_subscriber::EnvFilter;

/// Installs the global `tracing` subscriber once per process; later calls do nothing,
/// so `newswire dev` and tests may call it freely.
pub fn init_tracing(settings: &TelemetrySettings) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.log_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match settings.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
