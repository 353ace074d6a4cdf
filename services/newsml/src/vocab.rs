//! The IPTC QCodes we write, in one place, so a test can hold them against IPTC's
//! controlled vocabularies (the schema does not check QCode values).

use newswire_shared::article::{EntityType, Status};

/// `ninat:` — nature of the item.
pub const ITEM_CLASS_TEXT: &str = "ninat:text";
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
