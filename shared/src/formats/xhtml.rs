//! The body as well-formed, sanitised XHTML for `inlineXML`: never raw HTML pasted
//! into XML. Links and images keep their place, made absolute by the one rule for
//! body links ([`crate::links`]).

use crate::links::Base;
use crate::xml::xml_safe;
use std::borrow::Cow;

/// Elements a news body keeps; everything else is dropped (its text kept, except for
/// scripts and styles, which go entirely).
const TAGS: &[&str] = &[
    "p",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "s",
    "sub",
    "sup",
    "blockquote",
    "q",
    "cite",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "a",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "abbr",
    "pre",
    "code",
    "hr",
    "img",
];

/// HTML elements without an end tag; XML needs them self-closed.
const VOID: &[&str] = &["br", "hr", "img"];

/// ammonia's hook for relative references: the shared rule.
struct Resolve(Base);

impl<'a> ammonia::UrlRelativeEvaluate<'a> for Resolve {
    fn evaluate<'url>(&self, url: &'url str) -> Option<Cow<'url, str>> {
        self.0.resolve(url).map(Cow::Owned)
    }
}

/// The sanitiser for one story: relative `href` and `src` resolved against its `url`
/// (or dropped when it has none).
fn cleaner(base: &Base) -> ammonia::Builder<'static> {
    let base = base.clone();
    let mut b = ammonia::Builder::empty();
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(["script", "style"].into_iter().collect())
        .tag_attributes(
            [
                ("a", ["href"].into_iter().collect()),
                (
                    "img",
                    ["src", "alt", "width", "height"].into_iter().collect(),
                ),
                ("td", ["colspan", "rowspan"].into_iter().collect()),
                ("th", ["colspan", "rowspan"].into_iter().collect()),
                ("abbr", ["title"].into_iter().collect()),
            ]
            .into_iter()
            .collect(),
        )
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::Custom(Box::new(Resolve(base))))
        .link_rel(None);
    b
}

/// The body's content as XHTML elements (no wrapper): sanitised by ammonia, links and
/// images made absolute against `base`, then its HTML serialisation turned into XML
/// (void elements closed, `&nbsp;` as a character reference). An image keeps its
/// place when it has an address (XHTML's `img` needs `src`; `alt` is added empty when
/// missing). Text outside any element is wrapped in a paragraph.
pub fn body_xhtml(html: &str, base: &Base) -> String {
    let clean = cleaner(base).clean(&xml_safe(html)).to_string();
    let mut xml = String::with_capacity(clean.len() + 16);
    let mut rest = clean.as_str();
    while let Some(open) = rest.find('<') {
        xml.push_str(&rest[..open]);
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c);
        let tag = &rest[open..close];
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        rest = rest.get(close + 1..).unwrap_or("");
        if name == "img" && !tag.contains(" src=\"") {
            continue;
        }
        xml.push_str(tag);
        if name == "img" && !tag.contains(" alt=\"") {
            xml.push_str(" alt=\"\"");
        }
        if VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            xml.push('/');
        }
        xml.push('>');
    }
    xml.push_str(rest);
    let xml = xml.replace("&nbsp;", "&#160;");
    wrap_loose_text(&xml)
}

/// Top-level text and inline elements (a body that was plain text, or text between
/// blocks) go into `<p>`; XHTML's body allows only blocks at the top.
fn wrap_loose_text(xml: &str) -> String {
    let is_block = |name: &str| {
        matches!(
            name,
            "p" | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "blockquote"
                | "ul"
                | "ol"
                | "dl"
                | "table"
                | "pre"
                | "hr"
        )
    };
    let mut out = String::with_capacity(xml.len() + 16);
    let mut loose = String::new();
    let flush = |loose: &mut String, out: &mut String| {
        if !loose.trim().is_empty() {
            out.push_str("<p>");
            out.push_str(loose.trim());
            out.push_str("</p>");
        }
        loose.clear();
    };
    let mut depth = 0usize;
    let mut in_block = false;
    let mut rest = xml;
    while !rest.is_empty() {
        let open = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..open];
        if in_block && depth > 0 {
            out.push_str(text);
        } else {
            loose.push_str(text);
        }
        if open == rest.len() {
            break;
        }
        let close = rest[open..].find('>').map_or(rest.len() - 1, |c| open + c);
        let tag = &rest[open..=close];
        rest = &rest[close + 1..];
        let closing = tag.starts_with("</");
        let self_closed = tag.ends_with("/>");
        let name: String = tag
            .trim_start_matches("</")
            .trim_start_matches('<')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if depth == 0 && !closing {
            in_block = is_block(&name);
            if in_block {
                flush(&mut loose, &mut out);
            }
        }
        if in_block {
            out.push_str(tag);
        } else {
            loose.push_str(tag);
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closed {
            depth += 1;
        }
        if depth == 0 {
            in_block = false;
        }
    }
    flush(&mut loose, &mut out);
    out
}

/// Words in the text of `xhtml`, for `wordcount`: white-space separated words, and
/// each Han, Hiragana, Katakana or Hangul character as one word.
pub fn word_count(xhtml: &str) -> usize {
    let mut text = String::with_capacity(xhtml.len());
    let mut in_tag = false;
    for c in xhtml.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace()
        .map(|w| {
            let cjk = w.chars().filter(|&c| is_cjk(c)).count();
            let rest = w.chars().any(|c| !is_cjk(c) && c.is_alphanumeric());
            cjk + usize::from(rest)
        })
        .sum()
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_xhtml(html: &str) -> String {
        super::body_xhtml(html, &Base::default())
    }

    #[test]
    fn html_becomes_xhtml() {
        assert_eq!(
            body_xhtml("<p>One<br>two&nbsp;three</p><script>x()</script><img src=x onerror=y()>"),
            "<p>One<br/>two&#160;three</p>"
        );
        assert_eq!(
            body_xhtml("plain ]]> text & more"),
            "<p>plain ]]&gt; text &amp; more</p>"
        );
        assert_eq!(
            body_xhtml("<p>a</p>tail <b>x</b>"),
            "<p>a</p><p>tail <b>x</b></p>"
        );
        assert_eq!(
            body_xhtml("<p>unclosed <b>bold"),
            "<p>unclosed <b>bold</b></p>"
        );
    }

    #[test]
    fn links_and_images_resolve_against_the_story_url() {
        let base = Base::of(Some("https://newswire.example/stories/field-04-relurl/"));
        assert_eq!(
            super::body_xhtml(
                "<p>See <a href=\"/stories/storm-earlier\">this</a>.</p><p><img src=\"images/storm.jpg\" alt=\"Storm\"></p>",
                &base
            ),
            "<p>See <a href=\"https://newswire.example/stories/storm-earlier\">this</a>.</p>\
             <p><img src=\"https://newswire.example/stories/field-04-relurl/images/storm.jpg\" alt=\"Storm\"/></p>"
        );
        // Without a story URL nothing resolves against anyone's host: the link's text
        // stays, an image without an address goes.
        assert_eq!(
            body_xhtml("<p><a href=\"map.html\">map</a><img src=\"a.jpg\"><img src=\"https://e.example/b.jpg\"></p>"),
            "<p><a>map</a><img src=\"https://e.example/b.jpg\" alt=\"\"/></p>"
        );
    }

    #[test]
    fn words_are_counted_in_every_script() {
        assert_eq!(word_count("<p>One two</p><p>three</p>"), 3);
        assert_eq!(word_count("<p>卢卡申科会谈</p>"), 6);
    }
}
