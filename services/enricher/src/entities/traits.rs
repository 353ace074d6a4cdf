//! What the name rules ask about a word — is it an office, a given name, a word of
//! saying, an organisation's head word… — answered once per word of the story.
//!
//! The rules in `newnames` walk the words several times and ask about the same words
//! again and again; with every word list in one map (a word's answers as bits) a word
//! costs one lookup, plus a walk over its prefixes when it is Cyrillic (stems).

use super::fold::{is_cjk, starts_cyrillic};
use super::lexicon::*;
use super::tokens::Token;
use crate::letters::{is_alphabetic, is_uppercase};
use foldhash::HashMap;
use std::sync::OnceLock;

const GIVEN_NAMES: &str = include_str!("../../data/given-names.txt");
/// Faker's first names for the countries our copy names (`scripts/build-given-names.py`;
/// ordinary words and places left out).
const GIVEN_NAMES_FAKER: &str = include_str!("../../data/given-names-faker.txt");

/// Answers about one word, as bits (the constants below).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Traits(u32);

/// Capitalised, starts with a letter, at most three capitals, not a word that is never
/// a name, not Han/kana/hangul.
pub const NAME_LIKE: u32 = 1 << 0;
/// A known given name, also declined (`Максима`).
pub const GIVEN: u32 = 1 << 1;
/// An office or form of address (`minister`, `außenminister`, `министра`).
pub const OFFICE: u32 = 1 << 2;
/// Joins the parts of a title or name (`of`, `und`, `по`).
pub const CONNECTOR: u32 = 1 << 3;
/// An organisation's head word (`ministry`, `министерства`).
pub const ORG_WORD: u32 = 1 << 4;
/// A place's head word (`palace`, `области`).
pub const PLACE_WORD: u32 = 1 << 5;
/// Has a Cyrillic place stem (`области`), the lower-case head of a place's name.
pub const PLACE_STEM: u32 = 1 << 6;
/// A word of saying (`said`, `заявил`).
pub const SAYS: u32 = 1 << 7;
/// Says what kind of organisation follows (`the carmaker Volkswagen`).
pub const ORG_KIND_BEFORE: u32 = 1 << 8;
/// Says what kind of place follows (`estadio Santiago Bernabéu`).
pub const PLACE_KIND_BEFORE: u32 = 1 << 9;
/// Says what kind of organisation went before (`the IG Metall union`).
pub const ORG_KIND_AFTER: u32 = 1 << 10;
/// Says what kind of place went before (`the Great Stone industrial park`).
pub const PLACE_KIND_AFTER: u32 = 1 << 11;
/// A particle inside a person's name (`de`, `von`, `bin`).
pub const PARTICLE: u32 = 1 << 12;
/// Ends in `'s`: an owner, not part of a name.
pub const POSSESSIVE: u32 = 1 << 13;
/// A lower-case Cyrillic word that can continue a name or title (genitives,
/// adjectives, stems: `иностранных`, `экономической`).
pub const CYRILLIC_NAME_WORD: u32 = 1 << 14;
/// An article a name may start with but does not include (`the`, `die`, `los`).
pub const ARTICLE: u32 = 1 << 15;
/// A German federal body in one word (`Bundespolizei`, `Staatsanwaltschaft`).
pub const GERMAN_BODY: u32 = 1 << 16;
/// An administrative unit's kind (`region`, `district`, `région`, `provincia`): named
/// with the kind ("Kharkiv region", "région de Karaganda").
pub const ADMINISTRATIVE: u32 = 1 << 20;
/// A compass point that begins a region's name (`Солтүстік`, `Shyǵys`).
pub const COMPASS: u32 = 1 << 21;
/// The lower-case head of a Kazakh organisation's name (`министрлігі`, `komıteti`).
pub const KAZAKH_ORG_HEAD: u32 = 1 << 22;
/// A plural kind before a list of places (`вёсках`, `villages`).
pub const PLACES_KIND: u32 = 1 << 23;
/// A kind of work whose title is quoted (`опера`, `фильм`, `программа`).
pub const WORK_KIND: u32 = 1 << 24;
/// A plural head of places (`аудандары`, `aýdandarynyń`, `районах`, `regions`).
pub const PLURAL_HEAD: u32 = 1 << 25;
/// A company form (`LLP`, `GmbH`, `ТОО`, `ААТ`), written with capitals.
pub const LEGAL_FORM: u32 = 1 << 26;
// Only in the lexicon's maps, resolved into the answers above.
const NEVER_NAME: u32 = 1 << 17;
const ORG_STEM: u32 = 1 << 18;
const OFFICE_STEM: u32 = 1 << 19;

impl Traits {
    pub fn has(self, bits: u32) -> bool {
        self.0 & bits != 0
    }
}

/// Every word list, one map for whole words and one for Cyrillic stems.
struct Lexicon {
    words: HashMap<Box<str>, u32>,
    stems: HashMap<Box<str>, u32>,
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut words: HashMap<Box<str>, u32> = HashMap::default();
        let mut add = |list: &[&str], bits: u32| {
            // Matched against folded text (`раёне` is read as `раене`): stored folded.
            for w in list {
                *words.entry(super::fold::fold(w).into()).or_default() |= bits;
            }
        };
        add(OFFICES, OFFICE);
        add(CONNECTORS, CONNECTOR);
        add(ORG_HEADS, ORG_WORD);
        add(PLACE_HEADS, PLACE_WORD);
        add(SAID, SAYS);
        add(ORG_KINDS_BEFORE, ORG_KIND_BEFORE);
        add(PLACE_KINDS_BEFORE, PLACE_KIND_BEFORE);
        add(ORG_KINDS_AFTER, ORG_KIND_AFTER);
        add(PLACE_KINDS_AFTER, PLACE_KIND_AFTER);
        add(ADMINISTRATIVE_KINDS, ADMINISTRATIVE);
        add(COMPASS_POINTS, COMPASS);
        add(PLACES_KINDS, PLACES_KIND);
        add(WORK_KINDS, WORK_KIND);
        add(PLURAL_PLACE_HEADS, PLURAL_HEAD);
        add(CONNECTORS_KAZAKH, CONNECTOR);
        add(OFFICES_KAZAKH_LATIN, OFFICE);
        add(SAID_KAZAKH_LATIN, SAYS);
        add(NEVER_NAMES, NEVER_NAME);
        add(PARTICLES, PARTICLE);
        add(ARTICLES, ARTICLE);
        add(LEGAL_FORMS, LEGAL_FORM);
        // Kazakh heads in both alphabets, with the possessive and case endings they
        // take: a place's (`облысы`, `oblysynda`) and an organisation's (`министрлігі`).
        for (stem, endings) in KAZAKH_PLACE_HEADS {
            for e in *endings {
                for form in kazakh_forms(stem, e) {
                    *words.entry(form.into()).or_default() |=
                        PLACE_WORD | PLACE_STEM | CYRILLIC_NAME_WORD;
                }
            }
        }
        for (stem, endings) in KAZAKH_ORG_HEADS {
            for e in *endings {
                for form in kazakh_forms(stem, e) {
                    *words.entry(form.into()).or_default() |=
                        ORG_WORD | KAZAKH_ORG_HEAD | CYRILLIC_NAME_WORD;
                }
            }
        }
        let generated = GIVEN_NAMES_FAKER.lines().map(|l| (l, true));
        for (name, from_faker) in GIVEN_NAMES
            .lines()
            .map(|l| (l, false))
            .chain(generated)
            .filter(|(l, _)| !l.starts_with('#'))
            .flat_map(|(l, f)| l.split_whitespace().map(move |n| (n, f)))
        {
            let folded = super::fold::fold(name);
            // A generated name that the lists above give a part (the office `аким`,
            // the Russian given name Аким) keeps only that part.
            if from_faker && words.contains_key(folded.as_str()) {
                continue;
            }
            *words.entry(folded.into()).or_default() |= GIVEN;
            // Kazakh names in Kazakh Latin copy.
            if starts_cyrillic(name) && super::kazakh::could_be_kazakh(name) {
                use super::kazakh::{dotted, to_latin, Alphabet};
                let latin = to_latin(name, Alphabet::Y2018);
                for form in [dotted(&latin), to_latin(name, Alphabet::Y2021), latin] {
                    *words.entry(super::fold::fold(&form).into()).or_default() |= GIVEN;
                }
            }
        }
        let mut stems: HashMap<Box<str>, u32> = HashMap::default();
        let mut add_stems = |list: &mut dyn Iterator<Item = String>, bits: u32| {
            for s in list {
                assert!(starts_cyrillic(&s), "stem {s:?} is not Cyrillic");
                *stems.entry(super::fold::fold(&s).into()).or_default() |= bits;
            }
        };
        add_stems(
            &mut ORG_STEMS_CYRILLIC.iter().map(|s| s.to_string()),
            ORG_STEM,
        );
        add_stems(
            &mut PLACE_STEMS_CYRILLIC.iter().map(|s| s.to_string()),
            PLACE_STEM,
        );
        // `председателя`, `министра`, `президентом` are forms of `председатель`,
        // `министр`, `президент`: their stems.
        add_stems(
            &mut OFFICES
                .iter()
                .filter(|o| starts_cyrillic(o))
                .map(|o| o.trim_end_matches(['ь', 'й', 'а', 'я']).to_string())
                .filter(|s| s.chars().count() >= 4),
            OFFICE_STEM,
        );
        Lexicon { words, stems }
    })
}

/// A Kazakh head in Cyrillic (`stem` + `ending`) and the same in Latin letters (2018
/// alphabet, also typed with a dotted i), folded.
fn kazakh_forms(stem: &str, ending: &str) -> Vec<String> {
    use super::kazakh::{dotted, to_latin, Alphabet};
    let cyrillic = format!("{stem}{ending}");
    let latin = to_latin(&cyrillic, Alphabet::Y2018);
    vec![cyrillic, dotted(&latin), latin]
}

/// Offices that also end longer words (`außenminister`, `госсекретарь`).
const OFFICE_ENDINGS: &[&str] = &[
    "leiter",
    "leiterin",
    "minister",
    "ministerin",
    "министр",
    "präsident",
    "präsidentin",
    "kanzlerin",
    "sprecher",
    "sprecherin",
    "sekretär",
    "секретарь",
    "міністр",
];

const PARTICLES: &[&str] = &[
    "de", "da", "di", "von", "van", "der", "del", "dos", "du", "le", "al", "bin", "ibn", "el",
];

const ARTICLES: &[&str] = &[
    "the", "a", "an", "die", "der", "le", "la", "el", "los", "les",
];

/// The answers for each token, in order.
pub fn of_tokens(tokens: &[Token<'_>]) -> Vec<Traits> {
    tokens.iter().map(of_token).collect()
}

/// Starts with a letter, has at most three capitals, is not Chinese or Japanese.
fn written_like_a_name(t: &Token<'_>) -> bool {
    if t.ascii_alphanumeric {
        t.text.as_bytes()[0].is_ascii_alphabetic()
            && t.text.bytes().filter(u8::is_ascii_uppercase).count() <= 3
    } else {
        t.text.chars().next().is_some_and(is_alphabetic)
            && t.text.chars().filter(|&c| is_uppercase(c)).count() <= 3
            && !is_cjk(t.text)
    }
}

pub fn of_token(t: &Token<'_>) -> Traits {
    let lexicon = lexicon();
    let f = t.folded;
    let mut bits = lexicon.words.get(f).copied().unwrap_or(0);
    // Every office ending and federal prefix + suffix is longer than most words.
    let long = f.len() > 8;
    if long
        && OFFICE_ENDINGS
            .iter()
            .any(|o| f.len() > o.len() && f.ends_with(o))
    {
        bits |= OFFICE;
    }
    if f.ends_with("'s") || f.ends_with("’s") {
        bits |= POSSESSIVE;
    }
    if long
        && ["bundes", "kanzler", "staats", "landes"]
            .iter()
            .any(|p| f.starts_with(p))
        && [
            "polizei",
            "amt",
            "liga",
            "rat",
            "tag",
            "bank",
            "ministerium",
            "gericht",
            "wehr",
            "agentur",
            "anwaltschaft",
        ]
        .iter()
        .any(|x| f.ends_with(x))
    {
        bits |= GERMAN_BODY;
    }
    let mut stems = 0;
    if starts_cyrillic(f) {
        stems = stem_bits(lexicon, f);
        bits |= stems;
        if bits & GIVEN == 0 && declined_given_name(lexicon, f) {
            bits |= GIVEN;
        }
    }
    // Every ending it checks is Cyrillic: an ASCII word is never one.
    if !t.ascii_alphanumeric
        && !f.is_ascii()
        && cyrillic_name_word(f, stems & (ORG_WORD | PLACE_STEM) != 0)
    {
        bits |= CYRILLIC_NAME_WORD;
    }
    if !t.capitalised {
        bits &= !LEGAL_FORM;
    }
    if t.capitalised && bits & NEVER_NAME == 0 && written_like_a_name(t) {
        bits |= NAME_LIKE;
    }
    Traits(bits & !(NEVER_NAME | ORG_STEM | OFFICE_STEM))
}

/// The stems among the word's prefixes (two letters or more, or the whole word): an
/// organisation's, a place's, or an office declined (its stem and at most three more
/// letters).
fn stem_bits(lexicon: &Lexicon, f: &str) -> u32 {
    let letters = f.chars().count();
    let mut bits = 0;
    for (n, (i, c)) in f.char_indices().enumerate() {
        let prefix_letters = n + 1;
        let end = i + c.len_utf8();
        if prefix_letters < 2 && end < f.len() {
            continue;
        }
        let Some(&found) = lexicon.stems.get(&f[..end]) else {
            continue;
        };
        if found & ORG_STEM != 0 {
            bits |= ORG_WORD;
        }
        if found & PLACE_STEM != 0 {
            bits |= PLACE_WORD | PLACE_STEM;
        }
        if found & OFFICE_STEM != 0 && letters <= prefix_letters + 3 {
            bits |= OFFICE;
        }
    }
    bits
}

/// A known given name declined (`Максима`, `Максимом`): its stem (the name, or
/// without its -а/-я/-й/-ь) plus an ending.
fn declined_given_name(lexicon: &Lexicon, word: &str) -> bool {
    given_name_declined(lexicon, word).is_some()
}

/// A known given name declined (`Максима`, `Дмитрием`): its nominative (folded) and the
/// case ending the word has.
fn given_name_declined<'w>(lexicon: &Lexicon, word: &'w str) -> Option<(String, &'w str)> {
    const ENDINGS: &[&str] = &[
        "а", "у", "ом", "ым", "е", "ем", "ём", "ы", "и", "ой", "ей", "ю", "я", "ам", "ові", "ою",
        "єю", "ай", "аю", "ям", "і", "єм",
    ];
    let mut candidate = String::with_capacity(word.len() + 2);
    for (cut, _) in word.char_indices().rev().take(3) {
        let (stem, ending) = word.split_at(cut);
        if stem.chars().count() < 2 || !ENDINGS.contains(&ending) {
            continue;
        }
        for restore in ["", "а", "я", "й", "ь", "ія", "ія"] {
            candidate.clear();
            candidate.push_str(stem);
            candidate.push_str(restore);
            if candidate != word
                && lexicon
                    .words
                    .get(candidate.as_str())
                    .is_some_and(|b| b & GIVEN != 0)
            {
                return Some((candidate.clone(), ending));
            }
        }
    }
    None
}

/// The nominative of a declined given name (`дмитрием` → `дмитрий`, folded) and the
/// ending that declined it; `None` when the word is not one (or is a nominative).
pub fn given_name_nominative(folded: &str) -> Option<(String, String)> {
    let lexicon = lexicon();
    if lexicon.words.get(folded).is_some_and(|b| b & GIVEN != 0) {
        return None;
    }
    given_name_declined(lexicon, folded).map(|(n, e)| (n, e.to_string()))
}

/// `has_stem`: the word has an organisation's or a place's stem.
fn cyrillic_name_word(f: &str, has_stem: bool) -> bool {
    genitive_like(f)
        || has_stem
        || [
            "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ыя", "ні", "ны", "ная", "ний",
            "на", "не", "ці", "ом", "ем", "ым", "им", "ую",
        ]
        .iter()
        .any(|e| f.ends_with(e) && f.chars().count() > 4)
            && !["ла", "ло", "ли", "лі"].iter().any(|v| f.ends_with(v))
}

/// A Cyrillic word that ends as a finite verb does (`падпісалі`, `сообщило`, `заявил`,
/// `повысит`): what a body's name is the subject of, never part of the name.
pub fn verb_like(f: &str) -> bool {
    [
        "ла", "ло", "ли", "ет", "ит", "ют", "ят", "ть", "лі", "ць", "ся", "сь", "іў", "ыў",
    ]
    .iter()
    .any(|v| f.ends_with(v))
        || f.ends_with('л') && f.chars().count() > 4
}

/// A lower-case Cyrillic noun that can stand in the genitive after a body's head
/// (`навук`, `громад`, `територій`, `розвитку`): four letters or more, not a verb, ending
/// bare (the genitive plural of most nouns) or in a genitive ending.
pub fn genitive_noun(f: &str) -> bool {
    f.chars().count() >= 4
        && !verb_like(f)
        && (genitive_like(f)
            || ["ій", "ів", "ей", "ов", "ев", "аў", "оў", "у", "ю"]
                .iter()
                .any(|e| f.ends_with(e))
            || f.chars()
                .last()
                .is_some_and(|c| "бвгджзклмнпрстфхцчшщ".contains(c)))
}

fn genitive_like(f: &str) -> bool {
    if ["дел", "справ", "спраў"].contains(&f) {
        return true;
    }
    let verb = [
        "ла", "ло", "ли", "ет", "ит", "ют", "ат", "ят", "ть", "лі", "ць", "ся", "сь",
    ];
    if verb.iter().any(|v| f.ends_with(v)) {
        return false;
    }
    // Genitive nouns that end organisations' names: развития, розвитку, адукацыі.
    if [
        "развития",
        "розвитку",
        "развіцця",
        "безпеки",
        "бяспекі",
        "оборони",
        "освіти",
        "транспорту",
        "спорту",
        "туризму",
        "культури",
        "адукацыі",
        "аховы",
        "здароўя",
    ]
    .contains(&f)
    {
        return true;
    }
    [
        "ых",
        "их",
        "ого",
        "его",
        "ой",
        "ей",
        "ства",
        "ности",
        "ции",
        "ения",
        "ания",
        "ыя",
        "ага",
        "ай",
        "асці",
        "ння",
        "ої",
        "ості",
        "ції",
        "ання",
        "ення",
        "ики",
        "ов",
        "ев",
        "аў",
    ]
    .iter()
    .any(|e| f.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::super::{fold::fold, tokens::tokenize};
    use super::*;

    fn word(text: &str) -> Traits {
        let folded = fold(text);
        of_token(&tokenize(text, &folded)[0])
    }

    #[test]
    fn cyrillic_words_are_read_by_their_stems() {
        assert!(word("министерства").has(ORG_WORD));
        assert!(word("области").has(PLACE_WORD | PLACE_STEM));
        assert!(word("Ministry").has(ORG_WORD) && !word("Ministry").has(PLACE_STEM));
        // A declined office: its stem and at most three more letters.
        assert!(word("министра").has(OFFICE) && word("председателем").has(OFFICE));
        assert!(!word("министерство").has(OFFICE));
        assert!(word("Außenminister").has(OFFICE) && !word("ministerial").has(OFFICE));
    }

    #[test]
    fn given_names_also_declined() {
        assert!(word("Максима").has(GIVEN) && word("Максимом").has(GIVEN));
        assert!(word("Jane").has(GIVEN) && !word("Table").has(GIVEN));
    }

    #[test]
    fn names_are_capitalised_words_that_can_be_names() {
        assert!(word("Doe").has(NAME_LIKE) && !word("doe").has(NAME_LIKE));
        assert!(!word("The").has(NAME_LIKE) && !word("November").has(NAME_LIKE));
        assert!(word("Japan's").has(POSSESSIVE | NAME_LIKE));
        assert!(word("иностранных").has(CYRILLIC_NAME_WORD));
        assert!(!word("заявила").has(CYRILLIC_NAME_WORD));
    }
}
