//! Posts from a sequence of enriched articles without Kafka (`newswire render
//! --format social`): the same planning as the service, with the ledger in memory.

use crate::ledger::Ledger;
use crate::plan::plan;
use crate::post::{PostEvent, PostRecord};
use newswire_shared::config::SocialAccount;
use newswire_shared::Article;

pub struct Renderer {
    accounts: Vec<SocialAccount>,
    ledger: Ledger,
}

impl Renderer {
    pub fn new(accounts: Vec<SocialAccount>) -> Self {
        Self {
            accounts,
            ledger: Ledger::default(),
        }
    }

    /// The instructions this article version gives, remembering them for the next.
    pub fn render(&mut self, article: &Article) -> Vec<PostEvent> {
        let state = self.ledger.get(&article.id).cloned().unwrap_or_default();
        let (posts, next) = plan(article, &self.accounts, &state);
        self.ledger.set(article.id.clone(), next);
        debug_assert!(posts
            .iter()
            .all(|p| PostRecord::from(p).article_id == article.id));
        posts
    }
}
