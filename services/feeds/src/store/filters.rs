//! What feeds filter on, kept per story in a few bytes: section, language, urgency and
//! the entities named, as numbers into one table of strings. A million archived stories
//! then fit in memory without their bodies, and a selector is matched without touching
//! an article.

use crate::store::selector::{slug, Entity, Selector, URGENT_MAX};
use newswire_shared::Article;
use std::collections::HashMap;

/// A string of the table, by position. Entity name slugs carry [`SLUG`] so that an id
/// and a slug spelled alike stay distinct keys.
pub type Symbol = u32;
pub const SLUG: Symbol = 1 << 31;
const NONE: Symbol = u32::MAX;

/// Append-only, so symbols saved on disk keep their meaning.
#[derive(Debug, Default)]
pub struct Symbols {
    names: Vec<Box<str>>,
    index: HashMap<Box<str>, Symbol>,
}

impl Symbols {
    pub fn intern(&mut self, name: &str) -> Symbol {
        if let Some(&s) = self.index.get(name) {
            return s;
        }
        let s = self.names.len() as Symbol;
        self.names.push(name.into());
        self.index.insert(name.into(), s);
        s
    }

    pub fn get(&self, name: &str) -> Option<Symbol> {
        self.index.get(name).copied()
    }

    pub fn name(&self, symbol: Symbol) -> &str {
        &self.names[(symbol & !SLUG) as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Names interned since `start`, for saving.
    pub fn since(&self, start: usize) -> impl Iterator<Item = (Symbol, &str)> {
        self.names[start.min(self.names.len())..]
            .iter()
            .enumerate()
            .map(move |(i, n)| ((start + i) as Symbol, &**n))
    }
}

/// One story's filterable facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    pub section: Option<Symbol>,
    pub lang: Option<Symbol>,
    pub urgency: u8,
    /// Entity ids, and entity name slugs tagged with [`SLUG`]; sorted, no repeats.
    pub entities: Box<[Symbol]>,
}

impl Facets {
    pub fn of(a: &Article, symbols: &mut Symbols) -> Self {
        let mut entities = Vec::new();
        if let Some(e) = &a.enrichment {
            for en in &e.entities {
                if let Some(id) = &en.id {
                    entities.push(symbols.intern(id));
                }
                entities.push(symbols.intern(&slug(&en.name)) | SLUG);
            }
        }
        entities.sort_unstable();
        entities.dedup();
        Self {
            section: a.section.as_deref().map(|s| symbols.intern(&slug(s))),
            lang: a
                .story_language()
                .map(|l| symbols.intern(&l.to_ascii_lowercase())),
            urgency: a.urgency,
            entities: entities.into(),
        }
    }

    /// Fixed-width little-endian: section, lang, urgency, count, entities.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.section.unwrap_or(NONE).to_le_bytes());
        out.extend_from_slice(&self.lang.unwrap_or(NONE).to_le_bytes());
        out.push(self.urgency);
        out.extend_from_slice(&(self.entities.len() as u32).to_le_bytes());
        for e in &self.entities {
            out.extend_from_slice(&e.to_le_bytes());
        }
    }

    pub fn decode(bytes: &mut &[u8]) -> Option<Self> {
        let section = take_u32(bytes)?;
        let lang = take_u32(bytes)?;
        let (&urgency, rest) = bytes.split_first()?;
        *bytes = rest;
        let n = take_u32(bytes)? as usize;
        if n > bytes.len() / 4 {
            return None;
        }
        let mut entities = Vec::with_capacity(n);
        for _ in 0..n {
            entities.push(take_u32(bytes)?);
        }
        let entities = entities.into_boxed_slice();
        let some = |s: Symbol| (s != NONE).then_some(s);
        Some(Self {
            section: some(section),
            lang: some(lang),
            urgency,
            entities,
        })
    }

    pub fn max_symbol(&self) -> Option<Symbol> {
        let plain = self.entities.iter().map(|e| e & !SLUG);
        plain.chain(self.section).chain(self.lang).max()
    }
}

pub fn take_u32(bytes: &mut &[u8]) -> Option<u32> {
    let (head, rest) = bytes.split_first_chunk::<4>()?;
    *bytes = rest;
    Some(u32::from_le_bytes(*head))
}

/// Archive pages are numbered by how many stories a feed has archived; a counter per
/// facet value answers that for one-filter feeds without walking the archive. Indexed
/// by symbol: a restart adds a million stories' facets in a blink.
#[derive(Debug, Default)]
pub struct Counts {
    all: u32,
    urgent: u32,
    section: Vec<u32>,
    lang: Vec<u32>,
    entity: Vec<u32>,
    slug: Vec<u32>,
}

impl Counts {
    /// Adds (`up`) or removes a story's facets.
    pub fn add(&mut self, f: &Facets, up: bool) {
        fn bump(n: &mut u32, up: bool) {
            *n = if up { *n + 1 } else { n.saturating_sub(1) };
        }
        fn at(v: &mut Vec<u32>, s: Symbol) -> &mut u32 {
            let i = (s & !SLUG) as usize;
            if v.len() <= i {
                v.resize(i + 1, 0);
            }
            &mut v[i]
        }
        bump(&mut self.all, up);
        if f.urgency <= URGENT_MAX {
            bump(&mut self.urgent, up);
        }
        if let Some(s) = f.section {
            bump(at(&mut self.section, s), up);
        }
        if let Some(l) = f.lang {
            bump(at(&mut self.lang, l), up);
        }
        for &e in f.entities.iter() {
            let table = if e & SLUG != 0 {
                &mut self.slug
            } else {
                &mut self.entity
            };
            bump(at(table, e), up);
        }
    }

    fn get(v: &[u32], s: Symbol) -> usize {
        v.get((s & !SLUG) as usize).copied().unwrap_or(0) as usize
    }
}

/// A selector in terms of symbols. `None` from [`Resolve::resolve`] means no story
/// can match (it names a string no story has).
#[derive(Debug, Clone)]
pub struct Resolved {
    section: Option<Symbol>,
    /// The tag as written: `zh` also takes `zh-hans`.
    lang: Option<String>,
    /// An entity id's symbol, or a name slug's tagged with [`SLUG`].
    entity: Option<Symbol>,
    urgent: bool,
}

/// A selector's strings looked up in the table of symbols.
pub trait Resolve {
    fn resolve(&self, symbols: &Symbols) -> Option<Resolved>;
}

impl Resolve for Selector {
    fn resolve(&self, symbols: &Symbols) -> Option<Resolved> {
        let section = match &self.section {
            Some(s) => Some(symbols.get(s)?),
            None => None,
        };
        let entity = match &self.entity {
            Some(Entity::Id(id)) => Some(symbols.get(id)?),
            Some(Entity::Name(name)) => Some(symbols.get(name)? | SLUG),
            None => None,
        };
        Some(Resolved {
            section,
            lang: self.lang.clone(),
            entity,
            urgent: self.urgent,
        })
    }
}

impl Resolved {
    pub fn matches(&self, f: &Facets, symbols: &Symbols) -> bool {
        if self.urgent && f.urgency > URGENT_MAX {
            return false;
        }
        if self.section.is_some() && self.section != f.section {
            return false;
        }
        if let Some(lang) = &self.lang {
            let Some(story) = f.lang.map(|l| symbols.name(l)) else {
                return false;
            };
            if story != lang
                && !(story.starts_with(lang.as_str()) && story[lang.len()..].starts_with('-'))
            {
                return false;
            }
        }
        if let Some(e) = self.entity {
            if f.entities.binary_search(&e).is_err() {
                return false;
            }
        }
        true
    }

    /// How many archived stories match, from the counters, when one counter says it.
    pub fn count(&self, counts: &Counts, symbols: &Symbols) -> Option<usize> {
        match (self.section, &self.lang, self.entity, self.urgent) {
            (None, None, None, false) => Some(counts.all as usize),
            (None, None, None, true) => Some(counts.urgent as usize),
            (Some(s), None, None, false) => Some(Counts::get(&counts.section, s)),
            (None, Some(lang), None, false) => Some(
                counts
                    .lang
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .filter(|(l, _)| {
                        let story = symbols.name(*l as Symbol);
                        story == lang
                            || story
                                .strip_prefix(lang.as_str())
                                .is_some_and(|r| r.starts_with('-'))
                    })
                    .map(|(_, n)| *n as usize)
                    .sum(),
            ),
            (None, None, Some(e), false) if e & SLUG != 0 => Some(Counts::get(&counts.slug, e)),
            (None, None, Some(id), false) => Some(Counts::get(&counts.entity, id)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(json: serde_json::Value) -> Article {
        let mut base = serde_json::json!({
            "id": "a", "version": 1, "status": "usable", "headline": "H", "body": "",
            "first_created": "2024-11-28T08:00:00Z", "version_created": "2024-11-28T08:00:00Z",
            "enrichment": {"language": "zh-Hans", "language_confidence": 0.9,
                "entities": [{"name": "Казахстан", "type": "place", "id": "geonames:1522867", "mentions": [], "count": 1, "salience": 0.5}]}
        });
        for (k, v) in json.as_object().unwrap() {
            base[k] = v.clone();
        }
        serde_json::from_value(base).unwrap()
    }

    /// The facet matcher must agree with the selector's own matcher on articles.
    #[test]
    fn resolved_selectors_agree_with_article_matching() {
        let stories = [
            story(serde_json::json!({"section": "Economy", "urgency": 2})),
            story(
                serde_json::json!({"section": "Sport", "urgency": 5, "enrichment": null, "language": "ru"}),
            ),
            story(serde_json::json!({"urgency": 4})),
        ];
        let mut symbols = Symbols::default();
        let facets: Vec<Facets> = stories
            .iter()
            .map(|a| Facets::of(a, &mut symbols))
            .collect();
        let names = [
            ("all", vec![]),
            ("urgent", vec![]),
            ("section/economy", vec![]),
            ("section/politics", vec![]),
            ("lang/zh", vec![]),
            ("lang/zh-hans", vec![]),
            ("lang/z", vec![]),
            ("lang/ru", vec![]),
            ("entity/geonames:1522867", vec![]),
            ("entity/Казахстан", vec![]),
            ("entity/belarus", vec![]),
            ("all", vec![("lang", "zh"), ("section", "economy")]),
            ("all", vec![("urgent", "1"), ("section", "sport")]),
        ];
        for (name, query) in names {
            let query = crate::store::selector::Params::from_pairs(query);
            let selector = Selector::parse(name, &query).unwrap();
            let resolved = selector.resolve(&symbols);
            for (a, f) in stories.iter().zip(&facets) {
                let by_facets = resolved.as_ref().is_some_and(|r| r.matches(f, &symbols));
                assert_eq!(
                    by_facets,
                    selector.matches_article(a),
                    "{name} {query:?} {:?}",
                    a.section
                );
            }
        }
    }

    #[test]
    fn facets_survive_encoding() {
        let mut symbols = Symbols::default();
        let f = Facets::of(
            &story(serde_json::json!({"section": "World"})),
            &mut symbols,
        );
        let mut bytes = Vec::new();
        f.encode(&mut bytes);
        assert_eq!(Facets::decode(&mut bytes.as_slice()), Some(f));
        assert_eq!(Facets::decode(&mut &bytes[..5]), None);
    }
}
