//! `/healthz` (alive), `/readyz` (connected and working) and `/metrics`, on every service.

use crate::telemetry::Metrics;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Readiness of each component in this process; ready when all registered ones are.
#[derive(Clone, Default)]
pub struct Health {
    components: Arc<Mutex<BTreeMap<String, ComponentStatus>>>,
    pub metrics: Metrics,
}

/// One component's state as `/readyz` reports it: `{"ready": false, "reason": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComponentStatus {
    pub ready: bool,
    /// Why not ready, when the component says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ComponentStatus {
    fn not_ready(reason: &str) -> Self {
        Self {
            ready: false,
            reason: Some(reason.to_string()),
        }
    }
}

impl Health {
    pub fn new(metrics: Metrics) -> Self {
        Self {
            components: Arc::default(),
            metrics,
        }
    }

    /// Registers a component as not yet ready and returns its handle.
    pub fn component(&self, name: &str) -> Readiness {
        self.components
            .lock()
            .expect("health lock")
            .insert(name.to_string(), ComponentStatus::not_ready("starting"));
        Readiness {
            health: self.clone(),
            name: name.to_string(),
        }
    }

    pub fn is_ready(&self) -> bool {
        let components = self.components.lock().expect("health lock");
        !components.is_empty() && components.values().all(|c| c.ready)
    }

    /// Every component's state, as `/readyz` answers.
    pub fn report(&self) -> BTreeMap<String, ComponentStatus> {
        self.components.lock().expect("health lock").clone()
    }

    /// The three endpoints, to merge into a service's router.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/healthz", get(|| async { "ok\n" }))
            .route("/readyz", get(readyz))
            .route("/metrics", get(metrics))
            .with_state(self.clone())
    }
}

/// One component's switch.
#[derive(Clone)]
pub struct Readiness {
    health: Health,
    name: String,
}

impl Readiness {
    /// Ready, or not ready without a reason of its own.
    pub fn set(&self, ready: bool) {
        self.set_problem(if ready { None } else { Some("not ready") });
    }

    /// Ready when `problem` is `None`; otherwise not ready, and `/readyz` says why.
    pub fn set_problem(&self, problem: Option<&str>) {
        let status = match problem {
            None => ComponentStatus {
                ready: true,
                reason: None,
            },
            Some(reason) => ComponentStatus::not_ready(reason),
        };
        self.health
            .components
            .lock()
            .expect("health lock")
            .insert(self.name.clone(), status);
    }
}

async fn readyz(State(health): State<Health>) -> impl IntoResponse {
    let status = if health.is_ready() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(health.report()))
}

async fn metrics(State(health): State<Health>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        health.metrics.render(),
    )
}
