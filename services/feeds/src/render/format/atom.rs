//! Atom 1.0 (RFC 4287) with deleted-entry tombstones for killed stories (RFC 6721).

use super::item::{body_html, byline, categories, find, hex_refs, language, plain, rfind};
use super::{story_urn, FeedContent, FeedItem, Tombstone, HISTORY_NS};
use atom_syndication::{
    Category, Content, Entry, Feed, Generator, Link, Person, Text, WriteConfig,
};
use chrono::{DateTime, FixedOffset, Utc};

const TOMBSTONES_NS: &str = "http://purl.org/atompub/tombstones/1.0";

fn fixed(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.fixed_offset()
}

/// The feed with the given `<entry>` elements (from [`entry_atom`], in order).
pub fn assemble_atom(content: &FeedContent<'_>, entries: &[&[u8]]) -> Vec<u8> {
    let info = content.info;
    let mut links = vec![
        Link {
            href: info.self_url.clone(),
            rel: "self".into(),
            mime_type: Some("application/atom+xml".into()),
            ..Default::default()
        },
        Link {
            href: info.link.clone(),
            rel: "alternate".into(),
            mime_type: Some("text/html".into()),
            ..Default::default()
        },
    ];
    if let Some(hub) = &info.hub {
        links.push(Link {
            href: hub.clone(),
            rel: "hub".into(),
            ..Default::default()
        });
    }
    for (rel, href) in info.history.links() {
        links.push(Link {
            href: href.into(),
            rel: rel.into(),
            mime_type: Some("application/atom+xml".into()),
            ..Default::default()
        });
    }
    let mut feed = Feed {
        title: Text::plain(plain(&info.title)),
        id: info.id.clone(),
        updated: fixed(content.updated()),
        // Entries without a byline are attributed to the wire itself.
        authors: vec![Person {
            name: plain(&info.title),
            ..Default::default()
        }],
        generator: Some(Generator {
            value: "Newswire".into(),
            ..Default::default()
        }),
        links,
        subtitle: Some(Text::plain(plain(&info.description))),
        lang: info.language.clone(),
        ..Feed::default()
    };
    if !content.tombstones.is_empty() {
        feed.namespaces.insert("at".into(), TOMBSTONES_NS.into());
    }
    if info.history.is_archive {
        feed.namespaces.insert("fh".into(), HISTORY_NS.into());
    }
    let mut head = Vec::with_capacity(4096);
    feed.write_to(&mut head)
        .expect("writing to a Vec cannot fail");
    let head = hex_refs(&insert_foreign(
        head,
        info.history.is_archive,
        content.tombstones,
    ));
    // Entries come last in a feed (RFC 4287's grammar): before its end tag.
    let at = rfind(&head, b"</feed>").expect("a feed has an end tag");
    let mut out = Vec::with_capacity(head.len() + entries.iter().map(|e| e.len()).sum::<usize>());
    out.extend_from_slice(&head[..at]);
    for e in entries {
        out.extend_from_slice(e);
    }
    out.extend_from_slice(&head[at..]);
    out
}

/// One story's `<entry>` element, as it sits in any feed: written once per version and
/// reused by every feed holding the story. The entry carries the story's language as
/// `xml:lang` (RFC 4287 §2), so readers know it whatever feed it sits in.
pub fn entry_atom(item: &FeedItem<'_>) -> Vec<u8> {
    let config = WriteConfig {
        write_document_declaration: false,
        indent_size: None,
    };
    let out = entry(item)
        .write_with_config(Vec::new(), config)
        .expect("writing to a Vec cannot fail");
    // Standalone it declares the Atom namespace; inside a feed it inherits it.
    const STANDALONE: &[u8] = b"<entry xmlns=\"http://www.w3.org/2005/Atom\"";
    let rest = out
        .strip_prefix(STANDALONE)
        .unwrap_or(&out[b"<entry".len()..]);
    let mut entry = b"<entry".to_vec();
    if let Some(lang) = language(item.article) {
        entry.extend_from_slice(b" xml:lang=\"");
        entry.extend_from_slice(quick_xml::escape::escape(lang).as_bytes());
        entry.push(b'"');
    }
    entry.extend_from_slice(rest);
    // Plain text as hexadecimal references; the content (escaped HTML) as it is.
    match (find(&entry, b"<content"), rfind(&entry, b"</content>")) {
        (Some(start), Some(end)) => {
            let mut out = hex_refs(&entry[..start]);
            out.extend_from_slice(&entry[start..end]);
            out.extend_from_slice(&hex_refs(&entry[end..]));
            out
        }
        _ => hex_refs(&entry),
    }
}

/// RFC 4287's grammar puts foreign elements of a feed before its entries, but
/// atom_syndication writes feed extensions after them; so `fh:archive` and the
/// tombstones are written here, at the end of the entry-less head, and the entries
/// are assembled after them.
fn insert_foreign(mut out: Vec<u8>, archive: bool, tombstones: &[Tombstone]) -> Vec<u8> {
    if tombstones.is_empty() && !archive {
        return out;
    }
    let mut xml = String::new();
    if archive {
        xml.push_str("<fh:archive/>");
    }
    for t in tombstones {
        xml.push_str(&format!(
            "<at:deleted-entry ref=\"{}\" when=\"{}\"/>",
            quick_xml::escape::escape(story_urn(&t.id).as_str()),
            t.when.to_rfc3339()
        ));
    }
    let at = rfind(&out, b"</feed>").expect("a feed has an end tag");
    out.splice(at..at, xml.into_bytes());
    out
}

fn entry(item: &FeedItem<'_>) -> Entry {
    let a = item.article;
    let mut links = Vec::new();
    if let Some(url) = &a.url {
        links.push(Link {
            href: url.clone(),
            rel: "alternate".into(),
            ..Default::default()
        });
    }
    for m in &a.media {
        links.push(Link {
            href: m.url.clone(),
            rel: "enclosure".into(),
            mime_type: Some(m.media_type.clone()),
            title: m.caption.as_deref().map(plain),
            ..Default::default()
        });
    }
    Entry {
        title: Text::plain(plain(&a.headline)),
        id: story_urn(&a.id),
        updated: fixed(item.updated()),
        published: Some(fixed(item.published)),
        authors: a
            .byline
            .as_deref()
            .and_then(byline)
            .map(|(name, email)| Person {
                name,
                email,
                ..Default::default()
            })
            .into_iter()
            .collect(),
        categories: categories(a)
            .into_iter()
            .map(|c| Category {
                term: c.term,
                scheme: Some(c.scheme.to_string()),
                label: c.label,
            })
            .collect(),
        links,
        summary: a.summary.as_deref().map(|s| Text::plain(plain(s))),
        content: Some(Content {
            value: Some(body_html(item)),
            content_type: Some("html".into()),
            ..Default::default()
        }),
        ..Entry::default()
    }
}
