//! Subscriber keys as every HTTP service takes them.

use axum::http::{header, HeaderMap};
use std::collections::BTreeMap;

/// The key a request presents: `Authorization: Bearer KEY`, `X-API-Key: KEY`, or
/// `?key=KEY`, in that order.
pub fn presented_key(headers: &HeaderMap, query: &BTreeMap<String, String>) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let api_key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    bearer
        .or(api_key)
        .map(|k| k.trim().to_string())
        .or_else(|| query.get("key").cloned())
}

/// Compares keys in time that depends only on their lengths, never on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        diff |= usize::from(a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0));
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_compare_exactly() {
        assert!(constant_time_eq(b"secret-key-0001", b"secret-key-0001"));
        assert!(!constant_time_eq(b"secret-key-0001", b"secret-key-0002"));
        assert!(!constant_time_eq(b"secret", b"secret-key"));
        assert!(!constant_time_eq(b"", b"x"));
    }
}
