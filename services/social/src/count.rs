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
            Network::X => {
                let parsed = twitter_text::parse(text, &self.x_config, true);
                parsed.is_valid
            }
            Network::Bluesky => text.len() <= BLUESKY_MAX_BYTES && self.length(text) <= self.limit,
            _ => self.length(text) <= self.limit,
        }
    }
}

/// twitter-text v3: NFC, weighted code points, whole emoji sequences weigh 2, every
/// URL weighs `transformedURLLength`.
pub fn x_weighted_length(text: &str, config: &Configuration) -> usize {
    twitter_text::parse(text, config, true)
        .weighted_length
        .max(0) as usize
}

/// Mastodon's server validator: grapheme clusters, where a URL with a scheme counts
/// as `url_length` and `@user@domain` as `@user`. Mastodon widens twitter-text's
/// patterns (any non-space character in a path, international domains), so the
/// entities are found here by Mastodon's rules rather than X's.
pub fn mastodon_length(text: &str, url_length: usize) -> usize {
    let mut length = 0;
    let mut at = 0;
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if i < at {
            previous = Some(c);
            continue;
        }
        let may_start = previous.is_none_or(|p| !(p.is_alphanumeric() || "@＠$#＃_/=".contains(p)));
        let entity = if !may_start {
            None
        } else if c == '@' || c == '＠' {
            remote_mention(&text[i..]).map(|(len, local)| (len, 1 + local.graphemes(true).count()))
        } else if c == 'h' || c == 'H' {
            mastodon_url(&text[i..]).map(|len| (len, url_length))
        } else {
            None
        };
        if let Some((len, counts)) = entity {
            length += text[at..i].graphemes(true).count() + counts;
            at = i + len;
        }
        previous = Some(c);
    }
    length + text[at..].graphemes(true).count()
}

/// Longest URL twitter-text (and so Mastodon) extracts.
const MAX_URL_BYTES: usize = 4096;

/// Length of the `http(s)://…` URL `s` starts with, without trailing punctuation.
fn mastodon_url(s: &str) -> Option<usize> {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let run = s.find(char::is_whitespace).unwrap_or(s.len());
    let mut url = &s[..run];
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"', '…']);
        let trimmed = if trimmed.ends_with(')')
            && trimmed.matches('(').count() < trimmed.matches(')').count()
        {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == url.len() {
            break;
        }
        url = trimmed;
    }
    let host_end = url[scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |e| scheme + e);
    let host = url[scheme..host_end].split(':').next().unwrap_or_default();
    (url.len() <= MAX_URL_BYTES && is_domain(host)).then_some(url.len())
}

/// Length of the `@user@domain` mention `s` starts with, and its local part.
fn remote_mention(s: &str) -> Option<(usize, &str)> {
    let sign = s.chars().next()?.len_utf8();
    let rest = &s[sign..];
    let user_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
        .unwrap_or(rest.len());
    let user = rest[..user_len].trim_end_matches(['.', '-']);
    if user.is_empty() || !rest[user.len()..].starts_with(['@', '＠']) {
        return None;
    }
    let domain_start = sign + user.len() + 1;
    let after = &s[domain_start..];
    let domain_len = after
        .find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-' || is_mark(c)))
        .unwrap_or(after.len());
    let domain = after[..domain_len].trim_end_matches(['.', '-']);
    is_domain(domain).then_some((domain_start + domain.len(), user))
}

fn is_mark(c: char) -> bool {
    unicode_categories::UnicodeCategories::is_mark(c)
}

/// A host name: dot-separated labels of letters, digits, marks and hyphens, each at
/// most 63 characters, at least two labels, at most 253 in all.
fn is_domain(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && host.chars().count() <= 253
        && labels.iter().all(|l| {
            let n = l.chars().count();
            (1..=63).contains(&n)
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || is_mark(c))
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().any(char::is_alphabetic))
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
    fn mastodon_discounts_urls_with_a_scheme_and_remote_domains_only() {
        assert_eq!(
            mastodon_length("see https://example.com/a/very/long/path here", 23),
            32
        );
        assert_eq!(mastodon_length("see example.com here", 23), 20);
        assert_eq!(mastodon_length("hi @bob@example.com", 23), 7);
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
