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
    // Whether what stood between the previous word and here ends a name.
    let mut after_break = false;
    let mut i = 0;
    while i < bytes.len() {
        // ASCII is decided by a table lookup per byte: most of the text in most stories.
        let class = BYTE_CLASS[bytes[i] as usize];
        if class & (ASCII_WORD | NON_ASCII) == 0 {
            after_break |= class & ENDS_A_NAME != 0;
            i += 1;
            continue;
        }
        let c = char_at(text, i);
        if class & NON_ASCII != 0 && !is_word_char(c) {
            after_break |= ends_a_name(c);
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        let mut ascii_alphanumeric = c.is_ascii();
        loop {
            end += bytes[end..]
                .iter()
                .position(|&b| BYTE_CLASS[b as usize] & ASCII_WORD == 0)
                .unwrap_or(bytes.len() - end);
            if end == bytes.len() || BYTE_CLASS[bytes[end] as usize] & (NON_ASCII | JOINER) == 0 {
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
        tokens.push(Token {
            text: &text[start..end],
            folded: &folded[start..end],
            start,
            end,
            capitalised: is_uppercase(c) || !is_lowercase(c) && !c.is_numeric(),
            after_break,
            ascii_alphanumeric,
        });
        after_break = false;
        i = end;
    }
    tokens
}

const ASCII_WORD: u8 = 1;
const JOINER: u8 = 2;
const ENDS_A_NAME: u8 = 4;
const NON_ASCII: u8 = 8;

/// What each byte is to the tokenizer: an ASCII letter or digit, a hyphen or
/// apostrophe, ASCII punctuation that ends a name, or part of a longer character.
const BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if !byte.is_ascii() {
            NON_ASCII
        } else if byte.is_ascii_alphanumeric() {
            ASCII_WORD
        } else if byte == b'-' || byte == b'\'' {
            JOINER
        } else if ends_a_name(byte as char) {
            ENDS_A_NAME
        } else {
            0
        };
        b += 1;
    }
    table
};

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
const fn ends_a_name(c: char) -> bool {
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

    /// The definition, a character at a time: (start, end, capitalised, after_break,
    /// ascii_alphanumeric) of each word.
    fn words_by_definition(text: &str) -> Vec<(usize, usize, bool, bool, bool)> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let word = |k: usize| chars.get(k).is_some_and(|&(_, c)| is_word_char(c));
        let (mut out, mut k, mut last_end) = (Vec::new(), 0, 0);
        while k < chars.len() {
            if !word(k) {
                k += 1;
                continue;
            }
            let first = k;
            k += 1;
            loop {
                if word(k) {
                    k += 1;
                } else if k < chars.len()
                    && matches!(chars[k].1, '-' | '\'' | '’')
                    && word(k + 1)
                    && (chars[k].1 == '-' || k - first > 1)
                {
                    k += 2;
                } else {
                    break;
                }
            }
            let (start, c) = chars[first];
            let end = chars.get(k).map_or(text.len(), |&(i, _)| i);
            out.push((
                start,
                end,
                c.is_uppercase() || !c.is_lowercase() && !c.is_numeric(),
                text[last_end..start].chars().any(ends_a_name),
                text[start..end].bytes().all(|b| b.is_ascii_alphanumeric()),
            ));
            last_end = end;
        }
        out
    }

    #[test]
    fn words_are_as_defined_in_every_story() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
        let mut texts: Vec<String> = [
            "l'Élysée d'Orano O'Neill rock'n'roll -start end- «Минск»—Астанада: a-b, 1-2 Ǆemal",
            "Kassym-Jomart--Tokayev ' x' 'y ’z’ 北京和上海, ソウル/서울 (CSTO) [x]{y}|z",
        ]
        .map(String::from)
        .to_vec();
        for dir in ["eval/entities", "eval/heldout", "samples/articles"] {
            for file in std::fs::read_dir(format!("{root}/{dir}")).expect("the folder") {
                texts.push(std::fs::read_to_string(file.expect("a file").path()).expect("text"));
            }
        }
        let mut words = 0;
        for text in &texts {
            let folded = super::super::fold::fold(text);
            let found: Vec<_> = tokenize(text, &folded)
                .iter()
                .map(|t| {
                    (
                        t.start,
                        t.end,
                        t.capitalised,
                        t.after_break,
                        t.ascii_alphanumeric,
                    )
                })
                .collect();
            assert_eq!(
                found,
                words_by_definition(text),
                "{}",
                &text[..text.len().min(80)]
            );
            words += found.len();
        }
        assert!(words > 5_000, "{words} words");
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
