//! Known names: places from `data/places.tsv` (built by `scripts/build-places.py` from
//! GeoNames and iso-codes) and people and organisations from `data/entities.tsv`
//! (written by hand), every name in every form `inflect` generates, in one
//! Aho–Corasick automaton over case-folded text.

use super::fold::{fold, is_cjk, is_cjk_char};
use super::inflect::{forms, is_acronym, is_agglutinative_suffix, NameKind};
use crate::letters::{is_alphabetic, is_lowercase};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
use newswire_shared::article::EntityType;
use std::collections::HashMap;
use std::sync::OnceLock;

const PLACES: &str = include_str!("../../data/places.tsv");
const CURATED: &str = include_str!("../../data/entities.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    City,
    Capital,
    /// A region of the world from the curated list (Central Asia, the Balkans).
    Region,
    Continent,
    Country,
    Organization,
    Person,
}

impl Kind {
    pub fn entity_type(self) -> EntityType {
        match self {
            Kind::Person => EntityType::Person,
            Kind::Organization => EntityType::Organization,
            _ => EntityType::Place,
        }
    }
}

#[derive(Debug)]
pub struct Entry {
    pub kind: Kind,
    pub id: Option<String>,
    /// The name each language's copy uses (`("ru", "Беларусь")`).
    pub names: Vec<(String, String)>,
    /// Preference when one written form names several entries: people and
    /// organisations from the curated list, then countries, capitals, big cities.
    pub prior: f32,
}

impl Entry {
    pub fn name_in(&self, language: &str) -> Option<&str> {
        let primary = crate::language::primary(language);
        self.names
            .iter()
            .find(|(l, _)| l == primary)
            .map(|(_, n)| n.as_str())
    }

    pub fn english(&self) -> &str {
        self.name_in("en")
            .or_else(|| self.names.first().map(|(_, n)| n.as_str()))
            .unwrap_or_default()
    }
}

/// One written form's meaning.
#[derive(Debug, Clone, Copy)]
struct Sense {
    entry: u32,
    /// Index into `Gazetteer::bases`: the uninflected name this form comes from.
    base: u32,
    /// A surname standing alone: only people have these.
    surname: bool,
}

pub struct Gazetteer {
    pub entries: Vec<Entry>,
    /// Uninflected names, as written.
    bases: Vec<String>,
    /// Acronyms match only as written (`UN`, not the French `un`).
    exact: Vec<Option<String>>,
    senses: Vec<Vec<Sense>>,
    automaton: AhoCorasick,
}

/// A known name found in the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub entry: u32,
    pub base: u32,
    pub surname: bool,
}

/// Capitalised words that are also the names of big places somewhere; a sentence
/// starting with one must not become a place.
const NOT_PLACES: &[&str] = &[
    "male",
    "victoria",
    "sale",
    "bath",
    "split",
    "nice",
    "reading",
    "mobile",
    "orange",
    "independence",
    "union",
    "most",
    "mart",
    "van",
    "gold",
    "hope",
    "liberty",
    "concord",
    "columbia",
    "hamilton",
    "lincoln",
    "jackson",
    "marathon",
    "derby",
    "eagle",
    "march",
    "may",
    "june",
    "mira",
    "victory",
    "bozok",
    "central",
    "capital",
    "kota",
    "bar",
    "mons",
    "pau",
    "as",
    "la",
    "le",
    "el",
    "des",
    "san",
    "mar",
    "aden",
    "bonn",
    "oran",
    "mira",
    "мира",
    "победа",
    "орёл",
    "орел",
    "мирный",
    "советский",
    "октябрьский",
    "первомайский",
    "центральный",
    "ленина",
    "заря",
    "nation",
    "china town",
    "president",
    "alba",
    "asia minor",
    "valley",
    "kazakh",
    "russian",
];

impl Gazetteer {
    /// The gazetteer shipped with the enricher, built once (about 0.6 s: ~120k name forms).
    pub fn get() -> &'static Gazetteer {
        static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
        GAZETTEER.get_or_init(|| Gazetteer::build(PLACES, CURATED))
    }

    fn build(places: &str, curated: &str) -> Gazetteer {
        let mut builder = Builder::default();
        for line in data_lines(curated) {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 3, "entities.tsv: bad line {line:?}");
            let kind = match f[1] {
                "person" => Kind::Person,
                "organization" => Kind::Organization,
                "place" => Kind::Region,
                other => panic!("entities.tsv: unknown type {other:?}"),
            };
            let id = (f[0] != "-").then(|| f[0].to_string());
            builder.add(kind, id, 10.0, f[2]);
        }
        for line in data_lines(places) {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 5, "places.tsv: bad line {line:?}");
            let population: f32 = f[3].parse().unwrap_or(0.0);
            let (kind, base) = match f[1] {
                "country" => (Kind::Country, 8.0),
                "continent" => (Kind::Continent, 7.0),
                "capital" => (Kind::Capital, 6.0),
                _ => (Kind::City, 0.0),
            };
            let prior = base + (population.max(1.0)).log10() / 10.0;
            builder.add(kind, Some(f[0].to_string()), prior, f[4]);
        }
        builder.finish()
    }

    /// Known names in `text` (with `folded` = `fold(text)`), whole words, capitalised as
    /// names are, the longest where they overlap.
    ///
    /// With `agglutinative` (Kazakh, Kyrgyz), a name may run on into a case suffix
    /// (`Астанада`); the hit then covers the whole word.
    pub fn find(&self, text: &str, folded: &str, agglutinative: bool) -> Vec<Hit> {
        // Names start with a capital letter (or a character of a script without case)
        // at the start of a word: the longest name from each such place, no search
        // through the lower-case rest of the text. ASCII is decided byte by byte.
        let bytes = text.as_bytes();
        let mut starts = Vec::new();
        let mut after_word_char = false;
        let mut start = 0;
        while start < bytes.len() {
            let b = bytes[start];
            let (name_starts_here, width) = if b.is_ascii() {
                let here = b.is_ascii_uppercase() && !after_word_char;
                after_word_char = b.is_ascii_alphanumeric();
                (here, 1)
            } else {
                let c = text[start..]
                    .chars()
                    .next()
                    .expect("a character starts here");
                let at_word_start = !after_word_char || is_cjk_char(c);
                after_word_char = is_word_char(c);
                (
                    at_word_start && is_alphabetic(c) && !is_lowercase(c),
                    c.len_utf8(),
                )
            };
            if name_starts_here {
                starts.push(start);
            }
            start += width;
        }
        self.find_at(text, folded, starts, agglutinative)
    }

    /// `find`, given where names can start (in text order): where `find` would look.
    /// A caller that has the words already knows these without a scan of its own.
    pub fn find_at(
        &self,
        text: &str,
        folded: &str,
        starts: impl IntoIterator<Item = usize>,
        agglutinative: bool,
    ) -> Vec<Hit> {
        let mut candidates: Vec<(Hit, f32)> = starts
            .into_iter()
            .filter_map(|start| self.name_at(text, folded, start, agglutinative))
            .collect();
        // Longest first, then the likelier entry; keep what does not overlap a kept hit.
        // Most stories have no overlapping candidates: then every one is kept.
        let overlapping = candidates.windows(2).any(|w| w[1].0.start < w[0].0.end);
        if !overlapping {
            return candidates.into_iter().map(|(hit, _)| hit).collect();
        }
        candidates.sort_by(|(a, pa), (b, pb)| {
            (b.end - b.start)
                .cmp(&(a.end - a.start))
                .then(pb.total_cmp(pa))
                .then(a.start.cmp(&b.start))
        });
        let mut kept: Vec<Hit> = Vec::new();
        for (hit, _) in candidates {
            if !kept.iter().any(|k| hit.start < k.end && k.start < hit.end) {
                kept.push(hit);
            }
        }
        kept.sort_by_key(|h| h.start);
        kept
    }

    /// The longest known name written from byte `start` on, with its prior.
    fn name_at(
        &self,
        text: &str,
        folded: &str,
        start: usize,
        agglutinative: bool,
    ) -> Option<(Hit, f32)> {
        let m = self.automaton.find(
            Input::new(folded)
                .span(start..folded.len())
                .anchored(Anchored::Yes),
        )?;
        let pattern = m.pattern().as_usize();
        let written = &text[start..m.end()];
        if let Some(exact) = &self.exact[pattern] {
            if written != exact {
                return None;
            }
        } else if written.chars().next().is_none_or(is_lowercase) {
            return None;
        }
        let mut end = m.end();
        if !is_cjk(written) && !at_word_bounds(text, start, end) {
            let word_end = text[end..]
                .char_indices()
                .find(|(_, c)| !is_word_char(*c))
                .map_or(text.len(), |(i, _)| end + i);
            if agglutinative
                && at_word_bounds(text, start, word_end)
                && is_agglutinative_suffix(&folded[end..word_end])
            {
                end = word_end;
            } else {
                return None;
            }
        }
        let best = self.senses[pattern].iter().max_by(|a, b| {
            let pa = self.entries[a.entry as usize].prior;
            let pb = self.entries[b.entry as usize].prior;
            pa.total_cmp(&pb)
        })?;
        Some((
            Hit {
                start,
                end,
                entry: best.entry,
                base: best.base,
                surname: best.surname,
            },
            self.entries[best.entry as usize].prior,
        ))
    }

    pub fn base(&'static self, hit: &Hit) -> &'static str {
        &self.bases[hit.base as usize]
    }

    /// The entry a name written exactly this way (uninflected) means, if any.
    pub fn lookup(&self, name: &str) -> Option<u32> {
        let folded = fold(name);
        self.automaton
            .find(Input::new(folded.as_str()).anchored(Anchored::Yes))
            .filter(|m| m.end() == folded.len())
            .and_then(|m| {
                self.senses[m.pattern().as_usize()].iter().max_by(|a, b| {
                    let pa = self.entries[a.entry as usize].prior;
                    pa.total_cmp(&self.entries[b.entry as usize].prior)
                })
            })
            .map(|s| s.entry)
    }
}

fn data_lines(data: &str) -> impl Iterator<Item = &str> {
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
}

/// Not inside a word, nor inside a hyphenated one (`Усць-Лугу` is not `Луга`).
pub fn at_word_bounds(text: &str, start: usize, end: usize) -> bool {
    let mut before = text[..start].chars().rev();
    let mut after = text[end..].chars();
    let (b1, b2) = (before.next(), before.next());
    let (a1, a2) = (after.next(), after.next());
    let joined = |c: Option<char>, next: Option<char>| {
        c.is_some_and(is_word_char) || c == Some('-') && next.is_some_and(is_alphabetic)
    };
    !joined(b1, b2) && !joined(a1, a2)
}

pub fn is_word_char(c: char) -> bool {
    // `letters` settles ASCII and Cyrillic letters without Unicode's tables.
    is_alphabetic(c) || c.is_numeric() || c == '\u{0301}'
}

#[derive(Default)]
struct Builder {
    entries: Vec<Entry>,
    bases: Vec<String>,
    patterns: Vec<String>,
    exact: Vec<Option<String>>,
    senses: Vec<Vec<Sense>>,
    index: HashMap<String, usize>,
}

impl Builder {
    fn add(&mut self, kind: Kind, id: Option<String>, prior: f32, names: &str) {
        let entry = self.entries.len() as u32;
        let mut tagged = Vec::new();
        let mut all: Vec<&str> = Vec::new();
        for part in names.split('|').filter(|p| !p.is_empty()) {
            match part.split_once('=') {
                Some((lang, name)) if lang.len() == 2 => {
                    tagged.push((lang.to_string(), name.to_string()));
                    all.push(name);
                }
                _ => all.push(part),
            }
        }
        let name_kind = if kind == Kind::Person {
            NameKind::Person
        } else {
            NameKind::Other
        };
        let mut surnames: Vec<&str> = Vec::new();
        for name in &all {
            if kind != Kind::Person && kind != Kind::Organization {
                if NOT_PLACES.contains(&fold(name).as_str()) {
                    continue;
                }
            }
            self.add_name(entry, name, name_kind, false);
            if kind == Kind::Person {
                if let Some(last) = name.rsplit(' ').next().filter(|l| *l != *name) {
                    if last.chars().count() >= 3 && !surnames.contains(&last) {
                        surnames.push(last);
                    }
                }
            }
        }
        for surname in surnames {
            self.add_name(entry, surname, name_kind, true);
        }
        self.entries.push(Entry {
            kind,
            id,
            names: tagged,
            prior,
        });
    }

    fn add_name(&mut self, entry: u32, name: &str, kind: NameKind, surname: bool) {
        let name = name.trim();
        if name.chars().count() < 2 {
            return;
        }
        let base = self.bases.len() as u32;
        self.bases.push(name.to_string());
        let acronym = is_acronym(name);
        let mut written = forms(name, kind);
        if name.contains('\'') {
            written.push(name.replace('\'', "’"));
        }
        for form in written {
            let key = fold(&form);
            let exact = acronym.then(|| form.clone());
            let slot = match self.index.get(&key) {
                Some(&i) => i,
                None => {
                    self.patterns.push(key.clone());
                    self.exact.push(exact.clone());
                    self.senses.push(Vec::new());
                    self.index.insert(key, self.patterns.len() - 1);
                    self.patterns.len() - 1
                }
            };
            // A written form that is an acronym for one entry and a word for another
            // keeps the looser rule only if no acronym claimed it.
            if exact.is_none() {
                self.exact[slot] = None;
            }
            if !self.senses[slot].iter().any(|s| s.entry == entry) {
                self.senses[slot].push(Sense {
                    entry,
                    base,
                    surname,
                });
            }
        }
    }

    fn finish(self) -> Gazetteer {
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(&self.patterns)
            .expect("gazetteer patterns build an automaton");
        Gazetteer {
            entries: self.entries,
            bases: self.bases,
            exact: self.exact,
            senses: self.senses,
            automaton,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_characters_are_letters_digits_and_the_stress_mark() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(
                is_word_char(c),
                c.is_alphanumeric() || c == '\u{0301}',
                "{c:?}"
            );
        }
    }
}
