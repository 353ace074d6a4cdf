//! Bluesky rich-text facets: the byte ranges of links, mentions and hashtags.
//!
//! Bluesky's server detects nothing; the client sends each facet with UTF-8 byte
//! offsets (start inclusive, end exclusive). This follows the detection rules of the
//! reference client, checked against its vectors in `tests/conformance.rs`.

use serde::Serialize;
use std::collections::HashSet;
use std::sync::OnceLock;
use unicode_categories::UnicodeCategories;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facet {
    pub index: ByteSlice,
    pub features: Vec<Feature>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ByteSlice {
    pub byte_start: usize,
    pub byte_end: usize,
}

/// The `app.bsky.richtext.facet` features. A mention carries a handle until the posting
/// tool resolves it to a DID; we never emit unresolved mentions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "$type")]
pub enum Feature {
    #[serde(rename = "app.bsky.richtext.facet#link")]
    Link { uri: String },
    #[serde(rename = "app.bsky.richtext.facet#tag")]
    Tag { tag: String },
    #[serde(rename = "app.bsky.richtext.facet#mention")]
    Mention { did: String },
}

/// Something the detector found, before it becomes a facet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    Link { range: ByteSlice, uri: String },
    Mention { range: ByteSlice, handle: String },
    Tag { range: ByteSlice, tag: String },
}

impl Detected {
    pub fn range(&self) -> ByteSlice {
        match self {
            Detected::Link { range, .. }
            | Detected::Mention { range, .. }
            | Detected::Tag { range, .. } => *range,
        }
    }
}

const MAX_TAG_CHARS: usize = 64;

/// Links, mentions, hashtags and cashtags in `text`, in text order.
pub fn detect(text: &str) -> Vec<Detected> {
    let mut found = Vec::new();
    found.extend(detect_mentions(text));
    found.extend(detect_links(text));
    found.extend(detect_tags(text));
    found.extend(detect_cashtags(text));
    found.sort_by_key(|d| d.range().byte_start);
    found
}

/// Positions where a link, mention or cashtag may start: the start of the text, or
/// after white space or an opening parenthesis.
fn starts(text: &str, allow_paren: bool) -> impl Iterator<Item = usize> + '_ {
    let mut previous: Option<char> = None;
    text.char_indices().filter_map(move |(i, c)| {
        let ok = match previous {
            None => true,
            Some(p) => p.is_whitespace() || (allow_paren && p == '('),
        };
        previous = Some(c);
        ok.then_some(i)
    })
}

pub fn detect_mentions(text: &str) -> Vec<Detected> {
    let mut out = Vec::new();
    for at in starts(text, true) {
        if !text[at..].starts_with('@') {
            continue;
        }
        let body = &text[at + 1..];
        let run = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .unwrap_or(body.len());
        let mut handle = &body[..run];
        let next_is_word = body[run..].chars().next().is_some_and(is_word);
        // The handle ends at a word boundary; back off until it does.
        let mut next_word = next_is_word;
        while let Some(last) = handle.chars().last() {
            if is_word(last) != next_word {
                break;
            }
            next_word = is_word(last);
            handle = &handle[..handle.len() - last.len_utf8()];
        }
        if is_valid_handle(handle) {
            out.push(Detected::Mention {
                range: ByteSlice {
                    byte_start: at,
                    byte_end: at + 1 + handle.len(),
                },
                handle: handle.to_ascii_lowercase(),
            });
        }
    }
    out
}

/// A top-level domain in IANA's list as Bluesky's client has it (the `tlds` package
/// `@atproto/api` depends on; `data/bluesky-tlds.txt`, built by
/// `scripts/build-x-counting.js`).
fn is_known_tld(tld: &str) -> bool {
    static TLDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let tlds = TLDS.get_or_init(|| include_str!("../data/bluesky-tlds.txt").lines().collect());
    tlds.contains(tld.to_lowercase().as_str())
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_valid_handle(handle: &str) -> bool {
    let labels: Vec<&str> = handle.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.eq_ignore_ascii_case("test") || is_known_tld(tld))
}

pub fn detect_links(text: &str) -> Vec<Detected> {
    let mut out = Vec::new();
    for at in starts(text, true) {
        let rest = &text[at..];
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_end];
        let lower = word.get(..8).unwrap_or(word).to_ascii_lowercase();
        let (candidate, with_scheme) =
            if lower.starts_with("https://") || lower.starts_with("http://") {
                (word, true)
            } else if let Some(len) = bare_domain_len(word) {
                let _ = len;
                (word, false)
            } else {
                continue;
            };
        let trimmed = trim_link_end(candidate);
        if with_scheme && trimmed.len() <= "https://".len() {
            continue;
        }
        let uri = if with_scheme {
            trimmed.to_string()
        } else {
            format!("https://{trimmed}")
        };
        out.push(Detected::Link {
            range: ByteSlice {
                byte_start: at,
                byte_end: at + trimmed.len(),
            },
            uri,
        });
    }
    out
}

/// Length of the domain a word starts with (`middle.com` in `middle.com/foo`), when it
/// is one: a letter, then letters and digits, then dot-separated labels ending in a
/// real top-level domain. `e.g.` and `website.com.jpg` are not.
fn bare_domain_len(word: &str) -> Option<usize> {
    let bytes = word.as_bytes();
    if !bytes.first()?.is_ascii_alphabetic() {
        return None;
    }
    let mut end = 1;
    while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
        end += 1;
    }
    let mut labels = 0;
    while end + 1 < bytes.len() && bytes[end] == b'.' && bytes[end + 1].is_ascii_alphanumeric() {
        end += 1;
        while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
            end += 1;
        }
        labels += 1;
    }
    if labels == 0 {
        return None;
    }
    let domain = &word[..end];
    let tld = domain.rsplit('.').next()?;
    is_known_tld(tld).then_some(end)
}

/// Drops one trailing sentence mark, and a closing parenthesis the link did not open.
fn trim_link_end(link: &str) -> &str {
    let mut link = link;
    if link.ends_with(['.', ',', ';', ':', '!', '?']) {
        link = &link[..link.len() - 1];
    }
    if link.ends_with(')') && !link.contains('(') {
        link = &link[..link.len() - 1];
    }
    link
}

/// Characters that end a hashtag besides white space (invisible joiners and the
/// enclosing-keycap mark).
fn breaks_tag(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{2060}'
                | '\u{200A}'
                | '\u{200B}'
                | '\u{200C}'
                | '\u{200D}'
                | '\u{20E2}'
                | '\u{FEFF}'
        )
}

pub fn detect_tags(text: &str) -> Vec<Detected> {
    let mut out = Vec::new();
    for at in starts(text, false) {
        let rest = &text[at..];
        let Some(sign) = rest.chars().next().filter(|c| matches!(c, '#' | '＃')) else {
            continue;
        };
        let body = &rest[sign.len_utf8()..];
        // `#️⃣` is the keycap emoji, not a hashtag.
        if body.starts_with('\u{FE0F}') {
            continue;
        }
        let run = &body[..body.find(breaks_tag).unwrap_or(body.len())];
        if !run
            .chars()
            .any(|c| !c.is_ascii_digit() && !c.is_punctuation())
        {
            continue;
        }
        let tag = run.trim_end_matches(|c: char| c.is_punctuation());
        if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS {
            continue;
        }
        out.push(Detected::Tag {
            range: ByteSlice {
                byte_start: at,
                byte_end: at + sign.len_utf8() + tag.len(),
            },
            tag: tag.to_string(),
        });
    }
    out
}

/// `$` and one to five letters or digits, starting with a letter (`$AAPL`).
pub fn detect_cashtags(text: &str) -> Vec<Detected> {
    let mut out = Vec::new();
    for at in starts(text, true) {
        let Some(body) = text[at..].strip_prefix('$') else {
            continue;
        };
        let len = body
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(body.len());
        let symbol = &body[..len];
        let ends_well = body[len..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || ".,;:!?)\"'".contains(c));
        if (1..=5).contains(&len) && symbol.as_bytes()[0].is_ascii_alphabetic() && ends_well {
            out.push(Detected::Tag {
                range: ByteSlice {
                    byte_start: at,
                    byte_end: at + 1 + len,
                },
                tag: format!("${}", symbol.to_ascii_uppercase()),
            });
        }
    }
    out
}

/// The facets of a post we wrote: every detected link and hashtag, with `links`
/// (display text range → full URL) taking the place of what the detector saw there.
/// Mentions are left out: they need a DID, which only the posting tool can resolve.
pub fn facets_for(text: &str, links: &[(ByteSlice, String)]) -> Vec<Facet> {
    let mut facets: Vec<Facet> = links
        .iter()
        .map(|(range, uri)| Facet {
            index: *range,
            features: vec![Feature::Link { uri: uri.clone() }],
        })
        .collect();
    let overlaps = |r: ByteSlice, facets: &[Facet]| {
        facets
            .iter()
            .any(|f| r.byte_start < f.index.byte_end && f.index.byte_start < r.byte_end)
    };
    for found in detect(text) {
        let range = found.range();
        if overlaps(range, &facets) {
            continue;
        }
        let feature = match found {
            Detected::Link { uri, .. } => Feature::Link { uri },
            Detected::Tag { tag, .. } => Feature::Tag { tag },
            Detected::Mention { .. } => continue,
        };
        facets.push(Facet {
            index: range,
            features: vec![feature],
        });
    }
    facets.sort_by_key(|f| f.index.byte_start);
    facets
}
