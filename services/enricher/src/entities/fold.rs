//! Case folding that keeps every character's byte length, so an offset in the folded
//! text is the same offset in the original.

use crate::letters::to_lower;

/// Lower case, `ё` as `е` (Russian copy writes either), and traditional Chinese
/// characters as simplified ones (the names are listed in simplified characters); a
/// character whose lower case would change its length in UTF-8 stays as it is.
pub fn fold(text: &str) -> String {
    // Runs of ASCII (most of any Latin-script story, and the spaces and digits of
    // every other) are lowered a run at a time; only other characters one by one.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let (run, tail) = rest.split_at(ascii);
        out.push_str(run);
        let lowered = out.len() - run.len();
        out[lowered..].make_ascii_lowercase();
        let mut chars = tail.chars();
        rest = "";
        while let Some(c) = chars.next() {
            if c.is_ascii() {
                rest = &tail[tail.len() - chars.as_str().len() - 1..];
                break;
            }
            out.push(fold_char(c));
        }
    }
    out
}

fn fold_char(c: char) -> char {
    let c = match c {
        'ё' | 'Ё' => 'е',
        '\u{3400}'..='\u{9fff}' => return crate::hanzi::simplified(c),
        _ => c,
    };
    let lower = to_lower(c);
    if lower.len_utf8() == c.len_utf8() {
        lower
    } else {
        c
    }
}

/// Starts with Han, kana or hangul: scripts written without spaces between words.
pub fn is_cjk(text: &str) -> bool {
    text.chars().next().is_some_and(is_cjk_char)
}

/// Contains Han, kana or hangul. Each of those is three bytes in UTF-8 led by a byte
/// from E3 to ED, so most texts are ruled out without decoding a character.
pub fn has_cjk(text: &str) -> bool {
    text.bytes().any(|b| (0xE3..=0xED).contains(&b)) && text.chars().any(is_cjk_char)
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
        assert!(has_cjk("MINSK — 北京") && has_cjk("ソウル") && has_cjk("서울"));
        assert!(!has_cjk("MINSK — Минск, Zürich"));
        // Runs of ASCII between other characters fold as the characters one by one.
        for s in [
            "MINSK — Ёлка, İstanbul OK",
            "A—B",
            "—",
            "Zürich AG",
            "北京 Beijing 北京",
        ] {
            assert_eq!(fold(s), s.chars().map(fold_char).collect::<String>(), "{s}");
        }
    }
}
