//! Each network's own way of counting a post, and its limit.
//!
//! The counts are what the network's server enforces, not what its app shows: a post
//! that fits here is accepted as is.

use newswire_shared::config::Network;
use twitter_text_config::Configuration;
use unicode_segmentation::UnicodeSegmentation;

/// What a network counts and how much it allows.
#[derive(Debug, Clone)]
pub struct Counter {
    network: Network,
    limit: usize,
    url_length: usize,
    x_config: Configuration,
}

/// Bluesky holds text to both limits (app.bsky.feed.post#text).
pub const BLUESKY_MAX_BYTES: usize = 3000;
/// Telegram's limit for a media caption instead of a message.
pub const TELEGRAM_CAPTION_LIMIT: usize = 1024;

impl Counter {
    /// The network's published defaults: X 280 weighted, Mastodon 500, Bluesky 300
    /// graphemes, Threads 500, Telegram 4096, LinkedIn 3000.
    pub fn new(network: Network) -> Self {
        let limit = match network {
            Network::X => 280,
            Network::Mastodon => 500,
            Network::Bluesky => 300,
            Network::Threads => 500,
            Network::Telegram => 4096,
            Network::Linkedin => 3000,
        };
        Self {
            network,
            limit,
            url_length: 23,
            x_config: twitter_text_config::config_v3().clone(),
        }
    }

    /// An instance's own limits (`max_characters`, `characters_reserved_per_url`).
    pub fn with_limits(mut self, limit: Option<usize>, url_length: Option<usize>) -> Self {
        if let Some(limit) = limit {
            self.limit = limit;
            self.x_config.max_weighted_tweet_length = limit as i32;
        }
        if let Some(url) = url_length {
            self.url_length = url;
            self.x_config.transformed_url_length = url as i32;
        }
        self
    }

    pub fn network(&self) -> Network {
        self.network
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The length the network computes for `text` (for Telegram: the text as shown,
    /// after its HTML is parsed).
    pub fn length(&self, text: &str) -> usize {
        match self.network {
            Network::X => x_weighted_length(text, &self.x_config),
            Network::Mastodon => mastodon_length(text, self.url_length),
            Network::Bluesky => text.graphemes(true).count(),
            Network::Threads => threads_length(text),
            Network::Telegram => telegram_visible_text(text).encode_utf16().count(),
            Network::Linkedin => text.encode_utf16().count(),
        }
    }

    /// Whether the network accepts `text` as one post.
    pub fn fits(&self, text: &str) -> bool {
        if text.trim().is_empty() {
            return false;
        }
        match self.network {
            Network::X => crate::x::parse(text, &self.x_config).valid,
            Network::Bluesky => text.len() <= BLUESKY_MAX_BYTES && self.length(text) <= self.limit,
            _ => self.length(text) <= self.limit,
        }
    }
}

/// twitter-text v3 as X's official JavaScript counts ([`crate::x`]): NFC, weighted
/// code points, whole emoji sequences weigh 2, every URL weighs `transformedURLLength`.
pub fn x_weighted_length(text: &str, config: &Configuration) -> usize {
    crate::x::parse(text, config).weighted_length
}

/// Mastodon's server validator ([`crate::mastodon`]): grapheme clusters, where a URL
/// Mastodon's extractor recognises (a protocol, and a TLD twitter-text knows) counts as
/// `url_length` and `@user@domain` as `@user`.
pub fn mastodon_length(text: &str, url_length: usize) -> usize {
    crate::mastodon::length(text, url_length)
}

/// Threads counts characters, except that an emoji counts its UTF-8 bytes.
pub fn threads_length(text: &str) -> usize {
    text.graphemes(true)
        .map(|g| {
            if g.chars().any(is_emoji_code_point) {
                g.len()
            } else {
                g.chars().count()
            }
        })
        .sum()
}

/// Code points that make a grapheme an emoji (pictographs, flags, keycaps, the
/// emoji variation selector). Broad on purpose: counting too much is safe here.
pub fn is_emoji_code_point(c: char) -> bool {
    matches!(c as u32,
        0x00A9 | 0x00AE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x21AA
        | 0x231A..=0x23FF | 0x24C2 | 0x25AA..=0x25FE | 0x2600..=0x27BF
        | 0x2934 | 0x2935 | 0x2B05..=0x2B55 | 0x3030 | 0x303D | 0x3297 | 0x3299
        | 0x20E3 | 0xFE0F | 0x1F000..=0x1FAFF | 0xE0020..=0xE007F)
}

/// The text a Telegram HTML message shows: tags removed, entities decoded.
pub fn telegram_visible_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    text.push_str(rest);
    newswire_shared::text::decode_entities(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_counts_urls_as_23_and_cjk_as_2() {
        let x = Counter::new(Network::X);
        assert_eq!(
            x.length("Hi https://www.belta.by/politics/view/a-long-path-123"),
            26
        );
        assert_eq!(x.length("故人西辞"), 8);
        assert_eq!(x.length("👨‍👩‍👧‍👦"), 2);
    }

    #[test]
    fn threads_counts_emoji_as_bytes() {
        assert_eq!(threads_length("ab🔥"), 6);
    }

    #[test]
    fn telegram_counts_what_is_shown() {
        assert_eq!(
            telegram_visible_text(
                "<b>A &amp; B</b> &lt;3 <a href=\"https://x.y/?a=1&amp;b=2\">x.y</a>"
            ),
            "A & B <3 x.y"
        );
    }
}
