//! `articles.enriched` → `newsml.items`, exactly once: one NewsML-G2 item per new
//! article version. A version not newer than the last one rendered (redelivery, a
//! late older version) produces nothing.

use crate::g2::{version_document, Provider};
use chrono::SecondsFormat;
use newswire_shared::access::StoryFacts;
use newswire_shared::article::Status;
use newswire_shared::cloudevents::{header_str, types, CloudEvent};
use newswire_shared::kafka::{
    decode_keyed_article, OutputRecord, OutputState, Rejection, Transform,
};
use newswire_shared::validate::Stage;
use newswire_shared::{Article, Settings};
use rdkafka::message::{BorrowedMessage, Header, Message, OwnedHeaders};
use std::collections::HashMap;
use std::time::Duration;

/// Headers that let readers of `newsml.items` route without parsing the XML.
pub const VERSION_HEADER: &str = "newsml_version";
pub const STATUS_HEADER: &str = "newsml_status";
pub const EMBARGO_HEADER: &str = "newsml_embargo_until";
/// What subscribers' entitlements select on, in canonical form: the section slug,
/// the language tag in lower case, the urgency, and the entity ids and name slugs
/// separated by spaces (neither ever holds one). Absent when unknown.
pub const SECTION_HEADER: &str = "newsml_section";
pub const LANGUAGE_HEADER: &str = "newsml_language";
pub const URGENCY_HEADER: &str = "newsml_urgency";
pub const ENTITIES_HEADER: &str = "newsml_entities";

pub struct NewsmlTransform {
    provider: Provider,
    output_topic: String,
    source: String,
    /// Highest version rendered per story, kept in `newsml.items` (the `newsml_version`
    /// header of each record).
    rendered: OutputState<u64>,
}

impl NewsmlTransform {
    /// Reads what it rendered before back from `newsml.items` at start and after every
    /// rebalance.
    pub fn new(settings: &Settings) -> Self {
        Self {
            rendered: OutputState::kept_in(
                &settings.kafka,
                &settings.topics.newsml,
                "newswire-newsml-rendered",
                Duration::from_secs(60),
                fold_rendered,
            ),
            ..Self::offline(settings)
        }
    }

    /// Starts with nothing rendered and never reads Kafka back (tests, benchmarks).
    pub fn offline(settings: &Settings) -> Self {
        Self {
            provider: provider(settings),
            output_topic: settings.topics.newsml.clone(),
            source: settings.newsml.source.clone(),
            rendered: OutputState::in_memory(HashMap::new()),
        }
    }
}

/// A `newsml.items` record raises its story's highest rendered version to its own.
fn fold_rendered(rendered: &mut HashMap<String, u64>, m: &BorrowedMessage<'_>) {
    let id = m.key().map(|k| String::from_utf8_lossy(k).into_owned());
    let version = m
        .headers()
        .and_then(|h| header_str(h, VERSION_HEADER))
        .and_then(|v| v.parse::<u64>().ok());
    if let (Some(id), Some(v)) = (id, version) {
        let e = rendered.entry(id).or_default();
        *e = (*e).max(v);
    }
}

pub fn provider(settings: &Settings) -> Provider {
    Provider {
        name: settings.newsml.provider_name.clone(),
        uri: settings.newsml.provider_uri.clone(),
    }
}

/// The `newsml.items` record of an article version: its text `newsItem`, or for a
/// story with media the `newsMessage` of its package, text and media items.
pub fn item_record(
    article: &Article,
    provider: &Provider,
    topic: &str,
    source: &str,
) -> OutputRecord {
    let event = CloudEvent::for_article(article, source, types::NEWSML_ITEM);
    let status = match article.status {
        Status::Usable => "usable",
        Status::Withheld => "withheld",
        Status::Canceled => "canceled",
    };
    let (document, content_type) = version_document(article, provider);
    let mut headers: OwnedHeaders = event
        .to_headers_with_content_type(content_type)
        .insert(Header {
            key: VERSION_HEADER,
            value: Some(&article.version.to_string()),
        })
        .insert(Header {
            key: STATUS_HEADER,
            value: Some(status),
        });
    if let Some(e) = article.embargo_until {
        headers = headers.insert(Header {
            key: EMBARGO_HEADER,
            value: Some(&e.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        });
    }
    let facts = StoryFacts::of(article);
    for (key, value) in [
        (SECTION_HEADER, facts.section.clone()),
        (LANGUAGE_HEADER, facts.lang.clone()),
        (URGENCY_HEADER, Some(facts.urgency.to_string())),
        (
            ENTITIES_HEADER,
            (!facts.entities.is_empty()).then(|| facts.entities.join(" ")),
        ),
    ] {
        if let Some(value) = value {
            headers = headers.insert(Header {
                key,
                value: Some(&value),
            });
        }
    }
    OutputRecord {
        topic: topic.to_string(),
        key: Some(article.id.clone().into_bytes()),
        payload: Some(document),
        headers,
    }
}

impl Transform for NewsmlTransform {
    fn apply(&mut self, message: &BorrowedMessage<'_>) -> Result<Vec<OutputRecord>, Rejection> {
        let article = decode_keyed_article(message, Stage::Enriched)?;
        let done = self.rendered.get(&article.id).copied().unwrap_or(0);
        if article.version <= done {
            return Ok(Vec::new());
        }
        self.rendered.set(article.id.clone(), article.version);
        Ok(vec![item_record(
            &article,
            &self.provider,
            &self.output_topic,
            &self.source,
        )])
    }

    fn committed(&mut self) {
        self.rendered.committed();
    }

    fn aborted(&mut self) {
        self.rendered.aborted();
    }

    fn reassigned(&mut self) {
        self.rendered.reassigned();
    }
}

/// The facts a `newsml.items` record's headers carry (see [`SECTION_HEADER`]); what a
/// record lacks (one written before these headers existed) stays unknown, which only
/// an entitlement to everything is granted.
pub fn facts_from_headers<H: rdkafka::message::Headers>(headers: &H) -> StoryFacts {
    let mut entities: Vec<String> = header_str(headers, ENTITIES_HEADER)
        .map(|e| {
            e.split(' ')
                .filter(|e| !e.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    entities.sort_unstable();
    entities.dedup();
    StoryFacts {
        section: header_str(headers, SECTION_HEADER).map(String::from),
        lang: header_str(headers, LANGUAGE_HEADER).map(String::from),
        urgency: header_str(headers, URGENCY_HEADER)
            .and_then(|u| u.parse().ok())
            .unwrap_or(StoryFacts::default().urgency),
        entities,
    }
}
