//! RSS 2.0 with `content:encoded` and `dc:creator`.

use super::{sanitize_html, story_urn, FeedInfo};
use newswire_shared::Article;
use rss::extension::dublincore::DublinCoreExtension;
use rss::{Category, Channel, Guid, Item};

pub fn render_rss(info: &FeedInfo, items: &[&Article]) -> Vec<u8> {
    let mut channel = Channel {
        title: info.title.clone(),
        link: info.link.clone(),
        description: info.description.clone(),
        generator: Some("Newswire".into()),
        // The newest version's time, so identical content gives identical bytes.
        last_build_date: items.first().map(|a| a.version_created.to_rfc2822()),
        items: items.iter().map(|a| item(a)).collect(),
        ..Channel::default()
    };
    channel
        .namespaces
        .insert("atom".into(), "http://www.w3.org/2005/Atom".into());
    channel.set_atom_ext(Some(rss::extension::atom::AtomExtension {
        links: vec![rss::extension::atom::Link {
            href: info.self_url.clone(),
            rel: "self".into(),
            mime_type: Some("application/rss+xml".into()),
            ..Default::default()
        }],
    }));
    let mut out = Vec::with_capacity(4096 + items.len() * 2048);
    channel
        .pretty_write_to(&mut out, b' ', 1)
        .expect("writing to a Vec cannot fail");
    out
}

fn item(a: &Article) -> Item {
    let mut item = Item {
        title: Some(xml_safe(&a.headline)),
        link: a.url.clone(),
        description: a.summary.as_deref().map(xml_safe),
        guid: Some(Guid {
            value: story_urn(&a.id),
            permalink: false,
        }),
        pub_date: Some(a.first_created.to_rfc2822()),
        content: Some(xml_safe(&sanitize_html(&a.body))),
        categories: a
            .section
            .iter()
            .map(|s| Category {
                name: xml_safe(s),
                domain: Some("urn:newswire:section".into()),
            })
            .collect(),
        ..Item::default()
    };
    if let Some(byline) = &a.byline {
        item.set_dublin_core_ext(DublinCoreExtension {
            creators: vec![xml_safe(byline)],
            ..Default::default()
        });
    }
    item
}

/// XML 1.0 cannot carry most C0 control characters, even escaped; drop them.
pub(crate) fn xml_safe(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> FeedInfo {
        FeedInfo {
            title: "Newswire".into(),
            link: "http://localhost:8082/".into(),
            self_url: "http://localhost:8082/feeds/all.rss".into(),
            description: "All stories".into(),
        }
    }

    #[test]
    fn hostile_text_still_gives_well_formed_rss() {
        let a: Article = serde_json::from_value(serde_json::json!({
            "id": "x/1", "version": 1, "status": "usable",
            "headline": "A & B <c> ]]> \u{1}bell", "byline": "Ann \"Q\" O'Neil",
            "body": "<p>Hi<script>alert(1)</script> ]]> <b>unclosed", "section": "world",
            "first_created": "2024-11-28T08:00:00Z", "version_created": "2024-11-28T08:00:00Z"
        }))
        .unwrap();
        let bytes = render_rss(&info(), &[&a]);
        let text = String::from_utf8(bytes.clone()).unwrap();
        let parsed = rss::Channel::read_from(&bytes[..]).expect("well-formed RSS");
        let item = &parsed.items()[0];
        assert_eq!(item.title(), Some("A & B <c> ]]> bell"));
        assert_eq!(item.guid().unwrap().value(), "urn:newswire:article:x/1");
        assert!(!item.guid().unwrap().is_permalink());
        assert!(!item.content().unwrap().contains("<script"));
        assert!(item.content().unwrap().contains("<b>unclosed</b>"));
        assert!(!text.contains('\u{1}'));
    }
}
