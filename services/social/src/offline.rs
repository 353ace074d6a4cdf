//! Posts from a sequence of enriched articles without Kafka (`newswire render
//! --format social`): the same planning as the service, each story's state in memory.

use crate::plan::{plan, StoryState};
use crate::post::{PostEvent, PostRecord};
use newswire_shared::config::SocialAccount;
use newswire_shared::Article;
use std::collections::HashMap;

pub struct Renderer {
    accounts: Vec<SocialAccount>,
    /// Each story's state after the last version rendered (no transactions here).
    stories: HashMap<String, StoryState>,
}

impl Renderer {
    pub fn new(accounts: Vec<SocialAccount>) -> Self {
        Self {
            accounts,
            stories: HashMap::new(),
        }
    }

    /// The instructions this article version gives, remembering them for the next.
    pub fn render(&mut self, article: &Article) -> Vec<PostEvent> {
        let state = self.stories.get(&article.id).cloned().unwrap_or_default();
        let (posts, next) = plan(article, &self.accounts, &state);
        self.stories.insert(article.id.clone(), next);
        debug_assert!(posts
            .iter()
            .all(|p| PostRecord::from(p).article_id == article.id));
        posts
    }
}
