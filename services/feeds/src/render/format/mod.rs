//! Feed formats: pure functions from released articles to bytes. No Kafka, no HTTP.

pub mod atom;
mod item;
pub mod jsonfeed;
pub mod notes;
pub mod rss;
mod sanitize;

use chrono::{DateTime, Utc};
use newswire_shared::Article;

pub use notes::CorrectionNotes;
pub use sanitize::sanitize_html;

/// What a feed says about itself.
#[derive(Debug, Clone)]
pub struct FeedInfo {
    pub title: String,
    /// The site the feed belongs to: an absolute http(s) URL.
    pub link: String,
    /// This document's own URL, percent-encoded (RFC 3986).
    pub self_url: String,
    pub description: String,
    /// Stable id of the feed, a valid URN (RFC 8141, see [`feed_urn`]); its archive
    /// pages share it.
    pub id: String,
    /// WebSub hub, if any.
    pub hub: Option<String>,
    pub history: History,
    /// The language of every story in the feed (a language feed's tag), as RSS
    /// `<language>`, Atom `xml:lang` on the feed and JSON Feed `language`.
    pub language: Option<String>,
    /// The feed's last change when it shows nothing (no story, no tombstone): a real
    /// instant, never 1970. The service keeps it from the document's first rendering.
    pub empty_updated: DateTime<Utc>,
}

/// RFC 5005 §4 archived feeds: the current document links to the newest archive page;
/// each archive page to the one before (`prev-archive`, which §4 requires unless there
/// is none), to the one after (`next-archive`, which §4 asks for unless there is none)
/// and back to the current document. A page's stories never change once it is full; its
/// `next-archive` link appears once, when the next page fills.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// This document is an archive page (`fh:archive`).
    pub is_archive: bool,
    pub current: Option<String>,
    pub prev_archive: Option<String>,
    pub next_archive: Option<String>,
}

pub const HISTORY_NS: &str = "http://purl.org/syndication/history/1.0";

impl History {
    /// (rel, href) of the links this document carries.
    pub fn links(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("current", self.current.as_deref()),
            ("prev-archive", self.prev_archive.as_deref()),
            ("next-archive", self.next_archive.as_deref()),
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

/// One story as a feed shows it.
#[derive(Debug, Clone, Copy)]
pub struct FeedItem<'a> {
    pub article: &'a Article,
    /// When the story first became visible to subscribers — the later of its embargo
    /// and the release of its first visible version — shown as RSS `pubDate`, Atom
    /// `published` and JSON Feed `date_published`. Not `first_created`, which is when
    /// the newsroom started the story: a story embargoed until 09:00 is published at
    /// 09:00, so readers sorting by date put it above the stories of 08:00.
    pub published: DateTime<Utc>,
    /// The correction note for this version in the story's language, if it is a
    /// correction and one is known ([`CorrectionNotes`]).
    pub correction_note: Option<&'a str>,
}

impl<'a> FeedItem<'a> {
    /// `article` as published at `published`, with the note `notes` give its language.
    pub fn new(article: &'a Article, published: DateTime<Utc>, notes: &'a CorrectionNotes) -> Self {
        let corrected = article
            .signals
            .contains(&newswire_shared::article::Signal::Correction);
        Self {
            article,
            published,
            correction_note: corrected
                .then(|| notes.for_language(item::language(article)))
                .flatten(),
        }
    }

    /// For a caller without a feed store: published at the later of the embargo and
    /// `first_created` (the store knows better: the release of the first visible
    /// version), with the built-in notes.
    pub fn of(article: &'a Article) -> Self {
        static NOTES: std::sync::OnceLock<CorrectionNotes> = std::sync::OnceLock::new();
        let published = article
            .embargo_until
            .map_or(article.first_created, |e| e.max(article.first_created));
        Self::new(
            article,
            published,
            NOTES.get_or_init(CorrectionNotes::default),
        )
    }

    /// The story's last change: its version's time, never before it was published.
    pub fn updated(&self) -> DateTime<Utc> {
        self.article.version_created.max(self.published)
    }
}

/// Everything one rendering of one feed needs.
pub struct FeedContent<'a> {
    pub info: &'a FeedInfo,
    /// Released stories, newest first.
    pub items: &'a [FeedItem<'a>],
    pub tombstones: &'a [Tombstone],
}

impl FeedContent<'_> {
    /// The latest change the feed shows; deterministic, so equal content gives equal bytes.
    pub fn updated(&self) -> DateTime<Utc> {
        let items = self.items.iter().map(FeedItem::updated);
        let kills = self.tombstones.iter().map(|t| t.when);
        items.chain(kills).max().unwrap_or(self.info.empty_updated)
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
    pub fn render_item(self, item: &FeedItem<'_>) -> Vec<u8> {
        match self {
            Format::Rss => rss::item_rss(item),
            Format::Atom => atom::entry_atom(item),
            Format::JsonFeed => jsonfeed::item_json(item),
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

/// The id of a story that never changes across versions: `urn:newswire:article:` and
/// the story id as an RFC 8141 name (see [`urn_nss`]).
pub fn story_urn(id: &str) -> String {
    format!("urn:newswire:article:{}", urn_nss(id))
}

/// A feed's id: `urn:newswire:feed:` then the parts of its name joined by `:`
/// (`section:economy`, `entity:wikidata:Q184`, `all;section=economy;lang=ru` for
/// filters combined), each as an RFC 8141 name.
pub fn feed_urn(parts: &[&str]) -> String {
    let nss: Vec<String> = parts.iter().map(|p| urn_nss(p)).collect();
    format!("urn:newswire:feed:{}", nss.join(":"))
}

/// `text` as the name-specific part of a URN: the characters RFC 2141 (and so every
/// URN checker, the W3C validator's among them) allows as they are — letters and
/// digits of ASCII and `( ) + , - . : = @ ; $ _ ! * '` — and every other byte of its
/// UTF-8 percent-encoded in upper-case hex. `/`, `?`, `&`, `#`, `%`, space and
/// non-ASCII letters are encoded, so `entity/Aleksandr Lukashenko` can never make an
/// invalid id.
pub fn urn_nss(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"()+,-.:=@;$_!*'".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
