//! IPTC ninjs 3.2: the same item as JSON, the sibling many APIs now prefer.

use crate::article::{EntityType, Media, Status};
use crate::formats::g2::{
    dateline_text, editorial_note, guid, media_guid, uri_escape, valid_language,
};
use crate::formats::xhtml::{body_xhtml, word_count};
use crate::links::Base;
use crate::Article;
use serde_json::{json, Map, Value};

pub const SCHEMA_URI: &str = "http://www.iptc.org/std/ninjs/ninjs-schema_3.2.json#";

/// The article version as a ninjs 3.2 document.
pub fn ninjs(a: &Article) -> Vec<u8> {
    serde_json::to_vec_pretty(&ninjs_value(a)).expect("JSON values always serialise")
}

pub fn ninjs_value(a: &Article) -> Value {
    let time = crate::timestamp::format;
    let mut o = Map::new();
    o.insert(
        "standard".into(),
        json!({"name": "ninjs", "version": "3.2", "schema": SCHEMA_URI}),
    );
    o.insert("uri".into(), guid(&a.id).into());
    o.insert("type".into(), "text".into());
    o.insert("representationType".into(), "full".into());
    o.insert("version".into(), a.version.to_string().into());
    o.insert("firstCreated".into(), time(a.first_created).into());
    o.insert("versionCreated".into(), time(a.version_created).into());
    o.insert("contentCreated".into(), time(a.first_created).into());
    if let Some(e) = a.embargo_until {
        o.insert("embargoedUntil".into(), time(e).into());
    }
    let status = match a.status {
        Status::Usable => "usable",
        Status::Withheld => "withheld",
        Status::Canceled => "canceled",
    };
    o.insert("pubStatus".into(), status.into());
    o.insert("urgency".into(), a.urgency.clamp(1, 9).into());
    if let Some(note) = editorial_note(a) {
        o.insert("edNote".into(), note.into());
    }
    if let Some(lang) = a.story_language().and_then(valid_language) {
        o.insert("language".into(), lang.into());
    }
    if let Some(by) = &a.byline {
        o.insert("by".into(), by.clone().into());
    }
    if let Some(place) = a
        .enrichment
        .as_ref()
        .and_then(|e| e.dateline.as_ref())
        .and_then(|d| d.place.clone())
        .or_else(|| a.dateline.as_ref().and_then(|d| d.place.clone()))
    {
        o.insert("located".into(), place.into());
    }
    o.insert(
        "headlines".into(),
        json!([{"role": "main", "value": a.headline}]),
    );
    let mut descriptions = Vec::new();
    if let Some(s) = &a.summary {
        descriptions.push(json!({"role": "summary", "contentType": "text/plain", "value": s}));
    }
    if let Some(d) = dateline_text(a) {
        descriptions.push(json!({"role": "dateline", "contentType": "text/plain", "value": d}));
    }
    if !descriptions.is_empty() {
        o.insert("descriptions".into(), descriptions.into());
    }
    if a.status == Status::Usable {
        let body = body_xhtml(&a.body, &Base::of(a.url.as_deref()));
        o.insert(
            "bodies".into(),
            json!([{"role": "main", "contentType": "application/xhtml+xml", "wordCount": word_count(&body), "value": body}]),
        );
    }
    if let Some(e) = &a.enrichment {
        let subjects: Vec<Value> = e
            .subjects
            .iter()
            .map(|s| {
                let code = s.code.trim_start_matches("medtop:");
                json!({"name": s.label, "uri": format!("http://cv.iptc.org/newscodes/mediatopic/{code}"),
                       "rel": "about", "confidence": percent(s.confidence)})
            })
            .collect();
        if !subjects.is_empty() {
            o.insert("subjects".into(), subjects.into());
        }
        for (key, kind) in [
            ("people", EntityType::Person),
            ("organisations", EntityType::Organization),
            ("places", EntityType::Place),
            ("events", EntityType::Event),
        ] {
            let list: Vec<Value> = e
                .entities
                .iter()
                .filter(|en| en.entity_type == kind)
                .map(|en| {
                    // ninjs allows relevance and confidence on subjects only.
                    let mut v = json!({"name": en.name, "rel": "mentioned"});
                    if let Some(uri) = en.id.as_deref().and_then(crate::entity_id::uri) {
                        v["uri"] = uri.into();
                    }
                    v
                })
                .collect();
            if !list.is_empty() {
                o.insert(key.into(), list.into());
            }
        }
    }
    if let Some(source) = &a.source {
        o.insert(
            "infoSources".into(),
            json!([{"name": source, "role": "originfo"}]),
        );
    }
    if a.status == Status::Usable && !a.media.is_empty() {
        let associations: Vec<Value> = a
            .media
            .iter()
            .enumerate()
            .map(|(i, m)| association(a, i + 1, m))
            .collect();
        o.insert("associations".into(), associations.into());
    }
    if let Some(url) = &a.url {
        o.insert(
            "renditions".into(),
            json!([{"name": "web", "href": uri_escape(url), "contentType": "text/html"}]),
        );
    }
    Value::Object(o)
}

/// A media item as an associated ninjs object, the same item as NewsML-G2's media news
/// item: its address, type and size as the one rendition, the caption as a
/// description, the credit as `by` ("a natural-language statement about the creator").
fn association(a: &Article, n: usize, m: &Media) -> Value {
    // ninjs's types are IPTC's ninature, as NewsML-G2's item class.
    let kind = crate::formats::vocab::media_nature(&m.media_type).trim_start_matches("ninat:");
    let mut rendition =
        json!({"name": "web", "href": uri_escape(&m.url), "contentType": m.media_type});
    if let Some(w) = m.width {
        rendition["width"] = w.into();
    }
    if let Some(h) = m.height {
        rendition["height"] = h.into();
    }
    let mut v = json!({
        "name": format!("{kind}-{n}"),
        "uri": media_guid(&a.id, n),
        "type": kind,
        "representationType": "full",
        "version": a.version.to_string(),
        "renditions": [rendition],
    });
    if let Some(caption) = m.caption.as_deref().filter(|c| !c.trim().is_empty()) {
        v["descriptions"] =
            json!([{"role": "caption", "contentType": "text/plain", "value": caption}]);
    }
    if let Some(credit) = m.credit.as_deref().filter(|c| !c.trim().is_empty()) {
        v["by"] = credit.into();
    }
    v
}

fn percent(x: f32) -> u8 {
    (x.clamp(0.0, 1.0) * 100.0).round() as u8
}
