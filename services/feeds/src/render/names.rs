//! What a feed is called where people and machines see it: its URL path and query
//! (percent-encoded, RFC 3986), its id (a URN, RFC 8141) and its title — all from the
//! selection's canonical name ([`Selector::name`]), so every spelling of a request
//! (`entity/Aleksandr%20Lukashenko`, `section/ECONOMY`, filters in any order) gets the
//! same self link, id and title.

use super::format::feed_urn;
use crate::store::selector::Selector;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// Bytes a path segment carries percent-encoded: everything but RFC 3986's
/// `pchar` (unreserved, sub-delims, `:` and `@`).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A query value: a segment's set plus the query's own delimiters.
const QUERY_VALUE: &AsciiSet = &SEGMENT.add(b'&').add(b'=').add(b'+').add(b';');

/// A feed's names, derived once per rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedNames {
    /// `section/economy`, `entity/%D0%BC%D0%B8%D0%BD%D1%81%D0%BA`, `all`.
    pub path: String,
    /// `section=economy&lang=ru`, or empty.
    pub query: String,
    /// `urn:newswire:feed:section:economy`, `urn:newswire:feed:all;section=economy;lang=ru`.
    pub urn: String,
    /// What the feed holds, in words: `economy, language ru`; `None` for `all`.
    pub subject: Option<String>,
}

impl FeedNames {
    pub fn of(selector: &Selector) -> Self {
        let name = selector.name();
        let (path, query) = name.split_once('?').unwrap_or((&name, ""));
        // Canonical values never hold `/`, `?`, `&` or `=` (slugs, tags, ids).
        let encoded_path: Vec<String> = path
            .split('/')
            .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
            .collect();
        let pairs: Vec<(&str, &str)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect();
        let encoded_query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, QUERY_VALUE)))
            .collect();
        let mut urn_parts: Vec<String> = path.split('/').map(str::to_string).collect();
        if !pairs.is_empty() {
            let filters: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let last = urn_parts.last_mut().expect("a name has a part");
            *last = format!("{last};{}", filters.join(";"));
        }
        let urn_parts: Vec<&str> = urn_parts.iter().map(String::as_str).collect();
        Self {
            path: encoded_path.join("/"),
            query: encoded_query.join("&"),
            urn: feed_urn(&urn_parts),
            subject: subject(selector),
        }
    }
}

/// The selection in words, for titles: no query syntax, no slug hyphens in names.
fn subject(s: &Selector) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(section) = &s.section {
        parts.push(section.replace('-', " "));
    }
    if let Some(lang) = &s.lang {
        parts.push(format!("language {lang}"));
    }
    if let Some(entity) = &s.entity {
        parts.push(match entity {
            crate::store::selector::Entity::Id(id) => id.clone(),
            crate::store::selector::Entity::Name(slug) => slug.replace('-', " "),
        });
    }
    if s.urgent {
        parts.push("urgent".into());
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::selector::Params;

    fn names(path: &str, query: &str) -> FeedNames {
        FeedNames::of(&Selector::parse(path, &Params::parse(Some(query)).unwrap()).unwrap())
    }

    #[test]
    fn every_name_is_a_valid_uri_and_urn() {
        let n = names("entity/Aleksandr Lukashenko", "");
        assert_eq!(n.path, "entity/aleksandr-lukashenko");
        assert_eq!(n.urn, "urn:newswire:feed:entity:aleksandr-lukashenko");
        assert_eq!(n.subject.as_deref(), Some("aleksandr lukashenko"));
        let n = names("entity/Минск", "");
        assert_eq!(n.path, "entity/%D0%BC%D0%B8%D0%BD%D1%81%D0%BA");
        assert_eq!(
            n.urn,
            "urn:newswire:feed:entity:%D0%BC%D0%B8%D0%BD%D1%81%D0%BA"
        );
        let n = names("entity/wikidata:Q184", "");
        assert_eq!(
            (n.path.as_str(), n.urn.as_str()),
            (
                "entity/wikidata:Q184",
                "urn:newswire:feed:entity:wikidata:Q184"
            )
        );
        let n = names("all", "lang=ru&section=Economy");
        assert_eq!(
            (n.path.as_str(), n.query.as_str()),
            ("all", "section=economy&lang=ru")
        );
        assert_eq!(n.urn, "urn:newswire:feed:all;section=economy;lang=ru");
        assert_eq!(n.subject.as_deref(), Some("economy, language ru"));
        let n = names("all", "entity=习近平&urgent=1");
        assert_eq!(n.query, "entity=%E4%B9%A0%E8%BF%91%E5%B9%B3&urgent=1");
        let n = names("all", "");
        assert_eq!((n.urn.as_str(), n.subject), ("urn:newswire:feed:all", None));
    }
}
