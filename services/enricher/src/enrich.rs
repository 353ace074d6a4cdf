//! [`enrich`]: the pure function from an article to its enriched version (language,
//! dateline, entities, subjects, keywords), and [`enrich_json`] for one JSON event. No
//! Kafka here: the stage that calls it is `stage.rs`.

use crate::dateline;
use crate::entities::{self, fold::fold, KnownNames};
use crate::language::{close_relatives, identify, primary, Identified};
use crate::letters::{is_alphabetic, is_lowercase};
use crate::subjects::SubjectRules;
use newswire_shared::article::{Enrichment, ParsedDateline};
use newswire_shared::text::{hashtag, plain_text};
use newswire_shared::validate::{decode_article, validate, ContractError, Stage};
use newswire_shared::Article;

/// Adds the enrichment object. Pure: the same article always gives the same result.
pub fn enrich(mut article: Article) -> Article {
    let body = plain_text(&article.body);
    let language = body_language(&article, &body);
    // A headline whose words the body uses is in the body's language (and CLD2 is
    // not asked: the usual case, and its cost on short text is mostly fixed). A dozen
    // words are too few for CLD2 to tell close languages apart (Spanish headlines
    // read as Galician or Occitan): a close relative is the body's language too.
    let headline_language = (!words_mostly_in(&article.headline, &body))
        .then(|| identify(&article.headline))
        .flatten()
        .filter(|h| h.confidence >= 0.5 && primary(&h.tag) != primary(&language.tag))
        .filter(|h| !close_relatives(&h.tag, &language.tag))
        .map(|h| h.tag);
    // The story's first paragraph: a scraped page may open with its menus.
    let opening = body
        .split("\n\n")
        .find(|p| entities::is_story_paragraph(p))
        .unwrap_or_default();
    let text = entities::mention_text(&article.headline, &body);
    let folded = fold(&text);
    let found = entities::find_folded(&text, &folded, &language.tag);
    let subjects = SubjectRules::get().assign_folded(&text, &folded, &language.tag);
    let dateline = dateline::parse(opening, article.first_created)
        .map(|d| ParsedDateline {
            place_id: place_id(&d.place),
            place: Some(d.place),
            date: d.date,
            source: d.source,
        })
        .or_else(|| {
            // The newsroom's own dateline fields, when the text has none to parse.
            let d = article.dateline.as_ref()?;
            Some(ParsedDateline {
                place: d.place.clone(),
                place_id: None,
                date: None,
                source: d.source.clone(),
            })
        });
    article.enrichment = Some(Enrichment {
        language: language.tag,
        language_confidence: language.confidence,
        headline_language,
        entities: found,
        subjects,
        dateline,
        keywords: keywords(&article),
    });
    article
}

/// The body's language; for a body too short to tell, the headline and summary too;
/// the publisher's hint when even that is not enough. The hint is checked, not
/// trusted: a confident finding wins over it.
fn body_language(article: &Article, body: &str) -> Identified {
    let mut text = String::with_capacity(body.len() + 256);
    // Only whether there are 200 letters matters: stop counting there.
    let letters = body.chars().filter(|&c| is_alphabetic(c)).take(200).count();
    if letters < 200 {
        text.push_str(&article.headline);
        text.push('\n');
        if let Some(s) = &article.summary {
            text.push_str(s);
            text.push('\n');
        }
    }
    // The first paragraphs say as much about the language as the whole body, at a
    // fraction of the cost.
    let mut cut = body.len().min(IDENTIFY_BYTES);
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    text.push_str(&body[..cut]);
    let found = identify(&text);
    let hint = article.language.as_deref().filter(|h| !h.trim().is_empty());
    match (found, hint) {
        (Some(f), Some(h)) if primary(&f.tag) == primary(h) => Identified {
            // Agreement: the hint's (possibly more specific) tag, and more certainty.
            tag: if h.len() > f.tag.len() {
                h.to_string()
            } else {
                f.tag
            },
            confidence: (f.confidence + 0.1).min(0.99),
        },
        (Some(f), _) if f.confidence >= 0.5 => f,
        (_, Some(h)) => Identified {
            tag: h.to_string(),
            confidence: 0.3,
        },
        (Some(f), None) => f,
        (None, None) => Identified {
            tag: "und".into(),
            confidence: 0.0,
        },
    }
}

/// Most of the lower-case words of `headline` (at least two) occur in `body`. Names
/// are left out: they are the same in every language.
fn words_mostly_in(headline: &str, body: &str) -> bool {
    let words: Vec<&str> = headline
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().next().is_some_and(is_lowercase))
        .collect();
    if words.len() < 2 {
        return false;
    }
    let needed = (words.len() * 2).div_ceil(3);
    let mut shared = 0;
    for (i, w) in words.iter().enumerate() {
        if has_word(body, w) {
            shared += 1;
            if shared >= needed {
                return true;
            }
        }
        if shared + (words.len() - i - 1) < needed {
            return false;
        }
    }
    false
}

/// `text` has `word` as a whole word (not inside a longer one).
fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The id of a dateline's place (GeoNames, or ISO 3166-2 for a region), when the gazetteer knows it as a place.
fn place_id(place: &str) -> Option<String> {
    let known = KnownNames::get();
    let entry = &known.entries[known.lookup(place)? as usize];
    (entry.kind.entity_type() == newswire_shared::article::EntityType::Place)
        .then(|| entry.id.clone())
        .flatten()
}

/// How much of the body language identification reads.
const IDENTIFY_BYTES: usize = 1024;

/// Hashtag-ready keywords (`Aleksandr Lukashenko` → `AleksandrLukashenko`) from the
/// newsroom's keywords, without duplicates.
fn keywords(article: &Article) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for k in &article.keywords {
        if let Some(tag) = hashtag(k) {
            if !out.iter().any(|o| o.to_lowercase() == tag.to_lowercase()) {
                out.push(tag);
            }
        }
    }
    out
}

/// One JSON article event in, one enriched JSON event out (`newswire enrich`).
pub fn enrich_json(bytes: &[u8]) -> Result<Vec<u8>, ContractError> {
    let article = decode_article(bytes, Stage::Published)?;
    let enriched = enrich(article);
    validate(&enriched, Stage::Enriched)?;
    Ok(serde_json::to_vec(&enriched).expect("an Article always serialises"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enriched_output_passes_the_enriched_contract() {
        let input =
            br#"{"id":"a","version":2,"status":"usable","headline":"H","body":"","language":"be",
            "first_created":"2024-11-28T08:38:00Z","version_created":"2024-11-28T09:00:00Z"}"#;
        let out = enrich_json(input).unwrap();
        let article = decode_article(&out, Stage::Enriched).unwrap();
        assert_eq!(article.enrichment.unwrap().language, "be");
        assert_eq!(article.version, 2);
    }

    #[test]
    fn headline_words_are_found_whole_in_the_body() {
        let body = "the budget was approved after talks; spending will rise";
        assert!(words_mostly_in("Budget approved after talks", body));
        assert!(words_mostly_in("Spending will rise in Minsk", body));
        // "the" inside "theatre", "rise" inside "rises": not the same words.
        assert!(!words_mostly_in("the rise", "theatre rises"));
        assert!(!words_mostly_in(
            "die Regierung beschließt den Haushalt",
            body
        ));
        assert!(
            !words_mostly_in("Lukashenko in Astana", body),
            "one word is too few"
        );
    }

    #[test]
    fn invalid_input_names_the_field() {
        let err = enrich_json(br#"{"id":"a"}"#).unwrap_err();
        assert_eq!(err.field, "version");
    }
}
