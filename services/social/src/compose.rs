//! One account's post for one article: text laid out by the account's template, in the
//! network's markup, shortened until the network's own counter accepts it.

use crate::count::{Counter, TELEGRAM_CAPTION_LIMIT};
use crate::cut::{one_line, split_to_fit, truncate_to_fit};
use crate::markup::{bluesky_display_url, linkedin_escape, linkedin_hashtag, telegram_escape};
use crate::richtext::{facets_for, ByteSlice, Facet};
use newswire_shared::config::{Network, SocialAccount};

/// One post's text as the network takes it, with what goes beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Composed {
    pub text: String,
    /// Bluesky only: links and hashtags as byte ranges.
    pub facets: Vec<Facet>,
    /// The network's count of `text`.
    pub length: usize,
}

/// What a post is made of, before layout.
#[derive(Debug, Clone, Copy)]
pub struct Parts<'a> {
    /// `BREAKING:`, `CORRECTION:` or empty.
    pub prefix: &'a str,
    pub headline: &'a str,
    pub summary: Option<&'a str>,
    /// Further paragraphs, used only by thread mode.
    pub paragraphs: &'a [String],
    pub link: Option<&'a str>,
    pub hashtags: &'a [String],
}

pub struct Composer {
    network: Network,
    counter: Counter,
    template: String,
    thread: bool,
    thread_marker: String,
    thread_max_posts: usize,
}

/// The layout used when an account names no template.
pub const DEFAULT_TEMPLATE: &str = "{prefix}{text}\n\n{link}\n{hashtags}";

impl Composer {
    pub fn new(account: &SocialAccount, has_photo: bool) -> Self {
        let mut limit = account.limit;
        if account.network == Network::Telegram && account.photo_caption && has_photo {
            limit = Some(limit.map_or(TELEGRAM_CAPTION_LIMIT, |l| l.min(TELEGRAM_CAPTION_LIMIT)));
        }
        Self {
            network: account.network,
            counter: Counter::new(account.network).with_limits(limit, account.url_length),
            template: account
                .template
                .clone()
                .unwrap_or_else(|| DEFAULT_TEMPLATE.into()),
            thread: account.thread && allows_threads(account.network),
            thread_marker: account.thread_marker.clone(),
            thread_max_posts: account.thread_max_posts,
        }
    }

    pub fn counter(&self) -> &Counter {
        &self.counter
    }

    /// The post, and in thread mode the replies that follow it. Empty only when not
    /// even the link fits the account's limit.
    pub fn compose(&self, parts: &Parts<'_>) -> Vec<Composed> {
        if self.thread && !parts.paragraphs.is_empty() {
            if let Some(thread) = self.compose_thread(parts) {
                return thread;
            }
        }
        self.compose_one(parts, "").into_iter().collect()
    }

    /// A single post: headline and summary where there is room, else the headline,
    /// dropping hashtags before shortening the headline.
    fn compose_one(&self, parts: &Parts<'_>, suffix: &str) -> Option<Composed> {
        let headline = one_line(parts.headline);
        let mut texts = Vec::new();
        if let Some(summary) = parts.summary.map(one_line).filter(|s| !s.is_empty()) {
            if has_room_for_summary(self.network) {
                texts.push(format!("{headline}\n\n{summary}"));
            }
        }
        texts.push(headline.clone());
        let tag_counts: Vec<usize> = (0..=parts.hashtags.len()).rev().collect();
        for &n in &tag_counts {
            for text in &texts {
                if let Some(c) = self.try_layout(parts, text, &parts.hashtags[..n], suffix) {
                    return Some(c);
                }
            }
        }
        for &n in &tag_counts {
            let tags = &parts.hashtags[..n];
            let shortened = truncate_to_fit(&headline, |t| {
                self.try_layout(parts, t, tags, suffix).is_some()
            });
            if let Some(text) = shortened {
                return self.try_layout(parts, &text, tags, suffix);
            }
        }
        self.try_layout(parts, "", &[], suffix)
    }

    /// Headline, link and hashtags first, then summary and body split at paragraph,
    /// sentence and word boundaries, each post ending with its `i/n` marker.
    fn compose_thread(&self, parts: &Parts<'_>) -> Option<Vec<Composed>> {
        let widest = self
            .thread_marker
            .replace("{i}", &self.thread_max_posts.to_string())
            .replace("{n}", &self.thread_max_posts.to_string());
        let reserve = format!("\n{widest}");
        let first_parts = Parts {
            summary: None,
            ..*parts
        };
        self.compose_one(&first_parts, &reserve)?;
        let mut rest = String::new();
        if let Some(s) = parts.summary {
            rest.push_str(&one_line(s));
        }
        for p in parts.paragraphs {
            if !rest.is_empty() {
                rest.push_str("\n\n");
            }
            rest.push_str(p);
        }
        let fits = |piece: &str| {
            let text = format!("{}{reserve}", self.escape(piece));
            self.counter.fits(&text)
        };
        let mut pieces = split_to_fit(&rest, &fits);
        pieces.truncate(self.thread_max_posts.saturating_sub(1));
        if pieces.is_empty() {
            return None;
        }
        let n = pieces.len() + 1;
        let marker = |i: usize| {
            self.thread_marker
                .replace("{i}", &i.to_string())
                .replace("{n}", &n.to_string())
        };
        let first = self.compose_one(&first_parts, &format!("\n{}", marker(1)))?;
        let mut posts = vec![first];
        for (i, piece) in pieces.iter().enumerate() {
            let text = format!("{}\n{}", self.escape(piece), marker(i + 2));
            posts.push(self.finish(text, Vec::new())?);
        }
        Some(posts)
    }

    /// Lays the parts out by the template in the network's markup; `None` if the
    /// network would refuse the result.
    fn try_layout(
        &self,
        parts: &Parts<'_>,
        text: &str,
        hashtags: &[String],
        suffix: &str,
    ) -> Option<Composed> {
        let prefix = if parts.prefix.is_empty() {
            String::new()
        } else {
            format!("{} ", self.escape(parts.prefix))
        };
        let body = self.body(text);
        let (link, link_range_in_value) = match parts.link {
            Some(url) => self.link(url),
            None => (String::new(), None),
        };
        let tags = self.hashtags(hashtags);
        let mut out = String::new();
        let mut link_range = None;
        let mut rest = self.template.as_str();
        let mut previous_empty = false;
        while let Some(open) = rest.find('{') {
            let literal = &rest[..open];
            append_literal(&mut out, literal, previous_empty);
            let after = &rest[open..];
            let (value, len) = if after.starts_with("{prefix}") {
                (prefix.as_str(), 8)
            } else if after.starts_with("{text}") {
                (body.as_str(), 6)
            } else if after.starts_with("{link}") {
                (link.as_str(), 6)
            } else if after.starts_with("{hashtags}") {
                (tags.as_str(), 10)
            } else {
                out.push('{');
                rest = &after[1..];
                previous_empty = false;
                continue;
            };
            if len == 6 && after.starts_with("{link}") && !value.is_empty() {
                if let Some((s, e)) = link_range_in_value {
                    link_range = Some(ByteSlice {
                        byte_start: out.len() + s,
                        byte_end: out.len() + e,
                    });
                }
            }
            out.push_str(value);
            previous_empty = value.is_empty();
            rest = &after[len..];
        }
        append_literal(&mut out, rest, previous_empty);
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push_str(suffix);
        let links: Vec<(ByteSlice, String)> = match (link_range, parts.link) {
            (Some(range), Some(url)) => vec![(range, url.to_string())],
            _ => Vec::new(),
        };
        let facets = if self.network == Network::Bluesky {
            facets_for(&out, &links)
        } else {
            Vec::new()
        };
        self.finish(out, facets)
    }

    fn finish(&self, text: String, facets: Vec<Facet>) -> Option<Composed> {
        if !self.counter.fits(&text) {
            return None;
        }
        let facets = if self.network == Network::Bluesky && facets.is_empty() {
            facets_for(&text, &[])
        } else {
            facets
        };
        Some(Composed {
            length: self.counter.length(&text),
            text,
            facets,
        })
    }

    fn escape(&self, text: &str) -> String {
        match self.network {
            Network::Telegram => telegram_escape(text),
            Network::Linkedin => linkedin_escape(text),
            _ => text.to_string(),
        }
    }

    /// Telegram shows the headline (the first paragraph) in bold.
    fn body(&self, text: &str) -> String {
        if text.is_empty() {
            return String::new();
        }
        match self.network {
            Network::Telegram => match text.split_once("\n\n") {
                Some((head, rest)) => format!(
                    "<b>{}</b>\n\n{}",
                    telegram_escape(head),
                    telegram_escape(rest)
                ),
                None => format!("<b>{}</b>", telegram_escape(text)),
            },
            _ => self.escape(text),
        }
    }

    /// The link as shown, and where the part that is the link sits in it.
    fn link(&self, url: &str) -> (String, Option<(usize, usize)>) {
        match self.network {
            Network::Bluesky => {
                let shown = bluesky_display_url(url);
                let len = shown.len();
                (shown, Some((0, len)))
            }
            Network::Telegram => {
                let shown = telegram_escape(url);
                (format!("<a href=\"{shown}\">{shown}</a>"), None)
            }
            Network::Linkedin => (linkedin_escape(url), None),
            _ => (url.to_string(), None),
        }
    }

    fn hashtags(&self, tags: &[String]) -> String {
        let rendered: Vec<String> = tags
            .iter()
            .map(|t| match self.network {
                Network::Linkedin => linkedin_hashtag(t),
                _ => format!("#{t}"),
            })
            .collect();
        rendered.join(" ")
    }
}

/// Appends template text, dropping the white space that only separated an empty
/// placeholder from what follows.
fn append_literal(out: &mut String, literal: &str, previous_empty: bool) {
    let literal = if out.is_empty() || (previous_empty && out.ends_with(char::is_whitespace)) {
        literal.trim_start()
    } else {
        literal
    };
    out.push_str(literal);
}

/// Networks where a post can be answered by its author to make a thread.
pub fn allows_threads(network: Network) -> bool {
    matches!(
        network,
        Network::X | Network::Mastodon | Network::Bluesky | Network::Threads
    )
}

/// Networks whose limit leaves room for the summary under the headline.
fn has_room_for_summary(network: Network) -> bool {
    matches!(
        network,
        Network::Mastodon | Network::Threads | Network::Telegram | Network::Linkedin
    )
}
