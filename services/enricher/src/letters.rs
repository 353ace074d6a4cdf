//! `char::is_alphabetic`, `is_uppercase`, `is_lowercase` and a one-character lower
//! case, answered by range for ASCII and Cyrillic (U+0400–U+04FF) and by Unicode's
//! tables for the rest: the name rules ask these of every letter of every word, and a
//! table search per Cyrillic letter was a sixth of a Russian story's enrichment.
//! The tests compare every character of the block with the standard library.

#[derive(PartialEq)]
enum Case {
    Upper,
    Lower,
    /// U+0482 (a numeral sign) and U+0483–U+0489 (combining marks).
    NotALetter,
}

fn cyrillic_case(c: u32) -> Case {
    match c {
        0x400..=0x42f => Case::Upper,
        0x430..=0x45f => Case::Lower,
        0x482..=0x489 => Case::NotALetter,
        // Palochka: a capital whose small letter ends the block's odd run.
        0x4c0 => Case::Upper,
        0x4cf => Case::Lower,
        // Between them the pairs start on an odd code point; everywhere else on an even.
        0x4c1..=0x4ce if !c.is_multiple_of(2) => Case::Upper,
        0x4c1..=0x4ce => Case::Lower,
        _ if c.is_multiple_of(2) => Case::Upper,
        _ => Case::Lower,
    }
}

fn cyrillic(c: char) -> Option<u32> {
    let c = c as u32;
    (0x400..=0x4ff).contains(&c).then_some(c)
}

pub fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    match cyrillic(c) {
        Some(c) => cyrillic_case(c) != Case::NotALetter,
        None => c.is_alphabetic(),
    }
}

pub fn is_uppercase(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    match cyrillic(c) {
        Some(c) => cyrillic_case(c) == Case::Upper,
        None => c.is_uppercase(),
    }
}

pub fn is_lowercase(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase();
    }
    match cyrillic(c) {
        Some(c) => cyrillic_case(c) == Case::Lower,
        None => c.is_lowercase(),
    }
}

/// The lower case of `c` when it is one character, else `c`.
pub fn to_lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if let Some(code) = cyrillic(c) {
        let lower = match (code, cyrillic_case(code)) {
            (_, Case::Lower | Case::NotALetter) => code,
            (0x400..=0x40f, _) => code + 0x50,
            (0x410..=0x42f, _) => code + 0x20,
            (0x4c0, _) => 0x4cf,
            _ => code + 1,
        };
        return char::from_u32(lower).expect("a Cyrillic letter");
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_chars() -> impl Iterator<Item = char> {
        (0..=0x10ffff).filter_map(char::from_u32)
    }

    #[test]
    fn letters_and_cases_are_unicodes() {
        for c in all_chars() {
            assert_eq!(
                is_alphabetic(c),
                c.is_alphabetic(),
                "{c:?} U+{:04X}",
                c as u32
            );
            assert_eq!(
                is_uppercase(c),
                c.is_uppercase(),
                "{c:?} U+{:04X}",
                c as u32
            );
            assert_eq!(
                is_lowercase(c),
                c.is_lowercase(),
                "{c:?} U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn lower_case_is_unicodes_where_it_is_one_character() {
        for c in all_chars() {
            let lower: Vec<char> = c.to_lowercase().collect();
            let expected = if lower.len() == 1 { lower[0] } else { c };
            assert_eq!(to_lower(c), expected, "{c:?} U+{:04X}", c as u32);
        }
    }
}
