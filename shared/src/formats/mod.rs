//! Formats every outlet of an article version shares, as pure functions from an
//! article to bytes, free of Kafka and HTTP: the IPTC NewsML-G2 item ([`g2`]) and its
//! JSON sibling ninjs ([`ninjs`]), the XHTML body both carry ([`xhtml`]), IPTC's
//! controlled vocabularies ([`vocab`]), and the item files of drop folders ([`files`]).
//!
//! They live here, not in a service, because more than one service renders them: the
//! NewsML stage writes them to `newsml.items`, push delivery sends them to webhooks,
//! SFTP servers and drop folders.

pub mod files;
pub mod g2;
pub mod ninjs;
pub mod vocab;
pub mod xhtml;

pub use g2::{news_item, news_message, version_document, Provider};
pub use ninjs::ninjs;
