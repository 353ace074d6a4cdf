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

/// Serves `app` on `listener` under the connection policy `http` (see
/// [`crate::server`]) until `shutdown`, then waits for the service's worker `threads`
/// (stages, consumers) to finish; the first failure is returned.
pub async fn serve_until_stopped(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    http: &crate::config::HttpSettings,
    threads: Vec<(String, std::thread::JoinHandle<anyhow::Result<()>>)>,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let served = crate::server::serve(listener, app, http, shutdown).await;
    for (name, thread) in threads {
        tokio::task::spawn_blocking(move || thread.join())
            .await?
            .map_err(|_| anyhow::anyhow!("{name} thread panicked"))??;
    }
    Ok(served?)
}

/// A Kafka-to-Kafka stage service on its own (enricher, social): `transform` run as the
/// stage described by `spec` on a thread of its own, and `/healthz`, `/readyz` and
/// `/metrics` on `listener`, until `shutdown`. Every stage service's `serve` is this, so
/// tests bind port 0 the same way for each.
pub async fn serve_stage<T: crate::kafka::Transform + 'static>(
    settings: &Settings,
    spec: crate::kafka::StageSpec,
    transform: T,
    listener: tokio::net::TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let health = crate::health::Health::default();
    let name = format!("{} stage", spec.name);
    let stage =
        crate::kafka::spawn_stage(spec, &settings.kafka, transform, &health, shutdown.clone());
    tracing::info!(address = %listener.local_addr()?, stage = %name, "listening");
    serve_until_stopped(
        listener,
        health.router(),
        &settings.http,
        vec![(name, stage)],
        shutdown,
    )
    .await
}
