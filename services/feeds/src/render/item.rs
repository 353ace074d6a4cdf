//! What every format says about one story, decided once.

use super::sanitize_html;
use newswire_shared::article::{EntityType, Signal};
use newswire_shared::links::Base;
use newswire_shared::Article;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub const SECTION_SCHEME: &str = "urn:newswire:section";
pub const MEDIATOPIC_SCHEME: &str = "http://cv.iptc.org/newscodes/mediatopic/";

/// A category with the vocabulary it comes from.
pub struct Category {
    pub term: String,
    pub scheme: &'static str,
    pub label: Option<String>,
}

/// Section, IPTC subjects and named entities, in that order.
pub fn categories(a: &Article) -> Vec<Category> {
    let mut out: Vec<Category> = a
        .section
        .iter()
        .map(|s| Category {
            term: xml_safe(s),
            scheme: SECTION_SCHEME,
            label: None,
        })
        .collect();
    if let Some(e) = &a.enrichment {
        out.extend(e.subjects.iter().map(|s| Category {
            term: xml_safe(s.code.trim_start_matches("medtop:")),
            scheme: MEDIATOPIC_SCHEME,
            label: Some(xml_safe(&s.label)),
        }));
        out.extend(e.entities.iter().map(|en| Category {
            term: xml_safe(en.id.as_deref().unwrap_or(&en.name)),
            scheme: match en.entity_type {
                EntityType::Person => "urn:newswire:entity:person",
                EntityType::Organization => "urn:newswire:entity:organization",
                EntityType::Place => "urn:newswire:entity:place",
                EntityType::Event => "urn:newswire:entity:event",
            },
            label: Some(xml_safe(&en.name)),
        }));
    }
    out
}

/// The body as subscribers get it: sanitised, with a correction note when the
/// newsroom flagged this version as a correction.
pub fn body_html(a: &Article) -> String {
    let correction = a.signals.contains(&Signal::Correction);
    // Relative links resolve against the story's url: the same body under another url
    // is another result.
    let key = match &a.url {
        Some(url) if a.body.len() >= REMEMBER_FROM => Cow::Owned(format!("{url}\u{0}{}", a.body)),
        _ => Cow::Borrowed(a.body.as_str()),
    };
    remembered(&key, correction, || {
        let mut html = String::new();
        if correction {
            html.push_str("<p><em>Correction: this version corrects an earlier one.</em></p>");
        }
        html.push_str(&sanitize_html(&a.body, &Base::of(a.url.as_deref())));
        xml_safe(&html)
    })
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
fn remembered(body: &str, correction: bool, prepare: impl FnOnce() -> String) -> String {
    if body.len() < REMEMBER_FROM {
        return prepare();
    }
    static REMEMBERED: OnceLock<Mutex<Memo>> = OnceLock::new();
    let memo = REMEMBERED.get_or_init(Mutex::default);
    if let Some(done) = memo.lock().expect("body memo").get(body, correction) {
        return done.to_string();
    }
    let done: Arc<str> = prepare().into();
    memo.lock()
        .expect("body memo")
        .insert(body, correction, done.clone());
    done.to_string()
}

#[derive(Default)]
struct Memo {
    plain: Prepared,
    corrected: Prepared,
    bytes: usize,
}

impl Memo {
    fn get(&self, body: &str, correction: bool) -> Option<&Arc<str>> {
        if correction {
            self.corrected.get(body)
        } else {
            self.plain.get(body)
        }
    }

    fn insert(&mut self, body: &str, correction: bool, done: Arc<str>) {
        let size = body.len() + done.len();
        self.bytes += size;
        if self.bytes > REMEMBER_BYTES {
            self.plain.clear();
            self.corrected.clear();
            self.bytes = size;
        }
        let map = if correction {
            &mut self.corrected
        } else {
            &mut self.plain
        };
        map.insert(body.into(), done);
    }
}

/// The language of the story: the enricher's finding, else the newsroom's hint.
pub fn language(a: &Article) -> Option<&str> {
    a.story_language()
}

pub use newswire_shared::xml::xml_safe;

/// Where `needle` first occurs in `haystack` (formats splice written documents).
pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Where `needle` last occurs in `haystack`.
pub(super) fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}
