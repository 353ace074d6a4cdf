//! Every feed the service can produce is well-formed, passes the independent checkers,
//! and carries no active content — for hostile examples and for generated input.

mod support;

use newswire_feeds::{FeedContent, FeedInfo, FeedItem, Format, Tombstone};
use newswire_shared::Article;
use proptest::prelude::*;
use support::{
    active_content, article, atom_schema_errors, feedparser_bozo, head, hostile, hostile_text,
};

fn info() -> FeedInfo {
    FeedInfo {
        title: "Newswire & Co <test>".into(),
        link: "http://localhost:8082/".into(),
        self_url: "http://localhost:8082/feeds/all.rss".into(),
        description: "All stories".into(),
        id: "urn:newswire:feed:all".into(),
        hub: Some("https://hub.example.org/".into()),
        history: Default::default(),
        language: None,
        empty_updated: "2024-11-28T12:00:00Z".parse().unwrap(),
    }
}

fn render_all(items: &[Article], tombstones: &[Tombstone]) -> Vec<(Format, Vec<u8>)> {
    let refs: Vec<FeedItem<'_>> = items.iter().map(FeedItem::of).collect();
    let info = info();
    Format::ALL
        .into_iter()
        .map(|f| {
            let tombstones = if f == Format::Atom { tombstones } else { &[] };
            (
                f,
                f.render(&FeedContent {
                    info: &info,
                    items: &refs,
                    tombstones,
                }),
            )
        })
        .collect()
}

/// Parses each format with a strict reader and returns the bodies it carries.
fn parsed_bodies(format: Format, bytes: &[u8]) -> Result<Vec<String>, String> {
    match format {
        Format::Rss => {
            let c = rss::Channel::read_from(bytes).map_err(|e| e.to_string())?;
            Ok(c.items()
                .iter()
                .map(|i| i.content().unwrap_or("").to_string())
                .collect())
        }
        Format::Atom => {
            let f = atom_syndication::Feed::read_from(bytes).map_err(|e| e.to_string())?;
            Ok(f.entries()
                .iter()
                .map(|e| {
                    e.content()
                        .and_then(|c| c.value())
                        .unwrap_or("")
                        .to_string()
                })
                .collect())
        }
        Format::JsonFeed => {
            let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
            Ok(v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["content_html"].as_str().unwrap().to_string())
                .collect())
        }
    }
}

#[test]
fn hostile_articles_give_well_formed_feeds_without_active_content() {
    let items = hostile();
    let tombstones = [Tombstone {
        id: "killed-1".into(),
        when: "2024-11-28T10:00:00Z".parse().unwrap(),
    }];
    for (format, bytes) in render_all(&items, &tombstones) {
        let bodies = parsed_bodies(format, &bytes)
            .unwrap_or_else(|e| panic!("{format:?} not well-formed: {e}"));
        assert_eq!(bodies.len(), items.len(), "{format:?}");
        for body in &bodies {
            assert_eq!(active_content(body), None, "{format:?}: {body}");
        }
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            !text.contains('\u{1}') && !text.contains('\u{7}'),
            "{format:?} carries control characters"
        );
        assert!(text.contains("urn:newswire:article:emoji"), "{format:?}");
    }
}

#[test]
fn each_item_says_what_subscribers_need() {
    let mut corrected = article("story-1", 3, "Headline", "<p>Body</p>");
    corrected.signals = vec![newswire_shared::article::Signal::Correction];
    let rendered = render_all(&[corrected], &[]);
    let rss = String::from_utf8(rendered[0].1.clone()).unwrap();
    for needle in [
        "<guid isPermaLink=\"false\">urn:newswire:article:story-1</guid>",
        "<pubDate>Thu, 28 Nov 2024 08:00:00 +0000</pubDate>",
        "<dc:creator>Desk</dc:creator>",
        "<dc:language>en</dc:language>",
        "<category domain=\"urn:newswire:section\">World News</category>",
        "<category domain=\"http://cv.iptc.org/newscodes/mediatopic/\">politics</category>",
        "<category domain=\"urn:newswire:entity:place\">Kazakhstan</category>",
        "<enclosure url=\"https://example.org/p.jpg\" length=\"0\" type=\"image/jpeg\"/>",
        "<media:thumbnail url=\"https://example.org/p.jpg\"",
        "<atom:link href=\"https://hub.example.org/\" rel=\"hub\"/>",
        "Correction: this version corrects an earlier one.",
    ] {
        assert!(
            rss.contains(needle),
            "RSS lacks {needle}:\n{}",
            head(rss.as_bytes())
        );
    }
    let atom = String::from_utf8(rendered[1].1.clone()).unwrap();
    for needle in [
        "<id>urn:newswire:article:story-1</id>",
        "<published>2024-11-28T08:00:00+00:00</published>",
        "<updated>2024-11-28T09:03:00+00:00</updated>",
        "xml:lang=\"en\"",
        "<author><name>Desk</name><email>desk@example.org</email></author>",
        "scheme=\"http://cv.iptc.org/newscodes/mediatopic/\"",
        "rel=\"enclosure\"",
    ] {
        assert!(
            atom.contains(needle),
            "Atom lacks {needle}:\n{}",
            head(atom.as_bytes())
        );
    }
    let json: serde_json::Value = serde_json::from_slice(&rendered[2].1).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["items"][0]["id"], "urn:newswire:article:story-1");
    assert_eq!(
        json["items"][0]["date_modified"],
        "2024-11-28T09:03:00+00:00"
    );
    assert_eq!(json["items"][0]["language"], "en");
    assert_eq!(json["items"][0]["image"], "https://example.org/p.jpg");
}

#[test]
fn atom_is_valid_rfc4287_and_tombstones_are_announced() {
    let tombstones = [Tombstone {
        id: "killed-1".into(),
        when: "2024-11-28T10:00:00Z".parse().unwrap(),
    }];
    let atom = render_all(&hostile(), &tombstones).remove(1).1;
    let text = String::from_utf8(atom.clone()).unwrap();
    assert!(text.contains("xmlns:at=\"http://purl.org/atompub/tombstones/1.0\""));
    assert!(text.contains("<at:deleted-entry ref=\"urn:newswire:article:killed-1\" when=\"2024-11-28T10:00:00+00:00\""));
    let empty = render_all(&[], &[]).remove(1).1;
    if let Some(result) = atom_schema_errors(&[atom, empty]) {
        result.unwrap();
    }
}

/// feedparser 6.0 reads RSS and Atom; it has no JSON Feed reader, which the strict
/// parse above and the field checks cover.
#[test]
fn feedparser_reads_rss_and_atom_without_complaint() {
    let docs: Vec<Vec<u8>> = render_all(&hostile(), &[])
        .into_iter()
        .filter(|(f, _)| *f != Format::JsonFeed)
        .map(|(_, b)| b)
        .collect();
    if let Some(bozo) = feedparser_bozo(&docs) {
        assert!(bozo.is_empty(), "feedparser complained: {bozo:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn generated_articles_always_give_well_formed_safe_feeds(
        headline in hostile_text(), body in hostile_text(), summary in hostile_text(), byline in hostile_text(), section in hostile_text(),
    ) {
        let mut a = article("gen", 1, "x", "");
        a.headline = if newswire_shared::validate::is_blank(&headline) { "h".into() } else { headline };
        a.body = body;
        a.summary = Some(summary);
        a.byline = Some(byline);
        a.section = Some(section);
        for (format, bytes) in render_all(&[a], &[]) {
            if format == Format::JsonFeed {
                // A headline the contract accepts is never written as an empty title.
                let feed: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                let title = feed["items"][0]["title"].as_str().unwrap_or("");
                prop_assert!(!title.trim().is_empty(), "empty title: {}", head(&bytes));
            }
            let bodies = parsed_bodies(format, &bytes);
            prop_assert!(bodies.is_ok(), "{:?} not well-formed: {:?}\n{}", format, bodies, head(&bytes));
            for body in bodies.unwrap() {
                prop_assert_eq!(active_content(&body), None, "{:?}: {}", format, body);
            }
        }
    }
}

/// Items 5–8 of issue 18, each in all three formats: published is the release
/// instant; each date once, in the format's own element; a Russian correction carries
/// a Russian note or none, never English, and says it is a correction in a structured
/// way; the same text rule (C1 controls, lone CR) everywhere; an empty feed is dated
/// by its first rendering, not 1970.
#[test]
fn each_format_dates_notes_and_cleans_a_story_alike() {
    let mut a = article(
        "emb-ru",
        2,
        "Заголовок\u{85}\rновости",
        "<p>Текст\u{9f} один\rдва</p>",
    );
    a.language = Some("ru".into());
    a.enrichment.as_mut().unwrap().language = "ru".into();
    a.signals = vec![newswire_shared::article::Signal::Correction];
    a.first_created = "2024-11-28T07:00:00Z".parse().unwrap();
    a.version_created = "2024-11-28T08:30:00Z".parse().unwrap();
    a.embargo_until = Some("2024-11-28T09:00:00Z".parse().unwrap());
    let rendered = render_all(std::slice::from_ref(&a), &[]);
    let text = |i: usize| String::from_utf8(rendered[i].1.clone()).unwrap();
    let (rss, atom) = (text(0), text(1));
    let json: serde_json::Value = serde_json::from_slice(&rendered[2].1).unwrap();
    assert!(
        rss.contains("<pubDate>Thu, 28 Nov 2024 09:00:00 +0000</pubDate>"),
        "{rss}"
    );
    assert!(
        rss.contains("<atom:updated>2024-11-28T09:00:00+00:00</atom:updated>"),
        "{rss}"
    );
    assert!(!rss.contains("dc:date"));
    assert_eq!(rss.matches("<pubDate>").count(), 1);
    assert!(atom.contains("<published>2024-11-28T09:00:00+00:00</published>"));
    assert_eq!(
        json["items"][0]["date_published"],
        "2024-11-28T09:00:00+00:00"
    );
    let description = rss.find("<description><![CDATA[Summary").unwrap();
    assert!(description < rss.find("<content:encoded>").unwrap());
    for doc in [&rss, &atom, &json.to_string()] {
        assert!(
            doc.contains("Исправление: эта версия исправляет предыдущую."),
            "{doc}"
        );
        assert!(!doc.contains("Correction:"), "{doc}");
        assert!(!doc.contains('\u{85}') && !doc.contains('\u{9f}') && !doc.contains('\r'));
        assert!(
            doc.contains("Заголовок\nновости") || doc.contains("Заголовок\\nновости"),
            "{doc}"
        );
    }
    assert!(rss.contains("<category domain=\"urn:newswire:signal\">correction</category>"));
    assert!(atom.contains("term=\"correction\" scheme=\"urn:newswire:signal\""));
    assert_eq!(json["items"][0]["_newswire"]["signals"][0], "correction");
    // A language nobody wrote a note for: the structured signal only.
    let mut ky = a.clone();
    ky.language = Some("ky".into());
    ky.enrichment.as_mut().unwrap().language = "ky".into();
    for (_, doc) in render_all(&[ky], &[]) {
        let doc = String::from_utf8(doc).unwrap();
        assert!(
            !doc.contains("Correction") && !doc.contains("Исправление"),
            "{doc}"
        );
        assert!(doc.contains("correction"));
    }
    let empty = render_all(&[], &[]);
    assert!(String::from_utf8(empty[0].1.clone())
        .unwrap()
        .contains("<lastBuildDate>Thu, 28 Nov 2024 12:00:00 +0000"));
    assert!(String::from_utf8(empty[1].1.clone())
        .unwrap()
        .contains("<updated>2024-11-28T12:00:00+00:00</updated>"));
}
