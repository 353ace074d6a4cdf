//! Who may read which feed: public feeds for everyone, the rest for subscriber keys
//! entitled to them, each key rate-limited. Refusals say nothing about the feed.

use axum::http::HeaderMap;
use newswire_shared::config::{FeedsSettings, Subscriber};
use newswire_shared::keys::{constant_time_eq, presented_key};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Public feed: anyone, shared caches welcome.
    Public,
    /// A subscriber's feed: private caching only.
    Subscriber(String),
    /// No key or an unknown key.
    Unauthorized,
    /// A valid key not entitled to this feed.
    Forbidden,
    /// Over the key's rate; retry after this long.
    RateLimited(Duration),
}

pub struct Access {
    public: Vec<String>,
    subscribers: Vec<Subscriber>,
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Access {
    pub fn new(settings: &FeedsSettings) -> Self {
        Self {
            public: settings.public.clone(),
            subscribers: settings.subscribers.clone(),
            per_minute: settings.rate_limit_per_minute,
            buckets: Mutex::default(),
        }
    }

    /// `feed` is the feed's path name (`all`, `section/economy`).
    pub fn decide(
        &self,
        feed: &str,
        headers: &HeaderMap,
        query: &BTreeMap<String, String>,
    ) -> Decision {
        if self.public.iter().any(|p| pattern_matches(p, feed)) {
            return Decision::Public;
        }
        let Some(key) = presented_key(headers, query) else {
            return Decision::Unauthorized;
        };
        let Some(subscriber) = self.find(key.as_bytes()) else {
            return Decision::Unauthorized;
        };
        if !subscriber.feeds.iter().any(|p| pattern_matches(p, feed)) {
            return Decision::Forbidden;
        }
        match self.take_token(&subscriber.name) {
            Ok(()) => Decision::Subscriber(subscriber.name.clone()),
            Err(wait) => Decision::RateLimited(wait),
        }
    }

    /// Compares with every key, in time independent of where (or whether) it matches.
    fn find(&self, presented: &[u8]) -> Option<&Subscriber> {
        let mut found = None;
        for s in &self.subscribers {
            if constant_time_eq(presented, s.key.as_bytes()) {
                found = Some(s);
            }
        }
        found
    }

    fn take_token(&self, name: &str) -> Result<(), Duration> {
        let capacity = f64::from(self.per_minute);
        let per_sec = capacity / 60.0;
        let mut buckets = self.buckets.lock().expect("rate limit lock");
        let now = Instant::now();
        let b = buckets.entry(name.to_string()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * per_sec).min(capacity);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / per_sec))
        }
    }
}

/// `*` matches everything; `section/*` every section; anything else matches itself.
pub fn pattern_matches(pattern: &str, feed: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => feed.starts_with(prefix),
        None => pattern == feed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_and_keys() {
        assert!(pattern_matches("*", "entity/q1"));
        assert!(pattern_matches("section/*", "section/economy"));
        assert!(!pattern_matches("section/*", "lang/ru"));
        assert!(pattern_matches("all", "all") && !pattern_matches("all", "allx"));
    }
}
