//! The IPTC QCodes we write, in one place, so a test can hold them against IPTC's
//! controlled vocabularies (the schema does not check QCode values).

use crate::article::{EntityType, Status};

/// `ninat:` — nature of the item.
pub const ITEM_CLASS_TEXT: &str = "ninat:text";
/// A package of items (the story's text and its pictures).
pub const ITEM_CLASS_COMPOSITE: &str = "ninat:composite";
/// `drol:` — the caption of a picture.
pub const DESCRIPTION_CAPTION: &str = "drol:caption";
/// `rnd:` — the rendition a media item's address serves: for use on the web.
pub const RENDITION_WEB: &str = "rnd:web";
/// The role of a package's one group, as IPTC's package example writes it.
pub const GROUP_MAIN: &str = "group:main";

/// `ninat:` of a media item by its MIME type (IANA's top-level types).
pub fn media_nature(mime_type: &str) -> &'static str {
    match mime_type
        .split('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "image" => "ninat:picture",
        "video" => "ninat:video",
        "audio" => "ninat:audio",
        _ => "ninat:component",
    }
}
/// `sig:` — signals.
pub const SIGNAL_CORRECTION: &str = "sig:correction";
pub const SIGNAL_UPDATE: &str = "sig:update";
/// `irel:` — item relations.
pub const LINK_SEE_ALSO: &str = "irel:seeAlso";
/// `drol:` — description roles.
pub const DESCRIPTION_SUMMARY: &str = "drol:summary";
/// `cpnat:` — nature of a concept.
pub const CONCEPT_ABSTRACT: &str = "cpnat:abstract";

/// `stat:` — publishing status.
pub fn pub_status(status: Status) -> &'static str {
    match status {
        Status::Usable => "stat:usable",
        Status::Withheld => "stat:withheld",
        Status::Canceled => "stat:canceled",
    }
}

pub fn concept_nature(t: EntityType) -> &'static str {
    match t {
        EntityType::Person => "cpnat:person",
        EntityType::Organization => "cpnat:organisation",
        EntityType::Place => "cpnat:geoArea",
        EntityType::Event => "cpnat:event",
    }
}
