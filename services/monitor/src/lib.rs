//! The wire monitor: a live page where editors and operators watch every story — its
//! urgency, embargo, kill and corrections, its entities, every output and its journey
//! through the pipeline (the records of its trace, see `newswire_shared::trace`).
//!
//! It reads every topic (never writes), keeps what it saw in memory (`store`), and
//! serves the page and its APIs to operators only (`access`, `http`).

pub mod access;
pub mod consumer;
pub mod http;
pub mod operations;
pub mod store;

use anyhow::Result;
use axum::Router;
use newswire_shared::health::Health;
use newswire_shared::service::{serve_until_stopped, spawn_worker, Worker};
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The monitor's state and router, built once and mounted by `serve` or `newswire dev`.
pub struct Monitor {
    pub state: Arc<http::MonitorState>,
}

impl Monitor {
    /// Fails when an operator key in the settings is not a valid key (the settings'
    /// validation names the field before this is reached).
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let digests = settings
            .monitor
            .operator_keys
            .iter()
            .map(|k| k.digest())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("monitor.operator_keys: a key {e}"))?;
        if digests.is_empty() {
            tracing::warn!("monitor.operator_keys is empty: nobody can open the monitor");
        }
        Ok(Self {
            state: Arc::new(http::MonitorState {
                store: store::Store::new(settings.monitor.max_stories),
                operators: access::Operators::new(digests),
                kafka: settings.kafka.clone(),
                deadletter_topic: settings.topics.deadletter.clone(),
                lag: operations::Lag::default(),
            }),
        })
    }

    pub fn router(&self) -> Router {
        http::router(self.state.clone())
    }

    /// Reads the topics into the store on a thread of its own until `shutdown`.
    pub fn spawn_consumer(
        &self,
        settings: &Settings,
        health: &Health,
        shutdown: Shutdown,
    ) -> Worker {
        let consumer = consumer::MonitorConsumer {
            settings: settings.clone(),
            store: self.state.store.clone(),
            lag: self.state.lag.clone(),
        };
        spawn_worker(health, "monitor.consumer", move |_, readiness| {
            consumer.run(readiness, shutdown)
        })
    }
}

/// Runs the monitor alone on `listener` until shutdown (the binary binds `monitor.listen`;
/// tests bind port 0).
pub async fn serve(settings: Settings, listener: TcpListener, shutdown: Shutdown) -> Result<()> {
    let health = Health::default();
    let monitor = Monitor::build(&settings)?;
    let consumer = monitor.spawn_consumer(&settings, &health, shutdown.clone());
    let app = monitor.router().merge(health.router());
    tracing::info!(address = %listener.local_addr()?, "monitor listening");
    let workers = vec![("monitor consumer".to_string(), consumer)];
    serve_until_stopped(listener, app, &settings.http, workers, shutdown).await
}
