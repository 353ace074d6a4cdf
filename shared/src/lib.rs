//! What every Newswire service shares: the article event contract, its validation and
//! CloudEvents headers, the Kafka plumbing that carries our delivery guarantees,
//! configuration, health endpoints and telemetry.

pub mod access;
pub mod article;
pub mod cloudevents;
pub mod config;
pub mod entity_id;
pub mod formats;
pub mod health;
pub mod kafka;
pub mod keys;
pub mod ledger;
pub mod links;
pub mod random;
pub mod server;
pub mod service;
pub mod shutdown;
pub mod telemetry;
pub mod testing;
pub mod text;
pub mod timestamp;
pub mod trace;
pub mod validate;
pub mod xml;

pub use article::Article;
pub use config::Settings;
