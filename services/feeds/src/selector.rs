//! Which stories a feed holds: `all`, `section/{slug}`, `lang/{tag}`,
//! `entity/{id-or-slug}`, `urgent`, and the same filters combined by query
//! (`/feeds/all.rss?lang=ru&section=economy`).

use newswire_shared::Article;
use std::collections::BTreeMap;

/// Urgency at or below this is "urgent" (1 = flash).
pub const URGENT_MAX: u8 = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Selector {
    pub section: Option<String>,
    pub lang: Option<String>,
    pub entity: Option<String>,
    pub urgent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown feed {0:?}; feeds are all, urgent, section/NAME, lang/TAG, entity/ID-OR-NAME")]
pub struct UnknownFeed(pub String);

impl Selector {
    /// From the path after `/feeds/` (without the extension) and the query.
    pub fn parse(name: &str, query: &BTreeMap<String, String>) -> Result<Self, UnknownFeed> {
        let mut s = Selector::default();
        let unknown = || UnknownFeed(name.to_string());
        match name.split_once('/') {
            None if name == "all" => {}
            None if name == "urgent" => s.urgent = true,
            Some(("section", v)) if !v.is_empty() => s.section = Some(slug(v)),
            Some(("lang", v)) if !v.is_empty() => s.lang = Some(v.to_ascii_lowercase()),
            Some(("entity", v)) if !v.is_empty() => s.entity = Some(v.to_string()),
            _ => return Err(unknown()),
        }
        for (key, value) in query {
            match key.as_str() {
                "section" => s.section = Some(slug(value)),
                "lang" => s.lang = Some(value.to_ascii_lowercase()),
                "entity" => s.entity = Some(value.to_string()),
                "urgent" => s.urgent = value != "false" && value != "0",
                // Keys and cache-busters are not filters.
                _ => {}
            }
        }
        Ok(s)
    }

    /// The canonical name of this feed, used in its id and self link.
    pub fn name(&self) -> String {
        let mut base = match (&self.section, &self.lang, &self.entity, self.urgent) {
            (Some(s), None, None, false) => return format!("section/{s}"),
            (None, Some(l), None, false) => return format!("lang/{l}"),
            (None, None, Some(e), false) => return format!("entity/{e}"),
            (None, None, None, true) => return "urgent".into(),
            _ => "all".to_string(),
        };
        let mut query = Vec::new();
        if let Some(s) = &self.section {
            query.push(format!("section={s}"));
        }
        if let Some(l) = &self.lang {
            query.push(format!("lang={l}"));
        }
        if let Some(e) = &self.entity {
            query.push(format!("entity={e}"));
        }
        if self.urgent {
            query.push("urgent=1".into());
        }
        if !query.is_empty() {
            base.push('?');
            base.push_str(&query.join("&"));
        }
        base
    }

    pub fn matches(&self, a: &Article) -> bool {
        if self.urgent && a.urgency > URGENT_MAX {
            return false;
        }
        if let Some(section) = &self.section {
            if a.section.as_deref().map(slug).as_deref() != Some(section.as_str()) {
                return false;
            }
        }
        if let Some(lang) = &self.lang {
            let story = a
                .enrichment
                .as_ref()
                .map(|e| e.language.as_str())
                .filter(|l| *l != "und")
                .or(a.language.as_deref())
                .unwrap_or("")
                .to_ascii_lowercase();
            // `zh` takes `zh-Hans`; `sr-latn` takes only Latin-script Serbian.
            if story != *lang && !story.starts_with(&format!("{lang}-")) {
                return false;
            }
        }
        if let Some(entity) = &self.entity {
            let wanted = slug(entity);
            let named = a.enrichment.as_ref().is_some_and(|e| {
                e.entities
                    .iter()
                    .any(|en| en.id.as_deref() == Some(entity.as_str()) || slug(&en.name) == wanted)
            });
            if !named {
                return false;
            }
        }
        true
    }
}

/// Lower case, letters and digits of any script kept, runs of anything else → `-`.
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn story(json: serde_json::Value) -> Article {
        let mut base = serde_json::json!({
            "id": "a", "version": 1, "status": "usable", "headline": "H", "body": "",
            "first_created": "2024-11-28T08:00:00Z", "version_created": "2024-11-28T08:00:00Z",
            "enrichment": {"language": "ru", "language_confidence": 0.9,
                "entities": [{"name": "Казахстан", "type": "place", "id": "geonames:1522867", "mentions": [], "count": 1, "salience": 0.5}]}
        });
        for (k, v) in json.as_object().unwrap() {
            base[k] = v.clone();
        }
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn names_and_filters() {
        let ru_economy = story(serde_json::json!({"section": "Economy", "urgency": 2}));
        let cases = [
            ("all", q(&[]), true),
            ("urgent", q(&[]), true),
            ("section/economy", q(&[]), true),
            ("section/sport", q(&[]), false),
            ("lang/ru", q(&[]), true),
            ("lang/be", q(&[]), false),
            ("entity/geonames:1522867", q(&[]), true),
            ("entity/казахстан", q(&[]), true),
            ("entity/belarus", q(&[]), false),
            ("all", q(&[("lang", "ru"), ("section", "economy")]), true),
            ("all", q(&[("lang", "ru"), ("section", "politics")]), false),
        ];
        for (name, query, expected) in cases {
            let s = Selector::parse(name, &query).unwrap();
            assert_eq!(s.matches(&ru_economy), expected, "{name} {query:?}");
        }
        let calm = story(serde_json::json!({"urgency": 5}));
        assert!(!Selector::parse("urgent", &q(&[])).unwrap().matches(&calm));
        assert!(Selector::parse("nonsense", &q(&[])).is_err());
        assert!(Selector::parse("section/", &q(&[])).is_err());
        assert_eq!(
            Selector::parse("all", &q(&[("lang", "RU")]))
                .unwrap()
                .name(),
            "lang/ru"
        );
        assert_eq!(
            Selector::parse("all", &q(&[("lang", "ru"), ("section", "economy")]))
                .unwrap()
                .name(),
            "all?section=economy&lang=ru"
        );
    }
}
