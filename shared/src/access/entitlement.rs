//! What a key (or the public) is entitled to, and the one decision every way out of
//! Newswire asks: [`Entitlement::grants`].
//!
//! An entitlement is a list of patterns, each written as a feed name, optionally
//! narrowed like a feed URL: `all` or `*` (everything), `urgent`, `section/sport`,
//! `lang/ru`, `entity/wikidata:Q184`, `section/sport?lang=ru` (Russian sport only). A
//! value ending in `*` is a prefix: `section/*` (any story with a section),
//! `lang/zh*`, `entity/geonames:*`. The stories an entitlement allows are those some
//! pattern selects.

use super::selection::URGENT_MAX;
use super::selection::{lang_within, slug, Params, Selector, StoryFacts};
use crate::entity_id;

/// One value a pattern asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Want {
    Is(String),
    /// Any value beginning with this (`""`: any value at all).
    StartsWith(String),
}

/// One entitlement pattern (see the module's syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    section: Option<Want>,
    lang: Option<Want>,
    entity: Option<Want>,
    urgent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an entitlement pattern (all, *, urgent, section/NAME, lang/TAG, entity/ID-OR-NAME, a value ending in *, optionally ?lang=…&section=…)")]
pub struct BadPattern(pub String);

impl Pattern {
    pub fn parse(text: &str) -> Result<Self, BadPattern> {
        let bad = || BadPattern(text.to_string());
        if text.trim() == "*" {
            return Ok(Self::everything());
        }
        let (path, query) = text.split_once('?').unwrap_or((text, ""));
        let params = Params::parse(Some(query)).map_err(|_| bad())?;
        // The wildcard is taken out of the path before the feed name is read, and put
        // back as a prefix of the canonical value.
        let (dimension, value) = match path.split_once('/') {
            Some((d, v)) => (d, Some(v)),
            None => (path, None),
        };
        let wildcard = value.and_then(|v| v.strip_suffix('*'));
        let exact_path = match wildcard {
            Some(_) => "all",
            None => path,
        };
        // A `*` anywhere else would be read as a literal character of a slug.
        if exact_path.contains('*')
            || query.contains('*')
            || wildcard.is_some_and(|w| w.contains('*'))
        {
            return Err(bad());
        }
        let selector = Selector::parse(exact_path, &params).map_err(|_| bad())?;
        let mut p = Self::from_selector(&selector);
        if let Some(prefix) = wildcard {
            let want = Some(Want::StartsWith(match dimension {
                "section" => slug_prefix(prefix),
                "lang" => prefix.to_ascii_lowercase(),
                // `entity/wikidata:*`, `entity/iso3166-2:BY-*`: ids are matched in
                // their canonical spelling; anything else is the beginning of a name.
                "entity" => match entity_id::canonical_prefix(prefix) {
                    Some(id_prefix) => id_prefix,
                    None if prefix.ends_with(':') => prefix.to_ascii_lowercase(),
                    None => slug_prefix(prefix),
                },
                _ => return Err(bad()),
            }));
            let slot = match dimension {
                "section" => &mut p.section,
                "lang" => &mut p.lang,
                _ => &mut p.entity,
            };
            if slot.is_some() {
                return Err(bad());
            }
            *slot = want;
        }
        Ok(p)
    }

    pub fn everything() -> Self {
        Self {
            section: None,
            lang: None,
            entity: None,
            urgent: false,
        }
    }

    fn from_selector(s: &Selector) -> Self {
        Self {
            section: s.section.clone().map(Want::Is),
            lang: s.lang.clone().map(Want::Is),
            entity: s.entity.as_ref().map(|e| Want::Is(e.as_str().to_string())),
            urgent: s.urgent,
        }
    }

    /// Whether every story of the request is one this pattern selects: each thing the
    /// pattern asks for is implied by the request's filters, or — for a request pinned
    /// to one known story — true of that story.
    fn grants(&self, filters: &Selector, story: Option<&StoryFacts>) -> bool {
        let section = self.section.as_ref().is_none_or(|w| {
            filters.section.as_deref().is_some_and(|s| w.accepts(s))
                || story.is_some_and(|f| f.section.as_deref().is_some_and(|s| w.accepts(s)))
        });
        let lang = self.lang.as_ref().is_none_or(|w| {
            filters.lang.as_deref().is_some_and(|l| w.accepts_lang(l))
                || story.is_some_and(|f| f.lang.as_deref().is_some_and(|l| w.accepts_lang(l)))
        });
        let entity = self.entity.as_ref().is_none_or(|w| {
            filters
                .entity
                .as_ref()
                .is_some_and(|e| w.accepts(e.as_str()))
                || story.is_some_and(|f| f.entities.iter().any(|e| w.accepts(e)))
        });
        let urgent =
            !self.urgent || filters.urgent || story.is_some_and(|f| f.urgency <= URGENT_MAX);
        section && lang && entity && urgent
    }
}

impl Want {
    fn accepts(&self, value: &str) -> bool {
        match self {
            Want::Is(v) => v == value,
            Want::StartsWith(p) => value.starts_with(p.as_str()),
        }
    }

    /// A language tag selects itself and its narrower tags (`zh` takes `zh-hans`), so a
    /// pattern's tag accepts a requested tag within it.
    fn accepts_lang(&self, tag: &str) -> bool {
        match self {
            Want::Is(range) => lang_within(tag, range),
            Want::StartsWith(p) => tag.starts_with(p.as_str()),
        }
    }
}

/// A slug for a prefix: like [`slug`] but keeping a trailing separator, so
/// `section/world-*` does not take `worldcup`.
fn slug_prefix(prefix: &str) -> String {
    let s = slug(prefix);
    let ends_apart = prefix.chars().last().is_some_and(|c| !c.is_alphanumeric());
    if ends_apart && !s.is_empty() {
        format!("{s}-")
    } else {
        s
    }
}

/// What one caller may read: the union of its patterns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entitlement(Vec<Pattern>);

impl Entitlement {
    /// From configured patterns; the error names the bad one.
    pub fn parse<S: AsRef<str>>(patterns: &[S]) -> Result<Self, BadPattern> {
        patterns
            .iter()
            .map(|p| Pattern::parse(p.as_ref()))
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn everything() -> Self {
        Self(vec![Pattern::everything()])
    }

    pub fn nothing() -> Self {
        Self(Vec::new())
    }

    pub fn is_nothing(&self) -> bool {
        self.0.is_empty()
    }

    /// THE entitlement decision, used by feeds, archive pages, `/v1/items`, the NewsML
    /// pull API and drop folders alike: whether every story the request can return is
    /// one this entitlement allows.
    ///
    /// `filters` is the request's effective selection ([`Selector::parse`]: the path's
    /// feed narrowed by the query). `story` pins the request to one known story (a
    /// NewsML item, a drop-folder delivery, one entry of a stream); `None` for a feed,
    /// which must lie wholly inside one pattern — a feed a key is not entitled to as a
    /// whole is refused, never served in part. Granted means: some pattern's every
    /// demand is implied by the filters or true of the pinned story.
    pub fn grants(&self, filters: &Selector, story: Option<&StoryFacts>) -> bool {
        self.0.iter().any(|p| p.grants(filters, story))
    }

    /// Whether `story` belongs in a response to a request with `filters`: it is
    /// selected, and granted as a pinned story.
    pub fn admits(&self, filters: &Selector, story: &StoryFacts) -> bool {
        filters.matches(story) && self.grants(filters, Some(story))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ent(patterns: &[&str]) -> Entitlement {
        Entitlement::parse(patterns).unwrap()
    }

    fn feed(name: &str, query: &str) -> Selector {
        Selector::parse(name, &Params::parse(Some(query)).unwrap()).unwrap()
    }

    fn story(section: &str, lang: &str, urgency: u8, entities: &[&str]) -> StoryFacts {
        StoryFacts {
            section: Some(section.into()),
            lang: Some(lang.into()),
            urgency,
            entities: entities.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn a_feed_is_granted_only_inside_one_pattern() {
        let sport = ent(&["section/sport"]);
        assert!(sport.grants(&feed("section/sport", ""), None));
        assert!(sport.grants(&feed("section/sport", "lang=ru"), None));
        assert!(sport.grants(&feed("all", "section=Sport"), None));
        assert!(!sport.grants(&feed("all", ""), None));
        assert!(!sport.grants(&feed("lang/ru", ""), None));
        assert!(!sport.grants(&feed("section/economy", ""), None));

        let wild = ent(&["section/*", "lang/zh", "urgent", "entity/wikidata:*"]);
        assert!(wild.grants(&feed("section/anything", ""), None));
        assert!(wild.grants(&feed("lang/zh-hans", ""), None));
        assert!(!wild.grants(&feed("lang/z", ""), None));
        assert!(wild.grants(&feed("urgent", "lang=de"), None));
        assert!(wild.grants(&feed("entity/WikiData:q1", ""), None));
        // Id prefixes are read as ids, in any spelling.
        let regions = ent(&["entity/iso3166-2:by-*", "entity/Wikidata:q18*"]);
        assert!(regions.grants(&feed("entity/iso3166-2:BY-BR", ""), None));
        assert!(regions.grants(&feed("entity/ISO3166-2:by-hm", ""), None));
        assert!(!regions.grants(&feed("entity/iso3166-2:KZ-10", ""), None));
        assert!(regions.grants(&feed("entity/wikidata:Q184", ""), None));
        assert!(!regions.grants(&feed("entity/wikidata:Q2", ""), None));
        assert!(!wild.grants(&feed("entity/belarus", ""), None));
        assert!(!wild.grants(&feed("all", "urgent=0"), None));

        let combined = ent(&["section/sport?lang=ru"]);
        assert!(combined.grants(&feed("section/sport", "lang=ru"), None));
        assert!(combined.grants(&feed("lang/ru", "section=sport&urgent=1"), None));
        assert!(!combined.grants(&feed("section/sport", ""), None));

        assert!(ent(&["*"]).grants(&feed("entity/x", ""), None));
        assert!(ent(&["all"]).grants(&feed("entity/x", ""), None));
        assert!(!Entitlement::nothing().grants(&feed("all", ""), None));
    }

    #[test]
    fn a_pinned_story_is_granted_by_its_own_facts() {
        let e = ent(&["section/sport?lang=ru", "entity/belarus"]);
        let all = feed("all", "");
        assert!(e.admits(&all, &story("sport", "ru", 5, &[])));
        assert!(!e.admits(&all, &story("sport", "en", 5, &[])));
        assert!(e.admits(&all, &story("economy", "en", 5, &["belarus"])));
        // The filters still narrow.
        assert!(!e.admits(&feed("all", "lang=en"), &story("sport", "ru", 5, &[])));
        assert!(!e.admits(&all, &StoryFacts::default()));
        assert!(Entitlement::everything().admits(&all, &StoryFacts::default()));
    }

    #[test]
    fn patterns_are_checked() {
        for bad in [
            "nonsense",
            "section/",
            "section/a?section=b",
            "sport/*",
            "section/*?section=x",
            "all?x=1&x=2",
            "section/a*b",
            "section/**",
        ] {
            assert!(Pattern::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Pattern::parse("section/world-*").unwrap().section,
            Some(Want::StartsWith("world-".into()))
        );
    }
}
