//! Words with their byte spans, and what a name finder needs to know about each.

use super::gazetteer::is_word_char;

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
}

/// Words: letters and digits, joined by inner hyphens and apostrophes
/// (`Kassym-Jomart`, `O'Neill`, `Tajik-Afghan`).
/// `folded` is `fold(text)`.
pub fn tokenize<'a>(text: &'a str, folded: &'a str) -> Vec<Token<'a>> {
    let mut tokens = Vec::new();
    let mut last_end = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !is_word_char(c) {
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if is_word_char(d) {
                end = j + d.len_utf8();
                chars.next();
            } else if matches!(d, '-' | '\'' | '’') {
                // Joined only when a letter follows, and not after an elided article
                // (`l'Élysée`, `d'Orano` are two words).
                let mut ahead = text[j + d.len_utf8()..].chars();
                let elided = d != '-' && text[start..j].chars().count() == 1;
                if !elided && ahead.next().is_some_and(is_word_char) {
                    chars.next();
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
            capitalised: c.is_uppercase() || !c.is_lowercase() && !c.is_numeric(),
            after_break: between.chars().any(ends_a_name),
        });
        last_end = end;
    }
    tokens
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
}
