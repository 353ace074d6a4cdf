//! What a new article version means for each account: a post, a scheduled post, a
//! correction follow-up, delete instructions, or nothing. Pure: the same version and
//! the same history always give the same instructions.

use crate::compose::{Composer, Parts};
use crate::cut::{one_line, paragraphs};
use crate::hashtags;
use crate::markup::with_query_params;
use crate::post::{
    Action, ExternalEmbed, Kind, Length, PostEvent, PostMedia, PostRecord, ThreadPost,
};
use newswire_shared::article::{Signal, Status};
use newswire_shared::config::{CorrectionPolicy, Network, SocialAccount};
use newswire_shared::Article;
use std::collections::BTreeMap;

/// What was already produced for one story.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoryState {
    /// Highest version that produced anything (or was planned in this process).
    pub latest_version: u64,
    /// Posts not deleted since, by `post_id`.
    pub live: BTreeMap<String, PostRecord>,
}

impl StoryState {
    /// Takes a record written earlier (read back from `social.posts`) into account.
    pub fn record(&mut self, r: &PostRecord) {
        self.latest_version = self.latest_version.max(r.version);
        match r.action {
            Action::Delete => {
                self.live.remove(&r.post_id);
            }
            Action::Publish | Action::Schedule => {
                self.live.insert(r.post_id.clone(), r.clone());
            }
        }
    }
}

/// The id of an account's post of a story; the same for every version.
pub fn story_post_id(article_id: &str, account: &SocialAccount) -> String {
    format!("{article_id}/{}/{}", account.network.as_str(), account.name)
}

fn correction_post_id(article_id: &str, account: &SocialAccount, version: u64) -> String {
    format!(
        "{}/correction/{version}",
        story_post_id(article_id, account)
    )
}

/// The instructions `article` gives rise to, and the story's state after them.
/// A version not newer than what was already handled gives nothing: redelivery and
/// late older versions never produce a second post.
pub fn plan(
    article: &Article,
    accounts: &[SocialAccount],
    state: &StoryState,
) -> (Vec<PostEvent>, StoryState) {
    let mut next = state.clone();
    if article.version <= state.latest_version {
        return (Vec::new(), next);
    }
    next.latest_version = article.version;
    let mut out = Vec::new();
    match article.status {
        Status::Canceled | Status::Withheld => {
            let reason = if article.status == Status::Canceled {
                "canceled"
            } else {
                "withheld"
            };
            for (post_id, live) in &state.live {
                out.push(delete(article, live, post_id, reason));
            }
            next.live.clear();
        }
        Status::Usable => {
            for account in accounts.iter().filter(|a| wants(a, article)) {
                let story_id = story_post_id(&article.id, account);
                let event = match state.live.get(&story_id) {
                    None => story_post(article, account, Kind::Story),
                    // Still waiting for its embargo when this version was written: the
                    // scheduled post is replaced, so an embargo moved later is honoured.
                    Some(p)
                        if p.action == Action::Schedule
                            && p.publish_at.is_some_and(|at| at > article.version_created) =>
                    {
                        story_post(article, account, Kind::Story)
                    }
                    Some(_)
                        if article.signals.contains(&Signal::Correction)
                            && account.corrections == CorrectionPolicy::FollowUp =>
                    {
                        story_post(article, account, Kind::Correction)
                    }
                    Some(_) => None,
                };
                if let Some(event) = event {
                    next.record(&PostRecord::from(&event));
                    out.push(event);
                }
            }
        }
    }
    (out, next)
}

/// Whether the account takes stories in the article's language.
fn wants(account: &SocialAccount, article: &Article) -> bool {
    if account.languages.is_empty() {
        return true;
    }
    let Some(lang) = article.story_language() else {
        return false;
    };
    let primary = lang.split('-').next().unwrap_or(lang);
    account
        .languages
        .iter()
        .any(|l| l.eq_ignore_ascii_case(primary) || l.eq_ignore_ascii_case(lang))
}

fn delete(article: &Article, live: &PostRecord, post_id: &str, reason: &str) -> PostEvent {
    PostEvent {
        post_id: post_id.to_string(),
        action: Action::Delete,
        kind: live.kind,
        article_id: article.id.clone(),
        version: article.version,
        network: live.network,
        account: live.account.clone(),
        text: None,
        thread: Vec::new(),
        publish_at: None,
        link: None,
        language: None,
        facets: Vec::new(),
        embed: None,
        parse_mode: None,
        media: Vec::new(),
        length: None,
        reason: Some(reason.to_string()),
    }
}

/// The account's post of this version (`kind` Story or Correction follow-up); `None`
/// when not even the link fits the account's limit.
pub fn story_post(article: &Article, account: &SocialAccount, kind: Kind) -> Option<PostEvent> {
    let link = article
        .url
        .as_deref()
        .map(|u| with_query_params(u, &account.utm));
    let tags = hashtags::choose(article, account.hashtags, &account.hashtag_blocklist);
    let prefix = match kind {
        Kind::Correction => account.correction_prefix.as_str(),
        Kind::Story if (1..=2).contains(&article.urgency) => account.breaking_prefix.as_str(),
        Kind::Story => "",
    };
    let body = if account.thread {
        paragraphs(&article.body)
    } else {
        Vec::new()
    };
    let images: Vec<_> = article
        .media
        .iter()
        .filter(|m| m.media_type.starts_with("image/"))
        .collect();
    let composer = Composer::new(account, !images.is_empty());
    let parts = Parts {
        prefix,
        headline: &article.headline,
        summary: article.summary.as_deref(),
        paragraphs: &body,
        link: link.as_deref(),
        hashtags: &tags,
    };
    let mut posts = composer.compose(&parts).into_iter();
    let Some(first) = posts.next() else {
        tracing::warn!(article = %article.id, account = %account.name, network = account.network.as_str(), "the link alone exceeds the account's limit; no post");
        return None;
    };
    let limit = composer.counter().limit();
    let thread = posts
        .map(|p| ThreadPost {
            length: Length {
                counted: p.length,
                limit,
            },
            text: p.text,
            facets: p.facets,
        })
        .collect();
    // Scheduled for the release instant when that is after the version was written (an
    // embargo still ahead); otherwise posted now.
    let publish_at = article.release_instant();
    let action = if publish_at > article.version_created {
        Action::Schedule
    } else {
        Action::Publish
    };
    let post_id = match kind {
        Kind::Story => story_post_id(&article.id, account),
        Kind::Correction => correction_post_id(&article.id, account, article.version),
    };
    let embed = match (account.network, &link) {
        (Network::Bluesky, Some(uri)) => Some(ExternalEmbed {
            kind: "app.bsky.embed.external",
            uri: uri.clone(),
            title: one_line(&article.headline),
            description: card_description(article),
            thumb_url: images.first().map(|m| m.url.clone()),
        }),
        _ => None,
    };
    let media = images
        .iter()
        .map(|m| PostMedia {
            url: m.url.clone(),
            media_type: m.media_type.clone(),
            alt: m
                .caption
                .clone()
                .unwrap_or_else(|| one_line(&article.headline)),
        })
        .collect();
    Some(PostEvent {
        post_id,
        action,
        kind,
        article_id: article.id.clone(),
        version: article.version,
        network: account.network,
        account: account.name.clone(),
        length: Some(Length {
            counted: first.length,
            limit,
        }),
        text: Some(first.text),
        thread,
        publish_at: Some(publish_at),
        link,
        language: article.story_language().map(str::to_string),
        facets: first.facets,
        embed,
        parse_mode: (account.network == Network::Telegram).then_some("HTML"),
        media,
        reason: None,
    })
}

/// The summary, or the start of the body, for a link card.
fn card_description(article: &Article) -> String {
    let text = match &article.summary {
        Some(s) => one_line(s),
        None => paragraphs(&article.body)
            .into_iter()
            .next()
            .unwrap_or_default(),
    };
    crate::cut::truncate_to_fit(&text, |t| t.chars().count() <= 300)
        .filter(|_| text.chars().count() > 300)
        .unwrap_or(text)
}
