//! Words with their byte spans, and what a name finder needs to know about each.

use super::fold::is_cjk_char;
use super::gazetteer::is_word_char;
use crate::letters::{is_alphabetic, is_lowercase, is_uppercase};

#[derive(Debug, Clone)]
pub struct Token<'a> {
    pub text: &'a str,
    /// The word folded (see `fold`): a slice of the folded text, same offsets.
    pub folded: &'a str,
    pub start: usize,
    pub end: usize,
    /// Starts with a capital letter (or is written in a script without case).
    pub capitalised: bool,
    /// What stands between the previous word and this one contains punctuation that
    /// ends a name (`.`, `,`, `;`, `:`, brackets, quotes, a line break).
    pub after_break: bool,
    /// Only ASCII letters and digits (most words of most stories).
    pub ascii_alphanumeric: bool,
}

/// Words: letters and digits, joined by inner hyphens and apostrophes
/// (`Kassym-Jomart`, `O'Neill`, `Tajik-Afghan`).
/// `folded` is `fold(text)`.
pub fn tokenize<'a>(text: &'a str, folded: &'a str) -> Vec<Token<'a>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::with_capacity(text.len() / 6);
    let mut last_end = 0;
    let mut i = 0;
    while i < text.len() {
        // ASCII is decided by its byte: most of the text in most stories.
        if bytes[i].is_ascii() && !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let c = char_at(text, i);
        if !is_word_char(c) {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        let mut ascii_alphanumeric = c.is_ascii();
        while end < text.len() {
            let b = bytes[end];
            if b.is_ascii_alphanumeric() {
                end += 1;
                continue;
            }
            if b.is_ascii() && !matches!(b, b'-' | b'\'') {
                break;
            }
            let d = char_at(text, end);
            if is_word_char(d) {
                ascii_alphanumeric = false;
                end += d.len_utf8();
            } else if matches!(d, '-' | '\'' | '’') {
                // Joined only when a letter follows, and not after an elided article
                // (`l'Élysée`, `d'Orano` are two words).
                let after = end + d.len_utf8();
                let elided = d != '-' && text[start..end].chars().count() == 1;
                if !elided && after < text.len() && is_word_char(char_at(text, after)) {
                    ascii_alphanumeric = false;
                    end = after;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        let between = &text[last_end..start];
        tokens.push(Token {
            text: &text[start..end],
            folded: &folded[start..end],
            start,
            end,
            capitalised: is_uppercase(c) || !is_lowercase(c) && !c.is_numeric(),
            after_break: if between.is_ascii() {
                between.bytes().any(|b| ends_a_name(b as char))
            } else {
                between.chars().any(ends_a_name)
            },
            ascii_alphanumeric,
        });
        last_end = end;
        i = end;
    }
    tokens
}

/// Where a known name may start inside the words, in text order: the start of a
/// word, of each part of a joined one (`Kassym-Jomart`, `O'Neill`), and every Han,
/// kana or hangul character — if it is a capital letter or a letter without case.
/// The same places `Gazetteer::find` finds by scanning the text.
pub fn name_starts(tokens: &[Token<'_>]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(tokens.len() / 2);
    for t in tokens {
        // Most words: ASCII letters and digits only, a name only if capitalised.
        if t.ascii_alphanumeric {
            if t.text.as_bytes()[0].is_ascii_uppercase() {
                starts.push(t.start);
            }
            continue;
        }
        let mut after_joiner = true;
        for (i, c) in t.text.char_indices() {
            let start = after_joiner || is_cjk_char(c);
            after_joiner = matches!(c, '-' | '\'' | '’');
            if start && is_alphabetic(c) && !is_lowercase(c) {
                starts.push(t.start + i);
            }
        }
    }
    starts
}

/// The character at byte `i` (a character boundary); ASCII without decoding.
fn char_at(text: &str, i: usize) -> char {
    let b = text.as_bytes()[i];
    if b.is_ascii() {
        b as char
    } else {
        text[i..].chars().next().expect("a character starts here")
    }
}

/// Punctuation that ends a name: `.`, `,`, `;`, `:`, brackets, quotes, a line break.
fn ends_a_name(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '"'
            | '“'
            | '”'
            | '«'
            | '»'
            | '„'
            | '\n'
            | '—'
            | '–'
            | '|'
            | '/'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_their_hyphens_and_spans() {
        let text = "President Kassym-Jomart Tokayev, of «Kazakhstan».";
        let folded = super::super::fold::fold(text);
        let t = tokenize(text, &folded);
        let words: Vec<&str> = t.iter().map(|t| t.text).collect();
        assert_eq!(
            words,
            ["President", "Kassym-Jomart", "Tokayev", "of", "Kazakhstan"]
        );
        assert!(t[3].after_break && !t[2].after_break && t[4].after_break);
        assert!(t[1].capitalised && !t[3].capitalised);
    }

    #[test]
    fn plain_ascii_words_are_marked() {
        let text = "Minsk- Kassym-Jomart O'Neill Zürich 2024 talks—Minsk";
        let folded = super::super::fold::fold(text);
        for t in tokenize(text, &folded) {
            let plain = t.text.bytes().all(|b| b.is_ascii_alphanumeric());
            assert_eq!(t.ascii_alphanumeric, plain, "{}", t.text);
        }
    }
}
