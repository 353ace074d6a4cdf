//! Ingest: the newsroom's way in. Validates each article against the v1 contract and
//! publishes it to `articles.published`, answering only once Kafka has it.

pub mod api;
pub mod publisher;

use anyhow::Result;
use axum::Router;
use newswire_shared::health::{Health, Readiness};
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

pub use publisher::{Publisher, Receipt};

/// The ingest API plus what it needs, built once and mounted by `run` or `newswire dev`.
pub struct Ingest {
    pub state: Arc<api::ApiState>,
}

impl Ingest {
    pub fn build(settings: &Settings, health: &Health) -> anyhow::Result<Self> {
        let publisher = Publisher::new(settings, &health.metrics)?;
        let state = Arc::new(api::ApiState::new(
            publisher,
            settings.ingest.max_body_bytes,
            &health.metrics,
        ));
        Ok(Self { state })
    }

    pub fn router(&self) -> Router {
        api::router(self.state.clone())
    }

    /// Keeps /readyz in step with whether the broker answers.
    pub fn watch_broker(
        &self,
        readiness: Readiness,
        shutdown: Shutdown,
    ) -> tokio::task::JoinHandle<()> {
        let state = self.state.clone();
        tokio::spawn(async move {
            let stop = shutdown.wait();
            tokio::pin!(stop);
            let mut limit_read: Option<tokio::time::Instant> = None;
            loop {
                let probe = state.clone();
                let connected = tokio::task::spawn_blocking(move || probe.publisher.is_connected())
                    .await
                    .unwrap_or(false);
                readiness.set(connected);
                // The topic's record limit, once connected and then every minute (an
                // operator may change it), so an article too large is refused with 413
                // before it is produced.
                if connected && limit_read.is_none_or(|t| t.elapsed() > Duration::from_secs(60)) {
                    state.publisher.refresh_limit().await;
                    limit_read = Some(tokio::time::Instant::now());
                }
                let pause = if connected {
                    Duration::from_secs(5)
                } else {
                    Duration::from_millis(200)
                };
                tokio::select! {
                    _ = &mut stop => return,
                    _ = tokio::time::sleep(pause) => {}
                }
            }
        })
    }
}

/// Runs ingest alone: the API and health endpoints on `listener` until shutdown (the binary
/// binds `ingest.listen`; tests bind port 0).
pub async fn serve(settings: Settings, listener: TcpListener, shutdown: Shutdown) -> Result<()> {
    let health = Health::default();
    let ingest = Ingest::build(&settings, &health)?;
    let watcher = ingest.watch_broker(health.component("ingest.kafka"), shutdown.clone());
    let app = ingest
        .router()
        .merge(health.router())
        .fallback(api::not_found);
    tracing::info!(address = %listener.local_addr()?, "ingest listening");
    newswire_shared::server::serve(listener, app, &settings.http, shutdown).await?;
    watcher.abort();
    ingest.state.publisher.flush();
    Ok(())
}
