//! What every format says about one story, decided once.

use super::sanitize_html;
use newswire_shared::article::{EntityType, Signal};
use newswire_shared::Article;

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
    let mut html = String::new();
    if a.signals.contains(&Signal::Correction) {
        html.push_str("<p><em>Correction: this version corrects an earlier one.</em></p>");
    }
    html.push_str(&sanitize_html(&a.body));
    xml_safe(&html)
}

/// The language of the story: the enricher's finding, else the newsroom's hint.
pub fn language(a: &Article) -> Option<&str> {
    a.story_language()
}

pub use newswire_shared::xml::xml_safe;
