//! Who is calling: the public, or a subscriber known by a key; each subscriber
//! rate-limited. Refusals are the same terse answer whatever was asked, so they reveal
//! nothing about what exists.

use super::entitlement::Entitlement;
use super::selection::{Params, Selector};
use crate::config::{FeedsSettings, NewsmlSettings};
use crate::keys::{presented_key, ConfiguredKey, KeyRing};
use axum::http::HeaderMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A subscriber as access control knows it: by name, never by key.
#[derive(Debug)]
pub struct Grantee {
    pub name: String,
    pub entitlement: Entitlement,
    /// NewsML: sees embargoed items at once.
    pub trust_embargo: bool,
}

/// Who a request comes from, once admitted.
#[derive(Debug, Clone, Copy)]
pub enum Caller<'a> {
    /// No key needed; a key presented is one some subscriber has, and is not used.
    Public,
    Subscriber(&'a Grantee),
}

impl Caller<'_> {
    pub fn is_public(&self) -> bool {
        matches!(self, Caller::Public)
    }
}

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No key where one is needed, or a key nobody has: 401.
    Unauthorized,
    /// A valid key not entitled to what was asked: 403.
    Forbidden,
    /// Over the subscriber's rate: 429 with `Retry-After`.
    RateLimited(Duration),
}

pub struct Gate {
    public: Entitlement,
    grantees: Vec<Grantee>,
    keys: KeyRing,
    per_minute: u32,
    buckets: Vec<Mutex<Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Gate {
    /// `subscribers`: each grantee with its configured keys. A key or pattern that does
    /// not parse (settings are validated at load; this guards settings built in code)
    /// is left out with an error naming the subscriber: access is denied, not widened.
    pub fn new<'k>(
        public: &[String],
        subscribers: impl IntoIterator<Item = (Grantee, Vec<&'k ConfiguredKey>)>,
        per_minute: u32,
    ) -> Self {
        let public = Entitlement::parse(public).unwrap_or_else(|e| {
            tracing::error!(error = %e, "public patterns ignored: nothing is public");
            Entitlement::nothing()
        });
        let mut keys = KeyRing::default();
        let mut grantees = Vec::new();
        for (grantee, configured) in subscribers {
            for k in configured {
                match k.digest() {
                    Ok(d) => keys.add(d, grantees.len()),
                    Err(e) => {
                        tracing::error!(subscriber = %grantee.name, error = %e, "a key of this subscriber is ignored")
                    }
                }
            }
            grantees.push(grantee);
        }
        let now = Instant::now();
        let capacity = f64::from(per_minute.max(1));
        Self {
            public,
            buckets: grantees
                .iter()
                .map(|_| {
                    Mutex::new(Bucket {
                        tokens: capacity,
                        at: now,
                    })
                })
                .collect(),
            grantees,
            keys,
            per_minute: per_minute.max(1),
        }
    }

    pub fn for_feeds(settings: &FeedsSettings) -> Self {
        let subscribers = settings.subscribers.iter().map(|s| {
            let grantee = Grantee {
                name: s.name.clone(),
                entitlement: entitlement_of(&s.name, &s.feeds),
                trust_embargo: false,
            };
            (grantee, s.all_keys().collect())
        });
        Self::new(
            &settings.public,
            subscribers,
            settings.rate_limit_per_minute,
        )
    }

    pub fn for_newsml(settings: &NewsmlSettings) -> Self {
        let subscribers = settings.subscribers.iter().map(|s| {
            let grantee = Grantee {
                name: s.name.clone(),
                entitlement: entitlement_of(&s.name, &s.items),
                trust_embargo: s.trust_embargo,
            };
            (grantee, s.all_keys().collect())
        });
        Self::new(
            settings.public_patterns(),
            subscribers,
            settings.rate_limit_per_minute,
        )
    }

    /// A named document (a feed, an archive page, a `/v1/items` stream): public when a
    /// public pattern grants the whole selection, else the key's entitlement must grant
    /// it — [`Entitlement::grants`] with no pinned story. A key nobody has is 401 even
    /// where none is needed (RFC 6750 §3.1): a subscriber whose key was
    /// mistyped or revoked learns it from the first request, not when a private feed
    /// stops, and the answer does not depend on what the public may read.
    pub fn admit(
        &self,
        filters: &Selector,
        headers: &HeaderMap,
        params: &Params,
    ) -> Result<Caller<'_>, Refusal> {
        if self.public.grants(filters, None) {
            return match presented_key(headers, params.get("key")) {
                Some(key) if self.keys.owner(key).is_none() => Err(Refusal::Unauthorized),
                _ => Ok(Caller::Public),
            };
        }
        let grantee = self
            .subscriber(headers, params)?
            .ok_or(Refusal::Unauthorized)?;
        if !grantee.entitlement.grants(filters, None) {
            return Err(Refusal::Forbidden);
        }
        Ok(Caller::Subscriber(grantee))
    }

    /// Item by item (NewsML pull): the caller and the entitlement each story is then
    /// checked against with [`Entitlement::admits`]. Without a key, the public patterns
    /// (401 when there are none); with one, the subscriber's own patterns only.
    pub fn identify(
        &self,
        headers: &HeaderMap,
        params: &Params,
    ) -> Result<(Caller<'_>, &Entitlement), Refusal> {
        match self.subscriber(headers, params)? {
            None if self.public.is_nothing() => Err(Refusal::Unauthorized),
            None => Ok((Caller::Public, &self.public)),
            Some(g) if g.entitlement.is_nothing() => Err(Refusal::Forbidden),
            Some(g) => Ok((Caller::Subscriber(g), &g.entitlement)),
        }
    }

    /// The subscriber whose key the request presents (`None`: no key), rate-limited.
    fn subscriber(
        &self,
        headers: &HeaderMap,
        params: &Params,
    ) -> Result<Option<&Grantee>, Refusal> {
        let Some(key) = presented_key(headers, params.get("key")) else {
            return Ok(None);
        };
        let index = self.keys.owner(key).ok_or(Refusal::Unauthorized)?;
        self.take_token(index).map_err(Refusal::RateLimited)?;
        Ok(Some(&self.grantees[index]))
    }

    fn take_token(&self, index: usize) -> Result<(), Duration> {
        let capacity = f64::from(self.per_minute);
        let per_sec = capacity / 60.0;
        let mut b = self.buckets[index].lock().expect("rate limit lock");
        let now = Instant::now();
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

fn entitlement_of(name: &str, patterns: &[String]) -> Entitlement {
    Entitlement::parse(patterns).unwrap_or_else(|e| {
        tracing::error!(subscriber = %name, error = %e, "entitlement ignored: this subscriber gets nothing");
        Entitlement::nothing()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Subscriber;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn feeds_need_a_key_entitled_to_the_whole_selection() {
        let mut settings = FeedsSettings {
            public: vec!["urgent".into()],
            ..FeedsSettings::default()
        };
        let mut sport = Subscriber::new("sport", "sport-key-0123456789", &["section/sport"]);
        // Rotation: the old key by digest, the new one as a secret.
        sport.key = Some(
            crate::keys::KeyDigest::of("old-sport-key-0123456789")
                .to_config()
                .as_str()
                .into(),
        );
        sport.keys = vec!["sport-key-0123456789".into()];
        settings.subscribers = vec![sport];
        let gate = Gate::for_feeds(&settings);
        let sel =
            |name: &str, q: &str| Selector::parse(name, &Params::parse(Some(q)).unwrap()).unwrap();
        let none = Params::default();
        assert!(gate
            .admit(&sel("urgent", ""), &HeaderMap::new(), &none)
            .unwrap()
            .is_public());
        assert_eq!(
            gate.admit(&sel("section/sport", ""), &HeaderMap::new(), &none)
                .unwrap_err(),
            Refusal::Unauthorized
        );
        for key in ["sport-key-0123456789", "old-sport-key-0123456789"] {
            let h = headers(&[("x-api-key", key)]);
            assert!(
                matches!(gate.admit(&sel("section/sport", "lang=ru"), &h, &none), Ok(Caller::Subscriber(g)) if g.name == "sport")
            );
            assert_eq!(
                gate.admit(&sel("all", "section=economy"), &h, &none)
                    .unwrap_err(),
                Refusal::Forbidden
            );
        }
        let wrong = headers(&[("x-api-key", "sport-key-012345678")]);
        assert_eq!(
            gate.admit(&sel("section/sport", ""), &wrong, &none)
                .unwrap_err(),
            Refusal::Unauthorized
        );
        // Where the public may read without a key, a key nobody has is still refused,
        // and a subscriber's key is still read as public.
        assert_eq!(
            gate.admit(&sel("urgent", ""), &wrong, &none).unwrap_err(),
            Refusal::Unauthorized
        );
        let wrong_in_query = Params::parse(Some("key=sport-key-012345678")).unwrap();
        assert_eq!(
            gate.admit(&sel("urgent", ""), &HeaderMap::new(), &wrong_in_query)
                .unwrap_err(),
            Refusal::Unauthorized
        );
        let right = headers(&[("x-api-key", "sport-key-0123456789")]);
        assert!(gate
            .admit(&sel("urgent", ""), &right, &none)
            .unwrap()
            .is_public());
    }
}
