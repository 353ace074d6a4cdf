//! Subscriber keys as every HTTP service takes them: presented in a header or the
//! query, known by their SHA-256 digest only.
//!
//! Configuration may give a key as its secret (at least 16 characters) or as
//! `sha256:` and the 64 hex digits of the secret's SHA-256, so a leaked configuration
//! file leaks no key. Either way the process keeps only digests; a presented key is
//! hashed and compared with every known digest in time that does not depend on which
//! one (if any) matches. Keys are never logged, counted or echoed: subscribers are
//! known by name.

use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};

/// The SHA-256 of a key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KeyDigest([u8; 32]);

impl std::fmt::Debug for KeyDigest {
    /// Even a digest stays out of debug output: it is what a leaked log would need to
    /// match a configuration line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyDigest(…)")
    }
}

/// Why a configured key is refused; the message never contains the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("must be at least 16 characters, or sha256: and 64 hex digits")]
    TooShort,
    #[error("sha256: must be followed by exactly 64 hex digits")]
    BadDigest,
}

/// Shortest secret accepted in configuration.
pub const MIN_KEY_CHARS: usize = 16;

impl KeyDigest {
    pub fn of(secret: &str) -> Self {
        Self(Sha256::digest(secret.as_bytes()).into())
    }

    /// A configured key: `sha256:HEX` or the secret itself.
    pub fn from_config(text: &str) -> Result<Self, KeyError> {
        if let Some(hex) = text.strip_prefix("sha256:") {
            if hex.len() != 64 {
                return Err(KeyError::BadDigest);
            }
            let mut out = [0u8; 32];
            for (i, pair) in hex.as_bytes().chunks(2).enumerate() {
                let text = std::str::from_utf8(pair).map_err(|_| KeyError::BadDigest)?;
                out[i] = u8::from_str_radix(text, 16).map_err(|_| KeyError::BadDigest)?;
            }
            return Ok(Self(out));
        }
        if text.chars().count() < MIN_KEY_CHARS {
            return Err(KeyError::TooShort);
        }
        Ok(Self::of(text))
    }

    /// `sha256:` and lower-case hex: what to put in configuration instead of the secret.
    pub fn to_config(&self) -> String {
        let mut s = String::from("sha256:");
        for b in self.0 {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

/// A key as written in configuration (the secret, or `sha256:HEX`); shown by `Debug`
/// as `…`, so printing the settings prints no key.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct ConfiguredKey(String);

impl ConfiguredKey {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    pub fn digest(&self) -> Result<KeyDigest, KeyError> {
        KeyDigest::from_config(&self.0)
    }
}

impl std::fmt::Debug for ConfiguredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConfiguredKey(…)")
    }
}

impl From<&str> for ConfiguredKey {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

/// Known key digests, each naming its owner by position.
#[derive(Debug, Clone, Default)]
pub struct KeyRing(Vec<(KeyDigest, usize)>);

impl KeyRing {
    pub fn add(&mut self, digest: KeyDigest, owner: usize) {
        self.0.push((digest, owner));
    }

    /// The owner of `presented`, comparing with every digest whatever matches.
    pub fn owner(&self, presented: &str) -> Option<usize> {
        let digest = KeyDigest::of(presented);
        let mut found = None;
        for (known, owner) in &self.0 {
            if constant_time_eq(&digest.0, &known.0) {
                found = Some(*owner);
            }
        }
        found
    }
}

/// The key a request presents: `Authorization: Bearer KEY` (the scheme in any case,
/// RFC 9110 §11.1), `X-API-Key: KEY`, or the `key` query parameter, in that order.
pub fn presented_key<'a>(headers: &'a HeaderMap, key_param: Option<&'a str>) -> Option<&'a str> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then_some(token)
        });
    let api_key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    bearer.or(api_key).map(str::trim).or(key_param)
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

    #[test]
    fn a_digest_in_configuration_stands_for_its_secret() {
        // The SHA-256 test vector of "abc" (FIPS 180-2, appendix B.1).
        let abc = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(KeyDigest::from_config(abc).unwrap(), KeyDigest::of("abc"));
        assert_eq!(KeyDigest::of("abc").to_config(), abc);
        let secret = "a-secret-of-20-chars";
        let mut ring = KeyRing::default();
        ring.add(KeyDigest::from_config(secret).unwrap(), 0);
        ring.add(
            KeyDigest::from_config(&KeyDigest::of("another-secret-key").to_config()).unwrap(),
            1,
        );
        assert_eq!(ring.owner(secret), Some(0));
        assert_eq!(ring.owner("another-secret-key"), Some(1));
        assert_eq!(ring.owner("a-secret-of-20-charz"), None);
        assert_eq!(KeyDigest::from_config("short"), Err(KeyError::TooShort));
        assert_eq!(
            KeyDigest::from_config("sha256:abcd"),
            Err(KeyError::BadDigest)
        );
        assert!(!format!("{:?}", KeyDigest::of(secret)).contains("sha"));
    }

    #[test]
    fn keys_come_from_headers_then_the_query() {
        let mut h = HeaderMap::new();
        assert_eq!(presented_key(&h, Some("q")), Some("q"));
        h.insert("x-api-key", "from-header".parse().unwrap());
        assert_eq!(presented_key(&h, Some("q")), Some("from-header"));
        h.insert(header::AUTHORIZATION, "bearer  tok ".parse().unwrap());
        assert_eq!(presented_key(&h, None), Some("tok"));
        h.insert(header::AUTHORIZATION, "Basic dXNlcjpwdw==".parse().unwrap());
        assert_eq!(presented_key(&h, None), Some("from-header"));
    }
}
