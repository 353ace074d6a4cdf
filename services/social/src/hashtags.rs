//! Hashtags from what the enricher found: whole names, never a word cut out of one.

use newswire_shared::text::hashtag;
use newswire_shared::Article;

/// Up to `max` hashtags (without `#`) for `article`: its most salient entities first,
/// then its keywords, then (in English only, since their labels are English) its
/// subjects. No duplicates (ignoring case), nothing on the blocklist.
pub fn choose(article: &Article, max: usize, blocklist: &[String]) -> Vec<String> {
    let mut candidates: Vec<&str> = Vec::new();
    if let Some(e) = &article.enrichment {
        let mut entities: Vec<_> = e.entities.iter().collect();
        entities.sort_by(|a, b| {
            b.salience
                .total_cmp(&a.salience)
                .then(b.count.cmp(&a.count))
        });
        candidates.extend(entities.iter().map(|e| e.name.as_str()));
        candidates.extend(e.keywords.iter().map(String::as_str));
    }
    candidates.extend(article.keywords.iter().map(String::as_str));
    let english = article
        .story_language()
        .is_some_and(|l| l == "en" || l.starts_with("en-"));
    if english {
        if let Some(e) = &article.enrichment {
            candidates.extend(e.subjects.iter().map(|s| s.label.as_str()));
        }
    }
    let blocked: Vec<String> = blocklist
        .iter()
        .map(|b| b.trim_start_matches('#').to_lowercase())
        .collect();
    let mut chosen: Vec<String> = Vec::new();
    for candidate in candidates {
        if chosen.len() >= max {
            break;
        }
        let Some(tag) = hashtag(candidate) else {
            continue;
        };
        let folded = tag.to_lowercase();
        if blocked.contains(&folded) || chosen.iter().any(|c| c.to_lowercase() == folded) {
            continue;
        }
        chosen.push(tag);
    }
    chosen
}
