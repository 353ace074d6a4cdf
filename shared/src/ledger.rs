//! The delivery ledger's records: the contract between push delivery, which writes one
//! per (subscriber, destination, story) in a compacted Kafka topic (`topics.ledger`)
//! saying which version the destination last received, and the readers that learn from
//! it (delivery itself after a restart or a rebalance, the wire monitor's journeys).
//!
//! Key: `{subscriber}/{destination}/{story id}` (subscriber and destination names have
//! no `/`; a story id may). Value: JSON
//! `{"version":3,"status":"usable","delivered_at":"2024-11-28T10:00:00Z"}`. Headers: the
//! delivered version's `traceparent` (W3C Trace Context §3.2), with delivery's own span,
//! when the version had one.

use crate::article::Status;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What one destination last received of one story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub version: u64,
    pub status: Status,
    /// When the destination accepted it (RFC 3339, UTC).
    pub delivered_at: DateTime<Utc>,
}

/// The record key of `story` at `destination` of `subscriber`.
pub fn key(subscriber: &str, destination: &str, story: &str) -> String {
    format!("{subscriber}/{destination}/{story}")
}

/// `(subscriber, destination, story)` of a ledger key; `None` for a key of another shape.
pub fn parse_key(key: &str) -> Option<(&str, &str, &str)> {
    let (subscriber, rest) = key.split_once('/')?;
    let (destination, story) = rest.split_once('/')?;
    (!story.is_empty()).then_some((subscriber, destination, story))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_with_slashes_in_ids() {
        let k = key("acme", "webhook", "belta/2024/11/28-1");
        assert_eq!(
            parse_key(&k),
            Some(("acme", "webhook", "belta/2024/11/28-1"))
        );
        assert_eq!(parse_key("acme/webhook"), None);
        let e = Entry {
            version: 3,
            status: Status::Canceled,
            delivered_at: "2024-11-28T10:00:00Z".parse().unwrap(),
        };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"version":3,"status":"canceled","delivered_at":"2024-11-28T10:00:00Z"}"#
        );
        assert_eq!(serde_json::from_str::<Entry>(&json).unwrap(), e);
    }
}
