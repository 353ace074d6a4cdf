//! One module per kind of destination, each turning a queued [`Item`] into a
//! delivery: [`webhook`] (Standard Webhooks over HTTP(S)), [`sftp`] (OpenSSH's SFTP,
//! host key pinned), [`drop_folder`] (a local folder). Every failure is retried by the
//! queue; a sink only says what went wrong and, when the receiver said, when to come
//! back.

pub mod drop_folder;
pub mod sftp;
pub mod webhook;

use crate::queue::Item;
use newswire_shared::config::{DeliverySettings, Destination};
use std::time::Duration;

/// Why an attempt failed; never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    pub message: String,
    /// The receiver's `Retry-After`, if it gave one.
    pub retry_after: Option<Duration>,
}

impl SendError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retry_after: None,
        }
    }
}

pub enum Sink {
    Webhook(webhook::WebhookSink),
    Sftp(sftp::SftpSink),
    DropFolder(drop_folder::DropFolderSink),
}

impl Sink {
    pub fn new(destination: &Destination, settings: &DeliverySettings) -> anyhow::Result<Self> {
        let timeout = Duration::from_millis(settings.request_timeout_ms);
        Ok(match destination {
            Destination::Webhook(w) => Sink::Webhook(webhook::WebhookSink::new(w, timeout)?),
            Destination::Sftp(s) => Sink::Sftp(sftp::SftpSink::new(s, timeout)?),
            Destination::DropFolder(d) => Sink::DropFolder(drop_folder::DropFolderSink::new(d)),
        })
    }

    pub async fn send(&self, item: &Item) -> Result<(), SendError> {
        match self {
            Sink::Webhook(s) => s.send(item).await,
            Sink::Sftp(s) => s.send(item).await,
            Sink::DropFolder(s) => s.send(item).await,
        }
    }
}
