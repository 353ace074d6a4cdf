//! CloudEvents 1.0 attributes in Kafka headers (binary content mode), so tools outside
//! Newswire can read our topics. The `cloudevents-sdk` crate pins an older rdkafka, so the
//! Kafka protocol binding's header names are mapped here.

use crate::article::Article;
use rdkafka::message::{Header, Headers, OwnedHeaders};

pub const SPECVERSION: &str = "1.0";
pub const CONTENT_TYPE: &str = "application/json";

/// The `ce_type` of each event kind we publish.
pub mod types {
    pub const PUBLISHED: &str = "news.article.published.v1";
    pub const ENRICHED: &str = "news.article.enriched.v1";
    pub const SOCIAL_POST: &str = "news.social.post.v1";
    pub const NEWSML_ITEM: &str = "news.newsml.item.v1";
}

/// The CloudEvents context of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudEvent {
    /// Unique per (source, event): `{article id}:{version}`, so a re-sent event keeps
    /// its id, as the spec allows, and consumers can recognise it.
    pub id: String,
    pub source: String,
    pub event_type: String,
    pub time: String,
    pub subject: String,
}

impl CloudEvent {
    pub fn for_article(article: &Article, source: &str, event_type: &str) -> Self {
        Self {
            id: format!("{}:{}", article.id, article.version),
            source: source.to_string(),
            event_type: event_type.to_string(),
            time: article
                .version_created
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            subject: article.id.clone(),
        }
    }

    pub fn to_headers(&self) -> OwnedHeaders {
        self.to_headers_with_content_type(CONTENT_TYPE)
    }

    /// As [`CloudEvent::to_headers`], for a payload that is not JSON.
    pub fn to_headers_with_content_type(&self, content_type: &str) -> OwnedHeaders {
        OwnedHeaders::new_with_capacity(10)
            .insert(header("ce_specversion", SPECVERSION))
            .insert(header("ce_id", &self.id))
            .insert(header("ce_source", &self.source))
            .insert(header("ce_type", &self.event_type))
            .insert(header("ce_time", &self.time))
            .insert(header("ce_subject", &self.subject))
            .insert(header("content-type", content_type))
    }

    /// Reads the context back; `None` when a required attribute is missing.
    pub fn from_headers<H: Headers>(headers: &H) -> Option<Self> {
        let get = |name: &str| header_str(headers, name).map(str::to_string);
        if get("ce_specversion")? != SPECVERSION {
            return None;
        }
        Some(Self {
            id: get("ce_id")?,
            source: get("ce_source")?,
            event_type: get("ce_type")?,
            time: get("ce_time").unwrap_or_default(),
            subject: get("ce_subject").unwrap_or_default(),
        })
    }
}

fn header<'a>(key: &'a str, value: &'a str) -> Header<'a, &'a str> {
    Header {
        key,
        value: Some(value),
    }
}

/// The first header named `name`, as UTF-8.
pub fn header_str<'h, H: Headers>(headers: &'h H, name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|h| h.key == name)
        .and_then(|h| h.value)
        .and_then(|v| std::str::from_utf8(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip() {
        let article: Article = serde_json::from_value(serde_json::json!({
            "id": "a1", "version": 3, "status": "usable", "headline": "H", "body": "",
            "first_created": "2024-11-28T08:38:00Z", "version_created": "2024-11-28T09:00:00Z"
        }))
        .unwrap();
        let ce = CloudEvent::for_article(&article, "urn:newswire:ingest", types::PUBLISHED);
        let headers = ce.to_headers();
        assert_eq!(header_str(&headers, "ce_id"), Some("a1:3"));
        assert_eq!(
            header_str(&headers, "ce_time"),
            Some("2024-11-28T09:00:00Z")
        );
        assert_eq!(
            header_str(&headers, "content-type"),
            Some("application/json")
        );
        assert_eq!(CloudEvent::from_headers(&headers), Some(ce));
    }
}
