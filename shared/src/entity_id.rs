//! Entity identifiers: the schemes an enrichment may name an entity by, their one
//! canonical spelling, and the URI each stands for. The contract
//! ([`crate::validate`]), feed and entitlement selections ([`crate::access`]) and the
//! formats ([`crate::formats`]) all read ids through this module, so an id the enricher
//! can produce is one every later stage accepts.
//!
//! | scheme | canonical form | URI |
//! |---|---|---|
//! | Wikidata item | `wikidata:Q184` | `http://www.wikidata.org/entity/Q184` (Wikidata's concept URI) |
//! | GeoNames feature | `geonames:625144` | `https://sws.geonames.org/625144/` (GeoNames' semantic web URI) |
//! | ISO 3166-2 subdivision | `iso3166-2:BY-BR` | `https://www.iso.org/obp/ui/#iso:code:3166:BY-BR` (ISO's Online Browsing Platform) |
//!
//! ISO 3166-2 codes (ISO 3166-2:2020 §5.2) are the country's ISO 3166-1 alpha-2 code, a
//! hyphen and one to three letters or digits; the enricher names regions by them
//! because GeoNames' first-order divisions carry no id in the data it is built from.

/// The canonical spelling of `text` when it is an id of a known scheme: the scheme in
/// lower case, Wikidata's `Q` and ISO codes in upper case (`Wikidata:q184` →
/// `wikidata:Q184`, `iso3166-2:by-br` → `iso3166-2:BY-BR`). `None` for anything else,
/// including ids with leading zeros or signs (`geonames:+1`), which name nothing.
pub fn canonical(text: &str) -> Option<String> {
    let (scheme, rest) = text.split_once(':')?;
    match scheme.to_ascii_lowercase().as_str() {
        "wikidata" => {
            let number = rest.strip_prefix(['Q', 'q'])?;
            is_number(number).then(|| format!("wikidata:Q{number}"))
        }
        "geonames" => is_number(rest).then(|| format!("geonames:{rest}")),
        "iso3166-2" => {
            let (country, subdivision) = rest.split_once('-')?;
            let ok = country.len() == 2
                && country.bytes().all(|b| b.is_ascii_alphabetic())
                && (1..=3).contains(&subdivision.len())
                && subdivision.bytes().all(|b| b.is_ascii_alphanumeric());
            ok.then(|| format!("iso3166-2:{}", rest.to_ascii_uppercase()))
        }
        _ => None,
    }
}

/// The canonical spelling of the beginning of an id, for patterns that grant every id
/// starting so (`entity/iso3166-2:by-*` → `iso3166-2:BY-`, `entity/Wikidata:q1*` →
/// `wikidata:Q1`): the scheme in lower case, then what [`canonical`] would write for
/// the characters given. `None` when `text` names no scheme or no canonical id of it
/// starts so (`geonames:0`, `wikidata:1`, `iso3166-2:BYR`).
pub fn canonical_prefix(text: &str) -> Option<String> {
    let (scheme, rest) = text.split_once(':')?;
    let scheme = scheme.to_ascii_lowercase();
    let rest = match scheme.as_str() {
        "wikidata" => match rest.strip_prefix(['Q', 'q']) {
            Some(number) if number_prefix(number) => format!("Q{number}"),
            None if rest.is_empty() => String::new(),
            _ => return None,
        },
        "geonames" if number_prefix(rest) => rest.to_string(),
        "iso3166-2" => {
            let (country, subdivision) = rest.split_once('-').unwrap_or((rest, ""));
            let fits = country.len() <= 2
                && country.bytes().all(|b| b.is_ascii_alphabetic())
                && (!rest.contains('-') || country.len() == 2)
                && subdivision.len() <= 3
                && subdivision.bytes().all(|b| b.is_ascii_alphanumeric());
            if !fits {
                return None;
            }
            rest.to_ascii_uppercase()
        }
        _ => return None,
    };
    Some(format!("{scheme}:{rest}"))
}

/// Whether `id` is an id of a known scheme, spelt canonically (the contract's rule).
pub fn is_canonical(id: &str) -> bool {
    canonical(id).is_some_and(|c| c == id)
}

/// The URI a canonical id stands for (table above); `None` when `id` is not one.
pub fn uri(id: &str) -> Option<String> {
    if !is_canonical(id) {
        return None;
    }
    let (scheme, rest) = id.split_once(':')?;
    Some(match scheme {
        "wikidata" => format!("http://www.wikidata.org/entity/{rest}"),
        "geonames" => format!("https://sws.geonames.org/{rest}/"),
        _ => format!("https://www.iso.org/obp/ui/#iso:code:3166:{rest}"),
    })
}

/// The beginning of such a number (empty included).
fn number_prefix(s: &str) -> bool {
    !s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit())
}

/// Digits without a leading zero: the numbers Wikidata and GeoNames give out.
fn is_number(s: &str) -> bool {
    !s.is_empty() && !s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scheme_has_one_spelling_and_one_uri() {
        for (text, id, uri_) in [
            (
                "wikidata:Q184",
                "wikidata:Q184",
                "http://www.wikidata.org/entity/Q184",
            ),
            (
                "Wikidata:q184",
                "wikidata:Q184",
                "http://www.wikidata.org/entity/Q184",
            ),
            (
                "geonames:625144",
                "geonames:625144",
                "https://sws.geonames.org/625144/",
            ),
            (
                "GeoNames:625144",
                "geonames:625144",
                "https://sws.geonames.org/625144/",
            ),
            (
                "iso3166-2:BY-BR",
                "iso3166-2:BY-BR",
                "https://www.iso.org/obp/ui/#iso:code:3166:BY-BR",
            ),
            (
                "ISO3166-2:kz-10",
                "iso3166-2:KZ-10",
                "https://www.iso.org/obp/ui/#iso:code:3166:KZ-10",
            ),
        ] {
            assert_eq!(canonical(text).as_deref(), Some(id), "{text}");
            assert!(is_canonical(id));
            assert_eq!(is_canonical(text), text == id, "{text}");
            assert_eq!(uri(id).as_deref(), Some(uri_), "{id}");
        }
    }

    #[test]
    fn prefixes_are_spelt_as_the_ids_they_begin() {
        for (text, prefix) in [
            ("wikidata:", Some("wikidata:")),
            ("WikiData:q", Some("wikidata:Q")),
            ("wikidata:Q1", Some("wikidata:Q1")),
            ("geonames:", Some("geonames:")),
            ("geonames:62", Some("geonames:62")),
            ("iso3166-2:", Some("iso3166-2:")),
            ("iso3166-2:b", Some("iso3166-2:B")),
            ("iso3166-2:by-", Some("iso3166-2:BY-")),
            ("ISO3166-2:by-b", Some("iso3166-2:BY-B")),
            ("iso3166-2:KZ-10", Some("iso3166-2:KZ-10")),
            ("wikidata:1", None),
            ("wikidata:Q0", None),
            ("geonames:0", None),
            ("geonames:x", None),
            ("iso3166-2:BYR", None),
            ("iso3166-2:B-", None),
            ("iso3166-2:BY-BRES", None),
            ("osm:", None),
            ("Minsk", None),
        ] {
            assert_eq!(canonical_prefix(text).as_deref(), prefix, "{text}");
        }
        // Every canonical id begins with its own canonical prefixes.
        for id in ["wikidata:Q184", "geonames:625144", "iso3166-2:BY-BR"] {
            for end in id.find(':').unwrap() + 1..=id.len() {
                assert_eq!(canonical_prefix(&id[..end]).as_deref(), Some(&id[..end]));
            }
        }
    }

    #[test]
    fn anything_else_is_no_id() {
        for text in [
            "",
            "wikidata:",
            "wikidata:Q",
            "wikidata:184",
            "wikidata:Q01",
            "wikidata:Q1x",
            "geonames:",
            "geonames:-1",
            "geonames:+1",
            "geonames:0625144",
            "geonames:１２",
            "iso3166-2:BY",
            "iso3166-2:BYR-BR",
            "iso3166-2:BY-BRES",
            "iso3166-2:B1-BR",
            "iso3166-2:BY-",
            "iso3166-2:BY-B R",
            "iso3166-2:BY-BR-1",
            "iso3166-1:BY",
            "osm:123",
            "Minsk",
        ] {
            assert_eq!(canonical(text), None, "{text:?}");
            assert!(!is_canonical(text), "{text:?}");
            assert_eq!(uri(text), None, "{text:?}");
        }
    }
}
