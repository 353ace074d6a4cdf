//! Hashtags from what the enricher found: whole names, never a word cut out of one.

use newswire_shared::Article;
use unicode_categories::UnicodeCategories;

/// Longest hashtag any of our networks accepts (Bluesky: 64 graphemes).
const MAX_TAG_CHARS: usize = 64;

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

/// `Aleksandr Lukashenko` → `AleksandrLukashenko`, `Collective Security Treaty
/// Organization` → `CollectiveSecurityTreatyOrganization`, `Беларусь` → `Беларусь`.
/// `None` when nothing usable is left (only digits, or too long for a hashtag).
pub fn hashtag(name: &str) -> Option<String> {
    let mut tag = String::with_capacity(name.len());
    for word in name
        .split(|c: char| !is_tag_char(c))
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            tag.extend(first.to_uppercase());
            tag.extend(chars);
        }
    }
    let has_letter = tag.chars().any(char::is_alphabetic);
    (has_letter && tag.chars().count() <= MAX_TAG_CHARS).then_some(tag)
}

/// Letters, digits and combining marks: what every network keeps inside a hashtag.
fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_mark()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_one_hashtag_each() {
        assert_eq!(
            hashtag("Aleksandr Lukashenko").as_deref(),
            Some("AleksandrLukashenko")
        );
        assert_eq!(
            hashtag("Shanghai Cooperation Organisation's").as_deref(),
            Some("ShanghaiCooperationOrganisationS")
        );
        assert_eq!(hashtag("Беларусь").as_deref(), Some("Беларусь"));
        assert_eq!(hashtag("上海合作组织").as_deref(), Some("上海合作组织"));
        assert_eq!(hashtag("2024"), None);
        assert_eq!(hashtag("!!!"), None);
    }
}
