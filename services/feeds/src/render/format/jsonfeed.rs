//! JSON Feed 1.1 (https://jsonfeed.org/version/1.1).

use super::item::{body_html, byline, categories, language, rfind, SIGNAL_SCHEME};
use super::{story_urn, FeedContent, FeedItem};
use newswire_shared::xml::plain;
use serde::Serialize;
use std::borrow::Cow;

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: Cow<'a, str>,
    home_page_url: &'a str,
    feed_url: String,
    description: Cow<'a, str>,
    /// A language feed's tag (JSON Feed 1.1 `language`, RFC 5646).
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    /// JSON Feed's pagination: the archive page holding the stories before these.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hubs: Option<Vec<Hub<'a>>>,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct Hub<'a> {
    #[serde(rename = "type")]
    hub_type: &'static str,
    url: &'a str,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    title: Cow<'a, str>,
    content_html: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    date_published: String,
    date_modified: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<Attachment<'a>>,
    /// JSON Feed's extension object (an underscore name, §"Extensions"): what the
    /// newsroom said about this version (`correction`, `update`), in words no reader
    /// has to translate.
    #[serde(skip_serializing_if = "Option::is_none")]
    _newswire: Option<Extension>,
}

#[derive(Serialize)]
struct Extension {
    signals: Vec<String>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: Cow<'a, str>,
}

#[derive(Serialize)]
struct Attachment<'a> {
    url: &'a str,
    mime_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<Cow<'a, str>>,
}

/// The feed with the given items (from [`item_json`], in order).
pub fn assemble_json_feed(content: &FeedContent<'_>, items: &[&[u8]]) -> Vec<u8> {
    let info = content.info;
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: plain(&info.title).into(),
        home_page_url: &info.link,
        feed_url: info.self_url.clone(),
        description: plain(&info.description).into(),
        language: info.language.as_deref(),
        next_url: info.history.prev_archive.as_deref(),
        hubs: info.hub.as_deref().map(|url| {
            vec![Hub {
                hub_type: "WebSub",
                url,
            }]
        }),
        items: Vec::new(),
    };
    let head = serde_json::to_vec_pretty(&feed).expect("a feed always serialises");
    // `items` is the last member, so its empty array is the last one written.
    const EMPTY: &[u8] = b"\"items\": []";
    let at = rfind(&head, EMPTY).expect("the items member was written") + EMPTY.len() - 1;
    let mut out = Vec::with_capacity(head.len() + items.iter().map(|i| i.len() + 2).sum::<usize>());
    out.extend_from_slice(&head[..at]);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.extend_from_slice(&head[at..]);
    out
}

/// One story as a JSON Feed item: written once per version and reused by every feed
/// holding the story.
pub fn item_json(item: &FeedItem<'_>) -> Vec<u8> {
    serde_json::to_vec(&json_item(item)).expect("an item always serialises")
}

fn json_item<'a>(item: &FeedItem<'a>) -> JsonItem<'a> {
    let a = item.article;
    let (signals, tags): (Vec<_>, Vec<_>) = categories(a)
        .into_iter()
        .partition(|c| c.scheme == SIGNAL_SCHEME);
    JsonItem {
        id: story_urn(&a.id),
        url: a.url.as_deref(),
        title: plain(&a.headline).into(),
        content_html: body_html(item),
        summary: a.summary.as_deref().map(|s| plain(s).into()),
        image: a
            .media
            .iter()
            .find(|m| m.media_type.starts_with("image/"))
            .map(|m| m.url.as_str()),
        date_published: item.published.to_rfc3339(),
        date_modified: item.updated().to_rfc3339(),
        authors: a
            .byline
            .as_deref()
            .and_then(byline)
            .map(|(name, _)| Author { name: name.into() })
            .into_iter()
            .collect(),
        tags: tags
            .into_iter()
            .map(|c| c.label.unwrap_or(c.term))
            .collect(),
        language: language(a),
        attachments: a
            .media
            .iter()
            .map(|m| Attachment {
                url: &m.url,
                mime_type: &m.media_type,
                title: m.caption.as_deref().map(|c| plain(c).into()),
            })
            .collect(),
        _newswire: (!signals.is_empty()).then(|| Extension {
            signals: signals.into_iter().map(|c| c.term).collect(),
        }),
    }
}
