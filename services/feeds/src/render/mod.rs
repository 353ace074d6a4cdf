//! Feed formats: pure functions from released articles to bytes. No Kafka, no HTTP.

pub mod rss;
mod sanitize;

pub use sanitize::sanitize_html;

/// What a feed says about itself.
#[derive(Debug, Clone)]
pub struct FeedInfo {
    pub title: String,
    /// The site the feed belongs to.
    pub link: String,
    /// This feed's own URL.
    pub self_url: String,
    pub description: String,
}

/// The id of a story that never changes across versions.
pub fn story_urn(id: &str) -> String {
    format!("urn:newswire:article:{id}")
}
