//! The delivery ledger: one record per (subscriber, destination, story) in a compacted
//! Kafka topic, saying which version the destination last received. It is written in
//! the same transaction as the input offsets it covers, and partitioned as the input
//! (`articles.enriched` partition p → ledger partition p), so whoever delivers a
//! partition reads exactly its part of the ledger back — after a restart, or on
//! another replica after a rebalance — and neither resends nor forgets.
//!
//! Key: `{subscriber}/{destination}/{story id}` (names have no `/`; an id may).
//! Value: JSON `{"version":3,"status":"usable","delivered_at":"2024-11-28T10:00:00Z"}`.

use chrono::{DateTime, Utc};
use newswire_shared::article::Status;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub version: u64,
    pub status: Status,
    pub delivered_at: DateTime<Utc>,
}

pub fn key(subscriber: &str, destination: &str, story: &str) -> String {
    format!("{subscriber}/{destination}/{story}")
}

/// `(subscriber, destination, story)` of a ledger key.
pub fn parse_key(key: &str) -> Option<(&str, &str, &str)> {
    let (subscriber, rest) = key.split_once('/')?;
    let (destination, story) = rest.split_once('/')?;
    (!story.is_empty()).then_some((subscriber, destination, story))
}

/// One ledger record waiting to be committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub partition: i32,
    pub key: String,
    pub entry: Entry,
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
