//! What every format says about one story, decided once.

use super::{sanitize_html, FeedItem};
use newswire_shared::article::{EntityType, Signal};
use newswire_shared::links::Base;
use newswire_shared::Article;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub const SECTION_SCHEME: &str = "urn:newswire:section";
/// What the newsroom said about a version (`correction`, `update`), in words no reader
/// has to translate.
pub const SIGNAL_SCHEME: &str = "urn:newswire:signal";
pub const MEDIATOPIC_SCHEME: &str = "http://cv.iptc.org/newscodes/mediatopic/";

/// A category with the vocabulary it comes from.
pub struct Category {
    pub term: String,
    pub scheme: &'static str,
    pub label: Option<String>,
}

/// Section, IPTC subjects, named entities and the newsroom's signals, in that order.
pub fn categories(a: &Article) -> Vec<Category> {
    let mut out: Vec<Category> = a
        .section
        .iter()
        .map(|s| Category {
            term: plain(s),
            scheme: SECTION_SCHEME,
            label: None,
        })
        .collect();
    if let Some(e) = &a.enrichment {
        out.extend(e.subjects.iter().map(|s| Category {
            term: plain(s.code.trim_start_matches("medtop:")),
            scheme: MEDIATOPIC_SCHEME,
            label: Some(plain(&s.label)),
        }));
        out.extend(e.entities.iter().map(|en| Category {
            term: plain(en.id.as_deref().unwrap_or(&en.name)),
            scheme: match en.entity_type {
                EntityType::Person => "urn:newswire:entity:person",
                EntityType::Organization => "urn:newswire:entity:organization",
                EntityType::Place => "urn:newswire:entity:place",
                EntityType::Event => "urn:newswire:entity:event",
            },
            label: Some(plain(&en.name)),
        }));
    }
    out.extend(a.signals.iter().map(|s| {
        Category {
            term: match s {
                Signal::Correction => "correction",
                Signal::Update => "update",
            }
            .into(),
            scheme: SIGNAL_SCHEME,
            label: None,
        }
    }));
    out
}

/// The body as subscribers get it: sanitised, after the correction note in the story's
/// language when this version is a correction and such a note is known. A body with
/// nothing left to show is the story's description, so no reader meets an empty
/// content element.
pub fn body_html(item: &FeedItem<'_>) -> String {
    let a = item.article;
    // Relative links resolve against the story's url: the same body under another url
    // is another result.
    let key = match &a.url {
        Some(url) if a.body.len() >= REMEMBER_FROM => Cow::Owned(format!("{url}\u{0}{}", a.body)),
        _ => Cow::Borrowed(a.body.as_str()),
    };
    let body = remembered(&key, || {
        xml_safe(&sanitize_html(&a.body, &Base::of(a.url.as_deref())))
    });
    let body = if blank_html(&body) {
        format!("<p>{}</p>", description(a))
    } else {
        body
    };
    match item.correction_note {
        Some(note) => {
            let note = quick_xml::escape::escape(plain(note)).into_owned();
            format!("<p><em>{note}</em></p>{body}")
        }
        None => body,
    }
}

/// Whether HTML shows nothing: no text but white space, no image.
fn blank_html(html: &str) -> bool {
    !html.contains("<img") && newswire_shared::text::plain_text(html).trim().is_empty()
}

/// A short plain-text account of the story for RSS `<description>`, which readers
/// show in lists and which must come before `content:encoded`: the summary, else the
/// body's first words (at most [`EXCERPT_CHARS`] characters, cut at a word), else the
/// headline; escaped as HTML, since RSS readers treat the description as HTML.
pub fn description(a: &Article) -> String {
    let summary = a.summary.as_deref().map(plain).unwrap_or_default();
    let text = if summary.trim().is_empty() {
        excerpt(&xml_safe(&newswire_shared::text::plain_text(&a.body)))
    } else {
        summary
    };
    let text = if text.trim().is_empty() {
        plain(&a.headline)
    } else {
        text
    };
    quick_xml::escape::escape(text).into_owned()
}

/// A byline as a person: its name, and the address when it is written as RFC 5322
/// writes one (`Desk <desk@example.org>`); `None` when no name is left.
pub fn byline(text: &str) -> Option<(String, Option<String>)> {
    let text = xml_safe(text);
    let email = text
        .rfind('<')
        .and_then(|open| Some((open, text[open..].find('>')? + open)))
        .map(|(open, close)| &text[open + 1..close])
        .filter(|addr| {
            let (local, domain) = addr.split_once('@').unwrap_or(("", ""));
            !local.is_empty()
                && domain.contains('.')
                && !addr.contains(char::is_whitespace)
                && addr
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && !b"<>()[]\\,;:\"".contains(&b) || b == b':')
        })
        .map(str::to_string);
    let name = plain(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty()).then_some((name, email))
}

/// XML text and attribute values with `&` and `<` written as hexadecimal character
/// references (`&#x26;`, `&#x3C;`) instead of `&amp;` and `&lt;`, as the RSS Best
/// Practices Profile asks of plain text: a reader (and the W3C validator) then knows the
/// text means those characters, not markup or an entity. The same XML to any parser;
/// CDATA sections are left as they are.
pub fn hex_refs(xml: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(xml.len() + xml.len() / 16);
    let mut rest = xml;
    while !rest.is_empty() {
        let (text, cdata) = match find(rest, b"<![CDATA[") {
            Some(at) => {
                let end = find(&rest[at..], b"]]>").map_or(rest.len(), |e| at + e + 3);
                (&rest[..at], &rest[at..end])
            }
            None => (rest, &rest[rest.len()..]),
        };
        let mut i = 0;
        while i < text.len() {
            if text[i..].starts_with(b"&amp;") {
                out.extend_from_slice(b"&#x26;");
                i += 5;
            } else if text[i..].starts_with(b"&lt;") {
                out.extend_from_slice(b"&#x3C;");
                i += 4;
            } else {
                out.push(text[i]);
                i += 1;
            }
        }
        out.extend_from_slice(cdata);
        rest = &rest[text.len() + cdata.len()..];
    }
    out
}

/// Characters of the body a description without a summary shows.
pub const EXCERPT_CHARS: usize = 280;

fn excerpt(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= EXCERPT_CHARS {
        return text;
    }
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    let cut = match cut.rfind(' ') {
        Some(at) if at > EXCERPT_CHARS / 2 => &cut[..at],
        _ => &cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// Bodies at least this long are prepared once and remembered.
const REMEMBER_FROM: usize = 1024;
/// Bytes of bodies (input and output) remembered before starting afresh.
const REMEMBER_BYTES: usize = 64 << 20;

type Prepared = HashMap<Box<str>, Arc<str>, foldhash::fast::RandomState>;

/// A story sits in many feeds in three formats, each re-rendered on every change to
/// it, and preparing a long body costs far more than writing it: long bodies are
/// prepared once and the result reused — keyed by the whole body, so only the same
/// input ever gets the same output.
fn remembered(body: &str, prepare: impl FnOnce() -> String) -> String {
    if body.len() < REMEMBER_FROM {
        return prepare();
    }
    static REMEMBERED: OnceLock<Mutex<Memo>> = OnceLock::new();
    let memo = REMEMBERED.get_or_init(Mutex::default);
    if let Some(done) = memo.lock().expect("body memo").prepared.get(body) {
        return done.to_string();
    }
    let done: Arc<str> = prepare().into();
    memo.lock().expect("body memo").insert(body, done.clone());
    done.to_string()
}

#[derive(Default)]
struct Memo {
    prepared: Prepared,
    bytes: usize,
}

impl Memo {
    fn insert(&mut self, body: &str, done: Arc<str>) {
        let size = body.len() + done.len();
        self.bytes += size;
        if self.bytes > REMEMBER_BYTES {
            self.prepared.clear();
            self.bytes = size;
        }
        self.prepared.insert(body.into(), done);
    }
}

/// The language of the story: the enricher's finding, else the newsroom's hint.
pub fn language(a: &Article) -> Option<&str> {
    a.story_language()
}

pub use newswire_shared::xml::{plain, xml_safe};

/// Where `needle` first occurs in `haystack` (formats splice written documents).
pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Where `needle` last occurs in `haystack`.
pub(super) fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}
