//! The article event contract (v1): the public API every producer and consumer of our
//! topics relies on. `schema/article.v1.schema.json` and
//! `schema/enriched-article.v1.schema.json` describe the same shape for non-Rust tools;
//! `tests/schema_agreement.rs` keeps the two in step.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One version of one story, as the newsroom publishes it.
///
/// Unknown fields are rejected so that a misspelt field (`headlnie`) is an error the
/// newsroom sees at once rather than a silently missing headline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Article {
    /// Stable per story across all its versions; also the Kafka key.
    pub id: String,
    /// Grows with each edit; consumers keep the highest version they have seen.
    pub version: u64,
    pub status: Status,
    pub headline: String,
    /// HTML fragment as written by the newsroom; sanitised by each renderer.
    pub body: String,
    /// RFC 3339, read by the contract's one rule for time values ([`crate::timestamp`]).
    #[serde(with = "crate::timestamp::rfc3339")]
    pub first_created: DateTime<Utc>,
    #[serde(with = "crate::timestamp::rfc3339")]
    pub version_created: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline: Option<Dateline>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The publisher's BCP 47 hint; the enricher checks it against the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// 1 = flash … 9 = lowest.
    #[serde(default = "default_urgency")]
    pub urgency: u8,
    /// The story must not reach any subscriber before this instant.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::timestamp::rfc3339_option"
    )]
    pub embargo_until: Option<DateTime<Utc>>,
    /// Canonical link to the story on the publisher's site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<Media>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<Signal>,
    /// Agency or desk that produced the story.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Present only on `articles.enriched`; never accepted from the newsroom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrichment: Option<Enrichment>,
}

pub const DEFAULT_URGENCY: u8 = 5;

fn default_urgency() -> u8 {
    DEFAULT_URGENCY
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Usable,
    Withheld,
    /// The story is killed: every copy must be withdrawn.
    Canceled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Signal {
    Update,
    Correction,
}

/// The dateline as the newsroom wrote it ("ASTANA, 28 November (BelTA)").
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dateline {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Media {
    pub url: String,
    /// MIME type, e.g. `image/jpeg`.
    #[serde(rename = "type")]
    pub media_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

/// What the enricher adds. Every field is optional in the sense that a consumer must
/// cope with an empty list; the enricher always writes `language`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enrichment {
    /// BCP 47 tag of the body text (`und` when it cannot be told).
    pub language: String,
    /// 0–1.
    pub language_confidence: f32,
    /// The headline's own tag, only when it differs from the body's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline_language: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<Entity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Subject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline: Option<ParsedDateline>,
    /// Hashtag-ready keywords for the social service.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    Person,
    Organization,
    Place,
    Event,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// Canonical name in the article's language.
    pub name: String,
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    /// `wikidata:Q…`, `geonames:…` or `iso3166-2:CC-XXX` when known ([`crate::entity_id`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub mentions: Vec<Mention>,
    pub count: u32,
    /// 0–1; headline and lead weigh more.
    pub salience: f32,
}

/// Character offsets (Unicode scalar values) into the plain text of headline + body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mention {
    pub start: u32,
    pub end: u32,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// IPTC Media Topic, `medtop:…`.
    pub code: String,
    pub label: String,
    pub confidence: f32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParsedDateline {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_id: Option<String>,
    /// As written in the text ("28 November").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The embargo rule, in one place: whether a version with this status and embargo may be
/// seen by any subscriber at `now` — `usable`, and its embargo (if any) passed (the
/// embargo instant itself counts as passed). Every way a story leaves asks this, through
/// [`Article::is_released_at`] or, for a store that keeps only a version's facts, directly.
pub fn is_released_at(
    status: Status,
    embargo_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    status == Status::Usable && embargo_until.is_none_or(|t| t <= now)
}

/// The instant a version makes its story public: the later of its embargo and `written`,
/// the instant the version was written. Taken from data, never from the clock, so every
/// replica replaying a topic reaches the same instant.
///
/// `written` is the event's `version_created` ([`Article::release_instant`]: feeds and
/// social) — except in NewsML delivery, which deliberately passes the `newsml.items`
/// record's timestamp (when the stage rendered the version): its release waits until the
/// topic is read ("settled") up to that instant, and settling is measured in record time,
/// so a release instant in the newsroom's clock could be declared settled before the
/// records written up to it were read.
pub fn release_instant(
    embargo_until: Option<DateTime<Utc>>,
    written: DateTime<Utc>,
) -> DateTime<Utc> {
    embargo_until.map_or(written, |e| e.max(written))
}

impl Article {
    /// Whether any subscriber may see this version at `now` ([`is_released_at`]).
    pub fn is_released_at(&self, now: DateTime<Utc>) -> bool {
        is_released_at(self.status, self.embargo_until, now)
    }

    /// The instant this version makes the story public ([`release_instant`] from its
    /// `version_created`).
    pub fn release_instant(&self) -> DateTime<Utc> {
        release_instant(self.embargo_until, self.version_created)
    }

    /// The language of the story: the enricher's finding, else the newsroom's hint.
    pub fn story_language(&self) -> Option<&str> {
        self.enrichment
            .as_ref()
            .map(|e| e.language.as_str())
            .filter(|l| *l != "und")
            .or(self.language.as_deref())
    }

    /// The (id, version) pair every consumer deduplicates on.
    pub fn identity(&self) -> (&str, u64) {
        (&self.id, self.version)
    }
}
