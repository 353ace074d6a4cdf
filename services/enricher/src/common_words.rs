//! How often ordinary words are used, per language (`data/common-words.tsv`, built by
//! `scripts/build-words.py` from wordfreq's word lists): a capitalised word that is an
//! ordinary word far more often than a place of that size would be named ("Central",
//! "Seuls", "Думаю", "Auch", "胜利") is not taken for the place.

use crate::language::primary;
use foldhash::HashMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("../data/common-words.tsv");

/// The languages the data covers, in the order of `Tables::by_language`.
const LANGUAGES: [&str; 7] = ["en", "ru", "uk", "de", "fr", "es", "zh"];

struct Tables {
    by_language: Vec<HashMap<&'static str, u16>>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut by_language: Vec<HashMap<&'static str, u16>> =
            LANGUAGES.iter().map(|_| HashMap::default()).collect();
        for line in DATA
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let mut f = line.splitn(3, '\t');
            let (Some(lang), Some(zipf), Some(words)) = (f.next(), f.next(), f.next()) else {
                panic!("common-words.tsv: bad line {line:?}");
            };
            let i = LANGUAGES
                .iter()
                .position(|l| *l == lang)
                .unwrap_or_else(|| panic!("common-words.tsv: language {lang:?}"));
            let zipf: u16 = zipf.parse().expect("common-words.tsv: a frequency");
            for w in words.split(' ') {
                by_language[i].entry(w).or_insert(zipf);
            }
        }
        Tables { by_language }
    })
}

/// Which of the languages with data a BCP 47 tag is in (the language's own list for the
/// seven it has; none for Belarusian, Kazakh and the rest).
pub fn language_index(tag: &str) -> Option<usize> {
    let p = primary(tag);
    LANGUAGES.iter().position(|l| *l == p)
}

/// The Zipf frequency (log10 of uses per billion words) of `folded_word` (lower case,
/// `fold`ed) in language `language` (from `language_index`), or 0 when it is rarer than
/// the data keeps (Zipf 3.5) or the language has no data.
pub fn zipf(language: Option<usize>, folded_word: &str) -> f32 {
    let Some(i) = language else { return 0.0 };
    tables().by_language[i]
        .get(folded_word)
        .map_or(0.0, |&z| f32::from(z) / 100.0)
}

/// Builds the tables now (a few tens of milliseconds), not while an article waits.
pub fn load() {
    let _ = tables();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_words_are_frequent_and_rare_names_are_not() {
        let en = language_index("en-GB");
        assert!(zipf(en, "central") > 5.0 && zipf(en, "the") > 7.0);
        assert_eq!(zipf(en, "ulytau"), 0.0);
        assert!(zipf(language_index("ru"), "думаю") > 5.0);
        assert!(zipf(language_index("fr"), "seuls") > 4.5);
        assert!(zipf(language_index("zh-Hant"), "胜利") > 4.0);
        assert_eq!(language_index("be"), None);
        assert_eq!(zipf(None, "думаю"), 0.0);
    }
}
