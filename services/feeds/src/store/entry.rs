//! What the feed store keeps in memory per story: its latest version's facts, not its
//! text. Bodies are loaded when a feed is rendered (see `store::Bodies`).

use crate::store::filters::{take_u32, Facets, Symbols};
use chrono::{DateTime, Utc};
use newswire_shared::article::{self, Status};
use newswire_shared::Article;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub version: u64,
    pub status: Status,
    pub first_created: DateTime<Utc>,
    pub version_created: DateTime<Utc>,
    pub embargo_until: Option<DateTime<Utc>>,
    /// When the story first became visible — its place in the archive. `None` while no
    /// subscriber could have seen it (withheld, embargoed, killed before release).
    pub released_at: Option<DateTime<Utc>>,
    pub facets: Facets,
}

impl Entry {
    pub fn of(a: &Article, symbols: &mut Symbols) -> Self {
        Self {
            version: a.version,
            status: a.status,
            first_created: a.first_created,
            version_created: a.version_created,
            embargo_until: a.embargo_until,
            released_at: None,
            facets: Facets::of(a, symbols),
        }
    }

    /// The shared embargo rule ([`newswire_shared::article::is_released_at`]).
    pub fn is_released_at(&self, now: DateTime<Utc>) -> bool {
        article::is_released_at(self.status, self.embargo_until, now)
    }

    /// The instant this version makes the story public, its place in the archive: its
    /// embargo, or when this version was written (never before `first_created`: the
    /// event contract refuses that). Not `first_created`, which a newsroom may
    /// backdate: a story released now but dated before a full archive page would slip
    /// onto that page and shift every page after it. Taken from the event, not the
    /// clock, so replicas replaying the topic place it alike.
    pub fn release_instant(&self) -> DateTime<Utc> {
        article::release_instant(self.embargo_until, self.version_created)
    }

    /// Fixed-width little-endian fields, then the facets.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(48 + 4 * self.facets.entities.len());
        out.extend_from_slice(&self.version.to_le_bytes());
        out.push(match self.status {
            Status::Usable => 0,
            Status::Withheld => 1,
            Status::Canceled => 2,
        });
        for t in [
            Some(self.first_created),
            Some(self.version_created),
            self.embargo_until,
            self.released_at,
        ] {
            out.extend_from_slice(&t.map_or(i64::MIN, |t| t.timestamp_micros()).to_le_bytes());
        }
        self.facets.encode(&mut out);
        out
    }

    pub fn decode(mut bytes: &[u8]) -> Option<Self> {
        let b = &mut bytes;
        let version = u64::from(take_u32(b)?) | (u64::from(take_u32(b)?) << 32);
        let (&status, rest) = b.split_first()?;
        *b = rest;
        let status = match status {
            0 => Status::Usable,
            1 => Status::Withheld,
            2 => Status::Canceled,
            _ => return None,
        };
        let mut time = || -> Option<Option<DateTime<Utc>>> {
            let (head, rest) = b.split_first_chunk::<8>()?;
            *b = rest;
            let micros = i64::from_le_bytes(*head);
            Some(if micros == i64::MIN {
                None
            } else {
                Some(DateTime::from_timestamp_micros(micros)?)
            })
        };
        let (first_created, version_created) = (time()??, time()??);
        let (embargo_until, released_at) = (time()?, time()?);
        let facets = Facets::decode(b)?;
        b.is_empty().then_some(Self {
            version,
            status,
            first_created,
            version_created,
            embargo_until,
            released_at,
            facets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_survive_encoding_and_garbage_is_refused() {
        let a: Article = serde_json::from_value(serde_json::json!({
            "id": "a", "version": 7_000_000_000u64, "status": "canceled", "headline": "H", "body": "",
            "section": "World", "language": "de", "urgency": 2,
            "first_created": "2024-11-28T08:00:00Z", "version_created": "2024-11-28T09:00:00.123456Z",
            "embargo_until": "2024-11-28T10:00:00Z"
        }))
        .unwrap();
        let mut symbols = Symbols::default();
        let mut e = Entry::of(&a, &mut symbols);
        e.released_at = Some(e.release_instant());
        let bytes = e.encode();
        assert_eq!(Entry::decode(&bytes), Some(e));
        assert_eq!(Entry::decode(&bytes[..bytes.len() - 1]), None);
        assert_eq!(Entry::decode(&[bytes.as_slice(), &[0]].concat()), None);
    }
}
