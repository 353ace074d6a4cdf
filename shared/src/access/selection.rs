//! What a request selects: the feed its path names (`all`, `urgent`, `section/{slug}`,
//! `lang/{tag}`, `entity/{id-or-name}`) narrowed by every filter of its query
//! (`section`, `lang`, `entity`, `urgent`) — the *effective selection*, decided here
//! once for feeds, archive pages, `/v1/items` and the NewsML pull API.
//!
//! Rules, each refused with an error rather than guessed:
//! - A query parameter given twice (`?section=a&section=b`, also `?key=…&key=…`, names
//!   compared case-insensitively after percent-decoding) is [`RequestError::Repeated`]:
//!   one value for the check and another for the selection is how access is widened.
//! - A filter may only narrow: a query value for a filter the path already fixes must
//!   agree with it (`lang/zh?lang=zh-hans` narrows to `zh-hans`); a different value
//!   (`section/sport?section=economy`) is [`SelectionError::Conflict`] — no story
//!   matches both, and no entitlement grants such a selection.
//! - Values are compared in one canonical form: sections as slugs, language tags in
//!   lower case, entity ids as `wikidata:Q…`/`geonames:…`/`iso3166-2:…`, entity names as slugs.

use crate::Article;
use std::collections::BTreeMap;

/// Urgency at or below this is "urgent" (1 = flash).
pub const URGENT_MAX: u8 = 3;

/// A query string parsed once: percent-decoded (`+` is a space), names in lower case,
/// each at most once. Parameters that are not filters (cache-busters, `key`, paging)
/// are kept for whoever reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(BTreeMap<String, String>);

/// A malformed request: 400 for every caller, whatever key it presents. Messages name
/// the parameter, never a value (a value may be a key).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("query parameter `{0}` is given more than once; give each parameter once")]
    Repeated(String),
    #[error("query parameter `{0}` is empty or not a valid value")]
    Invalid(&'static str),
}

impl Params {
    /// Parses the raw query (the part after `?`, still percent-encoded).
    pub fn parse(raw: Option<&str>) -> Result<Self, RequestError> {
        let mut map = BTreeMap::new();
        for (name, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            if name.is_empty() {
                continue;
            }
            let name = name.to_lowercase();
            if map.contains_key(&name) {
                return Err(RequestError::Repeated(name));
            }
            map.insert(name, value.into_owned());
        }
        Ok(Self(map))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// From pairs, for tests and callers that built them already (names as given).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_lowercase(), v.to_string()))
                .collect(),
        )
    }
}

/// An entity as a filter names it: by id, or by name (any spelling with the same slug).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entity {
    /// `wikidata:Q184`, `geonames:625144`, `iso3166-2:BY-BR` ([`crate::entity_id`]).
    Id(String),
    /// The slug of a name: `alexander-lukashenko`.
    Name(String),
}

impl Entity {
    /// `None` when nothing of the text is left (`entity=%20`).
    pub fn parse(text: &str) -> Option<Self> {
        if let Some(id) = crate::entity_id::canonical(text) {
            return Some(Entity::Id(id));
        }
        let s = slug(text);
        (!s.is_empty()).then_some(Entity::Name(s))
    }

    /// The canonical text: the id, or the name's slug. Ids hold a `:`, slugs never do.
    pub fn as_str(&self) -> &str {
        match self {
            Entity::Id(s) | Entity::Name(s) => s,
        }
    }
}

/// The effective selection of a request (see the module's rules).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Selector {
    /// A section slug.
    pub section: Option<String>,
    /// A BCP 47 tag in lower case; `zh` takes `zh-hans` too.
    pub lang: Option<String>,
    pub entity: Option<Entity>,
    /// Urgency ≤ [`URGENT_MAX`] only.
    pub urgent: bool,
}

/// Why a request selects nothing servable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    /// The path names no feed: 404.
    #[error("unknown feed; feeds are all, urgent, section/NAME, lang/TAG, entity/ID-OR-NAME, each .rss, .atom or .json")]
    UnknownFeed(String),
    /// A query filter contradicts the path's (`section/sport?section=economy`): 403, as
    /// for any selection outside an entitlement, since no key is granted it.
    #[error("filter `{0}` contradicts the feed named by the path")]
    Conflict(&'static str),
    #[error(transparent)]
    Request(#[from] RequestError),
}

impl Selector {
    /// The selection of `name` (the path after `/feeds/`, without extension; `all` for
    /// endpoints that name no feed) narrowed by the filters of `params`.
    pub fn parse(name: &str, params: &Params) -> Result<Self, SelectionError> {
        let mut s = Selector::default();
        let unknown = || SelectionError::UnknownFeed(name.to_string());
        match name.split_once('/') {
            None if name == "all" => {}
            None if name == "urgent" => s.urgent = true,
            Some(("section", v)) => s.section = Some(section_value(v).ok_or_else(unknown)?),
            Some(("lang", v)) => s.lang = Some(lang_value(v).ok_or_else(unknown)?),
            Some(("entity", v)) => s.entity = Some(Entity::parse(v).ok_or_else(unknown)?),
            _ => return Err(unknown()),
        }
        s.narrow(params)?;
        Ok(s)
    }

    /// Applies the query's filters; each may only narrow what is selected.
    fn narrow(&mut self, params: &Params) -> Result<(), SelectionError> {
        if let Some(v) = params.get("section") {
            let v = section_value(v).ok_or(RequestError::Invalid("section"))?;
            match &self.section {
                Some(fixed) if *fixed != v => return Err(SelectionError::Conflict("section")),
                _ => self.section = Some(v),
            }
        }
        if let Some(v) = params.get("lang") {
            let v = lang_value(v).ok_or(RequestError::Invalid("lang"))?;
            self.lang = Some(match self.lang.take() {
                None => v,
                // The narrower of two tags where one contains the other.
                Some(fixed) if lang_within(&v, &fixed) => v,
                Some(fixed) if lang_within(&fixed, &v) => fixed,
                Some(_) => return Err(SelectionError::Conflict("lang")),
            });
        }
        if let Some(v) = params.get("entity") {
            let v = Entity::parse(v).ok_or(RequestError::Invalid("entity"))?;
            match &self.entity {
                Some(fixed) if *fixed != v => return Err(SelectionError::Conflict("entity")),
                _ => self.entity = Some(v),
            }
        }
        if let Some(v) = params.get("urgent") {
            // `urgent=0` asks for no urgency filter, which cannot undo the path's.
            match v.to_ascii_lowercase().as_str() {
                "" | "1" | "true" => self.urgent = true,
                "0" | "false" => {}
                _ => return Err(RequestError::Invalid("urgent").into()),
            }
        }
        Ok(())
    }

    /// The canonical name of this selection, for feed ids and self links:
    /// `section/economy`, or `all?section=economy&lang=ru` when filters combine.
    pub fn name(&self) -> String {
        let entity = self.entity.as_ref().map(Entity::as_str);
        let mut base = match (&self.section, &self.lang, entity, self.urgent) {
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
        if let Some(e) = entity {
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

    /// Whether a story with these facts is in the selection.
    pub fn matches(&self, story: &StoryFacts) -> bool {
        (!self.urgent || story.urgency <= URGENT_MAX)
            && self
                .section
                .as_ref()
                .is_none_or(|s| story.section.as_ref() == Some(s))
            && self
                .lang
                .as_ref()
                .is_none_or(|l| story.lang.as_deref().is_some_and(|t| lang_within(t, l)))
            && self.entity.as_ref().is_none_or(|e| {
                story
                    .entities
                    .binary_search_by(|x| x.as_str().cmp(e.as_str()))
                    .is_ok()
            })
    }

    /// As [`Selector::matches`] on an article's own facts.
    pub fn matches_article(&self, a: &Article) -> bool {
        self.matches(&StoryFacts::of(a))
    }
}

/// What selections and entitlements look at in a story, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryFacts {
    /// Section slug.
    pub section: Option<String>,
    /// The story's language in lower case (the enricher's finding, else the hint).
    pub lang: Option<String>,
    /// 1 (flash) … 9; unknown counts as 9, never as urgent.
    pub urgency: u8,
    /// Entity ids and the slugs of entity names, sorted, no repeats.
    pub entities: Vec<String>,
}

impl Default for StoryFacts {
    /// Nothing known: matched only by selections and entitlements that ask for nothing.
    fn default() -> Self {
        Self {
            section: None,
            lang: None,
            urgency: 9,
            entities: Vec::new(),
        }
    }
}

impl StoryFacts {
    pub fn of(a: &Article) -> Self {
        let mut entities = Vec::new();
        if let Some(e) = &a.enrichment {
            for en in &e.entities {
                if let Some(Entity::Id(id)) = en.id.as_deref().and_then(Entity::parse) {
                    entities.push(id);
                }
                let s = slug(&en.name);
                if !s.is_empty() {
                    entities.push(s);
                }
            }
        }
        entities.sort_unstable();
        entities.dedup();
        Self {
            section: a.section.as_deref().map(slug).filter(|s| !s.is_empty()),
            lang: a.story_language().map(str::to_ascii_lowercase),
            urgency: a.urgency,
            entities,
        }
    }
}

/// Whether language `tag` is `range` or a narrower tag of it (`zh-hans` within `zh`).
pub fn lang_within(tag: &str, range: &str) -> bool {
    tag.strip_prefix(range)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
}

fn section_value(v: &str) -> Option<String> {
    Some(slug(v)).filter(|s| !s.is_empty())
}

fn lang_value(v: &str) -> Option<String> {
    let v = v.trim().to_ascii_lowercase();
    let valid = !v.is_empty()
        && v.split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()));
    valid.then_some(v)
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

    fn sel(name: &str, query: &str) -> Result<Selector, SelectionError> {
        Selector::parse(
            name,
            &Params::parse(Some(query)).map_err(SelectionError::from)?,
        )
    }

    fn facts(section: &str, lang: &str, urgency: u8, entities: &[&str]) -> StoryFacts {
        let mut entities: Vec<String> = entities.iter().map(|e| e.to_string()).collect();
        entities.sort();
        StoryFacts {
            section: Some(section.into()),
            lang: Some(lang.into()),
            urgency,
            entities,
        }
    }

    #[test]
    fn filters_narrow_and_never_replace_the_path() {
        let economy_ru = facts("economy", "ru", 2, &["geonames:1522867", "казахстан"]);
        let cases = [
            ("all", "", true),
            ("urgent", "", true),
            ("urgent", "urgent=0", true),
            ("section/economy", "", true),
            ("section/ECONOMY", "", true),
            ("section/sport", "", false),
            ("lang/ru", "", true),
            ("lang/RU", "lang=ru", true),
            ("entity/geonames:1522867", "", true),
            ("entity/GeoNames:1522867", "", true),
            ("entity/Казахстан", "", true),
            ("entity/belarus", "", false),
            ("all", "lang=ru&section=economy", true),
            ("all", "LANG=ru&Section=Economy", true),
            ("all", "lang=ru&section=politics", false),
            ("all", "sec%74ion=econ%6Fmy", true),
            ("section/economy", "lang=ru&cachebuster=1", true),
        ];
        for (name, query, expected) in cases {
            let s = sel(name, query).unwrap();
            assert_eq!(s.matches(&economy_ru), expected, "{name}?{query}");
        }
        assert_eq!(
            sel("section/sport", "section=economy"),
            Err(SelectionError::Conflict("section"))
        );
        assert_eq!(
            sel("lang/de", "lang=ru"),
            Err(SelectionError::Conflict("lang"))
        );
        assert_eq!(
            sel("lang/zh", "lang=zh-Hans").unwrap().lang.as_deref(),
            Some("zh-hans")
        );
        assert_eq!(
            sel("lang/zh-hans", "lang=zh").unwrap().lang.as_deref(),
            Some("zh-hans")
        );
        assert_eq!(
            sel("entity/belarus", "entity=russia"),
            Err(SelectionError::Conflict("entity"))
        );
        assert_eq!(
            sel("section/sport", "section=Sport").unwrap().name(),
            "section/sport"
        );
        assert!(matches!(
            sel("nonsense", ""),
            Err(SelectionError::UnknownFeed(_))
        ));
        assert!(matches!(
            sel("section/", ""),
            Err(SelectionError::UnknownFeed(_))
        ));
        assert!(matches!(
            sel("section/ -", ""),
            Err(SelectionError::UnknownFeed(_))
        ));
        assert_eq!(
            sel("all", "section=a&section=b"),
            Err(SelectionError::Request(RequestError::Repeated(
                "section".into()
            )))
        );
        assert_eq!(
            sel("all", "key=a&KEY=b"),
            Err(SelectionError::Request(RequestError::Repeated(
                "key".into()
            )))
        );
        assert_eq!(
            sel("all", "urgent=maybe"),
            Err(SelectionError::Request(RequestError::Invalid("urgent")))
        );
        assert_eq!(
            sel("all", "section=%2F"),
            Err(SelectionError::Request(RequestError::Invalid("section")))
        );
        assert_eq!(sel("all", "lang=RU").unwrap().name(), "lang/ru");
        assert_eq!(
            sel("all", "lang=ru&section=economy").unwrap().name(),
            "all?section=economy&lang=ru"
        );
        let calm = facts("economy", "ru", 5, &[]);
        assert!(!sel("urgent", "").unwrap().matches(&calm));
    }

    #[test]
    fn entities_by_id_or_by_any_spelling_of_the_name() {
        assert_eq!(
            Entity::parse("WIKIDATA:q184"),
            Some(Entity::Id("wikidata:Q184".into()))
        );
        assert_eq!(
            Entity::parse("Alexander Lukashenko"),
            Some(Entity::Name("alexander-lukashenko".into()))
        );
        // Not an id: read as a name.
        assert_eq!(
            Entity::parse("wikidata:x"),
            Some(Entity::Name("wikidata-x".into()))
        );
        assert_eq!(Entity::parse(" - "), None);
    }
}
