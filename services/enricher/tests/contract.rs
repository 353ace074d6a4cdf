//! What the enricher writes, every later stage reads by the contract: an id its data can
//! give, a story naming any place it knows, a sample or evaluation story — each comes
//! out as an enriched event `validate` accepts. (A region named by its ISO 3166-2 id
//! once passed the enricher and was refused by NewsML, social, feeds and delivery.)

use newswire_enricher::{enrich, enrich_json};
use newswire_shared::article::{Enrichment, Entity, EntityType, Mention};
use newswire_shared::validate::{validate, Stage};
use newswire_shared::Article;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn article(language: &str, headline: &str, body: &str) -> Article {
    serde_json::from_value(serde_json::json!({
        "id": "contract-test", "version": 1, "status": "usable", "headline": headline,
        "body": format!("<p>{body}</p>"), "language": language,
        "first_created": "2024-11-28T08:00:00Z", "version_created": "2024-11-28T08:00:00Z"
    }))
    .unwrap()
}

/// A name in a data file: its language when given (`lang=Name`), and the name.
type Name = (Option<String>, String);

/// (id, names) of every line of a data file that gives an id.
fn data_rows(file: &str, names_column: usize) -> Vec<(String, Vec<Name>)> {
    let text = std::fs::read_to_string(root().join("services/enricher/data").join(file)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let id = cols[0];
            (id != "-").then(|| {
                let names = cols[names_column]
                    .split('|')
                    .map(|n| match n.split_once('=') {
                        Some((lang, name)) if lang.len() <= 3 => {
                            (Some(lang.to_string()), name.to_string())
                        }
                        _ => (None, n.to_string()),
                    })
                    .collect();
                (id.to_string(), names)
            })
        })
        .collect()
}

#[test]
fn every_id_the_data_gives_is_one_the_contract_accepts() {
    let mut base = article("en", "Harvest", "Harvest");
    let mut checked = 0;
    for (id, _) in data_rows("places.tsv", 4)
        .into_iter()
        .chain(data_rows("entities.tsv", 2))
    {
        base.enrichment = Some(Enrichment {
            language: "en".into(),
            language_confidence: 1.0,
            headline_language: None,
            entities: vec![Entity {
                name: "Harvest".into(),
                entity_type: EntityType::Place,
                id: Some(id.clone()),
                mentions: vec![Mention {
                    start: 0,
                    end: 7,
                    text: "Harvest".into(),
                }],
                count: 1,
                salience: 1.0,
            }],
            subjects: vec![],
            dateline: None,
            keywords: vec![],
        });
        if let Err(e) = validate(&base, Stage::Enriched) {
            panic!("{id}: {e}");
        }
        checked += 1;
    }
    assert!(checked > 50_000, "only {checked} ids read");
}

/// Every region, and every thirtieth other place, named in a story in each language the
/// data names it in, in the dateline and in the text.
#[test]
fn a_story_naming_any_known_place_is_a_valid_enriched_event() {
    let (mut stories, mut regions_found) = (0, 0);
    for (i, (id, names)) in data_rows("places.tsv", 4).into_iter().enumerate() {
        let region = id.starts_with("iso3166-2:");
        if !region && i % 30 != 0 {
            continue;
        }
        let mut found_here = false;
        for (lang, name) in names.iter().take(4) {
            let lang = lang.as_deref().unwrap_or("en");
            let a = article(
                lang,
                &format!("{name}: harvest"),
                &format!(
                    "{}, 28 November (BelTA) – Farmers in {name} said so.",
                    name.to_uppercase()
                ),
            );
            let enriched = enrich(a);
            if let Err(e) = validate(&enriched, Stage::Enriched) {
                panic!("{id} named {name:?} ({lang}): {e}");
            }
            stories += 1;
            found_here |= enriched
                .enrichment
                .unwrap()
                .entities
                .iter()
                .any(|e| e.id.as_deref() == Some(&id));
        }
        regions_found += usize::from(region && found_here);
    }
    // The test means something only if regions come out with their ids.
    assert!(
        regions_found > 400,
        "{regions_found} regions found by id in {stories} stories"
    );
}

#[test]
fn every_sample_and_evaluation_story_enriches_to_a_valid_event() {
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("samples/articles")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        if let Err(e) = enrich_json(&bytes) {
            // A sample the newsroom contract refuses is a sample of bad input.
            if e.field.starts_with("enrichment") {
                panic!("{}: {e}", path.display());
            }
        }
        checked += 1;
    }
    for set in std::fs::read_dir(root().join("eval")).unwrap() {
        let set = set.unwrap().path();
        for file in std::fs::read_dir(&set).unwrap() {
            let file = file.unwrap().path();
            if file.extension().and_then(|e| e.to_str()) != Some("txt") {
                continue;
            }
            // `=== id`, `headline: …`, the body, `---`, the annotations (EVALUATION.md).
            let text = std::fs::read_to_string(&file).unwrap();
            for story in text.split("\n=== ").skip(1) {
                let story = story.split("\n---").next().unwrap();
                let mut lines = story.lines().skip(1);
                let headline = lines.next().unwrap_or_default();
                let headline = headline.strip_prefix("headline: ").unwrap_or(headline);
                let body: Vec<&str> = lines.filter(|l| !l.starts_with("language:")).collect();
                let enriched = enrich(article("und", headline, &body.join("</p><p>")));
                if let Err(e) = validate(&enriched, Stage::Enriched) {
                    panic!("{} ({headline}): {e}", file.display());
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} stories read");
}
