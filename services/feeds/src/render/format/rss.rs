//! RSS 2.0 with `content:encoded`, `dc:creator`, Media RSS and `atom:link`.

use super::item::{
    body_html, byline, categories, description, find, hex_refs, language, plain, rfind,
};
use super::{story_urn, FeedContent, FeedItem, HISTORY_NS};
use newswire_shared::Article;
use rss::extension::atom::{AtomExtension, Link};
use rss::extension::dublincore::{self, DublinCoreExtension};
use rss::extension::{Extension, ExtensionMap};
use rss::{Category, Channel, Enclosure, Guid, Item};
use std::collections::BTreeMap;

const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";
const CONTENT_NS: &str = "http://purl.org/rss/1.0/modules/content/";

/// The channel with the given `<item>` elements (from [`item_rss`], in order).
pub fn assemble_rss(content: &FeedContent<'_>, items: &[&[u8]]) -> Vec<u8> {
    let info = content.info;
    let mut links = vec![Link {
        href: info.self_url.clone(),
        rel: "self".into(),
        mime_type: Some("application/rss+xml".into()),
        ..Default::default()
    }];
    for (rel, href) in info.history.links() {
        links.push(Link {
            href: href.into(),
            rel: rel.into(),
            mime_type: Some("application/rss+xml".into()),
            ..Default::default()
        });
    }
    if let Some(hub) = &info.hub {
        links.push(Link {
            href: hub.clone(),
            rel: "hub".into(),
            ..Default::default()
        });
    }
    let mut channel = Channel {
        title: plain(&info.title),
        link: info.link.clone(),
        description: plain(&info.description),
        generator: Some("Newswire".into()),
        last_build_date: Some(content.updated().to_rfc2822()),
        language: info.language.clone(),
        atom_ext: Some(AtomExtension { links }),
        ..Channel::default()
    };
    // The items are written apart (see `item_rss`): the namespaces they use are
    // declared here.
    channel
        .namespaces
        .insert("content".into(), CONTENT_NS.into());
    channel
        .namespaces
        .insert("dc".into(), dublincore::NAMESPACE.into());
    channel
        .namespaces
        .insert("atom".into(), "http://www.w3.org/2005/Atom".into());
    channel.namespaces.insert("media".into(), MEDIA_NS.into());
    if info.history.is_archive {
        channel.namespaces.insert("fh".into(), HISTORY_NS.into());
        let archive = Extension {
            name: "fh:archive".into(),
            ..Extension::default()
        };
        channel.extensions = BTreeMap::from([(
            "fh".to_string(),
            BTreeMap::from([("archive".to_string(), vec![archive])]),
        )]);
    }
    let mut head = Vec::with_capacity(4096);
    channel
        .pretty_write_to(&mut head, b' ', 1)
        .expect("writing to a Vec cannot fail");
    let head = hex_refs(&head);
    // Items go last in a channel: just before the line that closes it.
    let end = rfind(&head, b"</channel>").expect("a channel has an end tag");
    let at = head[..end].iter().rposition(|&b| b == b'\n').unwrap_or(end);
    let size = head.len() + items.iter().map(|i| i.len() + 3).sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&head[..at]);
    for item in items {
        out.extend_from_slice(b"\n  ");
        out.extend_from_slice(item);
    }
    out.extend_from_slice(&head[at..]);
    out
}

/// One story's `<item>` element, as it sits in any channel: written once per version
/// and reused by every feed holding the story.
pub fn item_rss(item: &FeedItem<'_>) -> Vec<u8> {
    let a = item.article;
    let channel = Channel {
        items: vec![rss_item(item)],
        ..Channel::default()
    };
    let mut out = Vec::with_capacity(4096 + a.body.len());
    channel
        .pretty_write_to(&mut out, b' ', 1)
        .expect("writing to a Vec cannot fail");
    // The only item: from its start tag to the last end tag (a body in CDATA may hold
    // the text `</item>`, but nothing follows the item but the channel's end).
    let start = find(&out, b"<item>").expect("the item was written");
    let end = rfind(&out, b"</item>").expect("the item was written") + b"</item>".len();
    hex_refs(&out[start..end])
}

/// Each date once, in RSS's own element where it has one: `pubDate` (RFC 822) is when
/// the story was published; RSS has no element for the last change, so that is
/// `atom:updated` (RFC 3339), which RSS readers that read Atom's namespace know. No
/// `dc:date` beside `pubDate`: two elements for one meaning, which readers resolve
/// differently.
fn rss_item(feed_item: &FeedItem<'_>) -> Item {
    let a = feed_item.article;
    let mut item = Item {
        title: Some(plain(&a.headline)),
        link: a.url.clone(),
        description: Some(description(a)),
        guid: Some(Guid {
            value: story_urn(&a.id),
            permalink: false,
        }),
        pub_date: Some(feed_item.published.to_rfc2822()),
        content: Some(body_html(feed_item)),
        categories: categories(a)
            .into_iter()
            .map(|c| Category {
                name: c.label.unwrap_or(c.term),
                domain: Some(c.scheme.to_string()),
            })
            .collect(),
        enclosure: a.media.first().map(|m| Enclosure {
            url: m.url.clone(),
            // The size is unknown to us; RSS requires the attribute, 0 is the convention.
            length: "0".into(),
            mime_type: m.media_type.clone(),
        }),
        ..Item::default()
    };
    let mut dc = DublinCoreExtension::default();
    if let Some((name, _)) = a.byline.as_deref().and_then(byline) {
        dc.creators = vec![name];
    }
    if let Some(lang) = language(a) {
        dc.languages = vec![lang.to_string()];
    }
    item.dublin_core_ext = Some(dc);
    let mut extensions = if a.media.is_empty() {
        ExtensionMap::new()
    } else {
        media_extensions(a)
    };
    let updated = Extension {
        name: "atom:updated".into(),
        value: Some(feed_item.updated().to_rfc3339()),
        ..Extension::default()
    };
    extensions.insert(
        "atom".to_string(),
        BTreeMap::from([("updated".to_string(), vec![updated])]),
    );
    item.extensions = extensions;
    item
}

fn media_extensions(a: &Article) -> ExtensionMap {
    let mut elements = Vec::new();
    for m in &a.media {
        let mut attrs = BTreeMap::from([
            ("url".to_string(), m.url.clone()),
            ("type".to_string(), m.media_type.clone()),
        ]);
        if m.media_type.starts_with("image/") {
            attrs.insert("medium".into(), "image".into());
        }
        if let Some(w) = m.width {
            attrs.insert("width".into(), w.to_string());
        }
        if let Some(h) = m.height {
            attrs.insert("height".into(), h.to_string());
        }
        let mut children = BTreeMap::new();
        if let Some(caption) = &m.caption {
            children.insert(
                "media:description".to_string(),
                vec![text_element("media:description", caption)],
            );
        }
        if let Some(credit) = &m.credit {
            children.insert(
                "media:credit".to_string(),
                vec![text_element("media:credit", credit)],
            );
        }
        elements.push(Extension {
            name: "media:content".into(),
            value: None,
            attrs,
            children,
        });
    }
    if let Some(image) = a.media.iter().find(|m| m.media_type.starts_with("image/")) {
        let thumbnail = Extension {
            name: "media:thumbnail".into(),
            value: None,
            attrs: BTreeMap::from([("url".to_string(), image.url.clone())]),
            children: BTreeMap::new(),
        };
        return BTreeMap::from([(
            "media".to_string(),
            BTreeMap::from([
                ("content".to_string(), elements),
                ("thumbnail".to_string(), vec![thumbnail]),
            ]),
        )]);
    }
    BTreeMap::from([(
        "media".to_string(),
        BTreeMap::from([("content".to_string(), elements)]),
    )])
}

fn text_element(name: &str, text: &str) -> Extension {
    Extension {
        name: name.into(),
        value: Some(plain(text)),
        attrs: BTreeMap::new(),
        children: BTreeMap::new(),
    }
}
