use newswire_shared::article::Enrichment;
use newswire_shared::cloudevents::{types, CloudEvent};
use newswire_shared::kafka::{OutputRecord, Rejection, Transform};
use newswire_shared::validate::{decode_article, ContractError, Stage};
use newswire_shared::{Article, Settings};
use rdkafka::message::{BorrowedMessage, Message};

/// Adds the enrichment object. Pure: the same article always gives the same result.
pub fn enrich(mut article: Article) -> Article {
    article.enrichment = Some(Enrichment {
        language: article.language.clone().unwrap_or_else(|| "und".into()),
        language_confidence: 0.0,
        headline_language: None,
        entities: Vec::new(),
        subjects: Vec::new(),
        dateline: None,
        keywords: Vec::new(),
    });
    article
}

/// One JSON article event in, one enriched JSON event out (`newswire enrich`).
pub fn enrich_json(bytes: &[u8]) -> Result<Vec<u8>, ContractError> {
    let article = decode_article(bytes, Stage::Published)?;
    Ok(serde_json::to_vec(&enrich(article)).expect("an Article always serialises"))
}

pub struct EnrichTransform {
    output_topic: String,
    source: String,
}

impl EnrichTransform {
    pub fn new(settings: &Settings) -> Self {
        Self {
            output_topic: settings.topics.enriched.clone(),
            source: settings.enricher.source.clone(),
        }
    }
}

impl Transform for EnrichTransform {
    fn apply(&mut self, message: &BorrowedMessage<'_>) -> Result<Vec<OutputRecord>, Rejection> {
        let payload = message
            .payload()
            .ok_or_else(|| Rejection("empty payload (tombstone)".into()))?;
        let article = decode_article(payload, Stage::Published)
            .map_err(|e| Rejection(format!("invalid article: {e}")))?;
        if message.key() != Some(article.id.as_bytes()) {
            return Err(Rejection(format!(
                "key: Kafka key {:?} is not the article id {:?}",
                message.key().map(String::from_utf8_lossy),
                article.id
            )));
        }
        let enriched = enrich(article);
        let event = CloudEvent::for_article(&enriched, &self.source, types::ENRICHED);
        Ok(vec![OutputRecord {
            topic: self.output_topic.clone(),
            key: Some(enriched.id.clone().into_bytes()),
            payload: Some(serde_json::to_vec(&enriched).expect("an Article always serialises")),
            headers: event.to_headers(),
        }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enriched_output_passes_the_enriched_contract() {
        let input =
            br#"{"id":"a","version":2,"status":"usable","headline":"H","body":"","language":"be",
            "first_created":"2024-11-28T08:38:00Z","version_created":"2024-11-28T09:00:00Z"}"#;
        let out = enrich_json(input).unwrap();
        let article = decode_article(&out, Stage::Enriched).unwrap();
        assert_eq!(article.enrichment.unwrap().language, "be");
        assert_eq!(article.version, 2);
    }

    #[test]
    fn invalid_input_names_the_field() {
        let err = enrich_json(br#"{"id":"a"}"#).unwrap_err();
        assert_eq!(err.field, "version");
    }
}
