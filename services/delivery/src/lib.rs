//! Push delivery: every story version to each subscriber's own destinations — signed
//! webhooks, SFTP servers, drop folders — as the subscriber's entitlement, embargo
//! trust and the delivery ledger decide; isolated per destination, retried with
//! backoff, resumable on any replica.
//!
//! Built as Vector builds sinks: one module per destination ([`sinks`]), the
//! configuration struct as the contract (`newswire_shared::config::DeliverySettings`),
//! and end-to-end acknowledgements — an input offset is committed only once every
//! destination got what it was owed from before it, in the same Kafka transaction as
//! the ledger records of those deliveries ([`engine`]).
//!
//! Pure parts: [`policy`] (who gets a version, when), [`queue`] (one destination's
//! queue, backoff and suspension), [`ledger`] (its records), [`render`] (formats),
//! `sinks::webhook::signature` (Standard Webhooks).

pub mod admin;
pub mod engine;
pub mod ledger;
pub mod policy;
pub mod queue;
pub mod render;
pub mod sinks;
pub mod target;

use anyhow::{Context, Result};
use axum::Router;
use newswire_shared::health::Health;
use newswire_shared::keys::KeyRing;
use newswire_shared::service::{serve_until_stopped, spawn_worker, Worker};
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use std::sync::{mpsc, Arc, Mutex};
use target::Target;
use tokio::net::TcpListener;

/// Delivery, built and ready to start: its destinations and the admin API.
pub struct Delivery {
    settings: Settings,
    targets: Arc<Vec<Arc<Target>>>,
    admin: admin::Admin,
    acks: (mpsc::Sender<target::Ack>, mpsc::Receiver<target::Ack>),
    resends: mpsc::Receiver<engine::Resend>,
}

impl Delivery {
    /// Every configured destination (a webhook's client, an SFTP sink's host key…).
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let mut targets = Vec::new();
        for s in &settings.delivery.subscribers {
            for d in &s.destinations {
                let t = Target::new(targets.len(), s, d, &settings.delivery)
                    .with_context(|| format!("destination {} of {}", d.name(), s.name))?;
                targets.push(Arc::new(t));
            }
        }
        let targets = Arc::new(targets);
        let mut keys = KeyRing::default();
        for k in &settings.delivery.admin_keys {
            keys.add(k.digest()?, 0);
        }
        let (resend_tx, resends) = mpsc::channel();
        Ok(Self {
            settings: settings.clone(),
            admin: admin::Admin {
                targets: targets.clone(),
                keys: Arc::new(keys),
                resends: Arc::new(Mutex::new(resend_tx)),
            },
            targets,
            acks: mpsc::channel(),
            resends,
        })
    }

    /// `/v1/subscribers…`.
    pub fn router(&self) -> Router {
        self.admin.clone().router()
    }

    /// Starts the destinations' tasks (on the current tokio runtime) and the Kafka
    /// engine on its own thread; all stop when `shutdown` fires.
    pub fn spawn(self, health: &Health, shutdown: Shutdown) -> Worker {
        let (ack_tx, acks) = self.acks;
        for t in self.targets.iter() {
            tokio::spawn(
                t.clone()
                    .run(ack_tx.clone(), health.metrics.clone(), shutdown.clone()),
            );
        }
        let engine = engine::Engine {
            provider: newswire_shared::formats::Provider {
                name: self.settings.newsml.provider_name.clone(),
                uri: self.settings.newsml.provider_uri.clone(),
            },
            settings: self.settings,
            targets: self.targets,
            acks,
            resends: self.resends,
        };
        spawn_worker(health, "delivery.engine", move |metrics, readiness| {
            engine.run(metrics, readiness, shutdown)
        })
    }
}

/// Serves delivery on `listener` (admin API, /healthz, /readyz, /metrics) until
/// `shutdown` (the binary binds `delivery.listen`; tests bind port 0).
pub async fn serve(settings: Settings, listener: TcpListener, shutdown: Shutdown) -> Result<()> {
    let health = Health::default();
    let delivery = Delivery::build(&settings)?;
    let app = delivery.router().merge(health.router());
    let engine = delivery.spawn(&health, shutdown.clone());
    let workers = vec![("delivery engine".to_string(), engine)];
    serve_until_stopped(listener, app, &settings.http, workers, shutdown).await
}
