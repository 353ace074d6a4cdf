//! Known names: places from `data/places.tsv` (built by `scripts/build-places.py` from
//! GeoNames and iso-codes) and people and organisations from `data/entities.tsv`
//! (written by hand), every name in every form `inflect` generates, in one
//! minimal automaton over case-folded text (`trie.rs`: built with `fst` in a fraction of
//! the time an Aho–Corasick automaton of these half a million forms takes; only
//! anchored matches are ever asked of it).

use super::fold::{fold, is_cjk, is_cjk_char};
use super::inflect::{forms, german_forms, is_acronym, is_agglutinative_suffix, NameKind};
use super::kazakh;
use crate::letters::{is_alphabetic, is_lowercase};
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
    /// For a city or region from GeoNames or ISO 3166-2: log10 of its population (0
    /// when unknown), to tell its name from an ordinary word; `None` for the names
    /// that are never ordinary words (countries, continents, the curated list).
    pub named_like_words: Option<f32>,
    /// ISO 3166-1 code of a place's country (empty for the curated list).
    pub country: String,
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
    /// Forms only German writes (a genitive `s`: `Russlands`), not taken in other
    /// languages' copy (French `Russes` is not a form of Ruse).
    german_only: Vec<bool>,
    senses: Vec<Vec<Sense>>,
    /// Every folded form → its index into `exact` and `senses`.
    forms: super::trie::Forms,
    /// Names written in lower case (`dpa`), found as written: names are otherwise only
    /// looked for where a capitalised word starts.
    lower_case: Vec<(String, usize)>,
}

/// What a match needs to know of the story's language.
struct StoryLanguage {
    /// The primary language subtag.
    language: String,
    agglutinative: bool,
    german: bool,
    nouns_capitalised: bool,
    /// Its word frequencies (`common_words::language_index`).
    words: Option<usize>,
}

/// A place's own name is an ordinary word when the word's Zipf frequency reaches
/// `ORDINARY_BASE + ORDINARY_PER_DECADE × log10(population)`: how often a place is named
/// grows with its size more slowly than an ordinary word's use (Chicago, 2.7 million
/// people, Zipf 4.8 in English, below its 5.4; Nice, 340,000, 5.4 as the adjective,
/// above its 5.2; a village called Думай, and `Думаю`, "I think", Zipf 5.4 in Russian).
const ORDINARY_BASE: f32 = 3.5;
const ORDINARY_PER_DECADE: f32 = 0.3;
/// Chinese has no capitals to tell a name by: a Han place name is an ordinary word from
/// a lower frequency (`胜利`, "victory", for Dongying; `东方`, "east").
const ORDINARY_BASE_HAN: f32 = 2.8;
/// A big Chinese city is named far more often than the line above allows (wordfreq:
/// 上海, 25 million people, Zipf 5.5; 广州 5.1): past about 140,000 people the line
/// rises faster — still below 胜利 (a town of a million, 5.0 as "victory").
const ORDINARY_BIG_HAN: (f32, f32) = (1.0, 0.65);
/// log10 of the population a region without one is judged by.
const REGION_SIZE: f32 = 6.0;
/// log10 of the population a province or region of China is judged by (30 million).
const CHINESE_PROVINCE_SIZE: f32 = 7.5;
/// A word whose stem is this common is an inflected ordinary word (`seuls`, `seul`).
const ORDINARY_FAMILY: f32 = 4.0;

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

/// The name Chinese copy gives a province or region of China: without its kind, as in
/// GB/T 2260's short names (四川省 → 四川, 广西壮族自治区 → 广西, 新疆维吾尔自治区 → 新疆,
/// 香港特别行政区 → 香港). ISO 3166-2's Chinese names carry the kind; copy mostly drops it
/// (`重庆、四川、贵州等地`). `None` when nothing of two characters or more is left.
fn chinese_division_short_name(name: &str) -> Option<String> {
    let stem = match name.strip_suffix("自治区") {
        // The people an autonomous region is named for (壮族, 回族, 维吾尔) go too.
        Some(s) => ["壮族", "回族", "维吾尔"]
            .iter()
            .find_map(|people| s.strip_suffix(people))
            .unwrap_or(s),
        None => name
            .strip_suffix("特别行政区")
            .or_else(|| name.strip_suffix('省'))?,
    };
    (stem.chars().count() >= 2).then(|| stem.to_string())
}

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
            builder.add(kind, id, 10.0, f[2], false, None, "");
        }
        for line in data_lines(places) {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 5, "places.tsv: bad line {line:?}");
            let population: f32 = f[3].parse().unwrap_or(0.0);
            let (kind, base) = match f[1] {
                "country" => (Kind::Country, 8.0),
                "continent" => (Kind::Continent, 7.0),
                "capital" => (Kind::Capital, 6.0),
                // Below a city of the same name (Berlin the city, not the Land).
                "region" => (Kind::Region, -0.5),
                _ => (Kind::City, 0.0),
            };
            let size = population.max(1.0).log10();
            let prior = base + size / 10.0;
            // ISO 3166-2 gives a region no population: judged as a village its name
            // was an ordinary word (Bayern, Zipf 5.2 in German; Kärnten 4.0). A first-
            // level division is home to about a million people.
            let size = match (kind, population == 0.0, f[2]) {
                // A province of China is home to tens of millions (广东, Zipf 5.05 in
                // Chinese, is named far more often than a region of a million).
                (Kind::Region, true, "CN") => CHINESE_PROVINCE_SIZE,
                (Kind::Region, true, _) => REGION_SIZE,
                _ => size,
            };
            let ordinary =
                matches!(kind, Kind::City | Kind::Capital | Kind::Region).then_some(size);
            builder.add(
                kind,
                Some(f[0].to_string()),
                prior,
                f[4],
                f[2] == "KZ",
                ordinary,
                f[2],
            );
        }
        builder.finish()
    }

    /// Known names in `text` (with `folded` = `fold(text)`), whole words, capitalised as
    /// names are, the longest where they overlap.
    ///
    /// `language` is the story's BCP 47 tag. In Kazakh and Kyrgyz a name may run on into
    /// a case suffix (`Астанада`); the hit then covers the whole word. A place's name
    /// that is an ordinary word of the language, used far more often than a place of
    /// that size is named (`common_words`), is not taken for the place.
    pub fn find(&self, text: &str, folded: &str, language: &str) -> Vec<Hit> {
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
        self.find_at(text, folded, starts, language)
    }

    /// `find`, given where names can start (in text order): where `find` would look.
    /// A caller that has the words already knows these without a scan of its own.
    pub fn find_at(
        &self,
        text: &str,
        folded: &str,
        starts: impl IntoIterator<Item = usize>,
        language: &str,
    ) -> Vec<Hit> {
        let story = StoryLanguage {
            agglutinative: matches!(crate::language::primary(language), "kk" | "ky"),
            nouns_capitalised: crate::language::primary(language) == "de",
            german: crate::language::primary(language) == "de",
            language: crate::language::primary(language).to_string(),
            words: crate::common_words::language_index(language),
        };
        let mut candidates: Vec<(Hit, f32)> = starts
            .into_iter()
            .filter_map(|start| self.name_at(text, folded, start, &story))
            .collect();
        let before = candidates.len();
        for (name, pattern) in &self.lower_case {
            for start in memchr::memmem::find_iter(text.as_bytes(), name.as_bytes()) {
                let end = start + name.len();
                if !at_word_bounds(text, start, end) {
                    continue;
                }
                if let Some(best) = self.best_sense(*pattern) {
                    let prior = self.entries[best.entry as usize].prior;
                    let hit = Hit {
                        start,
                        end,
                        entry: best.entry,
                        base: best.base,
                        surname: best.surname,
                    };
                    candidates.push((hit, prior));
                }
            }
        }
        if candidates.len() > before {
            candidates.sort_by_key(|(h, _)| h.start);
        }
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
        story: &StoryLanguage,
    ) -> Option<(Hit, f32)> {
        let (m_end, pattern) = self.longest_form_at(folded, start)?;
        if self.german_only[pattern] && !story.german {
            return None;
        }
        let written = &text[start..m_end];
        if let Some(exact) = &self.exact[pattern] {
            if written != exact {
                return None;
            }
        } else if written.chars().next().is_none_or(is_lowercase) {
            return None;
        }
        let mut end = m_end;
        if !is_cjk(written) && !at_word_bounds(text, start, end) {
            let word_end = text[end..]
                .char_indices()
                .find(|(_, c)| !is_word_char(*c))
                .map_or(text.len(), |(i, _)| end + i);
            if story.agglutinative
                && at_word_bounds(text, start, word_end)
                && is_agglutinative_suffix(&folded[end..word_end])
            {
                end = word_end;
            } else {
                return None;
            }
        }
        if month_before_day(&folded[start..end], &text[end..]) {
            return None;
        }
        let best = self.senses[pattern].iter().max_by(|a, b| {
            let pa = self.entries[a.entry as usize].prior;
            let pb = self.entries[b.entry as usize].prior;
            pa.total_cmp(&pb)
        })?;
        if self.ordinary_word(text, &folded[start..end], start, best, story) {
            return None;
        }
        if self.river_or_mountain_side(folded, start, end, best) {
            return None;
        }
        // German names a Land without an article: "bei den Bayern" are its people or
        // its club.
        if story.german
            && self.entries[best.entry as usize].kind == Kind::Region
            && text[..start].ends_with(" den ")
        {
            return None;
        }
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

    /// A Chinese province's short name read across a river's or a mountain's side:
    /// 黄河南岸 is the south bank of the Yellow River, not 河南; 太行山东麓, 长江西岸 the same.
    /// Chinese has no spaces to tell the words apart; a two-character short name whose
    /// second character is a direction, followed by 岸 (bank), 麓 (foot) or 侧 (side),
    /// is that.
    fn river_or_mountain_side(
        &self,
        folded: &str,
        start: usize,
        end: usize,
        sense: &Sense,
    ) -> bool {
        let entry = &self.entries[sense.entry as usize];
        let name = &folded[start..end];
        entry.kind == Kind::Region
            && entry.country == "CN"
            && name.chars().count() == 2
            && name.chars().nth(1).is_some_and(|c| "东南西北".contains(c))
            && folded[end..]
                .chars()
                .next()
                .is_some_and(|c| "岸麓侧".contains(c))
    }

    /// The word is an ordinary word of the story's language here, not the place. Only
    /// where capitals say little — at the start of a sentence (`Seuls deux trains`,
    /// `«Думаю, …»`, `Central bank data`) — and, in Chinese, anywhere (`胜利`, `大选`);
    /// a capitalised word inside a sentence is a name. A town's or region's name (in any
    /// of its spellings and forms) is an ordinary word when it is used more often than a
    /// place of its size is named (`ORDINARY_BASE`). Countries, continents, capitals and
    /// the curated list never are.
    fn ordinary_word(
        &self,
        text: &str,
        folded_word: &str,
        start: usize,
        sense: &Sense,
        story: &StoryLanguage,
    ) -> bool {
        let entry = &self.entries[sense.entry as usize];
        let Some(size) = entry.named_like_words else {
            return false;
        };
        if story.words.is_none() || folded_word.contains(' ') {
            return false;
        }
        // German writes every noun with a capital: there a place's name may be an
        // ordinary noun anywhere (`die Lage`, `das Tor`).
        if !is_cjk(folded_word) && !story.nouns_capitalised && !sentence_start(text, start) {
            return false;
        }
        let zipf = crate::common_words::zipf(story.words, folded_word);
        if zipf == 0.0 {
            return false;
        }
        let han = is_cjk(folded_word);
        let base = if han {
            ORDINARY_BASE_HAN
        } else {
            ORDINARY_BASE
        };
        let own = self.bases[sense.base as usize].as_str();
        let own_name = entry.english() == own || entry.names.iter().any(|(_, n)| n == own);
        if entry.kind != Kind::Capital {
            // A foreign place's spelling in the story's language is named less often
            // than the story's own places (Warsaw's district Wola as `Воля`, "will").
            let foreign =
                !own_name && !is_cjk(folded_word) && !home_country(&story.language, &entry.country);
            let mut limit = base + ORDINARY_PER_DECADE * size;
            if han {
                limit = limit.max(ORDINARY_BIG_HAN.0 + ORDINARY_BIG_HAN.1 * size);
            }
            limit -= if foreign { 1.0 } else { 0.0 };
            return zipf >= limit;
        }
        // A capital's own name never is; a spelling from another language is when it
        // is a common word's plural or feminine (`Seuls` for Seoul: French `seul`).
        if own_name {
            return false;
        }
        ["s", "e", "es", "x"].iter().any(|e| {
            folded_word
                .strip_suffix(e)
                .is_some_and(|w| crate::common_words::zipf(story.words, w) >= ORDINARY_FAMILY)
        })
    }

    pub fn base(&'static self, hit: &Hit) -> &'static str {
        &self.bases[hit.base as usize]
    }

    /// The likeliest of the entries a form names.
    fn best_sense(&self, pattern: usize) -> Option<&Sense> {
        self.senses[pattern].iter().max_by(|a, b| {
            let pa = self.entries[a.entry as usize].prior;
            pa.total_cmp(&self.entries[b.entry as usize].prior)
        })
    }

    /// The longest form that `folded` continues with from byte `start`: its end and its
    /// index.
    fn longest_form_at(&self, folded: &str, start: usize) -> Option<(usize, usize)> {
        self.forms
            .longest_at(folded.as_bytes(), start)
            .map(|(end, pattern)| (end, pattern as usize))
    }

    /// The entry a name written exactly this way (uninflected) means, if any.
    pub fn lookup(&self, name: &str) -> Option<u32> {
        let folded = fold(name);
        let pattern = self.forms.get(folded.as_bytes())? as usize;
        self.senses[pattern]
            .iter()
            .max_by(|a, b| {
                let pa = self.entries[a.entry as usize].prior;
                pa.total_cmp(&self.entries[b.entry as usize].prior)
            })
            .map(|s| s.entry)
    }
}

fn data_lines(data: &str) -> impl Iterator<Item = &str> {
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
}

/// The story's language is spoken in the place's country (its own places are named in
/// it most).
fn home_country(language: &str, country: &str) -> bool {
    let countries: &[&str] = match language {
        "ru" => &["RU", "BY", "KZ", "KG", "UA"],
        "uk" => &["UA"],
        "be" => &["BY"],
        "kk" => &["KZ"],
        "de" => &["DE", "AT", "CH", "LU", "LI"],
        "fr" => &["FR", "BE", "CH", "LU", "MC", "SN", "CI", "CA"],
        "es" => &[
            "ES", "MX", "AR", "CO", "CL", "PE", "VE", "EC", "BO", "UY", "PY", "CU", "GT",
        ],
        "zh" => &["CN", "TW", "HK", "MO", "SG"],
        "en" => &["US", "GB", "IE", "CA", "AU", "NZ", "IN"],
        _ => return true,
    };
    countries.contains(&country)
}

/// `start` begins a sentence: nothing but spaces, opening quotes and brackets between
/// it and the text's start, a line break, a sentence's end or a dash.
pub fn sentence_start(text: &str, start: usize) -> bool {
    for c in text[..start].chars().rev() {
        match c {
            ' ' | '\t' | '«' | '"' | '“' | '„' | '(' | '[' | '\'' | '‘' => continue,
            // A dash after a dateline opens the first sentence.
            '.' | '!' | '?' | ':' | '\n' | '…' | '—' | '–' | '-' => return true,
            _ => return false,
        }
    }
    true
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
    german_only: Vec<bool>,
    senses: Vec<Vec<Sense>>,
    index: HashMap<String, usize>,
    lower_case: Vec<(String, usize)>,
    /// The entry being added is from the curated list.
    curated: bool,
}

impl Builder {
    /// `kazakh`: every Cyrillic name of the entry may be written in Kazakh copy (a place
    /// in Kazakhstan); otherwise only its Kazakh name and names with Kazakh letters.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        kind: Kind,
        id: Option<String>,
        prior: f32,
        names: &str,
        kazakh: bool,
        named_like_words: Option<f32>,
        country: &str,
    ) {
        let entry = self.entries.len() as u32;
        self.curated = country.is_empty();
        let mut tagged = Vec::new();
        let mut all: Vec<&str> = Vec::new();
        let mut for_latin: Vec<&str> = Vec::new();
        let mut short_names: Vec<String> = Vec::new();
        for part in names.split('|').filter(|p| !p.is_empty()) {
            match part.split_once('=') {
                Some((lang, name)) if lang.len() == 2 => {
                    tagged.push((lang.to_string(), name.to_string()));
                    all.push(name);
                    if lang == "kk" {
                        for_latin.push(name);
                    }
                    if lang == "zh" && kind == Kind::Region && country == "CN" {
                        short_names.extend(chinese_division_short_name(name));
                    }
                }
                _ => all.push(part),
            }
        }
        all.extend(short_names.iter().map(String::as_str));
        // Kazakh in the Latin alphabet: the names Kazakh copy would use, transliterated.
        for name in &all {
            let cyrillic = name.chars().any(super::fold::is_cyrillic_char);
            let kazakh_letters = name.contains([
                'ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'Ә', 'Ғ', 'Қ', 'Ң', 'Ө', 'Ұ', 'Ү',
            ]);
            if cyrillic
                && (kazakh || kazakh_letters)
                && kazakh::could_be_kazakh(name)
                && !for_latin.contains(name)
            {
                for_latin.push(name);
            }
        }
        let mut latin: Vec<String> = Vec::new();
        for name in &for_latin {
            if is_acronym(name) {
                continue;
            }
            let y2018 = kazakh::to_latin(name, kazakh::Alphabet::Y2018);
            for form in [
                kazakh::dotted(&y2018),
                kazakh::to_latin(name, kazakh::Alphabet::Y2021),
                y2018,
            ] {
                if !latin.contains(&form) && !all.contains(&form.as_str()) {
                    latin.push(form);
                }
            }
        }
        let name_kind = if kind == Kind::Person {
            NameKind::Person
        } else {
            NameKind::Other
        };
        let mut surnames: Vec<&str> = Vec::new();
        for name in &all {
            if kind != Kind::Person
                && kind != Kind::Organization
                && NOT_PLACES.contains(&fold(name).as_str())
            {
                continue;
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
        // Kazakh Latin forms take case suffixes at match time, like Kazakh Cyrillic ones.
        for name in &latin {
            self.add_written(entry, name, vec![name.clone()], false);
            if kind == Kind::Person {
                if let Some(last) = name.rsplit(' ').next().filter(|l| *l != name) {
                    if last.chars().count() >= 3 {
                        self.add_written(entry, last, vec![last.to_string()], true);
                    }
                }
            }
        }
        self.entries.push(Entry {
            kind,
            id,
            names: tagged,
            prior,
            named_like_words,
            country: country.to_string(),
        });
    }

    fn add_name(&mut self, entry: u32, name: &str, kind: NameKind, surname: bool) {
        let name = name.trim();
        let mut written = forms(name, kind);
        if name.contains('\'') {
            written.push(name.replace('\'', "’"));
        }
        self.add_written(entry, name, written, surname);
    }

    /// `name` (uninflected) and the forms it is written in.
    fn add_written(&mut self, entry: u32, name: &str, written: Vec<String>, surname: bool) {
        let name = name.trim();
        if name.chars().count() < 2 {
            return;
        }
        let base = self.bases.len() as u32;
        self.bases.push(name.to_string());
        let acronym = is_acronym(name);
        let german = german_forms(name);
        for form in written {
            let german_only = german.contains(&form) && form != name;
            let key = fold(&form);
            let exact = acronym.then(|| form.clone());
            let slot = match self.index.get(&key) {
                Some(&i) => i,
                None => {
                    self.patterns.push(key.clone());
                    self.exact.push(exact.clone());
                    self.german_only.push(german_only);
                    self.senses.push(Vec::new());
                    self.index.insert(key, self.patterns.len() - 1);
                    self.patterns.len() - 1
                }
            };
            // Only the curated list's lower-case names (`dpa`, `pays baltes`): GeoNames'
            // are particles of foreign names, and each costs a search per story.
            if self.curated
                && form.chars().next().is_some_and(is_lowercase)
                && !self.lower_case.iter().any(|(n, _)| *n == form)
            {
                self.lower_case.push((form.clone(), slot));
            }
            // A written form that is an acronym for one entry and a word for another
            // keeps the looser rule only if no acronym claimed it.
            if exact.is_none() {
                self.exact[slot] = None;
            }
            if !german_only {
                self.german_only[slot] = false;
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
        // The transducer takes its keys in order.
        let mut keys: Vec<(&str, usize)> = self
            .patterns
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_str(), i))
            .collect();
        keys.sort_unstable();
        let forms = super::trie::Forms::build(keys.into_iter().map(|(k, i)| (k, i as u32)));
        Gazetteer {
            entries: self.entries,
            bases: self.bases,
            exact: self.exact,
            german_only: self.german_only,
            senses: self.senses,
            forms,
            lower_case: self.lower_case,
        }
    }
}

/// A month's abbreviation before a day ("ASTANA, Nov 28", "le 3 déc." read the other
/// way, "Okt. 12"): a date in a dateline, not a town called Nov.
fn month_before_day(folded_word: &str, after: &str) -> bool {
    const MONTHS: &[&str] = &[
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "janv", "févr", "fevr", "avr", "juil", "déc", "ene", "abr", "ago", "dic", "okt", "dez",
        "mär", "mai",
    ];
    let after = after.strip_prefix('.').unwrap_or(after);
    MONTHS.contains(&folded_word)
        && after.starts_with(' ')
        && after[1..].starts_with(|c: char| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_forms_fit_in_tens_of_megabytes() {
        let g = Gazetteer::get();
        let (states, edges) = g.forms.bytes();
        eprintln!(
            "forms: {} patterns, states {states} B, edges {edges} B",
            g.senses.len()
        );
        assert!(states + edges < 64 << 20, "{states} + {edges} bytes");
    }

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
