//! The enricher's Kafka side: the stage's [`Transform`] (`articles.published` →
//! `articles.enriched`), which calls the pure [`enrich`].

use crate::enrich::enrich;
use crate::entities::KnownNames;
use crate::subjects::SubjectRules;
use newswire_shared::cloudevents::{types, CloudEvent};
use newswire_shared::kafka::{decode_keyed_article, OutputRecord, Rejection, Transform};
use newswire_shared::validate::{validate, Stage};
use newswire_shared::Settings;
use rdkafka::message::BorrowedMessage;

pub struct EnrichTransform {
    output_topic: String,
    source: String,
}

impl EnrichTransform {
    pub fn new(settings: &Settings) -> Self {
        // Build the gazetteer and the subject rules now (about a second), not while the
        // first article waits.
        let _ = KnownNames::get();
        let _ = SubjectRules::get();
        crate::common_words::load();
        Self {
            output_topic: settings.topics.enriched.clone(),
            source: settings.enricher.source.clone(),
        }
    }
}

impl Transform for EnrichTransform {
    fn apply(&mut self, message: &BorrowedMessage<'_>) -> Result<Vec<OutputRecord>, Rejection> {
        let article = decode_keyed_article(message, Stage::Published)?;
        let enriched = enrich(article);
        // What we write, every later stage decodes by the contract: a version it would
        // refuse is set aside here, with the field, not lost further down.
        validate(&enriched, Stage::Enriched).map_err(|e| Rejection::contract(&e))?;
        let event = CloudEvent::for_article(&enriched, &self.source, types::ENRICHED);
        Ok(vec![OutputRecord {
            topic: self.output_topic.clone(),
            key: Some(enriched.id.clone().into_bytes()),
            payload: Some(serde_json::to_vec(&enriched).expect("an Article always serialises")),
            headers: event.to_headers(),
        }])
    }
}
