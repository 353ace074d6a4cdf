//! The note a corrected version carries before its body, in the story's own language.
//!
//! A subscriber reading a Russian story must not meet an English sentence in it, so a
//! note is chosen by the story's language tag and, when no note is known for that
//! language, left out: the version still says it is a correction in a structured way
//! (the `correction` category in the `urn:newswire:signal` scheme, `_newswire.signals` in
//! JSON Feed), which readers and machines can act on whatever the language.

use std::collections::BTreeMap;

/// Written by us for the languages the enricher finds most in our copy.
const BUILT_IN: &[(&str, &str)] = &[
    ("be", "Выпраўленне: гэтая версія выпраўляе папярэднюю."),
    ("bg", "Поправка: тази версия поправя предишна."),
    ("de", "Korrektur: Diese Fassung berichtigt eine frühere."),
    ("en", "Correction: this version corrects an earlier one."),
    ("es", "Corrección: esta versión corrige una anterior."),
    (
        "fr",
        "Correction\u{a0}: cette version corrige une version précédente.",
    ),
    ("it", "Correzione: questa versione corregge una precedente."),
    ("ja", "訂正：この版は以前の版を訂正したものです。"),
    ("kk", "Түзету: бұл нұсқа алдыңғы нұсқаны түзетеді."),
    ("pl", "Korekta: ta wersja poprawia wcześniejszą."),
    ("ru", "Исправление: эта версия исправляет предыдущую."),
    ("sr", "Исправка: ова верзија исправља претходну."),
    ("sr-latn", "Ispravka: ova verzija ispravlja prethodnu."),
    ("uk", "Виправлення: ця версія виправляє попередню."),
    ("zh", "更正：此版本更正了先前的版本。"),
];

/// Correction notes by lower-case BCP 47 tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionNotes(BTreeMap<String, String>);

impl Default for CorrectionNotes {
    fn default() -> Self {
        Self(
            BUILT_IN
                .iter()
                .map(|(tag, note)| (tag.to_string(), note.to_string()))
                .collect(),
        )
    }
}

impl CorrectionNotes {
    /// The built-in notes with `configured` (`feeds.correction_notes`) laid over them;
    /// an empty note removes a language's.
    pub fn with(configured: &BTreeMap<String, String>) -> Self {
        let mut notes = Self::default();
        for (tag, note) in configured {
            let tag = tag.trim().to_ascii_lowercase();
            if note.trim().is_empty() {
                notes.0.remove(&tag);
            } else {
                notes.0.insert(tag, note.trim().to_string());
            }
        }
        notes
    }

    /// The note for a story in `language`: the tag itself, else the tag cut at its
    /// last subtag, and so on (`sr-latn-rs` → `sr-latn`, `zh-hans` → `zh`). `None` for
    /// a story of unknown language or a language without a note.
    pub fn for_language(&self, language: Option<&str>) -> Option<&str> {
        let mut tag = language?.trim().to_ascii_lowercase();
        loop {
            if let Some(note) = self.0.get(&tag) {
                return Some(note);
            }
            let cut = tag.rfind('-')?;
            tag.truncate(cut);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_in_the_story_language_or_none() {
        let notes = CorrectionNotes::default();
        assert!(notes
            .for_language(Some("ru"))
            .unwrap()
            .starts_with("Исправление"));
        assert!(notes
            .for_language(Some("sr-Latn"))
            .unwrap()
            .starts_with("Ispravka"));
        assert!(notes
            .for_language(Some("sr-Cyrl-RS"))
            .unwrap()
            .starts_with("Исправка"));
        assert!(notes
            .for_language(Some("zh-Hans"))
            .unwrap()
            .starts_with("更正"));
        assert_eq!(notes.for_language(Some("ky")), None);
        assert_eq!(notes.for_language(None), None);
        let configured = BTreeMap::from([
            ("KY".to_string(), "Оңдоо.".to_string()),
            ("en".to_string(), String::new()),
        ]);
        let notes = CorrectionNotes::with(&configured);
        assert_eq!(notes.for_language(Some("ky")), Some("Оңдоо."));
        assert_eq!(notes.for_language(Some("en-GB")), None);
    }
}
