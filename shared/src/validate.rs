//! Decoding and validating article events, with errors that name the field.

use crate::article::{Article, Enrichment};
use crate::entity_id;
use serde::Serialize;
use std::fmt;

pub const MAX_ID_CHARS: usize = 200;
/// Largest integer every JSON reader (JavaScript included) holds exactly.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Why an event was refused: which field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ContractError {
    /// JSON path of the offending field (`media[0].url`), or `$` for the whole document.
    pub field: String,
    pub problem: String,
}

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl ContractError {
    fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

/// Which topic's contract the bytes must meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// From the newsroom: must not carry `enrichment`.
    Published,
    /// From the enricher: must carry `enrichment`.
    Enriched,
}

/// Decodes and validates one event; the error names the first offending field.
pub fn decode_article(bytes: &[u8], stage: Stage) -> Result<Article, ContractError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ContractError::new("$", format!("not UTF-8: {e}")))?;
    // serde would also build a struct from a JSON array, positionally; an event is an object.
    if !text.trim_start().starts_with('{')
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
    {
        return Err(ContractError::new(
            "$",
            "an article event must be a JSON object",
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let article: Article = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        let field = if inner.is_syntax() || inner.is_eof() {
            // Broken JSON has no field to blame.
            "$".to_string()
        } else {
            // serde reports a missing field on its parent object; name the field itself.
            missing_field_name(&message)
                .map(|name| join_path(&path, name))
                .unwrap_or(if path == "." { "$".to_string() } else { path })
        };
        ContractError::new(field, strip_position(&message))
    })?;
    de.end()
        .map_err(|e| ContractError::new("$", strip_position(&e.to_string())))?;
    validate(&article, stage)?;
    Ok(article)
}

fn join_path(parent: &str, name: &str) -> String {
    if parent.is_empty() || parent == "." {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

fn missing_field_name(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The rules JSON types alone cannot express; mirrored in the JSON Schema.
pub fn validate(a: &Article, stage: Stage) -> Result<(), ContractError> {
    let id_chars = a.id.chars().count();
    if id_chars == 0 || id_chars > MAX_ID_CHARS {
        return Err(ContractError::new(
            "id",
            format!("must be 1–{MAX_ID_CHARS} characters, got {id_chars}"),
        ));
    }
    if a.id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ContractError::new(
            "id",
            "must not contain whitespace or control characters",
        ));
    }
    if a.version == 0 || a.version > MAX_SAFE_INTEGER {
        return Err(ContractError::new(
            "version",
            format!("must be 1 to {MAX_SAFE_INTEGER}, got {}", a.version),
        ));
    }
    if is_blank(&a.headline) {
        return Err(ContractError::new("headline", BLANK));
    }
    if a.version_created < a.first_created {
        return Err(ContractError::new(
            "version_created",
            "must not be earlier than first_created",
        ));
    }
    if !(1..=9).contains(&a.urgency) {
        return Err(ContractError::new(
            "urgency",
            format!("must be 1 (flash) to 9, got {}", a.urgency),
        ));
    }
    if let Some(lang) = &a.language {
        if !is_language_tag(lang) {
            return Err(ContractError::new(
                "language",
                format!("{lang:?} is not a BCP 47 language tag"),
            ));
        }
    }
    if let Some(url) = &a.url {
        check_url("url", url)?;
    }
    for (i, k) in a.keywords.iter().enumerate() {
        if is_blank(k) {
            return Err(ContractError::new(format!("keywords[{i}]"), BLANK));
        }
    }
    for (i, m) in a.media.iter().enumerate() {
        check_url(&format!("media[{i}].url"), &m.url)?;
        if !is_mime_type(&m.media_type) {
            return Err(ContractError::new(
                format!("media[{i}].type"),
                format!("{:?} is not a MIME type such as image/jpeg", m.media_type),
            ));
        }
        if m.width == Some(0) || m.height == Some(0) {
            return Err(ContractError::new(
                format!("media[{i}]"),
                "width and height must be positive",
            ));
        }
    }
    match (stage, &a.enrichment) {
        (Stage::Published, Some(_)) => Err(ContractError::new(
            "enrichment",
            "is added by the enricher and must not be sent by the newsroom",
        )),
        (Stage::Enriched, None) => Err(ContractError::new(
            "enrichment",
            "missing on an enriched event",
        )),
        (Stage::Enriched, Some(e)) => validate_enrichment(e),
        (Stage::Published, None) => Ok(()),
    }
}

fn validate_enrichment(e: &Enrichment) -> Result<(), ContractError> {
    let tag = |field: &str, value: &str| {
        if is_language_tag(value) {
            Ok(())
        } else {
            Err(ContractError::new(
                field,
                format!("{value:?} is not a BCP 47 language tag"),
            ))
        }
    };
    let unit = |field: String, value: f32| {
        if (0.0..=1.0).contains(&value) {
            Ok(())
        } else {
            Err(ContractError::new(
                field,
                format!("must be between 0 and 1, got {value}"),
            ))
        }
    };
    tag("enrichment.language", &e.language)?;
    if let Some(h) = &e.headline_language {
        tag("enrichment.headline_language", h)?;
    }
    unit(
        "enrichment.language_confidence".into(),
        e.language_confidence,
    )?;
    for (i, entity) in e.entities.iter().enumerate() {
        if let Some(id) = &entity.id {
            entity_id(format!("enrichment.entities[{i}].id"), id)?;
        }
        unit(
            format!("enrichment.entities[{i}].salience"),
            entity.salience,
        )?;
    }
    if let Some(id) = e.dateline.as_ref().and_then(|d| d.place_id.as_deref()) {
        entity_id("enrichment.dateline.place_id".into(), id)?;
    }
    for (i, subject) in e.subjects.iter().enumerate() {
        let digits = subject.code.strip_prefix("medtop:").unwrap_or("");
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ContractError::new(
                format!("enrichment.subjects[{i}].code"),
                format!(
                    "{:?} is not an IPTC Media Topic (medtop:NNNNNNNN)",
                    subject.code
                ),
            ));
        }
        unit(
            format!("enrichment.subjects[{i}].confidence"),
            subject.confidence,
        )?;
    }
    Ok(())
}

/// An entity or place id: one of [`crate::entity_id`]'s schemes, spelt canonically.
fn entity_id(field: String, id: &str) -> Result<(), ContractError> {
    if entity_id::is_canonical(id) {
        return Ok(());
    }
    let hint = match entity_id::canonical(id) {
        Some(c) => format!(" (write {c:?})"),
        None => String::new(),
    };
    Err(ContractError::new(
        field,
        format!("{id:?} is none of wikidata:Q…, geonames:…, iso3166-2:CC-XXX{hint}"),
    ))
}

const BLANK: &str = "must have text once tags and control characters are removed";

/// The contract's "not blank": nothing but white space (Unicode's, and U+FEFF, as JSON
/// Schema's `\S` reads it) once [`crate::xml::plain`] has run — the feeds' plain-text
/// rule, the strictest any format writes headlines and keywords by (NewsML-G2 and
/// ninjs keep tags as text). A headline of `<b></b>` or U+0001 alone would otherwise be
/// an empty title in every feed (RSS 2.0 wants a title or a description).
pub fn is_blank(text: &str) -> bool {
    crate::xml::plain(text)
        .chars()
        .all(|c| c.is_whitespace() || c == '\u{FEFF}')
}

fn check_url(field: &str, url: &str) -> Result<(), ContractError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest)
            if !rest.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(())
        }
        _ => Err(ContractError::new(
            field,
            format!("{url:?} is not an absolute http(s) URL"),
        )),
    }
}

/// BCP 47 well-formedness in its common shape: a 2–3 letter (or 4–8 letter) primary
/// subtag followed by 1–8 character alphanumeric subtags.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=8).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn is_mime_type(t: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    matches!(t.split_once('/'), Some((a, b)) if token(a) && token(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> serde_json::Value {
        serde_json::json!({
            "id": "belta-1", "version": 1, "status": "usable", "headline": "H",
            "body": "<p>b</p>", "first_created": "2024-11-28T08:38:00Z",
            "version_created": "2024-11-28T08:38:00Z"
        })
    }

    fn error_for(edit: impl FnOnce(&mut serde_json::Value)) -> ContractError {
        let mut v = minimal();
        edit(&mut v);
        decode_article(v.to_string().as_bytes(), Stage::Published).unwrap_err()
    }

    #[test]
    fn minimal_article_decodes_with_default_urgency() {
        let a = decode_article(minimal().to_string().as_bytes(), Stage::Published).unwrap();
        assert_eq!(a.urgency, 5);
        assert_eq!(a.identity(), ("belta-1", 1));
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(
            error_for(|v| {
                v.as_object_mut().unwrap().remove("headline");
            })
            .field,
            "headline"
        );
        assert_eq!(error_for(|v| v["headline"] = " ".into()).field, "headline");
        assert_eq!(error_for(|v| v["version"] = 0.into()).field, "version");
        assert_eq!(error_for(|v| v["version"] = "two".into()).field, "version");
        assert_eq!(error_for(|v| v["status"] = "draft".into()).field, "status");
        assert_eq!(
            error_for(|v| v["first_created"] = "yesterday".into()).field,
            "first_created"
        );
        assert_eq!(
            error_for(|v| v["embargo_until"] = "0001-01-01T00:00:00+01:00".into()).field,
            "embargo_until"
        );
        assert_eq!(
            error_for(|v| v["version_created"] = "2024-11-28 08:38:00Z".into()).field,
            "version_created"
        );
        assert_eq!(error_for(|v| v["id"] = "x".repeat(201).into()).field, "id");
        assert_eq!(error_for(|v| v["urgency"] = 0.into()).field, "urgency");
        assert_eq!(
            error_for(|v| v["language"] = "english!".into()).field,
            "language"
        );
        assert_eq!(error_for(|v| v["url"] = "ftp://x".into()).field, "url");
        assert_eq!(
            error_for(|v| v["headlnie"] = "typo".into()).field,
            "headlnie"
        );
        assert_eq!(
            error_for(|v| v["media"] = serde_json::json!([{"url": "https://x/a.jpg"}])).field,
            "media[0].type"
        );
        assert_eq!(
            error_for(|v| v["media"] = serde_json::json!([{"url": "x", "type": "image/jpeg"}]))
                .field,
            "media[0].url"
        );
        assert_eq!(
            error_for(|v| v["version_created"] = "2024-11-27T00:00:00Z".into()).field,
            "version_created"
        );
        assert_eq!(
            error_for(|v| v["enrichment"] =
                serde_json::json!({"language": "en", "language_confidence": 1.0}))
            .field,
            "enrichment"
        );
    }

    #[test]
    fn non_json_and_trailing_garbage_are_refused() {
        assert_eq!(
            decode_article(b"not json", Stage::Published)
                .unwrap_err()
                .field,
            "$"
        );
        let mut bytes = minimal().to_string().into_bytes();
        bytes.extend_from_slice(b" {}");
        assert_eq!(
            decode_article(&bytes, Stage::Published).unwrap_err().field,
            "$"
        );
        assert_eq!(
            decode_article(&[0xff, 0xfe], Stage::Published)
                .unwrap_err()
                .field,
            "$"
        );
    }

    #[test]
    fn language_tags() {
        for ok in ["en", "ru", "be", "zh-Hans", "sr-Latn", "en-GB", "es-419"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "e", "en_GB", "english!", "en--GB", "123"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
