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
    } else if is_latin(name) && !is_acronym(name) && !name.ends_with('s') {
        // German genitive: `Russlands`, `Kasachstans`, `Lukaschenkos`.
        push_unique(&mut out, format!("{name}s"));
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
    let (mut letters, mut upper) = (0, 0);
    for c in name.chars() {
        if c == ' ' {
            return false;
        }
        if is_alphabetic(c) {
            letters += 1;
            upper += usize::from(is_uppercase(c));
        }
    }
    letters > 0 && letters <= 6 && upper * 2 > letters
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
    if rest.chars().next().is_some_and(super::fold::is_cyrillic_char) {
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
            let endings = match adjective_endings(w) {
                Some(e) if words.len() > 1 && kind == NameKind::Other => e,
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
            with_endings(word, 1, &e)
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
