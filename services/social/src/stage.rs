//! The Kafka side: `articles.enriched` in, post instructions out, exactly once.

use crate::ledger::{self, Ledger};
use crate::plan::plan;
use crate::post::PostEvent;
use newswire_shared::cloudevents::{types, CloudEvent};
use newswire_shared::config::SocialAccount;
use newswire_shared::kafka::{decode_keyed_article, OutputRecord, Rejection, Transform};
use newswire_shared::validate::Stage;
use newswire_shared::Settings;
use rdkafka::message::BorrowedMessage;

pub struct SocialTransform {
    accounts: Vec<SocialAccount>,
    output_topic: String,
    source: String,
    ledger: Ledger,
}

impl SocialTransform {
    /// A transform that reads its ledger back from `social.posts` at start and after
    /// every rebalance.
    pub fn new(settings: &Settings) -> Self {
        Self::with_ledger(
            settings,
            ledger::kept_in(&settings.kafka, &settings.topics.social),
        )
    }

    /// A transform that starts from `ledger` and never reads Kafka back (tests).
    pub fn with_ledger(settings: &Settings, ledger: Ledger) -> Self {
        Self {
            accounts: settings.social.accounts.clone(),
            output_topic: settings.topics.social.clone(),
            source: settings.social.source.clone(),
            ledger,
        }
    }

    fn record(&self, post: &PostEvent) -> OutputRecord {
        let event = CloudEvent {
            id: format!("{}:{}:{:?}", post.post_id, post.version, post.action).to_lowercase(),
            source: self.source.clone(),
            event_type: types::SOCIAL_POST.into(),
            time: post
                .publish_at
                .unwrap_or_else(chrono::Utc::now)
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            subject: post.article_id.clone(),
        };
        OutputRecord {
            topic: self.output_topic.clone(),
            key: Some(post.article_id.clone().into_bytes()),
            payload: Some(serde_json::to_vec(post).expect("a post always serialises")),
            headers: event.to_headers(),
        }
    }
}

impl Transform for SocialTransform {
    fn apply(&mut self, message: &BorrowedMessage<'_>) -> Result<Vec<OutputRecord>, Rejection> {
        let article = decode_keyed_article(message, Stage::Enriched)?;
        let state = self.ledger.get(&article.id).cloned().unwrap_or_default();
        let (posts, next) = plan(&article, &self.accounts, &state);
        self.ledger.set(article.id.clone(), next);
        Ok(posts.iter().map(|p| self.record(p)).collect())
    }

    fn committed(&mut self) {
        self.ledger.committed();
    }

    fn aborted(&mut self) {
        self.ledger.aborted();
    }

    fn reassigned(&mut self) {
        self.ledger.reassigned();
    }
}
