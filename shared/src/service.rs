//! The shared `main` of every service binary: configuration, logging, signals.

use crate::shutdown::{self, Shutdown};
use crate::{telemetry, Settings};
use std::future::Future;

/// Loads settings (the file named by `NEWSWIRE_CONFIG`, then `NEWSWIRE__…` variables),
/// sets up logging, and runs `service` until Ctrl-C or SIGTERM.
pub async fn main<F, Fut>(name: &str, service: F) -> Result<(), Box<dyn std::error::Error>>
where
    F: FnOnce(Settings, Shutdown) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let file = std::env::var_os("NEWSWIRE_CONFIG").map(std::path::PathBuf::from);
    let settings = Settings::load(file.as_deref())?;
    telemetry::init_tracing(&settings.telemetry);
    let (trigger, stop) = shutdown::channel();
    tokio::spawn(async move {
        shutdown::signal().await;
        tracing::info!("shutdown requested");
        trigger.trigger();
    });
    service(settings, stop)
        .await
        .map_err(|e| format!("{name}: {e:#}").into())
}
