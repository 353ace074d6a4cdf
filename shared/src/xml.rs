//! What every XML format we write needs, whatever writes it.

/// XML 1.0 cannot carry most C0 control characters (nor U+FFFE, U+FFFF), even
/// escaped; they are dropped.
pub fn xml_safe(s: &str) -> String {
    // Almost all text is already safe: one byte scan, one copy.
    let bytes = s.as_bytes();
    let unsafe_at = |i: usize| match bytes[i] {
        b'\t' | b'\n' | b'\r' => false,
        b if b < b' ' => true,
        // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
        0xEF => bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)),
        _ => false,
    };
    if !(0..bytes.len()).any(unsafe_at) {
        return s.to_string();
    }
    s.chars().filter(|&c| is_xml_char(c)).collect()
}

/// Whether XML 1.0 allows `c` in a document.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_non_characters_are_dropped_and_the_rest_kept() {
        assert_eq!(xml_safe("a\u{0}b\u{1f}c\td\ne\r"), "abc\td\ne\r");
        assert_eq!(xml_safe("x\u{FFFE}y\u{FFFF}z\u{FFFD}ё"), "xyz\u{FFFD}ё");
        assert_eq!(xml_safe("plain\n"), "plain\n");
        assert_eq!(xml_safe("中文，标点\u{FFFD}"), "中文，标点\u{FFFD}");
    }
}
