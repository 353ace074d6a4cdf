//! The shared `main` of every service binary: configuration, logging, signals.

use crate::shutdown::{self, Shutdown};
use crate::{telemetry, Settings};
use std::future::Future;

/// Loads settings (the file named by `NEWSWIRE_CONFIG`, then `NEWSWIRE__…` variables),
/// sets up logging, binds the address `listen` picks from the settings (the service's
/// `….listen`), and runs `serve` on it until Ctrl-C or SIGTERM. Every service binary is
/// this with its own `serve(settings, listener, shutdown)`, which tests call on port 0.
pub async fn main<F, Fut>(
    name: &str,
    listen: fn(&Settings) -> std::net::SocketAddr,
    serve: F,
) -> Result<(), Box<dyn std::error::Error>>
where
    F: FnOnce(Settings, tokio::net::TcpListener, Shutdown) -> Fut,
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
    let address = listen(&settings);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| format!("{name}: cannot listen on {address}: {e}"))?;
    serve(settings, listener, stop)
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

/// A service's worker thread (a stage, a consumer, an engine): joined once its server
/// stopped.
pub type Worker = std::thread::JoinHandle<anyhow::Result<()>>;

/// Starts `work` on a thread of its own as the component `component` of `health`
/// (`delivery.engine`; the thread is named `delivery-engine`): every worker thread of a
/// service starts so, given the process's metrics and its own readiness.
pub fn spawn_worker<F>(health: &crate::health::Health, component: &str, work: F) -> Worker
where
    F: FnOnce(crate::telemetry::Metrics, crate::health::Readiness) -> anyhow::Result<()>,
    F: Send + 'static,
{
    let metrics = health.metrics.clone();
    let readiness = health.component(component);
    std::thread::Builder::new()
        .name(component.replace('.', "-"))
        .spawn(move || work(metrics, readiness))
        .unwrap_or_else(|e| panic!("spawning the {component} thread: {e}"))
}

/// A Kafka-to-Kafka stage service on its own (enricher, social): `stage` run on a thread
/// of its own, and `/healthz`, `/readyz` and `/metrics` on `listener`, until `shutdown`.
/// Every stage service's `serve` is this, so tests bind port 0 the same way for each.
pub async fn serve_stage<T: crate::kafka::Transform + 'static>(
    stage: &crate::kafka::Stage<T>,
    settings: Settings,
    listener: tokio::net::TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let health = crate::health::Health::default();
    let name = format!("{} stage", stage.name);
    tracing::info!(address = %listener.local_addr()?, stage = %name, "listening");
    let worker = stage.spawn(&settings, &health, shutdown.clone());
    let workers = vec![(name, worker)];
    serve_until_stopped(listener, health.router(), &settings.http, workers, shutdown).await
}
