//! Every item as IPTC's own checkers see it: NewsML-G2 items validated by xmllint
//! against the NewsML-G2 2.35 schema (hostile and generated articles included), QCodes
//! held against IPTC's vocabularies, ninjs validated against the ninjs 3.2 JSON Schema.

use newswire_newsml::{news_item, news_message, ninjs, version_document, Provider};
use newswire_shared::testing::{conformance_dir, ninjs_validator, samples, xmllint_errors};
use newswire_shared::Article;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::{json, Value};

fn provider() -> Provider {
    Provider {
        name: "Newswire".into(),
        uri: "https://newswire.example/".into(),
    }
}

/// The seed report with the enrichment the enricher gives it.
fn enriched_seed() -> Article {
    let mut seed = samples().remove(0);
    seed.enrichment = Some(
        serde_json::from_value(json!({
            "language": "en", "language_confidence": 0.99,
            "entities": [
                {"name": "Aleksandr Lukashenko", "type": "person", "id": "wikidata:Q8690", "mentions": [], "count": 3, "salience": 0.9},
                {"name": "Collective Security Treaty Organization", "type": "organization", "id": "wikidata:Q188530", "mentions": [], "count": 9, "salience": 0.8},
                {"name": "Astana", "type": "place", "id": "geonames:1526273", "mentions": [], "count": 2, "salience": 0.6},
                {"name": "Brest Region", "type": "place", "id": "iso3166-2:BY-BR", "mentions": [], "count": 1, "salience": 0.3},
                {"name": "Aleksandr Volfovich", "type": "person", "mentions": [], "count": 1, "salience": 0.2}
            ],
            "subjects": [{"code": "medtop:11000000", "label": "politics and government", "confidence": 0.9}],
            "dateline": {"place": "Astana", "place_id": "geonames:1526273", "date": "2024-11-28", "source": "BelTA"},
            "keywords": ["CSTO"]
        }))
        .unwrap(),
    );
    seed
}

const NEWSML_XSD: &str = "newsml-g2/NewsML-G2_2.35-spec-All-Power.xsd";

/// xmllint's verdict on `docs` against IPTC's schema; `None` when skipped.
fn xsd_errors(docs: &[Vec<u8>]) -> Option<Result<(), String>> {
    xmllint_errors("--schema", NEWSML_XSD, docs)
}

fn hostile(id: &str, body: &str, headline: &str) -> Article {
    serde_json::from_value(json!({
        "id": id, "version": 3, "status": "usable",
        "headline": headline,
        "summary": "Summary with ]]> and <b>tags</b> & \u{0007}bell",
        "body": body,
        "byline": "A & B <script>",
        "dateline": {"place": "МИНСК", "date": "28 ноября", "source": "БЕЛТА"},
        "keywords": ["a < b", "\u{0001}ctl"],
        "language": "ar",
        "urgency": 1,
        "embargo_until": "2024-11-28T12:00:00Z",
        "signals": ["correction", "update"],
        "url": "https://e.example/a?b=1&c=<2>",
        "first_created": "2024-11-28T08:00:00Z",
        "version_created": "2024-11-28T09:00:00Z"
    }))
    .unwrap()
}

fn hostile_articles() -> Vec<Article> {
    let big: String = "<p>Paragraph with text that goes on. </p>".repeat(2600);
    vec![
        hostile("ctl", "<p>bell \u{0007} nul-ish \u{0008} form \u{000C} end</p>", "Control \u{0001} chars"),
        hostile("emoji", "<p>👨‍👩‍👧‍👦 🇧🇾 e\u{301}</p>", "Emoji 🔥 headline"),
        hostile("rtl", "<p dir=\"rtl\">مرحبا بالعالم \u{202E}reversed</p>", "عنوان عربي"),
        hostile("cdata", "<p>end ]]> of cdata <![CDATA[ x ]]></p>", "]]> in headline"),
        hostile("script", "<script>alert(1)</script><p onclick=\"x()\">Hi<iframe src=x></iframe><a href=\"javascript:alert(1)\">x</a></p><style>p{}</style>", "<script>alert(1)</script>"),
        hostile("unclosed", "<p>unclosed <b>bold <i>italic<p>next <table><tr><td>cell", "Unclosed <b>tags"),
        hostile("entities", "<p>&nbsp;&copy;&hellip;&#x1F600;&amp;&lt;&unknown;</p>", "Entities &amp; more"),
        hostile("plain", "just text, no tags, with < and > and &", "Plain"),
        hostile("big", &big, "A 100 KB body"),
        hostile("empty", "", "Empty body"),
    ]
}

#[test]
fn samples_and_hostile_articles_validate_against_the_newsml_g2_schema() {
    let mut articles = samples();
    articles.push(enriched_seed());
    articles.extend(hostile_articles());
    assert!(hostile_articles().iter().any(|a| a.body.len() >= 100_000));
    let docs: Vec<Vec<u8>> = articles.iter().map(|a| news_item(a, &provider())).collect();
    valid_alone_and_together(&docs, "t-1");
}

#[test]
fn iptc_examples_validate_with_the_same_checker() {
    let Some(dir) = conformance_dir() else { return };
    let dir = dir.join("newsml-g2");
    let mut docs = vec![std::fs::read(dir.join("example-text-item.xml")).unwrap()];
    for e in std::fs::read_dir(dir.join("examples")).unwrap() {
        docs.push(std::fs::read(e.unwrap().path()).unwrap());
    }
    let Some(verdict) = xsd_errors(&docs) else {
        return;
    };
    verdict.unwrap();
    // The checker can fail: an IPTC example with embargoed after pubStatus is refused.
    let example = String::from_utf8(docs[0].clone()).unwrap();
    let broken = example.replace(
        "<embargoed>2025-03-14T11:00:00Z</embargoed>\n        <pubStatus qcode=\"stat:usable\"/>",
        "<pubStatus qcode=\"stat:usable\"/>\n        <embargoed>2025-03-14T11:00:00Z</embargoed>",
    );
    assert_ne!(broken, example);
    assert!(xsd_errors(&[broken.into_bytes()]).unwrap().is_err());
}

/// References as newsrooms write them in bodies: relative (to the page, the site, the
/// scheme), with odd characters, absolute, and ones no sanitiser may keep.
fn arb_reference() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9_-]{1,12}(\\.html|\\.jpg|/)?",
        "/[a-z0-9/_-]{0,20}",
        "\\.\\./[a-z]{1,8}\\.(png|jpg)",
        "//cdn\\.example\\.org/[a-z]{1,8}\\.jpg",
        "[a-z]{1,6}\\?a=1&b=<2>#frag",
        "#[a-z]{1,8}",
        " spaced name\\.jpg",
        "https://other\\.example/[a-z]{1,8}",
        Just("javascript:alert(1)".to_string()),
        Just("data:text/html,x".to_string()),
    ]
}

fn arb_media() -> impl Strategy<Value = Value> {
    (
        prop_oneof![arb_reference().prop_map(|r| format!("https://media.example/{}", r.trim_start_matches('/'))), Just("https://media.example/a b<c>&d.jpg".to_string())],
        prop::sample::select(vec!["image/jpeg", "image/png", "video/mp4", "audio/mpeg", "application/pdf"]),
        prop::option::of("\\PC{0,60}"),
        prop::option::of("\\PC{0,30}"),
        prop::option::of(1u32..5000),
        prop::option::of(1u32..5000),
    )
        .prop_map(|(url, media_type, caption, credit, width, height)| {
            json!({"url": url, "type": media_type, "caption": caption, "credit": credit, "width": width, "height": height})
        })
}

fn arb_article() -> impl Strategy<Value = Article> {
    let text = "\\PC{0,80}";
    (
        (text, text, prop::collection::vec(("\\PC{0,60}", arb_reference(), arb_reference()), 0..6)),
        1u8..=9,
        any::<bool>(),
        prop::sample::select(vec!["usable", "withheld", "canceled"]),
        prop::option::of(prop::sample::select(vec![
            "https://newswire.example/stories/a/",
            "https://newswire.example/stories/b?x=1&y=<2>",
            "http://wire.example.org/deep/path/story.html#top",
        ])),
        prop::collection::vec(arb_media(), 0..3),
    )
        .prop_map(|((headline, summary, paras), urgency, embargo, status, url, media)| {
            let body: String = paras
                .iter()
                .map(|(p, href, src)| format!("<p>{p} <a href=\"{href}\">link</a> <img src=\"{src}\" alt=\"{p}\"></p>"))
                .collect();
            let mut v = json!({
                "id": "generated", "version": 1, "status": status,
                "headline": if newswire_shared::validate::is_blank(&headline) { "x".to_string() } else { headline },
                "summary": summary, "body": body, "urgency": urgency, "url": url, "media": media,
                "first_created": "2024-11-28T08:00:00Z", "version_created": "2024-11-28T08:00:00Z"
            });
            if embargo {
                v["embargo_until"] = "2024-11-28T12:00:00Z".into();
            }
            serde_json::from_value(v).unwrap()
        })
}

/// Generated stories (bodies full of relative, odd and forbidden references; media of
/// every kind, with and without a caption, credit and size; every status) as subscribers
/// get them: each version's document valid against IPTC's schema, every link and image
/// in a body absolute, and all of them again inside one `newsMessage` as the pull API
/// sends them.
#[test]
fn generated_articles_validate() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let articles: Vec<Article> = (0..300)
        .map(|i| {
            let mut a = arb_article().new_tree(&mut runner).unwrap().current();
            a.id = format!("generated/{i} ü");
            a
        })
        .collect();
    assert!(articles
        .iter()
        .any(|a| a.media.len() > 1 && a.status == newswire_shared::article::Status::Usable));
    let docs: Vec<Vec<u8>> = articles
        .iter()
        .map(|a| version_document(a, &provider()).0)
        .collect();
    for (a, doc) in articles.iter().zip(&docs) {
        let xml = String::from_utf8(doc.clone()).unwrap();
        for reference in body_references(&xml) {
            assert!(
                reference.starts_with("https://")
                    || reference.starts_with("http://")
                    || reference.starts_with("mailto:"),
                "{reference:?} left relative in {}",
                a.body
            );
            if a.url.is_none() {
                assert!(
                    !reference.contains("newswire.example/stories"),
                    "{reference}"
                );
            }
        }
    }
    valid_alone_and_together(&docs, "t-2");
}

/// Each of `docs` is valid against the NewsML-G2 schema, and so are all of them together
/// in one newsMessage (transmission `transmission`); nothing is checked (skipped) when the
/// schema or xmllint is missing.
fn valid_alone_and_together(docs: &[Vec<u8>], transmission: &str) {
    let Some(verdict) = xsd_errors(docs) else {
        return;
    };
    verdict.unwrap();
    let refs: Vec<&[u8]> = docs.iter().map(Vec::as_slice).collect();
    let message = news_message(
        &refs,
        "2024-11-28T09:00:00Z".parse().unwrap(),
        transmission,
        &provider(),
    );
    xsd_errors(&[message]).unwrap().unwrap();
}

/// Every `href` and `src` inside the XHTML bodies of a document.
fn body_references(xml: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut in_body = 0usize;
    let mut out = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e)
                if in_body > 0 || e.local_name().as_ref() == b"inlineXML" =>
            {
                if e.local_name().as_ref() == b"inlineXML" {
                    in_body += 1;
                }
                for attr in e.attributes() {
                    let attr = attr.unwrap();
                    if matches!(attr.key.as_ref(), b"href" | b"src") {
                        out.push(
                            attr.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned(),
                        );
                    }
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"inlineXML" => in_body -= 1,
            Event::Eof => return out,
            _ => {}
        }
    }
}

/// Every QCode we write, against the values of IPTC's controlled vocabularies.
#[test]
fn qcodes_are_iptc_vocabulary_values() {
    let iptc: &[(&str, &[&str])] = &[
        (
            "ninat",
            &[
                "text",
                "picture",
                "video",
                "audio",
                "component",
                "composite",
            ],
        ),
        ("stat", &["usable", "withheld", "canceled"]),
        ("sig", &["correction", "update"]),
        (
            "cpnat",
            &[
                "abstract",
                "person",
                "organisation",
                "geoArea",
                "poi",
                "event",
                "object",
            ],
        ),
        ("drol", &["summary", "caption"]),
        ("irel", &["seeAlso"]),
        // A package's group role, as IPTC's own package example (LISTING_6) writes it.
        ("group", &["main"]),
    ];
    let mut articles = samples();
    articles.push(enriched_seed());
    articles.extend(hostile_articles());
    let mut pictured = story_with_pictures();
    pictured.media[1].media_type = "video/mp4".into();
    articles.push(pictured);
    let mut seen = std::collections::BTreeSet::new();
    for a in &articles {
        let xml = String::from_utf8(version_document(a, &provider()).0).unwrap();
        for attr in [" qcode=\"", " type=\"", " rel=\"", " role=\""] {
            for (i, _) in xml.match_indices(attr) {
                let value = &xml[i + attr.len()..];
                let value = &value[..value.find('"').unwrap()];
                let (scheme, code) = value
                    .split_once(':')
                    .unwrap_or_else(|| panic!("not a QCode: {value}"));
                if scheme == "medtop" {
                    assert!(
                        code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()),
                        "{value}"
                    );
                } else {
                    let codes = iptc
                        .iter()
                        .find(|(s, _)| *s == scheme)
                        .unwrap_or_else(|| panic!("unknown scheme {value}"))
                        .1;
                    assert!(
                        codes.contains(&code),
                        "{value} is not in IPTC's {scheme} vocabulary"
                    );
                }
                seen.insert(value.to_string());
            }
        }
    }
    for needed in [
        "ninat:text",
        "stat:usable",
        "stat:canceled",
        "sig:correction",
        "cpnat:person",
        "cpnat:organisation",
        "cpnat:geoArea",
        "drol:summary",
        "drol:caption",
        "irel:seeAlso",
        "ninat:picture",
        "ninat:video",
        "ninat:composite",
        "group:main",
    ] {
        assert!(
            seen.contains(needed),
            "{needed} never written; seen {seen:?}"
        );
    }
}

#[test]
fn the_seed_renders_with_dateline_language_typed_entities_and_a_media_topic() {
    let xml = String::from_utf8(news_item(&enriched_seed(), &provider())).unwrap();
    for expected in [
        r#"xml:lang="en""#,
        r#"<language tag="en"/>"#,
        r#"<located type="cpnat:geoArea" uri="https://sws.geonames.org/1526273/">"#,
        "<dateline>ASTANA, 28 November (BelTA)</dateline>",
        r#"<subject type="cpnat:person" relevance="90" uri="http://www.wikidata.org/entity/Q8690">"#,
        r#"<subject type="cpnat:organisation" relevance="80" uri="http://www.wikidata.org/entity/Q188530">"#,
        r#"<subject type="cpnat:geoArea" relevance="60" uri="https://sws.geonames.org/1526273/">"#,
        r#"<subject type="cpnat:geoArea" relevance="30" uri="https://www.iso.org/obp/ui/#iso:code:3166:BY-BR">"#,
        r#"<subject type="cpnat:abstract" qcode="medtop:11000000" confidence="90">"#,
        r#"<description role="drol:summary">"#,
        r#"<itemClass qcode="ninat:text"/>"#,
        r#"guid="urn:newswire:article:belta-2024-11-28-lukashenko-csto-astana""#,
        r#"<link rel="irel:seeAlso" href="https://newswire.example/stories/belta-2024-11-28-lukashenko-csto-astana" contenttype="text/html"/>"#,
    ] {
        assert!(xml.contains(expected), "missing {expected} in\n{xml}");
    }
    assert!(xml.contains("<inlineXML contenttype=\"application/xhtml+xml\" wordcount=\""));
}

#[test]
fn embargo_kill_and_correction_are_in_item_meta() {
    let mut a = hostile("k", "<p>x</p>", "Killed");
    let xml = String::from_utf8(news_item(&a, &provider())).unwrap();
    let embargoed = xml
        .find("<embargoed>2024-11-28T12:00:00Z</embargoed>")
        .unwrap();
    let status = xml.find(r#"<pubStatus qcode="stat:usable"/>"#).unwrap();
    assert!(embargoed < status, "embargoed comes before pubStatus");
    assert!(xml.contains(r#"<signal qcode="sig:correction"/>"#));
    a.status = newswire_shared::article::Status::Canceled;
    let killed = String::from_utf8(news_item(&a, &provider())).unwrap();
    assert!(killed.contains(r#"<pubStatus qcode="stat:canceled"/>"#));
    assert!(
        !killed.contains("<contentSet>"),
        "a kill carries no content"
    );
    assert!(killed.contains("<edNote>KILL:"));
}

#[test]
fn ninjs_validates_against_the_ninjs_3_2_schema() {
    let Some(validator) = ninjs_validator() else {
        return;
    };
    let mut articles = samples();
    articles.push(enriched_seed());
    articles.extend(hostile_articles());
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    articles.extend((0..100).map(|_| arb_article().new_tree(&mut runner).unwrap().current()));
    for a in &articles {
        let doc: Value = serde_json::from_slice(&ninjs(a)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", a.id);
    }
    let seed: Value = serde_json::from_slice(&ninjs(&enriched_seed())).unwrap();
    assert_eq!(
        seed["people"][0]["uri"],
        "http://www.wikidata.org/entity/Q8690"
    );
    assert_eq!(
        seed["subjects"][0]["uri"],
        "http://cv.iptc.org/newscodes/mediatopic/11000000"
    );
    assert_eq!(seed["located"], "Astana");
    // The validator can fail.
    let mut bad = seed.clone();
    bad["pubStatus"] = "published".into();
    assert!(!validator.is_valid(&bad));
}

/// Child element names of `parent` (its first occurrence), in document order.
fn children(xml: &str, parent: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth_in = None::<usize>;
    let mut depth = 0usize;
    let mut out = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if depth_in == Some(depth) {
                    out.push(name.clone());
                }
                depth += 1;
                if depth_in.is_none() && name == parent {
                    depth_in = Some(depth);
                }
            }
            Event::Empty(e) if depth_in == Some(depth) => {
                out.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
            }
            Event::End(_) => {
                depth -= 1;
                if depth_in.is_some_and(|d| depth < d) {
                    return out;
                }
            }
            Event::Eof => return out,
            _ => {}
        }
    }
}

/// Our item next to IPTC's own text item: the elements both have come in the same
/// order inside `newsItem`, `itemMeta` and `contentMeta`.
#[test]
fn structure_follows_the_iptc_text_item() {
    let Some(dir) = conformance_dir() else { return };
    let iptc = std::fs::read_to_string(dir.join("newsml-g2/example-text-item.xml")).unwrap();
    let mut seed = enriched_seed();
    seed.embargo_until = Some("2024-11-28T12:00:00Z".parse().unwrap());
    seed.signals = vec![newswire_shared::article::Signal::Update];
    let ours = String::from_utf8(news_item(&seed, &provider())).unwrap();
    for parent in ["newsItem", "itemMeta", "contentMeta"] {
        let theirs = children(&iptc, parent);
        let mine = children(&ours, parent);
        assert!(mine.len() >= 3, "{parent}: {mine:?}");
        let mut shared_theirs: Vec<&String> = theirs.iter().filter(|n| mine.contains(n)).collect();
        let mut shared_mine: Vec<&String> = mine.iter().filter(|n| theirs.contains(n)).collect();
        shared_mine.dedup();
        shared_theirs.dedup();
        // contentMeta's second group may come in any order; the first three are fixed.
        if parent == "contentMeta" {
            assert_eq!(&mine[..3], ["urgency", "contentCreated", "contentModified"]);
        } else {
            assert_eq!(
                shared_mine, shared_theirs,
                "{parent}: ours {mine:?}, IPTC {theirs:?}"
            );
        }
    }
}

/// The values of `attr` on every `element` in `xml`, unescaped, in document order.
fn attrs(xml: &str, element: &str, attr: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == element.as_bytes() => {
                for a in e.attributes() {
                    let a = a.unwrap();
                    if a.key.as_ref() == attr.as_bytes() {
                        out.push(
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned(),
                        );
                    }
                }
            }
            Event::Eof => return out,
            _ => {}
        }
    }
}

/// The text of every `element` in `xml`, unescaped (elements holding only text).
fn texts(xml: &str, element: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut inside = false;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.local_name().as_ref() == element.as_bytes() => {
                inside = true;
                out.push(String::new());
            }
            Event::Text(t) if inside => {
                out.last_mut().unwrap().push_str(&t.decode().unwrap());
            }
            Event::GeneralRef(r) if inside => {
                let resolved = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r.decode().unwrap())
                        .unwrap()
                        .to_string(),
                };
                out.last_mut().unwrap().push_str(&resolved);
            }
            Event::End(e) if e.local_name().as_ref() == element.as_bytes() => inside = false,
            Event::Eof => return out,
            _ => {}
        }
    }
}

/// The items of a `newsMessage`, each as its own XML text, in order.
fn message_items(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = ["<packageItem", "<newsItem"]
        .iter()
        .filter_map(|tag| rest.find(tag))
        .min()
    {
        let name = if rest[start..].starts_with("<packageItem") {
            "packageItem"
        } else {
            "newsItem"
        };
        let close = format!("</{name}>");
        let end = start + rest[start..].find(&close).unwrap() + close.len();
        out.push(rest[start..end].to_string());
        rest = &rest[end..];
    }
    out
}

/// A story with pictures as `../shared/cases/18-media.jsonl` has them: one with a
/// caption, credit and size full of what XML must escape, one with its address alone.
fn story_with_pictures() -> Article {
    serde_json::from_value(json!({
        "id": "harbour-storm", "version": 2, "status": "usable",
        "headline": "Storm surge floods the old harbour", "body": "<p>Boats broke loose &amp; the quay flooded.</p>",
        "first_created": "2026-11-28T09:00:00Z", "version_created": "2026-11-28T09:30:00Z",
        "url": "https://newswire.example/stories/harbour-storm",
        "summary": "Water <rose> two metres & the quay closed", "byline": "Harbour desk & agencies", "language": "en",
        "media": [
            {"url": "https://newswire.example/media/harbour 1.jpg", "type": "image/jpeg",
             "caption": "Fishing boats <adrift> near the \"Old Pier\" & the R&D yard", "credit": "Photo: A. N. Other & Partners",
             "width": 1600, "height": 900},
            {"url": "https://newswire.example/media/harbour-2.png", "type": "image/png"}
        ]
    }))
    .unwrap()
}

/// Pictures go out as IPTC's guidelines carry them with a text story: a picture news
/// item each, grouped with the text item by a package, all in one `newsMessage` —
/// schema-valid, everything escaped, and a kill withdraws all of them.
#[test]
fn pictures_travel_in_a_package_with_the_text_item() {
    let a = story_with_pictures();
    let (doc, content_type) = version_document(&a, &provider());
    assert_eq!(content_type, "application/vnd.iptc.g2.newsmessage+xml");
    let xml = String::from_utf8(doc.clone()).unwrap();
    let items = message_items(&xml);
    assert_eq!(items.len(), 4, "package, text, two pictures");
    assert!(items[0].starts_with("<packageItem"));
    let text_guid = "urn:newswire:article:harbour-storm";
    let picture_guids = [
        "urn:newswire:article:harbour-storm:media:1",
        "urn:newswire:article:harbour-storm:media:2",
    ];
    assert_eq!(
        attrs(&items[0], "itemRef", "residref"),
        [text_guid, picture_guids[0], picture_guids[1]]
    );
    assert_eq!(attrs(&items[0], "itemRef", "version"), ["2", "2", "2"]);
    assert_eq!(
        attrs(&items[0], "itemClass", "qcode"),
        [
            "ninat:composite",
            "ninat:text",
            "ninat:picture",
            "ninat:picture"
        ]
    );
    assert_eq!(attrs(&items[1], "newsItem", "guid"), [text_guid]);
    assert_eq!(attrs(&items[2], "newsItem", "guid"), [picture_guids[0]]);
    assert_eq!(attrs(&items[2], "itemClass", "qcode"), ["ninat:picture"]);
    assert_eq!(
        attrs(&items[2], "remoteContent", "href"),
        ["https://newswire.example/media/harbour%201.jpg"]
    );
    assert_eq!(
        attrs(&items[2], "remoteContent", "contenttype"),
        ["image/jpeg"]
    );
    assert_eq!(attrs(&items[2], "remoteContent", "width"), ["1600"]);
    assert_eq!(attrs(&items[2], "remoteContent", "height"), ["900"]);
    assert_eq!(
        texts(&items[2], "description"),
        [a.media[0].caption.clone().unwrap()]
    );
    assert_eq!(
        texts(&items[2], "creditline"),
        [a.media[0].credit.clone().unwrap()]
    );
    assert_eq!(texts(&items[3], "description"), Vec::<String>::new());
    assert_eq!(
        attrs(&items[3], "remoteContent", "width"),
        Vec::<String>::new()
    );
    assert_eq!(
        texts(&items[0], "description"),
        [
            a.summary.clone().unwrap(),
            a.media[0].caption.clone().unwrap()
        ]
    );
    let mut killed = a.clone();
    killed.version = 3;
    killed.status = newswire_shared::article::Status::Canceled;
    let (kill, _) = version_document(&killed, &provider());
    let kill = String::from_utf8(kill).unwrap();
    assert_eq!(
        attrs(&kill, "pubStatus", "qcode")
            .iter()
            .filter(|q| *q == "stat:canceled")
            .count(),
        4 + 3
    );
    assert!(!kill.contains("<remoteContent") && !kill.contains("<inlineXML"));
    let Some(verdict) = xsd_errors(&[doc, kill.into_bytes()]) else {
        return;
    };
    verdict.unwrap();
}

/// The same pictures in ninjs 3.2: `associations`, each a picture with its rendition
/// (address, type, size), the caption as a description and the credit as `by`.
#[test]
fn pictures_reach_ninjs_associations() {
    let a = story_with_pictures();
    let doc: Value = serde_json::from_slice(&ninjs(&a)).unwrap();
    let pictures = doc["associations"].as_array().unwrap();
    assert_eq!(pictures.len(), 2);
    assert_eq!(
        pictures[0]["uri"],
        "urn:newswire:article:harbour-storm:media:1"
    );
    assert_eq!(pictures[0]["type"], "picture");
    assert_eq!(
        pictures[0]["renditions"][0]["href"],
        "https://newswire.example/media/harbour%201.jpg"
    );
    assert_eq!(pictures[0]["renditions"][0]["contentType"], "image/jpeg");
    assert_eq!(pictures[0]["renditions"][0]["width"], 1600);
    assert_eq!(pictures[0]["renditions"][0]["height"], 900);
    assert_eq!(
        pictures[0]["descriptions"][0]["value"],
        a.media[0].caption.clone().unwrap()
    );
    assert_eq!(pictures[0]["by"], "Photo: A. N. Other & Partners");
    assert!(pictures[1].get("descriptions").is_none() && pictures[1].get("by").is_none());
    let Some(validator) = ninjs_validator() else {
        return;
    };
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// `../shared/cases/04-relative-urls.jsonl`'s kind: links and images written relative
/// to the story's page reach NewsML-G2's XHTML and ninjs's body absolute, resolved
/// against the story's `url` (RFC 3986), the image kept in its paragraph; without a
/// `url` nothing is resolved against anyone's host.
#[test]
fn relative_links_and_images_resolve_against_the_story_url() {
    let mut a: Article = serde_json::from_value(json!({
        "id": "quay-repairs", "version": 1, "status": "usable", "headline": "Quay repairs begin",
        "body": "<p>Read the <a href=\"/stories/harbour-storm\">storm report</a> and see the <a href=\"plan.html\">plan</a>.</p><p><img src=\"img/quay.jpg\" alt=\"The damaged quay\"></p>",
        "url": "https://newswire.example/stories/quay-repairs/",
        "first_created": "2026-11-28T09:00:00Z", "version_created": "2026-11-28T09:00:00Z"
    }))
    .unwrap();
    let item = String::from_utf8(news_item(&a, &provider())).unwrap();
    assert_eq!(
        body_references(&item),
        [
            "https://newswire.example/stories/harbour-storm",
            "https://newswire.example/stories/quay-repairs/plan.html",
            "https://newswire.example/stories/quay-repairs/img/quay.jpg",
        ]
    );
    assert!(item.contains("<p><img src=\"https://newswire.example/stories/quay-repairs/img/quay.jpg\" alt=\"The damaged quay\"/></p>"), "{item}");
    let doc: Value = serde_json::from_slice(&ninjs(&a)).unwrap();
    let body = doc["bodies"][0]["value"].as_str().unwrap();
    assert!(
        body.contains("href=\"https://newswire.example/stories/quay-repairs/plan.html\""),
        "{body}"
    );
    assert!(
        body.contains("src=\"https://newswire.example/stories/quay-repairs/img/quay.jpg\""),
        "{body}"
    );
    a.url = None;
    let bare = String::from_utf8(news_item(&a, &provider())).unwrap();
    assert!(body_references(&bare).is_empty(), "{bare}");
    assert!(bare.contains("<a>storm report</a>"), "{bare}");
    if let Some(verdict) = xsd_errors(&[item.into_bytes(), bare.into_bytes()]) {
        verdict.unwrap();
    }
}
