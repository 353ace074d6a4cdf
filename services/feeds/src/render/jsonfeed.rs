//! JSON Feed 1.1 (https://jsonfeed.org/version/1.1).

use super::item::{body_html, categories, language, rfind};
use super::{story_urn, FeedContent};
use newswire_shared::Article;
use serde::Serialize;

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: String,
    description: &'a str,
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
    title: &'a str,
    content_html: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
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
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct Attachment<'a> {
    url: &'a str,
    mime_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
}

/// The feed with the given items (from [`item_json`], in order).
pub fn assemble_json_feed(content: &FeedContent<'_>, items: &[&[u8]]) -> Vec<u8> {
    let info = content.info;
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &info.title,
        home_page_url: &info.link,
        feed_url: info.self_url.clone(),
        description: &info.description,
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
pub fn item_json(a: &Article) -> Vec<u8> {
    serde_json::to_vec(&item(a)).expect("an item always serialises")
}

fn item(a: &Article) -> JsonItem<'_> {
    JsonItem {
        id: story_urn(&a.id),
        url: a.url.as_deref(),
        title: &a.headline,
        content_html: body_html(a),
        summary: a.summary.as_deref(),
        image: a
            .media
            .iter()
            .find(|m| m.media_type.starts_with("image/"))
            .map(|m| m.url.as_str()),
        date_published: a.first_created.to_rfc3339(),
        date_modified: a.version_created.to_rfc3339(),
        authors: a.byline.iter().map(|name| Author { name }).collect(),
        tags: categories(a)
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
                title: m.caption.as_deref(),
            })
            .collect(),
    }
}
