//! Text every service derives from an article: plain paragraphs from the body HTML,
//! and names as hashtags.

use unicode_categories::UnicodeCategories;

/// Longest hashtag any network we write for accepts (Bluesky: 64 graphemes).
const MAX_TAG_CHARS: usize = 64;

/// The body's paragraphs as plain text: tags dropped, the usual entities decoded,
/// white space collapsed. Posts are plain text; the network adds its own markup.
pub fn paragraphs(html: &str) -> Vec<String> {
    plain_text(html)
        .split("\n\n")
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// The text of `html` with its tags dropped; block-level tags become blank lines.
fn without_tags(html: &str) -> String {
    const BLOCKS: [&str; 10] = [
        "p",
        "br",
        "div",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "blockquote",
        "tr",
    ];
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[open + 1..open + close].trim_start_matches('/');
        let name_len = tag.bytes().take_while(u8::is_ascii_alphanumeric).count();
        if BLOCKS
            .iter()
            .any(|b| b.eq_ignore_ascii_case(&tag[..name_len]))
        {
            text.push_str("\n\n");
        }
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    text
}

/// Appends the words of `block` (as `split_whitespace` finds them) joined by single
/// spaces. Every story passes through here, so ASCII is decided without decoding.
fn push_words(out: &mut String, block: &str) {
    // Most paragraphs are written that way already: one copy, no walk word by word.
    if is_collapsed(block.as_bytes()) {
        out.push_str(block);
        return;
    }
    let space_at = |i: usize| -> (bool, usize) {
        let b = block.as_bytes()[i];
        if b.is_ascii() {
            // `char::is_whitespace` in ASCII: also the vertical tab `u8` leaves out.
            (matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'), 1)
        } else {
            let c = block[i..].chars().next().expect("a character starts here");
            (c.is_whitespace(), c.len_utf8())
        }
    };
    let mut i = 0;
    let mut first = true;
    loop {
        while i < block.len() {
            let (space, width) = space_at(i);
            if !space {
                break;
            }
            i += width;
        }
        if i == block.len() {
            return;
        }
        let start = i;
        while i < block.len() {
            let (space, width) = space_at(i);
            if space {
                break;
            }
            i += width;
        }
        if !first {
            out.push(' ');
        }
        out.push_str(&block[start..i]);
        first = false;
    }
}

/// `block` has no white space but single ASCII spaces between words: no space at
/// either end, no two together, no tab or line break, none of Unicode's other spaces.
fn is_collapsed(block: &[u8]) -> bool {
    if block.first() == Some(&b' ') || block.last() == Some(&b' ') {
        return false;
    }
    // Printable ASCII (most English paragraphs): only two spaces together could be
    // wrong. Both tests read every byte without an early exit, which vectorises.
    let printable = block
        .iter()
        .fold(true, |ok, &b| ok & (0x20..0x7F).contains(&b));
    if printable {
        let doubled = block
            .iter()
            .zip(block.iter().skip(1))
            .fold(false, |any, (&a, &b)| any | (a == b' ' && b == b' '));
        return !doubled;
    }
    let mut prev_space = false;
    for (i, &b) in block.iter().enumerate() {
        let space = b == b' ';
        if space && prev_space
            || matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
            || b >= 0xC2 && unicode_space_at(&block[i..])
        {
            return false;
        }
        prev_space = space;
    }
    true
}

/// `bytes` starts with a white-space character outside ASCII (U+0085, U+00A0,
/// U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
fn unicode_space_at(bytes: &[u8]) -> bool {
    matches!(
        bytes,
        [0xC2, 0x85 | 0xA0, ..]
            | [0xE1, 0x9A, 0x80, ..]
            | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..]
            | [0xE2, 0x81, 0x9F, ..]
            | [0xE3, 0x80, 0x80, ..]
    )
}

/// Decodes the entities a news body uses (`&amp;`, `&lt;`, `&nbsp;`, numeric ones) in
/// one pass; anything else is left as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 10);
        let decoded = end.and_then(|e| match &rest[1..e] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" | "#39" => Some('\''),
            "nbsp" => Some(' '),
            n => {
                let n = n.strip_prefix('#')?;
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => n.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (end, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The body as one plain-text string, paragraphs separated by a blank line.
pub fn plain_text(html: &str) -> String {
    let tagless = without_tags(html);
    let text = if tagless.contains('&') {
        decode_entities(&tagless)
    } else {
        tagless
    };
    let mut out = String::with_capacity(text.len());
    for block in text.split("\n\n") {
        let before = out.len();
        if before > 0 {
            out.push_str("\n\n");
        }
        let words_at = out.len();
        push_words(&mut out, block);
        if out.len() == words_at {
            out.truncate(before); // an empty paragraph
        }
    }
    out
}

/// `Aleksandr Lukashenko` → `AleksandrLukashenko`, `Collective Security Treaty
/// Organization` → `CollectiveSecurityTreatyOrganization`, `Беларусь` → `Беларусь`.
/// `None` when nothing usable is left (only digits, or too long for a hashtag).
pub fn hashtag(name: &str) -> Option<String> {
    let mut tag = String::with_capacity(name.len());
    for word in name
        .split(|c: char| !is_tag_char(c))
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            tag.extend(first.to_uppercase());
            tag.extend(chars);
        }
    }
    let has_letter = tag.chars().any(char::is_alphabetic);
    (has_letter && tag.chars().count() <= MAX_TAG_CHARS).then_some(tag)
}

/// Letters, digits and combining marks: what every network keeps inside a hashtag.
fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_mark()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_plain_text() {
        assert_eq!(
            paragraphs("<p>One &amp; <b>two</b></p><p>Three<br>four</p>"),
            vec!["One & two", "Three", "four"]
        );
    }

    #[test]
    fn white_space_collapses_as_split_whitespace_finds_it() {
        let reference = |html: &str| {
            decode_entities(&without_tags(html))
                .split("\n\n")
                .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("\n\n")
        };
        for html in [
            "<p> One\ttwo \r\n three\u{0B}four </p>",
            "<p>МИНСК,\u{00A0}28&nbsp;ноября —\u{3000}текст</p><p>  </p><div></div><p>x</p>",
            "plain\n\n\n\ntext\u{2009}with\u{202F}spaces\u{0085}and\u{1680}more\u{2028}",
            "",
            "<br><br>",
            "<p>Plain words — with “quotes”, «guillemets» and Минск</p><p>two  spaces </p>",
            "<p>plain  ASCII</p><p>plain ASCII</p><p>plain\u{7F}ASCII</p>",
        ] {
            assert_eq!(plain_text(html), reference(html), "{html:?}");
        }
    }

    #[test]
    fn unicode_spaces_are_recognised_by_their_bytes() {
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| !c.is_ascii())
        {
            let mut buf = [0; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            assert_eq!(
                unicode_space_at(bytes),
                c.is_whitespace(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn names_become_one_hashtag_each() {
        assert_eq!(
            hashtag("Aleksandr Lukashenko").as_deref(),
            Some("AleksandrLukashenko")
        );
        assert_eq!(hashtag("Беларусь").as_deref(), Some("Беларусь"));
        assert_eq!(hashtag("上海合作组织").as_deref(), Some("上海合作组织"));
        assert_eq!(hashtag("2024"), None);
        assert_eq!(hashtag("!!!"), None);
    }
}
