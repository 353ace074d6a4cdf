//! Acronyms a story defines: "Collective Security Treaty Organization (CSTO)",
//! "Организация Договора о коллективной безопасности (ОДКБ)". The long form is found
//! the way Schwartz and Hearst's algorithm does it: the acronym's letters, right to
//! left, each at the start of a word (the first one at the start of the first word),
//! in at most `min(letters + 5, letters * 2)` words before the bracket.

use super::inflect::is_acronym;
use super::tokens::Token;
use crate::letters::is_alphabetic;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// Byte span of the long form.
    pub long: (usize, usize),
    /// Byte span of the acronym inside the brackets.
    pub short: (usize, usize),
}

pub fn definitions(text: &str, tokens: &[Token<'_>]) -> Vec<Definition> {
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        // The brackets first: the cheapest test, and the one most words fail.
        if i == 0 || !text[t.end..].starts_with(')') {
            continue;
        }
        let before = text[tokens[i - 1].end..t.start].trim();
        if !before.ends_with('(') || !is_acronym(t.text) || t.text.chars().count() < 2 {
            continue;
        }
        let letters: Vec<char> = t
            .text
            .chars()
            .filter(|&c| is_alphabetic(c))
            .flat_map(char::to_lowercase)
            .collect();
        let max_words = (letters.len() + 5).min(letters.len() * 2);
        let first = i.saturating_sub(max_words);
        if let Some(start) = long_form_start(&tokens[first..i], &letters) {
            out.push(Definition {
                long: (tokens[first + start].start, tokens[i - 1].end),
                short: (t.start, t.end),
            });
        }
    }
    out
}

/// Index (into `words`) of the first word of the long form, matching `letters` right
/// to left against word starts.
fn long_form_start(words: &[Token<'_>], letters: &[char]) -> Option<usize> {
    let mut li = letters.len();
    let mut wi = words.len();
    // One buffer for every word's initials: this runs at every bracketed acronym.
    let mut initials: Vec<char> = Vec::with_capacity(8);
    while li > 0 {
        loop {
            wi = wi.checked_sub(1)?;
            // A hyphenated word gives a letter per part (`Kassym-Jomart` → k, j).
            initials.clear();
            initials.extend(
                words[wi]
                    .text
                    .split('-')
                    .filter_map(|p| p.chars().next())
                    .flat_map(char::to_lowercase),
            );
            let n = initials.len();
            if n > 1 && n <= li && initials[..] == letters[li - n..li] {
                li -= n;
                break;
            }
            if initials.first() == Some(&letters[li - 1]) {
                li -= 1;
                break;
            }
        }
    }
    Some(wi)
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn long_forms(text: &str) -> Vec<(&str, &str)> {
        let folded = super::super::fold::fold(text);
        let tokens = tokenize(text, &folded);
        definitions(text, &tokens)
            .into_iter()
            .map(|d| (&text[d.long.0..d.long.1], &text[d.short.0..d.short.1]))
            .collect()
    }

    #[test]
    fn long_forms_of_defined_acronyms() {
        assert_eq!(
            long_forms("leaders of the Collective Security Treaty Organization (CSTO) met"),
            [("Collective Security Treaty Organization", "CSTO")]
        );
        assert_eq!(
            long_forms("саммит Организации Договора о коллективной безопасности (ОДКБ) прошёл"),
            [("Организации Договора о коллективной безопасности", "ОДКБ")]
        );
        assert_eq!(
            long_forms("the National Academy of Sciences (NAS) said"),
            [("National Academy of Sciences", "NAS")]
        );
        assert!(long_forms("prices rose (USD) on Monday").is_empty());
    }
}
