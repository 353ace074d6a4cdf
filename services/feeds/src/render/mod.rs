//! Feed formats: pure functions from released articles to bytes. No Kafka, no HTTP.

pub mod atom;
mod item;
pub mod jsonfeed;
pub mod rss;
mod sanitize;

use chrono::{DateTime, Utc};
use newswire_shared::Article;

pub use item::xml_safe;
pub use sanitize::sanitize_html;

/// What a feed says about itself.
#[derive(Debug, Clone)]
pub struct FeedInfo {
    pub title: String,
    /// The site the feed belongs to.
    pub link: String,
    /// This document's own URL.
    pub self_url: String,
    pub description: String,
    /// Stable id of the feed, e.g. `urn:newswire:feed:all`; its archive pages share it.
    pub id: String,
    /// WebSub hub, if any.
    pub hub: Option<String>,
    pub history: History,
}

/// RFC 5005 archived feeds: the current document links to the newest archive page,
/// each archive page to the one before it and back to the current document. No
/// `next-archive`: a full page then never changes when the next one fills.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// This document is an archive page (`fh:archive`).
    pub is_archive: bool,
    pub current: Option<String>,
    pub prev_archive: Option<String>,
}

pub const HISTORY_NS: &str = "http://purl.org/syndication/history/1.0";

impl History {
    /// (rel, href) of the links this document carries.
    pub fn links(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("current", self.current.as_deref()),
            ("prev-archive", self.prev_archive.as_deref()),
        ]
        .into_iter()
        .filter_map(|(rel, href)| Some((rel, href?)))
    }
}

/// A story killed after it was shown: Atom readers that cached it are told to drop it
/// (RFC 6721).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tombstone {
    pub id: String,
    pub when: DateTime<Utc>,
}

/// Everything one rendering of one feed needs.
pub struct FeedContent<'a> {
    pub info: &'a FeedInfo,
    /// Released stories, newest first.
    pub items: &'a [&'a Article],
    pub tombstones: &'a [Tombstone],
}

impl FeedContent<'_> {
    /// The latest change the feed shows; deterministic, so equal content gives equal bytes.
    pub fn updated(&self) -> DateTime<Utc> {
        let items = self.items.iter().map(|a| a.version_created);
        let kills = self.tombstones.iter().map(|t| t.when);
        items.chain(kills).max().unwrap_or(DateTime::UNIX_EPOCH)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Rss,
    Atom,
    JsonFeed,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::JsonFeed];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::JsonFeed => "json",
        }
    }

    pub fn from_extension(ext: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.extension() == ext)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::JsonFeed => "application/feed+json; charset=utf-8",
        }
    }

    pub fn render(self, content: &FeedContent<'_>) -> Vec<u8> {
        let items: Vec<Vec<u8>> = content.items.iter().map(|a| self.render_item(a)).collect();
        let items: Vec<&[u8]> = items.iter().map(Vec::as_slice).collect();
        self.assemble(content, &items)
    }

    /// One story as this format writes it inside a feed. A story's element does not
    /// depend on the feed it is in, so a service renders it once per version and
    /// assembles feeds from the bytes.
    pub fn render_item(self, a: &Article) -> Vec<u8> {
        match self {
            Format::Rss => rss::item_rss(a),
            Format::Atom => atom::entry_atom(a),
            Format::JsonFeed => jsonfeed::item_json(a),
        }
    }

    /// The feed of `content`, with `items` — the rendered elements of `content.items`,
    /// in the same order.
    pub fn assemble(self, content: &FeedContent<'_>, items: &[&[u8]]) -> Vec<u8> {
        match self {
            Format::Rss => rss::assemble_rss(content, items),
            Format::Atom => atom::assemble_atom(content, items),
            Format::JsonFeed => jsonfeed::assemble_json_feed(content, items),
        }
    }
}

/// The id of a story that never changes across versions.
pub fn story_urn(id: &str) -> String {
    format!("urn:newswire:article:{id}")
}
