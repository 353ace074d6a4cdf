//! Every item as IPTC's own checkers see it: NewsML-G2 items validated by xmllint
//! against the NewsML-G2 2.35 schema (hostile and generated articles included), QCodes
//! held against IPTC's vocabularies, ninjs validated against the ninjs 3.2 JSON Schema.

use newswire_newsml::{news_item, news_message, ninjs, Provider};
use newswire_shared::testing::{conformance_dir, samples, xmllint_errors};
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
    let Some(verdict) = xsd_errors(&docs) else {
        return;
    };
    verdict.unwrap();
    // And all of them together in one newsMessage.
    let refs: Vec<&[u8]> = docs.iter().map(Vec::as_slice).collect();
    let message = news_message(
        &refs,
        "2024-11-28T09:00:00Z".parse().unwrap(),
        "t-1",
        &provider(),
    );
    xsd_errors(&[message]).unwrap().unwrap();
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

fn arb_article() -> impl Strategy<Value = Article> {
    let text = "\\PC{0,80}";
    (
        text,
        text,
        prop::collection::vec("\\PC{0,60}", 0..6),
        1u8..=9,
        any::<bool>(),
        prop::sample::select(vec!["usable", "withheld", "canceled"]),
    )
        .prop_map(|(headline, summary, paras, urgency, embargo, status)| {
            let body: String = paras.iter().map(|p| format!("<p>{p}</p>")).collect();
            let mut v = json!({
                "id": "generated", "version": 1, "status": status,
                "headline": if headline.trim().is_empty() { "x".to_string() } else { headline },
                "summary": summary, "body": body, "urgency": urgency,
                "first_created": "2024-11-28T08:00:00Z", "version_created": "2024-11-28T08:00:00Z"
            });
            if embargo {
                v["embargo_until"] = "2024-11-28T12:00:00Z".into();
            }
            serde_json::from_value(v).unwrap()
        })
}

#[test]
fn generated_articles_validate() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let docs: Vec<Vec<u8>> = (0..200)
        .map(|_| {
            news_item(
                &arb_article().new_tree(&mut runner).unwrap().current(),
                &provider(),
            )
        })
        .collect();
    let Some(verdict) = xsd_errors(&docs) else {
        return;
    };
    verdict.unwrap();
}

/// Every QCode we write, against the values of IPTC's controlled vocabularies.
#[test]
fn qcodes_are_iptc_vocabulary_values() {
    let iptc: &[(&str, &[&str])] = &[
        ("ninat", &["text"]),
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
        ("drol", &["summary"]),
        ("irel", &["seeAlso"]),
    ];
    let mut articles = samples();
    articles.push(enriched_seed());
    articles.extend(hostile_articles());
    let mut seen = std::collections::BTreeSet::new();
    for a in &articles {
        let xml = String::from_utf8(news_item(a, &provider())).unwrap();
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
        "irel:seeAlso",
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

fn ninjs_validator() -> Option<jsonschema::Validator> {
    let dir = conformance_dir()?.join("ninjs");
    let read = |f: &str| -> Value {
        serde_json::from_slice(&std::fs::read(dir.join(f)).unwrap()).unwrap()
    };
    let schema = read("ninjs-schema_3.2.json");
    let geojson = read("GeoJSON.json");
    let registry = jsonschema::Registry::new()
        .add("https://geojson.org/schema/GeoJSON.json", &geojson)
        .unwrap()
        .prepare()
        .unwrap();
    Some(
        jsonschema::options()
            .should_validate_formats(true)
            .with_registry(&registry)
            .build(&schema)
            .unwrap(),
    )
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
            Event::Empty(e) => {
                if depth_in == Some(depth) {
                    out.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                }
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
