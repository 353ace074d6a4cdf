//! Who may see the monitor: an operator, by key (`Authorization: Bearer KEY`) or by the
//! session cookie a key buys (`POST /monitor/api/session`), since a browser's
//! `EventSource` cannot send headers. Keys never travel in URLs (they would land in
//! history and access logs), and the cookie holds a random token, never the key.

use axum::http::{header, HeaderMap};
use newswire_shared::keys::{constant_time_eq, presented_key, KeyDigest, KeyRing};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The session cookie's name.
pub const COOKIE: &str = "newswire_monitor";
/// How long a session lasts (an operator's shift).
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);

pub struct Operators {
    keys: KeyRing,
    /// Session token → when it expires.
    sessions: Mutex<HashMap<String, Instant>>,
}

impl Operators {
    /// From the configured keys' digests (already validated by the settings).
    pub fn new(digests: impl IntoIterator<Item = KeyDigest>) -> Self {
        let mut keys = KeyRing::default();
        for d in digests {
            keys.add(d, 0);
        }
        Self {
            keys,
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the request's `Authorization: Bearer` (or `X-API-Key`) is an
    /// operator's key. The query is never read.
    pub fn key_presented(&self, headers: &HeaderMap) -> bool {
        presented_key(headers, None).is_some_and(|k| self.keys.owner(k).is_some())
    }

    /// Whether the request is an operator's: by key or by a live session cookie.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        self.key_presented(headers) || self.session_of(headers)
    }

    fn session_of(&self, headers: &HeaderMap) -> bool {
        let Some(token) = cookie(headers, COOKIE) else {
            return false;
        };
        let mut sessions = self.sessions.lock().expect("sessions lock");
        let now = Instant::now();
        sessions.retain(|_, expires| *expires > now);
        let mut found = false;
        for known in sessions.keys() {
            found |= constant_time_eq(known.as_bytes(), token.as_bytes());
        }
        found
    }

    /// A new session's token (32 random bytes as hex).
    pub fn open_session(&self) -> String {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system's random source");
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        self.sessions
            .lock()
            .expect("sessions lock")
            .insert(token.clone(), Instant::now() + SESSION_LIFETIME);
        token
    }

    pub fn close_session(&self, headers: &HeaderMap) {
        if let Some(token) = cookie(headers, COOKIE) {
            self.sessions.lock().expect("sessions lock").remove(token);
        }
    }
}

/// A new operator key: 24 random bytes as hex (for `newswire dev`, which prints it).
pub fn new_key() -> String {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The value of cookie `name` in the request's `Cookie` headers (RFC 6265 §5.4).
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_cookie_admits_only_while_it_is_known() {
        let ops = Operators::new([KeyDigest::of("operator-key-0123456")]);
        let mut h = HeaderMap::new();
        assert!(!ops.admits(&h));
        h.insert(
            header::AUTHORIZATION,
            "Bearer operator-key-0123456".parse().unwrap(),
        );
        assert!(ops.admits(&h));
        let token = ops.open_session();
        let mut c = HeaderMap::new();
        c.insert(
            header::COOKIE,
            format!("a=b; {COOKIE}={token}").parse().unwrap(),
        );
        assert!(ops.admits(&c));
        ops.close_session(&c);
        assert!(!ops.admits(&c));
    }
}
