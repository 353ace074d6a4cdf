//! The Kafka side: `articles.enriched` in, post instructions out, exactly once.

use crate::ledger::Ledger;
use crate::plan::{plan, StoryState};
use crate::post::PostEvent;
use newswire_shared::cloudevents::{types, CloudEvent};
use newswire_shared::config::{KafkaSettings, SocialAccount};
use newswire_shared::kafka::{decode_keyed_article, OutputRecord, Rejection, Transform};
use newswire_shared::validate::Stage;
use newswire_shared::Settings;
use rdkafka::message::BorrowedMessage;
use std::collections::HashMap;
use std::time::Duration;

/// How long a (re)start may spend reading `social.posts` back.
const LEDGER_LOAD_TIMEOUT: Duration = Duration::from_secs(60);

pub struct SocialTransform {
    accounts: Vec<SocialAccount>,
    output_topic: String,
    source: String,
    kafka: Option<KafkaSettings>,
    ledger: Ledger,
    /// Story states changed by the batch in progress; merged into `ledger` only once
    /// the batch's transaction commits.
    pending: HashMap<String, StoryState>,
}

impl SocialTransform {
    /// A transform that reads its ledger back from `social.posts` at start and after
    /// every rebalance.
    pub fn new(settings: &Settings) -> Self {
        let mut t = Self::with_ledger(settings, Ledger::default());
        t.kafka = Some(settings.kafka.clone());
        t
    }

    /// A transform that starts from `ledger` and never reads Kafka back (tests).
    pub fn with_ledger(settings: &Settings, ledger: Ledger) -> Self {
        Self {
            accounts: settings.social.accounts.clone(),
            output_topic: settings.topics.social.clone(),
            source: settings.social.source.clone(),
            kafka: None,
            ledger,
            pending: HashMap::new(),
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
        let state = self
            .pending
            .get(&article.id)
            .or_else(|| self.ledger.get(&article.id))
            .cloned()
            .unwrap_or_default();
        let (posts, next) = plan(&article, &self.accounts, &state);
        self.pending.insert(article.id.clone(), next);
        Ok(posts.iter().map(|p| self.record(p)).collect())
    }

    fn committed(&mut self) {
        for (id, state) in self.pending.drain() {
            self.ledger.set(id, state);
        }
    }

    fn aborted(&mut self) {
        self.pending.clear();
    }

    fn reassigned(&mut self) {
        let Some(kafka) = &self.kafka else { return };
        match Ledger::load(kafka, &self.output_topic, LEDGER_LOAD_TIMEOUT) {
            Ok(ledger) => self.ledger = ledger,
            Err(e) => {
                tracing::error!(error = %e, "could not read social.posts back; keeping the ledger in memory")
            }
        }
    }
}
