//! The forms a name takes inside a sentence, generated from the name itself.
//!
//! Russian, Belarusian and Ukrainian decline names (`Беларусь` → `Беларуси`,
//! `Беларусью`; `Минск` → `в Минске`; `Токаев` → `Токаева`); Kazakh adds suffixes
//! (`Астана` → `Астанада`, `Астананың`: checked at match time against a closed list);
//! German adds a genitive `s`. Matching by a
//! stripped stem would also accept words that merely begin like a name (the issue's
//! `Токаев` → `Tokai`), so instead every form of every gazetteer name is generated
//! here and matched as a whole word. The endings are the union over the three East
//! Slavic languages, so one list serves all of them; a form that never occurs costs
//! only a pattern.

use super::fold::is_cyrillic_char;
use crate::letters::{is_alphabetic, is_uppercase};

/// Which words of a name change: a person's every name declines; in other names the
/// adjectives before the head noun and the head itself do, the words after it (a
/// genitive phrase: `Организация Договора …`) do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Person,
    Other,
}

/// Every form of `name` worth matching, the name itself first.
pub fn forms(name: &str, kind: NameKind) -> Vec<String> {
    let mut out = vec![name.to_string()];
    if is_cyrillic(name) && !is_acronym(name) {
        for form in slavic_forms(name, kind) {
            push_unique(&mut out, form);
        }
    } else if is_latin(name) && !is_acronym(name) {
        for form in german_forms(name) {
            push_unique(&mut out, form);
        }
    }
    out
}

/// The German cases of a Latin-script name: the genitive `s` (`Russlands`,
/// `Kasachstans`, `Lukaschenkos`), and for an adjective and a noun the adjective's
/// endings and the noun's genitive (`Auswärtiges Amt` → `des Auswärtigen Amtes`, `die
/// Europäische Union` → `der Europäischen Union`). Only German copy reads these.
pub fn german_forms(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    if !is_latin(name) || is_acronym(name) {
        return out;
    }
    let words: Vec<&str> = name.split(' ').collect();
    let last = words[words.len() - 1];
    let genitives: Vec<String> =
        if last.ends_with('s') || last.ends_with('x') || last.ends_with('z') {
            vec![]
        } else if words.len() > 1 && last.chars().count() <= 4 {
            vec![format!("{last}es"), format!("{last}s")]
        } else {
            vec![format!("{last}s")]
        };
    let with_last = |first: &[&str], l: &str| {
        let mut w = first.to_vec();
        w.push(l);
        w.join(" ")
    };
    for g in &genitives {
        out.push(with_last(&words[..words.len() - 1], g));
    }
    // An adjective before the noun: its stem with each ending.
    if words.len() == 2 {
        let adjective = words[0];
        let stem = ["es", "er", "e"]
            .iter()
            .find_map(|e| adjective.strip_suffix(e))
            .filter(|s| {
                s.chars().count() >= 4 && adjective.chars().next().is_some_and(is_uppercase)
            });
        if let Some(stem) = stem {
            for e in ["e", "en", "er", "es", "em"] {
                let a = format!("{stem}{e}");
                if a != adjective {
                    out.push(format!("{a} {last}"));
                    for g in &genitives {
                        out.push(format!("{a} {g}"));
                    }
                }
            }
        }
    }
    out
}

fn push_unique(out: &mut Vec<String>, form: String) {
    if !out.contains(&form) {
        out.push(form);
    }
}

pub fn is_acronym(name: &str) -> bool {
    // Asked of every word: settle the common case (a lower-case or long word) first.
    if !name.chars().next().is_some_and(is_uppercase) || name.len() > 24 {
        return false;
    }
    // Most capitalised words are settled by their first few letters: past six letters,
    // or with three lower-case ones (then more than half capitals needs seven letters),
    // the answer is no whatever follows.
    let (mut letters, mut upper) = (0, 0);
    for c in name.chars() {
        if c == ' ' {
            return false;
        }
        if is_alphabetic(c) {
            letters += 1;
            upper += usize::from(is_uppercase(c));
            if letters > 6 || letters - upper >= 3 {
                return false;
            }
        }
    }
    letters > 0 && upper * 2 > letters
}

fn is_cyrillic(name: &str) -> bool {
    name.chars().any(is_cyrillic_char)
}

fn is_latin(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_alphabetic())
}

/// Kazakh (and Kyrgyz) add case endings to a name instead of changing it; rather than
/// a pattern per ending, a match may run on into one of these (see
/// `Gazetteer::find`).
pub fn is_agglutinative_suffix(rest: &str) -> bool {
    if rest.is_empty() {
        return false;
    }
    if rest
        .chars()
        .next()
        .is_some_and(super::fold::is_cyrillic_char)
    {
        return KAZAKH_SUFFIXES.contains(&rest);
    }
    latin_suffixes().iter().any(|s| s == rest)
}

/// The case suffixes in both Latin alphabets (and the 2018 one typed with a dotted i).
fn latin_suffixes() -> &'static [String] {
    use super::kazakh::{dotted, to_latin, Alphabet};
    static LATIN: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LATIN.get_or_init(|| {
        let mut out: Vec<String> = Vec::new();
        for s in KAZAKH_SUFFIXES {
            let y2018 = to_latin(s, Alphabet::Y2018);
            for form in [dotted(&y2018), to_latin(s, Alphabet::Y2021), y2018] {
                if !out.contains(&form) {
                    out.push(form);
                }
            }
        }
        out
    })
}

/// Kazakh case suffixes (genitive, dative, accusative, locative, ablative,
/// instrumental, and the `-дағы` attributive) in their vowel-harmony variants.
const KAZAKH_SUFFIXES: &[&str] = &[
    "ның",
    "нің",
    "дың",
    "дің",
    "тың",
    "тің",
    "ға",
    "ге",
    "қа",
    "ке",
    "на",
    "не",
    "ны",
    "ні",
    "ды",
    "ді",
    "ты",
    "ті",
    "да",
    "де",
    "та",
    "те",
    "нда",
    "нде",
    "дан",
    "ден",
    "тан",
    "тен",
    "нан",
    "нен",
    "мен",
    "бен",
    "пен",
    "дағы",
    "дегі",
    "тағы",
    "тегі",
    "ндағы",
    "ндегі",
];

fn slavic_forms(name: &str, kind: NameKind) -> Vec<String> {
    let words: Vec<&str> = name.split(' ').collect();
    // Which words decline.
    let mut declines = vec![false; words.len()];
    match kind {
        NameKind::Person => {
            for (i, w) in words.iter().enumerate() {
                // Particles in names (`фон дер Ляйен`) stay.
                declines[i] = w.chars().next().is_some_and(is_uppercase);
            }
        }
        NameKind::Other => {
            for (i, w) in words.iter().enumerate() {
                declines[i] = true;
                if adjective_endings(w).is_none() {
                    break; // the head noun: what follows is its complement
                }
            }
        }
    }
    let mut variants: Vec<Vec<String>> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let mut v = vec![w.to_string()];
        if declines[i] {
            // Surnames in -ский, -ський, -скі decline as adjectives (Сікорським).
            let adjectival_surname = kind == NameKind::Person
                && ["ский", "цкий", "ський", "цький", "скі", "цкі"]
                    .iter()
                    .any(|e| w.to_lowercase().ends_with(e));
            let endings = match adjective_endings(w) {
                Some(e) if words.len() > 1 && kind == NameKind::Other || adjectival_surname => e,
                _ => noun_endings(w, kind),
            };
            for form in endings {
                if !v.contains(&form) {
                    v.push(form);
                }
            }
        }
        variants.push(v);
    }
    // The product of the words' forms; names have few declining words, and the cap keeps
    // a long name from exploding.
    let mut out: Vec<String> = vec![String::new()];
    for (i, v) in variants.iter().enumerate() {
        let mut next = Vec::with_capacity(out.len() * v.len());
        for prefix in &out {
            for form in v {
                let mut s = prefix.clone();
                if i > 0 {
                    s.push(' ');
                }
                s.push_str(form);
                next.push(s);
            }
        }
        next.truncate(400);
        out = next;
    }
    out
}

/// Replaces the last `cut` characters of `word` with each ending.
fn with_endings(word: &str, cut: usize, endings: &[&str]) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let stem: String = chars[..chars.len().saturating_sub(cut)].iter().collect();
    endings.iter().map(|e| format!("{stem}{e}")).collect()
}

fn noun_endings(word: &str, kind: NameKind) -> Vec<String> {
    let lower = word.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let Some(&last) = chars.last() else {
        return Vec::new();
    };
    let before = chars.len().checked_sub(2).map(|i| chars[i]);
    let ends = |s: &str| lower.ends_with(s);
    if ends("ия") || ends("ія") {
        // Армения, Расія, Росія
        return with_endings(
            word,
            1,
            &["и", "ю", "ей", "ею", "і", "ї", "ю", "яй", "єю", "ею"],
        )
        .into_iter()
        .chain(with_endings(word, 2, &["ії", "ію", "ією"]))
        .collect();
    }
    match last {
        'а' => {
            let mut e = vec![
                "ы", "и", "і", "е", "у", "ой", "ою", "ей", "ею", "ай", "аю", "ві",
            ];
            if kind == NameKind::Person && (ends("ова") || ends("ева") || ends("ина")) {
                e.push("ой");
            }
            let mut out = with_endings(word, 1, &e);
            // Ukrainian and Belarusian soften г, к, х before the locative's і or е:
            // Гаага → Гаазі, Аляска → Алясці, Прага → Празе.
            if let Some(soft) = before.and_then(|c| match c {
                'г' => Some("з"),
                'к' => Some("ц"),
                'х' => Some("с"),
                _ => None,
            }) {
                for ending in ["і", "е"] {
                    out.push(format!("{}{soft}{ending}", stem_of(word, 2)));
                }
            }
            out
        }
        'я' => with_endings(word, 1, &["и", "і", "е", "ю", "ей", "ею", "яй", "ї", "єю"]),
        'ь' => {
            // Беларусь → Беларусі, Беларуссю; Казань → Казанью; Игорь → Игоря.
            let mut out = with_endings(word, 1, &["и", "і", "ью", "я", "ю", "ем", "е", "ем"]);
            if let Some(c) = before {
                out.push(format!(
                    "{}{}ю",
                    word.chars().take(chars.len() - 1).collect::<String>(),
                    c
                ));
            }
            out
        }
        'й' => with_endings(word, 1, &["я", "ю", "ем", "е", "і", "ї", "єм", "и"]),
        'ў' => with_endings(word, 1, &["ва", "ву", "вым", "ве"]), // Рыжанкоў → Рыжанкова
        // Neuter nouns decline (Союзное государство → государства); surnames in -о
        // (Лукашенко) and borrowed names do not.
        'о' if kind == NameKind::Other && chars.len() > 4 => {
            with_endings(word, 1, &["а", "у", "ом", "е", "ам", "ы"])
        }
        'о' | 'е' | 'и' | 'у' | 'ю' | 'э' | 'і' | 'ы' | 'є' | 'ї' => Vec::new(), // indeclinable
        c if is_alphabetic(c) => {
            // Hard consonant: Минск, Пашинян, Токаев. Ukrainian's locative `-і` (у Львові,
            // в Берліні) never follows к, г or х (у Мінську), and `Славянскі` is an
            // adjective, not Slavyansk.
            let mut e = vec!["а", "у", "ом", "ам", "е", "ові", "ем", "ы"];
            if !matches!(last, 'к' | 'г' | 'х') {
                e.push("і");
            }
            // Ukrainian opens the last syllable's і or ї when an ending follows: Київ →
            // Києва, Києві; Львів → Львова; Харків → Харкова.
            if let Some(alternate) = opened_stem(word) {
                let mut out = with_endings(word, 0, &e);
                for stem in alternate {
                    out.extend(with_endings(&stem, 0, &e));
                }
                if kind == NameKind::Person {
                    out.extend(with_endings(word, 0, &["ым", "им"]));
                }
                return out;
            }
            if kind == NameKind::Person
                && (ends("ов")
                    || ends("ев")
                    || ends("ёв")
                    || ends("ин")
                    || ends("ын")
                    || ends("єв"))
            {
                e.push("ым");
                e.push("им");
            }
            with_endings(word, 0, &e)
        }
        _ => Vec::new(),
    }
}

/// `word` without its last `cut` characters.
fn stem_of(word: &str, cut: usize) -> String {
    let chars: Vec<char> = word.chars().collect();
    chars[..chars.len().saturating_sub(cut)].iter().collect()
}

/// For a Ukrainian name whose last syllable has і or ї before its final consonants
/// (Київ, Львів, Харків): the stems the other cases use (Києв-, Львов-, Харков-).
fn opened_stem(word: &str) -> Option<Vec<String>> {
    let chars: Vec<char> = word.chars().collect();
    let vowels = "аеєиіїоуюяыэё";
    let last_vowel = chars
        .iter()
        .rposition(|c| vowels.contains(c.to_lowercase().next().unwrap_or(*c)))?;
    let consonants_after = chars.len() - last_vowel - 1;
    if !(1..=2).contains(&consonants_after) || last_vowel == 0 {
        return None;
    }
    let replace = |v: char| {
        let mut c = chars.clone();
        c[last_vowel] = v;
        c.into_iter().collect::<String>()
    };
    match chars[last_vowel] {
        'ї' => Some(vec![replace('є')]),
        'і' => Some(vec![replace('о'), replace('е')]),
        _ => None,
    }
}

/// The endings of an adjective in a name (`Европейский союз`, `Южная Корея`), or `None`
/// when the word is not one.
fn adjective_endings(word: &str) -> Option<Vec<String>> {
    let lower = word.to_lowercase();
    let e: &[&str] = if lower.ends_with("ый") || lower.ends_with("ой") || lower.ends_with("ий")
    {
        &["ого", "его", "ому", "ему", "ым", "им", "ом", "ем"]
    } else if lower.ends_with("ая") || lower.ends_with("яя") {
        &["ой", "ей", "ую", "юю", "ою", "аю", "ай"]
    } else if lower.ends_with("ое") || lower.ends_with("ее") {
        &["ого", "его", "ому", "ему", "ым", "им", "ом", "ем"]
    } else if lower.ends_with("ые") || lower.ends_with("ие") {
        &["ых", "их", "ым", "им", "ыми", "ими"]
    } else if lower.ends_with("ы") && lower.chars().count() > 4 {
        // Belarusian masculine adjective: Еўрапейскі, Нацыянальны
        &["ага", "аму", "ым", "ім", "ім"]
    } else if lower.ends_with("і") && lower.chars().count() > 4 {
        &["ага", "ага", "аму", "ым", "ім"]
    } else {
        return None;
    };
    Some(with_endings(word, 2, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The early exits give what counting every letter gives, over generated words
    /// of capitals, small letters (Latin, Cyrillic, Greek), digits, hyphens and spaces.
    #[test]
    fn acronyms_decided_early_as_by_counting_every_letter() {
        fn by_counting(name: &str) -> bool {
            if !name.chars().next().is_some_and(is_uppercase) || name.len() > 24 {
                return false;
            }
            let letters = name.chars().filter(|&c| is_alphabetic(c)).count();
            let upper = name.chars().filter(|&c| is_uppercase(c)).count();
            !name.contains(' ') && letters > 0 && letters <= 6 && upper * 2 > letters
        }
        let alphabet: Vec<char> = "ABZabzАБЯабяΣσ09- ".chars().collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = 1 + (seed % 12) as usize;
            let word: String = (0..len)
                .map(|i| alphabet[((seed >> (5 * i % 60)) % alphabet.len() as u64) as usize])
                .collect();
            assert_eq!(is_acronym(&word), by_counting(&word), "{word:?}");
        }
        assert!(is_acronym("CSTO") && is_acronym("ОДКБ") && is_acronym("EuG"));
        assert!(!is_acronym("President") && !is_acronym("Ab") && !is_acronym("IG Metall"));
    }

    fn has(name: &str, kind: NameKind, form: &str) -> bool {
        forms(name, kind).iter().any(|f| f == form)
    }

    #[test]
    fn russian_belarusian_ukrainian_places_decline() {
        assert!(has("Беларусь", NameKind::Other, "Беларуси"));
        assert!(has("Беларусь", NameKind::Other, "Беларуссю"));
        assert!(has("Минск", NameKind::Other, "Минске"));
        assert!(has("Мінськ", NameKind::Other, "Мінську"));
        assert!(has("Армения", NameKind::Other, "Армении"));
        assert!(has("Росія", NameKind::Other, "Росії"));
        assert!(has("Москва", NameKind::Other, "Москвы"));
        assert!(has("Китай", NameKind::Other, "Китае"));
        assert!(has("Южная Корея", NameKind::Other, "Южной Корее"));
        assert!(has(
            "Европейский союз",
            NameKind::Other,
            "Европейского союза"
        ));
    }

    #[test]
    fn only_the_head_of_an_organisation_name_declines() {
        let f = forms(
            "Организация Договора о коллективной безопасности",
            NameKind::Other,
        );
        assert!(f.contains(&"Организации Договора о коллективной безопасности".to_string()));
        assert!(!f.iter().any(|x| x.ends_with("безопасностью")));
    }

    #[test]
    fn people_decline_every_name() {
        assert!(has(
            "Касым-Жомарт Токаев",
            NameKind::Person,
            "Касым-Жомарта Токаева"
        ));
        assert!(has("Никол Пашинян", NameKind::Person, "Николом Пашиняном"));
        assert!(has("Токаев", NameKind::Person, "Токаевым"));
        assert!(has(
            "Максім Рыжанкоў",
            NameKind::Person,
            "Максіма Рыжанкова"
        ));
        // -о surnames do not change
        assert_eq!(
            forms("Лукашенко", NameKind::Person)
                .iter()
                .filter(|f| f.starts_with("Лукашенк") && f.chars().count() == 9)
                .count(),
            1
        );
    }

    #[test]
    fn kazakh_suffixes_are_a_closed_list_and_acronyms_stay() {
        assert!(is_agglutinative_suffix("ның") && !is_agglutinative_suffix("ов"));
        assert!(is_agglutinative_suffix("ǵa") && is_agglutinative_suffix("nyń"));
        assert!(!is_agglutinative_suffix("s") && !is_agglutinative_suffix(""));
        assert_eq!(forms("ОДКБ", NameKind::Other), vec!["ОДКБ".to_string()]);
        assert!(has("Kasachstan", NameKind::Other, "Kasachstans"));
    }
}

/// The nominative of a name found in a declined form (`Дмитрием Мезенцевым` → `Дмитрий
/// Мезенцев`, `Ержан Ашықбаевты` → `Ержан Ашықбаев`, `Джизакской области` →
/// `Джизакская область`, `Київщиною` → `Київщина`): what an entity is called, in
/// Russian, Ukrainian, Belarusian and Kazakh. A person's case is read from a known given
/// name (a name without one is left as written); a place's from its head word. Other
/// names, and names in other languages, are returned as written.
pub fn nominative(name: &str, is_person: bool, language: &str) -> String {
    let primary = crate::language::primary(language);
    if !matches!(primary, "ru" | "uk" | "be" | "kk") {
        return name.to_string();
    }
    if primary == "kk" {
        return if is_person {
            kazakh_person(name)
        } else {
            kazakh_place(name)
        };
    }
    if !is_cyrillic(name) {
        return name.to_string();
    }
    if is_person {
        slavic_person(name, primary)
    } else {
        slavic_place(name)
    }
}

/// `word` with its last `cut` characters replaced by `ending`, keeping its capitals.
fn replace_end(word: &str, cut: usize, ending: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let keep = chars.len().saturating_sub(cut);
    chars[..keep].iter().collect::<String>() + ending
}

/// The first rule whose ending `lower` has, applied to `word`.
fn by_ending(word: &str, rules: &[(&str, &str)]) -> Option<String> {
    let lower = word.to_lowercase();
    rules
        .iter()
        .find(|(e, _)| lower.ends_with(e) && lower.chars().count() > e.chars().count() + 1)
        .map(|(e, n)| replace_end(word, e.chars().count(), n))
}

fn slavic_person(name: &str, language: &str) -> String {
    let words: Vec<&str> = name.split(' ').collect();
    if words.len() < 2 {
        return name.to_string();
    }
    let Some((given, ending)) = super::traits::given_name_nominative(&super::fold::fold(words[0]))
    else {
        return name.to_string();
    };
    let female = given.ends_with(['а', 'я']);
    let mut out = vec![capitalised_like(words[0], &given)];
    for w in &words[1..] {
        out.push(if female {
            surname_female(w)
        } else {
            surname_male(w, &ending, language)
        });
    }
    out.join(" ")
}

/// `nominative` (lower case) with the first letter as `written` has it.
fn capitalised_like(written: &str, nominative: &str) -> String {
    let mut chars = nominative.chars();
    match (written.chars().next(), chars.next()) {
        (Some(w), Some(_)) if is_uppercase(w) => w.to_string() + chars.as_str(),
        _ => nominative.to_string(),
    }
}

fn surname_male(word: &str, given_ending: &str, language: &str) -> String {
    // Adjectival surnames decline as adjectives whatever the case.
    if let Some(n) = by_ending(
        word,
        &[
            ("ского", "ский"),
            ("скому", "ский"),
            ("ским", "ский"),
            ("ском", "ский"),
            ("цкого", "цкий"),
            ("цкому", "цкий"),
            ("цким", "цкий"),
            ("цком", "цкий"),
            ("ського", "ський"),
            ("ському", "ський"),
            ("ським", "ський"),
            ("ськім", "ський"),
            ("цького", "цький"),
            ("цькому", "цький"),
            ("цьким", "цький"),
            ("скага", "скі"),
            ("скаму", "скі"),
            ("скім", "скі"),
            ("цкага", "цкі"),
            ("цкім", "цкі"),
        ],
    ) {
        return n;
    }
    let lower = word.to_lowercase();
    // -енко, -ко, -их, -ых, -аго and the like do not decline in the nominative's form.
    let endings: &[&str] = match given_ending {
        "ом" | "ем" | "ём" | "єм" | "ам" | "ям" => &["ым", "им", "ом", "ем", "ам"],
        "а" | "я" => &["а", "я"],
        "у" | "ю" | "ові" => &["ові", "еві", "у", "ю"],
        "е" | "і" => &["е", "і", "ы"],
        _ => &[],
    };
    for e in endings {
        if let Some(stem) = lower.strip_suffix(e) {
            if stem.chars().count() < 3 {
                continue;
            }
            let mut n = replace_end(word, e.chars().count(), "");
            // Марченком → Марченко: -енко keeps its o.
            if stem.ends_with("нк") || stem.ends_with("шк") || stem.ends_with("чк") {
                n.push('о');
            } else if language == "be"
                && (stem.ends_with("ов") || stem.ends_with("ев") || stem.ends_with("ав"))
            {
                // Belarusian masculine -аў, -еў: Рыжанкова → Рыжанкоў.
                n = replace_end(&n, 1, "ў");
            }
            return n;
        }
    }
    word.to_string()
}

fn surname_female(word: &str) -> String {
    by_ending(
        word,
        &[
            ("ской", "ская"),
            ("цкой", "цкая"),
            ("ською", "ська"),
            ("ської", "ська"),
            ("ській", "ська"),
            ("скай", "ская"),
            ("скую", "ская"),
            ("ську", "ська"),
            ("ой", "а"),
            ("ою", "а"),
            ("ої", "а"),
            ("ай", "а"),
            ("ей", "а"),
            ("у", "а"),
        ],
    )
    .unwrap_or_else(|| word.to_string())
}

fn slavic_place(name: &str) -> String {
    let words: Vec<&str> = name.split(' ').collect();
    let Some((&head, adjectives)) = words.split_last() else {
        return name.to_string();
    };
    // Regions named by a suffix: Київщиною → Київщина, Берасьцейшчыне → Берасьцейшчына.
    if words.len() == 1 {
        let lower = head.to_lowercase();
        for suffix in ["щин", "шчын", "ччин"] {
            if let Some(at) = lower.rfind(suffix) {
                let keep = lower[..at + suffix.len()].chars().count();
                return replace_end(head, head.chars().count() - keep, "а");
            }
        }
        return name.to_string();
    }
    const HEADS: &[(&str, &str, bool)] = &[
        ("област", "область", true),
        ("вобласц", "вобласць", true),
        ("район", "район", false),
        ("раён", "раён", false),
        ("громад", "громада", true),
        ("долин", "долина", true),
        ("округ", "округ", false),
    ];
    let lower = head.to_lowercase();
    let Some(&(stem, nominative, feminine)) = HEADS.iter().find(|(s, _, _)| lower.starts_with(s))
    else {
        return name.to_string();
    };
    if lower.chars().count() > stem.chars().count() + 3 {
        return name.to_string(); // a longer word that begins so
    }
    let mut out: Vec<String> = adjectives
        .iter()
        .map(|a| {
            let masculine: &[(&str, &str)] = &[
                ("ського", "ський"),
                ("ському", "ський"),
                ("ським", "ський"),
                ("ськім", "ський"),
                ("ском", "ский"),
                ("ского", "ский"),
                ("скому", "ский"),
                ("ским", "ский"),
                ("скім", "скі"),
                ("скага", "скі"),
                ("скаму", "скі"),
                ("ском", "скі"),
            ];
            let feminine_rules: &[(&str, &str)] = &[
                ("ській", "ська"),
                ("ської", "ська"),
                ("ською", "ська"),
                ("ську", "ська"),
                ("ской", "ская"),
                ("скую", "ская"),
                ("скою", "ская"),
                ("скай", "ская"),
                ("ой", "ая"),
                ("ою", "ая"),
                ("ую", "ая"),
                ("ій", "а"),
                ("ої", "а"),
                ("ай", "ая"),
            ];
            by_ending(a, if feminine { feminine_rules } else { masculine })
                .unwrap_or_else(|| a.to_string())
        })
        .collect();
    out.push(capitalised_like(head, nominative));
    out.join(" ")
}

/// Kazakh declines the last word of a name only: `Ержан Ашықбаевты` → `Ержан Ашықбаев`.
fn kazakh_person(name: &str) -> String {
    let Some((rest, last)) = name.rsplit_once(' ') else {
        return name.to_string();
    };
    let lower = super::fold::fold(last);
    let surname = |stem: &str| {
        [
            "ов", "ев", "ин", "ова", "ева", "ина", "ұлы", "қызы", "ov", "ev", "ın", "in", "ova",
            "eva", "ına", "ina", "uly", "qyzy",
        ]
        .iter()
        .any(|e| stem.ends_with(e))
    };
    for (cut, _) in lower.char_indices().rev().take(6) {
        let (stem, suffix) = lower.split_at(cut);
        if is_agglutinative_suffix(suffix) && surname(stem) {
            return format!("{rest} {}", &last[..cut]);
        }
    }
    name.to_string()
}

/// A Kazakh region or district: its head in the nominative (`облысының` → `облысы`,
/// `aýdanynda` → `aýdany`).
fn kazakh_place(name: &str) -> String {
    let Some((rest, head)) = name.rsplit_once(' ') else {
        return name.to_string();
    };
    const HEADS: &[(&str, &str)] = &[
        ("облыс", "облысы"),
        ("аудан", "ауданы"),
        ("қала", "қаласы"),
        ("oblys", "oblysy"),
        ("aýdan", "aýdany"),
        ("qala", "qalasy"),
    ];
    let lower = super::fold::fold(head);
    for (stem, nominative) in HEADS {
        if lower.starts_with(stem) && !lower.contains("дар") && !lower.contains("dar") {
            return format!("{rest} {nominative}");
        }
    }
    name.to_string()
}

#[cfg(test)]
mod nominative_tests {
    use super::nominative;

    #[test]
    fn declined_names_in_the_nominative() {
        let n = |s, person, l| nominative(s, person, l);
        assert_eq!(n("Дмитрием Мезенцевым", true, "ru"), "Дмитрий Мезенцев");
        assert_eq!(n("Максима Рыженкова", true, "ru"), "Максим Рыженков");
        assert_eq!(n("Сергієм Марченком", true, "uk"), "Сергій Марченко");
        assert_eq!(n("Васіліем Анохіным", true, "be"), "Васілій Анохін");
        assert_eq!(n("Марыі Ваньшынай", true, "be"), "Марыя Ваньшына");
        assert_eq!(n("Ержан Ашықбаевты", true, "kk"), "Ержан Ашықбаев");
        assert_eq!(n("Мезенцев", true, "ru"), "Мезенцев");
        assert_eq!(n("Джизакской области", false, "ru"), "Джизакская область");
        assert_eq!(n("Оболонському районі", false, "uk"), "Оболонський район");
        assert_eq!(
            n("Солтүстік Қазақстан облысының", false, "kk"),
            "Солтүстік Қазақстан облысы"
        );
        assert_eq!(n("Jetisý oblysynyń", false, "kk-Latn"), "Jetisý oblysy");
        assert_eq!(n("Київщиною", false, "uk"), "Київщина");
        assert_eq!(n("Jane Doe", true, "en"), "Jane Doe");
    }
}
