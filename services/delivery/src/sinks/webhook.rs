//! Webhooks as the Standard Webhooks specification defines them: a POST of the
//! version's document, with
//!
//! - `webhook-id`: the story and version (`{id}:{version}`, the id percent-encoded
//!   outside ASCII letters, digits and `-._~`), the same on every retry and resend, so
//!   receivers dedupe on it;
//! - `webhook-timestamp`: the attempt's time, in whole seconds since 1970;
//! - `webhook-signature`: `v1,` and the base64 of HMAC-SHA256 over
//!   `{webhook-id}.{webhook-timestamp}.{body}` with the secret's key bytes — one
//!   signature per configured secret, separated by spaces, so a secret can be rotated
//!   without a gap.
//!
//! Beside them `newswire-story`, `newswire-version` and `newswire-status` (`usable`,
//! `withheld`, `canceled`) let a receiver route without parsing the body, and
//! `traceparent` (W3C Trace Context) carries the story's trace on. Any answer
//! but 2xx, a timeout or a connection failure is a failure the queue retries; a
//! `Retry-After` (seconds) is honoured as the shortest wait. Redirects are not followed.

use super::SendError;
use crate::queue::Item;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use newswire_shared::article::Status;
use newswire_shared::config::WebhookDestination;
use newswire_shared::trace::TRACEPARENT;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::Sha256;
use std::time::Duration;

const ID_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `webhook-id` of a story version.
pub fn webhook_id(story: &str, version: u64) -> String {
    format!("{}:{version}", utf8_percent_encode(story, ID_ESCAPES))
}

/// The `webhook-signature` value: one `v1,` signature per key.
pub fn signature(keys: &[Vec<u8>], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    keys.iter()
        .map(|key| {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
            mac.update(msg_id.as_bytes());
            mac.update(b".");
            mac.update(timestamp.to_string().as_bytes());
            mac.update(b".");
            mac.update(body);
            let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
            format!("v1,{sig}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn status_name(s: Status) -> &'static str {
    match s {
        Status::Usable => "usable",
        Status::Withheld => "withheld",
        Status::Canceled => "canceled",
    }
}

pub struct WebhookSink {
    client: reqwest::Client,
    url: reqwest::Url,
    keys: Vec<Vec<u8>>,
}

impl WebhookSink {
    pub fn new(d: &WebhookDestination, timeout: Duration) -> anyhow::Result<Self> {
        let keys = std::iter::once(&d.secret)
            .chain(&d.secrets)
            .map(|s| s.key())
            .collect::<Result<_, _>>()?;
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Newswire-Delivery/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            url: d.url.parse()?,
            keys,
        })
    }

    pub async fn send(&self, item: &Item) -> Result<(), SendError> {
        let msg_id = webhook_id(&item.id, item.version);
        let timestamp = chrono::Utc::now().timestamp();
        let mut request = self.client.post(self.url.clone());
        // The story's trace continues at the receiver (W3C Trace Context §3.2): the
        // request's `traceparent` names delivery's span as its parent.
        if let Some(trace) = &item.trace {
            request = request.header(TRACEPARENT, trace.to_string());
        }
        let response = request
            .header("content-type", item.content_type)
            .header("webhook-id", &msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header(
                "webhook-signature",
                signature(&self.keys, &msg_id, timestamp, &item.body),
            )
            .header(
                "newswire-story",
                utf8_percent_encode(&item.id, ID_ESCAPES).to_string(),
            )
            .header("newswire-version", item.version.to_string())
            .header("newswire-status", status_name(item.status))
            .body(item.body.to_vec())
            .send()
            .await
            .map_err(|e| SendError::new(format!("POST {}: {}", self.url, without_url(&e))))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        Err(SendError {
            message: format!("POST {}: {status}", self.url),
            retry_after,
        })
    }
}

/// reqwest's message with the URL left out (it is given once, by us).
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text
            .replace(&format!(" ({url})"), "")
            .replace(url.as_str(), "");
    }
    if e.is_timeout() {
        return format!("timed out ({text})");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_header_safe_and_distinct() {
        assert_eq!(webhook_id("belta-123", 2), "belta-123:2");
        assert_eq!(webhook_id("a/b c", 1), "a%2Fb%20c:1");
        assert_eq!(
            webhook_id("Москва", 1),
            "%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0:1"
        );
        assert_ne!(webhook_id("a:1", 2), webhook_id("a", 12));
    }
}
