//! Case folding that keeps every character's byte length, so an offset in the folded
//! text is the same offset in the original.

/// Lower case, and `ё` as `е` (Russian copy writes either); a character whose lower
/// case would change its length in UTF-8 stays as it is.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    out.extend(text.chars().map(fold_char));
    out
}

fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let c = match c {
        'ё' | 'Ё' => 'е',
        _ => c,
    };
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
        _ => c,
    }
}

/// Starts with Han, kana or hangul: scripts written without spaces between words.
pub fn is_cjk(text: &str) -> bool {
    text.chars().next().is_some_and(is_cjk_char)
}

pub fn is_cyrillic_char(c: char) -> bool {
    ('\u{0400}'..='\u{04ff}').contains(&c)
}

/// Starts with a Cyrillic letter.
pub fn starts_cyrillic(text: &str) -> bool {
    text.chars().next().is_some_and(is_cyrillic_char)
}

pub fn is_cjk_char(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{9fff}' | '\u{ac00}'..='\u{d7af}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_byte_offsets() {
        for s in ["Беларусь", "ÅNGSTRÖM İstanbul", "Ё-моё", "ẞtraße K", "北京"]
        {
            assert_eq!(fold(s).len(), s.len(), "{s}");
        }
        assert_eq!(fold("Объединённых"), "объединенных");
    }
}
