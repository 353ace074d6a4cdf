//! Kazakh in the Latin alphabet: the names the gazetteer knows in Cyrillic, written as
//! Kazakh Latin copy writes them. Two alphabets are in use: the 2018 one with acute
//! accents and a dotless ı for и/й (Kazinform's Latin service: `Taldyqorǵan`,
//! `Óskemen`, `Jetisý oblysy`), and the one approved in 2021 (`Taldyqorğan`, `Öskemen`,
//! `Jetısu`). Names are transliterated letter by letter, never guessed back from the
//! Latin text.

/// One Cyrillic letter in the 2018 alphabet (lower case), or `None` for a letter
/// Kazakh does not use (the caller keeps it).
fn letter_2018(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'ә' => "á",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ғ' => "ǵ",
        'д' => "d",
        'е' => "e",
        'ё' => "ıo",
        'ж' => "j",
        'з' => "z",
        'и' | 'й' => "ı",
        'к' => "k",
        'қ' => "q",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'ң' => "ń",
        'о' => "o",
        'ө' => "ó",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "ý",
        'ұ' => "u",
        'ү' => "ú",
        'ф' => "f",
        'х' | 'һ' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'і' => "i",
        'э' => "e",
        'ю' => "ıý",
        'я' => "ıa",
        _ => return None,
    })
}

/// The same in the 2021 alphabet.
fn letter_2021(c: char) -> Option<&'static str> {
    Some(match c {
        'ә' => "ä",
        'ғ' => "ğ",
        'ё' => "io",
        'и' | 'й' => "i",
        'ң' => "ñ",
        'ө' => "ö",
        'у' => "u",
        'ұ' => "ū",
        'ү' => "ü",
        'ч' => "ç",
        'ш' => "ş",
        'щ' => "şş",
        'і' => "ı",
        'ю' => "iu",
        'я' => "ia",
        other => return letter_2018(other),
    })
}

/// Which alphabet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    Y2018,
    Y2021,
}

/// `name` in Kazakh Latin letters; characters that are not Cyrillic letters stay. A
/// capital's Latin form is capitalised on its first letter (`Ш` → `Sh`), and a word all
/// in capitals stays in capitals (`ШҚО` → `ShQO` is how Kazinform writes it, so only
/// the first letter of a digraph is capital inside a word).
pub fn to_latin(name: &str, alphabet: Alphabet) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let latin = match alphabet {
            Alphabet::Y2018 => letter_2018(lower),
            Alphabet::Y2021 => letter_2021(lower),
        };
        match latin {
            Some(l) if c != lower => {
                let mut letters = l.chars();
                if let Some(first) = letters.next() {
                    // The capital of the dotless ı is I.
                    out.extend(first.to_uppercase());
                    out.extend(letters);
                }
            }
            Some(l) => out.push_str(l),
            None => out.push(c),
        }
    }
    out
}

/// Kazakh Latin text as many writers type it: the dotless ı as i.
pub fn dotted(latin: &str) -> String {
    latin.replace('ı', "i")
}

/// Letters only Belarusian or Ukrainian write: a name with one is not Kazakh.
pub fn could_be_kazakh(cyrillic: &str) -> bool {
    !cyrillic.contains(['ў', 'Ў', 'ї', 'Ї', 'є', 'Є', 'ґ', 'Ґ'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_kazinforms_latin_service_writes_them() {
        let latin = |s| to_latin(s, Alphabet::Y2018);
        assert_eq!(latin("Талдықорған"), "Taldyqorǵan");
        assert_eq!(latin("Өскемен"), "Óskemen");
        assert_eq!(latin("Жетісу облысы"), "Jetisý oblysy");
        assert_eq!(latin("Қасым-Жомарт Тоқаев"), "Qasym-Jomart Toqaev");
        assert_eq!(latin("Шымкент"), "Shymkent");
        assert_eq!(latin("Қостанай"), "Qostanaı");
        assert_eq!(latin("Исабаев"), "Isabaev");
        assert_eq!(dotted("Qostanaı"), "Qostanai");
        assert_eq!(to_latin("Талдықорған", Alphabet::Y2021), "Taldyqorğan");
        assert_eq!(to_latin("Өскемен", Alphabet::Y2021), "Öskemen");
        assert_eq!(to_latin("Жетісу", Alphabet::Y2021), "Jetısu");
        assert!(could_be_kazakh("Алматы") && !could_be_kazakh("Кіеў"));
    }
}
