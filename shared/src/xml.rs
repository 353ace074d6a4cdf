//! What every text we write needs, whatever writes it (RSS, Atom, JSON Feed, NewsML-G2).

use std::borrow::Cow;

/// The one rule for characters in any output text, so every format carries the same
/// text: characters XML 1.0 cannot carry even escaped (C0 controls but tab and line
/// feed, U+FFFE, U+FFFF) are dropped; so are DEL and the C1 controls
/// (U+007F–U+009F), which XML 1.0 §2.2 allows but discourages and which no reader
/// shows as anything but garbage, and U+FFFD, the mark of text already damaged by a
/// wrong decoding (the W3C validator's "bad characters"); a CR LF pair and a lone CR
/// become one LF — what an XML parser makes of them (XML 1.0 §2.11), so JSON Feed says
/// the same.
pub fn clean_text(s: &str) -> Cow<'_, str> {
    // Almost all text is already clean: one byte scan, no copy.
    let bytes = s.as_bytes();
    let dirty = |i: usize| match bytes[i] {
        b'\t' | b'\n' => false,
        b if b < b' ' || b == 0x7F => true,
        // U+0080–U+009F are C2 80 – C2 9F in UTF-8.
        0xC2 => matches!(bytes.get(i + 1), Some(0x80..=0x9F)),
        // U+FFFD, U+FFFE and U+FFFF are EF BF BD, EF BF BE and EF BF BF.
        0xEF => bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBD..=0xBF)),
        _ => false,
    };
    if !(0..bytes.len()).any(dirty) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            c if is_kept(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// [`clean_text`] as an owned string, for the XML writers.
pub fn xml_safe(s: &str) -> String {
    clean_text(s).into_owned()
}

/// Whether [`clean_text`] keeps `c` (CR aside, which it turns into LF).
fn is_kept(c: char) -> bool {
    matches!(c, '\t' | '\n')
        || (c >= ' '
            && !('\u{7F}'..='\u{9F}').contains(&c)
            && !matches!(c, '\u{FFFD}' | '\u{FFFE}' | '\u{FFFF}'))
}

/// A plain-text field as every format writes it (headline, summary, byline, caption,
/// section and entity names): [`clean_text`], then anything an HTML parser would take
/// for a tag (`<b>`, `</script>`, `<!-- -->`, `<desk@example.org>`) removed, its text
/// kept. RSS readers often show such fields as HTML, so a tag left in would be read
/// as markup by some and shown as text by others; the W3C validator warns on it in
/// RSS and Atom alike. Entities are not decoded: `&amp;` in a headline is that text.
pub fn plain(s: &str) -> String {
    let text = clean_text(s);
    if !text.contains('<') {
        return text.into_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest: &str = &text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let starts_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        match after.find('>') {
            Some(close) if starts_tag && !after[..close].contains('<') => {
                rest = &after[close + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether XML 1.0 allows `c` in a document.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_non_characters_are_dropped_and_line_ends_made_lf() {
        assert_eq!(xml_safe("a\u{0}b\u{1f}c\td\ne"), "abc\td\ne");
        assert_eq!(xml_safe("x\u{FFFE}y\u{FFFF}z\u{FFFD}ё"), "xyzё");
        assert_eq!(
            xml_safe("del\u{7f} c1\u{80}\u{85}\u{9f} kept\u{a0}é"),
            "del c1 kept\u{a0}é"
        );
        assert_eq!(
            xml_safe("one\r\ntwo\rthree\n\rfour"),
            "one\ntwo\nthree\n\nfour"
        );
        assert_eq!(xml_safe("plain\n"), "plain\n");
        assert_eq!(xml_safe("中文，标点\u{FFFD}"), "中文，标点");
        assert!(matches!(clean_text("Минск, 中文"), Cow::Borrowed(_)));
    }

    #[test]
    fn plain_fields_lose_their_tags_and_keep_their_text() {
        assert_eq!(plain("<script>alert(1)</script>"), "alert(1)");
        assert_eq!(plain("Desk <desk@example.org>"), "Desk ");
        assert_eq!(plain("a < b, 3<4 and 5>2"), "a < b, 3<4 and 5>2");
        // As an HTML parser reads it: a start tag named `d`.
        assert_eq!(plain("c<d and e>f"), "cf");
        assert_eq!(plain("<b>bold <i>italic"), "bold italic");
        assert_eq!(
            plain("Tom &amp; Jerry <!-- x --> ok"),
            "Tom &amp; Jerry  ok"
        );
        assert_eq!(plain("<<b>>"), "<>");
        assert_eq!(plain("Бюро\u{85} <em>Минск</em>"), "Бюро Минск");
    }
}
