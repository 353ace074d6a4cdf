//! Every feed the service can produce is well-formed, passes the independent checkers,
//! and carries no active content — for hostile examples and for generated input.

mod support;

use newswire_feeds::render::{FeedContent, FeedInfo, FeedItem, Format, Tombstone};
use newswire_shared::Article;
use proptest::prelude::*;
use support::{active_content, article, atom_schema_errors, feedparser_bozo, head};

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

fn hostile() -> Vec<Article> {
    vec![
        article("ctl", 1, "Bell\u{7} and NUL-free \u{1}control", "<p>\u{0}\u{8}text\u{1b}</p>"),
        article("emoji", 2, "👨‍👩‍👧 family 🇧🇾 flag", "<p>Emoji 😀 in body</p>"),
        article("rtl", 3, "مرحبا بالعالم \u{202E}reversed", "<p dir=\"rtl\">نص عربي</p>"),
        article("cdata", 4, "Ends ]]> here", "<p>]]> and <![CDATA[ nested ]]></p>"),
        article("script", 5, "<script>alert(1)</script>", "<script>alert(1)</script><p onclick=\"x()\">hi</p><iframe src=\"https://e\"></iframe><a href=\"javascript:alert(1)\">l</a><img src=\"https://e/a.png\" onerror=\"y()\"><style>*{}</style>"),
        article("unclosed", 6, "Unclosed", "<p><b>bold <i>italic <table><tr><td>cell"),
        article("big", 7, "A 100 KB body", &format!("<p>{}</p>", "Long wire copy. ".repeat(6_500))),
        article("cyr", 8, "Беларусь и Казахстан", "<p>Минск &amp; Астана</p>"),
    ]
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
        "<dc:creator>Desk &lt;desk@example.org&gt;</dc:creator>",
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

fn hostile_text() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("<script>alert(1)</script>".to_string()),
        Just("]]>".to_string()),
        Just("<![CDATA[".to_string()),
        Just("<b>".to_string()),
        Just("</p>".to_string()),
        Just("<iframe src=x>".to_string()),
        Just("<a href=\"javascript:evil()\">".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("<svg onload=alert(1)>".to_string()),
        Just("&".to_string()),
        Just("&amp;".to_string()),
        Just("\"'<>".to_string()),
        Just("\u{0}\u{1}\u{b}\u{1f}\u{7f}".to_string()),
        Just("\u{FFFE}\u{FFFF}".to_string()),
        Just("👨‍👩‍👧🇧🇾e\u{301}".to_string()),
        Just("مرحبا \u{202E}".to_string()),
        Just("Беларусь 中文".to_string()),
        any::<String>(),
    ];
    proptest::collection::vec(fragment, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn generated_articles_always_give_well_formed_safe_feeds(
        headline in hostile_text(), body in hostile_text(), summary in hostile_text(), byline in hostile_text(), section in hostile_text(),
    ) {
        let mut a = article("gen", 1, "x", "");
        a.headline = if headline.trim().is_empty() { "h".into() } else { headline };
        a.body = body;
        a.summary = Some(summary);
        a.byline = Some(byline);
        a.section = Some(section);
        for (format, bytes) in render_all(&[a], &[]) {
            let bodies = parsed_bodies(format, &bytes);
            prop_assert!(bodies.is_ok(), "{:?} not well-formed: {:?}\n{}", format, bodies, head(&bytes));
            for body in bodies.unwrap() {
                prop_assert_eq!(active_content(&body), None, "{:?}: {}", format, body);
            }
        }
    }
}
