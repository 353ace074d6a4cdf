//! NewsML: renders every article version from `articles.enriched` as an IPTC NewsML-G2
//! `newsItem` (and ninjs 3.2), produces it to `newsml.items`, and delivers it to
//! subscribers by drop folder and HTTP pull — embargo- and kill-aware.
//!
//! Formats are pure functions of an article ([`g2`], [`ninjs`], [`xhtml`]), apart
//! from Kafka and HTTP.

pub mod g2;
pub mod ninjs;
pub mod vocab;
pub mod xhtml;

pub use g2::{news_item, news_message, Provider};
pub use ninjs::ninjs;
