//! The published JSON Schemas and the Rust types must accept and refuse the same
//! events: a subscriber validating with the schema and a service decoding with the
//! Rust types must never disagree about what is an article.

use jsonschema::{Registry, Validator};
use newswire_shared::validate::{decode_article, Stage};
use serde_json::{json, Value};

const ARTICLE_SCHEMA: &str = include_str!("../schema/article.v1.schema.json");
const ENRICHED_SCHEMA: &str = include_str!("../schema/enriched-article.v1.schema.json");
const ARTICLE_ID: &str = "https://schemas.newswire.invalid/article.v1.schema.json";

fn validators() -> (Validator, Validator) {
    let article: Value = serde_json::from_str(ARTICLE_SCHEMA).unwrap();
    let enriched: Value = serde_json::from_str(ENRICHED_SCHEMA).unwrap();
    let published = jsonschema::options()
        .should_validate_formats(true)
        .build(&article)
        .unwrap();
    let registry = Registry::new()
        .add(ARTICLE_ID, &article)
        .unwrap()
        .prepare()
        .unwrap();
    let enriched = jsonschema::options()
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&enriched)
        .unwrap();
    (published, enriched)
}

fn minimal() -> Value {
    json!({
        "id": "belta-2024-11-28-csto", "version": 1, "status": "usable",
        "headline": "Lukashenko attends CSTO summit in Astana", "body": "<p>Text</p>",
        "first_created": "2024-11-28T08:38:00Z", "version_created": "2024-11-28T08:38:00Z"
    })
}

fn full() -> Value {
    json!({
        "id": "belta-2024-11-28-csto", "version": 3, "status": "usable",
        "headline": "Lukashenko attends CSTO summit in Astana", "body": "<p>Text</p>",
        "first_created": "2024-11-28T08:38:00Z", "version_created": "2024-11-28T10:10:00+01:00",
        "summary": "S", "byline": "BelTA", "dateline": {"place": "ASTANA", "date": "28 November", "source": "BelTA"},
        "section": "politics", "keywords": ["CSTO"], "language": "en", "urgency": 3,
        "embargo_until": "2024-11-28T10:00:00Z", "url": "https://example.org/news/1",
        "media": [{"url": "https://example.org/a.jpg", "type": "image/jpeg", "caption": "C", "credit": "K", "width": 800, "height": 600}],
        "signals": ["update", "correction"], "source": "BelTA"
    })
}

fn enrichment() -> Value {
    json!({
        "language": "en", "language_confidence": 0.98, "headline_language": "ru",
        "entities": [{"name": "Astana", "type": "place", "id": "geonames:1526273",
                      "mentions": [{"start": 0, "end": 6, "text": "Astana"}], "count": 1, "salience": 0.7}],
        "subjects": [{"code": "medtop:11000000", "label": "politics", "confidence": 0.9}],
        "dateline": {"place": "Astana", "place_id": "geonames:1526273", "date": "28 November", "source": "BelTA"},
        "keywords": ["CSTO"]
    })
}

fn edited(base: Value, edit: impl FnOnce(&mut Value)) -> Value {
    let mut v = base;
    edit(&mut v);
    v
}

/// (name, event) pairs covering each rule on each side.
fn cases() -> Vec<(&'static str, Value)> {
    let remove = |field: &'static str| {
        move |v: &mut Value| {
            v.as_object_mut().unwrap().remove(field);
        }
    };
    vec![
        ("minimal", minimal()),
        ("full", full()),
        ("missing id", edited(minimal(), remove("id"))),
        ("missing headline", edited(minimal(), remove("headline"))),
        ("missing body", edited(minimal(), remove("body"))),
        (
            "missing version_created",
            edited(minimal(), remove("version_created")),
        ),
        ("empty id", edited(minimal(), |v| v["id"] = "".into())),
        (
            "id of 200 chars",
            edited(minimal(), |v| v["id"] = "я".repeat(200).into()),
        ),
        (
            "id of 201 chars",
            edited(minimal(), |v| v["id"] = "я".repeat(201).into()),
        ),
        (
            "id with space",
            edited(minimal(), |v| v["id"] = "a b".into()),
        ),
        (
            "id with control",
            edited(minimal(), |v| v["id"] = "a\u{1}b".into()),
        ),
        ("version 0", edited(minimal(), |v| v["version"] = 0.into())),
        (
            "version 1.5",
            edited(minimal(), |v| v["version"] = 1.5.into()),
        ),
        (
            "version string",
            edited(minimal(), |v| v["version"] = "1".into()),
        ),
        (
            "version too large for JSON numbers",
            edited(minimal(), |v| v["version"] = 9007199254740992u64.into()),
        ),
        (
            "status draft",
            edited(minimal(), |v| v["status"] = "draft".into()),
        ),
        (
            "status canceled",
            edited(minimal(), |v| v["status"] = "canceled".into()),
        ),
        (
            "blank headline",
            edited(minimal(), |v| v["headline"] = " \t".into()),
        ),
        (
            "headline of a byte order mark",
            edited(minimal(), |v| v["headline"] = "\u{FEFF} \u{3000}".into()),
        ),
        (
            "headline of no-break and ideographic spaces",
            edited(minimal(), |v| {
                v["headline"] = "\u{A0}\u{3000}\u{2028}".into()
            }),
        ),
        (
            "headline with a tag and text",
            edited(minimal(), |v| v["headline"] = "<b>Minsk</b>".into()),
        ),
        (
            "bad timestamp",
            edited(minimal(), |v| v["first_created"] = "28 Nov 2024".into()),
        ),
        (
            "leap second",
            edited(minimal(), |v| {
                v["first_created"] = "2016-12-31T23:59:60Z".into();
                v["version_created"] = "2017-01-01T02:59:60+03:00".into();
            }),
        ),
        (
            "lower-case t and z, -00:00, long fraction",
            edited(minimal(), |v| {
                v["first_created"] = "2024-11-28t08:38:00z".into();
                v["version_created"] = "2024-11-28T08:38:00.12345678901234567890-00:00".into();
            }),
        ),
        (
            "space instead of T",
            edited(minimal(), |v| {
                v["first_created"] = "2024-11-28 08:38:00Z".into()
            }),
        ),
        (
            "year 1899",
            edited(minimal(), |v| {
                v["first_created"] = "1899-12-31T23:59:59Z".into()
            }),
        ),
        (
            "year 0001",
            edited(minimal(), |v| {
                v["embargo_until"] = "0001-01-01T00:00:00Z".into()
            }),
        ),
        (
            "embargo in 9999",
            edited(minimal(), |v| {
                v["embargo_until"] = "9999-12-31T23:59:59Z".into()
            }),
        ),
        (
            "offset without colon",
            edited(minimal(), |v| {
                v["first_created"] = "2024-11-28T08:38:00+0100".into()
            }),
        ),
        ("urgency 0", edited(minimal(), |v| v["urgency"] = 0.into())),
        (
            "urgency 10",
            edited(minimal(), |v| v["urgency"] = 10.into()),
        ),
        ("urgency 1", edited(minimal(), |v| v["urgency"] = 1.into())),
        (
            "language with underscore",
            edited(minimal(), |v| v["language"] = "en_GB".into()),
        ),
        (
            "language sr-Latn",
            edited(minimal(), |v| v["language"] = "sr-Latn".into()),
        ),
        (
            "url ftp",
            edited(minimal(), |v| v["url"] = "ftp://example.org/".into()),
        ),
        (
            "url with space",
            edited(minimal(), |v| v["url"] = "https://example.org/a b".into()),
        ),
        (
            "unknown field",
            edited(minimal(), |v| v["headlnie"] = "x".into()),
        ),
        (
            "unknown dateline field",
            edited(minimal(), |v| v["dateline"] = json!({"city": "Minsk"})),
        ),
        (
            "media without type",
            edited(minimal(), |v| {
                v["media"] = json!([{"url": "https://e.org/a.jpg"}])
            }),
        ),
        (
            "media width 0",
            edited(
                minimal(),
                |v| {
                    v["media"] =
                        json!([{"url": "https://e.org/a.jpg", "type": "image/jpeg", "width": 0}])
                },
            ),
        ),
        (
            "media bad type",
            edited(minimal(), |v| {
                v["media"] = json!([{"url": "https://e.org/a.jpg", "type": "jpeg"}])
            }),
        ),
        (
            "signal kill",
            edited(minimal(), |v| v["signals"] = json!(["kill"])),
        ),
        (
            "blank keyword",
            edited(minimal(), |v| v["keywords"] = json!([""])),
        ),
        ("not an object", json!(["id"])),
        (
            "enrichment from the newsroom",
            edited(minimal(), |v| v["enrichment"] = enrichment()),
        ),
    ]
}

fn enriched_cases() -> Vec<(&'static str, Value)> {
    let with = |e: Value| edited(full(), |v| v["enrichment"] = e);
    let mut cases = vec![
        ("enriched full", with(enrichment())),
        (
            "enriched minimal",
            with(json!({"language": "und", "language_confidence": 0.0})),
        ),
        ("no enrichment", full()),
        (
            "enrichment without language",
            with(json!({"language_confidence": 0.5})),
        ),
        (
            "confidence above 1",
            with(json!({"language": "en", "language_confidence": 1.5})),
        ),
        (
            "bad entity type",
            with(edited(enrichment(), |e| {
                e["entities"][0]["type"] = "thing".into()
            })),
        ),
        (
            "bad entity id",
            with(edited(enrichment(), |e| {
                e["entities"][0]["id"] = "Q42".into()
            })),
        ),
        (
            "salience above 1",
            with(edited(enrichment(), |e| {
                e["entities"][0]["salience"] = 2.0.into()
            })),
        ),
        (
            "bad medtop code",
            with(edited(enrichment(), |e| {
                e["subjects"][0]["code"] = "politics".into()
            })),
        ),
        (
            "unknown enrichment field",
            with(edited(enrichment(), |e| e["sentiment"] = 1.into())),
        ),
    ];
    // Every spelling of an entity id, in an entity and as the dateline's place: the
    // enricher names regions by ISO 3166-2 code, and a stage that refused one would set
    // a valid story aside.
    for (name, id) in [
        ("iso 3166-2 region", "iso3166-2:BY-BR"),
        ("iso 3166-2 numeric", "iso3166-2:KZ-10"),
        ("iso 3166-2 lower case", "iso3166-2:by-br"),
        ("iso 3166-2 long subdivision", "iso3166-2:BY-BRES"),
        ("iso 3166-1 code", "iso3166-1:BY"),
        ("wikidata lower-case q", "wikidata:q184"),
        ("wikidata leading zero", "wikidata:Q0184"),
        ("geonames leading zero", "geonames:0625144"),
        ("geonames signed", "geonames:+625144"),
        ("geonames", "geonames:625144"),
    ] {
        cases.extend(id_cases(name, id));
    }
    cases
}

/// Two events: `id` as the first entity's id, and as the dateline's place id.
fn id_cases(name: &'static str, id: &str) -> [(&'static str, Value); 2] {
    let with = |e: Value| edited(full(), |v| v["enrichment"] = e);
    [
        (
            name,
            with(edited(enrichment(), |e| e["entities"][0]["id"] = id.into())),
        ),
        (
            name,
            with(edited(enrichment(), |e| {
                e["dateline"]["place_id"] = id.into()
            })),
        ),
    ]
}

fn assert_agreement(schema: &Validator, stage: Stage, cases: Vec<(&'static str, Value)>) {
    let mut disagreements = Vec::new();
    for (name, event) in cases {
        let by_schema = schema.is_valid(&event);
        let by_rust = decode_article(event.to_string().as_bytes(), stage);
        if by_schema != by_rust.is_ok() {
            disagreements.push(format!(
                "{name}: schema valid={by_schema}, rust={by_rust:?}"
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "schema and Rust disagree:\n{}",
        disagreements.join("\n")
    );
}

#[test]
fn published_schema_and_rust_agree() {
    let (published, _) = validators();
    assert_agreement(&published, Stage::Published, cases());
}

#[test]
fn enriched_schema_and_rust_agree() {
    let (_, enriched) = validators();
    assert_agreement(&enriched, Stage::Enriched, enriched_cases());
}

#[test]
fn the_rules_json_schema_cannot_express_are_documented() {
    let (published, _) = validators();
    let backwards = edited(minimal(), |v| {
        v["version_created"] = "2024-11-27T00:00:00Z".into()
    });
    assert!(published.is_valid(&backwards));
    assert_eq!(
        decode_article(backwards.to_string().as_bytes(), Stage::Published)
            .unwrap_err()
            .field,
        "version_created"
    );
    assert!(ARTICLE_SCHEMA.contains("version_created must not be earlier than first_created"));
    // A year the outputs cannot carry once the offset is applied: written 1900, 1899 in UTC.
    let year_zero = edited(minimal(), |v| {
        v["first_created"] = "1900-01-01T00:30:00+01:00".into()
    });
    assert!(published.is_valid(&year_zero));
    assert_eq!(
        decode_article(year_zero.to_string().as_bytes(), Stage::Published)
            .unwrap_err()
            .field,
        "first_created"
    );
    assert!(ARTICLE_SCHEMA.contains("must be 1900-9999"));
    // Text that every format writes as nothing: tags and control characters removed.
    for (field, text) in [
        ("headline", "<b></b>"),
        ("headline", "\u{1}"),
        ("headline", " <br/> \u{85}"),
        ("keywords[0]", "<i>"),
    ] {
        let blank = edited(minimal(), |v| match field {
            "headline" => v["headline"] = text.into(),
            _ => v["keywords"] = json!([text]),
        });
        assert!(published.is_valid(&blank), "{text:?}");
        assert_eq!(
            decode_article(blank.to_string().as_bytes(), Stage::Published)
                .unwrap_err()
                .field,
            field
        );
    }
    assert!(ARTICLE_SCHEMA.contains("once tags and control characters are removed"));
}

/// Every field the Rust type writes is in the schema, and every schema property is a
/// field the Rust type knows.
#[test]
fn field_sets_match() {
    let schema: Value = serde_json::from_str(ARTICLE_SCHEMA).unwrap();
    let enriched = edited(full(), |v| v["enrichment"] = enrichment());
    let article = decode_article(enriched.to_string().as_bytes(), Stage::Enriched).unwrap();
    let written = serde_json::to_value(&article).unwrap();

    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let props = |path: &str| keys(schema.pointer(path).unwrap());
    assert_eq!(keys(&written), props("/$defs/article/properties"));
    assert_eq!(
        keys(&written["enrichment"]),
        props("/$defs/enrichment/properties")
    );
    assert_eq!(
        keys(&written["enrichment"]["entities"][0]),
        props("/$defs/enrichment/properties/entities/items/properties")
    );
    assert_eq!(
        keys(&written["media"][0]),
        props("/$defs/article/properties/media/items/properties")
    );
    assert_eq!(
        keys(&written["dateline"]),
        props("/$defs/article/properties/dateline/properties")
    );
}
