//! Names no list has: people introduced by their office ("Foreign Minister Jane Doe",
//! "State Secretary of the Security Council of Belarus Aleksandr Volfovich",
//! "министр иностранных дел Беларуси Максим Рыженков") or by a known given name
//! ("Jane Doe said"), and organisations and places named by what they are ("Ministry
//! of Foreign Affairs", "Palace of Independence", "Министерство обороны").

use super::fold::fold;
use super::tokens::Token;
use newswire_shared::article::EntityType;
use std::collections::HashSet;
use std::sync::OnceLock;

const GIVEN_NAMES: &str = include_str!("../../data/given-names.txt");

/// Offices and forms of address that come right before a person's name (folded; a
/// word ending in one of these also counts: `außenminister`, `госсекретарь`).
const OFFICES: &[&str] = &[
    // en
    "president",
    "minister",
    "secretary",
    "secretary-general",
    "chairman",
    "chairwoman",
    "chair",
    "speaker",
    "ambassador",
    "governor",
    "mayor",
    "director",
    "director-general",
    "ceo",
    "chancellor",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "commissioner",
    "coach",
    "general",
    "senator",
    "king",
    "queen",
    "prince",
    "premier",
    "envoy",
    "head",
    "leader",
    "deputy",
    "judge",
    "prosecutor",
    "professor",
    "dr",
    "mr",
    "mrs",
    "ms",
    "striker",
    "midfielder",
    "goalkeeper",
    "captain",
    "manager",
    "economist",
    "analyst",
    "ceo",
    "founder",
    "chief",
    "executive",
    "officer",
    "minister-counsellor",
    "patriarch",
    "pope",
    "rector",
    "spokesman",
    "correspondent",
    "colonel",
    "lieutenant",
    // ru / be / uk
    "президент",
    "министр",
    "міністр",
    "премьер-министр",
    "прем'єр-міністр",
    "прэм'ер-міністр",
    "госсекретарь",
    "секретарь",
    "сакратар",
    "секретар",
    "председатель",
    "старшыня",
    "голова",
    "спикер",
    "посол",
    "губернатор",
    "мэр",
    "глава",
    "кіраўнік",
    "директор",
    "дырэктар",
    "генсек",
    "генеральный",
    "заместитель",
    "намеснік",
    "заступник",
    "вице-премьер",
    "представитель",
    "прадстаўнік",
    "речник",
    "тренер",
    "трэнер",
    "нападающий",
    "капитан",
    "помощник",
    "советник",
    "руководитель",
    "патриарх",
    "аким",
    "депутат",
    "дэпутат",
    "прокурор",
    "судья",
    "профессор",
    "академик",
    "ректор",
    "канцлер",
    "премьер",
    "прем'єр",
    // kk (the office comes after the country, before the name)
    "президенті",
    "министрі",
    "төрағасы",
    "әкімі",
    "басшысы",
    "хатшысы",
    "елшісі",
    // de / fr / es
    "präsident",
    "präsidentin",
    "ministerin",
    "kanzler",
    "kanzlerin",
    "bundeskanzler",
    "sprecher",
    "sprecherin",
    "bürgermeister",
    "bürgermeisterin",
    "chef",
    "chefin",
    "vorsitzende",
    "vorsitzender",
    "trainer",
    "botschafter",
    "président",
    "présidente",
    "ministre",
    "porte-parole",
    "maire",
    "directeur",
    "directrice",
    "ambassadeur",
    "entraîneur",
    "secrétaire",
    "chef",
    "presidente",
    "ministro",
    "ministra",
    "portavoz",
    "alcalde",
    "alcaldesa",
    "director",
    "directora",
    "embajador",
    "entrenador",
    "secretario",
    "secretaria",
    "canciller",
    "rey",
    "reina",
    "roi",
    "reine",
];

/// Words joining the parts of a title or an organisation's name.
const CONNECTORS: &[&str] = &[
    "of", "the", "for", "and", "on", "de", "del", "la", "las", "los", "des", "du", "d", "l", "für",
    "der", "die", "des", "und", "y", "et", "и", "і", "та", "по", "при", "о", "аб", "про",
];

/// Words an organisation's name is built around (folded; Cyrillic ones as stems).
const ORG_HEADS: &[&str] = &[
    "ministry",
    "council",
    "committee",
    "organization",
    "organisation",
    "bank",
    "agency",
    "company",
    "corporation",
    "association",
    "party",
    "parliament",
    "assembly",
    "commission",
    "fund",
    "institute",
    "university",
    "court",
    "service",
    "forum",
    "group",
    "authority",
    "administration",
    "department",
    "police",
    "army",
    "railways",
    "airlines",
    "academy",
    "chamber",
    "senate",
    "congress",
    "foundation",
    "inc",
    "ltd",
    "plc",
    "gmbh",
    "federation",
    "league",
    "club",
    "union",
    "office",
    "bureau",
    "board",
    "guard",
    "navy",
    "ministerium",
    "bundesrat",
    "kommission",
    "partei",
    "verband",
    "gesellschaft",
    "institut",
    "universität",
    "gericht",
    "amt",
    "behörde",
    "konzern",
    "werke",
    "ministère",
    "conseil",
    "banque",
    "parti",
    "assemblée",
    "comité",
    "agence",
    "société",
    "fondation",
    "université",
    "tribunal",
    "cour",
    "ministerio",
    "consejo",
    "comisión",
    "banco",
    "partido",
    "asamblea",
    "agencia",
    "sociedad",
    "fundación",
    "universidad",
    "senado",
    "sénat",
];
const ORG_STEMS_CYRILLIC: &[&str] = &[
    "министерств",
    "міністэрств",
    "міністерств",
    "совет",
    "савет",
    "рад",
    "комитет",
    "камітэт",
    "комітет",
    "банк",
    "парти",
    "партыі",
    "агентств",
    "агенцтв",
    "агенці",
    "компани",
    "кампані",
    "університет",
    "университет",
    "універсітэт",
    "академи",
    "акадэмі",
    "ассоциаци",
    "асацыяцы",
    "корпораци",
    "карпарацы",
    "фонд",
    "служб",
    "палат",
    "суд",
    "организаци",
    "арганізацы",
    "організаці",
    "федераци",
    "комисси",
    "камісі",
    "комісі",
    "министрлігі",
    "комитеті",
    "банкі",
];
/// Words a named place is built around.
const PLACE_HEADS: &[&str] = &[
    "palace",
    "square",
    "stadium",
    "arena",
    "airport",
    "station",
    "bridge",
    "cathedral",
    "region",
    "oblast",
    "district",
    "province",
    "river",
    "lake",
    "sea",
    "ocean",
    "mountains",
    "island",
    "islands",
    "valley",
    "street",
    "avenue",
    "gulf",
    "strait",
    "peninsula",
    "desert",
    "canal",
    "palast",
    "platz",
    "flughafen",
    "bahnhof",
    "stadion",
    "palais",
    "place",
    "aéroport",
    "gare",
    "palacio",
    "plaza",
    "aeropuerto",
    "estación",
    "estadio",
];
const PLACE_STEMS_CYRILLIC: &[&str] = &[
    "област",
    "вобласц",
    "район",
    "раён",
    "край",
    "округ",
    "дворц",
    "дворец",
    "палац",
    "площад",
    "плошч",
    "аэропорт",
    "аэрапорт",
    "аеропорт",
    "вокзал",
    "стадион",
    "стадыён",
    "озер",
    "возер",
    "рек",
    "рак",
    "облыс",
    "ауданы",
];

fn given_names() -> &'static HashSet<String> {
    static NAMES: OnceLock<HashSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        GIVEN_NAMES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .map(fold)
            .collect()
    })
}

/// A known given name, also in a declined Slavic form (`Максима`, `Максимом`).
pub fn is_given_name(word: &str) -> bool {
    let f = fold(word);
    let names = given_names();
    if names.contains(&f) {
        return true;
    }
    let chars: Vec<char> = f.chars().collect();
    if !chars
        .first()
        .is_some_and(|c| ('\u{0400}'..='\u{04ff}').contains(c))
    {
        return false;
    }
    for cut in 1..=3.min(chars.len().saturating_sub(2)) {
        let stem: String = chars[..chars.len() - cut].iter().collect();
        let ending: String = chars[chars.len() - cut..].iter().collect();
        if ![
            "а", "у", "ом", "ым", "е", "ем", "ы", "и", "ой", "ей", "ю", "я", "ам", "ові",
        ]
        .contains(&ending.as_str())
        {
            continue;
        }
        for restore in ["", "а", "я", "й", "ь"] {
            if names.contains(&format!("{stem}{restore}")) {
                return true;
            }
        }
    }
    false
}

fn is_office(word: &str) -> bool {
    let f = fold(word);
    OFFICES.contains(&f.as_str())
        || [
            "minister",
            "министр",
            "präsident",
            "sekretär",
            "секретарь",
            "міністр",
        ]
        .iter()
        .any(|o| f.ends_with(o) && f.len() > o.len())
}

fn is_connector(word: &str) -> bool {
    CONNECTORS.contains(&fold(word).as_str())
}

fn heads_in(word: &str, heads: &[&str], stems: &[&str]) -> bool {
    let f = fold(word);
    heads.contains(&f.as_str()) || stems.iter().any(|s| f.starts_with(s))
}

/// A name found by its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub entity_type: EntityType,
}

/// `known[i]`: token `i` is part of a name the gazetteer found. `usable[i]`: token `i`
/// is in story text (not page furniture).
pub fn find(text: &str, tokens: &[Token<'_>], known: &[bool], usable: &[bool]) -> Vec<Found> {
    let mut found = Vec::new();
    people_by_office(text, tokens, known, usable, &mut found);
    people_by_given_name(tokens, known, usable, &mut found);
    organisations_and_places(tokens, known, usable, &mut found);
    found.sort_by_key(|f| f.start);
    found.dedup_by(|b, a| b.start < a.end);
    found
}

fn name_like(t: &Token<'_>) -> bool {
    t.capitalised
        && t.text.chars().next().is_some_and(char::is_alphabetic)
        && t.text.chars().filter(|c| c.is_uppercase()).count() <= 3
}

fn people_by_office(
    text: &str,
    tokens: &[Token<'_>],
    known: &[bool],
    usable: &[bool],
    out: &mut Vec<Found>,
) {
    for i in 0..tokens.len() {
        if !usable[i] || !is_office(tokens[i].text) {
            continue;
        }
        // Walk the title's complement to the last run of unknown capitalised words
        // before the sentence goes on ("… of Belarus Aleksandr Volfovich said").
        let mut run: Option<(usize, usize)> = None;
        let mut last_run: Option<(usize, usize)> = None;
        let mut j = i + 1;
        while j < tokens.len() && j <= i + 12 && usable[j] {
            let t = &tokens[j];
            if t.after_break {
                // A comma may stand between the title and the name ("el ministro de
                // Asuntos Exteriores, José Albares"): only a given name continues.
                let comma = text_between(text, tokens, j).trim() == ",";
                if !(comma && is_given_name(t.text)) {
                    break;
                }
                run = None;
                last_run = None;
            }
            if known[j] {
                if let Some(r) = run.take() {
                    last_run = Some(r);
                }
            } else if name_like(t) && !is_connector(t.text) && !is_office(t.text) {
                run = Some(match run {
                    Some((s, _)) => (s, j),
                    None => (j, j),
                });
            } else if is_connector(t.text) || is_office(t.text) {
                if let Some(r) = run.take() {
                    last_run = Some(r);
                }
            } else if run.is_none() && last_run.is_none() && j <= i + 4 {
                // Lower-case words of the title ("министр иностранных дел").
            } else {
                break;
            }
            j += 1;
        }
        let Some((s, e)) = run.or(last_run) else {
            continue;
        };
        // Where the name starts: at a known given name, else the last two words.
        let adjacent = s == i + 1;
        let start = (s..=e).find(|&k| is_given_name(tokens[k].text));
        let s = match start {
            Some(k) => k,
            None if adjacent || e - s < 2 => s.max(e.saturating_sub(1)),
            None => continue,
        };
        if start.is_none() && !adjacent {
            continue;
        }
        if e - s > 3 || (s..=e).any(|k| heads_in(tokens[k].text, ORG_HEADS, &[])) {
            continue;
        }
        out.push(Found {
            start: tokens[s].start,
            end: tokens[e].end,
            entity_type: EntityType::Person,
        });
    }
}

fn text_between<'t>(text: &'t str, tokens: &[Token<'_>], j: usize) -> &'t str {
    &text[tokens[j - 1].end..tokens[j].start]
}

fn people_by_given_name(
    tokens: &[Token<'_>],
    known: &[bool],
    usable: &[bool],
    out: &mut Vec<Found>,
) {
    let mut i = 0;
    while i + 1 < tokens.len() {
        let t = &tokens[i];
        if usable[i] && !known[i] && name_like(t) && is_given_name(t.text) {
            let mut e = i;
            while e + 1 < tokens.len()
                && e < i + 3
                && !known[e + 1]
                && !tokens[e + 1].after_break
                && name_like(&tokens[e + 1])
                && !is_office(tokens[e + 1].text)
                && !heads_in(tokens[e + 1].text, ORG_HEADS, ORG_STEMS_CYRILLIC)
            {
                e += 1;
            }
            if e > i {
                out.push(Found {
                    start: t.start,
                    end: tokens[e].end,
                    entity_type: EntityType::Person,
                });
                i = e + 1;
                continue;
            }
        }
        i += 1;
    }
}

fn organisations_and_places(
    tokens: &[Token<'_>],
    known: &[bool],
    usable: &[bool],
    out: &mut Vec<Found>,
) {
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if !usable[i] || !name_like(t) || is_connector(t.text) {
            i += 1;
            continue;
        }
        let cyrillic = t
            .text
            .chars()
            .next()
            .is_some_and(|c| ('\u{0400}'..='\u{04ff}').contains(&c));
        // The capitalised run with its connectors (`Ministry of Foreign Affairs of Belarus`).
        let mut e = i;
        let mut k = i + 1;
        while k < tokens.len() && usable[k] && !tokens[k].after_break {
            if is_given_name(tokens[k].text) {
                break; // a person's name follows the organisation's
            }
            if name_like(&tokens[k]) && !is_office(tokens[k].text) {
                e = k;
                k += 1;
            } else if is_connector(tokens[k].text)
                && k + 1 < tokens.len()
                && name_like(&tokens[k + 1])
                && !tokens[k + 1].after_break
            {
                k += 1;
            } else if cyrillic
                && !tokens[k].capitalised
                && genitive_like(tokens[k].text)
                && k < i + 5
            {
                // Russian names run on in lower case: Министерство иностранных дел.
                e = k;
                k += 1;
            } else {
                break;
            }
        }
        let words = &tokens[i..=e];
        let org = words
            .iter()
            .any(|w| heads_in(w.text, ORG_HEADS, ORG_STEMS_CYRILLIC));
        let place = words
            .iter()
            .any(|w| heads_in(w.text, PLACE_HEADS, PLACE_STEMS_CYRILLIC));
        // "Брэсцкай вобласці", "Минской области": the name is the word before a
        // lower-case head, whatever capitalised word opened the sentence.
        let lower_head = (i + 1..=e).find(|&h| {
            !tokens[h].capitalised && heads_in(tokens[h].text, &[], PLACE_STEMS_CYRILLIC)
        });
        if let Some(h) = lower_head.filter(|_| cyrillic) {
            if tokens[h - 1].capitalised && !known[h - 1] {
                out.push(Found {
                    start: tokens[h - 1].start,
                    end: tokens[h].end,
                    entity_type: EntityType::Place,
                });
            }
            i = e + 1;
            continue;
        }
        let all_known = (i..=e).all(|x| known[x]);
        let a_single_word = e == i;
        if (org || place) && !all_known && !a_single_word {
            // Drop a sentence-initial article: "The Ministry of …".
            let s = if ["the", "die", "der", "le", "la", "el", "los", "les"]
                .contains(&fold(t.text).as_str())
            {
                i + 1
            } else {
                i
            };
            if s < e || !known[s] {
                out.push(Found {
                    start: tokens[s].start,
                    end: tokens[e].end,
                    entity_type: if org {
                        EntityType::Organization
                    } else {
                        EntityType::Place
                    },
                });
            }
        }
        i = e + 1;
    }
}

/// A lower-case word that can continue a Russian/Belarusian/Ukrainian name in the
/// genitive (`иностранных дел`, `национальной безопасности`), not a verb.
fn genitive_like(word: &str) -> bool {
    let f = fold(word);
    if ["дел", "справ", "спраў"].contains(&f.as_str()) {
        return true;
    }
    let verb = [
        "ла", "ло", "ли", "ет", "ит", "ют", "ат", "ят", "ть", "лі", "ць", "ся", "сь",
    ];
    if verb.iter().any(|v| f.ends_with(v)) {
        return false;
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
    use super::super::tokens::tokenize;
    use super::*;

    fn names(text: &str, known_words: &[&str]) -> Vec<(String, EntityType)> {
        let tokens = tokenize(text);
        let known: Vec<bool> = tokens
            .iter()
            .map(|t| known_words.contains(&t.text))
            .collect();
        let usable = vec![true; tokens.len()];
        find(text, &tokens, &known, &usable)
            .into_iter()
            .map(|f| (text[f.start..f.end].to_string(), f.entity_type))
            .collect()
    }

    #[test]
    fn people_introduced_by_their_office() {
        let p = EntityType::Person;
        assert!(names("Foreign Minister Jane Doe said on Monday.", &[])
            .contains(&("Jane Doe".into(), p)));
        assert!(names(
            "State Secretary of the Security Council of Belarus Aleksandr Volfovich said:",
            &["Belarus"]
        )
        .contains(&("Aleksandr Volfovich".into(), p)));
        assert!(names(
            "министр иностранных дел Беларуси Максим Рыженков заявил журналистам.",
            &["Беларуси"]
        )
        .contains(&("Максим Рыженков".into(), p)));
        assert!(names("Außenminister Johann Wadephul sagte am Montag.", &[])
            .contains(&("Johann Wadephul".into(), p)));
        // A title without a person in it is not one.
        assert!(!names("The Minister of Health Care said.", &[])
            .iter()
            .any(|(_, t)| *t == p));
    }

    #[test]
    fn organisations_and_places_by_what_they_are() {
        let n = names(
            "The summit is held in the Palace of Independence, the Ministry of Foreign Affairs said.",
            &[],
        );
        assert!(n.contains(&("Palace of Independence".into(), EntityType::Place)));
        assert!(n.contains(&(
            "Ministry of Foreign Affairs".into(),
            EntityType::Organization
        )));
        let r = names("Министерство иностранных дел сообщило об этом.", &[]);
        assert!(r.contains(&(
            "Министерство иностранных дел".into(),
            EntityType::Organization
        )));
    }

    #[test]
    fn given_names_mark_people() {
        assert!(is_given_name("Максима"));
        assert!(names("Jane Doe, a teacher, said.", &[])
            .contains(&("Jane Doe".into(), EntityType::Person)));
    }
}
