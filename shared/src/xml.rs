//! What every XML format we write needs, whatever writes it.

/// XML 1.0 cannot carry most C0 control characters (nor U+FFFE, U+FFFF), even
/// escaped; they are dropped.
pub fn xml_safe(s: &str) -> String {
    s.chars().filter(|&c| is_xml_char(c)).collect()
}

/// Whether XML 1.0 allows `c` in a document.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}
