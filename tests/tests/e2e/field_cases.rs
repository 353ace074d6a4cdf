//! The kinds of fault in `../shared/cases/` (04 relative links, 14 agency datelines,
//! 18 pictures), each with inputs of our own, through the path the cases name:
//! the enricher, then every output format as the services render it.
//! (12, scheme-less domains on X: `services/social/tests/reference.rs`; 19, leap
//! seconds: `timestamps.rs`.)

use newswire_enricher::enrich;
use newswire_feeds::{FeedContent, FeedItem, Format};
use newswire_newsml::{ninjs, version_document, Provider};
use newswire_shared::testing::xmllint_errors;
use newswire_shared::Article;
use newswire_tests::common::feed_info;
use serde_json::{json, Value};

fn provider() -> Provider {
    Provider {
        name: "Newswire".into(),
        uri: "https://newswire.example/".into(),
    }
}

fn story(fields: Value) -> Article {
    let mut v = json!({
        "id": "case", "version": 1, "status": "usable", "headline": "Case",
        "body": "<p>Text.</p>", "language": "en",
        "first_created": "2026-11-28T09:00:00Z", "version_created": "2026-11-28T09:00:00Z"
    });
    for (k, val) in fields.as_object().unwrap() {
        v[k] = val.clone();
    }
    enrich(serde_json::from_value(v).unwrap())
}

/// Every document a subscriber can get for `a`: RSS, Atom and JSON Feed (served from
/// our own host), the NewsML-G2 document and ninjs.
fn outputs(a: &Article) -> Vec<(&'static str, String)> {
    let info = feed_info("http://127.0.0.1:8080");
    let items = [FeedItem::of(a)];
    let content = FeedContent {
        info: &info,
        items: &items,
        tombstones: &[],
    };
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    vec![
        ("rss", text(Format::Rss.render(&content))),
        ("atom", text(Format::Atom.render(&content))),
        ("jsonfeed", text(Format::JsonFeed.render(&content))),
        ("newsml", text(version_document(a, &provider()).0)),
        ("ninjs", text(ninjs(a))),
    ]
}

/// Every `href` and `src` value in a document, its bodies included (HTML escaped once
/// inside XML text, or inside JSON strings).
fn references(doc: &str) -> Vec<String> {
    let text = doc
        .replace("\\\"", "\"")
        .replace("<![CDATA[", "")
        .replace("]]>", "")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (i, _) in text.match_indices(attr) {
            let rest = &text[i + attr.len()..];
            out.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    out
}

const RELATIVE_BODY: &str = "<p>Read the <a href=\"/stories/harbour-storm\">storm report</a> and the <a href=\"plan.html\">repair plan</a>.</p><p><img src=\"img/quay.jpg\" alt=\"The damaged quay\"></p>";

/// 04: relative links and images reach every output absolute, resolved against the
/// story's `url` as RFC 3986 says; without a `url`, never against our own host.
#[test]
fn relative_links_are_absolute_in_every_output() {
    let a = story(json!({
        "id": "quay-repairs", "headline": "Quay repairs begin", "body": RELATIVE_BODY,
        "url": "https://newswire.example/stories/quay-repairs/"
    }));
    let want = [
        "https://newswire.example/stories/harbour-storm",
        "https://newswire.example/stories/quay-repairs/plan.html",
        "https://newswire.example/stories/quay-repairs/img/quay.jpg",
    ];
    for (format, doc) in outputs(&a) {
        let refs = references(&doc);
        for r in &refs {
            assert!(
                r.starts_with("https://") || r.starts_with("http://") || r.starts_with("mailto:"),
                "{format}: {r:?} is relative"
            );
        }
        for w in want {
            assert!(
                refs.iter().any(|r| r == w),
                "{format}: {w} missing from {refs:?}"
            );
        }
    }
    let bare =
        story(json!({"id": "quay-bare", "headline": "Quay repairs begin", "body": RELATIVE_BODY}));
    for (format, doc) in outputs(&bare) {
        for r in references(&doc) {
            assert!(
                !r.ends_with("harbour-storm")
                    && !r.ends_with("plan.html")
                    && !r.ends_with("quay.jpg"),
                "{format}: {r:?} resolved without a story url"
            );
        }
        assert!(
            doc.contains("storm report"),
            "{format}: the link's text is kept"
        );
    }
}

/// 14: an agency's opening gives the place with its id and never the source in it —
/// in the enrichment and in NewsML-G2's `located`.
#[test]
fn agency_datelines_reach_newsml_located_with_their_place_id() {
    for (opening, place, id, source) in [
        ("ASTANA. KAZINFORM - Kazakhstan opened a new grain terminal on the Caspian coast.", "Astana", "geonames:1526273", "KAZINFORM"),
        ("MOSCOW, November 28. /TASS/. Russia has set a new grain export quota, the ministry said.", "Moscow", "geonames:524901", "TASS"),
        ("МОСКВА, 28 ноября. /ТАСС/. Россия установила новую квоту на вывоз зерна.", "Москва", "geonames:524901", "ТАСС"),
    ] {
        let a = story(json!({"body": format!("<p>{opening}</p>")}));
        let d = a.enrichment.as_ref().unwrap().dateline.as_ref().unwrap();
        assert_eq!(
            (d.place.as_deref(), d.place_id.as_deref(), d.source.as_deref()),
            (Some(place), Some(id), Some(source))
        );
        let xml = String::from_utf8(version_document(&a, &provider()).0).unwrap();
        let geonames = id.trim_start_matches("geonames:");
        let located = format!(
            "<located type=\"cpnat:geoArea\" uri=\"https://sws.geonames.org/{geonames}/\">\n   <name>{place}</name>"
        );
        assert!(xml.contains(&located), "{xml}");
    }
}

/// 18: a story's photo, caption and credit reach NewsML-G2 (a package with a picture
/// item) and ninjs (an association), escaped and schema-valid, from the enricher on.
#[test]
fn pictures_reach_newsml_and_ninjs_from_the_enricher_on() {
    let a = story(json!({
        "id": "river-town", "headline": "Water rises in a river town",
        "body": "<p>The river rose overnight &amp; residents left.</p>",
        "url": "https://newswire.example/stories/river-town",
        "summary": "Water <rose> overnight & roads closed", "byline": "River desk & agencies",
        "media": [
            {"url": "https://newswire.example/media/river.jpg", "type": "image/jpeg",
             "caption": "Residents wade <past> the \"Mill\" & the R&D yard", "credit": "Photo: B. Smith & Co",
             "width": 1200, "height": 800},
            {"url": "https://newswire.example/media/river-2.jpg", "type": "image/jpeg"}
        ]
    }));
    let (doc, _) = version_document(&a, &provider());
    let xml = String::from_utf8(doc.clone()).unwrap();
    assert!(xml.contains("<itemClass qcode=\"ninat:picture\"/>"));
    assert!(
        xml.contains("Residents wade &lt;past&gt; the &quot;Mill&quot; &amp; the R&amp;D yard"),
        "{xml}"
    );
    assert!(
        xml.contains("<creditline>Photo: B. Smith &amp; Co</creditline>"),
        "{xml}"
    );
    assert!(xml.contains("href=\"https://newswire.example/media/river-2.jpg\""));
    let ninjs: Value = serde_json::from_slice(&ninjs(&a)).unwrap();
    assert_eq!(ninjs["associations"].as_array().unwrap().len(), 2);
    assert_eq!(ninjs["associations"][0]["by"], "Photo: B. Smith & Co");
    if let Some(verdict) = xmllint_errors(
        "--schema",
        "newsml-g2/NewsML-G2_2.35-spec-All-Power.xsd",
        &[doc],
    ) {
        verdict.unwrap();
    }
}
